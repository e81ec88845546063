//! Every compliance document of a version whose audit log holds 1,000,000 entries (on the
//! SQLite default): half of them decisions of the version, half decisions of another model.
//! Reports read the log through its subject index, so the time must not grow with the log
//! (issue goal: all documents in under 2 seconds). Prints the figure for 10,000 and
//! 1,000,000 entries side by side.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

use aigov::Governor;
use aigov::audit::{AuditEntry, AuditEvent, Decision, ModelReference};
use aigov::compliance::{AnnexIv, ml_bom, model_card};
use aigov::core::{Digest, ModelName, ModelRef, VersionId};
use criterion::{Criterion, criterion_group, criterion_main};

const BATCH: usize = 10_000;

fn decision(model: &ModelReference, i: usize) -> AuditEntry {
    AuditEntry {
        time: chrono::Utc::now(),
        actor: "deployer@example.com".parse().expect("actor"),
        authn: None,
        request: None,
        event: AuditEvent::Decision(Decision {
            model: model.clone(),
            input_digest: Digest::of(&i.to_le_bytes()),
            redacted_input: Some(serde_json::json!({"failed_logins": i % 7, "user": "<EMAIL>"})),
            score: (i % 100) as f64 / 100.0,
            confidence: None,
            threshold: 0.5,
            action: if i % 100 >= 50 { "step-up" } else { "allow" }.into(),
            explanation: None,
            correlation_id: Some(format!("login-{i}")),
        }),
    }
}

/// Fills the governor's log up to `total` entries with decisions of `ours` and `theirs`.
fn fill(governor: &Governor, ours: &ModelReference, theirs: &ModelReference, total: u64) {
    let mut i = governor.audit().size().expect("size") as usize;
    while (i as u64) < total {
        let n = BATCH.min(total as usize - i);
        let batch: Vec<AuditEntry> = (i..i + n)
            .map(|k| decision(if k % 2 == 0 { ours } else { theirs }, k))
            .collect();
        governor.audit().append_batch(&batch).expect("append");
        i += n;
    }
}

fn all_documents(governor: &Governor, r: &ModelRef) -> usize {
    let dossier = governor.dossier(r).expect("dossier");
    let annex = AnnexIv::build(&dossier).to_markdown();
    let card = model_card(&dossier);
    let bom = serde_json::to_string(&ml_bom(&dossier)).expect("bom");
    let provenance = governor.provenance(r).expect("provenance");
    annex.len() + card.len() + bom.len() + provenance.payload.len()
}

fn reports(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("dir");
    let governor = Governor::open(dir.path().join("store")).expect("governor");
    let actors = common::enrol(&governor);
    let r = common::to_production(
        &governor,
        &actors,
        &common::model_dir(dir.path(), "v1", 0.3),
    );
    let v = governor.registry().resolve(&r).expect("version");
    let ours = ModelReference {
        name: v.name.clone(),
        version: v.version,
        root: v.root,
    };
    let theirs = ModelReference {
        name: ModelName::new("edr-triage").expect("name"),
        version: VersionId::new(4).expect("id"),
        root: Digest::of(b"edr-triage@4"),
    };
    let mut figures = Vec::new();
    for total in [10_000u64, 1_000_000] {
        let started = Instant::now();
        fill(&governor, &ours, &theirs, total);
        let filled = started.elapsed();
        let mut times = Vec::new();
        for _ in 0..5 {
            let t = Instant::now();
            std::hint::black_box(all_documents(&governor, &r));
            times.push(t.elapsed());
        }
        times.sort();
        let dossier = governor.dossier(&r).expect("dossier");
        figures.push((total, times[2], dossier.log.decisions));
        println!(
            "log of {total} entries (filled in {filled:?}): all documents in {:?} (median of 5), {} decisions of {} counted",
            times[2],
            dossier.log.decisions,
            v.reference()
        );
    }
    let (small, large) = (figures[0].1, figures[1].1);
    println!(
        "1,000,000 vs 10,000 entries: {:.2}x the time; goal: under 2 s at 1,000,000 ({})",
        large.as_secs_f64() / small.as_secs_f64(),
        if large.as_secs_f64() < 2.0 {
            "met"
        } else {
            "MISSED"
        }
    );

    let mut group = c.benchmark_group("compliance");
    group.sample_size(10);
    group.bench_function("all_documents_1m_entries", |b| {
        b.iter(|| all_documents(&governor, &r))
    });
    group.finish();
}

criterion_group!(benches, reports);
criterion_main!(benches);
