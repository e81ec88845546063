//! The hot path: one audit record per model decision, and human reviews linked to it.

use aigov_audit::{
    AuditEntry, AuditEvent, AuditStoreExt, Decision, DecisionExplanation, EntryReceipt,
    FeatureContribution, HumanReview, ModelReference,
};
use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};

use aigov_core::{Digest, ModelRef};
use aigov_explain::Explanation;
use aigov_policy::pii::{Redactor, Replacement};
use aigov_registry::Stage;
use serde_json::{Value, json};

use super::Governor;
use crate::{Error, Principal};
use aigov_core::Action;

/// What a decision record keeps of the input beside its digest.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum InputLogging {
    /// Only the SHA-256 of the input's canonical JSON.
    DigestOnly,
    /// The digest and the input with every string's PII replaced by placeholders.
    #[default]
    Redacted,
}

/// What the decision path needs to know about a version, remembered for a short time so
/// the hot path does not read the registry for every decision.
/// When a version was read, what it is, and its stage.
type ServingFacts = (Instant, ModelReference, Stage);

#[derive(Debug)]
pub(crate) struct ServingCache {
    ttl: Duration,
    /// A generation that every clear advances, and the entries.
    entries: RwLock<(u64, HashMap<ModelRef, ServingFacts>)>,
}

/// A cache hit, or the generation a miss was seen at.
enum Lookup {
    Hit(ModelReference, Stage),
    Miss(u64),
}

impl ServingCache {
    pub(crate) fn new(ttl: Duration) -> Self {
        ServingCache {
            ttl,
            entries: RwLock::new((0, HashMap::new())),
        }
    }

    fn get(&self, reference: &ModelRef) -> Lookup {
        let Ok(entries) = self.entries.read() else {
            return Lookup::Miss(u64::MAX);
        };
        match entries.1.get(reference) {
            Some((at, model, stage)) if at.elapsed() < self.ttl => {
                Lookup::Hit(model.clone(), *stage)
            }
            _ => Lookup::Miss(entries.0),
        }
    }

    /// Remembers what was read at `generation`, unless the registry changed since.
    fn put(&self, generation: u64, reference: &ModelRef, model: ModelReference, stage: Stage) {
        if self.ttl.is_zero() {
            return;
        }
        if let Ok(mut entries) = self.entries.write()
            && entries.0 == generation
        {
            entries
                .1
                .insert(reference.clone(), (Instant::now(), model, stage));
        }
    }

    /// Forgets everything: a registry change made through this governor.
    pub(crate) fn clear(&self) {
        if let Ok(mut entries) = self.entries.write() {
            entries.0 = entries.0.wrapping_add(1);
            entries.1.clear();
        }
    }
}

/// One decision a model made.
#[derive(Clone, Debug, PartialEq)]
pub struct DecisionRequest {
    /// The version (or alias) that decided.
    pub model: ModelRef,
    /// The input it saw.
    pub input: Value,
    /// Its score.
    pub score: f64,
    /// Its confidence, if it reports one.
    pub confidence: Option<f64>,
    /// The threshold the action was taken at.
    pub threshold: f64,
    /// What was done (`block`, `escalate`, `allow`).
    pub action: String,
    /// Why, as the top features.
    pub explanation: Option<DecisionExplanation>,
    /// The host's request or alert id.
    pub correlation_id: Option<String>,
}

/// Proof that a decision was recorded: its index proves inclusion later.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DecisionReceipt {
    /// The entry's index in the audit log.
    pub index: u64,
    /// Its leaf hash.
    pub leaf_hash: Digest,
    /// The root digest of the version that decided.
    pub root: Digest,
    /// The digest of the input's canonical JSON.
    pub input_digest: Digest,
}

/// The `top` largest attributions of an explanation, as a decision record holds them.
pub fn explanation_record(explanation: &Explanation, top: usize) -> DecisionExplanation {
    let mut values = explanation.values.clone();
    values.sort_by(|a, b| b.value.abs().total_cmp(&a.value.abs()));
    DecisionExplanation {
        method: explanation.method.as_str().to_string(),
        base_value: explanation.base_value,
        top_features: values
            .into_iter()
            .take(top)
            .map(|a| FeatureContribution {
                feature: a.feature,
                value: a.value,
            })
            .collect(),
    }
}

fn redact(value: &Value, redactor: &Redactor) -> Value {
    match value {
        Value::String(s) => Value::String(redactor.redact_text(s).0),
        Value::Array(items) => Value::Array(items.iter().map(|v| redact(v, redactor)).collect()),
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(k, v)| (k.clone(), redact(v, redactor)))
                .collect(),
        ),
        other => other.clone(),
    }
}

