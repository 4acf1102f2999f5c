//! Issue 16 §3-4, the bundle's handoff: the summaries carry the same sections, count the
//! request apart from `--window` context, show every stack with where it started, the impact
//! of each signature in all the inputs, the environment and customer-facing ids, mark
//! whole-second times, and rebuild a curl command that runs as pasted and runs nothing else.
//! Fixture: `fixtures/handoff/logs` (an access log writing whole seconds at response time, a
//! JSON API log carrying Kubernetes and version fields, a Python log with tracebacks).

mod common;

use std::path::Path;

use common::*;
use serde_json::Value;

const REQ: &str = "7f3a9c01e2b41001";

fn bundle(extra: &[&str]) -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("b");
    let mut args = vec!["bundle", REQ, "logs", "-o", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let r = casefile_env(
        &fixtures().join("handoff"),
        &args,
        None,
        &[("SOURCE_DATE_EPOCH", "0")],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    (tmp, out)
}

fn text(out: &Path, name: &str) -> String {
    std::fs::read_to_string(out.join(name)).unwrap()
}

fn headings(s: &str, prefix: &str) -> Vec<String> {
    s.lines()
        .filter_map(|l| l.strip_prefix(prefix).map(str::to_string))
        .collect()
}

/// Issue 16 §4: the wiki text had no timeline; both now carry the same sections, in order.
#[test]
fn summaries_carry_the_same_sections_in_the_same_order() {
    let (_tmp, out) = bundle(&[]);
    let want = [
        "Errors and stacks",
        "Signatures",
        "Ids",
        "Customer-facing ids",
        "Environment",
        "Timeline",
        "Reproduce",
        "How this bundle was made",
    ];
    assert_eq!(headings(&text(&out, "summary.md"), "## "), want);
    assert_eq!(headings(&text(&out, "summary.jira.txt"), "h2. "), want);
    // The lead lines too.
    let jira = text(&out, "summary.jira.txt");
    for l in [
        "*What failed:* ",
        "*When (UTC):* ",
        "*Where:* ",
        "*Events:* ",
    ] {
        assert!(jira.contains(&format!("\n{l}")), "{l} in {jira}");
    }
}

/// Issue 16 §4: report.html carries the summary's content, its sections in the same order,
/// above the page's own timeline (`Events`), with the rebuilt request and the command.
#[test]
fn report_html_shows_the_summary_above_its_timeline() {
    let (_tmp, out) = bundle(&[]);
    let html = text(&out, "report.html");
    let md = text(&out, "summary.md");
    let start = html
        .find("<section class=\"summary\">")
        .expect("summary section");
    let end = start + html[start..].find("</section>").unwrap();
    let h2 = |s: &str| -> Vec<String> {
        s.split("<h2>")
            .skip(1)
            .map(|p| p[..p.find("</h2>").unwrap()].to_string())
            .collect()
    };
    assert_eq!(h2(&html[start..end]), headings(&md, "## "));
    assert!(
        html[end..].contains("<h2>Events</h2>"),
        "the page's timeline comes after the summary"
    );
    for want in [
        "${HOST:?set HOST to the service host}",
        &format!("casefile bundle {REQ} logs -o"),
    ] {
        assert!(html[start..end].contains(want), "{want}");
    }
}

/// Issue 16 §3: with `--window` the request's events are counted, context apart.
#[test]
fn window_counts_context_apart_from_the_request() {
    let (_tmp, out) = bundle(&["--window", "2s"]);
    let md = text(&out, "summary.md");
    for want in [
        "**Where:** api (2 events, 1 error), edge (1 event, 1 error), payments (4 events, 3 errors); hosts: node-a\n",
        "**Context (not the request):** api (1 event), edge (1 event)\n",
        "**Events:** 7 of the request + 2 context events within 2s.\n",
        // An access signature keeps its route and status: the context's 200 is its own.
        "| 1 | `4a15e1516bfdde9b` | seen 1 time in this request, 1 time in all inputs between 2026-03-02T10:00:03.000Z and 2026-03-02T10:00:07.400Z, 1 distinct request id | `POST /api/v1/orders 502` | edge |\n",
        "| 0 (+1 context) | `beb37b28479ece5f` | context only: not counted | `POST /api/v1/cart 200` | edge |\n",
        "| 0 (+1 context) | `d98e51be23603678` | context only: not counted | `cart updated` | api |\n",
        // Quiet context is counted under the timeline, not listed in it.
        "2 context event(s) at info level or below are not listed here: see report.html or `timeline.jsonl`.\n",
    ] {
        assert!(md.contains(want), "want:\n{want}\nin:\n{md}");
    }
    assert!(!md.contains("(context) POST /api/v1/cart 200"), "{md}");
    let jira = text(&out, "summary.jira.txt");
    assert!(
        jira.contains("*Where:* api (2 events, 1 error), edge (1 event, 1 error), payments (4 events, 3 errors); hosts: node-a\n"),
        "{jira}"
    );
    assert!(jira.contains("*Context (not the request):* api (1 event), edge (1 event)\n"));
    assert!(jira.contains("*Events:* 7 of the request + 2 context events within 2s\n"));
}

/// Issue 16 §4: every stack, by time, identical ones once, where it started called out.
#[test]
fn every_stack_in_time_order_identical_ones_once() {
    let (_tmp, out) = bundle(&[]);
    let md = text(&out, "summary.md");
    let start = md.find("## Errors and stacks").unwrap();
    let end = md.find("## Signatures").unwrap();
    let errors = &md[start..end];
    let want = "## Errors and stacks\n\n\
**Where it started:** api at 2026-03-02T10:00:05.300Z (logs/api/api.jsonl:3): `payment call failed` (no stack trace in the record).\n\n\
**Stack** 1 of 2: payments, 2026-03-02T10:00:05.350Z, ×2, also at logs/payments/payments.log:10\n\n\
`logs/payments/payments.log:3` (payments)\n\n\
```\n2026-03-02 10:00:05,350 ERROR payments.api request_id=7f3a9c01e2b41001 charge failed\n\
Traceback (most recent call last):\n  File \"/srv/payments/api.py\", line 40, in charge\n    resp = gateway.capture(order)\n  \
File \"/srv/payments/gateway.py\", line 12, in capture\n    raise GatewayTimeout(host)\n\
payments.errors.GatewayTimeout: gateway did not answer\n```\n\n\
**Stack** 2 of 2: payments, 2026-03-02T10:00:05.400Z\n\n\
`logs/payments/payments.log:17` (payments)\n\n\
```\n2026-03-02 10:00:05,400 ERROR payments.api request_id=7f3a9c01e2b41001 refund failed\n\
Traceback (most recent call last):\n  File \"/srv/payments/api.py\", line 55, in refund\n    ledger.write(entry)\n  \
File \"/srv/payments/ledger.py\", line 9, in write\n    raise LedgerLocked(entry)\n\
payments.errors.LedgerLocked: ledger locked\n```\n\n";
    assert_eq!(errors, want);
    let jira = text(&out, "summary.jira.txt");
    assert!(jira.contains(
        "*Stack* 1 of 2: payments, 2026-03-02T10:00:05.350Z, ×2, also at logs/payments/payments.log:10\n\
         logs/payments/payments.log:3\n{noformat}\n2026-03-02 10:00:05,350 ERROR"
    ), "{jira}");
    assert!(jira.contains("*Where it started:* api at 2026-03-02T10:00:05.300Z (logs/api/api.jsonl:3): {{payment call failed}} (no stack trace in the record)\n"));
}

/// Issue 16 §4: impact of each signature over the request's span ± 5 minutes, in all inputs.
#[test]
fn impact_counts_each_signature_in_all_inputs() {
    let (_tmp, out) = bundle(&[]);
    let sigs: Value = serde_json::from_str(&text(&out, "signatures.json")).unwrap();
    let by: std::collections::BTreeMap<String, Value> = sigs["signatures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["template"].as_str().unwrap().to_string(),
                s["impact"].clone(),
            )
        })
        .collect();
    let imp = |count: u64, ids: u64| {
        serde_json::json!({
            "count": count, "request_ids": ids,
            "since": "2026-03-02T09:55:05.000Z", "until": "2026-03-02T10:05:05.400Z",
            "remote_not_counted": [],
        })
    };
    // The request's two tracebacks and c4e8...2001's at 10:02 (d9f2...2002 has none).
    assert_eq!(
        by["payments.errors.GatewayTimeout at gateway.py:capture < api.py:charge"],
        imp(3, 2)
    );
    // The 502s of three requests; the one at 10:30 is out of the range.
    // Matched by route and status (the query string is no part of it).
    assert_eq!(by["POST /api/v1/orders 502"], imp(3, 3));
    assert_eq!(by["payment call failed"], imp(3, 3));
    assert_eq!(
        by["payments.errors.LedgerLocked at ledger.py:write < api.py:refund"],
        imp(1, 1)
    );
    // Info-level signatures are not counted.
    assert_eq!(by["order received"], Value::Null);
    let md = text(&out, "summary.md");
    assert!(md.contains("| 1 | `3a2d18ccb4af5588` | seen 1 time in this request, 3 times in all inputs between 2026-03-02T09:55:05.000Z and 2026-03-02T10:05:05.400Z, 3 distinct request ids | `payment call failed` | api |\n"), "{md}");
    assert!(md.contains("**Impact:** how often each signature of the request's warn and error events occurred in all the inputs, counted over the request's time span widened by 5 minutes on each side: 2026-03-02T09:55:05.000Z .. 2026-03-02T10:05:05.400Z.\n"));
    let jira = text(&out, "summary.jira.txt");
    assert!(jira.contains("|1|{{3a2d18ccb4af5588}}|seen 1 time in this request, 3 times in all inputs between 2026-03-02T09:55:05.000Z and 2026-03-02T10:05:05.400Z, 3 distinct request ids|{{payment call failed}}|api|\n"), "{jira}");
}

