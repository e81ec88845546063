//! Reading a dataset from CSV with headers: numbers parsed as they are read, missing cells
//! (empty, `NA`, `NaN`, `null`) recognised, and each column's type inferred or given.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use crate::DriftError;
use crate::sample::{ColumnType, Sample};

/// The cell texts read as missing (after trimming spaces).
pub const MISSING_TOKENS: [&str; 4] = ["", "NA", "NaN", "null"];

/// A NaN with its own payload marks a cell of the wrong type, so that windows cut from a
/// table still know which of their rows held one.
const WRONG_TYPE_BITS: u64 = 0x7ff8_0000_0000_0bad;

fn wrong_type_cells(values: &[f64]) -> u64 {
    values
        .iter()
        .filter(|v| v.to_bits() == WRONG_TYPE_BITS)
        .count() as u64
}

fn is_missing(cell: &[u8]) -> bool {
    cell.len() <= 4 && MISSING_TOKENS.iter().any(|t| t.as_bytes() == cell)
}

/// One column as read.
#[derive(Clone, Debug, PartialEq)]
pub enum ColumnValues {
    /// Numbers; missing cells are NaN.
    Numeric {
        /// One entry per row.
        values: Vec<f64>,
        /// Cells that were present but not numbers (only when the type was given).
        invalid: u64,
        /// Every cell was a whole number written without a point or exponent, none missing:
        /// what pandas reads as int64 (Evidently's binning depends on it).
        integer: bool,
    },
    /// Labels; missing cells are `None`.
    Categorical(Vec<Option<String>>),
}

/// One named column of a [`Table`].
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    /// The header.
    pub name: String,
    /// The values.
    pub values: ColumnValues,
}

impl Column {
    /// The column's type.
    pub fn column_type(&self) -> ColumnType {
        match self.values {
            ColumnValues::Numeric { .. } => ColumnType::Numeric,
            ColumnValues::Categorical(_) => ColumnType::Categorical,
        }
    }

    /// Cells that were missing.
    pub fn missing(&self) -> u64 {
        match &self.values {
            // Cells of the wrong type are NaN too, with their own payload.
            ColumnValues::Numeric { values, .. } => values
                .iter()
                .filter(|v| v.is_nan() && v.to_bits() != WRONG_TYPE_BITS)
                .count() as u64,
            ColumnValues::Categorical(v) => v.iter().filter(|v| v.is_none()).count() as u64,
        }
    }

    /// Whether pandas would read the column as int64.
    pub fn is_integer(&self) -> bool {
        matches!(self.values, ColumnValues::Numeric { integer: true, .. })
    }

    /// The present values as a drift sample, consuming the column.
    pub fn into_sample(self) -> Sample {
        match self.values {
            ColumnValues::Numeric { mut values, .. } => {
                values.retain(|v| v.is_finite());
                crate::sample::sort_floats(&mut values);
                Sample::Numeric(values)
            }
            ColumnValues::Categorical(v) => Sample::categorical(v.iter().flatten()),
        }
    }

    /// The present values as a drift sample (missing values, NaN and infinities dropped).
    pub fn sample(&self) -> Sample {
        match &self.values {
            ColumnValues::Numeric { values, .. } => Sample::numeric(values.iter().copied()),
            ColumnValues::Categorical(v) => Sample::categorical(v.iter().flatten()),
        }
    }
}

/// A dataset: named columns of equal length.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Table {
    /// Rows read.
    pub rows: usize,
    /// Columns in file order.
    pub columns: Vec<Column>,
}

impl Table {
    /// The column with this name.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Reads a CSV file with headers. Columns named in `types` get that type (cells that are
    /// not numbers in a numeric column are counted as invalid); the others are numeric when
    /// every present cell is a number, else categorical.
    pub fn read_csv(
        path: &Path,
        types: &BTreeMap<String, ColumnType>,
    ) -> Result<Table, DriftError> {
        let source = path.display().to_string();
        let open = || {
            std::fs::File::open(path).map_err(|e| DriftError::Io {
                path: source.clone(),
                reason: e.to_string(),
            })
        };
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        read_twice(
            |reader, types| parse(open()?, size, types, &source, reader),
            types,
        )
    }

    /// Reads CSV with headers from any reader (held in memory); `source` names it in errors.
    pub fn from_reader(
        mut reader: impl Read,
        types: &BTreeMap<String, ColumnType>,
        source: &str,
    ) -> Result<Table, DriftError> {
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes).map_err(|e| DriftError::Io {
            path: source.to_string(),
            reason: e.to_string(),
        })?;
        let size = bytes.len() as u64;
        read_twice(
            |reader, types| parse(bytes.as_slice(), size, types, source, reader),
            types,
        )
    }
}

