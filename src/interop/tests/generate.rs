//! Generators for the interop tests: contexts aimed at a file's conditions (values on
//! both sides of every threshold, members and non-members of every list), and random
//! flags files.

use crate::model::condition::Operator;
use crate::model::{Condition, FlagsFile};
use std::collections::{BTreeMap, BTreeSet};

/// A context as Unleash sees one: a flat map of strings.
pub type Flat = BTreeMap<String, String>;

/// Whether to include the inputs where flagctl and Unleash are documented to differ
/// (lenient versions, numbers and addresses, date-only times, non-ASCII case).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Domain {
    /// Only inputs both read the same way.
    Common,
    /// Everything, edge cases included.
    Full,
}

/// Candidate values per attribute, gathered from every condition in the file.
pub struct Pool {
    values: BTreeMap<String, Vec<String>>,
}

const NOISE: &[&str] = &[
    "", "x", "Zz", "42", "-1", "1.5", "true", "ÉCOLE", "straße", "日本",
];

impl Pool {
    /// Gathers candidate values from `file` for `domain`.
    pub fn new(file: &FlagsFile, domain: Domain) -> Self {
        let mut values: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut add = |attr: &str, v: String| {
            values.entry(attr.to_string()).or_default().insert(v);
        };
        let segment_names: Vec<String> = file.segments.iter().map(|s| s.key.clone()).collect();
        for name in &segment_names {
            add("segment", name.clone());
            add("segments", name.clone());
        }
        let mut buckets: BTreeSet<String> = ["userId".to_string()].into();
        for flag in &file.flags {
            for t in std::iter::once(&flag.targeting)
                .chain(flag.environments.iter().map(|e| &e.targeting))
            {
                if let Some(b) = &t.bucket_by {
                    buckets.insert(b.value.clone());
                }
                for rule in t.rules.iter().flatten() {
                    for c in &rule.when {
                        condition_values(c, domain, &mut add);
                    }
                }
            }
        }
        for seg in &file.segments {
            for c in &seg.when {
                condition_values(c, domain, &mut add);
            }
            for b in &buckets {
                for u in &seg.users {
                    add(b, u.clone());
                }
            }
        }
        for b in &buckets {
            for i in 0..64 {
                add(b, format!("u-{i}"));
            }
        }
        let values = values
            .into_iter()
            .map(|(k, v)| {
                let mut v: Vec<String> = v.into_iter().collect();
                if domain == Domain::Common {
                    v.retain(|s| s.is_ascii());
                }
                (k, v)
            })
            .collect();
        Pool { values }
    }

    /// A random context: each attribute present with probability 3/4, with a value
    /// from the pool, else noise, else a fresh random id.
    pub fn context(&self, rng: &mut fastrand::Rng, domain: Domain) -> Flat {
        let mut out = Flat::new();
        for (attr, candidates) in &self.values {
            if rng.u8(..4) == 0 {
                continue;
            }
            let v = match rng.u8(..10) {
                0 => NOISE[rng.usize(..NOISE.len())].to_string(),
                1 => format!("u-{}", rng.u32(..100_000)),
                _ if candidates.is_empty() => "x".into(),
                _ => candidates[rng.usize(..candidates.len())].clone(),
            };
            if domain == Domain::Common && !v.is_ascii() {
                continue;
            }
            out.insert(attr.clone(), v);
        }
        out
    }
}

