//! Recording registry changes from the registry's change journal. Each change is noted in its
//! own transaction (see [`aigov_registry::ChangeNote`]); the operation that made it appends the
//! note to the audit log and settles it. A note left pending, by a crash between the two or a
//! log that refused the append, is recorded later by whoever finds its claim stale: exactly
//! once, because the log is searched for the note's change id before it is appended.

use aigov_audit::{AuditEntry, AuditEvent, EntryReceipt};
use aigov_registry::{PendingChange, RegistryEvent};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Governor;
use crate::Error;

/// How long the process that made a change keeps the first right to record it, unless the
/// builder says otherwise ([`crate::GovernorBuilder::change_claim_lease`]).
pub const DEFAULT_CHANGE_CLAIM_LEASE: std::time::Duration = std::time::Duration::from_secs(60);

/// What one pass over the change journal did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalReport {
    /// Changes appended to the log now, late, as `change id: event`.
    pub recorded: Vec<String>,
    /// Changes the log already held (their recorder stopped before settling): settled only.
    pub already_logged: usize,
    /// Changes left alone because their claim is still fresh: the process that made them (or
    /// another taker) may be recording them right now.
    pub held: usize,
}

/// The audit entries of a change: the registry event, then its companions, all dated when the
/// change was made.
pub(crate) fn change_entries(
    event: &RegistryEvent,
    companions: &[Value],
    late: bool,
) -> Result<Vec<AuditEntry>, Error> {
    let mut first = Governor::registry_entry(event);
    if late && let AuditEvent::Registry(fields) = &mut first.event {
        fields.insert("recorded_late".into(), Value::Bool(true));
    }
    let mut entries = vec![first];
    for companion in companions {
        let mut entry: AuditEntry = serde_json::from_value(companion.clone())
            .map_err(|e| Error::invalid("change companion", e.to_string()))?;
        entry.time = event.at;
        entries.push(entry);
    }
    Ok(entries)
}

/// A companion entry as a change note carries it.
pub(crate) fn companion(entry: &AuditEntry) -> Result<Value, Error> {
    serde_json::to_value(entry).map_err(|e| Error::invalid("change companion", e.to_string()))
}

impl Governor {
    /// Records a change the registry just made (and noted) with its companions, then settles
    /// its note.
    pub(crate) fn record_change(
        &self,
        done: impl FnOnce() -> String,
        event: &RegistryEvent,
        companions: &[AuditEntry],
    ) -> Result<Vec<EntryReceipt>, Error> {
        let mut entries = vec![Self::registry_entry(event)];
        entries.extend(companions.iter().cloned().map(|mut e| {
            e.time = event.at;
            e
        }));
        let receipts = self.record(done, entries)?;
        if let Some(id) = &event.change_id {
            // Were this to fail, the note stays pending and a later pass finds the entry in
            // the log and settles it without appending it again.
            let _ = self.registry.store().settle_change(id);
        }
        Ok(receipts)
    }

    /// The registry changes noted but not yet recorded in the audit log, oldest first.
    pub fn pending_changes(&self) -> Result<Vec<PendingChange>, Error> {
        // The journal holds only what is between a change and its entry: a handful.
        Ok(self.registry.store().pending_changes(usize::MAX)?)
    }

    /// Records every pending change whose claim is older than the lease: appends its entries
    /// (marked `recorded_late`) unless the log already holds its change id, then settles it.
    /// Changes claimed more recently are left to their recorder.
    pub fn record_pending_changes(&self) -> Result<JournalReport, Error> {
        let _one_pass_at_a_time = self.journal_pass.lock().unwrap_or_else(|p| p.into_inner());
        let mut report = JournalReport::default();
        let now = self.now();
        let stale_before = now - self.claim_lease;
        for pending in self.pending_changes()? {
            if pending.claimed_at >= stale_before
                || !self
                    .registry
                    .store()
                    .claim_change(pending.note.id(), now, stale_before)?
            {
                report.held += 1;
                continue;
            }
            if self.is_logged(&pending)? {
                report.already_logged += 1;
            } else {
                let event = &pending.note.event;
                let entries = change_entries(event, &pending.note.companions, true)?;
                self.record(
                    || format!("pending change {} recorded", pending.note.id()),
                    entries,
                )?;
                report.recorded.push(format!(
                    "{}: {}",
                    pending.note.id(),
                    describe(&Self::registry_entry(event))
                ));
            }
            self.registry.store().settle_change(pending.note.id())?;
        }
        Ok(report)
    }

    /// Runs [`Governor::record_pending_changes`] at most once per half lease, as every
    /// operation starts; a failure leaves the notes pending for the next pass.
    pub(crate) fn record_pending_if_due(&self) {
        let now = self.now();
        {
            let mut due = self.journal_due.lock().unwrap_or_else(|p| p.into_inner());
            if now < *due {
                return;
            }
            *due = now + self.claim_lease / 2;
        }
        let _ = self.record_pending_changes();
    }

    /// Whether the log holds an entry of this change already, looked up under its subject.
    fn is_logged(&self, pending: &PendingChange) -> Result<bool, Error> {
        let id = Value::String(pending.note.id().to_string());
        let entry = Self::registry_entry(&pending.note.event);
        for subject in entry.subjects() {
            for index in self.audit.indices_about(&subject, Some("registry"))? {
                let stored = aigov_audit::AuditStoreExt::entry(self.audit.store(), index)?;
                let Some(payload) = stored.payload else {
                    continue;
                };
                if let AuditEvent::Registry(fields) = AuditEntry::from_bytes(&payload)?.event
                    && fields.get("change_id") == Some(&id)
                {
                    return Ok(true);
                }
            }
        }
        Ok(false)
    }
}

/// `model: event` for a report line.
fn describe(entry: &AuditEntry) -> String {
    match &entry.event {
        AuditEvent::Registry(fields) => format!(
            "{} {}",
            entry.subjects().join(", "),
            fields
                .get("event")
                .and_then(Value::as_str)
                .unwrap_or("change")
        ),
        _ => String::new(),
    }
}
