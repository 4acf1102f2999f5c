//! Scanner for the `mysql` dialect: MySQL 8's error log `2023-08-29T13:47:38.984123Z 0
//! [Warning] [MY-010068] [Server] msg` (5.7 and MariaDB without code and subsystem). The code
//! and subsystem are taken when present; the message runs to the end either way, so leaving
//! them out never saves a line the regex would otherwise refuse.

use super::bytes::{at, digits_at, digits_end, dot_to_end, is_digit, is_word, lit_at, set};
use super::Slots;

const TS: usize = 1;
const THREAD: usize = 2;
const LEVEL: usize = 3;
const LEVEL_INFO: usize = 4;
const ERROR_CODE: usize = 5;
const SUBSYSTEM: usize = 6;
const MESSAGE: usize = 7;

/// `mysql`: groups ts 1, thread 2, level 3, level_info 4, error_code 5, subsystem 6,
/// message 7.
pub fn scan(line: &[u8], slots: &mut Slots) -> bool {
    // `\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)? `
    if !(digits_at(line, 0, 4)
        && at(line, 4) == b'-'
        && digits_at(line, 5, 2)
        && at(line, 7) == b'-'
        && digits_at(line, 8, 2)
        && matches!(at(line, 10), b'T' | b' ')
        && digits_at(line, 11, 2)
        && at(line, 13) == b':'
        && digits_at(line, 14, 2)
        && at(line, 16) == b':'
        && digits_at(line, 17, 2))
    {
        return false;
    }
    let mut j = 19;
    if at(line, j) == b'.' && is_digit(at(line, j + 1)) {
        j = digits_end(line, j + 1);
    }
    match at(line, j) {
        b'Z' => j += 1,
        b'+' | b'-'
            if digits_at(line, j + 1, 2)
                && at(line, j + 3) == b':'
                && digits_at(line, j + 4, 2) =>
        {
            j += 6
        }
        _ => {}
    }
    if at(line, j) != b' ' {
        return false;
    }
    // `(\d+) \[(?:(ERROR|Error|Warning|WARNING)|(System|SYSTEM|Note|NOTE))\] `
    let d0 = j + 1;
    let de = digits_end(line, d0);
    if de == d0 || at(line, de) != b' ' || at(line, de + 1) != b'[' {
        return false;
    }
    let l0 = de + 2;
    let rest = line.get(l0..).unwrap_or_default();
    let (n, info) = if rest.starts_with(b"ERROR") || rest.starts_with(b"Error") {
        (5, false)
    } else if rest.starts_with(b"Warning") || rest.starts_with(b"WARNING") {
        (7, false)
    } else if rest.starts_with(b"System") || rest.starts_with(b"SYSTEM") {
        (6, true)
    } else if rest.starts_with(b"Note") || rest.starts_with(b"NOTE") {
        (4, true)
    } else {
        return false;
    };
    let le = l0 + n;
    if !lit_at(line, le, b"] ") {
        return false;
    }
    // `(?:\[(MY-\d+)\] \[([\w\-]+)\] )?(.*)$`
    let mut m = le + 2;
    let (mut code, mut sub) = (None, None);
    if lit_at(line, m, b"[MY-") {
        let ce = digits_end(line, m + 4);
        let s0 = ce + 3;
        let se = super::bytes::run_end(line, s0, |b| is_word(b) || b == b'-');
        if ce > m + 4 && lit_at(line, ce, b"] [") && se > s0 && lit_at(line, se, b"] ") {
            code = Some(m + 1..ce);
            sub = Some(s0..se);
            m = se + 2;
        }
    }
    if !dot_to_end(line, m) {
        return false;
    }
    set(slots, 0, Some(0..line.len()));
    set(slots, TS, Some(0..j));
    set(slots, THREAD, Some(d0..de));
    set(slots, LEVEL, (!info).then_some(l0..le));
    set(slots, LEVEL_INFO, info.then_some(l0..le));
    set(slots, ERROR_CODE, code);
    set(slots, SUBSYSTEM, sub);
    set(slots, MESSAGE, Some(m..line.len()));
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(line: &str) -> Vec<Option<&str>> {
        let mut s = vec![None; 8];
        assert!(scan(line.as_bytes(), &mut s), "{line}");
        s.into_iter().map(|r| r.map(|r| &line[r])).collect()
    }

    #[test]
    fn lines() {
        let g = read("2023-08-29T13:47:38.984123Z 0 [Warning] [MY-010068] [Server] CA certificate ca.pem is self signed.");
        assert_eq!(g[TS], Some("2023-08-29T13:47:38.984123Z"));
        assert_eq!(g[THREAD], Some("0"));
        assert_eq!(g[LEVEL], Some("Warning"));
        assert_eq!(g[LEVEL_INFO], None);
        assert_eq!(g[ERROR_CODE], Some("MY-010068"));
        assert_eq!(g[SUBSYSTEM], Some("Server"));
        assert_eq!(g[MESSAGE], Some("CA certificate ca.pem is self signed."));
        let g = read("2019-03-01 10:00:00 140234 [Note] InnoDB: Buffer pool(s) load completed");
        assert_eq!(g[LEVEL_INFO], Some("Note"));
        assert_eq!(g[ERROR_CODE], None);
        assert_eq!(g[MESSAGE], Some("InnoDB: Buffer pool(s) load completed"));
        let g = read("2023-08-29T13:47:38+02:00 7 [System] [MY-] [x] m");
        assert_eq!(g[TS], Some("2023-08-29T13:47:38+02:00"));
        assert_eq!(g[SUBSYSTEM], None);
        assert_eq!(g[MESSAGE], Some("[MY-] [x] m"));
    }

    #[test]
    fn refusals() {
        let mut s = vec![None; 8];
        for l in [
            "2023-08-29T13:47:38Z 0 [Info] m",
            "2023-08-29T13:47:38Z [Note] m",
            "2023-08-29T13:47:38Z 0 [Note] a\nb",
        ] {
            assert!(!scan(l.as_bytes(), &mut s), "{l}");
        }
    }

    #[test]
    fn agrees_on_random_edits() {
        super::super::bytes::tests::agrees_on_random_edits(
            "mysql",
            &[
                "2023-08-29T13:47:38.984123Z 0 [Warning] [MY-010068] [Server] CA certificate ca.pem is self signed.",
                "2019-03-01 10:00:00 140234 [Note] InnoDB: Buffer pool(s) load completed",
                "2023-08-29T13:47:38-07:00 12 [ERROR] [MY-1] [Repl-x] ",
            ],
            &[" ", "[", "]", "] ", "MY-", "Z", "+01:00", ".5", "Note"],
            20_000,
        );
    }
}
