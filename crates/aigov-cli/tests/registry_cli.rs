//! `aigov init` and `aigov model ...` against a real store directory.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

mod common;
use common::{aigov_as, enrol, lineage_args, ok};

fn aigov(store: &Path, args: &[&str]) -> Output {
    aigov_as(store, "ds@example.com", args)
}

/// Enrols the data scientist (and the bootstrap admin) in a new store's directory.
fn enrol_scientist(store: &Path, who: &str) {
    enrol(
        |actor, args| aigov_as(store, actor, args),
        &common::actor_keys(store),
        &[(who, "data-scientist")],
    );
}

/// `model register NAME PATH` with the lineage the registration gate asks for.
fn register_args<'a>(name: &'a str, path: &'a str, lineage: &'a [String]) -> Vec<&'a str> {
    let mut args = vec!["model", "register", name, path];
    args.extend(lineage.iter().map(String::as_str));
    args
}

fn code(out: &Output) -> Option<i32> {
    out.status.code()
}

fn model(dir: &Path, content: &[u8]) -> String {
    fs::create_dir_all(dir.join("sub")).unwrap();
    fs::write(dir.join("weights.bin"), content).unwrap();
    fs::write(dir.join("sub/config.json"), b"{}").unwrap();
    dir.to_str().unwrap().to_string()
}

#[test]
fn register_list_show_verify_and_history() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    let out = aigov(&store, &["model", "list"]);
    assert_eq!(code(&out), Some(2), "no store yet");
    assert!(String::from_utf8_lossy(&out.stderr).contains("aigov init"));

    let init = ok(&aigov(&store, &["init"]));
    assert!(init.contains("signing key: aigov-store+"), "{init}");
    assert!(ok(&aigov(&store, &["init"])).contains("already initialized"));
    let path = model(&tmp.path().join("m"), b"weights v1");
    // Nobody enrolled may register: without a key, authentication refuses, and nothing is
    // stored.
    let out = aigov(&store, &["model", "register", "login-risk", &path]);
    assert_eq!(code(&out), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("denied by authn"));
    enrol_scientist(&store, "ds@example.com");

    let sbom = tmp.path().join("sbom.json");
    fs::write(
        &sbom,
        br#"{"bomFormat":"CycloneDX","specVersion":"1.6","components":[]}"#,
    )
    .unwrap();
    let dataset = format!("logins=sha256:{}@s3://data/logins", "ab".repeat(32));
    let out = ok(&aigov(
        &store,
        &[
            "model",
            "register",
            "login-risk",
            &path,
            "--dataset",
            &dataset,
            "--commit",
            "0123abc",
            "--sbom",
            sbom.to_str().unwrap(),
            "--tag",
            "team=soc",
            "--json",
        ],
    ));
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["name"], "login-risk");
    assert_eq!(v["version"], 1);
    assert_eq!(v["stage"], "registered");
    assert!(v["root"].as_str().unwrap().starts_with("sha256:"));
    assert_eq!(v["lineage"]["datasets"][0]["uri"], "s3://data/logins");
    assert_eq!(v["lineage"]["code"]["commit"], "0123abc");
    assert!(
        v["lineage"]["sbom"]
            .as_str()
            .unwrap()
            .starts_with("sha256:")
    );
    assert_eq!(v["tags"]["team"], "soc");
    let hashed = ok(&aigov(&store, &["hash", &path]));
    assert_eq!(
        v["root"],
        hashed.trim(),
        "the version's identity is the model's root digest"
    );

    let path2 = model(&tmp.path().join("m2"), b"weights v2");
    let lineage = lineage_args(tmp.path());
    let human = ok(&aigov(
        &store,
        &register_args("login-risk", &path2, &lineage),
    ));
    assert!(
        human.starts_with("registered login-risk@2 sha256:"),
        "{human}"
    );
    // Without lineage the registration gate refuses, naming what is missing, and the
    // version it refused is rejected.
    let path3 = model(&tmp.path().join("m3"), b"weights v3");
    let out = aigov(&store, &["model", "register", "login-risk", &path3]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(code(&out), Some(1), "{stderr}");
    assert!(stderr.contains("denied by registration"), "{stderr}");
    assert!(stderr.contains("missing_dataset"), "{stderr}");
    assert!(
        ok(&aigov(&store, &["model", "show", "login-risk@3"])).contains("stage:      rejected")
    );
    let audit = ok(&aigov(&store, &["audit", "verify"]));
    assert!(audit.contains("verified "), "{audit}");

    let list: Value =
        serde_json::from_str(&ok(&aigov(&store, &["model", "list", "--json"]))).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    let shown: Value = serde_json::from_str(&ok(&aigov(
        &store,
        &["model", "show", "login-risk", "--json"],
    )))
    .unwrap();
    assert_eq!(shown["versions"].as_array().unwrap().len(), 3);
    let v2: Value = serde_json::from_str(&ok(&aigov(
        &store,
        &["model", "show", "login-risk@2", "--json"],
    )))
    .unwrap();
    assert_eq!(v2["version"], 2);
    assert!(
        ok(&aigov(&store, &["model", "show", "login-risk@1"])).contains("stage:      registered")
    );
    assert_eq!(
        code(&aigov(&store, &["model", "show", "login-risk@7"])),
        Some(2)
    );
    assert_eq!(
        code(&aigov(&store, &["model", "show", "login-risk@champion"])),
        Some(2)
    );

    assert!(ok(&aigov(&store, &["model", "verify", "login-risk@1"])).contains("intact"));
    // Tamper with the stored copy of weights.bin: verify must fail with exit 1 and name it.
    let digest = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "weights.bin")
        .unwrap()["digest"]
        .as_str()
        .unwrap()
        .trim_start_matches("sha256:")
        .to_string();
    let stored = store
        .join("artifacts/sha256")
        .join(&digest[..2])
        .join(&digest);
    fs::write(&stored, b"tampered").unwrap();
    let out = aigov(&store, &["model", "verify", "login-risk@1"]);
    assert_eq!(code(&out), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("FAIL weights.bin"));

    let out = ok(&aigov(
        &store,
        &["model", "history", "login-risk", "--env", "production"],
    ));
    assert!(out.contains("no deployments"), "{out}");
    let at: Value = serde_json::from_str(&ok(&aigov(
        &store,
        &[
            "model",
            "history",
            "login-risk",
            "--env",
            "production",
            "--at",
            "2026-01-01T00:00:00+01:00",
            "--json",
        ],
    )))
    .unwrap();
    assert_eq!(at["version"], Value::Null);
}

