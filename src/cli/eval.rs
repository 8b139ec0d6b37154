//! `flagctl eval`: what flags serve to a context, and why. With `--contexts-file`,
//! every context of a JSON Lines stream (one result per line, or a `--summary`).

use super::ctx::stdout;
use super::{Ctx, Outcome};
use flagctl::error::{Error, Result};
use flagctl::eval::batch::{BadLine, Mode};
use flagctl::eval::output::write_result;
use flagctl::eval::request::{
    ContextSpec, Evaluation, Explained, build_context, check_env, choose_flags,
};
use flagctl::eval::stream::{Batch, Rollout, Stop};
use flagctl::eval::{Engine, Prepared};
use flagctl::render::{self, JSON_VERSION};
use flagctl::text::plural;
use std::io::{Read, Write};
use std::path::PathBuf;

super::formats!(Format {
    Table ["text"] => Human,
    Json => Json,
    Jsonl => Jsonl,
    Markdown => Markdown,
});

/// `flagctl eval`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Flags to evaluate (keys or aliases) [default: every flag]
    #[arg(value_name = "FLAG")]
    keys: Vec<String>,
    /// A context attribute KEY=VALUE (dots nest: account.plan=pro; numbers and booleans
    /// are typed), or the NAME of a context in the contexts file; repeatable, applied in order
    #[arg(long, short = 'c', value_name = "KEY=VALUE|NAME")]
    context: Vec<String>,
    /// The context as a JSON object; --context entries are applied on top
    #[arg(long, value_name = "JSON")]
    context_json: Option<String>,
    /// The named contexts file [default: settings.contexts, else fixtures/contexts.yaml]
    #[arg(long, value_name = "PATH")]
    contexts: Option<PathBuf>,
    /// Apply this environment's overrides
    #[arg(long, short = 'e', value_name = "NAME")]
    env: Option<String>,
    /// Print each step of the evaluation for each flag
    #[arg(long, conflicts_with = "contexts_file")]
    explain: bool,
    /// Evaluate every context of a JSON Lines file (`-` for stdin): one result per
    /// context and flag (jsonl), or with --summary the counts per value
    #[arg(long, value_name = "FILE", conflicts_with_all = ["context", "context_json"])]
    contexts_file: Option<PathBuf>,
    /// With --contexts-file: per flag, how many contexts got each value and the observed
    /// versus configured rollout
    #[arg(long, requires = "contexts_file")]
    summary: bool,
    /// With --contexts-file: skip malformed lines (reported on stderr) instead of stopping
    #[arg(long, requires = "contexts_file")]
    keep_going: bool,
    /// Output format [default: table; jsonl with --contexts-file]
    #[arg(long, value_enum)]
    format: Option<Format>,
}

/// Runs the command.
pub fn run(ctx: &Ctx, args: &Args) -> Result<Outcome> {
    let loaded = ctx.load_valid()?;
    let file = &loaded.file;
    check_env(file, args.env.as_deref())?;
    let chosen = choose_flags(file, &args.keys)?;
    let engine = Engine::new(file);
    let prepared: Vec<_> = chosen
        .iter()
        .map(|f| engine.prepare(f, args.env.as_deref()))
        .collect();
    if args.contexts_file.is_some() {
        return batch(ctx, args, &engine, &prepared);
    }
    let format = ctx.format("eval", args.format, Format::Table)?;
    let spec = ContextSpec {
        json: args.context_json.as_deref(),
        items: &args.context,
        contexts: args.contexts.as_deref(),
    };
    let context = build_context(&loaded, &spec, &ctx.cwd)?;
    let results = prepared
        .iter()
        .map(|p| {
            let mut steps = Vec::new();
            let trace = args.explain.then_some(&mut steps);
            let result = engine.evaluate(p, &context, None, trace);
            Explained {
                result,
                explain: args.explain.then_some(steps),
            }
        })
        .collect();
    let report = Evaluation {
        env: args.env.clone(),
        results,
    };
    if format == Format::Jsonl {
        // One result per line, as the batch mode writes them.
        let mut buf = Vec::new();
        for r in &report.results {
            write_result(&mut buf, &r.result, None, r.explain.as_deref());
            buf.push(b'\n');
        }
        let mut out = stdout();
        out.write_all(&buf)?;
        out.flush()?;
    } else {
        ctx.emit(&report, format.render())?;
    }
    Ok(Outcome::Success)
}

