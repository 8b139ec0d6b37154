//! The loader and validator on arbitrary bytes, with every diagnostic output format
//! rendered. Beyond "no panic", it checks what the property test checks: every
//! diagnostic points inside the file, and the parallel parser agrees with the
//! sequential one wherever it answers.
#![no_main]

use flagctl::model::{load, yaml};
use flagctl::render::{Paint, github, sarif, text};
use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 21).expect("date");
    let loaded = load::load_bytes(Path::new("flags.yaml"), "flags.yaml", data, today);
    let shown = String::from_utf8_lossy(data);
    let lines: Vec<&str> = yaml::lines(&shown).collect();
    for d in &loaded.diagnostics {
        let width = lines
            .get((d.line as usize).wrapping_sub(1))
            .map_or(0, |l| l.chars().count());
        assert!(
            d.line >= 1 && (d.line as usize) <= lines.len().max(1),
            "line outside the file: {d:?}"
        );
        assert!(
            d.column >= 1 && (d.column as usize) <= width + 1,
            "column outside its line: {d:?}"
        );
    }
    if let Ok(text) = std::str::from_utf8(data) {
        if let Some(parallel) = yaml::parse_parallel(text) {
            // As text: `.nan` is not equal to itself.
            let sequential = yaml::parse_sequential(text).map(|n| format!("{n:?}"));
            assert_eq!(
                sequential.ok(),
                Some(format!("{parallel:?}")),
                "parsers differ"
            );
        }
    }
    let mut out = Vec::new();
    let sources = [("flags.yaml", loaded.text.as_str())];
    text::write_all(&mut out, &loaded.diagnostics, &sources, Paint::PLAIN).expect("text");
    text::write_all(
        &mut out,
        &loaded.diagnostics,
        &sources,
        Paint { enabled: true },
    )
    .expect("text in color");
    github::write_all(&mut out, &loaded.diagnostics).expect("github");
    let log = sarif::log(&loaded.diagnostics);
    serde_json::to_writer(&mut out, &log).expect("sarif");
    serde_json::to_writer(&mut out, &loaded.diagnostics).expect("json");
});
