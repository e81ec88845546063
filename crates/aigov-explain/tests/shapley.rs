//! Shapley values: the analytic linear case, exactness of every method where it must be
//! exact, additivity, convergence of the sampled methods, stability, batches and bad input.

mod common;

use aigov_explain::{Background, ExplainError, ExplainOptions, Method, explain, explain_batch};
use common::{Formula, matrix, values};
use proptest::prelude::*;

fn background_for(model: &Formula, seed: u64, rows: usize) -> Background {
    Background::new(matrix(seed, rows, model.names.len()), model.names.clone()).unwrap()
}

fn with(method: Method, seed: u64) -> ExplainOptions {
    ExplainOptions {
        method: Some(method),
        seed,
        ..ExplainOptions::default()
    }
}

#[test]
fn linear_values_are_weight_times_distance_from_the_background_mean() {
    let weights = [1.5, -0.7, 0.0, 2.25, -3.0, 0.4];
    let model = Formula::linear(&weights, 0.3, false);
    let bg = background_for(&model, 7, 40);
    let row = values(99, weights.len());
    for method in [Method::Exact, Method::Permutation, Method::Kernel] {
        let e = explain(&model, &bg, &row, &with(method, 3)).unwrap();
        for (j, a) in e.values.iter().enumerate() {
            let mean = bg.rows().column(j).mean().unwrap();
            let expected = weights[j] * (row[j] - mean);
            assert!(
                (a.value - expected).abs() < 1e-9,
                "{method:?} feature {j}: {} vs {expected}",
                a.value
            );
        }
        assert!(e.additivity_residual.abs() < 1e-12);
        assert_eq!(e.background_rows, 40);
        assert_eq!(e.background_digest, bg.digest());
    }
}

fn nonlinear(m: usize) -> Formula {
    let mut f = Formula::linear(&values(5, m), -0.2, true);
    f.pairs = vec![(0, 1, 0.8), (1, m - 1, -0.6), (2, 3, 1.1)];
    f
}

#[test]
fn kernel_shap_with_every_coalition_is_exact() {
    let model = nonlinear(8);
    let bg = background_for(&model, 11, 25);
    let row = values(12, 8);
    let exact = explain(&model, &bg, &row, &with(Method::Exact, 0)).unwrap();
    assert_eq!(exact.coalitions, 256);
    assert!(exact.seed.is_none() && exact.stability.is_none());
    let kernel = explain(&model, &bg, &row, &with(Method::Kernel, 1)).unwrap();
    assert_eq!(kernel.coalitions, 256, "2M + 2048 >= 2^8: all coalitions");
    for (a, b) in exact.values.iter().zip(&kernel.values) {
        assert!(
            (a.value - b.value).abs() < 1e-9,
            "{} vs {}",
            a.value,
            b.value
        );
    }
    assert_eq!(kernel.stability.as_ref().unwrap().top_k_agreement, 1.0);
}

#[test]
fn sampled_methods_converge_to_the_exact_values() {
    let m = 14;
    let model = nonlinear(m);
    let bg = background_for(&model, 21, 10);
    let row = values(22, m);
    let exact = explain(&model, &bg, &row, &with(Method::Exact, 0)).unwrap();
    let spread: f64 = exact
        .values
        .iter()
        .map(|a| a.value.abs())
        .fold(0.0, f64::max);
    for method in [Method::Permutation, Method::Kernel] {
        let options = ExplainOptions {
            samples: Some(8_000),
            ..with(method, 42)
        };
        let e = explain(&model, &bg, &row, &options).unwrap();
        let worst = exact
            .values
            .iter()
            .zip(&e.values)
            .map(|(a, b)| (a.value - b.value).abs())
            .fold(0.0, f64::max);
        assert!(
            worst < 0.05 * spread,
            "{method:?}: worst {worst}, largest value {spread}"
        );
        assert!(e.additivity_residual.abs() < 1e-9);
        // Same seed, same values; the top features agree across seeds on this easy model.
        let again = explain(&model, &bg, &row, &options).unwrap();
        assert_eq!(e.values, again.values);
        assert!(e.stability.unwrap().top_k_agreement >= 0.6);
        assert_eq!(e.seed, Some(42));
    }
}

#[test]
fn every_feature_gets_a_value_above_ten_features() {
    // shap's default L1 selection keeps 10 features; nothing here drops any.
    let weights: Vec<f64> = (1..=20).map(|i| i as f64 / 10.0).collect();
    let model = Formula::linear(&weights, 0.0, true);
    let bg = background_for(&model, 31, 20);
    let row = values(32, 20);
    let e = explain(&model, &bg, &row, &ExplainOptions::default()).unwrap();
    assert_eq!(
        e.method,
        Method::Kernel,
        "auto picks Kernel SHAP above 12 features"
    );
    assert!(e.values.iter().all(|a| a.value != 0.0));
    assert_eq!(e.top.len(), 5);
    assert!(
        e.top
            .windows(2)
            .all(|w| w[0].value.abs() >= w[1].value.abs())
    );
}