/// `--contexts-file`: streams results (jsonl, or a JSON document) or prints the
/// summary.
fn batch(ctx: &Ctx, args: &Args, engine: &Engine, prepared: &[Prepared]) -> Result<Outcome> {
    let (format, mode) = batch_mode(ctx, args)?;
    let path = args.contexts_file.as_deref().unwrap_or("-".as_ref());
    let (display, input): (String, Box<dyn Read>) = if path.as_os_str() == "-" {
        ("<stdin>".into(), Box::new(std::io::stdin().lock()))
    } else {
        let file = std::fs::File::open(path).map_err(|e| Error::read(path, e))?;
        (ctx.display(path), Box::new(file))
    };
    let batch = Batch {
        engine,
        prepared,
        mode,
        keep_going: args.keep_going,
    };
    // Say the first few skipped lines one by one; the count says the rest.
    const SHOWN: u64 = 20;
    let mut shown = 0;
    let mut on_skip = |bad: &BadLine| {
        if shown < SHOWN {
            ctx.note(&format!(
                "warning: {display}:{}:{}: {}; skipped",
                bad.line, bad.column, bad.message
            ));
        }
        shown += 1;
    };
    let mut out = stdout();
    if mode == Mode::JsonArray {
        write!(
            out,
            "{{\n  \"version\": {JSON_VERSION},\n  \"command\": \"eval\",\n  \"flagctl\": \"{}\",\n  \"results\": [",
            env!("CARGO_PKG_VERSION")
        )?;
    }
    let (totals, stop) = batch.run(input, &mut out, &mut on_skip);
    let error = stop.map(|s| stop_error(s, path, &display));
    match mode {
        // Even when the batch stopped, the document stays valid JSON: the results so
        // far, then the error.
        Mode::JsonArray => {
            out.write_all(json_array_tail(error.as_ref(), totals.contexts > 0).as_bytes())?
        }
        Mode::Summary if error.is_none() => {
            let report = Rollout::new(prepared, &totals);
            render::emit(&mut out, &report, format.render(), &ctx.printer)?;
        }
        _ => {}
    }
    out.flush()?;
    if let Some(e) = error {
        return Err(e);
    }
    if totals.skipped > 0 {
        ctx.note(&format!(
            "warning: skipped {} of {display}",
            plural(totals.skipped, "malformed line")
        ));
    }
    Ok(Outcome::Success)
}

/// The output format and batch mode `--summary` and `--format` ask for, refusing
/// the combinations that cannot work on a stream of results.
fn batch_mode(ctx: &Ctx, args: &Args) -> Result<(Format, Mode)> {
    let default = if args.summary {
        Format::Table
    } else {
        Format::Jsonl
    };
    let format = ctx.format("eval", args.format, default)?;
    let mode = match (args.summary, format) {
        (true, Format::Jsonl) => {
            return Err(Error::Usage(
                "--summary prints one report; use --format table, json or markdown".into(),
            ));
        }
        (true, _) => Mode::Summary,
        (false, Format::Json) => Mode::JsonArray,
        (false, Format::Jsonl) => Mode::Jsonl,
        (false, _) => {
            return Err(Error::Usage(
                "--contexts-file writes one result per context: use --format jsonl or json, or add --summary".into(),
            ));
        }
    };
    Ok((format, mode))
}

/// The error a stopped batch ends with.
fn stop_error(stop: Stop, path: &std::path::Path, display: &str) -> Error {
    match stop {
        Stop::Read(e) => Error::read(path, e),
        // Not a read error: `| head` closing stdout ends the run quietly.
        Stop::Write(e) => Error::Output(e),
        Stop::Line(bad) => Error::Invalid {
            file: display.to_string(),
            line: u32::try_from(bad.line).unwrap_or(u32::MAX),
            column: u32::try_from(bad.column).unwrap_or(u32::MAX),
            message: format!(
                "{} (pass --keep-going to skip malformed lines)",
                bad.message
            ),
        },
    }
}

/// What closes the JSON document after the results: the error, if the batch stopped.
fn json_array_tail(error: Option<&Error>, any_results: bool) -> String {
    match error {
        Some(e) => format!(
            "\n  ],\n  \"error\": {}\n}}\n",
            serde_json::to_string(&e.to_string()).unwrap_or_else(|_| "null".into())
        ),
        None if any_results => "\n  ]\n}\n".to_string(),
        None => "]\n}\n".to_string(),
    }
}
