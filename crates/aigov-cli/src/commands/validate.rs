//! `aigov validate`: hold-out metrics of a model (or of a score column) on labelled data.

use std::path::PathBuf;

use aigov_validation::{
    HoldoutOptions, HoldoutReport, MetricValue, ValidationError, bootstrap_interval,
    holdout_metrics, metrics_by_slice, roc_auc,
};
use clap::Args;
use serde_json::{Map, Value, json};

use crate::commands::model_source::ModelSource;
use crate::commands::table::{Columns, Kind, read_features};
use crate::failure::Failure;

/// Arguments of `aigov validate`.
#[derive(Args, Debug)]
pub struct ValidateArgs {
    #[command(flatten)]
    model: ModelSource,
    /// Use this column as the score instead of running a model.
    #[arg(long, conflicts_with_all = ["model", "model_json"], required_unless_present_any = ["model", "model_json"])]
    score: Option<String>,
    /// The labelled hold-out data (CSV with a header).
    #[arg(long)]
    data: PathBuf,
    /// The label column (1/0, true/false; 1 = malicious).
    #[arg(long)]
    label: String,
    /// Rows scoring at or above it are flagged.
    #[arg(long, default_value_t = 0.5)]
    threshold: f64,
    /// The detection rate at which to report the false-positive rate.
    #[arg(long, default_value_t = 0.9)]
    target_tpr: f64,
    /// The alert budget: how many top-scored rows analysts can review.
    #[arg(long, default_value_t = 100)]
    budget: usize,
    /// A sample-weight column.
    #[arg(long)]
    weight: Option<String>,
    /// Report the metrics per value of this column too.
    #[arg(long)]
    slice: Option<String>,
    /// Bootstrap resamples for a ROC AUC interval (0: none; at least 1,000 otherwise).
    #[arg(long, default_value_t = 0)]
    bootstrap: usize,
    /// Seed of the bootstrap.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

impl From<ValidationError> for Failure {
    fn from(e: ValidationError) -> Self {
        Failure::BadInput(e.to_string())
    }
}

/// Runs `aigov validate`.
pub fn run(args: &ValidateArgs) -> Result<(), Failure> {
    let mut extra = vec![(args.label.as_str(), Kind::Flag)];
    if let Some(w) = &args.weight {
        extra.push((w.as_str(), Kind::Number));
    }
    if let Some(s) = &args.slice {
        extra.push((s.as_str(), Kind::Text));
    }
    let (scores, mut columns) = match &args.score {
        Some(col) => {
            extra.push((col.as_str(), Kind::Number));
            let mut columns = Columns::read(&args.data, &extra)?;
            (columns.numbers(col), columns)
        }
        None => {
            let model = args.model.required()?;
            let (rows, columns) = read_features(&args.data, model.feature_names(), &extra)?;
            (model.predict(rows.view())?.to_vec(), columns)
        }
    };
    let labels = columns.flags(&args.label);
    let weights = args.weight.as_ref().map(|w| columns.numbers(w));
    let options = HoldoutOptions {
        threshold: args.threshold,
        target_tpr: args.target_tpr,
        budget: args.budget,
    };
    let report = holdout_metrics(&labels, &scores, weights.as_deref(), &options)?;
    let mut out = flat(&report);
    if let Some(col) = &args.slice {
        let slices = columns.text(col);
        let per = metrics_by_slice(
            &labels,
            &scores,
            weights.as_deref(),
            &slices,
            args.threshold,
        )?;
        out.insert("slices".into(), serde_json::to_value(per)?);
    }
    if args.bootstrap > 0 {
        let interval = bootstrap_interval(
            &labels,
            &scores,
            |y, s| roc_auc(y, s, None),
            args.bootstrap,
            0.95,
            args.seed,
        )?;
        out.insert("roc_auc_interval".into(), serde_json::to_value(interval)?);
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&Value::Object(out))?);
    } else {
        print_human(&report, &out);
    }
    Ok(())
}

/// The flat JSON the CLI promises: every metric a number or null, and why under `undefined`.
fn flat(r: &HoldoutReport) -> Map<String, Value> {
    let mut out = Map::new();
    let mut undefined = Map::new();
    out.insert("n".into(), json!(r.n));
    out.insert("positives".into(), json!(r.positives));
    let metrics: [(&str, &MetricValue); 9] = [
        ("roc_auc", &r.roc_auc),
        ("average_precision", &r.average_precision),
        ("precision", &r.precision),
        ("recall", &r.recall),
        ("f1", &r.f1),
        ("accuracy", &r.accuracy),
        ("false_positive_rate", &r.false_positive_rate),
        ("log_loss", &r.log_loss),
        ("brier", &r.brier),
    ];
    for (name, value) in metrics {
        out.insert(name.into(), json!(value.value()));
        if let MetricValue::Undefined { reason } = value {
            undefined.insert(name.into(), json!(reason));
        }
    }
    match &r.fpr_at_tpr {
        Ok(point) => {
            out.insert("fpr_at_tpr".into(), json!(point.fpr));
            out.insert("operating_point".into(), json!(point));
        }
        Err(reason) => {
            out.insert("fpr_at_tpr".into(), Value::Null);
            undefined.insert("fpr_at_tpr".into(), json!(reason));
        }
    }
    match &r.detection_at_budget {
        Ok(d) => {
            out.insert("detection_rate_at_budget".into(), json!(d.detection_rate));
            out.insert("budget_detection".into(), json!(d));
        }
        Err(reason) => {
            out.insert("detection_rate_at_budget".into(), Value::Null);
            undefined.insert("detection_rate_at_budget".into(), json!(reason));
        }
    }
    out.insert("confusion".into(), json!(r.confusion));
    out.insert("threshold".into(), json!(r.options.threshold));
    out.insert("target_tpr".into(), json!(r.options.target_tpr));
    out.insert("budget".into(), json!(r.options.budget));
    out.insert("weighted".into(), json!(r.weighted));
    out.insert("undefined".into(), Value::Object(undefined));
    out
}

fn print_human(r: &HoldoutReport, out: &Map<String, Value>) {
    println!("{} rows, {} malicious", r.n, r.positives);
    let show = |key: &str| match out.get(key).and_then(Value::as_f64) {
        Some(v) => format!("{v:.6}"),
        None => "undefined".to_string(),
    };
    for key in ["roc_auc", "average_precision", "log_loss", "brier"] {
        println!("  {key:<28}{}", show(key));
    }
    println!("at threshold {}:", r.options.threshold);
    for key in [
        "precision",
        "recall",
        "f1",
        "accuracy",
        "false_positive_rate",
    ] {
        println!("  {key:<28}{}", show(key));
    }
    let c = &r.confusion;
    println!(
        "  confusion                   tp {} fp {} tn {} fn {}",
        c.tp, c.fp, c.tn, c.fn_
    );
    println!(
        "  fpr at tpr {:<17}{}",
        r.options.target_tpr,
        show("fpr_at_tpr")
    );
    println!(
        "  detection in top {:<11}{}",
        r.options.budget,
        show("detection_rate_at_budget")
    );
    if let Some(Value::Object(why)) = out.get("undefined") {
        for (k, v) in why {
            println!("  {k} is undefined: {}", v.as_str().unwrap_or_default());
        }
    }
}
