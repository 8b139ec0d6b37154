//! SARIF 2.1.0 for code-scanning upload: one rule per diagnostic code (with its
//! explanation), one result per diagnostic. Every result carries a partial fingerprint
//! built from its code, flag and file, not its line, so GitHub keeps tracking an alert
//! when the lines around it move.

use crate::diag::{Code, Diagnostic, Severity};
use crate::eval::hash::murmur3_32;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// The SARIF log of `diagnostics`.
pub fn log(diagnostics: &[Diagnostic]) -> Log<'_> {
    let mut codes: Vec<Code> = diagnostics.iter().map(|d| d.code).collect();
    codes.sort_by_key(|c| c.as_str());
    codes.dedup();
    let index: HashMap<Code, usize> = codes.iter().enumerate().map(|(i, c)| (*c, i)).collect();
    let rules = codes
        .iter()
        .map(|&code| Rule {
            id: code.as_str(),
            name: code.as_str(),
            short_description: Text {
                text: code.summary(),
            },
            full_description: Text {
                text: code.explanation(),
            },
            help: Text {
                text: code.explanation(),
            },
        })
        .collect();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let results = diagnostics
        .iter()
        .map(|d| {
            // Identical code, flag and file: tell them apart by their order in the file,
            // which survives lines moving around them.
            let identity = format!(
                "{}\u{0}{}\u{0}{}",
                d.code,
                d.flag.as_deref().unwrap_or(&d.message),
                d.file
            );
            let n = seen.entry(identity.clone()).or_insert(0);
            *n += 1;
            let key = format!("{identity}\u{0}{n}");
            let fingerprint = format!(
                "{:08x}{:08x}",
                murmur3_32(key.as_bytes(), 0),
                murmur3_32(key.as_bytes(), 0x5eed)
            );
            SarifResult {
                rule_id: d.code.as_str(),
                rule_index: index.get(&d.code).copied().unwrap_or(0),
                level: d.severity,
                message: Text { text: &d.message },
                locations: [Location {
                    physical_location: PhysicalLocation {
                        artifact_location: Artifact { uri: uri(&d.file) },
                        region: Region {
                            start_line: d.line,
                            start_column: d.column,
                            end_line: d.end.map(|e| e.line),
                            end_column: d.end.map(|e| e.column),
                        },
                    },
                }],
                partial_fingerprints: BTreeMap::from([("flagctl/v1", fingerprint)]),
                properties: d.flag.as_deref().map(|flag| Properties { flag }),
            }
        })
        .collect();
    Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "flagctl",
                    version: env!("CARGO_PKG_VERSION"),
                    rules,
                },
            },
            results,
        }],
    }
}

/// A file name as a URI reference: `/` separators, and every byte that is not
/// unreserved or `/` percent-encoded (spaces, `#`, `%`, control characters).
fn uri(path: &str) -> String {
    let mut s = String::with_capacity(path.len());
    for b in path.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.' | b'~') {
            s.push(char::from(b));
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

/// The top-level SARIF document.
#[derive(Serialize)]
pub struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
struct Run<'a> {
    tool: Tool,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
struct Driver {
    name: &'static str,
    version: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: &'static str,
    name: &'static str,
    short_description: Text<'static>,
    full_description: Text<'static>,
    help: Text<'static>,
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'static str,
    rule_index: usize,
    level: Severity,
    message: Text<'a>,
    locations: [Location; 1],
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<Properties<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: Artifact,
    region: Region,
}

#[derive(Serialize)]
struct Artifact {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    /// The end of the offending scalar, when known, so code scanning highlights all
    /// of it.
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<u32>,
}

#[derive(Serialize)]
struct Properties<'a> {
    flag: &'a str,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Pos;

    #[test]
    fn fingerprints_ignore_lines_and_uris_are_encoded() {
        let d = |line| {
            Diagnostic::error("src/a b#.ts", Pos::new(line, 3), Code::Undefined, "m").with_flag("f")
        };
        let a = serde_json::to_value(log(&[d(10), d(20)])).expect("json");
        let b = serde_json::to_value(log(&[d(11), d(25)])).expect("json");
        let fp = |v: &serde_json::Value, i: usize| {
            v["runs"][0]["results"][i]["partialFingerprints"].clone()
        };
        assert_eq!(fp(&a, 0), fp(&b, 0));
        assert_eq!(fp(&a, 1), fp(&b, 1));
        assert_ne!(fp(&a, 0), fp(&a, 1));
        assert_eq!(
            a["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "src/a%20b%23.ts"
        );
    }
}
