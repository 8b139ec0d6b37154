//! Durations in flags.yaml (`40d`, `6w`, `never`) and dates (`2026-12-15`).

use chrono::NaiveDate;

/// Parses `Nd` or `Nw` into days; `never` into `None`. Returns an error sentence.
pub fn parse_lifetime(text: &str) -> Result<Option<i64>, String> {
    if text == "never" {
        return Ok(None);
    }
    parse_days(text).map(Some)
}

/// The longest duration accepted, in days (about 2,700 years). Anything longer is a
/// typo, and keeping every duration this small keeps date arithmetic in range.
pub const MAX_DAYS: i64 = 1_000_000;

/// Parses `Nd` (days) or `Nw` (weeks) into days, at most [`MAX_DAYS`].
pub fn parse_days(text: &str) -> Result<i64, String> {
    let bad = || {
        format!("`{text}` is not a duration; write a number of days or weeks such as `30d` or `6w`")
    };
    // By characters: the unit may be any character a user typed, multibyte included.
    let mut chars = text.chars();
    let unit = chars.next_back().ok_or_else(bad)?;
    let digits = chars.as_str();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let per = match unit {
        'd' => 1,
        'w' => 7,
        _ => return Err(bad()),
    };
    let too_long = || format!("`{text}` is too long a duration; the limit is {MAX_DAYS} days");
    let n: i64 = digits.parse().map_err(|_| too_long())?;
    n.checked_mul(per)
        .filter(|days| *days <= MAX_DAYS)
        .ok_or_else(too_long)
}

/// Parses a `YYYY-MM-DD` calendar date strictly (four-digit year, two-digit month and
/// day), with a sentence saying what is wrong otherwise.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let b = text.as_bytes();
    let shaped = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shaped {
        return Err(format!(
            "`{text}` is not a date; write it as YYYY-MM-DD, e.g. `2026-12-15`"
        ));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
        format!("`{text}` is not a valid calendar date (no such day); check the month and day")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes() {
        assert_eq!(parse_lifetime("40d"), Ok(Some(40)));
        assert_eq!(parse_lifetime("2w"), Ok(Some(14)));
        assert_eq!(parse_lifetime("never"), Ok(None));
        assert!(parse_lifetime("40").is_err());
        assert!(parse_lifetime("-1d").is_err());
        assert!(parse_lifetime("").is_err());
        assert!(parse_lifetime("+4d").is_err());
    }

    #[test]
    fn multibyte_units_are_errors_not_panics() {
        for text in ["5é", "é", "5€w", "€", "d", "ẞ5d"] {
            let err = parse_days(text).expect_err(text);
            assert!(err.contains("not a duration"), "{text}: {err}");
        }
    }

    #[test]
    fn overflowing_durations_are_refused() {
        for text in [
            "2000000000000000000w",
            "99999999999999999999d",
            "1000001d",
            "142858w",
        ] {
            let err = parse_days(text).expect_err(text);
            assert!(err.contains("too long"), "{text}: {err}");
        }
        assert_eq!(parse_days("1000000d"), Ok(MAX_DAYS));
        assert_eq!(parse_days("142857w"), Ok(999_999));
    }

    #[test]
    fn dates() {
        assert!(parse_date("2026-02-28").is_ok());
        assert!(
            parse_date("2026-02-30")
                .unwrap_err()
                .contains("not a valid calendar date")
        );
        assert!(parse_date("2026-2-3").unwrap_err().contains("YYYY-MM-DD"));
    }
}