/// Issue 16 §4: hosts, pods, versions, inputs, casefile's version; customer ids apart, redacted.
#[test]
fn environment_and_customer_facing_ids() {
    let (_tmp, out) = bundle(&[]);
    let md = text(&out, "summary.md");
    let want = format!(
        "## Customer-facing ids\n\n| key | value | events | first seen in |\n|---|---|---:|---|\n\
| order_id | `o-555` | 2 | logs/api/api.jsonl:2 |\n\
| tenant.id | `t-9` | 1 | logs/api/api.jsonl:2 |\n\
| user_id | `u-77` | 1 | logs/api/api.jsonl:2 |\n\
| customer.email | `<email:71d4f55f>` | 1 | logs/api/api.jsonl:2 |\n\n\
## Environment\n\n| what | name | details |\n|---|---|---|\n\
| casefile | {} | made this bundle |\n\
| host | node-a | services: api |\n\
| pod | shop/api-6b7c9-x1 | container api; first in logs/api/api.jsonl:2 |\n\
| service | api | version: 2.3.1 |\n\
| service | edge | version: not in its records |\n\
| service | payments | version: not in its records |\n\
| input | logs/api/api.jsonl | json, 1908 bytes |\n\
| input | logs/edge/access.log | access, 846 bytes |\n\
| input | logs/payments/payments.log | python, 1528 bytes |\n\n",
        env!("CARGO_PKG_VERSION")
    );
    assert!(md.contains(&want), "want:\n{want}\nin:\n{md}");
    for f in [
        "summary.md",
        "summary.jira.txt",
        "signatures.json",
        "timeline.jsonl",
    ] {
        assert!(!text(&out, f).contains("ann@example.com"), "{f}");
    }
    let jira = text(&out, "summary.jira.txt");
    assert!(jira.contains("|pod|shop/api-6b7c9-x1|container api; first in logs/api/api.jsonl:2|\n"));
    assert!(jira.contains("|customer.email|{{<email:71d4f55f>}}|1|logs/api/api.jsonl:2|\n"));
}

