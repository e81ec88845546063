//! Act and audit are atomic from the caller's point of view: every registry change is journaled
//! in its own transaction and reaches the audit log exactly once, whether its operation
//! recorded it, the log refused it for a while, or the process died between the two.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use aigov::audit::{
    AppendReceipt, AuditEntry, AuditError, AuditEvent, AuditStore, LegalHold, MemoryAuditStore,
    NewEntry, Redaction, StoredEntry,
};
use aigov::core::{Digest, ModelName};
use aigov::governor::GovernorBuilder;
use aigov::registry::{MemoryArtifactStore, MemoryRegistryStore, RegistryStore, Stage};
use aigov::{Error, Governor};
use chrono::{DateTime, Utc};
use common::{enrol, model_dir, on_manual_clock, to_production};

/// Something to run inside the next append, before it reaches the log.
type Interlude = Box<dyn FnOnce() + Send>;

/// An audit store that refuses appends while told to, as a full disk or a lost database
/// connection would; it can also hold the next append for a while, or run something first.
#[derive(Default)]
struct RefusingAuditStore {
    inner: MemoryAuditStore,
    refusing: AtomicBool,
    hold_next: std::sync::atomic::AtomicU64,
    before_next: std::sync::Mutex<Option<Interlude>>,
}

impl std::fmt::Debug for RefusingAuditStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("RefusingAuditStore")
            .field(&self.inner)
            .finish()
    }
}

impl RefusingAuditStore {
    fn new() -> Self {
        Self::default()
    }
}

impl AuditStore for RefusingAuditStore {
    fn append(&self, entries: &[NewEntry]) -> Result<AppendReceipt, AuditError> {
        if self.refusing.load(Ordering::SeqCst) {
            return Err(AuditError::storage("test", "the log refuses writes"));
        }
        let interlude = self.before_next.lock().expect("lock").take();
        if let Some(run) = interlude {
            run();
        }
        let hold = self.hold_next.swap(0, Ordering::SeqCst);
        std::thread::sleep(std::time::Duration::from_millis(hold));
        self.inner.append(entries)
    }
    fn size(&self) -> Result<u64, AuditError> {
        self.inner.size()
    }
    fn entries(&self, from: u64, to: u64) -> Result<Vec<StoredEntry>, AuditError> {
        self.inner.entries(from, to)
    }
    fn perfect_hash(&self, level: u32, index: u64) -> Result<Digest, AuditError> {
        self.inner.perfect_hash(level, index)
    }
    fn stored_nodes(&self) -> Result<Vec<(u32, u64, Digest)>, AuditError> {
        self.inner.stored_nodes()
    }
    fn put_checkpoint(&self, size: u64, note: &str) -> Result<(), AuditError> {
        self.inner.put_checkpoint(size, note)
    }
    fn checkpoints(&self) -> Result<Vec<(u64, String)>, AuditError> {
        self.inner.checkpoints()
    }
    fn redact(
        &self,
        index: u64,
        redaction: &Redaction,
        cutoff: DateTime<Utc>,
    ) -> Result<(), AuditError> {
        self.inner.redact(index, redaction, cutoff)
    }
    fn place_hold(&self, hold: &LegalHold) -> Result<LegalHold, AuditError> {
        self.inner.place_hold(hold)
    }
    fn release_hold(&self, id: u64, at: DateTime<Utc>) -> Result<(), AuditError> {
        self.inner.release_hold(id, at)
    }
    fn holds(&self) -> Result<Vec<LegalHold>, AuditError> {
        self.inner.holds()
    }
    fn cursor(&self, name: &str) -> Result<u64, AuditError> {
        self.inner.cursor(name)
    }
    fn set_cursor(&self, name: &str, position: u64) -> Result<(), AuditError> {
        self.inner.set_cursor(name, position)
    }
    fn entries_about(
        &self,
        subject: &str,
        kind: Option<&str>,
        from: u64,
        limit: usize,
    ) -> Result<Vec<u64>, AuditError> {
        self.inner.entries_about(subject, kind, from, limit)
    }
    fn count_about(&self, subject: &str, kind: Option<&str>) -> Result<u64, AuditError> {
        self.inner.count_about(subject, kind)
    }
}

