//! Everything the system holds about one model version, gathered once: the registry record,
//! the typed evidence reports, the approvals as verified now, the incidents that name it, and
//! the audit entries about it, each kept with its audit index so a document can cite it.

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

/// A drifted column's distributions, from a drift alert.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AlertHistogram {
    /// The alert's audit index.
    pub index: u64,
    /// The column.
    pub column: String,
    /// Bin or category labels.
    pub labels: Vec<String>,
    /// Reference counts per label.
    pub reference: Vec<u64>,
    /// Current counts per label.
    pub current: Vec<u64>,
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
    /// Reference and current distributions of columns that drifted, as their alerts recorded
    /// them.
    pub histograms: Vec<AlertHistogram>,
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

/// Entry kinds read in full; decisions are only counted (a busy model has millions).
const READ_KINDS: [&str; 8] = [
    "gate",
    "registry",
    "approval",
    "human-review",
    "drift-alert",
    "fairness-audit",
    "decommission",
    "custom",
];
/// Indices asked for at a time.
const PAGE: usize = 4096;

/// Every index about `subject` of `kind`, through the store's subject index.
fn indices(
    audit: &AuditLog,
    subject: &str,
    kind: Option<&str>,
) -> Result<Vec<u64>, ComplianceError> {
    Ok(audit.indices_about(subject, kind)?)
}

/// The newest index about `subject` of `kind`, by bisection over the index (no scan).
fn last_index(
    audit: &AuditLog,
    subject: &str,
    kind: &str,
    first: u64,
    size: u64,
) -> Result<u64, ComplianceError> {
    let (mut lo, mut hi) = (first, size);
    // Invariant: an entry exists at or after `lo`; none at or after `hi`.
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if audit
            .store()
            .entries_about(subject, Some(kind), mid, 1)?
            .is_empty()
        {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Ok(audit
        .store()
        .entries_about(subject, Some(kind), lo, 1)?
        .first()
        .copied()
        .unwrap_or(first))
}

/// The stored entries at `wanted` (ascending), read in contiguous runs.
fn read(
    audit: &AuditLog,
    wanted: &[u64],
) -> Result<Vec<aigov_audit::StoredEntry>, ComplianceError> {
    let mut out = Vec::with_capacity(wanted.len());
    let mut k = 0;
    while k < wanted.len() {
        let start = wanted[k];
        let mut end = start + 1;
        while k + 1 < wanted.len() && wanted[k + 1] == end && end - start < PAGE as u64 {
            end += 1;
            k += 1;
        }
        out.extend(audit.store().entries(start, end)?);
        k += 1;
    }
    Ok(out)
}

/// What the log says about the version, read through the store's subject index: decisions
/// are counted, everything else is read. Entries whose payload was erased are skipped (their
/// leaf hashes still verify).
fn log_facts(
    audit: &AuditLog,
    version: &ModelVersion,
    incidents: &[Incident],
) -> Result<LogFacts, ComplianceError> {
    let subject = version.reference();
    let mut facts = LogFacts {
        size: audit.size()?,
        checkpoint_size: audit.store().latest_checkpoint()?.map(|c| c.0),
        ..LogFacts::default()
    };
    if facts.size > 0 {
        let first = audit.store().entries(0, 1)?;
        let last = audit.store().entries(facts.size - 1, facts.size)?;
        if let (Some(a), Some(b)) = (first.first(), last.first()) {
            facts.span = Some((a.time, b.time));
        }
    }
    facts.decisions = audit.store().count_about(&subject, Some("decision"))?;
    if let Some(&first) = audit
        .store()
        .entries_about(&subject, Some("decision"), 0, 1)?
        .first()
    {
        facts.decision_range = Some((
            first,
            last_index(audit, &subject, "decision", first, facts.size)?,
        ));
    }
    let mut wanted = Vec::new();
    for kind in READ_KINDS {
        wanted.extend(indices(audit, &subject, Some(kind))?);
    }
    for incident in incidents {
        wanted.extend(indices(
            audit,
            &format!("incident:{}", incident.id),
            Some("incident"),
        )?);
    }
    wanted.sort_unstable();
    wanted.dedup();
    for stored in read(audit, &wanted)? {
        let Some(payload) = &stored.payload else {
            continue;
        };
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
            AuditEvent::Incident(a) => facts
                .incident_actions
                .push(fact(format!("incident {}: {}", a.incident_id, a.action))),
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
            AuditEvent::DriftAlert(d) => {
                facts
                    .alerts
                    .push(fact(format!("{} alert ({})", d.monitor, d.severity)));
                if let Some(h) = d.details.get("histogram") {
                    let mut h = h.clone();
                    h["index"] = Value::from(index);
                    if let Ok(histogram) = serde_json::from_value::<AlertHistogram>(h) {
                        let consistent = histogram.labels.len() == histogram.reference.len()
                            && histogram.labels.len() == histogram.current.len();
                        if consistent {
                            facts.histograms.push(histogram);
                        }
                    }
                }
            }
            AuditEvent::FairnessAudit(f) => facts
                .fairness_audits
                .push(fact(format!("verdict {}", f.verdict))),
            AuditEvent::Decommission(d) => {
                facts.decommission = Some(fact(format!("decommissioned ({})", d.mode)))
            }
            AuditEvent::Decision(_) | AuditEvent::Request(_) | AuditEvent::Custom(_) => {}
        }
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
