//! Elasticsearch and OpenSearch as sources of `trace`, `events`, `cluster` and `bundle`, against
//! two API emulators (not the real engines): noida-db (the Elasticsearch 8 REST API) and
//! osmem-server (OpenSearch 3); tests/ELASTIC_SERVERS.md lists how they differ from the real
//! ones. The checkout scenario's raw files are shipped into an index the way Filebeat would
//! (`common::elastic::shipper_records`, which never runs casefile), each document's `_id` naming
//! its file and first line, so every remote event maps back to the `[source, line]` pairs of
//! `truth.json`: `trace` must find every expected record (recall 1.0) and little else
//! (precision >= 0.99), `events` must return exactly the truth window, and paging must bring
//! back every document of a range many pages long. One server per engine holds the scenario
//! for the whole test binary. What differs between the two engines is checked in
//! `check_engine`; the rest is shared.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use jiff::{Timestamp, ToSpan};
use serde_json::{json, Value};

use common::elastic::{Engine, EngineServer, ShippedRecord};
use common::*;

/// The index the scenario is shipped into, and the pattern `casefile` is given.
const INDEX: &str = "logs-checkout";
const PATTERN: &str = "logs-*";
/// casefile's page size for Elasticsearch/OpenSearch searches (`PAGE` in
/// src/remote/elastic.rs): the scenario is many pages long.
const PAGE: usize = 1000;

type Loc = (String, u64);

fn scenario() -> PathBuf {
    fixtures().join("checkout")
}

fn truth() -> Value {
    serde_json::from_str(&std::fs::read_to_string(scenario().join("truth.json")).unwrap()).unwrap()
}

fn locs(v: &Value) -> BTreeSet<Loc> {
    v.as_array()
        .expect("a list of [source, line]")
        .iter()
        .map(|p| (p[0].as_str().unwrap().to_string(), p[1].as_u64().unwrap()))
        .collect()
}

/// An index holding shipped records, and a time range around them.
struct Shipped {
    index: String,
    records: Vec<ShippedRecord>,
    /// `_id` -> position in `records`.
    by_id: HashMap<String, usize>,
    since: String,
    until: String,
}

impl Shipped {
    /// The record a remote event came from (by its `elastic://<index>/<_id>` source).
    fn record_of(&self, e: &Value) -> &ShippedRecord {
        let source = e["source"].as_str().unwrap_or("");
        let id = source
            .strip_prefix(&format!("elastic://{}/", self.index))
            .unwrap_or_else(|| panic!("not a document of {}: {e}", self.index));
        let i = self
            .by_id
            .get(id)
            .unwrap_or_else(|| panic!("no document {id} was shipped: {e}"));
        &self.records[*i]
    }

    /// The `[source, line]` of each remote event, checking on the way that each is a remote
    /// event with no line, carries its document's raw text (asked with `--no-redact`), and
    /// comes once.
    fn locs_of(&self, what: &str, events: &[Value]) -> BTreeSet<Loc> {
        self.locs_checked(what, events, true)
    }

    /// [`Self::locs_of`], without comparing the raw text when `raw` is false (a bundle's
    /// records are redacted).
    fn locs_checked(&self, what: &str, events: &[Value], raw: bool) -> BTreeSet<Loc> {
        let mut out = BTreeSet::new();
        for e in events {
            let r = self.record_of(e);
            assert!(e["line"].is_null(), "{what}: remote line: {e}");
            if raw {
                assert_eq!(
                    e["raw"].as_str(),
                    Some(r.raw.as_str()),
                    "{what}: raw of {}",
                    r.id
                );
            }
            assert!(
                out.insert((r.path.clone(), r.line)),
                "{what}: {} returned twice",
                r.id
            );
        }
        out
    }
}

fn ship(server: &EngineServer, index: &str, scenario_dir: &Path) -> Shipped {
    let records = server.index_scenario(index, scenario_dir);
    let by_id: HashMap<String, usize> = records
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.clone(), i))
        .collect();
    assert_eq!(by_id.len(), records.len(), "document ids are unique");
    let since = (records.iter().map(|r| r.timestamp).min().unwrap() - 1.hour()).to_string();
    let until = (records.iter().map(|r| r.timestamp).max().unwrap() + 1.hour()).to_string();
    Shipped {
        index: index.to_string(),
        records,
        by_id,
        since,
        until,
    }
}

