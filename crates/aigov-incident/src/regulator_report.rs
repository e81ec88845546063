//! The draft of the report to the market surveillance authority (EU AI Act Art. 73): the
//! fields the authority asks for, filled from the incident, with everything still missing
//! listed so that nobody sends an incomplete report by accident.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{ClockState, Incident, IncidentKind, ReportDue, SeriousCategory, TimelineAction};

/// The provider of the AI system (Art. 3(3)).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provider {
    /// Legal name.
    pub name: String,
    /// Postal address.
    pub address: String,
    /// Who the authority contacts.
    pub contact: String,
}

/// What the incident record does not hold and a person must supply.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportDetails {
    /// The provider.
    pub provider: Option<Provider>,
    /// What happened, for the authority.
    pub description: Option<String>,
    /// When the incident itself happened (before anyone was aware).
    pub occurred_at: Option<DateTime<Utc>>,
    /// Persons or infrastructure affected, and how many.
    pub affected: Option<String>,
    /// Member states where it happened.
    pub member_states: Vec<String>,
}

/// The report draft.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportDraft {
    /// The incident.
    pub incident_id: String,
    /// Which report this is (initial or complete), if one is due.
    pub report: ReportDue,
    /// The provider.
    pub provider: Option<Provider>,
    /// The AI system: the affected model versions.
    pub system: Vec<String>,
    /// Kind of incident.
    pub kind: IncidentKind,
    /// Title.
    pub title: String,
    /// Description.
    pub description: Option<String>,
    /// Art. 3(49) category.
    pub category: Option<SeriousCategory>,
    /// When it happened.
    pub occurred_at: Option<DateTime<Utc>>,
    /// When the provider became aware.
    pub aware_at: Option<DateTime<Utc>>,
    /// When the causal link was established.
    pub causal_link_at: Option<DateTime<Utc>>,
    /// The reporting clock at the draft's time.
    pub clock: Option<ClockState>,
    /// Persons or infrastructure affected.
    pub affected: Option<String>,
    /// Member states.
    pub member_states: Vec<String>,
    /// Corrective actions taken, from the timeline (containment and notes), in order.
    pub corrective_actions: Vec<String>,
    /// Required fields without a value.
    pub missing: Vec<String>,
}

impl ReportDraft {
    /// Drafts the report for `incident` as it stands at `now`.
    pub fn draft(incident: &Incident, details: &ReportDetails, now: DateTime<Utc>) -> ReportDraft {
        let serious = incident.serious.as_ref();
        let corrective_actions: Vec<String> = incident
            .timeline
            .iter()
            .filter_map(|e| match &e.action {
                TimelineAction::Containment { kind, changed } => Some(format!(
                    "{} {kind}: {}",
                    e.at.to_rfc3339(),
                    if changed.is_empty() {
                        "nothing changed".to_string()
                    } else {
                        changed.join("; ")
                    }
                )),
                TimelineAction::StatusChanged { to, .. } => {
                    Some(format!("{} status: {to}", e.at.to_rfc3339()))
                }
                _ => None,
            })
            .collect();
        let mut missing = Vec::new();
        let mut need = |present: bool, what: &str| {
            if !present {
                missing.push(what.to_string());
            }
        };
        need(
            serious.is_some(),
            "serious-incident category (the incident is not classified as serious)",
        );
        need(
            details.provider.is_some(),
            "provider name, address and contact",
        );
        need(
            details
                .description
                .as_deref()
                .is_some_and(|d| !d.trim().is_empty()),
            "incident description",
        );
        need(details.occurred_at.is_some(), "when the incident occurred");
        need(
            details
                .affected
                .as_deref()
                .is_some_and(|d| !d.trim().is_empty()),
            "affected persons or infrastructure",
        );
        need(!details.member_states.is_empty(), "member states concerned");
        need(
            corrective_actions.iter().any(|a| !a.contains(" status: ")),
            "corrective actions (no containment recorded)",
        );
        ReportDraft {
            incident_id: incident.id.clone(),
            report: serious.map_or(ReportDue::Initial, |s| s.state(now).due),
            provider: details.provider.clone(),
            system: incident.affected.iter().map(ToString::to_string).collect(),
            kind: incident.kind,
            title: incident.title.clone(),
            description: details.description.clone(),
            category: serious.map(|s| s.category),
            occurred_at: details.occurred_at,
            aware_at: serious.map(|s| s.aware_at),
            causal_link_at: serious.and_then(|s| s.causal_link_at),
            clock: serious.map(|s| s.state(now)),
            affected: details.affected.clone(),
            member_states: details.member_states.clone(),
            corrective_actions,
            missing,
        }
    }

    /// The draft as Markdown, missing fields marked.
    pub fn to_markdown(&self) -> String {
        let or_missing = |v: Option<String>| v.unwrap_or_else(|| "**MISSING**".to_string());
        let time = |t: Option<DateTime<Utc>>| or_missing(t.map(|t| t.to_rfc3339()));
        let mut md = format!(
            "# Serious incident report (draft): {}\n\n",
            self.incident_id
        );
        md.push_str(&format!("Report: {:?}\n\n", self.report));
        md.push_str("| field | value |\n| --- | --- |\n");
        let provider = self
            .provider
            .as_ref()
            .map(|p| format!("{}, {} ({})", p.name, p.address, p.contact));
        let rows = [
            ("Provider", or_missing(provider)),
            ("AI system", self.system.join(", ")),
            ("Title", self.title.clone()),
            ("Kind", format!("{:?}", self.kind)),
            (
                "Category (Art. 3(49))",
                or_missing(self.category.map(|c| c.as_str().to_string())),
            ),
            ("Occurred", time(self.occurred_at)),
            ("Provider aware", time(self.aware_at)),
            (
                "Causal link established",
                self.causal_link_at
                    .map_or("not yet".into(), |t| t.to_rfc3339()),
            ),
            (
                "Deadline",
                or_missing(self.clock.as_ref().map(|c| {
                    format!(
                        "{} ({}){}",
                        c.deadline.to_rfc3339(),
                        c.provision,
                        if c.overdue { ", OVERDUE" } else { "" }
                    )
                })),
            ),
            (
                "Affected persons or infrastructure",
                or_missing(self.affected.clone()),
            ),
            (
                "Member states",
                if self.member_states.is_empty() {
                    "**MISSING**".into()
                } else {
                    self.member_states.join(", ")
                },
            ),
        ];
        for (k, v) in rows {
            md.push_str(&format!("| {k} | {} |\n", v.replace('|', "\\|")));
        }
        md.push_str(&format!(
            "\n## Description\n\n{}\n",
            or_missing(self.description.clone())
        ));
        md.push_str("\n## Corrective actions\n\n");
        if self.corrective_actions.is_empty() {
            md.push_str("**MISSING**\n");
        }
        for a in &self.corrective_actions {
            md.push_str(&format!("- {a}\n"));
        }
        if !self.missing.is_empty() {
            md.push_str("\n## Missing before this can be sent\n\n");
            for m in &self.missing {
                md.push_str(&format!("- {m}\n"));
            }
        }
        md
    }
}
