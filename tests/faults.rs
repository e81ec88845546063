//! Faults, each with nothing acknowledged lost and the store still verifying afterwards: a
//! missing or unreadable checkpoint key, a corrupted artifact, a full SQLite database,
//! PostgreSQL connections terminated while decisions are being recorded.

mod common;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use aigov::audit::AuditStoreExt;
use aigov::governor::GovernorBuilder;
use aigov::{Error, Governor};
use aigov_testkit::PgSchema;
use common::{enrol, model_dir, to_production};

fn decision(model: &aigov::core::ModelRef, i: u64) -> aigov::governor::DecisionRequest {
    common::decision(model, serde_json::json!({"failed_logins": i % 7}), 0.4)
}

#[test]
fn a_missing_or_unreadable_checkpoint_key_fails_closed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("store");
    {
        let governor = Governor::open(&store).expect("governor");
        enrol(&governor);
        governor.audit().checkpoint().expect("checkpoint");
    }
    let key = store.join("keys").join("aigov-store.key");
    let saved = std::fs::read(&key).expect("key");
    // Unreadable: garbage in the key file.
    std::fs::write(&key, b"not a key").expect("corrupt");
    let error = Governor::open(&store).expect_err("unreadable key");
    assert!(matches!(error, Error::Io { .. }), "{error}");
    assert!(error.to_string().contains("unreadable"), "{error}");
    // Missing: the log holds checkpoints signed with it, so no new key is made silently.
    std::fs::remove_file(&key).expect("remove");
    let error = Governor::open(&store).expect_err("missing key");
    assert!(error.to_string().contains("missing"), "{error}");
    assert!(!key.exists(), "no replacement key was written");
    // Restored, everything verifies as before.
    std::fs::write(&key, saved).expect("restore");
    let governor = Governor::open(&store).expect("reopen");
    let report = governor.verify_audit().expect("verify");
    assert!(
        report.is_ok() && report.checkpoints_checked == 1,
        "{report:?}"
    );
}

#[test]
fn a_corrupted_artifact_is_an_integrity_error_and_the_log_still_verifies() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("store");
    let governor = Governor::open(&store).expect("governor");
    let actors = enrol(&governor);
    let r = to_production(&governor, &actors, &model_dir(dir.path(), "v1", 0.3));
    let v = governor.registry().resolve(&r).expect("version");
    // Flip bytes of the stored model file behind the store's back.
    let hex = v.files[0].digest.to_hex();
    let blob = store
        .join("artifacts")
        .join("sha256")
        .join(&hex[..2])
        .join(&hex);
    assert!(blob.exists(), "{} not where expected", blob.display());
    std::fs::write(&blob, b"{\"features\": []}").expect("corrupt");
    let error = match governor.load_model(&r) {
        Ok(_) => panic!("a corrupted model loaded"),
        Err(e) => e,
    };
    assert!(
        matches!(
            error,
            Error::Registry(aigov::registry::RegistryError::Integrity(_))
        ),
        "{error}"
    );
    let integrity = governor
        .registry()
        .verify(&v, &governor.directory().trust())
        .expect("integrity report");
    assert!(!integrity.is_intact(), "the registry's own check finds it");
    let report = governor.verify_audit().expect("verify");
    assert!(report.is_ok(), "{:?}", report.problems);
}

