//! The fairness report: everything a compliance review needs to re-check the verdict (the
//! inputs' digest, the configuration and seed, counts, rates with Wilson intervals,
//! disparities, AIF360's signed metrics, rule outcomes), serializable as JSON and mappable to
//! CycloneDX `modelCard.considerations.fairnessAssessments`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::FairnessError;
use crate::aif360::SignedMetrics;
use crate::counts::{ConfusionCounts, GroupTable};
use crate::disparity::{Aggregate, Disparities, Disparity, RateTable};
use crate::intervals::{
    Interval, chi2_homogeneity, fisher_exact, holm, kish_effective_n, wilson, z_for,
};
use crate::metrics::{GroupRates, Rate};
use crate::verdict::{AuditConfig, RuleOutcome, Verdict, judge, overall_verdict};

/// A rate with its Wilson interval.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RateWithInterval {
    /// The rate or why there is none.
    pub rate: Rate,
    /// The Wilson interval (Kish effective n under weights).
    pub interval: Option<Interval>,
}

/// One group's figures.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupFigures {
    /// Sensitive column -> value.
    pub group: BTreeMap<String, String>,
    /// The counts.
    pub counts: ConfusionCounts,
    /// Rate name -> rate with interval.
    pub rates: BTreeMap<String, RateWithInterval>,
}

/// A test of whether a rate differs across groups.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GroupTest {
    /// Which rate (`fpr`, `selection_rate`).
    pub rate: String,
    /// Chi-square test of homogeneity across the non-empty groups: statistic, dof, p.
    pub homogeneity: Option<(f64, usize, f64)>,
    /// Fisher's exact test of each group against all other rows: group, p, Holm-adjusted p.
    pub each_against_rest: Vec<(BTreeMap<String, String>, f64, f64)>,
}

fn group_tests(table: &GroupTable) -> Vec<GroupTest> {
    // (events, non-events) on unweighted rows: exact tests need counts.
    let cells = |c: &ConfusionCounts, rate: &str| {
        let [tp, fp, tn, fnn] = c.rows_by_cell;
        match rate {
            "fpr" => (fp, tn),
            _ => (tp + fp, tn + fnn),
        }
    };
    ["fpr", "selection_rate"]
        .into_iter()
        .map(|rate| {
            let groups: Vec<_> = table.groups.iter().filter(|g| !g.is_empty()).collect();
            let pairs: Vec<(u64, u64)> = groups.iter().map(|g| cells(&g.counts, rate)).collect();
            let (all_e, all_n) = cells(&table.overall, rate);
            let raw: Vec<f64> = pairs
                .iter()
                .map(|(e, n)| fisher_exact(*e, *n, all_e - e, all_n - n))
                .collect();
            let adjusted = holm(&raw);
            GroupTest {
                rate: rate.to_string(),
                homogeneity: chi2_homogeneity(
                    &pairs
                        .iter()
                        .map(|(e, n)| (*e as f64, *n as f64))
                        .collect::<Vec<_>>(),
                ),
                each_against_rest: groups
                    .iter()
                    .zip(raw.iter().zip(&adjusted))
                    .map(|(g, (p, a))| (g.group.clone(), *p, *a))
                    .collect(),
            }
        })
        .collect()
}

/// The fairness report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FairnessReport {
    /// SHA-256 of the audited data, as the caller computed it.
    pub inputs_digest: String,
    /// The configuration (seed included).
    pub config: AuditConfig,
    /// All rows.
    pub overall: GroupFigures,
    /// Every cell of the product of the sensitive columns, empty ones included.
    pub groups: Vec<GroupFigures>,
    /// fairlearn's disparities, worst case over TPR and FPR for equalized odds.
    pub disparities: Disparities,
    /// AIF360's metrics against the privileged group, when one was named.
    pub signed: Option<SignedMetrics>,
    /// Tests of whether the FPR and the selection rate differ across groups.
    pub tests: Vec<GroupTest>,
    /// Each rule's outcome.
    pub rules: Vec<RuleOutcome>,
    /// The overall verdict.
    pub verdict: Verdict,
}

