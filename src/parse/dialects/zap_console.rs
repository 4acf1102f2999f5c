//! Zap's console encoder (and its development config), read as the `zap-console` regex reads
//! it: `2026-11-28T22:00:01.170Z\tINFO\tjobs\tjobs/run.go:12\ttask queued\t{"task_id": "T-900"}`
//! (tab-separated time, level, optional logger, optional caller, message, optional JSON).
//!
//! The logger and the caller are each a whole tab-separated field or absent; the four ways
//! to read them are tried in the regex's order (logger and caller, logger, caller, neither),
//! each followed by the message (the rest up to the next tab) and the JSON (after that tab,
//! `{...}` to the end of the line).

use std::ops::Range;

use super::util::{digits, is, is_word, iso_date_time, run, set, shape};
use super::Slots;

const TS: usize = 1;
const LEVEL: usize = 2;
const LOGGER: usize = 3;
const CALLER: usize = 4;
const MESSAGE: usize = 5;
const JSON: usize = 6;

/// `^\d{4}-\d\d-\d\dT\d\d:\d\d`
pub fn start(l: &[u8]) -> bool {
    shape(l, b"dddd-dd-ddTdd:dd") && l[10] == b'T'
}

/// Where the tab at or after `i` is (`l.len()` when none).
fn tab(l: &[u8], i: usize) -> usize {
    l.get(i..)
        .and_then(|r| memchr::memchr(b'\t', r))
        .map_or(l.len(), |k| i + k)
}

/// `(?P<logger>[^\t]+)\t` at `i`: the logger's span.
fn logger(l: &[u8], i: usize) -> Option<Range<usize>> {
    let e = tab(l, i);
    (e > i && e < l.len()).then_some(i..e)
}

/// `(?P<caller>[\w./\-]+\.go:\d+)\t` at `i`: the caller's span.
fn caller(l: &[u8], i: usize) -> Option<Range<usize>> {
    let c = run(l, i, |b| is_word(b) || matches!(b, b'.' | b'/' | b'-'));
    if c < i + 4 || &l[c - 3..c] != b".go" || !is(l, c, b':') {
        return None;
    }
    let e = digits(l, c + 1);
    (e > c + 1 && is(l, e, b'\t')).then_some(i..e)
}

/// `(?P<message>[^\t]*)(?:\t(?P<json>\{.*\}))?$` at `i`: the message and JSON spans.
fn tail(l: &[u8], i: usize) -> Option<(Range<usize>, Option<Range<usize>>)> {
    let e = tab(l, i);
    if e == l.len() {
        return Some((i..e, None));
    }
    let j = e + 1;
    let json = l.get(j..)?;
    (json.len() >= 2
        && json[0] == b'{'
        && json[json.len() - 1] == b'}'
        && memchr::memchr(b'\n', json).is_none())
    .then_some((i..e, Some(j..l.len())))
}

pub fn scan(l: &[u8], s: &mut Slots) -> bool {
    // `\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)\t`
    if !iso_date_time(l) || l[10] != b'T' {
        return false;
    }
    let mut z = 19;
    if is(l, z, b'.') {
        let e = digits(l, z + 1);
        if e == z + 1 {
            return false;
        }
        z = e;
    }
    let two = |j: usize| {
        l.get(j).is_some_and(u8::is_ascii_digit) && l.get(j + 1).is_some_and(u8::is_ascii_digit)
    };
    let ts_end = match l.get(z) {
        Some(b'Z') => z + 1,
        Some(b'+' | b'-') if two(z + 1) && is(l, z + 3, b':') && two(z + 4) => z + 6,
        Some(b'+' | b'-') if two(z + 1) && two(z + 3) => z + 5,
        _ => return false,
    };
    if !is(l, ts_end, b'\t') {
        return false;
    }
    // `(?P<level>[A-Za-z]+)\t`
    let lv = ts_end + 1;
    let lv_end = run(l, lv, |b| b.is_ascii_alphabetic());
    if lv_end == lv || !is(l, lv_end, b'\t') {
        return false;
    }
    let p = lv_end + 1;
    let with_logger = logger(l, p);
    let mut read = None;
    if let Some(lg) = &with_logger {
        let q = lg.end + 1;
        read = caller(l, q)
            .and_then(|c| Some((Some(lg.clone()), Some(c.clone()), tail(l, c.end + 1)?)))
            .or_else(|| Some((Some(lg.clone()), None, tail(l, q)?)));
    }
    let read = read.or_else(|| {
        caller(l, p)
            .and_then(|c| Some((None, Some(c.clone()), tail(l, c.end + 1)?)))
            .or_else(|| Some((None, None, tail(l, p)?)))
    });
    let Some((lg, cl, (msg, json))) = read else {
        return false;
    };
    set(s, 0, Some(0..l.len()));
    set(s, TS, Some(0..ts_end));
    set(s, LEVEL, Some(lv..lv_end));
    set(s, LOGGER, lg);
    set(s, CALLER, cl);
    set(s, MESSAGE, Some(msg));
    set(s, JSON, json);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(line: &str) -> Vec<Option<&str>> {
        let mut s = vec![None; 7];
        assert!(scan(line.as_bytes(), &mut s), "{line}");
        s.into_iter().map(|r| r.map(|r| &line[r])).collect()
    }

    #[test]
    fn development_lines() {
        // zap.NewDevelopment(): time, level, caller, message, fields.
        let g = read(
            "2026-11-28T22:00:01.170Z\tINFO\tjobs/run.go:12\ttask queued\t{\"task_id\": \"T-900\"}",
        );
        assert_eq!(g[TS], Some("2026-11-28T22:00:01.170Z"));
        assert_eq!(g[LEVEL], Some("INFO"));
        // A caller is also a logger field: the logger reading comes first.
        assert_eq!(g[LOGGER], Some("jobs/run.go:12"));
        assert_eq!(g[CALLER], None);
        assert_eq!(g[MESSAGE], Some("task queued"));
        assert_eq!(g[JSON], Some("{\"task_id\": \"T-900\"}"));
        // A named logger and a caller.
        let g = read(
            "2026-11-28T22:00:01.170+0100\tWARN\tapi.http\tserver/h.go:88\tslow\t{\"ms\": 900}",
        );
        assert_eq!(g[TS], Some("2026-11-28T22:00:01.170+0100"));
        assert_eq!(g[LOGGER], Some("api.http"));
        assert_eq!(g[CALLER], Some("server/h.go:88"));
        assert_eq!(g[MESSAGE], Some("slow"));
        // Only a message.
        let g = read("2026-11-28T22:00:01-05:00\terror\tboom");
        assert_eq!(g[LOGGER], None);
        assert_eq!(g[MESSAGE], Some("boom"));
        assert_eq!(g[JSON], None);
    }

    #[test]
    fn refusals() {
        let mut s = vec![None; 7];
        for l in [
            "2026-11-28 22:00:01Z\tINFO\tm",
            "2026-11-28T22:00:01\tINFO\tm",
            "2026-11-28T22:00:01Z\tINFO1\tm",
            "2026-11-28T22:00:01Z\tINFO\ta\tb\tc\td",
            "2026-11-28T22:00:01Z\tINFO\ta\tb\t{\"c\": 1\n}",
        ] {
            assert!(!scan(l.as_bytes(), &mut s), "{l}");
        }
        assert!(start(b"2026-11-28T22:00"));
        assert!(!start(b"2026-11-28 22:00"));
    }
}
