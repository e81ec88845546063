//! `aigov validate` and `aigov explain` end to end.

mod common;

use std::path::{Path, PathBuf};

use common::{aigov, ok};
use serde_json::Value;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/validation")
}

fn json(out: &std::process::Output) -> Value {
    serde_json::from_str(&ok(out)).unwrap()
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

/// The fixture's logistic regression: its rows and scikit-learn's labels as a CSV, and its
/// JSON twin.
fn logreg_files(dir: &Path) -> (String, String, Value) {
    let doc: Value = serde_json::from_str(
        &std::fs::read_to_string(fixtures().join("onnx_models.json")).unwrap(),
    )
    .unwrap();
    let case = doc["models"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "logreg")
        .unwrap()
        .clone();
    let names: Vec<&str> = case["feature_names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    let mut csv = format!("{},label\n", names.join(","));
    // Labels that disagree with the model now and then, so the metrics are not all 1.
    for (i, row) in case["rows"].as_array().unwrap().iter().enumerate() {
        let cells: Vec<String> = row
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.to_string())
            .collect();
        let label = case["sklearn_labels"][i].as_i64().unwrap() ^ i64::from(i % 7 == 3);
        csv.push_str(&format!("{},{label}\n", cells.join(",")));
    }
    let data = write(dir, "holdout.csv", &csv);
    let model = write(dir, "logreg.json", &case["linear_model_json"].to_string());
    (data, model, case)
}

#[test]
fn validate_a_score_column() {
    let tmp = tempfile::tempdir().unwrap();
    let data = write(
        tmp.path(),
        "scores.csv",
        "label,score,region\n0,0.1,eu\n0,0.4,us\n1,0.35,eu\n1,0.8,us\n",
    );
    let out = json(&aigov(&[
        "validate",
        "--score",
        "score",
        "--data",
        &data,
        "--label",
        "label",
        "--budget",
        "1",
        "--target-tpr",
        "1.0",
        "--slice",
        "region",
        "--json",
    ]));
    assert_eq!(out["n"], 4);
    assert_eq!(out["roc_auc"], 0.75);
    assert!((out["average_precision"].as_f64().unwrap() - 0.8333333333333333).abs() < 1e-15);
    assert_eq!(out["precision"], 1.0);
    assert_eq!(out["recall"], 0.5);
    assert_eq!(out["accuracy"], 0.75);
    assert_eq!(out["fpr_at_tpr"], 0.5);
    assert_eq!(out["detection_rate_at_budget"], 0.5);
    assert_eq!(out["confusion"]["tp"], 1.0);
    assert_eq!(out["slices"].as_array().unwrap().len(), 2);
    assert!(out["log_loss"].as_f64().unwrap() > 0.0);
}

#[test]
fn validate_an_onnx_model_and_its_json_twin_alike() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, json_model, _) = logreg_files(tmp.path());
    let onnx = fixtures().join("onnx/logreg.onnx");
    let a = json(&aigov(&[
        "validate",
        "--model",
        onnx.to_str().unwrap(),
        "--data",
        &data,
        "--label",
        "label",
        "--json",
    ]));
    let b = json(&aigov(&[
        "validate",
        "--model-json",
        &json_model,
        "--data",
        &data,
        "--label",
        "label",
        "--json",
    ]));
    assert_eq!(a["n"], 40);
    for key in ["roc_auc", "average_precision", "log_loss", "brier", "f1"] {
        let (x, y) = (a[key].as_f64().unwrap(), b[key].as_f64().unwrap());
        assert!((x - y).abs() < 1e-6, "{key}: {x} vs {y}");
    }
    assert!(
        a["roc_auc"].as_f64().unwrap() < 1.0,
        "labels were perturbed"
    );
    let human = ok(&aigov(&[
        "validate",
        "--model-json",
        &json_model,
        "--data",
        &data,
        "--label",
        "label",
    ]));
    assert!(
        human.contains("roc_auc") && human.contains("40 rows"),
        "{human}"
    );
}