/// Every audit entry, parsed.
fn entries(governor: &Governor) -> Vec<AuditEntry> {
    let size = governor.audit().size().expect("size");
    governor
        .audit()
        .store()
        .entries(0, size)
        .expect("entries")
        .into_iter()
        .map(|e| AuditEntry::from_bytes(&e.payload.expect("payload")).expect("parse"))
        .collect()
}

/// The registry entries recording the change `id`.
fn recording(
    governor: &Governor,
    id: &str,
) -> Vec<(usize, serde_json::Map<String, serde_json::Value>)> {
    entries(governor)
        .into_iter()
        .enumerate()
        .filter_map(|(i, e)| match e.event {
            AuditEvent::Registry(fields)
                if fields.get("change_id").and_then(|v| v.as_str()) == Some(id) =>
            {
                Some((i, fields))
            }
            _ => None,
        })
        .collect()
}

fn version_of(r: &aigov::core::ModelRef) -> aigov::core::VersionId {
    match r.selector {
        aigov::core::VersionSelector::Version(v) => v,
        _ => panic!("{r} names no version number"),
    }
}

/// The scenario's model registered and taken to production through every gate; the
/// directory holding its files goes with it.
fn in_production(
    governor: &Governor,
) -> (tempfile::TempDir, common::Actors, aigov::core::ModelRef) {
    let dir = tempfile::tempdir().expect("tempdir");
    let actors = enrol(governor);
    let r = to_production(governor, &actors, &model_dir(dir.path(), "v1", 0.3));
    (dir, actors, r)
}

/// A governor on a manual clock whose log refuses appends on demand.
fn refusing_governor() -> (
    Governor,
    Arc<RefusingAuditStore>,
    Arc<aigov::core::ManualClock>,
) {
    let store = Arc::new(RefusingAuditStore::new());
    let (builder, clock) = on_manual_clock();
    let governor = builder
        .audit_store(store.clone())
        .build()
        .expect("governor");
    (governor, store, clock)
}

/// Suspends the version straight through the registry, as an operation that died before
/// its audit entry would leave it: the change and its note, no entry.
fn suspend_behind_the_log(
    governor: &Governor,
    actors: &common::Actors,
    r: &aigov::core::ModelRef,
) -> aigov::registry::RegistryEvent {
    governor
        .registry()
        .transition(
            &actors.admin.id,
            &login_risk(),
            version_of(r),
            Stage::Suspended,
            "incident",
        )
        .expect("suspend")
        .1
}

/// The registry entry its maker appends for `event`.
fn as_logged(event: &aigov::registry::RegistryEvent) -> AuditEntry {
    let serde_json::Value::Object(fields) = serde_json::to_value(event).expect("json") else {
        panic!("a registry event is a JSON object");
    };
    AuditEntry {
        time: event.at,
        actor: event.actor.clone(),
        authn: None,
        request: None,
        event: AuditEvent::Registry(fields),
    }
}

fn login_risk() -> ModelName {
    ModelName::new("login-risk").expect("name")
}

