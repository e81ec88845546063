//! Incident response through the incident crate: open (running the playbook's automatic
//! steps), contain, decommission.

use std::sync::Arc;

use aigov_audit::{AuditEntry, AuditEvent, IncidentAction};
use aigov_core::{Action, ModelRef};
use aigov_incident::{Containment, Incident, NewIncident, StepAction};
use serde_json::json;

use super::Governor;
use crate::containment::RegistryContainment;
use crate::decommission::{DecommissionError, DecommissionMode, DecommissionOutcome};
use crate::{Error, Principal};

/// An opened incident and what its playbook did by itself.
#[derive(Clone, Debug, PartialEq)]
pub struct IncidentOutcome {
    /// The incident as stored after the automatic steps.
    pub incident: Incident,
    /// What the automatic steps changed, one line each.
    pub automatic: Vec<String>,
    /// Automatic steps that failed, with why (the incident stays open for people).
    pub failed: Vec<String>,
}

impl Governor {
    pub(crate) fn incident_entry(
        &self,
        principal: &Principal,
        id: &str,
        action: &str,
        details: serde_json::Value,
    ) -> AuditEntry {
        AuditEntry {
            time: self.now(),
            actor: principal.actor().clone(),
            authn: Some(principal.authn()),
            request: principal.request(),
            event: AuditEvent::Incident(IncidentAction {
                incident_id: id.to_string(),
                action: action.to_string(),
                details,
            }),
        }
    }

    /// Opens an incident and runs the automatic steps of the playbook for its kind, as the
    /// control plane, at the incident's severity.
    pub fn open_incident(
        &self,
        principal: &Principal,
        new: NewIncident,
    ) -> Result<IncidentOutcome, Error> {
        self.authorize(principal, Action::OpenIncident)?;
        self.open_incident_unchecked(principal, new)
    }

    pub(crate) fn open_incident_unchecked(
        &self,
        principal: &Principal,
        new: NewIncident,
    ) -> Result<IncidentOutcome, Error> {
        for version in &new.affected {
            self.registry.resolve(version)?;
        }
        let incident = Incident::open(new, self.now(), principal.actor().clone())?;
        self.incidents.create(&incident)?;
        let details = json!({
            "title": incident.title,
            "kind": incident.kind,
            "severity": incident.severity,
            "affected": incident.affected.iter().map(ToString::to_string).collect::<Vec<_>>(),
        });
        self.record(
            || format!("incident {} opened", incident.id),
            vec![self.incident_entry(principal, &incident.id, "opened", details)],
        )?;
        let id = incident.id.clone();
        let mut automatic = Vec::new();
        let mut failed = Vec::new();
        let steps: Vec<_> = self
            .playbooks
            .iter()
            .filter(|p| p.kinds.contains(&incident.kind))
            .take(1)
            .flat_map(|p| p.steps.iter())
            .filter(|s| {
                s.action.can_run_automatically() && s.runs_automatically_at(incident.severity)
            })
            .cloned()
            .collect();
        for step in steps {
            for action in self.containments_for(step.action, &incident.affected)? {
                match self.contain_as(&self.control_plane(), &id, &action) {
                    Ok(changed) => automatic.extend(changed),
                    Err(e) => failed.push(format!("step {}: {e}", step.id)),
                }
            }
        }
        let incident = self
            .incidents
            .get(&id)?
            .ok_or_else(|| Error::invalid("incident", format!("{id} vanished after opening")))?;
        Ok(IncidentOutcome {
            incident,
            automatic,
            failed,
        })
    }

    /// The containment actions a playbook step means for these versions: a rollback in every
    /// environment a version serves now.
    fn containments_for(
        &self,
        step: StepAction,
        affected: &[ModelRef],
    ) -> Result<Vec<Containment>, Error> {
        Ok(match step {
            StepAction::Suspend => vec![Containment::Suspend],
            StepAction::LegalHold => vec![Containment::LegalHold { audit_range: None }],
            StepAction::Rollback => {
                let mut environments = Vec::new();
                for reference in affected {
                    let v = self.registry.resolve(reference)?;
                    for environment in self.registry.environments(&v.name)? {
                        if self.registry.deployed(&v.name, &environment)? == Some(v.version)
                            && !environments.contains(&environment)
                        {
                            environments.push(environment);
                        }
                    }
                }
                environments
                    .into_iter()
                    .map(|environment| Containment::Rollback { environment })
                    .collect()
            }
            _ => Vec::new(),
        })
    }

    /// Contains an incident: suspends its versions, rolls environments back or places legal
    /// holds, each change audited.
    pub fn contain(
        &self,
        principal: &Principal,
        incident: &str,
        action: &Containment,
    ) -> Result<Vec<String>, Error> {
        self.authorize(principal, Action::Contain)?;
        self.contain_as(principal, incident, action)
    }

    fn contain_as(
        &self,
        principal: &Principal,
        id: &str,
        action: &Containment,
    ) -> Result<Vec<String>, Error> {
        let mut incident = self
            .incidents
            .get(id)?
            .ok_or_else(|| Error::invalid("incident", format!("no incident {id}")))?;
        let read = incident.timeline.len();
        let target = RegistryContainment::new(
            Arc::new(self.registry_as(principal)),
            Arc::clone(&self.audit),
            principal.actor().clone(),
        );
        let at = self.now().max(incident.last_at());
        let result = incident.contain(&target, action, at, principal.actor().clone());
        self.serving.clear();
        // Whatever was changed is on the timeline, even when a later version failed.
        if incident.timeline.len() > read {
            self.incidents.update(&incident, read)?;
        }
        let changed = result?;
        self.record(
            || format!("incident {id} contained"),
            vec![self.incident_entry(
                principal,
                id,
                "contained",
                json!({"containment": action, "changed": changed}),
            )],
        )?;
        Ok(changed)
    }

    /// Retires a version with a signed certificate (see [`crate::decommission`]).
    pub fn decommission(
        &self,
        principal: &Principal,
        reference: &ModelRef,
        mode: DecommissionMode,
    ) -> Result<DecommissionOutcome, Error> {
        self.authorize(principal, Action::Decommission)?;
        let result = crate::decommission::decommission(
            &self.registry,
            &self.audit,
            &self.signing_key(),
            principal,
            reference,
            mode,
            self.now(),
        );
        self.serving.clear();
        match result {
            Err(DecommissionError::Denied(msg)) => {
                let subject = json!({"model": reference.to_string()});
                Err(self.refuse(principal, "decommission", "refused", msg, subject))
            }
            other => Ok(other?),
        }
    }
}
