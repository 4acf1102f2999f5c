//! Runs each command over the library: read -> parse -> correlate -> print, and decides the exit
//! code (0 found, 1 nothing found, 2 something was skipped or failed).

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use serde_json::json;

use crate::config::{
    BaselineConfig, BundleConfig, CheckConfig, ClusterConfig, CommandConfig, Config, EventFilter,
    JiraConfig, TraceConfig,
};
use crate::correlate::{self, sort_timeline, TraceQuery, TracedEvent};
use crate::model::{Event, Level, Span, Timestamp};
use crate::parse::Parser;
use crate::remote::{Remote, RemoteReport, TimeRange};
use crate::report::json::traced_line;
use crate::report::terminal::{pad, sanitize, timeline_row, Style};
use crate::signatures::{sparkline, Collector, EventFacts, SigAcc, SignatureReport};
use crate::source::{expand_inputs, read_sources, Input, Problem, RawEvent, SourceReport, Visitor};

/// Exit codes, as grep's.
pub const EXIT_FOUND: i32 = 0;
pub const EXIT_NOTHING: i32 = 1;
pub const EXIT_TROUBLE: i32 = 2;

pub fn run(mut cfg: Config) -> i32 {
    if let Some(n) = cfg.threads {
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global();
    }
    if let CommandConfig::JiraAttach(j) = &cfg.command {
        return jira_attach(j);
    }
    let (inputs, mut problems) = expand_inputs(&cfg.paths, cfg.hidden);
    let mut remotes = connect_remotes(&cfg, &mut problems);
    let progress = Progress::start(cfg.progress && !inputs.is_empty());
    cfg.read.progress = progress.counter();
    let out = io::stdout();
    let mut out = io::BufWriter::new(out.lock());
    let style = Style::detect(cfg.stdout_tty);
    let result = match &cfg.command {
        CommandConfig::Scan => scan(&cfg, &inputs, &mut problems, &mut out, &style),
        CommandConfig::Events(f) => events(
            &cfg,
            f,
            &inputs,
            &mut remotes,
            &mut problems,
            &mut out,
            &style,
        ),
        CommandConfig::Trace(t) => trace(
            &cfg,
            t,
            &inputs,
            &mut remotes,
            &mut problems,
            &mut out,
            &style,
        ),
        CommandConfig::Cluster(c) => cluster(
            &cfg,
            c,
            &inputs,
            &mut remotes,
            &mut problems,
            &mut out,
            &style,
        ),
        CommandConfig::Bundle(b) => bundle(&cfg, b, &inputs, &mut remotes, &mut problems, &mut out),
        CommandConfig::Baseline(b) => baseline(&cfg, b, &inputs, &mut problems, &mut out),
        CommandConfig::Check(c) => check(&cfg, c, &inputs, &mut problems, &mut out, &style),
        CommandConfig::Verify(p) => {
            progress.finish();
            return verify(p);
        }
        CommandConfig::JiraAttach(_) => unreachable!("handled above"),
    };
    progress.finish();
    remotes.finish();
    let found = match result.and_then(|f| out.flush().map(|_| f)) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return EXIT_FOUND,
        Err(e) => {
            eprintln!("casefile: error: writing output: {e}");
            return EXIT_TROUBLE;
        }
    };
    report_problems(&problems);
    if problems.iter().any(|p| p.skipped) {
        EXIT_TROUBLE
    } else if found {
        EXIT_FOUND
    } else {
        EXIT_NOTHING
    }
}

// ---------------------------------------------------------------------------------------------
// remote sources

/// The connected remote sources of a run and the time range they are searched over.
struct Remotes {
    list: Vec<Remote>,
    range: TimeRange,
    limit: usize,
}

impl Remotes {
    fn search<'a>(&'a mut self, cfg: &'a Config) -> Option<correlate::RemoteSearch<'a>> {
        (!self.list.is_empty()).then(|| correlate::RemoteSearch {
            remotes: &mut self.list,
            range: self.range,
            limit: self.limit,
            tz: cfg.read.tz.as_ref(),
        })
    }

    /// Every record in the range from every remote source (events, cluster).
    fn pull_all(&mut self, cfg: &Config, problems: &mut Vec<Problem>) -> Vec<(usize, Event)> {
        let mut out = Vec::new();
        for (i, r) in self.list.iter_mut().enumerate() {
            let q = crate::remote::Query {
                ids: None,
                range: self.range,
                limit: self.limit,
            };
            let b = r.pull(&q, &cfg.parser, cfg.read.tz.as_ref());
            if let Some(why) = &b.incomplete {
                problems.push(r.problem(why));
            }
            out.extend(b.events.into_iter().map(|e| (i, e)));
        }
        out
    }

    fn reports(&self) -> Vec<RemoteReport> {
        self.list.iter().map(|r| r.report.clone()).collect()
    }

    /// One line per source on stderr: what was searched, how much came back, complete or not.
    fn finish(&mut self) {
        for r in &mut self.list {
            r.finish();
            let rep = &r.report;
            eprintln!(
                "casefile: {}: {} record(s) in {} quer{}{}, {}",
                sanitize(&r.spec.display()),
                rep.events,
                rep.queries,
                if rep.queries == 1 { "y" } else { "ies" },
                if rep.retries > 0 {
                    format!(" ({} retried)", rep.retries)
                } else {
                    String::new()
                },
                if rep.complete {
                    "complete"
                } else {
                    "INCOMPLETE (see below)"
                }
            );
        }
    }
}

