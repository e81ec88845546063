//! The HTML report: one self-contained file (inline CSS, charts as inline SVG drawn with
//! plotters, nothing fetched) holding the Annex IV documentation, ROC and precision-recall
//! curves, per-group rates with their intervals, reference vs current distributions of the
//! drifted features, the approval chain and the incident timeline.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::annex_iv::{Item, Status};
use crate::{AnnexIv, Dossier};

type Drawn = Result<(), Box<dyn std::error::Error>>;

/// Escapes text for HTML element content and attribute values.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Draws into an SVG string; a chart that fails to draw becomes a note, never a broken page.
fn svg(
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> Drawn,
) -> String {
    let mut buffer = String::new();
    let result = {
        let root = SVGBackend::with_string(&mut buffer, size).into_drawing_area();
        root.fill(&WHITE)
            .map_err(|e| e.to_string())
            .and_then(|()| draw(&root).map_err(|e| e.to_string()))
            .and_then(|()| root.present().map_err(|e| e.to_string()))
    };
    match result {
        Ok(()) => buffer,
        Err(e) => format!("<p class=\"note\">chart not drawn: {}</p>", esc(&e)),
    }
}

fn curve(title: &str, x_label: &str, y_label: &str, points: &[[f64; 2]], diagonal: bool) -> String {
    svg((420, 340), |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, ("sans-serif", 16))
            .margin(10)
            .x_label_area_size(36)
            .y_label_area_size(44)
            .build_cartesian_2d(0f64..1f64, 0f64..1.02f64)?;
        chart
            .configure_mesh()
            .x_desc(x_label)
            .y_desc(y_label)
            .draw()?;
        if diagonal {
            chart.draw_series(LineSeries::new(
                vec![(0.0, 0.0), (1.0, 1.0)],
                &RGBColor(180, 180, 180),
            ))?;
        }
        chart.draw_series(LineSeries::new(
            points.iter().map(|p| (p[0], p[1])),
            BLUE.stroke_width(2),
        ))?;
        Ok(())
    })
}

fn group_rates(d: &Dossier, rate: &str, title: &str) -> Option<String> {
    let f = d.fairness.as_ref()?;
    let rows: Vec<(String, f64, f64, f64)> = f
        .report
        .groups
        .iter()
        .filter_map(|g| {
            let r = g.rates.get(rate)?;
            let (value, interval) = (r.rate.value()?, r.interval?);
            let name = g
                .group
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(",");
            Some((name, interval.lower, value, interval.upper))
        })
        .collect();
    if rows.is_empty() {
        return None;
    }
    let top = rows.iter().map(|r| r.3).fold(0.0f64, f64::max).max(0.01) * 1.15;
    let names: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    Some(svg((420, 340), |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, ("sans-serif", 16))
            .margin(10)
            .x_label_area_size(44)
            .y_label_area_size(50)
            .build_cartesian_2d(-0.5f64..(rows.len() as f64 - 0.5), 0f64..top)?;
        chart
            .configure_mesh()
            .x_labels(rows.len())
            .x_label_formatter(&|x| {
                let i = x.round();
                if (x - i).abs() < 1e-9 && i >= 0.0 {
                    names.get(i as usize).cloned().unwrap_or_default()
                } else {
                    String::new()
                }
            })
            .y_desc("rate (95% Wilson interval)")
            .draw()?;
        chart.draw_series(
            rows.iter()
                .enumerate()
                .map(|(i, r)| ErrorBar::new_vertical(i as f64, r.1, r.2, r.3, BLUE.filled(), 12)),
        )?;
        Ok(())
    }))
}

