//! Structured JSON formats read by their producer's conventions: journald, MongoDB, log4j2,
//! Serilog CLEF, Nextcloud, GELF, bunyan and pino. Each fixture under `fixtures/formats/<name>/`
//! is real output (journalctl, bunyan, pino, pygelf) or written from the producer's docs; every
//! event's time (UTC), level, service, host, message and start line is pinned.

mod common;

use common::*;
use serde_json::Value;

/// (line, ts, level, service, host, message)
type Want<'a> = (
    u64,
    &'a str,
    &'a str,
    Option<&'a str>,
    Option<&'a str>,
    &'a str,
);

/// (line, ts, level, service, message)
type Row<'a> = (u64, &'a str, Option<&'a str>, Option<&'a str>, &'a str);

fn events_of(dir: &str) -> Vec<Value> {
    let r = casefile(
        &fixtures(),
        &["events", &format!("formats/{dir}"), "--json"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.json_lines()
}

fn events_stdin(text: &str) -> Vec<Value> {
    let r = casefile_stdin(
        &fixtures(),
        &["events", "-", "--json"],
        Some(text.as_bytes().to_vec()),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.json_lines()
}

fn check(evs: &[Value], want: &[Want]) {
    assert_eq!(evs.len(), want.len(), "{evs:#?}");
    for &(line, ts, level, service, host, message) in want {
        let e = evs
            .iter()
            .find(|e| e["line"] == line)
            .unwrap_or_else(|| panic!("no event at line {line}: {evs:#?}"));
        assert_eq!(e["ts"], ts, "line {line}: {e}");
        assert_eq!(e["level"], level, "line {line}: {e}");
        assert_eq!(e["service"].as_str(), service, "line {line}: {e}");
        assert_eq!(e["host"].as_str(), host, "line {line}: {e}");
        assert_eq!(e["message"], message, "line {line}: {e}");
    }
}

fn id_at<'a>(evs: &'a [Value], line: u64, key: &str) -> Option<&'a str> {
    evs.iter().find(|e| e["line"] == line)?["ids"][key].as_str()
}

/// `journalctl -o json` (real output: an export stream written to a journal file by
/// systemd-journal-remote, read back with journalctl). `_SOURCE_REALTIME_TIMESTAMP` (when the
/// program logged) beats `__REALTIME_TIMESTAMP` (when journald received it), as in journalctl's
/// own text output; `MESSAGE` as a byte array (not UTF-8, or with escape codes) is decoded.
#[test]
fn journald_json() {
    let evs = events_of("journald-json");
    let web1 = Some("web-01");
    let web2 = Some("web-02");
    check(
        &evs,
        &[
            (1, "2023-08-29T13:47:38.984123Z", "info", Some("sshd"), web1, "Accepted publickey for deploy from 10.0.4.7 port 51144 ssh2"),
            // no SYSLOG_IDENTIFIER: the unit, without `.service`
            (2, "2023-08-29T13:47:40.234123Z", "error", Some("nginx"), web1, "upstream timed out while reading response header"),
            // neither: `_COMM`
            (3, "2023-08-29T13:47:40.984123Z", "warn", Some("containerd"), web1, "failed to pull image registry.local/cart:1.4: not found"),
            (4, "2023-08-29T13:47:42.484123Z", "info", Some("backup"), web1, "copied caf\u{fffd}.tar to /srv/backup"),
            // received at 13:47:44.984123, logged 1.5 s earlier
            (5, "2023-08-29T13:47:43.484123Z", "fatal", Some("orders-api"), web2, "database connection pool exhausted, shutting down trace_id=4bf92f3577b34da6a3ce929d0e0e4736"),
            (6, "2023-08-29T13:47:45.984123Z", "debug", Some("orders-api"), web2, "cache miss key=cart:9001"),
            (7, "2023-08-29T13:47:46.984123Z", "fatal", Some("kernel"), web2, "Kernel panic - not syncing: Fatal exception"),
            (8, "2023-08-29T13:47:47.984123Z", "fatal", Some("mdadm"), Some("db-01"), "DegradedArray event detected on md device /dev/md0"),
            (9, "2023-08-29T13:47:48.484123Z", "info", Some("checkout"), web2, "\u{1b}[32minfo\u{1b}[39m: order placed order_id=A-1009"),
        ],
    );
    assert_eq!(id_at(&evs, 1, "_PID"), Some("812"));
    // a program's own field is an id; journald's (`_BOOT_ID`, `MESSAGE_ID`, `_UID`) are not
    assert_eq!(id_at(&evs, 2, "REQUEST_ID"), Some("7f3c9a21"));
    assert_eq!(
        id_at(&evs, 5, "trace_id"),
        Some("4bf92f3577b34da6a3ce929d0e0e4736")
    );
    assert_eq!(id_at(&evs, 9, "order_id"), Some("A-1009"));
    for e in &evs {
        let ids = e["ids"].as_object().unwrap();
        assert!(
            ids.keys()
                .all(|k| k == "_PID" || !k.starts_with('_') && k != "MESSAGE_ID"),
            "{e}"
        );
    }
}

/// MongoDB 4.4+ structured log: `s` F/E/W/I/D1-D5, `c` the component (a logger: the path's
/// `mongod` names the service), ids inside `attr` followed under their own name.
#[test]
fn mongodb() {
    let evs = events_of("mongodb");
    let m = Some("mongod");
    check(
        &evs,
        &[
            (1, "2023-08-29T13:47:38.984Z", "info", m, None, "Listening on"),
            // iso8601-local (+02:00)
            (2, "2023-08-29T13:47:39.120Z", "warn", m, None, "Access control is not enabled for the database. Read and write access to data and configuration is unrestricted"),
            (3, "2023-08-29T13:47:40.002Z", "info", m, None, "Connection accepted"),
            (4, "2023-08-29T13:47:40.010Z", "debug", m, None, "About to run the command"),
            (5, "2023-08-29T13:47:41.057Z", "info", m, None, "Slow query"),
            (6, "2023-08-29T13:47:41.300Z", "debug", m, None, "WiredTiger message"),
            (7, "2023-08-29T13:47:42.500Z", "error", m, None, "Heartbeat failed after max retries"),
            (8, "2023-08-29T13:47:45.000Z", "fatal", m, None, "Writing fatal message"),
        ],
    );
    assert_eq!(id_at(&evs, 5, "request_id"), Some("req-5c1e"));
    assert_eq!(id_at(&evs, 3, "attr.connectionId"), Some("281"));
    // `trace` follows the request id from inside `attr.command.comment`
    let r = casefile(
        &fixtures(),
        &["trace", "req-5c1e", "formats/mongodb", "--json"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<u64> = r
        .json_lines()
        .iter()
        .filter_map(|e| e["line"].as_u64())
        .collect();
    assert_eq!(lines, [4, 5]);
}

/// log4j2 JsonLayout (`instant` seconds + nanoseconds, or `timeMillis`): `loggerName` is the
/// logger, `contextMap` ids are followed, `thrown` is summed up in the message.
#[test]
fn log4j2_json() {
    let evs = events_of("log4j2-json");
    let o = Some("orders");
    check(
        &evs,
        &[
            (1, "2023-08-29T13:47:38.984Z", "info", o, None, "Started OrdersApplication in 3.412 seconds"),
            (2, "2023-08-29T13:47:39.120500Z", "trace", o, None, "POST /orders body=412 bytes"),
            (3, "2023-08-29T13:47:39.131000123Z", "debug", o, None, "price computed for order A-1009: 42.50 EUR"),
            (4, "2023-08-29T13:47:40.002Z", "warn", o, None, "payment gateway slow, retrying (1/3)"),
            (5, "2023-08-29T13:47:41.500Z", "error", o, None, "order A-1009 failed: java.net.SocketTimeoutException: Read timed out"),
            (6, "2023-08-29T13:47:42.750Z", "info", o, None, "reconciled 118 orders"),
            (7, "2023-08-29T13:48:20.000Z", "fatal", o, None, "Application run failed: org.springframework.boot.web.server.PortInUseException: Failed to bind to 0.0.0.0:8080"),
        ],
    );
    assert_eq!(id_at(&evs, 5, "requestId"), Some("9f1c2d3e"));
    assert_eq!(id_at(&evs, 5, "contextMap.userId"), Some("u-42"));
    assert_eq!(id_at(&evs, 5, "threadId"), None, "a thread is no id");
}

/// Serilog compact JSON (CLEF): `@l` absent is Information, `@mt` rendered as Serilog renders
/// it (strings quoted, `{@Order}` destructured, `{$User}` stringified, `@r` for formats,
/// alignment, `{{`), `@m` as written, `@x` summed up, `@i` kept.
#[test]
fn serilog_clef() {
    let evs = events_of("serilog-clef");
    let s = Some("orders-api");
    let h = Some("ord-01");
    check(
        &evs,
        &[
            (1, "2023-08-29T13:47:38.984Z", "info", s, h, "Now listening on: \"http://[::]:5000\""),
            (2, "2023-08-29T13:47:39.120Z", "trace", s, h, "Cache lookup for \"cart:9001\""),
            (3, "2023-08-29T13:47:39.130500Z", "debug", s, h, "Loaded 3 items in 12.35 ms"),
            (4, "2023-08-29T13:47:39.250Z", "info", s, h, "Order \"A-1009\" placed by \"alice\": Order { Id: \"A-1009\", Total: 42.5, Express: True, Lines: [\"sku-1\", \"sku-7\"] }"),
            (5, "2023-08-29T13:47:40.500Z", "warn", s, h, "Payment provider \"acq\"   | slow: 2400 ms, retry policy {max=3} applies"),
            (6, "2023-08-29T13:47:41.750Z", "error", s, h, "Charge for order \"A-1010\" failed: System.Net.Http.HttpRequestException: Connection refused (pay.local:443)"),
            (7, "2023-08-29T13:47:42.000Z", "info", s, h, "Legacy call \"GetCart\" took 37 ms, {Missing} unchanged"),
            (8, "2023-08-29T13:48:00.000Z", "fatal", s, h, "Host terminated unexpectedly: System.InvalidOperationException: Unable to bind to http://0.0.0.0:5000 on the IPv4 loopback interface: 'Address already in use'."),
        ],
    );
    assert_eq!(id_at(&evs, 6, "@i"), Some("67e44bb0"));
    assert_eq!(id_at(&evs, 6, "RequestId"), Some("0HMSU3F1T8K2B:00000004"));
    assert_eq!(
        id_at(&evs, 6, "TraceId"),
        Some("4bf92f3577b34da6a3ce929d0e0e4736")
    );
    assert_eq!(id_at(&evs, 4, "OrderId"), Some("A-1009"));
}

/// Nextcloud's `nextcloud.log`: level 0 debug .. 4 fatal, `app` the service (`no app in
/// context` names none: the path's `nextcloud` does), `reqId` followed, `exception` summed up.
#[test]
fn nextcloud() {
    let evs = events_of("nextcloud");
    check(
        &evs,
        &[
            (1, "2023-08-29T13:47:38.000Z", "debug", Some("dav"), None, "Propfind depth 1 on /files/alice/Photos"),
            (2, "2023-08-29T13:47:39.000Z", "info", Some("admin_audit"), None, "Login successful: \"alice\""),
            (3, "2023-08-29T13:47:40.000Z", "warn", Some("core"), None, "Login failed: bob (Remote IP: 10.0.4.9)"),
            (4, "2023-08-29T13:47:41.000Z", "error", Some("files"), None, "File not found: /alice/files/Photos/2023.zip"),
            (5, "2023-08-29T13:47:42.000Z", "error", Some("nextcloud"), None, "Doctrine\\DBAL\\Exception\\ConnectionException: An exception occurred in the driver: SQLSTATE[HY000] [2002] Connection refused"),
            (6, "2023-08-29T13:47:45.000Z", "fatal", Some("cron"), None, "Cron job failed: OCA\\Files\\BackgroundJob\\ScanFiles: disk full"),
        ],
    );
    assert_eq!(id_at(&evs, 4, "reqId"), Some("Hq2WcE5fJ0uYt6RsA1zB"));
    assert_eq!(id_at(&evs, 4, "user"), Some("alice"));
    assert_eq!(id_at(&evs, 3, "user"), None, "`--` is no user");
}

/// GELF (real pygelf output, plus a notice): level is a syslog severity, `timestamp` seconds to
/// the millisecond as written, `_`-prefixed fields kept and `_request_id` followed.
#[test]
fn gelf() {
    let evs = events_of("gelf");
    let p = Some("payments");
    let h = Some("pay-01");
    check(
        &evs,
        &[
            (
                1,
                "2023-08-29T13:47:38.984Z",
                "debug",
                p,
                h,
                "fraud score computed: 0.12",
            ),
            (
                2,
                "2023-08-29T13:47:39.234Z",
                "info",
                p,
                h,
                "charge accepted for order A-1009",
            ),
            (
                3,
                "2023-08-29T13:47:40.484Z",
                "warn",
                p,
                h,
                "3DS challenge timed out, retrying",
            ),
            (
                4,
                "2023-08-29T13:47:41.734Z",
                "error",
                p,
                h,
                "charge failed",
            ),
            (
                5,
                "2023-08-29T13:48:38.984Z",
                "fatal",
                p,
                h,
                "settlement batch aborted",
            ),
            (
                6,
                "2023-08-29T13:48:40.500Z",
                "info",
                p,
                Some("pay-02"),
                "card network maintenance window starts in 10 minutes",
            ),
        ],
    );
    assert_eq!(id_at(&evs, 4, "_request_id"), Some("pay-7732"));
    assert_eq!(id_at(&evs, 4, "_user_id"), Some("9002"));
    let r = casefile(
        &fixtures(),
        &["trace", "pay-7732", "formats/gelf", "--json"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json_lines().len(), 2);
}

/// bunyan (real output): `name` is the application even when a child logger adds a
/// `component`; `err` summed up.
#[test]
fn bunyan() {
    let evs = events_of("bunyan");
    let b = Some("billing");
    let h = Some("billing-7d9f");
    check(
        &evs,
        &[
            (
                1,
                "2023-08-29T13:47:38.984Z",
                "trace",
                b,
                h,
                "loading invoice 88812",
            ),
            (
                2,
                "2023-08-29T13:47:38.996Z",
                "debug",
                b,
                h,
                "invoice cache miss",
            ),
            (
                3,
                "2023-08-29T13:47:39.226Z",
                "info",
                b,
                h,
                "invoice 88812 rendered",
            ),
            (
                4,
                "2023-08-29T13:47:40.231Z",
                "warn",
                b,
                h,
                "payment provider slow: 2.4s",
            ),
            (
                5,
                "2023-08-29T13:47:41.031Z",
                "error",
                b,
                h,
                "charge failed: Error: card declined",
            ),
            (
                6,
                "2023-08-29T13:48:42.031Z",
                "info",
                b,
                h,
                "ledger snapshot written",
            ),
            (
                7,
                "2023-08-29T13:48:42.034Z",
                "fatal",
                b,
                h,
                "ledger database unreachable, exiting",
            ),
        ],
    );
    assert_eq!(id_at(&evs, 5, "req_id"), Some("r-5502"));
    assert_eq!(id_at(&evs, 3, "user_id"), Some("u-42"));
}

/// pino (real output): `time` epoch milliseconds, `name` the service (the file is
/// `pino/server.log`, which would name `pino`).
#[test]
fn pino() {
    let evs = events_of("pino");
    let c = Some("cart");
    let h = Some("cart-5c8b");
    check(
        &evs,
        &[
            (1, "2023-08-29T13:47:38.984Z", "trace", c, h, "cart lookup"),
            (2, "2023-08-29T13:47:38.991Z", "debug", c, h, "cart loaded"),
            (
                3,
                "2023-08-29T13:47:39.031Z",
                "info",
                c,
                h,
                "checkout started",
            ),
            (
                4,
                "2023-08-29T13:47:40.531Z",
                "warn",
                c,
                h,
                "inventory service retry 1/3",
            ),
            (
                5,
                "2023-08-29T13:47:42.531Z",
                "error",
                c,
                h,
                "checkout failed: Error: inventory unavailable",
            ),
            (
                6,
                "2023-08-29T13:47:42.631Z",
                "info",
                c,
                h,
                "promo code APPLY10 applied",
            ),
            (
                7,
                "2023-08-29T13:49:22.631Z",
                "fatal",
                c,
                h,
                "out of memory, exiting",
            ),
        ],
    );
    assert_eq!(id_at(&evs, 4, "reqId"), Some("c-102"));
}

/// A logger names the service only when neither the record nor the path does: read from
/// stdin (no path), MongoDB's component, log4j2's `loggerName` and Serilog's `SourceContext`
/// are the service.
#[test]
fn logger_is_the_service_only_without_a_path() {
    let read = |f: &str| std::fs::read_to_string(fixtures().join("formats").join(f)).unwrap();
    let svc = |evs: &[Value], line: u64| {
        evs.iter().find(|e| e["line"] == line).unwrap()["service"]
            .as_str()
            .map(str::to_string)
    };
    let evs = events_stdin(&read("mongodb/mongod.log"));
    assert_eq!(svc(&evs, 1).as_deref(), Some("NETWORK"));
    assert_eq!(svc(&evs, 7).as_deref(), Some("REPL"));
    let evs = events_stdin(&read("log4j2-json/orders.json"));
    assert_eq!(
        svc(&evs, 5).as_deref(),
        Some("com.acme.orders.service.OrderService")
    );
    let evs = events_stdin(&read("serilog-clef/orders-api.json"));
    assert_eq!(
        svc(&evs, 6).as_deref(),
        Some("Orders.Payments.PaymentClient")
    );
    // a real service key still beats the logger, and the path too
    let evs = events_stdin(
        r#"{"ts":"2023-08-29T13:47:38Z","level":"info","service":"orders","logger":"a.b.C","msg":"x"}"#,
    );
    assert_eq!(svc(&evs, 1).as_deref(), Some("orders"));
}

/// log4j2's other JSON shapes (JsonTemplateLayout's EcsLayout and GelfLayout) and lower-case
/// or odd level spellings; a number with no producer clue: 10..60 is the pino scale, 0..7 a
/// syslog severity.
#[test]
fn other_shapes_and_level_spellings() {
    let evs = events_stdin(concat!(
        r#"{"@timestamp":"2023-08-29T13:47:38.984Z","ecs.version":"1.2.0","log.level":"ERROR","message":"order failed","process.thread.name":"main","log.logger":"com.acme.Orders","service.name":"orders","error.type":"java.lang.IllegalStateException","error.message":"no stock","error.stack_trace":"java.lang.IllegalStateException: no stock\n\tat com.acme.Orders.place(Orders.java:9)"}"#,
        "\n",
        r#"{"version":"1.1","host":"ord-01","short_message":"payment slow","full_message":"payment slow\nretrying","timestamp":1693316859.5,"level":4,"_logger":"com.acme.Pay","_thread":"main"}"#,
        "\n",
        r#"{"time":"2023-08-29T13:47:40Z","level":"warning","msg":"a"}"#,
        "\n",
        r#"{"time":"2023-08-29T13:47:41Z","severity":"ERROR","message":"b"}"#,
        "\n",
        r#"{"time":"2023-08-29T13:47:42Z","level":"W","msg":"c"}"#,
        "\n",
        r#"{"time":"2023-08-29T13:47:43Z","log.level":"err","message":"d"}"#,
        "\n",
        r#"{"time":"2023-08-29T13:47:44Z","level":"Information","message":"e"}"#,
        "\n",
        r#"{"ts":1693316865.25,"level":50,"msg":"f"}"#,
        "\n",
        r#"{"ts":1693316866,"level":2,"msg":"g"}"#,
        "\n",
        r#"{"ts":1693316867,"level":35,"msg":"h"}"#,
        "\n",
    ));
    let got: Vec<Row> = evs
        .iter()
        .map(|e| {
            (
                e["line"].as_u64().unwrap(),
                e["ts"].as_str().unwrap(),
                e["level"].as_str(),
                e["service"].as_str(),
                e["message"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                1,
                "2023-08-29T13:47:38.984Z",
                Some("error"),
                Some("orders"),
                "order failed: java.lang.IllegalStateException: no stock"
            ),
            (
                2,
                "2023-08-29T13:47:39.500Z",
                Some("warn"),
                Some("com.acme.Pay"),
                "payment slow"
            ),
            (3, "2023-08-29T13:47:40.000Z", Some("warn"), None, "a"),
            (4, "2023-08-29T13:47:41.000Z", Some("error"), None, "b"),
            (5, "2023-08-29T13:47:42.000Z", Some("warn"), None, "c"),
            (6, "2023-08-29T13:47:43.000Z", Some("error"), None, "d"),
            (7, "2023-08-29T13:47:44.000Z", Some("info"), None, "e"),
            (8, "2023-08-29T13:47:45.250Z", Some("error"), None, "f"),
            (9, "2023-08-29T13:47:46.000Z", Some("fatal"), None, "g"),
            (10, "2023-08-29T13:47:47.000Z", None, None, "h"),
        ]
    );
    assert_eq!(evs[1]["host"], "ord-01");
}
