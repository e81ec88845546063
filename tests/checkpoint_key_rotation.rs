//! Rotating the store's checkpoint key: the old key seals the log and verifies only up to its
//! seal, the new key signs everything after, the origin stays, a reopened store keeps both,
//! a checkpoint signed with the retired key after the seal is caught, and a rotation cut off
//! by a crash completes when the store is opened again.

mod common;

use std::sync::Arc;

use aigov::Governor;
use aigov::audit::{AuditLog, SqliteAuditStore};
use aigov::core::SignerKey;
use common::enrol;

/// Puts a directory where the retired-key list goes, so writing it fails; returns the list
/// that was there, for [`unblock_retired_list`].
fn block_retired_list(keys: &std::path::Path) -> Option<Vec<u8>> {
    let list = keys.join(aigov::checkpoint_keys::RETIRED_KEYS_FILE);
    let saved = std::fs::read(&list).ok();
    if saved.is_some() {
        std::fs::remove_file(&list).expect("remove list");
    }
    std::fs::create_dir_all(&list).expect("block");
    saved
}

fn unblock_retired_list(keys: &std::path::Path, saved: Option<Vec<u8>>) {
    let list = keys.join(aigov::checkpoint_keys::RETIRED_KEYS_FILE);
    std::fs::remove_dir(&list).expect("unblock");
    if let Some(saved) = saved {
        std::fs::write(&list, saved).expect("list back");
    }
}

fn decide(governor: &Governor, actors: &common::Actors, r: &aigov::core::ModelRef, n: u64) {
    for i in 0..n {
        governor
            .record_decision(
                &actors.deployer.principal(),
                common::decision(r, serde_json::json!({"failed_logins": i % 5}), 0.4),
            )
            .expect("decision");
    }
}

#[test]
fn rotation_seals_the_old_key_and_survives_reopening() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("store");
    let keys = store.join("keys");
    let (actors, r, old_key, origin, sealed_at) = {
        let governor = Governor::open(&store).expect("governor");
        let actors = enrol(&governor);
        let r = common::to_production(
            &governor,
            &actors,
            &common::model_dir(dir.path(), "v1", 0.3),
        );
        decide(&governor, &actors, &r, 5);
        governor.audit().checkpoint().expect("checkpoint");
        let old = governor.checkpoint_key();
        let origin = governor.audit().origin().to_string();

        // Only an admin rotates; the refusal is audited like any other.
        let refused = governor.rotate_checkpoint_key(&actors.deployer.principal());
        assert_eq!(refused.expect_err("refused").denied_by(), Some("authz"));

        let size = governor.audit().size().expect("size");
        let new = governor
            .rotate_checkpoint_key(&actors.admin.principal())
            .expect("rotate");
        assert_ne!(new, old);
        assert_eq!(governor.checkpoint_key(), new);
        let retired = governor.retired_checkpoint_keys();
        assert_eq!(retired.len(), 1);
        assert_eq!(retired[0].key, old);
        assert_eq!(
            retired[0].last_size, size,
            "the old key sealed the log as it stood"
        );
        decide(&governor, &actors, &r, 3);
        governor
            .audit()
            .checkpoint()
            .expect("checkpoint with the new key");
        let report = governor.verify_audit().expect("verify");
        assert!(report.is_ok(), "{:?}", report.problems);
        assert!(report.checkpoints_checked >= 3);
        // Neither key alone accounts for every checkpoint: the rotation is real.
        assert!(!governor.audit().verify(&[&new]).expect("verify").is_ok());
        assert!(!governor.audit().verify(&[&old]).expect("verify").is_ok());
        // The log itself vouches for the old key, from the new one; not the other way.
        let anchored =
            aigov::checkpoint_keys::retired_keys_in_log(governor.audit(), &new).expect("chain");
        assert_eq!(anchored, retired);
        let backwards = aigov::checkpoint_keys::retired_keys_in_log(governor.audit(), &old)
            .expect_err("the chain leads to the new key");
        assert!(
            backwards
                .to_string()
                .contains("does not lead to the trusted key"),
            "{backwards}"
        );
        (actors, r, old, origin, size)
    };
    assert!(
        !std::fs::read_to_string(keys.join("aigov-store.key"))
            .expect("key")
            .is_empty()
    );
    assert!(!keys.join("next").exists(), "nothing left staged");

    // Reopened: the new key is in use, the old one retired at its seal, the origin unchanged.
    let governor = Governor::open(&store).expect("reopen");
    assert_ne!(governor.checkpoint_key(), old_key);
    assert_eq!(governor.audit().origin(), origin);
    assert_eq!(governor.retired_checkpoint_keys()[0].last_size, sealed_at);
    decide(&governor, &actors, &r, 2);
    governor.audit().checkpoint().expect("checkpoint");
    let report = governor.verify_audit().expect("verify");
    assert!(report.is_ok(), "{:?}", report.problems);
}

