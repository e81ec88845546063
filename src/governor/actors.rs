//! Enrolling actors: who may act, in which roles, with which approval key.

use std::collections::BTreeSet;

use aigov_audit::{AuditEntry, AuditEvent};
use aigov_core::{Action, ActorId, Role, VerifierKey};
use serde_json::{Map, Value, json};

use super::Governor;
use crate::{Error, Principal};

impl Governor {
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
        let Value::Object(fields) = json!({
            "type": "actor-enrolled",
            "actor": actor.as_str(),
            "roles": roles.iter().map(Role::as_str).collect::<Vec<_>>(),
            "key": key.to_string(),
            "bootstrap": bootstrap,
        }) else {
            return Err(Error::invalid("actor", "record is not an object"));
        };
        let entry = AuditEntry {
            time: self.now(),
            actor: principal.actor().clone(),
            authn: Some(principal.authn()),
            request: principal.request(),
            event: AuditEvent::Custom(Map::from_iter(fields)),
        };
        self.record(|| format!("{actor} enrolled"), vec![entry])?;
        Ok(())
    }
}
