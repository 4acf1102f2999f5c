//! Timestamps of every shape a log writes, normalised to UTC nanoseconds.
//!
//! Explicit offsets (`Z`, `+0100`, `+05:30`), zone abbreviations (`CEST`, `EST`; see
//! [`ZONE_ABBREVIATIONS`]) and IANA names (`Europe/Paris`) after the time are honoured; a naive
//! timestamp is read in the configured zone (UTC unless `--tz`); epoch numbers are seconds,
//! milliseconds, microseconds or nanoseconds by their magnitude (and never digits glued to more
//! of a token: `263456789abcdef0` is a hex id); a timestamp without a year (RFC 3164, Proxifier)
//! takes the year from [`TimeContext::year_hint`], stepping back a year when that would put it
//! more than a day past the reference time (a December line in a January file); a time of day
//! alone (`16:42:22.382`) takes its date from [`TimeContext::day`] when there is one; and
//! [`TimeContext::plausible`] refuses a time far from the rest of the file.

use crate::model::{civil_from_days, days_from_civil, Timestamp};

/// How to read timestamps that do not say everything themselves.
#[derive(Clone, Debug)]
pub struct TimeContext {
    /// Zone of naive timestamps; `None` is UTC.
    pub tz: Option<jiff::tz::TimeZone>,
    /// Year for timestamps without one (from `--year` or the file's modification time).
    pub year_hint: i32,
    /// When the year is guessed: a result more than a day after this moves back one year.
    pub reference: Option<Timestamp>,
    /// Where a time of day alone (`16:42:22.382`) takes its date from; `None` reads no such
    /// timestamp.
    pub day: Option<DayAnchor>,
    /// Timestamps outside this range (inclusive) are rejected (`None`): a time years away from
    /// the rest of the file. See [`TimeContext::without_plausibility`].
    pub plausible: Option<(Timestamp, Timestamp)>,
}

/// The instant a time of day alone is placed near. The candidates are that time of day (in the
/// stamp's own offset or zone, else `tz`, else UTC) on the anchor's local date, the day before
/// and the day after; the variant picks one, which reads a midnight rollover without state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DayAnchor {
    /// The wrapper's (container runtime's) time of the same line: the candidate closest to it.
    Near(Timestamp),
    /// The file starts here (`--date` + first record's time): the earliest candidate >= t - 1h.
    After(Timestamp),
    /// The file was last written here (mtime): the latest candidate <= t + 1h.
    Before(Timestamp),
}

impl Default for TimeContext {
    fn default() -> Self {
        TimeContext {
            tz: None,
            year_hint: 1970,
            reference: None,
            day: None,
            plausible: None,
        }
    }
}

const H: i32 = 3600;

/// Zone abbreviations read after a time, in seconds east of UTC (`UTC`, `GMT` and `Z` are read
/// before this table, with `UTC+2` and `GMT+01:00`). An abbreviation counts only as a whole
/// uppercase word (the next byte is the end, a space, or one of `,;|]})"'`). The ambiguous ones
/// take the reading logs most often mean: `CST` is US Central (not China, +8), `IST` is India
/// (not Ireland, +1, or Israel, +2), `BST` is British Summer Time (not Bangladesh, +6), `AST`
/// is Atlantic (not Arabia, +3). A log in another of those zones needs `--tz` and a naive time.
pub const ZONE_ABBREVIATIONS: &[(&str, i32)] = &[
    ("PST", -8 * H),
    ("PDT", -7 * H),
    ("MST", -7 * H),
    ("MDT", -6 * H),
    ("CST", -6 * H),
    ("CDT", -5 * H),
    ("EST", -5 * H),
    ("EDT", -4 * H),
    ("AKST", -9 * H),
    ("AKDT", -8 * H),
    ("HST", -10 * H),
    ("AST", -4 * H),
    ("ADT", -3 * H),
    ("NST", -(3 * H + 1800)),
    ("NDT", -(2 * H + 1800)),
    ("WET", 0),
    ("WEST", H),
    ("BST", H),
    ("IST", 5 * H + 1800),
    ("CET", H),
    ("CEST", 2 * H),
    ("MET", H),
    ("MEST", 2 * H),
    ("EET", 2 * H),
    ("EEST", 3 * H),
    ("MSK", 3 * H),
    ("SAST", 2 * H),
    ("CAT", 2 * H),
    ("EAT", 3 * H),
    ("WAT", H),
    ("PKT", 5 * H),
    ("ICT", 7 * H),
    ("WIB", 7 * H),
    ("HKT", 8 * H),
    ("SGT", 8 * H),
    ("AWST", 8 * H),
    ("PHT", 8 * H),
    ("KST", 9 * H),
    ("JST", 9 * H),
    ("ACST", 9 * H + 1800),
    ("ACDT", 10 * H + 1800),
    ("AEST", 10 * H),
    ("AEDT", 11 * H),
    ("NZST", 12 * H),
    ("NZDT", 13 * H),
];

/// An uppercase word of up to four letters as a number, for a fast table lookup.
const fn zone_key(w: &[u8]) -> u32 {
    let mut k = 0u32;
    let mut i = 0;
    while i < w.len() && i < 4 {
        k = (k << 8) | w[i] as u32;
        i += 1;
    }
    k
}

