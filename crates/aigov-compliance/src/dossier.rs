//! Everything the system holds about one model version, gathered once: the registry record,
//! the typed evidence reports, the approvals as verified now, the incidents that name it, and
//! the audit entries about it, each kept with its audit index so a document can cite it.

use std::collections::BTreeSet;

use aigov_audit::{AuditEntry, AuditEvent, AuditLog, AuditStoreExt};
use aigov_core::{ActorId, Digest, ModelRef};
use aigov_drift::ReferenceProfile;
use aigov_fairness::FairnessReport;
use aigov_incident::{Incident, IncidentStore};
use aigov_registry::{
    ApprovalCheck, EvidenceKind, EvidenceRef, ModelVersion, RegisteredModel, Registry, TrustStore,
};
use aigov_validation::{HoldoutReport, RobustnessReport};
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::ComplianceError;

/// A report and where it is stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Attached<T> {
    /// The registry's pointer to it (kind, digest, producer, who attached it and when).
    pub reference: EvidenceRef,
    /// The report.
    pub report: T,
}

/// One gate decision about the version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GateFact {
    /// Its audit index.
    pub index: u64,
    /// When.
    pub time: DateTime<Utc>,
    /// Who asked.
    pub actor: ActorId,
    /// The gate or rule.
    pub gate: String,
    /// Whether it allowed.
    pub allow: bool,
    /// The reason codes of a refusal.
    pub codes: Vec<String>,
}

/// One audit entry about the version, summarised.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoggedFact {
    /// Its audit index.
    pub index: u64,
    /// When.
    pub time: DateTime<Utc>,
    /// Who.
    pub actor: ActorId,
    /// What, in a few words.
    pub summary: String,
}

/// What the audit log says about the version.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LogFacts {
    /// Entries in the log when the dossier was gathered.
    pub size: u64,
    /// Size of the latest signed checkpoint, if any.
    pub checkpoint_size: Option<u64>,
    /// The oldest and newest entry times in the log.
    pub span: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// Gate decisions about the version.
    pub gates: Vec<GateFact>,
    /// Registry changes (registration, evidence, approvals, stages, deployments, holds).
    pub registry: Vec<LoggedFact>,
    /// Signed approvals recorded.
    pub approvals: Vec<LoggedFact>,
    /// Decisions the version made.
    pub decisions: u64,
    /// The first and last decision's audit index.
    pub decision_range: Option<(u64, u64)>,
    /// Human reviews of those decisions.
    pub reviews: Vec<LoggedFact>,
    /// Reviews that overrode the model.
    pub overrides: u64,
    /// Drift and KPI alerts.
    pub alerts: Vec<LoggedFact>,
    /// Fairness audits recorded.
    pub fairness_audits: Vec<LoggedFact>,
    /// Incident actions of incidents that name the version.
    pub incident_actions: Vec<LoggedFact>,
    /// Decommissioning.
    pub decommission: Option<LoggedFact>,
}

/// Everything known about one version.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dossier {
    /// When it was gathered.
    pub generated_at: DateTime<Utc>,
    /// The model.
    pub model: RegisteredModel,
    /// The version.
    pub version: ModelVersion,
    /// Hold-out performance.
    pub performance: Option<Attached<HoldoutReport>>,
    /// The fairness audit.
    pub fairness: Option<Attached<FairnessReport>>,
    /// Robustness tests.
    pub robustness: Option<Attached<RobustnessReport>>,
    /// The drift baseline's columns and row count.
    pub drift_baseline: Option<Attached<BaselineSummary>>,
    /// The explanation background, if attached.
    pub explanation_baseline: Option<EvidenceRef>,
    /// The registered SBOM (CycloneDX JSON), if any.
    pub sbom: Option<Value>,
    /// The root digest of the base model, when the lineage names one the registry knows.
    pub parent_root: Option<Digest>,
    /// Every stored approval as verified now against the trust store.
    pub approvals: Vec<ApprovalCheck>,
    /// Incidents whose affected versions include this one.
    pub incidents: Vec<Incident>,
    /// What the audit log says.
    pub log: LogFacts,
}

/// A drift baseline without its value distributions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BaselineSummary {
    /// Rows profiled.
    pub rows: u64,
    /// Columns profiled.
    pub columns: Vec<String>,
}

