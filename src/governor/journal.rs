//! Recording registry changes from the registry's change journal. Each change is noted in its
//! own transaction (see [`aigov_registry::ChangeNote`]); the operation that made it appends the
//! note to the audit log and settles it. A note left pending, by a crash between the two or a
//! log that refused the append, is recorded later by whoever finds its claim stale: exactly
//! once, because the log refuses a second entry with the note's change id in its append
//! transaction, and a refusal counts as "recorded" only once the entry the log names is read
//! back and found to be this change.

use std::sync::atomic::Ordering;

use aigov_audit::{AuditEntry, AuditError, AuditEvent};
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
    /// Changes left alone: claimed more recently by the process that made them or another
    /// taker (which may be recording them right now), or recorded by one meanwhile.
    pub held: usize,
}

/// The audit entries of a change: the registry event, then its companions, all dated when the
/// change was made.
fn change_entries(
    event: &RegistryEvent,
    companions: impl IntoIterator<Item = AuditEntry>,
    late: bool,
) -> Vec<AuditEntry> {
    let mut first = Governor::registry_entry(event);
    if late && let AuditEvent::Registry(fields) = &mut first.event {
        fields.insert("recorded_late".into(), Value::Bool(true));
    }
    let mut entries = vec![first];
    entries.extend(companions.into_iter().map(|mut e| {
        e.time = event.at;
        e
    }));
    entries
}

/// The `event` field of a registry entry (`deployed`, `stage-changed`, ...).
pub(crate) fn event_name(entry: &AuditEntry) -> &str {
    match &entry.event {
        AuditEvent::Registry(fields) => fields
            .get("event")
            .and_then(Value::as_str)
            .unwrap_or("change"),
        _ => "",
    }
}

/// Whether `error` says the log holds `event` already: a refusal as a duplicate of this
/// change's key whose logged entry is this change (its `recorded_late` mark aside). A
/// duplicate holding something else under the key is an integrity error, never "recorded".
pub(crate) fn logged_already(
    audit: &aigov_audit::AuditLog,
    event: &RegistryEvent,
    error: &AuditError,
) -> Result<bool, AuditError> {
    let AuditError::Duplicate { key, index } = error else {
        return Ok(false);
    };
    let ours = Governor::registry_entry(event);
    if ours.unique_key().as_deref() != Some(key.as_str()) {
        return Ok(false);
    }
    let stored = aigov_audit::AuditStoreExt::entry(audit.store(), *index)?;
    let same = match stored.payload {
        Some(payload) => {
            let logged = AuditEntry::from_bytes(&payload)?;
            match (logged.event, ours.event) {
                (AuditEvent::Registry(mut logged_fields), AuditEvent::Registry(fields)) => {
                    logged_fields.remove("recorded_late");
                    logged_fields == fields
                        && logged.actor == ours.actor
                        && logged.authn == ours.authn
                        && logged.request == ours.request
                }
                _ => false,
            }
        }
        // Erased since (retention): the key is what the log kept of it.
        None => true,
    };
    if same {
        Ok(true)
    } else {
        Err(AuditError::Integrity {
            index: *index,
            detail: format!("the entry logged under {key} is not this change"),
        })
    }
}

/// A companion entry as a change note carries it.
pub(crate) fn companion(entry: &AuditEntry) -> Result<Value, Error> {
    serde_json::to_value(entry).map_err(|e| Error::invalid("change companion", e.to_string()))
}

impl Governor {
    /// Appends the entries of a change unless the log holds its change id already (another
    /// process recorded it): `true` if they were appended now.
    fn record_once(
        &self,
        done: impl FnOnce() -> String,
        event: &RegistryEvent,
        entries: Vec<AuditEntry>,
    ) -> Result<bool, Error> {
        match self.record(done, entries) {
            Ok(_) => Ok(true),
            Err(Error::NotAudited { source, done }) => {
                match logged_already(&self.audit, event, &source) {
                    Ok(true) => Ok(false),
                    Ok(false) => Err(Error::NotAudited { source, done }),
                    Err(e) => Err(Error::NotAudited { source: e, done }),
                }
            }
            Err(e) => Err(e),
        }
    }

