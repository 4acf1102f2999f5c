//! logfmt (`key=value key="quoted value" flag`): pairs, and free text after them.

use std::borrow::Cow;

use super::fields::KeyClass;
use super::structured::{peek_wants, settle, PeekedFields, Producer, Scalar, PEEK_FIELDS};

/// A logfmt line read: its pairs, and free text that follows them.
pub struct Logfmt<'a> {
    /// Values borrowed from the line unless a quoted one had escapes.
    pub pairs: Vec<(&'a str, Cow<'a, str>)>,
    /// Text after the pairs that is not pairs (`note: retry later`), trimmed; it runs from
    /// the first bare word to the end of the line, pairs after it included.
    pub free: Option<&'a str>,
}

/// logfmt: `key=value key="quoted value" flag`. `None` unless it starts with a key and most
/// tokens are pairs.
pub fn logfmt_pairs(line: &str) -> Option<Vec<(&str, String)>> {
    let l = logfmt(line)?;
    l.free.is_none().then(|| {
        l.pairs
            .into_iter()
            .map(|(k, v)| (k, v.into_owned()))
            .collect()
    })
}

/// The pairs that end a record after its fixed fields (an access log line's `req_id=r-1` or
/// `rt=0.120 req_id=r-1` after the user agent): as [`logfmt_pairs`], and also a single pair
/// when it is the whole tail (a line alone needs two, so that `a=b` in prose is no logfmt).
pub fn tail_pairs(tail: &str) -> Option<Vec<(&str, String)>> {
    if let Some(p) = logfmt_pairs(tail) {
        return Some(p);
    }
    let mut pairs = Vec::with_capacity(1);
    let shape = scan(tail, |key, raw, escaped| {
        pairs.push((
            key,
            if escaped {
                unescape(raw)
            } else {
                raw.to_string()
            },
        ));
    })?;
    (shape.pairs == 1 && shape.tokens == 1).then_some(pairs)
}

/// logfmt with free text allowed after the pairs: a line is logfmt when it starts with a key,
/// and either most of its tokens are pairs (bare words among them are flags) or it opens with
/// at least two pairs and ends in free text (`ts=... level=error msg="job failed" job_id=J-2
/// note: retry later`, or a credential a library appended). In the second case `free` holds
/// the text from the first bare word on.
pub fn logfmt(line: &str) -> Option<Logfmt<'_>> {
    let mut pairs = Vec::with_capacity(8);
    let shape = scan(line, |key, raw, escaped| {
        let val = if escaped {
            Cow::Owned(unescape(raw))
        } else {
            Cow::Borrowed(raw)
        };
        pairs.push((key, val));
    })?;
    let free = shape.free(line)?;
    Some(Logfmt { pairs, free })
}

/// A quoted value's text: `\"` is a quote, `\\` a backslash.
fn unescape(raw: &str) -> String {
    raw.replace("\\\"", "\"").replace("\\\\", "\\")
}

/// How a line's tokens went, for [`Shape::free`].
pub(super) struct Shape {
    pairs: usize,
    tokens: usize,
    /// Pairs before the first bare word, and where that word starts.
    leading: Option<usize>,
    first_bare: Option<usize>,
}

impl Shape {
    /// Is the line logfmt? `Some(free text)` if so (see [`logfmt`]), `None` if not.
    pub(super) fn free(self, line: &str) -> Option<Option<&str>> {
        if self.pairs >= 2 && self.pairs * 5 >= self.tokens * 4 {
            return Some(None);
        }
        match (self.leading, self.first_bare) {
            (Some(n), Some(at)) if n >= 2 => Some(Some(line[at..].trim_end())),
            _ => None,
        }
    }
}

/// The tokens of a line: each pair, in order, as its key, its value as written (inside the
/// quotes of a quoted one) and whether that quoted value has escapes; `None` when the line
/// starts with a bare word. Whether the line is logfmt is then [`Shape::free`].
pub(super) fn scan<'a>(
    line: &'a str,
    mut pair: impl FnMut(&'a str, &'a str, bool),
) -> Option<Shape> {
    let b = line.as_bytes();
    let mut i = 0;
    let mut pairs = 0;
    let mut tokens = 0;
    let mut leading = None;
    let mut first_bare = None;
    while i < b.len() {
        while i < b.len() && b[i] == b' ' {
            i += 1;
        }
        if i >= b.len() {
            break;
        }
        tokens += 1;
        let ks = i;
        while i < b.len() && b[i] != b'=' && b[i] != b' ' && b[i] != b'"' {
            i += 1;
        }
        let key = &line[ks..i];
        if i < b.len() && b[i] == b'=' && !key.is_empty() {
            i += 1;
            if i < b.len() && b[i] == b'"' {
                i += 1;
                let vs = i;
                let mut closed = false;
                // To the closing quote; a backslash escapes the byte after it.
                while let Some(n) = memchr::memchr2(b'\\', b'"', &b[i.min(b.len())..]) {
                    i += n;
                    if b[i] == b'"' {
                        closed = true;
                        break;
                    }
                    i += if i + 1 < b.len() { 2 } else { 1 };
                }
                if !closed {
                    i = b.len();
                }
                let raw = &line[vs..i.min(b.len())];
                if closed {
                    i += 1;
                }
                pair(key, raw, raw.contains('\\'));
            } else {
                let vs = i;
                i = memchr::memchr(b' ', &b[i..]).map_or(b.len(), |n| i + n);
                pair(key, &line[vs..i], false);
            }
            pairs += 1;
        } else {
            // A bare word (or something that is not logfmt).
            if tokens == 1 {
                return None;
            }
            if first_bare.is_none() {
                first_bare = Some(ks);
                leading = Some(pairs);
            }
            while i < b.len() && b[i] != b' ' {
                if b[i] == b'"' {
                    i += 1;
                    while i < b.len() && b[i] != b'"' {
                        i += 1;
                    }
                }
                i += 1;
            }
        }
    }
    Some(Shape {
        pairs,
        tokens,
        leading,
        first_bare,
    })
}