fn condition_values(c: &Condition, domain: Domain, add: &mut impl FnMut(&str, String)) {
    let attr = c.attribute.as_str();
    let full = domain == Domain::Full;
    for op in &c.ops {
        match op {
            Operator::Eq(v) | Operator::Neq(v) => {
                strings(attr, &[crate::eval::conditions::text(v).into_owned()], add)
            }
            Operator::In(vs) | Operator::NotIn(vs) => {
                let texts: Vec<String> = vs
                    .iter()
                    .map(|v| crate::eval::conditions::text(v).into_owned())
                    .collect();
                strings(attr, &texts, add);
            }
            Operator::Contains(vs) | Operator::StartsWith(vs) | Operator::EndsWith(vs) => {
                for v in vs {
                    strings(
                        attr,
                        &[
                            v.clone(),
                            format!("{v}tail"),
                            format!("head{v}"),
                            format!("a{v}b"),
                        ],
                        add,
                    );
                }
            }
            Operator::Matches(_) => {
                strings(attr, &["u-42".into(), "abc".into(), "A-1".into()], add)
            }
            Operator::Gt(n) | Operator::Gte(n) | Operator::Lt(n) | Operator::Lte(n) => {
                for d in [-1.0, -0.5, 0.0, 0.5, 1.0] {
                    add(attr, (n + d).to_string());
                }
                add(attr, "abc".into());
                if full {
                    add(attr, format!(" {n}"));
                    add(attr, "inf".into());
                }
            }
            Operator::Before(t) | Operator::After(t) => {
                for secs in [-86_400, -1, 0, 1, 86_400] {
                    let u = *t + chrono::Duration::seconds(secs);
                    add(attr, u.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
                    add(
                        attr,
                        u.to_rfc3339_opts(chrono::SecondsFormat::Millis, false),
                    );
                }
                if full {
                    add(attr, t.date_naive().to_string());
                    add(
                        attr,
                        (t.date_naive() + chrono::Duration::days(1)).to_string(),
                    );
                }
            }
            Operator::Semver(_, v) => {
                let mut vs = vec![v.to_string(), "0.0.1".into(), "99.0.0".into(), "5.2".into()];
                vs.push(format!("{}.{}.{}", v.major, v.minor, v.patch + 1));
                vs.push(format!("{}.{}.{}-alpha.1", v.major, v.minor, v.patch));
                if v.minor > 0 {
                    vs.push(format!("{}.{}.{}", v.major, v.minor - 1, v.patch));
                }
                if full {
                    let lenient: Vec<String> = vs
                        .iter()
                        .flat_map(|s| [format!("v{s}"), format!(" {s}")])
                        .collect();
                    vs.extend(lenient);
                }
                for s in vs {
                    add(attr, s);
                }
            }
            Operator::Unsatisfiable { operand, .. } => {
                add(attr, operand.clone());
                add(attr, operand.trim_start_matches(['v', 'V']).to_string());
            }
            Operator::InCidr(nets) => {
                for n in nets {
                    add(attr, n.addr.to_string());
                    if let std::net::IpAddr::V4(a) = n.addr {
                        let o = a.octets();
                        add(
                            attr,
                            format!("{}.{}.{}.{}", o[0], o[1], o[2].wrapping_add(1), 7),
                        );
                        add(attr, format!("{}.{}.1.1", o[0], o[1].wrapping_add(1)));
                        if full {
                            add(attr, format!("::ffff:{a}"));
                            add(attr, format!(" {a}"));
                        }
                    }
                }
                add(attr, "8.8.8.8".into());
                add(attr, "not-an-ip".into());
            }
            Operator::Exists(_) => add(attr, "present".into()),
        }
    }
}

/// The strings, plus case variants (ASCII upper and lower, and non-ASCII ones).
fn strings(attr: &str, values: &[String], add: &mut impl FnMut(&str, String)) {
    for v in values {
        add(attr, v.clone());
        add(attr, v.to_uppercase());
        add(attr, v.to_lowercase());
        add(attr, format!("{v}x"));
    }
}

/// A random valid flags file: segments with users and conditions, flags of every value
/// type with rollouts, salts, segments, ordered rules (some with rollouts) and variants.
pub fn flags_file(rng: &mut fastrand::Rng) -> String {
    let mut out = String::from("version: 1\nsegments:\n");
    let nseg = rng.usize(0..4);
    for s in 0..nseg {
        out.push_str(&format!("  seg{s}:\n    description: s\n"));
        if rng.bool() {
            out.push_str(&format!(
                "    users: [u-{}, u-{}]\n",
                rng.u8(..20),
                rng.u8(..20)
            ));
        }
        if rng.u8(..3) > 0 {
            out.push_str(&format!("    when:\n      {}\n", condition(rng)));
        }
    }
    if nseg == 0 {
        out.push_str("  {}\n");
    }
    out.push_str("flags:\n");
    for f in 0..rng.usize(1..5) {
        out.push_str(&flag(rng, f, nseg));
    }
    out
}

fn condition(rng: &mut fastrand::Rng) -> String {
    let ic = if rng.u8(..4) == 0 {
        ", ignore_case: true"
    } else {
        ""
    };
    match rng.u8(..9) {
        0 => format!("plan: {{ in: [pro, team]{ic} }}"),
        1 => format!("plan: {{ not_in: [free]{ic} }}"),
        2 => format!("country: {{ eq: de{ic} }}"),
        3 => format!("email: {{ ends_with: \"@example.com\"{ic}, exists: true }}"),
        4 => "n: { gt: 3, lte: 10 }".into(),
        5 => "version: { semver_gte: \"2.0.0\" }".into(),
        6 => "ts: { after: \"2025-01-01T00:00:00Z\" }".into(),
        7 => "ip: { in_cidr: [10.0.0.0/8] }".into(),
        _ => format!("path: {{ starts_with: [/a, /b], neq: /a/x{ic} }}"),
    }
}

/// Values of one JSON type: (on, off, others).
fn values(rng: &mut fastrand::Rng) -> (String, String, Vec<String>) {
    match rng.u8(..4) {
        0 => (
            "true".into(),
            "false".into(),
            vec!["true".into(), "false".into()],
        ),
        1 => (
            "red".into(),
            "off".into(),
            vec!["blue".into(), "green".into()],
        ),
        2 => ("3".into(), "0".into(), vec!["7".into(), "1.5".into()]),
        _ => (
            "{ a: 1 }".into(),
            "{ a: 0 }".into(),
            vec!["{ a: 2 }".into(), "{ b: [1, 2] }".into()],
        ),
    }
}

fn flag(rng: &mut fastrand::Rng, f: usize, nseg: usize) -> String {
    let mut out = format!("  f{f}:\n    description: d\n    type: operational\n    owner: o\n");
    let (on, off, others) = values(rng);
    let boolean = on == "true";
    let pick_seg = |rng: &mut fastrand::Rng| format!("seg{}", rng.usize(..nseg.max(1)));
    if rng.u8(..6) == 0 {
        out.push_str("    enabled: false\n");
    }
    if rng.u8(..8) == 0 {
        out.push_str("    kill_switch: true\n");
    }
    match rng.u8(..4) {
        0 => out.push_str(&format!(
            "    rollout: {}\n",
            [0, 30, 75, 100][rng.usize(..4)]
        )),
        1 => out.push_str("    bucket_by: accountId\n    rollout: 60\n"),
        _ => {}
    }
    if rng.u8(..3) == 0 {
        out.push_str("    salt: shared\n");
    }
    if nseg > 0 && rng.u8(..3) == 0 {
        out.push_str(&format!(
            "    segments: [{}, {}]\n",
            pick_seg(rng),
            pick_seg(rng)
        ));
    }
    let on = if boolean && rng.u8(..3) == 0 {
        "false".to_string()
    } else {
        on
    };
    out.push_str(&format!("    value: {on}\n    off: {off}\n"));
    let variants = !boolean && rng.bool();
    if variants {
        out.push_str("    variants:\n");
        for (i, v) in others.iter().enumerate() {
            out.push_str(&format!(
                "      v{i}: {{ value: {v}, weight: {} }}\n",
                rng.u32(0..5) + u32::from(i == 0)
            ));
        }
    }
    let nrules = rng.usize(0..4);
    if nrules > 0 {
        out.push_str("    rules:\n");
    }
    for r in 0..nrules {
        out.push_str(&format!("      - name: r{r}\n"));
        if rng.u8(..4) > 0 {
            out.push_str(&format!("        when:\n          {}\n", condition(rng)));
        }
        if nseg > 0 && rng.u8(..3) == 0 {
            out.push_str(&format!("        segments: [{}]\n", pick_seg(rng)));
        }
        if rng.u8(..4) == 0 {
            out.push_str(&format!(
                "        rollout: {}\n",
                [0, 20, 50][rng.usize(..3)]
            ));
        }
        if variants && rng.bool() {
            out.push_str("        variant: v1\n");
        } else {
            out.push_str(&format!(
                "        value: {}\n",
                others[rng.usize(..others.len())]
            ));
        }
    }
    out
}
