//! Who acts on the command line is proven with the actor's enrolled key, never claimed:
//! every command that changes the store signs its request; read-only commands need no key.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use aigov::core::SignerKey;
use common::{actor_keys, aigov_as, enrol, ok};

/// Runs `aigov` as `actor`, signing with `key` (or with no key at all).
fn signed_by(store: &Path, actor: &str, key: Option<&Path>, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_aigov"));
    command
        .args(args)
        .env("AIGOV_STORE", store)
        .env("AIGOV_ACTOR", actor)
        .env_remove("AIGOV_KEY");
    if let Some(key) = key {
        command.env("AIGOV_KEY", key);
    }
    command.output().expect("run aigov")
}

/// Asserts exit 1 with `denied by authn` and the code on stderr.
fn denied_by_authn(out: &Output, code: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("denied by authn"), "{stderr}");
    assert!(stderr.contains(code), "{stderr}");
}

fn newest_gate(store: &Path) -> serde_json::Value {
    let size: u64 = ok(&aigov_as(
        store,
        "anyone@example.com",
        &["audit", "checkpoint"],
    ))
    .lines()
    .nth(1)
    .expect("size line")
    .parse()
    .expect("size");
    let shown: serde_json::Value = serde_json::from_str(&ok(&aigov_as(
        store,
        "anyone@example.com",
        &["audit", "entry", &(size - 1).to_string()],
    )))
    .expect("json");
    shown["entry"].clone()
}

#[test]
fn an_insider_without_the_admins_key_cannot_act_as_the_admin() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let store = tmp.path().join("store");
    ok(&aigov_as(&store, "admin@example.com", &["init"]));
    enrol(
        |actor, args| aigov_as(&store, actor, args),
        &actor_keys(&store),
        &[("deployer@example.com", "deployer")],
    );
    // Mallory claims to be the admin with a key of her own, to enrol a sock puppet.
    let mallory = tmp.path().join("mallory");
    let key = SignerKey::generate("admin").expect("key");
    let files = key.save(&mallory).expect("save");
    let puppet = SignerKey::generate("puppet").expect("key");
    let puppet_files = puppet.save(&mallory).expect("save");
    let out = signed_by(
        &store,
        "admin@example.com",
        Some(&files.private),
        &[
            "actors",
            "add",
            "puppet@example.com",
            "--role",
            "security-approver",
            "--key",
            puppet_files.public.to_str().expect("path"),
        ],
    );
    denied_by_authn(&out, "bad_signature");
    let refusal = newest_gate(&store);
    assert_eq!(refusal["payload"]["gate"], "authn", "{refusal}");
    assert_eq!(refusal["actor"], "admin@example.com");
    // Without any key, a bare name is refused too, and the refusal is in the log.
    let out = signed_by(&store, "admin@example.com", None, &["keys", "rotate-store"]);
    denied_by_authn(&out, "missing_signature");
    assert_eq!(newest_gate(&store)["payload"]["gate"], "authn");
    // A stranger with their own key is unknown.
    let out = signed_by(
        &store,
        "nobody@nowhere",
        Some(&puppet_files.private),
        &["rollback", "--env", "prod", "--model", "m"],
    );
    denied_by_authn(&out, "unknown_actor");
    let listed = ok(&aigov_as(&store, "anyone@example.com", &["actors", "list"]));
    assert!(!listed.contains("puppet"), "{listed}");
    // The log holds every refusal and still verifies.
    ok(&aigov_as(
        &store,
        "anyone@example.com",
        &["audit", "verify"],
    ));
}

