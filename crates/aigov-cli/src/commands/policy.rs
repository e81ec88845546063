//! `aigov policy ...`: evaluate gates, print their inputs and schemas, run Rego tests.

use std::path::PathBuf;

use aigov_policy::{Gate, PolicyBundle, PolicyConfig, PolicyEngine, run_rego_tests};
use clap::Subcommand;
use serde_json::json;

use crate::failure::Failure;

/// `aigov policy` subcommands.
#[derive(Subcommand, Debug)]
pub enum PolicyCommand {
    /// Evaluate a gate (exit 0 allowed, 1 denied, 2 bad input).
    Eval {
        /// registration, validation, staging, production, deployment or authz.
        #[arg(long)]
        gate: Gate,
        /// The gate's input (JSON).
        #[arg(long)]
        input: PathBuf,
        /// A bundle directory instead of the shipped policies.
        #[arg(long)]
        bundle: Option<PathBuf>,
        /// A policy.yaml instead of the defaults.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Refuse the bundle unless its digest is this `sha256:...`.
        #[arg(long)]
        bundle_digest: Option<aigov_core::Digest>,
        /// Print the decision as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print a complete input the default policy allows.
    ExampleInput {
        /// The gate.
        #[arg(long)]
        gate: Gate,
    },
    /// Print the JSON Schema of a gate's input.
    Schema {
        /// The gate.
        #[arg(long)]
        gate: Gate,
    },
    /// Put a policy.yaml in force on the store (admins): it is checked, its digest is
    /// recorded in the audit log, and it becomes the store's policy.yaml; a policy.yaml
    /// changed any other way stops the store from opening.
    Apply {
        /// The policy.yaml to apply.
        file: PathBuf,
    },
    /// Run the Rego unit tests of a bundle (default: the shipped policies); exit 1 on failure.
    Test {
        /// A bundle directory.
        dir: Option<PathBuf>,
        /// A policy.yaml instead of the defaults.
        #[arg(long)]
        config: Option<PathBuf>,
    },
}

fn load(
    bundle: Option<&PathBuf>,
    config: Option<&PathBuf>,
) -> Result<(PolicyBundle, PolicyConfig), Failure> {
    let bundle = match bundle {
        Some(dir) => PolicyBundle::load_dir(dir)?,
        None => PolicyBundle::builtin(),
    };
    let config = match config {
        Some(path) => PolicyConfig::load(path)?,
        None => PolicyConfig::default(),
    };
    Ok((bundle, config))
}

/// Runs a policy subcommand.
pub fn run(global: &crate::store::GlobalArgs, command: PolicyCommand) -> Result<(), Failure> {
    match command {
        PolicyCommand::Apply { file } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| Failure::BadInput(format!("{}: {e}", file.display())))?;
            let governor = global.governor_recovering_policy()?;
            let principal = global.principal(&governor, aigov_core::Action::ApplyPolicy)?;
            let digest = governor.apply_policy(&principal, &text)?;
            println!(
                "{} applied: configuration {digest}, policy {}",
                file.display(),
                governor.policy_digest()
            );
            Ok(())
        }
        PolicyCommand::Eval {
            gate,
            input,
            bundle,
            config,
            bundle_digest,
            json,
        } => {
            let (bundle, config) = load(bundle.as_ref(), config.as_ref())?;
            if let Some(expected) = &bundle_digest {
                bundle.verify_digest(expected)?;
            }
            let engine = PolicyEngine::new(&bundle, &config)?;
            let text = std::fs::read(&input)
                .map_err(|e| Failure::BadInput(format!("{}: {e}", input.display())))?;
            let value: serde_json::Value = serde_json::from_slice(&text)
                .map_err(|e| Failure::BadInput(format!("{}: {e}", input.display())))?;
            let decision = engine.evaluate(gate, &value)?;
            if json {
                let out = json!({
                    "allow": decision.allow,
                    "deny": decision.deny,
                    "warn": decision.warn,
                    "decision_id": decision.record.decision_id,
                    "policy_digest": decision.record.policy_digest,
                    "revision": bundle.revision,
                });
                println!("{}", serde_json::to_string_pretty(&out)?);
            } else {
                println!(
                    "{} gate: {}",
                    gate,
                    if decision.allow { "allowed" } else { "denied" }
                );
                for f in &decision.deny {
                    println!("  deny {}: {}", f.code, f.msg);
                }
                for f in &decision.warn {
                    println!("  warn {}: {}", f.code, f.msg);
                }
            }
            if decision.allow {
                Ok(())
            } else {
                let codes: Vec<&str> = decision.deny.iter().map(|f| f.code.as_str()).collect();
                Err(Failure::Negative(format!(
                    "{gate} gate denied: {}",
                    codes.join(", ")
                )))
            }
        }
        PolicyCommand::ExampleInput { gate } => {
            println!("{}", serde_json::to_string_pretty(&gate.example_input())?);
            Ok(())
        }
        PolicyCommand::Schema { gate } => {
            println!("{}", serde_json::to_string_pretty(&gate.input_schema())?);
            Ok(())
        }
        PolicyCommand::Test { dir, config } => {
            let (bundle, config) = load(dir.as_ref(), config.as_ref())?;
            let results = run_rego_tests(&bundle, &config)?;
            let failed = results.iter().filter(|r| !r.passed).count();
            for r in &results {
                match &r.detail {
                    None => println!("PASS {}", r.name),
                    Some(d) => println!("FAIL {}: {d}", r.name),
                }
            }
            println!("{} passed, {failed} failed", results.len() - failed);
            if failed == 0 && !results.is_empty() {
                Ok(())
            } else if results.is_empty() {
                Err(Failure::Negative("no Rego tests found".into()))
            } else {
                Err(Failure::Negative(format!("{failed} Rego test(s) failed")))
            }
        }
    }
}
