//! `flagctl eval`: what flags serve to a context, and why (design 3). Builds the
//! context from the command line, runs the engine, prints; `--contexts-file` hands
//! over to [`batch`].

mod batch;

use super::{Ctx, stdout};
use crate::Outcome;
use crate::cli::{EvalArgs, Format};
use crate::error::{Error, Result};
use crate::eval::context::{Context, NamedContexts, decode_contexts, parse_cli_value, set_path};
use crate::eval::output::write_result;
use crate::eval::{Engine, EvalResult, Step};
use crate::model::{Flag, FlagsFile, Loaded};
use crate::report::{Severity, markdown};
use crate::suggest::did_you_mean;
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Runs the command.
pub fn run(ctx: &Ctx, args: &EvalArgs) -> Result<Outcome> {
    let format = if args.contexts_file.is_none() {
        Some(ctx.format(
            "eval",
            &[Format::Table, Format::Json, Format::Jsonl, Format::Markdown],
        )?)
    } else {
        None
    };
    let loaded = ctx.load_valid()?;
    let file = &loaded.file;
    check_env(file, args.env.as_deref())?;
    let chosen = choose_flags(file, &args.keys)?;
    let engine = Engine::new(file);
    let prepared: Vec<_> = chosen
        .iter()
        .map(|f| engine.prepare(f, args.env.as_deref()))
        .collect();
    let Some(format) = format else {
        return batch::run(ctx, args, &engine, &prepared);
    };
    let context = build_context(ctx, &loaded, args)?;
    let mut traces: Vec<Vec<Step>> = Vec::new();
    let results: Vec<EvalResult> = prepared
        .iter()
        .map(|p| {
            if args.explain {
                let mut steps = Vec::new();
                let r = engine.evaluate(p, &context, None, Some(&mut steps));
                traces.push(steps);
                r
            } else {
                engine.evaluate(p, &context, None, None)
            }
        })
        .collect();
    let trace = |i: usize| traces.get(i).map(Vec::as_slice);
    let mut out = stdout();
    match format {
        Format::Json => {
            let mut buf = Vec::with_capacity(results.len() * 128);
            buf.push(b'[');
            for (i, r) in results.iter().enumerate() {
                buf.extend_from_slice(if i == 0 { b"\n  " } else { b",\n  " });
                write_result(&mut buf, r, None, trace(i));
            }
            buf.extend_from_slice(if results.is_empty() { b"]\n" } else { b"\n]\n" });
            out.write_all(&buf)?;
        }
        Format::Jsonl => {
            let mut buf = Vec::with_capacity(results.len() * 128);
            for (i, r) in results.iter().enumerate() {
                write_result(&mut buf, r, None, trace(i));
                buf.push(b'\n');
            }
            out.write_all(&buf)?;
        }
        Format::Markdown => {
            let rows: Vec<Vec<String>> = results.iter().map(cells).collect();
            write!(out, "{}", markdown::table(&HEADER, &rows))?;
            write_traces(&mut out, &results, &traces)?;
        }
        _ => {
            if !results.is_empty() {
                write!(out, "{}", table(&results, ctx))?;
            }
            write_traces(&mut out, &results, &traces)?;
        }
    }
    out.flush()?;
    Ok(Outcome::Success)
}

/// Rejects an environment that `settings.environments` does not list.
pub(crate) fn check_env(file: &FlagsFile, env: Option<&str>) -> Result<()> {
    let (Some(env), Some(allowed)) = (env, &file.settings.environments) else {
        return Ok(());
    };
    if allowed.iter().any(|a| a.value == env) {
        return Ok(());
    }
    let names: Vec<&str> = allowed.iter().map(|a| a.value.as_str()).collect();
    Err(Error::Usage(format!(
        "--env: unknown environment `{env}`{}; settings.environments lists {}",
        did_you_mean(env, names.iter().copied()),
        names.join(", ")
    )))
}

/// The flags named on the command line (keys or aliases), or every flag in file order.
fn choose_flags<'f>(file: &'f FlagsFile, names: &[String]) -> Result<Vec<&'f Flag>> {
    if names.is_empty() {
        return Ok(file.flags.iter().collect());
    }
    let mut out: Vec<&Flag> = Vec::new();
    for name in names {
        let flag = file.flag(name).or_else(|| {
            file.flags
                .iter()
                .find(|f| f.aliases.iter().any(|a| a.value == *name))
        });
        match flag {
            Some(f) if !out.iter().any(|o| o.key == f.key) => out.push(f),
            Some(_) => {}
            None => {
                let hint = did_you_mean(name, file.flags.iter().map(|f| f.key.as_str()));
                return Err(Error::Usage(format!(
                    "unknown flag `{name}`{hint} (`flagctl list` shows every flag)"
                )));
            }
        }
    }
    Ok(out)
}

/// Where the named contexts file is: `--contexts`, else `settings.contexts`, else
/// `fixtures/contexts.yaml`, the latter two relative to the flags file's directory.
fn contexts_path(loaded: &Loaded, explicit: Option<&Path>) -> PathBuf {
    if let Some(p) = explicit {
        return p.to_path_buf();
    }
    let dir = loaded.path.parent().unwrap_or(Path::new("."));
    match &loaded.file.settings.contexts {
        Some(p) => dir.join(&p.value),
        None => dir.join("fixtures").join("contexts.yaml"),
    }
}

