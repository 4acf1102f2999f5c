//! Reads the TIME a support engineer copies from a ticket (`--around '23:00 CET'`) into an instant
//! or a wall-clock time of day, resolves a time of day against the logs' time range, and shows
//! timestamps back in the zone TIME was given in.
//!
//! Accepted TIME forms (anything else is an error that lists these):
//!
//! - RFC 3339: `2026-11-28T23:00:00+01:00`, `2026-11-28T22:00:00.250Z` (`t`/`z` may be lowercase).
//! - A date and time, `YYYY-MM-DD HH:MM[:SS[.fff...]]` with a space or `T` between, followed by
//!   nothing (the `--tz` zone the caller passes, else UTC), `Z` or `UTC`, an offset (`+01:00`,
//!   `+0100`, `+01`, `-05:00`, with or without a space before it) or, after a space, a zone name
//!   from the system's IANA database (`Europe/Paris`, `America/New_York`, `CET`, `EST`). A name is
//!   a zone, not an abbreviation: `CET` follows the database's rules, which may include summer time.
//! - A time of day alone, `HH:MM[:SS[.fff...]]`, optionally followed by a zone as above. It has no
//!   date; [`Around::resolve`] takes the day from the logs' range.
//!
//! A local time that a daylight-saving change makes ambiguous (it happens twice) or nonexistent (it
//! is skipped) resolves the way jiff's `compatible` disambiguation does, like RFC 5545 and
//! `java.time`: an ambiguous time takes the earlier instant (the offset before the change), a
//! skipped time is moved forward by the length of the gap (`02:30` in a spring-forward hour that
//! goes 02:00 -> 03:00 becomes `03:30`). A leap second (`:60`) is read as `:59`. Fractional
//! seconds beyond nanoseconds are cut off.

use crate::config::parse_duration;
use crate::model::Timestamp;
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::{Offset, TimeZone};

/// What the accepted forms are, with examples; every "not a time" error ends with it.
const FORMS: &str = "give RFC 3339 (2026-11-28T23:00:00+01:00), a date and time (2026-11-28 \
                     23:00, optionally followed by Z, +01:00, +0100 or a zone name such as \
                     Europe/Paris or CET), or a time of day alone (23:00, read in the logs' range)";

/// How TIME named its zone.
#[derive(Clone, Debug, PartialEq)]
pub enum Zone {
    /// `Z`, `z` or `UTC`.
    Utc,
    /// A numeric offset east of UTC, in seconds (`+01:00` is 3600, `-05:00` is -18000).
    Offset(i32),
    /// A zone name looked up in the IANA database, with the name as typed.
    Named(TimeZone, String),
    /// No zone: the caller's `--tz` zone, else UTC.
    Default,
}

/// What TIME says: a moment, or a wall-clock time whose day comes from the logs.
#[derive(Clone, Debug, PartialEq)]
pub enum AroundKind {
    Instant(Timestamp),
    TimeOfDay(Time),
}

/// A parsed TIME; build it with [`parse_around`].
#[derive(Clone, Debug, PartialEq)]
pub struct Around {
    pub kind: AroundKind,
    pub zone: Zone,
    /// TIME as typed, for messages.
    pub text: String,
    /// The zone the wall-clock reading is in (`zone` with `Default` made concrete).
    tz: TimeZone,
}

/// Reads TIME (the `--around` value). `default_tz` is the `--tz` zone, used when TIME names none;
/// without it such a TIME is UTC. The error names the text and says what would work.
pub fn parse_around(s: &str, default_tz: Option<&TimeZone>) -> Result<Around, String> {
    let t = s.trim();
    if t.is_empty() {
        return Err(format!("--around is empty; {FORMS}"));
    }
    let not_a_time = || {
        let b = t.as_bytes();
        let hint = if b.len() >= 4
            && b[0].is_ascii_digit()
            && b[1] == b':'
            && b[2..4].iter().all(u8::is_ascii_digit)
        {
            format!(" (write the hour with two digits: 0{})", &t[..4])
        } else {
            String::new()
        };
        format!("--around '{t}' is not a time{hint}; {FORMS}")
    };
    let mut c = Cursor {
        b: t.as_bytes(),
        i: 0,
    };

    let date = if t.len() >= 5
        && t.as_bytes()[..4].iter().all(u8::is_ascii_digit)
        && t.as_bytes()[4] == b'-'
    {
        let (y, m, d) = match (
            c.digits(4),
            c.eat(b'-'),
            c.digits(2),
            c.eat(b'-'),
            c.digits(2),
        ) {
            (Some(y), true, Some(m), true, Some(d)) => (y, m, d),
            _ => return Err(not_a_time()),
        };
        let date = civil_date(y, m, d).map_err(|why| {
            format!(
                "--around '{t}': there is no date {y:04}-{m:02}-{d:02} ({why}); give the date as \
                 YYYY-MM-DD, e.g. 2026-11-28 23:00"
            )
        })?;
        if c.at_end() {
            return Err(format!(
                "--around '{t}' is a date without a time of day; add it, e.g. '{t} 23:00' or \
                 '{t}T23:00:00Z'"
            ));
        }
        if !(c.eat(b'T') || c.eat(b't')) {
            if !c.eat(b' ') {
                return Err(not_a_time());
            }
            while c.eat(b' ') {}
        }
        Some(date)
    } else {
        None
    };

    let time = read_time(&mut c).ok_or_else(not_a_time)?;
    let time = civil_time(time).map_err(|why| {
        format!("--around '{t}': {why}; give the time as HH:MM or HH:MM:SS, e.g. 23:00 or 23:00:15")
    })?;
    // Only ASCII has been consumed, so `c.i` is a char boundary.
    let zone = read_zone(&t[c.i..], t)?.ok_or_else(not_a_time)?;
    let tz = match &zone {
        Zone::Utc => TimeZone::UTC,
        Zone::Offset(secs) => {
            TimeZone::fixed(Offset::from_seconds(*secs).map_err(|_| not_a_time())?)
        }
        Zone::Named(tz, _) => tz.clone(),
        Zone::Default => default_tz.cloned().unwrap_or(TimeZone::UTC),
    };
    let kind = match date {
        Some(date) => AroundKind::Instant(
            instant(&tz, date.to_datetime(time))
                .and_then(|ns| i64::try_from(ns).ok())
                .map(Timestamp)
                .ok_or_else(|| out_of_range(t))?,
        ),
        None => AroundKind::TimeOfDay(time),
    };
    Ok(Around {
        kind,
        zone,
        text: s.to_string(),
        tz,
    })
}