fn figures(
    group: BTreeMap<String, String>,
    counts: &ConfusionCounts,
    config: &AuditConfig,
    z: f64,
) -> GroupFigures {
    let rates = GroupRates::from_counts(counts, config.min_group);
    let sq = counts.weight_squares;
    let all_sq: f64 = sq.iter().sum();
    let n_eff = |total: f64, squares: f64| kish_effective_n(total, squares);
    let list = [
        (
            "selection_rate",
            rates.selection_rate,
            n_eff(counts.weight(), all_sq),
        ),
        (
            "tpr",
            rates.tpr,
            n_eff(counts.tp + counts.fn_, sq[0] + sq[3]),
        ),
        (
            "fpr",
            rates.fpr,
            n_eff(counts.fp + counts.tn, sq[1] + sq[2]),
        ),
        (
            "fnr",
            rates.fnr,
            n_eff(counts.tp + counts.fn_, sq[0] + sq[3]),
        ),
        (
            "tnr",
            rates.tnr,
            n_eff(counts.fp + counts.tn, sq[1] + sq[2]),
        ),
        (
            "precision",
            rates.precision,
            n_eff(counts.tp + counts.fp, sq[0] + sq[1]),
        ),
        ("accuracy", rates.accuracy, n_eff(counts.weight(), all_sq)),
    ];
    GroupFigures {
        group,
        counts: *counts,
        rates: list
            .into_iter()
            .map(|(name, rate, n)| {
                let interval = rate.value().and_then(|p| wilson(p, n, z));
                (name.to_string(), RateWithInterval { rate, interval })
            })
            .collect(),
    }
}

impl FairnessReport {
    /// Audits a group table; `privileged` names AIF360's privileged group and its counts are
    /// taken from the rows matching it.
    pub fn build(
        table: &GroupTable,
        config: &AuditConfig,
        privileged: Option<(BTreeMap<String, String>, ConfusionCounts, ConfusionCounts)>,
        inputs_digest: String,
    ) -> Result<FairnessReport, FairnessError> {
        config.validate()?;
        let z = z_for(config.confidence)?;
        let rate_table = RateTable::new(table, config.min_group);
        let rules = judge(table, config)?;
        Ok(FairnessReport {
            inputs_digest,
            overall: figures(BTreeMap::new(), &table.overall, config, z),
            groups: table
                .groups
                .iter()
                .map(|g| figures(g.group.clone(), &g.counts, config, z))
                .collect(),
            disparities: Disparities::new(&rate_table, config.method, Aggregate::WorstCase),
            signed: privileged.map(|(group, unprivileged, privileged)| {
                SignedMetrics::new(group, &unprivileged, &privileged, config.min_group)
            }),
            verdict: overall_verdict(&rules),
            tests: group_tests(table),
            rules,
            config: config.clone(),
        })
    }

