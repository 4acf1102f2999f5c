//! Ids and time windows -> the events of one request. `trace` starts from the given ids, finds
//! every record holding one as a whole token, adds the correlation ids those records name
//! (request -> trace -> job ...), and repeats to a fixpoint or the depth limit. `--window` then
//! adds what the services involved logged around the request's time span, marked as context.
//!
//! Hub ids: an id found on the way that joins many otherwise unrelated requests (a periodic
//! task's request id written on every VM it visits, a session id under a followed key) would
//! pull all of them in. When the records holding such an id carry more than [`HUB_MIN`]
//! distinct values of one other id key, and more than the given ids' own records do, it is not
//! followed: its records are left out (unless another followed id brings them) and it is
//! reported, with the `--follow KEY` that follows it anyway. The given ids are never hubs.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

pub mod requests;

use crate::cluster::{Miner, MinerConfig};
use crate::model::{Event, Span, Timestamp};
use crate::parse::fields::normalize_key;
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
    /// Only events in [since, until) (events without a time are kept).
    pub since: Option<Timestamp>,
    pub until: Option<Timestamp>,
    /// Keys (normalised) whose ids are followed even when they are hubs (`--follow KEY`).
    pub follow_hubs: BTreeSet<String>,
}

/// A found id is a hub when its records hold more than this many distinct values of one other
/// id key (and more than the given ids' records hold). Legitimate fan-out stays below: in the
/// checkout scenarios (1,500 requests over 7 services) every followed id's records hold one
/// value of each other key; a trace through 7 services that each mint their own request id
/// would hold 7; a multi-create of a few VMs holds a few instance ids. Periodic tasks, batch
/// jobs and sessions reach tens to thousands.
pub const HUB_MIN: usize = 8;

/// An id not followed because it joins many requests.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct HubId {
    pub id: String,
    /// The key it was written under where it was first found.
    pub key: String,
    /// The other id key whose values it joins (as written), and how many distinct ones.
    pub joins_key: String,
    pub joins: usize,
    pub hop: u32,
    /// `source:line` of the event that named it first.
    pub found_in: String,
}

/// Remote sources searched with the files: each round's new ids go to each as one query.
pub struct RemoteSearch<'a> {
    pub remotes: &'a mut [crate::remote::Remote],
    pub range: crate::remote::TimeRange,
    pub limit: usize,
    pub tz: Option<&'a jiff::tz::TimeZone>,
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
    /// Ids searched and found to join many requests: not followed (see [`HUB_MIN`]).
    pub hubs: Vec<HubId>,
    pub rounds: u32,
    pub reports: Vec<SourceReport>,
    /// Remote pulls that did not finish, one per failure (exit code 2).
    pub remote_problems: Vec<crate::source::Problem>,
}

struct MatchVisitor<'a> {
    parser: &'a Parser,
    prefilter: Prefilter,
    _ids: &'a [String],
}

