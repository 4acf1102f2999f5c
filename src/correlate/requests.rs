//! Events -> requests (`casefile requests`): from what a customer said (who, about when, what
//! went wrong) to the requests that match, each complete, ranked, with the id `trace` takes.
//!
//! 1. **Seeds.** The records of `[since - margin, until + margin]` (time-bounded reading) that
//!    satisfy the most selective filter given (`--where` value as a whole token, else
//!    `--grep`, `--status`, `--failed`, `--service`; else every record) are parsed, and their
//!    correlation ids (the keys `trace` follows; population keys such as user or order ids
//!    never join) are grouped: records sharing an id are one candidate request. Each candidate
//!    gets one seed id: its request-type id (`request_id`, `x-request-id`, `correlation_id`)
//!    seen first, else its trace id, else another followed id.
//! 2. **Completion.** Every seed is traced at once ([`super::trace_many`]: one reading per
//!    round for all of them), so each row holds exactly the events `casefile trace <seed>`
//!    returns over the same inputs, including those outside the range. A candidate whose seed
//!    another row already reached is the same request and is dropped.
//! 3. **Filters** then hold on the whole request: in range (any event inside `[since,
//!    until]`), every `--where` (any event), `--status`, `--failed`, `--grep`, `--service`;
//!    how many requests each removed is kept for the empty answer.
//! 4. **Ranking**: failed first, then by the distance between the request's span and the time
//!    asked about (`--around`), then by start, then by id: the same for any input order or
//!    thread count.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::{sort_timeline, trace_many, RemoteSearch, TraceQuery, TracedEvent};
use crate::cluster::{Miner, MinerConfig};
use crate::model::{format_duration_ns, Event, Level, Timestamp};
use crate::parse::fields::normalize_key;
use crate::parse::Parser;
use crate::signatures::cluster_text;
use crate::source::file::is_token_boundary;
use crate::source::{
    read_sources, Input, Prefilter, Problem, RawEvent, ReadOptions, SourceReport, TimeBound,
    Visitor,
};

/// How far outside the range asked about a record that makes a request qualify (its
/// `--where` value, its error) is looked for: a request is listed when one of its events is in
/// the range and another, up to this far out, names the user. Requests last seconds; a
/// five-minute margin also covers a slow job.
pub const DEFAULT_MARGIN_NS: i64 = 5 * 60 * 1_000_000_000;

/// `--where KEY=VALUE`.
#[derive(Clone, Debug)]
pub struct Where {
    /// As typed.
    pub key: String,
    /// [`normalize_key`]: `user.id`, `user_id` and `userId` are one key.
    pub norm: String,
    pub value: String,
}

impl Where {
    /// `KEY=VALUE`, else an error naming the form.
    pub fn parse(s: &str) -> Result<Where, String> {
        match s.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() && !v.trim().is_empty() => {
                let norm = normalize_key(k.trim());
                if norm.is_empty() {
                    return Err(format!(
                        "--where '{s}': the key has no letter or digit; give KEY=VALUE, e.g. \
                         --where user_id=4711"
                    ));
                }
                Ok(Where {
                    key: k.trim().to_string(),
                    norm,
                    value: v.trim().to_string(),
                })
            }
            _ => Err(format!(
                "--where '{s}' is not KEY=VALUE; give e.g. --where user_id=4711 (keys compare \
                 as trace compares them: user.id, user_id and userId are one key)"
            )),
        }
    }

    /// Does the event say it? The key among the event's ids (any spelling), or its service,
    /// host or level; the value equal to the field's, or a whole token of it.
    pub fn holds(&self, e: &Event) -> bool {
        let value_ok = |v: &str| {
            v == self.value
                || v.match_indices(self.value.as_str())
                    .any(|(i, m)| is_token_boundary(v.as_bytes(), i, i + m.len()))
        };
        if e.ids
            .iter()
            .any(|(k, v)| normalize_key(k) == self.norm && value_ok(v))
        {
            return true;
        }
        match self.norm.as_str() {
            "service" => e.service.as_deref().is_some_and(value_ok),
            "host" => e.host.as_deref().is_some_and(value_ok),
            "level" => e
                .level
                .is_some_and(|l| l.as_str().eq_ignore_ascii_case(&self.value)),
            _ => false,
        }
    }
}

