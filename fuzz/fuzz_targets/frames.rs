//! Wrapped lines (CRI, Docker json-file, `kubectl --timestamps` / `--prefix`, compose, stern,
//! `grep -H`): frame detection on a head sample, record starts and framed events, and a round
//! trip through every frame.
//!
//! Two parts per input:
//! 1. The bytes as a source's head: `Parser::detect_source` picks frames and an inner dialect
//!    (under two time contexts: UTC dated by an mtime; Europe/Paris with a plausible range),
//!    the lines are cut into records with `Parser::starts_record` (each line after the line
//!    before it) and each record becomes an event with `Parser::event_framed`.
//!    Properties: `raw` is the record as given and `line` its first line; the event's `ts`
//!    reads back from its RFC 3339 form; the same record gives the same event twice; a line
//!    after one that `Frames::ends_partial` says is cut never starts a record; a `ts` lies in
//!    the context's `plausible` range unless it is the wrapper's own time (the runtime's clock,
//!    not read by the inner dialect); `ends_partial` agrees with `Frames::unwrap`'s `partial`
//!    on every line the frames peel.
//! 2. The first line as an application's text, wrapped in a stack of 1 to 3 frames chosen by
//!    the input (names, times, offsets, Docker escapes and key order, CRI `P`/`F` tags):
//!    `Frames::unwrap` gives back that text exactly, the wrapper's time, service, pod and path
//!    as written, and the `partial` flag as tagged; `ends_partial` says the same; an event of
//!    the wrapped line keeps it as `raw`, and a time of day inside a timed frame is dated
//!    within 12 h (13 h across a DST change) of the frame's time.
#![no_main]

use std::sync::{Arc, OnceLock};

use casefile::model::{civil_from_days, Timestamp};
use casefile::parse::frame::Frame;
use casefile::parse::{DayAnchor, Frames, Parser, TimeContext};
use libfuzzer_sys::fuzz_target;

fn parser() -> &'static Parser {
    static P: OnceLock<Parser> = OnceLock::new();
    P.get_or_init(Parser::default_parser)
}

const NS: i64 = 1_000_000_000;
const HOUR: i64 = 3_600 * NS;

fn at(s: &str) -> Timestamp {
    TimeContext::default().parse(s).expect("a fixed time")
}

fn contexts() -> &'static [TimeContext] {
    static C: OnceLock<Vec<TimeContext>> = OnceLock::new();
    C.get_or_init(|| {
        let mtime = at("2026-11-29T00:10:00Z");
        vec![
            // As a file with an mtime is read: a time of day alone is the latest before it.
            TimeContext {
                year_hint: 2026,
                reference: Some(mtime),
                day: Some(DayAnchor::Before(mtime)),
                ..TimeContext::default()
            },
            // A named zone, and a plausible range (400 days around a median, as file.rs sets).
            TimeContext {
                tz: Some(jiff::tz::TimeZone::get("Europe/Paris").expect("tz database")),
                year_hint: 2026,
                reference: Some(mtime),
                day: Some(DayAnchor::After(at("2026-03-29T00:30:00Z"))),
                plausible: Some((at("2025-10-24T00:00:00Z"), at("2027-12-01T00:00:00Z"))),
            },
        ]
    })
}

/// A small deterministic generator seeded by the input, for the wrapper's parameters.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // splitmix64
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self) -> bool {
        self.next() & 1 == 1
    }
    /// `len` bytes from `alphabet`, the first from `first`.
    fn word(&mut self, first: &[u8], alphabet: &[u8], len: usize) -> String {
        let mut s = String::new();
        s.push(first[self.below(first.len() as u64) as usize] as char);
        for _ in 1..len {
            s.push(alphabet[self.below(alphabet.len() as u64) as usize] as char);
        }
        s
    }
}

const DNS: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789-.";
const ALNUM_LOWER: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
const NAME: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";

/// The container name, unless it is a generic one, then the pod's (as frame.rs documents).
fn container_or_pod(container: &str, pod: &str) -> String {
    const GENERIC: &[&str] = &["app", "main", "server", "container", "default"];
    if GENERIC.contains(&container) {
        pod
    } else {
        container
    }
    .to_string()
}

/// What wrapping a text in one frame should unwrap to.
#[derive(Default, Debug, Clone)]
struct Expect {
    ts: Option<Timestamp>,
    service: Option<String>,
    pod: Option<String>,
    path: Option<String>,
    partial: bool,
}

