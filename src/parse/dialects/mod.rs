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

mod access;
mod apache_vhost;
mod bytes;
mod envoy;
mod nginx_error;
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
];

/// The scanner of built-in dialect `name`, if one is written.
pub fn scanner(name: &str) -> Option<&'static Scanner> {
    SCANNERS.iter().find(|s| s.name == name)
}

/// Most capture groups a scanned dialect has (the slots live on the stack).
pub const MAX_SLOTS: usize = 48;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{parse_dialect_specs, BUILTIN_DIALECTS};
    use regex::bytes::{Regex, RegexBuilder};

    fn compile(re: &str) -> Regex {
        RegexBuilder::new(re).unicode(false).build().unwrap()
    }

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

    /// The regex's answer in the scanner's terms.
    fn regex_slots(re: &Regex, line: &[u8]) -> Option<Vec<Option<Range<usize>>>> {
        let caps = re.captures(line)?;
        Some(
            (0..re.captures_len())
                .map(|i| caps.get(i).map(|m| m.range()))
                .collect(),
        )
    }

    /// Panics with the line when scanner and regex disagree.
    pub(crate) fn agree(s: &Scanner, re: &Regex, start: Option<&Regex>, line: &[u8]) {
        let want = regex_slots(re, line);
        let mut slots = vec![None; re.captures_len()];
        let got = (s.scan)(line, &mut slots);
        match want {
            None => assert!(
                !got,
                "{}: scanner accepts a line the regex rejects: {:?}",
                s.name,
                String::from_utf8_lossy(line)
            ),
            Some(w) => {
                assert!(
                    got,
                    "{}: scanner rejects a line the regex reads: {:?}",
                    s.name,
                    String::from_utf8_lossy(line)
                );
                assert_eq!(
                    slots,
                    w,
                    "{}: group spans differ from the regex on {:?}",
                    s.name,
                    String::from_utf8_lossy(line)
                );
            }
        }
        if let (Some(f), Some(st)) = (s.start, start) {
            assert_eq!(
                f(line),
                st.is_match(line),
                "{}: start differs from the start regex on {:?}",
                s.name,
                String::from_utf8_lossy(line)
            );
        }
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
        let specs = parse_dialect_specs(BUILTIN_DIALECTS).unwrap();
        let lines = fixture_lines();
        for s in SCANNERS {
            let spec = specs
                .iter()
                .find(|d| d.name == s.name)
                .unwrap_or_else(|| panic!("scanner {} names no built-in dialect", s.name));
            let re = compile(spec.regex.as_deref().expect("a regex dialect"));
            assert!(
                re.captures_len() <= MAX_SLOTS,
                "{}: too many groups",
                s.name
            );
            let start = spec.start.as_deref().map(compile);
            assert_eq!(
                s.start.is_some(),
                start.is_some(),
                "{}: a scanner has a start function exactly when its dialect has a start regex",
                s.name
            );
            let mut matched = 0;
            for l in &lines {
                agree(s, &re, start.as_ref(), l);
                if re.is_match(l) {
                    matched += 1;
                }
            }
            assert!(
                matched > 0,
                "{}: no fixture line is of this dialect",
                s.name
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
                    agree(s, &re, start.as_ref(), m);
                }
                tried += buf.len();
            }
            assert!(tried > 1000);
        }
    }
}
