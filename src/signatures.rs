//! Events -> error signatures: what text an event is clustered by (its message, or for an event
//! carrying a stack trace its exception type and top frames, as Sentry groups errors), and the
//! per-signature facts a support engineer needs: count, first/last seen, services, levels,
//! example locations, a time histogram and the most frequent value of each hole.
//!
//! Reading is parallel and the [`Miner`]'s clustering is order-independent, so every unit of
//! work (a file, or a chunk of a big one) counts on its own, with no lock and nothing shared:
//! its messages' distinct masked keys in a key table of its own, and its per-entry statistics,
//! hole-value counters included. [`Collector::finish`] adds the units' keys to one miner in
//! input order, clusters, and merges the statistics in input order and the hole counters in
//! the order of the sources' names: hole values beyond the top-k are estimates (Space-Saving),
//! and estimates depend on the order values arrive in, so they are merged in an order that
//! neither the thread count nor the order of the inputs can change. The output is the same,
//! byte for byte, whatever the thread count or file order.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::cluster::mask::Masked;
use crate::cluster::memo::MaskMemo;
use crate::cluster::{HoleSlots, MessageId, Miner, MinerConfig};
use crate::model::{Event, Level, Span, Timestamp};

/// What a record is clustered by.
///
/// A record with a Java stack trace or a Python traceback is keyed by its exception type and
/// its top three frames (`java.lang.IllegalStateException at a.B.charge < a.C.place`), so that
/// the same failure with different ids, amounts or messages is one signature. Any other
/// record is keyed by its message (the header stripped by its dialect), except an HTTP access
/// record ([`http_key`]), keyed by its method, route and status.
pub fn cluster_text(e: &Event) -> String {
    if let Some(k) = stack_key(&e.raw) {
        return k;
    }
    if let Some(k) = http_key(e) {
        return k;
    }
    let text = if e.message.is_empty() {
        e.raw.split('\n').next().unwrap_or("")
    } else {
        &e.message
    };
    match text.strip_prefix(ROUTE) {
        // Only an access record's text starts with the route byte.
        Some(rest) => format!("?{rest}"),
        None => text.to_string(),
    }
}

/// The route byte that starts an access record's text ([`crate::cluster::mask::ROUTE`]).
const ROUTE: char = crate::cluster::mask::ROUTE as char;

/// An HTTP access record (an event with a status whose message is `METHOD TARGET [HTTP/x]
/// [STATUS]`, as the access-log dialects write it: nginx, Apache, Envoy, ALB/ELB, HAProxy,
/// uWSGI, Werkzeug, or a JSON record saying the same) is clustered by `\x07METHOD TARGET
/// STATUS`: the masker keeps its method and status and masks only the ids in the target's
/// path, and the miner never merges it with another route or status (see
/// [`crate::cluster::mask`]). `POST /api/v1/orders 502` and `... 201` are two signatures;
/// `GET /api/v1/orders/123 200` and `.../456 200` one.
fn http_key(e: &Event) -> Option<String> {
    let status = e.status?;
    let mut words = e.message.split(' ');
    let method = words.next()?;
    let target = words.next()?;
    let is_method = (method.len() <= 32
        && method.starts_with(|c: char| c.is_ascii_uppercase())
        && method
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b"_.-".contains(&b)))
        || method == "-";
    let is_target = target.starts_with('/') || target.contains("://") || target == "*";
    let status_text = status.to_string();
    let mut rest = 0;
    for w in words {
        rest += 1;
        if rest > 2 || !(w.starts_with("HTTP/") || w == status_text) {
            return None;
        }
    }
    (is_method && is_target && !target.bytes().any(|b| b < 0x20 || b == 0x7f))
        .then(|| format!("{ROUTE}{method} {target} {status_text}"))
}

