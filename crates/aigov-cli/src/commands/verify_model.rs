//! `aigov verify-model`: check a model against an OpenSSF model-signing bundle.

use std::path::PathBuf;

use aigov_core::{EcdsaP256PublicKey, SigstoreBundle, verify_model_signature};
use clap::Args;
use serde_json::json;

use crate::failure::Failure;

/// Arguments of `aigov verify-model`.
#[derive(Args, Debug)]
pub struct VerifyModelArgs {
    /// The model file or directory.
    path: PathBuf,
    /// The Sigstore bundle written by `model_signing sign` (often `model.sig`).
    #[arg(long)]
    bundle: PathBuf,
    /// The signer's PEM public key.
    #[arg(long)]
    key: PathBuf,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

/// Verifies; exit 0 when the model matches its signature, 1 when it does not.
pub fn run(args: &VerifyModelArgs) -> Result<(), Failure> {
    let key = EcdsaP256PublicKey::load(&args.key)?;
    let bundle = SigstoreBundle::load(&args.bundle)?;
    match verify_model_signature(&args.path, &bundle, &key) {
        Ok(verified) => {
            if args.json {
                let out = json!({
                    "valid": true,
                    "model_name": verified.model_name,
                    "root": verified.root.to_string(),
                    "resources": verified.manifest.len(),
                });
                println!("{}", serde_json::to_string_pretty(&out)?);
            } else {
                println!(
                    "verified: {} ({} resources) signed as {:?}",
                    verified.root,
                    verified.manifest.len(),
                    verified.model_name
                );
            }
            Ok(())
        }
        Err(e) if e.is_verification_failure() && args.json => {
            let out = json!({ "valid": false, "reason": e.to_string() });
            println!("{}", serde_json::to_string_pretty(&out)?);
            Err(Failure::Negative(e.to_string()))
        }
        Err(e) => Err(e.into()),
    }
}
