//! Enrolling actors: who may act, in which roles, with which approval key.

use std::collections::BTreeSet;

use aigov_audit::{AuditEntry, AuditEvent};
use aigov_core::{ActorId, Role, VerifierKey};
use serde_json::{Map, Value, json};

use super::Governor;
use crate::Error;

impl Governor {
    /// Adds (or replaces) an actor with `roles` and the key their approvals are signed with.
    /// Only an admin may do this, except that the very first actor may enrol themselves as
    /// an admin, which is how a new store gets its first administrator.
    pub fn add_actor(
        &self,
        by: &ActorId,
        actor: ActorId,
        key: VerifierKey,
        roles: impl IntoIterator<Item = Role>,
    ) -> Result<(), Error> {
        let roles: BTreeSet<Role> = roles.into_iter().collect();
        if roles.is_empty() {
            return Err(Error::invalid(
                "actor",
                format!("{actor} needs at least one role"),
            ));
        }
        // The first actor may enrol themselves as admin. Whether the directory is still empty
        // is decided at the save itself: of two people racing to be first, one is.
        let claims_bootstrap = *by == actor && roles.contains(&Role::Admin);
        let bootstrap = claims_bootstrap
            && self.directory.insert_if(
                actor.clone(),
                key.clone(),
                roles.clone(),
                self.now(),
                |trust| trust.approvers.is_empty(),
            )?;
        if !bootstrap {
            self.authorize(by, "manage-actors")?;
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
            actor: by.clone(),
            event: AuditEvent::Custom(Map::from_iter(fields)),
        };
        self.record(|| format!("{actor} enrolled"), vec![entry])?;
        Ok(())
    }
}
