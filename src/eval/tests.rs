//! One test per step of the evaluation order, plus segments, environments and pinned buckets.

use super::*;
use crate::model::load_text;
use chrono::NaiveDate;
use serde_json::json;
use std::path::Path;

const SEGMENTS: &str = "
segments:
  beta:
    users: [u-1, \"12345\"]
  enterprise:
    when:
      plan: { in: [enterprise] }
  empty: {}
";

fn file(flags: &str) -> FlagsFile {
    let text = format!(
        "version: 1\nsettings:\n  environments: [staging, production]\n{SEGMENTS}flags:\n{flags}"
    );
    let today = NaiveDate::from_ymd_opt(2026, 1, 1).expect("date");
    let loaded = load_text(Path::new("flags.yaml"), "flags.yaml", &text, today);
    let errors: Vec<_> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == crate::diag::Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:?}\n{text}");
    loaded.file
}

fn ctx(v: Value) -> Context {
    match v {
        Value::Object(m) => m,
        _ => panic!("context must be an object"),
    }
}

/// Evaluates the only flag of `flags` and returns the result as JSON plus the trace.
fn eval_with(flags: &str, env: Option<&str>, c: Value, pin: Option<u8>) -> (Value, Vec<String>) {
    let f = file(flags);
    let engine = Engine::new(&f);
    let p = engine.prepare(&f.flags[0], env);
    let c = ctx(c);
    let mut steps = Vec::new();
    let traced = engine.evaluate(&p, &c, pin, Some(&mut steps));
    let plain = engine.evaluate(&p, &c, pin, None);
    assert_eq!(traced, plain, "tracing must not change the result");
    let texts = steps.into_iter().map(|s| s.text).collect();
    (serde_json::to_value(plain).expect("json"), texts)
}

fn eval(flags: &str, c: Value) -> Value {
    eval_with(flags, None, c, None).0
}

fn expect(r: &Value, value: Value, reason: &str) {
    assert_eq!(r["value"], value, "{r}");
    assert_eq!(r["reason"], reason, "{r}");
}

const META: &str = "    type: operational\n    owner: t\n    description: d\n";

fn flag(body: &str) -> String {
    format!("  f:\n{META}{body}")
}

#[test]
fn json_has_exactly_the_contract_fields() {
    let r = eval(&flag(""), json!({}));
    let keys: Vec<&str> = r
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "flag",
            "value",
            "variant",
            "reason",
            "rule",
            "bucket",
            "error_code"
        ]
    );
    assert_eq!(
        r,
        json!({"flag": "f", "value": true, "variant": null, "reason": "STATIC", "rule": null, "bucket": null, "error_code": null})
    );
}

#[test]
fn step1_kill_switch_beats_everything() {
    let r = eval(
        &flag("    kill_switch: true\n    enabled: false\n    off: 0\n    value: 1\n"),
        json!({"userId": "u-1"}),
    );
    expect(&r, json!(0), "KILL_SWITCH");
}

#[test]
fn step2_disabled() {
    let r = eval(&flag("    enabled: false\n"), json!({"userId": "u-1"}));
    expect(&r, json!(false), "DISABLED");
}

#[test]
fn step3_segments() {
    let body = flag("    segments: [beta, enterprise, empty]\n");
    // Not in any: off, DEFAULT. An empty segment matches nobody.
    expect(
        &eval(&body, json!({"userId": "u-9"})),
        json!(false),
        "DEFAULT",
    );
    // By users (the number 12345 renders as "12345"), by `when`, by name.
    expect(
        &eval(&body, json!({"userId": "u-1"})),
        json!(true),
        "TARGETING_MATCH",
    );
    expect(
        &eval(&body, json!({"userId": 12345})),
        json!(true),
        "TARGETING_MATCH",
    );
    expect(
        &eval(&body, json!({"plan": "enterprise"})),
        json!(true),
        "TARGETING_MATCH",
    );
    expect(
        &eval(&body, json!({"segment": "empty"})),
        json!(true),
        "TARGETING_MATCH",
    );
    expect(
        &eval(&body, json!({"segments": ["x", "beta"]})),
        json!(true),
        "TARGETING_MATCH",
    );
    let (_, trace) = eval_with(&body, None, json!({"plan": "enterprise"}), None);
    assert!(
        trace
            .iter()
            .any(|s| s.contains("in `enterprise` (its conditions hold)")),
        "{trace:?}"
    );
}

