//! Python `logging` lines with a timestamp, read as the `python` regex reads them:
//! `2026-11-28 20:00:00,032 INFO payments.api message`, with ` - ` or ` | ` between the parts
//! (`%(asctime)s - %(name)s - %(levelname)s - %(message)s`), the level before or after the
//! logger, and a `:` after the last one.
//!
//! Every separator is optional, and a logger may be `-`, so the regex can read a line more
//! than one way; this tries the ways in the regex's own order: the separator after the time
//! with its `-`/`|` first, level-then-logger before logger-then-level, `WARNING` before `WARN`.

use super::util::{
    digits, is, is_word, iso_date_time, last_newline, lit, rest_ok, run, set, shape,
};
use super::Slots;

const TS: usize = 1;
const LEVEL: usize = 2;
const LOGGER: usize = 3;
const LOGGER2: usize = 4;
const LEVEL2: usize = 5;
const MESSAGE: usize = 6;

/// `^\d{4}-\d\d-\d\d[ T]\d\d:\d\d`
pub fn start(l: &[u8]) -> bool {
    shape(l, b"dddd-dd-ddTdd:dd")
}

pub fn scan(l: &[u8], s: &mut Slots) -> bool {
    if !iso_date_time(l) {
        return false;
    }
    // `(?:,\d{3}|\.\d+)?`: only a space may follow, so a fraction that is there is taken.
    let ts = match l.get(19) {
        Some(b',') if digits(l, 20) >= 23 => 23,
        Some(b'.') if digits(l, 20) > 20 => digits(l, 20),
        _ => 19,
    };
    let nl = last_newline(l);
    // `(?: -| \|)? `
    let found = dash_or_pipe(l, ts)
        .filter(|&a| is(l, a, b' '))
        .and_then(|a| body(l, a + 1, nl))
        .or_else(|| is(l, ts, b' ').then(|| body(l, ts + 1, nl)).flatten());
    let Some(g) = found else {
        return false;
    };
    set(s, 0, Some(0..l.len()));
    set(s, TS, Some(0..ts));
    for (i, span) in [LEVEL, LOGGER, LOGGER2, LEVEL2, MESSAGE].into_iter().zip(g) {
        set(s, i, span);
    }
    true
}

/// Level, logger, logger2, level2, message.
type Groups = [Option<std::ops::Range<usize>>; 5];

/// ` -` or ` |` at `i`: where it ends.
fn dash_or_pipe(l: &[u8], i: usize) -> Option<usize> {
    (is(l, i, b' ') && matches!(l.get(i + 1), Some(b'-' | b'|'))).then_some(i + 2)
}

/// `[\w.\-]+` at `i`: where it ends (`i` when empty).
fn name(l: &[u8], i: usize) -> usize {
    run(l, i, |b| is_word(b) || b == b'.' || b == b'-')
}

/// The level words that start at `i`, in the regex's order
/// (`CRITICAL|FATAL|ERROR|WARNING|WARN|INFO|DEBUG|NOTSET`): where each ends.
fn levels(l: &[u8], i: usize) -> impl Iterator<Item = usize> {
    let words: [Option<usize>; 2] = match l.get(i) {
        Some(b'C') => [lit(l, i, b"CRITICAL").then_some(i + 8), None],
        Some(b'F') => [lit(l, i, b"FATAL").then_some(i + 5), None],
        Some(b'E') => [lit(l, i, b"ERROR").then_some(i + 5), None],
        Some(b'W') => [
            lit(l, i, b"WARNING").then_some(i + 7),
            lit(l, i, b"WARN").then_some(i + 4),
        ],
        Some(b'I') => [lit(l, i, b"INFO").then_some(i + 4), None],
        Some(b'D') => [lit(l, i, b"DEBUG").then_some(i + 5), None],
        Some(b'N') => [lit(l, i, b"NOTSET").then_some(i + 6), None],
        _ => [None, None],
    };
    words.into_iter().flatten()
}

