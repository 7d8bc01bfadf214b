//! RFC 3339 times (Twitch's and Box's signed timestamps), read without a date crate: the
//! format is small and fixed, and a verifier must refuse what it does not fully understand.

/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` as milliseconds since the Unix epoch. `t` and
/// `z` are accepted in either case, as RFC 3339 allows; anything else (a space for `T`, a
/// missing offset, a leap second, an out-of-range field, more than nine fraction digits) is
/// `None`.
pub(crate) fn parse_millis(text: &[u8]) -> Option<i64> {
    let digits = |range: std::ops::Range<usize>| -> Option<i64> {
        let part = text.get(range)?;
        part.iter()
            .all(u8::is_ascii_digit)
            .then(|| part.iter().fold(0i64, |n, &d| n * 10 + i64::from(d - b'0')))
    };
    let at = |i: usize, expected: u8| {
        text.get(i)
            .is_some_and(|b| b.eq_ignore_ascii_case(&expected))
    };
    if !(at(4, b'-') && at(7, b'-') && at(10, b'T') && at(13, b':') && at(16, b':')) {
        return None;
    }
    let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    let (hour, minute, second) = (digits(11..13)?, digits(14..16)?, digits(17..19)?);
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    let mut rest = &text[19..];
    let mut millis = 0;
    if let Some(fraction) = rest.strip_prefix(b".") {
        let len = fraction.iter().take_while(|b| b.is_ascii_digit()).count();
        if len == 0 || len > 9 {
            return None;
        }
        let mut scaled = [b'0'; 3];
        for (slot, digit) in scaled.iter_mut().zip(&fraction[..len]) {
            *slot = *digit;
        }
        millis = scaled.iter().fold(0, |n, &d| n * 10 + i64::from(d - b'0'));
        rest = &fraction[len..];
    }
    let offset_minutes = match rest {
        [z] if z.eq_ignore_ascii_case(&b'Z') => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let two = |a: u8, b: u8| -> Option<i64> {
                (a.is_ascii_digit() && b.is_ascii_digit())
                    .then(|| i64::from(a - b'0') * 10 + i64::from(b - b'0'))
            };
            let (hours, minutes) = (two(*h1, *h2)?, two(*m1, *m2)?);
            if hours > 23 || minutes > 59 {
                return None;
            }
            let total = hours * 60 + minutes;
            if *sign == b'+' { total } else { -total }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
    Some(seconds * 1000 + millis)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to the given date of the proleptic Gregorian calendar (Howard
/// Hinnant's `days_from_civil`, from his public date algorithms).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::parse_millis;

    #[test]
    fn reads_the_providers_timestamps() {
        // Twitch's documented example, and `date -d 2023-07-19T14:56:51Z +%s` = 1689778611.
        assert_eq!(
            parse_millis(b"2023-07-19T14:56:51.634234626Z"),
            Some(1_689_778_611_634)
        );
        assert_eq!(parse_millis(b"1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_millis(b"2000-02-29T00:00:00z"), Some(951_782_400_000));
        // Box's form, with an offset: 12:00 at -07:00 is 19:00 UTC.
        assert_eq!(
            parse_millis(b"2020-01-01T12:00:00-07:00"),
            parse_millis(b"2020-01-01T19:00:00Z")
        );
        assert_eq!(
            parse_millis(b"2020-01-01T19:00:00.5+00:00"),
            Some(1_577_905_200_500)
        );
    }

    #[test]
    fn refuses_what_is_not_rfc_3339() {
        for bad in [
            &b""[..],
            b"1700000000",
            b"2023-07-19 14:56:51Z",
            b"2023-07-19T14:56:51",
            b"2023-13-01T00:00:00Z",
            b"2023-02-29T00:00:00Z",
            b"2023-07-19T24:00:00Z",
            b"2023-07-19T14:56:60Z",
            b"2023-07-19T14:56:51.Z",
            b"2023-07-19T14:56:51.1234567890Z",
            b"2023-07-19T14:56:51+0700",
            b"2023-07-19T14:56:51Z ",
            b"+023-07-19T14:56:51Z",
        ] {
            assert_eq!(parse_millis(bad), None, "{}", String::from_utf8_lossy(bad));
        }
    }
}
