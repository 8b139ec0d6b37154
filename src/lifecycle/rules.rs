//! One function per finding kind that needs only flags.yaml and git facts: `expired`
//! and `expiring`, `overdue`, `launched` and `dead`, `snoozed`.

use super::{Facts, Finding, FlagFacts, Options, Source};
use crate::diag::Code;
use crate::model::{Flag, FlagState, FlagType, Serve, Settings, Targeting, Variant};
use crate::text::plural;
use chrono::NaiveDate;
use serde_json::Value;

/// Everything the rules need to judge one flag.
pub(super) struct Rule<'a> {
    pub flag: &'a Flag,
    pub settings: &'a Settings,
    pub display: &'a str,
    pub facts: &'a Facts,
    pub opts: &'a Options,
}

impl Rule<'_> {
    /// A finding about this flag, at its key in flags.yaml.
    fn finding(&self, kind: Code, message: String, action: &str) -> Finding {
        let mut f =
            Finding::new(kind, &self.flag.key, self.display, self.flag.pos).says(message, action);
        f.owner = self.flag.owner.as_ref().map(|o| o.value.clone());
        f
    }

    fn git(&self) -> Option<&FlagFacts> {
        self.facts.get(&self.flag.key)
    }

    /// The flag's type, when it has a lifetime (by default release and experiment:
    /// the temporary ones).
    fn lifetime(&self) -> Option<(FlagType, i64)> {
        let t = self.flag.kind()?;
        Some((t, self.settings.lifetimes.of(t)?))
    }

    /// `expired` once today is past `expires`; `expiring` within the warning window.
    pub fn expiry(&self) -> Option<Finding> {
        let expires = self.flag.expires.as_ref()?.value;
        let key = &self.flag.key;
        let left = (expires - self.opts.today).num_days();
        let window = self
            .opts
            .warn_within
            .unwrap_or(self.settings.expiry_warning_days);
        if left < 0 {
            Some(self.finding(
                Code::Expired,
                format!(
                    "flag `{key}` expired on {expires} ({} ago)",
                    plural(-left, "day")
                ),
                "remove it from the code and flags.yaml, or move `expires` if it must stay",
            ))
        } else if left <= window {
            let when = match left {
                0 => "today".to_string(),
                n => format!("in {}", plural(n, "day")),
            };
            Some(self.finding(
                Code::Expiring,
                format!("flag `{key}` expires on {expires} ({when})"),
                "finish the rollout and plan the flag's removal before then",
            ))
        } else {
            None
        }
    }

    /// `overdue`: older than its type's lifetime, for a flag without `expires` (an
    /// old revision, a file that does not validate). A flag's own `expires` is the
    /// team's decision and wins: such a flag becomes `expiring`, then `expired`.
    pub fn overdue(&self) -> Option<Finding> {
        if self.flag.expires.is_some() {
            return None;
        }
        let (flag_type, days) = self.lifetime()?;
        let (date, source) = created(self.flag, self.facts)?;
        let age = (self.opts.today - date).num_days();
        if age <= days {
            return None;
        }
        let how = match self.git().and_then(|g| g.introduced.as_ref()) {
            Some(i) if source == Source::Git => {
                format!("; inferred from commit {} by {}", i.commit, i.author)
            }
            _ => String::new(),
        };
        let mut f = self.finding(
            Code::Overdue,
            format!(
                "{flag_type} flag `{}` was created on {date} ({} ago{how}), beyond the {days}-day lifetime of {flag_type} flags",
                self.flag.key,
                plural(age, "day")
            ),
            "finish the rollout and remove the flag, or change its type if it is meant to stay",
        );
        f.created = Some(date);
        f.created_source = Some(source);
        Some(f)
    }

    /// `launched` (fully on) or `dead` (fully off) for at least `launched_after` days.
    pub fn launched_or_dead(&self) -> Option<Finding> {
        let (flag_type, _) = self.lifetime()?;
        let kind = if fully_on(self.flag) {
            Code::Launched
        } else if fully_off(self.flag) {
            Code::Dead
        } else {
            return None;
        };
        // Since when: the last change of its evaluation fields in git; without history,
        // `created` is the best lower bound there is, and the message says so.
        let (date, source, note) = match (
            self.git().and_then(|g| g.last_change),
            self.facts.unavailable(),
        ) {
            (Some(d), _) => (d, Source::Git, ""),
            (None, Some(_)) => (
                self.flag.created.as_ref()?.value,
                Source::Created,
                "; without git history this counts from `created`",
            ),
            (None, None) => return None,
        };
        let days = (self.opts.today - date).num_days();
        if days < self.settings.launched_after_days {
            return None;
        }
        let key = &self.flag.key;
        let (message, action) = if kind == Code::Launched {
            (
                format!(
                    "{flag_type} flag `{key}` has served {} to everyone since {date} ({}{note})",
                    served(&self.flag.targeting),
                    plural(days, "day")
                ),
                "remove the flag and keep the code of its on path",
            )
        } else {
            (
                format!(
                    "{flag_type} flag `{key}` has been off for everyone since {date} ({}{note})",
                    plural(days, "day")
                ),
                "remove the flag and the code of its on path",
            )
        };
        let mut f = self.finding(kind, message, action);
        f.since = Some(date);
        f.since_source = Some(source);
        Some(f)
    }

    /// `snoozed`: `expires` pushed later two or more times.
    pub fn snoozed(&self) -> Option<Finding> {
        let pushed = self.git()?.expires_pushed;
        (pushed >= 2).then(|| {
            self.finding(
                Code::Snoozed,
                format!(
                    "the `expires` of flag `{}` was pushed later {pushed} times",
                    self.flag.key
                ),
                "stop snoozing: finish the rollout and remove the flag, or make it operational if it is meant to stay",
            )
        })
    }
}

