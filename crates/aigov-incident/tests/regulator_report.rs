//! The Art. 73 report draft: fields filled from the incident, gaps flagged, Markdown output.

use aigov_core::ActorId;
use aigov_incident::{
    Containment, ContainmentTarget, Incident, IncidentKind, IncidentSource, NewIncident, Provider,
    ReportDetails, ReportDraft, ReportDue, SeriousCategory, Severity,
};
use chrono::{DateTime, Duration, Utc};

#[derive(Debug)]
struct Registry;
impl ContainmentTarget for Registry {
    fn suspend(&self, v: &aigov_core::ModelRef, _: &str) -> Result<Vec<String>, String> {
        Ok(vec![format!("{v} suspended")])
    }
    fn rollback(&self, _: &aigov_core::ModelRef, e: &str, _: &str) -> Result<Vec<String>, String> {
        Ok(vec![format!("{e} rolled back")])
    }
    fn legal_hold(
        &self,
        v: &aigov_core::ModelRef,
        _: Option<(u64, u64)>,
        _: &str,
    ) -> Result<Vec<String>, String> {
        Ok(vec![format!("{v} held")])
    }
}

fn t(h: i64) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-02T08:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
        + Duration::hours(h)
}

fn incident() -> Incident {
    let who: ActorId = "ciso@example".parse().unwrap();
    Incident::open(
        NewIncident {
            id: "INC-42".into(),
            title: "access model locked out a hospital's staff".into(),
            kind: IncidentKind::Availability,
            severity: Severity::Fatal,
            affected: vec!["access-risk@7".parse().unwrap()],
            source: IncidentSource::Person {
                actor: "ops@example".into(),
            },
            owner: who.clone(),
        },
        t(0),
        who,
    )
    .unwrap()
}

#[test]
fn an_unclassified_incident_without_details_lists_every_gap() {
    let draft = ReportDraft::draft(&incident(), &ReportDetails::default(), t(1));
    assert_eq!(draft.missing.len(), 7, "{:?}", draft.missing);
    assert!(draft.category.is_none() && draft.clock.is_none());
    let md = draft.to_markdown();
    assert!(md.contains("**MISSING**") && md.contains("Missing before this can be sent"));
}

#[test]
fn a_complete_draft_has_no_gaps_and_shows_the_clock() {
    let who: ActorId = "ciso@example".parse().unwrap();
    let mut inc = incident();
    inc.classify_serious(
        SeriousCategory::CriticalInfrastructureDisruption,
        t(0),
        t(1),
        who.clone(),
    )
    .unwrap();
    inc.contain(&Registry, &Containment::Suspend, t(2), who.clone())
        .unwrap();
    let details = ReportDetails {
        provider: Some(Provider {
            name: "Example Security GmbH".into(),
            address: "Hauptstr. 1, Berlin".into(),
            contact: "incident@example".into(),
        }),
        description: Some("False lockouts of 140 clinical accounts for 3 hours.".into()),
        occurred_at: Some(t(-2)),
        affected: Some("one hospital's access control; 140 staff accounts".into()),
        member_states: vec!["DE".into()],
    };
    let draft = ReportDraft::draft(&inc, &details, t(60));
    assert!(draft.missing.is_empty(), "{:?}", draft.missing);
    assert_eq!(draft.report, ReportDue::Initial);
    let clock = draft.clock.as_ref().unwrap();
    assert!(clock.overdue, "2 days passed at hour 48");
    assert_eq!(
        draft.corrective_actions.len(),
        2,
        "{:?}",
        draft.corrective_actions
    );
    assert!(draft.corrective_actions[0].contains("access-risk@7 suspended"));
    let md = draft.to_markdown();
    assert!(
        md.contains("OVERDUE") && md.contains("Art. 73(3)") && !md.contains("**MISSING**"),
        "{md}"
    );
    let json = serde_json::to_string(&draft).unwrap();
    assert_eq!(serde_json::from_str::<ReportDraft>(&json).unwrap(), draft);
}
