//! `aigov keys`: Ed25519 key pairs in the C2SP note key format.

use std::path::Path;

use aigov_core::SignerKey;

use crate::failure::Failure;

/// Generates a key pair and prints where it went and the public key string.
pub fn generate(name: &str, out: &Path) -> Result<(), Failure> {
    let key = SignerKey::generate(name)?;
    let files = key.save(out)?;
    println!("private key: {}", files.private.display());
    println!("public key:  {}", files.public.display());
    println!("{}", key.verifier());
    Ok(())
}
