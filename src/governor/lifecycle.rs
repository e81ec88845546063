//! The model lifecycle through the gates: register, attach evidence, validate, approve,
//! promote, deploy, roll back, and the deployment gate at load time.

use std::path::{Path, PathBuf};

use aigov_audit::{ApprovalRecord, AuditEntry, AuditEvent, FairnessAudit, ModelReference};
use aigov_core::{Digest, Envelope, ModelHasher, ModelName, ModelRef, Role, SignerKey};
use aigov_policy::{
    ApprovalFact, ApprovedVersionFact, DatasetFact, DeploymentInput, Gate, GateDecision,
    LineageFact, ModelFact, ModelNameFact, ProductionInput, RegisteredVersionFact,
    RegistrationInput, StagingInput, ValidationInput, VersionFact,
};
use aigov_registry::{
    ApprovalPredicate, ApprovalProblem, Decision, DeploymentRecord, Evidence, EvidenceKind,
    ModelVersion, NewModel, NewVersion, RegisteredModel, Stage, verify_new_approval,
};
use chrono::Duration;
use serde_json::json;

use super::Governor;
use super::journal::companion;
use super::scorability::Scorability;
use crate::{Error, Principal, evidence};
use aigov_core::Action;

/// A version to register: its model (created on first use), its files and its provenance.
#[derive(Clone, Debug)]
pub struct Registration {
    /// The model; used only when the model does not exist yet.
    pub model: NewModel,
    /// The model file or directory.
    pub path: PathBuf,
    /// Source, run, tags, lineage and hashing options.
    pub version: NewVersion,
    /// A software bill of materials (CycloneDX JSON), stored and recorded in the lineage.
    pub sbom: Option<serde_json::Value>,
    /// The root digest a verified model signature covers: files that changed between that
    /// verification and the copy into the store reject the version on the spot.
    pub signed_root: Option<Digest>,
    /// Refuse a single file aigov cannot score (see [`Governor::scorability`]) instead of
    /// registering it unscorable.
    pub require_scorable: bool,
}

/// What an approver signs.
#[derive(Clone, Debug)]
pub struct ApprovalRequest {
    /// The stage approved for.
    pub stage: Stage,
    /// The role the approver acts in.
    pub role: Role,
    /// Approve or reject.
    pub decision: Decision,
    /// How long the approval counts.
    pub valid_for: Duration,
    /// Why.
    pub comment: String,
}

/// What the deployment gate let through.
#[derive(Clone, Debug, PartialEq)]
pub struct VerifiedLoad {
    /// The version whose bytes were loaded.
    pub version: ModelVersion,
    /// The root digest of what was loaded (equal to the version's).
    pub root: Digest,
}

fn model_reference(v: &ModelVersion) -> ModelReference {
    ModelReference {
        name: v.name.clone(),
        version: v.version,
        root: v.root,
    }
}

/// Lineage that cannot be true is refused, naming the field: a dataset digest of all zeros
/// (a placeholder), a commit that is not 7 to 64 hex digits, an SBOM that is neither
/// CycloneDX nor SPDX JSON.
fn check_lineage(registration: &Registration) -> Result<(), Error> {
    let lineage = &registration.version.lineage;
    for dataset in &lineage.datasets {
        if dataset.digest.as_bytes().iter().all(|b| *b == 0) {
            return Err(Error::invalid(
                "lineage",
                format!(
                    "dataset {:?}: a digest of all zeros is a placeholder",
                    dataset.name
                ),
            ));
        }
    }
    if let Some(code) = &lineage.code
        && !((7..=64).contains(&code.commit.len())
            && code.commit.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        return Err(Error::invalid(
            "lineage",
            format!("commit {:?} is not 7 to 64 hex digits", code.commit),
        ));
    }
    if let Some(sbom) = &registration.sbom {
        let cyclonedx =
            sbom.get("bomFormat").and_then(serde_json::Value::as_str) == Some("CycloneDX");
        let spdx = sbom
            .get("spdxVersion")
            .and_then(serde_json::Value::as_str)
            .is_some();
        if !(cyclonedx || spdx) {
            return Err(Error::invalid(
                "sbom",
                "neither CycloneDX (bomFormat) nor SPDX (spdxVersion) JSON",
            ));
        }
    }
    Ok(())
}