/// Issue 16 §4: the access log writes whole seconds when the response is sent, so its 502
/// sorts before the app error that caused it: its time is marked, and it is not where the
/// failure started.
#[test]
fn whole_second_access_line_is_marked_and_not_where_it_started() {
    let (_tmp, out) = bundle(&[]);
    let md = text(&out, "summary.md");
    let rows = "| time (UTC) | service | level | message |\n|---|---|---|---|\n\
| 2026-03-02T10:00:05Z (s) | edge | error | POST /api/v1/orders?x=1 502 |\n\
| 2026-03-02T10:00:05.120Z | api | info | order received |\n\
| 2026-03-02T10:00:05.300Z | api | error | payment call failed |\n";
    assert!(md.contains(rows), "{md}");
    assert!(md.contains("\n(s): this source writes whole seconds (access logs log when the response is sent), so it can appear before the events that caused it.\n"));
    assert!(md.contains("**Where it started:** api at 2026-03-02T10:00:05.300Z"));
    // The lead line marks it too.
    assert!(md.contains(
        "**What failed:** edge reported `POST /api/v1/orders?x=1 502` at 2026-03-02T10:00:05Z (s) (logs/edge/access.log:2)."
    ));
    let jira = text(&out, "summary.jira.txt");
    assert!(
        jira.contains("|2026-03-02T10:00:05Z (s)|edge|error|POST /api/v1/orders?x=1 502|\n"),
        "{jira}"
    );
    assert!(jira.contains("\n(s): this source writes whole seconds"));
}

