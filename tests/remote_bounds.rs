//! Remote sources stay bounded in memory and time whatever a server sends (issue 17, "Remote
//! sources: bounded in memory and time"): a Splunk export row that never ends, a gzip bomb,
//! a server that ignores `| head` past `--remote-limit`, an Elasticsearch server that answers
//! the same page again (point in time and scroll), an Elasticsearch page over 10 MB, and a
//! `Retry-After` of an hour. Every server is a fake on 127.0.0.1 (`common::fake_http`) that
//! answers in the engines' documented wire format; every assertion is a count (records kept,
//! requests seen, bytes read as casefile reports them), never a time.

mod common;

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

use serde_json::{json, Value};

use common::casefile_env;
use common::fake_http::{Conn, Request, Server};

const TOKEN: &str = "bounds-test-token-7f3a";
const SINCE: &str = "2026-11-28T09:00:00Z";
const UNTIL: &str = "2026-11-28T11:00:00Z";
const EXPORT: &str = "/services/search/v2/jobs/export";
const MIB: usize = 1 << 20;

/// One export row as Splunk streams it (`output_mode=json`), with its line end.
fn splunk_row(offset: usize, last: bool) -> String {
    let mut row = json!({"preview": false, "offset": offset, "result": {
        "_cd": format!("7:{}", 100 + offset),
        "_raw": format!("2026-11-28T10:00:{:02}.000Z INFO worker step={offset}", offset % 60),
        "_time": format!("2026-11-28T10:00:{:02}.000+00:00", offset % 60),
        "host": "web-1", "index": "app", "source": "/var/log/worker/worker.log",
        "sourcetype": "worker"}});
    if last {
        row["lastrow"] = json!(true);
    }
    format!("{row}\n")
}

fn splunk_args(url: &str) -> Vec<&str> {
    vec![
        "events",
        "--splunk",
        url,
        "--splunk-search",
        "index=app",
        "--since",
        SINCE,
        "--until",
        UNTIL,
        "--json",
    ]
}

fn run_splunk(url: &str, extra: &[&str]) -> common::Run {
    let dir = tempfile::tempdir().unwrap();
    let mut args = splunk_args(url);
    args.extend_from_slice(extra);
    casefile_env(dir.path(), &args, None, &[("CASEFILE_SPLUNK_TOKEN", TOKEN)])
}

/// A gzip stream written piece by piece (`Content-Encoding: gzip`): deflate blocks ended by a
/// full flush, so a piece of input compressed once can be sent again and again as it is.
struct Gzip {
    crc: flate2::Crc,
}

impl Gzip {
    const HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255];

    fn new() -> Gzip {
        Gzip {
            crc: flate2::Crc::new(),
        }
    }

    /// `data` deflated on its own (the compressor state is reset after it).
    fn block(data: &[u8]) -> Vec<u8> {
        let mut c = flate2::Compress::new(flate2::Compression::fast(), false);
        let mut out = Vec::with_capacity(data.len() / 100 + 1024);
        let mut pos = 0;
        loop {
            out.reserve(64 << 10);
            let before = c.total_in();
            c.compress_vec(&data[pos..], &mut out, flate2::FlushCompress::Full)
                .unwrap();
            pos += (c.total_in() - before) as usize;
            if pos >= data.len() && out.capacity() > out.len() {
                break;
            }
        }
        out
    }

    /// Note `data` as sent (for the trailer's CRC and length).
    fn sent(&mut self, data: &[u8]) {
        self.crc.update(data);
    }

    /// The final empty block and the trailer.
    fn finish(&self) -> Vec<u8> {
        let mut out = vec![0x03, 0x00]; // an empty final fixed-Huffman block
        out.extend_from_slice(&self.crc.sum().to_le_bytes());
        out.extend_from_slice(&self.crc.amount().to_le_bytes());
        out
    }
}

/// What a streaming fake got through before the client went away.
#[derive(Default)]
struct Sent {
    /// Uncompressed bytes of the body handed to the socket.
    bytes: AtomicU64,
    /// The whole body went out.
    finished: AtomicBool,
    exports: AtomicUsize,
}

