//! Incident response for aigov: incidents with an append-only timeline and a strict
//! lifecycle, OCSF severities, EU AI Act serious-incident classification with Art. 73
//! reporting clocks computed from recorded times, containment through a trait the host
//! implements, playbooks as data, the regulator report draft, and incident stores.
//!
//! ```
//! use aigov_core::ActorId;
//! use aigov_incident::{Incident, IncidentKind, IncidentSource, NewIncident, SeriousCategory, Severity};
//! use chrono::{TimeZone, Utc};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let at = Utc.with_ymd_and_hms(2026, 2, 27, 9, 0, 0).single().ok_or("no such time")?;
//! let owner: ActorId = "soc-lead@example".parse()?;
//! let mut incident = Incident::open(
//!     NewIncident {
//!         id: "INC-7".into(),
//!         title: "login-risk model waved through credential stuffing".into(),
//!         kind: IncidentKind::Evasion,
//!         severity: Severity::Critical,
//!         affected: vec!["login-risk@3".parse()?],
//!         source: IncidentSource::Person { actor: "analyst@example".into() },
//!         owner: owner.clone(),
//!     },
//!     at,
//!     owner.clone(),
//! )?;
//! incident.classify_serious(SeriousCategory::CriticalInfrastructureDisruption, at, at, owner)?;
//! // Two days from awareness, across the end of February.
//! let clock = incident.serious.as_ref().ok_or("classified above")?.state(at);
//! assert_eq!(Some(clock.deadline), Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).single());
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(any(test, feature = "conformance"))]
pub mod conformance;
mod containment;
mod error;
mod incident;
mod kind;
mod playbook;
mod regulator_report;
mod serious;
mod status;
pub mod store;

pub use containment::{Containment, ContainmentTarget};
pub use error::IncidentError;
pub use incident::{Incident, NewIncident, Recipient, ReportKind, TimelineAction, TimelineEntry};
pub use kind::{IncidentKind, IncidentSource, Severity};
pub use playbook::{Playbook, PlaybookStep, SHIPPED, StepAction};
pub use regulator_report::{Provider, ReportDetails, ReportDraft};
pub use serious::{ClockState, ReportDue, SeriousCategory, SeriousIncident};
pub use status::IncidentStatus;
pub use store::IncidentStore;
pub use store::memory::MemoryIncidentStore;
#[cfg(feature = "postgres")]
pub use store::postgres::PostgresIncidentStore;
#[cfg(feature = "sqlite")]
pub use store::sqlite::SqliteIncidentStore;
