//! EU AI Act Annex IV technical documentation (Art. 11) of a version: its nine sections
//! filled from the dossier, and how Articles 9, 12 and 19, 14, 15, 72 and 73 are met. Every
//! requirement without evidence is a gap, listed, never left blank; every claim cites the
//! audit entries, evidence digests or incidents that prove it.

use aigov_registry::Stage;
use serde::{Deserialize, Serialize};

use crate::Dossier;
use crate::dossier::LoggedFact;

/// What proves a claim.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reference {
    /// An audit log entry.
    Audit {
        /// Its index.
        index: u64,
    },
    /// An evidence report in the artifact store.
    Evidence {
        /// Its kind.
        evidence: String,
        /// Its digest.
        digest: String,
    },
    /// An incident.
    Incident {
        /// Its id.
        id: String,
    },
}

impl std::fmt::Display for Reference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reference::Audit { index } => write!(f, "audit #{index}"),
            Reference::Evidence { evidence, digest } => write!(f, "{evidence} {digest}"),
            Reference::Incident { id } => write!(f, "incident {id}"),
        }
    }
}

/// Whether a requirement is evidenced.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Evidence exists and is cited.
    Evidenced,
    /// Nothing in the system shows it.
    Gap,
}

/// One requirement of a section or article.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// What Annex IV or the Article asks for.
    pub requirement: String,
    /// Evidenced or a gap.
    pub status: Status,
    /// What the evidence says, or what is missing.
    pub text: String,
    /// What proves it.
    pub references: Vec<Reference>,
}

/// One Annex IV section.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    /// Its number (1 to 9).
    pub number: u8,
    /// Its title.
    pub title: String,
    /// Its requirements.
    pub items: Vec<Item>,
}

/// How one Article is met.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleCheck {
    /// `Art. 9`, `Art. 12 and 19`, ...
    pub article: String,
    /// What it is about.
    pub title: String,
    /// Its requirements.
    pub items: Vec<Item>,
}

/// The technical documentation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnexIv {
    /// `name@version`.
    pub model: String,
    /// The root digest.
    pub root: String,
    /// When it was generated.
    pub generated_at: String,
    /// The nine sections.
    pub sections: Vec<Section>,
    /// The Articles.
    pub articles: Vec<ArticleCheck>,
    /// Coverage against the NIST AI RMF and ISO/IEC 42001 Annex A.
    pub frameworks: Vec<crate::frameworks::ControlCoverage>,
}

fn evidenced(requirement: &str, text: String, references: Vec<Reference>) -> Item {
    Item {
        requirement: requirement.into(),
        status: Status::Evidenced,
        text,
        references,
    }
}

fn gap(requirement: &str, text: &str) -> Item {
    Item {
        requirement: requirement.into(),
        status: Status::Gap,
        text: text.into(),
        references: Vec::new(),
    }
}

fn audit_refs(facts: &[LoggedFact]) -> Vec<Reference> {
    facts
        .iter()
        .map(|f| Reference::Audit { index: f.index })
        .collect()
}

fn evidence_ref(reference: &aigov_registry::EvidenceRef) -> Reference {
    Reference::Evidence {
        evidence: reference.kind.to_string(),
        digest: reference.digest.to_string(),
    }
}

fn gates(d: &Dossier, gate: &str) -> Vec<Reference> {
    d.log
        .gates
        .iter()
        .filter(|g| g.gate == gate)
        .map(|g| Reference::Audit { index: g.index })
        .collect()
}

fn either(requirement: &str, present: Option<(String, Vec<Reference>)>, missing: &str) -> Item {
    match present {
        Some((text, refs)) => evidenced(requirement, text, refs),
        None => gap(requirement, missing),
    }
}

