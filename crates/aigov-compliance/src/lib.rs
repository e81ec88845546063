//! Compliance documents from the evidence aigov already holds: EU AI Act Annex IV technical
//! documentation with its gaps and a NIST AI RMF / ISO/IEC 42001 mapping, a Hugging Face
//! style model card, a CycloneDX 1.6 ML-BOM, SLSA provenance of the training run and
//! OpenLineage events of the registration.
//! A [`Dossier`] gathers everything about one version once; each document is a pure
//! function of it.
//!
//! ```
//! use aigov_compliance::{AnnexIv, Dossier};
//!
//! fn gaps(dossier: &Dossier) -> usize {
//!     AnnexIv::build(dossier).gaps().len()
//! }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod annex_iv;
mod dossier;
mod error;
mod frameworks;
mod html;
mod lineage;
pub mod mlbom;
mod model_card;
mod provenance;

pub use annex_iv::{AnnexIv, ArticleCheck, Item, Reference, Section, Status};
pub use dossier::{
    AlertHistogram, Attached, BaselineSummary, Dossier, GateFact, LogFacts, LoggedFact,
};
pub use error::ComplianceError;
pub use frameworks::{ControlCoverage, coverage_markdown, framework_coverage};
pub use html::html_report;
pub use lineage::{RUN_EVENT_SCHEMA, registration_events};
pub use mlbom::{Bom, ml_bom};
pub use model_card::model_card;
pub use provenance::{SLSA_PROVENANCE_V1, TRAINING_BUILD_TYPE, provenance};