/// Loads the named contexts file. A missing file is `Ok(None)` unless it is
/// `required` (a named context was asked for) or was given with `--contexts`.
/// A file with errors is refused, pointing at the first one.
pub(crate) fn load_contexts(
    ctx: &Ctx,
    loaded: &Loaded,
    explicit: Option<&Path>,
    required: bool,
) -> Result<Option<(String, NamedContexts)>> {
    let path = contexts_path(loaded, explicit);
    let display = path
        .strip_prefix(&ctx.cwd)
        .unwrap_or(&path)
        .to_string_lossy()
        .into_owned();
    match std::fs::metadata(&path) {
        Ok(meta) => {
            // A directory or a named pipe is no contexts file (and reading a FIFO
            // would block): say what it is.
            if let Some(what) = crate::fsutil::kind::not_a_file(&meta) {
                return Err(Error::Usage(format!(
                    "the contexts file {display} is {what}, not a regular file; pass --contexts PATH naming a YAML file"
                )));
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if required || explicit.is_some() {
                return Err(Error::Usage(format!(
                    "the contexts file {display} does not exist; create it, set settings.contexts or pass --contexts PATH"
                )));
            }
            return Ok(None);
        }
        Err(e) => return Err(Error::read(&path, e)),
    }
    let text = std::fs::read_to_string(&path).map_err(|e| Error::read(&path, e))?;
    let (contexts, diagnostics) = decode_contexts(&display, &text);
    let errors: Vec<_> = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    if let Some(first) = errors.first() {
        let more = match errors.len() {
            1 => String::new(),
            n => format!(" (and {} more)", n - 1),
        };
        return Err(Error::Invalid {
            file: first.file.clone(),
            line: first.line,
            column: first.column,
            message: format!("{}{more}", first.message),
        });
    }
    Ok(Some((display, contexts)))
}

/// The context: `--context-json`, then each `--context` in order.
fn build_context(ctx: &Ctx, loaded: &Loaded, args: &EvalArgs) -> Result<Context> {
    let mut context = match &args.context_json {
        None => Context::new(),
        Some(text) => match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(m)) => m,
            Ok(other) => {
                return Err(Error::Usage(format!(
                    "--context-json must be a JSON object such as '{{\"userId\": \"u-1\"}}', not {}",
                    crate::model::check::value_kind(&other)
                )));
            }
            Err(e) => {
                return Err(Error::Usage(format!(
                    "--context-json is not valid JSON: {e}"
                )));
            }
        },
    };
    let mut named: Option<(String, NamedContexts)> = None;
    for item in &args.context {
        if let Some((key, value)) = item.split_once('=') {
            if key.is_empty() {
                return Err(Error::Usage(format!(
                    "--context {item}: the attribute name before `=` is empty"
                )));
            }
            set_path(&mut context, key, parse_cli_value(value));
            continue;
        }
        if named.is_none() {
            named = load_contexts(ctx, loaded, args.contexts.as_deref(), true)?;
        }
        let Some((display, contexts)) = &named else {
            return Err(Error::Usage(format!(
                "--context {item}: not KEY=VALUE, and there is no contexts file to find a context named `{item}` in"
            )));
        };
        let Some(found) = contexts.get(item) else {
            return Err(Error::Usage(format!(
                "--context {item}: no context named `{item}` in {display}{}; for an attribute write KEY=VALUE",
                did_you_mean(item, contexts.names())
            )));
        };
        for (k, v) in found {
            context.insert(k.clone(), v.clone());
        }
    }
    Ok(context)
}

const HEADER: [&str; 6] = ["flag", "value", "variant", "reason", "rule", "bucket"];

/// A value for a table cell: strings bare, everything else as compact JSON.
pub(crate) fn show_value(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `REASON`, or `ERROR (CODE)`.
pub(crate) fn show_reason(r: &EvalResult) -> String {
    match r.error_code {
        Some(code) => format!("{} ({})", r.reason, code.as_str()),
        None => r.reason.to_string(),
    }
}

fn cells(r: &EvalResult) -> Vec<String> {
    vec![
        r.flag.to_string(),
        show_value(r.value),
        r.variant.unwrap_or("-").to_string(),
        show_reason(r),
        r.rule.unwrap_or("-").to_string(),
        r.bucket.map_or("-".into(), |b| b.to_string()),
    ]
}

/// The results as a table; the bucket column is numeric, so right-aligned.
fn table(results: &[EvalResult], ctx: &Ctx) -> String {
    let rows: Vec<Vec<String>> = results.iter().map(cells).collect();
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ =
        crate::report::table::write_rows(&mut out, &HEADER, &rows, &[5], ctx.paint, |_, _, c| {
            c.to_string()
        });
    String::from_utf8_lossy(&out).into_owned()
}

/// The `--explain` blocks: one per flag, each step on its own line.
pub(crate) fn write_trace<W: Write>(
    out: &mut W,
    r: &EvalResult,
    steps: &[Step],
) -> std::io::Result<()> {
    writeln!(
        out,
        "{} → {} ({})",
        r.flag,
        show_value(r.value),
        show_reason(r)
    )?;
    for s in steps {
        writeln!(out, "  {}. {}", s.step, s.text)?;
    }
    Ok(())
}

fn write_traces<W: Write>(
    out: &mut W,
    results: &[EvalResult],
    traces: &[Vec<Step>],
) -> std::io::Result<()> {
    for (r, steps) in results.iter().zip(traces) {
        writeln!(out)?;
        write_trace(out, r, steps)?;
    }
    Ok(())
}
