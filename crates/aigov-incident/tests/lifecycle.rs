//! The incident lifecycle and its append-only timeline.

use aigov_core::ActorId;
use aigov_incident::{
    Incident, IncidentError, IncidentKind, IncidentSource, IncidentStatus, NewIncident, Recipient,
    SeriousCategory, Severity, TimelineAction,
};
use chrono::{DateTime, Duration, Utc};

fn at(h: i64) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-09-01T00:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
        + Duration::hours(h)
}

fn who() -> ActorId {
    "responder@example".parse().unwrap()
}

fn new(id: &str) -> NewIncident {
    NewIncident {
        id: id.into(),
        title: "customer records in explanation logs".into(),
        kind: IncidentKind::SensitiveDataLeak,
        severity: Severity::Critical,
        affected: vec!["fraud-score@2".parse().unwrap()],
        source: IncidentSource::AuditEntry { index: 4211 },
        owner: who(),
    }
}

#[test]
fn an_incident_walks_its_lifecycle_and_reopens() {
    let mut inc = Incident::open(new("INC-1"), at(0), who()).unwrap();
    assert_eq!(inc.status, IncidentStatus::Open);
    use IncidentStatus::*;
    for (h, to) in [
        (1, Contained),
        (2, Investigating),
        (3, Remediated),
        (4, Closed),
        (5, Open),
    ] {
        inc.transition(to, at(h), who()).unwrap();
        assert_eq!(inc.status, to);
    }
    assert_eq!(inc.timeline.len(), 6);
    assert!(matches!(
        inc.timeline[5].action,
        TimelineAction::StatusChanged {
            from: Closed,
            to: Open
        }
    ));
    let json = serde_json::to_string(&inc).unwrap();
    let back: Incident = serde_json::from_str(&json).unwrap();
    assert_eq!(back, inc);
}

#[test]
fn illegal_transitions_are_typed_errors() {
    use IncidentStatus::*;
    let all = [Open, Contained, Investigating, Remediated, Closed];
    let allowed = [
        (Open, Contained),
        (Contained, Investigating),
        (Investigating, Remediated),
        (Remediated, Closed),
        (Closed, Open),
    ];
    for from in all {
        for to in all {
            assert_eq!(
                from.may_become(to),
                allowed.contains(&(from, to)),
                "{from} -> {to}"
            );
        }
    }
    let mut inc = Incident::open(new("INC-2"), at(0), who()).unwrap();
    let err = inc.transition(Closed, at(1), who()).unwrap_err();
    assert_eq!(
        err,
        IncidentError::IllegalTransition {
            id: "INC-2".into(),
            from: "open".into(),
            to: "closed".into()
        }
    );
    assert_eq!(inc.status, Open);
    assert_eq!(inc.timeline.len(), 1, "a refused action leaves no entry");
}

#[test]
fn the_timeline_cannot_be_backdated_and_classification_is_once() {
    let mut inc = Incident::open(new("INC-3"), at(10), who()).unwrap();
    assert!(matches!(
        inc.note("found it", at(9), who()),
        Err(IncidentError::Conflict { .. })
    ));
    inc.note("found it", at(10), who()).unwrap();
    assert!(inc.note("  ", at(11), who()).is_err());
    assert!(inc.evidence("logs", None, None, at(11), who()).is_err());
    inc.evidence(
        "audit entry with the leaked record",
        None,
        Some(4211),
        at(11),
        who(),
    )
    .unwrap();
    assert!(
        inc.notify(Recipient::Regulator, at(12), who()).is_err(),
        "not serious yet"
    );
    assert!(inc.causal_link(at(12), who()).is_err());
    assert!(
        inc.classify_serious(
            SeriousCategory::FundamentalRightsInfringement,
            at(13),
            at(12),
            who()
        )
        .is_err(),
        "aware after the classification"
    );
    inc.classify_serious(
        SeriousCategory::FundamentalRightsInfringement,
        at(8),
        at(12),
        who(),
    )
    .unwrap();
    assert!(
        inc.classify_serious(SeriousCategory::Death, at(8), at(13), who())
            .is_err()
    );
    inc.causal_link(at(14), who()).unwrap();
    assert!(inc.causal_link(at(15), who()).is_err());
    inc.contained_by(
        "suspend",
        vec!["fraud-score@2 suspended".into()],
        at(15),
        who(),
    )
    .unwrap();
    assert!(inc.timeline.windows(2).all(|w| w[0].at <= w[1].at));
}

#[test]
fn bad_incidents_are_refused() {
    let mut bad = new("INC 4");
    assert!(Incident::open(bad.clone(), at(0), who()).is_err());
    bad.id = "INC-4".into();
    bad.affected.clear();
    assert!(Incident::open(bad.clone(), at(0), who()).is_err());
    bad.affected = vec!["m@1".parse().unwrap()];
    bad.title = " ".into();
    assert!(Incident::open(bad, at(0), who()).is_err());
}

#[test]
fn kinds_and_severities_parse_and_map_to_ocsf() {
    for k in IncidentKind::ALL {
        assert_eq!(k.as_str().parse::<IncidentKind>().unwrap(), k);
    }
    assert_eq!(
        "data-poisoning-suspected".parse::<IncidentKind>().unwrap(),
        IncidentKind::DataPoisoningSuspected
    );
    assert!("meteor".parse::<IncidentKind>().is_err());
    assert_eq!("critical".parse::<Severity>().unwrap().ocsf_id(), 5);
    assert_eq!("4".parse::<Severity>().unwrap(), Severity::High);
    for id in 1..=6u8 {
        assert_eq!(Severity::from_ocsf_id(id).unwrap().ocsf_id(), id);
    }
    assert!(Severity::from_ocsf_id(0).is_err() && Severity::from_ocsf_id(99).is_err());
    assert!("urgent".parse::<Severity>().is_err());
}
