//! Authorize, then audit: the steps every operation shares.

use aigov_audit::{AuditEntry, AuditEvent, EntryReceipt, GateRecord};
use aigov_core::Action;
use aigov_policy::{Finding, Gate, GateDecision};
use aigov_registry::RegistryEvent;
use serde_json::{Value, json};

use super::Governor;
use super::authn::AuthnFailure;
use crate::{Error, Principal};

impl Governor {
    /// Asks the `authz` gate whether `principal` (with the roles the directory gives its
    /// actor) may perform `action`; a refusal is audited and returned. A principal signed for
    /// another operation, or proven only by possession of an unenrolled key, is refused by
    /// `authn` first.
    ///
    /// The gate is a pure function of the actor's roles, the action and the policies, so an
    /// allowed pair is remembered until the directory or the policies change.
    pub(crate) fn authorize(&self, principal: &Principal, action: Action) -> Result<(), Error> {
        let actor = principal.actor();
        if principal.possessed_key().is_some() {
            return Err(self.refuse_authn(
                actor,
                AuthnFailure::KeyNotEnrolled,
                format!("{actor} signed with a key that is not enrolled for them"),
            ));
        }
        if let Some(signed_for) = principal.operation()
            && signed_for != action
        {
            return Err(self.refuse_authn(
                actor,
                AuthnFailure::WrongOperation,
                format!("the request was signed for {signed_for}, not {action}"),
            ));
        }
        // Another replica may have enrolled or demoted someone, or applied a policy.
        if self.directory.refresh_if_due()? {
            self.forget_authorizations();
        }
        self.refresh_policy()?;
        // Changes a crashed or refused operation left in the journal go into the log before
        // anything newer.
        self.record_pending_if_due();
        let key = (actor.clone(), action);
        let generation = match self.allowed.read() {
            Ok(a) if a.1.contains(&key) => return Ok(()),
            Ok(a) => a.0,
            Err(_) => u64::MAX,
        };
        let roles: Vec<String> = self
            .directory
            .roles(actor)
            .iter()
            .map(|r| r.as_str().to_string())
            .collect();
        let input = json!({"actor": actor.as_str(), "roles": roles, "action": action.as_str()});
        let decision = self.policy.evaluate(Gate::Authz, &input)?;
        if decision.allow {
            // Remember it only if no role or policy changed while it was being decided.
            if let Ok(mut allowed) = self.allowed.write()
                && allowed.0 == generation
            {
                allowed.1.insert(key);
            }
            return Ok(());
        }
        self.audit_gate(principal, &decision)?;
        Err(Error::Denied {
            gate: Gate::Authz.as_str().to_string(),
            findings: decision.deny,
        })
    }

    /// Drops every remembered authorization (roles or policies changed).
    pub(crate) fn forget_authorizations(&self) {
        if let Ok(mut allowed) = self.allowed.write() {
            allowed.0 = allowed.0.wrapping_add(1);
            allowed.1.clear();
        }
    }

    /// Evaluates a gate and audits its decision, allowed or not.
    /// `subject` names the version decided about (`name@version`), so reports can find
    /// every gate decision about a version.
    pub(crate) fn gate(
        &self,
        principal: &Principal,
        gate: Gate,
        subject: Option<String>,
        input: Value,
    ) -> Result<GateDecision, Error> {
        let decision = self.policy.evaluate(gate, &input)?;
        let mut entry = self.gate_entry(principal, &decision);
        if let (Some(subject), AuditEvent::Gate(record)) = (subject, &mut entry.event)
            && let Value::Object(fields) = &mut record.record
        {
            fields.insert("subject".into(), Value::String(subject));
        }
        self.audit.append(&entry)?;
        Ok(decision)
    }

    /// A gate's decision as an audit entry.
    pub(crate) fn gate_entry(&self, principal: &Principal, decision: &GateDecision) -> AuditEntry {
        AuditEntry {
            time: self.now(),
            actor: principal.actor().clone(),
            authn: Some(principal.authn()),
            request: principal.request(),
            event: AuditEvent::Gate(GateRecord {
                gate: decision.gate.as_str().to_string(),
                decision_id: decision.record.decision_id.clone(),
                allow: decision.allow,
                record: serde_json::to_value(&decision.record).unwrap_or(Value::Null),
            }),
        }
    }

    fn audit_gate(
        &self,
        principal: &Principal,
        decision: &GateDecision,
    ) -> Result<EntryReceipt, Error> {
        Ok(self.audit.append(&self.gate_entry(principal, decision))?)
    }

    /// Refuses an operation for a reason outside the policy gates (a signature, the
    /// lifecycle), audits the refusal as a gate record and returns the error.
    pub(crate) fn refuse(
        &self,
        principal: &Principal,
        rule: &str,
        code: &str,
        msg: String,
        subject: Value,
    ) -> Error {
        let finding = Finding {
            code: code.to_string(),
            msg,
        };
        let entry = AuditEntry {
            time: self.now(),
            actor: principal.actor().clone(),
            authn: Some(principal.authn()),
            request: principal.request(),
            event: AuditEvent::Gate(GateRecord {
                gate: rule.to_string(),
                decision_id: uuid::Uuid::new_v4().to_string(),
                allow: false,
                record: json!({"deny": [finding], "subject": subject}),
            }),
        };
        if let Err(e) = self.audit.append(&entry) {
            return Error::NotAudited {
                done: format!("{rule} refused {}", finding.msg),
                source: e,
            };
        }
        Error::Denied {
            gate: rule.to_string(),
            findings: vec![finding],
        }
    }

    /// A registry change as an audit entry; how its actor was authenticated moves from the
    /// event to the entry.
    pub(crate) fn registry_entry(event: &RegistryEvent) -> AuditEntry {
        let mut fields = match serde_json::to_value(event) {
            Ok(Value::Object(fields)) => fields,
            _ => serde_json::Map::new(),
        };
        fields.remove("authn");
        fields.remove("request");
        AuditEntry {
            time: event.at,
            actor: event.actor.clone(),
            authn: event.authn,
            request: event.request,
            event: AuditEvent::Registry(fields),
        }
    }

    /// Appends entries about something already done, in one transaction; if the log refuses
    /// them, says what was done so the caller knows it is not audited.
    pub(crate) fn record(
        &self,
        done: impl FnOnce() -> String,
        entries: Vec<AuditEntry>,
    ) -> Result<Vec<EntryReceipt>, Error> {
        // Whatever changed may change what the decision path may serve.
        self.serving.clear();
        let result = if entries.len() == 1 {
            self.audit.append(&entries[0]).map(|r| vec![r])
        } else {
            self.audit.append_batch(&entries).and_then(|receipt| {
                entries
                    .iter()
                    .enumerate()
                    .map(|(i, e)| {
                        Ok(EntryReceipt {
                            index: receipt.first_index + i as u64,
                            leaf_hash: aigov_audit::merkle::leaf_hash(&e.canonical_bytes()?),
                        })
                    })
                    .collect()
            })
        };
        result.map_err(|source| Error::NotAudited {
            done: done(),
            source,
        })
    }
}