impl std::fmt::Display for Where {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}={}", self.key, self.value)
    }
}

/// `--status 502`, `--status 5xx`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusFilter {
    Code(u16),
    /// The hundreds digit: 4 for `4xx`.
    Class(u16),
}

impl StatusFilter {
    pub fn parse(s: &str) -> Result<StatusFilter, String> {
        let t = s.trim().to_ascii_lowercase();
        let bad = || {
            format!("--status '{s}' is not an HTTP status; give a code (502) or a class (4xx, 5xx)")
        };
        if let Some(d) = t.strip_suffix("xx") {
            return match d.parse::<u16>() {
                Ok(c @ 1..=5) => Ok(StatusFilter::Class(c)),
                _ => Err(bad()),
            };
        }
        match t.parse::<u16>() {
            Ok(c @ 100..=599) => Ok(StatusFilter::Code(c)),
            _ => Err(bad()),
        }
    }
    fn holds(self, status: u16) -> bool {
        match self {
            StatusFilter::Code(c) => status == c,
            StatusFilter::Class(c) => status / 100 == c,
        }
    }
}

impl std::fmt::Display for StatusFilter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StatusFilter::Code(c) => write!(f, "{c}"),
            StatusFilter::Class(c) => write!(f, "{c}xx"),
        }
    }
}

/// What to list.
#[derive(Clone, Debug)]
pub struct RequestQuery {
    /// The range asked about, both ends included: a request is in it when one of its events is.
    pub since: Timestamp,
    pub until: Timestamp,
    /// The time the customer named (`--around`): rows are ranked by their distance to it.
    pub around: Option<Timestamp>,
    /// See [`DEFAULT_MARGIN_NS`].
    pub margin_ns: i64,
    pub wheres: Vec<Where>,
    pub failed: bool,
    pub status: Option<StatusFilter>,
    pub grep: Option<regex::bytes::Regex>,
    pub services: Vec<String>,
    pub max_depth: u32,
    pub follow_hubs: BTreeSet<String>,
}

impl RequestQuery {
    /// The range the seeds are read from.
    pub fn seed_range(&self) -> (Timestamp, Timestamp) {
        (
            Timestamp(self.since.0.saturating_sub(self.margin_ns)),
            Timestamp(self.until.0.saturating_add(self.margin_ns)),
        )
    }
}

/// A request's first error: its earliest error-level record that is not an HTTP status line,
/// else its earliest failed status line.
#[derive(Clone, Debug, serde::Serialize)]
pub struct FirstError {
    pub ts: Option<String>,
    pub service: Option<String>,
    pub message: String,
    /// The signature id of its template among the first errors listed (alike errors of two
    /// requests share it).
    pub signature: String,
    /// `source:line`.
    pub at: String,
}

/// One request.
#[derive(Clone, Debug)]
pub struct RequestRow {
    pub rank: usize,
    /// The id it was traced from: `casefile trace <request>` gives exactly `events`.
    pub request: String,
    /// Its correlation ids, by key as written, in order of first appearance.
    pub ids: BTreeMap<String, Vec<String>>,
    /// Its population ids (user, order, session...): recorded, never followed.
    pub population: BTreeMap<String, Vec<String>>,
    pub start: Option<Timestamp>,
    pub end: Option<Timestamp>,
    /// In order of first appearance.
    pub services: Vec<String>,
    pub events: Vec<TracedEvent>,
    pub failed: bool,
    /// The highest HTTP status its records state.
    pub status: Option<u16>,
    /// The worst level.
    pub level: Option<Level>,
    pub first_error: Option<FirstError>,
    /// Why it ranks where it does, for people.
    pub why: Vec<String>,
    /// Nanoseconds between its span and `--around` (0: the span holds it).
    pub distance_ns: Option<i64>,
}

