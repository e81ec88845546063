//! `aigov robustness`: noise flips and evasion searches against a model on labelled data.

use std::collections::BTreeMap;
use std::path::PathBuf;

use aigov_validation::{
    Attack, Bounds, EvasionConfig, FeatureConstraints, NoiseConfig, RobustnessReport, evasion_test,
    noise_flip_rate,
};
use clap::Args;

use crate::commands::model_source::ModelSource;
use crate::commands::table::{Kind, read_features};
use crate::failure::Failure;

/// Arguments of `aigov robustness`.
#[derive(Args, Debug)]
pub struct RobustnessArgs {
    #[command(flatten)]
    model: ModelSource,
    /// Labelled rows (CSV with the model's feature columns and the label).
    #[arg(long)]
    data: PathBuf,
    /// The label column (1 = malicious); true positives are the rows attacked.
    #[arg(long)]
    label: String,
    /// Features the attacker cannot change, comma-separated.
    #[arg(long, value_delimiter = ',')]
    immutable: Vec<String>,
    /// Features that take whole numbers, comma-separated.
    #[arg(long, value_delimiter = ',')]
    integer: Vec<String>,
    /// A one-hot group, comma-separated (repeat the flag for several groups).
    #[arg(long)]
    one_hot: Vec<String>,
    /// Bounds per feature as JSON: {"feature": {"lower": 0, "upper": 10}, ...}; the data's
    /// range otherwise.
    #[arg(long)]
    bounds: Option<PathBuf>,
    /// Model queries per attacked row.
    #[arg(long, default_value_t = 2_000)]
    budget: usize,
    /// Rows scoring at or above it are flagged.
    #[arg(long, default_value_t = 0.5)]
    threshold: f64,
    /// Attack at most this many true positives.
    #[arg(long, default_value_t = 200)]
    max_rows: usize,
    /// Noise standard deviation as a share of each feature's range.
    #[arg(long, default_value_t = 0.01)]
    noise: f64,
    /// Seed of every random choice.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

fn as_refs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// Runs `aigov robustness`.
pub fn run(args: &RobustnessArgs) -> Result<(), Failure> {
    let model = args.model.required()?;
    let names = model.feature_names().to_vec();
    let (rows, mut columns) =
        read_features(&args.data, &names, &[(args.label.as_str(), Kind::Flag)])?;
    let labels = columns.flags(&args.label);
    let mut constraints = FeatureConstraints::from_data(&names, rows.view())?
        .immutable(&as_refs(&args.immutable))?
        .integer(&as_refs(&args.integer))?;
    for group in &args.one_hot {
        let members: Vec<&str> = group.split(',').map(str::trim).collect();
        constraints = constraints.one_hot(&members)?;
    }
    if let Some(path) = &args.bounds {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Failure::BadInput(format!("{}: {e}", path.display())))?;
        let bounds: BTreeMap<String, Bounds> = serde_json::from_str(&text)
            .map_err(|e| Failure::BadInput(format!("{}: {e}", path.display())))?;
        constraints = constraints.with_bounds(&bounds)?;
    }
    let noise = noise_flip_rate(
        model.as_ref(),
        rows.view(),
        &constraints,
        &NoiseConfig {
            threshold: args.threshold,
            scale: args.noise,
            seed: args.seed,
            ..NoiseConfig::default()
        },
    )?;
    let config = EvasionConfig {
        threshold: args.threshold,
        query_budget: args.budget,
        seed: args.seed,
        max_rows: args.max_rows,
        ..EvasionConfig::default()
    };
    let mut evasion = Vec::new();
    for attack in [Attack::HopSkipJump, Attack::Greedy] {
        evasion.push(evasion_test(
            model.as_ref(),
            rows.view(),
            &labels,
            &constraints,
            attack,
            &config,
        )?);
    }
    let report = RobustnessReport {
        version: RobustnessReport::VERSION,
        rows: rows.nrows(),
        constraints,
        noise: Some(noise),
        evasion,
        poisoning: None,
        backdoor: None,
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(());
    }
    let noise = report.noise.as_ref().expect("set above");
    println!(
        "{} rows; noise at {} of each range flips {:.2}% of decisions ({} trials)",
        report.rows,
        args.noise,
        100.0 * noise.flip_rate,
        noise.trials
    );
    for a in &report.evasion {
        println!(
            "{:?}: {} of {} detected attacks evaded (budget {} queries each); median size {}; median queries {}",
            a.attack,
            a.evaded,
            a.attacked,
            args.budget,
            a.median_distance.map_or("-".into(), |d| format!("{d:.4}")),
            a.median_queries.map_or("-".into(), |q| format!("{q:.0}")),
        );
        for s in &a.success_at {
            println!("  within {:<6} {:>6.1}%", s.epsilon, 100.0 * s.success_rate);
        }
    }
    Ok(())
}