    /// Records a change the registry just made (and noted) with its companions, then settles
    /// its note.
    pub(crate) fn record_change(
        &self,
        done: impl FnOnce() -> String,
        event: &RegistryEvent,
        companions: &[AuditEntry],
    ) -> Result<(), Error> {
        let entries = change_entries(event, companions.iter().cloned(), false);
        self.record_once(done, event, entries)?;
        if let Some(id) = &event.change_id {
            // Were this to fail, the note stays pending; the pass that takes it finds the
            // change id logged and only settles it.
            let _ = self.registry.store().settle_change(id);
        }
        Ok(())
    }

    /// The registry changes noted but not yet recorded in the audit log, oldest first.
    pub fn pending_changes(&self) -> Result<Vec<PendingChange>, Error> {
        // The journal holds what lies between changes and their entries: normally nothing.
        Ok(self.registry.store().pending_changes(usize::MAX)?)
    }

    /// Records every pending change whose claim is older than the lease: takes the claim,
    /// appends its entries (the registry entry marked `recorded_late`) and settles it. The
    /// log refuses a change id it holds already, so a change its maker or another taker
    /// recorded meanwhile is only settled. Changes claimed more recently are left alone.
    pub fn record_pending_changes(&self) -> Result<JournalReport, Error> {
        let _one_pass_at_a_time = self.journal_pass.lock().unwrap_or_else(|p| p.into_inner());
        self.counted_pass()
    }

    /// A pass whose failure is counted in [`Governor::journal_failures`].
    fn counted_pass(&self) -> Result<JournalReport, Error> {
        let result = self.pass_over_journal();
        if let Err(e) = &result {
            let mut failures = self
                .journal_failures
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            failures.0 += 1;
            failures.1 = Some(e.to_string());
        }
        result
    }

    fn pass_over_journal(&self) -> Result<JournalReport, Error> {
        let mut report = JournalReport::default();
        let now = self.now();
        let stale_before = now - self.claim_lease;
        for pending in self.pending_changes()? {
            let id = pending.note.id();
            if pending.claimed_at >= stale_before
                || !self.registry.store().claim_change(id, now, stale_before)?
            {
                report.held += 1;
                continue;
            }
            let event = &pending.note.event;
            let companions = pending
                .note
                .companions
                .iter()
                .map(|c| serde_json::from_value::<AuditEntry>(c.clone()))
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| Error::invalid("change companion", e.to_string()))?;
            let entries = change_entries(event, companions, true);
            if self.record_once(|| format!("pending change {id} recorded"), event, entries)? {
                let entry = Self::registry_entry(event);
                report.recorded.push(format!(
                    "{id}: {} {}",
                    entry.subjects().join(", "),
                    event_name(&entry)
                ));
            } else {
                report.already_logged += 1;
            }
            self.registry.store().settle_change(id)?;
        }
        Ok(report)
    }

    /// How many passes over the change journal failed (run as operations start, their
    /// errors are not the operation's), and the last failure.
    pub fn journal_failures(&self) -> (u64, Option<String>) {
        self.journal_failures
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Runs [`Governor::record_pending_changes`] at most once per half lease, as operations
    /// start, without making any of them wait on another's pass; a failure leaves the notes
    /// pending and is counted in [`Governor::journal_failures`].
    pub(crate) fn record_pending_if_due(&self) {
        let now = self.now().timestamp_micros();
        let due = self.journal_due.load(Ordering::Relaxed);
        let next = now.saturating_add((self.claim_lease / 2).num_microseconds().unwrap_or(0));
        if now < due
            || self
                .journal_due
                .compare_exchange(due, next, Ordering::Relaxed, Ordering::Relaxed)
                .is_err()
        {
            return;
        }
        // A pass already running in this process does the work.
        if let Ok(_one_pass_at_a_time) = self.journal_pass.try_lock() {
            let _ = self.counted_pass();
        }
    }
}
