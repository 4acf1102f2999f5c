//! A request traced across the other dialects (Envoy, RFC 5424 with structured data, logback,
//! zap console, logrus, pino JSON with a Python traceback inside): ids in SD params, nested JSON,
//! zap's JSON tail and free text are all followed; stacks stay whole.

mod common;

use common::*;

#[test]
fn trace_across_other_dialects() {
    let dir = fixtures().join("heldout");
    let r = casefile(
        &dir,
        &[
            "trace",
            "a1b2c3d4-0000-4000-8000-000000000001",
            "logs",
            "--json",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let evs = r.json_lines();
    let got = lines_of(&evs);
    let want: Vec<(String, u64)> = [
        ("logs/envoy/access.log", 1),
        ("logs/auth/auth.log", 1),
        ("logs/api/api.log", 1),
        ("logs/billing/billing.log", 1),
        ("logs/jobs/jobs.log", 1),
        ("logs/cart/cart.log", 1),
        ("logs/api/api.log", 2),
        ("logs/cart/cart.log", 2),
        ("logs/cart/cart.log", 3),
        ("logs/jobs/jobs.log", 2),
    ]
    .iter()
    .map(|(s, l)| (s.to_string(), *l))
    .collect();
    assert_eq!(got, want, "time order across dialects");
    // Not followed: a population key (user) and the other request's events.
    assert!(!r.stdout.contains("T-901") && !r.stdout.contains("corr-78"));
    let billing = evs
        .iter()
        .find(|e| e["source"] == "logs/billing/billing.log")
        .unwrap();
    assert!(billing["raw"]
        .as_str()
        .unwrap()
        .ends_with("at com.shop.Api.pay(Api.java:20)"));
    assert_eq!(billing["ts"], "2026-11-28T22:00:01.150Z");
    let py = evs
        .iter()
        .find(|e| e["source"] == "logs/cart/cart.log" && e["line"] == 3)
        .unwrap();
    assert!(py["raw"]
        .as_str()
        .unwrap()
        .ends_with("ValueError: bad operationId=op-5"));
    assert!(r.stderr.contains("id T-900 (taskId, hop 2"), "{}", r.stderr);
}

/// The bundle's summary names the hosts the records name (syslog host, JSON hostname).
#[test]
fn bundle_summary_names_hosts() {
    let dir = fixtures().join("heldout");
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("b");
    let r = casefile(
        &dir,
        &[
            "bundle",
            "a1b2c3d4-0000-4000-8000-000000000001",
            "logs",
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let md = std::fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(md.contains("; hosts: api-7f9, cart-1"), "{md}");
    let jira = std::fs::read_to_string(out.join("summary.jira.txt")).unwrap();
    assert!(jira.contains("; hosts: api-7f9, cart-1"), "{jira}");
}