fn histogram(h: &crate::AlertHistogram) -> String {
    let share = |counts: &[u64]| -> Vec<f64> {
        let total: u64 = counts.iter().sum();
        counts
            .iter()
            .map(|c| {
                if total == 0 {
                    0.0
                } else {
                    *c as f64 / total as f64
                }
            })
            .collect()
    };
    let (reference, current) = (share(&h.reference), share(&h.current));
    let top = reference
        .iter()
        .chain(&current)
        .fold(0.0f64, |a, b| a.max(*b))
        .max(0.01)
        * 1.15;
    let labels = h.labels.clone();
    svg((520, 340), |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(
                format!("{}: reference vs current", h.column),
                ("sans-serif", 16),
            )
            .margin(10)
            .x_label_area_size(44)
            .y_label_area_size(50)
            .build_cartesian_2d(0f64..labels.len() as f64, 0f64..top)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(labels.len().min(10) + 1)
            .x_label_formatter(&|x| labels.get(x.floor() as usize).cloned().unwrap_or_default())
            .y_desc("share of rows")
            .draw()?;
        chart
            .draw_series(reference.iter().enumerate().map(|(i, s)| {
                Rectangle::new(
                    [(i as f64 + 0.1, 0.0), (i as f64 + 0.5, *s)],
                    RGBColor(120, 144, 156).filled(),
                )
            }))?
            .label("reference")
            .legend(|(x, y)| {
                Rectangle::new(
                    [(x, y - 5), (x + 10, y + 5)],
                    RGBColor(120, 144, 156).filled(),
                )
            });
        chart
            .draw_series(current.iter().enumerate().map(|(i, s)| {
                Rectangle::new(
                    [(i as f64 + 0.5, 0.0), (i as f64 + 0.9, *s)],
                    RGBColor(230, 81, 0).filled(),
                )
            }))?
            .label("current")
            .legend(|(x, y)| {
                Rectangle::new([(x, y - 5), (x + 10, y + 5)], RGBColor(230, 81, 0).filled())
            });
        chart.configure_series_labels().border_style(BLACK).draw()?;
        Ok(())
    })
}

