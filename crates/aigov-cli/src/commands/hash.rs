//! `aigov hash`: the root digest and manifest of a model.

use std::path::PathBuf;

use aigov_core::{HashMethod, ModelHasher};
use clap::Args;
use serde::Serialize;

use crate::failure::Failure;
use crate::progress::ByteProgress;

/// Arguments of `aigov hash`.
#[derive(Args, Debug)]
pub struct HashArgs {
    /// The model file or directory.
    path: PathBuf,
    /// Hash shards of files (`path:start:end`) instead of whole files.
    #[arg(long)]
    shards: bool,
    /// Shard size in bytes (with --shards).
    #[arg(long, requires = "shards", default_value_t = aigov_core::manifest::DEFAULT_SHARD_SIZE,
          value_parser = clap::value_parser!(u64).range(1..))]
    shard_size: u64,
    /// Follow symbolic links to files instead of refusing them.
    #[arg(long)]
    allow_symlinks: bool,
    /// Print the manifest as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct HashOutput<'a> {
    root: String,
    method: &'a str,
    resources: Vec<ResourceOutput<'a>>,
}

#[derive(Serialize)]
struct ResourceOutput<'a> {
    name: &'a str,
    digest: String,
}

/// Hashes the model and prints the root (or, with `--json`, the whole manifest).
pub fn run(args: &HashArgs) -> Result<(), Failure> {
    let method = if args.shards {
        HashMethod::Shards {
            shard_size: args.shard_size,
        }
    } else {
        HashMethod::Files
    };
    let progress = ByteProgress::start("hashing");
    let update = |p| progress.update(p);
    let manifest = ModelHasher::new()
        .method(method)
        .allow_symlinks(args.allow_symlinks)
        .on_progress(&update)
        .hash(&args.path);
    progress.finish();
    let manifest = manifest?;
    if args.json {
        let out = HashOutput {
            root: manifest.root().to_string(),
            method: method.name(),
            resources: manifest
                .resources
                .iter()
                .map(|r| ResourceOutput {
                    name: &r.name,
                    digest: r.digest.to_hex(),
                })
                .collect(),
        };
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        println!("{}", manifest.root());
    }
    Ok(())
}