fn stack_key(raw: &str) -> Option<String> {
    if !raw.contains('\n') {
        return None;
    }
    let header = shared_header(raw.split('\n').skip(1));
    let mut lines = raw.split('\n').skip(1).map(|l| &l[header..]);
    let mut java_type: Option<&str> = None;
    let mut java_frames: Vec<&str> = Vec::new();
    let mut py_frames: Vec<String> = Vec::new();
    let mut py_type: Option<&str> = None;
    let mut in_py = false;
    for l in lines.by_ref() {
        let t = l.trim();
        if let Some(f) = t.strip_prefix("at ") {
            if java_frames.len() < 3 && java_type.is_some() {
                // `com.acme.X.charge(X.java:88)` -> `com.acme.X.charge`
                let f = f.split('(').next().unwrap_or(f);
                let f = f.rsplit('/').next().unwrap_or(f); // `java.base/...`
                java_frames.push(f);
            }
        } else if t.starts_with("Traceback (most recent call last)") {
            in_py = true;
        } else if in_py && t.starts_with("File \"") {
            // `File "/srv/payments/api.py", line 212, in charge` -> `api.py:charge`
            let file = t[6..].split('"').next().unwrap_or("");
            let file = file.rsplit('/').next().unwrap_or(file);
            let func = t.rsplit(", in ").next().unwrap_or("");
            py_frames.push(format!("{file}:{func}"));
        } else if in_py && !l.starts_with([' ', '\t']) && !t.is_empty() {
            let ty = t.split(':').next().unwrap_or(t);
            if is_type_name(ty) {
                py_type = Some(ty);
            }
        } else if java_type.is_none() && !t.starts_with("Caused by") && !t.starts_with("...") {
            let ty = t.split(':').next().unwrap_or(t);
            if is_type_name(ty) && (ty.contains('.') || ty.ends_with("Exception")) {
                java_type = Some(ty);
            }
        }
    }
    if let Some(ty) = py_type {
        let top: Vec<String> = py_frames.iter().rev().take(3).cloned().collect();
        return Some(format!("{ty} at {}", top.join(" < ")));
    }
    if let Some(ty) = java_type {
        return Some(format!("{ty} at {}", java_frames.join(" < ")));
    }
    None
}

/// The length of a log header that every continuation line of a record starts with (0 when
/// there is none): OpenStack's oslo.log writes `2017-05-16 00:00:02.551 2931 ERROR
/// nova.compute.manager [instance: <uuid>] ` before each line of a traceback, and the stack
/// reads without it. A header starts with a digit (a timestamp), ends at a space and is at least
/// 20 bytes, so indentation and Java's `\tat ` are never taken for one.
fn shared_header<'a>(mut lines: impl Iterator<Item = &'a str>) -> usize {
    let Some(first) = lines.next() else {
        return 0;
    };
    if !first.starts_with(|c: char| c.is_ascii_digit()) {
        return 0;
    }
    let mut n = first.len();
    let mut others = 0;
    for l in lines {
        others += 1;
        n = first.as_bytes()[..n]
            .iter()
            .zip(l.as_bytes())
            .take_while(|(a, b)| a == b)
            .count();
    }
    // Cut after the prefix's last space (an ASCII byte, so a char boundary).
    let cut = first.as_bytes()[..n]
        .iter()
        .rposition(|&b| b == b' ')
        .map_or(0, |i| i + 1);
    if others > 0 && cut >= 20 {
        cut
    } else {
        0
    }
}

fn is_type_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() < 200
        && s.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_' || b == b'$')
        && s.rsplit('.')
            .next()
            .is_some_and(|last| last.bytes().next().is_some_and(|b| b.is_ascii_uppercase()))
}

/// Per distinct masked entry, as seen by one unit of work.
#[derive(Clone, Debug, Default)]
struct EntryStats {
    count: u64,
    span: Span,
    services: BTreeMap<String, u64>,
    /// Events of the unit's usual service (see [`SigAcc::unit_service`]), counted without a
    /// map lookup.
    unit_service_count: u64,
    levels: [u64; 7],
    /// Up to three earliest locations: (line, unit-relative until rebased).
    examples: Vec<u64>,
    times: Histogram,
    /// The first event's clustered text and line, when samples are kept.
    sample: Option<(u64, String)>,
    /// This unit's counters of the entry's hole values: `nholes` counters of
    /// [`Collector::hole_k`] slots from `hole_base` in [`SigAcc::holes`].
    hole_base: usize,
    nholes: usize,
}