impl Visitor for MatchVisitor<'_> {
    /// Each record with the indices of the ids it holds as whole tokens.
    type Acc = Vec<(Event, Vec<usize>)>;
    fn new_acc(&self) -> Self::Acc {
        Vec::new()
    }
    fn prefilter(&self) -> Option<&Prefilter> {
        Some(&self.prefilter)
    }
    fn visit(&self, acc: &mut Self::Acc, ev: RawEvent<'_>) {
        let mut held = Vec::new();
        self.prefilter.matched(ev.bytes, &mut held);
        let e = ev.to_event(self.parser);
        acc.push((e, held));
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
        if let Some(p) = ev.peek(self.parser) {
            if p.ts < self.from
                || p.ts > self.until
                || !p.service.is_some_and(|s| self.services.contains(s))
            {
                return;
            }
        }
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

/// Tells apart the records of one line (a CloudTrail file holds many per line): 0 for a line's
/// only record.
fn record_in_line(e: &Event) -> u64 {
    if &*e.dialect != "cloudtrail" {
        return 0;
    }
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    e.raw.hash(&mut h);
    h.finish() | 1
}

fn input_index(inputs: &[Input]) -> BTreeMap<Arc<str>, usize> {
    inputs
        .iter()
        .enumerate()
        .map(|(i, inp)| (inp.display.clone(), i))
        .collect()
}

/// A record found in a round: the event, the id that brought it in, and for a remote record
/// its key (input past the files, arrival number).
type Found = (Event, Option<String>, Option<(usize, u64)>);

/// One search's state across rounds: what it has found and what it follows next.
struct TraceState {
    known: BTreeMap<String, FollowedId>,
    frontier: Vec<String>,
    found: BTreeMap<(usize, u64, u64), TracedEvent>,
    not_followed: BTreeMap<String, FollowedId>,
    hubs: Vec<HubId>,
    /// Per other key (normalised): the most distinct values the given ids' records hold.
    seed_counts: BTreeMap<String, usize>,
    rounds: u32,
}

impl TraceState {
    fn new(seeds: &[String]) -> TraceState {
        let mut known: BTreeMap<String, FollowedId> = BTreeMap::new();
        let mut frontier: Vec<String> = Vec::new();
        for s in seeds {
            if s.is_empty() || known.contains_key(s) {
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
        TraceState {
            known,
            frontier,
            found: BTreeMap::new(),
            not_followed: BTreeMap::new(),
            hubs: Vec::new(),
            seed_counts: BTreeMap::new(),
            rounds: 0,
        }
    }

    /// Take in the records this round's ids found (filtered to the query's range), decide
    /// which found ids are hubs, and make the next round's frontier.
    fn absorb(
        &mut self,
        mut batch: Vec<Found>,
        hop: u32,
        q: &TraceQuery,
        parser: &Parser,
        index: &BTreeMap<Arc<str>, usize>,
    ) {
        let frontier = std::mem::take(&mut self.frontier);
        let cooc = co_occurrences(&frontier, &batch);
        if hop == 0 {
            for (_, keys) in cooc.iter() {
                for (k, (_, vals)) in keys {
                    let n = self.seed_counts.entry(k.clone()).or_default();
                    *n = (*n).max(vals.len());
                }
            }
        } else {
            for (id, keys) in &cooc {
                let Some(f) = self.known.get(*id) else {
                    continue;
                };
                let Some(key) = &f.key else { continue };
                if q.follow_hubs.contains(&normalize_key(key)) {
                    continue;
                }
                let widest = keys
                    .iter()
                    .map(|(k, (shown, vals))| (vals.len(), k, shown))
                    .filter(|&(n, k, _)| {
                        n > HUB_MIN && n > self.seed_counts.get(k).copied().unwrap_or(0)
                    })
                    .max_by(|a, b| a.0.cmp(&b.0).then_with(|| b.1.cmp(a.1)));
                if let Some((n, _, shown)) = widest {
                    self.hubs.push(HubId {
                        id: id.to_string(),
                        key: key.clone(),
                        joins_key: shown.clone(),
                        joins: n,
                        hop: f.hop,
                        found_in: f.found_in.clone().unwrap_or_default(),
                    });
                }
            }
        }
        let new_hubs: BTreeSet<String> = self
            .hubs
            .iter()
            .filter(|h| h.hop == hop)
            .map(|h| h.id.clone())
            .collect();
        if !new_hubs.is_empty() {
            for h in &new_hubs {
                self.known.remove(h);
            }
            // A hub's records stay only when another id of this round brings them.
            let others: Vec<&String> = frontier.iter().filter(|i| !new_hubs.contains(*i)).collect();
            let others_pf = Prefilter::new(&others);
            batch.retain_mut(|(e, via, _)| {
                if via.as_ref().is_none_or(|v| !new_hubs.contains(v)) {
                    return true;
                }
                let raw = e.raw.as_bytes();
                if !others_pf.as_ref().is_some_and(|p| p.matches(raw)) {
                    return false;
                }
                *via = others
                    .iter()
                    .find(|id| Prefilter::new(&[id.as_bytes()]).is_some_and(|p| p.matches(raw)))
                    .map(|id| id.to_string());
                via.is_some()
            });
        }
        let mut next = Vec::new();
        for (e, via, remote_key) in batch {
            let idx = index.get(&e.source).copied().unwrap_or(usize::MAX);
            let key = remote_key.map_or((idx, e.line, record_in_line(&e)), |(i, n)| (i, n, 0));
            let idx = key.0;
            if self.found.contains_key(&key) {
                continue;
            }
            for (k, id) in parser.follow_ids(&e) {
                if self.known.contains_key(id)
                    || self.not_followed.contains_key(id)
                    || self.hubs.iter().any(|h| h.id == id)
                {
                    continue;
                }
                let f = FollowedId {
                    id: id.to_string(),
                    key: Some(k.to_string()),
                    hop: hop + 1,
                    found_in: Some(e.location()),
                };
                if hop < q.max_depth {
                    self.known.insert(id.to_string(), f);
                    next.push(id.to_string());
                } else {
                    self.not_followed.insert(id.to_string(), f);
                }
            }
            self.found.insert(
                key,
                TracedEvent {
                    via: via.map(|id| Via {
                        hop: self.known.get(&id).map_or(hop, |f| f.hop),
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
        self.frontier = next;
    }
}

/// Remote records have no line: they are keyed by (input past the files, arrival number).
/// The arrival count and the pulls that did not finish, across calls.
#[derive(Default)]
struct RemoteTally {
    seq: u64,
    problems: Vec<crate::source::Problem>,
}

/// What [`trace_many`] gives for each search, before `--window` and signatures.
struct Traced {
    state: TraceState,
}

/// Several searches at once (`requests` completes each candidate request with one), sharing
/// each round's reading: the ids of every search's frontier go into one prefilter, and each
/// record found goes to every search one of whose frontier ids it holds. Each search's result
/// is exactly what [`trace`] gives for its seeds alone (without `--window`): same rounds, same
/// hub rule, same `via`.
fn trace_many(
    inputs: &[Input],
    parser: &Parser,
    opts: &ReadOptions,
    q: &TraceQuery,
    seeds: &[Vec<String>],
    mut remote: Option<&mut RemoteSearch<'_>>,
    tally: &mut RemoteTally,
) -> (Vec<Traced>, Vec<SourceReport>) {
    let RemoteTally {
        seq: remote_seq,
        problems: remote_problems,
    } = tally;
    let index = input_index(inputs);
    let in_range = |e: &Event| {
        e.ts.is_none_or(|t| q.since.is_none_or(|s| t >= s) && q.until.is_none_or(|u| t < u))
    };
    let mut states: Vec<TraceState> = seeds.iter().map(|s| TraceState::new(s)).collect();
    let mut reports = Vec::new();
    let mut hop = 0u32;
    loop {
        // The union of the frontiers, and which searches each id belongs to.
        // In the frontiers' own order (what a remote query lists), and sorted for lookups.
        let mut ordered: Vec<String> = Vec::new();
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        for id in states.iter().flat_map(|s| s.frontier.iter()) {
            if seen.insert(id) {
                ordered.push(id.clone());
            }
        }
        drop(seen);
        let mut union = ordered.clone();
        union.sort();
        union.dedup();
        if union.is_empty() {
            break;
        }
        let Some(prefilter) = Prefilter::new(&union) else {
            break;
        };
        let mut owners: Vec<Vec<usize>> = vec![Vec::new(); union.len()];
        for (si, s) in states.iter_mut().enumerate() {
            if s.frontier.is_empty() {
                continue;
            }
            s.rounds += 1;
            for id in &s.frontier {
                if let Ok(i) = union.binary_search(id) {
                    owners[i].push(si);
                }
            }
        }
        let v = MatchVisitor {
            parser,
            prefilter,
            _ids: &union,
        };
        let (accs, reps) = if inputs.is_empty() {
            (Vec::new(), Vec::new())
        } else {
            read_sources(inputs, parser, opts, &v)
        };
        if reports.is_empty() {
            reports = reps;
        }
        let mut batches: Vec<Vec<Found>> = vec![Vec::new(); states.len()];
        // Which search a record goes to, and the id that brought it in there: the first id of
        // that search's frontier (in its order) the record holds.
        // `named`: ids a remote record holds only in a field, tried after the whole tokens.
        let mut deal =
            |e: Event, held: &[usize], named: &[usize], remote_key: Option<(usize, u64)>| {
                let mut to: Vec<usize> = held
                    .iter()
                    .chain(named)
                    .flat_map(|&i| owners[i].iter().copied())
                    .collect();
                to.sort_unstable();
                to.dedup();
                let n = to.len();
                let mut e = Some(e);
                for (k, si) in to.into_iter().enumerate() {
                    let holds = |set: &[usize]| {
                        states[si]
                            .frontier
                            .iter()
                            .find(|id| union.binary_search(id).is_ok_and(|i| set.contains(&i)))
                            .cloned()
                    };
                    let via = holds(held).or_else(|| holds(named));
                    let ev = if k + 1 == n {
                        e.take().expect("moved once")
                    } else {
                        e.as_ref().expect("still here").clone()
                    };
                    batches[si].push((ev, via, remote_key));
                }
            };
        for (e, held) in accs.into_iter().flat_map(|(_, a)| a) {
            if in_range(&e) {
                deal(e, &held, &[], None);
            }
        }
        if let Some(r) = remote.as_mut() {
            let remote_pf = Prefilter::new(&union);
            for (ri, rem) in r.remotes.iter_mut().enumerate() {
                let query = crate::remote::Query {
                    ids: Some(&ordered),
                    range: r.range,
                    limit: r.limit,
                };
                let b = rem.pull(&query, parser, r.tz);
                if let Some(why) = &b.incomplete {
                    remote_problems.push(rem.problem(why));
                }
                for e in b.events {
                    // Engines match inside tokens too (wildcards); keep whole-token matches,
                    // as for files, and records naming an id in a field.
                    let mut held: Vec<usize> = Vec::new();
                    if let Some(pf) = &remote_pf {
                        pf.matched(e.raw.as_bytes(), &mut held);
                    }
                    let mut named: Vec<usize> = Vec::new();
                    for v in e.ids.values() {
                        if let Ok(i) = union.binary_search(v) {
                            if !held.contains(&i) && !named.contains(&i) {
                                named.push(i);
                            }
                        }
                    }
                    if held.is_empty() && named.is_empty() {
                        continue;
                    }
                    *remote_seq += 1;
                    if in_range(&e) {
                        deal(e, &held, &named, Some((inputs.len() + ri, *remote_seq)));
                    }
                }
            }
        }
        for (s, batch) in states.iter_mut().zip(batches) {
            if !s.frontier.is_empty() {
                s.absorb(batch, hop, q, parser, &index);
            }
        }
        hop += 1;
    }
    (
        states.into_iter().map(|state| Traced { state }).collect(),
        reports,
    )
}

/// Follow the query's ids through the inputs (and remote sources, when given).
pub fn trace(
    inputs: &[Input],
    parser: &Parser,
    opts: &ReadOptions,
    q: &TraceQuery,
    mut remote: Option<RemoteSearch<'_>>,
) -> TraceResult {
    let index = input_index(inputs);
    let mut tally = RemoteTally::default();
    let (mut traced, reports) = trace_many(
        inputs,
        parser,
        opts,
        q,
        std::slice::from_ref(&q.seeds),
        remote.as_mut(),
        &mut tally,
    );
    let RemoteTally {
        seq: mut remote_seq,
        problems: mut remote_problems,
    } = tally;
    let TraceState {
        known,
        mut found,
        not_followed,
        hubs,
        rounds,
        ..
    } = traced.pop().expect("one search").state;

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
            let (accs, _) = if inputs.is_empty() {
                (Vec::new(), Vec::new())
            } else {
                let bounded = ReadOptions {
                    bound: Some(crate::source::TimeBound {
                        since: Some(v.from),
                        until: Some(v.until),
                    }),
                    ..opts.clone()
                };
                read_sources(inputs, parser, &bounded, &v)
            };
            for e in accs.into_iter().flat_map(|(_, a)| a) {
                let idx = index.get(&e.source).copied().unwrap_or(usize::MAX);
                found
                    .entry((idx, e.line, record_in_line(&e)))
                    .or_insert(TracedEvent {
                        event: e,
                        via: None,
                        context: true,
                        input: idx,
                        signature: None,
                        known_issue: None,
                    });
            }
            // Remote context: the same window pulled from each engine, filtered to the
            // services involved; records already found are recognised by source and text.
            if let Some(r) = remote.as_mut() {
                let seen: BTreeSet<(String, String)> = found
                    .values()
                    .filter(|t| t.event.line == 0)
                    .map(|t| (t.event.source.to_string(), t.event.raw.clone()))
                    .collect();
                let range = crate::remote::TimeRange {
                    since: Timestamp(a.0.saturating_sub(w)),
                    until: Timestamp(b.0.saturating_add(w).saturating_add(1)),
                    defaulted: false,
                };
                for (ri, rem) in r.remotes.iter_mut().enumerate() {
                    let query = crate::remote::Query {
                        ids: None,
                        range,
                        limit: r.limit,
                    };
                    let batch = rem.pull(&query, parser, r.tz);
                    if let Some(why) = &batch.incomplete {
                        remote_problems.push(rem.problem(why));
                    }
                    for e in batch.events {
                        let keep = e.service.as_ref().is_some_and(|s| services.contains(s))
                            && !seen.contains(&(e.source.to_string(), e.raw.clone()));
                        if keep {
                            remote_seq += 1;
                            let idx = inputs.len() + ri;
                            found.insert(
                                (idx, remote_seq, 0),
                                TracedEvent {
                                    event: e,
                                    via: None,
                                    context: true,
                                    input: idx,
                                    signature: None,
                                    known_issue: None,
                                },
                            );
                        }
                    }
                }
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
        hubs,
        rounds,
        reports,
        remote_problems,
    }
}

/// Does this id key name one record or one thread rather than a unit of work (a span, an
/// event, a thread)? Its values differ from record to record within any one request, so they
/// say nothing about how many requests an id joins.
fn per_record_key(norm: &str) -> bool {
    norm.contains("span")
        || norm.contains("thread")
        || norm.contains("process")
        || norm.ends_with("parentid")
        || matches!(
            norm,
            "traceparent" | "eventid" | "logid" | "recordid" | "lineid" | "seqid" | "sequenceid"
        )
}

/// Each frontier id -> per other id key (normalised): the key as first written and the
/// distinct values held by the records holding the id (as a parsed id value or, for the id that
/// brought the record in, anywhere in it). The id's own value is not counted.
type CoOccurrences<'f> = BTreeMap<&'f str, BTreeMap<String, (String, BTreeSet<String>)>>;

fn co_occurrences<'f>(frontier: &'f [String], batch: &[Found]) -> CoOccurrences<'f> {
    let wanted: BTreeSet<&str> = frontier.iter().map(String::as_str).collect();
    let mut out: CoOccurrences<'f> = BTreeMap::new();
    for (e, via, _) in batch {
        let mut held: BTreeSet<&'f str> = e
            .ids
            .values()
            .filter_map(|v| wanted.get(v.as_str()).copied())
            .collect();
        if let Some(v) = via.as_deref().and_then(|v| wanted.get(v).copied()) {
            held.insert(v);
        }
        for id in held {
            let keys = out.entry(id).or_default();
            for (k, v) in &e.ids {
                let n = normalize_key(k);
                if v == id || per_record_key(&n) {
                    continue;
                }
                keys.entry(n)
                    .or_insert_with(|| (k.clone(), BTreeSet::new()))
                    .1
                    .insert(v.clone());
            }
        }
    }
    out
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
