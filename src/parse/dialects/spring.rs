//! Spring Boot's default console/file line, read as the `spring` regex reads it:
//! `2026-11-28 20:00:00.013  INFO [app,trace,span] 4312 --- [app] [  exec-7] [trace-span]
//! c.a.orders.OrderController  : message`, where the `[app,trace,span]` (Sleuth), `[app]` and
//! `[trace-span]` (Boot 3.2+) parts are optional.
//!
//! The regex backtracks in three places, and so does this: `[app] ` after `--- ` is first taken
//! as the application name and, when the rest does not read, as the thread; `[hex-hex] ` after
//! the thread likewise as the trace or as the start of the logger; and the logger (`\S+`)
//! gives back a trailing `:` when what follows is `: ` only that way (`Logger: msg`).

use super::util::{
    digits, frac_zone, is, iso_date_time, last_newline, lit, non_spaces, rest_ok, run, set, shape,
    spaces, until2,
};
use super::Slots;

const TS: usize = 1;
const LEVEL: usize = 2;
const SERVICE: usize = 3;
const TRACE_ID: usize = 4;
const SPAN_ID: usize = 5;
const PID: usize = 6;
const SERVICE2: usize = 7;
const THREAD: usize = 8;
const TRACE_ID2: usize = 9;
const SPAN_ID2: usize = 10;
const LOGGER: usize = 11;
const MESSAGE: usize = 12;

/// `^\d{4}-\d\d-\d\d[ T]\d\d:\d\d`
pub fn start(l: &[u8]) -> bool {
    shape(l, b"dddd-dd-ddTdd:dd")
}

pub fn scan(l: &[u8], s: &mut Slots) -> bool {
    if !iso_date_time(l) {
        return false;
    }
    let nl = last_newline(l);
    // ts, then `\s+(?P<level>[A-Z]+)\s+`: the classes are disjoint, so each run is maximal.
    let ts = frac_zone(l, 19);
    let lv = spaces(l, ts);
    let lv_end = run(l, lv, |b| b.is_ascii_uppercase());
    let mut p = spaces(l, lv_end);
    if lv == ts || lv_end == lv || p == lv_end {
        return false;
    }
    // `(?:\[svc,trace,span(?:,[^\]]*)?\]\s+)?`: without it a `[` cannot be the pid, so a line
    // with the `[` reads with it or not at all.
    let mut sleuth = [None, None, None];
    if is(l, p, b'[') {
        let field = |i: usize| until2(l, i, b',', b']');
        let a = p + 1;
        let a_end = field(a);
        if !is(l, a_end, b',') {
            return false;
        }
        let b = a_end + 1;
        let b_end = field(b);
        if !is(l, b_end, b',') {
            return false;
        }
        let c = b_end + 1;
        let c_end = field(c);
        let close = if is(l, c_end, b',') {
            until2(l, c_end, b']', b']')
        } else {
            c_end
        };
        if !is(l, close, b']') {
            return false;
        }
        let after = spaces(l, close + 1);
        if after == close + 1 {
            return false;
        }
        sleuth = [Some(a..a_end), Some(b..b_end), Some(c..c_end)];
        p = after;
    }
    let pid_end = digits(l, p);
    if pid_end == p || !lit(l, pid_end, b" --- ") {
        return false;
    }
    let r = pid_end + 5;
    // `(?:\[(?P<service2>[^\]]*)\] )?` first, then without it.
    let mut done = false;
    if is(l, r, b'[') {
        if let Some(k) = memchr::memchr(b']', &l[r + 1..]) {
            let close = r + 1 + k;
            if is(l, close + 1, b' ') && tail(l, close + 2, nl, s) {
                set(s, SERVICE2, Some(r + 1..close));
                done = true;
            }
        }
    }
    if !done {
        if !tail(l, r, nl, s) {
            return false;
        }
        set(s, SERVICE2, None);
    }
    set(s, 0, Some(0..l.len()));
    set(s, TS, Some(0..ts));
    set(s, LEVEL, Some(lv..lv_end));
    let [a, b, c] = sleuth;
    set(s, SERVICE, a);
    set(s, TRACE_ID, b);
    set(s, SPAN_ID, c);
    set(s, PID, Some(p..pid_end));
    true
}

