//! Evidence produced from the registered model itself: the governor loads the version's
//! digest-checked files and runs the validation, fairness, robustness, drift and explanation
//! crates on hold-out data, then attaches every report.

use aigov_core::{Model, ModelRef};
use aigov_drift::{Column, ColumnValues, ProfileOptions, ReferenceProfile, Table};
use aigov_explain::Background;
use aigov_fairness::{AuditConfig, FairnessReport, SensitiveColumn, group_counts};
use aigov_registry::{ArtifactStoreExt, ModelVersion};
use aigov_validation::{
    Attack, EvasionConfig, FeatureConstraints, HoldoutOptions, HoldoutReport, ModelFormat,
    RobustnessReport, evasion_test, holdout_metrics, load_model_file,
};
use ndarray::{ArrayView2, Axis};

use super::Governor;
use crate::{Error, Principal, evidence};
use aigov_core::Action;

/// Labelled hold-out data and how to judge the model on it.
#[derive(Clone, Debug)]
pub struct Holdout<'a> {
    /// One row per case, in the model's feature order.
    pub rows: ArrayView2<'a, f64>,
    /// Whether each case was truly malicious.
    pub labels: &'a [bool],
    /// Sensitive columns for the fairness audit: (name, one value per row).
    pub sensitive: Vec<(&'a str, &'a [String])>,
    /// Scores at or above it are flagged.
    pub threshold: f64,
    /// What an attacker may change (default: anything within the data's ranges).
    pub constraints: Option<FeatureConstraints>,
    /// The fairness audit's configuration.
    pub fairness: AuditConfig,
    /// Rows of the explanation background (the first ones).
    pub background_rows: usize,
}

/// The reports an assessment attached.
#[derive(Clone, Debug)]
pub struct Assessment {
    /// The version as stored after the last report was attached.
    pub version: ModelVersion,
    /// Hold-out metrics.
    pub performance: HoldoutReport,
    /// The fairness audit.
    pub fairness: FairnessReport,
    /// Evasion under the constraints.
    pub robustness: RobustnessReport,
}

impl Assessment {
    /// The facts the validation gate will judge of these reports, read from them exactly as
    /// the gate reads the attached evidence: `{"performance": {...}, "fairness": {...},
    /// "robustness": {...}}`, so a pipeline sees before `validate` what it will decide on.
    pub fn gate_facts(&self) -> Result<serde_json::Value, Error> {
        let json = |v: serde_json::Result<serde_json::Value>| {
            v.map_err(|e| Error::invalid("assessment", e.to_string()))
        };
        let performance =
            evidence::performance_fact(&json(serde_json::to_value(&self.performance))?)?;
        let fairness = evidence::fairness_fact(&json(serde_json::to_value(&self.fairness))?)?;
        let robustness = evidence::robustness_fact(&json(serde_json::to_value(&self.robustness))?)?;
        Ok(serde_json::json!({
            "performance": performance,
            "fairness": fairness,
            "robustness": robustness,
        }))
    }
}

fn table(rows: ArrayView2<'_, f64>, names: &[String]) -> Table {
    let columns = names
        .iter()
        .enumerate()
        .map(|(j, name)| {
            let values: Vec<f64> = rows.column(j).to_vec();
            let integer = values.iter().all(|v| v.is_finite() && v.fract() == 0.0);
            Column {
                name: name.clone(),
                values: ColumnValues::Numeric {
                    values,
                    invalid: 0,
                    integer,
                },
            }
        })
        .collect();
    Table {
        rows: rows.nrows(),
        columns,
    }
}

