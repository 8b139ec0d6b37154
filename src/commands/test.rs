//! `flagctl test`: evaluates each test of the spec files (design 3.4) and compares the
//! value, reason and variant with what the test expects. Ends with `N passed, N failed`;
//! exit 1 on any failure.

use super::eval::{load_contexts, show_reason, write_trace};
use super::{Ctx, stdout};
use crate::Outcome;
use crate::cli::{Format, TestArgs};
use crate::error::{Error, Result};
use crate::eval::spec::{TestCase, decode_spec};
use crate::eval::{Engine, EvalResult, Step};
use crate::model::Loaded;
use crate::render::{self, JSON_VERSION, Pos, Severity};
use serde_json::{Value, json};
use std::io::Write;
use std::path::{Path, PathBuf};

/// One spec file with its tests.
struct SpecFile {
    display: String,
    cases: Vec<TestCase>,
}

/// A test that ran.
struct Ran<'a> {
    case: &'a TestCase,
    file: &'a str,
    result: EvalResult<'a>,
    steps: Vec<Step>,
    /// Where the first failing expectation is written; `None` when the test passed.
    failed_at: Option<Pos>,
}

/// Runs the command.
pub fn run(ctx: &Ctx, args: &TestArgs) -> Result<Outcome> {
    let format = ctx.format("test", &[Format::Table, Format::Junit, Format::Json])?;
    let loaded = ctx.load_valid()?;
    let paths = spec_paths(ctx, &loaded, &args.specs)?;
    let contexts = load_contexts(ctx, &loaded, args.contexts.as_deref(), false)?;
    let named = contexts.as_ref().map(|(_, c)| c);
    let mut specs = Vec::new();
    let mut diagnostics = Vec::new();
    let mut sources = Vec::new();
    for path in &paths {
        let display = path
            .strip_prefix(&ctx.cwd)
            .unwrap_or(path)
            .to_string_lossy()
            .into_owned();
        let text = std::fs::read_to_string(path).map_err(|e| Error::read(path, e))?;
        let (cases, diags) = decode_spec(&display, &text, &loaded.file, named);
        if !diags.is_empty() {
            sources.push((display.clone(), text));
        }
        diagnostics.extend(diags);
        specs.push(SpecFile { display, cases });
    }
    crate::diag::sort(&mut diagnostics);
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    if errors > 0 {
        let mut err = std::io::stderr().lock();
        for d in &diagnostics {
            let source = sources
                .iter()
                .find(|(f, _)| *f == d.file)
                .map(|(_, t)| t.as_str());
            render::text::write_diagnostic(&mut err, d, source, ctx.paint)?;
        }
        return Err(Error::Usage(format!(
            "the test specs have {errors} error{}; fix them and run again",
            if errors == 1 { "" } else { "s" }
        )));
    }

    let engine = Engine::new(&loaded.file);
    // Prepared per test: tests are few, and each may name its own environment.
    let jobs: Vec<_> = specs
        .iter()
        .flat_map(|spec| spec.cases.iter().map(move |case| (spec, case)))
        .filter_map(|(spec, case)| {
            let flag = loaded.file.flag(&case.flag.value)?;
            let env = case.env.as_ref().map(|e| e.value.as_str());
            Some((spec, case, engine.prepare(flag, env)))
        })
        .collect();
    let ran: Vec<Ran> = jobs
        .iter()
        .map(|(spec, case, prepared)| {
            let mut steps = Vec::new();
            let pin = case.bucket.as_ref().map(|b| b.value);
            let result = engine.evaluate(prepared, &case.context, pin, Some(&mut steps));
            Ran {
                failed_at: failure(case, &result),
                case,
                file: &spec.display,
                result,
                steps,
            }
        })
        .collect();
    let failed = ran.iter().filter(|r| r.failed_at.is_some()).count();
    let passed = ran.len() - failed;
    let summary = format!("{passed} passed, {failed} failed");
    let mut out = stdout();
    match format {
        Format::Junit => {
            write_junit(&mut out, &ran)?;
            out.flush()?;
            eprintln_summary(&summary);
        }
        Format::Json => {
            let tests: Vec<Value> = ran.iter().map(json_test).collect();
            render::write_json(
                &mut out,
                &json!({ "version": JSON_VERSION, "passed": passed, "failed": failed, "tests": tests }),
            )?;
            out.flush()?;
            eprintln_summary(&summary);
        }
        _ => {
            write_text(&mut out, ctx, &ran)?;
            writeln!(out, "{summary}")?;
            out.flush()?;
        }
    }
    Ok(if failed > 0 {
        Outcome::Findings
    } else {
        Outcome::Success
    })
}

