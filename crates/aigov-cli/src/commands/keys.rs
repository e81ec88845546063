//! `aigov keys`: Ed25519 key pairs in the C2SP note key format.

use std::path::{Path, PathBuf};

use aigov_core::{Action, SignerKey};
use clap::Subcommand;

use crate::failure::Failure;
use crate::store::GlobalArgs;

/// `aigov keys ...`.
#[derive(Subcommand, Debug)]
pub enum KeysCommand {
    /// Generate an Ed25519 key pair: NAME.key (mode 0600) and NAME.pub in DIR.
    Generate {
        /// The key name, written into the key strings and signatures.
        #[arg(long)]
        name: String,
        /// Directory to write the key files into.
        #[arg(long)]
        out: PathBuf,
    },
    /// Rotate the store's checkpoint key (admins): the old key seals the log at its current
    /// size and is retired; a new key signs from then on. Restart other processes after.
    RotateStore,
}

/// Runs a keys subcommand.
pub fn run(global: &GlobalArgs, command: KeysCommand) -> Result<(), Failure> {
    match command {
        KeysCommand::Generate { name, out } => generate(&name, &out),
        KeysCommand::RotateStore => {
            let governor = global.governor()?;
            let principal = global.principal(&governor, Action::ManageActors)?;
            let new = governor.rotate_checkpoint_key(&principal)?;
            let sealed = governor
                .retired_checkpoint_keys()
                .last()
                .map(|r| r.last_size)
                .unwrap_or_default();
            println!("checkpoint key rotated: the old key sealed the log at size {sealed}");
            println!("new public key: {new}");
            Ok(())
        }
    }
}

/// Generates a key pair and prints where it went and the public key string.
fn generate(name: &str, out: &Path) -> Result<(), Failure> {
    let key = SignerKey::generate(name)?;
    let files = key.save(out)?;
    println!("private key: {}", files.private.display());
    println!("public key:  {}", files.public.display());
    println!("{}", key.verifier());
    Ok(())
}
