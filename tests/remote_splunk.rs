//! Splunk as a source: `casefile trace|events --splunk URL` against `common::fake_splunk`, a
//! fake search head that speaks the documented export format and evaluates the SPL it is sent,
//! so transitive id following, fallbacks, retries and incomplete streams are tested end to end.
//! The `fake_splunk_*` tests pin the fake itself to the documented wire format.

mod common;

use std::path::Path;
use std::time::Duration;

use common::fake_http::{base64_encode, request, Recorded};
use common::fake_splunk::*;
use common::*;
use serde_json::{json, Value};

const TOKEN: &str = "sk-SPLUNK-TOKEN-9f8e7d6c5b4a3";
const USER: &str = "casefile-svc";
const PASSWORD: &str = "pw-Hunter2-Zq81";
/// The request id the tests start from, and the trace id only its first event names.
const R: &str = "c0ffee1234567890";
const T: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const SINCE: &str = "2026-11-28T09:00:00Z";
const UNTIL: &str = "2026-11-28T11:00:00Z";

const GATEWAY_RAW: &str = "2026-11-28T10:00:00.100Z level=info service=gateway msg=\"POST /api/orders\" req_id=c0ffee1234567890 trace_id=4bf92f3577b34da6a3ce929d0e0e4736";
const ORDERS_RAW: &str = "2026-11-28T10:00:00.250Z level=info service=orders msg=\"creating order\" trace_id=4bf92f3577b34da6a3ce929d0e0e4736 order_id=42";
const PAYMENTS_RAW: &str = "2026-11-28T10:00:00.400Z level=error service=payments msg=\"card declined (code 51)\" trace_id=4bf92f3577b34da6a3ce929d0e0e4736";
const AUDIT_RAW: &str = "2026-11-28T10:00:00.500Z level=info service=audit msg=\"charge audited\" trace_id=4bf92f3577b34da6a3ce929d0e0e4736";
const NOISE_RAW: &str = "2026-11-28T10:00:00.300Z level=info service=orders msg=\"creating order\" req_id=deadbeefdeadbeef trace_id=ffffffffffffffffffffffffffffffff";
const NEAR_MISS_RAW: &str =
    "2026-11-28T10:00:00.350Z level=info service=gateway msg=\"GET /\" req_id=c0ffee1234567890ab";
const LATE_RAW: &str =
    "2026-11-28T12:30:00.000Z level=info service=gateway msg=\"retry\" req_id=c0ffee1234567890";

/// One request across three services in index `app`: only the gateway line names both R and T;
/// the orders and payments lines name only T. Around it: another request, a longer id that
/// contains R, an event of R outside the window, and an event of T in another index.
fn data() -> Vec<Value> {
    let mut payments = event(
        "2026-11-28T10:00:00.400+00:00",
        "app",
        "pay-1",
        "/var/log/payments/app.log",
        "payments",
        PAYMENTS_RAW,
    );
    payments["tag"] = json!(["payment", "pci"]);
    payments["decline_code"] = json!(51);
    vec![
        event(
            "2026-11-28T10:00:00.100+00:00",
            "app",
            "gw-1",
            "/var/log/gateway/access.log",
            "gateway",
            GATEWAY_RAW,
        ),
        // The same instant written in +01:00, as a search head in Paris would.
        event(
            "2026-11-28T11:00:00.250+01:00",
            "app",
            "orders-2",
            "/var/log/orders/app.log",
            "orders",
            ORDERS_RAW,
        ),
        payments,
        event(
            "2026-11-28T10:00:00.300+00:00",
            "app",
            "orders-2",
            "/var/log/orders/app.log",
            "orders",
            NOISE_RAW,
        ),
        event(
            "2026-11-28T10:00:00.350+00:00",
            "app",
            "gw-1",
            "/var/log/gateway/access.log",
            "gateway",
            NEAR_MISS_RAW,
        ),
        event(
            "2026-11-28T12:30:00.000+00:00",
            "app",
            "gw-1",
            "/var/log/gateway/access.log",
            "gateway",
            LATE_RAW,
        ),
        event(
            "2026-11-28T10:00:00.500+00:00",
            "audit",
            "audit-1",
            "/var/log/audit.log",
            "audit",
            AUDIT_RAW,
        ),
    ]
}

fn token_config() -> SplunkConfig {
    SplunkConfig {
        events: data(),
        token: Some(TOKEN.into()),
        ..Default::default()
    }
}

fn trace_args<'a>(url: &'a str, search: Option<&'a str>) -> Vec<&'a str> {
    let mut a = vec!["trace", R, "--splunk", url];
    if let Some(s) = search {
        a.extend(["--splunk-search", s]);
    }
    a.extend(["--since", SINCE, "--until", UNTIL, "--json"]);
    a
}

/// `<command> --splunk URL --splunk-search index=app` over the test window, as JSON.
fn window_args<'a>(command: &'a str, url: &'a str) -> Vec<&'a str> {
    vec![
        command,
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

fn run(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    casefile_env(dir, args, None, env)
}

fn raws(run: &Run) -> Vec<String> {
    run.json_lines()
        .iter()
        .map(|e| e["raw"].as_str().unwrap_or_default().to_string())
        .collect()
}

fn by_raw<'a>(events: &'a [Value], raw: &str) -> &'a Value {
    events
        .iter()
        .find(|e| e["raw"] == raw)
        .unwrap_or_else(|| panic!("no event with raw {raw:?} in {events:#?}"))
}

