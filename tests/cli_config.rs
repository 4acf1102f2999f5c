//! Settings through the real binary: `--tz`, `--year` and the mtime rule for timestamps without a
//! year, the config file (`[time]`, `[correlation]`, `[[dialect]]`) by `--config` and at its
//! default paths (`$XDG_CONFIG_HOME/casefile/casefile.toml`, `~/.config/casefile/casefile.toml`),
//! and the `python-basic` dialect end to end.

mod common;

use std::path::Path;
use std::time::{Duration, SystemTime};

use common::*;

fn write(dir: &Path, name: &str, text: &str) {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// Run the binary in `dir` with nothing of this process's environment but `env`: no
/// `XDG_CONFIG_HOME` or `HOME` unless given, so only the config file a test names can be read.
fn casefile_only_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_casefile"));
    cmd.current_dir(dir)
        .args(args)
        .env_clear()
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `(message, ts)` of every event of `events --json`, in output order.
fn ts_by_message(r: &Run) -> Vec<(String, String)> {
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.json_lines()
        .iter()
        .map(|e| {
            (
                e["message"].as_str().unwrap().to_string(),
                e["ts"].as_str().unwrap_or("null").to_string(),
            )
        })
        .collect()
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

/// Naive timestamps in winter and in summer (Python logging, logfmt), and two with an explicit
/// offset that no zone setting may move.
fn zoned_logs(dir: &Path) {
    write(
        dir,
        "p.log",
        concat!(
            "2026-11-28 23:00:12,416 ERROR payments.api winter naive\n",
            "2026-07-01 12:00:00,000 INFO payments.api summer naive\n",
        ),
    );
    write(
        dir,
        "w.log",
        concat!(
            "ts=2026-11-28T23:30:00+01:00 level=info msg=\"explicit offset\"\n",
            "ts=2026-11-28T23:40:00Z level=info msg=\"explicit zulu\"\n",
        ),
    );
}

const EXPLICIT: [(&str, &str); 2] = [
    ("explicit offset", "2026-11-28T22:30:00.000Z"),
    ("explicit zulu", "2026-11-28T23:40:00.000Z"),
];

#[test]
fn tz_shifts_naive_timestamps_to_utc() {
    let d = tempfile::tempdir().unwrap();
    zoned_logs(d.path());
    let args = ["events", "p.log", "w.log", "--json"];
    // Default: naive is UTC.
    let utc = ts_by_message(&casefile(d.path(), &args));
    let mut want = pairs(&[
        ("summer naive", "2026-07-01T12:00:00.000Z"),
        ("winter naive", "2026-11-28T23:00:12.416Z"),
    ]);
    want.extend(pairs(&EXPLICIT));
    want.sort_by(|a, b| a.1.cmp(&b.1));
    assert_eq!(utc, want);
    // Europe/Paris: UTC+1 in November, UTC+2 in July; explicit offsets unchanged.
    let mut a = args.to_vec();
    a.extend(["--tz", "Europe/Paris"]);
    let mut want = pairs(&[
        ("summer naive", "2026-07-01T10:00:00.000Z"),
        ("winter naive", "2026-11-28T22:00:12.416Z"),
    ]);
    want.extend(pairs(&EXPLICIT));
    want.sort_by(|a, b| a.1.cmp(&b.1));
    assert_eq!(ts_by_message(&casefile(d.path(), &a)), want);
    // America/New_York: UTC-5 in November, UTC-4 in July.
    let mut a = args.to_vec();
    a.extend(["--tz", "America/New_York"]);
    let mut want = pairs(&[
        ("summer naive", "2026-07-01T16:00:00.000Z"),
        ("winter naive", "2026-11-29T04:00:12.416Z"),
    ]);
    want.extend(pairs(&EXPLICIT));
    want.sort_by(|a, b| a.1.cmp(&b.1));
    assert_eq!(ts_by_message(&casefile(d.path(), &a)), want);
    // An unknown zone is refused with the fix.
    let r = casefile(d.path(), &["events", "p.log", "--tz", "Mars/Olympus"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("unknown time zone 'Mars/Olympus'")
            && r.stderr.contains("use an IANA name such as Europe/Paris"),
        "{}",
        r.stderr
    );
}

/// `--tz` applies to RFC 3164 syslog (naive, no year) as well.
#[test]
fn tz_and_year_together_on_syslog() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "sys.log",
        "Nov 28 23:00:01 db01 postgres[2147]: ERROR:  duplicate key\n",
    );
    let r = casefile(
        d.path(),
        &[
            "events",
            "sys.log",
            "--json",
            "--year",
            "2024",
            "--tz",
            "Europe/Paris",
        ],
    );
    assert_eq!(
        ts_by_message(&r),
        pairs(&[("ERROR:  duplicate key", "2024-11-28T22:00:01.000Z")])
    );
    let e = &r.json_lines()[0];
    assert_eq!(
        (&e["service"], &e["host"], &e["level"]),
        (&"postgres".into(), &"db01".into(), &"error".into())
    );
}

/// Set a file's modification time (seconds since the epoch).
fn set_mtime(p: &Path, epoch: u64) {
    std::fs::File::options()
        .write(true)
        .open(p)
        .unwrap()
        .set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(epoch))
        .unwrap();
}

