//! Scanner for the `nginx-error` dialect: `yyyy/mm/dd hh:mm:ss [level] pid#tid: *conn message,
//! client: ..., server: ..., request: "...", upstream: "...", host: "...", referrer: "..."`.
//! The message is lazy: it ends at the first `, ` from which the request context reads to the
//! end of the line (each part of it is optional but, once its `, key: ` is there, has one
//! way to match).

use super::bytes::{at, digits_at, digits_end, escaped_quote_end, find, is_digit, lit_at, set};
use super::Slots;

/// `nginx-error`: groups ts 1, level 2, pid 3, tid 4, connection 5, message 6, client_ip 7,
/// server 8, request 9, upstream 10, host_header 11, referrer 12.
pub fn scan(line: &[u8], slots: &mut Slots) -> bool {
    // `(\d{4}/\d\d/\d\d \d\d:\d\d:\d\d) \[`
    if !(digits_at(line, 0, 4)
        && at(line, 4) == b'/'
        && digits_at(line, 5, 2)
        && at(line, 7) == b'/'
        && digits_at(line, 8, 2)
        && at(line, 10) == b' '
        && digits_at(line, 11, 2)
        && at(line, 13) == b':'
        && digits_at(line, 14, 2)
        && at(line, 16) == b':'
        && digits_at(line, 17, 2)
        && lit_at(line, 19, b" ["))
    {
        return false;
    }
    // `(debug|info|notice|warn|error|crit|alert|emerg)\] `: no word is a prefix of another.
    const LEVELS: [&[u8]; 8] = [
        b"debug", b"info", b"notice", b"warn", b"error", b"crit", b"alert", b"emerg",
    ];
    let Some(lv) = LEVELS.iter().find(|w| lit_at(line, 21, w)) else {
        return false;
    };
    let l1 = 21 + lv.len();
    if !lit_at(line, l1, b"] ") {
        return false;
    }
    // `(\d+)#(\d+): `
    let p0 = l1 + 2;
    let p1 = digits_end(line, p0);
    if p1 == p0 || at(line, p1) != b'#' {
        return false;
    }
    let t1 = digits_end(line, p1 + 1);
    if t1 == p1 + 1 || !lit_at(line, t1, b": ") {
        return false;
    }
    let m = t1 + 2;
    // `(?:\*(\d+) )?`, then the message and context; without the connection (the message
    // then starts at `*`) only if that fails.
    if at(line, m) == b'*' && is_digit(at(line, m + 1)) {
        let c1 = digits_end(line, m + 1);
        if at(line, c1) == b' ' && message(line, c1 + 1, slots) {
            set(slots, 5, Some(m + 1..c1));
            return finish(slots, t1, p0, p1, l1);
        }
    }
    if message(line, m, slots) {
        set(slots, 5, None);
        return finish(slots, t1, p0, p1, l1);
    }
    false
}

/// Slots of the header once the rest has matched.
fn finish(slots: &mut Slots, t1: usize, p0: usize, p1: usize, l1: usize) -> bool {
    set(slots, 1, Some(0..19));
    set(slots, 2, Some(21..l1));
    set(slots, 3, Some(p0..p1));
    set(slots, 4, Some(p1 + 1..t1));
    true
}

/// `(.*?)` then the context parts and `$`, from `m`: the shortest message (no `\n` in it) after
/// which [`context`] reads to the end.
fn message(line: &[u8], m: usize, slots: &mut Slots) -> bool {
    let nl = find(line, m, b'\n').unwrap_or(line.len());
    let mut k = m;
    while let Some(c) = find(&line[..nl], k, b',') {
        if context(line, c, slots) {
            set(slots, 6, Some(m..c));
            set(slots, 0, Some(0..line.len()));
            return true;
        }
        k = c + 1;
    }
    if nl == line.len() && m <= nl {
        for g in 7..=12 {
            set(slots, g, None);
        }
        set(slots, 6, Some(m..nl));
        set(slots, 0, Some(0..line.len()));
        return true;
    }
    false
}

