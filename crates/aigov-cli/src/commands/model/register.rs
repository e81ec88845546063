//! `aigov model register`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use aigov::governor::{Registration, Scorability};
use aigov_core::manifest::ManifestDiff;
use aigov_core::{
    Action, Digest, EcdsaP256PublicKey, HashMethod, ModelHasher, ModelName, ModelRef,
    SigstoreBundle, verify_model_signature,
};
use aigov_registry::{
    CodeRef, DatasetRef, Evidence, EvidenceKind, Lineage, NewModel, NewVersion, RiskClass,
};
use clap::Args;

use super::{parse_tag, read_input};
use crate::commands::feature_list::{FeatureList, parse_feature_list};
use crate::failure::Failure;
use crate::store::GlobalArgs;

/// Arguments of `aigov model register`.
#[derive(Args, Debug)]
pub struct RegisterArgs {
    /// The model's name (created on first registration).
    name: String,
    /// The model file or directory: any files are hashed, stored and governed; aigov scores
    /// (assess, decide, monitor) a single .onnx file (skl2onnx, zipmap=False) or a linear
    /// model .json in aigov's form.
    path: PathBuf,
    /// A training dataset: NAME=sha256:HEX@URI (repeatable).
    #[arg(long = "dataset", value_name = "NAME=sha256:HEX@URI")]
    datasets: Vec<String>,
    /// The training code's commit.
    #[arg(long)]
    commit: Option<String>,
    /// The training code's repository.
    #[arg(long, default_value = "")]
    repository: String,
    /// A CycloneDX SBOM (JSON) of the model's software dependencies.
    #[arg(long)]
    sbom: Option<PathBuf>,
    /// An OpenSSF model-signing bundle: refuse to register unless it verifies (needs --key).
    #[arg(long, requires = "key")]
    bundle: Option<PathBuf>,
    /// The PEM public key that signed --bundle.
    #[arg(long, requires = "bundle")]
    key: Option<PathBuf>,
    /// A label K=V (repeatable).
    #[arg(long = "tag", value_name = "K=V")]
    tags: Vec<String>,
    /// Hash shards of this many bytes instead of whole files.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    shard_size: Option<u64>,
    /// Follow symbolic links to files.
    #[arg(long)]
    allow_symlinks: bool,
    /// Description of a new model.
    #[arg(long, default_value = "")]
    description: String,
    /// Intended purpose of a new model.
    #[arg(long, default_value = "")]
    purpose: String,
    /// EU AI Act risk class of a new model: high, limited or minimal.
    #[arg(long, default_value = "high")]
    risk_class: RiskClass,
    /// The input features' names in input order, for a model file that does not name them
    /// (a plain skl2onnx export): a,b,c or @FILE (one name a line). Stored with the
    /// version, so assess, decide and monitor need no flag.
    #[arg(long, value_parser = parse_feature_list, value_name = "NAMES|@FILE")]
    features: Option<FeatureList>,
    /// Refuse a single file aigov cannot score (an .onnx model, or a linear model in
    /// aigov's JSON form) instead of registering it with a warning.
    #[arg(long)]
    require_scorable: bool,
    /// Print the new version as JSON.
    #[arg(long)]
    json: bool,
}

fn parse_dataset(text: &str) -> Result<DatasetRef, Failure> {
    let bad = || {
        Failure::BadInput(format!(
            "--dataset {text:?} is not of the form NAME=sha256:HEX@URI"
        ))
    };
    let (name, rest) = text.split_once('=').ok_or_else(bad)?;
    let (digest, uri) = rest.split_once('@').ok_or_else(bad)?;
    if name.is_empty() {
        return Err(bad());
    }
    let digest: Digest = digest
        .parse()
        .map_err(|e| Failure::BadInput(format!("--dataset {name}: {e}")))?;
    Ok(DatasetRef {
        name: name.to_string(),
        digest,
        uri: uri.to_string(),
        license: String::new(),
        pii_redacted: false,
    })
}

