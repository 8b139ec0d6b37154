//! The chart of flags by age and state: one bar per age bucket, stacked by state,
//! drawn as inline SVG that scales to the page's width, with titled axes, a gridline
//! per tick, and a legend listing only the states that occur.

use crate::audit::Audit;
use std::fmt::Write;

/// Age buckets, in days since the flag was created (upper bound exclusive).
const BUCKETS: [(&str, i64); 5] = [
    ("under 30", 30),
    ("30–89", 90),
    ("90–179", 180),
    ("180–364", 365),
    ("365 and more", i64::MAX),
];

/// The bucket of flags whose creation date is unknown, drawn only when it has flags.
const UNKNOWN: &str = "unknown";

/// States, bottom of the stack first, with their colors.
const STATES: [(&str, &str); 5] = [
    ("on", "#1a7f37"),
    ("partial", "#0969da"),
    ("targeted", "#8250df"),
    ("off", "#8c959f"),
    ("killed", "#cf222e"),
];

/// The drawing's size in SVG units and the plot area's margins.
const WIDTH: f64 = 800.0;
const HEIGHT: f64 = 330.0;
const LEFT: f64 = 72.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 24.0;
const BOTTOM: f64 = 66.0;

/// Counts of flags per bucket (the five age buckets, then unknown) and state.
fn counts(audit: &Audit) -> [[usize; STATES.len()]; BUCKETS.len() + 1] {
    let mut counts = [[0usize; STATES.len()]; BUCKETS.len() + 1];
    for (_, f) in audit.entries() {
        let state = STATES
            .iter()
            .position(|(n, _)| *n == f.state.group())
            .unwrap_or(0);
        let bucket = match f.age_days {
            None => BUCKETS.len(),
            Some(days) => BUCKETS
                .iter()
                .position(|(_, max)| days < *max)
                .unwrap_or(BUCKETS.len() - 1),
        };
        counts[bucket][state] += 1;
    }
    counts
}

/// The tick step and the axis maximum for a largest bar of `max` flags: a step of 1,
/// 2 or 5 times a power of ten, giving three to five intervals.
fn ticks(max: usize) -> (usize, usize) {
    let mut magnitude = 1usize;
    loop {
        for m in [1, 2, 5] {
            let step = m * magnitude;
            if max.div_ceil(step) <= 5 {
                return (step, max.div_ceil(step).max(3) * step);
            }
        }
        magnitude = magnitude.saturating_mul(10);
    }
}

/// The chart and its legend.
pub fn chart(audit: &Audit) -> String {
    let counts = counts(audit);
    let mut buckets: Vec<(&str, [usize; STATES.len()])> = BUCKETS
        .iter()
        .zip(counts.iter())
        .map(|((label, _), c)| (*label, *c))
        .collect();
    if counts[BUCKETS.len()].iter().sum::<usize>() > 0 {
        buckets.push((UNKNOWN, counts[BUCKETS.len()]));
    }
    let max = buckets
        .iter()
        .map(|(_, c)| c.iter().sum::<usize>())
        .max()
        .unwrap_or(0);
    let (step, top) = ticks(max);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let y_of = |n: usize| TOP + plot_h - n as f64 / top as f64 * plot_h;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg id="age-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="age-chart-title"><title id="age-chart-title">Flags by age and state</title>"#
    );
    for tick in (0..=top).step_by(step) {
        let y = y_of(tick);
        let color = if tick == 0 { "#57606a" } else { "#d8dee4" };
        let _ = write!(
            svg,
            r##"<line x1="{LEFT}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="{color}"/><text x="{:.1}" y="{:.1}" font-size="13" text-anchor="end" fill="#57606a">{tick}</text>"##,
            LEFT + plot_w,
            LEFT - 10.0,
            y + 4.5
        );
    }
    let band = plot_w / buckets.len() as f64;
    let bar_w = band * 0.56;
    for (i, (label, c)) in buckets.iter().enumerate() {
        let x = LEFT + i as f64 * band + (band - bar_w) / 2.0;
        let mut below = 0;
        for (s, (state, color)) in STATES.iter().enumerate() {
            let n = c[s];
            if n == 0 {
                continue;
            }
            let (y0, y1) = (y_of(below), y_of(below + n));
            below += n;
            let _ = write!(
                svg,
                r#"<rect class="bar" data-state="{state}" data-bucket="{label}" x="{x:.1}" y="{y1:.1}" width="{bar_w:.1}" height="{:.1}" fill="{color}"><title>{label} days: {n} {state}</title></rect>"#,
                y0 - y1
            );
        }
        let cx = x + bar_w / 2.0;
        if below > 0 {
            let _ = write!(
                svg,
                r#"<text x="{cx:.1}" y="{:.1}" font-size="14" font-weight="600" text-anchor="middle">{below}</text>"#,
                y_of(below) - 6.0
            );
        }
        let _ = write!(
            svg,
            r##"<text x="{cx:.1}" y="{:.1}" font-size="14" text-anchor="middle" fill="#1f2328">{label}</text>"##,
            TOP + plot_h + 22.0
        );
    }
    let _ = write!(
        svg,
        r##"<text x="{:.1}" y="{:.1}" font-size="14" font-weight="600" text-anchor="middle" fill="#1f2328">Age (days since the flag was created)</text>"##,
        LEFT + plot_w / 2.0,
        HEIGHT - 12.0
    );
    let _ = write!(
        svg,
        r##"<text transform="rotate(-90)" x="{:.1}" y="20" font-size="14" font-weight="600" text-anchor="middle" fill="#1f2328">Number of flags</text></svg>"##,
        -(TOP + plot_h / 2.0)
    );
    format!("<figure class=\"chart\">{svg}{}</figure>", legend(&buckets))
}

/// One legend entry per state that occurs, with its number of flags.
fn legend(buckets: &[(&str, [usize; STATES.len()])]) -> String {
    let mut out = String::from("<ul class=\"legend\">");
    for (s, (state, color)) in STATES.iter().enumerate() {
        let n: usize = buckets.iter().map(|(_, c)| c[s]).sum();
        if n > 0 {
            let _ = write!(
                out,
                "<li data-state=\"{state}\"><span class=\"swatch\" style=\"background:{color}\"></span>{state} ({n})</li>"
            );
        }
    }
    out.push_str("</ul>");
    out
}

#[cfg(test)]
mod tests {
    use super::ticks;

    #[test]
    fn ticks_are_round_and_several() {
        assert_eq!(ticks(0), (1, 3));
        assert_eq!(ticks(1), (1, 3));
        assert_eq!(ticks(4), (1, 4));
        assert_eq!(ticks(7), (2, 8));
        assert_eq!(ticks(23), (5, 25));
        assert_eq!(ticks(180), (50, 200));
        assert_eq!(ticks(2000), (500, 2000));
    }
}
