//! `casefile trace`: whole-token ids, transitive following, population keys not followed,
//! `--follow`/`--no-follow`, depth, `--window`, exit codes, the JSON contract.

mod common;

use std::path::Path;

use common::*;

fn write(dir: &Path, name: &str, text: &str) {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// gateway: request -> trace; orders: trace -> job; worker: job. A stranger shares user_id.
fn services() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "logs/gateway/gateway.jsonl",
        concat!(
            r#"{"@timestamp":"2026-11-28T22:00:00.000Z","log.level":"info","message":"routing","http.request.id":"req-1","trace.id":"tr-1","user.id":"u-7"}"#,
            "\n",
            r#"{"@timestamp":"2026-11-28T22:00:00.100Z","log.level":"info","message":"routing","http.request.id":"req-2","trace.id":"tr-2","user.id":"u-7"}"#,
            "\n",
        ),
    );
    write(d.path(), "logs/orders/orders.log", concat!(
        "2026-11-28 22:00:00.010  INFO [orders,tr-1,s1] 1 --- [main] c.a.Orders : enqueued job_id=J-12 user_id=u-7\n",
        "2026-11-28 22:00:00.110  INFO [orders,tr-2,s2] 1 --- [main] c.a.Orders : enqueued job_id=J-123 user_id=u-7\n",
        "2026-11-28 22:00:00.300 ERROR [orders,tr-1,s1] 1 --- [main] c.a.Orders : failed\n",
        "java.lang.IllegalStateException: boom\n",
        "\tat c.a.Orders.place(Orders.java:1)\n",
    ));
    write(
        d.path(),
        "logs/worker/worker-0.log",
        concat!(
            "ts=2026-11-28T22:00:00.500Z level=info msg=\"job started\" job_id=J-12\n",
            "ts=2026-11-28T22:00:00.600Z level=info msg=\"job started\" job_id=J-123\n",
            "ts=2026-11-28T22:00:00.700Z level=info msg=\"unrelated\" job_id=xJ-12\n",
            "ts=2026-11-28T22:00:00.800Z level=info msg=\"heartbeat\"\n",
        ),
    );
    d
}

