//! Tests of the usage findings, on usage data written as JSON Lines summaries.

use super::*;
use crate::diag::Code;
use crate::model::load_text;
use crate::usage::read_bytes;
use std::path::Path;

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

const FLAGS: &str = r#"version: 1
flags:
  new-checkout:
    type: release
    owner: shop
    expires: 2027-01-01
  kill-search:
    type: operational
    owner: search
  recs:
    type: experiment
    owner: recs
    expires: 2027-01-01
    off: v1
    variants:
      control: { value: v1, weight: 50 }
      treatment: { value: v2, weight: 50 }
  late-flag:
    type: release
    owner: shop
    created: 2026-03-20
    expires: 2026-08-01
  aliased:
    type: release
    owner: shop
    expires: 2027-01-01
    aliases: [ALIASED_FLAG]
"#;

fn flags() -> FlagsFile {
    let loaded = load_text(
        Path::new("flags.yaml"),
        "flags.yaml",
        FLAGS,
        day("2026-04-01"),
    );
    assert!(
        loaded
            .diagnostics
            .iter()
            .all(|d| d.severity != Severity::Error),
        "{:?}",
        loaded.diagnostics
    );
    loaded.file
}

/// Usage data from summary rows; `count: 0` rows only widen the window.
fn usage(rows: &[&str]) -> Usage {
    read_bytes(rows.join("\n").as_bytes()).unwrap()
}

