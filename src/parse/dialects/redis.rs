//! Scanner for the `redis` dialect: `1:M 29 Aug 2023 13:47:38.984 * msg` and Redis < 3's
//! `[1234] 29 Aug 13:47:38.984 * msg`. Every part has one way to match once the one before it
//! has (each run ends at a byte its class cannot take), so the scan runs straight through.

use super::bytes::{at, digits_at, digits_end, dot_to_end, is_digit, set};
use super::Slots;

const PID: usize = 1;
const ROLE: usize = 2;
const PID2: usize = 3;
const TS: usize = 4;
const MESSAGE: usize = 8;

/// `redis`: groups pid 1, role 2, pid2 3, ts 4, level_debug 5, level_info 6, level_warn 7,
/// message 8.
pub fn scan(line: &[u8], slots: &mut Slots) -> bool {
    // `(?:(\d+):([MSCX])|\[(\d+)\]) `
    let t = if at(line, 0) == b'[' {
        let d = digits_end(line, 1);
        if d == 1 || at(line, d) != b']' || at(line, d + 1) != b' ' {
            return false;
        }
        set(slots, PID, None);
        set(slots, ROLE, None);
        set(slots, PID2, Some(1..d));
        d + 2
    } else {
        let d = digits_end(line, 0);
        if d == 0
            || at(line, d) != b':'
            || !matches!(at(line, d + 1), b'M' | b'S' | b'C' | b'X')
            || at(line, d + 2) != b' '
        {
            return false;
        }
        set(slots, PID, Some(0..d));
        set(slots, ROLE, Some(d + 1..d + 2));
        set(slots, PID2, None);
        d + 3
    };
    // `\d\d? [A-Z][a-z]{2}(?: \d{4})? \d\d:\d\d:\d\d(?:\.\d+)?`
    if !is_digit(at(line, t)) {
        return false;
    }
    let mut j = t + 1 + usize::from(is_digit(at(line, t + 1)));
    if !(at(line, j) == b' '
        && at(line, j + 1).wrapping_sub(b'A') < 26
        && at(line, j + 2).wrapping_sub(b'a') < 26
        && at(line, j + 3).wrapping_sub(b'a') < 26)
    {
        return false;
    }
    j += 4;
    if at(line, j) == b' ' && digits_at(line, j + 1, 4) {
        j += 5;
    }
    if !(at(line, j) == b' '
        && digits_at(line, j + 1, 2)
        && at(line, j + 3) == b':'
        && digits_at(line, j + 4, 2)
        && at(line, j + 6) == b':'
        && digits_at(line, j + 7, 2))
    {
        return false;
    }
    j += 9;
    if at(line, j) == b'.' && is_digit(at(line, j + 1)) {
        j = digits_end(line, j + 1);
    }
    // ` (?:([.\-])|(\*)|(#)) (.*)$`
    let g = match at(line, j + 1) {
        b'.' | b'-' => 5,
        b'*' => 6,
        b'#' => 7,
        _ => return false,
    };
    if at(line, j) != b' ' || at(line, j + 2) != b' ' || !dot_to_end(line, j + 3) {
        return false;
    }
    set(slots, 0, Some(0..line.len()));
    set(slots, TS, Some(t..j));
    for k in 5..=7 {
        set(slots, k, (k == g).then_some(j + 1..j + 2));
    }
    set(slots, MESSAGE, Some(j + 3..line.len()));
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(line: &str) -> Vec<Option<&str>> {
        let mut s = vec![None; 9];
        assert!(scan(line.as_bytes(), &mut s), "{line}");
        s.into_iter().map(|r| r.map(|r| &line[r])).collect()
    }

    #[test]
    fn lines() {
        let g = read("1:M 29 Aug 2023 13:47:38.984 * Ready to accept connections tcp");
        assert_eq!(g[PID], Some("1"));
        assert_eq!(g[ROLE], Some("M"));
        assert_eq!(g[PID2], None);
        assert_eq!(g[TS], Some("29 Aug 2023 13:47:38.984"));
        assert_eq!(g[6], Some("*"));
        assert_eq!((g[5], g[7]), (None, None));
        assert_eq!(g[MESSAGE], Some("Ready to accept connections tcp"));
        let g = read("[4018] 14 Nov 07:01:22.119 # Server started, Redis version 2.8.4");
        assert_eq!(g[PID2], Some("4018"));
        assert_eq!(g[TS], Some("14 Nov 07:01:22.119"));
        assert_eq!(g[7], Some("#"));
        let g = read("12:S 1 Jan 2024 00:00:00 - ");
        assert_eq!(g[5], Some("-"));
        assert_eq!(g[MESSAGE], Some(""));
    }

    #[test]
    fn refusals() {
        let mut s = vec![None; 9];
        for l in [
            "1:Q 29 Aug 2023 13:47:38.984 * m",
            "[12] 29 Aug 2023 13:47:38.984 ! m",
            "1:M 29 Aug 2023 13:47:38.984 * a\nb",
            "1:M 29 Aug 2023 13:47:38.984 *",
        ] {
            assert!(!scan(l.as_bytes(), &mut s), "{l}");
        }
    }

    #[test]
    fn agrees_on_random_edits() {
        super::super::bytes::tests::agrees_on_random_edits(
            "redis",
            &[
                "1:M 29 Aug 2023 13:47:38.984 * Ready to accept connections tcp",
                "[4018] 14 Nov 07:01:22.119 # Server started, Redis version 2.8.4",
                "7:C 1 Jan 2024 00:00:00 . x",
            ],
            &[" ", ":", "[", "]", " 2024", ".5", " * ", "M", "#"],
            20_000,
        );
    }
}
