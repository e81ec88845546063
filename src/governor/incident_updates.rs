//! Changing an open incident other than by containment: notes, status, the serious-incident
//! classification and its causal link, notifications. Each is authorized
//! (`update-incident`), written to the incident's timeline and audited.

use aigov_core::Action;
use aigov_incident::{
    Incident, IncidentError, IncidentStatus, Recipient, ReportKind, SeriousCategory,
};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::Governor;
use crate::{Error, Principal};

/// How far in the future a notification may be dated (clock skew): later would stop an
/// Art. 73 clock that has not been met.
const NOTIFICATION_SKEW: chrono::Duration = chrono::Duration::minutes(5);

/// A change to an incident that is not containment.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum IncidentUpdate {
    /// A note on the timeline.
    Note(String),
    /// Another status (`Closed` closes it).
    Status(IncidentStatus),
    /// A serious incident under the EU AI Act (Art. 3(49)), known since `aware_at`: starts
    /// the Art. 73 reporting clock.
    ClassifySerious {
        /// The category.
        category: SeriousCategory,
        /// When the provider became aware of it.
        aware_at: DateTime<Utc>,
    },
    /// A causal link between the system and the serious incident is established: the
    /// report is due immediately.
    CausalLink,
    /// The regulator or the stakeholders were told, at `at` (not in the future).
    Notify {
        /// Who was told.
        to: Recipient,
        /// When.
        at: DateTime<Utc>,
    },
}

impl IncidentUpdate {
    /// The incident action the audit entry names.
    fn action(&self) -> &'static str {
        match self {
            IncidentUpdate::Note(_) => "noted",
            IncidentUpdate::Status(IncidentStatus::Closed) => "closed",
            IncidentUpdate::Status(_) => "status-changed",
            IncidentUpdate::ClassifySerious { .. } => "classified-serious",
            IncidentUpdate::CausalLink => "causal-link",
            IncidentUpdate::Notify { .. } => "notified",
        }
    }

    fn apply(
        &self,
        incident: &mut Incident,
        now: DateTime<Utc>,
        principal: &Principal,
    ) -> Result<Value, IncidentError> {
        let at = now.max(incident.last_at());
        let actor = principal.actor().clone();
        Ok(match self {
            IncidentUpdate::Note(text) => {
                incident.note(text, at, actor)?;
                json!({"text": text})
            }
            IncidentUpdate::Status(to) => {
                let from = incident.status;
                incident.transition(*to, at, actor)?;
                json!({"from": from.as_str(), "to": to.as_str()})
            }
            IncidentUpdate::ClassifySerious { category, aware_at } => {
                incident.classify_serious(*category, *aware_at, at, actor)?;
                json!({"category": category, "aware_at": aware_at})
            }
            IncidentUpdate::CausalLink => {
                incident.causal_link(at, actor)?;
                json!({})
            }
            IncidentUpdate::Notify { to, at } => {
                let report: ReportKind = incident.notify(*to, *at, actor)?;
                json!({"to": to, "at": at, "report": report})
            }
        })
    }
}

impl Governor {
    /// Applies `update` to incident `id` (retrying on a concurrent change by another
    /// responder), audits it and returns the incident as stored.
    pub fn update_incident(
        &self,
        principal: &Principal,
        id: &str,
        update: IncidentUpdate,
    ) -> Result<Incident, Error> {
        self.authorize(principal, Action::UpdateIncident)?;
        let now = self.now();
        if let IncidentUpdate::Notify { at, .. } = &update
            && *at > now + NOTIFICATION_SKEW
        {
            return Err(Error::invalid(
                "notification",
                format!("{at} is in the future"),
            ));
        }
        for _ in 0..16 {
            let mut incident = self
                .incidents
                .get(id)?
                .ok_or_else(|| Error::invalid("incident", format!("no incident {id}")))?;
            let read = incident.timeline.len();
            let details = update.apply(&mut incident, now, principal)?;
            match self.incidents.update(&incident, read) {
                Ok(()) => {
                    self.record(
                        || format!("incident {id} {}", update.action()),
                        vec![self.incident_entry(principal, id, update.action(), details)],
                    )?;
                    return Ok(incident);
                }
                Err(IncidentError::Conflict { .. }) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(Error::invalid(
            "incident",
            format!("{id} kept changing under 16 attempts; try again"),
        ))
    }

    /// Releases the legal hold `hold` on a version (`hold-audit`: incident responders, legal
    /// approvers, admins), audited. `None` when the version has no active hold of that id.
    pub fn release_version_hold(
        &self,
        principal: &Principal,
        reference: &aigov_core::ModelRef,
        hold: &str,
    ) -> Result<Option<aigov_registry::ModelVersion>, Error> {
        self.authorize(principal, Action::HoldAudit)?;
        let v = self.registry.resolve(reference)?;
        match self
            .registry_as(principal)
            .release_hold(principal.actor(), &v.name, v.version, hold)
        {
            Ok((released, event)) => {
                self.record_change(
                    || format!("hold {hold} on {} released", released.reference()),
                    &event,
                    &[],
                )?;
                Ok(Some(released))
            }
            Err(aigov_registry::RegistryError::NotFound(_)) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
}
