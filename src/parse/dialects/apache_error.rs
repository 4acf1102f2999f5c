//! Apache httpd error log lines, read as the `apache-error` regex reads them: 2.4's `[Tue Aug 29
//! 13:47:38.984123 2023] [core:error] [pid 123:tid 456] [client 10.0.0.1:5678] AH00037: msg`
//! and 2.2's `[Tue Aug 29 13:47:38 2023] [error] [client 10.0.0.1] msg`.
//!
//! Each optional part is taken when it reads: skipping one only starts the message earlier,
//! which cannot help `.*$`. The message is lazy: it ends at the last `, referer: ` when only
//! non-spaces follow that, else at the end of the line.

use super::util::{digits, is, is_space, is_word, last_newline, lit, rest_ok, run, set, shape};
use super::Slots;

const TS: usize = 1;
const MODULE: usize = 2;
const LEVEL: usize = 3;
const PID: usize = 4;
const TID: usize = 5;
const SOURCE: usize = 6;
const CLIENT: usize = 7;
const MESSAGE: usize = 8;
const REFERER: usize = 9;

const LEVELS: [&[u8]; 9] = [
    b"emerg", b"alert", b"crit", b"error", b"warn", b"notice", b"info", b"debug", b"trace",
];

pub fn scan(l: &[u8], s: &mut Slots) -> bool {
    // `\[[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d(?:\.\d+)? \d{4}\] \[`
    let up = |i: usize| l.get(i).is_some_and(u8::is_ascii_uppercase);
    let low = |i: usize| l.get(i).is_some_and(u8::is_ascii_lowercase);
    if !is(l, 0, b'[')
        || !(up(1) && low(2) && low(3) && is(l, 4, b' ') && up(5) && low(6) && low(7))
        || !is(l, 8, b' ')
        || !(is(l, 9, b' ') || l.get(9).is_some_and(u8::is_ascii_digit))
        || !shape(&l[10..], b"d dd:dd:dd")
    {
        return false;
    }
    let mut y = 20;
    if is(l, y, b'.') {
        let e = digits(l, y + 1);
        if e == y + 1 {
            return false;
        }
        y = e;
    }
    if !is(l, y, b' ') || digits(l, y + 1) != y + 5 || !lit(l, y + 5, b"] [") {
        return false;
    }
    let ts_end = y + 5;
    // `(?:(?P<module>[\w\-]*):)?(?P<level>emerg|...|trace)\d?\] `
    let b = ts_end + 3;
    let me = run(l, b, |c| is_word(c) || c == b'-');
    let (module, lv) = if is(l, me, b':') {
        (Some(b..me), me + 1)
    } else {
        (None, b)
    };
    let Some(word) = LEVELS
        .iter()
        .find(|w| l.get(lv..).is_some_and(|r| r.starts_with(w)))
    else {
        return false;
    };
    let lv_end = lv + word.len();
    let close = lv_end + usize::from(l.get(lv_end).is_some_and(u8::is_ascii_digit));
    if !lit(l, close, b"] ") {
        return false;
    }
    let mut p = close + 2;
    // `(?:\[pid (?P<pid>\d+)(?::tid (?P<tid>\d+))?\] )?`
    let (mut pid, mut tid) = (None, None);
    if lit(l, p, b"[pid ") {
        let a = p + 5;
        let e = digits(l, a);
        let mut c = e;
        let mut t = None;
        if lit(l, e, b":tid ") {
            let te = digits(l, e + 5);
            if te > e + 5 {
                t = Some(e + 5..te);
                c = te;
            }
        }
        if e > a && lit(l, c, b"] ") {
            pid = Some(a..e);
            tid = t;
            p = c + 2;
        }
    }
    // `(?:(?P<source>[\w.\-]+\.c\(\d+\)): )?`
    let mut source = None;
    let se = run(l, p, |c| is_word(c) || c == b'.' || c == b'-');
    if se >= p + 3 && &l[se - 2..se] == b".c" && is(l, se, b'(') {
        let d = digits(l, se + 1);
        if d > se + 1 && lit(l, d, b"): ") {
            source = Some(p..d + 1);
            p = d + 3;
        }
    }
    // `(?:\[client (?P<client>[^\]]+)\] )?`
    let mut client = None;
    if lit(l, p, b"[client ") {
        let a = p + 8;
        if let Some(k) = l.get(a..).and_then(|r| memchr::memchr(b']', r)) {
            if k > 0 && is(l, a + k + 1, b' ') {
                client = Some(a..a + k);
                p = a + k + 2;
            }
        }
    }
    if !rest_ok(last_newline(l), p) {
        return false;
    }
    // `(?P<message>.*?)(?:, referer: (?P<referer>\S*))?$`
    let mut msg_end = l.len();
    let mut referer = None;
    if let Some(k) = l[p..].iter().rposition(|&c| is_space(c)) {
        let k = p + k;
        if k >= p + 10 && &l[k - 10..=k] == b", referer: " {
            msg_end = k - 10;
            referer = Some(k + 1..l.len());
        }
    }
    set(s, 0, Some(0..l.len()));
    set(s, TS, Some(1..ts_end));
    set(s, MODULE, module);
    set(s, LEVEL, Some(lv..lv_end));
    set(s, PID, pid);
    set(s, TID, tid);
    set(s, SOURCE, source);
    set(s, CLIENT, client);
    set(s, MESSAGE, Some(p..msg_end));
    set(s, REFERER, referer);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(line: &str) -> Vec<Option<&str>> {
        let mut s = vec![None; 10];
        assert!(scan(line.as_bytes(), &mut s), "{line}");
        s.into_iter().map(|r| r.map(|r| &line[r])).collect()
    }

    #[test]
    fn documented_lines() {
        let g = read("[Fri Sep 09 10:42:29.902022 2011] [core:error] [pid 35708:tid 4328636416] [client 72.15.99.187] File does not exist: /usr/local/apache2/htdocs/favicon.ico");
        assert_eq!(g[TS], Some("Fri Sep 09 10:42:29.902022 2011"));
        assert_eq!(g[MODULE], Some("core"));
        assert_eq!(g[LEVEL], Some("error"));
        assert_eq!(g[PID], Some("35708"));
        assert_eq!(g[TID], Some("4328636416"));
        assert_eq!(g[CLIENT], Some("72.15.99.187"));
        assert_eq!(
            g[MESSAGE],
            Some("File does not exist: /usr/local/apache2/htdocs/favicon.ico")
        );
        let g = read("[Wed Oct 11 14:32:52 2000] [error] [client 127.0.0.1] client denied by server configuration: /export/home/live/ap/htdocs/test, referer: http://x/a");
        assert_eq!(g[MODULE], None);
        assert_eq!(g[PID], None);
        assert_eq!(
            g[MESSAGE],
            Some("client denied by server configuration: /export/home/live/ap/htdocs/test")
        );
        assert_eq!(g[REFERER], Some("http://x/a"));
        let g = read("[Tue Aug  1 13:47:38 2023] [ssl:trace3] [pid 7] ssl_engine_io.c(2135): OpenSSL: read 5/5");
        assert_eq!(g[LEVEL], Some("trace"));
        assert_eq!(g[SOURCE], Some("ssl_engine_io.c(2135)"));
        assert_eq!(g[MESSAGE], Some("OpenSSL: read 5/5"));
    }

    #[test]
    fn refusals() {
        let mut s = vec![None; 10];
        for l in [
            "[Wed Oct 11 14:32:52 2000] [oops] m",
            "[Wed Oct 11 14:32:52 200] [error] m",
            "[wed Oct 11 14:32:52 2000] [error] m",
            "[Wed Oct 11 14:32:52 2000] [error] m\nx",
        ] {
            assert!(!scan(l.as_bytes(), &mut s), "{l}");
        }
    }
}
