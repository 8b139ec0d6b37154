//! The audit as one self-contained HTML file: no external scripts, fonts or styles, so
//! it opens offline and can be attached to a ticket. A summary, a chart of flags by
//! age and state drawn as inline SVG, a sortable table of every flag, and the cleanup
//! plans per owner.

use crate::audit::{Audit, FlagEntry};
use std::fmt::Write;

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem auto;max-width:1200px;padding:0 1rem;color:#1f2328}
h1{font-size:1.6rem}h2{margin-top:2rem;border-bottom:1px solid #d0d7de;padding-bottom:.3rem}
.cards{display:flex;flex-wrap:wrap;gap:.8rem}.card{border:1px solid #d0d7de;border-radius:6px;padding:.6rem 1rem;min-width:9rem}
.card b{display:block;font-size:1.5rem}table{border-collapse:collapse;width:100%;margin:.8rem 0}
th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa;cursor:pointer;user-select:none}th[aria-sort=ascending]::after{content:' \\25B2'}th[aria-sort=descending]::after{content:' \\25BC'}
td.num{text-align:right}.error{color:#cf222e;font-weight:600}.warning{color:#9a6700}
code{background:#f6f8fa;padding:0 .25rem;border-radius:4px}.plan{border-left:3px solid #0969da;padding-left:1rem;margin:1rem 0}
.note{background:#fff8c5;border:1px solid #d4a72c;padding:.5rem 1rem;border-radius:6px}";

// Sorts a table by the clicked column: numbers numerically (data-sort when present),
// everything else as text. Kept tiny and inline so the file works offline.
const SCRIPT: &str = "document.querySelectorAll('table.sortable th').forEach(function(th,i){th.addEventListener('click',function(){var t=th.closest('table'),b=t.tBodies[0],r=Array.from(b.rows),d=th.getAttribute('aria-sort')==='ascending'?-1:1;t.querySelectorAll('th').forEach(function(h){h.removeAttribute('aria-sort')});th.setAttribute('aria-sort',d>0?'ascending':'descending');function v(x){var c=x.cells[i],s=c.getAttribute('data-sort');return s!==null?s:c.textContent.trim()}r.sort(function(a,c){var x=v(a),y=v(c),p=parseFloat(x),q=parseFloat(y);if(!isNaN(p)&&!isNaN(q))return (p-q)*d;return x.localeCompare(y)*d});r.forEach(function(x){b.appendChild(x)})})});";

/// Age buckets of the chart, in days (upper bound exclusive).
const BUCKETS: [(&str, i64); 6] = [
    ("< 30 days", 30),
    ("30–90 days", 90),
    ("90–180 days", 180),
    ("180–365 days", 365),
    ("> 1 year", i64::MAX),
    ("unknown", i64::MIN),
];

/// States of the chart with their colors.
const STATES: [(&str, &str); 5] = [
    ("on", "#1a7f37"),
    ("partial", "#0969da"),
    ("targeted", "#8250df"),
    ("off", "#8c959f"),
    ("killed", "#cf222e"),
];

fn bucket(age: Option<i64>) -> usize {
    match age {
        None => BUCKETS.len() - 1,
        Some(days) => BUCKETS
            .iter()
            .position(|(_, max)| days < *max)
            .unwrap_or(BUCKETS.len() - 2),
    }
}

/// The stacked bar chart: one bar per age bucket, stacked by state.
pub fn chart(audit: &Audit) -> String {
    let mut counts = [[0usize; STATES.len()]; BUCKETS.len()];
    for (_, f) in audit.entries() {
        let s = STATES
            .iter()
            .position(|(n, _)| *n == f.state.group())
            .unwrap_or(0);
        counts[bucket(f.age_days)][s] += 1;
    }
    let max = counts
        .iter()
        .map(|b| b.iter().sum::<usize>())
        .max()
        .unwrap_or(0)
        .max(1);
    let (w, h, left, bottom, top) = (640usize, 260usize, 40usize, 40usize, 20usize);
    let bar_w = (w - left) / BUCKETS.len();
    let plot_h = h - bottom - top;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg id="age-chart" xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" viewBox="0 0 {} {}" role="img" aria-label="Flags by age and state">"#,
        w + 140,
        h,
        w + 140,
        h
    );
    let _ = write!(
        svg,
        r##"<line x1="{left}" y1="{}" x2="{w}" y2="{}" stroke="#57606a"/>"##,
        h - bottom,
        h - bottom
    );
    let _ = write!(
        svg,
        r##"<text x="{}" y="{}" font-size="11" text-anchor="end" fill="#57606a">{max}</text>"##,
        left - 6,
        top + 4
    );
    for (b, (label, _)) in BUCKETS.iter().enumerate() {
        let x = left + b * bar_w + bar_w / 6;
        let bw = bar_w * 2 / 3;
        let mut y = h - bottom;
        for (s, (state, color)) in STATES.iter().enumerate() {
            let n = counts[b][s];
            if n == 0 {
                continue;
            }
            let bh = (n * plot_h).div_ceil(max);
            y -= bh;
            let _ = write!(
                svg,
                r#"<rect class="bar" data-state="{state}" data-bucket="{label}" x="{x}" y="{y}" width="{bw}" height="{bh}" fill="{color}"><title>{label}: {n} {state}</title></rect>"#
            );
        }
        let total: usize = counts[b].iter().sum();
        if total > 0 {
            let _ = write!(
                svg,
                r#"<text x="{}" y="{}" font-size="11" text-anchor="middle">{total}</text>"#,
                x + bw / 2,
                y.saturating_sub(4)
            );
        }
        let _ = write!(
            svg,
            r#"<text x="{}" y="{}" font-size="11" text-anchor="middle">{label}</text>"#,
            x + bw / 2,
            h - bottom + 16
        );
    }
    for (s, (state, color)) in STATES.iter().enumerate() {
        let y = top + s * 20;
        let _ = write!(
            svg,
            r#"<rect x="{}" y="{y}" width="12" height="12" fill="{color}"/><text x="{}" y="{}" font-size="12">{state}</text>"#,
            w + 20,
            w + 38,
            y + 10
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Renders the report.
pub fn render(audit: &Audit) -> String {
    let mut s = String::new();
    let sum = &audit.summary;
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Feature flag audit — {}</title><style>{STYLE}</style></head><body>\n",
        audit.today
    );
    let _ = write!(
        s,
        "<h1>Feature flag audit — {}</h1>\n<p>Flags file <code>{}</code>",
        audit.today,
        escape(&audit.file)
    );
    if let Some(service) = &audit.service {
        let _ = write!(s, " of service <code>{}</code>", escape(service));
    }
    s.push_str(".</p>\n");
    if let Some(reason) = &audit.history_unavailable {
        let _ = writeln!(
            s,
            "<p class=\"note\">Git history unavailable: {}</p>",
            escape(reason)
        );
    }
    s.push_str("<h2>Summary</h2>\n<div class=\"cards\">");
    let _ = write!(
        s,
        "<div class=\"card\" id=\"health\"><b>{}%</b>health</div>",
        sum.health
    );
    let _ = write!(s, "<div class=\"card\"><b>{}</b>flags</div>", sum.flags);
    for (kind, n) in &sum.findings {
        let _ = write!(s, "<div class=\"card\"><b>{n}</b>{}</div>", escape(kind));
    }
    s.push_str("</div>\n<ul>");
    let list = |m: &std::collections::BTreeMap<String, usize>| {
        m.iter()
            .map(|(k, v)| format!("{} {v}", escape(k)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = write!(
        s,
        "<li>By type: {}</li><li>By state: {}</li>",
        list(&sum.by_type),
        list(&sum.by_state)
    );
    let changes = |v: &[crate::audit::Change]| {
        if v.is_empty() {
            "none".to_string()
        } else {
            v.iter()
                .map(|c| {
                    format!(
                        "<code>{}</code> ({}, {})",
                        escape(&c.flag),
                        c.date,
                        escape(&c.author)
                    )
                })
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let _ = write!(
        s,
        "<li>Added in the last 30 days: {}</li>",
        changes(&sum.added_last_30_days)
    );
    let _ = write!(
        s,
        "<li>Removed in the last 30 days: {}</li>",
        changes(&sum.removed_last_30_days)
    );
    let oldest = sum
        .oldest_temporary
        .iter()
        .map(|a| format!("<code>{}</code> ({} days)", escape(&a.flag), a.age_days))
        .collect::<Vec<_>>()
        .join(", ");
    let _ = writeln!(
        s,
        "<li>Oldest temporary flags: {}</li></ul>",
        if oldest.is_empty() {
            "none".into()
        } else {
            oldest
        }
    );
    let _ = write!(s, "<h2>Flags by age and state</h2>\n{}\n", chart(audit));

    s.push_str("<h2>All flags</h2>\n<table class=\"sortable\" id=\"flags\"><thead><tr><th>flag</th><th>owner</th><th>type</th><th>age (days)</th><th>expires</th><th>days left</th><th>state</th><th>refs</th><th>findings</th></tr></thead><tbody>\n");
    for (owner, f) in audit.entries() {
        row(&mut s, owner, f);
    }
    s.push_str("</tbody></table>\n");

    for section in &audit.owners {
        let planned: Vec<&FlagEntry> = section.flags.iter().filter(|f| f.plan.is_some()).collect();
        if planned.is_empty() {
            continue;
        }
        let _ = writeln!(s, "<h2>Cleanup plan: {}</h2>", escape(&section.owner));
        for f in planned {
            plan(&mut s, f);
        }
    }
    if !audit.undefined.is_empty() {
        s.push_str("<h2>Referenced but not defined</h2>\n<ul>");
        for u in &audit.undefined {
            let _ = write!(
                s,
                "<li><code>{}</code> at <code>{}</code>: <code>{}</code></li>",
                escape(&u.flag),
                escape(&u.display()),
                escape(&u.text)
            );
        }
        s.push_str("</ul>\n");
    }
    let _ = write!(s, "<script>{SCRIPT}</script>\n</body></html>\n");
    s
}

fn row(s: &mut String, owner: &str, f: &FlagEntry) {
    let findings = f
        .findings
        .iter()
        .map(|x| {
            format!(
                "<span class=\"{}\" title=\"{}\">{}</span>",
                x.severity,
                escape(&x.message),
                x.kind.as_str()
            )
        })
        .collect::<Vec<_>>()
        .join(" ");
    let num = |v: Option<i64>| {
        v.map_or_else(
            || "<td class=\"num\" data-sort=\"\">-</td>".to_string(),
            |d| format!("<td class=\"num\">{d}</td>"),
        )
    };
    let _ = writeln!(
        s,
        "<tr data-flag=\"{}\"><td><code>{}</code></td><td>{}</td><td>{}</td>{}<td>{}</td>{}<td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
        escape(&f.flag),
        escape(&f.flag),
        escape(owner),
        f.flag_type.map_or("-", |t| t.as_str()),
        num(f.age_days),
        f.expires.map_or("-".into(), |d| d.to_string()),
        num(f.days_left),
        f.state,
        f.references,
        findings
    );
}

fn plan(s: &mut String, f: &FlagEntry) {
    let Some(p) = &f.plan else { return };
    let _ = write!(
        s,
        "<div class=\"plan\" id=\"plan-{}\"><h3><code>{}</code></h3><p>{}</p>",
        escape(&f.flag),
        escape(&f.flag),
        escape(&p.action)
    );
    if let Some(keep) = super::keep_text(p) {
        let _ = write!(s, "<p>Keep: {}</p>", escape(&keep));
    }
    s.push_str("<ol>");
    for e in &p.edits {
        let _ = write!(
            s,
            "<li><code>{}</code> — <code>{}</code></li>",
            escape(&e.display()),
            escape(&e.text)
        );
    }
    let _ = writeln!(
        s,
        "<li>then run <code>{}</code></li></ol></div>",
        escape(&p.remove_command)
    );
}
