//! Acceptance on `../shared/scenarios/*` (a missing ../shared fails these tests with the fix):
//! every target's events found by `trace` (recall 1.0, precision >= 0.99), stacks whole, and
//! `events --since --until` returning exactly the window's events.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn run_json(dir: &Path, args: &[&str]) -> Vec<Value> {
    let out = Command::cargo_bin("casefile")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.code() == Some(0),
        "casefile {args:?} exited {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

fn loc(v: &Value) -> (String, u64) {
    (
        v["source"].as_str().unwrap().to_string(),
        v["line"].as_u64().unwrap(),
    )
}

fn check_scenario(name: &str) {
    check_dir(name, &common::shared_scenarios().join(name));
}

fn check_dir(name: &str, dir: &Path) {
    let dir = dir.to_path_buf();
    let truth: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("truth.json")).unwrap()).unwrap();
    for target in truth["targets"].as_array().unwrap() {
        let id = target["id"].as_str().unwrap();
        let got_events = run_json(&dir, &["trace", id, "logs", "--json"]);
        let got: BTreeSet<(String, u64)> = got_events.iter().map(loc).collect();
        let want: BTreeSet<(String, u64)> = target["expect"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p[0].as_str().unwrap().to_string(), p[1].as_u64().unwrap()))
            .collect();
        let missing: Vec<_> = want.difference(&got).collect();
        assert!(missing.is_empty(), "{name} {id}: missing {missing:?}");
        let extra = got.difference(&want).count();
        let precision = want.len() as f64 / (want.len() + extra) as f64;
        assert!(
            precision >= 0.99,
            "{name} {id}: precision {precision:.3}, extra {:?}",
            got.difference(&want).collect::<Vec<_>>()
        );
        for s in target["errors_with_stack"].as_array().into_iter().flatten() {
            let key = (s[0].as_str().unwrap().to_string(), s[1].as_u64().unwrap());
            let tail = s[2].as_str().unwrap();
            let ev = got_events.iter().find(|e| loc(e) == key).unwrap();
            let raw = ev["raw"].as_str().unwrap();
            assert!(
                raw.trim_end().ends_with(tail),
                "{name} {id}: stack of {key:?} does not end with {tail:?}: {raw}"
            );
        }
    }
    let w = &truth["window"];
    // The syslog lines have no year: pin the year the scenario was written in, so the answer
    // does not depend on the files' mtimes (a checkout made in 2028 moved them to 2028).
    let year = &w["start"].as_str().unwrap()[..4];
    let got: BTreeSet<(String, u64)> = run_json(
        &dir,
        &[
            "events",
            "logs",
            "--since",
            w["start"].as_str().unwrap(),
            "--until",
            w["end"].as_str().unwrap(),
            "--year",
            year,
            "--json",
        ],
    )
    .iter()
    .map(loc)
    .collect();
    let want: BTreeSet<(String, u64)> = w["expect"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p[0].as_str().unwrap().to_string(), p[1].as_u64().unwrap()))
        .collect();
    assert_eq!(
        got.difference(&want).collect::<Vec<_>>(),
        Vec::<&(String, u64)>::new(),
        "{name}: events outside the window"
    );
    assert_eq!(
        want.difference(&got).collect::<Vec<_>>(),
        Vec::<&(String, u64)>::new(),
        "{name}: window events missing"
    );
}

#[test]
fn checkout_trace_and_window() {
    check_scenario("checkout");
}

#[test]
fn checkout_rerun_trace_and_window() {
    check_scenario("checkout-rerun");
}

#[test]
fn checkout_regression_trace_and_window() {
    check_scenario("checkout-regression");
}

/// The bundled copy in fixtures/ is always there, even without ../shared.
#[test]
fn bundled_fixture_trace_and_window() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/checkout");
    check_dir("fixtures/checkout", &dir);
}
