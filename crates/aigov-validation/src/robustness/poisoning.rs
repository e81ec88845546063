//! Poisoning sensitivity: how much a model trained on tampered labels loses. Label flips at
//! 1, 5 and 10 percent (at random, nearest the decision boundary where they hurt most, and
//! inside one group, which attacks fairness), and a backdoor: a trigger pattern stamped on
//! malicious training rows relabelled benign, after which the trigger should let attacks
//! through.

use aigov_core::Model;
use ndarray::{Array2, ArrayView2};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha20Rng;
use serde::{Deserialize, Serialize};

use super::trainer::Trainer;
use crate::{Confusion, ValidationError, roc_auc};

/// The flip rates a poisoning test reports by default: 1, 5 and 10 percent.
pub const DEFAULT_FLIP_RATES: [f64; 3] = [0.01, 0.05, 0.10];

/// The labelled data of a poisoning test.
#[derive(Clone, Copy, Debug)]
pub struct PoisoningData<'a> {
    /// Training rows.
    pub train: ArrayView2<'a, f64>,
    /// Training labels (true = malicious).
    pub train_labels: &'a [bool],
    /// Group of each training row (for per-group flips), if any.
    pub train_groups: Option<&'a [String]>,
    /// Clean evaluation rows.
    pub test: ArrayView2<'a, f64>,
    /// Evaluation labels.
    pub test_labels: &'a [bool],
    /// Group of each evaluation row (for FPR parity), if any.
    pub test_groups: Option<&'a [String]>,
}

/// Which training labels are flipped.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "group")]
pub enum FlipStrategy {
    /// Uniformly at random.
    Random,
    /// The rows the clean model scores nearest the threshold.
    NearBoundary,
    /// Random rows of one group only.
    Group(String),
}

/// Model quality on the clean evaluation set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CleanQuality {
    /// ROC AUC (None if undefined).
    pub roc_auc: Option<f64>,
    /// Largest minus smallest false-positive rate across groups at the threshold.
    pub fpr_parity_difference: Option<f64>,
}

/// One poisoned retraining.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FlipOutcome {
    /// Which labels.
    pub strategy: FlipStrategy,
    /// Share of the training rows flipped (as asked).
    pub rate: f64,
    /// Labels actually flipped.
    pub flipped: usize,
    /// Quality of the poisoned model.
    pub quality: CleanQuality,
    /// Poisoned minus clean ROC AUC.
    pub roc_auc_change: Option<f64>,
    /// Poisoned minus clean FPR parity difference.
    pub fpr_parity_change: Option<f64>,
}

/// The label-flip part of the robustness evidence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PoisoningReport {
    /// Decision threshold.
    pub threshold: f64,
    /// Seed of the random choices.
    pub seed: u64,
    /// The model trained on clean labels.
    pub clean: CleanQuality,
    /// Each strategy at each rate.
    pub outcomes: Vec<FlipOutcome>,
}

fn check(data: &PoisoningData<'_>) -> Result<(), ValidationError> {
    if data.train.nrows() != data.train_labels.len() || data.test.nrows() != data.test_labels.len()
    {
        return Err(ValidationError::invalid(
            "poisoning data",
            "rows and labels differ in length",
        ));
    }
    if data.train.ncols() != data.test.ncols() {
        return Err(ValidationError::invalid(
            "poisoning data",
            "train and test widths differ",
        ));
    }
    if data
        .train_groups
        .is_some_and(|g| g.len() != data.train.nrows())
        || data
            .test_groups
            .is_some_and(|g| g.len() != data.test.nrows())
    {
        return Err(ValidationError::invalid(
            "poisoning data",
            "one group per row is needed",
        ));
    }
    Ok(())
}