/// How many candidate requests each step kept, for an answer that explains itself.
#[derive(Clone, Debug, Default)]
pub struct Funnel {
    /// Records in the seed range that satisfied the seed filter, and how many of them carry no
    /// correlation id (they cannot be grouped) or no time.
    pub seed_records: usize,
    pub seed_records_without_id: usize,
    pub records_without_time: usize,
    /// Which filter chose the seeds (`user_id=4711`, `--failed`, every record), and how far
    /// outside the range they were looked for.
    pub seed_filter: String,
    pub seed_margin_ns: i64,
    /// Distinct requests after completion.
    pub requests: usize,
    /// (filter, requests left after it), in the order applied.
    pub steps: Vec<(String, usize)>,
}

pub struct RequestsResult {
    pub rows: Vec<RequestRow>,
    pub funnel: Funnel,
    /// The seed reading's reports (files, partial reads, problems).
    pub reports: Vec<SourceReport>,
    /// Problems of the completing reads and remote pulls.
    pub problems: Vec<Problem>,
    /// The inputs' time span as read for the seeds.
    pub seen: Option<(Timestamp, Timestamp)>,
}

/// Did this event fail: error level or above, or an HTTP status of 500 or more?
pub fn event_failed(e: &Event) -> bool {
    e.level.is_some_and(|l| l >= Level::Error) || e.status.is_some_and(|s| s >= 500)
}

/// The seed filter: the most selective one given.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SeedBy {
    Where,
    Grep,
    Status,
    Failed,
    Service,
    All,
}

fn seed_by(q: &RequestQuery) -> SeedBy {
    if !q.wheres.is_empty() {
        SeedBy::Where
    } else if q.grep.is_some() {
        SeedBy::Grep
    } else if q.status.is_some() {
        SeedBy::Status
    } else if q.failed {
        SeedBy::Failed
    } else if !q.services.is_empty() {
        SeedBy::Service
    } else {
        SeedBy::All
    }
}

fn seeds_record(q: &RequestQuery, by: SeedBy, e: &Event) -> bool {
    match by {
        SeedBy::Where => q.wheres[0].holds(e),
        SeedBy::Grep => q
            .grep
            .as_ref()
            .is_some_and(|re| re.is_match(e.raw.as_bytes())),
        SeedBy::Status => e
            .status
            .is_some_and(|s| q.status.is_some_and(|f| f.holds(s))),
        SeedBy::Failed => event_failed(e),
        SeedBy::Service => e
            .service
            .as_ref()
            .is_some_and(|s| q.services.iter().any(|x| x == s)),
        SeedBy::All => true,
    }
}

/// A record that makes a request qualify: its time and its followed ids (key, value).
#[derive(Clone, Debug)]
struct Seed {
    ts: Timestamp,
    ids: Vec<(String, String)>,
}

#[derive(Default)]
struct SeedAcc {
    seeds: Vec<Seed>,
    without_id: usize,
    without_time: usize,
    span: Option<(Timestamp, Timestamp)>,
}

struct SeedVisitor<'a> {
    parser: &'a Parser,
    q: &'a RequestQuery,
    by: SeedBy,
    from: Timestamp,
    to: Timestamp,
    prefilter: Option<Prefilter>,
}

impl SeedVisitor<'_> {
    fn take(&self, acc: &mut SeedAcc, e: &Event) {
        let Some(ts) = e.ts else {
            acc.without_time += 1;
            return;
        };
        acc.span = Some(acc.span.map_or((ts, ts), |(a, b)| (a.min(ts), b.max(ts))));
        if ts < self.from || ts > self.to || !seeds_record(self.q, self.by, e) {
            return;
        }
        let ids: Vec<(String, String)> = self
            .parser
            .follow_ids(e)
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        if ids.is_empty() {
            acc.without_id += 1;
        }
        acc.seeds.push(Seed { ts, ids });
    }
}

