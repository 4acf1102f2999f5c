//! Timestamps of every shape a log writes, normalised to UTC nanoseconds.
//!
//! Explicit offsets (`Z`, `+0100`, `+05:30`) are honoured; a naive timestamp is read in the
//! configured zone (UTC unless `--tz`); epoch numbers are seconds, milliseconds, microseconds or
//! nanoseconds by their magnitude; a timestamp without a year (RFC 3164, Proxifier) takes the
//! year from [`TimeContext::year_hint`], stepping back a year when that would put it more than a
//! day past the reference time (a December line in a January file).

use crate::model::{days_from_civil, Timestamp};

/// How to read timestamps that do not say everything themselves.
#[derive(Clone, Debug)]
pub struct TimeContext {
    /// Zone of naive timestamps; `None` is UTC.
    pub tz: Option<jiff::tz::TimeZone>,
    /// Year for timestamps without one (from `--year` or the file's modification time).
    pub year_hint: i32,
    /// When the year is guessed: a result more than a day after this moves back one year.
    pub reference: Option<Timestamp>,
}

impl Default for TimeContext {
    fn default() -> Self {
        TimeContext {
            tz: None,
            year_hint: 1970,
            reference: None,
        }
    }
}

const MONTHS: [&[u8; 3]; 12] = [
    b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov", b"dec",
];

pub(crate) fn month_from_name(b: &[u8]) -> Option<u32> {
    if b.len() < 3 {
        return None;
    }
    let l = [
        b[0].to_ascii_lowercase(),
        b[1].to_ascii_lowercase(),
        b[2].to_ascii_lowercase(),
    ];
    MONTHS.iter().position(|m| **m == l).map(|i| i as u32 + 1)
}

/// A byte cursor over the timestamp text.
struct Cur<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Cur<'a> {
    fn new(s: &'a str) -> Self {
        Cur {
            b: s.as_bytes(),
            i: 0,
        }
    }
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn eat_any(&mut self, set: &[u8]) -> Option<u8> {
        let c = self.peek()?;
        if set.contains(&c) {
            self.i += 1;
            Some(c)
        } else {
            None
        }
    }
    /// Exactly `n` digits.
    fn num(&mut self, n: usize) -> Option<u32> {
        let end = self.i.checked_add(n)?;
        let s = self.b.get(self.i..end)?;
        let mut v = 0u32;
        for &c in s {
            if !c.is_ascii_digit() {
                return None;
            }
            v = v * 10 + (c - b'0') as u32;
        }
        self.i = end;
        Some(v)
    }
    /// One to `max` digits.
    fn num_upto(&mut self, max: usize) -> Option<u32> {
        let start = self.i;
        let mut v = 0u32;
        while self.i - start < max {
            match self.peek() {
                Some(c) if c.is_ascii_digit() => {
                    v = v * 10 + (c - b'0') as u32;
                    self.i += 1;
                }
                _ => break,
            }
        }
        (self.i > start).then_some(v)
    }
    fn skip_spaces(&mut self) {
        while self.peek() == Some(b' ') {
            self.i += 1;
        }
    }
    /// Fraction of a second after `.` or `,` (or `:` when `colon` is allowed): nanoseconds.
    fn fraction(&mut self, seps: &[u8]) -> u32 {
        let save = self.i;
        if self.eat_any(seps).is_none() {
            return 0;
        }
        let start = self.i;
        let mut v: u64 = 0;
        let mut n = 0;
        while let Some(c) = self.peek() {
            if !c.is_ascii_digit() {
                break;
            }
            if n < 9 {
                v = v * 10 + (c - b'0') as u64;
                n += 1;
            }
            self.i += 1;
        }
        if self.i == start {
            self.i = save;
            return 0;
        }
        (v * 10u64.pow(9 - n)) as u32
    }
    fn rest(&self) -> &'a [u8] {
        &self.b[self.i.min(self.b.len())..]
    }
    fn month_name(&mut self) -> Option<u32> {
        let m = month_from_name(self.rest())?;
        self.i += 3;
        // Full names: "November".
        while matches!(self.peek(), Some(c) if c.is_ascii_alphabetic()) {
            self.i += 1;
        }
        Some(m)
    }
}

