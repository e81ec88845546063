//! OCSF 1.5.0 events: decisions are Detection Findings (2004), governance findings Compliance
//! Findings (2003), incidents Incident Findings (2005), registry actions API Activity (6003).
//! The layout follows tests/fixtures/ocsf/FORMAT.md, checked by tests/oracles/ocsf_validate.py.

use serde_json::{Map, Value, json};

use super::ExportContext;
use crate::event::{AuditEntry, AuditEvent, Decision};

const OCSF_VERSION: &str = "1.5.0";

fn severity_name(id: u8) -> &'static str {
    match id {
        1 => "Informational",
        2 => "Low",
        3 => "Medium",
        4 => "High",
        5 => "Critical",
        _ => "Unknown",
    }
}

/// The OCSF severity of an entry, also used for CEF and syslog.
pub fn severity_id(event: &AuditEvent) -> u8 {
    match event {
        AuditEvent::Decision(d) => decision_action(d).3,
        AuditEvent::Gate(g) if !g.allow => 3,
        AuditEvent::DriftAlert(a) => match a.severity.as_str() {
            "critical" => 5,
            "warning" => 3,
            _ => 2,
        },
        AuditEvent::FairnessAudit(f) if f.verdict != "pass" => 3,
        AuditEvent::Incident(_) => 4,
        _ => 1,
    }
}

/// `(action_id, disposition_id, is_alert, severity_id)` for a decision's action.
fn decision_action(d: &Decision) -> (u8, u8, bool, u8) {
    match d.action.as_str() {
        "block" | "deny" => (2, 2, true, 4),
        "alert" => (3, 19, true, 3),
        "step-up" | "challenge" => (4, 23, false, 2),
        "allow" => (1, 1, false, 1),
        _ => (99, 99, false, 1),
    }
}

fn model_analytic(name: &str, version: u64, root: &str) -> Value {
    json!({"type_id": 4, "type": "Learning (ML/DL)", "name": name, "version": version.to_string(), "uid": root})
}

fn model_resource(name: &str, version: u64, root: &str) -> Value {
    json!({"type": "ai-model-version", "name": name, "version": version.to_string(), "uid": root})
}

/// The OCSF event for one entry at `index` with leaf hash `leaf`.
pub fn event(ctx: &ExportContext<'_>, index: u64, leaf: &str, entry: &AuditEntry) -> Value {
    let time = entry.time.timestamp_millis();
    let (class_uid, class_name, category_uid, category_name, activity_id, activity_name, mut body) =
        class_body(ctx, leaf, entry);
    let severity = severity_id(&entry.event);
    let type_name = format!("{class_name}: {activity_name}");
    let mut metadata = json!({
        "version": OCSF_VERSION,
        "product": {"name": "aigov", "vendor_name": "aigov", "version": ctx.product_version},
        "uid": leaf,
        "sequence": index,
        "log_name": "aigov-audit",
        "log_provider": "aigov",
        "event_code": entry.event.kind(),
        "original_time": entry.time.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    });
    if body.contains_key("action_id") {
        metadata["profiles"] = json!(["security_control"]);
    }
    body.insert("class_uid".into(), json!(class_uid));
    body.insert("class_name".into(), json!(class_name));
    body.insert("category_uid".into(), json!(category_uid));
    body.insert("category_name".into(), json!(category_name));
    body.insert("activity_id".into(), json!(activity_id));
    body.insert("activity_name".into(), json!(activity_name));
    body.insert("type_uid".into(), json!(class_uid * 100 + activity_id));
    body.insert("type_name".into(), json!(type_name));
    body.insert("time".into(), json!(time));
    body.insert("timezone_offset".into(), json!(0));
    body.insert("severity_id".into(), json!(severity));
    body.insert("severity".into(), json!(severity_name(severity)));
    body.insert("metadata".into(), metadata);
    Value::Object(body)
}

type ClassBody = (
    u64,
    &'static str,
    u64,
    &'static str,
    u64,
    &'static str,
    Map<String, Value>,
);

