//! `aigov approve`, `promote`, `deploy`, `rollback` and `actors add`: the lifecycle steps
//! that move a version, each through the governor's gates and into the audit log.

use std::collections::BTreeSet;
use std::path::PathBuf;

use aigov::governor::ApprovalRequest;
use aigov_core::{Action, ActorId, ModelName, ModelRef, Role, SignerKey, VerifierKey};
use aigov_registry::{Decision, Stage};
use clap::{Args, Subcommand};

use crate::failure::Failure;
use crate::store::GlobalArgs;

/// `aigov approve`.
#[derive(Args, Debug)]
pub struct ApproveArgs {
    /// The version, `NAME@VERSION` or `NAME@ALIAS`.
    pub version: String,
    /// The stage approved for: staging or production.
    #[arg(long)]
    pub stage: String,
    /// The role you approve in (it must be yours in the actor directory).
    #[arg(long)]
    pub role: String,
    /// Your private key file (from `aigov keys generate`).
    #[arg(long)]
    pub key: PathBuf,
    /// How long the approval counts: 30m, 12h, 7d, 2w (default 7d).
    #[arg(long, default_value = "7d")]
    pub expires: String,
    /// Why.
    #[arg(long, default_value = "")]
    pub comment: String,
    /// Record a rejection instead of an approval.
    #[arg(long)]
    pub reject: bool,
}

/// `aigov promote`.
#[derive(Args, Debug)]
pub struct PromoteArgs {
    /// The version.
    pub version: String,
    /// staging or production.
    #[arg(long)]
    pub stage: String,
    /// Where production will run (the production gate checks it).
    #[arg(long)]
    pub region: Option<String>,
}

/// `aigov deploy`.
#[derive(Args, Debug)]
pub struct DeployArgs {
    /// The version.
    pub version: String,
    /// The environment.
    #[arg(long)]
    pub env: String,
    /// The region.
    #[arg(long)]
    pub region: Option<String>,
}

/// `aigov rollback`.
#[derive(Args, Debug)]
pub struct RollbackArgs {
    /// The environment.
    #[arg(long)]
    pub env: String,
    /// The model (needed when several models are deployed to the environment).
    #[arg(long)]
    pub model: Option<String>,
    /// Why.
    #[arg(long, default_value = "rollback")]
    pub reason: String,
}

/// `aigov actors`.
#[derive(Subcommand, Debug)]
pub enum ActorsCommand {
    /// Enrol an actor with roles and the public key their approvals are signed with (the
    /// first actor of a store may enrol themselves as admin; after that, admins only).
    Add {
        /// The actor id (an email, a service name).
        id: String,
        /// A role (repeat for several).
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        /// The public key: a `.pub` file or the key string itself.
        #[arg(long)]
        key: String,
        /// Allow roles that are not built in (your policy.yaml must grant them something).
        #[arg(long)]
        custom_role: bool,
    },
    /// List actors and their roles.
    List,
    /// Every role the policy in force knows, and the actions each may perform.
    Roles {
        /// Print JSON: {role: [actions]}.
        #[arg(long)]
        json: bool,
    },
}

fn reference(text: &str) -> Result<ModelRef, Failure> {
    text.parse()
        .map_err(|e| Failure::BadInput(format!("{text:?}: {e}")))
}

fn stage(text: &str) -> Result<Stage, Failure> {
    text.parse()
        .map_err(|e: aigov_registry::RegistryError| Failure::BadInput(format!("--stage: {e}")))
}

fn role(text: &str) -> Result<Role, Failure> {
    text.parse()
        .map_err(|e| Failure::BadInput(format!("--role {text:?}: {e}")))
}

/// `30m`, `12h`, `7d`, `2w`.
pub fn parse_duration(text: &str) -> Result<chrono::Duration, Failure> {
    let bad = || {
        Failure::BadInput(format!(
            "duration {text:?}: a number and a unit m, h, d or w (like 12h)"
        ))
    };
    // The unit is the last character, which need not be one byte.
    let last = text.chars().next_back().ok_or_else(bad)?;
    let (number, unit) = text.split_at(text.len() - last.len_utf8());
    let n: i64 = number.parse().map_err(|_| bad())?;
    if n <= 0 || n > 3650 * 24 * 60 {
        return Err(bad());
    }
    match unit {
        "m" => Ok(chrono::Duration::minutes(n)),
        "h" => Ok(chrono::Duration::hours(n)),
        "d" => Ok(chrono::Duration::days(n)),
        "w" => Ok(chrono::Duration::weeks(n)),
        _ => Err(bad()),
    }
}

/// Runs `aigov approve`.
pub fn approve(global: &GlobalArgs, args: &ApproveArgs) -> Result<(), Failure> {
    let key = SignerKey::load(&args.key)?;
    let governor = global.governor()?;
    // The approval key is the actor's enrolled key: it signs the request too, unless
    // --signing-key names another.
    let principal = global.principal_with(&governor, Action::Approve, Some(&args.key))?;
    let r = reference(&args.version)?;
    let envelope = governor.approve(
        &principal,
        &r,
        ApprovalRequest {
            stage: stage(&args.stage)?,
            role: role(&args.role)?,
            decision: if args.reject {
                Decision::Reject
            } else {
                Decision::Approve
            },
            valid_for: parse_duration(&args.expires)?,
            comment: args.comment.clone(),
        },
        &key,
    )?;
    println!(
        "{} {} for {} as {} ({} signature, expires in {})",
        if args.reject { "rejected" } else { "approved" },
        args.version,
        args.stage,
        args.role,
        envelope.signatures.len(),
        args.expires
    );
    Ok(())
}

