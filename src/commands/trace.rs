//! `trace`: one request's events across services, and the summary of how they were found.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::events::print_timeline;
use super::{collect_problems, Remotes};
use crate::config::{Config, TraceConfig};
use crate::correlate::{self, TraceQuery, TracedEvent};
use crate::model::Span;
use crate::report::terminal::{sanitize, RowMark, Style, TimelineLayout};
use crate::source::file::is_token_boundary;
use crate::source::{read_sources, Input, Problem, RawEvent, ReadOptions, Visitor};

pub(super) fn trace(
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
    if cfg.json {
        // The JSON already says it: `"context": true` on the events `--window` added.
        print_timeline(cfg, &res.events, out, style)?;
    } else {
        print_trace_timeline(cfg, &res.events, t.window_ns, out, style)?;
    }
    trace_summary_within(&res, t.window_ns.map(duration_text));
    let found = res.events.iter().any(|e| !e.context);
    if !found {
        nothing_found(cfg, t, inputs, &res, remotes.list.len());
    }
    Ok(found)
}

/// The human timeline of `trace`, redacted unless `--no-redact`. With `--window`, a marker
/// column tells the request's events (`req`) from context (`ctx`), explained by a legend line
/// above the timeline; on a terminal context rows are dimmed as well.
fn print_trace_timeline(
    cfg: &Config,
    evs: &[TracedEvent],
    window_ns: Option<i64>,
    out: &mut dyn Write,
    style: &Style,
) -> io::Result<()> {
    if evs.is_empty() {
        return Ok(());
    }
    let marked = window_ns.is_some();
    // Service names and times are not redacted: the widths are the same before and after.
    let layout = TimelineLayout::of(evs.iter().map(|t| &t.event), marked);
    if let Some(w) = window_ns {
        let context = evs.iter().filter(|t| t.context).count();
        let legend = TimelineLayout::legend(evs.len() - context, context, &duration_text(w), style);
        writeln!(out, "{legend}")?;
    }
    let redactor = cfg.redact_output.then_some(&cfg.redactor);
    for t in evs {
        let mark = if t.context {
            RowMark::Context
        } else {
            RowMark::Request
        };
        let row = match redactor {
            Some(r) => {
                let mut t = t.clone();
                crate::report::redact_traced(r, &mut t);
                layout.row(&t.event, mark, style)
            }
            None => layout.row(&t.event, mark, style),
        };
        writeln!(out, "{row}")?;
    }
    Ok(())
}

/// A `--window` as it is written: `2s`, `150ms`, `5m`, `1h` (the largest unit that divides it).
fn duration_text(ns: i64) -> String {
    const UNITS: [(i64, &str); 6] = [
        (3_600_000_000_000, "h"),
        (60_000_000_000, "m"),
        (1_000_000_000, "s"),
        (1_000_000, "ms"),
        (1_000, "us"),
        (1, "ns"),
    ];
    for (n, u) in UNITS {
        if ns != 0 && ns % n == 0 {
            return format!("{}{u}", ns / n);
        }
    }
    "0s".to_string()
}

/// Does this path argument look like an id rather than a path (hex or uuid-like, 8+ digits)?
fn looks_like_id(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
        && s.bytes().filter(u8::is_ascii_hexdigit).count() >= 8
}

/// Why no event holds the ids: the ids and paths given the wrong way round, an id found only
/// inside longer tokens, or only outside the time range.
fn nothing_found(
    cfg: &Config,
    t: &TraceConfig,
    inputs: &[Input],
    res: &correlate::TraceResult,
    remotes: usize,
) {
    let bytes: u64 = res.reports.iter().map(|r| r.bytes).sum();
    let ranged = t.since.is_some() || t.until.is_some();
    let ids: Vec<String> = t.ids.iter().map(|i| format!("'{}'", sanitize(i))).collect();
    eprintln!(
        "casefile: trace: no event holds {} as a whole token in {} source(s) ({bytes} bytes){}",
        ids.join(" or "),
        res.reports.len() + remotes,
        if ranged {
            format!(" in {} (UTC)", super::range_text(t.since, t.until))
        } else {
            String::new()
        }
    );
    // `casefile trace logs/ ee23...`: the "id" is a path, the "path" an id or nothing.
    if let Some(id) = t.ids.first() {
        let swapped = cfg
            .paths
            .iter()
            .find(|p| *p != "-" && (!std::path::Path::new(p).exists() || looks_like_id(p)));
        if let (true, Some(p)) = (std::path::Path::new(id).exists(), swapped) {
            eprintln!(
                "casefile: trace: '{}' is a path and '{}' is not: swapped? the id comes first: \
                 casefile trace <id> <paths>, here: casefile trace {} {}",
                sanitize(id),
                sanitize(p),
                sanitize(p),
                sanitize(id)
            );
            return;
        }
    }
    if inputs.is_empty() {
        return;
    }
    let v = Occurrences::new(&t.ids);
    let (accs, _) = read_sources(
        inputs,
        &cfg.parser,
        &ReadOptions {
            bound: None,
            ..cfg.read.clone()
        },
        &v,
    );
    let mut total = vec![Occ::default(); t.ids.len()];
    for (_, acc) in accs {
        for (a, b) in total.iter_mut().zip(acc) {
            a.whole += b.whole;
            a.inside += b.inside;
            if a.example.is_none() {
                a.example = b.example;
            }
        }
    }
    for (id, o) in t.ids.iter().zip(&total) {
        if o.whole > 0 && ranged {
            eprintln!(
                "casefile: trace: '{}' occurs {} time(s) as a whole token outside {} (UTC); \
                 widen or drop --since/--until",
                sanitize(id),
                o.whole,
                super::range_text(t.since, t.until)
            );
        } else if o.whole == 0 && o.inside > 0 {
            eprintln!(
                "casefile: trace: '{}' occurs {} time(s) only inside longer tokens (e.g. {}); \
                 ids match whole tokens",
                sanitize(id),
                o.inside,
                sanitize(o.example.as_deref().unwrap_or("?"))
            );
        }
    }
}

