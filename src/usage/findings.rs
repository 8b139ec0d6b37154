//! Findings from usage data, as pure functions of the flags file, the usage read, the
//! code references (when scanned) and "today". Every claim is bounded by the window
//! the data covers: with 7 days of data a flag is "not evaluated in the 7 days the
//! data covers", never "in 90 days".
//!
//! The reference day ("as of") is the last day the data covers, or today when the data
//! runs past today (clock skew must not make every flag look idle).

use super::summary::{FlagUsage, Usage, ValueCount, Window};
use crate::diag::{Code, Pos, Severity};
use crate::model::{Flag, FlagsFile, Serve};
use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::Serialize;
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// The thresholds of the rules.
#[derive(Debug, Clone, Copy)]
pub struct Rules {
    /// "Today" (`--now`).
    pub today: NaiveDate,
    /// Days without evaluation that make a flag `unused` (default 90).
    pub unused_after_days: i64,
    /// Evaluations needed before one value means `constant` (default 1,000).
    pub constant_min_evaluations: u64,
    /// The stretch of days `constant` looks at (`settings.launched_after`).
    pub launched_after_days: i64,
}

impl Rules {
    /// The defaults (90 days, 1,000 evaluations) with `launched_after` from the file.
    pub fn new(today: NaiveDate, launched_after_days: i64) -> Rules {
        Rules {
            today,
            unused_after_days: 90,
            constant_min_evaluations: 1000,
            launched_after_days,
        }
    }
}

/// The stretch of days claims may rest on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Covered {
    /// The first day the data covers.
    pub from: NaiveDate,
    /// The last day claims rest on: the data's last day, or today if earlier.
    pub to: NaiveDate,
    /// Days from `from` to `to`, both included.
    pub days: i64,
}

impl Covered {
    fn of(window: &Window, today: NaiveDate) -> Option<Covered> {
        let to = window.last_day().min(today);
        let from = window.first_day();
        (from <= to).then(|| Covered {
            from,
            to,
            days: (to - from).num_days() + 1,
        })
    }

    /// The last `n` days of the stretch (all of it when shorter).
    fn last(&self, n: i64) -> Covered {
        let from = self
            .to
            .checked_sub_days(Days::new(u64::try_from(n.max(1) - 1).unwrap_or(0)))
            .unwrap_or(self.from)
            .max(self.from);
        Covered {
            from,
            to: self.to,
            days: (self.to - from).num_days() + 1,
        }
    }

    fn describe(&self) -> String {
        format!(
            "the {} the usage data covers ({} to {})",
            plural(self.days, "day"),
            self.from,
            self.to
        )
    }
}

/// One finding from usage data.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UsageFinding {
    /// The flag key (or the key evaluated, for `evaluated-undefined`).
    pub flag: String,
    /// What was found.
    pub kind: Code,
    /// `error` or `warning`.
    pub severity: Severity,
    /// What the data shows, with the days it covers.
    pub message: String,
    /// What to do about it.
    pub action: String,
    /// The flag's owner, when it has one.
    pub owner: Option<String>,
    /// The flags file.
    pub file: String,
    /// 1-based line of the flag's key (line 1 for `evaluated-undefined`).
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// The days the claim rests on.
    pub covered: Covered,
    /// False when the data covers fewer days than the rule asks for (`unused_after`
    /// for `unused`, `launched_after` for `constant`): the finding says what the data
    /// shows, but is not yet enough to act on alone.
    pub conclusive: bool,
    /// The last evaluation, when there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_evaluated: Option<DateTime<Utc>>,
    /// Evaluations counted for the claim.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evaluations: Option<u64>,
    /// The services that evaluated it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<String>,
    /// `constant`: the value production always got, to keep when removing the flag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keep: Option<Value>,
    /// `constant`: the variant production always got, when one was recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keep_variant: Option<String>,
}

fn plural(n: i64, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// The usage of a flag: under its key and under any of its literal aliases.
struct Seen<'u> {
    usages: Vec<&'u FlagUsage>,
}

