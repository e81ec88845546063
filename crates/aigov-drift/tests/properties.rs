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
