//! Coverage of the evidence against the NIST AI RMF 1.0 functions (Govern, Map, Measure,
//! Manage; the subcategories the evidence speaks to) and ISO/IEC 42001:2023 Annex A controls.
//! Each row says which evidence covers it, or that nothing does.

use serde::{Deserialize, Serialize};

use crate::Dossier;
use crate::annex_iv::{Reference, Status};

/// One framework row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ControlCoverage {
    /// `NIST AI RMF` or `ISO/IEC 42001`.
    pub framework: String,
    /// The function (Govern, Map, Measure, Manage) or the Annex A group.
    pub group: String,
    /// The subcategory or control id (`MEASURE 2.11`, `A.6.2.4`).
    pub id: String,
    /// What it asks for, in short.
    pub title: String,
    /// Covered by evidence or not.
    pub status: Status,
    /// The evidence, or what is missing.
    pub evidence: String,
    /// What proves it.
    pub references: Vec<Reference>,
}

/// The facts a row can rest on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fact {
    Approvals,
    PolicyGates,
    Purpose,
    Datasets,
    Sbom,
    Performance,
    Fairness,
    Robustness,
    DriftBaseline,
    Alerts,
    Reviews,
    AuditLog,
    IncidentResponse,
    Explanations,
}

const ROWS: &[(&str, &str, &str, &str, Fact)] = &[
    (
        "NIST AI RMF",
        "Govern",
        "GOVERN 1.4",
        "risk management through transparent policies and controls",
        Fact::PolicyGates,
    ),
    (
        "NIST AI RMF",
        "Govern",
        "GOVERN 2.1",
        "roles, responsibilities and lines of communication documented",
        Fact::Approvals,
    ),
    (
        "NIST AI RMF",
        "Map",
        "MAP 1.1",
        "intended purposes and context of use documented",
        Fact::Purpose,
    ),
    (
        "NIST AI RMF",
        "Map",
        "MAP 4.1",
        "risks of third-party data and software mapped (provenance, licences)",
        Fact::Datasets,
    ),
    (
        "NIST AI RMF",
        "Measure",
        "MEASURE 2.3",
        "performance demonstrated for the conditions of deployment",
        Fact::Performance,
    ),
    (
        "NIST AI RMF",
        "Measure",
        "MEASURE 2.7",
        "security and resilience evaluated",
        Fact::Robustness,
    ),
    (
        "NIST AI RMF",
        "Measure",
        "MEASURE 2.9",
        "the model explained and its output interpreted",
        Fact::Explanations,
    ),
    (
        "NIST AI RMF",
        "Measure",
        "MEASURE 2.11",
        "fairness and bias evaluated",
        Fact::Fairness,
    ),
    (
        "NIST AI RMF",
        "Measure",
        "MEASURE 2.4",
        "functionality and behaviour monitored in production",
        Fact::DriftBaseline,
    ),
    (
        "NIST AI RMF",
        "Manage",
        "MANAGE 2.4",
        "mechanisms to supersede, disengage or deactivate",
        Fact::IncidentResponse,
    ),
    (
        "NIST AI RMF",
        "Manage",
        "MANAGE 4.1",
        "post-deployment monitoring, including human input",
        Fact::Reviews,
    ),
    (
        "NIST AI RMF",
        "Manage",
        "MANAGE 4.3",
        "incidents and errors tracked and communicated",
        Fact::Alerts,
    ),
    (
        "ISO/IEC 42001",
        "A.2 Policies",
        "A.2.2",
        "AI policy",
        Fact::PolicyGates,
    ),
    (
        "ISO/IEC 42001",
        "A.3 Internal organization",
        "A.3.2",
        "AI roles and responsibilities",
        Fact::Approvals,
    ),
    (
        "ISO/IEC 42001",
        "A.5 Assessing impacts",
        "A.5.4",
        "impact on individuals or groups assessed",
        Fact::Fairness,
    ),
    (
        "ISO/IEC 42001",
        "A.6 AI system life cycle",
        "A.6.2.2",
        "AI system requirements and specification",
        Fact::Purpose,
    ),
    (
        "ISO/IEC 42001",
        "A.6 AI system life cycle",
        "A.6.2.4",
        "AI system verification and validation",
        Fact::Performance,
    ),
    (
        "ISO/IEC 42001",
        "A.6 AI system life cycle",
        "A.6.2.6",
        "AI system operation and monitoring",
        Fact::DriftBaseline,
    ),
    (
        "ISO/IEC 42001",
        "A.6 AI system life cycle",
        "A.6.2.8",
        "AI system recording of event logs",
        Fact::AuditLog,
    ),
    (
        "ISO/IEC 42001",
        "A.7 Data for AI systems",
        "A.7.5",
        "data provenance",
        Fact::Datasets,
    ),
    (
        "ISO/IEC 42001",
        "A.8 Information for interested parties",
        "A.8.4",
        "communication of incidents",
        Fact::IncidentResponse,
    ),
    (
        "ISO/IEC 42001",
        "A.10 Third-party relationships",
        "A.10.3",
        "suppliers (software bill of materials)",
        Fact::Sbom,
    ),
];

fn evidence_ref(reference: &aigov_registry::EvidenceRef) -> Reference {
    Reference::Evidence {
        evidence: reference.kind.to_string(),
        digest: reference.digest.to_string(),
    }
}

