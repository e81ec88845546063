//! Verdicts: the point estimate against the tolerance (the validation gate's rule too), the
//! interval next to it, insufficient evidence for small groups, the default FPR parity rule,
//! the bootstrap is seeded.

use aigov_fairness::{
    AuditConfig, RuleMetric, SensitiveColumn, Verdict, group_counts, judge, overall_verdict,
};

/// `groups` of (name, benign rows, benign flagged, malicious rows, malicious flagged).
fn table(groups: &[(&str, usize, usize, usize, usize)]) -> aigov_fairness::GroupTable {
    let (mut truth, mut flagged, mut names) = (Vec::new(), Vec::new(), Vec::new());
    for (name, benign, benign_flagged, malicious, caught) in groups {
        for i in 0..*benign {
            truth.push(false);
            flagged.push(i < *benign_flagged);
            names.push(name.to_string());
        }
        for i in 0..*malicious {
            truth.push(true);
            flagged.push(i < *caught);
            names.push(name.to_string());
        }
    }
    group_counts(
        &truth,
        &flagged,
        &[SensitiveColumn {
            name: "region",
            values: &names,
        }],
        None,
    )
    .unwrap()
}

#[test]
fn clear_fpr_disparity_fails_equal_rates_pass() {
    let config = AuditConfig::default();
    let unfair = table(&[("eu", 1000, 20, 100, 80), ("apac", 1000, 80, 100, 80)]);
    let outcomes = judge(&unfair, &config).unwrap();
    assert_eq!(outcomes[0].rule.metric, RuleMetric::FalsePositiveRateRatio);
    assert!((outcomes[0].value.unwrap() - 0.25).abs() < 1e-12);
    assert_eq!(outcomes[0].verdict, Verdict::Fail, "{:?}", outcomes[0]);
    assert_eq!(outcomes[0].interval_method.as_deref(), Some("katz"));
    let fair = table(&[("eu", 1000, 50, 100, 80), ("apac", 1000, 52, 100, 80)]);
    let outcomes = judge(&fair, &config).unwrap();
    assert_eq!(overall_verdict(&outcomes), Verdict::Pass, "{outcomes:?}");
}

#[test]
fn the_point_estimate_decides_and_the_interval_is_its_uncertainty() {
    let config = AuditConfig::default();
    // Ratio 0.5 on 40 benign rows each: the interval still reaches 0.8, but the estimate
    // is past the tolerance, which is what the validation gate judges too.
    let noisy = table(&[("eu", 40, 4, 40, 30), ("apac", 40, 8, 40, 30)]);
    let outcomes = judge(&noisy, &config).unwrap();
    assert!((outcomes[0].value.unwrap() - 0.5).abs() < 1e-12);
    let interval = outcomes[0].interval.unwrap();
    assert!(interval.upper > 0.8, "{interval:?}");
    assert_eq!(outcomes[0].verdict, Verdict::Fail, "{:?}", outcomes[0]);
    assert!(
        outcomes[0].reason.starts_with("0.5000 (interval [")
            && outcomes[0].reason.ends_with("is below 0.8"),
        "{}",
        outcomes[0].reason
    );
    // Ratio 0.875 on the same small groups passes, saying the interval reaches past 0.8.
    let close = table(&[("eu", 40, 7, 40, 30), ("apac", 40, 8, 40, 30)]);
    let outcomes = judge(&close, &config).unwrap();
    assert_eq!(outcomes[0].verdict, Verdict::Pass, "{:?}", outcomes[0]);
    assert!(
        outcomes[0].reason.contains("reaches past"),
        "{}",
        outcomes[0].reason
    );
    // 10 benign rows in one group: below min_group 30.
    let small = table(&[("eu", 10, 1, 40, 30), ("apac", 400, 8, 40, 30)]);
    let outcomes = judge(&small, &config).unwrap();
    assert_eq!(outcomes[0].verdict, Verdict::InsufficientEvidence);
    assert_eq!(overall_verdict(&outcomes), Verdict::InsufficientEvidence);
}

proptest::proptest! {
    /// Whatever the counts, a rule with a minimum fails exactly when its estimate is below
    /// it: the interval never overturns the estimate.
    #[test]
    fn a_minimum_fails_exactly_below_it(
        fp_a in 1usize..60, fp_b in 1usize..60, min in 0.3f64..1.0,
    ) {
        let mut config = AuditConfig::default();
        config.rules[0].min = Some(min);
        let t = table(&[("eu", 60, fp_a, 40, 30), ("apac", 60, fp_b, 40, 30)]);
        let o = &judge(&t, &config).unwrap()[0];
        let value = o.value.unwrap();
        proptest::prop_assert_eq!(o.verdict == Verdict::Fail, value < min, "{:?}", o);
    }
}

