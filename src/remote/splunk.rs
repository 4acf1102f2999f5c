//! Splunk as a source, through the streaming export endpoint
//! (`POST /services/search/v2/jobs/export`, falling back to `/services/search/jobs/export` on
//! servers before 9.0): the base search plus the ids as quoted terms and the time range go to
//! Splunk, which streams back one JSON object a line (`output_mode=json`):
//!
//! ```text
//! {"preview":false,"offset":0,"result":{"_raw":"...","_time":"2026-11-28T10:00:00.123+00:00","host":"web-1",...}}
//! {"preview":false,"offset":1,"lastrow":true,"result":{...}}
//! {"preview":false,"messages":[{"type":"FATAL","text":"..."}]}
//! ```
//!
//! Rows with `"preview":true` are skipped; multi-value fields are JSON arrays; a stream that
//! ends without a `lastrow` after results, or that carries FATAL/ERROR `messages`, is incomplete.
//! Auth: a token (`Authorization: Bearer`) or user/password through `/services/auth/login`
//! (`Authorization: Splunk <sessionKey>`).

use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::io::{BufRead, BufReader, Read};

use super::http::{
    check_credential, display_url, one_line, Body, CredentialUse, Http, HttpError, Request, Secret,
    MAX_TEXT,
};
use super::{Pulled, Query, RemoteRecord};
use crate::model::{Level, Timestamp};

/// How to authenticate, and where the credential came from (for error messages).
#[derive(Clone, Debug)]
pub enum Auth {
    Token {
        token: Secret,
        from: String,
    },
    Login {
        user: String,
        password: Secret,
        from: String,
    },
}

impl Auth {
    fn from(&self) -> &str {
        match self {
            Auth::Token { from, .. } | Auth::Login { from, .. } => from,
        }
    }

    /// Refuse a credential that cannot be sent (a pasted zero-width space, a line break...),
    /// naming where it came from.
    pub fn check(&self) -> Result<(), String> {
        match self {
            Auth::Token { token, from } => {
                check_credential(token.expose(), from, CredentialUse::Header)
            }
            Auth::Login { password, from, .. } => {
                check_credential(password.expose(), from, CredentialUse::Encoded)
            }
        }
    }
}

/// Longest row of the export read (one JSON object a line): past it the row is a row that
/// never ends, and the source is incomplete.
pub const MAX_ROW: usize = 8 << 20;
/// Most bytes of one export answer read (after decompression), whatever its rows: a stream of
/// previews, blank lines or a gzip bomb stops there, incomplete. Never less than 1 GiB;
/// 16 KiB per record of `--remote-limit` above that.
pub fn max_export_bytes(limit: usize) -> u64 {
    (1u64 << 30).max((limit as u64).saturating_mul(16 << 10))
}

pub struct Splunk {
    http: Http,
    base: String,
    search: String,
    auth: Auth,
    session: Option<Secret>,
    /// The server has no v2 export path (Splunk before 9.0).
    v1: bool,
    /// Events already returned in this run (by `_cd`, else by time/host/source/text).
    seen: HashSet<u64>,
    pub queries: u32,
}

impl Splunk {
    /// Deliver again records already pulled (each pull otherwise leaves out the records an
    /// earlier pull delivered): `requests` reads the range once for its seeds, then follows
    /// ids through the same records.
    pub fn forget_seen(&mut self) {
        self.seen.clear();
    }

    pub fn new(http: Http, url: &str, search: &str, auth: Auth) -> Splunk {
        match &auth {
            Auth::Token { token, .. } => http.add_secret(token),
            Auth::Login { user, password, .. } => http.add_basic_secret(user, password),
        }
        Splunk {
            http,
            base: url.trim_end_matches('/').to_string(),
            search: search.to_string(),
            auth,
            session: None,
            v1: false,
            seen: HashSet::new(),
            queries: 0,
        }
    }

    pub fn retries(&self) -> u32 {
        self.http.retried.get()
    }

    pub fn http(&self) -> &Http {
        &self.http
    }

    /// As [`super::RemoteSpec::display`] says it.
    fn name(&self) -> String {
        format!("splunk {} ({})", display_url(&self.base), self.search)
    }

