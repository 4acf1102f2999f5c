//! Elasticsearch and OpenSearch as trace sources, against real local servers: noida-db (the
//! Elasticsearch 8 API) and osmem-server (OpenSearch 3). The checkout scenario is shipped into
//! an index the way Filebeat would, and `casefile trace --elastic` must find every record that
//! `truth.json` expects, compared by raw text. What differs between the two engines is checked
//! in `check_engine`; the rest is shared. Server notes: tests/ELASTIC_SERVERS.md.

mod common;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use jiff::{Timestamp, ToSpan};
use serde_json::{json, Value};

use common::elastic::{scenario_records, Engine, EngineServer};
use common::*;

/// The index the scenario is shipped into, and the pattern `casefile` is given.
const INDEX: &str = "logs-checkout";
const PATTERN: &str = "logs-*";

fn scenario() -> PathBuf {
    fixtures().join("checkout")
}

/// A server holding a scenario, the records that went in, and a time range around them.
struct Shipped {
    server: EngineServer,
    records: Vec<Value>,
    since: String,
    until: String,
}

fn shipped(engine: Engine, scenario_dir: &Path) -> Shipped {
    let server = EngineServer::start(engine);
    let indexed = server.index_scenario(INDEX, scenario_dir);
    let records = scenario_records(scenario_dir);
    assert_eq!(indexed, records.len());
    check_engine(&server);
    let times: Vec<Timestamp> = records
        .iter()
        .filter_map(|r| r["ts"].as_str())
        .map(|t| t.parse().unwrap_or_else(|e| panic!("ts {t}: {e}")))
        .collect();
    let since = (*times.iter().min().unwrap() - 1.hour()).to_string();
    let until = (*times.iter().max().unwrap() + 1.hour()).to_string();
    Shipped {
        server,
        records,
        since,
        until,
    }
}

