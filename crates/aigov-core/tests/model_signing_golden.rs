//! Golden tests against the Python OpenSSF `model-signing` package (fixtures written by
//! tests/oracles/model_signing_fixtures.py; see tests/fixtures/model_signing/FORMAT.md).

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use aigov_core::{
    CoreError, EcdsaP256PublicKey, HashMethod, ModelHasher, SigstoreBundle, verify_model_signature,
};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/model_signing")
}

fn load(name: &str) -> Value {
    let text = fs::read_to_string(fixtures().join(name)).expect("fixture");
    serde_json::from_str(&text).expect("fixture JSON")
}

fn write(path: &Path, content_b64: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, STANDARD.decode(content_b64).unwrap()).unwrap();
}

/// Recreates a fixture model under `base/<dir_name>`, as FORMAT.md describes.
fn materialize(case: &Value, base: &Path, dir_name: &str) {
    let root = base.join(dir_name);
    fs::create_dir_all(&root).unwrap();
    for f in case["files"].as_array().unwrap() {
        write(
            &root.join(f["path"].as_str().unwrap()),
            f["content_b64"].as_str().unwrap(),
        );
    }
    for d in case["empty_dirs"].as_array().unwrap() {
        fs::create_dir_all(root.join(d.as_str().unwrap())).unwrap();
    }
    for l in case["symlinks"].as_array().unwrap() {
        let link = root.join(l["path"].as_str().unwrap());
        std::os::unix::fs::symlink(l["target"].as_str().unwrap(), link).unwrap();
    }
}

fn model_path(case: &Value, base: &Path, dir_name: &str) -> PathBuf {
    let model_dir = case["model_dir"].as_str().unwrap();
    let rel = case["model_path"].as_str().unwrap();
    let rest = rel.strip_prefix(model_dir).unwrap().trim_start_matches('/');
    let dir = base.join(dir_name);
    if rest.is_empty() { dir } else { dir.join(rest) }
}

fn hasher_for(config: &Value) -> ModelHasher<'static> {
    let method = match config["method"].as_str().unwrap() {
        "files" => HashMethod::Files,
        "shards" => HashMethod::Shards {
            shard_size: config["shard_size"].as_u64().unwrap(),
        },
        other => panic!("unknown method {other}"),
    };
    let mut hasher = ModelHasher::new()
        .method(method)
        .allow_symlinks(config["allow_symlinks"].as_bool().unwrap())
        .ignore_git_paths(config["ignore_git_paths"].as_bool().unwrap());
    for p in config["ignored_paths"].as_array().unwrap() {
        hasher = hasher.ignore_path(p.as_str().unwrap());
    }
    hasher
}

#[test]
fn manifests_and_roots_equal_model_signing() {
    let fixture = load("hashing.json");
    let mut checked = 0;
    for case in fixture["cases"].as_array().unwrap() {
        let id = case["id"].as_str().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let model_dir = case["model_dir"].as_str().unwrap();
        materialize(case, dir.path(), model_dir);
        let path = model_path(case, dir.path(), model_dir);
        for result in case["results"].as_array().unwrap() {
            let config = &result["config"];
            let label = format!("{id} / {config}");
            let outcome = hasher_for(config).hash(&path);
            if let Some(error) = result.get("error") {
                assert_eq!(error["category"], "symlink_or_special_file", "{label}");
                let err = outcome.expect_err(&label);
                assert!(
                    matches!(err, CoreError::SymlinkRefused { .. }),
                    "{label}: {err}"
                );
                checked += 1;
                continue;
            }
            let manifest = outcome.unwrap_or_else(|e| panic!("{label}: {e}"));
            let expected: Vec<(String, String)> = result["resources"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    (
                        r["name"].as_str().unwrap().to_string(),
                        r["digest"].as_str().unwrap().to_string(),
                    )
                })
                .collect();
            let actual: Vec<(String, String)> = manifest
                .resources
                .iter()
                .map(|r| (r.name.clone(), r.digest.to_hex()))
                .collect();
            assert_eq!(actual, expected, "{label}: resources in order");
            assert_eq!(
                manifest.root().to_hex(),
                result["root_digest"].as_str().unwrap(),
                "{label}: root"
            );
            assert_eq!(
                manifest.model_name,
                result["model_name"].as_str().unwrap(),
                "{label}"
            );

            // The predicate we write carries the same serialization and resources.
            let ours = manifest.to_predicate();
            let theirs = &result["statement"]["predicate"];
            assert_eq!(
                ours["resources"], theirs["resources"],
                "{label}: predicate resources"
            );
            for key in ["method", "hash_type", "allow_symlinks"] {
                assert_eq!(
                    ours["serialization"][key], theirs["serialization"][key],
                    "{label}: {key}"
                );
            }
            assert_eq!(
                ours["serialization"]["shard_size"].as_f64(),
                theirs["serialization"]["shard_size"].as_f64(),
                "{label}: shard_size"
            );
            let as_set = |v: &Value| -> BTreeSet<String> {
                v.as_array()
                    .map(|a| a.iter().map(|p| p.as_str().unwrap().to_string()).collect())
                    .unwrap_or_default()
            };
            assert_eq!(
                as_set(&ours["serialization"]["ignore_paths"]),
                as_set(&theirs["serialization"]["ignore_paths"]),
                "{label}: ignore_paths"
            );
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} golden manifests checked");
}

