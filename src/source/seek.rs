//! Time-bounded reading: find, by binary search on record timestamps, the byte range of a
//! seekable file that can hold records of a time range, so that only it is read.
//!
//! A file is *sorted enough* when no record is older than the newest record before it by more
//! than the disorder bound D (`--disorder`, default 60 s: a multi-threaded writer stamps and
//! writes in slightly different orders, and an access log that stamps the request's start
//! (Apache `%t`) writes it when the response ends, up to the server's timeout later). Then:
//! - a record older than `since - D` has no record of `[since, ..]` before it, so reading may
//!   start at it;
//! - a record newer than `until + D` has no record of `[.., until]` after it, so reading may
//!   end before it.
//!
//! Each probe seeks, skips to the next record start (a line the dialect starts a record with,
//! so a stack trace is never split), and reads the times of up to [`PROBE_RECORDS`] records. The
//! probes double as a check of the assumption, with [`SPREAD`] more spread over the file: a time
//! older than an earlier probe's newest time by more than D means the file is not sorted
//! enough, and it is read whole. (A disorder no probe lands on goes unseen: the check samples,
//! it does not prove.) The output
//! is the same as the whole read's in every case: the records outside the range that a
//! bounded read still sees are dropped by the command's own time filter, as in a whole read.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};

use super::{RawEvent, SourceCtx};
use crate::model::Timestamp;
use crate::parse::Parser;

/// The times a command keeps; records outside `[since, until]` are never output. Either end
/// may be open.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TimeBound {
    pub since: Option<Timestamp>,
    pub until: Option<Timestamp>,
}

/// Default disorder bound: 60 s.
pub const DEFAULT_DISORDER_NS: i64 = 60_000_000_000;

/// Records read per probe (their times check the order locally).
pub const PROBE_RECORDS: usize = 32;

/// Probes spread evenly over a file before the search, to check its order.
const SPREAD: u64 = 16;

/// Below this span the search stops: reading it is cheaper than probing it.
const MIN_SPAN: u64 = 256 << 10;

/// Bytes a probe reads at first; doubled up to [`PROBE_MAX`] when no timed record is found.
const PROBE_BYTES: usize = 64 << 10;
const PROBE_MAX: usize = 1 << 20;

/// Why a file is read whole although a range was asked.
#[derive(Debug, PartialEq, Eq)]
pub enum Unbounded {
    /// Records more than D out of time order (at this byte offset).
    Disordered {
        at: u64,
        by_ns: i64,
    },
    /// No record with a time near the start of the file.
    Untimed,
    Io(String),
}

/// What one probe found: the first record start at or after the probe point that has a time,
/// and the times of the records from there.
#[derive(Debug)]
struct Probe {
    start: u64,
    times: Vec<(u64, Timestamp)>,
}

/// Reads probes of one file.
pub(super) struct Prober<'a> {
    pub file: File,
    pub size: u64,
    pub ctx: &'a SourceCtx,
    pub parser: &'a Parser,
    buf: Vec<u8>,
    /// Every (offset, time) seen, to check the order across probes.
    seen: Vec<(u64, Timestamp)>,
}

impl<'a> Prober<'a> {
    pub fn new(file: File, size: u64, ctx: &'a SourceCtx, parser: &'a Parser) -> Self {
        Prober {
            file,
            size,
            ctx,
            parser,
            buf: Vec::new(),
            seen: Vec::new(),
        }
    }

    fn starts(&self, buf: &[u8], s: usize, prev: Option<usize>) -> bool {
        self.parser.starts_record(
            &self.ctx.frames,
            self.ctx.dialect,
            line_at(buf, s),
            prev.map(|p| line_at(buf, p)),
        )
    }

    /// The records starting after the first line boundary at or after `at` (at 0: from the
    /// file's start).
    fn probe(&mut self, at: u64) -> io::Result<Option<Probe>> {
        let mut want = PROBE_BYTES;
        loop {
            self.buf.resize(want, 0);
            self.file.seek(SeekFrom::Start(at))?;
            let n = read_full(&mut self.file, &mut self.buf)?;
            let eof = at + n as u64 >= self.size || n < want;
            let buf = &self.buf[..n];
            let found = self.times_in(buf, at, eof);
            match found {
                Some(p) => return Ok(Some(p)),
                None if eof || want >= PROBE_MAX => return Ok(None),
                None => want *= 2,
            }
        }
    }

