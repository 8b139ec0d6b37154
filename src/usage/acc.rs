//! The accumulator every reader feeds: counts per flag × value × variant × service,
//! with first/last instants and a per-day series. Its size grows with those distinct
//! combinations (and days), never with the number of events. Each worker thread fills
//! its own and they are merged at the end.

use super::time::{self, Nanos};
use super::value::{Kind, Val};

type Map<K, V> = foldhash::HashMap<K, V>;

/// Distinct value/variant/service combinations kept per flag. A flag that serves a new
/// value on every evaluation (an ID, a timestamp) would otherwise grow memory with the
/// number of events; past this, its further values are counted together as "other".
pub(crate) const MAX_SERIES_PER_FLAG: u32 = 1000;

/// Interned strings: flag keys, values, variants and services, each stored once.
#[derive(Debug, Default)]
struct Names {
    ids: Map<Box<str>, u32>,
    names: Vec<Box<str>>,
}

/// The id used for "absent".
const NONE: u32 = u32::MAX;

impl Names {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = u32::try_from(self.names.len()).unwrap_or(NONE - 1);
        self.names.push(s.into());
        self.ids.insert(s.into(), id);
        id
    }

    fn opt(&mut self, s: Option<&str>) -> u32 {
        s.map_or(NONE, |s| self.id(s))
    }

    fn get(&self, id: u32) -> Option<&str> {
        self.names.get(id as usize).map(|s| &**s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    flag: u32,
    kind: Kind,
    value: u32,
    variant: u32,
    service: u32,
}

/// Evaluations of one flag × value × variant × service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SeriesAcc {
    pub first: Nanos,
    pub last: Nanos,
    pub count: u64,
    pub errors: u64,
    /// (day number, count), sorted by day.
    pub days: Vec<(i32, u64)>,
    /// Counts known only to fall within a time range longer than a day.
    pub spans: Vec<SpanAcc>,
}

/// A count spread over a range of time whose distribution per day is unknown (an
/// Unleash bucket spanning midnight, a summary row with first and last on different days).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct SpanAcc {
    pub first: Nanos,
    pub last: Nanos,
    pub count: u64,
}

impl SeriesAcc {
    fn new() -> Self {
        SeriesAcc {
            first: Nanos::MAX,
            last: Nanos::MIN,
            count: 0,
            errors: 0,
            days: Vec::new(),
            spans: Vec::new(),
        }
    }

    fn bounds(&mut self, first: Nanos, last: Nanos) {
        self.first = self.first.min(first);
        self.last = self.last.max(last);
    }

    pub(crate) fn add_day(&mut self, day: i32, n: u64) {
        // Telemetry arrives mostly in time order: the last day is the usual hit.
        match self.days.last_mut() {
            Some((d, c)) if *d == day => *c += n,
            Some((d, _)) if *d < day => self.days.push((day, n)),
            None => self.days.push((day, n)),
            _ => match self.days.binary_search_by_key(&day, |(d, _)| *d) {
                Ok(i) => self.days[i].1 += n,
                Err(i) => self.days.insert(i, (day, n)),
            },
        }
    }

    fn add_span(&mut self, span: SpanAcc) {
        match self
            .spans
            .iter_mut()
            .find(|s| s.first == span.first && s.last == span.last)
        {
            Some(s) => s.count += span.count,
            None => {
                let at = self.spans.partition_point(|s| *s < span);
                self.spans.insert(at, span);
            }
        }
    }

    fn merge(&mut self, other: &SeriesAcc) {
        self.bounds(other.first, other.last);
        self.count += other.count;
        self.errors += other.errors;
        for &(day, n) in &other.days {
            self.add_day(day, n);
        }
        for &span in &other.spans {
            self.add_span(span);
        }
    }
}

/// One observation: what was evaluated, where.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Obs<'a> {
    pub flag: &'a str,
    pub value: Val<'a>,
    pub variant: Option<&'a str>,
    pub service: Option<&'a str>,
}

/// Counters about how evaluations were found, for `--explain-usage`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Stats {
    /// Evaluations counted (a summary row or Unleash toggle counts its `count`).
    pub evaluations: u64,
    /// Records read (OTLP log records and span events that are flag evaluations,
    /// Unleash toggles, summary rows).
    pub records: u64,
    /// OTLP log records named by the `eventName` field.
    pub log_event_name: u64,
    /// OTLP log records named by an `event.name` attribute.
    pub log_event_attribute: u64,
    /// OTLP log records with a flag key but no event name.
    pub log_unnamed: u64,
    /// OTLP span events.
    pub span_events: u64,
    /// Flag evaluation records that could not be used (no key, no time).
    pub incomplete: u64,
}