/// Where an id occurs in a record: as a whole token, or inside a longer one.
#[derive(Default, Clone)]
struct Occ {
    whole: u64,
    inside: u64,
    /// The first longer token it was found inside.
    example: Option<String>,
}

/// Counts each id's occurrences in every record, whole tokens or not (an empty trace only).
struct Occurrences {
    finders: Vec<memchr::memmem::Finder<'static>>,
}

impl Occurrences {
    fn new(ids: &[String]) -> Occurrences {
        Occurrences {
            finders: ids
                .iter()
                .map(|i| memchr::memmem::Finder::new(i.as_bytes()).into_owned())
                .collect(),
        }
    }
}

impl Visitor for Occurrences {
    type Acc = Vec<Occ>;
    fn new_acc(&self) -> Vec<Occ> {
        vec![Occ::default(); self.finders.len()]
    }
    fn visit(&self, acc: &mut Vec<Occ>, ev: RawEvent<'_>) {
        let hay = ev.bytes;
        for (f, o) in self.finders.iter().zip(acc.iter_mut()) {
            let n = f.needle().len();
            if n == 0 {
                continue;
            }
            for s in f.find_iter(hay) {
                if is_token_boundary(hay, s, s + n) {
                    o.whole += 1;
                    continue;
                }
                o.inside += 1;
                if o.example.is_none() {
                    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
                    let mut a = s;
                    while a > 0 && word(hay[a - 1]) && s - a < 64 {
                        a -= 1;
                    }
                    let mut b = s + n;
                    while b < hay.len() && word(hay[b]) && b - (s + n) < 64 {
                        b += 1;
                    }
                    o.example = Some(String::from_utf8_lossy(&hay[a..b]).into_owned());
                }
            }
        }
    }
    fn rebase(&self, _acc: &mut Vec<Occ>, _base: u64) {}
}

/// A request whose events span more than this is suspect: an id shared by unrelated requests,
/// or misread times.
pub(super) const PLAUSIBLE_TRACE_SPAN_NS: i64 = 86_400 * 1_000_000_000;

/// The summary on stderr (`bundle` prints it too): the request's own events and its services first; context added by
/// `--window` (`window`: its width as written) is counted separately.
pub(super) fn trace_summary_within(res: &correlate::TraceResult, window: Option<String>) {
    let matched: Vec<&TracedEvent> = res.events.iter().filter(|e| !e.context).collect();
    let context = res.events.len() - matched.len();
    let count = |evs: &mut dyn Iterator<Item = &TracedEvent>| {
        let mut per: BTreeMap<String, usize> = BTreeMap::new();
        for e in evs {
            *per.entry(sanitize(e.event.service.as_deref().unwrap_or("-")))
                .or_default() += 1;
        }
        per
    };
    let per_service = count(&mut matched.iter().copied());
    let per_context = count(&mut res.events.iter().filter(|e| e.context));
    let span = Span::of(matched.iter().filter_map(|e| e.event.ts)).bounds();
    let mut err = io::stderr().lock();
    let _ = match &window {
        Some(w) => writeln!(
            err,
            "casefile: trace: {} event(s) of the request in {} service(s), {} id(s) followed in \
             {} round(s); {context} context event(s) within {w}",
            matched.len(),
            per_service.len(),
            res.followed.len(),
            res.rounds
        ),
        None => writeln!(
            err,
            "casefile: trace: {} event(s) in {} service(s), {} id(s) followed in {} round(s)",
            matched.len(),
            per_service.len(),
            res.followed.len(),
            res.rounds
        ),
    };
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
    if window.is_some() {
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
    let list = |per: &BTreeMap<String, usize>| {
        per.iter()
            .map(|(s, n)| format!("{s} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = writeln!(err, "  per service: {}", list(&per_service));
    if !per_context.is_empty() {
        let _ = writeln!(err, "  context per service: {}", list(&per_context));
    }
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
