//! Hold-out metrics: undefined cases, alert-budget ties, operating points, invariants.

use aigov_validation::{
    Confusion, ValidationError, average_precision, detection_rate_at_budget, fpr_at_tpr,
    partial_roc_auc, roc_auc,
};
use proptest::prelude::*;

#[test]
fn one_class_is_undefined_not_a_panic() {
    let y = [true, true, true];
    let s = [0.2, 0.5, 0.9];
    assert!(matches!(
        roc_auc(&y, &s, None),
        Err(ValidationError::Undefined { .. })
    ));
    let y = [false, false];
    assert!(matches!(
        average_precision(&y, &[0.1, 0.2], None),
        Err(ValidationError::Undefined { .. })
    ));
    let c = Confusion::at(&y, &[0.1, 0.2], None, 0.5).unwrap();
    assert!(c.precision().is_err() && c.recall().is_err());
    assert!(roc_auc(&[true, false], &[f64::NAN, 0.1], None).is_err());
    assert!(roc_auc(&[], &[], None).is_err());
}

#[test]
fn budget_counts_boundary_ties_fractionally() {
    // Scores: 0.9 (malicious), then four tied at 0.5 with two malicious, then 0.1 benign.
    let y = [true, true, false, true, false, false];
    let s = [0.9, 0.5, 0.5, 0.5, 0.5, 0.1];
    let d = detection_rate_at_budget(&y, &s, 3).unwrap();
    // The top row, plus 2 of the 4 tied rows: 2 * (2/4) = 1 expected malicious.
    assert_eq!(d.boundary_ties, 4);
    assert!((d.detected - 2.0).abs() < 1e-12);
    assert!((d.detection_rate - 2.0 / 3.0).abs() < 1e-12);
    let all = detection_rate_at_budget(&y, &s, 100).unwrap();
    assert_eq!(all.budget, 6);
    assert_eq!(all.detection_rate, 1.0);
}

#[test]
fn operating_point_reaches_the_target() {
    let y = [false, false, true, false, true, true];
    let s = [0.1, 0.2, 0.3, 0.4, 0.8, 0.9];
    let p = fpr_at_tpr(&y, &s, None, 0.9).unwrap();
    assert_eq!(p.threshold, 0.3);
    assert_eq!(p.tpr, 1.0);
    assert!((p.fpr - 1.0 / 3.0).abs() < 1e-12);
    let p = fpr_at_tpr(&y, &s, None, 0.5).unwrap();
    assert_eq!((p.threshold, p.fpr), (0.8, 0.0));
}

proptest! {
    #[test]
    fn auc_is_a_probability_and_ignores_monotone_transforms(
        rows in proptest::collection::vec((any::<bool>(), 0u8..20, 1u8..4), 2..80),
    ) {
        let y: Vec<bool> = rows.iter().map(|r| r.0).collect();
        prop_assume!(y.iter().any(|t| *t) && y.iter().any(|t| !*t));
        let s: Vec<f64> = rows.iter().map(|r| f64::from(r.1) / 20.0).collect();
        let w: Vec<f64> = rows.iter().map(|r| f64::from(r.2)).collect();
        let auc = roc_auc(&y, &s, Some(&w)).unwrap();
        prop_assert!((0.0..=1.0).contains(&auc));
        let squashed: Vec<f64> = s.iter().map(|x| (3.0 * x).exp()).collect();
        prop_assert!((roc_auc(&y, &squashed, Some(&w)).unwrap() - auc).abs() < 1e-12);
        // Reversing the ranking mirrors the area.
        let reversed: Vec<f64> = s.iter().map(|x| -x).collect();
        prop_assert!((roc_auc(&y, &reversed, Some(&w)).unwrap() - (1.0 - auc)).abs() < 1e-12);
        let ap = average_precision(&y, &s, Some(&w)).unwrap();
        prop_assert!((0.0..=1.0 + 1e-12).contains(&ap));
        for max_fpr in [0.1, 0.5, 1.0] {
            let p = partial_roc_auc(&y, &s, Some(&w), max_fpr).unwrap();
            prop_assert!((0.0..=1.0 + 1e-12).contains(&p), "{max_fpr}: {p}");
        }
    }
}

#[test]
fn slices_and_bootstrap() {
    use aigov_validation::{MetricValue, bootstrap_interval, metrics_by_slice};
    let y: Vec<bool> = (0..400).map(|i| i % 4 == 0).collect();
    // Slice "vpn" ranks well, slice "web" holds only benign rows.
    let s: Vec<f64> = (0..400)
        .map(|i| {
            if i % 4 == 0 {
                0.6 + f64::from(i % 7) / 20.0
            } else {
                f64::from(i % 11) / 20.0
            }
        })
        .collect();
    let slice: Vec<String> = (0..400)
        .map(|i| {
            if i % 4 == 0 || i % 3 == 0 {
                "vpn".to_string()
            } else {
                "web".to_string()
            }
        })
        .collect();
    let out = metrics_by_slice(&y, &s, None, &slice, 0.5).unwrap();
    assert_eq!(out.len(), 2);
    assert!(matches!(out[0].roc_auc, MetricValue::Value { value } if value > 0.9));
    assert!(matches!(out[1].roc_auc, MetricValue::Undefined { .. }));
    let a = bootstrap_interval(&y, &s, |y, s| roc_auc(y, s, None), 1000, 0.95, 7).unwrap();
    let b = bootstrap_interval(&y, &s, |y, s| roc_auc(y, s, None), 1000, 0.95, 7).unwrap();
    assert_eq!(a, b, "seeded");
    let auc = roc_auc(&y, &s, None).unwrap();
    assert!(a.lower <= auc && auc <= a.upper && a.defined == 1000);
    assert!(bootstrap_interval(&y, &s, |y, s| roc_auc(y, s, None), 10, 0.95, 7).is_err());
}
