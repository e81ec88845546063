//! Signed approvals: DSSE envelopes over in-toto statements about a version's root digest.

use std::collections::{BTreeMap, BTreeSet};

use aigov_core::in_toto::ResourceDescriptor;
use aigov_core::{
    ActorId, Envelope, IN_TOTO_PAYLOAD_TYPE, ModelName, Role, SignatureVerifier, SignerKey,
    Statement, VerifierKey, VersionId,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{ModelVersion, RegistryError, Stage};

/// Predicate type of an aigov approval (a URN: no domain is ours to claim).
pub const APPROVAL_PREDICATE_TYPE: &str = "urn:aigov:approval:v1";

/// Whether the approver approves or rejects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    /// In favour.
    Approve,
    /// Against.
    Reject,
}

/// What an approver signs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalPredicate {
    /// The model.
    pub model: ModelName,
    /// The version.
    pub version: VersionId,
    /// The stage the approval is for.
    pub stage: Stage,
    /// The role the approver acts in.
    pub role: Role,
    /// Approve or reject.
    pub decision: Decision,
    /// Who approves.
    pub approver: ActorId,
    /// When the approval was signed.
    pub issued_at: DateTime<Utc>,
    /// When it stops counting.
    pub expires_at: DateTime<Utc>,
    /// Why.
    #[serde(default)]
    pub comment: String,
}

impl ApprovalPredicate {
    /// Signs this predicate as an in-toto statement whose subject is the version's root digest.
    pub fn sign(&self, version: &ModelVersion, key: &SignerKey) -> Result<Envelope, RegistryError> {
        if self.model != version.name || self.version != version.version {
            return Err(RegistryError::invalid(
                "approval",
                format!(
                    "predicate names {}@{} but the version is {}",
                    self.model,
                    self.version,
                    version.reference()
                ),
            ));
        }
        let predicate = serde_json::to_value(self)
            .map_err(|e| RegistryError::invalid("approval", e.to_string()))?;
        let statement = Statement::new(
            vec![ResourceDescriptor::sha256(
                version.reference(),
                &version.root,
            )],
            APPROVAL_PREDICATE_TYPE,
            predicate,
        );
        Ok(Envelope::sign(
            IN_TOTO_PAYLOAD_TYPE,
            statement.to_json(),
            key,
        ))
    }
}

/// An approver the registry trusts: a public key and the roles its holder may act in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approver {
    /// The approver's public key.
    #[serde(with = "verifier_key_string")]
    pub key: VerifierKey,
    /// The roles the approver holds.
    pub roles: BTreeSet<Role>,
    /// Keys the approver used before, each with when it was retired: approvals signed with
    /// one before that moment still verify, later ones do not.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub retired: Vec<RetiredKey>,
}

/// A key an approver no longer signs with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetiredKey {
    /// The old public key.
    #[serde(with = "verifier_key_string")]
    pub key: VerifierKey,
    /// From then on, approvals signed with it are refused.
    pub retired_at: DateTime<Utc>,
}

