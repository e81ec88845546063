//! Agreement of the streaming detectors with river 0.26.1 (and CPython's `random.sample`) on
//! the fixture written by tests/oracles/drift_river_fixtures.py, plus CUSUM checked by hand.

use std::path::Path;
use std::sync::OnceLock;

use aigov_drift::DriftError;
use aigov_drift::stream::{
    Adwin, AdwinParams, Cusum, CusumParams, DriftDetector, Kswin, KswinParams, PageHinkley,
    PageHinkleyMode, PageHinkleyParams, PythonRandom,
};
use proptest::prelude::*;
use serde_json::Value;

fn fixture() -> &'static Value {
    static FIXTURE: OnceLock<Value> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../tests/fixtures/drift/river_detectors.json");
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    })
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap()
}

fn stream(name: &str) -> Vec<f64> {
    floats(&fixture()["streams"][name]["values"])
}

/// `actual` within `relative` of `expected` (absolutely, for values near 0).
fn close(what: &str, actual: f64, expected: f64, relative: f64) {
    let tolerance = relative * expected.abs().max(1e-300);
    assert!(
        actual == expected || (actual - expected).abs() <= tolerance,
        "{what}: {actual} vs river {expected}"
    );
}

fn build(detector: &str, params: &Value) -> Box<dyn DriftDetector> {
    match detector {
        "ADWIN" => Box::new(adwin(params)),
        "PageHinkley" => Box::new(page_hinkley(params)),
        "KSWIN" => Box::new(kswin(params)),
        other => panic!("unknown detector {other}"),
    }
}

fn page_hinkley(params: &Value) -> PageHinkley {
    PageHinkley::new(PageHinkleyParams {
        min_instances: params["min_instances"].as_u64().unwrap(),
        delta: num(&params["delta"]),
        threshold: num(&params["threshold"]),
        alpha: num(&params["alpha"]),
        mode: match params["mode"].as_str().unwrap() {
            "up" => PageHinkleyMode::Up,
            "down" => PageHinkleyMode::Down,
            "both" => PageHinkleyMode::Both,
            other => panic!("unknown mode {other}"),
        },
    })
    .unwrap()
}

fn kswin(params: &Value) -> Kswin {
    assert!(params["window"].is_null());
    Kswin::new(KswinParams {
        alpha: num(&params["alpha"]),
        window_size: params["window_size"].as_u64().unwrap().try_into().unwrap(),
        stat_size: params["stat_size"].as_u64().unwrap().try_into().unwrap(),
        seed: params["seed"].as_u64().unwrap(),
    })
    .unwrap()
}

fn adwin(params: &Value) -> Adwin {
    Adwin::new(AdwinParams {
        delta: num(&params["delta"]),
        clock: params["clock"].as_u64().unwrap().try_into().unwrap(),
        max_buckets: params["max_buckets"].as_u64().unwrap().try_into().unwrap(),
        min_window_length: params["min_window_length"]
            .as_u64()
            .unwrap()
            .try_into()
            .unwrap(),
        grace_period: params["grace_period"].as_u64().unwrap().try_into().unwrap(),
    })
    .unwrap()
}

fn runs(detector: &str) -> Vec<&'static Value> {
    fixture()["runs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["detector"] == detector)
        .collect()
}

fn label(run: &Value) -> String {
    format!(
        "{} {} {}",
        run["detector"].as_str().unwrap(),
        run["param_set"].as_str().unwrap(),
        run["stream"].as_str().unwrap()
    )
}

