//! `casefile events` filters and order; `casefile cluster` output, assignments and determinism;
//! `casefile scan` inventory.

mod common;

use common::*;

#[test]
fn events_are_merged_in_time_order_and_filtered() {
    let r = casefile(
        &fixtures(),
        &[
            "events",
            "checkout/logs",
            "--json",
            "--level",
            "error",
            "--service",
            "payments",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let evs = r.json_lines();
    assert_eq!(evs.len(), 139);
    assert!(evs
        .iter()
        .all(|e| e["level"] == "error" && e["service"] == "payments"));
    let ts: Vec<&str> = evs.iter().map(|e| e["ts"].as_str().unwrap()).collect();
    let mut sorted = ts.clone();
    sorted.sort();
    assert_eq!(ts, sorted);
    let r = casefile(
        &fixtures(),
        &[
            "events",
            "checkout/logs",
            "--json",
            "--grep",
            "CardDeclined",
        ],
    );
    assert_eq!(
        r.json_lines().len(),
        139,
        "--grep sees the whole raw text, stack included"
    );
}

#[test]
fn events_range_is_half_open_and_bad_times_teach_the_fix() {
    let r = casefile(
        &fixtures(),
        &[
            "events",
            "checkout/logs/db",
            "--json",
            "--since",
            "2026-11-28T22:00:01Z",
            "--until",
            "2026-11-28T22:00:02Z",
        ],
    );
    let evs = r.json_lines();
    assert!(!evs.is_empty());
    assert!(evs
        .iter()
        .all(|e| e["ts"].as_str().unwrap().starts_with("2026-11-28T22:00:01")));
    let r = casefile(
        &fixtures(),
        &["events", "checkout/logs", "--since", "yesterday"],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("--since 'yesterday' is not a time; use RFC 3339"),
        "{}",
        r.stderr
    );
    let r = casefile(&fixtures(), &["events", "checkout/logs", "--level", "loud"]);
    assert!(r
        .stderr
        .contains("use one of trace, debug, info, warn, error, fatal"));
    let r = casefile(
        &fixtures(),
        &[
            "events",
            "checkout/logs",
            "--since",
            "-1m",
            "--until",
            "-2m",
        ],
    );
    assert!(r.stderr.contains("is not before --until"), "{}", r.stderr);
}

#[test]
fn scan_inventories_every_source() {
    let r = casefile(&fixtures(), &["scan", "checkout/logs", "--json"]);
    assert_eq!(r.code, 0);
    let doc = r.json();
    let dialects: Vec<(&str, &str)> = doc["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["source"].as_str().unwrap(),
                s["dialect"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        dialects,
        [
            ("checkout/logs/db/postgresql.log", "syslog-3164"),
            ("checkout/logs/edge/access.log", "access"),
            ("checkout/logs/edge/access.log.1.gz", "access"),
            ("checkout/logs/gateway/gateway.jsonl", "json"),
            ("checkout/logs/k8s/notifier-7d9f8b-x2x.log", "cri"),
            ("checkout/logs/orders/orders.log", "spring"),
            ("checkout/logs/payments/payments.log", "python"),
            ("checkout/logs/worker/worker-0.log", "logfmt"),
        ]
    );
    assert_eq!(doc["total"]["events"], 12890);
    let top = doc["top_error_signatures"].as_array().unwrap();
    assert_eq!(
        top[0]["template"],
        "job failed: warehouse api returned <NUM>"
    );
    assert_eq!(top[0]["count"], 281);
    let human = casefile(&fixtures(), &["scan", "checkout/logs"]);
    assert!(human.stdout.contains("access+gzip"));
}

#[test]
fn cluster_groups_stacks_by_exception_and_frames() {
    let r = casefile(
        &fixtures(),
        &["cluster", "checkout/logs", "--level", "error", "--json"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc = r.json();
    let sigs = doc["signatures"].as_array().unwrap();
    let java = sigs
        .iter()
        .find(|s| {
            s["template"]
                .as_str()
                .unwrap()
                .starts_with("java.lang.IllegalStateException at ")
        })
        .expect("java stack signature");
    assert_eq!(
        java["count"], 139,
        "one signature whatever the order number in the message"
    );
    assert_eq!(java["services"]["orders"], 139);
    assert_eq!(java["examples"][0], "checkout/logs/orders/orders.log:35");
    assert_eq!(java["id"].as_str().unwrap().len(), 16);
    let py = sigs
        .iter()
        .find(|s| {
            s["template"] == "payments.errors.CardDeclined at gateway.py:capture < api.py:charge"
        })
        .expect("python traceback signature");
    assert_eq!(py["count"], 139);
    // Counts add up.
    let total: u64 = sigs.iter().map(|s| s["count"].as_u64().unwrap()).sum();
    assert_eq!(total, doc["events"].as_u64().unwrap());
}

#[test]
fn cluster_is_deterministic_across_file_order_and_threads() {
    let a = casefile(
        &fixtures(),
        &[
            "cluster",
            "checkout/logs/orders",
            "checkout/logs/worker",
            "checkout/logs/edge",
            "--json",
            "-j",
            "1",
        ],
    );
    let b = casefile(
        &fixtures(),
        &[
            "cluster",
            "checkout/logs/edge",
            "checkout/logs/worker",
            "checkout/logs/orders",
            "--json",
            "-j",
            "2",
        ],
    );
    let strip = |s: &str| {
        let mut v: serde_json::Value = serde_json::from_str(s).unwrap();
        // Example locations name the inputs; their set is the same, their order follows the
        // command line. Everything else must be identical.
        for s in v["signatures"].as_array_mut().unwrap() {
            let mut ex: Vec<String> = s["examples"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e.as_str().unwrap().to_string())
                .collect();
            ex.sort();
            s["examples"] = serde_json::json!(ex.len());
        }
        v
    };
    assert_eq!(strip(&a.stdout), strip(&b.stdout));
    let c = casefile(
        &fixtures(),
        &[
            "cluster",
            "checkout/logs/orders",
            "checkout/logs/worker",
            "checkout/logs/edge",
            "--json",
            "-j",
            "2",
        ],
    );
    assert_eq!(
        a.stdout, c.stdout,
        "same order, other thread count: identical bytes"
    );
}

/// Holes with more distinct values than the top-k keeps (so their counts are estimates):
/// the values and counts reported still do not depend on the thread count, on how the threads
/// happened to interleave, or on the order of the inputs.
#[test]
fn hole_values_are_deterministic_when_estimated() {
    let d = tempfile::tempdir().unwrap();
    let mut names = Vec::new();
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    for f in 0..6 {
        let mut text = String::new();
        for i in 0..30_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // A flat spread of 60 clients: Space-Saving's estimates then depend most on the
            // order values arrive in.
            let client = x % 60;
            text.push_str(&format!(
                "request {f}-{i} from 10.0.{}.{} took {} ms\n",
                client % 7,
                client,
                (x >> 20) % 300
            ));
        }
        let name = format!("svc{f}.log");
        std::fs::write(d.path().join(&name), text).unwrap();
        names.push(name);
    }
    let run = |order: &[String], threads: &str| {
        let mut args: Vec<&str> = vec!["cluster", "--plain", "--json", "-j", threads];
        args.extend(order.iter().map(String::as_str));
        let r = casefile(d.path(), &args);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        v["signatures"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["template"].to_string(),
                    s["count"].clone(),
                    s["holes"].clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    let one = run(&names, "1");
    assert!(
        one.iter()
            .any(|(_, _, h)| h
                .as_array()
                .unwrap()
                .iter()
                .any(|v| v.as_array().unwrap().len() >= 5)),
        "some hole keeps a full top-k: {one:?}"
    );
    for _ in 0..3 {
        assert_eq!(run(&names, "2"), one, "2 threads");
    }
    let reversed: Vec<String> = names.iter().rev().cloned().collect();
    assert_eq!(run(&reversed, "2"), one, "inputs reversed");
}

/// More distinct messages than the miner keeps (100,000): which of them fit and which go to
/// the catch-all follows the order of the inputs, so the output is the same on one thread or
/// two, and the overflow is reported as evictions.
#[test]
fn entry_cap_overflow_does_not_depend_on_thread_count() {
    let d = tempfile::tempdir().unwrap();
    let word = |mut n: u64| {
        // Letters only: masking leaves the word as it is, so every line is its own entry.
        let mut w = String::new();
        for _ in 0..5 {
            w.push((b'a' + (n % 26) as u8) as char);
            n /= 26;
        }
        w
    };
    let mut names = Vec::new();
    for f in 0..4u64 {
        let text: String = (0..30_000u64)
            .map(|i| format!("event {} happened\n", word(f * 30_000 + i)))
            .collect();
        let name = format!("part{f}.log");
        std::fs::write(d.path().join(&name), text).unwrap();
        names.push(name);
    }
    let run = |threads: &str| {
        let mut args: Vec<&str> = vec!["cluster", "--plain", "--json", "-j", threads];
        args.extend(names.iter().map(String::as_str));
        let r = casefile(d.path(), &args);
        assert_eq!(r.code, 0, "{}", r.stderr);
        r.stdout
    };
    let one = run("1");
    let v: serde_json::Value = serde_json::from_str(&one).unwrap();
    assert_eq!(v["events"], 120_000);
    assert_eq!(v["distinct_entries"], 100_000);
    assert_eq!(v["evictions"], 20_000);
    for _ in 0..2 {
        assert_eq!(run("2"), one, "2 threads: identical bytes");
    }
}

#[test]
fn assignments_csv_has_one_row_per_event() {
    let d = tempfile::tempdir().unwrap();
    let input = d.path().join("in.txt");
    std::fs::write(&input, "PacketResponder 1 for block blk_1 terminating\n\nPacketResponder 0 for block blk_2 terminating\nReceived block blk_3 of size 67108864 from /10.251.42.84\n").unwrap();
    let out = d.path().join("a.csv");
    let r = casefile(
        d.path(),
        &[
            "cluster",
            "--plain",
            "in.txt",
            "--assignments",
            out.to_str().unwrap(),
            "--json",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let csv = std::fs::read_to_string(&out).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows[0], "line,signature");
    assert_eq!(
        rows.len(),
        5,
        "header + one row per line, the empty line included"
    );
    let sig = |i: usize| rows[i].split(',').nth(1).unwrap();
    assert_eq!(rows[1].split(',').next().unwrap(), "1");
    assert_eq!(rows[4].split(',').next().unwrap(), "4");
    assert_eq!(sig(1), sig(3), "same template, same signature");
    assert_ne!(sig(1), sig(4));
    let doc = r.json();
    let t = signature_fields(&doc, "template");
    assert!(
        t.contains(&"PacketResponder <NUM> for block blk_<NUM> terminating"),
        "{t:?}"
    );
}

#[test]
fn plain_mode_rejects_time_filters_with_a_reason() {
    let r = casefile(
        &fixtures(),
        &["cluster", "--plain", "bad/good.log", "--level", "error"],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("drop --plain to parse the logs' headers"),
        "{}",
        r.stderr
    );
}

/// Credentials in messages become their kind before clustering: no secret in any template,
/// and `Bearer <jwt>` lines are one signature whatever the token.
#[test]
fn cluster_templates_hold_no_secrets() {
    let r = casefile(&fixtures(), &["cluster", "checkout/logs", "--json"]);
    assert_eq!(r.code, 0);
    let truth: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixtures().join("checkout/truth.json")).unwrap(),
    )
    .unwrap();
    for s in truth["secrets"].as_array().unwrap() {
        assert!(
            !r.stdout.contains(s.as_str().unwrap()),
            "secret {s} in cluster output"
        );
    }
    assert!(r.stdout.contains("Authorization: Bearer <jwt>"));
}
