//! Logback's (and log4j's) common pattern `%d [%thread] %-5level %logger - %msg`, read as the
//! `logback` regex reads it: `2026-11-28 20:00:00.013 [http-nio-8080-exec-1] INFO
//! c.a.orders.OrderController - message`.
//!
//! Nothing here backtracks in a way that changes the answer: every run the regex takes is
//! followed by a byte its class cannot take, so each is read to its end once.

use super::util::{
    frac_zone, is, is_space, iso_date_time, last_newline, non_spaces, rest_ok, run, set, shape,
    spaces,
};
use super::Slots;

const TS: usize = 1;
const THREAD: usize = 2;
const LEVEL: usize = 3;
const LOGGER: usize = 4;
const MESSAGE: usize = 5;

/// `^\d{4}-\d\d-\d\d[ T]\d\d:\d\d`
pub fn start(l: &[u8]) -> bool {
    shape(l, b"dddd-dd-ddTdd:dd")
}

pub fn scan(l: &[u8], s: &mut Slots) -> bool {
    if !iso_date_time(l) {
        return false;
    }
    let ts = frac_zone(l, 19);
    // ` \[(?P<thread>[^\]]+)\]\s+`
    if !is(l, ts, b' ') || !is(l, ts + 1, b'[') {
        return false;
    }
    let th = ts + 2;
    let Some(th_end) = l
        .get(th..)
        .and_then(|r| memchr::memchr(b']', r))
        .map(|k| th + k)
    else {
        return false;
    };
    let lv = spaces(l, th_end + 1);
    // `(?P<level>[A-Z]+)\s+(?P<logger>\S+)\s+-\s(?P<message>.*)$`
    let lv_end = run(l, lv, |b| b.is_ascii_uppercase());
    let lg = spaces(l, lv_end);
    let lg_end = non_spaces(l, lg);
    let dash = spaces(l, lg_end);
    let m = dash + 2;
    if th_end == th
        || lv == th_end + 1
        || lv_end == lv
        || lg == lv_end
        || lg_end == lg
        || dash == lg_end
        || !is(l, dash, b'-')
        || !l.get(dash + 1).is_some_and(|&b| is_space(b))
        || !rest_ok(last_newline(l), m)
    {
        return false;
    }
    set(s, 0, Some(0..l.len()));
    set(s, TS, Some(0..ts));
    set(s, THREAD, Some(th..th_end));
    set(s, LEVEL, Some(lv..lv_end));
    set(s, LOGGER, Some(lg..lg_end));
    set(s, MESSAGE, Some(m..l.len()));
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(line: &str) -> Vec<Option<&str>> {
        let mut s = vec![None; 6];
        assert!(scan(line.as_bytes(), &mut s), "{line}");
        s.into_iter().map(|r| r.map(|r| &line[r])).collect()
    }

    #[test]
    fn lines() {
        let g = read("2026-11-28 20:00:00.013 [http-nio-8080-exec-1] INFO  c.a.orders.OrderController - creating order 7");
        assert_eq!(g[TS], Some("2026-11-28 20:00:00.013"));
        assert_eq!(g[THREAD], Some("http-nio-8080-exec-1"));
        assert_eq!(g[LEVEL], Some("INFO"));
        assert_eq!(g[LOGGER], Some("c.a.orders.OrderController"));
        assert_eq!(g[MESSAGE], Some("creating order 7"));
        // A thread name with spaces, a zone, a logger with `:` and a message with ` - `.
        let g = read("2026-11-28T20:00:00,5+0100 [pool-1 thread 2] ERROR a:b - x - y");
        assert_eq!(g[TS], Some("2026-11-28T20:00:00,5+0100"));
        assert_eq!(g[THREAD], Some("pool-1 thread 2"));
        assert_eq!(g[LEVEL], Some("ERROR"));
        assert_eq!(g[LOGGER], Some("a:b"));
        assert_eq!(g[MESSAGE], Some("x - y"));
    }

    #[test]
    fn refusals() {
        let mut s = vec![None; 6];
        for l in [
            "2026-11-28 20:00:00 [] INFO a - m",
            "2026-11-28 20:00:00 [t] INFO a -m",
            "2026-11-28 20:00:00 [t] Info a - m",
            "2026-11-28 20:00:00 [t INFO a - m",
            "2026-11-28 20:00:00 [t] INFO a - m\n",
        ] {
            assert!(!scan(l.as_bytes(), &mut s), "{l}");
        }
    }
}
