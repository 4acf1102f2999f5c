//! A Splunk search head for tests, faithful to the documented wire format of the two endpoints
//! casefile uses, and evaluating enough SPL that id following (`trace`) can be tested end to end.
//!
//! Endpoints (`/servicesNS/<user>/<app>/...` is served like `/services/...`):
//! - `POST /services/auth/login`, form `username`, `password`, optional `output_mode=json`.
//!   200: `{"sessionKey":"<key>","message":"","code":""}` (JSON) or
//!   `<response><sessionKey>KEY</sessionKey><messages><msg code=""></msg></messages></response>`
//!   (XML, the default). Wrong credentials: 401 with
//!   `{"messages":[{"type":"WARN","code":"incorrect_username_or_password","text":"Login failed"}]}`
//!   or the same as XML (`<msg type="WARN" code="incorrect_username_or_password">Login failed</msg>`).
//!   Sources: Splunk REST API Reference, "auth/login" (docs.splunk.com RESTREF/RESTaccess);
//!   the exact 401 bodies as quoted in Splunk clients' tests (e.g. the JSON one in a Go client's
//!   `LoginResponse` doc comment, the XML one in several Go/TS clients' fixtures).
//! - `GET|POST /services/search/v2/jobs/export` (Splunk 9.0.1+) and `/services/search/jobs/export`
//!   = `/services/search/v1/jobs/export` (deprecated v1; the only one when `v2_missing`, which
//!   answers 404 `{"messages":[{"type":"ERROR","text":"Not Found"}]}` on v2 like a pre-9.0
//!   server). Query parameters and urlencoded form fields are merged, as splunkd does. Fields:
//!   `search` (required), `earliest_time`, `latest_time`, `output_mode` (only `json` is
//!   implemented; anything else is a 400 saying so). Source: Splunk REST API Reference,
//!   "Search endpoint descriptions" (search/v2/jobs/export, "Semantic API versioning").
//! - Auth on export: `Authorization: Bearer <token>` (authentication token),
//!   `Authorization: Splunk <sessionKey>` (after login) or `Basic base64(user:password)`.
//!   Anything else: 401 `{"messages":[{"type":"WARN","text":"call not properly authenticated"}]}`
//!   (XML `<response><messages><msg type="WARN">call not properly authenticated</msg>...` when
//!   output_mode is not json). Source: Splunk REST API User Manual, "Basic concepts"
//!   (authentication); the body as splunkd sends it, quoted in many clients' tests.
//!
//! Export stream (`output_mode=json`), `Transfer-Encoding: chunked`, one JSON object a line, as
//! shown in the Splunk SDK for Python docs ("To work with results from an export search": "each
//! row is an individual object, where rows are separated by a new line and the last row of the
//! set is indicated by "lastrow":true") and read by splunklib's `JSONResultsReader`:
//!
//! ```text
//! {"preview":true,"offset":0,"result":{...}}                    <- only with `preview_rows`
//! {"preview":true,"offset":1,"lastrow":true,"result":{...}}     <- a preview set ends in lastrow too
//! {"preview":false,"offset":0,"result":{...}}
//! {"preview":false,"offset":1,"lastrow":true,"result":{...}}
//! {"preview":false,"messages":[{"type":"FATAL","text":"..."}]}  <- only with `messages`
//! ```
//!
//! An export with no results is the single line `{"preview":false,"lastrow":true}` (what an
//! integration's source documents Splunk returning for an empty export; a C# client's fixture
//! ends with the same line). Results come newest first (an event search's order), offsets count
//! from 0 in each set, multi-value fields are JSON arrays, every value is a string (as Splunk
//! sends them), and the keys of a result are sorted as Splunk sorts them (`_`-fields first).
//! Unless `internal_fields` is off, each result also carries the fields Splunk adds: `_bkt`,
//! `_cd` (unique per event), `_indextime`, `_serial`, `_si` (multi-value: server, index),
//! `_sourcetype`, `linecount`, `splunk_server`.
//!
//! SPL evaluated (anything else is a 400 with a FATAL message naming what is not implemented):
//! - The search must start with the `search` command (as over REST; otherwise 400
//!   "Unknown search command '<word>'."), followed by a boolean expression: juxtaposition or
//!   `AND`, `OR`, `NOT`, parentheses; `field=value` / `field!=value` (value quoted or bare,
//!   `*` wildcards, case-insensitive value, a multi-value field matches if any value does,
//!   `!=` never matches an event without the field); search terms (quoted or bare).
//! - A term matches when it occurs in `_raw`, ASCII case-insensitively, as a whole token: the
//!   byte before and the byte after the occurrence are not ASCII letters, digits, `_` or `-`
//!   (so `"abc123"` matches `req_id=abc123,` and `[abc123]` but not `abc1234` or `xabc123` or
//!   `abc123-2`). A term with `*` is a glob over the major-breaker-separated tokens of `_raw`
//!   (breakers: whitespace and `[]<>(){}|!;,'"&`). `*` alone matches everything.
//! - Commands after `|`: `head N` / `head limit=N` (default 10), `fields ...` (results kept
//!   as they are).
//! - Time: `earliest_time` inclusive, `latest_time` exclusive, against `_time`. Accepted forms:
//!   epoch seconds with an optional fraction, RFC 3339 / ISO 8601 with `T` or a space, with
//!   `Z`, `+HH:MM`, `+HHMM` or no zone (then UTC), `now`, and `-N{s,m,h,d}` relative to now.
//!   Anything else: 400 FATAL "Invalid earliest_time." / "Invalid latest_time.".
//!
//! Failure knobs (`SplunkConfig`): `throttle_first` export requests get 429 with
//! `Retry-After: 1` and `{"messages":[{"type":"ERROR","text":"Too many requests..."}]}` (the
//! body is our choice: Splunk documents the 429 status, not its body), then
//! `status_5xx_first` get 503 `{"messages":[{"type":"ERROR","text":"Service Unavailable"}]}`
//! (or, with `status_5xx` 502/504, a proxy's HTML error page), then `drop_first` have their
//! connection closed before any answer; these come before the auth check, like a front-end
//! limiter. `delay_before_body` stalls after
//! the response head; `cut_after_rows` sends that many rows (none with `lastrow`), then half of
//! the next line, then closes the socket without ending the chunked body; `omit_lastrow` ends the
//! body cleanly but without any `lastrow`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{json, Map, Value};