#[test]
fn a_feature_equal_in_every_background_row_gets_zero() {
    let model = nonlinear(5);
    let mut rows = matrix(41, 12, 5);
    rows.column_mut(2).fill(0.5);
    let bg = Background::new(rows, model.names.clone()).unwrap();
    let mut row = values(42, 5);
    row[2] = 0.5;
    for method in [Method::Exact, Method::Permutation, Method::Kernel] {
        let e = explain(&model, &bg, &row, &with(method, 0)).unwrap();
        assert_eq!(e.values[2].value, 0.0);
        assert!(e.additivity_residual.abs() < 1e-12);
    }
}

#[test]
fn a_batch_equals_rows_explained_one_by_one() {
    let model = nonlinear(6);
    let bg = background_for(&model, 51, 15);
    let rows = matrix(52, 9, 6);
    let options = with(Method::Permutation, 9);
    let batch = explain_batch(&model, &bg, rows.view(), &options).unwrap();
    assert_eq!(batch.len(), 9);
    for (row, e) in rows.outer_iter().zip(&batch) {
        assert_eq!(&explain(&model, &bg, &row.to_vec(), &options).unwrap(), e);
    }
}

#[test]
fn bad_input_is_a_typed_error() {
    let model = nonlinear(5);
    let bg = background_for(&model, 61, 5);
    let invalid = |r: Result<_, ExplainError>| {
        assert!(matches!(r, Err(ExplainError::InvalidInput { .. })), "{r:?}")
    };
    invalid(explain(&model, &bg, &[1.0; 4], &ExplainOptions::default()));
    invalid(explain(
        &model,
        &bg,
        &[1.0, f64::NAN, 0.0, 0.0, 0.0],
        &ExplainOptions::default(),
    ));
    let other =
        Background::new(matrix(1, 3, 5), (0..5).map(|i| format!("g{i}")).collect()).unwrap();
    invalid(explain(
        &model,
        &other,
        &[1.0; 5],
        &ExplainOptions::default(),
    ));
    assert!(Background::new(ndarray::Array2::zeros((0, 5)), model.names.clone()).is_err());
    let mut nan = matrix(1, 3, 5);
    nan[[1, 1]] = f64::INFINITY;
    assert!(Background::new(nan, model.names.clone()).is_err());
    let big = nonlinear(17);
    let bg17 = background_for(&big, 3, 2);
    invalid(explain(
        &big,
        &bg17,
        &values(4, 17),
        &with(Method::Exact, 0),
    ));
    let few = ExplainOptions {
        samples: Some(3),
        ..with(Method::Kernel, 0)
    };
    invalid(explain(&big, &bg17, &values(4, 17), &few));
    let zero_k = ExplainOptions {
        top_k: 0,
        ..ExplainOptions::default()
    };
    invalid(explain(&model, &bg, &[1.0; 5], &zero_k));
}

#[test]
fn background_digests_change_with_any_value_or_name() {
    let model = nonlinear(3);
    let a = background_for(&model, 71, 4);
    let mut rows = a.rows().to_owned();
    rows[[3, 2]] += 1e-12;
    let b = Background::new(rows, model.names.clone()).unwrap();
    assert_ne!(a.digest(), b.digest());
    let renamed = Background::new(
        a.rows().to_owned(),
        vec!["f0".into(), "f1".into(), "x".into()],
    )
    .unwrap();
    assert_ne!(a.digest(), renamed.digest());
    assert_eq!(a.digest(), background_for(&model, 71, 4).digest());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn values_always_add_up_to_prediction_minus_base(
        seed in 0u64..10_000,
        m in 2usize..14,
        method in prop_oneof![Just(Method::Exact), Just(Method::Permutation), Just(Method::Kernel)],
    ) {
        let mut model = Formula::linear(&values(seed, m), 0.1, seed % 2 == 0);
        model.pairs = vec![(0, m - 1, 0.7)];
        let bg = background_for(&model, seed + 1, 6);
        let row = values(seed + 2, m);
        let options = ExplainOptions { samples: Some(600), ..with(method, seed) };
        let e = explain(&model, &bg, &row, &options).unwrap();
        let sum: f64 = e.values.iter().map(|a| a.value).sum();
        prop_assert!((e.prediction - e.base_value - sum).abs() < 1e-9);
        prop_assert!(e.additivity_residual.abs() < 1e-9);
        prop_assert!(e.values.iter().all(|a| a.value.is_finite()));
        if let Some(s) = e.stability {
            prop_assert!((0.0..=1.0).contains(&s.top_k_agreement));
        }
        // With 600 coalitions Kernel SHAP enumerates every coalition up to 9 features, so it
        // must equal the exact values there.
        if method == Method::Kernel && m <= 9 {
            let exact = explain(&model, &bg, &row, &with(Method::Exact, 0)).unwrap();
            for (a, b) in e.values.iter().zip(&exact.values) {
                prop_assert!((a.value - b.value).abs() < 1e-9, "{} vs {}", a.value, b.value);
            }
        }
    }
}
