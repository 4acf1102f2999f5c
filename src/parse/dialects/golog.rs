//! Go's standard `log` package, read as the `golog` regex reads it: `2009/11/10 23:00:00 msg`,
//! `2009/11/10 23:00:00.123456 main.go:12: msg` (Lmicroseconds, Lshortfile) and log/slog's
//! default `2009/11/10 23:00:00 INFO msg`.
//!
//! The caller's class takes `.`, so the regex backtracks to find `.go:`; but `:` ends that
//! class, so the only `.go` it can find is the one just before the first byte the class does
//! not take. Everything after the time is the message when the optional parts do not read.

use super::util::{digits, is, is_word, last_newline, rest_ok, run, set, shape};
use super::Slots;

const TS: usize = 1;
const CALLER: usize = 2;
const LEVEL: usize = 3;
const MESSAGE: usize = 4;

/// `^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d`
pub fn start(l: &[u8]) -> bool {
    shape(l, b"dddd/dd/dd dd:dd:dd")
}

pub fn scan(l: &[u8], s: &mut Slots) -> bool {
    if !start(l) {
        return false;
    }
    // `(?:\.\d{6})? `: only a space may follow, so the fraction is taken when it is there.
    let ts = if is(l, 19, b'.') && digits(l, 20) >= 26 {
        26
    } else {
        19
    };
    let mut p = ts + 1;
    // Neither optional part can hold a `\n`: a line with one after the time never matches.
    if !is(l, ts, b' ') || !rest_ok(last_newline(l), p) {
        return false;
    }
    // `(?:(?P<caller>[\w./\-]+\.go:\d+): )?`
    let mut caller = None;
    let r = run(l, p, |b| is_word(b) || matches!(b, b'.' | b'/' | b'-'));
    if r >= p + 4 && &l[r - 3..r] == b".go" && is(l, r, b':') {
        let d = digits(l, r + 1);
        if d > r + 1 && is(l, d, b':') && is(l, d + 1, b' ') {
            caller = Some(p..d);
            p = d + 2;
        }
    }
    // `(?:(?P<level>DEBUG|INFO|WARN|ERROR)(?:[+-]\d+)? )?`
    let mut level = None;
    let rest = &l[p..];
    if let Some(w) = [&b"DEBUG"[..], b"INFO", b"WARN", b"ERROR"]
        .into_iter()
        .find(|w| rest.starts_with(w))
    {
        let e = p + w.len();
        let mut sp = e;
        if matches!(l.get(e), Some(b'+' | b'-')) && digits(l, e + 1) > e + 1 {
            sp = digits(l, e + 1);
        }
        if is(l, sp, b' ') {
            level = Some(p..e);
            p = sp + 1;
        }
    }
    set(s, 0, Some(0..l.len()));
    set(s, TS, Some(0..ts));
    set(s, CALLER, caller);
    set(s, LEVEL, level);
    set(s, MESSAGE, Some(p..l.len()));
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(line: &str) -> Vec<Option<&str>> {
        let mut s = vec![None; 5];
        assert!(scan(line.as_bytes(), &mut s), "{line}");
        s.into_iter().map(|r| r.map(|r| &line[r])).collect()
    }

    #[test]
    fn lines() {
        let g = read("2009/11/10 23:00:00 listening on :8080");
        assert_eq!(g[TS], Some("2009/11/10 23:00:00"));
        assert_eq!(g[CALLER], None);
        assert_eq!(g[LEVEL], None);
        assert_eq!(g[MESSAGE], Some("listening on :8080"));
        let g = read("2009/11/10 23:00:00.123456 cmd/api/main.go:42: ERROR+2 db down");
        assert_eq!(g[TS], Some("2009/11/10 23:00:00.123456"));
        assert_eq!(g[CALLER], Some("cmd/api/main.go:42"));
        assert_eq!(g[LEVEL], Some("ERROR"));
        assert_eq!(g[MESSAGE], Some("db down"));
        // Not a caller (`:` but no line number), not a level (no space after it).
        let g = read("2009/11/10 23:00:00 x.go:y: WARN: z");
        assert_eq!(g[CALLER], None);
        assert_eq!(g[LEVEL], None);
        assert_eq!(g[MESSAGE], Some("x.go:y: WARN: z"));
        // A fraction that is not six digits is not part of the time, so no space follows it.
        let mut s = vec![None; 5];
        assert!(!scan(b"2009/11/10 23:00:00.123 m", &mut s));
        assert!(!scan(b"2009/11/10 23:00:00 m\n", &mut s));
        assert!(start(b"2009/11/10 23:00:00.123 m"));
    }
}
