//! `settings.cleanup.calls`: the functions and methods that check a flag.

/// The SDK method names checked by default: OpenFeature, Unleash, LaunchDarkly,
/// GrowthBook, Flagsmith, ConfigCat, and the React hooks of those SDKs, plus the
/// common hand-written `isFeatureEnabled`.
pub const DEFAULT_CALLS: &[&str] = &[
    // OpenFeature
    "getBooleanValue",
    "getStringValue",
    "getNumberValue",
    "getObjectValue",
    "getBooleanDetails",
    "getStringDetails",
    "getNumberDetails",
    "getObjectDetails",
    "useBooleanFlagValue",
    "useStringFlagValue",
    "useNumberFlagValue",
    "useObjectFlagValue",
    // Unleash
    "isEnabled",
    "getVariant",
    "useFlag",
    "useVariant",
    // LaunchDarkly
    "variation",
    "boolVariation",
    "stringVariation",
    "BoolVariation",
    "StringVariation",
    // GrowthBook
    "isOn",
    "getFeatureValue",
    "useFeatureIsOn",
    "useFeatureValue",
    // Flagsmith, ConfigCat
    "hasFeature",
    "getValue",
    "getValueAsync",
    // the same SDKs in Go, Python and Ruby spelling
    "IsEnabled",
    "GetVariant",
    "Variation",
    "BooleanValue",
    "StringValue",
    "BooleanValueDetails",
    "get_boolean_value",
    "get_string_value",
    "get_boolean_details",
    "is_enabled?",
    "fetch_boolean_value",
    // seed code and common wrappers
    "isFeatureEnabled",
    "is_enabled",
    "is_feature_enabled",
    "enabled?",
];

/// A compiled list of check calls. An entry with a `.` matches the end of the
/// callee's text (`flags.isEnabled` matches `this.flags.isEnabled(...)`); one
/// without matches the called name.
#[derive(Debug, Clone, Default)]
pub struct Calls {
    names: Vec<String>,
    qualified: Vec<String>,
}

impl Calls {
    /// The defaults.
    pub fn defaults() -> Calls {
        Calls::new(DEFAULT_CALLS.iter().copied())
    }

    /// The calls `settings.cleanup.calls` names, or the defaults when it is absent.
    pub fn for_settings(settings: &crate::model::CleanupSettings) -> Calls {
        match &settings.calls {
            Some(list) => Calls::new(list.iter().map(|c| c.value.as_str())),
            None => Calls::defaults(),
        }
    }

    /// From `settings.cleanup.calls`.
    pub fn new<'a>(entries: impl IntoIterator<Item = &'a str>) -> Calls {
        let mut c = Calls::default();
        for e in entries {
            let e = e.trim();
            if e.is_empty() {
                continue;
            }
            if e.contains('.') {
                c.qualified.push(e.to_string());
            } else {
                c.names.push(e.to_string());
            }
        }
        c.names.sort();
        c.names.dedup();
        c
    }

    /// Whether a call named `name`, with callee text `callee`, checks a flag.
    pub fn matches(&self, name: &str, callee: &str) -> bool {
        if self
            .names
            .binary_search_by(|n| n.as_str().cmp(name))
            .is_ok()
        {
            return true;
        }
        if self.qualified.is_empty() {
            return false;
        }
        let compact: String = callee.chars().filter(|c| !c.is_whitespace()).collect();
        self.qualified.iter().any(|q| {
            compact == *q
                || (compact.ends_with(q.as_str())
                    && compact[..compact.len() - q.len()].ends_with(['.', ':']))
        })
    }

    /// Whether `name` is a check call name (for the line classifier, which sees
    /// names, not callees): true for a simple entry, or the last part of a qualified one.
    pub fn has_name(&self, name: &str) -> bool {
        self.names
            .binary_search_by(|n| n.as_str().cmp(name))
            .is_ok()
            || self
                .qualified
                .iter()
                .any(|q| q.rsplit(['.', ':']).next() == Some(name))
    }

    /// Whether `name` is only matched when qualified (the line classifier cannot
    /// decide those).
    pub fn qualified_only(&self, name: &str) -> bool {
        self.names
            .binary_search_by(|n| n.as_str().cmp(name))
            .is_err()
            && self.has_name(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_qualified_entries() {
        let c = Calls::new(["isEnabled", "flags.get"]);
        assert!(c.matches("isEnabled", "client.isEnabled"));
        assert!(c.matches("get", "this.flags.get"));
        assert!(c.matches("get", "flags . get"));
        assert!(!c.matches("get", "map.get"));
        assert!(!c.matches("get", "myflags.get"));
        assert!(c.has_name("get") && c.qualified_only("get"));
        assert!(!c.qualified_only("isEnabled"));
        assert!(Calls::defaults().matches("isFeatureEnabled", "isFeatureEnabled"));
    }
}
