//! `aigov audit ...`: the tamper-evident audit log from the command line.

use std::io::Write;
use std::path::PathBuf;

use aigov_audit::{AuditEvent, AuditStoreExt};
use aigov_core::Action;
use clap::Subcommand;
use serde_json::{Value, json};

use crate::failure::Failure;
use crate::store::GlobalArgs;

/// `aigov audit` subcommands.
#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Append one entry (--kind and --json-file) or a batch (--batch, JSON lines).
    Append {
        /// The event kind: decision, human-review, gate, approval, registry, drift-alert,
        /// fairness-audit, incident, decommission or custom.
        #[arg(long, requires = "json_file", conflicts_with = "batch")]
        kind: Option<String>,
        /// The event's payload (a JSON object).
        #[arg(long)]
        json_file: Option<PathBuf>,
        /// JSON lines of {"kind": ..., "payload": {...}}; one bad line rejects them all.
        #[arg(long)]
        batch: Option<PathBuf>,
        /// Print {"first_index", "count", "size"}.
        #[arg(long)]
        json: bool,
    },
    /// Print a signed checkpoint for the current size (signing one if the log grew), with the
    /// cosignatures of witnesses attached.
    Checkpoint {
        /// Cosigned checkpoints `aigov audit witness` wrote: their cosignatures of the current
        /// checkpoint are added to it (one for another size is an error).
        #[arg(long = "witness-cosigs", value_name = "FILE", num_args = 1..)]
        witness_cosigs: Vec<PathBuf>,
    },
    /// As a witness: check a checkpoint of this log against the last one this witness
    /// accepted (a consistency proof from the store, or --proof), then cosign it
    /// (c2sp.org/tlog-cosignature) and print the cosigned checkpoint.
    Witness(Box<crate::commands::audit_witness::WitnessArgs>),
    /// Print the verifier key for this log's checkpoints.
    PublicKey,
    /// Show one entry; --raw writes the exact bytes that were leaf-hashed.
    Entry {
        /// The entry index.
        index: u64,
        /// Write the raw stored bytes.
        #[arg(long)]
        raw: bool,
    },
    /// Inclusion proof of an entry.
    Prove {
        /// The entry index.
        #[arg(long)]
        index: u64,
        /// The tree size (default: the current size).
        #[arg(long)]
        size: Option<u64>,
        /// Print JSON (the default output is also JSON).
        #[arg(long)]
        json: bool,
    },
    /// Consistency proof between two sizes.
    Consistency {
        /// The earlier size.
        #[arg(long)]
        from: u64,
        /// The later size (default: the current size).
        #[arg(long)]
        to: Option<u64>,
        /// Print JSON (the default output is also JSON).
        #[arg(long)]
        json: bool,
    },
    /// Recompute the tree from the stored entries and check every checkpoint (exit 1 on failure).
    /// Needs only the public key: a copy of the store without the private key verifies.
    Verify {
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
        /// The log's public key (default: `keys/aigov-store.pub` in the store). An auditor
        /// passes the key they obtained out of band, so a replaced key file is caught.
        #[arg(long, value_name = "FILE")]
        public_key: Option<PathBuf>,
        /// A checkpoint kept from earlier: the log must still contain it (RFC 9162
        /// consistency); a truncated or rewritten log exits 1 naming the mismatch.
        #[arg(long, value_name = "CHECKPOINT_FILE")]
        since: Option<PathBuf>,
        /// With --since: the checkpoint must carry at least N valid cosignatures by the
        /// --witness-key keys.
        #[arg(long, requires = "since", default_value_t = 0)]
        witnesses: usize,
        /// A witness's public key (vkey string or file), for --witnesses.
        #[arg(long = "witness-key", value_name = "KEY")]
        witness_keys: Vec<String>,
    },
    /// List registry changes the log does not record: versions, stages, evidence, approvals
    /// and deployments without their entries (exit 1 when there are any), and the journaled
    /// changes still on their way into the log.
    Reconcile {
        /// Print them as JSON: `{"unaudited": [...], "pending": [...]}`.
        #[arg(long)]
        json: bool,
        /// Record the journaled changes whose claims went stale, then each unaudited change
        /// found (late, and marked so; needs `reconcile-audit`), so it is not reported again;
        /// exits 0 once recorded.
        #[arg(long)]
        record: bool,
    },
    /// Erase an entry's payload (its leaf hash stays, so proofs stay valid).
    Redact {
        /// The entry index.
        index: u64,
        /// Why.
        #[arg(long)]
        reason: String,
    },
    /// Place a legal hold over entries FROM..=TO.
    Hold {
        /// First index held.
        #[arg(long)]
        from: u64,
        /// Last index held.
        #[arg(long)]
        to: u64,
        /// Why.
        #[arg(long)]
        reason: String,
    },
    /// Export entries to a SIEM; resumes where the last export to the same place stopped.
    Export {
        /// ocsf (OCSF 1.5.0 JSON lines), cef or syslog (RFC 5424).
        #[arg(long)]
        format: aigov_audit::ExportFormat,
        /// A one-off export from this index: the stored cursor is neither used nor moved.
        #[arg(long)]
        since: Option<u64>,
        /// A file, udp://HOST:PORT or tcp://HOST:PORT (default: standard output).
        #[arg(long, default_value = "-")]
        to: String,
    },
    /// Release a legal hold.
    ReleaseHold {
        /// The hold's id.
        id: u64,
    },
}