use super::fake_http::{base64_decode, Conn, Log, Recorded, Request, Server};

/// The session key the fake hands out on login (`^` included: real ones have it).
pub const SESSION_KEY: &str = "f4k3Se55i0n^Kq2vX7pLm3_0Zt8Yw1Ab";

#[derive(Clone, Debug)]
pub struct SplunkConfig {
    /// The indexed events: JSON objects with `_raw`, `_time`, `host`, `source`, `sourcetype`,
    /// `index` and any other fields (arrays are multi-value fields). See [`event`].
    pub events: Vec<Value>,
    /// The accepted authentication token (`Authorization: Bearer`).
    pub token: Option<String>,
    /// The accepted user and password (login, or Basic).
    pub user: Option<(String, String)>,
    /// A server before 9.0.1: 404 on `/services/search/v2/jobs/export`.
    pub v2_missing: bool,
    /// Send a preview set (ending in `lastrow`, `_raw` prefixed with `PREVIEW-ONLY `) first.
    pub preview_rows: bool,
    /// Messages appended as a last `{"preview":false,"messages":[...]}` row.
    pub messages: Vec<Value>,
    /// End the stream cleanly but without any `lastrow`.
    pub omit_lastrow: bool,
    /// Send this many rows, then half a line, then close the socket.
    pub cut_after_rows: Option<usize>,
    /// That many 429s (with `Retry-After: 1`) first.
    pub throttle_first: usize,
    /// Then that many 503s (or `status_5xx`).
    pub status_5xx_first: usize,
    /// The status of those: 503 from Splunk itself when 0; 502 or 504 come as a proxy's HTML
    /// page.
    pub status_5xx: u16,
    /// Then that many requests have their connection closed before any answer.
    pub drop_first: usize,
    /// Stall this long between the response head and the first row.
    pub delay_before_body: Duration,
    /// Add `_cd`, `_bkt`, `_si`... to each result, as Splunk does.
    pub internal_fields: bool,
}

impl Default for SplunkConfig {
    fn default() -> Self {
        SplunkConfig {
            events: Vec::new(),
            token: None,
            user: None,
            v2_missing: false,
            preview_rows: false,
            messages: Vec::new(),
            omit_lastrow: false,
            cut_after_rows: None,
            throttle_first: 0,
            status_5xx_first: 0,
            status_5xx: 0,
            drop_first: 0,
            delay_before_body: Duration::ZERO,
            internal_fields: true,
        }
    }
}

