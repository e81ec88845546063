//! Verdicts from configured rules, by one rule that the validation gate applies too: a rule
//! fails when its point estimate lies past the tolerance (below `min`, above `max`) and
//! passes otherwise; it is `insufficient-evidence` when a group lacks the rows the metric
//! needs or no interval can be computed. The interval is reported next to the estimate as
//! its uncertainty, and a pass whose interval reaches past the tolerance says so; it never
//! turns a point estimate past the tolerance into a pass, because a model that flags people
//! must show it is fair rather than be given the benefit of a small sample. The direction (whether the flag rate or the pass rate is the favourable
//! outcome) is explicit and recorded. For models that flag people the default primary rule is
//! false-positive-rate parity.

use serde::{Deserialize, Serialize};

use crate::FairnessError;
use crate::bootstrap::bootstrap_interval;
use crate::counts::{ConfusionCounts, GroupTable};
use crate::disparity::{Aggregate, Disparities, Disparity, DisparityMethod, RateTable};
use crate::intervals::{Interval, katz, kish_effective_n, newcombe, wilson, z_for};
use crate::metrics::RateKind;

/// Which outcome the people being judged want.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// The model flags people (alerts, blocks): not being flagged is favourable.
    #[default]
    Flag,
    /// The model grants something: being selected is favourable.
    Pass,
}

/// A metric a rule can bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleMetric {
    /// Ratio of false-positive rates (least / most flagged benign group).
    FalsePositiveRateRatio,
    /// Difference of false-positive rates.
    FalsePositiveRateDifference,
    /// Ratio of favourable-outcome rates (the four-fifths rule).
    FavourableRateRatio,
    /// Ratio of selection (flag) rates.
    DemographicParityRatio,
    /// Difference of selection (flag) rates.
    DemographicParityDifference,
    /// Ratio of true-positive rates.
    EqualOpportunityRatio,
    /// Difference of true-positive rates.
    EqualOpportunityDifference,
    /// The larger of the TPR and FPR differences.
    EqualizedOddsDifference,
}

/// One rule: a metric with a lower (`min`) or upper (`max`) tolerance.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// The metric.
    pub metric: RuleMetric,
    /// Fail when the point estimate lies below this.
    #[serde(default)]
    pub min: Option<f64>,
    /// Fail when the point estimate lies above this.
    #[serde(default)]
    pub max: Option<f64>,
}

/// Audit settings, as read from `rules.yaml`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuditConfig {
    /// Which outcome is favourable.
    pub direction: Direction,
    /// Fewest rows a rate's denominator needs in every group.
    pub min_group: u64,
    /// Confidence of the intervals.
    pub confidence: f64,
    /// How groups are compared.
    pub method: DisparityMethod,
    /// Bootstrap resamples (at least 1,000).
    pub resamples: usize,
    /// Bootstrap seed (recorded in the report).
    pub seed: u64,
    /// The rules; the default is false-positive-rate parity (ratio >= 0.8).
    pub rules: Vec<Rule>,
}

impl Default for AuditConfig {
    fn default() -> Self {
        AuditConfig {
            direction: Direction::Flag,
            min_group: 30,
            confidence: 0.95,
            method: DisparityMethod::BetweenGroups,
            resamples: 1000,
            seed: 20261126,
            rules: vec![Rule {
                metric: RuleMetric::FalsePositiveRateRatio,
                min: Some(0.8),
                max: None,
            }],
        }
    }
}

impl AuditConfig {
    /// Reads and checks a YAML configuration.
    pub fn from_yaml(text: &str) -> Result<AuditConfig, FairnessError> {
        let config: AuditConfig = aigov_core::yaml::from_yaml(text)
            .map_err(|e| FairnessError::invalid("configuration", e.to_string()))?;
        config.validate()?;
        Ok(config)
    }

    /// Refuses rules without a bound, impossible confidences and too few resamples.
    pub fn validate(&self) -> Result<(), FairnessError> {
        z_for(self.confidence)?;
        if self.resamples < crate::bootstrap::MIN_RESAMPLES {
            return Err(FairnessError::invalid(
                "resamples",
                format!("at least {} are needed", crate::bootstrap::MIN_RESAMPLES),
            ));
        }
        if self.rules.is_empty() {
            return Err(FairnessError::invalid("rules", "no rules to judge by"));
        }
        for r in &self.rules {
            let finite = |v: Option<f64>| v.is_none_or(f64::is_finite);
            if (r.min.is_none() && r.max.is_none()) || !finite(r.min) || !finite(r.max) {
                return Err(FairnessError::invalid(
                    "rules",
                    format!("{:?} needs a finite min or max", r.metric),
                ));
            }
        }
        Ok(())
    }
}