fn denial(decision: GateDecision) -> Error {
    Error::Denied {
        gate: decision.gate.as_str().to_string(),
        findings: decision.deny,
    }
}

impl Governor {
    /// Registers a version: hashes and stores its files, records its lineage, SBOM and (for
    /// a model aigov can score) its feature names, and runs the registration gate; a
    /// version the gate refuses is rejected.
    pub fn register(
        &self,
        principal: &Principal,
        mut registration: Registration,
    ) -> Result<ModelVersion, Error> {
        self.authorize(principal, Action::Register)?;
        check_lineage(&registration)?;
        match self.scorability(&registration.path, &registration.version.features)? {
            Scorability::Scorable { features } => registration.version.features = features,
            Scorability::NotScorable { reason } if registration.require_scorable => {
                return Err(Error::invalid("model", reason));
            }
            Scorability::NotScorable { .. } | Scorability::Directory => {}
        }
        let actor = principal.actor();
        let name = registration.model.name.clone();
        let model = match self.registry.store().model(&name)? {
            Some(model) => model,
            None => match self
                .registry_as(principal)
                .create_model(actor, registration.model)
            {
                Ok((model, event)) => {
                    self.record_change(|| format!("model {name} created"), &event, &[])?;
                    model
                }
                // Another process created it between the read and the create: use theirs.
                Err(aigov_registry::RegistryError::Conflict(_)) => self.registry.model(&name)?,
                Err(e) => return Err(e.into()),
            },
        };
        let mut new = registration.version;
        if let Some(sbom) = &registration.sbom {
            let bytes = aigov_registry::canonical_json(sbom);
            new.lineage.sbom = Some(self.registry.artifacts().put(&bytes)?);
        }
        let (version, event) =
            self.registry_as(principal)
                .register_version(actor, &name, &registration.path, new)?;
        self.record_change(
            || format!("{} registered", version.reference()),
            &event,
            &[],
        )?;
        if let Some(signed) = registration.signed_root.filter(|r| *r != version.root) {
            let reason = format!(
                "the stored files hash to {}, not to the signed root {signed}",
                version.root
            );
            self.reject(principal, &version, &reason)?;
            return Err(self.refuse(
                principal,
                "signature",
                "root_mismatch",
                reason,
                serde_json::json!(version.reference()),
            ));
        }
        let decision = self.gate(
            principal,
            Gate::Registration,
            Some(version.reference()),
            registration_input(&model, &version),
        )?;
        if decision.allow {
            return Ok(version);
        }
        self.reject(principal, &version, "refused by the registration gate")?;
        Err(denial(decision))
    }

    /// Changes a model's description, intended purpose or risk class (`register`: those who
    /// may register versions of it), audited as a model update. `None` keeps a field.
    pub fn update_model(
        &self,
        principal: &Principal,
        name: &ModelName,
        description: Option<String>,
        intended_purpose: Option<String>,
        risk_class: Option<aigov_registry::RiskClass>,
    ) -> Result<RegisteredModel, Error> {
        self.authorize(principal, Action::Register)?;
        let mut model = self.registry.model(name)?;
        if let Some(description) = description {
            model.description = description;
        }
        if let Some(purpose) = intended_purpose {
            model.intended_purpose = purpose;
        }
        if let Some(class) = risk_class {
            model.risk_class = class;
        }
        let (updated, event) = self
            .registry_as(principal)
            .update_model(principal.actor(), &model)?;
        self.record_change(|| format!("model {name} updated"), &event, &[])?;
        Ok(updated)
    }

