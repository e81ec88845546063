//! A Rego unit-test runner: discovers `test_*` rules in `*_test.rego` modules, evaluates each,
//! and counts only `true` as a pass.

use serde::{Deserialize, Serialize};

use crate::engine::prepare;
use crate::{PolicyBundle, PolicyConfig, PolicyError};

/// One test's outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegoTestResult {
    /// The test module.
    pub file: String,
    /// `data.<package>.<rule>`.
    pub name: String,
    /// True only if the rule evaluated to `true`.
    pub passed: bool,
    /// What it evaluated to, or the error, when it did not pass.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// The names of `test_*` rules defined in a module.
fn test_rules(text: &str) -> Vec<String> {
    let mut names: Vec<String> = text
        .lines()
        .filter(|line| line.starts_with("test_"))
        .map(|line| {
            line.chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect()
        })
        .collect();
    names.dedup();
    names
}

/// Runs every test of the bundle with the configuration loaded as `data.aigov.config`.
pub fn run_rego_tests(
    bundle: &PolicyBundle,
    config: &PolicyConfig,
) -> Result<Vec<RegoTestResult>, PolicyError> {
    let mut engine = prepare(bundle, config, false)?;
    engine.set_input(regorus::Value::new_object());
    let mut results = Vec::new();
    for (file, text) in &bundle.tests {
        let mut with_test = engine.clone();
        let package = with_test
            .add_policy(file.clone(), text.clone())
            .map_err(|e| PolicyError::Bundle {
                path: file.into(),
                reason: e.to_string(),
            })?;
        for rule in test_rules(text) {
            let name = format!("{package}.{rule}");
            let (passed, detail) = match with_test.eval_rule(name.clone()) {
                Ok(regorus::Value::Bool(true)) => (true, None),
                Ok(other) => (false, Some(format!("evaluated to {other:?}"))),
                Err(e) => (false, Some(e.to_string())),
            };
            results.push(RegoTestResult {
                file: file.clone(),
                name,
                passed,
                detail,
            });
        }
    }
    Ok(results)
}