impl AnnexIv {
    /// Builds the documentation from a dossier.
    pub fn build(d: &Dossier) -> AnnexIv {
        let v = &d.version;
        let lineage = &v.lineage;
        let valid_approvals: Vec<_> = d
            .approvals
            .iter()
            .filter_map(|c| c.is_valid().then_some(c.predicate.as_ref()).flatten())
            .collect();
        let general = Section {
            number: 1,
            title: "General description of the AI system".into(),
            items: vec![
                either(
                    "Intended purpose, provider and version",
                    (!d.model.intended_purpose.is_empty()).then(|| {
                        (
                            format!(
                                "{}: {} (owner {}, version {}, root digest {}, risk class {:?})",
                                d.model.name,
                                d.model.intended_purpose,
                                d.model.owner,
                                v.version,
                                v.root,
                                d.model.risk_class
                            ),
                            audit_refs(&first_registry(d, "version-registered")),
                        )
                    }),
                    "no intended purpose is recorded for the model",
                ),
                either(
                    "Versions of relevant software (SBOM)",
                    d.sbom.as_ref().map(|s| {
                        let n = s
                            .get("components")
                            .and_then(|c| c.as_array())
                            .map_or(0, Vec::len);
                        (
                            format!(
                                "CycloneDX SBOM with {n} component(s), digest {}",
                                lineage.sbom.map(|x| x.to_string()).unwrap_or_default()
                            ),
                            Vec::new(),
                        )
                    }),
                    "no SBOM is registered",
                ),
                gap(
                    "Instructions for use (Art. 13)",
                    "no instructions for use are recorded in the system",
                ),
            ],
        };
        let development = Section {
            number: 2,
            title: "Elements of the AI system and its development".into(),
            items: vec![
                either(
                    "Training data: provenance, scope and characteristics",
                    (!lineage.datasets.is_empty()).then(|| {
                        (
                            lineage
                                .datasets
                                .iter()
                                .map(|ds| format!("{} ({}, {}, licence {}, PII redacted: {})", ds.name, ds.digest, ds.uri, ds.license, ds.pii_redacted))
                                .collect::<Vec<_>>()
                                .join("; "),
                            gates(d, "registration"),
                        )
                    }),
                    "no training dataset is recorded",
                ),
                either(
                    "Design and development process (code, training run)",
                    lineage.code.as_ref().map(|c| {
                        (
                            format!(
                                "code {} at {}; trained by {}",
                                c.repository,
                                c.commit,
                                lineage.trained_by.as_ref().map_or("unrecorded".into(), |a| a.to_string())
                            ),
                            gates(d, "registration"),
                        )
                    }),
                    "the training code's commit is not recorded",
                ),
                either(
                    "Validation and testing procedures, metrics and test logs",
                    d.performance.as_ref().map(|p| {
                        let r = &p.report;
                        let mut refs = vec![evidence_ref(&p.reference)];
                        refs.extend(gates(d, "validation"));
                        (
                            format!(
                                "hold-out of {} rows ({} malicious): ROC AUC {}, precision {}, recall {}, false-positive rate {} at threshold {}",
                                r.n, r.positives, show(r.roc_auc.value()), show(r.precision.value()), show(r.recall.value()), show(r.false_positive_rate.value()), r.options.threshold
                            ),
                            refs,
                        )
                    }),
                    "no performance evidence is attached",
                ),
                either(
                    "Human oversight measures (Art. 14)",
                    (!d.log.reviews.is_empty()).then(|| {
                        (
                            format!("{} human review(s), {} override(s) of {} decision(s)", d.log.reviews.len(), d.log.overrides, d.log.decisions),
                            audit_refs(&d.log.reviews),
                        )
                    }),
                    "no human review of this version's decisions is recorded",
                ),
                either(
                    "Cybersecurity measures (Art. 15(5))",
                    d.robustness.as_ref().map(|r| (robustness_text(r), vec![evidence_ref(&r.reference)])),
                    "no robustness (evasion, poisoning) evidence is attached",
                ),
            ],
        };
        let monitoring = Section {
            number: 3,
            title: "Monitoring, functioning and control".into(),
            items: vec![
                either(
                    "Accuracy for specific persons or groups",
                    d.fairness.as_ref().map(|f| {
                        let mut refs = vec![evidence_ref(&f.reference)];
                        refs.extend(audit_refs(&d.log.fairness_audits));
                        (
                            format!(
                                "fairness verdict {:?} over {} group(s); rules: {}",
                                f.report.verdict,
                                f.report.groups.len(),
                                f.report
                                    .rules
                                    .iter()
                                    .map(|r| format!("{:?} {:?}", r.rule.metric, r.verdict))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                            refs,
                        )
                    }),
                    "no fairness audit is attached",
                ),
                either(
                    "Specifications for input data",
                    d.drift_baseline.as_ref().map(|b| {
                        (
                            format!(
                                "drift baseline of {} rows over columns {}",
                                b.report.rows,
                                b.report.columns.join(", ")
                            ),
                            vec![evidence_ref(&b.reference)],
                        )
                    }),
                    "no drift baseline describes the expected input",
                ),
                either(
                    "Explanations of individual decisions",
                    d.explanation_baseline.as_ref().map(|e| {
                        (
                            "Shapley explanations against a recorded background".to_string(),
                            vec![evidence_ref(e)],
                        )
                    }),
                    "no explanation baseline is attached",
                ),
            ],
        };
        let metrics_appropriateness = Section {
            number: 4,
            title: "Appropriateness of the performance metrics".into(),
            items: vec![either(
                "Metrics suited to the alerting task",
                d.performance.as_ref().map(|p| {
                    (
                        format!(
                            "ranking (ROC AUC, average precision) and alert-level metrics at the operating threshold {}; detection within the alert budget {}",
                            p.report.options.threshold, p.report.options.budget
                        ),
                        vec![evidence_ref(&p.reference)],
                    )
                }),
                "no performance metrics to judge",
            )],
        };
        let risk = Section {
            number: 5,
            title: "Risk management system (Art. 9)".into(),
            items: risk_items(d),
        };
        let changes = Section {
            number: 6,
            title: "Changes through the lifecycle".into(),
            items: vec![either(
                "Relevant changes made by the provider",
                (!d.log.registry.is_empty()).then(|| {
                    (
                        d.log
                            .registry
                            .iter()
                            .map(|f| format!("#{} {} by {}", f.index, f.summary, f.actor))
                            .collect::<Vec<_>>()
                            .join("; "),
                        audit_refs(&d.log.registry),
                    )
                }),
                "no registry change is in the audit log",
            )],
        };
        let standards = Section {
            number: 7,
            title: "Harmonised standards and other specifications applied".into(),
            items: vec![gap(
                "Standards applied",
                "no harmonised standard or common specification is recorded",
            )],
        };
        let declaration = Section {
            number: 8,
            title: "EU declaration of conformity (Art. 47)".into(),
            items: vec![gap(
                "A copy of the declaration",
                "no declaration of conformity is recorded",
            )],
        };
        let post_market = Section {
            number: 9,
            title: "Post-market monitoring (Art. 72)".into(),
            items: post_market_items(d),
        };
        let articles = vec![
            ArticleCheck { article: "Art. 9".into(), title: "Risk management".into(), items: risk_items(d) },
            ArticleCheck {
                article: "Art. 12 and 19".into(),
                title: "Record-keeping and log retention".into(),
                items: vec![
                    evidenced(
                        "Automatic logging of events",
                        format!(
                            "tamper-evident Merkle audit log of {} entries{}; {} decision(s) of this version logged",
                            d.log.size,
                            d.log.checkpoint_size.map(|s| format!(", latest signed checkpoint at {s}")).unwrap_or_default(),
                            d.log.decisions
                        ),
                        d.log.decision_range.map(|(a, b)| vec![Reference::Audit { index: a }, Reference::Audit { index: b }]).unwrap_or_default(),
                    ),
                    evidenced(
                        "Retention of at least six months",
                        "the log refuses to erase payloads younger than its retention (at least 183 days) or under a legal hold".into(),
                        Vec::new(),
                    ),
                ],
            },
            ArticleCheck {
                article: "Art. 14".into(),
                title: "Human oversight".into(),
                items: vec![
                    either(
                        "Approvals by accountable people",
                        (!valid_approvals.is_empty()).then(|| {
                            (
                                valid_approvals.iter().map(|p| format!("{} as {} for {}", p.approver, p.role, p.stage)).collect::<Vec<_>>().join("; "),
                                audit_refs(&d.log.approvals),
                            )
                        }),
                        "no valid signed approval is stored",
                    ),
                    either(
                        "Review and override of decisions",
                        (!d.log.reviews.is_empty()).then(|| {
                            let rate = d.log.overrides as f64 / d.log.reviews.len() as f64;
                            (
                                format!("{} review(s) of {} decision(s) ({:.1}% reviewed), {} override(s) ({:.1}% of reviews)", d.log.reviews.len(), d.log.decisions, percent(d.log.reviews.len() as u64, d.log.decisions), d.log.overrides, 100.0 * rate),
                                audit_refs(&d.log.reviews),
                            )
                        }),
                        "no decision of this version was reviewed by a person",
                    ),
                ],
            },
            ArticleCheck {
                article: "Art. 15".into(),
                title: "Accuracy, robustness and cybersecurity".into(),
                items: vec![
                    either(
                        "Accuracy",
                        d.performance.as_ref().map(|p| (format!("ROC AUC {}", show(p.report.roc_auc.value())), vec![evidence_ref(&p.reference)])),
                        "no accuracy evidence",
                    ),
                    either(
                        "Robustness against evasion",
                        d.robustness.as_ref().filter(|r| !r.report.evasion.is_empty()).map(|r| (robustness_text(r), vec![evidence_ref(&r.reference)])),
                        "no evasion test",
                    ),
                    either(
                        "Robustness against data poisoning",
                        d.robustness.as_ref().filter(|r| r.report.poisoning.is_some()).map(|r| ("label-flip poisoning tested".to_string(), vec![evidence_ref(&r.reference)])),
                        "no poisoning test",
                    ),
                ],
            },
            ArticleCheck { article: "Art. 72".into(), title: "Post-market monitoring".into(), items: post_market_items(d) },
            ArticleCheck {
                article: "Art. 73".into(),
                title: "Serious incidents".into(),
                items: vec![if d.incidents.is_empty() {
                    evidenced("Incidents and their reporting clocks", "no incident names this version".into(), Vec::new())
                } else {
                    let mut refs: Vec<Reference> = d.incidents.iter().map(|i| Reference::Incident { id: i.id.clone() }).collect();
                    refs.extend(audit_refs(&d.log.incident_actions));
                    evidenced(
                        "Incidents and their reporting clocks",
                        d.incidents
                            .iter()
                            .map(|i| format!("{} ({:?}, {:?}, {:?}{})", i.id, i.kind, i.severity, i.status, i.serious.as_ref().map(|s| format!(", serious: {:?}", s.category)).unwrap_or_default()))
                            .collect::<Vec<_>>()
                            .join("; "),
                        refs,
                    )
                }],
            },
        ];
        AnnexIv {
            model: d.reference(),
            root: v.root.to_string(),
            generated_at: d
                .generated_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            sections: vec![
                general,
                development,
                monitoring,
                metrics_appropriateness,
                risk,
                changes,
                standards,
                declaration,
                post_market,
            ],
            articles,
            frameworks: crate::frameworks::framework_coverage(d),
        }
    }

    /// Every requirement without evidence, as (where, requirement).
    pub fn gaps(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for s in &self.sections {
            for i in s.items.iter().filter(|i| i.status == Status::Gap) {
                out.push((format!("Annex IV §{}", s.number), i.requirement.clone()));
            }
        }
        for a in &self.articles {
            for i in a.items.iter().filter(|i| i.status == Status::Gap) {
                out.push((a.article.clone(), i.requirement.clone()));
            }
        }
        out
    }

    /// The documentation as Markdown.
    pub fn to_markdown(&self) -> String {
        let mut out = format!(
            "# Technical documentation (EU AI Act Annex IV): {}\n\nRoot digest `{}`, generated {}.\n\n",
            self.model, self.root, self.generated_at
        );
        let gaps = self.gaps();
        out += &format!("## Gaps ({})\n\n", gaps.len());
        for (place, requirement) in &gaps {
            out += &format!("- {place}: {requirement}\n");
        }
        out += "\n";
        let item = |out: &mut String, i: &Item| {
            let mark = match i.status {
                Status::Evidenced => "evidenced",
                Status::Gap => "**GAP**",
            };
            *out += &format!("- {} ({mark}): {}", i.requirement, i.text);
            if !i.references.is_empty() {
                *out += &format!(
                    " [{}]",
                    i.references
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            }
            *out += "\n";
        };
        for s in &self.sections {
            out += &format!("## {}. {}\n\n", s.number, s.title);
            for i in &s.items {
                item(&mut out, i);
            }
            out += "\n";
        }
        out += "## Articles\n\n";
        for a in &self.articles {
            out += &format!("### {}: {}\n\n", a.article, a.title);
            for i in &a.items {
                item(&mut out, i);
            }
            out += "\n";
        }
        out += "## Framework mapping (NIST AI RMF 1.0, ISO/IEC 42001:2023 Annex A)\n\n";
        out += &crate::frameworks::coverage_markdown(&self.frameworks);
        out
    }
}

fn show(v: Option<f64>) -> String {
    v.map_or("undefined".into(), |v| format!("{v:.4}"))
}

fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        100.0 * part as f64 / whole as f64
    }
}

