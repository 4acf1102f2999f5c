//! An Elasticsearch 8 cluster that pages with a point in time and `search_after`, and that
//! fails the way real clusters and the proxies in front of them do: an answer with
//! `"timed_out": true`, `502 Bad Gateway` and `504 Gateway Timeout` from a proxy, a connection
//! closed in the middle of an answer, one closed before any answer. The API emulators cannot
//! do any of this, so a fake on 127.0.0.1 answers in Elasticsearch's documented wire format
//! (`GET /`, `GET /<index>/_mapping`, `POST /<index>/_pit?keep_alive=`, `POST /_search` with
//! `pit` + `sort` + `search_after`, `DELETE /_pit`), evaluates the `@timestamp` range and
//! pages by the `size` it is asked for. Every fault is checked by the requests the fake saw.

mod common;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use serde_json::{json, Value};

use common::casefile_env;
use common::fake_http::{Conn, Recorded, Request, Server};

const INDEX: &str = "logs-app";
const PIT_ID: &str = "46ToAwMDaWR5BXV1aWQyKwZub2RlXzMAAAAAAAAAACoBYwADaWR4BXV1aWQxAgZub2RlXzEAAAAAAAAAAAEBYQADaWR5BXV1aWQyKgZub2RlXzIAAAAAAAAAAAwBYgACBXV1aWQyAAAFdXVpZDEAAQltYXRjaF9hbGw_gAAAAA==";
/// Documents in the fake's index: three pages of casefile's 1,000, the last one short.
const DOCS: usize = 2_345;
const SINCE: &str = "2026-11-28T09:00:00Z";
const UNTIL: &str = "2026-11-28T11:00:00Z";

/// What the fake does with the n-th `POST /_search` (from 0); answers normally past the end.
#[derive(Clone, Copy, Debug)]
enum Fault {
    Answer,
    /// A proxy's error page with this status (502, 504).
    Proxy(u16),
    /// The answer's head and half its body, then the socket is closed.
    CutMidAnswer,
    /// The socket is closed once the request is read, before any answer.
    CloseBeforeAnswer,
    /// The engine gave up before every shard answered: `"timed_out": true` with what it had.
    TimedOut,
}

/// The index: three documents per millisecond from 10:00:00, so ties on `@timestamp` fall
/// across page boundaries and only the `_shard_doc` tiebreaker keeps them apart.
fn doc_time(i: usize) -> Timestamp {
    let start: Timestamp = "2026-11-28T10:00:00Z".parse().unwrap();
    start + SignedDuration::from_millis((i / 3) as i64)
}

