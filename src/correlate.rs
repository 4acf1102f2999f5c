//! Ids and time windows -> the events of one request. `trace` starts from the given ids, finds
//! every record holding one as a whole token, adds the correlation ids those records name
//! (request -> trace -> job ...), and repeats to a fixpoint or the depth limit. `--window` then
//! adds what the services involved logged around the request's time span, marked as context.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::cluster::{Miner, MinerConfig};
use crate::model::{Event, Span, Timestamp};
use crate::parse::Parser;
use crate::signatures::cluster_text;
use crate::source::{read_sources, Input, Prefilter, RawEvent, ReadOptions, SourceReport, Visitor};

/// What to look for.
#[derive(Clone, Debug)]
pub struct TraceQuery {
    pub seeds: Vec<String>,
    /// How many hops of following: ids found `max_depth` hops away are still searched.
    pub max_depth: u32,
    /// Context around the request's span, in nanoseconds.
    pub window_ns: Option<i64>,
}

/// How an event was reached.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Via {
    pub id: String,
    pub hop: u32,
}

#[derive(Clone, Debug)]
pub struct TracedEvent {
    pub event: Event,
    pub via: Option<Via>,
    /// Added only by `--window`.
    pub context: bool,
    /// Index of the input, for a stable order.
    pub input: usize,
    /// The signature id of the event among the events found (see `signatures`).
    pub signature: Option<String>,
    /// The known issue this event matches, if any (`known-issues.toml`).
    pub known_issue: Option<crate::known_issues::KnownIssueRef>,
}

/// An id that joined the search.
#[derive(Clone, Debug, serde::Serialize)]
pub struct FollowedId {
    pub id: String,
    /// The key it was written under where it was first found (`trace.id`); `null` for seeds.
    pub key: Option<String>,
    pub hop: u32,
    /// `source:line` of the event that named it first; `null` for seeds.
    pub found_in: Option<String>,
}

#[derive(Debug)]
pub struct TraceResult {
    pub events: Vec<TracedEvent>,
    pub followed: Vec<FollowedId>,
    /// Ids found beyond the depth limit and not searched.
    pub not_followed: Vec<FollowedId>,
    pub rounds: u32,
    pub reports: Vec<SourceReport>,
}

struct MatchVisitor<'a> {
    parser: &'a Parser,
    prefilter: Prefilter,
    ids: &'a [String],
}

impl Visitor for MatchVisitor<'_> {
    type Acc = Vec<(Event, Option<String>)>;
    fn new_acc(&self) -> Self::Acc {
        Vec::new()
    }
    fn prefilter(&self) -> Option<&Prefilter> {
        Some(&self.prefilter)
    }
    fn visit(&self, acc: &mut Self::Acc, ev: RawEvent<'_>) {
        let e = ev.to_event(self.parser);
        // Which id brought it in: the first one, in query order, present as a whole token.
        let via = self
            .ids
            .iter()
            .find(|id| Prefilter::new(&[id.as_bytes()]).is_some_and(|p| p.matches(ev.bytes)))
            .cloned();
        acc.push((e, via));
    }
    fn rebase(&self, acc: &mut Self::Acc, base: u64) {
        for (e, _) in acc {
            e.line += base;
        }
    }
}

/// Every record of the given services within a time span (for `--window`).
struct WindowVisitor<'a> {
    parser: &'a Parser,
    services: &'a BTreeSet<String>,
    from: Timestamp,
    until: Timestamp,
}

impl Visitor for WindowVisitor<'_> {
    type Acc = Vec<Event>;
    fn new_acc(&self) -> Self::Acc {
        Vec::new()
    }
    fn visit(&self, acc: &mut Self::Acc, ev: RawEvent<'_>) {
        let e = ev.to_event(self.parser);
        if let (Some(ts), Some(svc)) = (e.ts, &e.service) {
            if ts >= self.from && ts <= self.until && self.services.contains(svc) {
                acc.push(e);
            }
        }
    }
    fn rebase(&self, acc: &mut Self::Acc, base: u64) {
        for e in acc {
            e.line += base;
        }
    }
}

fn input_index(inputs: &[Input]) -> BTreeMap<Arc<str>, usize> {
    inputs
        .iter()
        .enumerate()
        .map(|(i, inp)| (inp.display.clone(), i))
        .collect()
}

