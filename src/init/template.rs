//! The commented `settings:` block that `flagctl init` writes. Every value is taken
//! from [`Settings::default`] (and the scanner's own default lists), never retyped,
//! so the block shows what flagctl really does when a setting is left out; the tests
//! decode the block and compare it with the defaults.

use crate::interop::yaml_out::list;
use crate::model::{AliasStyle, Settings};
use std::fmt::Write;

/// The header comment of a new flags file.
pub const HEADER: &str = "\
# The feature flags of this repository, read by flagctl.
# Every setting shows its default value: change it, or delete it to keep the default.
# Add a flag with `flagctl new KEY --type release --owner TEAM`; check with `flagctl validate`.
";

/// `version: 1` and the `settings:` block, each setting with a one-line comment.
pub fn settings_block(s: &Settings) -> String {
    let mut out = String::from("version: 1\n\nsettings:\n");
    let mut line = |comment: &str, text: &str| {
        let _ = writeln!(out, "  # {comment}\n  {text}");
    };
    line(
        "The service (deployment boundary) that owns these flags; unset by default.",
        "# service: checkout-api",
    );
    line(
        "Expected lifetime of each flag type; `never` means permanent.",
        &format!("lifetimes:\n{}", lifetimes(s)),
    );
    line(
        "`check` and `stale` warn this long before a flag's `expires`.",
        &format!("expiry_warning: {}d", s.expiry_warning_days),
    );
    line(
        "Furthest `expires` may be after `created`, for release and experiment flags.",
        &format!("max_expiry: {}d", s.max_expiry_days),
    );
    line(
        "A flag fully on or fully off this long is stale (`launched` or `dead`).",
        &format!("launched_after: {}d", s.launched_after_days),
    );
    line(
        "With usage data (`--usage`): not evaluated this long means `unused`.",
        &format!("unused_after: {}d", s.unused_after_days),
    );
    line(
        "With usage data: this many evaluations of one value over `launched_after` mean `constant`.",
        &format!("constant_min_evaluations: {}", s.constant_min_evaluations),
    );
    line(
        "Names allowed under a flag's `environments:`; unset allows any name.",
        "# environments: [development, staging, production]",
    );
    line(
        "Named test contexts for `eval` and `test`, relative to this file; unset by default.",
        "# contexts: contexts.yaml",
    );
    line(
        "How `scan`, `stale --scan`, `check` and `audit` find flags in code.",
        &format!("scan:\n{}", scan_block(s).trim_end()),
    );
    line(
        "Calls that check a flag, for `cleanup`; unset means the built-in SDK methods.",
        "# cleanup: { calls: [isEnabled, flags.get] }",
    );
    out
}

/// The four lifetimes, indented under `lifetimes:`.
fn lifetimes(s: &Settings) -> String {
    let mut out = String::new();
    // In the order the documentation lists them: temporary types first.
    for name in crate::model::decode::fields::LIFETIMES {
        let Some(t) = crate::model::FlagType::parse(name) else {
            continue;
        };
        let shown = s
            .lifetimes
            .of(t)
            .map_or_else(|| "never".to_string(), |d| format!("{d}d"));
        let _ = writeln!(out, "    {name}: {shown}");
    }
    // The caller's `writeln!` ends the last line.
    out.trim_end().to_string()
}

/// The lines under `scan:`.
fn scan_block(s: &Settings) -> String {
    let scan = &s.scan;
    let strs = |v: &[String]| list(v.iter().map(String::as_str));
    let sps = |v: &[crate::model::Sp<String>]| list(v.iter().map(|g| g.value.as_str()));
    let aliases: Vec<&str> = scan
        .aliases
        .iter()
        .filter_map(|a| {
            AliasStyle::ALL
                .iter()
                .find(|(_, s)| s == a)
                .map(|(n, _)| *n)
        })
        .collect();
    let patterns: Vec<&str> = scan
        .patterns
        .iter()
        .map(|p| p.source.value.as_str())
        .collect();
    let mut out = String::new();
    let mut line = |comment: &str, text: String| {
        let _ = writeln!(out, "    # {comment}\n    {text}");
    };
    line(
        "Directories to search, relative to this file.",
        format!("paths: {}", strs(&scan.paths)),
    );
    line(
        "Globs of paths not to search, relative to this file.",
        format!("exclude: {}", sps(&scan.exclude)),
    );
    line(
        "Spellings searched for besides the key: kebab, snake, screaming_snake, camel, pascal, dot.",
        format!("aliases: {}", list(aliases)),
    );
    line(
        "Regexes of SDK calls whose first capture group is a flag key.",
        format!("patterns: {}", list(patterns)),
    );
    line(
        "Test and documentation files: references there do not keep a flag alive.",
        format!(
            "areas:\n      test: {}\n      docs: {}",
            strs(&scan.areas.test),
            strs(&scan.areas.docs)
        ),
    );
    line(
        "Globs of files that declare flags (a union of keys): references there are not uses.",
        format!("definitions: {}", sps(&scan.definitions)),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::decode::fields;
    use crate::model::load_text;

    fn decoded() -> (String, crate::model::Loaded) {
        let text = format!(
            "{HEADER}{}\nflags: {{}}\n",
            settings_block(&Settings::default())
        );
        let today = chrono::NaiveDate::from_ymd_opt(2026, 6, 1).expect("date");
        let loaded = load_text("flags.yaml".as_ref(), "flags.yaml", &text, today);
        (text, loaded)
    }

    #[test]
    fn the_block_decodes_to_the_defaults() {
        let (text, loaded) = decoded();
        assert!(
            loaded.diagnostics.is_empty(),
            "{:?}\n{text}",
            loaded.diagnostics
        );
        let (got, want) = (&loaded.file.settings, Settings::default());
        assert_eq!(got.lifetimes, want.lifetimes);
        assert_eq!(got.expiry_warning_days, want.expiry_warning_days);
        assert_eq!(got.max_expiry_days, want.max_expiry_days);
        assert_eq!(got.launched_after_days, want.launched_after_days);
        assert_eq!(got.unused_after_days, want.unused_after_days);
        assert_eq!(got.constant_min_evaluations, want.constant_min_evaluations);
        assert_eq!(got.scan.paths, want.scan.paths);
        assert_eq!(got.scan.aliases, want.scan.aliases);
        assert_eq!(got.scan.areas, want.scan.areas);
        assert!(got.scan.exclude.is_empty() && want.scan.exclude.is_empty());
        assert!(got.scan.patterns.is_empty() && want.scan.patterns.is_empty());
        assert!(got.scan.definitions.is_empty() && want.scan.definitions.is_empty());
        assert!(got.service.is_none() && got.environments.is_none());
        assert!(got.contexts.is_none() && got.cleanup.calls.is_none());
    }

    /// A setting added to the decoder but not to the template fails here.
    #[test]
    fn every_setting_is_shown() {
        let (text, _) = decoded();
        let groups = [
            fields::SETTINGS,
            fields::LIFETIMES,
            fields::SCAN,
            fields::AREAS,
        ];
        for name in groups.iter().flat_map(|g| g.iter()).chain(fields::CLEANUP) {
            assert!(
                text.contains(&format!("{name}:")),
                "`{name}` missing:\n{text}"
            );
        }
    }
}