fn connect_remotes(cfg: &Config, problems: &mut Vec<Problem>) -> Remotes {
    let (since, until) = match &cfg.command {
        CommandConfig::Events(f) => (f.since, f.until),
        CommandConfig::Cluster(c) => (c.filter.since, c.filter.until),
        CommandConfig::Trace(t) => (t.since, t.until),
        CommandConfig::Bundle(b) => (b.trace.since, b.trace.until),
        _ => (None, None),
    };
    let range = crate::remote::time_range(since, until, crate::config::now());
    let mut list = Vec::new();
    for spec in &cfg.remotes {
        match Remote::new(spec.clone(), range, cfg.progress) {
            Ok(r) => list.push(r),
            Err(e) => problems.push(Problem {
                source: spec.display(),
                line: None,
                message: e,
                skipped: true,
            }),
        }
    }
    if !cfg.remotes.is_empty() {
        eprintln!(
            "casefile: remote sources searched over {} .. {} (UTC){}",
            range.since,
            range.until,
            if range.defaulted {
                ": the last 24 hours, the default; set --since/--until for another range"
            } else {
                ""
            }
        );
    }
    Remotes {
        list,
        range,
        limit: cfg.remote_limit,
    }
}

fn jira_attach(j: &JiraConfig) -> i32 {
    use crate::remote::jira;
    let http = if j.dry_run {
        None
    } else {
        match crate::remote::http::Http::new(&j.http) {
            Ok(h) => Some(h),
            Err(e) => {
                eprintln!("casefile: error: {e}");
                return EXIT_TROUBLE;
            }
        }
    };
    let a = jira::Attach {
        base: j
            .url
            .clone()
            .unwrap_or_else(|| "$CASEFILE_JIRA_URL".to_string()),
        auth: j.auth.clone(),
        key: &j.key,
        bundle: &j.bundle,
        api: j.api,
        comment: j.comment,
    };
    let mut out = io::stdout().lock();
    match jira::attach(http.as_ref(), &a, &mut out) {
        Ok(None) => EXIT_FOUND,
        Ok(Some(done)) => {
            let _ = writeln!(
                out,
                "{}: attached {} ({} bytes{}){}",
                j.key,
                j.bundle.display(),
                done.bytes,
                done.attachment_id
                    .map(|i| format!(", attachment {i}"))
                    .unwrap_or_default(),
                done.comment_id
                    .map(|i| format!("; summary added as comment {i}"))
                    .unwrap_or_default()
            );
            EXIT_FOUND
        }
        Err(e) => {
            eprintln!("casefile: error: {}", sanitize(&e));
            EXIT_TROUBLE
        }
    }
}

fn report_problems(problems: &[Problem]) {
    let skipped = problems.iter().filter(|p| p.skipped).count();
    for p in problems {
        let kind = if p.skipped { "skipped" } else { "warning" };
        eprintln!("casefile: {kind}: {}", sanitize(&p.to_string()));
    }
    if skipped > 0 {
        eprintln!(
            "casefile: {skipped} input problem(s) lost data (see above); the rest was read. \
             Exit code 2."
        );
    }
}

fn collect_problems(reports: &[SourceReport], problems: &mut Vec<Problem>) {
    for r in reports {
        problems.extend(r.problems.iter().cloned());
    }
}

