//! Golden tests of the compliance documents for a fixture registry: a version taken to
//! production through every gate, three decisions and one override. `AIGOV_BLESS=1` rewrites
//! the golden files; the ML-BOM's schema verdict comes from tests/oracles/
//! compliance_mlbom_schema.py (CycloneDX 1.6, official schema) and must name the golden
//! file's exact digest.

mod common;

use std::path::{Path, PathBuf};

use aigov::compliance::{AnnexIv, Status, ml_bom, model_card};
use aigov::core::{Digest, SignerKey};
use common::{enrol, model_dir, to_production};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/compliance")
}

/// Compares with the golden file, or rewrites it under `AIGOV_BLESS=1`.
fn golden(name: &str, actual: &str) {
    let path = fixtures().join(name);
    if std::env::var_os("AIGOV_BLESS").is_some() {
        std::fs::create_dir_all(fixtures()).expect("fixtures dir");
        std::fs::write(&path, actual).expect("bless");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with AIGOV_BLESS=1 to create it)",
            path.display()
        )
    });
    assert_eq!(actual, expected, "{name} differs from its golden file");
}

struct Documents {
    lineage: Vec<serde_json::Value>,
    annex: AnnexIv,
    card: String,
    bom: String,
    provenance: aigov::core::Envelope,
    checkpoint_key: aigov::core::VerifierKey,
    root: Digest,
}

fn fixture_documents() -> Documents {
    let dir = tempfile::tempdir().expect("tempdir");
    let (builder, clock) = common::on_manual_clock();
    let governor = builder
        .signer(SignerKey::from_seed("aigov-store", [7; 32]).expect("key"))
        .build()
        .expect("governor");
    let actors = enrol(&governor);
    let r = to_production(&governor, &actors, &model_dir(dir.path(), "v1", 0.3));
    governor
        .deploy(&actors.deployer.principal(), &r, "prod", Some("eu-west-1"))
        .expect("deploy");
    let mut indices = Vec::new();
    for i in 0..3 {
        clock.advance(chrono::Duration::minutes(5));
        let receipt = governor
            .record_decision(
                &actors.deployer.principal(),
                common::decision(
                    &r,
                    serde_json::json!({"failed_logins": i, "new_device": 1, "bad_asn": 1}),
                    0.9,
                ),
            )
            .expect("decision");
        indices.push(receipt.index);
    }
    governor
        .record_review(
            &actors.security.principal(),
            indices[1],
            "benign",
            true,
            "travelling",
        )
        .expect("review");
    governor.audit().checkpoint().expect("checkpoint");
    let dossier = governor.dossier(&r).expect("dossier");
    assert_eq!(dossier.log.decisions, 3);
    assert_eq!(dossier.log.reviews.len(), 1);
    assert_eq!(dossier.log.overrides, 1);
    let bom = serde_json::to_string_pretty(&ml_bom(&dossier)).expect("bom") + "\n";
    Documents {
        lineage: aigov::compliance::registration_events(&dossier),
        annex: AnnexIv::build(&dossier),
        card: model_card(&dossier),
        bom,
        provenance: governor.provenance(&r).expect("provenance"),
        checkpoint_key: governor.checkpoint_key(),
        root: dossier.version.root,
    }
}

