//! Agreement with scipy 1.17 on the fixtures written by tests/oracles/drift_scipy_fixtures.py.

use std::path::Path;

use aigov_drift::{
    KsMethod, MannWhitneyMethod, PValueClamp, anderson_ksamp, chi2_homogeneity,
    chisquare_evidently, hellinger, jensenshannon, kl_divergence, ks_2samp, ks_asymp_pvalue,
    ks_exact_pvalue, ks_statistic, kstwo_sf, mann_whitney_u, two_proportion_z, wasserstein,
    wasserstein_normed, welch_t_test,
};
use serde_json::Value;

fn fixture() -> Value {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/drift/scipy_stats.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Compares with a fixture value; `null` is matched against the case's `nonfinite` record.
fn agree(case: &Value, path: &str, expected: &Value, actual: f64, relative: f64) {
    let name = case["name"].as_str().unwrap();
    match expected.as_f64() {
        Some(e) => {
            let tolerance = relative * e.abs().max(1e-3);
            assert!(
                (actual - e).abs() <= tolerance.max(1e-12),
                "{name} {path}: {actual} vs scipy {e}"
            );
        }
        None => {
            let kind = case["nonfinite"][path].as_str().unwrap_or("missing");
            let ok = match kind {
                "nan" => actual.is_nan(),
                "inf" => actual == f64::INFINITY,
                "-inf" => actual == f64::NEG_INFINITY,
                other => panic!(
                    "{name} {path}: null in the fixture without a nonfinite record ({other})"
                ),
            };
            assert!(ok, "{name} {path}: {actual} vs scipy {kind}");
        }
    }
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn counts(v: &Value) -> Vec<u64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap())
        .collect()
}

#[test]
fn wasserstein_matches_scipy_and_evidently() {
    let fixture = fixture();
    let mut checked = 0;
    for case in fixture["numeric"].as_array().unwrap() {
        let (r, c) = (floats(&case["reference"]), floats(&case["current"]));
        agree(
            case,
            "wasserstein",
            &case["wasserstein"],
            wasserstein(&r, &c).unwrap(),
            1e-12,
        );
        agree(
            case,
            "wasserstein_normed",
            &case["wasserstein_normed"],
            wasserstein_normed(&r, &c).unwrap(),
            1e-12,
        );
        checked += 1;
    }
    assert!(checked >= 40, "{checked} cases");
}

#[test]
fn ks_statistic_and_exact_pvalue_match_scipy() {
    let fixture = fixture();
    let (mut statistics, mut exact) = (0, 0);
    for case in fixture["numeric"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let (r, c) = (floats(&case["reference"]), floats(&case["current"]));
        let ks = &case["ks"];
        let stat = ks_statistic(&r, &c).unwrap();
        assert_eq!(
            stat.statistic,
            ks["statistic_asymp"].as_f64().unwrap(),
            "{name}: D"
        );
        assert_eq!(
            stat.location,
            ks["statistic_location"].as_f64().unwrap(),
            "{name}: location"
        );
        assert_eq!(
            i64::from(stat.sign),
            ks["statistic_sign"].as_i64().unwrap(),
            "{name}: sign"
        );
        statistics += 1;
        match (ks_exact_pvalue(&stat), ks["pvalue_exact"].is_null()) {
            (Some((d, p)), false) => {
                agree(case, "ks.pvalue_exact", &ks["pvalue_exact"], p, 1e-9);
                assert_eq!(
                    d,
                    ks["statistic_exact"].as_f64().unwrap(),
                    "{name}: rounded D"
                );
                exact += 1;
            }
            (None, true) => {}
            (ours, _) => panic!("{name}: exact p {ours:?} vs scipy {}", ks["pvalue_exact"]),
        }
        agree(
            case,
            "ks.pvalue_asymp",
            &ks["pvalue_asymp"],
            ks_asymp_pvalue(&stat),
            1e-9,
        );
        let auto = ks_2samp(&r, &c).unwrap();
        agree(
            case,
            "ks.pvalue_auto",
            &ks["pvalue_auto"],
            auto.p_value,
            1e-9,
        );
        assert_eq!(
            auto.statistic.statistic,
            ks["statistic"].as_f64().unwrap(),
            "{name}: auto D"
        );
        let method = match auto.method {
            KsMethod::Exact => "exact",
            KsMethod::Asymptotic => "asymp",
        };
        assert_eq!(
            method,
            ks["auto_method"].as_str().unwrap(),
            "{name}: method"
        );
    }
    eprintln!("{statistics} statistics, {exact} exact p-values agree with scipy");
    assert!(
        statistics >= 40 && exact >= 30,
        "{statistics} statistics, {exact} exact p-values"
    );
}

