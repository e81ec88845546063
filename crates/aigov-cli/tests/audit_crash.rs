//! Crash safety: a process appending batches is killed with SIGKILL at random moments, 20
//! times; every acknowledged entry must still be there and the log must verify.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::{next_random, run_then_kill};

fn aigov(store: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_aigov"))
        .args(args)
        .env("AIGOV_STORE", store)
        .output()
        .expect("run aigov")
}

/// Every `(first_index, count)` a killed appender printed: those appends were acknowledged.
fn acknowledged(stdout: &str) -> Vec<(u64, u64)> {
    let mut out = Vec::new();
    for line in stdout.lines() {
        // `--json` receipts are compact enough to read line by line once flattened below.
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(line)
            && let (Some(f), Some(c)) = (v["first_index"].as_u64(), v["count"].as_u64())
        {
            out.push((f, c));
        }
    }
    out
}

#[test]
fn acknowledged_appends_survive_sigkill() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    let key = aigov_core::SignerKey::generate("soc").unwrap();
    let files = key.save(&common::actor_keys(&store)).unwrap();
    let public = files.public.to_str().unwrap();
    assert!(
        aigov(
            &store,
            &["init", "--admin", "soc@example.com", "--admin-key", public]
        )
        .status
        .success()
    );
    let batch = tmp.path().join("batch.jsonl");
    let lines: String = (0..200)
        .map(|i| {
            format!(
                "{{\"kind\":\"custom\",\"payload\":{{\"i\":{i},\"pad\":\"{}\"}}}}\n",
                "x".repeat(200)
            )
        })
        .collect();
    std::fs::write(&batch, lines).unwrap();
    let bin = env!("CARGO_BIN_EXE_aigov");
    // Each receipt is flattened onto one line so a partial write can never look complete.
    let script = format!(
        "while true; do {bin} audit append --batch {} --json | tr -d '\\n '; echo; done",
        batch.display()
    );
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut acked_total = 0;
    for round in 0..20 {
        let delay = 80 + next_random(&mut seed) % 400;
        let stdout = run_then_kill(
            &script,
            &store,
            "soc@example.com",
            Duration::from_millis(delay),
        );

        let size: u64 = {
            let out = aigov(&store, &["audit", "consistency", "--from", "0", "--json"]);
            assert!(
                out.status.success(),
                "round {round}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            v["size2"].as_u64().unwrap()
        };
        for (first, count) in acknowledged(&stdout) {
            assert!(
                first + count <= size,
                "round {round}: acknowledged {first}+{count} but the log has {size}"
            );
            acked_total += count;
        }
        let out = aigov(&store, &["audit", "verify"]);
        assert!(
            out.status.success(),
            "round {round}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        // Each append is its signed request, then its batch; a kill between the two leaves
        // a request without a batch, never part of a batch.
        let appended: u64 = rusqlite::Connection::open(store.join("aigov.db"))
            .unwrap()
            .query_row(
                "SELECT count(*) FROM audit_entries \
                 WHERE CAST(payload AS TEXT) LIKE '%\"pad\":%'",
                [],
                |row| row.get(0),
            )
            .unwrap();
        assert_eq!(
            appended % 200,
            0,
            "round {round}: a torn batch left {} entries",
            appended % 200
        );
    }
    assert!(
        acked_total > 0,
        "no append was ever acknowledged; the test proved nothing"
    );
    eprintln!("{acked_total} acknowledged entries survived 20 kills");
}
