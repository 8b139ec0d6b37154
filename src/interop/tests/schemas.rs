//! The flagd and OpenFeature exports validated against the formats' published JSON
//! schemas (vendored under fixtures/schemas/ with their license).

use super::fidelity::load;
use super::generate::flags_file;
use crate::interop::{self, ExportOptions, Format};
use crate::model::{FlagsFile, load_text};
use serde_json::Value;
use std::path::Path;

fn schema(rel: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/schemas")
        .join(rel);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn flagd_validator() -> jsonschema::Validator {
    let flags = schema("flagd/flags.json");
    let targeting = schema("flagd/targeting.json");
    // flags.json refers to ./targeting.json, resolved against its own $id.
    let registry = jsonschema::Registry::new()
        .add("https://flagd.dev/schema/v0.2.5/targeting.json", targeting)
        .unwrap()
        .prepare()
        .unwrap();
    jsonschema::options()
        .with_registry(&registry)
        .build(&flags)
        .unwrap()
}

fn assert_valid(validator: &jsonschema::Validator, text: &str, what: &str) {
    let doc: Value = serde_json::from_str(text).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what}: invalid:\n{}\n{text}",
        errors.join("\n")
    );
}

fn files() -> Vec<(String, FlagsFile)> {
    let mut out: Vec<(String, FlagsFile)> = [
        "flags.yaml",
        "fixtures/interop/targeting.yaml",
        "fixtures/edit/block.yaml",
    ]
    .iter()
    .map(|r| (r.to_string(), load(r)))
    .collect();
    let mut rng = fastrand::Rng::with_seed(3);
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    for i in 0..100 {
        let text = flags_file(&mut rng);
        let name = format!("generated-{i}.yaml");
        let loaded = load_text(Path::new(&name), &name, &text, today);
        out.push((format!("{name}:\n{text}"), loaded.file));
    }
    out
}

#[test]
fn flagd_export_follows_the_flagd_schema() {
    let validator = flagd_validator();
    // The schema accepts what it should and rejects what it should (a flag without
    // state), so a pass below means something.
    assert!(validator.is_valid(&serde_json::json!({"flags": {"f": {"state": "ENABLED", "defaultVariant": "on", "variants": {"on": true}}}})));
    assert!(!validator.is_valid(&serde_json::json!({"flags": {"f": {"defaultVariant": "on"}}})));
    for (name, file) in files() {
        let text = interop::export(&file, &name, Format::Flagd, &ExportOptions::default()).text;
        assert_valid(&validator, &text, &name);
    }
}

#[test]
fn openfeature_export_follows_the_manifest_schema() {
    let validator = jsonschema::options()
        .build(&schema("openfeature/flag-manifest.json"))
        .unwrap();
    assert!(!validator.is_valid(
        &serde_json::json!({"flags": {"f": {"flagType": "integer", "defaultValue": 1.5}}})
    ));
    for (name, file) in files() {
        let text =
            interop::export(&file, &name, Format::Openfeature, &ExportOptions::default()).text;
        assert_valid(&validator, &text, &name);
    }
}
