//! Raw record -> [`Event`]: the dialect table (`dialects.toml`, extendable from the config file),
//! detection by sampling with a per-line fallback, where records start (multi-line joining), and
//! the mapping of each dialect's fields onto timestamp, level, service, message and ids.

pub mod cloudtrail;
pub mod columns;
pub mod dialects;
pub mod fields;
pub mod frame;
mod logfmt;
pub mod patterns;
pub mod service;
mod structured;
pub mod timestamp;
pub mod winxml;

use std::collections::BTreeMap;
use std::sync::Arc;

use regex::bytes::{Regex, RegexBuilder};
use serde::Deserialize;
use serde_json::Value;

use crate::model::{Event, Level, Timestamp};
use fields::IdKeys;
pub use frame::Frames;
pub use logfmt::{logfmt, logfmt_pairs, Logfmt};
pub use timestamp::{DayAnchor, TimeContext};

/// The built-in dialect table.
pub const BUILTIN_DIALECTS: &str = include_str!("dialects.toml");

/// One dialect as written in TOML (built-in table or the user's config file).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DialectSpec {
    pub name: String,
    /// `json`, `logfmt`, `regex` or `generic`.
    pub kind: String,
    pub regex: Option<String>,
    /// Where a record starts (multi-line dialects); defaults to `regex`.
    pub start: Option<String>,
    /// Template over the regex groups when there is no `message` group: `"{method} {path}"`.
    pub message: Option<String>,
    #[serde(default)]
    pub multiline: bool,
    /// A more specific reading of another dialect's lines (`haproxy` refines `syslog-3164`):
    /// in a source of that dialect, each line is tried with this one first.
    pub refines: Option<String>,
}

#[derive(Deserialize)]
struct DialectFile {
    #[serde(default)]
    dialect: Vec<DialectSpec>,
}

/// Parse a TOML text holding `[[dialect]]` tables.
pub fn parse_dialect_specs(text: &str) -> Result<Vec<DialectSpec>, String> {
    toml::from_str::<DialectFile>(text)
        .map(|f| f.dialect)
        .map_err(|e| e.to_string())
}

#[derive(Debug)]
enum Kind {
    Json,
    Logfmt,
    Regex(Regex),
    Generic,
}

/// A compiled dialect.
#[derive(Debug)]
pub struct Dialect {
    pub name: Arc<str>,
    kind: Kind,
    start: Option<Regex>,
    message_template: Option<String>,
    pub multiline: bool,
    /// The regex has a `tag` group (CRI's `P`/`F`): a line tagged `P` is a partial line that
    /// the next line continues.
    partials: bool,
    refines: Option<String>,
    /// The dialects that refine this one (see [`DialectSpec::refines`]).
    refined_by: Vec<usize>,
    /// A built-in dialect's byte scanner, read instead of its regex (same answers).
    scanner: Option<&'static dialects::Scanner>,
    /// The `ts` group's index, and whether another group can set the time.
    time_groups: std::sync::OnceLock<(Option<usize>, bool)>,
}

impl Dialect {
    /// The regex's groups on `line`, by the dialect's scanner when it has one, into `slots`
    /// (one per group of `re`, the dialect's regex); `false` when the line does not match.
    fn read_groups(&self, re: &Regex, line: &[u8], slots: &mut dialects::Slots) -> bool {
        match self.scanner {
            Some(s) => (s.scan)(line, slots),
            None => match re.captures(line) {
                Some(caps) => {
                    for (i, slot) in slots.iter_mut().enumerate() {
                        *slot = caps.get(i).map(|m| m.range());
                    }
                    true
                }
                None => false,
            },
        }
    }

    /// The `ts` group's index, and whether another group can set or replace the time (then
    /// only the full parse knows the record's time).
    fn time_groups(&self) -> (Option<usize>, bool) {
        *self.time_groups.get_or_init(|| match &self.kind {
            Kind::Regex(re) => {
                let names: Vec<Option<&str>> = re.capture_names().collect();
                let ts = names.iter().position(|n| *n == Some("ts"));
                let extra = names.iter().any(|n| matches!(n, Some("ts2" | "inner")));
                (ts, extra)
            }
            _ => (None, true),
        })
    }

    pub fn compile(spec: &DialectSpec) -> Result<Dialect, String> {
        let kind = match spec.kind.as_str() {
            "json" => Kind::Json,
            "logfmt" => Kind::Logfmt,
            "generic" => Kind::Generic,
            "regex" => {
                let re = spec.regex.as_deref().ok_or_else(|| {
                    format!(
                        "dialect '{}': kind = \"regex\" needs a `regex = '...'` with named groups",
                        spec.name
                    )
                })?;
                Kind::Regex(
                    compile(re).map_err(|e| format!("dialect '{}': regex: {e}", spec.name))?,
                )
            }
            other => {
                return Err(format!(
                    "dialect '{}': unknown kind \"{other}\"; use json, logfmt, regex or generic",
                    spec.name
                ))
            }
        };
        let start = match &spec.start {
            Some(s) => {
                Some(compile(s).map_err(|e| format!("dialect '{}': start: {e}", spec.name))?)
            }
            None => None,
        };
        let partials =
            matches!(&kind, Kind::Regex(re) if re.capture_names().flatten().any(|n| n == "tag"));
        Ok(Dialect {
            name: spec.name.as_str().into(),
            kind,
            start,
            message_template: spec.message.clone(),
            multiline: spec.multiline,
            partials,
            refines: spec.refines.clone(),
            refined_by: Vec::new(),
            scanner: None,
            time_groups: Default::default(),
        })
    }
}

/// A record's time, level, service and dialect, read without the full parse
/// ([`Parser::peek`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Peek<'a> {
    pub ts: Timestamp,
    pub level: Level,
    /// Where in the first line the record's own service is; the source's path names it when
    /// `None`.
    pub service: Option<(usize, usize)>,
    /// Where in the first line the record's logger is: the service when neither the record
    /// nor the source's path names one.
    pub logger: Option<(usize, usize)>,
    /// The dialect's name, with its frames' (`cri+json`).
    pub dialect: &'a str,
}

/// What peeking with one dialect found.
enum PeekWith<'a> {
    Found(Peek<'a>),
    /// The dialect gives no record with a time for this line: the next one is tried.
    NoTimedRecord,
    /// Only the full parse can tell.
    Unsure,
}

/// The compiled table plus everything needed to turn a record into an event.
#[derive(Debug)]
pub struct Parser {
    pub dialects: Vec<Dialect>,
    pub ids: IdKeys,
    /// The user's id patterns, applied to every record on top of its dialect's ids.
    pub patterns: patterns::IdPatterns,
    unknown: Arc<str>,
}

