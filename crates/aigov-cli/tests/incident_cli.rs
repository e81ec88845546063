//! `aigov incident` end to end on a SQLite store.

mod common;

use std::path::Path;

use common::{aigov_as, enrol, lineage_args, ok};
use serde_json::Value;

fn run(store: &Path, args: &[&str]) -> std::process::Output {
    aigov_as(store, "responder@example.com", args)
}

/// Registers `model` as `edr-triage` the governed way: an enrolled data scientist, with the
/// lineage the registration gate asks for.
fn register_edr_triage(store: &Path, dir: &Path, model: &Path) {
    enrol(
        |actor, args| aigov_as(store, actor, args),
        &common::actor_keys(store),
        &[
            ("ds@example.com", "data-scientist"),
            ("responder@example.com", "incident-responder"),
        ],
    );
    let mut args = vec![
        "model".to_string(),
        "register".into(),
        "edr-triage".into(),
        model.display().to_string(),
    ];
    args.extend(lineage_args(dir));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    ok(&aigov_as(store, "ds@example.com", &args));
}

#[test]
fn an_incident_from_opening_to_closing() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    ok(&run(&store, &["init"]));
    let model = tmp.path().join("model");
    std::fs::create_dir_all(&model).unwrap();
    std::fs::write(model.join("weights.bin"), vec![1u8; 100]).unwrap();
    register_edr_triage(&store, tmp.path(), &model);
    let opened: Value = serde_json::from_str(&ok(&run(
        &store,
        &[
            "incident",
            "open",
            "--id",
            "INC-1",
            "--title",
            "evasion of the login model",
            "--kind",
            "evasion",
            "--severity",
            "critical",
            "--model",
            "edr-triage@1",
            "--playbook",
            "adversarial-evasion",
            "--serious",
            "widespread_infringement",
            "--aware-at",
            "2026-01-10T08:00:00+01:00",
            "--json",
        ],
    )))
    .unwrap();
    // Through the governor the playbook's automatic steps run at once: the evidence is held
    // (the suspension fails: a registered version does not serve).
    assert_eq!(opened["status"], "contained");
    assert_eq!(opened["serious"]["aware_at"], "2026-01-10T07:00:00Z");
    // Long past its two days: overdue.
    let deadlines: Value =
        serde_json::from_str(&ok(&run(&store, &["incident", "deadlines", "--json"]))).unwrap();
    assert_eq!(deadlines[0]["id"], "INC-1");
    assert_eq!(deadlines[0]["clock"]["deadline"], "2026-01-12T07:00:00Z");
    assert_eq!(deadlines[0]["clock"]["overdue"], true);
    let human = ok(&run(&store, &["incident", "deadlines"]));
    assert!(human.contains("OVERDUE"), "{human}");

    // Contain by holding audit entries.
    let payload = tmp.path().join("p.json");
    std::fs::write(&payload, br#"{"decision": 1}"#).unwrap();
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
    ));
    let held = ok(&run(
        &store,
        &[
            "incident", "contain", "INC-1", "--hold", "--from", "0", "--to", "0",
        ],
    ));
    assert!(held.contains("audit entries 0..=0 held"), "{held}");
    // The version itself was held by the playbook when the incident opened.
    assert!(!held.contains("edr-triage@1: legal hold"), "{held}");
    let out = run(
        &store,
        &["incident", "contain", "INC-1", "--hold", "--from", "0"],
    );
    assert_eq!(out.status.code(), Some(2));
    // A registered (never deployed) version cannot be suspended: refused, nothing recorded.
    let out = run(&store, &["incident", "contain", "INC-1", "--suspend"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    ok(&run(
        &store,
        &["incident", "note", "INC-1", "inputs exported"],
    ));
    ok(&run(
        &store,
        &["incident", "notify", "INC-1", "--to", "regulator"],
    ));
    let out = run(&store, &["incident", "close", "INC-1"]);
    assert_eq!(out.status.code(), Some(2), "contained, not remediated");
    for status in ["investigating", "remediated"] {
        ok(&run(&store, &["incident", "status", "INC-1", status]));
    }
    ok(&run(&store, &["incident", "close", "INC-1"]));
    let shown: Value =
        serde_json::from_str(&ok(&run(&store, &["incident", "show", "INC-1", "--json"]))).unwrap();
    assert_eq!(shown["status"], "closed");
    assert!(shown["serious"]["initial_report_at"].is_string());
    let md = ok(&run(&store, &["incident", "timeline", "INC-1"]));
    assert!(
        md.contains("| time | source | event | proof |") && md.contains("note by"),
        "{md}"
    );
    let json: Value = serde_json::from_str(&ok(&run(
        &store,
        &["incident", "timeline", "INC-1", "--format", "json"],
    )))
    .unwrap();
    assert_eq!(json["incident_id"], "INC-1");
    assert!(json["events"].as_array().unwrap().len() >= 8);
    let report = ok(&run(&store, &["incident", "report", "INC-1"]));
    assert!(
        report.contains("Missing before this can be sent") && report.contains("Art. 73(3)"),
        "{report}"
    );
    let list = ok(&run(&store, &["incident", "list", "--status", "closed"]));
    assert!(list.contains("INC-1"));
    assert!(
        ok(&run(&store, &["incident", "list", "--status", "open"]))
            .trim()
            .is_empty()
    );
}

#[test]
fn bad_incident_input_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    ok(&run(&store, &["init"]));
    let model = tmp.path().join("model");
    std::fs::create_dir_all(&model).unwrap();
    std::fs::write(model.join("weights.bin"), vec![3u8; 100]).unwrap();
    register_edr_triage(&store, tmp.path(), &model);
    let base = [
        "incident",
        "open",
        "--title",
        "t",
        "--model",
        "edr-triage@1",
    ];
    for extra in [
        vec!["--kind", "meteor", "--severity", "high"],
        vec!["--kind", "evasion", "--severity", "urgent"],
        vec![
            "--kind",
            "evasion",
            "--severity",
            "high",
            "--playbook",
            "nope",
        ],
        vec![
            "--kind",
            "evasion",
            "--severity",
            "high",
            "--serious",
            "mild",
        ],
        vec![
            "--kind",
            "evasion",
            "--severity",
            "high",
            "--serious",
            "death",
            "--aware-at",
            "yesterday",
        ],
        vec![
            "--kind",
            "evasion",
            "--severity",
            "high",
            "--serious",
            "death",
            "--aware-at",
            "2099-01-01T00:00:00Z",
        ],
    ] {
        let args: Vec<&str> = base.iter().copied().chain(extra.iter().copied()).collect();
        let out = run(&store, &args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // None of the refusals left an incident behind.
    let listed: serde_json::Value =
        serde_json::from_str(&ok(&run(&store, &["incident", "list", "--json"]))).unwrap();
    assert_eq!(listed.as_array().map(Vec::len), Some(0), "{listed}");
    ok(&run(
        &store,
        &[
            "incident",
            "open",
            "--id",
            "INC-5",
            "--title",
            "t",
            "--model",
            "edr-triage@1",
            "--kind",
            "other",
            "--severity",
            "low",
            "--serious",
            "death",
        ],
    ));
    let out = run(
        &store,
        &[
            "incident",
            "notify",
            "INC-5",
            "--to",
            "regulator",
            "--at",
            "2099-01-01T00:00:00Z",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "a report dated in the future would stop the clock"
    );
    let out = run(&store, &["incident", "show", "INC-404"]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(
        &store,
        &["incident", "notify", "INC-404", "--to", "regulator"],
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn decommission_a_registered_version() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    ok(&run(&store, &["init"]));
    let model = tmp.path().join("model");
    std::fs::create_dir_all(&model).unwrap();
    std::fs::write(model.join("weights.bin"), vec![7u8; 500]).unwrap();
    register_edr_triage(&store, tmp.path(), &model);
    let cert = tmp.path().join("cert.json");
    // Nobody but a model owner or an admin retires a version, whatever they claim to be.
    let refused = run(
        &store,
        &["decommission", "edr-triage@1", "--mode", "destroy"],
    );
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("denied by authz"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    let anonymous = common::aigov_as(
        &store,
        "nobody@nowhere",
        &["decommission", "edr-triage@1", "--mode", "destroy"],
    );
    assert_eq!(anonymous.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&anonymous.stderr).contains("denied by authn"));
    let admin = |args: &[&str]| common::aigov_as(&store, "admin@example.com", args);
    let out: Value = serde_json::from_str(&ok(&admin(&[
        "decommission",
        "edr-triage@1",
        "--mode",
        "destroy",
        "--out",
        cert.to_str().unwrap(),
        "--json",
    ])))
    .unwrap();
    assert_eq!(out["predicate"]["mode"], "destroy");
    assert_eq!(out["predicate"]["artifacts"][0]["disposition"], "destroyed");
    let envelope: Value = serde_json::from_str(&std::fs::read_to_string(&cert).unwrap()).unwrap();
    assert_eq!(envelope["payloadType"], "application/vnd.in-toto+json");
    let again = admin(&["decommission", "edr-triage@1", "--mode", "archive"]);
    assert_eq!(again.status.code(), Some(1), "already decommissioned");
    let bad = run(&store, &["decommission", "not a ref", "--mode", "archive"]);
    assert_eq!(bad.status.code(), Some(2));
    // The audit log records the decommissioning and still verifies.
    ok(&run(&store, &["audit", "verify"]));
}

/// The legal hold an incident placed on a version is released by a responder (audited), after
/// which the version can be retired; someone without the role cannot release it.
#[test]
fn an_incident_hold_is_released_by_a_responder() {
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("store");
    ok(&run(&store, &["init"]));
    let model = tmp.path().join("model");
    std::fs::create_dir_all(&model).unwrap();
    std::fs::write(model.join("weights.bin"), vec![9u8; 100]).unwrap();
    register_edr_triage(&store, tmp.path(), &model);
    // The evasion playbook holds the affected version as the incident opens.
    ok(&run(
        &store,
        &[
            "incident",
            "open",
            "--id",
            "INC-7",
            "--title",
            "evasion",
            "--kind",
            "evasion",
            "--severity",
            "high",
            "--model",
            "edr-triage@1",
        ],
    ));
    let admin = |args: &[&str]| aigov_as(&store, "admin@example.com", args);
    let held = admin(&["decommission", "edr-triage@1", "--mode", "archive"]);
    assert_eq!(held.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&held.stderr).contains("legal hold"));
    let refused = aigov_as(
        &store,
        "ds@example.com",
        &["incident", "release-hold", "INC-7"],
    );
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("denied by authz"));
    let released = ok(&run(&store, &["incident", "release-hold", "INC-7"]));
    assert!(
        released.contains("edr-triage@1: legal hold incident INC-7 released"),
        "{released}"
    );
    // Nothing left to release is said, not ignored.
    let again = run(&store, &["incident", "release-hold", "INC-7"]);
    assert_eq!(again.status.code(), Some(2));
    ok(&admin(&[
        "decommission",
        "edr-triage@1",
        "--mode",
        "archive",
    ]));
    ok(&run(&store, &["audit", "reconcile"]));
    ok(&run(&store, &["audit", "verify"]));
}
