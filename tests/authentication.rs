//! Who is acting is proven, not claimed: signed requests verified against the actor
//! directory, once, within the window; the first admin by proof of possession; every entry
//! says how its actor was authenticated.

mod common;

use aigov::audit::{AuditEntry, AuditEvent, AuditStoreExt, Authn};
use aigov::core::{
    Action, ActorId, Clock, Digest, RequestStatement, Role, SignedRequest, SignerKey,
};
use aigov::registry::Stage;
use aigov::{Error, Governor, Principal};
use chrono::{Duration, Utc};

fn id(s: &str) -> ActorId {
    ActorId::new(s).expect("id")
}

fn signed(
    governor: &Governor,
    actor: &ActorId,
    key: &SignerKey,
    op: Action,
    at: chrono::DateTime<Utc>,
) -> SignedRequest {
    SignedRequest::sign(
        actor.clone(),
        governor.request_audience(),
        op,
        Digest::of(b"[]"),
        at,
        key,
    )
    .expect("sign")
}

fn last_entry(governor: &Governor) -> AuditEntry {
    let size = governor.audit().size().expect("size");
    let stored = governor.audit().store().entry(size - 1).expect("entry");
    AuditEntry::from_bytes(&stored.payload.expect("payload")).expect("entry")
}

/// Asserts an `authn` refusal with `code`, and that it is the log's newest entry.
fn refused_by_authn(governor: &Governor, result: Result<Principal, Error>, code: &str) {
    let err = result.expect_err("refused");
    assert_eq!(err.denied_by(), Some("authn"), "{err}");
    assert_eq!(err.codes(), vec![code], "{err}");
    let AuditEvent::Gate(gate) = last_entry(governor).event else {
        panic!("the refusal is not the newest entry");
    };
    assert_eq!(gate.gate, "authn");
    assert!(!gate.allow);
}

/// A governor with an admin enrolled by proof of possession, and the admin's key.
fn with_admin() -> (Governor, ActorId, SignerKey) {
    let governor = Governor::in_memory().expect("governor");
    let admin = id("admin@example.com");
    let key = SignerKey::generate("admin").expect("key");
    let request = signed(&governor, &admin, &key, Action::ManageActors, Utc::now());
    let possession = governor
        .authenticate_enrolment(&request, &key.verifier())
        .expect("proof of possession");
    governor
        .add_actor(&possession, admin.clone(), key.verifier(), [Role::Admin])
        .expect("bootstrap");
    (governor, admin, key)
}

#[test]
fn a_signed_request_authenticates_once_and_every_entry_names_it() {
    let (governor, admin, key) = with_admin();
    let enrolled = last_entry(&governor);
    assert_eq!(enrolled.authn, Some(Authn::Signed));
    assert!(enrolled.request.is_some());

    let request = signed(&governor, &admin, &key, Action::ManageActors, Utc::now());
    let principal = governor.authenticate(&request).expect("authenticated");
    assert_eq!(principal.actor(), &admin);
    assert_eq!(principal.authn(), Authn::Signed);
    assert_eq!(principal.request(), Some(request.digest()));
    // The log holds the request itself, envelope and all, before anything is done for it.
    let AuditEvent::Request(record) = last_entry(&governor).event else {
        panic!("no request entry");
    };
    assert_eq!(record.operation, "manage-actors");
    assert_eq!(record.nonce, request.statement().nonce);
    assert_eq!(record.digest, request.digest());
    let envelope: aigov::core::Envelope =
        serde_json::from_value(record.envelope).expect("envelope");
    SignedRequest::from_envelope(envelope)
        .expect("request")
        .verify(&key.verifier())
        .expect("the logged request verifies with the admin's key");

    let deployer = id("deployer@example.com");
    let deployer_key = SignerKey::generate("deployer").expect("key");
    governor
        .add_actor(
            &principal,
            deployer.clone(),
            deployer_key.verifier(),
            [Role::Deployer],
        )
        .expect("enrol");
    let entry = last_entry(&governor);
    assert_eq!(entry.actor, admin);
    assert_eq!(entry.authn, Some(Authn::Signed));
    assert_eq!(entry.request, Some(request.digest()));

    // The same request again is a replay, refused and audited.
    refused_by_authn(
        &governor,
        governor.authenticate(&request),
        "replayed_request",
    );
    assert!(
        governor
            .audit()
            .verify(&[&governor.checkpoint_key()])
            .expect("verify")
            .is_ok()
    );
}