#[test]
fn a_full_sqlite_database_refuses_writes_and_loses_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("store");
    let (actors, r) = {
        let governor = Governor::open(&store).expect("governor");
        let actors = enrol(&governor);
        let r = to_production(&governor, &actors, &model_dir(dir.path(), "v1", 0.3));
        (actors, r)
    };
    // Room for a few hundred more decisions, then full.
    let used = std::fs::metadata(store.join("aigov.db")).expect("db").len();
    let governor = GovernorBuilder::open_with_size_limit(&store, Some(used + (256 << 10)))
        .expect("builder")
        .build()
        .expect("capped governor");
    let mut receipts = Vec::new();
    let error = loop {
        match governor.record_decision(
            &actors.deployer.principal(),
            decision(&r, receipts.len() as u64),
        ) {
            Ok(receipt) => receipts.push(receipt),
            Err(e) => break e,
        }
        assert!(receipts.len() < 100_000, "the size limit never took effect");
    };
    assert!(matches!(error, Error::Audit(_)), "{error}");
    assert!(error.to_string().contains("database is full"), "{error}");
    assert!(receipts.len() > 10, "only {} decisions fit", receipts.len());
    // A registry write is refused whole too: no second version appears.
    let refused = governor.register(
        &actors.scientist.principal(),
        common::registration(&model_dir(dir.path(), "v2", 0.4), &actors),
    );
    let refused = refused.expect_err("a write into a full database was accepted");
    assert!(
        refused.to_string().contains("database is full"),
        "{refused}"
    );
    assert!(
        governor
            .registry()
            .resolve(&common::version_ref(2))
            .is_err()
    );
    // Everything acknowledged is there and provable; the log verifies.
    let size = governor.audit().size().expect("size");
    for receipt in [&receipts[0], &receipts[receipts.len() - 1]] {
        assert!(receipt.index < size);
        let proof = governor
            .audit()
            .prove(receipt.index, Some(size))
            .expect("prove");
        assert_eq!(proof.leaf_hash, receipt.leaf_hash);
        assert_eq!(proof.root, governor.audit().root(size).expect("root"));
        proof.verify().expect("the proof verifies");
    }
    let report = governor.verify_audit().expect("verify");
    assert!(report.is_ok(), "{:?}", report.problems);
    drop(governor);
    // With room again, writing resumes where it stopped.
    let governor = Governor::open(&store).expect("reopen");
    governor
        .record_decision(&actors.deployer.principal(), decision(&r, u64::MAX))
        .expect("recorded once there is room");
    assert_eq!(governor.audit().size().expect("size"), size + 1);
    let report = governor.verify_audit().expect("verify");
    assert!(report.is_ok(), "{:?}", report.problems);
    eprintln!(
        "SQLite full: {} decisions fit in 256 KiB, then every write refused; log of {size} verifies",
        receipts.len()
    );
}

#[test]
fn postgres_connections_terminated_mid_load_lose_nothing_acknowledged() {
    let Some(pg) = PgSchema::create("gov_fault") else {
        return;
    };
    let application = format!("aigov_fault_{}", std::process::id());
    let url = format!("{}&application_name={application}", pg.url());
    let dir = tempfile::tempdir().expect("tempdir");
    let governor = Governor::postgres(&url, dir.path().join("home")).expect("governor");
    let actors = enrol(&governor);
    let r = to_production(&governor, &actors, &model_dir(dir.path(), "v1", 0.3));
    let start = governor.audit().size().expect("size");
    let acknowledged = AtomicU64::new(0);
    let failed = AtomicU64::new(0);
    let stop = AtomicBool::new(false);
    std::thread::scope(|s| {
        for t in 0..4u64 {
            let (governor, acknowledged, failed, stop, r) =
                (&governor, &acknowledged, &failed, &stop, &r);
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
                    },
                    || {
                        failed.fetch_add(1, Ordering::Relaxed);
                    },
                );
            });
        }
        let mut client =
            postgres::Client::connect(&pg.url(), postgres::NoTls).expect("admin connection");
        for _ in 0..5 {
            std::thread::sleep(std::time::Duration::from_millis(150));
            client
                .execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                     WHERE application_name = $1 AND pid <> pg_backend_pid()",
                    &[&application],
                )
                .expect("terminate");
        }
        std::thread::sleep(std::time::Duration::from_millis(300));
        stop.store(true, Ordering::Relaxed);
    });
    let acknowledged = acknowledged.load(Ordering::Relaxed);
    assert!(acknowledged > 0, "nothing was recorded");
    // Every acknowledged decision is in the log, and nothing unacknowledged slipped in twice:
    // a failed append either committed nothing or its commit was lost with the connection.
    let size = governor.audit().size().expect("size");
    let stored = size - start;
    assert!(
        stored >= acknowledged && stored <= acknowledged + failed.load(Ordering::Relaxed),
        "{stored} stored, {acknowledged} acknowledged, {} failed",
        failed.load(Ordering::Relaxed)
    );
    let report = governor.verify_audit().expect("verify");
    assert!(report.is_ok(), "{:?}", report.problems);
    let last = governor
        .audit()
        .store()
        .entry(size - 1)
        .expect("last entry");
    assert!(last.payload.is_some());
    eprintln!(
        "PostgreSQL fault: 5 terminations, {acknowledged} decisions acknowledged and stored, {} refused with a storage error, log of {size} verifies",
        failed.load(Ordering::Relaxed)
    );
}
