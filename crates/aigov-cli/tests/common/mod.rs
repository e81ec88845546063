//! Helpers shared by the CLI tests (each test binary uses some of them).
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

/// Runs `aigov` on a store as an actor.
pub fn aigov_as(store: &Path, actor: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aigov"))
        .args(args)
        .env("AIGOV_STORE", store)
        .env("AIGOV_ACTOR", actor)
        .output()
        .expect("run aigov")
}

/// Asserts success and returns stdout.
pub fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs `aigov` without a store.
pub fn aigov(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aigov"))
        .args(args)
        .output()
        .expect("run aigov")
}