/// Offset in seconds: `Z`, `UTC`, `GMT`, `+01`, `+0100`, `+01:00`. `None` when absent.
fn offset(c: &mut Cur) -> Option<Option<i64>> {
    let save = c.i;
    c.skip_spaces();
    let alnum_at = |c: &Cur, k: usize| c.b.get(c.i + k).is_some_and(u8::is_ascii_alphanumeric);
    if matches!(c.peek(), Some(b'Z') | Some(b'z')) && !alnum_at(c, 1) {
        c.i += 1;
        return Some(Some(0));
    }
    let r = c.rest();
    if (r.starts_with(b"UTC") || r.starts_with(b"GMT")) && !alnum_at(c, 3) {
        c.i += 3;
        if matches!(c.peek(), Some(b'+') | Some(b'-')) {
            // `GMT+01:00`; a sign that starts no offset (`GMT-x`) leaves GMT itself, UTC.
            return match offset(c) {
                Some(None) => Some(Some(0)),
                o => o,
            };
        }
        return Some(Some(0));
    }
    if let Some(sign) = c.eat_any(b"+-") {
        let Some(h) = c.num(2) else {
            // `12:00:00 - INFO`: a separator, not an offset.
            c.i = save;
            return Some(None);
        };
        c.eat(b':');
        let m = c.num(2).unwrap_or(0);
        if h > 23 || m > 59 {
            return None;
        }
        let off = (h * 3600 + m * 60) as i64;
        return Some(Some(if sign == b'-' { -off } else { off }));
    }
    c.i = save;
    Some(None)
}

struct Parts {
    y: i64,
    mo: u32,
    d: u32,
    h: u32,
    mi: u32,
    s: u32,
    ns: u32,
    off: Option<i64>,
    year_known: bool,
}

/// The instants a timestamp may be: 1900-01-01T00:00:00Z up to, not including,
/// 2201-01-01T00:00:00Z, whether read from text (in any zone) or from an epoch number, so every
/// timestamp casefile writes (`to_rfc3339`, a year 1900..=2200) reads back as itself.
const MIN_NS: i64 = -2_208_988_800 * 1_000_000_000;
const MAX_NS: i64 = 7_289_654_400 * 1_000_000_000;

fn in_range(ts: Timestamp) -> Option<Timestamp> {
    (MIN_NS..MAX_NS).contains(&ts.0).then_some(ts)
}

fn valid(p: &Parts) -> bool {
    (1..=12).contains(&p.mo)
        && (1..=31).contains(&p.d)
        && p.h < 24
        && p.mi < 60
        && p.s <= 60
        && (1900..=2200).contains(&p.y)
}

impl TimeContext {
    fn finish(&self, mut p: Parts) -> Option<Timestamp> {
        if !p.year_known {
            p.y = self.year_hint as i64;
        }
        if !valid(&p) {
            return None;
        }
        let local_secs = days_from_civil(p.y, p.mo, p.d) * 86_400
            + (p.h as i64) * 3600
            + (p.mi as i64) * 60
            + p.s as i64;
        let secs = match p.off {
            Some(off) => local_secs - off,
            None => match &self.tz {
                None => local_secs,
                Some(tz) => {
                    let dt = jiff::civil::DateTime::new(
                        p.y as i16,
                        p.mo as i8,
                        p.d as i8,
                        p.h as i8,
                        p.mi as i8,
                        p.s.min(59) as i8,
                        0,
                    )
                    .ok()?;
                    tz.to_timestamp(dt).ok()?.as_second()
                }
            },
        };
        let ts = in_range(Timestamp(secs * 1_000_000_000 + p.ns as i64))?;
        if !p.year_known {
            if let Some(r) = self.reference {
                if ts.0 > r.0 + 86_400 * 1_000_000_000 {
                    p.year_known = true;
                    p.y -= 1;
                    return self.finish(p);
                }
            }
        }
        Some(ts)
    }

    /// Parse a whole timestamp string (surrounding spaces and brackets ignored).
    pub fn parse(&self, s: &str) -> Option<Timestamp> {
        let s = s
            .trim()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .trim();
        if s.is_empty() {
            return None;
        }
        let (ts, used) = self.parse_prefix(s)?;
        // Allow trailing spaces only.
        if s[used..].trim().is_empty() {
            Some(ts)
        } else {
            None
        }
    }

    /// Parse a timestamp at the start of `s`; returns it and how many bytes it used.
    pub fn parse_prefix(&self, s: &str) -> Option<(Timestamp, usize)> {
        let b = s.as_bytes();
        let first = *b.first()?;
        if first.is_ascii_digit() {
            if let Some(r) = self.iso_like(s) {
                return Some(r);
            }
            if let Some(r) = self.numeric_other(s) {
                return Some(r);
            }
            return self.epoch(s);
        }
        if first.is_ascii_alphabetic() {
            return self.named_month(s);
        }
        None
    }

