//! The effective policy configuration changes only through the governor: `apply_policy`
//! (admins) records the configuration (its text and digest) in the log, which is where it
//! lives: a governor opening a store refuses a `policy.yaml` that was never applied, restores
//! one that is missing or that an earlier application left (a replica that missed a newer
//! one), and every replica puts the newest application in force before it authorizes.

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
                // The text itself, so every replica and a recovering governor can put in
                // force exactly what was applied, whatever their own file says.
                "config_yaml": yaml,
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

    /// Another replica may have applied a configuration since this one last looked: puts the
    /// newest application in force (one indexed count per call when nothing changed).
    pub(crate) fn refresh_policy(&self) -> Result<(), Error> {
        use std::sync::atomic::Ordering;
        let count = self
            .audit
            .store()
            .count_about(POLICY_SUBJECT, Some("custom"))?;
        if count == self.policy_seen.load(Ordering::Acquire) {
            return Ok(());
        }
        let _applying = self.policy_apply.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(latest) = self.applied_records()?.into_iter().next()
            && let Some(yaml) = &latest.yaml
        {
            let config = PolicyConfig::from_yaml(yaml)?;
            if config != self.policy.config() {
                self.policy.reconfigure(&config)?;
                self.forget_authorizations();
                if let Some(path) = &self.policy_file {
                    write_atomically(path, yaml.as_bytes())?;
                }
            }
        }
        self.policy_seen.store(count, Ordering::Release);
        Ok(())
    }

    /// Puts the newest applied configuration in force from the log, when the log holds its
    /// text (applications recorded before the text was kept do not); `Ok(false)` otherwise.
    pub(crate) fn restore_applied_policy(&self) -> Result<bool, Error> {
        let Some(AppliedPolicy {
            yaml: Some(yaml), ..
        }) = self.applied_records()?.into_iter().next()
        else {
            return Ok(false);
        };
        self.policy.reconfigure(&PolicyConfig::from_yaml(&yaml)?)?;
        self.forget_authorizations();
        if let Some(path) = &self.policy_file {
            write_atomically(path, yaml.as_bytes())?;
        }
        Ok(true)
    }

    /// The digest of the configuration last applied, from the log (`None`: never).
    pub fn applied_policy(&self) -> Result<Option<Digest>, Error> {
        Ok(self.applied_records()?.first().map(|a| a.digest))
    }

    /// Every application the log records, newest first; the text is checked against the
    /// digest recorded with it.
    fn applied_records(&self) -> Result<Vec<AppliedPolicy>, Error> {
        let mut out = Vec::new();
        // Only policy-applied entries: other entries under the subject are not records of
        // an application (and appending one with the reserved type is refused).
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
                let digest: Digest = text
                    .parse()
                    .map_err(|e| Error::invalid("policy", format!("entry {index}: {e}")))?;
                let yaml = fields
                    .get("config_yaml")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                if yaml
                    .as_ref()
                    .is_some_and(|y| Digest::of(y.as_bytes()) != digest)
                {
                    return Err(Error::invalid(
                        "policy",
                        format!("entry {index}: the applied text does not hash to {digest}"),
                    ));
                }
                out.push(AppliedPolicy { digest, yaml });
            }
        }
        Ok(out)
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
        let applied = self.applied_records()?;
        let latest = applied.first().map(|a| a.digest);
        match (on_disk, latest) {
            (None, None) => Ok(()),
            (Some(file), Some(latest)) if file == latest => Ok(()),
            // Missing, or an earlier application (a replica that missed a newer one): the
            // log's newest text is what is in force.
            (file, Some(_))
                if file.is_none_or(|f| applied.iter().any(|a| a.digest == f))
                    && self.restore_applied_policy()? =>
            {
                Ok(())
            }
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

/// One application of a configuration, as the log records it.
struct AppliedPolicy {
    digest: Digest,
    /// Its text (absent from applications recorded before the text was kept).
    yaml: Option<String>,
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