#[test]
fn step3_segment_users_use_the_flags_bucket_by() {
    let body = flag("    bucket_by: accountId\n    segments: [beta]\n");
    expect(
        &eval(&body, json!({"userId": "u-1"})),
        json!(false),
        "DEFAULT",
    );
    expect(
        &eval(&body, json!({"accountId": "u-1"})),
        json!(true),
        "TARGETING_MATCH",
    );
}

#[test]
fn step4_rollout() {
    let body = flag("    rollout: 25\n    salt: gr1\n");
    // rollout bucket of ("gr1", "123") is 73 (`docs/evaluation.md`, buckets).
    let r = eval(&body, json!({"userId": "123"}));
    expect(&r, json!(false), "SPLIT");
    assert_eq!(r["bucket"], 73);
    let (r, trace) = eval_with(&body, None, json!({"userId": 123}), None);
    assert_eq!(r["bucket"], 73, "numbers hash as their decimal text");
    assert!(
        trace
            .iter()
            .any(|s| s.contains("bucket 73 > 25 → off (SPLIT)")),
        "{trace:?}"
    );
    // ("groupX", "999") is 25: exactly at the boundary is in.
    let body = flag("    rollout: 25\n    salt: groupX\n");
    let r = eval(&body, json!({"userId": "999"}));
    expect(&r, json!(true), "SPLIT");
    assert_eq!(r["bucket"], 25);
    // No key: ERROR / TARGETING_KEY_MISSING, off.
    let r = eval(&body, json!({"plan": "x"}));
    expect(&r, json!(false), "ERROR");
    assert_eq!(r["error_code"], "TARGETING_KEY_MISSING");
    assert_eq!(r["bucket"], Value::Null);
}

#[test]
fn step4_rollout_0_and_100_need_no_key() {
    let r = eval(&flag("    rollout: 0\n"), json!({}));
    expect(&r, json!(false), "SPLIT");
    assert_eq!(r["error_code"], Value::Null);
    let r = eval(&flag("    rollout: 100\n"), json!({}));
    expect(&r, json!(true), "STATIC");
    assert_eq!(r["bucket"], Value::Null);
}

#[test]
fn step4_pinned_bucket() {
    let body = flag("    rollout: 10\n");
    let (r, _) = eval_with(&body, None, json!({}), Some(10));
    expect(&r, json!(true), "SPLIT");
    assert_eq!(r["bucket"], 10);
    let (r, _) = eval_with(&body, None, json!({"userId": "x"}), Some(11));
    expect(&r, json!(false), "SPLIT");
}

const RULES: &str = "    value: 300
    off: 0
    rules:
      - name: advanced
        when:
          route: { starts_with: /search/advanced }
        value: 60
      - segments: [enterprise]
        value: 600
";

#[test]
fn step5_rules_first_match_wins() {
    let body = flag(RULES);
    let r = eval(
        &body,
        json!({"route": "/search/advanced/x", "plan": "enterprise"}),
    );
    expect(&r, json!(60), "TARGETING_MATCH");
    assert_eq!(r["rule"], "advanced");
    let r = eval(&body, json!({"route": "/home", "plan": "enterprise"}));
    expect(&r, json!(600), "TARGETING_MATCH");
    assert_eq!(r["rule"], "1", "an unnamed rule is named by its index");
    // Nothing matched and nothing was split: rules exist but none applied.
    let r = eval(&body, json!({"route": "/home"}));
    expect(&r, json!(300), "DEFAULT");
    assert_eq!(r["rule"], Value::Null);
    let (_, trace) = eval_with(&body, None, json!({"route": "/home"}), None);
    // Each step once, in order; step 5 says in one line why each rule did not match.
    assert_eq!(
        trace,
        [
            "kill_switch: false",
            "enabled: true",
            "segments: none",
            "rollout 100: everyone",
            "rule `advanced`: `route` = \"/home\" fails starts_with → no match; rule `1`: in none of segments [enterprise] → no match",
            "variants: none",
            "value 300 (DEFAULT: no rule or variant applied)",
        ]
    );
}

