//! Real Elasticsearch and OpenSearch servers for the remote-source tests, and a log shipper that
//! fills them. noida-db (Elasticsearch 8 API) and osmem-server (OpenSearch 3 API) are single
//! binaries from PyPI that `.ci/setup-test-servers` installs into `target/test-venv`; this module
//! runs that script itself when needed, so a plain `cargo test` works on a fresh machine. What
//! each server does and does not do is written down in `tests/ELASTIC_SERVERS.md`.
//!
//! Every request goes to 127.0.0.1 only, through the small HTTP/1.1 client at the bottom.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use serde_json::{json, Map, Value};

use super::root;

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
    /// osmem-server exits when its stdin closes: held open for the server's life, so the server
    /// also goes away if the test process dies without running `Drop`.
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
        let mut cmd = Command::new(&bin);
        match engine {
            Engine::Elasticsearch => {
                let data = dir.path().join("data");
                cmd.arg("start")
                    .arg("--data-dir")
                    .arg(&data)
                    .args(["--host", "127.0.0.1", "--only", "elasticsearch"])
                    .args(["--elasticsearch-port", "0"])
                    .stdin(Stdio::null());
            }
            Engine::OpenSearch => {
                cmd.args(["-addr", "127.0.0.1:0", "-no-ja", "-parent-pid"])
                    .arg(std::process::id().to_string())
                    .stdin(Stdio::piped());
            }
        }
        cmd.stdout(out).stderr(err);
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

    fn fail(&mut self, what: &str) -> ! {
        let _ = self.child.kill();
        let _ = self.child.wait();
        panic!(
            "{} test server {what}.\n--- server log ---\n{}--- end of log ---\nfix: run \
             `bash .ci/setup-test-servers` and start it by hand as tests/ELASTIC_SERVERS.md shows",
            self.engine.binary(),
            self.log_text()
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

    /// Ships the scenario's logs into `index` like Filebeat would (see [`shipper_document`]),
    /// refreshes, checks `_count`, and returns the number of documents indexed.
    pub fn index_scenario(&self, index: &str, scenario_dir: &Path) -> usize {
        let records = scenario_records(scenario_dir);
        self.ok("PUT", &format!("/{index}"), Some(&json!({})));
        for (batch, chunk) in records.chunks(BULK_BATCH).enumerate() {
            let mut ndjson = String::new();
            for (i, record) in chunk.iter().enumerate() {
                let (id, doc) = shipper_document(record, (batch * BULK_BATCH + i) % 2 == 1);
                ndjson.push_str(&json!({"index": {"_id": id}}).to_string());
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
        records.len()
    }
}

impl Drop for EngineServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The scenario's records as casefile splits them (`casefile events --json logs`, run in
/// `scenario_dir`): `source` is relative to `scenario_dir` (`logs/orders/orders.log`), `line`
/// is the record's first line, `raw` its exact text with continuation lines joined by `\n`.
/// Cached per test process: the casefile binary takes about a second over the checkout logs.
pub fn scenario_records(scenario_dir: &Path) -> Vec<Value> {
    static CACHE: Mutex<BTreeMap<PathBuf, Vec<Value>>> = Mutex::new(BTreeMap::new());
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    cache
        .entry(scenario_dir.to_path_buf())
        .or_insert_with(|| run_events(scenario_dir))
        .clone()
}

fn run_events(scenario_dir: &Path) -> Vec<Value> {
    let out = Command::new(assert_cmd::cargo::cargo_bin("casefile"))
        .current_dir(scenario_dir)
        .args(["events", "--json", "logs"])
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("run casefile events");
    assert!(
        out.status.success(),
        "casefile events --json logs (in {}) failed: {}",
        scenario_dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let records: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    assert!(
        !records.is_empty(),
        "no records under {}",
        scenario_dir.display()
    );
    records
}

/// The document a log shipper would send for one record, and its `_id` (the path with `/` as
/// `_`, then `-<line>`: `logs_orders_orders.log-1695`).
///
/// ECS fields: `@timestamp` (the record's time; left out when casefile found none, as for one
/// worker line), `event.original` (the raw record), `message` (the raw record for text logs),
/// `log.file.path` (relative to the scenario), `service.name`, `log.level` and `host.name`
/// (when known). A JSON-lines record (raw starting with `{`) also gets its own fields at the
/// top level, as Filebeat's ndjson parser with keys under root does: its own `message` replaces
/// the raw one, the ECS fields above win over its other keys. With `nested`, every dotted key
/// is written as nested objects (`{"log": {"level": ..}}`); otherwise all keys stay dotted
/// (`"log.level"`), so an index holds both styles, as real ones do.
pub fn shipper_document(record: &Value, nested: bool) -> (String, Value) {
    let path = record["source"].as_str().expect("record source");
    let line = record["line"].as_u64().expect("record line");
    let raw = record["raw"].as_str().expect("record raw");
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
    let mut ecs = vec![
        ("@timestamp", record["ts"].clone()),
        ("event.original", Value::String(raw.to_string())),
        ("message", message),
        ("log.file.path", Value::String(path.to_string())),
        ("service.name", record["service"].clone()),
        ("log.level", record["level"].clone()),
    ];
    if let Some(host) = record.get("host") {
        ecs.push(("host.name", host.clone()));
    }
    for (k, v) in ecs {
        fields.retain(|(key, _)| key != k);
        if !v.is_null() {
            fields.push((k.to_string(), v));
        }
    }
    let mut doc = Map::new();
    for (k, v) in fields {
        if !nested || !k.contains('.') || !insert_nested(&mut doc, &k, v.clone()) {
            doc.insert(k, v);
        }
    }
    let id = format!("{}-{line}", path.replace('/', "_"));
    (id, Value::Object(doc))
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

/// `target/test-venv/servers/<binary>`, installing the servers first (once per test process;
/// the script itself takes a file lock so parallel test binaries do not race).
fn server_binary(engine: Engine) -> PathBuf {
    static SETUP: OnceLock<Result<(), String>> = OnceLock::new();
    let script = root().join(".ci/setup-test-servers");
    let setup = SETUP.get_or_init(|| {
        let out = Command::new("bash")
            .arg(&script)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run bash {}: {e}", script.display()))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    });
    if let Err(e) = setup {
        panic!(
            "installing the test search servers failed:\n{e}\nfix: bash .ci/setup-test-servers \
             (needs python3 with venv and PyPI)"
        );
    }
    root()
        .join("target/test-venv/servers")
        .join(engine.binary())
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
