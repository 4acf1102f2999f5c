//! Scanner for the `apache-vhost` dialect (Apache's `vhost_combined`, Debian's
//! `other_vhosts_access.log`): `vhost:port ` in front of the combined format, which the
//! `access` scanner reads.

use super::access;
use super::bytes::{at, digits_end, is_digit, is_word, run_end, set};
use super::Slots;

/// `apache-vhost`: groups service 1, port 2, then `access`'s twelve (client_ip 3 .. kv 14).
pub fn scan(line: &[u8], slots: &mut Slots) -> bool {
    // `([\w.\-]+):(\d+) `: the whole run of name bytes (a shorter one is followed by one, not
    // by `:`), then the whole port.
    let n = run_end(line, 0, |b| is_word(b) || b == b'.' || b == b'-');
    if n == 0 || at(line, n) != b':' || !is_digit(at(line, n + 1)) {
        return false;
    }
    let p = digits_end(line, n + 1);
    if at(line, p) != b' ' {
        return false;
    }
    set(slots, 0, Some(0..line.len()));
    set(slots, 1, Some(0..n));
    set(slots, 2, Some(n + 1..p));
    access::body(line, p + 1, slots, 3)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ops::Range;

    fn read(line: &str) -> Option<Vec<Option<&str>>> {
        let mut slots = vec![None::<Range<usize>>; 15];
        if !scan(line.as_bytes(), &mut slots) {
            return None;
        }
        Some(slots.into_iter().map(|s| s.map(|r| &line[r])).collect())
    }

    #[test]
    fn apache_vhost_scanner_reads_vhost_combined() {
        let l = r#"www.example.com:443 192.0.2.10 - - [29/Aug/2023:13:47:38 +0200] "GET /index.html HTTP/1.1" 200 5120 "https://www.example.com/" "Mozilla/5.0 (X11; Linux x86_64)""#;
        let g = read(l).unwrap();
        assert_eq!(
            (g[1], g[2], g[3]),
            (Some("www.example.com"), Some("443"), Some("192.0.2.10"))
        );
        assert_eq!(
            (g[6], g[7], g[8], g[9]),
            (
                Some("29/Aug/2023:13:47:38 +0200"),
                Some("GET"),
                Some("/index.html"),
                Some("HTTP/1.1")
            )
        );
        assert_eq!(
            (g[10], g[11], g[12], g[13], g[14]),
            (
                Some("200"),
                Some("5120"),
                Some("https://www.example.com/"),
                Some("Mozilla/5.0 (X11; Linux x86_64)"),
                Some("")
            )
        );
        // The default vhost's name, a request Apache could not read, no referer or agent.
        let g = read(r#"127.0.1.1:80 ::1 - - [1/Sep/2023:06:25:01 +0000] "-" 408 0"#).unwrap();
        assert_eq!(
            (g[1], g[7], g[8], g[9], g[10]),
            (Some("127.0.1.1"), Some("-"), None, None, Some("408"))
        );
        assert_eq!((g[12], g[13], g[14]), (None, None, Some("")));
    }

    #[test]
    fn apache_vhost_scanner_refuses_other_lines() {
        for l in [
            "",
            r#"192.0.2.10 - - [29/Aug/2023:13:47:38 +0200] "GET / HTTP/1.1" 200 5"#,
            r#"www.example.com: 192.0.2.10 - - [29/Aug/2023:13:47:38 +0200] "GET / HTTP/1.1" 200 5"#,
            r#"www/example:443 192.0.2.10 - - [29/Aug/2023:13:47:38 +0200] "GET / HTTP/1.1" 200 5"#,
        ] {
            assert_eq!(read(l), None, "{l:?}");
        }
    }

    #[test]
    fn apache_vhost_scanner_agrees_with_its_regex_on_random_edits() {
        super::super::bytes::tests::agrees_on_random_edits(
            "apache-vhost",
            &[
                r#"www.example.com:443 192.0.2.10 - - [29/Aug/2023:13:47:38 +0200] "GET /a"b HTTP/1.1" 200 5120 "-" "curl/8""#,
                r#"h-1:80 ::1 - - [1/Sep/2023:06:25:01] "-" 408 -"#,
            ],
            &["\"", " \"", "\" ", " ", ":", ":8", " 200 ", "\" \""],
            20_000,
        );
    }
}
