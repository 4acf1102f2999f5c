//! `cluster`: error lines into signatures (counts, first/last seen, examples); the mining `baseline` and `check` share.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::events::{empty_answer, event_passes, filtered_event_counted, Held};
use super::{bounded, collect_problems, untimed_note, Remotes};
use crate::config::{ClusterConfig, Config, EventFilter};
use crate::model::{Event, Level};
use crate::parse::Parser;
use crate::report::terminal::{sanitize, Style};
use crate::signatures::{sparkline, Collector, EventFacts, SigAcc, SignatureReport};
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
pub(super) fn print_signatures(
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
