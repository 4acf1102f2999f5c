//! Remote sources (Splunk, Elasticsearch/OpenSearch) and Jira: the query is pushed down to the
//! engine (ids as whole terms, time range), only matching records come back, and they become the
//! same [`Event`]s as file records, with a `source` like `splunk://host/path` or
//! `elastic://index/_id` and no line number. A pull that did not finish (a stream cut short, an
//! engine error, the result cap reached) is reported as incomplete, never as complete.

pub mod elastic;
pub mod http;
pub mod jira;
pub mod splunk;

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::model::{Event, Level, Timestamp};
use crate::parse::{Parser, TimeContext};
use crate::source::Problem;

pub use http::{HttpOptions, Proxy, ProxyOptions, Secret};

/// The time range of a remote search: engines need one.
#[derive(Clone, Copy, Debug)]
pub struct TimeRange {
    pub since: Timestamp,
    /// Exclusive.
    pub until: Timestamp,
    /// `true` when no `--since/--until` was given and the last 24 hours were searched.
    pub defaulted: bool,
}

/// What to pull.
pub struct Query<'a> {
    /// Records holding any of these as a whole term; `None` pulls everything in the range.
    pub ids: Option<&'a [String]>,
    pub range: TimeRange,
    /// At most this many records per query; more means the result is partial.
    pub limit: usize,
}

/// Where a remote source is and how to log in: validated, nothing sent yet.
#[derive(Clone, Debug)]
pub struct RemoteSpec {
    /// The profile name (`--source prod-logs`), or `splunk`/`elastic` for flags.
    pub name: String,
    pub kind: SpecKind,
    pub http: HttpOptions,
}

#[derive(Clone, Debug)]
pub enum SpecKind {
    Splunk {
        url: String,
        /// The base search, e.g. `index=app sourcetype=java`.
        search: String,
        auth: splunk::Auth,
    },
    Elastic {
        url: String,
        /// Index pattern(s), e.g. `logs-*`.
        index: String,
        auth: elastic::Auth,
    },
}

impl RemoteSpec {
    /// `splunk https://host:8089 (index=app)`: safe to print and to put in a bundle.
    pub fn display(&self) -> String {
        match &self.kind {
            SpecKind::Splunk { url, search, .. } => {
                format!("splunk {} ({search})", http::display_url(url))
            }
            SpecKind::Elastic { url, index, .. } => {
                format!("elastic {} ({index})", http::display_url(url))
            }
        }
    }
}

/// What one remote source did in a run: for stderr, `--json` summaries and the manifest.
#[derive(Clone, Debug, serde::Serialize)]
pub struct RemoteReport {
    /// The profile or flag name.
    pub name: String,
    pub kind: &'static str,
    /// URL without credentials.
    pub url: String,
    /// The base search (Splunk) or index pattern (Elasticsearch).
    pub scope: String,
    pub since: String,
    pub until: String,
    /// `true` when the range was not given and defaulted to the last 24 hours.
    pub range_defaulted: bool,
    /// Queries sent (one per round of id following, plus pages).
    pub queries: u32,
    pub events: u64,
    pub retries: u32,
    /// `false` when any pull was cut short, failed, or hit the result cap.
    pub complete: bool,
    pub notes: Vec<String>,
}

enum Engine {
    Splunk(splunk::Splunk),
    Elastic(elastic::Elastic),
}

/// A connected remote source.
pub struct Remote {
    pub spec: RemoteSpec,
    engine: Engine,
    pub report: RemoteReport,
    progress: indicatif::ProgressBar,
}

/// One pull's records and whether they are all there is.
pub struct Batch {
    pub events: Vec<Event>,
    /// `None` when complete; else why not (said on stderr, counted in the exit code).
    pub incomplete: Option<String>,
}