    fn explain(&self, what: &str, e: &HttpError) -> String {
        let fix = match e.status() {
            Some(401) => format!(
                " (not authenticated): Splunk refused the credentials from {}; set a valid \
                 authentication token in CASEFILE_SPLUNK_TOKEN (Splunk Web: Settings > Tokens), \
                 or CASEFILE_SPLUNK_USER and CASEFILE_SPLUNK_PASSWORD",
                self.auth.from()
            ),
            Some(403) => " (forbidden): the user may not search; it needs the `search` \
                          capability and access to the indexes of the base search"
                .into(),
            Some(400) => " (bad request): check the base search (--splunk-search) in Splunk's \
                          search bar"
                .into(),
            Some(429 | 502 | 503 | 504) => " (busy): Splunk still refused after the retries; \
                                              try again later or raise --retries"
                .into(),
            _ => String::new(),
        };
        let detail = match e {
            HttpError::Status { body, .. } => splunk_messages(body)
                .or_else(|| (!body.trim().is_empty()).then(|| one_line(body.trim(), 200)))
                .map(|m| format!(": {m}"))
                .unwrap_or_default(),
            HttpError::Transport(t) => format!(": {t}"),
        };
        let code = e.status().map(|c| format!(" HTTP {c}")).unwrap_or_default();
        format!("{}: {what} failed{code}{fix}{detail}", self.name())
    }

    fn authorization(&mut self) -> Result<String, String> {
        match self.auth.clone() {
            Auth::Token { token, .. } => Ok(format!("Bearer {}", token.expose())),
            Auth::Login { user, password, .. } => {
                if let Some(k) = &self.session {
                    return Ok(format!("Splunk {}", k.expose()));
                }
                let form = [
                    ("username", user.as_str()),
                    ("password", password.expose()),
                    ("output_mode", "json"),
                ];
                let req = Request {
                    method: "POST",
                    url: format!("{}/services/auth/login", self.base),
                    headers: vec![],
                    body: Body::Form(&form),
                    idempotent: true,
                };
                let resp = self
                    .http
                    .send(&req, &mut |_, _| {})
                    .map_err(|e| self.explain("login", &e))?;
                let text = resp
                    .into_text(MAX_TEXT)
                    .map_err(|(e, _)| format!("{}: login: {e}", self.name()))?;
                let key = session_key(&text).ok_or_else(|| {
                    format!(
                        "{}: login: no sessionKey in Splunk's answer; is the URL the management \
                         port (usually 8089)?",
                        self.name()
                    )
                })?;
                let key = Secret::new(key);
                self.http.add_secret(&key);
                let h = format!("Splunk {}", key.expose());
                self.session = Some(key);
                Ok(h)
            }
        }
    }

    /// The SPL sent: `search <base> ("id1" OR "id2") <rest of base> | head N`.
    pub fn spl(&self, ids: Option<&[String]>, limit: usize) -> String {
        let base = self.search.trim();
        let base = base.strip_prefix("search ").unwrap_or(base).trim();
        let (head, rest) = split_pipes(base);
        let mut s = String::from("search ");
        s.push_str(if head.trim().is_empty() {
            "index=*"
        } else {
            head.trim()
        });
        if let Some(ids) = ids {
            let terms: Vec<String> = ids.iter().map(|i| quote(i)).collect();
            s.push_str(" (");
            s.push_str(&terms.join(" OR "));
            s.push(')');
        }
        if !rest.is_empty() {
            s.push(' ');
            s.push_str(rest.trim());
        }
        s.push_str(&format!(" | head {}", limit.saturating_add(1)));
        s
    }

