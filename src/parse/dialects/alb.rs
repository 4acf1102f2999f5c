//! AWS Application Load Balancer access log lines, read as the `alb` regex reads them: `http
//! 2023-08-29T13:47:38.984123Z app/my-lb/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.000
//! 0.001 0.000 200 200 34 366 "GET http://example.com:80/ HTTP/1.1" "curl/7.46.0" - -
//! arn:... "Root=1-..." "domain" "cert" 0 2023-... "forward" "-" "-" ...`.
//!
//! Every field is a maximal run ended by the byte after it, so nothing backtracks except two
//! optional parts: the `app/` before the load balancer's name (taken when the name after it
//! reads; either way the field ends at the same space), and the later fields after the trace
//! id (taken when they read and no newline follows them).

use super::util::{digits, is, iso_date_time, last_newline, non_spaces, rest_ok, run, set};
use super::Slots;

const TYPE: usize = 1;
const TS: usize = 2;
const SERVICE: usize = 3;
const CLIENT: usize = 4;
const STATUS: usize = 9;
const TARGET_STATUS: usize = 10;
const RECEIVED: usize = 11;
const METHOD: usize = 13;
const URL: usize = 14;
const PROTO: usize = 15;
const AGENT: usize = 16;
const CIPHER: usize = 17;
const TRACE: usize = 20;
const DOMAIN: usize = 21;
const ERROR_REASON: usize = 27;

/// `\S+ ` at `i`: where the run ends (at the space), if it is not empty and a space follows.
fn field(l: &[u8], i: usize) -> Option<usize> {
    let e = non_spaces(l, i);
    (e > i && is(l, e, b' ')).then_some(e)
}

/// `"[^"]*"` at `i`: the span inside the quotes.
fn quoted(l: &[u8], i: usize) -> Option<std::ops::Range<usize>> {
    if !is(l, i, b'"') {
        return None;
    }
    let k = memchr::memchr(b'"', l.get(i + 1..)?)?;
    Some(i + 1..i + 1 + k)
}

/// `\d+|-` followed by a space at `i`: where it ends.
fn count(l: &[u8], i: usize) -> Option<usize> {
    let e = if is(l, i, b'-') { i + 1 } else { digits(l, i) };
    (e > i && is(l, e, b' ')).then_some(e)
}

pub fn scan(l: &[u8], s: &mut Slots) -> bool {
    scan_opt(l, s).is_some()
}

