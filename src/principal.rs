//! Who is acting, and how the governor knows: the authenticated principal every operation
//! takes.
//!
//! A [`Principal`] is made in one of two ways, and the audit log records which
//! (`authn: "signed"` or `authn: "host"` on every entry the operation writes):
//! - [`crate::Governor::authenticate`] verifies a [`SignedRequest`] against the key the
//!   actor directory holds for the actor, within the request window, once per nonce. This is
//!   how the `aigov` command line (and any caller that cannot be trusted by name) acts.
//! - [`Principal::vouched_by_host`]: the application embedding the governor has authenticated
//!   the caller itself (a session, a service identity, an mTLS peer) and vouches for them.

use aigov_audit::Authn;
use aigov_core::{Action, ActorId, Digest, VerifierKey};

#[cfg(doc)]
use aigov_core::SignedRequest;

/// An authenticated actor. Operations of the [`crate::Governor`] take one; a bare
/// [`ActorId`] is never enough.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    actor: ActorId,
    proof: Proof,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Proof {
    /// The host application vouched.
    Host,
    /// A signed request verified against the actor's enrolled key.
    Signed { operation: Action, request: Digest },
    /// A request signed with a key that is not (yet) enrolled: enough to enrol the very
    /// first admin with that key, nothing else.
    Possession {
        key: Box<VerifierKey>,
        operation: Action,
        request: Digest,
    },
}

impl Principal {
    /// A principal the embedding application vouches for.
    ///
    /// Use it only where the host has authenticated `actor` itself: behind your own login,
    /// service mesh identity or mTLS, or for the application's own service account. The
    /// governor cannot check the claim; every audit entry the principal causes says
    /// `authn: "host"`, so a reader of the log knows the host, not a signature, vouched.
    /// Callers reaching you by name only (a command line, an unauthenticated request) must
    /// sign requests instead ([`crate::Governor::authenticate`]).
    pub fn vouched_by_host(actor: ActorId) -> Principal {
        Principal {
            actor,
            proof: Proof::Host,
        }
    }

    pub(crate) fn signed(actor: ActorId, operation: Action, request: Digest) -> Principal {
        Principal {
            actor,
            proof: Proof::Signed { operation, request },
        }
    }

    pub(crate) fn possessing(
        actor: ActorId,
        key: VerifierKey,
        operation: Action,
        request: Digest,
    ) -> Principal {
        Principal {
            actor,
            proof: Proof::Possession {
                key: Box::new(key),
                operation,
                request,
            },
        }
    }

    /// Who acts.
    pub fn actor(&self) -> &ActorId {
        &self.actor
    }

    /// How the actor was authenticated.
    pub fn authn(&self) -> Authn {
        match self.proof {
            Proof::Host => Authn::Host,
            Proof::Signed { .. } | Proof::Possession { .. } => Authn::Signed,
        }
    }

    /// SHA-256 of the signed request the principal was authenticated by, if any.
    pub fn request(&self) -> Option<Digest> {
        match &self.proof {
            Proof::Host => None,
            Proof::Signed { request, .. } | Proof::Possession { request, .. } => Some(*request),
        }
    }

    /// The one operation a signed request allows; `None` for a host-vouched principal.
    pub fn operation(&self) -> Option<Action> {
        match &self.proof {
            Proof::Host => None,
            Proof::Signed { operation, .. } | Proof::Possession { operation, .. } => {
                Some(*operation)
            }
        }
    }

    /// The key a not-yet-enrolled signer proved they hold.
    pub(crate) fn possessed_key(&self) -> Option<&VerifierKey> {
        match &self.proof {
            Proof::Possession { key, .. } => Some(key),
            _ => None,
        }
    }
}
