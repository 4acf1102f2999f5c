//! Elasticsearch behaviour the API emulators cannot show: an older cluster (6.8, no point in
//! time, typed mappings) paged with scroll, authentication (API key, basic) and its 401, shard
//! failures, throttling. A small fake on 127.0.0.1 answers in Elasticsearch's documented wire
//! format (`GET /`, `GET /<index>/_mapping`, `POST /<index>/_search?scroll=`,
//! `POST /_search/scroll`, `DELETE /_search/scroll`), evaluates the ids and the `@timestamp`
//! range of the query it gets, and pages by the `size` it is asked for (10 when none is given,
//! as Elasticsearch does).

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use jiff::Timestamp;
use serde_json::{json, Value};

use common::casefile_env;
use common::fake_http::{Conn, Request, Server};

const KEY: &str = "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==";
const INDEX: &str = "logs-legacy";

/// Documents: request R's gateway line names trace T; T's payments lines do not name R. Then
/// `filler` heartbeat lines naming no id, one per millisecond from 10:00:02.
fn docs(filler: usize) -> Vec<Value> {
    let mk = |id: &str, ts: &str, msg: &str, svc: &str| {
        json!({"_index": INDEX, "_type": "_doc", "_id": id, "_score": null,
               "_source": {"@timestamp": ts, "message": msg, "service": {"name": svc},
                           "host": {"name": "node-1"}}})
    };
    let mut docs = vec![
        mk(
            "1",
            "2026-11-28T10:00:00.000Z",
            "2026-11-28T10:00:00.000Z INFO routing POST /orders request_id=req-7f3a9c trace_id=tr9b2e77d1",
            "gateway",
        ),
        mk(
            "2",
            "2026-11-28T10:00:00.100Z",
            "2026-11-28T10:00:00.100Z ERROR charge failed trace_id=tr9b2e77d1",
            "payments",
        ),
        mk(
            "3",
            "2026-11-28T10:00:00.200Z",
            "2026-11-28T10:00:00.200Z WARN retrying charge trace_id=tr9b2e77d1",
            "payments",
        ),
        mk(
            "4",
            "2026-11-28T10:00:01.000Z",
            "2026-11-28T10:00:01.000Z INFO unrelated request_id=req-000000",
            "gateway",
        ),
    ];
    let start: Timestamp = "2026-11-28T10:00:02Z".parse().unwrap();
    for i in 0..filler {
        let ts = (start + jiff::SignedDuration::from_millis(i as i64)).to_string();
        docs.push(mk(
            &format!("hb-{i}"),
            &ts,
            &format!("{ts} INFO heartbeat seq={i}"),
            "gateway",
        ));
    }
    docs
}

/// The `gte`/`lt` bounds of the query's `range` on `@timestamp`.
fn time_range(query: &Value) -> (Timestamp, Timestamp) {
    fn find(v: &Value) -> Option<&Value> {
        match v {
            Value::Object(m) => m
                .get("range")
                .and_then(|r| r.get("@timestamp"))
                .or_else(|| m.values().find_map(find)),
            Value::Array(a) => a.iter().find_map(find),
            _ => None,
        }
    }
    let r = find(query).unwrap_or_else(|| panic!("no range on @timestamp in {query}"));
    let bound = |k: &str| -> Timestamp {
        r[k].as_str()
            .and_then(|t| t.parse().ok())
            .unwrap_or_else(|| panic!("range {k}: {r}"))
    };
    (bound("gte"), bound("lt"))
}

/// Every string in the query that casefile built (terms values, match_phrase, prefix values).
fn query_terms(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("gte" | "lt" | "format", _) => {}
                    (_, Value::String(s)) => out.push(s.trim_matches('*').to_string()),
                    _ => query_terms(x, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| query_terms(x, out)),
        _ => {}
    }
}

#[derive(Clone, Copy, Default)]
struct Behaviour {
    shard_failure: bool,
    throttle_first: usize,
    /// Heartbeat documents besides the four of the request (see [`docs`]).
    filler: usize,
}