#[test]
fn the_first_admin_is_enrolled_at_init_or_by_proof_of_possession_never_by_name() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let keys = tmp.path().join("keys");
    let admin = SignerKey::generate("admin")
        .expect("key")
        .save(&keys)
        .expect("save");
    let other = SignerKey::generate("other")
        .expect("key")
        .save(&keys)
        .expect("save");

    // `init --admin` enrols the first admin with their public key.
    let store = tmp.path().join("a");
    let out = ok(&aigov_as(
        &store,
        "admin@example.com",
        &[
            "init",
            "--admin",
            "admin@example.com",
            "--admin-key",
            admin.public.to_str().expect("path"),
        ],
    ));
    assert!(out.contains("first admin"), "{out}");
    // ... once: a second init --admin is refused, whoever it names.
    let again = aigov_as(
        &store,
        "mallory@example.com",
        &[
            "init",
            "--admin",
            "mallory@example.com",
            "--admin-key",
            other.public.to_str().expect("path"),
        ],
    );
    assert_eq!(
        again.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    // The admin acts with their key.
    ok(&signed_by(
        &store,
        "admin@example.com",
        Some(&admin.private),
        &[
            "actors",
            "add",
            "other@example.com",
            "--role",
            "auditor",
            "--key",
            other.public.to_str().expect("path"),
        ],
    ));

    // On a store with nobody enrolled, a bare name cannot bootstrap...
    let store = tmp.path().join("b");
    ok(&aigov_as(&store, "admin@example.com", &["init"]));
    let add_admin = [
        "actors",
        "add",
        "admin@example.com",
        "--role",
        "admin",
        "--key",
        admin.public.to_str().expect("path"),
    ];
    denied_by_authn(
        &signed_by(&store, "admin@example.com", None, &add_admin),
        "missing_signature",
    );
    // ... nor a signature by another key than the one enrolled ...
    let out = signed_by(
        &store,
        "admin@example.com",
        Some(&other.private),
        &add_admin,
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // ... but a request signed with the very key being enrolled does.
    ok(&signed_by(
        &store,
        "admin@example.com",
        Some(&admin.private),
        &add_admin,
    ));
    let listed = ok(&aigov_as(&store, "anyone@example.com", &["actors", "list"]));
    assert_eq!(listed.lines().count(), 1, "{listed}");
}

#[test]
fn read_only_commands_need_no_key() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let store = tmp.path().join("store");
    ok(&aigov_as(&store, "admin@example.com", &["init"]));
    enrol(
        |actor, args| aigov_as(&store, actor, args),
        &actor_keys(&store),
        &[],
    );
    for args in [
        &["model", "list"][..],
        &["actors", "list"],
        &["audit", "verify"],
        &["audit", "checkpoint"],
        &["audit", "reconcile"],
        &["incident", "list"],
        &["incident", "deadlines"],
    ] {
        ok(&signed_by(&store, "reader@example.com", None, args));
    }
}

/// An actor directory edited by hand (a new admin, an escalated role, a swapped key) is found
/// by `audit reconcile`, which compares it with the enrolments the log holds.
#[test]
fn a_hand_edited_directory_is_found_by_reconcile() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let store = tmp.path().join("store");
    ok(&aigov_as(&store, "admin@example.com", &["init"]));
    enrol(
        |actor, args| aigov_as(&store, actor, args),
        &actor_keys(&store),
        &[("deployer@example.com", "deployer")],
    );
    ok(&aigov_as(
        &store,
        "anyone@example.com",
        &["audit", "reconcile"],
    ));
    let path = store.join("trust.json");
    let mut trust: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("trust")).expect("json");
    let mallory = SignerKey::generate("mallory").expect("key");
    trust["approvers"]["deployer@example.com"]["roles"] = serde_json::json!(["admin", "deployer"]);
    trust["approvers"]["mallory@example.com"] = serde_json::json!({
        "key": mallory.verifier().to_string(),
        "roles": ["security-approver"],
    });
    std::fs::write(&path, serde_json::to_string_pretty(&trust).expect("json")).expect("write");
    let out = aigov_as(&store, "anyone@example.com", &["audit", "reconcile"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("DIRECTORY deployer@example.com: holds admin, deployer but the latest logged enrolment gives deployer"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "DIRECTORY mallory@example.com: in the directory, but no enrolment of them is logged"
        ),
        "{stdout}"
    );
}

/// Roles are discoverable, a misspelt role is not enrolled as a new one, and a refusal names
/// the roles that would have been allowed.
#[test]
fn roles_are_listed_typos_refused_and_denials_name_the_allowed_roles() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let store = tmp.path().join("store");
    ok(&aigov_as(&store, "admin@example.com", &["init"]));
    enrol(
        |actor, args| aigov_as(&store, actor, args),
        &actor_keys(&store),
        &[("deployer@example.com", "deployer")],
    );
    let roles: serde_json::Value = serde_json::from_str(&ok(&aigov_as(
        &store,
        "anyone@example.com",
        &["actors", "roles", "--json"],
    )))
    .expect("json");
    assert!(
        roles["admin"]
            .as_array()
            .expect("admin")
            .iter()
            .any(|a| a == "manage-actors")
    );
    assert_eq!(roles["auditor"], serde_json::json!(["reconcile-audit"]));
    let key = SignerKey::generate("sam").expect("key");
    let public = key.verifier().to_string();
    let typo = aigov_as(
        &store,
        "admin@example.com",
        &[
            "actors",
            "add",
            "sam@example.com",
            "--role",
            "secrity-approver",
            "--key",
            &public,
        ],
    );
    assert_eq!(typo.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&typo.stderr).contains("--custom-role"));
    ok(&aigov_as(
        &store,
        "admin@example.com",
        &[
            "actors",
            "add",
            "sam@example.com",
            "--role",
            "soc-lead",
            "--custom-role",
            "--key",
            &public,
        ],
    ));
    let refused = aigov_as(&store, "deployer@example.com", &["keys", "rotate-store"]);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr.contains("roles that may: admin"), "{stderr}");
}
