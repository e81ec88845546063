//! The drift monitor: windows by rows and by time, alerts with cooldown and de-duplication,
//! and Prometheus output.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use aigov_drift::{
    Alert, DriftMonitor, DriftOptions, MonitorConfig, ProfileOptions, QualityThresholds,
    ReferenceProfile, Rule, Table, Window, profile_types,
};
use chrono::{DateTime, Duration, TimeZone, Utc};

fn csv(rows: usize, shift: f64, seed: u64) -> String {
    let mut out = String::from("score,kind\n");
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    for i in 0..rows {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let u = (x >> 11) as f64 / (1u64 << 53) as f64;
        let kind = ["login", "dns", "proxy"][i % 3];
        out.push_str(&format!("{:.6},{kind}\n", u * 10.0 + shift));
    }
    out
}

fn profile() -> ReferenceProfile {
    let table = Table::from_reader(csv(3000, 0.0, 1).as_bytes(), &BTreeMap::new(), "ref").unwrap();
    ReferenceProfile::fit(&table, &ProfileOptions::default())
}

fn batch(profile: &ReferenceProfile, rows: usize, shift: f64, seed: u64) -> Table {
    Table::from_reader(
        csv(rows, shift, seed).as_bytes(),
        &profile_types(profile),
        "batch",
    )
    .unwrap()
}

fn t(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 0, 0, 0).unwrap() + Duration::minutes(minutes)
}

fn monitor(
    window: Window,
    cooldown: Duration,
) -> (DriftMonitor, Arc<Mutex<Vec<Alert>>>, ReferenceProfile) {
    let profile = profile();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let config = MonitorConfig {
        window,
        drift: DriftOptions::default(),
        quality: QualityThresholds::default(),
        rules: vec![
            Rule::ColumnDrift { column: None },
            Rule::DatasetDrift,
            Rule::DataQuality { column: None },
        ],
        cooldown,
    };
    let m = DriftMonitor::new(profile.clone(), config, move |a: &Alert| {
        sink.lock().unwrap().push(a.clone());
    })
    .unwrap();
    (m, seen, profile)
}

#[test]
fn row_windows_alert_once_per_cooldown() {
    let (mut m, seen, profile) = monitor(Window::Rows(500), Duration::minutes(30));
    // 1,200 undrifted rows in three batches: two windows close, no alerts.
    let mut closed = 0;
    for (i, seed) in [11u64, 12, 13].iter().enumerate() {
        closed += m
            .observe(batch(&profile, 400, 0.0, *seed), t(i as i64))
            .unwrap()
            .len();
    }
    assert_eq!(closed, 2);
    assert!(
        seen.lock().unwrap().is_empty(),
        "{:?}",
        seen.lock().unwrap()
    );
    // Shifted scores: the column drifts in every window, but alerts once per 30 minutes.
    let mut outcomes = Vec::new();
    for k in 0..4 {
        outcomes.extend(
            m.observe(batch(&profile, 500, 3.0, 20 + k), t(10 + k as i64 * 10))
                .unwrap(),
        );
    }
    let alerts = seen.lock().unwrap().clone();
    let score_alerts: Vec<&Alert> = alerts
        .iter()
        .filter(|a| a.fingerprint == "column-drift:score")
        .collect();
    // Windows at minutes 10..40: alerts at 10 and 40, held back at 20 and 30.
    assert_eq!(score_alerts.len(), 2, "{alerts:?}");
    assert!(outcomes.iter().map(|o| o.suppressed).sum::<usize>() >= 2);
    let text = m.prometheus_text();
    assert!(
        text.contains("aigov_drift_column_drifted{column=\"score\"} 1"),
        "{text}"
    );
    assert!(text.contains("aigov_drift_windows_total"), "{text}");
    assert!(
        text.contains("aigov_drift_alerts_total{rule=\"column-drift\"} 2"),
        "{text}"
    );
}

