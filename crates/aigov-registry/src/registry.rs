//! The registry service: every mutation checks the lifecycle rules, stores, and returns the
//! events the audit log records.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use aigov_core::{
    ActorId, Alias, Clock, Digest, Envelope, HashMethod, ModelHasher, ModelName, ModelRef,
    SystemClock, VersionId, VersionSelector,
};
use chrono::{DateTime, Utc};

use crate::artifact::{ArtifactStore, ArtifactStoreExt};
use crate::deployment::{serving_at, serving_stack, validate_environment};
use crate::store::{ModelQuery, Page, RegistryStore, RegistryStoreExt, VersionQuery};
use crate::{
    ApprovalCheck, ArtifactFile, ChangeNote, DeploymentAction, DeploymentRecord, Evidence,
    EvidenceRef, Lineage, ModelVersion, RegisteredModel, RegistryChange, RegistryError,
    RegistryEvent, RiskClass, Stage, TrustStore, verify_approval,
};

/// What to record about a new model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewModel {
    /// Its name.
    pub name: ModelName,
    /// What it does.
    pub description: String,
    /// Who is accountable for it.
    pub owner: ActorId,
    /// Labels.
    pub tags: BTreeMap<String, String>,
    /// The intended purpose.
    pub intended_purpose: String,
    /// The EU AI Act risk class.
    pub risk_class: RiskClass,
}

/// How to register a version from files on disk.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NewVersion {
    /// Where it came from (defaults to the path registered).
    pub source: Option<String>,
    /// The experiment-tracker run.
    pub run_id: Option<String>,
    /// Labels.
    pub tags: BTreeMap<String, String>,
    /// Provenance.
    pub lineage: Lineage,
    /// The names of the input features, in input order, of a model file that names none
    /// (see [`ModelVersion::features`]).
    pub features: Vec<String>,
    /// `shards` for very large files; `files` by default.
    pub method: Option<HashMethod>,
    /// Follow symbolic links to files.
    pub allow_symlinks: bool,
}

/// The registry: a store of records, a store of bytes and a clock.
///
/// Every mutation journals a [`ChangeNote`] of its change in the store, in the change's own
/// transaction, and returns the event it noted; whoever records the event in the audit log
/// settles the note (see [`RegistryStore::settle_change`]).
#[derive(Debug, Clone)]
pub struct Registry {
    store: Arc<dyn RegistryStore>,
    artifacts: Arc<dyn ArtifactStore>,
    clock: Arc<dyn Clock>,
    companions: Vec<serde_json::Value>,
    authentication: Option<(aigov_core::Authn, Option<Digest>)>,
}

impl Registry {
    /// A registry over the given stores, timed by the system clock.
    pub fn new(store: Arc<dyn RegistryStore>, artifacts: Arc<dyn ArtifactStore>) -> Self {
        Self::with_clock(store, artifacts, Arc::new(SystemClock))
    }

    /// A registry with an explicit clock (tests use a manual one).
    pub fn with_clock(
        store: Arc<dyn RegistryStore>,
        artifacts: Arc<dyn ArtifactStore>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Registry {
            store,
            artifacts,
            clock,
            companions: Vec::new(),
            authentication: None,
        }
    }

    /// This registry, recording in each change it makes how the governor authenticated the
    /// actor and which signed request (if any) asked for it.
    pub fn acting_with(&self, authn: aigov_core::Authn, request: Option<Digest>) -> Registry {
        Registry {
            authentication: Some((authn, request)),
            ..self.clone()
        }
    }

    /// This registry, noting `companions` (further audit entries, as JSON) with each change
    /// it makes, so they are recorded with the change even if it is recorded late.
    pub fn with_companions(&self, companions: Vec<serde_json::Value>) -> Registry {
        Registry {
            companions,
            ..self.clone()
        }
    }

    /// The record store.
    pub fn store(&self) -> &dyn RegistryStore {
        self.store.as_ref()
    }

    /// The artifact store.
    pub fn artifacts(&self) -> &dyn ArtifactStore {
        self.artifacts.as_ref()
    }

    fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The note of a change about to be made, with a fresh id.
    fn note(&self, actor: &ActorId, model: &ModelName, change: RegistryChange) -> ChangeNote {
        let event = RegistryEvent {
            change_id: None,
            actor: actor.clone(),
            authn: self.authentication.map(|(a, _)| a),
            request: self.authentication.and_then(|(_, r)| r),
            at: self.now(),
            model: model.clone(),
            change,
        };
        ChangeNote::new(event, self.companions.clone())
    }

    /// Creates a model record.
    pub fn create_model(
        &self,
        actor: &ActorId,
        new: NewModel,
    ) -> Result<(RegisteredModel, RegistryEvent), RegistryError> {
        validate_tags(&new.tags)?;
        let now = self.now();
        let model = RegisteredModel {
            name: new.name,
            description: new.description,
            owner: new.owner,
            tags: new.tags,
            intended_purpose: new.intended_purpose,
            risk_class: new.risk_class,
            created_at: now,
            updated_at: now,
        };
        let note = self.note(actor, &model.name, RegistryChange::ModelCreated);
        self.store.create_model(&model, Some(&note))?;
        Ok((model, note.event))
    }

    /// Changes a model's description, tags, purpose or risk class.
    pub fn update_model(
        &self,
        actor: &ActorId,
        model: &RegisteredModel,
    ) -> Result<(RegisteredModel, RegistryEvent), RegistryError> {
        validate_tags(&model.tags)?;
        let current = self.store.require_model(&model.name)?;
        let mut updated = model.clone();
        updated.created_at = current.created_at;
        updated.updated_at = self.now();
        let note = self.note(actor, &updated.name, RegistryChange::ModelUpdated);
        self.store.update_model(&updated, Some(&note))?;
        Ok((updated, note.event))
    }

    /// Hashes the model at `path`, copies its files into the artifact store and records a new
    /// version in stage `Registered`.
    pub fn register_version(
        &self,
        actor: &ActorId,
        name: &ModelName,
        path: &Path,
        new: NewVersion,
    ) -> Result<(ModelVersion, RegistryEvent), RegistryError> {
        validate_tags(&new.tags)?;
        self.store.require_model(name)?;
        let method = new.method.unwrap_or(HashMethod::Files);
        let manifest = ModelHasher::new()
            .method(method)
            .allow_symlinks(new.allow_symlinks)
            .hash(path)?;
        let files = self.store_files(path, method, &manifest, new.allow_symlinks)?;
        let now = self.now();
        let draft = ModelVersion {
            name: name.clone(),
            version: VersionId::FIRST,
            root: manifest.root(),
            manifest,
            files,
            source: new.source.unwrap_or_else(|| path.display().to_string()),
            run_id: new.run_id,
            created_by: actor.clone(),
            created_at: now,
            updated_at: now,
            stage: Stage::Registered,
            tags: new.tags,
            features: new.features,
            aliases: Vec::new(),
            lineage: new.lineage,
            evidence: Vec::new(),
            approvals: Vec::new(),
            status_message: String::new(),
            legal_holds: Vec::new(),
            revision: 0,
        };
        // The store sets the version number it allocates in the note.
        let note = self.note(
            actor,
            name,
            RegistryChange::VersionRegistered {
                version: draft.version,
                root: draft.root,
                features: draft.features.clone(),
            },
        );
        let stored = self.store.create_version(&draft, Some(&note))?;
        Ok((
            stored.clone(),
            note.with_allocated_version(stored.version).event,
        ))
    }

    /// Copies a model's whole files into the artifact store (whatever the manifest's method,
    /// so any version can be materialized and re-hashed later), checking that each copy has
    /// the digest the walk saw.
    fn store_files(
        &self,
        path: &Path,
        method: HashMethod,
        manifest: &aigov_core::ModelManifest,
        allow_symlinks: bool,
    ) -> Result<Vec<ArtifactFile>, RegistryError> {
        let listing = if method == HashMethod::Files {
            manifest.clone()
        } else {
            ModelHasher::new()
                .allow_symlinks(allow_symlinks)
                .hash(path)?
        };
        let mut files = Vec::with_capacity(listing.resources.len());
        for resource in &listing.resources {
            let file_path = if resource.name == "." {
                path.to_path_buf()
            } else {
                path.join(&resource.name)
            };
            let (digest, size) = self.artifacts.put_file(&file_path)?;
            if digest != resource.digest {
                return Err(RegistryError::Integrity(format!(
                    "{} changed while it was being stored",
                    file_path.display()
                )));
            }
            files.push(ArtifactFile {
                name: resource.name.clone(),
                digest,
                size,
            });
        }
        Ok(files)
    }