fn item_html(i: &Item) -> String {
    let (class, mark) = match i.status {
        Status::Evidenced => ("ok", "evidenced"),
        Status::Gap => ("gap", "GAP"),
    };
    let refs = if i.references.is_empty() {
        String::new()
    } else {
        format!(
            " <span class=\"refs\">[{}]</span>",
            esc(&i
                .references
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "))
        )
    };
    format!(
        "<li class=\"{class}\"><b>{}</b> <span class=\"mark\">{mark}</span>: {}{refs}</li>\n",
        esc(&i.requirement),
        esc(&i.text)
    )
}

/// The whole report as one HTML document.
pub fn html_report(d: &Dossier) -> String {
    let annex = AnnexIv::build(d);
    let mut body = String::new();
    body += &format!(
        "<h1>{}</h1>\n<p class=\"meta\">Root digest <code>{}</code> &middot; stage {} &middot; generated {}</p>\n",
        esc(&annex.model),
        esc(&annex.root),
        esc(&d.version.stage.to_string()),
        esc(&annex.generated_at)
    );
    let gaps = annex.gaps();
    body += &format!("<h2>Gaps ({})</h2>\n<ul>\n", gaps.len());
    for (place, requirement) in &gaps {
        body += &format!(
            "<li class=\"gap\">{}: {}</li>\n",
            esc(place),
            esc(requirement)
        );
    }
    body += "</ul>\n<h2>Charts</h2>\n<div class=\"charts\">\n";
    if let Some(curves) = d
        .performance
        .as_ref()
        .and_then(|p| p.report.curves.as_ref())
    {
        body += &format!(
            "<figure>{}</figure>\n",
            curve(
                "ROC curve",
                "false-positive rate",
                "true-positive rate",
                &curves.roc,
                true
            )
        );
        body += &format!(
            "<figure>{}</figure>\n",
            curve(
                "Precision-recall curve",
                "recall",
                "precision",
                &curves.precision_recall,
                false
            )
        );
    } else {
        body += "<p class=\"note\">No performance curves: no hold-out evidence with both classes.</p>\n";
    }
    match group_rates(d, "fpr", "False-positive rate by group") {
        Some(chart) => body += &format!("<figure>{chart}</figure>\n"),
        None => {
            body += "<p class=\"note\">No per-group rates: no fairness audit with intervals.</p>\n"
        }
    }
    if let Some(chart) = group_rates(d, "tpr", "True-positive rate by group") {
        body += &format!("<figure>{chart}</figure>\n");
    }
    for h in &d.log.histograms {
        body += &format!(
            "<figure>{}<figcaption>drift alert, audit #{}</figcaption></figure>\n",
            histogram(h),
            h.index
        );
    }
    if d.log.histograms.is_empty() {
        body += "<p class=\"note\">No drifted feature: no drift alert with distributions.</p>\n";
    }
    body += "</div>\n<h2>Approval chain</h2>\n<table>\n<tr><th>stage</th><th>role</th><th>approver</th><th>decision</th><th>issued</th><th>expires</th><th>verification</th></tr>\n";
    for check in &d.approvals {
        let verification = match &check.problem {
            None => "valid".to_string(),
            Some(p) => p.to_string(),
        };
        match &check.predicate {
            Some(p) => {
                body += &format!(
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{:?}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                    esc(&p.stage.to_string()),
                    esc(p.role.as_str()),
                    esc(p.approver.as_str()),
                    p.decision,
                    esc(&p.issued_at.to_rfc3339()),
                    esc(&p.expires_at.to_rfc3339()),
                    esc(&verification)
                )
            }
            None => {
                body += &format!(
                    "<tr><td colspan=\"7\">unreadable approval: {}</td></tr>\n",
                    esc(&verification)
                )
            }
        }
    }
    body += "</table>\n<h2>Incident timeline</h2>\n";
    if d.incidents.is_empty() {
        body += "<p>No incident names this version.</p>\n";
    }
    for incident in &d.incidents {
        body += &format!(
            "<h3>{}: {}</h3>\n<ol class=\"timeline\">\n",
            esc(&incident.id),
            esc(&incident.title)
        );
        for entry in &incident.timeline {
            let action = serde_json::to_value(&entry.action)
                .ok()
                .and_then(|a| a.get("action").and_then(|x| x.as_str()).map(str::to_string))
                .unwrap_or_else(|| "action".into());
            body += &format!(
                "<li><time>{}</time> {} by {}</li>\n",
                esc(&entry.at.to_rfc3339()),
                esc(&action),
                esc(entry.actor.as_str())
            );
        }
        body += "</ol>\n";
    }
    body += "<h2>Technical documentation (EU AI Act Annex IV)</h2>\n";
    for s in &annex.sections {
        body += &format!("<h3>{}. {}</h3>\n<ul>\n", s.number, esc(&s.title));
        for i in &s.items {
            body += &item_html(i);
        }
        body += "</ul>\n";
    }
    body += "<h2>Articles</h2>\n";
    for a in &annex.articles {
        body += &format!("<h3>{}: {}</h3>\n<ul>\n", esc(&a.article), esc(&a.title));
        for i in &a.items {
            body += &item_html(i);
        }
        body += "</ul>\n";
    }
    body += "<h2>Framework mapping</h2>\n<table>\n<tr><th>framework</th><th>id</th><th>requirement</th><th>status</th><th>evidence</th></tr>\n";
    for r in &annex.frameworks {
        body += &format!(
            "<tr class=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            if r.status == Status::Gap { "gap" } else { "ok" },
            esc(&r.framework),
            esc(&r.id),
            esc(&r.title),
            if r.status == Status::Gap {
                "gap"
            } else {
                "covered"
            },
            esc(&r.evidence)
        );
    }
    body += "</table>\n";
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>aigov report: {}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        esc(&annex.model)
    )
}

const STYLE: &str = "body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
h1{margin-bottom:.2em}.meta{color:#555}code{font-size:.9em}
.charts{display:flex;flex-wrap:wrap;gap:1em}figure{margin:0}figcaption{font-size:.8em;color:#555}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.3em .5em;font-size:.9em;text-align:left}
li.gap,tr.gap{color:#b00020}.mark{font-size:.8em;text-transform:uppercase}.refs{color:#666;font-size:.85em}
.note{color:#666;font-style:italic}ol.timeline time{font-family:monospace;margin-right:.5em}
";
