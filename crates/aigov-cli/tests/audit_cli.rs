//! `aigov audit ...` end to end on a store directory.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use aigov_audit::{ConsistencyProof, InclusionProof, SignedCheckpoint};
use serde_json::Value;

mod common;
use common::{aigov_as, ok};

fn aigov(store: &Path, args: &[&str]) -> Output {
    aigov_as(store, "soc@example.com", args)
}

/// A new store whose first admin is `soc@example.com` (entry 0 records the enrolment), with
/// the key [`aigov_as`] signs with.
fn init_with_soc_admin(store: &Path) {
    let key = aigov_core::SignerKey::generate("soc").unwrap();
    let files = key.save(&common::actor_keys(store)).unwrap();
    ok(&aigov(
        store,
        &[
            "init",
            "--admin",
            "soc@example.com",
            "--admin-key",
            files.public.to_str().unwrap(),
        ],
    ));
}

/// The log's size, from its checkpoint.
fn size(store: &Path) -> u64 {
    let note = ok(&aigov(store, &["audit", "checkpoint"]));
    SignedCheckpoint::parse(&note).unwrap().checkpoint.size
}

#[test]
fn append_checkpoint_prove_verify_and_tamper() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    init_with_soc_admin(&store);

    let payload = tmp.path().join("p.json");
    fs::write(
        &payload,
        br#"{"note": "model login-risk@3 promoted", "ticket": "CHG-1"}"#,
    )
    .unwrap();
    let one: Value = serde_json::from_str(&ok(&aigov(
        &store,
        &[
            "audit",
            "append",
            "--kind",
            "custom",
            "--json-file",
            payload.to_str().unwrap(),
            "--json",
        ],
    )))
    .unwrap();
    assert_eq!(
        (
            one["first_index"].as_u64(),
            one["count"].as_u64(),
            one["size"].as_u64()
        ),
        // Entry 0 enrolled the admin, entry 1 is the signed request the append was made for.
        (Some(2), Some(1), Some(3))
    );

    let mut lines = String::new();
    for i in 0..40 {
        lines.push_str(&format!(
            "{{\"kind\":\"custom\",\"payload\":{{\"i\":{i},\"user\":\"a|b=c\\\\d]\"}}}}\n"
        ));
    }
    let batch = tmp.path().join("b.jsonl");
    fs::write(&batch, &lines).unwrap();
    let many: Value = serde_json::from_str(&ok(&aigov(
        &store,
        &[
            "audit",
            "append",
            "--batch",
            batch.to_str().unwrap(),
            "--json",
        ],
    )))
    .unwrap();
    assert_eq!(
        (
            many["first_index"].as_u64(),
            many["count"].as_u64(),
            many["size"].as_u64()
        ),
        (Some(4), Some(40), Some(44))
    );

    // One bad line rejects the whole batch, naming it.
    fs::write(
        &batch,
        format!("{lines}{{\"kind\":\"decision\",\"payload\":{{}}}}\n"),
    )
    .unwrap();
    let out = aigov(
        &store,
        &["audit", "append", "--batch", batch.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("line 41"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        size(&store),
        44,
        "a bad batch is refused before anything is signed"
    );

    // A registry entry by hand may not claim a change id: it could stand in for a real change.
    fs::write(
        &payload,
        br#"{"model": "login-risk", "version": 1, "event": "deployed", "change_id": "c-1"}"#,
    )
    .unwrap();
    let out = aigov(
        &store,
        &[
            "audit",
            "append",
            "--kind",
            "registry",
            "--json-file",
            payload.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("may not carry a change_id"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let note = ok(&aigov(&store, &["audit", "checkpoint"]));
    let key = aigov_core::VerifierKey::parse(ok(&aigov(&store, &["audit", "public-key"])).trim())
        .unwrap();
    let checkpoint = SignedCheckpoint::parse(&note).unwrap();
    checkpoint
        .verify(&checkpoint.checkpoint.origin, &[&key])
        .unwrap();
    // The refused registry entry's signed request is logged (45 = 44 + the request).
    assert_eq!(checkpoint.checkpoint.size, 45);
    assert_eq!(
        ok(&aigov(&store, &["audit", "checkpoint"])),
        note,
        "no growth, same checkpoint"
    );

    let raw = aigov(&store, &["audit", "entry", "7", "--raw"]).stdout;
    let proof: InclusionProof = serde_json::from_str(&ok(&aigov(
        &store,
        &["audit", "prove", "--index", "7", "--json"],
    )))
    .unwrap();
    assert_eq!(proof.leaf_hash, aigov_audit::merkle::leaf_hash(&raw));
    assert_eq!(proof.root, checkpoint.checkpoint.root);
    proof.verify().unwrap();
    let cons: ConsistencyProof = serde_json::from_str(&ok(&aigov(
        &store,
        &["audit", "consistency", "--from", "1", "--json"],
    )))
    .unwrap();
    cons.verify().unwrap();
    assert_eq!(cons.root2, checkpoint.checkpoint.root);
    assert!(ok(&aigov(&store, &["audit", "verify"])).contains("verified 45 entries"));

    // Retention forbids erasing a fresh entry; a hold is recorded.
    let out = aigov(
        &store,
        &["audit", "redact", "3", "--reason", "GDPR request"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("retention"));
    assert!(
        ok(&aigov(
            &store,
            &[
                "audit",
                "hold",
                "--from",
                "0",
                "--to",
                "10",
                "--reason",
                "incident 9"
            ]
        ))
        .contains("legal hold 1")
    );

    // Export resumes from its cursor: a second run sends only what is new.
    let siem = tmp.path().join("siem.jsonl");
    let to = siem.to_str().unwrap();
    ok(&aigov(
        &store,
        &["audit", "export", "--format", "ocsf", "--to", to],
    ));
    let exported = size(&store);
    assert_eq!(
        fs::read_to_string(&siem).unwrap().lines().count() as u64,
        exported
    );
    ok(&aigov(
        &store,
        &[
            "audit",
            "append",
            "--kind",
            "custom",
            "--json-file",
            payload.to_str().unwrap(),
        ],
    ));
    ok(&aigov(
        &store,
        &["audit", "export", "--format", "ocsf", "--to", to],
    ));
    // The append and its signed request.
    assert_eq!(
        fs::read_to_string(&siem).unwrap().lines().count() as u64,
        exported + 2
    );
    let cef = ok(&aigov(
        &store,
        &["audit", "export", "--format", "cef", "--since", "40"],
    ));
    assert_eq!(cef.lines().count() as u64, size(&store) - 40);
    // The JSON string a|b=c\\d] arrives JSON-escaped, then CEF escapes `=` and each `\`.
    assert!(cef.contains(r#""user":"a|b\=c\\\\d]""#), "{cef}");

    // Change one byte of one stored payload: verify names the entry and exits 1.
    let db = rusqlite::Connection::open(store.join("aigov.db")).unwrap();
    db.execute("UPDATE audit_entries SET payload = CAST(replace(CAST(payload AS TEXT), 'a|b', 'a|c') AS BLOB) WHERE idx = 12", []).unwrap();
    drop(db);
    let out = aigov(&store, &["audit", "verify"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("FAIL at 12"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    ok(&aigov(&store, &["init"]));
    for (args, mentions) in [
        (vec!["audit", "entry", "5"], "not found"),
        (vec!["audit", "prove", "--index", "0"], "tree of size 0"),
        (
            vec![
                "audit",
                "append",
                "--kind",
                "custom",
                "--json-file",
                "/nope.json",
            ],
            "/nope.json",
        ),
        (
            vec!["audit", "consistency", "--from", "3", "--to", "9"],
            "larger than the log",
        ),
    ] {
        let out = aigov(&store, &args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(mentions), "{args:?}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1);
    }
}

#[test]
fn two_processes_appending_at_once_keep_indices_dense() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    init_with_soc_admin(&store);
    let batch = tmp.path().join("b.jsonl");
    let lines: String = (0..25)
        .map(|i| format!("{{\"kind\":\"custom\",\"payload\":{{\"i\":{i}}}}}\n"))
        .collect();
    fs::write(&batch, lines).unwrap();
    let bin = env!("CARGO_BIN_EXE_aigov");
    let children: Vec<_> = (0..2)
        .map(|_| {
            Command::new("sh")
                .arg("-c")
                .arg(format!(
                    "for i in $(seq 8); do {bin} audit append --batch {} || exit 1; done",
                    batch.display()
                ))
                .env("AIGOV_STORE", &store)
                .env("AIGOV_ACTOR", "soc@example.com")
                .env("AIGOV_KEY", common::key_of(&store, "soc@example.com"))
                .spawn()
                .unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    let report: Value =
        serde_json::from_str(&ok(&aigov(&store, &["audit", "verify", "--json"]))).unwrap();
    assert_eq!(
        report["size"], 417,
        "the enrolment, then 2 processes x 8 batches x (a signed request + 25 entries), dense"
    );
    assert_eq!(report["entries_checked"], 417);
    assert_eq!(report["problems"].as_array().unwrap().len(), 0);
}

#[test]
fn rotating_the_store_key_keeps_the_log_verifiable() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    ok(&aigov(&store, &["init"]));
    common::enrol(
        |actor, args| aigov_as(&store, actor, args),
        &common::actor_keys(&store),
        &[("auditor@example.com", "auditor")],
    );
    let payload = tmp.path().join("p.json");
    let append = |i: u64| {
        fs::write(&payload, format!("{{\"i\":{i}}}")).unwrap();
        ok(&aigov_as(
            &store,
            "admin@example.com",
            &[
                "audit",
                "append",
                "--kind",
                "custom",
                "--json-file",
                payload.to_str().unwrap(),
            ],
        ))
    };
    append(1);
    ok(&aigov(&store, &["audit", "checkpoint"]));
    let old_pub = fs::read_to_string(store.join("keys/aigov-store.pub")).unwrap();

    // Only an admin rotates.
    let refused = aigov_as(&store, "auditor@example.com", &["keys", "rotate-store"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("denied by authz"));
    let out = ok(&aigov_as(
        &store,
        "admin@example.com",
        &["keys", "rotate-store"],
    ));
    assert!(out.contains("sealed the log at size"), "{out}");
    let new_pub = fs::read_to_string(store.join("keys/aigov-store.pub")).unwrap();
    assert_ne!(old_pub, new_pub);

    // The CLI signs with the new key under the same origin; old and new checkpoints verify.
    append(2);
    let note = ok(&aigov(&store, &["audit", "checkpoint"]));
    let signed = SignedCheckpoint::parse(&note).unwrap();
    assert!(signed.checkpoint.origin.ends_with("/audit"));
    let verified = ok(&aigov(&store, &["audit", "verify"]));
    assert!(verified.contains("verified "), "{verified}");
    let report: Value =
        serde_json::from_str(&ok(&aigov(&store, &["audit", "verify", "--json"]))).unwrap();
    assert!(
        report["checkpoints_checked"].as_u64().unwrap() >= 3,
        "{report}"
    );
    // From the new public key alone, the old key is trusted because the log's rotation
    // record (covered by a checkpoint of the new key) hands over from it.
    let public = store.join("keys/aigov-store.pub");
    ok(&aigov(
        &store,
        &["audit", "verify", "--public-key", public.to_str().unwrap()],
    ));
    // A key slipped into the store's list of retired keys is not: no rotation retired it.
    let planted = aigov::core::SignerKey::generate("aigov-store").unwrap();
    let list = store.join("keys/retired-checkpoint-keys.json");
    let mut retired: Value = serde_json::from_str(&fs::read_to_string(&list).unwrap()).unwrap();
    retired.as_array_mut().unwrap().push(serde_json::json!({
        "key": planted.verifier().to_string(),
        "last_size": 1000,
        "retired_at": "2026-01-01T00:00:00Z",
    }));
    fs::write(&list, serde_json::to_vec(&retired).unwrap()).unwrap();
    let out = aigov(
        &store,
        &["audit", "verify", "--public-key", public.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("which no rotation in the log hands over from"),
        "{out:?}"
    );
}

/// Retention runs from the time the leaf hash covers: backdating an entry's stored time to
/// erase it early fails verification, and the redaction is still refused, naming the date
/// from which the entry may be erased.
#[test]
fn a_backdated_entry_is_caught_and_still_not_erasable() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    init_with_soc_admin(&store);
    let payload = tmp.path().join("p.json");
    fs::write(&payload, br#"{"user": "alice@example.com"}"#).unwrap();
    ok(&aigov(
        &store,
        &[
            "audit",
            "append",
            "--kind",
            "custom",
            "--json-file",
            payload.to_str().unwrap(),
        ],
    ));
    let refused = aigov(
        &store,
        &["audit", "redact", "2", "--reason", "GDPR request"],
    );
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("may be erased from"), "{stderr}");
    let db = rusqlite::Connection::open(store.join("aigov.db")).unwrap();
    db.execute(
        "UPDATE audit_entries SET time = '2020-01-01T00:00:00.000000000Z' WHERE idx = 2",
        [],
    )
    .unwrap();
    drop(db);
    let out = aigov(&store, &["audit", "verify"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("FAIL at 2"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let refused = aigov(
        &store,
        &["audit", "redact", "2", "--reason", "GDPR request"],
    );
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("may be erased from"), "{stderr}");
}

/// A reader that stops early (`aigov ... | head`) closes the pipe: the command exits 0 quietly
/// instead of panicking.
#[test]
fn a_closed_pipe_is_not_a_crash() {
    use std::process::Stdio;
    for args in [
        &["policy", "schema", "--gate", "production"][..],
        &["policy", "example-input", "--gate", "production"],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_aigov"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The reader goes away before reading anything.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
    }
}