/// A file whose records are laid out by the file itself (a header declares the columns) or are
/// documents: read by [`columns`] or [`winxml`] instead of a line dialect.
#[derive(Clone, Debug)]
pub enum Tabular {
    Columns(Box<columns::Layout>),
    WinXml,
    /// One `{"Records":[...]}` document per line: each line is cut into its records.
    CloudTrail,
}

impl Tabular {
    /// From a source's head sample (text).
    pub fn detect(head: &str) -> Option<Tabular> {
        if cloudtrail::detect(head) {
            return Some(Tabular::CloudTrail);
        }
        if winxml::detect(head) {
            return Some(Tabular::WinXml);
        }
        columns::Layout::detect(head).map(|l| Tabular::Columns(Box::new(l)))
    }

    /// `w3c`, `vpc-flow`, `csv`, `win-xml`.
    pub fn name(&self) -> &'static str {
        match self {
            Tabular::Columns(l) => l.name(),
            Tabular::WinXml => "win-xml",
            Tabular::CloudTrail => "cloudtrail",
        }
    }

    /// A line that is not an event (`#Fields:`, a CSV header row, `<Events>`).
    pub fn is_header(&self, line: &str) -> bool {
        match self {
            Tabular::Columns(l) => l.is_header(line),
            Tabular::WinXml => winxml::is_header(line),
            Tabular::CloudTrail => false,
        }
    }

    pub fn is_record_start(&self, line: &str) -> bool {
        match self {
            Tabular::Columns(l) => l.is_record_start(line),
            Tabular::WinXml => winxml::is_record_start(line),
            Tabular::CloudTrail => true,
        }
    }

    /// One record, with the HTTP status it states (a W3C `sc-status`).
    fn record(&self, text: &str, tctx: &TimeContext) -> Option<(columns::TabRecord, Option<u16>)> {
        match self {
            Tabular::Columns(l) => l.record_with_status(text, tctx),
            Tabular::WinXml => winxml::record(text, tctx).map(|r| (r, None)),
            Tabular::CloudTrail => cloudtrail::record(text, tctx).map(|r| (r, None)),
        }
    }
}

/// A dialect's result on a sample.
#[derive(Clone, Copy, Debug)]
struct Scored {
    index: usize,
    score: usize,
    /// Lines it read, of the lines that may start a record.
    read: usize,
    of: usize,
}

/// What a source's head sample says about it: its frames, the dialect of its records, and how
/// many of the sample's record lines that dialect read (a low share: detected with low
/// confidence, said on stderr and in `scan`).
#[derive(Clone, Debug, Default)]
pub struct Detection {
    pub frames: Frames,
    pub dialect: Option<usize>,
    pub read: usize,
    pub of: usize,
}

impl Detection {
    fn new(frames: Frames, s: Option<Scored>) -> Detection {
        Detection {
            frames,
            dialect: s.map(|s| s.index),
            read: s.map_or(0, |s| s.read),
            of: s.map_or(0, |s| s.of),
        }
    }

    /// Fewer than half of at least 10 sample lines read by the chosen dialect.
    pub fn low_confidence(&self) -> bool {
        self.dialect.is_some() && self.of >= 10 && self.read * 2 < self.of
    }
}

/// A parsed first line, before it becomes an [`Event`].
#[derive(Default, Debug)]
pub struct Record {
    pub ts: Option<Timestamp>,
    pub level: Option<Level>,
    pub service: Option<String>,
    /// The logger (`logger`, `loggerName`, MongoDB's `c`): the service only when neither
    /// `service` nor the file's path names one.
    pub logger: Option<String>,
    pub host: Option<String>,
    /// The HTTP response status, 100..=599 (see [`Event::status`]).
    pub status: Option<u16>,
    pub message: String,
    pub ids: BTreeMap<String, String>,
}

impl Parser {
    /// User dialects come first so they win detection ties.
    pub fn new(user: &[DialectSpec], ids: IdKeys) -> Result<Parser, String> {
        let builtin = parse_dialect_specs(BUILTIN_DIALECTS).expect("built-in dialect table");
        let mut dialects = Vec::new();
        for spec in user {
            dialects.push(Dialect::compile(spec)?);
        }
        for spec in &builtin {
            let mut d = Dialect::compile(spec)?;
            // Only the built-in table's own entries: a user's dialect named like one is read
            // by the user's regex.
            d.scanner = dialects::scanner(&spec.name)
                .filter(|s| matches!(&d.kind, Kind::Regex(re) if re.captures_len() <= dialects::MAX_SLOTS && s.name == spec.name));
            dialects.push(d);
        }
        for i in 0..dialects.len() {
            if let Some(base) = dialects[i].refines.clone() {
                let Some(b) = dialects.iter().position(|d| *d.name == *base) else {
                    return Err(format!(
                        "dialect '{}': refines = \"{base}\", but no dialect has that name",
                        dialects[i].name
                    ));
                };
                dialects[b].refined_by.push(i);
            }
        }
        Ok(Parser {
            dialects,
            ids,
            patterns: patterns::IdPatterns::default(),
            unknown: "unknown".into(),
        })
    }

    /// The same parser, also finding ids with the user's patterns.
    pub fn with_patterns(mut self, patterns: patterns::IdPatterns) -> Parser {
        self.patterns = patterns;
        self
    }

    pub fn default_parser() -> Parser {
        Parser::new(&[], IdKeys::default()).expect("built-in dialects compile")
    }

    pub fn dialect_index(&self, name: &str) -> Option<usize> {
        self.dialects.iter().position(|d| &*d.name == name)
    }

    /// Choose a source's dialect from a sample of its first lines: the one that parses the most
    /// lines with a timestamp (ties go to the earlier, more specific, entry). `None` when no
    /// dialect reads any line. For a multi-line dialect with a `start` pattern, lines count only
    /// from the first that starts a record: a dialect whose lines would all join one record
    /// (`oslo`'s pattern also reads its traceback lines, which never start one) does not fit.
    pub fn detect(&self, sample: &[u8], tctx: &TimeContext) -> Option<usize> {
        let text = String::from_utf8_lossy(sample);
        let lines: Vec<&str> = text.lines().collect();
        self.detect_scored(&lines, tctx).map(|s| s.index)
    }