fn no_secret(run: &Run, secret: &str) {
    assert!(!run.stdout.contains(secret), "secret on stdout");
    assert!(
        !run.stderr.contains(secret),
        "secret on stderr:\n{}",
        run.stderr
    );
}

fn statuses(reqs: &[Recorded]) -> Vec<u16> {
    reqs.iter().map(|r| r.status).collect()
}

fn ms(s: &str) -> i64 {
    parse_time_ms(s, 0).unwrap_or_else(|| panic!("not a time the fake accepts: {s:?}"))
}

#[test]
fn token_trace_follows_ids_across_rounds() {
    let fake = FakeSplunk::start(token_config());
    let dir = tempfile::tempdir().unwrap();
    let r = run(
        dir.path(),
        &trace_args(&fake.url, Some("index=app")),
        &[("CASEFILE_SPLUNK_TOKEN", TOKEN)],
    );
    assert_eq!(r.code, 0, "stderr:\n{}", r.stderr);
    let events = r.json_lines();
    let got = raws(&r);
    for want in [GATEWAY_RAW, ORDERS_RAW, PAYMENTS_RAW] {
        assert!(
            got.iter().any(|g| g == want),
            "missing {want:?} in {got:#?}"
        );
    }
    for not in [NOISE_RAW, NEAR_MISS_RAW, LATE_RAW, AUDIT_RAW] {
        assert!(!got.iter().any(|g| g == not), "unexpected {not:?}");
    }
    assert_eq!(events.len(), 3, "{events:#?}");

    // The remote event contract.
    let gw = by_raw(&events, GATEWAY_RAW);
    assert_eq!(gw["source"], "splunk://gw-1/var/log/gateway/access.log");
    assert_eq!(gw["line"], Value::Null);
    assert_eq!(gw["host"], "gw-1");
    assert_eq!(gw["ts"], "2026-11-28T10:00:00.100Z");
    // `_time` in +01:00 comes out in UTC.
    assert_eq!(
        by_raw(&events, ORDERS_RAW)["ts"],
        "2026-11-28T10:00:00.250Z"
    );
    assert_eq!(
        by_raw(&events, PAYMENTS_RAW)["source"],
        "splunk://pay-1/var/log/payments/app.log"
    );

    // The wire: every export is authenticated by the token and carries the documented fields.
    let exports = fake.exports();
    assert!(exports.len() >= 2, "one round per hop: {exports:#?}");
    for e in &exports {
        assert_eq!(e.method, "POST");
        assert_eq!(e.path, V2_EXPORT);
        assert_eq!(e.header("authorization"), Some(&*format!("Bearer {TOKEN}")));
        assert_eq!(param(e, "output_mode").as_deref(), Some("json"));
        let earliest = param(e, "earliest_time").expect("earliest_time");
        let latest = param(e, "latest_time").expect("latest_time");
        assert_eq!(ms(&earliest), ms(SINCE), "earliest_time {earliest:?}");
        assert_eq!(ms(&latest), ms(UNTIL), "latest_time {latest:?}");
        let search = param(e, "search").unwrap();
        assert!(search.starts_with("search index=app "), "{search}");
    }
    let searches = fake.searches();
    assert!(searches[0].contains(&format!("\"{R}\"")), "{searches:#?}");
    assert!(
        searches[1..]
            .iter()
            .any(|s| s.contains(&format!("\"{T}\""))),
        "a later round asks for the trace id: {searches:#?}"
    );
    no_secret(&r, TOKEN);
}

#[test]
fn default_base_search_is_all_indexes() {
    let fake = FakeSplunk::start(token_config());
    let dir = tempfile::tempdir().unwrap();
    let r = run(
        dir.path(),
        &trace_args(&fake.url, None),
        &[("CASEFILE_SPLUNK_TOKEN", TOKEN)],
    );
    assert_eq!(r.code, 0, "stderr:\n{}", r.stderr);
    let got = raws(&r);
    assert!(
        got.iter().any(|g| g == AUDIT_RAW),
        "index=* reaches audit: {got:#?}"
    );
    assert_eq!(got.len(), 4, "{got:#?}");
    for s in fake.searches() {
        assert!(s.starts_with("search index=* "), "{s}");
    }
}

