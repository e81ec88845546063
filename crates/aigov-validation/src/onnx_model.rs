//! ONNX models through tract: scikit-learn classifiers exported by skl2onnx with
//! `zipmap=False` (one float input `[N, features]`, a `probabilities` output `[N, classes]`).
//! The ai.onnx.ml operators tract implements (LinearClassifier, LinearRegressor, Normalizer,
//! TreeEnsembleClassifier) load; anything else is a load error that names the operator.

use std::path::Path;
use std::sync::Arc;

use aigov_core::{Digest, Model, ModelError, check_rows};
use ndarray::{Array1, ArrayView2};
use tract_onnx::prelude::*;
use tract_onnx::tract_hir::infer::Factoid;

/// Metadata key under which the exporter lists the feature names, comma-separated.
pub const FEATURE_NAMES_KEY: &str = "aigov.feature_names";

/// An ONNX model scoring the positive class (the last column of `probabilities`).
#[derive(Debug, Clone)]
pub struct OnnxModel {
    plan: Arc<TypedRunnableModel>,
    features: Vec<String>,
    input_type: DatumType,
    digest: Digest,
}

impl OnnxModel {
    /// Loads a model file; the feature names come from the `aigov.feature_names` metadata
    /// entry, else `f0`, `f1`, ...
    pub fn load(path: &Path) -> Result<OnnxModel, ModelError> {
        let bytes = std::fs::read(path).map_err(|e| ModelError::Load {
            source_name: path.display().to_string(),
            reason: e.to_string(),
        })?;
        OnnxModel::from_bytes(&bytes, &path.display().to_string())
    }

    /// Loads a model from its bytes; `name` is how errors refer to it.
    pub fn from_bytes(bytes: &[u8], name: &str) -> Result<OnnxModel, ModelError> {
        let load = |reason: String| ModelError::Load {
            source_name: name.to_string(),
            reason,
        };
        let model = tract_onnx::onnx()
            .model_for_read(&mut &bytes[..])
            .map_err(|e| load(format!("{e:#}")))?;
        if model.inputs.len() != 1 {
            return Err(load(format!(
                "{} inputs; a tabular model takes one [rows, features] input",
                model.inputs.len()
            )));
        }
        let named = metadata(&model, FEATURE_NAMES_KEY);
        let mut model = choose_score_output(model).map_err(load)?;
        // The declared input is [rows, features] with the rows unnamed or symbolic; tract
        // needs the rows as a named symbol and the width as a number.
        let declared = model
            .input_fact(0)
            .map_err(|e| load(format!("{e:#}")))?
            .clone();
        let input_type = declared
            .datum_type
            .concretize()
            .unwrap_or(f32::datum_type());
        if input_type != f32::datum_type() && input_type != f64::datum_type() {
            return Err(load(format!(
                "input type {input_type:?}: expected float or double"
            )));
        }
        let dims: Vec<Option<TDim>> = declared.shape.dims().map(|d| d.concretize()).collect();
        let width = match dims.as_slice() {
            [_, Some(w)] => w
                .to_i64()
                .ok()
                .and_then(|w| usize::try_from(w).ok())
                .ok_or_else(|| load(format!("input width {w} is not fixed")))?,
            _ => {
                return Err(load(format!(
                    "input shape {:?}: expected [rows, features] with a fixed width",
                    declared.shape
                )));
            }
        };
        let rows = model.symbols.sym("rows");
        model
            .set_input_fact(
                0,
                InferenceFact::dt_shape(input_type, tvec![rows.to_dim(), width.to_dim()]),
            )
            .map_err(|e| load(format!("{e:#}")))?;
        let typed = model
            .into_typed()
            .and_then(|m| m.into_decluttered())
            .map_err(|e| load(format!("{e:#}")))?;
        let features: Vec<String> = match named {
            Some(list) => list.split(',').map(|s| s.trim().to_string()).collect(),
            None => (0..width).map(|i| format!("f{i}")).collect(),
        };
        if features.len() != width {
            return Err(load(format!(
                "{} feature names in {FEATURE_NAMES_KEY} for an input of width {width}",
                features.len()
            )));
        }
        aigov_core::check_feature_names(&features).map_err(|e| load(e.to_string()))?;
        let plan = typed
            .into_optimized()
            .and_then(|m| m.into_runnable())
            .map_err(|e| load(format!("{e:#}")))?;
        Ok(OnnxModel {
            plan,
            features,
            input_type,
            digest: Digest::of(bytes),
        })
    }