#[test]
fn register_rejects_bad_input_and_unverified_signatures() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    ok(&aigov(&store, &["init"]));
    enrol_scientist(&store, "ds@example.com");
    let lineage = lineage_args(tmp.path());
    let path = model(&tmp.path().join("m"), b"w");
    for (args, mentions) in [
        (vec!["model", "register", "Bad Name", &path], "model name"),
        (
            vec!["model", "register", "m", &path, "--dataset", "x"],
            "--dataset",
        ),
        (
            vec![
                "model",
                "register",
                "m",
                &path,
                "--dataset",
                "x=sha256:00@u",
            ],
            "digest",
        ),
        (
            vec!["model", "register", "m", &path, "--tag", "novalue"],
            "KEY=VALUE",
        ),
        (
            vec!["model", "register", "m", "/does/not/exist"],
            "/does/not/exist",
        ),
        (
            vec!["model", "register", "m", &path, "--sbom", &path],
            "sbom",
        ),
    ] {
        let out = aigov(&store, &args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(code(&out), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.to_lowercase().contains(&mentions.to_lowercase()),
            "{args:?}: {stderr}"
        );
        assert!(!stderr.contains("panicked"));
    }

    // The fixture model signed by OpenSSF model signing registers only while it verifies.
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/model_signing");
    let hashing: Value =
        serde_json::from_str(&fs::read_to_string(fixtures.join("hashing.json")).unwrap()).unwrap();
    let case = &hashing["cases"][0];
    let signed = tmp.path().join("nested_model");
    for f in case["files"].as_array().unwrap() {
        let p = signed.join(f["path"].as_str().unwrap());
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        use base64::Engine as _;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(f["content_b64"].as_str().unwrap())
            .unwrap();
        fs::write(p, bytes).unwrap();
    }
    let bundle = fixtures.join("model.sig");
    let key = fixtures.join("signing_key.pub");
    let signed_path = signed.to_str().unwrap();
    let mut args = register_args("signed", signed_path, &lineage);
    args.extend([
        "--bundle",
        bundle.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
        "--json",
    ]);
    let v: Value = serde_json::from_str(&ok(&aigov(&store, &args))).unwrap();
    assert_eq!(
        v["root"],
        format!(
            "sha256:{}",
            case["results"][0]["root_digest"].as_str().unwrap()
        )
    );
    assert_eq!(v["evidence"][0]["kind"], "model-signature");
    fs::write(signed.join("a.txt"), b"tampered").unwrap();
    let out = aigov(&store, &args);
    assert_eq!(
        code(&out),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list: Value =
        serde_json::from_str(&ok(&aigov(&store, &["model", "show", "signed", "--json"]))).unwrap();
    assert_eq!(
        list["versions"].as_array().unwrap().len(),
        1,
        "the tampered model was not registered"
    );
}

#[test]
fn two_processes_registering_at_once_get_distinct_numbers() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    ok(&aigov(&store, &["init"]));
    enrol_scientist(&store, "ci@example.com");
    let path = model(&tmp.path().join("m"), b"w");
    let lineage = lineage_args(tmp.path());
    ok(&aigov_as(
        &store,
        "ci@example.com",
        &register_args("shared", &path, &lineage),
    ));
    let lineage = lineage.join(" ");
    let script = |n: usize| {
        let mut cmd = Command::new("sh");
        let bin = env!("CARGO_BIN_EXE_aigov");
        cmd.arg("-c")
            .arg(format!(
                "for i in $(seq {n}); do {bin} model register shared {path} {lineage} --json || exit 1; done"
            ))
            .env("AIGOV_STORE", &store)
            .env("AIGOV_ACTOR", "ci@example.com")
            .env("AIGOV_KEY", common::key_of(&store, "ci@example.com"));
        cmd
    };
    // The two loops run at the same time, each taking the database's write lock in turn.
    let children: Vec<_> = (0..2).map(|_| script(12).spawn().unwrap()).collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut numbers = Vec::new();
    let shown: Value =
        serde_json::from_str(&ok(&aigov(&store, &["model", "show", "shared", "--json"]))).unwrap();
    for v in shown["versions"].as_array().unwrap() {
        numbers.push(v["version"].as_u64().unwrap());
    }
    assert_eq!(numbers, (1..=25).collect::<Vec<u64>>());
}