fn eprintln_summary(summary: &str) {
    let _ = writeln!(std::io::stderr(), "{summary}");
}

/// The spec files: those given, else `flags.test.yaml` and `tests/flags/*.yaml` next to
/// the flags file.
fn spec_paths(ctx: &Ctx, loaded: &Loaded, given: &[PathBuf]) -> Result<Vec<PathBuf>> {
    if !given.is_empty() {
        return Ok(given.iter().map(|p| ctx.cwd.join(p)).collect());
    }
    let dir = loaded.path.parent().unwrap_or(Path::new("."));
    let mut out = Vec::new();
    let main = dir.join("flags.test.yaml");
    if main.is_file() {
        out.push(main.clone());
    }
    let tests_dir = dir.join("tests").join("flags");
    if let Ok(entries) = std::fs::read_dir(&tests_dir) {
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
            main.strip_prefix(&ctx.cwd).unwrap_or(&main).display()
        )));
    }
    Ok(out)
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

/// `600 (TARGETING_MATCH, variant x)`: the expectation as written.
fn expected_text(case: &TestCase) -> String {
    let mut parts = Vec::new();
    if let Some(r) = &case.reason {
        parts.push(r.value.to_string());
    }
    if let Some(v) = &case.variant {
        parts.push(match &v.value {
            Some(n) => format!("variant {n}"),
            None => "no variant".into(),
        });
    }
    let value = case
        .expect
        .as_ref()
        .map_or("(any value)".into(), |e| show_json(&e.value));
    if parts.is_empty() {
        value
    } else {
        format!("{value} ({})", parts.join(", "))
    }
}

fn actual_text(r: &EvalResult) -> String {
    let mut parts = vec![show_reason(r)];
    if let Some(v) = r.variant {
        parts.push(format!("variant {v}"));
    }
    if let Some(rule) = r.rule {
        parts.push(format!("rule {rule}"));
    }
    format!("{} ({})", show_json(r.value), parts.join(", "))
}

/// Values in messages: JSON, so `"300"` and `300` are told apart.
fn show_json(v: &Value) -> String {
    v.to_string()
}

fn setup_text(run: &Ran) -> String {
    let c = run.case;
    let mut s = c.flag.value.clone();
    let mut extra = Vec::new();
    if let Some(e) = &c.env {
        extra.push(format!("env {}", e.value));
    }
    if let Some(b) = &c.bucket {
        extra.push(format!("bucket pinned to {}", b.value));
    }
    if !extra.is_empty() {
        s.push_str(&format!(" ({})", extra.join(", ")));
    }
    s
}

fn context_text(run: &Ran) -> String {
    let json = Value::Object(run.case.context.clone()).to_string();
    match &run.case.context_name {
        Some(name) => format!("{name} {json}"),
        None => json,
    }
}