fn quality(
    model: &dyn Model,
    data: &PoisoningData<'_>,
    threshold: f64,
) -> Result<CleanQuality, ValidationError> {
    let scores = aigov_core::predict_checked(model, data.test)?.to_vec();
    let roc = roc_auc(data.test_labels, &scores, None).ok();
    let parity = match data.test_groups {
        None => None,
        Some(groups) => {
            let mut names: Vec<&String> = groups.iter().collect();
            names.sort();
            names.dedup();
            let mut fprs = Vec::new();
            for g in names {
                let idx: Vec<usize> = (0..groups.len()).filter(|&i| &groups[i] == g).collect();
                let y: Vec<bool> = idx.iter().map(|&i| data.test_labels[i]).collect();
                let s: Vec<f64> = idx.iter().map(|&i| scores[i]).collect();
                if let Ok(fpr) = Confusion::at(&y, &s, None, threshold)?.false_positive_rate() {
                    fprs.push(fpr);
                }
            }
            (fprs.len() >= 2).then(|| {
                fprs.iter().copied().fold(f64::MIN, f64::max)
                    - fprs.iter().copied().fold(f64::MAX, f64::min)
            })
        }
    };
    Ok(CleanQuality {
        roc_auc: roc,
        fpr_parity_difference: parity,
    })
}

/// Retrains with flipped labels for every strategy and rate; groups come from
/// `train_groups` (each group is a strategy of its own).
pub fn label_flip_sensitivity(
    trainer: &dyn Trainer,
    data: &PoisoningData<'_>,
    rates: &[f64],
    threshold: f64,
    seed: u64,
) -> Result<PoisoningReport, ValidationError> {
    check(data)?;
    if rates.iter().any(|r| !(0.0..=0.5).contains(r)) {
        return Err(ValidationError::invalid(
            "rates",
            "each rate must be within [0, 0.5]",
        ));
    }
    let clean_model = trainer.train(data.train, data.train_labels)?;
    let clean = quality(clean_model.as_ref(), data, threshold)?;
    let train_scores = aigov_core::predict_checked(clean_model.as_ref(), data.train)?.to_vec();
    let n = data.train.nrows();
    let mut strategies = vec![FlipStrategy::Random, FlipStrategy::NearBoundary];
    if let Some(groups) = data.train_groups {
        let mut names: Vec<String> = groups.to_vec();
        names.sort();
        names.dedup();
        strategies.extend(names.into_iter().map(FlipStrategy::Group));
    }
    let mut outcomes = Vec::new();
    for strategy in &strategies {
        for &rate in rates {
            let mut rng = ChaCha20Rng::seed_from_u64(seed);
            let count = (rate * n as f64).round() as usize;
            let chosen: Vec<usize> = match strategy {
                FlipStrategy::Random => {
                    let mut all: Vec<usize> = (0..n).collect();
                    all.shuffle(&mut rng);
                    all.truncate(count);
                    all
                }
                FlipStrategy::NearBoundary => {
                    let mut all: Vec<usize> = (0..n).collect();
                    all.sort_by(|&a, &b| {
                        (train_scores[a] - threshold)
                            .abs()
                            .total_cmp(&(train_scores[b] - threshold).abs())
                            .then(a.cmp(&b))
                    });
                    all.truncate(count);
                    all
                }
                FlipStrategy::Group(g) => {
                    let groups = data.train_groups.unwrap_or_default();
                    let mut members: Vec<usize> = (0..n).filter(|&i| &groups[i] == g).collect();
                    members.shuffle(&mut rng);
                    members.truncate(count);
                    members
                }
            };
            let mut labels = data.train_labels.to_vec();
            for &i in &chosen {
                labels[i] = !labels[i];
            }
            let model = trainer.train(data.train, &labels)?;
            let q = quality(model.as_ref(), data, threshold)?;
            outcomes.push(FlipOutcome {
                strategy: strategy.clone(),
                rate,
                flipped: chosen.len(),
                roc_auc_change: q.roc_auc.zip(clean.roc_auc).map(|(a, b)| a - b),
                fpr_parity_change: q
                    .fpr_parity_difference
                    .zip(clean.fpr_parity_difference)
                    .map(|(a, b)| a - b),
                quality: q,
            });
        }
    }
    Ok(PoisoningReport {
        threshold,
        seed,
        clean,
        outcomes,
    })
}