#[test]
fn a_change_the_log_refused_is_recorded_once_when_the_log_takes_writes_again() {
    let (governor, store, clock) = refusing_governor();
    let (_dir, actors, r) = in_production(&governor);
    assert!(governor.pending_changes().expect("pending").is_empty());

    // The log refuses: the deployment is made, the caller is told it is not audited yet.
    store.refusing.store(true, Ordering::SeqCst);
    let refused = governor
        .deploy(&actors.deployer.principal(), &r, "prod", Some("eu-west-1"))
        .expect_err("not audited");
    assert!(matches!(refused, Error::NotAudited { .. }), "{refused}");
    assert_eq!(
        governor
            .registry()
            .deployed(&login_risk(), "prod")
            .expect("deployed"),
        Some(version_of(&r))
    );
    // The change waits in the journal; it is on its way, not missing.
    let pending = governor.pending_changes().expect("pending");
    assert_eq!(pending.len(), 1);
    let id = pending[0].note.id().to_string();
    assert_eq!(governor.unaudited_changes().expect("reconcile"), vec![]);

    // While its claim is fresh nobody else records it, even with the log back.
    store.refusing.store(false, Ordering::SeqCst);
    let report = governor.record_pending_changes().expect("pass");
    assert_eq!(
        (report.recorded.len(), report.already_logged, report.held),
        (0, 0, 1)
    );

    // Once stale it is recorded, once, as it happened and marked late; then settled.
    clock.advance(chrono::Duration::seconds(61));
    let report = governor.record_pending_changes().expect("pass");
    assert_eq!(report.recorded.len(), 1, "{report:?}");
    assert!(
        report.recorded[0].contains("login-risk@1 deployed"),
        "{report:?}"
    );
    let found = recording(&governor, &id);
    assert_eq!(found.len(), 1);
    let fields = &found[0].1;
    assert_eq!(fields["event"], "deployed");
    assert_eq!(fields["environment"], "prod");
    assert_eq!(fields["recorded_late"], true);
    assert_eq!(fields["actor"], actors.deployer.id.as_str());
    assert!(governor.pending_changes().expect("pending").is_empty());
    let again = governor.record_pending_changes().expect("pass");
    assert_eq!(again, Default::default());
    assert!(recording(&governor, &id).len() == 1);
    assert_eq!(governor.unaudited_changes().expect("reconcile"), vec![]);
    assert!(governor.verify_audit().expect("verify").is_ok());
}

#[test]
fn a_late_record_carries_the_entries_noted_with_the_change() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (governor, store, clock) = refusing_governor();
    let actors = enrol(&governor);
    let v = governor
        .register(
            &actors.scientist.principal(),
            common::registration(&model_dir(dir.path(), "v1", 0.3), &actors),
        )
        .expect("register");
    let r = aigov::core::ModelRef::version(v.name.clone(), v.version);
    let fairness = common::evidence_for(&common::model_json(0.3), false)
        .into_iter()
        .find(|e| e.kind == aigov::registry::EvidenceKind::Fairness)
        .expect("fairness evidence");
    store.refusing.store(true, Ordering::SeqCst);
    let at = governor.audit().size().expect("size");
    assert!(matches!(
        governor.attach_evidence(&actors.scientist.principal(), &r, fairness),
        Err(Error::NotAudited { .. })
    ));
    store.refusing.store(false, Ordering::SeqCst);
    clock.advance(chrono::Duration::minutes(5));
    // The next operation records the stale change before its own.
    governor
        .validate(&actors.validator.principal(), &r)
        .expect_err("evidence missing");
    let logged = entries(&governor);
    let late = &logged[at as usize..];
    let AuditEvent::Registry(fields) = &late[0].event else {
        panic!("the late change first: {late:?}");
    };
    assert_eq!(fields["event"], "evidence-attached");
    assert_eq!(fields["recorded_late"], true);
    let AuditEvent::FairnessAudit(audit) = &late[1].event else {
        panic!("its fairness audit next: {late:?}");
    };
    assert_eq!(audit.model.version, v.version);
    assert_eq!(late[1].time, late[0].time, "dated when the change was made");
    assert!(matches!(late[2].event, AuditEvent::Gate(_)), "{late:?}");
    assert!(governor.pending_changes().expect("pending").is_empty());
    assert!(governor.verify_audit().expect("verify").is_ok());
}

#[test]
fn a_change_logged_before_its_note_was_settled_is_not_logged_again() {
    let (builder, clock) = on_manual_clock();
    let governor = builder.build().expect("governor");
    let (_dir, actors, r) = in_production(&governor);
    // The registry changes and the entry is appended, and then the process dies before it
    // settles the note.
    let event = suspend_behind_the_log(&governor, &actors, &r);
    let id = event.change_id.clone().expect("noted");
    governor.audit().append(&as_logged(&event)).expect("append");
    clock.advance(chrono::Duration::minutes(2));
    let report = governor.record_pending_changes().expect("pass");
    assert_eq!((report.recorded.len(), report.already_logged), (0, 1));
    assert_eq!(recording(&governor, &id).len(), 1);
    assert!(governor.pending_changes().expect("pending").is_empty());
    assert_eq!(governor.unaudited_changes().expect("reconcile"), vec![]);
}