#[test]
fn wrong_keys_strangers_stale_times_and_other_operations_are_refused() {
    let (governor, admin, key) = with_admin();
    let now = Utc::now();
    // A key that is not the admin's enrolled key: the insider who claims to be the admin.
    let forged = SignerKey::generate("admin").expect("key");
    refused_by_authn(
        &governor,
        governor.authenticate(&signed(
            &governor,
            &admin,
            &forged,
            Action::ManageActors,
            now,
        )),
        "bad_signature",
    );
    refused_by_authn(
        &governor,
        governor.authenticate(&signed(
            &governor,
            &id("nobody@nowhere"),
            &forged,
            Action::Register,
            now,
        )),
        "unknown_actor",
    );
    for skew in [
        Duration::minutes(6),
        Duration::minutes(-6),
        Duration::days(-400),
    ] {
        refused_by_authn(
            &governor,
            governor.authenticate(&signed(
                &governor,
                &admin,
                &key,
                Action::ManageActors,
                now + skew,
            )),
            "stale_request",
        );
    }
    // A statement altered after signing does not verify.
    let request = signed(&governor, &admin, &key, Action::Register, now);
    let mut envelope = request.envelope().clone();
    let mut statement: RequestStatement =
        serde_json::from_slice(&envelope.payload).expect("statement");
    statement.operation = Action::ManageActors;
    envelope.payload = serde_json::to_vec(&statement).expect("json");
    let altered = SignedRequest::from_envelope(envelope).expect("parses");
    refused_by_authn(&governor, governor.authenticate(&altered), "bad_signature");

    // A request signed for registering cannot enrol anyone.
    let principal = governor.authenticate(&request).expect("authenticated");
    let err = governor
        .add_actor(
            &principal,
            id("mallory@example.com"),
            forged.verifier(),
            [Role::Admin],
        )
        .expect_err("wrong operation");
    assert_eq!(err.denied_by(), Some("authn"));
    assert_eq!(err.codes(), vec!["wrong_operation"]);
    assert_eq!(
        governor.directory().roles(&id("mallory@example.com")).len(),
        0
    );
}

#[test]
fn a_request_for_one_store_is_refused_by_another() {
    let (governor, admin, key) = with_admin();
    let other = Governor::in_memory().expect("governor");
    other
        .enrol_first_admin(&Principal::vouched_by_host(admin.clone()), key.verifier())
        .expect("same admin, same key");
    let request = signed(&governor, &admin, &key, Action::ManageActors, Utc::now());
    refused_by_authn(&other, other.authenticate(&request), "wrong_audience");
    governor
        .authenticate(&request)
        .expect("its own governor takes it");
}

#[test]
fn the_window_follows_the_governors_clock_and_is_configurable() {
    let (builder, clock) = common::on_manual_clock();
    let governor = builder
        .request_window(std::time::Duration::from_secs(30))
        .build()
        .expect("governor");
    let admin = id("admin@example.com");
    let key = SignerKey::generate("admin").expect("key");
    let at = clock.now();
    let request = signed(&governor, &admin, &key, Action::ManageActors, at);
    let possession = governor
        .authenticate_enrolment(&request, &key.verifier())
        .expect("within the window");
    governor
        .add_actor(&possession, admin.clone(), key.verifier(), [Role::Admin])
        .expect("bootstrap");
    clock.advance(Duration::seconds(31));
    refused_by_authn(
        &governor,
        governor.authenticate(&signed(&governor, &admin, &key, Action::ManageActors, at)),
        "stale_request",
    );
}

