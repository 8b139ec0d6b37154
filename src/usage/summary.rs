//! The result of reading usage data ([`Usage`]): the window the data covers and, per
//! flag, first/last evaluation, counts, values, services and a daily series. It is also
//! flagctl's own summary format: its JSON is a valid usage input, read back exactly.

use super::acc::{Acc, SeriesAcc, SpanAcc};
use super::source::Source;
use super::time::{self, Nanos, rfc3339};
use super::value::{self, Kind};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;
use std::collections::BTreeMap;

/// The `format` marker of a flagctl usage summary (how it is recognised as an input).
pub const FORMAT_MARKER: &str = "flagctl-usage";

fn ser_time<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&rfc3339(*t))
}

/// The time range the usage data covers: from its earliest to its latest event (or
/// Unleash bucket bound), merged across every input. Claims about a flag never reach
/// beyond it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct Window {
    /// The earliest instant covered.
    pub start: DateTime<Utc>,
    /// The latest instant covered.
    pub end: DateTime<Utc>,
}

impl Window {
    /// The calendar day (UTC) the window starts on.
    pub fn first_day(&self) -> NaiveDate {
        self.start.date_naive()
    }

    /// The calendar day (UTC) the window ends on.
    pub fn last_day(&self) -> NaiveDate {
        self.end.date_naive()
    }

    /// How many calendar days (UTC) the window touches, both ends included: data from
    /// one morning to the same evening covers 1 day.
    pub fn days(&self) -> i64 {
        (self.last_day() - self.first_day()).num_days() + 1
    }
}

impl Serialize for Window {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Window", 3)?;
        st.serialize_field("start", &rfc3339(self.start))?;
        st.serialize_field("end", &rfc3339(self.end))?;
        st.serialize_field("days", &self.days())?;
        st.end()
    }
}

/// Evaluations on one day (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayCount {
    /// The day.
    pub date: NaiveDate,
    /// Evaluations that day.
    pub count: u64,
}

/// Evaluations known only to fall between two instants more than a day apart (an
/// Unleash bucket spanning midnight, a summary row covering several days).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    /// The earliest the evaluations may have happened.
    #[serde(serialize_with = "ser_time")]
    pub first_evaluated: DateTime<Utc>,
    /// The latest.
    #[serde(serialize_with = "ser_time")]
    pub last_evaluated: DateTime<Utc>,
    /// How many.
    pub count: u64,
}

/// The evaluations of one flag that returned one value/variant in one service: the
/// unit the other figures are sums of, and what a summary stores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    /// The value returned (absent when only a variant was recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    /// The variant returned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// True for the values of a flag past the limit of distinct values kept per flag,
    /// counted together.
    #[serde(default, skip_serializing_if = "is_false")]
    pub other_values: bool,
    /// The service that evaluated it (OTLP `service.name`, Unleash `appName`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// The first evaluation.
    #[serde(serialize_with = "ser_time")]
    pub first_evaluated: DateTime<Utc>,
    /// The last evaluation.
    #[serde(serialize_with = "ser_time")]
    pub last_evaluated: DateTime<Utc>,
    /// Evaluations.
    pub count: u64,
    /// Evaluations that reported an error (and so served the default).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub errors: u64,
    /// Evaluations per day, for the days known.
    #[serde(default)]
    pub daily: Vec<DayCount>,
    /// Evaluations known only within a range of days.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub spans: Vec<Span>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// How often a flag returned one value/variant (over every service).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValueCount {
    /// The value (absent when only a variant was recorded).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    /// The variant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// Values past the per-flag limit, counted together.
    #[serde(skip_serializing_if = "is_false")]
    pub other_values: bool,
    /// Evaluations.
    pub count: u64,
    /// The last evaluation that returned it.
    #[serde(serialize_with = "ser_time")]
    pub last_evaluated: DateTime<Utc>,
}

impl ValueCount {
    /// The same value and variant.
    pub fn same_as(&self, other: &ValueCount) -> bool {
        self.value == other.value
            && self.variant == other.variant
            && self.other_values == other.other_values
    }
}

/// How often one service evaluated a flag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceCount {
    /// The service name.
    pub service: String,
    /// Evaluations.
    pub count: u64,
    /// Its last evaluation.
    #[serde(serialize_with = "ser_time")]
    pub last_evaluated: DateTime<Utc>,
}

/// Everything known about one flag key's evaluations.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FlagUsage {
    /// The key evaluated.
    pub flag: String,
    /// Its first evaluation in the data.
    #[serde(serialize_with = "ser_time")]
    pub first_evaluated: DateTime<Utc>,
    /// Its last evaluation in the data.
    #[serde(serialize_with = "ser_time")]
    pub last_evaluated: DateTime<Utc>,
    /// Evaluations in the window.
    pub count: u64,
    /// Evaluations that reported an error.
    #[serde(skip_serializing_if = "is_zero")]
    pub errors: u64,
    /// Values/variants returned, most frequent first.
    pub values: Vec<ValueCount>,
    /// Services that evaluated it, by name (evaluations without a service name are
    /// not listed).
    pub services: Vec<ServiceCount>,
    /// Evaluations per day over every value and service (days without any omitted).
    pub daily: Vec<DayCount>,
    /// Evaluations known only within a range of days (not in `daily`).
    #[serde(skip_serializing_if = "is_zero")]
    pub undated: u64,
    /// The per value × service breakdown the figures above are sums of.
    pub series: Vec<Series>,
}

