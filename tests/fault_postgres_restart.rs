//! The PostgreSQL server restarted while decisions are being recorded: every call either is
//! acknowledged and stored, or fails with a storage error; the clients reconnect on their own
//! once the server is back; the log verifies.
//!
//! Restarting the server disturbs anything else using it, so this runs only when
//! `AIGOV_TEST_PG_RESTART` holds the command that restarts it (`.ci/run` sets it on the CI
//! machine), and alone in its own test binary.

mod common;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use aigov::Governor;
use aigov_testkit::PgSchema;
use common::{enrol, model_dir, to_production};

fn run_shell(command: &str) -> bool {
    std::process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn a_server_restart_mid_load_loses_nothing_acknowledged() {
    let Ok(restart) = std::env::var("AIGOV_TEST_PG_RESTART") else {
        eprintln!("skipped: set AIGOV_TEST_PG_RESTART to the command that restarts PostgreSQL");
        return;
    };
    let Some(pg) = PgSchema::create("gov_restart") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let governor = Governor::postgres(&pg.url(), dir.path().join("home")).expect("governor");
    let actors = enrol(&governor);
    let r = to_production(&governor, &actors, &model_dir(dir.path(), "v1", 0.3));
    let start = governor.audit().size().expect("size");
    let acknowledged = AtomicU64::new(0);
    let failed = AtomicU64::new(0);
    let after_restart = AtomicU64::new(0);
    let restarted = AtomicBool::new(false);
    let stop = AtomicBool::new(false);
    let mut downtime = Duration::ZERO;
    std::thread::scope(|s| {
        for t in 0..4u64 {
            let (governor, r, acknowledged, failed, after_restart, restarted, stop) = (
                &governor,
                &r,
                &acknowledged,
                &failed,
                &after_restart,
                &restarted,
                &stop,
            );
            let deployer = actors.deployer.id.clone();
            s.spawn(move || {
                common::record_until_stopped(
                    governor,
                    &deployer,
                    r,
                    t * 1_000_000,
                    stop,
                    || {
                        acknowledged.fetch_add(1, Ordering::Relaxed);
                        if restarted.load(Ordering::Relaxed) {
                            after_restart.fetch_add(1, Ordering::Relaxed);
                        }
                    },
                    || {
                        failed.fetch_add(1, Ordering::Relaxed);
                    },
                );
            });
        }
        std::thread::sleep(Duration::from_millis(400));
        let began = Instant::now();
        let ok = run_shell(&restart);
        downtime = began.elapsed();
        restarted.store(true, Ordering::Relaxed);
        std::thread::sleep(Duration::from_millis(1500));
        stop.store(true, Ordering::Relaxed);
        assert!(ok, "the restart command failed: {restart}");
    });
    let acknowledged = acknowledged.load(Ordering::Relaxed);
    let failed = failed.load(Ordering::Relaxed);
    let after = after_restart.load(Ordering::Relaxed);
    assert!(
        after > 0,
        "no decision was recorded after the restart: the clients did not recover"
    );
    let size = governor.audit().size().expect("size");
    let stored = size - start;
    assert!(
        stored >= acknowledged && stored <= acknowledged + failed,
        "{stored} stored, {acknowledged} acknowledged, {failed} failed"
    );
    let report = governor.verify_audit().expect("verify");
    assert!(report.is_ok(), "{:?}", report.problems);
    eprintln!(
        "PostgreSQL restart ({:.1} s): {acknowledged} decisions acknowledged and stored ({after} after the restart), {failed} refused with a storage error, log of {size} verifies",
        downtime.as_secs_f64()
    );
}
