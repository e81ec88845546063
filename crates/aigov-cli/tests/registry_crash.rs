//! Crash safety of registry writes: `aigov model register` of fresh 4 MiB models is killed
//! with SIGKILL at random moments, 15 times. Every acknowledged version must be there with
//! intact files, no version may exist without its files, the audit log must verify, and
//! every change a kill left between the registry and the log must be recorded from the journal.

mod common;

use std::path::Path;
use std::time::Duration;

use common::{aigov_as, enrol, lineage_args, next_random, ok, run_then_kill};
use serde_json::Value;

fn aigov(store: &Path, args: &[&str]) -> std::process::Output {
    aigov_as(store, "ds@example.com", args)
}

/// The versions a killed registrar printed: those registrations were acknowledged.
fn acknowledged(stdout: &str) -> Vec<(u64, String)> {
    stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter_map(|v| Some((v["version"].as_u64()?, v["root"].as_str()?.to_string())))
        .collect()
}

#[test]
fn acknowledged_registrations_survive_sigkill() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    ok(&aigov(&store, &["init"]));
    enrol(
        |actor, args| aigov_as(&store, actor, args),
        &common::actor_keys(&store),
        &[("ds@example.com", "data-scientist")],
    );
    let model = tmp.path().join("model");
    std::fs::create_dir_all(&model).unwrap();
    let lineage = lineage_args(tmp.path()).join(" ");
    let bin = env!("CARGO_BIN_EXE_aigov");
    // Fresh bytes each time, so every registration copies 4 MiB into the artifact store and
    // a kill can land in the middle of the copy, the database write or the audit append.
    // Each version's JSON is flattened onto one line so a partial write never looks complete.
    let script = format!(
        "while true; do head -c 4194304 /dev/urandom > {m}/weights.bin; \
         {bin} model register crashy {m} {lineage} --json | tr -d '\\n '; echo; done",
        m = model.display()
    );
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut acked = Vec::new();
    for round in 0..15 {
        let delay = 100 + next_random(&mut seed) % 500;
        let stdout = run_then_kill(
            &script,
            &store,
            "ds@example.com",
            Duration::from_millis(delay),
        );
        acked.extend(acknowledged(&stdout));

        // The store opens, and every version it holds (acknowledged or not) has all its files.
        let shown = aigov(&store, &["model", "show", "crashy", "--json"]);
        if !shown.status.success() {
            // Killed before the model's first version was stored: nothing may be acknowledged.
            assert!(acked.is_empty(), "round {round}: acknowledged but no model");
            continue;
        }
        let shown: Value = serde_json::from_slice(&shown.stdout).unwrap();
        let versions: Vec<(u64, String)> = shown["versions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| {
                (
                    v["version"].as_u64().unwrap(),
                    v["root"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        for (version, root) in &acked {
            assert!(
                versions.contains(&(*version, root.clone())),
                "round {round}: acknowledged crashy@{version} ({root}) is gone"
            );
        }
        for (version, _) in &versions {
            let out = aigov(&store, &["model", "verify", &format!("crashy@{version}")]);
            assert!(
                out.status.success(),
                "round {round}: crashy@{version} lost files: {}",
                String::from_utf8_lossy(&out.stdout)
            );
        }
        let out = aigov(&store, &["audit", "verify"]);
        assert!(
            out.status.success(),
            "round {round}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
    assert!(
        !acked.is_empty(),
        "no registration was ever acknowledged; the test proved nothing"
    );
    // A kill between a change and its entry leaves the change journaled. Once the makers'
    // claims are stale (a manual clock two minutes on) the next process records every such
    // change, and then the log describes every change in the registry.
    let later = chrono::Utc::now() + chrono::Duration::minutes(2);
    let governor = aigov::GovernorBuilder::open(&store)
        .unwrap()
        .clock(std::sync::Arc::new(aigov::core::ManualClock::new(later)))
        .build()
        .unwrap();
    let report = governor.record_pending_changes().unwrap();
    assert_eq!(report.held, 0, "{report:?}");
    assert!(governor.pending_changes().unwrap().is_empty());
    assert_eq!(governor.unaudited_changes().unwrap(), vec![]);
    assert!(governor.verify_audit().unwrap().is_ok());
    eprintln!(
        "{} acknowledged registrations survived 15 kills; {} changes left journaled by a kill \
         were recorded late, {} were logged but unsettled",
        acked.len(),
        report.recorded.len(),
        report.already_logged
    );
}