fn print_json(value: &impl serde::Serialize) -> Result<(), Failure> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// Largest event file or batch `audit append` reads: a payload is a record, not a dataset.
const MAX_APPEND_BYTES: u64 = 4 * 1024 * 1024;

/// Reads a file given to `audit append`, refusing one over [`MAX_APPEND_BYTES`] before
/// reading it.
fn read_bounded(path: &PathBuf) -> Result<Vec<u8>, Failure> {
    use std::io::Read;
    let file = std::fs::File::open(path)
        .map_err(|e| Failure::BadInput(format!("{}: {e}", path.display())))?;
    let mut bytes = Vec::new();
    file.take(MAX_APPEND_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Failure::BadInput(format!("{}: {e}", path.display())))?;
    if bytes.len() as u64 > MAX_APPEND_BYTES {
        return Err(Failure::BadInput(format!(
            "{} is larger than the {} MiB `audit append` takes; nothing was appended",
            path.display(),
            MAX_APPEND_BYTES / (1024 * 1024)
        )));
    }
    Ok(bytes)
}

fn event(kind: &str, payload: Value) -> Result<AuditEvent, Failure> {
    Ok(AuditEvent::from_parts(kind, payload)?)
}

/// Parses a batch file; the first bad line rejects the whole batch.
fn read_batch(path: &PathBuf) -> Result<Vec<AuditEvent>, Failure> {
    let text = String::from_utf8(read_bounded(path)?)
        .map_err(|e| Failure::BadInput(format!("{}: {e}", path.display())))?;
    let mut entries = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let bad = |why: String| {
            Failure::BadInput(format!(
                "{} line {}: {why}; nothing was appended",
                path.display(),
                n + 1
            ))
        };
        let value: Value = serde_json::from_str(line).map_err(|e| bad(e.to_string()))?;
        let kind = value
            .get("kind")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("no \"kind\"".into()))?;
        let payload = value
            .get("payload")
            .cloned()
            .ok_or_else(|| bad("no \"payload\"".into()))?;
        entries.push(event(kind, payload).map_err(|e| match e {
            Failure::BadInput(m) => bad(m),
            other => other,
        })?);
    }
    if entries.is_empty() {
        return Err(Failure::BadInput(format!(
            "{} holds no entries",
            path.display()
        )));
    }
    Ok(entries)
}

