//! Timestamp parsing: whole strings, prefixes, and epoch numbers, read with and without a year
//! hint, a reference time (year roll-back) and a named time zone (DST gaps and folds).
//!
//! Properties checked, for every timestamp any of them produces, under every context:
//! - it round-trips through the format casefile writes: `parse(ts.to_rfc3339()) == Some(ts)`
//!   (the event contract's `ts` is RFC 3339 with `Z`, which casefile must read back as it is,
//!   whatever the zone and year hint);
//! - `parse_prefix`'s length is inside the string, on a char boundary, not zero, and
//!   self-contained: the prefix it used, read on its own, gives the same instant and length;
//! - `parse(s)` of a string with nothing around the timestamp agrees with `parse_prefix(s)`.
#![no_main]

use std::sync::OnceLock;

use casefile::model::{days_from_civil, Timestamp};
use casefile::parse::TimeContext;
use libfuzzer_sys::fuzz_target;

fn contexts() -> &'static [TimeContext] {
    static C: OnceLock<Vec<TimeContext>> = OnceLock::new();
    C.get_or_init(|| {
        let paris = jiff::tz::TimeZone::get("Europe/Paris").expect("tz database");
        let jan_2027 = Some(Timestamp::from_secs(1_798_761_600 + 86_400)); // 2027-01-02
        vec![
            TimeContext::default(),
            TimeContext {
                tz: None,
                year_hint: 2027,
                reference: jan_2027,
                ..TimeContext::default()
            },
            TimeContext {
                tz: Some(paris.clone()),
                year_hint: 1970,
                reference: None,
                ..TimeContext::default()
            },
            TimeContext {
                tz: Some(paris),
                year_hint: 2027,
                reference: jan_2027,
                ..TimeContext::default()
            },
        ]
    })
}

/// Checks of known bugs (fuzz/README.md, "Known bugs") fail the run like any other, unless
/// `CASEFILE_FUZZ_ALLOW_KNOWN_BUGS` is set: then the fuzzer is let past them to look further.
fn allow_known_bugs() -> bool {
    static A: OnceLock<bool> = OnceLock::new();
    *A.get_or_init(|| std::env::var_os("CASEFILE_FUZZ_ALLOW_KNOWN_BUGS").is_some())
}

/// Known bug 1: the text parser reads years 1900-2200 only (checked on the local fields, before
/// the offset or zone), while epoch numbers give instants up to 2262 (nanoseconds; a huge float
/// saturates to `i64::MAX`) or 5138 (seconds), and an offset moves 1900-01-01 / 2200-12-31
/// across the edge: casefile writes a `ts` it cannot read back.
fn outside_text_range(ts: Timestamp) -> bool {
    let lo = Timestamp::from_secs(days_from_civil(1900, 1, 1) * 86_400);
    let hi = Timestamp::from_secs(days_from_civil(2201, 1, 1) * 86_400);
    ts < lo || ts >= hi
}

/// `parse(format(t)) == t` under every context: RFC 3339 with `Z` says everything itself.
fn round_trips(ts: Timestamp, from: &str) {
    if allow_known_bugs() && outside_text_range(ts) {
        return;
    }
    let text = ts.to_rfc3339();
    for ctx in contexts() {
        assert_eq!(
            ctx.parse(&text),
            Some(ts),
            "{from:?} gave {ts:?}, written {text:?}, which does not read back (ctx {ctx:?})"
        );
    }
}

fuzz_target!(|bytes: &[u8]| {
    let s = String::from_utf8_lossy(bytes);
    // An f64 from the raw bits (NaN, infinities, subnormals, huge values) and from the text.
    let mut raw = [0u8; 8];
    let n = bytes.len().min(8);
    raw[..n].copy_from_slice(&bytes[..n]);
    let numbers = [
        f64::from_le_bytes(raw),
        s.trim().parse::<f64>().unwrap_or(0.0),
    ];

    for ctx in contexts() {
        let whole = ctx.parse(&s);
        if let Some((ts, used)) = ctx.parse_prefix(&s) {
            assert!(used <= s.len(), "prefix length {used} past the end");
            assert!(used > 0, "a timestamp of no bytes in {s:?}");
            assert!(s.is_char_boundary(used));
            // The bytes it used are the whole timestamp: read alone, they give the same.
            // Known bug 5: `GMT`/`UTC` then a sign that starts no offset (`GMT+x`, `UTC-0:1`)
            // is consumed but the time is read as naive (in the context's zone), not as UTC.
            let gmt_sign = (s[..used].ends_with("GMT") || s[..used].ends_with("UTC"))
                && s[used..].starts_with(['+', '-']);
            if !(allow_known_bugs() && gmt_sign) {
                assert_eq!(
                    ctx.parse_prefix(&s[..used]),
                    Some((ts, used)),
                    "{s:?}: the prefix {:?} read alone differs (ctx {ctx:?})",
                    &s[..used]
                );
            }
            if used == s.len() && !s.starts_with(char::is_whitespace) {
                assert_eq!(whole, Some(ts), "parse and parse_prefix disagree on {s:?}");
            }
            round_trips(ts, &s);
        }
        if let Some(ts) = whole {
            round_trips(ts, &s);
        }
        for &x in &numbers {
            if let Some(ts) = ctx.from_number(x) {
                round_trips(ts, &format!("{x:?}"));
            }
        }
    }
});
