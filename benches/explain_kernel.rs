//! Kernel SHAP for one row of a 20-feature ONNX model with 100 background rows and shap's
//! default budget (2M + 2048 coalitions), the workload benches/peers/compare_explain.sh runs
//! through shap's KernelExplainer and onnxruntime. The stability re-run is off, as shap has
//! none. Run: `cargo bench --bench explain_kernel`.

use std::path::{Path, PathBuf};

use aigov::core::Model;
use aigov::explain::{Background, ExplainOptions, Method, explain};
use aigov::validation::OnnxModel;
use criterion::{Criterion, criterion_group, criterion_main};
use ndarray::Array2;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/validation/onnx")
}

/// A numeric CSV with a header, columns in the model's order.
fn read(path: &Path, names: &[String]) -> Array2<f64> {
    let text = std::fs::read_to_string(path).expect("csv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let at: Vec<usize> = names
        .iter()
        .map(|n| header.iter().position(|h| h == n).expect("column"))
        .collect();
    let rows: Vec<Vec<f64>> = lines
        .map(|l| {
            let cells: Vec<f64> = l.split(',').map(|c| c.parse().expect("number")).collect();
            at.iter().map(|&j| cells[j]).collect()
        })
        .collect();
    Array2::from_shape_vec((rows.len(), names.len()), rows.concat()).expect("shape")
}

fn kernel(c: &mut Criterion) {
    // gbm20.onnx is left out: tract 0.23's TreeEnsembleClassifier skips through the whole
    // leaf table for every tree of every row, about 0.6 ms a row for 51 trees, so one
    // explanation takes minutes.
    {
        let (id, file) = ("explain_kernel_onnx20", "logreg20.onnx");
        let model = OnnxModel::load(&fixtures().join(file)).expect("model");
        let names = model.feature_names().to_vec();
        let background = read(&fixtures().join("bench20_background.csv"), &names);
        let background = Background::new(background, names.clone()).expect("background");
        let rows = read(&fixtures().join("bench20_rows.csv"), &names);
        let row = rows.row(0).to_vec();
        let options = ExplainOptions {
            method: Some(Method::Kernel),
            stability: false,
            ..ExplainOptions::default()
        };
        let e = explain(&model, &background, &row, &options).expect("explain");
        println!(
            "{id}: {} coalitions, {} model rows, residual {:.1e}",
            e.coalitions, e.model_evaluations, e.additivity_residual
        );
        c.bench_function(id, |b| {
            b.iter(|| explain(&model, &background, &row, &options).expect("explain"))
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = kernel
}
criterion_main!(benches);
