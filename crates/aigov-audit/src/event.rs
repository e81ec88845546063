//! Typed audit events and their canonical JSON: one deterministic byte form per entry.

use aigov_core::{ActorId, Authn, Digest, ModelName, VersionId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::AuditError;

/// Which model version acted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelReference {
    /// The model.
    pub name: ModelName,
    /// The version.
    pub version: VersionId,
    /// The version's root digest.
    pub root: Digest,
}

/// One feature's contribution to a decision.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FeatureContribution {
    /// The feature.
    pub feature: String,
    /// Its contribution to the score.
    pub value: f64,
}

/// Why the model decided as it did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DecisionExplanation {
    /// `exact`, `permutation`, `kernel`, ...
    pub method: String,
    /// The expected score over the background data.
    pub base_value: f64,
    /// The largest contributions, largest first.
    pub top_features: Vec<FeatureContribution>,
}

/// An AI-driven security decision.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    /// The model version that decided.
    pub model: ModelReference,
    /// SHA-256 of the canonical input.
    pub input_digest: Digest,
    /// The input with personal data masked, where policy allows keeping it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redacted_input: Option<Value>,
    /// The model's score.
    pub score: f64,
    /// The model's confidence, where it reports one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
    /// The decision threshold.
    pub threshold: f64,
    /// What was done: `block`, `alert`, `allow`, `step-up`, ...
    pub action: String,
    /// The explanation, when one was computed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explanation: Option<DecisionExplanation>,
    /// Ties the decision to the request or alert in other systems.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<String>,
}

/// A person reviewing (and perhaps overriding) a recorded decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HumanReview {
    /// Who reviewed.
    pub reviewer: ActorId,
    /// `confirmed`, `false-positive`, `false-negative`, ...
    pub verdict: String,
    /// Whether the reviewer overrode the model's action.
    #[serde(rename = "override")]
    pub overridden: bool,
    /// Why.
    pub reason: String,
    /// The log index of the decision reviewed.
    pub decision_index: u64,
    /// The version whose decision it was, so the review is indexed under it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<ModelReference>,
}

/// A signed approval recorded for a version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalRecord {
    /// The version approved.
    pub model: ModelReference,
    /// The stage approved for.
    pub stage: String,
    /// The approver's role.
    pub role: String,
    /// The approver.
    pub approver: ActorId,
    /// `approve` or `reject`.
    pub decision: String,
    /// SHA-256 of the DSSE envelope.
    pub envelope_digest: Digest,
}

/// A policy gate's decision (the policy crate's decision record).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GateRecord {
    /// The gate (`registration`, `production`, ...).
    pub gate: String,
    /// The decision id.
    pub decision_id: String,
    /// Whether the gate allowed.
    pub allow: bool,
    /// The full decision record.
    pub record: Value,
}

/// A drift, data-quality or KPI alert.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DriftAlert {
    /// The monitored model version, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<ModelReference>,
    /// The monitor that fired.
    pub monitor: String,
    /// `info`, `warning` or `critical`.
    pub severity: String,
    /// The figures behind the alert.
    pub details: Value,
}

/// A fairness audit's outcome.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FairnessAudit {
    /// The audited version.
    pub model: ModelReference,
    /// `pass`, `fail` or `insufficient-evidence`.
    pub verdict: String,
    /// Digest of the full report.
    pub report_digest: Digest,
    /// Headline figures.
    pub details: Value,
}

/// An action in an incident's lifecycle.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IncidentAction {
    /// The incident.
    pub incident_id: String,
    /// `opened`, `contained`, `notified`, `closed`, ...
    pub action: String,
    /// What was done.
    pub details: Value,
}

/// A version's decommissioning.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decommission {
    /// The version retired.
    pub model: ModelReference,
    /// `archive` or `destroy`.
    pub mode: String,
    /// Digest of the signed decommission certificate.
    pub certificate_digest: Digest,
}

/// A request signed by its actor, kept so the log proves who asked for what. Its nonce is the
/// entry's unique key: the log refuses a second entry with it, which is what makes a replayed
/// request fail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestRecord {
    /// The operation asked for (`promote`, `manage-actors`, ...).
    pub operation: String,
    /// SHA-256 of the operation's arguments as the caller canonicalised them.
    pub arguments: Digest,
    /// When the actor signed the request.
    pub signed_at: DateTime<Utc>,
    /// The request's one-time value.
    pub nonce: String,
    /// SHA-256 of the envelope's JSON text; entries made for the request name it.
    pub digest: Digest,
    /// The DSSE envelope as the actor signed it.
    pub envelope: Value,
}

