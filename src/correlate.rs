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
    /// Only events in [since, until) (events without a time are kept).
    pub since: Option<Timestamp>,
    pub until: Option<Timestamp>,
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
    pub rounds: u32,
    pub reports: Vec<SourceReport>,
    /// Remote pulls that did not finish, one per failure (exit code 2).
    pub remote_problems: Vec<crate::source::Problem>,
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

/// A record found in a round: the event, the id that brought it in, and for a remote record
/// its key (input past the files, arrival number).
type Found = (Event, Option<String>, Option<(usize, u64)>);

/// Follow the query's ids through the inputs (and remote sources, when given).
pub fn trace(
    inputs: &[Input],
    parser: &Parser,
    opts: &ReadOptions,
    q: &TraceQuery,
    mut remote: Option<RemoteSearch<'_>>,
) -> TraceResult {
    let index = input_index(inputs);
    let mut remote_problems = Vec::new();
    // Remote events have no line: key them by (input past the files, arrival number).
    let mut remote_seq = 0u64;
    let in_range = |e: &Event| {
        e.ts.is_none_or(|t| q.since.is_none_or(|s| t >= s) && q.until.is_none_or(|u| t < u))
    };
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
        let (accs, reps) = if inputs.is_empty() {
            (Vec::new(), Vec::new())
        } else {
            read_sources(inputs, parser, opts, &v)
        };
        if reports.is_empty() {
            reports = reps;
        }
        let mut batch: Vec<Found> = accs
            .into_iter()
            .flat_map(|(_, a)| a)
            .map(|(e, via)| (e, via, None))
            .collect();
        if let Some(r) = remote.as_mut() {
            for (ri, rem) in r.remotes.iter_mut().enumerate() {
                let query = crate::remote::Query {
                    ids: Some(&frontier),
                    range: r.range,
                    limit: r.limit,
                };
                let b = rem.pull(&query, parser, r.tz);
                if let Some(why) = &b.incomplete {
                    remote_problems.push(rem.problem(why));
                }
                for e in b.events {
                    let via = frontier
                        .iter()
                        .find(|id| {
                            Prefilter::new(&[id.as_bytes()])
                                .is_some_and(|p| p.matches(e.raw.as_bytes()))
                        })
                        .or_else(|| frontier.iter().find(|id| e.ids.values().any(|v| v == *id)))
                        .cloned();
                    // Engines match inside tokens too (wildcards); keep whole-token matches,
                    // as for files.
                    if via.is_none() {
                        continue;
                    }
                    remote_seq += 1;
                    batch.push((e, via, Some((inputs.len() + ri, remote_seq))));
                }
            }
        }
        let mut next = Vec::new();
        for (e, via, remote_key) in batch {
            if !in_range(&e) {
                continue;
            }
            let idx = index.get(&e.source).copied().unwrap_or(usize::MAX);
            let key = remote_key.unwrap_or((idx, e.line));
            let idx = key.0;
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
                    found_in: Some(e.location()),
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
            let (accs, _) = if inputs.is_empty() {
                (Vec::new(), Vec::new())
            } else {
                read_sources(inputs, parser, opts, &v)
            };
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
                                (idx, remote_seq),
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
        rounds,
        reports,
        remote_problems,
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