    /// Reads a model; a model that does not exist is `NotFound`.
    pub fn model(&self, name: &ModelName) -> Result<RegisteredModel, RegistryError> {
        self.store.require_model(name)
    }

    /// Reads a version.
    pub fn version(
        &self,
        name: &ModelName,
        version: VersionId,
    ) -> Result<ModelVersion, RegistryError> {
        self.store.require_version(name, version)
    }

    /// Resolves `name@version` or `name@alias` to a version.
    pub fn resolve(&self, reference: &ModelRef) -> Result<ModelVersion, RegistryError> {
        let version = match &reference.selector {
            VersionSelector::Version(v) => *v,
            VersionSelector::Alias(a) => self
                .store
                .alias(&reference.name, a)?
                .ok_or_else(|| RegistryError::NotFound(format!("alias {reference}")))?,
        };
        self.version(&reference.name, version)
    }

    /// Applies `change` to a version with optimistic concurrency, retrying when someone else
    /// changed it in between; `change` says what it changed, which is noted with the update.
    fn modify(
        &self,
        actor: &ActorId,
        name: &ModelName,
        version: VersionId,
        mut change: impl FnMut(&mut ModelVersion) -> Result<RegistryChange, RegistryError>,
    ) -> Result<(ModelVersion, RegistryEvent), RegistryError> {
        for _ in 0..16 {
            let mut v = self.version(name, version)?;
            let held: Vec<String> = v.active_holds().map(|h| h.id.clone()).collect();
            let before = v.clone();
            let what = change(&mut v)?;
            // Under a legal hold nothing may change but the hold list and a suspension
            // (containment must stay possible).
            if !held.is_empty() {
                let mut comparable = v.clone();
                comparable.legal_holds = before.legal_holds.clone();
                let suspending = before.stage != Stage::Suspended && v.stage == Stage::Suspended;
                if suspending {
                    comparable.stage = before.stage;
                    comparable.status_message = before.status_message.clone();
                }
                if comparable != before {
                    return Err(RegistryError::Denied(format!(
                        "{name}@{version} is under legal hold {}; release it first",
                        held.join(", ")
                    )));
                }
            }
            v.updated_at = self.now();
            let note = self.note(actor, name, what);
            match self.store.update_version(&v, Some(&note)) {
                Err(RegistryError::Conflict(_)) => continue,
                Err(e) => return Err(e),
                Ok(stored) => return Ok((stored, note.event)),
            }
        }
        Err(RegistryError::Conflict(format!(
            "{name}@{version} kept changing; gave up after 16 attempts"
        )))
    }

    /// Places a legal hold on a version: until released, its record changes only to suspend it.
    pub fn place_hold(
        &self,
        actor: &ActorId,
        name: &ModelName,
        version: VersionId,
        hold: &str,
        reason: &str,
    ) -> Result<(ModelVersion, RegistryEvent), RegistryError> {
        if hold.trim().is_empty() || reason.trim().is_empty() {
            return Err(RegistryError::invalid(
                "legal hold",
                "an id and a reason are required",
            ));
        }
        let now = self.now();
        self.modify(actor, name, version, |v| {
            if v.legal_holds.iter().any(|h| h.id == hold) {
                return Err(RegistryError::Conflict(format!(
                    "{name}@{version} already has hold {hold}"
                )));
            }
            v.legal_holds.push(crate::VersionHold {
                id: hold.to_string(),
                reason: reason.to_string(),
                placed_by: actor.clone(),
                placed_at: now,
                released_at: None,
            });
            Ok(RegistryChange::HoldPlaced {
                version,
                hold: hold.to_string(),
            })
        })
    }

    /// Releases a legal hold on a version.
    pub fn release_hold(
        &self,
        actor: &ActorId,
        name: &ModelName,
        version: VersionId,
        hold: &str,
    ) -> Result<(ModelVersion, RegistryEvent), RegistryError> {
        let now = self.now();
        self.modify(actor, name, version, |v| {
            let h = v
                .legal_holds
                .iter_mut()
                .find(|h| h.id == hold && h.released_at.is_none())
                .ok_or_else(|| {
                    RegistryError::NotFound(format!("active hold {hold} on {name}@{version}"))
                })?;
            h.released_at = Some(now);
            Ok(RegistryChange::HoldReleased {
                version,
                hold: hold.to_string(),
            })
        })
    }