/// A spinner with bytes read, on stderr, only on a terminal.
struct Progress {
    counter: Option<Arc<AtomicU64>>,
    stop: Arc<AtomicBool>,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    fn start(enabled: bool) -> Progress {
        let stop = Arc::new(AtomicBool::new(false));
        if !enabled {
            return Progress {
                counter: None,
                stop,
                handle: None,
            };
        }
        let counter = Arc::new(AtomicU64::new(0));
        let (c, s) = (counter.clone(), stop.clone());
        let handle = std::thread::spawn(move || {
            // Only show it when the run takes a while.
            std::thread::sleep(std::time::Duration::from_millis(300));
            if s.load(Ordering::Relaxed) {
                return;
            }
            let pb = indicatif::ProgressBar::new_spinner();
            pb.set_style(
                indicatif::ProgressStyle::with_template("{spinner} reading {msg}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
            );
            while !s.load(Ordering::Relaxed) {
                pb.set_message(indicatif::HumanBytes(c.load(Ordering::Relaxed)).to_string());
                pb.tick();
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            pb.finish_and_clear();
        });
        Progress {
            counter: Some(counter),
            stop,
            handle: Some(handle),
        }
    }
    fn counter(&self) -> Option<Arc<AtomicU64>> {
        self.counter.clone()
    }
    fn finish(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

// ---------------------------------------------------------------------------------------------
// scan

#[derive(Default, Clone)]
struct ScanAcc {
    events: u64,
    levels: [u64; 6],
    no_level: u64,
    span: Span,
    no_ts: u64,
    /// Of `no_ts`: records whose timestamp lay years away from the rest of their file.
    implausible_ts: u64,
    multiline: u64,
    dialects: BTreeMap<String, u64>,
    services: BTreeMap<String, u64>,
    /// Oldest and newest time, and how far a record was older than the newest before it
    /// (ns): how out of time order the source is (`--disorder`).
    oldest: Option<Timestamp>,
    newest: Option<Timestamp>,
    disorder_ns: i64,
}

impl ScanAcc {
    /// A record's time, in reading order.
    fn add_time(&mut self, t: Timestamp) {
        self.span.add(t);
        if let Some(m) = self.newest {
            self.disorder_ns = self.disorder_ns.max(m.0.saturating_sub(t.0));
        }
        self.newest = Some(self.newest.map_or(t, |m| m.max(t)));
        self.oldest = Some(self.oldest.map_or(t, |m| m.min(t)));
    }

    /// `o` read after `self` (the next chunk of the same file, or another file).
    fn merge(&mut self, o: &ScanAcc) {
        let across = match (self.newest, o.oldest) {
            (Some(a), Some(b)) => a.0.saturating_sub(b.0),
            _ => 0,
        };
        self.disorder_ns = self.disorder_ns.max(o.disorder_ns).max(across);
        self.newest = self.newest.max(o.newest);
        self.oldest = match (self.oldest, o.oldest) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.events += o.events;
        for i in 0..6 {
            self.levels[i] += o.levels[i];
        }
        self.no_level += o.no_level;
        self.span.merge(&o.span);
        self.no_ts += o.no_ts;
        self.implausible_ts += o.implausible_ts;
        self.multiline += o.multiline;
        for (k, v) in &o.dialects {
            *self.dialects.entry(k.clone()).or_default() += v;
        }
        for (k, v) in &o.services {
            *self.services.entry(k.clone()).or_default() += v;
        }
    }
}

/// One more of `key`, without allocating for a key already counted.
fn count(map: &mut BTreeMap<String, u64>, key: &str) {
    match map.get_mut(key) {
        Some(n) => *n += 1,
        None => {
            map.insert(key.to_string(), 1);
        }
    }
}

struct ScanVisitor<'a> {
    parser: &'a Parser,
    redactor: &'a crate::redact::Redactor,
    /// Error and fatal events, for the top error signatures.
    errors: Collector,
}

/// How many error signatures `scan` shows.
const SCAN_TOP_SIGNATURES: usize = 5;

impl Visitor for ScanVisitor<'_> {
    type Acc = (ScanAcc, SigAcc);
    fn new_acc(&self) -> Self::Acc {
        (ScanAcc::default(), SigAcc::default())
    }
    fn visit(&self, (acc, sig): &mut Self::Acc, ev: RawEvent<'_>) {
        // Most records are counted from a peek; errors (for their signatures) and records a
        // peek cannot read for certain are parsed in full.
        if let Some(p) = ev.peek(self.parser).filter(|p| p.level < Level::Error) {
            acc.events += 1;
            acc.levels[p.level as usize] += 1;
            acc.add_time(p.ts);
            if memchr::memchr(b'\n', ev.bytes).is_some() {
                acc.multiline += 1;
            }
            count(&mut acc.dialects, p.dialect);
            if let Some(s) = p.service {
                count(&mut acc.services, s);
            }
            return;
        }
        let e = ev.to_event(self.parser);
        if e.level.is_some_and(|l| l >= Level::Error) {
            self.errors
                .add(sig, &e, &crate::baseline::stable_text(&e, self.redactor));
        }
        acc.events += 1;
        match e.level {
            Some(l) => acc.levels[l as usize] += 1,
            None => acc.no_level += 1,
        }
        match e.ts {
            Some(t) => acc.add_time(t),
            None => {
                acc.no_ts += 1;
                if ev.time_rejected(self.parser) {
                    acc.implausible_ts += 1;
                }
            }
        }
        if e.raw.contains('\n') {
            acc.multiline += 1;
        }
        *acc.dialects.entry(e.dialect.to_string()).or_default() += 1;
        if let Some(s) = e.service {
            *acc.services.entry(s).or_default() += 1;
        }
    }
    fn rebase(&self, (_, sig): &mut Self::Acc, base: u64) {
        sig.rebase(base);
    }
    fn end_unit(&self, (_, sig): &mut Self::Acc) {
        self.errors.end_unit(sig);
    }
}

fn scan(
    cfg: &Config,
    inputs: &[Input],
    problems: &mut Vec<Problem>,
    out: &mut dyn Write,
    style: &Style,
) -> io::Result<bool> {
    let v = ScanVisitor {
        parser: &cfg.parser,
        redactor: &cfg.redactor,
        errors: Collector::new(false),
    };
    let (accs, reports) = read_sources(inputs, &cfg.parser, &cfg.read, &v);
    let mut per: Vec<ScanAcc> = vec![ScanAcc::default(); reports.len()];
    let mut sig_accs = Vec::with_capacity(accs.len());
    for (i, (a, s)) in accs {
        per[i].merge(&a);
        sig_accs.push((i, s));
    }
    let names: Vec<String> = reports.iter().map(|r| r.source.clone()).collect();
    let mut errors = v.errors.finish(sig_accs, &names);
    let error_signature_count = errors.signatures.len();
    errors.signatures.truncate(SCAN_TOP_SIGNATURES);
    collect_problems(&reports, problems);
    let mut total = ScanAcc::default();
    for a in &per {
        total.merge(a);
    }
    if cfg.json {
        let sources: Vec<_> = reports
            .iter()
            .zip(&per)
            .map(|(r, a)| {
                json!({
                    "source": r.source,
                    "read": r.read,
                    "dialect": r.dialect,
                    "compression": r.compression,
                    "bytes": r.bytes,
                    "lines": r.lines,
                    "events": a.events,
                    "multiline_events": a.multiline,
                    "first": a.span.first.map(|t| t.to_rfc3339()),
                    "last": a.span.last.map(|t| t.to_rfc3339()),
                    "without_timestamp": a.no_ts,
                    "rejected_timestamps": a.implausible_ts,
                    "disorder_ms": a.disorder_ns / 1_000_000,
                    "sorted_for_seeking": a.disorder_ns <= cfg.read.disorder_ns,
                    "levels": levels_json(a),
                    "services": a.services,
                    "problems": r.problems,
                })
            })
            .collect();
        let doc = json!({
            "sources": sources,
            "total": {
                "sources": reports.len(),
                "events": total.events,
                "first": total.span.first.map(|t| t.to_rfc3339()),
                "last": total.span.last.map(|t| t.to_rfc3339()),
                "levels": levels_json(&total),
            },
            "top_error_signatures": errors.signatures,
            "error_signatures": error_signature_count,
            "problems": problems,
            "skipped": problems.iter().filter(|p| p.skipped).count(),
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&doc)?)?;
    } else {
        let w = reports
            .iter()
            .map(|r| r.source.chars().count())
            .max()
            .unwrap_or(6)
            .clamp(6, 60);
        writeln!(
            out,
            "{}",
            style.bold(&format!(
                "{} {} {:>9} {:>9}  {:<49}  levels",
                pad("source", w),
                pad("dialect", 12),
                "lines",
                "events",
                "time range (UTC)"
            ))
        )?;
        for (r, a) in reports.iter().zip(&per) {
            let dialect = match (&r.dialect, r.compression) {
                (Some(d), Some(c)) => format!("{d}+{c}"),
                (Some(d), None) => d.clone(),
                (None, _) if !r.read => "SKIPPED".into(),
                (None, _) => "unknown".into(),
            };
            writeln!(
                out,
                "{} {} {:>9} {:>9}  {:<49}  {}",
                pad(&sanitize(&r.source), w),
                pad(&dialect, 12),
                r.lines,
                a.events,
                range_text(a),
                levels_text(a, style)
            )?;
        }
        writeln!(
            out,
            "{} {} {:>9} {:>9}  {:<49}  {}",
            pad("total", w),
            pad(&format!("{} sources", reports.len()), 12),
            reports.iter().map(|r| r.lines).sum::<u64>(),
            total.events,
            range_text(&total),
            levels_text(&total, style)
        )?;
        if !errors.signatures.is_empty() {
            writeln!(
                out,
                "\n{}",
                style.bold(&format!(
                    "top error signatures ({} of {}; all: casefile cluster --level error)",
                    errors.signatures.len(),
                    error_signature_count
                ))
            )?;
            for s in &errors.signatures {
                writeln!(
                    out,
                    "{:>7}  {}  {}  {}",
                    s.count,
                    s.id,
                    sanitize(&s.services.keys().cloned().collect::<Vec<_>>().join(",")),
                    style.level(Some(Level::Error), &sanitize(&s.template))
                )?;
            }
        }
        for (r, a) in reports.iter().zip(&per) {
            if a.disorder_ns > cfg.read.disorder_ns {
                writeln!(
                    out,
                    "\n{}: records out of time order by up to {}, more than --disorder {}: for \
                     a time range (--since/--until, --window) seeking in it is not safe; give \
                     --disorder {} or --no-seek",
                    sanitize(&r.source),
                    crate::model::format_duration_ns(a.disorder_ns),
                    crate::model::format_duration_ns(cfg.read.disorder_ns),
                    crate::model::format_duration_ns(a.disorder_ns + 1_000_000_000)
                )?;
            }
            if a.implausible_ts > 0 {
                writeln!(
                    out,
                    "\n{}: {} record(s) wrote a time years away from the rest of the file; \
                     read as records without a time (check with casefile events {} --json)",
                    sanitize(&r.source),
                    a.implausible_ts,
                    sanitize(&r.source)
                )?;
            }
        }
        let skipped: Vec<&Problem> = problems.iter().filter(|p| p.skipped).collect();
        if !skipped.is_empty() {
            writeln!(out, "\n{} skipped or damaged input(s):", skipped.len())?;
            for p in skipped {
                writeln!(out, "  {}", sanitize(&p.to_string()))?;
            }
        }
    }
    Ok(reports.iter().any(|r| r.read))
}

fn levels_json(a: &ScanAcc) -> serde_json::Value {
    let mut m = serde_json::Map::new();
    for l in Level::ALL {
        if a.levels[l as usize] > 0 {
            m.insert(l.as_str().into(), json!(a.levels[l as usize]));
        }
    }
    if a.no_level > 0 {
        m.insert("none".into(), json!(a.no_level));
    }
    serde_json::Value::Object(m)
}

fn range_text(a: &ScanAcc) -> String {
    match a.span.bounds() {
        Some((f, l)) => format!("{} .. {}", f.to_rfc3339(), l.to_rfc3339()),
        _ => "-".into(),
    }
}

fn levels_text(a: &ScanAcc, style: &Style) -> String {
    let mut parts = Vec::new();
    for l in Level::ALL.iter().rev() {
        let n = a.levels[*l as usize];
        if n > 0 {
            parts.push(style.level(Some(*l), &format!("{}={n}", l.as_str())));
        }
    }
    parts.join(" ")
}

// ---------------------------------------------------------------------------------------------
// events

/// The record as an event if it passes the filter (`--grep` is tried before parsing).
/// The filter on an event already made (a remote record).
fn event_passes(f: &EventFilter, e: &Event) -> bool {
    if let Some(re) = &f.grep {
        if !re.is_match(e.raw.as_bytes()) {
            return false;
        }
    }
    let ts_ok = match e.ts {
        Some(ts) => !(f.since.is_some_and(|s| ts < s) || f.until.is_some_and(|u| ts >= u)),
        None => f.since.is_none() && f.until.is_none(),
    };
    ts_ok
        && f.level.is_none_or(|min| e.level.is_some_and(|l| l >= min))
        && (f.services.is_empty()
            || e.service
                .as_ref()
                .is_some_and(|s| f.services.iter().any(|x| x == s)))
}

fn filtered_event(f: &EventFilter, parser: &Parser, ev: &RawEvent<'_>) -> Option<Event> {
    if let Some(re) = &f.grep {
        if !re.is_match(ev.bytes) {
            return None;
        }
    }
    // A peek rules most records out without the full parse.
    if let Some(p) = ev.peek(parser) {
        if f.since.is_some_and(|s| p.ts < s)
            || f.until.is_some_and(|u| p.ts >= u)
            || f.level.is_some_and(|min| p.level < min)
            || (!f.services.is_empty()
                && !p.service.is_some_and(|s| f.services.iter().any(|x| x == s)))
        {
            return None;
        }
    }
    let e = ev.to_event(parser);
    if f.since.is_some() || f.until.is_some() {
        let ts = e.ts?;
        if f.since.is_some_and(|s| ts < s) || f.until.is_some_and(|u| ts >= u) {
            return None;
        }
    }
    if let Some(min) = f.level {
        if e.level.is_none_or(|l| l < min) {
            return None;
        }
    }
    if !f.services.is_empty()
        && !e
            .service
            .as_ref()
            .is_some_and(|s| f.services.iter().any(|x| x == s))
    {
        return None;
    }
    Some(e)
}

struct EventsVisitor<'a> {
    parser: &'a Parser,
    filter: &'a EventFilter,
}

impl Visitor for EventsVisitor<'_> {
    type Acc = Vec<Event>;
    fn new_acc(&self) -> Vec<Event> {
        Vec::new()
    }
    fn visit(&self, acc: &mut Vec<Event>, ev: RawEvent<'_>) {
        if let Some(e) = filtered_event(self.filter, self.parser, &ev) {
            acc.push(e);
        }
    }
    fn rebase(&self, acc: &mut Vec<Event>, base: u64) {
        for e in acc {
            e.line += base;
        }
    }
}

