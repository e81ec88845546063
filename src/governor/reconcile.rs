//! Finding registry changes the audit log does not describe. Changes made through the
//! registry are journaled with their notes and always reach the log (see `journal`); what
//! this finds are changes made around it, straight in a store, or through a store without
//! the journal. It records them in the log (late, and marked so) when asked.

use std::collections::HashMap;

use aigov_audit::{AuditEntry, AuditEvent};
use aigov_core::{ModelName, VersionId};
use aigov_registry::{ModelQuery, ModelVersion, PageRequest, PendingChange, VersionQuery};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::Governor;
use crate::{Error, Principal};
use aigov_core::Action;

/// A registry fact that no audit entry records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnauditedChange {
    /// What it is about, as the audit log indexes it: `name@version`, or the model's name.
    pub subject: String,
    /// The model.
    pub model: ModelName,
    /// The version, when the change is about one.
    pub version: Option<VersionId>,
    /// What the registry holds that the log does not say.
    pub change: String,
}

/// The type of the entry that records an unaudited change once found.
const FOUND: &str = "unaudited-change-found";

/// The changes already recorded as found about `subject`.
fn recorded(governor: &Governor, subject: &str) -> Result<Vec<String>, Error> {
    let mut out = Vec::new();
    for index in governor.audit.indices_about(subject, Some("custom"))? {
        let stored = aigov_audit::AuditStoreExt::entry(governor.audit.store(), index)?;
        let Some(payload) = stored.payload else {
            continue;
        };
        if let AuditEvent::Custom(fields) = AuditEntry::from_bytes(&payload)?.event
            && fields.get("type").and_then(Value::as_str) == Some(FOUND)
            && let Some(change) = fields.get("change").and_then(Value::as_str)
        {
            out.push(change.to_string());
        }
    }
    Ok(out)
}

/// The registry events the log holds about one version, as their fields, or `None` when
/// some were erased (data protection, decommissioning) and so cannot be compared. Only
/// entries that carry a change id count: every change the registry makes has one, so an
/// entry without is not the registry's and must not hide a change.
fn logged_events(
    governor: &Governor,
    subject: &str,
) -> Result<Option<Vec<Map<String, Value>>>, Error> {
    let mut events = Vec::new();
    for index in governor.audit.indices_about(subject, Some("registry"))? {
        let stored = aigov_audit::AuditStoreExt::entry(governor.audit.store(), index)?;
        let Some(payload) = stored.payload else {
            return Ok(None);
        };
        if let AuditEvent::Registry(fields) = AuditEntry::from_bytes(&payload)?.event
            && fields.contains_key("change_id")
        {
            events.push(fields);
        }
    }
    Ok(Some(events))
}

/// The journal's registry events, by the subject their entries will be indexed under.
type JournalIndex = HashMap<String, Vec<Map<String, Value>>>;

fn index_journal(journal: &[PendingChange]) -> JournalIndex {
    let mut index = JournalIndex::new();
    for pending in journal {
        let entry = Governor::registry_entry(&pending.note.event);
        if let AuditEvent::Registry(fields) = &entry.event {
            for subject in entry.subjects() {
                index.entry(subject).or_default().push(fields.clone());
            }
        }
    }
    index
}

/// The registry events about `subject` that the log holds or the journal will bring, each
/// change once; `None` when logged ones were erased.
fn known_events(
    governor: &Governor,
    subject: &str,
    journal: &JournalIndex,
) -> Result<Option<Vec<Map<String, Value>>>, Error> {
    let Some(mut events) = logged_events(governor, subject)? else {
        return Ok(None);
    };
    let logged: std::collections::HashSet<Value> = events
        .iter()
        .filter_map(|e| e.get("change_id").cloned())
        .collect();
    for fields in journal.get(subject).into_iter().flatten() {
        if !fields
            .get("change_id")
            .is_some_and(|id| logged.contains(id))
        {
            events.push(fields.clone());
        }
    }
    Ok(Some(events))
}

/// Whether the log holds a registry entry with this change id under `subject`.
fn is_logged(governor: &Governor, subject: &str, change_id: &str) -> Result<bool, Error> {
    let id = Value::String(change_id.to_string());
    Ok(logged_events(governor, subject)?
        .unwrap_or_default()
        .iter()
        .any(|e| e.get("change_id") == Some(&id)))
}