    /// Moves a version to another stage if the lifecycle allows it.
    pub fn transition(
        &self,
        actor: &ActorId,
        name: &ModelName,
        version: VersionId,
        to: Stage,
        reason: &str,
    ) -> Result<(ModelVersion, RegistryEvent), RegistryError> {
        self.modify(actor, name, version, |v| {
            if !v.stage.can_move_to(to) {
                return Err(RegistryError::IllegalTransition {
                    model: v.name.to_string(),
                    version: v.version.get(),
                    from: v.stage,
                    to,
                });
            }
            let from = v.stage;
            v.stage = to;
            v.status_message = reason.to_string();
            Ok(RegistryChange::StageChanged {
                version,
                from,
                to,
                reason: reason.to_string(),
            })
        })
    }

    /// Stores an evidence report and attaches it to a version.
    ///
    /// Before validation a newer report of the same kind supersedes the older one; from
    /// Validated on, reports are only ever added, never replaced or removed.
    pub fn attach_evidence(
        &self,
        actor: &ActorId,
        name: &ModelName,
        version: VersionId,
        evidence: Evidence,
    ) -> Result<(ModelVersion, RegistryEvent), RegistryError> {
        let digest = self.artifacts.put(&evidence.canonical_bytes())?;
        let kind = evidence.kind.clone();
        let reference = EvidenceRef {
            kind: evidence.kind,
            digest,
            producer: evidence.producer,
            attached_by: actor.clone(),
            attached_at: self.now(),
        };
        self.modify(actor, name, version, |v| {
            if v.stage == Stage::Decommissioned {
                return Err(RegistryError::WriteOnce {
                    model: v.name.to_string(),
                    version: v.version.get(),
                    stage: v.stage,
                    part: "evidence",
                });
            }
            if !v.stage.is_write_once() {
                v.evidence.retain(|e| e.kind != reference.kind);
            }
            v.evidence.push(reference.clone());
            Ok(RegistryChange::EvidenceAttached {
                version,
                kind: kind.clone(),
                digest,
            })
        })
    }

    /// Reads an attached evidence report back, checking its digest.
    pub fn evidence_content(
        &self,
        reference: &EvidenceRef,
    ) -> Result<serde_json::Value, RegistryError> {
        let bytes = self.artifacts.get_verified(&reference.digest)?;
        serde_json::from_slice(&bytes)
            .map_err(|e| RegistryError::Integrity(format!("evidence {}: {e}", reference.digest)))
    }

    /// Replaces a version's artifacts: allowed only before validation.
    pub fn replace_artifacts(
        &self,
        actor: &ActorId,
        name: &ModelName,
        version: VersionId,
        path: &Path,
    ) -> Result<(ModelVersion, RegistryEvent), RegistryError> {
        let current = self.version(name, version)?;
        if current.stage.is_write_once() {
            return Err(RegistryError::WriteOnce {
                model: name.to_string(),
                version: version.get(),
                stage: current.stage,
                part: "artifacts",
            });
        }
        let manifest = ModelHasher::new()
            .method(current.manifest.serialization.method)
            .allow_symlinks(current.manifest.serialization.allow_symlinks)
            .hash(path)?;
        let files = self.store_files(
            path,
            current.manifest.serialization.method,
            &manifest,
            current.manifest.serialization.allow_symlinks,
        )?;
        let root = manifest.root();
        self.modify(actor, name, version, |v| {
            if v.stage.is_write_once() {
                return Err(RegistryError::WriteOnce {
                    model: v.name.to_string(),
                    version: v.version.get(),
                    stage: v.stage,
                    part: "artifacts",
                });
            }
            v.manifest = manifest.clone();
            v.root = root;
            v.files = files.clone();
            // Approvals and evidence were about the old bytes.
            v.approvals.clear();
            v.evidence.clear();
            Ok(RegistryChange::ArtifactsReplaced { version, root })
        })
    }