#[test]
fn a_single_class_gives_undefined_metrics_not_a_failure() {
    let tmp = tempfile::tempdir().unwrap();
    let data = write(tmp.path(), "one.csv", "label,score\n0,0.1\n0,0.7\n");
    let out = json(&aigov(&[
        "validate", "--score", "score", "--data", &data, "--label", "label", "--json",
    ]));
    assert!(out["roc_auc"].is_null());
    assert!(
        out["undefined"]["roc_auc"]
            .as_str()
            .unwrap()
            .contains("undefined")
    );
    assert!(out["recall"].is_null());
    assert_eq!(out["false_positive_rate"], 0.5);
}

#[test]
fn bad_input_exits_2_and_names_the_problem() {
    let tmp = tempfile::tempdir().unwrap();
    let data = write(tmp.path(), "bad.csv", "label,score\n0,0.1\n1,high\n");
    let out = aigov(&[
        "validate", "--score", "score", "--data", &data, "--label", "label",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 3") && err.contains("score"), "{err}");
    let out = aigov(&[
        "validate", "--score", "nope", "--data", &data, "--label", "label",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let out = aigov(&["validate", "--data", &data, "--label", "label"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "a model or a score column is required"
    );
    let (holdout, _, _) = logreg_files(tmp.path());
    let wrong = fixtures().join("onnx/logreg20.onnx");
    let out = aigov(&[
        "validate",
        "--model",
        wrong.to_str().unwrap(),
        "--data",
        &holdout,
        "--label",
        "label",
    ]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "the 20-feature model's columns are absent"
    );
    let garbage = write(tmp.path(), "garbage.onnx", "not a model");
    let out = aigov(&[
        "validate", "--model", &garbage, "--data", &holdout, "--label", "label",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot load model"));
}

#[test]
fn explain_a_linear_decision() {
    let tmp = tempfile::tempdir().unwrap();
    let model = write(
        tmp.path(),
        "m.json",
        r#"{"features": ["a", "b", "c"], "weights": [2.0, -1.0, 0.5], "intercept": 0.1, "link": "identity"}"#,
    );
    let background = write(tmp.path(), "bg.csv", "c,b,a\n0,0,0\n2,4,2\n");
    let data = write(tmp.path(), "rows.csv", "a,b,c\n3,1,7\n5,5,5\n");
    for method in ["exact", "permutation", "kernel"] {
        let out = json(&aigov(&[
            "explain",
            "--model-json",
            &model,
            "--background",
            &background,
            "--data",
            &data,
            "--row",
            "0",
            "--method",
            method,
            "--json",
        ]));
        // φ_i = w_i (x_i - mean_i): means a 1, b 2, c 1.
        for (f, expected) in [("a", 4.0), ("b", 1.0), ("c", 3.0)] {
            let v = out["values"][f].as_f64().unwrap();
            assert!((v - expected).abs() < 1e-12, "{method} {f}: {v}");
        }
        assert_eq!(out["method"], method);
        assert!((out["base_value"].as_f64().unwrap() - 0.6).abs() < 1e-12);
        assert!((out["prediction"].as_f64().unwrap() - 8.6).abs() < 1e-12);
        assert!(out["additivity_residual"].as_f64().unwrap().abs() < 1e-12);
        assert!(
            out["background_digest"]
                .as_str()
                .unwrap()
                .starts_with("sha256:")
        );
        assert_eq!(out["top"][0]["feature"], "a");
    }
    let bad = aigov(&[
        "explain",
        "--model-json",
        &model,
        "--background",
        &background,
        "--data",
        &data,
        "--row",
        "2",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    let bad = aigov(&[
        "explain",
        "--model-json",
        &model,
        "--background",
        &background,
        "--data",
        &data,
        "--row",
        "0",
        "--method",
        "lime",
    ]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn explain_an_onnx_tree_ensemble() {
    let f = fixtures().join("onnx");
    let out = json(&aigov(&[
        "explain",
        "--model",
        f.join("random_forest.onnx").to_str().unwrap(),
        "--background",
        f.join("bench20_background.csv").to_str().unwrap(),
        "--data",
        f.join("bench20_rows.csv").to_str().unwrap(),
        "--row",
        "1",
        "--json",
    ]));
    // Six features: exact by default; the values add up to prediction - base.
    assert_eq!(out["method"], "exact");
    let sum: f64 = out["values"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_f64().unwrap())
        .sum();
    let gap = out["prediction"].as_f64().unwrap() - out["base_value"].as_f64().unwrap();
    assert!((sum - gap).abs() < 1e-9);
}

#[test]
fn robustness_of_an_onnx_model() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, json_model, _) = logreg_files(tmp.path());
    let onnx = fixtures().join("onnx/logreg.onnx");
    let out = json(&aigov(&[
        "robustness",
        "--model",
        onnx.to_str().unwrap(),
        "--data",
        &data,
        "--label",
        "label",
        "--immutable",
        "failed_logins",
        "--integer",
        "distinct_ports",
        "--budget",
        "400",
        "--max-rows",
        "5",
        "--json",
    ]));
    assert_eq!(out["rows"], 40);
    assert_eq!(out["version"], 1);
    let noise = out["noise"]["flip_rate"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&noise));
    let attacks = out["evasion"].as_array().unwrap();
    assert_eq!(attacks.len(), 2);
    assert!(
        attacks[0]["evaded"].as_u64().unwrap() > 0,
        "the decision-based search got through"
    );
    for a in attacks {
        assert!(a["attacked"].as_u64().unwrap() > 0);
        for e in a["evasions"].as_array().unwrap() {
            assert!(e["queries"].as_u64().unwrap() <= 400);
            assert!(e["evading_score"].as_f64().unwrap() < 0.5);
            for ch in e["changes"].as_array().unwrap() {
                assert_ne!(ch["feature"], "failed_logins");
                if ch["feature"] == "distinct_ports" {
                    assert_eq!(ch["to"].as_f64().unwrap().fract(), 0.0);
                }
            }
        }
    }
    let human = ok(&aigov(&[
        "robustness",
        "--model-json",
        &json_model,
        "--data",
        &data,
        "--label",
        "label",
        "--budget",
        "200",
        "--max-rows",
        "3",
    ]));
    assert!(
        human.contains("HopSkipJump") && human.contains("Greedy"),
        "{human}"
    );
    let bad = aigov(&[
        "robustness",
        "--model-json",
        &json_model,
        "--data",
        &data,
        "--label",
        "label",
        "--immutable",
        "no_such_feature",
    ]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn ambiguous_or_unmeetable_input_is_bad_input_not_a_crash() {
    let tmp = tempfile::tempdir().unwrap();
    let (data, json_model, _) = logreg_files(tmp.path());
    // A weight column that is also a model feature is read once.
    let out = json(&aigov(&[
        "validate",
        "--model-json",
        &json_model,
        "--data",
        &data,
        "--label",
        "label",
        "--weight",
        "failed_logins",
        "--json",
    ]));
    assert_eq!(out["weighted"], true);
    let dup = write(
        tmp.path(),
        "dup.csv",
        "label,score,score\n0,0.1,0.2\n1,0.9,0.8\n",
    );
    let out = aigov(&[
        "validate", "--score", "score", "--data", &dup, "--label", "label",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("twice"));
    // off_hours_ratio lies in (0, 1): as an integer feature it has no value to take.
    let out = aigov(&[
        "robustness",
        "--model-json",
        &json_model,
        "--data",
        &data,
        "--label",
        "label",
        "--integer",
        "off_hours_ratio",
    ]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let twice = write(
        tmp.path(),
        "twice.json",
        r#"{"features": ["a", "a"], "weights": [1, 1], "intercept": 0, "link": "identity"}"#,
    );
    let out = aigov(&[
        "validate",
        "--model-json",
        &twice,
        "--data",
        &data,
        "--label",
        "label",
    ]);
    assert_eq!(out.status.code(), Some(2));
}
