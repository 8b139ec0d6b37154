//! flags.yaml as the OpenFeature CLI flag manifest: key, `flagType`, `defaultValue`
//! and `description`, from which `openfeature generate` writes typed accessors. The
//! default is the off value: what an SDK serves when the flag cannot be evaluated.

use super::report::{FlagReport, Issue, Part};
use crate::model::{FlagsFile, Targeting};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The manifest's published schema.
pub const SCHEMA: &str =
    "https://raw.githubusercontent.com/open-feature/cli/main/schema/v0/flag-manifest.json";

/// The manifest and a report per flag.
pub fn export(file: &FlagsFile, environment: Option<&str>) -> (Value, Vec<FlagReport>) {
    let mut flags = BTreeMap::new();
    let mut reports = Vec::new();
    for flag in &file.flags {
        let t = flag.targeting_for(environment);
        let mut rep = FlagReport::new(&flag.key, Some(flag.pos.line));
        let off = t.off_value();
        let mut entry = serde_json::Map::new();
        entry.insert("flagType".into(), json!(flag_type(&t)));
        entry.insert("defaultValue".into(), off);
        if let Some(d) = &flag.description {
            entry.insert("description".into(), json!(d.value));
            rep.exact(Part::Description);
        }
        rep.exact(Part::Off);
        if !t.is_static() {
            rep.issue(Issue::TargetingNotCarried, None);
        }
        rep.finish();
        flags.insert(flag.key.clone(), Value::Object(entry));
        reports.push(rep);
    }
    (json!({"$schema": SCHEMA, "flags": flags}), reports)
}

/// `boolean`, `string`, `integer`, `float` or `object`, from every value the flag
/// serves (validation guarantees they share a JSON type).
fn flag_type(t: &Targeting) -> &'static str {
    let mut values = vec![t.off_value()];
    if t.value.is_some() || t.variants.as_ref().is_none_or(|v| v.is_empty()) {
        values.push(t.on_value());
    }
    values.extend(t.variants.iter().flatten().map(|v| v.value.value.clone()));
    for rule in t.rules.iter().flatten() {
        if let crate::model::Serve::Value(v) = &rule.serve {
            values.push(v.value.clone());
        }
    }
    match values.first().unwrap_or(&Value::Null) {
        Value::Bool(_) => "boolean",
        Value::String(_) => "string",
        Value::Number(_)
            if values
                .iter()
                .all(|v| v.as_i64().is_some() || v.as_u64().is_some()) =>
        {
            "integer"
        }
        Value::Number(_) => "float",
        _ => "object",
    }
}