/// What a flag returned over a recent stretch of days: the evidence for `constant`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recent {
    /// Every value/variant seen on those days (including counts known only within a
    /// range that overlaps them), most frequent first.
    pub values: Vec<ValueCount>,
    /// Evaluations certainly on those days.
    pub evaluations: u64,
}

impl FlagUsage {
    /// Builds the figures from the series (sorted in place).
    pub fn from_series(flag: String, mut series: Vec<Series>) -> Option<FlagUsage> {
        series.sort_by(series_order);
        let first_evaluated = series.iter().map(|s| s.first_evaluated).min()?;
        let last_evaluated = series.iter().map(|s| s.last_evaluated).max()?;
        let values = value_counts(series.iter().map(|s| (s, s.count)));
        let mut services: BTreeMap<&str, (u64, DateTime<Utc>)> = BTreeMap::new();
        let mut daily: BTreeMap<NaiveDate, u64> = BTreeMap::new();
        for s in &series {
            if let Some(name) = &s.service {
                let e = services.entry(name).or_insert((0, s.last_evaluated));
                e.0 += s.count;
                e.1 = e.1.max(s.last_evaluated);
            }
            for d in &s.daily {
                *daily.entry(d.date).or_insert(0) += d.count;
            }
        }
        Some(FlagUsage {
            first_evaluated,
            last_evaluated,
            count: series.iter().map(|s| s.count).sum(),
            errors: series.iter().map(|s| s.errors).sum(),
            values,
            services: services
                .into_iter()
                .map(|(service, (count, last_evaluated))| ServiceCount {
                    service: service.to_string(),
                    count,
                    last_evaluated,
                })
                .collect(),
            daily: daily
                .into_iter()
                .map(|(date, count)| DayCount { date, count })
                .collect(),
            undated: series.iter().flat_map(|s| &s.spans).map(|s| s.count).sum(),
            flag,
            series,
        })
    }

    /// The values returned on the days from `from` on (UTC), and how many evaluations
    /// certainly fall on those days. Counts known only within a range that starts
    /// before `from` make their value "seen" but are not counted, so the evidence is
    /// never overstated.
    pub fn since(&self, from: NaiveDate) -> Recent {
        let mut seen: Vec<(&Series, u64)> = Vec::new();
        let mut evaluations = 0;
        for s in &self.series {
            let dated: u64 = s
                .daily
                .iter()
                .filter(|d| d.date >= from)
                .map(|d| d.count)
                .sum();
            let inside: u64 = s
                .spans
                .iter()
                .filter(|sp| sp.first_evaluated.date_naive() >= from)
                .map(|sp| sp.count)
                .sum();
            let overlapping = s
                .spans
                .iter()
                .any(|sp| sp.last_evaluated.date_naive() >= from);
            if dated > 0 || overlapping {
                seen.push((s, dated + inside));
                evaluations += dated + inside;
            }
        }
        Recent {
            values: value_counts(seen.into_iter()),
            evaluations,
        }
    }
}

/// Sums series per value/variant, most frequent first (ties by value).
fn value_counts<'a>(series: impl Iterator<Item = (&'a Series, u64)>) -> Vec<ValueCount> {
    let mut out: Vec<ValueCount> = Vec::new();
    for (s, count) in series {
        let v = ValueCount {
            value: s.value.clone(),
            variant: s.variant.clone(),
            other_values: s.other_values,
            count,
            last_evaluated: s.last_evaluated,
        };
        match out.iter_mut().find(|o| o.same_as(&v)) {
            Some(o) => {
                o.count += count;
                o.last_evaluated = o.last_evaluated.max(v.last_evaluated);
            }
            None => out.push(v),
        }
    }
    out.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| value_order(&a.value, &b.value))
            .then_with(|| a.variant.cmp(&b.variant))
    });
    out
}

fn value_order(a: &Option<Value>, b: &Option<Value>) -> std::cmp::Ordering {
    let text = |v: &Option<Value>| v.as_ref().map(|v| v.to_string());
    text(a).cmp(&text(b))
}

fn series_order(a: &Series, b: &Series) -> std::cmp::Ordering {
    value_order(&a.value, &b.value)
        .then_with(|| a.variant.cmp(&b.variant))
        .then_with(|| a.other_values.cmp(&b.other_values))
        .then_with(|| a.service.cmp(&b.service))
}