    /// SHA-256 of the model file.
    pub fn digest(&self) -> Digest {
        self.digest
    }

    /// Replaces the feature names (for models exported without them).
    pub fn with_feature_names(mut self, names: Vec<String>) -> Result<OnnxModel, ModelError> {
        if names.len() != self.features.len() {
            return Err(ModelError::WidthMismatch {
                expected: self.features.len(),
                found: names.len(),
            });
        }
        aigov_core::check_feature_names(&names)?;
        self.features = names;
        Ok(self)
    }
}

fn metadata(model: &InferenceModel, key: &str) -> Option<String> {
    let tensor = model
        .properties
        .get(&format!("onnx.metadata_props.{key}"))?;
    tensor
        .try_as_plain_ram()
        .ok()?
        .to_scalar::<String>()
        .ok()
        .cloned()
}

/// Keeps only the output that carries scores: `probabilities` when present (skl2onnx's name),
/// else the only float output. The label output is dropped, which also keeps tract from
/// computing it.
fn choose_score_output(mut model: InferenceModel) -> Result<InferenceModel, String> {
    let outlets = model.output_outlets().map_err(|e| e.to_string())?.to_vec();
    let names: Vec<String> = outlets
        .iter()
        .map(|o| {
            model
                .outlet_label(*o)
                .unwrap_or(&model.node(o.node).name)
                .to_string()
        })
        .collect();
    let chosen = match names.iter().position(|n| n == "probabilities") {
        Some(i) => i,
        None if outlets.len() == 1 => 0,
        None => {
            return Err(format!(
                "outputs {names:?}: expected one named \"probabilities\" (skl2onnx with zipmap=False)"
            ));
        }
    };
    model
        .select_output_outlets(&[outlets[chosen]])
        .map_err(|e| e.to_string())?;
    Ok(model)
}

impl Model for OnnxModel {
    fn feature_names(&self) -> &[String] {
        &self.features
    }

    fn predict(&self, rows: ArrayView2<'_, f64>) -> Result<Array1<f64>, ModelError> {
        check_rows(self, rows)?;
        let n = rows.nrows();
        if n == 0 {
            return Ok(Array1::zeros(0));
        }
        let shape = [n, rows.ncols()];
        let runtime = |e: TractError| ModelError::Runtime(format!("{e:#}"));
        let contiguous = rows.as_standard_layout();
        let values = contiguous.as_slice().unwrap_or_default();
        let input = if self.input_type == f64::datum_type() {
            Tensor::from_shape(&shape, values).map_err(runtime)?
        } else {
            let data: Vec<f32> = values.iter().map(|&x| x as f32).collect();
            Tensor::from_shape(&shape, &data).map_err(runtime)?
        };
        let outputs = self.plan.run(tvec!(input.into())).map_err(runtime)?;
        let out = outputs[0].cast_to::<f64>().map_err(runtime)?;
        let plain = out.try_as_plain_ram().map_err(runtime)?;
        let values = plain.as_slice::<f64>().map_err(runtime)?;
        let scores: Vec<f64> = match out.shape() {
            [m] if *m == n => values.to_vec(),
            [m, 1] if *m == n => values.to_vec(),
            [m, 2] if *m == n => values.chunks(2).map(|c| c[1]).collect(),
            other => {
                return Err(ModelError::Runtime(format!(
                    "output shape {other:?} for {n} rows: expected [rows], [rows, 1] or \
                     [rows, 2] (a binary classifier)"
                )));
            }
        };
        if let Some(bad) = scores.iter().find(|s| !s.is_finite()) {
            return Err(ModelError::Runtime(format!("the model returned {bad}")));
        }
        Ok(Array1::from(scores))
    }
}
