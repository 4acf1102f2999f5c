//! Scanner for the `postgres` dialect: PostgreSQL's stderr log with log_line_prefix `%m [%p] `,
//! `%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ` or `%m [%p] %q%u@%d `. The time, pid and
//! session line have one way to match each; the user part is tried as the regex tries it:
//! `user=..,db=..,app=..,client=.. ` with the shortest app that lets the line finish, then
//! `user@db `, then nothing. `start` reads the `start` regex the same way, without the `$`.

use super::bytes::{
    at, digits_at, digits_end, dot_to_end, find, is_alpha, is_digit, is_space, lit_at,
    nonspace_end, run_end, set,
};
use super::Slots;
use std::ops::Range;

const TS: usize = 1;
const PID: usize = 2;
const SESSION_LINE: usize = 3;
const USER: usize = 4;
const LEVEL: usize = 10;
const MESSAGE: usize = 11;

/// Levels that start a record (the `start` regex's), then those that continue one.
const LEVELS: &[&[u8]] = &[
    b"LOG",
    b"DEBUG",
    b"INFO",
    b"NOTICE",
    b"WARNING",
    b"ERROR",
    b"FATAL",
    b"PANIC",
    b"DETAIL",
    b"HINT",
    b"STATEMENT",
    b"CONTEXT",
    b"QUERY",
    b"LOCATION",
];

/// `\d{4}-\d\d-\d\d \d\d:\d\d:\d\d` at the start of the line.
fn date_time(line: &[u8]) -> bool {
    digits_at(line, 0, 4)
        && at(line, 4) == b'-'
        && digits_at(line, 5, 2)
        && at(line, 7) == b'-'
        && digits_at(line, 8, 2)
        && at(line, 10) == b' '
        && digits_at(line, 11, 2)
        && at(line, 13) == b':'
        && digits_at(line, 14, 2)
        && at(line, 16) == b':'
        && digits_at(line, 17, 2)
}

/// The level at `i` and `:  ` after it (for `start`, only the levels that start a record;
/// for the full regex, the message after must hold no `\n`): the level's span.
fn level(line: &[u8], i: usize, full: bool) -> Option<Range<usize>> {
    let n = if full { LEVELS.len() } else { 8 };
    let lit = LEVELS[..n].iter().find(|l| lit_at(line, i, l))?;
    let mut e = i + lit.len();
    if *lit == b"DEBUG" && matches!(at(line, e), b'1'..=b'5') && lit_at(line, e + 1, b":  ") {
        e += 1;
    }
    (lit_at(line, e, b":  ") && (!full || dot_to_end(line, e + 3))).then_some(i..e)
}

/// How the user part and the level read from `u`: groups user 4 .. db2 9, and the level.
struct Users {
    groups: [Option<Range<usize>>; 6],
    level: Range<usize>,
}

/// `(?:user=([^,]*),db=([^,]*),app=(.*?),client=(\S*) |([^@\s]*)@(\S*) )?` and the level
/// from `u`, in the regex's order.
fn users(line: &[u8], u: usize, full: bool) -> Option<Users> {
    if lit_at(line, u, b"user=") {
        let c1 = find(line, u + 5, b',');
        if let Some(c1) = c1.filter(|&c| lit_at(line, c, b",db=")) {
            let c2 = find(line, c1 + 4, b',');
            if let Some(c2) = c2.filter(|&c| lit_at(line, c, b",app=")) {
                let a0 = c2 + 5;
                let mut k = a0;
                while k < line.len() {
                    if lit_at(line, k, b",client=") {
                        let h0 = k + 8;
                        let he = nonspace_end(line, h0);
                        if at(line, he) == b' ' {
                            if let Some(level) = level(line, he + 1, full) {
                                return Some(Users {
                                    groups: [
                                        Some(u + 5..c1),
                                        Some(c1 + 4..c2),
                                        Some(a0..k),
                                        Some(h0..he),
                                        None,
                                        None,
                                    ],
                                    level,
                                });
                            }
                        }
                    }
                    if line[k] == b'\n' {
                        break;
                    }
                    k += 1;
                }
            }
        }
    }
    let e = run_end(line, u, |b| b != b'@' && !is_space(b));
    if at(line, e) == b'@' {
        let de = nonspace_end(line, e + 1);
        if at(line, de) == b' ' {
            if let Some(level) = level(line, de + 1, full) {
                return Some(Users {
                    groups: [None, None, None, None, Some(u..e), Some(e + 1..de)],
                    level,
                });
            }
        }
    }
    level(line, u, full).map(|level| Users {
        groups: [None, None, None, None, None, None],
        level,
    })
}