#[test]
fn user_and_password_log_in_then_use_the_session_key() {
    let fake = FakeSplunk::start(SplunkConfig {
        events: data(),
        user: Some((USER.into(), PASSWORD.into())),
        ..Default::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let r = run(
        dir.path(),
        &trace_args(&fake.url, Some("index=app")),
        &[
            ("CASEFILE_SPLUNK_USER", USER),
            ("CASEFILE_SPLUNK_PASSWORD", PASSWORD),
        ],
    );
    assert_eq!(r.code, 0, "stderr:\n{}", r.stderr);
    assert_eq!(r.json_lines().len(), 3, "{}", r.stdout);
    let reqs = fake.recorded();
    let login = &reqs[0];
    assert_eq!(
        (login.method.as_str(), login.path.as_str()),
        ("POST", LOGIN)
    );
    assert_eq!(login.form_field("username").as_deref(), Some(USER));
    assert_eq!(login.form_field("password").as_deref(), Some(PASSWORD));
    assert_eq!(login.status, 200);
    let logins = reqs.iter().filter(|q| q.path == LOGIN).count();
    assert_eq!(logins, 1, "one login per run, the key reused");
    for e in fake.exports() {
        assert_eq!(
            e.header("authorization"),
            Some(&*format!("Splunk {SESSION_KEY}"))
        );
    }
    no_secret(&r, PASSWORD);
    no_secret(&r, SESSION_KEY);
}

#[test]
fn wrong_password_is_exit_2_naming_the_variables() {
    let fake = FakeSplunk::start(SplunkConfig {
        events: data(),
        user: Some((USER.into(), PASSWORD.into())),
        ..Default::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let wrong = "not-the-pw-77";
    let r = run(
        dir.path(),
        &trace_args(&fake.url, Some("index=app")),
        &[
            ("CASEFILE_SPLUNK_USER", USER),
            ("CASEFILE_SPLUNK_PASSWORD", wrong),
        ],
    );
    assert_eq!(r.code, 2, "stderr:\n{}", r.stderr);
    assert!(
        r.stderr.contains("CASEFILE_SPLUNK_PASSWORD") || r.stderr.contains("CASEFILE_SPLUNK_USER"),
        "{}",
        r.stderr
    );
    assert!(fake.exports().is_empty(), "no search without a session");
    no_secret(&r, wrong);
}

#[test]
fn bad_token_is_exit_2_naming_the_variable() {
    let fake = FakeSplunk::start(token_config());
    let dir = tempfile::tempdir().unwrap();
    let wrong = "sk-WRONG-TOKEN-0000";
    let r = run(
        dir.path(),
        &trace_args(&fake.url, Some("index=app")),
        &[("CASEFILE_SPLUNK_TOKEN", wrong)],
    );
    assert_eq!(r.code, 2, "stderr:\n{}", r.stderr);
    assert!(
        r.stderr
            .lines()
            .any(|l| l.contains("CASEFILE_SPLUNK_TOKEN")),
        "{}",
        r.stderr
    );
    assert!(statuses(&fake.exports()).iter().all(|&s| s == 401));
    no_secret(&r, wrong);
}

#[test]
fn old_server_without_v2_falls_back_to_v1_export() {
    let fake = FakeSplunk::start(SplunkConfig {
        v2_missing: true,
        ..token_config()
    });
    let dir = tempfile::tempdir().unwrap();
    let r = run(
        dir.path(),
        &trace_args(&fake.url, Some("index=app")),
        &[("CASEFILE_SPLUNK_TOKEN", TOKEN)],
    );
    assert_eq!(r.code, 0, "stderr:\n{}", r.stderr);
    assert_eq!(r.json_lines().len(), 3, "{}", r.stdout);
    let exports = fake.exports();
    assert_eq!(
        (exports[0].path.as_str(), exports[0].status),
        (V2_EXPORT, 404)
    );
    let ok: Vec<_> = exports.iter().filter(|e| e.status == 200).collect();
    assert!(ok.len() >= 2);
    assert!(ok.iter().all(|e| e.path == V1_EXPORT), "{exports:#?}");
}

#[test]
fn preview_rows_are_skipped() {
    let fake = FakeSplunk::start(SplunkConfig {
        preview_rows: true,
        ..token_config()
    });
    let dir = tempfile::tempdir().unwrap();
    let r = run(
        dir.path(),
        &trace_args(&fake.url, Some("index=app")),
        &[("CASEFILE_SPLUNK_TOKEN", TOKEN)],
    );
    assert_eq!(r.code, 0, "stderr:\n{}", r.stderr);
    assert!(!r.stdout.contains("PREVIEW-ONLY"), "{}", r.stdout);
    // A preview set ends in `lastrow` too: the final results after it must still be read.
    assert_eq!(r.json_lines().len(), 3, "{}", r.stdout);
}

#[test]
fn fatal_message_is_incomplete_and_keeps_the_results() {
    let fake = FakeSplunk::start(SplunkConfig {
        messages: vec![
            json!({"type": "FATAL", "text": "Search auto-canceled: the indexer idx-3 went away"}),
        ],
        ..token_config()
    });
    let dir = tempfile::tempdir().unwrap();
    let r = run(
        dir.path(),
        &trace_args(&fake.url, Some("index=app")),
        &[("CASEFILE_SPLUNK_TOKEN", TOKEN)],
    );
    assert_eq!(r.code, 2, "stderr:\n{}", r.stderr);
    assert!(r.stderr.contains("incomplete"), "{}", r.stderr);
    assert!(raws(&r).iter().any(|g| g == GATEWAY_RAW), "{}", r.stdout);
}

#[test]
fn error_message_is_incomplete() {
    let fake = FakeSplunk::start(SplunkConfig {
        messages: vec![json!({"type": "ERROR", "text": "[idx-2] Streamed search execute failed"})],
        ..token_config()
    });
    let dir = tempfile::tempdir().unwrap();
    let r = run(
        dir.path(),
        &trace_args(&fake.url, Some("index=app")),
        &[("CASEFILE_SPLUNK_TOKEN", TOKEN)],
    );
    assert_eq!(r.code, 2, "stderr:\n{}", r.stderr);
    assert!(r.stderr.contains("incomplete"), "{}", r.stderr);
}

#[test]
fn info_and_warn_messages_are_not_incomplete() {
    let fake = FakeSplunk::start(SplunkConfig {
        messages: vec![
            json!({"type": "INFO", "text": "Your timerange was substituted based on your search string"}),
            json!({"type": "WARN", "text": "Field 'x_forwarded_for' does not exist in the data."}),
        ],
        ..token_config()
    });
    let dir = tempfile::tempdir().unwrap();
    let r = run(
        dir.path(),
        &trace_args(&fake.url, Some("index=app")),
        &[("CASEFILE_SPLUNK_TOKEN", TOKEN)],
    );
    assert!(!r.stderr.contains("incomplete"), "{}", r.stderr);
    assert_eq!(raws(&r).len(), 3, "{}", r.stdout);
}

/// Three events of R only (no other id to follow); newest first on the wire.
fn three_of_r() -> Vec<Value> {
    (1..=3)
        .map(|i| {
            event(
                &format!("2026-11-28T10:00:0{i}.000+00:00"),
                "app",
                "gw-1",
                "/var/log/gateway/access.log",
                "gateway",
                &format!(
                    "2026-11-28T10:00:0{i}.000Z level=info service=gateway step={i} req_id={R}"
                ),
            )
        })
        .collect()
}

#[test]
fn stream_cut_mid_line_is_incomplete_but_keeps_received_events() {
    let fake = FakeSplunk::start(SplunkConfig {
        events: three_of_r(),
        token: Some(TOKEN.into()),
        cut_after_rows: Some(1),
        ..Default::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let r = run(
        dir.path(),
        &trace_args(&fake.url, Some("index=app")),
        &[("CASEFILE_SPLUNK_TOKEN", TOKEN)],
    );
    assert_eq!(r.code, 2, "stderr:\n{}", r.stderr);
    assert!(r.stderr.contains("incomplete"), "{}", r.stderr);
    let got = raws(&r);
    // The newest row arrived whole; the next was cut in half; the oldest never came.
    assert!(got.iter().any(|g| g.contains("step=3")), "{got:#?}");
    assert!(!got.iter().any(|g| g.contains("step=1")), "{got:#?}");
}

#[test]
fn stream_without_lastrow_is_incomplete() {
    let fake = FakeSplunk::start(SplunkConfig {
        events: three_of_r(),
        token: Some(TOKEN.into()),
        omit_lastrow: true,
        ..Default::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let r = run(
        dir.path(),
        &trace_args(&fake.url, Some("index=app")),
        &[("CASEFILE_SPLUNK_TOKEN", TOKEN)],
    );
    assert_eq!(r.code, 2, "stderr:\n{}", r.stderr);
    assert!(r.stderr.contains("incomplete"), "{}", r.stderr);
    assert_eq!(r.json_lines().len(), 3, "{}", r.stdout);
}

#[test]
fn nothing_found_is_not_incomplete() {
    let fake = FakeSplunk::start(token_config());
    let dir = tempfile::tempdir().unwrap();
    let mut args = trace_args(&fake.url, Some("index=app"));
    args[1] = "0123456789abcdef";
    let r = run(dir.path(), &args, &[("CASEFILE_SPLUNK_TOKEN", TOKEN)]);
    assert_eq!(
        r.code, 1,
        "an empty export is complete, and nothing was found: {}",
        r.stderr
    );
    assert!(!r.stderr.contains("incomplete"), "{}", r.stderr);
    assert!(r.stdout.trim().is_empty(), "{}", r.stdout);
}

#[test]
fn throttled_429_is_retried_after_retry_after() {
    let fake = FakeSplunk::start(SplunkConfig {
        throttle_first: 2,
        ..token_config()
    });
    let dir = tempfile::tempdir().unwrap();
    let r = run(
        dir.path(),
        &trace_args(&fake.url, Some("index=app")),
        &[("CASEFILE_SPLUNK_TOKEN", TOKEN)],
    );
    assert_eq!(r.code, 0, "stderr:\n{}", r.stderr);
    assert_eq!(r.json_lines().len(), 3, "{}", r.stdout);
    let exports = fake.exports();
    assert_eq!(statuses(&exports)[..3], [429, 429, 200], "{exports:#?}");
    for w in exports[..3].windows(2) {
        let waited = w[1].at.duration_since(w[0].at);
        assert!(
            waited >= Duration::from_millis(900),
            "Retry-After: 1 was not honoured ({waited:?})"
        );
    }
}

#[test]
fn service_unavailable_503_is_retried() {
    let fake = FakeSplunk::start(SplunkConfig {
        status_5xx_first: 1,
        ..token_config()
    });
    let dir = tempfile::tempdir().unwrap();
    let r = run(
        dir.path(),
        &trace_args(&fake.url, Some("index=app")),
        &[("CASEFILE_SPLUNK_TOKEN", TOKEN)],
    );
    assert_eq!(r.code, 0, "stderr:\n{}", r.stderr);
    assert_eq!(r.json_lines().len(), 3, "{}", r.stdout);
    assert_eq!(statuses(&fake.exports())[..2], [503, 200]);
}

/// A proxy in front of the search head answers `code` once: retried, then the export streams.
fn proxy_error_is_retried(code: u16) {
    let fake = FakeSplunk::start(SplunkConfig {
        status_5xx_first: 1,
        status_5xx: code,
        ..token_config()
    });
    let dir = tempfile::tempdir().unwrap();
    let r = run(
        dir.path(),
        &trace_args(&fake.url, Some("index=app")),
        &[("CASEFILE_SPLUNK_TOKEN", TOKEN)],
    );
    assert_eq!(r.code, 0, "stderr:\n{}", r.stderr);
    assert_eq!(r.json_lines().len(), 3, "{}", r.stdout);
    let exports = fake.exports();
    // Two rounds (the request id, then the trace id), the first one tried twice.
    assert_eq!(statuses(&exports), [code, 200, 200], "{exports:#?}");
    assert_eq!(exports[0].body, exports[1].body, "the same search again");
    assert!(r.stderr.contains(&format!("HTTP {code}")), "{}", r.stderr);
    assert!(r.stderr.contains("(1 retried), complete"), "{}", r.stderr);
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
fn connection_closed_before_the_answer_is_retried() {
    let fake = FakeSplunk::start(SplunkConfig {
        drop_first: 1,
        ..token_config()
    });
    let dir = tempfile::tempdir().unwrap();
    let r = run(
        dir.path(),
        &trace_args(&fake.url, Some("index=app")),
        &[("CASEFILE_SPLUNK_TOKEN", TOKEN)],
    );
    assert_eq!(r.code, 0, "stderr:\n{}", r.stderr);
    assert_eq!(r.json_lines().len(), 3, "{}", r.stdout);
    let exports = fake.exports();
    assert_eq!(statuses(&exports), [0, 200, 200], "{exports:#?}");
    assert_eq!(exports[0].body, exports[1].body, "the same search again");
    assert!(r.stderr.contains("(1 retried), complete"), "{}", r.stderr);
}

#[test]
fn slow_server_is_waited_for() {
    let fake = FakeSplunk::start(SplunkConfig {
        delay_before_body: Duration::from_millis(1500),
        ..token_config()
    });
    let dir = tempfile::tempdir().unwrap();
    let r = run(
        dir.path(),
        &trace_args(&fake.url, Some("index=app")),
        &[("CASEFILE_SPLUNK_TOKEN", TOKEN)],
    );
    assert_eq!(r.code, 0, "stderr:\n{}", r.stderr);
    assert_eq!(r.json_lines().len(), 3, "{}", r.stdout);
}

#[test]
fn trace_merges_splunk_with_local_files() {
    let fake = FakeSplunk::start(token_config());
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("logs")).unwrap();
    let local = format!(
        "2026-11-28T10:00:00.050Z level=info service=edge msg=\"POST /api/orders\" req_id={R}\n\
         2026-11-28T10:00:00.060Z level=info service=edge msg=\"GET /health\" req_id=0000000000000001\n"
    );
    std::fs::write(dir.path().join("logs/edge.log"), local).unwrap();
    let mut args = trace_args(&fake.url, Some("index=app"));
    args.push("logs");
    let r = run(dir.path(), &args, &[("CASEFILE_SPLUNK_TOKEN", TOKEN)]);
    assert_eq!(r.code, 0, "stderr:\n{}", r.stderr);
    let events = r.json_lines();
    assert_eq!(events.len(), 4, "{events:#?}");
    let edge = events
        .iter()
        .find(|e| e["source"] == "logs/edge.log")
        .expect("the local event");
    assert_eq!(edge["line"], 1);
    // Merged in time order: the local edge line first.
    assert_eq!(events[0]["source"], "logs/edge.log");
}

#[test]
fn events_reads_the_window_from_splunk() {
    let fake = FakeSplunk::start(token_config());
    let dir = tempfile::tempdir().unwrap();
    let r = run(
        dir.path(),
        &window_args("events", &fake.url),
        &[("CASEFILE_SPLUNK_TOKEN", TOKEN)],
    );
    assert_eq!(r.code, 0, "stderr:\n{}", r.stderr);
    let got = raws(&r);
    // Everything of index app in [since, until): not the late one, not audit.
    for want in [
        GATEWAY_RAW,
        ORDERS_RAW,
        PAYMENTS_RAW,
        NOISE_RAW,
        NEAR_MISS_RAW,
    ] {
        assert!(got.iter().any(|g| g == want), "missing {want:?}");
    }
    assert_eq!(got.len(), 5, "{got:#?}");
    let ts: Vec<String> = r
        .json_lines()
        .iter()
        .map(|e| e["ts"].as_str().unwrap().to_string())
        .collect();
    let mut sorted = ts.clone();
    sorted.sort();
    assert_eq!(ts, sorted, "events come out oldest first");
    no_secret(&r, TOKEN);
}

// ---------------------------------------------------------------------------------------------
// The fake itself, against the documented wire format.

fn export(fake: &FakeSplunk, search: &str) -> (u16, Vec<Value>, String) {
    let body = format!(
        "search={}&earliest_time=2026-11-28T09%3A00%3A00Z&latest_time=1795863600&output_mode=json",
        urlencode(search)
    );
    let resp = request(
        &fake.url,
        "POST",
        V2_EXPORT,
        &[
            ("Authorization", &format!("Bearer {TOKEN}")),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        body.as_bytes(),
    );
    let text = resp.text();
    let rows = text
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    (resp.status, rows, text)
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[test]
fn fake_splunk_streams_rows_newest_first_with_lastrow() {
    let fake = FakeSplunk::start(token_config());
    // 1795863600 = 2026-11-28T11:00:00Z
    assert_eq!(ms("1795863600"), ms(UNTIL));
    let (status, rows, text) = export(&fake, &format!("search index=app (\"{T}\") | head 100"));
    assert_eq!(status, 200, "{text}");
    assert_eq!(rows.len(), 3, "{text}");
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row["preview"], false);
        assert_eq!(row["offset"], i);
        assert_eq!(row.get("lastrow").is_some(), i == 2, "{row}");
        assert_eq!(row["result"]["_si"], json!(["idx-1", "app"]));
    }
    let times: Vec<&str> = rows
        .iter()
        .map(|r| r["result"]["_time"].as_str().unwrap())
        .collect();
    assert_eq!(
        times,
        [
            "2026-11-28T10:00:00.400+00:00",
            "2026-11-28T11:00:00.250+01:00",
            "2026-11-28T10:00:00.100+00:00"
        ]
    );
    let pay = &rows[0]["result"];
    assert_eq!(pay["tag"], json!(["payment", "pci"]));
    assert_eq!(pay["decline_code"], "51", "values are strings");
    let keys: Vec<&String> = pay.as_object().unwrap().keys().collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert!(text.ends_with("}\n"));
}

#[test]
fn fake_splunk_empty_export_is_a_single_lastrow_line() {
    let fake = FakeSplunk::start(token_config());
    let (status, _, text) = export(&fake, "search index=app (\"nothing-like-this\")");
    assert_eq!(status, 200);
    assert_eq!(text, "{\"preview\":false,\"lastrow\":true}\n");
}

#[test]
fn fake_splunk_matches_whole_tokens_case_insensitively() {
    assert!(term_matches("req_id=c0ffee1234567890 x", R));
    assert!(term_matches("[C0FFEE1234567890]", R));
    assert!(term_matches("id:c0ffee1234567890.", R));
    assert!(!term_matches("req_id=c0ffee1234567890ab", R));
    assert!(!term_matches("xc0ffee1234567890", R));
    assert!(!term_matches("c0ffee1234567890-2", R));
    assert!(!term_matches("c0ffee1234567890_2", R));
    assert!(term_matches("GET /api/orders/42 200", "/api/orders/*"));
    let spl =
        parse_spl("search index=app sourcetype=gate* (\"a\" OR \"b\") NOT x | head 5").unwrap();
    assert_eq!(spl.head, Some(5));
    assert!(parse_spl("index=app")
        .unwrap_err()
        .contains("Unknown search command 'index'"));
    assert!(parse_spl("search x | sort _time").is_err());
    let e = json!({"index": "app", "sourcetype": "gateway", "_raw": "b y"});
    assert!(spl.filter.eval(&e));
    assert!(!spl
        .filter
        .eval(&json!({"index": "app", "sourcetype": "gateway", "_raw": "b x"})));
    assert!(!spl
        .filter
        .eval(&json!({"index": "web", "sourcetype": "gateway", "_raw": "b"})));
}

#[test]
fn fake_splunk_times() {
    assert_eq!(
        ms("2026-11-28T11:00:00.250+01:00"),
        ms("2026-11-28T10:00:00.250Z")
    );
    assert_eq!(ms("2026-11-28 10:00:00.25Z"), ms("1795860000.25"));
    assert_eq!(ms("2026-11-28T10:00:00+0000"), 1_795_860_000_000);
    assert_eq!(format_utc_ms(1_795_860_000_250), "2026-11-28T10:00:00.250Z");
    assert_eq!(parse_time_ms("-1h", 7_200_000), Some(3_600_000));
    assert_eq!(parse_time_ms("yesterday", 0), None);
}

#[test]
fn fake_splunk_auth_answers() {
    let fake = FakeSplunk::start(SplunkConfig {
        user: Some((USER.into(), PASSWORD.into())),
        ..token_config()
    });
    let form = |u: &str, p: &str, json: bool| {
        let mut b = format!("username={u}&password={p}");
        if json {
            b.push_str("&output_mode=json");
        }
        request(
            &fake.url,
            "POST",
            LOGIN,
            &[("Content-Type", "application/x-www-form-urlencoded")],
            b.as_bytes(),
        )
    };
    let ok = form(USER, PASSWORD, true);
    assert_eq!(ok.status, 200);
    assert_eq!(ok.json()["sessionKey"], SESSION_KEY);
    let xml = form(USER, PASSWORD, false);
    assert!(xml
        .text()
        .contains(&format!("<sessionKey>{SESSION_KEY}</sessionKey>")));
    let bad = form(USER, "nope", true);
    assert_eq!(bad.status, 401);
    assert_eq!(
        bad.json(),
        json!({"messages": [{"type": "WARN", "code": "incorrect_username_or_password", "text": "Login failed"}]})
    );
    assert!(form(USER, "nope", false)
        .text()
        .contains("<msg type=\"WARN\" code=\"incorrect_username_or_password\">Login failed</msg>"));

    let search = b"search=search+*&output_mode=json";
    let ct = ("Content-Type", "application/x-www-form-urlencoded");
    let unauth = request(&fake.url, "POST", V1_EXPORT, &[ct], search);
    assert_eq!(unauth.status, 401);
    assert_eq!(
        unauth.json(),
        json!({"messages": [{"type": "WARN", "text": "call not properly authenticated"}]})
    );
    for auth in [
        format!("Splunk {SESSION_KEY}"),
        format!(
            "Basic {}",
            base64_encode(format!("{USER}:{PASSWORD}").as_bytes())
        ),
        format!("Bearer {TOKEN}"),
    ] {
        let r = request(
            &fake.url,
            "POST",
            V1_EXPORT,
            &[ct, ("Authorization", &auth)],
            search,
        );
        assert_eq!(r.status, 200, "{auth}");
    }
}

#[test]
fn fake_splunk_cut_and_throttle() {
    let fake = FakeSplunk::start(SplunkConfig {
        events: three_of_r(),
        token: Some(TOKEN.into()),
        cut_after_rows: Some(1),
        throttle_first: 1,
        ..Default::default()
    });
    let (status, _, _) = export(&fake, &format!("search \"{R}\""));
    assert_eq!(status, 429);
    assert_eq!(fake.exports()[0].status, 429);
    let (status, rows, text) = export(&fake, &format!("search \"{R}\""));
    assert_eq!(status, 200);
    assert_eq!(rows.len(), 1, "{text}");
    assert!(rows[0].get("lastrow").is_none());
    assert!(!text.ends_with('\n'), "cut mid-line: {text}");
}

// ---------------------------------------------------------------------------------------------
// Splunk in bundle, cluster, profiles and the result cap

#[test]
fn bundle_from_splunk_records_the_source_and_keeps_the_token_out() {
    let fake = FakeSplunk::start(token_config());
    let dir = tempfile::tempdir().unwrap();
    let mut args = trace_args(&fake.url, Some("index=app"));
    args[0] = "bundle";
    args.retain(|a| *a != "--json");
    args.extend(["-o", "case"]);
    let r = run(dir.path(), &args, &[("CASEFILE_SPLUNK_TOKEN", TOKEN)]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let case = dir.path().join("case");
    let manifest = std::fs::read(case.join("manifest.json")).unwrap();
    validate_manifest(&manifest);
    let m: Value = serde_json::from_slice(&manifest).unwrap();
    let src = &m["remote_sources"][0];
    assert_eq!(src["kind"], "splunk");
    assert_eq!(src["url"], fake.url.as_str());
    assert_eq!(src["scope"], "index=app");
    assert_eq!(src["complete"], true);
    assert_eq!(src["events_taken"], 3, "{m:#}");
    assert_eq!(src["range_defaulted"], false);
    let timeline = std::fs::read_to_string(case.join("timeline.jsonl")).unwrap();
    assert_eq!(timeline.lines().count(), 3);
    assert!(timeline.lines().all(|l| l.contains("\"line\":null")));
    let excerpt = std::fs::read_to_string(
        case.join("excerpts")
            .join("splunk__gw-1__var__log__gateway__access.log.txt"),
    )
    .unwrap_or_else(|e| {
        panic!(
            "{e}: {:?}",
            std::fs::read_dir(case.join("excerpts"))
                .unwrap()
                .collect::<Vec<_>>()
        )
    });
    assert!(excerpt.contains("POST /api/orders"), "{excerpt}");
    for f in walk(&case) {
        let text = String::from_utf8_lossy(&std::fs::read(&f).unwrap()).into_owned();
        assert!(!text.contains(TOKEN), "the token is in {}", f.display());
    }
    let v = run(dir.path(), &["verify", "case"], &[]);
    assert_eq!(v.code, 0, "{}", v.stdout);
    no_secret(&r, TOKEN);
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn cluster_over_splunk_names_remote_examples() {
    let fake = FakeSplunk::start(token_config());
    let dir = tempfile::tempdir().unwrap();
    let r = run(
        dir.path(),
        &window_args("cluster", &fake.url),
        &[("CASEFILE_SPLUNK_TOKEN", TOKEN)],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rep = r.json();
    let sigs = rep["signatures"].as_array().unwrap();
    let total: u64 = sigs.iter().map(|s| s["count"].as_u64().unwrap()).sum();
    assert_eq!(total, 5, "the five app records of the window: {rep:#}");
    let examples: Vec<&str> = sigs
        .iter()
        .flat_map(|s| s["examples"].as_array().unwrap())
        .map(|e| e.as_str().unwrap())
        .collect();
    assert!(
        examples.contains(&"splunk://pay-1/var/log/payments/app.log"),
        "{examples:?}"
    );
    // The export pulled the window without ids.
    let search = fake.exports()[0].form_field("search").unwrap();
    assert!(!search.contains(R), "{search}");
}

#[test]
fn profile_with_a_credential_command() {
    let fake = FakeSplunk::start(token_config());
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("casefile.toml"),
        format!(
            "[sources.prod]\nkind = \"splunk\"\nurl = \"{}\"\nsearch = \"index=app\"\n\
             token_command = \"printf %s {TOKEN}\"\n",
            fake.url
        ),
    )
    .unwrap();
    let r = run(
        dir.path(),
        &[
            "trace",
            R,
            "--config",
            "casefile.toml",
            "--source",
            "prod",
            "--since",
            SINCE,
            "--until",
            UNTIL,
            "--json",
        ],
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json_lines().len(), 3, "{}", r.stdout);
    assert_eq!(
        fake.exports()[0].header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    no_secret(&r, TOKEN);
}

#[test]
fn result_cap_is_reported_as_incomplete() {
    let fake = FakeSplunk::start(token_config());
    let dir = tempfile::tempdir().unwrap();
    let mut args = trace_args(&fake.url, Some("index=app"));
    args.extend(["--remote-limit", "1"]);
    let r = run(dir.path(), &args, &[("CASEFILE_SPLUNK_TOKEN", TOKEN)]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--remote-limit"), "{}", r.stderr);
    assert!(r.stderr.contains("incomplete"), "{}", r.stderr);
    let search = fake.exports()[0].form_field("search").unwrap();
    assert!(search.ends_with("| head 2"), "{search}");
}

#[test]
fn window_adds_what_the_services_logged_around_the_request() {
    let fake = FakeSplunk::start(token_config());
    let dir = tempfile::tempdir().unwrap();
    let mut args = trace_args(&fake.url, Some("index=app"));
    args.extend(["--window", "1s"]);
    let r = run(dir.path(), &args, &[("CASEFILE_SPLUNK_TOKEN", TOKEN)]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let evs = r.json_lines();
    let context: Vec<&str> = evs
        .iter()
        .filter(|e| e["context"] == true)
        .map(|e| e["raw"].as_str().unwrap())
        .collect();
    // The other request's orders line and the near-miss gateway line are within 1 s of the
    // request, in its services; the late line is not.
    assert_eq!(context.len(), 2, "{context:#?}");
    assert!(context.contains(&NOISE_RAW));
    assert!(context.contains(&NEAR_MISS_RAW));
    assert_eq!(evs.iter().filter(|e| e["context"] != true).count(), 3);
    // In time order, matched and context together.
    let ts: Vec<&str> = evs.iter().map(|e| e["ts"].as_str().unwrap()).collect();
    let mut sorted = ts.clone();
    sorted.sort();
    assert_eq!(ts, sorted);
}

/// `requests` over Splunk: the range (with its five-minute margin) and the `--where` value are
/// pushed down; the request is then completed by following its ids remotely, and named by its
/// request id although the record naming the order carried only the trace id.
#[test]
fn requests_pushes_the_value_and_range_down_then_follows_the_ids() {
    let fake = FakeSplunk::start(token_config());
    let dir = tempfile::tempdir().unwrap();
    let r = run(
        dir.path(),
        &[
            "requests",
            "--splunk",
            &fake.url,
            "--splunk-search",
            "index=app",
            "--where",
            "order_id=42",
            "--around",
            "2026-11-28 11:00 +01:00",
            "--within",
            "10m",
            "--json",
        ],
        &[("CASEFILE_SPLUNK_TOKEN", TOKEN)],
    );
    assert_eq!(r.code, 0, "stderr:\n{}", r.stderr);
    let rows = r.json_lines();
    assert_eq!(rows.len(), 1, "{rows:#?}");
    let row = &rows[0];
    assert_eq!(row["request"], R);
    assert_eq!(row["events"], 3, "gateway, orders, payments: {row}");
    assert_eq!(row["failed"], true);
    assert_eq!(row["level"], "error");
    assert_eq!(
        row["services"],
        json!(["gateway", "orders", "payments"]),
        "{row}"
    );
    assert_eq!(row["first_error"]["service"], "payments");
    assert_eq!(row["population"]["order_id"], json!(["42"]));

    let exports = fake.exports();
    let first = &exports[0];
    // [10:00 - 10m - 5m, 10:00 + 10m + 5m], the seed range.
    assert_eq!(
        ms(&param(first, "earliest_time").unwrap()),
        ms("2026-11-28T09:45:00Z")
    );
    assert!(
        ms(&param(first, "latest_time").unwrap()) >= ms("2026-11-28T10:15:00Z"),
        "{first:?}"
    );
    let searches = fake.searches();
    assert!(searches[0].contains("\"42\""), "{searches:#?}");
    assert!(
        searches[1..]
            .iter()
            .any(|s| s.contains(&format!("\"{T}\""))),
        "the trace id is followed: {searches:#?}"
    );
    no_secret(&r, TOKEN);
}