/// Event counts over time, by buckets of 2^k seconds; coarsened (k+1) when it holds more than
/// [`Histogram::MAX`] buckets, so its final resolution depends only on the set of timestamps.
#[derive(Clone, Debug, Default)]
struct Histogram {
    shift: u32,
    buckets: BTreeMap<i64, u64>,
}

impl Histogram {
    const MAX: usize = 256;

    fn add(&mut self, secs: i64, n: u64) {
        *self.buckets.entry(secs >> self.shift).or_default() += n;
        while self.buckets.len() > Self::MAX {
            self.coarsen();
        }
    }

    fn coarsen(&mut self) {
        self.shift += 1;
        let old = std::mem::take(&mut self.buckets);
        for (b, n) in old {
            *self.buckets.entry(b >> 1).or_default() += n;
        }
    }

    fn merge(&mut self, o: &Histogram) {
        while self.shift < o.shift {
            self.coarsen();
        }
        for (&b, &n) in &o.buckets {
            let start = b << o.shift;
            self.add(start, n);
        }
    }
}

/// What is kept about each clustered event besides its text.
pub struct EventFacts<'a> {
    pub ts: Option<Timestamp>,
    pub service: Option<&'a str>,
    pub level: Option<Level>,
    pub line: u64,
}

/// Entry ids are small dense integers: hash them with one multiplication.
#[derive(Default, Clone, Copy)]
struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ b as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// One unit's share: statistics per entry, and (when asked) each event's entry.
pub struct SigAcc {
    /// Masks messages, remembering recent ones (repeats are common).
    memo: MaskMemo,
    /// The unit's distinct masked keys and their counts: a miner used as a key table (hole
    /// values are counted in `unit.holes`), added to one miner for all units by
    /// [`Collector::finish`].
    keys: Miner,
    unit: UnitStats,
}

impl Default for SigAcc {
    fn default() -> Self {
        SigAcc {
            memo: MaskMemo::new(),
            keys: Miner::new(MinerConfig {
                track_hole_values: false,
                ..MinerConfig::default()
            }),
            unit: UnitStats::default(),
        }
    }
}

/// What a unit has counted (apart from the masking memo, so both can be borrowed at once).
#[derive(Default)]
struct UnitStats {
    /// The service of the unit's first event: most events of a file share it.
    unit_service: Option<String>,
    /// By the entry's id in the unit's key table ([`SigAcc::keys`]).
    stats: HashMap<u32, EntryStats, std::hash::BuildHasherDefault<IdHasher>>,
    assignments: Vec<(u64, u32)>,
    /// Hole values counted in this unit, merged into the miner in a fixed order at the end
    /// (see [`Collector::finish`]).
    holes: HoleSlots,
}

impl SigAcc {
    pub fn rebase(&mut self, base: u64) {
        for s in self.unit.stats.values_mut() {
            for l in &mut s.examples {
                *l += base;
            }
            if let Some((l, _)) = &mut s.sample {
                *l += base;
            }
        }
        for (l, _) in &mut self.unit.assignments {
            *l += base;
        }
    }
}

/// Collects signatures from events seen in parallel: each unit of work counts into its own
/// [`SigAcc`], and [`Collector::finish`] puts them together.
pub struct Collector {
    cfg: MinerConfig,
    keep_samples: bool,
    keep_assignments: bool,
    /// Slots per hole counter, and the byte cap of a counted value (the miner's).
    hole_k: usize,
    hole_cap: usize,
}

