//! `aigov keys`: Ed25519 key pairs in the C2SP note key format.

use std::path::{Path, PathBuf};

use aigov_core::SignerKey;
use clap::Subcommand;

use crate::failure::Failure;

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
}

/// Runs a keys subcommand.
pub fn run(command: KeysCommand) -> Result<(), Failure> {
    match command {
        KeysCommand::Generate { name, out } => generate(&name, &out),
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