#[test]
fn a_checkpoint_signed_with_the_retired_key_after_the_seal_is_caught() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("store");
    let governor = Governor::open(&store).expect("governor");
    let actors = enrol(&governor);
    let r = common::to_production(
        &governor,
        &actors,
        &common::model_dir(dir.path(), "v1", 0.3),
    );
    // A stale process keeps the old private key past the rotation.
    let stale = SignerKey::load(&store.join("keys/aigov-store.key")).expect("old key");
    let origin = governor.audit().origin().to_string();
    governor
        .rotate_checkpoint_key(&actors.admin.principal())
        .expect("rotate");
    decide(&governor, &actors, &r, 2);
    let stale_log = AuditLog::new(Arc::new(
        SqliteAuditStore::open(&store.join("aigov.db")).expect("store"),
    ))
    .with_signer(stale, origin);
    stale_log.checkpoint().expect("the stale process signs");
    let report = governor.verify_audit().expect("verify");
    assert!(
        !report.is_ok(),
        "a checkpoint by a retired key past its seal passed"
    );
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.detail.contains("checkpoint at size")),
        "{:?}",
        report.problems
    );
}

#[test]
fn a_rotation_cut_off_by_a_crash_completes_on_opening() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("store");
    let keys = store.join("keys");
    let actors = {
        let governor = Governor::open(&store).expect("governor");
        let actors = enrol(&governor);
        governor.audit().checkpoint().expect("checkpoint");
        actors
    };
    let old_private = std::fs::read(keys.join("aigov-store.key")).expect("old key");
    let old_public = std::fs::read(keys.join("aigov-store.pub")).expect("old pub");
    let new = {
        let governor = Governor::open(&store).expect("governor");
        governor
            .rotate_checkpoint_key(&actors.admin.principal())
            .expect("rotate")
    };
    // Put the disk back as a crash after retiring the old key but before installing the new
    // one leaves it: the new key staged, the old one still in place but listed as retired.
    std::fs::create_dir_all(keys.join("next")).expect("next");
    for file in ["aigov-store.key", "aigov-store.pub"] {
        std::fs::rename(keys.join(file), keys.join("next").join(file)).expect("stage");
    }
    std::fs::write(keys.join("aigov-store.key"), &old_private).expect("old key back");
    std::fs::write(keys.join("aigov-store.pub"), &old_public).expect("old pub back");

    let governor = Governor::open(&store).expect("reopen completes the rotation");
    assert_eq!(
        governor.checkpoint_key(),
        new,
        "the staged key was installed"
    );
    assert!(!keys.join("next").exists());
    let report = governor.verify_audit().expect("verify");
    assert!(report.is_ok(), "{:?}", report.problems);

    // A retired key put back by hand, with nothing staged: it never signs again; a fresh key
    // is made. The key it replaced is lost, so the checkpoint that key signed no longer
    // verifies: the log says so rather than passing.
    std::fs::write(keys.join("aigov-store.key"), &old_private).expect("old key back");
    let governor = Governor::open(&store).expect("reopen");
    let in_use = governor.checkpoint_key();
    assert_ne!(in_use, new);
    assert!(
        governor
            .retired_checkpoint_keys()
            .iter()
            .all(|r| r.key != in_use)
    );
    let report = governor.verify_audit().expect("verify");
    assert!(
        !report.is_ok(),
        "a checkpoint signed by a lost key verified"
    );
}

