//! ONNX models through tract: scikit-learn classifiers exported by skl2onnx with
//! `zipmap=False`: one float input `[N, features]` (or, from a DataFrame, one `[N, 1]` input
//! per feature) and a `probabilities` output `[N, classes]`.
//! The ai.onnx.ml operators tract implements (LinearClassifier, LinearRegressor, Normalizer,
//! TreeEnsembleClassifier) load; anything else is a load error that names the operator.

use std::path::Path;
use std::sync::Arc;

use aigov_core::{Digest, Model, ModelError, check_rows};
use ndarray::{Array1, ArrayView2};
use tract_onnx::prelude::*;
use tract_onnx::tract_hir::infer::Factoid;

use crate::tree_ensemble::TreeEnsemble;

/// Metadata key under which the exporter lists the feature names, comma-separated.
pub const FEATURE_NAMES_KEY: &str = "aigov.feature_names";

/// Where a model's feature names came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FeatureNaming {
    /// The `aigov.feature_names` metadata entry.
    Metadata,
    /// The input names of a DataFrame export (one `[rows, 1]` input per column).
    InputNames,
    /// Given by the caller for a file that names none ([`OnnxModel::named`]).
    Given,
    /// Nothing names them: a plain export's single `[rows, features]` input. The names are
    /// placeholders (`f0`, `f1`, ...) until [`OnnxModel::named`] replaces them.
    Unnamed,
}

/// What runs a model: tract, or the native tree-ensemble scorer.
#[derive(Debug, Clone)]
enum Scorer {
    Tract(Arc<TypedRunnableModel>),
    Trees(Arc<TreeEnsemble>),
}

/// An ONNX model scoring the positive class (the last column of `probabilities`).
#[derive(Debug, Clone)]
pub struct OnnxModel {
    plan: Scorer,
    features: Vec<String>,
    naming: FeatureNaming,
    /// One input per feature (a DataFrame export) rather than one `[rows, features]` input.
    column_inputs: bool,
    input_type: DatumType,
    digest: Digest,
    source_name: String,
}