fn events(
    cfg: &Config,
    f: &EventFilter,
    inputs: &[Input],
    remotes: &mut Remotes,
    problems: &mut Vec<Problem>,
    out: &mut dyn Write,
    style: &Style,
) -> io::Result<bool> {
    let v = EventsVisitor {
        parser: &cfg.parser,
        filter: f,
    };
    let (accs, reports) = read_sources(
        inputs,
        &cfg.parser,
        &bounded(&cfg.read, f.since, f.until),
        &v,
    );
    collect_problems(&reports, problems);
    let remote_events: Vec<(usize, Event)> = remotes
        .pull_all(cfg, problems)
        .into_iter()
        .filter(|(_, e)| event_passes(f, e))
        .map(|(i, e)| (inputs.len() + i, e))
        .collect();
    let mut evs: Vec<TracedEvent> = accs
        .into_iter()
        .flat_map(|(i, a)| a.into_iter().map(move |e| (i, e)))
        .chain(remote_events)
        .map(|(i, event)| TracedEvent {
            event,
            via: None,
            context: false,
            input: i,
            signature: None,
            known_issue: None,
        })
        .collect();
    sort_timeline(&mut evs);
    print_timeline(cfg, &evs, out, style)?;
    Ok(!evs.is_empty())
}

/// The timeline of `events` and `trace`, on the terminal or as JSON Lines, redacted unless
/// `--no-redact`.
fn print_timeline(
    cfg: &Config,
    evs: &[TracedEvent],
    out: &mut dyn Write,
    style: &Style,
) -> io::Result<()> {
    // Each event is redacted as it is printed: no second copy of the timeline in memory.
    let redactor = cfg.redact_output.then_some(&cfg.redactor);
    fn shown<'e>(
        r: Option<&crate::redact::Redactor>,
        t: &'e TracedEvent,
    ) -> std::borrow::Cow<'e, TracedEvent> {
        match r {
            Some(r) => {
                let mut t = t.clone();
                crate::report::redact_traced(r, &mut t);
                std::borrow::Cow::Owned(t)
            }
            None => std::borrow::Cow::Borrowed(t),
        }
    }
    if cfg.json {
        for t in evs {
            writeln!(out, "{}", traced_line(&shown(redactor, t)))?;
        }
        return Ok(());
    }
    // Service names are not redacted: the column width is the same before and after.
    let w = evs
        .iter()
        .map(|t| t.event.service.as_deref().unwrap_or("-").chars().count())
        .max()
        .unwrap_or(1)
        .clamp(1, 24);
    for t in evs {
        let marker = if t.context { "· " } else { "  " };
        writeln!(
            out,
            "{}",
            timeline_row(&shown(redactor, t).event, w, marker, style)
        )?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// trace

fn trace(
    cfg: &Config,
    t: &TraceConfig,
    inputs: &[Input],
    remotes: &mut Remotes,
    problems: &mut Vec<Problem>,
    out: &mut dyn Write,
    style: &Style,
) -> io::Result<bool> {
    let q = TraceQuery {
        seeds: t.ids.clone(),
        max_depth: t.max_depth,
        window_ns: t.window_ns,
        since: t.since,
        until: t.until,
        follow_hubs: t.follow_hubs.clone(),
    };
    let mut res = correlate::trace(inputs, &cfg.parser, &cfg.read, &q, remotes.search(cfg));
    correlate::assign_known_issues(&mut res.events, &cfg.known_issues);
    collect_problems(&res.reports, problems);
    problems.extend(res.remote_problems.iter().cloned());
    print_timeline(cfg, &res.events, out, style)?;
    trace_summary(&res, t.window_ns.is_some());
    Ok(res.events.iter().any(|e| !e.context))
}

/// A request whose events span more than this is suspect: an id shared by unrelated requests,
/// or misread times.
const PLAUSIBLE_TRACE_SPAN_NS: i64 = 86_400 * 1_000_000_000;

fn trace_summary(res: &correlate::TraceResult, window: bool) {
    let matched: Vec<&TracedEvent> = res.events.iter().filter(|e| !e.context).collect();
    let context = res.events.len() - matched.len();
    let mut per_service: BTreeMap<&str, usize> = BTreeMap::new();
    for e in &res.events {
        *per_service
            .entry(e.event.service.as_deref().unwrap_or("-"))
            .or_default() += 1;
    }
    let span = Span::of(matched.iter().filter_map(|e| e.event.ts)).bounds();
    let mut err = io::stderr().lock();
    let _ = writeln!(
        err,
        "casefile: trace: {} event(s){} in {} service(s), {} id(s) followed in {} round(s)",
        matched.len(),
        if context > 0 {
            format!(" (+{context} context)")
        } else {
            String::new()
        },
        per_service.len(),
        res.followed.len(),
        res.rounds
    );
    if let Some((a, b)) = span {
        let secs = (b.0 - a.0) as f64 / 1e9;
        let _ = writeln!(err, "  span: {a} .. {b} ({secs:.3}s)");
        if b.0 - a.0 > PLAUSIBLE_TRACE_SPAN_NS {
            let _ = writeln!(
                err,
                "  warning: one request spanning {:.1} days is implausible: an id may be shared \
                 by unrelated requests (see the ids below; --no-follow KEY) or times misread \
                 (casefile scan shows each source's time range)",
                secs / 86_400.0
            );
        }
    }
    if window {
        let mut untimed: BTreeMap<&str, usize> = BTreeMap::new();
        for e in matched.iter().filter(|e| e.event.ts.is_none()) {
            *untimed.entry(&e.event.source).or_default() += 1;
        }
        if !untimed.is_empty() {
            let list: Vec<String> = untimed
                .iter()
                .map(|(s, n)| format!("{} ({n})", sanitize(s)))
                .collect();
            let _ = writeln!(
                err,
                "  warning: --window cannot place context around events without a time: {}; \
                 give their date with --date or their zone with --tz if they write only part \
                 of it",
                list.join(", ")
            );
        }
    }
    let services: BTreeSet<String> = per_service
        .iter()
        .map(|(s, n)| format!("{} {n}", sanitize(s)))
        .collect();
    let _ = writeln!(
        err,
        "  per service: {}",
        services.into_iter().collect::<Vec<_>>().join(", ")
    );
    // What each id brought in: the events it was the first id of its round to match.
    let mut brought: BTreeMap<&str, usize> = BTreeMap::new();
    for e in &matched {
        if let Some(v) = &e.via {
            *brought.entry(v.id.as_str()).or_default() += 1;
        }
    }
    for f in &res.followed {
        let n = brought.get(f.id.as_str()).copied().unwrap_or(0);
        let _ = match (&f.key, &f.found_in) {
            (Some(k), Some(w)) => writeln!(
                err,
                "  id {} ({}, hop {}, first in {}): {n} event(s)",
                sanitize(&f.id),
                sanitize(k),
                f.hop,
                sanitize(w)
            ),
            _ => writeln!(err, "  id {} (given): {n} event(s)", sanitize(&f.id)),
        };
    }
    for h in &res.hubs {
        let _ = writeln!(
            err,
            "  not followed: {}={} joins {} distinct {} values; add --follow {} to follow it",
            sanitize(&h.key),
            sanitize(&h.id),
            h.joins,
            sanitize(&h.joins_key),
            sanitize(&h.key)
        );
    }
    if !res.not_followed.is_empty() {
        let _ = writeln!(
            err,
            "  {} id(s) beyond --max-depth not followed (raise --max-depth to follow them)",
            res.not_followed.len()
        );
    }
    let mut known: BTreeMap<String, usize> = BTreeMap::new();
    for e in &res.events {
        if let Some(k) = &e.known_issue {
            *known.entry(k.to_string()).or_default() += 1;
        }
    }
    for (k, n) in known {
        let _ = writeln!(err, "  known issue {} ({n} event(s))", sanitize(&k));
    }
}

// ---------------------------------------------------------------------------------------------
// cluster

struct ClusterVisitor<'a> {
    parser: &'a Parser,
    redactor: &'a crate::redact::Redactor,
    filter: &'a EventFilter,
    plain: bool,
    collector: &'a Collector,
}

