//! Elasticsearch and OpenSearch API emulators for the remote-source tests, and a log shipper
//! that fills them. noida-db (emulates the Elasticsearch 8 REST API) and osmem-server (emulates
//! OpenSearch 3) are single binaries from PyPI, not the real engines; `.ci/setup-test-servers`
//! installs them into `target/test-venv`, and this module runs that script itself when needed,
//! so a plain `cargo test` works on a fresh machine. Where they differ from each other and from
//! the real engines is written down in `tests/ELASTIC_SERVERS.md`. The shipper reads the
//! scenario's raw files itself, never through casefile, so what is indexed is independent of
//! casefile's parser.
//!
//! Every request goes to 127.0.0.1 only, through the small HTTP/1.1 client at the bottom.

use std::fs::File;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Map, Value};

/// How long a server gets to answer `GET /` after it was started.
const READY_TIMEOUT: Duration = Duration::from_secs(30);
/// Documents per `_bulk` request.
const BULK_BATCH: usize = 2_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// noida-db: speaks the Elasticsearch 8 REST API (`/_pit`).
    Elasticsearch,
    /// osmem-server: in-memory OpenSearch 3 (`/_search/point_in_time`).
    OpenSearch,
}

impl Engine {
    /// The binary's name in `target/test-venv/servers/`.
    pub fn binary(self) -> &'static str {
        match self {
            Engine::Elasticsearch => "noida-db",
            Engine::OpenSearch => "osmem-server",
        }
    }
}