    /// [`Self::detect`] over lines, with the winner's score (2 per line read with a
    /// timestamp, 1 per line read without) and how many of the lines that may start a record
    /// it read.
    fn detect_scored(&self, lines: &[&str], tctx: &TimeContext) -> Option<Scored> {
        let lines: Vec<&str> = lines
            .iter()
            .copied()
            .filter(|l| !l.trim().is_empty() && !looks_like_continuation(l))
            .take(200)
            .collect();
        if lines.is_empty() {
            return None;
        }
        let mut best: Option<Scored> = None;
        for (i, d) in self.dialects.iter().enumerate() {
            let mut score = 0;
            let mut read = 0;
            let mut started = !(d.multiline && d.start.is_some());
            for (k, l) in lines.iter().enumerate() {
                // A dialect that cannot beat the best so far even if it read every remaining
                // line with a time is not read on (ties go to the earlier dialect anyway).
                let best_score = best.as_ref().map_or(0, |b| b.score);
                if best_score > 0 && score + 2 * (lines.len() - k) <= best_score {
                    break;
                }
                if let Some(r) = self.parse_with(d, l, tctx) {
                    if !started {
                        if !self.is_event_start(Some(i), l.as_bytes()) {
                            continue;
                        }
                        started = true;
                    }
                    read += 1;
                    if r.ts.is_some() {
                        score += 2;
                    } else {
                        score += 1;
                    }
                }
            }
            if score > 0 && best.as_ref().is_none_or(|b| score > b.score) {
                best = Some(Scored {
                    index: i,
                    score,
                    read,
                    of: lines.len(),
                });
            }
        }
        best
    }

    /// A source's frames and inner dialect, from its head sample. Frames that cannot be an
    /// application's own line (CRI, Docker json-file, `kubectl --prefix`, compose) are taken
    /// when 4 in 5 lines have them; the others (`kubectl --timestamps`, stern, grep's file
    /// column) only when the text inside reads with a dialect and the whole line reads no
    /// better (an application that starts its lines with an RFC 3339 time is not wrapped).
    pub fn detect_source(&self, sample: &[u8], tctx: &TimeContext) -> Detection {
        let text = String::from_utf8_lossy(sample);
        let all: Vec<&str> = text
            .lines()
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .filter(|l| !l.trim().is_empty())
            .take(200)
            .collect();
        let raw = self.detect_scored(&all, tctx);
        let generic = self.dialect_index("generic");
        for frames in Frames::candidates(&all) {
            let inner: Vec<String> = all
                .iter()
                .filter_map(|l| frames.unwrap(l).map(|u| u.inner.into_owned()))
                .collect();
            let inner_refs: Vec<&str> = inner.iter().map(String::as_str).collect();
            let found = self.detect_scored(&inner_refs, tctx);
            let certain = frames.0.iter().all(|f| f.certain());
            let better = match (&found, &raw) {
                (None, _) => false,
                (Some(_), None) => true,
                (Some(f), Some(r)) => Some(f.index) != generic || Some(r.index) == generic,
            };
            if certain || better {
                return Detection::new(frames, found);
            }
        }
        Detection::new(Frames::default(), raw)
    }

    /// Does the physical line `line` (after `prev`, if any) start a record in a source with
    /// these frames and inner dialect? Framed lines are judged by their inner text; a line
    /// after a partial one never starts a record.
    pub fn starts_record(
        &self,
        frames: &Frames,
        d: Option<usize>,
        line: &[u8],
        prev: Option<&[u8]>,
    ) -> bool {
        if frames.is_empty() {
            return self.is_event_start(d, line)
                && !prev.is_some_and(|p| self.continues_after(d, p));
        }
        if prev.is_some_and(|p| frames.ends_partial_bytes(p)) {
            return false;
        }
        let text = String::from_utf8_lossy(line);
        let text = text.strip_suffix('\r').unwrap_or(&text);
        match frames.unwrap(text) {
            Some(u) => {
                // Lines of another container (compose, kubectl --prefix, stern) or file
                // (grep) never continue this one's record.
                if frames.names_streams() {
                    if let Some(p) = prev.map(String::from_utf8_lossy) {
                        let p = p.strip_suffix('\r').unwrap_or(&p);
                        let other = frames.unwrap(p).map(|v| (v.service, v.pod, v.path));
                        if other.is_some_and(|o| {
                            o != (u.service.clone(), u.pod.clone(), u.path.clone())
                        }) {
                            return true;
                        }
                    }
                }
                self.is_event_start(d, u.inner.as_bytes())
            }
            // A line the wrapper did not write (a banner): a record of its own unless it
            // looks like the middle of a stack trace.
            None => !looks_like_continuation(text),
        }
    }

    /// The time of a record of an unframed source of dialect `d`, read from its first line
    /// without building the event, when that is certain to be the time [`Self::event`]
    /// gives it: `Some(time)`; `None` when only the full parse can tell (the line does not
    /// match the dialect, its time does not parse, the dialect is not a plain regex with a
    /// `ts` group). For time-bounded reading: records outside the range are skipped by this.
    pub fn quick_time(
        &self,
        d: Option<usize>,
        first: &[u8],
        tctx: &TimeContext,
    ) -> Option<Timestamp> {
        let dl = &self.dialects[d?];
        let Kind::Regex(re) = &dl.kind else {
            return None;
        };
        if !dl.refined_by.is_empty() || dl.partials {
            return None;
        }
        let (ts, extra) = dl.time_groups();
        if extra {
            return None;
        }
        let ts = ts?;
        let first = first.strip_suffix(b"\r").unwrap_or(first);
        let n = re.captures_len();
        if n > dialects::MAX_SLOTS {
            return None;
        }
        let mut slots = [const { None }; dialects::MAX_SLOTS];
        if !dl.read_groups(re, first, &mut slots[..n]) {
            return None;
        }
        let span = slots[ts].clone()?;
        // The full parse reads the line as text: invalid UTF-8 there is replaced, so only a
        // valid line is read here.
        let line = std::str::from_utf8(first).ok()?;
        tctx.parse(line.get(span)?)
    }

