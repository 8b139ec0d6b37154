//! Test spec files for `flagctl test`, decoded and checked against the
//! flags file like flags.yaml itself: unknown fields, undefined flags, unknown named
//! contexts and environments, bad buckets and reasons are diagnostics with positions.

use super::Reason;
use super::context::{Context, NamedContexts};
use crate::diag::{Code, Diagnostic, Pos};
use crate::model::decode::Decoder;
use crate::model::yaml::{self, Kind, Node};
use crate::model::{FlagsFile, Sp};
use crate::suggest::did_you_mean;
use serde_json::{Map, Value};

/// Fields of one test.
pub const TEST_FIELDS: &[&str] = &[
    "name", "flag", "context", "env", "bucket", "expect", "reason", "variant",
];

/// One test: evaluate `flag` for `context` and compare.
#[derive(Debug, Clone)]
pub struct TestCase {
    /// `name`, or one made from the flag key and position.
    pub name: String,
    /// Where the test starts.
    pub pos: Pos,
    /// The flag key.
    pub flag: Sp<String>,
    /// The named context used, if any.
    pub context_name: Option<String>,
    /// The context (named ones resolved).
    pub context: Context,
    /// `env`.
    pub env: Option<Sp<String>>,
    /// `bucket`: the pinned rollout bucket, 1..=100.
    pub bucket: Option<Sp<u8>>,
    /// `expect`: the expected value.
    pub expect: Option<Sp<Value>>,
    /// `reason`.
    pub reason: Option<Sp<Reason>>,
    /// `variant`; `Some(None)` (written `variant: null`) expects no variant.
    pub variant: Option<Sp<Option<String>>>,
}

/// Decodes a spec file. `contexts` is the named contexts file, when there is one.
pub fn decode_spec(
    file: &str,
    text: &str,
    flags: &FlagsFile,
    contexts: Option<&NamedContexts>,
) -> (Vec<TestCase>, Vec<Diagnostic>) {
    let mut dec = Decoder::new(file);
    let mut out = Vec::new();
    let root = match yaml::parse(text) {
        Ok(root) => root,
        Err(e) => {
            dec.error(e.pos, e.code, e.message);
            return (out, dec.diagnostics);
        }
    };
    if matches!(root.kind, Kind::Null) {
        dec.error(
            root.span(),
            Code::EmptyFile,
            "the spec file is empty; add `tests:` with a list of tests",
        );
        return (out, dec.diagnostics);
    }
    let entries = dec.fields(&root, &"the spec file", &[&["tests"]]);
    if entries.is_empty() && dec.diagnostics.is_empty() {
        dec.error(
            root.span(),
            Code::MissingField,
            "the spec file has no `tests:` list",
        );
    }
    for (_, _, tests) in entries {
        let items: &[Node] = match &tests.kind {
            Kind::Seq(items) => items,
            Kind::Null => &[],
            _ => {
                dec.wrong_type(tests, &"`tests`", "a list of tests");
                continue;
            }
        };
        for (i, item) in items.iter().enumerate() {
            if let Some(case) = decode_case(item, i, flags, contexts, &mut dec) {
                out.push(case);
            }
        }
    }
    (out, dec.diagnostics)
}

/// One test being decoded: what its fields are checked against, and where
/// problems go. Shared by the per-field decoders so each stays one concern.
struct CaseDecoder<'a, 'd> {
    /// "test N", the prefix of every message about this test.
    what: String,
    flags: &'a FlagsFile,
    contexts: Option<&'a NamedContexts>,
    dec: &'d mut Decoder,
}

fn decode_case(
    item: &Node,
    index: usize,
    flags: &FlagsFile,
    contexts: Option<&NamedContexts>,
    dec: &mut Decoder,
) -> Option<TestCase> {
    let what = format!("test {}", index + 1);
    if !matches!(item.kind, Kind::Map(_)) {
        dec.wrong_type(item, &what, "a mapping with `flag`, `context` and `expect`");
        return None;
    }
    let errors_before = dec.diagnostics.len();
    let mut cx = CaseDecoder {
        what,
        flags,
        contexts,
        dec,
    };
    let mut case = TestCase {
        name: String::new(),
        pos: item.pos,
        flag: Sp::of(String::new(), item),
        context_name: None,
        context: Map::new(),
        env: None,
        bucket: None,
        expect: None,
        reason: None,
        variant: None,
    };
    let has_flag = cx.fields(item, &mut case);
    cx.check_complete(item, &case, has_flag);
    cx.check_variant(&case);
    if case.name.is_empty() {
        case.name = format!("{} (line {})", case.flag.value, item.pos.line);
    }
    (cx.dec.diagnostics.len() == errors_before).then_some(case)
}