/// A trigger: features set to fixed values.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Trigger {
    /// (feature index, value) pairs.
    pub set: Vec<(usize, f64)>,
}

impl Trigger {
    fn stamp(&self, rows: &mut Array2<f64>, which: &[usize]) {
        for &i in which {
            for &(j, v) in &self.set {
                rows[[i, j]] = v;
            }
        }
    }
}

/// The outcome of the backdoor test.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BackdoorReport {
    /// Share of training rows poisoned (malicious rows stamped and relabelled benign).
    pub poison_rate: f64,
    /// Rows poisoned.
    pub poisoned: usize,
    /// Of the evaluation's malicious rows the poisoned model flags, the share the trigger
    /// lets through.
    pub attack_success_rate: Option<f64>,
    /// The same share for the clean model (what the trigger does without a backdoor).
    pub clean_model_success_rate: Option<f64>,
    /// ROC AUC of the poisoned model on clean data.
    pub poisoned_roc_auc: Option<f64>,
    /// ROC AUC of the clean model on clean data.
    pub clean_roc_auc: Option<f64>,
}

/// Trains with a backdoor and measures whether the trigger works.
pub fn backdoor_test(
    trainer: &dyn Trainer,
    data: &PoisoningData<'_>,
    trigger: &Trigger,
    poison_rate: f64,
    threshold: f64,
    seed: u64,
) -> Result<BackdoorReport, ValidationError> {
    check(data)?;
    if trigger.set.is_empty()
        || trigger
            .set
            .iter()
            .any(|&(j, v)| j >= data.train.ncols() || !v.is_finite())
    {
        return Err(ValidationError::invalid(
            "trigger",
            "needs features of the model and finite values",
        ));
    }
    if !(0.0..=0.5).contains(&poison_rate) {
        return Err(ValidationError::invalid(
            "poison rate",
            "must be within [0, 0.5]",
        ));
    }
    let n = data.train.nrows();
    let mut malicious: Vec<usize> = (0..n).filter(|&i| data.train_labels[i]).collect();
    malicious.shuffle(&mut ChaCha20Rng::seed_from_u64(seed));
    malicious.truncate((poison_rate * n as f64).round() as usize);
    let mut train = data.train.to_owned();
    trigger.stamp(&mut train, &malicious);
    let mut labels = data.train_labels.to_vec();
    for &i in &malicious {
        labels[i] = false;
    }
    let clean_model = trainer.train(data.train, data.train_labels)?;
    let poisoned = trainer.train(train.view(), &labels)?;
    let positives: Vec<usize> = (0..data.test.nrows())
        .filter(|&i| data.test_labels[i])
        .collect();
    let mut triggered = data.test.to_owned();
    trigger.stamp(&mut triggered, &positives);
    let success = |model: &dyn Model| -> Result<Option<f64>, ValidationError> {
        let before = aigov_core::predict_checked(model, data.test)?;
        let after = aigov_core::predict_checked(model, triggered.view())?;
        let flagged: Vec<usize> = positives
            .iter()
            .copied()
            .filter(|&i| before[i] >= threshold)
            .collect();
        Ok((!flagged.is_empty()).then(|| {
            flagged.iter().filter(|&&i| after[i] < threshold).count() as f64 / flagged.len() as f64
        }))
    };
    let auc = |model: &dyn Model| -> Result<Option<f64>, ValidationError> {
        Ok(roc_auc(
            data.test_labels,
            &aigov_core::predict_checked(model, data.test)?.to_vec(),
            None,
        )
        .ok())
    };
    Ok(BackdoorReport {
        poison_rate,
        poisoned: malicious.len(),
        attack_success_rate: success(poisoned.as_ref())?,
        clean_model_success_rate: success(clean_model.as_ref())?,
        poisoned_roc_auc: auc(poisoned.as_ref())?,
        clean_roc_auc: auc(clean_model.as_ref())?,
    })
}