    /// What a record of an unframed source of dialect `d` says of its time, level, service
    /// and dialect, read from its first line without building the event, when that is certain
    /// to be what [`Self::event`] gives it (the line is read by the dialect's own regex, its
    /// time parses, and a group gives its level). `None`: only the full parse can tell.
    /// Commands that count or filter (`scan`, `cluster --level`, `--window`) look here first
    /// and parse fully only the records they keep.
    pub fn peek<'l>(
        &'l self,
        d: Option<usize>,
        first: &'l [u8],
        tctx: &TimeContext,
    ) -> Option<Peek<'l>> {
        let dl = &self.dialects[d?];
        if dl.partials {
            return None;
        }
        let first = first.strip_suffix(b"\r").unwrap_or(first);
        let line = std::str::from_utf8(first).ok()?;
        if dl.refined_by.is_empty() {
            let f = match dl.kind {
                Kind::Json => Some(self.peek_json(line, tctx)?),
                Kind::Logfmt => Some(self.peek_logfmt(line, tctx)?),
                _ => None,
            };
            if let Some(f) = f {
                return Some(Peek {
                    ts: f.ts?,
                    level: f.level?,
                    service: f.service.map(|s| structured::span_in(line, s)),
                    logger: f.logger.map(|s| structured::span_in(line, s)),
                    dialect: &dl.name,
                });
            }
        }
        // As `dialect_record`: a refining dialect that reads the line with a time wins.
        for &j in &dl.refined_by {
            match self.peek_with(&self.dialects[j], first, line, tctx) {
                PeekWith::Found(p) => return Some(p),
                PeekWith::NoTimedRecord => {}
                PeekWith::Unsure => return None,
            }
        }
        match self.peek_with(dl, first, line, tctx) {
            PeekWith::Found(p) => Some(p),
            _ => None,
        }
    }

    /// [`Self::peek`] with one dialect.
    fn peek_with<'l>(
        &'l self,
        dl: &'l Dialect,
        first: &[u8],
        line: &str,
        tctx: &TimeContext,
    ) -> PeekWith<'l> {
        let Kind::Regex(re) = &dl.kind else {
            return PeekWith::Unsure;
        };
        if dl.time_groups().1 || dl.partials || !dl.refined_by.is_empty() {
            return PeekWith::Unsure;
        }
        let n = re.captures_len();
        if n > dialects::MAX_SLOTS {
            return PeekWith::Unsure;
        }
        let mut slots = [const { None }; dialects::MAX_SLOTS];
        if !dl.read_groups(re, first, &mut slots[..n]) {
            return PeekWith::NoTimedRecord;
        }
        // As `parse_regex_slots` reads the same groups.
        let (mut ts, mut level, mut status, mut service) = (None, None, None, None);
        for (i, name) in re.capture_names().enumerate() {
            let Some(name) = name else { continue };
            let Some(m) = slots[i].clone() else { continue };
            let Some(v) = line.get(m) else { continue };
            let name = name.strip_suffix('2').unwrap_or(name);
            match name {
                "ts" => match tctx.parse(v) {
                    Some(t) => ts = Some(t),
                    None => return PeekWith::NoTimedRecord,
                },
                "level" => level = level.or_else(|| Level::parse(v)),
                n if n.starts_with("level_") => level = level.or(Level::parse(&n[6..])),
                "pri" => {
                    if let Ok(p) = v.parse::<u16>() {
                        level = Some(Level::from_syslog_severity((p % 8) as u8));
                    }
                }
                "status" => status = v.parse::<u16>().ok(),
                "service" if !v.is_empty() && v != "-" => service = Some(v),
                _ => {}
            }
        }
        if let (None, Some(s)) = (level, status) {
            level = Some(match s {
                500..=599 => Level::Error,
                400..=499 => Level::Warn,
                _ => Level::Info,
            });
        }
        let Some(ts) = ts else {
            return PeekWith::NoTimedRecord;
        };
        let Some(level) = level else {
            // The full parse looks for a level in the message.
            return PeekWith::Unsure;
        };
        // `service` borrows `line`, which borrows the caller's bytes: re-borrow it from them.
        PeekWith::Found(Peek {
            ts,
            level,
            service: service.map(|s| {
                let off = s.as_ptr() as usize - line.as_ptr() as usize;
                (off, off + s.len())
            }),
            logger: None,
            dialect: &dl.name,
        })
    }

    /// Does this physical line start a new record in a source of dialect `d`?
    /// Blank and indented lines, `Caused by:`, `... 12 more`, `Traceback` never do; in a
    /// multi-line dialect only a line matching its `start` does.
    pub fn is_event_start(&self, d: Option<usize>, line: &[u8]) -> bool {
        let Some(&first) = line.first() else {
            return false;
        };
        if first == b' ' || first == b'\t' || first == b'\r' {
            return false;
        }
        match d.map(|i| &self.dialects[i]) {
            Some(d) if d.multiline => match (&d.start, &d.kind) {
                // A start pattern may reach past a long logger name (`oslo`), so it sees more
                // of the line than the timestamp scan below; it is anchored, so a line that
                // does not start a record fails within its first bytes.
                (Some(re), kind) => {
                    let head = &line[..line.len().min(START_HEAD)];
                    let start = match d.scanner.and_then(|s| s.start) {
                        Some(f) => f(head),
                        None => re.is_match(head),
                    };
                    // A line of another shape that opens with a date and time (a file whose
                    // format changed, a banner) is no continuation: a stack's lines never do.
                    // A dated line of the dialect's own shape that its start leaves out
                    // (PostgreSQL's DETAIL, STATEMENT) still continues the record.
                    start
                        || (iso_datetime_start(line)
                            && match kind {
                                Kind::Regex(full) => {
                                    !full.is_match(line.strip_suffix(b"\r").unwrap_or(line))
                                }
                                _ => false,
                            })
                }
                (None, Kind::Generic) => {
                    let head = &line[..line.len().min(96)];
                    let s = String::from_utf8_lossy(head);
                    // Any date will do to tell whether a time of day alone starts the line.
                    let tctx = TimeContext {
                        year_hint: 2000,
                        day: Some(DayAnchor::Near(Timestamp(946_728_000_000_000_000))),
                        ..Default::default()
                    };
                    generic_timestamp(&s, &tctx).is_some()
                }
                (None, Kind::Regex(re)) => {
                    let line = line.strip_suffix(b"\r").unwrap_or(line);
                    let start = match d.scanner {
                        Some(s) => (s.scan)(line, &mut [const { None }; dialects::MAX_SLOTS]),
                        None => re.is_match(line),
                    };
                    start || iso_datetime_start(line)
                }
                _ => true,
            },
            _ => !looks_like_continuation_bytes(line),
        }
    }

    /// Does the line after `prev` continue it, whatever it looks like? In a source of CRI
    /// lines, a line tagged `P` (`2026-... stdout P text`) is a partial line: the runtime cut
    /// one long line, and the next line carries the rest.
    pub fn continues_after(&self, d: Option<usize>, prev: &[u8]) -> bool {
        d.is_some_and(|i| self.dialects[i].partials) && cri_tag(prev) == Some(b"P")
    }

    /// Parse one record: its first line with dialect `d` (falling back to every other dialect),
    /// the whole text kept as `raw`. CRI partial lines (`P`) are read as one line with the
    /// line that ends them (`F`): the first line's header and every line's text, joined.
    #[allow(clippy::too_many_arguments)]
    pub fn event(
        &self,
        d: Option<usize>,
        raw: String,
        source: &Arc<str>,
        line: u64,
        path_service: Option<&str>,
        tctx: &TimeContext,
    ) -> Event {
        self.event_framed(&Frames::default(), d, raw, source, line, path_service, tctx)
    }

    /// [`Self::event`] for a source whose lines are wrapped in `frames` (CRI, Docker,
    /// kubectl, compose, ...): each physical line is peeled, partial lines joined, and the
    /// first inner line read with the inner dialect `d`. The wrapper's time stands in where the
    /// record has none (and dates a time of day alone); its service and pod stand in for the
    /// record's service and host. `raw` stays the text as written.
    #[allow(clippy::too_many_arguments)]
    pub fn event_framed(
        &self,
        frames: &Frames,
        d: Option<usize>,
        raw: String,
        source: &Arc<str>,
        line: u64,
        path_service: Option<&str>,
        tctx: &TimeContext,
    ) -> Event {
        let first = raw.split('\n').next().unwrap_or("");
        let first = first.strip_suffix('\r').unwrap_or(first);
        if !frames.is_empty() {
            if let Some(u) = frames.unwrap(first) {
                let mut inner = u.inner.into_owned();
                let mut partial = u.partial;
                for l in raw.split('\n').skip(1) {
                    if !partial {
                        break;
                    }
                    let l = l.strip_suffix('\r').unwrap_or(l);
                    match frames.unwrap(l) {
                        Some(n) => {
                            inner.push_str(&n.inner);
                            partial = n.partial;
                        }
                        None => break,
                    }
                }
                let inner_ctx = match u.ts {
                    Some(ts) => dated_by(tctx, ts),
                    None => tctx.clone(),
                };
                let (name, mut rec) = self.record_of(d, &inner, &inner_ctx);
                if rec.ts.is_none() {
                    rec.ts = u.ts;
                }
                let service = rec
                    .service
                    .take()
                    .or_else(|| u.service.map(|s| s.into_owned()))
                    .or_else(|| u.path.and_then(|p| service::service_from_path(&p)));
                let host = rec.host.take().or_else(|| u.pod.map(|s| s.into_owned()));
                rec.service = service;
                rec.host = host;
                let dialect: Arc<str> = format!("{}+{name}", frames.label()).into();
                return self.finish_event(rec, dialect, raw, source, line, path_service);
            }
        }
        let joined;
        let first = if self.continues_after(d, first.as_bytes()) {
            joined = join_cri_partials(&raw);
            joined.as_str()
        } else {
            first
        };
        let (dialect, rec) = self.record_of(d, first, tctx);
        self.finish_event(rec, dialect, raw, source, line, path_service)
    }

    /// A record of a [`Tabular`] source; one its layout cannot read is read as a line.
    pub fn event_tabular(
        &self,
        tab: &Tabular,
        raw: String,
        source: &Arc<str>,
        line: u64,
        path_service: Option<&str>,
        tctx: &TimeContext,
    ) -> Event {
        let Some((t, status)) = tab.record(&raw, tctx) else {
            return self.event(None, raw, source, line, path_service, tctx);
        };
        let mut rec = Record {
            ts: t.ts,
            level: t.level,
            status,
            service: t.service,
            host: t.host,
            message: t.message,
            ..Default::default()
        };
        for (k, v) in &t.fields {
            self.add_id(&mut rec.ids, k, v);
        }
        let message = std::mem::take(&mut rec.message);
        self.ids_from_text(&message, &mut rec.ids);
        self.patterns.apply(&message, &mut rec.ids);
        rec.message = message;
        self.finish_event(rec, tab.name().into(), raw, source, line, path_service)
    }

    /// One line read with dialect `d`, else the first other dialect that reads a timestamp
    /// from it, else as plain text (ids in it kept).
    fn record_of(&self, d: Option<usize>, first: &str, tctx: &TimeContext) -> (Arc<str>, Record) {
        let (name, mut rec) = self.dialect_record(d, first, tctx);
        // The user's `[[correlation.pattern]]`s, on top of what the dialect found.
        self.patterns.apply(first, &mut rec.ids);
        (name, rec)
    }

    fn dialect_record(
        &self,
        d: Option<usize>,
        first: &str,
        tctx: &TimeContext,
    ) -> (Arc<str>, Record) {
        if let Some(i) = d {
            for &j in &self.dialects[i].refined_by {
                if let Some(r) = self.parse_with(&self.dialects[j], first, tctx) {
                    if r.ts.is_some() {
                        return (self.dialects[j].name.clone(), r);
                    }
                }
            }
            if let Some(r) = self.parse_with(&self.dialects[i], first, tctx) {
                return (self.dialects[i].name.clone(), r);
            }
        }
        for (i, dl) in self.dialects.iter().enumerate() {
            if Some(i) == d {
                continue;
            }
            if let Some(r) = self.parse_with(dl, first, tctx) {
                if r.ts.is_some() {
                    return (dl.name.clone(), r);
                }
            }
        }
        let mut r = Record {
            message: first.to_string(),
            ..Default::default()
        };
        self.ids_from_text(first, &mut r.ids);
        (self.unknown.clone(), r)
    }

    fn finish_event(
        &self,
        mut rec: Record,
        dialect: Arc<str>,
        raw: String,
        source: &Arc<str>,
        line: u64,
        path_service: Option<&str>,
    ) -> Event {
        if rec.level.is_none() {
            rec.level = level_from_message(&rec.message);
        }
        Event {
            ts: rec.ts,
            source: source.clone(),
            line,
            service: rec
                .service
                .or_else(|| path_service.map(str::to_string))
                .or(rec.logger),
            host: rec.host,
            level: rec.level,
            status: rec.status,
            message: rec.message,
            ids: rec.ids,
            raw,
            dialect,
        }
    }

    fn parse_with(&self, d: &Dialect, line: &str, tctx: &TimeContext) -> Option<Record> {
        match &d.kind {
            Kind::Json => self.parse_json(line, tctx),
            Kind::Logfmt => self.parse_logfmt(line, tctx),
            Kind::Regex(re) => self.parse_regex(d, re, line, tctx),
            Kind::Generic => self.parse_generic(line, tctx),
        }
    }

    fn parse_logfmt(&self, line: &str, tctx: &TimeContext) -> Option<Record> {
        let Logfmt { pairs, free } = logfmt(line)?;
        let mut rec = Record::default();
        let vals = pairs
            .into_iter()
            .map(|(k, v)| (k, structured::Scalar::Str(v)));
        self.apply_fields(&mut rec, vals, tctx);
        if let Some(free) = free {
            // Free text after the pairs (`... job_id=J-2 note: retry later`) stays in the
            // message, and ids written in it count.
            self.ids_from_text(free, &mut rec.ids);
            if rec.message.is_empty() {
                rec.message = free.to_string();
            } else {
                rec.message = format!("{} {free}", rec.message);
            }
        }
        Some(rec)
    }

    fn parse_regex(
        &self,
        d: &Dialect,
        re: &Regex,
        line: &str,
        tctx: &TimeContext,
    ) -> Option<Record> {
        let n = re.captures_len();
        if n > dialects::MAX_SLOTS {
            // More groups than fit on the stack: rare, a user's dialect.
            let caps = re.captures(line.as_bytes())?;
            let mut slots: Vec<_> = (0..n).map(|i| caps.get(i).map(|m| m.range())).collect();
            return self.parse_regex_slots(d, re, line, tctx, &mut slots);
        }
        let mut slots = [const { None }; dialects::MAX_SLOTS];
        if !d.read_groups(re, line.as_bytes(), &mut slots[..n]) {
            return None;
        }
        let slots = &mut slots[..n];
        self.parse_regex_slots(d, re, line, tctx, slots)
    }

    /// [`Self::parse_regex`] once the groups are found.
    fn parse_regex_slots(
        &self,
        d: &Dialect,
        re: &Regex,
        line: &str,
        tctx: &TimeContext,
        slots: &mut dialects::Slots,
    ) -> Option<Record> {
        let mut rec = Record::default();
        let mut status: Option<u16> = None;
        let mut extra: Vec<(String, Value)> = Vec::new();
        for (i, name) in re.capture_names().enumerate() {
            let Some(name) = name else { continue };
            let Some(m) = slots[i].clone() else { continue };
            let Some(v) = line.get(m) else {
                continue;
            };
            // A regex cannot name two groups alike: `trace_id2` is the field `trace_id`
            // written in a second place of the dialect's line.
            let name = name.strip_suffix('2').unwrap_or(name);
            match name {
                "ts" => {
                    rec.ts = tctx.parse(v);
                    rec.ts?;
                }
                "level" => rec.level = rec.level.or_else(|| Level::parse(v)),
                // A group per level (`level_info` for Redis's `*`): the group's name says it.
                n if n.starts_with("level_") => rec.level = rec.level.or(Level::parse(&n[6..])),
                "pri" => {
                    if let Ok(p) = v.parse::<u16>() {
                        rec.level = Some(Level::from_syslog_severity((p % 8) as u8));
                    }
                }
                "status" => status = v.parse().ok(),
                "service" if !v.is_empty() && v != "-" => rec.service = Some(v.to_string()),
                "host" => rec.host = Some(v.to_string()),
                "message" => rec.message = v.to_string(),
                "kv" => {
                    if let Some(pairs) = logfmt::tail_pairs(v.trim()) {
                        extra.extend(
                            pairs
                                .into_iter()
                                .map(|(k, v)| (k.to_string(), Value::String(v))),
                        );
                    }
                }
                "sd" => {
                    for (k, v) in fields::text_pairs(v) {
                        extra.push((k.to_string(), Value::String(v.to_string())));
                    }
                }
                "json" => {
                    if let Ok(Value::Object(o)) = serde_json::from_str::<Value>(v) {
                        let mut flat = Vec::new();
                        structured::flatten("", &Value::Object(o), &mut flat, 0);
                        extra.extend(flat);
                    }
                }
                "inner" => {
                    // A record inside a record (CRI): JSON or any text dialect, else plain text.
                    let inner = self
                        .parse_json(v, tctx)
                        .or_else(|| {
                            self.dialects.iter().find_map(|dl| match dl.kind {
                                Kind::Json => None,
                                _ => self.parse_with(dl, v, tctx).filter(|r| r.ts.is_some()),
                            })
                        })
                        .unwrap_or_else(|| Record {
                            message: v.to_string(),
                            ..Default::default()
                        });
                    rec.level = rec.level.or(inner.level);
                    rec.service = rec.service.or(inner.service);
                    rec.logger = rec.logger.or(inner.logger);
                    rec.host = rec.host.or(inner.host);
                    rec.status = rec.status.or(inner.status);
                    rec.message = inner.message;
                    rec.ids.extend(inner.ids);
                    if rec.ts.is_none() {
                        rec.ts = inner.ts;
                    }
                }
                _ => extra.push((name.to_string(), Value::String(v.to_string()))),
            }
        }
        // The line's own status wins over a wrapped record's.
        if let Some(s) = status.filter(|s| (100..=599).contains(s)) {
            rec.status = Some(s);
        }
        if let Some(s) = status {
            if rec.level.is_none() {
                rec.level = Some(match s {
                    500..=599 => Level::Error,
                    400..=499 => Level::Warn,
                    _ => Level::Info,
                });
            }
        }
        if rec.message.is_empty() {
            if let Some(t) = &d.message_template {
                rec.message = fill_template(t, re, slots, line);
            }
        }
        for (k, v) in &extra {
            if let Value::String(s) = v {
                self.add_id(&mut rec.ids, k, s);
            }
        }
        let message = std::mem::take(&mut rec.message);
        self.ids_from_text(&message, &mut rec.ids);
        rec.message = message;
        Some(rec)
    }

    /// The shape most text logs share: a timestamp near the start, then header fields (level,
    /// `[thread]`, pid, `logger:`, `|`-separated fields, ` - ` separators), then the message:
    /// `2015-10-18 18:01:47,978 INFO [main] org.x.Y: message`, `081109 203615 148 INFO x: m`,
    /// `2015-07-29 17:41:44,747 - INFO  [Thread[x]/1:2] - message`,
    /// `- 1117838570 2005.06.03 R02-M1 ... RAS KERNEL INFO message` (the timestamp may follow a
    /// short first token), `20171223-22:15:29:606|Step_LSC|30002312|message`,
    /// `[10.30 16:49:06] chrome.exe - message`.
    fn parse_generic(&self, line: &str, tctx: &TimeContext) -> Option<Record> {
        let (ts, after) = generic_timestamp(line, tctx)?;
        let mut rec = Record {
            ts: Some(ts),
            ..Default::default()
        };
        let rest = &line[after..];
        let rest = rest.strip_prefix(']').unwrap_or(rest);
        let header = header_tokens(rest, 10);
        // A level word among the first header tokens ends the timestamp part of the header.
        let level_at = header
            .iter()
            .enumerate()
            .position(|(k, &(s, e))| header_level(&rest[s..e], k == 0).is_some());
        let msg_start = match level_at {
            Some(k) => {
                let (s, e) = header[k];
                rec.level = header_level(&rest[s..e], k == 0);
                skip_after_level(rest, e)
            }
            None => {
                let t = rest.trim_start();
                let off = rest.len() - t.len();
                if let Some((m, host, tag)) = relayed_syslog(rest, &header, tctx) {
                    rec.host = Some(host.to_string());
                    let name = tag.trim_end_matches(':');
                    let name = name.split_once('[').map_or(name, |(n, _)| n);
                    rec.service = Some(name.to_string()).filter(|n| !n.is_empty());
                    m
                } else if let Some(p) = t.strip_prefix('|') {
                    // `|`-separated header fields: skip those without spaces.
                    let mut pos = off + 1;
                    let mut cur = p;
                    while let Some(i) = cur.find('|') {
                        let field = &cur[..i];
                        if field.contains(' ') || field.is_empty() {
                            break;
                        }
                        pos += i + 1;
                        cur = &cur[i + 1..];
                    }
                    pos
                } else {
                    // ` - ` separating a short header from the message.
                    let mut found = None;
                    for &(s, e) in header.iter().take(4) {
                        if &rest[s..e] == "-" {
                            found = Some(e);
                        }
                    }
                    match found {
                        Some(e) => e,
                        None => skip_after_level(rest, 0),
                    }
                }
            }
        };
        rec.message = rest[msg_start.min(rest.len())..]
            .trim_start_matches([' ', '\t', '-', '|'])
            .trim_start()
            .to_string();
        self.ids_from_text(line, &mut rec.ids);
        Some(rec)
    }

    fn add_id(&self, ids: &mut BTreeMap<String, String>, key: &str, value: &str) {
        let c = self.ids.class(key);
        if c.id() {
            self.add_id_as(ids, key, c.traceparent(), value);
        }
    }

    /// Ids written in free text: `trace=...`, `"request_id": "..."`, `[job_id=J-1]`,
    /// `TraceID: 4f3a...`.
    pub fn ids_from_text(&self, text: &str, ids: &mut BTreeMap<String, String>) {
        if text.contains('=') || text.contains("\":") {
            for (k, v) in fields::text_pairs(text) {
                self.add_id(ids, k, v);
            }
        }
        // `TraceID: 4f3a...`, `X-Request-ID: r-1`: only id keys are kept (a key already
        // written as `key=value` keeps that value).
        for (k, v) in fields::colon_pairs(text) {
            self.add_id(ids, k, v);
        }
    }

    /// The follow-able ids of an event: (key as written, value to search for).
    pub fn follow_ids<'e>(
        &'e self,
        ev: &'e Event,
    ) -> impl Iterator<Item = (&'e str, &'e str)> + 'e {
        ev.ids.iter().filter_map(move |(k, v)| {
            let c = self.ids.class(k);
            if k.ends_with(".trace_id") && c.traceparent_prefix() {
                return Some((k.as_str(), v.as_str()));
            }
            if c.traceparent() {
                return None; // followed through its `.trace_id`
            }
            c.follow().then_some((k.as_str(), v.as_str()))
        })
    }
}

