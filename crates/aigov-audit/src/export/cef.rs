//! ArcSight Common Event Format (CEF:0) lines.

use super::ocsf::severity_id;
use crate::event::{AuditEntry, AuditEvent};

/// Escapes a header field: backslash and pipe; line breaks become spaces.
fn header(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\r', '\n'], " ")
}

/// Escapes an extension value: backslash, equals sign and line breaks.
fn value(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('=', "\\=")
        .replace('\r', "\\r")
        .replace('\n', "\\n")
}

/// One CEF line (without a trailing newline) for an entry.
pub fn line(product_version: &str, index: u64, leaf: &str, entry: &AuditEntry) -> String {
    let kind = entry.event.kind();
    let (name, mut ext) = summary(entry);
    // OCSF severity 0-6 onto CEF's 0-10.
    let severity = (u32::from(severity_id(&entry.event)) * 2).min(10);
    ext.insert(0, ("rt", entry.time.timestamp_millis().to_string()));
    ext.insert(1, ("suser", entry.actor.to_string()));
    ext.push(("externalId", leaf.to_string()));
    ext.push(("cn1Label", "auditIndex".into()));
    ext.push(("cn1", index.to_string()));
    let extension: Vec<String> = ext
        .iter()
        .map(|(k, v)| format!("{k}={}", value(v)))
        .collect();
    format!(
        "CEF:0|aigov|aigov|{}|{}|{}|{severity}|{}",
        header(product_version),
        header(kind),
        header(&name),
        extension.join(" ")
    )
}

fn summary(entry: &AuditEntry) -> (String, Vec<(&'static str, String)>) {
    match &entry.event {
        AuditEvent::Decision(d) => (
            format!("{} v{} decided {}", d.model.name, d.model.version, d.action),
            vec![
                ("act", d.action.clone()),
                ("cs1Label", "model".into()),
                ("cs1", format!("{}@{}", d.model.name, d.model.version)),
                ("cs2Label", "modelRoot".into()),
                ("cs2", d.model.root.to_string()),
                ("cfp1Label", "score".into()),
                ("cfp1", d.score.to_string()),
            ],
        ),
        AuditEvent::HumanReview(r) => (
            format!("human review: {}", r.verdict),
            vec![("msg", r.reason.clone()), ("duser", r.reviewer.to_string())],
        ),
        AuditEvent::Gate(g) => (
            format!("policy gate {}", g.gate),
            vec![
                ("outcome", if g.allow { "allow" } else { "deny" }.into()),
                ("cs1Label", "decisionId".into()),
                ("cs1", g.decision_id.clone()),
            ],
        ),
        other => {
            let payload = serde_json::to_value(other).unwrap_or_default();
            (
                format!("aigov {}", other.kind()),
                vec![("msg", payload["payload"].to_string())],
            )
        }
    }
}
