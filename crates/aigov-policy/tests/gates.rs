//! The shipped gates, their Rego tests, typed input, configuration, bundles and records.

use std::sync::Arc;

use aigov_policy::{
    EXAMPLE_POLICY_YAML, Gate, PolicyBundle, PolicyConfig, PolicyEngine, PolicyError,
    run_rego_tests,
};
use proptest::prelude::*;
use serde_json::json;

#[test]
fn every_shipped_rego_test_passes() {
    let results = run_rego_tests(&PolicyBundle::builtin(), &PolicyConfig::default()).unwrap();
    let failed: Vec<_> = results.iter().filter(|r| !r.passed).collect();
    assert!(failed.is_empty(), "{failed:#?}");
    for gate in Gate::ALL {
        let prefix = format!("data.aigov.gates.{gate}_test.");
        let names: Vec<&str> = results
            .iter()
            .filter_map(|r| r.name.strip_prefix(prefix.as_str()))
            .collect();
        assert!(
            names.contains(&"test_example_is_allowed"),
            "{gate}: {names:?}"
        );
        assert!(
            names.contains(&"test_empty_input_is_denied"),
            "{gate}: {names:?}"
        );
    }
    assert!(results.len() >= 20, "{} tests", results.len());
}

#[test]
fn the_runner_counts_only_true() {
    let mut bundle = PolicyBundle::builtin();
    bundle.tests.insert(
        "broken_test.rego".into(),
        "package broken_test\n\nimport rego.v1\n\ntest_false if false\n\ntest_undefined if input.nothing\n\ntest_number := 1\n\ntest_true if true\n".into(),
    );
    let results = run_rego_tests(&bundle, &PolicyConfig::default()).unwrap();
    let broken: Vec<(String, bool)> = results
        .iter()
        .filter(|r| r.file == "broken_test.rego")
        .map(|r| (r.name.clone(), r.passed))
        .collect();
    assert_eq!(
        broken,
        [
            ("data.broken_test.test_false".to_string(), false),
            ("data.broken_test.test_undefined".to_string(), false),
            ("data.broken_test.test_number".to_string(), false),
            ("data.broken_test.test_true".to_string(), true),
        ]
    );
}

#[test]
fn examples_allow_and_empty_input_denies_for_every_gate() {
    let engine = PolicyEngine::builtin().unwrap();
    for gate in Gate::ALL {
        let d = engine.evaluate(gate, &gate.example_input()).unwrap();
        assert!(d.allow, "{gate}: {:?}", d.deny);
        let empty = engine.evaluate_unchecked(gate, &json!({}));
        assert!(!empty.allow, "{gate}");
        assert!(!empty.deny.is_empty(), "{gate}: a denial says why");
        let not_object = engine.evaluate_unchecked(gate, &json!("text"));
        assert!(!not_object.allow, "{gate}");
        assert!(
            engine.evaluate(gate, &json!({})).is_err(),
            "{gate}: typed input rejects it first"
        );
    }
}

#[test]
fn typed_input_names_the_bad_field() {
    let engine = PolicyEngine::builtin().unwrap();
    let mut input = Gate::Validation.example_input();
    input["performance"]["roc_auc"] = json!("high");
    let err = engine.evaluate(Gate::Validation, &input).unwrap_err();
    assert!(err.to_string().contains("performance.roc_auc"), "{err}");
    let mut input = Gate::Production.example_input();
    input["approvals"][1]["surprise"] = json!(true);
    let err = engine.evaluate(Gate::Production, &input).unwrap_err();
    assert!(err.to_string().contains("approvals[1]"), "{err}");
}

#[test]
fn decision_records_carry_opa_fields_and_the_digest() {
    let engine = PolicyEngine::builtin().unwrap();
    let mut input = Gate::Production.example_input();
    input["target_region"] = json!("us-east-1");
    let d = engine.evaluate(Gate::Production, &input).unwrap();
    assert!(!d.allow);
    assert_eq!(d.deny[0].code, "region_not_allowed");
    let record = serde_json::to_value(&d.record).unwrap();
    for field in [
        "decision_id",
        "path",
        "input",
        "result",
        "bundles",
        "timestamp",
        "policy_digest",
    ] {
        assert!(record.get(field).is_some(), "{field}");
    }
    assert_eq!(record["path"], "aigov/gates/production");
    assert_eq!(
        record["policy_digest"],
        aigov_policy::policy_digest(&PolicyBundle::builtin(), &PolicyConfig::default()).to_string()
    );
    // Another configuration of the same bundle is another policy.
    let stricter = PolicyConfig::from_yaml(
        &EXAMPLE_POLICY_YAML.replace("min_roc_auc: 0.85", "min_roc_auc: 0.9"),
    )
    .unwrap();
    assert_ne!(
        aigov_policy::policy_digest(&PolicyBundle::builtin(), &stricter),
        aigov_policy::policy_digest(&PolicyBundle::builtin(), &PolicyConfig::default())
    );
    assert!(record["bundles"]["aigov-default"]["revision"].is_string());
    assert_eq!(record["result"]["allow"], false);
    assert_eq!(
        uuid::Uuid::parse_str(d.record.decision_id.as_str())
            .unwrap()
            .get_version_num(),
        4
    );
}

