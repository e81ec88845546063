//! CycloneDX 1.6 ML-BOM of a version: the model as a `machine-learning-model` component with
//! its SHA-256 hashes and model card, its training datasets as `data` components, and the
//! dependencies of its registered SBOM. Own serde types: the cyclonedx-bom crate stops at 1.5.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Dossier;

/// The whole BOM.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Bom {
    /// Always `CycloneDX`.
    pub bom_format: String,
    /// Always `1.6`.
    pub spec_version: String,
    /// `urn:uuid:` derived from the version's root digest, so the same version gets the same
    /// serial number.
    pub serial_number: String,
    /// The BOM's own version.
    pub version: u32,
    /// When and by what it was made, and what it describes.
    pub metadata: Metadata,
    /// The model, its datasets and its software dependencies.
    pub components: Vec<Component>,
    /// What depends on what, by `bom-ref`.
    pub dependencies: Vec<Dependency>,
}

/// BOM metadata.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Metadata {
    /// When the BOM was generated (RFC 3339).
    pub timestamp: String,
    /// The tool that made it.
    pub tools: Tools,
    /// The component the BOM is about (the model).
    pub component: Component,
}

/// Tools that made the BOM.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Tools {
    /// As components (CycloneDX 1.5+ form).
    pub components: Vec<Component>,
}

/// A hash of a component.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Hash {
    /// `SHA-256`.
    pub alg: String,
    /// Lower-case hex.
    pub content: String,
}

/// A name/value property.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Property {
    /// `aigov:...`.
    pub name: String,
    /// The value.
    pub value: String,
}

/// One component.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Component {
    /// `machine-learning-model`, `data`, `library`, `application`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Its reference inside the BOM.
    #[serde(rename = "bom-ref", skip_serializing_if = "Option::is_none")]
    pub bom_ref: Option<String>,
    /// Its name.
    pub name: String,
    /// Its version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// What it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Package URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
    /// Its hashes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hashes: Vec<Hash>,
    /// Extra facts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub properties: Vec<Property>,
    /// The model card (models only).
    #[serde(rename = "modelCard", skip_serializing_if = "Option::is_none")]
    pub model_card: Option<ModelCard>,
    /// Dataset descriptions (data components only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data: Vec<ComponentData>,
}

/// A dataset inside a `data` component.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComponentData {
    /// `dataset`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Its name.
    pub name: String,
    /// Where it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contents: Option<DataContents>,
    /// Data classification.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub classification: Option<String>,
    /// Anything worth knowing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Where a dataset lives.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DataContents {
    /// Its URL.
    pub url: String,
}

/// The CycloneDX model card.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelCard {
    /// How the model was built.
    pub model_parameters: ModelParameters,
    /// How well it does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quantitative_analysis: Option<QuantitativeAnalysis>,
    /// What to keep in mind.
    pub considerations: Considerations,
}

/// How the model was built.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelParameters {
    /// The learning approach.
    pub approach: Approach,
    /// The task.
    pub task: String,
    /// The training datasets, by `bom-ref`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub datasets: Vec<DatasetRef>,
    /// Input formats.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<Format>,
    /// Output formats.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outputs: Vec<Format>,
}

/// The learning approach.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Approach {
    /// `supervised`, `unsupervised`, ...
    #[serde(rename = "type")]
    pub kind: String,
}

/// A reference to a data component.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DatasetRef {
    /// The data component's `bom-ref`.
    #[serde(rename = "ref")]
    pub reference: String,
}

/// An input or output format.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Format {
    /// Its description.
    pub format: String,
}

/// Performance figures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QuantitativeAnalysis {
    /// Metrics, overall and per slice.
    pub performance_metrics: Vec<PerformanceMetric>,
}

/// One metric.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PerformanceMetric {
    /// Which metric.
    #[serde(rename = "type")]
    pub kind: String,
    /// Its value (CycloneDX carries numbers as text).
    pub value: String,
    /// The slice it was measured on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slice: Option<String>,
    /// Its confidence interval.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence_interval: Option<ConfidenceInterval>,
}

/// A confidence interval.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfidenceInterval {
    /// Lower end.
    pub lower_bound: String,
    /// Upper end.
    pub upper_bound: String,
}

/// Considerations.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Considerations {
    /// Who uses it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<String>,
    /// What it is for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub use_cases: Vec<String>,
    /// What it cannot do.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub technical_limitations: Vec<String>,
    /// Fairness assessments (from the fairness audit).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fairness_assessments: Vec<Value>,
}