impl Visitor for SeedVisitor<'_> {
    type Acc = SeedAcc;
    fn new_acc(&self) -> SeedAcc {
        SeedAcc::default()
    }
    fn prefilter(&self) -> Option<&Prefilter> {
        self.prefilter.as_ref()
    }
    fn visit(&self, acc: &mut SeedAcc, ev: RawEvent<'_>) {
        if let Some(p) = ev.peek(self.parser) {
            if p.ts < self.from || p.ts > self.to {
                return;
            }
            if self.by == SeedBy::Service
                && !p
                    .service
                    .is_some_and(|s| self.q.services.iter().any(|x| x == s))
            {
                return;
            }
        }
        let e = ev.to_event(self.parser);
        self.take(acc, &e);
    }
    fn rebase(&self, _acc: &mut SeedAcc, _base: u64) {}
}

/// How much a key says "this is one request" ([`crate::parse::fields::request_rank`]).
fn key_rank(key: &str) -> u8 {
    crate::parse::fields::request_rank(&normalize_key(key))
}

/// Union-find over the seeds' ids: each group's seed id, best first.
fn seed_ids(seeds: &mut [Seed]) -> Vec<String> {
    seeds.sort_by(|a, b| a.ts.cmp(&b.ts).then_with(|| a.ids.cmp(&b.ids)));
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut parent: Vec<usize> = Vec::new();
    fn find(p: &mut [usize], mut i: usize) -> usize {
        while p[i] != i {
            p[i] = p[p[i]];
            i = p[i];
        }
        i
    }
    for s in seeds.iter() {
        let mut first: Option<usize> = None;
        for (_, v) in &s.ids {
            let i = *index.entry(v.as_str()).or_insert_with(|| {
                parent.push(parent.len());
                parent.len() - 1
            });
            match first {
                None => first = Some(i),
                Some(f) => {
                    let (a, b) = (find(&mut parent, f), find(&mut parent, i));
                    if a != b {
                        parent[b.max(a)] = a.min(b);
                    }
                }
            }
        }
    }
    // Per group: the best (rank, time, id) of its ids.
    let mut best: BTreeMap<usize, (u8, Timestamp, String)> = BTreeMap::new();
    for s in seeds.iter() {
        for (k, v) in &s.ids {
            let g = find(&mut parent, index[v.as_str()]);
            let cand = (key_rank(k), s.ts, v.clone());
            let e = best.entry(g).or_insert_with(|| cand.clone());
            if cand < *e {
                *e = cand;
            }
        }
    }
    let mut out: Vec<(u8, Timestamp, String)> = best.into_values().collect();
    out.sort();
    out.into_iter().map(|(_, _, id)| id).collect()
}

