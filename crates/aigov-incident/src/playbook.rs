//! Playbooks as data: ordered response steps, each with the role responsible, a deadline
//! relative to detection and whether it runs by itself. Invalid playbooks are refused with the
//! line and the reason, so a broken playbook never reaches an incident.

use std::collections::HashSet;

use aigov_core::Role;
use chrono::Duration;
use serde::{Deserialize, Serialize};

use crate::{IncidentError, IncidentKind, Severity};

/// What a step does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepAction {
    /// Suspend the affected version: it stops serving.
    Suspend,
    /// Roll the environment back to its last good version.
    Rollback,
    /// Place a legal hold on the version and the audit range.
    LegalHold,
    /// Tell the regulator or stakeholders.
    Notify,
    /// Collect evidence.
    CollectEvidence,
    /// Work out the cause.
    Investigate,
    /// Retrain or fix the model.
    Remediate,
    /// Review the outcome and close.
    Review,
}

impl StepAction {
    /// Only actions the control plane can carry out itself may be automatic.
    pub fn can_run_automatically(self) -> bool {
        matches!(
            self,
            StepAction::Suspend | StepAction::Rollback | StepAction::LegalHold
        )
    }
}

/// One step as written in YAML.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StepDocument {
    id: String,
    action: StepAction,
    role: String,
    /// "30m", "4h", "2d": time after detection by which the step is due.
    deadline: String,
    #[serde(default)]
    automatic: bool,
    /// Run automatically only at or above this severity.
    #[serde(default)]
    min_severity: Option<Severity>,
    description: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlaybookDocument {
    name: String,
    kinds: Vec<IncidentKind>,
    description: String,
    steps: Vec<StepDocument>,
}

/// A checked step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlaybookStep {
    /// Step identifier, unique in the playbook.
    pub id: String,
    /// What it does.
    pub action: StepAction,
    /// Who is responsible.
    pub role: Role,
    /// Due this long after detection, in seconds.
    pub deadline_seconds: i64,
    /// Whether the control plane runs it without waiting for a person.
    pub automatic: bool,
    /// Automatic only at or above this severity.
    pub min_severity: Option<Severity>,
    /// What to do, for people.
    pub description: String,
}

impl PlaybookStep {
    /// Due this long after detection.
    pub fn deadline(&self) -> Duration {
        Duration::seconds(self.deadline_seconds)
    }

    /// Whether the step runs by itself for an incident of this severity.
    pub fn runs_automatically_at(&self, severity: Severity) -> bool {
        self.automatic && self.min_severity.is_none_or(|m| severity >= m)
    }
}

/// A checked playbook.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Playbook {
    /// Name.
    pub name: String,
    /// The incident kinds it is for.
    pub kinds: Vec<IncidentKind>,
    /// What it is for.
    pub description: String,
    /// The steps, in order.
    pub steps: Vec<PlaybookStep>,
}

/// The playbooks that ship with aigov: (file name, YAML).
pub const SHIPPED: [(&str, &str); 5] = [
    (
        "adversarial-evasion.yaml",
        include_str!("../playbooks/adversarial-evasion.yaml"),
    ),
    (
        "data-poisoning.yaml",
        include_str!("../playbooks/data-poisoning.yaml"),
    ),
    (
        "sensitive-data-leak.yaml",
        include_str!("../playbooks/sensitive-data-leak.yaml"),
    ),
    (
        "drift-failure.yaml",
        include_str!("../playbooks/drift-failure.yaml"),
    ),
    (
        "bias-finding.yaml",
        include_str!("../playbooks/bias-finding.yaml"),
    ),
];

impl Playbook {
    /// The shipped playbooks, parsed.
    pub fn shipped() -> Result<Vec<Playbook>, IncidentError> {
        SHIPPED
            .iter()
            .map(|(name, text)| Playbook::from_yaml(text, name))
            .collect()
    }

