//! Known-good signatures and what is new against them (`baseline`, `check`), and known issues.
//!
//! A baseline is the signatures of known-good logs, as stable, sorted, diffable JSON:
//!
//! ```json
//! {"schema_version": 1, "tool": {"name": "casefile", "version": "0.1.0"}, "events": 12890,
//!  "signatures": [{"id": "822335de2d85ba73", "template": "job failed: warehouse api returned <NUM>",
//!                  "level": "error", "count": 281, "services": ["worker"]}]}
//! ```
//!
//! Signatures are mined from each event's clustered text (see `signatures::cluster_text`) with
//! credentials dropped together with their key (`retrying Authorization: Bearer eyJ...` clusters
//! as `retrying`) and personal data replaced by its kind (`<email>`), so planted credentials and
//! personal data never split a signature (see [`stable_text`]). A signature of the checked logs is *known* when
//! its id is in the baseline or when a baseline template, read as a pattern (holes match any
//! text), matches its template or its first event's text: templates mined from another day's
//! logs may generalise a little differently, the events they describe do not.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::known_issues::{KnownIssueRef, KnownIssues};
use crate::model::Level;
use crate::redact::Redactor;
use crate::signatures::{cluster_text, Signature, SignatureReport};

pub const BASELINE_SCHEMA_VERSION: u64 = 1;

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

/// One known-good signature.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct BaselineSignature {
    pub id: String,
    pub template: String,
    /// The most severe level seen (`none` when no event had one).
    pub level: String,
    pub count: u64,
    pub services: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Baseline {
    pub schema_version: u64,
    pub tool: Tool,
    /// Events the baseline was learned from (for rates).
    pub events: u64,
    pub signatures: Vec<BaselineSignature>,
}

impl Baseline {
    pub fn from_report(rep: &SignatureReport) -> Baseline {
        let mut sigs: Vec<BaselineSignature> = rep
            .signatures
            .iter()
            .map(|s| BaselineSignature {
                id: s.id.clone(),
                template: s.template.clone(),
                level: max_level(s).map_or("none", Level::as_str).to_string(),
                count: s.count,
                services: s.services.keys().cloned().collect(),
            })
            .collect();
        sigs.sort_by(|a, b| a.id.cmp(&b.id));
        Baseline {
            schema_version: BASELINE_SCHEMA_VERSION,
            tool: tool(),
            events: rep.events,
            signatures: sigs,
        }
    }

    /// Union of two baselines: counts and events add up, services unite, the worse level wins.
    pub fn merge(mut self, other: Baseline) -> Baseline {
        let mut by: BTreeMap<String, BaselineSignature> = self
            .signatures
            .drain(..)
            .map(|s| (s.id.clone(), s))
            .collect();
        for s in other.signatures {
            match by.get_mut(&s.id) {
                Some(b) => {
                    b.count += s.count;
                    let mut sv: BTreeSet<String> = b.services.drain(..).collect();
                    sv.extend(s.services);
                    b.services = sv.into_iter().collect();
                    if level_rank(&s.level) > level_rank(&b.level) {
                        b.level = s.level;
                    }
                }
                None => {
                    by.insert(s.id.clone(), s);
                }
            }
        }
        Baseline {
            schema_version: BASELINE_SCHEMA_VERSION,
            tool: tool(),
            events: self.events + other.events,
            signatures: by.into_values().collect(),
        }
    }

    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// Parse, with an error that says what to do.
    pub fn parse(text: &str, name: &str) -> Result<Baseline, String> {
        let b: Baseline = serde_json::from_str(text).map_err(|e| {
            format!(
                "{name} is not a casefile baseline ({e}); make one with `casefile baseline LOGS -o {name}`"
            )
        })?;
        if b.schema_version != BASELINE_SCHEMA_VERSION {
            return Err(format!(
                "{name} has schema_version {}, this casefile reads {BASELINE_SCHEMA_VERSION}; \
                 rebuild it with `casefile baseline`",
                b.schema_version
            ));
        }
        Ok(b)
    }
}

fn tool() -> Tool {
    Tool {
        name: "casefile".into(),
        version: env!("CARGO_PKG_VERSION").into(),
    }
}