    /// `2026-11-28T22:00:00.123+01:00`, `2026-11-28 22:00:00,123`, `2026/11/28 22:00:00`,
    /// BGL's `2005-06-03-15.42.50.675872`, `20171223-22:15:29:606` (HealthApp).
    fn iso_like(&self, s: &str) -> Option<(Timestamp, usize)> {
        let mut c = Cur::new(s);
        let y = c.num(4)?;
        let compact;
        let (mo, d);
        if let Some(sep) = c.eat_any(b"-/.") {
            compact = false;
            mo = c.num_upto(2)?;
            if !c.eat(sep) {
                return None;
            }
            d = c.num_upto(2)?;
        } else {
            compact = true;
            mo = c.num(2)?;
            d = c.num(2)?;
        }
        let date_only_end = c.i;
        let mut p = Parts {
            y: y as i64,
            mo,
            d,
            h: 0,
            mi: 0,
            s: 0,
            ns: 0,
            off: None,
            year_known: true,
        };
        let dot_time; // BGL: 15.42.50
        if c.eat_any(b"T t-_").is_some() || (compact && c.eat(b'-')) {
            // HealthApp writes `20171224-0:0:0:215`: fields without their leading zeros.
            p.h = c.num_upto(2)?;
            let sep = c.eat_any(b":.")?;
            dot_time = sep == b'.';
            p.mi = c.num_upto(2)?;
            if c.eat(sep) {
                p.s = c.num_upto(2)?;
                p.ns = if dot_time {
                    c.fraction(b".")
                } else {
                    c.fraction(b".,:")
                };
            }
            p.off = offset(&mut c)?;
        } else {
            // A date alone.
            c.i = date_only_end;
            if compact {
                return None;
            }
            p.off = Some(0);
        }
        let used = c.i;
        Some((self.finish(p)?, used))
    }

    /// `081109 203615` (HDFS, yyMMdd HHmmss), `17/06/09 20:10:40` (Spark, yy/MM/dd),
    /// `28/Nov/2026:23:00:12 +0100` (nginx/Apache), `29 Aug 2023 13:47:38.984` (Redis; old
    /// Redis without the year), `10.30 16:49:06` (Proxifier, MM.dd), `0517 15:04:22.619632`
    /// (klog, MMdd).
    fn numeric_other(&self, s: &str) -> Option<(Timestamp, usize)> {
        let mut c = Cur::new(s);
        // nginx: dd/Mon/yyyy:HH:MM:SS zone; Redis: dd Mon yyyy HH:MM:SS, dd Mon HH:MM:SS
        if let Some(d) = c.num_upto(2) {
            if let Some(sep) = c.eat_any(b"/ ") {
                if let Some(mo) = c.month_name() {
                    if !c.eat(sep) {
                        return None;
                    }
                    let y = c.num(4);
                    if y.is_some() {
                        c.eat_any(b": ")?;
                    } else if sep == b'/' {
                        return None;
                    }
                    let h = c.num(2)?;
                    c.eat(b':');
                    let mi = c.num(2)?;
                    c.eat(b':');
                    let sec = c.num(2)?;
                    let ns = c.fraction(b".,");
                    let off = offset(&mut c)?;
                    let p = Parts {
                        y: y.unwrap_or(0) as i64,
                        mo,
                        d,
                        h,
                        mi,
                        s: sec,
                        ns,
                        off,
                        year_known: y.is_some(),
                    };
                    return Some((self.finish(p)?, c.i));
                }
            }
        }
        let mut c = Cur::new(s);
        // yy/MM/dd HH:MM:SS
        if let (Some(y), true) = (c.num(2), true) {
            if c.eat(b'/') {
                let mo = c.num(2)?;
                c.eat(b'/').then_some(())?;
                let d = c.num(2)?;
                c.eat(b' ').then_some(())?;
                let h = c.num(2)?;
                c.eat(b':').then_some(())?;
                let mi = c.num(2)?;
                c.eat(b':').then_some(())?;
                let sec = c.num(2)?;
                let ns = c.fraction(b".,");
                let off = offset(&mut c)?;
                let p = Parts {
                    y: 2000 + y as i64,
                    mo,
                    d,
                    h,
                    mi,
                    s: sec,
                    ns,
                    off,
                    year_known: true,
                };
                return Some((self.finish(p)?, c.i));
            }
        }
        let mut c = Cur::new(s);
        // yyMMdd HHmmss
        if let Some(ymd) = c.num(6) {
            if c.eat(b' ') {
                if let Some(hms) = c.num(6) {
                    if matches!(c.peek(), None | Some(b' ')) {
                        let p = Parts {
                            y: 2000 + (ymd / 10_000) as i64,
                            mo: (ymd / 100) % 100,
                            d: ymd % 100,
                            h: hms / 10_000,
                            mi: (hms / 100) % 100,
                            s: hms % 100,
                            ns: 0,
                            off: None,
                            year_known: true,
                        };
                        return Some((self.finish(p)?, c.i));
                    }
                }
            }
        }
        let mut c = Cur::new(s);
        // MM.dd HH:MM:SS (Proxifier), MM-dd HH:MM:SS.mmm (Android logcat) and MMdd
        // HH:MM:SS.uuuuuu (klog), no year
        let mo = c.num(2)?;
        c.eat_any(b".-");
        let d = c.num(2)?;
        c.eat(b' ').then_some(())?;
        let h = c.num(2)?;
        c.eat(b':').then_some(())?;
        let mi = c.num(2)?;
        c.eat(b':').then_some(())?;
        let sec = c.num(2)?;
        let ns = c.fraction(b".");
        let p = Parts {
            y: 0,
            mo,
            d,
            h,
            mi,
            s: sec,
            ns,
            off: None,
            year_known: false,
        };
        Some((self.finish(p)?, c.i))
    }

