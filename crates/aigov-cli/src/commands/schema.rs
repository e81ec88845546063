//! `aigov schema COMMAND`: the JSON Schema of a command's `--json` output, the contract
//! machine consumers hold the command line to (fields are only ever added).

use clap::Args;

use crate::failure::Failure;

include!(concat!(env!("OUT_DIR"), "/schemas.rs"));

/// Arguments of `aigov schema`.
#[derive(Args, Debug)]
pub struct SchemaArgs {
    /// The command, as typed: `model show`, `audit verify`, `assess`, ... (omit to list them).
    command: Vec<String>,
}

/// The schema of `command` (its words joined with '-'), if it prints JSON.
pub fn schema_of(command: &[String]) -> Option<&'static str> {
    let key = command.join("-");
    SCHEMAS
        .iter()
        .find(|(name, _)| *name == key)
        .map(|(_, text)| *text)
}

/// How a schema's name is typed: `model-show` is `model show` where `model` is one of the
/// command `groups`; `verify-model` stays one word.
pub fn as_typed(name: &str, groups: &[String]) -> String {
    match name.split_once('-') {
        Some((group, rest)) if groups.iter().any(|g| g == group) => format!("{group} {rest}"),
        _ => name.to_string(),
    }
}

/// Runs `aigov schema`; `groups` are the commands that have subcommands.
pub fn run(args: &SchemaArgs, groups: &[String]) -> Result<(), Failure> {
    if args.command.is_empty() {
        for (name, _) in SCHEMAS {
            println!("{}", as_typed(name, groups));
        }
        return Ok(());
    }
    match schema_of(&args.command) {
        Some(text) => {
            print!("{text}");
            Ok(())
        }
        None => Err(Failure::BadInput(format!(
            "{:?} prints no JSON; `aigov schema` lists the commands that do",
            args.command.join(" ")
        ))),
    }
}