#[test]
fn time_windows_close_when_the_span_passes() {
    let (mut m, seen, profile) = monitor(Window::Time(Duration::minutes(10)), Duration::zero());
    assert!(
        m.observe(batch(&profile, 300, 0.0, 1), t(0))
            .unwrap()
            .is_empty()
    );
    assert!(
        m.observe(batch(&profile, 300, 0.0, 2), t(5))
            .unwrap()
            .is_empty()
    );
    let closed = m.observe(batch(&profile, 300, 0.0, 3), t(12)).unwrap();
    assert_eq!(closed.len(), 1);
    assert_eq!(closed[0].rows, 600);
    // A bad batch: a quality alert and a scoring that still works.
    let bad = Table::from_reader(
        (String::from("score,kind\n") + &"NA,login\nNA,dns\n1.0,brand-new\n".repeat(20)).as_bytes(),
        &profile_types(&profile),
        "bad",
    )
    .unwrap();
    m.observe(bad, t(13)).unwrap();
    let closed = m.observe(batch(&profile, 10, 0.0, 4), t(25)).unwrap();
    assert_eq!(closed.len(), 1);
    let last = m.flush(t(26)).unwrap();
    assert_eq!(last.rows, 10);
    let alerts = seen.lock().unwrap();
    assert!(
        alerts.iter().any(|a| a.fingerprint == "data-quality:kind"),
        "{alerts:?}"
    );
    assert!(
        alerts.iter().any(|a| a.fingerprint == "data-quality:score"),
        "{alerts:?}"
    );
}

#[test]
fn bad_settings_are_refused() {
    let profile = profile();
    let config = MonitorConfig {
        window: Window::Rows(0),
        drift: DriftOptions::default(),
        quality: QualityThresholds::default(),
        rules: vec![],
        cooldown: Duration::zero(),
    };
    assert!(DriftMonitor::new(profile, config, |_| {}).is_err());
}

#[test]
fn wrong_type_cells_stay_with_their_window_and_rules_do_not_double_alert() {
    let profile = profile();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let config = MonitorConfig {
        window: Window::Rows(500),
        drift: DriftOptions::default(),
        quality: QualityThresholds::default(),
        // Overlapping rules: one alert per fingerprint and window.
        rules: vec![
            Rule::DataQuality { column: None },
            Rule::DataQuality {
                column: Some("score".into()),
            },
        ],
        cooldown: Duration::zero(),
    };
    let mut m = DriftMonitor::new(profile.clone(), config, move |a: &Alert| {
        sink.lock().unwrap().push(a.clone());
    })
    .unwrap();
    m.observe(batch(&profile, 400, 0.0, 5), t(0)).unwrap();
    // Rows 400..800: 50 cells that are not numbers, all after row 500 (the second window).
    let mut text = String::from("score,kind\n");
    for i in 0..400 {
        if (150..200).contains(&i) {
            text.push_str("oops,dns\n");
        } else {
            text.push_str(&format!("{}.5,dns\n", i % 10));
        }
    }
    let bad = Table::from_reader(text.as_bytes(), &profile_types(&profile), "bad").unwrap();
    let closed = m.observe(bad, t(1)).unwrap();
    assert_eq!(closed.len(), 1);
    let first = closed[0]
        .quality
        .iter()
        .find(|q| q.column == "score")
        .unwrap();
    assert!(first.passed, "{first:?}");
    let closed = m.observe(batch(&profile, 300, 0.0, 6), t(2)).unwrap();
    let second = closed[0]
        .quality
        .iter()
        .find(|q| q.column == "score")
        .unwrap();
    assert!(!second.passed);
    let alerts = seen.lock().unwrap();
    let score_alerts = alerts
        .iter()
        .filter(|a| a.fingerprint == "data-quality:score")
        .count();
    assert_eq!(score_alerts, 1, "{alerts:?}");
}

/// A window whose values turned infinite raises a data-quality alert: the statistics leave
/// infinities out, so the window would otherwise be judged on the few finite values left.
#[test]
fn infinite_values_raise_a_data_quality_alert() {
    let (mut m, seen, profile) = monitor(Window::Rows(300), Duration::zero());
    let mut text = String::from("score,kind\n");
    for i in 0..300 {
        let score = if i % 10 == 0 {
            format!("{}.5", i % 10)
        } else {
            "inf".into()
        };
        text.push_str(&format!("{score},dns\n"));
    }
    let table = Table::from_reader(text.as_bytes(), &profile_types(&profile), "inf").unwrap();
    m.observe(table, t(0)).unwrap();
    let alerts = seen.lock().unwrap();
    assert!(
        alerts
            .iter()
            .any(|a| a.message.contains("270 of 300 current values are infinite")),
        "{alerts:?}"
    );
}
