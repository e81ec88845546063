//! CSV input to drift (tables, profiles, scoring) and fairness (group counts, the report).
#![no_main]

use std::collections::BTreeMap;

use aigov_drift::{DriftOptions, ProfileOptions, ReferenceProfile, Table, compare_profile};
use aigov_fairness::{AuditConfig, FairnessReport, SensitiveColumn, group_counts};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Drift: the first half is the reference, the second the current data.
    let cut = data.iter().position(|b| *b == 0).unwrap_or(data.len() / 2);
    let (reference, current) = data.split_at(cut);
    if let Ok(table) = Table::from_reader(reference, &BTreeMap::new(), "reference") {
        let profile = ReferenceProfile::fit(&table, &ProfileOptions::default());
        if let Ok(text) = std::str::from_utf8(profile.to_json().as_bytes()) {
            let _ = ReferenceProfile::from_json(text);
        }
        let types = aigov_drift::profile_types(&profile);
        if let Ok(current) = Table::from_reader(current, &types, "current") {
            let _ = compare_profile(&profile, current, None, &DriftOptions::default());
        }
    }
    // Fairness: columns y_true, y_pred, group as the CLI reads them.
    let mut reader = csv::ReaderBuilder::new().from_reader(data);
    let (mut truth, mut flagged, mut groups) = (Vec::new(), Vec::new(), Vec::new());
    for record in reader.records().take(10_000) {
        let Ok(record) = record else {
            return;
        };
        let (Some(t), Some(p), Some(g)) = (record.get(0), record.get(1), record.get(2)) else {
            return;
        };
        truth.push(t.trim() == "1");
        flagged.push(p.trim() == "1");
        groups.push(g.to_string());
    }
    if let Ok(counts) = group_counts(
        &truth,
        &flagged,
        &[SensitiveColumn {
            name: "group",
            values: &groups,
        }],
        None,
    ) {
        let _ = FairnessReport::build(&counts, &AuditConfig::default(), None, "fuzz".into());
    }
});
