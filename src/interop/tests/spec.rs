//! The Unleash client specification (vendored under
//! fixtures/unleash-client-specification/): each file's state is imported into
//! flags.yaml and every test evaluated with flagctl. Every test that fails must belong
//! to a flag whose import reported a loss or approximation (or to a document the import
//! cannot read), so nothing fails silently.

use crate::eval::{Engine, Reason};
use crate::interop::{self, Fidelity};
use crate::model::load_text;
use serde::Deserialize;
use serde_json::{Map, Value};
use std::path::Path;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Suite {
    state: Value,
    #[serde(default)]
    tests: Vec<Case>,
    #[serde(default)]
    variant_tests: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Case {
    description: String,
    context: Map<String, Value>,
    toggle_name: String,
    expected_result: Value,
}

/// The Unleash context as a flagctl context: the well-known fields and the properties
/// side by side.
fn context(c: &Map<String, Value>) -> crate::eval::Context {
    let mut out = Map::new();
    for (k, v) in c {
        match (k.as_str(), v) {
            ("properties", Value::Object(props)) => {
                out.extend(props.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
            _ => {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    out
}

/// What Unleash would report for a flagctl result of an imported flag: enabled, and
/// the value when the flag serves values.
fn observed(
    file: &crate::model::FlagsFile,
    engine: &Engine,
    name: &str,
    ctx: &crate::eval::Context,
) -> (bool, Option<(Option<String>, Value)>) {
    let Some(flag) = file.flag(name) else {
        return (false, None);
    };
    let p = engine.prepare(flag, None);
    let r = engine.evaluate(&p, ctx, None, None);
    let toggle = interop::unleash::is_toggle(&p.targeting);
    let on_path = r.step >= 5 && r.reason != Reason::Error;
    if toggle {
        return (on_path && r.value == &Value::Bool(true), None);
    }
    // Imported without a gate, "no strategy matched" is the on value set to `off`.
    let fell_through = r.step == 7 && p.on_value() == p.off_value();
    let enabled = on_path && !fell_through;
    let value = enabled.then(|| (r.variant.map(str::to_string), r.value.clone()));
    (enabled, value)
}

fn payload_value(p: &Value) -> Option<Value> {
    let kind = p.get("type")?.as_str()?;
    let text = p.get("value")?.as_str()?;
    super::fidelity::payload_value(kind, text)
}

/// Whether flagctl's observation matches the expected result of a test.
fn passes(expected: &Value, (enabled, value): &(bool, Option<(Option<String>, Value)>)) -> bool {
    if let Some(b) = expected.as_bool() {
        return *enabled == b;
    }
    let want_enabled = expected["enabled"].as_bool().unwrap_or(false);
    let want_feature = expected["feature_enabled"]
        .as_bool()
        .or(expected["featureEnabled"].as_bool());
    if !want_enabled {
        return value.is_none() && want_feature.is_none_or(|f| f == *enabled);
    }
    let Some((name, v)) = value else {
        return false;
    };
    let want_name = expected["name"].as_str().unwrap_or_default();
    let want_value = expected
        .get("payload")
        .and_then(payload_value)
        .unwrap_or_else(|| Value::String(want_name.to_string()));
    *v == want_value && name.as_deref().is_none_or(|n| n == want_name)
}

#[test]
fn unleash_client_specification() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/unleash-client-specification");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let (mut pass, mut fail, mut unexplained) = (0, 0, Vec::new());
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    for path in names
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
    {
        let file_name = path.file_name().unwrap().to_string_lossy().into_owned();
        if file_name == "index.json" {
            continue;
        }
        let suite: Suite = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let cases: Vec<&Case> = suite.tests.iter().chain(&suite.variant_tests).collect();
        // Delta documents (a list of events) are not an Unleash state flagctl imports.
        if suite.state.get("features").is_none() {
            println!(
                "{file_name}: 0/{} (a delta-API event stream, not a features document)",
                cases.len()
            );
            fail += cases.len();
            continue;
        }
        let imported = interop::import_unleash(
            &suite.state.to_string(),
            &file_name,
            Some("spec".into()),
            today,
        )
        .unwrap();
        let loaded = load_text(
            Path::new("imported.yaml"),
            "imported.yaml",
            &imported.text,
            today,
        );
        let errors: Vec<_> = loaded
            .diagnostics
            .iter()
            .filter(|d| d.severity == crate::diag::Severity::Error)
            .collect();
        assert!(
            errors.is_empty(),
            "{file_name}: the import is invalid: {errors:?}\n{}",
            imported.text
        );
        let engine = Engine::new(&loaded.file);
        let (mut file_pass, mut file_fail) = (0, 0);
        for case in cases {
            let seen = observed(
                &loaded.file,
                &engine,
                &case.toggle_name,
                &context(&case.context),
            );
            if passes(&case.expected_result, &seen) {
                file_pass += 1;
                continue;
            }
            file_fail += 1;
            let reported = imported
                .report
                .flag(&case.toggle_name)
                .is_none_or(|r| r.fidelity != Fidelity::Exact);
            if std::env::var_os("SPEC_VERBOSE").is_some() {
                println!(
                    "  FAIL {}: {} expected {} got {seen:?}",
                    case.toggle_name, case.description, case.expected_result
                );
            }
            if !reported {
                unexplained.push(format!(
                    "{file_name}: {} ({}): expected {}, flagctl {seen:?}",
                    case.description, case.toggle_name, case.expected_result
                ));
            }
        }
        println!("{file_name}: {file_pass}/{}", file_pass + file_fail);
        pass += file_pass;
        fail += file_fail;
    }
    println!("client specification: {pass} of {} tests pass", pass + fail);
    assert!(
        unexplained.is_empty(),
        "failures the import did not report:\n{}",
        unexplained.join("\n")
    );
    assert!(pass > 200, "only {pass} tests pass");
}
