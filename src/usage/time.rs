//! Instants as the readers keep them (signed nanoseconds since the Unix epoch, UTC) and
//! the conversions to what reports show: RFC 3339 times and calendar days.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

/// Nanoseconds in a day.
pub(crate) const DAY_NANOS: i64 = 86_400 * 1_000_000_000;

/// A UTC instant in nanoseconds since the Unix epoch. `i64` reaches the year 2262,
/// well past any telemetry; later instants are rejected as malformed.
pub type Nanos = i64;

/// The day number (days since 1970-01-01) of an instant.
pub(crate) fn day_of(t: Nanos) -> i32 {
    // Every i64 nanosecond count divided by a day fits an i32 (about ±106,000 days).
    i32::try_from(t.div_euclid(DAY_NANOS)).unwrap_or(i32::MAX)
}

/// The calendar date of a day number.
pub(crate) fn date_of_day(day: i32) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(day.saturating_add(EPOCH_CE_DAYS))
        .unwrap_or(NaiveDate::MAX)
}

/// The day number of a calendar date.
pub(crate) fn day_of_date(date: NaiveDate) -> i32 {
    chrono::Datelike::num_days_from_ce(&date) - EPOCH_CE_DAYS
}

/// Days from 0001-01-01 (day 1 of the common era) to 1970-01-01.
const EPOCH_CE_DAYS: i32 = 719_163;

/// The instant as a chrono time.
pub(crate) fn to_datetime(t: Nanos) -> DateTime<Utc> {
    DateTime::from_timestamp_nanos(t)
}

/// The instant of a chrono time, when it fits.
pub(crate) fn from_datetime(t: DateTime<Utc>) -> Option<Nanos> {
    t.timestamp_nanos_opt()
}

/// Midnight (UTC) at the start of a date, when it fits in nanoseconds since 1970
/// (years 1678 to 2262).
pub(crate) fn midnight(date: NaiveDate) -> Option<Nanos> {
    i64::from(day_of_date(date)).checked_mul(DAY_NANOS)
}

/// RFC 3339 in UTC with as many fractional digits as the instant needs, so a summary
/// written and read back keeps every instant exactly.
pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// Parses a plain summary's time: a date (`2026-03-01`, taken as midnight UTC) or an
/// RFC 3339 time with any offset.
pub(crate) fn parse_time(text: &str) -> Result<Nanos, String> {
    let text = text.trim();
    if text.len() == 10 {
        let date = NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map_err(|_| format!("`{text}` is not a valid date (YYYY-MM-DD)"))?;
        return midnight(date).ok_or_else(|| format!("`{text}` is out of range"));
    }
    let t = DateTime::parse_from_rfc3339(text)
        .map_err(|_| format!("`{text}` is not a date (YYYY-MM-DD) or an RFC 3339 time"))?;
    from_datetime(t.with_timezone(&Utc)).ok_or_else(|| format!("`{text}` is out of range"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip_through_dates() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        assert_eq!(date_of_day(day_of_date(d)), d);
        assert_eq!(day_of(midnight(d).unwrap()), day_of_date(d));
        assert_eq!(day_of(midnight(d).unwrap() - 1), day_of_date(d) - 1);
        assert_eq!(day_of_date(NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()), 0);
    }

    #[test]
    fn times_parse_as_dates_or_rfc3339() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        assert_eq!(
            parse_time("2026-03-01"),
            midnight(d).ok_or_else(String::new)
        );
        assert_eq!(
            parse_time("2026-03-01T02:00:00+02:00"),
            midnight(d).ok_or_else(String::new),
            "offsets are converted to UTC"
        );
        assert!(parse_time("2026-02-30").is_err());
        assert!(parse_time("yesterday").is_err());
    }

    #[test]
    fn dates_past_2262_are_errors_not_overflows() {
        // Found by the `usage` fuzz target: a CSV summary dated 7564-03-08.
        assert_eq!(
            parse_time("7564-03-08"),
            Err("`7564-03-08` is out of range".to_string())
        );
        assert!(parse_time("1500-01-01").is_err());
    }

    #[test]
    fn rfc3339_keeps_every_digit_needed() {
        let t = to_datetime(1_700_000_000_123_456_789);
        assert_eq!(rfc3339(t), "2023-11-14T22:13:20.123456789Z");
        assert_eq!(rfc3339(to_datetime(0)), "1970-01-01T00:00:00Z");
    }
}
