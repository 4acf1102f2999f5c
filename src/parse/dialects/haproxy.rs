//! Scanner for the `haproxy` dialect: HAProxy's HTTP log (`option httplog`) under a syslog
//! header, or any other HAProxy line (kept whole as `message2`). The header has one way to
//! match; the HTTP log is tried first and, when any part of it fails, the line is read as
//! `message2`. Inside the HTTP log every field ends at a byte its class cannot take, except
//! the optional header captures, tried in the regex's order.

use super::bytes::{
    at, bsd_time_end, digits_at, digits_end, dot_to_end, field, find, is_digit, is_space, set,
};
use super::Slots;

const TS: usize = 1;
const HOST: usize = 2;
const SERVICE: usize = 3;
const PID: usize = 4;
const CLIENT: usize = 5;
const MESSAGE: usize = 21;
const MESSAGE2: usize = 22;

/// `haproxy`: groups ts 1, host 2, service 3, pid 4, client 5 .. res_headers 20 (in the
/// regex's order), message 21, message2 22.
pub fn scan(line: &[u8], slots: &mut Slots) -> bool {
    // `(?:<\d{1,3}>)?`
    let mut i = 0;
    if at(line, 0) == b'<' {
        let d = digits_end(line, 1).min(4);
        if d == 1 || at(line, d) != b'>' {
            return false;
        }
        i = d + 1;
    }
    // `[A-Z][a-z]{2} [ \d]\d(?: \d{4})? \d\d:\d\d:\d\d(?:\.\d+)?`
    let t0 = i;
    let Some(j) = bsd_time_end(line, i) else {
        return false;
    };
    // ` (\S+) (haproxy[\w\-]*)(?:\[(\d+)\])?: `
    let h0 = j + 1;
    let Some(he) = field(line, h0) else {
        return false;
    };
    let s0 = he + 1;
    if line.get(s0..s0 + 7) != Some(b"haproxy") {
        return false;
    }
    let se = run(line, s0 + 7, |b| super::bytes::is_word(b) || b == b'-');
    let mut k = se;
    let mut pid = None;
    if at(line, k) == b'[' {
        let d = digits_end(line, k + 1);
        if d == k + 1 || at(line, d) != b']' {
            return false;
        }
        pid = Some(k + 1..d);
        k = d + 1;
    }
    if !(at(line, k) == b':' && at(line, k + 1) == b' ') {
        return false;
    }
    let p = k + 2;
    if !http(line, p, slots) {
        if !dot_to_end(line, p) {
            return false;
        }
        for g in CLIENT..=MESSAGE {
            set(slots, g, None);
        }
        set(slots, MESSAGE2, Some(p..line.len()));
    }
    set(slots, 0, Some(0..line.len()));
    set(slots, TS, Some(t0..j));
    set(slots, HOST, Some(h0..he));
    set(slots, SERVICE, Some(s0..se));
    set(slots, PID, pid);
    true
}

/// End of the run from `i` of bytes that satisfy `f`.
fn run(line: &[u8], i: usize, f: impl Fn(u8) -> bool) -> usize {
    super::bytes::run_end(line, i, f)
}