mod verifier_key_string {
    use aigov_core::VerifierKey;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(key: &VerifierKey, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(key)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<VerifierKey, D::Error> {
        let text = String::deserialize(d)?;
        VerifierKey::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// The approvers whose signatures count, by actor id.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustStore {
    /// Approvers by actor id.
    pub approvers: BTreeMap<ActorId, Approver>,
}

impl TrustStore {
    /// Adds or replaces an approver.
    pub fn insert(
        &mut self,
        actor: ActorId,
        key: VerifierKey,
        roles: impl IntoIterator<Item = Role>,
    ) {
        self.approvers.insert(
            actor,
            Approver {
                key,
                roles: roles.into_iter().collect(),
                retired: Vec::new(),
            },
        );
    }

    /// Gives `actor` a new key and roles; a different current key is retired at `at`, so
    /// what it signed before stays verifiable (rotation), while anything it signs from `at`
    /// on is refused.
    pub fn rotate(
        &mut self,
        actor: ActorId,
        key: VerifierKey,
        roles: impl IntoIterator<Item = Role>,
        at: DateTime<Utc>,
    ) {
        let mut retired = Vec::new();
        if let Some(old) = self.approvers.remove(&actor) {
            retired = old.retired;
            if old.key != key {
                retired.push(RetiredKey {
                    key: old.key,
                    retired_at: at,
                });
            }
        }
        retired.retain(|r| r.key != key);
        self.approvers.insert(
            actor,
            Approver {
                key,
                roles: roles.into_iter().collect(),
                retired,
            },
        );
    }
}

/// Why an approval does not count.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum ApprovalProblem {
    /// The envelope or statement is not a well-formed aigov approval.
    Malformed {
        /// What is wrong.
        detail: String,
    },
    /// No trusted key verifies the signature.
    UntrustedSignature,
    /// The key that signed belongs to someone other than the named approver.
    SignerMismatch {
        /// Whose key signed.
        signer: ActorId,
    },
    /// The statement is about another version or another root digest.
    WrongSubject {
        /// What it is about.
        found: String,
    },
    /// The approver does not hold the role they signed as.
    WrongRole {
        /// The role claimed.
        role: Role,
    },
    /// The approval has expired.
    Expired {
        /// When it expired.
        at: DateTime<Utc>,
    },
    /// The approval was issued in the future, or expires before it was issued.
    NotYetValid {
        /// When it claims to have been issued.
        issued_at: DateTime<Utc>,
    },
    /// The version's registrant or trainer approved it (separation of duties).
    SelfApproval,
    /// Signed with a key its holder had already retired.
    RetiredKey {
        /// When the key was retired.
        retired_at: DateTime<Utc>,
    },
}

impl std::fmt::Display for ApprovalProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApprovalProblem::Malformed { detail } => write!(f, "malformed approval: {detail}"),
            ApprovalProblem::UntrustedSignature => {
                f.write_str("no trusted approver key verifies the signature")
            }
            ApprovalProblem::SignerMismatch { signer } => {
                write!(f, "signed with {signer}'s key, not the named approver's")
            }
            ApprovalProblem::WrongSubject { found } => {
                write!(f, "the approval is for {found}, not this version")
            }
            ApprovalProblem::WrongRole { role } => {
                write!(f, "the approver does not hold the role {role}")
            }
            ApprovalProblem::Expired { at } => write!(f, "expired at {}", at.to_rfc3339()),
            ApprovalProblem::NotYetValid { issued_at } => {
                write!(
                    f,
                    "issued at {} which is not yet valid",
                    issued_at.to_rfc3339()
                )
            }
            ApprovalProblem::SelfApproval => {
                f.write_str("the version's registrant or trainer cannot approve it")
            }
            ApprovalProblem::RetiredKey { retired_at } => write!(
                f,
                "signed with a key retired at {}",
                retired_at.to_rfc3339()
            ),
        }
    }
}

/// The verdict on one stored approval.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalCheck {
    /// The predicate, when it could be read (only trust it when `problem` is `None`).
    pub predicate: Option<ApprovalPredicate>,
    /// Why it does not count, or `None` when it does.
    pub problem: Option<ApprovalProblem>,
}

impl ApprovalCheck {
    /// True when the approval is signed by a trusted approver in the claimed role, names this
    /// version's root digest, has not expired, and is not a self-approval.
    pub fn is_valid(&self) -> bool {
        self.problem.is_none()
    }

    /// True when this is a valid approval (not a rejection) for the given target stage: the
    /// only kind that may count towards a gate.
    pub fn approves(&self, stage: Stage) -> bool {
        self.is_valid()
            && self
                .predicate
                .as_ref()
                .is_some_and(|p| p.decision == Decision::Approve && p.stage == stage)
    }

    fn fail(predicate: Option<ApprovalPredicate>, problem: ApprovalProblem) -> Self {
        ApprovalCheck {
            predicate,
            problem: Some(problem),
        }
    }
}

/// Verifies an approval being submitted now: as [`verify_approval`], and it must be signed
/// with the approver's current key. A retired key's word is trusted only for approvals
/// stored before it was retired; a new one could carry any backdated `issued_at`.
pub fn verify_new_approval(
    envelope: &Envelope,
    version: &ModelVersion,
    trust: &TrustStore,
    now: DateTime<Utc>,
) -> ApprovalCheck {
    let check = verify_approval(envelope, version, trust, now);
    if check.problem.is_some() {
        return check;
    }
    let retired = trust.approvers.values().flat_map(|a| &a.retired).find(|r| {
        let one: [&dyn SignatureVerifier; 1] = [&r.key];
        envelope.verify(&one).is_ok()
    });
    match retired {
        Some(r) => ApprovalCheck::fail(
            check.predicate,
            ApprovalProblem::RetiredKey {
                retired_at: r.retired_at,
            },
        ),
        None => check,
    }
}

