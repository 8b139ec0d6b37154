//! Durations in flags.yaml (`40d`, `6w`, `never`) and dates (`2026-12-15`).

use chrono::NaiveDate;

/// Parses `Nd` or `Nw` into days; `never` into `None`. Returns an error sentence.
pub fn parse_lifetime(text: &str) -> Result<Option<i64>, String> {
    if text == "never" {
        return Ok(None);
    }
    parse_days(text).map(Some)
}

/// Parses `Nd` (days) or `Nw` (weeks) into days.
pub fn parse_days(text: &str) -> Result<i64, String> {
    let bad = || {
        format!("`{text}` is not a duration; write a number of days or weeks such as `30d` or `6w`")
    };
    let (digits, unit) = text.split_at(text.len().saturating_sub(1));
    let n: i64 = digits.parse().map_err(|_| bad())?;
    if n < 0 {
        return Err(bad());
    }
    match unit {
        "d" => Ok(n),
        "w" => Ok(n * 7),
        _ => Err(bad()),
    }
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
