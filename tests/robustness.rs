//! No input may panic the loader: thousands of deterministic mutations of the bundled
//! flags.yaml (byte flips, deletions, duplications, truncations) must all load, with
//! or without diagnostics; and on generated files the loader's invariants hold (see
//! `loader_invariants_on_generated_files`).

use chrono::NaiveDate;
use std::path::Path;

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

#[test]
fn mutated_flag_files_never_panic() {
    let original = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("flags.yaml"))
        .expect("flags.yaml");
    let today = NaiveDate::from_ymd_opt(2026, 11, 21).expect("date");
    let alphabet = b" :-[]{}#&*!|>'\"\t\n,?%@`0123456789abcdefxyz\xc3\xa9\xff";
    let mut rng = Rng(0x5eed_f1a6);
    for i in 0..3000 {
        let mut bytes = original.clone();
        for _ in 0..=rng.below(4) {
            let at = rng.below(bytes.len());
            match rng.below(5) {
                0 => bytes[at] = alphabet[rng.below(alphabet.len())],
                1 => {
                    let end = (at + rng.below(40)).min(bytes.len());
                    bytes.drain(at..end);
                }
                2 => {
                    let end = (at + rng.below(200)).min(bytes.len());
                    let copy = bytes[at..end].to_vec();
                    let to = rng.below(bytes.len());
                    bytes.splice(to..to, copy);
                }
                3 => bytes.truncate(at),
                _ => bytes.insert(at, alphabet[rng.below(alphabet.len())]),
            }
            if bytes.is_empty() {
                break;
            }
        }
        let loaded =
            flagctl::model::load::load_bytes(Path::new("flags.yaml"), "flags.yaml", &bytes, today);
        for d in &loaded.diagnostics {
            assert!(
                d.line >= 1 && d.column >= 1,
                "mutation {i}: bad position in {d:?}"
            );
        }
    }
}

/// Scalars worth trying in any position: valid values, near misses, odd numbers and
/// strings, multibyte text.
const SCALARS: &[&str] = &[
    "1",
    "0",
    "-1",
    "100",
    "100.0",
    "12.5",
    "1e300",
    ".nan",
    "true",
    "false",
    "null",
    "~",
    "on",
    "yes",
    "2026-12-01",
    "2026-02-30",
    "40d",
    "6w",
    "5é",
    "never",
    "2000000000000000000w",
    "team",
    "\"quoted: #1\"",
    "'it''s'",
    "[a, b]",
    "{ x: 1 }",
    "é✓",
    "v1",
    "release",
    "experiment",
    "operational",
    "permission",
    "\"\"",
    "*nope",
    "&anchor x",
    "!!str 12",
];

const FIELDS: &[&str] = &[
    "description",
    "type",
    "owner",
    "created",
    "expires",
    "ticket",
    "tags",
    "aliases",
    "enabled",
    "kill_switch",
    "rollout",
    "segments",
    "bucket_by",
    "salt",
    "value",
    "off",
    "ownr",
    "rolout",
    "environmnets",
];

const OPERATORS: &[&str] = &[
    "eq",
    "neq",
    "in",
    "not_in",
    "contains",
    "starts_with",
    "ends_with",
    "matches",
    "gt",
    "gte",
    "lt",
    "lte",
    "before",
    "after",
    "semver_gt",
    "in_cidr",
    "exists",
    "ignore_case",
    "equals",
];

/// A scalar from [`SCALARS`]; `plain` ones only (no tags, anchors or aliases).
fn scalar(rng: &mut Rng, plain: bool) -> &'static str {
    loop {
        let s = rng.pick(SCALARS);
        if !plain || !s.starts_with(['*', '&', '!']) {
            return s;
        }
    }
}