/// A runtime's time: RFC 3339 with 0-9 fraction digits, `Z` or an offset.
fn rfc3339(rng: &mut Rng) -> (String, Timestamp) {
    // 1971 .. 2100, whole nanoseconds.
    let secs = 31_536_000 + rng.below(4_102_444_800 - 31_536_000) as i64;
    let digits = rng.below(10) as u32;
    let frac_full = rng.below(NS as u64) as i64;
    let unit = 10i64.pow(9 - digits);
    let frac = frac_full / unit * unit;
    let off_min: i64 = if rng.chance() {
        0
    } else {
        rng.below(2 * 14 * 60 + 1) as i64 - 14 * 60
    };
    let local = secs + off_min * 60;
    let (y, m, d) = civil_from_days(local.div_euclid(86_400));
    let sod = local.rem_euclid(86_400);
    let mut s = format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
        sod / 3600,
        sod / 60 % 60,
        sod % 60
    );
    if digits > 0 {
        let f = format!("{:09}", frac);
        s.push('.');
        s.push_str(&f[..digits as usize]);
    }
    if off_min == 0 && rng.chance() {
        s.push('Z');
    } else {
        let a = off_min.abs();
        s.push_str(&format!(
            "{}{:02}:{:02}",
            if off_min < 0 { '-' } else { '+' },
            a / 60,
            a % 60
        ));
    }
    (s, Timestamp(secs * NS + frac))
}

/// A JSON string literal of `s`, every char escaped as `\uXXXX` (surrogate pairs past the BMP)
/// or as serde_json writes it, and `/` sometimes as `\/`.
fn json_str(s: &str, rng: &mut Rng) -> String {
    match rng.below(3) {
        0 => serde_json::to_string(s).expect("a string serialises"),
        1 => {
            let mut out = String::from("\"");
            let mut buf = [0u16; 2];
            for c in s.chars() {
                for u in c.encode_utf16(&mut buf) {
                    out.push_str(&format!("\\u{:04x}", u));
                }
            }
            out.push('"');
            out
        }
        _ => serde_json::to_string(s)
            .expect("a string serialises")
            .replace('/', "\\/"),
    }
}

/// `inner` wrapped in frame `f`, and what unwrapping it should tell.
fn wrap(f: Frame, inner: &str, rng: &mut Rng) -> (String, Expect) {
    let mut e = Expect::default();
    let line = match f {
        Frame::Cri => {
            let (ts, t) = rfc3339(rng);
            e.ts = Some(t);
            e.partial = rng.chance();
            let stream = if rng.chance() { "stdout" } else { "stderr" };
            let tag = if e.partial { "P" } else { "F" };
            format!("{ts} {stream} {tag} {inner}")
        }
        Frame::Docker => {
            let (ts, t) = rfc3339(rng);
            e.partial = rng.chance();
            let mut log = inner.to_string();
            if !e.partial {
                log.push_str(if rng.chance() { "\n" } else { "\r\n" });
            }
            let log = json_str(&log, rng);
            let time = json_str(&ts, rng);
            let timed = rng.below(4) != 0;
            e.ts = timed.then_some(t);
            let time_kv = if timed {
                format!(",\"time\":{time}")
            } else {
                String::new()
            };
            match rng.below(3) {
                0 => format!("{{\"log\":{log},\"stream\":\"stdout\"{time_kv}}}"),
                1 => format!("{{\"stream\":\"stderr\",\"log\":{log}{time_kv}}}"),
                _ => format!("{{ \"log\": {log}{time_kv} , \"attrs\": {{\"tag\":\"x\"}} }}"),
            }
        }
        Frame::KubectlTs => {
            let (ts, t) = rfc3339(rng);
            e.ts = Some(t);
            format!("{ts} {inner}")
        }
        Frame::KubectlPrefix => {
            let n = 1 + rng.below(20) as usize;
            let pod = rng.word(ALNUM_LOWER, DNS, n);
            let n = 1 + rng.below(12) as usize;
            let container = match rng.below(3) {
                0 => "app".to_string(),
                _ => rng.word(ALNUM_LOWER, DNS, n),
            };
            e.service = Some(container_or_pod(&container, &pod));
            e.pod = Some(pod.clone());
            let slash = if rng.chance() { "pod/" } else { "" };
            format!("[{slash}{pod}/{container}] {inner}")
        }
        Frame::Compose => {
            let n = 1 + rng.below(24) as usize;
            let name = rng.word(NAME, NAME, n);
            // Compose's replica number, when the name ends in `-<digits>` / `_<digits>`.
            let service = match name.rfind(['-', '_']) {
                Some(i)
                    if i > 0
                        && i + 1 < name.len()
                        && name[i + 1..].bytes().all(|b| b.is_ascii_digit()) =>
                {
                    name[..i].to_string()
                }
                _ => name.clone(),
            };
            e.service = Some(service);
            let pad = " ".repeat(rng.below(6) as usize);
            format!("{name}{pad} | {inner}")
        }
        Frame::Stern => {
            let n = 1 + rng.below(16) as usize;
            let pod = format!(
                "{}-{}",
                rng.word(ALNUM_LOWER, DNS, n),
                rng.word(ALNUM_LOWER, ALNUM_LOWER, 5)
            );
            let n = 1 + rng.below(10) as usize;
            let container = rng.word(ALNUM_LOWER, DNS, n);
            e.service = Some(container_or_pod(&container, &pod));
            e.pod = Some(pod.clone());
            format!("{pod} {container} {inner}")
        }
        Frame::Grep => {
            let n = 1 + rng.below(12) as usize;
            let path = format!(
                "{}/{}.log",
                rng.word(b"abcdefghijklmnopqrstuvwxyz.", NAME, n),
                {
                    let n = 1 + rng.below(8) as usize;
                    rng.word(NAME, NAME, n)
                }
            );
            e.path = Some(path.clone());
            // With `-n`: a line number, so text that starts with `12:` is not taken for one.
            format!("{path}:{}:{inner}", 1 + rng.below(100_000))
        }
    };
    (line, e)
}

