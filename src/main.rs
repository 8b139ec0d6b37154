//! The `flagctl` binary: parse, run, map the outcome to an exit code.

use flagctl::error::Error;
use std::io::{ErrorKind, Write};
use std::process::ExitCode;

// Loading a large flags file makes hundreds of thousands of small allocations; the
// system allocator spent a third of `validate`'s time in page faults on them.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    match flagctl::run(std::env::args_os()) {
        Ok(outcome) => ExitCode::from(outcome.code()),
        // `flagctl scan | head` closes the pipe early; that is not a failure.
        Err(Error::Output(e)) if e.kind() == ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(Error::Usage(msg)) if msg.is_empty() => ExitCode::from(2),
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: {e}");
            ExitCode::from(2)
        }
    }
}
