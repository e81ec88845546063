//! Containment of incidents acting on the registry and the audit log: the facade's
//! implementation of the incident crate's [`ContainmentTarget`].

use std::sync::Arc;

use aigov_audit::AuditLog;
use aigov_core::{ActorId, ModelRef};
use aigov_incident::ContainmentTarget;
use aigov_registry::{Registry, Stage};

/// Suspends versions and rolls environments back in a [`Registry`], and holds audit ranges
/// in an [`AuditLog`], acting as one actor.
#[derive(Debug, Clone)]
pub struct RegistryContainment {
    registry: Arc<Registry>,
    audit: Arc<AuditLog>,
    actor: ActorId,
}

impl RegistryContainment {
    /// Containment through `registry` and `audit`, recorded as done by `actor`.
    pub fn new(registry: Arc<Registry>, audit: Arc<AuditLog>, actor: ActorId) -> Self {
        RegistryContainment {
            registry,
            audit,
            actor,
        }
    }
}

impl RegistryContainment {
    /// Writes a registry change to the audit log, so the forensic timeline and the SIEM see it.
    fn audit(&self, event: &aigov_registry::RegistryEvent) -> Result<(), String> {
        match self.audit.append(&crate::Governor::registry_entry(event)) {
            Ok(_) => {}
            // Another process may have recorded it from the journal meanwhile.
            Err(e) => match crate::governor::logged_already(&self.audit, event, &e) {
                Ok(true) => {}
                Ok(false) => return Err(format!("the change was made but not audited yet: {e}")),
                Err(e) => return Err(format!("the change was made but not audited: {e}")),
            },
        }
        if let Some(id) = &event.change_id {
            // Were this to fail, the governor's next pass over the journal finds the entry
            // and settles the note without appending it again.
            let _ = self.registry.store().settle_change(id);
        }
        Ok(())
    }
}

impl ContainmentTarget for RegistryContainment {
    fn suspend(&self, version: &ModelRef, reason: &str) -> Result<Vec<String>, String> {
        let v = self.registry.resolve(version).map_err(|e| e.to_string())?;
        if v.stage == Stage::Suspended {
            return Ok(Vec::new());
        }
        let from = v.stage;
        let (_, event) = self
            .registry
            .transition(&self.actor, &v.name, v.version, Stage::Suspended, reason)
            .map_err(|e| e.to_string())?;
        self.audit(&event)?;
        Ok(vec![format!("{}: {from} -> suspended", v.reference())])
    }

    fn rollback(
        &self,
        version: &ModelRef,
        environment: &str,
        reason: &str,
    ) -> Result<Vec<String>, String> {
        let before = self
            .registry
            .deployed(&version.name, environment)
            .map_err(|e| e.to_string())?;
        let (record, event) = self
            .registry
            .rollback(&self.actor, &version.name, environment, reason)
            .map_err(|e| e.to_string())?;
        self.audit(&event)?;
        Ok(vec![format!(
            "{} in {environment}: {} -> version {}",
            version.name,
            before.map_or("nothing".to_string(), |d| format!("version {d}")),
            record.version
        )])
    }

    fn legal_hold(
        &self,
        version: &ModelRef,
        audit_range: Option<(u64, u64)>,
        reason: &str,
    ) -> Result<Vec<String>, String> {
        let v = self.registry.resolve(version).map_err(|e| e.to_string())?;
        // The incident's reason starts with "incident <id>": one hold per incident and version.
        let id = reason
            .split(':')
            .next()
            .unwrap_or(reason)
            .trim()
            .to_string();
        let mut changed = Vec::new();
        match self
            .registry
            .place_hold(&self.actor, &v.name, v.version, &id, reason)
        {
            Ok((_, event)) => {
                self.audit(&event)?;
                changed.push(format!("{}: legal hold {id} placed", v.reference()));
            }
            Err(aigov_registry::RegistryError::Conflict(_)) => {}
            Err(e) => return Err(e.to_string()),
        }
        if let Some((from, to)) = audit_range {
            let hold = self
                .audit
                .place_hold(from, to, reason, &self.actor)
                .map_err(|e| e.to_string())?;
            changed.push(format!(
                "audit entries {from}..={to} held for {version} (hold {})",
                hold.id
            ));
        }
        Ok(changed)
    }
}