fn typed<T: DeserializeOwned>(
    registry: &Registry,
    version: &ModelVersion,
    kind: EvidenceKind,
) -> Result<Option<Attached<T>>, ComplianceError> {
    let Some(reference) = version.evidence.iter().rev().find(|e| e.kind == kind) else {
        return Ok(None);
    };
    let content = registry.evidence_content(reference)?;
    let report = T::deserialize(&content).map_err(|e| {
        ComplianceError::malformed(format!("{kind} evidence {}", reference.digest), e)
    })?;
    Ok(Some(Attached {
        reference: reference.clone(),
        report,
    }))
}

/// Whether an entry's JSON is about `name` at `version`: typed events carry
/// `{"name", "version"}`, registry events `{"model", "version"}`, gate records a `subject`.
fn about(value: &Value, name: &str, version: u64, reference: &str) -> bool {
    match value {
        Value::Object(map) => {
            let named = map.get("name").and_then(Value::as_str) == Some(name)
                || map.get("model").and_then(Value::as_str) == Some(name);
            let hit = named && map.get("version").and_then(Value::as_u64) == Some(version);
            let subject = map.get("subject").and_then(Value::as_str) == Some(reference)
                || map.get("model").and_then(Value::as_str) == Some(reference);
            hit || subject || map.values().any(|v| about(v, name, version, reference))
        }
        Value::Array(items) => items.iter().any(|v| about(v, name, version, reference)),
        _ => false,
    }
}

impl Dossier {
    /// Gathers the dossier of `reference` at `now`, verifying approvals against `trust`.
    pub fn collect(
        registry: &Registry,
        audit: &AuditLog,
        incidents: &dyn IncidentStore,
        trust: &TrustStore,
        reference: &ModelRef,
        now: DateTime<Utc>,
    ) -> Result<Dossier, ComplianceError> {
        let version = registry.resolve(reference)?;
        let model = registry.store().model(&version.name)?.ok_or_else(|| {
            ComplianceError::malformed(version.name.to_string(), "no model record")
        })?;
        let drift_baseline =
            match typed::<ReferenceProfile>(registry, &version, EvidenceKind::DriftBaseline)? {
                Some(a) => Some(Attached {
                    reference: a.reference,
                    report: BaselineSummary {
                        rows: a.report.rows,
                        columns: a.report.columns.iter().map(|c| c.name.clone()).collect(),
                    },
                }),
                None => None,
            };
        let sbom = match version.lineage.sbom {
            Some(digest) => Some(sbom(registry, &digest)?),
            None => None,
        };
        let parent_root = match &version.lineage.parent {
            Some(parent) => match registry.resolve(parent) {
                Ok(p) => Some(p.root),
                Err(aigov_registry::RegistryError::NotFound(_)) => None,
                Err(e) => return Err(e.into()),
            },
            None => None,
        };
        let exact = ModelRef::version(version.name.clone(), version.version);
        let incidents: Vec<Incident> = incidents
            .list(None)?
            .into_iter()
            .filter(|i| i.affected.contains(&exact))
            .collect();
        let log = log_facts(audit, &version, &incidents)?;
        Ok(Dossier {
            generated_at: now,
            performance: typed(registry, &version, EvidenceKind::Performance)?,
            fairness: typed(registry, &version, EvidenceKind::Fairness)?,
            robustness: typed(registry, &version, EvidenceKind::Robustness)?,
            drift_baseline,
            explanation_baseline: version
                .evidence
                .iter()
                .rev()
                .find(|e| e.kind == EvidenceKind::ExplanationBaseline)
                .cloned(),
            sbom,
            parent_root,
            approvals: registry.verify_approvals(&version, trust),
            incidents,
            log,
            model,
            version,
        })
    }

    /// `name@version`.
    pub fn reference(&self) -> String {
        self.version.reference()
    }
}

fn sbom(registry: &Registry, digest: &Digest) -> Result<Value, ComplianceError> {
    use aigov_registry::ArtifactStoreExt;
    let bytes = registry.artifacts().get_verified(digest)?;
    serde_json::from_slice(&bytes)
        .map_err(|e| ComplianceError::malformed(format!("SBOM {digest}"), e))
}

