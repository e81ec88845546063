//! `aigov drift ...` end to end: exit codes, the JSON shape, profiles and alert KPIs.

use std::fs;
use std::path::Path;

use serde_json::Value;

mod common;
use common::aigov;

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    fs::write(&path, text).unwrap();
    path.display().to_string()
}

/// 200 rows: x numeric, kind categorical; `shift` moves x, `new` adds an unseen category.
fn dataset(shift: f64, new: bool) -> String {
    let mut out = String::from("x,kind\n");
    for i in 0..200 {
        let x = f64::from(i % 50) * 0.37 + shift;
        let kind = match i % 4 {
            0 if new => "new",
            0 | 1 => "login",
            2 => "dns",
            _ => "NA",
        };
        out.push_str(&format!("{x},{kind}\n"));
    }
    out
}

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {} {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[test]
fn no_drift_exits_0_drift_exits_1_bad_input_exits_2() {
    let tmp = tempfile::tempdir().unwrap();
    let r = write(tmp.path(), "r.csv", &dataset(0.0, false));
    let same = write(tmp.path(), "same.csv", &dataset(0.0, false));
    let moved = write(tmp.path(), "moved.csv", &dataset(5.0, true));

    let out = aigov(&["drift", "--reference", &r, "--current", &same, "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let report = json(&out);
    assert_eq!(report["dataset_drifted"], false);
    for column in report["columns"].as_array().unwrap() {
        for key in [
            "column",
            "type",
            "method",
            "statistic",
            "p_value",
            "threshold",
            "drifted",
            "n_reference",
            "n_current",
        ] {
            assert!(column.get(key).is_some(), "{key} missing in {column}");
        }
    }
    assert_eq!(report["columns"][1]["n_reference"], 150, "NA is missing");

    let out = aigov(&["drift", "--reference", &r, "--current", &moved, "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    assert_eq!(report["drifted_columns"], 2);
    assert_eq!(report["columns"][1]["new_categories"]["new"], 50);

    let out = aigov(&[
        "drift",
        "--reference",
        &r,
        "--current",
        &moved,
        "--method",
        "wasserstein",
        "--json",
    ]);
    let report = json(&out);
    assert!(report["columns"][0]["raw_distance"].as_f64().unwrap() > 4.9);
    assert!(report["columns"][0]["p_value"].is_null());

    for bad in [
        vec![
            "drift",
            "--reference",
            "/nonexistent.csv",
            "--current",
            &same,
        ],
        vec![
            "drift",
            "--reference",
            &r,
            "--current",
            &same,
            "--columns",
            "nope",
        ],
        vec![
            "drift",
            "--reference",
            &r,
            "--current",
            &same,
            "--method",
            "magic",
        ],
        vec![
            "drift",
            "--reference",
            &r,
            "--current",
            &same,
            "--columns",
            "kind",
            "--method",
            "ks",
        ],
    ] {
        let out = aigov(&bad);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{bad:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let empty = write(tmp.path(), "empty.csv", "x,kind\nNA,a\n,b\n");
    let out = aigov(&[
        "drift",
        "--reference",
        &r,
        "--current",
        &empty,
        "--columns",
        "x",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no values"));
}

#[test]
fn evidently_compat_reproduces_the_public_values() {
    let tmp = tempfile::tempdir().unwrap();
    let r: String = std::iter::once("x".to_string())
        .chain((0..100).map(|i| i.to_string()))
        .collect::<Vec<_>>()
        .join("\n");
    let c: String = std::iter::once("x".to_string())
        .chain((20..140).map(|i| i.to_string()))
        .collect::<Vec<_>>()
        .join("\n");
    let (r, c) = (
        write(tmp.path(), "r.csv", &r),
        write(tmp.path(), "c.csv", &c),
    );
    for (method, value) in [
        ("psi", 3.117401983323176),
        ("wasserstein", 1.0392824499629922),
    ] {
        let out = aigov(&[
            "drift",
            "--reference",
            &r,
            "--current",
            &c,
            "--compat",
            "evidently",
            "--method",
            method,
            "--json",
        ]);
        assert_eq!(out.status.code(), Some(1));
        let got = json(&out)["columns"][0]["statistic"].as_f64().unwrap();
        assert!((got - value).abs() < 1e-12, "{method}: {got}");
    }
    let out = aigov(&[
        "drift",
        "--reference",
        &r,
        "--current",
        &c,
        "--compat",
        "evidently",
        "--json",
    ]);
    let report = json(&out);
    assert_eq!(report["columns"][0]["method"], "ks");
    let p = report["columns"][0]["p_value"].as_f64().unwrap();
    assert!((p - 7.1778359809548964e-06).abs() < 1e-17);
}

#[test]
fn profiles_score_like_the_rows_and_merge() {
    let tmp = tempfile::tempdir().unwrap();
    let r = write(tmp.path(), "r.csv", &dataset(0.0, false));
    let moved = write(tmp.path(), "moved.csv", &dataset(0.5, true));
    let p = tmp.path().join("p.json").display().to_string();
    let out = aigov(&["drift", "profile", "--reference", &r, "--out", &p]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let from_rows = json(&aigov(&[
        "drift",
        "--reference",
        &r,
        "--current",
        &moved,
        "--json",
    ]));
    let from_profile = json(&aigov(&[
        "drift",
        "--profile",
        &p,
        "--current",
        &moved,
        "--json",
    ]));
    assert_eq!(from_rows, from_profile);

    let text = dataset(0.0, false);
    let lines: Vec<&str> = text.lines().collect();
    let a = write(tmp.path(), "a.csv", &(lines[..120].join("\n") + "\n"));
    let b = write(
        tmp.path(),
        "b.csv",
        &(lines[0].to_string() + "\n" + &lines[120..].join("\n") + "\n"),
    );
    let (pa, pb, pm) = (
        tmp.path().join("a.json").display().to_string(),
        tmp.path().join("b.json").display().to_string(),
        tmp.path().join("m.json").display().to_string(),
    );
    for (src, dst) in [(&a, &pa), (&b, &pb)] {
        let out = aigov(&["drift", "profile", "--reference", src, "--out", dst]);
        assert_eq!(out.status.code(), Some(0));
    }
    let out = aigov(&["drift", "profile", "--merge", &pa, &pb, "--out", &pm]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let merged = json(&aigov(&[
        "drift",
        "--profile",
        &pm,
        "--current",
        &moved,
        "--json",
    ]));
    assert_eq!(merged["columns"], from_profile["columns"]);

    fs::write(&p, "{\"version\": 99}").unwrap();
    let out = aigov(&["drift", "--profile", &p, "--current", &moved]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("version 99"));
}

#[test]
fn kpi_windows_intervals_and_alarms() {
    let tmp = tempfile::tempdir().unwrap();
    let mut text = String::from("alerted,malicious\n");
    // Window 0: 100 benign with 2 alerts; window 1: 100 benign with 30 alerts.
    for w in 0..2 {
        for i in 0..100 {
            let alert = if w == 0 { i < 2 } else { i < 30 };
            text.push_str(&format!("{},0\n", u8::from(alert)));
        }
    }
    let f = write(tmp.path(), "f.csv", &text);
    let out = aigov(&[
        "drift",
        "kpi",
        "--feedback",
        &f,
        "--alert",
        "alerted",
        "--label",
        "malicious",
        "--window",
        "100",
        "--max-fpr",
        "0.1",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let windows = json(&out);
    assert_eq!(windows[0]["fp"], 2);
    assert!(windows[0]["alarms"].as_array().unwrap().is_empty());
    assert_eq!(windows[1]["alarms"].as_array().unwrap().len(), 1);
    let lower = windows[1]["false_positive_rate"]["lower"].as_f64().unwrap();
    assert!(lower > 0.1 && lower < 0.3);
    assert!(windows[0]["false_negative_rate"]["rate"].is_null());

    let bad = write(tmp.path(), "bad.csv", "alerted,malicious\nmaybe,0\n");
    let out = aigov(&[
        "drift",
        "kpi",
        "--feedback",
        &bad,
        "--alert",
        "alerted",
        "--label",
        "malicious",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("row 1"));
}

#[test]
fn data_quality_flags_missing_wrong_types_ranges_and_new_categories() {
    let tmp = tempfile::tempdir().unwrap();
    let r = write(tmp.path(), "r.csv", &dataset(0.0, false));
    let out = aigov(&[
        "drift",
        "quality",
        "--reference",
        &r,
        "--current",
        &r,
        "--json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let mut bad = String::from("x,kind\n");
    for i in 0..100 {
        let x = match i % 10 {
            0 => "oops".to_string(),
            1 => "".to_string(),
            2 => "1e9".to_string(),
            _ => format!("{}", f64::from(i % 40) * 0.37),
        };
        let kind = if i % 5 == 0 { "brand-new" } else { "login" };
        bad.push_str(&format!("{x},{kind}\n"));
    }
    let c = write(tmp.path(), "c.csv", &bad);
    let out = aigov(&[
        "drift",
        "quality",
        "--reference",
        &r,
        "--current",
        &c,
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let columns = json(&out);
    let failed = |column: usize| -> Vec<String> {
        columns[column]["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|k| k["passed"] == false)
            .map(|k| k["check"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(failed(0), ["missing_share", "wrong_type", "out_of_range"]);
    assert_eq!(failed(1), ["new_categories"]);
}

/// Hostile shapes end quickly with an answer: 200,000 columns of 3 rows (the header checks
/// were quadratic: 40,000 columns took 16 s in a debug build, 200,000 would take minutes),
/// and a column that turned 90% infinite is a data-quality failure, not silently dropped.
#[test]
fn wide_files_and_infinite_columns_are_handled() {
    let tmp = tempfile::tempdir().unwrap();
    let columns = 200_000;
    let wide = |seed: usize| {
        let mut text: String = (0..columns)
            .map(|i| format!("c{i}"))
            .collect::<Vec<_>>()
            .join(",");
        text.push('\n');
        for row in 0..3 {
            let cells: Vec<String> = (0..columns)
                .map(|i| ((i * 7 + row * 13 + seed) % 100).to_string())
                .collect();
            text.push_str(&cells.join(","));
            text.push('\n');
        }
        text
    };
    let reference = write(tmp.path(), "wide_r.csv", &wide(0));
    let current = write(tmp.path(), "wide_c.csv", &wide(5));
    let started = std::time::Instant::now();
    let out = aigov(&[
        "drift",
        "--reference",
        &reference,
        "--current",
        &current,
        "--json",
    ]);
    let report = json(&out);
    assert_eq!(report["columns"].as_array().unwrap().len(), columns);
    // A bound far above the linear time (about 3 s in a debug build), far below quadratic.
    assert!(started.elapsed() < std::time::Duration::from_secs(60));

    let mut reference = String::from("a,b\n");
    let mut current = String::from("a,b\n");
    for i in 0..200 {
        reference.push_str(&format!("{},{}\n", i % 17, i % 13));
        let b = if i % 10 == 0 {
            (i % 13).to_string()
        } else {
            "inf".into()
        };
        current.push_str(&format!("{},{b}\n", i % 17));
    }
    let reference = write(tmp.path(), "inf_r.csv", &reference);
    let current = write(tmp.path(), "inf_c.csv", &current);
    let out = aigov(&[
        "drift",
        "--reference",
        &reference,
        "--current",
        &current,
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    let failures = report["quality_failures"].as_array().unwrap();
    assert_eq!(failures.len(), 1, "{report}");
    assert!(
        failures[0]
            .as_str()
            .unwrap()
            .contains("180 of 200 current values are infinite"),
        "{report}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("data quality"));
}