/// An event as the fake stores it.
pub fn event(
    time: &str,
    index: &str,
    host: &str,
    source: &str,
    sourcetype: &str,
    raw: &str,
) -> Value {
    json!({
        "_time": time, "index": index, "host": host, "source": source,
        "sourcetype": sourcetype, "_raw": raw,
    })
}

pub struct FakeSplunk {
    /// `http://127.0.0.1:PORT`
    pub url: String,
    pub requests: Log,
    _server: Server,
}

pub const V2_EXPORT: &str = "/services/search/v2/jobs/export";
pub const V1_EXPORT: &str = "/services/search/jobs/export";
pub const LOGIN: &str = "/services/auth/login";

impl FakeSplunk {
    pub fn start(config: SplunkConfig) -> FakeSplunk {
        let state = Arc::new(State {
            config,
            exports: AtomicUsize::new(0),
        });
        let server = Server::start(Arc::new(move |req: &Request, conn: &mut Conn| {
            state.handle(req, conn)
        }));
        FakeSplunk {
            url: server.url.clone(),
            requests: server.requests.clone(),
            _server: server,
        }
    }

    pub fn recorded(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }

    /// The requests to either export path, in order.
    pub fn exports(&self) -> Vec<Recorded> {
        self.recorded()
            .into_iter()
            .filter(|r| is_export(&normalize(&r.path)))
            .collect()
    }

    /// The `search` of every export request answered 200, in order.
    pub fn searches(&self) -> Vec<String> {
        self.exports()
            .iter()
            .filter(|r| r.status == 200)
            .filter_map(|r| param(r, "search"))
            .collect()
    }
}

/// A parameter of a recorded request (query, then form body).
pub fn param(r: &Recorded, name: &str) -> Option<String> {
    r.query
        .iter()
        .chain(r.form().iter())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
}

fn normalize(path: &str) -> String {
    if let Some(rest) = path.strip_prefix("/servicesNS/") {
        // /servicesNS/<user>/<app>/<endpoint>
        let mut it = rest.splitn(3, '/');
        if let (Some(_), Some(_), Some(ep)) = (it.next(), it.next(), it.next()) {
            return format!("/services/{ep}");
        }
    }
    path.trim_end_matches('/').to_string()
}

fn is_export(p: &str) -> bool {
    p == V2_EXPORT || p == V1_EXPORT || p == "/services/search/v1/jobs/export"
}

struct State {
    config: SplunkConfig,
    exports: AtomicUsize,
}

fn messages(kind: &str, text: &str) -> Value {
    json!({"messages": [{"type": kind, "text": text}]})
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn xml_messages(kind: &str, code: Option<&str>, text: &str) -> String {
    let code = code.map(|c| format!(" code=\"{c}\"")).unwrap_or_default();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<response>\n  <messages>\n    <msg type=\"{kind}\"{code}>{}</msg>\n  </messages>\n</response>\n",
        xml_escape(text)
    )
}

const JSON_CT: &str = "application/json; charset=UTF-8";
const XML_CT: &str = "text/xml; charset=UTF-8";

fn reply_json(conn: &mut Conn, status: u16, extra: &[(&str, &str)], body: &Value) {
    let mut h = vec![("Content-Type", JSON_CT)];
    h.extend_from_slice(extra);
    conn.respond(status, &h, format!("{body}\n").as_bytes());
}

/// An error in the format the request asked for.
fn reply_error(conn: &mut Conn, json_out: bool, status: u16, kind: &str, text: &str) {
    if json_out {
        reply_json(conn, status, &[], &messages(kind, text));
    } else {
        conn.respond(
            status,
            &[("Content-Type", XML_CT)],
            xml_messages(kind, None, text).as_bytes(),
        );
    }
}

fn get(params: &[(String, String)], name: &str) -> Option<String> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
}

