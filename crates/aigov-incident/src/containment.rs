//! Containment in one step, through a trait the host implements over its registry and audit
//! log (the facade does): suspend a version, roll an environment back, or place a legal hold
//! (Art. 73(6): nothing that matters to the investigation may change before the authorities
//! are told). Each action lands in the incident's timeline with what it changed.

use aigov_core::{ActorId, ModelRef};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{Incident, IncidentError, IncidentStatus};

/// What the control plane does to contain an incident.
pub trait ContainmentTarget: Send + Sync + std::fmt::Debug {
    /// Stops a version from serving; returns what changed.
    fn suspend(&self, version: &ModelRef, reason: &str) -> Result<Vec<String>, String>;
    /// Moves the environment's deployment of `version`'s model back to its last good version;
    /// returns what changed.
    fn rollback(
        &self,
        version: &ModelRef,
        environment: &str,
        reason: &str,
    ) -> Result<Vec<String>, String>;
    /// Freezes a version and an audit range against change and erasure; returns what changed.
    fn legal_hold(
        &self,
        version: &ModelRef,
        audit_range: Option<(u64, u64)>,
        reason: &str,
    ) -> Result<Vec<String>, String>;
}

/// A containment action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Containment {
    /// Suspend every affected version.
    Suspend,
    /// Roll this environment back, for the model of every affected version.
    Rollback {
        /// The environment.
        environment: String,
    },
    /// Hold every affected version and, if given, this audit range (inclusive).
    LegalHold {
        /// First and last audit index held.
        audit_range: Option<(u64, u64)>,
    },
}

impl Containment {
    fn name(&self) -> &'static str {
        match self {
            Containment::Suspend => "suspend",
            Containment::Rollback { .. } => "rollback",
            Containment::LegalHold { .. } => "legal_hold",
        }
    }
}

impl Incident {
    /// Carries out a containment action through `target`, records it with what it changed,
    /// and moves an open incident to contained. If the target fails part-way, what did change
    /// is still recorded, then the error is returned.
    pub fn contain(
        &mut self,
        target: &dyn ContainmentTarget,
        action: &Containment,
        at: DateTime<Utc>,
        actor: ActorId,
    ) -> Result<Vec<String>, IncidentError> {
        if self.status == IncidentStatus::Closed {
            return Err(IncidentError::Conflict {
                id: self.id.clone(),
                reason: "a closed incident is not contained; reopen it first".into(),
            });
        }
        let reason = format!("incident {}: {}", self.id, self.title);
        let mut changed = Vec::new();
        let mut failure = None;
        if let Containment::LegalHold {
            audit_range: Some((from, to)),
        } = action
            && from > to
        {
            return Err(IncidentError::invalid(
                "audit range",
                format!("{from}..{to} is empty"),
            ));
        }
        let per_version = |version: &ModelRef| match action {
            Containment::Suspend => target.suspend(version, &reason),
            Containment::Rollback { environment } => target.rollback(version, environment, &reason),
            Containment::LegalHold { audit_range } => {
                target.legal_hold(version, *audit_range, &reason)
            }
        };
        // One rollback per model, however many of its versions are affected.
        let mut models_done: Vec<String> = Vec::new();
        for version in &self.affected {
            if let Containment::Rollback { .. } = action {
                let model = version.name.to_string();
                if models_done.contains(&model) {
                    continue;
                }
                models_done.push(model);
            }
            match per_version(version) {
                Ok(c) => changed.extend(c),
                Err(e) => {
                    failure = Some(format!("{} of {version}: {e}", action.name()));
                    break;
                }
            }
        }
        if !changed.is_empty() || failure.is_none() {
            self.contained_by(action.name(), changed.clone(), at, actor.clone())?;
        }
        if let Some(reason) = failure {
            return Err(IncidentError::Containment {
                id: self.id.clone(),
                reason,
            });
        }
        if self.status == IncidentStatus::Open {
            self.transition(IncidentStatus::Contained, at, actor)?;
        }
        Ok(changed)
    }
}
