//! Incident response through the incident crate: open (running the playbook's automatic
//! steps), contain, decommission.

use std::sync::Arc;

use aigov_audit::{AuditEntry, AuditEvent, IncidentAction};
use aigov_core::{ActorId, ModelRef};
use aigov_incident::{Containment, Incident, NewIncident, StepAction};
use serde_json::json;

use super::Governor;
use crate::Error;
use crate::containment::RegistryContainment;
use crate::decommission::{DecommissionError, DecommissionMode, DecommissionOutcome};

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
    fn incident_entry(
        &self,
        actor: &ActorId,
        id: &str,
        action: &str,
        details: serde_json::Value,
    ) -> AuditEntry {
        AuditEntry {
            time: self.now(),
            actor: actor.clone(),
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
        actor: &ActorId,
        new: NewIncident,
    ) -> Result<IncidentOutcome, Error> {
        self.authorize(actor, "open-incident")?;
        self.open_incident_unchecked(actor, new)
    }

    pub(crate) fn open_incident_unchecked(
        &self,
        actor: &ActorId,
        new: NewIncident,
    ) -> Result<IncidentOutcome, Error> {
        for version in &new.affected {
            self.registry.resolve(version)?;
        }
        let incident = Incident::open(new, self.now(), actor.clone())?;
        self.incidents.create(&incident)?;
        let details = json!({
            "title": incident.title,
            "kind": incident.kind,
            "severity": incident.severity,
            "affected": incident.affected.iter().map(ToString::to_string).collect::<Vec<_>>(),
        });
        self.record(
            || format!("incident {} opened", incident.id),
            vec![self.incident_entry(actor, &incident.id, "opened", details)],
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
                match self.contain_as(&self.system, &id, &action) {
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
        actor: &ActorId,
        incident: &str,
        action: &Containment,
    ) -> Result<Vec<String>, Error> {
        self.authorize(actor, "contain")?;
        self.contain_as(actor, incident, action)
    }

    fn contain_as(
        &self,
        actor: &ActorId,
        id: &str,
        action: &Containment,
    ) -> Result<Vec<String>, Error> {
        let mut incident = self
            .incidents
            .get(id)?
            .ok_or_else(|| Error::invalid("incident", format!("no incident {id}")))?;
        let read = incident.timeline.len();
        let target = RegistryContainment::new(
            Arc::clone(&self.registry),
            Arc::clone(&self.audit),
            actor.clone(),
        );
        let at = self.now().max(incident.last_at());
        let result = incident.contain(&target, action, at, actor.clone());
        self.serving.clear();
        // Whatever was changed is on the timeline, even when a later version failed.
        if incident.timeline.len() > read {
            self.incidents.update(&incident, read)?;
        }
        let changed = result?;
        self.record(
            || format!("incident {id} contained"),
            vec![self.incident_entry(
                actor,
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
        actor: &ActorId,
        reference: &ModelRef,
        mode: DecommissionMode,
    ) -> Result<DecommissionOutcome, Error> {
        self.authorize(actor, "decommission")?;
        let result = crate::decommission::decommission(
            &self.registry,
            &self.audit,
            &self.signing_key(),
            actor,
            reference,
            mode,
            self.now(),
        );
        self.serving.clear();
        match result {
            Err(DecommissionError::Denied(msg)) => {
                let subject = json!({"model": reference.to_string()});
                Err(self.refuse(actor, "decommission", "refused", msg, subject))
            }
            other => Ok(other?),
        }
    }
}
