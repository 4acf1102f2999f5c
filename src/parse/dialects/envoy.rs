//! Scanner for the `envoy` dialect (Envoy's default access log format): `[ts] "METHOD path
//! proto" status flags bytes_in bytes_out duration upstream_time "xff" "agent" "request id"
//! "authority" "upstream host"` and anything after it. Every field of the regex has one way
//! to match (a path is a whole `\S+` run, each quoted field ends at its first quote), so the
//! scan runs straight through.

use super::bytes::{
    at, digits_at, dot_to_end, field, find, is_digit, is_upper, lit_at, number_or_dash, quoted,
    run_end, set,
};
use super::Slots;

/// `envoy`: groups ts 1, method 2, path 3, proto 4, status 5, flags 6, bytes_in 7,
/// bytes_out 8, duration 9, upstream_time 10, forwarded_for 11, agent 12, x_request_id 13,
/// authority 14, upstream_host 15, kv 16.
pub fn scan(line: &[u8], slots: &mut Slots) -> bool {
    // `\[(\d{4}-\d\d-\d\dT[^\]]+)\] "`
    if !(at(line, 0) == b'['
        && digits_at(line, 1, 4)
        && at(line, 5) == b'-'
        && digits_at(line, 6, 2)
        && at(line, 8) == b'-'
        && digits_at(line, 9, 2)
        && at(line, 11) == b'T')
    {
        return false;
    }
    let Some(e) = find(line, 12, b']') else {
        return false;
    };
    if e == 12 || !lit_at(line, e, b"] \"") {
        return false;
    }
    set(slots, 1, Some(1..e));
    // `([A-Z]+|-) (\S+) ([^"]*)" `
    let m0 = e + 3;
    let m1 = match at(line, m0) {
        b'-' => m0 + 1,
        b if is_upper(b) => run_end(line, m0, is_upper),
        _ => return false,
    };
    if at(line, m1) != b' ' {
        return false;
    }
    set(slots, 2, Some(m0..m1));
    let Some(p1) = field(line, m1 + 1) else {
        return false;
    };
    set(slots, 3, Some(m1 + 1..p1));
    let Some(q) = find(line, p1 + 1, b'"') else {
        return false;
    };
    set(slots, 4, Some(p1 + 1..q));
    // ` (\d{1,3}) `
    let s0 = q + 2;
    let s1 = run_end(line, s0, is_digit).min(s0 + 3);
    if at(line, q + 1) != b' ' || s1 == s0 || at(line, s1) != b' ' {
        return false;
    }
    set(slots, 5, Some(s0..s1));
    // `(\S+) (\d+|-) (\d+|-) (\d+|-) (\S+) `
    let i = s1 + 1;
    let Some(f1) = field(line, i) else {
        return false;
    };
    set(slots, 6, Some(i..f1));
    let mut i = f1 + 1;
    for g in 7..=9 {
        let Some(n) = number_or_dash(line, i) else {
            return false;
        };
        if at(line, n) != b' ' {
            return false;
        }
        set(slots, g, Some(i..n));
        i = n + 1;
    }
    let Some(u1) = field(line, i) else {
        return false;
    };
    set(slots, 10, Some(i..u1));
    // `"([^"]*)"` five times, a space between.
    let mut i = u1 + 1;
    for g in 11..=15 {
        if g > 11 {
            if at(line, i) != b' ' {
                return false;
            }
            i += 1;
        }
        let Some(r) = quoted(line, i) else {
            return false;
        };
        i = r.end + 1;
        set(slots, g, Some(r));
    }
    // `(.*)$`
    if !dot_to_end(line, i) {
        return false;
    }
    set(slots, 16, Some(i..line.len()));
    set(slots, 0, Some(0..line.len()));
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ops::Range;

    fn read(line: &str) -> Option<Vec<Option<&str>>> {
        let mut slots = vec![None::<Range<usize>>; 17];
        if !scan(line.as_bytes(), &mut slots) {
            return None;
        }
        Some(slots.into_iter().map(|s| s.map(|r| &line[r])).collect())
    }

    #[test]
    fn envoy_scanner_reads_the_default_format() {
        let l = r#"[2016-04-15T20:17:00.310Z] "POST /api/v1/locations HTTP/2" 204 - 154 0 226 100 "10.0.35.28" "nsq2http" "cc21d9b0-cf5c-432b-8c7e-98aeb7988cd2" "locations" "tcp://10.0.2.1:80""#;
        let g = read(l).unwrap();
        assert_eq!(
            (g[1], g[2], g[3], g[4]),
            (
                Some("2016-04-15T20:17:00.310Z"),
                Some("POST"),
                Some("/api/v1/locations"),
                Some("HTTP/2")
            )
        );
        assert_eq!(
            (g[5], g[6], g[7], g[8], g[9], g[10]),
            (
                Some("204"),
                Some("-"),
                Some("154"),
                Some("0"),
                Some("226"),
                Some("100")
            )
        );
        assert_eq!((g[11], g[12]), (Some("10.0.35.28"), Some("nsq2http")));
        assert_eq!(g[13], Some("cc21d9b0-cf5c-432b-8c7e-98aeb7988cd2"));
        assert_eq!(
            (g[14], g[15], g[16]),
            (Some("locations"), Some("tcp://10.0.2.1:80"), Some(""))
        );
        // A TCP proxy line: no method, empty quoted fields, more after the last one.
        let l = r#"[2024-01-02T03:04:05.000+0000] "- - -" 0 UF 0 0 - - "-" "-" "-" "-" "" x=1"#;
        let g = read(l).unwrap();
        assert_eq!(
            (g[2], g[3], g[4], g[5], g[6]),
            (Some("-"), Some("-"), Some("-"), Some("0"), Some("UF"))
        );
        assert_eq!(
            (g[9], g[10], g[15], g[16]),
            (Some("-"), Some("-"), Some(""), Some(" x=1"))
        );
    }

    #[test]
    fn envoy_scanner_refuses_other_lines() {
        for l in [
            "",
            "[2024-01-02T] \"GET / HTTP/1.1\" 200 - 0 0 1 1 \"-\" \"-\" \"-\" \"-\" \"-\"",
            "[2024-01-02T03:04:05Z] \"GET / HTTP/1.1\" 2000 - 0 0 1 1 \"-\" \"-\" \"-\" \"-\" \"-\"",
            "[2024-01-02T03:04:05Z] \"GET /\" 200 - 0 0 1 1 \"-\" \"-\" \"-\" \"-\" \"-\"",
            "[2024-01-02T03:04:05Z] \"GET / HTTP/1.1\" 200 - 0 0 1 1 \"-\" \"-\" \"-\" \"-\"",
            "[2024-01-02T03:04:05Z] \"GET / HTTP/1.1\" 200 - 0 0 1 1 \"-\" \"-\" \"-\" \"-\" \"-\"\n",
        ] {
            assert_eq!(read(l), None, "{l:?}");
        }
    }

    #[test]
    fn envoy_scanner_agrees_with_its_regex_on_random_edits() {
        super::super::bytes::tests::agrees_on_random_edits(
            "envoy",
            &[
                r#"[2024-01-02T03:04:05.000Z] "GET /a?b HTTP/1.1" 503 UF,URX 0 91 12 - "10.0.0.9" "curl/8.1" "9e1c" "api" "10.1.0.5:8080" a=b"#,
                r#"[2024-01-02T03:04:05.000Z] "- - -" 0 - 0 0 - - "-" "-" "-" "-" """#,
            ],
            &["\"", " \"", "\" ", " ", "]", " 1", " -", "\" \""],
            20_000,
        );
    }
}