#[test]
fn follows_request_to_trace_to_job_and_no_further() {
    let d = services();
    let r = casefile(d.path(), &["trace", "req-1", "logs", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let evs = r.json_lines();
    assert_eq!(
        lines_of(&evs),
        [
            ("logs/gateway/gateway.jsonl".into(), 1),
            ("logs/orders/orders.log".into(), 1),
            ("logs/orders/orders.log".into(), 3),
            ("logs/worker/worker-0.log".into(), 1),
        ]
    );
    // via: how each event was reached
    assert_eq!(evs[0]["via"]["id"], "req-1");
    assert_eq!(evs[0]["via"]["hop"], 0);
    assert_eq!(evs[1]["via"]["id"], "tr-1");
    assert_eq!(evs[1]["via"]["hop"], 1);
    assert_eq!(evs[3]["via"]["id"], "J-12");
    assert_eq!(evs[3]["via"]["hop"], 2);
    // the stack travels with its event
    assert!(evs[2]["raw"]
        .as_str()
        .unwrap()
        .ends_with("at c.a.Orders.place(Orders.java:1)"));
    // the summary names what was followed and where it came from
    assert!(
        r.stderr
            .contains("id tr-1 (trace.id, hop 1, first in logs/gateway/gateway.jsonl:1)"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("id J-12 (job_id, hop 2"), "{}", r.stderr);
    // contract: keys in order
    let keys: Vec<&String> = evs[0].as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "ts",
            "source",
            "line",
            "service",
            "host",
            "level",
            "message",
            "ids",
            "raw",
            "via",
            "signature"
        ]
    );
    assert_eq!(evs[0]["signature"].as_str().unwrap().len(), 16);
}

#[test]
fn ids_match_only_as_whole_tokens() {
    let d = services();
    let r = casefile(
        d.path(),
        &["trace", "J-12", "logs", "--json", "--max-depth", "0"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let got = lines_of(&r.json_lines());
    assert_eq!(
        got,
        [
            ("logs/orders/orders.log".into(), 1),
            ("logs/worker/worker-0.log".into(), 1)
        ],
        "J-12 must not match J-123 nor xJ-12"
    );
}

#[test]
fn population_keys_are_not_followed_unless_asked() {
    let d = services();
    let r = casefile(d.path(), &["trace", "req-1", "logs", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        !r.stdout.contains("req-2"),
        "user.id u-7 must not drag in req-2"
    );
    // The population key is still recorded in ids.
    assert_eq!(r.json_lines()[0]["ids"]["user.id"], "u-7");
    let r = casefile(
        d.path(),
        &["trace", "req-1", "logs", "--json", "--follow", "user_id"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        lines_of(&r.json_lines()),
        [
            ("logs/gateway/gateway.jsonl".into(), 1),
            ("logs/orders/orders.log".into(), 1),
            ("logs/gateway/gateway.jsonl".into(), 2),
            ("logs/orders/orders.log".into(), 2),
            ("logs/orders/orders.log".into(), 3),
            ("logs/worker/worker-0.log".into(), 1),
            ("logs/worker/worker-0.log".into(), 2),
        ],
        "--follow user_id follows u-7 to the other request and its job"
    );
    assert!(
        r.stderr
            .contains("id u-7 (user.id, hop 1, first in logs/gateway/gateway.jsonl:1)"),
        "{}",
        r.stderr
    );
    let r = casefile(
        d.path(),
        &["trace", "req-1", "logs", "--json", "--no-follow", "job_id"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        lines_of(&r.json_lines()),
        [
            ("logs/gateway/gateway.jsonl".into(), 1),
            ("logs/orders/orders.log".into(), 1),
            ("logs/orders/orders.log".into(), 3),
        ],
        "--no-follow job_id stops at orders"
    );
}

#[test]
fn depth_limit_is_reported() {
    let d = services();
    let r = casefile(
        d.path(),
        &["trace", "req-1", "logs", "--json", "--max-depth", "1"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        lines_of(&r.json_lines()),
        [
            ("logs/gateway/gateway.jsonl".into(), 1),
            ("logs/orders/orders.log".into(), 1),
            ("logs/orders/orders.log".into(), 3),
        ]
    );
    assert!(
        r.stderr
            .contains("1 id(s) beyond --max-depth not followed (raise --max-depth to follow them)"),
        "{}",
        r.stderr
    );
}

#[test]
fn window_adds_context_of_the_services_involved() {
    let d = services();
    let r = casefile(
        d.path(),
        &["trace", "req-1", "logs", "--json", "--window", "150ms"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let evs = r.json_lines();
    let ctx: Vec<(String, u64)> = lines_of(
        &evs.iter()
            .filter(|e| e["context"] == true)
            .cloned()
            .collect::<Vec<_>>(),
    );
    // span 22:00:00.000 .. 22:00:00.500; +-150ms; gateway req-2 (0.100), orders J-123 (0.110),
    // worker J-123 (0.600); not the heartbeat at 0.800.
    assert_eq!(
        ctx,
        [
            ("logs/gateway/gateway.jsonl".into(), 2),
            ("logs/orders/orders.log".into(), 2),
            ("logs/worker/worker-0.log".into(), 2),
        ]
    );
    assert_eq!(evs.len(), 7, "the 4 events of the request and 3 of context");
    assert!(evs
        .iter()
        .filter(|e| e["context"] != true)
        .all(|e| e.get("context").is_none()));
}

#[test]
fn nothing_found_exits_1() {
    let d = services();
    let r = casefile(d.path(), &["trace", "no-such-id", "logs"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.is_empty());
}

#[test]
fn bad_arguments_teach_the_fix() {
    let d = services();
    let r = casefile(d.path(), &["trace", "req-1", "logs", "--window", "5"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("--window '5' is not a duration; use e.g. 30s"),
        "{}",
        r.stderr
    );
    let r = casefile(d.path(), &["trace", "a b", "logs"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("is empty or has spaces"), "{}", r.stderr);
}

#[test]
fn human_timeline_is_sanitised() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "x.log",
        "ts=2026-11-28T22:00:00Z level=error msg=\"evil \x1b[2J\x1b]0;pwned\x07\" request_id=r-1\n",
    );
    let r = casefile(d.path(), &["trace", "r-1", "x.log"]);
    assert_eq!(r.code, 0);
    assert!(!r.stdout.contains('\x1b'), "no escape reaches the terminal");
    assert!(r.stdout.contains("\\x1b[2J"), "{}", r.stdout);
}

#[test]
fn openstack_request_ids_are_followed_across_services() {
    // oslo.log: the request context `[req-<uuid> user project - - -]` is a header field.
    let d = tempfile::tempdir().unwrap();
    let req = "req-38101a0b-2096-447d-96ea-a692162415ae";
    write(d.path(), "logs/nova-api.log", &format!(concat!(
        "2017-05-16 00:00:00.008 25746 INFO nova.osapi_compute.wsgi.server [{} 113d3a99c3da401fbd62cc2caa5b96d2 54fadb412c4e40cdbaed9335e4c35a9e - - -] 10.11.10.1 \"POST /v2/54fadb412c4e40cdbaed9335e4c35a9e/servers HTTP/1.1\" status: 202 len: 733 time: 0.4\n",
        "2017-05-16 00:00:00.272 25746 INFO nova.osapi_compute.wsgi.server [req-9bc36dd9-91c5-4314-898a-47625eb93b09 113d3a99c3da401fbd62cc2caa5b96d2 54fadb412c4e40cdbaed9335e4c35a9e - - -] 10.11.10.1 \"GET /v2/54fadb412c4e40cdbaed9335e4c35a9e/servers/detail HTTP/1.1\" status: 200 len: 1893 time: 0.2\n",
    ), req));
    write(d.path(), "logs/nova-compute.log", &format!(concat!(
        "2017-05-16 00:00:01.100 2931 INFO nova.compute.claims [{} 113d3a99c3da401fbd62cc2caa5b96d2 54fadb412c4e40cdbaed9335e4c35a9e - - -] [instance: b9000564-fe1a-409b-b8cc-1e88b294cd1d] Attempting claim: memory 2048 MB, disk 20 GB, vcpus 1 CPU\n",
        "2017-05-16 00:00:02.551 2931 ERROR nova.compute.manager [{} 113d3a99c3da401fbd62cc2caa5b96d2 54fadb412c4e40cdbaed9335e4c35a9e - - -] [instance: b9000564-fe1a-409b-b8cc-1e88b294cd1d] Instance failed to spawn\n",
        "2017-05-16 00:00:02.551 2931 ERROR nova.compute.manager [instance: b9000564-fe1a-409b-b8cc-1e88b294cd1d] Traceback (most recent call last):\n",
        "2017-05-16 00:00:02.551 2931 ERROR nova.compute.manager [instance: b9000564-fe1a-409b-b8cc-1e88b294cd1d]   File \"/usr/lib/python2.7/dist-packages/nova/compute/manager.py\", line 2218, in _build_resources\n",
        "2017-05-16 00:00:02.551 2931 ERROR nova.compute.manager [instance: b9000564-fe1a-409b-b8cc-1e88b294cd1d]     yield resources\n",
        "2017-05-16 00:00:02.551 2931 ERROR nova.compute.manager [instance: b9000564-fe1a-409b-b8cc-1e88b294cd1d] PortBindingFailed: Binding failed for port 8e0c, please check neutron logs for more information.\n",
        "2017-05-16 00:00:03.000 2931 INFO nova.compute.manager [-] [instance: b9000564-fe1a-409b-b8cc-1e88b294cd1d] VM Stopped (Lifecycle Event)\n",
    ), req, req));
    let r = casefile(d.path(), &["trace", req, "logs", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let evs = r.json_lines();
    assert_eq!(
        lines_of(&evs),
        [
            ("logs/nova-api.log".into(), 1),
            ("logs/nova-compute.log".into(), 1),
            ("logs/nova-compute.log".into(), 2),
        ],
        "the request's events, not the other request's nor the instance's later ones"
    );
    assert_eq!(evs[0]["ids"]["request_id"], req);
    assert_eq!(evs[2]["level"], "error");
    assert_eq!(
        evs[2]["ids"]["instance_id"],
        "b9000564-fe1a-409b-b8cc-1e88b294cd1d"
    );
    assert_eq!(
        evs[2]["message"],
        "[instance: b9000564-fe1a-409b-b8cc-1e88b294cd1d] Instance failed to spawn"
    );
    // The traceback, logged a line at a time under a header, is part of the event...
    let raw = evs[2]["raw"].as_str().unwrap();
    assert_eq!(raw.lines().count(), 5, "{raw}");
    assert!(raw.ends_with("please check neutron logs for more information."));
    // ...and its signature is the exception and its frames.
    let r = casefile(d.path(), &["cluster", "logs", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc = r.json();
    let mut templates = signature_fields(&doc, "template");
    templates.sort_unstable();
    assert_eq!(
        templates,
        [
            "<IP> \"GET <PATH> HTTP/<NUM>\" status: <NUM> len: <NUM> time: <NUM>",
            "<IP> \"POST <PATH> HTTP/<NUM>\" status: <NUM> len: <NUM> time: <NUM>",
            "PortBindingFailed at manager.py:_build_resources",
            "[instance: <UUID>] Attempting claim: memory <NUM>, disk <NUM>, vcpus <NUM> CPU",
            "[instance: <UUID>] VM Stopped (Lifecycle Event)",
        ]
    );
}

/// Issue 15: a frontend that writes its trace id as `TraceID: <hex>` (as Go services and HTTP
/// header dumps print it) joins the backend's `trace_id=<hex>` lines: trace reached 9% of a
/// request's lines when only `key=value` counted.
#[test]
fn ids_written_key_colon_value_are_followed() {
    let d = tempfile::tempdir().unwrap();
    let trace = "4f3a9c1d2e3b4a5f6e7d8c9b0a1f2e3d";
    std::fs::create_dir_all(d.path().join("frontend")).unwrap();
    std::fs::create_dir_all(d.path().join("cart")).unwrap();
    std::fs::write(
        d.path().join("frontend/frontend.log"),
        format!(
            "2026-11-28T22:00:00.100Z INFO request started X-Request-ID: fe-77 TraceID: {trace}\n\
             2026-11-28T22:00:00.200Z INFO request started X-Request-ID: fe-78 TraceID: 99999999999999999999999999999999\n\
             2026-11-28T22:00:00.900Z ERROR request failed X-Request-ID: fe-77\n"
        ),
    )
    .unwrap();
    std::fs::write(
        d.path().join("cart/cart.log"),
        format!(
            "ts=2026-11-28T22:00:00.300Z level=info msg=\"cart loaded\" trace_id={trace}\n\
             ts=2026-11-28T22:00:00.400Z level=info msg=\"cart loaded\" trace_id=99999999999999999999999999999999\n\
             ts=2026-11-28T22:00:00.500Z level=error msg=\"price lookup failed\" trace_id={trace}\n"
        ),
    )
    .unwrap();
    let r = casefile(d.path(), &["trace", "fe-77", ".", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let got: Vec<(String, u64)> = lines_of(&r.json_lines());
    assert_eq!(
        got,
        [
            ("./frontend/frontend.log".to_string(), 1),
            ("./cart/cart.log".to_string(), 1),
            ("./cart/cart.log".to_string(), 3),
            ("./frontend/frontend.log".to_string(), 3),
        ]
    );
    assert_eq!(r.json_lines()[0]["ids"]["TraceID"], trace);
}

// Issue 16: a trace that finds nothing says what was searched and why it may have missed.

/// The size of the three files of [`services`].
fn services_bytes(d: &Path) -> u64 {
    [
        "gateway/gateway.jsonl",
        "orders/orders.log",
        "worker/worker-0.log",
    ]
    .iter()
    .map(|f| std::fs::metadata(d.join("logs").join(f)).unwrap().len())
    .sum()
}

#[test]
fn an_unknown_id_says_what_was_searched() {
    let d = services();
    let bytes = services_bytes(d.path());
    let r = casefile(d.path(), &["trace", "nope-1", "logs"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.stdout, "");
    assert!(
        r.stderr.contains(&format!(
            "casefile: trace: no event holds 'nope-1' as a whole token in 3 source(s) \
             ({bytes} bytes)"
        )),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("occurs"), "{}", r.stderr);
}

#[test]
fn an_id_found_only_inside_longer_tokens_says_so() {
    let d = services();
    // J-1 is in J-12 and J-123 (orders and worker) and in xJ-12: five times, never whole.
    let r = casefile(d.path(), &["trace", "J-1", "logs"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "casefile: trace: 'J-1' occurs 5 time(s) only inside longer tokens (e.g. J-12); \
             ids match whole tokens"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn an_id_found_only_outside_the_range_says_so() {
    let d = services();
    // tr-1: the gateway's routing line and the orders' two lines.
    let r = casefile(
        d.path(),
        &["trace", "tr-1", "logs", "--since", "2027-01-01T00:00:00Z"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "casefile: trace: no event holds 'tr-1' as a whole token in 3 source(s) ({} bytes) \
             in [2027-01-01T00:00:00.000Z, ..) (UTC)",
            services_bytes(d.path())
        )),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(
            "casefile: trace: 'tr-1' occurs 3 time(s) as a whole token outside \
             [2027-01-01T00:00:00.000Z, ..) (UTC); widen or drop --since/--until"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn a_path_given_as_the_id_is_taken_for_swapped_arguments() {
    let d = services();
    let r = casefile(d.path(), &["trace", "logs", "ee23a1b2c3d4e5f6"]);
    // The missing path is a lost input, as ever.
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "casefile: trace: 'logs' is a path and 'ee23a1b2c3d4e5f6' is not: swapped? the id \
             comes first: casefile trace <id> <paths>, here: casefile trace ee23a1b2c3d4e5f6 logs"
        ),
        "{}",
        r.stderr
    );
    // A path that exists but is named like an id (a hex folder) is suspect all the same.
    std::fs::create_dir_all(d.path().join("0a1b2c3d4e5f")).unwrap();
    write(
        d.path(),
        "0a1b2c3d4e5f/app.log",
        "2026-11-28T22:00:00Z INFO hello\n",
    );
    let r = casefile(d.path(), &["trace", "logs", "0a1b2c3d4e5f"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("swapped? the id comes first: casefile trace <id> <paths>"),
        "{}",
        r.stderr
    );
}

/// Issue 16 §3: with `--window`, the request stays in front. Each row starts with a marker a
/// pipe and a ticket keep (`req` for the request's events, `ctx` for context), a legend line
/// explains them above the timeline, and the summary counts the request's events and context
/// apart.
#[test]
fn window_marks_the_request_and_its_context_apart() {
    let d = services();
    let r = casefile(d.path(), &["trace", "req-1", "logs", "--window", "150ms"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        concat!(
            "legend: req = the request's 4 event(s), holding its ids; ctx = 3 other event(s) of \
             its services within 150ms (--window)\n",
            "req 2026-11-28T22:00:00.000Z gateway info    routing\n",
            "req 2026-11-28T22:00:00.010Z orders  info    enqueued job_id=J-12 user_id=u-7\n",
            "ctx 2026-11-28T22:00:00.100Z gateway info    routing\n",
            "ctx 2026-11-28T22:00:00.110Z orders  info    enqueued job_id=J-123 user_id=u-7\n",
            "req 2026-11-28T22:00:00.300Z orders  error   failed\n",
            "                                             java.lang.IllegalStateException: boom\n",
            "                                              at c.a.Orders.place(Orders.java:1)\n",
            "req 2026-11-28T22:00:00.500Z worker  info    job started\n",
            "ctx 2026-11-28T22:00:00.600Z worker  info    job started\n",
        )
    );
    assert!(
        r.stderr.starts_with(concat!(
            "casefile: trace: 4 event(s) of the request in 3 service(s), 3 id(s) followed in \
             3 round(s); 3 context event(s) within 150ms\n",
            "  span: 2026-11-28T22:00:00.000Z .. 2026-11-28T22:00:00.500Z (0.500s)\n",
            "  per service: gateway 1, orders 2, worker 1\n",
            "  context per service: gateway 1, orders 1, worker 1\n",
        )),
        "{}",
        r.stderr
    );
    // Without --window: no marker column, no legend, the summary as before.
    let r = casefile(d.path(), &["trace", "req-1", "logs"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .starts_with("2026-11-28T22:00:00.000Z gateway info    routing\n"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("legend") && !r.stdout.contains("ctx"));
    assert!(
        r.stderr.starts_with(
            "casefile: trace: 4 event(s) in 3 service(s), 3 id(s) followed in 3 round(s)\n"
        ),
        "{}",
        r.stderr
    );
    // --json is unchanged: the context flag says it, no legend line.
    let r = casefile(
        d.path(),
        &["trace", "req-1", "logs", "--window", "150ms", "--json"],
    );
    assert_eq!(r.json_lines().len(), 7);
}

/// Issue 16 §6: the timeline's columns line up whatever the width of a time (micro- next to
/// milliseconds) or of a service (a name longer than 24 is cut in the middle with `…`).
#[test]
fn timeline_columns_line_up_whatever_the_widths() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "app.jsonl",
        concat!(
            r#"{"@timestamp":"2026-11-28T22:00:00.000123Z","level":"info","service":"checkout-orchestrator-eu-west-1-canary","message":"start","request_id":"r-9"}"#,
            "\n",
            r#"{"@timestamp":"2026-11-28T22:00:00.002Z","level":"warn","service":"db","message":"slow","request_id":"r-9"}"#,
            "\n",
        ),
    );
    let r = casefile(d.path(), &["trace", "r-9", "app.jsonl"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        concat!(
            "2026-11-28T22:00:00.000123Z checkout-or…est-1-canary info    start\n",
            "2026-11-28T22:00:00.002Z    db                       warn    slow\n",
        )
    );
    // The summary keeps the whole name.
    assert!(
        r.stderr
            .contains("  per service: checkout-orchestrator-eu-west-1-canary 1, db 1\n"),
        "{}",
        r.stderr
    );
}