    /// `Nov 28 22:00:00` (RFC 3164, year guessed), `Nov 28 2026 22:00:00`,
    /// `Sat Nov 28 22:00:00 2026`, `Sat Nov 28 22:00:00.123 UTC 2026`.
    fn named_month(&self, s: &str) -> Option<(Timestamp, usize)> {
        let mut c = Cur::new(s);
        // Optional weekday.
        let r = c.rest();
        if r.len() > 4 && r[..3].iter().all(u8::is_ascii_alphabetic) && month_from_name(r).is_none()
        {
            c.i += 3;
            while matches!(c.peek(), Some(ch) if ch.is_ascii_alphabetic()) {
                c.i += 1;
            }
            c.eat(b',');
            c.skip_spaces();
        }
        let mo = c.month_name()?;
        c.skip_spaces();
        let d = c.num_upto(2)?;
        c.eat(b',');
        c.skip_spaces();
        let mut year = None;
        let save = c.i;
        if let Some(y) = c.num(4) {
            if c.eat(b' ') {
                year = Some(y);
            } else {
                c.i = save;
            }
        }
        let h = c.num_upto(2)?;
        c.eat(b':').then_some(())?;
        let mi = c.num(2)?;
        c.eat(b':').then_some(())?;
        let sec = c.num(2)?;
        let ns = c.fraction(b".,");
        let mut off = offset(&mut c)?;
        if year.is_none() {
            let save = c.i;
            c.skip_spaces();
            match c.num(4) {
                Some(y) if !matches!(c.peek(), Some(ch) if ch.is_ascii_digit() || ch == b':') => {
                    year = Some(y);
                    if off.is_none() {
                        off = offset(&mut c)?;
                    }
                }
                _ => c.i = save,
            }
        }
        let p = Parts {
            y: year.unwrap_or(0) as i64,
            mo,
            d,
            h,
            mi,
            s: sec,
            ns,
            off,
            year_known: year.is_some(),
        };
        Some((self.finish(p)?, c.i))
    }

    /// Epoch seconds/milliseconds/microseconds/nanoseconds, integer or with a fraction.
    fn epoch(&self, s: &str) -> Option<(Timestamp, usize)> {
        let b = s.as_bytes();
        let mut i = 0;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let int_digits = i;
        if !(9..=19).contains(&int_digits) {
            return None;
        }
        let int: i64 = s[..int_digits].parse().ok()?;
        let mut frac_ns: i64 = 0;
        if i < b.len() && b[i] == b'.' {
            let start = i + 1;
            let mut j = start;
            let mut v: i64 = 0;
            let mut n = 0u32;
            while j < b.len() && b[j].is_ascii_digit() {
                if n < 9 {
                    v = v * 10 + (b[j] - b'0') as i64;
                    n += 1;
                }
                j += 1;
            }
            if j > start {
                frac_ns = v * 10i64.pow(9 - n);
                i = j;
            }
        }
        Some((epoch_to_ts(int, frac_ns)?, i))
    }