/// `(?:LEVEL(?: -| \|)? (?P<logger>[\w.\-]+)|(?P<logger2>[\w.\-]+)(?: -| \|) LEVEL2)
/// (?: -| \||:)? (?P<message>.*)$` at `b`.
fn body(l: &[u8], b: usize, nl: Option<usize>) -> Option<Groups> {
    for c in levels(l, b) {
        let seps = [dash_or_pipe(l, c), Some(c)];
        for d in seps.into_iter().flatten() {
            if !is(l, d, b' ') {
                continue;
            }
            let lg = d + 1;
            // `[\w.\-]+` is followed by a space or `:`, which it cannot take: it is maximal.
            let lg_end = name(l, lg);
            if lg_end == lg {
                continue;
            }
            if let Some(m) = message(l, lg_end, nl) {
                return Some([Some(b..c), Some(lg..lg_end), None, None, Some(m..l.len())]);
            }
        }
    }
    let lg_end = name(l, b);
    if lg_end == b {
        return None;
    }
    let c = dash_or_pipe(l, lg_end).filter(|&c| is(l, c, b' '))? + 1;
    for e in levels(l, c) {
        if let Some(m) = message(l, e, nl) {
            return Some([None, None, Some(b..lg_end), Some(c..e), Some(m..l.len())]);
        }
    }
    None
}

/// `(?: -| \||:)? (?P<message>.*)$` at `i`: where the message starts.
fn message(l: &[u8], i: usize, nl: Option<usize>) -> Option<usize> {
    let sep = dash_or_pipe(l, i).or_else(|| is(l, i, b':').then_some(i + 1));
    [sep, Some(i)]
        .into_iter()
        .flatten()
        .find(|&j| is(l, j, b' ') && rest_ok(nl, j + 1))
        .map(|j| j + 1)
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
    fn default_and_dashed_lines() {
        let g = read("2026-11-28 20:00:00,032 INFO payments.api [trace=1e2f] charge requested");
        assert_eq!(g[TS], Some("2026-11-28 20:00:00,032"));
        assert_eq!(g[LEVEL], Some("INFO"));
        assert_eq!(g[LOGGER], Some("payments.api"));
        assert_eq!(g[LOGGER2], None);
        assert_eq!(g[MESSAGE], Some("[trace=1e2f] charge requested"));
        let g = read("2026-11-28 20:00:00,032 - billing.worker - WARNING - retry: 3 left");
        assert_eq!(g[LEVEL], None);
        assert_eq!(g[LOGGER2], Some("billing.worker"));
        assert_eq!(g[LEVEL2], Some("WARNING"));
        assert_eq!(g[MESSAGE], Some("retry: 3 left"));
        let g = read("2026-11-28T20:00:00.123456 | ERROR | app.db: connection lost");
        assert_eq!(g[TS], Some("2026-11-28T20:00:00.123456"));
        assert_eq!(g[LEVEL], Some("ERROR"));
        assert_eq!(g[LOGGER], Some("app.db"));
        assert_eq!(g[MESSAGE], Some("connection lost"));
    }

    #[test]
    fn backtracking_choices() {
        // The ` -` after the time is given back: the logger is `-`.
        let g = read("2026-11-28 20:00:00 - - INFO msg");
        assert_eq!(g[LOGGER2], Some("-"));
        assert_eq!(g[LEVEL2], Some("INFO"));
        assert_eq!(g[MESSAGE], Some("msg"));
        // `WARNINGS` is not a level word followed by a space: `WARN` then `INGS`? no: the
        // line reads as logger `WARNINGS` then level `DEBUG`.
        let g = read("2026-11-28 20:00:00 WARNINGS | DEBUG x");
        assert_eq!(g[LOGGER2], Some("WARNINGS"));
        assert_eq!(g[LEVEL2], Some("DEBUG"));
        assert_eq!(g[MESSAGE], Some("x"));
        // A level then a logger named like a level.
        let g = read("2026-11-28 20:00:00 INFO ERROR : m");
        assert_eq!(g[LEVEL], Some("INFO"));
        assert_eq!(g[LOGGER], Some("ERROR"));
        assert_eq!(g[MESSAGE], Some(": m"));
    }

    #[test]
    fn refusals() {
        let mut s = vec![None; 7];
        for l in [
            "2026-11-28 20:00:00,03 INFO a m",
            "2026-11-28 20:00:00 info a m",
            "2026-11-28 20:00:00 INFO a:m",
            "2026-11-28 20:00:00 INFO a m\n",
        ] {
            assert!(!scan(l.as_bytes(), &mut s), "{l}");
        }
    }
}
