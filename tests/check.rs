//! `casefile baseline` / `check`: a baseline from `checkout/` finds nothing new in
//! `checkout-rerun/` and flags exactly the novel error of `checkout-regression/`; `--fail-on`,
//! rate increases, merge, known issues and the output formats.

mod common;

use std::path::Path;

use common::*;
use serde_json::Value;

fn baseline_of(dir: &Path, logs: &str, out: &Path) {
    let r = casefile(dir, &["baseline", logs, "-o", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn rerun_is_clean_and_regression_flags_only_the_novel_error() {
    let s = shared_scenarios();
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().join("base.json");
    baseline_of(&s, "checkout/logs", &base);
    let b = base.to_str().unwrap();

    let r = casefile(
        &s,
        &["check", "checkout-rerun/logs", "--baseline", b, "--json"],
    );
    assert_eq!(r.code, 0, "rerun must pass: {}", r.stdout);
    assert_eq!(r.json()["new"].as_array().unwrap().len(), 0);
    // Not even below the failing level: another day's ids, numbers, times and planted
    // credentials make nothing new at all.
    let r = casefile(
        &s,
        &[
            "check",
            "checkout-rerun/logs",
            "--baseline",
            b,
            "--fail-on",
            "new-any",
            "--json",
        ],
    );
    assert_eq!(r.code, 0, "rerun must pass at new-any: {}", r.stdout);
    assert_eq!(r.json()["new"], serde_json::json!([]), "{}", r.stdout);
    assert_eq!(r.json()["new_below_level"], 0);

    let truth: Value = serde_json::from_str(
        &std::fs::read_to_string(s.join("checkout-regression/truth.json")).unwrap(),
    )
    .unwrap();
    let novel = truth["novel"].as_str().unwrap();
    let r = casefile(
        &s,
        &[
            "check",
            "checkout-regression/logs",
            "--baseline",
            b,
            "--json",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let doc = r.json();
    let new = doc["new"].as_array().unwrap();
    // README: exactly one new signature, the novel error, with every one of its events.
    assert_eq!(new.len(), 1, "{}", r.stdout);
    let n = &new[0];
    assert!(
        n["template"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{novel} reservation failed")),
        "only the novel error may be new: {n}"
    );
    assert_eq!(n["level"], "error");
    // Counted independently: the lines of the regression logs that say it.
    let orders =
        std::fs::read_to_string(s.join("checkout-regression/logs/orders/orders.log")).unwrap();
    let lines = orders
        .lines()
        .filter(|l| l.contains("inventory reservation failed"))
        .count();
    assert_eq!(lines, 52);
    assert_eq!(n["count"], 52, "{n}");
    assert!(n["examples"][0]
        .as_str()
        .unwrap()
        .starts_with("checkout-regression/logs/orders/orders.log:"));
    // Every other signature of the regression day is known (measured: 27; 22 before access
    // signatures kept their route and status, issue 16: the edge's one `POST <PATH> <NUM>`
    // is now six, route by status).
    assert_eq!(doc["known"], 27, "{}", r.stdout);
    assert_eq!(doc["new_below_level"], 0, "{}", r.stdout);
}

/// Issue 18: a credential appended to a known message made a new signature, and an RFC 3339
/// time inside a message was not masked; README promises 0 new when only ids, numbers, times
/// and credentials changed.
#[test]
fn credentials_and_rfc3339_times_make_nothing_new() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(
        d.join("good.log"),
        "ts=2026-11-28T22:00:00Z level=error msg=\"job scheduled at 2026-11-28T23:00:00Z failed\" job_id=J-1\n\
         ts=2026-11-28T22:00:01Z level=warn msg=\"upstream slow, retrying\" job_id=J-2\n",
    )
    .unwrap();
    std::fs::write(
        d.join("new.log"),
        "ts=2026-11-29T10:00:00Z level=error msg=\"job scheduled at 2026-11-29T10:00:00.250+01:00 failed\" job_id=J-7\n\
         ts=2026-11-29T10:00:01Z level=warn msg=\"upstream slow, retrying\" job_id=J-8 Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.LWByR2WZU0wxphlngUY8EUeYpC.Wln9oOO5ArA0jmnVJSKrTjB\n\
         ts=2026-11-29T10:00:02Z level=warn msg=\"upstream slow, retrying\" job_id=J-9 password=hunter2\n",
    )
    .unwrap();
    baseline_of(d, "good.log", &d.join("b.json"));
    let r = casefile(
        d,
        &[
            "check",
            "new.log",
            "--baseline",
            "b.json",
            "--fail-on",
            "new-any",
            "--json",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(r.json()["new"], serde_json::json!([]));
    assert_eq!(r.json()["known"], 2);
}

/// Narrower new signatures of the same new kind are folded into the broader one (README), the
/// folded ids listed under `also` and their events counted.
#[test]
fn narrower_new_signatures_fold_into_the_broader_one() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(
        d.join("good.log"),
        "ts=2026-11-28T22:00:00Z level=info msg=\"served\" req_id=r1\n",
    )
    .unwrap();
    let mut new = String::new();
    for i in 0..6 {
        new.push_str(&format!(
            "ts=2026-11-29T10:00:0{i}Z level=error msg=\"cache unreachable node=cache-{i}\" req_id=r{i}\n"
        ));
    }
    // The same error with a detail appended after its last hole: a narrower template that
    // the broader one's pattern matches.
    for i in 0..3 {
        new.push_str(&format!(
            "ts=2026-11-29T10:01:0{i}Z level=error msg=\"cache unreachable node=cache-{i} (circuit open)\" req_id=s{i}\n"
        ));
    }
    std::fs::write(d.join("new.log"), new).unwrap();
    baseline_of(d, "good.log", &d.join("b.json"));
    let r = casefile(d, &["check", "new.log", "--baseline", "b.json", "--json"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    let doc = r.json();
    let new = doc["new"].as_array().unwrap();
    assert_eq!(new.len(), 1, "{}", r.stdout);
    assert_eq!(
        new[0]["template"], "cache unreachable node=cache-<NUM>",
        "{}",
        r.stdout
    );
    assert_eq!(new[0]["count"], 9, "{}", r.stdout);
    assert_eq!(new[0]["also"].as_array().unwrap().len(), 1, "{}", r.stdout);
}

#[test]
fn fail_on_levels_and_rate_increases() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::create_dir_all(d.join("good")).unwrap();
    std::fs::create_dir_all(d.join("new")).unwrap();
    let mut good = String::new();
    for i in 0..100 {
        good.push_str(&format!(
            "ts=2026-11-28T22:00:{:02}Z level=info msg=\"served {i}\"\n",
            i % 60
        ));
    }
    good.push_str("ts=2026-11-28T22:01:00Z level=error msg=\"db timeout after 30s\"\n");
    std::fs::write(d.join("good/app.log"), &good).unwrap();
    let mut new = good.clone();
    new.push_str("ts=2026-11-28T22:02:00Z level=warn msg=\"disk almost full\"\n");
    for _ in 0..9 {
        new.push_str("ts=2026-11-28T22:02:01Z level=error msg=\"db timeout after 31s\"\n");
    }
    std::fs::write(d.join("new/app.log"), &new).unwrap();
    baseline_of(d, "good", &d.join("b.json"));

    // A new warning does not fail the default (new-error) ...
    let r = casefile(d, &["check", "new", "--baseline", "b.json"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r.stdout.contains("(+1 below --fail-on)"), "{}", r.stdout);
    // ... but fails new-warn and new-any.
    for level in ["new-warn", "new-any"] {
        let r = casefile(
            d,
            &["check", "new", "--baseline", "b.json", "--fail-on", level],
        );
        assert_eq!(r.code, 1, "{level}: {}", r.stdout);
        assert!(r.stdout.contains("disk almost full"), "{}", r.stdout);
    }
    // The known error went from 1 in 101 events to 10 in 111: x9.1.
    let r = casefile(
        d,
        &[
            "check",
            "new",
            "--baseline",
            "b.json",
            "--max-rate-increase",
            "5",
            "--json",
        ],
    );
    assert_eq!(r.code, 1);
    let ri = &r.json()["rate_increases"][0];
    assert_eq!(ri["count"], 10);
    assert_eq!(ri["baseline_count"], 1);
    assert!(ri["ratio"].as_f64().unwrap() > 9.0);
    let r = casefile(
        d,
        &[
            "check",
            "new",
            "--baseline",
            "b.json",
            "--max-rate-increase",
            "20",
        ],
    );
    assert_eq!(r.code, 0);
    let r = casefile(
        d,
        &[
            "check",
            "new",
            "--baseline",
            "b.json",
            "--fail-on",
            "new-bad",
        ],
    );
    assert_eq!(r.code, 2);
    assert!(r
        .stderr
        .contains("is not one of new-error, new-warn, new-any"));
    let r = casefile(d, &["check", "new", "--baseline", "missing.json"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("casefile baseline LOGS -o missing.json"),
        "{}",
        r.stderr
    );
}

#[test]
fn baselines_are_stable_sorted_and_merge() {
    let tmp = tempfile::tempdir().unwrap();
    let d = fixtures();
    let a = tmp.path().join("a.json");
    let a2 = tmp.path().join("a2.json");
    baseline_of(&d, "checkout/logs", &a);
    let r = casefile(
        &d,
        &[
            "baseline",
            "checkout/logs",
            "-o",
            a2.to_str().unwrap(),
            "-j",
            "1",
        ],
    );
    assert_eq!(r.code, 0);
    assert_eq!(
        std::fs::read(&a).unwrap(),
        std::fs::read(&a2).unwrap(),
        "byte-identical"
    );
    let v: Value = serde_json::from_slice(&std::fs::read(&a).unwrap()).unwrap();
    let ids = signature_fields(&v, "id");
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);
    // No secret in a baseline.
    let truth: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("checkout/truth.json")).unwrap())
            .unwrap();
    let text = std::fs::read_to_string(&a).unwrap();
    for s in truth["secrets"].as_array().unwrap() {
        assert!(!text.contains(s.as_str().unwrap()), "secret in baseline");
    }
    let b = tmp.path().join("b.json");
    baseline_of(&d, "bad/good.log", &b);
    let c = tmp.path().join("c.json");
    let r = casefile(
        &d,
        &[
            "baseline",
            "merge",
            a.to_str().unwrap(),
            b.to_str().unwrap(),
            "-o",
            c.to_str().unwrap(),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let m: Value = serde_json::from_slice(&std::fs::read(&c).unwrap()).unwrap();
    assert_eq!(m["events"], v["events"].as_u64().unwrap() + 40);
}

#[test]
fn known_issues_are_named() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(
        d.join("good.log"),
        "ts=2026-11-28T22:00:00Z level=info msg=ok\n",
    )
    .unwrap();
    std::fs::write(
        d.join("bad.log"),
        "ts=2026-11-28T22:00:00Z level=info msg=ok\nts=2026-11-28T22:00:01Z level=error msg=\"warehouse api returned 503\"\n",
    )
    .unwrap();
    std::fs::write(
        d.join("known-issues.toml"),
        "[[issue]]\npattern = \"warehouse api returned 5\\\\d\\\\d\"\ntitle = \"Warehouse outage\"\nrunbook = \"https://wiki.example/rb/warehouse\"\njira = \"KB-123\"\n",
    )
    .unwrap();
    baseline_of(d, "good.log", &d.join("b.json"));
    let r = casefile(d, &["check", "bad.log", "--baseline", "b.json"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.contains(
            "known issue: KB-123: Warehouse outage (runbook: https://wiki.example/rb/warehouse)"
        ),
        "{}",
        r.stdout
    );
    let r = casefile(d, &["check", "bad.log", "--baseline", "b.json", "--json"]);
    assert_eq!(r.json()["new"][0]["known_issue"]["jira"], "KB-123");
}

#[test]
fn ci_outputs_are_written() {
    let s = shared_scenarios();
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().join("base.json");
    baseline_of(&s, "checkout/logs", &base);
    let junit = tmp.path().join("j.xml");
    let sarif = tmp.path().join("s.sarif");
    let r = casefile(
        &s,
        &[
            "check",
            "checkout-regression/logs",
            "--baseline",
            base.to_str().unwrap(),
            "--junit",
            junit.to_str().unwrap(),
            "--sarif",
            sarif.to_str().unwrap(),
            "--format",
            "github",
        ],
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stdout
            .starts_with("::error file=checkout-regression/logs/orders/orders.log,line="),
        "{}",
        r.stdout
    );
    let j = std::fs::read_to_string(&junit).unwrap();
    assert!(j.contains("<testcase") && j.contains("inventory"), "{j}");
    let sv: Value = serde_json::from_slice(&std::fs::read(&sarif).unwrap()).unwrap();
    assert_eq!(sv["version"], "2.1.0");
    let res = &sv["runs"][0]["results"][0];
    assert_eq!(
        res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "checkout-regression/logs/orders/orders.log"
    );
    assert!(
        res["locations"][0]["physicalLocation"]["region"]["startLine"]
            .as_u64()
            .unwrap()
            > 0
    );
}

/// The same known-issues file names the issue in cluster, trace and the bundle's summary.
#[test]
fn known_issues_in_cluster_trace_and_bundle() {
    let tmp = tempfile::tempdir().unwrap();
    let ki = tmp.path().join("ki.toml");
    std::fs::write(
        &ki,
        "[[issue]]\npattern = \"CardDeclined\"\ntitle = \"Card declined by the issuer\"\njira = \"KB-51\"\nrunbook = \"https://wiki.example/rb/declines\"\n",
    )
    .unwrap();
    let k = ki.to_str().unwrap();
    let dir = fixtures().join("checkout");
    let r = casefile(
        &dir,
        &["cluster", "logs", "--level", "error", "--known-issues", k],
    );
    assert!(
        r.stdout
            .contains("known issue: KB-51: Card declined by the issuer"),
        "{}",
        r.stdout
    );
    let r = casefile(
        &dir,
        &[
            "trace",
            "ee23490f28307d7b",
            "logs",
            "--json",
            "--known-issues",
            k,
        ],
    );
    assert!(r.stderr.contains("known issue KB-51: Card declined by the issuer (runbook: https://wiki.example/rb/declines) (1 event(s))"), "{}", r.stderr);
    let evs = r.json_lines();
    assert_eq!(
        evs.iter()
            .filter(|e| e["known_issue"]["jira"] == "KB-51")
            .count(),
        1
    );
    let out = tmp.path().join("b");
    let r = casefile(
        &dir,
        &[
            "bundle",
            "ee23490f28307d7b",
            "logs",
            "-o",
            out.to_str().unwrap(),
            "--known-issues",
            k,
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let md = std::fs::read_to_string(out.join("summary.md")).unwrap();
    assert!(md.contains("## Known issues\n\n- **KB-51: Card declined by the issuer (runbook: https://wiki.example/rb/declines)** (1 event(s))"), "{md}");
    let jira = std::fs::read_to_string(out.join("summary.jira.txt")).unwrap();
    assert!(jira.contains("h2. Known issues"));
}
