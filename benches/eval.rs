//! In-process evaluation benchmarks (divan): `cargo bench --bench eval`.
//!
//! - `evaluate`: one evaluation of a flag with 2 flag-level segments, a 50% rollout
//!   and 3 rules, over a rotating set of contexts (so branch prediction and caches see
//!   realistic variety). This is the figure reported for issue 3 (ns per evaluation).
//! - `evaluate_explained`: the same with an `--explain` trace recorded.
//! - `batch_line`: the batch path for one JSON line: parse, evaluate, write jsonl.
//! - `rollout_bucket`: the murmur3 bucket alone.

use divan::{Bencher, black_box};
use flagctl::eval::batch::{KeySet, parse_line};
use flagctl::eval::output::write_result;
use flagctl::eval::{Context, Engine, hash};
use flagctl::model::{FlagsFile, load_text};
use serde_json::{Value, json};
use std::path::Path;

fn main() {
    divan::main();
}

const FLAGS: &str = r#"version: 1
segments:
  beta:
    users: [u-1, u-2, u-3, u-4, u-5, u-6, u-7, u-8]
  customers:
    when:
      plan: { in: [pro, enterprise] }
      country: { not_in: [XX] }
flags:
  checkout:
    type: operational
    owner: bench
    description: 2 segments, a rollout and 3 rules
    segments: [beta, customers]
    rollout: 50
    value: standard
    off: legacy
    rules:
      - name: mobile-old
        when:
          platform: { in: [ios, android] }
          appVersion: { semver_lt: 5.2.0 }
        value: legacy
      - name: eu
        when:
          country: { in: [DE, FR, NL], ignore_case: true }
          route: { starts_with: /checkout }
        value: eu
      - name: enterprise
        when:
          plan: { eq: enterprise }
        rollout: 80
        value: premium
"#;

fn file() -> FlagsFile {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).expect("date");
    let loaded = load_text(Path::new("flags.yaml"), "flags.yaml", FLAGS, today);
    assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
    loaded.file
}

fn contexts() -> Vec<Value> {
    let plans = ["free", "pro", "enterprise"];
    let countries = ["DE", "us", "fr", "JP"];
    let platforms = ["web", "ios", "android"];
    (0..1024)
        .map(|i| {
            json!({
                "userId": format!("user-{i}"),
                "plan": plans[i % 3],
                "country": countries[i % 4],
                "platform": platforms[i % 3],
                "appVersion": if i % 2 == 0 { "5.1.9" } else { "5.3.0" },
                "route": if i % 5 == 0 { "/home" } else { "/checkout/cart" },
            })
        })
        .collect()
}

#[divan::bench(sample_count = 200, sample_size = 2000)]
fn evaluate(bencher: Bencher) {
    let f = file();
    let engine = Engine::new(&f);
    let p = engine.prepare(&f.flags[0], None);
    let contexts: Vec<Context> = contexts()
        .into_iter()
        .filter_map(|v| match v {
            Value::Object(m) => Some(m),
            _ => None,
        })
        .collect();
    let mut i = 0;
    bencher.bench_local(|| {
        i = (i + 1) & 1023;
        black_box(engine.evaluate(&p, black_box(&contexts[i]), None, None));
    });
}

#[divan::bench(sample_count = 200, sample_size = 2000)]
fn evaluate_explained(bencher: Bencher) {
    let f = file();
    let engine = Engine::new(&f);
    let p = engine.prepare(&f.flags[0], None);
    let contexts: Vec<Context> = contexts()
        .into_iter()
        .filter_map(|v| match v {
            Value::Object(m) => Some(m),
            _ => None,
        })
        .collect();
    let mut i = 0;
    bencher.bench_local(|| {
        i = (i + 1) & 1023;
        let mut steps = Vec::new();
        black_box(engine.evaluate(&p, black_box(&contexts[i]), None, Some(&mut steps)));
        black_box(steps);
    });
}

#[divan::bench(sample_count = 200, sample_size = 2000)]
fn batch_line(bencher: Bencher) {
    let f = file();
    let engine = Engine::new(&f);
    let flags = vec![engine.prepare(&f.flags[0], None)];
    let keys = KeySet::new(engine.attributes_used(&flags));
    let lines: Vec<String> = contexts().iter().map(Value::to_string).collect();
    let mut out = Vec::with_capacity(1 << 16);
    let mut i = 0;
    bencher.bench_local(|| {
        i = (i + 1) & 1023;
        out.clear();
        if let Ok(ctx) = parse_line(black_box(lines[i].as_bytes()), 1, &keys) {
            let r = engine.evaluate(&flags[0], &ctx, None, None);
            write_result(&mut out, &r, Some(1), None);
        }
        black_box(&out);
    });
}

#[divan::bench(sample_count = 200, sample_size = 2000)]
fn rollout_bucket(bencher: Bencher) {
    let users: Vec<String> = (0..1024).map(|i| format!("user-{i}")).collect();
    let mut i = 0;
    bencher.bench_local(|| {
        i = (i + 1) & 1023;
        black_box(hash::rollout_bucket("checkout", black_box(&users[i])))
    });
}