/// Reads `--within` (how far either side of TIME to look): `5m`, `90s`, `1h30m`, `500ms`, `1d`,
/// in nanoseconds. Zero, negative and unitless values are errors.
pub fn parse_within(s: &str) -> Result<i64, String> {
    let t = s.trim();
    match parse_duration(t) {
        Some(ns) if ns > 0 => Ok(ns),
        Some(_) => Err(format!(
            "--within '{t}' is zero; give how far either side of --around to look, e.g. 5m, 90s \
             or 1h30m"
        )),
        None => Err(format!(
            "--within '{t}' is not a duration; give a number with a unit, e.g. 5m, 90s or 1h30m \
             (units: ms, s, m, h, d)"
        )),
    }
}

impl Around {
    /// The zone the wall-clock reading is in: the zone TIME named, else the `--tz` zone, else UTC.
    pub fn time_zone(&self) -> &TimeZone {
        &self.tz
    }

    /// The instant TIME means, and for a time of day the civil date (in its zone) that was taken,
    /// so the caller can say which day it used.
    ///
    /// `range` is `(first, last)`, the logs' first and last timestamps. An instant ignores it. For
    /// a time of day the candidates are that wall-clock time on every day, in its zone: the answer
    /// is the latest candidate within `[first, last]`; if none falls within, the candidate nearest
    /// the range (the last one before `first` or the first one after `last`, whichever is closer;
    /// on a tie the later). A time of day without a range (no timed logs) is an error that asks for
    /// a date.
    pub fn resolve(
        &self,
        range: Option<(Timestamp, Timestamp)>,
    ) -> Result<(Timestamp, Option<Date>), String> {
        let time = match &self.kind {
            AroundKind::Instant(ts) => return Ok((*ts, None)),
            AroundKind::TimeOfDay(time) => *time,
        };
        let t = self.text.trim();
        let Some((a, b)) = range else {
            return Err(format!(
                "--around '{t}' is a time of day, and the logs have no timestamps to take the day \
                 from; give the date too, e.g. --around '2026-11-28 {t}'"
            ));
        };
        let (first, last) = (i128::from(a.0.min(b.0)), i128::from(a.0.max(b.0)));
        let at = |d: Date| instant(&self.tz, d.to_datetime(time)).ok_or_else(|| out_of_range(t));
        let last_day = jiff::Timestamp::from_nanosecond(last)
            .map_err(|_| out_of_range(t))?
            .to_zoned(self.tz.clone())
            .date();
        // Walk down from the day after `last`'s day to the latest candidate <= last. Candidates
        // grow with the day, about 24 hours apart, so this takes two or three steps.
        let mut day = last_day.tomorrow().map_err(|_| out_of_range(t))?;
        let mut steps = 0;
        let latest = loop {
            let c = at(day)?;
            if c <= last {
                break c;
            }
            steps += 1;
            if steps > 4 {
                return Err(out_of_range(t));
            }
            day = day.yesterday().map_err(|_| out_of_range(t))?;
        };
        let (ns, day) = if latest >= first {
            (latest, day)
        } else {
            let next_day = day.tomorrow().map_err(|_| out_of_range(t))?;
            let next = at(next_day)?;
            if next - last <= first - latest {
                (next, next_day)
            } else {
                (latest, day)
            }
        };
        let ns = i64::try_from(ns).map_err(|_| out_of_range(t))?;
        Ok((Timestamp(ns), Some(day)))
    }