/// The deployment events about a model's versions, logged or on their way.
fn deployed_events(
    governor: &Governor,
    subjects: &[String],
    journal: &JournalIndex,
) -> Result<Vec<Map<String, Value>>, Error> {
    let mut out = Vec::new();
    for subject in subjects {
        if let Some(events) = known_events(governor, subject, journal)? {
            out.extend(
                events
                    .into_iter()
                    .filter(|e| e.get("event").and_then(Value::as_str) == Some("deployed")),
            );
        }
    }
    Ok(out)
}

/// The version the latest logged deployment event of `environment` left serving (events
/// about several versions): ordered by the deployment's position in the environment's
/// history, which no replica's clock can reorder, then (for events made before that was
/// recorded) by time.
fn latest_deployment(events: &[Map<String, Value>], environment: &str) -> Option<u64> {
    let env = Value::String(environment.to_string());
    events
        .iter()
        .filter(|e| e.get("environment") == Some(&env))
        .filter_map(|e| {
            let seq = e.get("seq").and_then(Value::as_u64).unwrap_or(0);
            let at = e.get("at").and_then(Value::as_str)?;
            let at = chrono::DateTime::parse_from_rfc3339(at).ok()?;
            Some(((seq, at), e.get("version").and_then(Value::as_u64)?))
        })
        .max_by_key(|(order, _)| *order)
        .map(|(_, version)| version)
}

fn is(event: &Map<String, Value>, kind: &str, field: &str, value: &Value) -> bool {
    event.get("event").and_then(Value::as_str) == Some(kind) && event.get(field) == Some(value)
}

static EMPTY_LIST: Value = Value::Array(Vec::new());

/// What one version's record holds that its logged events do not account for.
fn version_gaps(v: &ModelVersion, events: &[Map<String, Value>]) -> Vec<String> {
    let mut gaps = Vec::new();
    let root = Value::String(v.root.to_string());
    if !events
        .iter()
        .any(|e| is(e, "version-registered", "root", &root))
    {
        gaps.push(format!(
            "registered with root {} but no registration is logged",
            v.root
        ));
    }
    // The names a model scores by decide which column is which: a store edit that renames
    // or reorders them is as much a change as new bytes.
    let features = Value::from(v.features.clone());
    let logged_features: Vec<&Value> = events
        .iter()
        .filter(|e| is(e, "version-registered", "root", &root))
        .map(|e| e.get("features").unwrap_or(&EMPTY_LIST))
        .collect();
    if !logged_features.is_empty() && !logged_features.contains(&&features) {
        gaps.push(format!(
            "scores by features {features} but its registration logged {}",
            logged_features[0]
        ));
    }
    // The latest logged stage change must lead to the stage the store holds: an earlier
    // change to the same stage (production, then suspended, then set back in SQL) does not
    // account for it.
    let stage = serde_json::to_value(v.stage).unwrap_or(Value::Null);
    let registered = serde_json::to_value(aigov_registry::Stage::Registered).unwrap_or(Value::Null);
    let latest = events
        .iter()
        .rfind(|e| e.get("event").and_then(Value::as_str) == Some("stage-changed"))
        .and_then(|e| e.get("to").cloned())
        .unwrap_or(registered);
    if stage != latest {
        gaps.push(format!(
            "in stage {} but the latest logged stage is {}",
            v.stage,
            latest.as_str().unwrap_or("unknown")
        ));
    }
    for evidence in &v.evidence {
        let digest = Value::String(evidence.digest.to_string());
        if !events
            .iter()
            .any(|e| is(e, "evidence-attached", "digest", &digest))
        {
            gaps.push(format!(
                "evidence {} ({}) attached but not logged",
                evidence.digest, evidence.kind
            ));
        }
    }
    let logged = events
        .iter()
        .filter(|e| e.get("event").and_then(Value::as_str) == Some("approval-added"))
        .count();
    if v.approvals.len() > logged {
        gaps.push(format!(
            "{} approvals stored, {logged} logged",
            v.approvals.len()
        ));
    }
    gaps
}