#[test]
fn step5_rule_rollout_uses_the_flag_bucket() {
    // bucket of ("gr1", "123") = 73.
    let body = |r: u8| {
        flag(&format!(
            "    salt: gr1\n    value: a\n    off: b\n    rules:\n      - name: r\n        rollout: {r}\n        value: c\n"
        ))
    };
    let r = eval(&body(73), json!({"userId": "123"}));
    expect(&r, json!("c"), "TARGETING_MATCH");
    assert_eq!(r["bucket"], 73);
    // The rule's rollout left the context out; the flag's own rollout is 100, so no
    // split decided the value.
    let r = eval(&body(72), json!({"userId": "123"}));
    expect(&r, json!("a"), "DEFAULT");
    assert_eq!(r["bucket"], 73);
    // Without the bucketing attribute a partial rule does not match.
    let r = eval(&body(99), json!({}));
    expect(&r, json!("a"), "DEFAULT");
    // rollout 100 on a rule needs no key.
    let r = eval(&body(100), json!({}));
    expect(&r, json!("c"), "TARGETING_MATCH");
}

const VARIANTS: &str = "    salt: gr1
    off: none
    variants:
      control: { value: v1, weight: 95 }
      treatment: { value: v2, weight: 5 }
    rules:
      - name: staff
        segments: [beta]
        variant: treatment
";

#[test]
fn step5_rule_serving_a_variant() {
    let r = eval(&flag(VARIANTS), json!({"userId": "u-1"}));
    expect(&r, json!("v2"), "TARGETING_MATCH");
    assert_eq!(r["variant"], "treatment");
    assert_eq!(r["rule"], "staff");
}

#[test]
fn step6_variants() {
    // Variant bucket of ("gr1", "123") with total 100 is 96: past control's 95.
    let r = eval(&flag(VARIANTS), json!({"userId": "123"}));
    expect(&r, json!("v2"), "SPLIT");
    assert_eq!(r["variant"], "treatment");
    assert_eq!(r["bucket"], 73, "bucket is the rollout percentile");
    // ("groupX", "999") = 60: control.
    let r = eval(
        &flag(&VARIANTS.replace("gr1", "groupX")),
        json!({"userId": "999"}),
    );
    assert_eq!(r["variant"], "control");
    // No key: off with TARGETING_KEY_MISSING.
    let r = eval(&flag(VARIANTS), json!({}));
    expect(&r, json!("none"), "ERROR");
    assert_eq!(r["error_code"], "TARGETING_KEY_MISSING");
    // A pinned bucket is a percentile, scaled to the total weight.
    let (r, _) = eval_with(&flag(VARIANTS), None, json!({}), Some(95));
    assert_eq!(r["variant"], "control");
    let (r, _) = eval_with(&flag(VARIANTS), None, json!({}), Some(96));
    assert_eq!(r["variant"], "treatment");
}

#[test]
fn step6_variant_walk_follows_file_order_and_weights() {
    let body = flag(
        "    off: x\n    variants:\n      a: { value: a, weight: 1 }\n      zero: { value: z, weight: 0 }\n      b: { value: b, weight: 2 }\n",
    );
    for (pin, want) in [(1, "a"), (33, "a"), (34, "a"), (35, "b"), (100, "b")] {
        let (r, _) = eval_with(&body, None, json!({}), Some(pin));
        assert_eq!(r["variant"], want, "pin {pin}");
    }
}

