//! Inclusion and consistency proofs from a hostile log: any sizes, indices and hashes must be
//! rejected or accepted, never panic.
#![no_main]

use aigov_audit::merkle::{verify_consistency, verify_inclusion};
use aigov_core::Digest;
use libfuzzer_sys::fuzz_target;

fn u64_at(data: &[u8], at: usize) -> u64 {
    let mut b = [0u8; 8];
    for (i, x) in b.iter_mut().enumerate() {
        *x = data.get(at + i).copied().unwrap_or(0);
    }
    u64::from_le_bytes(b)
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 24 {
        return;
    }
    let (a, b) = (u64_at(data, 0), u64_at(data, 8));
    let hashes: Vec<Digest> = data[24..]
        .chunks(32)
        .map(Digest::of)
        .take(70)
        .collect();
    let leaf = Digest::of(&data[16..24]);
    let root = hashes.first().copied().unwrap_or(leaf);
    let _ = verify_inclusion(&leaf, a, b, &hashes, &root);
    let _ = verify_inclusion(&leaf, a % 64, b % 65, &hashes, &root);
    let _ = verify_consistency(a, b, &leaf, &root, &hashes);
    let _ = verify_consistency(a % 64, b % 65, &leaf, &root, &hashes);
});