/// Same inputs, same bytes; `verify` passes.
#[test]
fn handoff_bundle_is_deterministic_and_verifies() {
    let (_a, out1) = bundle(&[]);
    let (_b, out2) = bundle(&[]);
    // The command line names the output: the only difference.
    let (p1, p2) = (out1.to_str().unwrap(), out2.to_str().unwrap());
    for f in [
        "summary.md",
        "summary.jira.txt",
        "signatures.json",
        "timeline.jsonl",
        "report.html",
    ] {
        assert_eq!(text(&out1, f).replace(p1, p2), text(&out2, f), "{f}");
    }
    let v = casefile(Path::new("."), &["verify", out1.to_str().unwrap()]);
    assert_eq!(v.code, 0, "{}{}", v.stdout, v.stderr);
}

/// Issue 16 §4: the rebuilt request runs as pasted, and nothing the log holds runs with it.
#[test]
fn reproduce_runs_as_pasted_and_runs_nothing_from_the_log() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("logs")).unwrap();
    // An Apache combined line: `"` inside a field is written `\"`.
    let line = "10.0.0.1 - - [02/Mar/2026:10:00:05 +0000] \
\"GET /p a/$(touch x)/`touch y`/'q'/\\\"d\\\"/;&|/%41!x?v=$HOME HTTP/1.1\" 500 0 \"-\" \
\"ua $(touch z) `touch w` \\\"q\\\" 'x' ;&| %41!\\\\ \" rt=0.1 req_id=9d8c7b6a5f4e3d2c\n";
    std::fs::write(tmp.path().join("logs/access.log"), line).unwrap();
    let r = casefile_env(
        tmp.path(),
        &["bundle", "9d8c7b6a5f4e3d2c", "logs", "-o", "out"],
        None,
        &[("SOURCE_DATE_EPOCH", "0")],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let md = text(&tmp.path().join("out"), "summary.md");
    let block = md
        .split("## Reproduce\n\n```sh\n")
        .nth(1)
        .and_then(|s| s.split("\n```\n").next())
        .unwrap_or_else(|| panic!("{md}"))
        .to_string();
    let work = tempfile::tempdir().unwrap();
    let bash = |script: &str, env: &[(&str, &str)]| {
        let mut c = std::process::Command::new("bash");
        c.args(["-c", script])
            .current_dir(work.path())
            .env_remove("HOST");
        for (k, v) in env {
            c.env(k, v);
        }
        c.output().unwrap()
    };
    let n = std::process::Command::new("bash")
        .args(["-n", "-c", &block])
        .output()
        .unwrap();
    assert!(
        n.status.success(),
        "bash -n: {}",
        String::from_utf8_lossy(&n.stderr)
    );
    let o = bash(
        &format!("curl() {{ printf '%s\\n' \"$@\"; }}\n{block}"),
        &[("HOST", "example.test"), ("HOME", "/home/h")],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "-X\nGET\n\
https://example.test/p%20a/$(touch%20x)/%60touch%20y%60/'q'/%22d%22/;&%7C/%41%21x?v=$HOME\n\
-H\nUser-Agent: ua $(touch z) `touch w` \"q\" 'x' ;&| %41\\ \n\
-H\nX-Request-Id: 9d8c7b6a5f4e3d2c\n",
        "{block}"
    );
    let made: Vec<_> = std::fs::read_dir(work.path()).unwrap().collect();
    assert!(made.is_empty(), "the paste made files: {made:?}");
    // Without HOST, the command stops and says what to set.
    let o = bash(&format!("curl() {{ echo ran; }}\n{block}"), &[]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).is_empty());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("HOST: set HOST to the service host"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}
