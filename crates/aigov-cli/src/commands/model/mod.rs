//! `aigov model ...`: the registry from the command line.

mod register;
mod show;
mod verify;

use std::path::PathBuf;

use clap::Subcommand;

use crate::failure::Failure;
use crate::store::GlobalArgs;

/// `aigov model` subcommands.
#[derive(Subcommand, Debug)]
pub enum ModelCommand {
    /// Hash a model, copy its files into the store and record a new version.
    Register(Box<register::RegisterArgs>),
    /// List registered models.
    List {
        /// Only names starting with this.
        #[arg(long)]
        prefix: Option<String>,
        /// Only models with this tag (K=V).
        #[arg(long = "tag", value_name = "K=V")]
        tags: Vec<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show a model (NAME) or one version (NAME@VERSION or NAME@ALIAS).
    Show {
        /// NAME, NAME@VERSION or NAME@ALIAS.
        reference: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Re-hash a version's stored files and check its approvals (exit 1 on any failure).
    Verify {
        /// NAME@VERSION or NAME@ALIAS.
        reference: String,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Change a model's description, intended purpose or EU AI Act risk class.
    Update {
        /// The model name.
        name: String,
        /// What the model does.
        #[arg(long)]
        description: Option<String>,
        /// The intended purpose (EU AI Act).
        #[arg(long)]
        purpose: Option<String>,
        /// high, limited or minimal.
        #[arg(long)]
        risk_class: Option<aigov_registry::RiskClass>,
    },
    /// Run the validation gate over a version's evidence: exit 0 validated, 1 refused with
    /// each reason's code (missing evidence keeps it registered; a failed check rejects it).
    Validate {
        /// NAME@VERSION.
        reference: String,
    },
    /// The deployment history of a model in one environment.
    History {
        /// The model name.
        name: String,
        /// The environment.
        #[arg(long)]
        env: String,
        /// Only say which version served at this moment (RFC 3339).
        #[arg(long)]
        at: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Runs a model subcommand.
pub fn run(global: &GlobalArgs, command: ModelCommand) -> Result<(), Failure> {
    match command {
        ModelCommand::Register(args) => register::run(global, &args),
        ModelCommand::List { prefix, tags, json } => show::list(global, prefix, &tags, json),
        ModelCommand::Show { reference, json } => show::show(global, &reference, json),
        ModelCommand::Verify { reference, json } => verify::run(global, &reference, json),
        ModelCommand::Update {
            name,
            description,
            purpose,
            risk_class,
        } => {
            let name: aigov_core::ModelName = name
                .parse()
                .map_err(|e| Failure::BadInput(format!("{name:?}: {e}")))?;
            if description.is_none() && purpose.is_none() && risk_class.is_none() {
                return Err(Failure::BadInput(
                    "say what changes: --description, --purpose or --risk-class".into(),
                ));
            }
            let governor = global.governor()?;
            let principal = global.principal(&governor, aigov_core::Action::Register)?;
            let model =
                governor.update_model(&principal, &name, description, purpose, risk_class)?;
            println!(
                "{}: {} ({:?} risk): {}",
                model.name, model.intended_purpose, model.risk_class, model.description
            );
            Ok(())
        }
        ModelCommand::Validate { reference } => {
            let r: aigov_core::ModelRef = reference
                .parse()
                .map_err(|e| Failure::BadInput(format!("{reference:?}: {e}")))?;
            let governor = global.governor()?;
            let principal = global.principal(&governor, aigov_core::Action::Validate)?;
            let v = governor.validate(&principal, &r)?;
            println!("{} is {}", v.reference(), v.stage);
            Ok(())
        }
        ModelCommand::History {
            name,
            env,
            at,
            json,
        } => show::history(global, &name, &env, at.as_deref(), json),
    }
}

/// Splits `K=V`.
pub(crate) fn parse_tag(text: &str) -> Result<(String, String), Failure> {
    match text.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
        _ => Err(Failure::BadInput(format!(
            "tag {text:?} is not of the form KEY=VALUE"
        ))),
    }
}

/// Reads a file the user named, as one clear line on failure.
pub(crate) fn read_input(path: &PathBuf) -> Result<Vec<u8>, Failure> {
    std::fs::read(path).map_err(|e| Failure::BadInput(format!("{}: {e}", path.display())))
}