/// The engine's server with the whole checkout scenario in [`INDEX`], started once per test
/// binary (its watcher stops it when the binary exits).
fn full(engine: Engine) -> &'static (EngineServer, Shipped) {
    static ES: OnceLock<(EngineServer, Shipped)> = OnceLock::new();
    static OS: OnceLock<(EngineServer, Shipped)> = OnceLock::new();
    let cell = match engine {
        Engine::Elasticsearch => &ES,
        Engine::OpenSearch => &OS,
    };
    cell.get_or_init(|| {
        let server = EngineServer::start(engine);
        let shipped = ship(&server, INDEX, &scenario());
        check_engine(&server);
        (server, shipped)
    })
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

/// `casefile <args> --elastic <url> --elastic-index <index> --since .. --until ..`, run in
/// `dir`.
fn remote(
    server: &EngineServer,
    dir: &Path,
    args: &[&str],
    index: &str,
    range: (&str, &str),
) -> Run {
    let mut all = args.to_vec();
    all.extend_from_slice(&["--elastic", &server.url, "--elastic-index", index]);
    all.extend_from_slice(&["--since", range.0, "--until", range.1]);
    casefile(dir, &all)
}

fn is_remote(e: &Value) -> bool {
    e["source"]
        .as_str()
        .is_some_and(|s| s.starts_with("elastic://"))
}

/// The one summary line casefile prints for the source.
fn summary(engine: Engine, server: &EngineServer, index: &str, stderr: &str) -> String {
    let head = format!("casefile: elastic {} ({index}): ", server.url);
    stderr
        .lines()
        .find(|l| l.starts_with(&head) && l.contains(" record(s) in "))
        .unwrap_or_else(|| panic!("{engine:?}: no summary line {head:?} in:\n{stderr}"))
        .to_string()
}

fn acceptance(engine: Engine) {
    let (server, s) = full(engine);
    let truth = truth();
    let targets = truth["targets"].as_array().expect("truth targets");
    assert!(!targets.is_empty());
    for target in targets {
        let id = target["id"].as_str().unwrap();
        let run = remote(
            server,
            &scenario(),
            &["trace", id, "--json", "--no-redact"],
            PATTERN,
            (&s.since, &s.until),
        );
        assert_eq!(
            run.code, 0,
            "{engine:?}: trace {id} exit code; stderr:\n{}",
            run.stderr
        );
        let events = run.json_lines();
        assert!(
            events.iter().all(is_remote),
            "{engine:?} {id}: non-remote events:\n{}",
            run.stdout
        );
        let got = s.locs_of(&format!("{engine:?} {id}"), &events);
        let want = locs(&target["expect"]);
        let missing: Vec<String> = want
            .difference(&got)
            .map(|(p, l)| {
                let raw = s
                    .records
                    .iter()
                    .find(|r| r.path == *p && r.line == *l)
                    .map_or("(no such record was shipped)", |r| r.raw.as_str());
                format!("  {p}:{l}: {raw}")
            })
            .collect();
        assert!(
            missing.is_empty(),
            "{engine:?}: trace {id} via {PATTERN} missed {} of {} expected records:\n{}\n\
             stderr:\n{}",
            missing.len(),
            want.len(),
            missing.join("\n"),
            run.stderr
        );
        let extra: Vec<&Loc> = got.difference(&want).collect();
        let precision = want.len() as f64 / (want.len() + extra.len()) as f64;
        assert!(
            precision >= 0.99,
            "{engine:?}: trace {id}: precision {precision:.3}, extra {extra:?}"
        );
        for st in target["errors_with_stack"].as_array().into_iter().flatten() {
            let key = (st[0].as_str().unwrap().to_string(), st[1].as_u64().unwrap());
            let tail = st[2].as_str().unwrap();
            let ev = events
                .iter()
                .find(|e| {
                    let r = s.record_of(e);
                    (r.path.as_str(), r.line) == (key.0.as_str(), key.1)
                })
                .unwrap();
            let raw = ev["raw"].as_str().unwrap();
            assert!(
                raw.trim_end().ends_with(tail),
                "{engine:?} {id}: stack of {key:?} does not end with {tail:?}: {raw}"
            );
        }
    }
}

