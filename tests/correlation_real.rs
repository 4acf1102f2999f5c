//! Correlation on real-shaped logs: service names from Kubernetes node paths, hub ids (an
//! OpenStack request id written on every VM's lifecycle events) not followed, and the config
//! file's `[[correlation.pattern]]` ids. Fixtures: `fixtures/formats/{k8s-paths,hub-ids,
//! id-patterns}/`.

mod common;

use std::collections::BTreeSet;

use common::*;

fn run(args: &[&str]) -> Run {
    casefile(&root(), args)
}

// ---------------------------------------------------------------------------------------------
// Kubernetes paths

/// `/var/log/containers/<pod>_<ns>_<container>-<id>.log` and
/// `/var/log/pods/<ns>_<pod>_<uid>/<container>/N.log[.rotated][.gz]`: the container's name, or
/// the pod's workload when the container's name is generic (`app`, `server`, `main`).
#[test]
fn kubernetes_node_paths_name_the_service() {
    let r = run(&["events", "--json", "fixtures/formats/k8s-paths"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let got: Vec<(String, String, String, String)> = r
        .json_lines()
        .iter()
        .map(|e| {
            let src = e["source"].as_str().unwrap();
            (
                e["ts"].as_str().unwrap().to_string(),
                e["service"].as_str().unwrap().to_string(),
                e["message"].as_str().unwrap().to_string(),
                // `containers` or `pods`, and the file name cut short of the ids.
                format!(
                    "{}/{}",
                    src.split_once("var/log/")
                        .unwrap()
                        .1
                        .split('/')
                        .next()
                        .unwrap(),
                    src.rsplit('/')
                        .next()
                        .unwrap()
                        .chars()
                        .take(16)
                        .collect::<String>()
                ),
            )
        })
        .collect();
    let want = [
        (
            "2023-10-10T08:59:58.000Z",
            "orders-api",
            "listening on :8080",
            "pods/0.log.20231010-0",
        ),
        (
            "2023-10-10T09:00:00.120Z",
            "checkout",
            "checkout started order=O-1",
            "containers/checkout-7d9f8b6",
        ),
        (
            "2023-10-10T09:00:00.250Z",
            "payments",
            "charge requested amount=12.50",
            "containers/payments-6b8f7c4",
        ),
        (
            "2023-10-10T09:00:00.300Z",
            "orders-api",
            "order O-1 created",
            "pods/0.log",
        ),
        (
            "2023-10-10T09:00:00.480Z",
            "checkout",
            "payment provider timeout after 300ms",
            "containers/checkout-7d9f8b6",
        ),
        (
            "2023-10-10T09:00:01.000Z",
            "kafka",
            "partition rebalanced",
            "containers/kafka-0_data_mai",
        ),
        (
            "2023-10-10T09:00:02.000Z",
            "fluent-bit",
            "[warn] [engine] failed to flush chunk",
            "pods/1.log",
        ),
    ];
    let want: Vec<(String, String, String, String)> = want
        .iter()
        .map(|(a, b, c, d)| (a.to_string(), b.to_string(), c.to_string(), d.to_string()))
        .collect();
    assert_eq!(got, want);
}

// ---------------------------------------------------------------------------------------------
// Hub ids

const HUBS: &str = "fixtures/formats/hub-ids";
/// The VM traced, and the request that booted it.
const VM: &str = "582784a6-32f4-465c-9fde-763b4835e0f5";
const BOOT: &str = "req-6368a9e7-e0f5-40f1-a2a5-287afecdf83b";
/// nova-compute's lifecycle-event context (every VM's `VM Started/Paused/Resumed`), and one
/// `_sync_power_states` pass over every VM of the host.
const LIFECYCLE: &str = "req-ac6409c8-c6c5-43e3-8e1a-2ae122ed56f6";
const SYNC: &str = "req-22fdc9aa-781c-4694-97fe-4a8337168e8e";

/// Every `(source, line)` of the hub fixture whose text holds one of `tokens` as a whole token.
fn lines_holding(tokens: &[&str]) -> BTreeSet<(String, u64)> {
    let mut out = BTreeSet::new();
    for name in [
        "nova-api.log",
        "nova-compute.log",
        "nova-conductor.log",
        "nova-scheduler.log",
    ] {
        let text = std::fs::read_to_string(root().join(HUBS).join(name)).unwrap();
        for (i, l) in text.lines().enumerate() {
            let holds = tokens.iter().any(|t| {
                l.match_indices(t).any(|(at, _)| {
                    let before = l[..at].chars().next_back();
                    let after = l[at + t.len()..].chars().next();
                    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
                    !word(before) && !word(after)
                })
            });
            if holds {
                out.insert((format!("{HUBS}/{name}"), i as u64 + 1));
            }
        }
    }
    out
}

fn traced(r: &Run) -> BTreeSet<(String, u64)> {
    lines_of(&r.json_lines()).into_iter().collect()
}

/// Tracing one VM: its own lines and its boot request's lines (API, conductor, scheduler,
/// compute), not the other 21 VMs' lifecycle events that the lifecycle and sync request ids
/// would bring in. Precision and recall 1.0; both hubs are named with the flag that follows
/// them.
#[test]
fn a_request_id_joining_many_vms_is_not_followed() {
    let r = run(&["trace", VM, HUBS, "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let got = traced(&r);
    let want = lines_holding(&[VM, BOOT]);
    assert_eq!(want.len(), 18);
    assert_eq!(got, want, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "  not followed: request_id={LIFECYCLE} joins 22 distinct instance_id values; add \
             --follow request_id to follow it\n"
        )),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(&format!(
            "  not followed: request_id={SYNC} joins 22 distinct instance_id values; add \
             --follow request_id to follow it\n"
        )),
        "{}",
        r.stderr
    );
    // What each id brought in: the VM's 14 lines, then its boot request's other 4.
    assert!(
        r.stderr
            .contains(&format!("  id {VM} (given): 14 event(s)\n")),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(&format!(
            "  id {BOOT} (request_id, hop 1, first in {HUBS}/nova-compute.log:46): 4 event(s)\n"
        )),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .starts_with("casefile: trace: 18 event(s) in 4 service(s), 5 id(s) followed"),
        "{}",
        r.stderr
    );
}

/// `--follow request_id` (or the config file's `follow`) follows the hubs anyway: every VM's
/// lifecycle and sync lines come in.
#[test]
fn follow_names_the_hub_key_and_it_is_followed() {
    let want = lines_holding(&[VM, BOOT, LIFECYCLE, SYNC]);
    assert_eq!(want.len(), 103);
    let r = run(&["trace", VM, HUBS, "--json", "--follow", "request_id"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(traced(&r), want);
    assert!(!r.stderr.contains("not followed:"), "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "  id {LIFECYCLE} (request_id, hop 1, first in {HUBS}/nova-compute.log:49): 63 \
             event(s)\n"
        )),
        "{}",
        r.stderr
    );

    let d = tempfile::tempdir().unwrap();
    let cfg = d.path().join("follow.toml");
    std::fs::write(&cfg, "[correlation]\nfollow = [\"request_id\"]\n").unwrap();
    let r = run(&[
        "trace",
        VM,
        HUBS,
        "--json",
        "--config",
        cfg.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(traced(&r), want);
}

/// The id asked for is never a hub: tracing the lifecycle request gives all its lines.
#[test]
fn the_given_id_is_never_a_hub() {
    let r = run(&["trace", LIFECYCLE, HUBS, "--json", "--max-depth", "0"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(traced(&r), lines_holding(&[LIFECYCLE]));
    assert_eq!(traced(&r).len(), 67);
    assert!(!r.stderr.contains("not followed:"), "{}", r.stderr);
}

// ---------------------------------------------------------------------------------------------
// [[correlation.pattern]]

const PAT: &str = "fixtures/formats/id-patterns";

fn pat(name: &str) -> String {
    format!("{PAT}/{name}")
}

fn shop_and_billing<'a>(extra: &[&'a str], paths: &'a [String; 2]) -> Vec<&'a str> {
    let mut a = vec![
        "trace",
        "r-7f3a",
        "--json",
        paths[0].as_str(),
        paths[1].as_str(),
    ];
    a.extend_from_slice(extra);
    a
}

/// shop names the payment `ref#48213`; billing logs only that. A pattern turns it into a
/// `correlation_id` (a followed key): the trace crosses to billing, and only as a whole token
/// (not `ref#482130`, not `xref#48213`).
#[test]
fn a_custom_id_pattern_links_two_services() {
    let paths = [pat("shop.jsonl"), pat("billing.log")];
    let r = run(&shop_and_billing(&[], &paths));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let shop = |l: u64| (pat("shop.jsonl"), l);
    let billing = |l: u64| (pat("billing.log"), l);
    assert_eq!(lines_of(&r.json_lines()), [shop(1), shop(2), shop(5)]);

    let cfg = pat("ref.toml");
    let r = run(&shop_and_billing(&["--config", &cfg], &paths));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let evs = r.json_lines();
    assert_eq!(
        lines_of(&evs),
        [shop(1), shop(2), billing(1), billing(3), shop(5)]
    );
    assert_eq!(evs[2]["ids"]["correlation_id"], "ref#48213");
    assert_eq!(evs[2]["via"]["id"], "ref#48213");
    assert_eq!(evs[3]["level"], "error");
    assert_eq!(evs[3]["ts"], "2023-10-10T09:00:01.010Z");
    assert!(
        r.stderr.contains(&format!(
            "  id ref#48213 (correlation_id, hop 1, first in {PAT}/shop.jsonl:2): 2 event(s)\n"
        )),
        "{}",
        r.stderr
    );
    // On top of the dialect's ids: shop's request id is still there.
    assert_eq!(evs[1]["ids"]["request_id"], "r-7f3a");
    assert_eq!(evs[1]["ids"]["correlation_id"], "ref#48213");
}

/// A group's name is a key like any other: `payment_ref` is recorded, not followed, until
/// `--follow payment_ref`.
#[test]
fn pattern_groups_follow_the_usual_key_rules() {
    let paths = [pat("shop.jsonl"), pat("billing.log")];
    let cfg = pat("ref-unfollowed.toml");
    let r = run(&["events", "--json", &paths[1], "--config", &cfg]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let refs: Vec<String> = r
        .json_lines()
        .iter()
        .map(|e| e["ids"]["payment_ref"].as_str().unwrap_or("-").to_string())
        .collect();
    assert_eq!(
        refs,
        [
            "ref#48213",
            "ref#482130",
            "ref#48213",
            "ref#482130",
            "ref#48213"
        ]
    );
    let r = run(&shop_and_billing(&["--config", &cfg], &paths));
    assert_eq!(lines_of(&r.json_lines()).len(), 3, "{}", r.stderr);
    let r = run(&shop_and_billing(
        &["--config", &cfg, "--follow", "payment_ref"],
        &paths,
    ));
    assert_eq!(lines_of(&r.json_lines()).len(), 5, "{}", r.stderr);
}

/// A pattern that does not compile, or names no id, stops the run: the file, which pattern,
/// and the fix.
#[test]
fn bad_patterns_are_config_errors() {
    let cfg = pat("no-group.toml");
    let r = run(&["events", &pat("billing.log"), "--config", &cfg]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr.trim_end(),
        format!(
            "casefile: error: config file {cfg}: [[correlation.pattern]] number 1: regex \
             'ref#([0-9]+)' has no named group, so it names no id; name the id's group after \
             its key, e.g. 'ref#(?P<ref_id>[0-9]+)'"
        )
    );
    let cfg = pat("bad-regex.toml");
    let r = run(&["events", &pat("billing.log"), "--config", &cfg]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.starts_with(&format!(
            "casefile: error: config file {cfg}: [[correlation.pattern]] number 2: regex \
             'ref#(?P<payment_ref>[0-9]+' does not compile; write it in Rust regex syntax \
             (https://docs.rs/regex), in single quotes so backslashes stay as written:\n"
        )),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("unclosed group"), "{}", r.stderr);
}

/// A session-like id under a followed key (`correlation_id` carried by 51 traces) is a hub;
/// a trace id whose records hold many span and thread ids is not (those name one record each,
/// not a request).
#[test]
fn a_session_under_a_follow_key_is_a_hub_but_spans_do_not_make_one() {
    let d = tempfile::tempdir().unwrap();
    let mut text = String::new();
    for i in 0..50 {
        text.push_str(&format!(
            "ts=2023-10-10T09:00:{:02}.000Z level=info msg=\"page view\" correlation_id=sess-42 \
             trace_id=t-{i:03}\n",
            i
        ));
    }
    // The traced request: one request id, one trace, twelve spans on twelve threads.
    text.push_str(
        "ts=2023-10-10T09:01:00.000Z level=info msg=\"checkout\" request_id=r-1 trace_id=t-900 \
         correlation_id=sess-42\n",
    );
    for s in 0..12 {
        text.push_str(&format!(
            "ts=2023-10-10T09:01:{:02}.500Z level=info msg=\"step {s}\" trace_id=t-900 \
             span_id=s-{s:02} thread_id=th-{s}\n",
            s
        ));
    }
    std::fs::write(d.path().join("web.log"), &text).unwrap();
    let r = casefile(d.path(), &["trace", "r-1", "web.log", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<u64> = lines_of(&r.json_lines()).iter().map(|l| l.1).collect();
    assert_eq!(lines, (51..=63).collect::<Vec<u64>>(), "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "  not followed: correlation_id=sess-42 joins 51 distinct trace_id values; add \
             --follow correlation_id to follow it\n"
        ),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("  id t-900 (trace_id, hop 1, first in web.log:51): 12 event(s)\n"),
        "{}",
        r.stderr
    );
}

/// What cannot work is said: `--window` over events without a time names their sources, and a
/// request spanning days is flagged as implausible.
#[test]
fn window_without_times_and_implausible_spans_are_said() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("worker.log"),
        "job J-1 started\njob J-1 step two\n",
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("api.log"),
        "2026-11-28 23:00:00 INFO accepted job_id=J-1\n",
    )
    .unwrap();
    let r = casefile(tmp.path(), &["trace", "J-1", ".", "--window", "1s"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "warning: --window cannot place context around events without a time: ./worker.log (2)"
        ),
        "{}",
        r.stderr
    );
    std::fs::write(
        tmp.path().join("old.log"),
        "2026-01-10 08:00:00 INFO retried job_id=J-1\n",
    )
    .unwrap();
    let r = casefile(tmp.path(), &["trace", "J-1", "api.log", "old.log"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("warning: one request spanning 322.6 days is implausible"),
        "{}",
        r.stderr
    );
}