/// A flags file drawn from the format's grammar, with wrong values, unknown fields,
/// duplicates, anchors and merge keys mixed in; `flags` flags. `plain` leaves out the
/// anchors, aliases and tabs that make the parallel parser decline.
fn generated_file(rng: &mut Rng, flags: usize, plain: bool) -> String {
    let mut s = String::new();
    if !rng.chance(5) {
        s.push_str(rng.pick(&[
            "version: 1\n",
            "version: 2\n",
            "version: \"1\"\n",
            "version: 1.0\n",
        ]));
    }
    if rng.chance(60) {
        s.push_str("settings:\n");
        for (k, vals) in [
            (
                "expiry_warning",
                &["14d", "5é", "0d", "2000000000000000000w", "x"][..],
            ),
            ("max_expiry", &["180d", "26w", "never", "-1d"][..]),
            (
                "environments",
                &["[production, staging]", "[a, a]", "x", "[]"][..],
            ),
            ("service", &["svc", "[1]"][..]),
        ] {
            if rng.chance(50) {
                s.push_str(&format!("  {k}: {}\n", rng.pick(vals)));
            }
        }
        if rng.chance(30) {
            s.push_str("  scan:\n    patterns: ['isOn\\((\"[a-z-]+\")', '(unclosed']\n");
        }
    }
    let segments = rng.below(4);
    if segments > 0 {
        s.push_str("segments:\n");
        for i in 0..segments {
            let anchor = if !plain && rng.chance(20) {
                " &seg"
            } else {
                ""
            };
            s.push_str(&format!(
                "  seg-{i}:{anchor}\n    users: [u-{i}, {}]\n",
                scalar(rng, plain)
            ));
            if rng.chance(50) {
                s.push_str(&format!(
                    "    when:\n      plan: {{ {}: {} }}\n",
                    rng.pick(OPERATORS),
                    scalar(rng, plain)
                ));
            }
        }
    }
    s.push_str("flags:\n");
    for i in 0..flags {
        let key = if rng.chance(3) {
            rng.pick(&["\"bad key\"", "''", "dup", "é"]).to_string()
        } else {
            format!("flag-{i}")
        };
        s.push_str(&format!("  {key}:\n"));
        if !plain && rng.chance(10) {
            s.push_str("    <<: *seg\n");
        }
        for _ in 0..rng.below(6) {
            s.push_str(&format!(
                "    {}: {}\n",
                rng.pick(FIELDS),
                scalar(rng, plain)
            ));
        }
        if rng.chance(30) {
            s.push_str(&format!(
                "    off: {}\n    variants:\n      a: {{ value: {}, weight: {} }}\n      b: {{ value: v2, weight: {} }}\n",
                scalar(rng, plain),
                scalar(rng, plain),
                rng.pick(&["1", "0", "-3", "2.0", "x"]),
                rng.pick(&["1", "0", "50.0"])
            ));
        }
        if rng.chance(30) {
            s.push_str(&format!(
                "    rules:\n      - {}: {}\n        when: {{ attr: {{ {}: {} }} }}\n",
                rng.pick(&["value", "variant", "name", "segments"]),
                scalar(rng, plain),
                rng.pick(OPERATORS),
                scalar(rng, plain)
            ));
        }
        if rng.chance(20) {
            s.push_str(&format!(
                "    environments:\n      {}: {{ rollout: {} }}\n",
                rng.pick(&["production", "staging", "nowhere"]),
                scalar(rng, plain)
            ));
        }
        if rng.chance(10) {
            // Deep nesting near the limit.
            let depth = 55 + rng.below(10);
            s.push_str(&format!(
                "    value: {}{}\n",
                "[".repeat(depth),
                "]".repeat(depth)
            ));
        }
    }
    if !plain && rng.chance(10) {
        s.push('\t');
    }
    s
}

/// Where a diagnostic may point: a line of the text (as YAML breaks lines), a column
/// up to one past its end.
fn inside(text: &str, line: u32, column: u32) -> bool {
    let lines: Vec<&str> = flagctl::model::yaml::lines(text).collect();
    let count = lines.len().max(1);
    let width = lines
        .get(line as usize - 1)
        .map_or(0, |l| l.chars().count());
    line >= 1 && (line as usize) <= count && column >= 1 && (column as usize) <= width + 1
}

