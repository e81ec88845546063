//! `aigov model verify`.

use aigov_core::ModelRef;

use crate::failure::Failure;
use crate::store::GlobalArgs;

/// Verifies a version; exit 0 when intact, 1 with every failure listed otherwise.
pub fn run(global: &GlobalArgs, reference: &str, json: bool) -> Result<(), Failure> {
    let reference: ModelRef = reference
        .parse()
        .map_err(|e| Failure::BadInput(format!("{e}")))?;
    // Reads go through the governor too: the one door onto the store.
    let governor = global.governor()?;
    let trust = governor.directory().trust();
    let version = governor.registry().resolve(&reference)?;
    let report = governor.registry().verify(&version, &trust)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        for failure in &report.failures {
            println!("FAIL {}: {}", failure.subject, failure.detail);
        }
        for (i, check) in report.approvals.iter().enumerate() {
            if let Some(problem) = &check.problem {
                println!("approval {i}: {problem}");
            }
        }
    }
    if report.is_intact() {
        if !json {
            println!(
                "intact: {} {} ({} files re-hashed, {} approvals checked)",
                report.version,
                report.root,
                report.artifacts_checked,
                report.approvals.len()
            );
        }
        Ok(())
    } else {
        Err(Failure::Negative(format!(
            "{} failed verification: {} problem(s)",
            report.version,
            report.failures.len()
        )))
    }
}
