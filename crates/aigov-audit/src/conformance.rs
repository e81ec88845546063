//! The behaviour every [`AuditStore`] backend must show; each backend's tests run every
//! function in [`BEHAVIOURS`] on a fresh store.

use std::sync::Arc;

use aigov_core::{ActorId, SignerKey};
use chrono::{DateTime, Duration, TimeZone, Utc};

use crate::merkle::{leaf_hash, root_of_leaves};
use crate::store::{AuditStore, AuditStoreExt, LegalHold, NewEntry, Redaction};
use crate::{AuditError, AuditLog};

/// One behaviour: a named check run against a fresh store.
pub type Behaviour = (&'static str, fn(Arc<dyn AuditStore>));

/// Every behaviour, by name.
pub const BEHAVIOURS: &[Behaviour] = &[
    (
        "appends_are_dense_and_hash_as_rfc6962",
        appends_are_dense_and_hash_as_rfc6962,
    ),
    ("proofs_verify_at_every_size", proofs_verify_at_every_size),
    (
        "subjects_are_indexed_with_the_append",
        subjects_are_indexed_with_the_append,
    ),
    (
        "redaction_keeps_proofs_and_respects_retention_and_holds",
        redaction_keeps_proofs_and_respects_retention_and_holds,
    ),
    (
        "checkpoints_are_stored_once_per_size",
        checkpoints_are_stored_once_per_size,
    ),
    ("unique_keys_are_logged_once", unique_keys_are_logged_once),
];

/// A fixed moment for test entries.
pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_default()
}

/// `n` entries of about 300 bytes, starting at `from`.
pub fn entries(from: usize, n: usize) -> Vec<NewEntry> {
    (from..from + n)
        .map(|i| NewEntry {
            payload: format!(
                "{{\"kind\":\"custom\",\"payload\":{{\"i\":{i},\"pad\":\"{}\"}}}}",
                "x".repeat(260)
            )
            .into_bytes(),
            time: t0() + Duration::seconds(i as i64),
            kind: "custom".into(),
            // Every third entry is about model m@1, every fifth also about incident:x.
            subjects: match (i % 3 == 0, i % 5 == 0) {
                (true, true) => vec!["incident:x".into(), "m@1".into()],
                (true, false) => vec!["m@1".into()],
                (false, true) => vec!["incident:x".into()],
                (false, false) => Vec::new(),
            },
            unique_key: None,
        })
        .collect()
}

fn unique_keys_are_logged_once(store: Arc<dyn AuditStore>) {
    let keyed = |i: usize, key: &str| {
        let mut e = entries(i, 1).remove(0);
        e.unique_key = Some(key.to_string());
        e
    };
    store.append(&entries(0, 3)).expect("plain");
    let first = store
        .append(&[keyed(3, "registry-change:a"), keyed(4, "registry-change:b")])
        .expect("keyed");
    assert_eq!(first.first_index, 3);
    // A batch holding a logged key is refused whole, naming where the key is.
    let refused = store.append(&[keyed(5, "registry-change:c"), keyed(6, "registry-change:b")]);
    assert!(
        matches!(&refused, Err(AuditError::Duplicate { key, index: 4 }) if key == "registry-change:b"),
        "{refused:?}"
    );
    assert_eq!(store.size().expect("size"), 5);
    // So is a batch that repeats a key in itself.
    assert!(matches!(
        store.append(&[keyed(5, "registry-change:d"), keyed(6, "registry-change:d")]),
        Err(AuditError::InvalidInput { .. })
    ));
    assert_eq!(store.size().expect("size"), 5);
    // The refused batch's other key was not taken; entries without keys never collide.
    let next = store
        .append(&[keyed(5, "registry-change:c"), entries(6, 1).remove(0)])
        .expect("after");
    assert_eq!(next.first_index, 5);
    store.append(&entries(6, 1)).expect("no key, same bytes");
    // The log stays whole.
    let leaves: Vec<_> = store
        .entries(0, 8)
        .expect("entries")
        .iter()
        .map(|e| e.leaf_hash)
        .collect();
    assert_eq!(leaves.len(), 8);
    // Through the log's group commit, concurrent callers with one logged key among them:
    // only that one is refused.
    let log = Arc::new(AuditLog::new(Arc::clone(&store)));
    let registry_entry = |id: &str| crate::AuditEntry {
        time: t0(),
        actor: ActorId::new("ops@example.com").expect("actor"),
        authn: None,
        request: None,
        event: crate::AuditEvent::Registry(
            serde_json::json!({"model": "m", "version": 1, "event": "deployed", "change_id": id})
                .as_object()
                .cloned()
                .unwrap_or_default(),
        ),
    };
    let handles: Vec<_> = ["a", "x1", "x2", "x3", "x4", "x5"]
        .into_iter()
        .map(|id| {
            let log = Arc::clone(&log);
            let entry = registry_entry(id);
            std::thread::spawn(move || (id, log.append(&entry)))
        })
        .collect();
    for handle in handles {
        let (id, result) = handle.join().expect("thread");
        match (id, result) {
            ("a", Err(AuditError::Duplicate { index: 3, .. })) => {}
            ("a", other) => panic!("the logged change was appended again: {other:?}"),
            (_, Ok(_)) => {}
            (id, Err(e)) => panic!("{id} failed with the duplicate: {e}"),
        }
    }
    assert_eq!(store.size().expect("size"), 13);
}

