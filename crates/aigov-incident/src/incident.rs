//! An incident and its append-only timeline: every status change, note, piece of evidence,
//! containment action and notification is an entry, in time order, and nothing is edited.

use aigov_core::{ActorId, Digest, ModelRef};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    IncidentError, IncidentKind, IncidentSource, IncidentStatus, SeriousCategory, SeriousIncident,
    Severity,
};

/// Who is told about a serious incident.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recipient {
    /// The market surveillance authority (Art. 73).
    Regulator,
    /// Deployers, affected persons and other stakeholders.
    Stakeholders,
}

/// Which report a regulator notification is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    /// The first, possibly incomplete, report.
    Initial,
    /// The complete report.
    Complete,
}

/// One thing that happened to an incident.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "action")]
pub enum TimelineAction {
    /// The incident was opened.
    Opened,
    /// The status changed.
    StatusChanged {
        /// Before.
        from: IncidentStatus,
        /// After.
        to: IncidentStatus,
    },
    /// A note.
    Note {
        /// The text.
        text: String,
    },
    /// Evidence was referenced (a file, a report, an audit entry).
    Evidence {
        /// What it is.
        description: String,
        /// Its content digest, when it is a document.
        digest: Option<Digest>,
        /// The audit entry, when it is one.
        audit_index: Option<u64>,
    },
    /// A containment action and what it changed.
    Containment {
        /// The action (suspend, rollback, legal hold).
        kind: String,
        /// What it changed, as the target reported it.
        changed: Vec<String>,
    },
    /// The incident was classified as serious (Art. 3(49)).
    ClassifiedSerious {
        /// The category.
        category: SeriousCategory,
        /// When the provider became aware.
        aware_at: DateTime<Utc>,
    },
    /// A causal link with the AI system was established.
    CausalLinkEstablished,
    /// Someone was notified.
    Notified {
        /// Who.
        to: Recipient,
        /// Which report, for the regulator.
        report: Option<ReportKind>,
    },
}

/// One timeline entry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    /// When it happened.
    pub at: DateTime<Utc>,
    /// Who did it.
    pub actor: ActorId,
    /// What happened.
    pub action: TimelineAction,
}

/// What opening an incident needs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewIncident {
    /// Identifier (letters, digits, `-`, `_`, `.`).
    pub id: String,
    /// One-line title.
    pub title: String,
    /// The kind.
    pub kind: IncidentKind,
    /// The severity.
    pub severity: Severity,
    /// The model versions affected (at least one).
    pub affected: Vec<ModelRef>,
    /// Where it was noticed.
    pub source: IncidentSource,
    /// Who owns the response.
    pub owner: ActorId,
}

/// An incident.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    /// Identifier.
    pub id: String,
    /// Title.
    pub title: String,
    /// Kind.
    pub kind: IncidentKind,
    /// Severity.
    pub severity: Severity,
    /// Affected model versions.
    pub affected: Vec<ModelRef>,
    /// Where it was noticed.
    pub source: IncidentSource,
    /// Who owns the response.
    pub owner: ActorId,
    /// Current status.
    pub status: IncidentStatus,
    /// When it was opened.
    pub opened_at: DateTime<Utc>,
    /// Serious-incident classification, once made.
    pub serious: Option<SeriousIncident>,
    /// Everything that happened, in time order.
    pub timeline: Vec<TimelineEntry>,
}

impl Incident {
    /// Opens an incident at `at`, recorded as done by `actor`.
    pub fn open(
        new: NewIncident,
        at: DateTime<Utc>,
        actor: ActorId,
    ) -> Result<Incident, IncidentError> {
        if new.id.is_empty()
            || new.id.len() > 128
            || !new
                .id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        {
            return Err(IncidentError::invalid(
                "incident id",
                format!("{:?}: 1 to 128 letters, digits, '-', '_' or '.'", new.id),
            ));
        }
        if new.title.trim().is_empty() {
            return Err(IncidentError::invalid("title", "it is empty"));
        }
        if new.affected.is_empty() {
            return Err(IncidentError::invalid(
                "affected versions",
                "name at least one model version",
            ));
        }
        Ok(Incident {
            id: new.id,
            title: new.title,
            kind: new.kind,
            severity: new.severity,
            affected: new.affected,
            source: new.source,
            owner: new.owner,
            status: IncidentStatus::Open,
            opened_at: at,
            serious: None,
            timeline: vec![TimelineEntry {
                at,
                actor,
                action: TimelineAction::Opened,
            }],
        })
    }