/// `events --elastic` over truth.json's window returns exactly the window's records, no more.
fn events_window(engine: Engine) {
    let (server, s) = full(engine);
    let truth = truth();
    let w = &truth["window"];
    let dir = tempfile::tempdir().unwrap();
    let range = (w["start"].as_str().unwrap(), w["end"].as_str().unwrap());
    let run = remote(
        server,
        dir.path(),
        &["events", "--json", "--no-redact"],
        PATTERN,
        range,
    );
    assert_eq!(run.code, 0, "{engine:?}: stderr:\n{}", run.stderr);
    let events = run.json_lines();
    let got = s.locs_of(&format!("{engine:?} window"), &events);
    let want = locs(&w["expect"]);
    assert_eq!(
        got.difference(&want).collect::<Vec<_>>(),
        Vec::<&Loc>::new(),
        "{engine:?}: events outside the window"
    );
    assert_eq!(
        want.difference(&got).collect::<Vec<_>>(),
        Vec::<&Loc>::new(),
        "{engine:?}: window events missing"
    );
    let line = summary(engine, server, PATTERN, &run.stderr);
    assert!(
        line.contains(&format!(": {} record(s) in ", want.len())) && line.ends_with(", complete"),
        "{engine:?}: {line}"
    );
}

/// `events --elastic` over the whole scenario: more documents than fit in many pages, paged
/// with a point in time and `search_after`; every document comes back exactly once, in time
/// order, and the work is the pages needed: `GET /`, the mapping, opening the point in time,
/// `N / PAGE + 1` searches (the last one short), closing it.
fn events_all_pages(engine: Engine) {
    let (server, s) = full(engine);
    let n = s.records.len();
    assert!(n > 10 * PAGE, "the scenario is many pages long: {n}");
    let dir = tempfile::tempdir().unwrap();
    let run = remote(
        server,
        dir.path(),
        &["events", "--json", "--no-redact"],
        PATTERN,
        (&s.since, &s.until),
    );
    assert_eq!(run.code, 0, "{engine:?}: stderr:\n{}", run.stderr);
    let events = run.json_lines();
    let got = s.locs_of(&format!("{engine:?} all"), &events);
    assert_eq!(got.len(), n, "{engine:?}: every document once");
    let times: Vec<Timestamp> = events
        .iter()
        .map(|e| e["ts"].as_str().expect("ts").parse().expect("RFC 3339"))
        .collect();
    let unordered = times.windows(2).position(|w| w[0] > w[1]);
    assert_eq!(unordered, None, "{engine:?}: not in time order");
    let queries = 3 + (n / PAGE + 1) + 1;
    assert_eq!(
        summary(engine, server, PATTERN, &run.stderr),
        format!(
            "casefile: elastic {} ({PATTERN}): {n} record(s) in {queries} queries, complete",
            server.url
        ),
        "{engine:?}"
    );
}