fn subjects_are_indexed_with_the_append(store: Arc<dyn AuditStore>) {
    let mut batch = entries(0, 60);
    for e in batch.iter_mut().skip(1).step_by(2) {
        e.kind = "decision".into();
    }
    store.append(&batch[..25]).expect("append");
    store.append(&batch[25..]).expect("append");
    let about_m: Vec<u64> = (0..60).filter(|i| i % 3 == 0).collect();
    assert_eq!(
        store.entries_about("m@1", None, 0, 1000).expect("about"),
        about_m
    );
    assert_eq!(store.count_about("m@1", None).expect("count"), 20);
    let decisions: Vec<u64> = about_m.iter().copied().filter(|i| i % 2 == 1).collect();
    assert_eq!(
        store
            .entries_about("m@1", Some("decision"), 0, 1000)
            .expect("about"),
        decisions
    );
    assert_eq!(
        store.count_about("m@1", Some("decision")).expect("count"),
        decisions.len() as u64
    );
    // Paging: from an index, at most a limit.
    assert_eq!(
        store.entries_about("m@1", None, 10, 3).expect("page"),
        vec![12, 15, 18]
    );
    assert_eq!(
        store.entries_about("incident:x", None, 0, 2).expect("page"),
        vec![0, 5]
    );
    assert!(
        store
            .entries_about("nobody", None, 0, 10)
            .expect("none")
            .is_empty()
    );
    assert_eq!(store.count_about("nobody", Some("gate")).expect("count"), 0);
}

fn appends_are_dense_and_hash_as_rfc6962(store: Arc<dyn AuditStore>) {
    assert_eq!(store.size().expect("size"), 0);
    let mut all = Vec::new();
    for (from, n) in [(0, 1), (1, 2), (3, 14), (17, 40), (57, 1)] {
        let batch = entries(from, n);
        let receipt = store.append(&batch).expect("append");
        assert_eq!(
            (receipt.first_index, receipt.count, receipt.size),
            (from as u64, n as u64, (from + n) as u64)
        );
        all.extend(batch);
    }
    let stored = store.entries(0, 1000).expect("entries");
    assert_eq!(stored.len(), 58);
    for (i, (s, e)) in stored.iter().zip(&all).enumerate() {
        assert_eq!(s.index, i as u64);
        assert_eq!(s.payload.as_deref(), Some(e.payload.as_slice()));
        assert_eq!(s.leaf_hash, leaf_hash(&e.payload));
        assert_eq!(s.time, e.time);
    }
    assert!(store.entries(58, 60).expect("past the end").is_empty());
    assert!(matches!(store.entry(58), Err(AuditError::NotFound(_))));
    let leaves: Vec<_> = all.iter().map(|e| leaf_hash(&e.payload)).collect();
    let log = AuditLog::new(store.clone());
    for size in [1u64, 2, 3, 16, 17, 57, 58] {
        assert_eq!(
            log.root(size).expect("root"),
            root_of_leaves(&leaves[..size as usize]),
            "size {size}"
        );
    }
}