#[test]
fn rules_from_yaml_with_bootstrap_and_four_fifths() {
    let config = AuditConfig::from_yaml(
        "direction: flag\nmin_group: 20\nseed: 7\nrules:\n  - metric: equalized_odds_difference\n    max: 0.05\n  - metric: favourable_rate_ratio\n    min: 0.8\n",
    )
    .unwrap();
    let t = table(&[("eu", 800, 40, 200, 150), ("apac", 800, 120, 200, 190)]);
    let a = judge(&t, &config).unwrap();
    let b = judge(&t, &config).unwrap();
    assert_eq!(a, b, "the bootstrap is seeded");
    assert_eq!(a[0].interval_method.as_deref(), Some("bootstrap"));
    let i = a[0].interval.unwrap();
    assert!(i.lower <= a[0].value.unwrap() && a[0].value.unwrap() <= i.upper + 1e-12);
    assert_eq!(a[0].verdict, Verdict::Fail);
    // Pass rates 0.76 vs 0.845 of all rows: ratio about 0.9, passes the four-fifths rule.
    assert_eq!(a[1].verdict, Verdict::Pass, "{:?}", a[1]);
    assert!(AuditConfig::from_yaml("rules: []\n").is_err());
    assert!(AuditConfig::from_yaml("surprise: 1\n").is_err());
    assert!(AuditConfig::from_yaml("resamples: 10\n").is_err());
}

#[test]
fn the_report_serializes_and_maps_to_cyclonedx() {
    let t = table(&[("eu", 1000, 20, 100, 80), ("apac", 1000, 80, 100, 80)]);
    let report = aigov_fairness::FairnessReport::build(
        &t,
        &AuditConfig::default(),
        None,
        "sha256:00".into(),
    )
    .unwrap();
    assert_eq!(report.verdict, Verdict::Fail);
    let text = serde_json::to_string(&report).unwrap();
    let back: aigov_fairness::FairnessReport = serde_json::from_str(&text).unwrap();
    assert_eq!(back, report);
    let assessments = report.to_cyclonedx_fairness_assessments();
    let first = &assessments[0];
    assert_eq!(first["groupAtRisk"], "region=apac");
    assert!(
        first["harms"]
            .as_str()
            .unwrap()
            .contains("FalsePositiveRateRatio")
    );
    // The FPR of apac differs from the rest beyond chance, after Holm.
    let fpr = report.tests.iter().find(|t| t.rate == "fpr").unwrap();
    assert!(fpr.homogeneity.unwrap().2 < 1e-6);
    assert!(
        fpr.each_against_rest
            .iter()
            .all(|(_, _, adjusted)| *adjusted < 1e-6)
    );
}

#[test]
fn a_group_never_flagged_still_gets_an_interval() {
    // eu's benign rows are never flagged: FPR ratio 0, which 1,000 rows per group prove.
    let t = table(&[("eu", 1000, 0, 100, 80), ("apac", 1000, 80, 100, 80)]);
    let outcomes = judge(&t, &AuditConfig::default()).unwrap();
    assert_eq!(outcomes[0].value, Some(0.0));
    assert_eq!(outcomes[0].verdict, Verdict::Fail, "{:?}", outcomes[0]);
}

/// Rows of weight 0 are no evidence: a group whose benign rows are almost all weighted 0
/// lacks the rows its false-positive rate needs, however many rows it has.
#[test]
fn rows_of_weight_zero_do_not_count_toward_the_minimum_group() {
    let (mut truth, mut flagged, mut names, mut weights) = (vec![], vec![], vec![], vec![]);
    for (name, benign, weighted) in [("eu", 400usize, 400usize), ("apac", 40, 2)] {
        for i in 0..benign {
            truth.push(false);
            flagged.push(i % 10 == 0);
            names.push(name.to_string());
            weights.push(if i < weighted { 1.0 } else { 0.0 });
        }
        for _ in 0..40 {
            truth.push(true);
            flagged.push(true);
            names.push(name.to_string());
            weights.push(1.0);
        }
    }
    let t = group_counts(
        &truth,
        &flagged,
        &[SensitiveColumn {
            name: "region",
            values: &names,
        }],
        Some(&weights),
    )
    .unwrap();
    let outcomes = judge(&t, &AuditConfig::default()).unwrap();
    assert_eq!(
        outcomes[0].verdict,
        Verdict::InsufficientEvidence,
        "{:?}",
        outcomes[0]
    );
}