/// Two processes on one store: the one that crashed mid-operation left changes journaled;
/// two replicas then race to record them, one with a clock 30 s ahead and a one-second lease,
/// so both take the same changes over and the log's change key must keep each to one entry.
fn replicas_record_each_stale_change_exactly_once(open: &dyn Fn() -> GovernorBuilder) {
    let first = open().build().expect("first");
    let (_dir, actors, r) = in_production(&first);
    // Changes made through the registry alone: each noted, none recorded, as if the process
    // died right after each one.
    let mut ids = Vec::new();
    for i in 0..12 {
        let environment = format!("region-{i}");
        let (_, event) = first
            .registry()
            .deploy(
                &actors.deployer.id,
                &login_risk(),
                version_of(&r),
                &environment,
                None,
                "deploy",
            )
            .expect("deploy");
        ids.push(event.change_id.expect("noted"));
    }
    assert_eq!(first.pending_changes().expect("pending").len(), 12);
    drop(first);
    let later = Utc::now() + chrono::Duration::hours(1);
    let a = Arc::new(
        open()
            .clock(Arc::new(aigov::core::ManualClock::new(later)))
            .build()
            .expect("replica"),
    );
    let b = Arc::new(
        open()
            .clock(Arc::new(aigov::core::ManualClock::new(
                later + chrono::Duration::seconds(30),
            )))
            .change_claim_lease(std::time::Duration::from_secs(1))
            .build()
            .expect("skewed replica"),
    );
    let passes: Vec<_> = [Arc::clone(&a), Arc::clone(&b)]
        .into_iter()
        .map(|g| std::thread::spawn(move || g.record_pending_changes().expect("pass")))
        .collect();
    let reports: Vec<_> = passes
        .into_iter()
        .map(|p| p.join().expect("pass"))
        .collect();
    let recorded: usize = reports.iter().map(|r| r.recorded.len()).sum();
    assert_eq!(recorded, 12, "{reports:?}");
    for id in &ids {
        assert_eq!(recording(&a, id).len(), 1, "change {id}");
    }
    assert!(a.pending_changes().expect("pending").is_empty());
    assert_eq!(b.unaudited_changes().expect("reconcile"), vec![]);
    assert!(a.verify_audit().expect("verify").is_ok());
    eprintln!("{reports:?}");
}

#[test]
fn sqlite_replicas_record_each_stale_change_exactly_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let home = dir.path().join("store");
    replicas_record_each_stale_change_exactly_once(&|| {
        GovernorBuilder::open(&home).expect("builder")
    });
}

#[test]
fn postgres_replicas_record_each_stale_change_exactly_once() {
    let Some(pg) = aigov_testkit::PgSchema::create("gov_journal") else {
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let home = dir.path().join("home");
    replicas_record_each_stale_change_exactly_once(&|| {
        GovernorBuilder::postgres(&pg.url(), &home).expect("builder")
    });
}

/// A change made straight in a store, past the registry and its journal, is not prevented
/// but found, and an admin can record it.
#[test]
fn changes_made_around_the_journal_are_found_and_recorded() {
    let governor = Governor::in_memory().expect("governor");
    let (_dir, actors, r) = in_production(&governor);
    assert_eq!(governor.unaudited_changes().expect("reconcile"), vec![]);
    let mut v = governor.registry().resolve(&r).expect("version");
    v.stage = Stage::Suspended;
    governor
        .registry()
        .store()
        .update_version(&v, None)
        .expect("behind the log's back");
    let found = governor.unaudited_changes().expect("reconcile");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].subject, "login-risk@1");
    assert!(found[0].change.contains("suspended"), "{found:?}");
    let refused = governor.record_unaudited_changes(&actors.deployer.principal());
    assert_eq!(refused.expect_err("refused").denied_by(), Some("authz"));
    let recorded = governor
        .record_unaudited_changes(&actors.admin.principal())
        .expect("record");
    assert_eq!(recorded, found);
    assert_eq!(governor.unaudited_changes().expect("reconcile"), vec![]);
    let last = entries(&governor).pop().expect("an entry");
    let AuditEvent::Custom(fields) = last.event else {
        panic!("not the recorded change: {last:?}");
    };
    assert_eq!(fields["type"], "unaudited-change-found");
    assert_eq!(fields["change"], found[0].change.as_str());
    assert_eq!(last.actor, actors.admin.id);
    assert!(governor.verify_audit().expect("verify").is_ok());
}