/// What an audit entry records.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "payload", rename_all = "kebab-case")]
pub enum AuditEvent {
    /// An AI-driven decision.
    Decision(Decision),
    /// A human review of a decision.
    HumanReview(HumanReview),
    /// A policy gate decision.
    Gate(GateRecord),
    /// A signed approval.
    Approval(ApprovalRecord),
    /// A registry change (the registry's own event).
    Registry(Map<String, Value>),
    /// A monitoring alert.
    DriftAlert(DriftAlert),
    /// A fairness audit.
    FairnessAudit(FairnessAudit),
    /// An incident action.
    Incident(IncidentAction),
    /// A decommissioning.
    Decommission(Decommission),
    /// A signed request, recorded before the operation it asks for.
    Request(RequestRecord),
    /// Anything else: a JSON object.
    Custom(Map<String, Value>),
}

impl AuditEvent {
    /// The kebab-case kind name.
    pub fn kind(&self) -> &'static str {
        match self {
            AuditEvent::Decision(_) => "decision",
            AuditEvent::HumanReview(_) => "human-review",
            AuditEvent::Gate(_) => "gate",
            AuditEvent::Approval(_) => "approval",
            AuditEvent::Registry(_) => "registry",
            AuditEvent::DriftAlert(_) => "drift-alert",
            AuditEvent::FairnessAudit(_) => "fairness-audit",
            AuditEvent::Incident(_) => "incident",
            AuditEvent::Decommission(_) => "decommission",
            AuditEvent::Request(_) => "request",
            AuditEvent::Custom(_) => "custom",
        }
    }

    /// False when a typed number is NaN or infinite, which serde_json would silently write as
    /// `null`. Free-form JSON values cannot hold such numbers.
    fn numbers_are_finite(&self) -> bool {
        match self {
            AuditEvent::Decision(d) => {
                let explanation = d.explanation.as_ref().is_none_or(|x| {
                    x.base_value.is_finite() && x.top_features.iter().all(|f| f.value.is_finite())
                });
                d.score.is_finite()
                    && d.threshold.is_finite()
                    && d.confidence.is_none_or(f64::is_finite)
                    && explanation
            }
            _ => true,
        }
    }

    /// Builds an event from a kind name and its payload, validating the payload's shape.
    pub fn from_parts(kind: &str, payload: Value) -> Result<Self, AuditError> {
        serde_json::from_value(serde_json::json!({ "kind": kind, "payload": payload }))
            .map_err(|e| AuditError::invalid("audit event", format!("kind {kind:?}: {e}")))
    }
}

impl ModelReference {
    /// `name@version`, the subject entries about this version are indexed under.
    pub fn subject(&self) -> String {
        format!("{}@{}", self.name, self.version)
    }
}

/// A version named in free-form JSON: `{"model": "name", "version": N}` (registry events)
/// or `{"name": ..., "version": N}`.
fn named_version(map: &Map<String, Value>) -> Option<String> {
    let name = map
        .get("model")
        .or_else(|| map.get("name"))
        .and_then(Value::as_str)?;
    Some(match map.get("version").and_then(Value::as_u64) {
        Some(v) => format!("{name}@{v}"),
        None => name.to_string(),
    })
}

/// One audit log entry: when, who, what.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// When it happened.
    pub time: DateTime<Utc>,
    /// Who did it.
    pub actor: ActorId,
    /// How `actor` was authenticated; absent in entries logged before authentication was
    /// recorded and in entries a command wrote without an actor's operation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authn: Option<Authn>,
    /// SHA-256 of the signed request this entry was made for (with `authn: signed`); the
    /// request's own entry holds the envelope.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<Digest>,
    /// What happened.
    #[serde(flatten)]
    pub event: AuditEvent,
}

impl AuditEntry {
    /// The canonical bytes that are stored and leaf-hashed: compact JSON, fields in declaration
    /// order, object keys of free-form values sorted, numbers in shortest round-trip form.
    pub fn canonical_bytes(&self) -> Result<Vec<u8>, AuditError> {
        if !self.event.numbers_are_finite() {
            return Err(AuditError::invalid(
                "audit entry",
                "numbers must be finite (NaN and infinity have no JSON form)",
            ));
        }
        serde_json::to_vec(self).map_err(|e| AuditError::invalid("audit entry", e.to_string()))
    }

    /// The key no other entry of the log may carry: `registry-change:<id>` for a registry
    /// change that names its change id, so each change is recorded once however many
    /// processes try.
    pub fn unique_key(&self) -> Option<String> {
        match &self.event {
            AuditEvent::Registry(map) => map
                .get("change_id")
                .and_then(Value::as_str)
                .map(|id| format!("registry-change:{id}")),
            AuditEvent::Request(r) => Some(format!("request:{}:{}", self.actor, r.nonce)),
            _ => None,
        }
    }