    /// Moves a version just registered to Rejected, audited.
    fn reject(
        &self,
        principal: &Principal,
        version: &ModelVersion,
        reason: &str,
    ) -> Result<(), Error> {
        let (_, event) = self.registry_as(principal).transition(
            principal.actor(),
            &version.name,
            version.version,
            Stage::Rejected,
            reason,
        )?;
        self.record_change(|| format!("{} rejected", version.reference()), &event, &[])?;
        Ok(())
    }

    /// Attaches an evidence report; reports of known kinds must be the reports their crates
    /// write (see [`crate::evidence`]). A fairness report is also audited as a fairness audit.
    pub fn attach_evidence(
        &self,
        principal: &Principal,
        reference: &ModelRef,
        evidence: Evidence,
    ) -> Result<ModelVersion, Error> {
        self.authorize(principal, Action::AttachEvidence)?;
        let actor = principal.actor();
        evidence::check_shape(&evidence)?;
        let v = self.registry.resolve(reference)?;
        let fairness = (evidence.kind == EvidenceKind::Fairness)
            .then(|| evidence::fairness_fact(&evidence.content))
            .transpose()?;
        let digest = Digest::of(&evidence.canonical_bytes());
        // Noted with the change, so a late record of it carries the fairness audit too.
        let companions: Vec<AuditEntry> = fairness
            .map(|fact| AuditEntry {
                time: self.now(),
                actor: actor.clone(),
                authn: Some(principal.authn()),
                request: principal.request(),
                event: AuditEvent::FairnessAudit(FairnessAudit {
                    model: model_reference(&v),
                    verdict: fact.verdict.clone(),
                    report_digest: digest,
                    details: json!({"fpr_parity_ratio": fact.fpr_parity_ratio}),
                }),
            })
            .into_iter()
            .collect();
        let (updated, event) = self
            .registry_as(principal)
            .with_companions(companions.iter().map(companion).collect::<Result<_, _>>()?)
            .attach_evidence(actor, &v.name, v.version, evidence)?;
        self.record_change(
            || format!("evidence attached to {}", updated.reference()),
            &event,
            &companions,
        )?;
        Ok(updated)
    }

    /// Runs the validation gate over the attached evidence. Allowed: the version becomes
    /// Validated. Refused for a failed check: Rejected. Refused only for missing evidence:
    /// it stays Registered so the evidence can still be attached.
    pub fn validate(
        &self,
        principal: &Principal,
        reference: &ModelRef,
    ) -> Result<ModelVersion, Error> {
        self.authorize(principal, Action::Validate)?;
        let actor = principal.actor();
        let v = self.registry.resolve(reference)?;
        let input = self.validation_input(&v)?;
        let decision = self.gate(
            principal,
            Gate::Validation,
            Some(v.reference()),
            serde_json::to_value(input).unwrap_or_default(),
        )?;
        let only_missing = decision.deny.iter().all(|f| f.code.starts_with("missing_"));
        let to = match (decision.allow, only_missing) {
            (true, _) => Stage::Validated,
            (false, true) => return Err(denial(decision)),
            (false, false) => Stage::Rejected,
        };
        let (updated, event) = self.registry_as(principal).transition(
            actor,
            &v.name,
            v.version,
            to,
            "validation gate",
        )?;
        self.record_change(|| format!("{} is {to}", updated.reference()), &event, &[])?;
        if decision.allow {
            Ok(updated)
        } else {
            Err(denial(decision))
        }
    }

    fn validation_input(&self, v: &ModelVersion) -> Result<ValidationInput, Error> {
        let content = |kind: EvidenceKind| -> Result<Option<serde_json::Value>, Error> {
            match v.evidence.iter().rev().find(|e| e.kind == kind) {
                Some(reference) => Ok(Some(self.registry.evidence_content(reference)?)),
                None => Ok(None),
            }
        };
        Ok(ValidationInput {
            model: ModelNameFact {
                name: v.name.to_string(),
            },
            performance: content(EvidenceKind::Performance)?
                .map(|c| evidence::performance_fact(&c))
                .transpose()?,
            fairness: content(EvidenceKind::Fairness)?
                .map(|c| evidence::fairness_fact(&c))
                .transpose()?,
            robustness: match content(EvidenceKind::Robustness)? {
                Some(c) => evidence::robustness_fact(&c)?,
                None => None,
            },
        })
    }