/// One dependency edge set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Dependency {
    /// The dependent's `bom-ref`.
    #[serde(rename = "ref")]
    pub reference: String,
    /// What it depends on.
    #[serde(default)]
    pub depends_on: Vec<String>,
}

fn number(v: f64) -> String {
    // Shortest text that reads back to the same number.
    format!("{v}")
}

/// A UUID-shaped serial number from a digest (version 8 layout: custom, deterministic).
fn serial(digest: &[u8; 32]) -> String {
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    format!("urn:uuid:{}", uuid::Uuid::from_bytes(bytes).hyphenated())
}

fn metrics(dossier: &Dossier) -> Vec<PerformanceMetric> {
    let mut out = Vec::new();
    if let Some(p) = &dossier.performance {
        let r = &p.report;
        for (kind, metric) in [
            ("roc_auc", &r.roc_auc),
            ("average_precision", &r.average_precision),
            ("precision", &r.precision),
            ("recall", &r.recall),
            ("f1", &r.f1),
            ("false_positive_rate", &r.false_positive_rate),
        ] {
            if let Some(value) = metric.value() {
                out.push(PerformanceMetric {
                    kind: kind.into(),
                    value: number(value),
                    slice: Some(format!(
                        "hold-out, {} rows, threshold {}",
                        r.n, r.options.threshold
                    )),
                    confidence_interval: None,
                });
            }
        }
    }
    if let Some(f) = &dossier.fairness {
        for group in &f.report.groups {
            let slice = group
                .group
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(",");
            for (rate, figure) in &group.rates {
                let (Some(value), Some(interval)) = (figure.rate.value(), figure.interval) else {
                    continue;
                };
                out.push(PerformanceMetric {
                    kind: rate.clone(),
                    value: number(value),
                    slice: Some(slice.clone()),
                    confidence_interval: Some(ConfidenceInterval {
                        lower_bound: number(interval.lower),
                        upper_bound: number(interval.upper),
                    }),
                });
            }
        }
    }
    out
}