/// Replicas sharing memory stores (as two processes share a database) see one journal.
#[test]
fn replicas_share_one_journal() {
    let records: Arc<dyn RegistryStore> = Arc::new(MemoryRegistryStore::new());
    let artifacts = Arc::new(MemoryArtifactStore::new());
    let audit = Arc::new(MemoryAuditStore::new());
    let (_, clock) = on_manual_clock();
    let replica = |lease: u64| {
        GovernorBuilder::in_memory()
            .expect("builder")
            .registry_stores(Arc::clone(&records), artifacts.clone())
            .audit_store(audit.clone())
            .clock(clock.clone())
            .change_claim_lease(std::time::Duration::from_secs(lease))
            .build()
            .expect("replica")
    };
    let a = replica(3600);
    let (_dir, actors, r) = in_production(&a);
    let event = suspend_behind_the_log(&a, &actors, &r);
    // Within the lease the change is left to its maker; after it, a replica records it.
    clock.advance(chrono::Duration::minutes(10));
    assert_eq!(
        replica(3600).record_pending_changes().expect("pass").held,
        1
    );
    let b = replica(60);
    assert_eq!(b.record_pending_changes().expect("pass").recorded.len(), 1);
    assert_eq!(
        recording(&a, event.change_id.as_deref().expect("noted")).len(),
        1
    );
    assert!(a.pending_changes().expect("pending").is_empty());
    // A lease under a second would take changes from makers that are merely recording them.
    let short = GovernorBuilder::in_memory()
        .expect("builder")
        .change_claim_lease(std::time::Duration::from_millis(999))
        .build();
    assert!(
        matches!(short, Err(Error::InvalidInput { .. })),
        "{short:?}"
    );
}

/// A maker that records its change after a taker did is refused by the log, not appended.
#[test]
fn the_log_refuses_a_change_recorded_twice() {
    let (builder, clock) = on_manual_clock();
    let governor = builder.build().expect("governor");
    let (_dir, actors, r) = in_production(&governor);
    let event = suspend_behind_the_log(&governor, &actors, &r);
    clock.advance(chrono::Duration::minutes(2));
    assert_eq!(
        governor
            .record_pending_changes()
            .expect("pass")
            .recorded
            .len(),
        1
    );
    // The stalled maker wakes up and appends what it noted.
    let late = governor.audit().append(&as_logged(&event));
    let id = event.change_id.clone().expect("noted");
    assert!(
        matches!(&late, Err(AuditError::Duplicate { key, .. }) if key == &format!("registry-change:{id}")),
        "{late:?}"
    );
    assert_eq!(recording(&governor, &id).len(), 1);
    assert!(governor.verify_audit().expect("verify").is_ok());
}

/// A change logged but not yet settled is counted once, so a bypass beside it still shows.
#[test]
fn a_logged_unsettled_change_does_not_hide_a_bypass() {
    let (builder, _clock) = on_manual_clock();
    let governor = builder.build().expect("governor");
    let (_dir, actors, r) = in_production(&governor);
    let (record, event) = governor
        .registry()
        .deploy(
            &actors.deployer.id,
            &login_risk(),
            version_of(&r),
            "canary",
            None,
            "deploy",
        )
        .expect("deploy");
    // Logged, then the process died before settling.
    governor.audit().append(&as_logged(&event)).expect("append");
    // A second deployment written straight into the store, past the journal.
    let bypass = aigov::registry::DeploymentRecord {
        seq: 2,
        reason: "behind the log's back".into(),
        ..record
    };
    governor
        .registry()
        .store()
        .append_deployment(&bypass, None)
        .expect("bypass");
    let found = governor.unaudited_changes().expect("reconcile");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        found[0].change,
        "2 deployments to canary recorded, 1 logged"
    );
    assert!(governor.verify_audit().expect("verify").is_ok());
}