const SYSLOG_NO_YEAR: &str = concat!(
    "Jan  4 10:00:00 web01 nginx: january line\n",
    "Jan  6 10:00:00 web01 nginx: a day after the mtime at most\n",
    "Nov 28 22:00:01 db01 postgres[2147]: ERROR:  november line\n",
    "Dec 31 23:59:59 web01 cron[7]: december line\n",
);

/// RFC 3164 has no year: it comes from the file's modification time, one year back for a date
/// more than a day past it (a December line in a January file); `--year` overrides both. The
/// test sets the mtime, so the result does not depend on the day it runs.
#[test]
fn syslog_year_comes_from_the_file_mtime_and_year_overrides_it() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("messages");
    std::fs::write(&p, SYSLOG_NO_YEAR).unwrap();
    // mtime 2031-01-05T12:00:00Z.
    set_mtime(&p, 1_925_380_800);
    let r = casefile(d.path(), &["events", "messages", "--json"]);
    assert_eq!(
        ts_by_message(&r),
        pairs(&[
            ("ERROR:  november line", "2030-11-28T22:00:01.000Z"),
            ("december line", "2030-12-31T23:59:59.000Z"),
            ("january line", "2031-01-04T10:00:00.000Z"),
            ("a day after the mtime at most", "2031-01-06T10:00:00.000Z"),
        ])
    );
    // mtime 2019-12-31T00:00:00Z: every date of the year is before it.
    set_mtime(&p, 1_577_750_400);
    let r = casefile(d.path(), &["events", "messages", "--json"]);
    assert_eq!(
        ts_by_message(&r),
        pairs(&[
            ("january line", "2019-01-04T10:00:00.000Z"),
            ("a day after the mtime at most", "2019-01-06T10:00:00.000Z"),
            ("ERROR:  november line", "2019-11-28T22:00:01.000Z"),
            ("december line", "2019-12-31T23:59:59.000Z"),
        ])
    );
    // --year: that year for every line, whatever the mtime.
    let r = casefile(
        d.path(),
        &["events", "messages", "--json", "--year", "2023"],
    );
    assert_eq!(
        ts_by_message(&r),
        pairs(&[
            ("january line", "2023-01-04T10:00:00.000Z"),
            ("a day after the mtime at most", "2023-01-06T10:00:00.000Z"),
            ("ERROR:  november line", "2023-11-28T22:00:01.000Z"),
            ("december line", "2023-12-31T23:59:59.000Z"),
        ])
    );
    // A year written in the line is kept: --year only fills in a missing one.
    write(
        d.path(),
        "app.log",
        "ts=2026-11-28T22:00:00Z level=info msg=\"has a year\"\n",
    );
    let r = casefile(d.path(), &["events", "app.log", "--json", "--year", "2023"]);
    assert_eq!(
        ts_by_message(&r),
        pairs(&[("has a year", "2026-11-28T22:00:00.000Z")])
    );
}