impl Seen<'_> {
    fn last(&self) -> Option<DateTime<Utc>> {
        self.usages.iter().map(|u| u.last_evaluated).max()
    }

    fn count(&self) -> u64 {
        self.usages.iter().map(|u| u.count).sum()
    }

    fn services(&self) -> Vec<String> {
        let mut s: Vec<String> = self
            .usages
            .iter()
            .flat_map(|u| u.services.iter().map(|s| s.service.clone()))
            .collect();
        s.sort();
        s.dedup();
        s
    }
}

/// Every usage finding, sorted by line, kind and flag. `referenced` holds the flag
/// keys the code references (from a scan); without it the two kinds that compare code
/// and production are not reported. No window (no usage data) means no findings.
pub fn findings(
    file: &FlagsFile,
    display: &str,
    usage: &Usage,
    rules: &Rules,
    referenced: Option<&HashSet<String>>,
) -> Vec<UsageFinding> {
    let Some(covered) = usage
        .window
        .as_ref()
        .and_then(|w| Covered::of(w, rules.today))
    else {
        return Vec::new();
    };
    let ctx = Ctx {
        file,
        display,
        usage,
        rules,
        covered,
    };
    let mut out = Vec::new();
    let mut done = HashSet::new();
    for flag in &file.flags {
        // A duplicated key is a validation error; judge the definition that counts.
        if !done.insert(flag.key.as_str()) {
            continue;
        }
        let seen = ctx.seen(flag);
        out.extend(ctx.unused(flag, &seen));
        out.extend(ctx.constant(flag, &seen));
        if let Some(refs) = referenced {
            out.extend(ctx.code_vs_production(flag, &seen, refs));
        }
    }
    out.extend(ctx.evaluated_undefined());
    out.sort_by(|a, b| (a.line, a.kind, &a.flag).cmp(&(b.line, b.kind, &b.flag)));
    out
}

struct Ctx<'a> {
    file: &'a FlagsFile,
    display: &'a str,
    usage: &'a Usage,
    rules: &'a Rules,
    covered: Covered,
}

