//! Authentication: turning a signed request into a [`Principal`], once.

use aigov_audit::{AuditEntry, AuditError, AuditEvent, Authn, GateRecord, RequestRecord};
use aigov_core::{Action, ActorId, SignedRequest, VerifierKey};
use aigov_policy::Finding;
use serde_json::json;

use super::Governor;
use crate::{Error, Principal};

/// How far a signed request's time may be from the governor's clock, either way, unless
/// [`crate::GovernorBuilder::request_window`] says otherwise.
pub const DEFAULT_REQUEST_WINDOW: std::time::Duration = std::time::Duration::from_secs(300);

/// Why authentication failed: the `code` of the `authn` refusal's finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthnFailure {
    /// The caller gave no signed request (no key).
    MissingSignature,
    /// The actor is not in the actor directory.
    UnknownActor,
    /// The signature does not verify with the actor's enrolled key.
    BadSignature,
    /// The request's time is outside the window around the governor's clock.
    StaleRequest,
    /// The request's nonce was used before.
    ReplayedRequest,
    /// The request was signed for another operation.
    WrongOperation,
    /// The key that signed is not enrolled (proof of possession enrols the first admin only).
    KeyNotEnrolled,
    /// The request was signed for another governor (its audience is another log's origin).
    WrongAudience,
}

impl AuthnFailure {
    /// The finding code (`bad_signature`, `replayed_request`, ...).
    pub fn code(self) -> &'static str {
        match self {
            AuthnFailure::MissingSignature => "missing_signature",
            AuthnFailure::UnknownActor => "unknown_actor",
            AuthnFailure::BadSignature => "bad_signature",
            AuthnFailure::StaleRequest => "stale_request",
            AuthnFailure::ReplayedRequest => "replayed_request",
            AuthnFailure::WrongOperation => "wrong_operation",
            AuthnFailure::KeyNotEnrolled => "key_not_enrolled",
            AuthnFailure::WrongAudience => "wrong_audience",
        }
    }
}

/// The gate name authentication refusals are recorded and returned under.
pub const AUTHN_GATE: &str = "authn";

impl Governor {
    /// Verifies a signed request against the key the actor directory holds for its actor,
    /// checks that it names this governor ([`Governor::request_audience`]), its time against
    /// the request window, and uses up its nonce, then returns the principal that may perform
    /// the action the request names. The request is recorded in
    /// the audit log (a `request` entry holding the envelope) before anything is done for
    /// it; entries the operation writes name its digest.
    ///
    /// Every refusal is an [`Error::Denied`] from the `authn` gate, audited.
    pub fn authenticate(&self, request: &SignedRequest) -> Result<Principal, Error> {
        let statement = request.statement();
        // Another replica may have enrolled the actor or changed their key.
        if self.directory.refresh_if_due()? {
            self.forget_authorizations();
        }
        let Some(key) = self.directory.key(&statement.actor) else {
            return Err(self.refuse_authn(
                &statement.actor,
                AuthnFailure::UnknownActor,
                format!("{} is not enrolled", statement.actor),
            ));
        };
        self.check_request(request, &key)?;
        Ok(Principal::signed(
            statement.actor.clone(),
            statement.operation,
            request.digest(),
        ))
    }

    /// The audience requests to this governor must name: its audit log's origin.
    pub fn request_audience(&self) -> &str {
        self.audit.origin()
    }

    /// Verifies a request signed with `key`, a key that is not enrolled yet: the proof of
    /// possession with which the very first admin enrols themselves
    /// ([`Governor::add_actor`]). Refused, and nothing recorded but the refusal, once anyone
    /// is enrolled. The principal may do nothing but that enrolment.
    pub fn authenticate_enrolment(
        &self,
        request: &SignedRequest,
        key: &VerifierKey,
    ) -> Result<Principal, Error> {
        let statement = request.statement();
        if !self.directory.is_empty() {
            return Err(self.refuse_authn(
                &statement.actor,
                AuthnFailure::KeyNotEnrolled,
                "a proof of possession enrols only the first admin; the directory is not empty"
                    .to_string(),
            ));
        }
        if statement.operation != Action::ManageActors {
            return Err(self.refuse_authn(
                &statement.actor,
                AuthnFailure::WrongOperation,
                format!(
                    "a proof of possession enrols an actor; this request asks for {}",
                    statement.operation
                ),
            ));
        }
        self.check_request(request, key)?;
        Ok(Principal::possessing(
            statement.actor.clone(),
            key.clone(),
            statement.operation,
            request.digest(),
        ))
    }

