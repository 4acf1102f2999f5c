//! Scanner for the `syslog-5424` dialect (RFC 5424): `<pri>1 timestamp host app procid msgid
//! structured-data msg`. The structured data is `-` or one or more `[id k="v" ...]` elements;
//! inside a quoted value `\` escapes the next byte, so `]` and `"` may appear there.

use super::bytes::{at, dot_to_end, escaped_quote_end, field, is_digit, run_end, set};
use super::Slots;

/// `syslog-5424`: groups pri 1, ts 2, host 3, service 4, pid 5, msg_type 6, sd 7, message 8.
pub fn scan(line: &[u8], slots: &mut Slots) -> bool {
    // `<(\d{1,3})>1 `
    if at(line, 0) != b'<' {
        return false;
    }
    let d = run_end(line, 1, is_digit).min(4);
    if d == 1 || at(line, d) != b'>' || at(line, d + 1) != b'1' || at(line, d + 2) != b' ' {
        return false;
    }
    set(slots, 1, Some(1..d));
    // `(\S+) ` five times: each is the whole run.
    let mut i = d + 3;
    for g in 2..=6 {
        let Some(e) = field(line, i) else {
            return false;
        };
        set(slots, g, Some(i..e));
        i = e + 1;
    }
    // `(-|(?:\[(?:[^\]"]|"(?:[^"\\]|\\.)*")*\])+)`
    let s0 = i;
    let s1 = if at(line, i) == b'-' {
        i + 1
    } else {
        // Each element ends at its first `]` outside quotes; one that does not end leaves a
        // `[` where a space or the end must follow, so the line fails.
        while at(line, i) == b'[' {
            let mut j = i + 1;
            loop {
                match at(line, j) {
                    b']' => break,
                    b'"' => match escaped_quote_end(line, j + 1) {
                        Some(q) => j = q + 1,
                        None => return false,
                    },
                    _ if j < line.len() => j += 1,
                    _ => return false,
                }
            }
            i = j + 1;
        }
        if i == s0 {
            return false;
        }
        i
    };
    set(slots, 7, Some(s0..s1));
    // `(?: (.*))?$`
    if s1 == line.len() {
        set(slots, 8, None);
    } else if at(line, s1) == b' ' && dot_to_end(line, s1 + 1) {
        set(slots, 8, Some(s1 + 1..line.len()));
    } else {
        return false;
    }
    set(slots, 0, Some(0..line.len()));
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ops::Range;

    fn read(line: &str) -> Option<Vec<Option<&str>>> {
        let mut slots = vec![None::<Range<usize>>; 9];
        if !scan(line.as_bytes(), &mut slots) {
            return None;
        }
        Some(slots.into_iter().map(|s| s.map(|r| &line[r])).collect())
    }

    #[test]
    fn syslog_5424_scanner_reads_rfc_examples() {
        // RFC 5424 section 6.5, examples 1 and 3.
        let g = read("<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - 'su root' failed for lonvick on /dev/pts/8").unwrap();
        assert_eq!(
            (g[1], g[2], g[3]),
            (
                Some("34"),
                Some("2003-10-11T22:14:15.003Z"),
                Some("mymachine.example.com")
            )
        );
        assert_eq!(
            (g[4], g[5], g[6], g[7]),
            (Some("su"), Some("-"), Some("ID47"), Some("-"))
        );
        assert_eq!(g[8], Some("'su root' failed for lonvick on /dev/pts/8"));
        let l = r#"<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"]"#;
        let g = read(l).unwrap();
        assert_eq!(g[4], Some("evntslog"));
        assert_eq!(g[7], Some(&l[l.find('[').unwrap()..]));
        assert_eq!(g[8], None);
        // Escapes inside a value: `\]` and `\"` do not end it.
        let g = read(r#"<13>1 - h app 12 - [x@1 a="q\"]\\" b="]"] msg [z]"#).unwrap();
        assert_eq!(
            (g[5], g[7]),
            (Some("12"), Some(r#"[x@1 a="q\"]\\" b="]"]"#))
        );
        assert_eq!(g[8], Some("msg [z]"));
        // An empty message after the space.
        assert_eq!(read("<0>1 - - - - - - ").unwrap()[8], Some(""));
    }

    #[test]
    fn syslog_5424_scanner_refuses_other_lines() {
        for l in [
            "",
            "<34>2 2003-10-11T22:14:15.003Z h su - ID47 - m",
            "<1234>1 2003-10-11T22:14:15.003Z h su - ID47 - m",
            r#"<34>1 2003-10-11T22:14:15.003Z h su - ID47 [a b="c] m"#,
            r#"<34>1 2003-10-11T22:14:15.003Z h su - ID47 [a]x m"#,
            "<34>1 2003-10-11T22:14:15.003Z h su - ID47 -\tm",
            "<34>1 2003-10-11T22:14:15.003Z h su - ID47 - m\n",
        ] {
            assert_eq!(read(l), None, "{l:?}");
        }
    }

    #[test]
    fn syslog_5424_scanner_agrees_with_its_regex_on_random_edits() {
        super::super::bytes::tests::agrees_on_random_edits(
            "syslog-5424",
            &[
                r#"<165>1 2003-10-11T22:14:15.003Z h.example.com evntslog 12 ID47 [ex@32473 iut="3" e="A\"]"][p@1 c="high"] message"#,
                "<34>1 2003-10-11T22:14:15.003Z h su - ID47 - 'su root' failed",
            ],
            &["[", "]", "\"", "\\", "\\\"", "][", " -", "\\]"],
            20_000,
        );
    }
}