/// The loader's invariants on generated files: it never panics; every diagnostic
/// points inside the file; the parallel parser, where it answers, gives exactly the
/// sequential parser's tree (and declines where the sequential parser fails); every
/// renderer accepts the diagnostics; and the `validate` binary's exit code and counts
/// agree with the diagnostics.
#[test]
fn loader_invariants_on_generated_files() {
    use flagctl::diag::Counts;
    use flagctl::model::yaml;
    use flagctl::render::{Paint, github, sarif, text};
    let today = NaiveDate::from_ymd_opt(2026, 11, 21).expect("date");
    let mut rng = Rng(0xf1a6_c71d);
    let mut parallel_checked = 0;
    let dir = tempfile::tempdir().expect("tempdir");
    for case in 0..600 {
        // Every 10th file has enough flags for the parallel parser to split it.
        let flags = if case % 10 == 0 {
            40 + rng.below(40)
        } else {
            rng.below(6)
        };
        let mut text = generated_file(&mut rng, flags, case % 20 == 0);
        if case % 20 != 0 && rng.chance(25) {
            // A few byte-level edits on top, kept UTF-8.
            for _ in 0..=rng.below(3) {
                let mut at = rng.below(text.len());
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                match rng.below(3) {
                    0 => text.insert_str(
                        at,
                        rng.pick(&[
                            ":", "-", "[", "{", "\n", "\r", "#", "'", "\"", " ", "\t", "é",
                        ]),
                    ),
                    1 => text.truncate(at),
                    _ => {
                        let mut end = (at + rng.below(30)).min(text.len());
                        while !text.is_char_boundary(end) {
                            end -= 1;
                        }
                        text.replace_range(at..end, "");
                    }
                }
            }
        }
        let loaded = flagctl::model::load_text(Path::new("flags.yaml"), "flags.yaml", &text, today);
        for d in &loaded.diagnostics {
            assert!(
                inside(&text, d.line, d.column),
                "case {case}: {d:?} outside\n{text}"
            );
        }
        let sequential = yaml::parse_sequential(&text);
        if let Some(parallel) = yaml::parse_parallel(&text) {
            parallel_checked += 1;
            // Compared as text: `.nan` is not equal to itself.
            let seq = sequential.as_ref().ok().map(|n| format!("{n:?}"));
            assert!(
                seq == Some(format!("{parallel:?}")),
                "case {case}: the parallel parser differs\n{text}"
            );
        }
        // Padded past the size where `parse` goes parallel by itself, the result is
        // the sequential one.
        if case % 10 == 0 {
            let padded = format!("{text}{}", "#\n".repeat(yaml::PARALLEL_MIN_BYTES / 2));
            let whole = format!("{:?}", yaml::parse(&padded));
            let one = format!("{:?}", yaml::parse_sequential(&padded));
            assert!(
                whole == one,
                "case {case}: parse and parse_sequential differ\n{text}"
            );
        }
        let counts = Counts::of(&loaded.diagnostics);
        assert_eq!(counts.errors > 0, loaded.has_errors());
        let mut sink = Vec::new();
        text::write_all(
            &mut sink,
            &loaded.diagnostics,
            &[("flags.yaml", &loaded.text)],
            Paint::PLAIN,
        )
        .expect("text");
        github::write_all(&mut sink, &loaded.diagnostics).expect("github");
        let _ = sarif::log(&loaded.diagnostics);
        if case % 20 == 0 {
            let path = dir.path().join(format!("case-{case}.yaml"));
            std::fs::write(&path, &text).expect("write");
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_flagctl"))
                .args([
                    "validate",
                    "--format",
                    "json",
                    "--now",
                    "2026-11-21",
                    "--flags",
                ])
                .arg(&path)
                .output()
                .expect("run validate");
            let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
            let code = out.status.code();
            assert_eq!(
                code,
                Some(if counts.errors > 0 { 1 } else { 0 }),
                "case {case}: {doc}"
            );
            assert_eq!(doc["errors"], counts.errors, "case {case}");
            assert_eq!(doc["warnings"], counts.warnings, "case {case}");
            assert_eq!(doc["passed"], counts.errors == 0, "case {case}");
            assert_eq!(
                doc["diagnostics"].as_array().map(Vec::len),
                Some(loaded.diagnostics.len()),
                "case {case}"
            );
        }
    }
    if std::thread::available_parallelism().map_or(1, |n| n.get()) >= 2 {
        assert!(
            parallel_checked >= 10,
            "the parallel parser answered only {parallel_checked} times"
        );
    } else {
        println!("note: one CPU, so the parallel parser was not compared");
    }
}

/// Inputs the fuzz targets found, kept as regression tests of the same invariants.
#[test]
fn fuzz_findings_stay_fixed() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 21).expect("date");
    let findings: &[&[u8]] = &[
        // `load`: a lone `\r` ends a line for the parser; the diagnostic on line 11
        // was "outside" a file that `str::lines` saw as 10 lines.
        b"version: 1\nsettin/gs:\n  service: demo\nersion: 1\nflags:\n  checkout-v2:\r    type: release\n    ownr: checkout-team\n    description: The redesigned checkout\n    expires: 2027-11-01\n    rollout: 12.5",
        // The same line ends before a byte that is not UTF-8.
        b"version: 1\rflags:\r  a: \xff\n",
    ];
    for (i, bytes) in findings.iter().enumerate() {
        let loaded =
            flagctl::model::load::load_bytes(Path::new("flags.yaml"), "flags.yaml", bytes, today);
        let text = String::from_utf8_lossy(bytes);
        assert!(!loaded.diagnostics.is_empty(), "finding {i}");
        for d in &loaded.diagnostics {
            assert!(
                inside(&text, d.line, d.column),
                "finding {i}: {d:?} outside"
            );
        }
    }
}
