//! Parsing micro-benchmarks (criterion): what one log record costs before any correlation.
//!
//! - `dialect/<kind>`: `Parser::event` over ~200 real records of one dialect (the checkout
//!   scenario's seven services, plus a few loghub-2k sets), the dialect chosen once by
//!   `Parser::detect` as casefile does per source. Throughput: records (one `event` call each;
//!   a record is a line plus its stack-trace lines, if any).
//! - `timestamp/<shape>`: `TimeContext::parse` of one timestamp per shape.
//! - `regex_baseline/<kind>`: `regex::Regex::is_match` of a simple pattern over the same records,
//!   a floor to compare `dialect/<kind>` with (as hl's benches do).
//!
//! Every routine's answer is checked before it is timed. The sample logs are read at start from
//! `../shared` (next to the repository; override with `CASEFILE_BENCH_DATA=<dir>`); without them
//! the `dialect` and `regex_baseline` groups are skipped with a message.
//!
//! Run: `cargo bench --bench parse` (quick check: `cargo bench --bench parse -- --quick`).

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use casefile::model::Timestamp;
use casefile::parse::{Parser, TimeContext};
use criterion::{Criterion, Throughput};

/// Records per dialect.
const PER_KIND: usize = 200;

struct Kind {
    /// Bench name.
    name: &'static str,
    /// Path under the data dir.
    path: &'static str,
    /// The dialect `detect` must choose (`None`: do not check the name).
    dialect: Option<&'static str>,
    /// Every record's first line writes a level (or an HTTP status / syslog keyword casefile maps
    /// to one).
    has_level: bool,
    /// Every record carries a correlation id.
    has_id: bool,
}

const KINDS: &[Kind] = &[
    Kind {
        name: "nginx-access",
        path: "scenarios/checkout/logs/edge/access.log",
        dialect: Some("access"),
        has_level: true,
        has_id: true,
    },
    Kind {
        name: "ecs-json",
        path: "scenarios/checkout/logs/gateway/gateway.jsonl",
        dialect: Some("json"),
        has_level: true,
        has_id: true,
    },
    Kind {
        name: "spring-boot",
        path: "scenarios/checkout/logs/orders/orders.log",
        dialect: Some("spring"),
        has_level: true,
        has_id: true,
    },
    Kind {
        name: "python-logging",
        path: "scenarios/checkout/logs/payments/payments.log",
        dialect: Some("python"),
        has_level: true,
        has_id: true,
    },
    Kind {
        name: "logfmt",
        path: "scenarios/checkout/logs/worker/worker-0.log",
        dialect: Some("logfmt"),
        has_level: true,
        has_id: true,
    },
    Kind {
        name: "k8s-cri-json",
        path: "scenarios/checkout/logs/k8s/notifier-7d9f8b-x2x.log",
        dialect: Some("cri"),
        has_level: true,
        has_id: true,
    },
    Kind {
        name: "syslog-3164",
        path: "scenarios/checkout/logs/db/postgresql.log",
        dialect: Some("syslog-3164"),
        has_level: true,
        has_id: false,
    },
    // loghub-2k: other systems' shapes. (BGL and Zookeeper are left out: casefile reads no
    // timestamp from their lines today, so the "has a timestamp" check would not hold.)
    Kind {
        name: "loghub-HDFS",
        path: "data/loghub-2k/HDFS/HDFS_2k.log",
        dialect: None,
        has_level: true,
        has_id: false,
    },
    Kind {
        name: "loghub-Hadoop",
        path: "data/loghub-2k/Hadoop/Hadoop_2k.log",
        dialect: None,
        has_level: true,
        has_id: false,
    },
    Kind {
        name: "loghub-Spark",
        path: "data/loghub-2k/Spark/Spark_2k.log",
        dialect: None,
        has_level: true,
        has_id: false,
    },
    Kind {
        name: "loghub-OpenSSH",
        path: "data/loghub-2k/OpenSSH/OpenSSH_2k.log",
        dialect: Some("syslog-3164"),
        has_level: false,
        has_id: false,
    },
    Kind {
        name: "loghub-Proxifier",
        path: "data/loghub-2k/Proxifier/Proxifier_2k.log",
        dialect: None,
        has_level: false,
        has_id: false,
    },
];