impl OnnxModel {
    /// Loads a model file. The feature names come from the `aigov.feature_names` metadata
    /// entry, or from the input names of a DataFrame export; a plain export has none (see
    /// [`OnnxModel::naming`] and [`OnnxModel::named`]).
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
        let onnx = tract_onnx::onnx();
        let proto = onnx
            .proto_model_for_read(&mut &bytes[..])
            .map_err(|e| load(format!("{e:#}")))?;
        let named = proto
            .metadata_props
            .iter()
            .find(|p| p.key == FEATURE_NAMES_KEY)
            .map(|p| p.value.clone());
        if let Some(trees) = TreeEnsemble::from_proto(&proto).map_err(load)? {
            return OnnxModel::trees(trees, &proto, named, bytes, name);
        }
        let model = onnx
            .model_for_proto_model(&proto)
            .map_err(|e| load(format!("{e:#}")))?;
        let mut model = choose_score_output(model).map_err(load)?;
        let inputs = model.inputs.len();
        let mut input_types = Vec::with_capacity(inputs);
        let mut widths = Vec::with_capacity(inputs);
        let mut input_names = Vec::with_capacity(inputs);
        for i in 0..inputs {
            let (input_type, width) = declared_input(&model, i).map_err(load)?;
            input_types.push(input_type);
            widths.push(width);
            let outlet = model.inputs[i];
            input_names.push(
                model
                    .outlet_label(outlet)
                    .unwrap_or(&model.node(outlet.node).name)
                    .to_string(),
            );
        }
        let input_type = match input_types.first() {
            None => return Err(load("no inputs".into())),
            Some(t) if input_types.iter().any(|u| u != t) => {
                return Err(load(format!(
                    "inputs of mixed types {input_types:?}: expected all float or all double"
                )));
            }
            Some(t) => *t,
        };
        let column_inputs = inputs > 1;
        if column_inputs && widths.iter().any(|w| *w != 1) {
            return Err(load(format!(
                "{inputs} inputs of widths {widths:?}: a tabular model takes one \
                 [rows, features] input, or one [rows, 1] input per feature"
            )));
        }
        let width = if column_inputs { inputs } else { widths[0] };
        // tract needs the rows as a named symbol and every width as a number.
        let rows = model.symbols.sym("rows");
        for (i, w) in widths.iter().enumerate() {
            model
                .set_input_fact(
                    i,
                    InferenceFact::dt_shape(input_type, tvec![rows.to_dim(), w.to_dim()]),
                )
                .map_err(|e| load(format!("{e:#}")))?;
        }
        let plan = model
            .into_typed()
            .and_then(|m| m.into_decluttered())
            .and_then(|m| m.into_optimized())
            .and_then(|m| m.into_runnable())
            .map_err(|e| load(format!("{e:#}")))?;
        let (features, naming) = match (named, column_inputs) {
            (Some(list), _) => (
                list.split(',').map(|s| s.trim().to_string()).collect(),
                FeatureNaming::Metadata,
            ),
            (None, true) => (input_names.clone(), FeatureNaming::InputNames),
            (None, false) => (
                (0..width).map(|i| format!("f{i}")).collect(),
                FeatureNaming::Unnamed,
            ),
        };
        let features: Vec<String> = features;
        if features.len() != width {
            return Err(load(format!(
                "{} feature names in {FEATURE_NAMES_KEY} for an input of width {width}",
                features.len()
            )));
        }
        // Metadata naming columns differently from the inputs they feed would score
        // every row with its columns swapped.
        if column_inputs && features != input_names {
            return Err(load(format!(
                "{FEATURE_NAMES_KEY} lists {features:?} but the inputs are {input_names:?}"
            )));
        }
        aigov_core::check_feature_names(&features).map_err(|e| load(e.to_string()))?;
        Ok(OnnxModel {
            plan: Scorer::Tract(plan),
            features,
            naming,
            column_inputs,
            input_type,
            digest: Digest::of(bytes),
            source_name: name.to_string(),
        })
    }

    /// A tree ensemble scored natively: one `[rows, features]` float input, named by the
    /// metadata entry or not at all.
    fn trees(
        trees: TreeEnsemble,
        proto: &tract_onnx::pb::ModelProto,
        named: Option<String>,
        bytes: &[u8],
        name: &str,
    ) -> Result<OnnxModel, ModelError> {
        let load = |reason: String| ModelError::Load {
            source_name: name.to_string(),
            reason,
        };
        let input = proto
            .graph
            .as_ref()
            .and_then(|g| g.input.first())
            .ok_or_else(|| load("no input".into()))?;
        let (elem, dims) = match input.r#type.as_ref().and_then(|t| t.value.as_ref()) {
            Some(tract_onnx::pb::type_proto::Value::TensorType(t)) => (
                t.elem_type,
                t.shape.as_ref().map(|s| s.dim.clone()).unwrap_or_default(),
            ),
            _ => return Err(load("the input is not a tensor".into())),
        };
        // FLOAT (1) or DOUBLE (11); the ensemble compares in float32 either way.
        let input_type = match elem {
            1 => f32::datum_type(),
            11 => f64::datum_type(),
            other => return Err(load(format!("input element type {other}: expected float"))),
        };
        use tract_onnx::pb::tensor_shape_proto::dimension::Value as Dim;
        let width = match dims.as_slice() {
            [_, d] => match d.value {
                Some(Dim::DimValue(w)) if w > 0 => w as usize,
                _ => return Err(load("input width is not fixed".into())),
            },
            _ => return Err(load("expected one [rows, features] input".into())),
        };
        if trees.features_read() > width {
            return Err(load(format!(
                "the trees read feature {} of an input of width {width}",
                trees.features_read() - 1
            )));
        }
        let (features, naming) = match named {
            Some(list) => (
                list.split(',')
                    .map(|s| s.trim().to_string())
                    .collect::<Vec<_>>(),
                FeatureNaming::Metadata,
            ),
            None => (
                (0..width).map(|i| format!("f{i}")).collect(),
                FeatureNaming::Unnamed,
            ),
        };
        if features.len() != width {
            return Err(load(format!(
                "{} feature names in {FEATURE_NAMES_KEY} for an input of width {width}",
                features.len()
            )));
        }
        aigov_core::check_feature_names(&features).map_err(|e| load(e.to_string()))?;
        Ok(OnnxModel {
            plan: Scorer::Trees(Arc::new(trees)),
            features,
            naming,
            column_inputs: false,
            input_type,
            digest: Digest::of(bytes),
            source_name: name.to_string(),
        })
    }

    /// Scores with the native tree-ensemble scorer. A tree ensemble routes a missing value
    /// (NaN) the way its exporter chose, so NaN is accepted; an infinite value is not.
    fn score_trees(
        &self,
        trees: &TreeEnsemble,
        rows: ArrayView2<'_, f64>,
    ) -> Result<Array1<f64>, ModelError> {
        if rows.ncols() != self.features.len() {
            return Err(ModelError::WidthMismatch {
                expected: self.features.len(),
                found: rows.ncols(),
            });
        }
        if let Some(((r, c), v)) = rows.indexed_iter().find(|(_, v)| v.is_infinite()) {
            return Err(ModelError::NonFinite {
                row: r,
                feature: self.features[c].clone(),
                value: *v,
            });
        }
        // float32, as onnxruntime compares a float input.
        let values: Vec<f32> = rows.iter().map(|v| *v as f32).collect();
        let scores: Vec<f64> = trees
            .score_rows(&values, rows.ncols())
            .into_iter()
            .map(f64::from)
            .collect();
        if let Some(bad) = scores.iter().find(|s| !s.is_finite()) {
            return Err(ModelError::Runtime(format!("the model returned {bad}")));
        }
        Ok(Array1::from(scores))
    }

    /// Whether the model is a tree ensemble scored natively rather than through tract.
    pub fn is_native_tree_ensemble(&self) -> bool {
        matches!(self.plan, Scorer::Trees(_))
    }

    /// SHA-256 of the model file.
    pub fn digest(&self) -> Digest {
        self.digest
    }

    /// Where the feature names came from.
    pub fn naming(&self) -> FeatureNaming {
        self.naming
    }

    /// The model with the names its features are known by, which every caller that matches
    /// columns by name goes through. `given` names the inputs of a file that names none
    /// (in input order); for a file that names them, `given` must repeat the same names.
    /// A file that names none and no names given is [`ModelError::UnnamedFeatures`]:
    /// matching by position would silently score the wrong columns.
    pub fn named(self, given: Option<Vec<String>>) -> Result<OnnxModel, ModelError> {
        match (given, self.naming) {
            (None, FeatureNaming::Unnamed) => Err(ModelError::UnnamedFeatures {
                source_name: self.source_name.clone(),
                width: self.features.len(),
            }),
            (None, _) => Ok(self),
            (Some(given), FeatureNaming::Unnamed | FeatureNaming::Given) => {
                self.with_feature_names(given)
            }
            (Some(given), _) if given == self.features => Ok(self),
            (Some(given), _) => Err(ModelError::FeatureNamesDiffer {
                source_name: self.source_name.clone(),
                declared: self.features.clone(),
                given,
            }),
        }
    }

    /// Replaces the feature names (for models exported without them).
    pub fn with_feature_names(mut self, names: Vec<String>) -> Result<OnnxModel, ModelError> {
        if names.len() != self.features.len() {
            return Err(ModelError::Load {
                source_name: self.source_name.clone(),
                reason: format!(
                    "{} feature names given for a model that takes {} features",
                    names.len(),
                    self.features.len()
                ),
            });
        }
        aigov_core::check_feature_names(&names)?;
        self.features = names;
        self.naming = FeatureNaming::Given;
        Ok(self)
    }
}

