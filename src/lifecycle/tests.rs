//! Unit tests of the lifecycle rules.

use super::*;
use crate::diag::Code;
use crate::model::load_text;
use std::collections::HashMap;
use std::path::Path;

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn run(yaml: &str, facts: &Facts, today: &str) -> Vec<(String, Code)> {
    let loaded = load_text(Path::new("flags.yaml"), "flags.yaml", yaml, date(today));
    let opts = Options {
        today: date(today),
        warn_within: None,
    };
    findings(&loaded.file, "flags.yaml", facts, &opts)
        .into_iter()
        .map(|f| (f.flag, f.kind))
        .collect()
}

const FILE: &str = "version: 1\nflags:\n  on:\n    type: release\n    owner: a\n    created: 2026-01-01\n    expires: 2026-06-01\n  off:\n    type: experiment\n    owner: a\n    created: 2026-01-01\n    expires: 2026-06-01\n    rollout: 0\n  partial:\n    type: release\n    owner: a\n    created: 2026-01-01\n    expires: 2026-06-01\n    rollout: 50\n  ops:\n    type: operational\n    owner: a\n    created: 2020-01-01\n    enabled: false\n";

#[test]
fn without_history_launched_and_dead_count_from_created() {
    let facts = Facts::Unavailable("not a repo".into());
    let found = run(FILE, &facts, "2026-03-01");
    assert_eq!(
        found,
        [("on".into(), Code::Launched), ("off".into(), Code::Dead)]
    );
}

#[test]
fn history_dates_the_last_change() {
    let mut m = HashMap::new();
    for k in ["on", "off", "partial", "ops"] {
        m.insert(
            k.to_string(),
            FlagFacts {
                introduced: None,
                last_change: Some(date("2026-02-20")),
                expires_pushed: if k == "partial" { 2 } else { 0 },
            },
        );
    }
    let found = run(FILE, &Facts::Available(m), "2026-03-01");
    assert!(
        !found
            .iter()
            .any(|(_, k)| matches!(k, Code::Launched | Code::Dead))
    );
    assert!(found.contains(&("partial".into(), Code::Snoozed)));
    let found = run(FILE, &Facts::Unavailable(String::new()), "2026-05-25");
    assert!(found.contains(&("on".into(), Code::Expiring)));
    let found = run(FILE, &Facts::Unavailable(String::new()), "2026-06-02");
    assert!(found.contains(&("on".into(), Code::Expired)));
}

#[test]
fn rules_serving_other_values_are_not_fully_on() {
    let yaml = "version: 1\nflags:\n  f:\n    type: release\n    owner: a\n    created: 2026-01-01\n    expires: 2026-06-01\n    rules:\n      - when: { plan: { eq: x } }\n        value: false\n";
    let found = run(yaml, &Facts::Unavailable(String::new()), "2026-03-01");
    assert_eq!(found, []);
}

#[test]
fn a_flag_with_expires_is_never_overdue() {
    // 59 days old, beyond the 40-day lifetime: only a flag without `expires` (an old
    // revision, a file that does not validate) is overdue; the other one's own date wins
    // and it is `expiring` near it.
    let yaml = "version: 1\nflags:\n  dated:\n    type: release\n    owner: a\n    created: 2026-01-01\n    expires: 2026-03-10\n    rollout: 10\n  undated:\n    type: release\n    owner: a\n    created: 2026-01-01\n    rollout: 10\n";
    let found = run(yaml, &Facts::Unavailable(String::new()), "2026-03-01");
    assert_eq!(
        found,
        [
            ("dated".into(), Code::Expiring),
            ("undated".into(), Code::Overdue)
        ]
    );
}

#[test]
fn references() {
    let loaded = load_text(
        Path::new("flags.yaml"),
        "flags.yaml",
        "version: 1\nsettings:\n  service: api\nflags:\n  a:\n    type: operational\n    owner: o\n  b:\n    type: operational\n    owner: o\n",
        date("2026-01-01"),
    );
    let r = |flag: &str, service: Option<&str>| CodeRef {
        flag: flag.into(),
        path: "src/x.ts".into(),
        line: 3,
        column: 7,
        service: service.map(String::from),
    };
    let found: Vec<(String, Code, String)> = reference_findings(
        &loaded.file,
        "flags.yaml",
        &[r("a", Some("web")), r("zzz", None)],
    )
    .into_iter()
    .map(|f| (f.flag, f.kind, f.file))
    .collect();
    assert_eq!(
        found,
        [
            ("b".into(), Code::Unreferenced, "flags.yaml".into()),
            ("zzz".into(), Code::Undefined, "src/x.ts".into()),
            ("a".into(), Code::CrossBoundary, "src/x.ts".into()),
        ]
    );
}