/// Runs `aigov promote`.
pub fn promote(global: &GlobalArgs, args: &PromoteArgs) -> Result<(), Failure> {
    let governor = global.governor()?;
    let principal = global.principal(&governor, Action::Promote)?;
    let v = governor.promote(
        &principal,
        &reference(&args.version)?,
        stage(&args.stage)?,
        args.region.as_deref(),
    )?;
    println!("{} is now {}", v.reference(), v.stage);
    Ok(())
}

/// Runs `aigov deploy`.
pub fn deploy(global: &GlobalArgs, args: &DeployArgs) -> Result<(), Failure> {
    let governor = global.governor()?;
    let principal = global.principal(&governor, Action::Deploy)?;
    let record = governor.deploy(
        &principal,
        &reference(&args.version)?,
        &args.env,
        args.region.as_deref(),
    )?;
    println!(
        "{}@{} serves {} (deployment {})",
        record.model, record.version, record.environment, record.seq
    );
    Ok(())
}

/// Runs `aigov rollback`.
pub fn rollback(global: &GlobalArgs, args: &RollbackArgs) -> Result<(), Failure> {
    let governor = global.governor()?;
    let model = match &args.model {
        Some(m) => {
            ModelName::new(m.as_str()).map_err(|e| Failure::BadInput(format!("--model: {e}")))?
        }
        None => only_model_in(&governor, &args.env)?,
    };
    let before = governor.registry().deployed(&model, &args.env)?;
    let principal = global.principal(&governor, Action::Rollback)?;
    let record = governor.rollback(&principal, &model, &args.env, &args.reason)?;
    println!(
        "{model} in {}: version {} -> version {}",
        args.env,
        before.map_or("none".to_string(), |v| v.to_string()),
        record.version
    );
    Ok(())
}

/// The one model serving `env`, or a usage error naming the candidates.
fn only_model_in(governor: &aigov::Governor, env: &str) -> Result<ModelName, Failure> {
    let mut serving = Vec::new();
    let mut query = aigov_registry::ModelQuery::default();
    loop {
        let page = governor.registry().list_models(&query)?;
        for model in page.items {
            if governor.registry().deployed(&model.name, env)?.is_some() {
                serving.push(model.name);
            }
        }
        match page.next {
            Some(token) => query.page.after = Some(token),
            None => break,
        }
    }
    match serving.len() {
        1 => Ok(serving.remove(0)),
        0 => Err(Failure::BadInput(format!("no model is deployed to {env}"))),
        _ => Err(Failure::BadInput(format!(
            "several models serve {env} ({}); name one with --model",
            serving
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// Runs `aigov actors`.
pub fn actors(global: &GlobalArgs, command: ActorsCommand) -> Result<(), Failure> {
    let governor = global.governor()?;
    match command {
        ActorsCommand::Roles { json } => {
            let permissions = governor.policy_config().permissions;
            let mut by_role: std::collections::BTreeMap<String, Vec<String>> = Role::BUILT_IN
                .iter()
                .map(|r| (r.as_str().to_string(), Vec::new()))
                .collect();
            for (action, roles) in &permissions {
                for role in roles {
                    by_role
                        .entry(role.clone())
                        .or_default()
                        .push(action.clone());
                }
            }
            if json {
                println!("{}", serde_json::to_string_pretty(&by_role)?);
            } else {
                for (role, actions) in &by_role {
                    let actions = if actions.is_empty() {
                        "(nothing)".to_string()
                    } else {
                        actions.join(", ")
                    };
                    println!("{role:<20} {actions}");
                }
            }
        }
        ActorsCommand::Add {
            id,
            roles,
            key,
            custom_role,
        } => {
            let actor =
                ActorId::new(id.as_str()).map_err(|e| Failure::BadInput(format!("{id:?}: {e}")))?;
            let key = if std::path::Path::new(&key).exists() {
                VerifierKey::load(std::path::Path::new(&key))?
            } else {
                VerifierKey::parse(key.trim())?
            };
            let roles = roles
                .iter()
                .map(|r| role(r))
                .collect::<Result<BTreeSet<_>, _>>()?;
            // A typo is not a new role: custom roles are asked for by name.
            if let Some(unknown) = roles.iter().find(|r| matches!(r, Role::Custom(_)))
                && !custom_role
            {
                return Err(Failure::BadInput(format!(
                    "--role {unknown}: not a built-in role ({}); pass --custom-role to enrol a role your policy.yaml grants",
                    Role::BUILT_IN
                        .iter()
                        .map(Role::as_str)
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
            let by = global.enrolling_principal(&governor, &actor, &key)?;
            governor.add_actor(&by, actor.clone(), key, roles.clone())?;
            println!(
                "{actor}: {}",
                roles
                    .iter()
                    .map(Role::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        ActorsCommand::List => {
            for (actor, approver) in governor.directory().trust().approvers {
                let roles: Vec<&str> = approver.roles.iter().map(Role::as_str).collect();
                println!("{actor}\t{}\t{}", roles.join(","), approver.key);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_duration;

    #[test]
    fn durations_parse_and_hostile_ones_are_errors() {
        assert_eq!(
            parse_duration("12h").ok(),
            Some(chrono::Duration::hours(12))
        );
        assert_eq!(parse_duration("2w").ok(), Some(chrono::Duration::weeks(2)));
        for bad in [
            "",
            "h",
            "0d",
            "-1d",
            "1\u{2db}",
            "\u{2db}",
            "7x",
            "99999999999d",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad:?}");
        }
    }
}
