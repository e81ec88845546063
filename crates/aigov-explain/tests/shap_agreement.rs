//! Agreement with shap 0.51 (tests/fixtures/explain/shap.json, made by
//! tests/oracles/explain_shap_fixtures.py): ExactExplainer and fully enumerated KernelExplainer
//! values to 1e-9, and sampled Kernel SHAP within shap's own sampling error of the exact values.

use aigov_core::{Model, ModelError};
use aigov_explain::{Background, ExplainOptions, Method, explain};
use ndarray::{Array1, Array2, ArrayView2};
use serde_json::Value;

/// The fixture's model kinds, written as the generator defines them.
#[derive(Debug)]
struct FixtureModel {
    names: Vec<String>,
    spec: Value,
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

impl FixtureModel {
    fn score(&self, x: &[f64]) -> f64 {
        let s = &self.spec;
        let w = floats(&s["weights"]);
        let linear: f64 = w.iter().zip(x).map(|(w, x)| w * x).sum::<f64>();
        let intercept = s["intercept"].as_f64().unwrap();
        match s["kind"].as_str().unwrap() {
            "max_plus" => {
                let a = s["a"].as_u64().unwrap() as usize;
                let b = s["b"].as_u64().unwrap() as usize;
                x[a].max(x[b]) + intercept + linear
            }
            kind => {
                let mut z = intercept + linear;
                if kind == "interaction" {
                    for p in s["pairs"].as_array().unwrap() {
                        let (i, j) = (
                            p[0].as_u64().unwrap() as usize,
                            p[1].as_u64().unwrap() as usize,
                        );
                        z += p[2].as_f64().unwrap() * x[i] * x[j];
                    }
                }
                match s["link"].as_str().unwrap() {
                    "logistic" => 1.0 / (1.0 + (-z).exp()),
                    _ => z,
                }
            }
        }
    }
}

impl Model for FixtureModel {
    fn feature_names(&self) -> &[String] {
        &self.names
    }
    fn predict(&self, rows: ArrayView2<'_, f64>) -> Result<Array1<f64>, ModelError> {
        Ok(rows.outer_iter().map(|r| self.score(&r.to_vec())).collect())
    }
}

fn matrix(v: &Value) -> Array2<f64> {
    let rows: Vec<Vec<f64>> = v.as_array().unwrap().iter().map(floats).collect();
    Array2::from_shape_vec((rows.len(), rows[0].len()), rows.concat()).unwrap()
}

fn cases(method: &str) -> Vec<Value> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/explain/shap.json"
    );
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    doc["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["method"] == method)
        .cloned()
        .collect()
}

fn setup(case: &Value) -> (FixtureModel, Background, Array2<f64>) {
    let m = case["n_features"].as_u64().unwrap() as usize;
    let names: Vec<String> = (0..m).map(|i| format!("x{i}")).collect();
    let model = FixtureModel {
        names: names.clone(),
        spec: case["model"].clone(),
    };
    let background = Background::new(matrix(&case["background"]), names).unwrap();
    (model, background, matrix(&case["rows"]))
}

fn check_deterministic(method: &str, ours: Method) {
    let all = cases(method);
    assert!(all.len() >= 12, "{method}: {} cases", all.len());
    let mut worst = 0.0f64;
    for case in &all {
        let id = case["id"].as_str().unwrap();
        let (model, background, rows) = setup(case);
        let expected = matrix(&case["values"]);
        let base = floats(&case["base_values"]);
        let predictions = floats(&case["predictions"]);
        let options = ExplainOptions {
            method: Some(ours),
            ..ExplainOptions::default()
        };
        for (r, row) in rows.outer_iter().enumerate() {
            let e = explain(&model, &background, &row.to_vec(), &options).unwrap();
            assert!((e.base_value - base[r]).abs() < 1e-12, "{id} row {r} base");
            assert!(
                (e.prediction - predictions[r]).abs() < 1e-12,
                "{id} row {r} prediction"
            );
            for (j, a) in e.values.iter().enumerate() {
                let d = (a.value - expected[[r, j]]).abs();
                worst = worst.max(d);
                assert!(
                    d < 1e-9,
                    "{id} row {r} feature {j}: {} vs shap {}",
                    a.value,
                    expected[[r, j]]
                );
            }
        }
    }
    eprintln!(
        "{method}: {} cases, worst |aigov - shap| {worst:.2e}",
        all.len()
    );
}

#[test]
fn exact_values_equal_shaps_exact_explainer() {
    check_deterministic("exact", Method::Exact);
}

#[test]
fn kernel_shap_over_every_coalition_equals_shaps_kernel_explainer() {
    check_deterministic("kernel_full", Method::Kernel);
}

#[test]
fn sampled_kernel_shap_is_within_shaps_sampling_error_of_the_exact_values() {
    let all = cases("kernel_sampled");
    assert_eq!(all.len(), 2);
    for case in &all {
        let id = case["id"].as_str().unwrap();
        let (model, background, rows) = setup(case);
        let exact = matrix(&case["reference"]["values"]);
        let sd = matrix(&case["replicates"]["sd"]);
        let within = case["tolerances"]["sampled_within_sd"].as_f64().unwrap();
        let floor = case["tolerances"]["sampled_abs_floor"].as_f64().unwrap();
        // shap's default budget, 2M + 2048 coalitions.
        let options = ExplainOptions {
            method: Some(Method::Kernel),
            seed: 0,
            ..ExplainOptions::default()
        };
        let mut worst_z = 0.0f64;
        for (r, row) in rows.outer_iter().enumerate() {
            let e = explain(&model, &background, &row.to_vec(), &options).unwrap();
            assert_eq!(
                e.coalitions,
                case["nsamples_used"].as_u64().unwrap() as usize + 2,
                "{id}"
            );
            assert!(e.additivity_residual.abs() < 1e-9);
            for (j, a) in e.values.iter().enumerate() {
                let d = (a.value - exact[[r, j]]).abs();
                worst_z = worst_z.max(d / sd[[r, j]]);
                assert!(
                    d <= within * sd[[r, j]] + floor,
                    "{id} row {r} feature {j}: {} vs exact {} (shap's sd {})",
                    a.value,
                    exact[[r, j]],
                    sd[[r, j]]
                );
            }
        }
        eprintln!("{id}: worst |aigov - exact| / shap sd = {worst_z:.2}");
    }
}