/// One dialect's sample, ready to time.
struct Sample {
    name: &'static str,
    dialect: Option<usize>,
    records: Vec<String>,
}

/// Year for timestamps without one (RFC 3164): fixed so the answers do not depend on the date.
fn tctx() -> TimeContext {
    TimeContext {
        year_hint: 2026,
        ..TimeContext::default()
    }
}

fn data_dir() -> PathBuf {
    match std::env::var_os("CASEFILE_BENCH_DATA") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"),
    }
}

/// The first `PER_KIND` records of a file: a line that starts an event plus the lines that
/// continue it (stack traces), split the way casefile splits them.
fn records(parser: &Parser, d: Option<usize>, text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        if parser.is_event_start(d, line.as_bytes()) {
            if out.len() == PER_KIND {
                break;
            }
            out.push(line.to_string());
        } else if let Some(last) = out.last_mut() {
            last.push('\n');
            last.push_str(line);
        }
    }
    out
}

fn load_samples(parser: &Parser, tctx: &TimeContext) -> Vec<Sample> {
    let dir = data_dir();
    let mut samples = Vec::new();
    for k in KINDS {
        let path = dir.join(k.path);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("parse bench: skipping {}: {}: {e}", k.name, path.display());
                continue;
            }
        };
        let head = &text.as_bytes()[..text.len().min(64 << 10)];
        let d = parser.detect(head, tctx);
        let name = d.map(|i| &*parser.dialects[i].name);
        if let Some(want) = k.dialect {
            assert_eq!(name, Some(want), "{}: detected dialect", k.name);
        }
        let records = records(parser, d, &text);
        assert!(!records.is_empty(), "{}: no records", k.name);
        samples.push(Sample {
            name: k.name,
            dialect: d,
            records,
        });
    }
    samples
}

fn kind(name: &str) -> &'static Kind {
    KINDS.iter().find(|k| k.name == name).expect("known kind")
}

/// Check `Parser::event` on every record before timing it.
fn check_events(parser: &Parser, s: &Sample, source: &Arc<str>, tctx: &TimeContext) {
    let k = kind(s.name);
    for r in &s.records {
        let ev = parser.event(s.dialect, r.to_string(), source, 1, None, tctx);
        assert!(ev.ts.is_some(), "{}: no timestamp from {r:?}", s.name);
        if k.has_level {
            assert!(ev.level.is_some(), "{}: no level from {r:?}", s.name);
        }
        if k.has_id {
            assert!(!ev.ids.is_empty(), "{}: no id from {r:?}", s.name);
        }
        if let (Some(want), Some(i)) = (k.dialect, s.dialect) {
            assert_eq!(
                &*ev.dialect, want,
                "{}: parsed by another dialect: {r:?}",
                s.name
            );
            assert_eq!(&*parser.dialects[i].name, want);
        }
        assert_eq!(&ev.raw, r, "{}: raw text kept whole", s.name);
    }
}

fn bench_dialects(c: &mut Criterion, parser: &Parser, samples: &[Sample], tctx: &TimeContext) {
    let source: Arc<str> = "bench.log".into();
    let mut g = c.benchmark_group("dialect");
    for s in samples {
        check_events(parser, s, &source, tctx);
        g.throughput(Throughput::Elements(s.records.len() as u64));
        g.bench_function(s.name, |b| {
            b.iter(|| {
                for line in &s.records {
                    black_box(parser.event(
                        black_box(s.dialect),
                        line.to_string(),
                        &source,
                        1,
                        None,
                        tctx,
                    ));
                }
            })
        });
    }
    g.finish();
}