    /// `ts` as a wall-clock time in the zone TIME was given in, with that zone:
    /// `23:00:05.120 +01:00` for an offset, `23:00:05.120 CET` for a name (as typed), the `--tz`
    /// zone's name for no zone. `None` when TIME was in UTC (`Z`, `UTC`, `+00:00`, or no zone and
    /// no `--tz`), since the caller shows UTC anyway.
    pub fn show(&self, ts: Timestamp) -> Option<String> {
        let label = match &self.zone {
            Zone::Utc | Zone::Offset(0) => return None,
            Zone::Offset(secs) => format_offset(*secs),
            Zone::Named(_, name) => name.clone(),
            Zone::Default => {
                if self.tz.to_fixed_offset().is_ok_and(|o| o == Offset::UTC) {
                    return None;
                }
                let js = jiff::Timestamp::from_nanosecond(i128::from(ts.0)).ok()?;
                match self.tz.iana_name() {
                    Some(name) => name.to_string(),
                    None => format_offset(self.tz.to_offset(js).seconds()),
                }
            }
        };
        let js = jiff::Timestamp::from_nanosecond(i128::from(ts.0)).ok()?;
        let local = self.tz.to_datetime(js);
        let ns = local.subsec_nanosecond();
        let frac = if ns % 1_000_000 == 0 {
            format!("{:03}", ns / 1_000_000)
        } else if ns % 1_000 == 0 {
            format!("{:06}", ns / 1_000)
        } else {
            format!("{ns:09}")
        };
        Some(format!(
            "{:02}:{:02}:{:02}.{frac} {label}",
            local.hour(),
            local.minute(),
            local.second()
        ))
    }
}

/// `3600` -> `+01:00`, `-19800` -> `-05:30`.
fn format_offset(secs: i32) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let a = secs.unsigned_abs();
    format!("{sign}{:02}:{:02}", a / 3600, (a / 60) % 60)
}

fn out_of_range(t: &str) -> String {
    format!(
        "--around '{t}' is outside the times casefile can hold (1677-09-22 to 2262-04-11 UTC); \
         check the year"
    )
}

/// The UTC nanoseconds of a civil datetime in `tz` (jiff's `compatible` disambiguation).
fn instant(tz: &TimeZone, dt: DateTime) -> Option<i128> {
    let ts = tz.to_ambiguous_timestamp(dt).compatible().ok()?;
    Some(ts.as_nanosecond())
}

fn civil_date(y: u32, m: u32, d: u32) -> Result<Date, String> {
    if !(1..=12).contains(&m) {
        return Err(format!("month {m}"));
    }
    let first = Date::new(y as i16, m as i8, 1).map_err(|_| format!("year {y}"))?;
    let days = first.days_in_month() as u32;
    if d == 0 || d > days {
        return Err(format!("{y:04}-{m:02} has {days} days"));
    }
    Date::new(y as i16, m as i8, d as i8).map_err(|e| e.to_string())
}

/// Hour, minute, second, nanoseconds as read (not yet checked).
struct RawTime(u32, u32, u32, u32);

fn civil_time(RawTime(h, m, s, ns): RawTime) -> Result<Time, String> {
    if h > 23 {
        return Err(format!("there is no hour {h:02} (hours run 00-23)"));
    }
    if m > 59 {
        return Err(format!("there is no minute {m:02} (minutes run 00-59)"));
    }
    if s > 60 {
        return Err(format!("there is no second {s:02} (seconds run 00-59)"));
    }
    Time::new(h as i8, m as i8, s.min(59) as i8, ns as i32).map_err(|e| e.to_string())
}

/// `HH:MM[:SS[.fff...]]`.
fn read_time(c: &mut Cursor) -> Option<RawTime> {
    let h = c.digits(2)?;
    if !c.eat(b':') {
        return None;
    }
    let m = c.digits(2)?;
    let (mut s, mut ns) = (0, 0);
    if c.eat(b':') {
        s = c.digits(2)?;
        if c.eat(b'.') {
            let start = c.i;
            while c.peek().is_some_and(|b| b.is_ascii_digit()) {
                if c.i - start < 9 {
                    ns = ns * 10 + u32::from(c.b[c.i] - b'0');
                }
                c.i += 1;
            }
            let n = c.i - start;
            if n == 0 {
                return None;
            }
            for _ in n..9 {
                ns *= 10;
            }
        }
    }
    Some(RawTime(h, m, s, ns))
}

/// What follows the time: `Ok(None)` when it is not a zone at all, `Err` for a zone name that the
/// database does not know.
fn read_zone(rest: &str, t: &str) -> Result<Option<Zone>, String> {
    if rest.is_empty() {
        return Ok(Some(Zone::Default));
    }
    let spaced = rest.starts_with(' ');
    let z = rest.trim_start_matches(' ');
    if z == "Z" || z == "z" {
        return Ok(Some(Zone::Utc));
    }
    if z.starts_with(['+', '-']) {
        return Ok(read_offset(z).map(Zone::Offset));
    }
    let name_chars =
        |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'/' | b'+' | b'-' | b':');
    let zb = z.as_bytes();
    if !spaced || !zb[0].is_ascii_alphabetic() || !zb.iter().all(|&b| name_chars(b)) {
        return Ok(None);
    }
    if z.eq_ignore_ascii_case("utc") {
        return Ok(Some(Zone::Utc));
    }
    match TimeZone::get(z) {
        Ok(tz) => Ok(Some(Zone::Named(tz, z.to_string()))),
        Err(_) => Err(unknown_zone(z, t)),
    }
}