#[test]
fn categorical_statistics_match_scipy() {
    let fixture = fixture();
    let mut checked = 0;
    for case in fixture["categorical"].as_array().unwrap() {
        let (r, c) = (
            counts(&case["reference_counts"]),
            counts(&case["current_counts"]),
        );
        let chi = chisquare_evidently(&r, &c).unwrap();
        agree(
            case,
            "chisquare.statistic",
            &case["chisquare"]["statistic"],
            chi.statistic,
            1e-12,
        );
        agree(
            case,
            "chisquare.pvalue",
            &case["chisquare"]["pvalue"],
            chi.pvalue,
            1e-9,
        );
        assert_eq!(chi.dof as u64, case["chisquare"]["dof"].as_u64().unwrap());
        agree(
            case,
            "jensenshannon.natural",
            &case["jensenshannon"]["natural"],
            jensenshannon(&r, &c, None).unwrap(),
            1e-12,
        );
        agree(
            case,
            "jensenshannon.base2",
            &case["jensenshannon"]["base2"],
            jensenshannon(&r, &c, Some(2.0)).unwrap(),
            1e-12,
        );
        agree(
            case,
            "kl_entropy",
            &case["kl_entropy"],
            kl_divergence(&r, &c).unwrap(),
            1e-12,
        );
        agree(
            case,
            "hellinger.sqrt_half_sum_sq",
            &case["hellinger"]["sqrt_half_sum_sq"],
            hellinger(&r, &c).unwrap(),
            1e-12,
        );
        if case["z_test"].is_object() {
            let z = two_proportion_z(&r, &c).unwrap();
            agree(case, "z_test.z", &case["z_test"]["z"], z.z, 1e-12);
            agree(
                case,
                "z_test.pvalue_2sf",
                &case["z_test"]["pvalue_2sf"],
                z.pvalue,
                1e-9,
            );
        }
        checked += 1;
    }
    assert!(checked >= 15, "{checked} cases");
}

#[test]
fn bad_input_is_a_typed_error() {
    assert!(wasserstein(&[], &[1.0]).is_err());
    assert!(wasserstein(&[f64::NAN], &[1.0]).is_err());
    // An infinity is refused (it once made the KS merge loop for ever).
    for bad in [f64::INFINITY, f64::NEG_INFINITY, f64::NAN] {
        assert!(aigov_drift::ks_2samp(&[1.0, bad], &[1.0, 2.0]).is_err());
        assert!(aigov_drift::ks_2samp(&[1.0, 2.0], &[bad]).is_err());
    }
    assert!(chisquare_evidently(&[1, 2], &[1]).is_err());
    assert!(jensenshannon(&[0, 0], &[1, 2], None).is_err());
    assert!(two_proportion_z(&[1, 2, 3], &[1, 2, 3]).is_err());
}

#[test]
fn kstwo_survival_function_matches_scipy_on_every_branch() {
    let fixture = fixture();
    let mut branches = std::collections::BTreeSet::new();
    let mut worst = 0.0f64;
    for row in fixture["kstwo_sf"].as_array().unwrap() {
        let (n, d) = (row["n"].as_u64().unwrap(), row["d"].as_f64().unwrap());
        let expected = row["sf"].as_f64().unwrap();
        let ours = kstwo_sf(n, d);
        let branch = row["branch"].as_str().unwrap();
        let tolerance = (1e-9 * expected.abs()).max(1e-12);
        assert!(
            (ours - expected).abs() <= tolerance,
            "kstwo.sf({d}, {n}) [{branch}]: {ours} vs scipy {expected}"
        );
        if expected > 0.0 {
            worst = worst.max((ours - expected).abs() / expected);
        }
        branches.insert(branch.to_string());
    }
    eprintln!("kstwo.sf: worst relative difference from scipy {worst:e}");
    assert!(branches.len() >= 12, "branches covered: {branches:?}");
}

