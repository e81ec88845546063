//! Watch a threat-detection model's input for drift: fit a reference profile once, then feed
//! hourly batches to a monitor that raises alerts (once per cooldown) and keeps Prometheus
//! metrics.
//!
//! `cargo run --example drift_monitor`

use std::collections::BTreeMap;

use aigov::drift::{
    Alert, DriftError, DriftMonitor, DriftOptions, MonitorConfig, ProfileOptions,
    QualityThresholds, ReferenceProfile, Rule, Table, Window, profile_types,
};
use chrono::{Duration, TimeZone, Utc};

/// Login events: bytes sent and the authentication method; `shift` inflates the bytes.
fn logins(rows: usize, shift: f64) -> String {
    let mut csv = String::from("bytes_sent,auth_method\n");
    for i in 0..rows {
        let bytes = 200.0 + ((i * 7919) % 1000) as f64 * (1.0 + shift);
        let method = ["password", "sso", "mfa"][i % 3];
        csv.push_str(&format!("{bytes},{method}\n"));
    }
    csv
}

fn main() -> Result<(), DriftError> {
    let reference =
        Table::from_reader(logins(5000, 0.0).as_bytes(), &BTreeMap::new(), "reference")?;
    let profile = ReferenceProfile::fit(&reference, &ProfileOptions::default());

    let config = MonitorConfig {
        window: Window::Rows(1000),
        drift: DriftOptions::default(),
        quality: QualityThresholds::default(),
        rules: vec![Rule::ColumnDrift { column: None }, Rule::DatasetDrift],
        cooldown: Duration::hours(6),
    };
    let mut monitor = DriftMonitor::new(profile.clone(), config, |alert: &Alert| {
        println!("ALERT [{:?}] {}", alert.severity, alert.message);
    })?;

    let start = Utc.with_ymd_and_hms(2026, 11, 26, 0, 0, 0).unwrap();
    for hour in 0..6 {
        // From the fourth hour on, the bytes sent grow by half.
        let shift = if hour >= 3 { 0.5 } else { 0.0 };
        let batch = Table::from_reader(
            logins(1000, shift).as_bytes(),
            &profile_types(&profile),
            "batch",
        )?;
        for window in monitor.observe(batch, start + Duration::hours(hour))? {
            let drifted = window.report.as_ref().map_or(0, |r| r.drifted_columns);
            println!(
                "hour {hour}: window {} scored, {drifted} column(s) drifted",
                window.window
            );
        }
    }
    print!("{}", monitor.prometheus_text());
    Ok(())
}