/// Verifies one approval envelope for `version` against `trust` at time `now`.
pub fn verify_approval(
    envelope: &Envelope,
    version: &ModelVersion,
    trust: &TrustStore,
    now: DateTime<Utc>,
) -> ApprovalCheck {
    // Current keys first, then retired ones with the moment they stopped counting.
    let keys: Vec<(&ActorId, &VerifierKey, Option<DateTime<Utc>>)> = trust
        .approvers
        .iter()
        .map(|(a, ap)| (a, &ap.key, None))
        .chain(trust.approvers.iter().flat_map(|(a, ap)| {
            ap.retired
                .iter()
                .map(move |r| (a, &r.key, Some(r.retired_at)))
        }))
        .collect();
    // Find which trusted key signed; the envelope's keyid hint is never trusted on its own.
    let signer = keys.iter().find(|(_, key, _)| {
        let one: [&dyn SignatureVerifier; 1] = [*key];
        envelope.verify(&one).is_ok()
    });
    let Some((signer, _, retired_at)) = signer else {
        return ApprovalCheck::fail(None, ApprovalProblem::UntrustedSignature);
    };
    if envelope.payload_type != IN_TOTO_PAYLOAD_TYPE {
        let detail = format!("payload type {:?}", envelope.payload_type);
        return ApprovalCheck::fail(None, ApprovalProblem::Malformed { detail });
    }
    let statement = match Statement::from_json(&envelope.payload) {
        Ok(s) => s,
        Err(e) => {
            let detail = e.to_string();
            return ApprovalCheck::fail(None, ApprovalProblem::Malformed { detail });
        }
    };
    if statement.predicate_type != APPROVAL_PREDICATE_TYPE {
        let detail = format!("predicate type {:?}", statement.predicate_type);
        return ApprovalCheck::fail(None, ApprovalProblem::Malformed { detail });
    }
    let predicate: ApprovalPredicate = match serde_json::from_value(statement.predicate.clone()) {
        Ok(p) => p,
        Err(e) => {
            let detail = e.to_string();
            return ApprovalCheck::fail(None, ApprovalProblem::Malformed { detail });
        }
    };
    let p = Some(predicate.clone());
    if let Some(retired_at) = *retired_at {
        // A retired key proves only what it signed before retirement.
        if predicate.issued_at >= retired_at {
            return ApprovalCheck::fail(p, ApprovalProblem::RetiredKey { retired_at });
        }
    }
    if &predicate.approver != *signer {
        let signer = (*signer).clone();
        return ApprovalCheck::fail(p, ApprovalProblem::SignerMismatch { signer });
    }
    let subject_ok = statement.subject.len() == 1
        && statement.subject[0].sha256_digest().ok() == Some(version.root)
        && predicate.model == version.name
        && predicate.version == version.version;
    if !subject_ok {
        let found = statement
            .subject
            .iter()
            .map(|s| {
                format!(
                    "{} {}",
                    s.name,
                    s.digest.get("sha256").cloned().unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        return ApprovalCheck::fail(p, ApprovalProblem::WrongSubject { found });
    }
    let holds_role = trust
        .approvers
        .get(&predicate.approver)
        .is_some_and(|a| a.roles.contains(&predicate.role));
    if !holds_role {
        let role = predicate.role.clone();
        return ApprovalCheck::fail(p, ApprovalProblem::WrongRole { role });
    }
    if predicate.issued_at > now || predicate.issued_at >= predicate.expires_at {
        let issued_at = predicate.issued_at;
        return ApprovalCheck::fail(p, ApprovalProblem::NotYetValid { issued_at });
    }
    if now >= predicate.expires_at {
        let at = predicate.expires_at;
        return ApprovalCheck::fail(p, ApprovalProblem::Expired { at });
    }
    // Actor ids compare case-insensitively so that `Alice@corp` cannot approve `alice@corp`'s
    // version.
    let same = |a: &ActorId, b: &ActorId| a.as_str().eq_ignore_ascii_case(b.as_str());
    let is_self = same(&predicate.approver, &version.created_by)
        || version
            .lineage
            .trained_by
            .as_ref()
            .is_some_and(|t| same(t, &predicate.approver));
    if is_self {
        return ApprovalCheck::fail(p, ApprovalProblem::SelfApproval);
    }
    ApprovalCheck {
        predicate: p,
        problem: None,
    }
}