fn level_rank(l: &str) -> i32 {
    Level::parse(l).map_or(-1, |l| l as i32)
}

pub fn max_level(s: &Signature) -> Option<Level> {
    s.levels.keys().filter_map(|l| Level::parse(l)).max()
}

/// The text `baseline`, `check` and `cluster` cluster an event by: its clustered text with every
/// secret replaced by its kind, so that a token or an e-mail address does not make a new
/// signature. A credential (token, key, password, `Authorization:` value) is dropped together
/// with the key or header that names it: `charge requested ... password=hunter2` clusters with
/// `charge requested ...`, because carrying a credential does not make a different kind of
/// event. Personal data (e-mail, card, IP) stays as its kind, a hole in the message.
pub fn stable_text(e: &crate::model::Event, redactor: &Redactor) -> String {
    let text = cluster_text(e);
    let red = redactor.redact(&text);
    secret_free(&red)
}

/// Redacted text -> the text clustered: credentials dropped with their key, other placeholders
/// reduced to their kind (`<email:3f2a9b1c>` -> `<email>`).
pub fn secret_free(redacted: &str) -> String {
    static CREDENTIAL: OnceLock<Regex> = OnceLock::new();
    static KIND: OnceLock<Regex> = OnceLock::new();
    let cred = CREDENTIAL.get_or_init(|| {
        // Up to two keys (`password=`, `"token": "`, `Authorization: `, `Cookie: SESSION=`), then the
        // placeholder of a credential kind (after its scheme word: `Bearer`, `ApiKey`,
        // `Splunk`, ...), or a URL carrying
        // a password (`postgres://app:<url_password:..>@db:5432/orders`), with its quotes.
        Regex::new(concat!(
            r#"[ \t]*(?:[A-Za-z0-9_.\-"'\\]+[ \t]*[:=][ \t]*["'\\]*){0,2}"#,
            r"(?:(?:[A-Za-z][A-Za-z0-9-]*[ \t]+)?<(?:jwt|aws_key|aws_secret|github_token|slack_token|bearer|basic|secret|private_key|stripe_key|npm_token|google_api_key|authorization|cookie|url_signature|azure_key|oauth_code):[0-9a-f]{8}>",
            r#"|[A-Za-z][A-Za-z0-9+.\-]*://[^\s:/@]*:<url_password:[0-9a-f]{8}>@[^\s"',;)}\]]*)"#,
            r#"["'\\]*"#,
        ))
        .expect("static regex")
    });
    let kind = KIND.get_or_init(|| {
        Regex::new(r"<([a-z_]+(?::[A-Za-z0-9_.-]+)?):[0-9a-f]{8}>").expect("static regex")
    });
    let dropped = cred.replace_all(redacted, "");
    let dropped = if dropped.trim().is_empty() {
        // A message that is nothing but a credential keeps its kind.
        std::borrow::Cow::Borrowed(redacted)
    } else {
        dropped
    };
    kind.replace_all(&dropped, "<$1>").into_owned()
}

/// A template read as a pattern: literal text exactly, each hole any non-empty text.
pub fn template_regex(template: &str) -> Option<Regex> {
    static HOLE: OnceLock<Regex> = OnceLock::new();
    let hole = HOLE
        .get_or_init(|| Regex::new(r"<(?:NUM|HEX|UUID|IP|PATH|URL|\*)>").expect("static regex"));
    let mut pat = String::from("(?s)^");
    let mut last = 0;
    for m in hole.find_iter(template) {
        pat.push_str(&regex::escape(&template[last..m.start()]));
        pat.push_str(".+?");
        last = m.end();
    }
    pat.push_str(&regex::escape(&template[last..]));
    pat.push('$');
    Regex::new(&pat).ok()
}

/// What fails a check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailOn {
    NewError,
    NewWarn,
    NewAny,
}

impl FailOn {
    pub fn parse(s: &str) -> Option<FailOn> {
        match s {
            "new-error" => Some(FailOn::NewError),
            "new-warn" => Some(FailOn::NewWarn),
            "new-any" => Some(FailOn::NewAny),
            _ => None,
        }
    }