/// UTC nanoseconds of a civil time (test oracle, independent of casefile's own arithmetic).
fn utc(epoch_secs: i64, nanos: i64) -> Timestamp {
    Timestamp(epoch_secs * 1_000_000_000 + nanos)
}

fn bench_timestamps(c: &mut Criterion, tctx: &TimeContext) {
    // 2026-11-28T22:00:00Z = 1795903200; 2008-11-09T20:36:15Z = 1226262975;
    // 2017-06-09T20:10:40Z = 1497039040 (python3 -c 'import calendar; calendar.timegm(...)').
    let t = 1_795_903_200i64;
    let shapes: &[(&str, &str, Timestamp)] = &[
        (
            "iso-z-millis",
            "2026-11-28T22:00:00.123Z",
            utc(t, 123_000_000),
        ),
        (
            "iso-z-nanos-cri",
            "2026-11-28T22:00:00.671000123Z",
            utc(t, 671_000_123),
        ),
        (
            "iso-offset",
            "2026-11-28T23:00:00.123+01:00",
            utc(t, 123_000_000),
        ),
        (
            "iso-comma-millis",
            "2026-11-28 22:00:00,123",
            utc(t, 123_000_000),
        ),
        (
            "iso-space-millis",
            "2026-11-28 22:00:00.047",
            utc(t, 47_000_000),
        ),
        ("nginx", "28/Nov/2026:23:00:12 +0100", utc(t + 12, 0)),
        ("syslog-3164", "Nov 28 22:00:01", utc(t + 1, 0)),
        ("epoch-s", "1795903200", utc(t, 0)),
        ("epoch-s-frac", "1795903200.250", utc(t, 250_000_000)),
        ("epoch-ms", "1795903200123", utc(t, 123_000_000)),
        ("epoch-ns", "1795903200123456789", utc(t, 123_456_789)),
        ("hdfs-yymmdd", "081109 203615", utc(1_226_262_975, 0)),
        ("spark-yy/mm/dd", "17/06/09 20:10:40", utc(1_497_039_040, 0)),
    ];
    let mut g = c.benchmark_group("timestamp");
    g.throughput(Throughput::Elements(1));
    for (name, text, want) in shapes {
        assert_eq!(tctx.parse(text), Some(*want), "timestamp {name}: {text:?}");
        g.bench_function(*name, |b| b.iter(|| black_box(tctx.parse(black_box(text)))));
    }
    g.finish();
}

fn bench_regex_baseline(c: &mut Criterion, samples: &[Sample]) {
    let re = regex::Regex::new("ERROR|WARN").unwrap();
    let mut g = c.benchmark_group("regex_baseline");
    for s in samples {
        let want = s
            .records
            .iter()
            .filter(|r| r.contains("ERROR") || r.contains("WARN"))
            .count();
        let got = s.records.iter().filter(|r| re.is_match(r)).count();
        assert_eq!(got, want, "regex baseline {}", s.name);
        g.throughput(Throughput::Elements(s.records.len() as u64));
        g.bench_function(s.name, |b| {
            b.iter(|| {
                let mut n = 0usize;
                for r in &s.records {
                    n += re.is_match(black_box(r)) as usize;
                }
                black_box(n)
            })
        });
    }
    g.finish();
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    let parser = Parser::default_parser();
    let tctx = tctx();
    let samples = if data_dir().is_dir() {
        load_samples(&parser, &tctx)
    } else {
        eprintln!(
            "parse bench: {} not found (set CASEFILE_BENCH_DATA); skipping the dialect and \
             regex_baseline groups",
            data_dir().display()
        );
        Vec::new()
    };
    if !samples.is_empty() {
        bench_dialects(&mut c, &parser, &samples, &tctx);
    }
    bench_timestamps(&mut c, &tctx);
    if !samples.is_empty() {
        bench_regex_baseline(&mut c, &samples);
    }
    c.final_summary();
}