/// When a flag was created and where that comes from: `created` as written, else the
/// date of the commit that introduced it (shown as inferred).
pub fn created(flag: &Flag, facts: &Facts) -> Option<(NaiveDate, Source)> {
    match (
        &flag.created,
        facts.get(&flag.key).and_then(|g| g.introduced.as_ref()),
    ) {
        (Some(c), _) => Some((c.value, Source::File)),
        (None, Some(i)) => Some((i.date, Source::Git)),
        (None, None) => None,
    }
}

/// The value a fully-on flag serves, for messages.
fn served(t: &Targeting) -> String {
    match served_values(t).first() {
        Some(v) => format!("`{v}`"),
        None => "its on value".into(),
    }
}

/// Every value the flag can serve when it is on: rule values, variant values (with a
/// positive weight) and, without variants, `value`.
pub(crate) fn served_values(t: &Targeting) -> Vec<Value> {
    let variants: Vec<&Variant> = t
        .variants
        .iter()
        .flatten()
        .filter(|v| v.weight.value > 0)
        .collect();
    let mut values: Vec<Value> = Vec::new();
    if variants.is_empty() {
        values.push(t.on_value());
    }
    values.extend(variants.iter().map(|v| v.value.value.clone()));
    for rule in t.rules.iter().flatten() {
        match &rule.serve {
            Serve::Value(v) => values.push(v.value.clone()),
            Serve::Variant(name) => {
                if let Some(v) = t.variants.iter().flatten().find(|v| v.name == name.value) {
                    values.push(v.value.value.clone());
                }
            }
        }
    }
    values
}

/// The flag's targeting in every scope: the flag itself and each environment override.
fn scopes(flag: &Flag) -> Vec<Targeting> {
    let mut all = vec![flag.targeting.clone()];
    all.extend(
        flag.environments
            .iter()
            .map(|e| flag.targeting.overlay(&e.targeting)),
    );
    all
}

/// On for everyone, everywhere, serving one value: enabled, no kill switch, rollout
/// 100, no segments, and rules and variants (if any) serving only that value.
pub fn fully_on(flag: &Flag) -> bool {
    scopes(flag).iter().all(|t| {
        t.state() == FlagState::On && {
            let values = served_values(t);
            values.windows(2).all(|w| w[0] == w[1])
        }
    })
}

/// Off for everyone, everywhere: disabled, killed or rollout 0.
pub fn fully_off(flag: &Flag) -> bool {
    scopes(flag)
        .iter()
        .all(|t| matches!(t.state(), FlagState::Off | FlagState::Killed))
}