/// The HTTP log alternative from `p` to the end of the line: on a match, sets groups 5..=22.
fn http(line: &[u8], p: usize, slots: &mut Slots) -> bool {
    // `(\S+):(\d+) \[`: the client's port is the digits before the field's end.
    let Some(e) = field(line, p) else {
        return false;
    };
    let mut ds = e;
    while ds > p && is_digit(line[ds - 1]) {
        ds -= 1;
    }
    if ds == e || ds < p + 2 || line[ds - 1] != b':' || at(line, e + 1) != b'[' {
        return false;
    }
    let client = p..ds - 1;
    let port = ds..e;
    // `\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d(?:\.\d+)?\] `
    let t = e + 2;
    if !(digits_at(line, t, 2)
        && at(line, t + 2) == b'/'
        && at(line, t + 3).wrapping_sub(b'A') < 26
        && at(line, t + 4).wrapping_sub(b'a') < 26
        && at(line, t + 5).wrapping_sub(b'a') < 26
        && at(line, t + 6) == b'/'
        && digits_at(line, t + 7, 4)
        && at(line, t + 11) == b':'
        && digits_at(line, t + 12, 2)
        && at(line, t + 14) == b':'
        && digits_at(line, t + 15, 2)
        && at(line, t + 17) == b':'
        && digits_at(line, t + 18, 2))
    {
        return false;
    }
    let mut te = t + 20;
    if at(line, te) == b'.' && is_digit(at(line, te + 1)) {
        te = digits_end(line, te + 1);
    }
    if !(at(line, te) == b']' && at(line, te + 1) == b' ') {
        return false;
    }
    // `(\S+) ([^/\s]+)/(\S+) `
    let f0 = te + 2;
    let Some(fe) = field(line, f0) else {
        return false;
    };
    let b0 = fe + 1;
    let be = run(line, b0, |b| b != b'/' && !is_space(b));
    if be == b0 || at(line, be) != b'/' {
        return false;
    }
    let v0 = be + 1;
    let Some(ve) = field(line, v0) else {
        return false;
    };
    // `([+\-\d/]+) (-?\d+) (\+?\d+) `
    let m0 = ve + 1;
    let me = run(line, m0, |b| {
        b == b'+' || b == b'-' || b == b'/' || is_digit(b)
    });
    if me == m0 || at(line, me) != b' ' {
        return false;
    }
    let st0 = me + 1;
    let sd = st0 + usize::from(at(line, st0) == b'-');
    let ste = digits_end(line, sd);
    if ste == sd || at(line, ste) != b' ' {
        return false;
    }
    let y0 = ste + 1;
    let yd = y0 + usize::from(at(line, y0) == b'+');
    let ye = digits_end(line, yd);
    if ye == yd || at(line, ye) != b' ' {
        return false;
    }
    // `(\S+) (\S+) (\S{4}) `
    let c0 = ye + 1;
    let Some(ce) = field(line, c0) else {
        return false;
    };
    let r0 = ce + 1;
    let Some(re) = field(line, r0) else {
        return false;
    };
    let x0 = re + 1;
    if field(line, x0) != Some(x0 + 4) {
        return false;
    }
    // `([+\d/]+) (\d+/\d+)`
    let n0 = x0 + 5;
    let ne = run(line, n0, |b| b == b'+' || b == b'/' || is_digit(b));
    if ne == n0 || at(line, ne) != b' ' {
        return false;
    }
    let q0 = ne + 1;
    let q1 = digits_end(line, q0);
    let qe = digits_end(line, q1 + 1);
    if q1 == q0 || at(line, q1) != b'/' || qe == q1 + 1 {
        return false;
    }
    // `(?: \{([^}]*)\})?(?: \{([^}]*)\})? "([^"]*)"?$`, in the regex's order.
    let (mut req, mut res, mut msg) = (None, None, None);
    if let Some(a) = braces(line, qe) {
        if let Some(b) = braces(line, a.end + 1) {
            if let Some(m) = tail(line, b.end + 1) {
                (req, res, msg) = (Some(a.clone()), Some(b), Some(m));
            }
        }
        if msg.is_none() {
            if let Some(m) = tail(line, a.end + 1) {
                (req, msg) = (Some(a), Some(m));
            }
        }
    } else if let Some(m) = tail(line, qe) {
        msg = Some(m);
    }
    let Some(msg) = msg else {
        return false;
    };
    set(slots, CLIENT, Some(client));
    set(slots, 6, Some(port));
    set(slots, 7, Some(t..te));
    set(slots, 8, Some(f0..fe));
    set(slots, 9, Some(b0..be));
    set(slots, 10, Some(v0..ve));
    set(slots, 11, Some(m0..me));
    set(slots, 12, Some(st0..ste));
    set(slots, 13, Some(y0..ye));
    set(slots, 14, Some(c0..ce));
    set(slots, 15, Some(r0..re));
    set(slots, 16, Some(x0..x0 + 4));
    set(slots, 17, Some(n0..ne));
    set(slots, 18, Some(q0..qe));
    set(slots, 19, req);
    set(slots, 20, res);
    set(slots, MESSAGE, Some(msg));
    set(slots, MESSAGE2, None);
    true
}

/// ` \{([^}]*)\}` at `i`: the span inside the braces.
fn braces(line: &[u8], i: usize) -> Option<std::ops::Range<usize>> {
    if !(at(line, i) == b' ' && at(line, i + 1) == b'{') {
        return None;
    }
    find(line, i + 2, b'}').map(|e| i + 2..e)
}

