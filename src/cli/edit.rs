//! What `new` and `remove` share: take the edit lock, refuse to edit an invalid file,
//! check the edit, then print it as a diff (`--dry-run`) or write it atomically.

use super::Ctx;
use super::ctx::stdout;
use flagctl::diag::{Diagnostic, Severity};
use flagctl::error::{Error, Result};
use flagctl::fsutil::lock::{self, EditLock, LockError};
use flagctl::fsutil::{self, Fault, Links};
use flagctl::model::Loaded;
use flagctl::model::edit::{self, Change, Splice};
use flagctl::render::unified;
use std::io::Write;

/// An edit in progress: the file as read under the lock (the lock is `None` for a
/// dry run, which writes nothing). Keep it until the edit is written, then drop it.
pub struct Editing {
    /// The flags file as read while holding the lock.
    pub loaded: Loaded,
    lock: Option<EditLock>,
}

impl Editing {
    /// The file as read, releasing the lock (before slow work that does not touch
    /// the file).
    pub fn into_loaded(self) -> Loaded {
        drop(self.lock);
        self.loaded
    }
}

/// Takes the edit lock (unless `dry_run`), then loads the flags file, refusing one
/// that already has errors: an edit could not be checked against it, and the user
/// should see those errors first. Reading under the lock means no other flagctl
/// edit can land between this read and this edit's rename.
pub fn load_for_edit(ctx: &Ctx, dry_run: bool) -> Result<Editing> {
    let lock = match dry_run {
        true => None,
        false => Some(lock(ctx)?),
    };
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
    Ok(Editing { loaded, lock })
}

/// The edit lock of the flags file (of the real file, when the path is a symlink).
fn lock(ctx: &Ctx) -> Result<EditLock> {
    let path = ctx.flags_path()?;
    let display = ctx.display(&path);
    // A path that cannot be resolved cannot be loaded either: say so the same way.
    let target = std::fs::canonicalize(&path).map_err(|e| Error::read(&path, e))?;
    EditLock::acquire(&target, lock::TIMEOUT).map_err(|e| Error::Write {
        file: display,
        source: fsutil::WriteError {
            step: "waiting for the edit lock".into(),
            source: match e {
                LockError::Io { source, .. } => source,
                busy => std::io::Error::new(std::io::ErrorKind::TimedOut, busy.to_string()),
            },
        },
    })
}

/// Applies `splice` to the loaded text, checks that the result is valid and differs by
/// exactly `change`, then prints the diff (`dry_run`) or replaces the file (`force`:
/// even when it has other hard links). Returns the edited file as loaded from the new
/// text.
pub fn apply(
    ctx: &Ctx,
    loaded: &Loaded,
    splice: &Splice,
    change: Change<'_>,
    dry_run: bool,
    force: bool,
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
            if force { Links::Break } else { Links::Refuse },
            Fault::from_env(),
        )
        .map_err(|source| Error::Write {
            file: loaded.display.clone(),
            source,
        })?;
    }
    Ok(edited)
}