fn row(flag: &str, date: &str, count: u64, value: &str) -> String {
    format!(r#"{{"flag":"{flag}","last_evaluated":"{date}","count":{count},"value":{value}}}"#)
}

fn run(u: &Usage, today: &str, refs: Option<&HashSet<String>>) -> Vec<UsageFinding> {
    findings(&flags(), "flags.yaml", u, &Rules::new(day(today), 30), refs)
}

fn of(found: &[UsageFinding], kind: Code, flag: &str) -> Option<UsageFinding> {
    found
        .iter()
        .find(|f| f.kind == kind && f.flag == flag)
        .cloned()
}

#[test]
fn a_week_of_data_never_claims_ninety_days() {
    let rows = [
        row("new-checkout", "2026-03-25", 10, "true"),
        row("new-checkout", "2026-03-31", 10, "true"),
    ];
    let u = usage(&rows.iter().map(String::as_str).collect::<Vec<_>>());
    let found = run(&u, "2026-04-01", None);
    let f = of(&found, Code::Unused, "kill-search").unwrap();
    assert!(!f.conclusive);
    assert_eq!(f.covered.days, 7);
    assert!(
        f.message.contains(
            "not evaluated in the 7 days the usage data covers (2026-03-25 to 2026-03-31)"
        ),
        "{}",
        f.message
    );
    assert!(!f.message.contains("in 90 days") && !f.message.contains("in the 90 days"));
    assert!(f.action.contains("collect usage data over 90 days"));
    assert!(of(&found, Code::Unused, "new-checkout").is_none());
}

#[test]
fn unused_after_long_enough_data_includes_operational_flags() {
    let rows = [
        row("other", "2025-12-01", 0, "null"),
        row("new-checkout", "2025-12-20", 5, "true"),
        row("aliased", "2026-03-01", 5, "true"),
        row("other", "2026-03-31", 0, "null"),
    ];
    let u = usage(&rows.iter().map(String::as_str).collect::<Vec<_>>());
    let found = run(&u, "2026-04-01", None);
    let checkout = of(&found, Code::Unused, "new-checkout").unwrap();
    assert!(checkout.conclusive);
    assert!(
        checkout.message.contains(
            "last evaluated on 2025-12-20, 101 days before the usage data ends on 2026-03-31"
        ),
        "{}",
        checkout.message
    );
    let kill = of(&found, Code::Unused, "kill-search").unwrap();
    assert!(kill.conclusive);
    assert!(
        kill.message.contains("the 121 days the usage data covers"),
        "{}",
        kill.message
    );
    assert!(kill.action.contains("kill switch"), "{}", kill.action);
    assert!(of(&found, Code::Unused, "aliased").is_none());
}

#[test]
fn a_flag_created_inside_the_window_counts_from_its_creation() {
    let rows = [
        row("x", "2026-01-01", 0, "null"),
        row("x", "2026-03-31", 0, "null"),
    ];
    let u = usage(&rows.iter().map(String::as_str).collect::<Vec<_>>());
    let f = of(&run(&u, "2026-04-01", None), Code::Unused, "late-flag").unwrap();
    assert_eq!(f.covered.days, 12);
    assert!(!f.conclusive);
    assert!(
        f.message.contains("since it was created on 2026-03-20"),
        "{}",
        f.message
    );
}

#[test]
fn constant_needs_one_value_enough_evaluations_and_a_temporary_flag() {
    let rows = [
        row("new-checkout", "2026-03-01", 600, "true"),
        row("new-checkout", "2026-03-30", 600, "true"),
        row("kill-search", "2026-03-30", 5000, "false"),
        row("aliased", "2026-03-30", 5000, "true"),
        row("aliased", "2026-03-29", 1, "false"),
        // Before the last 30 days: does not count either way.
        row("late-flag", "2026-01-01", 1, "false"),
        row("late-flag", "2026-03-25", 999, "true"),
    ];
    let u = usage(&rows.iter().map(String::as_str).collect::<Vec<_>>());
    let found = run(&u, "2026-04-01", None);
    let f = of(&found, Code::Constant, "new-checkout").unwrap();
    assert_eq!(f.keep, Some(serde_json::json!(true)));
    assert_eq!(f.evaluations, Some(1200));
    assert!(f.conclusive);
    assert!(
        f.message
            .contains("returned only true in 1200 evaluations over the last 30 days"),
        "{}",
        f.message
    );
    assert!(
        of(&found, Code::Constant, "kill-search").is_none(),
        "operational"
    );
    assert!(
        of(&found, Code::Constant, "aliased").is_none(),
        "two values"
    );
    assert!(
        of(&found, Code::Constant, "late-flag").is_none(),
        "999 < 1000"
    );
}

#[test]
fn counts_without_values_are_never_constant() {
    let rows = [
        r#"{"flag":"new-checkout","last_evaluated":"2026-03-01","count":600}"#,
        r#"{"flag":"new-checkout","last_evaluated":"2026-03-30","count":600}"#,
    ];
    let found = run(&usage(&rows), "2026-04-01", None);
    assert!(
        of(&found, Code::Constant, "new-checkout").is_none(),
        "{found:?}"
    );
}

#[test]
fn a_constant_variant_keeps_its_value_from_flags_yaml() {
    let line =
        r#"{"flag":"recs","last_evaluated":"2026-03-30","count":2000,"variant":"treatment"}"#;
    let u = usage(&[line]);
    let f = of(&run(&u, "2026-04-01", None), Code::Constant, "recs").unwrap();
    assert_eq!(f.keep, Some(serde_json::json!("v2")));
    assert_eq!(f.keep_variant.as_deref(), Some("treatment"));
    assert!(!f.conclusive, "one day of data, 30 asked for");
}

#[test]
fn keys_evaluated_but_undefined_are_errors_with_a_suggestion() {
    let rows = [
        row("new-chekout", "2026-03-30", 3, "true"),
        row("ALIASED_FLAG", "2026-03-30", 3, "true"),
    ];
    let u = usage(&rows.iter().map(String::as_str).collect::<Vec<_>>());
    let found = run(&u, "2026-04-01", None);
    let f = of(&found, Code::EvaluatedUndefined, "new-chekout").unwrap();
    assert_eq!(f.severity, Severity::Error);
    assert_eq!((f.line, f.column), (1, 1));
    assert!(
        f.message.contains("did you mean `new-checkout`?"),
        "{}",
        f.message
    );
    assert!(of(&found, Code::EvaluatedUndefined, "ALIASED_FLAG").is_none());
}

#[test]
fn code_and_production_disagreements_need_references() {
    let rows = [row("new-checkout", "2026-03-30", 3, "true")];
    let u = usage(&rows.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(run(&u, "2026-04-01", None).iter().all(|f| !matches!(
        f.kind,
        Code::ReferencedNotEvaluated | Code::EvaluatedNotReferenced
    )));
    let refs: HashSet<String> = ["kill-search".to_string()].into();
    let found = run(&u, "2026-04-01", Some(&refs));
    let dead = of(&found, Code::ReferencedNotEvaluated, "kill-search").unwrap();
    assert!(
        dead.message.contains("in the 1 day the usage data covers"),
        "{}",
        dead.message
    );
    let stray = of(&found, Code::EvaluatedNotReferenced, "new-checkout").unwrap();
    assert_eq!(stray.evaluations, Some(3));
    assert!(of(&found, Code::ReferencedNotEvaluated, "recs").is_none());
}

#[test]
fn future_timestamps_do_not_make_every_flag_idle() {
    let rows = [
        row("new-checkout", "2026-03-30", 3, "true"),
        row("kill-search", "2027-06-01", 1, "true"),
    ];
    let u = usage(&rows.iter().map(String::as_str).collect::<Vec<_>>());
    let found = run(&u, "2026-04-01", None);
    assert!(of(&found, Code::Unused, "new-checkout").is_none());
    assert!(of(&found, Code::Unused, "kill-search").is_none());
    let f = of(&found, Code::Unused, "recs").unwrap();
    assert_eq!(f.covered.to, day("2026-04-01"), "claims stop at today");
}

#[test]
fn no_data_means_no_findings() {
    let u = read_bytes(b"").unwrap();
    assert!(run(&u, "2026-04-01", None).is_empty());
}

#[test]
fn a_variant_named_after_a_value_keeps_that_value() {
    // Older span events carry only `feature_flag.variant`, often the stringified value.
    let line =
        r#"{"flag":"new-checkout","last_evaluated":"2026-03-30","count":2000,"variant":"true"}"#;
    let f = of(
        &run(&usage(&[line]), "2026-04-01", None),
        Code::Constant,
        "new-checkout",
    )
    .unwrap();
    assert_eq!(f.keep, Some(serde_json::json!(true)));
    assert!(
        f.message.contains("returned only variant `true`"),
        "{}",
        f.message
    );
}
