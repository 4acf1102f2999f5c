//! Runs each command over the library: read -> parse -> correlate -> print, and decides the exit
//! code (0 found, 1 nothing found, 2 something was skipped or failed). One file per command
//! below; what they share (remote sources, problems, progress) is here.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use crate::config::{CommandConfig, Config, JiraConfig};
use crate::correlate::{self};
use crate::model::{Event, Timestamp};
use crate::remote::{Remote, RemoteReport, TimeRange};
use crate::report::terminal::{sanitize, Style};
use crate::source::{expand_inputs, Problem, SourceReport};

mod baseline;
mod bundle;
mod cluster;
mod events;
mod requests;
mod scan;
mod trace;

use baseline::{baseline, check};
use bundle::{bundle, verify};
use cluster::cluster;
use events::events;
use requests::requests;
use scan::scan;
use trace::trace;

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
        CommandConfig::Requests(r) => requests(
            &cfg,
            r,
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
        // The seeds' range with its margin: the completing rounds search the same range.
        CommandConfig::Requests(r) => match requests::static_range(r) {
            Some(x) => (
                Some(Timestamp(x.since.0.saturating_sub(
                    crate::correlate::requests::DEFAULT_MARGIN_NS,
                ))),
                Some(Timestamp(x.until.0.saturating_add(
                    crate::correlate::requests::DEFAULT_MARGIN_NS,
                ))),
            ),
            None => (None, None),
        },
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

/// The earliest and latest record time of some inputs, read by time alone.
struct SpanVisitor<'a> {
    parser: &'a crate::parse::Parser,
}

impl crate::source::Visitor for SpanVisitor<'_> {
    type Acc = Option<(Timestamp, Timestamp)>;
    fn new_acc(&self) -> Self::Acc {
        None
    }
    fn visit(&self, acc: &mut Self::Acc, ev: crate::source::RawEvent<'_>) {
        if let Some(t) = ev.time(self.parser) {
            *acc = Some(acc.map_or((t, t), |(a, b)| (a.min(t), b.max(t))));
        }
    }
    fn rebase(&self, _acc: &mut Self::Acc, _base: u64) {}
}

/// The earliest and latest record time of the inputs (`requests` for a time of day alone; an
/// empty answer over a time range, to say where the logs are). Reads `read` whole: no bound.
fn inputs_span(
    inputs: &[crate::source::Input],
    parser: &crate::parse::Parser,
    read: &crate::source::ReadOptions,
) -> Option<(Timestamp, Timestamp)> {
    if inputs.is_empty() {
        return None;
    }
    let read = crate::source::ReadOptions {
        bound: None,
        ..read.clone()
    };
    let (accs, _) = crate::source::read_sources(inputs, parser, &read, &SpanVisitor { parser });
    accs.into_iter()
        .filter_map(|(_, a)| a)
        .reduce(|(a, b), (c, d)| (a.min(c), b.max(d)))
}

/// A time range as the empty answers name it: `[since, until)`, an open end as `..`.
fn range_text(since: Option<Timestamp>, until: Option<Timestamp>) -> String {
    let end = |t: Option<Timestamp>| t.map_or_else(|| "..".to_string(), |t| t.to_string());
    format!("[{}, {})", end(since), end(until))
}

/// The paths of the command line, for a command to suggest (`casefile scan PATHS`).
fn paths_text(cfg: &Config) -> String {
    if cfg.paths.is_empty() {
        return "PATH".into();
    }
    cfg.paths
        .iter()
        .map(|p| sanitize(p))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The line about records a time range left out because they carry no time (an empty
/// answer or not).
fn untimed_note(command: &str, untimed: u64) {
    if untimed > 0 {
        eprintln!(
            "casefile: {command}: {untimed} record(s) have no time and are left out of any time \
             range: give --tz/--date/--year if they write only part of it"
        );
    }
}
