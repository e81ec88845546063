//! Reading labelled, scored or featured rows from a CSV file for the validation, robustness
//! and explanation commands.

use std::collections::HashMap;
use std::path::Path;

use ndarray::Array2;

use crate::failure::Failure;

/// A truth or decision cell: 1/0, true/false, yes/no (any case).
pub fn flag_bytes(cell: &[u8]) -> Option<bool> {
    match cell {
        b"1" => Some(true),
        b"0" => Some(false),
        _ => match String::from_utf8_lossy(cell).to_ascii_lowercase().as_str() {
            "true" | "yes" | "y" | "t" | "1.0" => Some(true),
            "false" | "no" | "n" | "f" | "0.0" => Some(false),
            _ => None,
        },
    }
}

/// The columns asked for, read from a CSV file with a header.
pub struct Columns {
    /// Rows read.
    pub rows: usize,
    numbers: HashMap<String, Vec<f64>>,
    flags: HashMap<String, Vec<bool>>,
    text: HashMap<String, Vec<String>>,
}

/// What a column holds.
#[derive(Clone, Copy)]
pub enum Kind {
    /// A finite number.
    Number,
    /// A 1/0, true/false label.
    Flag,
    /// Any text (slices, groups).
    Text,
}

impl Columns {
    /// Reads `wanted` (name, kind) from `path`; a missing column or a bad cell names the
    /// column and the line.
    pub fn read(path: &Path, wanted: &[(&str, Kind)]) -> Result<Columns, Failure> {
        let shown = path.display();
        let mut reader =
            csv::Reader::from_path(path).map_err(|e| Failure::BadInput(format!("{shown}: {e}")))?;
        let header = reader
            .byte_headers()
            .map_err(|e| Failure::BadInput(format!("{shown}: {e}")))?
            .clone();
        for (i, h) in header.iter().enumerate() {
            if header.iter().take(i).any(|earlier| earlier == h) {
                return Err(Failure::BadInput(format!(
                    "{shown}: column {:?} appears twice in the header",
                    String::from_utf8_lossy(h)
                )));
            }
        }
        let mut at: Vec<(String, Kind, usize)> = Vec::with_capacity(wanted.len());
        for (name, kind) in wanted {
            // A column asked for twice (a weight that is also a feature) is read once.
            if at.iter().any(|(n, _, _)| n == name) {
                continue;
            }
            let i = header
                .iter()
                .position(|h| h == name.as_bytes())
                .ok_or_else(|| Failure::BadInput(format!("{shown}: no column {name:?}")))?;
            at.push((name.to_string(), *kind, i));
        }
        let mut columns = Columns {
            rows: 0,
            numbers: HashMap::new(),
            flags: HashMap::new(),
            text: HashMap::new(),
        };
        let mut record = csv::ByteRecord::new();
        loop {
            match reader.read_byte_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(e) => return Err(Failure::BadInput(format!("{shown}: {e}"))),
            }
            let line = record.position().map_or(0, |p| p.line());
            for (name, kind, i) in &at {
                let cell = record.get(*i).unwrap_or_default();
                let bad = |what: &str| {
                    Failure::BadInput(format!(
                        "{shown} line {line}, column {name}: {:?} is not {what}",
                        String::from_utf8_lossy(cell)
                    ))
                };
                match kind {
                    Kind::Number => {
                        let v = std::str::from_utf8(cell)
                            .ok()
                            .and_then(|t| t.trim().parse::<f64>().ok())
                            .filter(|v| v.is_finite())
                            .ok_or_else(|| bad("a finite number"))?;
                        columns.numbers.entry(name.clone()).or_default().push(v);
                    }
                    Kind::Flag => {
                        let v = flag_bytes(cell).ok_or_else(|| bad("a 1/0 or true/false label"))?;
                        columns.flags.entry(name.clone()).or_default().push(v);
                    }
                    Kind::Text => {
                        let v = String::from_utf8_lossy(cell).into_owned();
                        columns.text.entry(name.clone()).or_default().push(v);
                    }
                }
            }
            columns.rows += 1;
        }
        if columns.rows == 0 {
            return Err(Failure::BadInput(format!("{shown}: no rows")));
        }
        Ok(columns)
    }

    /// A numeric column (empty if it was not asked for).
    pub fn numbers(&mut self, name: &str) -> Vec<f64> {
        self.numbers.remove(name).unwrap_or_default()
    }

    /// A numeric column, left in place for other readers.
    pub fn numbers_ref(&self, name: &str) -> &[f64] {
        self.numbers.get(name).map_or(&[], Vec::as_slice)
    }

    /// A label column.
    pub fn flags(&mut self, name: &str) -> Vec<bool> {
        self.flags.remove(name).unwrap_or_default()
    }

    /// A text column.
    pub fn text(&mut self, name: &str) -> Vec<String> {
        self.text.remove(name).unwrap_or_default()
    }

    /// The named numeric columns side by side, one row per CSV row.
    pub fn matrix(&self, names: &[String]) -> Result<Array2<f64>, Failure> {
        let mut m = Array2::zeros((self.rows, names.len()));
        for (j, name) in names.iter().enumerate() {
            let column = self.numbers_ref(name);
            if column.len() != self.rows {
                return Err(Failure::BadInput(format!(
                    "column {name:?}: {} values for {} rows",
                    column.len(),
                    self.rows
                )));
            }
            for (i, &v) in column.iter().enumerate() {
                m[[i, j]] = v;
            }
        }
        Ok(m)
    }
}

/// Reads the model's features (by name, in the model's order) and any extra columns.
pub fn read_features(
    path: &Path,
    features: &[String],
    extra: &[(&str, Kind)],
) -> Result<(Array2<f64>, Columns), Failure> {
    let mut wanted: Vec<(&str, Kind)> = features
        .iter()
        .map(|f| (f.as_str(), Kind::Number))
        .collect();
    wanted.extend_from_slice(extra);
    let columns = Columns::read(path, &wanted)?;
    let matrix = columns.matrix(features)?;
    Ok((matrix, columns))
}
