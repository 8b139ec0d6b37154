//! The test-spec reader (`flagctl test`) on arbitrary text, against the bundled
//! flags.yaml and named contexts; every decoded test is then evaluated as the
//! command would.
#![no_main]

use flagctl::eval::Engine;
use flagctl::eval::context::{NamedContexts, decode_contexts};
use flagctl::eval::spec::decode_spec;
use flagctl::model::{Loaded, load_text};
use libfuzzer_sys::fuzz_target;
use std::path::Path;
use std::sync::OnceLock;

fn fixtures() -> &'static (Loaded, NamedContexts) {
    static FIXTURES: OnceLock<(Loaded, NamedContexts)> = OnceLock::new();
    FIXTURES.get_or_init(|| {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 21).expect("date");
        let flags = include_str!("../../flags.yaml");
        let loaded = load_text(Path::new("flags.yaml"), "flags.yaml", flags, today);
        let (contexts, _) = decode_contexts(
            "contexts.yaml",
            include_str!("../../fixtures/contexts.yaml"),
        );
        (loaded, contexts)
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (loaded, contexts) = fixtures();
    let (cases, _diagnostics) = decode_spec("flags.test.yaml", text, &loaded.file, Some(contexts));
    let engine = Engine::new(&loaded.file);
    for case in &cases {
        let Some(flag) = loaded.file.flag(&case.flag.value) else {
            continue;
        };
        let env = case.env.as_ref().map(|e| e.value.as_str());
        let prepared = engine.prepare(flag, env);
        let pin = case.bucket.as_ref().map(|b| b.value);
        let mut trace = Vec::new();
        let _ = engine.evaluate(&prepared, &case.context, pin, Some(&mut trace));
    }
});