/// A reading of the session line: its span (if taken) and where the user part starts.
type Try = (Option<Range<usize>>, usize);

/// `\[(\d+)\]:? (?:\[(\d+)-\d+\] )?` at `i`: the pid, the session line and where the user
/// part starts, for each reading the regex may try (at most two), in its order.
fn pid_session(line: &[u8], i: usize) -> Option<(Range<usize>, [Option<Try>; 2])> {
    if at(line, i) != b'[' {
        return None;
    }
    let d = digits_end(line, i + 1);
    if d == i + 1 || at(line, d) != b']' {
        return None;
    }
    let k = d + 1 + usize::from(at(line, d + 1) == b':');
    if at(line, k) != b' ' {
        return None;
    }
    let p = k + 1;
    let s = digits_end(line, p + 1);
    let s2 = digits_end(line, s + 1);
    if at(line, p) == b'['
        && s > p + 1
        && at(line, s) == b'-'
        && s2 > s + 1
        && lit_at(line, s2, b"] ")
    {
        return Some((i + 1..d, [Some((Some(p + 1..s), s2 + 2)), Some((None, p))]));
    }
    Some((i + 1..d, [Some((None, p)), None]))
}

/// `postgres`: groups ts 1, pid 2, session_line 3, user 4, db 5, app 6, client 7, user2 8,
/// db2 9, level 10, message 11.
pub fn scan(line: &[u8], slots: &mut Slots) -> bool {
    if !date_time(line) {
        return false;
    }
    // `(?:\.\d+)?(?: [A-Za-z]{1,6}| [+-]\d\d(?::?\d\d)?)?`
    let mut j = 19;
    if at(line, j) == b'.' && is_digit(at(line, j + 1)) {
        j = digits_end(line, j + 1);
    }
    if at(line, j) == b' ' {
        let b = at(line, j + 1);
        if is_alpha(b) {
            let e = run_end(line, j + 1, is_alpha);
            if e - (j + 1) <= 6 && at(line, e) == b' ' {
                j = e;
            }
        } else if (b == b'+' || b == b'-') && digits_at(line, j + 2, 2) {
            let mut k = j + 4;
            if at(line, k) == b':' && digits_at(line, k + 1, 2) {
                k += 3;
            } else if digits_at(line, k, 2) {
                k += 2;
            }
            j = k;
        }
    }
    if at(line, j) != b' ' {
        return false;
    }
    let Some((pid, tries)) = pid_session(line, j + 1) else {
        return false;
    };
    for (session, u) in tries.into_iter().flatten() {
        if let Some(r) = users(line, u, true) {
            set(slots, 0, Some(0..line.len()));
            set(slots, TS, Some(0..j));
            set(slots, PID, Some(pid));
            set(slots, SESSION_LINE, session);
            for (g, span) in r.groups.into_iter().enumerate() {
                set(slots, USER + g, span);
            }
            set(slots, MESSAGE, Some(r.level.end + 3..line.len()));
            set(slots, LEVEL, Some(r.level));
            return true;
        }
    }
    false
}

