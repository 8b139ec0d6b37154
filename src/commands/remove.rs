//! `flagctl remove KEY`: delete a flag from flags.yaml, then print the code references
//! still to delete.

use super::{Ctx, stdout, write};
use crate::Outcome;
use crate::audit::Location;
use crate::cli::{Format, RemoveArgs};
use crate::error::{Error, Result};
use crate::model::Loaded;
use crate::model::edit::{self, Change};
use crate::report::cleanup;
use crate::suggest::did_you_mean;
use std::io::Write;

/// Runs `flagctl remove`.
pub fn run(ctx: &Ctx, args: &RemoveArgs) -> Result<Outcome> {
    ctx.format("remove", &[Format::Text])?;
    let key = args.key.as_str();
    let loaded = write::load_for_edit(ctx)?;
    if loaded.file.flag(key).is_none() {
        let hint = did_you_mean(key, loaded.file.flags.iter().map(|f| f.key.as_str()));
        return Err(Error::Usage(format!(
            "no flag `{key}` in {}{hint}",
            loaded.display
        )));
    }
    let splice = edit::plan_remove(&loaded.text, &loaded.display, key)?;
    write::apply(ctx, &loaded, &splice, Change::Removed(key), args.dry_run)?;
    let mut out = stdout();
    if !args.dry_run && !ctx.global.quiet {
        if let Some((first, last)) = splice.removed_lines() {
            writeln!(
                out,
                "removed flag `{key}` from {} (lines {first}-{last})",
                loaded.display
            )?;
        }
    }
    match references(ctx, &loaded, key) {
        Some(refs) => cleanup::write_plan(&mut out, key, &refs, ctx.paint)?,
        None if !ctx.global.quiet => writeln!(
            out,
            "next: find the code that still uses it with `flagctl scan --flag {key}` and delete it"
        )?,
        None => {}
    }
    out.flush()?;
    Ok(Outcome::Success)
}

/// The code references to `key` left to delete, or `None` when they cannot be found.
///
/// The scanner (`src/scan/`) is not on this branch yet. Wire it here: scan
/// `settings.scan.paths` relative to the directory holding `loaded.path`, keep the
/// records for `key` (and its aliases), and map each to a [`Location`].
pub fn references(_ctx: &Ctx, _loaded: &Loaded, _key: &str) -> Option<Vec<Location>> {
    None
}
