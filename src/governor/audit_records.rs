//! Operations on the audit log itself: legal holds, erasure, and events appended by hand.
//! Each is authorized, carried out by the log, and itself logged.

use aigov_audit::{AuditEntry, AuditEvent, LegalHold};
use aigov_core::Action;
use serde_json::{Map, Value, json};

use super::Governor;
use crate::{Error, Principal};

/// The `type`s of custom events the governor writes and later reads as facts (reconcile
/// skips changes an `unaudited-change-found` entry names): refused in appended events.
pub const RESERVED_CUSTOM_TYPES: [&str; 8] = [
    "actor-enrolled",
    "checkpoint-key-rotated",
    "entry-redacted",
    "legal-hold-placed",
    "legal-hold-released",
    "policy-applied",
    "review-requested",
    "unaudited-change-found",
];

/// The subjects the governor files its own records under (applied policies, enrolments).
pub const RESERVED_SUBJECTS: [&str; 2] = ["aigov-policy", "aigov-directory"];

/// Why `event` may not be appended by hand, if it may not.
fn not_appendable(event: &AuditEvent) -> Option<String> {
    match event {
        AuditEvent::Decision(_) | AuditEvent::DriftAlert(_) => None,
        AuditEvent::Custom(fields) => fields
            .get("type")
            .and_then(Value::as_str)
            .filter(|t| RESERVED_CUSTOM_TYPES.contains(t))
            .map(|t| format!("custom events of type {t:?} are written by the governor only"))
            .or_else(|| {
                // Nor may they be filed under the subjects the governor reads its own records
                // from.
                ["name", "model"]
                    .iter()
                    .filter_map(|k| fields.get(*k).and_then(Value::as_str))
                    .find(|s| RESERVED_SUBJECTS.contains(s))
                    .map(|s| format!("custom events about {s:?} are written by the governor only"))
            }),
        AuditEvent::Registry(fields) if fields.contains_key("change_id") => Some(
            "registry entries appended by hand may not carry a change_id (only the registry's \
             change journal records those)"
                .into(),
        ),
        other => Some(format!(
            "{} events are recorded by the governor as it acts; only decisions, drift alerts \
             and custom events may be appended",
            other.kind()
        )),
    }
}

impl Governor {
    /// Freezes entries `from..=to` against erasure (`hold-audit`); returns the hold.
    pub fn hold_audit(
        &self,
        principal: &Principal,
        from: u64,
        to: u64,
        reason: &str,
    ) -> Result<LegalHold, Error> {
        self.authorize(principal, Action::HoldAudit)?;
        let hold = self.audit.place_hold(from, to, reason, principal.actor())?;
        self.record_custom(
            principal,
            json!({"type": "legal-hold-placed", "hold": hold.id, "from": from, "to": to, "reason": reason}),
            || format!("legal hold {} placed", hold.id),
        )?;
        Ok(hold)
    }

    /// Releases legal hold `id` (`hold-audit`).
    pub fn release_audit_hold(&self, principal: &Principal, id: u64) -> Result<(), Error> {
        self.authorize(principal, Action::HoldAudit)?;
        self.audit.release_hold(id)?;
        self.record_custom(
            principal,
            json!({"type": "legal-hold-released", "hold": id}),
            || format!("legal hold {id} released"),
        )
    }

    /// Erases entry `index`'s payload once retention allows and no hold covers it
    /// (`redact-audit`); its leaf hash and every proof stay valid.
    pub fn redact_audit(
        &self,
        principal: &Principal,
        index: u64,
        reason: &str,
    ) -> Result<(), Error> {
        self.authorize(principal, Action::RedactAudit)?;
        self.audit.redact(index, reason, principal.actor())?;
        self.record_custom(
            principal,
            json!({"type": "entry-redacted", "index": index, "reason": reason}),
            || format!("entry {index} redacted"),
        )
    }

    /// Appends events recorded elsewhere (`append-audit`), in one batch, each under the
    /// principal: decisions, drift alerts and custom events. Every other kind is a fact the
    /// governor itself records (approvals, gates, registry changes, incidents, requests...),
    /// and reports, reconcile and the dossier trust them, so none may be appended by hand;
    /// nor may custom events with a `type` the governor uses ([`RESERVED_CUSTOM_TYPES`]).
    pub fn append_audit(
        &self,
        principal: &Principal,
        events: Vec<AuditEvent>,
    ) -> Result<Vec<aigov_audit::EntryReceipt>, Error> {
        self.authorize(principal, Action::AppendAudit)?;
        for (n, event) in events.iter().enumerate() {
            if let Some(why) = not_appendable(event) {
                return Err(Error::invalid("audit event", format!("event {n}: {why}")));
            }
        }
        let entries = events
            .into_iter()
            .map(|event| AuditEntry {
                time: self.now(),
                actor: principal.actor().clone(),
                authn: Some(principal.authn()),
                request: principal.request(),
                event,
            })
            .collect::<Vec<_>>();
        let count = entries.len();
        self.record(|| format!("{count} appended entries"), entries)
    }

    /// Records a custom event the governor writes (`record`, a JSON object with its
    /// `type`) under the principal.
    pub(crate) fn record_custom(
        &self,
        principal: &Principal,
        record: Value,
        done: impl FnOnce() -> String,
    ) -> Result<(), Error> {
        let Value::Object(fields) = record else {
            return Err(Error::invalid("audit record", "not an object"));
        };
        let entry = AuditEntry {
            time: self.now(),
            actor: principal.actor().clone(),
            authn: Some(principal.authn()),
            request: principal.request(),
            event: AuditEvent::Custom(Map::from_iter(fields)),
        };
        self.record(done, vec![entry])?;
        Ok(())
    }
}
