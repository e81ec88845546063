//! SLSA provenance v1 of a training run, as an in-toto Statement v1 whose subject is the
//! version's root digest and whose resolved dependencies are the training datasets, the
//! training code and the base model.

use aigov_core::{ResourceDescriptor, Statement};
use serde_json::{Map, Value, json};

use crate::Dossier;

/// The SLSA provenance predicate type.
pub const SLSA_PROVENANCE_V1: &str = "https://slsa.dev/provenance/v1";
/// The build type of a model training run as aigov records it.
pub const TRAINING_BUILD_TYPE: &str = "urn:aigov:training:v1";

fn annotations(pairs: &[(&str, Value)]) -> Option<Map<String, Value>> {
    Some(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    )
}

fn is_hex(text: &str, len: usize) -> bool {
    text.len() == len
        && text
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

/// The provenance statement of a dossier's version.
pub fn provenance(d: &Dossier) -> Statement {
    let v = &d.version;
    let lineage = &v.lineage;
    let mut dependencies: Vec<ResourceDescriptor> = lineage
        .datasets
        .iter()
        .map(|ds| {
            let mut r = ResourceDescriptor::sha256(ds.name.clone(), &ds.digest);
            r.uri = (!ds.uri.is_empty()).then(|| ds.uri.clone());
            r.annotations = annotations(&[
                ("role", json!("training-data")),
                ("license", json!(ds.license)),
                ("piiRedacted", json!(ds.pii_redacted)),
            ]);
            r
        })
        .collect();
    if let Some(code) = &lineage.code {
        let mut digest = std::collections::BTreeMap::new();
        // A digest must be the full commit; a short one stays in the annotations.
        if is_hex(&code.commit, 40) || is_hex(&code.commit, 64) {
            digest.insert("gitCommit".to_string(), code.commit.clone());
        }
        dependencies.push(ResourceDescriptor {
            name: "training-code".into(),
            digest,
            uri: Some(format!("git+{}@{}", code.repository, code.commit)),
            annotations: annotations(&[("role", json!("source")), ("commit", json!(code.commit))]),
        });
    }
    if let Some(parent) = &lineage.parent {
        let mut r = match d.parent_root {
            Some(root) => ResourceDescriptor::sha256(parent.to_string(), &root),
            None => ResourceDescriptor {
                name: parent.to_string(),
                digest: Default::default(),
                uri: None,
                annotations: None,
            },
        };
        r.uri = Some(format!("aigov:model/{parent}"));
        r.annotations = annotations(&[("role", json!("base-model"))]);
        dependencies.push(r);
    }
    let trainer = lineage.trained_by.as_ref().unwrap_or(&v.created_by);
    let mut external = Map::new();
    external.insert("model".into(), json!(v.name.to_string()));
    if !lineage.hyperparameters.is_empty() {
        external.insert("hyperparameters".into(), json!(lineage.hyperparameters));
    }
    if let Some(run) = &lineage.training_run_id {
        external.insert("trainingRunId".into(), json!(run));
    }
    let mut metadata = Map::new();
    if let Some(run) = lineage.training_run_id.as_ref().or(v.run_id.as_ref()) {
        metadata.insert("invocationId".into(), json!(run));
    }
    metadata.insert(
        "finishedOn".into(),
        json!(
            v.created_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ),
    );
    let predicate = json!({
        "buildDefinition": {
            "buildType": TRAINING_BUILD_TYPE,
            "externalParameters": external,
            "internalParameters": {
                "registeredBy": v.created_by.to_string(),
                "hashMethod": v.manifest.serialization.method.name(),
                "files": v.files.len(),
            },
            "resolvedDependencies": dependencies,
        },
        "runDetails": {
            "builder": {"id": format!("urn:aigov:trainer:{trainer}")},
            "metadata": metadata,
        },
    });
    Statement::new(
        vec![ResourceDescriptor::sha256(v.reference(), &v.root)],
        SLSA_PROVENANCE_V1,
        predicate,
    )
}