/// One signature as reported.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Signature {
    pub id: String,
    pub template: String,
    pub count: u64,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    pub services: BTreeMap<String, u64>,
    pub levels: BTreeMap<String, u64>,
    /// Up to three `source:line` locations, earliest in input order first.
    pub examples: Vec<String>,
    /// Per hole, its most frequent values with counts.
    pub holes: Vec<Vec<(String, u64)>>,
    /// Per hole: are its counts exact? False when the hole had more distinct values than its
    /// counters keep: its counts are then upper bounds and its values a sample.
    pub holes_exact: Vec<bool>,
    /// Counts over `[first_seen, last_seen]` split into [`SPARK_BUCKETS`] equal parts.
    pub histogram: Vec<u64>,
    #[serde(skip)]
    pub first_ts: Option<Timestamp>,
    /// The clustered text of the first event (with [`Collector::with_samples`]).
    #[serde(skip)]
    pub sample: Option<String>,
    /// The known issue this signature matches (`known-issues.toml`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub known_issue: Option<crate::known_issues::KnownIssueRef>,
}

pub const SPARK_BUCKETS: usize = 24;

/// The result of clustering.
#[derive(Debug, serde::Serialize)]
pub struct SignatureReport {
    pub signatures: Vec<Signature>,
    pub events: u64,
    /// New distinct messages that arrived after the entry cap and went to the catch-all.
    pub evictions: u64,
    pub distinct_entries: usize,
    /// (input index, line, signature id) per event, when assignments were asked for.
    #[serde(skip)]
    pub assignments: Vec<(usize, u64, String)>,
}

impl Collector {
    pub fn new(keep_assignments: bool) -> Collector {
        let cfg = MinerConfig::default();
        let (hole_k, hole_cap) = cfg.hole_slots();
        Collector {
            cfg,
            keep_samples: false,
            hole_k,
            hole_cap,
            keep_assignments,
        }
    }

    /// Also keep each signature's first clustered text ([`Signature::sample`]).
    pub fn with_samples(mut self) -> Collector {
        self.keep_samples = true;
        self
    }

    /// Add one event under the text it is clustered by.
    pub fn add(&self, acc: &mut SigAcc, e: &Event, text: &str) {
        self.add_parts(
            acc,
            text,
            EventFacts {
                ts: e.ts,
                service: e.service.as_deref(),
                level: e.level,
                line: e.line,
            },
        );
    }

    /// Add one message with the facts kept about it (no `Event` needed: `cluster --plain`).
    pub fn add_parts(&self, acc: &mut SigAcc, text: &str, f: EventFacts<'_>) {
        let (msg, masked) = Miner::prepare_memo(&self.cfg, text, &mut acc.memo);
        let id = acc.keys.add_key(masked);
        let nholes = if id == MessageId::CATCH_ALL || !self.cfg.track_hole_values {
            0
        } else {
            masked.holes.len()
        };
        self.record(&mut acc.unit, (id, nholes), text, f, (msg, masked));
    }

    /// Call at the end of a unit ([`crate::source::Visitor::end_unit`]): frees the unit's
    /// masking memo, which would otherwise live, unit after unit, until
    /// [`Collector::finish`].
    pub fn end_unit(&self, acc: &mut SigAcc) {
        acc.memo = MaskMemo::new();
    }

    /// Count one message of entry `id` in the unit's statistics.
    /// `id` comes from the unit's key table, with the number of its tracked holes; `masked`
    /// is `msg` (the part of `text` the miner reads) masked.
    fn record(
        &self,
        acc: &mut UnitStats,
        (id, nholes): (MessageId, usize),
        text: &str,
        f: EventFacts<'_>,
        (msg, masked): (&str, &Masked),
    ) {
        let s = acc.stats.entry(id.0).or_default();
        if s.count == 0 && nholes > 0 {
            s.hole_base = acc.holes.grow(nholes * self.hole_k);
            s.nholes = nholes;
        }
        if s.nholes > 0 {
            acc.holes.count_message(
                s.hole_base,
                self.hole_k,
                s.nholes,
                self.hole_cap,
                msg,
                masked,
            );
        }
        s.count += 1;
        if let Some(t) = f.ts {
            s.span.add(t);
            s.times.add(t.0.div_euclid(1_000_000_000), 1);
        }
        if acc.unit_service.is_none() {
            acc.unit_service = f.service.map(str::to_string);
        }
        if f.service.is_some() && f.service == acc.unit_service.as_deref() {
            s.unit_service_count += 1;
        } else if let Some(svc) = f.service {
            match s.services.get_mut(svc) {
                Some(n) => *n += 1,
                None => {
                    s.services.insert(svc.to_string(), 1);
                }
            }
        }
        s.levels[f.level.map_or(6, |l| l as usize)] += 1;
        if s.examples.len() < 3 {
            s.examples.push(f.line);
        }
        if self.keep_samples && s.sample.is_none() {
            // An access record's text without its route byte (see `cluster_text`).
            let text = text.strip_prefix(ROUTE).unwrap_or(text);
            s.sample = Some((f.line, text.to_string()));
        }
        if self.keep_assignments {
            acc.assignments.push((f.line, id.0));
        }
    }