/// The context for a record inside a wrapper whose time is `ts`: a time of day alone takes
/// the date that puts it nearest the wrapper's time.
fn dated_by(tctx: &TimeContext, ts: Timestamp) -> TimeContext {
    TimeContext {
        day: Some(DayAnchor::Near(ts)),
        ..tctx.clone()
    }
}

/// A syslog (RFC 3164) header carried after a collector's own header (a relay's timestamp
/// and host, Thunderbird's `- 1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228
/// crond[2916]: msg`): among the first header tokens, `Mon dd hh:mm:ss`, a host, then a
/// `tag:` or `tag[pid]:` token. Returns where the message starts, the host and the tag.
fn relayed_syslog<'a>(
    rest: &'a str,
    header: &[(usize, usize)],
    tctx: &TimeContext,
) -> Option<(usize, &'a str, &'a str)> {
    for (k, &(s, _)) in header.iter().enumerate().take(6) {
        if !rest.as_bytes()[s].is_ascii_uppercase() {
            continue;
        }
        let Some((_, used)) = tctx.parse_prefix(&rest[s..]) else {
            continue;
        };
        // The timestamp must end at a token boundary: `Nov 9 12:01:01` is three tokens.
        let end = s + used;
        let next = header[k + 1..].iter().position(|&(ts, _)| ts > end)? + k + 1;
        let (hs, he) = *header.get(next)?;
        let host = &rest[hs..he];
        let (_, te) = *header.get(next + 1)?;
        let tag = &rest[header[next + 1].0..te];
        let tag_ok = tag.len() > 1
            && tag.ends_with(':')
            && tag[..tag.len() - 1]
                .bytes()
                .all(|b| b.is_ascii_graphic() && b != b':');
        if !host.ends_with(':') && tag_ok {
            return Some((te, host, tag));
        }
        return None;
    }
    None
}