    fn counts(self, level: Option<Level>) -> bool {
        match self {
            FailOn::NewAny => true,
            FailOn::NewWarn => level.is_some_and(|l| l >= Level::Warn),
            FailOn::NewError => level.is_some_and(|l| l >= Level::Error),
        }
    }
}

/// A signature of the checked logs that the baseline does not know.
#[derive(Clone, Debug, Serialize)]
pub struct NewSignature {
    pub signature: String,
    pub template: String,
    pub level: String,
    pub count: u64,
    /// `source:line` of the first occurrences.
    pub examples: Vec<String>,
    /// The first event's text (secrets replaced).
    pub example_text: String,
    /// Ids of narrower new signatures folded into this one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub known_issue: Option<KnownIssueRef>,
}

/// A known signature whose share of events grew more than allowed.
#[derive(Clone, Debug, Serialize)]
pub struct RateIncrease {
    pub signature: String,
    pub baseline_signature: String,
    pub template: String,
    pub count: u64,
    pub baseline_count: u64,
    /// (count / events) divided by (baseline count / baseline events).
    pub ratio: f64,
}

#[derive(Debug, Serialize)]
pub struct CheckResult {
    pub new: Vec<NewSignature>,
    /// Signatures of the checked logs that the baseline knows.
    pub known: usize,
    pub rate_increases: Vec<RateIncrease>,
    /// New signatures below the --fail-on level (reported, not failing).
    pub new_below_level: usize,
}

impl CheckResult {
    pub fn failed(&self) -> bool {
        !self.new.is_empty() || !self.rate_increases.is_empty()
    }
}

