//! What `new` and `remove` share: refuse to edit an invalid file, check the edit, then
//! print it as a diff (`--dry-run`) or write it atomically.

use super::Ctx;
use super::ctx::stdout;
use flagctl::diag::{Diagnostic, Severity};
use flagctl::error::{Error, Result};
use flagctl::fsutil::{self, Fault};
use flagctl::model::Loaded;
use flagctl::model::edit::{self, Change, Splice};
use flagctl::render::unified;
use std::io::Write;

/// Loads the flags file, refusing one that already has errors: an edit could not be
/// checked against it, and the user should see those errors first.
pub fn load_for_edit(ctx: &Ctx) -> Result<Loaded> {
    let loaded = ctx.load()?;
    let errors: Vec<&Diagnostic> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    if let Some(first) = errors.first() {
        let them = match errors.len() {
            1 => "it".to_string(),
            n => format!("all {n} errors"),
        };
        return Err(Error::Invalid {
            file: first.file.clone(),
            line: first.line,
            column: first.column,
            message: format!(
                "{}; flagctl only edits a valid file: run `flagctl validate` and fix {them} first",
                first.message
            ),
        });
    }
    Ok(loaded)
}

/// Applies `splice` to the loaded text, checks that the result is valid and differs by
/// exactly `change`, then prints the diff (`dry_run`) or replaces the file. Returns the
/// edited file as loaded from the new text.
pub fn apply(
    ctx: &Ctx,
    loaded: &Loaded,
    splice: &Splice,
    change: Change<'_>,
    dry_run: bool,
) -> Result<Loaded> {
    let (text, edited) = edit::verify(loaded, splice, change, ctx.today)?;
    if dry_run {
        let mut out = stdout();
        let diff = unified::unified(&loaded.display, &loaded.text, splice, ctx.printer.paint);
        out.write_all(diff.as_bytes())?;
        out.flush()?;
    } else {
        fsutil::replace(
            &loaded.path,
            loaded.text.as_bytes(),
            text.as_bytes(),
            Fault::from_env(),
        )
        .map_err(|source| Error::Write {
            file: loaded.display.clone(),
            source,
        })?;
    }
    Ok(edited)
}
