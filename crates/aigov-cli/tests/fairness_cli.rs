//! `aigov fairness` end to end: the JSON shape, verdict exit codes, scores with a threshold,
//! AIF360's privileged group, bad input.

use std::fs;
use std::path::Path;

use serde_json::Value;

mod common;
use common::aigov;

/// Rows per region: (region, benign, benign flagged, malicious, caught); `role` alternates.
fn data(dir: &Path, groups: &[(&str, usize, usize, usize, usize)]) -> String {
    let mut out = String::from("label,flagged,score,region,role,weight\n");
    for (region, benign, fp, malicious, tp) in groups {
        for i in 0..*benign {
            let f = i < *fp;
            let role = if i % 2 == 0 { "admin" } else { "user" };
            out.push_str(&format!(
                "0,{},{},{region},{role},1.5\n",
                u8::from(f),
                if f { 0.9 } else { 0.1 }
            ));
        }
        for i in 0..*malicious {
            let f = i < *tp;
            let role = if i % 2 == 0 { "admin" } else { "user" };
            out.push_str(&format!(
                "1,{},{},{region},{role},1\n",
                u8::from(f),
                if f { 0.8 } else { 0.2 }
            ));
        }
    }
    let path = dir.join("d.csv");
    fs::write(&path, out).unwrap();
    path.display().to_string()
}

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)))
}

#[test]
fn unfair_fails_fair_passes_with_the_documented_shape() {
    let tmp = tempfile::tempdir().unwrap();
    let unfair = data(
        tmp.path(),
        &[("eu", 1000, 20, 100, 80), ("apac", 1000, 80, 100, 80)],
    );
    let out = aigov(&[
        "fairness",
        "--data",
        &unfair,
        "--y-true",
        "label",
        "--y-pred",
        "flagged",
        "--sensitive",
        "region",
        "--privileged",
        "region=eu",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    assert_eq!(report["verdict"], "fail");
    assert!(
        report["inputs_digest"]
            .as_str()
            .unwrap()
            .starts_with("sha256:")
    );
    let groups = report["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 2);
    for key in [
        "group",
        "n",
        "tp",
        "fp",
        "tn",
        "fn",
        "selection_rate",
        "tpr",
        "fpr",
        "fnr",
        "tnr",
        "precision",
        "accuracy",
    ] {
        assert!(groups[0].get(key).is_some(), "{key} missing");
    }
    let d = &report["disparities"];
    assert!((d["false_positive_rate_ratio"].as_f64().unwrap() - 0.25).abs() < 1e-12);
    assert!((d["false_positive_rate_difference"].as_f64().unwrap() - 0.06).abs() < 1e-12);
    // AIF360: unprivileged (apac) minus privileged (eu).
    assert!(
        (d["statistical_parity_difference"].as_f64().unwrap() - (160.0 - 100.0) / 1100.0).abs()
            < 1e-12
    );

    let fair = data(
        tmp.path(),
        &[("eu", 1000, 50, 100, 80), ("apac", 1000, 52, 100, 80)],
    );
    let out = aigov(&[
        "fairness",
        "--data",
        &fair,
        "--y-true",
        "label",
        "--score",
        "score",
        "--threshold",
        "0.5",
        "--sensitive",
        "region",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("verdict: Pass"));
}

#[test]
fn small_groups_are_insufficient_evidence_and_fail_closed() {
    let tmp = tempfile::tempdir().unwrap();
    let path = data(
        tmp.path(),
        &[("eu", 10, 1, 5, 4), ("apac", 1000, 52, 100, 80)],
    );
    let out = aigov(&[
        "fairness",
        "--data",
        &path,
        "--y-true",
        "label",
        "--y-pred",
        "flagged",
        "--sensitive",
        "region,role",
        "--sample-weight",
        "weight",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    assert_eq!(report["verdict"], "insufficient-evidence");
    assert_eq!(report["groups"].as_array().unwrap().len(), 4);
    let eu = report["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["group"]["region"] == "eu")
        .unwrap();
    assert!(eu["fpr"].is_null());
    assert!(
        eu["reasons"]["fpr"]
            .as_str()
            .unwrap()
            .contains("insufficient evidence")
    );
    assert!(report["disparities"]["false_positive_rate_ratio"].is_null());
}

#[test]
fn bad_input_exits_2() {
    let tmp = tempfile::tempdir().unwrap();
    let path = data(tmp.path(), &[("eu", 50, 5, 50, 40)]);
    for args in [
        vec![
            "fairness",
            "--data",
            "/nonexistent.csv",
            "--y-true",
            "label",
            "--y-pred",
            "flagged",
            "--sensitive",
            "region",
        ],
        vec![
            "fairness",
            "--data",
            &path,
            "--y-true",
            "nope",
            "--y-pred",
            "flagged",
            "--sensitive",
            "region",
        ],
        vec![
            "fairness",
            "--data",
            &path,
            "--y-true",
            "label",
            "--y-pred",
            "region",
            "--sensitive",
            "role",
        ],
        vec![
            "fairness",
            "--data",
            &path,
            "--y-true",
            "label",
            "--y-pred",
            "flagged",
            "--sensitive",
            "region",
            "--privileged",
            "role=admin",
        ],
    ] {
        let out = aigov(&args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// A ratio of 0.44 on small groups fails in `aigov fairness` as it does at the validation
/// gate, although its interval reaches 0.8; the text shows the estimate and the interval.
#[test]
fn a_small_sample_ratio_below_the_tolerance_fails_as_at_the_gate() {
    let tmp = tempfile::tempdir().unwrap();
    let noisy = data(
        tmp.path(),
        &[("eu", 45, 4, 40, 30), ("apac", 45, 9, 40, 30)],
    );
    let args = [
        "fairness",
        "--data",
        &noisy,
        "--y-true",
        "label",
        "--y-pred",
        "flagged",
        "--sensitive",
        "region",
    ];
    let out = aigov(&args);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("0.4444 (interval [") && text.contains("is below 0.8"),
        "{text}"
    );
    let mut with_json = args.to_vec();
    with_json.push("--json");
    let report = json(&aigov(&with_json));
    assert_eq!(report["verdict"], "fail", "{report}");
}