    /// Signs an approval with `key` as `actor` and stores it (see [`Governor::submit_approval`]).
    pub fn approve(
        &self,
        principal: &Principal,
        reference: &ModelRef,
        request: ApprovalRequest,
        key: &SignerKey,
    ) -> Result<Envelope, Error> {
        self.authorize(principal, Action::Approve)?;
        let actor = principal.actor();
        let v = self.registry.resolve(reference)?;
        let now = self.now();
        let predicate = ApprovalPredicate {
            model: v.name.clone(),
            version: v.version,
            stage: request.stage,
            role: request.role,
            decision: request.decision,
            approver: actor.clone(),
            issued_at: now,
            expires_at: now + request.valid_for,
            comment: request.comment,
        };
        let envelope = predicate.sign(&v, key)?;
        self.store_approval(principal, &v, envelope)
    }

    /// Stores an approval signed elsewhere, once it verifies in full against the actor
    /// directory: trusted key, the claimed role, this version's digest, unexpired, not by the
    /// version's registrant or trainer. Anything else is refused and the refusal audited.
    pub fn submit_approval(
        &self,
        principal: &Principal,
        reference: &ModelRef,
        envelope: Envelope,
    ) -> Result<Envelope, Error> {
        self.authorize(principal, Action::Approve)?;
        let v = self.registry.resolve(reference)?;
        self.store_approval(principal, &v, envelope)
    }

    fn store_approval(
        &self,
        principal: &Principal,
        v: &ModelVersion,
        envelope: Envelope,
    ) -> Result<Envelope, Error> {
        let trust = self.directory.trust();
        let check = verify_new_approval(&envelope, v, &trust, self.now());
        let subject = json!({"model": v.reference(), "root": v.root.to_string()});
        let predicate = match (check.problem, check.predicate) {
            (None, Some(p)) => p,
            (problem, _) => {
                let problem = problem.unwrap_or(ApprovalProblem::Malformed {
                    detail: "no predicate".into(),
                });
                let code = serde_json::to_value(&problem)
                    .ok()
                    .and_then(|p| p.get("reason").and_then(|r| r.as_str()).map(str::to_string))
                    .unwrap_or_else(|| "invalid".into())
                    .replace('-', "_");
                return Err(self.refuse(
                    principal,
                    "approval",
                    &code,
                    problem.to_string(),
                    subject,
                ));
            }
        };
        let envelope_bytes =
            serde_json::to_vec(&envelope).map_err(|e| Error::invalid("approval", e.to_string()))?;
        let approval = AuditEntry {
            time: self.now(),
            actor: principal.actor().clone(),
            authn: Some(principal.authn()),
            request: principal.request(),
            event: AuditEvent::Approval(ApprovalRecord {
                model: model_reference(v),
                stage: predicate.stage.to_string(),
                role: predicate.role.to_string(),
                approver: predicate.approver.clone(),
                decision: serde_json::to_value(predicate.decision)
                    .ok()
                    .and_then(|d| d.as_str().map(str::to_string))
                    .unwrap_or_default(),
                envelope_digest: Digest::of(&envelope_bytes),
            }),
        };
        // The registry checks once more against the stored version (it may have changed).
        let (updated, event) = self
            .registry_as(principal)
            .with_companions(vec![companion(&approval)?])
            .add_approval(
                principal.actor(),
                &v.name,
                v.version,
                envelope.clone(),
                &trust,
            )?;
        self.record_change(
            || format!("approval of {} stored", updated.reference()),
            &event,
            &[approval],
        )?;
        Ok(envelope)
    }

