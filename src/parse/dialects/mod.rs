//! Byte scanners for the built-in regex dialects: each reads a line exactly as its regex in
//! `dialects.toml` does, without the regex engine (no capture-group search on the hot path).
//!
//! The regex stays the specification: `dialects.toml` is the one list of what exists, a
//! dialect without a scanner is read by its regex, and a user's dialect (even one named like a
//! built-in) is always read by its own regex. A scanner is a hand-compiled regex: for every
//! line, [`Scanner::scan`] accepts exactly the lines the regex matches and reports exactly the
//! spans of its capture groups (leftmost-first, as the `regex` crate does). The tests below
//! check that on every line of `fixtures/` and on thousands of mutations of each, and the
//! `dialect_scanners` fuzz target checks it on whatever the fuzzer makes.
//!
//! Writing one: read the regex left to right and follow its backtracking where it has any
//! (`\S+\s*: ` must give back a `:` it took). Each scanner lives in a file of its own named
//! after its dialect and is listed in [`SCANNERS`].

use std::ops::Range;
use std::sync::OnceLock;

use regex::bytes::{Regex, RegexBuilder};

mod golog;
mod klog;
mod logback;
mod python;
mod spring;
mod util;
mod zap_console;

mod access;
mod alb;
mod apache_error;
mod apache_vhost;
mod bytes;
mod envoy;
mod haproxy;
mod mysql;
mod nginx_error;
mod postgres;
mod redis;
mod syslog_3164;
mod syslog_5424;

/// Spans of the capture groups of one match, indexed like the regex's groups (slot 0 is the
/// whole match). `None`: the group did not take part in the match.
pub type Slots = [Option<Range<usize>>];

/// A built-in dialect's hand-written reader.
pub struct Scanner {
    /// The dialect's `name` in `dialects.toml`.
    pub name: &'static str,
    /// `scan(line, slots)`: does the dialect's `regex` match `line`? If so, `slots` (as long
    /// as the regex has groups, plus one) holds each group's span; a slot of a group that did
    /// not match is `None`. On `false` the slots are unspecified.
    pub scan: fn(&[u8], &mut Slots) -> bool,
    /// Does the dialect's `start` regex match `line`? (`None`: the dialect has no `start`, or
    /// it is left to the regex.)
    pub start: Option<fn(&[u8]) -> bool>,
}

impl std::fmt::Debug for Scanner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scanner").field("name", &self.name).finish()
    }
}

/// Every scanner, by dialect name.
pub static SCANNERS: &[Scanner] = &[
    Scanner {
        name: "access",
        scan: access::scan,
        start: None,
    },
    Scanner {
        name: "syslog-3164",
        scan: syslog_3164::scan,
        start: None,
    },
    Scanner {
        name: "envoy",
        scan: envoy::scan,
        start: None,
    },
    Scanner {
        name: "syslog-5424",
        scan: syslog_5424::scan,
        start: None,
    },
    Scanner {
        name: "apache-vhost",
        scan: apache_vhost::scan,
        start: None,
    },
    Scanner {
        name: "nginx-error",
        scan: nginx_error::scan,
        start: None,
    },
    Scanner {
        name: "spring",
        scan: spring::scan,
        start: Some(spring::start),
    },
    Scanner {
        name: "python",
        scan: python::scan,
        start: Some(python::start),
    },
    Scanner {
        name: "logback",
        scan: logback::scan,
        start: Some(logback::start),
    },
    Scanner {
        name: "klog",
        scan: klog::scan,
        start: None,
    },
    Scanner {
        name: "golog",
        scan: golog::scan,
        start: Some(golog::start),
    },
    Scanner {
        name: "haproxy",
        scan: haproxy::scan,
        start: None,
    },
    Scanner {
        name: "redis",
        scan: redis::scan,
        start: None,
    },
    Scanner {
        name: "mysql",
        scan: mysql::scan,
        start: None,
    },
    Scanner {
        name: "postgres",
        scan: postgres::scan,
        start: Some(postgres::start),
    },
    Scanner {
        name: "alb",
        scan: alb::scan,
        start: None,
    },
    Scanner {
        name: "zap-console",
        scan: zap_console::scan,
        start: Some(zap_console::start),
    },
    Scanner {
        name: "apache-error",
        scan: apache_error::scan,
        start: None,
    },
];

/// The scanner of built-in dialect `name`, if one is written.
pub fn scanner(name: &str) -> Option<&'static Scanner> {
    SCANNERS.iter().find(|s| s.name == name)
}

