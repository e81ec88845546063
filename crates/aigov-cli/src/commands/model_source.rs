//! `--model M.onnx` or `--model-json M.json` (with `--features` for a file that does not name
//! its features): the model a command scores with.

use std::path::PathBuf;

use aigov_core::{Model, ModelError};
use aigov_validation::{ModelFormat, load_model_file};
use clap::Args;

use crate::commands::feature_list::{FeatureList, parse_feature_list};
use crate::failure::Failure;

/// Which model to load.
#[derive(Args, Debug)]
pub struct ModelSource {
    /// An ONNX model: scikit-learn exported by skl2onnx with zipmap=False, one float input
    /// [rows, features] (name the features with --features unless its aigov.feature_names
    /// metadata entry does) or one [rows, 1] input per feature (named by the inputs).
    #[arg(long, conflicts_with = "model_json")]
    pub model: Option<PathBuf>,
    /// A linear or logistic model in aigov's JSON form
    /// ({"features": [...], "weights": [...], "intercept": x, "link": "logistic"}).
    #[arg(long)]
    pub model_json: Option<PathBuf>,
    /// The model's input features in input order, for a file that does not name them:
    /// a,b,c or @FILE (one name a line).
    #[arg(long, value_parser = parse_feature_list, value_name = "NAMES|@FILE")]
    pub features: Option<FeatureList>,
}

impl From<ModelError> for Failure {
    fn from(e: ModelError) -> Self {
        Failure::BadInput(e.to_string())
    }
}

impl ModelSource {
    /// Loads the model, or None when neither flag was given.
    pub fn load(&self) -> Result<Option<Box<dyn Model>>, Failure> {
        let Some(path) = self.model.as_ref().or(self.model_json.as_ref()) else {
            return Ok(None);
        };
        let bytes = std::fs::read(path)
            .map_err(|e| Failure::BadInput(format!("{}: {e}", path.display())))?;
        // --model is ONNX whatever the file is called; --model-json is JSON.
        let format = if self.model.is_some() {
            ModelFormat::Onnx
        } else {
            ModelFormat::LinearJson
        };
        let names = self.features.as_ref().map(|f| f.0.clone());
        let model = load_model_file(&bytes, &path.display().to_string(), format, names)?;
        Ok(Some(model))
    }

    /// Loads the model, which the command requires.
    pub fn required(&self) -> Result<Box<dyn Model>, Failure> {
        self.load()?
            .ok_or_else(|| Failure::BadInput("a model is required: --model or --model-json".into()))
    }
}