#[test]
fn annex_iv_lists_exactly_the_open_gaps() {
    let annex = fixture_documents().annex;
    let gaps: Vec<(String, String)> = annex.gaps();
    let expected: Vec<(String, String)> = [
        ("Annex IV §1", "Instructions for use (Art. 13)"),
        ("Annex IV §7", "Standards applied"),
        ("Annex IV §8", "A copy of the declaration"),
        ("Annex IV §9", "Monitoring results"),
        ("Art. 15", "Robustness against data poisoning"),
        ("Art. 72", "Monitoring results"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(gaps, expected);
    assert_eq!(annex.sections.len(), 9);
    // No incident and no alert yet: those framework rows are the only uncovered ones.
    let uncovered: Vec<&str> = annex
        .frameworks
        .iter()
        .filter(|r| r.status == Status::Gap)
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(uncovered, vec!["MANAGE 2.4", "MANAGE 4.3", "A.8.4"]);
    // Every evidenced requirement outside the fixed statements cites its proof.
    for section in &annex.sections {
        for item in &section.items {
            if item.status == Status::Evidenced && section.number != 1 {
                assert!(
                    !item.references.is_empty(),
                    "§{}: {} cites nothing",
                    section.number,
                    item.requirement
                );
            }
        }
    }
    golden("annex_iv.md", &annex.to_markdown());
    golden(
        "annex_iv.json",
        &(serde_json::to_string_pretty(&annex).expect("json") + "\n"),
    );
}

#[test]
fn the_model_card_and_ml_bom_match_their_golden_files() {
    let Documents { card, bom, .. } = fixture_documents();
    assert!(card.starts_with("---\n"));
    assert!(card.contains("model-index:"));
    golden("model_card.md", &card);
    golden("mlbom.json", &bom);
    let value: serde_json::Value = serde_json::from_str(&bom).expect("json");
    assert_eq!(value["specVersion"], "1.6");
    assert_eq!(value["components"][0]["type"], "machine-learning-model");
}

#[test]
fn the_golden_ml_bom_passed_the_official_schema() {
    let bom = std::fs::read(fixtures().join("mlbom.json")).expect("golden BOM");
    let verdict: serde_json::Value = serde_json::from_slice(
        &std::fs::read(fixtures().join("mlbom.schema-verdict.json")).expect("verdict"),
    )
    .expect("verdict json");
    let result = &verdict["results"][0];
    assert_eq!(
        result["sha256"],
        Digest::of(&bom).to_hex(),
        "the verdict is about another BOM: re-run the oracle"
    );
    assert_eq!(result["valid"], true, "{}", result["errors"]);
}

#[test]
fn provenance_is_a_signed_slsa_statement_about_the_root_digest() {
    let docs = fixture_documents();
    let verifiers: [&dyn aigov::core::SignatureVerifier; 1] = [&docs.checkpoint_key];
    docs.provenance
        .verify(&verifiers)
        .expect("signed by the store key");
    let statement = aigov::core::Statement::from_json(&docs.provenance.payload).expect("statement");
    assert_eq!(statement.predicate_type, "https://slsa.dev/provenance/v1");
    assert_eq!(
        statement.subject[0].sha256_digest().expect("digest"),
        docs.root
    );
    let deps = statement.predicate["buildDefinition"]["resolvedDependencies"]
        .as_array()
        .expect("dependencies");
    let names: Vec<&str> = deps.iter().filter_map(|d| d["name"].as_str()).collect();
    assert_eq!(names, vec!["logins-2026-q3", "training-code"]);
    // A short commit is not a digest: it stays in the URI and the annotations.
    assert!(deps[1].get("digest").is_none());
    assert_eq!(
        deps[1]["uri"],
        "git+https://git.example.com/risk/login-risk@3f2a9c1"
    );
    golden(
        "provenance.dsse.json",
        &(serde_json::to_string_pretty(&docs.provenance).expect("json") + "\n"),
    );
    // The oracle's verdict on the golden envelope (in-toto v1, SLSA provenance v1, DSSE).
    let verdict: serde_json::Value = serde_json::from_slice(
        &std::fs::read(fixtures().join("lineage.schema-verdict.json")).expect("verdict"),
    )
    .expect("verdict json");
    let golden_bytes = std::fs::read(fixtures().join("provenance.dsse.json")).expect("golden");
    let result = &verdict["results"][1];
    assert_eq!(result["kind"], "dsse");
    assert_eq!(
        result["sha256"],
        Digest::of(&golden_bytes).to_hex(),
        "re-run the oracle"
    );
    assert_eq!(result["valid"], true, "{}", result["errors"]);
}

#[test]
fn registration_lineage_is_a_start_and_complete_pair() {
    let events = fixture_documents().lineage;
    assert_eq!(events.len(), 2);
    assert_eq!(events[0]["eventType"], "START");
    assert_eq!(events[1]["eventType"], "COMPLETE");
    assert_eq!(events[0]["run"]["runId"], events[1]["run"]["runId"]);
    assert_eq!(events[1]["outputs"][0]["name"], "login-risk@1");
    assert_eq!(events[0]["inputs"][0]["namespace"], "s3://datasets");
    golden(
        "openlineage.json",
        &(serde_json::to_string_pretty(&events).expect("json") + "\n"),
    );
    let verdict: serde_json::Value = serde_json::from_slice(
        &std::fs::read(fixtures().join("lineage.schema-verdict.json")).expect("verdict"),
    )
    .expect("verdict json");
    let golden_bytes = std::fs::read(fixtures().join("openlineage.json")).expect("golden");
    let result = &verdict["results"][0];
    assert_eq!(
        result["sha256"],
        Digest::of(&golden_bytes).to_hex(),
        "re-run the oracle"
    );
    assert_eq!(result["valid"], true, "{}", result["errors"]);
}

/// A Chromium-family browser on PATH, if the machine has one.
fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "headless_shell",
    ]
    .iter()
    .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
    .find(|candidate| candidate.is_file())
}

#[test]
fn the_html_report_renders_in_headless_chromium() {
    let Some(browser) = chromium() else {
        eprintln!(
            "skipping the rendering check: no Chromium on PATH (the structure is checked elsewhere)"
        );
        return;
    };
    let (builder, _) = common::on_manual_clock();
    let governor = builder.build().expect("governor");
    let dir = tempfile::tempdir().expect("tempdir");
    let actors = enrol(&governor);
    let r = to_production(&governor, &actors, &model_dir(dir.path(), "v1", 0.3));
    let html = aigov::compliance::html_report(&governor.dossier(&r).expect("dossier"));
    let page = dir.path().join("report.html");
    std::fs::write(&page, &html).expect("write");
    let shot = dir.path().join("report.png");
    let url = format!("file://{}", page.display());
    let common_args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
    ];
    let status = std::process::Command::new(&browser)
        .args(common_args)
        .arg("--window-size=1200,1600")
        .arg(format!("--screenshot={}", shot.display()))
        .arg(&url)
        .stderr(std::process::Stdio::null())
        .status()
        .expect("run chromium");
    assert!(status.success(), "chromium failed: {status}");
    let png = std::fs::read(&shot).expect("screenshot");
    assert!(png.starts_with(b"\x89PNG"), "not a PNG");
    assert!(
        png.len() > 20_000,
        "a blank page is smaller: {} bytes",
        png.len()
    );
    // The DOM Chromium built holds the charts as SVG elements, not as text.
    let dom = std::process::Command::new(&browser)
        .args(common_args)
        .arg("--dump-dom")
        .arg(&url)
        .stderr(std::process::Stdio::null())
        .output()
        .expect("dump dom");
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(
        dom.matches("<svg").count() >= 4,
        "charts missing from the rendered DOM"
    );
    assert!(dom.contains("Approval chain"));
}
