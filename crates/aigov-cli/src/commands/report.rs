//! `aigov report`: compliance documents of a version from the evidence in the store.

use std::path::PathBuf;

use aigov::compliance::{
    AnnexIv, ComplianceError, html_report, ml_bom, model_card, registration_events,
};
use aigov_core::ModelRef;
use clap::{Subcommand, ValueEnum};

use crate::failure::Failure;
use crate::store::GlobalArgs;

/// How Annex IV is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum AnnexFormat {
    /// Markdown.
    Md,
    /// JSON.
    Json,
    /// One self-contained HTML file with charts.
    Html,
}

/// How lineage is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LineageFormat {
    /// OpenLineage 2-0-2 RunEvents.
    Openlineage,
}

/// `aigov report` subcommands.
#[derive(Subcommand, Debug)]
pub enum ReportCommand {
    /// EU AI Act Annex IV technical documentation with its gaps (exit 1 when there are gaps).
    AnnexIv {
        /// `NAME@VERSION` or `NAME@ALIAS`.
        version: String,
        /// md (Markdown), json, or html (one self-contained file with charts).
        #[arg(long, value_enum, default_value_t = AnnexFormat::Md)]
        format: AnnexFormat,
        /// Write here instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// A model card (Markdown with YAML front matter, Hugging Face layout).
    ModelCard {
        /// The version.
        version: String,
        /// Write here instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// SLSA provenance v1 of the training run: a DSSE envelope over an in-toto statement,
    /// signed with the store's key.
    Provenance {
        /// The version.
        version: String,
        /// Write here instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// The registration's lineage: OpenLineage RunEvents (START, COMPLETE or FAIL) as JSON.
    Lineage {
        /// The version.
        version: String,
        /// Only `openlineage`.
        #[arg(long, value_enum, default_value_t = LineageFormat::Openlineage)]
        format: LineageFormat,
        /// Write here instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// A CycloneDX 1.6 ML-BOM (JSON).
    Mlbom {
        /// The version.
        version: String,
        /// Write here instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

impl From<ComplianceError> for Failure {
    fn from(e: ComplianceError) -> Self {
        match e {
            ComplianceError::Registry(inner) => inner.into(),
            ComplianceError::Audit(inner) => inner.into(),
            other => Failure::Internal(other.to_string()),
        }
    }
}

fn write(out: Option<&PathBuf>, text: &str) -> Result<(), Failure> {
    match out {
        Some(path) => std::fs::write(path, text)
            .map_err(|e| Failure::Internal(format!("{}: {e}", path.display()))),
        None => {
            print!("{text}");
            Ok(())
        }
    }
}

fn reference(text: &str) -> Result<ModelRef, Failure> {
    text.parse()
        .map_err(|e| Failure::BadInput(format!("{text:?}: {e}")))
}

/// Runs `aigov report`.
pub fn run(global: &GlobalArgs, command: ReportCommand) -> Result<(), Failure> {
    let governor = global.governor()?;
    match command {
        ReportCommand::AnnexIv {
            version,
            format,
            out,
        } => {
            let dossier = governor.dossier(&reference(&version)?)?;
            let annex = AnnexIv::build(&dossier);
            let text = match format {
                AnnexFormat::Md => annex.to_markdown(),
                AnnexFormat::Json => serde_json::to_string_pretty(&annex)? + "\n",
                AnnexFormat::Html => html_report(&dossier),
            };
            write(out.as_ref(), &text)?;
            let gaps = annex.gaps();
            if gaps.is_empty() {
                Ok(())
            } else {
                Err(Failure::Negative(format!(
                    "{version}: {} requirement(s) without evidence",
                    gaps.len()
                )))
            }
        }
        ReportCommand::ModelCard { version, out } => {
            let card = model_card(&governor.dossier(&reference(&version)?)?);
            write(out.as_ref(), &card)
        }
        ReportCommand::Provenance { version, out } => {
            let envelope = governor.provenance(&reference(&version)?)?;
            write(
                out.as_ref(),
                &(serde_json::to_string_pretty(&envelope)? + "\n"),
            )
        }
        ReportCommand::Lineage {
            version,
            format: LineageFormat::Openlineage,
            out,
        } => {
            let events = registration_events(&governor.dossier(&reference(&version)?)?);
            write(
                out.as_ref(),
                &(serde_json::to_string_pretty(&events)? + "\n"),
            )
        }
        ReportCommand::Mlbom { version, out } => {
            let bom = ml_bom(&governor.dossier(&reference(&version)?)?);
            write(out.as_ref(), &(serde_json::to_string_pretty(&bom)? + "\n"))
        }
    }
}