fn expected_detections(run: &Value) -> Vec<usize> {
    run["detections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_u64().unwrap() as usize)
        .collect()
}

/// Feeds the run's stream; returns the detection indices, calling `at` after each one.
fn feed<D: DriftDetector>(
    detector: &mut D,
    values: &[f64],
    mut at: impl FnMut(&D, usize),
) -> Vec<usize> {
    let mut detections = Vec::new();
    for (i, &x) in values.iter().enumerate() {
        let fired = detector.update(x);
        assert_eq!(fired, detector.drift_detected());
        if fired {
            at(detector, detections.len());
            detections.push(i);
        }
    }
    detections
}

#[test]
fn all_156_runs_detect_where_river_does() {
    let all = fixture()["runs"].as_array().unwrap();
    assert_eq!(all.len(), 156);
    let mut matched = 0;
    for run in all {
        let mut detector = build(run["detector"].as_str().unwrap(), &run["params"]);
        let got = feed(
            &mut detector,
            &stream(run["stream"].as_str().unwrap()),
            |_, _| {},
        );
        assert_eq!(got, expected_detections(run), "{}", label(run));
        assert_eq!(got.len() as u64, run["n_detected"].as_u64().unwrap());
        matched += 1;
    }
    assert_eq!(matched, 156);
}

#[test]
fn adwin_state_matches_river() {
    let runs = runs("ADWIN");
    assert_eq!(runs.len(), 52);
    for run in runs {
        let name = label(run);
        let mut detector = adwin(&run["params"]);
        let at = run["at_detection"].as_array().unwrap();
        let got = feed(
            &mut detector,
            &stream(run["stream"].as_str().unwrap()),
            |d, j| {
                let row = floats(&at[j]);
                assert_eq!(d.width(), row[0], "{name} width at detection {j}");
                close(&format!("{name} total at {j}"), d.total(), row[1], 1e-9);
                close(
                    &format!("{name} variance at {j}"),
                    d.variance(),
                    row[2],
                    1e-9,
                );
            },
        );
        assert_eq!(got, expected_detections(run), "{name}");
        let fin = &run["final"];
        assert_eq!(detector.width(), num(&fin["width"]), "{name} width");
        assert_eq!(
            detector.n_detections(),
            fin["n_detections"].as_u64().unwrap()
        );
        close(
            &format!("{name} estimation"),
            detector.estimation(),
            num(&fin["estimation"]),
            1e-9,
        );
        close(
            &format!("{name} total"),
            detector.total(),
            num(&fin["total"]),
            1e-9,
        );
        close(
            &format!("{name} variance"),
            detector.variance(),
            num(&fin["variance"]),
            1e-9,
        );
    }
}

#[test]
fn page_hinkley_state_matches_river() {
    let runs = runs("PageHinkley");
    assert_eq!(runs.len(), 52);
    for run in runs {
        let name = label(run);
        let mut detector = page_hinkley(&run["params"]);
        let at = run["at_detection"].as_array().unwrap();
        let got = feed(
            &mut detector,
            &stream(run["stream"].as_str().unwrap()),
            |d, j| {
                let row = floats(&at[j]);
                close(
                    &format!("{name} test_increase at {j}"),
                    d.test_increase(),
                    row[0],
                    1e-9,
                );
                close(
                    &format!("{name} test_decrease at {j}"),
                    d.test_decrease(),
                    row[1],
                    1e-9,
                );
            },
        );
        assert_eq!(got, expected_detections(run), "{name}");
        let fin = &run["final"];
        assert_eq!(detector.n(), num(&fin["n"]), "{name} n");
        close(
            &format!("{name} mean"),
            detector.mean(),
            num(&fin["mean"]),
            1e-9,
        );
        for (what, actual) in [
            ("sum_increase", detector.sum_increase()),
            ("sum_decrease", detector.sum_decrease()),
            ("min_increase", detector.min_increase()),
            ("max_decrease", detector.max_decrease()),
        ] {
            close(&format!("{name} {what}"), actual, num(&fin[what]), 1e-9);
        }
    }
}

#[test]
fn kswin_state_matches_river() {
    let runs = runs("KSWIN");
    assert_eq!(runs.len(), 52);
    for run in runs {
        let name = label(run);
        let mut detector = kswin(&run["params"]);
        let at = run["at_detection"].as_array().unwrap();
        let got = feed(
            &mut detector,
            &stream(run["stream"].as_str().unwrap()),
            |d, j| {
                let row = floats(&at[j]);
                let test = d.last_test().unwrap();
                assert_eq!(test.statistic.statistic, row[0], "{name} statistic at {j}");
                close(&format!("{name} p at {j}"), d.p_value(), row[1], 1e-9);
            },
        );
        assert_eq!(got, expected_detections(run), "{name}");
        let fin = &run["final"];
        assert_eq!(detector.n(), fin["n"].as_u64().unwrap(), "{name} n");
        assert_eq!(
            detector.window_len() as u64,
            fin["window_len"].as_u64().unwrap(),
            "{name} window_len"
        );
        close(
            &format!("{name} p_value"),
            detector.p_value(),
            num(&fin["p_value"]),
            1e-9,
        );
    }
}

#[test]
fn per_update_traces_match_river() {
    let traces = fixture()["traces"].as_array().unwrap();
    assert_eq!(traces.len(), 12);
    for trace in traces {
        let kind = trace["detector"].as_str().unwrap();
        let set = trace["param_set"].as_str().unwrap();
        let params = &fixture()["param_sets"][kind][set];
        let values = stream(trace["stream"].as_str().unwrap());
        let rows = trace["rows"].as_array().unwrap();
        assert_eq!(rows.len(), values.len());
        let (mut a, mut p, mut k) = (adwin_or_default(kind, params), None, None);
        if kind == "PageHinkley" {
            p = Some(page_hinkley(params));
        }
        if kind == "KSWIN" {
            k = Some(kswin(params));
        }
        for (i, (&x, row)) in values.iter().zip(rows).enumerate() {
            let row = floats(row);
            let what = format!("{kind} {set} trace row {i}");
            match kind {
                "ADWIN" => {
                    a.update(x);
                    assert_eq!(a.width(), row[0], "{what} width");
                    close(&format!("{what} total"), a.total(), row[1], 1e-9);
                    close(&format!("{what} variance"), a.variance(), row[2], 1e-9);
                }
                "PageHinkley" => {
                    let d = p.as_mut().unwrap();
                    d.update(x);
                    close(&format!("{what} mean"), d.mean(), row[0], 1e-9);
                    close(
                        &format!("{what} sum_increase"),
                        d.sum_increase(),
                        row[1],
                        1e-9,
                    );
                    close(
                        &format!("{what} sum_decrease"),
                        d.sum_decrease(),
                        row[2],
                        1e-9,
                    );
                }
                _ => {
                    let d = k.as_mut().unwrap();
                    d.update(x);
                    close(&format!("{what} p_value"), d.p_value(), row[0], 1e-9);
                }
            }
        }
    }
}

fn adwin_or_default(kind: &str, params: &Value) -> Adwin {
    if kind == "ADWIN" {
        adwin(params)
    } else {
        Adwin::default()
    }
}

#[test]
fn python_random_matches_cpython() {
    let cases = fixture()["python_random_sample"].as_array().unwrap();
    assert_eq!(cases.len(), 11);
    let mut branches = std::collections::BTreeSet::new();
    for case in cases {
        let seed = &case["seed"];
        let seed = seed
            .as_i64()
            .map(i128::from)
            .or_else(|| seed.as_u64().map(i128::from))
            .unwrap();
        let mut fresh = PythonRandom::new(seed);
        let first: Vec<u64> = (0..8).map(|_| fresh.getrandbits(32)).collect();
        let expected: Vec<u64> = case["first_uint32"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .collect();
        assert_eq!(first, expected, "seed {seed}: first getrandbits(32)");

        let mut rng = PythonRandom::new(seed);
        for call in case["calls"].as_array().unwrap() {
            let n = call["n"].as_u64().unwrap();
            let k = call["k"].as_u64().unwrap() as usize;
            assert_eq!(
                PythonRandom::sample_setsize(k),
                call["setsize"].as_u64().unwrap()
            );
            let branch = call["branch"].as_str().unwrap();
            assert_eq!(n <= PythonRandom::sample_setsize(k), branch == "pool");
            branches.insert(branch);
            let expected: Vec<u64> = call["sample"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_u64().unwrap())
                .collect();
            let got = rng.sample_range(n, k).unwrap();
            assert_eq!(got, expected, "seed {seed}: sample(range({n}), {k})");
        }
    }
    assert_eq!(branches.len(), 2, "both branches of sample are covered");
}

#[test]
fn python_random_edge_cases() {
    // Negative seeds use |seed|; seed 0 is the key [0].
    assert_eq!(PythonRandom::new(-7), PythonRandom::new(7));
    assert_eq!(PythonRandom::new(0), PythonRandom::from_key(&[0]));
    assert_eq!(PythonRandom::new(1 << 32), PythonRandom::from_key(&[0, 1]));
    let mut rng = PythonRandom::new(5);
    assert!(matches!(
        rng.sample_range(3, 4),
        Err(DriftError::InvalidInput { .. })
    ));
    assert_eq!(rng.sample_range(0, 0).unwrap(), Vec::<u64>::new());
    assert_eq!(rng.randbelow(0), 0);
    assert_eq!(rng.getrandbits(0), 0);
    for _ in 0..100 {
        assert!(rng.randbelow(3) < 3);
    }
    let mut all = rng.sample_range(40, 40).unwrap();
    all.sort_unstable();
    assert_eq!(all, (0..40).collect::<Vec<_>>());
}

#[test]
fn invalid_parameters_are_typed_errors() {
    let bad_adwin = [
        AdwinParams {
            delta: 0.0,
            ..Default::default()
        },
        AdwinParams {
            delta: 1.0,
            ..Default::default()
        },
        AdwinParams {
            delta: f64::NAN,
            ..Default::default()
        },
        AdwinParams {
            clock: 0,
            ..Default::default()
        },
        AdwinParams {
            max_buckets: 1,
            ..Default::default()
        },
        AdwinParams {
            min_window_length: 0,
            ..Default::default()
        },
    ];
    for p in bad_adwin {
        assert!(
            matches!(Adwin::new(p), Err(DriftError::InvalidInput { .. })),
            "{p:?}"
        );
    }
    let bad_ph = [
        PageHinkleyParams {
            delta: -1.0,
            ..Default::default()
        },
        PageHinkleyParams {
            threshold: 0.0,
            ..Default::default()
        },
        PageHinkleyParams {
            alpha: 0.0,
            ..Default::default()
        },
        PageHinkleyParams {
            alpha: 1.5,
            ..Default::default()
        },
    ];
    for p in bad_ph {
        assert!(
            matches!(PageHinkley::new(p), Err(DriftError::InvalidInput { .. })),
            "{p:?}"
        );
    }
    let bad_kswin = [
        KswinParams {
            alpha: 0.0,
            ..Default::default()
        },
        KswinParams {
            alpha: 1.1,
            ..Default::default()
        },
        KswinParams {
            stat_size: 0,
            ..Default::default()
        },
        KswinParams {
            window_size: 30,
            ..Default::default()
        },
        KswinParams {
            window_size: 59,
            stat_size: 30,
            ..Default::default()
        },
    ];
    for p in bad_kswin {
        assert!(
            matches!(Kswin::new(p), Err(DriftError::InvalidInput { .. })),
            "{p:?}"
        );
    }
    assert!(
        Kswin::new(KswinParams {
            window_size: 60,
            stat_size: 30,
            ..Default::default()
        })
        .is_ok()
    );
    let bad_cusum = [
        CusumParams {
            k: -0.1,
            ..Default::default()
        },
        CusumParams {
            h: 0.0,
            ..Default::default()
        },
        CusumParams {
            sigma: Some(0.0),
            ..Default::default()
        },
        CusumParams {
            target: Some(f64::INFINITY),
            ..Default::default()
        },
        CusumParams {
            warmup: 1,
            ..Default::default()
        },
        CusumParams {
            target: None,
            sigma: Some(1.0),
            warmup: 0,
            ..Default::default()
        },
    ];
    for p in bad_cusum {
        assert!(
            matches!(Cusum::new(p), Err(DriftError::InvalidInput { .. })),
            "{p:?}"
        );
    }
    assert!(
        Cusum::new(CusumParams {
            target: Some(0.0),
            sigma: Some(1.0),
            warmup: 0,
            ..Default::default()
        })
        .is_ok()
    );
    // The defaults are river's.
    assert!(Adwin::new(AdwinParams::default()).is_ok());
    assert!(PageHinkley::new(PageHinkleyParams::default()).is_ok());
    assert_eq!(PageHinkleyParams::default().alpha, 1.0 - 0.0001);
}

#[test]
fn non_finite_values_are_ignored() {
    let mut detectors: Vec<Box<dyn DriftDetector>> = vec![
        Box::new(Adwin::default()),
        Box::new(PageHinkley::default()),
        Box::new(Kswin::default()),
        Box::new(Cusum::default()),
    ];
    let names: Vec<&str> = detectors.iter().map(|d| d.name()).collect();
    assert_eq!(names, ["ADWIN", "PageHinkley", "KSWIN", "CUSUM"]);
    for d in &mut detectors {
        let before = format!("{d:?}");
        for x in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert!(!d.update(x));
        }
        assert_eq!(format!("{d:?}"), before);
    }
    let mut a = Adwin::default();
    a.update(1.0);
    a.update(f64::NAN);
    assert_eq!(a.width(), 1.0);
    assert_eq!(a.estimation(), 1.0);
}

/// Known target 0 and σ 1, k = 0.5, h = 5, as Montgomery's tabular CUSUM.
fn textbook() -> Cusum {
    Cusum::new(CusumParams {
        target: Some(0.0),
        sigma: Some(1.0),
        warmup: 0,
        k: 0.5,
        h: 5.0,
    })
    .unwrap()
}

fn detections(d: &mut impl DriftDetector, values: &[f64]) -> Vec<usize> {
    feed(d, values, |_, _| {})
}

#[test]
fn cusum_detects_a_step_up_where_expected() {
    // Ten values on target, then 2.0: C+ grows by 2 - 0.5 = 1.5 a step (1.5, 3, 4.5, 6) and
    // first exceeds H = 5 on the fourth shifted value, index 13. The reset at the next update
    // starts the sums again, so a persisting shift fires every fourth value.
    let mut values = vec![0.0; 10];
    values.extend(std::iter::repeat_n(2.0, 12));
    let mut d = textbook();
    assert_eq!(detections(&mut d, &values), [13, 17, 21]);
    // Just before the first detection C+ was 4.5.
    let mut d = textbook();
    for &x in &values[..13] {
        assert!(!d.update(x));
    }
    assert_eq!(d.upper(), 4.5);
    assert_eq!(d.lower(), 0.0);
    assert!(d.update(2.0));
    assert_eq!(d.upper(), 6.0);
}

#[test]
fn cusum_detects_a_step_down_where_expected() {
    // -1.5: C- grows by 0 - 0.5 + 1.5 = 1 a step; 5 is not > 5, 6 is: the sixth shifted value.
    let mut values = vec![0.0; 20];
    values.extend(std::iter::repeat_n(-1.5, 8));
    let mut d = textbook();
    assert_eq!(detections(&mut d, &values), [25]);
    assert_eq!(d.lower(), 2.0);
    assert_eq!(d.upper(), 0.0);
}

#[test]
fn cusum_absorbs_shifts_within_the_slack_and_constant_streams() {
    let mut d = textbook();
    assert!(detections(&mut d, &[0.0; 1000]).is_empty());
    assert!(detections(&mut d, &[0.5; 1000]).is_empty());
    assert!(detections(&mut d, &[-0.5; 1000]).is_empty());
    assert_eq!((d.upper(), d.lower()), (0.0, 0.0));
    let mut d = Cusum::default();
    assert!(detections(&mut d, &[3.25; 5000]).is_empty());
}

#[test]
fn cusum_estimates_the_reference_from_the_warmup() {
    // Warm-up 8, 12, 8, 12, 10: mean 10, M2 = 16, s = sqrt(16 / 4) = 2, so K = 1 and H = 10.
    // 13 adds 13 - 11 = 2 a step: 2, 4, 6, 8, 10, 12 exceeds H on the sixth value, index 10.
    let params = CusumParams {
        target: None,
        sigma: None,
        warmup: 5,
        k: 0.5,
        h: 5.0,
    };
    let mut d = Cusum::new(params).unwrap();
    let mut values = vec![8.0, 12.0, 8.0, 12.0, 10.0];
    values.extend(std::iter::repeat_n(13.0, 6));
    assert_eq!(detections(&mut d, &values), [10]);
    assert_eq!((d.target(), d.sigma()), (Some(10.0), Some(2.0)));
    // After the detection the next five values (13, 13, 11, 15, 13: mean 13, M2 = 8, s = √2)
    // are a new warm-up: the new level is the reference and a stream at it raises nothing.
    assert!(!d.update(13.0));
    assert_eq!(d.target(), None);
    assert!(detections(&mut d, &[13.0, 11.0, 15.0, 13.0]).is_empty());
    assert_eq!((d.target(), d.sigma()), (Some(13.0), Some(2f64.sqrt())));
    assert!(detections(&mut d, &[13.0; 100]).is_empty());
    // A known target with an estimated sigma: deviations from the target, sigma from the data.
    let mut d = Cusum::new(CusumParams {
        target: Some(0.0),
        sigma: None,
        warmup: 2,
        k: 0.0,
        h: 1.0,
    })
    .unwrap();
    // Warm-up 1, 3: s = sqrt(2); then 1.0 twice: C+ = 1, 2 > sqrt(2) on the second.
    assert_eq!(detections(&mut d, &[1.0, 3.0, 1.0, 1.0]), [3]);
    assert_eq!(d.target(), Some(0.0));
}

proptest! {
    #[test]
    fn adwin_width_never_exceeds_the_updates_since_the_reset(
        values in proptest::collection::vec(-10.0f64..10.0, 1..600),
        clock in 1u32..40,
        mb in 2usize..6,
    ) {
        let mut d = Adwin::new(AdwinParams { clock, max_buckets: mb, ..Default::default() }).unwrap();
        let mut since_reset = 0u64;
        for x in values {
            if d.drift_detected() {
                since_reset = 0;
            }
            d.update(x);
            since_reset += 1;
            prop_assert!(d.width() >= 1.0);
            prop_assert!(d.width() <= since_reset as f64);
            prop_assert!(d.n_detections() <= 1);
        }
    }

    #[test]
    fn page_hinkley_never_detects_before_min_instances(
        values in proptest::collection::vec(-100.0f64..100.0, 1..600),
        min_instances in 1u64..50,
        threshold in 0.5f64..30.0,
    ) {
        let mut d = PageHinkley::new(PageHinkleyParams {
            min_instances,
            threshold,
            ..Default::default()
        }).unwrap();
        let mut since_reset = 0u64;
        for x in values {
            if d.drift_detected() {
                since_reset = 0;
            }
            since_reset += 1;
            if d.update(x) {
                prop_assert!(since_reset >= min_instances);
            }
            prop_assert_eq!(d.n(), since_reset as f64);
        }
    }

    #[test]
    fn kswin_never_detects_before_the_window_is_full(
        values in proptest::collection::vec(-5.0f64..5.0, 1..400),
        seed in any::<u64>(),
    ) {
        let mut d = Kswin::new(KswinParams { seed, window_size: 60, stat_size: 20, ..Default::default() }).unwrap();
        let mut since_reset = 0u64;
        for x in values {
            if d.drift_detected() {
                since_reset = 0;
            }
            since_reset += 1;
            if d.update(x) {
                prop_assert!(since_reset >= 60);
            }
            prop_assert!(d.window_len() <= 60);
        }
    }

    #[test]
    fn python_sample_is_distinct_and_in_range(seed in any::<i64>(), n in 1u64..3000, k in 0usize..60) {
        let k = k.min(n as usize);
        let mut rng = PythonRandom::new(i128::from(seed));
        let mut got = rng.sample_range(n, k).unwrap();
        prop_assert_eq!(got.len(), k);
        prop_assert!(got.iter().all(|&j| j < n));
        got.sort_unstable();
        got.dedup();
        prop_assert_eq!(got.len(), k);
    }
}

#[test]
fn module_doc_example_holds() {
    let mut detector: Box<dyn DriftDetector> = Box::new(PageHinkley::default());
    let stream = (0..2000).map(|i| if i < 1000 { 0.0 } else { 5.0 });
    let first = stream
        .enumerate()
        .find_map(|(i, x)| detector.update(x).then_some(i));
    assert!(matches!(first, Some(i) if i >= 1000), "{first:?}");
}
