//! Scanner for the `access` dialect (NCSA common and combined log, nginx's default
//! `combined` with trailing `key=value` pairs): `ip ident user [ts] "request" status bytes
//! "referer" "agent" kv`. The request is where the regex backtracks: its path and protocol are
//! optional, and a quote inside the path can end the request when nothing after the path's end
//! does. [`body`] is shared with `apache-vhost`, which puts `vhost:port ` in front.

use super::bytes::{
    all_digits, at, digits_at, dot_to_end, field, find, is_alpha, is_digit, is_upper, lit_at,
    nonspace_end, number_or_dash, quoted, run_end, set, window,
};
use super::Slots;

/// `access`: groups client_ip 1, ident 2, user 3, ts 4, method 5, path 6, proto 7, status 8,
/// bytes 9, referer 10, agent 11, kv 12.
pub fn scan(line: &[u8], slots: &mut Slots) -> bool {
    set(slots, 0, Some(0..line.len()));
    body(line, 0, slots, 1)
}

/// The combined format from `i` (the client address) to the end of the line, its twelve
/// groups in slots `g..g + 12`.
pub fn body(line: &[u8], i: usize, slots: &mut Slots, g: usize) -> bool {
    // `(\S+) (\S+) (\S+) \[`: each field is the whole run (a shorter one is followed by a
    // non-space).
    let Some(e) = field(line, i) else {
        return false;
    };
    set(slots, g, Some(i..e));
    let i = e + 1;
    let Some(e) = field(line, i) else {
        return false;
    };
    set(slots, g + 1, Some(i..e));
    let i = e + 1;
    let Some(e) = field(line, i) else {
        return false;
    };
    set(slots, g + 2, Some(i..e));
    let i = e + 1;
    if at(line, i) != b'[' {
        return false;
    }
    // `\d{1,2}/[A-Za-z]{3}/\d{4}:\d\d:\d\d:\d\d(?: [+-]\d{4})?\]`
    let t0 = i + 1;
    if !is_digit(at(line, t0)) {
        return false;
    }
    let mut j = if is_digit(at(line, t0 + 1)) {
        t0 + 2
    } else {
        t0 + 1
    };
    // `/Oct/2000:13:55:36`
    let Some(w) = window::<18>(line, j) else {
        return false;
    };
    if !(w[0] == b'/'
        && is_alpha(w[1])
        && is_alpha(w[2])
        && is_alpha(w[3])
        && w[4] == b'/'
        && all_digits(&w[5..9])
        && w[9] == b':'
        && all_digits(&w[10..12])
        && w[12] == b':'
        && all_digits(&w[13..15])
        && w[15] == b':'
        && all_digits(&w[16..18]))
    {
        return false;
    }
    j += 18;
    if let Some(z) = window::<6>(line, j) {
        if z[0] == b' ' && matches!(z[1], b'+' | b'-') && all_digits(&z[2..]) {
            j += 6;
        }
    }
    if !lit_at(line, j, b"] \"") {
        return false;
    }
    set(slots, g + 3, Some(t0..j));
    // `"([A-Z]+|-)`: the whole run of capitals (a shorter one is followed by a capital, and
    // the request needs a space or a quote next).
    let m0 = j + 3;
    let p = match at(line, m0) {
        b'-' => m0 + 1,
        b if is_upper(b) => run_end(line, m0, is_upper),
        _ => return false,
    };
    set(slots, g + 4, Some(m0..p));
    request(line, p, slots, g)
}