    pub(crate) fn approval_facts(&self, v: &ModelVersion) -> Vec<ApprovalFact> {
        self.registry
            .verify_approvals(v, &self.directory.trust())
            .into_iter()
            .filter_map(|check| {
                let p = check.predicate?;
                let expired = matches!(check.problem, Some(ApprovalProblem::Expired { .. }));
                // A self-approval is a verified signature the policy must see to name it.
                let verified = check.problem.is_none()
                    || expired
                    || matches!(check.problem, Some(ApprovalProblem::SelfApproval));
                Some(ApprovalFact {
                    verified,
                    expired,
                    decision: serde_json::to_value(p.decision)
                        .ok()
                        .and_then(|d| d.as_str().map(str::to_string))
                        .unwrap_or_default(),
                    stage: p.stage.to_string(),
                    role: p.role.to_string(),
                    actor: p.approver.to_string(),
                })
            })
            .collect()
    }

    fn version_fact(v: &ModelVersion) -> VersionFact {
        VersionFact {
            stage: v.stage.to_string(),
            created_by: v.created_by.to_string(),
            trained_by: v.lineage.trained_by.as_ref().map(ToString::to_string),
        }
    }

    /// Promotes to Staging (staging gate) or Production (production gate, which needs a
    /// target region); the gates see only approvals verified against the actor directory.
    pub fn promote(
        &self,
        principal: &Principal,
        reference: &ModelRef,
        to: Stage,
        region: Option<&str>,
    ) -> Result<ModelVersion, Error> {
        self.authorize(principal, Action::Promote)?;
        let actor = principal.actor();
        let v = self.registry.resolve(reference)?;
        let approvals = self.approval_facts(&v);
        let (gate, input) = match to {
            Stage::Staging => (
                Gate::Staging,
                serde_json::to_value(StagingInput {
                    version: Self::version_fact(&v),
                    approvals,
                }),
            ),
            Stage::Production => (
                Gate::Production,
                serde_json::to_value(ProductionInput {
                    version: Self::version_fact(&v),
                    approvals,
                    drift_baseline: v
                        .evidence
                        .iter()
                        .any(|e| e.kind == EvidenceKind::DriftBaseline),
                    target_region: region.unwrap_or_default().to_string(),
                }),
            ),
            other => {
                return Err(Error::invalid(
                    "stage",
                    format!("promotion goes to staging or production, not {other}"),
                ));
            }
        };
        let input = input.map_err(|e| Error::invalid("gate input", e.to_string()))?;
        let decision = self.gate(principal, gate, Some(v.reference()), input)?;
        if !decision.allow {
            return Err(denial(decision));
        }
        let reason = format!("{} gate ({})", gate.as_str(), decision.record.decision_id);
        let (updated, event) = self
            .registry_as(principal)
            .transition(actor, &v.name, v.version, to, &reason)?;
        self.record_change(
            || format!("{} promoted to {to}", updated.reference()),
            &event,
            &[],
        )?;
        Ok(updated)
    }

    /// Writes a version's registered files under `dest` (which must not hold them yet),
    /// checking every file's digest on the way out.
    pub fn materialize(&self, reference: &ModelRef, dest: &Path) -> Result<ModelVersion, Error> {
        let v = self.registry.resolve(reference)?;
        aigov_registry::ArtifactStoreExt::materialize(self.registry.artifacts(), &v.files, dest)?;
        Ok(v)
    }