/// Registers a version, creating the model on first use.
pub fn run(global: &GlobalArgs, args: &RegisterArgs) -> Result<(), Failure> {
    let name: ModelName = args
        .name
        .parse()
        .map_err(|e| Failure::BadInput(format!("{e}")))?;
    let actor = global.actor()?;
    let datasets = args
        .datasets
        .iter()
        .map(|d| parse_dataset(d))
        .collect::<Result<Vec<_>, _>>()?;
    let tags: BTreeMap<String, String> = args
        .tags
        .iter()
        .map(|t| parse_tag(t))
        .collect::<Result<_, _>>()?;
    let sbom = args.sbom.as_ref().map(read_sbom).transpose()?;

    // Verify the signature before anything is stored, and store exactly what it covers.
    let mut method = args
        .shard_size
        .map(|shard_size| HashMethod::Shards { shard_size });
    let mut allow_symlinks = args.allow_symlinks;
    let signature = match (&args.bundle, &args.key) {
        (Some(bundle_path), Some(key_path)) => {
            let key = EcdsaP256PublicKey::load(key_path)?;
            let bytes = read_input(bundle_path)?;
            let bundle = SigstoreBundle::from_json(&bytes)?;
            let verified = verify_model_signature(&args.path, &bundle, &key)?;
            let signed = &verified.manifest.serialization;
            if method.is_some_and(|m| m != signed.method) {
                return Err(Failure::BadInput(format!(
                    "--shard-size disagrees with the signature, which hashed with method {}",
                    signed.method.name()
                )));
            }
            method = Some(signed.method);
            allow_symlinks = signed.allow_symlinks;
            // A signature may leave paths out; refuse to register files it does not cover.
            let everything = ModelHasher::new()
                .method(signed.method)
                .allow_symlinks(signed.allow_symlinks)
                .hash(&args.path)?;
            let uncovered = ManifestDiff::between(&verified.manifest, &everything);
            if !uncovered.is_empty() {
                return Err(Failure::Negative(format!(
                    "the model holds files its signature does not cover ({uncovered}); not registered"
                )));
            }
            Some((bytes, verified))
        }
        _ => None,
    };

    // Through the governor: the actor must hold a role that may register, the registration
    // gate judges the lineage, and every step is audited.
    let governor = global.governor()?;
    let principal = global.principal(&governor, Action::Register)?;
    let lineage = Lineage {
        datasets,
        code: args.commit.as_ref().map(|commit| CodeRef {
            repository: args.repository.clone(),
            commit: commit.clone(),
        }),
        ..Default::default()
    };
    let registration = Registration {
        model: NewModel {
            name: name.clone(),
            description: args.description.clone(),
            owner: actor.clone(),
            tags: BTreeMap::new(),
            intended_purpose: args.purpose.clone(),
            risk_class: args.risk_class,
        },
        path: args.path.clone(),
        version: NewVersion {
            source: None,
            run_id: None,
            tags,
            lineage,
            features: args.features.clone().map(|f| f.0).unwrap_or_default(),
            method,
            allow_symlinks,
        },
        sbom,
        signed_root: signature
            .as_ref()
            .map(|(_, verified)| verified.manifest.root()),
        require_scorable: args.require_scorable,
    };
    let mut version = governor.register(&principal, registration)?;
    if let Some((bundle, verified)) = signature {
        let signed_root = verified.root;
        let content = serde_json::from_slice(&bundle)
            .map_err(|e| Failure::BadInput(format!("bundle: {e}")))?;
        // A second operation, so a second signed request.
        let attaching = global.principal(&governor, Action::AttachEvidence)?;
        version = governor.attach_evidence(
            &attaching,
            &ModelRef::version(name.clone(), version.version),
            Evidence {
                kind: EvidenceKind::Custom("model-signature".into()),
                producer: format!("openssf-model-signing (signed root {signed_root})"),
                content,
            },
        )?;
    }
    if version.features.is_empty()
        && let Scorability::NotScorable { reason } = governor.scorability(&args.path, &[])?
    {
        eprintln!(
            "warning: {} cannot be scored by aigov ({reason}); assess, decide and monitor \
             will refuse it (--require-scorable refuses such a registration)",
            version.reference()
        );
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&version)?);
    } else {
        println!(
            "registered {} {} ({} files, stage {})",
            version.reference(),
            version.root,
            version.files.len(),
            version.stage
        );
    }
    Ok(())
}

fn read_sbom(path: &PathBuf) -> Result<serde_json::Value, Failure> {
    let bytes = std::fs::read(path)
        .map_err(|e| Failure::BadInput(format!("--sbom {}: {e}", path.display())))?;
    let doc: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|e| Failure::BadInput(format!("--sbom {}: not JSON: {e}", path.display())))?;
    if doc.get("bomFormat").and_then(|f| f.as_str()) != Some("CycloneDX") {
        return Err(Failure::BadInput(format!(
            "--sbom {}: not a CycloneDX SBOM (bomFormat is not \"CycloneDX\")",
            path.display()
        )));
    }
    Ok(doc)
}