/// A Splunk export that sends `head` rows, then `middle` (uncompressed) `repeat` times, then
/// `tail`, all gzip-compressed when the client accepts it (casefile must ask for it).
fn gzip_splunk(head: String, middle: Vec<u8>, repeat: usize, tail: String) -> (Server, Arc<Sent>) {
    let sent = Arc::new(Sent::default());
    let s2 = sent.clone();
    let block = Gzip::block(&middle);
    let server = Server::start(Arc::new(move |req: &Request, conn: &mut Conn| {
        if req.path != EXPORT {
            return conn.respond(404, &[], b"{}");
        }
        s2.exports.fetch_add(1, Ordering::SeqCst);
        assert!(
            req.header("accept-encoding")
                .is_some_and(|v| v.contains("gzip")),
            "casefile asks for gzip: {:?}",
            req.headers
        );
        conn.start_chunked(
            200,
            &[
                ("Content-Type", "application/json; charset=UTF-8"),
                ("Content-Encoding", "gzip"),
            ],
        );
        let mut gz = Gzip::new();
        let mut first = Gzip::HEADER.to_vec();
        first.extend(Gzip::block(head.as_bytes()));
        gz.sent(head.as_bytes());
        if !conn.chunk_sent(&first) {
            return;
        }
        s2.bytes.fetch_add(head.len() as u64, Ordering::SeqCst);
        for _ in 0..repeat {
            if !conn.chunk_sent(&block) {
                return;
            }
            gz.sent(&middle);
            s2.bytes.fetch_add(middle.len() as u64, Ordering::SeqCst);
        }
        let mut last = Gzip::block(tail.as_bytes());
        gz.sent(tail.as_bytes());
        last.extend(gz.finish());
        if conn.chunk_sent(&last) {
            conn.finish();
            s2.finished.store(true, Ordering::SeqCst);
        }
    }));
    (server, sent)
}

fn raws(r: &common::Run) -> Vec<String> {
    r.json_lines()
        .iter()
        .map(|e| e["raw"].as_str().unwrap().to_string())
        .collect()
}

// Issue 17: a row that never ends took the memory (`read_until` grew one line without bound).
#[test]
fn splunk_row_that_never_ends_stops_at_the_row_cap() {
    let head: String = (0..2).map(|i| splunk_row(i, false)).collect();
    let start = r#"{"preview":false,"offset":2,"result":{"_raw":""#;
    // 16 GiB of one row if nobody stops reading.
    let (fake, sent) = gzip_splunk(
        format!("{head}{start}"),
        vec![b'A'; MIB],
        16 << 10,
        "\"}}\n".into(),
    );
    let r = run_splunk(&fake.url, &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        raws(&r),
        [
            "2026-11-28T10:00:00.000Z INFO worker step=0",
            "2026-11-28T10:00:01.000Z INFO worker step=1"
        ],
        "the rows before the endless one are kept"
    );
    assert!(
        r.stderr.contains(
            "incomplete: a row of the export is longer than 8 MiB (a row that never ends); \
             casefile stopped reading it after 8388609 bytes and 2 result(s), which are kept"
        ),
        "{}",
        r.stderr
    );
    assert_eq!(sent.exports.load(Ordering::SeqCst), 1, "not retried");
    assert!(
        !sent.finished.load(Ordering::SeqCst),
        "the row was not read to its end"
    );
}

