//! Robustness tests against models whose answers are known: the minimal evasion of a linear
//! model is its analytic distance to the decision boundary, immutable features never move,
//! integer and one-hot features stay valid, budgets hold, and poisoning is measured.

use std::collections::BTreeMap;
use std::sync::Mutex;

use aigov_core::{Model, ModelError};
use aigov_validation::{
    Attack, Bounds, EvasionConfig, FeatureConstraints, FlipStrategy, LinearModel, Link,
    LogisticTrainer, NoiseConfig, PoisoningData, RobustnessReport, Trainer, Trigger, backdoor_test,
    evasion_test, label_flip_sensitivity, noise_flip_rate, roc_auc,
};
use ndarray::{Array2, ArrayView2};

fn names(d: usize) -> Vec<String> {
    (0..d).map(|i| format!("f{i}")).collect()
}

/// Standard normal draws from a fixed xorshift generator.
struct Normal(u64);
impl Normal {
    fn uniform(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        ((self.0 >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
    fn next(&mut self) -> f64 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
    }
}

fn linear(weights: &[f64], intercept: f64) -> LinearModel {
    LinearModel {
        features: names(weights.len()),
        weights: weights.to_vec(),
        intercept,
        link: Link::Logistic,
    }
}

/// Rows spread around the origin, wide bounds so that no bound binds.
fn rows(n: usize, d: usize, seed: u64) -> Array2<f64> {
    let mut g = Normal(seed);
    Array2::from_shape_fn((n, d), |_| g.next())
}

fn wide(d: usize) -> FeatureConstraints {
    let bounds: BTreeMap<String, Bounds> = names(d)
        .into_iter()
        .map(|n| {
            (
                n,
                Bounds {
                    lower: -50.0,
                    upper: 50.0,
                },
            )
        })
        .collect();
    FeatureConstraints::from_data(&names(d), rows(4, d, 1).view())
        .unwrap()
        .with_bounds(&bounds)
        .unwrap()
}

/// Range-scaled L2 distance from x to the hyperplane w·x + b = logit(threshold), over the
/// features the attacker may move.
fn analytic(model: &LinearModel, x: &[f64], c: &FeatureConstraints, threshold: f64) -> f64 {
    let margin = model.intercept + model.weights.iter().zip(x).map(|(w, v)| w * v).sum::<f64>()
        - (threshold / (1.0 - threshold)).ln();
    let scale = c.scale();
    let norm: f64 = c
        .movable()
        .iter()
        .map(|&j| (model.weights[j] * scale[j]).powi(2))
        .sum();
    margin / norm.sqrt()
}

#[test]
fn the_decision_based_search_finds_the_minimal_perturbation_of_a_linear_model() {
    let model = linear(&[1.5, -2.0, 0.7, 3.0, 0.0, -1.1], 2.0);
    let data = rows(60, 6, 7);
    let labels = vec![true; 60];
    for immutable in [vec![], vec!["f3"]] {
        let c = wide(6).immutable(&immutable).unwrap();
        let config = EvasionConfig {
            query_budget: 4_000,
            max_rows: 8,
            ..EvasionConfig::default()
        };
        let report = evasion_test(
            &model,
            data.view(),
            &labels,
            &c,
            Attack::HopSkipJump,
            &config,
        )
        .unwrap();
        assert_eq!(report.attacked, 8);
        assert_eq!(report.evaded, 8, "{report:?}");
        let mut worst = 1.0f64;
        for e in &report.evasions {
            let x = data.row(e.row).to_vec();
            let minimal = analytic(&model, &x, &c, 0.5);
            assert!(
                e.distance >= minimal * (1.0 - 1e-9) && e.distance <= minimal * 1.05,
                "row {}: found {} vs analytic {minimal} (immutable {immutable:?})",
                e.row,
                e.distance
            );
            worst = worst.max(e.distance / minimal);
            assert!(e.evading_score < 0.5 && e.queries <= 4_000);
            assert!(
                e.changes
                    .iter()
                    .all(|ch| !immutable.contains(&ch.feature.as_str()))
            );
        }
        eprintln!(
            "immutable {immutable:?}: worst found / analytic distance {worst:.4}, median queries {:?}",
            report.median_queries
        );
    }
}

#[test]
fn the_greedy_search_evades_and_never_beats_the_minimum() {
    let model = linear(&[1.5, -2.0, 0.7, 3.0, 0.0, -1.1], 2.0);
    let data = rows(60, 6, 8);
    let labels = vec![true; 60];
    let c = wide(6).immutable(&["f1"]).unwrap();
    let config = EvasionConfig {
        max_rows: 10,
        ..EvasionConfig::default()
    };
    let report = evasion_test(&model, data.view(), &labels, &c, Attack::Greedy, &config).unwrap();
    assert!(report.evaded >= 9, "{report:?}");
    for e in &report.evasions {
        let x = data.row(e.row).to_vec();
        assert!(e.distance >= analytic(&model, &x, &c, 0.5) * (1.0 - 1e-9));
        assert!(e.changes.iter().all(|ch| ch.feature != "f1"));
        assert!(e.queries <= config.query_budget);
    }
    // Success rates grow with epsilon and stay in [0, 1].
    let rates: Vec<f64> = report.success_at.iter().map(|s| s.success_rate).collect();
    assert!(
        rates.windows(2).all(|w| w[0] <= w[1]) && rates.iter().all(|r| (0.0..=1.0).contains(r))
    );
}

#[test]
fn evasions_keep_integer_one_hot_and_bound_constraints() {
    // f0..f2 one-hot (a protocol), f3 an integer count in [0, 20], f4 bounded in [0, 1].
    let model = linear(&[2.0, -1.0, 0.5, 0.4, 2.5], -2.0);
    let mut data = Array2::zeros((30, 5));
    let mut g = Normal(5);
    for i in 0..30 {
        data[[i, i % 3]] = 1.0;
        data[[i, 3]] = (g.uniform() * 20.0).floor();
        data[[i, 4]] = g.uniform();
    }
    let bounds = BTreeMap::from([
        (
            "f3".to_string(),
            Bounds {
                lower: 0.0,
                upper: 20.0,
            },
        ),
        (
            "f4".to_string(),
            Bounds {
                lower: 0.0,
                upper: 1.0,
            },
        ),
    ]);
    let c = FeatureConstraints::from_data(&names(5), data.view())
        .unwrap()
        .with_bounds(&bounds)
        .unwrap()
        .one_hot(&["f0", "f1", "f2"])
        .unwrap()
        .integer(&["f3"])
        .unwrap();
    let labels = vec![true; 30];
    for attack in [Attack::HopSkipJump, Attack::Greedy] {
        let report = evasion_test(
            &model,
            data.view(),
            &labels,
            &c,
            attack,
            &EvasionConfig::default(),
        )
        .unwrap();
        assert!(report.attacked > 0);
        assert!(report.evaded > 0, "{attack:?}: {report:?}");
        for e in &report.evasions {
            let x = data.row(e.row).to_vec();
            let mut adv = x.clone();
            for ch in &e.changes {
                let j: usize = ch.feature[1..].parse().unwrap();
                adv[j] = ch.to;
            }
            assert!(c.admits(&adv, &x), "{attack:?}: {adv:?} from {x:?}");
            let score = model
                .predict(Array2::from_shape_vec((1, 5), adv).unwrap().view())
                .unwrap()[0];
            assert!((score - e.evading_score).abs() < 1e-12 && score < 0.5);
        }
    }
}

#[test]
fn a_tight_budget_is_respected_and_bad_settings_are_refused() {
    let model = linear(&[1.0, 1.0], 3.0);
    let data = rows(10, 2, 3);
    let labels = vec![true; 10];
    let c = wide(2);
    let config = EvasionConfig {
        query_budget: 25,
        ..EvasionConfig::default()
    };
    for attack in [Attack::HopSkipJump, Attack::Greedy] {
        let r = evasion_test(&model, data.view(), &labels, &c, attack, &config).unwrap();
        assert!(r.total_queries <= 25 * r.attacked);
    }
    let tiny = EvasionConfig {
        query_budget: 5,
        ..EvasionConfig::default()
    };
    assert!(evasion_test(&model, data.view(), &labels, &c, Attack::Greedy, &tiny).is_err());
    assert!(
        evasion_test(
            &model,
            data.view(),
            &labels[..3],
            &c,
            Attack::Greedy,
            &config
        )
        .is_err()
    );
    assert!(c.clone().immutable(&["nope"]).is_err());
    assert!(c.clone().one_hot(&["f0"]).is_err());
    let bad = BTreeMap::from([(
        "f0".to_string(),
        Bounds {
            lower: 1.0,
            upper: 0.0,
        },
    )]);
    assert!(c.with_bounds(&bad).is_err());
}

#[test]
fn noise_flips_decisions_near_the_boundary_only() {
    let model = linear(&[4.0, 0.0], 0.0);
    let c = wide(2);
    // Far from the boundary (|4 x0| >= 20): no flips at 1% of a range of 100.
    let far =
        Array2::from_shape_vec((4, 2), vec![5.0, 0.0, -5.0, 1.0, 6.0, 2.0, -7.0, 0.0]).unwrap();
    let r = noise_flip_rate(&model, far.view(), &c, &NoiseConfig::default()).unwrap();
    assert_eq!(r.flip_rate, 0.0);
    assert_eq!(r.trials, 40);
    // On the boundary: about half flip, and only through the feature that matters.
    let on = Array2::from_shape_vec(
        (50, 2),
        (0..100)
            .map(|i| if i % 2 == 0 { 0.0 } else { 1.0 })
            .collect(),
    )
    .unwrap();
    let config = NoiseConfig {
        repeats: 40,
        ..NoiseConfig::default()
    };
    let r = noise_flip_rate(&model, on.view(), &c, &config).unwrap();
    assert!((r.flip_rate - 0.5).abs() < 0.05, "{}", r.flip_rate);
    assert_eq!(r.per_feature[1].flip_rate, 0.0);
    assert!(r.per_feature[0].flip_rate > 0.4);
    assert!(
        noise_flip_rate(
            &model,
            on.view(),
            &c,
            &NoiseConfig {
                scale: 0.0,
                ..config
            }
        )
        .is_err()
    );
}

/// Two Gaussian classes; f0 and f1 carry the signal, f2 is noise; groups alternate.
fn dataset(n: usize, seed: u64) -> (Array2<f64>, Vec<bool>, Vec<String>) {
    let mut g = Normal(seed);
    let mut rows = Array2::zeros((n, 3));
    let mut labels = Vec::with_capacity(n);
    let mut groups = Vec::with_capacity(n);
    for i in 0..n {
        let malicious = g.uniform() < 0.3;
        let shift = if malicious { 1.5 } else { 0.0 };
        rows[[i, 0]] = shift + g.next();
        rows[[i, 1]] = shift + g.next();
        rows[[i, 2]] = g.next();
        labels.push(malicious);
        groups.push(if i % 2 == 0 { "eu" } else { "us" }.to_string());
    }
    (rows, labels, groups)
}

/// Records the labels each training run was given.
struct Spy {
    inner: LogisticTrainer,
    seen: Mutex<Vec<Vec<bool>>>,
}

impl Trainer for Spy {
    fn train(
        &self,
        rows: ArrayView2<'_, f64>,
        labels: &[bool],
    ) -> Result<Box<dyn Model>, ModelError> {
        self.seen.lock().unwrap().push(labels.to_vec());
        self.inner.train(rows, labels)
    }
}

#[test]
fn the_logistic_trainer_learns_the_signal() {
    let (x, y, _) = dataset(2_000, 11);
    let model = LogisticTrainer::new(names(3)).fit(x.view(), &y).unwrap();
    assert!(
        model.weights[0] > 0.8 && model.weights[1] > 0.8,
        "{model:?}"
    );
    assert!(model.weights[2].abs() < 0.2, "{model:?}");
    let (t, ty, _) = dataset(1_000, 12);
    let auc = roc_auc(&ty, &model.predict(t.view()).unwrap().to_vec(), None).unwrap();
    assert!(auc > 0.85, "{auc}");
}

#[test]
fn label_flips_are_measured_per_strategy_and_rate() {
    let (x, y, g) = dataset(1_000, 21);
    let (t, ty, tg) = dataset(1_000, 22);
    let spy = Spy {
        inner: LogisticTrainer::new(names(3)),
        seen: Mutex::new(Vec::new()),
    };
    let data = PoisoningData {
        train: x.view(),
        train_labels: &y,
        train_groups: Some(&g),
        test: t.view(),
        test_labels: &ty,
        test_groups: Some(&tg),
    };
    let report = label_flip_sensitivity(&spy, &data, &[0.0, 0.01, 0.05, 0.1], 0.5, 3).unwrap();
    // random, near the boundary, eu, us: four strategies at four rates.
    assert_eq!(report.outcomes.len(), 16);
    let seen = spy.seen.lock().unwrap();
    assert_eq!(seen.len(), 17, "one clean training run and one per outcome");
    for (k, o) in report.outcomes.iter().enumerate() {
        let labels = &seen[k + 1];
        let flipped: Vec<usize> = (0..y.len()).filter(|&i| labels[i] != y[i]).collect();
        assert_eq!(flipped.len(), o.flipped);
        assert_eq!(o.flipped, (o.rate * 1000.0).round() as usize);
        if let FlipStrategy::Group(name) = &o.strategy {
            assert!(
                flipped.iter().all(|&i| &g[i] == name),
                "flips outside {name}"
            );
        }
        if o.rate == 0.0 {
            assert_eq!(o.roc_auc_change, Some(0.0));
            assert_eq!(o.fpr_parity_change, Some(0.0));
        }
        assert!(o.quality.roc_auc.unwrap() > 0.5);
    }
    // Flipping 10% nearest the boundary costs more than flipping none.
    let near10 = report
        .outcomes
        .iter()
        .find(|o| o.strategy == FlipStrategy::NearBoundary && o.rate == 0.1)
        .unwrap();
    assert!(near10.roc_auc_change.unwrap() < 0.0, "{near10:?}");
}

#[test]
fn a_backdoor_trigger_is_detected() {
    let (x, y, _) = dataset(2_000, 31);
    let (t, ty, _) = dataset(1_000, 32);
    let data = PoisoningData {
        train: x.view(),
        train_labels: &y,
        train_groups: None,
        test: t.view(),
        test_labels: &ty,
        test_groups: None,
    };
    let trainer = LogisticTrainer::new(names(3));
    let trigger = Trigger {
        set: vec![(2, 6.0)],
    };
    let r = backdoor_test(&trainer, &data, &trigger, 0.1, 0.5, 4).unwrap();
    assert_eq!(r.poisoned, 200);
    assert!(r.attack_success_rate.unwrap() > 0.8, "{r:?}");
    assert!(r.clean_model_success_rate.unwrap() < 0.2, "{r:?}");
    assert!(
        r.poisoned_roc_auc.unwrap() > 0.8 && r.clean_roc_auc.unwrap() > 0.85,
        "{r:?}"
    );
    let bad = Trigger {
        set: vec![(9, 1.0)],
    };
    assert!(backdoor_test(&trainer, &data, &bad, 0.1, 0.5, 4).is_err());
}

#[test]
fn the_robustness_report_round_trips_through_json() {
    let model = linear(&[1.5, -2.0, 0.7], 1.0);
    let data = rows(20, 3, 41);
    let c = wide(3);
    let report = RobustnessReport {
        version: RobustnessReport::VERSION,
        rows: 20,
        constraints: c.clone(),
        noise: Some(noise_flip_rate(&model, data.view(), &c, &NoiseConfig::default()).unwrap()),
        evasion: vec![
            evasion_test(
                &model,
                data.view(),
                &[true; 20],
                &c,
                Attack::Greedy,
                &EvasionConfig::default(),
            )
            .unwrap(),
        ],
        poisoning: None,
        backdoor: None,
    };
    let text = serde_json::to_string(&report).unwrap();
    let back: RobustnessReport = serde_json::from_str(&text).unwrap();
    assert_eq!(back, report);
}

/// Answers one score short.
#[derive(Debug)]
struct Short(Vec<String>);
impl Model for Short {
    fn feature_names(&self) -> &[String] {
        &self.0
    }
    fn predict(&self, rows: ArrayView2<'_, f64>) -> Result<ndarray::Array1<f64>, ModelError> {
        Ok(ndarray::Array1::from_elem(
            rows.nrows().saturating_sub(1),
            0.9,
        ))
    }
}

#[test]
fn constraints_that_cannot_be_met_and_misbehaving_models_are_typed_errors() {
    let model = linear(&[1.0, 1.0], 3.0);
    let data = rows(10, 2, 3);
    let labels = vec![true; 10];
    // An integer feature whose bounds hold no whole number.
    let no_integer = wide(2)
        .with_bounds(&BTreeMap::from([(
            "f1".to_string(),
            Bounds {
                lower: 0.2,
                upper: 0.7,
            },
        )]))
        .unwrap()
        .integer(&["f1"])
        .unwrap();
    let config = EvasionConfig::default();
    assert!(
        evasion_test(
            &model,
            data.view(),
            &labels,
            &no_integer,
            Attack::Greedy,
            &config
        )
        .is_err()
    );
    assert!(noise_flip_rate(&model, data.view(), &no_integer, &NoiseConfig::default()).is_err());
    // Constraints for another width, and hand-built inconsistent ones.
    let three = wide(3);
    assert!(noise_flip_rate(&model, data.view(), &three, &NoiseConfig::default()).is_err());
    let mut broken = wide(2);
    broken.integer.pop();
    assert!(
        evasion_test(
            &model,
            data.view(),
            &labels,
            &broken,
            Attack::HopSkipJump,
            &config
        )
        .is_err()
    );
    let mut inverted = wide(2);
    inverted.bounds[0] = Bounds {
        lower: 1.0,
        upper: 0.0,
    };
    assert!(noise_flip_rate(&model, data.view(), &inverted, &NoiseConfig::default()).is_err());
    let mut nan = data.clone();
    nan[[2, 1]] = f64::NAN;
    assert!(FeatureConstraints::from_data(&names(2), nan.view()).is_err());
    // A model that answers one score short.
    let short = Short(names(2));
    assert!(
        evasion_test(
            &short,
            data.view(),
            &labels,
            &wide(2),
            Attack::Greedy,
            &config
        )
        .is_err()
    );
    assert!(noise_flip_rate(&short, data.view(), &wide(2), &NoiseConfig::default()).is_err());
    // A JSON model that names a feature twice.
    assert!(
        LinearModel::from_json(
            r#"{"features": ["a", "a"], "weights": [1, 2], "intercept": 0, "link": "identity"}"#
        )
        .is_err()
    );
    let inconsistent = LinearModel {
        weights: vec![1.0],
        ..linear(&[1.0, 1.0], 0.0)
    };
    assert!(inconsistent.predict(data.view()).is_err());
}

#[test]
fn separable_data_with_weak_regularisation_still_trains() {
    // A plain Newton step overshoots here; the line search keeps it on the objective.
    let x = Array2::from_shape_vec((4, 1), vec![-2.0, -1.0, 1.0, 2.0]).unwrap();
    let y = [false, false, true, true];
    let mut trainer = LogisticTrainer::new(names(1));
    trainer.c = 1e4;
    let m = trainer.fit(x.view(), &y).unwrap();
    assert!(m.weights[0] > 3.0 && m.weights[0].is_finite(), "{m:?}");
    assert!(trainer.fit(x.view(), &y[..3]).is_err());
}