/// The outcome of a rule or of the audit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The point estimate is within the tolerance.
    Pass,
    /// The point estimate lies past the tolerance.
    Fail,
    /// A group lacks the rows the metric needs.
    InsufficientEvidence,
}

/// One rule's outcome.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RuleOutcome {
    /// The rule.
    pub rule: Rule,
    /// The metric's value.
    pub value: Option<f64>,
    /// Its interval.
    pub interval: Option<Interval>,
    /// How the interval was computed (`newcombe`, `katz`, `bootstrap`).
    pub interval_method: Option<String>,
    /// The verdict.
    pub verdict: Verdict,
    /// Why, in words.
    pub reason: String,
}

/// The extreme pair of groups for a rate: (lowest, highest), with their counts.
fn extremes<'a>(
    table: &'a GroupTable,
    rates: &RateTable,
    kind: RateKind,
) -> Option<(&'a ConfusionCounts, f64, &'a ConfusionCounts, f64)> {
    let mut values = Vec::new();
    for (g, r) in &rates.groups {
        let counts = &table.groups.iter().find(|x| &x.group == g)?.counts;
        values.push((counts, r.get(kind).value()?));
    }
    let lo = values.iter().min_by(|a, b| a.1.total_cmp(&b.1))?;
    let hi = values.iter().max_by(|a, b| a.1.total_cmp(&b.1))?;
    Some((lo.0, lo.1, hi.0, hi.1))
}

/// Events and effective trials of a rate in a group (Kish under weights).
fn effective(counts: &ConfusionCounts, kind: RateKind, favourable_pass: bool) -> (f64, f64) {
    let [tp, fp, tn, fnn] = [counts.tp, counts.fp, counts.tn, counts.fn_];
    let sq = counts.weight_squares;
    let (events, total, squares) = match kind {
        RateKind::Fpr => (fp, fp + tn, sq[1] + sq[2]),
        RateKind::Tpr => (tp, tp + fnn, sq[0] + sq[3]),
        _ => {
            let flagged = tp + fp;
            let all = counts.weight();
            let events = if favourable_pass {
                all - flagged
            } else {
                flagged
            };
            (events, all, sq.iter().sum())
        }
    };
    let n = kish_effective_n(total, squares);
    let p = if total > 0.0 { events / total } else { 0.0 };
    (p * n, n)
}

