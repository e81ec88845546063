//! Integrity checks: do the stored bytes and signatures still say what the record says?

use aigov_core::{HashMethod, ModelHasher, root_of};
use serde::{Deserialize, Serialize};

use crate::artifact::ArtifactStoreExt;
use crate::{ApprovalCheck, ApprovalProblem, ModelVersion, Registry, RegistryError, TrustStore};

/// What kind of integrity failure was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FailureKind {
    /// A stored file is gone.
    ArtifactMissing,
    /// A stored file no longer hashes to its digest.
    ArtifactChanged,
    /// The stored files do not produce the recorded manifest.
    ManifestMismatch,
    /// The manifest does not produce the recorded root digest.
    RootMismatch,
    /// An approval envelope is forged, altered or about something else.
    ApprovalInvalid,
}

/// One integrity failure, with the file or approval it concerns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntegrityFailure {
    /// The kind of failure.
    pub kind: FailureKind,
    /// The file name, resource or approval index.
    pub subject: String,
    /// What exactly is wrong.
    pub detail: String,
}

/// The result of [`Registry::verify`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntegrityReport {
    /// `name@version`.
    pub version: String,
    /// The recorded root digest.
    pub root: aigov_core::Digest,
    /// Stored files re-hashed.
    pub artifacts_checked: usize,
    /// Every approval's verdict, in stored order.
    pub approvals: Vec<ApprovalCheck>,
    /// Everything that does not check out.
    pub failures: Vec<IntegrityFailure>,
}

impl IntegrityReport {
    /// True when no stored byte or signature was tampered with.
    pub fn is_intact(&self) -> bool {
        self.failures.is_empty()
    }
}

pub(crate) fn verify_version(
    registry: &Registry,
    version: &ModelVersion,
    trust: &TrustStore,
) -> Result<IntegrityReport, RegistryError> {
    let mut failures = Vec::new();
    let mut fail = |kind, subject: &str, detail: String| {
        failures.push(IntegrityFailure {
            kind,
            subject: subject.to_string(),
            detail,
        })
    };
    let artifacts = registry.artifacts();
    let mut intact_files = true;
    for file in &version.files {
        match artifacts.verify_blob(&file.digest) {
            Ok(size) if size != file.size => {
                intact_files = false;
                let detail = format!("{size} bytes stored, {} recorded", file.size);
                fail(FailureKind::ArtifactChanged, &file.name, detail);
            }
            Ok(_) => {}
            Err(RegistryError::NotFound(_)) => {
                intact_files = false;
                let detail = format!("{} is not in the artifact store", file.digest);
                fail(FailureKind::ArtifactMissing, &file.name, detail);
            }
            Err(RegistryError::Integrity(detail)) => {
                intact_files = false;
                fail(FailureKind::ArtifactChanged, &file.name, detail);
            }
            Err(e) => return Err(e),
        }
    }

    // Evidence reports and the SBOM are content-addressed too.
    let mut referenced: Vec<(String, aigov_core::Digest)> = version
        .evidence
        .iter()
        .map(|e| (format!("evidence {}", e.kind), e.digest))
        .collect();
    if let Some(sbom) = version.lineage.sbom {
        referenced.push(("sbom".into(), sbom));
    }
    for (subject, digest) in &referenced {
        match artifacts.get_verified(digest) {
            Ok(_) => {}
            Err(RegistryError::NotFound(_)) => {
                fail(
                    FailureKind::ArtifactMissing,
                    subject,
                    format!("{digest} is not in the artifact store"),
                );
            }
            Err(RegistryError::Integrity(detail)) => {
                fail(FailureKind::ArtifactChanged, subject, detail)
            }
            Err(e) => return Err(e),
        }
    }

    let manifest = &version.manifest;
    let computed_root = root_of(manifest.resources.iter().map(|r| &r.digest));
    if computed_root != version.root {
        let detail = format!(
            "the manifest hashes to {computed_root}, the record says {}",
            version.root
        );
        fail(FailureKind::RootMismatch, "root", detail);
    }
    if intact_files {
        let rebuilt = match manifest.serialization.method {
            HashMethod::Files => {
                let mut m = manifest.clone();
                m.resources = version
                    .files
                    .iter()
                    .map(|f| aigov_core::manifest::ManifestResource {
                        name: f.name.clone(),
                        digest: f.digest,
                    })
                    .collect();
                m
            }
            method @ HashMethod::Shards { .. } => {
                // Shards are cut from whole files: rebuild the model and hash it the same way.
                let dir =
                    tempfile::tempdir().map_err(|e| RegistryError::storage("filesystem", e))?;
                let root = if version.files.len() == 1 && version.files[0].name == "." {
                    dir.path().join("model")
                } else {
                    dir.path().to_path_buf()
                };
                // A stored file name that cannot be materialized is itself tampering.
                match artifacts
                    .materialize(&version.files, dir.path())
                    .and_then(|()| Ok(ModelHasher::new().method(method).hash(&root)?))
                {
                    Ok(m) => m,
                    Err(RegistryError::Storage { backend, message }) => {
                        return Err(RegistryError::Storage { backend, message });
                    }
                    Err(e) => {
                        fail(FailureKind::ManifestMismatch, "manifest", e.to_string());
                        manifest.clone()
                    }
                }
            }
        };
        let diff = aigov_core::manifest::ManifestDiff::between(manifest, &rebuilt);
        if !diff.is_empty() {
            fail(FailureKind::ManifestMismatch, "manifest", diff.to_string());
        }
    }

    let approvals = registry.verify_approvals(version, trust);
    for (i, check) in approvals.iter().enumerate() {
        let tampered = matches!(
            check.problem,
            Some(
                ApprovalProblem::Malformed { .. }
                    | ApprovalProblem::UntrustedSignature
                    | ApprovalProblem::SignerMismatch { .. }
                    | ApprovalProblem::WrongSubject { .. }
            )
        );
        if let (true, Some(problem)) = (tampered, &check.problem) {
            fail(
                FailureKind::ApprovalInvalid,
                &format!("approval {i}"),
                problem.to_string(),
            );
        }
    }
    Ok(IntegrityReport {
        version: version.reference(),
        root: version.root,
        artifacts_checked: version.files.len(),
        approvals,
        failures,
    })
}
