//! Retiring a model version with proof: `archive` keeps everything for its retention period
//! (technical documentation ten years, EU AI Act Art. 18); `destroy` also deletes the model
//! files from the artifact store. Either is refused while a legal hold is active, and ends
//! with a signed certificate (DSSE over an in-toto statement) listing every artifact
//! destroyed or kept, with digests, whose digest is written to the audit log. `destroy` also
//! erases the payloads of audit entries about the version that are past retention; their
//! leaf hashes stay, so the log and every proof still verify.

use std::collections::HashSet;

use aigov_audit::{AuditEntry, AuditEvent, AuditLog, AuditStoreExt, Decommission, ModelReference};
use aigov_core::{
    ActorId, Digest, Envelope, IN_TOTO_PAYLOAD_TYPE, ModelRef, ResourceDescriptor, SignerKey,
    Statement,
};
use aigov_registry::{PageRequest, Registry, Stage, VersionQuery};
use chrono::{DateTime, Months, Utc};
use serde::{Deserialize, Serialize};

/// The certificate's predicate type.
pub const DECOMMISSION_PREDICATE: &str = "urn:aigov:decommission:v1";

/// Keep everything, or delete the model files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecommissionMode {
    /// Terminal state; every artifact retained for its retention period.
    Archive,
    /// Terminal state; model files deleted, documentation and evidence retained.
    Destroy,
}

/// What happened to one artifact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArtifactDisposition {
    /// What it is (a model file's path, `evidence:<kind>`, `sbom`).
    pub name: String,
    /// Its digest.
    pub digest: Digest,
    /// `destroyed` or `kept`.
    pub disposition: String,
    /// Why it was kept, or until when.
    pub note: String,
}

/// The certificate's claim.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecommissionPredicate {
    /// The version.
    pub model: String,
    /// Archive or destroy.
    pub mode: DecommissionMode,
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub actor: ActorId,
    /// Documentation and evidence are kept until then.
    pub retained_until: DateTime<Utc>,
    /// Every artifact with what happened to it.
    pub artifacts: Vec<ArtifactDisposition>,
    /// Destroy only: audit entries about the version whose payloads were erased (past
    /// retention; their leaf hashes and every proof stay valid).
    pub audit_entries_erased: Vec<u64>,
    /// Destroy only: audit entries about the version kept because retention forbids erasure.
    pub audit_entries_retained: Vec<u64>,
}

