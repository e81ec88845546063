//! Whether a file being registered is a model aigov can score, found at registration rather
//! than at the first decision, and the feature names stored with the version.

use std::path::Path;

use super::Governor;
use crate::Error;

/// The largest single file tried as a model: ONNX's protobuf limit.
const MAX_MODEL_FILE: u64 = 2 << 30;

/// What registration found about a path's scorability.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scorability {
    /// A model file aigov scores, with its input features' names in input order.
    Scorable {
        /// The feature names.
        features: Vec<String>,
    },
    /// A single file aigov cannot score, and why (including how to fix it when it can be:
    /// a plain export that needs its feature names).
    NotScorable {
        /// Why.
        reason: String,
    },
    /// A directory: a multi-file model, which aigov registers, hashes and governs but does
    /// not score itself.
    Directory,
}

impl Governor {
    /// Whether `path` is a model aigov can score (an `.onnx` file, or a linear model in
    /// aigov's JSON form), naming its features with `names` when the file names none.
    /// Names that disagree with the file's own, or given for a path that cannot be scored,
    /// are an error.
    pub fn scorability(&self, path: &Path, names: &[String]) -> Result<Scorability, Error> {
        let given = (!names.is_empty()).then(|| names.to_vec());
        let meta = std::fs::metadata(path)
            .map_err(|e| Error::invalid("model", format!("{}: {e}", path.display())))?;
        let found = if meta.is_dir() {
            Scorability::Directory
        } else if meta.len() > MAX_MODEL_FILE {
            Scorability::NotScorable {
                reason: format!("{} is larger than any model aigov scores", path.display()),
            }
        } else {
            let name = path.display().to_string();
            let Some(format) = aigov_validation::ModelFormat::of_file_name(&name) else {
                return match given {
                    None => Ok(Scorability::NotScorable {
                        reason: format!(
                            "{name} is neither an .onnx model nor a linear model .json, the \
                             files aigov scores"
                        ),
                    }),
                    Some(_) => Err(Error::invalid(
                        "features",
                        format!("feature names were given, but {name} is not a model file"),
                    )),
                };
            };
            let bytes = std::fs::read(path)
                .map_err(|e| Error::invalid("model", format!("{}: {e}", path.display())))?;
            match aigov_validation::load_model_file(&bytes, &name, format, given.clone()) {
                Ok(model) => Scorability::Scorable {
                    features: model.feature_names().to_vec(),
                },
                Err(e @ aigov_core::ModelError::FeatureNamesDiffer { .. }) => {
                    return Err(Error::invalid("features", e.to_string()));
                }
                Err(e) => Scorability::NotScorable {
                    reason: e.to_string(),
                },
            }
        };
        match (&found, given) {
            (Scorability::Scorable { .. }, _) | (_, None) => Ok(found),
            (Scorability::Directory, Some(_)) => Err(Error::invalid(
                "features",
                "feature names are for a single model file, not a directory",
            )),
            (Scorability::NotScorable { reason }, Some(_)) => Err(Error::invalid(
                "features",
                format!("feature names were given, but {reason}"),
            )),
        }
    }
}