/// `cluster --elastic` gives the signatures `cluster` gives over the same files (the same
/// templates with the same counts), and the two stack-trace signatures count every record
/// with a stack (each record of orders and payments longer than one line).
fn cluster(engine: Engine) {
    let (server, s) = full(engine);
    let dir = tempfile::tempdir().unwrap();
    let run = remote(
        server,
        dir.path(),
        &["cluster", "--level", "warn", "--json"],
        PATTERN,
        (&s.since, &s.until),
    );
    assert_eq!(run.code, 0, "{engine:?}: stderr:\n{}", run.stderr);
    let got = run.json();
    let local = casefile(
        &scenario(),
        &[
            "cluster", "logs", "--level", "warn", "--json", "--year", "2026",
        ],
    );
    assert_eq!(local.code, 0, "{}", local.stderr);
    let local = local.json();
    let counts = |doc: &Value| -> BTreeMap<String, u64> {
        doc["signatures"]
            .as_array()
            .unwrap()
            .iter()
            .map(|sig| {
                (
                    sig["template"].as_str().unwrap().to_string(),
                    sig["count"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(
        counts(&got),
        counts(&local),
        "{engine:?}: signatures differ from the files'"
    );
    for service in ["orders", "payments"] {
        let stacks = s
            .records
            .iter()
            .filter(|r| r.service == service && r.raw.contains('\n'))
            .count();
        assert_eq!(stacks, 139, "{service}: records with a stack");
        let sig = got["signatures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|sig| {
                sig["examples"].as_array().unwrap().iter().all(|e| {
                    let e = json!({"source": e});
                    let r = s.record_of(&e);
                    r.service == service && r.raw.contains('\n')
                })
            })
            .unwrap_or_else(|| panic!("{engine:?}: no stack signature of {service}: {got:#}"));
        assert_eq!(sig["count"], stacks, "{engine:?}: {service}: {sig:#}");
    }
}

/// `bundle --elastic`: the bundle holds the request's records as truth.json lists them, and its
/// manifest records the source (URL, index pattern, complete) with the counts.
fn bundle(engine: Engine) {
    let (server, s) = full(engine);
    let truth = truth();
    let target = &truth["targets"][0];
    let id = target["id"].as_str().unwrap();
    let want = locs(&target["expect"]);
    let dir = tempfile::tempdir().unwrap();
    let run = remote(
        server,
        dir.path(),
        &["bundle", id, "-o", "case"],
        PATTERN,
        (&s.since, &s.until),
    );
    assert_eq!(run.code, 0, "{engine:?}: stderr:\n{}", run.stderr);
    let case = dir.path().join("case");
    let manifest = std::fs::read(case.join("manifest.json")).unwrap();
    validate_manifest(&manifest);
    let m: Value = serde_json::from_slice(&manifest).unwrap();
    let src = &m["remote_sources"][0];
    assert_eq!(src["kind"], "elastic", "{m:#}");
    assert_eq!(src["url"], server.url.as_str());
    assert_eq!(src["scope"], PATTERN);
    assert_eq!(src["complete"], true, "{m:#}");
    assert_eq!(src["events_taken"], want.len(), "{m:#}");
    assert_eq!(m["remote_sources"].as_array().unwrap().len(), 1);
    let timeline: Vec<Value> = std::fs::read_to_string(case.join("timeline.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let got = s.locs_checked(&format!("{engine:?} bundle"), &timeline, false);
    assert_eq!(got, want, "{engine:?}: the bundle's timeline");
    let v = casefile(dir.path(), &["verify", "case"]);
    assert_eq!(v.code, 0, "{}{}", v.stdout, v.stderr);
}

/// Files and the index in one command: the edge access log is read as a file, gateway and
/// payments come from an index of their own; both kinds of event come back, merged in time
/// order.
fn mixed_with_file(engine: Engine) {
    let (server, _) = full(engine);
    let part = tempfile::tempdir().unwrap();
    for f in ["logs/gateway/gateway.jsonl", "logs/payments/payments.log"] {
        std::fs::create_dir_all(part.path().join(f).parent().unwrap()).unwrap();
        std::fs::copy(scenario().join(f), part.path().join(f)).unwrap();
    }
    let s = ship(server, "part-checkout", part.path());
    let id = "ee23490f28307d7b";
    let file = "logs/edge/access.log.1.gz";
    let run = remote(
        server,
        &scenario(),
        &["trace", id, file, "--json", "--no-redact"],
        "part-*",
        (&s.since, &s.until),
    );
    assert_eq!(run.code, 0, "{engine:?}: stderr:\n{}", run.stderr);
    let events = run.json_lines();
    let (remote, local): (Vec<Value>, Vec<Value>) = events.iter().cloned().partition(is_remote);
    let got = s.locs_of(&format!("{engine:?} mixed"), &remote);
    let want: BTreeSet<Loc> = locs(&truth()["targets"][0]["expect"])
        .into_iter()
        .filter(|(p, _)| p.starts_with("logs/gateway/") || p.starts_with("logs/payments/"))
        .collect();
    assert_eq!(got, want, "{engine:?}: the remote part of the trace");
    let local: Vec<(String, u64)> = local
        .iter()
        .map(|e| {
            (
                e["source"].as_str().unwrap().into(),
                e["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        local,
        [(file.to_string(), 597)],
        "{engine:?}: the file's part"
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
    let (server, _) = full(engine);
    let run = remote(
        server,
        &scenario(),
        &["trace", "ee23490f28307d7b", "--json"],
        "no-such-index",
        ("2026-11-28T21:00:00Z", "2026-11-28T23:00:00Z"),
    );
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
fn elasticsearch_events_window_is_exactly_the_truth_window() {
    events_window(Engine::Elasticsearch);
}

#[test]
fn opensearch_events_window_is_exactly_the_truth_window() {
    events_window(Engine::OpenSearch);
}

#[test]
fn elasticsearch_events_pages_through_every_document() {
    events_all_pages(Engine::Elasticsearch);
}

#[test]
fn opensearch_events_pages_through_every_document() {
    events_all_pages(Engine::OpenSearch);
}

#[test]
fn elasticsearch_cluster_matches_the_files() {
    cluster(Engine::Elasticsearch);
}

#[test]
fn opensearch_cluster_matches_the_files() {
    cluster(Engine::OpenSearch);
}

#[test]
fn elasticsearch_bundle_holds_the_trace_and_records_the_source() {
    bundle(Engine::Elasticsearch);
}

#[test]
fn opensearch_bundle_holds_the_trace_and_records_the_source() {
    bundle(Engine::OpenSearch);
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