impl Stats {
    fn merge(&mut self, o: &Stats) {
        self.evaluations += o.evaluations;
        self.records += o.records;
        self.log_event_name += o.log_event_name;
        self.log_event_attribute += o.log_event_attribute;
        self.log_unnamed += o.log_unnamed;
        self.span_events += o.span_events;
        self.incomplete += o.incomplete;
    }
}

/// The accumulator.
#[derive(Debug, Default)]
pub(crate) struct Acc {
    names: Names,
    series: Map<Key, SeriesAcc>,
    per_flag: Map<u32, u32>,
    window: Option<(Nanos, Nanos)>,
    scratch: String,
    /// How evaluations were found.
    pub stats: Stats,
}

/// One finished series, with its strings resolved.
#[derive(Debug)]
pub(crate) struct Finished<'a> {
    pub flag: &'a str,
    pub kind: Kind,
    pub value: &'a str,
    pub variant: Option<&'a str>,
    pub service: Option<&'a str>,
    pub series: &'a SeriesAcc,
}

impl Acc {
    /// Widens the window the data covers.
    pub(crate) fn cover(&mut self, first: Nanos, last: Nanos) {
        let (a, b) = self.window.unwrap_or((first, last));
        self.window = Some((a.min(first), b.max(last)));
    }

    /// The window covered so far.
    pub(crate) fn window(&self) -> Option<(Nanos, Nanos)> {
        self.window
    }

    fn entry(&mut self, obs: &Obs<'_>, other: bool) -> &mut SeriesAcc {
        let flag = self.names.id(obs.flag);
        let mut scratch = std::mem::take(&mut self.scratch);
        let (kind, text) = obs.value.key(&mut scratch);
        let mut key = Key {
            flag,
            kind,
            value: if kind == Kind::None {
                NONE
            } else {
                self.names.id(text)
            },
            variant: self.names.opt(obs.variant),
            service: self.names.opt(obs.service),
        };
        self.scratch = scratch;
        let full = self
            .per_flag
            .get(&flag)
            .is_some_and(|n| *n >= MAX_SERIES_PER_FLAG);
        // Only a flag at the limit pays for the extra lookup.
        if other || (full && !self.series.contains_key(&key)) {
            key.kind = Kind::Other;
            key.value = NONE;
            key.variant = NONE;
        }
        let per_flag = &mut self.per_flag;
        self.series.entry(key).or_insert_with(|| {
            *per_flag.entry(flag).or_insert(0) += 1;
            SeriesAcc::new()
        })
    }

    /// Counts `n` evaluations at instant `t` (widening the window).
    pub(crate) fn add(&mut self, obs: &Obs<'_>, t: Nanos, n: u64, error: bool) {
        self.cover(t, t);
        self.stats.evaluations += n;
        let s = self.entry(obs, false);
        s.bounds(t, t);
        s.count += n;
        if error {
            s.errors += n;
        }
        s.add_day(time::day_of(t), n);
    }

    /// Counts `n` evaluations somewhere between `first` and `last` (widening the
    /// window): per day when both fall on the same day, else as a span.
    pub(crate) fn add_range(&mut self, obs: &Obs<'_>, first: Nanos, last: Nanos, n: u64) {
        let (first, last) = (first.min(last), first.max(last));
        self.cover(first, last);
        self.stats.evaluations += n;
        let s = self.entry(obs, false);
        s.bounds(first, last);
        s.count += n;
        if time::day_of(first) == time::day_of(last) {
            s.add_day(time::day_of(first), n);
        } else {
            s.add_span(SpanAcc {
                first,
                last,
                count: n,
            });
        }
    }

    /// Adds a whole series read back from a summary (its days and spans as recorded);
    /// `other` for the series of values past the per-flag limit.
    pub(crate) fn add_summary_series(&mut self, obs: &Obs<'_>, series: &SeriesAcc, other: bool) {
        self.cover(series.first, series.last);
        self.stats.evaluations += series.count;
        self.entry(obs, other).merge(series);
    }