impl Visitor for ClusterVisitor<'_> {
    type Acc = SigAcc;
    fn new_acc(&self) -> SigAcc {
        SigAcc::default()
    }
    fn visit(&self, acc: &mut SigAcc, ev: RawEvent<'_>) {
        if self.plain {
            if let Some(re) = &self.filter.grep {
                if !re.is_match(ev.bytes) {
                    return;
                }
            }
            let text = ev.text();
            self.collector.add_parts(
                acc,
                &text,
                EventFacts {
                    ts: None,
                    service: ev.source.path_service.as_deref(),
                    level: None,
                    line: ev.line,
                },
            );
            return;
        }
        if let Some(e) = filtered_event(self.filter, self.parser, &ev) {
            let text = crate::baseline::stable_text(&e, self.redactor);
            self.collector.add(acc, &e, &text);
        }
    }
    fn rebase(&self, acc: &mut SigAcc, base: u64) {
        acc.rebase(base);
    }
    fn end_unit(&self, acc: &mut SigAcc) {
        self.collector.end_unit(acc);
    }
}

fn cluster(
    cfg: &Config,
    c: &ClusterConfig,
    inputs: &[Input],
    remotes: &mut Remotes,
    problems: &mut Vec<Problem>,
    out: &mut dyn Write,
    style: &Style,
) -> io::Result<bool> {
    let collector = Collector::new(c.assignments.is_some());
    let collector = if cfg.known_issues.is_empty() {
        collector
    } else {
        collector.with_samples()
    };
    let remote_events: Vec<(usize, Event)> = remotes
        .pull_all(cfg, problems)
        .into_iter()
        .filter(|(_, e)| event_passes(&c.filter, e))
        .collect();
    let mut rep = mine_signatures(
        cfg,
        inputs,
        problems,
        &c.filter,
        c.plain,
        collector,
        remote_events,
    )?;
    for s in &mut rep.signatures {
        s.known_issue =
            cfg.known_issues
                .find(&s.id, &s.template, s.sample.as_deref().unwrap_or(""));
    }
    if let Some(path) = &c.assignments {
        let mut w = io::BufWriter::new(std::fs::File::create(path).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("cannot write --assignments {}: {e}", path.display()),
            )
        })?);
        writeln!(w, "line,signature")?;
        for (_, line, sig) in &rep.assignments {
            writeln!(w, "{line},{sig}")?;
        }
        w.flush()?;
    }
    let found = !rep.signatures.is_empty();
    let all = rep.signatures.len();
    if let Some(n) = c.top {
        rep.signatures.truncate(n);
    }
    if cfg.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&rep)?)?;
    } else {
        print_signatures(&rep, all, out, style)?;
    }
    Ok(found)
}

