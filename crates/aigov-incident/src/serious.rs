//! Serious incidents and their reporting clocks (EU AI Act Art. 3(49) and Art. 73): the
//! deadline runs from when the provider became aware, is 15 days in general, 2 days for a
//! widespread infringement or a serious and irreversible disruption of critical
//! infrastructure, and 10 days for a death; an initial report may come first and a complete
//! one after (Art. 73(5)). Deadlines are computed from the recorded times, never entered.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// The Art. 3(49) category of a serious incident (and Art. 3(61)'s widespread infringement).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeriousCategory {
    /// Art. 3(49)(a): the death of a person.
    Death,
    /// Art. 3(49)(a): serious harm to a person's health.
    SeriousHarmToHealth,
    /// Art. 3(49)(b): serious and irreversible disruption of the management or operation of
    /// critical infrastructure.
    CriticalInfrastructureDisruption,
    /// Art. 3(49)(c): infringement of Union law protecting fundamental rights.
    FundamentalRightsInfringement,
    /// Art. 3(61): a widespread infringement.
    WidespreadInfringement,
    /// Art. 3(49)(d): serious harm to property or the environment.
    SeriousHarmToPropertyOrEnvironment,
}

impl SeriousCategory {
    /// Every category.
    pub const ALL: [SeriousCategory; 6] = [
        SeriousCategory::Death,
        SeriousCategory::SeriousHarmToHealth,
        SeriousCategory::CriticalInfrastructureDisruption,
        SeriousCategory::FundamentalRightsInfringement,
        SeriousCategory::WidespreadInfringement,
        SeriousCategory::SeriousHarmToPropertyOrEnvironment,
    ];

    /// The name used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            SeriousCategory::Death => "death",
            SeriousCategory::SeriousHarmToHealth => "serious_harm_to_health",
            SeriousCategory::CriticalInfrastructureDisruption => {
                "critical_infrastructure_disruption"
            }
            SeriousCategory::FundamentalRightsInfringement => "fundamental_rights_infringement",
            SeriousCategory::WidespreadInfringement => "widespread_infringement",
            SeriousCategory::SeriousHarmToPropertyOrEnvironment => {
                "serious_harm_to_property_or_environment"
            }
        }
    }

    /// Days from awareness to the report deadline, and the paragraph of Art. 73 that sets it.
    pub fn deadline(self) -> (i64, &'static str) {
        match self {
            SeriousCategory::Death => (10, "Art. 73(4)"),
            SeriousCategory::CriticalInfrastructureDisruption
            | SeriousCategory::WidespreadInfringement => (2, "Art. 73(3)"),
            _ => (15, "Art. 73(2)"),
        }
    }
}

impl std::str::FromStr for SeriousCategory {
    type Err = crate::IncidentError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.replace('-', "_");
        SeriousCategory::ALL
            .into_iter()
            .find(|c| c.as_str() == wanted)
            .ok_or_else(|| {
                crate::IncidentError::invalid(
                    "serious incident category",
                    format!(
                        "{s:?}: expected one of {}",
                        SeriousCategory::ALL.map(SeriousCategory::as_str).join(", ")
                    ),
                )
            })
    }
}

/// A serious-incident classification with its recorded times.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriousIncident {
    /// The category.
    pub category: SeriousCategory,
    /// When the provider became aware of the incident.
    pub aware_at: DateTime<Utc>,
    /// When a causal link with the AI system was established (or its reasonable likelihood):
    /// from then on the report is due immediately.
    pub causal_link_at: Option<DateTime<Utc>>,
    /// When the initial report was sent.
    pub initial_report_at: Option<DateTime<Utc>>,
    /// When the complete report was sent.
    pub complete_report_at: Option<DateTime<Utc>>,
}

/// What the regulator is owed next.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportDue {
    /// The first report (it may be incomplete, Art. 73(5)).
    Initial,
    /// The complete report that follows an initial one.
    Complete,
    /// Nothing: the complete report was sent.
    Nothing,
}

/// The state of a serious incident's clock at a moment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockState {
    /// The category.
    pub category: SeriousCategory,
    /// The provision that sets the deadline.
    pub provision: String,
    /// aware_at plus the category's days.
    pub deadline: DateTime<Utc>,
    /// What is owed next.
    pub due: ReportDue,
    /// Whether a causal link is established, so the report is due immediately.
    pub due_immediately: bool,
    /// The initial report is not sent and the deadline has passed.
    pub overdue: bool,
    /// The initial report was sent, but after the deadline.
    pub reported_late: bool,
    /// Time left until the deadline (negative once past), in seconds.
    pub seconds_left: i64,
}

impl SeriousIncident {
    /// The deadline: calendar days counted in UTC from the moment of awareness.
    pub fn deadline(&self) -> DateTime<Utc> {
        // A date at the end of time has no later deadline; saturate rather than panic.
        self.aware_at
            .checked_add_signed(Duration::days(self.category.deadline().0))
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }

    /// The clock as it stands at `now`.
    pub fn state(&self, now: DateTime<Utc>) -> ClockState {
        let deadline = self.deadline();
        let due = match (self.initial_report_at, self.complete_report_at) {
            (_, Some(_)) => ReportDue::Nothing,
            (Some(_), None) => ReportDue::Complete,
            (None, None) => ReportDue::Initial,
        };
        // A complete report sent without an initial one counts as the first report.
        let first = self.initial_report_at.or(self.complete_report_at);
        ClockState {
            category: self.category,
            provision: self.category.deadline().1.to_string(),
            deadline,
            due,
            due_immediately: first.is_none() && self.causal_link_at.is_some_and(|t| t <= now),
            overdue: first.is_none() && now > deadline,
            reported_late: first.is_some_and(|t| t > deadline),
            seconds_left: (deadline - now).num_seconds(),
        }
    }
}