/// Usage data read from one or more inputs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Usage {
    /// Always [`FORMAT_MARKER`]: how a summary is recognised when read back.
    pub format: &'static str,
    /// The time the data covers; `None` when the inputs held no evaluation.
    pub window: Option<Window>,
    /// Every key evaluated, sorted by key.
    pub flags: Vec<FlagUsage>,
    /// What was read from each input, in the order read. Not read back from a summary.
    pub inputs: Vec<Source>,
}

impl Usage {
    /// The usage of one key.
    pub fn flag(&self, key: &str) -> Option<&FlagUsage> {
        self.flags
            .binary_search_by(|f| f.flag.as_str().cmp(key))
            .ok()
            .and_then(|i| self.flags.get(i))
    }

    /// The last evaluation of a flag under its key or any of `aliases` (SDKs evaluate
    /// the name the code uses).
    pub fn last_evaluated<'a>(
        &self,
        key: &'a str,
        aliases: impl IntoIterator<Item = &'a str>,
    ) -> Option<DateTime<Utc>> {
        std::iter::once(key)
            .chain(aliases)
            .filter_map(|n| self.flag(n))
            .map(|u| u.last_evaluated)
            .max()
    }

    /// Builds the result from a filled accumulator and the inputs it came from.
    pub(crate) fn from_acc(acc: &Acc, inputs: Vec<Source>) -> Usage {
        let mut per_flag: BTreeMap<&str, Vec<Series>> = BTreeMap::new();
        for f in acc.finished() {
            per_flag.entry(f.flag).or_default().push(Series {
                value: value::to_json(f.kind, f.value),
                variant: f.variant.map(str::to_string),
                other_values: f.kind == Kind::Other,
                service: f.service.map(str::to_string),
                first_evaluated: time::to_datetime(f.series.first),
                last_evaluated: time::to_datetime(f.series.last),
                count: f.series.count,
                errors: f.series.errors,
                daily: f
                    .series
                    .days
                    .iter()
                    .map(|&(d, count)| DayCount {
                        date: time::date_of_day(d),
                        count,
                    })
                    .collect(),
                spans: f.series.spans.iter().map(span_out).collect(),
            });
        }
        Usage {
            format: FORMAT_MARKER,
            window: acc.window().map(|(a, b)| Window {
                start: time::to_datetime(a),
                end: time::to_datetime(b),
            }),
            flags: per_flag
                .into_iter()
                .filter_map(|(flag, series)| FlagUsage::from_series(flag.to_string(), series))
                .collect(),
            inputs,
        }
    }

    /// The same data without the record of inputs: what a summary read back equals.
    pub fn data(&self) -> (Option<&Window>, &[FlagUsage]) {
        (self.window.as_ref(), &self.flags)
    }
}

fn span_out(s: &SpanAcc) -> Span {
    Span {
        first_evaluated: time::to_datetime(s.first),
        last_evaluated: time::to_datetime(s.last),
        count: s.count,
    }
}

/// The parts of a summary that are read back: the window and the series (every other
/// figure is derived from them).
#[derive(Debug, Deserialize)]
pub(crate) struct SummaryIn {
    #[serde(default)]
    pub window: Option<Window>,
    #[serde(default)]
    pub flags: Vec<FlagIn>,
}

/// One flag of a summary read back.
#[derive(Debug, Deserialize)]
pub(crate) struct FlagIn {
    pub flag: String,
    #[serde(default)]
    pub series: Vec<Series>,
}

/// Adds a summary read back to the accumulator.
pub(crate) fn add_summary(acc: &mut Acc, summary: &SummaryIn) -> Result<(), String> {
    if let Some(w) = &summary.window {
        let (a, b) = (nanos(w.start)?, nanos(w.end)?);
        acc.cover(a.min(b), a.max(b));
    }
    for flag in &summary.flags {
        for s in &flag.series {
            let (kind, text) = value::from_json(s.value.as_ref());
            let series = SeriesAcc {
                first: nanos(s.first_evaluated)?,
                last: nanos(s.last_evaluated)?,
                count: s.count,
                errors: s.errors,
                days: s
                    .daily
                    .iter()
                    .map(|d| (time::day_of_date(d.date), d.count))
                    .collect(),
                spans: s
                    .spans
                    .iter()
                    .map(|sp| {
                        Ok(SpanAcc {
                            first: nanos(sp.first_evaluated)?,
                            last: nanos(sp.last_evaluated)?,
                            count: sp.count,
                        })
                    })
                    .collect::<Result<_, String>>()?,
            };
            let value = super::value::Val::from_key(kind, &text);
            let obs = super::acc::Obs {
                flag: &flag.flag,
                value,
                variant: s.variant.as_deref(),
                service: s.service.as_deref(),
            };
            acc.add_summary_series(&obs, &series, s.other_values);
            acc.stats.records += 1;
        }
    }
    Ok(())
}

fn nanos(t: DateTime<Utc>) -> Result<Nanos, String> {
    time::from_datetime(t).ok_or_else(|| format!("{} is out of range", rfc3339(t)))
}
