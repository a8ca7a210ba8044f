//! Instants: when an entry was recorded, read and checked.

use chrono::{DateTime, Datelike, SecondsFormat, Utc};

use super::error::{Excerpt, ValueError};

/// Why an instant is refused when its text is not RFC 3339.
const FORMAT: &str = "expected RFC 3339, such as 2024-11-23T09:30:00Z";
/// Why an instant is refused when it falls outside the years of dates.
const RANGE: &str = "the year must be from 0001 to 9999 in UTC, as for dates";

/// Checks that an instant lies within the years 0001 to 9999 in UTC, the
/// range of dates, so that it is written as `YYYY-MM-DDThh:mm:ssZ` and
/// read back as itself.
///
/// # Errors
///
/// [`ValueError::Timestamp`] naming the instant and the range.
pub(crate) fn in_range(instant: DateTime<Utc>) -> Result<DateTime<Utc>, ValueError> {
    if (1..=9999).contains(&instant.naive_utc().year()) {
        Ok(instant)
    } else {
        Err(ValueError::Timestamp {
            input: Excerpt::new(&instant.to_rfc3339_opts(SecondsFormat::AutoSi, true)),
            rule: RANGE,
        })
    }
}

/// Reads an RFC 3339 instant (any offset), in UTC and within range.
///
/// # Errors
///
/// [`ValueError::Timestamp`] naming the text and the rule it broke.
pub(crate) fn parse(text: &str) -> Result<DateTime<Utc>, ValueError> {
    let instant = DateTime::parse_from_rfc3339(text)
        .map(|instant| instant.with_timezone(&Utc))
        .map_err(|_| ValueError::Timestamp {
            input: Excerpt::new(text),
            rule: FORMAT,
        })?;
    in_range(instant).map_err(|_| ValueError::Timestamp {
        input: Excerpt::new(text),
        rule: RANGE,
    })
}

/// Writes an instant as RFC 3339 in UTC, to the microsecond it is kept to.
pub(crate) fn format(instant: DateTime<Utc>) -> String {
    instant.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_within_the_years_of_dates_round_trip() {
        for text in [
            "0001-01-01T00:00:00Z",
            "2024-11-23T09:30:00.123456Z",
            "9999-12-31T23:59:59.999999Z",
        ] {
            let instant = parse(text).unwrap();
            assert_eq!(format(instant), text);
            assert_eq!(parse(&format(instant)).unwrap(), instant);
        }
        // An offset is converted to UTC.
        assert_eq!(
            format(parse("2024-11-23T09:30:00+05:30").unwrap()),
            "2024-11-23T04:00:00Z"
        );
    }

    #[test]
    fn instants_outside_the_years_of_dates_are_refused() {
        // In UTC this is already year 10000.
        let err = parse("9999-12-31T23:59:59-23:59").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid timestamp \"9999-12-31T23:59:59-23:59\": the year must be from 0001 to 9999 in UTC, as for dates"
        );
        assert!(parse("0001-01-01T00:00:00+01:00").is_err());
        assert!(parse("yesterday").is_err());
        let far = DateTime::<Utc>::from_timestamp(253_402_300_800, 0).unwrap();
        assert!(in_range(far).is_err());
        assert!(in_range(far - chrono::Duration::microseconds(1)).is_ok());
    }
}