/// The signature table; `all` is how many signatures there were before `--top` cut the list.
fn print_signatures(
    rep: &SignatureReport,
    all: usize,
    out: &mut dyn Write,
    style: &Style,
) -> io::Result<()> {
    writeln!(
        out,
        "{}",
        style.bold(&format!(
            "{:>7}  {:<16}  {:<24}  {:<24}  {}",
            "count", "signature", "first seen (UTC)", "trend", "template"
        ))
    )?;
    for s in &rep.signatures {
        let lvl = s.levels.keys().filter_map(|l| Level::parse(l)).max();
        writeln!(
            out,
            "{:>7}  {:<16}  {:<24}  {:<24}  {}",
            s.count,
            s.id,
            s.first_seen.as_deref().unwrap_or("-"),
            sparkline(&s.histogram),
            style.level(lvl, &sanitize(&s.template))
        )?;
        let services: Vec<String> = s.services.keys().map(|k| sanitize(k)).collect();
        writeln!(
            out,
            "{}",
            style.dim(&format!(
                "{:>7}  last {}  services {}  e.g. {}",
                "",
                s.last_seen.as_deref().unwrap_or("-"),
                if services.is_empty() {
                    "-".into()
                } else {
                    services.join(",")
                },
                sanitize(&s.examples.join(" "))
            ))
        )?;
        if let Some(k) = &s.known_issue {
            writeln!(out, "{:>7}  known issue: {}", "", sanitize(&k.to_string()))?;
        }
    }
    writeln!(
        out,
        "{} event(s) in {all} signature(s){}{}",
        rep.events,
        if rep.signatures.len() < all {
            format!(", the {} most frequent shown (--top)", rep.signatures.len())
        } else {
            String::new()
        },
        if rep.evictions > 0 {
            format!(
                "; {} event(s) past the signature cap went to the catch-all <*>",
                rep.evictions
            )
        } else {
            String::new()
        }
    )?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// bundle, verify

fn bundle(
    cfg: &Config,
    b: &BundleConfig,
    inputs: &[Input],
    remotes: &mut Remotes,
    problems: &mut Vec<Problem>,
    out: &mut dyn Write,
) -> io::Result<bool> {
    let q = TraceQuery {
        seeds: b.trace.ids.clone(),
        max_depth: b.trace.max_depth,
        window_ns: b.trace.window_ns,
        since: b.trace.since,
        until: b.trace.until,
        follow_hubs: b.trace.follow_hubs.clone(),
    };
    let mut res = correlate::trace(inputs, &cfg.parser, &cfg.read, &q, remotes.search(cfg));
    correlate::assign_known_issues(&mut res.events, &cfg.known_issues);
    collect_problems(&res.reports, problems);
    problems.extend(res.remote_problems.iter().cloned());
    let req = crate::bundle::BundleRequest {
        ids: &b.trace.ids,
        window: b.window.as_deref(),
        max_depth: b.trace.max_depth,
        max_events: b.max_events,
        argv: &cfg.argv,
        redactor: b.redactor.as_ref(),
        custom_redactions: b.custom_names.clone(),
        source_date_epoch: b.source_date_epoch,
        remote: remotes.reports(),
    };
    let files = crate::bundle::build(&req, &res, inputs, crate::bundle::render_html);
    crate::bundle::write(&b.out, &files, b.source_date_epoch.unwrap_or(0)).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("cannot write the bundle {}: {e}", b.out.display()),
        )
    })?;
    let matched = res.events.iter().filter(|e| !e.context).count();
    writeln!(
        out,
        "{}: {} file(s), {} event(s){}; check it with: casefile verify {}",
        b.out.display(),
        files.len(),
        matched,
        if b.redactor.is_none() {
            ", UNREDACTED"
        } else {
            ", redacted"
        },
        b.out.display()
    )?;
    if let Some(r) = &b.redactor {
        let counts = r.counts();
        if !counts.is_empty() {
            let parts: Vec<String> = counts.iter().map(|(k, v)| format!("{k} {v}")).collect();
            eprintln!("casefile: bundle: redacted {}", parts.join(", "));
        }
    }
    trace_summary(&res, b.trace.window_ns.is_some());
    Ok(matched > 0)
}

