//! Load: many threads record decisions through the governor for a fixed count while readers
//! keep asking for inclusion proofs of what was acknowledged; afterwards the log verifies and
//! holds exactly the acknowledged decisions. Runs on the SQLite default, and on PostgreSQL
//! when `AIGOV_TEST_POSTGRES_URL` is set. Prints throughput and latency percentiles.
//!
//! `cargo bench --bench load_decisions` (`AIGOV_LOAD_COUNT`, default 1,000,000 on SQLite;
//! PostgreSQL runs a fifth of it; `AIGOV_LOAD_WRITERS`, default 8).

#[path = "../tests/common/mod.rs"]
mod common;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use aigov::Governor;
use aigov::core::ModelRef;
use aigov::governor::DecisionRequest;

fn count_from_env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn run(
    label: &str,
    governor: &Governor,
    model: &ModelRef,
    deployer: &aigov::core::ActorId,
    total: u64,
) {
    let writers = count_from_env("AIGOV_LOAD_WRITERS", 8).max(1);
    let start_size = governor.audit().size().expect("size");
    let next = AtomicU64::new(0);
    let acknowledged = AtomicU64::new(0);
    let done = AtomicBool::new(false);
    let proofs = AtomicU64::new(0);
    let started = Instant::now();
    let mut latencies: Vec<Duration> = std::thread::scope(|s| {
        let readers: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    while !done.load(Ordering::Relaxed) {
                        let size = governor.audit().size().expect("size");
                        if size > start_size {
                            let index = start_size + (size - start_size) / 2;
                            let proof = governor.audit().prove(index, Some(size)).expect("prove");
                            proof.verify().expect("proof verifies");
                            proofs.fetch_add(1, Ordering::Relaxed);
                        }
                        std::thread::sleep(Duration::from_millis(5));
                    }
                })
            })
            .collect();
        let handles: Vec<_> = (0..writers)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        if i >= total {
                            break;
                        }
                        let t = Instant::now();
                        governor
                            .record_decision(
                                &aigov::Principal::vouched_by_host(deployer.clone()),
                                DecisionRequest {
                                    model: model.clone(),
                                    input: serde_json::json!({"failed_logins": i % 7, "user": format!("user{i}@example.com")}),
                                    score: (i % 100) as f64 / 100.0,
                                    confidence: None,
                                    threshold: 0.5,
                                    action: if i % 100 >= 50 { "step-up" } else { "allow" }.into(),
                                    explanation: None,
                                    correlation_id: Some(format!("login-{i}")),
                                },
                            )
                            .expect("decision");
                        mine.push(t.elapsed());
                        acknowledged.fetch_add(1, Ordering::Relaxed);
                    }
                    mine
                })
            })
            .collect();
        let all: Vec<Duration> = handles
            .into_iter()
            .flat_map(|h| h.join().expect("writer"))
            .collect();
        done.store(true, Ordering::Relaxed);
        for r in readers {
            r.join().expect("reader");
        }
        all
    });
    let wall = started.elapsed();
    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() as f64 - 1.0) * p).round() as usize];
    let size = governor.audit().size().expect("size");
    assert_eq!(
        size - start_size,
        acknowledged.load(Ordering::Relaxed),
        "every acknowledged decision is in the log, nothing more"
    );
    let v0 = Instant::now();
    let report = governor
        .audit()
        .verify(&[&governor.checkpoint_key()])
        .expect("verify");
    assert!(report.is_ok(), "{:?}", report.problems);
    let dossier = governor.dossier(model).expect("dossier");
    println!(
        "{label}: {total} decisions from {writers} threads in {wall:.1?}: {:.0}/s; latency p50 {:?} p99 {:?} p99.9 {:?}; {} proofs read concurrently; log of {size} verified in {:.1?}; {} decisions indexed for the version",
        total as f64 / wall.as_secs_f64(),
        pct(0.5),
        pct(0.99),
        pct(0.999),
        proofs.load(Ordering::Relaxed),
        v0.elapsed(),
        dossier.log.decisions,
    );
}

fn setup(governor: &Governor, dir: &std::path::Path) -> (ModelRef, aigov::core::ActorId) {
    let actors = common::enrol(governor);
    let model = common::to_production(governor, &actors, &common::model_dir(dir, "v1", 0.3));
    (model, actors.deployer.id.clone())
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else to parse.
    let total = count_from_env("AIGOV_LOAD_COUNT", 1_000_000);
    let dir = tempfile::tempdir().expect("dir");
    let governor = Governor::open(dir.path().join("store")).expect("governor");
    let (model, deployer) = setup(&governor, dir.path());
    run("SQLite", &governor, &model, &deployer, total);
    drop(governor);
    if let Some(pg) = aigov_testkit::PgSchema::create("load") {
        let governor = Governor::postgres(&pg.url(), dir.path().join("pg-home")).expect("governor");
        let (model, deployer) = setup(&governor, dir.path());
        run(
            "PostgreSQL",
            &governor,
            &model,
            &deployer,
            (total / 5).max(1),
        );
    }
}
