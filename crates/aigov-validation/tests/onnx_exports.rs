//! ONNX files exactly as users export them (tests/oracles/pipeline_fixtures.py, no
//! post-processing): a plain skl2onnx export names no features and scores only once they are
//! named; a DataFrame export (one input per column) is named by its inputs; both score as
//! onnxruntime does.
#![cfg(feature = "onnx")]

use std::path::PathBuf;

use aigov_validation::{FeatureNaming, Model, ModelError, ModelFormat, OnnxModel, load_model_file};
use ndarray::Array2;
use serde_json::Value;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/pipeline")
}

fn expected() -> Value {
    let text = std::fs::read_to_string(fixtures().join("expected.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
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
    Array2::from_shape_vec((rows.len(), rows[0].len()), rows.concat()).unwrap()
}

fn assert_scores_as_onnxruntime(model: &dyn Model, expected: &Value, key: &str) {
    let scores = model
        .predict(rows(&expected["holdout_first_rows"]["rows_model_order"]).view())
        .unwrap();
    let ort = floats(&expected["holdout_first_rows"][key]);
    assert_eq!(scores.len(), ort.len());
    for (i, (s, o)) in scores.iter().zip(&ort).enumerate() {
        assert!((s - o).abs() < 1e-6, "row {i}: tract {s}, onnxruntime {o}");
    }
}

#[test]
fn a_plain_export_scores_once_its_features_are_named() {
    let expected = expected();
    let names = strings(&expected["feature_names"]);
    let path = fixtures().join("phishing_logreg.onnx");
    let plain = OnnxModel::load(&path).unwrap();
    assert_eq!(plain.naming(), FeatureNaming::Unnamed);
    let unnamed = plain.clone().named(None).unwrap_err();
    assert!(
        matches!(unnamed, ModelError::UnnamedFeatures { width: 8, .. }),
        "{unnamed:?}"
    );
    assert!(unnamed.to_string().contains("--features"), "{unnamed}");
    let too_few = plain.clone().named(Some(names[..7].to_vec())).unwrap_err();
    assert!(
        too_few.to_string().contains("7 feature names given"),
        "{too_few}"
    );
    let named = plain.named(Some(names.clone())).unwrap();
    assert_eq!(named.naming(), FeatureNaming::Given);
    assert_eq!(named.feature_names(), names);
    assert_scores_as_onnxruntime(&named, &expected, "onnxruntime_proba");
}

#[test]
fn a_dataframe_export_is_named_by_its_inputs() {
    let expected = expected();
    let names = strings(&expected["feature_names"]);
    let bytes = std::fs::read(fixtures().join("phishing_logreg_columns.onnx")).unwrap();
    let columns = OnnxModel::from_bytes(&bytes, "columns.onnx").unwrap();
    assert_eq!(columns.naming(), FeatureNaming::InputNames);
    assert_eq!(columns.feature_names(), names);
    assert_scores_as_onnxruntime(&columns, &expected, "onnxruntime_proba_columns_file");
    // Repeating the names is fine; other names are an error naming both.
    assert!(columns.clone().named(Some(names.clone())).is_ok());
    let mut swapped = names.clone();
    swapped.swap(0, 1);
    let differ = load_model_file(&bytes, "columns.onnx", ModelFormat::Onnx, Some(swapped))
        .err()
        .unwrap();
    assert!(
        matches!(differ, ModelError::FeatureNamesDiffer { .. }),
        "{differ:?}"
    );
}

#[test]
fn model_files_load_by_format() {
    assert_eq!(ModelFormat::of_file_name("m.ONNX"), Some(ModelFormat::Onnx));
    assert_eq!(
        ModelFormat::of_file_name("m.json"),
        Some(ModelFormat::LinearJson)
    );
    assert_eq!(ModelFormat::of_file_name("m.pkl"), None);
    let linear = br#"{"features": ["a", "b"], "weights": [1.0, -1.0], "intercept": 0.0, "link": "logistic"}"#;
    let model = load_model_file(linear, "m.json", ModelFormat::LinearJson, None).unwrap();
    assert_eq!(model.feature_names(), ["a", "b"]);
    assert!(
        load_model_file(
            linear,
            "m.json",
            ModelFormat::LinearJson,
            Some(vec!["b".into(), "a".into()])
        )
        .is_err()
    );
    let garbage = load_model_file(b"\xff\xfe", "m.json", ModelFormat::LinearJson, None)
        .err()
        .unwrap();
    assert!(garbage.to_string().contains("m.json"), "{garbage}");
}