    pub fn pull(
        &mut self,
        q: &Query<'_>,
        sink: &mut dyn FnMut(RemoteRecord),
    ) -> Result<Pulled, String> {
        if q.ids.is_some_and(|i| i.is_empty()) {
            return Ok(Pulled { capped: false });
        }
        let auth = self.authorization()?;
        let spl = self.spl(q.ids, q.limit);
        let earliest = (q.range.since.0.div_euclid(1_000_000_000)).to_string();
        let latest = (q.range.until.0 + 999_999_999)
            .div_euclid(1_000_000_000)
            .to_string();
        let form = [
            ("search", spl.as_str()),
            ("earliest_time", earliest.as_str()),
            ("latest_time", latest.as_str()),
            ("output_mode", "json"),
        ];
        let name = self.name();
        let mut send = |path: &str| {
            self.queries += 1;
            let req = Request {
                method: "POST",
                url: format!("{}{path}", self.base),
                headers: vec![("Authorization", auth.clone())],
                body: Body::Form(&form),
                idempotent: true,
            };
            self.http.send(&req, &mut |e, wait| {
                eprintln!(
                    "casefile: {name}: {e}; retrying in {:.1} s",
                    wait.as_secs_f64()
                )
            })
        };
        let resp = if self.v1 {
            send("/services/search/jobs/export")
        } else {
            match send("/services/search/v2/jobs/export") {
                Err(HttpError::Status { code: 404, .. }) => {
                    self.v1 = true;
                    send("/services/search/jobs/export")
                }
                r => r,
            }
        };
        let resp = resp.map_err(|e| self.explain("search", &e))?;
        let max_bytes = max_export_bytes(q.limit);
        let mut reader = BufReader::with_capacity(1 << 16, resp.into_reader());
        let mut line = Vec::new();
        let mut rows = 0usize;
        let mut lastrow = false;
        let mut errors: Vec<String> = Vec::new();
        let mut capped = false;
        let mut consumed = 0u64;
        loop {
            line.clear();
            // A row is read up to MAX_ROW bytes: one that never ends cannot take the memory.
            match (&mut reader)
                .take(MAX_ROW as u64 + 1)
                .read_until(b'\n', &mut line)
            {
                Ok(0) => break,
                Ok(n) => consumed += n as u64,
                Err(e) => {
                    return Err(format!(
                        "{}: incomplete: the export stream was cut short after {rows} \
                         result(s) ({}); the events before the cut are kept. Run again, or \
                         narrow the time range",
                        self.name(),
                        super::http::error_text(&e)
                    ))
                }
            }
            if line.len() > MAX_ROW {
                return Err(format!(
                    "{}: incomplete: a row of the export is longer than {} MiB (a row that never \
                     ends); casefile stopped reading it after {} bytes and {rows} result(s), \
                     which are kept. Narrow the search to the events you need (`| fields ...`)",
                    self.name(),
                    MAX_ROW >> 20,
                    line.len()
                ));
            }
            if consumed > max_bytes {
                return Err(format!(
                    "{}: incomplete: the export answer passed {} MiB (decompressed) after \
                     {rows} result(s); casefile stopped reading there ({consumed} bytes read). \
                     The results before are kept; narrow --since/--until or the search",
                    self.name(),
                    max_bytes >> 20,
                ));
            }
            let text = line.trim_ascii();
            if text.is_empty() {
                continue;
            }
            let v: serde_json::Value = match serde_json::from_slice(text) {
                Ok(v) => v,
                Err(_) if !line.ends_with(b"\n") => {
                    return Err(format!(
                        "{}: incomplete: the export stream ended in the middle of a row after \
                         {rows} result(s); the events before it are kept. Run again",
                        self.name()
                    ))
                }
                Err(e) => {
                    return Err(format!(
                        "{}: incomplete: a row of the export is not JSON ({e}): {}; is \
                         output_mode=json supported by this server?",
                        self.name(),
                        one_line(&String::from_utf8_lossy(text), 120)
                    ))
                }
            };
            if let Some(msgs) = v.get("messages").and_then(|m| m.as_array()) {
                for m in msgs {
                    let kind = m.get("type").and_then(|t| t.as_str()).unwrap_or("");
                    let text = m.get("text").and_then(|t| t.as_str()).unwrap_or("");
                    if matches!(kind, "FATAL" | "ERROR") {
                        errors.push(format!("{kind}: {text}"));
                    }
                }
            }
            if v.get("preview").and_then(|p| p.as_bool()) == Some(true) {
                continue;
            }
            if v.get("lastrow").and_then(|p| p.as_bool()) == Some(true) {
                lastrow = true;
            }
            let Some(result) = v.get("result").and_then(|r| r.as_object()) else {
                continue;
            };
            rows += 1;
            if rows > q.limit {
                // One past the limit says there is more: stop reading here.
                capped = true;
                break;
            }
            if let Some(rec) = self.record(result, q) {
                sink(rec);
            }
        }
        if !errors.is_empty() {
            return Err(format!(
                "{}: incomplete: Splunk reported {}; the {rows} result(s) before it are kept",
                self.name(),
                errors.join("; ")
            ));
        }
        if rows > 0 && !lastrow && !capped {
            return Err(format!(
                "{}: incomplete: the export stream ended after {rows} result(s) without its \
                 last row (the connection closed early); the events received are kept. Run \
                 again, or narrow the time range",
                self.name()
            ));
        }
        Ok(Pulled { capped })
    }