/// Most capture groups a scanned dialect has (the slots live on the stack).
pub const MAX_SLOTS: usize = 48;

/// A scanner with its dialect's regexes, as [`disagreement`] checks it.
struct Checked {
    scanner: &'static Scanner,
    regex: Regex,
    start: Option<Regex>,
}

/// Every scanner with its dialect's `regex` and `start`, compiled once; or what is wrong with
/// the table (a scanner naming no built-in regex dialect, or one with too many groups).
fn checked() -> &'static Result<Vec<Checked>, String> {
    static C: OnceLock<Result<Vec<Checked>, String>> = OnceLock::new();
    C.get_or_init(|| {
        let specs = crate::parse::parse_dialect_specs(crate::parse::BUILTIN_DIALECTS)?;
        let compile = |re: &str| {
            RegexBuilder::new(re)
                .unicode(false)
                .build()
                .map_err(|e| e.to_string())
        };
        SCANNERS
            .iter()
            .map(|s| {
                let spec = specs.iter().find(|d| d.name == s.name).ok_or_else(|| {
                    format!("scanner {} names no built-in dialect", s.name)
                })?;
                let regex = compile(spec.regex.as_deref().ok_or_else(|| {
                    format!("scanner {}: its dialect has no regex", s.name)
                })?)?;
                if regex.captures_len() > MAX_SLOTS {
                    return Err(format!("{}: more than {MAX_SLOTS} slots", s.name));
                }
                let start = spec.start.as_deref().map(compile).transpose()?;
                if s.start.is_some() != start.is_some() {
                    return Err(format!(
                        "{}: a scanner has a start function exactly when its dialect has a start regex",
                        s.name
                    ));
                }
                Ok(Checked {
                    scanner: s,
                    regex,
                    start,
                })
            })
            .collect()
    })
}

/// Where scanner and regex read `line` differently: the first disagreement, described.
fn check(c: &Checked, line: &[u8]) -> Option<String> {
    let (s, re) = (c.scanner, &c.regex);
    let shown = || format!("{:?}", String::from_utf8_lossy(line));
    let mut slots = [const { None }; MAX_SLOTS];
    let slots = &mut slots[..re.captures_len()];
    let got = (s.scan)(line, slots);
    match re.captures(line) {
        None if got => {
            return Some(format!(
                "{}: scanner accepts a line the regex rejects: {}",
                s.name,
                shown()
            ))
        }
        None => {}
        Some(_) if !got => {
            return Some(format!(
                "{}: scanner rejects a line the regex reads: {}",
                s.name,
                shown()
            ))
        }
        Some(caps) => {
            for (i, slot) in slots.iter().enumerate() {
                let want = caps.get(i).map(|m| m.range());
                if *slot != want {
                    return Some(format!(
                        "{}: group {i} ({}) is {slot:?}, the regex says {want:?}, on {}",
                        s.name,
                        re.capture_names().nth(i).flatten().unwrap_or("whole match"),
                        shown()
                    ));
                }
            }
        }
    }
    if let (Some(f), Some(st)) = (s.start, &c.start) {
        if f(line) != st.is_match(line) {
            return Some(format!(
                "{}: start says {}, the start regex {}, on {}",
                s.name,
                f(line),
                st.is_match(line),
                shown()
            ));
        }
    }
    None
}