/// An Elasticsearch 6.8 cluster that wants `Authorization: ApiKey KEY` or basic `elastic:pw`.
fn legacy_es(b: Behaviour) -> Server {
    let throttled = Arc::new(AtomicUsize::new(0));
    // The open scroll: the hits not sent yet, and the page size.
    let scroll: Arc<std::sync::Mutex<(Vec<Value>, usize)>> = Arc::default();
    Server::start(Arc::new(move |req: &Request, conn: &mut Conn| {
        let auth = req.header("authorization").unwrap_or("");
        if auth != format!("ApiKey {KEY}") && auth != "Basic ZWxhc3RpYzpwdw==" {
            let reason = format!(
                "missing authentication credentials for REST request [{}]",
                req.path
            );
            conn.respond(
                401,
                &[
                    ("content-type", "application/json"),
                    (
                        "www-authenticate",
                        "Basic realm=\"security\" charset=\"UTF-8\"",
                    ),
                    ("www-authenticate", "ApiKey"),
                ],
                json!({"error": {"root_cause": [{"type": "security_exception", "reason": reason}],
                                 "type": "security_exception", "reason": reason}, "status": 401})
                .to_string()
                .as_bytes(),
            );
            return;
        }
        match (req.method.as_str(), req.path.as_str()) {
            ("GET", "/") => conn.json(
                200,
                &json!({"name": "es-1", "cluster_name": "legacy", "cluster_uuid": "u1",
                        "version": {"number": "6.8.23", "build_flavor": "default",
                                    "lucene_version": "7.7.3"},
                        "tagline": "You Know, for Search"}),
            ),
            ("GET", p) if p == format!("/{INDEX}/_mapping") || p == "/logs-%2A/_mapping" || p == "/logs-*/_mapping" => conn.json(
                200,
                &json!({INDEX: {"mappings": {"_doc": {"properties": {
                    "@timestamp": {"type": "date"},
                    "message": {"type": "text"},
                    "service": {"properties": {"name": {"type": "keyword"}}},
                    "host": {"properties": {"name": {"type": "keyword"}}}}}}}}),
            ),
            ("POST", p) if p.ends_with("/_search") && req.query.iter().any(|(k, _)| k == "scroll") => {
                if throttled.fetch_add(1, Ordering::SeqCst) < b.throttle_first {
                    conn.respond(
                        429,
                        &[("content-type", "application/json"), ("retry-after", "1")],
                        br#"{"error":{"type":"es_rejected_execution_exception","reason":"rejected execution"},"status":429}"#,
                    );
                    return;
                }
                let body: Value = serde_json::from_slice(&req.body).unwrap_or(Value::Null);
                let mut terms = Vec::new();
                query_terms(&body["query"], &mut terms);
                terms.retain(|t| !t.is_empty());
                let (gte, lt) = time_range(&body["query"]);
                let hits: Vec<Value> = docs(b.filler)
                    .into_iter()
                    .filter(|d| {
                        let m = d["_source"]["message"].as_str().unwrap();
                        let ts: Timestamp =
                            d["_source"]["@timestamp"].as_str().unwrap().parse().unwrap();
                        (gte..lt).contains(&ts)
                            && (terms.is_empty() || terms.iter().any(|t| m.contains(t.as_str())))
                    })
                    .collect();
                let size = body["size"].as_u64().unwrap_or(10) as usize;
                let mut open = scroll.lock().unwrap();
                *open = (hits.clone(), size);
                let n = size.min(open.0.len());
                let first: Vec<Value> = open.0.drain(..n).collect();
                let shards = if b.shard_failure {
                    json!({"total": 5, "successful": 4, "skipped": 0, "failed": 1, "failures": [
                        {"shard": 3, "index": INDEX, "node": "n2",
                         "reason": {"type": "node_not_connected_exception",
                                    "reason": "[n2][10.0.0.2:9300] Node not connected"}}]})
                } else {
                    json!({"total": 5, "successful": 5, "skipped": 0, "failed": 0})
                };
                conn.json(
                    200,
                    &json!({"_scroll_id": "c2Nyb2xsLTE=", "took": 3, "timed_out": false,
                            "_shards": shards,
                            "hits": {"total": hits.len(), "max_score": null, "hits": first}}),
                );
            }
            ("POST", "/_search/scroll") => {
                let mut open = scroll.lock().unwrap();
                let n = open.1.min(open.0.len());
                let next: Vec<Value> = open.0.drain(..n).collect();
                conn.json(
                    200,
                    &json!({"_scroll_id": "c2Nyb2xsLTE=", "took": 1, "timed_out": false,
                            "_shards": {"total": 5, "successful": 5, "skipped": 0, "failed": 0},
                            "hits": {"total": 0, "max_score": null, "hits": next}}),
                );
            }
            ("DELETE", "/_search/scroll") => conn.json(200, &json!({"succeeded": true, "num_freed": 1})),
            _ => conn.json(
                400,
                &json!({"error": {"type": "illegal_argument_exception",
                                  "reason": format!("no handler found for uri [{}] and method [{}]", req.path, req.method)},
                        "status": 400}),
            ),
        }
    }))
}

