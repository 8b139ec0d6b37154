//! The `flagctl` binary: parse, run, map the outcome to an exit code.

mod cli;

use std::io::Write;
use std::process::ExitCode;

// Loading a large flags file makes hundreds of thousands of small allocations; the
// system allocator spent a third of `validate`'s time in page faults on them.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    match cli::run(std::env::args_os()) {
        Ok(outcome) => ExitCode::from(outcome.code()),
        // `flagctl scan | head` closes the pipe early; that is not a failure.
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        // Clap has already printed its own usage errors.
        Err(flagctl::error::Error::Usage(msg)) if msg.is_empty() => ExitCode::from(2),
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: {e}");
            ExitCode::from(2)
        }
    }
}
