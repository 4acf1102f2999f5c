//! Scanner for the `syslog-3164` dialect (BSD syslog, `journalctl -o short`): `<pri>Mmm dd
//! hh:mm:ss host tag[pid]: msg`, with the daemon's own `last message repeated N times` lines,
//! a version after the tag (`syslogd 1.4.1: restart.`) and a parenthesised subsystem. Every
//! part of the regex has one way to match once the one before it has, so the scan runs
//! straight through; only the `last message repeated` alternative is tried first.

use super::bytes::{
    at, bsd_time_end, digits_end, dot_to_end, field, is_digit, is_space, lit_at, run_end, set,
};
use super::Slots;

/// `syslog-3164`: groups pri 1, ts 2, host 3, message2 4, service 5, version 6, pid 7,
/// subsystem 8, message 9.
pub fn scan(line: &[u8], slots: &mut Slots) -> bool {
    // `(?:<(\d{1,3})>)?`: a line starting with `<` has no other way to match.
    let mut i = 0;
    if at(line, 0) == b'<' {
        let d = run_end(line, 1, is_digit).min(4);
        if d == 1 || at(line, d) != b'>' {
            return false;
        }
        set(slots, 1, Some(1..d));
        i = d + 1;
    } else {
        set(slots, 1, None);
    }
    // `[A-Z][a-z]{2} [ \d]\d(?: \d{4})? \d\d:\d\d:\d\d(?:\.\d+)?`
    let t0 = i;
    let Some(j) = bsd_time_end(line, i) else {
        return false;
    };
    set(slots, 2, Some(t0..j));
    // ` (\S+) `
    let h0 = j + 1;
    let Some(e) = field(line, h0) else {
        return false;
    };
    set(slots, 3, Some(h0..e));
    let h = e + 1;
    set(slots, 0, Some(0..line.len()));
    if repeated(line, h) {
        set(slots, 4, Some(h..line.len()));
        for g in 5..=9 {
            set(slots, g, None);
        }
        return true;
    }
    set(slots, 4, None);
    tagged(line, h, slots)
}

/// `(?:--- )?last message repeated \d+ times?(?: ---)?$` from `h`.
fn repeated(line: &[u8], h: usize) -> bool {
    let mut k = h;
    if lit_at(line, k, b"--- ") {
        k += 4;
    }
    if !lit_at(line, k, b"last message repeated ") {
        return false;
    }
    k += 22;
    if !is_digit(at(line, k)) {
        return false;
    }
    k = digits_end(line, k);
    if !lit_at(line, k, b" time") {
        return false;
    }
    k += 5;
    if at(line, k) == b's' {
        k += 1;
    }
    if lit_at(line, k, b" ---") {
        k += 4;
    }
    k == line.len()
}