impl Remote {
    /// Check the credentials (nothing is sent with one that cannot go into a header) and set
    /// up the client.
    pub fn new(spec: RemoteSpec, range: TimeRange, progress: bool) -> Result<Remote, String> {
        match &spec.kind {
            SpecKind::Splunk { auth, .. } => auth.check()?,
            SpecKind::Elastic { auth, .. } => auth.check()?,
        }
        let client = http::Http::new(&spec.http)?;
        let (engine, kind, url, scope) = match &spec.kind {
            SpecKind::Splunk { url, search, auth } => (
                Engine::Splunk(splunk::Splunk::new(client, url, search, auth.clone())),
                "splunk",
                url,
                search,
            ),
            SpecKind::Elastic { url, index, auth } => (
                Engine::Elastic(elastic::Elastic::new(client, url, index, auth.clone())),
                "elastic",
                url,
                index,
            ),
        };
        let report = RemoteReport {
            name: spec.name.clone(),
            kind,
            url: http::display_url(url),
            scope: scope.clone(),
            since: range.since.to_rfc3339(),
            until: range.until.to_rfc3339(),
            range_defaulted: range.defaulted,
            queries: 0,
            events: 0,
            retries: 0,
            complete: true,
            notes: Vec::new(),
        };
        let progress = if progress {
            let pb = indicatif::ProgressBar::new_spinner();
            pb.set_style(
                indicatif::ProgressStyle::with_template("{spinner} {msg}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            );
            pb.enable_steady_tick(std::time::Duration::from_millis(120));
            pb
        } else {
            indicatif::ProgressBar::hidden()
        };
        Ok(Remote {
            spec,
            engine,
            report,
            progress,
        })
    }

    /// Pull what the query matches. Errors that stop the pull become an incomplete batch
    /// (with what arrived before) and a note; the caller reports them as problems.
    /// See [`splunk::Splunk::forget_seen`].
    pub fn forget_seen(&mut self) {
        match &mut self.engine {
            Engine::Splunk(s) => s.forget_seen(),
            Engine::Elastic(e) => e.forget_seen(),
        }
    }

    pub fn pull(
        &mut self,
        q: &Query<'_>,
        parser: &Parser,
        tz: Option<&jiff::tz::TimeZone>,
    ) -> Batch {
        let name = self.spec.display();
        let pb = self.progress.clone();
        let mut count = 0u64;
        let mut events = Vec::new();
        let mut sink = |r: RemoteRecord| {
            events.push(r.into_event(parser, tz));
            count += 1;
            if count % 256 == 0 {
                pb.set_message(format!("{name}: {count} records"));
            }
        };
        let (outcome, queries, retries) = match &mut self.engine {
            Engine::Splunk(s) => {
                let o = s.pull(q, &mut sink);
                (o, s.queries, s.retries())
            }
            Engine::Elastic(e) => {
                let o = e.pull(q, parser, &mut sink);
                (o, e.queries, e.retries())
            }
        };
        self.progress.set_message(String::new());
        self.report.queries = queries;
        self.report.retries = retries;
        self.report.events += events.len() as u64;
        let scrub = |m: String| match &self.engine {
            Engine::Splunk(s) => s.http().scrub(&m),
            Engine::Elastic(e) => e.http().scrub(&m),
        };
        let incomplete = match outcome {
            Ok(Pulled { capped: false }) => None,
            Ok(Pulled { capped: true }) => Some(format!(
                "incomplete: more than {} records match; only the first {} were pulled. Narrow \
                 --since/--until or the search, or raise --remote-limit",
                q.limit, q.limit
            )),
            // Server text in it (an error body, a message row) may echo a credential.
            Err(e) => Some(scrub(e)),
        };
        if let Some(why) = &incomplete {
            self.report.complete = false;
            self.report.notes.push(why.clone());
        }
        Batch { events, incomplete }
    }

    pub fn finish(&mut self) {
        self.progress.finish_and_clear();
        if let Engine::Elastic(e) = &mut self.engine {
            e.close();
        }
    }

    /// The problem to report for an incomplete batch.
    pub fn problem(&self, why: &str) -> Problem {
        let source = self.spec.display();
        // The engines name themselves; the problem's source already does.
        let message = why
            .strip_prefix(&format!("{source}: "))
            .unwrap_or(why)
            .to_string();
        Problem {
            source,
            line: None,
            message,
            skipped: true,
        }
    }
}

/// How a pull ended when it did not fail.
pub struct Pulled {
    /// The result cap was reached: there is more.
    pub capped: bool,
}

/// A record as an engine returns it, before it becomes an [`Event`].
#[derive(Debug, Default)]
pub struct RemoteRecord {
    /// `splunk://host/path`, `elastic://index/_id`.
    pub source: String,
    /// The original text: Splunk `_raw`, ECS `event.original` or `message`.
    pub raw: String,
    /// The engine's own time (`_time`, `@timestamp`): used when the text has none.
    pub time: Option<Timestamp>,
    pub host: Option<String>,
    /// A service the engine names (`service.name`); else one guessed from `source_path`.
    pub service: Option<String>,
    /// The original file's path (Splunk `source`, ECS `log.file.path`), for the service.
    pub source_path: Option<String>,
    pub level: Option<Level>,
    /// Fields of the record that may be ids: `(key as written, value)`.
    pub fields: Vec<(String, String)>,
}

impl RemoteRecord {
    pub fn into_event(self, parser: &Parser, tz: Option<&jiff::tz::TimeZone>) -> Event {
        let tctx = TimeContext {
            tz: tz.cloned(),
            year_hint: self
                .time
                .map(|t| crate::model::civil_from_days(t.0.div_euclid(86_400_000_000_000)).0 as i32)
                .unwrap_or(1970),
            reference: self.time,
            ..Default::default()
        };
        let path_service = self
            .source_path
            .as_deref()
            .and_then(crate::source::service_from_path);
        let source: Arc<str> = self.source.into();
        let raw = if self.raw.contains('\r') {
            self.raw.replace("\r\n", "\n")
        } else {
            self.raw
        };
        let mut e = parser.event(None, raw, &source, 0, path_service.as_deref(), &tctx);
        if e.ts.is_none() {
            e.ts = self.time;
        }
        if self.service.is_some() {
            e.service = self.service;
        }
        if self.host.is_some() {
            e.host = self.host;
        }
        if e.level.is_none() {
            e.level = self.level.or_else(|| level_in_text(&e.raw));
        }
        if e.status.is_none() {
            // The engine's fields (ECS `http.response.status_code`), best status key first.
            e.status = self
                .fields
                .iter()
                .filter_map(|(k, v)| {
                    let rank = parser.ids.class(k).status()?;
                    Some((rank, crate::parse::fields::http_status(v)?))
                })
                .min_by_key(|&(rank, _)| rank)
                .map(|(_, s)| s);
        }
        let mut extra: BTreeMap<String, String> = BTreeMap::new();
        for (k, v) in self.fields {
            if parser.ids.is_id_key(&k)
                && crate::parse::fields::plausible_id(&v)
                && !e.ids.contains_key(&k)
                && !e.ids.values().any(|x| *x == v)
            {
                extra.entry(k).or_insert(v);
            }
        }
        e.ids.extend(extra);
        e
    }
}

/// `level=error` (any level key) in the first line of a record whose dialect did not say.
fn level_in_text(raw: &str) -> Option<Level> {
    let first = raw.split('\n').next().unwrap_or("");
    crate::parse::fields::text_pairs(first).find_map(|(k, v)| {
        crate::parse::fields::LEVEL_KEYS
            .contains(&crate::parse::fields::normalize_key(k).as_str())
            .then(|| Level::parse(v))
            .flatten()
    })
}

/// The last 24 hours up to `now`, or the given bounds (an open end is filled in the same way).
pub fn time_range(since: Option<Timestamp>, until: Option<Timestamp>, now: Timestamp) -> TimeRange {
    const DAY: i64 = 86_400_000_000_000;
    match (since, until) {
        (Some(s), Some(u)) => TimeRange {
            since: s,
            until: u,
            defaulted: false,
        },
        (Some(s), None) => TimeRange {
            since: s,
            until: Timestamp(now.0.max(s.0) + 1),
            defaulted: false,
        },
        (None, Some(u)) => TimeRange {
            since: Timestamp(u.0 - DAY),
            until: u,
            defaulted: false,
        },
        (None, None) => TimeRange {
            since: Timestamp(now.0 - DAY),
            until: Timestamp(now.0 + 1),
            defaulted: true,
        },
    }
}

/// Run a credential command (`token_command` in a profile) and return what it prints, trimmed.
/// Its output is never shown; its failure is, without the output.
pub fn run_credential_command(cmd: &str, what: &str) -> Result<Secret, String> {
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| format!("{what}: cannot run the credential command: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{what}: the credential command failed ({}); run it by hand to see why",
            out.status
        ));
    }
    let s = String::from_utf8(out.stdout)
        .map_err(|_| format!("{what}: the credential command printed invalid UTF-8"))?;
    let s = s.trim_matches(['\n', '\r', ' ', '\t']);
    if s.is_empty() {
        return Err(format!("{what}: the credential command printed nothing"));
    }
    let lines = s.lines().count();
    if lines > 1 {
        return Err(format!(
            "{what}: the credential command printed {lines} lines; it must print the secret \
             alone on one line (e.g. `vault kv get -field=token ...`, `pass show NAME | head -n1`). \
             Nothing was sent"
        ));
    }
    http::check_credential(s, what, http::CredentialUse::Encoded)?;
    Ok(Secret::new(s))
}

