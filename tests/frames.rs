//! Lines wrapped by a container runtime or a tool (CRI, Docker json-file, `kubectl logs
//! --timestamps`/`--prefix`, `docker compose logs`, stern, `grep -rn`): the wrapper is peeled,
//! the record inside read by its own dialect, the wrapper's time, container and pod used where
//! the record has none, and `scan` names both layers. Samples written from each tool's
//! documented output format (`fixtures/formats/<tool>/`).

mod common;

use common::*;
use serde_json::Value;

/// (line, ts, level, service, host, message) of every event of `path` under fixtures/formats.
fn events(path: &str, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["events", path, "--json"];
    args.extend_from_slice(extra);
    let r = casefile(&fixtures().join("formats"), &args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.json_lines()
}

type Row<'a> = (u64, &'a str, &'a str, &'a str, Option<&'a str>, &'a str);

fn rows(evs: &[Value]) -> Vec<(u64, String, String, String, Option<String>, String)> {
    evs.iter()
        .map(|e| {
            (
                e["line"].as_u64().unwrap(),
                e["ts"].as_str().unwrap_or("-").to_string(),
                e["level"].as_str().unwrap_or("-").to_string(),
                e["service"].as_str().unwrap_or("-").to_string(),
                e["host"].as_str().map(str::to_string),
                e["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn want(rows: &[Row]) -> Vec<(u64, String, String, String, Option<String>, String)> {
    rows.iter()
        .map(|(l, t, lv, s, h, m)| {
            (
                *l,
                t.to_string(),
                lv.to_string(),
                s.to_string(),
                h.map(str::to_string),
                m.to_string(),
            )
        })
        .collect()
}

fn dialect_of(path: &str) -> String {
    let r = casefile(&fixtures().join("formats"), &["scan", path, "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.json()["sources"][0]["dialect"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn cri_lines_join_stack_traces_and_partials() {
    assert_eq!(dialect_of("cri/orders.log"), "cri+spring");
    let evs = events("cri/orders.log", &[]);
    assert_eq!(
        rows(&evs),
        want(&[
            (
                1,
                "2026-11-28T23:00:01.502Z",
                "info",
                "orders",
                None,
                "placing order"
            ),
            (
                2,
                "2026-11-28T23:00:01.610Z",
                "error",
                "orders",
                None,
                "order failed"
            ),
            (
                5,
                "2026-11-28T23:00:01.700Z",
                "warn",
                "orders",
                None,
                "a long line cut by the runtime"
            ),
        ])
    );
    // The stack trace's lines are one event with the line that starts it, as written.
    let raw = evs[1]["raw"].as_str().unwrap();
    assert_eq!(raw.lines().count(), 3, "{raw}");
    assert!(raw.ends_with("stdout F \tat com.acme.orders.OrderService.place(OrderService.java:61)"));
}

#[test]
fn kubectl_prefix_names_container_and_pod() {
    assert_eq!(
        dialect_of("kubectl-prefix/pods.log"),
        "kubectl-prefix+kubectl-ts+json"
    );
    let evs = events("kubectl-prefix/pods.log", &[]);
    let x2 = Some("checkout-7d9f8b6c5d-x2x4z");
    assert_eq!(
        rows(&evs),
        want(&[
            (
                1,
                "2026-11-28T23:00:01.100Z",
                "info",
                "checkout",
                x2,
                "cart loaded"
            ),
            // Another container's line, in its own dialect (Envoy), its own time.
            (
                2,
                "2026-11-28T23:00:01.149Z",
                "error",
                "istio-proxy",
                x2,
                "POST /pay 503"
            ),
            (
                3,
                "2026-11-28T23:00:01.200Z",
                "error",
                "checkout",
                x2,
                "payment failed"
            ),
            (
                4,
                "2026-11-28T23:00:01.300Z",
                "info",
                "checkout",
                Some("checkout-7d9f8b6c5d-9kzpq"),
                "cart loaded"
            ),
        ])
    );
    assert_eq!(
        evs[0]["ids"]["trace_id"],
        "4bf92f3577b34da6a3ce929d0e0e4736"
    );
    assert_eq!(evs[1]["ids"]["x_request_id"], "r-5d1e");
    // trace follows the id through the wrapped JSON lines.
    let r = casefile(
        &fixtures().join("formats"),
        &[
            "trace",
            "4bf92f3577b34da6a3ce929d0e0e4736",
            "kubectl-prefix",
            "--json",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<u64> = r
        .json_lines()
        .iter()
        .map(|e| e["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [1, 3]);
}

#[test]
fn compose_lines_of_each_service_stay_apart() {
    assert_eq!(dialect_of("compose/compose.log"), "compose+python");
    let evs = events("compose/compose.log", &[]);
    assert_eq!(
        rows(&evs),
        want(&[
            (
                1,
                "2026-11-28T23:00:00.101Z",
                "info",
                "web",
                None,
                "listening on :8000"
            ),
            // A logfmt line of another service between python lines.
            (
                2,
                "2026-11-28T23:00:00.500Z",
                "info",
                "worker",
                None,
                "polling queue"
            ),
            (
                3,
                "2026-11-28T23:00:01.502Z",
                "error",
                "web",
                None,
                "charge failed request_id=r-9"
            ),
            (
                7,
                "2026-11-28T23:00:02.000Z",
                "warn",
                "worker",
                None,
                "retrying job"
            ),
        ])
    );
    // The traceback (lines 4-6, each behind `web-1     | `) belongs to line 3.
    assert_eq!(evs[2]["raw"].as_str().unwrap().lines().count(), 4);
    assert_eq!(evs[3]["ids"]["job_id"], "J-2");
}

#[test]
fn stern_lines_name_pod_and_container() {
    assert_eq!(dialect_of("stern/stern.log"), "stern+json");
    let evs = events("stern/stern.log", &[]);
    assert_eq!(
        rows(&evs),
        want(&[
            (
                1,
                "2026-11-28T23:00:01.100Z",
                "info",
                "checkout",
                Some("checkout-7d9f8b6c5d-x2x4z"),
                "cart loaded"
            ),
            (
                2,
                "2026-11-28T23:00:01.200Z",
                "error",
                "checkout",
                Some("checkout-7d9f8b6c5d-x2x4z"),
                "payment failed"
            ),
            (
                3,
                "2026-11-28T23:00:01.300Z",
                "info",
                "checkout",
                Some("checkout-7d9f8b6c5d-9kzpq"),
                "cart loaded"
            ),
        ])
    );
}

#[test]
fn grep_output_reads_the_file_column_as_a_prefix() {
    assert_eq!(dialect_of("grep/grep-rn.txt"), "grep+spring");
    let evs = events("grep/grep-rn.txt", &[]);
    // The service is the grepped file's, never the path inside the message.
    assert_eq!(
        rows(&evs),
        want(&[
            (
                1,
                "2026-11-28T23:00:01.502Z",
                "info",
                "orders",
                None,
                "placing order"
            ),
            (
                5,
                "2026-11-28T23:00:01.600Z",
                "warn",
                "payments",
                None,
                "gateway slow"
            ),
            (
                2,
                "2026-11-28T23:00:01.610Z",
                "error",
                "orders",
                None,
                "order failed"
            ),
        ])
    );
    assert_eq!(evs[2]["raw"].as_str().unwrap().lines().count(), 3);
}

/// A file whose chosen dialect reads under half of the sample says so, on stderr and in
/// `scan --json`'s problems, and is still read whole.
#[test]
fn low_confidence_detection_is_said() {
    let r = casefile(
        &fixtures().join("formats"),
        &["scan", "low-confidence/mixed.log", "--json"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "dialect 'syslog-3164' chosen with low confidence: it reads 6 of the first 13 records"
        ),
        "{}",
        r.stderr
    );
    assert_eq!(r.json()["total"]["events"], 13);
}

/// Docker json-file: the `log` text unescaped and read by its own dialect (logback with a time
/// of day alone, dated by Docker's time: across midnight too), partial lines joined, the stack
/// trace kept with its line.
#[test]
fn docker_json_file_dates_time_of_day_by_the_runtime() {
    assert_eq!(dialect_of("docker/storefront.log"), "docker+generic");
    let evs = events("docker/storefront.log", &[]);
    let s = "storefront";
    assert_eq!(
        rows(&evs),
        want(&[
            (
                1,
                "2026-11-28T22:59:58.120Z",
                "info",
                s,
                None,
                "Started Application in 3.2 seconds"
            ),
            (
                2,
                "2026-11-28T23:00:01.502Z",
                "error",
                s,
                None,
                "checkout failed traceId=4bf92f3577b34da6a3ce929d0e0e4736"
            ),
            (
                5,
                "2026-11-28T23:59:59.990Z",
                "warn",
                s,
                None,
                "cache nearly full: a long line that docker cut in two"
            ),
            (
                7,
                "2026-11-29T00:00:00.250Z",
                "info",
                s,
                None,
                r#"evicted 12 entries "quoted" \ done"#
            ),
        ])
    );
    assert_eq!(evs[1]["ids"]["traceId"], "4bf92f3577b34da6a3ce929d0e0e4736");
    assert_eq!(evs[1]["raw"].as_str().unwrap().lines().count(), 3);
}

/// `kubectl logs --timestamps` of a Java service whose own stamps are a time of day
/// (`%d{HH:mm:ss.SSS}`): kubectl's time dates them; levels, stacks and `X-Request-ID:` ids are
/// read.
#[test]
fn kubectl_timestamps_date_a_logback_time_of_day() {
    assert_eq!(dialect_of("kubectl-ts/orders.log"), "kubectl-ts+generic");
    let evs = events("kubectl-ts/orders.log", &[]);
    assert_eq!(
        rows(&evs),
        want(&[
            (
                1,
                "2026-11-28T22:59:58.120Z",
                "info",
                "orders",
                None,
                "Started App in 2.1 seconds"
            ),
            (
                2,
                "2026-11-28T23:00:01.400Z",
                "warn",
                "orders",
                None,
                "slow upstream X-Request-ID: r-7f3a"
            ),
            (
                3,
                "2026-11-28T23:00:01.502Z",
                "error",
                "orders",
                None,
                "order failed"
            ),
            (
                6,
                "2026-11-28T23:00:02.000Z",
                "debug",
                "orders",
                None,
                "tick"
            ),
        ])
    );
    assert_eq!(evs[1]["ids"]["X-Request-ID"], "r-7f3a");
    // cluster --level warn finds the warn and error lines (it found none when the time of day
    // was not read).
    let r = casefile(
        &fixtures().join("formats"),
        &[
            "cluster",
            "kubectl-ts/orders.log",
            "--level",
            "warn",
            "--json",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut templates: Vec<String> = r.json()["signatures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["template"].as_str().unwrap().to_string())
        .collect();
    templates.sort();
    assert_eq!(
        templates,
        ["order failed", "slow upstream X-Request-ID: r-7f3a"]
    );
}

/// A file of logback lines with a time of day alone and nothing around them: the date is the
/// file's last write, and a file that runs across midnight reads its first lines as the day
/// before.
#[test]
fn time_of_day_alone_is_dated_by_the_mtime_across_midnight() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("billing.log");
    std::fs::write(
        &path,
        "23:59:58.100 [main] INFO  c.a.b.Billing - nightly run started\n\
         23:59:59.900 [main] WARN  c.a.b.Billing - 3 invoices late\n\
         00:00:01.200 [main] ERROR c.a.b.Billing - nightly run failed\n",
    )
    .unwrap();
    // Last written at 2026-11-29T00:00:05Z.
    let f = std::fs::File::options().write(true).open(&path).unwrap();
    f.set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_795_910_405))
        .unwrap();
    drop(f);
    let r = casefile(tmp.path(), &["events", "billing.log", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let got: Vec<(String, String, String)> = r
        .json_lines()
        .iter()
        .map(|e| {
            (
                e["ts"].as_str().unwrap().to_string(),
                e["level"].as_str().unwrap().to_string(),
                e["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want: Vec<(String, String, String)> = [
        ("2026-11-28T23:59:58.100Z", "info", "nightly run started"),
        ("2026-11-28T23:59:59.900Z", "warn", "3 invoices late"),
        ("2026-11-29T00:00:01.200Z", "error", "nightly run failed"),
    ]
    .iter()
    .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
    .collect();
    assert_eq!(got, want);
}

/// A time years away from the rest of its file is no timestamp: the record is read without
/// one, and `scan` counts it.
#[test]
fn a_time_years_off_is_rejected_and_counted() {
    let tmp = tempfile::tempdir().unwrap();
    let mut text = String::new();
    for i in 0..5 {
        text.push_str(&format!(
            "2026-11-28 23:00:0{i}.000  INFO 7 --- [main] c.a.Svc : step {i}\n"
        ));
    }
    text.push_str("1999-01-01 00:00:00.000  INFO 7 --- [main] c.a.Svc : clock not set\n");
    text.push_str("2026-11-28 23:00:09.000  INFO 7 --- [main] c.a.Svc : done\n");
    std::fs::write(tmp.path().join("svc.log"), text).unwrap();
    let r = casefile(tmp.path(), &["scan", "svc.log", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let src = &r.json()["sources"][0];
    assert_eq!(src["events"], 7, "{src}");
    assert_eq!(src["without_timestamp"], 1, "{src}");
    assert_eq!(src["rejected_timestamps"], 1, "{src}");
    assert_eq!(src["first"], "2026-11-28T23:00:00.000Z");
    let human = casefile(tmp.path(), &["scan", "svc.log"]);
    assert!(
        human
            .stdout
            .contains("svc.log: 1 record(s) wrote a time years away from the rest of the file"),
        "{}",
        human.stdout
    );
}

/// `--date` names the day of the first record: a time of day alone counts from there, rolling
/// over midnight, whatever the file's mtime; a bad date names the form.
#[test]
fn date_flag_dates_the_first_record_and_rolls_over() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("billing.log"),
        "23:59:58.100 [main] INFO  c.a.b.Billing - nightly run started\n\
         00:00:01.200 [main] ERROR c.a.b.Billing - nightly run failed\n",
    )
    .unwrap();
    let r = casefile(
        tmp.path(),
        &["events", "billing.log", "--json", "--date", "2026-11-28"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let ts: Vec<String> = r
        .json_lines()
        .iter()
        .map(|e| e["ts"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ts, ["2026-11-28T23:59:58.100Z", "2026-11-29T00:00:01.200Z"]);
    // In a zone: the times are Paris times on that date.
    let r = casefile(
        tmp.path(),
        &[
            "events",
            "billing.log",
            "--json",
            "--date",
            "2026-11-28",
            "--tz",
            "Europe/Paris",
        ],
    );
    let ts: Vec<String> = r
        .json_lines()
        .iter()
        .map(|e| e["ts"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ts, ["2026-11-28T22:59:58.100Z", "2026-11-28T23:00:01.200Z"]);
    let bad = casefile(
        tmp.path(),
        &["events", "billing.log", "--date", "28/11/2026"],
    );
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("--date '28/11/2026' is not a date")
            && bad.stderr.contains("YYYY-MM-DD"),
        "{}",
        bad.stderr
    );
}

/// `docker compose logs -t`: compose's column, then the runtime's time, then the record (a
/// logback time of day, dated by that time); a stack trace stays with its line.
#[test]
fn compose_with_timestamps_stacks_two_frames() {
    assert_eq!(
        dialect_of("compose/compose-t.log"),
        "compose+kubectl-ts+generic"
    );
    let evs = events("compose/compose-t.log", &[]);
    assert_eq!(
        rows(&evs),
        want(&[
            (
                1,
                "2026-11-28T23:00:00.101Z",
                "info",
                "web",
                None,
                "listening on :8000"
            ),
            (
                2,
                "2026-11-28T23:00:00.500Z",
                "info",
                "worker",
                None,
                "polling queue"
            ),
            (
                3,
                "2026-11-28T23:00:01.502Z",
                "error",
                "web",
                None,
                "charge failed request_id=r-9"
            ),
        ])
    );
    assert_eq!(evs[2]["raw"].as_str().unwrap().lines().count(), 3);
}
