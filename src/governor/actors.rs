//! Enrolling actors: who may act, in which roles, with which approval key.

use std::collections::BTreeSet;

use aigov_audit::{AuditEntry, AuditEvent};
use aigov_core::{Action, ActorId, Role, VerifierKey};
use serde_json::{Value, json};

use super::Governor;
use crate::{Error, Principal};

/// The subject enrolments are indexed under in the log.
const DIRECTORY_SUBJECT: &str = "aigov-directory";

/// An actor whose entry in the directory the log's enrolments do not account for.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DirectoryGap {
    /// The actor.
    pub actor: ActorId,
    /// What differs.
    pub change: String,
}

impl Governor {
    /// Compares the actor directory with the enrolments the log holds: every actor, their
    /// roles and their key must be what their latest logged enrolment says. A `trust.json`
    /// edited by hand, or a row changed in PostgreSQL, shows here. Enrolments whose entries
    /// were erased are not compared.
    pub fn directory_gaps(&self) -> Result<Vec<DirectoryGap>, Error> {
        self.reload_directory()?;
        let mut logged: std::collections::BTreeMap<String, Option<(Vec<String>, String)>> =
            Default::default();
        for index in self
            .audit
            .indices_about(DIRECTORY_SUBJECT, Some("custom"))?
        {
            let stored = aigov_audit::AuditStoreExt::entry(self.audit.store(), index)?;
            let Some(payload) = stored.payload else {
                continue;
            };
            let AuditEvent::Custom(fields) = AuditEntry::from_bytes(&payload)?.event else {
                continue;
            };
            if fields.get("type").and_then(Value::as_str) != Some("actor-enrolled") {
                continue;
            }
            let (Some(actor), Some(roles), Some(key)) = (
                fields.get("actor").and_then(Value::as_str),
                fields.get("roles").and_then(Value::as_array),
                fields.get("key").and_then(Value::as_str),
            ) else {
                continue;
            };
            let mut roles: Vec<String> = roles
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect();
            roles.sort();
            logged.insert(actor.to_string(), Some((roles, key.to_string())));
        }
        let mut gaps = Vec::new();
        let trust = self.directory.trust();
        for (actor, approver) in &trust.approvers {
            let mut roles: Vec<String> = approver
                .roles
                .iter()
                .map(|r| r.as_str().to_string())
                .collect();
            roles.sort();
            let key = approver.key.to_string();
            let change = match logged.get(actor.as_str()) {
                None => Some("in the directory, but no enrolment of them is logged".to_string()),
                Some(Some((logged_roles, _))) if *logged_roles != roles => Some(format!(
                    "holds {} but the latest logged enrolment gives {}",
                    roles.join(", "),
                    logged_roles.join(", ")
                )),
                Some(Some((_, logged_key))) if *logged_key != key => {
                    Some(format!("key {key} is not the logged {logged_key}"))
                }
                _ => None,
            };
            if let Some(change) = change {
                gaps.push(DirectoryGap {
                    actor: actor.clone(),
                    change,
                });
            }
        }
        for actor in logged.keys() {
            if let Ok(id) = ActorId::new(actor.as_str())
                && !trust.approvers.contains_key(&id)
            {
                gaps.push(DirectoryGap {
                    actor: id,
                    change: "enrolled in the log, but missing from the directory".to_string(),
                });
            }
        }
        Ok(gaps)
    }

    /// Adds (or replaces) an actor with `roles` and the key their requests and approvals are
    /// signed with. Only an admin may do this, except that the very first actor may enrol
    /// themselves as an admin, which is how a new store gets its first administrator: with a
    /// principal the host vouches for, or with a request signed by the very key being
    /// enrolled ([`Governor::authenticate_enrolment`]), never by a bare name.
    pub fn add_actor(
        &self,
        principal: &Principal,
        actor: ActorId,
        key: VerifierKey,
        roles: impl IntoIterator<Item = Role>,
    ) -> Result<(), Error> {
        self.enrol(principal, actor, key, roles.into_iter().collect(), false)
    }

    /// Enrols the store's first admin, and nothing else: refused (audited) once anyone is
    /// enrolled, so a host that creates stores (`aigov init --admin`) cannot be turned into
    /// a way of replacing an admin's key later.
    pub fn enrol_first_admin(&self, principal: &Principal, key: VerifierKey) -> Result<(), Error> {
        let admin = principal.actor().clone();
        self.enrol(principal, admin, key, BTreeSet::from([Role::Admin]), true)
    }

    fn enrol(
        &self,
        principal: &Principal,
        actor: ActorId,
        key: VerifierKey,
        roles: BTreeSet<Role>,
        first_only: bool,
    ) -> Result<(), Error> {
        if roles.is_empty() {
            return Err(Error::invalid(
                "actor",
                format!("{actor} needs at least one role"),
            ));
        }
        // The first actor may enrol themselves as admin. Whether the directory is still empty
        // is decided at the save itself: of two people racing to be first, one is.
        let proven = match principal.possessed_key() {
            Some(possessed) => *possessed == key,
            None => principal.authn() == aigov_core::Authn::Host,
        };
        let claims_bootstrap =
            *principal.actor() == actor && roles.contains(&Role::Admin) && proven;
        let bootstrap = claims_bootstrap
            && self.directory.insert_if(
                actor.clone(),
                key.clone(),
                roles.clone(),
                self.now(),
                |trust| trust.approvers.is_empty(),
            )?;
        if !bootstrap && first_only {
            return Err(self.refuse(
                principal,
                "bootstrap",
                "not_first",
                format!("{actor} cannot be the first admin: the directory is not empty"),
                json!({"actor": actor.as_str()}),
            ));
        }
        if !bootstrap {
            self.authorize(principal, Action::ManageActors)?;
            self.directory
                .insert(actor.clone(), key.clone(), roles.clone(), self.now())?;
        }
        self.forget_authorizations();
        self.record_custom(
            principal,
            json!({
                "type": "actor-enrolled",
                "name": DIRECTORY_SUBJECT,
                "actor": actor.as_str(),
                "roles": roles.iter().map(Role::as_str).collect::<Vec<_>>(),
                "key": key.to_string(),
                "bootstrap": bootstrap,
            }),
            || format!("{actor} enrolled"),
        )
    }
}
