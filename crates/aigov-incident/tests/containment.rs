//! Containment through the ContainmentTarget trait: each action reaches the target for every
//! affected version, lands in the timeline with what changed, and contains an open incident;
//! failures are typed and partial changes are still recorded.

use std::sync::Mutex;

use aigov_core::{ActorId, ModelRef};
use aigov_incident::{
    Containment, ContainmentTarget, Incident, IncidentError, IncidentKind, IncidentSource,
    IncidentStatus, NewIncident, Severity, TimelineAction,
};
use chrono::{DateTime, Utc};

/// A registry stand-in that remembers what it was asked, and fails on a named version.
#[derive(Debug, Default)]
struct Registry {
    calls: Mutex<Vec<String>>,
    broken: Option<String>,
}

impl ContainmentTarget for Registry {
    fn suspend(&self, version: &ModelRef, _reason: &str) -> Result<Vec<String>, String> {
        if self.broken.as_deref() == Some(&version.to_string()) {
            return Err("store unavailable".into());
        }
        self.calls
            .lock()
            .unwrap()
            .push(format!("suspend {version}"));
        Ok(vec![format!("{version}: production -> suspended")])
    }
    fn rollback(
        &self,
        version: &ModelRef,
        environment: &str,
        _reason: &str,
    ) -> Result<Vec<String>, String> {
        self.calls
            .lock()
            .unwrap()
            .push(format!("rollback {} {environment}", version.name));
        Ok(vec![format!("{environment}: m@3 -> m@2")])
    }
    fn legal_hold(
        &self,
        version: &ModelRef,
        range: Option<(u64, u64)>,
        _reason: &str,
    ) -> Result<Vec<String>, String> {
        self.calls
            .lock()
            .unwrap()
            .push(format!("hold {version} {range:?}"));
        Ok(vec![format!("hold on {version}")])
    }
}

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn who() -> ActorId {
    "responder@example".parse().unwrap()
}

fn incident() -> Incident {
    Incident::open(
        NewIncident {
            id: "INC-9".into(),
            title: "evasion".into(),
            kind: IncidentKind::Evasion,
            severity: Severity::Critical,
            affected: vec!["m@3".parse().unwrap(), "m@4".parse().unwrap()],
            source: IncidentSource::Person {
                actor: "a@example".into(),
            },
            owner: who(),
        },
        at("2026-10-01T10:00:00Z"),
        who(),
    )
    .unwrap()
}

#[test]
fn suspend_rollback_and_hold_reach_the_target_and_the_timeline() {
    let registry = Registry::default();
    let mut inc = incident();
    let changed = inc
        .contain(
            &registry,
            &Containment::Suspend,
            at("2026-10-01T10:01:00Z"),
            who(),
        )
        .unwrap();
    assert_eq!(
        changed,
        [
            "m@3: production -> suspended",
            "m@4: production -> suspended"
        ]
    );
    assert_eq!(inc.status, IncidentStatus::Contained);
    inc.contain(
        &registry,
        &Containment::Rollback {
            environment: "prod".into(),
        },
        at("2026-10-01T10:02:00Z"),
        who(),
    )
    .unwrap();
    inc.contain(
        &registry,
        &Containment::LegalHold {
            audit_range: Some((100, 250)),
        },
        at("2026-10-01T10:03:00Z"),
        who(),
    )
    .unwrap();
    assert_eq!(
        *registry.calls.lock().unwrap(),
        [
            "suspend m@3",
            "suspend m@4",
            "rollback m prod",
            "hold m@3 Some((100, 250))",
            "hold m@4 Some((100, 250))"
        ]
    );
    let kinds: Vec<&str> = inc
        .timeline
        .iter()
        .filter_map(|e| match &e.action {
            TimelineAction::Containment { kind, .. } => Some(kind.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(kinds, ["suspend", "rollback", "legal_hold"]);
    assert_eq!(
        inc.status,
        IncidentStatus::Contained,
        "only the first action changes the status"
    );
}

#[test]
fn a_failing_target_is_a_typed_error_and_partial_changes_are_recorded() {
    let registry = Registry {
        broken: Some("m@4".into()),
        ..Registry::default()
    };
    let mut inc = incident();
    let err = inc
        .contain(
            &registry,
            &Containment::Suspend,
            at("2026-10-01T10:01:00Z"),
            who(),
        )
        .unwrap_err();
    assert!(
        matches!(err, IncidentError::Containment { ref reason, .. } if reason.contains("m@4")),
        "{err:?}"
    );
    assert_eq!(
        inc.status,
        IncidentStatus::Open,
        "not contained while a version still serves"
    );
    assert!(matches!(
        &inc.timeline.last().unwrap().action,
        TimelineAction::Containment { changed, .. } if changed == &["m@3: production -> suspended"]
    ));
    let bad = Containment::LegalHold {
        audit_range: Some((9, 3)),
    };
    assert!(matches!(
        inc.contain(&registry, &bad, at("2026-10-01T10:02:00Z"), who()),
        Err(IncidentError::InvalidInput { .. })
    ));
}
