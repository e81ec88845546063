//! The hot path on the embedded default: `Governor::record_decision` with a 20-feature
//! explanation on SQLite, from two threads, against appending the same decision record
//! straight to a SQLite audit log (same durability, same group commit). Prints decisions per
//! second, p50/p99 latency and the facade's overhead ratio (issue goal: at most 1.3x).

#[path = "../tests/common/mod.rs"]
mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use aigov::Governor;
use aigov::audit::{
    AuditEntry, AuditEvent, AuditLog, Decision, DecisionExplanation, FeatureContribution,
    ModelReference, SqliteAuditStore,
};
use aigov::core::{ActorId, Digest, ModelRef};
use aigov::governor::DecisionRequest;
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::{Map, Value, json};

const THREADS: usize = 2;
const PER_THREAD: usize = 1500;
const ROUNDS: usize = 3;

fn input(i: usize) -> Value {
    let mut fields = Map::new();
    for f in 0..20 {
        fields.insert(format!("feature_{f:02}"), json!((i * 31 + f) % 97));
    }
    fields.insert("user".into(), json!(format!("user{i}")));
    Value::Object(fields)
}

fn explanation() -> DecisionExplanation {
    DecisionExplanation {
        method: "kernel".into(),
        base_value: 0.12,
        top_features: (0..20)
            .map(|f| FeatureContribution {
                feature: format!("feature_{f:02}"),
                value: 0.01 * f as f64 - 0.07,
            })
            .collect(),
    }
}

fn request(model: &ModelRef, i: usize) -> DecisionRequest {
    DecisionRequest {
        model: model.clone(),
        input: input(i),
        score: 0.81,
        confidence: Some(0.9),
        threshold: 0.5,
        action: "step-up".into(),
        explanation: Some(explanation()),
        correlation_id: Some(format!("login-{i}")),
    }
}

/// The record the governor writes, built by hand.
fn direct_entry(actor: &ActorId, reference: &ModelReference, i: usize) -> AuditEntry {
    let input = input(i);
    AuditEntry {
        time: chrono::Utc::now(),
        actor: actor.clone(),
        authn: None,
        request: None,
        event: AuditEvent::Decision(Decision {
            model: reference.clone(),
            input_digest: Digest::of(&aigov::registry::canonical_json(&input)),
            redacted_input: Some(input),
            score: 0.81,
            confidence: Some(0.9),
            threshold: 0.5,
            action: "step-up".into(),
            explanation: Some(explanation()),
            correlation_id: Some(format!("login-{i}")),
        }),
    }
}

/// Runs `call` PER_THREAD times on each of THREADS threads; returns the wall time and every
/// call's latency.
fn two_threads(call: &(dyn Fn(usize) + Sync)) -> (Duration, Vec<Duration>) {
    let start = Instant::now();
    let latencies = std::thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                s.spawn(move || {
                    (0..PER_THREAD)
                        .map(|i| {
                            let begin = Instant::now();
                            call(t * PER_THREAD + i);
                            begin.elapsed()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("thread"))
            .collect::<Vec<_>>()
    });
    (start.elapsed(), latencies)
}

fn percentile(latencies: &mut [Duration], p: f64) -> Duration {
    latencies.sort();
    let i = ((latencies.len() as f64 - 1.0) * p).round() as usize;
    latencies[i]
}

fn decisions(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("dir");
    let governor = Governor::open(dir.path().join("store")).expect("governor");
    let actors = common::enrol(&governor);
    let model = common::to_production(
        &governor,
        &actors,
        &common::model_dir(dir.path(), "v1", 0.3),
    );
    let version = governor.registry().resolve(&model).expect("version");
    let reference = ModelReference {
        name: version.name.clone(),
        version: version.version,
        root: version.root,
    };
    let deployer = actors.deployer.id.clone();

    let direct_log = AuditLog::new(Arc::new(
        SqliteAuditStore::open(&dir.path().join("direct.db")).expect("direct store"),
    ));

    let facade = |i: usize| {
        governor
            .record_decision(
                &aigov::Principal::vouched_by_host(deployer.clone()),
                request(&model, i),
            )
            .expect("decision");
    };
    let direct = |i: usize| {
        direct_log
            .append(&direct_entry(&deployer, &reference, i))
            .expect("append");
    };

    // Round-robin, so both see the same machine load.
    let mut facade_runs = Vec::new();
    let mut direct_runs = Vec::new();
    let mut facade_latencies = Vec::new();
    let mut direct_latencies = Vec::new();
    for _ in 0..ROUNDS {
        let (wall, lat) = two_threads(&facade);
        facade_runs.push(wall);
        facade_latencies.extend(lat);
        let (wall, lat) = two_threads(&direct);
        direct_runs.push(wall);
        direct_latencies.extend(lat);
    }
    facade_runs.sort();
    direct_runs.sort();
    let n = (THREADS * PER_THREAD) as f64;
    let facade_rate = n / facade_runs[ROUNDS / 2].as_secs_f64();
    let direct_rate = n / direct_runs[ROUNDS / 2].as_secs_f64();
    println!(
        "record_decision, SQLite, {THREADS} threads x {PER_THREAD}, median of {ROUNDS} rounds:"
    );
    println!(
        "  governor: {facade_rate:.0} decisions/s, p50 {:?}, p99 {:?}",
        percentile(&mut facade_latencies, 0.5),
        percentile(&mut facade_latencies, 0.99)
    );
    println!(
        "  direct audit append: {direct_rate:.0} records/s, p50 {:?}, p99 {:?}",
        percentile(&mut direct_latencies, 0.5),
        percentile(&mut direct_latencies, 0.99)
    );
    println!(
        "  facade overhead: {:.2}x (goal <= 1.3x)",
        direct_rate / facade_rate
    );

    let mut group = c.benchmark_group("governor");
    group.sample_size(20);
    let mut i = 0;
    group.bench_function("record_decision_sqlite", |b| {
        b.iter(|| {
            i += 1;
            facade(i)
        })
    });
    group.bench_function("direct_append_sqlite", |b| {
        b.iter(|| {
            i += 1;
            direct(i)
        })
    });
    group.finish();
}

criterion_group!(benches, decisions);
criterion_main!(benches);
