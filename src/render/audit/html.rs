//! The audit as one self-contained HTML page (no external scripts, fonts or styles, so
//! it opens offline and can be attached to a ticket), made to be put on the screen in
//! a team's monthly meeting: readable at 1,280 pixels without horizontal scrolling
//! (long paths and keys wrap), summary cards, a chart of flags by age and state, a
//! sortable table of every flag (with a sparkline of daily evaluations when usage data
//! was given) and the cleanup plans, collapsed per flag.

mod chart;

use crate::audit::{Added, Audit, Change, FindingBrief, FlagEntry, Location, per_line};
use crate::diag::{Code, Severity};
use crate::text::plural;
use crate::usage::{DayCount, Window};
use std::collections::BTreeMap;
use std::fmt::Write;

pub use chart::chart;

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

// Every text container may break long words (`overflow-wrap:anywhere` also lets
// table columns shrink below a long path's width), so nothing scrolls sideways.
const STYLE: &str = "*{box-sizing:border-box}
body{font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;color:#1f2328;background:#fff}
main{max-width:1200px;margin:0 auto;padding:1.5rem 1.5rem 3rem}
h1{font-size:1.75rem;margin:.3rem 0}h2{font-size:1.3rem;margin:2.2rem 0 .8rem;border-bottom:1px solid #d0d7de;padding-bottom:.3rem}
h3{font-size:1.05rem;margin:1.4rem 0 .5rem}p,li,summary{overflow-wrap:anywhere}
.sub{color:#57606a;margin:.2rem 0 1rem}
code{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f6f8fa;padding:.05rem .3rem;border-radius:4px;overflow-wrap:anywhere}
.cards{display:flex;flex-wrap:wrap;gap:.7rem;margin:1rem 0}
.card{border:1px solid #d0d7de;border-radius:8px;padding:.5rem 1rem;min-width:8.5rem}
.card b{display:block;font-size:1.8rem;line-height:1.2}
.card.error{border-color:#ff8182;background:#fff5f5}.card.warning{border-color:#d4a72c;background:#fffdf0}
.good b{color:#1a7f37}.fair b{color:#9a6700}.poor b{color:#cf222e}
.facts{padding-left:1.2rem;margin:.5rem 0}.facts li{margin:.2rem 0}
.chart{margin:0}.chart svg{display:block;width:100%;max-width:860px;height:auto}
.chart text{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}
.legend{display:flex;flex-wrap:wrap;gap:.3rem 1.4rem;list-style:none;padding:0;margin:.3rem 0 0 4rem}
.swatch{display:inline-block;width:.85rem;height:.85rem;border-radius:2px;margin-right:.4rem;vertical-align:-1px}
table{border-collapse:collapse;width:100%;font-size:14px}.wide{overflow-x:auto;margin:.6rem 0}
th,td{border-bottom:1px solid #d0d7de;padding:.35rem .4rem;text-align:left;vertical-align:top}
th{background:#f6f8fa;cursor:pointer;user-select:none;font-weight:600}
th[aria-sort=ascending]::after{content:' \\25B2'}th[aria-sort=descending]::after{content:' \\25BC'}
td.key{min-width:12rem}.small{font-size:12px}.late{color:#cf222e}td.num,th.num{text-align:right}.nw,td.num{white-space:nowrap}tbody tr:hover{background:#f6f8fa}
.badge{display:inline-block;font-size:12px;line-height:1.6;padding:0 .5rem;border-radius:999px;margin:.1rem .3rem .1rem 0;white-space:nowrap;border:1px solid}
.badge.error{color:#a40e26;background:#ffebe9;border-color:#ff8182}
.badge.warning{color:#7d4e00;background:#fff8c5;border-color:#d4a72c}
.none{color:#8c959f}.spark{display:block}
details.plan{border:1px solid #d0d7de;border-left:4px solid #0969da;border-radius:6px;margin:.5rem 0;padding:.45rem .9rem}
details.plan>summary{cursor:pointer}details.plan[open]>summary{margin-bottom:.4rem}
.muted{color:#57606a}.edits{padding-left:1.6rem}.edits li{margin:.2rem 0}
button{font:inherit;border:1px solid #d0d7de;border-radius:6px;background:#f6f8fa;padding:.2rem .8rem;cursor:pointer}
.note{background:#fff8c5;border:1px solid #d4a72c;padding:.5rem 1rem;border-radius:6px}";

// Sorts a table by the clicked column: numbers numerically (data-sort when present),
// everything else as text; and opens or closes every cleanup plan at once. Kept tiny
// and inline so the file works offline.
const SCRIPT: &str = "document.querySelectorAll('table.sortable th').forEach(function(th,i){th.addEventListener('click',function(){var t=th.closest('table'),b=t.tBodies[0],r=Array.from(b.rows),d=th.getAttribute('aria-sort')==='ascending'?-1:1;t.querySelectorAll('th').forEach(function(h){h.removeAttribute('aria-sort')});th.setAttribute('aria-sort',d>0?'ascending':'descending');function v(x){var c=x.cells[i],s=c.getAttribute('data-sort');return s!==null?s:c.textContent.trim()}r.sort(function(a,c){var x=v(a),y=v(c),p=parseFloat(x),q=parseFloat(y);if(!isNaN(p)&&!isNaN(q))return (p-q)*d;return x.localeCompare(y)*d});r.forEach(function(x){b.appendChild(x)})})});
document.querySelectorAll('button[data-plans]').forEach(function(b){b.addEventListener('click',function(){var d=Array.from(document.querySelectorAll('details.plan')),o=!d.every(function(x){return x.open});d.forEach(function(x){x.open=o})})});";

/// Renders the report.
pub fn render(audit: &Audit) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Feature flag audit — {}</title><style>{STYLE}</style></head><body><main>\n",
        audit.today
    );
    header(&mut s, audit);
    summary(&mut s, audit);
    let _ = write!(
        s,
        "<h2>Flags by age and state</h2>\n{}\n",
        chart::chart(audit)
    );
    flags_table(&mut s, audit);
    plans(&mut s, audit);
    undefined(&mut s, &audit.undefined);
    let _ = write!(s, "</main><script>{SCRIPT}</script>\n</body></html>\n");
    s
}

/// Title and what was audited.
fn header(s: &mut String, audit: &Audit) {
    let _ = write!(
        s,
        "<h1>Feature flag audit — {}</h1>\n<p class=\"sub\">Flags file <code>{}</code>",
        audit.today,
        escape(&audit.file)
    );
    if let Some(service) = &audit.service {
        let _ = write!(s, " of service <code>{}</code>", escape(service));
    }
    if !audit.roots.is_empty() {
        let roots: Vec<String> = audit
            .roots
            .iter()
            .map(|r| format!("<code>{}</code>", escape(r)))
            .collect();
        let _ = write!(s, "; code scanned: {}", roots.join(", "));
    }
    if let Some(w) = &audit.usage_window {
        let _ = write!(s, "; {}", window_text(w));
    }
    s.push_str(".</p>\n");
    if let Some(reason) = &audit.history_unavailable {
        let _ = writeln!(
            s,
            "<p class=\"note\">Git history unavailable: {}</p>",
            escape(reason)
        );
    }
}

/// What the usage data covers, in words.
fn window_text(w: &Window) -> String {
    format!(
        "usage data from {} to {} ({} days)",
        w.first_day(),
        w.last_day(),
        w.days()
    )
}

/// The severity a finding kind is reported with.
fn severity_of(kind: &str) -> Severity {
    Code::parse(kind).map_or(Severity::Warning, Code::severity)
}

/// Health, flag count and one card per finding kind, then the summary facts.
fn summary(s: &mut String, audit: &Audit) {
    let sum = &audit.summary;
    let grade = match sum.health {
        80.. => "good",
        50..=79 => "fair",
        _ => "poor",
    };
    s.push_str("<h2>Summary</h2>\n<div class=\"cards\">");
    let _ = write!(
        s,
        "<div class=\"card {grade}\" id=\"health\" title=\"100 minus the share of flags with a stale finding\"><b>{}%</b>health</div>",
        sum.health
    );
    let _ = write!(s, "<div class=\"card\"><b>{}</b>flags</div>", sum.flags);
    for (kind, n) in &sum.findings {
        let title = Code::parse(kind).map_or("", Code::summary);
        let _ = write!(
            s,
            "<div class=\"card {}\" title=\"{}\"><b>{n}</b>{}</div>",
            severity_of(kind),
            escape(title),
            escape(kind)
        );
    }
    s.push_str("</div>\n<ul class=\"facts\">");
    let _ = write!(
        s,
        "<li>By type: {}</li><li>By state: {}</li>",
        counts(&sum.by_type),
        counts(&sum.by_state)
    );
    let added = match audit.added() {
        Added::Unknown => changes(None),
        Added::Adopted { on, flags } => format!(
            "{} (<code>{}</code> was added on {on})",
            plural(flags, "flag"),
            escape(&audit.file)
        ),
        Added::Flags(list) => changes(Some(list)),
    };
    let _ = write!(s, "<li>Added in the last 30 days: {added}</li>");
    let _ = write!(
        s,
        "<li>Removed in the last 30 days: {}</li>",
        changes(sum.removed_last_30_days.as_deref())
    );
    let oldest: Vec<String> = sum
        .oldest_temporary
        .iter()
        .map(|a| format!("<code>{}</code> ({} days)", escape(&a.flag), a.age_days))
        .collect();
    let oldest = if oldest.is_empty() {
        "none".to_string()
    } else {
        oldest.join(", ")
    };
    let _ = writeln!(s, "<li>Oldest temporary flags: {oldest}</li></ul>");
}

fn counts(m: &BTreeMap<String, usize>) -> String {
    if m.is_empty() {
        return "none".into();
    }
    m.iter()
        .map(|(k, v)| format!("{} {v}", escape(k)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Flag changes in a summary line; `None`: no history to tell.
fn changes(list: Option<&[Change]>) -> String {
    match list {
        None => "unknown (no history)".into(),
        Some([]) => "none".into(),
        Some(v) => v
            .iter()
            .map(|c| {
                format!(
                    "<code>{}</code> ({}, {})",
                    escape(&c.flag),
                    c.date,
                    escape(&c.author)
                )
            })
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// The sortable table of every flag.
fn flags_table(s: &mut String, audit: &Audit) {
    let usage = audit.usage_window;
    s.push_str("<h2>All flags</h2>\n<div class=\"wide\"><table class=\"sortable\" id=\"flags\"><thead><tr><th>flag</th><th>owner</th><th>type</th><th class=\"num\">age (days)</th><th>expires</th><th>state</th><th class=\"num\">refs</th>");
    if usage.is_some() {
        s.push_str("<th>last evaluated</th><th>evaluations per day</th>");
    }
    s.push_str("<th>findings</th></tr></thead><tbody>\n");
    for (owner, f) in audit.entries() {
        row(s, owner, f, usage.as_ref());
    }
    s.push_str("</tbody></table></div>\n");
}

/// Finding badges: the kind, with the message as a tooltip.
fn badges(findings: &[FindingBrief]) -> String {
    if findings.is_empty() {
        return "<span class=\"none\">none</span>".into();
    }
    findings
        .iter()
        .map(|x| {
            format!(
                "<span class=\"badge {}\" title=\"{}\">{}</span>",
                x.severity,
                escape(&x.message),
                x.kind.as_str()
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn row(s: &mut String, owner: &str, f: &FlagEntry, usage: Option<&Window>) {
    let age = f.age_days.map_or_else(
        || "<td class=\"num\" data-sort=\"\">-</td>".to_string(),
        |d| format!("<td class=\"num\">{d}</td>"),
    );
    let _ = write!(
        s,
        "<tr data-flag=\"{}\"><td class=\"key\"><code>{}</code></td><td>{}</td><td>{}</td>{age}{}<td>{}</td><td class=\"num\">{}</td>",
        escape(&f.flag),
        escape(&f.flag),
        escape(owner),
        f.flag_type.map_or("-", |t| t.as_str()),
        expires(f),
        f.state,
        f.references,
    );
    if let Some(window) = usage {
        let evaluations = f.usage.as_ref().map_or(0, |u| u.evaluations);
        let daily = f.usage.as_ref().map_or(&[][..], |u| u.daily.as_slice());
        let _ = write!(
            s,
            "<td class=\"nw\">{}</td><td data-sort=\"{evaluations}\">{}</td>",
            super::last_evaluated(f),
            sparkline(window, daily, evaluations)
        );
    }
    let _ = writeln!(s, "<td>{}</td></tr>", badges(&f.findings));
}

/// The expiry cell: the date, the days left under it; sorted by days left.
fn expires(f: &FlagEntry) -> String {
    let (Some(date), Some(left)) = (f.expires, f.days_left) else {
        return "<td data-sort=\"\">-</td>".into();
    };
    let days = |n: i64| {
        if n == 1 {
            "1 day".to_string()
        } else {
            format!("{n} days")
        }
    };
    let (class, when) = match left {
        ..0 => ("late", format!("{} ago", days(-left))),
        0 => ("late", "today".to_string()),
        _ => ("muted", format!("in {}", days(left))),
    };
    format!(
        "<td class=\"nw\" data-sort=\"{left}\">{date}<div class=\"{class} small\">{when}</div></td>"
    )
}

/// Points of the sparkline: at most this many, so a year of data stays small.
const SPARK_POINTS: i64 = 90;

/// A small inline chart of evaluations per day over the usage window (per several
/// days when the window is long), with the figures in its tooltip.
pub fn sparkline(window: &Window, daily: &[DayCount], total: u64) -> String {
    let (w, h) = (100.0, 26.0);
    let days = window.days().max(1);
    let per = (days + SPARK_POINTS - 1) / SPARK_POINTS;
    let points = ((days + per - 1) / per).max(1);
    let mut sums = vec![0u64; usize::try_from(points).unwrap_or(1)];
    for d in daily {
        let i = (d.date - window.first_day()).num_days() / per;
        if let Some(slot) = usize::try_from(i).ok().and_then(|i| sums.get_mut(i)) {
            *slot += d.count;
        }
    }
    let max = sums.iter().copied().max().unwrap_or(0).max(1) as f64;
    let y = |v: u64| h - 2.0 - (v as f64 / max) * (h - 4.0);
    let line = match sums.as_slice() {
        [one] => format!("1,{y:.1} {:.1},{y:.1}", w - 1.0, y = y(*one)),
        _ => {
            let step = (w - 2.0) / (sums.len() - 1) as f64;
            sums.iter()
                .enumerate()
                .map(|(i, v)| format!("{:.1},{:.1}", 1.0 + step * i as f64, y(*v)))
                .collect::<Vec<_>>()
                .join(" ")
        }
    };
    let unit = if per == 1 {
        "per day".to_string()
    } else {
        format!("per {per} days")
    };
    let busiest = sums.iter().copied().max().unwrap_or(0);
    let label = format!(
        "{total} evaluations from {} to {}; at most {busiest} {unit}",
        window.first_day(),
        window.last_day()
    );
    let color = if total == 0 { "#8c959f" } else { "#0969da" };
    format!(
        "<svg class=\"spark\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{label}\"><title>{label}</title><polyline points=\"{line}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"1.5\" stroke-linejoin=\"round\"/></svg>"
    )
}

/// A code line as quoted in a plan, cut (the whole line in its tooltip) when it is
/// very long.
fn snippet(line: &str) -> String {
    match super::clip(line) {
        (all, false) => format!("<code>{}</code>", escape(all)),
        (cut, true) => format!("<code title=\"{}\">{}</code> …", escape(line), escape(cut)),
    }
}

/// Text with code marked by backticks (finding messages, actions) as HTML.
fn prose(message: &str) -> String {
    let parts: Vec<&str> = message.split('`').collect();
    if parts.len() % 2 == 0 {
        return escape(message);
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            if i % 2 == 1 {
                format!("<code>{}</code>", escape(p))
            } else {
                escape(p)
            }
        })
        .collect()
}

/// The cleanup plans, one collapsed block per flag, grouped by owner.
fn plans(s: &mut String, audit: &Audit) {
    if !audit.entries().any(|(_, f)| f.plan.is_some()) {
        return;
    }
    s.push_str("<h2>Cleanup plans</h2>\n<p><button type=\"button\" data-plans>Open or close every plan</button></p>\n");
    for section in &audit.owners {
        let planned: Vec<&FlagEntry> = section.flags.iter().filter(|f| f.plan.is_some()).collect();
        if planned.is_empty() {
            continue;
        }
        let _ = writeln!(s, "<h3>{}</h3>", escape(&section.owner));
        for f in planned {
            plan(s, f);
        }
    }
}

fn plan(s: &mut String, f: &FlagEntry) {
    let Some(p) = &f.plan else { return };
    let lines = p.lines();
    let places = super::places(lines.len());
    let _ = write!(
        s,
        "<details class=\"plan\" id=\"plan-{}\"><summary><code>{}</code> {} <span class=\"muted\">· {places}</span></summary>",
        escape(&f.flag),
        escape(&f.flag),
        badges(&f.findings)
    );
    s.push_str("<ul>");
    for finding in &f.findings {
        let _ = write!(
            s,
            "<li><b>{}</b>: {}</li>",
            finding.kind.as_str(),
            prose(&finding.message)
        );
    }
    let _ = write!(s, "</ul><p><b>Action:</b> {}</p>", prose(&p.action));
    if let Some(keep) = super::keep_text(p) {
        let _ = write!(s, "<p><b>Keep:</b> {}</p>", escape(&keep));
    }
    s.push_str("<ol class=\"edits\">");
    for e in lines {
        let _ = write!(
            s,
            "<li><code>{}</code> {}</li>",
            escape(&e.display()),
            snippet(&e.text)
        );
    }
    if let Some(c) = &p.cleanup_command {
        let _ = write!(s, "<li>or all at once: <code>{}</code></li>", escape(c));
    }
    let _ = writeln!(
        s,
        "<li>then run <code>{}</code></li></ol></details>",
        escape(&p.remove_command)
    );
}

/// Keys the code uses that flags.yaml does not define.
fn undefined(s: &mut String, locations: &[Location]) {
    if locations.is_empty() {
        return;
    }
    s.push_str("<h2>Referenced but not defined</h2>\n<p>Code uses these keys, but flags.yaml does not define them (a typo, or a flag deleted too early):</p>\n<ul>");
    for u in per_line(locations) {
        let _ = write!(
            s,
            "<li><code>{}</code> at <code>{}</code>: {}</li>",
            escape(&u.flag),
            escape(&u.display()),
            snippet(&u.text)
        );
    }
    s.push_str("</ul>\n");
}
