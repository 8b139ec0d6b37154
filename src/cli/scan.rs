//! `flagctl scan`: runs the scanner over the given roots (default
//! `settings.scan.paths`) and renders its result as text, a summary table, JSON or
//! CSV. Exit 0 whether or not references are found: `check` is the gate.

use super::{Ctx, Outcome};
use flagctl::diag::Code;
use flagctl::error::{Error, Result};
use flagctl::lifecycle;
use flagctl::render::scan::{ScanView, human_bytes, stderr_report};
use flagctl::scan::{self, Progress, Root, ScanOptions};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

super::formats!(Format {
    Text => Human,
    Json => Json,
    Csv => Csv,
});

/// `flagctl scan`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Directories or files to scan [default: settings.scan.paths, relative to the flags file]
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Only references to this flag (the view used when deleting it)
    #[arg(long, value_name = "KEY")]
    flag: Option<String>,
    /// A table of references per flag, unreferenced flags included, instead of one line per reference
    #[arg(long)]
    summary: bool,
    /// Show (and record in JSON) N lines of context around each reference
    #[arg(short = 'C', long, value_name = "N")]
    context: Option<usize>,
    /// Skip files larger than SIZE (bytes, or with a K, M or G suffix)
    #[arg(long, value_name = "SIZE", default_value = "10M")]
    max_filesize: String,
    /// Follow symbolic links (loops are detected and skipped)
    #[arg(short = 'L', long)]
    follow: bool,
    /// Scan hidden files and directories too
    #[arg(long)]
    hidden: bool,
    /// Do not honour .gitignore, .ignore and .flagctlignore files
    #[arg(long)]
    no_ignore: bool,
    /// Worker threads [default: one per CPU]
    #[arg(
        short = 'j',
        long,
        value_name = "N",
        default_value_t = 0,
        hide_default_value = true
    )]
    threads: usize,
    /// Output format
    #[arg(long, value_enum)]
    format: Option<Format>,
}

/// Runs the command.
pub fn run(ctx: &Ctx, args: &Args) -> Result<Outcome> {
    let format = ctx.format("scan", args.format, Format::Text)?;
    if args.summary && format != Format::Text {
        return Err(Error::Usage(
            "--summary prints a table; it cannot be combined with --format json or csv".into(),
        ));
    }
    let max_filesize = parse_size(&args.max_filesize).ok_or_else(|| {
        Error::Usage(format!(
            "--max-filesize: expected a size such as 10M, 512K or 1048576, got `{}`",
            args.max_filesize
        ))
    })?;
    let loaded = ctx.load_valid()?;
    let mut opts = ScanOptions::for_flags_file(&loaded, &ctx.cwd);
    if !args.paths.is_empty() {
        opts.roots = args
            .paths
            .iter()
            .map(|p| Root::from_arg(p, &ctx.cwd))
            .collect();
        opts.roots_chosen = true;
    }
    opts.max_filesize = max_filesize;
    opts.follow = args.follow;
    opts.hidden = args.hidden;
    opts.no_ignore = args.no_ignore;
    opts.threads = args.threads;
    opts.context = args.context;
    opts.flag = args.flag.clone();

    let show_progress = !ctx.printer.quiet && std::io::stderr().is_terminal();
    let result = if show_progress {
        let progress = Arc::new(Progress::default());
        opts.progress = Some(Arc::clone(&progress));
        with_progress(&progress, || scan::scan(&loaded.file, &opts))?
    } else {
        scan::scan(&loaded.file, &opts)?
    };
    let view = ScanView {
        result: &result,
        file: &loaded.file,
        summary: args.summary,
    };
    ctx.emit(&view, format.render())?;
    if format != Format::Json {
        ctx.notes(&stderr_report(&result));
        // A common-word key drowns its real references; say so where they are listed.
        let refs = lifecycle::code_refs(&result.references, &[], |_| None);
        for f in lifecycle::reference_findings(&loaded.file, &loaded.display, &refs) {
            if f.kind == Code::NoisyKey {
                ctx.note(&format!("note: {}; {}", f.message, f.action));
            }
        }
    }
    Ok(Outcome::Success)
}

/// Runs `f` while a thread redraws a one-line progress indicator on stderr (only
/// after half a second, so short scans print nothing), then erases it.
fn with_progress<T: Send>(progress: &Progress, f: impl FnOnce() -> T + Send) -> T {
    let done = AtomicBool::new(false);
    std::thread::scope(|s| {
        // No progress line if no thread can be had; the scan itself goes on.
        let ticker = std::thread::Builder::new().spawn_scoped(s, || {
            let start = Instant::now();
            let mut drawn = false;
            while !done.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(100));
                if start.elapsed() < Duration::from_millis(500) {
                    continue;
                }
                let files = progress.files.load(Ordering::Relaxed);
                let bytes = progress.bytes.load(Ordering::Relaxed);
                let _ = write!(
                    std::io::stderr(),
                    "\r\x1b[Kscanning: {files} files, {}",
                    human_bytes(bytes)
                );
                drawn = true;
            }
            if drawn {
                let _ = write!(std::io::stderr(), "\r\x1b[K");
            }
        });
        let value = f();
        done.store(true, Ordering::Relaxed);
        if let Ok(ticker) = ticker {
            let _ = ticker.join();
        }
        value
    })
}

/// `10M`, `512k`, `1G`, `2MiB`, `1048576` → bytes.
fn parse_size(text: &str) -> Option<u64> {
    let t = text.trim();
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let number: u64 = t[..digits].parse().ok()?;
    let unit = match t[digits..].to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => return None,
    };
    number.checked_mul(unit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("10M"), Some(10 << 20));
        assert_eq!(parse_size("512k"), Some(512 << 10));
        assert_eq!(parse_size("2GiB"), Some(2 << 30));
        assert_eq!(parse_size("123"), Some(123));
        assert_eq!(parse_size("ten"), None);
        assert_eq!(parse_size("1T"), None);
        assert_eq!(parse_size("99999999999999999999G"), None);
    }
}