/// Which CSV reader a pass uses.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reader {
    /// simd-csv: SIMD delimiter search, cells without copies. It reads RFC 4180 the way the
    /// csv crate does only for cells without quotes and lines ended by `\n` or `\r\n`.
    Fast,
    /// The csv crate, for files with quotes or bare carriage returns.
    Strict,
}

/// How one pass over the CSV went.
enum Pass {
    /// The table, and the inferred-numeric columns that met text.
    Read(Table, Vec<String>),
    /// The fast reader met a quote or a bare carriage return: read with the strict one.
    NeedsStrictReader,
}

/// Runs the passes a file needs: the fast reader unless the file holds quotes or bare
/// carriage returns, and once more with text columns that started out looking numeric.
fn read_twice(
    pass: impl Fn(Reader, &BTreeMap<String, ColumnType>) -> Result<Pass, DriftError>,
    types: &BTreeMap<String, ColumnType>,
) -> Result<Table, DriftError> {
    let run = |types: &BTreeMap<String, ColumnType>| match pass(Reader::Fast, types)? {
        Pass::Read(table, reread) => Ok((table, reread)),
        Pass::NeedsStrictReader => match pass(Reader::Strict, types)? {
            Pass::Read(table, reread) => Ok((table, reread)),
            Pass::NeedsStrictReader => Err(DriftError::invalid("CSV", "no reader accepted it")),
        },
    };
    let (table, reread) = run(types)?;
    if reread.is_empty() {
        return Ok(table);
    }
    // Numbers came first, then text: read once more with those columns as text.
    let mut types = types.clone();
    types.extend(reread.into_iter().map(|c| (c, ColumnType::Categorical)));
    Ok(run(&types)?.0)
}

/// One pass over the CSV with `reader`.
fn parse(
    input: impl Read,
    bytes: u64,
    types: &BTreeMap<String, ColumnType>,
    source: &str,
    reader: Reader,
) -> Result<Pass, DriftError> {
    match reader {
        Reader::Fast => parse_fast(input, bytes, types, source),
        Reader::Strict => parse_strict(input, bytes, types, source),
    }
}

fn csv_error(source: &str, e: impl std::fmt::Display) -> DriftError {
    DriftError::Csv {
        source_name: source.to_string(),
        reason: e.to_string(),
    }
}

fn header_text(cell: &[u8], source: &str) -> Result<String, DriftError> {
    std::str::from_utf8(cell)
        .map(|h| h.trim().to_string())
        .map_err(|_| csv_error(source, "the header row is not valid UTF-8"))
}

fn parse_fast(
    input: impl Read,
    bytes: u64,
    types: &BTreeMap<String, ColumnType>,
    source: &str,
) -> Result<Pass, DriftError> {
    let mut csv = simd_csv::ZeroCopyReaderBuilder::new()
        .has_headers(true)
        .buffer_capacity(1 << 20)
        .from_reader(input);
    // Any error here may come from simd-csv splitting a quote or a bare carriage return
    // differently (a "ragged" record that is not ragged): the strict reader decides.
    let Ok(header) = csv.byte_headers() else {
        return Ok(Pass::NeedsStrictReader);
    };
    // A quote inside a cell opens a quoted section for simd-csv (the csv crate keeps it as a
    // character), and only `\n` ends its lines: either shows up here as a quote, a carriage
    // return or a line break inside a header cell.
    if header
        .iter()
        .any(|h| memchr::memchr3(b'"', b'\r', b'\n', h).is_some())
    {
        return Ok(Pass::NeedsStrictReader);
    }
    let headers = header
        .iter()
        .map(|h| header_text(h, source))
        .collect::<Result<Vec<_>, _>>()?;
    let mut table = TableBuilder::new(headers, types, bytes, source)?;
    loop {
        let record = match csv.read_byte_record() {
            Ok(Some(record)) => record,
            Ok(None) => break,
            Err(_) => return Ok(Pass::NeedsStrictReader),
        };
        // Records without quotes or carriage returns split the same under both readers.
        if memchr::memchr2(b'"', b'\r', record.as_slice()).is_some() {
            return Ok(Pass::NeedsStrictReader);
        }
        table.row(record.iter(), record.as_slice().len() + 1)?;
    }
    let (table, reread) = table.finish();
    Ok(Pass::Read(table, reread))
}

