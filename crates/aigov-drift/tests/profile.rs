//! Reference profiles: merging partitions gives the profile of the whole, JSON round trips
//! are lossless, and scoring against an exact profile equals scoring against the rows.

use std::collections::BTreeMap;

use aigov_drift::{
    ColumnSummary, ColumnType, DriftOptions, Mode, ProfileOptions, ReferenceProfile, Table,
    compare_profile, compare_tables, profile_types,
};
use proptest::prelude::*;

fn csv_of(rows: &[(Option<f64>, Option<String>)]) -> String {
    let mut out = String::from("x,label\n");
    for (x, l) in rows {
        let x = x.map(|v| v.to_string()).unwrap_or_else(|| "NA".into());
        let l = l.clone().unwrap_or_default();
        out.push_str(&format!("{x},{l}\n"));
    }
    out
}

fn table(text: &str) -> Table {
    Table::from_reader(text.as_bytes(), &BTreeMap::new(), "test").unwrap()
}

fn typed(text: &str) -> Table {
    let types: BTreeMap<String, ColumnType> = [
        ("x".to_string(), ColumnType::Numeric),
        ("label".to_string(), ColumnType::Categorical),
    ]
    .into();
    Table::from_reader(text.as_bytes(), &types, "test").unwrap()
}

/// Equal except for the moments, which are compared to a relative tolerance.
fn assert_same(merged: &ReferenceProfile, whole: &ReferenceProfile) {
    assert_eq!(merged.rows, whole.rows);
    for (a, b) in merged.columns.iter().zip(&whole.columns) {
        assert_eq!(a.name, b.name);
        assert_eq!(a.missing, b.missing);
        match (&a.summary, &b.summary) {
            (ColumnSummary::Numeric(x), ColumnSummary::Numeric(y)) => {
                assert_eq!(x.distribution, y.distribution);
                assert_eq!(x.bins, y.bins);
                assert_eq!(x.quantiles, y.quantiles);
                assert_eq!((x.count, x.min, x.max), (y.count, y.min, y.max));
                let close = |p: f64, q: f64| (p - q).abs() <= 1e-9 * (1.0 + p.abs().max(q.abs()));
                assert_eq!(x.moments.n, y.moments.n);
                assert!(close(x.moments.mean, y.moments.mean));
                assert!(
                    close(x.moments.m2, y.moments.m2),
                    "{:?} {:?}",
                    x.moments,
                    y.moments
                );
                assert!(
                    close(x.moments.m3, y.moments.m3)
                        || (x.moments.m3 - y.moments.m3).abs()
                            < 1e-6 * x.moments.m2.powf(1.5).max(1.0)
                );
                assert!(close(x.moments.m4, y.moments.m4));
            }
            (x, y) => assert_eq!(x, y),
        }
    }
}

fn rows_strategy() -> impl Strategy<Value = Vec<(Option<f64>, Option<String>)>> {
    let value = prop_oneof![
        4 => (-50i32..50).prop_map(|v| Some(f64::from(v) / 4.0)),
        3 => (-1e6f64..1e6).prop_map(Some),
        1 => Just(None),
    ];
    let label = prop_oneof![
        4 => "[abc]".prop_map(Some),
        1 => Just(None),
    ];
    proptest::collection::vec((value, label), 2..300)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn merged_partitions_equal_the_profile_of_the_whole(
        rows in rows_strategy(),
        split in 0.0f64..1.0,
        max_distinct in prop_oneof![Just(100_000usize), 3usize..40],
    ) {
        let at = ((rows.len() as f64 * split) as usize).clamp(1, rows.len() - 1);
        let options = ProfileOptions { max_distinct, quantile_bins: 10 };
        let whole = ReferenceProfile::fit(&typed(&csv_of(&rows)), &options);
        let left = ReferenceProfile::fit(&typed(&csv_of(&rows[..at])), &options);
        let right = ReferenceProfile::fit(&typed(&csv_of(&rows[at..])), &options);
        assert_same(&left.merge(&right).unwrap(), &whole);
        assert_same(&right.merge(&left).unwrap(), &whole);
    }

    #[test]
    fn profiles_round_trip_through_json(rows in rows_strategy()) {
        let profile = ReferenceProfile::fit(&typed(&csv_of(&rows)), &ProfileOptions::default());
        let back = ReferenceProfile::from_json(&profile.to_json()).unwrap();
        prop_assert_eq!(back, profile);
    }
}