/// `(?:, client: ([^,]*))?(?:, server: ([^,]*))?(?:, request: "((?:[^"\\]|\\.)*)")?(?:,
/// upstream: "([^"]*)")?(?:, host: "([^"]*)")?(?:, referrer: "([^"]*)")?$` from `c`.
/// Each part starts with its own `, key: `, so a part that starts and fails leaves text no
/// later part (nor the end) takes: the whole context fails.
fn context(line: &[u8], c: usize, slots: &mut Slots) -> bool {
    let mut k = c;
    let mut spans: [Option<std::ops::Range<usize>>; 6] = Default::default();
    if lit_at(line, k, b", client: ") {
        let e = find(line, k + 10, b',').unwrap_or(line.len());
        spans[0] = Some(k + 10..e);
        k = e;
    }
    if lit_at(line, k, b", server: ") {
        let e = find(line, k + 10, b',').unwrap_or(line.len());
        spans[1] = Some(k + 10..e);
        k = e;
    }
    if lit_at(line, k, b", request: \"") {
        if let Some(q) = escaped_quote_end(line, k + 12) {
            spans[2] = Some(k + 12..q);
            k = q + 1;
        }
    }
    for (i, key) in [
        (3, &b", upstream: \""[..]),
        (4, b", host: \""),
        (5, b", referrer: \""),
    ] {
        if lit_at(line, k, key) {
            if let Some(q) = find(line, k + key.len(), b'"') {
                spans[i] = Some(k + key.len()..q);
                k = q + 1;
            }
        }
    }
    if k != line.len() {
        return false;
    }
    for (i, s) in spans.into_iter().enumerate() {
        set(slots, 7 + i, s);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ops::Range;

    fn read(line: &str) -> Option<Vec<Option<&str>>> {
        let mut slots = vec![None::<Range<usize>>; 13];
        if !scan(line.as_bytes(), &mut slots) {
            return None;
        }
        Some(slots.into_iter().map(|s| s.map(|r| &line[r])).collect())
    }

    #[test]
    fn nginx_error_scanner_reads_message_and_context() {
        let l = r#"2023/08/29 13:47:41 [error] 29#29: *45 open() "/usr/share/nginx/html/x" failed (2: No such file or directory), client: 10.0.0.1, server: example.com, request: "GET /x HTTP/1.1", host: "example.com""#;
        let g = read(l).unwrap();
        assert_eq!(
            (g[1], g[2], g[3], g[4], g[5]),
            (
                Some("2023/08/29 13:47:41"),
                Some("error"),
                Some("29"),
                Some("29"),
                Some("45")
            )
        );
        assert_eq!(
            g[6],
            Some(r#"open() "/usr/share/nginx/html/x" failed (2: No such file or directory)"#)
        );
        assert_eq!(
            (g[7], g[8], g[9]),
            (
                Some("10.0.0.1"),
                Some("example.com"),
                Some("GET /x HTTP/1.1")
            )
        );
        assert_eq!((g[10], g[11], g[12]), (None, Some("example.com"), None));
        // Commas in the message; an upstream and a referrer; an escaped quote in the request.
        let l = r#"2023/08/29 13:47:42 [crit] 1#0: *7 connect() failed, retrying, client: 1.2.3.4, server: _, request: "GET /\"a\" HTTP/1.1", upstream: "http://10.0.0.5:8080/", host: "h", referrer: "http://r/""#;
        let g = read(l).unwrap();
        assert_eq!(
            (g[6], g[7], g[8]),
            (
                Some("connect() failed, retrying"),
                Some("1.2.3.4"),
                Some("_")
            )
        );
        assert_eq!(
            (g[9], g[10], g[12]),
            (
                Some(r#"GET /\"a\" HTTP/1.1"#),
                Some("http://10.0.0.5:8080/"),
                Some("http://r/")
            )
        );
        // No connection, no context: the message is the rest.
        let g = read("2023/08/29 13:47:38 [notice] 1#1: using the \"epoll\" event method").unwrap();
        assert_eq!(
            (g[5], g[6], g[7]),
            (None, Some("using the \"epoll\" event method"), None)
        );
        // `*` not followed by a number and a space stays in the message.
        let g = read("2023/08/29 13:47:38 [warn] 1#1: *3, client: x").unwrap();
        assert_eq!((g[5], g[6], g[7]), (None, Some("*3"), Some("x")));
    }

    #[test]
    fn nginx_error_scanner_refuses_other_lines() {
        for l in [
            "",
            "2023/08/29 13:47:38 [warning] 1#1: m",
            "2023/08/29 13:47:38 [warn] 1: m",
            "2023-08-29 13:47:38 [warn] 1#1: m",
            "2023/08/29 13:47:38 [warn] 1#1: m\nn",
        ] {
            assert_eq!(read(l), None, "{l:?}");
        }
    }

    #[test]
    fn nginx_error_scanner_agrees_with_its_regex_on_random_edits() {
        super::super::bytes::tests::agrees_on_random_edits(
            "nginx-error",
            &[
                r#"2023/08/29 13:47:42 [error] 1#0: *7 connect() failed, retrying, client: 1.2.3.4, server: _, request: "GET /\"a\" HTTP/1.1", upstream: "http://u/", host: "h", referrer: "http://r/""#,
                "2023/08/29 13:47:38 [notice] 1#1: signal process started",
            ],
            &[
                ",",
                ", ",
                ", client: ",
                ", server: a",
                ", request: \"",
                ", upstream: \"x\"",
                ", host: \"h\"",
                ", referrer: \"",
                "\"",
                "\\",
                "*1 ",
            ],
            20_000,
        );
    }
}