fn unknown_zone(z: &str, t: &str) -> String {
    let up = z.to_ascii_uppercase();
    let hint = if (up.starts_with("UTC") || up.starts_with("GMT")) && up.len() > 3 {
        // `UTC+1` means +01:00 here (not the POSIX Etc/GMT+1, which is -01:00).
        let r = &z[3..];
        let (sign, num) = r.split_at(1);
        let offset = if matches!(sign, "+" | "-")
            && (1..=2).contains(&num.len())
            && num.bytes().all(|b| b.is_ascii_digit())
        {
            format!("{sign}{num:0>2}:00")
        } else {
            read_offset(r).map_or("+01:00".to_string(), format_offset)
        };
        format!(
            "; for a fixed offset write it alone, e.g. '{}'",
            t.replacen(z, &offset, 1)
        )
    } else {
        let iana = match up.as_str() {
            "CEST" => Some("Europe/Paris or +02:00"),
            "BST" => Some("Europe/London"),
            "EEST" => Some("Europe/Athens or +03:00"),
            "PST" | "PDT" => Some("America/Los_Angeles"),
            "MDT" => Some("America/Denver"),
            "CDT" | "CST" => Some("America/Chicago"),
            "EDT" => Some("America/New_York"),
            "IST" => Some("Asia/Kolkata or Europe/Dublin"),
            "JST" => Some("Asia/Tokyo"),
            "AEST" | "AEDT" => Some("Australia/Sydney"),
            _ => None,
        };
        match iana {
            Some(name) => format!("; for {z} write {name}"),
            None => String::new(),
        }
    };
    format!(
        "--around '{t}': unknown time zone '{z}'{hint}; use an IANA name such as Europe/Paris or \
         America/New_York (see /usr/share/zoneinfo), UTC, or an offset such as +01:00"
    )
}

/// `+01:00`, `+0100`, `+01`, `-05:00` -> seconds east of UTC.
fn read_offset(z: &str) -> Option<i32> {
    let mut c = Cursor {
        b: z.as_bytes(),
        i: 0,
    };
    let sign = if c.eat(b'+') {
        1
    } else if c.eat(b'-') {
        -1
    } else {
        return None;
    };
    let h = c.digits(2)?;
    let m = if c.at_end() {
        0
    } else {
        c.eat(b':');
        c.digits(2)?
    };
    if !c.at_end() || h > 23 || m > 59 {
        return None;
    }
    Some(sign * (h * 3600 + m * 60) as i32)
}