/// A timestamp at the start of the line, or at the start of its second or third token (BGL's
/// `- 1117838570 ...`); returns it and the byte offset after it.
fn generic_timestamp(line: &str, tctx: &TimeContext) -> Option<(Timestamp, usize)> {
    let mut start = 0;
    for _ in 0..3 {
        let body = &line[start..];
        let lead = if body.starts_with('[') { 1 } else { 0 };
        if let Some((ts, used)) = tctx.parse_prefix(&body[lead..]) {
            return Some((ts, start + lead + used));
        }
        // Only short leading tokens (`-`, an alert flag) may stand before the timestamp.
        let end = body.find(' ')?;
        if end > 8 {
            return None;
        }
        start += end + 1;
        while line[start..].starts_with(' ') {
            start += 1;
        }
    }
    None
}

/// Byte ranges of the first `n` whitespace-separated tokens; a `[...]` group (nested brackets
/// and spaces included) is one token.
fn header_tokens(s: &str, n: usize) -> Vec<(usize, usize)> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while out.len() < n {
        while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
            i += 1;
        }
        if i >= b.len() {
            break;
        }
        let st = i;
        if b[i] == b'[' {
            let mut depth = 0i32;
            while i < b.len() {
                match b[i] {
                    b'[' => depth += 1,
                    b']' => {
                        depth -= 1;
                        if depth == 0 {
                            i += 1;
                            break;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            // `[x]:` stays one token
            while i < b.len() && b[i] != b' ' && b[i] != b'\t' {
                i += 1;
            }
        } else {
            while i < b.len() && b[i] != b' ' && b[i] != b'\t' {
                i += 1;
            }
        }
        out.push((st, i));
    }
    out
}

/// A level word as a header field: upper case (`INFO`, `WARN`, `ERROR:`), or in brackets in any
/// case (`[info]`, `<warn>`, `[Error]`, `:DEBUG:`), not `E` or `log`. A bare lower-case word
/// (`info`, `warning:`) counts only right after the timestamp (`first`), where a message word
/// cannot be.
fn header_level(tok: &str, first: bool) -> Option<Level> {
    let bare = tok.trim_matches(|c| c == '[' || c == ']' || c == ':' || c == '<' || c == '>');
    if bare.is_empty() || !bare.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let wrapped = (tok.starts_with('[') && tok.trim_end_matches(':').ends_with(']'))
        || (tok.starts_with('<') && tok.ends_with('>'))
        || (tok.starts_with(':') && tok.ends_with(':') && tok.len() > 2);
    let upper = bare.bytes().all(|b| b.is_ascii_uppercase());
    let ok = if wrapped {
        bare.len() >= 3
    } else if upper {
        bare.len() >= 4
    } else {
        first && bare.len() >= 4 && bare.bytes().all(|b| b.is_ascii_lowercase())
    };
    if !ok {
        return None;
    }
    if bare.eq_ignore_ascii_case("FAILURE") {
        return Some(Level::Error);
    }
    // `[log]` is postgres' LOG only when upper case; `[main]`-like words are not levels.
    if bare.eq_ignore_ascii_case("log") && !upper {
        return None;
    }
    Level::parse(bare)
}

/// After the level: skip `[thread]` groups, a pid, a `logger:`, a `logger -` (logback's
/// `%logger - %msg`, `Class::method -`) and ` - ` separators.
fn skip_after_level(rest: &str, from: usize) -> usize {
    let toks = header_tokens(&rest[from..], 5);
    let mut pos = from;
    for (k, &(s, e)) in toks.iter().enumerate() {
        let t = &rest[from + s..from + e];
        if t == "-"
            || t == "|"
            || t == ":"
            || (t.starts_with('[') && t.ends_with(']'))
            || t.bytes().all(|b| b.is_ascii_digit())
        {
            pos = from + e;
        } else if t.ends_with(':') && t.len() > 1 && !t[..t.len() - 1].contains(' ') {
            return from + e;
        } else if is_logger_name(t)
            && toks
                .get(k + 1)
                .is_some_and(|&(s2, e2)| &rest[from + s2..from + e2] == "-")
        {
            return from + toks[k + 1].1;
        } else {
            break;
        }
    }
    pos
}

/// `c.a.web.Application`, `OrderService`, `Cache::evict`, `app.payments`: a logger or class
/// name, as a header writes it before ` - `.
fn is_logger_name(t: &str) -> bool {
    !t.is_empty()
        && t.len() <= 120
        && t.as_bytes()[0].is_ascii_alphabetic()
        && t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'$' | b':' | b'-'))
}

