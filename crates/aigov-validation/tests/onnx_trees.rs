//! Tree ensembles exported by skl2onnx (GradientBoosting, RandomForest, a regressor) and
//! onnxmltools (XGBoost and LightGBM, trained and scored with missing values) score natively
//! as onnxruntime scores them (tests/oracles/tree_fixtures.py).
#![cfg(feature = "onnx")]

use std::path::PathBuf;

use aigov_validation::{Model, ModelError, OnnxModel};
use ndarray::Array2;
use serde_json::Value;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/trees")
}

fn expected() -> Value {
    let text = std::fs::read_to_string(fixtures().join("expected.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Rows with `null` as NaN (a missing value).
fn rows(v: &Value) -> Array2<f64> {
    let rows: Vec<Vec<f64>> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r.as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap_or(f64::NAN))
                .collect()
        })
        .collect();
    Array2::from_shape_vec((rows.len(), rows[0].len()), rows.concat()).unwrap()
}

/// The positive-class column of `probabilities`, or the regressor's `variable`.
fn onnxruntime_scores(model: &Value) -> Vec<f64> {
    let out = &model["onnxruntime"];
    let (column, table) = match out.get("probabilities") {
        Some(p) => (1, p),
        None => (0, &out["variable"]),
    };
    table
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[column].as_f64().unwrap())
        .collect()
}

#[test]
fn every_exported_ensemble_scores_as_onnxruntime_does() {
    let expected = expected();
    let models = expected["models"].as_object().unwrap();
    assert_eq!(models.len(), 5);
    for (name, case) in models {
        let model = OnnxModel::load(&fixtures().join(case["file"].as_str().unwrap()))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(model.is_native_tree_ensemble(), "{name}");
        assert_eq!(model.digest().to_hex(), case["sha256"].as_str().unwrap());
        let on = case["evaluated_on"].as_str().unwrap();
        let key = on.strip_prefix("evaluation.").unwrap();
        let x = rows(&expected["evaluation"][key]);
        let scores = model.predict(x.view()).unwrap();
        let ort = onnxruntime_scores(case);
        assert_eq!(scores.len(), ort.len(), "{name}");
        let mut worst = 0.0f64;
        for (i, (s, o)) in scores.iter().zip(&ort).enumerate() {
            // Both sum float32 leaf weights in tree order; only exp may round differently.
            let tolerance = 1e-6 * o.abs().max(1.0);
            assert!(
                (s - o).abs() <= tolerance,
                "{name} row {i}: {s} vs onnxruntime {o}"
            );
            worst = worst.max((s - o).abs());
        }
        eprintln!("{name}: max |native - onnxruntime| = {worst:e}");
    }
}

#[test]
fn missing_values_follow_the_exported_default_direction_and_infinity_is_refused() {
    let expected = expected();
    let model = OnnxModel::load(&fixtures().join("xgboost.onnx")).unwrap();
    let x = rows(&expected["evaluation"]["rows_with_missing"]);
    assert!(x.iter().any(|v| v.is_nan()));
    assert!(model.predict(x.view()).is_ok());
    let mut bad = x.clone();
    bad[[3, 2]] = f64::INFINITY;
    assert!(matches!(
        model.predict(bad.view()),
        Err(ModelError::NonFinite { row: 3, .. })
    ));
    assert!(matches!(
        model.predict(Array2::zeros((2, 7)).view()),
        Err(ModelError::WidthMismatch {
            expected: 8,
            found: 7
        })
    ));
}

#[test]
fn a_tree_ensemble_with_a_cycle_or_a_missing_child_is_a_load_error() {
    use tract_onnx::pb::ModelProto;
    use tract_onnx::prelude::Framework;
    let bytes = std::fs::read(fixtures().join("gradient_boosting.onnx")).unwrap();
    let proto: ModelProto = tract_onnx::onnx()
        .proto_model_for_read(&mut &bytes[..])
        .unwrap();
    let edit = |f: &dyn Fn(&mut tract_onnx::pb::NodeProto)| {
        let mut p = proto.clone();
        let graph = p.graph.as_mut().unwrap();
        let node = graph
            .node
            .iter_mut()
            .find(|n| n.op_type == "TreeEnsembleClassifier")
            .unwrap();
        f(node);
        let mut out = Vec::new();
        prost::Message::encode(&p, &mut out).unwrap();
        OnnxModel::from_bytes(&out, "edited.onnx")
    };
    let set = |name: &'static str, i: usize, v: i64| {
        move |n: &mut tract_onnx::pb::NodeProto| {
            let a = n.attribute.iter_mut().find(|a| a.name == name).unwrap();
            a.ints[i] = v;
        }
    };
    // The root's true child pointing back at the root: a cycle.
    let cycle = edit(&set("nodes_truenodeids", 0, 0));
    assert!(
        matches!(&cycle, Err(ModelError::Load { reason, .. }) if reason.contains("twice")),
        "{cycle:?}"
    );
    let missing = edit(&set("nodes_falsenodeids", 0, 999));
    assert!(
        matches!(&missing, Err(ModelError::Load { reason, .. }) if reason.contains("no node 999")),
        "{missing:?}"
    );
    let feature = edit(&set("nodes_featureids", 0, 40));
    assert!(
        matches!(&feature, Err(ModelError::Load { reason, .. }) if reason.contains("feature 40")),
        "{feature:?}"
    );
}
