//! Invariants: ranges and symmetry.

use aigov_drift::{hellinger, jensenshannon, wasserstein};
use proptest::prelude::*;

proptest! {
    #[test]
    fn distances_stay_in_range_and_are_symmetric(
        a in proptest::collection::vec(0u64..50, 1..12),
        b_seed in proptest::collection::vec(0u64..50, 12),
    ) {
        let b: Vec<u64> = b_seed[..a.len()].to_vec();
        prop_assume!(a.iter().sum::<u64>() > 0 && b.iter().sum::<u64>() > 0);
        let js = jensenshannon(&a, &b, None).unwrap();
        prop_assert!((0.0..=std::f64::consts::LN_2.sqrt() + 1e-12).contains(&js));
        prop_assert!((js - jensenshannon(&b, &a, None).unwrap()).abs() < 1e-12);
        let js2 = jensenshannon(&a, &b, Some(2.0)).unwrap();
        prop_assert!((0.0..=1.0 + 1e-12).contains(&js2));
        let h = hellinger(&a, &b).unwrap();
        prop_assert!((0.0..=1.0 + 1e-12).contains(&h));
        prop_assert!((h - hellinger(&b, &a).unwrap()).abs() < 1e-12);
    }

    #[test]
    fn wasserstein_is_a_symmetric_non_negative_distance(
        u in proptest::collection::vec(-1e3f64..1e3, 1..50),
        v in proptest::collection::vec(-1e3f64..1e3, 1..50),
        shift in -10.0f64..10.0,
    ) {
        let d = wasserstein(&u, &v).unwrap();
        prop_assert!(d >= 0.0);
        prop_assert!((d - wasserstein(&v, &u).unwrap()).abs() <= 1e-9 * d.max(1.0));
        prop_assert!(wasserstein(&u, &u).unwrap().abs() < 1e-12);
        // Shifting one sample by c moves it by |c| when the other is the same sample.
        let shifted: Vec<f64> = u.iter().map(|x| x + shift).collect();
        prop_assert!((wasserstein(&u, &shifted).unwrap() - shift.abs()).abs() <= 1e-9 * (1.0 + shift.abs()));
    }
}

fn sample() -> impl Strategy<Value = Vec<f64>> {
    proptest::collection::vec(
        prop_oneof![(-20i32..20).prop_map(f64::from), -1e3f64..1e3],
        1..60,
    )
}

proptest! {
    #[test]
    fn tests_give_probabilities_and_are_symmetric(a in sample(), b in sample()) {
        let ab = aigov_drift::ks_2samp(&a, &b).unwrap();
        let ba = aigov_drift::ks_2samp(&b, &a).unwrap();
        prop_assert!((0.0..=1.0).contains(&ab.statistic.statistic));
        prop_assert!((0.0..=1.0).contains(&ab.p_value));
        prop_assert_eq!(ab.statistic.statistic, ba.statistic.statistic);
        prop_assert!((ab.p_value - ba.p_value).abs() <= 1e-12);

        let mw = aigov_drift::mann_whitney_u(&a, &b).unwrap();
        let wm = aigov_drift::mann_whitney_u(&b, &a).unwrap();
        prop_assert!((0.0..=1.0).contains(&mw.p_value));
        prop_assert!((mw.p_value - wm.p_value).abs() <= 1e-12);
        prop_assert!((mw.effect_size + wm.effect_size - 1.0).abs() <= 1e-12);

        if let (Ok(x), Ok(y)) = (
            aigov_drift::anderson_ksamp(&[&a, &b]),
            aigov_drift::anderson_ksamp(&[&b, &a]),
        ) {
            prop_assert!((0.001..=0.25).contains(&x.p_value));
            prop_assert!((x.statistic - y.statistic).abs() <= 1e-9 * x.statistic.abs().max(1.0));
        }
        if a.len() > 1 && b.len() > 1 {
            let t = aigov_drift::welch_t_test(&a, &b).unwrap();
            prop_assert!(t.p_value.is_nan() || (0.0..=1.0).contains(&t.p_value));
        }
    }

    #[test]
    fn homogeneity_and_wilson_stay_in_range(
        counts in proptest::collection::vec((0u64..40, 0u64..40), 1..8),
        events in 0u64..200,
        extra in 0u64..200,
    ) {
        let (r, c): (Vec<u64>, Vec<u64>) = counts.into_iter().unzip();
        prop_assume!(r.iter().sum::<u64>() > 0 && c.iter().sum::<u64>() > 0);
        let x = aigov_drift::chi2_homogeneity(&r, &c, true).unwrap();
        let y = aigov_drift::chi2_homogeneity(&c, &r, true).unwrap();
        prop_assert!(x.statistic >= 0.0 && (0.0..=1.0).contains(&x.pvalue));
        prop_assert!((x.statistic - y.statistic).abs() <= 1e-9 * x.statistic.max(1.0));
        let trials = events + extra;
        if let Some((lo, hi)) = aigov_drift::wilson_interval(events, trials, 1.96) {
            let p = events as f64 / trials as f64;
            prop_assert!(0.0 <= lo && lo <= p + 1e-12 && p <= hi + 1e-12 && hi <= 1.0);
        } else {
            prop_assert_eq!(trials, 0);
        }
    }

    #[test]
    fn default_mode_scores_are_finite_and_flag_only_with_evidence(
        a in proptest::collection::vec(-1e3f64..1e3, 40..120),
        b in proptest::collection::vec(-1e3f64..1e3, 40..120),
    ) {
        use aigov_drift::{DriftOptions, Method, ReferenceColumn, Sample, drift_report};
        for method in [Method::Ks, Method::Psi, Method::Jensenshannon, Method::Hellinger, Method::Mannw, Method::TTest] {
            let pairs = vec![(
                ReferenceColumn::from_sample("x", Sample::numeric(a.clone()), 10),
                Sample::numeric(b.clone()),
            )];
            let options = DriftOptions { method: Some(method), ..DriftOptions::default() };
            let report = drift_report(pairs, &options).unwrap();
            let c = &report.columns[0];
            prop_assert!(c.statistic.is_finite(), "{method}: {}", c.statistic);
            if let Some(p) = c.p_value {
                prop_assert!((0.0..=1.0).contains(&p));
                prop_assert!(c.p_value_adjusted.unwrap() >= p - 1e-15);
            }
            if matches!(method, Method::Jensenshannon | Method::Hellinger) {
                prop_assert!((0.0..=1.0).contains(&c.statistic));
            }
        }
    }
}
