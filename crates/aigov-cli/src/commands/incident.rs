//! `aigov incident`: open, contain, annotate, notify and close incidents; deadlines and the
//! Art. 73 report draft.

use std::path::PathBuf;
use std::sync::Arc;

use aigov_core::{Clock, ModelRef, SystemClock};
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

/// Applies `change` to the stored incident and saves it, retrying if another writer won.
fn modify<T>(
    store: &dyn IncidentStore,
    id: &str,
    mut change: impl FnMut(&mut Incident) -> Result<T, Failure>,
) -> Result<(Incident, T), Failure> {
    for _ in 0..16 {
        let mut incident = load(store, id)?;
        let read = incident.timeline.len();
        let out = change(&mut incident)?;
        match store.update(&incident, read) {
            Ok(()) => return Ok((incident, out)),
            Err(IncidentError::Conflict { .. }) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(Failure::Internal(format!(
        "incident {id} kept changing; try again"
    )))
}

/// Runs `aigov incident`.
pub fn run(global: &GlobalArgs, command: IncidentCommand) -> Result<(), Failure> {
    let store = global.open_incidents()?;
    let actor = global.actor()?;
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
            let mut incident = Incident::open(
                NewIncident {
                    id: args
                        .id
                        .clone()
                        .unwrap_or_else(|| format!("INC-{}", now.format("%Y%m%d-%H%M%S%3f"))),
                    title: args.title.clone(),
                    kind: args.kind.parse::<IncidentKind>()?,
                    severity: args.severity.parse::<Severity>()?,
                    affected,
                    source: IncidentSource::Person {
                        actor: actor.to_string(),
                    },
                    owner: actor.clone(),
                },
                now,
                actor.clone(),
            )?;
            if let Some(name) = &args.playbook {
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
                incident.note(
                    &format!(
                        "playbook {} attached ({} steps)",
                        playbook.name,
                        playbook.steps.len()
                    ),
                    now,
                    actor.clone(),
                )?;
            }
            if let Some(category) = &args.serious {
                let category = category.parse::<SeriousCategory>()?;
                let aware = time(args.aware_at.as_deref(), "--aware-at", now)?;
                incident.classify_serious(category, aware, now, actor.clone())?;
            }
            store.create(&incident)?;
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
        IncidentCommand::Show { id, json } => print_incident(&load(store.as_ref(), &id)?, json),
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
            let open = global.open(false)?;
            let audit = Arc::new(global.open_audit()?);
            let target = aigov_containment(open.registry, audit, actor.clone());
            // Act once: the registry and the audit log change here, never in a retry.
            let mut incident = load(store.as_ref(), &args.id)?;
            let read = incident.timeline.len();
            let at = now.max(incident.last_at());
            let outcome = incident.contain(&target, &action, at, actor.clone());
            let recorded = incident.timeline[read..]
                .iter()
                .find_map(|e| match &e.action {
                    aigov_incident::TimelineAction::Containment { kind, changed } => {
                        Some((kind.clone(), changed.clone()))
                    }
                    _ => None,
                });
            let saved = match store.update(&incident, read) {
                Ok(()) => Ok(()),
                // Another responder wrote first: record what was done on top of theirs.
                Err(IncidentError::Conflict { .. }) => match &recorded {
                    Some((kind, changed)) => modify(store.as_ref(), &args.id, |i| {
                        let at = now.max(i.last_at());
                        Ok(i.record_containment(kind, changed.clone(), at, actor.clone())?)
                    })
                    .map(|_| ()),
                    None => Ok(()),
                },
                Err(e) => Err(Failure::from(e)),
            };
            if let Err(e) = saved {
                return Err(Failure::Internal(format!(
                    "the containment was carried out ({recorded:?}) but could not be recorded: {e:?}"
                )));
            }
            let changed = outcome?;
            for c in changed {
                println!("{c}");
            }
            Ok(())
        }
        IncidentCommand::Note { id, text } => {
            modify(store.as_ref(), &id, |i| {
                Ok(i.note(&text, now.max(i.last_at()), actor.clone())?)
            })?;
            Ok(())
        }
        IncidentCommand::Notify { id, to, at } => {
            let at = time(at.as_deref(), "--at", now)?;
            // A notification cannot be dated in the future: that would stop the clock.
            if at > now + chrono::Duration::minutes(5) {
                return Err(Failure::BadInput(format!("--at {at} is in the future")));
            }
            let to = match to {
                Audience::Regulator => Recipient::Regulator,
                Audience::Stakeholders => Recipient::Stakeholders,
            };
            let (_, report) = modify(store.as_ref(), &id, |i| {
                Ok(i.notify(to, at, actor.clone())?)
            })?;
            match to {
                Recipient::Regulator => println!("recorded: regulator told ({report:?} report)"),
                Recipient::Stakeholders => println!("recorded: stakeholders told"),
            }
            Ok(())
        }
        IncidentCommand::Status { id, status } => {
            let to = parse_status(&status)?;
            modify(store.as_ref(), &id, |i| {
                Ok(i.transition(to, now.max(i.last_at()), actor.clone())?)
            })?;
            Ok(())
        }
        IncidentCommand::Close { id } => {
            modify(store.as_ref(), &id, |i| {
                Ok(i.transition(IncidentStatus::Closed, now.max(i.last_at()), actor.clone())?)
            })?;
            Ok(())
        }
        IncidentCommand::Timeline {
            id,
            format,
            environments,
        } => {
            let incident = load(store.as_ref(), &id)?;
            let open = global.open(false)?;
            let audit = global.open_audit()?;
            let envs: Vec<&str> = environments.iter().map(String::as_str).collect();
            let timeline =
                aigov::forensics::forensic_timeline(&incident, &open.registry, &audit, &envs)
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
            let incident = load(store.as_ref(), &id)?;
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

fn aigov_containment(
    registry: aigov_registry::Registry,
    audit: Arc<aigov_audit::AuditLog>,
    actor: aigov_core::ActorId,
) -> aigov::containment::RegistryContainment {
    aigov::containment::RegistryContainment::new(Arc::new(registry), audit, actor)
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