impl State {
    fn handle(&self, req: &Request, conn: &mut Conn) {
        let path = normalize(&req.path);
        let params = req.params();
        let json_out = get(&params, "output_mode").is_some_and(|m| m == "json");
        if path == LOGIN {
            if req.method != "POST" {
                return reply_error(conn, json_out, 405, "ERROR", "Method Not Allowed");
            }
            return self.login(&params, json_out, conn);
        }
        if path == V2_EXPORT && self.config.v2_missing {
            return reply_error(conn, json_out, 404, "ERROR", "Not Found");
        }
        if is_export(&path) {
            if req.method != "POST" && req.method != "GET" {
                return reply_error(conn, json_out, 405, "ERROR", "Method Not Allowed");
            }
            return self.export(req, &params, json_out, conn);
        }
        reply_error(conn, json_out, 404, "ERROR", "Not Found")
    }

    fn login(&self, params: &[(String, String)], json_out: bool, conn: &mut Conn) {
        let ok = match (
            &self.config.user,
            get(params, "username"),
            get(params, "password"),
        ) {
            (Some((u, p)), Some(gu), Some(gp)) => *u == gu && *p == gp,
            _ => false,
        };
        match (ok, json_out) {
            (true, true) => reply_json(
                conn,
                200,
                &[],
                &json!({"sessionKey": SESSION_KEY, "message": "", "code": ""}),
            ),
            (true, false) => conn.respond(
                200,
                &[("Content-Type", XML_CT)],
                format!(
                    "<response>\n  <sessionKey>{}</sessionKey>\n  <messages>\n    <msg code=\"\"></msg>\n  </messages>\n</response>\n",
                    xml_escape(SESSION_KEY)
                )
                .as_bytes(),
            ),
            (false, true) => reply_json(
                conn,
                401,
                &[],
                &json!({"messages": [{"type": "WARN", "code": "incorrect_username_or_password", "text": "Login failed"}]}),
            ),
            (false, false) => conn.respond(
                401,
                &[("Content-Type", XML_CT)],
                xml_messages("WARN", Some("incorrect_username_or_password"), "Login failed")
                    .as_bytes(),
            ),
        }
    }

    fn authorized(&self, req: &Request) -> bool {
        let Some(h) = req.header("authorization") else {
            return false;
        };
        let (scheme, cred) = h.split_once(' ').unwrap_or((h, ""));
        let cred = cred.trim();
        match scheme.to_ascii_lowercase().as_str() {
            "bearer" => self.config.token.as_deref() == Some(cred),
            "splunk" => self.config.user.is_some() && cred == SESSION_KEY,
            "basic" => match (&self.config.user, base64_decode(cred)) {
                (Some((u, p)), Some(b)) => b == format!("{u}:{p}").into_bytes(),
                _ => false,
            },
            _ => false,
        }
    }

    fn export(&self, req: &Request, params: &[(String, String)], json_out: bool, conn: &mut Conn) {
        let k = self.exports.fetch_add(1, Ordering::SeqCst);
        let c = &self.config;
        if k < c.throttle_first {
            return reply_json(
                conn,
                429,
                &[("Retry-After", "1")],
                &messages(
                    "ERROR",
                    "Too many requests. Retry after the time in Retry-After.",
                ),
            );
        }
        if k < c.throttle_first + c.status_5xx_first {
            return match c.status_5xx {
                0 | 503 => reply_json(conn, 503, &[], &messages("ERROR", "Service Unavailable")),
                code => {
                    let reason = super::fake_http::reason(code);
                    let page = format!(
                        "<html>\r\n<head><title>{code} {reason}</title></head>\r\n<body>\r\n\
                         <center><h1>{code} {reason}</h1></center>\r\n\
                         <hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
                    );
                    conn.respond(code, &[("Content-Type", "text/html")], page.as_bytes())
                }
            };
        }
        if k < c.throttle_first + c.status_5xx_first + c.drop_first {
            return conn.cut();
        }
        if !self.authorized(req) {
            return reply_error(
                conn,
                json_out,
                401,
                "WARN",
                "call not properly authenticated",
            );
        }
        let Some(search) = get(params, "search").filter(|s| !s.trim().is_empty()) else {
            return reply_error(conn, json_out, 400, "FATAL", "Empty search.");
        };
        if !json_out {
            return reply_error(
                conn,
                false,
                400,
                "FATAL",
                "fake_splunk: only output_mode=json is implemented",
            );
        }
        let now = now_ms();
        let mut window = [None, None];
        for (i, name) in ["earliest_time", "latest_time"].iter().enumerate() {
            if let Some(v) = get(params, name).filter(|v| !v.is_empty()) {
                match parse_time_ms(&v, now) {
                    Some(t) => window[i] = Some(t),
                    None => {
                        return reply_error(conn, true, 400, "FATAL", &format!("Invalid {name}."))
                    }
                }
            }
        }
        let spl = match parse_spl(&search) {
            Ok(s) => s,
            Err(e) => return reply_error(conn, true, 400, "FATAL", &e),
        };
        let results = self.run(&spl, window[0], window[1], now);
        self.stream(conn, &results);
    }