/// List the requests the query asks for.
pub fn requests(
    inputs: &[Input],
    parser: &Parser,
    opts: &ReadOptions,
    q: &RequestQuery,
    mut remote: Option<RemoteSearch<'_>>,
) -> RequestsResult {
    let by = seed_by(q);
    // Without a filter a request qualifies by an event in the range alone, and that event
    // seeds it: no margin is needed.
    let (from, to) = if by == SeedBy::All {
        (q.since, q.until)
    } else {
        q.seed_range()
    };
    let prefilter = match by {
        SeedBy::Where => Prefilter::new(&[q.wheres[0].value.as_bytes()]),
        _ => None,
    };
    let v = SeedVisitor {
        parser,
        q,
        by,
        from,
        to,
        prefilter,
    };
    let seed_opts = ReadOptions {
        bound: Some(TimeBound {
            since: Some(from),
            until: Some(to),
        }),
        ..opts.clone()
    };
    let (accs, reports) = if inputs.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        read_sources(inputs, parser, &seed_opts, &v)
    };
    let mut acc = SeedAcc::default();
    for (_, a) in accs {
        acc.seeds.extend(a.seeds);
        acc.without_id += a.without_id;
        acc.without_time += a.without_time;
        if let Some((a0, b0)) = a.span {
            acc.span = Some(acc.span.map_or((a0, b0), |(x, y)| (x.min(a0), y.max(b0))));
        }
    }
    let mut problems = Vec::new();
    // Remote sources: the range and the first `--where` value pushed down.
    if let Some(r) = remote.as_mut() {
        let terms: Vec<String> = match by {
            SeedBy::Where => vec![q.wheres[0].value.clone()],
            _ => Vec::new(),
        };
        let range = crate::remote::TimeRange {
            since: from,
            until: Timestamp(to.0.saturating_add(1)),
            defaulted: false,
        };
        for rem in r.remotes.iter_mut() {
            let query = crate::remote::Query {
                ids: (!terms.is_empty()).then_some(&terms[..]),
                range,
                limit: r.limit,
            };
            let b = rem.pull(&query, parser, r.tz);
            if let Some(why) = &b.incomplete {
                problems.push(rem.problem(why));
            }
            for e in b.events {
                v.take(&mut acc, &e);
            }
            // The completing rounds need these records again.
            rem.forget_seen();
        }
    }
    let mut funnel = Funnel {
        seed_records: acc.seeds.len(),
        seed_records_without_id: acc.without_id,
        records_without_time: acc.without_time,
        seed_filter: match by {
            SeedBy::Where => q.wheres[0].to_string(),
            SeedBy::Grep => "--grep".into(),
            SeedBy::Status => format!("--status {}", q.status.expect("status")),
            SeedBy::Failed => "--failed".into(),
            SeedBy::Service => "--service".into(),
            SeedBy::All => "every record".into(),
        },
        seed_margin_ns: if by == SeedBy::All { 0 } else { q.margin_ns },
        ..Default::default()
    };
    let seeds = seed_ids(&mut acc.seeds);

    // Completion: each seed traced, all in the same rounds.
    let tq = TraceQuery {
        seeds: Vec::new(),
        max_depth: q.max_depth,
        window_ns: None,
        since: None,
        until: None,
        follow_hubs: q.follow_hubs.clone(),
    };
    let groups: Vec<Vec<String>> = seeds.iter().map(|s| vec![s.clone()]).collect();
    let mut tally = super::RemoteTally::default();
    let (traced, _) = trace_many(
        inputs,
        parser,
        opts,
        &tq,
        &groups,
        remote.as_mut(),
        &mut tally,
    );
    problems.extend(tally.problems);
    let mut claimed: BTreeSet<String> = BTreeSet::new();
    let mut rows = Vec::new();
    // Per row: the records found, to compare with another id's trace.
    let mut found_keys: Vec<BTreeSet<RecordKey>> = Vec::new();
    for (seed, t) in seeds.into_iter().zip(traced) {
        if claimed.contains(&seed) || t.state.found.is_empty() {
            continue;
        }
        claimed.extend(t.state.known.keys().cloned());
        found_keys.push(t.state.found.values().map(record_key).collect());
        let mut events: Vec<TracedEvent> = t.state.found.into_values().collect();
        sort_timeline(&mut events);
        rows.push(row_of(parser, seed, events));
    }
    funnel.requests = rows.len();
    rename_by_request_ids(
        inputs,
        parser,
        opts,
        &tq,
        &mut rows,
        &found_keys,
        remote.as_mut(),
        &mut problems,
    );

    // Filters over whole requests.
    let in_range = |r: &RequestRow| {
        r.events
            .iter()
            .any(|t| t.event.ts.is_some_and(|ts| ts >= q.since && ts <= q.until))
    };
    rows.retain(in_range);
    funnel.steps.push(("in range".into(), rows.len()));
    for w in &q.wheres {
        rows.retain(|r| r.events.iter().any(|t| w.holds(&t.event)));
        funnel.steps.push((w.to_string(), rows.len()));
    }
    if let Some(f) = q.status {
        rows.retain(|r| {
            r.events
                .iter()
                .any(|t| t.event.status.is_some_and(|s| f.holds(s)))
        });
        funnel.steps.push((format!("status {f}"), rows.len()));
    }
    if q.failed {
        rows.retain(|r| r.failed);
        funnel.steps.push(("failed".into(), rows.len()));
    }
    if let Some(re) = &q.grep {
        rows.retain(|r| r.events.iter().any(|t| re.is_match(t.event.raw.as_bytes())));
        funnel
            .steps
            .push((format!("--grep {}", re.as_str()), rows.len()));
    }
    if !q.services.is_empty() {
        rows.retain(|r| r.services.iter().any(|s| q.services.contains(s)));
        funnel
            .steps
            .push((format!("service {}", q.services.join(",")), rows.len()));
    }

    name_first_errors(&mut rows);
    rank(&mut rows, q);
    RequestsResult {
        rows,
        funnel,
        reports,
        problems,
        seen: acc.span,
    }
}