/// [`ZONE_ABBREVIATIONS`]' names as [`zone_key`]s, in the same order.
const ZONE_KEYS: [u32; ZONE_ABBREVIATIONS.len()] = {
    let mut keys = [0u32; ZONE_ABBREVIATIONS.len()];
    let mut i = 0;
    while i < keys.len() {
        keys[i] = zone_key(ZONE_ABBREVIATIONS[i].0.as_bytes());
        i += 1;
    }
    keys
};

/// IANA areas: a word after a time that starts with one of these and a `/` is tried as a zone
/// name (`Europe/Paris`).
const IANA_AREAS: [&[u8]; 11] = [
    b"Africa/",
    b"America/",
    b"Antarctica/",
    b"Arctic/",
    b"Asia/",
    b"Atlantic/",
    b"Australia/",
    b"Etc/",
    b"Europe/",
    b"Indian/",
    b"Pacific/",
];

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

/// A zone a timestamp names itself.
#[derive(Clone, Debug)]
enum Zone {
    /// Seconds east of UTC.
    Fixed(i64),
    /// An IANA name after the time (`Europe/Paris`): its offset depends on the date.
    Named(jiff::tz::TimeZone),
}

/// Whether `b` (the byte after a zone word, `None` at the end) ends that word.
fn ends_zone_word(b: Option<u8>) -> bool {
    matches!(
        b,
        None | Some(b' ' | b'\t' | b',' | b';' | b'|' | b']' | b'}' | b')' | b'"' | b'\'')
    )
}

/// A sign and hours, then optional minutes (`+01`, `+0100`, `+01:00`; `+1`, `-5:30` when
/// `short` allows a one-digit hour). `None` when the sign starts no offset (nothing consumed),
/// `Some(None)` when the numbers are out of range.
#[inline]
fn signed_offset(c: &mut Cur, short: bool) -> Option<Option<i64>> {
    let save = c.i;
    let sign = c.eat_any(b"+-")?;
    let h = if short { c.num_upto(2) } else { c.num(2) };
    let Some(h) = h else {
        c.i = save;
        return None;
    };
    let before_minutes = c.i;
    c.eat(b':');
    let m = match c.num(2) {
        Some(m) => m,
        None => {
            c.i = before_minutes;
            0
        }
    };
    if h > 23 || m > 59 {
        return Some(None);
    }
    let off = (h * 3600 + m * 60) as i64;
    Some(Some(if sign == b'-' { -off } else { off }))
}

/// The zone after a time: `Z`, `UTC`, `GMT`, `UTC+2`, `GMT+01:00`, `+01`, `+0100`, `+01:00`, an
/// abbreviation of [`ZONE_ABBREVIATIONS`], an IANA name. `Some(None)` when there is none
/// (nothing consumed), `None` when an offset is malformed.
fn offset(c: &mut Cur) -> Option<Option<Zone>> {
    let save = c.i;
    c.skip_spaces();
    let alnum_at = |c: &Cur, k: usize| c.b.get(c.i + k).is_some_and(u8::is_ascii_alphanumeric);
    match c.peek() {
        Some(b'Z' | b'z') if !alnum_at(c, 1) => {
            c.i += 1;
            return Some(Some(Zone::Fixed(0)));
        }
        Some(b'+' | b'-') => {
            return match signed_offset(c, false) {
                // `12:00:00 - INFO`: a separator, not an offset.
                None => {
                    c.i = save;
                    Some(None)
                }
                Some(o) => Some(Some(Zone::Fixed(o?))),
            };
        }
        Some(b'A'..=b'Z') => {
            let r = c.rest();
            if (r.starts_with(b"UTC") || r.starts_with(b"GMT")) && !alnum_at(c, 3) {
                c.i += 3;
                // `GMT+01:00`, `UTC+2`; a sign that starts no offset (`GMT-x`) is GMT, UTC.
                return match signed_offset(c, true) {
                    None => Some(Some(Zone::Fixed(0))),
                    Some(o) => Some(Some(Zone::Fixed(o?))),
                };
            }
            if let Some((zone, len)) = zone_word(r) {
                c.i += len;
                return Some(Some(zone));
            }
        }
        _ => {}
    }
    c.i = save;
    Some(None)
}

/// An abbreviation or IANA zone name at the start of `r` (which starts with an uppercase
/// letter), and its length.
fn zone_word(r: &[u8]) -> Option<(Zone, usize)> {
    let upper = |k: usize| r.get(k).is_some_and(u8::is_ascii_uppercase);
    // Three or four capitals (a longer word, `ERROR`, is let go at its fifth), ending in T, but
    // MSK and WIB: a level (`INFO`, `WARN`) costs no lookup.
    let n = match (upper(1), upper(2), upper(3)) {
        (true, true, false) => 3,
        (true, true, true) if !upper(4) => 4,
        (false, _, _) => 1,
        _ => return None,
    };
    if n > 1 {
        if !matches!(r[n - 1], b'T' | b'K' | b'B') || !ends_zone_word(r.get(n).copied()) {
            return None;
        }
        let key = zone_key(&r[..n]);
        let i = ZONE_KEYS.iter().position(|&k| k == key)?;
        return Some((Zone::Fixed(ZONE_ABBREVIATIONS[i].1 as i64), n));
    }
    // `Europe/Paris`: one capital, then lowercase.
    if IANA_AREAS.iter().any(|a| r.starts_with(a)) {
        let n = r
            .iter()
            .take(40)
            .take_while(|&&b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'_' | b'-' | b'+'))
            .count();
        if !ends_zone_word(r.get(n).copied()) {
            return None;
        }
        let name = std::str::from_utf8(&r[..n]).ok()?;
        let tz = jiff::tz::TimeZone::get(name).ok()?;
        return Some((Zone::Named(tz), n));
    }
    None
}

