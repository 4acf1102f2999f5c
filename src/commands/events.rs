//! `events`: every record passing the time, level, service and text filters, as a timeline.

use std::io::{self, Write};

use super::{
    bounded, collect_problems, inputs_span, paths_text, range_text, untimed_note, Remotes,
};
use crate::config::{Config, EventFilter};
use crate::correlate::{sort_timeline, TracedEvent};
use crate::model::{Event, Timestamp};
use crate::parse::Parser;
use crate::report::json::traced_line;
use crate::report::terminal::{sanitize, RowMark, Style, TimelineLayout};
use crate::source::{read_sources, Input, Problem, RawEvent, Visitor};

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

/// What the time range held before the other filters, for an empty answer to tell.
#[derive(Default, Clone, Copy)]
pub(super) struct Held {
    /// Records in the time range (every record without one), before `--level`, `--service`
    /// and `--grep`; counted only while `count` was asked (until a record passes).
    pub in_range: u64,
    /// Records that passed `--grep` and were left out of the time range for having no time.
    pub untimed: u64,
}

impl Held {
    pub fn add(&mut self, o: Held) {
        self.in_range += o.in_range;
        self.untimed += o.untimed;
    }
}

/// The record as an event if it passes the filter (`--grep` is tried before parsing),
/// counting into `held` what the range held of the records `--grep` kept (when `count`, until
/// a unit has an answer) and the records without a time a range left out (always).
pub(super) fn filtered_event_counted(
    f: &EventFilter,
    parser: &Parser,
    ev: &RawEvent<'_>,
    held: &mut Held,
    count: bool,
) -> Option<Event> {
    let ranged = f.since.is_some() || f.until.is_some();
    let in_range =
        |t: Timestamp| !(f.since.is_some_and(|s| t < s) || f.until.is_some_and(|u| t >= u));
    if let Some(re) = &f.grep {
        // Not counted here: reading the time of every record `--grep` rules out would slow
        // every ranged grep; an empty answer counts the range in a second pass
        // ([`count_in_range`]).
        if !re.is_match(ev.bytes) {
            return None;
        }
    }
    // A peek rules most records out without the full parse.
    if let Some(p) = ev.peek(parser) {
        if !in_range(p.ts) {
            return None;
        }
        if f.level.is_some_and(|min| p.level < min)
            || (!f.services.is_empty()
                && !p.service.is_some_and(|s| f.services.iter().any(|x| x == s)))
        {
            if count {
                held.in_range += 1;
            }
            return None;
        }
    }
    let e = ev.to_event(parser);
    if ranged {
        let Some(ts) = e.ts else {
            held.untimed += 1;
            return None;
        };
        if !in_range(ts) {
            return None;
        }
    }
    if count {
        held.in_range += 1;
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

/// Records in the time range (every record, without a range): what an empty answer that had
/// `--grep` tells. A second, time-only pass, so only empty answers pay for it; a time range is
/// sought, so only its bytes are read.
struct RangeCount<'a> {
    parser: &'a Parser,
    filter: &'a EventFilter,
}

impl Visitor for RangeCount<'_> {
    type Acc = u64;
    fn new_acc(&self) -> u64 {
        0
    }
    fn visit(&self, acc: &mut u64, ev: RawEvent<'_>) {
        // The bounded read has dropped what has no time or lies outside the range's ends,
        // which it keeps both of: `--until` is exclusive.
        let f = self.filter;
        if f.since.is_none() && f.until.is_none() {
            *acc += 1;
        } else if let Some(t) = ev.time(self.parser) {
            if !(f.since.is_some_and(|s| t < s) || f.until.is_some_and(|u| t >= u)) {
                *acc += 1;
            }
        }
    }
    fn rebase(&self, _acc: &mut u64, _base: u64) {}
}

pub(super) fn count_in_range(cfg: &Config, f: &EventFilter, inputs: &[Input]) -> u64 {
    if inputs.is_empty() {
        return 0;
    }
    let v = RangeCount {
        parser: &cfg.parser,
        filter: f,
    };
    let (accs, _) = read_sources(
        inputs,
        &cfg.parser,
        &bounded(&cfg.read, f.since, f.until),
        &v,
    );
    accs.into_iter().map(|(_, n)| n).sum()
}