/// A record as two traces can compare it: source and line for a file's, source and text for a
/// remote one's (its arrival number differs from pull to pull).
type RecordKey = (String, u64, String);

fn record_key(t: &TracedEvent) -> RecordKey {
    let e = &t.event;
    let text = if e.line == 0 || &*e.dialect == "cloudtrail" {
        e.raw.clone()
    } else {
        String::new()
    };
    (e.source.to_string(), e.line, text)
}

/// A row found from a trace id or a job id (the records naming the user carried no request
/// id) takes the request's own request id, seen first in time, when tracing from that id finds
/// exactly the same records: the id `trace` is then given is the one the edge and the gateway
/// wrote. Otherwise it keeps the id it was found from.
#[allow(clippy::too_many_arguments)]
fn rename_by_request_ids(
    inputs: &[Input],
    parser: &Parser,
    opts: &ReadOptions,
    tq: &TraceQuery,
    rows: &mut [RequestRow],
    found_keys: &[BTreeSet<RecordKey>],
    remote: Option<&mut RemoteSearch<'_>>,
    problems: &mut Vec<Problem>,
) {
    let mut wanted: Vec<(usize, String)> = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let seed_rank = r
            .ids
            .iter()
            .find(|(_, vs)| vs.contains(&r.request))
            .map_or(2, |(k, _)| key_rank(k));
        if seed_rank == 0 {
            continue;
        }
        let first = r.events.iter().find_map(|t| {
            parser
                .follow_ids(&t.event)
                .find(|(k, _)| key_rank(k) == 0)
                .map(|(_, v)| v.to_string())
        });
        if let Some(id) = first.filter(|id| *id != r.request) {
            wanted.push((i, id));
        }
    }
    if wanted.is_empty() {
        return;
    }
    let groups: Vec<Vec<String>> = wanted.iter().map(|(_, id)| vec![id.clone()]).collect();
    let mut remote = remote;
    if let Some(r) = remote.as_mut() {
        for rem in r.remotes.iter_mut() {
            rem.forget_seen();
        }
    }
    let mut tally = super::RemoteTally::default();
    let (traced, _) = trace_many(inputs, parser, opts, tq, &groups, remote, &mut tally);
    problems.extend(tally.problems);
    for ((i, id), t) in wanted.into_iter().zip(traced) {
        let keys: BTreeSet<RecordKey> = t.state.found.values().map(record_key).collect();
        if keys == found_keys[i] {
            rows[i].request = id;
        }
    }
}