/// A position in ASCII-first text; it only ever steps over ASCII bytes.
struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn at_end(&self) -> bool {
        self.i >= self.b.len()
    }

    fn eat(&mut self, want: u8) -> bool {
        if self.peek() == Some(want) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    /// Exactly `n` ASCII digits.
    fn digits(&mut self, n: usize) -> Option<u32> {
        let d = self.b.get(self.i..self.i + n)?;
        if !d.iter().all(u8::is_ascii_digit) {
            return None;
        }
        self.i += n;
        Some(d.iter().fold(0, |a, &b| a * 10 + u32::from(b - b'0')))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::days_from_civil;

    /// UTC nanoseconds of a UTC civil time, by hand (not through jiff).
    fn utc(y: i64, mo: u32, d: u32, h: i64, mi: i64, s: i64, ns: i64) -> i64 {
        ((days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s) * 1_000_000_000) + ns
    }

    fn instant_of(s: &str, tz: Option<&TimeZone>) -> i64 {
        match parse_around(s, tz).unwrap().kind {
            AroundKind::Instant(ts) => ts.0,
            k => panic!("{s}: expected an instant, got {k:?}"),
        }
    }

    fn paris() -> TimeZone {
        TimeZone::get("Europe/Paris").unwrap()
    }

    const T22Z: i64 = 1_795_903_200_000_000_000; // 2026-11-28T22:00:00Z

    #[test]
    fn reference_helper_matches_a_pinned_constant() {
        assert_eq!(utc(2026, 11, 28, 22, 0, 0, 0), T22Z);
    }

    #[test]
    fn rfc3339_forms() {
        assert_eq!(instant_of("2026-11-28T23:00:00+01:00", None), T22Z);
        assert_eq!(instant_of("2026-11-28T22:00:00Z", None), T22Z);
        assert_eq!(instant_of("2026-11-28t22:00:00z", None), T22Z);
        assert_eq!(instant_of("2026-11-28T17:00:00-05:00", None), T22Z);
        assert_eq!(
            instant_of("2026-11-28T22:00:00.250Z", None),
            T22Z + 250_000_000
        );
        assert_eq!(
            instant_of("2026-11-28T22:00:00.123456789Z", None),
            T22Z + 123_456_789
        );
        // Digits past nanoseconds are cut off.
        assert_eq!(
            instant_of("2026-11-28T22:00:00.1234567899Z", None),
            T22Z + 123_456_789
        );
        // A leap second reads as :59.
        assert_eq!(
            instant_of("2026-12-31T23:59:60Z", None),
            utc(2026, 12, 31, 23, 59, 59, 0)
        );
        // RFC 3339 wins over --tz.
        assert_eq!(instant_of("2026-11-28T22:00:00Z", Some(&paris())), T22Z);
        let a = parse_around("2026-11-28T23:00:00+01:00", None).unwrap();
        assert_eq!(a.zone, Zone::Offset(3600));
        assert_eq!(a.text, "2026-11-28T23:00:00+01:00");
    }

    #[test]
    fn date_and_time_with_offsets() {
        for s in [
            "2026-11-28 23:00 +01:00",
            "2026-11-28 23:00+01:00",
            "2026-11-28 23:00 +0100",
            "2026-11-28 23:00+0100",
            "2026-11-28 23:00 +01",
            "2026-11-28T23:00+01",
            "2026-11-28 23:00:00.000 +01:00",
            "  2026-11-28  23:00 +01:00 ",
        ] {
            assert_eq!(instant_of(s, None), T22Z, "{s}");
            assert_eq!(
                parse_around(s, None).unwrap().zone,
                Zone::Offset(3600),
                "{s}"
            );
        }
        assert_eq!(instant_of("2026-11-28 17:00 -05:00", None), T22Z);
        assert_eq!(instant_of("2026-11-29 03:30 +05:30", None), T22Z);
        assert_eq!(
            parse_around("2026-11-29 03:30 +05:30", None).unwrap().zone,
            Zone::Offset(19_800)
        );
        for s in [
            "2026-11-28 22:00 Z",
            "2026-11-28 22:00Z",
            "2026-11-28 22:00 UTC",
            "2026-11-28 22:00 utc",
        ] {
            assert_eq!(instant_of(s, Some(&paris())), T22Z, "{s}");
            assert_eq!(parse_around(s, None).unwrap().zone, Zone::Utc, "{s}");
        }
        assert_eq!(
            instant_of("2026-11-28 22:00:15.5", None),
            utc(2026, 11, 28, 22, 0, 15, 500_000_000)
        );
    }

    #[test]
    fn date_and_time_with_zone_names() {
        // November: CET is +01:00.
        assert_eq!(instant_of("2026-11-28 23:00 CET", None), T22Z);
        assert_eq!(instant_of("2026-11-28 23:00 Europe/Paris", None), T22Z);
        assert_eq!(instant_of("2026-11-28 23:00 europe/paris", None), T22Z);
        // July: Paris is on summer time, +02:00.
        assert_eq!(
            instant_of("2026-07-01 23:00 Europe/Paris", None),
            utc(2026, 7, 1, 21, 0, 0, 0)
        );
        assert_eq!(instant_of("2026-11-28 17:00 America/New_York", None), T22Z);
        assert_eq!(instant_of("2026-11-28 17:00 EST", None), T22Z);
        let a = parse_around("2026-11-28 23:00 CET", None).unwrap();
        assert!(
            matches!(&a.zone, Zone::Named(_, n) if n == "CET"),
            "{:?}",
            a.zone
        );
    }

    #[test]
    fn naive_date_and_time_takes_tz_else_utc() {
        assert_eq!(instant_of("2026-11-28 23:00", Some(&paris())), T22Z);
        assert_eq!(instant_of("2026-11-28T23:00:00", Some(&paris())), T22Z);
        assert_eq!(instant_of("2026-11-28 22:00", None), T22Z);
        assert_eq!(instant_of("2026-11-28 22:00:00", None), T22Z);
        assert_eq!(
            parse_around("2026-11-28 22:00", None).unwrap().zone,
            Zone::Default
        );
        assert_eq!(
            parse_around("2026-11-28 23:00", Some(&paris()))
                .unwrap()
                .time_zone(),
            &paris()
        );
    }

    #[test]
    fn dst_ambiguous_and_skipped_local_times_are_compatible() {
        // 2026-10-25 02:30 happens twice in Paris; the earlier (CEST, +02:00) is taken.
        assert_eq!(
            instant_of("2026-10-25 02:30 Europe/Paris", None),
            utc(2026, 10, 25, 0, 30, 0, 0)
        );
        // 2026-03-29 02:30 does not exist in Paris (02:00 -> 03:00); it becomes 03:30 CEST.
        assert_eq!(
            instant_of("2026-03-29 02:30 Europe/Paris", None),
            utc(2026, 3, 29, 1, 30, 0, 0)
        );
        // The same for a time of day resolved on that day.
        let a = parse_around("02:30 Europe/Paris", None).unwrap();
        let range = (
            Timestamp(utc(2026, 10, 24, 22, 0, 0, 0)),
            Timestamp(utc(2026, 10, 25, 12, 0, 0, 0)),
        );
        assert_eq!(
            a.resolve(Some(range)).unwrap(),
            (
                Timestamp(utc(2026, 10, 25, 0, 30, 0, 0)),
                Some(jiff::civil::date(2026, 10, 25))
            )
        );
    }

    #[test]
    fn time_of_day_forms() {
        let a = parse_around("23:00", None).unwrap();
        assert_eq!(
            a.kind,
            AroundKind::TimeOfDay(jiff::civil::time(23, 0, 0, 0))
        );
        assert_eq!(a.zone, Zone::Default);
        let a = parse_around("23:00:15", None).unwrap();
        assert_eq!(
            a.kind,
            AroundKind::TimeOfDay(jiff::civil::time(23, 0, 15, 0))
        );
        let a = parse_around("23:00:15.250", None).unwrap();
        assert_eq!(
            a.kind,
            AroundKind::TimeOfDay(jiff::civil::time(23, 0, 15, 250_000_000))
        );
        let a = parse_around("23:00 CET", None).unwrap();
        assert!(matches!(&a.zone, Zone::Named(_, n) if n == "CET"));
        assert_eq!(
            parse_around("23:00 +01:00", None).unwrap().zone,
            Zone::Offset(3600)
        );
        assert_eq!(
            parse_around("23:00+0100", None).unwrap().zone,
            Zone::Offset(3600)
        );
        assert_eq!(
            parse_around("23:00 -05", None).unwrap().zone,
            Zone::Offset(-18_000)
        );
        assert_eq!(parse_around("23:00Z", None).unwrap().zone, Zone::Utc);
        assert_eq!(parse_around("23:00 UTC", None).unwrap().zone, Zone::Utc);
    }

    fn range(a: (u32, i64, i64), b: (u32, i64, i64)) -> Option<(Timestamp, Timestamp)> {
        Some((
            Timestamp(utc(2026, 11, a.0, a.1, a.2, 0, 0)),
            Timestamp(utc(2026, 11, b.0, b.1, b.2, 0, 0)),
        ))
    }

    #[test]
    fn time_of_day_takes_the_later_day_of_a_two_day_range() {
        // Logs from 27th 20:00Z to 28th 23:30Z; 23:00 CET (22:00Z) happens on both days.
        let a = parse_around("23:00 CET", None).unwrap();
        let got = a.resolve(range((27, 20, 0), (28, 23, 30))).unwrap();
        assert_eq!(
            got,
            (Timestamp(T22Z), Some(jiff::civil::date(2026, 11, 28)))
        );
        // UTC, seconds and fraction kept.
        let a = parse_around("21:59:30.5", None).unwrap();
        let got = a.resolve(range((27, 20, 0), (28, 23, 30))).unwrap();
        assert_eq!(got.0, Timestamp(utc(2026, 11, 28, 21, 59, 30, 500_000_000)));
    }

    #[test]
    fn time_of_day_found_only_on_the_first_day() {
        // Logs from 27th 21:00Z to 28th 06:00Z: 22:00Z falls only on the 27th.
        let a = parse_around("22:00", None).unwrap();
        let got = a.resolve(range((27, 21, 0), (28, 6, 0))).unwrap();
        assert_eq!(
            got,
            (
                Timestamp(utc(2026, 11, 27, 22, 0, 0, 0)),
                Some(jiff::civil::date(2026, 11, 27))
            )
        );
        // Order of the range does not matter.
        let r = range((27, 21, 0), (28, 6, 0)).map(|(a, b)| (b, a));
        assert_eq!(a.resolve(r).unwrap(), got);
    }

    #[test]
    fn time_of_day_outside_the_range_takes_the_nearest() {
        // Logs 28th 08:00Z-10:00Z; 23:00Z is 9 h before on the 27th, 13 h after on the 28th.
        let a = parse_around("23:00", None).unwrap();
        let got = a.resolve(range((28, 8, 0), (28, 10, 0))).unwrap();
        assert_eq!(
            got,
            (
                Timestamp(utc(2026, 11, 27, 23, 0, 0, 0)),
                Some(jiff::civil::date(2026, 11, 27))
            )
        );
        // Logs 28th 14:00Z-16:00Z: the 28th's 23:00Z is 7 h after, the 27th's 15 h before.
        let got = a.resolve(range((28, 14, 0), (28, 16, 0))).unwrap();
        assert_eq!(
            got,
            (
                Timestamp(utc(2026, 11, 28, 23, 0, 0, 0)),
                Some(jiff::civil::date(2026, 11, 28))
            )
        );
        // Equidistant (11:00Z, 12 h either way): the later.
        let got = a.resolve(range((28, 11, 0), (28, 11, 0))).unwrap();
        assert_eq!(got.0, Timestamp(utc(2026, 11, 28, 23, 0, 0, 0)));
    }

    #[test]
    fn time_of_day_in_the_tz_zone_and_the_day_in_that_zone() {
        // 00:30 in Paris on the 29th is 23:30Z on the 28th; the day reported is Paris's.
        let a = parse_around("00:30", Some(&paris())).unwrap();
        let got = a.resolve(range((28, 12, 0), (29, 1, 0))).unwrap();
        assert_eq!(
            got,
            (
                Timestamp(utc(2026, 11, 28, 23, 30, 0, 0)),
                Some(jiff::civil::date(2026, 11, 29))
            )
        );
    }

    #[test]
    fn time_of_day_without_a_range_asks_for_a_date() {
        let a = parse_around("23:00 CET", None).unwrap();
        assert_eq!(
            a.resolve(None).unwrap_err(),
            "--around '23:00 CET' is a time of day, and the logs have no timestamps to take the \
             day from; give the date too, e.g. --around '2026-11-28 23:00 CET'"
        );
        // An instant needs no range.
        let a = parse_around("2026-11-28T22:00:00Z", None).unwrap();
        assert_eq!(a.resolve(None).unwrap(), (Timestamp(T22Z), None));
    }

    #[test]
    fn error_texts() {
        assert_eq!(
            parse_around("23h", None).unwrap_err(),
            "--around '23h' is not a time; give RFC 3339 (2026-11-28T23:00:00+01:00), a date and \
             time (2026-11-28 23:00, optionally followed by Z, +01:00, +0100 or a zone name such \
             as Europe/Paris or CET), or a time of day alone (23:00, read in the logs' range)"
        );
        assert_eq!(
            parse_around("2026-13-01 10:00", None).unwrap_err(),
            "--around '2026-13-01 10:00': there is no date 2026-13-01 (month 13); give the date \
             as YYYY-MM-DD, e.g. 2026-11-28 23:00"
        );
        assert_eq!(
            parse_around("2026-02-29 10:00", None).unwrap_err(),
            "--around '2026-02-29 10:00': there is no date 2026-02-29 (2026-02 has 28 days); give \
             the date as YYYY-MM-DD, e.g. 2026-11-28 23:00"
        );
        assert_eq!(
            parse_around("10:00 Mars/Olympus", None).unwrap_err(),
            "--around '10:00 Mars/Olympus': unknown time zone 'Mars/Olympus'; use an IANA name \
             such as Europe/Paris or America/New_York (see /usr/share/zoneinfo), UTC, or an \
             offset such as +01:00"
        );
        assert_eq!(
            parse_around("", None).unwrap_err(),
            "--around is empty; give RFC 3339 (2026-11-28T23:00:00+01:00), a date and time \
             (2026-11-28 23:00, optionally followed by Z, +01:00, +0100 or a zone name such as \
             Europe/Paris or CET), or a time of day alone (23:00, read in the logs' range)"
        );
        assert_eq!(
            parse_around("   ", None).unwrap_err(),
            parse_around("", None).unwrap_err()
        );
        assert_eq!(
            parse_around("24:00", None).unwrap_err(),
            "--around '24:00': there is no hour 24 (hours run 00-23); give the time as HH:MM or \
             HH:MM:SS, e.g. 23:00 or 23:00:15"
        );
        assert_eq!(
            parse_around("2026-11-28", None).unwrap_err(),
            "--around '2026-11-28' is a date without a time of day; add it, e.g. '2026-11-28 \
             23:00' or '2026-11-28T23:00:00Z'"
        );
        assert!(parse_around("9:30", None).unwrap_err().starts_with(
            "--around '9:30' is not a time (write the hour with two digits: 09:30); "
        ));
        assert!(parse_around("23:00 CEST", None)
            .unwrap_err()
            .starts_with("--around '23:00 CEST': unknown time zone 'CEST'; for CEST write Europe/Paris or +02:00; "));
        assert!(parse_around("23:00 UTC+1", None)
            .unwrap_err()
            .starts_with("--around '23:00 UTC+1': unknown time zone 'UTC+1'; for a fixed offset write it alone, e.g. '23:00 +01:00'; "));
        assert!(parse_around("23:00 GMT-05:00", None)
            .unwrap_err()
            .contains("e.g. '23:00 -05:00'"));
        assert!(parse_around("0001-01-01 00:00", None)
            .unwrap_err()
            .starts_with("--around '0001-01-01 00:00' is outside the times casefile can hold"));
    }

    #[test]
    fn rejects_everything_outside_the_forms() {
        for s in [
            "23",
            "23:0",
            "23:00:0",
            "23:00:00.",
            "23:00:00,5",
            "2026-11-28 23",
            "2026-1-28 23:00",
            "26-11-28 23:00",
            "2026-11-28_23:00",
            "23:00 +1",
            "23:00 +01:0",
            "23:00 +24:00",
            "23:00 +01:60",
            "23:00CET",
            "23:00 Z Z",
            "23:00 +01:00 CET",
            "now",
            "-15m",
            "1795903200",
            "23:00 pm",
            "2026-11-28 23:00 EST5",
            "23:61",
            "23:00:61",
        ] {
            let e = parse_around(s, None).expect_err(s);
            assert!(
                e.starts_with(&format!("--around '{}'", s.trim())),
                "{s}: {e}"
            );
        }
    }

    #[test]
    fn show_in_each_zone_kind() {
        let ts = Timestamp(T22Z + 5_120_000_000); // 22:00:05.120Z
        let show = |s: &str, tz: Option<&TimeZone>| parse_around(s, tz).unwrap().show(ts);
        assert_eq!(
            show("23:00 +01:00", None).as_deref(),
            Some("23:00:05.120 +01:00")
        );
        assert_eq!(
            show("23:00 -0530", None).as_deref(),
            Some("16:30:05.120 -05:30")
        );
        assert_eq!(show("23:00 CET", None).as_deref(), Some("23:00:05.120 CET"));
        assert_eq!(
            show("2026-11-28 17:00 America/New_York", None).as_deref(),
            Some("17:00:05.120 America/New_York")
        );
        assert_eq!(
            show("23:00", Some(&paris())).as_deref(),
            Some("23:00:05.120 Europe/Paris")
        );
        assert_eq!(show("23:00", None), None);
        assert_eq!(show("23:00", Some(&TimeZone::UTC)), None);
        assert_eq!(show("23:00Z", Some(&paris())), None);
        assert_eq!(show("23:00 UTC", None), None);
        assert_eq!(show("23:00 +00:00", None), None);
        let a = parse_around("23:00 +01:00", None).unwrap();
        assert_eq!(
            a.show(Timestamp(T22Z + 1_000)).as_deref(),
            Some("23:00:00.000001 +01:00")
        );
        assert_eq!(
            a.show(Timestamp(T22Z + 1)).as_deref(),
            Some("23:00:00.000000001 +01:00")
        );
    }

    #[test]
    fn within_accepts_durations_and_rejects_the_rest() {
        assert_eq!(parse_within("5m"), Ok(300_000_000_000));
        assert_eq!(parse_within("90s"), Ok(90_000_000_000));
        assert_eq!(parse_within("1h30m"), Ok(5_400_000_000_000));
        assert_eq!(parse_within("500ms"), Ok(500_000_000));
        assert_eq!(parse_within(" 1d "), Ok(86_400_000_000_000));
        assert_eq!(
            parse_within("0s").unwrap_err(),
            "--within '0s' is zero; give how far either side of --around to look, e.g. 5m, 90s \
             or 1h30m"
        );
        let bad = |s: &str| {
            format!(
                "--within '{s}' is not a duration; give a number with a unit, e.g. 5m, 90s or \
                 1h30m (units: ms, s, m, h, d)"
            )
        };
        for s in [
            "5",
            "-5m",
            "",
            "5 m",
            "m",
            "5x",
            "five minutes",
            "1h30",
            "+5m",
        ] {
            assert_eq!(parse_within(s).unwrap_err(), bad(s.trim()), "{s}");
        }
    }

    /// xorshift64*: a fixed sequence, so a failure reproduces.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    #[test]
    fn random_short_strings_are_read_or_refused_by_name() {
        const PIECES: &[&str] = &[
            "0",
            "1",
            "2",
            "3",
            "5",
            "9",
            "00",
            "23",
            "59",
            "60",
            ":",
            "-",
            "+",
            " ",
            "T",
            "t",
            "Z",
            "z",
            ".",
            ",",
            "a",
            "E",
            "U",
            "C",
            "/",
            "_",
            "é",
            "日",
            "−",
            "\u{0}",
            "\t",
            "\u{1b}[",
            "2026-11-28",
            "23:00",
            ":15.250",
            "Europe/Paris",
            "CET",
            "UTC",
            "+01:00",
            "-0500",
            "Mars",
            "ß",
            "🙂",
        ];
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let first = Timestamp(T22Z);
        let last = Timestamp(T22Z + 2 * 86_400_000_000_000);
        let (mut ok, mut tod, mut named) = (0, 0, 0);
        for _ in 0..20_000 {
            // A third start from a valid time, so the zone part gets exercised too.
            let mut s = match rng.below(6) {
                0 => "23:00".to_string(),
                1 => "2026-11-28 23:00".to_string(),
                _ => String::new(),
            };
            for _ in 0..rng.below(9) {
                s.push_str(PIECES[rng.below(PIECES.len() as u64) as usize]);
            }
            if rng.below(4) == 0 {
                let zones = [
                    " CET",
                    " Europe/Paris",
                    " America/New_York",
                    " UTC",
                    "+01:00",
                    "Z",
                ];
                s.push_str(zones[rng.below(zones.len() as u64) as usize]);
            }
            let tz = (rng.below(2) == 0).then(paris);
            let _ = parse_within(&s);
            match parse_around(&s, tz.as_ref()) {
                Ok(a) => {
                    ok += 1;
                    assert_eq!(a.text, s);
                    let (ts, day) = a.resolve(Some((first, last))).unwrap();
                    match a.kind {
                        // Any wall-clock time occurs within a 48-hour range.
                        AroundKind::TimeOfDay(_) => {
                            tod += 1;
                            assert!(first <= ts && ts <= last && day.is_some(), "{s}");
                        }
                        AroundKind::Instant(at) => assert_eq!((ts, day), (at, None), "{s}"),
                    }
                    named += usize::from(matches!(a.zone, Zone::Named(..)));
                    let _ = a.show(ts);
                }
                Err(e) => assert!(e.contains(s.trim()), "{s:?}: {e}"),
            }
        }
        // The pieces reach both outcomes, not only errors.
        assert!(
            ok > 500 && tod > 100 && ok - tod > 100 && named > 20,
            "ok {ok}, time of day {tod}, named zone {named}"
        );
    }

    #[test]
    fn random_valid_times_match_hand_arithmetic() {
        let mut rng = Rng(0xD1B5_4A32_D192_ED03);
        for _ in 0..5_000 {
            let y = 1971 + rng.below(230) as i64;
            let mo = 1 + rng.below(12) as u32;
            let d = 1 + rng.below(28) as u32;
            let (h, mi, s) = (
                rng.below(24) as i64,
                rng.below(60) as i64,
                rng.below(60) as i64,
            );
            let ms = rng.below(1000) as i64;
            let off_min = rng.below(2 * 14 * 60 + 1) as i64 - 14 * 60;
            let sign = if off_min < 0 { '-' } else { '+' };
            let (oh, om) = (off_min.abs() / 60, off_min.abs() % 60);
            let date = format!("{y:04}-{mo:02}-{d:02}");
            let time = format!("{h:02}:{mi:02}:{s:02}.{ms:03}");
            let (text, offset) = match rng.below(5) {
                0 => (format!("{date}T{time}{sign}{oh:02}:{om:02}"), off_min),
                1 => (format!("{date} {time} {sign}{oh:02}{om:02}"), off_min),
                2 => (format!("{date}t{time}z"), 0),
                3 => (format!("{date} {time} UTC"), 0),
                _ => (format!("{date} {time}"), 0),
            };
            let want = utc(y, mo, d, h, mi, s, ms * 1_000_000) - offset * 60_000_000_000;
            assert_eq!(instant_of(&text, None), want, "{text}");
        }
    }
}
