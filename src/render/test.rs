//! `test`: one line per test, every failure in detail, `N passed, N failed`; or JUnit
//! XML for CI test reports.

use super::eval::{reason, write_trace};
use super::{Printer, Report};
use crate::eval::EvalResult;
use crate::eval::spec::TestCase;
use crate::eval::suite::{Ran, Specs, TestRun};
use quick_junit::{NonSuccessKind, TestCaseStatus, TestSuite};
use serde_json::Value;
use std::io::{self, Write};

impl TestRun<'_> {
    /// `N passed, N failed`.
    pub fn summary(&self) -> String {
        format!("{} passed, {} failed", self.passed, self.failed)
    }
}

/// `600 (TARGETING_MATCH, variant x)`: the expectation as written. Values are JSON, so
/// `"300"` and `300` are told apart.
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
        .map_or("(any value)".into(), |e| e.value.to_string());
    if parts.is_empty() {
        value
    } else {
        format!("{value} ({})", parts.join(", "))
    }
}

fn actual_text(r: &EvalResult) -> String {
    let mut parts = vec![reason(r)];
    if let Some(v) = r.variant {
        parts.push(format!("variant {v}"));
    }
    if let Some(rule) = r.rule {
        parts.push(format!("rule {rule}"));
    }
    format!("{} ({})", r.value, parts.join(", "))
}

fn setup_text(t: &Ran) -> String {
    let mut extra = Vec::new();
    if let Some(e) = t.env {
        extra.push(format!("env {e}"));
    }
    if let Some(b) = t.bucket {
        extra.push(format!("bucket pinned to {b}"));
    }
    if extra.is_empty() {
        t.flag.to_string()
    } else {
        format!("{} ({})", t.flag, extra.join(", "))
    }
}

fn context_text(t: &Ran) -> String {
    let json = Value::Object(t.context.clone()).to_string();
    match &t.case.context_name {
        Some(name) => format!("{name} {json}"),
        None => json,
    }
}

/// The details of one failure, each line prefixed with `indent`: setup, context,
/// expected and actual, then the evaluation steps.
fn failure_lines(t: &Ran, indent: &str) -> io::Result<Vec<String>> {
    let mut lines = vec![
        format!("{indent}flag:     {}", setup_text(t)),
        format!("{indent}context:  {}", context_text(t)),
        format!("{indent}expected: {}", expected_text(t.case)),
        format!("{indent}actual:   {}", actual_text(&t.actual)),
    ];
    let mut trace = Vec::new();
    write_trace(&mut trace, &t.actual, &t.explain)?;
    lines.push(format!("{indent}explain:"));
    lines.extend(
        String::from_utf8_lossy(&trace)
            .lines()
            .skip(1)
            .map(|l| format!("{indent}{l}")),
    );
    Ok(lines)
}

impl Report for TestRun<'_> {
    fn command(&self) -> &'static str {
        "test"
    }

    fn human(&self, out: &mut dyn Write, p: &Printer) -> io::Result<()> {
        let paint = p.paint;
        if !p.quiet {
            for t in &self.tests {
                let mark = if t.passed {
                    paint.green("ok  ")
                } else {
                    paint.error("FAIL")
                };
                writeln!(out, "{mark} {}", t.name)?;
            }
        }
        let failures: Vec<&Ran> = self.tests.iter().filter(|t| !t.passed).collect();
        if !failures.is_empty() {
            writeln!(out)?;
        }
        for t in failures {
            let pos = t.failed_at.unwrap_or(t.case.pos);
            writeln!(
                out,
                "{}: {} {}",
                paint.magenta(&format!("{}:{}:{}", t.file, pos.line, pos.column)),
                paint.error("FAIL"),
                paint.bold(t.name)
            )?;
            for line in failure_lines(t, "  ")? {
                writeln!(out, "{line}")?;
            }
            writeln!(out)?;
        }
        writeln!(out, "{}", self.summary())
    }

    fn junit(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut report = quick_junit::Report::new("flagctl");
        let mut files: Vec<&str> = Vec::new();
        for t in &self.tests {
            if !files.contains(&t.file) {
                files.push(t.file);
            }
        }
        for file in files {
            let mut suite = TestSuite::new(file);
            for t in self.tests.iter().filter(|t| t.file == file) {
                suite.add_test_case(junit_case(t)?);
            }
            report.add_test_suite(suite);
        }
        report
            .serialize(&mut *out)
            .map_err(|e| io::Error::other(e.to_string()))?;
        writeln!(out)
    }
}

fn junit_case(t: &Ran) -> io::Result<quick_junit::TestCase> {
    let status = if t.passed {
        TestCaseStatus::success()
    } else {
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
        let pos = t.failed_at.unwrap_or(t.case.pos);
        let mut body = vec![format!(
            "{}:{}:{}: {}",
            t.file, pos.line, pos.column, t.name
        )];
        body.extend(failure_lines(t, "")?);
        status
            .set_message(format!(
                "expected {}, got {}",
                expected_text(t.case),
                actual_text(&t.actual)
            ))
            .set_type("mismatch")
            .set_description(body.join("\n"));
        status
    };
    let mut case = quick_junit::TestCase::new(t.name, status);
    case.set_classname(t.flag);
    case.extra.insert("file".into(), t.file.into());
    case.extra.insert("line".into(), t.line.to_string().into());
    Ok(case)
}

impl Report for Specs {
    fn command(&self) -> &'static str {
        "test"
    }

    fn human(&self, out: &mut dyn Write, p: &Printer) -> io::Result<()> {
        let sources: Vec<(&str, &str)> = self
            .sources
            .iter()
            .map(|(f, t)| (f.as_str(), t.as_str()))
            .collect();
        super::text::write_all(out, &self.diagnostics, &sources, p.paint)
    }
}