#[test]
fn anderson_t_and_mann_whitney_match_scipy() {
    let fixture = fixture();
    let (mut ad, mut t, mut mw) = (0, 0, 0);
    for case in fixture["numeric"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let (r, c) = (floats(&case["reference"]), floats(&case["current"]));

        let expected = &case["anderson_ksamp"];
        match anderson_ksamp(&[&r, &c]) {
            Ok(res) => {
                agree(
                    case,
                    "anderson_ksamp.statistic",
                    &expected["statistic"],
                    res.statistic,
                    1e-9,
                );
                agree(
                    case,
                    "anderson_ksamp.pvalue",
                    &expected["pvalue"],
                    res.p_value,
                    1e-9,
                );
                let clamp = match res.clamp {
                    PValueClamp::Interpolated => None,
                    PValueClamp::CappedAt025 => Some("capped_at_0.25"),
                    PValueClamp::FlooredAt0001 => Some("floored_at_0.001"),
                };
                assert_eq!(clamp, expected["pvalue_clamp"].as_str(), "{name}: AD clamp");
                ad += 1;
            }
            Err(e) => assert!(
                expected["error"].is_string(),
                "{name}: AD refused ({e}) where scipy gave {expected}"
            ),
        }

        let expected = &case["ttest_ind"];
        let res = welch_t_test(&r, &c).unwrap();
        agree(
            case,
            "ttest_ind.statistic",
            &expected["statistic"],
            res.statistic,
            1e-9,
        );
        agree(
            case,
            "ttest_ind.pvalue",
            &expected["pvalue"],
            res.p_value,
            1e-9,
        );
        agree(case, "ttest_ind.df", &expected["df"], res.df, 1e-9);
        t += 1;

        let expected = &case["mannwhitneyu"];
        let res = mann_whitney_u(&r, &c).unwrap();
        agree(
            case,
            "mannwhitneyu.statistic",
            &expected["statistic"],
            res.statistic,
            1e-12,
        );
        agree(
            case,
            "mannwhitneyu.pvalue_auto",
            &expected["pvalue_auto"],
            res.p_value,
            1e-9,
        );
        let method = match res.method {
            MannWhitneyMethod::Exact => "exact",
            MannWhitneyMethod::Asymptotic => "asymptotic",
        };
        assert_eq!(
            method,
            expected["auto_method"].as_str().unwrap(),
            "{name}: MW method"
        );
        mw += 1;
    }
    eprintln!("{ad} Anderson-Darling, {t} Welch t, {mw} Mann-Whitney results agree with scipy");
    assert!(ad >= 40 && t >= 45 && mw >= 45);
}

#[test]
fn chi_square_homogeneity_matches_chi2_contingency() {
    let fixture = fixture();
    let mut checked = 0;
    for case in fixture["categorical"].as_array().unwrap() {
        let (r, c) = (
            counts(&case["reference_counts"]),
            counts(&case["current_counts"]),
        );
        for (key, yates) in [("yates", true), ("no_yates", false)] {
            let expected = &case["chi2_contingency"][key];
            if expected["statistic"].is_null() {
                continue;
            }
            let ours = chi2_homogeneity(&r, &c, yates).unwrap();
            agree(
                case,
                "chi2_contingency.statistic",
                &expected["statistic"],
                ours.statistic,
                1e-9,
            );
            agree(
                case,
                "chi2_contingency.pvalue",
                &expected["pvalue"],
                ours.pvalue,
                1e-9,
            );
            assert_eq!(ours.dof as u64, expected["dof"].as_u64().unwrap());
            checked += 1;
        }
    }
    assert!(checked >= 20, "{checked}");
}
