//! The effective policy configuration changes only through the governor: `apply_policy`
//! (admins) records the configuration's digest in the log, and a governor opening a store
//! refuses a `policy.yaml` whose digest is not the one last applied.

use std::path::Path;

use aigov_audit::{AuditEntry, AuditEvent};
use aigov_core::{Action, Digest};
use aigov_policy::PolicyConfig;
use serde_json::{Value, json};

use super::Governor;
use crate::{Error, Principal};

/// The `type` of the entry that records an applied configuration.
pub(crate) const POLICY_APPLIED: &str = "policy-applied";

/// The subject applied configurations are indexed under.
const POLICY_SUBJECT: &str = "aigov-policy";

impl Governor {
    /// Applies a `policy.yaml` (`apply-policy`: admins): checks it, puts it in force, records
    /// its digest (and the digest of bundle and configuration together, which every gate
    /// decision carries) in the log, then writes it as the store's `policy.yaml`. Returns the
    /// configuration's digest.
    pub fn apply_policy(&self, principal: &Principal, yaml: &str) -> Result<Digest, Error> {
        self.authorize(principal, Action::ApplyPolicy)?;
        let config = PolicyConfig::from_yaml(yaml)?;
        let digest = Digest::of(yaml.as_bytes());
        // One application at a time; checked (it compiles with the bundle in force), logged,
        // and only then put in force and written.
        let _applying = self.policy_apply.lock().unwrap_or_else(|p| p.into_inner());
        let policy_digest = self.policy.check_config(&config)?;
        self.record_custom(
            principal,
            json!({
                "type": POLICY_APPLIED,
                "name": POLICY_SUBJECT,
                "config_digest": digest,
                "policy_digest": policy_digest,
            }),
            || format!("policy {digest} applied"),
        )?;
        self.policy.reconfigure(&config)?;
        self.forget_authorizations();
        if let Some(path) = &self.policy_file {
            write_atomically(path, yaml.as_bytes())?;
        }
        Ok(digest)
    }

    /// The digest of the configuration last applied, from the log (`None`: never).
    pub fn applied_policy(&self) -> Result<Option<Digest>, Error> {
        // The newest policy-applied entry: other entries under the subject are not records
        // of an application (and appending one with the reserved type is refused).
        for index in self
            .audit
            .indices_about(POLICY_SUBJECT, Some("custom"))?
            .into_iter()
            .rev()
        {
            let stored = aigov_audit::AuditStoreExt::entry(self.audit.store(), index)?;
            let Some(payload) = stored.payload else {
                return Err(Error::invalid(
                    "policy",
                    format!("the record of an applied policy (entry {index}) was erased"),
                ));
            };
            if let AuditEvent::Custom(fields) = AuditEntry::from_bytes(&payload)?.event
                && fields.get("type").and_then(Value::as_str) == Some(POLICY_APPLIED)
            {
                let text = fields
                    .get("config_digest")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                return Ok(Some(text.parse().map_err(|e| {
                    Error::invalid("policy", format!("entry {index}: {e}"))
                })?));
            }
        }
        Ok(None)
    }

    /// Fails closed unless the configuration read from `path` (`on_disk`: the digest of the
    /// very bytes parsed, `None` when there was no file) is the one last applied (or neither
    /// exists).
    pub(crate) fn check_policy_file(
        &self,
        path: &Path,
        on_disk: Option<Digest>,
    ) -> Result<(), Error> {
        let refuse = |reason: String| {
            Err(Error::invalid(
                "policy",
                format!(
                    "{}: {reason}; the governor refuses to start",
                    path.display()
                ),
            ))
        };
        match (on_disk, self.applied_policy()?) {
            (None, None) => Ok(()),
            (Some(file), Some(applied)) if file == applied => Ok(()),
            (Some(file), Some(applied)) => refuse(format!(
                "its digest {file} is not the applied policy's {applied} (changed outside `aigov policy apply`)"
            )),
            (Some(file), None) => refuse(format!(
                "digest {file} was never applied; apply it with `aigov policy apply`"
            )),
            (None, Some(applied)) => refuse(format!("the applied policy {applied} is missing")),
        }
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    use std::io::Write;
    let io = |e: std::io::Error| Error::Io {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    let staged = path.with_extension("yaml.new");
    let mut file = std::fs::File::create(&staged).map_err(io)?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(io)?;
    std::fs::rename(&staged, path).map_err(io)
}