/// `(?: (\S+))?(?: ([^"]*))?"` after the method (ending at `p`) and the rest of the line, in
/// the regex's order of preference.
#[inline(always)]
fn request(line: &[u8], p: usize, slots: &mut Slots, g: usize) -> bool {
    if at(line, p) == b' ' {
        let e = nonspace_end(line, p + 1);
        if e > p + 1 {
            // 1. The whole path, then a protocol up to the first quote.
            if at(line, e) == b' ' {
                if let Some(q) = find(line, e + 1, b'"') {
                    if tail(line, q, slots, g) {
                        set(slots, g + 5, Some(p + 1..e));
                        set(slots, g + 6, Some(e + 1..q));
                        return true;
                    }
                }
            }
            // 2. A shorter path ending at a quote inside it, the longest first, no protocol.
            let mut x = e;
            while let Some(k) = memchr::memrchr(b'"', &line[p + 2..x]) {
                let q = p + 2 + k;
                if tail(line, q, slots, g) {
                    set(slots, g + 5, Some(p + 1..q));
                    set(slots, g + 6, None);
                    return true;
                }
                x = q;
            }
        }
        // 3. No path: the protocol is all up to the first quote.
        if let Some(q) = find(line, p + 1, b'"') {
            if tail(line, q, slots, g) {
                set(slots, g + 5, None);
                set(slots, g + 6, Some(p + 1..q));
                return true;
            }
        }
        return false;
    }
    // 4. Neither: the quote right after the method.
    if at(line, p) == b'"' && tail(line, p, slots, g) {
        set(slots, g + 5, None);
        set(slots, g + 6, None);
        return true;
    }
    false
}

