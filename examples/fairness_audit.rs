//! Audit an alerting model for disparate false positives across regions: group rates with
//! intervals, fairlearn's disparities and a verdict from the default rule (FPR parity ratio
//! >= 0.8, failing only when the interval lies below it).
//!
//! `cargo run --example fairness_audit`

use aigov::fairness::{
    AuditConfig, FairnessError, FairnessReport, SensitiveColumn, Verdict, group_counts,
};

fn main() -> Result<(), FairnessError> {
    // 4,000 logins: (region, truly malicious, flagged). APAC's benign logins are flagged 4x as often.
    let mut truth = Vec::new();
    let mut flagged = Vec::new();
    let mut region = Vec::new();
    for i in 0..4000u32 {
        let (name, fp_every) = if i % 2 == 0 { ("eu", 50) } else { ("apac", 12) };
        let fp_at = if i % 2 == 0 { 2 } else { 1 };
        let malicious = i % 20 == 0;
        truth.push(malicious);
        flagged.push(if malicious {
            i % 100 != 0
        } else {
            i % fp_every == fp_at
        });
        region.push(name.to_string());
    }
    let table = group_counts(
        &truth,
        &flagged,
        &[SensitiveColumn {
            name: "region",
            values: &region,
        }],
        None,
    )?;
    let report = FairnessReport::build(&table, &AuditConfig::default(), None, "example".into())?;
    for group in &report.groups {
        let fpr = &group.rates["fpr"];
        println!(
            "{:?}: FPR {:?} interval {:?}",
            group.group,
            fpr.rate.value(),
            fpr.interval
        );
    }
    for rule in &report.rules {
        println!(
            "{:?}: {:?} ({})",
            rule.rule.metric, rule.verdict, rule.reason
        );
    }
    assert_eq!(report.verdict, Verdict::Fail);
    Ok(())
}
