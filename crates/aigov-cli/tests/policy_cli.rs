//! `aigov policy ...` end to end.

use std::fs;
use std::process::{Command, Output};

use serde_json::Value;

fn aigov(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aigov"))
        .args(args)
        .output()
        .expect("run aigov")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn eval_example_schema_and_exit_codes() {
    let tmp = tempfile::tempdir().unwrap();
    for gate in [
        "registration",
        "validation",
        "staging",
        "production",
        "deployment",
        "authz",
    ] {
        let example = aigov(&["policy", "example-input", "--gate", gate]);
        assert!(example.status.success());
        let path = tmp.path().join(format!("{gate}.json"));
        fs::write(&path, &example.stdout).unwrap();
        let out = aigov(&[
            "policy",
            "eval",
            "--gate",
            gate,
            "--input",
            path.to_str().unwrap(),
            "--json",
        ]);
        assert_eq!(out.status.code(), Some(0), "{gate}: {}", stdout(&out));
        let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert_eq!(v["allow"], true);
        for field in ["deny", "warn", "decision_id", "policy_digest", "revision"] {
            assert!(v.get(field).is_some(), "{gate}: {field}");
        }
        let schema: Value =
            serde_json::from_str(&stdout(&aigov(&["policy", "schema", "--gate", gate]))).unwrap();
        assert!(schema["properties"].is_object(), "{gate}");
    }

    let mut input: Value = serde_json::from_str(&stdout(&aigov(&[
        "policy",
        "example-input",
        "--gate",
        "production",
    ])))
    .unwrap();
    input["approvals"].as_array_mut().unwrap().pop();
    let path = tmp.path().join("denied.json");
    fs::write(&path, input.to_string()).unwrap();
    let out = aigov(&[
        "policy",
        "eval",
        "--gate",
        "production",
        "--input",
        path.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["deny"][0]["code"], "missing_approval");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("production gate denied: missing_approval")
    );

    input["approvals"][0]["verified"] = Value::from("yes");
    fs::write(&path, input.to_string()).unwrap();
    let out = aigov(&[
        "policy",
        "eval",
        "--gate",
        "production",
        "--input",
        path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("approvals[0].verified"));
    assert_eq!(
        aigov(&["policy", "eval", "--gate", "launch", "--input", "x"])
            .status
            .code(),
        Some(2)
    );

    let config = tmp.path().join("policy.yaml");
    fs::write(&config, "thresholds: {min_roc_auc: 2}\n").unwrap();
    let out = aigov(&[
        "policy",
        "eval",
        "--gate",
        "authz",
        "--input",
        tmp.path().join("authz.json").to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("line"));
}

#[test]
fn rego_tests_run_and_failures_exit_1() {
    let out = aigov(&["policy", "test"]);
    assert!(out.status.success(), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("PASS data.aigov.gates.production_test.test_empty_input_is_denied")
    );

    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("bundle");
    fs::create_dir(&dir).unwrap();
    fs::write(
        dir.join("authz.rego"),
        "package aigov.gates.authz\n\nimport rego.v1\n\ndefault allow := false\n",
    )
    .unwrap();
    for gate in [
        "registration",
        "validation",
        "staging",
        "production",
        "deployment",
    ] {
        fs::write(
            dir.join(format!("{gate}.rego")),
            format!("package aigov.gates.{gate}\n\nimport rego.v1\n\ndefault allow := false\n"),
        )
        .unwrap();
    }
    fs::write(
        dir.join("authz_test.rego"),
        "package authz_test\n\nimport rego.v1\n\ntest_allows if data.aigov.gates.authz.allow\n",
    )
    .unwrap();
    let out = aigov(&["policy", "test", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("FAIL data.authz_test.test_allows"));
}

#[test]
fn redact_writes_a_copy_and_a_report() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("logins.csv");
    fs::write(&input, "user,ip\nalice@example.com,203.0.113.9\n").unwrap();
    let output = tmp.path().join("out.csv");
    let report = tmp.path().join("report.json");
    let out = aigov(&[
        "redact",
        input.to_str().unwrap(),
        output.to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        fs::read_to_string(&output).unwrap(),
        "user,ip\n<EMAIL>,<IPV4>\n"
    );
    let r: Value = serde_json::from_str(&fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(r["counts"]["ip"]["IPV4"], 1);
    let key = tmp.path().join("key");
    fs::write(&key, "0123456789abcdef0123").unwrap();
    let out = aigov(&[
        "redact",
        input.to_str().unwrap(),
        output.to_str().unwrap(),
        "--pseudonymize",
        "--key-file",
        key.to_str().unwrap(),
        "--columns",
        "user",
    ]);
    assert!(out.status.success());
    let text = fs::read_to_string(&output).unwrap();
    assert!(
        text.contains("<EMAIL:") && text.contains("203.0.113.9"),
        "{text}"
    );
    fs::write(&key, "short").unwrap();
    let out = aigov(&[
        "redact",
        input.to_str().unwrap(),
        output.to_str().unwrap(),
        "--pseudonymize",
        "--key-file",
        key.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let out = aigov(&[
        "redact",
        input.to_str().unwrap(),
        output.to_str().unwrap(),
        "--columns",
        "nope",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

mod common;

/// The store's configuration changes only through `aigov policy apply` (admins, audited):
/// a policy.yaml written any other way stops the store with a message naming the file, and
/// the policy digest follows the configuration.
#[test]
fn policy_yaml_changes_only_through_apply() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    let run = |who: &str, args: &[&str]| common::aigov_as(&store, who, args);
    common::ok(&run("admin@example.com", &["init"]));
    common::enrol(
        |actor, args| common::aigov_as(&store, actor, args),
        &common::actor_keys(&store),
        &[("deployer@example.com", "deployer")],
    );
    let example = aigov_policy::EXAMPLE_POLICY_YAML;
    // An insider empties the production approvals behind the governor's back.
    let lax = example.replace(
        "production: [security-approver, legal-approver, model-owner]",
        "production: []",
    );
    assert_ne!(lax, example);
    fs::write(store.join("policy.yaml"), &lax).unwrap();
    let out = run("deployer@example.com", &["actors", "list"]);
    assert_ne!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("policy.yaml") && stderr.contains("never applied"),
        "{stderr}"
    );
    // A deployer may not apply a policy; an admin may, and then the store opens again.
    let stricter = tmp.path().join("stricter.yaml");
    fs::write(
        &stricter,
        example.replace("min_roc_auc: 0.85", "min_roc_auc: 0.9"),
    )
    .unwrap();
    let refused = run(
        "deployer@example.com",
        &["policy", "apply", stricter.to_str().unwrap()],
    );
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("denied by authz"));
    let applied = common::ok(&run(
        "admin@example.com",
        &["policy", "apply", stricter.to_str().unwrap()],
    ));
    assert!(applied.contains("applied"), "{applied}");
    common::ok(&run("deployer@example.com", &["actors", "list"]));
    assert_eq!(
        fs::read_to_string(store.join("policy.yaml")).unwrap(),
        fs::read_to_string(&stricter).unwrap()
    );
    // Changed again behind its back: refused, naming the file and both digests.
    fs::write(store.join("policy.yaml"), &lax).unwrap();
    let out = run("deployer@example.com", &["actors", "list"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0));
    assert!(stderr.contains("is not the applied policy"), "{stderr}");
    // The log says who applied which configuration, and nobody files records under it.
    common::ok(&run(
        "admin@example.com",
        &["policy", "apply", stricter.to_str().unwrap()],
    ));
    let fake = tmp.path().join("fake.json");
    fs::write(&fake, br#"{"type": "note", "name": "aigov-policy"}"#).unwrap();
    let out = run(
        "admin@example.com",
        &[
            "audit",
            "append",
            "--kind",
            "custom",
            "--json-file",
            fake.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("written by the governor only"));
    common::ok(&run("admin@example.com", &["audit", "verify"]));

    // The log holds what was applied: a deleted policy.yaml is restored from it, and so is
    // one an earlier application left (a replica that missed the newest).
    let newest = tmp.path().join("newest.yaml");
    fs::write(
        &newest,
        example.replace("min_roc_auc: 0.85", "min_roc_auc: 0.95"),
    )
    .unwrap();
    common::ok(&run(
        "admin@example.com",
        &["policy", "apply", newest.to_str().unwrap()],
    ));
    let newest_text = fs::read_to_string(&newest).unwrap();
    fs::remove_file(store.join("policy.yaml")).unwrap();
    common::ok(&run("deployer@example.com", &["actors", "list"]));
    assert_eq!(
        fs::read_to_string(store.join("policy.yaml")).unwrap(),
        newest_text
    );
    fs::copy(&stricter, store.join("policy.yaml")).unwrap();
    common::ok(&run("deployer@example.com", &["actors", "list"]));
    assert_eq!(
        fs::read_to_string(store.join("policy.yaml")).unwrap(),
        newest_text
    );

    // Recovering from a tampered file, the last applied policy decides who may apply, not
    // the shipped defaults: once only a custom role may apply, the admin may not.
    let locked = tmp.path().join("locked.yaml");
    fs::write(
        &locked,
        example.replace("apply-policy: [admin]", "apply-policy: [policy-owner]"),
    )
    .unwrap();
    common::ok(&run(
        "admin@example.com",
        &["policy", "apply", locked.to_str().unwrap()],
    ));
    let key = aigov::core::SignerKey::generate("po").unwrap();
    key.save(&common::actor_keys(&store)).unwrap();
    let public = common::actor_keys(&store).join("po.pub");
    common::ok(&run(
        "admin@example.com",
        &[
            "actors",
            "add",
            "po@example.com",
            "--role",
            "policy-owner",
            "--custom-role",
            "--key",
            public.to_str().unwrap(),
        ],
    ));
    fs::write(store.join("policy.yaml"), &lax).unwrap();
    let out = run(
        "admin@example.com",
        &["policy", "apply", stricter.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("roles that may: policy-owner"),
        "{out:?}"
    );
    common::ok(&run(
        "po@example.com",
        &["policy", "apply", stricter.to_str().unwrap()],
    ));
    common::ok(&run("deployer@example.com", &["actors", "list"]));
}