// Issue 17: 3 MB of gzip on the wire became 3 GB in memory.
#[test]
fn splunk_gzip_bomb_stops_at_the_decompressed_cap() {
    let head: String = (0..3).map(|i| splunk_row(i, false)).collect();
    // Preview rows (skipped by casefile) of exactly 1 MiB each, line end included.
    let open = r#"{"preview":true,"offset":0,"result":{"_raw":""#;
    let close = "\"}}\n";
    let mut preview = open.as_bytes().to_vec();
    preview.resize(MIB - close.len(), b'x');
    preview.extend_from_slice(close.as_bytes());
    assert_eq!(preview.len(), MIB);
    let (fake, sent) = gzip_splunk(head.clone(), preview, 1536, splunk_row(3, true));
    let r = run_splunk(&fake.url, &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(raws(&r).len(), 3, "the results before the bomb are kept");
    // casefile counts whole rows: the three results, then 1 MiB rows until past 1 GiB.
    let cap = 1u64 << 30;
    let rows = (cap - head.len() as u64) / MIB as u64 + 1;
    let read = head.len() as u64 + rows * MIB as u64;
    assert!(read > cap && read - (MIB as u64) <= cap);
    let want = format!(
        "incomplete: the export answer passed 1024 MiB (decompressed) after 3 result(s); \
         casefile stopped reading there ({read} bytes read)"
    );
    assert!(r.stderr.contains(&want), "want {want}\n{}", r.stderr);
    assert_eq!(sent.exports.load(Ordering::SeqCst), 1, "not retried");
    // Whether the server got to send its last compressed bytes is not asserted: 1.5 GiB of
    // 'x' is ~1.5 MB of gzip, which loopback socket buffers may take whole before casefile
    // stops (it failed that way under load). The bytes casefile read, in its message, are the
    // bound that counts.
}

// Issue 17: with `| head` ignored (a proxy, an old app), casefile read on past --remote-limit
// (3.3M rows in 100 s).
#[test]
fn splunk_remote_limit_stops_reading() {
    const ROWS: usize = 1_000_000;
    let written = Arc::new(AtomicUsize::new(0));
    let finished = Arc::new(AtomicBool::new(false));
    let (w2, f2) = (written.clone(), finished.clone());
    let fake = Server::start(Arc::new(move |req: &Request, conn: &mut Conn| {
        if req.path != EXPORT {
            return conn.respond(404, &[], b"{}");
        }
        conn.start_chunked(200, &[("Content-Type", "application/json")]);
        // `| head N` is ignored: every row is sent, 100 to a chunk.
        let mut buf = String::new();
        for i in 0..ROWS {
            buf.push_str(&splunk_row(i, i + 1 == ROWS));
            if (i + 1) % 100 == 0 || i + 1 == ROWS {
                if !conn.chunk_sent(buf.as_bytes()) {
                    return;
                }
                w2.store(i + 1, Ordering::SeqCst);
                buf.clear();
            }
        }
        conn.finish();
        f2.store(true, Ordering::SeqCst);
    }));
    let r = run_splunk(&fake.url, &["--remote-limit", "10"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(raws(&r).len(), 10, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("more than 10 records match; only the first 10 were pulled"),
        "{}",
        r.stderr
    );
    assert!(
        !finished.load(Ordering::SeqCst),
        "casefile read the whole stream ({} rows)",
        written.load(Ordering::SeqCst)
    );
    assert!(written.load(Ordering::SeqCst) < ROWS);
    let exports: Vec<_> = fake
        .recorded()
        .into_iter()
        .filter(|q| q.path == EXPORT)
        .collect();
    assert_eq!(exports.len(), 1);
    let search = common::fake_http::parse_form(&exports[0].body)
        .into_iter()
        .find(|(k, _)| k == "search")
        .unwrap()
        .1;
    assert!(search.ends_with("| head 11"), "{search}");
}

// Issue 17: `Retry-After` was honoured up to 120 s per retry (8 minutes a query).
#[test]
fn retry_after_is_capped_by_timeout() {
    let n = Arc::new(AtomicUsize::new(0));
    let n2 = n.clone();
    let fake = Server::start(Arc::new(move |req: &Request, conn: &mut Conn| {
        if req.path != EXPORT {
            return conn.respond(404, &[], b"{}");
        }
        if n2.fetch_add(1, Ordering::SeqCst) == 0 {
            return conn.respond(
                429,
                &[
                    ("Retry-After", "3600"),
                    ("Content-Type", "application/json"),
                ],
                br#"{"messages":[{"type":"ERROR","text":"Too many requests"}]}"#,
            );
        }
        conn.respond(
            200,
            &[("Content-Type", "application/json")],
            splunk_row(0, true).as_bytes(),
        );
    }));
    let r = run_splunk(&fake.url, &["--timeout", "1"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(raws(&r).len(), 1);
    assert!(
        r.stderr
            .contains("HTTP 429: {\"messages\":[{\"type\":\"ERROR\",\"text\":\"Too many requests\"}]}; retrying in 1.0 s"),
        "the wait is --timeout, not the hour asked for:\n{}",
        r.stderr
    );
    assert!(r.stderr.contains("(1 retried), complete"), "{}", r.stderr);
    assert_eq!(n.load(Ordering::SeqCst), 2);
}

// ---------------------------------------------------------------------------------------------
// Elasticsearch

const INDEX: &str = "logs-b";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Es {
    /// Every search answers the first page, whatever its `search_after`.
    ReplayPit,
    /// An Elasticsearch 6 (scroll); every scroll answers the first page again.
    ReplayScroll,
    /// A first page of 1,000 hits of 12 KiB each (12 MB), then 5 more.
    BigPage,
}

fn es_hit(i: usize, message_len: usize) -> Value {
    let ts = format!(
        "2026-11-28T10:{:02}:{:02}.{:03}Z",
        i / 60_000 % 60,
        i / 1000 % 60,
        i % 1000
    );
    let mut message = format!("{ts} INFO heartbeat seq={i} ");
    if message.len() < message_len {
        message.push_str(&"p".repeat(message_len - message.len()));
    }
    json!({"_index": INDEX, "_id": format!("d{i}"), "_score": null,
           "_source": {"@timestamp": ts, "message": message},
           "sort": [1_764_324_000_000i64 + i as i64, i]})
}

fn es_fake(mode: Es) -> Server {
    Server::start(Arc::new(move |req: &Request, conn: &mut Conn| {
        let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
        let page = |from: usize, n: usize, len: usize| -> Vec<Value> {
            (from..from + n).map(|i| es_hit(i, len)).collect()
        };
        match (req.method.as_str(), req.path.as_str()) {
            ("GET", "/") => {
                let number = if mode == Es::ReplayScroll {
                    "6.8.23"
                } else {
                    "8.15.0"
                };
                conn.json(
                    200,
                    &json!({"name": "n1", "cluster_name": "c",
                    "version": {"number": number}, "tagline": "You Know, for Search"}),
                )
            }
            ("GET", p) if p == format!("/{INDEX}/_mapping") => conn.json(
                200,
                &json!({INDEX: {"mappings": {"properties": {
                    "@timestamp": {"type": "date"}, "message": {"type": "text"}}}}}),
            ),
            ("POST", p) if p == format!("/{INDEX}/_pit") => conn.json(200, &json!({"id": "pit-1"})),
            ("DELETE", "/_pit") => conn.json(200, &json!({"succeeded": true, "num_freed": 1})),
            ("POST", "/_search") => {
                let hits = match mode {
                    Es::BigPage if body["search_after"].is_null() => page(0, 1000, 12 << 10),
                    Es::BigPage => page(1000, 5, 12 << 10),
                    _ => page(0, 1000, 0),
                };
                conn.json(
                    200,
                    &json!({"pit_id": "pit-1", "took": 3, "timed_out": false,
                    "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
                    "hits": {"hits": hits}}),
                )
            }
            ("POST", p) if p == format!("/{INDEX}/_search") || p == "/_search/scroll" => conn.json(
                200,
                &json!({"_scroll_id": "scroll-1", "took": 3, "timed_out": false,
                    "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
                    "hits": {"hits": page(0, 1000, 0)}}),
            ),
            ("DELETE", "/_search/scroll") => conn.json(200, &json!({"succeeded": true})),
            _ => conn.json(404, &json!({"error": "no such endpoint in the fake"})),
        }
    }))
}

fn run_elastic(url: &str) -> common::Run {
    let dir = tempfile::tempdir().unwrap();
    casefile_env(
        dir.path(),
        &[
            "events",
            "--elastic",
            url,
            "--elastic-index",
            INDEX,
            "--since",
            SINCE,
            "--until",
            UNTIL,
            "--json",
        ],
        None,
        &[],
    )
}

fn paths(server: &Server) -> Vec<String> {
    server
        .recorded()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

// Issue 17: a server that answers the same page again was asked 3,868 times in 100 s.
#[test]
fn elastic_same_page_again_is_detected_pit() {
    let fake = es_fake(Es::ReplayPit);
    let r = run_elastic(&fake.url);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(r.json_lines().len(), 1000, "the first page is kept");
    assert!(
        r.stderr.contains(
            "incomplete: the engine answered the same page again (same hits for the next \
             search_after request), so paging would never end; casefile stopped after 1 page(s)"
        ),
        "{}",
        r.stderr
    );
    assert_eq!(
        paths(&fake),
        [
            "GET /",
            "GET /logs-b/_mapping",
            "POST /logs-b/_pit",
            "POST /_search",
            "POST /_search",
            "DELETE /_pit"
        ]
    );
}

#[test]
fn elastic_same_page_again_is_detected_scroll() {
    let fake = es_fake(Es::ReplayScroll);
    let r = run_elastic(&fake.url);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(r.json_lines().len(), 1000, "the first page is kept");
    assert!(
        r.stderr.contains(
            "the engine answered the same page again (same hits for the next scroll request)"
        ),
        "{}",
        r.stderr
    );
    assert_eq!(
        paths(&fake),
        [
            "GET /",
            "GET /logs-b/_mapping",
            "POST /logs-b/_search",
            "POST /_search/scroll",
            "DELETE /_search/scroll"
        ]
    );
}

// Issue 17: a page over 10 MB gave 0 records ("response too big").
#[test]
fn elastic_page_over_10_mb_is_read() {
    let fake = es_fake(Es::BigPage);
    let r = run_elastic(&fake.url);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let events = r.json_lines();
    assert_eq!(events.len(), 1005, "{}", r.stderr);
    assert_eq!(
        events
            .iter()
            .filter(|e| e["raw"].as_str().unwrap().len() == 12 << 10)
            .count(),
        1005
    );
    let searches: Vec<_> = fake
        .recorded()
        .into_iter()
        .filter(|q| q.path == "/_search")
        .collect();
    assert_eq!(searches.len(), 2);
    let first_page = es_hit(0, 12 << 10).to_string().len() * 1000;
    assert!(first_page > 10_000_000, "{first_page}");
    assert!(r.stderr.contains(": 1005 record(s) in "), "{}", r.stderr);
    assert!(!r.stderr.contains("incomplete"), "{}", r.stderr);
}
