//! `aigov`: the command line of the aigov governance control plane.
#![forbid(unsafe_code)]

mod commands;
mod failure;
mod progress;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// Governance control plane for AI models used in security operations.
#[derive(Parser, Debug)]
#[command(name = "aigov", version, about, max_term_width = 100)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Print the root digest of a model file or directory (OpenSSF model-signing compatible).
    Hash(HashArgs),
    /// Verify a model against an OpenSSF model-signing bundle signed with a P-256 key.
    VerifyModel(VerifyModelArgs),
    /// Manage Ed25519 signing keys (C2SP note key format).
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
}

/// Arguments of `aigov hash`.
#[derive(Args, Debug)]
struct HashArgs {
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

/// Arguments of `aigov verify-model`.
#[derive(Args, Debug)]
struct VerifyModelArgs {
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

#[derive(Subcommand, Debug)]
enum KeysCommand {
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Hash(args) => commands::hash::run(&args),
        Command::VerifyModel(args) => commands::verify_model::run(&args),
        Command::Keys {
            command: KeysCommand::Generate { name, out },
        } => commands::keys::generate(&name, &out),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(),
    }
}
