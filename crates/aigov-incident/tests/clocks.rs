//! Art. 73 reporting clocks: days per category, calendar boundaries, time zones in the input,
//! overdue and late detection against a manual clock, the initial-then-complete sequence.

use aigov_core::{ActorId, Clock, ManualClock};
use aigov_incident::{
    Incident, IncidentKind, IncidentSource, NewIncident, Recipient, ReportDue, ReportKind,
    SeriousCategory, SeriousIncident, Severity,
};
use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn clock(category: SeriousCategory, aware: &str) -> SeriousIncident {
    SeriousIncident {
        category,
        aware_at: utc(aware),
        causal_link_at: None,
        initial_report_at: None,
        complete_report_at: None,
    }
}

#[test]
fn each_category_has_its_deadline() {
    let expect = [
        (SeriousCategory::Death, 10, "Art. 73(4)"),
        (SeriousCategory::SeriousHarmToHealth, 15, "Art. 73(2)"),
        (
            SeriousCategory::CriticalInfrastructureDisruption,
            2,
            "Art. 73(3)",
        ),
        (
            SeriousCategory::FundamentalRightsInfringement,
            15,
            "Art. 73(2)",
        ),
        (SeriousCategory::WidespreadInfringement, 2, "Art. 73(3)"),
        (
            SeriousCategory::SeriousHarmToPropertyOrEnvironment,
            15,
            "Art. 73(2)",
        ),
    ];
    for (category, days, provision) in expect {
        let c = clock(category, "2026-06-10T08:15:00Z");
        assert_eq!(
            c.deadline() - c.aware_at,
            Duration::days(days),
            "{category:?}"
        );
        assert_eq!(c.state(c.aware_at).provision, provision);
        assert_eq!(
            category.as_str().parse::<SeriousCategory>().unwrap(),
            category
        );
    }
    assert!("slightly-bad".parse::<SeriousCategory>().is_err());
}

#[test]
fn deadlines_cross_month_and_leap_year_boundaries() {
    let cases = [
        (
            SeriousCategory::WidespreadInfringement,
            "2026-01-30T12:00:00Z",
            "2026-02-01T12:00:00Z",
        ),
        (
            SeriousCategory::CriticalInfrastructureDisruption,
            "2028-02-28T10:00:00Z",
            "2028-03-01T10:00:00Z",
        ),
        (
            SeriousCategory::CriticalInfrastructureDisruption,
            "2027-02-28T10:00:00Z",
            "2027-03-02T10:00:00Z",
        ),
        (
            SeriousCategory::Death,
            "2028-02-27T10:00:00Z",
            "2028-03-08T10:00:00Z",
        ),
        (
            SeriousCategory::Death,
            "2026-12-25T23:59:59Z",
            "2027-01-04T23:59:59Z",
        ),
        (
            SeriousCategory::SeriousHarmToHealth,
            "2026-12-20T00:00:00Z",
            "2027-01-04T00:00:00Z",
        ),
    ];
    for (category, aware, due) in cases {
        assert_eq!(
            clock(category, aware).deadline(),
            utc(due),
            "{category:?} from {aware}"
        );
    }
}

#[test]
fn awareness_given_with_an_offset_counts_in_utc() {
    // 23:30 in New York on 28 March is 04:30 UTC on 29 March, the night Europe changes to
    // summer time; the deadline is exactly 15 x 24 hours later.
    let c = clock(
        SeriousCategory::FundamentalRightsInfringement,
        "2026-03-28T23:30:00-05:00",
    );
    assert_eq!(
        c.aware_at,
        Utc.with_ymd_and_hms(2026, 3, 29, 4, 30, 0).unwrap()
    );
    assert_eq!(c.deadline(), utc("2026-04-13T04:30:00Z"));
    let same = clock(
        SeriousCategory::FundamentalRightsInfringement,
        "2026-03-29T06:30:00+02:00",
    );
    assert_eq!(same.deadline(), c.deadline());
}