/// A change the log keeps refusing is reported once two leases have passed.
#[test]
fn a_change_stuck_in_the_journal_is_reported() {
    let (governor, store, clock) = refusing_governor();
    let (_dir, actors, r) = in_production(&governor);
    store.refusing.store(true, Ordering::SeqCst);
    assert!(
        governor
            .deploy(&actors.deployer.principal(), &r, "prod", None)
            .is_err()
    );
    clock.advance(chrono::Duration::seconds(90));
    assert_eq!(governor.unaudited_changes().expect("reconcile"), vec![]);
    assert!(governor.record_pending_changes().is_err());
    assert_eq!(governor.journal_failures().0, 1);
    clock.advance(chrono::Duration::seconds(60));
    let found = governor.unaudited_changes().expect("reconcile");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].subject, "login-risk@1");
    assert!(
        found[0]
            .change
            .contains("(deployed) journaled at 2026-11-26T"),
        "{found:?}"
    );
    store.refusing.store(false, Ordering::SeqCst);
    clock.advance(chrono::Duration::seconds(61));
    assert_eq!(
        governor
            .record_pending_changes()
            .expect("pass")
            .recorded
            .len(),
        1
    );
    assert_eq!(governor.unaudited_changes().expect("reconcile"), vec![]);
    assert!(governor.verify_audit().expect("verify").is_ok());
}

/// A decommission whose entries the log refused is recorded later with its certificate entry,
/// and the certificate is kept by its digest.
#[test]
fn a_decommission_recorded_late_keeps_its_certificate_entry() {
    let (governor, store, clock) = refusing_governor();
    let (_dir, actors, r) = in_production(&governor);
    suspend_behind_the_log(&governor, &actors, &r);
    clock.advance(chrono::Duration::minutes(2));
    governor.record_pending_changes().expect("pass");
    let at = governor.audit().size().expect("size") as usize;
    store.refusing.store(true, Ordering::SeqCst);
    assert!(
        governor
            .decommission(
                &actors.admin.principal(),
                &r,
                aigov::decommission::DecommissionMode::Archive
            )
            .is_err()
    );
    assert_eq!(
        governor.registry().resolve(&r).expect("version").stage,
        Stage::Decommissioned
    );
    store.refusing.store(false, Ordering::SeqCst);
    clock.advance(chrono::Duration::minutes(2));
    assert_eq!(
        governor
            .record_pending_changes()
            .expect("pass")
            .recorded
            .len(),
        1
    );
    let late = &entries(&governor)[at..];
    let AuditEvent::Registry(fields) = &late[0].event else {
        panic!("{late:?}");
    };
    assert_eq!(fields["to"], "decommissioned");
    let AuditEvent::Decommission(record) = &late[1].event else {
        panic!("the certificate's entry with it: {late:?}");
    };
    let certificate = governor
        .registry()
        .artifacts()
        .get(&record.certificate_digest)
        .expect("the certificate is kept");
    let envelope: aigov::core::Envelope =
        serde_json::from_slice(&certificate).expect("a DSSE envelope");
    let key = governor.checkpoint_key();
    let verifiers: [&dyn aigov::core::SignatureVerifier; 1] = [&key];
    assert!(envelope.verify(&verifiers).is_ok());
    assert!(governor.verify_audit().expect("verify").is_ok());
}