fn parse_strict(
    input: impl Read,
    bytes: u64,
    types: &BTreeMap<String, ColumnType>,
    source: &str,
) -> Result<Pass, DriftError> {
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(true)
        .buffer_capacity(1 << 20)
        .from_reader(input);
    let headers = csv
        .byte_headers()
        .map_err(|e| csv_error(source, e))?
        .iter()
        .map(|h| header_text(h, source))
        .collect::<Result<Vec<_>, _>>()?;
    let mut table = TableBuilder::new(headers, types, bytes, source)?;
    let mut record = csv::ByteRecord::new();
    while csv
        .read_byte_record(&mut record)
        .map_err(|e| csv_error(source, e))?
    {
        table.row(record.iter(), record.as_slice().len() + record.len())?;
    }
    let (table, reread) = table.finish();
    Ok(Pass::Read(table, reread))
}

/// Columns being filled row by row, whichever reader splits the rows.
struct TableBuilder<'s> {
    headers: Vec<String>,
    builders: Vec<Builder>,
    rows: usize,
    bytes: u64,
    source: &'s str,
}

impl<'s> TableBuilder<'s> {
    /// Checks the header (present, no name twice, every typed column there).
    fn new(
        headers: Vec<String>,
        types: &BTreeMap<String, ColumnType>,
        bytes: u64,
        source: &'s str,
    ) -> Result<Self, DriftError> {
        if headers.is_empty() || headers.iter().all(String::is_empty) {
            return Err(csv_error(source, "no header row"));
        }
        // Sets, not scans: a file of 200,000 columns must not take 200,000^2 comparisons.
        let mut seen = std::collections::HashSet::with_capacity(headers.len());
        for h in &headers {
            if !seen.insert(h.as_str()) {
                return Err(csv_error(
                    source,
                    format!("column {h:?} appears twice in the header"),
                ));
            }
        }
        for name in types.keys() {
            if !seen.contains(name.as_str()) {
                return Err(DriftError::MissingColumn {
                    column: name.clone(),
                    source_name: source.to_string(),
                });
            }
        }
        let builders = headers
            .iter()
            .map(|h| match types.get(h) {
                Some(ColumnType::Numeric) => Builder::Numeric {
                    values: Vec::new(),
                    invalid: 0,
                    given: true,
                    integer: true,
                },
                Some(ColumnType::Categorical) => Builder::Text(Vec::new()),
                None => Builder::Numeric {
                    values: Vec::new(),
                    invalid: 0,
                    given: false,
                    integer: true,
                },
            })
            .collect();
        Ok(TableBuilder {
            headers,
            builders,
            rows: 0,
            bytes,
            source,
        })
    }

    /// Adds one row; `record_bytes` is its length in the file.
    fn row<'c>(
        &mut self,
        cells: impl Iterator<Item = &'c [u8]>,
        record_bytes: usize,
    ) -> Result<(), DriftError> {
        self.rows += 1;
        if self.rows == 1 {
            // Reserve for the whole file from the first row's length, so the columns are
            // not copied again and again as they grow.
            // Capped so that a hostile first row cannot make it reserve more than the file.
            let columns = self.builders.len().max(1);
            let estimate = (self.bytes as usize / record_bytes.max(1))
                .min(self.bytes as usize / (2 * columns))
                .min(1 << 28);
            for b in self.builders.iter_mut() {
                b.reserve(estimate + estimate / 8);
            }
        }
        let rows = self.rows;
        for (builder, cell) in self.builders.iter_mut().zip(cells) {
            builder
                .push(trim(cell), rows)
                .map_err(|reason| csv_error(self.source, reason))?;
        }
        Ok(())
    }

    /// The table, and the inferred-numeric columns that met text.
    fn finish(self) -> (Table, Vec<String>) {
        let reread: Vec<String> = self
            .headers
            .iter()
            .zip(&self.builders)
            .filter(|(_, b)| matches!(b, Builder::Reread))
            .map(|(h, _)| h.clone())
            .collect();
        let columns = self
            .headers
            .into_iter()
            .zip(self.builders)
            .map(|(name, b)| Column {
                name,
                values: b.finish(),
            })
            .collect();
        (
            Table {
                rows: self.rows,
                columns,
            },
            reread,
        )
    }
}

enum Builder {
    Numeric {
        values: Vec<f64>,
        invalid: u64,
        given: bool,
        integer: bool,
    },
    Text(Vec<Option<String>>),
    /// Inferred numeric, then a non-number appeared: the text must be read again.
    Reread,
}

impl Builder {
    fn reserve(&mut self, rows: usize) {
        match self {
            // Only a hint: if memory is short, the column grows as it is read instead.
            Builder::Numeric { values, .. } => {
                let _ = values.try_reserve(rows);
            }
            Builder::Text(_) | Builder::Reread => {}
        }
    }

