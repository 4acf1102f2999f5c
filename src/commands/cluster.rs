//! `cluster`: error lines into signatures (counts, first/last seen, examples); the mining `baseline` and `check` share.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::events::{empty_answer, event_passes, filtered_event_counted, Held};
use super::{bounded, collect_problems, untimed_note, Remotes};
use crate::config::{ClusterConfig, Config, EventFilter};
use crate::model::{Event, Level};
use crate::parse::Parser;
use crate::report::terminal::{sanitize, Style};
use crate::report::width;
use crate::signatures::{sparkline, Collector, EventFacts, SigAcc, SignatureReport, SPARK_BUCKETS};
use crate::source::{read_sources, Input, Problem, RawEvent, Visitor};

pub(super) struct ClusterVisitor<'a> {
    parser: &'a Parser,
    redactor: &'a crate::redact::Redactor,
    filter: &'a EventFilter,
    plain: bool,
    collector: &'a Collector,
}

/// A unit's signatures, what its time range held ([`Held`]) and how many events it kept.
pub(super) struct ClusterAcc {
    sigs: SigAcc,
    held: Held,
    kept: u64,
}

impl Visitor for ClusterVisitor<'_> {
    type Acc = ClusterAcc;
    fn new_acc(&self) -> ClusterAcc {
        ClusterAcc {
            sigs: SigAcc::default(),
            held: Held::default(),
            kept: 0,
        }
    }
    fn visit(&self, whole: &mut ClusterAcc, ev: RawEvent<'_>) {
        let acc = &mut whole.sigs;
        if self.plain {
            whole.held.in_range += 1;
            whole.kept += 1;
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
        // Once a unit kept an event the answer is not empty: the range's count is not needed.
        let count = whole.kept == 0;
        if let Some(e) =
            filtered_event_counted(self.filter, self.parser, &ev, &mut whole.held, count)
        {
            whole.kept += 1;
            let text = crate::baseline::stable_text(&e, self.redactor);
            self.collector.add(acc, &e, &text);
        }
    }
    fn rebase(&self, acc: &mut ClusterAcc, base: u64) {
        acc.sigs.rebase(base);
    }
    fn end_unit(&self, acc: &mut ClusterAcc) {
        self.collector.end_unit(&mut acc.sigs);
    }
}