/// The element type and width of declared input `i`, which must be `[rows, width]` with
/// the rows unnamed or symbolic and the width fixed.
fn declared_input(model: &InferenceModel, i: usize) -> Result<(DatumType, usize), String> {
    let declared = model.input_fact(i).map_err(|e| format!("{e:#}"))?;
    let input_type = declared
        .datum_type
        .concretize()
        .unwrap_or(f32::datum_type());
    if input_type != f32::datum_type() && input_type != f64::datum_type() {
        return Err(format!(
            "input type {input_type:?}: expected float or double"
        ));
    }
    let dims: Vec<Option<TDim>> = declared.shape.dims().map(|d| d.concretize()).collect();
    match dims.as_slice() {
        [_, Some(w)] => w
            .to_i64()
            .ok()
            .and_then(|w| usize::try_from(w).ok())
            .map(|w| (input_type, w))
            .ok_or_else(|| format!("input width {w} is not fixed")),
        _ => Err(format!(
            "input shape {:?}: expected [rows, features] with a fixed width",
            declared.shape
        )),
    }
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
        let plan = match &self.plan {
            Scorer::Trees(trees) => return self.score_trees(trees, rows),
            Scorer::Tract(plan) => plan,
        };
        check_rows(self, rows)?;
        let n = rows.nrows();
        if n == 0 {
            return Ok(Array1::zeros(0));
        }
        let runtime = |e: TractError| ModelError::Runtime(format!("{e:#}"));
        let tensor = |values: &[f64], width: usize| {
            if self.input_type == f64::datum_type() {
                Tensor::from_shape(&[n, width], values).map_err(runtime)
            } else {
                let data: Vec<f32> = values.iter().map(|&x| x as f32).collect();
                Tensor::from_shape(&[n, width], &data).map_err(runtime)
            }
        };
        let inputs: TVec<TValue> = if self.column_inputs {
            rows.columns()
                .into_iter()
                .map(|c| tensor(&c.to_vec(), 1).map(TValue::from))
                .collect::<Result<_, _>>()?
        } else {
            let contiguous = rows.as_standard_layout();
            let values = contiguous.as_slice().unwrap_or_default();
            tvec!(tensor(values, rows.ncols())?.into())
        };
        let outputs = plan.run(inputs).map_err(runtime)?;
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