#[test]
fn a_mask_rule_erases_input_fields_from_the_record() {
    let mut bundle = PolicyBundle::builtin();
    let text = bundle.modules["authz.rego"].clone()
        + "\nmask contains \"/input/actor\"\n\nmask contains \"/input/not/there\"\n";
    bundle.modules.insert("authz.rego".into(), text);
    let engine = PolicyEngine::new(&bundle, &PolicyConfig::default()).unwrap();
    let d = engine
        .evaluate(Gate::Authz, &Gate::Authz.example_input())
        .unwrap();
    assert!(d.allow);
    assert_eq!(d.record.erased, ["/input/actor"]);
    assert!(d.record.input.get("actor").is_none());
    assert_eq!(d.record.input["action"], "register");
}

#[test]
fn a_bad_bundle_keeps_the_last_good_one() {
    let engine = PolicyEngine::builtin().unwrap();
    let before = engine.policy_digest();
    let mut broken = PolicyBundle::builtin();
    broken.modules.insert(
        "authz.rego".into(),
        "package aigov.gates.authz\n\nallow if {".into(),
    );
    let err = engine
        .reload(&broken, &PolicyConfig::default())
        .unwrap_err();
    assert!(matches!(err, PolicyError::Bundle { .. }), "{err}");
    assert_eq!(engine.policy_digest(), before);
    assert!(
        engine
            .evaluate(Gate::Authz, &Gate::Authz.example_input())
            .unwrap()
            .allow
    );
}

#[test]
fn bundles_load_from_directories_with_manifest_data_and_digest() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("my-bundle");
    std::fs::create_dir_all(root.join("gates")).unwrap();
    for (path, text) in &PolicyBundle::builtin().modules {
        std::fs::write(root.join("gates").join(path), text).unwrap();
    }
    std::fs::write(
        root.join(".manifest"),
        r#"{"revision": "2026-11-26.1", "roots": ["aigov"]}"#,
    )
    .unwrap();
    std::fs::write(root.join("data.json"), r#"{"extra": {"k": 1}}"#).unwrap();
    let bundle = PolicyBundle::load_dir(&root).unwrap();
    assert_eq!(bundle.revision, "2026-11-26.1");
    assert_eq!(bundle.name, "my-bundle");
    assert_eq!(bundle.modules.len(), 7);
    let engine = PolicyEngine::new(&bundle, &PolicyConfig::default()).unwrap();
    let d = engine
        .evaluate(Gate::Staging, &Gate::Staging.example_input())
        .unwrap();
    assert_eq!(d.record.bundles["my-bundle"].revision, "2026-11-26.1");
    let again = PolicyBundle::load_dir(&root).unwrap();
    assert_eq!(again.digest, bundle.digest, "the digest is deterministic");
    again.verify_digest(&bundle.digest).unwrap();
    assert!(
        again
            .verify_digest(&aigov_core::Digest::of(b"other"))
            .is_err()
    );
    std::fs::write(
        root.join("gates/lib.rego"),
        PolicyBundle::builtin().modules["lib.rego"].clone() + "\n",
    )
    .unwrap();
    assert_ne!(PolicyBundle::load_dir(&root).unwrap().digest, bundle.digest);
    std::fs::write(root.join("data.json"), "[1]").unwrap();
    assert!(PolicyBundle::load_dir(&root).is_err());
    assert!(PolicyBundle::load_dir(&dir.path().join("missing")).is_err());
}