/// Follow the query's ids through the inputs.
pub fn trace(inputs: &[Input], parser: &Parser, opts: &ReadOptions, q: &TraceQuery) -> TraceResult {
    let index = input_index(inputs);
    let mut known: BTreeMap<String, FollowedId> = BTreeMap::new();
    let mut frontier: Vec<String> = Vec::new();
    for s in &q.seeds {
        if known.contains_key(s) {
            continue;
        }
        known.insert(
            s.clone(),
            FollowedId {
                id: s.clone(),
                key: None,
                hop: 0,
                found_in: None,
            },
        );
        frontier.push(s.clone());
    }
    let mut found: BTreeMap<(usize, u64), TracedEvent> = BTreeMap::new();
    let mut reports = Vec::new();
    let mut not_followed: BTreeMap<String, FollowedId> = BTreeMap::new();
    let mut rounds = 0;
    let mut hop = 0u32;
    while !frontier.is_empty() {
        rounds += 1;
        let Some(prefilter) = Prefilter::new(&frontier) else {
            break;
        };
        let v = MatchVisitor {
            parser,
            prefilter,
            ids: &frontier,
        };
        let (accs, reps) = read_sources(inputs, parser, opts, &v);
        if reports.is_empty() {
            reports = reps;
        }
        let mut next = Vec::new();
        for (e, via) in accs.into_iter().flat_map(|(_, a)| a) {
            let idx = index.get(&e.source).copied().unwrap_or(usize::MAX);
            let key = (idx, e.line);
            if found.contains_key(&key) {
                continue;
            }
            for (k, id) in parser.follow_ids(&e) {
                if known.contains_key(id) || not_followed.contains_key(id) {
                    continue;
                }
                let f = FollowedId {
                    id: id.to_string(),
                    key: Some(k.to_string()),
                    hop: hop + 1,
                    found_in: Some(format!("{}:{}", e.source, e.line)),
                };
                if hop < q.max_depth {
                    known.insert(id.to_string(), f);
                    next.push(id.to_string());
                } else {
                    not_followed.insert(id.to_string(), f);
                }
            }
            found.insert(
                key,
                TracedEvent {
                    via: via.map(|id| Via {
                        hop: known.get(&id).map_or(hop, |f| f.hop),
                        id,
                    }),
                    event: e,
                    context: false,
                    input: idx,
                    signature: None,
                    known_issue: None,
                },
            );
        }
        next.sort();
        next.dedup();
        frontier = next;
        hop += 1;
    }

    if let Some(w) = q.window_ns {
        let services: BTreeSet<String> = found
            .values()
            .filter_map(|t| t.event.service.clone())
            .collect();
        let span = Span::of(found.values().filter_map(|t| t.event.ts)).bounds();
        if let Some((a, b)) = span {
            let v = WindowVisitor {
                parser,
                services: &services,
                from: Timestamp(a.0.saturating_sub(w)),
                until: Timestamp(b.0.saturating_add(w)),
            };
            let (accs, _) = read_sources(inputs, parser, opts, &v);
            for e in accs.into_iter().flat_map(|(_, a)| a) {
                let idx = index.get(&e.source).copied().unwrap_or(usize::MAX);
                found.entry((idx, e.line)).or_insert(TracedEvent {
                    event: e,
                    via: None,
                    context: true,
                    input: idx,
                    signature: None,
                    known_issue: None,
                });
            }
        }
    }

    let mut events: Vec<TracedEvent> = found.into_values().collect();
    sort_timeline(&mut events);
    assign_signatures(&mut events);
    let mut followed: Vec<FollowedId> = known.into_values().collect();
    followed.sort_by(|a, b| a.hop.cmp(&b.hop).then_with(|| a.id.cmp(&b.id)));
    TraceResult {
        events,
        followed,
        not_followed: not_followed.into_values().collect(),
        rounds,
        reports,
    }
}

/// Time order; events without a timestamp keep their place after the previous event of their
/// source; ties break by input order and line, so the order is the same on every run.
pub fn sort_timeline(events: &mut [TracedEvent]) {
    // Give each undated event the time of the last dated event before it in its source.
    let mut by_source: Vec<usize> = (0..events.len()).collect();
    by_source.sort_by_key(|&i| (events[i].input, events[i].event.line));
    let mut keys = vec![i64::MIN; events.len()];
    let mut last: Option<(usize, i64)> = None;
    for &i in &by_source {
        let e = &events[i];
        let k = match e.event.ts {
            Some(t) => t.0,
            None => match last {
                Some((inp, t)) if inp == e.input => t,
                _ => i64::MIN,
            },
        };
        keys[i] = k;
        last = Some((e.input, k));
    }
    let mut order: Vec<usize> = (0..events.len()).collect();
    order.sort_by_key(|&i| (keys[i], events[i].input, events[i].event.line));
    let sorted: Vec<TracedEvent> = order.iter().map(|&i| events[i].clone()).collect();
    events.clone_from_slice(&sorted);
}

/// Give each event the signature id of its template among the events found.
pub fn assign_signatures(events: &mut [TracedEvent]) {
    let mut miner = Miner::new(MinerConfig::default());
    let ids: Vec<_> = events
        .iter()
        .map(|t| miner.add(&cluster_text(&t.event)))
        .collect();
    miner.finish();
    for (t, id) in events.iter_mut().zip(ids) {
        t.signature = miner
            .clusters()
            .get(miner.cluster_of(id))
            .map(|c| c.id.clone());
    }
}

/// Name the known issue of each event (by signature id, message or raw text).
pub fn assign_known_issues(events: &mut [TracedEvent], known: &crate::known_issues::KnownIssues) {
    if known.is_empty() {
        return;
    }
    for t in events {
        t.known_issue = known.find(
            t.signature.as_deref().unwrap_or(""),
            &t.event.message,
            &t.event.raw,
        );
    }
}