fn first_registry(d: &Dossier, event: &str) -> Vec<LoggedFact> {
    d.log
        .registry
        .iter()
        .filter(|f| f.summary == event)
        .take(1)
        .cloned()
        .collect()
}

fn robustness_text(r: &crate::dossier::Attached<aigov_validation::RobustnessReport>) -> String {
    let attacks: Vec<String> = r
        .report
        .evasion
        .iter()
        .map(|a| {
            format!(
                "{:?}: {} of {} detected attacks evaded",
                a.attack, a.evaded, a.attacked
            )
        })
        .collect();
    format!(
        "{} rows tested; {}{}",
        r.report.rows,
        if attacks.is_empty() {
            "no evasion search".into()
        } else {
            attacks.join("; ")
        },
        if r.report.poisoning.is_some() {
            "; label-flip poisoning tested"
        } else {
            ""
        }
    )
}

fn risk_items(d: &Dossier) -> Vec<Item> {
    let denied: Vec<Reference> = d
        .log
        .gates
        .iter()
        .filter(|g| !g.allow)
        .map(|g| Reference::Audit { index: g.index })
        .collect();
    let allowed: Vec<Reference> = d
        .log
        .gates
        .iter()
        .filter(|g| g.allow)
        .map(|g| Reference::Audit { index: g.index })
        .collect();
    vec![
        either(
            "Risks identified and evaluated before release (policy gates)",
            (!allowed.is_empty()).then(|| {
                (
                    format!(
                        "{} gate decision(s) allowed ({}), {} refused",
                        allowed.len(),
                        d.log
                            .gates
                            .iter()
                            .filter(|g| g.allow)
                            .map(|g| g.gate.as_str())
                            .collect::<std::collections::BTreeSet<_>>()
                            .into_iter()
                            .collect::<Vec<_>>()
                            .join(", "),
                        denied.len()
                    ),
                    allowed.iter().chain(&denied).cloned().collect(),
                )
            }),
            "no policy gate decision about this version is in the audit log",
        ),
        either(
            "Risk controls in operation (containment, rollback)",
            (!d.incidents.is_empty() || d.version.stage == Stage::Production).then(|| {
                let mut refs = audit_refs(&d.log.incident_actions);
                // The controlled moves: every stage change and deployment is an audited event.
                refs.extend(
                    d.log
                        .registry
                        .iter()
                        .filter(|f| f.summary == "stage-changed" || f.summary == "deployed")
                        .map(|f| Reference::Audit { index: f.index }),
                );
                (
                    format!(
                        "{} incident(s); stages and deployments change only through the gates; playbooks contain by suspension, rollback and legal hold",
                        d.incidents.len()
                    ),
                    refs,
                )
            }),
            "the version has not reached production and no incident names it",
        ),
    ]
}

fn post_market_items(d: &Dossier) -> Vec<Item> {
    vec![
        either(
            "Monitoring plan: the monitors configured",
            d.drift_baseline.as_ref().map(|b| {
                (
                    format!("drift monitoring against the baseline ({} columns); alert KPIs from labelled feedback", b.report.columns.len()),
                    vec![evidence_ref(&b.reference)],
                )
            }),
            "no drift baseline, so no monitor can run",
        ),
        either(
            "Monitoring results",
            (!d.log.alerts.is_empty()).then(|| (format!("{} alert(s) recorded", d.log.alerts.len()), audit_refs(&d.log.alerts))),
            "no monitoring result (alert) is recorded yet",
        ),
    ]
}