pub(super) struct EventsVisitor<'a> {
    parser: &'a Parser,
    filter: &'a EventFilter,
}

impl Visitor for EventsVisitor<'_> {
    type Acc = (Vec<Event>, Held);
    fn new_acc(&self) -> Self::Acc {
        (Vec::new(), Held::default())
    }
    fn visit(&self, acc: &mut Self::Acc, ev: RawEvent<'_>) {
        // Once a unit has an event the answer is not empty: the range's count is not needed.
        let count = acc.0.is_empty();
        if let Some(e) = filtered_event_counted(self.filter, self.parser, &ev, &mut acc.1, count) {
            acc.0.push(e);
        }
    }
    fn rebase(&self, acc: &mut Self::Acc, base: u64) {
        for e in &mut acc.0 {
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
    let mut held = Held::default();
    let pulled = remotes.pull_all(cfg, problems);
    let remote_in_range = pulled
        .iter()
        .filter(|(_, e)| {
            e.ts.is_some_and(|t| {
                !(f.since.is_some_and(|s| t < s) || f.until.is_some_and(|u| t >= u))
            }) || (f.since.is_none() && f.until.is_none())
        })
        .count() as u64;
    held.in_range += remote_in_range;
    let remote_events: Vec<(usize, Event)> = pulled
        .into_iter()
        .filter(|(_, e)| event_passes(f, e))
        .map(|(i, e)| (inputs.len() + i, e))
        .collect();
    let mut evs: Vec<TracedEvent> = accs
        .into_iter()
        .flat_map(|(i, (a, h))| {
            held.add(h);
            a.into_iter().map(move |e| (i, e))
        })
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
    if f.since.is_some() || f.until.is_some() {
        untimed_note(
            "events",
            held.untimed + reports.iter().map(|r| r.untimed).sum::<u64>(),
        );
    }
    if evs.is_empty() {
        if f.grep.is_some() {
            held.in_range = count_in_range(cfg, f, inputs) + remote_in_range;
        }
        let sources = inputs.len() + remotes.list.len();
        eprintln!(
            "casefile: events: {}",
            empty_answer(cfg, f, held.in_range, sources, inputs)
        );
    }
    Ok(!evs.is_empty())
}

/// Why `events` or `cluster` found nothing: the range held no record (and where the inputs'
/// times are), or the other filters removed the `in_range` records it held.
pub(super) fn empty_answer(
    cfg: &Config,
    f: &EventFilter,
    in_range: u64,
    sources: usize,
    inputs: &[Input],
) -> String {
    let ranged = f.since.is_some() || f.until.is_some();
    let mut filters = Vec::new();
    if let Some(l) = f.level {
        filters.push(format!("--level {l}"));
    }
    for s in &f.services {
        filters.push(format!("--service {}", sanitize(s)));
    }
    if let Some(re) = &f.grep {
        filters.push(format!("--grep '{}'", sanitize(re.as_str())));
    }
    let range = range_text(f.since, f.until);
    if in_range == 0 && ranged {
        let span = match inputs_span(inputs, &cfg.parser, &cfg.read) {
            Some((a, b)) => format!("the inputs span {a} .. {b}"),
            None => "no record of the inputs has a time".into(),
        };
        format!(
            "0 events in {range} (UTC) over {sources} source(s); {span}; casefile scan {} \
             shows each source's time range",
            paths_text(cfg)
        )
    } else if in_range == 0 {
        format!("no record in {sources} source(s)")
    } else if filters.is_empty() {
        // Only the exclusive `--until` edge or records without a time can land here.
        format!("0 events in {range} (UTC) over {sources} source(s)")
    } else {
        format!(
            "0 of the {in_range} event(s) {} pass {}; loosen or drop them",
            if ranged {
                format!("in {range} (UTC) over {sources} source(s)")
            } else {
                format!("in {sources} source(s)")
            },
            filters.join(", ")
        )
    }
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
    // Service names are not redacted: the columns are as wide before and after.
    let layout = TimelineLayout::of(evs.iter().map(|t| &t.event), false);
    for t in evs {
        writeln!(
            out,
            "{}",
            layout.row(&shown(redactor, t).event, RowMark::Plain, style)
        )?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
