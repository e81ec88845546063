//! `aigov init`: create the store and its signing key.

use aigov_core::{SignerKey, VerifierKey};

use crate::failure::Failure;
use crate::store::{GlobalArgs, STORE_KEY_NAME};

/// Creates the store (idempotent) and, once, the store's Ed25519 signing key.
pub fn run(global: &GlobalArgs) -> Result<(), Failure> {
    let store = global.open(true)?;
    // Creates the audit tables next to the registry's.
    global.open_audit()?;
    let key_path = store.signing_key_path();
    let keys = key_path.parent().unwrap_or(&store.home).to_path_buf();
    if key_path.exists() {
        let public = VerifierKey::load(&keys.join(format!("{STORE_KEY_NAME}.pub")))?;
        println!("store already initialized at {}", store.home.display());
        println!("signing key: {public}");
        return Ok(());
    }
    let key = SignerKey::generate(STORE_KEY_NAME)?;
    let files = key.save(&keys)?;
    println!("initialized store at {}", store.home.display());
    println!(
        "signing key: {} ({})",
        key.verifier(),
        files.private.display()
    );
    Ok(())
}