/// A stack of frames, outermost first, that a source can have.
const STACKS: &[&[Frame]] = &[
    &[Frame::Cri],
    &[Frame::Docker],
    &[Frame::KubectlTs],
    &[Frame::KubectlPrefix],
    &[Frame::Compose],
    &[Frame::Stern],
    &[Frame::Grep],
    &[Frame::KubectlPrefix, Frame::KubectlTs],
    &[Frame::Compose, Frame::KubectlTs],
    &[Frame::Grep, Frame::Cri],
    &[Frame::Grep, Frame::Docker],
    &[Frame::Stern, Frame::KubectlTs],
    &[Frame::Grep, Frame::KubectlPrefix, Frame::KubectlTs],
];

fn check_event(ev: &casefile::model::Event, raw: &str, line: u64) {
    assert_eq!(ev.raw, raw, "raw is not the record as given");
    assert_eq!((&*ev.source, ev.line), ("fuzz/app.log", line));
    if let Some(ts) = ev.ts {
        let written = ts.to_rfc3339();
        assert_eq!(
            TimeContext::default().parse(&written),
            Some(ts),
            "event time {ts:?} written as {written:?} does not read back"
        );
    }
}

/// Part 1: the input as a file's head, detected, cut into records, each read.
fn as_source(bytes: &[u8], text: &str) {
    let parser = parser();
    let source: Arc<str> = "fuzz/app.log".into();
    let lines: Vec<&str> = text.split('\n').take(64).collect();
    for tctx in contexts() {
        let det = parser.detect_source(bytes, tctx);
        let (frames, d) = (&det.frames, det.dialect);
        assert!(det.read <= det.of, "{det:?}");
        for l in &lines {
            let l = l.strip_suffix('\r').unwrap_or(l);
            if let Some(u) = frames.unwrap(l) {
                let has_partials = frames
                    .0
                    .iter()
                    .any(|f| matches!(f, Frame::Cri | Frame::Docker));
                assert_eq!(
                    frames.ends_partial(l),
                    has_partials && u.partial,
                    "ends_partial and unwrap disagree on {l:?} with {frames:?}"
                );
            }
        }
        // Cut into records as the reader does: a record starts where `starts_record` says.
        let mut records: Vec<(u64, String)> = Vec::new();
        for (i, l) in lines.iter().enumerate() {
            let prev = (i > 0).then(|| lines[i - 1].as_bytes());
            let starts = parser.starts_record(frames, d, l.as_bytes(), prev);
            if starts && prev.is_some_and(|p| frames.ends_partial(&String::from_utf8_lossy(p))) {
                panic!("{l:?} starts a record after a cut line {prev:?} ({frames:?})");
            }
            match records.last_mut() {
                Some((_, r)) if !starts => {
                    r.push('\n');
                    r.push_str(l);
                }
                _ => records.push((i as u64 + 1, l.to_string())),
            }
        }
        for (line, raw) in records {
            let ev = parser.event_framed(frames, d, raw.clone(), &source, line, Some("app"), tctx);
            check_event(&ev, &raw, line);
            let first = raw.split('\n').next().unwrap_or("");
            let first = first.strip_suffix('\r').unwrap_or(first);
            let wrapper_ts = if frames.is_empty() {
                None
            } else {
                frames.unwrap(first).and_then(|u| u.ts)
            };
            if let (Some(ts), Some((lo, hi))) = (ev.ts, tctx.plausible) {
                assert!(
                    (lo <= ts && ts <= hi) || Some(ts) == wrapper_ts,
                    "{raw:?}: ts {ts:?} outside the plausible range {lo:?}..{hi:?}"
                );
            }
            let again =
                parser.event_framed(frames, d, raw.clone(), &source, line, Some("app"), tctx);
            assert_eq!(ev, again, "the same record parsed twice differs");
        }
    }
}

