//! Time-bounded reading: a range read by seeking (and a stream left after the range) answers
//! exactly what the whole read answers (`--no-seek`), on the scenarios, the fixtures and files
//! made to be hard: disorder within the bound, stack traces across the seek points, ranges
//! before, after and across the file, stretches without timestamps, CRLF, a last line without
//! its newline, gzip and zstd members, and a file more out of order than the bound.

mod common;

use std::io::Write;
use std::path::Path;

use common::casefile;

/// A deterministic generator (xorshift), so that failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// 2026-11-28T20:00:00Z plus `ms`, as Spring Boot writes it (`2026-11-28 20:00:00.013`).
fn spring_ts(ms: i64) -> String {
    let s = 20 * 3600 + ms.div_euclid(1000);
    format!(
        "2026-11-28 {:02}:{:02}:{:02}.{:03}",
        s / 3600 % 24,
        s / 60 % 60,
        s % 60,
        ms.rem_euclid(1000)
    )
}

struct Shape {
    /// Records written out of order by up to this many ms (a writer's threads).
    jitter_ms: i64,
    /// Every this many records, a stretch of lines without a timestamp (a banner).
    untimed_every: u64,
    crlf: bool,
    final_newline: bool,
}

/// About `bytes` of Spring Boot log over ~2 hours: INFO lines, ERROR records with stack traces,
/// request ids. Returns the text and the time (ms after 20:00) of the last record.
fn spring_log(seed: u64, bytes: usize, shape: &Shape) -> (String, i64) {
    let mut r = Rng(seed);
    let mut out = String::new();
    let nl = if shape.crlf { "\r\n" } else { "\n" };
    let mut t: i64 = 0;
    let mut k: u64 = 0;
    while out.len() < bytes {
        k += 1;
        t += 5 + r.below(40) as i64;
        let jitter = if shape.jitter_ms > 0 {
            r.below(shape.jitter_ms as u64) as i64
        } else {
            0
        };
        let ts = spring_ts((t - jitter).max(0));
        let rid = format!("{:016x}", r.next());
        if k % 23 == 0 {
            out += &format!(
                "{ts} ERROR [orders,{rid},{:08x}] 4312 --- [nio-8080-exec-{}] c.a.orders.OrderService   : charge failed request_id={rid}{nl}",
                r.next() as u32,
                r.below(9)
            );
            out += &format!("java.lang.IllegalStateException: payment declined{nl}");
            for f in 0..(2 + r.below(5)) {
                out += &format!(
                    "\tat com.acme.orders.Step{f}.run(Step{f}.java:{}){nl}",
                    r.below(300)
                );
            }
            out += &format!(
                "Caused by: java.net.SocketTimeoutException: Read timed out{nl}\t... 12 more{nl}"
            );
        } else {
            out += &format!(
                "{ts}  INFO [orders,{rid},{:08x}] 4312 --- [nio-8080-exec-{}] c.a.orders.OrderController : created order_id={} request_id={rid}{nl}",
                r.next() as u32,
                r.below(9),
                r.below(1_000_000)
            );
        }
        if shape.untimed_every > 0 && k % shape.untimed_every == 0 {
            for _ in 0..(50 + r.below(200)) {
                out += &format!("  :: banner line without a time ::{nl}");
            }
        }
    }
    if !shape.final_newline {
        while out.ends_with('\n') || out.ends_with('\r') {
            out.pop();
        }
    }
    (out, t)
}

fn gzip(b: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(b).unwrap();
    e.finish().unwrap()
}

/// The same events (and, with `same_stderr`, the same warnings) whether the range is sought or
/// the files are read whole; returns how many events that is.
fn same_answer(dir: &Path, args: &[&str], same_stderr: bool) -> usize {
    let sought = casefile(dir, args);
    let mut whole_args = args.to_vec();
    whole_args.push("--no-seek");
    let whole = casefile(dir, &whole_args);
    assert_eq!(
        sought.code, whole.code,
        "{args:?}: exit codes differ\n{}",
        sought.stderr
    );
    assert!(
        sought.stdout == whole.stdout,
        "{args:?}: the sought read answers differently from the whole read ({} vs {} lines)",
        sought.stdout.lines().count(),
        whole.stdout.lines().count()
    );
    if same_stderr {
        assert_eq!(sought.stderr, whole.stderr, "{args:?}: warnings differ");
    }
    sought.stdout.lines().count()
}

/// Ranges (ms after 20:00) that cover: before the file, its start, the middle, a seek point
/// inside a stack trace (any middle point is likely inside one), its end, after it, all of it.
fn ranges(last_ms: i64) -> Vec<(i64, Option<i64>, Option<i64>)> {
    let mid = last_ms / 2;
    vec![
        (0, Some(-3_600_000), Some(-3_000_000)),
        (0, Some(-10_000), Some(2_000)),
        (0, Some(mid), Some(mid + 2_000)),
        (0, Some(mid / 3), Some(mid / 3 + 500)),
        (0, Some(last_ms - 1_000), Some(last_ms + 60_000)),
        (0, Some(last_ms + 3_600_000), None),
        (0, None, Some(1_500)),
        (0, Some(mid), None),
        (0, None, None),
    ]
}