    /// Parses and checks a playbook; `source` names it in errors.
    pub fn from_yaml(text: &str, source: &str) -> Result<Playbook, IncidentError> {
        let doc: PlaybookDocument =
            aigov_core::yaml::from_yaml(text).map_err(|e| IncidentError::Playbook {
                source_name: source.to_string(),
                line: e.line,
                reason: e.message,
            })?;
        let fail = |line: usize, reason: String| IncidentError::Playbook {
            source_name: source.to_string(),
            line,
            reason,
        };
        let top = |key: &str| line_of_key(text, key);
        if doc.name.trim().is_empty() {
            return Err(fail(top("name"), "the name is empty".into()));
        }
        if doc.kinds.is_empty() {
            return Err(fail(top("kinds"), "name at least one incident kind".into()));
        }
        if doc.steps.is_empty() {
            return Err(fail(
                top("steps"),
                "a playbook needs at least one step".into(),
            ));
        }
        let mut seen = HashSet::new();
        let mut steps = Vec::with_capacity(doc.steps.len());
        let mut previous = 0i64;
        for (k, s) in doc.steps.into_iter().enumerate() {
            let line = line_of_step(text, k);
            if s.id.trim().is_empty() || !seen.insert(s.id.clone()) {
                return Err(fail(
                    line,
                    format!("step {:?}: step ids must be unique and non-empty", s.id),
                ));
            }
            let role: Role = s
                .role
                .parse()
                .map_err(|e| fail(line, format!("step {}: role {:?}: {e}", s.id, s.role)))?;
            let deadline = parse_duration(&s.deadline).ok_or_else(|| {
                fail(
                    line,
                    format!(
                        "step {}: deadline {:?}: expected a number and m, h or d, like 30m, 4h, 2d",
                        s.id, s.deadline
                    ),
                )
            })?;
            if deadline < previous {
                return Err(fail(
                    line,
                    format!(
                        "step {}: its deadline {} comes before the previous step's; steps are in order",
                        s.id, s.deadline
                    ),
                ));
            }
            previous = deadline;
            if s.automatic && !s.action.can_run_automatically() {
                return Err(fail(
                    line,
                    format!(
                        "step {}: {:?} needs a person; only suspend, rollback and legal_hold may be automatic",
                        s.id, s.action
                    ),
                ));
            }
            if s.min_severity.is_some() && !s.automatic {
                return Err(fail(
                    line,
                    format!(
                        "step {}: min_severity only applies to automatic steps",
                        s.id
                    ),
                ));
            }
            steps.push(PlaybookStep {
                id: s.id,
                action: s.action,
                role,
                deadline_seconds: deadline,
                automatic: s.automatic,
                min_severity: s.min_severity,
                description: s.description,
            });
        }
        Ok(Playbook {
            name: doc.name,
            kinds: doc.kinds,
            description: doc.description,
            steps,
        })
    }
}

/// "30m", "4h", "2d" (or "0m") as seconds.
fn parse_duration(text: &str) -> Option<i64> {
    let t = text.trim();
    // The unit is the last character, which need not be one byte (found by fuzzing).
    let unit = t.chars().next_back()?;
    let (number, unit) = t.split_at(t.len() - unit.len_utf8());
    let n: i64 = number
        .parse()
        .ok()
        .filter(|n| *n >= 0 && *n <= 3650 * 24 * 60)?;
    let seconds = match unit {
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        _ => return None,
    };
    n.checked_mul(seconds)
}

/// 1-based line of a top-level key, 0 when absent.
fn line_of_key(text: &str, key: &str) -> usize {
    text.lines()
        .position(|l| l.starts_with(&format!("{key}:")))
        .map_or(0, |i| i + 1)
}

/// 1-based line where the k-th item of the block list under `steps:` starts (0 if the list
/// is not in block style).
fn line_of_step(text: &str, k: usize) -> usize {
    let lines: Vec<&str> = text.lines().collect();
    let Some(start) = lines.iter().position(|l| l.starts_with("steps:")) else {
        return 0;
    };
    lines
        .iter()
        .enumerate()
        .skip(start + 1)
        .filter(|(_, l)| l.trim_start().starts_with("- "))
        .map(|(i, l)| (i, l.len() - l.trim_start().len()))
        .scan(None, |indent, (i, ind)| {
            let first = *indent.get_or_insert(ind);
            Some((i, ind == first))
        })
        .filter(|(_, top)| *top)
        .nth(k)
        .map_or(line_of_key(text, "steps"), |(i, _)| i + 1)
}