/// `aigov audit reconcile`.
fn reconcile(global: &GlobalArgs, json: bool, record: bool) -> Result<(), Failure> {
    let governor = global.governor()?;
    let found = if record {
        let principal = global.principal(&governor, Action::ReconcileAudit)?;
        governor.record_unaudited_changes(&principal)?
    } else {
        governor.unaudited_changes()?
    };
    // Journaled changes whose maker may still be recording them (or that wait for the lease
    // to run out): on their way into the log, not missing from it.
    let pending: Vec<serde_json::Value> = governor
        .pending_changes()?
        .iter()
        .map(|p| {
            serde_json::json!({
                "change_id": p.note.id(),
                "event": p.note.event,
                "claimed_at": p.claimed_at,
            })
        })
        .collect();
    // The actor directory against the enrolments the log holds.
    let directory = governor.directory_gaps()?;
    if json {
        print_json(
            &serde_json::json!({"unaudited": found, "pending": pending, "directory": directory}),
        )?;
    } else {
        for gap in &directory {
            println!("DIRECTORY {}: {}", gap.actor, gap.change);
        }
        if found.is_empty() {
            println!("every registry change is in the audit log or on its way");
        }
        let label = if record { "RECORDED" } else { "UNAUDITED" };
        for gap in &found {
            println!("{label} {}: {}", gap.subject, gap.change);
        }
        for p in &pending {
            println!(
                "PENDING {} {} {} (claimed at {})",
                p["change_id"].as_str().unwrap_or_default(),
                p["event"]["model"].as_str().unwrap_or_default(),
                p["event"]["event"].as_str().unwrap_or_default(),
                p["claimed_at"].as_str().unwrap_or_default()
            );
        }
    }
    if !directory.is_empty() {
        // Recording cannot mend these: the actor must be enrolled again through the governor.
        Err(Failure::Negative(format!(
            "{} actor directory entries are not what the log's enrolments say",
            directory.len()
        )))
    } else if found.is_empty() || record {
        Ok(())
    } else {
        Err(Failure::Negative(format!(
            "{} registry changes are not in the audit log",
            found.len()
        )))
    }
}