fn write_text<W: Write>(out: &mut W, ctx: &Ctx, ran: &[Ran]) -> std::io::Result<()> {
    let paint = ctx.paint;
    if !ctx.global.quiet {
        for r in ran {
            let mark = if r.failed_at.is_some() {
                paint.error("FAIL")
            } else {
                paint.green("ok  ")
            };
            writeln!(out, "{mark} {}", r.case.name)?;
        }
    }
    let failures: Vec<&Ran> = ran.iter().filter(|r| r.failed_at.is_some()).collect();
    if failures.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    for r in failures {
        let pos = r.failed_at.unwrap_or(r.case.pos);
        writeln!(
            out,
            "{}: {} {}",
            paint.magenta(&format!("{}:{}:{}", r.file, pos.line, pos.column)),
            paint.error("FAIL"),
            paint.bold(&r.case.name)
        )?;
        writeln!(out, "  flag:     {}", setup_text(r))?;
        writeln!(out, "  context:  {}", context_text(r))?;
        writeln!(out, "  expected: {}", expected_text(r.case))?;
        writeln!(out, "  actual:   {}", actual_text(&r.result))?;
        writeln!(out, "  explain:")?;
        let mut trace = Vec::new();
        write_trace(&mut trace, &r.result, &r.steps)?;
        for line in String::from_utf8_lossy(&trace).lines().skip(1) {
            writeln!(out, "  {line}")?;
        }
        writeln!(out)?;
    }
    Ok(())
}

fn json_test(r: &Ran) -> Value {
    let c = r.case;
    json!({
        "name": c.name,
        "file": r.file,
        "line": r.failed_at.unwrap_or(c.pos).line,
        "flag": c.flag.value,
        "env": c.env.as_ref().map(|e| &e.value),
        "bucket": c.bucket.as_ref().map(|b| b.value),
        "context": c.context,
        "passed": r.failed_at.is_none(),
        "expected": {
            "value": c.expect.as_ref().map(|e| &e.value),
            "reason": c.reason.as_ref().map(|r| r.value),
            "variant": c.variant.as_ref().map(|v| &v.value),
        },
        "actual": r.result,
        "explain": r.steps.iter().map(|s| s.text.as_str()).collect::<Vec<_>>(),
    })
}

/// Escapes text for XML attributes and content, dropping characters XML 1.0 forbids.
fn xml(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => s.push_str("&amp;"),
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '"' => s.push_str("&quot;"),
            '\'' => s.push_str("&apos;"),
            '\t' | '\n' | '\r' => s.push(ch),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => s.push(c),
        }
    }
    s
}

fn write_junit<W: Write>(out: &mut W, ran: &[Ran]) -> std::io::Result<()> {
    let failed = ran.iter().filter(|r| r.failed_at.is_some()).count();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="flagctl" tests="{}" failures="{failed}" errors="0">"#,
        ran.len()
    )?;
    let mut files: Vec<&str> = Vec::new();
    for r in ran {
        if !files.contains(&r.file) {
            files.push(r.file);
        }
    }
    for file in files {
        let cases: Vec<&Ran> = ran.iter().filter(|r| r.file == file).collect();
        let file_failed = cases.iter().filter(|r| r.failed_at.is_some()).count();
        writeln!(
            out,
            r#"  <testsuite name="{}" tests="{}" failures="{file_failed}" errors="0" skipped="0">"#,
            xml(file),
            cases.len()
        )?;
        for r in cases {
            let pos = r.failed_at.unwrap_or(r.case.pos);
            let open = format!(
                r#"    <testcase name="{}" classname="{}" file="{}" line="{}""#,
                xml(&r.case.name),
                xml(&r.case.flag.value),
                xml(file),
                pos.line
            );
            if r.failed_at.is_none() {
                writeln!(out, "{open}/>")?;
                continue;
            }
            let message = format!(
                "expected {}, got {}",
                expected_text(r.case),
                actual_text(&r.result)
            );
            let mut body = Vec::new();
            writeln!(
                body,
                "{}:{}:{}: {}",
                file, pos.line, pos.column, r.case.name
            )?;
            writeln!(body, "flag:     {}", setup_text(r))?;
            writeln!(body, "context:  {}", context_text(r))?;
            writeln!(body, "expected: {}", expected_text(r.case))?;
            writeln!(body, "actual:   {}", actual_text(&r.result))?;
            write_trace(&mut body, &r.result, &r.steps)?;
            writeln!(out, "{open}>")?;
            writeln!(
                out,
                r#"      <failure message="{}" type="mismatch">{}</failure>"#,
                xml(&message),
                xml(String::from_utf8_lossy(&body).trim_end())
            )?;
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}