/// What aigov must answer where model_signing 1.1.1 has a documented bug (FORMAT.md section 8):
/// its guessed configuration reads `shard_size` as a float and ignores `allow_symlinks`.
fn expected_validity(case: &Value) -> Option<bool> {
    let id = case["id"].as_str().unwrap();
    let expected = &case["expected"];
    let category = expected["error"]["category"].as_str();
    if category == Some("python_bug_float_shard_size") || id == "symlink_guessed_config" {
        return Some(true);
    }
    // aigov always verifies with the signed serialization; cases that force another one on
    // the Python verifier test its configuration API, which aigov does not have.
    if let Some(forced) = case["verifier_hashing"].as_object() {
        let signed_method = if case["bundle_ref"]
            .as_str()
            .is_some_and(|b| b.contains("shards"))
        {
            "shards"
        } else {
            "files"
        };
        if forced["method"] != signed_method {
            return None;
        }
    }
    Some(expected["valid"].as_bool().unwrap())
}

#[test]
fn signature_verification_agrees_with_model_signing() {
    let hashing = load("hashing.json");
    let signing = load("signing.json");
    let cases = hashing["cases"].as_array().unwrap();
    let mut checked = 0;
    for vc in signing["verify_cases"].as_array().unwrap() {
        let id = vc["id"].as_str().unwrap();
        let Some(want_valid) = expected_validity(vc) else {
            continue;
        };
        let case = cases.iter().find(|c| c["id"] == vc["case"]).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let dir_name = vc["model_dir_name"].as_str().unwrap();
        materialize(case, dir.path(), dir_name);
        let root = dir.path().join(dir_name);
        for m in vc["modifications"].as_array().unwrap() {
            let target = root.join(m["path"].as_str().unwrap());
            match m["op"].as_str().unwrap() {
                "add" | "modify" => write(&target, m["content_b64"].as_str().unwrap()),
                "remove" => fs::remove_file(&target).unwrap(),
                other => panic!("{id}: unknown op {other}"),
            }
        }
        let path = model_path(case, dir.path(), dir_name);
        let key =
            EcdsaP256PublicKey::load(&fixtures().join(vc["public_key_file"].as_str().unwrap()))
                .unwrap();
        let bundle_json = match vc["bundle_ref"].as_str() {
            Some(name) => signing["bundles"][name]["bundle_json"].as_str().unwrap(),
            None => vc["bundle_json"].as_str().unwrap(),
        };
        let outcome = SigstoreBundle::from_json(bundle_json.as_bytes())
            .and_then(|bundle| verify_model_signature(&path, &bundle, &key));
        match (want_valid, outcome) {
            (true, Ok(v)) => {
                // The signed root is over the signer's order; only a hand-made bundle that lists
                // resources out of canonical order signs a root other than the model's own.
                if id.contains("reversed") {
                    assert_ne!(v.root, v.manifest.root(), "{id}");
                } else {
                    assert_eq!(v.root, v.manifest.root(), "{id}");
                }
            }
            (false, Err(e)) => {
                let category = vc["expected"]["error"]["category"].as_str().unwrap();
                // A media type we do not accept is refused as bad input; everything else that
                // Python rejects is a failed verification here.
                if category == "media_type" {
                    assert!(matches!(e, CoreError::InvalidInput { .. }), "{id}: {e}");
                } else {
                    assert!(e.is_verification_failure(), "{id}: {category}: {e}");
                }
            }
            (true, Err(e)) => panic!("{id}: expected valid, got {e}"),
            (false, Ok(_)) => panic!("{id}: expected a failure, verification passed"),
        }
        checked += 1;
    }
    assert!(checked >= 40, "only {checked} verify cases checked");
}

#[test]
fn public_key_hint_matches_model_signing() {
    let signing = load("signing.json");
    for name in ["signing_key", "other_key"] {
        let k = &signing["keys"][name];
        let key = EcdsaP256PublicKey::from_pem(k["public_key_pem"].as_str().unwrap()).unwrap();
        assert_eq!(key.hint().unwrap(), k["public_key_hint"].as_str().unwrap());
    }
}

#[test]
fn bundles_on_disk_verify_and_malformed_ones_are_input_errors() {
    let hashing = load("hashing.json");
    let case = &hashing["cases"].as_array().unwrap()[0];
    let dir = tempfile::tempdir().unwrap();
    materialize(case, dir.path(), "nested_model");
    let key = EcdsaP256PublicKey::load(&fixtures().join("signing_key.pub")).unwrap();
    let bundle = SigstoreBundle::load(&fixtures().join("model.sig")).unwrap();
    let ok = verify_model_signature(&dir.path().join("nested_model"), &bundle, &key).unwrap();
    assert_eq!(ok.model_name, "nested_model");

    for bad in [
        "",
        "{}",
        "[]",
        r#"{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}"#,
    ] {
        let err = SigstoreBundle::from_json(bad.as_bytes()).unwrap_err();
        assert!(
            matches!(err, CoreError::InvalidInput { .. }),
            "{bad:?}: {err}"
        );
    }
    let err = EcdsaP256PublicKey::from_pem(
        "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
    )
    .unwrap_err();
    assert!(matches!(err, CoreError::InvalidInput { .. }), "{err}");
}