fn verify(path: &std::path::Path) -> i32 {
    let files = match crate::bundle::read(path) {
        Ok(f) if !f.is_empty() => f,
        Ok(_) => {
            eprintln!(
                "casefile: error: {}: no files in it; is it a bundle made by `casefile bundle`?",
                path.display()
            );
            return EXIT_TROUBLE;
        }
        Err(e) => {
            eprintln!(
                "casefile: error: cannot read the bundle {}: {e}; give the directory, .tar.gz or \
                 .zip that `casefile bundle -o` wrote",
                path.display()
            );
            return EXIT_TROUBLE;
        }
    };
    // Neither a manifest nor checksums: something else, not a damaged bundle.
    if !files.entries().contains_key("manifest.json") && !files.entries().contains_key("SHA256SUMS")
    {
        eprintln!(
            "casefile: error: {}: not a casefile bundle (no manifest.json, no SHA256SUMS); give \
             the directory, .tar.gz or .zip that `casefile bundle -o` wrote",
            path.display()
        );
        return EXIT_TROUBLE;
    }
    let bad = crate::bundle::verify(&files);
    if bad.is_empty() {
        println!("{}: OK ({} files)", path.display(), files.len());
        EXIT_FOUND
    } else {
        for b in &bad {
            println!("{}: DAMAGED: {}", path.display(), sanitize(b));
        }
        EXIT_NOTHING
    }
}

// ---------------------------------------------------------------------------------------------
// baseline, check

/// The read options for a command that keeps only records of `[since, until)`.
fn bounded(
    read: &crate::source::ReadOptions,
    since: Option<crate::model::Timestamp>,
    until: Option<crate::model::Timestamp>,
) -> crate::source::ReadOptions {
    crate::source::ReadOptions {
        bound: Some(crate::source::TimeBound { since, until }),
        ..read.clone()
    }
}

