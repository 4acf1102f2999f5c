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
//! - `parse` (with its fast path for the commonest shapes) gives what `parse_general` gives,
//!   under every context below too.
//!
//! And with a day anchor (`TimeContext::day`: `Near`, `After`, `Before` an instant, fixed ones
//! around DST changes and midnight and one taken from the input's last 8 bytes, in UTC and
//! Europe/Paris) and a `plausible` range (none, or 36 h either side of the anchor):
//! - `plausible` only filters: every entry point gives what it gives without the range, or
//!   `None` when that is outside it; nothing it returns is outside it;
//! - an anchor changes nothing that reads without one; what only reads with one (a time of
//!   day alone) is placed as `DayAnchor` documents: `Near(t)` within 12 h of t (13 h when a
//!   named zone's DST change lies between), `After(t)` in `[t - 1 h, t + 23 h)`, `Before(t)` in
//!   `(t - 23 h, t + 1 h]` (an hour more with a named zone), reads alone the same, and
//!   round-trips.
#![no_main]

use std::sync::OnceLock;

use casefile::model::Timestamp;
use casefile::parse::{DayAnchor, TimeContext};
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

/// `parse(format(t)) == t` under every context: RFC 3339 with `Z` says everything itself.
fn round_trips(ts: Timestamp, from: &str) {
    let text = ts.to_rfc3339();
    for ctx in contexts() {
        assert_eq!(
            ctx.parse(&text),
            Some(ts),
            "{from:?} gave {ts:?}, written {text:?}, which does not read back (ctx {ctx:?})"
        );
    }
}

const NS: i64 = 1_000_000_000;
const HOUR: i64 = 3_600 * NS;

fn paris() -> &'static jiff::tz::TimeZone {
    static Z: OnceLock<jiff::tz::TimeZone> = OnceLock::new();
    Z.get_or_init(|| jiff::tz::TimeZone::get("Europe/Paris").expect("tz database"))
}

/// Contexts with a day anchor at `t` (every variant, UTC and Paris), some with a plausible
/// range around it.
fn anchored_contexts(t: Timestamp) -> Vec<TimeContext> {
    let mut out = Vec::new();
    for tz in [None, Some(paris().clone())] {
        for (k, day) in [
            DayAnchor::Near(t),
            DayAnchor::After(t),
            DayAnchor::Before(t),
        ]
        .into_iter()
        .enumerate()
        {
            out.push(TimeContext {
                tz: tz.clone(),
                year_hint: 2026,
                reference: None,
                day: Some(day),
                plausible: (k != 1)
                    .then(|| (Timestamp(t.0 - 36 * HOUR), Timestamp(t.0 + 36 * HOUR))),
            });
        }
    }
    out
}

fn in_range(ctx: &TimeContext, ts: Timestamp) -> bool {
    ctx.plausible.is_none_or(|(lo, hi)| lo <= ts && ts <= hi)
}

/// The properties of `day` and `plausible` for `s` under `ctx`.
fn check_anchored(ctx: &TimeContext, s: &str, numbers: &[f64]) {
    let any = ctx.without_plausibility();
    let r = ctx.parse_prefix(s);
    let r0 = any.parse_prefix(s);
    assert_eq!(
        r,
        r0.filter(|&(ts, _)| in_range(ctx, ts)),
        "{s:?}: plausible does more than filter (ctx {ctx:?})"
    );
    let whole = ctx.parse(s);
    assert_eq!(whole, ctx.parse_general(s), "{s:?}: fast path (ctx {ctx:?})");
    assert_eq!(
        whole,
        any.parse(s).filter(|&ts| in_range(ctx, ts)),
        "{s:?}: parse"
    );
    for &x in numbers {
        assert_eq!(
            ctx.from_number(x),
            any.from_number(x).filter(|&ts| in_range(ctx, ts)),
            "{x:?}: from_number (ctx {ctx:?})"
        );
    }
    let dayless = TimeContext {
        day: None,
        ..any.clone()
    };
    let Some((ts, used)) = r0 else { return };
    if let Some(b) = dayless.parse_prefix(s) {
        assert_eq!(
            r0,
            Some(b),
            "{s:?}: the day anchor changed a full timestamp"
        );
        return;
    }
    // A time of day alone, dated by the anchor.
    let named = ctx.tz.is_some() || s[..used].contains('/');
    let slack = if named { HOUR } else { 0 };
    let (d, t) = match ctx.day.expect("an anchored context") {
        DayAnchor::Near(t) => (ts.0 - t.0, t),
        DayAnchor::After(t) => (ts.0 - t.0, t),
        DayAnchor::Before(t) => (ts.0 - t.0, t),
    };
    let ok = match ctx.day {
        Some(DayAnchor::Near(_)) => d.abs() <= 12 * HOUR + slack,
        Some(DayAnchor::After(_)) => -HOUR <= d && d < 23 * HOUR + slack,
        _ => -(23 * HOUR + slack) < d && d <= HOUR,
    };
    assert!(
        ok,
        "{s:?}: time of day read as {} for {:?} {}",
        ts.to_rfc3339(),
        ctx.day,
        t.to_rfc3339()
    );
    assert_eq!(
        any.parse_prefix(&s[..used]),
        Some((ts, used)),
        "{s:?}: the time of day {:?} read alone differs",
        &s[..used]
    );
    round_trips(ts, s);
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
        assert_eq!(
            whole,
            ctx.parse_general(&s),
            "{s:?}: the fast path differs from the general one (ctx {ctx:?})"
        );
        if let Some((ts, used)) = ctx.parse_prefix(&s) {
            assert!(used <= s.len(), "prefix length {used} past the end");
            assert!(used > 0, "a timestamp of no bytes in {s:?}");
            assert!(s.is_char_boundary(used));
            // The bytes it used are the whole timestamp: read alone, they give the same.
            assert_eq!(
                ctx.parse_prefix(&s[..used]),
                Some((ts, used)),
                "{s:?}: the prefix {:?} read alone differs (ctx {ctx:?})",
                &s[..used]
            );
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

    // Day anchors: one fixed (midnight, the spring and autumn DST changes in Paris) and one
    // from the input's last 8 bytes, between 1950 and 2150.
    let fixed = [
        "2026-11-28T23:30:00Z",
        "2026-03-29T00:30:00Z",
        "2026-10-25T00:59:59.5Z",
    ];
    let t0 = TimeContext::default()
        .parse(fixed[bytes.len() % fixed.len()])
        .expect("a fixed anchor");
    let mut tail = [0u8; 8];
    let k = bytes.len().min(8);
    tail[..k].copy_from_slice(&bytes[bytes.len() - k..]);
    let lo = -631_152_000 * NS; // 1950
    let span = 200 * 365 * 86_400 * NS;
    let t1 = Timestamp(lo + i64::from_le_bytes(tail).rem_euclid(span));
    for t in [t0, t1] {
        for ctx in anchored_contexts(t) {
            check_anchored(&ctx, &s, &numbers);
        }
    }
});
