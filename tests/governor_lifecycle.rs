//! The whole lifecycle through the governor on memory, SQLite and PostgreSQL: register,
//! evidence, validation, approvals, promotion, deployment, the load gate, decisions and
//! reviews, a drift alert that opens an incident which rolls back and suspends, and a log
//! that verifies at the end with every step in it.

mod common;

use aigov::audit::{AuditEvent, AuditStoreExt};
use aigov::core::ModelName;
use aigov::drift::{DriftOptions, MonitorConfig, QualityThresholds, Rule, Window};
use aigov::governor::{AlertResponse, MonitorSettings};
use aigov::incident::{IncidentKind, IncidentStatus, Severity};
use aigov::registry::Stage;
use aigov::{Governor, MemorySink};
use aigov_testkit::PgSchema;
use chrono::Utc;
use common::{Actors, enrol, holdout, model_dir, table, to_production};

fn lifecycle(governor: &Governor, models: &std::path::Path) {
    let sink = MemorySink::new();
    governor.add_sink(sink.clone());
    let actors: Actors = enrol(governor);
    let name = ModelName::new("login-risk").expect("name");

    // Two versions through every gate; version 1 serves first, then version 2.
    let v1 = to_production(governor, &actors, &model_dir(models, "v1", 0.3));
    let v2 = to_production(governor, &actors, &model_dir(models, "v2", 0.35));
    governor
        .deploy(&actors.deployer.principal(), &v1, "prod", Some("eu-west-1"))
        .expect("deploy v1");
    governor
        .deploy(&actors.deployer.principal(), &v2, "prod", None)
        .expect("deploy v2");
    let loaded = governor
        .verify_load(
            &actors.deployer.principal(),
            &name,
            "prod",
            &models.join("v2"),
        )
        .expect("the deployed, approved bytes load");
    assert_eq!(
        loaded.version.version,
        governor.registry().resolve(&v2).expect("v2").version
    );

    // Decisions with explanations, and a human override of one of them.
    let mut receipts = Vec::new();
    for i in 0..5 {
        let receipt = governor
            .record_decision(
                &actors.deployer.principal(),
                common::decision(
                    &v2,
                    serde_json::json!({"failed_logins": i, "new_device": 1, "bad_asn": 1,
                        "user": "alice@example.com"}),
                    0.9,
                ),
            )
            .expect("decision");
        receipts.push(receipt);
    }
    let decision = governor
        .audit()
        .store()
        .entry(receipts[2].index)
        .expect("entry");
    let text = String::from_utf8(decision.payload.expect("payload")).expect("utf8");
    assert!(
        !text.contains("alice@example.com"),
        "PII was logged: {text}"
    );
    assert!(text.contains(&receipts[2].input_digest.to_string()));
    governor
        .record_review(
            &actors.security.principal(),
            receipts[2].index,
            "benign",
            true,
            "the user was travelling",
        )
        .expect("review");

    // A drifted batch: the dataset drifts, an incident opens, prod rolls back to v1 and v2 is
    // suspended, all without a person.
    let profile = governor.drift_baseline(&v2).expect("baseline");
    governor
        .start_monitor(
            &actors.deployer.principal(),
            &v2,
            MonitorSettings {
                config: MonitorConfig {
                    window: Window::Rows(500),
                    drift: DriftOptions::default(),
                    quality: QualityThresholds::default(),
                    rules: vec![Rule::ColumnDrift { column: None }, Rule::DatasetDrift],
                    cooldown: chrono::Duration::hours(1),
                },
                on_warning: AlertResponse::RequestReview,
                on_critical: AlertResponse::OpenIncident {
                    kind: IncidentKind::DriftFailure,
                    severity: Severity::Critical,
                },
            },
        )
        .expect("monitor");
    let (calm, _, _) = holdout(500, 0.0);
    let quiet = governor
        .monitor(
            &actors.deployer.principal(),
            &v2,
            table(&calm, Some(&profile)),
            Utc::now(),
        )
        .expect("calm batch");
    assert_eq!(quiet.windows.len(), 1);
    assert!(quiet.alerts.is_empty(), "{:?}", quiet.alerts);
    let (drifted, _, _) = holdout(500, 1.0);
    let report = governor
        .monitor(
            &actors.deployer.principal(),
            &v2,
            table(&drifted, Some(&profile)),
            Utc::now(),
        )
        .expect("drifted batch");
    assert!(!report.alerts.is_empty());
    assert!(!report.reviews.is_empty(), "column alerts request reviews");
    assert_eq!(report.incidents.len(), 1, "{report:?}");
    let incident = governor
        .incidents()
        .get(&report.incidents[0])
        .expect("read")
        .expect("incident");
    assert_eq!(incident.status, IncidentStatus::Contained);
    assert_eq!(
        governor
            .registry()
            .deployed(&name, "prod")
            .expect("deployed"),
        Some(governor.registry().resolve(&v1).expect("v1").version)
    );
    let v2_now = governor.registry().resolve(&v2).expect("v2");
    assert_eq!(v2_now.stage, Stage::Suspended);
    assert_eq!(
        governor.registry().resolve(&v1).expect("v1").stage,
        Stage::Production
    );
    // A suspended version neither decides nor loads.
    let refused = governor.record_decision(
        &actors.deployer.principal(),
        common::decision(&v2, serde_json::json!({}), 0.1),
    );
    assert_eq!(refused.expect_err("suspended").denied_by(), Some("serving"));

    // The HTML report of the drifted version: one file, charts inline, nothing fetched.
    let html = aigov::compliance::html_report(&governor.dossier(&v2).expect("dossier"));
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(
        html.matches("<svg").count() >= 4,
        "curves and group rates drawn"
    );
    assert!(
        html.contains("reference vs current"),
        "a drifted feature's distributions"
    );
    assert!(html.contains(&report.incidents[0]), "the incident timeline");
    assert!(html.contains("security-approver"), "the approval chain");
    for lower in ["src=", "href=", "url(", "@import"] {
        assert!(!html.contains(lower), "{lower} in the report");
    }
    // Text may mention a URL; no attribute may point at one, but SVG's namespace.
    for (at, _) in html.match_indices("=\"http") {
        let before = &html[at.saturating_sub(5)..at];
        assert_eq!(before, "xmlns", "only SVG namespaces may name a URL");
    }

    // The whole log verifies against the governor's checkpoint key, and holds every step.
    governor.audit().checkpoint().expect("checkpoint");
    let key = governor.checkpoint_key();
    let verified = governor.audit().verify(&[&key]).expect("verify");
    assert!(verified.problems.is_empty(), "{:?}", verified.problems);
    // Every registry change of the whole lifecycle (containment included) is in the log.
    let unaudited = governor.unaudited_changes().expect("reconcile");
    assert!(unaudited.is_empty(), "{unaudited:?}");
    // ...recorded by the operation that made it: no note is left in the journal.
    let pending = governor.pending_changes().expect("journal");
    assert!(pending.is_empty(), "{pending:?}");
    let size = governor.audit().size().expect("size");
    let entries = governor.audit().store().entries(0, size).expect("entries");
    let kinds: Vec<String> = entries
        .iter()
        .map(|e| {
            aigov::audit::AuditEntry::from_bytes(e.payload.as_ref().expect("payload"))
                .expect("entry")
                .event
                .kind()
                .to_string()
        })
        .collect();
    for kind in [
        "registry",
        "gate",
        "approval",
        "fairness-audit",
        "decision",
        "human-review",
        "drift-alert",
        "incident",
        "custom",
    ] {
        assert!(
            kinds.iter().any(|k| k == kind),
            "no {kind} entry in {kinds:?}"
        );
    }
    // The sink saw exactly what the log holds, in order.
    let seen: Vec<u64> = sink.events().iter().map(|(i, _)| *i).collect();
    assert_eq!(seen, (0..size).collect::<Vec<_>>());
    assert_eq!(governor.sink_failures().0, 0);
    let gates: Vec<_> = entries
        .iter()
        .filter_map(|e| {
            match aigov::audit::AuditEntry::from_bytes(e.payload.as_ref()?)
                .ok()?
                .event
            {
                AuditEvent::Gate(g) => Some((g.gate, g.allow)),
                _ => None,
            }
        })
        .collect();
    for gate in [
        "registration",
        "validation",
        "staging",
        "production",
        "deployment",
    ] {
        assert!(
            gates.iter().any(|(g, allow)| g == gate && *allow),
            "no allowed {gate} decision in {gates:?}"
        );
    }
}

#[test]
fn lifecycle_in_memory() {
    let models = tempfile::tempdir().expect("tempdir");
    let governor = Governor::in_memory().expect("governor");
    lifecycle(&governor, models.path());
}

#[test]
fn lifecycle_on_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let governor = Governor::open(dir.path().join("store")).expect("governor");
    lifecycle(&governor, dir.path());
    drop(governor);
    // Reopened, the store still verifies and knows its actors.
    let reopened = Governor::open(dir.path().join("store")).expect("reopen");
    let key = reopened.checkpoint_key();
    assert!(
        reopened
            .audit()
            .verify(&[&key])
            .expect("verify")
            .problems
            .is_empty()
    );
    assert!(!reopened.directory().is_empty());
}

#[test]
fn lifecycle_on_postgres() {
    let Some(pg) = PgSchema::create("gov_life") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let governor = Governor::postgres(&pg.url(), dir.path().join("home")).expect("governor");
    lifecycle(&governor, dir.path());
}

#[test]
fn governor_is_shared_across_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<Governor>();
}