impl CaseDecoder<'_, '_> {
    /// Decodes every field of the test into `case`; true when it has a usable `flag`.
    fn fields(&mut self, item: &Node, case: &mut TestCase) -> bool {
        let mut has_flag = false;
        let what = self.what.clone();
        for (field, _, v) in self.dec.fields(item, &what, &[TEST_FIELDS]) {
            let field_what = format!("{what} `{field}`");
            match field {
                "name" => {
                    case.name = self
                        .dec
                        .string(v, &field_what)
                        .map(|s| s.value)
                        .unwrap_or_default()
                }
                "flag" => {
                    if let Some(key) = self.flag(v, &field_what) {
                        has_flag = true;
                        case.flag = key;
                    }
                }
                "context" => self.context(v, &field_what, case),
                "env" => {
                    if let Some(env) = self.env(v, &field_what) {
                        case.env = Some(env);
                    }
                }
                "bucket" => match v.kind {
                    Kind::Int(b) if (1..=100).contains(&b) => {
                        case.bucket = Some(Sp::of(b as u8, v))
                    }
                    _ => self.dec.error(
                        v.span(),
                        Code::InvalidBucket,
                        format!(
                            "{field_what} must be a whole number from 1 to 100, not {}",
                            describe(v)
                        ),
                    ),
                },
                "expect" => case.expect = self.dec.value(v, &field_what),
                "reason" => {
                    if let Some(reason) = self.reason(v, &field_what) {
                        case.reason = Some(reason);
                    }
                }
                _ => {
                    // variant
                    if matches!(v.kind, Kind::Null) {
                        case.variant = Some(Sp::of(None, v));
                    } else if let Some(name) = self.dec.string(v, &field_what) {
                        case.variant = Some(name.with_value(Some(name.value.clone())));
                    }
                }
            }
        }
        has_flag
    }

    /// `flag`: the key, with an error (but still returned) when flags.yaml lacks it.
    fn flag(&mut self, v: &Node, field_what: &str) -> Option<Sp<String>> {
        let key = self.dec.string(v, &field_what)?;
        let flags = self.flags;
        if flags.flag(&key.value).is_none() {
            let hint = did_you_mean(&key.value, flags.flags.iter().map(|f| f.key.as_str()));
            self.dec.error(
                key.span(),
                Code::UndefinedFlag,
                format!(
                    "{} uses flag `{}`, which flags.yaml does not define{hint}",
                    self.what, key.value
                ),
            );
        }
        Some(key)
    }

    /// `context`: inline attributes, or the name of one in the contexts file.
    fn context(&mut self, v: &Node, field_what: &str, case: &mut TestCase) {
        let what = &self.what;
        match &v.kind {
            Kind::Map(_) | Kind::Null => {
                if let Value::Object(m) = v.to_json() {
                    case.context = m;
                }
            }
            Kind::Str(name) => match self.contexts {
                Some(named) => match named.get(name) {
                    Some(ctx) => {
                        case.context = ctx.clone();
                        case.context_name = Some(name.clone());
                    }
                    None => {
                        let hint = did_you_mean(name, named.names());
                        self.dec.error(
                            v.span(),
                            Code::UnknownContext,
                            format!("{what} uses context `{name}`, which the contexts file does not define{hint}"),
                        );
                    }
                },
                None => self.dec.error(
                    v.span(),
                    Code::UnknownContext,
                    format!("{what} uses the named context `{name}` but there is no contexts file; create fixtures/contexts.yaml or set settings.contexts"),
                ),
            },
            _ => self.dec.wrong_type(v, &field_what, "a context name or a mapping of attributes"),
        }
    }

    /// `env`: the environment, with an error (but still returned) when
    /// settings.environments lists others only.
    fn env(&mut self, v: &Node, field_what: &str) -> Option<Sp<String>> {
        let env = self.dec.string(v, &field_what)?;
        if let Some(allowed) = &self.flags.settings.environments {
            if !allowed.iter().any(|a| a.value == env.value) {
                let names: Vec<&str> = allowed.iter().map(|a| a.value.as_str()).collect();
                let hint = did_you_mean(&env.value, names.iter().copied());
                self.dec.error(
                    env.span(),
                    Code::UnknownEnvironment,
                    format!(
                        "{} uses environment `{}`, which is not in settings.environments ({}){hint}",
                        self.what,
                        env.value,
                        names.join(", ")
                    ),
                );
            }
        }
        Some(env)
    }

    /// `reason`: one of the evaluation reasons by name.
    fn reason(&mut self, v: &Node, field_what: &str) -> Option<Sp<Reason>> {
        let text = self.dec.string(v, &field_what)?;
        if let Some(r) = Reason::parse(&text.value) {
            return Some(text.with_value(r));
        }
        let hint = did_you_mean(&text.value, Reason::ALL.iter().map(|(n, _)| *n));
        let all: Vec<&str> = Reason::ALL.iter().map(|(n, _)| *n).collect();
        let what = &self.what;
        self.dec.error(
            text.span(),
            Code::UnknownReason,
            if hint.is_empty() {
                format!(
                    "{what}: unknown reason `{}`; use one of {}",
                    text.value,
                    all.join(", ")
                )
            } else {
                format!("{what}: unknown reason `{}`{hint}", text.value)
            },
        );
        None
    }

