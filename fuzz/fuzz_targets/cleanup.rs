//! The cleanup rewriter on arbitrary source text: the first byte picks the language
//! and the kept value, the rest is the file. Beyond "no panic" and termination: every
//! edit lies inside the original file, and a rewrite the planner would accept (one
//! that parses as well as the original) can be rewritten again without panicking.
#![no_main]

use flagctl::cleanup::parses_as_well;
use flagctl::cleanup::rewrite::{Job, rewrite};
use flagctl::syntax::{Calls, Lang};
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};

const LANGS: [Lang; 8] = [
    Lang::TypeScript,
    Lang::Tsx,
    Lang::JavaScript,
    Lang::Python,
    Lang::Go,
    Lang::Java,
    Lang::Kotlin,
    Lang::Ruby,
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let Ok(src) = std::str::from_utf8(rest) else {
        return;
    };
    let lang = LANGS[usize::from(pick & 7)];
    let keep: Value = match pick >> 3 & 3 {
        0 => json!(true),
        1 => json!(false),
        2 => json!("variant-b"),
        _ => json!(3),
    };
    // Longest first, as the planner passes them.
    let spellings: Vec<String> = ["new-checkout", "NEW_CHECKOUT", "newCheckout", "nc"]
        .map(String::from)
        .to_vec();
    let calls = Calls::defaults();
    let job = Job {
        lang,
        spellings: &spellings,
        calls: &calls,
        keep: &keep,
        definitions_file: pick & 0x20 != 0,
        keep_declarations: &[],
    };
    let Some(out) = rewrite(&job, src) else {
        return;
    };
    let lines = src.lines().count().max(1) as u64 + 1;
    for e in &out.edits {
        assert!(
            1 <= e.line && e.line <= e.end_line && e.end_line <= lines,
            "edit outside the file: {e:?}"
        );
    }
    for r in &out.review {
        assert!(1 <= r.line && r.line <= lines, "review outside the file: {r:?}");
    }
    if parses_as_well(lang, src, &out.text) {
        let _ = rewrite(&job, &out.text);
    }
});