/// `\[\s*(?P<thread>[^\]]*)\] (?:\[(?P<trace_id2>[0-9a-f]+)-(?P<span_id2>[0-9a-f]+)\] )?
/// (?P<logger>\S+)\s*: (?P<message>.*)$` at `t`; sets those groups when it matches.
fn tail(l: &[u8], t: usize, nl: Option<usize>, s: &mut Slots) -> bool {
    if !is(l, t, b'[') {
        return false;
    }
    // `\s*` takes all the spaces: the thread class would take them too, and ends at `]` anyway.
    let th = spaces(l, t + 1);
    let Some(k) = l.get(th..).and_then(|r| memchr::memchr(b']', r)) else {
        return false;
    };
    let th_end = th + k;
    if !is(l, th_end + 1, b' ') {
        return false;
    }
    let u = th_end + 2;
    let mut found = None;
    if is(l, u, b'[') {
        let hex = |i: usize| run(l, i, |b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        let a_end = hex(u + 1);
        if a_end > u + 1 && is(l, a_end, b'-') {
            let b_end = hex(a_end + 1);
            if b_end > a_end + 1 && lit(l, b_end, b"] ") {
                if let Some(lm) = logger(l, b_end + 2, nl) {
                    found = Some((Some(u + 1..a_end), Some(a_end + 1..b_end), lm));
                }
            }
        }
    }
    let Some((tr, sp, (lg, m))) = found.or_else(|| Some((None, None, logger(l, u, nl)?))) else {
        return false;
    };
    set(s, THREAD, Some(th..th_end));
    set(s, TRACE_ID2, tr);
    set(s, SPAN_ID2, sp);
    set(s, LOGGER, Some(lg));
    set(s, MESSAGE, Some(m..l.len()));
    true
}

/// `(?P<logger>\S+)\s*: (?P<message>.*)$` at `p`: the logger's span and where the message
/// starts. The longest `\S+` first (then `\s*` takes every space and `: ` must follow); else
/// the only shorter logger that can work, one that gives back its last byte `:` before a space.
fn logger(l: &[u8], p: usize, nl: Option<usize>) -> Option<(std::ops::Range<usize>, usize)> {
    let r = non_spaces(l, p);
    if r == p {
        return None;
    }
    let q = spaces(l, r);
    if is(l, q, b':') && is(l, q + 1, b' ') && rest_ok(nl, q + 2) {
        return Some((p..r, q + 2));
    }
    if r - p >= 2 && l[r - 1] == b':' && is(l, r, b' ') && rest_ok(nl, r + 1) {
        return Some((p..r - 1, r + 1));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(line: &str) -> Vec<Option<&str>> {
        let mut s = vec![None; 13];
        assert!(scan(line.as_bytes(), &mut s), "{line}");
        s.into_iter().map(|r| r.map(|r| &line[r])).collect()
    }

    #[test]
    fn sleuth_line() {
        let g = read("2026-11-28 20:00:00.013  INFO [orders,1e2f,c2ce] 4312 --- [nio-8080-exec-7] c.a.orders.OrderController               : creating order order_id=595185");
        assert_eq!(g[TS], Some("2026-11-28 20:00:00.013"));
        assert_eq!(g[LEVEL], Some("INFO"));
        assert_eq!(g[SERVICE], Some("orders"));
        assert_eq!(g[TRACE_ID], Some("1e2f"));
        assert_eq!(g[SPAN_ID], Some("c2ce"));
        assert_eq!(g[PID], Some("4312"));
        assert_eq!(g[SERVICE2], None);
        assert_eq!(g[THREAD], Some("nio-8080-exec-7"));
        assert_eq!(g[TRACE_ID2], None);
        assert_eq!(g[LOGGER], Some("c.a.orders.OrderController"));
        assert_eq!(g[MESSAGE], Some("creating order order_id=595185"));
    }

    #[test]
    fn boot_3_line_without_sleuth() {
        let g = read("2026-11-28T20:00:00.013+01:00 ERROR 77 --- [orders] [  main thread] [0af7651916cd43dd-b7ad6b7169203331] o.s.b.SpringApplication : Application run failed");
        assert_eq!(g[TS], Some("2026-11-28T20:00:00.013+01:00"));
        assert_eq!(g[LEVEL], Some("ERROR"));
        assert_eq!(g[SERVICE], None);
        assert_eq!(g[PID], Some("77"));
        assert_eq!(g[SERVICE2], Some("orders"));
        assert_eq!(g[THREAD], Some("main thread"));
        assert_eq!(g[TRACE_ID2], Some("0af7651916cd43dd"));
        assert_eq!(g[SPAN_ID2], Some("b7ad6b7169203331"));
        assert_eq!(g[LOGGER], Some("o.s.b.SpringApplication"));
        assert_eq!(g[MESSAGE], Some("Application run failed"));
    }

    #[test]
    fn backtracking_choices() {
        // One bracket after `---`: it is the thread, not the application.
        let g = read("2026-11-28 20:00:00 WARN 1 --- [main] Logger: a: b");
        assert_eq!(g[SERVICE2], None);
        assert_eq!(g[THREAD], Some("main"));
        // `Logger:` gives back its `:`.
        assert_eq!(g[LOGGER], Some("Logger"));
        assert_eq!(g[MESSAGE], Some("a: b"));
        // A logger with a `:` inside keeps it.
        let g = read("2026-11-28 20:00:00,5 DEBUG 1 --- [main] my:logger : x");
        assert_eq!(g[LOGGER], Some("my:logger"));
        assert_eq!(g[MESSAGE], Some("x"));
        // `[abc-def] ` is the logger when the trace reading leaves no `: `.
        let g = read("2026-11-28 20:00:00 INFO 1 --- [main] [abc-def] : m");
        assert_eq!(g[TRACE_ID2], None);
        assert_eq!(g[LOGGER], Some("[abc-def]"));
        assert_eq!(g[MESSAGE], Some("m"));
        // Sleuth with a fourth field.
        let g = read("2026-11-28 20:00:00 INFO [a,b,c,true] 1 --- [main] L : m");
        assert_eq!(g[SPAN_ID], Some("c"));
    }

    #[test]
    fn refusals() {
        let mut s = vec![None; 13];
        for l in [
            "2026-11-28 20:00:00 INFO 1 --- [main] L :m",
            "2026-11-28 20:00:00 INFO [a,b] 1 --- [main] L : m",
            "2026-11-28 20:00:00 info 1 --- [main] L : m",
            "2026-11-28 20:00:00 INFO 1 --- [main] L : m\nx",
            "2026-11-28 20:00:00 INFO 1 --- [main L : m",
        ] {
            assert!(!scan(l.as_bytes(), &mut s), "{l}");
        }
    }
}
