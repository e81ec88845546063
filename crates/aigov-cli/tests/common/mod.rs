//! Helpers shared by the CLI tests (each test binary uses some of them).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Where the tests keep the private keys of a store's actors: beside the store, never in it.
pub fn actor_keys(store: &Path) -> PathBuf {
    let mut name = store.file_name().unwrap_or_default().to_os_string();
    name.push(".keys");
    store.with_file_name(name)
}

/// The private key file of `actor` (named by the part before `@`) among a store's keys.
pub fn key_of(store: &Path, actor: &str) -> PathBuf {
    actor_keys(store).join(format!("{}.key", actor.split('@').next().unwrap_or(actor)))
}

/// Runs `aigov` on a store as an actor, signing with the actor's key when they have one.
pub fn aigov_as(store: &Path, actor: &str, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_aigov"));
    command
        .args(args)
        .env("AIGOV_STORE", store)
        .env("AIGOV_ACTOR", actor)
        .env_remove("AIGOV_KEY");
    let key = key_of(store, actor);
    if key.exists() {
        command.env("AIGOV_KEY", key);
    }
    command.output().expect("run aigov")
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

/// Enrols `people` (id, role) in a store's actor directory through `run(actor, args)`:
/// `admin@example.com` enrols themselves first (the bootstrap, signed with the very key
/// enrolled), then everyone else by the admin's signed requests. Their keys are written to
/// `keys` (give [`actor_keys`] of the store, where [`aigov_as`] finds them).
pub fn enrol(run: impl Fn(&str, &[&str]) -> Output, keys: &Path, people: &[(&str, &str)]) {
    let admin = "admin@example.com";
    let everyone = std::iter::once((admin, "admin")).chain(people.iter().copied());
    for (who, role) in everyone {
        let name = who.split('@').next().expect("name");
        let key = aigov::core::SignerKey::generate(name).expect("key");
        key.save(keys).expect("save key");
        let public = keys.join(format!("{}.pub", key.name()));
        let public = public.to_str().expect("path");
        ok(&run(
            admin,
            &["actors", "add", who, "--role", role, "--key", public],
        ));
    }
}

/// The lineage the registration gate asks for (a dataset, the code's commit, an SBOM
/// written into `dir`), as `model register` arguments.
pub fn lineage_args(dir: &Path) -> Vec<String> {
    let sbom = dir.join("sbom.json");
    std::fs::write(
        &sbom,
        br#"{"bomFormat":"CycloneDX","specVersion":"1.6","components":[]}"#,
    )
    .expect("write sbom");
    vec![
        "--dataset".into(),
        format!("logins=sha256:{}@s3://data/logins", "ab".repeat(32)),
        "--commit".into(),
        "0123abc".into(),
        "--sbom".into(),
        sbom.display().to_string(),
    ]
}

/// Runs `script` under `sh` in its own process group with the store and actor given, kills
/// the whole group with SIGKILL after `after`, and returns what it printed until then.
pub fn run_then_kill(
    script: &str,
    store: &Path,
    actor: &str,
    after: std::time::Duration,
) -> String {
    use std::io::Read;
    use std::os::unix::process::CommandExt;
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(script)
        .env("AIGOV_STORE", store)
        .env("AIGOV_ACTOR", actor)
        .env("AIGOV_KEY", key_of(store, actor))
        .stdout(std::process::Stdio::piped())
        .process_group(0)
        .spawn()
        .expect("spawn");
    std::thread::sleep(after);
    let status = Command::new("kill")
        .args(["-s", "KILL", "--", &format!("-{}", child.id())])
        .status()
        .expect("kill");
    assert!(status.success(), "kill failed");
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .expect("stdout")
        .read_to_string(&mut stdout)
        .expect("read stdout");
    let _ = child.wait();
    stdout
}

/// The next of a reproducible sequence of pseudo-random numbers (xorshift64).
pub fn next_random(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}
