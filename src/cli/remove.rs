//! `flagctl remove KEY`: delete a flag from flags.yaml, then print the code references
//! still to delete.

use super::ctx::stdout;
use super::{Ctx, Outcome, edit};
use flagctl::audit::collect::references_to;
use flagctl::cleanup::keep;
use flagctl::error::{Error, Result};
use flagctl::model::edit::{Change, plan_remove};
use flagctl::render::plan;
use flagctl::scan::Role;
use flagctl::suggest::did_you_mean;
use std::io::Write;

/// `flagctl remove`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The key of the flag to delete
    key: String,
    /// Print the change as a unified diff instead of writing it
    #[arg(long)]
    dry_run: bool,
    /// Replace flags.yaml even if it has other hard links (they keep the old content)
    #[arg(long)]
    force: bool,
}

/// Runs `flagctl remove`.
pub fn run(ctx: &Ctx, args: &Args) -> Result<Outcome> {
    let key = args.key.as_str();
    let editing = edit::load_for_edit(ctx, args.dry_run)?;
    let loaded = &editing.loaded;
    if loaded.file.flag(key).is_none() {
        let hint = did_you_mean(key, loaded.file.flags.iter().map(|f| f.key.as_str()));
        return Err(Error::Usage(format!(
            "no flag `{key}` in {}{hint}",
            loaded.display
        )));
    }
    let splice = plan_remove(&loaded.text, &loaded.display, key)?;
    edit::apply(
        ctx,
        loaded,
        &splice,
        Change::Removed(key),
        args.dry_run,
        args.force,
    )?;
    // The file is written: let the next editor in before the scan, which can be slow.
    let loaded = editing.into_loaded();
    let mut out = stdout();
    if !args.dry_run && !ctx.printer.quiet {
        if let Some((first, last)) = splice.removed_lines() {
            writeln!(
                out,
                "removed flag `{key}` from {} (lines {first}-{last})",
                loaded.display
            )?;
        }
    }
    // `loaded` is the file as read before the edit, so it still defines the flag whose
    // spellings the scan resolves.
    match references_to(&loaded, key, &ctx.cwd) {
        Ok((refs, warnings)) => {
            ctx.notes(&warnings);
            plan::write_plan(&mut out, key, &refs, ctx.printer.paint)?;
            if refs.iter().any(|r| r.role != Role::Mention) && !ctx.printer.quiet {
                let keep = match loaded.file.flag(key).map(keep::default) {
                    Some(Ok(serde_json::Value::Bool(false))) => "off",
                    Some(Ok(_)) => "on",
                    _ => "VALUE",
                };
                let lead = if args.dry_run {
                    "or rewrite the code and remove the flag in one step"
                } else {
                    "to rewrite the code automatically, restore flags.yaml and run"
                };
                writeln!(out, "{lead}: flagctl cleanup {key} --keep {keep}")?;
            }
        }
        // The flags.yaml edit is what was asked for and it is done; the plan is a
        // courtesy, so a scan that cannot run is a note, not a failure.
        Err(e) => {
            ctx.note(&format!("note: no cleanup plan: {e}"));
            if !ctx.printer.quiet {
                writeln!(
                    out,
                    "next: find the code that still uses it with `flagctl scan --flag {key}` and delete it"
                )?;
            }
        }
    }
    out.flush()?;
    Ok(Outcome::Success)
}