    fn record(
        &mut self,
        r: &serde_json::Map<String, serde_json::Value>,
        q: &Query<'_>,
    ) -> Option<RemoteRecord> {
        let (key, rec) = result_record(r, q.range)?;
        self.seen.insert(key).then_some(rec)
    }
}

/// One export `result` as a record, with its identity (`_cd`, else time/host/source/text) for
/// de-duplication; `None` outside the range (Splunk filters by whole seconds).
pub fn result_record(
    r: &serde_json::Map<String, serde_json::Value>,
    range: super::TimeRange,
) -> Option<(u64, RemoteRecord)> {
    let first = |k: &str| -> Option<String> {
        match r.get(k)? {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Array(a) => a.first()?.as_str().map(str::to_string),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    };
    let raw = match r.get("_raw") {
        Some(serde_json::Value::Array(a)) => a
            .iter()
            .filter_map(|v| v.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        _ => first("_raw").unwrap_or_default(),
    };
    let time = first("_time").and_then(|t| parse_splunk_time(&t));
    // Splunk's own range check is by whole seconds; keep exactly the asked range.
    if let Some(t) = time {
        if t < range.since || t >= range.until {
            return None;
        }
    }
    let host = first("host");
    let source = first("source");
    let mut h = std::collections::hash_map::DefaultHasher::new();
    match (first("_cd"), first("index"), first("splunk_server")) {
        (Some(cd), idx, srv) => (cd, idx, srv).hash(&mut h),
        _ => (&raw, &time.map(|t| t.0), &host, &source).hash(&mut h),
    }
    let key = h.finish();
    let mut fields = Vec::new();
    for (k, v) in r {
        if k.starts_with('_') || matches!(k.as_str(), "host" | "source" | "sourcetype") {
            continue;
        }
        super::json_leaves(v, k, &mut fields);
    }
    let level = ["log_level", "level", "severity", "loglevel"]
        .iter()
        .find_map(|k| first(k))
        .and_then(|l| Level::parse(&l));
    let location = source
        .as_deref()
        .map(|s| s.trim_start_matches('/'))
        .unwrap_or("");
    Some((
        key,
        RemoteRecord {
            source: format!("splunk://{}/{}", host.as_deref().unwrap_or("-"), location),
            raw,
            time,
            host,
            service: None,
            source_path: source.or_else(|| first("sourcetype")),
            level,
            fields,
        },
    ))
}

/// `_time` as Splunk writes it: ISO 8601 with an offset, or epoch seconds.
pub fn parse_splunk_time(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    if let Some((secs, frac)) = s.split_once('.').or(Some((s, ""))) {
        if !secs.is_empty()
            && secs.bytes().all(|b| b.is_ascii_digit())
            && frac.bytes().all(|b| b.is_ascii_digit())
        {
            let secs: i64 = secs.parse().ok()?;
            let mut nanos = 0i64;
            for (i, b) in frac.bytes().take(9).enumerate() {
                nanos += (b - b'0') as i64 * 10i64.pow(8 - i as u32);
            }
            return secs
                .checked_mul(1_000_000_000)?
                .checked_add(nanos)
                .map(Timestamp);
        }
    }
    crate::parse::TimeContext::default().parse(s)
}

/// A quoted SPL term: `"value"` with `\` and `"` escaped.
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// Split `index=a foo | where x | stats` at the first pipe outside quotes.
fn split_pipes(s: &str) -> (&str, &str) {
    let mut quoted = false;
    let mut esc = false;
    for (i, c) in s.char_indices() {
        match c {
            _ if esc => esc = false,
            '\\' => esc = true,
            '"' => quoted = !quoted,
            '|' if !quoted => return (&s[..i], &s[i..]),
            _ => {}
        }
    }
    (s, "")
}

/// The session key from `/services/auth/login`: JSON (`output_mode=json`) or XML.
pub fn session_key(text: &str) -> Option<String> {
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(text) {
        if let Some(k) = v.get("sessionKey").and_then(|k| k.as_str()) {
            return Some(k.to_string());
        }
    }
    let start = text.find("<sessionKey>")? + "<sessionKey>".len();
    let end = text[start..].find("</sessionKey>")? + start;
    Some(text[start..end].trim().to_string()).filter(|k| !k.is_empty())
}

/// The texts of Splunk's `{"messages":[{"type":..,"text":..}]}` error body, or of its XML form.
pub fn splunk_messages(body: &str) -> Option<String> {
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(body) {
        let msgs = v.get("messages")?.as_array()?;
        let texts: Vec<String> = msgs
            .iter()
            .filter_map(|m| m.get("text")?.as_str().map(str::to_string))
            .collect();
        return (!texts.is_empty()).then(|| one_line(&texts.join("; "), 300));
    }
    let start = body.find("<msg")?;
    let open_end = body[start..].find('>')? + start + 1;
    let end = body[open_end..].find("</msg>")? + open_end;
    Some(one_line(body[open_end..end].trim(), 300))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::remote::http::HttpOptions;

    fn splunk(search: &str) -> Splunk {
        Splunk::new(
            Http::new(&HttpOptions::default()).unwrap(),
            "https://splunk.example:8089/",
            search,
            Auth::Token {
                token: Secret::new("t"),
                from: "CASEFILE_SPLUNK_TOKEN".into(),
            },
        )
    }

    #[test]
    fn spl_puts_ids_before_pipes() {
        let ids = vec!["ee23490f28307d7b".to_string(), "a\"b".to_string()];
        assert_eq!(
            splunk("index=app sourcetype=java").spl(Some(&ids), 100),
            r#"search index=app sourcetype=java ("ee23490f28307d7b" OR "a\"b") | head 101"#
        );
        assert_eq!(
            splunk("search index=app \"a|b\" | where x=1").spl(Some(&ids[..1]), 5),
            r#"search index=app "a|b" ("ee23490f28307d7b") | where x=1 | head 6"#
        );
        assert_eq!(splunk("").spl(None, 9), "search index=* | head 10");
    }

    #[test]
    fn splunk_times() {
        let a = parse_splunk_time("2026-11-28T10:00:00.123+00:00").unwrap();
        let b = parse_splunk_time("2026-11-28T11:00:00.123+01:00").unwrap();
        assert_eq!(a, b);
        let c = parse_splunk_time("1764324000.5").unwrap();
        assert_eq!(c.0 % 1_000_000_000, 500_000_000);
        assert_eq!(
            parse_splunk_time("1764324000"),
            Some(Timestamp::from_secs(1764324000))
        );
        assert_eq!(parse_splunk_time("yesterday"), None);
        // Regression: seconds near the end of i64 plus a fraction overflowed.
        assert_eq!(parse_splunk_time("9223372036.999999999"), None);
    }

    #[test]
    fn login_answers_and_error_bodies() {
        assert_eq!(
            session_key(r#"{"sessionKey":"abc"}"#).as_deref(),
            Some("abc")
        );
        assert_eq!(
            session_key("<response>\n  <sessionKey>xyz</sessionKey>\n</response>").as_deref(),
            Some("xyz")
        );
        assert_eq!(session_key("<response></response>"), None);
        assert_eq!(
            splunk_messages(
                r#"{"messages":[{"type":"WARN","text":"call not properly authenticated"}]}"#
            )
            .as_deref(),
            Some("call not properly authenticated")
        );
        assert_eq!(
            splunk_messages(
                "<response><messages><msg type=\"ERROR\">Unknown search command 'foo'.</msg></messages></response>"
            )
            .as_deref(),
            Some("Unknown search command 'foo'.")
        );
    }
}
