//! logfmt (`key=value key="quoted value" flag`): pairs, and free text after them.

use std::borrow::Cow;

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

/// logfmt with free text allowed after the pairs: a line is logfmt when it starts with a key,
/// and either most of its tokens are pairs (bare words among them are flags) or it opens with
/// at least two pairs and ends in free text (`ts=... level=error msg="job failed" job_id=J-2
/// note: retry later`, or a credential a library appended). In the second case `free` holds
/// the text from the first bare word on.
pub fn logfmt(line: &str) -> Option<Logfmt<'_>> {
    let b = line.as_bytes();
    let mut i = 0;
    let mut pairs = Vec::with_capacity(8);
    let mut tokens = 0;
    // Pairs before the first bare word, and where that word starts.
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
                let val = if raw.contains('\\') {
                    Cow::Owned(raw.replace("\\\"", "\"").replace("\\\\", "\\"))
                } else {
                    Cow::Borrowed(raw)
                };
                if closed {
                    i += 1;
                }
                pairs.push((key, val));
            } else {
                let vs = i;
                i = memchr::memchr(b' ', &b[i..]).map_or(b.len(), |n| i + n);
                pairs.push((key, Cow::Borrowed(&line[vs..i])));
            }
        } else {
            // A bare word (or something that is not logfmt).
            if tokens == 1 {
                return None;
            }
            if first_bare.is_none() {
                first_bare = Some(ks);
                leading = Some(pairs.len());
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
    if pairs.len() >= 2 && pairs.len() * 5 >= tokens * 4 {
        return Some(Logfmt { pairs, free: None });
    }
    match (leading, first_bare) {
        (Some(n), Some(at)) if n >= 2 => Some(Logfmt {
            pairs,
            free: Some(line[at..].trim_end()),
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
