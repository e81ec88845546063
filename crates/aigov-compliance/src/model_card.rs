//! A model card in Markdown with YAML front matter, in the Hugging Face model-card layout
//! (front matter with `model-index` results, then Model Details, Uses, Bias, Risks and
//! Limitations, Training Details, Evaluation, Governance).

use crate::Dossier;
use crate::mlbom::limitations;

/// YAML scalars are written as JSON strings, which YAML reads unchanged.
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into())
}

/// The model card of a dossier.
pub fn model_card(d: &Dossier) -> String {
    let v = &d.version;
    let mut out = String::from("---\n");
    out += "license: other\n";
    out += &format!("model_name: {}\n", quoted(&v.reference()));
    out += &format!(
        "tags: [{}]\n",
        ["security", "tabular-classification", "aigov"]
            .iter()
            .map(|t| quoted(t))
            .collect::<Vec<_>>()
            .join(", ")
    );
    out += &format!(
        "datasets: [{}]\n",
        v.lineage
            .datasets
            .iter()
            .map(|ds| quoted(&ds.name))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if let Some(p) = &d.performance {
        out += "model-index:\n";
        out += &format!("- name: {}\n", quoted(v.name.as_ref()));
        out += "  results:\n";
        out += "  - task:\n      type: tabular-classification\n";
        out += &format!(
            "    dataset:\n      name: {}\n      type: hold-out\n",
            quoted(&format!("hold-out ({} rows)", p.report.n))
        );
        out += "    metrics:\n";
        for (name, metric) in [
            ("roc_auc", &p.report.roc_auc),
            ("average_precision", &p.report.average_precision),
            ("precision", &p.report.precision),
            ("recall", &p.report.recall),
            ("false_positive_rate", &p.report.false_positive_rate),
        ] {
            if let Some(value) = metric.value() {
                out += &format!("    - type: {name}\n      value: {value}\n");
            }
        }
    }
    out += &format!(
        "aigov:\n  root: {}\n  stage: {}\n",
        quoted(&v.root.to_string()),
        v.stage
    );
    out += "---\n\n";

    out += &format!("# Model card: {}\n\n", v.reference());
    out += "## Model Details\n\n";
    out += &format!("- **Description:** {}\n", d.model.description);
    out += &format!("- **Owner:** {}\n", d.model.owner);
    out += &format!(
        "- **Registered by:** {} on {}\n",
        v.created_by,
        v.created_at.to_rfc3339()
    );
    out += &format!(
        "- **Trained by:** {}\n",
        v.lineage
            .trained_by
            .as_ref()
            .map_or("not recorded".into(), ToString::to_string)
    );
    out += &format!(
        "- **Root digest:** `{}` ({} file(s))\n",
        v.root,
        v.files.len()
    );
    out += &format!("- **Stage:** {}\n", v.stage);
    out += &format!(
        "- **Risk class (EU AI Act):** {}\n\n",
        serde_json::to_value(d.model.risk_class)
            .ok()
            .and_then(|r| r.as_str().map(str::to_string))
            .unwrap_or_default()
    );

    out += "## Uses\n\n";
    out += &format!("- **Intended use:** {}\n", d.model.intended_purpose);
    out += "- **Out of scope:** any use other than the intended purpose; decisions about a person without the human review path.\n\n";

    out += "## Bias, Risks, and Limitations\n\n";
    match &d.fairness {
        Some(f) => {
            out += &format!(
                "Fairness audit: verdict **{:?}** over {} group(s).\n\n",
                f.report.verdict,
                f.report.groups.len()
            );
            out += "| group | false-positive rate | 95% interval | rows |\n| --- | --- | --- | --- |\n";
            for g in &f.report.groups {
                let name = g
                    .group
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let fpr = g.rates.get("fpr");
                out += &format!(
                    "| {name} | {} | {} | {} |\n",
                    fpr.and_then(|r| r.rate.value())
                        .map_or("insufficient evidence".into(), |v| format!("{v:.4}")),
                    fpr.and_then(|r| r.interval)
                        .map_or("-".into(), |i| format!("{:.4} to {:.4}", i.lower, i.upper)),
                    g.counts.rows
                );
            }
            out += "\n";
        }
        None => out += "No fairness audit is attached.\n\n",
    }
    for limitation in limitations(d) {
        out += &format!("- {limitation}\n");
    }
    out += "\n## Training Details\n\n";
    if v.lineage.datasets.is_empty() {
        out += "No training dataset is recorded.\n";
    }
    for ds in &v.lineage.datasets {
        out += &format!(
            "- {} (`{}`), {}, licence {}, PII redacted: {}\n",
            ds.name, ds.digest, ds.uri, ds.license, ds.pii_redacted
        );
    }
    if let Some(code) = &v.lineage.code {
        out += &format!("- Code: {} at `{}`\n", code.repository, code.commit);
    }
    out += "\n## Evaluation\n\n";
    match &d.performance {
        Some(p) => {
            let r = &p.report;
            out += &format!(
                "Hold-out of {} rows ({} malicious), threshold {}:\n\n| metric | value |\n| --- | --- |\n",
                r.n, r.positives, r.options.threshold
            );
            for (name, metric) in [
                ("ROC AUC", &r.roc_auc),
                ("average precision", &r.average_precision),
                ("precision", &r.precision),
                ("recall", &r.recall),
                ("F1", &r.f1),
                ("false-positive rate", &r.false_positive_rate),
            ] {
                out += &format!(
                    "| {name} | {} |\n",
                    metric
                        .value()
                        .map_or("undefined".into(), |v| format!("{v:.4}"))
                );
            }
            out += &format!("\nEvidence digest `{}`.\n", p.reference.digest);
        }
        None => out += "No performance evidence is attached.\n",
    }
    out += "\n## Governance\n\n";
    let valid: Vec<_> = d
        .approvals
        .iter()
        .filter_map(|c| c.is_valid().then_some(c.predicate.as_ref()).flatten())
        .collect();
    if valid.is_empty() {
        out += "- No valid signed approval.\n";
    }
    for p in valid {
        out += &format!(
            "- Approved for {} by {} as {} (expires {})\n",
            p.stage,
            p.approver,
            p.role,
            p.expires_at.to_rfc3339()
        );
    }
    out += &format!(
        "- {} decision(s) recorded, {} human review(s), {} override(s); {} incident(s).\n",
        d.log.decisions,
        d.log.reviews.len(),
        d.log.overrides,
        d.incidents.len()
    );
    out
}
