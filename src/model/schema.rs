//! A JSON Schema (draft-07, which YAML language servers support) of flags.yaml, built
//! from the same field lists the decoder checks, so the two cannot drift apart.

use super::condition::{OPERATORS, Operand};
use super::decode::fields;
use serde_json::{Map, Value, json};

fn object(fields: &[&str], props: &Map<String, Value>, required: &[&str]) -> Value {
    let mut p = Map::new();
    for f in fields {
        p.insert(
            (*f).to_string(),
            props.get(*f).cloned().unwrap_or(json!({})),
        );
    }
    json!({ "type": "object", "additionalProperties": false, "properties": p, "required": required })
}

/// The schema document.
pub fn json_schema() -> Value {
    let key_pattern = "^[A-Za-z0-9._:-]+$";
    let date = json!({ "type": "string", "pattern": "^\\d{4}-\\d{2}-\\d{2}$", "description": "YYYY-MM-DD" });
    let duration =
        json!({ "type": "string", "pattern": "^\\d+[dw]$", "description": "e.g. 30d or 6w" });
    let strings = json!({ "type": "array", "items": { "type": "string" } });
    let rollout = json!({ "type": "integer", "minimum": 0, "maximum": 100 });
    let value =
        json!({ "description": "a boolean, number, string, list or object; one type per flag" });

    let mut op_props = Map::new();
    for (op, operand) in OPERATORS {
        let schema = match operand {
            Operand::Scalars | Operand::Networks => json!({ "type": ["array", "string"] }),
            Operand::Bool => json!({ "type": "boolean" }),
            Operand::Number => json!({ "type": ["number", "string"] }),
            _ => json!({ "type": ["string", "number", "boolean", "array"] }),
        };
        op_props.insert((*op).to_string(), schema);
    }
    op_props.insert("ignore_case".into(), json!({ "type": "boolean" }));
    let when = json!({
        "type": "object",
        "description": "attribute (dots reach into nested objects) => operators, all must hold",
        "additionalProperties": { "type": "object", "additionalProperties": false, "properties": op_props }
    });

    let mut p = Map::new();
    p.insert("name".into(), json!({ "type": "string" }));
    p.insert("when".into(), when.clone());
    p.insert("segments".into(), strings.clone());
    p.insert("rollout".into(), rollout.clone());
    p.insert("value".into(), value.clone());
    p.insert("variant".into(), json!({ "type": "string" }));
    let rule = object(fields::RULE, &p, &[]);

    let mut p = Map::new();
    p.insert("value".into(), value.clone());
    p.insert("weight".into(), json!({ "type": "integer", "minimum": 0 }));
    let variant = object(fields::VARIANT, &p, &["value", "weight"]);

    let mut targeting = Map::new();
    targeting.insert("enabled".into(), json!({ "type": "boolean" }));
    targeting.insert("kill_switch".into(), json!({ "type": "boolean" }));
    targeting.insert("rollout".into(), rollout);
    targeting.insert("segments".into(), strings.clone());
    targeting.insert("bucket_by".into(), json!({ "type": "string" }));
    targeting.insert("salt".into(), json!({ "type": "string" }));
    targeting.insert("value".into(), value.clone());
    targeting.insert("off".into(), value);
    targeting.insert("rules".into(), json!({ "type": "array", "items": rule }));
    targeting.insert(
        "variants".into(),
        json!({ "type": "object", "additionalProperties": variant }),
    );
    let env_override = object(fields::TARGETING, &targeting, &[]);

    let mut p = targeting.clone();
    p.insert("description".into(), json!({ "type": "string" }));
    p.insert(
        "type".into(),
        json!({ "enum": ["release", "operational", "experiment", "permission"] }),
    );
    p.insert("owner".into(), json!({ "type": "string" }));
    p.insert("created".into(), date.clone());
    p.insert("expires".into(), date);
    p.insert("ticket".into(), json!({ "type": "string" }));
    p.insert("tags".into(), strings.clone());
    p.insert("aliases".into(), strings.clone());
    p.insert(
        "environments".into(),
        json!({ "type": "object", "additionalProperties": env_override }),
    );
    let all: Vec<&str> = fields::FLAG_META
        .iter()
        .chain(fields::TARGETING)
        .copied()
        .collect();
    let flag = object(&all, &p, &["type", "owner"]);

    let mut p = Map::new();
    p.insert("description".into(), json!({ "type": "string" }));
    p.insert("users".into(), strings.clone());
    p.insert("when".into(), when);
    let segment = object(fields::SEGMENT, &p, &[]);

    let lifetime = json!({ "type": "string", "pattern": "^(\\d+[dw]|never)$" });
    let mut p = Map::new();
    for t in fields::LIFETIMES {
        p.insert((*t).to_string(), lifetime.clone());
    }
    let lifetimes = object(fields::LIFETIMES, &p, &[]);
    let mut p = Map::new();
    p.insert("paths".into(), strings.clone());
    p.insert("exclude".into(), strings.clone());
    p.insert(
        "aliases".into(),
        json!({ "type": "array", "items": { "enum": ["kebab", "snake", "screaming_snake", "camel", "pascal", "dot"] } }),
    );
    p.insert("patterns".into(), strings.clone());
    let mut areas = Map::new();
    areas.insert("test".into(), strings.clone());
    areas.insert("docs".into(), strings.clone());
    p.insert("areas".into(), object(fields::AREAS, &areas, &[]));
    p.insert("definitions".into(), strings.clone());
    let scan = object(fields::SCAN, &p, &[]);
    let mut p = Map::new();
    p.insert(
        "calls".into(),
        json!({ "type": "array", "items": { "type": "string" }, "description": "function or method names (optionally qualified) whose calls check a flag; replaces the built-in SDK list" }),
    );
    let cleanup = object(fields::CLEANUP, &p, &[]);
    let mut p = Map::new();
    p.insert("service".into(), json!({ "type": "string" }));
    p.insert("lifetimes".into(), lifetimes);
    p.insert("expiry_warning".into(), duration.clone());
    p.insert("max_expiry".into(), duration.clone());
    p.insert("launched_after".into(), duration.clone());
    p.insert("unused_after".into(), duration);
    p.insert(
        "constant_min_evaluations".into(),
        json!({ "type": "integer", "minimum": 1 }),
    );
    p.insert("environments".into(), strings);
    p.insert("scan".into(), scan);
    p.insert("contexts".into(), json!({ "type": "string" }));
    p.insert("cleanup".into(), cleanup);
    let settings = object(fields::SETTINGS, &p, &[]);

    let mut p = Map::new();
    p.insert("version".into(), json!({ "const": 1 }));
    p.insert("settings".into(), settings);
    p.insert(
        "segments".into(),
        json!({ "type": "object", "propertyNames": { "pattern": key_pattern }, "additionalProperties": segment }),
    );
    p.insert(
        "flags".into(),
        json!({ "type": "object", "propertyNames": { "pattern": key_pattern }, "additionalProperties": flag }),
    );
    let mut root = object(fields::ROOT, &p, &["version"]);
    root["$schema"] = json!("http://json-schema.org/draft-07/schema#");
    root["$id"] = json!("https://github.com/flagctl/flagctl/schema/flags-v1.json");
    root["title"] = json!("flagctl flags.yaml (format version 1)");
    root
}
