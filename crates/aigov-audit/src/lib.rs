//! The audit trail of aigov: every AI-driven security decision and every governance action in
//! an RFC 6962 Merkle log with C2SP signed checkpoints, so that a regulator, auditor or
//! incident responder holding a checkpoint can check any entry offline.
//!
//! ```
//! use std::sync::Arc;
//! use aigov_audit::{AuditEntry, AuditEvent, AuditLog, MemoryAuditStore};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let key = aigov_core::SignerKey::from_seed("aigov-store", [7; 32])?;
//! let log = AuditLog::new(Arc::new(MemoryAuditStore::new())).with_signer(key, "example/audit");
//! let event = AuditEvent::from_parts("custom", serde_json::json!({"note": "hello"}))?;
//! let entry = AuditEntry {
//!     time: chrono::Utc::now(),
//!     actor: "alice".parse()?,
//!     authn: None,
//!     request: None,
//!     event,
//! };
//! let receipt = log.append(&entry)?;
//! let checkpoint = log.checkpoint()?;
//! let proof = log.prove(receipt.index, Some(checkpoint.checkpoint.size))?;
//! proof.verify()?;
//! assert_eq!(proof.root, checkpoint.checkpoint.root);
//! # Ok(())
//! # }
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(any(test, feature = "conformance"))]
pub mod conformance;
mod error;
mod event;
pub mod export;
mod log;
pub mod merkle;
pub mod note;
mod proof;
pub mod store;
mod verify;
pub mod witness;

pub use aigov_core::Authn;
pub use error::AuditError;
pub use event::{
    ApprovalRecord, AuditEntry, AuditEvent, Decision, DecisionExplanation, Decommission,
    DriftAlert, FairnessAudit, FeatureContribution, GateRecord, HumanReview, IncidentAction,
    ModelReference, RequestRecord,
};
pub use export::{ExportContext, ExportFormat, ExportReport, export};
pub use log::{AuditLog, EntryReceipt, MIN_RETENTION_DAYS};
pub use note::{
    Checkpoint, Cosigner, CosignerKey, NoteSignature, SignedCheckpoint, SignedNote,
    cosigned_message, cosigner_key_id,
};
pub use proof::{ConsistencyProof, InclusionProof};
#[cfg(feature = "postgres")]
pub use store::PostgresAuditStore;
#[cfg(feature = "sqlite")]
pub use store::SqliteAuditStore;
pub use store::{
    AppendReceipt, AuditStore, AuditStoreExt, LegalHold, MemoryAuditStore, NewEntry, Redaction,
    StoredEntry,
};
pub use verify::{RetiredCheckpointKey, VerifyProblem, VerifyReport};