    /// Appends an entry; refuses one dated before the last, so the timeline stays in order
    /// and no clock can be moved back by back-dating.
    fn record(
        &mut self,
        at: DateTime<Utc>,
        actor: ActorId,
        action: TimelineAction,
    ) -> Result<(), IncidentError> {
        if let Some(last) = self.timeline.last()
            && at < last.at
        {
            return Err(IncidentError::Conflict {
                id: self.id.clone(),
                reason: format!(
                    "an action at {at} is earlier than the last one at {}",
                    last.at
                ),
            });
        }
        self.timeline.push(TimelineEntry { at, actor, action });
        Ok(())
    }

    /// Moves to another status.
    pub fn transition(
        &mut self,
        to: IncidentStatus,
        at: DateTime<Utc>,
        actor: ActorId,
    ) -> Result<(), IncidentError> {
        if !self.status.may_become(to) {
            return Err(IncidentError::IllegalTransition {
                id: self.id.clone(),
                from: self.status.to_string(),
                to: to.to_string(),
            });
        }
        let from = self.status;
        self.record(at, actor, TimelineAction::StatusChanged { from, to })?;
        self.status = to;
        Ok(())
    }

    /// Adds a note.
    pub fn note(
        &mut self,
        text: &str,
        at: DateTime<Utc>,
        actor: ActorId,
    ) -> Result<(), IncidentError> {
        if text.trim().is_empty() {
            return Err(IncidentError::invalid("note", "it is empty"));
        }
        self.record(
            at,
            actor,
            TimelineAction::Note {
                text: text.to_string(),
            },
        )
    }

    /// References evidence.
    pub fn evidence(
        &mut self,
        description: &str,
        digest: Option<Digest>,
        audit_index: Option<u64>,
        at: DateTime<Utc>,
        actor: ActorId,
    ) -> Result<(), IncidentError> {
        if digest.is_none() && audit_index.is_none() {
            return Err(IncidentError::invalid(
                "evidence",
                "give a digest or an audit index",
            ));
        }
        self.record(
            at,
            actor,
            TimelineAction::Evidence {
                description: description.to_string(),
                digest,
                audit_index,
            },
        )
    }

    /// Status and serious-incident record as the timeline implies them: what a store checks an
    /// update against, so that nothing but new timeline entries can change them.
    pub fn derived_state(&self) -> (IncidentStatus, Option<SeriousIncident>) {
        let mut status = IncidentStatus::Open;
        let mut serious: Option<SeriousIncident> = None;
        for e in &self.timeline {
            match &e.action {
                TimelineAction::StatusChanged { to, .. } => status = *to,
                TimelineAction::ClassifiedSerious { category, aware_at } => {
                    serious = Some(SeriousIncident {
                        category: *category,
                        aware_at: *aware_at,
                        causal_link_at: None,
                        initial_report_at: None,
                        complete_report_at: None,
                    });
                }
                TimelineAction::CausalLinkEstablished => {
                    if let Some(s) = serious.as_mut() {
                        s.causal_link_at = Some(e.at);
                    }
                }
                TimelineAction::Notified {
                    to: Recipient::Regulator,
                    report: Some(kind),
                } => {
                    if let Some(s) = serious.as_mut() {
                        match kind {
                            ReportKind::Initial => s.initial_report_at = Some(e.at),
                            ReportKind::Complete => s.complete_report_at = Some(e.at),
                        }
                    }
                }
                _ => {}
            }
        }
        (status, serious)
    }