fn class_body(ctx: &ExportContext<'_>, leaf: &str, entry: &AuditEntry) -> ClassBody {
    let actor = entry.actor.as_str();
    let mut b = Map::new();
    match &entry.event {
        AuditEvent::Decision(d) => {
            let (action_id, disposition_id, is_alert, _) = decision_action(d);
            let m = &d.model;
            let title = format!("{} v{} decided {}", m.name, m.version, d.action);
            b.insert("status_id".into(), json!(1));
            b.insert("status".into(), json!("New"));
            b.insert("action_id".into(), json!(action_id));
            b.insert("disposition_id".into(), json!(disposition_id));
            b.insert("is_alert".into(), json!(is_alert));
            b.insert(
                "message".into(),
                json!(format!(
                    "{title} (score {} against threshold {})",
                    d.score, d.threshold
                )),
            );
            b.insert(
                "finding_info".into(),
                json!({"uid": leaf, "title": title, "types": ["AI Decision"],
                       "analytic": model_analytic(m.name.as_str(), m.version.get(), &m.root.to_string())}),
            );
            let mut aigov = json!({"actor": actor, "decision": {
                "score": d.score, "threshold": d.threshold, "action": d.action,
                "input_digest": d.input_digest.to_string()}});
            if let Some(c) = d.confidence {
                aigov["decision"]["confidence"] = json!(c);
            }
            if let Some(x) = &d.explanation {
                aigov["explanation"] = serde_json::to_value(x).unwrap_or(Value::Null);
            }
            if let Some(id) = &d.correlation_id {
                aigov["correlation_id"] = json!(id);
            }
            b.insert("unmapped".into(), json!({ "aigov": aigov }));
            (2004, "Detection Finding", 2, "Findings", 1, "Create", b)
        }
        AuditEvent::HumanReview(r) => {
            let decision_uid = ctx
                .leaf_of(r.decision_index)
                .unwrap_or_else(|| format!("audit-index:{}", r.decision_index));
            b.insert("status_id".into(), json!(if r.overridden { 4 } else { 2 }));
            b.insert(
                "message".into(),
                json!(format!(
                    "{} reviewed decision {}: {}",
                    r.reviewer, r.decision_index, r.verdict
                )),
            );
            b.insert(
                "finding_info".into(),
                json!({"uid": decision_uid, "title": format!("human review: {}", r.verdict)}),
            );
            b.insert(
                "unmapped".into(),
                json!({"aigov": {"actor": actor, "review": r}}),
            );
            (2004, "Detection Finding", 2, "Findings", 2, "Update", b)
        }
        AuditEvent::Gate(g) => {
            b.insert("status_id".into(), json!(1));
            b.insert(
                "message".into(),
                json!(format!(
                    "policy gate {} {}",
                    g.gate,
                    if g.allow { "allowed" } else { "denied" }
                )),
            );
            b.insert(
                "finding_info".into(),
                json!({"uid": g.decision_id, "title": format!("gate {}", g.gate)}),
            );
            b.insert(
                "compliance".into(),
                json!({"control": g.gate, "status_id": if g.allow { 1 } else { 3 },
                                                  "status": if g.allow { "Pass" } else { "Fail" }}),
            );
            b.insert(
                "unmapped".into(),
                json!({"aigov": {"actor": actor, "record": g.record}}),
            );
            (2003, "Compliance Finding", 2, "Findings", 1, "Create", b)
        }
        AuditEvent::Approval(a) => {
            let pass = a.decision == "approve";
            b.insert("status_id".into(), json!(1));
            b.insert(
                "message".into(),
                json!(format!(
                    "{} ({}) {}d {}@{} for {}",
                    a.approver, a.role, a.decision, a.model.name, a.model.version, a.stage
                )),
            );
            b.insert("finding_info".into(), json!({"uid": a.envelope_digest.to_string(), "title": format!("approval for {}", a.stage)}));
            b.insert("compliance".into(), json!({"control": format!("approval:{}:{}", a.stage, a.role), "status_id": if pass { 1 } else { 3 }}));
            b.insert(
                "resources".into(),
                json!([model_resource(
                    a.model.name.as_str(),
                    a.model.version.get(),
                    &a.model.root.to_string()
                )]),
            );
            (2003, "Compliance Finding", 2, "Findings", 1, "Create", b)
        }
        AuditEvent::DriftAlert(a) => {
            b.insert("status_id".into(), json!(1));
            b.insert(
                "message".into(),
                json!(format!(
                    "monitor {} raised a {} alert",
                    a.monitor, a.severity
                )),
            );
            b.insert(
                "finding_info".into(),
                json!({"uid": leaf, "title": format!("drift alert: {}", a.monitor)}),
            );
            b.insert(
                "compliance".into(),
                json!({"control": format!("monitor:{}", a.monitor), "status_id": 3}),
            );
            if let Some(m) = &a.model {
                b.insert(
                    "resources".into(),
                    json!([model_resource(
                        m.name.as_str(),
                        m.version.get(),
                        &m.root.to_string()
                    )]),
                );
            }
            b.insert(
                "unmapped".into(),
                json!({"aigov": {"actor": actor, "details": a.details}}),
            );
            (2003, "Compliance Finding", 2, "Findings", 1, "Create", b)
        }
        AuditEvent::FairnessAudit(f) => {
            let status = match f.verdict.as_str() {
                "pass" => 1,
                "fail" => 3,
                _ => 2,
            };
            b.insert("status_id".into(), json!(1));
            b.insert(
                "message".into(),
                json!(format!(
                    "fairness audit of {}@{}: {}",
                    f.model.name, f.model.version, f.verdict
                )),
            );
            b.insert(
                "finding_info".into(),
                json!({"uid": f.report_digest.to_string(), "title": "fairness audit"}),
            );
            b.insert(
                "compliance".into(),
                json!({"control": "fairness", "status_id": status}),
            );
            b.insert(
                "resources".into(),
                json!([model_resource(
                    f.model.name.as_str(),
                    f.model.version.get(),
                    &f.model.root.to_string()
                )]),
            );
            b.insert(
                "unmapped".into(),
                json!({"aigov": {"actor": actor, "details": f.details}}),
            );
            (2003, "Compliance Finding", 2, "Findings", 1, "Create", b)
        }
        AuditEvent::Incident(i) => {
            let (activity_id, activity_name, status_id) = match i.action.as_str() {
                "opened" => (1, "Create", 1),
                "closed" => (3, "Close", 5),
                _ => (2, "Update", 2),
            };
            b.insert("status_id".into(), json!(status_id));
            b.insert(
                "message".into(),
                json!(format!("incident {} {}", i.incident_id, i.action)),
            );
            b.insert("finding_info_list".into(), json!([{"uid": i.incident_id, "title": format!("model incident {}", i.incident_id)}]));
            b.insert(
                "assignee_group".into(),
                json!({"name": "incident-responder"}),
            );
            b.insert(
                "unmapped".into(),
                json!({"aigov": {"actor": actor, "action": i.action, "details": i.details}}),
            );
            (
                2005,
                "Incident Finding",
                2,
                "Findings",
                activity_id,
                activity_name,
                b,
            )
        }
        AuditEvent::Registry(_)
        | AuditEvent::Decommission(_)
        | AuditEvent::Request(_)
        | AuditEvent::Custom(_) => {
            let operation = match &entry.event {
                AuditEvent::Registry(map) => map
                    .get("event")
                    .and_then(Value::as_str)
                    .unwrap_or("registry-change")
                    .to_string(),
                AuditEvent::Decommission(d) => format!("decommission-{}", d.mode),
                AuditEvent::Request(r) => format!("request-{}", r.operation),
                _ => "custom".to_string(),
            };
            let activity = if operation.ends_with("created")
                || operation.ends_with("registered")
                || operation.ends_with("attached")
                || operation.ends_with("added")
            {
                (1, "Create")
            } else if operation.starts_with("decommission") {
                (4, "Delete")
            } else {
                (3, "Update")
            };
            b.insert("status_id".into(), json!(1));
            b.insert("status".into(), json!("Success"));
            b.insert("message".into(), json!(format!("{actor}: {operation}")));
            b.insert(
                "actor".into(),
                json!({"user": {"uid": actor, "name": actor, "type_id": 1, "type": "User"}}),
            );
            b.insert("api".into(), json!({"operation": operation, "service": {"name": "aigov", "version": ctx.product_version}}));
            b.insert(
                "src_endpoint".into(),
                json!({"hostname": ctx.hostname, "svc_name": "aigov"}),
            );
            if let AuditEvent::Decommission(d) = &entry.event {
                b.insert(
                    "resources".into(),
                    json!([model_resource(
                        d.model.name.as_str(),
                        d.model.version.get(),
                        &d.model.root.to_string()
                    )]),
                );
            }
            let payload = serde_json::to_value(&entry.event).unwrap_or(Value::Null);
            b.insert(
                "unmapped".into(),
                json!({"aigov": {"payload": payload["payload"]}}),
            );
            (
                6003,
                "API Activity",
                6,
                "Application Activity",
                activity.0,
                activity.1,
                b,
            )
        }
    }
}
