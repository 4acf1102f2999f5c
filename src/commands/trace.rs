//! `trace`: one request's events across services, and the summary of how they were found.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

use super::events::print_timeline;
use super::{collect_problems, Remotes};
use crate::config::{Config, TraceConfig};
use crate::correlate::{self, TraceQuery, TracedEvent};
use crate::model::Span;
use crate::report::terminal::{sanitize, Style};
use crate::source::{Input, Problem};

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
    print_timeline(cfg, &res.events, out, style)?;
    trace_summary(&res, t.window_ns.is_some());
    Ok(res.events.iter().any(|e| !e.context))
}

/// A request whose events span more than this is suspect: an id shared by unrelated requests,
/// or misread times.
pub(super) const PLAUSIBLE_TRACE_SPAN_NS: i64 = 86_400 * 1_000_000_000;

pub(super) fn trace_summary(res: &correlate::TraceResult, window: bool) {
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