/// Runs an audit subcommand.
pub fn run(global: &GlobalArgs, command: AuditCommand) -> Result<(), Failure> {
    let log = global.open_audit()?;
    match command {
        AuditCommand::Reconcile { json, record } => reconcile(global, json, record)?,
        AuditCommand::Append {
            kind,
            json_file,
            batch,
            json,
        } => {
            let entries = match (kind, json_file, batch) {
                (_, _, Some(batch)) => read_batch(&batch)?,
                (Some(kind), Some(file), None) => {
                    let payload: Value = serde_json::from_slice(&read_bounded(&file)?)
                        .map_err(|e| Failure::BadInput(format!("{}: {e}", file.display())))?;
                    vec![event(&kind, payload)?]
                }
                _ => {
                    return Err(Failure::BadInput(
                        "give --kind with --json-file, or --batch".into(),
                    ));
                }
            };
            // Through the governor: authenticated, authorized (`append-audit`), checked
            // (no change ids, no request records), each entry stamped with its principal.
            let governor = global.governor()?;
            let principal = global.principal(&governor, Action::AppendAudit)?;
            let receipts = governor.append_audit(&principal, entries)?;
            let first_index = receipts.first().map_or(0, |r| r.index);
            let receipt = aigov_audit::AppendReceipt {
                first_index,
                count: receipts.len() as u64,
                size: governor.audit().size()?,
            };
            if json {
                print_json(&receipt)?;
            } else {
                println!(
                    "appended {} entries at {}..{} (log size {})",
                    receipt.count,
                    receipt.first_index,
                    receipt.first_index + receipt.count,
                    receipt.size
                );
            }
        }
        AuditCommand::Checkpoint { witness_cosigs } => {
            let mut checkpoint = log.checkpoint()?;
            for file in &witness_cosigs {
                crate::commands::audit_witness::attach_cosignatures(&mut checkpoint, file)?;
            }
            print!("{checkpoint}");
        }
        AuditCommand::Witness(args) => crate::commands::audit_witness::run(&log, &args)?,
        AuditCommand::PublicKey => println!("{}", global.store_public_key()?),
        AuditCommand::Entry { index, raw } => {
            let stored = log.store().entry(index)?;
            if raw {
                let bytes = stored.payload.ok_or_else(|| {
                    Failure::Negative(format!(
                        "entry {index} was redacted; only its leaf hash remains"
                    ))
                })?;
                std::io::stdout()
                    .write_all(&bytes)
                    .map_err(|e| Failure::Internal(e.to_string()))?;
            } else {
                let entry: Option<Value> = stored
                    .payload
                    .as_deref()
                    .map(serde_json::from_slice)
                    .transpose()
                    .map_err(|e| Failure::Internal(format!("entry {index}: {e}")))?;
                print_json(&json!({
                    "index": stored.index,
                    "leaf_hash": stored.leaf_hash.to_hex(),
                    "time": stored.time,
                    "entry": entry,
                    "redaction": stored.redaction,
                }))?;
            }
        }
        AuditCommand::Prove { index, size, .. } => print_json(&log.prove(index, size)?)?,
        AuditCommand::Consistency { from, to, .. } => print_json(&log.consistency(from, to)?)?,
        AuditCommand::Verify {
            json,
            public_key,
            since,
            witnesses,
            witness_keys,
        } => {
            let key = match &public_key {
                Some(path) => aigov_core::VerifierKey::load(path)?,
                None => global.store_public_key()?,
            };
            // Retired keys are trusted as far as the log's own rotation records, covered by
            // checkpoints of the keys that followed, lead to the trusted key; the store's
            // list of retired keys must agree with them.
            let retired = aigov::checkpoint_keys::retired_keys_in_log(&log, &key)?;
            let listed = global.retired_checkpoint_keys()?;
            if let Some(extra) = listed.iter().find(|l| !retired.contains(l)) {
                return Err(Failure::Negative(format!(
                    "the store lists retired checkpoint key {} (sealed at {}), which no \
                     rotation in the log hands over from",
                    extra.key.hint(),
                    extra.last_size
                )));
            }
            // Under the origin the key names, whatever the store's files say.
            let log = log.with_origin(aigov::checkpoint_keys::log_origin(&key, &retired));
            let report = log.verify_with_retired(&[&key], &retired)?;
            if json {
                print_json(&report)?;
            } else {
                for p in &report.problems {
                    match p.index {
                        Some(i) => println!("FAIL at {i}: {}", p.detail),
                        None => println!("FAIL: {}", p.detail),
                    }
                }
            }
            if !report.is_ok() {
                return Err(Failure::Negative(format!(
                    "the audit log does not verify; first bad index {}",
                    report
                        .first_bad_index()
                        .map_or("unknown".to_string(), |i| i.to_string())
                )));
            }
            if let Some(path) = &since {
                let mut keys = vec![key.clone()];
                keys.extend(retired.iter().map(|r| r.key.clone()));
                let proven = crate::commands::audit_witness::verify_since(
                    &log,
                    path,
                    &keys,
                    witnesses,
                    &witness_keys,
                )?;
                if !json {
                    println!("{proven}");
                }
            }
            if !json {
                println!(
                    "verified {} entries ({} redacted), {} stored hashes, {} checkpoints",
                    report.size, report.redacted, report.nodes_checked, report.checkpoints_checked
                );
            }
        }
        AuditCommand::Redact { index, reason } => {
            let governor = global.governor()?;
            let principal = global.principal(&governor, Action::RedactAudit)?;
            governor.redact_audit(&principal, index, &reason)?;
            println!("entry {index} redacted; its leaf hash and proofs are unchanged");
        }
        AuditCommand::Hold { from, to, reason } => {
            let governor = global.governor()?;
            let principal = global.principal(&governor, Action::HoldAudit)?;
            let hold = governor.hold_audit(&principal, from, to, &reason)?;
            println!("legal hold {} over entries {from}..={to}", hold.id);
        }
        AuditCommand::Export { format, since, to } => {
            let mut sink = aigov_audit::export::open_sink(&to, format)?;
            let hostname = hostname();
            let ctx = aigov_audit::ExportContext {
                product_version: env!("CARGO_PKG_VERSION"),
                hostname: &hostname,
                store: log.store(),
            };
            let cursor = format!(
                "export:{}:{to}",
                serde_json::to_value(format)?.as_str().unwrap_or_default()
            );
            let report = aigov_audit::export(&ctx, format, sink.as_mut(), &cursor, since)?;
            eprintln!(
                "exported {} entries ({}..{}), {} redacted skipped",
                report.exported, report.from, report.to, report.redacted
            );
        }
        AuditCommand::ReleaseHold { id } => {
            let governor = global.governor()?;
            let principal = global.principal(&governor, Action::HoldAudit)?;
            governor.release_audit_hold(&principal, id)?;
            println!("legal hold {id} released");
        }
    }
    Ok(())
}

/// This machine's name for syslog headers and OCSF endpoints.
fn hostname() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_string())
}