    fn run(&self, spl: &Spl, earliest: Option<i64>, latest: Option<i64>, now: i64) -> Vec<Value> {
        let mut hits: Vec<(i64, usize, &Value)> = self
            .config
            .events
            .iter()
            .enumerate()
            .filter_map(|(i, e)| {
                let t = e
                    .get("_time")
                    .and_then(Value::as_str)
                    .and_then(|s| parse_time_ms(s, now))?;
                let in_window = earliest.is_none_or(|x| t >= x) && latest.is_none_or(|x| t < x);
                (in_window && spl.filter.eval(e)).then_some((t, i, e))
            })
            .collect();
        // Newest first; ties in the order the events were given.
        hits.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        if let Some(n) = spl.head {
            hits.truncate(n);
        }
        hits.iter()
            .enumerate()
            .map(|(serial, (t, i, e))| self.result(e, *i, serial, *t))
            .collect()
    }

    fn result(&self, e: &Value, i: usize, serial: usize, t_ms: i64) -> Value {
        let mut m: Map<String, Value> = Map::new();
        if let Some(o) = e.as_object() {
            for (k, v) in o {
                m.insert(k.clone(), stringify(v));
            }
        }
        if self.config.internal_fields {
            let s = |k: &str| m.get(k).and_then(Value::as_str).unwrap_or("").to_string();
            let (index, sourcetype) = (s("index"), s("sourcetype"));
            let lines = s("_raw").lines().count().max(1);
            let add = [
                (
                    "_bkt",
                    json!(format!("{index}~7~6C4FD68A-A664-44BA-A4B1-22759F85DBE2")),
                ),
                ("_cd", json!(format!("7:{}", 1000 + i * 13))),
                (
                    "_indextime",
                    json!(format!("{}", t_ms.div_euclid(1000) + 2)),
                ),
                ("_serial", json!(serial.to_string())),
                ("_si", json!(["idx-1", index])),
                ("_sourcetype", json!(sourcetype)),
                ("linecount", json!(lines.to_string())),
                ("splunk_server", json!("idx-1")),
            ];
            for (k, v) in add {
                m.entry(k.to_string()).or_insert(v);
            }
        }
        let mut keys: Vec<String> = m.keys().cloned().collect();
        keys.sort();
        let mut sorted = Map::new();
        for k in keys {
            let v = m.remove(&k).unwrap();
            sorted.insert(k, v);
        }
        Value::Object(sorted)
    }

