//! `scan`: what each source is (dialect, lines, events, time range, levels, disorder) and the top error signatures.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_json::json;

use super::collect_problems;
use crate::config::Config;
use crate::model::{Level, Span, Timestamp};
use crate::parse::Parser;
use crate::report::terminal::{sanitize, Style};
use crate::report::width;
use crate::signatures::{Collector, SigAcc};
use crate::source::{read_sources, Input, Problem, RawEvent, Visitor};

#[derive(Default, Clone)]
pub(super) struct ScanAcc {
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
pub(super) fn count(map: &mut BTreeMap<String, u64>, key: &str) {
    match map.get_mut(key) {
        Some(n) => *n += 1,
        None => {
            map.insert(key.to_string(), 1);
        }
    }
}

pub(super) struct ScanVisitor<'a> {
    parser: &'a Parser,
    redactor: &'a crate::redact::Redactor,
    /// Error and fatal events, for the top error signatures.
    errors: Collector,
}

/// How many error signatures `scan` shows.
pub(super) const SCAN_TOP_SIGNATURES: usize = 5;

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

pub(super) fn scan(
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
        print_table(
            &reports,
            &per,
            &total,
            &errors,
            error_signature_count,
            out,
            style,
        )?;
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

/// The per-source table, its total row and the top error signatures, in aligned columns: each
/// as wide as its widest cell, the source column at most [`width::path_column`] (longer paths
/// are cut in the middle).
fn print_table(
    reports: &[crate::source::SourceReport],
    per: &[ScanAcc],
    total: &ScanAcc,
    errors: &crate::signatures::SignatureReport,
    error_signature_count: usize,
    out: &mut dyn Write,
    style: &Style,
) -> io::Result<()> {
    let total_label = format!("{} sources", reports.len());
    let dialects: Vec<String> = reports
        .iter()
        .map(|r| match (&r.dialect, r.compression) {
            (Some(d), Some(c)) => format!("{d}+{c}"),
            (Some(d), None) => d.clone(),
            (None, _) if !r.read => "SKIPPED".into(),
            (None, _) => "unknown".into(),
        })
        .collect();
    let total_lines: u64 = reports.iter().map(|r| r.lines).sum();
    let ranges: Vec<String> = per.iter().map(range_text).collect();
    let total_range = range_text(total);
    let dw = width::column(
        "dialect",
        dialects
            .iter()
            .map(String::as_str)
            .chain([total_label.as_str()]),
        usize::MAX,
    );
    let lw = width::column("lines", [total_lines.to_string().as_str()], usize::MAX);
    let ew = width::column("events", [total.events.to_string().as_str()], usize::MAX);
    let rw = width::column(
        "time range (UTC)",
        ranges
            .iter()
            .map(String::as_str)
            .chain([total_range.as_str()]),
        usize::MAX,
    );
    let sources: Vec<String> = reports.iter().map(|r| sanitize(&r.source)).collect();
    let max = width::path_column(dw + lw + ew + rw + 2 + 2 * 4 + "levels".len());
    let sw = width::column("source", sources.iter().map(String::as_str), max);
    let row = |src: &str, dialect: &str, lines: &str, events: &str, range: &str| {
        format!(
            "{}  {}  {}  {}  {}  ",
            width::pad_right(&width::truncate_middle(src, sw), sw),
            width::pad_right(dialect, dw),
            width::pad_left(lines, lw),
            width::pad_left(events, ew),
            width::pad_right(range, rw),
        )
    };
    writeln!(
        out,
        "{}",
        style.bold(&format!(
            "{}levels",
            row("source", "dialect", "lines", "events", "time range (UTC)")
        ))
    )?;
    for (i, (r, a)) in reports.iter().zip(per).enumerate() {
        writeln!(
            out,
            "{}{}",
            row(
                &sources[i],
                &dialects[i],
                &r.lines.to_string(),
                &a.events.to_string(),
                &ranges[i]
            ),
            levels_text(a, style)
        )?;
    }
    writeln!(
        out,
        "{}{}",
        row(
            "total",
            &total_label,
            &total_lines.to_string(),
            &total.events.to_string(),
            &total_range
        ),
        levels_text(total, style)
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
        let services: Vec<String> = errors
            .signatures
            .iter()
            .map(|s| sanitize(&s.services.keys().cloned().collect::<Vec<_>>().join(",")))
            .collect();
        let cw = width::column(
            "",
            errors
                .signatures
                .iter()
                .map(|s| s.count.to_string())
                .collect::<Vec<_>>()
                .iter()
                .map(String::as_str),
            usize::MAX,
        );
        let vw = width::column("", services.iter().map(String::as_str), 32);
        for (s, svc) in errors.signatures.iter().zip(&services) {
            writeln!(
                out,
                "{}  {}  {}  {}",
                width::pad_left(&s.count.to_string(), cw.max(7)),
                s.id,
                width::pad_right(&width::truncate_middle(svc, vw), vw),
                style.level(Some(Level::Error), &sanitize(&s.template))
            )?;
        }
    }
    Ok(())
}

pub(super) fn levels_json(a: &ScanAcc) -> serde_json::Value {
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

pub(super) fn range_text(a: &ScanAcc) -> String {
    match a.span.bounds() {
        Some((f, l)) => format!("{} .. {}", f.to_rfc3339(), l.to_rfc3339()),
        _ => "-".into(),
    }
}

pub(super) fn levels_text(a: &ScanAcc, style: &Style) -> String {
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