#[test]
fn policy_yaml_errors_name_line_and_column() {
    assert_eq!(
        PolicyConfig::from_yaml(EXAMPLE_POLICY_YAML).unwrap(),
        PolicyConfig::default()
    );
    let unknown = EXAMPLE_POLICY_YAML.replace(
        "retention_days: 183",
        "retention_days: 183\nretention_dayz: 200",
    );
    match PolicyConfig::from_yaml(&unknown).unwrap_err() {
        PolicyError::Config {
            line,
            column,
            reason,
        } => {
            assert!(line > 20 && column >= 1, "{line}:{column}");
            assert!(reason.contains("retention_dayz"), "{reason}");
        }
        other => panic!("{other}"),
    }
    let wrong_type = EXAMPLE_POLICY_YAML.replace("min_roc_auc: 0.85", "min_roc_auc: high");
    match PolicyConfig::from_yaml(&wrong_type).unwrap_err() {
        PolicyError::Config { line, .. } => assert_eq!(line, 6),
        other => panic!("{other}"),
    }
    let short = EXAMPLE_POLICY_YAML.replace("retention_days: 183", "retention_days: 30");
    assert!(
        PolicyConfig::from_yaml(&short)
            .unwrap_err()
            .to_string()
            .contains("183")
    );
}

#[test]
fn configuration_changes_the_thresholds() {
    let mut config = PolicyConfig::default();
    config.thresholds.min_roc_auc = 0.95;
    let engine = PolicyEngine::new(&PolicyBundle::builtin(), &config).unwrap();
    let d = engine
        .evaluate(Gate::Validation, &Gate::Validation.example_input())
        .unwrap();
    assert_eq!(
        d.deny.iter().map(|f| f.code.as_str()).collect::<Vec<_>>(),
        ["roc_auc_below_minimum"]
    );
}

#[test]
fn many_threads_evaluate_at_once() {
    let engine = Arc::new(PolicyEngine::builtin().unwrap());
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let engine = Arc::clone(&engine);
            std::thread::spawn(move || {
                (0..50)
                    .filter(|_| {
                        engine
                            .evaluate(Gate::Production, &Gate::Production.example_input())
                            .unwrap()
                            .allow
                    })
                    .count()
            })
        })
        .collect();
    let allowed: usize = handles.into_iter().map(|h| h.join().unwrap()).sum();
    assert_eq!(allowed, 200);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    /// Better evidence never turns an allow into a deny: a higher fairness ratio or ROC AUC, a
    /// lower evasion or false-positive rate.
    #[test]
    fn better_evidence_never_turns_allow_into_deny(
        ratio in 0.0f64..1.0, bump in 0.0f64..0.5,
        auc in 0.5f64..1.0, evasion in 0.0f64..0.5, fpr in 0.0f64..0.2,
    ) {
        let engine = PolicyEngine::builtin().unwrap();
        let input = |ratio: f64, auc: f64, evasion: f64, fpr: f64| json!({
            "model": {"name": "m"},
            "performance": {"roc_auc": auc, "fpr_at_budget": fpr},
            "fairness": {"verdict": "pass", "fpr_parity_ratio": ratio},
            "robustness": {"evasion_rate": evasion}
        });
        let before = engine.evaluate(Gate::Validation, &input(ratio, auc, evasion, fpr)).unwrap().allow;
        let after = engine
            .evaluate(Gate::Validation, &input((ratio + bump).min(1.0), (auc + bump).min(1.0), (evasion - bump).max(0.0), (fpr - bump).max(0.0)))
            .unwrap()
            .allow;
        prop_assert!(!before || after);
    }
}

/// The governance actions are one typed list: every `Action` is granted in the shipped
/// `policy.yaml`, every permission there is an `Action`, and the `authz` gate decides each.
#[test]
fn the_action_vocabulary_matches_the_shipped_policy() {
    use aigov_core::Action;
    let config = PolicyConfig::default();
    let granted: std::collections::BTreeSet<&str> =
        config.permissions.keys().map(String::as_str).collect();
    let typed: std::collections::BTreeSet<&str> = Action::ALL.iter().map(|a| a.as_str()).collect();
    assert_eq!(
        granted, typed,
        "policy.yaml permissions vs aigov_core::Action::ALL"
    );
    let engine = PolicyEngine::new(&PolicyBundle::builtin(), &config).unwrap();
    for action in Action::ALL {
        let roles = &config.permissions[action.as_str()];
        let allowed = engine
            .evaluate(
                Gate::Authz,
                &json!({"actor": "a@example.com", "roles": roles, "action": action.as_str()}),
            )
            .unwrap();
        assert!(allowed.allow, "{action} with {roles:?}");
        let refused = engine
            .evaluate(
                Gate::Authz,
                &json!({"actor": "a@example.com", "roles": ["nobody"], "action": action.as_str()}),
            )
            .unwrap();
        assert!(!refused.allow, "{action} without a role");
    }
}

