//! One way to turn a model file's bytes into a [`Model`], for every caller that scores a file
//! (the governor's registered versions, the CLI's `--model`), so they agree on which files
//! score and on how their columns are named.

use aigov_core::{Model, ModelError};

use crate::LinearModel;

/// Whether this build scores ONNX models (the `onnx` feature).
pub const ONNX_SUPPORTED: bool = cfg!(feature = "onnx");

/// The model file formats aigov scores.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModelFormat {
    /// ONNX (with the `onnx` feature).
    Onnx,
    /// A linear or logistic model in aigov's JSON form ([`LinearModel`]).
    LinearJson,
}

impl ModelFormat {
    /// The format a file's name says it has: `.onnx` is ONNX, `.json` aigov's JSON form.
    pub fn of_file_name(name: &str) -> Option<ModelFormat> {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".onnx") {
            Some(ModelFormat::Onnx)
        } else if lower.ends_with(".json") {
            Some(ModelFormat::LinearJson)
        } else {
            None
        }
    }
}

/// Loads a model aigov can score from a file's bytes. `names` names the features of a file
/// that names none and must repeat those of one that does (see `OnnxModel::named`); `name`
/// is how errors refer to the file.
pub fn load_model_file(
    bytes: &[u8],
    name: &str,
    format: ModelFormat,
    names: Option<Vec<String>>,
) -> Result<Box<dyn Model>, ModelError> {
    if format == ModelFormat::Onnx {
        return onnx(bytes, name, names);
    }
    let text = std::str::from_utf8(bytes).map_err(|e| ModelError::Load {
        source_name: name.to_string(),
        reason: format!("not UTF-8 JSON: {e}"),
    })?;
    let model = LinearModel::from_json(text).map_err(|e| match e {
        ModelError::Load { reason, .. } => ModelError::Load {
            source_name: name.to_string(),
            reason,
        },
        other => other,
    })?;
    match names {
        Some(given) if given != model.features => Err(ModelError::FeatureNamesDiffer {
            source_name: name.to_string(),
            declared: model.features,
            given,
        }),
        _ => Ok(Box::new(model)),
    }
}

#[cfg(feature = "onnx")]
fn onnx(
    bytes: &[u8],
    name: &str,
    names: Option<Vec<String>>,
) -> Result<Box<dyn Model>, ModelError> {
    let model = crate::OnnxModel::from_bytes(bytes, name)?.named(names)?;
    Ok(Box::new(model))
}

#[cfg(not(feature = "onnx"))]
fn onnx(
    _bytes: &[u8],
    name: &str,
    _names: Option<Vec<String>>,
) -> Result<Box<dyn Model>, ModelError> {
    Err(ModelError::Load {
        source_name: name.to_string(),
        reason: "an ONNX model: build aigov with the `onnx` feature to score it".into(),
    })
}