/// A maker whose change a replica recorded while the maker was still appending gets its own
/// append refused as a duplicate, takes that as recorded, and returns `Ok`: one entry.
#[test]
fn a_maker_overtaken_by_a_replica_returns_ok_with_one_entry() {
    let records: Arc<dyn RegistryStore> = Arc::new(MemoryRegistryStore::new());
    let artifacts = Arc::new(MemoryArtifactStore::new());
    let store = Arc::new(RefusingAuditStore::new());
    let (_, clock) = on_manual_clock();
    let replica = || {
        GovernorBuilder::in_memory()
            .expect("builder")
            .registry_stores(Arc::clone(&records), artifacts.clone())
            .audit_store(store.clone())
            .clock(clock.clone())
            .build()
            .expect("replica")
    };
    let maker = replica();
    let other = Arc::new(replica());
    let (_dir, actors, r) = in_production(&maker);
    // Inside the maker's append, two minutes pass and the other replica's pass takes the
    // change over and records it.
    let (taker, later) = (Arc::clone(&other), clock.clone());
    *store.before_next.lock().expect("lock") = Some(Box::new(move || {
        later.advance(chrono::Duration::minutes(2));
        let report = taker.record_pending_changes().expect("pass");
        assert_eq!(report.recorded.len(), 1, "{report:?}");
    }));
    maker
        .deploy(&actors.deployer.principal(), &r, "prod", None)
        .expect("the maker's deploy succeeds");
    let deployed: Vec<_> = entries(&maker)
        .into_iter()
        .filter_map(|e| match e.event {
            AuditEvent::Registry(fields)
                if fields["event"] == "deployed" && fields["environment"] == "prod" =>
            {
                Some(fields)
            }
            _ => None,
        })
        .collect();
    assert_eq!(deployed.len(), 1, "{deployed:?}");
    assert_eq!(deployed[0]["recorded_late"], true, "the replica's record");
    assert!(maker.pending_changes().expect("pending").is_empty());
    assert!(maker.verify_audit().expect("verify").is_ok());
}

/// Callers grouped into one commit: one whose change is logged already is refused as a
/// duplicate and the others' entries are appended; of two callers recording the same change,
/// one is appended and the other refused.
#[test]
fn group_commit_refuses_only_the_duplicates() {
    let store = Arc::new(RefusingAuditStore::new());
    let governor = Arc::new(
        GovernorBuilder::in_memory()
            .expect("builder")
            .audit_store(store.clone())
            .build()
            .expect("governor"),
    );
    let registry_entry = |id: &str| AuditEntry {
        time: Utc::now(),
        actor: aigov::core::ActorId::new("ops@example.com").expect("actor"),
        authn: None,
        request: None,
        event: AuditEvent::Registry(
            serde_json::json!({"model": "m", "version": 1, "event": "deployed", "change_id": id})
                .as_object()
                .cloned()
                .expect("object"),
        ),
    };
    let logged = governor
        .audit()
        .append(&registry_entry("logged"))
        .expect("first")
        .index;
    // Each round: the first append holds the log while the others queue up behind it, so
    // they are written as one group (or two, when a key repeats).
    let round = |ids: &[&'static str]| {
        store.hold_next.store(300, Ordering::SeqCst);
        let holder = {
            let governor = Arc::clone(&governor);
            let entry = registry_entry(&format!("holder-{}", ids[0]));
            std::thread::spawn(move || governor.audit().append(&entry).map(|r| r.index))
        };
        std::thread::sleep(std::time::Duration::from_millis(100));
        let callers: Vec<_> = ids
            .iter()
            .map(|&id| {
                let governor = Arc::clone(&governor);
                let entry = registry_entry(id);
                std::thread::spawn(move || (id, governor.audit().append(&entry).map(|r| r.index)))
            })
            .collect();
        assert!(holder.join().expect("holder").is_ok());
        callers
            .into_iter()
            .map(|c| c.join().expect("caller"))
            .collect::<Vec<_>>()
    };
    let results = round(&["logged", "p1", "p2", "p3", "p4", "p5"]);
    for (id, result) in &results {
        match (*id, result) {
            ("logged", Err(AuditError::Duplicate { index, .. })) if *index == logged => {}
            ("logged", other) => panic!("the logged change again: {other:?}"),
            (_, Ok(_)) => {}
            (id, Err(e)) => panic!("{id} failed beside the duplicate: {e}"),
        }
    }
    let results = round(&["same", "same", "q1", "q2"]);
    let same: Vec<_> = results.iter().filter(|(id, _)| *id == "same").collect();
    assert_eq!(
        same.iter().filter(|(_, r)| r.is_ok()).count(),
        1,
        "{results:?}"
    );
    assert!(
        same.iter()
            .any(|(_, r)| matches!(r, Err(AuditError::Duplicate { .. }))),
        "{results:?}"
    );
    assert!(
        results
            .iter()
            .filter(|(id, _)| id.starts_with('q'))
            .all(|(_, r)| r.is_ok()),
        "{results:?}"
    );
    // logged, two holders, p1..p5, one same, q1, q2.
    assert_eq!(governor.audit().size().expect("size"), 11);
    assert!(governor.verify_audit().expect("verify").is_ok());
}

