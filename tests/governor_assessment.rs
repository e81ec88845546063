//! Evidence from the registered model itself: `Governor::assess` loads the version's
//! digest-checked files and its reports equal the crates' own on the same data.

mod common;

use aigov::core::{Model, ModelRef};
use aigov::fairness::AuditConfig;
use aigov::governor::Holdout;
use aigov::registry::EvidenceKind;
use aigov::validation::{HoldoutOptions, LinearModel, holdout_metrics};
use aigov::{Error, Governor};
use common::{FEATURES, enrol, holdout, model_dir, model_json, registration};

#[test]
fn assessment_reports_equal_the_crates_own_and_are_attached() {
    let dir = tempfile::tempdir().expect("tempdir");
    let governor = Governor::in_memory().expect("governor");
    let actors = enrol(&governor);
    let v = governor
        .register(
            &actors.scientist.principal(),
            registration(&model_dir(dir.path(), "m", 0.3), &actors),
        )
        .expect("register");
    let r = ModelRef::version(v.name, v.version);
    let (x, y, region) = holdout(1000, 0.0);
    let assessment = governor
        .assess(
            &actors.scientist.principal(),
            &r,
            &Holdout {
                rows: x.view(),
                labels: &y,
                sensitive: vec![("region", &region)],
                threshold: 0.5,
                constraints: None,
                fairness: AuditConfig::default(),
                background_rows: 50,
            },
        )
        .expect("assess");
    let model = LinearModel::from_json(&model_json(0.3)).expect("model");
    let scores = model.predict(x.view()).expect("scores").to_vec();
    let expected = holdout_metrics(&y, &scores, None, &HoldoutOptions::default()).expect("metrics");
    assert_eq!(assessment.performance, expected);
    let kinds: Vec<EvidenceKind> = assessment
        .version
        .evidence
        .iter()
        .map(|e| e.kind.clone())
        .collect();
    for kind in [
        EvidenceKind::Performance,
        EvidenceKind::Fairness,
        EvidenceKind::Robustness,
        EvidenceKind::DriftBaseline,
        EvidenceKind::ExplanationBaseline,
    ] {
        assert!(kinds.contains(&kind), "{kind} missing from {kinds:?}");
    }
    let background = governor
        .explanation_background(&r)
        .expect("read")
        .expect("background");
    assert_eq!(background.rows().nrows(), 50);
    assert_eq!(background.feature_names(), FEATURES.map(String::from));
    assert_eq!(
        governor.drift_baseline(&r).expect("profile").columns.len(),
        FEATURES.len()
    );
    // An attacker who may change every feature within its range evades every detection:
    // the validation gate rejects the version on this evidence.
    let refused = governor
        .validate(&actors.validator.principal(), &r)
        .expect_err("evadable");
    assert_eq!(refused.codes(), vec!["evasion_rate_above_maximum"]);
    assert_eq!(
        governor.registry().resolve(&r).expect("v").stage,
        aigov::registry::Stage::Rejected
    );
}

#[test]
fn a_version_without_a_scorable_model_cannot_be_assessed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let governor = Governor::in_memory().expect("governor");
    let actors = enrol(&governor);
    let path = dir.path().join("weights");
    std::fs::create_dir_all(&path).expect("dir");
    std::fs::write(path.join("weights.bin"), [1u8; 64]).expect("file");
    let v = governor
        .register(&actors.scientist.principal(), registration(&path, &actors))
        .expect("register");
    let r = ModelRef::version(v.name, v.version);
    assert!(matches!(
        governor.load_model(&r),
        Err(Error::InvalidInput { .. })
    ));
    // An ONNX model needs the `onnx` feature of aigov-validation (the facade's `onnx`).
    let onnx = dir.path().join("onnx");
    std::fs::create_dir_all(&onnx).expect("dir");
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/validation/onnx/logreg.onnx"
        ),
        onnx.join("model.onnx"),
    )
    .expect("copy");
    let v = governor
        .register(&actors.scientist.principal(), registration(&onnx, &actors))
        .expect("register");
    let loaded = governor.load_model(&ModelRef::version(v.name, v.version));
    if aigov::validation::ONNX_SUPPORTED {
        assert_eq!(loaded.expect("onnx").feature_names().len(), 6);
    } else {
        let Err(error) = loaded else {
            panic!("an ONNX model loaded without the onnx feature");
        };
        let error = error.to_string();
        assert!(error.contains("onnx"), "{error}");
    }
}