#[test]
fn a_rotation_that_cannot_record_the_retired_key_keeps_the_old_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("store");
    let keys = store.join("keys");
    let governor = Governor::open(&store).expect("governor");
    let actors = enrol(&governor);
    let old = governor.checkpoint_key();
    // The retired-key list cannot be written (a directory stands where the file goes).
    let saved = block_retired_list(&keys);
    let error = governor
        .rotate_checkpoint_key(&actors.admin.principal())
        .expect_err("the rotation must fail");
    assert!(matches!(error, aigov::Error::Io { .. }), "{error}");
    assert_eq!(governor.checkpoint_key(), old, "the old key stays");
    governor
        .audit()
        .checkpoint()
        .expect("the old key still signs");
    let report = governor.verify_audit().expect("verify");
    assert!(report.is_ok(), "{:?}", report.problems);
    // Once the list can be written, rotation works and leaves nothing staged behind.
    unblock_retired_list(&keys, saved);
    governor
        .rotate_checkpoint_key(&actors.admin.principal())
        .expect("rotate");
    assert!(!keys.join("next").exists());
    assert!(governor.verify_audit().expect("verify").is_ok());
}

#[test]
fn a_crash_between_the_key_files_renames_is_repaired_on_opening() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("store");
    let keys = store.join("keys");
    let actors = {
        let governor = Governor::open(&store).expect("governor");
        enrol(&governor)
    };
    let old_public = std::fs::read(keys.join("aigov-store.pub")).expect("old pub");
    let new = Governor::open(&store)
        .expect("governor")
        .rotate_checkpoint_key(&actors.admin.principal())
        .expect("rotate");
    // The private key moved, the public one did not.
    std::fs::write(keys.join("aigov-store.pub"), old_public).expect("stale pub");
    let governor = Governor::open(&store).expect("reopen");
    assert_eq!(governor.checkpoint_key(), new);
    assert_eq!(
        std::fs::read_to_string(keys.join("aigov-store.pub")).expect("pub"),
        format!("{new}\n"),
        "the public key file is the private key's again"
    );
    assert!(governor.verify_audit().expect("verify").is_ok());
}

#[test]
fn a_second_rotation_finishes_the_first_ones_move_instead_of_losing_its_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = dir.path().join("store");
    let keys = store.join("keys");
    let governor = Governor::open(&store).expect("governor");
    let actors = enrol(&governor);
    let old_private = std::fs::read(keys.join("aigov-store.key")).expect("old key");
    let first = governor
        .rotate_checkpoint_key(&actors.admin.principal())
        .expect("rotate");
    // As if the first rotation's key files had not moved: the new key (already signing) only
    // under next/, the retired one back in place.
    std::fs::create_dir_all(keys.join("next")).expect("next");
    for file in ["aigov-store.key", "aigov-store.pub"] {
        std::fs::rename(keys.join(file), keys.join("next").join(file)).expect("unmove");
    }
    std::fs::write(keys.join("aigov-store.key"), &old_private).expect("old back");
    governor
        .audit()
        .checkpoint()
        .expect("the first new key signs");
    // The retry fails at recording its retirement (a directory stands where the list goes):
    // the first new key must be on disk by then, not thrown away with next/.
    let saved = block_retired_list(&keys);
    assert!(
        governor
            .rotate_checkpoint_key(&actors.admin.principal())
            .is_err()
    );
    drop(governor);
    unblock_retired_list(&keys, saved);
    let reopened = Governor::open(&store).expect("reopen");
    assert_eq!(
        reopened.checkpoint_key(),
        first,
        "the first new key was kept"
    );
    let report = reopened.verify_audit().expect("verify");
    assert!(report.is_ok(), "{:?}", report.problems);
    let second = reopened
        .rotate_checkpoint_key(&actors.admin.principal())
        .expect("rotate again");
    assert_ne!(second, first);
    assert!(reopened.verify_audit().expect("verify").is_ok());
}