/// Seconds east of UTC that `tz` is at `t`.
fn offset_at(tz: &jiff::tz::TimeZone, t: Timestamp) -> i64 {
    jiff::Timestamp::from_second(t.0.div_euclid(1_000_000_000))
        .map(|ts| tz.to_offset(ts).seconds() as i64)
        .unwrap_or(0)
}

struct Parts {
    y: i64,
    mo: u32,
    d: u32,
    h: u32,
    mi: u32,
    s: u32,
    ns: u32,
    off: Option<Zone>,
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

/// The instant (seconds) of `p`'s local fields in `tz`; a leap second reads as :59.
fn civil_in(tz: &jiff::tz::TimeZone, p: &Parts) -> Option<i64> {
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
    Some(tz.to_timestamp(dt).ok()?.as_second())
}

/// Whether the byte after a digit-first timestamp ends it: a digit right after it means the
/// digits were part of a longer number (`2026-11-281`, `2026-11-28 22:00:00123`).
fn ends_digit_run(b: &[u8], used: usize) -> bool {
    !b.get(used).is_some_and(u8::is_ascii_digit)
}

/// Whether the byte after a time of day alone ends its token: the end, a space, a tab, one of
/// `]|,;`, or `-` then a space.
fn ends_time_of_day(b: &[u8], used: usize) -> bool {
    match b.get(used) {
        None | Some(b' ' | b'\t' | b']' | b'|' | b',' | b';') => true,
        Some(b'-') => matches!(b.get(used + 1), Some(b' ')),
        _ => false,
    }
}

impl TimeContext {
    /// A copy that accepts any time, however far from the rest of the file: a caller can tell
    /// a timestamp `plausible` rejected from one that is not there.
    pub fn without_plausibility(&self) -> TimeContext {
        TimeContext {
            plausible: None,
            ..self.clone()
        }
    }

    /// `ts`, unless `plausible` is set and `ts` is outside it.
    fn plausible(&self, ts: Timestamp) -> Option<Timestamp> {
        match self.plausible {
            Some((lo, hi)) if ts < lo || ts > hi => None,
            _ => Some(ts),
        }
    }