/// Why a decommissioning was refused or failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DecommissionError {
    /// Refused: a legal hold, or a version still serving.
    #[error("decommissioning refused: {0}")]
    Denied(String),
    /// The registry failed.
    #[error(transparent)]
    Registry(#[from] aigov_registry::RegistryError),
    /// The audit log failed.
    #[error(transparent)]
    Audit(#[from] aigov_audit::AuditError),
    /// The certificate could not be written.
    #[error("certificate: {0}")]
    Certificate(String),
}

/// The result: the signed certificate and its claim.
#[derive(Clone, Debug)]
pub struct DecommissionOutcome {
    /// DSSE envelope over the in-toto statement.
    pub certificate: Envelope,
    /// What the certificate says.
    pub predicate: DecommissionPredicate,
    /// Digest of the certificate's JSON (recorded in the audit log).
    pub certificate_digest: Digest,
}

/// Retires `reference` in `mode`, signs the certificate with `signer` and audits it. Callers
/// authorize first: [`crate::Governor::decommission`] is the one that does.
pub fn decommission(
    registry: &Registry,
    audit: &AuditLog,
    signer: &SignerKey,
    principal: &crate::Principal,
    reference: &ModelRef,
    mode: DecommissionMode,
    now: DateTime<Utc>,
) -> Result<DecommissionOutcome, DecommissionError> {
    let registry = &registry.acting_with(principal.authn(), principal.request());
    let actor = principal.actor();
    let version = registry.resolve(reference)?;
    if version.stage == Stage::Decommissioned {
        return Err(DecommissionError::Denied(format!(
            "{} is already decommissioned",
            version.reference()
        )));
    }
    if !version.stage.can_move_to(Stage::Decommissioned) {
        return Err(DecommissionError::Denied(format!(
            "{} is {}; suspend, roll back or deprecate it first",
            version.reference(),
            version.stage
        )));
    }
    let version_holds: Vec<&str> = version.active_holds().map(|h| h.id.as_str()).collect();
    if !version_holds.is_empty() {
        return Err(DecommissionError::Denied(format!(
            "{} is under legal hold {}; release it first",
            version.reference(),
            version_holds.join(", ")
        )));
    }
    // An audit hold preserves entries; it blocks retiring the versions those entries are
    // about, not every version in the store.
    let active: Vec<_> = audit
        .store()
        .holds()?
        .into_iter()
        .filter(|h| h.released_at.is_none())
        .collect();
    // A scan of the whole log, so only when a hold or the erasure needs it.
    let named = if !active.is_empty() || mode == DecommissionMode::Destroy {
        entries_naming(audit, &version)?
    } else {
        Vec::new()
    };
    if !active.is_empty() {
        let mut about = audit.indices_about(&version.reference().to_string(), None)?;
        about.extend(&named);
        let mut holds: Vec<u64> = active
            .iter()
            .filter(|h| about.iter().any(|i| h.covers(*i)))
            .map(|h| h.id)
            .collect();
        holds.dedup();
        if !holds.is_empty() {
            return Err(DecommissionError::Denied(format!(
                "legal hold {holds:?} covers audit entries about {}; release it first",
                version.reference()
            )));
        }
    }
    // The store is content-addressed: a file any other version of any model uses (whatever
    // its stage: an archived version was promised its files) stays.
    let mut shared = HashSet::new();
    let mut page = PageRequest {
        limit: 1000,
        after: None,
    };
    loop {
        let found = registry.list_versions(&VersionQuery {
            page: page.clone(),
            ..VersionQuery::default()
        })?;
        for other in &found.items {
            if other.name != version.name || other.version != version.version {
                shared.extend(other.files.iter().map(|f| f.digest));
            }
        }
        match found.next {
            Some(next) => page.after = Some(next),
            None => break,
        }
    }
    let retained_until = now
        .checked_add_months(Months::new(120))
        .ok_or_else(|| DecommissionError::Certificate("retention date overflows".into()))?;
    let mut artifacts = Vec::new();
    for file in &version.files {
        let (disposition, note) = match mode {
            DecommissionMode::Archive => (
                "kept",
                format!("archived until {}", retained_until.to_rfc3339()),
            ),
            DecommissionMode::Destroy if shared.contains(&file.digest) => (
                "kept",
                "the same file belongs to another version".to_string(),
            ),
            DecommissionMode::Destroy => {
                registry.artifacts().delete(&file.digest)?;
                ("destroyed", format!("{} bytes deleted", file.size))
            }
        };
        artifacts.push(ArtifactDisposition {
            name: file.name.clone(),
            digest: file.digest,
            disposition: disposition.into(),
            note,
        });
    }
    for e in &version.evidence {
        artifacts.push(ArtifactDisposition {
            name: format!("evidence:{}", e.kind.as_str()),
            digest: e.digest,
            disposition: "kept".into(),
            note: format!(
                "technical documentation, retained until {}",
                retained_until.to_rfc3339()
            ),
        });
    }
    // The SBOM is technical documentation too (Annex IV 2(b)), kept with the evidence.
    if let Some(sbom) = version.lineage.sbom {
        artifacts.push(ArtifactDisposition {
            name: "sbom".into(),
            digest: sbom,
            disposition: "kept".into(),
            note: format!(
                "technical documentation, retained until {}",
                retained_until.to_rfc3339()
            ),
        });
    }
    let (mut erased, mut retained) = (Vec::new(), Vec::new());
    if mode == DecommissionMode::Destroy {
        for &index in &named {
            // The log refuses erasure within retention (and under holds): those stay.
            match audit.redact(
                index,
                &format!("decommissioned {}", version.reference()),
                actor,
            ) {
                Ok(()) => erased.push(index),
                Err(aigov_audit::AuditError::Denied(_)) => retained.push(index),
                Err(e) => return Err(e.into()),
            }
        }
    }
    let predicate = DecommissionPredicate {
        model: version.reference().to_string(),
        mode,
        at: now,
        actor: actor.clone(),
        retained_until,
        artifacts,
        audit_entries_erased: erased,
        audit_entries_retained: retained,
    };
    let subject = ResourceDescriptor::sha256(version.reference().to_string(), &version.root);
    let statement = Statement::new(
        vec![subject],
        DECOMMISSION_PREDICATE,
        serde_json::to_value(&predicate)
            .map_err(|e| DecommissionError::Certificate(e.to_string()))?,
    );
    let payload = serde_json::to_vec(&statement)
        .map_err(|e| DecommissionError::Certificate(e.to_string()))?;
    let certificate = Envelope::sign(IN_TOTO_PAYLOAD_TYPE, payload, signer);
    // Kept by its digest, so the certificate outlives a caller that never received it.
    let certificate_digest = registry.artifacts().put(
        &serde_json::to_vec(&certificate)
            .map_err(|e| DecommissionError::Certificate(e.to_string()))?,
    )?;
    let record = AuditEntry {
        time: now,
        actor: actor.clone(),
        authn: Some(principal.authn()),
        request: principal.request(),
        event: AuditEvent::Decommission(Decommission {
            model: ModelReference {
                name: version.name.clone(),
                version: version.version,
                root: version.root,
            },
            mode: match mode {
                DecommissionMode::Archive => "archive".into(),
                DecommissionMode::Destroy => "destroy".into(),
            },
            certificate_digest,
        }),
    };
    // The stage changes only once the work it certifies is done, and its note carries the
    // certificate's entry, so a change recorded late from the journal still has it.
    let companion =
        serde_json::to_value(&record).map_err(|e| DecommissionError::Certificate(e.to_string()))?;
    let (_, stage_change) = registry.with_companions(vec![companion]).transition(
        actor,
        &version.name,
        version.version,
        Stage::Decommissioned,
        &format!("decommissioned ({mode:?})"),
    )?;
    let record = AuditEntry {
        time: stage_change.at,
        ..record
    };
    if let Err(e) = audit.append_batch(&[crate::Governor::registry_entry(&stage_change), record]) {
        // Another process may have recorded it from the journal meanwhile.
        if !crate::governor::logged_already(audit, &stage_change, &e)? {
            return Err(e.into());
        }
    }
    if let Some(id) = &stage_change.change_id {
        // Were this to fail, the pass that takes the note finds it logged and settles it.
        let _ = registry.store().settle_change(id);
    }
    Ok(DecommissionOutcome {
        certificate,
        predicate,
        certificate_digest,
    })
}

/// The entries whose payload names `version` as `{"model": {"name", "version"}}` (the form
/// decisions and custom records use): what destroying it erases once retention allows.
fn entries_naming(
    audit: &AuditLog,
    version: &aigov_registry::ModelVersion,
) -> Result<Vec<u64>, DecommissionError> {
    let mut named = Vec::new();
    for index in 0..audit.size()? {
        let stored = audit.store().entry(index)?;
        let Some(payload) = &stored.payload else {
            continue;
        };
        let names = serde_json::from_slice::<serde_json::Value>(payload).is_ok_and(|v| {
            let model = &v["payload"]["model"];
            model["name"].as_str() == Some(version.name.as_str())
                && model["version"].as_u64() == Some(version.version.get())
        });
        if names {
            named.push(index);
        }
    }
    Ok(named)
}