/// A running server on a free loopback port. Dropping it kills the process and removes its
/// data directory.
pub struct EngineServer {
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub url: String,
    pub engine: Engine,
    child: Child,
    /// The watcher's stdin ([`WATCH`]): held open for the server's life; closing it stops the
    /// server, also when the test process dies without running `Drop`.
    _stdin: Option<ChildStdin>,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl EngineServer {
    /// Starts the engine on a free port and waits (at most 30 s) until `GET /` answers.
    /// Panics with the server's log and a hint when it does not come up.
    pub fn start(engine: Engine) -> EngineServer {
        let bin = server_binary(engine);
        let dir = tempfile::Builder::new()
            .prefix(&format!("casefile-{}-", engine.binary()))
            .tempdir()
            .expect("temp dir for the test server");
        let log = dir.path().join("server.log");
        let out = File::create(&log).expect("server log file");
        let err = out.try_clone().expect("server log file");
        let mut cmd = Command::new("sh");
        cmd.args(["-c", WATCH, "sh"]).arg(dir.path()).arg(&bin);
        match engine {
            Engine::Elasticsearch => {
                let data = dir.path().join("data");
                cmd.arg("start")
                    .arg("--data-dir")
                    .arg(&data)
                    .args(["--host", "127.0.0.1", "--only", "elasticsearch"])
                    .args(["--elasticsearch-port", "0"]);
            }
            Engine::OpenSearch => {
                cmd.args([
                    "-addr",
                    "127.0.0.1:0",
                    "-no-ja",
                    "-no-stdin-watch",
                    "-parent-pid",
                ])
                .arg(std::process::id().to_string());
            }
        }
        cmd.stdin(Stdio::piped()).stdout(out).stderr(err);
        let mut child = cmd.spawn().unwrap_or_else(|e| {
            panic!(
                "cannot run {}: {e}\nfix: bash .ci/setup-test-servers (installs it into target/test-venv)",
                bin.display()
            )
        });
        let stdin = child.stdin.take();
        let mut server = EngineServer {
            url: String::new(),
            engine,
            child,
            _stdin: stdin,
            log,
            _dir: dir,
        };
        server.url = server.wait_ready();
        server
    }

    /// Reads the announced URL from the server's output, then polls `GET /`.
    fn wait_ready(&mut self) -> String {
        let deadline = Instant::now() + READY_TIMEOUT;
        let mut url = None;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                self.fail(&format!("exited during startup ({status})"));
            }
            if url.is_none() {
                url = announced_url(self.engine, &self.log_text());
            }
            if let Some(u) = &url {
                if matches!(http(u, "GET", "/", None), Ok((200, _))) {
                    return u.clone();
                }
            }
            if Instant::now() > deadline {
                self.fail(&format!("not ready after {} s", READY_TIMEOUT.as_secs()));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Closes the watcher's stdin (it stops the server and removes the data) and waits for it,
    /// at most 10 s before killing it.
    fn stop(&mut self) {
        drop(self._stdin.take());
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if !matches!(self.child.try_wait(), Ok(None)) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    fn fail(&mut self, what: &str) -> ! {
        let log = self.log_text();
        self.stop();
        panic!(
            "{} test server {what}.\n--- server log ---\n{log}--- end of log ---\nfix: run \
             `bash .ci/setup-test-servers` and start it by hand as tests/ELASTIC_SERVERS.md shows",
            self.engine.binary(),
        )
    }

    /// One request; the body is JSON unless it is a `_bulk` body. Returns status and JSON (or
    /// `Value::Null` for an empty or non-JSON body). Panics only when the server cannot be
    /// reached.
    pub fn request(&self, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
        let body = body.map(|b| ("application/json", b.to_string().into_bytes()));
        self.send(method, path, body)
    }

    fn send(&self, method: &str, path: &str, body: Option<(&str, Vec<u8>)>) -> (u16, Value) {
        let (status, bytes) = http(&self.url, method, path, body)
            .unwrap_or_else(|e| panic!("{method} {}{path}: {e}\n{}", self.url, self.log_text()));
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    /// A request that must succeed (2xx); returns the JSON body.
    pub fn ok(&self, method: &str, path: &str, body: Option<&Value>) -> Value {
        let (status, v) = self.request(method, path, body);
        assert!(
            (200..300).contains(&status),
            "{:?}: {method} {path} -> HTTP {status}: {v}",
            self.engine
        );
        v
    }

    /// Ships the scenario's raw logs into `index` like Filebeat would ([`shipper_records`],
    /// [`shipper_document`]; odd documents nested, even ones dotted), refreshes, checks
    /// `_count`, and returns the records indexed.
    pub fn index_scenario(&self, index: &str, scenario_dir: &Path) -> Vec<ShippedRecord> {
        let records = shipper_records(scenario_dir);
        self.ok("PUT", &format!("/{index}"), Some(&json!({})));
        for (batch, chunk) in records.chunks(BULK_BATCH).enumerate() {
            let mut ndjson = String::new();
            for (i, record) in chunk.iter().enumerate() {
                let doc = shipper_document(record, (batch * BULK_BATCH + i) % 2 == 1);
                ndjson.push_str(&json!({"index": {"_id": record.id}}).to_string());
                ndjson.push('\n');
                ndjson.push_str(&doc.to_string());
                ndjson.push('\n');
            }
            let body = Some(("application/x-ndjson", ndjson.into_bytes()));
            let (status, resp) = self.send("POST", &format!("/{index}/_bulk"), body);
            assert_eq!(
                status, 200,
                "{:?}: _bulk -> HTTP {status}: {resp}",
                self.engine
            );
            if resp["errors"] != json!(false) {
                let failed: Vec<&Value> = resp["items"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|item| item.as_object()?.values().next())
                    .filter(|r| r.get("error").is_some())
                    .take(3)
                    .collect();
                panic!(
                    "{:?}: _bulk reported errors, first ones: {failed:?}",
                    self.engine
                );
            }
        }
        self.ok("POST", &format!("/{index}/_refresh"), None);
        let count = self.ok("GET", &format!("/{index}/_count"), None)["count"].as_u64();
        assert_eq!(
            count,
            Some(records.len() as u64),
            "{:?}: _count after bulk",
            self.engine
        );
        records
    }
}

impl Drop for EngineServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The watcher each server runs under (`sh -c WATCH sh DIR BINARY ARGS..`): it starts the
/// server, stops it when its own stdin (a pipe the test process holds) closes, and then
/// removes DIR (a server that exits by itself leaves DIR and its log for [`EngineServer::fail`]). The pipe closes when the [`EngineServer`] is dropped
/// or when the test process ends in any way, so a server kept for a whole test binary (in a
/// `static`) does not outlive it: noida-db has no parent-death watch of its own.
const WATCH: &str = r#"dir=$1; shift
exec 3<&0
"$@" </dev/null 3<&- &
pid=$!
(cat <&3 >/dev/null; : >"$dir/stopping"; kill "$pid" 2>/dev/null) &
wait "$pid"
if [ -e "$dir/stopping" ]; then rm -rf "$dir"; fi"#;

/// One record as the shipper reads it from a file (see [`shipper_records`]).
#[derive(Clone, Debug)]
pub struct ShippedRecord {
    /// The document's `_id`: the path with `/` as `_`, then `-<line>`
    /// (`logs_orders_orders.log-1695`).
    pub id: String,
    /// Relative to the scenario directory: `logs/orders/orders.log`.
    pub path: String,
    /// The record's first line (1-based), as `truth.json` counts.
    pub line: u64,
    /// The record's lines joined by `\n`, without the final line end.
    pub raw: String,
    /// The time the test's own parser read from the record's first line.
    pub timestamp: jiff::Timestamp,
    /// The directory the file is in (`logs/orders/..` -> `orders`).
    pub service: String,
}

/// The scenario's records as a log shipper (Filebeat, Elastic Agent) reads them from the raw
/// files under `scenario_dir/logs`, without casefile: `.gz` rotations decompressed, line ends
/// (`\n`, `\r\n`) stripped, and multi-line records joined with `\n` the way Filebeat's usual
/// multiline setting for application logs does (`multiline.pattern: '^\d{4}-\d{2}-\d{2}'`,
/// `negate: true`, `match: after`): in a file whose first line starts with an ISO date, a line
/// that does not is a continuation of the record before it (Java `\tat ...`, `Caused by:`,
/// the exception line, Python `Traceback`, `  File ...`). Every other file is one record per
/// line. Each record's time comes from [`record_time`] (an ingest pipeline's `date`
/// processor); a record without one is a bug in this parser and panics.
pub fn shipper_records(scenario_dir: &Path) -> Vec<ShippedRecord> {
    let mut files = Vec::new();
    walk_files(&scenario_dir.join("logs"), &mut files);
    files.sort();
    let mut records = Vec::new();
    for file in files {
        let rel = file
            .strip_prefix(scenario_dir)
            .expect("under the scenario")
            .to_string_lossy()
            .replace('\\', "/");
        let service = Path::new(&rel)
            .parent()
            .and_then(|d| d.file_name())
            .map(|d| d.to_string_lossy().into_owned())
            .expect("a file in a service directory");
        let mut bytes = std::fs::read(&file).unwrap_or_else(|e| panic!("{rel}: {e}"));
        if rel.ends_with(".gz") {
            let mut plain = Vec::new();
            flate2::read::GzDecoder::new(bytes.as_slice())
                .read_to_end(&mut plain)
                .unwrap_or_else(|e| panic!("{rel}: gunzip: {e}"));
            bytes = plain;
        }
        let text = String::from_utf8_lossy(&bytes);
        let lines: Vec<&str> = text
            .split('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .collect();
        let lines = match lines.split_last() {
            Some((&"", rest)) => rest,
            _ => &lines[..],
        };
        let multiline = lines.first().is_some_and(|l| starts_with_iso_date(l));
        let mut start: Option<(usize, Vec<&str>)> = None;
        let mut flush = |start: Option<(usize, Vec<&str>)>| {
            if let Some((i, parts)) = start {
                let line = i as u64 + 1;
                let timestamp = record_time(parts[0])
                    .unwrap_or_else(|| panic!("shipper: no time in {rel}:{line}: {}", parts[0]));
                records.push(ShippedRecord {
                    id: format!("{}-{line}", rel.replace('/', "_")),
                    path: rel.clone(),
                    line,
                    raw: parts.join("\n"),
                    timestamp,
                    service: service.clone(),
                });
            }
        };
        for (i, l) in lines.iter().enumerate() {
            let continuation = multiline && !starts_with_iso_date(l) && start.is_some();
            if continuation {
                start.as_mut().expect("checked").1.push(l);
            } else {
                flush(start.take());
                start = Some((i, vec![l]));
            }
        }
        flush(start.take());
    }
    assert!(
        !records.is_empty(),
        "no records under {}",
        scenario_dir.display()
    );
    records
}

fn walk_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|e| panic!("read_dir {}: {e}", dir.display()));
    for e in entries {
        let p = e.expect("directory entry").path();
        if p.is_dir() {
            walk_files(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// `YYYY-MM-DD` at the start of the line.
fn starts_with_iso_date(l: &str) -> bool {
    let b = l.as_bytes();
    b.len() >= 10
        && b[..10].iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
}

/// The year the scenario was logged in, for syslog lines, which carry none.
const SYSLOG_YEAR: i16 = 2026;

/// A record's time as an ingest pipeline's `date` processor would read it from the first line,
/// written independently of casefile for the dialects of `fixtures/checkout`: JSON `@timestamp`
/// (or `ts`, `time`), logfmt `ts=`, an ISO 8601 date at the start (`2026-11-28 22:00:00.047`,
/// `,060` for Python, CRI's `2026-11-28T22:00:00.671000123Z`), the access log's
/// `[28/Nov/2026:23:00:12 +0100]`, and RFC 3164 syslog `Nov 28 22:00:16` in
/// [`SYSLOG_YEAR`]. A time without an offset is UTC (the scenario's services log in UTC).
pub fn record_time(line: &str) -> Option<jiff::Timestamp> {
    use jiff::fmt::strtime;
    if line.starts_with('{') {
        let v: Value = serde_json::from_str(line).ok()?;
        let t = ["@timestamp", "ts", "time"]
            .iter()
            .find_map(|k| v[*k].as_str())?;
        return t.parse().ok();
    }
    if let Some(rest) = line.strip_prefix("ts=") {
        let t = rest.split_whitespace().next()?.trim_matches('"');
        return t.parse().ok();
    }
    if starts_with_iso_date(line) {
        let b = line.as_bytes();
        if b.len() < 19 || !matches!(b[10], b' ' | b'T') {
            return None;
        }
        let mut end = 19;
        if matches!(b.get(end), Some(b'.' | b',')) {
            end += 1;
            while b.get(end).is_some_and(u8::is_ascii_digit) {
                end += 1;
            }
        }
        let zone_len = match b.get(end) {
            Some(b'Z') => 1,
            Some(b'+' | b'-') => {
                line[end + 1..]
                    .bytes()
                    .take_while(|c| c.is_ascii_digit() || *c == b':')
                    .count()
                    + 1
            }
            _ => 0,
        };
        let mut t = format!("{}T{}", &line[..10], &line[11..end]).replace(',', ".");
        match zone_len {
            0 => t.push('Z'),
            n => t.push_str(&line[end..end + n]),
        }
        return t.parse().ok();
    }
    if let Some((_, rest)) = line.split_once('[') {
        let inside = rest.split(']').next().unwrap_or("");
        if let Ok(tm) = strtime::parse("%d/%b/%Y:%H:%M:%S %z", inside) {
            return tm.to_timestamp().ok();
        }
    }
    let head = line.get(..15)?;
    let civil = strtime::parse("%Y %b %e %H:%M:%S", format!("{SYSLOG_YEAR} {head}"))
        .ok()?
        .to_datetime()
        .ok()?;
    civil
        .to_zoned(jiff::tz::TimeZone::UTC)
        .ok()
        .map(|z| z.timestamp())
}

/// The document a log shipper sends for one record: ECS `@timestamp` (the shipper's parsed
/// time), `event.original` (the raw record), `message` (the raw record for text logs),
/// `log.file.path` (relative to the scenario) and `service.name` (the directory). A JSON-lines
/// record (raw starting with `{`) also gets its own keys at the top level, as Filebeat's ndjson
/// parser with keys under root does: its own `message` replaces the raw one, the ECS fields
/// above win over its other keys. No level or host is added for text records: a shipper
/// without a grok pipeline does not know them. With `nested`, every dotted key is written as
/// nested objects (`{"log": {"level": ..}}`); otherwise all keys stay dotted (`"log.level"`),
/// so an index holds both styles, as real ones do.
pub fn shipper_document(record: &ShippedRecord, nested: bool) -> Value {
    let raw = record.raw.as_str();
    let mut fields: Vec<(String, Value)> = Vec::new();
    let mut message = Value::String(raw.to_string());
    if raw.starts_with('{') {
        if let Ok(Value::Object(own)) = serde_json::from_str::<Value>(raw) {
            for (k, v) in own {
                if k == "message" {
                    message = v;
                } else {
                    fields.push((k, v));
                }
            }
        }
    }
    let ecs = [
        ("@timestamp", Value::String(record.timestamp.to_string())),
        ("event.original", Value::String(raw.to_string())),
        ("message", message),
        ("log.file.path", Value::String(record.path.clone())),
        ("service.name", Value::String(record.service.clone())),
    ];
    for (k, v) in ecs {
        fields.retain(|(key, _)| key != k);
        fields.push((k.to_string(), v));
    }
    let mut doc = Map::new();
    for (k, v) in fields {
        if !nested || !k.contains('.') || !insert_nested(&mut doc, &k, v.clone()) {
            doc.insert(k, v);
        }
    }
    Value::Object(doc)
}

/// Puts `value` at the dotted `key` as nested objects; false (and nothing changed) when a
/// non-object already sits on the way.
fn insert_nested(doc: &mut Map<String, Value>, key: &str, value: Value) -> bool {
    let parts: Vec<&str> = key.split('.').collect();
    let mut at = &*doc;
    for p in &parts[..parts.len() - 1] {
        match at.get(*p) {
            None => break,
            Some(Value::Object(m)) => at = m,
            Some(_) => return false,
        }
    }
    let mut at = doc;
    for p in &parts[..parts.len() - 1] {
        at = at
            .entry(p.to_string())
            .or_insert_with(|| Value::Object(Map::new()))
            .as_object_mut()
            .expect("checked above");
    }
    at.insert(parts[parts.len() - 1].to_string(), value);
    true
}

/// `target/test-venv/servers/<binary>`, installing the test venv first ([`super::test_venv`]).
fn server_binary(engine: Engine) -> PathBuf {
    super::test_venv().join("servers").join(engine.binary())
}

/// The URL a server prints once it listens: noida-db writes `elasticsearch  http://...`,
/// osmem-server one JSON line `{"url": "http://...", ...}`.
fn announced_url(engine: Engine, log: &str) -> Option<String> {
    log.lines().find_map(|l| match engine {
        Engine::Elasticsearch => {
            let rest = l.trim_start().strip_prefix("elasticsearch")?;
            Some(rest.trim().to_string()).filter(|u| u.starts_with("http://127.0.0.1:"))
        }
        Engine::OpenSearch => {
            let v: Value = serde_json::from_str(l).ok()?;
            Some(v["url"].as_str()?.to_string())
        }
    })
}

/// A minimal HTTP/1.1 client for loopback test servers: one connection per request, response
/// read to the end (`Connection: close`), chunked bodies decoded.
fn http(
    base: &str,
    method: &str,
    path: &str,
    body: Option<(&str, Vec<u8>)>,
) -> Result<(u16, Vec<u8>), String> {
    let host = base
        .strip_prefix("http://")
        .filter(|h| h.starts_with("127.0.0.1:"))
        .ok_or_else(|| format!("{base}: test servers listen on http://127.0.0.1 only"))?;
    let mut stream = TcpStream::connect(host).map_err(|e| format!("connect {host}: {e}"))?;
    stream.set_read_timeout(Some(Duration::from_secs(120))).ok();
    let (ctype, bytes) = body.unwrap_or(("application/json", Vec::new()));
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\
         Accept: application/json\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n\r\n",
        bytes.len()
    );
    stream
        .write_all(head.as_bytes())
        .and_then(|_| stream.write_all(&bytes))
        .map_err(|e| format!("send: {e}"))?;
    let mut resp = Vec::new();
    stream
        .read_to_end(&mut resp)
        .map_err(|e| format!("read: {e}"))?;
    let split = resp
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("response without a header end")?;
    let head = String::from_utf8_lossy(&resp[..split]).to_ascii_lowercase();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("bad status line: {head}"))?;
    let body = resp[split + 4..].to_vec();
    if head.contains("transfer-encoding: chunked") {
        return Ok((status, dechunk(&body)?));
    }
    Ok((status, body))
}

fn dechunk(mut data: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    loop {
        let eol = data
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or("chunk size line")?;
        let size_text = String::from_utf8_lossy(&data[..eol]);
        let size_hex = size_text.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_hex, 16).map_err(|e| format!("chunk size: {e}"))?;
        if size == 0 {
            return Ok(out);
        }
        let start = eol + 2;
        let chunk = data.get(start..start + size).ok_or("truncated chunk")?;
        out.extend_from_slice(chunk);
        data = data.get(start + size + 2..).ok_or("truncated chunk end")?;
    }
}