#[test]
fn a_postgres_store_works_the_same() {
    let Some(schema) = aigov_testkit::PgSchema::create("aigov_cli_test") else {
        return;
    };
    let store_url = schema.url();
    let tmp = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_aigov"))
            .args(args)
            .env("AIGOV_STORE", &store_url)
            .env("AIGOV_ARTIFACTS", tmp.path().join("home"))
            .env("AIGOV_ACTOR", "ds@example.com")
            .env("AIGOV_KEY", tmp.path().join("keys").join("ds.key"))
            .output()
            .unwrap()
    };
    ok(&run(&["init"]));
    let keys = tmp.path().join("keys");
    enrol(
        |actor, args| {
            Command::new(env!("CARGO_BIN_EXE_aigov"))
                .args(args)
                .env("AIGOV_STORE", &store_url)
                .env("AIGOV_ARTIFACTS", tmp.path().join("home"))
                .env("AIGOV_ACTOR", actor)
                .env(
                    "AIGOV_KEY",
                    keys.join(format!("{}.key", actor.split('@').next().unwrap())),
                )
                .output()
                .unwrap()
        },
        &keys,
        &[("ds@example.com", "data-scientist")],
    );
    let path = model(&tmp.path().join("m"), b"pg weights");
    let lineage = lineage_args(tmp.path());
    ok(&run(&register_args("pg-model", &path, &lineage)));
    ok(&run(&register_args("pg-model", &path, &lineage)));
    let shown: Value =
        serde_json::from_str(&ok(&run(&["model", "show", "pg-model", "--json"]))).unwrap();
    assert_eq!(shown["versions"].as_array().unwrap().len(), 2);
    assert!(ok(&run(&["model", "verify", "pg-model@2"])).contains("intact"));
}

/// Lineage that cannot be true is refused at registration, naming the field.
#[test]
fn impossible_lineage_is_refused_naming_the_field() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    ok(&aigov(&store, &["init"]));
    enrol_scientist(&store, "ds@example.com");
    let path = model(&tmp.path().join("m"), b"weights");
    let good = lineage_args(tmp.path());
    let not_an_sbom = tmp.path().join("not-sbom.json");
    fs::write(&not_an_sbom, br#"{"components": []}"#).unwrap();
    let zeros = format!("logins=sha256:{}@s3://data/logins", "0".repeat(64));
    for (flag, value, named) in [
        ("--commit", "not-a-commit".to_string(), "commit"),
        ("--dataset", zeros, "all zeros"),
        ("--sbom", not_an_sbom.display().to_string(), "CycloneDX"),
    ] {
        let mut args: Vec<String> = vec![
            "model".into(),
            "register".into(),
            "lineage".into(),
            path.clone(),
        ];
        let mut lineage = good.clone();
        let at = lineage.iter().position(|a| a == flag).unwrap();
        lineage[at + 1] = value;
        args.extend(lineage);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = aigov(&store, &args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(code(&out), Some(2), "{flag}: {stderr}");
        assert!(stderr.contains(named), "{flag}: {stderr}");
    }
}