/// Part 2: the first line wrapped in frames chosen by the input, unwrapped again.
fn round_trip(bytes: &[u8], text: &str) {
    let mut seed = [0u8; 8];
    let n = bytes.len().min(8);
    seed[..n].copy_from_slice(&bytes[..n]);
    let mut rng = Rng(u64::from_le_bytes(seed) ^ bytes.len() as u64);
    let mut inner = text.split('\n').next().unwrap_or("").to_string();
    let stack = STACKS[rng.below(STACKS.len() as u64) as usize];
    // Docker drops a `\r` before the line end it keeps: CRLF output reads as LF.
    if stack.contains(&Frame::Docker) {
        while inner.ends_with('\r') {
            inner.pop();
        }
    }
    let mut line = inner.clone();
    let mut expects = Vec::new();
    for &f in stack.iter().rev() {
        let (l, e) = wrap(f, &line, &mut rng);
        line = l;
        expects.push(e);
    }
    expects.reverse(); // outermost first, as the stack
    let frames = Frames(stack.to_vec());
    let u = frames
        .unwrap(&line)
        .unwrap_or_else(|| panic!("{line:?} does not unwrap with {frames:?}"));
    assert_eq!(
        u.inner, inner,
        "{line:?} unwraps to other text ({frames:?})"
    );
    // The outermost frame that says something wins.
    let first = |f: fn(&Expect) -> Option<String>| expects.iter().find_map(f);
    assert_eq!(
        u.ts,
        expects.iter().find_map(|e| e.ts),
        "{line:?}: wrapper time"
    );
    assert_eq!(
        u.service.as_deref(),
        first(|e| e.service.clone()).as_deref()
    );
    assert_eq!(u.pod.as_deref(), first(|e| e.pod.clone()).as_deref());
    assert_eq!(u.path.as_deref(), first(|e| e.path.clone()).as_deref());
    let partial = expects.iter().any(|e| e.partial);
    assert_eq!(u.partial, partial, "{line:?}: partial flag");
    assert_eq!(
        frames.ends_partial(&line),
        partial,
        "{line:?}: ends_partial"
    );

    // The wrapped line as a record of that source.
    let parser = parser();
    let source: Arc<str> = "fuzz/app.log".into();
    let tctx = &contexts()[0];
    let d = parser.detect(inner.as_bytes(), tctx);
    let ev = parser.event_framed(&frames, d, line.clone(), &source, 7, None, tctx);
    check_event(&ev, &line, 7);

    // A time of day inside a timed frame is dated near the frame's time.
    if let Some(wts) = u.ts {
        for tctx in contexts() {
            let near = TimeContext {
                day: Some(DayAnchor::Near(wts)),
                ..tctx.without_plausibility()
            };
            let plain = TimeContext {
                day: None,
                ..near.clone()
            };
            if let Some((ts, used)) = near.parse_prefix(&inner) {
                if plain.parse_prefix(&inner).is_none() {
                    let named = near.tz.is_some() || inner[..used].contains('/');
                    let bound = if named { 13 * HOUR } else { 12 * HOUR };
                    assert!(
                        ts.0.abs_diff(wts.0) <= bound as u64,
                        "{inner:?} near {wts:?} read as {ts:?}"
                    );
                }
            }
        }
    }
}

fuzz_target!(|bytes: &[u8]| {
    let bytes = &bytes[..bytes.len().min(16 << 10)];
    let text = String::from_utf8_lossy(bytes).into_owned();
    as_source(bytes, &text);
    round_trip(bytes, &text);
});
