//! `aigov decide` and `aigov review`: score one input with a registered version, record the
//! decision (with its explanation), and link a human review or override to it.

use std::path::PathBuf;

use aigov::governor::{DecisionRequest, explanation_record};
use aigov_core::{Action, ModelRef};
use aigov_explain::{ExplainOptions, explain};
use clap::Args;
use serde_json::{Value, json};

use crate::failure::Failure;
use crate::store::GlobalArgs;

/// `aigov decide`.
#[derive(Args, Debug)]
pub struct DecideArgs {
    /// The version that decides, `NAME@VERSION` or `NAME@ALIAS`.
    pub version: String,
    /// The input: a JSON object of feature values.
    #[arg(long)]
    pub input: PathBuf,
    /// Explain the decision against the version's explanation baseline.
    #[arg(long)]
    pub explain: bool,
    /// Scores at or above it are flagged.
    #[arg(long, default_value_t = 0.5)]
    pub threshold: f64,
    /// Features kept in the decision record's explanation.
    #[arg(long, default_value_t = 20)]
    pub top: usize,
    /// The host's request or alert id.
    #[arg(long)]
    pub correlation_id: Option<String>,
    /// Print the receipt as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `aigov review`.
#[derive(Args, Debug)]
pub struct ReviewArgs {
    /// The decision's audit index (from `aigov decide`).
    pub index: u64,
    /// The reviewer's verdict (`confirmed`, `benign`, `malicious`, ...).
    #[arg(long)]
    pub verdict: String,
    /// The reviewer overrode the model's action.
    #[arg(long = "override")]
    pub overridden: bool,
    /// Why.
    #[arg(long, default_value = "")]
    pub reason: String,
}

/// The input's values in the model's feature order.
fn row(input: &Value, names: &[String]) -> Result<Vec<f64>, Failure> {
    let Value::Object(fields) = input else {
        return Err(Failure::BadInput(
            "--input must hold a JSON object of feature values".into(),
        ));
    };
    names
        .iter()
        .map(|name| match fields.get(name) {
            Some(Value::Number(n)) => n
                .as_f64()
                .ok_or_else(|| Failure::BadInput(format!("feature {name:?} is not a number"))),
            Some(Value::Bool(b)) => Ok(f64::from(u8::from(*b))),
            Some(other) => Err(Failure::BadInput(format!(
                "feature {name:?} is {other}, not a number"
            ))),
            None => Err(Failure::BadInput(format!(
                "the input has no feature {name:?}"
            ))),
        })
        .collect()
}

/// Runs `aigov decide`.
pub fn decide(global: &GlobalArgs, args: &DecideArgs) -> Result<(), Failure> {
    let governor = global.governor()?;
    let principal = global.principal(&governor, Action::RecordDecision)?;
    let reference: ModelRef = args
        .version
        .parse()
        .map_err(|e| Failure::BadInput(format!("{:?}: {e}", args.version)))?;
    let text = std::fs::read_to_string(&args.input)
        .map_err(|e| Failure::BadInput(format!("{}: {e}", args.input.display())))?;
    let input: Value = serde_json::from_str(&text)
        .map_err(|e| Failure::BadInput(format!("{}: {e}", args.input.display())))?;
    // The registered, digest-checked files, scored by the names registered with them.
    let model = governor.load_model(&reference)?;
    let values = row(&input, model.feature_names())?;
    let matrix = ndarray::Array2::from_shape_vec((1, values.len()), values.clone())
        .map_err(|e| Failure::Internal(e.to_string()))?;
    let score = model.predict(matrix.view())?[0];
    let action = if score >= args.threshold {
        "flag"
    } else {
        "allow"
    };
    let explanation = if args.explain {
        let background = governor
            .explanation_background(&reference)?
            .ok_or_else(|| {
                Failure::BadInput(format!(
                    "{} has no explanation baseline to explain against",
                    args.version
                ))
            })?;
        let why = explain(
            model.as_ref(),
            &background,
            &values,
            &ExplainOptions {
                top_k: args.top,
                stability: false,
                ..ExplainOptions::default()
            },
        )
        .map_err(|e| Failure::BadInput(e.to_string()))?;
        Some(explanation_record(&why, args.top))
    } else {
        None
    };
    let receipt = governor.record_decision(
        &principal,
        DecisionRequest {
            model: reference,
            input,
            score,
            confidence: None,
            threshold: args.threshold,
            action: action.to_string(),
            explanation: explanation.clone(),
            correlation_id: args.correlation_id.clone(),
        },
    )?;
    if args.json {
        let out = json!({
            "index": receipt.index,
            "leaf_hash": receipt.leaf_hash.to_string(),
            "root": receipt.root.to_string(),
            "input_digest": receipt.input_digest.to_string(),
            "score": score,
            "threshold": args.threshold,
            "action": action,
            "explanation": explanation,
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(());
    }
    println!(
        "{}: score {score:.4} -> {action} (threshold {}); recorded at audit index {}",
        args.version, args.threshold, receipt.index
    );
    if let Some(x) = &explanation {
        println!("  base value {:.4} ({})", x.base_value, x.method);
        for f in &x.top_features {
            println!("  {:<24}{:+.4}", f.feature, f.value);
        }
    }
    Ok(())
}

/// Runs `aigov review`.
pub fn review(global: &GlobalArgs, args: &ReviewArgs) -> Result<(), Failure> {
    let governor = global.governor()?;
    let principal = global.principal(&governor, Action::RecordReview)?;
    let receipt = governor.record_review(
        &principal,
        args.index,
        &args.verdict,
        args.overridden,
        &args.reason,
    )?;
    println!(
        "review of decision {} ({}{}) recorded at audit index {}",
        args.index,
        args.verdict,
        if args.overridden { ", overridden" } else { "" },
        receipt.index
    );
    Ok(())
}