impl Governor {
    /// Loads a version's model from its registered, digest-checked files: an `.onnx` file
    /// (with the `onnx` feature) or a linear model in aigov's JSON form.
    pub fn load_model(&self, reference: &ModelRef) -> Result<Box<dyn Model>, Error> {
        let v = self.registry.resolve(reference)?;
        // Registered names, so a plain export scores by the names given at registration.
        let names = (!v.features.is_empty()).then(|| v.features.clone());
        // The bytes must be the registered ones (an integrity error is never skipped);
        // a file that is not a model is.
        let load = |file: &aigov_registry::ArtifactFile, format| {
            let bytes = self.registry.artifacts().get_verified(&file.digest)?;
            Ok::<_, Error>(load_model_file(&bytes, &file.name, format, names.clone()))
        };
        let unusable =
            |e: aigov_core::ModelError| Error::invalid("model", format!("{}: {e}", v.reference()));
        // A single file is registered as "." (OpenSSF model signing's convention); its
        // own name is the manifest's model name.
        let mut files: Vec<aigov_registry::ArtifactFile> = v
            .files
            .iter()
            .map(|f| {
                let mut f = f.clone();
                if f.name == "." {
                    f.name.clone_from(&v.manifest.model_name);
                }
                f
            })
            .collect();
        files.sort_by(|a, b| a.name.cmp(&b.name));
        let format = |f: &aigov_registry::ArtifactFile| ModelFormat::of_file_name(&f.name);
        if let Some(file) = files.iter().find(|f| format(f) == Some(ModelFormat::Onnx)) {
            return load(file, ModelFormat::Onnx)?.map_err(unusable);
        }
        for file in files
            .iter()
            .filter(|f| format(f) == Some(ModelFormat::LinearJson))
        {
            if let Ok(model) = load(file, ModelFormat::LinearJson)? {
                return Ok(model);
            }
        }
        Err(Error::invalid(
            "model",
            format!(
                "{} holds no model aigov can score (an .onnx file or a linear model .json)",
                v.reference()
            ),
        ))
    }

    /// Scores the hold-out data with the registered model and attaches performance,
    /// fairness, robustness (HopSkipJump evasion of the true positives within the
    /// constraints), the drift baseline (a profile of the hold-out rows) and the explanation
    /// background.
    pub fn assess(
        &self,
        principal: &Principal,
        reference: &ModelRef,
        holdout: &Holdout<'_>,
    ) -> Result<Assessment, Error> {
        self.authorize(principal, Action::AttachEvidence)?;
        let model = self.load_model(reference)?;
        let invalid = |what: &'static str| move |e: String| Error::invalid(what, e);
        let scores = model
            .predict(holdout.rows)
            .map_err(|e| invalid("hold-out rows")(e.to_string()))?
            .to_vec();
        let performance = holdout_metrics(
            holdout.labels,
            &scores,
            None,
            &HoldoutOptions {
                threshold: holdout.threshold,
                ..HoldoutOptions::default()
            },
        )
        .map_err(|e| invalid("hold-out data")(e.to_string()))?;
        let flagged: Vec<bool> = scores.iter().map(|s| *s >= holdout.threshold).collect();
        let sensitive: Vec<SensitiveColumn<'_>> = holdout
            .sensitive
            .iter()
            .map(|(name, values)| SensitiveColumn { name, values })
            .collect();
        let counts = group_counts(holdout.labels, &flagged, &sensitive, None)
            .map_err(|e| invalid("sensitive columns")(e.to_string()))?;
        let fairness = FairnessReport::build(&counts, &holdout.fairness, None, "holdout".into())
            .map_err(|e| invalid("fairness audit")(e.to_string()))?;
        let names = model.feature_names().to_vec();
        let constraints = match &holdout.constraints {
            Some(c) => c.clone(),
            None => FeatureConstraints::from_data(&names, holdout.rows)
                .map_err(|e| invalid("constraints")(e.to_string()))?,
        };
        let evasion = evasion_test(
            model.as_ref(),
            holdout.rows,
            holdout.labels,
            &constraints,
            Attack::HopSkipJump,
            &EvasionConfig {
                threshold: holdout.threshold,
                ..EvasionConfig::default()
            },
        )
        .map_err(|e| invalid("robustness test")(e.to_string()))?;
        let robustness = RobustnessReport {
            version: RobustnessReport::VERSION,
            rows: holdout.rows.nrows(),
            constraints,
            noise: None,
            evasion: vec![evasion],
            poisoning: None,
            backdoor: None,
        };
        let profile =
            ReferenceProfile::fit(&table(holdout.rows, &names), &ProfileOptions::default());
        let take: Vec<usize> =
            (0..holdout.background_rows.clamp(1, holdout.rows.nrows())).collect();
        let background = Background::new(holdout.rows.select(Axis(0), &take), names)
            .map_err(|e| invalid("explanation background")(e.to_string()))?;
        let mut version = None;
        for e in [
            evidence::performance(&performance)?,
            evidence::fairness(&fairness)?,
            evidence::robustness(&robustness)?,
            evidence::drift_baseline(&profile)?,
            evidence::explanation_baseline(&background),
        ] {
            version = Some(self.attach_evidence(principal, reference, e)?);
        }
        let version = version.ok_or_else(|| Error::invalid("assessment", "nothing attached"))?;
        Ok(Assessment {
            version,
            performance,
            fairness,
            robustness,
        })
    }
}