/// What a fact rests on in this dossier: (text, references), or `None` when nothing shows it.
fn fact(d: &Dossier, fact: Fact) -> Option<(String, Vec<Reference>)> {
    let audit = |facts: &[crate::LoggedFact]| -> Vec<Reference> {
        facts
            .iter()
            .map(|f| Reference::Audit { index: f.index })
            .collect()
    };
    match fact {
        Fact::Approvals => {
            let valid = d.approvals.iter().filter(|c| c.is_valid()).count();
            (valid > 0).then(|| {
                (
                    format!("{valid} valid signed approval(s) by role"),
                    audit(&d.log.approvals),
                )
            })
        }
        Fact::PolicyGates => (!d.log.gates.is_empty()).then(|| {
            (
                format!("{} policy gate decision(s) recorded", d.log.gates.len()),
                d.log
                    .gates
                    .iter()
                    .map(|g| Reference::Audit { index: g.index })
                    .collect(),
            )
        }),
        Fact::Purpose => (!d.model.intended_purpose.is_empty())
            .then(|| (d.model.intended_purpose.clone(), Vec::new())),
        Fact::Datasets => (!d.version.lineage.datasets.is_empty()).then(|| {
            (
                format!(
                    "{} training dataset(s) with digests and licences",
                    d.version.lineage.datasets.len()
                ),
                Vec::new(),
            )
        }),
        Fact::Sbom => d
            .sbom
            .as_ref()
            .map(|_| ("CycloneDX SBOM registered".to_string(), Vec::new())),
        Fact::Performance => d.performance.as_ref().map(|p| {
            (
                "hold-out metrics".to_string(),
                vec![evidence_ref(&p.reference)],
            )
        }),
        Fact::Fairness => d.fairness.as_ref().map(|f| {
            (
                format!("fairness audit, verdict {:?}", f.report.verdict),
                vec![evidence_ref(&f.reference)],
            )
        }),
        Fact::Robustness => d.robustness.as_ref().map(|r| {
            (
                "evasion tests under constraints".to_string(),
                vec![evidence_ref(&r.reference)],
            )
        }),
        Fact::Explanations => d.explanation_baseline.as_ref().map(|e| {
            (
                "Shapley explanations against a recorded background".to_string(),
                vec![evidence_ref(e)],
            )
        }),
        Fact::DriftBaseline => d.drift_baseline.as_ref().map(|b| {
            (
                "drift monitoring against the baseline".to_string(),
                vec![evidence_ref(&b.reference)],
            )
        }),
        Fact::Alerts => (!d.log.alerts.is_empty() || !d.incidents.is_empty()).then(|| {
            let mut refs = audit(&d.log.alerts);
            refs.extend(
                d.incidents
                    .iter()
                    .map(|i| Reference::Incident { id: i.id.clone() }),
            );
            (
                format!(
                    "{} alert(s), {} incident(s)",
                    d.log.alerts.len(),
                    d.incidents.len()
                ),
                refs,
            )
        }),
        Fact::Reviews => (!d.log.reviews.is_empty()).then(|| {
            (
                format!(
                    "{} human review(s), {} override(s)",
                    d.log.reviews.len(),
                    d.log.overrides
                ),
                audit(&d.log.reviews),
            )
        }),
        Fact::AuditLog => Some((
            format!("tamper-evident audit log of {} entries", d.log.size),
            Vec::new(),
        )),
        Fact::IncidentResponse => (!d.incidents.is_empty()).then(|| {
            let mut refs: Vec<Reference> = d
                .incidents
                .iter()
                .map(|i| Reference::Incident { id: i.id.clone() })
                .collect();
            refs.extend(audit(&d.log.incident_actions));
            (
                format!(
                    "{} incident(s) contained through playbooks",
                    d.incidents.len()
                ),
                refs,
            )
        }),
    }
}

/// Every row of both frameworks for a dossier.
pub fn framework_coverage(d: &Dossier) -> Vec<ControlCoverage> {
    ROWS.iter()
        .map(|(framework, group, id, title, f)| {
            let (status, evidence, references) = match fact(d, *f) {
                Some((text, refs)) => (Status::Evidenced, text, refs),
                None => (
                    Status::Gap,
                    "no evidence in the system".to_string(),
                    Vec::new(),
                ),
            };
            ControlCoverage {
                framework: framework.to_string(),
                group: group.to_string(),
                id: id.to_string(),
                title: title.to_string(),
                status,
                evidence,
                references,
            }
        })
        .collect()
}

/// The coverage as a Markdown table.
pub fn coverage_markdown(rows: &[ControlCoverage]) -> String {
    let mut out = String::from(
        "| framework | id | requirement | status | evidence |\n| --- | --- | --- | --- | --- |\n",
    );
    for r in rows {
        out += &format!(
            "| {} | {} | {} | {} | {}{} |\n",
            r.framework,
            r.id,
            r.title,
            match r.status {
                Status::Evidenced => "covered",
                Status::Gap => "**gap**",
            },
            r.evidence,
            if r.references.is_empty() {
                String::new()
            } else {
                format!(
                    " [{}]",
                    r.references
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        );
    }
    out
}