/// A bundle with one extra rule in the production gate's package.
fn with_rule(rule: &str) -> PolicyBundle {
    let mut bundle = PolicyBundle::builtin();
    bundle.modules.insert(
        "hostile.rego".into(),
        format!("package aigov.gates.production\n\nimport rego.v1\n\n{rule}\n"),
    );
    bundle
}

/// Evaluates the production gate of `bundle` and returns its finding codes and the time.
fn production_codes(
    bundle: &PolicyBundle,
    config: &PolicyConfig,
) -> (Vec<String>, std::time::Duration) {
    let engine = PolicyEngine::new(bundle, config).unwrap();
    let started = std::time::Instant::now();
    let decision = engine.evaluate_unchecked(Gate::Production, &Gate::Production.example_input());
    let codes = decision.deny.iter().map(|f| f.code.clone()).collect();
    assert!(!decision.allow);
    (codes, started.elapsed())
}

#[test]
fn hostile_bundles_end_in_a_bounded_denial() {
    let config = PolicyConfig::default();
    // Unbounded recursion: refused when the bundle loads (regorus would overflow the stack).
    for recursive in [
        "f(n) := y if { y := f(n + 1) }",
        "g(n) := y if { y := h(n) }\nh(n) := y if { y := g(n) }",
    ] {
        let Err(err) = PolicyEngine::new(&with_rule(recursive), &config) else {
            panic!("{recursive} was accepted");
        };
        assert!(err.to_string().contains("recursive function call"), "{err}");
    }
    // A range of 2e8 (4.8 GB reserved by regorus' own builtin) and one of 1e17 (an abort).
    for huge in [
        "boom := count(numbers.range(1, 200000000))",
        "boom := count(numbers.range(1, 100000000000000000))",
        "boom := count(numbers.range_step(0, 100000000000000000, 3))",
    ] {
        let (codes, took) = production_codes(&with_rule(huge), &config);
        assert_eq!(codes, vec!["policy_limit"], "{huge}");
        assert!(took < std::time::Duration::from_secs(5), "{huge}: {took:?}");
    }
    // 9e8 steps, and a string built up in a comprehension: the time budget stops them.
    let tight = PolicyConfig::from_yaml(&EXAMPLE_POLICY_YAML.replace(
        "retention_days: 183",
        "retention_days: 183\nlimits:\n  time_ms: 200\n",
    ))
    .unwrap();
    for slow in [
        "boom := count([x | some i in numbers.range(1, 30000); some j in numbers.range(1, 30000); x := i * j])",
        "boom := concat(\"\", [s | some i in numbers.range(1, 1000000); s := sprintf(\"%v-%v\", [i, i])])",
    ] {
        let (codes, took) = production_codes(&with_rule(slow), &tight);
        assert_eq!(codes, vec!["policy_limit"], "{slow}");
        assert!(took < std::time::Duration::from_secs(5), "{slow}: {took:?}");
    }
    // Limits tighten, never switch off.
    for off in [
        "limits:\n  time_ms: 0\n",
        "limits:\n  max_range_elements: 10\n",
        "limits:\n  time_ms: 99999999\n",
    ] {
        let yaml = EXAMPLE_POLICY_YAML.replace(
            "retention_days: 183",
            &format!("retention_days: 183\n{off}"),
        );
        assert!(PolicyConfig::from_yaml(&yaml).is_err(), "{off}");
    }
    // The shipped gates still pass with the limits in force.
    assert!(PolicyEngine::new(&PolicyBundle::builtin(), &tight).is_ok());
}

#[test]
fn yaml_alias_amplification_is_refused_in_policy_yaml() {
    // 66 KB of YAML that would expand to gigabytes.
    let mut text = String::from(
        "thresholds: &t\n  min_roc_auc: 0.8\n  max_fpr_at_budget: 0.05\n  min_fpr_parity_ratio: 0.8\n  max_evasion_rate: 0.2\nbig: &big [",
    );
    text.push_str(&vec!["admin"; 3000].join(", "));
    text.push_str("]\npermissions:\n");
    for i in 0..3000 {
        text.push_str(&format!("  a{i}: *big\n"));
    }
    let started = std::time::Instant::now();
    let err = PolicyConfig::from_yaml(&text).unwrap_err();
    assert!(err.to_string().contains("nodes"), "{err}");
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}