    /// A JSON number as a timestamp (epoch by magnitude).
    pub fn from_number(&self, n: f64) -> Option<Timestamp> {
        if !n.is_finite() || n <= 0.0 {
            return None;
        }
        let int = n.trunc() as i64;
        let frac = ((n - n.trunc()) * 1e9).round() as i64;
        epoch_to_ts(int, frac)
    }
}

/// Seconds < 1e11 (until year 5138), milliseconds < 1e14, microseconds < 1e17, else nanoseconds.
/// `frac_ns` is the fractional part of the unit, in billionths.
fn epoch_to_ts(int: i64, frac_ns: i64) -> Option<Timestamp> {
    if int < 100_000_000 {
        return None; // 1973: too small to be a log timestamp; likely a plain number
    }
    let ns = if int < 100_000_000_000 {
        int.checked_mul(1_000_000_000)?.checked_add(frac_ns)?
    } else if int < 100_000_000_000_000 {
        int.checked_mul(1_000_000)?.checked_add(frac_ns / 1_000)?
    } else if int < 100_000_000_000_000_000 {
        int.checked_mul(1_000)?.checked_add(frac_ns / 1_000_000)?
    } else {
        int
    };
    in_range(Timestamp(ns))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> Option<String> {
        let ctx = TimeContext {
            year_hint: 2026,
            ..Default::default()
        };
        ctx.parse(s).map(|t| t.to_rfc3339())
    }

    /// Fuzzing (timestamp target): `GMT` before a sign that starts no offset (`GMT-x`) was
    /// dropped, and the time read in `--tz` instead of UTC.
    #[test]
    fn gmt_before_a_stray_sign_is_utc() {
        let ctx = TimeContext {
            tz: Some(jiff::tz::TimeZone::get("Europe/Paris").unwrap()),
            ..Default::default()
        };
        let (ts, n) = ctx.parse_prefix("2026-11-28 22:00:00 GMT-x hello").unwrap();
        assert_eq!(ts.to_rfc3339(), "2026-11-28T22:00:00.000Z");
        assert_eq!(&"2026-11-28 22:00:00 GMT-x hello"[n..], "-x hello");
        assert_eq!(
            ctx.parse("2026-11-28 22:00:00 GMT+01:00")
                .unwrap()
                .to_rfc3339(),
            "2026-11-28T21:00:00.000Z"
        );
    }

    /// Fuzzing (timestamp target): epoch numbers past 2200 and offsets that cross 1900 gave
    /// timestamps casefile wrote but could not read back (`7289654400` -> 2201, `7.2e92`
    /// saturated to 2262, `1900-01-01T00:30:00+01:00` -> 1899). Both ends are refused.
    #[test]
    fn timestamps_stay_in_the_range_they_read_back_from() {
        let ctx = TimeContext::default();
        assert_eq!(
            ctx.parse("7289654399").map(|t| t.to_rfc3339()).as_deref(),
            Some("2200-12-31T23:59:59.000Z")
        );
        assert_eq!(ctx.parse("7289654400"), None);
        assert_eq!(ctx.from_number(7.2e92), None);
        assert_eq!(ctx.from_number(9.2e18), None);
        assert_eq!(ctx.parse("1900-01-01T00:30:00+01:00"), None);
        assert!(ctx.parse("1900-01-01T00:30:00Z").is_some());
        assert_eq!(ctx.parse("2200-12-31T23:30:00-01:00"), None);
        for t in ["2200-12-31T23:59:59.999999999Z", "1900-01-01T00:00:00.000Z"] {
            let ts = ctx.parse(t).unwrap();
            assert_eq!(ctx.parse(&ts.to_rfc3339()), Some(ts));
        }
    }

    #[test]
    fn shapes() {
        let cases: &[(&str, &str)] = &[
            ("2026-11-28T22:10:01.123Z", "2026-11-28T22:10:01.123Z"),
            ("2026-11-28T23:10:01.123+01:00", "2026-11-28T22:10:01.123Z"),
            ("2026-11-28T23:10:01+0100", "2026-11-28T22:10:01.000Z"),
            ("2026-11-29T03:40:01+05:30", "2026-11-28T22:10:01.000Z"),
            ("2026-11-28 22:00:00,060", "2026-11-28T22:00:00.060Z"),
            ("2026-11-28 22:00:00.047", "2026-11-28T22:00:00.047Z"),
            (
                "2026-11-28T22:00:00.671000123Z",
                "2026-11-28T22:00:00.671000123Z",
            ),
            ("2026-11-28T22:00:00.671123Z", "2026-11-28T22:00:00.671123Z"),
            ("28/Nov/2026:23:00:12 +0100", "2026-11-28T22:00:12.000Z"),
            ("Nov 28 22:00:01", "2026-11-28T22:00:01.000Z"),
            ("Nov  3 02:00:01", "2026-11-03T02:00:01.000Z"),
            ("Sat Nov 28 22:00:01 2026", "2026-11-28T22:00:01.000Z"),
            ("1795903201", "2026-11-28T22:00:01.000Z"),
            ("1795903201.5", "2026-11-28T22:00:01.500Z"),
            ("1795903201123", "2026-11-28T22:00:01.123Z"),
            ("1795903201123456", "2026-11-28T22:00:01.123456Z"),
            ("1795903201123456789", "2026-11-28T22:00:01.123456789Z"),
            ("081109 203615", "2008-11-09T20:36:15.000Z"),
            ("17/06/09 20:10:40", "2017-06-09T20:10:40.000Z"),
            ("20171223-22:15:29:606", "2017-12-23T22:15:29.606Z"),
            ("20171223-22:16:0:119", "2017-12-23T22:16:00.119Z"),
            ("20171224-0:0:0:215", "2017-12-24T00:00:00.215Z"),
            ("2005-06-03-15.42.50.675872", "2005-06-03T15:42:50.675872Z"),
            ("10.30 16:49:06", "2026-10-30T16:49:06.000Z"),
            ("03-17 16:13:38.811", "2026-03-17T16:13:38.811Z"),
            ("2026-11-28", "2026-11-28T00:00:00.000Z"),
            ("[2026-11-28 22:00:00 UTC]", "2026-11-28T22:00:00.000Z"),
        ];
        for (input, want) in cases {
            assert_eq!(utc(input).as_deref(), Some(*want), "input {input:?}");
        }
    }

    #[test]
    fn rejects() {
        for s in [
            "",
            "hello",
            "2026-13-01T00:00:00Z",
            "12",
            "2026-11-28T25:00:00Z",
            "Nov 99 22:00:01",
            "99999999999999999999999",
        ] {
            assert_eq!(utc(s), None, "input {s:?}");
        }
    }

    #[test]
    fn naive_in_named_zone() {
        let ctx = TimeContext {
            tz: Some(jiff::tz::TimeZone::get("Europe/Paris").unwrap()),
            year_hint: 2026,
            reference: None,
        };
        assert_eq!(
            ctx.parse("2026-11-28 23:00:00").unwrap().to_rfc3339(),
            "2026-11-28T22:00:00.000Z"
        );
        // An explicit offset wins over --tz.
        assert_eq!(
            ctx.parse("2026-11-28T23:00:00Z").unwrap().to_rfc3339(),
            "2026-11-28T23:00:00.000Z"
        );
    }

    #[test]
    fn yearless_rolls_back_over_new_year() {
        let reference = TimeContext {
            year_hint: 2027,
            ..Default::default()
        }
        .parse("2027-01-02T00:00:00Z");
        let ctx = TimeContext {
            tz: None,
            year_hint: 2027,
            reference,
        };
        assert_eq!(
            ctx.parse("Dec 31 23:59:59").unwrap().to_rfc3339(),
            "2026-12-31T23:59:59.000Z"
        );
        assert_eq!(
            ctx.parse("Jan  1 00:00:01").unwrap().to_rfc3339(),
            "2027-01-01T00:00:01.000Z"
        );
    }

    #[test]
    fn prefix_reports_length() {
        let ctx = TimeContext::default();
        let (_, n) = ctx
            .parse_prefix("2026-11-28 22:00:00,060 INFO payments")
            .unwrap();
        assert_eq!(n, "2026-11-28 22:00:00,060".len());
    }

    #[test]
    fn fuzz_epoch_fraction_overflow_no_panic() {
        // Fuzz: integer part fits in i64 nanoseconds, adding the fraction overflowed (panic).
        let ctx = TimeContext::default();
        for s in ["9223372036.9", "9223372036854.9", "9223372036854775.9"] {
            assert_eq!(ctx.parse(s), None, "input {s:?}");
        }
        assert_eq!(ctx.from_number(9_223_372_036.9), None);
        // The largest representable one is past 2200: not a log's time.
        assert_eq!(ctx.parse("9223372036.854775807"), None);
    }
}
