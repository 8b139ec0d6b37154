//! `flagctl test`: evaluates each test of the spec files and compares the value,
//! reason and variant with what the test expects. Ends with `N passed, N failed`;
//! exit 1 on any failure.

use super::{Ctx, Outcome};
use flagctl::error::{Error, Result};
use flagctl::eval::Engine;
use flagctl::eval::request::load_contexts;
use flagctl::eval::suite::{self, Specs, spec_paths};
use flagctl::text::plural;
use std::path::PathBuf;

super::formats!(Format {
    Table ["text"] => Human,
    Junit => Junit,
    Json => Json,
});

/// `flagctl test`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Spec files [default: flags.test.yaml and tests/flags/*.yaml next to flags.yaml]
    #[arg(value_name = "SPEC")]
    specs: Vec<PathBuf>,
    /// The named contexts file [default: settings.contexts, else fixtures/contexts.yaml]
    #[arg(long, value_name = "PATH")]
    contexts: Option<PathBuf>,
    /// Output format
    #[arg(long, value_enum)]
    format: Option<Format>,
}

/// Runs the command.
pub fn run(ctx: &Ctx, args: &Args) -> Result<Outcome> {
    let format = ctx.format("test", args.format, Format::Table)?;
    let loaded = ctx.load_valid()?;
    let paths = spec_paths(&loaded, &args.specs, &ctx.cwd)?;
    let contexts = load_contexts(&loaded, args.contexts.as_deref(), false, &ctx.cwd)?;
    let specs = Specs::read(&loaded, &paths, contexts.as_ref(), &ctx.cwd)?;
    let errors = specs.errors();
    if errors > 0 {
        report_spec_errors(ctx, &specs, format)?;
        return Err(Error::Usage(format!(
            "the test specs have {}; fix them and run again",
            plural(errors, "error")
        )));
    }
    let engine = Engine::new(&loaded.file);
    let jobs = suite::jobs(&engine, &specs);
    let run = suite::run(&engine, &jobs);
    ctx.emit(&run, format.render())?;
    if format != Format::Table {
        // The document on stdout is for machines; people get the totals on stderr.
        ctx.note(&run.summary());
    }
    Ok(Outcome::failed_if(run.failed > 0))
}

/// Spec errors follow `--format`: quoted lines on stderr for people, the diagnostics
/// as JSON on stdout for machines.
fn report_spec_errors(ctx: &Ctx, specs: &Specs, format: Format) -> Result<()> {
    if format == Format::Json {
        return ctx.emit(specs, format.render());
    }
    let mut err = std::io::stderr().lock();
    flagctl::render::emit(
        &mut err,
        specs,
        flagctl::render::Format::Human,
        &ctx.printer,
    )?;
    Ok(())
}