/// The `start` regex: `^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\S*(?: \S+)? \[\d+\]:? ...` up to the
/// level's `:  ` (no `$`).
pub fn start(line: &[u8]) -> bool {
    if !date_time(line) {
        return false;
    }
    let j = nonspace_end(line, 19);
    if at(line, j) != b' ' {
        return false;
    }
    let rest = |i: usize| {
        pid_session(line, i).is_some_and(|(_, tries)| {
            tries
                .into_iter()
                .flatten()
                .any(|(_, u)| users(line, u, false).is_some())
        })
    };
    if rest(j + 1) {
        return true;
    }
    let e = nonspace_end(line, j + 1);
    e > j + 1 && at(line, e) == b' ' && rest(e + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(line: &str) -> Vec<Option<&str>> {
        let mut s = vec![None; 12];
        assert!(scan(line.as_bytes(), &mut s), "{line}");
        s.into_iter().map(|r| r.map(|r| &line[r])).collect()
    }

    #[test]
    fn lines() {
        let l = "2023-08-29 13:47:38.984 UTC [1234] ERROR:  duplicate key value violates unique constraint \"users_pkey\"";
        let g = read(l);
        assert_eq!(g[TS], Some("2023-08-29 13:47:38.984 UTC"));
        assert_eq!(g[PID], Some("1234"));
        assert_eq!(g[SESSION_LINE], None);
        assert_eq!(g[LEVEL], Some("ERROR"));
        assert_eq!(
            g[MESSAGE],
            Some("duplicate key value violates unique constraint \"users_pkey\"")
        );
        assert!(start(l.as_bytes()));
        let l = "2023-08-29 13:47:38 +02 [77]: [3-1] user=app,db=shop,app=psql,client=10.0.0.5 LOG:  connection authorized";
        let g = read(l);
        assert_eq!(g[TS], Some("2023-08-29 13:47:38 +02"));
        assert_eq!(g[SESSION_LINE], Some("3"));
        assert_eq!(g[USER], Some("app"));
        assert_eq!(g[5], Some("shop"));
        assert_eq!(g[6], Some("psql"));
        assert_eq!(g[7], Some("10.0.0.5"));
        assert_eq!(g[LEVEL], Some("LOG"));
        assert_eq!(g[MESSAGE], Some("connection authorized"));
        assert!(start(l.as_bytes()));
        let l = "2024-01-01 00:00:00.1 CET [9] bob@shop DETAIL:  Key (id)=(1) already exists.";
        let g = read(l);
        assert_eq!(g[8], Some("bob"));
        assert_eq!(g[9], Some("shop"));
        assert_eq!(g[LEVEL], Some("DETAIL"));
        assert!(!start(l.as_bytes()));
        let g = read("2024-01-01 00:00:00 [9] user=a,db=b,app=x,client=y z,client=h DEBUG2:  m");
        assert_eq!(g[6], Some("x,client=y z"));
        assert_eq!(g[LEVEL], Some("DEBUG2"));
    }

    #[test]
    fn refusals() {
        let mut s = vec![None; 12];
        for l in [
            "2023-08-29 13:47:38 UTC [1234] ERROR: one space",
            "2023-08-29 13:47:38 UTCLONG [1] LOG:  m",
            "2023-08-29 13:47:38 [x] LOG:  m",
            "2023-08-29 13:47:38 [1] LOG:  a\nb",
        ] {
            assert!(!scan(l.as_bytes(), &mut s), "{l}");
        }
    }

    #[test]
    fn agrees_on_random_edits() {
        super::super::bytes::tests::agrees_on_random_edits(
            "postgres",
            &[
                "2023-08-29 13:47:38.984 UTC [1234] ERROR:  duplicate key value",
                "2023-08-29 13:47:38 +02:00 [77]: [3-1] user=app,db=shop,app=psql,client=10.0.0.5 LOG:  connection authorized",
                "2024-01-01 00:00:00.1 CET [9] bob@shop DEBUG1:  x",
            ],
            &[" ", "@", ",", ",client=", ",db=", ",app=", "user=", "[1-2] ", ":  ", "LOG", " [", "]"],
            20_000,
        );
    }
}