/// Reconcile compares the latest logged stage and deployment pointer with the store, and
/// only entries the registry made (with a change id) count: a suspended version set back to
/// production in SQL, a pointer moved in SQL, and a stage change appended by hand to cover
/// either are all found.
#[test]
fn the_latest_logged_stage_and_pointer_must_match_the_store() {
    let home = tempfile::tempdir().expect("tempdir");
    let governor = Governor::open(home.path()).expect("governor");
    let (_dir, actors, r) = in_production(&governor);
    governor
        .deploy(&actors.deployer.principal(), &r, "prod", Some("eu-west-1"))
        .expect("deploy");
    // Suspended through the governor (logged), then set back to production behind it.
    let incident = governor
        .open_incident(
            &actors.responder.principal(),
            aigov::incident::NewIncident {
                id: "INC-R".into(),
                title: "evasion".into(),
                kind: aigov::incident::IncidentKind::Other,
                severity: aigov::incident::Severity::Low,
                affected: vec![r.clone()],
                source: aigov::incident::IncidentSource::Person {
                    actor: actors.responder.id.to_string(),
                },
                owner: actors.responder.id.clone(),
            },
        )
        .expect("incident");
    governor
        .contain(
            &actors.responder.principal(),
            &incident.incident.id,
            &aigov::incident::Containment::Suspend,
        )
        .expect("suspend");
    assert_eq!(governor.unaudited_changes().expect("reconcile"), vec![]);
    let db = rusqlite::Connection::open(home.path().join("aigov.db")).expect("db");
    db.execute_batch(
        "UPDATE registry_versions SET stage = 'production', \
             doc = json_set(doc, '$.stage', 'production', '$.features', json('[\"a\", \"b\"]')) \
             WHERE name = 'login-risk';
         UPDATE registry_deployments SET doc = json_set(doc, '$.version', 7) \
             WHERE name = 'login-risk' AND environment = 'prod';",
    )
    .expect("behind the log's back");
    // A registry entry appended by hand, without a change id, claims the stage change.
    governor
        .audit()
        .append(&AuditEntry {
            time: Utc::now(),
            actor: actors.admin.id.clone(),
            authn: None,
            request: None,
            event: AuditEvent::Registry(serde_json::Map::from_iter([
                ("event".to_string(), serde_json::json!("stage-changed")),
                ("model".to_string(), serde_json::json!("login-risk")),
                ("version".to_string(), serde_json::json!(1)),
                ("to".to_string(), serde_json::json!("production")),
            ])),
        })
        .expect("hand-appended");
    let found = governor.unaudited_changes().expect("reconcile");
    let changes: Vec<&str> = found.iter().map(|c| c.change.as_str()).collect();
    assert!(
        changes
            .iter()
            .any(|c| c.contains("in stage production but the latest logged stage is suspended")),
        "{changes:?}"
    );
    assert!(
        changes
            .iter()
            .any(|c| c
                .contains("prod serves version 7 but the latest logged deployment is version 1")),
        "{changes:?}"
    );
    assert!(
        changes
            .iter()
            .any(|c| c.contains(r#"scores by features ["a","b"] but its registration logged []"#)),
        "{changes:?}"
    );
}