fn trace(server: &Server, env: &[(&str, &str)]) -> common::Run {
    let dir = tempfile::tempdir().unwrap();
    casefile_env(
        dir.path(),
        &[
            "trace",
            "req-7f3a9c",
            "--elastic",
            &server.url,
            "--elastic-index",
            "logs-*",
            "--since",
            "2026-11-28T09:00:00Z",
            "--until",
            "2026-11-28T11:00:00Z",
            "--retries",
            "2",
            "--json",
        ],
        None,
        env,
    )
}

#[test]
fn old_cluster_is_paged_with_scroll_and_ids_are_followed() {
    let es = legacy_es(Behaviour::default());
    let r = trace(&es, &[("CASEFILE_ELASTIC_API_KEY", KEY)]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let evs = r.json_lines();
    let sources: Vec<&str> = evs.iter().map(|e| e["source"].as_str().unwrap()).collect();
    assert_eq!(
        sources,
        [
            "elastic://logs-legacy/1",
            "elastic://logs-legacy/2",
            "elastic://logs-legacy/3"
        ],
        "the trace id named by the gateway line brings in the payments lines"
    );
    assert!(evs
        .iter()
        .all(|e| e["line"].is_null() && e["host"] == "node-1"));
    assert_eq!(evs[1]["service"], "payments");
    assert_eq!(evs[1]["level"], "error");
    let reqs = es.recorded();
    assert!(
        reqs.iter()
            .all(|q| q.header("authorization") == Some(&format!("ApiKey {KEY}")[..])),
        "every request carries the API key"
    );
    assert!(!reqs
        .iter()
        .any(|q| q.path.contains("_pit") || q.path.contains("point_in_time")));
    let count = |method: &str, path: &str| {
        reqs.iter()
            .filter(|q| q.method == method && q.path == path)
            .count()
    };
    let searches = count("POST", "/logs-%2A/_search") + count("POST", "/logs-*/_search");
    assert_eq!(
        searches, 2,
        "one search per round: the request id, then the trace id"
    );
    assert_eq!(
        count("POST", "/_search/scroll"),
        2,
        "each round's hits fit one page; one scroll more finds it empty"
    );
    assert_eq!(
        count("DELETE", "/_search/scroll"),
        2,
        "each scroll is released"
    );
    assert!(!r.stdout.contains(KEY) && !r.stderr.contains(KEY));
}

#[test]
fn basic_auth_from_user_and_password() {
    let es = legacy_es(Behaviour::default());
    let r = trace(
        &es,
        &[
            ("CASEFILE_ELASTIC_USER", "elastic"),
            ("CASEFILE_ELASTIC_PASSWORD", "pw"),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        es.recorded()[0].header("authorization"),
        Some("Basic ZWxhc3RpYzpwdw==")
    );
}

#[test]
fn refused_key_says_which_variable_and_hides_it() {
    let es = legacy_es(Behaviour::default());
    let r = trace(&es, &[("CASEFILE_ELASTIC_API_KEY", "d3Jvbmc6a2V5LXZhbHVl")]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("HTTP 401"), "{}", r.stderr);
    assert!(
        r.stderr.contains("CASEFILE_ELASTIC_API_KEY"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("security_exception"), "{}", r.stderr);
    assert!(!r.stderr.contains("d3Jvbmc6a2V5LXZhbHVl"), "{}", r.stderr);
    assert_eq!(es.recorded().len(), 1, "a 401 is not retried");
}

#[test]
fn failed_shards_make_the_result_incomplete() {
    let es = legacy_es(Behaviour {
        shard_failure: true,
        ..Default::default()
    });
    let r = trace(&es, &[("CASEFILE_ELASTIC_API_KEY", KEY)]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("incomplete"), "{}", r.stderr);
    assert!(r.stderr.contains("1 of 5 shards failed"), "{}", r.stderr);
    assert!(r.stderr.contains("Node not connected"), "{}", r.stderr);
    assert!(r.stderr.contains("INCOMPLETE"), "{}", r.stderr);
}

#[test]
fn throttled_search_is_retried() {
    let es = legacy_es(Behaviour {
        throttle_first: 1,
        ..Default::default()
    });
    let r = trace(&es, &[("CASEFILE_ELASTIC_API_KEY", KEY)]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json_lines().len(), 3);
    assert!(r.stderr.contains("HTTP 429"), "{}", r.stderr);
    assert!(r.stderr.contains("1 retried"), "{}", r.stderr);
}

/// Paging past one page with scroll: 2,504 documents in the range, asked for in pages of
/// casefile's size (1,000): one search, then scrolls until a page comes back empty
/// (1,000 + 1,000 + 504 + 0), then the scroll is released. Every document comes once.
#[test]
fn events_are_scrolled_past_one_page() {
    let es = legacy_es(Behaviour {
        filler: 2_500,
        ..Default::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let r = casefile_env(
        dir.path(),
        &[
            "events",
            "--elastic",
            &es.url,
            "--elastic-index",
            "logs-*",
            "--since",
            "2026-11-28T09:00:00Z",
            "--until",
            "2026-11-28T11:00:00Z",
            "--json",
        ],
        None,
        &[("CASEFILE_ELASTIC_API_KEY", KEY)],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let evs = r.json_lines();
    let sources: std::collections::BTreeSet<&str> =
        evs.iter().map(|e| e["source"].as_str().unwrap()).collect();
    assert_eq!(evs.len(), 2_504);
    assert_eq!(sources.len(), 2_504, "every document once");
    assert!(sources.contains("elastic://logs-legacy/hb-2499"));
    let reqs = es.recorded();
    let searches: Vec<_> = reqs
        .iter()
        .filter(|q| q.method == "POST" && q.path.ends_with("/_search"))
        .collect();
    assert_eq!(searches.len(), 1, "one query, no ids");
    let body: Value = serde_json::from_slice(&searches[0].body).unwrap();
    assert_eq!(body["size"], 1000, "casefile's page size");
    let scrolls: Vec<Value> = reqs
        .iter()
        .filter(|q| q.method == "POST" && q.path == "/_search/scroll")
        .map(|q| serde_json::from_slice(&q.body).unwrap())
        .collect();
    assert_eq!(scrolls.len(), 3, "1,000 + 1,000 + 504 + an empty page");
    assert!(
        scrolls
            .iter()
            .all(|b| b["scroll_id"] == "c2Nyb2xsLTE=" && b["scroll"] == "2m"),
        "{scrolls:?}"
    );
    let released = reqs
        .iter()
        .filter(|q| q.method == "DELETE" && q.path == "/_search/scroll")
        .count();
    assert_eq!(released, 1);
    assert!(
        r.stderr
            .lines()
            .any(|l| l.ends_with("(logs-*): 2504 record(s) in 7 queries, complete")),
        "GET /, the mapping, the search, 3 scrolls, the release:\n{}",
        r.stderr
    );
}
