//! `aigov`: the command line of the aigov governance control plane.
#![forbid(unsafe_code)]

mod commands;
mod failure;
mod progress;
mod store;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use store::GlobalArgs;

/// What every command reads, so each `--help` need not repeat it.
const FORMATS: &str = "\
Formats:
  data (--data, --holdout, --current, --reference, ...)
      CSV, UTF-8, comma-separated, with a header row; columns are matched by name in any
      order; labels are 1/0 or true/false
  models (--model, model register)
      .onnx: scikit-learn through skl2onnx with zipmap=False, one float [rows, features]
      input (names from the aigov.feature_names metadata entry, or --features a,b,c /
      --features @FILE for a plain export) or one [rows, 1] input per feature (named by
      the inputs); .json: {\"features\", \"weights\", \"intercept\", \"link\"}
  inputs (decide --input) a JSON object of feature values
  reports (evidence attach) the JSON report the producing crate writes
  configuration (policy.yaml, fairness rules) YAML, at most 1 MiB
Exit codes: 0 success, 1 refused or a check failed, 2 bad input, 3 store error";

/// Governance control plane for AI models used in security operations.
#[derive(Parser, Debug)]
#[command(name = "aigov", version, about, max_term_width = 100, after_help = FORMATS)]
struct Cli {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Print the root digest of a model file or directory (OpenSSF model-signing compatible).
    Hash(commands::hash::HashArgs),
    /// Verify a model against an OpenSSF model-signing bundle signed with a P-256 key.
    VerifyModel(commands::verify_model::VerifyModelArgs),
    /// Manage Ed25519 signing keys (C2SP note key format).
    Keys {
        #[command(subcommand)]
        command: commands::keys::KeysCommand,
    },
    /// Create the store (`./.aigov` unless --store says otherwise) and its signing key, and
    /// enrol its first admin.
    Init(commands::init::InitArgs),
    /// The tamper-evident audit log: append, checkpoints, proofs, verification, erasure.
    Audit {
        #[command(subcommand)]
        command: Box<commands::audit::AuditCommand>,
    },
    /// Evaluate and test the Rego policy gates.
    Policy {
        #[command(subcommand)]
        command: commands::policy::PolicyCommand,
    },
    /// Replace PII in a CSV or JSON-lines dataset with placeholders or keyed pseudonyms.
    Redact(commands::redact::RedactArgs),
    /// The JSON Schema of a command's --json output (without a command: those that have one).
    Schema(commands::schema::SchemaArgs),
    /// Data drift against a reference or a saved profile, profiles, and alert KPIs.
    Drift(Box<commands::drift::DriftArgs>),
    /// A group fairness audit of a model's decisions: rates, disparities, intervals, verdict.
    Fairness(Box<commands::fairness::FairnessArgs>),
    /// Hold-out metrics of a model or a score column on labelled data.
    Validate(Box<commands::validate::ValidateArgs>),
    /// Noise flips and evasion searches against a model: how easily attacks get through.
    Robustness(Box<commands::robustness::RobustnessArgs>),
    /// Shapley values of one decision: which features pushed the score, and by how much.
    Explain(Box<commands::explain::ExplainArgs>),
    /// Incidents: open, contain, notify, close; deadlines and the Art. 73 report draft.
    Incident {
        #[command(subcommand)]
        command: Box<commands::incident::IncidentCommand>,
    },
    /// Retire a version (archive or destroy) with a signed certificate.
    Decommission(commands::decommission::DecommissionArgs),
    /// Compute a version's evidence from the registered model on hold-out data and attach it.
    Assess(Box<commands::assess::AssessArgs>),
    /// Attach reports to a version as evidence, and list what a version holds.
    Evidence {
        #[command(subcommand)]
        command: commands::evidence::EvidenceCommand,
    },
    /// Register, list, show and verify models and their versions.
    Model {
        #[command(subcommand)]
        command: Box<commands::model::ModelCommand>,
    },
    /// Sign and store an approval of a version for a stage, in one of your roles.
    Approve(commands::lifecycle::ApproveArgs),
    /// Promote a version to staging or production through the stage's gate.
    Promote(commands::lifecycle::PromoteArgs),
    /// Point an environment at a staging or production version.
    Deploy(commands::lifecycle::DeployArgs),
    /// Return an environment to the version that served before.
    Rollback(commands::lifecycle::RollbackArgs),
    /// Score an input with a registered version and record the decision (and explanation).
    Decide(Box<commands::decide::DecideArgs>),
    /// Record a human review or override of a recorded decision.
    Review(commands::decide::ReviewArgs),
    /// Score current data against a version's drift baseline; alerts may open incidents.
    Monitor(commands::monitor::MonitorArgs),
    /// Compliance documents of a version: Annex IV, model card, CycloneDX ML-BOM.
    Report {
        #[command(subcommand)]
        command: commands::report::ReportCommand,
    },
    /// The actor directory: who may act in which roles, with which approval keys.
    Actors {
        #[command(subcommand)]
        command: commands::lifecycle::ActorsCommand,
    },
}

fn main() -> ExitCode {
    // A reader that stops early (`aigov ... | head`) closes the pipe: printing then fails,
    // which Rust reports as a panic. That is the reader's choice, not an error.
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !panic_text(info.payload()).is_some_and(is_closed_pipe) {
            report(info);
        }
    }));
    let cli = Cli::parse();
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(cli))) {
        Ok(code) => code,
        Err(payload) => {
            if panic_text(payload.as_ref()).is_some_and(is_closed_pipe) {
                ExitCode::SUCCESS
            } else {
                std::panic::resume_unwind(payload)
            }
        }
    }
}

