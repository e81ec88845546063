//! `aigov evidence ...`: reports computed elsewhere, attached to a version through the
//! governor, and the evidence a version holds.

use std::path::PathBuf;

use aigov_core::{Action, ModelRef};
use aigov_registry::{Evidence, EvidenceKind};
use clap::Subcommand;

use crate::failure::Failure;
use crate::store::GlobalArgs;

/// Largest report `evidence attach` reads.
const MAX_REPORT_BYTES: u64 = 64 * 1024 * 1024;

/// `aigov evidence` subcommands.
#[derive(Subcommand, Debug)]
pub enum EvidenceCommand {
    /// Attach a report (JSON) to a version; a report of a known kind (performance, fairness,
    /// robustness, drift-baseline, explanation-baseline) must parse as the report its crate
    /// writes. A fairness report is also audited as a fairness audit.
    Attach {
        /// NAME@VERSION.
        reference: String,
        /// performance, fairness, robustness, drift-baseline, explanation-baseline, sbom,
        /// model-card, or a custom kebab-case name.
        #[arg(long)]
        kind: String,
        /// The report.
        #[arg(long)]
        file: PathBuf,
        /// The tool or person that produced it (default: the file name).
        #[arg(long)]
        producer: Option<String>,
    },
    /// The evidence a version holds.
    List {
        /// NAME@VERSION.
        reference: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

fn reference(text: &str) -> Result<ModelRef, Failure> {
    text.parse()
        .map_err(|e| Failure::BadInput(format!("{text:?}: {e}")))
}

/// Runs an evidence subcommand.
pub fn run(global: &GlobalArgs, command: EvidenceCommand) -> Result<(), Failure> {
    match command {
        EvidenceCommand::Attach {
            reference: r,
            kind,
            file,
            producer,
        } => {
            let r = reference(&r)?;
            let kind: EvidenceKind = kind
                .parse()
                .map_err(|e| Failure::BadInput(format!("--kind: {e}")))?;
            let size = std::fs::metadata(&file)
                .map_err(|e| Failure::BadInput(format!("{}: {e}", file.display())))?
                .len();
            if size > MAX_REPORT_BYTES {
                return Err(Failure::BadInput(format!(
                    "{} is {size} bytes; a report may have at most {MAX_REPORT_BYTES}",
                    file.display()
                )));
            }
            let text = std::fs::read(&file)
                .map_err(|e| Failure::BadInput(format!("{}: {e}", file.display())))?;
            let content: serde_json::Value = serde_json::from_slice(&text)
                .map_err(|e| Failure::BadInput(format!("{}: {e}", file.display())))?;
            let producer = producer.unwrap_or_else(|| {
                file.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            });
            let governor = global.governor()?;
            let principal = global.principal(&governor, Action::AttachEvidence)?;
            let version = governor.attach_evidence(
                &principal,
                &r,
                Evidence {
                    kind: kind.clone(),
                    producer,
                    content,
                },
            )?;
            let attached = version
                .evidence
                .iter()
                .rev()
                .find(|e| e.kind == kind)
                .map(|e| e.digest.to_string())
                .unwrap_or_default();
            println!(
                "{kind} evidence {attached} attached to {}",
                version.reference()
            );
            Ok(())
        }
        EvidenceCommand::List { reference: r, json } => {
            let governor = global.governor()?;
            let version = governor.registry().resolve(&reference(&r)?)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&version.evidence)?);
            } else {
                for e in &version.evidence {
                    println!(
                        "{:<22} {} {} by {} at {}",
                        e.kind.as_str(),
                        e.digest,
                        e.producer,
                        e.attached_by,
                        e.attached_at.to_rfc3339()
                    );
                }
            }
            Ok(())
        }
    }
}