    /// Cluster and merge. `accs` are (input index, unit accumulator) in input order;
    /// `sources` names the inputs.
    pub fn finish(self, accs: Vec<(usize, SigAcc)>, sources: &[String]) -> SignatureReport {
        // The units' distinct keys, added in input order, so that which keys find room under
        // the entry cap does not depend on the thread count. `maps[u]` gives the shared id of
        // each of unit `u`'s entries.
        let mut miner = Miner::new(self.cfg.clone());
        let maps: Vec<Vec<MessageId>> = accs
            .iter()
            .map(|(_, acc)| {
                let (entries, catch_all) = acc.keys.entries();
                let map = entries
                    .enumerate()
                    .map(|(id, (key, hash, n))| {
                        let nholes = acc.unit.stats.get(&(id as u32)).map_or(0, |s| s.nholes);
                        miner.add_counted(key, hash, nholes, n)
                    })
                    .collect();
                miner.add_catch_all(catch_all, acc.keys.evictions());
                map
            })
            .collect();
        let shared = |unit: usize, id: u32| -> MessageId {
            maps[unit]
                .get(id as usize)
                .copied()
                .unwrap_or(MessageId::CATCH_ALL)
        };
        // Hole values were counted per unit (each unit read in order by one thread); merging
        // them unit by unit in an order fixed by the sources' names makes the top values the
        // same whatever the thread count and the order of the inputs.
        let mut order: Vec<usize> = (0..accs.len()).collect();
        order.sort_by(|&a, &b| {
            let name = |i: usize| sources.get(accs[i].0).map_or("", String::as_str);
            name(a).cmp(name(b))
        });
        for &i in &order {
            let acc = &accs[i].1;
            for (&id, st) in &acc.unit.stats {
                for h in 0..st.nholes {
                    let from = st.hole_base + h * self.hole_k;
                    miner.merge_hole_values(shared(i, id), h, &acc.unit.holes, from);
                }
            }
        }
        miner.finish();
        let clusters = miner.clusters().to_vec();
        let n = clusters.len();
        let mut merged: Vec<EntryStats> = vec![EntryStats::default(); n];
        let mut examples: Vec<BTreeSet<(usize, u64)>> = vec![BTreeSet::new(); n];
        let mut samples: Vec<Option<(usize, u64, String)>> = vec![None; n];
        let mut assignments = Vec::new();
        let mut events = 0;
        for (unit, (input, acc)) in accs.into_iter().enumerate() {
            let mut ids: Vec<&u32> = acc.unit.stats.keys().collect();
            ids.sort();
            for id in ids {
                let s = &acc.unit.stats[id];
                let c = miner.cluster_of(shared(unit, *id));
                if c >= n {
                    continue;
                }
                let m = &mut merged[c];
                events += s.count;
                m.count += s.count;
                m.span.merge(&s.span);
                if let (Some(svc), true) = (&acc.unit.unit_service, s.unit_service_count > 0) {
                    *m.services.entry(svc.clone()).or_default() += s.unit_service_count;
                }
                for (k, v) in &s.services {
                    *m.services.entry(k.clone()).or_default() += v;
                }
                for i in 0..7 {
                    m.levels[i] += s.levels[i];
                }
                m.times.merge(&s.times);
                for &l in &s.examples {
                    examples[c].insert((input, l));
                }
                if let Some((l, t)) = &s.sample {
                    if samples[c]
                        .as_ref()
                        .is_none_or(|(i, sl, _)| (input, *l) < (*i, *sl))
                    {
                        samples[c] = Some((input, *l, t.clone()));
                    }
                }
                while examples[c].len() > 3 {
                    examples[c].pop_last();
                }
            }
            for (line, id) in acc.unit.assignments {
                let c = miner.cluster_of(shared(unit, id));
                let sig = clusters.get(c).map_or_else(String::new, |k| k.id.clone());
                assignments.push((input, line, sig));
            }
        }
        assignments.sort();
        let mut signatures: Vec<Signature> = clusters
            .iter()
            .zip(merged)
            .zip(examples)
            .zip(samples)
            .filter(|(((_, m), _), _)| m.count > 0)
            .map(|(((c, m), ex), sample)| {
                let mut levels = BTreeMap::new();
                for l in Level::ALL {
                    if m.levels[l as usize] > 0 {
                        levels.insert(l.as_str().to_string(), m.levels[l as usize]);
                    }
                }
                if m.levels[6] > 0 {
                    levels.insert("none".into(), m.levels[6]);
                }
                Signature {
                    id: c.id.clone(),
                    template: c.template.clone(),
                    count: m.count,
                    first_seen: m.span.first.map(|t| t.to_rfc3339()),
                    last_seen: m.span.last.map(|t| t.to_rfc3339()),
                    services: m.services,
                    levels,
                    examples: ex
                        .into_iter()
                        .map(|(i, l)| {
                            let s = sources.get(i).map_or("?", String::as_str);
                            // Remote records have no line (0).
                            if l == 0 {
                                s.to_string()
                            } else {
                                format!("{s}:{l}")
                            }
                        })
                        .collect(),
                    holes: c.hole_values.clone(),
                    holes_exact: c.hole_values_exact.clone(),
                    histogram: spark_counts(&m.times, m.span),
                    first_ts: m.span.first,
                    sample: sample.map(|(_, _, t)| t),
                    known_issue: None,
                }
            })
            .collect();
        signatures.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then_with(|| a.template.cmp(&b.template))
        });
        SignatureReport {
            signatures,
            events,
            evictions: miner.evictions(),
            distinct_entries: miner.distinct_entries(),
            assignments,
        }
    }
}

