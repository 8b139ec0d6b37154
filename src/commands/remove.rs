//! `flagctl remove KEY`: delete a flag from flags.yaml, then print the code references
//! still to delete.

use super::{Ctx, note, stdout, write};
use crate::Outcome;
use crate::audit::Location;
use crate::cli::{Format, RemoveArgs};
use crate::error::{Error, Result};
use crate::model::Loaded;
use crate::model::edit::{self, Change};
use crate::report::cleanup;
use crate::scan::{self, ScanOptions};
use crate::suggest::did_you_mean;
use std::io::Write;

/// Runs `flagctl remove`.
pub fn run(ctx: &Ctx, args: &RemoveArgs) -> Result<Outcome> {
    ctx.format("remove", &[Format::Text])?;
    let key = args.key.as_str();
    let editing = write::load_for_edit(ctx, args.dry_run)?;
    let loaded = &editing.loaded;
    if loaded.file.flag(key).is_none() {
        let hint = did_you_mean(key, loaded.file.flags.iter().map(|f| f.key.as_str()));
        return Err(Error::Usage(format!(
            "no flag `{key}` in {}{hint}",
            loaded.display
        )));
    }
    let splice = edit::plan_remove(&loaded.text, &loaded.display, key)?;
    write::apply(
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
        Ok(refs) => cleanup::write_plan(&mut out, key, &refs, ctx.paint)?,
        // The flags.yaml edit is what was asked for and it is done; the plan is a
        // courtesy, so a scan that cannot run is a note, not a failure.
        Err(e) => {
            note(ctx, &format!("note: no cleanup plan: {e}"));
            if !ctx.global.quiet {
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

/// The code references to `key` left to delete: a scan of `settings.scan.paths`
/// (relative to the directory holding the flags file) restricted to `key`, whose
/// records already name the flag by its key whichever alias or pattern matched.
///
/// `loaded` must still define `key` (it is the file as read before the edit): the scan
/// resolves spellings through its flags.
pub fn references(ctx: &Ctx, loaded: &Loaded, key: &str) -> Result<Vec<Location>> {
    let mut opts = ScanOptions::for_flags_file(loaded, &ctx.cwd);
    opts.flag = Some(key.to_string());
    let result = scan::scan(&loaded.file, &opts)?;
    for line in super::scan::error_lines(&result) {
        note(ctx, &line);
    }
    Ok(result.references.iter().map(Location::from).collect())
}