#[test]
fn possession_enrols_only_the_first_admin_with_that_very_key() {
    let governor = Governor::in_memory().expect("governor");
    let admin = id("admin@example.com");
    let key = SignerKey::generate("admin").expect("key");
    let other = SignerKey::generate("admin").expect("key");
    // Signed with one key, offering another: the proof is about the offered key.
    refused_by_authn(
        &governor,
        governor.authenticate_enrolment(
            &signed(&governor, &admin, &key, Action::ManageActors, Utc::now()),
            &other.verifier(),
        ),
        "bad_signature",
    );
    // A proof of possession is for enrolling, nothing else.
    let mallory = id("mallory@example.com");
    let mallory_key = SignerKey::generate("mallory").expect("key");
    refused_by_authn(
        &governor,
        governor.authenticate_enrolment(
            &signed(
                &governor,
                &mallory,
                &mallory_key,
                Action::Promote,
                Utc::now(),
            ),
            &mallory_key.verifier(),
        ),
        "wrong_operation",
    );
    let racing = governor
        .authenticate_enrolment(
            &signed(
                &governor,
                &mallory,
                &mallory_key,
                Action::ManageActors,
                Utc::now(),
            ),
            &mallory_key.verifier(),
        )
        .expect("the directory is still empty");
    // A proof for key A does not enrol key B.
    let possession = governor
        .authenticate_enrolment(
            &signed(&governor, &admin, &key, Action::ManageActors, Utc::now()),
            &key.verifier(),
        )
        .expect("possession");
    let err = governor
        .add_actor(&possession, admin.clone(), other.verifier(), [Role::Admin])
        .expect_err("another key");
    assert_eq!(err.denied_by(), Some("authn"));
    assert_eq!(err.codes(), vec!["key_not_enrolled"]);
    assert!(governor.directory().is_empty());
    governor
        .add_actor(&possession, admin.clone(), key.verifier(), [Role::Admin])
        .expect("bootstrap");

    // Mallory, racing the admin, got a possession principal while the directory was empty;
    // once the admin is in, it proves nothing: no second bootstrap.
    let err = governor
        .add_actor(
            &racing,
            mallory.clone(),
            mallory_key.verifier(),
            [Role::Admin],
        )
        .expect_err("no second bootstrap");
    assert_eq!(err.codes(), vec!["key_not_enrolled"]);
    assert!(governor.directory().roles(&mallory).is_empty());
    // And no new proof of possession is taken at all.
    refused_by_authn(
        &governor,
        governor.authenticate_enrolment(
            &signed(
                &governor,
                &mallory,
                &mallory_key,
                Action::ManageActors,
                Utc::now(),
            ),
            &mallory_key.verifier(),
        ),
        "key_not_enrolled",
    );
}

#[test]
fn host_vouched_principals_are_marked_host_in_the_log() {
    let governor = Governor::in_memory().expect("governor");
    let actors = common::enrol(&governor);
    assert_eq!(last_entry(&governor).authn, Some(Authn::Host));
    let dir = tempfile::tempdir().expect("tempdir");
    let r = common::to_production(
        &governor,
        &actors,
        &common::model_dir(dir.path(), "v1", 0.3),
    );
    let size = governor.audit().size().expect("size");
    for stored in governor.audit().store().entries(0, size).expect("entries") {
        let entry = AuditEntry::from_bytes(&stored.payload.expect("payload")).expect("entry");
        assert_eq!(entry.authn, Some(Authn::Host), "{entry:?}");
        assert_eq!(entry.request, None);
    }
    let v = governor.registry().resolve(&r).expect("version");
    assert_eq!(v.stage, Stage::Production);
}