fn scan_opt(l: &[u8], s: &mut Slots) -> Option<()> {
    // `(?P<type>https?|h2|grpcs?|wss?) `
    let t = run(l, 0, |b| b.is_ascii_alphanumeric());
    if !matches!(
        l.get(..t)?,
        b"http" | b"https" | b"h2" | b"grpc" | b"grpcs" | b"ws" | b"wss"
    ) || !is(l, t, b' ')
    {
        return None;
    }
    // `\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z `
    let d = t + 1;
    let date = l.get(d..)?;
    if !iso_date_time(date) || date[10] != b'T' {
        return None;
    }
    let mut z = d + 19;
    if is(l, z, b'.') {
        let e = digits(l, z + 1);
        if e > z + 1 {
            z = e;
        }
    }
    if !is(l, z, b'Z') || !is(l, z + 1, b' ') {
        return None;
    }
    let ts_end = z + 1;
    // `(?:[a-z]+/)?(?P<service>[^/\s]+)(?:/\S+)? `: both readings end at the space that ends
    // the run of `\S`; the one with the `[a-z]+/` prefix is tried first.
    let p = ts_end + 1;
    let e = field(l, p)?;
    let service = |a: usize| -> Option<std::ops::Range<usize>> {
        let f = a + memchr::memchr(b'/', &l[a..e]).unwrap_or(e - a);
        (f > a && (f == e || f + 1 < e)).then_some(a..f)
    };
    let a = run(l, p, |b| b.is_ascii_lowercase());
    let svc = (a > p && a < e && l[a] == b'/')
        .then(|| service(a + 1))
        .flatten()
        .or_else(|| service(p))?;
    // client, target and the three times: `\S+ ` each.
    let mut fields = [const { 0..0 }; 5];
    let mut i = e + 1;
    for f in &mut fields {
        let e = field(l, i)?;
        *f = i..e;
        i = e + 1;
    }
    // `(?P<status>\d{3}|-) `
    let st = i;
    let st_end = if is(l, i, b'-') {
        i + 1
    } else {
        (digits(l, i) == i + 3).then_some(i + 3)?
    };
    if !is(l, st_end, b' ') {
        return None;
    }
    let tsc = st_end + 1;
    let tsc_end = field(l, tsc)?;
    let rb = tsc_end + 1;
    let rb_end = count(l, rb)?;
    let sb = rb_end + 1;
    let sb_end = count(l, sb)?;
    // `"(?P<method>\S*) (?P<url>\S*) (?P<proto>[^"]*)" "(?P<agent>[^"]*)" `
    let mt = sb_end + 2;
    if !is(l, sb_end + 1, b'"') {
        return None;
    }
    let mt_end = non_spaces(l, mt);
    let u = mt_end + 1;
    let u_end = non_spaces(l, u);
    if !is(l, mt_end, b' ') || !is(l, u_end, b' ') {
        return None;
    }
    let pr = u_end + 1;
    let proto = pr..pr + memchr::memchr(b'"', l.get(pr..)?)?;
    if !is(l, proto.end + 1, b' ') {
        return None;
    }
    let agent = quoted(l, proto.end + 2)?;
    // cipher, protocol, target group: `\S+ ` each.
    let mut tls = [const { 0..0 }; 3];
    let mut i = agent.end + 2;
    if !is(l, agent.end + 1, b' ') {
        return None;
    }
    for f in &mut tls {
        let e = field(l, i)?;
        *f = i..e;
        i = e + 1;
    }
    let trace = quoted(l, i)?;
    let nl = last_newline(l);
    let later = later(l, trace.end + 1).filter(|(_, end)| rest_ok(nl, *end));
    if later.is_none() && !rest_ok(nl, trace.end + 1) {
        return None;
    }
    set(s, 0, Some(0..l.len()));
    set(s, TYPE, Some(0..t));
    set(s, TS, Some(d..ts_end));
    set(s, SERVICE, Some(svc));
    for (k, f) in fields.into_iter().enumerate() {
        set(s, CLIENT + k, Some(f));
    }
    set(s, STATUS, Some(st..st_end));
    set(s, TARGET_STATUS, Some(tsc..tsc_end));
    set(s, RECEIVED, Some(rb..rb_end));
    set(s, RECEIVED + 1, Some(sb..sb_end));
    set(s, METHOD, Some(mt..mt_end));
    set(s, URL, Some(u..u_end));
    set(s, PROTO, Some(proto));
    set(s, AGENT, Some(agent));
    for (k, f) in tls.into_iter().enumerate() {
        set(s, CIPHER + k, Some(f));
    }
    set(s, TRACE, Some(trace));
    match later {
        Some((groups, _)) => {
            for (k, g) in groups.into_iter().enumerate() {
                set(s, DOMAIN + k, Some(g));
            }
        }
        None => {
            for k in DOMAIN..=ERROR_REASON {
                set(s, k, None);
            }
        }
    }
    Some(())
}