/// What the client relies on, per engine: the product `GET /` reports, the point-in-time API
/// (`/_pit` returning `id` on Elasticsearch, `/_search/point_in_time` returning `pit_id` on
/// OpenSearch), and an index that holds both dotted and nested ECS documents. A failure here
/// means the test server changed, not casefile.
fn check_engine(server: &EngineServer) {
    let root = server.ok("GET", "/", None);
    let pit_path = format!("/{INDEX}/_pit?keep_alive=1m");
    let os_pit_path = format!("/{INDEX}/_search/point_in_time?keep_alive=1m");
    match server.engine {
        Engine::Elasticsearch => {
            let version = root["version"]["number"].as_str().unwrap_or("");
            assert!(version.starts_with("8."), "not Elasticsearch 8: {root}");
            let pit = server.ok("POST", &pit_path, None);
            let id = pit["id"].as_str().expect("Elasticsearch PIT id");
            server.ok("DELETE", "/_pit", Some(&json!({ "id": id })));
        }
        Engine::OpenSearch => {
            assert_eq!(root["version"]["distribution"], "opensearch", "{root}");
            let pit = server.ok("POST", &os_pit_path, None);
            let id = pit["pit_id"].as_str().expect("OpenSearch pit_id");
            server.ok(
                "DELETE",
                "/_search/point_in_time",
                Some(&json!({ "pit_id": [id] })),
            );
        }
    }
    let first = server.ok("GET", &format!("/{INDEX}/_search?size=2&sort=_doc"), None);
    let sources: Vec<&Value> = first["hits"]["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| &h["_source"])
        .collect();
    assert!(
        sources.iter().any(|s| s.get("log.file.path").is_some())
            && sources.iter().any(|s| s["log"]["file"]["path"].is_string()),
        "expected one dotted and one nested document: {sources:?}"
    );
}

/// `casefile trace <id> [paths] --elastic <url> --elastic-index logs-* --since .. --until ..
/// --json`, run in the scenario directory.
fn trace(s: &Shipped, id: &str, paths: &[&str], index: &str) -> Run {
    let mut args = vec!["trace", id];
    args.extend_from_slice(paths);
    args.extend_from_slice(&["--elastic", &s.server.url, "--elastic-index", index]);
    args.extend_from_slice(&["--since", &s.since, "--until", &s.until, "--json"]);
    casefile(&scenario(), &args)
}

fn is_remote(e: &Value) -> bool {
    e["source"]
        .as_str()
        .is_some_and(|s| s.starts_with("elastic://"))
}

/// Remote events name their document, have no line, and none comes twice.
fn assert_remote_events(engine: Engine, id: &str, events: &[&Value]) {
    let prefix = format!("elastic://{INDEX}/");
    let mut seen = HashSet::new();
    for e in events {
        let source = e["source"].as_str().unwrap_or("");
        assert!(
            source.starts_with(&prefix),
            "{engine:?} {id}: source not under {prefix}: {e}"
        );
        assert!(e["line"].is_null(), "{engine:?} {id}: remote line: {e}");
        assert!(
            seen.insert((source, e["raw"].as_str())),
            "{engine:?} {id}: returned twice: {e}"
        );
    }
    let raws: HashSet<_> = events.iter().map(|e| e["raw"].as_str()).collect();
    assert_eq!(
        raws.len(),
        events.len(),
        "{engine:?} {id}: one record came back as two documents"
    );
}

fn acceptance(engine: Engine) {
    let s = shipped(engine, &scenario());
    let raw_at: HashMap<(&str, u64), &str> = s
        .records
        .iter()
        .map(|r| {
            let key = (r["source"].as_str().unwrap(), r["line"].as_u64().unwrap());
            (key, r["raw"].as_str().unwrap())
        })
        .collect();
    let truth: Value =
        serde_json::from_str(&std::fs::read_to_string(scenario().join("truth.json")).unwrap())
            .unwrap();
    let targets = truth["targets"].as_array().expect("truth targets");
    assert!(!targets.is_empty());
    for target in targets {
        let id = target["id"].as_str().unwrap();
        let run = trace(&s, id, &[], PATTERN);
        assert_eq!(
            run.code, 0,
            "{engine:?}: trace {id} exit code; stderr:\n{}",
            run.stderr
        );
        let events = run.json_lines();
        let remote: Vec<&Value> = events.iter().filter(|e| is_remote(e)).collect();
        assert_eq!(
            remote.len(),
            events.len(),
            "{engine:?} {id}: non-remote events"
        );
        assert_remote_events(engine, id, &remote);
        let found: HashSet<&str> = remote.iter().filter_map(|e| e["raw"].as_str()).collect();
        let missing: Vec<String> = target["expect"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| (x[0].as_str().unwrap(), x[1].as_u64().unwrap()))
            .filter(|key| {
                let raw = raw_at
                    .get(key)
                    .unwrap_or_else(|| panic!("truth names no record: {key:?}"));
                !found.contains(raw)
            })
            .map(|(p, l)| format!("  {p}:{l}: {}", raw_at[&(p, l)]))
            .collect();
        assert!(
            missing.is_empty(),
            "{engine:?}: trace {id} via {PATTERN} missed {} of {} expected records:\n{}\n\
             stderr:\n{}",
            missing.len(),
            target["expect"].as_array().unwrap().len(),
            missing.join("\n"),
            run.stderr
        );
    }
}

/// Files and the index in one command: the edge access log is read as a file, gateway and
/// payments come from the index; both kinds of event come back, merged in time order.
fn mixed_with_file(engine: Engine) {
    let part = tempfile::tempdir().unwrap();
    for f in ["logs/gateway/gateway.jsonl", "logs/payments/payments.log"] {
        std::fs::create_dir_all(part.path().join(f).parent().unwrap()).unwrap();
        std::fs::copy(scenario().join(f), part.path().join(f)).unwrap();
    }
    let s = shipped(engine, part.path());
    let id = "ee23490f28307d7b";
    let file = "logs/edge/access.log.1.gz";
    let run = trace(&s, id, &[file], PATTERN);
    assert_eq!(run.code, 0, "{engine:?}: stderr:\n{}", run.stderr);
    let events = run.json_lines();
    let (remote, local): (Vec<&Value>, Vec<&Value>) = events.iter().partition(|e| is_remote(e));
    assert_remote_events(engine, id, &remote);
    let gateway = s
        .records
        .iter()
        .find(|r| r["source"] == "logs/gateway/gateway.jsonl" && r["line"] == 597)
        .expect("gateway record 597");
    assert!(
        remote.iter().any(|e| e["raw"] == gateway["raw"]),
        "{engine:?}: gateway record not among the remote events:\n{}",
        run.stdout
    );
    assert!(
        local.iter().all(|e| e["source"] == file) && local.iter().any(|e| e["line"] == 597),
        "{engine:?}: expected {file}:597 and no other file:\n{}",
        run.stdout
    );
    let times: Vec<Timestamp> = events
        .iter()
        .filter_map(|e| e["ts"].as_str())
        .map(|t| t.parse().unwrap_or_else(|e| panic!("ts {t}: {e}")))
        .collect();
    assert_eq!(times.len(), events.len(), "{engine:?}: events without ts");
    let unordered = times.windows(2).position(|w| w[0] > w[1]);
    assert!(
        unordered.is_none(),
        "{engine:?}: not in time order at event {unordered:?}:\n{}",
        run.stdout
    );
}

/// A missing index is reported by name, with exit code 2.
fn missing_index(engine: Engine) {
    let server = EngineServer::start(engine);
    let s = Shipped {
        server,
        records: Vec::new(),
        since: "2026-11-28T21:00:00Z".into(),
        until: "2026-11-28T23:00:00Z".into(),
    };
    let run = trace(&s, "ee23490f28307d7b", &[], "no-such-index");
    assert_eq!(run.code, 2, "{engine:?}: stderr:\n{}", run.stderr);
    assert!(
        run.stderr.lines().any(|l| l.contains("no-such-index")),
        "{engine:?}: stderr does not name the index:\n{}",
        run.stderr
    );
}

#[test]
fn elasticsearch_trace_acceptance() {
    acceptance(Engine::Elasticsearch);
}

#[test]
fn opensearch_trace_acceptance() {
    acceptance(Engine::OpenSearch);
}

#[test]
fn elasticsearch_and_file_merge_in_time_order() {
    mixed_with_file(Engine::Elasticsearch);
}

#[test]
fn opensearch_and_file_merge_in_time_order() {
    mixed_with_file(Engine::OpenSearch);
}

#[test]
fn elasticsearch_missing_index_exits_2() {
    missing_index(Engine::Elasticsearch);
}

#[test]
fn opensearch_missing_index_exits_2() {
    missing_index(Engine::OpenSearch);
}