    /// The instant of `p` (its year filled in, or stepped back, when it had none).
    fn finish(&self, p: &mut Parts) -> Option<Timestamp> {
        if !p.year_known {
            p.y = self.year_hint as i64;
        }
        if !valid(p) {
            return None;
        }
        let local_secs = days_from_civil(p.y, p.mo, p.d) * 86_400
            + (p.h as i64) * 3600
            + (p.mi as i64) * 60
            + p.s as i64;
        let secs = match (&p.off, &self.tz) {
            (Some(Zone::Fixed(off)), _) => local_secs - off,
            (Some(Zone::Named(tz)), _) | (None, Some(tz)) => civil_in(tz, p)?,
            (None, None) => local_secs,
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
        if let Some(r) = self.parse_fast(s) {
            return r;
        }
        self.parse_general(s)
    }

    /// The commonest shapes alone, `YYYY-MM-DD[ T]HH:MM:SS`, then `.` or `,` and 1 to 9 digits
    /// or nothing, then `Z`, `+HH:MM`, `+HHMM` (or `-`) or nothing, and nothing else:
    /// `Some(what parse_general gives)`, or `None` when the string is not of that shape or is
    /// out of range (the general path then tries its other readings).
    #[inline]
    fn parse_fast(&self, s: &str) -> Option<Option<Timestamp>> {
        let b = s.as_bytes();
        if b.len() < 19 {
            return None;
        }
        let two = |i: usize| -> Option<u32> {
            let (x, y) = (b[i].wrapping_sub(b'0'), b[i + 1].wrapping_sub(b'0'));
            (x < 10 && y < 10).then_some(x as u32 * 10 + y as u32)
        };
        if b[4] != b'-'
            || b[7] != b'-'
            || !matches!(b[10], b'T' | b' ')
            || b[13] != b':'
            || b[16] != b':'
        {
            return None;
        }
        let y = two(0)? * 100 + two(2)?;
        let (mo, d, h, mi, sec) = (two(5)?, two(8)?, two(11)?, two(14)?, two(17)?);
        let mut i = 19;
        let mut ns = 0;
        if matches!(b.get(i), Some(b'.' | b',')) {
            i += 1;
            let start = i;
            while i < b.len() && i - start < 9 && b[i].is_ascii_digit() {
                ns = ns * 10 + (b[i] - b'0') as u32;
                i += 1;
            }
            let n = (i - start) as u32;
            // No digit, or a tenth: the general path.
            if n == 0 || b.get(i).is_some_and(u8::is_ascii_digit) {
                return None;
            }
            ns *= 10u32.pow(9 - n);
        }
        let off = match b.get(i) {
            None => None,
            Some(b'Z' | b'z') if i + 1 == b.len() => Some(0),
            Some(&sign @ (b'+' | b'-')) => {
                let (oh, om) = match b.len() - i {
                    5 => (two(i + 1)?, two(i + 3)?),
                    6 if b[i + 3] == b':' => (two(i + 1)?, two(i + 4)?),
                    _ => return None,
                };
                if oh > 23 || om > 59 {
                    return None;
                }
                let o = (oh * 3600 + om * 60) as i64;
                Some(if sign == b'-' { -o } else { o })
            }
            _ => return None,
        };
        if off.is_none() && self.tz.is_some() {
            // Naive in a named zone: `finish` reads it there (gaps, folds).
            let mut p = Parts {
                y: y as i64,
                mo,
                d,
                h,
                mi,
                s: sec,
                ns,
                off: None,
                year_known: true,
            };
            let ts = self.finish(&mut p)?;
            return Some(self.plausible(ts));
        }
        // `finish` for a fixed offset (or UTC) and a known year.
        if !((1..=12).contains(&mo)
            && (1..=31).contains(&d)
            && h < 24
            && mi < 60
            && sec <= 60
            && (1900..=2200).contains(&y))
        {
            return None;
        }
        let secs = days_from_civil(y as i64, mo, d) * 86_400 + (h * 3600 + mi * 60 + sec) as i64
            - off.unwrap_or(0);
        let ts = in_range(Timestamp(secs * 1_000_000_000 + ns as i64))?;
        Some(self.plausible(ts))
    }

    /// [`Self::parse`] without its fast path for the commonest shapes: every shape, by the
    /// general readers (kept callable to check the fast path against).
    pub fn parse_general(&self, s: &str) -> Option<Timestamp> {
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
        let (ts, used) = self.any_prefix(s)?;
        Some((self.plausible(ts)?, used))
    }

    /// [`Self::parse_prefix`] before the plausibility check.
    fn any_prefix(&self, s: &str) -> Option<(Timestamp, usize)> {
        let b = s.as_bytes();
        let first = *b.first()?;
        if first.is_ascii_digit() {
            if let Some(r) = self.iso_like(s) {
                return ends_digit_run(b, r.1).then_some(r);
            }
            if let Some(r) = self.numeric_other(s) {
                return ends_digit_run(b, r.1).then_some(r);
            }
            if let Some(r) = self.epoch(s) {
                return Some(r);
            }
            // Last: it costs the shapes above nothing.
            return self.time_of_day(s, self.day.as_ref()?);
        }
        if first.is_ascii_alphabetic() {
            return self.named_month(s);
        }
        None
    }

    /// `16:42:22`, `16:42:22.382`, `16:42:22,382Z`, `16:42:22 +02:00`, `16:42:22 CEST`: a time of
    /// day alone (two-digit hour; `6:42:22` could be a duration), dated by `anchor` (see
    /// [`DayAnchor`]). It must end its token (see [`ends_time_of_day`]).
    fn time_of_day(&self, s: &str, anchor: &DayAnchor) -> Option<(Timestamp, usize)> {
        let mut c = Cur::new(s);
        let h = c.num(2)?;
        c.eat(b':').then_some(())?;
        let mi = c.num(2)?;
        c.eat(b':').then_some(())?;
        let sec = c.num(2)?;
        let ns = c.fraction(b".,");
        let off = offset(&mut c)?;
        if !ends_time_of_day(c.b, c.i) {
            return None;
        }
        let (DayAnchor::Near(t) | DayAnchor::After(t) | DayAnchor::Before(t)) = *anchor;
        // The anchor's local date, in the zone the time of day is read in.
        let local_off = match (&off, &self.tz) {
            (Some(Zone::Fixed(o)), _) => *o,
            (Some(Zone::Named(tz)), _) | (None, Some(tz)) => offset_at(tz, t),
            (None, None) => 0,
        };
        let day = (t.0.div_euclid(1_000_000_000) + local_off).div_euclid(86_400);
        let hour = 3_600 * 1_000_000_000;
        let mut best: Option<Timestamp> = None;
        let mut p = Parts {
            y: 0,
            mo: 0,
            d: 0,
            h,
            mi,
            s: sec,
            ns,
            off,
            year_known: true,
        };
        for dd in -1..=1 {
            (p.y, p.mo, p.d) = civil_from_days(day + dd);
            let Some(ts) = self.finish(&mut p) else {
                continue;
            };
            best = match (*anchor, best) {
                (_, None) => Some(ts),
                (DayAnchor::Near(t), Some(b)) => Some(if ts.0.abs_diff(t.0) < b.0.abs_diff(t.0) {
                    ts
                } else {
                    b
                }),
                // Candidates come in order: keep the first at or after t - 1h.
                (DayAnchor::After(t), Some(b)) => Some(if b.0 < t.0 - hour { ts } else { b }),
                // Keep the last at or before t + 1h.
                (DayAnchor::Before(t), Some(b)) => Some(if ts.0 <= t.0 + hour { ts } else { b }),
            };
        }
        let ts = best?;
        let ok = match *anchor {
            DayAnchor::Near(_) => true,
            DayAnchor::After(t) => ts.0 >= t.0 - hour,
            DayAnchor::Before(t) => ts.0 <= t.0 + hour,
        };
        ok.then_some((ts, c.i))
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
            if compact || c.peek().is_some_and(|b| b.is_ascii_alphanumeric()) {
                return None;
            }
            p.off = Some(Zone::Fixed(0));
        }
        let used = c.i;
        Some((self.finish(&mut p)?, used))
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
                    let mut p = Parts {
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
                    return Some((self.finish(&mut p)?, c.i));
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
                let mut p = Parts {
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
                return Some((self.finish(&mut p)?, c.i));
            }
        }
        let mut c = Cur::new(s);
        // yyMMdd HHmmss
        if let Some(ymd) = c.num(6) {
            if c.eat(b' ') {
                if let Some(hms) = c.num(6) {
                    if matches!(c.peek(), None | Some(b' ')) {
                        let mut p = Parts {
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
                        return Some((self.finish(&mut p)?, c.i));
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
        let mut p = Parts {
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
        Some((self.finish(&mut p)?, c.i))
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
        let mut p = Parts {
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
        Some((self.finish(&mut p)?, c.i))
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
        // Digits glued to more of a token are an id, not a time: `263456789abcdef0` (hex),
        // `1700000000abc`, `123456789012-...` (an account id), `1700000000_2`, `1700000000.1.2`.
        match b.get(i) {
            Some(&c) if c.is_ascii_alphanumeric() || c == b'_' || c == b'-' => return None,
            Some(b'.') if b.get(i + 1).is_some_and(u8::is_ascii_digit) => return None,
            _ => {}
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
        self.plausible(epoch_to_ts(int, frac)?)
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
            ..Default::default()
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
            year_hint: 2027,
            reference,
            ..Default::default()
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

    fn at(s: &str) -> Timestamp {
        TimeContext::default().parse(s).unwrap()
    }

    fn rfc(t: Option<Timestamp>) -> Option<String> {
        t.map(|t| t.to_rfc3339())
    }

    fn paris() -> Option<jiff::tz::TimeZone> {
        Some(jiff::tz::TimeZone::get("Europe/Paris").unwrap())
    }

    /// A zone abbreviation after the time is its offset: the `date` command's default output,
    /// PostgreSQL's `%m`, nginx with a named zone.
    #[test]
    fn zone_abbreviations_after_the_time() {
        let cases: &[(&str, &str)] = &[
            ("Wed May 19 08:00:01 EST 2021", "2021-05-19T13:00:01.000Z"),
            ("2023-08-29 13:47:38.984 CEST", "2023-08-29T11:47:38.984Z"),
            ("2023-08-29 13:47:38 PDT", "2023-08-29T20:47:38.000Z"),
            ("2023-08-29T13:47:38 IST", "2023-08-29T08:17:38.000Z"),
            (
                "Sat Nov 28 22:00:00.123 UTC 2026",
                "2026-11-28T22:00:00.123Z",
            ),
            ("Nov 28 22:00:00 2026 NZDT", "2026-11-28T09:00:00.000Z"),
            ("28/Nov/2026:23:00:12 CET", "2026-11-28T22:00:12.000Z"),
            ("17/06/09 20:10:40 JST", "2017-06-09T11:10:40.000Z"),
            ("2026-11-28 22:00:00 UTC+2", "2026-11-28T20:00:00.000Z"),
            ("2026-11-28 22:00:00 UTC-5:30", "2026-11-29T03:30:00.000Z"),
            ("2026-11-28 22:00:00 GMT+01:00", "2026-11-28T21:00:00.000Z"),
            ("2026-11-28 22:00:00 GMT+0100", "2026-11-28T21:00:00.000Z"),
            (
                "2023-08-29 13:47:38 Europe/Paris",
                "2023-08-29T11:47:38.000Z",
            ),
            (
                "2023-01-29 13:47:38 Europe/Paris",
                "2023-01-29T12:47:38.000Z",
            ),
            (
                "2023-08-29 13:47:38 America/New_York",
                "2023-08-29T17:47:38.000Z",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(utc(input).as_deref(), Some(*want), "input {input:?}");
        }
        // Each abbreviation of the table, once; the zone wins over --tz.
        let ctx = TimeContext {
            tz: paris(),
            ..Default::default()
        };
        let noon = at("2026-01-15T12:00:00Z");
        let extra = [("UTC", 0), ("GMT", 0), ("Z", 0)];
        for &(name, off) in ZONE_ABBREVIATIONS.iter().chain(extra.iter()) {
            let want = Timestamp(noon.0 - off as i64 * 1_000_000_000);
            let text = format!("2026-01-15 12:00:00 {name}");
            assert_eq!(ctx.parse(&text), Some(want), "{text}");
            let (ts, used) = ctx.parse_prefix(&format!("{text} [42] msg")).unwrap();
            assert_eq!((ts, used), (want, text.len()), "{text}");
        }
    }

    /// The lookup's shortcut (the last letter) and keys hold for every name in the table.
    #[test]
    fn zone_table_is_well_formed() {
        for (i, &(name, off)) in ZONE_ABBREVIATIONS.iter().enumerate() {
            assert!((3..=4).contains(&name.len()), "{name}");
            assert!(name.bytes().all(|b| b.is_ascii_uppercase()), "{name}");
            assert!(matches!(
                name.as_bytes()[name.len() - 1],
                b'T' | b'K' | b'B'
            ));
            assert_eq!(ZONE_KEYS.iter().position(|&k| k == ZONE_KEYS[i]), Some(i));
            assert!(off.abs() <= 14 * H && off % 1800 == 0, "{name}");
        }
    }

    /// Only a whole uppercase word is a zone: a host `AST-01` or a word `ESTIMATE` after a
    /// syslog time is not, and the time stays naive.
    #[test]
    fn zone_abbreviation_only_as_a_whole_word() {
        let ctx = TimeContext {
            year_hint: 2026,
            ..Default::default()
        };
        for (line, used) in [
            ("Nov 28 22:00:01 AST-01 sshd[1]: hi", 15),
            ("Nov 28 22:00:01 ESTIMATE done", 15),
            ("Nov 28 22:00:01 est done", 15),
            ("2026-11-28 22:00:01 CESTX", 19),
            ("2026-11-28 22:00:01 EST:", 19),
            ("2026-11-28 22:00:01 Europe/Nowhere x", 19),
        ] {
            let (ts, n) = ctx.parse_prefix(line).unwrap();
            assert_eq!(ts.to_rfc3339(), "2026-11-28T22:00:01.000Z", "{line}");
            assert_eq!(n, used, "{line}");
        }
        assert_eq!(ctx.parse("2026-11-28 22:00:01 ESTX"), None);
    }

    /// A 32-hex trace id whose first 9-10 characters are digits read as an epoch time (1978,
    /// 2117): digits glued to more of a token are never an epoch.
    #[test]
    fn digits_inside_a_longer_token_are_no_epoch() {
        let ctx = TimeContext::default();
        for s in [
            "263456789abcdef0263456789abcdef0",
            "4117000000abcdef0123456789abcdef",
            "1700000000abc",
            "1700000000.5abc",
            "1700000000.1.2",
            "1700000000_2",
            "123456789012-3456-7890",
            "1234567890-1234-1234-1234-123456789012",
            "12345678-1234-1234-1234-123456789012",
            "1700000000123x",
        ] {
            assert_eq!(ctx.parse_prefix(s), None, "{s:?}");
        }
        for (s, want, used) in [
            ("1700000000", "2023-11-14T22:13:20.000Z", 10),
            ("1700000000.123", "2023-11-14T22:13:20.123Z", 14),
            ("1700000000123", "2023-11-14T22:13:20.123Z", 13),
            ("1700000000 INFO x", "2023-11-14T22:13:20.000Z", 10),
            ("1700000000, x", "2023-11-14T22:13:20.000Z", 10),
            ("1700000000] x", "2023-11-14T22:13:20.000Z", 10),
            ("1700000000\" x", "2023-11-14T22:13:20.000Z", 10),
            ("1700000000|x", "2023-11-14T22:13:20.000Z", 10),
            ("1700000000: x", "2023-11-14T22:13:20.000Z", 10),
        ] {
            let (ts, n) = ctx.parse_prefix(s).unwrap();
            assert_eq!((ts.to_rfc3339().as_str(), n), (want, used), "{s:?}");
        }
    }

    /// The same for dates and times: a date or time whose last digits run on into more digits
    /// is part of a longer number.
    #[test]
    fn dates_inside_a_longer_digit_run_are_no_time() {
        let ctx = TimeContext::default();
        for s in [
            "2026-11-281",
            "2026-11-28x",
            "2026-11-28 22:00:00123 x",
            "2026-11-28T22:00:00+01001",
            "17/06/09 20:10:401",
            "20171223153045x",
            "2017122345-22:15:29",
        ] {
            assert_eq!(ctx.parse_prefix(s), None, "{s:?}");
        }
        assert_eq!(
            rfc(ctx.parse_prefix("2026-11-28 22:00:00 123").map(|r| r.0)).as_deref(),
            Some("2026-11-28T22:00:00.000Z")
        );
    }

    fn tod(day: DayAnchor, tz: Option<jiff::tz::TimeZone>, s: &str) -> Option<String> {
        let ctx = TimeContext {
            tz,
            day: Some(day),
            ..Default::default()
        };
        rfc(ctx.parse(s))
    }

    /// A time of day alone needs a day anchor; without one it is no timestamp, as before.
    #[test]
    fn time_of_day_needs_an_anchor() {
        let ctx = TimeContext::default();
        assert_eq!(ctx.parse("16:42:22.382"), None);
        assert_eq!(ctx.parse_prefix("16:42:22 INFO x"), None);
    }

    /// Rollover past midnight, stateless: each anchor picks the day a time of day belongs to.
    #[test]
    fn time_of_day_rolls_over_midnight() {
        use DayAnchor::*;
        let mtime = Before(at("2026-11-29T00:10:00Z"));
        for (s, want) in [
            ("23:50:00", "2026-11-28T23:50:00.000Z"),
            ("00:05:00.250", "2026-11-29T00:05:00.250Z"),
            ("01:05:00", "2026-11-29T01:05:00.000Z"),
            ("01:15:00", "2026-11-28T01:15:00.000Z"),
        ] {
            assert_eq!(tod(mtime, None, s).as_deref(), Some(want), "Before {s}");
        }
        let start = After(at("2026-11-28T23:50:00Z"));
        for (s, want) in [
            ("23:50:00", "2026-11-28T23:50:00.000Z"),
            ("00:10:00", "2026-11-29T00:10:00.000Z"),
            ("23:00:00", "2026-11-28T23:00:00.000Z"),
            ("22:00:00", "2026-11-29T22:00:00.000Z"),
        ] {
            assert_eq!(tod(start, None, s).as_deref(), Some(want), "After {s}");
        }
        let wrapper = Near(at("2026-11-29T00:00:01Z"));
        for (s, want) in [
            ("23:59:59,5", "2026-11-28T23:59:59.500Z"),
            ("00:00:00.382", "2026-11-29T00:00:00.382Z"),
            ("12:00:02", "2026-11-28T12:00:02.000Z"),
            ("11:59:59", "2026-11-29T11:59:59.000Z"),
        ] {
            assert_eq!(tod(wrapper, None, s).as_deref(), Some(want), "Near {s}");
        }
    }

    /// `--tz Europe/Paris` in summer (+02:00): the time of day is Paris time, on the anchor's
    /// Paris date (01:29 on the 16th in Paris is still the 15th in UTC).
    #[test]
    fn time_of_day_in_a_named_zone() {
        use DayAnchor::*;
        let noon = Before(at("2026-07-15T10:00:00Z"));
        assert_eq!(
            tod(noon, paris(), "11:30:00").as_deref(),
            Some("2026-07-15T09:30:00.000Z")
        );
        assert_eq!(
            tod(noon, paris(), "23:30:00").as_deref(),
            Some("2026-07-14T21:30:00.000Z")
        );
        let late = Near(at("2026-07-15T23:30:00Z"));
        assert_eq!(
            tod(late, paris(), "01:29:00").as_deref(),
            Some("2026-07-15T23:29:00.000Z")
        );
        // The spring-forward gap (02:30 does not exist on 2026-03-29 in Paris) reads as 03:30.
        let dst = Before(at("2026-03-29T12:00:00Z"));
        assert_eq!(
            tod(dst, paris(), "02:30:00").as_deref(),
            Some("2026-03-29T01:30:00.000Z")
        );
    }

    /// A time of day with its own offset or zone is read in it, whatever `--tz` says.
    #[test]
    fn time_of_day_with_its_own_offset() {
        let near = DayAnchor::Near(at("2026-11-28T14:42:00Z"));
        for s in [
            "16:42:22+02:00",
            "16:42:22 +0200",
            "16:42:22 EET",
            "14:42:22Z",
            "14:42:22 UTC",
            "17:42:22 Europe/Moscow",
        ] {
            assert_eq!(
                tod(near, paris(), s).as_deref(),
                Some("2026-11-28T14:42:22.000Z"),
                "{s}"
            );
        }
        // The offset moves the date too: 01:00+05:00 near 20:00Z is 20:00Z on the same day.
        let evening = DayAnchor::Near(at("2026-11-28T20:10:00Z"));
        assert_eq!(
            tod(evening, None, "01:00:00+05:00").as_deref(),
            Some("2026-11-28T20:00:00.000Z")
        );
    }

    /// A time of day must end its token; a one-digit hour or more fields are something else.
    #[test]
    fn time_of_day_ends_its_token() {
        let ctx = TimeContext {
            day: Some(DayAnchor::Near(at("2026-11-28T16:00:00Z"))),
            ..Default::default()
        };
        for (line, used) in [
            ("16:42:22 INFO x", 8),
            ("16:42:22.382 INFO x", 12),
            ("16:42:22,382] x", 12),
            ("16:42:22|x", 8),
            ("16:42:22; x", 8),
            ("16:42:22, x", 8),
            ("16:42:22 - x", 8),
            ("16:42:22- x", 8),
            ("16:42:22\tx", 8),
        ] {
            let (ts, n) = ctx.parse_prefix(line).unwrap();
            assert_eq!(n, used, "{line:?}");
            assert_eq!(
                ts.0 % 1_000_000_000 / 1_000_000,
                if line.contains("382") { 382 } else { 0 }
            );
            assert_eq!(
                ts.0.div_euclid(1_000_000_000),
                at("2026-11-28T16:42:22Z").0 / 1_000_000_000
            );
        }
        for s in [
            "16:42:22x",
            "16:42:22-x",
            "16:42:22:11",
            "16:42:2",
            "6:42:22",
            "16:42",
            "24:00:00",
            "16:60:00",
            "16:42:22.",
        ] {
            assert_eq!(ctx.parse_prefix(s), None, "{s:?}");
        }
    }

    /// `plausible` refuses a time outside its range at every entry point; the same context
    /// without it still reads it, so a caller can tell "rejected" from "absent".
    #[test]
    fn plausibility_rejects_times_far_from_the_file() {
        let ctx = TimeContext {
            plausible: Some((at("2026-01-01T00:00:00Z"), at("2026-12-31T23:59:59Z"))),
            ..Default::default()
        };
        assert_eq!(
            rfc(ctx.parse("2026-11-28T22:00:00Z")).as_deref(),
            Some("2026-11-28T22:00:00.000Z")
        );
        assert!(ctx.parse("2026-01-01T00:00:00Z").is_some());
        assert!(ctx.parse("2026-12-31T23:59:59Z").is_some());
        assert_eq!(ctx.parse("2027-01-01T00:00:00Z"), None);
        assert_eq!(ctx.parse("1978-05-08 10:00:00"), None);
        assert_eq!(ctx.parse_prefix("263456789 x"), None);
        assert_eq!(ctx.from_number(1_700_000_000.0), None);
        assert_eq!(
            rfc(ctx.from_number(1_795_903_201.0)).as_deref(),
            Some("2026-11-28T22:00:01.000Z")
        );
        let any = ctx.without_plausibility();
        assert_eq!(any.plausible, None);
        assert_eq!(
            any.parse_prefix("263456789 x")
                .map(|(t, n)| (t.to_rfc3339(), n)),
            Some(("1978-05-08T06:26:29.000Z".to_string(), 9))
        );
        assert_eq!(
            rfc(any.from_number(1_700_000_000.0)).as_deref(),
            Some("2023-11-14T22:13:20.000Z")
        );
        // A time of day is checked too.
        let tod = TimeContext {
            day: Some(DayAnchor::Near(at("2027-01-01T00:00:10Z"))),
            ..ctx.clone()
        };
        assert_eq!(tod.parse("00:00:05"), None);
        assert_eq!(
            rfc(tod.parse("23:59:50")).as_deref(),
            Some("2026-12-31T23:59:50.000Z")
        );
    }

    /// The fast path of `parse` gives exactly what the general path gives, for every shape it
    /// takes and its near misses (bad dates and offsets, a tenth fraction digit, other
    /// separators, junk around it), under a plain, a zoned, a plausible and an anchored context.
    #[test]
    fn fast_path_agrees_with_the_general_path() {
        let paris = paris();
        let anchor = at("2026-03-29T01:30:00Z");
        let near = (Timestamp(anchor.0 - 86_400 * 1_000_000_000), anchor);
        let contexts = [
            TimeContext::default(),
            TimeContext {
                tz: paris.clone(),
                ..Default::default()
            },
            TimeContext {
                plausible: Some(near),
                ..Default::default()
            },
            TimeContext {
                tz: paris.clone(),
                day: Some(DayAnchor::Near(anchor)),
                plausible: Some(near),
                ..Default::default()
            },
            TimeContext {
                year_hint: 2027,
                reference: Some(anchor),
                day: Some(DayAnchor::After(anchor)),
                ..Default::default()
            },
        ];
        let years = [
            "0000", "1899", "1900", "1969", "1970", "2000", "2024", "2026", "2100", "2200", "2201",
            "9999",
        ];
        let dates = [
            "01-01", "00-10", "13-01", "99-99", "02-28", "02-29", "02-30", "02-31", "04-31",
            "12-31", "12-32", "01-00", "03-29", "10-25", "1-01", "01-1x",
        ];
        let times = [
            "00:00:00", "23:59:59", "23:59:60", "23:59:61", "24:00:00", "12:60:00", "02:30:00",
            "02:59:59", "03:00:00", "1:00:00", "12:3a:00",
        ];
        let fracs = [
            "",
            ".",
            ",",
            ".1",
            ",123",
            ".000",
            ".123456",
            ".999999999",
            ".1234567890",
            ":123",
            ".12a",
        ];
        let zones = [
            "", "Z", "z", "+01:00", "-01:00", "+0100", "-0530", "+05:30", "+23:59", "+24:00",
            "+00:60", "+01", "+01:", "+1:00", "+01:0", "+01000", " Z", "Zx", "ZZ", " +01:00",
            " GMT", "UTC", " CEST", "-", "+ab:cd",
        ];
        let around = [
            ("", ""),
            ("", " "),
            (" ", ""),
            ("[", "]"),
            ("", "x"),
            ("", "0"),
            ("", "\u{e9}"),
        ];
        let mut fast = 0;
        let mut check = |s: &str| {
            for ctx in &contexts {
                let r = ctx.parse(s);
                assert_eq!(r, ctx.parse_general(s), "{s:?} under {ctx:?}");
                if ctx.parse_fast(s).is_some() {
                    fast += 1;
                }
            }
        };
        for y in years {
            for d in dates {
                for t in times {
                    for sep in ["T", " ", "t", "_"] {
                        check(&format!("{y}-{d}{sep}{t}"));
                    }
                    check(&format!("{y}-{d}T{t}.5Z"));
                    check(&format!("{y}-{d} {t},25+01:00"));
                }
            }
        }
        for y in ["1900", "2026", "2200"] {
            for d in ["01-01", "02-30", "03-29", "10-25", "12-31"] {
                for t in [
                    "00:00:00", "00:30:00", "02:30:00", "23:30:00", "23:59:60", "24:00:00",
                ] {
                    for f in fracs {
                        for z in zones {
                            for (pre, post) in around {
                                check(&format!("{pre}{y}-{d}T{t}{f}{z}{post}"));
                            }
                        }
                    }
                }
            }
        }
        // The fast path took a good share of them (not all fell through).
        assert!(fast > 10_000, "{fast}");
    }
}
