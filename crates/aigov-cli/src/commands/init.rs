//! `aigov init`: create the store and its signing key.

use std::path::PathBuf;

use aigov::Principal;
use aigov_core::{ActorId, SignerKey, VerifierKey};
use clap::Args;

use crate::failure::Failure;
use crate::store::{GlobalArgs, STORE_KEY_NAME};

/// Arguments of `aigov init`.
#[derive(Args, Debug)]
pub struct InitArgs {
    /// Enrol this actor as the store's first admin.
    #[arg(long, requires = "admin_key")]
    admin: Option<String>,
    /// The first admin's public key (`NAME.pub` from `aigov keys generate`); their requests
    /// must be signed with the matching private key.
    #[arg(long, requires = "admin", value_name = "PUBKEY")]
    admin_key: Option<PathBuf>,
}

/// Creates the store (idempotent) and, once, the store's Ed25519 signing key; with
/// `--admin`, enrols the first admin (refused once anyone is enrolled).
pub fn run(global: &GlobalArgs, args: &InitArgs) -> Result<(), Failure> {
    let created = create(global)?;
    if let (Some(admin), Some(key)) = (&args.admin, &args.admin_key) {
        if !created {
            return Err(Failure::Negative(format!(
                "the store at {} exists already: its first admin is enrolled when it is created, \
                 or by `aigov actors add` signed with the very key enrolled",
                global.home().display()
            )));
        }
        let admin =
            ActorId::new(admin.as_str()).map_err(|e| Failure::BadInput(format!("--admin: {e}")))?;
        let key = VerifierKey::load(key)?;
        // This invocation has just created the store, so nobody else acts on it yet: it
        // vouches for the first admin as a host would (the log says `authn: host`), and the
        // governor refuses even that once the directory holds anyone.
        let governor = global.governor()?;
        governor.enrol_first_admin(&Principal::vouched_by_host(admin.clone()), key)?;
        println!("{admin} enrolled as the first admin");
    }
    Ok(())
}

/// Creates the store; true when this call created its signing key (a new store).
fn create(global: &GlobalArgs) -> Result<bool, Failure> {
    let store = global.open(true)?;
    // Creates the audit tables next to the registry's.
    global.open_audit()?;
    let key_path = store.signing_key_path();
    let keys = key_path.parent().unwrap_or(&store.home).to_path_buf();
    if key_path.exists() {
        let public = VerifierKey::load(&keys.join(format!("{STORE_KEY_NAME}.pub")))?;
        println!("store already initialized at {}", store.home.display());
        println!("signing key: {public}");
        return Ok(false);
    }
    let key = SignerKey::generate(STORE_KEY_NAME)?;
    let files = key.save(&keys)?;
    println!("initialized store at {}", store.home.display());
    println!(
        "signing key: {} ({})",
        key.verifier(),
        files.private.display()
    );
    Ok(true)
}
