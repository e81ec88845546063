//! `aigov incident`: open, contain, annotate, notify and close incidents; deadlines and the
//! Art. 73 report draft.

use std::path::PathBuf;

use aigov::governor::IncidentUpdate;
use aigov_core::{Action, Clock, ModelRef, SystemClock};
use aigov_incident::{
    Containment, Incident, IncidentError, IncidentKind, IncidentSource, IncidentStatus,
    IncidentStore, NewIncident, Recipient, ReportDetails, ReportDraft, SeriousCategory, Severity,
};
use chrono::{DateTime, Utc};
use clap::{Args, Subcommand, ValueEnum};

use crate::failure::Failure;
use crate::store::GlobalArgs;

/// `aigov incident` subcommands.
#[derive(Subcommand, Debug)]
pub enum IncidentCommand {
    /// Open an incident.
    Open(Box<OpenArgs>),
    /// List incidents.
    List {
        /// Only this status.
        #[arg(long)]
        status: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Release the legal hold an incident placed on its versions (`contain --hold` printed
    /// it as `legal hold incident ID placed`); responders, legal approvers, admins.
    ReleaseHold {
        /// The incident id.
        id: String,
        /// Only this version (default: every version the incident affects).
        #[arg(long)]
        model: Option<String>,
    },
    /// Show one incident with its timeline.
    Show {
        /// The incident id.
        id: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Contain: suspend the affected versions, roll an environment back, or hold audit entries.
    Contain(ContainArgs),
    /// Add a note to the timeline.
    Note {
        /// The incident id.
        id: String,
        /// The note.
        text: String,
    },
    /// Record that the regulator or the stakeholders were told.
    Notify {
        /// The incident id.
        id: String,
        /// Who was told.
        #[arg(long, value_enum)]
        to: Audience,
        /// When (RFC 3339; default now).
        #[arg(long)]
        at: Option<String>,
    },
    /// Move to the next status (contained, investigating, remediated, closed, open to reopen).
    Status {
        /// The incident id.
        id: String,
        /// The new status.
        status: String,
    },
    /// Close a remediated incident.
    Close {
        /// The incident id.
        id: String,
    },
    /// The forensic timeline: the incident's actions, the audit entries about the affected
    /// versions with inclusion proofs against the latest signed checkpoint, and deployments.
    Timeline {
        /// The incident id.
        id: String,
        /// json or md.
        #[arg(long, default_value = "md")]
        format: String,
        /// Environments whose deployment history to include (repeat for several).
        #[arg(long = "env")]
        environments: Vec<String>,
    },
    /// The Art. 73 report draft, with what is still missing.
    Report {
        /// The incident id.
        id: String,
        /// Provider, description, dates, affected persons and member states (JSON).
        #[arg(long)]
        details: Option<PathBuf>,
        /// json or md.
        #[arg(long, default_value = "md")]
        format: String,
    },
    /// Every open reporting clock with its deadline and whether it is overdue.
    Deadlines {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Who is told.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Audience {
    /// The market surveillance authority.
    Regulator,
    /// Deployers and affected persons.
    Stakeholders,
}

/// Arguments of `aigov incident open`.
#[derive(Args, Debug)]
pub struct OpenArgs {
    /// Identifier (default INC- and the current time).
    #[arg(long)]
    id: Option<String>,
    /// One-line title.
    #[arg(long)]
    title: String,
    /// adversarial_exploitation, evasion, data_poisoning_suspected, sensitive_data_leak,
    /// drift_failure, bias_finding, availability or other.
    #[arg(long)]
    kind: String,
    /// informational, low, medium, high, critical, fatal (or OCSF 1-6).
    #[arg(long)]
    severity: String,
    /// Affected model version NAME@VERSION (repeat for several).
    #[arg(long = "model", required = true)]
    models: Vec<String>,
    /// A shipped playbook to attach (its name is noted in the timeline).
    #[arg(long)]
    playbook: Option<String>,
    /// Classify as a serious incident of this Art. 3(49) category.
    #[arg(long)]
    serious: Option<String>,
    /// When the provider became aware (RFC 3339; default now).
    #[arg(long, requires = "serious")]
    aware_at: Option<String>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Arguments of `aigov incident contain`.
#[derive(Args, Debug)]
pub struct ContainArgs {
    /// The incident id.
    id: String,
    /// Suspend every affected version.
    #[arg(long, conflicts_with_all = ["rollback", "hold"])]
    suspend: bool,
    /// Roll this environment back.
    #[arg(long, conflicts_with = "hold")]
    rollback: Option<String>,
    /// Place a legal hold on the affected versions (and, with --from and --to, on those
    /// audit entries).
    #[arg(long)]
    hold: bool,
    /// First audit index held.
    #[arg(long)]
    from: Option<u64>,
    /// Last audit index held.
    #[arg(long)]
    to: Option<u64>,
}

impl From<IncidentError> for Failure {
    fn from(e: IncidentError) -> Self {
        match e {
            IncidentError::Storage { .. } => Failure::Internal(e.to_string()),
            IncidentError::Containment { .. } => Failure::Negative(e.to_string()),
            _ => Failure::BadInput(e.to_string()),
        }
    }
}

fn time(text: Option<&str>, what: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, Failure> {
    match text {
        None => Ok(now),
        Some(t) => DateTime::parse_from_rfc3339(t)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| {
                Failure::BadInput(format!(
                    "{what} {t:?}: {e} (expected RFC 3339, like 2026-11-26T09:30:00+01:00)"
                ))
            }),
    }
}

fn load(store: &dyn IncidentStore, id: &str) -> Result<Incident, Failure> {
    store
        .get(id)?
        .ok_or_else(|| Failure::BadInput(format!("no incident {id}")))
}

/// Changes an incident through the governor, as the signed-in actor.
fn update(
    global: &GlobalArgs,
    governor: &aigov::Governor,
    id: &str,
    change: IncidentUpdate,
) -> Result<Incident, Failure> {
    let principal = global.principal(governor, Action::UpdateIncident)?;
    Ok(governor.update_incident(&principal, id, change)?)
}

/// Runs `aigov incident`.
pub fn run(global: &GlobalArgs, command: IncidentCommand) -> Result<(), Failure> {
    // Every subcommand, reading or changing, goes through the governor.
    let governor = global.governor()?;
    let store = governor.incidents();
    let now = SystemClock.now();
    match command {
        IncidentCommand::Open(args) => {
            let affected = args
                .models
                .iter()
                .map(|m| {
                    m.parse::<ModelRef>()
                        .map_err(|e| Failure::BadInput(format!("--model {m}: {e}")))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let playbook_note = match &args.playbook {
                None => None,
                Some(name) => {
                    let known = aigov_incident::Playbook::shipped()?;
                    let playbook = known.iter().find(|p| &p.name == name).ok_or_else(|| {
                        Failure::BadInput(format!(
                            "--playbook {name}: expected one of {}",
                            known
                                .iter()
                                .map(|p| p.name.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ))
                    })?;
                    Some(format!(
                        "playbook {} attached ({} steps)",
                        playbook.name,
                        playbook.steps.len()
                    ))
                }
            };
            let serious = match &args.serious {
                None => None,
                Some(category) => {
                    let aware_at = time(args.aware_at.as_deref(), "--aware-at", now)?;
                    // Checked before the incident exists: refusing the classification
                    // after opening would leave an incident the command reported as failed.
                    if aware_at > now {
                        return Err(Failure::BadInput(format!(
                            "--aware-at {aware_at} is in the future"
                        )));
                    }
                    Some(IncidentUpdate::ClassifySerious {
                        category: category.parse::<SeriousCategory>()?,
                        aware_at,
                    })
                }
            };
            let kind = args.kind.parse::<IncidentKind>()?;
            let severity = args.severity.parse::<Severity>()?;
            let principal = global.principal(&governor, Action::OpenIncident)?;
            let actor = principal.actor().clone();
            let outcome = governor.open_incident(
                &principal,
                NewIncident {
                    id: args
                        .id
                        .clone()
                        .unwrap_or_else(|| format!("INC-{}", now.format("%Y%m%d-%H%M%S%3f"))),
                    title: args.title.clone(),
                    kind,
                    severity,
                    affected,
                    source: IncidentSource::Person {
                        actor: actor.to_string(),
                    },
                    owner: actor,
                },
            )?;
            let mut incident = outcome.incident;
            // Each further change is an operation of its own, with its own signed request.
            for update in playbook_note
                .map(IncidentUpdate::Note)
                .into_iter()
                .chain(serious)
            {
                let principal = global.principal(&governor, Action::UpdateIncident)?;
                incident = governor.update_incident(&principal, &incident.id, update)?;
            }
            for line in &outcome.automatic {
                eprintln!("automatic: {line}");
            }
            for line in &outcome.failed {
                eprintln!("automatic step failed: {line}");
            }
            print_incident(&incident, args.json)
        }
        IncidentCommand::List { status, json } => {
            let status = status.as_deref().map(parse_status).transpose()?;
            let all = store.list(status)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&all)?);
            } else {
                for i in &all {
                    println!(
                        "{:<24} {:<13} {:<9} {:?} {}",
                        i.id,
                        i.status.as_str(),
                        format!("{:?}", i.severity).to_lowercase(),
                        i.kind,
                        i.title
                    );
                }
            }
            Ok(())
        }
        IncidentCommand::ReleaseHold { id, model } => {
            let incident = load(store, &id)?;
            let versions = match model {
                Some(m) => vec![
                    m.parse::<ModelRef>()
                        .map_err(|e| Failure::BadInput(format!("--model {m}: {e}")))?,
                ],
                None => incident.affected.clone(),
            };
            let principal = global.principal(&governor, Action::HoldAudit)?;
            let hold = format!("incident {id}");
            let mut released = 0;
            for v in &versions {
                if let Some(version) = governor.release_version_hold(&principal, v, &hold)? {
                    println!("{}: legal hold {hold} released", version.reference());
                    released += 1;
                }
            }
            if released == 0 {
                return Err(Failure::BadInput(format!(
                    "no active legal hold {hold} on {}",
                    versions
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
            Ok(())
        }
        IncidentCommand::Show { id, json } => print_incident(&load(store, &id)?, json),
        IncidentCommand::Contain(args) => {
            let action = if args.suspend {
                Containment::Suspend
            } else if let Some(environment) = args.rollback.clone() {
                Containment::Rollback { environment }
            } else if args.hold {
                if args.from.is_some() != args.to.is_some() {
                    return Err(Failure::BadInput(
                        "give both --from and --to, or neither".into(),
                    ));
                }
                Containment::LegalHold {
                    audit_range: args.from.zip(args.to),
                }
            } else {
                return Err(Failure::BadInput(
                    "say how: --suspend, --rollback ENV or --hold --from I --to J".into(),
                ));
            };
            let principal = global.principal(&governor, Action::Contain)?;
            for c in governor.contain(&principal, &args.id, &action)? {
                println!("{c}");
            }
            Ok(())
        }
        IncidentCommand::Note { id, text } => {
            update(global, &governor, &id, IncidentUpdate::Note(text))?;
            Ok(())
        }
        IncidentCommand::Notify { id, to, at } => {
            let at = time(at.as_deref(), "--at", now)?;
            let to = match to {
                Audience::Regulator => Recipient::Regulator,
                Audience::Stakeholders => Recipient::Stakeholders,
            };
            let incident = update(global, &governor, &id, IncidentUpdate::Notify { to, at })?;
            match to {
                Recipient::Regulator => {
                    let report = incident
                        .timeline
                        .iter()
                        .rev()
                        .find_map(|e| match &e.action {
                            aigov_incident::TimelineAction::Notified { report, .. } => {
                                Some(*report)
                            }
                            _ => None,
                        });
                    let kind = match report.flatten() {
                        Some(aigov_incident::ReportKind::Initial) => "initial",
                        Some(aigov_incident::ReportKind::Complete) => "complete",
                        None => "a",
                    };
                    println!("recorded: regulator told ({kind} report)")
                }
                Recipient::Stakeholders => println!("recorded: stakeholders told"),
            }
            Ok(())
        }
        IncidentCommand::Status { id, status } => {
            update(
                global,
                &governor,
                &id,
                IncidentUpdate::Status(parse_status(&status)?),
            )?;
            Ok(())
        }
        IncidentCommand::Close { id } => {
            update(
                global,
                &governor,
                &id,
                IncidentUpdate::Status(IncidentStatus::Closed),
            )?;
            Ok(())
        }
        IncidentCommand::Timeline {
            id,
            format,
            environments,
        } => {
            let incident = load(store, &id)?;

            let envs: Vec<&str> = environments.iter().map(String::as_str).collect();
            let timeline = aigov::forensics::forensic_timeline(
                &incident,
                governor.registry(),
                governor.audit(),
                &envs,
            )
            .map_err(|e| Failure::Internal(e.to_string()))?;
            match format.as_str() {
                "json" => println!("{}", serde_json::to_string_pretty(&timeline)?),
                "md" => print!("{}", timeline.to_markdown()),
                other => {
                    return Err(Failure::BadInput(format!(
                        "--format {other}: expected json or md"
                    )));
                }
            }
            Ok(())
        }
        IncidentCommand::Report {
            id,
            details,
            format,
        } => {
            let incident = load(store, &id)?;
            let details: ReportDetails = match details {
                None => ReportDetails::default(),
                Some(path) => {
                    let text = std::fs::read_to_string(&path)
                        .map_err(|e| Failure::BadInput(format!("{}: {e}", path.display())))?;
                    serde_json::from_str(&text)
                        .map_err(|e| Failure::BadInput(format!("{}: {e}", path.display())))?
                }
            };
            let draft = ReportDraft::draft(&incident, &details, now);
            match format.as_str() {
                "json" => println!("{}", serde_json::to_string_pretty(&draft)?),
                "md" => print!("{}", draft.to_markdown()),
                other => {
                    return Err(Failure::BadInput(format!(
                        "--format {other}: expected json or md"
                    )));
                }
            }
            Ok(())
        }
        IncidentCommand::Deadlines { json } => {
            let clocks: Vec<serde_json::Value> = store
                .list(None)?
                .iter()
                .filter_map(|i| i.serious.as_ref().map(|s| (i, s.state(now))))
                .filter(|(_, c)| c.due != aigov_incident::ReportDue::Nothing)
                .map(|(i, c)| serde_json::json!({"id": i.id, "title": i.title, "clock": c}))
                .collect();
            if json {
                println!("{}", serde_json::to_string_pretty(&clocks)?);
            } else {
                for c in &clocks {
                    let clock = &c["clock"];
                    println!(
                        "{:<24} {:?} report due {} ({}){}",
                        c["id"].as_str().unwrap_or_default(),
                        clock["due"].as_str().unwrap_or_default(),
                        clock["deadline"].as_str().unwrap_or_default(),
                        clock["provision"].as_str().unwrap_or_default(),
                        if clock["overdue"] == true {
                            "  OVERDUE"
                        } else {
                            ""
                        }
                    );
                }
            }
            Ok(())
        }
    }
}

fn parse_status(s: &str) -> Result<IncidentStatus, Failure> {
    Ok(match s {
        "open" => IncidentStatus::Open,
        "contained" => IncidentStatus::Contained,
        "investigating" => IncidentStatus::Investigating,
        "remediated" => IncidentStatus::Remediated,
        "closed" => IncidentStatus::Closed,
        other => {
            return Err(Failure::BadInput(format!(
                "status {other:?}: expected open, contained, investigating, remediated or closed"
            )));
        }
    })
}

fn print_incident(i: &Incident, json: bool) -> Result<(), Failure> {
    if json {
        println!("{}", serde_json::to_string_pretty(i)?);
        return Ok(());
    }
    println!("{}: {} [{}]", i.id, i.title, i.status.as_str());
    println!(
        "  kind {:?}, severity {:?} (OCSF {}), owner {}",
        i.kind,
        i.severity,
        i.severity.ocsf_id(),
        i.owner
    );
    println!(
        "  affected {}",
        i.affected
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    );
    if let Some(s) = &i.serious {
        let c = s.state(SystemClock.now());
        println!(
            "  serious ({}): report due {} ({}){}",
            s.category.as_str(),
            c.deadline.to_rfc3339(),
            c.provision,
            if c.overdue { ", OVERDUE" } else { "" }
        );
    }
    println!("  {} timeline entries", i.timeline.len());
    Ok(())
}
