//! Condition and context decoding: the bytes are split at the first newline into a
//! context (read as a JSON object, as a batch line, and as `--context KEY=VALUE`
//! pairs separated by `;`) and YAML (read as a `when:` mapping, compiled into a rule
//! of a flag that is then evaluated for each context, and as a named contexts file).
#![no_main]

use flagctl::diag::Pos;
use flagctl::eval::Engine;
use flagctl::eval::batch::{KeySet, parse_line};
use flagctl::eval::context::{Context, decode_contexts, parse_cli_value, set_path};
use flagctl::model::condition::decode_when;
use flagctl::model::decode::Decoder;
use flagctl::model::{Flag, FlagsFile, Rule, Serve, Sp, Targeting, yaml};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let split = data.iter().position(|&b| b == b'\n').unwrap_or(data.len());
    let (context_bytes, rest) = data.split_at(split);
    let rest = rest.get(1..).unwrap_or_default();
    let Ok(yaml_text) = std::str::from_utf8(rest) else {
        return;
    };
    let (_named, _diags) = decode_contexts("contexts.yaml", yaml_text);
    let Ok(node) = yaml::parse(yaml_text) else {
        return;
    };
    let mut dec = Decoder::new("flags.yaml");
    let when = decode_when(&node, &mut dec, &"when");
    let attributes: Vec<String> = when.iter().map(|c| c.attribute.clone()).collect();
    let mut file = FlagsFile::default();
    file.flags.push(flag_with(when));
    file.index();
    let engine = Engine::new(&file);
    let prepared = engine.prepare(&file.flags[0], None);

    let mut contexts: Vec<Context> = Vec::new();
    if let Ok(serde_json::Value::Object(m)) = serde_json::from_slice(context_bytes) {
        contexts.push(m);
    }
    if let Ok(text) = std::str::from_utf8(context_bytes) {
        let mut cli = Context::new();
        for pair in text.split(';') {
            if let Some((k, v)) = pair.split_once('=') {
                set_path(&mut cli, k, parse_cli_value(v));
            }
        }
        contexts.push(cli);
    }
    for ctx in &contexts {
        let mut trace = Vec::new();
        let _ = engine.evaluate(&prepared, ctx, None, Some(&mut trace));
        let _ = engine.evaluate(&prepared, ctx, Some(50), None);
    }
    let keys = KeySet::new(attributes);
    if let Ok(line) = parse_line(context_bytes, 1, &keys) {
        let _ = engine.evaluate(&prepared, &line, None, None);
    }
});

/// A flag whose one rule holds the fuzzed conditions.
fn flag_with(when: Vec<flagctl::model::Condition>) -> Flag {
    let pos = Pos::START;
    Flag {
        key: "f".into(),
        pos,
        description: None,
        flag_type: None,
        owner: None,
        created: None,
        expires: None,
        ticket: None,
        tags: Vec::new(),
        aliases: Vec::new(),
        targeting: Targeting {
            rules: Some(vec![Rule {
                name: None,
                index: 0,
                pos,
                when,
                segments: Vec::new(),
                rollout: Some(Sp::new(50, pos)),
                serve: Serve::Value(Sp::new(serde_json::Value::Bool(true), pos)),
            }]),
            ..Targeting::default()
        },
        environments: Vec::new(),
    }
}
