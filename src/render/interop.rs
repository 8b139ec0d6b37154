//! `export` and `import`: what mapped exactly, what was approximated and what was lost,
//! per flag.

use super::{Printer, Report};
use crate::interop::report::{Direction, Report as Fidelity, write_text};
use std::io::{self, Write};

impl Report for Fidelity {
    fn command(&self) -> &'static str {
        match self.direction {
            Direction::Export => "export",
            Direction::Import => "import",
        }
    }

    fn human(&self, out: &mut dyn Write, _p: &Printer) -> io::Result<()> {
        write_text(out, self)
    }
}