/// Compare the checked logs' signatures with a baseline.
pub fn check(
    rep: &SignatureReport,
    base: &Baseline,
    fail_on: FailOn,
    max_rate_increase: Option<f64>,
    known_issues: &KnownIssues,
) -> CheckResult {
    let by_id: BTreeMap<&str, &BaselineSignature> =
        base.signatures.iter().map(|s| (s.id.as_str(), s)).collect();
    let patterns: Vec<(Regex, &BaselineSignature)> = base
        .signatures
        .iter()
        .filter_map(|s| template_regex(&s.template).map(|r| (r, s)))
        .collect();
    let mut res = CheckResult {
        new: Vec::new(),
        known: 0,
        rate_increases: Vec::new(),
        new_below_level: 0,
    };
    for s in &rep.signatures {
        let sample = s.sample.as_deref().unwrap_or("");
        let matched = by_id.get(s.id.as_str()).copied().or_else(|| {
            patterns
                .iter()
                .find(|(re, _)| re.is_match(&s.template) || re.is_match(sample))
                .map(|(_, b)| *b)
        });
        match matched {
            Some(b) => {
                res.known += 1;
                if let Some(max) = max_rate_increase {
                    let now = s.count as f64 / rep.events.max(1) as f64;
                    let before = b.count as f64 / base.events.max(1) as f64;
                    let ratio = if before > 0.0 {
                        now / before
                    } else {
                        f64::INFINITY
                    };
                    if ratio > max {
                        res.rate_increases.push(RateIncrease {
                            signature: s.id.clone(),
                            baseline_signature: b.id.clone(),
                            template: s.template.clone(),
                            count: s.count,
                            baseline_count: b.count,
                            ratio: (ratio * 1000.0).round() / 1000.0,
                        });
                    }
                }
            }
            None => {
                let level = max_level(s);
                // The same new kind of event, split by a detail (a field appended to some of
                // its messages), is reported once: under the more general template.
                if let Some(prev) = res.new.iter_mut().find(|n| {
                    template_regex(&n.template)
                        .is_some_and(|re| re.is_match(&s.template) || re.is_match(sample))
                }) {
                    prev.count += s.count;
                    prev.also.push(s.id.clone());
                    continue;
                }
                if fail_on.counts(level) {
                    res.new.push(NewSignature {
                        signature: s.id.clone(),
                        template: s.template.clone(),
                        level: level.map_or("none", Level::as_str).to_string(),
                        count: s.count,
                        examples: s.examples.clone(),
                        example_text: sample.to_string(),
                        also: Vec::new(),
                        known_issue: known_issues.find(&s.id, &s.template, sample),
                    });
                } else {
                    res.new_below_level += 1;
                }
            }
        }
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 18: a credential appended to a known message made a new signature (four false
    /// "new" signatures on the regression scenario). It is dropped with its key.
    #[test]
    fn credentials_are_dropped_with_their_key() {
        let red = Redactor::new(&Default::default()).unwrap();
        let free = |t: &str| secret_free(&red.redact(t));
        let jwt = "eyJhbGciOiJIUzI1NiJ9.LWByR2WZU0wxphlngUY8EUeYpCy.Wln9oOO5ArA0jmnVJSKrTjBxx31";
        for (with, without) in [
            (
                format!("job started queue=f Authorization: Bearer {jwt}"),
                "job started queue=f",
            ),
            (
                "charge requested amount=5 EUR password=hunter2".into(),
                "charge requested amount=5 EUR",
            ),
            (
                "charge requested amount=5 EUR token=ghp_BdhL8mDLqGbQ1v5E9TPn9aVBMqmjMIt78pCH"
                    .into(),
                "charge requested amount=5 EUR",
            ),
            (
                r#"{"user":"u1","api_key":"k3y-v4lue-123"}"#.into(),
                r#"{"user":"u1",}"#,
            ),
            (
                "calling with Authorization: Basic dXNlcjpwYXNzd29yZA== now".into(),
                "calling with now",
            ),
            (
                "calling Authorization: ApiKey dGhpcyBpcyBhIGtleQ== now".into(),
                "calling now",
            ),
            (
                "login Cookie: JSESSIONID=8D6F1A2B3C4D5E6F7A8B9C0D1E2F3A4B".into(),
                "login",
            ),
            (
                "charge requested db_url=postgres://app:s3cr3t@db01:5432/orders, retrying".into(),
                "charge requested, retrying",
            ),
        ] {
            assert_eq!(free(&with), without, "{with}");
        }
        // Personal data stays as its kind: it is a variable of the message, not noise.
        assert_eq!(
            free("mail to a.b@example.com failed"),
            "mail to <email> failed"
        );
        // A message that is nothing but a credential keeps its kind.
        assert_eq!(free("password=hunter2"), "password=<secret>");
        // Words that only look like keys stay.
        assert_eq!(free("token count=5 used"), "token count=5 used");
    }

    #[test]
    fn templates_as_patterns() {
        let re = template_regex("job failed: warehouse api returned <NUM>").unwrap();
        assert!(re.is_match("job failed: warehouse api returned 503"));
        assert!(!re.is_match("job failed: warehouse api returned"));
        assert!(!re.is_match("x job failed: warehouse api returned 503"));
        let re = template_regex("[trace=<HEX>] charge (<*>) done").unwrap();
        assert!(re.is_match("[trace=abc] charge (a b c) done"));
        assert!(re.is_match("[trace=<HEX>] charge (<*>) done"));
    }

    #[test]
    fn merge_adds_counts_and_keeps_the_worse_level() {
        let sig = |id: &str, level: &str, count, svc: &str| BaselineSignature {
            id: id.into(),
            template: format!("t{id}"),
            level: level.into(),
            count,
            services: vec![svc.into()],
        };
        let a = Baseline {
            schema_version: 1,
            tool: tool(),
            events: 10,
            signatures: vec![sig("a", "info", 3, "x"), sig("b", "warn", 1, "x")],
        };
        let b = Baseline {
            schema_version: 1,
            tool: tool(),
            events: 5,
            signatures: vec![sig("b", "error", 2, "y"), sig("c", "info", 1, "y")],
        };
        let m = a.merge(b);
        assert_eq!(m.events, 15);
        assert_eq!(
            m.signatures
                .iter()
                .map(|s| s.id.as_str())
                .collect::<Vec<_>>(),
            ["a", "b", "c"]
        );
        assert_eq!(m.signatures[1].count, 3);
        assert_eq!(m.signatures[1].level, "error");
        assert_eq!(m.signatures[1].services, ["x", "y"]);
    }

    #[test]
    fn bad_baselines_say_how_to_make_one() {
        let e = Baseline::parse("{}", "b.json").unwrap_err();
        assert!(e.contains("casefile baseline LOGS -o b.json"), "{e}");
    }
}