impl super::Parser {
    /// What [`Self::parse_logfmt`] gives a line of its time, level, service and logger, read
    /// without making the record: `None` when the line is not logfmt, has more than a few
    /// such keys, or one of them is quoted with escapes (only the full parse can tell then).
    pub(super) fn peek_logfmt<'a>(
        &self,
        line: &'a str,
        tctx: &super::TimeContext,
    ) -> Option<PeekedFields<'a>> {
        let mut items: [Option<(KeyClass, Scalar<'a>)>; PEEK_FIELDS] =
            [const { None }; PEEK_FIELDS];
        let mut n = 0;
        let mut unsure = false;
        let shape = scan(line, |key, raw, escaped| {
            let c = self.ids.class(key);
            if !peek_wants(c) {
                return;
            }
            match items.get_mut(n) {
                Some(slot) if !escaped => {
                    *slot = Some((c, Scalar::Str(Cow::Borrowed(raw))));
                    n += 1;
                }
                _ => unsure = true,
            }
        })?;
        shape.free(line)?;
        if unsure {
            return None;
        }
        settle(Producer::Other, items.into_iter().take(n).flatten(), tctx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_single_pair_is_a_tail_but_not_a_line() {
        assert!(logfmt_pairs("req_id=r-1").is_none());
        assert_eq!(
            tail_pairs("req_id=r-1"),
            Some(vec![("req_id", "r-1".to_string())])
        );
        assert_eq!(
            tail_pairs(r#"note="a \"b\"""#),
            Some(vec![("note", "a \"b\"".to_string())])
        );
        assert_eq!(tail_pairs("req_id=r-1 and more"), None);
        assert_eq!(tail_pairs("(iOS)"), None);
    }

    #[test]
    fn quoted_values_escapes_and_borrowing() {
        let l = logfmt(r#"k1="say \"hi\"" k2=v2 k3="a\\b" k4="open \"end"#).unwrap();
        let got: Vec<(&str, &str)> = l.pairs.iter().map(|(k, v)| (*k, v.as_ref())).collect();
        assert_eq!(
            got,
            [
                ("k1", r#"say "hi""#),
                ("k2", "v2"),
                ("k3", r"a\b"),
                ("k4", r#"open "end"#)
            ]
        );
        assert!(matches!(l.pairs[1].1, Cow::Borrowed(_)));
        assert!(l.free.is_none());
        let l = logfmt(r#"ts=1 level=info msg="a b" note: retry later"#).unwrap();
        assert_eq!(l.free, Some("note: retry later"));
        assert_eq!(l.pairs[2].1, "a b");
        assert!(logfmt("plain words here").is_none());
        assert_eq!(logfmt_pairs(r#"a=1 b="x\"#).unwrap()[1].1, r"x\");
    }

    /// A logfmt peek says what the full parse says, or nothing.
    #[test]
    fn logfmt_peek_agrees_or_declines() {
        use crate::model::Level;
        let p = crate::parse::Parser::default_parser();
        let tctx = crate::parse::TimeContext::default();
        let peek = |line: &'static str| {
            let f = p.peek_logfmt(line, &tctx);
            if let Some(f) = &f {
                let r = p.parse_logfmt(line, &tctx).unwrap();
                assert_eq!(f.ts, r.ts, "{line}");
                assert_eq!(f.level, r.level, "{line}");
                assert_eq!(f.service, r.service.as_deref(), "{line}");
                assert_eq!(f.logger, r.logger.as_deref(), "{line}");
            }
            f
        };
        let at = |s: &str| tctx.parse(s);
        let f =
            peek(r#"ts=2026-11-28T20:00:00.278Z level=info msg="job started" job_id=J-1"#).unwrap();
        assert_eq!(f.ts, at("2026-11-28T20:00:00.278Z"));
        assert_eq!(
            (f.level, f.service, f.logger),
            (Some(Level::Info), None, None)
        );
        // `time` is outranked by `ts`, `level` by `loglevel`; a quoted service is lent
        let f = peek(r#"time=2020-01-01T00:00:00Z ts=2026-11-28T20:00:01Z level=info loglevel=warn app="web shop" logger=db"#).unwrap();
        assert_eq!(f.ts, at("2026-11-28T20:00:01Z"));
        assert_eq!(f.level, Some(Level::Warn));
        assert_eq!((f.service, f.logger), (Some("web shop"), Some("db")));
        // a key twice: the first of its rank stands, as in the full parse
        let f = peek("ts=2026-11-28T20:00:01Z level=error level=info service=a service=b").unwrap();
        assert_eq!((f.level, f.service), (Some(Level::Error), Some("a")));
        // free text after the pairs; a level only in the message is none here
        let f = peek("ts=2026-11-28T20:00:01Z msg=x job=J-2 note: error later").unwrap();
        assert_eq!(f.level, None);
        // an escaped quoted value among the needed keys; not logfmt
        for line in [
            r#"ts=2026-11-28T20:00:01Z level=info service="a \"b\"""#,
            r#"ts=2026-11-28T20:00:01Z level="in\\fo""#,
            "plain words ts=2026-11-28T20:00:01Z level=info",
            "ts=2026-11-28T20:00:01Z and then words and more words",
        ] {
            assert_eq!(peek(line), None, "{line}");
        }
        // an escaped value elsewhere is no matter
        let f = peek(r#"ts=2026-11-28T20:00:01Z level=debug msg="say \"hi\"""#).unwrap();
        assert_eq!(f.level, Some(Level::Debug));
    }
}