fn proofs_verify_at_every_size(store: Arc<dyn AuditStore>) {
    store.append(&entries(0, 70)).expect("append");
    let log = AuditLog::new(store.clone());
    for size in 1..=70u64 {
        for index in (0..size).step_by(7) {
            let proof = log.prove(index, Some(size)).expect("prove");
            proof.verify().expect("inclusion verifies");
        }
        for size1 in (0..=size).step_by(5) {
            log.consistency(size1, Some(size))
                .expect("prove")
                .verify()
                .expect("consistency verifies");
        }
    }
    assert!(log.prove(70, Some(70)).is_err());
    assert!(log.prove(0, Some(71)).is_err());
}

fn redaction_keeps_proofs_and_respects_retention_and_holds(store: Arc<dyn AuditStore>) {
    store.append(&entries(0, 20)).expect("append");
    let log = AuditLog::new(store.clone());
    let before = log.prove(5, Some(20)).expect("prove");
    let actor = ActorId::new("dpo@example.com").expect("actor");
    let redaction = |at| Redaction {
        at,
        by: actor.clone(),
        reason: "GDPR erasure request".into(),
    };
    // Entry 5 is from 2026-01-01; with a cutoff before that, retention forbids erasure.
    let err = store
        .redact(5, &redaction(t0()), t0() - Duration::days(1))
        .unwrap_err();
    assert!(matches!(err, AuditError::Denied(_)), "{err}");
    let hold = store
        .place_hold(&LegalHold {
            id: 0,
            from: 3,
            to: 8,
            reason: "incident 7".into(),
            placed_by: actor.clone(),
            placed_at: t0(),
            released_at: None,
        })
        .expect("hold");
    let later = t0() + Duration::days(400);
    let err = store.redact(5, &redaction(later), later).unwrap_err();
    assert!(matches!(err, AuditError::Denied(_)), "{err}");
    store
        .redact(9, &redaction(later), later)
        .expect("outside the hold");
    store.release_hold(hold.id, later).expect("release");
    assert!(store.holds().expect("holds")[0].released_at.is_some());
    store
        .redact(5, &redaction(later), later)
        .expect("erase after release");
    let e = store.entry(5).expect("entry");
    assert_eq!(e.payload, None);
    assert_eq!(e.redaction.expect("record").reason, "GDPR erasure request");
    let after = log.prove(5, Some(20)).expect("prove");
    assert_eq!(after, before, "the tree and its proofs did not change");
    assert!(matches!(
        store.redact(99, &redaction(later), later),
        Err(AuditError::NotFound(_))
    ));
    assert!(matches!(
        store.release_hold(99, later),
        Err(AuditError::NotFound(_))
    ));
}

fn checkpoints_are_stored_once_per_size(store: Arc<dyn AuditStore>) {
    store.append(&entries(0, 3)).expect("append");
    let key = SignerKey::from_seed("aigov-test", [1; 32]).expect("key");
    let log = AuditLog::new(store.clone()).with_signer(key.clone(), "test/audit");
    let first = log.checkpoint().expect("checkpoint");
    assert_eq!(first.checkpoint.size, 3);
    assert_eq!(log.checkpoint().expect("same size"), first);
    store.append(&entries(3, 2)).expect("append");
    let second = log.checkpoint().expect("checkpoint");
    assert_eq!(second.checkpoint.size, 5);
    assert_eq!(store.checkpoints().expect("list").len(), 2);
    let report = log.verify(&[&key.verifier()]).expect("verify");
    assert!(report.is_ok(), "{:?}", report.problems);
    assert_eq!(report.checkpoints_checked, 2);
}
