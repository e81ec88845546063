//! The JSON linear model behind the Model trait: scores, width and input checks.

use aigov_validation::{LinearModel, Model, roc_auc};
use ndarray::array;

const LOGISTIC: &str = r#"{"features": ["failed_logins", "bytes_out"], "weights": [0.8, -0.002], "intercept": -1.5, "link": "logistic"}"#;

#[test]
fn a_logistic_model_scores_rows() {
    let model = LinearModel::from_json(LOGISTIC).unwrap();
    assert_eq!(model.feature_names(), ["failed_logins", "bytes_out"]);
    let rows = array![[0.0, 0.0], [5.0, 100.0], [1.0, 500.0]];
    let scores = model.predict(rows.view()).unwrap();
    let expected = |z: f64| 1.0 / (1.0 + (-z).exp());
    assert!((scores[0] - expected(-1.5)).abs() < 1e-15);
    assert!((scores[1] - expected(-1.5 + 4.0 - 0.2)).abs() < 1e-15);
    let y = [false, true, false];
    assert_eq!(roc_auc(&y, scores.as_slice().unwrap(), None).unwrap(), 1.0);
}

#[test]
fn bad_models_and_rows_are_errors() {
    assert!(
        LinearModel::from_json(
            r#"{"features": ["a"], "weights": [1, 2], "intercept": 0, "link": "identity"}"#
        )
        .is_err()
    );
    assert!(
        LinearModel::from_json(
            r#"{"features": ["a"], "weights": [1], "intercept": 0, "link": "probit"}"#
        )
        .is_err()
    );
    assert!(LinearModel::from_json("not json").is_err());
    let model = LinearModel::from_json(LOGISTIC).unwrap();
    assert!(model.predict(array![[1.0, 2.0, 3.0]].view()).is_err());
    assert!(model.predict(array![[f64::NAN, 2.0]].view()).is_err());
}