/// `([^:\[\s]+)(?: (\d+(?:\.\d+)+))?(?:\[(\d+)\])?(?: \(([^()]*(?:\([^()]*\)[^()]*)*)\))?: ?(.*)$`
/// from `h`. Each optional part is the only way past the byte it starts at (a space, `[`),
/// so a part that starts but does not finish fails the line.
fn tagged(line: &[u8], h: usize, slots: &mut Slots) -> bool {
    let s1 = run_end(line, h, |b| !(b == b':' || b == b'[' || is_space(b)));
    if s1 == h {
        return false;
    }
    set(slots, 5, Some(h..s1));
    let mut k = s1;
    // A version: digits and at least one `.digits`, all of them (a shorter one leaves a digit
    // or a dot where `[`, ` (` or `:` must follow).
    let mut version = None;
    if at(line, k) == b' ' && is_digit(at(line, k + 1)) {
        let mut d = digits_end(line, k + 1);
        if at(line, d) == b'.' && is_digit(at(line, d + 1)) {
            while at(line, d) == b'.' && is_digit(at(line, d + 1)) {
                d = digits_end(line, d + 1);
            }
            version = Some(k + 1..d);
            k = d;
        }
    }
    set(slots, 6, version);
    let mut pid = None;
    if at(line, k) == b'[' && is_digit(at(line, k + 1)) {
        let d = digits_end(line, k + 1);
        if at(line, d) == b']' {
            pid = Some(k + 1..d);
            k = d + 1;
        }
    }
    set(slots, 7, pid);
    // A subsystem: parentheses nested one deep; it ends at the first `)` outside them.
    let mut subsystem = None;
    if at(line, k) == b' ' && at(line, k + 1) == b'(' {
        let c = k + 2;
        let mut x = c;
        let mut inner = false;
        while x < line.len() {
            match line[x] {
                b'(' if inner => break,
                b'(' => inner = true,
                b')' if inner => inner = false,
                b')' => {
                    subsystem = Some(c..x);
                    k = x + 1;
                    break;
                }
                _ => {}
            }
            x += 1;
        }
    }
    set(slots, 8, subsystem);
    if at(line, k) != b':' {
        return false;
    }
    k += 1;
    if at(line, k) == b' ' {
        k += 1;
    }
    // `.*$`: without the optional space the message holds the same `\n`.
    if !dot_to_end(line, k) {
        return false;
    }
    set(slots, 9, Some(k..line.len()));
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ops::Range;

    fn read(line: &str) -> Option<Vec<Option<&str>>> {
        let mut slots = vec![None::<Range<usize>>; 10];
        if !scan(line.as_bytes(), &mut slots) {
            return None;
        }
        Some(slots.into_iter().map(|s| s.map(|r| &line[r])).collect())
    }

    #[test]
    fn syslog_3164_scanner_reads_tags_with_and_without_pid() {
        let g = read("Aug 29 13:47:38 web-01 sshd[2211]: Accepted publickey for deploy").unwrap();
        assert_eq!(
            (g[1], g[2], g[3]),
            (None, Some("Aug 29 13:47:38"), Some("web-01"))
        );
        assert_eq!(
            (g[4], g[5], g[6], g[7]),
            (None, Some("sshd"), None, Some("2211"))
        );
        assert_eq!((g[8], g[9]), (None, Some("Accepted publickey for deploy")));
        // RFC 3164: a day below 10 is padded with a space; a PRI in front; no PID.
        let g =
            read("<34>Oct  1 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8")
                .unwrap();
        assert_eq!(
            (g[1], g[2], g[3]),
            (Some("34"), Some("Oct  1 22:14:15"), Some("mymachine"))
        );
        assert_eq!((g[5], g[7]), (Some("su"), None));
        assert_eq!(g[9], Some("'su root' failed for lonvick on /dev/pts/8"));
        // `short-precise` microseconds and a year; no space after the colon.
        let g = read("Feb  3 2024 04:05:06.123456 h kernel:x").unwrap();
        assert_eq!(
            (g[2], g[5], g[9]),
            (
                Some("Feb  3 2024 04:05:06.123456"),
                Some("kernel"),
                Some("x")
            )
        );
        // The syslog daemon's own version, and a subsystem in parentheses (one level deep).
        let g = read("Aug  5 10:00:00 gw syslogd 1.4.1: restart.").unwrap();
        assert_eq!(
            (g[5], g[6], g[9]),
            (Some("syslogd"), Some("1.4.1"), Some("restart."))
        );
        let g = read("Aug  5 10:00:00 gw pam[12] (sshd(x) auth): opened").unwrap();
        assert_eq!(
            (g[7], g[8], g[9]),
            (Some("12"), Some("sshd(x) auth"), Some("opened"))
        );
    }

    #[test]
    fn syslog_3164_scanner_reads_repeated_lines() {
        let g = read("Aug 29 13:47:40 web-01 last message repeated 3 times").unwrap();
        assert_eq!(
            (g[4], g[5], g[9]),
            (Some("last message repeated 3 times"), None, None)
        );
        let g = read("Aug 29 13:47:40 bsd --- last message repeated 1 time ---").unwrap();
        assert_eq!(g[4], Some("--- last message repeated 1 time ---"));
        // Words after it: neither alternative reads the line.
        assert_eq!(
            read("Aug 29 13:47:40 h last message repeated 3 times more"),
            None
        );
    }

    #[test]
    fn syslog_3164_scanner_refuses_other_lines() {
        for l in [
            "",
            "<1234>Aug 29 13:47:38 h s: m",
            "Aug 29 13:47:38 h s[12: m",
            "Aug 29 13:47:38 h s 1.: m",
            "Aug 29 13:47:38 h s (a(b(c))): m",
            "aug 29 13:47:38 h s: m",
            "Aug 29 13:47:38 h s: m\nx",
            "2023-08-29T13:47:38Z h s: m",
        ] {
            assert_eq!(read(l), None, "{l:?}");
        }
    }

    #[test]
    fn syslog_3164_scanner_agrees_with_its_regex_on_random_edits() {
        super::super::bytes::tests::agrees_on_random_edits(
            "syslog-3164",
            &[
                "<13>Aug 29 13:47:38 web-01 sshd[2211]: Accepted publickey",
                "Aug  5 2024 10:00:00.5 gw syslogd 1.4.1 (a(b)c): restart.",
                "Aug 29 13:47:40 web-01 --- last message repeated 3 times ---",
            ],
            &[
                "[", "]", "(", ")", " (", ": ", " 1.2", "[7]", " time", "s", " ---", "--- ",
            ],
            20_000,
        );
    }
}