    fn push(&mut self, cell: &[u8], row: usize) -> Result<(), String> {
        let text = |cell: &[u8]| {
            String::from_utf8(cell.to_vec())
                .map_err(|_| format!("row {row}: a cell is not valid UTF-8"))
        };
        match self {
            Builder::Numeric {
                values,
                invalid,
                given,
                integer,
            } => {
                // Numbers first: they are most cells. "NaN" parses to NaN, which is missing too.
                if let Ok(v) = fast_float2::parse::<f64, _>(cell) {
                    *integer = *integer && looks_integer(cell);
                    values.push(v);
                } else if is_missing(cell) {
                    *integer = false;
                    values.push(f64::NAN);
                } else if *given {
                    *integer = false;
                    *invalid += 1;
                    values.push(f64::from_bits(WRONG_TYPE_BITS));
                } else if values.iter().all(|v| v.is_nan()) {
                    // Only missing cells so far: a text column from its first value on.
                    let mut labels: Vec<Option<String>> = vec![None; row - 1];
                    labels.push(Some(text(cell)?));
                    *self = Builder::Text(labels);
                } else {
                    *self = Builder::Reread;
                }
            }
            Builder::Text(v) => v.push(if is_missing(cell) {
                None
            } else {
                Some(text(cell)?)
            }),
            Builder::Reread => {}
        }
        Ok(())
    }

    fn finish(self) -> ColumnValues {
        match self {
            Builder::Numeric {
                values,
                invalid,
                integer,
                ..
            } => ColumnValues::Numeric {
                integer: integer && !values.is_empty(),
                values,
                invalid,
            },
            Builder::Text(v) => ColumnValues::Categorical(v),
            Builder::Reread => ColumnValues::Categorical(Vec::new()),
        }
    }
}

/// Digits with an optional sign: what pandas parses as an integer.
fn looks_integer(cell: &[u8]) -> bool {
    let digits = cell
        .strip_prefix(b"-")
        .or(cell.strip_prefix(b"+"))
        .unwrap_or(cell);
    !digits.is_empty() && digits.iter().all(|b| b.is_ascii_digit())
}

/// Spaces around a cell are ignored; most cells have none, so check before trimming.
fn trim(cell: &[u8]) -> &[u8] {
    match (cell.first(), cell.last()) {
        (Some(a), Some(b)) if !a.is_ascii_whitespace() && !b.is_ascii_whitespace() => cell,
        _ => cell.trim_ascii(),
    }
}

impl Table {
    /// Appends another table's rows; both must have the same columns, in order, of the same
    /// types.
    pub fn append(&mut self, other: Table) -> Result<(), DriftError> {
        if self.columns.is_empty() && self.rows == 0 {
            *self = other;
            return Ok(());
        }
        let same = self.columns.len() == other.columns.len()
            && self
                .columns
                .iter()
                .zip(&other.columns)
                .all(|(a, b)| a.name == b.name && a.column_type() == b.column_type());
        if !same {
            return Err(DriftError::invalid(
                "batch",
                "the batch's columns or types differ from the earlier rows",
            ));
        }
        for (a, b) in self.columns.iter_mut().zip(other.columns) {
            match (&mut a.values, b.values) {
                (
                    ColumnValues::Numeric {
                        values,
                        invalid,
                        integer,
                    },
                    ColumnValues::Numeric {
                        values: more,
                        invalid: more_invalid,
                        integer: more_integer,
                    },
                ) => {
                    values.extend(more);
                    *invalid += more_invalid;
                    *integer = *integer && more_integer;
                }
                (ColumnValues::Categorical(labels), ColumnValues::Categorical(more)) => {
                    labels.extend(more);
                }
                _ => {}
            }
        }
        self.rows += other.rows;
        Ok(())
    }

    /// Splits off the rows from `at` on into a new table.
    pub fn split_off(&mut self, at: usize) -> Table {
        let at = at.min(self.rows);
        let columns = self
            .columns
            .iter_mut()
            .map(|c| Column {
                name: c.name.clone(),
                values: match &mut c.values {
                    ColumnValues::Numeric {
                        values,
                        invalid,
                        integer,
                    } => {
                        let rest = values.split_off(at);
                        *invalid = wrong_type_cells(values);
                        ColumnValues::Numeric {
                            invalid: wrong_type_cells(&rest),
                            values: rest,
                            integer: *integer,
                        }
                    }
                    ColumnValues::Categorical(labels) => {
                        ColumnValues::Categorical(labels.split_off(at))
                    }
                },
            })
            .collect();
        let rest = Table {
            rows: self.rows - at,
            columns,
        };
        self.rows = at;
        rest
    }
}