/// Reads the log once, keeping what is about the version. Entries whose payload was erased
/// are skipped (their leaf hashes still verify).
fn log_facts(
    audit: &AuditLog,
    version: &ModelVersion,
    incidents: &[Incident],
) -> Result<LogFacts, ComplianceError> {
    const PAGE: u64 = 4096;
    let name = version.name.to_string();
    let number = version.version.get();
    let reference = version.reference();
    let incident_ids: BTreeSet<&str> = incidents.iter().map(|i| i.id.as_str()).collect();
    let mut facts = LogFacts {
        size: audit.size()?,
        checkpoint_size: audit.store().latest_checkpoint()?.map(|c| c.0),
        ..LogFacts::default()
    };
    let mut decisions = BTreeSet::new();
    let mut from = 0;
    while from < facts.size {
        let to = (from + PAGE).min(facts.size);
        for stored in audit.store().entries(from, to)? {
            facts.span = Some(match facts.span {
                None => (stored.time, stored.time),
                Some((a, b)) => (a.min(stored.time), b.max(stored.time)),
            });
            let Some(payload) = &stored.payload else {
                continue;
            };
            // Cheap test first: most entries of a busy log are about other models.
            if !contains(payload, name.as_bytes()) && !contains(payload, b"human-review") {
                continue;
            }
            let entry = AuditEntry::from_bytes(payload)?;
            let index = stored.index;
            let fact = |summary: String| LoggedFact {
                index,
                time: entry.time,
                actor: entry.actor.clone(),
                summary,
            };
            match &entry.event {
                AuditEvent::HumanReview(r) => {
                    if decisions.contains(&r.decision_index) {
                        if r.overridden {
                            facts.overrides += 1;
                        }
                        facts.reviews.push(fact(format!(
                            "review of decision {}: {}{}",
                            r.decision_index,
                            r.verdict,
                            if r.overridden { " (override)" } else { "" }
                        )));
                    }
                }
                AuditEvent::Incident(a) => {
                    if incident_ids.contains(a.incident_id.as_str()) {
                        facts
                            .incident_actions
                            .push(fact(format!("incident {}: {}", a.incident_id, a.action)));
                    }
                }
                event => {
                    let value = serde_json::to_value(event).map_err(|e| {
                        ComplianceError::malformed(format!("audit entry {index}"), e)
                    })?;
                    if !about(&value, &name, number, &reference) {
                        continue;
                    }
                    match event {
                        AuditEvent::Decision(_) => {
                            facts.decisions += 1;
                            decisions.insert(index);
                            facts.decision_range = Some(match facts.decision_range {
                                None => (index, index),
                                Some((a, _)) => (a, index),
                            });
                        }
                        AuditEvent::Gate(g) => facts.gates.push(GateFact {
                            index,
                            time: entry.time,
                            actor: entry.actor.clone(),
                            gate: g.gate.clone(),
                            allow: g.allow,
                            codes: codes(&g.record),
                        }),
                        AuditEvent::Approval(a) => facts.approvals.push(fact(format!(
                            "{} {} for {} as {}",
                            a.approver, a.decision, a.stage, a.role
                        ))),
                        AuditEvent::Registry(map) => facts.registry.push(fact(
                            map.get("event")
                                .and_then(Value::as_str)
                                .unwrap_or("registry change")
                                .to_string(),
                        )),
                        AuditEvent::DriftAlert(d) => facts
                            .alerts
                            .push(fact(format!("{} alert ({})", d.monitor, d.severity))),
                        AuditEvent::FairnessAudit(f) => facts
                            .fairness_audits
                            .push(fact(format!("verdict {}", f.verdict))),
                        AuditEvent::Decommission(d) => {
                            facts.decommission = Some(fact(format!("decommissioned ({})", d.mode)))
                        }
                        _ => {}
                    }
                }
            }
        }
        from = to;
    }
    Ok(facts)
}

fn codes(record: &Value) -> Vec<String> {
    let deny = record
        .get("result")
        .and_then(|r| r.get("deny"))
        .or_else(|| record.get("deny"));
    deny.and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|f| f.get("code").and_then(Value::as_str).map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}
