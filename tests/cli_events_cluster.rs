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
    assert_eq!(r.code, 0, "{}", r.stderr);
    let evs = r.json_lines();
    assert_eq!(
        evs.len(),
        139,
        "--grep sees the whole raw text, stack included"
    );
    // The name is only in the traceback, never in the first line: the match is on `raw`.
    assert!(evs.iter().all(|e| e["service"] == "payments"
        && e["level"] == "error"
        && e["raw"].as_str().unwrap().contains("CardDeclined")
        && !e["message"].as_str().unwrap().contains("CardDeclined")));
    let r = casefile(
        &fixtures(),
        &["events", "checkout/logs", "--json", "--level", "warn"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let evs = r.json_lines();
    let count = |l: &str| evs.iter().filter(|e| e["level"] == l).count();
    assert_eq!(
        (evs.len(), count("warn"), count("error")),
        (869, 82, 787),
        "--level warn keeps warn and above"
    );
    let r = casefile(&fixtures(), &["events", "checkout/logs", "--grep", "("]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("--grep is not a valid regular expression"),
        "{}",
        r.stderr
    );
}

/// The db log is RFC 3164 syslog (no year): `--year 2026` pins it, else its year is the fixture
/// file's mtime year and the test would fail on a checkout made after 2027-11-28.
#[test]
fn events_range_is_half_open_and_bad_times_teach_the_fix() {
    let r = casefile(
        &fixtures(),
        &[
            "events",
            "checkout/logs/db",
            "--json",
            "--year",
            "2026",
            "--since",
            "2026-11-28T22:00:01Z",
            "--until",
            "2026-11-28T22:00:02Z",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let evs = r.json_lines();
    // Lines 2 and 3 are at 22:00:01; line 4 at 22:00:02 is the excluded end.
    assert_eq!(
        lines_of(&evs),
        [
            ("checkout/logs/db/postgresql.log".into(), 2),
            ("checkout/logs/db/postgresql.log".into(), 3),
        ]
    );
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
    assert_eq!(r.code, 2);
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
    assert_eq!(r.code, 2);
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
            ("checkout/logs/k8s/notifier-7d9f8b-x2x.log", "cri+json"),
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
    assert_eq!(human.code, 0, "{}", human.stderr);
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
    assert_eq!(a.code, 0, "{}", a.stderr);
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
    assert_eq!(b.code, 0, "{}", b.stderr);
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
    assert_eq!(c.code, 0, "{}", c.stderr);
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

/// `line,signature` rows of an `--assignments` CSV, the header checked.
fn assignment_rows(csv: &std::path::Path) -> Vec<(u64, String)> {
    let text = std::fs::read_to_string(csv).unwrap();
    let mut rows = text.lines();
    assert_eq!(rows.next(), Some("line,signature"));
    rows.map(|r| {
        let (line, sig) = r.split_once(',').unwrap_or_else(|| panic!("bad row {r:?}"));
        (line.parse().unwrap(), sig.to_string())
    })
    .collect()
}

/// Every id of the CSV is a signature id of the `--json` document, and each signature's count
/// is the number of rows that name it.
fn assert_assignments_match_json(rows: &[(u64, String)], doc: &serde_json::Value) {
    use std::collections::BTreeMap;
    let mut per_id: BTreeMap<&str, u64> = BTreeMap::new();
    for (_, sig) in rows {
        *per_id.entry(sig.as_str()).or_default() += 1;
    }
    let json: BTreeMap<&str, u64> = doc["signatures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["id"].as_str().unwrap(), s["count"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        per_id, json,
        "assignments (id -> rows) != --json (id -> count)"
    );
    assert_eq!(rows.len() as u64, doc["events"].as_u64().unwrap());
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
    let rows = assignment_rows(&out);
    assert_eq!(
        rows.iter().map(|r| r.0).collect::<Vec<_>>(),
        [1, 2, 3, 4],
        "one row per line, the empty line included"
    );
    assert_eq!(rows[0].1, rows[2].1, "same template, same signature");
    assert_ne!(rows[0].1, rows[3].1);
    let doc = r.json();
    assert_assignments_match_json(&rows, &doc);
    let packet = doc["signatures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["template"] == "PacketResponder <NUM> for block blk_<NUM> terminating")
        .unwrap_or_else(|| panic!("{doc}"));
    assert_eq!(packet["id"].as_str().unwrap(), rows[0].1);
    assert_eq!(packet["count"], 2);
}

/// Parsed mode over several inputs, stacks included: the CSV and the JSON name the same
/// signatures with the same counts.
#[test]
fn assignments_ids_are_the_json_signature_ids() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("a.csv");
    let r = casefile(
        &fixtures(),
        &[
            "cluster",
            "checkout/logs/orders",
            "checkout/logs/payments",
            "--level",
            "warn",
            "--json",
            "--assignments",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc = r.json();
    let rows = assignment_rows(&out);
    assert_eq!(rows.len(), 355);
    assert_assignments_match_json(&rows, &doc);
    // The first row is the first warn-or-worse event of orders.log, a Java stack.
    let java = doc["signatures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["examples"][0] == "checkout/logs/orders/orders.log:35")
        .expect("the Java stack signature");
    assert_eq!(rows[0], (35, java["id"].as_str().unwrap().to_string()));
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
/// and a credential appended to a known message does not split its signature.
#[test]
fn cluster_templates_hold_no_secrets() {
    let r = casefile(&fixtures(), &["cluster", "checkout/logs", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
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
    let doc = r.json();
    let templates = signature_fields(&doc, "template");
    assert!(
        templates.iter().all(|t| !t.contains("Bearer")),
        "a Bearer token split a signature: {templates:?}"
    );
    // orders.log has 77 `retrying` lines, one of them with `Authorization: Bearer <token>`
    // appended: all 77 are one signature.
    let orders =
        std::fs::read_to_string(fixtures().join("checkout/logs/orders/orders.log")).unwrap();
    assert_eq!(
        orders
            .lines()
            .filter(|l| l.contains("retrying") && l.contains("Bearer "))
            .count(),
        1
    );
    let retrying = doc["signatures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["template"] == "slow downstream for order <NUM>, retrying")
        .expect("the retry signature");
    assert_eq!(
        retrying["count"].as_u64().unwrap(),
        orders.lines().filter(|l| l.contains("retrying")).count() as u64
    );
    assert_eq!(retrying["count"], 77);
}

/// One log of five messages seen 5, 4, 3, 2 and 1 times, at 22:00:00, :01, ... (one a second).
fn ranked_log(dir: &std::path::Path) {
    let order = [
        "socket reset by peer",
        "queue backlog growing",
        "disk full on node",
        "token refresh failed",
        "cache miss storm",
        "cache miss storm",
        "disk full on node",
        "cache miss storm",
        "cache miss storm",
        "queue backlog growing",
        "disk full on node",
        "disk full on node",
        "token refresh failed",
        "queue backlog growing",
        "disk full on node",
    ];
    let text: String = order
        .iter()
        .enumerate()
        .map(|(i, m)| format!("ts=2026-11-28T22:00:{i:02}Z level=error msg=\"{m}\"\n"))
        .collect();
    std::fs::write(dir.join("a.log"), text).unwrap();
}

fn counts_by_template(doc: &serde_json::Value) -> Vec<(String, u64)> {
    doc["signatures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["template"].as_str().unwrap().to_string(),
                s["count"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn cluster_top_keeps_exactly_the_n_most_frequent() {
    let d = tempfile::tempdir().unwrap();
    ranked_log(d.path());
    let r = casefile(d.path(), &["cluster", "a.log", "--json", "--top", "2"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc = r.json();
    assert_eq!(
        counts_by_template(&doc),
        [
            ("disk full on node".to_string(), 5),
            ("cache miss storm".to_string(), 4),
        ]
    );
    assert_eq!(doc["events"], 15, "the total still counts every event");
    // Without --top, --json has all five.
    let all = casefile(d.path(), &["cluster", "a.log", "--json"]);
    assert_eq!(all.code, 0, "{}", all.stderr);
    assert_eq!(
        counts_by_template(&all.json())
            .iter()
            .map(|c| c.1)
            .collect::<Vec<_>>(),
        [5, 4, 3, 2, 1]
    );
    // The human table: two signature rows, the most frequent first.
    let r = casefile(d.path(), &["cluster", "a.log", "--top", "2"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.ends_with("disk full on node") || l.contains("  cache miss storm"))
        .collect();
    assert_eq!(rows.len(), 2, "{}", r.stdout);
    assert!(rows[0].trim_start().starts_with("5 "), "{}", r.stdout);
    for other in [
        "queue backlog growing",
        "token refresh failed",
        "socket reset by peer",
    ] {
        assert!(!r.stdout.contains(other), "{other} shown: {}", r.stdout);
    }
    // Issue 16: the footer counts what the table shows and what --top left out, in
    // signatures and in events, and the numbers add up (2 + 3 = 5, 9 + 6 = 15).
    assert!(
        r.stdout.ends_with(
            "2 of 5 signature(s) shown, 9 of 15 event(s); 3 more with 6 event(s): leave out \
             --top to see all\n"
        ),
        "{}",
        r.stdout
    );
    // More than there are: all of them.
    let r = casefile(d.path(), &["cluster", "a.log", "--json", "--top", "9"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(counts_by_template(&r.json()).len(), 5);
    let r = casefile(d.path(), &["cluster", "a.log", "--top", "0"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("--top 0 would show nothing"),
        "{}",
        r.stderr
    );
}

/// On the checkout sample, `--top 4` is the first four signatures of the whole list, as they
/// are. (4, not 5: since access signatures keep their route and status, the 5th and 6th tie.)
#[test]
fn cluster_top_is_the_head_of_the_full_ranking() {
    let all = casefile(&fixtures(), &["cluster", "checkout/logs", "--json"]);
    assert_eq!(all.code, 0, "{}", all.stderr);
    let top = casefile(
        &fixtures(),
        &["cluster", "checkout/logs", "--json", "--top", "4"],
    );
    assert_eq!(top.code, 0, "{}", top.stderr);
    let (all, top) = (all.json(), top.json());
    let head: Vec<serde_json::Value> = all["signatures"].as_array().unwrap()[..4].to_vec();
    assert_eq!(top["signatures"].as_array().unwrap(), &head);
    let counts: Vec<u64> = all["signatures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["count"].as_u64().unwrap())
        .collect();
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
    assert!(
        counts[3] > counts[4],
        "the cut is not inside a tie: {counts:?}"
    );
}

#[test]
fn cluster_since_until_counts_only_events_in_range() {
    let d = tempfile::tempdir().unwrap();
    ranked_log(d.path());
    // [22:00:04, 22:00:09): cache at :04, :05, :07, :08 and disk at :06; the queue line at
    // :09 is the excluded end, the disk line at :02 before the start.
    let r = casefile(
        d.path(),
        &[
            "cluster",
            "a.log",
            "--json",
            "--since",
            "2026-11-28T22:00:04Z",
            "--until",
            "2026-11-28T22:00:09Z",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc = r.json();
    assert_eq!(doc["events"], 5);
    assert_eq!(
        counts_by_template(&doc),
        [
            ("cache miss storm".to_string(), 4),
            ("disk full on node".to_string(), 1),
        ]
    );
    let sigs = doc["signatures"].as_array().unwrap();
    assert_eq!(sigs[0]["first_seen"], "2026-11-28T22:00:04.000Z");
    assert_eq!(sigs[0]["last_seen"], "2026-11-28T22:00:08.000Z");
    assert_eq!(sigs[1]["first_seen"], "2026-11-28T22:00:06.000Z");
    assert_eq!(sigs[1]["last_seen"], "2026-11-28T22:00:06.000Z");
}

/// The checkout sample between 22:00:10 and 22:00:20, warn and above. The db log is RFC 3164
/// syslog: `--year 2026` pins its year (else the fixture file's mtime year).
#[test]
fn cluster_since_until_on_the_checkout_sample() {
    let range = [
        "--since",
        "2026-11-28T22:00:10Z",
        "--until",
        "2026-11-28T22:00:20Z",
        "--level",
        "warn",
        "--year",
        "2026",
    ];
    let mut args = vec!["cluster", "checkout/logs", "--json"];
    args.extend(range);
    let r = casefile(&fixtures(), &args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc = r.json();
    assert_eq!(doc["events"], 280);
    assert_eq!(
        counts_by_template(&doc),
        [
            ("job failed: warehouse api returned <NUM>".to_string(), 96),
            (
                "java.lang.IllegalStateException at com.acme.orders.PaymentClient.charge < com.acme.orders.OrderService.place < com.acme.orders.OrderController.create"
                    .to_string(),
                41
            ),
            (
                "payments.errors.CardDeclined at gateway.py:capture < api.py:charge".to_string(),
                41
            ),
            // The edge's 5xx, by route and status (issue 16; one `POST <PATH> <NUM>` of 70
            // before).
            ("POST /api/v1/orders 502".to_string(), 29),
            ("slow downstream for order <NUM>, retrying".to_string(), 29),
            ("POST /api/v1/orders 504".to_string(), 22),
            ("POST /api/v1/cart/checkout 502".to_string(), 12),
            ("POST /api/v1/cart/checkout 504".to_string(), 7),
            (
                "WARNING: there is already a transaction in progress".to_string(),
                3
            ),
        ]
    );
    for s in doc["signatures"].as_array().unwrap() {
        let (first, last) = (
            s["first_seen"].as_str().unwrap(),
            s["last_seen"].as_str().unwrap(),
        );
        assert!(
            first >= "2026-11-28T22:00:10" && last < "2026-11-28T22:00:20",
            "{first} .. {last}"
        );
    }
    // The same range through `events`: the same 280.
    let mut args = vec!["events", "checkout/logs", "--json"];
    args.extend(range);
    let e = casefile(&fixtures(), &args);
    assert_eq!(e.code, 0, "{}", e.stderr);
    assert_eq!(e.json_lines().len(), 280);
}

// Issue 16: an empty answer exits 1 and says why on stderr, with the next step; stdout stays
// as it was (nothing for `events`, the empty table or JSON for `cluster`).

#[test]
fn events_empty_range_names_the_range_and_where_the_inputs_are() {
    let r = casefile(
        &fixtures(),
        &[
            "events",
            "checkout/logs",
            "--json",
            "--since",
            "2020-01-01T00:00:00Z",
            "--until",
            "2020-01-02T00:00:00Z",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.stdout, "");
    assert!(
        r.stderr.contains(
            "casefile: events: 0 events in [2020-01-01T00:00:00.000Z, 2020-01-02T00:00:00.000Z) \
             (UTC) over 8 source(s); the inputs span 2026-11-28T22:00:00.000Z .. \
             2026-11-28T22:00:35.000Z; casefile scan checkout/logs shows each source's time range"
        ),
        "{}",
        r.stderr
    );
    // An open end is shown as `..`.
    let r = casefile(
        &fixtures(),
        &["events", "checkout/logs", "--since", "2027-01-01T00:00:00Z"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("0 events in [2027-01-01T00:00:00.000Z, ..) (UTC) over 8 source(s)"),
        "{}",
        r.stderr
    );
}

#[test]
fn events_filters_that_remove_everything_say_what_the_range_held() {
    let range = [
        "--since",
        "2026-11-28T22:00:00Z",
        "--until",
        "2026-11-28T22:00:10Z",
    ];
    let mut args = vec!["events", "checkout/logs", "--json"];
    args.extend(range);
    let all = casefile(&fixtures(), &args);
    assert_eq!(all.code, 0, "{}", all.stderr);
    assert_eq!(all.json_lines().len(), 4047);
    args.extend(["--level", "fatal"]);
    let r = casefile(&fixtures(), &args);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.stdout, "");
    assert!(
        r.stderr.contains(
            "casefile: events: 0 of the 4047 event(s) in [2026-11-28T22:00:00.000Z, \
             2026-11-28T22:00:10.000Z) (UTC) over 8 source(s) pass --level fatal; loosen or \
             drop them"
        ),
        "{}",
        r.stderr
    );
    // `--grep` rules records out before they are parsed: they are counted all the same.
    let mut args = vec!["events", "checkout/logs"];
    args.extend(range);
    args.extend(["--grep", "NO_SUCH_TEXT", "--service", "payments"]);
    let r = casefile(&fixtures(), &args);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "0 of the 4047 event(s) in [2026-11-28T22:00:00.000Z, 2026-11-28T22:00:10.000Z) \
             (UTC) over 8 source(s) pass --service payments, --grep 'NO_SUCH_TEXT'"
        ),
        "{}",
        r.stderr
    );
    // Without a range: every event of the inputs (scan counts 12890).
    let r = casefile(
        &fixtures(),
        &["events", "checkout/logs", "--level", "fatal"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "casefile: events: 0 of the 12890 event(s) in 8 source(s) pass --level fatal"
        ),
        "{}",
        r.stderr
    );
}

/// A file of lines without a time and one that starts with two before its first time.
fn untimed_logs() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("mixed.log"),
        "starting up\nready\n2026-11-28T22:00:01Z INFO timed line\nplain again\n",
    )
    .unwrap();
    std::fs::write(d.path().join("untimed.log"), "no time here\nnor here\n").unwrap();
    d
}

#[test]
fn records_without_a_time_left_out_of_a_range_are_counted() {
    let d = untimed_logs();
    let note = "record(s) have no time and are left out of any time range: give \
                --tz/--date/--year if they write only part of it";
    // An answer: the one timed record (its continuation line included), and the three
    // records without a time (mixed.log's first, untimed.log's two) that the range left out.
    for extra in [&[][..], &["--no-seek"][..]] {
        let mut args = vec!["events", ".", "--json", "--since", "2026-11-28T00:00:00Z"];
        args.extend(extra);
        let r = casefile(d.path(), &args);
        assert_eq!(r.code, 0, "{extra:?}: {}", r.stderr);
        let evs = r.json_lines();
        assert_eq!(evs.len(), 1);
        assert_eq!(evs[0]["ts"], "2026-11-28T22:00:01.000Z");
        assert_eq!(evs[0]["message"], "timed line");
        assert_eq!(evs[0]["line"], 3);
        assert!(
            r.stderr.contains(&format!("casefile: events: 3 {note}")),
            "{extra:?}: {}",
            r.stderr
        );
    }
    // Read from stdin (a stream): mixed.log's first record only.
    let r = casefile_stdin(
        d.path(),
        &["events", "--json", "--since", "2026-11-28T00:00:00Z"],
        Some(std::fs::read(d.path().join("mixed.log")).unwrap()),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json_lines().len(), 1);
    assert!(
        r.stderr.contains(&format!("casefile: events: 1 {note}")),
        "{}",
        r.stderr
    );
    // An empty answer over a file with no time at all says both.
    let r = casefile(
        d.path(),
        &["events", "untimed.log", "--since", "2026-11-28T00:00:00Z"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.stdout, "");
    assert!(
        r.stderr.contains(&format!("casefile: events: 2 {note}")),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(
            "casefile: events: 0 events in [2026-11-28T00:00:00.000Z, ..) (UTC) over 1 \
             source(s); no record of the inputs has a time; casefile scan untimed.log shows \
             each source's time range"
        ),
        "{}",
        r.stderr
    );
    // No range, no note.
    let r = casefile(d.path(), &["events", "."]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("have no time"), "{}", r.stderr);
}

#[test]
fn cluster_with_nothing_says_what_was_searched_and_what_the_range_held() {
    let r = casefile(
        &fixtures(),
        &[
            "cluster",
            "checkout/logs",
            "--json",
            "--since",
            "2026-11-28T22:00:00Z",
            "--until",
            "2026-11-28T22:00:10Z",
            "--level",
            "fatal",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.json()["signatures"], serde_json::json!([]));
    assert_eq!(r.json()["events"], 0);
    assert!(
        r.stderr.contains(
            "casefile: cluster: no signature: 0 of the 4047 event(s) in \
             [2026-11-28T22:00:00.000Z, 2026-11-28T22:00:10.000Z) (UTC) over 8 source(s) pass \
             --level fatal; loosen or drop them"
        ),
        "{}",
        r.stderr
    );
    let r = casefile(
        &fixtures(),
        &[
            "cluster",
            "checkout/logs",
            "--until",
            "2000-01-01T00:00:00Z",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "casefile: cluster: no signature: 0 events in [.., 2000-01-01T00:00:00.000Z) (UTC) \
             over 8 source(s); the inputs span 2026-11-28T22:00:00.000Z .. \
             2026-11-28T22:00:35.000Z; casefile scan checkout/logs shows each source's time range"
        ),
        "{}",
        r.stderr
    );
}

/// Issue 16: HTTP access signatures keep the method, the route and the status. Two statuses of
/// one route are two signatures; two ids in one route's path are one, with the ids as the
/// hole's values; the query is not part of the route. (nginx `combined`, as its docs define it.)
#[test]
fn http_access_signatures_keep_method_route_and_status() {
    let d = tempfile::tempdir().unwrap();
    let line = |ip: &str, s: u32, req: &str, status: u32| {
        format!(
            "{ip} - - [28/Nov/2026:23:00:{s:02} +0100] \"{req} HTTP/1.1\" {status} 415 \"-\" \"curl/8.5.0\"\n"
        )
    };
    let log = [
        line("10.0.0.7", 1, "POST /api/v1/orders", 201),
        line("10.0.0.7", 2, "POST /api/v1/orders", 502),
        line("10.0.0.9", 3, "POST /api/v1/orders", 201),
        line("10.0.0.7", 4, "GET /api/v1/orders/123", 200),
        line("10.0.0.9", 5, "GET /api/v1/orders/456?expand=items", 200),
        line("10.0.0.7", 6, "POST /api/v1/orders", 502),
        line("10.0.0.7", 7, "POST /api/v1/orders", 502),
        line(
            "10.0.0.8",
            8,
            "DELETE /api/v1/orders/8f14e45f-ceea-467f-a0e1-4f3f3b6c2f3e",
            204,
        ),
    ]
    .concat();
    std::fs::write(d.path().join("access.log"), log).unwrap();
    let r = casefile(d.path(), &["cluster", "access.log", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc = r.json();
    assert_eq!(
        counts_by_template(&doc),
        [
            ("POST /api/v1/orders 502".to_string(), 3),
            ("GET /api/v1/orders/<NUM> 200".to_string(), 2),
            ("POST /api/v1/orders 201".to_string(), 2),
            ("DELETE /api/v1/orders/<UUID> 204".to_string(), 1),
        ]
    );
    let sigs = doc["signatures"].as_array().unwrap();
    assert_eq!(
        sigs[1]["holes"],
        serde_json::json!([[["123", 1], ["456", 1]]])
    );
    assert_eq!(sigs[1]["holes_exact"], serde_json::json!([true]));
    assert_eq!(sigs[0]["holes"], serde_json::json!([]));
    // The ids are the templates' (FNV-1a 64), so the two statuses' ids differ.
    assert_ne!(sigs[0]["id"], sigs[2]["id"]);
    // The human view: the route's ids under the signature.
    let r = casefile(d.path(), &["cluster", "access.log"]);
    assert!(
        r.stdout.contains("\n       <NUM>#1: 123 (1), 456 (1)\n"),
        "{}",
        r.stdout
    );
}

/// Issue 16: under each signature, each hole's most common values with their counts and how
/// many events held another value (exact while a hole has few values), or, for a hole with
/// more values than its counters keep, a few of them without counts. Values are redacted like
/// all output.
#[test]
fn cluster_shows_each_holes_most_common_values() {
    let d = tempfile::tempdir().unwrap();
    let mut log = String::new();
    let mut s = 0;
    let mut add = |msg: &str| {
        log.push_str(&format!(
            "ts=2026-11-28T22:00:{s:02}Z level=error msg=\"{msg}\"\n"
        ));
        s += 1;
    };
    for ip in [
        "10.0.0.7", "10.0.0.9", "10.0.0.7", "10.0.0.3", "10.0.0.7", "10.0.0.9",
    ] {
        add(&format!("connection refused from {ip}"));
    }
    add("connection refused from 10.0.0.7");
    add("connection refused from 10.0.0.4");
    for id in 11..19 {
        add(&format!("mail to bob@example.com bounced, job {id}"));
    }
    std::fs::write(d.path().join("app.log"), log).unwrap();
    let r = casefile(d.path(), &["cluster", "app.log"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        lines[0],
        "count  signature         first seen (UTC)          trend                     template"
    );
    assert!(
        lines[1].ends_with("connection refused from <IP>"),
        "{}",
        r.stdout
    );
    assert!(lines[1].starts_with("    8  "), "{}", r.stdout);
    assert_eq!(
        lines[3],
        "       <IP>#1: 10.0.0.7 (4), 10.0.0.9 (2), 10.0.0.3 (1), other (1)"
    );
    assert!(
        lines[4].ends_with("mail to <email> bounced, job <NUM>"),
        "{}",
        r.stdout
    );
    let job = lines[6]
        .strip_prefix("       <NUM>#1: many values, e.g. ")
        .unwrap_or_else(|| panic!("{}", r.stdout));
    let shown: Vec<u32> = job.split(", ").map(|v| v.parse().unwrap()).collect();
    assert_eq!(shown.len(), 3, "{job}");
    assert!(shown.iter().all(|v| (11..19).contains(v)), "{job}");
    assert!(!r.stdout.contains("bob@example.com"), "{}", r.stdout);
    assert_eq!(lines[7], "16 event(s) in 2 signature(s)");
    assert_eq!(lines.len(), 8, "{}", r.stdout);
    // --json says which holes' counts are exact.
    let doc = casefile(d.path(), &["cluster", "app.log", "--json"]).json();
    assert_eq!(
        doc["signatures"][0]["holes_exact"],
        serde_json::json!([true])
    );
    assert_eq!(
        doc["signatures"][1]["holes_exact"],
        serde_json::json!([false])
    );
}

/// Issue 16: the scan and cluster tables stay aligned whatever the width of a path (150
/// characters: cut in the middle, keeping its start and file name; CJK characters: two cells
/// each) or of a timestamp (nanoseconds beside milliseconds). Without COLUMNS the path column
/// is at most 48 cells, so the table is the same on a terminal and in a pipe.
#[test]
fn tables_align_long_and_wide_paths_and_timestamps() {
    let d = tempfile::tempdir().unwrap();
    let long_dir = format!("logs/{}", &"service-data-".repeat(10)[..128]);
    let long = format!("{long_dir}/checkout-api.log");
    assert_eq!(long.chars().count(), 150, "{long}");
    std::fs::create_dir_all(d.path().join(&long_dir)).unwrap();
    std::fs::write(
        d.path().join(&long),
        "ts=2026-11-28T22:00:00.123456789Z level=error msg=\"disk full\"\n\
         ts=2026-11-28T22:00:01.5Z level=info msg=\"served\"\n",
    )
    .unwrap();
    std::fs::create_dir_all(d.path().join("ログ")).unwrap();
    std::fs::write(
        d.path().join("ログ/アクセス.log"),
        "ts=2026-11-28T22:00:02Z level=warn msg=\"slow\"\n",
    )
    .unwrap();
    let r = casefile_env(
        d.path(),
        &["scan", "logs", "ログ"],
        None,
        &[("COLUMNS", "")],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows: Vec<&str> = r.stdout.lines().take(4).collect();
    assert_eq!(
        rows,
        [
            "source                                            dialect    lines  events  time range (UTC)                                            levels",
            "logs/service-data-servic…ce-dat/checkout-api.log  logfmt         2       2  2026-11-28T22:00:00.123456789Z .. 2026-11-28T22:00:01.500Z  error=1 info=1",
            "ログ/アクセス.log                                 logfmt         1       1  2026-11-28T22:00:02.000Z .. 2026-11-28T22:00:02.000Z        warn=1",
            "total                                             2 sources      3       3  2026-11-28T22:00:00.123456789Z .. 2026-11-28T22:00:02.000Z  error=1 warn=1 info=1",
        ]
    );
    let r = casefile_env(
        d.path(),
        &["cluster", "logs", "ログ"],
        None,
        &[("COLUMNS", "")],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| !l.starts_with("     "))
        .collect();
    assert_eq!(
        rows,
        [
            "count  signature         first seen (UTC)                trend                     template",
            "    1  46ab161881a7d411  2026-11-28T22:00:00.123456789Z  █                         disk full",
            "    1  7294e17db181efd0  2026-11-28T22:00:01.500Z        █                         served",
            "    1  6a771318f6fe2cb8  2026-11-28T22:00:02.000Z        █                         slow",
            "3 event(s) in 3 signature(s)",
        ]
    );
}
