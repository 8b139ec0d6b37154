//! SARIF output validated against the official SARIF 2.1.0 JSON schema
//! (`fixtures/schemas/sarif-2.1.0.json`, the OASIS schema as shipped in the serde-sarif
//! crate), for every command that writes SARIF.

use crate::common::{Test, fixture};
use crate::gitrepo::TODAY;
use crate::lifecycle::scenario;
use serde_json::Value;

fn validator() -> jsonschema::Validator {
    let mut schema: Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("schemas/sarif-2.1.0.json")).expect("schema file"),
    )
    .expect("schema is JSON");
    // The official schema's `language` patterns (of `run` and `toolComponent`) have a
    // lone `]`, which ECMA-262 (Annex B) reads as a literal and the meta-schema's strict
    // `regex` format check rejects. Escape it in memory (same meaning) and keep the
    // committed file verbatim.
    assert_eq!(escape_lone_bracket(&mut schema), 2);
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles")
}

fn assert_valid_sarif(text: &str) {
    let validator = validator();
    let doc: Value = serde_json::from_str(text).expect("SARIF output is JSON");
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "invalid SARIF:\n{}\n{text}",
        errors.join("\n")
    );
    assert_eq!(doc["version"], "2.1.0");
}

fn escape_lone_bracket(v: &mut Value) -> usize {
    const BAD: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
    match v {
        Value::Object(m) => m
            .iter_mut()
            .map(|(k, v)| {
                if k == "pattern" && v == BAD {
                    *v = Value::from(BAD.replace("}]?", "}\\]?"));
                    1
                } else {
                    escape_lone_bracket(v)
                }
            })
            .sum(),
        Value::Array(a) => a.iter_mut().map(escape_lone_bracket).sum(),
        _ => 0,
    }
}

#[test]
fn check_sarif_is_valid_with_one_rule_per_kind() {
    let r = scenario();
    let out = r.flagctl(["check", "--format", "sarif"]).run().code(1);
    assert_valid_sarif(&out.stdout);
    let doc: Value = serde_json::from_str(&out.stdout).expect("json");
    let rules: Vec<&str> = doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .map(|r| r["id"].as_str().expect("id"))
        .collect();
    assert_eq!(rules, ["expired", "expiring"]);
    let results = doc["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), 2);
    assert_eq!(results[0]["level"], "error");
    assert_eq!(results[0]["properties"]["flag"], "expired-flag");
}

#[test]
fn check_base_sarif_is_valid() {
    let r = scenario();
    let text = std::fs::read_to_string(r.path().join("flags.yaml")).expect("read");
    r.write(
        "flags.yaml",
        &format!(
            "{text}  no-owner:\n    type: release\n    description: d\n    expires: 2026-07-01\n"
        ),
    );
    let out = r
        .flagctl(["check", "--base", "HEAD", "--format", "sarif"])
        .run()
        .code(1);
    assert_valid_sarif(&out.stdout);
    assert!(out.stdout.contains("\"new-flag-without-owner\""));
}

#[test]
fn validate_sarif_is_valid() {
    let out = Test::new()
        .flags("version: 2\nflags:\n  a:\n    ownr: x\n    type: nope\n")
        .args(["validate", "--format", "sarif", "--now", TODAY])
        .run()
        .code(1);
    assert_valid_sarif(&out.stdout);
    let clean = Test::new()
        .flags("version: 1\nflags: {}\n")
        .args(["validate", "--format", "sarif"])
        .run()
        .code(0);
    assert_valid_sarif(&clean.stdout);
}

#[test]
fn the_schema_test_rejects_invalid_sarif() {
    let r = scenario();
    let out = r.flagctl(["check", "--format", "sarif"]).run().code(1);
    let mut doc: Value = serde_json::from_str(&out.stdout).expect("json");
    assert!(validator().is_valid(&doc));
    doc["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(!validator().is_valid(&doc));
    doc["runs"][0]["results"][0]["level"] = Value::from("error");
    doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        Value::from(0);
    assert!(!validator().is_valid(&doc));
}