    /// Audits and returns the refusal of a caller who could not be authenticated at all
    /// (a command run without a signing key).
    pub fn refuse_unauthenticated(&self, claimed: &ActorId, operation: Action) -> Error {
        self.refuse_authn(
            claimed,
            AuthnFailure::MissingSignature,
            format!("{operation} needs a request signed with the actor's enrolled key"),
        )
    }

    /// Signature, time, then the nonce (by recording the request: the log refuses a second
    /// entry with the same nonce, on every backend and across replicas).
    fn check_request(&self, request: &SignedRequest, key: &VerifierKey) -> Result<(), Error> {
        let statement = request.statement();
        let actor = &statement.actor;
        if statement.audience != self.request_audience() {
            return Err(self.refuse_authn(
                actor,
                AuthnFailure::WrongAudience,
                format!(
                    "signed for {:?}, not this governor ({:?})",
                    statement.audience,
                    self.request_audience()
                ),
            ));
        }
        if let Err(e) = request.verify(key) {
            return Err(self.refuse_authn(actor, AuthnFailure::BadSignature, e.to_string()));
        }
        let skew = (self.now() - statement.time).abs();
        let window =
            chrono::Duration::from_std(self.request_window).unwrap_or(chrono::Duration::MAX);
        if skew > window {
            return Err(self.refuse_authn(
                actor,
                AuthnFailure::StaleRequest,
                format!(
                    "signed at {}, {} s from this governor's clock (the window is {} s)",
                    statement.time.to_rfc3339(),
                    skew.num_seconds(),
                    window.num_seconds()
                ),
            ));
        }
        let record = AuditEntry {
            time: self.now(),
            actor: actor.clone(),
            authn: Some(Authn::Signed),
            request: Some(request.digest()),
            event: AuditEvent::Request(RequestRecord {
                operation: statement.operation.as_str().to_string(),
                arguments: statement.arguments,
                signed_at: statement.time,
                nonce: statement.nonce.clone(),
                digest: request.digest(),
                envelope: serde_json::to_value(request.envelope())
                    .unwrap_or(serde_json::Value::Null),
            }),
        };
        match self.audit.append(&record) {
            Ok(_) => Ok(()),
            Err(AuditError::Duplicate { .. }) => Err(self.refuse_authn(
                actor,
                AuthnFailure::ReplayedRequest,
                format!("nonce {} was used before", statement.nonce),
            )),
            Err(e) => Err(e.into()),
        }
    }

    /// Audits an authentication refusal as an `authn` gate record and returns it.
    pub(crate) fn refuse_authn(
        &self,
        actor: &ActorId,
        failure: AuthnFailure,
        msg: String,
    ) -> Error {
        let finding = Finding {
            code: failure.code().to_string(),
            msg,
        };
        let entry = AuditEntry {
            time: self.now(),
            actor: actor.clone(),
            authn: None,
            request: None,
            event: AuditEvent::Gate(GateRecord {
                gate: AUTHN_GATE.to_string(),
                decision_id: uuid::Uuid::new_v4().to_string(),
                allow: false,
                record: json!({"deny": [&finding]}),
            }),
        };
        if let Err(e) = self.audit.append(&entry) {
            return Error::NotAudited {
                done: format!("authn refused {}", finding.msg),
                source: e,
            };
        }
        Error::Denied {
            gate: AUTHN_GATE.to_string(),
            findings: vec![finding],
        }
    }
}