/// A panic's message, when it has one.
fn panic_text(payload: &(dyn std::any::Any + Send)) -> Option<&str> {
    payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
}

/// The panic `println!` raises when standard output's reader has gone.
fn is_closed_pipe(message: &str) -> bool {
    message.contains("failed printing to stdout") && message.contains("Broken pipe")
}

fn run(cli: Cli) -> ExitCode {
    let result = match cli.command {
        Command::Hash(args) => commands::hash::run(&args),
        Command::VerifyModel(args) => commands::verify_model::run(&args),
        Command::Keys { command } => commands::keys::run(&cli.global, command),
        Command::Init(args) => commands::init::run(&cli.global, &args),
        Command::Redact(args) => commands::redact::run(&args),
        Command::Schema(args) => {
            let groups: Vec<String> = <Cli as clap::CommandFactory>::command()
                .get_subcommands()
                .filter(|c| c.has_subcommands())
                .map(|c| c.get_name().to_string())
                .collect();
            commands::schema::run(&args, &groups)
        }
        Command::Policy { command } => commands::policy::run(&cli.global, command),
        Command::Audit { command } => commands::audit::run(&cli.global, *command),
        Command::Drift(args) => commands::drift::run(*args),
        Command::Fairness(args) => commands::fairness::run(&args),
        Command::Validate(args) => commands::validate::run(&args),
        Command::Robustness(args) => commands::robustness::run(&args),
        Command::Explain(args) => commands::explain::run(&args),
        Command::Incident { command } => commands::incident::run(&cli.global, *command),
        Command::Decommission(args) => commands::decommission::run(&cli.global, &args),
        Command::Model { command } => commands::model::run(&cli.global, *command),
        Command::Evidence { command } => commands::evidence::run(&cli.global, command),
        Command::Assess(args) => commands::assess::run(&cli.global, &args),
        Command::Approve(args) => commands::lifecycle::approve(&cli.global, &args),
        Command::Promote(args) => commands::lifecycle::promote(&cli.global, &args),
        Command::Deploy(args) => commands::lifecycle::deploy(&cli.global, &args),
        Command::Rollback(args) => commands::lifecycle::rollback(&cli.global, &args),
        Command::Decide(args) => commands::decide::decide(&cli.global, &args),
        Command::Review(args) => commands::decide::review(&cli.global, &args),
        Command::Monitor(args) => commands::monitor::run(&cli.global, &args),
        Command::Actors { command } => commands::lifecycle::actors(&cli.global, command),
        Command::Report { command } => commands::report::run(&cli.global, command),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(),
    }
}