/// How much of a line a dialect's `start` pattern sees.
const START_HEAD: usize = 256;

/// Does the line look like the middle of a stack trace or traceback?
pub fn looks_like_continuation(l: &str) -> bool {
    looks_like_continuation_bytes(l.as_bytes())
}

fn looks_like_continuation_bytes(l: &[u8]) -> bool {
    match l.first() {
        None => true,
        Some(b' ' | b'\t' | b'\r') => true,
        _ => {
            l.starts_with(b"Caused by:")
                || l.starts_with(b"Traceback (most recent call last)")
                || l.starts_with(b"During handling of the above exception")
                || l.starts_with(b"The above exception was the direct cause")
                || (l.starts_with(b"...") && l.ends_with(b"more"))
                || java_exception_line(l)
        }
    }
}

/// The exception line of a stack trace or traceback: `java.lang.IllegalStateException: ...`,
/// `com.acme.FooError`, Python's closing `ValueError: bad value` / `KeyError`.
fn java_exception_line(l: &[u8]) -> bool {
    let end = l
        .iter()
        .position(|&b| b == b':' || b == b' ')
        .unwrap_or(l.len());
    let tok = &l[..end];
    let named = tok.ends_with(b"Exception")
        || tok.ends_with(b"Error")
        || tok.ends_with(b"Throwable")
        || tok.ends_with(b"Warning");
    let word = !tok.is_empty()
        && tok
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_' || b == b'$');
    if !named || !word {
        return false;
    }
    // Qualified (`java.lang.X`), or a bare class name followed by `:` or nothing (Python).
    (tok.contains(&b'.') && tok.first().is_some_and(u8::is_ascii_lowercase))
        || (tok.first().is_some_and(u8::is_ascii_uppercase) && (end == l.len() || l[end] == b':'))
}

