//! The truth of `fixtures/requests/day/` (a day of envoy, JSON-with-offset, logfmt and pino
//! logs; see its README) agrees with what `trace` finds today: for every request a report lists
//! in its window, `trace <id>` returns exactly the request's events. The `requests` command's
//! acceptance rests on that truth, so this pins it to the grouping `trace` does.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

const DAY: &str = "fixtures/requests/day";

fn truth() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(DAY)
        .join("truth.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (regenerate: python3 fixtures/requests/gen.py)",
            path.display()
        )
    });
    serde_json::from_str(&text).unwrap()
}

fn locs(list: &Value) -> BTreeSet<(String, u64)> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|p| (p[0].as_str().unwrap().to_string(), p[1].as_u64().unwrap()))
        .collect()
}

/// `trace <id> fixtures/requests/day/logs --json`, run from the repository root: the (source
/// relative to the day directory, start line) of every event it prints.
fn trace(id: &str) -> BTreeSet<(String, u64)> {
    let out = Command::new(env!("CARGO_BIN_EXE_casefile"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["trace", id, &format!("{DAY}/logs"), "--json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "trace {id}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let prefix = format!("{DAY}/");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("each line is JSON");
            let source = v["source"].as_str().unwrap();
            let rel = source
                .strip_prefix(&prefix)
                .unwrap_or_else(|| panic!("trace {id}: source {source} is not under {prefix}"));
            (rel.to_string(), v["line"].as_u64().unwrap())
        })
        .collect()
}

#[test]
fn every_listed_request_is_what_trace_finds() {
    let truth = truth();
    let reports = truth["reports"].as_array().unwrap();
    assert_eq!(reports.len(), 2);
    let mut checked = 0;
    for report in reports {
        let user = report["user"].as_str().unwrap();
        for req in report["in_window"].as_array().unwrap() {
            let id = req["id"].as_str().unwrap();
            let want = locs(&req["expect"]);
            let got = trace(id);
            assert_eq!(
                got,
                want,
                "user {user}, request {id}: missing {:?}, extra {:?}",
                want.difference(&got).collect::<Vec<_>>(),
                got.difference(&want).collect::<Vec<_>>()
            );
            checked += 1;
        }
    }
    assert_eq!(
        checked, 7,
        "4 requests in report 1's window, 3 in report 2's"
    );
}

/// The request each customer means is listed, failed; the focal user's far failures are real
/// requests of theirs that `trace` finds in full, with an error in them.
#[test]
fn the_meant_request_failed_and_far_failures_are_requests() {
    let truth = truth();
    let reports = truth["reports"].as_array().unwrap();
    for report in reports {
        let meant = report["request"].as_str().unwrap();
        let listed: Vec<&Value> = report["in_window"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["failed"].as_bool().unwrap())
            .collect();
        assert_eq!(listed.len(), 1, "{report}");
        assert_eq!(listed[0]["id"].as_str(), Some(meant));
    }
    let focal = &reports[0];
    assert_eq!(focal["user"], "4711");
    assert_eq!(
        focal["request"], "77b05691-c703-4d9c-984c-cb5a84bf90d4",
        "the failed payment at 14:04:12.118Z"
    );
    let far = focal["far_failures"].as_array().unwrap();
    assert_eq!(far.len(), 2);
    for id in far {
        let id = id.as_str().unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_casefile"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["trace", id, &format!("{DAY}/logs"), "--json"])
            .output()
            .unwrap();
        let events: Vec<Value> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert!(
            events.iter().any(|e| e["ids"]["userId"] == "4711"),
            "far failure {id} is 4711's"
        );
        assert!(
            events.iter().any(|e| e["level"] == "error"),
            "far failure {id} has an error-level event"
        );
        // Hours from the window [14:00Z, 14:10Z]: every event before 13:00Z or after 15:00Z.
        for e in &events {
            let ts = e["ts"].as_str().unwrap();
            assert!(
                !("2026-03-14T13:00:00.000Z"..="2026-03-14T15:00:00.000Z").contains(&ts),
                "far failure {id}: event at {ts}"
            );
        }
    }
}
