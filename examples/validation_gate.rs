//! The evidence a validation gate reads, for a small login-risk model: hold-out metrics,
//! how easily a detected attack is pushed under the threshold, and why one login was flagged.
//!
//! Run: `cargo run --example validation_gate`

use aigov::core::Model;
use aigov::explain::{Background, ExplainOptions, explain};
use aigov::validation::{
    Attack, EvasionConfig, FeatureConstraints, HoldoutOptions, LinearModel, evasion_test,
    holdout_metrics,
};
use ndarray::array;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let model = LinearModel::from_json(
        r#"{"features": ["failed_logins", "new_device", "geo_velocity_kmh"],
            "weights": [0.9, 1.4, 0.004], "intercept": -4.0, "link": "logistic"}"#,
    )?;
    // Hold-out logins: failed logins, new device (0/1), travel speed since the last login.
    let rows = array![
        [0.0, 0.0, 10.0],
        [1.0, 0.0, 80.0],
        [6.0, 1.0, 900.0],
        [2.0, 1.0, 300.0],
        [0.0, 1.0, 20.0],
        [7.0, 0.0, 50.0],
        [4.0, 1.0, 1200.0],
        [1.0, 0.0, 5.0],
    ];
    let malicious = [false, false, true, false, false, true, true, false];
    let scores = model.predict(rows.view())?.to_vec();

    let metrics = holdout_metrics(&malicious, &scores, None, &HoldoutOptions::default())?;
    println!(
        "ROC AUC {:?}, recall at 0.5 {:?}",
        metrics.roc_auc.value(),
        metrics.recall.value()
    );

    // The attacker cannot change whether the device is new, and failed logins are counts.
    let constraints = FeatureConstraints::from_data(model.feature_names(), rows.view())?
        .immutable(&["new_device"])?
        .integer(&["failed_logins"])?;
    let evasion = evasion_test(
        &model,
        rows.view(),
        &malicious,
        &constraints,
        Attack::HopSkipJump,
        &EvasionConfig::default(),
    )?;
    println!(
        "{} of {} detected attacks can be pushed under the threshold; median change {:?}",
        evasion.evaded, evasion.attacked, evasion.median_distance
    );

    let background = Background::new(rows.clone(), model.feature_names().to_vec())?;
    let why = explain(
        &model,
        &background,
        &[6.0, 1.0, 900.0],
        &ExplainOptions::default(),
    )?;
    println!(
        "score {:.3} from a base of {:.3}:",
        why.prediction, why.base_value
    );
    for a in &why.top {
        println!("  {:<18}{:+.3}", a.feature, a.value);
    }
    Ok(())
}
