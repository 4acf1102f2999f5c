//! Known issues: a `known-issues.toml` maps signature ids or patterns to a title, a runbook
//! and a Jira key, so that `check`, `cluster`, `trace` and the bundle's summary say "this is
//! KB-123" for every event or signature that matches one.

use regex::Regex;
use serde::{Deserialize, Serialize};

/// `known-issues.toml`: signature ids or template patterns -> title, runbook, Jira key.
///
/// ```toml
/// [[issue]]
/// signature = "822335de2d85ba73"            # or:
/// pattern = "warehouse api returned 5\\d\\d" # a regex over the template or the event text
/// title = "Warehouse API outage"
/// runbook = "https://wiki.example/runbooks/warehouse"
/// jira = "KB-123"
/// ```
#[derive(Debug, Default)]
pub struct KnownIssues {
    issues: Vec<(Option<String>, Option<Regex>, KnownIssueRef)>,
}

/// What the engineer sees: "this is KB-123".
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct KnownIssueRef {
    pub title: String,
    pub runbook: Option<String>,
    pub jira: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KnownIssuesFile {
    #[serde(default)]
    issue: Vec<KnownIssueSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KnownIssueSpec {
    signature: Option<String>,
    pattern: Option<String>,
    title: String,
    runbook: Option<String>,
    jira: Option<String>,
}

impl KnownIssues {
    pub fn parse(text: &str, name: &str) -> Result<KnownIssues, String> {
        let f: KnownIssuesFile = toml::from_str(text)
            .map_err(|e| format!("{name} is not a valid known-issues file: {e}"))?;
        let mut issues = Vec::new();
        for (i, spec) in f.issue.into_iter().enumerate() {
            if spec.signature.is_none() && spec.pattern.is_none() {
                return Err(format!(
                    "{name}: [[issue]] #{} ('{}') needs `signature = \"<id>\"` or `pattern = \"<regex>\"`",
                    i + 1,
                    spec.title
                ));
            }
            let re = match &spec.pattern {
                Some(p) => Some(Regex::new(p).map_err(|e| {
                    format!(
                        "{name}: [[issue]] '{}': pattern is not a valid regex: {e}",
                        spec.title
                    )
                })?),
                None => None,
            };
            issues.push((
                spec.signature,
                re,
                KnownIssueRef {
                    title: spec.title,
                    runbook: spec.runbook,
                    jira: spec.jira,
                },
            ));
        }
        Ok(KnownIssues { issues })
    }

    pub fn is_empty(&self) -> bool {
        self.issues.is_empty()
    }

    /// The first known issue matching this signature id, template or event text.
    pub fn find(&self, id: &str, template: &str, text: &str) -> Option<KnownIssueRef> {
        self.issues.iter().find_map(|(sig, re, r)| {
            let hit = sig.as_deref() == Some(id)
                || re.as_ref().is_some_and(|re| {
                    re.is_match(template) || (!text.is_empty() && re.is_match(text))
                });
            hit.then(|| r.clone())
        })
    }
}

impl std::fmt::Display for KnownIssueRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.jira {
            Some(j) => write!(f, "{j}: {}", self.title)?,
            None => write!(f, "{}", self.title)?,
        }
        if let Some(u) = &self.runbook {
            write!(f, " (runbook: {u})")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_issue_files_are_checked() {
        let k = KnownIssues::parse(
            "[[issue]]\nsignature = \"abc\"\ntitle = \"T\"\njira = \"KB-1\"\nrunbook = \"https://r\"\n\n[[issue]]\npattern = \"returned 5\\\\d\\\\d\"\ntitle = \"Outage\"\n",
            "k.toml",
        )
        .unwrap();
        assert_eq!(
            k.find("abc", "", "").unwrap().to_string(),
            "KB-1: T (runbook: https://r)"
        );
        assert_eq!(
            k.find("zzz", "api returned 503", "").unwrap().title,
            "Outage"
        );
        assert!(k.find("zzz", "fine", "").is_none());
        let e = KnownIssues::parse("[[issue]]\ntitle = \"x\"\n", "k.toml").unwrap_err();
        assert!(e.contains("needs `signature"), "{e}");
    }
}