    fn stream(&self, conn: &mut Conn, results: &[Value]) {
        let c = &self.config;
        let cutting = c.cut_after_rows.is_some();
        let mut lines: Vec<String> = Vec::new();
        if c.preview_rows && !results.is_empty() {
            for (i, r) in results.iter().enumerate() {
                let mut r = r.clone();
                if let Some(raw) = r.get("_raw").and_then(Value::as_str) {
                    r["_raw"] = json!(format!("PREVIEW-ONLY {raw}"));
                }
                lines.push(row(true, i, i + 1 == results.len(), r));
            }
        }
        let previews = lines.len();
        for (i, r) in results.iter().enumerate() {
            let last = i + 1 == results.len() && !c.omit_lastrow && !cutting;
            lines.push(row(false, i, last, r.clone()));
        }
        if results.is_empty() && !c.omit_lastrow && !cutting {
            lines.push(r#"{"preview":false,"lastrow":true}"#.to_string());
        }
        if !c.messages.is_empty() && !cutting {
            lines.push(json!({"preview": false, "messages": c.messages}).to_string());
        }

        conn.start_chunked(200, &[("Content-Type", JSON_CT)]);
        if !c.delay_before_body.is_zero() {
            conn.sleep(c.delay_before_body);
        }
        match c.cut_after_rows {
            None => {
                for l in &lines {
                    conn.chunk(format!("{l}\n").as_bytes());
                }
                conn.finish();
            }
            Some(n) => {
                let upto = (previews + n).min(lines.len());
                for l in &lines[..upto] {
                    conn.chunk(format!("{l}\n").as_bytes());
                }
                if let Some(next) = lines.get(upto) {
                    let half = &next.as_bytes()[..next.len() / 2];
                    conn.chunk(half);
                }
                conn.cut();
            }
        }
    }
}

/// `{"preview":P,"offset":N[,"lastrow":true],"result":{...}}` with Splunk's key order.
fn row(preview: bool, offset: usize, lastrow: bool, result: Value) -> String {
    let mut m = Map::new();
    m.insert("preview".into(), json!(preview));
    m.insert("offset".into(), json!(offset));
    if lastrow {
        m.insert("lastrow".into(), json!(true));
    }
    m.insert("result".into(), result);
    Value::Object(m).to_string()
}

/// Splunk sends every value as a string (multi-value: an array of strings).
fn stringify(v: &Value) -> Value {
    match v {
        Value::String(_) => v.clone(),
        Value::Array(a) => Value::Array(a.iter().map(stringify).collect()),
        Value::Null => Value::String(String::new()),
        other => Value::String(other.to_string()),
    }
}

// ---------------------------------------------------------------------------------------------
// Time

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

/// `1780000000.25`, `2026-11-28T10:00:00.123+00:00`, `2026-11-28 10:00:00Z`, `now`, `-15m`
/// -> epoch milliseconds. `now_ms` anchors `now` and relative times.
pub fn parse_time_ms(s: &str, now_ms: i64) -> Option<i64> {
    let s = s.trim();
    if s == "now" {
        return Some(now_ms);
    }
    if let Some(rel) = s.strip_prefix('-') {
        let (n, unit) = rel.split_at(rel.find(|c: char| !c.is_ascii_digit())?);
        let n: i64 = n.parse().ok()?;
        let unit_ms = match unit {
            "s" => 1000,
            "m" => 60_000,
            "h" => 3_600_000,
            "d" => 86_400_000,
            _ => return None,
        };
        return Some(now_ms - n * unit_ms);
    }
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        let (int, frac) = s.split_once('.').unwrap_or((s, ""));
        if int.is_empty() || frac.contains('.') {
            return None;
        }
        let secs: i64 = int.parse().ok()?;
        let ms = frac_ms(frac)?;
        return Some(secs * 1000 + ms);
    }
    let b = s.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let t = s.get(r)?;
        t.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| t.parse().ok())?
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
        return None;
    }
    let mut rest = &s[19..];
    let mut ms = 0;
    if let Some(f) = rest.strip_prefix('.').or_else(|| rest.strip_prefix(',')) {
        let n = f.find(|c: char| !c.is_ascii_digit()).unwrap_or(f.len());
        ms = frac_ms(&f[..n])?;
        rest = &f[n..];
    }
    let offset_min = match rest {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let z = rest[1..].replace(':', "");
            if z.len() != 4 && z.len() != 2 || !z.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            let oh: i64 = z[..2].parse().ok()?;
            let om: i64 = if z.len() == 4 {
                z[2..].parse().ok()?
            } else {
                0
            };
            sign * (oh * 60 + om)
        }
    };
    let days = days_from_civil(y, mo, d);
    let secs = days * 86400 + h * 3600 + mi * 60 + se - offset_min * 60;
    Some(secs * 1000 + ms)
}

fn frac_ms(f: &str) -> Option<i64> {
    if f.is_empty() {
        return Some(0);
    }
    if !f.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let mut d = f.as_bytes()[..f.len().min(3)].to_vec();
    while d.len() < 3 {
        d.push(b'0');
    }
    std::str::from_utf8(&d).ok()?.parse().ok()
}

/// Epoch milliseconds -> `2026-11-28T10:00:00.250Z`.
pub fn format_utc_ms(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (days, sod) = (secs.div_euclid(86400), secs.rem_euclid(86400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        sod / 3600,
        sod / 60 % 60,
        sod % 60,
        ms.rem_euclid(1000)
    )
}

// ---------------------------------------------------------------------------------------------
// SPL

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    All,
    And(Vec<Expr>),
    Or(Vec<Expr>),
    Not(Box<Expr>),
    Field {
        name: String,
        value: String,
        negated: bool,
    },
    Term(String),
}