#[test]
fn step7_reasons() {
    expect(
        &eval(&flag("    value: 5\n    off: 0\n"), json!({})),
        json!(5),
        "STATIC",
    );
    expect(
        &eval(&flag("    segments: [beta]\n"), json!({"userId": "u-1"})),
        json!(true),
        "TARGETING_MATCH",
    );
    // groupX/999 is bucket 25, inside rollout 30.
    expect(
        &eval(
            &flag("    salt: groupX\n    rollout: 30\n"),
            json!({"userId": "999"}),
        ),
        json!(true),
        "SPLIT",
    );
    // A segment match inside a rollout: the rollout decided.
    expect(
        &eval(
            &flag("    salt: groupX\n    rollout: 30\n    segments: [beta]\n"),
            json!({"userId": "999", "segment": "beta"}),
        ),
        json!(true),
        "SPLIT",
    );
    // A list is no bucketing key: an error, as in the SDKs.
    let (r, trace) = eval_with(
        &flag("    rollout: 30\n"),
        None,
        json!({"userId": ["u-1", "u-2"]}),
        None,
    );
    expect(&r, json!(false), "ERROR");
    assert_eq!(r["error_code"], "TARGETING_KEY_MISSING");
    assert!(trace[3].contains("is a list or an object"), "{trace:?}");
}

#[test]
fn environment_overrides_apply_first() {
    let body = flag(
        "    rollout: 0\n    environments:\n      staging: { rollout: 100 }\n      production: { kill_switch: true }\n",
    );
    let (r, _) = eval_with(&body, None, json!({"userId": "u"}), None);
    expect(&r, json!(false), "SPLIT");
    let (r, trace) = eval_with(&body, Some("staging"), json!({"userId": "u"}), None);
    expect(&r, json!(true), "STATIC");
    assert_eq!(trace[0], "environment `staging` overrides apply");
    let (r, _) = eval_with(&body, Some("production"), json!({}), None);
    expect(&r, json!(false), "KILL_SWITCH");
    // An environment without overrides is the base flag.
    let (r, trace) = eval_with(&body, Some("development"), json!({}), None);
    expect(&r, json!(false), "SPLIT");
    assert!(!trace[0].starts_with("environment"));
}

#[test]
fn dotted_bucket_by_and_conditions() {
    let body = flag(
        "    bucket_by: account.id\n    salt: gr1\n    rollout: 80\n    rules:\n      - when:\n          account.plan: { eq: PRO, ignore_case: true }\n        value: false\n",
    );
    let r = eval(&body, json!({"account": {"id": 123, "plan": "pro"}}));
    expect(&r, json!(false), "TARGETING_MATCH");
    assert_eq!(r["bucket"], 73);
}

#[test]
fn unknown_flag() {
    let r = serde_json::to_value(EvalResult::not_found("nope")).expect("json");
    assert_eq!(r["reason"], "ERROR");
    assert_eq!(r["error_code"], "FLAG_NOT_FOUND");
    assert_eq!(r["value"], Value::Null);
}

/// The reference `isFeatureEnabled` rollout function (see docs/evaluation.md, buckets),
/// transcribed, agrees with the engine on a plain rollout flag for many users.
#[test]
fn agrees_with_the_seed_algorithm() {
    fn is_feature_enabled(key: &str, rollout: u32, kill: bool, enabled: bool, user: &str) -> bool {
        if kill || !enabled {
            return false;
        }
        let h = hash::murmur3_32(format!("{key}:{user}").as_bytes(), 0);
        let bucket = h % 100 + 1;
        bucket <= rollout
    }
    let f = file(
        "  new-payment-processor:\n    type: operational\n    owner: t\n    description: d\n    rollout: 10\n",
    );
    let engine = Engine::new(&f);
    let p = engine.prepare(&f.flags[0], None);
    for i in 0..20_000 {
        let user = format!("user-{i}");
        let c = ctx(json!({ "userId": user }));
        let got = engine.evaluate(&p, &c, None, None).value == &Value::Bool(true);
        assert_eq!(
            got,
            is_feature_enabled("new-payment-processor", 10, false, true, &user),
            "{user}"
        );
    }
}