/// `key=value` leaves of a JSON object, with dotted paths (`log.level`), arrays flattened.
pub fn json_leaves(v: &serde_json::Value, prefix: &str, out: &mut Vec<(String, String)>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, v) in m {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                json_leaves(v, &key, out);
            }
        }
        serde_json::Value::Array(a) => {
            for v in a {
                json_leaves(v, prefix, out);
            }
        }
        serde_json::Value::String(s) => out.push((prefix.to_string(), s.clone())),
        serde_json::Value::Number(n) => out.push((prefix.to_string(), n.to_string())),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_range_is_last_day() {
        let now = Timestamp::from_secs(1_000_000);
        let r = time_range(None, None, now);
        assert!(r.defaulted);
        assert_eq!(r.since, Timestamp::from_secs(1_000_000 - 86_400));
        let r = time_range(Some(Timestamp::from_secs(5)), None, now);
        assert!(!r.defaulted);
        assert!(r.until > now);
    }

    #[test]
    fn remote_record_becomes_event() {
        let parser = Parser::default_parser();
        let r = RemoteRecord {
            source: "splunk://web-1/var/log/payments/payments.log".into(),
            raw: "2026-11-28T10:00:00.123Z ERROR [payments] charge failed request_id=r-1".into(),
            time: Some(Timestamp::from_secs(5)),
            host: Some("web-1".into()),
            service: None,
            source_path: Some("/var/log/payments/payments.log".into()),
            level: None,
            fields: vec![("trace_id".into(), "abc123def456".into())],
        };
        let e = r.into_event(&parser, None);
        assert_eq!(e.line, 0);
        assert_eq!(&*e.source, "splunk://web-1/var/log/payments/payments.log");
        assert_eq!(e.host.as_deref(), Some("web-1"));
        assert_eq!(e.service.as_deref(), Some("payments"));
        assert_eq!(e.level, Some(Level::Error));
        assert_ne!(
            e.ts,
            Some(Timestamp::from_secs(5)),
            "the text's own time wins"
        );
        assert_eq!(
            e.ids.get("trace_id").map(String::as_str),
            Some("abc123def456")
        );
        assert_eq!(e.ids.get("request_id").map(String::as_str), Some("r-1"));
    }

    #[test]
    fn leaves_of_nested_and_dotted() {
        let v = serde_json::json!({"log": {"level": "ERROR"}, "trace.id": "t1", "tags": ["a", "b"], "n": 3});
        let mut out = Vec::new();
        json_leaves(&v, "", &mut out);
        assert_eq!(
            out,
            vec![
                ("log.level".to_string(), "ERROR".to_string()),
                ("trace.id".into(), "t1".into()),
                ("tags".into(), "a".into()),
                ("tags".into(), "b".into()),
                ("n".into(), "3".into()),
            ]
        );
    }
}