/// ` "domain" "cert" priority creation-time "actions" "redirect" "error"` at `i`: the seven
/// spans and where the part ends.
fn later(l: &[u8], i: usize) -> Option<([std::ops::Range<usize>; 7], usize)> {
    if !is(l, i, b' ') {
        return None;
    }
    let domain = quoted(l, i + 1)?;
    if !is(l, domain.end + 1, b' ') {
        return None;
    }
    let cert = quoted(l, domain.end + 2)?;
    if !is(l, cert.end + 1, b' ') {
        return None;
    }
    let pr = cert.end + 2;
    let pr_end = field(l, pr)?;
    let ct = pr_end + 1;
    let ct_end = field(l, ct)?;
    let actions = quoted(l, ct_end + 1)?;
    if !is(l, actions.end + 1, b' ') {
        return None;
    }
    let redirect = quoted(l, actions.end + 2)?;
    if !is(l, redirect.end + 1, b' ') {
        return None;
    }
    let error = quoted(l, redirect.end + 2)?;
    let end = error.end + 1;
    Some((
        [
            domain,
            cert,
            pr..pr_end,
            ct..ct_end,
            actions,
            redirect,
            error,
        ],
        end,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CERT: usize = 22;
    const PRIORITY: usize = 23;
    const ACTIONS: usize = 25;

    fn read(line: &str) -> Vec<Option<&str>> {
        let mut s = vec![None; 28];
        assert!(scan(line.as_bytes(), &mut s), "{line}");
        s.into_iter().map(|r| r.map(|r| &line[r])).collect()
    }

    #[test]
    fn documented_lines() {
        // The HTTP entry of the ALB access-log documentation.
        let g = read("http 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 \"GET http://www.example.com:80/ HTTP/1.1\" \"curl/7.46.0\" - - arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 \"Root=1-58337262-36d228ad5d99923122bbe354\" \"-\" \"-\" 0 2018-07-02T22:22:48.364000Z \"forward\" \"-\" \"-\" \"10.0.0.1:80\" \"200\" \"-\" \"-\"");
        assert_eq!(g[TYPE], Some("http"));
        assert_eq!(g[TS], Some("2018-07-02T22:23:00.186641Z"));
        assert_eq!(g[SERVICE], Some("my-loadbalancer"));
        assert_eq!(g[CLIENT], Some("192.168.131.39:2817"));
        assert_eq!(g[CLIENT + 4], Some("0.000"));
        assert_eq!(g[STATUS], Some("200"));
        assert_eq!(g[RECEIVED], Some("34"));
        assert_eq!(g[RECEIVED + 1], Some("366"));
        assert_eq!(g[METHOD], Some("GET"));
        assert_eq!(g[URL], Some("http://www.example.com:80/"));
        assert_eq!(g[PROTO], Some("HTTP/1.1"));
        assert_eq!(g[AGENT], Some("curl/7.46.0"));
        assert_eq!(g[CIPHER], Some("-"));
        assert_eq!(g[TRACE], Some("Root=1-58337262-36d228ad5d99923122bbe354"));
        assert_eq!(g[DOMAIN], Some("-"));
        assert_eq!(g[CERT], Some("-"));
        assert_eq!(g[PRIORITY], Some("0"));
        assert_eq!(g[ACTIONS], Some("forward"));
        assert_eq!(g[ERROR_REASON], Some("-"));
        // A bare name, no later fields, a failed request.
        let g = read("h2 2018-07-02T22:23:00Z lb 1.2.3.4:1 - -1 -1 -1 460 - 0 - \"GET https://x/ HTTP/2.0\" \"\" c p arn \"-\"");
        assert_eq!(g[SERVICE], Some("lb"));
        assert_eq!(g[STATUS], Some("460"));
        assert_eq!(g[TARGET_STATUS], Some("-"));
        assert_eq!(g[RECEIVED + 1], Some("-"));
        assert_eq!(g[AGENT], Some(""));
        assert_eq!(g[DOMAIN], None);
    }

    #[test]
    fn refusals() {
        let mut s = vec![None; 28];
        for l in [
            "ftp 2018-07-02T22:23:00Z lb a b 0 0 0 200 200 1 2 \"G u p\" \"a\" c p arn \"t\"",
            "http 2018-07-02T22:23:00 lb a b 0 0 0 200 200 1 2 \"G u p\" \"a\" c p arn \"t\"",
            "http 2018-07-02T22:23:00Z lb a b 0 0 0 20 200 1 2 \"G u p\" \"a\" c p arn \"t\"",
            "http 2018-07-02T22:23:00Z lb a b 0 0 0 200 200 1 2 \"G u p\" \"a\" c p arn \"t\"\nx",
        ] {
            assert!(!scan(l.as_bytes(), &mut s), "{l}");
        }
    }
}