fn hit(i: usize) -> Value {
    let ts = doc_time(i);
    json!({"_index": INDEX, "_id": format!("d{i}"), "_score": null,
           "_source": {"@timestamp": ts.to_string(),
                       "message": format!("{ts} INFO heartbeat seq={i}"),
                       "service": {"name": "gateway"}},
           "sort": [ts.as_millisecond(), i]})
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

fn error(conn: &mut Conn, status: u16, kind: &str, reason: &str) {
    conn.json(
        status,
        &json!({"error": {"root_cause": [{"type": kind, "reason": reason}],
                          "type": kind, "reason": reason}, "status": status}),
    );
}

/// One page of a point-in-time search, as Elasticsearch 8 answers it.
fn search(req: &Request, timed_out: bool) -> Result<Value, (u16, &'static str, String)> {
    let body: Value = serde_json::from_slice(&req.body).map_err(|e| {
        (
            400,
            "parse_exception",
            format!("request body is not JSON: {e}"),
        )
    })?;
    if body["pit"]["id"] != PIT_ID {
        return Err((
            404,
            "search_context_missing_exception",
            "No search context found for id".into(),
        ));
    }
    let sort = json!([{"@timestamp": {"order": "asc"}}, {"_shard_doc": "asc"}]);
    if body["sort"] != sort {
        return Err((
            400,
            "illegal_argument_exception",
            format!("the fake sorts only by {sort}, not {}", body["sort"]),
        ));
    }
    let (gte, lt) = time_range(&body["query"]);
    let after = match &body["search_after"] {
        Value::Null => None,
        Value::Array(a) if a.len() == 2 => Some((a[0].as_i64().unwrap(), a[1].as_u64().unwrap())),
        other => {
            return Err((
                400,
                "illegal_argument_exception",
                format!("search_after {other}"),
            ))
        }
    };
    let size = body["size"].as_u64().unwrap_or(10) as usize;
    let hits: Vec<Value> = (0..DOCS)
        .filter(|&i| (gte..lt).contains(&doc_time(i)))
        .filter(|&i| after.is_none_or(|a| (doc_time(i).as_millisecond(), i as u64) > a))
        .take(if timed_out { size / 2 } else { size })
        .map(hit)
        .collect();
    Ok(json!({"pit_id": PIT_ID, "took": 4, "timed_out": timed_out,
              "_shards": {"total": 3, "successful": 3, "skipped": 0, "failed": 0},
              "hits": {"max_score": null, "hits": hits}}))
}

/// An Elasticsearch 8.15 cluster whose n-th search meets `faults[n]`.
fn cluster(faults: &[Fault]) -> Server {
    let faults = faults.to_vec();
    let searches = Arc::new(AtomicUsize::new(0));
    Server::start(Arc::new(move |req: &Request, conn: &mut Conn| {
        match (req.method.as_str(), req.path.as_str()) {
            ("GET", "/") => conn.json(
                200,
                &json!({"name": "es-1", "cluster_name": "prod", "cluster_uuid": "u1",
                        "version": {"number": "8.15.3", "build_flavor": "default",
                                    "lucene_version": "9.11.1"},
                        "tagline": "You Know, for Search"}),
            ),
            ("GET", "/logs-*/_mapping") => conn.json(
                200,
                &json!({INDEX: {"mappings": {"properties": {
                    "@timestamp": {"type": "date"},
                    "message": {"type": "text"},
                    "service": {"properties": {"name": {"type": "keyword"}}}}}}}),
            ),
            ("POST", "/logs-*/_pit") => conn.json(200, &json!({"id": PIT_ID})),
            ("DELETE", "/_pit") => conn.json(200, &json!({"succeeded": true, "num_freed": 1})),
            ("POST", "/_search") => {
                let n = searches.fetch_add(1, Ordering::SeqCst);
                let fault = faults.get(n).copied().unwrap_or(Fault::Answer);
                match fault {
                    Fault::Proxy(code) => {
                        let reason = common::fake_http::reason(code);
                        let page = format!(
                            "<html>\r\n<head><title>{code} {reason}</title></head>\r\n<body>\r\n\
                             <center><h1>{code} {reason}</h1></center>\r\n\
                             <hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
                        );
                        conn.respond(code, &[("Content-Type", "text/html")], page.as_bytes());
                    }
                    Fault::CloseBeforeAnswer => conn.cut(),
                    _ => match search(req, matches!(fault, Fault::TimedOut)) {
                        Ok(v) => {
                            let body = v.to_string();
                            let headers = [("Content-Type", "application/json")];
                            if matches!(fault, Fault::CutMidAnswer) {
                                conn.respond_cut(200, &headers, body.as_bytes(), body.len() / 2);
                            } else {
                                conn.respond(200, &headers, body.as_bytes());
                            }
                        }
                        Err((status, kind, reason)) => error(conn, status, kind, &reason),
                    },
                }
            }
            _ => error(
                conn,
                400,
                "illegal_argument_exception",
                &format!(
                    "no handler found for uri [{}] and method [{}]",
                    req.path, req.method
                ),
            ),
        }
    }))
}

/// `casefile events --elastic URL --elastic-index logs-* --since .. --until .. --json [extra]`.
fn events(server: &Server, extra: &[&str]) -> common::Run {
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec![
        "events",
        "--elastic",
        &server.url,
        "--elastic-index",
        "logs-*",
        "--since",
        SINCE,
        "--until",
        UNTIL,
        "--json",
    ];
    args.extend_from_slice(extra);
    casefile_env(dir.path(), &args, None, &[])
}

fn searches(reqs: &[Recorded]) -> Vec<&Recorded> {
    reqs.iter()
        .filter(|q| q.method == "POST" && q.path == "/_search")
        .collect()
}

fn body(q: &Recorded) -> Value {
    serde_json::from_slice(&q.body).unwrap()
}

/// The one summary line for the source.
fn summary(server: &Server, stderr: &str) -> String {
    let head = format!("casefile: elastic {} (logs-*): ", server.url);
    stderr
        .lines()
        .find(|l| l.starts_with(&head) && l.contains(" record(s) in "))
        .unwrap_or_else(|| panic!("no summary line {head:?} in:\n{stderr}"))
        .to_string()
}

/// Every document once, in time order, and the point in time closed at the end.
fn assert_all_documents(r: &common::Run, reqs: &[Recorded]) {
    assert_eq!(r.code, 0, "{}", r.stderr);
    let evs = r.json_lines();
    let ids: BTreeSet<&str> = evs.iter().map(|e| e["source"].as_str().unwrap()).collect();
    assert_eq!(evs.len(), DOCS, "{}", r.stderr);
    assert_eq!(ids.len(), DOCS, "every document once");
    let times: Vec<&str> = evs.iter().map(|e| e["ts"].as_str().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "in time order");
    let last = reqs.last().unwrap();
    assert_eq!(
        (last.method.as_str(), last.path.as_str()),
        ("DELETE", "/_pit")
    );
    assert_eq!(body(last), json!({"id": PIT_ID}));
}

#[test]
fn point_in_time_pages_past_one_page_with_search_after() {
    let es = cluster(&[]);
    let r = events(&es, &[]);
    let reqs = es.recorded();
    assert_all_documents(&r, &reqs);
    let calls: Vec<(&str, &str)> = reqs
        .iter()
        .map(|q| (q.method.as_str(), q.path.as_str()))
        .collect();
    assert_eq!(
        calls,
        [
            ("GET", "/"),
            ("GET", "/logs-*/_mapping"),
            ("POST", "/logs-*/_pit"),
            ("POST", "/_search"),
            ("POST", "/_search"),
            ("POST", "/_search"),
            ("DELETE", "/_pit"),
        ],
        "three pages of 1,000: 1,000 + 1,000 + 345"
    );
    assert_eq!(
        reqs[2].query,
        [("keep_alive".to_string(), "2m".to_string())]
    );
    let pages: Vec<Value> = searches(&reqs).into_iter().map(body).collect();
    for p in &pages {
        assert_eq!(p["size"], 1000, "casefile's page size");
        assert_eq!(p["pit"], json!({"id": PIT_ID, "keep_alive": "2m"}));
    }
    // Each page starts after the last hit of the one before, by its sort values; documents
    // 999 and 1000 share a millisecond, so only `_shard_doc` tells them apart.
    assert_eq!(pages[0].get("search_after"), None);
    assert_eq!(pages[1]["search_after"], hit(999)["sort"]);
    assert_eq!(pages[2]["search_after"], hit(1999)["sort"]);
    assert_eq!(
        summary(&es, &r.stderr),
        format!(
            "casefile: elastic {} (logs-*): {DOCS} record(s) in 7 queries, complete",
            es.url
        )
    );
}

#[test]
fn timed_out_answer_is_incomplete_and_keeps_the_pages_before() {
    let es = cluster(&[Fault::Answer, Fault::TimedOut]);
    let r = events(&es, &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("incomplete: the search timed out on the engine"),
        "{}",
        r.stderr
    );
    assert!(summary(&es, &r.stderr).ends_with(", INCOMPLETE (see below)"));
    assert_eq!(r.json_lines().len(), 1000, "the first page is kept");
    let reqs = es.recorded();
    assert_eq!(searches(&reqs).len(), 2, "no page is asked for after it");
    let last = reqs.last().unwrap();
    assert_eq!(
        (last.method.as_str(), last.path.as_str()),
        ("DELETE", "/_pit"),
        "the point in time is closed all the same"
    );
}

/// A proxy's error status on the second page: retried once, the same page again.
fn proxy_error_is_retried(code: u16) {
    let es = cluster(&[Fault::Answer, Fault::Proxy(code)]);
    let r = events(&es, &[]);
    let reqs = es.recorded();
    assert_all_documents(&r, &reqs);
    let s = searches(&reqs);
    let statuses: Vec<u16> = s.iter().map(|q| q.status).collect();
    assert_eq!(statuses, [200, code, 200, 200]);
    assert_eq!(body(s[1]), body(s[2]), "the same page is asked for again");
    assert!(
        r.stderr.contains(&format!("HTTP {code}")) && r.stderr.contains("retrying in"),
        "{}",
        r.stderr
    );
    assert_eq!(
        summary(&es, &r.stderr),
        format!(
            "casefile: elastic {} (logs-*): {DOCS} record(s) in 7 queries (1 retried), complete",
            es.url
        )
    );
}

#[test]
fn bad_gateway_502_is_retried() {
    proxy_error_is_retried(502);
}

#[test]
fn gateway_timeout_504_is_retried() {
    proxy_error_is_retried(504);
}

#[test]
fn connection_dropped_mid_answer_is_retried() {
    let es = cluster(&[Fault::Answer, Fault::CutMidAnswer]);
    let r = events(&es, &[]);
    let reqs = es.recorded();
    assert_all_documents(&r, &reqs);
    let s = searches(&reqs);
    assert_eq!(s.len(), 4, "three pages, the second one twice");
    assert_eq!(body(s[1]), body(s[2]), "the same page is asked for again");
    assert!(r.stderr.contains("retrying in"), "{}", r.stderr);
    assert!(
        summary(&es, &r.stderr).ends_with("(1 retried), complete"),
        "{}",
        r.stderr
    );
}

#[test]
fn connection_closed_before_the_answer_is_retried() {
    let es = cluster(&[Fault::CloseBeforeAnswer]);
    let r = events(&es, &[]);
    let reqs = es.recorded();
    assert_all_documents(&r, &reqs);
    let s = searches(&reqs);
    assert_eq!(s.len(), 4, "three pages, the first one twice");
    assert_eq!(s[0].status, 0, "closed before a status line");
    assert_eq!(body(s[0]), body(s[1]));
    assert!(
        summary(&es, &r.stderr).ends_with("(1 retried), complete"),
        "{}",
        r.stderr
    );
}

#[test]
fn retries_stop_after_the_retries_flag() {
    let es = cluster(&[Fault::Proxy(502); 10]);
    let r = events(&es, &["--retries", "2"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    let reqs = es.recorded();
    let statuses: Vec<u16> = searches(&reqs).iter().map(|q| q.status).collect();
    assert_eq!(statuses, [502, 502, 502], "the first try and 2 retries");
    assert!(
        r.stderr.contains(
            "searching failed HTTP 502 (busy): the engine still refused after the retries"
        ),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("raise --retries"), "{}", r.stderr);
    let last = reqs.last().unwrap();
    assert_eq!(
        (last.method.as_str(), last.path.as_str()),
        ("DELETE", "/_pit")
    );
}
