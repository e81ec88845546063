//! The forensic timeline of an incident: its own actions, every audit entry about the
//! affected versions (each with an inclusion proof against a named signed checkpoint, so the
//! record can be checked offline by anyone holding the checkpoint) and the deployment history
//! of the named environments, merged in time order.

use aigov_audit::{AuditLog, AuditStoreExt, InclusionProof};
use aigov_incident::Incident;
use aigov_registry::Registry;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Where an event comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ForensicSource {
    /// The incident's own timeline.
    Incident,
    /// The audit log.
    Audit,
    /// The registry's deployment history.
    Deployment,
}

/// One event of the forensic timeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ForensicEvent {
    /// When.
    pub at: DateTime<Utc>,
    /// Where it comes from.
    pub source: ForensicSource,
    /// One line for people.
    pub summary: String,
    /// The record itself (the audit payload, the timeline entry, the deployment record).
    pub detail: Value,
    /// The audit entry's index.
    pub audit_index: Option<u64>,
    /// Its inclusion proof against the checkpoint (None if the entry is newer than it, or
    /// its payload was redacted, which the summary says).
    pub proof: Option<InclusionProof>,
}

/// The merged timeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ForensicTimeline {
    /// The incident.
    pub incident_id: String,
    /// The signed checkpoint note the proofs are against, if the log has one.
    pub checkpoint: Option<String>,
    /// Its tree size.
    pub checkpoint_size: Option<u64>,
    /// Events in time order (ties keep source order: incident, audit, deployment).
    pub events: Vec<ForensicEvent>,
}

/// Why the timeline could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ForensicError {
    /// The audit log failed.
    #[error(transparent)]
    Audit(#[from] aigov_audit::AuditError),
    /// The registry failed.
    #[error(transparent)]
    Registry(#[from] aigov_registry::RegistryError),
    /// A record could not be serialized.
    #[error("record: {0}")]
    Record(String),
}

/// Whether `value` holds an object naming `name` and `version` (how every typed audit event
/// refers to a model version).
fn mentions(value: &Value, name: &str, version: u64) -> bool {
    match value {
        Value::Object(map) => {
            // Typed events carry {"name", "version"}; registry events {"model", "version"}.
            let hit = (map.get("name").and_then(Value::as_str) == Some(name)
                || map.get("model").and_then(Value::as_str) == Some(name))
                && map.get("version").and_then(Value::as_u64) == Some(version);
            hit || map.values().any(|v| mentions(v, name, version))
        }
        Value::Array(items) => items.iter().any(|v| mentions(v, name, version)),
        _ => false,
    }
}

/// Builds the timeline of `incident`; `environments` names the deployment histories to merge.
pub fn forensic_timeline(
    incident: &Incident,
    registry: &Registry,
    audit: &AuditLog,
    environments: &[&str],
) -> Result<ForensicTimeline, ForensicError> {
    let record = |e: serde_json::Error| ForensicError::Record(e.to_string());
    let mut events = Vec::new();
    for entry in &incident.timeline {
        events.push(ForensicEvent {
            at: entry.at,
            source: ForensicSource::Incident,
            summary: format!(
                "{} by {}",
                serde_json::to_value(&entry.action).map_err(record)?["action"]
                    .as_str()
                    .unwrap_or("action"),
                entry.actor
            ),
            detail: serde_json::to_value(entry).map_err(record)?,
            audit_index: None,
            proof: None,
        });
    }
    let targets: Vec<(String, u64)> = incident
        .affected
        .iter()
        .filter_map(|r| {
            registry
                .resolve(r)
                .ok()
                .map(|v| (v.name.to_string(), v.version.get()))
        })
        .collect();
    let checkpoint = audit.store().latest_checkpoint()?;
    let size = audit.size()?;
    for index in 0..size {
        let stored = audit.store().entry(index)?;
        let Some(payload) = &stored.payload else {
            continue;
        };
        let value: Value = serde_json::from_slice(payload).map_err(record)?;
        if !targets.iter().any(|(n, v)| mentions(&value, n, *v)) {
            continue;
        }
        let proof = match &checkpoint {
            Some((cp_size, _)) if index < *cp_size => Some(audit.prove(index, Some(*cp_size))?),
            _ => None,
        };
        let kind = value["kind"].as_str().unwrap_or("entry").to_string();
        events.push(ForensicEvent {
            at: stored.time,
            source: ForensicSource::Audit,
            summary: format!(
                "audit #{index} {kind}{}",
                if proof.is_none() {
                    " (newer than the checkpoint: no proof yet)"
                } else {
                    ""
                }
            ),
            detail: value,
            audit_index: Some(index),
            proof,
        });
    }
    for reference in &incident.affected {
        for env in environments {
            for d in registry.history(&reference.name, env)? {
                events.push(ForensicEvent {
                    at: d.at,
                    source: ForensicSource::Deployment,
                    summary: format!("{} in {env}: {:?} version {}", d.model, d.action, d.version),
                    detail: serde_json::to_value(&d).map_err(record)?,
                    audit_index: None,
                    proof: None,
                });
            }
        }
    }
    events.sort_by_key(|e| e.at);
    events.dedup_by(|a, b| a.source == ForensicSource::Deployment && a.detail == b.detail);
    Ok(ForensicTimeline {
        incident_id: incident.id.clone(),
        checkpoint_size: checkpoint.as_ref().map(|c| c.0),
        checkpoint: checkpoint.map(|c| c.1),
        events,
    })
}

impl ForensicTimeline {
    /// The timeline as Markdown: one row per event, the checkpoint at the end.
    pub fn to_markdown(&self) -> String {
        let mut md = format!(
            "# Forensic timeline of {}\n\n| time | source | event | proof |\n| --- | --- | --- | --- |\n",
            self.incident_id
        );
        for e in &self.events {
            let proof = e.proof.as_ref().map_or("-".to_string(), |p| {
                format!("{} hashes to size {}", p.hashes.len(), p.size)
            });
            md.push_str(&format!(
                "| {} | {:?} | {} | {} |\n",
                e.at.to_rfc3339(),
                e.source,
                e.summary.replace('|', "\\|"),
                proof
            ));
        }
        match &self.checkpoint {
            Some(note) => md.push_str(&format!(
                "\nProofs are against this signed checkpoint:\n\n```\n{note}```\n"
            )),
            None => {
                md.push_str("\nThe audit log has no signed checkpoint yet: no inclusion proofs.\n")
            }
        }
        md
    }
}