fn spark_counts(h: &Histogram, span: Span) -> Vec<u64> {
    let Some((f, l)) = span.bounds() else {
        return Vec::new();
    };
    let (f, l) = (f.0.div_euclid(1_000_000_000), l.0.div_euclid(1_000_000_000));
    let span = (l - f + 1).max(1);
    let mut out = vec![0u64; SPARK_BUCKETS];
    for (&b, &n) in &h.buckets {
        let t = (b << h.shift).clamp(f, l);
        let i = (((t - f) as i128 * SPARK_BUCKETS as i128) / span as i128) as usize;
        out[i.min(SPARK_BUCKETS - 1)] += n;
    }
    out
}

/// `▁▂▃▅▇` for a histogram.
pub fn sparkline(counts: &[u64]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let max = counts.iter().copied().max().unwrap_or(0);
    counts
        .iter()
        .map(|&c| {
            if c == 0 {
                ' '
            } else {
                BARS[((c * 7) / max.max(1)).min(7) as usize]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(raw: &str, msg: &str) -> Event {
        Event {
            ts: None,
            source: "x".into(),
            line: 1,
            service: None,
            host: None,
            level: None,
            status: None,
            message: msg.into(),
            ids: Default::default(),
            raw: raw.into(),
            dialect: "t".into(),
        }
    }

    #[test]
    fn java_stack_groups_by_type_and_frames() {
        let raw = "2026-11-28 22:00:00.480 ERROR [orders,6cd9,aa] 4312 --- [x] c.a.OrderService : order 853158 failed\njava.lang.IllegalStateException: payment declined for order 853158\n\tat com.acme.orders.PaymentClient.charge(PaymentClient.java:88)\n\tat com.acme.orders.OrderService.place(OrderService.java:142)\n\tat com.acme.orders.OrderController.create(OrderController.java:57)\n\tat java.base/jdk.internal.reflect.X.invoke(X.java:103)\nCaused by: java.net.SocketTimeoutException: Read timed out\n\t... 41 common frames omitted";
        assert_eq!(
            cluster_text(&ev(raw, "order 853158 failed")),
            "java.lang.IllegalStateException at com.acme.orders.PaymentClient.charge < com.acme.orders.OrderService.place < com.acme.orders.OrderController.create"
        );
    }

    #[test]
    fn python_traceback_groups_by_type_and_innermost_frames() {
        let raw = "2026-11-28 22:00:00,489 ERROR payments.api [trace=6c] charge failed order_id=853158\nTraceback (most recent call last):\n  File \"/srv/payments/api.py\", line 212, in charge\n    resp = gateway.capture(order)\n  File \"/srv/payments/gateway.py\", line 77, in capture\n    raise CardDeclined(code)\npayments.errors.CardDeclined: card declined (code 51)";
        assert_eq!(
            cluster_text(&ev(raw, "charge failed")),
            "payments.errors.CardDeclined at gateway.py:capture < api.py:charge"
        );
    }

    #[test]
    fn traceback_lines_under_a_log_header_group_like_a_bare_traceback() {
        // oslo.log (OpenStack) repeats its header before every line of a traceback.
        let h = "2017-05-16 00:00:02.551 2931 ERROR nova.compute.manager [instance: b9000564-fe1a-409b-b8cc-1e88b294cd1d] ";
        let raw = format!(
            "2017-05-16 00:00:02.551 2931 ERROR nova.compute.manager [req-3ea4 u p - - -] [instance: b9000564-fe1a-409b-b8cc-1e88b294cd1d] Instance failed to spawn\n\
             {h}Traceback (most recent call last):\n\
             {h}  File \"/usr/lib/python2.7/dist-packages/nova/compute/manager.py\", line 2218, in _build_resources\n\
             {h}    yield resources\n\
             {h}  File \"/usr/lib/python2.7/dist-packages/nova/network/neutronv2/api.py\", line 1190, in _update_port_binding\n\
             {h}    raise exception.PortBindingFailed(port_id=port_id)\n\
             {h}PortBindingFailed: Binding failed for port 8e0c, please check neutron logs for more information."
        );
        assert_eq!(
            cluster_text(&ev(&raw, "Instance failed to spawn")),
            "PortBindingFailed at api.py:_update_port_binding < manager.py:_build_resources"
        );
        // Short or indented shared prefixes are not headers.
        assert_eq!(
            shared_header(["\tat a.B(B.java:1)", "\tat a.C(C.java:2)"].into_iter()),
            0
        );
        assert_eq!(shared_header(["2017 x", "2017 y"].into_iter()), 0);
        assert_eq!(shared_header([h.trim_end()].into_iter()), 0);
    }

    /// Units counted apart (each with its own key table, put together by `finish`) give the
    /// report one unit holding the same messages gives: counts, services, examples, hole
    /// values (at most 5 distinct per hole, so exact), first and last seen, samples and
    /// assignments, with lines rebased. A unit's memo is freed at its end.
    #[test]
    fn units_counted_apart_match_one_unit() {
        let msg = |i: u64| match i % 4 {
            0 => format!("user {} logged in from 10.0.0.{}", i % 3, i % 5),
            1 => format!("disk /dev/sd{} at {}% capacity", i % 2, i % 5),
            2 => "connection reset by peer".to_string(),
            _ => format!("job {} took {} ms", i % 4, i % 3),
        };
        let run = |split: bool| {
            let c = Collector::new(true).with_samples();
            let mut accs = Vec::new();
            let mut whole = SigAcc::default();
            for unit in 0..3u64 {
                let mut acc = SigAcc::default();
                let n = 300 + 170 * unit;
                for i in 0..n {
                    let svc = ["api", "api", "db"][(i % 3) as usize];
                    let f = |line| EventFacts {
                        ts: Some(Timestamp((i + unit) as i64 * 1_000_000_000)),
                        service: Some(svc),
                        level: Some(Level::Info),
                        line,
                    };
                    if split {
                        c.add_parts(&mut acc, &msg(i + unit), f(i + 1));
                    } else {
                        c.add_parts(&mut whole, &msg(i + unit), f(1000 * unit + i + 1));
                    }
                }
                if split {
                    assert!(acc.memo.slots() > 0, "the memo is in use");
                    if unit == 1 {
                        // The end-of-unit hook; the other units leave it to `finish`.
                        c.end_unit(&mut acc);
                        assert_eq!(acc.memo.slots(), 0, "a finished unit's memo is freed");
                    }
                    acc.rebase(1000 * unit);
                    accs.push((0, acc));
                }
            }
            if !split {
                accs.push((0, whole));
            }
            let rep = c.finish(accs, &["x".to_string()]);
            let sigs: Vec<String> = rep
                .signatures
                .iter()
                .map(|s| {
                    format!(
                        "{} {} {:?} {:?} {:?} {:?} {:?} {:?}",
                        s.template,
                        s.count,
                        s.services,
                        s.examples,
                        s.holes,
                        s.first_seen,
                        s.last_seen,
                        s.sample
                    )
                })
                .collect();
            (sigs, rep.assignments, rep.events, rep.distinct_entries)
        };
        let whole = run(false);
        assert_eq!(whole.2, 300 + 470 + 640);
        assert!(whole.0.len() >= 4, "{:?}", whole.0);
        assert_eq!(run(true), whole);
    }

    /// Issue 16: an access record (a status, and a message `METHOD TARGET [HTTP/x] [STATUS]`)
    /// is clustered by its method, target and status behind the route byte; any other
    /// message as it is, a route byte of its own shown as `?`.
    #[test]
    fn access_records_are_keyed_by_method_target_and_status() {
        let access = |msg: &str, status| Event {
            status: Some(status),
            ..ev("raw", msg)
        };
        assert_eq!(
            cluster_text(&access("POST /api/v1/orders 502", 502)),
            "\u{7}POST /api/v1/orders 502"
        );
        // HAProxy's message is the request line; the status comes from its field.
        assert_eq!(
            cluster_text(&access("GET /health HTTP/1.1", 503)),
            "\u{7}GET /health 503"
        );
        assert_eq!(
            cluster_text(&access("GET https://shop.example.com/ 200", 200)),
            "\u{7}GET https://shop.example.com/ 200"
        );
        // Not the shape of an access record: its message.
        for msg in [
            "routing POST /api/v1/orders",
            "GET /a 200 took 12ms",
            "GET orders 200",
            "REST.GET.OBJECT photos/cat.jpg 404",
        ] {
            assert_eq!(cluster_text(&access(msg, 200)), msg);
        }
        assert_eq!(
            cluster_text(&ev("raw", "POST /api/v1/orders 502")),
            "POST /api/v1/orders 502",
            "no status, no route key"
        );
        assert_eq!(cluster_text(&ev("raw", "\u{7}GET / 200")), "?GET / 200");
    }

    #[test]
    fn plain_message_is_the_message() {
        assert_eq!(cluster_text(&ev("a b c", "b c")), "b c");
        assert_eq!(cluster_text(&ev("a b c", "")), "a b c");
    }

    #[test]
    fn sparkline_shapes() {
        assert_eq!(sparkline(&[0, 1, 8]), " ▁█");
        assert_eq!(sparkline(&[]), "");
    }

    #[test]
    fn histogram_resolution_is_order_independent() {
        let mut a = Histogram::default();
        let mut b = Histogram::default();
        let times: Vec<i64> = (0..1000).map(|i| i * 7 % 997 * 13).collect();
        for &t in &times {
            a.add(t, 1);
        }
        for &t in times.iter().rev() {
            b.add(t, 1);
        }
        assert_eq!(a.shift, b.shift);
        assert_eq!(a.buckets, b.buckets);
    }
}
