//! Template-mining micro-benchmarks (criterion): what `casefile::cluster` costs per message.
//!
//! Input: the eight Loghub-2k content files (`data/loghub-2k/<S>/<S>_2k.content`, one message
//! per line, 16,000 messages in all) read at start from `../shared` (next to the repository;
//! override with `CASEFILE_BENCH_DATA=<dir>`). Without them every group is skipped with a
//! message.
//!
//! - `cluster/mask`: `mask::mask_into` of every message into one reused `Masked` (the masking
//!   stage alone).
//! - `cluster/mask_memo_160k`: the 16,000 messages repeated 10 times, masked through a fresh
//!   `memo::MaskMemo` (what the miner does): repeats are served from the memo, so this costs
//!   less than ten times `mask`.
//! - `cluster/mine_16k`: `Miner::new(MinerConfig::default())`, `add` of every message,
//!   `finish` — the whole miner, end to end, on 16,000 messages.
//! - `cluster/mine_160k`: the same over the 16,000 messages repeated 10 times (what a log tool
//!   sees: the same shapes again and again; `finish` is amortised).
//!
//! Throughput is in elements = messages. Every routine's answer is checked before it is timed
//! (per-system cluster counts, a known HDFS template, the repeated run giving the same
//! templates with ten times the counts), and the bench panics if it is wrong.
//!
//! Run: `cargo bench --bench cluster` (quick check: `cargo bench --bench cluster -- --quick`).

use std::hint::black_box;
use std::path::{Path, PathBuf};

use casefile::cluster::mask::{self, Masked};
use casefile::cluster::memo::MaskMemo;
use casefile::cluster::{Miner, MinerConfig};
use criterion::{Criterion, Throughput};

/// Loghub systems and the number of clusters the miner finds in each one's 2k sample.
const SYSTEMS: [(&str, usize); 8] = [
    ("HDFS", 14),
    ("Hadoop", 114),
    ("Spark", 36),
    ("Zookeeper", 53),
    ("BGL", 115),
    ("HealthApp", 75),
    ("OpenSSH", 27),
    ("Proxifier", 8),
];

/// Clusters of all 16,000 messages mined together.
const ALL_CLUSTERS: usize = 442;

/// Times the 16,000 messages are repeated in `mine_160k`.
const REPEAT: usize = 10;

fn data_dir() -> PathBuf {
    match std::env::var_os("CASEFILE_BENCH_DATA") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"),
    }
}

/// Per system, its messages; an error naming the first file that cannot be read.
fn load() -> Result<Vec<(&'static str, Vec<String>)>, String> {
    let dir = data_dir().join("data/loghub-2k");
    let mut out = Vec::new();
    for (s, _) in SYSTEMS {
        let path = dir.join(s).join(format!("{s}_2k.content"));
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        out.push((s, text.lines().map(str::to_string).collect()));
    }
    Ok(out)
}

fn mine<'a>(msgs: impl Iterator<Item = &'a str>) -> Miner {
    let mut m = Miner::new(MinerConfig::default());
    for s in msgs {
        m.add(s);
    }
    m.finish();
    m
}

/// The answers the timed routines must give.
fn check(systems: &[(&str, Vec<String>)], all: &[&str]) {
    let (mut memo, mut m) = (MaskMemo::new(), Masked::new());
    for s in all.iter().chain(all.iter()).chain(all.iter()) {
        mask::mask_into(s, &mut m);
        let got = memo.mask(s);
        assert_eq!((got.key(), &got.holes), (m.key(), &m.holes), "memo: {s}");
    }
    for ((name, msgs), (_, want)) in systems.iter().zip(SYSTEMS) {
        assert_eq!(msgs.len(), 2000, "{name}: expected 2000 messages");
        let m = mine(msgs.iter().map(String::as_str));
        assert_eq!(m.clusters().len(), want, "{name}: cluster count");
        let total: u64 = m.clusters().iter().map(|c| c.count).sum();
        assert_eq!(total, 2000, "{name}: every message in one cluster");
        if *name == "HDFS" {
            assert!(
                m.clusters()
                    .iter()
                    .any(|c| c.template == "PacketResponder <NUM> for block blk_<NUM> terminating"),
                "HDFS: PacketResponder template"
            );
        }
    }
    assert_eq!(
        mask::mask_to_template("PacketResponder 1 for block blk_38865049064139660 terminating"),
        "PacketResponder <NUM> for block blk_<NUM> terminating"
    );
    let one = mine(all.iter().copied());
    assert_eq!(
        one.clusters().len(),
        ALL_CLUSTERS,
        "all systems: cluster count"
    );
    let ten = mine((0..REPEAT).flat_map(|_| all.iter().copied()));
    let key = |m: &Miner, f: u64| -> Vec<(String, u64)> {
        let mut v: Vec<(String, u64)> = m
            .clusters()
            .iter()
            .map(|c| (c.template.clone(), c.count * f))
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        key(&ten, 1),
        key(&one, REPEAT as u64),
        "repeated input: same templates, counts x{REPEAT}"
    );
}

fn bench(c: &mut Criterion, all: &[&str]) {
    let mut g = c.benchmark_group("cluster");
    g.throughput(Throughput::Elements(all.len() as u64));
    g.bench_function("mask", |b| {
        let mut m = Masked::new();
        b.iter(|| {
            let mut holes = 0usize;
            for s in all {
                mask::mask_into(s, &mut m);
                holes += m.holes.len();
            }
            black_box(holes)
        })
    });
    g.throughput(Throughput::Elements((all.len() * REPEAT) as u64));
    g.bench_function("mask_memo_160k", |b| {
        b.iter(|| {
            let mut memo = MaskMemo::new();
            let mut holes = 0usize;
            for _ in 0..REPEAT {
                for s in all {
                    holes += memo.mask(s).holes.len();
                }
            }
            black_box(holes)
        })
    });
    g.throughput(Throughput::Elements(all.len() as u64));
    g.bench_function("mine_16k", |b| {
        b.iter(|| black_box(mine(all.iter().copied()).clusters().len()))
    });
    g.throughput(Throughput::Elements((all.len() * REPEAT) as u64));
    g.sample_size(20);
    g.bench_function("mine_160k", |b| {
        b.iter(|| {
            let m = mine((0..REPEAT).flat_map(|_| all.iter().copied()));
            black_box(m.clusters().len())
        })
    });
    g.finish();
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    match load() {
        Ok(systems) => {
            let all: Vec<&str> = systems
                .iter()
                .flat_map(|(_, v)| v.iter().map(String::as_str))
                .collect();
            check(&systems, &all);
            bench(&mut c, &all);
        }
        Err(e) => eprintln!(
            "cluster bench: loghub-2k content not found ({e}; set CASEFILE_BENCH_DATA); \
             skipping every group"
        ),
    }
    c.final_summary();
}