    /// Folds `other` into `self`.
    pub(crate) fn merge(&mut self, other: Acc) {
        if let Some((a, b)) = other.window {
            self.cover(a, b);
        }
        self.stats.merge(&other.stats);
        for (key, series) in &other.series {
            let name = |id: u32| {
                if id == NONE {
                    None
                } else {
                    other.names.get(id)
                }
            };
            let obs = Obs {
                flag: name(key.flag).unwrap_or_default(),
                value: Val::None,
                variant: name(key.variant),
                service: name(key.service),
            };
            let flag = self.names.id(obs.flag);
            let mapped = Key {
                flag,
                kind: key.kind,
                value: match name(key.value) {
                    Some(v) => self.names.id(v),
                    None => NONE,
                },
                variant: self.names.opt(obs.variant),
                service: self.names.opt(obs.service),
            };
            if !self.series.contains_key(&mapped) {
                *self.per_flag.entry(flag).or_insert(0) += 1;
            }
            self.series
                .entry(mapped)
                .or_insert_with(SeriesAcc::new)
                .merge(series);
        }
    }

    /// Every series with its names resolved, in no particular order.
    pub(crate) fn finished(&self) -> impl Iterator<Item = Finished<'_>> {
        let name = move |id: u32| {
            if id == NONE { None } else { self.names.get(id) }
        };
        self.series.iter().map(move |(k, s)| Finished {
            flag: name(k.flag).unwrap_or_default(),
            kind: k.kind,
            value: name(k.value).unwrap_or_default(),
            variant: name(k.variant),
            service: name(k.service),
            series: s,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obs(flag: &str, value: Val<'static>) -> Obs<'static> {
        let flag: &'static str = Box::leak(flag.to_string().into_boxed_str());
        Obs {
            flag,
            value,
            variant: None,
            service: Some("svc"),
        }
    }

    #[test]
    fn days_stay_sorted_whatever_the_arrival_order() {
        let mut s = SeriesAcc::new();
        for d in [5, 5, 3, 9, 4, 3] {
            s.add_day(d, 1);
        }
        assert_eq!(s.days, vec![(3, 2), (4, 1), (5, 2), (9, 1)]);
    }

    #[test]
    fn merging_equals_adding_in_one_place() {
        let day = time::DAY_NANOS;
        let events = [
            ("a", Val::Bool(true), 1),
            ("a", Val::Bool(false), 2 * day),
            ("b", Val::Str("x"), day + 5),
            ("a", Val::Bool(true), 3 * day),
        ];
        let mut one = Acc::default();
        let (mut left, mut right) = (Acc::default(), Acc::default());
        for (i, (f, v, t)) in events.iter().enumerate() {
            one.add(&obs(f, *v), *t, 1, false);
            let half = if i % 2 == 0 { &mut left } else { &mut right };
            half.add(&obs(f, *v), *t, 1, false);
        }
        left.merge(right);
        let dump = |a: &Acc| {
            let mut v: Vec<String> = a
                .finished()
                .map(|f| format!("{} {:?} {} {:?}", f.flag, f.kind, f.value, f.series))
                .collect();
            v.sort();
            v
        };
        assert_eq!(dump(&one), dump(&left));
        assert_eq!(one.window(), left.window());
        assert_eq!(one.stats, left.stats);
    }

    #[test]
    fn values_past_the_limit_fold_into_other() {
        let mut acc = Acc::default();
        for i in 0..(MAX_SERIES_PER_FLAG as i64 + 10) {
            acc.add(&obs("ids", Val::Int(i)), 0, 1, false);
        }
        let other: Vec<_> = acc.finished().filter(|f| f.kind == Kind::Other).collect();
        assert_eq!(other.len(), 1);
        assert_eq!(other[0].series.count, 10);
        assert_eq!(acc.finished().count(), MAX_SERIES_PER_FLAG as usize + 1);
    }

    #[test]
    fn ranges_within_a_day_count_per_day_and_longer_ones_as_spans() {
        let mut acc = Acc::default();
        let o = obs("a", Val::Bool(true));
        acc.add_range(&o, 10, 20, 5);
        acc.add_range(&o, 10, time::DAY_NANOS + 10, 7);
        acc.add_range(&o, 10, time::DAY_NANOS + 10, 1);
        let f = acc.finished().next().unwrap();
        assert_eq!(f.series.days, vec![(0, 5)]);
        assert_eq!(f.series.spans.len(), 1);
        assert_eq!(f.series.spans[0].count, 8);
        assert_eq!(f.series.count, 13);
        assert_eq!(acc.window(), Some((10, time::DAY_NANOS + 10)));
    }
}
