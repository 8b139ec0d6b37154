//! The SDK call shapes `init --discover` looks for: a call of one of the check methods
//! that `settings.cleanup.calls` knows by default (OpenFeature, Unleash, LaunchDarkly,
//! GrowthBook, Flagsmith, ConfigCat, `isFeatureEnabled`) whose first argument is a
//! string literal. They are ordinary scan patterns (capture group 1 is the key), so
//! the scanner runs them like `settings.scan.patterns`.

use crate::diag::Pos;
use crate::model::{ScanPattern, Sp};
use crate::syntax::calls::DEFAULT_CALLS;
use regex::Regex;

/// The quote characters a literal may use: one pattern each, so a key is captured
/// only between two quotes of the same kind (`"it's"` is not the key `it`).
const QUOTES: [char; 3] = ['"', '\'', '`'];

/// `name1|name2|...`, escaped, longest first.
fn alternation() -> String {
    let mut names: Vec<&str> = DEFAULT_CALLS.to_vec();
    names.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    names.dedup();
    let escaped: Vec<String> = names.iter().map(|n| regex::escape(n)).collect();
    escaped.join("|")
}

/// The source of the pattern for literals quoted with `quote`. The name must start a
/// word, so `myisEnabled(` is not `isEnabled(`.
fn source(quote: char) -> String {
    let q = regex::escape(&quote.to_string());
    format!(r"\b(?:{})\s*\(\s*{q}([^{q}\r\n]*){q}", alternation())
}

/// The built-in patterns, compiled. The sources are fixed, so they always compile;
/// one that did not would simply not be searched.
pub fn builtin() -> Vec<ScanPattern> {
    QUOTES
        .iter()
        .filter_map(|&q| {
            let text = source(q);
            let regex = Regex::new(&text).ok()?;
            Some(ScanPattern {
                source: Sp::new(text, Pos::START),
                regex,
            })
        })
        .collect()
}

/// Names the check method of a call found by [`builtin`]: the same shapes with the
/// method's name captured too, compiled once.
#[derive(Debug)]
pub struct Methods {
    named: Vec<Regex>,
}

impl Methods {
    /// Compiles the shapes.
    pub fn new() -> Methods {
        let named = QUOTES
            .iter()
            .filter_map(|&q| {
                let q = regex::escape(&q.to_string());
                Regex::new(&format!(
                    r"\b({})\s*\(\s*{q}([^{q}\r\n]*){q}",
                    alternation()
                ))
                .ok()
            })
            .collect();
        Methods { named }
    }

    /// Which check method `text` (a line as the scan records it) calls with `key` as
    /// its first argument. `None` when the line was cut before the call.
    pub fn of(&self, text: &str, key: &str) -> Option<String> {
        self.named
            .iter()
            .flat_map(|re| re.captures_iter(text))
            .filter(|c| c.get(2).is_some_and(|k| k.as_str() == key))
            .filter_map(|c| c.get(1).map(|m| (m.start(), m.as_str())))
            .min()
            .map(|(_, name)| name.to_string())
    }
}

impl Default for Methods {
    fn default() -> Self {
        Methods::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(text: &str) -> Vec<String> {
        let mut found: Vec<(usize, String)> = Vec::new();
        for p in builtin() {
            for c in p.regex.captures_iter(text) {
                let g = c.get(1).expect("group 1");
                found.push((g.start(), g.as_str().to_string()));
            }
        }
        found.sort();
        found.into_iter().map(|(_, k)| k).collect()
    }

    #[test]
    fn finds_first_argument_literals_of_sdk_calls() {
        assert_eq!(
            keys(r#"client.getBooleanValue("new-checkout", false)"#),
            ["new-checkout"]
        );
        assert_eq!(keys("if (unleash.isEnabled('dark-mode')) {"), ["dark-mode"]);
        assert_eq!(keys("ld.BoolVariation(`go-key`, ctx, false)"), ["go-key"]);
        assert_eq!(keys(r#"client.is_enabled?("ruby_key")"#), ["ruby_key"]);
        assert_eq!(
            keys(r#"gb.isOn( "a" ) && gb.getFeatureValue("b", 1)"#),
            ["a", "b"]
        );
        assert_eq!(
            keys(r#"isFeatureEnabled("new checkout")"#),
            ["new checkout"]
        );
        assert_eq!(keys(r#"isEnabled("it's")"#), ["it's"]);
        // Not a check call, not a literal first argument, mismatched quotes.
        assert!(keys(r#"myisEnabled("x"); isEnabled(key); isEnabled("a')"#).is_empty());
    }

    #[test]
    fn names_the_call() {
        let line = r#"  if (client.getBooleanValue("new-checkout", false)) {"#;
        let m = Methods::new();
        assert_eq!(
            m.of(line, "new-checkout").as_deref(),
            Some("getBooleanValue")
        );
        assert_eq!(m.of("isEnabled('a')", "b"), None);
    }
}
