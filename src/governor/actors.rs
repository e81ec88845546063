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
        let bootstrap = self.directory.is_empty() && *by == actor && roles.contains(&Role::Admin);
        if !bootstrap {
            self.authorize(by, "manage-actors")?;
        }
        self.directory
            .insert(actor.clone(), key.clone(), roles.clone(), self.now())?;
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
