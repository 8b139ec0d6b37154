//! Terminal colors, decided once per run from `--color`, `NO_COLOR` and whether
//! stdout is a terminal.

/// Wraps text in ANSI styles when color is enabled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paint {
    /// Whether to emit escape codes.
    pub enabled: bool,
}

impl Paint {
    /// No color.
    pub const PLAIN: Paint = Paint { enabled: false };

    fn wrap(self, code: &str, text: &str) -> String {
        if self.enabled {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// Bold red: errors.
    pub fn error(self, text: &str) -> String {
        self.wrap("1;31", text)
    }
    /// Bold yellow: warnings.
    pub fn warning(self, text: &str) -> String {
        self.wrap("1;33", text)
    }
    /// Bold.
    pub fn bold(self, text: &str) -> String {
        self.wrap("1", text)
    }
    /// Blue: gutters and locations.
    pub fn blue(self, text: &str) -> String {
        self.wrap("34", text)
    }
    /// Green: success.
    pub fn green(self, text: &str) -> String {
        self.wrap("32", text)
    }
    /// Dim: secondary text.
    pub fn dim(self, text: &str) -> String {
        self.wrap("2", text)
    }
    /// Magenta: file paths.
    pub fn magenta(self, text: &str) -> String {
        self.wrap("35", text)
    }
}
