//! Redaction of text, CSV and JSON-lines datasets into typed placeholders or keyed pseudonyms.

use std::collections::BTreeMap;
use std::io::{BufRead, Read, Write};

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::detect::{PiiType, detect};
use crate::PolicyError;

/// How detected values are replaced.
#[derive(Clone)]
pub enum Replacement {
    /// `<EMAIL>`, `<IPV4>`, ...
    Placeholder,
    /// `<EMAIL:3f2a1b9c8d7e6f50>`: HMAC-SHA256 under a secret key, so equal values stay equal
    /// (joins keep working) while the value cannot be recovered without the key.
    Pseudonym(Vec<u8>),
}

impl std::fmt::Debug for Replacement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Replacement::Placeholder => f.write_str("Placeholder"),
            Replacement::Pseudonym(_) => f.write_str("Pseudonym(<key>)"),
        }
    }
}

/// Counts of what was redacted, per column and type.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedactionReport {
    /// Rows (or lines) read.
    pub rows: u64,
    /// Column (or JSON key) to type label to count.
    pub counts: BTreeMap<String, BTreeMap<String, u64>>,
}

impl RedactionReport {
    /// Total values redacted.
    pub fn total(&self) -> u64 {
        self.counts.values().flat_map(|m| m.values()).sum()
    }
}

/// Replaces PII in text and datasets.
#[derive(Clone, Debug)]
pub struct Redactor {
    replacement: Replacement,
}

impl Redactor {
    /// A redactor with the given replacement.
    pub fn new(replacement: Replacement) -> Self {
        Redactor { replacement }
    }

    fn token(&self, kind: PiiType, value: &str) -> String {
        match &self.replacement {
            Replacement::Placeholder => format!("<{}>", kind.label()),
            Replacement::Pseudonym(key) => {
                // HMAC accepts keys of any length, so this cannot fail.
                let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key)
                    .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
                mac.update(kind.label().as_bytes());
                mac.update(&[0]);
                mac.update(value.as_bytes());
                let tag = mac.finalize().into_bytes();
                format!("<{}:{}>", kind.label(), hex::encode(&tag[..8]))
            }
        }
    }

    /// Redacts one string; returns the new text and the types found.
    pub fn redact_text(&self, text: &str) -> (String, Vec<PiiType>) {
        let matches = detect(text);
        if matches.is_empty() {
            return (text.to_string(), Vec::new());
        }
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for m in &matches {
            out.push_str(&text[at..m.start]);
            out.push_str(&self.token(m.kind, &text[m.start..m.end]));
            at = m.end;
        }
        out.push_str(&text[at..]);
        (out, matches.iter().map(|m| m.kind).collect())
    }

    /// Redacts a CSV with a header row: every column, or only `columns` (which must exist).
    pub fn redact_csv(
        &self,
        input: impl Read,
        output: impl Write,
        columns: Option<&[String]>,
    ) -> Result<RedactionReport, PolicyError> {
        let csv_error = |e: csv::Error| PolicyError::invalid("CSV", e.to_string());
        let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(input);
        let mut writer = csv::Writer::from_writer(output);
        let headers = reader.headers().map_err(csv_error)?.clone();
        let selected: Vec<bool> = match columns {
            None => vec![true; headers.len()],
            Some(names) => {
                if let Some(missing) = names
                    .iter()
                    .find(|n| !headers.iter().any(|h| h == n.as_str()))
                {
                    return Err(PolicyError::invalid(
                        "column",
                        format!("{missing:?} is not in the CSV header"),
                    ));
                }
                headers
                    .iter()
                    .map(|h| names.iter().any(|n| n == h))
                    .collect()
            }
        };
        writer.write_record(&headers).map_err(csv_error)?;
        let mut report = RedactionReport::default();
        let mut record = csv::StringRecord::new();
        let mut out: Vec<String> = Vec::with_capacity(headers.len());
        while reader.read_record(&mut record).map_err(csv_error)? {
            report.rows += 1;
            out.clear();
            for (i, field) in record.iter().enumerate() {
                if selected.get(i).copied().unwrap_or(false) {
                    let (text, kinds) = self.redact_text(field);
                    count(&mut report, &headers[i], &kinds);
                    out.push(text);
                } else {
                    out.push(field.to_string());
                }
            }
            writer.write_record(&out).map_err(csv_error)?;
        }
        writer
            .flush()
            .map_err(|e| PolicyError::invalid("output", e.to_string()))?;
        Ok(report)
    }

    /// Redacts JSON lines: every string value, or only those under the top-level `columns`.
    pub fn redact_json_lines(
        &self,
        input: impl BufRead,
        mut output: impl Write,
        columns: Option<&[String]>,
    ) -> Result<RedactionReport, PolicyError> {
        let mut report = RedactionReport::default();
        for (n, line) in input.lines().enumerate() {
            let line = line.map_err(|e| PolicyError::invalid("input", e.to_string()))?;
            if line.trim().is_empty() {
                continue;
            }
            let mut value: serde_json::Value = serde_json::from_str(&line)
                .map_err(|e| PolicyError::invalid("JSON lines", format!("line {}: {e}", n + 1)))?;
            report.rows += 1;
            match (&mut value, columns) {
                (serde_json::Value::Object(map), Some(names)) => {
                    for name in names {
                        if let Some(v) = map.get_mut(name) {
                            self.redact_value(v, name, &mut report);
                        }
                    }
                }
                (serde_json::Value::Object(map), None) => {
                    for (k, v) in map.iter_mut() {
                        self.redact_value(v, k, &mut report);
                    }
                }
                (other, _) => self.redact_value(other, "", &mut report),
            }
            serde_json::to_writer(&mut output, &value)
                .and_then(|()| output.write_all(b"\n").map_err(serde_json::Error::io))
                .map_err(|e| PolicyError::invalid("output", e.to_string()))?;
        }
        output
            .flush()
            .map_err(|e| PolicyError::invalid("output", e.to_string()))?;
        Ok(report)
    }

    fn redact_value(
        &self,
        value: &mut serde_json::Value,
        column: &str,
        report: &mut RedactionReport,
    ) {
        match value {
            serde_json::Value::String(s) => {
                let (text, kinds) = self.redact_text(s);
                count(report, column, &kinds);
                *s = text;
            }
            serde_json::Value::Array(items) => {
                for item in items {
                    self.redact_value(item, column, report);
                }
            }
            serde_json::Value::Object(map) => {
                for v in map.values_mut() {
                    self.redact_value(v, column, report);
                }
            }
            _ => {}
        }
    }
}

fn count(report: &mut RedactionReport, column: &str, kinds: &[PiiType]) {
    for kind in kinds {
        *report
            .counts
            .entry(column.to_string())
            .or_default()
            .entry(kind.label().to_string())
            .or_default() += 1;
    }
}