    /// Stores a signed approval envelope once it verifies in full against `trust`: a trusted
    /// signer in the claimed role, this version's root digest, unexpired, and not by the
    /// version's registrant or trainer. Anything else is refused and nothing is stored.
    pub fn add_approval(
        &self,
        actor: &ActorId,
        name: &ModelName,
        version: VersionId,
        envelope: Envelope,
        trust: &TrustStore,
    ) -> Result<(ModelVersion, RegistryEvent), RegistryError> {
        if envelope.signatures.len() > 16 {
            return Err(RegistryError::invalid(
                "approval",
                format!(
                    "{} signatures; at most 16 are accepted",
                    envelope.signatures.len()
                ),
            ));
        }
        let current = self.version(name, version)?;
        let check = crate::approval::verify_new_approval(&envelope, &current, trust, self.now());
        let predicate = match (check.problem, check.predicate) {
            (None, Some(p)) => p,
            (Some(problem), _) => {
                return Err(RegistryError::Denied(format!(
                    "approval of {} refused: {problem}",
                    current.reference()
                )));
            }
            (None, None) => {
                return Err(RegistryError::invalid(
                    "approval",
                    "it carries no predicate",
                ));
            }
        };
        self.modify(actor, name, version, |v| {
            if v.stage == Stage::Decommissioned {
                return Err(RegistryError::Denied(format!(
                    "{} is decommissioned",
                    v.reference()
                )));
            }
            if v.approvals.contains(&envelope) {
                return Err(RegistryError::Conflict(format!(
                    "this approval is already stored on {}",
                    v.reference()
                )));
            }
            v.approvals.push(envelope.clone());
            Ok(RegistryChange::ApprovalAdded {
                version,
                stage: predicate.stage,
                approver: predicate.approver.clone(),
            })
        })
    }

    /// Checks every stored approval of a version against the trust store, now.
    pub fn verify_approvals(
        &self,
        version: &ModelVersion,
        trust: &TrustStore,
    ) -> Vec<ApprovalCheck> {
        let now = self.now();
        version
            .approvals
            .iter()
            .map(|e| verify_approval(e, version, trust, now))
            .collect()
    }

    /// Points an alias at a version (or removes it).
    pub fn set_alias(
        &self,
        actor: &ActorId,
        name: &ModelName,
        alias: &Alias,
        version: Option<VersionId>,
    ) -> Result<RegistryEvent, RegistryError> {
        // The store sets where the alias pointed before in the note.
        let note = self.note(
            actor,
            name,
            RegistryChange::AliasMoved {
                alias: alias.clone(),
                from: None,
                to: version,
            },
        );
        let from = self.store.set_alias(name, alias, version, Some(&note))?;
        Ok(note.with_alias_from(from).event)
    }

    /// Deploys a version (in Staging or Production) to an environment.
    pub fn deploy(
        &self,
        actor: &ActorId,
        name: &ModelName,
        version: VersionId,
        environment: &str,
        region: Option<&str>,
        reason: &str,
    ) -> Result<(DeploymentRecord, RegistryEvent), RegistryError> {
        validate_environment("environment", environment)?;
        if let Some(r) = region {
            validate_environment("region", r)?;
        }
        let v = self.version(name, version)?;
        if !v.stage.is_deployable() {
            return Err(RegistryError::Denied(format!(
                "{} is {}; only staging and production versions can be deployed",
                v.reference(),
                v.stage
            )));
        }
        self.append_deployment(actor, name, environment, region, reason, |_| {
            Ok((version, DeploymentAction::Deploy))
        })
    }

    /// Returns an environment to the version that served before the current one.
    pub fn rollback(
        &self,
        actor: &ActorId,
        name: &ModelName,
        environment: &str,
        reason: &str,
    ) -> Result<(DeploymentRecord, RegistryEvent), RegistryError> {
        validate_environment("environment", environment)?;
        self.append_deployment(actor, name, environment, None, reason, |history| {
            let stack = serving_stack(history);
            if stack.is_empty() {
                return Err(RegistryError::NotFound(format!(
                    "no deployment of {name} in {environment}"
                )));
            }
            // Go back to the newest earlier version that may still serve: a version that was
            // suspended, rolled back or retired since must not return through a rollback.
            for candidate in stack[..stack.len() - 1].iter().rev() {
                if self.version(name, *candidate)?.stage.is_deployable() {
                    return Ok((*candidate, DeploymentAction::Rollback));
                }
            }
            Err(RegistryError::Denied(format!(
                "{name} in {environment} has no earlier deployable version to roll back to"
            )))
        })
    }

