//! Evidently 0.7 compatibility: the binned distances against the numpy re-implementation in
//! tests/fixtures/drift/scipy_stats.json, and (when present) Evidently's own numbers in
//! tests/fixtures/drift/evidently.json.

use std::collections::BTreeMap;
use std::path::Path;

use aigov_drift::{Method, Sample, evidently_score, evidently_score_typed};
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

fn sample_of(case: &Value, key: &str) -> Sample {
    let values = case[key].as_array().unwrap();
    if case["column_type"] == "num" {
        // null stands for NaN or ±inf; Evidently's per-column path drops them all.
        Sample::numeric(values.iter().map(|v| v.as_f64().unwrap_or(f64::NAN)))
    } else {
        Sample::categorical(values.iter().filter(|v| !v.is_null()).map(|v| match v {
            Value::String(s) => s.clone(),
            Value::Bool(b) => {
                if *b {
                    "True".into()
                } else {
                    "False".into()
                }
            }
            other => other.to_string(),
        }))
    }
}

#[test]
fn evidently_own_numbers_are_reproduced() {
    let Some(fixture) = load("evidently.json") else {
        panic!("tests/fixtures/drift/evidently.json is missing");
    };
    let (mut scores, mut defaults) = (0, 0);
    for case in fixture["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let (r, c) = (sample_of(case, "reference"), sample_of(case, "current"));
        let integer = case["pandas_dtype"] == "int64";
        for method in aigov_drift::ALL_METHODS {
            let expected = &case["stattests"][method.name()];
            if expected.get("score").is_none() {
                continue;
            }
            let ours = evidently_score_typed(method, &r, &c, None, integer)
                .unwrap_or_else(|e| panic!("{name} {method}: {e}"));
            let score = ours.p_value.unwrap_or(ours.statistic);
            close(&format!("{name} {method}"), score, &expected["score"]);
            assert_eq!(
                ours.threshold,
                expected["threshold"].as_f64().unwrap(),
                "{name} {method} threshold"
            );
            assert_eq!(
                ours.drifted,
                expected["drifted"].as_bool().unwrap(),
                "{name} {method}"
            );
            scores += 1;
        }
        let expected = &case["default"]["value_drift"];
        let method = aigov_drift::evidently_default_method(&r, &c);
        assert_eq!(
            method.name(),
            expected["stattest"].as_str().unwrap(),
            "{name} default"
        );
        let ours = evidently_score_typed(method, &r, &c, None, integer).unwrap();
        close(
            &format!("{name} default"),
            ours.p_value.unwrap_or(ours.statistic),
            &expected["score"],
        );
        assert_eq!(
            ours.drifted,
            expected["drifted"].as_bool().unwrap(),
            "{name} default drifted"
        );
        defaults += 1;
    }
    eprintln!("{scores} Evidently stattest scores and {defaults} default choices reproduced");
    assert!(scores >= 250 && defaults >= 44, "{scores} {defaults}");
}

#[test]
fn evidently_dataset_drift_is_reproduced() {
    let fixture = load("evidently.json").unwrap();
    for dataset in fixture["datasets"].as_array().unwrap() {
        let name = dataset["name"].as_str().unwrap();
        let pairs = dataset["columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|column| {
                let (r, c) = (sample_of(column, "reference"), sample_of(column, "current"));
                let mut reference = aigov_drift::ReferenceColumn::from_sample(
                    column["name"].as_str().unwrap(),
                    r,
                    10,
                );
                reference.integer = column["pandas_dtype"] == "int64";
                (reference, c)
            })
            .collect();
        let options = aigov_drift::DriftOptions {
            mode: aigov_drift::Mode::Evidently,
            ..aigov_drift::DriftOptions::default()
        };
        let report = aigov_drift::drift_report(pairs, &options).unwrap();
        let expected = &dataset["default"];
        for column in &report.columns {
            let e = &expected["per_column"][&column.column]["value_drift"];
            assert_eq!(
                column.method.name(),
                e["stattest"].as_str().unwrap(),
                "{name} {}",
                column.column
            );
            close(
                &format!("{name} {}", column.column),
                column.p_value.unwrap_or(column.statistic),
                &e["score"],
            );
            assert_eq!(column.drifted, e["drifted"].as_bool().unwrap());
        }
        let legacy = &expected["legacy_dataset_drift"];
        assert_eq!(
            report.drifted_columns as u64,
            legacy["number_of_drifted_columns"].as_u64().unwrap()
        );
        assert_eq!(
            report.drift_share,
            legacy["share_of_drifted_columns"].as_f64().unwrap()
        );
        assert_eq!(
            report.dataset_drifted,
            legacy["dataset_drift"].as_bool().unwrap(),
            "{name}"
        );
    }
}
