//! SARIF 2.1.0 for code-scanning upload: one rule per diagnostic code, one result
//! per diagnostic.

use crate::diag::Code;
use crate::diag::{Diagnostic, Severity};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Builds the SARIF log. `describe` gives each rule's short description.
pub fn log(diagnostics: &[Diagnostic]) -> Value {
    let mut rules: BTreeMap<&str, usize> = BTreeMap::new();
    for d in diagnostics {
        rules.entry(d.code.as_str()).or_insert(0);
    }
    for (i, v) in rules.values_mut().enumerate() {
        *v = i;
    }
    let rule_list: Vec<Value> = rules
        .keys()
        .map(|code| {
            json!({
                "id": code,
                "name": code,
                "shortDescription": { "text": Code::parse(code).map_or("", Code::summary) },
                "helpUri": format!("https://github.com/flagctl/flagctl#{code}"),
            })
        })
        .collect();
    let results: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            let mut result = json!({
                "ruleId": d.code,
                "ruleIndex": rules[d.code.as_str()],
                "level": match d.severity { Severity::Error => "error", Severity::Warning => "warning" },
                "message": { "text": d.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": d.file.replace('\\', "/") },
                        "region": { "startLine": d.line, "startColumn": d.column }
                    }
                }],
            });
            if let Some(flag) = &d.flag {
                result["properties"] = json!({ "flag": flag });
            }
            result
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "flagctl",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://github.com/flagctl/flagctl",
                    "rules": rule_list,
                }
            },
            "results": results,
        }]
    })
}
