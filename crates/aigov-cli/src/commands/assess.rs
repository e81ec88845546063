//! `aigov assess`: evidence computed from the registered model itself on hold-out data, and
//! attached: performance, fairness, robustness, the drift baseline and the explanation
//! background (the library's `Governor::assess`).

use std::path::PathBuf;

use aigov::governor::Holdout;
use aigov_core::{Action, ModelRef};
use clap::Args;

use crate::commands::table::{Kind, read_features};
use crate::failure::Failure;
use crate::store::GlobalArgs;

/// Arguments of `aigov assess`.
#[derive(Args, Debug)]
pub struct AssessArgs {
    /// NAME@VERSION.
    reference: String,
    /// Labelled hold-out data (CSV with a header), the model's features by name.
    #[arg(long)]
    holdout: PathBuf,
    /// The label column (1/0, true/false).
    #[arg(long)]
    label: String,
    /// Sensitive columns for the fairness audit, comma-separated.
    #[arg(long, value_delimiter = ',')]
    sensitive: Vec<String>,
    /// Scores at or above it are flagged.
    #[arg(long, default_value_t = 0.5)]
    threshold: f64,
    /// Features an attacker cannot change (robustness), comma-separated.
    #[arg(long, value_delimiter = ',')]
    immutable: Vec<String>,
    /// Features that only take whole numbers (robustness), comma-separated.
    #[arg(long, value_delimiter = ',')]
    integer: Vec<String>,
    /// Rows of the explanation background (the first ones).
    #[arg(long, default_value_t = 100)]
    background_rows: usize,
    /// Print what was attached as JSON.
    #[arg(long)]
    json: bool,
}

/// Runs `aigov assess`.
pub fn run(global: &GlobalArgs, args: &AssessArgs) -> Result<(), Failure> {
    let reference: ModelRef = args
        .reference
        .parse()
        .map_err(|e| Failure::BadInput(format!("{:?}: {e}", args.reference)))?;
    if !(args.threshold.is_finite() && (0.0..=1.0).contains(&args.threshold)) {
        return Err(Failure::BadInput(format!(
            "--threshold {} is not between 0 and 1",
            args.threshold
        )));
    }
    let governor = global.governor()?;
    let principal = global.principal(&governor, Action::AttachEvidence)?;
    // The registered, digest-checked model names its features.
    let features = governor.load_model(&reference)?.feature_names().to_vec();
    let mut extra: Vec<(&str, Kind)> = vec![(args.label.as_str(), Kind::Flag)];
    extra.extend(args.sensitive.iter().map(|s| (s.as_str(), Kind::Text)));
    let (rows, mut columns) = read_features(&args.holdout, &features, &extra)?;
    let labels = columns.flags(&args.label);
    // What an attacker may change: the data's ranges, less what cannot move.
    let bad = |e: aigov_validation::ValidationError| Failure::BadInput(e.to_string());
    let immutable: Vec<&str> = args.immutable.iter().map(String::as_str).collect();
    let integer: Vec<&str> = args.integer.iter().map(String::as_str).collect();
    let constraints = aigov_validation::FeatureConstraints::from_data(&features, rows.view())
        .map_err(bad)?
        .immutable(&immutable)
        .map_err(bad)?
        .integer(&integer)
        .map_err(bad)?;
    let sensitive: Vec<(String, Vec<String>)> = args
        .sensitive
        .iter()
        .map(|s| (s.clone(), columns.text(s)))
        .collect();
    if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        eprintln!(
            "assessing {reference} on {} rows (robustness search may take a while)",
            rows.nrows()
        );
    }
    let assessment = governor.assess(
        &principal,
        &reference,
        &Holdout {
            rows: rows.view(),
            labels: &labels,
            sensitive: sensitive
                .iter()
                .map(|(name, values)| (name.as_str(), values.as_slice()))
                .collect(),
            threshold: args.threshold,
            constraints: Some(constraints),
            fairness: aigov_fairness::AuditConfig::default(),
            background_rows: args.background_rows,
        },
    )?;
    let attached: Vec<serde_json::Value> = assessment
        .version
        .evidence
        .iter()
        .rev()
        .take(5)
        .rev()
        .map(|e| serde_json::json!({"kind": e.kind.as_str(), "digest": e.digest}))
        .collect();
    let facts = assessment.gate_facts()?;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "version": assessment.version.reference().to_string(),
                "attached": attached,
                "roc_auc": assessment.performance.roc_auc,
                "fairness_verdict": assessment.fairness.verdict,
                "gate_facts": facts,
            }))?
        );
    } else {
        for a in &attached {
            println!(
                "attached {} {}",
                a["kind"].as_str().unwrap_or_default(),
                a["digest"].as_str().unwrap_or_default()
            );
        }
        let figure = |v: &serde_json::Value| match v.as_f64() {
            Some(x) => format!("{x:.4}"),
            None => "none".to_string(),
        };
        println!(
            "{} assessed on {} rows; the validation gate will judge: ROC AUC {}, \
             FPR at the budget {}, fairness {} (FPR parity ratio {}), evasion rate {}",
            assessment.version.reference(),
            rows.nrows(),
            figure(&facts["performance"]["roc_auc"]),
            figure(&facts["performance"]["fpr_at_budget"]),
            facts["fairness"]["verdict"].as_str().unwrap_or("none"),
            figure(&facts["fairness"]["fpr_parity_ratio"]),
            figure(&facts["robustness"]["evasion_rate"]),
        );
    }
    Ok(())
}