impl Governor {
    /// The background this version's decisions are explained against, if one is attached.
    pub fn explanation_background(
        &self,
        reference: &ModelRef,
    ) -> Result<Option<aigov_explain::Background>, Error> {
        let v = self.registry.resolve(reference)?;
        match v
            .evidence
            .iter()
            .rev()
            .find(|e| e.kind == aigov_registry::EvidenceKind::ExplanationBaseline)
        {
            Some(e) => Ok(Some(crate::evidence::background_of(
                &self.registry.evidence_content(e)?,
            )?)),
            None => Ok(None),
        }
    }

    /// Records a decision of a serving version (staging or production); a decision of a
    /// version that may not serve is refused and the refusal audited.
    pub fn record_decision(
        &self,
        principal: &Principal,
        request: DecisionRequest,
    ) -> Result<DecisionReceipt, Error> {
        self.authorize(principal, Action::RecordDecision)?;
        let actor = principal.actor();
        let (model, stage) = match self.serving.get(&request.model) {
            Lookup::Hit(model, stage) => (model, stage),
            Lookup::Miss(generation) => {
                let v = self.registry.resolve(&request.model)?;
                // The stored root must carry a valid approval for its stage: a root swapped
                // in the store (with a manifest to match) is approved by nobody.
                let stage = v.stage.to_string();
                // Verified and by someone other than the version's creator (expiry aside: an
                // approval that lapsed after promotion does not stop a serving version).
                let covered = self
                    .registry
                    .verify_approvals(&v, &self.directory.trust())
                    .into_iter()
                    .any(|check| {
                        matches!(
                            check.problem,
                            None | Some(aigov_registry::ApprovalProblem::Expired { .. })
                        ) && check.predicate.is_some_and(|p| {
                            p.stage == v.stage && p.decision == aigov_registry::Decision::Approve
                        })
                    });
                if v.stage.is_deployable() && !covered {
                    let reference = v.reference().to_string();
                    let msg = format!(
                        "{reference} is {stage} but no valid {stage} approval covers its root {}",
                        v.root
                    );
                    let subject = json!({"model": reference, "root": v.root.to_string()});
                    return Err(self.refuse(principal, "serving", "unapproved_root", msg, subject));
                }
                let model = ModelReference {
                    name: v.name.clone(),
                    version: v.version,
                    root: v.root,
                };
                self.serving
                    .put(generation, &request.model, model.clone(), v.stage);
                (model, v.stage)
            }
        };
        if !stage.is_deployable() {
            let reference = format!("{}@{}", model.name, model.version);
            let subject = json!({"model": reference, "stage": stage.to_string()});
            let msg = format!("{reference} is {stage} and may not decide");
            return Err(self.refuse(principal, "serving", "not_serving", msg, subject));
        }
        let input_digest = Digest::of(&aigov_registry::canonical_json(&request.input));
        let redacted_input = match self.input_logging {
            InputLogging::DigestOnly => None,
            InputLogging::Redacted => Some(redact(
                &request.input,
                &Redactor::new(Replacement::Placeholder),
            )),
        };
        let entry = AuditEntry {
            time: self.now(),
            actor: actor.clone(),
            authn: Some(principal.authn()),
            request: principal.request(),
            event: AuditEvent::Decision(Decision {
                model: model.clone(),
                input_digest,
                redacted_input,
                score: request.score,
                confidence: request.confidence,
                threshold: request.threshold,
                action: request.action,
                explanation: request.explanation,
                correlation_id: request.correlation_id,
            }),
        };
        let receipt = self.audit.append(&entry)?;
        Ok(DecisionReceipt {
            index: receipt.index,
            leaf_hash: receipt.leaf_hash,
            root: model.root,
            input_digest,
        })
    }

    /// Links a human review (or override) to the decision recorded at `decision_index`.
    pub fn record_review(
        &self,
        principal: &Principal,
        decision_index: u64,
        verdict: &str,
        overridden: bool,
        reason: &str,
    ) -> Result<EntryReceipt, Error> {
        self.authorize(principal, Action::RecordReview)?;
        let actor = principal.actor();
        if verdict.trim().is_empty() {
            return Err(Error::invalid("review", "the verdict is empty"));
        }
        let stored = self.audit.store().entry(decision_index)?;
        let Some(payload) = stored.payload else {
            return Err(Error::invalid(
                "review",
                format!("entry {decision_index} was erased; there is no decision to review"),
            ));
        };
        let entry = AuditEntry::from_bytes(&payload)?;
        let AuditEvent::Decision(decision) = &entry.event else {
            return Err(Error::invalid(
                "review",
                format!(
                    "entry {decision_index} is a {} record, not a decision",
                    entry.event.kind()
                ),
            ));
        };
        let review = AuditEntry {
            time: self.now(),
            actor: actor.clone(),
            authn: Some(principal.authn()),
            request: principal.request(),
            event: AuditEvent::HumanReview(HumanReview {
                reviewer: actor.clone(),
                verdict: verdict.to_string(),
                overridden,
                reason: reason.to_string(),
                decision_index,
                model: Some(decision.model.clone()),
            }),
        };
        Ok(self.audit.append(&review)?)
    }
}