    /// The report in the CLI's JSON shape: rates and disparities as numbers or `null` with a
    /// reason beside them.
    pub fn to_cli_json(&self) -> Value {
        let group_json = |f: &GroupFigures| {
            let mut o = serde_json::Map::new();
            if !f.group.is_empty() {
                o.insert("group".into(), json!(f.group));
            }
            o.insert("n".into(), json!(f.counts.rows));
            for (k, v) in [
                ("tp", f.counts.tp),
                ("fp", f.counts.fp),
                ("tn", f.counts.tn),
                ("fn", f.counts.fn_),
            ] {
                o.insert(k.into(), json!(v));
            }
            let mut reasons = serde_json::Map::new();
            let mut intervals = serde_json::Map::new();
            for (name, r) in &f.rates {
                match r.rate {
                    Rate::Value { value, .. } => {
                        o.insert(name.clone(), json!(value));
                    }
                    Rate::InsufficientEvidence { n, needed } => {
                        o.insert(name.clone(), Value::Null);
                        reasons.insert(
                            name.clone(),
                            json!(format!("insufficient evidence: {n} rows, {needed} needed")),
                        );
                    }
                }
                if let Some(i) = r.interval {
                    intervals.insert(name.clone(), json!([i.lower, i.upper]));
                }
            }
            o.insert("intervals".into(), Value::Object(intervals));
            if !reasons.is_empty() {
                o.insert("reasons".into(), Value::Object(reasons));
            }
            Value::Object(o)
        };
        let disparity_json = |d: &Disparity| match d {
            Disparity::Value { value } => (json!(value), None),
            Disparity::InsufficientEvidence { groups } => (
                Value::Null,
                Some(format!(
                    "insufficient evidence in {} group(s): {}",
                    groups.len(),
                    groups
                        .iter()
                        .map(|g| g.values().cloned().collect::<Vec<_>>().join("/"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            ),
            Disparity::Undefined { reason } => (Value::Null, Some(reason.clone())),
        };
        let d = &self.disparities;
        let mut disparities = serde_json::Map::new();
        let mut reasons = serde_json::Map::new();
        for (name, value) in [
            (
                "demographic_parity_difference",
                &d.demographic_parity_difference,
            ),
            ("demographic_parity_ratio", &d.demographic_parity_ratio),
            ("equalized_odds_difference", &d.equalized_odds_difference),
            ("equalized_odds_ratio", &d.equalized_odds_ratio),
            (
                "equal_opportunity_difference",
                &d.equal_opportunity_difference,
            ),
            ("equal_opportunity_ratio", &d.equal_opportunity_ratio),
            (
                "false_positive_rate_difference",
                &d.false_positive_rate_difference,
            ),
            ("false_positive_rate_ratio", &d.false_positive_rate_ratio),
        ] {
            let (v, reason) = disparity_json(value);
            disparities.insert(name.into(), v);
            if let Some(r) = reason {
                reasons.insert(name.into(), json!(r));
            }
        }
        if let Some(s) = &self.signed {
            for (name, value) in [
                (
                    "statistical_parity_difference",
                    &s.statistical_parity_difference,
                ),
                ("disparate_impact", &s.disparate_impact),
                ("average_odds_difference", &s.average_odds_difference),
                (
                    "average_abs_odds_difference",
                    &s.average_abs_odds_difference,
                ),
                (
                    "aif360_equal_opportunity_difference",
                    &s.equal_opportunity_difference,
                ),
            ] {
                let (v, reason) = disparity_json(value);
                disparities.insert(name.into(), v);
                if let Some(r) = reason {
                    reasons.insert(name.into(), json!(r));
                }
            }
        }
        if !reasons.is_empty() {
            disparities.insert("reasons".into(), Value::Object(reasons));
        }
        json!({
            "inputs_digest": self.inputs_digest,
            "overall": group_json(&self.overall),
            "groups": self.groups.iter().map(group_json).collect::<Vec<_>>(),
            "disparities": Value::Object(disparities),
            "verdict": self.verdict,
            "rules": self.rules,
            "tests": self.tests,
            "config": self.config,
        })
    }

    /// The group the metric disadvantages most: the highest flag or false-positive rate, or
    /// the lowest true-positive rate.
    fn group_at_risk(&self, metric: crate::verdict::RuleMetric) -> String {
        use crate::verdict::RuleMetric::*;
        let (rate, highest) = match metric {
            EqualOpportunityRatio | EqualOpportunityDifference => ("tpr", false),
            DemographicParityRatio | DemographicParityDifference | FavourableRateRatio => {
                ("selection_rate", true)
            }
            _ => ("fpr", true),
        };
        let pick = self
            .groups
            .iter()
            .filter_map(|g| Some((g, g.rates.get(rate)?.rate.value()?)))
            .reduce(|a, b| {
                if (b.1 > a.1) == highest && b.1 != a.1 {
                    b
                } else {
                    a
                }
            });
        pick.map_or_else(
            || "undetermined".to_string(),
            |(g, _)| {
                g.group
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        )
    }

    /// CycloneDX 1.5+ `modelCard.considerations.fairnessAssessments`: one entry per rule that
    /// did not pass, naming the group at risk and the harm, plus one for a passing audit.
    pub fn to_cyclonedx_fairness_assessments(&self) -> Value {
        let mut out = Vec::new();
        for r in &self.rules {
            if r.verdict == Verdict::Pass {
                continue;
            }
            let interval = r
                .interval
                .map(|i| format!(" (interval {:.4} to {:.4})", i.lower, i.upper))
                .unwrap_or_default();
            out.push(json!({
                "groupAtRisk": self.group_at_risk(r.rule.metric),
                "benefits": "",
                "harms": format!("{:?}: {}{} — {}", r.rule.metric, r.value.map_or("undefined".to_string(), |v| format!("{v:.4}")), interval, r.reason),
                "mitigationStrategy": match r.verdict {
                    Verdict::InsufficientEvidence => "collect labelled feedback for the groups without evidence before relying on the model",
                    _ => "review thresholds per group and retrain or recalibrate before promotion",
                },
            }));
        }
        if out.is_empty() {
            out.push(json!({
                "groupAtRisk": "none identified",
                "benefits": format!("all {} fairness rule(s) passed on data {}", self.rules.len(), self.inputs_digest),
                "harms": "",
                "mitigationStrategy": "",
            }));
        }
        Value::Array(out)
    }
}