/// A level word at the start of a message: postgres `ERROR:  ...`, `[WARN] ...`, `[info] ...`,
/// `error: ...`.
fn level_from_message(m: &str) -> Option<Level> {
    let tok = m.split([' ', '\t']).next()?;
    let bare = tok.trim_matches(|c| c == '[' || c == ']' || c == ':');
    if bare.len() < 3 || !bare.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let upper = bare.bytes().all(|b| b.is_ascii_uppercase());
    let lower = bare.bytes().all(|b| b.is_ascii_lowercase());
    let bracketed = tok.starts_with('[') && tok.trim_end_matches(':').ends_with(']');
    let colon = tok.ends_with(':');
    let ok = (upper && (colon || bracketed))
        || (bracketed && bare.len() >= 4)
        || (lower && colon && bare.len() >= 4);
    if !ok || (bare.eq_ignore_ascii_case("log") && !upper) {
        return None;
    }
    Level::parse(bare)
}

/// Dialect patterns are matched on bytes without Unicode classes (`\d`, `\w`, `\s` are
/// ASCII): smaller automata, faster to build and to run; a pattern that needs Unicode still
/// compiles with it.
fn compile(re: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(re)
        .unicode(false)
        .build()
        .or_else(|_| Regex::new(re))
}

fn fill_template(t: &str, re: &Regex, slots: &dialects::Slots, line: &str) -> String {
    let mut out = String::new();
    let mut rest = t;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        match rest[i..].find('}') {
            Some(j) => {
                let name = &rest[i + 1..i + j];
                out.push_str(
                    re.capture_names()
                        .position(|n| n == Some(name))
                        .and_then(|i| slots[i].clone())
                        .and_then(|m| line.get(m))
                        .unwrap_or(""),
                );
                rest = &rest[i + j + 1..];
            }
            None => {
                out.push_str(&rest[i..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out.trim().to_string()
}

/// The tag of a CRI line (`<time> <stream> <tag> <text>`): `P` partial, `F` full.
fn cri_tag(line: &[u8]) -> Option<&[u8]> {
    let mut it = line.splitn(4, |&b| b == b' ');
    it.next()?;
    it.next()?;
    it.next()
}

/// A record that starts with CRI partial lines as the one line the container wrote: the first
/// line whole, then the text of each following line up to and including the first that is not
/// partial.
fn join_cri_partials(raw: &str) -> String {
    let mut lines = raw.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let mut out = String::with_capacity(raw.len());
    let Some(first) = lines.next() else {
        return out;
    };
    out.push_str(first);
    for l in lines {
        let mut it = l.splitn(4, ' ');
        let (tag, text) = (it.nth(2), it.next());
        out.push_str(text.unwrap_or(""));
        if tag != Some("P") {
            break;
        }
    }
    out
}

/// Does the line open with an ISO 8601 date and time, `YYYY-MM-DD` then `T` or a space and
/// `HH:MM`?
fn iso_datetime_start(line: &[u8]) -> bool {
    let d = |i: usize| line.get(i).is_some_and(u8::is_ascii_digit);
    line.len() >= 16
        && (0..4).all(d)
        && line[4] == b'-'
        && d(5)
        && d(6)
        && line[7] == b'-'
        && d(8)
        && d(9)
        && matches!(line[10], b'T' | b' ')
        && d(11)
        && d(12)
        && line[13] == b':'
        && d(14)
        && d(15)
}

#[cfg(test)]
mod tests;
