//! What `events` and `trace` print is redacted by default, on the terminal and as `--json`,
//! with the same redactor and settings as the bundle; `--no-redact` shows the text as written.

mod common;

use common::*;
use serde_json::Value;

fn truth() -> Value {
    serde_json::from_str(&std::fs::read_to_string(fixtures().join("checkout/truth.json")).unwrap())
        .unwrap()
}

/// No planted secret of the sample reaches `trace` or `events` output, in either form; the
/// request's ids still do.
#[test]
fn trace_and_events_print_no_planted_secret() {
    let t = truth();
    let secrets: Vec<&str> = t["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert!(secrets.len() >= 5, "{secrets:?}");
    let dir = fixtures().join("checkout");
    let mut outputs = Vec::new();
    for target in t["targets"].as_array().unwrap() {
        let id = target["id"].as_str().unwrap();
        for json in [true, false] {
            let mut args = vec!["trace", id, "logs", "--year", "2026"];
            if json {
                args.push("--json");
            }
            let r = casefile(&dir, &args);
            assert_eq!(r.code, 0, "{}", r.stderr);
            if json {
                assert!(r.stdout.contains(id));
            }
            outputs.push(r.stdout);
        }
    }
    let r = casefile(&dir, &["events", "logs", "--json", "--year", "2026"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    outputs.push(r.stdout);
    let r = casefile(&dir, &["events", "logs", "--year", "2026"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    outputs.push(r.stdout);
    for out in &outputs {
        for s in &secrets {
            assert!(!out.contains(s), "secret {s} printed");
        }
    }
    // The same commands with --no-redact print them: the test would see a leak.
    let r = casefile(
        &dir,
        &["events", "logs", "--json", "--year", "2026", "--no-redact"],
    );
    assert_eq!(r.code, 0);
    for s in &secrets {
        assert!(r.stdout.contains(s), "--no-redact hides {s}");
    }
}

/// The placeholder is the bundle's: the same value, the same `<kind:xxxxxxxx>`; ids stay.
#[test]
fn events_redact_as_the_bundle_does_and_no_redact_shows_the_text() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("app.log"),
        "ts=2026-11-28T22:00:00Z level=info msg=\"login\" req_id=r-1 password=hunter2 user=a.b@example.com\n\
         ts=2026-11-28T22:00:01Z level=info msg=\"again\" req_id=r-2 password=hunter2 ticket=TCK-123456\n",
    )
    .unwrap();
    let r = casefile(d.path(), &["events", "app.log", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let evs = r.json_lines();
    let pw = casefile::redact::placeholder("secret", "hunter2");
    assert_eq!(pw.len(), "<secret:>".len() + 8);
    for e in &evs {
        let raw = e["raw"].as_str().unwrap();
        assert!(!raw.contains("hunter2"), "{raw}");
        assert!(raw.contains(&format!("password={pw}")), "{raw}");
    }
    assert_eq!(evs[0]["ids"]["req_id"], "r-1");
    assert!(!r.stdout.contains("a.b@example.com"));
    // A custom pattern, as for bundles.
    let r = casefile(
        d.path(),
        &[
            "events",
            "app.log",
            "--json",
            "--redact",
            "ticket=TCK-[0-9]{6}",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains("TCK-123456"), "{}", r.stdout);
    assert!(r.stdout.contains("<custom:ticket:"), "{}", r.stdout);
    // --no-redact: as written.
    let r = casefile(d.path(), &["events", "app.log", "--json", "--no-redact"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("password=hunter2") && r.stdout.contains("a.b@example.com"));
    let r = casefile(
        d.path(),
        &["trace", "r-1", "app.log", "--no-redact", "--json"],
    );
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("password=hunter2"));
    // Contradictory flags are refused.
    let r = casefile(
        d.path(),
        &["events", "app.log", "--no-redact", "--redact", "t=x"],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("--no-redact and --redact contradict each other"),
        "{}",
        r.stderr
    );
}

/// One redactor: the config file's `[redaction]` applies to what `cluster` and `check` mine
/// and print, as it does to `events` and bundles.
#[test]
fn config_redaction_applies_to_signatures_too() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("casefile.toml"),
        "[redaction]\ncustom = [\"ticket=TCK-[0-9]{6}\"]\n",
    )
    .unwrap();
    std::fs::write(
        d.path().join("app.log"),
        "ts=2026-11-28T22:00:00Z level=error msg=\"escalated TCK-123456 to tier 2\"\n\
         ts=2026-11-28T22:00:01Z level=error msg=\"escalated TCK-654321 to tier 2\"\n",
    )
    .unwrap();
    let r = casefile(
        d.path(),
        &["cluster", "app.log", "--json", "--config", "casefile.toml"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains("TCK-"), "{}", r.stdout);
    let doc = r.json();
    assert_eq!(
        signature_fields(&doc, "template"),
        ["escalated <custom:ticket> to tier <NUM>"]
    );
    let r = casefile(
        d.path(),
        &["events", "app.log", "--json", "--config", "casefile.toml"],
    );
    assert!(!r.stdout.contains("TCK-"), "{}", r.stdout);
}