    /// Times of the records of `buf` (read from file offset `at`).
    fn times_in(&self, buf: &[u8], at: u64, eof: bool) -> Option<Probe> {
        // Line starts, with the line before each (a line's start is judged with it).
        let mut starts: Vec<usize> = Vec::new();
        let mut s = if at == 0 {
            0
        } else {
            match memchr::memchr(b'\n', buf) {
                Some(i) => i + 1,
                None => return None,
            }
        };
        let mut prev: Option<usize> = None;
        // The first line after the probe point has no known line before it: it is not a
        // candidate (its start could be the middle of a CRI partial line's continuation).
        let mut candidate = at == 0;
        while s < buf.len() {
            let end = memchr::memchr(b'\n', &buf[s..]).map(|i| s + i);
            if end.is_none() && !eof {
                break; // a line cut by the buffer's end
            }
            if candidate && self.starts(buf, s, prev) {
                starts.push(s);
            }
            candidate = true;
            prev = Some(s);
            s = end.map_or(buf.len(), |e| e + 1);
        }
        let complete = s; // bytes of whole lines
        let mut times = Vec::new();
        let mut first = None;
        for (k, &st) in starts.iter().enumerate() {
            // The last record may go on past the buffer: its time is on its first line.
            let en = starts.get(k + 1).copied().unwrap_or(complete);
            let rec = trim_record(&buf[st..en]);
            if rec.is_empty() {
                continue;
            }
            let ev = RawEvent {
                bytes: rec,
                utf8: std::str::from_utf8(rec).ok(),
                line: 0,
                source: self.ctx,
                parsed: Default::default(),
            };
            if let Some(t) = ev.time(self.parser) {
                let off = at + st as u64;
                first.get_or_insert(off);
                times.push((off, t));
                if times.len() >= PROBE_RECORDS {
                    break;
                }
            }
        }
        first.map(|start| Probe { start, times })
    }

    /// Remember a probe's times; fails when they contradict the disorder bound.
    fn check(&mut self, p: &Probe, d: i64) -> Result<(), Unbounded> {
        self.seen.extend_from_slice(&p.times);
        self.seen.sort_unstable_by_key(|&(o, _)| o);
        self.seen.dedup_by_key(|&mut (o, _)| o);
        let mut max: Option<Timestamp> = None;
        for &(o, t) in &self.seen {
            if let Some(m) = max {
                if t.0 < m.0.saturating_sub(d) {
                    return Err(Unbounded::Disordered {
                        at: o,
                        by_ns: m.0 - t.0,
                    });
                }
            }
            max = Some(max.map_or(t, |m: Timestamp| m.max(t)));
        }
        Ok(())
    }

    /// The byte range `[from, to)` that holds every record of `bound`: `from` is 0 or a record
    /// start, `to` a record start or the file's size.
    pub fn range(&mut self, bound: TimeBound, d: i64) -> Result<(u64, u64), Unbounded> {
        let io = |e: io::Error| Unbounded::Io(e.to_string());
        // Probes spread over the whole file first: a file made of two (concatenated logs, a
        // rotation appended to its successor) goes back in time somewhere, and the search
        // alone would only see one side of it.
        for k in 0..SPREAD {
            match self.probe(self.size * k / SPREAD).map_err(io)? {
                Some(p) => self.check(&p, d)?,
                // No time near the start: a file of records without times (or with few),
                // which a search cannot bracket; it is read whole (its untimed records are
                // not in any range).
                None if k == 0 => return Err(Unbounded::Untimed),
                None => {}
            }
        }
        // Lower end: the last probed record older than since - D.
        let mut from = 0u64;
        if let Some(since) = bound.since {
            let lo_t = since.0.saturating_sub(d);
            let mut b = self.size;
            while b - from > MIN_SPAN {
                let m = from + (b - from) / 2;
                match self.probe(m).map_err(io)? {
                    Some(p) if p.start < b => {
                        self.check(&p, d)?;
                        if p.times[0].1 .0 < lo_t {
                            from = p.start;
                        } else {
                            b = m;
                        }
                    }
                    _ => b = m,
                }
            }
        }
        // Upper end: the first probed record newer than until + D.
        let mut to = self.size;
        if let Some(until) = bound.until {
            let hi_t = until.0.saturating_add(d);
            let mut a = from;
            while to - a > MIN_SPAN {
                let m = a + (to - a) / 2;
                match self.probe(m).map_err(io)? {
                    Some(p) if p.start < to => {
                        self.check(&p, d)?;
                        if p.times[0].1 .0 > hi_t {
                            to = p.start;
                        } else {
                            a = m;
                        }
                    }
                    _ => a = m,
                }
            }
        }
        Ok((from, to.max(from)))
    }
}

/// A record without its trailing line breaks and blanks (as the reader emits it).
fn trim_record(mut rec: &[u8]) -> &[u8] {
    while let Some((&last, rest)) = rec.split_last() {
        if matches!(last, b'\n' | b'\r' | b' ' | b'\t') {
            rec = rest;
        } else {
            break;
        }
    }
    rec
}

fn line_at(buf: &[u8], s: usize) -> &[u8] {
    let e = memchr::memchr(b'\n', &buf[s..]).map_or(buf.len(), |p| s + p);
    &buf[s..e]
}

fn read_full(rd: &mut dyn Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match rd.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Newlines in bytes `[from, to)` of `file` (line numbers after a seek stay exact).
pub(super) fn count_newlines(file: &mut File, from: u64, to: u64) -> io::Result<u64> {
    file.seek(SeekFrom::Start(from))?;
    let mut buf = vec![0u8; 1 << 20];
    let mut left = to.saturating_sub(from);
    let mut n = 0u64;
    while left > 0 {
        let want = (left as usize).min(buf.len());
        let k = read_full(file, &mut buf[..want])?;
        if k == 0 {
            break;
        }
        n += bytecount::count(&buf[..k], b'\n') as u64;
        left -= k as u64;
    }
    Ok(n)
}