/// A request's row before ranking.
fn row_of(parser: &Parser, request: String, events: Vec<TracedEvent>) -> RequestRow {
    let mut ids: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut population: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut services: Vec<String> = Vec::new();
    let (mut start, mut end): (Option<Timestamp>, Option<Timestamp>) = (None, None);
    let (mut status, mut level) = (None::<u16>, None::<Level>);
    let push = |m: &mut BTreeMap<String, Vec<String>>, k: &str, v: &str| {
        let vals = m.entry(k.to_string()).or_default();
        if !vals.iter().any(|x| x == v) {
            vals.push(v.to_string());
        }
    };
    for t in &events {
        let e = &t.event;
        let followed: BTreeSet<&str> = parser.follow_ids(e).map(|(k, _)| k).collect();
        for (k, v) in &e.ids {
            if followed.contains(k.as_str()) {
                push(&mut ids, k, v);
            } else if parser.ids.population.contains(&normalize_key(k)) {
                push(&mut population, k, v);
            }
        }
        if let Some(s) = &e.service {
            if !services.contains(s) {
                services.push(s.clone());
            }
        }
        if let Some(ts) = e.ts {
            start = Some(start.map_or(ts, |s| s.min(ts)));
            end = Some(end.map_or(ts, |x| x.max(ts)));
        }
        status = status.max(e.status);
        level = level.max(e.level);
    }
    let failed = events.iter().any(|t| event_failed(&t.event));
    RequestRow {
        rank: 0,
        request,
        ids,
        population,
        start,
        end,
        services,
        events,
        failed,
        status,
        level,
        first_error: None,
        why: Vec::new(),
        distance_ns: None,
    }
}

/// Each row's first error, with a signature mined across all rows' first errors.
fn name_first_errors(rows: &mut [RequestRow]) {
    let mut miner = Miner::new(MinerConfig::default());
    let firsts: Vec<Option<(usize, crate::cluster::MessageId)>> = rows
        .iter()
        .map(|r| {
            // An application's error before an access log's status line: the status is the
            // symptom, and an access log stamps it when the response left, to the second.
            r.events
                .iter()
                .position(|t| event_failed(&t.event) && t.event.status.is_none())
                .or_else(|| r.events.iter().position(|t| event_failed(&t.event)))
                .map(|i| (i, miner.add(&cluster_text(&r.events[i].event))))
        })
        .collect();
    miner.finish();
    for (r, f) in rows.iter_mut().zip(firsts) {
        let Some((i, id)) = f else { continue };
        let e = &r.events[i].event;
        let signature = miner
            .clusters()
            .get(miner.cluster_of(id))
            .map(|c| c.id.clone())
            .unwrap_or_default();
        r.first_error = Some(FirstError {
            ts: e.ts.map(|t| t.to_rfc3339()),
            service: e.service.clone(),
            message: e.message.lines().next().unwrap_or("").to_string(),
            signature,
            at: e.location(),
        });
    }
}