    /// What the entry is about, for the store's subject index: `name@version` for a version,
    /// `name` for a model-level change, `incident:<id>` for incident actions (plus every
    /// version the action names).
    pub fn subjects(&self) -> Vec<String> {
        let mut out = match &self.event {
            AuditEvent::Decision(d) => vec![d.model.subject()],
            AuditEvent::HumanReview(r) => r.model.iter().map(ModelReference::subject).collect(),
            AuditEvent::Approval(a) => vec![a.model.subject()],
            AuditEvent::FairnessAudit(f) => vec![f.model.subject()],
            AuditEvent::Decommission(d) => vec![d.model.subject()],
            AuditEvent::DriftAlert(d) => d.model.iter().map(ModelReference::subject).collect(),
            AuditEvent::Registry(map) | AuditEvent::Custom(map) => {
                named_version(map).into_iter().collect()
            }
            AuditEvent::Gate(g) => match g.record.get("subject") {
                Some(Value::String(s)) => vec![s.clone()],
                Some(Value::Object(map)) => map
                    .get("model")
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .into_iter()
                    .collect(),
                _ => Vec::new(),
            },
            AuditEvent::Incident(a) => {
                let mut subjects = vec![format!("incident:{}", a.incident_id)];
                if let Some(affected) = a.details.get("affected").and_then(Value::as_array) {
                    subjects.extend(
                        affected
                            .iter()
                            .filter_map(Value::as_str)
                            .map(str::to_string),
                    );
                }
                subjects
            }
            AuditEvent::Request(_) => Vec::new(),
        };
        out.retain(|s| !s.is_empty() && s.len() <= 512);
        out.sort();
        out.dedup();
        out
    }

    /// Reads an entry back from its canonical bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, AuditError> {
        serde_json::from_slice(bytes).map_err(|e| AuditError::invalid("audit entry", e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decision() -> AuditEntry {
        AuditEntry {
            time: "2026-11-26T10:00:00.5Z".parse().unwrap(),
            actor: "scorer@svc".parse().unwrap(),
            authn: None,
            request: None,
            event: AuditEvent::Decision(Decision {
                model: ModelReference {
                    name: "login-risk".parse().unwrap(),
                    version: VersionId::new(3).unwrap(),
                    root: Digest::of(b"m"),
                },
                input_digest: Digest::of(b"input"),
                redacted_input: Some(serde_json::json!({"user": "<EMAIL>", "ip": "<IPV4>"})),
                score: 0.93,
                confidence: None,
                threshold: 0.8,
                action: "step-up".into(),
                explanation: Some(DecisionExplanation {
                    method: "exact".into(),
                    base_value: 0.1,
                    top_features: vec![FeatureContribution {
                        feature: "new_device".into(),
                        value: 0.5,
                    }],
                }),
                correlation_id: Some("req-1".into()),
            }),
        }
    }

    #[test]
    fn canonical_bytes_are_stable_and_round_trip() {
        let e = decision();
        let bytes = e.canonical_bytes().unwrap();
        let back = AuditEntry::from_bytes(&bytes).unwrap();
        assert_eq!(back, e);
        assert_eq!(back.canonical_bytes().unwrap(), bytes);
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.starts_with(r#"{"time":"2026-11-26T10:00:00.500Z","actor":"scorer@svc","kind":"decision","payload":{"model":"#), "{text}");
        assert!(
            text.contains(r#""redacted_input":{"ip":"<IPV4>","user":"<EMAIL>"}"#),
            "{text}"
        );
    }

    #[test]
    fn custom_payload_key_order_does_not_matter() {
        let a = AuditEvent::from_parts("custom", serde_json::from_str(r#"{"b":1,"a":2}"#).unwrap())
            .unwrap();
        let b = AuditEvent::from_parts("custom", serde_json::from_str(r#"{"a":2,"b":1}"#).unwrap())
            .unwrap();
        let entry = |event| AuditEntry {
            time: "2026-01-01T00:00:00Z".parse().unwrap(),
            actor: "a".parse().unwrap(),
            authn: None,
            request: None,
            event,
        };
        assert_eq!(
            entry(a).canonical_bytes().unwrap(),
            entry(b).canonical_bytes().unwrap()
        );
    }

    #[test]
    fn bad_payloads_and_non_finite_numbers_are_rejected() {
        assert!(AuditEvent::from_parts("decision", serde_json::json!({"score": 1})).is_err());
        assert!(AuditEvent::from_parts("nonsense", serde_json::json!({})).is_err());
        assert!(AuditEvent::from_parts("custom", serde_json::json!([1, 2])).is_err());
        let mut e = decision();
        if let AuditEvent::Decision(d) = &mut e.event {
            d.score = f64::NAN;
        }
        assert!(e.canonical_bytes().is_err());
    }
}