    fn append_deployment(
        &self,
        actor: &ActorId,
        name: &ModelName,
        environment: &str,
        region: Option<&str>,
        reason: &str,
        decide: impl Fn(&[DeploymentRecord]) -> Result<(VersionId, DeploymentAction), RegistryError>,
    ) -> Result<(DeploymentRecord, RegistryEvent), RegistryError> {
        for _ in 0..16 {
            let history = self.store.deployments(name, environment)?;
            let previous = serving_stack(&history).last().copied();
            let (version, action) = decide(&history)?;
            let region = region
                .map(str::to_string)
                .or_else(|| history.last().and_then(|r| r.region.clone()));
            let record = DeploymentRecord {
                model: name.clone(),
                environment: environment.to_string(),
                region,
                seq: history.len() as u64 + 1,
                version,
                action,
                actor: actor.clone(),
                at: self.now(),
                reason: reason.to_string(),
            };
            let note = self.note(
                actor,
                name,
                RegistryChange::Deployed {
                    version,
                    environment: environment.to_string(),
                    action,
                    previous,
                    seq: Some(record.seq),
                },
            );
            match self.store.append_deployment(&record, Some(&note)) {
                Ok(()) => return Ok((record, note.event)),
                Err(RegistryError::Conflict(_)) => continue,
                Err(e) => return Err(e),
            }
        }
        Err(RegistryError::Conflict(format!(
            "deployments of {name} in {environment} kept changing; gave up"
        )))
    }

    /// The version serving an environment now.
    pub fn deployed(
        &self,
        name: &ModelName,
        environment: &str,
    ) -> Result<Option<VersionId>, RegistryError> {
        let history = self.store.deployments(name, environment)?;
        Ok(serving_stack(&history).last().copied())
    }

    /// The version that served an environment at a moment in the past.
    pub fn deployed_at(
        &self,
        name: &ModelName,
        environment: &str,
        at: DateTime<Utc>,
    ) -> Result<Option<VersionId>, RegistryError> {
        let history = self.store.deployments(name, environment)?;
        Ok(serving_at(&history, at))
    }

    /// Every environment the model was ever deployed to.
    pub fn environments(&self, name: &ModelName) -> Result<Vec<String>, RegistryError> {
        self.store.environments(name)
    }

    /// An environment's deployment history.
    pub fn history(
        &self,
        name: &ModelName,
        environment: &str,
    ) -> Result<Vec<DeploymentRecord>, RegistryError> {
        self.store.deployments(name, environment)
    }

    /// Lists models.
    pub fn list_models(&self, query: &ModelQuery) -> Result<Page<RegisteredModel>, RegistryError> {
        self.store.list_models(query)
    }

    /// Lists versions.
    pub fn list_versions(&self, query: &VersionQuery) -> Result<Page<ModelVersion>, RegistryError> {
        self.store.list_versions(query)
    }

    /// Re-hashes a version's stored artifacts against its manifest and checks every approval.
    pub fn verify(
        &self,
        version: &ModelVersion,
        trust: &TrustStore,
    ) -> Result<crate::IntegrityReport, RegistryError> {
        crate::integrity::verify_version(self, version, trust)
    }

    /// Every SBOM or evidence digest a version references, for export and retention.
    pub fn referenced_digests(version: &ModelVersion) -> Vec<Digest> {
        let mut out: Vec<Digest> = version.files.iter().map(|f| f.digest).collect();
        out.extend(version.evidence.iter().map(|e| e.digest));
        out.extend(version.lineage.sbom);
        out.sort();
        out.dedup();
        out
    }
}

fn validate_tags(tags: &BTreeMap<String, String>) -> Result<(), RegistryError> {
    for (k, v) in tags {
        if k.is_empty() || k.len() > 250 || k.chars().any(char::is_control) {
            return Err(RegistryError::invalid(
                "tag",
                format!("key {k:?} must be 1-250 characters without control characters"),
            ));
        }
        if v.len() > 5000 {
            return Err(RegistryError::invalid(
                "tag",
                format!("value of {k:?} is longer than 5000 bytes"),
            ));
        }
    }
    Ok(())
}