/// Android logcat `threadtime` without a year follows the same rule.
#[test]
fn logcat_year_comes_from_the_file_mtime() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("logcat.txt");
    std::fs::write(
        &p,
        concat!(
            "03-17 16:13:38.811  1702  2395 D Tag: march\n",
            "09-02 08:00:00.000  1702  2395 E Tag: september\n",
        ),
    )
    .unwrap();
    // mtime 2019-06-15T12:00:00Z: March is before it, September a year back.
    set_mtime(&p, 1_560_600_000);
    let r = casefile(d.path(), &["events", "logcat.txt", "--json"]);
    assert_eq!(
        ts_by_message(&r),
        pairs(&[
            ("september", "2018-09-02T08:00:00.000Z"),
            ("march", "2019-03-17T16:13:38.811Z"),
        ])
    );
    let r = casefile(
        d.path(),
        &["events", "logcat.txt", "--json", "--year", "2026"],
    );
    assert_eq!(
        ts_by_message(&r),
        pairs(&[
            ("march", "2026-03-17T16:13:38.811Z"),
            ("september", "2026-09-02T08:00:00.000Z"),
        ])
    );
}

/// Found while writing these tests: a `--year` outside the years a timestamp may have
/// (1900..=2200, src/parse/timestamp.rs) was accepted, exit 0, and every line without a year lost
/// its time, level, host and service (`--year 20266`, a typo). It is refused with the fix.
#[test]
fn year_out_of_range_is_refused() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "sys.log",
        "Nov 28 22:00:01 db01 postgres[2147]: ERROR:  x\n",
    );
    for y in ["20266", "9999", "2201", "1899", "0", "-5"] {
        let r = casefile(
            d.path(),
            &["events", "sys.log", "--json", &format!("--year={y}")],
        );
        assert_eq!(r.code, 2, "--year {y}: {}", r.stdout);
        assert!(
            r.stderr
                .contains(&format!("--year {y} is not a plausible year")),
            "{}",
            r.stderr
        );
    }
    // The edges of the range are years.
    for y in ["1900", "2200"] {
        let r = casefile(
            d.path(),
            &["events", "sys.log", "--json", &format!("--year={y}")],
        );
        assert_eq!(r.code, 0, "--year {y}: {}", r.stderr);
        assert!(r.json_lines()[0]["ts"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{y}-11-28T22:00:01")));
    }
}

/// `[time] tz` from `--config`; `--tz` on the command line wins over it.
#[test]
fn config_time_tz_and_the_flag_over_it() {
    let d = tempfile::tempdir().unwrap();
    zoned_logs(d.path());
    write(d.path(), "paris.toml", "[time]\ntz = \"Europe/Paris\"\n");
    let r = casefile(
        d.path(),
        &["events", "p.log", "--json", "--config", "paris.toml"],
    );
    assert_eq!(
        ts_by_message(&r),
        pairs(&[
            ("summer naive", "2026-07-01T10:00:00.000Z"),
            ("winter naive", "2026-11-28T22:00:12.416Z"),
        ])
    );
    let r = casefile(
        d.path(),
        &[
            "events",
            "p.log",
            "--json",
            "--config",
            "paris.toml",
            "--tz",
            "UTC",
        ],
    );
    assert_eq!(
        ts_by_message(&r),
        pairs(&[
            ("summer naive", "2026-07-01T12:00:00.000Z"),
            ("winter naive", "2026-11-28T23:00:12.416Z"),
        ])
    );
    // A bad zone in the file is named with the file.
    write(d.path(), "bad.toml", "[time]\ntz = \"Nowhere/Town\"\n");
    let r = casefile(d.path(), &["events", "p.log", "--config", "bad.toml"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("unknown time zone 'Nowhere/Town'"),
        "{}",
        r.stderr
    );
    // So is a key the file may not have.
    write(d.path(), "typo.toml", "[time]\nzone = \"Europe/Paris\"\n");
    let r = casefile(d.path(), &["events", "p.log", "--config", "typo.toml"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("config file typo.toml is not valid") && r.stderr.contains("zone"),
        "{}",
        r.stderr
    );
}

/// gateway: request -> trace (user.id shared with another request); orders: trace -> job;
/// worker: job. Also a tenant slug, not an id key unless the config says so.
fn services(dir: &Path) {
    write(
        dir,
        "logs/gateway/gateway.jsonl",
        concat!(
            r#"{"@timestamp":"2026-11-28T22:00:00.000Z","log.level":"info","message":"routing","http.request.id":"req-1","trace.id":"tr-1","user.id":"u-7"}"#,
            "\n",
            r#"{"@timestamp":"2026-11-28T22:00:00.100Z","log.level":"info","message":"routing","http.request.id":"req-2","trace.id":"tr-2","user.id":"u-7"}"#,
            "\n",
        ),
    );
    write(dir, "logs/orders/orders.log", concat!(
        "2026-11-28 22:00:00.010  INFO [orders,tr-1,s1] 1 --- [main] c.a.Orders : enqueued job_id=J-12 user_id=u-7 tenant_slug=acme\n",
        "2026-11-28 22:00:00.110  INFO [orders,tr-2,s2] 1 --- [main] c.a.Orders : enqueued job_id=J-123 user_id=u-7 tenant_slug=acme\n",
        "2026-11-28 22:00:00.300 ERROR [orders,tr-1,s1] 1 --- [main] c.a.Orders : failed\n",
    ));
    write(
        dir,
        "logs/worker/worker-0.log",
        concat!(
            "ts=2026-11-28T22:00:00.500Z level=info msg=\"job started\" job_id=J-12\n",
            "ts=2026-11-28T22:00:00.600Z level=info msg=\"job started\" job_id=J-123\n",
        ),
    );
}

fn trace_lines(dir: &Path, extra: &[&str]) -> (Vec<(String, u64)>, Run) {
    let mut args = vec!["trace", "req-1", "logs", "--json"];
    args.extend(extra);
    let r = casefile(dir, &args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    (lines_of(&r.json_lines()), r)
}

fn at(v: &[(&str, u64)]) -> Vec<(String, u64)> {
    v.iter().map(|(s, l)| (s.to_string(), *l)).collect()
}

/// `[correlation]` follow / no_follow / population change what `trace` follows, as the flags do;
/// the flags win over the file.
#[test]
fn config_correlation_changes_what_trace_follows() {
    let d = tempfile::tempdir().unwrap();
    services(d.path());
    let default = at(&[
        ("logs/gateway/gateway.jsonl", 1),
        ("logs/orders/orders.log", 1),
        ("logs/orders/orders.log", 3),
        ("logs/worker/worker-0.log", 1),
    ]);
    let (got, r) = trace_lines(d.path(), &[]);
    assert_eq!(got, default);
    assert!(
        r.json_lines()[1]["ids"].get("tenant_slug").is_none(),
        "not an id key by default"
    );

    write(
        d.path(),
        "follow.toml",
        "[correlation]\nfollow = [\"user_id\"]\n",
    );
    let (got, r) = trace_lines(d.path(), &["--config", "follow.toml"]);
    assert_eq!(
        got,
        at(&[
            ("logs/gateway/gateway.jsonl", 1),
            ("logs/orders/orders.log", 1),
            ("logs/gateway/gateway.jsonl", 2),
            ("logs/orders/orders.log", 2),
            ("logs/orders/orders.log", 3),
            ("logs/worker/worker-0.log", 1),
            ("logs/worker/worker-0.log", 2),
        ]),
        "follow = [\"user_id\"] drags in the other request of u-7"
    );
    assert!(r.stderr.contains("id u-7 (user.id, hop 1"), "{}", r.stderr);

    write(
        d.path(),
        "nofollow.toml",
        "[correlation]\nno_follow = [\"job_id\"]\n",
    );
    let (got, _) = trace_lines(d.path(), &["--config", "nofollow.toml"]);
    assert_eq!(
        got,
        at(&[
            ("logs/gateway/gateway.jsonl", 1),
            ("logs/orders/orders.log", 1),
            ("logs/orders/orders.log", 3),
        ]),
        "no_follow = [\"job_id\"] stops at orders"
    );
    // The command line wins over the file.
    let (got, _) = trace_lines(
        d.path(),
        &["--config", "nofollow.toml", "--follow", "job_id"],
    );
    assert_eq!(got, default);

    // population: a followed key (trace.id) demoted: recorded, not followed.
    write(
        d.path(),
        "pop.toml",
        "[correlation]\npopulation = [\"trace_id\"]\n",
    );
    let (got, r) = trace_lines(d.path(), &["--config", "pop.toml"]);
    assert_eq!(got, at(&[("logs/gateway/gateway.jsonl", 1)]));
    assert_eq!(r.json_lines()[0]["ids"]["trace.id"], "tr-1");
    // population: a new key is recorded in ids, and not followed to the other request.
    write(
        d.path(),
        "tenant.toml",
        "[correlation]\npopulation = [\"tenant_slug\"]\n",
    );
    let (got, r) = trace_lines(d.path(), &["--config", "tenant.toml"]);
    assert_eq!(got, default);
    assert_eq!(r.json_lines()[1]["ids"]["tenant_slug"], "acme");
}

/// A `[[dialect]]` of the config file: tried before the built-in ones, named by `scan`, its
/// groups mapped (ts, level, service, host, message, an id key), multi-line by its `start`.
#[test]
fn config_user_regex_dialect_is_recognised() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "acme.toml",
        r#"[[dialect]]
name = "acme"
kind = "regex"
regex = '^ACME (?P<ts>\S+) <(?P<level>\w+)> (?P<service>\w+)@(?P<host>[\w-]+): (?P<message>.*?)(?: req=(?P<request_id>\S+))?$'
multiline = true
start = '^ACME '
"#,
    );
    write(
        d.path(),
        "app.log",
        concat!(
            "ACME 2026-11-28T22:00:01.250Z <ERROR> billing@bill-1: charge failed req=R-77\n",
            "  at step 3\n",
            "ACME 2026-11-28T22:00:02Z <info> billing@bill-1: recovered\n",
        ),
    );
    let r = casefile(
        d.path(),
        &["scan", "app.log", "--json", "--config", "acme.toml"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc = r.json();
    let src = &doc["sources"][0];
    assert_eq!(src["dialect"], "acme");
    assert_eq!(
        (&src["lines"], &src["events"], &src["multiline_events"]),
        (&3.into(), &2.into(), &1.into())
    );
    let r = casefile(
        d.path(),
        &["events", "app.log", "--json", "--config", "acme.toml"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let evs = r.json_lines();
    assert_eq!(evs.len(), 2);
    let e = &evs[0];
    assert_eq!(e["ts"], "2026-11-28T22:00:01.250Z");
    assert_eq!(e["line"], 1);
    assert_eq!(e["service"], "billing");
    assert_eq!(e["host"], "bill-1");
    assert_eq!(e["level"], "error");
    assert_eq!(e["message"], "charge failed");
    assert_eq!(e["ids"], serde_json::json!({"request_id": "R-77"}));
    assert_eq!(
        e["raw"],
        "ACME 2026-11-28T22:00:01.250Z <ERROR> billing@bill-1: charge failed req=R-77\n  at step 3"
    );
    assert_eq!(evs[1]["level"], "info");
    assert_eq!(evs[1]["message"], "recovered");
    // The id group is followed by trace.
    let r = casefile(
        d.path(),
        &[
            "trace",
            "R-77",
            "app.log",
            "--json",
            "--config",
            "acme.toml",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(lines_of(&r.json_lines()), at(&[("app.log", 1)]));
    // Without the config file, a built-in dialect reads it, with none of those fields.
    let r = casefile(d.path(), &["scan", "app.log", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_ne!(r.json()["sources"][0]["dialect"], "acme");
    // A dialect whose regex does not compile is refused, naming where to look.
    write(
        d.path(),
        "broken.toml",
        "[[dialect]]\nname = \"broken\"\nkind = \"regex\"\nregex = '^(?P<ts>\\S+'\n",
    );
    let r = casefile(d.path(), &["scan", "app.log", "--config", "broken.toml"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("in the config file's [[dialect]] tables"),
        "{}",
        r.stderr
    );
}

/// Without `--config`: `$XDG_CONFIG_HOME/casefile/casefile.toml`, else
/// `$HOME/.config/casefile/casefile.toml`; `--config` wins over both. The probe is `[time] tz`.
#[test]
fn config_file_at_its_default_paths() {
    let d = tempfile::tempdir().unwrap();
    zoned_logs(d.path());
    let xdg = d.path().join("xdg");
    let home = d.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let (xdg_s, home_s) = (xdg.to_str().unwrap(), home.to_str().unwrap());
    let args = ["events", "p.log", "--json"];
    let winter = |r: &Run| ts_by_message(r)[1].1.clone();
    // No file anywhere: UTC.
    let r = casefile_only_env(
        d.path(),
        &args,
        &[("XDG_CONFIG_HOME", xdg_s), ("HOME", home_s)],
    );
    assert_eq!(winter(&r), "2026-11-28T23:00:12.416Z");
    // ~/.config with HOME set and no XDG_CONFIG_HOME.
    write(
        &home,
        ".config/casefile/casefile.toml",
        "[time]\ntz = \"Europe/Paris\"\n",
    );
    let r = casefile_only_env(d.path(), &args, &[("HOME", home_s)]);
    assert_eq!(winter(&r), "2026-11-28T22:00:12.416Z", "{}", r.stderr);
    // An empty XDG_CONFIG_HOME counts as unset.
    let r = casefile_only_env(
        d.path(),
        &args,
        &[("XDG_CONFIG_HOME", ""), ("HOME", home_s)],
    );
    assert_eq!(winter(&r), "2026-11-28T22:00:12.416Z", "{}", r.stderr);
    // $XDG_CONFIG_HOME, alone...
    write(
        &xdg,
        "casefile/casefile.toml",
        "[time]\ntz = \"America/New_York\"\n",
    );
    let r = casefile_only_env(d.path(), &args, &[("XDG_CONFIG_HOME", xdg_s)]);
    assert_eq!(winter(&r), "2026-11-29T04:00:12.416Z", "{}", r.stderr);
    // ...and over ~/.config.
    let r = casefile_only_env(
        d.path(),
        &args,
        &[("XDG_CONFIG_HOME", xdg_s), ("HOME", home_s)],
    );
    assert_eq!(winter(&r), "2026-11-29T04:00:12.416Z", "{}", r.stderr);
    // --config over both.
    write(d.path(), "tokyo.toml", "[time]\ntz = \"Asia/Tokyo\"\n");
    let mut a = args.to_vec();
    a.extend(["--config", "tokyo.toml"]);
    let r = casefile_only_env(
        d.path(),
        &a,
        &[("XDG_CONFIG_HOME", xdg_s), ("HOME", home_s)],
    );
    assert_eq!(winter(&r), "2026-11-28T14:00:12.416Z", "{}", r.stderr);
    // The default file takes the other sections too: [correlation] through XDG.
    services(d.path());
    write(
        &xdg,
        "casefile/casefile.toml",
        "[correlation]\nno_follow = [\"job_id\"]\n",
    );
    let r = casefile_only_env(
        d.path(),
        &["trace", "req-1", "logs", "--json"],
        &[("XDG_CONFIG_HOME", xdg_s)],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json_lines().len(), 3, "job_id not followed");
    // An explicit --config that does not exist is an error, not silently skipped.
    let r = casefile_only_env(d.path(), &["scan", "p.log", "--config", "nope.toml"], &[]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("cannot read config file nope.toml"),
        "{}",
        r.stderr
    );
}

/// Python's `logging.basicConfig()` default `LEVEL:logger:message` (no time), a traceback joined
/// to its line. The logger is observable as an id once the config follows `logger`.
#[test]
fn python_basic_dialect_end_to_end() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "worker.log",
        concat!(
            "INFO:root:service starting\n",
            "DEBUG:urllib3.connectionpool:Starting new HTTPS connection (1): api.example:443\n",
            "WARNING:payments.api:slow charge order_id=42\n",
            "ERROR:payments.api:charge failed request_id=r-9\n",
            "Traceback (most recent call last):\n",
            "  File \"/srv/app/api.py\", line 12, in charge\n",
            "ValueError: amount must be positive\n",
            "CRITICAL:db-pool:connection pool exhausted\n",
        ),
    );
    let r = casefile(d.path(), &["scan", "worker.log", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let src = &r.json()["sources"][0];
    assert_eq!(src["dialect"], "python-basic");
    assert_eq!(
        (&src["lines"], &src["events"], &src["multiline_events"]),
        (&8.into(), &5.into(), &1.into())
    );
    assert_eq!(src["without_timestamp"], 5);

    write(
        d.path(),
        "logger.toml",
        "[correlation]\nfollow = [\"logger\"]\n",
    );
    let r = casefile(
        d.path(),
        &["events", "worker.log", "--json", "--config", "logger.toml"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let got: Vec<(u64, String, String, String)> = r
        .json_lines()
        .iter()
        .map(|e| {
            assert!(e["ts"].is_null(), "{e}");
            (
                e["line"].as_u64().unwrap(),
                e["level"].as_str().unwrap().to_string(),
                e["ids"]["logger"].as_str().unwrap().to_string(),
                e["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want: Vec<(u64, String, String, String)> = [
        (1, "info", "root", "service starting"),
        (
            2,
            "debug",
            "urllib3.connectionpool",
            "Starting new HTTPS connection (1): api.example:443",
        ),
        (3, "warn", "payments.api", "slow charge order_id=42"),
        (4, "error", "payments.api", "charge failed request_id=r-9"),
        (8, "fatal", "db-pool", "connection pool exhausted"),
    ]
    .iter()
    .map(|(l, a, b, c)| (*l, a.to_string(), b.to_string(), c.to_string()))
    .collect();
    assert_eq!(got, want);
    let evs = r.json_lines();
    assert!(evs[3]["raw"]
        .as_str()
        .unwrap()
        .ends_with("ValueError: amount must be positive"));
    assert_eq!(evs[3]["ids"]["request_id"], "r-9");
    // Its level filters, its ids are followed, its stack is a signature.
    let r = casefile(
        d.path(),
        &["events", "worker.log", "--json", "--level", "error"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.json_lines()
            .iter()
            .map(|e| e["line"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        [4, 8]
    );
    let r = casefile(d.path(), &["trace", "r-9", "worker.log", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(lines_of(&r.json_lines()), at(&[("worker.log", 4)]));
    let r = casefile(
        d.path(),
        &["cluster", "worker.log", "--json", "--level", "error"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc = r.json();
    let mut t = signature_fields(&doc, "template");
    t.sort_unstable();
    assert_eq!(
        t,
        ["ValueError at api.py:charge", "connection pool exhausted"]
    );
}

/// Found while writing these tests: a naive `--since`/`--until` was read in `--tz` but not in
/// the config file's `[time] tz`, so one setting meant two zones in one command (35 events with
/// the flag, 0 and exit 1 with the file). The file's zone is the default of the flag.
#[test]
fn config_time_tz_applies_to_naive_since_until() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "paris.toml", "[time]\ntz = \"Europe/Paris\"\n");
    let good = fixtures().join("bad/good.log");
    let good = good.to_str().unwrap();
    let flag = casefile(
        d.path(),
        &[
            "events",
            good,
            "--json",
            "--since",
            "2026-11-28T23:00:05",
            "--tz",
            "Europe/Paris",
        ],
    );
    assert_eq!(flag.code, 0, "{}", flag.stderr);
    assert_eq!(flag.json_lines().len(), 35, "22:00:05Z .. 22:00:39Z");
    let file = casefile(
        d.path(),
        &[
            "events",
            good,
            "--json",
            "--since",
            "2026-11-28T23:00:05",
            "--config",
            "paris.toml",
        ],
    );
    assert_eq!(file.code, 0, "{}", file.stderr);
    assert_eq!(file.stdout, flag.stdout);
}
