//! Evidently 0.7 compatibility: the binned distances against the numpy re-implementation in
//! tests/fixtures/drift/scipy_stats.json, and (when present) Evidently's own numbers in
//! tests/fixtures/drift/evidently.json.

use std::collections::BTreeMap;
use std::path::Path;

use aigov_drift::{Method, Sample, evidently_score};
use serde_json::Value;

fn load(name: &str) -> Option<Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/drift")
        .join(name);
    let text = std::fs::read_to_string(path).ok()?;
    Some(serde_json::from_str(&text).unwrap())
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn close(what: &str, ours: f64, expected: &Value) {
    match expected.as_f64() {
        Some(e) => assert!(
            (ours - e).abs() <= (1e-9 * e.abs()).max(1e-12),
            "{what}: {ours} vs {e}"
        ),
        None => assert!(!ours.is_finite(), "{what}: {ours} vs non-finite"),
    }
}

#[test]
fn binned_distances_match_the_numpy_reimplementation() {
    let fixture = load("scipy_stats.json").unwrap();
    let mut checked = 0;
    for case in fixture["numeric"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let r = Sample::numeric(floats(&case["reference"]));
        let c = Sample::numeric(floats(&case["current"]));
        let ev = &case["evidently"];
        for (method, key) in [
            (Method::Psi, "psi"),
            (Method::KlDiv, "kl_div"),
            (Method::Jensenshannon, "jensenshannon"),
            (Method::Hellinger, "hellinger"),
        ] {
            let score = evidently_score(method, &r, &c, None).unwrap();
            close(&format!("{name} {key}"), score.statistic, &ev[key]);
            checked += 1;
        }
    }
    for case in fixture["categorical"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let categories: Vec<String> = case["categories"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                c.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| c.to_string())
            })
            .collect();
        let counts = |key: &str| -> BTreeMap<String, u64> {
            categories
                .iter()
                .cloned()
                .zip(
                    case[key]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|v| v.as_u64().unwrap()),
                )
                .collect()
        };
        let r = Sample::Categorical(counts("reference_counts"));
        let c = Sample::Categorical(counts("current_counts"));
        if r.is_empty() || c.is_empty() {
            continue;
        }
        let ev = &case["evidently"];
        for (method, key) in [
            (Method::Psi, "psi"),
            (Method::KlDiv, "kl_div"),
            (Method::Jensenshannon, "jensenshannon"),
        ] {
            let score = evidently_score(method, &r, &c, None).unwrap();
            close(&format!("{name} {key}"), score.statistic, &ev[key]);
            checked += 1;
        }
    }
    eprintln!("{checked} binned distances agree");
    assert!(checked >= 200);
}

#[test]
fn public_evidently_values() {
    let r = Sample::numeric((0..100).map(f64::from));
    let c = Sample::numeric((20..140).map(f64::from));
    let expect = [
        (Method::Psi, 3.117401983323176),
        (Method::Jensenshannon, 0.39484786751960393),
        (Method::Wasserstein, 1.0392824499629922),
        (Method::KlDiv, 1.3204505434198546),
        (Method::Hellinger, 0.4692019305243884),
    ];
    for (method, value) in expect {
        let s = evidently_score(method, &r, &c, None).unwrap();
        assert!(
            (s.statistic - value).abs() < 1e-12,
            "{method}: {}",
            s.statistic
        );
        assert!(s.drifted);
    }
    let ks = evidently_score(Method::Ks, &r, &c, None).unwrap();
    assert!((ks.p_value.unwrap() - 7.1778359809548964e-06).abs() < 1e-17);
    let r = Sample::categorical("aaaabbbccd".repeat(10).chars().map(String::from));
    let c = Sample::categorical("aabbbcccce".repeat(12).chars().map(String::from));
    for (method, value) in [
        (Method::Psi, 1.6574283769646092),
        (Method::Jensenshannon, 0.3213946567929747),
        (Method::KlDiv, 0.8286313253497696),
    ] {
        let s = evidently_score(method, &r, &c, None).unwrap();
        assert!(
            (s.statistic - value).abs() < 1e-12,
            "{method}: {}",
            s.statistic
        );
    }
}