    /// A test needs a flag and something to compare.
    fn check_complete(&mut self, item: &Node, case: &TestCase, has_flag: bool) {
        let what = &self.what;
        if !has_flag {
            self.dec.error(
                item.span(),
                Code::MissingField,
                format!("{what} has no `flag`; add `flag: KEY`"),
            );
        }
        if case.expect.is_none() && case.reason.is_none() && case.variant.is_none() {
            self.dec.error(
                item.span(),
                Code::MissingField,
                format!(
                    "{what} checks nothing; add `expect:` (and optionally `reason:` or `variant:`)"
                ),
            );
        }
    }

    /// An expected variant must be one the flag defines, at top level or in
    /// any environment; checked after all fields since `flag` may come later.
    fn check_variant(&mut self, case: &TestCase) {
        let (
            Some(flag),
            Some(Sp {
                value: Some(name),
                pos,
                ..
            }),
        ) = (self.flags.flag(&case.flag.value), &case.variant)
        else {
            return;
        };
        let mut known = flag
            .targeting
            .variants
            .iter()
            .flatten()
            .map(|v| v.name.as_str())
            .collect::<Vec<_>>();
        for env in &flag.environments {
            known.extend(
                env.targeting
                    .variants
                    .iter()
                    .flatten()
                    .map(|v| v.name.as_str()),
            );
        }
        if !known.contains(&name.as_str()) {
            let hint = did_you_mean(name, known.iter().copied());
            self.dec.error(
                *pos,
                Code::UndefinedVariant,
                format!(
                    "{} expects variant `{name}`, which flag `{}` does not define{hint}",
                    self.what, flag.key
                ),
            );
        }
    }
}

fn describe(v: &Node) -> String {
    match &v.kind {
        Kind::Int(i) => i.to_string(),
        _ => v.describe().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::context::decode_contexts;
    use chrono::NaiveDate;
    use std::path::Path;

    fn flags() -> FlagsFile {
        let text = "version: 1\nsettings:\n  environments: [staging, production]\nflags:\n  exp:\n    type: operational\n    owner: t\n    description: d\n    off: a\n    variants:\n      a: { value: a, weight: 1 }\n      b: { value: b, weight: 1 }\n";
        let today = NaiveDate::from_ymd_opt(2026, 1, 1).expect("date");
        let loaded = crate::model::load_text(Path::new("flags.yaml"), "flags.yaml", text, today);
        assert!(!loaded.has_errors(), "{:?}", loaded.diagnostics);
        loaded.file
    }

    #[test]
    fn decodes_a_valid_spec() {
        let (named, _) = decode_contexts("c.yaml", "contexts:\n  admin: { userId: u-1 }\n");
        let text = "tests:\n  - name: n\n    flag: exp\n    context: admin\n    env: staging\n    bucket: 42\n    expect: b\n    reason: SPLIT\n    variant: b\n  - flag: exp\n    context: { userId: x }\n    expect: a\n";
        let (cases, diags) = decode_spec("t.yaml", text, &flags(), Some(&named));
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(cases.len(), 2);
        assert_eq!(cases[0].context_name.as_deref(), Some("admin"));
        assert_eq!(cases[0].bucket.as_ref().map(|b| b.value), Some(42));
        assert_eq!(cases[1].name, "exp (line 10)");
        assert_eq!(cases[1].context.get("userId"), Some(&Value::from("x")));
    }

    #[test]
    fn reports_every_problem_with_positions() {
        let (named, _) = decode_contexts("c.yaml", "contexts:\n  admin: {}\n");
        let text = "tests:\n  - flag: exq\n    context: admn\n    env: prod\n    bucket: 0\n    reason: SPILT\n    expct: 1\n  - flag: exp\n    variant: c\n";
        let (cases, diags) = decode_spec("t.yaml", text, &flags(), Some(&named));
        assert!(cases.is_empty());
        let got: Vec<(u32, Code)> = diags.iter().map(|d| (d.line, d.code)).collect();
        assert_eq!(
            got,
            [
                (7, Code::UnknownField),
                (2, Code::UndefinedFlag),
                (3, Code::UnknownContext),
                (4, Code::UnknownEnvironment),
                (5, Code::InvalidBucket),
                (6, Code::UnknownReason),
                (2, Code::MissingField),
                (9, Code::UndefinedVariant),
            ]
        );
        assert!(diags[0].message.contains("did you mean `expect`"));
        assert!(diags[1].message.contains("did you mean `exp`"));
        assert!(diags[2].message.contains("did you mean `admin`"));
        assert!(diags[5].message.contains("did you mean `SPLIT`"));
    }
}