    /// Records a containment that was carried out elsewhere (for example before a retry after
    /// a concurrent update) and contains an open incident.
    pub fn record_containment(
        &mut self,
        kind: &str,
        changed: Vec<String>,
        at: DateTime<Utc>,
        actor: ActorId,
    ) -> Result<(), IncidentError> {
        self.contained_by(kind, changed, at, actor.clone())?;
        if self.status == IncidentStatus::Open {
            self.transition(IncidentStatus::Contained, at, actor)?;
        }
        Ok(())
    }

    /// The time of the last timeline entry.
    pub fn last_at(&self) -> DateTime<Utc> {
        self.timeline.last().map_or(self.opened_at, |e| e.at)
    }

    /// Records a containment action and what it changed.
    pub fn contained_by(
        &mut self,
        kind: &str,
        changed: Vec<String>,
        at: DateTime<Utc>,
        actor: ActorId,
    ) -> Result<(), IncidentError> {
        self.record(
            at,
            actor,
            TimelineAction::Containment {
                kind: kind.to_string(),
                changed,
            },
        )
    }

    /// Classifies the incident as serious; once only (a reclassification would move the
    /// clock, which is what the rule forbids).
    pub fn classify_serious(
        &mut self,
        category: SeriousCategory,
        aware_at: DateTime<Utc>,
        at: DateTime<Utc>,
        actor: ActorId,
    ) -> Result<(), IncidentError> {
        if self.serious.is_some() {
            return Err(IncidentError::Conflict {
                id: self.id.clone(),
                reason: "it is already classified as serious".into(),
            });
        }
        if aware_at > at {
            return Err(IncidentError::invalid(
                "aware_at",
                format!("{aware_at} is after the classification itself ({at})"),
            ));
        }
        self.record(
            at,
            actor,
            TimelineAction::ClassifiedSerious { category, aware_at },
        )?;
        self.serious = Some(SeriousIncident {
            category,
            aware_at,
            causal_link_at: None,
            initial_report_at: None,
            complete_report_at: None,
        });
        Ok(())
    }

    /// Records that a causal link with the AI system was established: the report is due now.
    pub fn causal_link(&mut self, at: DateTime<Utc>, actor: ActorId) -> Result<(), IncidentError> {
        let id = self.id.clone();
        let serious = self
            .serious
            .as_ref()
            .ok_or_else(|| IncidentError::Conflict {
                id: id.clone(),
                reason: "classify the incident as serious first".into(),
            })?;
        if serious.causal_link_at.is_some() {
            return Err(IncidentError::Conflict {
                id,
                reason: "the causal link is already recorded".into(),
            });
        }
        self.record(at, actor, TimelineAction::CausalLinkEstablished)?;
        if let Some(s) = self.serious.as_mut() {
            s.causal_link_at = Some(at);
        }
        Ok(())
    }

    /// Records a notification; to the regulator, the initial report comes before the complete
    /// one, each once.
    pub fn notify(
        &mut self,
        to: Recipient,
        at: DateTime<Utc>,
        actor: ActorId,
    ) -> Result<ReportKind, IncidentError> {
        let report = match (&self.serious, to) {
            (None, Recipient::Regulator) => {
                return Err(IncidentError::Conflict {
                    id: self.id.clone(),
                    reason:
                        "only serious incidents are reported to the regulator; classify it first"
                            .into(),
                });
            }
            (Some(s), Recipient::Regulator) => match (s.initial_report_at, s.complete_report_at) {
                (None, _) => ReportKind::Initial,
                (Some(_), None) => ReportKind::Complete,
                (Some(_), Some(_)) => {
                    return Err(IncidentError::Conflict {
                        id: self.id.clone(),
                        reason: "the complete report was already sent".into(),
                    });
                }
            },
            (_, Recipient::Stakeholders) => ReportKind::Initial,
        };
        let regulator = to == Recipient::Regulator;
        self.record(
            at,
            actor,
            TimelineAction::Notified {
                to,
                report: regulator.then_some(report),
            },
        )?;
        if let (true, Some(s)) = (regulator, self.serious.as_mut()) {
            match report {
                ReportKind::Initial => s.initial_report_at = Some(at),
                ReportKind::Complete => s.complete_report_at = Some(at),
            }
        }
        Ok(report)
    }
}
