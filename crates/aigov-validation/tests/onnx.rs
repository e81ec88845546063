//! ONNX models exported from scikit-learn by skl2onnx (tests/oracles/validation_onnx_models.py)
//! score through tract as scikit-learn and onnxruntime score them.
#![cfg(feature = "onnx")]

use std::path::PathBuf;

use aigov_validation::{LinearModel, Model, ModelError, OnnxModel};
use ndarray::Array2;
use serde_json::Value;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/validation")
}

fn models() -> Vec<Value> {
    let text = std::fs::read_to_string(fixtures().join("onnx_models.json")).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    doc["models"].as_array().unwrap().clone()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn rows(v: &Value) -> Array2<f64> {
    let rows: Vec<Vec<f64>> = v.as_array().unwrap().iter().map(floats).collect();
    let width = rows[0].len();
    Array2::from_shape_vec((rows.len(), width), rows.concat()).unwrap()
}

#[test]
fn every_exported_model_scores_as_onnxruntime_and_scikit_learn_do() {
    let all = models();
    assert!(all.len() >= 5);
    for case in all {
        let name = case["name"].as_str().unwrap();
        let model = OnnxModel::load(&fixtures().join(case["file"].as_str().unwrap()))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let names: Vec<String> = case["feature_names"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect();
        assert_eq!(model.feature_names(), names, "{name}");
        assert_eq!(
            model.digest().to_hex(),
            case["sha256"].as_str().unwrap(),
            "{name}"
        );
        let scores = model.predict(rows(&case["rows"]).view()).unwrap();
        let ort = floats(&case["onnxruntime_proba"]);
        let sk = floats(&case["sklearn_proba"]);
        for (i, s) in scores.iter().enumerate() {
            // float32 arithmetic in both runtimes, summed in different orders
            assert!(
                (s - ort[i]).abs() < 1e-6,
                "{name} row {i}: {s} vs onnxruntime {}",
                ort[i]
            );
            assert!(
                (s - sk[i]).abs() < 1e-5,
                "{name} row {i}: {s} vs scikit-learn {}",
                sk[i]
            );
        }
        if let Some(json) = case.get("linear_model_json") {
            let linear = LinearModel::from_json(&json.to_string()).unwrap();
            let exact = linear.predict(rows(&case["rows"]).view()).unwrap();
            for (a, b) in scores.iter().zip(exact.iter()) {
                assert!((a - b).abs() < 1e-5, "{name}: ONNX {a} vs JSON {b}");
            }
        }
    }
}

#[test]
fn a_batch_of_one_and_an_empty_batch_score() {
    let model = OnnxModel::load(&fixtures().join("onnx/random_forest.onnx")).unwrap();
    let one = Array2::from_shape_vec((1, 6), vec![10.0, 1.0, 300.0, 3.0, 4.0, 0.2]).unwrap();
    let s = model.predict(one.view()).unwrap();
    assert!(s.len() == 1 && (0.0..=1.0).contains(&s[0]));
    assert_eq!(
        model.predict(Array2::zeros((0, 6)).view()).unwrap().len(),
        0
    );
}

#[test]
fn bad_models_and_bad_rows_are_clear_errors() {
    let model = OnnxModel::load(&fixtures().join("onnx/logreg.onnx")).unwrap();
    assert_eq!(
        model.predict(Array2::zeros((3, 5)).view()),
        Err(ModelError::WidthMismatch {
            expected: 6,
            found: 5
        })
    );
    let mut nan = Array2::zeros((2, 6));
    nan[[1, 4]] = f64::NAN;
    assert!(matches!(
        model.predict(nan.view()),
        Err(ModelError::NonFinite { row: 1, ref feature, .. }) if feature == "payload_entropy"
    ));
    let missing = OnnxModel::load(&fixtures().join("onnx/absent.onnx"));
    assert!(
        matches!(missing, Err(ModelError::Load { .. })),
        "{missing:?}"
    );
    let garbage = OnnxModel::from_bytes(b"not an onnx model at all", "garbage.onnx");
    assert!(
        matches!(garbage, Err(ModelError::Load { ref source_name, .. }) if source_name == "garbage.onnx")
    );
    let bytes = std::fs::read(fixtures().join("onnx/logreg.onnx")).unwrap();
    let truncated = OnnxModel::from_bytes(&bytes[..bytes.len() / 2], "truncated.onnx");
    assert!(
        matches!(truncated, Err(ModelError::Load { .. })),
        "{truncated:?}"
    );
    assert!(model.clone().with_feature_names(vec!["a".into()]).is_err());
    let renamed = model
        .with_feature_names((0..6).map(|i| format!("x{i}")).collect())
        .unwrap();
    assert_eq!(renamed.feature_names()[5], "x5");
}
