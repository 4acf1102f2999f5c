//! `events`: every record passing the time, level, service and text filters, as a timeline.

use std::io::{self, Write};

use super::{bounded, collect_problems, Remotes};
use crate::config::{Config, EventFilter};
use crate::correlate::{sort_timeline, TracedEvent};
use crate::model::Event;
use crate::parse::Parser;
use crate::report::json::traced_line;
use crate::report::terminal::{timeline_row, Style};
use crate::source::{read_sources, Input, Problem, RawEvent, Visitor};

/// The record as an event if it passes the filter (`--grep` is tried before parsing).
/// The filter on an event already made (a remote record).
pub(super) fn event_passes(f: &EventFilter, e: &Event) -> bool {
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

pub(super) fn filtered_event(f: &EventFilter, parser: &Parser, ev: &RawEvent<'_>) -> Option<Event> {
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

pub(super) struct EventsVisitor<'a> {
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

pub(super) fn events(
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
pub(super) fn print_timeline(
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