#[derive(Debug)]
pub struct Spl {
    pub filter: Expr,
    pub head: Option<usize>,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Open,
    Close,
    Quoted(String),
    /// A bare word; `field=value` words have their value's quotes removed.
    Word(String),
}

/// Split on `|` outside double quotes.
fn split_pipes(s: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    let mut esc = false;
    for c in s.chars() {
        if esc {
            esc = false;
        } else if c == '\\' && quoted {
            esc = true;
        } else if c == '"' {
            quoted = !quoted;
        } else if c == '|' && !quoted {
            out.push(String::new());
            continue;
        }
        out.last_mut().unwrap().push(c);
    }
    out
}

fn read_quoted(chars: &mut std::iter::Peekable<std::str::Chars>) -> Result<String, String> {
    // The opening quote is consumed by the caller.
    let mut s = String::new();
    loop {
        match chars.next() {
            None => return Err("Unbalanced quotes.".into()),
            Some('"') => return Ok(s),
            Some('\\') => match chars.next() {
                Some(c) => s.push(c),
                None => return Err("Unbalanced quotes.".into()),
            },
            Some(c) => s.push(c),
        }
    }
}

fn tokenize(s: &str) -> Result<Vec<Tok>, String> {
    let mut toks = Vec::new();
    let mut chars = s.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' => {
                chars.next();
                toks.push(Tok::Open);
            }
            ')' => {
                chars.next();
                toks.push(Tok::Close);
            }
            '"' => {
                chars.next();
                toks.push(Tok::Quoted(read_quoted(&mut chars)?));
            }
            _ => {
                let mut w = String::new();
                while let Some(&c) = chars.peek() {
                    if c.is_whitespace() || c == '(' || c == ')' {
                        break;
                    }
                    chars.next();
                    if c == '"' && w.ends_with('=') {
                        w.push_str(&read_quoted(&mut chars)?);
                        break;
                    }
                    w.push(c);
                }
                toks.push(Tok::Word(w));
            }
        }
    }
    Ok(toks)
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }
    fn is_op(&self, op: &str) -> bool {
        matches!(self.peek(), Some(Tok::Word(w)) if w == op)
    }
    fn or(&mut self) -> Result<Expr, String> {
        let mut alts = vec![self.and()?];
        while self.is_op("OR") {
            self.pos += 1;
            alts.push(self.and()?);
        }
        Ok(if alts.len() == 1 {
            alts.pop().unwrap()
        } else {
            Expr::Or(alts)
        })
    }
    fn and(&mut self) -> Result<Expr, String> {
        let mut all = Vec::new();
        loop {
            match self.peek() {
                None | Some(Tok::Close) => break,
                Some(Tok::Word(w)) if w == "OR" => break,
                Some(Tok::Word(w)) if w == "AND" => {
                    self.pos += 1;
                }
                _ => all.push(self.unary()?),
            }
        }
        match all.len() {
            0 => Err("Missing search terms.".into()),
            1 => Ok(all.pop().unwrap()),
            _ => Ok(Expr::And(all)),
        }
    }
    fn unary(&mut self) -> Result<Expr, String> {
        if self.is_op("NOT") {
            self.pos += 1;
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        match self.toks.get(self.pos).cloned() {
            Some(Tok::Open) => {
                self.pos += 1;
                let e = self.or()?;
                if self.peek() != Some(&Tok::Close) {
                    return Err("Mismatched parentheses.".into());
                }
                self.pos += 1;
                Ok(e)
            }
            Some(Tok::Quoted(q)) => {
                self.pos += 1;
                Ok(Expr::Term(q))
            }
            Some(Tok::Word(w)) => {
                self.pos += 1;
                Ok(word_expr(&w))
            }
            Some(Tok::Close) | None => Err("Mismatched parentheses.".into()),
        }
    }
}

fn is_field_name(n: &str) -> bool {
    !n.is_empty()
        && n.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b':' | b'-'))
}

fn word_expr(w: &str) -> Expr {
    if w == "*" {
        return Expr::All;
    }
    if let Some((n, v)) = w.split_once("!=") {
        if is_field_name(n) {
            return Expr::Field {
                name: n.into(),
                value: v.into(),
                negated: true,
            };
        }
    }
    if let Some((n, v)) = w.split_once('=') {
        if is_field_name(n) {
            return Expr::Field {
                name: n.into(),
                value: v.into(),
                negated: false,
            };
        }
    }
    Expr::Term(w.into())
}