/// Judges every rule.
pub fn judge(table: &GroupTable, config: &AuditConfig) -> Result<Vec<RuleOutcome>, FairnessError> {
    config.validate()?;
    let z = z_for(config.confidence)?;
    let rates = RateTable::new(table, config.min_group);
    let disparities = Disparities::new(&rates, config.method, Aggregate::WorstCase);
    let favourable_is_pass = config.direction == Direction::Flag;
    let mut outcomes = Vec::new();
    for rule in &config.rules {
        use RuleMetric::*;
        let (disparity, kind, is_ratio) = match rule.metric {
            FalsePositiveRateRatio => (
                disparities.false_positive_rate_ratio.clone(),
                Some(RateKind::Fpr),
                true,
            ),
            FalsePositiveRateDifference => (
                disparities.false_positive_rate_difference.clone(),
                Some(RateKind::Fpr),
                false,
            ),
            DemographicParityRatio => (
                disparities.demographic_parity_ratio.clone(),
                Some(RateKind::SelectionRate),
                true,
            ),
            DemographicParityDifference => (
                disparities.demographic_parity_difference.clone(),
                Some(RateKind::SelectionRate),
                false,
            ),
            EqualOpportunityRatio => (
                disparities.equal_opportunity_ratio.clone(),
                Some(RateKind::Tpr),
                true,
            ),
            EqualOpportunityDifference => (
                disparities.equal_opportunity_difference.clone(),
                Some(RateKind::Tpr),
                false,
            ),
            EqualizedOddsDifference => (disparities.equalized_odds_difference.clone(), None, false),
            FavourableRateRatio => (
                favourable_ratio(&rates, favourable_is_pass),
                Some(RateKind::SelectionRate),
                true,
            ),
        };
        let favourable = rule.metric == FavourableRateRatio && favourable_is_pass;
        let value = disparity.value();
        let (interval, method) = match (value, kind, config.method) {
            (None, _, _) => (None, None),
            (Some(_), Some(kind), DisparityMethod::BetweenGroups) => {
                let ordered = extremes(table, &rates, kind);
                match ordered {
                    Some((lo, _, hi, _)) => {
                        let (xl, nl) = effective(lo, kind, favourable);
                        let (xh, nh) = effective(hi, kind, favourable);
                        let (lo_c, hi_c) = if favourable {
                            ((xh, nh), (xl, nl))
                        } else {
                            ((xl, nl), (xh, nh))
                        };
                        if is_ratio {
                            (katz(lo_c.0, lo_c.1, hi_c.0, hi_c.1, z), Some("katz"))
                        } else {
                            let (p1, p2) = (hi_c.0 / hi_c.1, lo_c.0 / lo_c.1);
                            match (wilson(p1, hi_c.1, z), wilson(p2, lo_c.1, z)) {
                                (Some(a), Some(b)) => {
                                    (Some(newcombe(p1, a, p2, b)), Some("newcombe"))
                                }
                                _ => (None, None),
                            }
                        }
                    }
                    None => (None, None),
                }
            }
            (Some(_), _, _) => {
                let metric = rule.metric;
                let method = config.method;
                let min_group = config.min_group;
                let statistic = move |t: &GroupTable| {
                    let r = RateTable::new(t, min_group);
                    let d = Disparities::new(&r, method, Aggregate::WorstCase);
                    match metric {
                        EqualizedOddsDifference => d.equalized_odds_difference.value(),
                        FalsePositiveRateRatio => d.false_positive_rate_ratio.value(),
                        FalsePositiveRateDifference => d.false_positive_rate_difference.value(),
                        DemographicParityRatio => d.demographic_parity_ratio.value(),
                        DemographicParityDifference => d.demographic_parity_difference.value(),
                        EqualOpportunityRatio => d.equal_opportunity_ratio.value(),
                        EqualOpportunityDifference => d.equal_opportunity_difference.value(),
                        FavourableRateRatio => favourable_ratio(&r, favourable_is_pass).value(),
                    }
                };
                (
                    bootstrap_interval(
                        table,
                        statistic,
                        config.resamples,
                        config.confidence,
                        config.seed,
                    ),
                    Some("bootstrap"),
                )
            }
        };
        let (verdict, reason) = match (&disparity, interval) {
            (Disparity::InsufficientEvidence { groups }, _) => (
                Verdict::InsufficientEvidence,
                format!(
                    "{} group(s) have fewer than {} rows behind the rate",
                    groups.len().max(1),
                    config.min_group
                ),
            ),
            (Disparity::Undefined { reason }, _) => (Verdict::InsufficientEvidence, reason.clone()),
            (_, None) => (
                Verdict::InsufficientEvidence,
                "no interval could be computed".into(),
            ),
            (_, Some(i)) if value.is_some_and(f64::is_finite) => {
                let v = value.unwrap_or_default();
                let estimate = format!("{v:.4} (interval [{:.4}, {:.4}])", i.lower, i.upper);
                match (rule.min, rule.max) {
                    (Some(m), _) if v < m => (Verdict::Fail, format!("{estimate} is below {m}")),
                    (_, Some(m)) if v > m => (Verdict::Fail, format!("{estimate} is above {m}")),
                    (min, max) => {
                        let uncertain =
                            min.is_some_and(|m| i.lower < m) || max.is_some_and(|m| i.upper > m);
                        let note = if uncertain {
                            "; the interval reaches past the tolerance, so more data could \
                             still show a disparity"
                        } else {
                            ""
                        };
                        (
                            Verdict::Pass,
                            format!("{estimate} is within tolerance{note}"),
                        )
                    }
                }
            }
            (_, Some(_)) => (
                Verdict::InsufficientEvidence,
                "the metric has no finite value".into(),
            ),
        };
        outcomes.push(RuleOutcome {
            rule: *rule,
            value,
            interval,
            interval_method: method.map(str::to_string),
            verdict,
            reason,
        });
    }
    Ok(outcomes)
}

/// The four-fifths ratio on the favourable outcome: pass rates when the model flags people.
fn favourable_ratio(rates: &RateTable, favourable_is_pass: bool) -> Disparity {
    if !favourable_is_pass {
        return rates.ratio(RateKind::SelectionRate, DisparityMethod::BetweenGroups);
    }
    let mut values = Vec::new();
    let mut missing = Vec::new();
    for (g, r) in &rates.groups {
        match r.selection_rate.value() {
            Some(v) => values.push(1.0 - v),
            None => missing.push(g.clone()),
        }
    }
    if !missing.is_empty() || values.is_empty() {
        return Disparity::InsufficientEvidence { groups: missing };
    }
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if hi == 0.0 {
        return Disparity::Undefined {
            reason: "nobody passes in any group".into(),
        };
    }
    Disparity::Value { value: lo / hi }
}

/// The audit's overall verdict: fail if any rule fails, else insufficient evidence if any
/// rule lacks evidence, else pass.
pub fn overall_verdict(outcomes: &[RuleOutcome]) -> Verdict {
    if outcomes.iter().any(|o| o.verdict == Verdict::Fail) {
        Verdict::Fail
    } else if outcomes.is_empty()
        || outcomes
            .iter()
            .any(|o| o.verdict == Verdict::InsufficientEvidence)
    {
        Verdict::InsufficientEvidence
    } else {
        Verdict::Pass
    }
}