impl Governor {
    /// Every registry fact the audit log does not record: versions, stages, evidence and
    /// approvals without their entries, and deployments beyond the logged ones. Empty when
    /// every change went through the registry, whose journal brings each into the log: changes
    /// still journaled count as on their way, unless no pass has recorded them for two
    /// claim leases (then they are reported too). Versions whose registry entries were
    /// lawfully erased are left out (there is nothing to compare), and so are changes
    /// already recorded by [`Governor::record_unaudited_changes`].
    pub fn unaudited_changes(&self) -> Result<Vec<UnauditedChange>, Error> {
        let store = self.registry.store();
        let first_journal = self.pending_changes()?;
        let journal_index = index_journal(&first_journal);
        let mut found = Vec::new();
        let mut after = None;
        loop {
            let models = store.list_models(&ModelQuery {
                page: PageRequest {
                    limit: 1000,
                    after: after.take(),
                },
                ..Default::default()
            })?;
            for model in &models.items {
                let mut subjects = Vec::new();
                let mut erased = false;
                let mut version_after = None;
                loop {
                    let versions = store.list_versions(&VersionQuery {
                        name: Some(model.name.clone()),
                        page: PageRequest {
                            limit: 1000,
                            after: version_after.take(),
                        },
                        ..Default::default()
                    })?;
                    for v in &versions.items {
                        let subject = v.reference().to_string();
                        subjects.push(subject.clone());
                        let Some(events) = known_events(self, &subject, &journal_index)? else {
                            erased = true;
                            continue;
                        };
                        let mut gaps = version_gaps(v, &events);
                        if !gaps.is_empty() {
                            // The record was read before the journal and the log were: a
                            // change made meanwhile may look missing. Read both again, in
                            // that order (a note is settled only after its entry is logged).
                            let journal = index_journal(&self.pending_changes()?);
                            if let Some(events) = known_events(self, &subject, &journal)? {
                                gaps = version_gaps(v, &events);
                            }
                        }
                        let known = if gaps.is_empty() {
                            Vec::new()
                        } else {
                            recorded(self, &subject)?
                        };
                        found.extend(gaps.into_iter().filter(|g| !known.contains(g)).map(
                            |change| UnauditedChange {
                                subject: subject.clone(),
                                model: v.name.clone(),
                                version: Some(v.version),
                                change,
                            },
                        ));
                    }
                    match versions.next {
                        Some(next) => version_after = Some(next),
                        None => break,
                    }
                }
                // Erased deployment entries cannot be counted either.
                if !erased {
                    found.extend(self.deployment_gaps(&model.name, &subjects, &journal_index)?);
                }
            }
            match models.next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        found.extend(self.stuck_changes(&first_journal)?);
        Ok(found)
    }

    /// Environments with more deployments recorded than logged (or on their way).
    fn deployment_gaps(
        &self,
        model: &ModelName,
        subjects: &[String],
        journal: &JournalIndex,
    ) -> Result<Vec<UnauditedChange>, Error> {
        let store = self.registry.store();
        let mut gaps = Vec::new();
        let mut deployed: Option<Vec<Map<String, Value>>> = None;
        let mut reread: Option<Vec<Map<String, Value>>> = None;
        for environment in store.environments(model)? {
            let history = store.deployments(model, &environment)?;
            let records = history.len();
            let serving = history.last().map(|d| d.version);
            let count = |events: &[Map<String, Value>]| {
                let env = Value::String(environment.clone());
                events
                    .iter()
                    .filter(|e| {
                        e.get("event").and_then(Value::as_str) == Some("deployed")
                            && e.get("environment") == Some(&env)
                    })
                    .count()
            };
            if deployed.is_none() {
                deployed = Some(deployed_events(self, subjects, journal)?);
            }
            let mut logged = count(deployed.as_deref().unwrap_or_default());
            if records > logged {
                // As for versions: read the journal, then the log, again (once per model).
                if reread.is_none() {
                    let journal = index_journal(&self.pending_changes()?);
                    reread = Some(deployed_events(self, subjects, &journal)?);
                }
                logged = count(reread.as_deref().unwrap_or_default());
            }
            let subject = model.to_string();
            let mut changes = Vec::new();
            if records > logged {
                changes.push(format!(
                    "{records} deployments to {environment} recorded, {logged} logged"
                ));
            }
            // The pointer itself: the latest logged deployment must name what serves now
            // (a pointer moved back in SQL keeps the count but not the version).
            let events = reread
                .as_deref()
                .or(deployed.as_deref())
                .unwrap_or_default();
            let latest = latest_deployment(events, &environment);
            if let Some(serving) = serving
                && latest != Some(serving.get())
            {
                changes.push(format!(
                    "{environment} serves version {serving} but the latest logged deployment is {}",
                    latest.map_or("none".to_string(), |v| format!("version {v}"))
                ));
            }
            if !changes.is_empty() {
                let known = recorded(self, &subject)?;
                gaps.extend(
                    changes
                        .into_iter()
                        .filter(|c| !known.contains(c))
                        .map(|change| UnauditedChange {
                            subject: subject.clone(),
                            model: model.clone(),
                            version: None,
                            change,
                        }),
                );
            }
        }
        Ok(gaps)
    }

    /// Journaled changes made more than two leases ago and still not recorded: the log keeps
    /// refusing them, or no governor has run a pass since.
    fn stuck_changes(&self, journal: &[PendingChange]) -> Result<Vec<UnauditedChange>, Error> {
        let stuck_before = self.now() - self.claim_lease * 2;
        let still: std::collections::HashSet<String> = self
            .pending_changes()?
            .iter()
            .map(|p| p.note.id().to_string())
            .collect();
        let mut stuck = Vec::new();
        // Measured from the change, not the claim: a pass that keeps failing keeps renewing
        // its claim.
        for p in journal
            .iter()
            .filter(|p| p.note.event.at < stuck_before && still.contains(p.note.id()))
        {
            let entry = Self::registry_entry(&p.note.event);
            let subject = entry.subjects().into_iter().next().unwrap_or_default();
            // Logged but not settled (the settle failed, or the process died after the
            // append): nothing is missing from the log.
            if is_logged(self, &subject, p.note.id())? {
                continue;
            }
            let change = format!(
                "change {} ({}) journaled at {} and not recorded since",
                p.note.id(),
                super::journal::event_name(&entry),
                p.note.event.at.to_rfc3339()
            );
            if recorded(self, &subject)?.contains(&change) {
                continue;
            }
            let version = subject
                .rsplit_once('@')
                .and_then(|(_, v)| v.parse::<u64>().ok())
                .and_then(|v| VersionId::new(v).ok());
            stuck.push(UnauditedChange {
                subject,
                model: p.note.event.model.clone(),
                version,
                change,
            });
        }
        Ok(stuck)
    }

    /// Records the journal's pending changes whose claims went stale
    /// ([`Governor::record_pending_changes`]), then every unaudited change found as an
    /// `unaudited-change-found` entry about its version or model, so the log describes it
    /// (late, and marked so), and returns them. Needs the `reconcile-audit` permission.
    pub fn record_unaudited_changes(
        &self,
        principal: &Principal,
    ) -> Result<Vec<UnauditedChange>, Error> {
        self.authorize(principal, Action::ReconcileAudit)?;
        let actor = principal.actor();
        // A pass that fails (counted in journal_failures) leaves its changes to be reported
        // below as stuck once they are old enough, rather than stopping the reconciliation.
        let _ = self.record_pending_changes();
        let found = self.unaudited_changes()?;
        if found.is_empty() {
            return Ok(found);
        }
        let entries = found
            .iter()
            .map(|gap| {
                let mut fields = Map::new();
                fields.insert("type".into(), Value::String(FOUND.into()));
                fields.insert("model".into(), Value::String(gap.model.to_string()));
                if let Some(version) = gap.version {
                    fields.insert("version".into(), Value::from(version.get()));
                }
                fields.insert("change".into(), Value::String(gap.change.clone()));
                AuditEntry {
                    time: self.now(),
                    actor: actor.clone(),
                    authn: Some(principal.authn()),
                    request: principal.request(),
                    event: AuditEvent::Custom(fields),
                }
            })
            .collect();
        self.record(
            || format!("{} unaudited changes found", found.len()),
            entries,
        )?;
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deployed(version: u64, seq: Option<u64>, at: &str) -> Map<String, Value> {
        let mut event = serde_json::json!({
            "event": "deployed", "environment": "prod", "version": version, "at": at,
        });
        if let Some(seq) = seq {
            event["seq"] = Value::from(seq);
        }
        match event {
            Value::Object(map) => map,
            _ => unreachable!(),
        }
    }

    #[test]
    fn the_latest_deployment_follows_the_history_not_the_clocks() {
        // The second deployment was made on a replica whose clock runs a minute behind.
        let events = [
            deployed(1, Some(1), "2026-12-07T10:00:00Z"),
            deployed(2, Some(2), "2026-12-07T09:59:30Z"),
        ];
        assert_eq!(latest_deployment(&events, "prod"), Some(2));
        // Events from before the position was recorded fall back to time.
        let old = [
            deployed(1, None, "2026-12-07T10:00:00Z"),
            deployed(2, None, "2026-12-07T10:01:00Z"),
        ];
        assert_eq!(latest_deployment(&old, "prod"), Some(2));
        assert_eq!(latest_deployment(&old, "staging"), None);
    }
}
