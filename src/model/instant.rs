//! Instants: when an entry was recorded, read and checked.

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, SecondsFormat, Utc};

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
    let instant = match written(text) {
        Some(instant) => instant,
        None => DateTime::parse_from_rfc3339(text)
            .map(|instant| instant.with_timezone(&Utc))
            .map_err(|_| ValueError::Timestamp {
                input: Excerpt::new(text),
                rule: FORMAT,
            })?,
    };
    in_range(instant).map_err(|_| ValueError::Timestamp {
        input: Excerpt::new(text),
        rule: RANGE,
    })
}

/// Reads the form [`format`] writes, `YYYY-MM-DDThh:mm:ss[.f]Z` with one
/// to nine digits of fraction, as RFC 3339 reads it, without the general
/// parser (a store reads one for every entry it opens); `None` for any
/// other text (an offset, a leap second, lower case), which the general
/// parser reads or refuses.
fn written(text: &str) -> Option<DateTime<Utc>> {
    let (head, rest) = text.as_bytes().split_first_chunk::<19>()?;
    let number = |from: usize, to: usize| head.get(from..to).and_then(decimal);
    if [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')]
        .into_iter()
        .any(|(at, separator)| head.get(at) != Some(&separator))
    {
        return None;
    }
    let nanosecond = match rest {
        [b'.', fraction @ .., b'Z'] if (1..=9).contains(&fraction.len()) => {
            decimal(fraction)? * 10u32.pow(9 - fraction.len() as u32)
        }
        [b'Z'] => 0,
        _ => return None,
    };
    let date = NaiveDate::from_ymd_opt(
        i32::try_from(number(0, 4)?).ok()?,
        number(5, 7)?,
        number(8, 10)?,
    )?;
    let time = NaiveTime::from_hms_nano_opt(
        number(11, 13)?,
        number(14, 16)?,
        number(17, 19)?,
        nanosecond,
    )?;
    Some(date.and_time(time).and_utc())
}

/// The number that `digits` (at most nine, all ASCII digits) write;
/// `None` if one is no digit.
fn decimal(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0, |number: u32, byte| {
        let digit = byte.wrapping_sub(b'0');
        (digit < 10).then(|| number * 10 + u32::from(digit))
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

    /// The general parser, as `parse` read every instant before it read
    /// the written form itself.
    fn general(text: &str) -> Option<DateTime<Utc>> {
        DateTime::parse_from_rfc3339(text)
            .ok()
            .map(|instant| instant.with_timezone(&Utc))
    }

    /// The written form is read as the general parser reads it, and any
    /// text it does not read itself is left to the general parser: every
    /// text one character away from written instants, and a few more.
    #[test]
    fn the_written_form_is_read_as_rfc_3339_reads_it() {
        let seeds = [
            "2024-11-23T09:30:00Z",
            "2024-11-23T09:30:00.123456Z",
            "2024-02-29T23:59:59.999999999Z",
            "0001-01-01T00:00:00.1Z",
        ];
        let mut read = 0;
        for seed in seeds {
            for at in 0..seed.len() {
                for replacement in "0123456789:-.TtZz+ 6".chars() {
                    let mut text: Vec<char> = seed.chars().collect();
                    text[at] = replacement;
                    let text: String = text.into_iter().collect();
                    if let Some(instant) = written(&text) {
                        read += 1;
                        assert_eq!(Some(instant), general(&text), "{text}");
                    }
                    // `parse` answers as the general parser alone would.
                    assert_eq!(
                        parse(&text).ok(),
                        general(&text).and_then(|instant| in_range(instant).ok()),
                        "{text}"
                    );
                }
            }
        }
        assert!(read > 300, "{read}");
        for text in [
            "2024-11-23T09:30:00.Z",
            "2024-11-23T09:30:00.1234567891Z",
            "2024-11-23T09:30:60Z",
            "2024-02-30T00:00:00Z",
            "2024-11-23T24:00:00Z",
            "2024-11-23T09:30:00+01:00",
            "2024-11-23t09:30:00z",
            "2024-11-23 09:30:00Z",
            "2024-11-23T09:30:00ZZ",
            "2024-11-23T09:30:0Z",
        ] {
            assert!(written(text).is_none(), "{text}");
            assert_eq!(
                parse(text).ok(),
                general(text).and_then(|instant| in_range(instant).ok()),
                "{text}"
            );
        }
        assert_eq!(
            written("2024-11-23T09:30:00.5Z"),
            general("2024-11-23T09:30:00.500000000Z")
        );
        // Read, and refused for its year.
        assert_eq!(
            written("0000-01-01T00:00:00Z"),
            general("0000-01-01T00:00:00Z")
        );
        assert!(matches!(
            parse("0000-01-01T00:00:00Z"),
            Err(ValueError::Timestamp { rule: RANGE, .. })
        ));
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