/// Read the inputs and mine signatures (`cluster`, `baseline`, `check` share this).
fn mine_signatures(
    cfg: &Config,
    inputs: &[Input],
    problems: &mut Vec<Problem>,
    filter: &EventFilter,
    plain: bool,
    collector: Collector,
    remote_events: Vec<(usize, Event)>,
) -> io::Result<SignatureReport> {
    let v = ClusterVisitor {
        parser: &cfg.parser,
        redactor: &cfg.redactor,
        filter,
        plain,
        collector: &collector,
    };
    let (mut accs, reports) = if inputs.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        read_sources(
            inputs,
            &cfg.parser,
            &bounded(&cfg.read, filter.since, filter.until),
            &v,
        )
    };
    collect_problems(&reports, problems);
    let mut names: Vec<String> = reports.iter().map(|r| r.source.clone()).collect();
    // Remote records: one accumulator per remote source name (`elastic://index/_id` is one
    // record, `splunk://host/path` one file), after the files.
    let mut by_source: BTreeMap<String, usize> = BTreeMap::new();
    for (_, e) in remote_events {
        let i = *by_source.entry(e.source.to_string()).or_insert_with(|| {
            names.push(e.source.to_string());
            accs.push((names.len() - 1, SigAcc::default()));
            accs.len() - 1
        });
        let text = crate::baseline::stable_text(&e, &cfg.redactor);
        collector.add(&mut accs[i].1, &e, &text);
    }
    Ok(collector.finish(accs, &names))
}

/// The signatures of every event, with samples, as `baseline` and `check` compare them.
fn stable_signatures(
    cfg: &Config,
    inputs: &[Input],
    problems: &mut Vec<Problem>,
) -> io::Result<SignatureReport> {
    let collector = Collector::new(false).with_samples();
    mine_signatures(
        cfg,
        inputs,
        problems,
        &EventFilter::default(),
        false,
        collector,
        Vec::new(),
    )
}

fn write_file(path: &std::path::Path, what: &str, text: &str) -> io::Result<()> {
    std::fs::write(path, text).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("cannot write {what} {}: {e}", path.display()),
        )
    })
}

fn baseline(
    cfg: &Config,
    b: &BaselineConfig,
    inputs: &[Input],
    problems: &mut Vec<Problem>,
    out: &mut dyn Write,
) -> io::Result<bool> {
    use crate::baseline::Baseline;
    let (base, target) = match b {
        BaselineConfig::Learn { out: target } => {
            let rep = stable_signatures(cfg, inputs, problems)?;
            (Baseline::from_report(&rep), target)
        }
        BaselineConfig::Merge { files, out: target } => {
            let mut acc: Option<Baseline> = None;
            for f in files {
                let name = f.display().to_string();
                let text = std::fs::read_to_string(f)
                    .map_err(|e| io::Error::new(e.kind(), format!("cannot read {name}: {e}")))?;
                let one = Baseline::parse(&text, &name).map_err(io::Error::other)?;
                acc = Some(match acc {
                    None => one,
                    Some(a) => a.merge(one),
                });
            }
            (acc.expect("two or more files"), target)
        }
    };
    write_file(target, "the baseline", &base.to_json())?;
    writeln!(
        out,
        "{}: {} signature(s) from {} event(s)",
        target.display(),
        base.signatures.len(),
        base.events
    )?;
    Ok(!base.signatures.is_empty())
}

fn check(
    cfg: &Config,
    c: &CheckConfig,
    inputs: &[Input],
    problems: &mut Vec<Problem>,
    out: &mut dyn Write,
    style: &Style,
) -> io::Result<bool> {
    let rep = stable_signatures(cfg, inputs, problems)?;
    let res = crate::baseline::check(
        &rep,
        &c.baseline,
        c.fail_on,
        c.max_rate_increase,
        &cfg.known_issues,
    );
    let findings: Vec<crate::report::ci::Finding> = res
        .new
        .iter()
        .map(|n| {
            let (source, line) = n
                .examples
                .first()
                .and_then(|e| e.rsplit_once(':'))
                .map(|(s, l)| (s.to_string(), l.parse().unwrap_or(0)))
                .unwrap_or_default();
            crate::report::ci::Finding {
                signature: n.signature.clone(),
                template: n.template.clone(),
                level: n.level.clone(),
                count: n.count,
                source,
                line,
                example: n.example_text.clone(),
                known_issue: n
                    .known_issue
                    .as_ref()
                    .map(|k| crate::report::ci::KnownIssue {
                        title: k.title.clone(),
                        url: k.runbook.clone(),
                        jira: k.jira.clone(),
                    }),
            }
        })
        .collect();
    if let Some(p) = &c.junit {
        write_file(
            p,
            "--junit",
            &crate::report::ci::junit(&findings, res.known, "casefile check"),
        )?;
    }
    if let Some(p) = &c.sarif {
        write_file(
            p,
            "--sarif",
            &crate::report::ci::sarif(&findings, env!("CARGO_PKG_VERSION")),
        )?;
    }
    if cfg.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&res)?)?;
    } else if c.github {
        write!(out, "{}", crate::report::ci::github(&findings))?;
    } else {
        for n in &res.new {
            writeln!(
                out,
                "{} {} {} x{}  first at {}",
                style.level(Level::parse(&n.level), "NEW"),
                pad(&n.level, 5),
                n.signature,
                n.count,
                sanitize(n.examples.first().map_or("-", String::as_str))
            )?;
            writeln!(out, "    {}", sanitize(&n.template))?;
            let ex = n.example_text.split('\n').next().unwrap_or("");
            writeln!(out, "    {}", style.dim(&format!("e.g. {}", sanitize(ex))))?;
            if let Some(k) = &n.known_issue {
                writeln!(out, "    known issue: {}", sanitize(&k.to_string()))?;
            }
        }
        for r in &res.rate_increases {
            writeln!(
                out,
                "RATE  {} x{:.1} ({} vs {} in the baseline)  {}",
                r.signature,
                r.ratio,
                r.count,
                r.baseline_count,
                sanitize(&r.template)
            )?;
        }
        writeln!(
            out,
            "{} new signature(s){}, {} known, {} rate increase(s); {}",
            res.new.len(),
            if res.new_below_level > 0 {
                format!(" (+{} below --fail-on)", res.new_below_level)
            } else {
                String::new()
            },
            res.known,
            res.rate_increases.len(),
            if res.failed() { "FAIL" } else { "ok" }
        )?;
    }
    // "Found something" is what fails the check: exit 1 then, 0 when clean.
    Ok(!res.failed())
}
