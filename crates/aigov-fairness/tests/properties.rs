//! Invariants: rates in [0, 1], ratios at most 1, differences not negative, row order
//! irrelevant, every cell of the product listed.

use aigov_fairness::{
    Aggregate, Disparities, Disparity, DisparityMethod, RateTable, SensitiveColumn, group_counts,
};
use proptest::prelude::*;

fn rows() -> impl Strategy<Value = Vec<(bool, bool, u8, u8, u8)>> {
    proptest::collection::vec(
        (any::<bool>(), any::<bool>(), 0u8..3, 0u8..2, 1u8..5),
        1..200,
    )
}

fn audit(
    rows: &[(bool, bool, u8, u8, u8)],
    method: DisparityMethod,
) -> (RateTable, Disparities, usize) {
    let truth: Vec<bool> = rows.iter().map(|r| r.0).collect();
    let flagged: Vec<bool> = rows.iter().map(|r| r.1).collect();
    let a: Vec<String> = rows.iter().map(|r| format!("a{}", r.2)).collect();
    let b: Vec<String> = rows.iter().map(|r| format!("b{}", r.3)).collect();
    let w: Vec<f64> = rows.iter().map(|r| f64::from(r.4) / 2.0).collect();
    let table = group_counts(
        &truth,
        &flagged,
        &[
            SensitiveColumn {
                name: "a",
                values: &a,
            },
            SensitiveColumn {
                name: "b",
                values: &b,
            },
        ],
        Some(&w),
    )
    .unwrap();
    let rates = RateTable::new(&table, 1);
    let d = Disparities::new(&rates, method, Aggregate::WorstCase);
    (rates, d, table.groups.len())
}

fn all(d: &Disparities) -> [(&'static str, &Disparity); 8] {
    [
        ("dp_diff", &d.demographic_parity_difference),
        ("dp_ratio", &d.demographic_parity_ratio),
        ("eo_diff", &d.equalized_odds_difference),
        ("eo_ratio", &d.equalized_odds_ratio),
        ("eop_diff", &d.equal_opportunity_difference),
        ("eop_ratio", &d.equal_opportunity_ratio),
        ("fpr_diff", &d.false_positive_rate_difference),
        ("fpr_ratio", &d.false_positive_rate_ratio),
    ]
}

proptest! {
    #[test]
    fn figures_stay_in_range_and_ignore_row_order(
        rows in rows(),
        seed in any::<u64>(),
        to_overall in any::<bool>(),
    ) {
        let method = if to_overall { DisparityMethod::ToOverall } else { DisparityMethod::BetweenGroups };
        let (rates, d, cells) = audit(&rows, method);
        let distinct = |f: fn(&(bool, bool, u8, u8, u8)) -> u8| {
            let mut v: Vec<u8> = rows.iter().map(f).collect();
            v.sort();
            v.dedup();
            v.len()
        };
        prop_assert_eq!(cells, distinct(|r| r.2) * distinct(|r| r.3));
        for (_, r) in &rates.groups {
            for kind in [r.selection_rate, r.tpr, r.fpr, r.fnr, r.tnr, r.precision, r.accuracy] {
                if let Some(v) = kind.value() {
                    prop_assert!((0.0..=1.0).contains(&v));
                }
            }
        }
        for (name, x) in all(&d) {
            if let Some(v) = x.value() {
                prop_assert!(v >= 0.0, "{name} {v}");
                if name.ends_with("ratio") {
                    prop_assert!(v <= 1.0 + 1e-12, "{name} {v}");
                }
            }
        }
        // A seeded shuffle changes nothing.
        let mut shuffled = rows.clone();
        let mut x = seed | 1;
        for i in (1..shuffled.len()).rev() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            shuffled.swap(i, (x % (i as u64 + 1)) as usize);
        }
        let (_, again, _) = audit(&shuffled, method);
        for ((name, a), (_, b)) in all(&d).iter().zip(all(&again).iter()) {
            match (a.value(), b.value()) {
                (Some(p), Some(q)) => prop_assert!((p - q).abs() <= 1e-12, "{name}"),
                (p, q) => prop_assert_eq!(p, q, "{}", name),
            }
        }
    }
}

#[test]
fn empty_cells_are_listed_and_undefined_rates_are_not_zero() {
    let truth = [false, false, true];
    let flagged = [true, false, true];
    let a: Vec<String> = ["x", "y", "y"].map(String::from).to_vec();
    let b: Vec<String> = ["p", "p", "q"].map(String::from).to_vec();
    let table = group_counts(
        &truth,
        &flagged,
        &[
            SensitiveColumn {
                name: "a",
                values: &a,
            },
            SensitiveColumn {
                name: "b",
                values: &b,
            },
        ],
        None,
    )
    .unwrap();
    assert_eq!(table.groups.len(), 4);
    let empty: Vec<_> = table.groups.iter().filter(|g| g.is_empty()).collect();
    assert_eq!(empty.len(), 1);
    assert_eq!(empty[0].group["a"], "x");
    assert_eq!(empty[0].group["b"], "q");
    let rates = RateTable::new(&table, 1);
    // Group (x, p) has no malicious rows: its TPR is missing evidence, so is the disparity.
    let d = Disparities::new(&rates, DisparityMethod::BetweenGroups, Aggregate::WorstCase);
    assert!(matches!(
        d.equal_opportunity_difference,
        Disparity::InsufficientEvidence { .. }
    ));
    assert!(d.demographic_parity_difference.value().is_some());
}