/// The ML-BOM of a dossier.
pub fn ml_bom(dossier: &Dossier) -> Bom {
    let v = &dossier.version;
    let model_ref = format!("model:{}", v.reference());
    let datasets: Vec<Component> = v
        .lineage
        .datasets
        .iter()
        .map(|d| Component {
            kind: "data".into(),
            bom_ref: Some(format!("data:{}", d.name)),
            name: d.name.clone(),
            version: None,
            description: None,
            purl: None,
            hashes: vec![Hash {
                alg: "SHA-256".into(),
                content: d.digest.to_hex(),
            }],
            properties: vec![
                Property {
                    name: "aigov:license".into(),
                    value: d.license.clone(),
                },
                Property {
                    name: "aigov:pii-redacted".into(),
                    value: d.pii_redacted.to_string(),
                },
            ],
            model_card: None,
            data: vec![ComponentData {
                kind: "dataset".into(),
                name: d.name.clone(),
                contents: (!d.uri.is_empty()).then(|| DataContents { url: d.uri.clone() }),
                classification: Some(
                    if d.pii_redacted {
                        "pii-redacted"
                    } else {
                        "internal"
                    }
                    .into(),
                ),
                description: Some("training data".into()),
            }],
        })
        .collect();
    let software = sbom_components(dossier);
    let mut properties = vec![
        Property {
            name: "aigov:stage".into(),
            value: v.stage.to_string(),
        },
        Property {
            name: "aigov:risk-class".into(),
            value: serde_json::to_value(dossier.model.risk_class)
                .ok()
                .and_then(|r| r.as_str().map(str::to_string))
                .unwrap_or_default(),
        },
        Property {
            name: "aigov:registered-by".into(),
            value: v.created_by.to_string(),
        },
    ];
    if let Some(code) = &v.lineage.code {
        properties.push(Property {
            name: "aigov:code-commit".into(),
            value: format!("{}@{}", code.repository, code.commit),
        });
    }
    let mut hashes = vec![Hash {
        alg: "SHA-256".into(),
        content: v.root.to_hex(),
    }];
    for f in &v.files {
        properties.push(Property {
            name: format!("aigov:file:{}", f.name),
            value: format!("sha256:{} ({} bytes)", f.digest.to_hex(), f.size),
        });
    }
    hashes.dedup();
    let model = Component {
        kind: "machine-learning-model".into(),
        bom_ref: Some(model_ref.clone()),
        name: v.name.to_string(),
        version: Some(v.version.to_string()),
        description: Some(dossier.model.description.clone()),
        purl: None,
        hashes,
        properties,
        model_card: Some(ModelCard {
            model_parameters: ModelParameters {
                approach: Approach {
                    kind: "supervised".into(),
                },
                task: "classification".into(),
                datasets: datasets
                    .iter()
                    .filter_map(|d| d.bom_ref.clone())
                    .map(|reference| DatasetRef { reference })
                    .collect(),
                inputs: vec![Format {
                    format: format!(
                        "numeric features: {}",
                        dossier
                            .drift_baseline
                            .as_ref()
                            .map(|b| b.report.columns.join(", "))
                            .unwrap_or_else(|| "not recorded".into())
                    ),
                }],
                outputs: vec![Format {
                    format: "risk score in [0, 1]".into(),
                }],
            },
            quantitative_analysis: {
                let m = metrics(dossier);
                (!m.is_empty()).then_some(QuantitativeAnalysis {
                    performance_metrics: m,
                })
            },
            considerations: Considerations {
                users: vec!["security operations".into()],
                use_cases: vec![dossier.model.intended_purpose.clone()],
                technical_limitations: limitations(dossier),
                fairness_assessments: dossier
                    .fairness
                    .as_ref()
                    .and_then(|f| {
                        f.report
                            .to_cyclonedx_fairness_assessments()
                            .as_array()
                            .cloned()
                    })
                    .unwrap_or_default(),
            },
        }),
        data: Vec::new(),
    };
    let mut depends_on: Vec<String> = datasets.iter().filter_map(|d| d.bom_ref.clone()).collect();
    depends_on.extend(software.iter().filter_map(|c| c.bom_ref.clone()));
    let mut dependencies = vec![Dependency {
        reference: model_ref,
        depends_on,
    }];
    dependencies.extend(datasets.iter().chain(&software).filter_map(|c| {
        c.bom_ref.clone().map(|reference| Dependency {
            reference,
            depends_on: Vec::new(),
        })
    }));
    let mut metadata_model = model.clone();
    metadata_model.model_card = None;
    let mut components = vec![model];
    components.extend(datasets);
    components.extend(software);
    Bom {
        bom_format: "CycloneDX".into(),
        spec_version: "1.6".into(),
        serial_number: serial(v.root.as_bytes()),
        version: 1,
        metadata: Metadata {
            timestamp: dossier
                .generated_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            tools: Tools {
                components: vec![Component {
                    kind: "application".into(),
                    bom_ref: None,
                    name: "aigov".into(),
                    version: Some(env!("CARGO_PKG_VERSION").into()),
                    description: None,
                    purl: None,
                    hashes: Vec::new(),
                    properties: Vec::new(),
                    model_card: None,
                    data: Vec::new(),
                }],
            },
            component: Component {
                bom_ref: Some(format!("metadata:{}", v.reference())),
                ..metadata_model
            },
        },
        components,
        dependencies,
    }
}

/// What the evidence says the model cannot do.
pub(crate) fn limitations(dossier: &Dossier) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(r) = &dossier.robustness {
        for attack in &r.report.evasion {
            if attack.attacked > 0 {
                out.push(format!(
                    "{} of {} detected attacks evade under the tested constraints ({:?})",
                    attack.evaded, attack.attacked, attack.attack
                ));
            }
        }
    }
    if dossier.drift_baseline.is_some() {
        out.push("decisions degrade when inputs drift from the drift baseline; monitored".into());
    }
    out
}

/// The registered SBOM's components, each with a `bom-ref`.
fn sbom_components(dossier: &Dossier) -> Vec<Component> {
    let Some(items) = dossier
        .sbom
        .as_ref()
        .and_then(|s| s.get("components"))
        .and_then(Value::as_array)
    else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|c| {
            let name = c.get("name")?.as_str()?.to_string();
            let version = c.get("version").and_then(Value::as_str).map(str::to_string);
            let purl = c.get("purl").and_then(Value::as_str).map(str::to_string);
            let bom_ref = c
                .get("bom-ref")
                .and_then(Value::as_str)
                .map(str::to_string)
                .or_else(|| purl.clone())
                .unwrap_or_else(|| format!("sbom:{name}@{}", version.as_deref().unwrap_or("")));
            Some(Component {
                kind: c
                    .get("type")
                    .and_then(Value::as_str)
                    .unwrap_or("library")
                    .to_string(),
                bom_ref: Some(bom_ref),
                name,
                version,
                description: None,
                purl,
                hashes: Vec::new(),
                properties: Vec::new(),
                model_card: None,
                data: Vec::new(),
            })
        })
        .collect()
}
