//! OpenLineage 2-0-2 RunEvents for a version's registration: START when it was registered,
//! then COMPLETE (or FAIL when the registration gate rejected it), with the training datasets
//! as inputs and the registered version as the output.

use serde_json::{Value, json};

use crate::Dossier;

/// The RunEvent schema URL the events declare.
pub const RUN_EVENT_SCHEMA: &str =
    "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent";

fn facet(producer: &str, schema: &str, fields: Value) -> Value {
    let mut object = json!({
        "_producer": producer,
        "_schemaURL": format!("https://openlineage.io/spec/facets/{schema}"),
    });
    if let (Some(target), Value::Object(extra)) = (object.as_object_mut(), fields) {
        target.extend(extra);
    }
    object
}

/// A deterministic run id (UUID layout, version 8) for the registration of a root digest.
fn run_id(root: &aigov_core::Digest) -> String {
    let digest = aigov_core::Digest::of(format!("openlineage-run:register:{root}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest.as_bytes()[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    uuid::Uuid::from_bytes(bytes).hyphenated().to_string()
}

/// `s3://bucket/path/file` as OpenLineage's (namespace, name): scheme and authority, path.
fn dataset_name(uri: &str, fallback: &str) -> (String, String) {
    if let Some((scheme, rest)) = uri.split_once("://") {
        let (authority, path) = rest.split_once('/').unwrap_or((rest, fallback));
        return (format!("{scheme}://{authority}"), path.to_string());
    }
    ("aigov://datasets".to_string(), fallback.to_string())
}

/// The START and COMPLETE (or FAIL) events of the version's registration.
pub fn registration_events(d: &Dossier) -> Vec<Value> {
    let v = &d.version;
    let producer = env!("CARGO_PKG_REPOSITORY");
    let namespace = format!("aigov://{}", v.name);
    let mut job_facets = serde_json::Map::new();
    job_facets.insert(
        "jobType".into(),
        facet(
            producer,
            "2-0-4/JobTypeJobFacet.json#/$defs/JobTypeJobFacet",
            json!({"processingType": "BATCH", "integration": "AIGOV", "jobType": "MODEL_REGISTRATION"}),
        ),
    );
    job_facets.insert(
        "documentation".into(),
        facet(
            producer,
            "1-1-0/DocumentationJobFacet.json#/$defs/DocumentationJobFacet",
            json!({"description": format!("Registers {} in the aigov model registry: {}", v.reference(), d.model.intended_purpose)}),
        ),
    );
    if let Some(code) = &v.lineage.code
        && code.repository.contains("://")
    {
        job_facets.insert(
            "sourceCodeLocation".into(),
            facet(
                producer,
                "1-1-0/SourceCodeLocationJobFacet.json#/$defs/SourceCodeLocationJobFacet",
                json!({"type": "git", "url": code.repository, "version": code.commit}),
            ),
        );
    }
    job_facets.insert(
        "ownership".into(),
        facet(
            producer,
            "1-0-1/OwnershipJobFacet.json#/$defs/OwnershipJobFacet",
            json!({"owners": [{"name": format!("user:{}", d.model.owner), "type": "OWNER"}]}),
        ),
    );
    let job = json!({"namespace": namespace, "name": "aigov.register", "facets": job_facets});
    let run = json!({
        "runId": run_id(&v.root),
        "facets": {
            "processing_engine": facet(
                producer,
                "1-1-1/ProcessingEngineRunFacet.json#/$defs/ProcessingEngineRunFacet",
                json!({"version": env!("CARGO_PKG_VERSION"), "name": "aigov"}),
            ),
        },
    });
    let inputs: Vec<Value> = v
        .lineage
        .datasets
        .iter()
        .map(|ds| {
            let (ns, name) = dataset_name(&ds.uri, &ds.name);
            let mut dataset = json!({"namespace": ns, "name": name});
            if ds.uri.contains("://") {
                dataset["facets"] = json!({
                    "dataSource": facet(
                        producer,
                        "1-0-1/DatasourceDatasetFacet.json#/$defs/DatasourceDatasetFacet",
                        json!({"name": ns, "uri": ns}),
                    ),
                });
            }
            dataset
        })
        .collect();
    let time =
        |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let registration = d.log.gates.iter().find(|g| g.gate == "registration");
    let (end_type, end_time) = match registration {
        Some(g) if !g.allow => ("FAIL", g.time),
        Some(g) => ("COMPLETE", g.time),
        None => ("COMPLETE", v.created_at),
    };
    let event = |kind: &str, at: String, outputs: Vec<Value>| {
        json!({
            "eventType": kind,
            "eventTime": at,
            "producer": producer,
            "schemaURL": RUN_EVENT_SCHEMA,
            "run": run,
            "job": job,
            "inputs": inputs,
            "outputs": outputs,
        })
    };
    vec![
        event("START", time(v.created_at), Vec::new()),
        event(
            end_type,
            time(end_time.max(v.created_at)),
            if end_type == "COMPLETE" {
                vec![json!({"namespace": namespace, "name": v.reference()})]
            } else {
                Vec::new()
            },
        ),
    ]
}