fn iso(ms: i64) -> String {
    let s = spring_ts(ms);
    format!("{}T{}Z", &s[..10], &s[11..])
}

fn check_ranges(dir: &Path, file: &str, last_ms: i64, expect_some_in_middle: bool) {
    for (_, since, until) in ranges(last_ms) {
        let mut args: Vec<String> = vec!["events".into(), "--json".into(), file.into()];
        if let Some(s) = since {
            args.push("--since".into());
            args.push(iso(s));
        }
        if let Some(u) = until {
            args.push("--until".into());
            args.push(iso(u));
        }
        if since.is_none() && until.is_none() {
            continue; // not a range
        }
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        let n = same_answer(dir, &a, true);
        if expect_some_in_middle && since == Some(last_ms / 2) && until.is_some() {
            assert!(n > 10, "{file}: the middle 2 s hold events ({n})");
        }
    }
}

#[test]
fn sorted_files_sought_answer_as_whole_reads() {
    let dir = tempfile::tempdir().unwrap();
    let shapes = [
        (
            "plain.log",
            Shape {
                jitter_ms: 0,
                untimed_every: 0,
                crlf: false,
                final_newline: true,
            },
        ),
        (
            "jitter.log",
            Shape {
                jitter_ms: 20_000,
                untimed_every: 0,
                crlf: false,
                final_newline: true,
            },
        ),
        (
            "untimed.log",
            Shape {
                jitter_ms: 0,
                untimed_every: 400,
                crlf: false,
                final_newline: true,
            },
        ),
        (
            "crlf.log",
            Shape {
                jitter_ms: 500,
                untimed_every: 0,
                crlf: true,
                final_newline: false,
            },
        ),
    ];
    for (i, (name, shape)) in shapes.iter().enumerate() {
        let (text, last) = spring_log(7 + i as u64, 3 << 20, shape);
        std::fs::write(dir.path().join(name), &text).unwrap();
        // The disorder `scan` measures is the writer's (at most its jitter).
        let scan = casefile(dir.path(), &["scan", "--json", name]).json();
        let by = scan["sources"][0]["disorder_ms"].as_i64().unwrap();
        assert!(by <= shape.jitter_ms, "{name}: disorder {by} ms");
        assert_eq!(scan["sources"][0]["sorted_for_seeking"], true);
        check_ranges(dir.path(), name, last, true);
    }
}

#[test]
fn streams_stop_after_the_range_and_answer_as_whole_reads() {
    let dir = tempfile::tempdir().unwrap();
    let shape = Shape {
        jitter_ms: 2_000,
        untimed_every: 500,
        crlf: false,
        final_newline: false,
    };
    let (text, last) = spring_log(99, 2 << 20, &shape);
    std::fs::write(dir.path().join("app.log.1.gz"), gzip(text.as_bytes())).unwrap();
    std::fs::write(
        dir.path().join("app.log.2.zst"),
        zstd::encode_all(text.as_bytes(), 1).unwrap(),
    )
    .unwrap();
    check_ranges(dir.path(), "app.log.1.gz", last, true);
    check_ranges(dir.path(), "app.log.2.zst", last, true);
    // stdin is a stream too.
    let mid = iso(last / 2);
    let end = iso(last / 2 + 2_000);
    let args = ["events", "--json", "-", "--since", &mid, "--until", &end];
    let sought = common::casefile_stdin(dir.path(), &args, Some(text.clone().into_bytes()));
    let mut whole_args = args.to_vec();
    whole_args.push("--no-seek");
    let whole = common::casefile_stdin(dir.path(), &whole_args, Some(text.into_bytes()));
    assert_eq!(sought.stdout, whole.stdout);
    assert!(sought.stdout.lines().count() > 10);
}

#[test]
fn a_file_more_out_of_order_than_the_bound_is_read_whole_and_said() {
    let dir = tempfile::tempdir().unwrap();
    // Two writers' files concatenated: the second half starts back at 20:00.
    let shape = Shape {
        jitter_ms: 0,
        untimed_every: 0,
        crlf: false,
        final_newline: true,
    };
    let (a, last) = spring_log(1, 2 << 20, &shape);
    let (b, _) = spring_log(2, 2 << 20, &shape);
    std::fs::write(dir.path().join("merged.log"), format!("{a}{b}")).unwrap();
    let s = iso(last / 4);
    let u = iso(last / 4 + 2_000);
    let args = [
        "events",
        "--json",
        "merged.log",
        "--since",
        &s,
        "--until",
        &u,
    ];
    let n = same_answer(dir.path(), &args, false);
    assert!(n > 10, "both halves hold the range: {n}");
    let run = casefile(dir.path(), &args);
    assert!(
        run.stderr.contains("out of time order") && run.stderr.contains("read whole"),
        "{}",
        run.stderr
    );
    // `scan` says which files are out of order, by how much, and what to give.
    let scan = casefile(dir.path(), &["scan", "--json", "merged.log"]).json();
    let src = &scan["sources"][0];
    assert_eq!(src["sorted_for_seeking"], false, "{src}");
    let by = src["disorder_ms"].as_u64().unwrap();
    assert!(by > 60_000 && by < 4 * 3_600_000, "{by}");
    let text = casefile(dir.path(), &["scan", "merged.log"]).stdout;
    assert!(
        text.contains("merged.log: records out of time order by up to")
            && text.contains("--no-seek"),
        "{text}"
    );
    // A bound wide enough to cover it seeks again, silently, with the same answer.
    let mut wide = args.to_vec();
    wide.extend(["--disorder", "3h"]);
    let run = casefile(dir.path(), &wide);
    assert!(!run.stderr.contains("out of time order"), "{}", run.stderr);
    same_answer(dir.path(), &wide, true);
}