/// Parse `search <expr> [| head N] [| fields ...]`.
pub fn parse_spl(s: &str) -> Result<Spl, String> {
    let mut segs = split_pipes(s).into_iter();
    let first = segs.next().unwrap_or_default();
    let first = first.trim_start();
    let cmd_len = first
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(first.len());
    let cmd = &first[..cmd_len];
    if first.is_empty() {
        return Err(
            "fake_splunk: generating commands (a search starting with '|') are not implemented"
                .into(),
        );
    }
    if !cmd.eq_ignore_ascii_case("search") {
        return Err(format!("Unknown search command '{cmd}'."));
    }
    let body = &first[cmd.len()..];
    let toks = tokenize(body)?;
    let filter = if toks.is_empty() {
        Expr::All
    } else {
        let mut p = Parser { toks, pos: 0 };
        let e = p.or()?;
        if p.pos != p.toks.len() {
            return Err("Mismatched parentheses.".into());
        }
        e
    };
    let mut head = None;
    for seg in segs {
        let mut words = seg.split_whitespace();
        match words.next() {
            Some("head") => {
                let n = match words.next() {
                    None => 10,
                    Some(a) => a
                        .strip_prefix("limit=")
                        .unwrap_or(a)
                        .parse()
                        .map_err(|_| format!("Invalid argument: '{a}'"))?,
                };
                head = Some(head.map_or(n, |h: usize| h.min(n)));
            }
            Some("fields") => {}
            Some(c) => {
                return Err(format!(
                    "fake_splunk: search command '{c}' is not implemented"
                ))
            }
            None => return Err("Missing a search command before '|'.".into()),
        }
    }
    Ok(Spl { filter, head })
}

fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

fn is_major_breaker(c: char) -> bool {
    c.is_whitespace() || "[]<>(){}|!;,'\"&".contains(c)
}

/// Glob with `*`, ASCII case-insensitive, over the whole of `s`.
pub fn glob(pat: &str, s: &str) -> bool {
    let (p, t) = (pat.to_ascii_lowercase(), s.to_ascii_lowercase());
    let (p, t) = (p.as_bytes(), t.as_bytes());
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && p[pi] != b'*' && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == b'*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == b'*' {
        pi += 1;
    }
    pi == p.len()
}

/// Does `term` occur in `raw` as a whole token? (see the module doc)
pub fn term_matches(raw: &str, term: &str) -> bool {
    if term.is_empty() {
        return false;
    }
    if term.contains('*') {
        return raw
            .split(is_major_breaker)
            .any(|tok| !tok.is_empty() && glob(term, tok));
    }
    let (r, t) = (raw.to_ascii_lowercase(), term.to_ascii_lowercase());
    let (rb, tb) = (r.as_bytes(), t.as_bytes());
    let mut from = 0;
    while let Some(p) = r[from..].find(&t).map(|p| p + from) {
        let before_ok = p == 0 || !is_token_byte(rb[p - 1]);
        let end = p + tb.len();
        let after_ok = end == rb.len() || !is_token_byte(rb[end]);
        if before_ok && after_ok {
            return true;
        }
        from = p + 1;
        while from < r.len() && !r.is_char_boundary(from) {
            from += 1;
        }
    }
    false
}

impl Expr {
    pub fn eval(&self, e: &Value) -> bool {
        match self {
            Expr::All => true,
            Expr::And(v) => v.iter().all(|x| x.eval(e)),
            Expr::Or(v) => v.iter().any(|x| x.eval(e)),
            Expr::Not(x) => !x.eval(e),
            Expr::Term(t) => e
                .get("_raw")
                .and_then(Value::as_str)
                .is_some_and(|raw| term_matches(raw, t)),
            Expr::Field {
                name,
                value,
                negated,
            } => {
                let vals: Vec<String> = match e.get(name) {
                    None | Some(Value::Null) => return false,
                    Some(Value::Array(a)) => a.iter().map(scalar).collect(),
                    Some(v) => vec![scalar(v)],
                };
                let any = vals.iter().any(|v| glob(value, v));
                if *negated {
                    !any
                } else {
                    any
                }
            }
        }
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