impl<'a> Ctx<'a> {
    fn seen(&self, flag: &Flag) -> Seen<'a> {
        let names =
            std::iter::once(flag.key.as_str()).chain(flag.aliases.iter().map(|a| a.value.as_str()));
        let mut usages: Vec<&FlagUsage> = names.filter_map(|n| self.usage.flag(n)).collect();
        usages.dedup_by(|a, b| a.flag == b.flag);
        Seen { usages }
    }

    fn finding(&self, flag: &Flag, kind: Code, message: String, action: String) -> UsageFinding {
        UsageFinding {
            flag: flag.key.clone(),
            kind,
            severity: kind.severity(),
            message,
            action,
            owner: flag.owner.as_ref().map(|o| o.value.clone()),
            file: self.display.to_string(),
            line: flag.pos.line,
            column: flag.pos.column,
            covered: self.covered,
            conclusive: true,
            last_evaluated: None,
            evaluations: None,
            services: Vec::new(),
            keep: None,
            keep_variant: None,
        }
    }

    /// `unused`: not evaluated for `unused_after` days before the data ends, or not
    /// at all in the days it covers (since the flag was created, when later).
    fn unused(&self, flag: &Flag, seen: &Seen<'_>) -> Option<UsageFinding> {
        let after = self.rules.unused_after_days;
        let key = &flag.key;
        let permanent = flag.kind().is_some_and(|t| !t.is_temporary());
        let remove = if permanent {
            "check that the code still evaluates it where it should (a kill switch or permission check that is never evaluated does not work), or remove it from the code and flags.yaml"
        } else {
            "remove it from the code and flags.yaml"
        };
        if let Some(last) = seen.last() {
            let idle = (self.covered.to - last.date_naive()).num_days();
            if idle < after {
                return None;
            }
            let mut f = self.finding(
                flag,
                Code::Unused,
                format!(
                    "flag `{key}` was last evaluated on {}, {} before the usage data ends on {} (unused after {})",
                    last.date_naive(),
                    plural(idle, "day"),
                    self.covered.to,
                    plural(after, "day")
                ),
                remove.to_string(),
            );
            f.last_evaluated = Some(last);
            f.services = seen.services();
            return Some(f);
        }
        // Never evaluated: over the days covered since the flag existed.
        let mut covered = self.covered;
        let mut since = String::new();
        if let Some(created) = flag.created.as_ref().map(|c| c.value) {
            if created > covered.from {
                if created > covered.to {
                    return None;
                }
                covered = covered.last((covered.to - created).num_days() + 1);
                since = format!(" since it was created on {created}");
            }
        }
        let conclusive = covered.days >= after;
        let (message, action) = if conclusive {
            (
                format!(
                    "flag `{key}` was not evaluated in {}{since}",
                    covered.describe()
                ),
                remove.to_string(),
            )
        } else {
            (
                format!(
                    "flag `{key}` was not evaluated in {}{since}, fewer than the {} after which a flag counts as unused",
                    covered.describe(),
                    plural(after, "day")
                ),
                format!(
                    "check that the code evaluating it is deployed; collect usage data over {} before removing it",
                    plural(after, "day")
                ),
            )
        };
        let mut f = self.finding(flag, Code::Unused, message, action);
        f.covered = covered;
        f.conclusive = conclusive;
        f.evaluations = Some(0);
        Some(f)
    }

    /// `constant`: a temporary flag evaluated at least `constant_min_evaluations`
    /// times over the last `launched_after` days of the data, always to one value.
    fn constant(&self, flag: &Flag, seen: &Seen<'_>) -> Option<UsageFinding> {
        let temporary = flag
            .kind()
            .is_some_and(|t| self.file.settings.lifetimes.of(t).is_some());
        if !temporary || seen.usages.is_empty() {
            return None;
        }
        let range = self.covered.last(self.rules.launched_after_days);
        let mut values: Vec<ValueCount> = Vec::new();
        let mut evaluations = 0;
        for u in &seen.usages {
            let recent = u.since(range.from);
            evaluations += recent.evaluations;
            for v in recent.values {
                match values.iter_mut().find(|o| o.same_as(&v)) {
                    Some(o) => o.count += v.count,
                    None => values.push(v),
                }
            }
        }
        let [only] = values.as_slice() else {
            return None;
        };
        // Data with counts but no value column says how often, not what: nothing to
        // call constant, nothing to keep.
        let recorded = only.value.is_some() || only.variant.is_some();
        if !recorded || only.other_values || evaluations < self.rules.constant_min_evaluations {
            return None;
        }
        let keep = keep_value(flag, only);
        let shown = describe_value(only);
        let conclusive = range.days >= self.rules.launched_after_days;
        let key = &flag.key;
        let action = match &keep {
            Some(v) => format!(
                "remove the flag and keep the code path that serves {v} (the cleanup plan keeps it)"
            ),
            None => format!(
                "remove the flag and keep the code path that serves {shown} (map it to a value by hand: flags.yaml names no such variant)"
            ),
        };
        let mut f = self.finding(
            flag,
            Code::Constant,
            format!(
                "flag `{key}` returned only {shown} in {} evaluations over {}",
                evaluations,
                range.describe().replacen("the ", "the last ", 1)
            ),
            action,
        );
        f.covered = range;
        f.conclusive = conclusive;
        f.evaluations = Some(evaluations);
        f.last_evaluated = seen.last();
        f.services = seen.services();
        f.keep = keep;
        f.keep_variant = only.variant.clone();
        Some(f)
    }

    /// `referenced-not-evaluated` and `evaluated-not-referenced`.
    fn code_vs_production(
        &self,
        flag: &Flag,
        seen: &Seen<'_>,
        refs: &HashSet<String>,
    ) -> Option<UsageFinding> {
        let key = &flag.key;
        let covered = self.covered.describe();
        match (refs.contains(key), seen.last()) {
            (true, None) => {
                let mut f = self.finding(
                    flag,
                    Code::ReferencedNotEvaluated,
                    format!("code references flag `{key}` but production did not evaluate it in {covered}"),
                    "the code path is dead or not deployed: check that the service evaluating it sends telemetry, or remove the check".into(),
                );
                f.evaluations = Some(0);
                Some(f)
            }
            (false, Some(last)) => {
                let services = seen.services();
                let by = if services.is_empty() {
                    String::new()
                } else {
                    format!(" by {}", services.join(", "))
                };
                let mut f = self.finding(
                    flag,
                    Code::EvaluatedNotReferenced,
                    format!(
                        "production evaluated flag `{key}` {} times{by} in {covered} (last on {}), but this repository's code has no reference to it",
                        seen.count(),
                        last.date_naive()
                    ),
                    "an old deployment may still run it, or another repository uses it: merge that repository's scan with --refs before removing the flag".into(),
                );
                f.last_evaluated = Some(last);
                f.evaluations = Some(seen.count());
                f.services = services;
                Some(f)
            }
            _ => None,
        }
    }

    /// `evaluated-undefined`: keys evaluated that name no flag (nor an alias of one).
    fn evaluated_undefined(&self) -> Vec<UsageFinding> {
        let mut defined: HashMap<&str, ()> = HashMap::new();
        for f in &self.file.flags {
            defined.insert(&f.key, ());
            for a in &f.aliases {
                defined.insert(&a.value, ());
            }
        }
        let keys: Vec<&str> = self.file.flags.iter().map(|f| f.key.as_str()).collect();
        let mut out = Vec::new();
        for u in &self.usage.flags {
            if defined.contains_key(u.flag.as_str()) {
                continue;
            }
            let services: Vec<String> = u.services.iter().map(|s| s.service.clone()).collect();
            let by = if services.is_empty() {
                String::new()
            } else {
                format!(" by {}", services.join(", "))
            };
            let hint = crate::suggest::did_you_mean(&u.flag, keys.iter().copied());
            let key = &u.flag;
            out.push(UsageFinding {
                flag: key.clone(),
                kind: Code::EvaluatedUndefined,
                severity: Code::EvaluatedUndefined.severity(),
                message: format!(
                    "production evaluated `{key}` {} times{by} in {} (last on {}), but flags.yaml does not define it{hint}",
                    u.count,
                    self.covered.describe(),
                    u.last_evaluated.date_naive()
                ),
                action: "fix the key in the code if it is a typo, or define the flag in flags.yaml (a flag defined in another repository's flags file can be ignored here)".into(),
                owner: None,
                file: self.display.to_string(),
                line: Pos::START.line,
                column: Pos::START.column,
                covered: self.covered,
                conclusive: true,
                last_evaluated: Some(u.last_evaluated),
                evaluations: Some(u.count),
                services,
                keep: None,
                keep_variant: None,
            });
        }
        out
    }
}

