//! A log outsiders can hold to account: verification from the public key alone, `verify
//! --since` an earlier checkpoint, and witnesses that cosign only consistent growth. An
//! insider who truncates the log and re-signs a checkpoint with the store's key passes every
//! local check, and fails these.

mod common;

use std::path::Path;
use std::process::Output;

use aigov_core::SignerKey;
use common::{aigov_as, ok};

fn soc(store: &Path, args: &[&str]) -> Output {
    aigov_as(store, "soc@example.com", args)
}

fn append(store: &Path, dir: &Path, n: usize) {
    let batch = dir.join("batch.jsonl");
    let lines: String = (0..n)
        .map(|i| format!("{{\"kind\":\"custom\",\"payload\":{{\"i\":{i}}}}}\n"))
        .collect();
    std::fs::write(&batch, lines).unwrap();
    ok(&soc(
        store,
        &["audit", "append", "--batch", batch.to_str().unwrap()],
    ));
}

fn save(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

fn negative(out: &Output, mentions: &str) {
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(all.contains(mentions), "{all}");
}

#[test]
fn witnesses_and_earlier_checkpoints_catch_a_truncated_log() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let store = dir.join("store");
    let soc_key = SignerKey::generate("soc").unwrap();
    let files = soc_key.save(&common::actor_keys(&store)).unwrap();
    ok(&soc(
        &store,
        &[
            "init",
            "--admin",
            "soc@example.com",
            "--admin-key",
            files.public.to_str().unwrap(),
        ],
    ));
    append(&store, dir, 5);
    let log_pub = store.join("keys/aigov-store.pub");
    let log_pub = log_pub.to_str().unwrap();
    let witness_dir = dir.join("witness");
    let witness = SignerKey::generate("witness.example")
        .unwrap()
        .save(&witness_dir)
        .unwrap();
    let witness_key = witness.private.to_str().unwrap();
    let witness_pub = witness.public.to_str().unwrap();
    let state = dir.join("witness-state");
    let state = state.to_str().unwrap();
    let witness_args = |checkpoint: &str| {
        vec![
            "audit",
            "witness",
            "--log-key",
            log_pub,
            "--checkpoint-file",
            checkpoint,
            "--state",
            state,
            "--key",
            witness_key,
        ]
        .into_iter()
        .map(str::to_string)
        .collect::<Vec<_>>()
    };
    let run_witness = |checkpoint: &str| {
        let args = witness_args(checkpoint);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        soc(&store, &args)
    };

    // The witness sees the log for the first time and cosigns what it sees.
    let first = save(dir, "cp1", &ok(&soc(&store, &["audit", "checkpoint"])));
    let cosigned1 = ok(&run_witness(&first));
    assert!(
        cosigned1.contains("\u{2014} witness.example "),
        "{cosigned1}"
    );
    append(&store, dir, 4);
    let second = save(dir, "cp2", &ok(&soc(&store, &["audit", "checkpoint"])));
    let cosigned2 = save(dir, "cp2.cosigned", &ok(&run_witness(&second)));
    // The log attaches the cosignature to its checkpoint.
    let attached = ok(&soc(
        &store,
        &["audit", "checkpoint", "--witness-cosigs", &cosigned2],
    ));
    assert!(attached.contains("\u{2014} witness.example "), "{attached}");
    // An outsider verifies from the public key alone, against the cosigned checkpoint.
    ok(&soc(
        &store,
        &[
            "audit",
            "verify",
            "--public-key",
            log_pub,
            "--since",
            &cosigned2,
            "--witnesses",
            "1",
            "--witness-key",
            witness_pub,
        ],
    ));
    // A read-only copy without the private key verifies too.
    let copy = dir.join("copy");
    copy_dir(&store, &copy);
    std::fs::remove_file(copy.join("keys/aigov-store.key")).unwrap();
    assert!(ok(&soc(&copy, &["audit", "verify"])).contains("verified"));
    // Another key, as an auditor holding the real one would see a substituted key file.
    let other = SignerKey::generate("aigov-store")
        .unwrap()
        .save(&dir.join("other"))
        .unwrap();
    negative(
        &soc(
            &copy,
            &[
                "audit",
                "verify",
                "--public-key",
                other.public.to_str().unwrap(),
            ],
        ),
        "does not verify",
    );
    // Two witnesses required, one listed: a usage error; one required, none valid: exit 1.
    let stranger = SignerKey::generate("stranger.example")
        .unwrap()
        .save(&dir.join("s"))
        .unwrap();
    negative(
        &soc(
            &store,
            &[
                "audit",
                "verify",
                "--since",
                &cosigned2,
                "--witnesses",
                "1",
                "--witness-key",
                stranger.public.to_str().unwrap(),
            ],
        ),
        "fewer than 1",
    );

    // The insider truncates the log to 3 entries, removes the newer checkpoints and signs a
    // fresh one with the store's key: every local check passes.
    let db = rusqlite::Connection::open(store.join("aigov.db")).unwrap();
    db.execute_batch(
        "DELETE FROM audit_entries WHERE idx >= 3;
         DELETE FROM audit_checkpoints WHERE size > 3;
         DELETE FROM audit_nodes WHERE ((idx + 1) << level) > 3;
         DELETE FROM audit_unique_keys;
         DELETE FROM audit_subjects WHERE idx >= 3;",
    )
    .unwrap();
    drop(db);
    let forged = save(dir, "forged", &ok(&soc(&store, &["audit", "checkpoint"])));
    assert!(ok(&soc(&store, &["audit", "verify"])).contains("verified 3 entries"));
    // Those who kept a checkpoint, or witnessed one, are not fooled.
    negative(
        &soc(&store, &["audit", "verify", "--since", &first]),
        "truncated",
    );
    negative(&run_witness(&forged), "truncated or rolled back");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
