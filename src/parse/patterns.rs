//! The user's id patterns (`[[correlation.pattern]]` in the config file): regexes whose named
//! groups are ids, applied to every record's first line on top of what its dialect found, so an
//! id written in a shape no dialect knows (`ref#48213`, `TraceID: 4f3a...`) can be followed.

use std::collections::BTreeMap;

use regex::Regex;

/// Compiled once, when the config is read.
#[derive(Clone, Debug, Default)]
pub struct IdPatterns {
    regexes: Vec<Regex>,
}

impl IdPatterns {
    /// Compile the patterns in order. The error says which one (1-based) and why; the caller
    /// adds where it was written.
    pub fn new<S: AsRef<str>>(patterns: &[S]) -> Result<IdPatterns, (usize, String)> {
        let mut regexes = Vec::new();
        for (i, p) in patterns.iter().enumerate() {
            let p = p.as_ref();
            let re = Regex::new(p).map_err(|e| {
                (
                    i + 1,
                    format!(
                        "regex '{p}' does not compile; write it in Rust regex syntax \
                         (https://docs.rs/regex), in single quotes so backslashes stay as \
                         written:\n{e}"
                    ),
                )
            })?;
            if re.capture_names().flatten().next().is_none() {
                return Err((
                    i + 1,
                    format!(
                        "regex '{p}' has no named group, so it names no id; name the id's group \
                         after its key, e.g. 'ref#(?P<ref_id>[0-9]+)'"
                    ),
                ));
            }
            regexes.push(re);
        }
        Ok(IdPatterns { regexes })
    }

    pub fn is_empty(&self) -> bool {
        self.regexes.is_empty()
    }

    /// Add the ids the patterns find in `text`: each named group's match under the group's
    /// name, unless the record already has that key (the dialect's value wins, then the first
    /// match). Values that cannot be ids (empty, `-`, `null`, with spaces) are skipped.
    pub fn apply(&self, text: &str, ids: &mut BTreeMap<String, String>) {
        for re in &self.regexes {
            for caps in re.captures_iter(text) {
                for name in re.capture_names().flatten() {
                    let Some(m) = caps.name(name) else { continue };
                    if ids.contains_key(name) || !super::fields::plausible_id(m.as_str()) {
                        continue;
                    }
                    ids.insert(name.to_string(), m.as_str().to_string());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_groups_become_ids() {
        let p = IdPatterns::new(&[r"TraceID: (?P<trace_id>[0-9a-f]{32})", r"(?P<ref>ref#\d+)"])
            .unwrap();
        let mut ids = BTreeMap::new();
        ids.insert("request_id".to_string(), "r-1".to_string());
        p.apply(
            "TraceID: 4bf92f3577b34da6a3ce929d0e0e4736 paid ref#48213 then ref#48214",
            &mut ids,
        );
        assert_eq!(ids["trace_id"], "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(ids["ref"], "ref#48213", "the first match wins");
        assert_eq!(ids["request_id"], "r-1");
        assert_eq!(ids.len(), 3);
    }

    #[test]
    fn the_dialects_value_wins() {
        let p = IdPatterns::new(&[r"order (?P<order_id>O-\d+)"]).unwrap();
        let mut ids = BTreeMap::new();
        ids.insert("order_id".to_string(), "O-1".to_string());
        p.apply("order O-2 shipped", &mut ids);
        assert_eq!(ids["order_id"], "O-1");
    }

    #[test]
    fn bad_patterns_say_which_and_why() {
        let (i, e) = IdPatterns::new(&[r"(?P<a>x)", r"ref#(\d+"]).unwrap_err();
        assert_eq!(i, 2);
        assert!(
            e.starts_with(r"regex 'ref#(\d+' does not compile; write it in Rust regex syntax"),
            "{e}"
        );
        assert!(e.ends_with("error: unclosed group"), "{e}");
        let (i, e) = IdPatterns::new(&[r"ref#(\d+)"]).unwrap_err();
        assert_eq!(i, 1);
        assert_eq!(
            e,
            r"regex 'ref#(\d+)' has no named group, so it names no id; name the id's group after its key, e.g. 'ref#(?P<ref_id>[0-9]+)'"
        );
    }
}
