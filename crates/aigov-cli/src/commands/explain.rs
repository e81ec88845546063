//! `aigov explain`: Shapley values of one decision of a model.

use std::path::PathBuf;

use aigov_explain::{Background, ExplainError, ExplainOptions, Method, explain};
use clap::Args;
use serde_json::{Map, Value, json};

use crate::commands::model_source::ModelSource;
use crate::commands::table::read_features;
use crate::failure::Failure;

/// Arguments of `aigov explain`.
#[derive(Args, Debug)]
pub struct ExplainArgs {
    #[command(flatten)]
    model: ModelSource,
    /// Background rows (CSV with the model's feature columns): "feature unknown" means
    /// "as in these rows".
    #[arg(long)]
    background: PathBuf,
    /// The rows to explain from (CSV with the model's feature columns).
    #[arg(long)]
    data: PathBuf,
    /// Which row of --data (0-based, not counting the header).
    #[arg(long)]
    row: usize,
    /// exact, permutation or kernel (default: exact up to 12 features, kernel above).
    #[arg(long)]
    method: Option<String>,
    /// Seed of the sampled methods.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Coalitions a sampled method evaluates (default 2M + 2048, as shap).
    #[arg(long)]
    samples: Option<usize>,
    /// Features listed in `top`.
    #[arg(long, default_value_t = 5)]
    top: usize,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

impl From<ExplainError> for Failure {
    fn from(e: ExplainError) -> Self {
        Failure::BadInput(e.to_string())
    }
}

/// Runs `aigov explain`.
pub fn run(args: &ExplainArgs) -> Result<(), Failure> {
    let model = args.model.required()?;
    let names = model.feature_names().to_vec();
    let (background, _) = read_features(&args.background, &names, &[])?;
    let background = Background::new(background, names.clone())?;
    let (rows, _) = read_features(&args.data, &names, &[])?;
    if args.row >= rows.nrows() {
        return Err(Failure::BadInput(format!(
            "--row {} but {} has {} rows",
            args.row,
            args.data.display(),
            rows.nrows()
        )));
    }
    let method = args
        .method
        .as_deref()
        .map(str::parse::<Method>)
        .transpose()?;
    let options = ExplainOptions {
        method,
        seed: args.seed,
        samples: args.samples,
        top_k: args.top,
        stability: true,
    };
    let row = rows.row(args.row).to_vec();
    let e = explain(model.as_ref(), &background, &row, &options)?;
    if args.json {
        let values: Map<String, Value> = e
            .values
            .iter()
            .map(|a| (a.feature.clone(), json!(a.value)))
            .collect();
        let out = json!({
            "row": args.row,
            "prediction": e.prediction,
            "base_value": e.base_value,
            "values": values,
            "top": e.top,
            "method": e.method,
            "seed": e.seed,
            "coalitions": e.coalitions,
            "model_evaluations": e.model_evaluations,
            "background_digest": e.background_digest,
            "background_rows": e.background_rows,
            "additivity_residual": e.additivity_residual,
            "stability": e.stability,
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        println!(
            "row {}: score {:.6} = base {:.6} + contributions ({} method{})",
            args.row,
            e.prediction,
            e.base_value,
            e.method.as_str(),
            e.seed.map(|s| format!(", seed {s}")).unwrap_or_default()
        );
        for a in &e.top {
            println!(
                "  {:<28}{:>+12.6}   (value {})",
                a.feature, a.value, a.input
            );
        }
        println!("additivity residual {:.3e}", e.additivity_residual);
        if let Some(s) = &e.stability {
            println!(
                "stability: top-{} agreement {:.2} with seed {}",
                args.top, s.top_k_agreement, s.second_seed
            );
        }
        println!(
            "background {} ({} rows)",
            e.background_digest, e.background_rows
        );
    }
    Ok(())
}
