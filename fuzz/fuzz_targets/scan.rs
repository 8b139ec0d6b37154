//! The scanner on arbitrary bytes: the token matcher alone (every hit in bounds, in
//! order, not overlapping, a whole token, and one of the spellings it was built
//! from), line and column location of each hit, then a whole scan of the bytes as a
//! source file (pattern captures, undefined keys, context lines).
#![no_main]

use flagctl::model::{Loaded, load_text};
use flagctl::scan::matcher::{Matcher, is_token_byte};
use flagctl::scan::records::LineCursor;
use flagctl::scan::{self, Root, ScanOptions};
use libfuzzer_sys::fuzz_target;
use std::path::Path;
use std::sync::OnceLock;

/// Flags whose spellings exercise the matcher: dots, dashes, digits, literal aliases
/// that start or end outside the token set, generated alias styles, and a pattern.
const FLAGS: &str = r#"version: 1
settings:
  scan:
    aliases: [kebab, snake, screaming_snake, camel, pascal, dot]
    patterns: ['isFeatureEnabled\(\s*["'']([A-Za-z0-9._:-]+)["'']', 'flag\(([^)]*)\)']
flags:
  new-payment-processor: { type: operational, owner: o, aliases: [USE_NEW_PROCESSOR, "$flags.np", "x-"] }
  a: { type: operational, owner: o }
  v2.search: { type: operational, owner: o, aliases: ["@search", "é-mode"] }
  checkout_v2: { type: operational, owner: o }
"#;

struct Setup {
    loaded: Loaded,
    matcher: Matcher,
    dir: tempfile::TempDir,
}

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 21).expect("date");
        let loaded = load_text(Path::new("flags.yaml"), "flags.yaml", FLAGS, today);
        assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
        let matcher = Matcher::new(&loaded.file, None);
        let dir = tempfile::tempdir().expect("tempdir");
        Setup {
            loaded,
            matcher,
            dir,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let s = setup();
    let mut hits = Vec::new();
    s.matcher.find(data, &mut hits);
    let mut end = 0;
    let mut cursor = LineCursor::new(data);
    for h in &hits {
        assert!(
            h.start >= end && h.start < h.end && h.end <= data.len(),
            "{h:?}"
        );
        end = h.end;
        let matched = &data[h.start..h.end];
        let targets = s.matcher.targets(h);
        assert!(!targets.is_empty());
        // A whole token: what surrounds a spelling that starts or ends with a token
        // byte is not one.
        if is_token_byte(matched[0]) && h.start > 0 {
            assert!(
                !is_token_byte(data[h.start - 1]),
                "{h:?} starts inside a token"
            );
        }
        if is_token_byte(matched[matched.len() - 1]) && h.end < data.len() {
            assert!(!is_token_byte(data[h.end]), "{h:?} ends inside a token");
        }
        let loc = cursor.locate(h.start);
        assert!(loc.line >= 1 && loc.column >= 1);
        let _ = cursor.context(loc.span, 2);
    }
    // A whole scan (a walker, threads, a file write) is a hundred times slower than
    // the matcher: do it for a quarter of the inputs, chosen by length so a replayed
    // input does the same.
    if data.len() % 4 != 0 {
        return;
    }
    let file = s.dir.path().join("code.txt");
    if std::fs::write(&file, data).is_err() {
        return;
    }
    let mut opts = ScanOptions::new(vec![Root::from_arg(s.dir.path(), s.dir.path())]);
    opts.context = Some(1);
    opts.hidden = true;
    opts.threads = 1;
    let result = scan::scan(&s.loaded.file, &opts).expect("scan");
    for r in &result.references {
        assert!(r.line >= 1 && r.column >= 1, "{r:?}");
    }
});
