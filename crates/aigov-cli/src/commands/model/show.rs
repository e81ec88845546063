//! `aigov model list`, `show` and `history`.

use aigov_core::{ModelName, ModelRef};
use aigov_registry::{MAX_PAGE_SIZE, ModelQuery, PageRequest, VersionQuery};
use chrono::{DateTime, Utc};

use super::parse_tag;
use crate::failure::Failure;
use crate::store::GlobalArgs;

fn model_name(text: &str) -> Result<ModelName, Failure> {
    text.parse().map_err(|e| Failure::BadInput(format!("{e}")))
}

/// Lists models, every page.
pub fn list(
    global: &GlobalArgs,
    prefix: Option<String>,
    tags: &[String],
    json: bool,
) -> Result<(), Failure> {
    // Reads go through the governor too: the one door onto the store.
    let governor = global.governor()?;
    let tags = tags
        .iter()
        .map(|t| parse_tag(t))
        .collect::<Result<Vec<_>, _>>()?;
    let mut models = Vec::new();
    let mut after = None;
    loop {
        let page = governor.registry().list_models(&ModelQuery {
            name_prefix: prefix.clone(),
            tags: tags.clone(),
            page: PageRequest {
                limit: MAX_PAGE_SIZE,
                after,
            },
        })?;
        models.extend(page.items);
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&models)?);
    } else if models.is_empty() {
        println!("no models");
    } else {
        for m in &models {
            println!(
                "{:<32} {:<8} {:<28} {}",
                m.name.as_str(),
                serde_json::to_value(m.risk_class)?
                    .as_str()
                    .unwrap_or_default(),
                m.owner.as_str(),
                m.description
            );
        }
    }
    Ok(())
}

/// Shows a model with its versions, or one version.
pub fn show(global: &GlobalArgs, reference: &str, json: bool) -> Result<(), Failure> {
    // Reads go through the governor too: the one door onto the store.
    let governor = global.governor()?;
    if reference.contains('@') {
        let reference: ModelRef = reference
            .parse()
            .map_err(|e| Failure::BadInput(format!("{e}")))?;
        let v = governor.registry().resolve(&reference)?;
        if json {
            println!("{}", serde_json::to_string_pretty(&v)?);
        } else {
            println!("{}  {}", v.reference(), v.root);
            println!("  stage:      {}", v.stage);
            println!(
                "  registered: {} by {}",
                v.created_at.to_rfc3339(),
                v.created_by
            );
            println!("  source:     {}", v.source);
            println!(
                "  files:      {} ({} bytes)",
                v.files.len(),
                v.files.iter().map(|f| f.size).sum::<u64>()
            );
            let aliases: Vec<&str> = v.aliases.iter().map(|a| a.as_str()).collect();
            println!("  aliases:    {}", aliases.join(", "));
            println!(
                "  tags:       {}",
                v.tags
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            println!(
                "  datasets:   {}",
                v.lineage
                    .datasets
                    .iter()
                    .map(|d| format!("{} {}", d.name, d.digest))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            println!(
                "  evidence:   {}",
                v.evidence
                    .iter()
                    .map(|e| e.kind.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            println!("  approvals:  {}", v.approvals.len());
        }
        return Ok(());
    }
    let name = model_name(reference)?;
    let model = governor.registry().model(&name)?;
    let mut versions = Vec::new();
    let mut after = None;
    loop {
        let page = governor.registry().list_versions(&VersionQuery {
            name: Some(name.clone()),
            page: PageRequest {
                limit: MAX_PAGE_SIZE,
                after,
            },
            ..Default::default()
        })?;
        versions.extend(page.items);
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    if json {
        let out = serde_json::json!({ "model": model, "versions": versions });
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        println!(
            "{}  owner {}  {}",
            model.name, model.owner, model.description
        );
        for v in &versions {
            println!(
                "  @{:<5} {:<14} {}  {}",
                v.version.get(),
                v.stage.as_str(),
                v.root,
                v.created_at.to_rfc3339()
            );
        }
    }
    Ok(())
}

/// Prints an environment's deployment history, or what served at one moment.
pub fn history(
    global: &GlobalArgs,
    name: &str,
    env: &str,
    at: Option<&str>,
    json: bool,
) -> Result<(), Failure> {
    let name = model_name(name)?;
    // Reads go through the governor too: the one door onto the store.
    let governor = global.governor()?;
    if let Some(at) = at {
        let at: DateTime<Utc> = DateTime::parse_from_rfc3339(at)
            .map_err(|e| Failure::BadInput(format!("--at {at:?}: {e}")))?
            .with_timezone(&Utc);
        let version = governor.registry().deployed_at(&name, env, at)?;
        if json {
            let out = serde_json::json!({ "name": name, "env": env, "at": at, "version": version });
            println!("{}", serde_json::to_string_pretty(&out)?);
        } else {
            match version {
                Some(v) => println!("{name}@{v} served {env} at {}", at.to_rfc3339()),
                None => println!("nothing of {name} served {env} at {}", at.to_rfc3339()),
            }
        }
        return Ok(());
    }
    let history = governor.registry().history(&name, env)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&history)?);
    } else if history.is_empty() {
        println!("no deployments of {name} in {env}");
    } else {
        for r in &history {
            println!(
                "{:>4}  {}  {:<8} {}@{}  by {}  {}",
                r.seq,
                r.at.to_rfc3339(),
                serde_json::to_value(r.action)?.as_str().unwrap_or_default(),
                r.model,
                r.version,
                r.actor,
                r.reason
            );
        }
    }
    Ok(())
}
