//! The `aigov` binary end to end: output shapes, exit codes, and one-line errors on bad input.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use base64::Engine as _;
use serde_json::Value;

fn aigov(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aigov"))
        .args(args)
        .output()
        .expect("run aigov")
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/model_signing")
}

/// Writes the fixture case `nested` (the model `model.sig` signs) into `dir/nested_model`.
fn nested_model(dir: &Path) -> (PathBuf, Value) {
    let text = fs::read_to_string(fixtures().join("hashing.json")).unwrap();
    let fixture: Value = serde_json::from_str(&text).unwrap();
    let case = fixture["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "nested")
        .unwrap()
        .clone();
    let root = dir.join("nested_model");
    for f in case["files"].as_array().unwrap() {
        let path = root.join(f["path"].as_str().unwrap());
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(f["content_b64"].as_str().unwrap())
            .unwrap();
        fs::write(path, bytes).unwrap();
    }
    (root, case)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Bad input: exit 2, exactly one line on stderr, and no panic message.
fn assert_bad_input(out: &Output, mentions: &str) {
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains(mentions),
        "{stderr:?} should mention {mentions:?}"
    );
}

#[test]
fn hash_prints_the_model_signing_root() {
    let dir = tempfile::tempdir().unwrap();
    let (model, case) = nested_model(dir.path());
    let files = &case["results"][0];
    let out = aigov(&["hash", model.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).trim(),
        format!("sha256:{}", files["root_digest"].as_str().unwrap())
    );

    let out = aigov(&["hash", model.to_str().unwrap(), "--json"]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["method"], "files");
    assert_eq!(
        json["root"],
        format!("sha256:{}", files["root_digest"].as_str().unwrap())
    );
    let resources = json["resources"].as_array().unwrap();
    let expected = files["resources"].as_array().unwrap();
    assert_eq!(resources.len(), expected.len());
    for (ours, theirs) in resources.iter().zip(expected) {
        assert_eq!(ours["name"], theirs["name"]);
        assert_eq!(ours["digest"], theirs["digest"]);
    }

    let shards = case["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["config"]["shard_size"] == 1000)
        .unwrap();
    let out = aigov(&[
        "hash",
        model.to_str().unwrap(),
        "--shards",
        "--shard-size",
        "1000",
        "--json",
    ]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["method"], "shards");
    assert_eq!(
        json["root"],
        format!("sha256:{}", shards["root_digest"].as_str().unwrap())
    );
}

#[test]
fn hash_rejects_bad_input_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing");
    assert_bad_input(&aigov(&["hash", missing.to_str().unwrap()]), "missing");

    fs::write(dir.path().join("w.bin"), b"w").unwrap();
    std::os::unix::fs::symlink("w.bin", dir.path().join("link")).unwrap();
    assert_bad_input(
        &aigov(&["hash", dir.path().to_str().unwrap()]),
        "symbolic link",
    );
    let out = aigov(&["hash", dir.path().to_str().unwrap(), "--allow-symlinks"]);
    assert!(out.status.success());

    let unreadable = dir.path().join("locked");
    fs::create_dir(&unreadable).unwrap();
    fs::write(unreadable.join("secret"), b"s").unwrap();
    // Root reads anything, so only check the permission path when it can bite.
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(unreadable.join("secret"), fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read(unreadable.join("secret")).is_err() {
        assert_bad_input(&aigov(&["hash", unreadable.to_str().unwrap()]), "secret");
    }

    let out = aigov(&["hash", dir.path().to_str().unwrap(), "--shard-size", "10"]);
    assert_eq!(out.status.code(), Some(2));
    let out = aigov(&[
        "hash",
        dir.path().to_str().unwrap(),
        "--shards",
        "--shard-size",
        "0",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn verify_model_accepts_the_signed_model_and_rejects_tampering() {
    let dir = tempfile::tempdir().unwrap();
    let (model, _) = nested_model(dir.path());
    let bundle = fixtures().join("model.sig");
    let key = fixtures().join("signing_key.pub");
    let args = |model: &Path, bundle: &Path, key: &Path| {
        aigov(&[
            "verify-model",
            model.to_str().unwrap(),
            "--bundle",
            bundle.to_str().unwrap(),
            "--key",
            key.to_str().unwrap(),
        ])
    };
    let out = args(&model, &bundle, &key);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("verified: sha256:"));

    let other = fixtures().join("other_key.pub");
    let out = args(&model, &bundle, &other);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));

    fs::write(model.join("a.txt"), b"tampered").unwrap();
    let out = args(&model, &bundle, &key);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("changed: a.txt"),
        "{}",
        text(&out.stderr)
    );

    let garbage = dir.path().join("garbage.sig");
    fs::write(&garbage, b"{not json").unwrap();
    assert_bad_input(&args(&model, &garbage, &key), "Sigstore bundle");
    assert_bad_input(
        &args(&model, &dir.path().join("none.sig"), &key),
        "none.sig",
    );
    let bad_key = dir.path().join("bad.pub");
    fs::write(
        &bad_key,
        b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
    )
    .unwrap();
    assert_bad_input(&args(&model, &bundle, &bad_key), "public key");
}

#[test]
fn keys_generate_writes_a_private_key_only_its_owner_reads() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("keys");
    let out = aigov(&[
        "keys",
        "generate",
        "--name",
        "audit.example",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let verifier = stdout.lines().last().unwrap();
    assert!(verifier.starts_with("audit.example+"), "{stdout}");
    assert_eq!(
        fs::read_to_string(out_dir.join("audit.example.pub"))
            .unwrap()
            .trim(),
        verifier
    );
    use std::os::unix::fs::PermissionsExt;
    let mode = fs::metadata(out_dir.join("audit.example.key"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);

    let again = aigov(&[
        "keys",
        "generate",
        "--name",
        "audit.example",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_bad_input(&again, "already exists");
    assert_bad_input(
        &aigov(&[
            "keys",
            "generate",
            "--name",
            "bad name",
            "--out",
            out_dir.to_str().unwrap(),
        ]),
        "key name",
    );
}
