//! `--model M.onnx` or `--model-json M.json`: the model a command scores with.

use std::path::PathBuf;

use aigov_core::{Model, ModelError};
use aigov_validation::{LinearModel, OnnxModel};
use clap::Args;

use crate::failure::Failure;

/// Which model to load.
#[derive(Args, Debug)]
pub struct ModelSource {
    /// An ONNX model (scikit-learn exported by skl2onnx with zipmap=False).
    #[arg(long, conflicts_with = "model_json")]
    pub model: Option<PathBuf>,
    /// A linear or logistic model in aigov's JSON form.
    #[arg(long)]
    pub model_json: Option<PathBuf>,
}

impl From<ModelError> for Failure {
    fn from(e: ModelError) -> Self {
        Failure::BadInput(e.to_string())
    }
}

impl ModelSource {
    /// Loads the model, or None when neither flag was given.
    pub fn load(&self) -> Result<Option<Box<dyn Model>>, Failure> {
        if let Some(path) = &self.model {
            return Ok(Some(Box::new(OnnxModel::load(path)?)));
        }
        if let Some(path) = &self.model_json {
            let text = std::fs::read_to_string(path)
                .map_err(|e| Failure::BadInput(format!("{}: {e}", path.display())))?;
            let model = LinearModel::from_json(&text).map_err(|e| match e {
                ModelError::Load { reason, .. } => ModelError::Load {
                    source_name: path.display().to_string(),
                    reason,
                },
                other => other,
            })?;
            return Ok(Some(Box::new(model)));
        }
        Ok(None)
    }

    /// Loads the model, which the command requires.
    pub fn required(&self) -> Result<Box<dyn Model>, Failure> {
        self.load()?
            .ok_or_else(|| Failure::BadInput("a model is required: --model or --model-json".into()))
    }
}
