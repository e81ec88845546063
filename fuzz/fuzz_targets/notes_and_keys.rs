//! C2SP signed notes, checkpoints and key strings: parse anything, verify what parses.
#![no_main]

use std::sync::LazyLock;

use aigov_audit::{SignedCheckpoint, SignedNote};
use aigov_core::{SignerKey, VerifierKey};
use libfuzzer_sys::fuzz_target;

static KEY: LazyLock<SignerKey> =
    LazyLock::new(|| SignerKey::from_seed("fuzz", [9; 32]).expect("key"));

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let verifier = KEY.verifier();
    if let Ok(note) = SignedNote::parse(text) {
        let _ = note.verify(&[&verifier]);
    }
    if let Ok(checkpoint) = SignedCheckpoint::parse(text) {
        let _ = checkpoint.verify("fuzz", &[&verifier]);
    }
    let _ = VerifierKey::parse(text);
    let _ = SignerKey::parse(text);
});