/// Order the rows and say why each stands where it does.
fn rank(rows: &mut [RequestRow], q: &RequestQuery) {
    for r in rows.iter_mut() {
        r.distance_ns = match (q.around, r.start, r.end) {
            (Some(t), Some(a), Some(b)) => Some(if t < a {
                a.0 - t.0
            } else if t > b {
                t.0 - b.0
            } else {
                0
            }),
            _ => None,
        };
    }
    rows.sort_by(|a, b| {
        b.failed
            .cmp(&a.failed)
            .then_with(|| {
                a.distance_ns
                    .unwrap_or(i64::MAX)
                    .cmp(&b.distance_ns.unwrap_or(i64::MAX))
            })
            .then_with(|| a.start.cmp(&b.start))
            .then_with(|| a.request.cmp(&b.request))
    });
    for (i, r) in rows.iter_mut().enumerate() {
        r.rank = i + 1;
        let mut why = Vec::new();
        if r.failed {
            let what = match (&r.first_error, r.status.filter(|s| *s >= 500)) {
                (Some(f), Some(s)) => format!(
                    "failed: HTTP {s}; first error in {}",
                    f.service.as_deref().unwrap_or("-")
                ),
                (Some(f), None) => format!(
                    "failed: first error in {}",
                    f.service.as_deref().unwrap_or("-")
                ),
                (None, Some(s)) => format!("failed: HTTP {s}"),
                (None, None) => "failed".to_string(),
            };
            why.push(what);
        } else {
            why.push("did not fail".to_string());
        }
        if let (Some(t), Some(d), Some(a), Some(b)) = (q.around, r.distance_ns, r.start, r.end) {
            why.push(if d == 0 {
                "its span holds the time asked about".to_string()
            } else if t < a {
                format!(
                    "starts {} after the time asked about",
                    format_duration_ns(d)
                )
            } else {
                debug_assert!(t > b);
                format!(
                    "ended {} before the time asked about",
                    format_duration_ns(d)
                )
            });
        }
        for w in &q.wheres {
            if let Some(t) = r.events.iter().find(|t| w.holds(&t.event)) {
                why.push(format!(
                    "{w} in {}",
                    t.event.service.as_deref().unwrap_or(&t.event.source)
                ));
            }
        }
        r.why = why;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn where_parses_and_names_the_form() {
        let w = Where::parse("user.id=4711").unwrap();
        assert_eq!(
            (w.key.as_str(), w.norm.as_str(), w.value.as_str()),
            ("user.id", "userid", "4711")
        );
        assert!(Where::parse("user_id").unwrap_err().contains("KEY=VALUE"));
        assert!(Where::parse("=4711").is_err());
        assert!(Where::parse("user_id=").is_err());
        assert!(Where::parse("..=1")
            .unwrap_err()
            .contains("no letter or digit"));
    }

    #[test]
    fn where_compares_keys_normalised_and_values_as_whole_tokens() {
        let mut e = Event {
            ts: None,
            source: "x".into(),
            line: 1,
            service: Some("gateway".into()),
            host: None,
            level: Some(Level::Info),
            message: String::new(),
            ids: BTreeMap::from([
                ("userId".to_string(), "4711".to_string()),
                ("order_id".to_string(), "o-1,o-2".to_string()),
            ]),
            raw: String::new(),
            dialect: "json".into(),
            status: None,
        };
        let w = |s: &str| Where::parse(s).unwrap();
        assert!(w("user_id=4711").holds(&e));
        assert!(w("USER.ID=4711").holds(&e));
        assert!(!w("user_id=471").holds(&e));
        assert!(!w("user_id=47111").holds(&e));
        assert!(w("order_id=o-2").holds(&e));
        assert!(w("order_id=o-1").holds(&e));
        // Tokens end where `trace`'s do: at a character outside [A-Za-z0-9_].
        assert!(!w("order_id=o-").holds(&e));
        assert!(w("service=gateway").holds(&e));
        assert!(w("level=INFO").holds(&e));
        e.ids.clear();
        assert!(!w("user_id=4711").holds(&e));
    }

    #[test]
    fn status_filter_forms() {
        assert_eq!(StatusFilter::parse("502"), Ok(StatusFilter::Code(502)));
        assert_eq!(StatusFilter::parse("5xx"), Ok(StatusFilter::Class(5)));
        assert_eq!(StatusFilter::parse("4XX"), Ok(StatusFilter::Class(4)));
        assert!(StatusFilter::parse("9xx").is_err());
        assert!(StatusFilter::parse("42").unwrap_err().contains("4xx, 5xx"));
        assert!(StatusFilter::Class(5).holds(503) && !StatusFilter::Class(5).holds(404));
    }

    #[test]
    fn seeds_sharing_an_id_are_one_request_named_by_its_request_id() {
        let s = |ts: i64, ids: &[(&str, &str)]| Seed {
            ts: Timestamp(ts),
            ids: ids
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        };
        let mut seeds = vec![
            s(3, &[("trace_id", "t1")]),
            s(2, &[("http.request.id", "r1"), ("trace.id", "t1")]),
            s(1, &[("traceId", "t2")]),
            s(5, &[("job_id", "j9")]),
        ];
        assert_eq!(seed_ids(&mut seeds), vec!["r1", "t2", "j9"]);
    }

    #[test]
    fn key_ranks() {
        assert_eq!(key_rank("http.request.id"), 0);
        assert_eq!(key_rank("x-request-id"), 0);
        assert_eq!(key_rank("correlationId"), 0);
        assert_eq!(key_rank("trace.id"), 1);
        assert_eq!(key_rank("job_id"), 2);
    }
}
