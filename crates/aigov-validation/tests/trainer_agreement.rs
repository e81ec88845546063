//! LogisticTrainer reaches scikit-learn's optimum (tests/fixtures/validation/logistic_trainer.json,
//! made by tests/oracles/validation_trainer_fixtures.py).

use aigov_validation::LogisticTrainer;
use ndarray::Array2;
use serde_json::Value;

#[test]
fn the_logistic_trainer_matches_scikit_learn() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/validation/logistic_trainer.json"
    );
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let cases = doc["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 4);
    for case in cases {
        let id = case["id"].as_str().unwrap();
        let rows: Vec<Vec<f64>> = case["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r.as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_f64().unwrap())
                    .collect()
            })
            .collect();
        let d = rows[0].len();
        let x = Array2::from_shape_vec((rows.len(), d), rows.concat()).unwrap();
        let y: Vec<bool> = case["labels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_bool().unwrap())
            .collect();
        let mut trainer = LogisticTrainer::new((0..d).map(|i| format!("f{i}")).collect());
        trainer.c = case["C"].as_f64().unwrap();
        let model = trainer.fit(x.view(), &y).unwrap();
        let expected: Vec<f64> = case["weights"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        for (j, (a, b)) in model.weights.iter().zip(&expected).enumerate() {
            assert!(
                (a - b).abs() <= 1e-6 * b.abs().max(1e-3),
                "{id} weight {j}: {a} vs {b}"
            );
        }
        let b = case["intercept"].as_f64().unwrap();
        assert!(
            (model.intercept - b).abs() <= 1e-6 * b.abs().max(1e-3),
            "{id}: {} vs {b}",
            model.intercept
        );
    }
}