/// ` "([^"]*)"?$` at `i`: the message's span.
fn tail(line: &[u8], i: usize) -> Option<std::ops::Range<usize>> {
    if !(at(line, i) == b' ' && at(line, i + 1) == b'"') {
        return None;
    }
    match find(line, i + 2, b'"') {
        None => Some(i + 2..line.len()),
        Some(q) if q + 1 == line.len() => Some(i + 2..q),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(line: &str) -> Vec<Option<&str>> {
        let mut s = vec![None; 23];
        assert!(scan(line.as_bytes(), &mut s), "{line}");
        s.into_iter().map(|r| r.map(|r| &line[r])).collect()
    }

    #[test]
    fn lines() {
        let g = read(
            "Feb  6 12:14:14 localhost haproxy[14389]: 10.0.1.2:33317 [06/Feb/2009:12:14:14.655] http-in static/srv1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 {1wt.eu} {} \"GET /index.html HTTP/1.1\"",
        );
        assert_eq!(g[TS], Some("Feb  6 12:14:14"));
        assert_eq!(g[HOST], Some("localhost"));
        assert_eq!(g[SERVICE], Some("haproxy"));
        assert_eq!(g[PID], Some("14389"));
        assert_eq!(g[CLIENT], Some("10.0.1.2"));
        assert_eq!(g[6], Some("33317"));
        assert_eq!(g[7], Some("06/Feb/2009:12:14:14.655"));
        assert_eq!(g[8], Some("http-in"));
        assert_eq!(g[9], Some("static"));
        assert_eq!(g[10], Some("srv1"));
        assert_eq!(g[11], Some("10/0/30/69/109"));
        assert_eq!(g[12], Some("200"));
        assert_eq!(g[13], Some("2750"));
        assert_eq!(g[16], Some("----"));
        assert_eq!(g[17], Some("1/1/1/1/0"));
        assert_eq!(g[18], Some("0/0"));
        assert_eq!(g[19], Some("1wt.eu"));
        assert_eq!(g[20], Some(""));
        assert_eq!(g[MESSAGE], Some("GET /index.html HTTP/1.1"));
        assert_eq!(g[MESSAGE2], None);
        let g = read("<134>Feb  6 12:14:14 lb-01 haproxy[1]: Proxy http-in started.");
        assert_eq!(g[MESSAGE2], Some("Proxy http-in started."));
        assert_eq!(g[CLIENT], None);
        assert_eq!(g[MESSAGE], None);
        let g = read("Feb 16 2024 12:14:14 lb haproxy-ingress: 1.2.3.4:5 [06/Feb/2009:12:14:14] fe be/<NOSRV> -1/-1/-1/-1/0 -1 +0 - - PR-- 0/0/0/0/3 0/0 \"<BADREQ>");
        assert_eq!(g[SERVICE], Some("haproxy-ingress"));
        assert_eq!(g[PID], None);
        assert_eq!(g[10], Some("<NOSRV>"));
        assert_eq!(g[12], Some("-1"));
        assert_eq!(g[MESSAGE], Some("<BADREQ>"));
    }

    #[test]
    fn refusals() {
        let mut s = vec![None; 23];
        for l in [
            "Feb  6 12:14:14 lb nginx[1]: 10.0.1.2:33317 [06/Feb/2009:12:14:14.655] x",
            "Feb  6 12:14:14 lb haproxy[x]: started",
            "Feb  6 12:14:14 lb haproxy: a\nb",
        ] {
            assert!(!scan(l.as_bytes(), &mut s), "{l}");
        }
    }

    #[test]
    fn agrees_on_random_edits() {
        super::super::bytes::tests::agrees_on_random_edits(
            "haproxy",
            &[
                "Feb  6 12:14:14 localhost haproxy[14389]: 10.0.1.2:33317 [06/Feb/2009:12:14:14.655] http-in static/srv1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 {1wt.eu} {} \"GET /index.html HTTP/1.1\"",
                "<134>Feb  6 2024 12:14:14 lb haproxy: ::1:80 [06/Feb/2009:12:14:14] fe be/s +1/-1 -1 +0 a b cD-- +1/2 3/4 \"GET /\"",
                "Feb  6 12:14:14 lb-01 haproxy[9]: Server api/app1 is DOWN, reason: Layer4 timeout",
            ],
            &[" ", "\"", "{", "}", " {a}", ":", "/", " -", "--", "haproxy"],
            20_000,
        );
    }
}