/// ` (\d{3}) (\d+|-)(?: "([^"]*)" "([^"]*)")?(.*)$` after the request's closing quote at `q`.
#[inline(always)]
fn tail(line: &[u8], q: usize, slots: &mut Slots, g: usize) -> bool {
    let s = q + 2;
    if !(at(line, q + 1) == b' ' && digits_at(line, s, 3) && at(line, s + 3) == b' ') {
        return false;
    }
    // The whole number: a shorter one leaves a digit that the optional group refuses and
    // `.*` takes, so the kv part would only get longer.
    let Some(b1) = number_or_dash(line, s + 4) else {
        return false;
    };
    let mut k = b1;
    let (mut referer, mut agent) = (None, None);
    if at(line, k) == b' ' {
        if let Some(r) = quoted(line, k + 1) {
            if at(line, r.end + 1) == b' ' {
                if let Some(a) = quoted(line, r.end + 2) {
                    k = a.end + 1;
                    referer = Some(r);
                    agent = Some(a);
                }
            }
        }
    }
    // `.*$` from there; without the optional group it starts earlier and holds the same `\n`.
    if !dot_to_end(line, k) {
        return false;
    }
    set(slots, g + 7, Some(s..s + 3));
    set(slots, g + 8, Some(s + 4..b1));
    set(slots, g + 9, referer);
    set(slots, g + 10, agent);
    set(slots, g + 11, Some(k..line.len()));
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
    fn access_scanner_reads_combined_lines() {
        let l = r#"203.0.113.7 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)""#;
        let g = read(l).unwrap();
        assert_eq!(g[1], Some("203.0.113.7"));
        assert_eq!(g[3], Some("frank"));
        assert_eq!(g[4], Some("10/Oct/2000:13:55:36 -0700"));
        assert_eq!(g[5], Some("GET"));
        assert_eq!(g[6], Some("/apache_pb.gif"));
        assert_eq!(g[7], Some("HTTP/1.0"));
        assert_eq!(g[8], Some("200"));
        assert_eq!(g[9], Some("2326"));
        assert_eq!(g[10], Some("http://www.example.com/start.html"));
        assert_eq!(g[11], Some("Mozilla/4.08 [en] (Win98; I ;Nav)"));
        assert_eq!(g[12], Some(""));
    }

    #[test]
    fn access_scanner_reads_odd_requests_and_trailing_pairs() {
        // A request nginx could not parse is logged as "-".
        let g = read(r#"10.0.0.1 - - [1/Feb/2024:00:00:01 +0000] "-" 400 0 "-" "-""#).unwrap();
        assert_eq!((g[5], g[6], g[7]), (Some("-"), None, None));
        assert_eq!((g[8], g[9], g[10]), (Some("400"), Some("0"), Some("-")));
        // Common log format: no referer, no agent; no zone either.
        let g = read(r#"::1 - - [01/Feb/2024:00:00:01] "HEAD /" 304 -"#).unwrap();
        assert_eq!(
            (g[4], g[6], g[7]),
            (Some("01/Feb/2024:00:00:01"), Some("/"), None)
        );
        assert_eq!(
            (g[9], g[10], g[11], g[12]),
            (Some("-"), None, None, Some(""))
        );
        // A protocol with spaces and no quote inside it.
        let g = read(r#"h - - [01/Feb/2024:00:00:01 +0100] "GET /a b c" 200 5"#).unwrap();
        assert_eq!((g[6], g[7]), (Some("/a"), Some("b c")));
        // A quote inside the path ends the request when the rest fits nothing else.
        let g = read(r#"h - - [01/Feb/2024:00:00:01 +0100] "GET /x"y" 200 5"#).unwrap();
        assert_eq!((g[6], g[7]), (Some("/x\"y"), None));
        let g = read(r#"h - - [01/Feb/2024:00:00:01 +0100] "GET /x" 200 5"y" 200 7"#).unwrap();
        assert_eq!((g[6], g[7], g[9]), (Some("/x"), None, Some("5")));
        // nginx's combined format with `rt=$request_time req_id=$request_id` appended.
        let l = r#"10.1.2.3 - - [29/Aug/2023:13:47:38 +0000] "POST /api/orders HTTP/1.1" 502 157 "-" "curl/8.0" rt=0.1 req_id=x"#;
        let g = read(l).unwrap();
        assert_eq!((g[10], g[11]), (Some("-"), Some("curl/8.0")));
        assert_eq!(g[12], Some(" rt=0.1 req_id=x"));
        // A referer without an agent leaves both to the kv part.
        let g = read(r#"h - - [01/Feb/2024:00:00:01 +0100] "GET / HTTP/1.1" 200 5 "r""#).unwrap();
        assert_eq!((g[10], g[11], g[12]), (None, None, Some(r#" "r""#)));
    }

    #[test]
    fn access_scanner_refuses_other_lines() {
        for l in [
            "",
            "Aug 29 13:47:38 web-01 sshd[2211]: Accepted",
            r#"h - - [1/Feb/2024:00:00:01 +0000] "get / HTTP/1.1" 200 1"#,
            r#"h - - [1/Feb/2024:00:00:01 +0000] "GET / HTTP/1.1" 20 1"#,
            r#"h - - [1/Feb/2024:00:00:01 +0000] "GET / HTTP/1.1" 200"#,
            r#"h - - [1/Feb/2024:00:00:01 +0000 "GET / HTTP/1.1" 200 1"#,
            "h - - [1/Feb/2024:00:00:01 +0000] \"GET / HTTP/1.1\" 200 1 x\ny",
        ] {
            assert_eq!(read(l), None, "{l:?}");
        }
    }

    #[test]
    fn access_scanner_agrees_with_its_regex_on_random_edits() {
        super::super::bytes::tests::agrees_on_random_edits(
            "access",
            &[
                r#"10.1.2.3 - - [29/Aug/2023:13:47:38 +0000] "POST /api/orders HTTP/1.1" 502 157 "-" "curl/8.0" rt=0.1 req_id=x"#,
                r#"::1 - bob [1/Feb/2024:00:00:01] "GET /a"b HTTP/1.1" 200 - "r" "a""#,
                r#"h - - [01/Feb/2024:00:00:01 +0100] "-" 400 0"#,
            ],
            &[
                "\"",
                " \"",
                "\" ",
                " ",
                "/x\"",
                " 200 ",
                " 1",
                "\" \"",
                " HTTP/1.1",
            ],
            20_000,
        );
    }
}
