//! `flagctl test`: finds the spec files, decodes them, evaluates every test and
//! compares the value, reason and variant with what the test expects. The result is a
//! typed [`TestRun`].

use super::request::Contexts;
use super::spec::{TestCase, decode_spec};
use super::{Engine, EvalResult, Step};
use crate::diag::{self, Diagnostic, Pos, Severity};
use crate::error::{Error, Result};
use crate::model::Loaded;
use serde::Serialize;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The spec files: those given, else `flags.test.yaml` and `tests/flags/*.yaml` next to
/// the flags file.
pub fn spec_paths(loaded: &Loaded, given: &[PathBuf], cwd: &Path) -> Result<Vec<PathBuf>> {
    if !given.is_empty() {
        return Ok(given.iter().map(|p| cwd.join(p)).collect());
    }
    let dir = loaded.path.parent().unwrap_or(Path::new("."));
    let mut out = Vec::new();
    let main = dir.join("flags.test.yaml");
    if main.is_file() {
        out.push(main.clone());
    }
    if let Ok(entries) = std::fs::read_dir(dir.join("tests").join("flags")) {
        let mut more: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
            .collect();
        more.sort();
        out.extend(more);
    }
    if out.is_empty() {
        return Err(Error::Usage(format!(
            "no test specs found: create {} (or files in tests/flags/), or pass SPEC files",
            main.strip_prefix(cwd).unwrap_or(&main).display()
        )));
    }
    Ok(out)
}

/// The decoded spec files. Its JSON (the report of specs that do not decode) is the
/// diagnostics.
#[derive(Debug, Default, Serialize)]
pub struct Specs {
    /// `(file as shown, its tests)`, in the order given.
    #[serde(skip)]
    pub files: Vec<(String, Vec<TestCase>)>,
    /// Every problem in them, sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// The text of each file with a problem, to quote its lines.
    #[serde(skip)]
    pub sources: Vec<(String, String)>,
}

impl Specs {
    /// Reads and decodes `paths` against the flags of `loaded`.
    pub fn read(
        loaded: &Loaded,
        paths: &[PathBuf],
        contexts: Option<&Contexts>,
        cwd: &Path,
    ) -> Result<Specs> {
        let named = contexts.map(|(_, c)| c);
        let mut specs = Specs::default();
        for path in paths {
            let display = path
                .strip_prefix(cwd)
                .unwrap_or(path)
                .to_string_lossy()
                .into_owned();
            let text = std::fs::read_to_string(path).map_err(|e| Error::read(path, e))?;
            let (cases, diags) = decode_spec(&display, &text, &loaded.file, named);
            if !diags.is_empty() {
                specs.sources.push((display.clone(), text));
            }
            specs.diagnostics.extend(diags);
            specs.files.push((display, cases));
        }
        diag::sort(&mut specs.diagnostics);
        Ok(specs)
    }

    /// Number of errors among the diagnostics.
    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }
}

/// What a test expected, as written.
#[derive(Debug, Clone, Serialize)]
pub struct Expected<'a> {
    /// `expect`.
    pub value: Option<&'a Value>,
    /// `reason`.
    pub reason: Option<super::Reason>,
    /// `variant` (`Some(None)`: no variant).
    pub variant: Option<&'a Option<String>>,
}

/// One test that ran.
#[derive(Debug, Clone, Serialize)]
pub struct Ran<'a> {
    /// The test's name.
    pub name: &'a str,
    /// The spec file.
    pub file: &'a str,
    /// The line of the first failing expectation, else of the test.
    pub line: u32,
    /// The flag.
    pub flag: &'a str,
    /// `env`.
    pub env: Option<&'a str>,
    /// The pinned bucket.
    pub bucket: Option<u8>,
    /// The context evaluated.
    pub context: &'a super::Context,
    /// Whether every expectation held.
    pub passed: bool,
    /// What was expected.
    pub expected: Expected<'a>,
    /// What evaluation gave.
    pub actual: EvalResult<'a>,
    /// The steps evaluation took.
    #[serde(serialize_with = "step_texts")]
    pub explain: Vec<Step>,
    /// The test as decoded.
    #[serde(skip)]
    pub case: &'a TestCase,
    /// Where the first failing expectation is written.
    #[serde(skip)]
    pub failed_at: Option<Pos>,
}

fn step_texts<S: serde::Serializer>(steps: &[Step], s: S) -> std::result::Result<S::Ok, S::Error> {
    let texts: Vec<&str> = steps.iter().map(|st| st.text.as_str()).collect();
    texts.serialize(s)
}

/// `flagctl test`: every test and the totals.
#[derive(Debug, Clone, Serialize)]
pub struct TestRun<'a> {
    /// Tests that passed.
    pub passed: usize,
    /// Tests that failed.
    pub failed: usize,
    /// Every test, in spec order.
    pub tests: Vec<Ran<'a>>,
}

/// A flag prepared for one test's environment.
pub type Job<'a> = (&'a str, &'a TestCase, super::Prepared<'a>);

/// Prepares every test of `specs` whose flag exists (a test of an undefined flag is a
/// spec error reported before running). Tests are few, and each may name its own
/// environment, so each gets its own prepared flag.
pub fn jobs<'a>(engine: &Engine<'a>, specs: &'a Specs) -> Vec<Job<'a>> {
    let file = engine.file();
    specs
        .files
        .iter()
        .flat_map(|(display, cases)| cases.iter().map(move |case| (display.as_str(), case)))
        .filter_map(|(display, case)| {
            let flag = file.flag(&case.flag.value)?;
            let env = case.env.as_ref().map(|e| e.value.as_str());
            Some((display, case, engine.prepare(flag, env)))
        })
        .collect()
}

/// Runs the prepared tests.
pub fn run<'a>(engine: &Engine<'a>, jobs: &'a [Job<'a>]) -> TestRun<'a> {
    let tests: Vec<Ran> = jobs
        .iter()
        .map(|(file, case, prepared)| {
            let mut steps = Vec::new();
            let pin = case.bucket.as_ref().map(|b| b.value);
            let result = engine.evaluate(prepared, &case.context, pin, Some(&mut steps));
            let failed_at = failure(case, &result);
            Ran {
                name: &case.name,
                file,
                line: failed_at.unwrap_or(case.pos).line,
                flag: &case.flag.value,
                env: case.env.as_ref().map(|e| e.value.as_str()),
                bucket: case.bucket.as_ref().map(|b| b.value),
                context: &case.context,
                passed: failed_at.is_none(),
                expected: Expected {
                    value: case.expect.as_ref().map(|e| &e.value),
                    reason: case.reason.as_ref().map(|r| r.value),
                    variant: case.variant.as_ref().map(|v| &v.value),
                },
                actual: result,
                explain: steps,
                case,
                failed_at,
            }
        })
        .collect();
    let failed = tests.iter().filter(|t| !t.passed).count();
    TestRun {
        passed: tests.len() - failed,
        failed,
        tests,
    }
}

/// Where the first failing expectation is written, or `None` when all hold.
fn failure(case: &TestCase, r: &EvalResult) -> Option<Pos> {
    if let Some(e) = &case.expect {
        if !same_value(&e.value, r.value) {
            return Some(e.pos);
        }
    }
    if let Some(reason) = &case.reason {
        if reason.value != r.reason {
            return Some(reason.pos);
        }
    }
    if let Some(v) = &case.variant {
        if v.value.as_deref() != r.variant {
            return Some(v.pos);
        }
    }
    None
}

/// JSON equality where numbers compare by value (`600` equals `600.0`).
fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_value(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| same_value(v, w)))
        }
        _ => a == b,
    }
}
