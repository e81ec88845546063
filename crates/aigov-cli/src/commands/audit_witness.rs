//! `aigov audit witness`, `audit checkpoint --witness-cosigs` and `audit verify --since`: the
//! log held to account by people outside it.

use std::path::{Path, PathBuf};

use aigov_audit::witness::Witness;
use aigov_audit::{AuditLog, ConsistencyProof, Cosigner, CosignerKey, SignedCheckpoint};
use aigov_core::{SignerKey, VerifierKey};
use clap::Args;

use crate::failure::Failure;

/// Arguments of `aigov audit witness`.
#[derive(Args, Debug)]
pub struct WitnessArgs {
    /// The log's public key (as the witness obtained it, not from the store).
    #[arg(long, value_name = "PUB")]
    log_key: PathBuf,
    /// The signed checkpoint to witness (from `aigov audit checkpoint`).
    #[arg(long, value_name = "FILE")]
    checkpoint_file: PathBuf,
    /// The witness's directory: the last checkpoint it accepted from each log.
    #[arg(long, value_name = "DIR")]
    state: PathBuf,
    /// The witness's private key (`aigov keys generate --name witness.example/w1`).
    #[arg(long, value_name = "FILE")]
    key: PathBuf,
    /// The consistency proof from the last accepted size to this checkpoint's
    /// (`aigov audit consistency --from OLD --to NEW --json`); default: asked of the store.
    #[arg(long, value_name = "FILE")]
    proof: Option<PathBuf>,
    /// The log's origin (default: the one its public key names, `<key name>+<id>/audit`).
    #[arg(long)]
    origin: Option<String>,
}

fn read(path: &Path) -> Result<String, Failure> {
    let text =
        std::fs::read(path).map_err(|e| Failure::BadInput(format!("{}: {e}", path.display())))?;
    if text.len() > 1 << 20 {
        return Err(Failure::BadInput(format!(
            "{} is larger than 1 MiB",
            path.display()
        )));
    }
    String::from_utf8(text).map_err(|e| Failure::BadInput(format!("{}: {e}", path.display())))
}

fn checkpoint(path: &Path) -> Result<SignedCheckpoint, Failure> {
    SignedCheckpoint::parse(&read(path)?)
        .map_err(|e| Failure::BadInput(format!("{}: {e}", path.display())))
}

/// Runs `aigov audit witness`: prints the checkpoint with the witness's cosignature added.
pub fn run(log: &AuditLog, args: &WitnessArgs) -> Result<(), Failure> {
    let log_key = VerifierKey::load(&args.log_key)?;
    let origin = args
        .origin
        .clone()
        .unwrap_or_else(|| aigov::checkpoint_keys::log_origin(&log_key, &[]));
    let witness = Witness::new(
        Cosigner::new(SignerKey::load(&args.key)?),
        log_key,
        origin,
        &args.state,
    )?;
    let mut signed = checkpoint(&args.checkpoint_file)?;
    let given = args
        .proof
        .as_deref()
        .map(|path| {
            serde_json::from_str::<ConsistencyProof>(&read(path)?)
                .map_err(|e| Failure::BadInput(format!("{}: {e}", path.display())))
        })
        .transpose()?;
    let prove = |old: u64, new: u64| match given {
        Some(proof) => Ok(proof),
        None => log.consistency(old, Some(new)),
    };
    let now = chrono::Utc::now().timestamp().max(0) as u64;
    let cosignature = witness.witness(&signed, prove, now)?;
    signed.note.signatures.push(cosignature);
    print!("{signed}");
    Ok(())
}

/// Adds to `current` the cosignatures in the cosigned checkpoint `file`; the file must be a
/// checkpoint of the same size and root.
pub fn attach_cosignatures(current: &mut SignedCheckpoint, file: &Path) -> Result<(), Failure> {
    let cosigned = checkpoint(file)?;
    if cosigned.note.text != current.note.text {
        return Err(Failure::BadInput(format!(
            "{} cosigns size {}, not the current checkpoint (size {})",
            file.display(),
            cosigned.checkpoint.size,
            current.checkpoint.size
        )));
    }
    // Only lines by keys the checkpoint is not already signed with: a second line under the
    // log's own key would make strict note verifiers reject the whole checkpoint.
    for signature in cosigned.note.signatures {
        let known = current
            .note
            .signatures
            .iter()
            .any(|s| s.name == signature.name && s.key_id == signature.key_id);
        if !known {
            current.note.signatures.push(signature);
        }
    }
    Ok(())
}

/// `verify --since`: the log still contains the checkpoint in `path` (signed by one of
/// `keys`), which carries at least `witnesses` cosignatures by `witness_keys`.
pub fn verify_since(
    log: &AuditLog,
    path: &Path,
    keys: &[VerifierKey],
    witnesses: usize,
    witness_keys: &[String],
) -> Result<String, Failure> {
    let earlier = checkpoint(path)?;
    let listed = witness_keys
        .iter()
        .map(|k| {
            let text = if Path::new(k).exists() {
                read(Path::new(k))?
            } else {
                k.clone()
            };
            Ok(CosignerKey::parse(&text)?)
        })
        .collect::<Result<Vec<_>, Failure>>()?;
    if listed.len() < witnesses {
        return Err(Failure::BadInput(format!(
            "--witnesses {witnesses} needs at least that many --witness-key"
        )));
    }
    let cosigned = earlier.note.cosignatures(&listed)?;
    if cosigned.len() < witnesses {
        return Err(Failure::Negative(format!(
            "{} carries {} valid cosignature(s) by the listed witnesses, fewer than {witnesses}",
            path.display(),
            cosigned.len()
        )));
    }
    let keys: Vec<&VerifierKey> = keys.iter().collect();
    let proof = log.verify_extends(&earlier, &keys)?;
    Ok(format!(
        "the log (size {}) extends the checkpoint of size {} in {}{}",
        proof.size2,
        proof.size1,
        path.display(),
        if cosigned.is_empty() {
            String::new()
        } else {
            format!(
                ", cosigned by {}",
                cosigned
                    .iter()
                    .map(|(name, _)| name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        }
    ))
}
