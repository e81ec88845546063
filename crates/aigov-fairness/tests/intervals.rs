//! Intervals and tests against statsmodels 0.15 and scipy 1.17 values, and the Wilson
//! interval's coverage by simulation.

use aigov_fairness::{
    benjamini_hochberg, chi2_homogeneity, fisher_exact, holm, katz, newcombe, wilson, z_for,
};

fn close(a: f64, b: f64) {
    assert!((a - b).abs() <= 1e-12 * b.abs().max(1.0), "{a} vs {b}");
}

#[test]
fn intervals_match_statsmodels() {
    let z = z_for(0.95).unwrap();
    // proportion_confint(7, 50, method='wilson')
    let w = wilson(7.0 / 50.0, 50.0, z).unwrap();
    close(w.lower, 0.06950833427016288);
    close(w.upper, 0.26186193710585537);
    // confint_proportions_2indep(56, 70, 48, 80, compare='diff', method='newcomb'); the
    // worked example of Newcombe (1998): 0.0524 to 0.3339.
    let (p1, p2) = (56.0 / 70.0, 48.0 / 80.0);
    let d = newcombe(
        p1,
        wilson(p1, 70.0, z).unwrap(),
        p2,
        wilson(p2, 80.0, z).unwrap(),
    );
    close(d.lower, 0.05243147240236498);
    close(d.upper, 0.33387265403690614);
    // confint_proportions_2indep(15, 100, 30, 120, compare='ratio', method='log')
    let r = katz(15.0, 100.0, 30.0, 120.0, z).unwrap();
    close(r.lower, 0.3426889872020125);
    close(r.upper, 1.050515229390149);
    // A zero count gets half an event: the interval exists and stays near zero.
    let zero = katz(0.0, 1000.0, 167.0, 1000.0, z).unwrap();
    assert!(zero.lower > 0.0 && zero.upper < 0.05, "{zero:?}");
    assert!(katz(1.0, 0.0, 3.0, 10.0, z).is_none());
}

#[test]
fn tests_match_scipy() {
    // scipy.stats.fisher_exact(...).pvalue
    close(fisher_exact(8, 2, 1, 5), 0.034965034965034975);
    close(fisher_exact(3, 40, 12, 35), 0.02356990348521564);
    assert!((fisher_exact(0, 10, 10, 0) - 1.082508822446903e-05).abs() < 1e-15);
    // chi2_contingency([[12,88],[30,70],[20,80]], correction=False)
    let (s, dof, p) = chi2_homogeneity(&[(12.0, 88.0), (30.0, 70.0), (20.0, 80.0)]).unwrap();
    close(s, 9.921387910002712);
    assert_eq!(dof, 2);
    close(p, 0.007008062864471564);
    // statsmodels multipletests(p, method='holm' / 'fdr_bh')
    let p = [0.01, 0.04, 0.03, 0.2];
    for (a, b) in holm(&p).iter().zip([0.04, 0.09, 0.09, 0.2]) {
        close(*a, b);
    }
    for (a, b) in
        benjamini_hochberg(&p)
            .iter()
            .zip([0.04, 0.05333333333333334, 0.05333333333333334, 0.2])
    {
        close(*a, b);
    }
}

#[test]
fn wilson_covers_the_true_rate_93_to_97_percent_at_n_50() {
    let z = z_for(0.95).unwrap();
    let mut state = 0x9e3779b97f4a7c15u64;
    let mut uniform = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    for true_rate in [0.1, 0.3, 0.5] {
        let mut covered = 0;
        for _ in 0..2000 {
            let events = (0..50).filter(|_| uniform() < true_rate).count();
            let w = wilson(events as f64 / 50.0, 50.0, z).unwrap();
            if w.lower <= true_rate && true_rate <= w.upper {
                covered += 1;
            }
        }
        let share = f64::from(covered) / 2000.0;
        assert!(
            (0.93..=0.97).contains(&share),
            "rate {true_rate}: coverage {share}"
        );
    }
}

#[test]
fn fisher_walk_equals_the_full_sum_on_small_tables() {
    use statrs::function::gamma::ln_gamma;
    let ln_choose = |n: u64, k: u64| {
        ln_gamma(n as f64 + 1.0) - ln_gamma(k as f64 + 1.0) - ln_gamma((n - k) as f64 + 1.0)
    };
    for a in 0..8u64 {
        for b in 0..8u64 {
            for c in 0..8u64 {
                for d in [0u64, 3, 9] {
                    let (r1, c1, n) = (a + b, a + c, a + b + c + d);
                    if r1 == 0 || c1 == 0 || r1 == n || c1 == n {
                        continue;
                    }
                    let pmf =
                        |x: u64| ln_choose(r1, x) + ln_choose(n - r1, c1 - x) - ln_choose(n, c1);
                    let limit = pmf(a) + (1.0f64 + 1e-7).ln();
                    let full: f64 = (c1.saturating_sub(n - r1)..=c1.min(r1))
                        .map(pmf)
                        .filter(|l| *l <= limit)
                        .map(f64::exp)
                        .sum();
                    let ours = fisher_exact(a, b, c, d);
                    assert!(
                        (ours - full.min(1.0)).abs() < 1e-12,
                        "{a} {b} {c} {d}: {ours} vs {full}"
                    );
                }
            }
        }
    }
}