#[test]
fn trace_window_and_cluster_since_answer_as_whole_reads() {
    let dir = tempfile::tempdir().unwrap();
    let shape = Shape {
        jitter_ms: 1_000,
        untimed_every: 0,
        crlf: false,
        final_newline: true,
    };
    let (text, last) = spring_log(5, 3 << 20, &shape);
    std::fs::write(dir.path().join("orders.log"), &text).unwrap();
    // A request id from the middle of the file.
    let line = text.lines().nth(text.lines().count() / 2).unwrap();
    let rid = line.split("request_id=").nth(1).unwrap().trim();
    let n = same_answer(
        dir.path(),
        &["trace", rid, "orders.log", "--window", "2s", "--json"],
        true,
    );
    assert!(n > 5, "the window holds context events: {n}");
    let s = iso(last / 3);
    let u = iso(last / 3 + 600_000);
    same_answer(
        dir.path(),
        &[
            "cluster",
            "orders.log",
            "--since",
            &s,
            "--until",
            &u,
            "--json",
        ],
        true,
    );
}

#[test]
fn scenarios_and_fixtures_answer_as_whole_reads() {
    let root = common::root();
    let mut dirs = vec![root.join("fixtures/checkout/logs")];
    for e in std::fs::read_dir(common::shared_scenarios())
        .unwrap()
        .flatten()
    {
        if e.path().join("logs").is_dir() {
            dirs.push(e.path().join("logs"));
        }
    }
    for d in dirs {
        let d = d.to_string_lossy().into_owned();
        // The scenario's own span, from the whole read.
        let all = casefile(&root, &["events", "--json", &d]).json_lines();
        let mut times: Vec<&str> = all.iter().filter_map(|e| e["ts"].as_str()).collect();
        times.sort_unstable();
        let (first, last) = (times[0], times[times.len() - 1]);
        let mid = times[times.len() / 2];
        for (s, u) in [(first, mid), (mid, last), (first, first), (last, last)] {
            same_answer(
                &root,
                &["events", "--json", &d, "--since", s, "--until", u],
                true,
            );
        }
    }
}

#[test]
fn a_file_without_times_answers_as_the_whole_read() {
    let dir = tempfile::tempdir().unwrap();
    // Python's logging.basicConfig default writes no time: no record is in any range.
    let mut text = String::new();
    for k in 0..12_000 {
        text += &format!(
            "INFO:recommender.api:served {} items for user_id={k} in 88 ms\n",
            k % 9
        );
    }
    assert!(text.len() > 256 << 10);
    std::fs::write(dir.path().join("basic.log"), &text).unwrap();
    let args = [
        "events",
        "--json",
        "basic.log",
        "--since",
        "2026-11-28T20:00:00Z",
        "--until",
        "2026-11-28T21:00:00Z",
    ];
    assert_eq!(same_answer(dir.path(), &args, true), 0);
    assert_eq!(
        casefile(dir.path(), &args).code,
        1,
        "an empty answer exits 1"
    );
    // A head without times (the file is then not sought) and times after it: the same
    // answer as the whole read, the timed records of the range included.
    let mut text = String::new();
    for k in 0..300 {
        text += &format!("{{\"level\":\"info\",\"msg\":\"warming cache {k}\"}}\n");
    }
    for k in 0..12_000 {
        text += &format!(
            "{{\"time\":\"2026-11-28T20:{:02}:{:02}.{:03}Z\",\"level\":\"info\",\"msg\":\"served {} items\"}}\n",
            k / 200 % 60,
            k / 4 % 50,
            k % 4 * 250,
            k % 9
        );
    }
    std::fs::write(dir.path().join("basic.log"), &text).unwrap();
    let args = [
        "events",
        "--json",
        "basic.log",
        "--since",
        "2026-11-28T20:10:00Z",
        "--until",
        "2026-11-28T20:11:00Z",
    ];
    let n = same_answer(dir.path(), &args, true);
    assert_eq!(n, 200);
}
