//! `aigov redact`: replace PII in a CSV or JSON-lines dataset.

use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::PathBuf;

use aigov_policy::pii::{Redactor, Replacement};
use clap::Args;

use crate::failure::Failure;

/// Arguments of `aigov redact`.
#[derive(Args, Debug)]
pub struct RedactArgs {
    /// The dataset: `.csv` (with a header row) or JSON lines (`.jsonl`, `.ndjson`).
    input: PathBuf,
    /// Where to write the redacted copy.
    output: PathBuf,
    /// Only these columns (CSV headers or top-level JSON keys), comma-separated.
    #[arg(long, value_delimiter = ',')]
    columns: Vec<String>,
    /// Replace values with keyed HMAC pseudonyms instead of placeholders (needs --key-file).
    #[arg(long, requires = "key_file")]
    pseudonymize: bool,
    /// A file holding the pseudonymization key (at least 16 bytes).
    #[arg(long)]
    key_file: Option<PathBuf>,
    /// Write counts per type and column as JSON.
    #[arg(long)]
    report: Option<PathBuf>,
}

/// Redacts the dataset and prints (or writes) the report.
pub fn run(args: &RedactArgs) -> Result<(), Failure> {
    let bad =
        |path: &PathBuf, e: std::io::Error| Failure::BadInput(format!("{}: {e}", path.display()));
    let replacement = if args.pseudonymize {
        let path = args
            .key_file
            .as_ref()
            .ok_or_else(|| Failure::BadInput("--pseudonymize needs --key-file".into()))?;
        let key = std::fs::read(path).map_err(|e| bad(path, e))?;
        if key.len() < 16 {
            return Err(Failure::BadInput(format!(
                "{}: a key needs at least 16 bytes",
                path.display()
            )));
        }
        Replacement::Pseudonym(key)
    } else {
        Replacement::Placeholder
    };
    if args.input == args.output {
        return Err(Failure::BadInput(
            "the output must not overwrite the input".into(),
        ));
    }
    let redactor = Redactor::new(replacement);
    let input = File::open(&args.input).map_err(|e| bad(&args.input, e))?;
    let output = File::create(&args.output).map_err(|e| bad(&args.output, e))?;
    let columns = (!args.columns.is_empty()).then_some(args.columns.as_slice());
    let is_csv = args
        .input
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let report = if is_csv {
        redactor.redact_csv(
            BufReader::with_capacity(1 << 20, input),
            BufWriter::with_capacity(1 << 20, output),
            columns,
        )?
    } else {
        redactor.redact_json_lines(
            BufReader::with_capacity(1 << 20, input),
            BufWriter::with_capacity(1 << 20, output),
            columns,
        )?
    };
    let json = serde_json::to_string_pretty(&report)?;
    match &args.report {
        Some(path) => std::fs::write(path, json).map_err(|e| bad(path, e))?,
        None => eprintln!("redacted {} values in {} rows", report.total(), report.rows),
    }
    Ok(())
}