pub(super) fn cluster(
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
    let pulled = remotes.pull_all(cfg, problems);
    let remote_held = pulled
        .iter()
        .filter(|(_, e)| match e.ts {
            Some(t) => {
                !(c.filter.since.is_some_and(|s| t < s) || c.filter.until.is_some_and(|u| t >= u))
            }
            None => c.filter.since.is_none() && c.filter.until.is_none(),
        })
        .count() as u64;
    let remote_events: Vec<(usize, Event)> = pulled
        .into_iter()
        .filter(|(_, e)| event_passes(&c.filter, e))
        .collect();
    let (mut rep, mut held, untimed) = mine_signatures_held(
        cfg,
        inputs,
        problems,
        &c.filter,
        c.plain,
        collector,
        remote_events,
    )?;
    held.in_range += remote_held;
    if c.filter.since.is_some() || c.filter.until.is_some() {
        untimed_note("cluster", untimed);
    }
    if rep.signatures.is_empty() {
        if c.filter.grep.is_some() && !c.plain {
            held.in_range = super::events::count_in_range(cfg, &c.filter, inputs) + remote_held;
        }
        let sources = inputs.len() + remotes.list.len();
        eprintln!(
            "casefile: cluster: no signature: {}",
            empty_answer(cfg, &c.filter, held.in_range, sources, inputs)
        );
    }
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
///
/// One row per signature (count, id, first seen, trend, template) in columns as wide as their
/// widest cell, then its last time, services and examples, and a line per hole with its most
/// common values ([`hole_line`]). The footer counts what the table shows and what `--top` left
/// out, in signatures and in events.
pub(super) fn print_signatures(
    rep: &SignatureReport,
    all: usize,
    out: &mut dyn Write,
    style: &Style,
) -> io::Result<()> {
    let counts: Vec<String> = rep.signatures.iter().map(|s| s.count.to_string()).collect();
    let firsts: Vec<&str> = rep
        .signatures
        .iter()
        .map(|s| s.first_seen.as_deref().unwrap_or("-"))
        .collect();
    let cw = width::column("count", counts.iter().map(String::as_str), usize::MAX);
    let fw = width::column("first seen (UTC)", firsts.iter().copied(), usize::MAX);
    let row = |count: &str, id: &str, first: &str, trend: &str| {
        format!(
            "{}  {}  {}  {}  ",
            width::pad_left(count, cw),
            width::pad_right(id, 16),
            width::pad_right(first, fw),
            width::pad_right(trend, SPARK_BUCKETS),
        )
    };
    let indent = " ".repeat(cw + 2);
    writeln!(
        out,
        "{}",
        style.bold(&format!(
            "{}template",
            row("count", "signature", "first seen (UTC)", "trend")
        ))
    )?;
    for (i, s) in rep.signatures.iter().enumerate() {
        let lvl = s.levels.keys().filter_map(|l| Level::parse(l)).max();
        writeln!(
            out,
            "{}{}",
            row(&counts[i], &s.id, firsts[i], &sparkline(&s.histogram)),
            style.level(lvl, &sanitize(&s.template))
        )?;
        let services: Vec<String> = s.services.keys().map(|k| sanitize(k)).collect();
        writeln!(
            out,
            "{indent}{}",
            style.dim(&format!(
                "last {}  services {}  e.g. {}",
                s.last_seen.as_deref().unwrap_or("-"),
                if services.is_empty() {
                    "-".into()
                } else {
                    services.join(",")
                },
                sanitize(&s.examples.join(" "))
            ))
        )?;
        let names = hole_names(&s.template, s.holes.len());
        for (h, values) in s.holes.iter().enumerate().take(MAX_HOLE_LINES) {
            let exact = s.holes_exact.get(h).copied().unwrap_or(false);
            if let Some(line) = hole_line(&names[h], values, exact, s.count) {
                writeln!(out, "{indent}{}", style.dim(&line))?;
            }
        }
        if s.holes.len() > MAX_HOLE_LINES {
            writeln!(
                out,
                "{indent}{}",
                style.dim(&format!(
                    "{} more hole(s): --json for all",
                    s.holes.len() - MAX_HOLE_LINES
                ))
            )?;
        }
        if let Some(k) = &s.known_issue {
            writeln!(out, "{indent}known issue: {}", sanitize(&k.to_string()))?;
        }
    }
    writeln!(out, "{}", footer(rep, all))?;
    Ok(())
}

/// Most hole lines shown under one signature.
const MAX_HOLE_LINES: usize = 6;
/// Most values shown on a hole line.
const HOLE_VALUES_SHOWN: usize = 3;
/// Widest a value is shown on a hole line (longer ones are cut in the middle).
const HOLE_VALUE_WIDTH: usize = 40;

/// The table's last line: every event and signature, and when `--top` cut the list, how many
/// signatures and events are shown and how many are not.
fn footer(rep: &SignatureReport, all: usize) -> String {
    let shown = rep.signatures.len();
    let shown_events: u64 = rep.signatures.iter().map(|s| s.count).sum();
    let mut text = if shown < all {
        let rest = rep.events.saturating_sub(shown_events);
        format!(
            "{shown} of {all} signature(s) shown, {shown_events} of {} event(s); {} more with \
             {rest} event(s): leave out --top to see all",
            rep.events,
            all - shown
        )
    } else {
        format!("{} event(s) in {all} signature(s)", rep.events)
    };
    if rep.evictions > 0 {
        text.push_str(&format!(
            "; {} event(s) past the signature cap went to the catch-all <*>",
            rep.evictions
        ));
    }
    text
}

/// The holes of `template`, left to right, named by their placeholder and position (`<*>#1`,
/// `<NUM>#2`); `#N` alone when the template does not show `n` placeholders.
fn hole_names(template: &str, n: usize) -> Vec<String> {
    const PLACEHOLDERS: [&str; 7] = ["<*>", "<NUM>", "<HEX>", "<UUID>", "<IP>", "<PATH>", "<URL>"];
    let mut found = Vec::new();
    let mut rest = template;
    while let Some(i) = rest.find('<') {
        let after = &rest[i..];
        match PLACEHOLDERS.iter().find(|p| after.starts_with(**p)) {
            Some(p) => {
                found.push(*p);
                rest = &after[p.len()..];
            }
            None => rest = &after[1..],
        }
    }
    (1..=n)
        .map(|i| match (found.len() == n, found.get(i - 1)) {
            (true, Some(p)) => format!("{p}#{i}"),
            _ => format!("#{i}"),
        })
        .collect()
}

/// `<*>#1: 10.0.0.7 (41), 10.0.0.9 (12), 10.0.0.3 (5), other (17)`: a hole's most common
/// values with their counts (values as mined: redacted), and how many of the signature's
/// `count` events held another value. When the counts are not `exact` (more distinct values
/// than the counters keep) they are not shown, only a few values: `<NUM>#1: many values,
/// e.g. 853158, 853160, 853161`. `None` for a hole with no value kept.
pub(super) fn hole_line(
    name: &str,
    values: &[(String, u64)],
    exact: bool,
    count: u64,
) -> Option<String> {
    if values.is_empty() {
        return None;
    }
    let shown = &values[..values.len().min(HOLE_VALUES_SHOWN)];
    let value = |v: &str| width::truncate_middle(&sanitize(v), HOLE_VALUE_WIDTH).into_owned();
    if !exact {
        let vs: Vec<String> = shown.iter().map(|(v, _)| value(v)).collect();
        return Some(format!("{name}: many values, e.g. {}", vs.join(", ")));
    }
    let mut parts: Vec<String> = shown
        .iter()
        .map(|(v, n)| format!("{} ({n})", value(v)))
        .collect();
    let other = count.saturating_sub(shown.iter().map(|(_, n)| n).sum());
    if other > 0 {
        parts.push(format!("other ({other})"));
    }
    Some(format!("{name}: {}", parts.join(", ")))
}

// ---------------------------------------------------------------------------------------------

/// Read the inputs and mine signatures (`cluster`, `baseline`, `check` share this).
pub(super) fn mine_signatures(
    cfg: &Config,
    inputs: &[Input],
    problems: &mut Vec<Problem>,
    filter: &EventFilter,
    plain: bool,
    collector: Collector,
    remote_events: Vec<(usize, Event)>,
) -> io::Result<SignatureReport> {
    mine_signatures_held(
        cfg,
        inputs,
        problems,
        filter,
        plain,
        collector,
        remote_events,
    )
    .map(|(rep, _, _)| rep)
}

/// [`mine_signatures`], with what the files' time range held (an empty answer tells it) and
/// how many records it left out for having no time.
fn mine_signatures_held(
    cfg: &Config,
    inputs: &[Input],
    problems: &mut Vec<Problem>,
    filter: &EventFilter,
    plain: bool,
    collector: Collector,
    remote_events: Vec<(usize, Event)>,
) -> io::Result<(SignatureReport, Held, u64)> {
    let v = ClusterVisitor {
        parser: &cfg.parser,
        redactor: &cfg.redactor,
        filter,
        plain,
        collector: &collector,
    };
    let (accs, reports) = if inputs.is_empty() {
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
    let mut held = Held::default();
    let mut accs: Vec<(usize, SigAcc)> = accs
        .into_iter()
        .map(|(i, a)| {
            held.add(a.held);
            (i, a.sigs)
        })
        .collect();
    let untimed = held.untimed + reports.iter().map(|r| r.untimed).sum::<u64>();
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
    Ok((collector.finish(accs, &names), held, untimed))
}