fn incident(at: DateTime<Utc>) -> (Incident, ActorId) {
    let owner: ActorId = "responder@example".parse().unwrap();
    let incident = Incident::open(
        NewIncident {
            id: "INC-2026-001".into(),
            title: "scoring model evaded by crafted payloads".into(),
            kind: IncidentKind::Evasion,
            severity: Severity::High,
            affected: vec!["vuln-score@4".parse().unwrap()],
            source: IncidentSource::DriftAlert {
                alert_id: "alert-17".into(),
            },
            owner: owner.clone(),
        },
        at,
        owner.clone(),
    )
    .unwrap();
    (incident, owner)
}

#[test]
fn overdue_late_and_report_sequence_follow_the_manual_clock() {
    let start = utc("2026-05-01T09:00:00Z");
    let time = ManualClock::new(start);
    let (mut inc, who) = incident(time.now());
    inc.classify_serious(
        SeriousCategory::WidespreadInfringement,
        start,
        time.now(),
        who.clone(),
    )
    .unwrap();
    let state = inc.serious.as_ref().unwrap().state(time.now());
    assert_eq!(state.due, ReportDue::Initial);
    assert!(!state.overdue && !state.due_immediately);
    assert_eq!(state.seconds_left, 2 * 86_400);

    time.advance(Duration::hours(30));
    inc.causal_link(time.now(), who.clone()).unwrap();
    let state = inc.serious.as_ref().unwrap().state(time.now());
    assert!(state.due_immediately && !state.overdue);

    // One second past the deadline: overdue.
    time.set(start + Duration::days(2) + Duration::seconds(1));
    let state = inc.serious.as_ref().unwrap().state(time.now());
    assert!(state.overdue && state.seconds_left == -1);
    // Exactly at the deadline it is not yet overdue.
    assert!(
        !inc.serious
            .as_ref()
            .unwrap()
            .state(start + Duration::days(2))
            .overdue
    );

    time.advance(Duration::hours(1));
    assert_eq!(
        inc.notify(Recipient::Regulator, time.now(), who.clone())
            .unwrap(),
        ReportKind::Initial
    );
    let state = inc.serious.as_ref().unwrap().state(time.now());
    assert!(!state.overdue && state.reported_late && !state.due_immediately);
    assert_eq!(state.due, ReportDue::Complete);

    time.advance(Duration::days(3));
    assert_eq!(
        inc.notify(Recipient::Regulator, time.now(), who.clone())
            .unwrap(),
        ReportKind::Complete
    );
    assert_eq!(
        inc.serious.as_ref().unwrap().state(time.now()).due,
        ReportDue::Nothing
    );
    assert!(
        inc.notify(Recipient::Regulator, time.now(), who.clone())
            .is_err(),
        "no third report"
    );
    // Stakeholders may be told any number of times.
    inc.notify(Recipient::Stakeholders, time.now(), who.clone())
        .unwrap();
    inc.notify(Recipient::Stakeholders, time.now(), who)
        .unwrap();
}

#[test]
fn a_report_in_time_is_neither_late_nor_overdue() {
    let start = utc("2026-07-01T00:00:00Z");
    let (mut inc, who) = incident(start);
    inc.classify_serious(SeriousCategory::Death, start, start, who.clone())
        .unwrap();
    inc.notify(Recipient::Regulator, start + Duration::days(9), who)
        .unwrap();
    let state = inc
        .serious
        .as_ref()
        .unwrap()
        .state(start + Duration::days(30));
    assert!(!state.overdue && !state.reported_late);
}

proptest! {
    #[test]
    fn the_deadline_is_awareness_plus_the_categorys_days(
        secs in 0i64..4_102_444_800,
        category in prop::sample::select(SeriousCategory::ALL.to_vec()),
        later in 0i64..40 * 86_400,
    ) {
        let aware = Utc.timestamp_opt(secs, 0).unwrap();
        let c = SeriousIncident {
            category, aware_at: aware, causal_link_at: None,
            initial_report_at: None, complete_report_at: None,
        };
        let days = category.deadline().0;
        prop_assert_eq!(c.deadline() - aware, Duration::days(days));
        let now = aware + Duration::seconds(later);
        let state = c.state(now);
        prop_assert_eq!(state.overdue, later > days * 86_400);
        prop_assert_eq!(state.seconds_left, days * 86_400 - later);
    }
}