/// How a value is shown in messages: the value, with its variant when there is one.
fn describe_value(v: &ValueCount) -> String {
    match (&v.value, &v.variant) {
        (Some(value), Some(variant)) => format!("{value} (variant `{variant}`)"),
        (Some(value), None) => value.to_string(),
        (None, Some(variant)) => format!("variant `{variant}`"),
        (None, None) => "no recorded value".into(),
    }
}

/// The flags.yaml value production always got: a variant's value when the variant is
/// named in flags.yaml; the value recorded; Unleash's `true`/`false` ("enabled") as
/// the on/off value of a flag that serves something else; or a variant named after a
/// stringified value.
fn keep_value(flag: &Flag, seen: &ValueCount) -> Option<Value> {
    let t = &flag.targeting;
    if let Some(name) = &seen.variant {
        let variant = t.variants.iter().flatten().find(|v| &v.name == name);
        if let Some(v) = variant {
            return Some(v.value.value.clone());
        }
    }
    let (on, off) = (t.on_value(), t.off_value());
    if let Some(value) = &seen.value {
        let serves_bool = on.is_boolean() && off.is_boolean();
        let simple = t.variants.as_ref().is_none_or(|v| v.is_empty())
            && t.rules.as_ref().is_none_or(|r| {
                r.iter()
                    .all(|r| matches!(&r.serve, Serve::Value(v) if v.value == on))
            });
        return match value {
            Value::Bool(b) if !serves_bool && simple => Some(if *b { on } else { off }),
            _ => Some(value.clone()),
        };
    }
    let name = seen.variant.as_deref()?;
    // A variant named after a stringified value (`true`, `300`).
    let parsed: Option<Value> = serde_json::from_str(name).ok();
    [on, off].into_iter().find(|v| match v {
        Value::String(s) => s == name,
        other => parsed.as_ref() == Some(other),
    })
}

#[cfg(test)]
mod tests;