#[test]
fn scoring_an_exact_profile_equals_scoring_the_rows() {
    let reference: Vec<(Option<f64>, Option<String>)> = (0..400)
        .map(|i| {
            (
                Some(f64::from(i % 97) * 1.5),
                Some(["a", "b", "c"][i as usize % 3].to_string()),
            )
        })
        .collect();
    let current: Vec<(Option<f64>, Option<String>)> = (0..300)
        .map(|i| {
            (
                Some(f64::from(i % 89) * 1.7),
                Some(["a", "b", "d"][i as usize % 3].to_string()),
            )
        })
        .collect();
    let (r, c) = (csv_of(&reference), csv_of(&current));
    let profile = ReferenceProfile::fit(&table(&r), &ProfileOptions::default());
    for mode in [Mode::Default, Mode::Evidently] {
        for method in [
            None,
            Some(aigov_drift::Method::Psi),
            Some(aigov_drift::Method::Jensenshannon),
        ] {
            let options = DriftOptions {
                mode,
                method,
                ..DriftOptions::default()
            };
            let from_rows = compare_tables(table(&r), table(&c), None, &options).unwrap();
            let types = profile_types(&profile);
            let current = Table::from_reader(c.as_bytes(), &types, "current").unwrap();
            let from_profile = compare_profile(&profile, current, None, &options).unwrap();
            assert_eq!(from_rows, from_profile, "{mode:?} {method:?}");
        }
    }
}

#[test]
fn new_categories_are_counted_not_fatal() {
    let r = "label\na\nb\na\nb\n".to_string() + &"a\nb\n".repeat(50);
    let c = "label\na\nb\nz\n".to_string() + &"a\nb\nz\n".repeat(40);
    let options = DriftOptions::default();
    let report = compare_tables(table(&r), table(&c), None, &options).unwrap();
    let col = &report.columns[0];
    assert_eq!(col.new_categories.get("z"), Some(&41));
    let p = col.p_value.unwrap();
    assert!(p > 0.0 && p < 1e-6, "homogeneity p {p}");
    assert!(col.drifted);
    let v = col.effect_size.as_ref().unwrap();
    assert_eq!(v.name, "cramers_v");
    assert!(v.value > 0.3 && v.value <= 1.0);
    // Evidently's chi-square gives p = 0 for the same data.
    let ev = DriftOptions {
        mode: Mode::Evidently,
        ..DriftOptions::default()
    };
    let report = compare_tables(table(&r), table(&c), None, &ev).unwrap();
    assert_eq!(report.columns[0].p_value, Some(0.0));
}

#[test]
fn hostile_profiles_are_refused_not_expanded() {
    let text = csv_of(&[(Some(1.0), Some("a".into())), (Some(2.0), Some("b".into()))]);
    let good = ReferenceProfile::fit(&typed(&text), &ProfileOptions::default());
    let json: serde_json::Value = serde_json::from_str(&good.to_json()).unwrap();
    let edits: [(&str, serde_json::Value); 5] = [
        (
            "/columns/0/summary/distribution/counts",
            serde_json::json!([100000000000000000u64, 1]),
        ),
        (
            "/columns/0/summary/distribution/mantissa_bits",
            serde_json::json!(60),
        ),
        (
            "/columns/0/summary/distribution/values",
            serde_json::json!([2.0, 1.0]),
        ),
        ("/columns/0/summary/bins/edges", serde_json::json!([])),
        ("/options/quantile_bins", serde_json::json!(0)),
    ];
    for (path, value) in edits {
        let mut bad = json.clone();
        *bad.pointer_mut(path).unwrap() = value;
        let err = ReferenceProfile::from_json(&bad.to_string()).unwrap_err();
        assert!(
            matches!(err, aigov_drift::DriftError::Profile(_)),
            "{path}: {err}"
        );
    }
}

#[test]
fn nan_or_out_of_range_levels_are_refused() {
    let r = table(&csv_of(&[(Some(1.0), None), (Some(2.0), None)]));
    let c = table(&csv_of(&[(Some(1.0), None), (Some(3.0), None)]));
    for options in [
        DriftOptions {
            threshold: Some(f64::NAN),
            ..DriftOptions::default()
        },
        DriftOptions {
            threshold: Some(-0.1),
            ..DriftOptions::default()
        },
        DriftOptions {
            alpha: 1.5,
            ..DriftOptions::default()
        },
        DriftOptions {
            drift_share: f64::NAN,
            ..DriftOptions::default()
        },
        DriftOptions {
            method: Some(aigov_drift::Method::Ks),
            threshold: Some(2.0),
            ..DriftOptions::default()
        },
    ] {
        assert!(compare_tables(r.clone(), c.clone(), Some(&["x".to_string()]), &options).is_err());
    }
}

#[test]
fn overflowing_ranges_fail_closed() {
    // More than 20 distinct reference values, so Evidently bins by Sturges over the range.
    let values = |shift: i32| -> String {
        let body: Vec<String> = (0..30).map(|i| (i + shift).to_string()).collect();
        format!("x\n-1e308\n1e308\n{}\n", body.join("\n"))
    };
    let (r, c) = (table(&values(0)), table(&values(5)));
    let ev = DriftOptions {
        mode: Mode::Evidently,
        method: Some(aigov_drift::Method::Psi),
        ..DriftOptions::default()
    };
    assert!(compare_tables(r.clone(), c.clone(), None, &ev).is_err());
    let default = DriftOptions {
        method: Some(aigov_drift::Method::Wasserstein),
        ..DriftOptions::default()
    };
    let report = compare_tables(r, c, None, &default).unwrap();
    assert!(report.columns[0].drifted, "{report:?}");
    assert!(
        report.warnings.iter().any(|w| w.contains("NaN")),
        "{report:?}"
    );
}