/// Runs every scanner and its dialect's regex (and `start`) on `line`: the first place they
/// disagree, described, or `None` when all agree. For the tests and the `dialect_scanners`
/// fuzz target; the regexes are compiled on the first call.
pub fn disagreement(line: &[u8]) -> Option<String> {
    match checked() {
        Err(e) => Some(e.clone()),
        Ok(all) => all.iter().find_map(|c| check(c, line)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every line of every file under `fixtures/` (deduplicated), without `\r`.
    fn fixture_lines() -> Vec<Vec<u8>> {
        let mut out = std::collections::BTreeSet::new();
        let mut stack = vec![std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures")];
        while let Some(d) = stack.pop() {
            let Ok(rd) = std::fs::read_dir(&d) else {
                continue;
            };
            for e in rd.flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                    continue;
                }
                let Ok(b) = std::fs::read(&p) else { continue };
                if b.starts_with(&[0x1f, 0x8b]) || b.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
                    continue;
                }
                for l in b.split(|&c| c == b'\n') {
                    let l = l.strip_suffix(b"\r").unwrap_or(l);
                    out.insert(l.to_vec());
                }
            }
        }
        out.into_iter().collect()
    }

    /// Lines made from `line`: every prefix, and each byte deleted or replaced by bytes that
    /// matter to log grammars.
    pub(crate) fn mutations(line: &[u8], out: &mut Vec<Vec<u8>>) {
        const SUBST: &[u8] = b" \t[]()\":,.-+/=|0aZz\xc3";
        let n = line.len().min(160);
        for k in 0..=n {
            out.push(line[..k].to_vec());
        }
        for k in 0..n {
            let mut d = line.to_vec();
            d.remove(k);
            out.push(d);
            for &c in SUBST {
                if line[k] != c {
                    let mut r = line.to_vec();
                    r[k] = c;
                    out.push(r);
                }
            }
            let mut ins = line.to_vec();
            ins.insert(k, b' ');
            out.push(ins);
        }
    }

    #[test]
    fn every_scanner_reads_like_its_regex() {
        let all = checked().as_ref().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(all.len(), SCANNERS.len());
        let lines = fixture_lines();
        // Every fixture line, every scanner (and its start function).
        for l in &lines {
            if let Some(d) = disagreement(l) {
                panic!("{d}");
            }
        }
        for c in all {
            let re = &c.regex;
            assert!(
                lines.iter().any(|l| re.is_match(l)),
                "{}: no fixture line is of this dialect",
                c.scanner.name
            );
            // Mutations of the lines the dialect reads (and of some it does not).
            let mut tried = 0;
            let mut buf = Vec::new();
            for l in lines
                .iter()
                .filter(|l| re.is_match(l))
                .take(200)
                .chain(lines.iter().step_by(97).take(50))
            {
                buf.clear();
                mutations(l, &mut buf);
                for m in &buf {
                    if let Some(d) = check(c, m) {
                        panic!("{d}");
                    }
                }
                tried += buf.len();
            }
            assert!(tried > 1000);
        }
    }

    /// Lines of the dialect cut into tokens (runs of letters/digits, runs of spaces, single
    /// other bytes) and put back together with tokens moved, repeated, dropped or swapped for
    /// others, from the dialect's lines and from a list of bytes that make regexes choose.
    #[test]
    fn every_scanner_reads_token_soup_like_its_regex() {
        const EXTRA: &[&[u8]] = &[
            b" ", b"  ", b":", b": ", b" - ", b" | ", b" -", b"[", b"]", b"] ", b",", b"-", b"\n",
            b"\t", b"\xff", b"INFO", b"WARNING", b"WARN", b".go", b"---", b" --- ", b"0", b"a",
            b"+01:00", b"Z", b".123", b",123", b"abc-def",
        ];
        fn tokens(l: &[u8]) -> Vec<&[u8]> {
            let class = |b: u8| {
                if b.is_ascii_alphanumeric() {
                    0
                } else if b == b' ' {
                    1
                } else {
                    2
                }
            };
            let mut out = Vec::new();
            let mut i = 0;
            while i < l.len() {
                let c = class(l[i]);
                let mut j = i + 1;
                while c != 2 && j < l.len() && class(l[j]) == c {
                    j += 1;
                }
                out.push(&l[i..j]);
                i = j;
            }
            out
        }
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut rand = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n.max(1) as u64) as usize
        };
        let all = checked().as_ref().unwrap_or_else(|e| panic!("{e}"));
        let lines = fixture_lines();
        for c in all {
            let mine: Vec<Vec<&[u8]>> = lines
                .iter()
                .filter(|l| c.regex.is_match(l))
                .take(300)
                .map(|l| tokens(l))
                .collect();
            let mut pool: Vec<&[u8]> = mine.iter().flatten().copied().collect();
            pool.extend_from_slice(EXTRA);
            for _ in 0..40_000 {
                let mut t = mine[rand(mine.len())].clone();
                for _ in 0..1 + rand(4) {
                    let k = rand(t.len() + 1);
                    let x = pool[rand(pool.len())];
                    match rand(4) {
                        0 if k < t.len() => t[k] = x,
                        1 if k < t.len() => {
                            t.remove(k);
                        }
                        2 if k < t.len() => t.insert(k, t[k]),
                        _ => t.insert(k, x),
                    }
                }
                let line = t.concat();
                if let Some(d) = check(c, &line) {
                    panic!("{d}");
                }
            }
        }
    }
}
