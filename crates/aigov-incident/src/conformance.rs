//! The behaviours every [`IncidentStore`] backend must show; each backend's tests run all of
//! them, directly and through `Arc<dyn IncidentStore>`.

use std::sync::Arc;

use aigov_core::ActorId;
use chrono::{DateTime, Duration, Utc};

use crate::{
    Incident, IncidentError, IncidentKind, IncidentSource, IncidentStatus, IncidentStore,
    NewIncident, SeriousCategory, Severity,
};

fn at(minutes: i64) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-08-01T12:00:00Z")
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
        + Duration::minutes(minutes)
}

fn who() -> ActorId {
    "responder@example".parse().expect("a valid actor")
}

/// A new incident with this id opened at minute `minute`.
pub fn sample(id: &str, minute: i64) -> Incident {
    Incident::open(
        NewIncident {
            id: id.into(),
            title: format!("incident {id} with 'quotes', % and _"),
            kind: IncidentKind::DriftFailure,
            severity: Severity::High,
            affected: vec!["threat-detect@5".parse().expect("a valid reference")],
            source: IncidentSource::DriftAlert {
                alert_id: "a-1".into(),
            },
            owner: who(),
        },
        at(minute),
        who(),
    )
    .expect("a valid incident")
}

/// Created incidents read back equal, with every field.
pub fn round_trip(store: &dyn IncidentStore) {
    let mut inc = sample("RT-1", 0);
    inc.classify_serious(SeriousCategory::WidespreadInfringement, at(0), at(1), who())
        .expect("classify");
    inc.note("ünïcødé and \"json\" \\ escapes", at(2), who())
        .expect("note");
    store.create(&inc).expect("create");
    assert_eq!(store.get("RT-1").expect("get"), Some(inc));
    assert_eq!(store.get("absent").expect("get"), None);
}

/// A second incident with the same id is a conflict and changes nothing.
pub fn duplicate_ids_conflict(store: &dyn IncidentStore) {
    let first = sample("DUP-1", 0);
    store.create(&first).expect("create");
    let mut second = sample("DUP-1", 5);
    second.title = "another".into();
    assert!(matches!(
        store.create(&second),
        Err(IncidentError::Conflict { .. })
    ));
    assert_eq!(store.get("DUP-1").expect("get"), Some(first));
}

/// Updates append; a stale read and a rewritten history are refused; missing ids are NotFound.
pub fn updates_only_extend_the_timeline(store: &dyn IncidentStore) {
    let mut inc = sample("UP-1", 0);
    store.create(&inc).expect("create");
    let read = inc.timeline.len();
    inc.transition(IncidentStatus::Contained, at(1), who())
        .expect("contain");
    store.update(&inc, read).expect("update");
    // A second writer that read the old version is refused.
    let mut stale = sample("UP-1", 0);
    stale.note("late", at(2), who()).expect("note");
    assert!(matches!(
        store.update(&stale, read),
        Err(IncidentError::Conflict { .. })
    ));
    // Rewriting history is refused even with the right count.
    let mut rewritten = inc.clone();
    rewritten.timeline[0].actor = "mallory@example".parse().expect("actor");
    rewritten.note("cover-up", at(3), who()).expect("note");
    assert!(matches!(
        store.update(&rewritten, inc.timeline.len()),
        Err(IncidentError::Conflict { .. })
    ));
    assert_eq!(store.get("UP-1").expect("get"), Some(inc.clone()));
    // The clock and the status cannot be moved without a timeline entry that says so.
    let mut moved = inc.clone();
    moved.serious = Some(crate::SeriousIncident {
        category: SeriousCategory::Death,
        aware_at: at(0),
        causal_link_at: None,
        initial_report_at: None,
        complete_report_at: None,
    });
    let result = store.update(&moved, inc.timeline.len());
    assert!(
        matches!(result, Err(IncidentError::Conflict { .. })),
        "{result:?}"
    );
    let mut reopened = inc.clone();
    reopened.status = IncidentStatus::Open;
    assert!(matches!(
        store.update(&reopened, inc.timeline.len()),
        Err(IncidentError::Conflict { .. })
    ));
    let mut retitled = inc.clone();
    retitled.title = "nothing happened".into();
    assert!(matches!(
        store.update(&retitled, inc.timeline.len()),
        Err(IncidentError::Conflict { .. })
    ));
    assert!(matches!(
        store.update(&sample("NONE", 0), 1),
        Err(IncidentError::NotFound(_))
    ));
}

/// Listing filters by status and returns the oldest first.
pub fn list_by_status(store: &dyn IncidentStore) {
    for (id, minute) in [("L-3", 30), ("L-1", 10), ("L-2", 20)] {
        store.create(&sample(id, minute)).expect("create");
    }
    let mut l2 = store.get("L-2").expect("get").expect("present");
    let read = l2.timeline.len();
    l2.transition(IncidentStatus::Contained, at(40), who())
        .expect("contain");
    store.update(&l2, read).expect("update");
    let ids = |v: Vec<Incident>| v.into_iter().map(|i| i.id).collect::<Vec<_>>();
    assert_eq!(ids(store.list(None).expect("list")), ["L-1", "L-2", "L-3"]);
    assert_eq!(
        ids(store.list(Some(IncidentStatus::Open)).expect("list")),
        ["L-1", "L-3"]
    );
    assert_eq!(
        ids(store.list(Some(IncidentStatus::Contained)).expect("list")),
        ["L-2"]
    );
    assert!(
        store
            .list(Some(IncidentStatus::Closed))
            .expect("list")
            .is_empty()
    );
}

/// Responders appending at once, each retrying on conflict, lose nothing.
pub fn concurrent_appends_lose_nothing(store: Arc<dyn IncidentStore>) {
    store.create(&sample("CC-1", 0)).expect("create");
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let store = Arc::clone(&store);
            std::thread::spawn(move || {
                for k in 0..5 {
                    loop {
                        let mut inc = store.get("CC-1").expect("get").expect("present");
                        let read = inc.timeline.len();
                        let last = inc.timeline.last().map(|e| e.at).unwrap_or_default();
                        inc.note(
                            &format!("thread {t} note {k}"),
                            last + Duration::seconds(1),
                            who(),
                        )
                        .expect("note");
                        match store.update(&inc, read) {
                            Ok(()) => break,
                            Err(IncidentError::Conflict { .. }) => continue,
                            Err(e) => panic!("update failed: {e}"),
                        }
                    }
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("thread");
    }
    let inc = store.get("CC-1").expect("get").expect("present");
    assert_eq!(inc.timeline.len(), 1 + 4 * 5);
}

/// Runs every behaviour on fresh stores made by `make`.
pub fn run_all(make: &dyn Fn() -> Arc<dyn IncidentStore>) {
    round_trip(make().as_ref());
    duplicate_ids_conflict(make().as_ref());
    updates_only_extend_the_timeline(make().as_ref());
    list_by_status(make().as_ref());
    concurrent_appends_lose_nothing(make());
}
