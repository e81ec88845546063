//! Hash a model directory the way OpenSSF model signing does and print its identity.
//!
//! `cargo run --example hash_model -- path/to/model` (defaults to the current directory).

use std::path::PathBuf;

use aigov::core::{HashMethod, ModelHasher};

fn main() -> Result<(), aigov::core::CoreError> {
    let path = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));

    let manifest = ModelHasher::new().method(HashMethod::Files).hash(&path)?;
    println!("{} ({} files)", manifest.root(), manifest.len());
    for resource in manifest.resources.iter().take(10) {
        println!("  {}  {}", resource.digest.to_hex(), resource.name);
    }
    Ok(())
}
