//! `aigov decommission`: retire a version (archive or destroy) with a signed certificate.

use std::path::PathBuf;

use aigov::decommission::{DecommissionError, DecommissionMode};
use aigov_core::{Action, ModelRef};
use clap::{Args, ValueEnum};

use crate::failure::Failure;
use crate::store::GlobalArgs;

/// How to retire.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Mode {
    /// Keep every artifact for its retention period.
    Archive,
    /// Delete the model files no other version uses; keep documentation and evidence.
    Destroy,
}

/// Arguments of `aigov decommission`.
#[derive(Args, Debug)]
pub struct DecommissionArgs {
    /// The version, NAME@VERSION.
    reference: String,
    /// archive or destroy.
    #[arg(long, value_enum)]
    mode: Mode,
    /// Also write the signed certificate (DSSE JSON) to this file.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

impl From<DecommissionError> for Failure {
    fn from(e: DecommissionError) -> Self {
        match e {
            DecommissionError::Denied(_) => Failure::Negative(e.to_string()),
            DecommissionError::Registry(r) => r.into(),
            DecommissionError::Audit(a) => a.into(),
            other => Failure::Internal(other.to_string()),
        }
    }
}

/// Runs `aigov decommission`.
pub fn run(global: &GlobalArgs, args: &DecommissionArgs) -> Result<(), Failure> {
    let reference: ModelRef = args
        .reference
        .parse()
        .map_err(|e| Failure::BadInput(format!("{}: {e}", args.reference)))?;
    let mode = match args.mode {
        Mode::Archive => DecommissionMode::Archive,
        Mode::Destroy => DecommissionMode::Destroy,
    };
    // Through the governor: authenticated, authorized (`decommission`), refused while the
    // version serves or is held, certificate signed with the store key, audited.
    let governor = global.governor()?;
    let principal = global.principal(&governor, Action::Decommission)?;
    let out = governor.decommission(&principal, &reference, mode)?;
    let certificate = serde_json::to_string_pretty(&out.certificate)?;
    if let Some(path) = &args.out {
        std::fs::write(path, &certificate)
            .map_err(|e| Failure::Internal(format!("{}: {e}", path.display())))?;
    }
    if args.json {
        let value = serde_json::json!({
            "predicate": out.predicate,
            "certificate_digest": out.certificate_digest,
            "certificate": out.certificate,
        });
        println!("{}", serde_json::to_string_pretty(&value)?);
    } else {
        println!(
            "{} decommissioned ({:?}); certificate {}",
            out.predicate.model, mode, out.certificate_digest
        );
        for a in &out.predicate.artifacts {
            println!(
                "  {:<10} {:<40} {} ({})",
                a.disposition, a.name, a.digest, a.note
            );
        }
    }
    Ok(())
}
