//! `aigov fairness`: a group fairness audit of a model's decisions in a CSV file.

use std::collections::BTreeMap;
use std::path::PathBuf;

use aigov_core::DigestWriter;
use aigov_fairness::{
    AuditConfig, CodedColumn, ConfusionCounts, DisparityMethod, FairnessError, FairnessReport,
    Rate, Verdict, group_counts_coded,
};
use clap::{Args, ValueEnum};

use crate::commands::table::flag_bytes;
use crate::failure::Failure;

/// fairlearn's comparison methods.
#[derive(Clone, Copy, Debug, ValueEnum)]
enum Method {
    /// Between the most and least favoured groups.
    BetweenGroups,
    /// Between each group and all rows.
    ToOverall,
}

/// Arguments of `aigov fairness`.
#[derive(Args, Debug)]
pub struct FairnessArgs {
    /// The decisions (CSV with headers).
    #[arg(long)]
    data: PathBuf,
    /// The true label column (1/0, true/false, yes/no; 1 = malicious).
    #[arg(long)]
    y_true: String,
    /// The model's decision column (1 = flagged).
    #[arg(long, conflicts_with = "score", required_unless_present = "score")]
    y_pred: Option<String>,
    /// A score column, flagged when at or above --threshold.
    #[arg(long, requires = "threshold")]
    score: Option<String>,
    /// The score threshold.
    #[arg(long)]
    threshold: Option<f64>,
    /// Sensitive columns, comma-separated (several give intersections).
    #[arg(long, value_delimiter = ',', required = true)]
    sensitive: Vec<String>,
    /// AIF360's privileged group, as COL=VALUE (comma-separated for several columns).
    #[arg(long, value_delimiter = ',')]
    privileged: Vec<String>,
    /// A sample-weight column.
    #[arg(long)]
    sample_weight: Option<String>,
    /// How groups are compared.
    #[arg(long, value_enum)]
    method: Option<Method>,
    /// Fewest rows a rate's denominator needs in every group.
    #[arg(long)]
    min_group: Option<u64>,
    /// Rules and settings (YAML); the default rule is FPR parity ratio >= 0.8.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

impl From<FairnessError> for Failure {
    fn from(e: FairnessError) -> Self {
        Failure::BadInput(e.to_string())
    }
}

/// Runs the audit; exit 0 pass, 1 fail or insufficient evidence (fail closed), 2 bad input.
pub fn run(args: &FairnessArgs) -> Result<(), Failure> {
    let bad = |m: String| Failure::BadInput(format!("{}: {m}", args.data.display()));
    let mut config = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| Failure::BadInput(format!("{}: {e}", path.display())))?;
            AuditConfig::from_yaml(&text)?
        }
        None => AuditConfig::default(),
    };
    if let Some(m) = args.method {
        config.method = match m {
            Method::BetweenGroups => DisparityMethod::BetweenGroups,
            Method::ToOverall => DisparityMethod::ToOverall,
        };
    }
    if let Some(n) = args.min_group {
        config.min_group = n;
    }
    if let Some(t) = args.threshold
        && !t.is_finite()
    {
        return Err(Failure::BadInput(format!(
            "--threshold {t} is not a number"
        )));
    }
    let bytes = std::fs::read(&args.data).map_err(|e| bad(e.to_string()))?;
    let mut digest = DigestWriter::new();
    digest.update(&bytes);
    let digest = digest.finish();
    let mut reader = csv::ReaderBuilder::new().from_reader(bytes.as_slice());
    let headers = reader.headers().map_err(|e| bad(e.to_string()))?.clone();
    let index = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim() == name)
            .ok_or_else(|| bad(format!("no column {name:?}")))
    };
    let truth_at = index(&args.y_true)?;
    let decision_at = match (&args.y_pred, &args.score) {
        (Some(c), _) | (None, Some(c)) => index(c)?,
        (None, None) => return Err(bad("--y-pred or --score is required".into())),
    };
    let weight_at = args.sample_weight.as_deref().map(index).transpose()?;
    let sensitive_at: Vec<usize> = args
        .sensitive
        .iter()
        .map(|c| index(c))
        .collect::<Result<_, _>>()?;
    let mut privileged: BTreeMap<String, String> = BTreeMap::new();
    for p in &args.privileged {
        let (k, v) = p
            .split_once('=')
            .ok_or_else(|| Failure::BadInput(format!("--privileged {p:?} is not COL=VALUE")))?;
        if !args.sensitive.iter().any(|s| s == k) {
            return Err(Failure::BadInput(format!(
                "--privileged names {k:?}, which is not a --sensitive column"
            )));
        }
        privileged.insert(k.to_string(), v.to_string());
    }
    let (mut truth, mut flagged, mut weights) = (Vec::new(), Vec::new(), Vec::new());
    // Sensitive values are coded as they are read: one small map per column, no string per row.
    let mut interned: Vec<std::collections::HashMap<Vec<u8>, u32>> =
        vec![Default::default(); sensitive_at.len()];
    let mut columns: Vec<CodedColumn> = args
        .sensitive
        .iter()
        .map(|name| CodedColumn {
            name: name.clone(),
            levels: Vec::new(),
            codes: Vec::new(),
        })
        .collect();
    let mut record = csv::ByteRecord::new();
    let mut row = 0usize;
    let text = |b: &[u8]| String::from_utf8_lossy(b).trim().to_string();
    while reader
        .read_byte_record(&mut record)
        .map_err(|e| bad(e.to_string()))?
    {
        row += 1;
        let cell = |i: usize| record.get(i).unwrap_or(b"").trim_ascii();
        truth.push(flag_bytes(cell(truth_at)).ok_or_else(|| {
            bad(format!(
                "row {row}: {} {:?} is not a 0/1 label",
                args.y_true,
                text(cell(truth_at))
            ))
        })?);
        let decision = match (args.score.is_some(), args.threshold) {
            (true, Some(t)) => {
                let s: f64 = std::str::from_utf8(cell(decision_at))
                    .ok()
                    .and_then(|v| v.parse().ok())
                    .ok_or_else(|| {
                        bad(format!(
                            "row {row}: score {:?} is not a number",
                            text(cell(decision_at))
                        ))
                    })?;
                if s.is_nan() {
                    return Err(bad(format!("row {row}: the score is NaN")));
                }
                s >= t
            }
            _ => flag_bytes(cell(decision_at)).ok_or_else(|| {
                bad(format!(
                    "row {row}: decision {:?} is not 0/1",
                    text(cell(decision_at))
                ))
            })?,
        };
        flagged.push(decision);
        if let Some(w) = weight_at {
            let weight: f64 = std::str::from_utf8(cell(w))
                .ok()
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| {
                    bad(format!(
                        "row {row}: weight {:?} is not a number",
                        text(cell(w))
                    ))
                })?;
            weights.push(weight);
        }
        for ((column, map), &i) in columns.iter_mut().zip(&mut interned).zip(&sensitive_at) {
            let value = cell(i);
            let code = match map.get(value) {
                Some(c) => *c,
                None => {
                    let c = column.levels.len() as u32;
                    column.levels.push(text(value));
                    map.insert(value.to_vec(), c);
                    c
                }
            };
            column.codes.push(code);
        }
    }
    let columns: Vec<CodedColumn> = columns.into_iter().map(CodedColumn::sorted).collect();
    let weights = weight_at.map(|_| weights.as_slice());
    let table = group_counts_coded(&truth, &flagged, &columns, weights)?;
    let signed = if privileged.is_empty() {
        None
    } else {
        // Pool the rows of the privileged group and of everyone else.
        let (mut p, mut u) = (ConfusionCounts::default(), ConfusionCounts::default());
        for g in &table.groups {
            let is_privileged = privileged.iter().all(|(k, v)| g.group.get(k) == Some(v));
            let target = if is_privileged { &mut p } else { &mut u };
            target.merge(&g.counts);
        }
        if p.rows == 0 {
            return Err(Failure::BadInput(
                "no row belongs to the privileged group".into(),
            ));
        }
        Some((privileged, u, p))
    };
    let report = FairnessReport::build(
        &table,
        &config,
        signed,
        format!("sha256:{}", digest.to_hex()),
    )?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report.to_cli_json())?);
    } else {
        print_table(&report);
    }
    match report.verdict {
        Verdict::Pass => Ok(()),
        Verdict::Fail => Err(Failure::Negative("fairness audit failed".into())),
        Verdict::InsufficientEvidence => Err(Failure::Negative(
            "fairness audit: insufficient evidence (fail closed)".into(),
        )),
    }
}

fn print_table(report: &FairnessReport) {
    let show = |r: Option<&aigov_fairness::RateWithInterval>| match r.map(|r| r.rate) {
        Some(Rate::Value { value, .. }) => format!("{value:.4}"),
        Some(Rate::InsufficientEvidence { n, .. }) => format!("n/a({n})"),
        None => "-".into(),
    };
    println!(
        "{:<28} {:>8} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "group", "n", "flagged", "tpr", "fpr", "precision", "accuracy"
    );
    for g in std::iter::once(&report.overall).chain(&report.groups) {
        let name = if g.group.is_empty() {
            "(all rows)".to_string()
        } else {
            g.group
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        println!(
            "{:<28} {:>8} {:>9} {:>9} {:>9} {:>9} {:>9}",
            name,
            g.counts.rows,
            show(g.rates.get("selection_rate")),
            show(g.rates.get("tpr")),
            show(g.rates.get("fpr")),
            show(g.rates.get("precision")),
            show(g.rates.get("accuracy")),
        );
    }
    for r in &report.rules {
        println!("rule {:?}: {:?} — {}", r.rule.metric, r.verdict, r.reason);
    }
    println!("verdict: {:?}", report.verdict);
}