    /// Points an environment at a staging or production version.
    pub fn deploy(
        &self,
        principal: &Principal,
        reference: &ModelRef,
        environment: &str,
        region: Option<&str>,
    ) -> Result<DeploymentRecord, Error> {
        self.authorize(principal, Action::Deploy)?;
        let actor = principal.actor();
        let v = self.registry.resolve(reference)?;
        let (record, event) = match self.registry_as(principal).deploy(
            actor,
            &v.name,
            v.version,
            environment,
            region,
            "deploy",
        ) {
            Ok(done) => done,
            Err(aigov_registry::RegistryError::Denied(msg)) => {
                let subject = json!({"model": v.reference(), "environment": environment});
                return Err(self.refuse(principal, "lifecycle", "not_deployable", msg, subject));
            }
            Err(e) => return Err(e.into()),
        };
        self.record_change(
            || format!("{} deployed to {environment}", v.reference()),
            &event,
            &[],
        )?;
        Ok(record)
    }

    /// Returns an environment to the newest earlier version that may still serve.
    pub fn rollback(
        &self,
        principal: &Principal,
        model: &ModelName,
        environment: &str,
        reason: &str,
    ) -> Result<DeploymentRecord, Error> {
        self.authorize(principal, Action::Rollback)?;
        let actor = principal.actor();
        let (record, event) =
            self.registry_as(principal)
                .rollback(actor, model, environment, reason)?;
        self.record_change(
            || format!("{model} in {environment} rolled back"),
            &event,
            &[],
        )?;
        Ok(record)
    }

    /// The deployment gate, at load time: hashes the bytes at `path` and lets them through
    /// only if they are exactly the version deployed to `environment` and that version holds
    /// a valid approval for its stage. Refuses a swapped or tampered artifact.
    pub fn verify_load(
        &self,
        principal: &Principal,
        model: &ModelName,
        environment: &str,
        path: &Path,
    ) -> Result<VerifiedLoad, Error> {
        self.authorize(principal, Action::VerifyLoad)?;
        let deployed = match self.registry.deployed(model, environment)? {
            Some(id) => Some(self.registry.version(model, id)?),
            None => None,
        };
        let method = deployed
            .as_ref()
            .map_or(aigov_core::HashMethod::Files, |v| {
                v.manifest.serialization.method
            });
        let root = ModelHasher::new().method(method).hash(path)?.root();
        let approved: Vec<ApprovedVersionFact> = deployed
            .iter()
            .filter(|v| v.stage.is_deployable())
            .filter(|v| {
                self.registry
                    .verify_approvals(v, &self.directory.trust())
                    .iter()
                    .any(|c| c.approves(v.stage))
            })
            .map(|v| ApprovedVersionFact {
                name: v.name.to_string(),
                version: v.version.get(),
                root: v.root.to_string(),
            })
            .collect();
        let input = serde_json::to_value(DeploymentInput {
            loading_digest: root.to_string(),
            approved_versions: approved,
        })
        .map_err(|e| Error::invalid("gate input", e.to_string()))?;
        let subject = deployed.as_ref().map(ModelVersion::reference);
        let decision = self.gate(principal, Gate::Deployment, subject, input)?;
        match deployed {
            Some(version) if decision.allow => Ok(VerifiedLoad { version, root }),
            _ => Err(denial(decision)),
        }
    }
}

fn registration_input(model: &RegisteredModel, v: &ModelVersion) -> serde_json::Value {
    let input = RegistrationInput {
        model: ModelFact {
            name: model.name.to_string(),
            owner: model.owner.to_string(),
            risk_class: serde_json::to_value(model.risk_class)
                .ok()
                .and_then(|r| r.as_str().map(str::to_string))
                .unwrap_or_default(),
        },
        version: RegisteredVersionFact {
            root: v.root.to_string(),
            created_by: v.created_by.to_string(),
        },
        lineage: LineageFact {
            datasets: v
                .lineage
                .datasets
                .iter()
                .map(|d| DatasetFact {
                    name: d.name.clone(),
                    digest: d.digest.to_string(),
                })
                .collect(),
            code_commit: v.lineage.code.as_ref().map(|c| c.commit.clone()),
            sbom: v.lineage.sbom.map(|d| d.to_string()),
        },
    };
    serde_json::to_value(input).unwrap_or_default()
}
