//! Reading files: open, recognise gzip/zstd/xz/bzip2 by magic bytes, sniff the dialect, split big plain
//! files into chunks at line boundaries, and cut each chunk into records with a bounded buffer.
//!
//! A chunk's records are those that *start* inside it: a chunk skips the continuation lines it
//! begins with (the previous chunk owns them) and reads past its end to finish its last record.
//! With a prefilter, only the bytes around whole-token matches are looked at; everything else is
//! only counted for line numbers.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use rayon::prelude::*;

use super::seek::{Prober, TimeBound, Unbounded};
use super::{service_from_path, Dated, Input, Problem, RawEvent, SourceCtx, Visitor};
use crate::model::Timestamp;
use crate::parse::{DayAnchor, Parser, TimeContext};

/// How sources are read.
#[derive(Clone, Debug)]
pub struct ReadOptions {
    /// Plain files bigger than this are split into chunks read in parallel.
    pub chunk_size: u64,
    /// A longer line is cut to this many bytes (with a warning naming it).
    pub max_line: usize,
    /// Year of timestamps without one; default: the file's modification year.
    pub year: Option<i32>,
    /// Zone of naive timestamps; `None` is UTC.
    pub tz: Option<jiff::tz::TimeZone>,
    /// Date of the first record when lines carry a time of day alone (`--date`).
    pub date: Option<jiff::civil::Date>,
    /// Bytes read so far, for a progress bar.
    pub progress: Option<Arc<AtomicU64>>,
    /// Every line is one record, empty lines included; no dialect (`cluster --plain`).
    pub plain: bool,
    /// What was detected of each file in this run, reused when a command reads the same
    /// files again (`trace` reads once per round): a file is sniffed once.
    pub detected: Arc<std::sync::Mutex<DetectCache>>,
    /// Only records of this time range are wanted (the command drops the others): seekable
    /// files are read only where such records can be, streams stop after it.
    pub bound: Option<TimeBound>,
    /// How far out of time order a file's records may be and the file still be sought by
    /// time (nanoseconds).
    pub disorder_ns: i64,
    /// `false`: never seek (`--no-seek`); every file is read whole.
    pub seek: bool,
}

/// Per path: the file's size and mtime when detected, and what was found.
pub type DetectCache =
    std::collections::HashMap<std::path::PathBuf, (u64, Option<std::time::SystemTime>, Detected)>;

/// A file's detection, kept for the run.
#[derive(Clone)]
pub struct Detected {
    ctx: Arc<SourceCtx>,
    compression: Compression,
    notes: Vec<Problem>,
}

impl std::fmt::Debug for Detected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Detected")
            .field("source", &self.ctx.display)
            .field("compression", &self.compression)
            .finish()
    }
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            chunk_size: 64 << 20,
            max_line: 16 << 20,
            year: None,
            tz: None,
            date: None,
            progress: None,
            plain: false,
            detected: Default::default(),
            bound: None,
            disorder_ns: super::seek::DEFAULT_DISORDER_NS,
            seek: true,
        }
    }
}

/// What reading one source found out.
#[derive(Clone, Debug, serde::Serialize)]
pub struct SourceReport {
    pub source: String,
    pub dialect: Option<String>,
    pub compression: Option<&'static str>,
    /// Size on disk (compressed size for compressed files).
    pub bytes: u64,
    pub lines: u64,
    pub problems: Vec<Problem>,
    /// `false` when the source could not be read at all.
    pub read: bool,
    /// Only part of the source was read, for a time range (a sought byte range, or a stream
    /// left after the range): `lines` counts the lines up to where reading ended.
    #[serde(skip)]
    pub partial: bool,
    /// Records dropped by a read for a time range because they have no time (only in the
    /// bytes read: a sought file's records outside the sought range are not seen).
    #[serde(skip)]
    pub untimed: u64,
}

/// Whole-token search for several ids at once.
pub struct Prefilter {
    /// Every occurrence of every id (overlapping): the exact answer, for a record.
    ac: AhoCorasick,
    /// Finds where to look in a whole buffer: leftmost occurrences only.
    scan: Scan,
    longest: usize,
}

/// The fastest leftmost search for the ids' count: one id by `memmem`, up to a few dozen by
/// SIMD (Teddy), more by an automaton. (An automaton's own prefilter looks for rare bytes, and
/// in logs full of hex ids the bytes of hex ids are not rare.)
enum Scan {
    One(memchr::memmem::Finder<'static>),
    Packed(aho_corasick::packed::Searcher),
    /// Many ids (`requests` completes thousands of requests at once), each of 4 bytes or more.
    Tokens(TokenSet),
    Ac(AhoCorasick),
}

/// Many ids looked up where a token can start: at every position after a byte outside
/// `[A-Za-z0-9_]`, the next four bytes are tested against a bitmap of the ids' hashed
/// prefixes, and only on a hit is the text compared with the ids of each length. One pass,
/// a table lookup per byte, however many ids (an automaton over thousands of ids crawls).
struct TokenSet {
    bits: Vec<u64>,
    /// Distinct id lengths, ascending.
    lens: Vec<usize>,
    ids: std::collections::HashSet<Vec<u8>>,
}

const TOKEN_BITS: u32 = 20;

fn prefix_slot(b: &[u8]) -> usize {
    let v = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
    (v.wrapping_mul(0x9E37_79B1) >> (32 - TOKEN_BITS)) as usize
}

impl TokenSet {
    fn new(ids: &[&[u8]]) -> Option<TokenSet> {
        if ids.iter().any(|i| i.len() < 4) {
            return None;
        }
        let mut bits = vec![0u64; 1 << (TOKEN_BITS - 6)];
        let mut lens: Vec<usize> = ids.iter().map(|i| i.len()).collect();
        lens.sort_unstable();
        lens.dedup();
        for id in ids {
            let s = prefix_slot(id);
            bits[s >> 6] |= 1 << (s & 63);
        }
        Some(TokenSet {
            bits,
            lens,
            ids: ids.iter().map(|i| i.to_vec()).collect(),
        })
    }

    fn find_all(&self, hay: &[u8], out: &mut Vec<usize>) {
        if hay.len() < 4 {
            return;
        }
        let mut prev_word = false;
        for p in 0..=hay.len() - 4 {
            let here = hay[p];
            if !prev_word {
                let s = prefix_slot(&hay[p..]);
                if self.bits[s >> 6] & (1 << (s & 63)) != 0 {
                    for &l in &self.lens {
                        let Some(cand) = hay.get(p..p + l) else { break };
                        if (p + l == hay.len() || !is_word(hay[p + l])) && self.ids.contains(cand) {
                            out.push(p);
                            break;
                        }
                    }
                }
            }
            prev_word = is_word(here);
        }
    }
}

impl Scan {
    /// Where the leftmost occurrence at or after `at` starts.
    fn find(&self, hay: &[u8], at: usize) -> Option<usize> {
        match self {
            Scan::One(f) => f.find(&hay[at..]).map(|i| i + at),
            Scan::Packed(s) => s
                .find_in(hay, aho_corasick::Span::from(at..hay.len()))
                .map(|m| m.start()),
            Scan::Ac(ac) => ac
                .find(aho_corasick::Input::new(hay).span(at..hay.len()))
                .map(|m| m.start()),
            Scan::Tokens(_) => unreachable!("a token set finds whole tokens itself"),
        }
    }
}

impl Prefilter {
    pub fn new<S: AsRef<[u8]>>(ids: &[S]) -> Option<Prefilter> {
        let ids: Vec<&[u8]> = ids
            .iter()
            .map(AsRef::as_ref)
            .filter(|s| !s.is_empty())
            .collect();
        if ids.is_empty() {
            return None;
        }
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(&ids)
            .ok()?;
        let scan = match ids.as_slice() {
            [one] => Scan::One(memchr::memmem::Finder::new(one).into_owned()),
            _ => {
                let packed = aho_corasick::packed::Config::new()
                    .match_kind(aho_corasick::packed::MatchKind::LeftmostFirst)
                    .builder()
                    .extend(&ids)
                    .build();
                match (packed, TokenSet::new(&ids)) {
                    (Some(s), _) => Scan::Packed(s),
                    (None, Some(ts)) => Scan::Tokens(ts),
                    (None, None) => Scan::Ac(
                        AhoCorasickBuilder::new()
                            .match_kind(MatchKind::LeftmostFirst)
                            .build(&ids)
                            .ok()?,
                    ),
                }
            }
        };
        let longest = ids.iter().map(|i| i.len()).max().unwrap_or(0);
        Some(Prefilter { ac, scan, longest })
    }

    /// Which search finds where to look (for tests).
    #[cfg(test)]
    fn scan_kind(&self) -> &'static str {
        match self.scan {
            Scan::One(_) => "memmem",
            Scan::Packed(_) => "teddy",
            Scan::Tokens(_) => "tokens",
            Scan::Ac(_) => "automaton",
        }
    }

    /// Positions of whole-token matches in `hay`, ascending.
    ///
    /// The leftmost search visits every position where some id starts (it resumes one byte
    /// after each match, so overlapping occurrences are not skipped); at each, every id that
    /// starts there is checked for token boundaries.
    pub fn find_all(&self, hay: &[u8], out: &mut Vec<usize>) {
        out.clear();
        if let Scan::Tokens(ts) = &self.scan {
            ts.find_all(hay, out);
            return;
        }
        let mut at = 0;
        while at < hay.len() {
            let Some(s) = self.scan.find(hay, at) else {
                break;
            };
            let window = &hay[s..hay.len().min(s + self.longest)];
            let whole = self
                .ac
                .find_overlapping_iter(window)
                .any(|w| w.start() == 0 && is_token_boundary(hay, s, s + w.end()));
            if whole {
                out.push(s);
            }
            at = s + 1;
        }
    }

    /// Which ids (their indices in the list given to [`Prefilter::new`], empty ids left out
    /// of the count) `hay` holds as whole tokens, ascending, each once.
    pub fn matched(&self, hay: &[u8], out: &mut Vec<usize>) {
        out.clear();
        for m in self.ac.find_overlapping_iter(hay) {
            if is_token_boundary(hay, m.start(), m.end()) {
                out.push(m.pattern().as_usize());
            }
        }
        out.sort_unstable();
        out.dedup();
    }

    /// Does `hay` hold one of the ids as a whole token?
    pub fn matches(&self, hay: &[u8]) -> bool {
        self.ac
            .find_overlapping_iter(hay)
            .any(|m| is_token_boundary(hay, m.start(), m.end()))
    }
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// An id matches only as a whole token: the bytes next to it are not `[A-Za-z0-9_]`.
pub fn is_token_boundary(hay: &[u8], start: usize, end: usize) -> bool {
    (start == 0 || !is_word(hay[start - 1])) && (end >= hay.len() || !is_word(hay[end]))
}

/// How a source's bytes are compressed, told by its first bytes (never by its name: logrotate's
/// `compresscmd` may write any of them under any suffix). Every format is read as a stream and
/// concatenated members (`cat a.gz b.gz`) are read one after the other.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Compression {
    None,
    Gzip,
    Zstd,
    Xz,
    Bzip2,
}

/// Bytes [`Compression::sniff`] needs to tell every format apart.
const MAGIC_LEN: usize = 10;

impl Compression {
    fn sniff(head: &[u8]) -> Compression {
        if head.starts_with(&[0x1f, 0x8b]) {
            Compression::Gzip
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Compression::Zstd
        } else if head.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0x00]) {
            Compression::Xz
        } else if head.len() >= MAGIC_LEN
            && head.starts_with(b"BZh")
            && (b'1'..=b'9').contains(&head[3])
            // A block's magic (pi), or the end-of-stream marker (sqrt pi) of an empty stream:
            // a text line starting `BZh1` is not bzip2.
            && matches!(
                &head[4..10],
                [0x31, 0x41, 0x59, 0x26, 0x53, 0x59] | [0x17, 0x72, 0x45, 0x38, 0x50, 0x90]
            )
        {
            Compression::Bzip2
        } else {
            Compression::None
        }
    }
    fn name(self) -> Option<&'static str> {
        match self {
            Compression::None => None,
            Compression::Gzip => Some("gzip"),
            Compression::Zstd => Some("zstd"),
            Compression::Xz => Some("xz"),
            Compression::Bzip2 => Some("bzip2"),
        }
    }
}

fn decoder(rd: Box<dyn Read + Send>, c: Compression) -> io::Result<Box<dyn Read + Send>> {
    Ok(match c {
        Compression::None => rd,
        Compression::Gzip => Box::new(flate2::read::MultiGzDecoder::new(rd)),
        Compression::Zstd => Box::new(zstd::stream::read::Decoder::new(rd)?),
        Compression::Xz => Box::new(liblzma::read::XzDecoder::new_multi_decoder(rd)),
        // bzip2 decodes a whole block (up to 900 kB of text) at once: a cut file gives the
        // blocks before the cut, as `bzip2recover` would.
        Compression::Bzip2 => Box::new(bzip2::read::MultiBzDecoder::new(rd)),
    })
}

/// A file's bytes, decompressed when its magic bytes say gzip, zstd, xz or bzip2 (the bundle's
/// excerpts re-read sources by line number).
pub fn open_decompressed(path: &std::path::Path) -> io::Result<Box<dyn Read + Send>> {
    let mut f = File::open(path)?;
    let mut magic = [0u8; MAGIC_LEN];
    let n = read_full(&mut f, &mut magic)?;
    f.seek(SeekFrom::Start(0))?;
    decoder(Box::new(f), Compression::sniff(&magic[..n]))
}

/// A source ready to read.
struct Prepared {
    ctx: Arc<SourceCtx>,
    input: Input,
    compression: Compression,
    size: u64,
    /// stdin: the bytes already taken for sniffing.
    stdin_head: Option<Vec<u8>>,
    /// Warnings found while preparing (a dialect detected with low confidence).
    notes: Vec<Problem>,
}

/// A piece of work: a whole source, or a byte range of a plain file.
struct Unit {
    src: usize,
    range: Option<(u64, u64)>,
    /// Only count the newlines of these bytes (before a time-sought range, so that line
    /// numbers stay exact); no records are read.
    count: Option<(u64, u64)>,
}

/// Bytes per counting unit before a sought range.
const COUNT_PIECE: u64 = 16 << 20;

struct UnitOut<A> {
    acc: A,
    lines: u64,
    /// Lines counted by a counting unit (see [`Unit::count`]).
    lines_before: u64,
    /// A stream read for a time range ended after it, before its end.
    stopped: bool,
    problems: Vec<Problem>,
    /// Records dropped by a read for a time range because they have no time.
    untimed: u64,
}

/// Can this source be read from a sought offset? Plain files of a line dialect: a layout
/// (CSV header, W3C `#Fields:`, XML) is read whole, and so are small files.
fn seekable(p: &Prepared, opts: &ReadOptions) -> bool {
    opts.seek
        && !opts.plain
        && p.compression == Compression::None
        && p.input.path.is_some()
        && p.ctx.tabular.is_none()
        && p.size > 256 << 10
}

/// Records on a head's first lines, none with a time, that make a file untimed for seeking.
const UNTIMED_HEAD_RECORDS: usize = 50;

/// The byte range of a seekable file that holds its records of `bound`.
fn bounded_range(
    p: &Prepared,
    parser: &Parser,
    bound: TimeBound,
    disorder_ns: i64,
) -> Result<(u64, u64), Unbounded> {
    // A head of records without a time: the first probe would read up to 1 MiB looking
    // for one, then give up the same way.
    if p.ctx.dated.untimed_head {
        return Err(Unbounded::Untimed);
    }
    let path = p.input.path.as_ref().expect("seekable files have a path");
    let f = File::open(path).map_err(|e| Unbounded::Io(e.to_string()))?;
    Prober::new(f, p.size, &p.ctx, parser).range(bound, disorder_ns)
}

fn io_problem(source: &str, e: &io::Error) -> Problem {
    let message = match e.kind() {
        io::ErrorKind::PermissionDenied => {
            "permission denied; run casefile as a user who can read it, or copy the file \
             somewhere readable"
                .to_string()
        }
        io::ErrorKind::NotFound => "no such file (it vanished or is a dangling symlink)".into(),
        _ if e.raw_os_error() == Some(21) => "is a directory".into(),
        _ => format!("cannot read: {e}"),
    };
    Problem {
        source: source.to_string(),
        line: None,
        message,
        skipped: true,
    }
}

/// Read every input, giving each record (or, with a prefilter, each matching record) to the
/// visitor. Returns the accumulators (with the index of their input) in input order, and one
/// report per input.
pub fn read_sources<V: Visitor>(
    inputs: &[Input],
    parser: &Parser,
    opts: &ReadOptions,
    visitor: &V,
) -> (Vec<(usize, V::Acc)>, Vec<SourceReport>) {
    // 1. Open and sniff every source; a casefile bundle's files are not logs.
    let in_bundle = bundle_dirs(inputs);
    let prepared: Vec<Result<Prepared, SourceReport>> = inputs
        .par_iter()
        .zip(&in_bundle)
        .map(|(input, b)| match b {
            Some(note) => Err(SourceReport {
                source: input.display.to_string(),
                dialect: None,
                compression: None,
                bytes: 0,
                lines: 0,
                problems: note.iter().cloned().collect(),
                read: false,
                partial: false,
                untimed: 0,
            }),
            None => prepare(input, parser, opts),
        })
        .collect();

    // 2. Cut into units; with a time range, only the bytes that can hold it.
    let bounded: Vec<Option<Result<(u64, u64), Unbounded>>> = prepared
        .par_iter()
        .map(|p| {
            let p = p.as_ref().ok()?;
            let bound = opts
                .bound
                .filter(|b| b.since.is_some() || b.until.is_some())?;
            seekable(p, opts).then(|| bounded_range(p, parser, bound, opts.disorder_ns))
        })
        .collect();
    let mut units = Vec::new();
    let mut notes: Vec<Vec<Problem>> = vec![Vec::new(); prepared.len()];
    for (i, p) in prepared.iter().enumerate() {
        let Ok(p) = p else { continue };
        let chunk = opts.chunk_size.max(1 << 20);
        let (from, to) = match &bounded[i] {
            Some(Ok(r)) => *r,
            Some(Err(Unbounded::Disordered { at, by_ns })) => {
                notes[i].push(Problem {
                    source: p.input.display.to_string(),
                    line: None,
                    message: format!(
                        "records out of time order by {} near byte {at}, more than --disorder \
                         {}: the file is read whole for the time range (raise --disorder to \
                         seek in it anyway)",
                        crate::model::format_duration_ns(*by_ns),
                        crate::model::format_duration_ns(opts.disorder_ns),
                    ),
                    skipped: false,
                });
                (0, p.size)
            }
            Some(Err(Unbounded::Io(_) | Unbounded::Untimed)) | None => (0, p.size),
        };
        let sought = bounded[i].as_ref().is_some_and(|r| r.is_ok());
        if let (Compression::None, Some(path), true) =
            (p.compression, &p.input.path, sought || p.size > chunk)
        {
            let n = (to - from).div_ceil(chunk).max(1);
            let mut bounds = vec![from];
            for k in 1..n {
                if let Some(b) = next_line_start(path, from + (to - from) * k / n) {
                    if b > *bounds.last().expect("non-empty") && b < to {
                        bounds.push(b);
                    }
                }
            }
            bounds.push(to);
            if sought {
                // The lines before the range are counted (not read), in pieces in parallel.
                let mut a = 0;
                while a < from {
                    let b = (a + COUNT_PIECE).min(from);
                    units.push(Unit {
                        src: i,
                        range: None,
                        count: Some((a, b)),
                    });
                    a = b;
                }
            }
            for w in bounds.windows(2) {
                units.push(Unit {
                    src: i,
                    range: Some((w[0], w[1])),
                    count: None,
                });
            }
        } else {
            units.push(Unit {
                src: i,
                range: None,
                count: None,
            });
        }
    }

    // 3. Read units in parallel. Stdin is read by the one unit that owns it.
    let stdin_heads: Vec<std::sync::Mutex<Option<Vec<u8>>>> = prepared
        .iter()
        .map(|p| std::sync::Mutex::new(p.as_ref().ok().and_then(|p| p.stdin_head.clone())))
        .collect();
    let outs: Vec<UnitOut<V::Acc>> = units
        .par_iter()
        .map(|u| {
            let p = prepared[u.src]
                .as_ref()
                .expect("units only for prepared sources");
            let head = stdin_heads[u.src]
                .lock()
                .map(|mut h| h.take())
                .unwrap_or(None);
            run_unit(p, u, head, parser, opts, visitor)
        })
        .collect();

    // 4. Rebase line numbers and assemble reports, in source order.
    let mut reports: Vec<SourceReport> = prepared
        .iter()
        .enumerate()
        .map(|(i, p)| match p {
            Ok(p) => SourceReport {
                source: p.input.display.to_string(),
                dialect: p.ctx.label(parser),
                compression: p.compression.name(),
                bytes: p.size,
                lines: 0,
                problems: p.notes.clone(),
                read: true,
                partial: bounded[i].as_ref().is_some_and(|r| r.is_ok()),
                untimed: 0,
            },
            Err(r) => r.clone(),
        })
        .collect();
    let mut accs = Vec::with_capacity(outs.len());
    for (r, n) in reports.iter_mut().zip(notes) {
        r.problems.extend(n);
    }
    for (u, mut out) in units.iter().zip(outs) {
        let rep = &mut reports[u.src];
        rep.lines += out.lines_before;
        let base = rep.lines;
        visitor.rebase(&mut out.acc, base);
        for mut pr in out.problems {
            pr.line = pr.line.map(|l| l + base);
            rep.problems.push(pr);
        }
        rep.lines += out.lines;
        rep.partial |= out.stopped;
        rep.untimed += out.untimed;
        accs.push((u.src, out.acc));
    }
    let dated: Vec<Option<Dated>> = prepared
        .iter()
        .map(|p| p.as_ref().ok().map(|p| p.ctx.dated))
        .collect();
    flag_year_guesses(&mut reports, &dated);
    for r in &mut reports {
        if r.read && r.lines == 0 && r.problems.is_empty() && !r.partial {
            r.problems.push(Problem {
                source: r.source.clone(),
                line: None,
                message: "empty file: nothing to read".into(),
                skipped: false,
            });
        }
    }
    (accs, reports)
}

/// Does `head` start like the `manifest.json` casefile writes (`{"schema_version": N, "tool":
/// {"name": "casefile", ...`)?
fn is_casefile_manifest(head: &[u8]) -> bool {
    let squeezed: Vec<u8> = head
        .iter()
        .take(512)
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    squeezed.starts_with(br#"{"schema_version":"#)
        && memchr::memmem::find(&squeezed, br#""tool":{"name":"casefile""#).is_some()
}

/// A directory bundle: `manifest.json` written by casefile and `SHA256SUMS` in `dir`.
fn is_bundle_dir(dir: &std::path::Path) -> bool {
    let mut head = [0u8; 512];
    dir.join("SHA256SUMS").is_file()
        && File::open(dir.join("manifest.json"))
            .and_then(|mut f| read_full(&mut f, &mut head))
            .is_ok_and(|n| is_casefile_manifest(&head[..n]))
}

/// Per input, `Some` when it is a file of a directory bundle casefile wrote (in the bundle's
/// folder, or in its `excerpts/`): a bundle written inside a folder of logs is not read back as
/// logs on the next run. The first file of each bundle carries the one note about it (a
/// warning: nothing is lost, exit code unchanged); the others carry none.
fn bundle_dirs(inputs: &[Input]) -> Vec<Option<Option<Problem>>> {
    use std::collections::HashMap;
    use std::path::{Path, PathBuf};
    let mut known: HashMap<PathBuf, bool> = HashMap::new();
    let mut is_bundle = |d: &Path| {
        *known
            .entry(d.to_path_buf())
            .or_insert_with(|| is_bundle_dir(d))
    };
    // Per input: the bundle folder it is in, as shown.
    let mut found: Vec<Option<String>> = Vec::with_capacity(inputs.len());
    for input in inputs {
        let Some(path) = &input.path else {
            found.push(None);
            continue;
        };
        let shown = Path::new(&*input.display);
        let mut hit = None;
        if let (Some(dir), Some(sdir)) = (path.parent(), shown.parent()) {
            if is_bundle(dir) {
                hit = Some(sdir);
            } else if dir.file_name().is_some_and(|n| n == "excerpts") {
                if let (Some(up), Some(sup)) = (dir.parent(), sdir.parent()) {
                    if is_bundle(up) {
                        hit = Some(sup);
                    }
                }
            }
        }
        found.push(hit.map(|d| {
            let d = d.to_string_lossy();
            if d.is_empty() {
                ".".to_string()
            } else {
                d.into_owned()
            }
        }));
    }
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for d in found.iter().flatten() {
        *counts.entry(d).or_default() += 1;
    }
    let mut noted = std::collections::HashSet::new();
    found
        .iter()
        .map(|f| {
            f.as_ref().map(|d| {
                noted.insert(d.as_str()).then(|| Problem {
                    source: d.clone(),
                    line: None,
                    message: format!(
                        "a bundle casefile wrote (manifest.json and SHA256SUMS), not logs: its \
                         {} file(s) are not read. Write bundles outside the folders you read \
                         logs from",
                        counts[d.as_str()]
                    ),
                    skipped: false,
                })
            })
        })
        .collect()
}

/// An archive bundle: a .tar.gz (`head` decompressed) or a .zip whose first entry is the
/// `manifest.json` casefile writes.
fn is_bundle_archive(head: &[u8], c: Compression) -> bool {
    let name_is = |name: &[u8]| name == b"manifest.json";
    match c {
        Compression::Gzip if head.len() > 512 => {
            let name = &head[..100];
            let name = &name[..memchr::memchr(0, name).unwrap_or(100)];
            name_is(name) && &head[257..262] == b"ustar" && is_casefile_manifest(&head[512..])
        }
        Compression::None if head.starts_with(b"PK\x03\x04") && head.len() >= 30 => {
            let u16_at = |i: usize| u16::from_le_bytes([head[i], head[i + 1]]) as usize;
            let (method, name_len, extra) = (u16_at(8), u16_at(26), u16_at(28));
            let start = 30 + name_len + extra;
            if head.len() <= start || !name_is(&head[30..30 + name_len]) {
                return false;
            }
            let mut first = [0u8; 512];
            let n = match method {
                0 => read_full(&mut &head[start..], &mut first),
                8 => read_full(
                    &mut flate2::read::DeflateDecoder::new(&head[start..]),
                    &mut first,
                ),
                _ => return false,
            };
            n.is_ok_and(|n| is_casefile_manifest(&first[..n]))
        }
        _ => false,
    }
}

fn next_line_start(path: &std::path::Path, at: u64) -> Option<u64> {
    let mut f = File::open(path).ok()?;
    f.seek(SeekFrom::Start(at)).ok()?;
    let mut buf = vec![0u8; 64 << 10];
    let mut pos = at;
    loop {
        let n = f.read(&mut buf).ok()?;
        if n == 0 {
            return None;
        }
        if let Some(i) = memchr::memchr(b'\n', &buf[..n]) {
            return Some(pos + i as u64 + 1);
        }
        pos += n as u64;
    }
}

fn prepare(input: &Input, parser: &Parser, opts: &ReadOptions) -> Result<Prepared, SourceReport> {
    let fail = |p: Problem, size: u64| SourceReport {
        source: input.display.to_string(),
        dialect: None,
        compression: None,
        bytes: size,
        lines: 0,
        problems: vec![p],
        read: false,
        partial: false,
        untimed: 0,
    };
    let (compression, size, head, mtime, stdin_head) = match &input.path {
        Some(path) => {
            let meta =
                std::fs::metadata(path).map_err(|e| fail(io_problem(&input.display, &e), 0))?;
            if meta.is_dir() {
                return Err(fail(
                    Problem {
                        source: input.display.to_string(),
                        line: None,
                        message: "is a directory".into(),
                        skipped: true,
                    },
                    0,
                ));
            }
            if let Some(d) = cached(opts, path, &meta).filter(|d| d.ctx.display == input.display) {
                return Ok(Prepared {
                    ctx: d.ctx,
                    input: input.clone(),
                    compression: d.compression,
                    size: meta.len(),
                    stdin_head: None,
                    notes: d.notes,
                });
            }
            let mut f = File::open(path).map_err(|e| fail(io_problem(&input.display, &e), 0))?;
            let mut magic = [0u8; MAGIC_LEN];
            let n = read_full(&mut f, &mut magic)
                .map_err(|e| fail(io_problem(&input.display, &e), 0))?;
            let c = Compression::sniff(&magic[..n]);
            f.seek(SeekFrom::Start(0))
                .map_err(|e| fail(io_problem(&input.display, &e), 0))?;
            let mut rd =
                decoder(Box::new(f), c).map_err(|e| fail(io_problem(&input.display, &e), 0))?;
            let mut head = vec![0u8; 64 << 10];
            // A truncated stream still gives its first bytes; the error shows up when reading.
            let n = read_full(&mut rd, &mut head).unwrap_or(0);
            head.truncate(n);
            let mtime = meta.modified().ok().and_then(|t| {
                t.duration_since(std::time::UNIX_EPOCH)
                    .ok()
                    .map(|d| Timestamp::from_secs(d.as_secs() as i64))
            });
            (c, meta.len(), head, mtime, None)
        }
        None => {
            let mut head = vec![0u8; 64 << 10];
            let n = read_full(&mut io::stdin().lock(), &mut head)
                .map_err(|e| fail(io_problem("-", &e), 0))?;
            head.truncate(n);
            let c = Compression::sniff(&head);
            if c != Compression::None {
                // Decompress a sample of stdin for sniffing; the unit decompresses it all.
                let mut rd = decoder(Box::new(io::Cursor::new(head.clone())), c)
                    .map_err(|e| fail(io_problem("-", &e), 0))?;
                let mut sample = vec![0u8; 64 << 10];
                let n = read_full(&mut rd, &mut sample).unwrap_or(0);
                sample.truncate(n);
                let now = Timestamp::from_secs(
                    std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map(|d| d.as_secs() as i64)
                        .unwrap_or(0),
                );
                (c, 0, sample, Some(now), Some(head))
            } else {
                let now = Timestamp::from_secs(
                    std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map(|d| d.as_secs() as i64)
                        .unwrap_or(0),
                );
                (c, 0, head.clone(), Some(now), Some(head))
            }
        }
    };
    // A sample cut at its size ends in part of a line, which no dialect reads whole: drop it,
    // or a lenient dialect wins detection by that one line (long ALB lines).
    let mut head = head;
    if head.len() == 64 << 10 {
        if let Some(i) = memchr::memrchr(b'\n', &head) {
            head.truncate(i + 1);
        }
    }
    if is_bundle_archive(&head, compression) {
        return Err(fail(
            Problem {
                source: input.display.to_string(),
                line: None,
                message: "a bundle casefile wrote (its first entry is casefile's manifest.json), \
                          not logs: not read. Write bundles outside the folders you read logs \
                          from"
                    .into(),
                skipped: false,
            },
            size,
        ));
    }
    if memchr::memchr(0, &head[..head.len().min(8192)]).is_some() {
        return Err(fail(
            Problem {
                source: input.display.to_string(),
                line: None,
                message: "binary file (NUL bytes in its first 8 KiB), not a text log; skipped. \
                          If it is a log in another compression or encoding, convert it to \
                          UTF-8 text first"
                    .into(),
                skipped: true,
            },
            size,
        ));
    }
    let year_hint = opts.year.unwrap_or_else(|| {
        mtime
            .map(|t| crate::model::civil_from_days(t.0.div_euclid(86_400_000_000_000)).0 as i32)
            .unwrap_or(1970)
    });
    let time = TimeContext {
        tz: opts.tz.clone(),
        year_hint,
        reference: if opts.year.is_some() { None } else { mtime },
        // A time of day alone (`16:42:22.382`) is dated by the last write: the latest such
        // time not after it (a file from 23:50 to 00:10 reads its first lines as the day
        // before).
        day: mtime.map(DayAnchor::Before),
        ..Default::default()
    };
    let tabular = if opts.plain {
        None
    } else {
        crate::parse::Tabular::detect(&String::from_utf8_lossy(&head))
    };
    let det = if opts.plain || tabular.is_some() {
        Default::default()
    } else {
        parser.detect_source(&head, &time)
    };
    let mut notes = Vec::new();
    if det.low_confidence() {
        let name = det.dialect.map_or("?", |d| &*parser.dialects[d].name);
        notes.push(Problem {
            source: input.display.to_string(),
            line: None,
            message: format!(
                "dialect '{name}' chosen with low confidence: it reads {} of the first {} \
                 records; the others are read by whichever dialect fits each line. If the \
                 file has a format of its own, declare it as a [[dialect]] in casefile.toml \
                 (see README, Dialects)",
                det.read, det.of
            ),
            skipped: false,
        });
    }
    let (frames, dialect) = (det.frames, det.dialect);
    let mut time = time;
    if let Some(date) = opts.date {
        time.day = Some(DayAnchor::After(first_record_on(
            parser, &frames, dialect, &head, &time, date,
        )));
    }
    let mut dated = Dated::default();
    if tabular.is_none() && !opts.plain {
        let (records, times) = head_records(parser, &frames, dialect, &head, &time);
        time.plausible = plausible_range(&times, mtime);
        dated = dated_head(parser, &frames, dialect, &head, &time, &times, opts.year);
        dated.untimed_head = records >= UNTIMED_HEAD_RECORDS && times.is_empty();
    }
    let ctx = SourceCtx {
        display: input.display.clone(),
        path_service: service_from_path(&input.display),
        frames,
        dialect,
        tabular,
        time,
        dated,
    };
    let ctx = Arc::new(ctx);
    if let Some(path) = &input.path {
        if let (Ok(meta), Ok(mut cache)) = (std::fs::metadata(path), opts.detected.lock()) {
            cache.insert(
                path.clone(),
                (
                    meta.len(),
                    meta.modified().ok(),
                    Detected {
                        ctx: ctx.clone(),
                        compression,
                        notes: notes.clone(),
                    },
                ),
            );
        }
    }
    Ok(Prepared {
        ctx,
        input: input.clone(),
        compression,
        size,
        stdin_head,
        notes,
    })
}

/// The times of the records that start on the head's first 400 lines, in order.
fn head_times(
    parser: &Parser,
    frames: &crate::parse::Frames,
    dialect: Option<usize>,
    head: &[u8],
    time: &TimeContext,
) -> Vec<Timestamp> {
    head_records(parser, frames, dialect, head, time).1
}

/// How many records start on the head's first 400 lines, and their times, in order.
fn head_records(
    parser: &Parser,
    frames: &crate::parse::Frames,
    dialect: Option<usize>,
    head: &[u8],
    time: &TimeContext,
) -> (usize, Vec<Timestamp>) {
    let src: Arc<str> = "".into();
    let mut records = 0;
    let times = String::from_utf8_lossy(head)
        .lines()
        .take(400)
        .filter(|l| parser.starts_record(frames, dialect, l.as_bytes(), None))
        .filter_map(|l| {
            records += 1;
            parser
                .event_framed(frames, dialect, l.to_string(), &src, 1, None, time)
                .ts
        })
        .collect();
    (records, times)
}

/// `--date D`: when the file starts, the time of its first record on D (midnight of D when no
/// record has one); a time of day alone is then the first such time from there on, so the
/// records after midnight roll over to the next day.
fn first_record_on(
    parser: &Parser,
    frames: &crate::parse::Frames,
    dialect: Option<usize>,
    head: &[u8],
    time: &TimeContext,
    date: jiff::civil::Date,
) -> Timestamp {
    let tz = time.tz.clone().unwrap_or(jiff::tz::TimeZone::UTC);
    let at = |h: i8| {
        date.at(h, 0, 0, 0)
            .to_zoned(tz.clone())
            .map(|z| Timestamp(z.timestamp().as_nanosecond() as i64))
            .unwrap_or(Timestamp(0))
    };
    // Nearest noon of D: any time of day reads as D itself.
    let probe = TimeContext {
        day: Some(DayAnchor::Near(at(12))),
        ..time.clone()
    };
    head_times(parser, frames, dialect, head, &probe)
        .into_iter()
        .next()
        .unwrap_or_else(|| at(0))
}

/// How far a timestamp may lie from the rest of its file: 400 days either side of the
/// median time of the head's records (and of the file's mtime). Further off is a misread (digits
/// of an id, a counter) and is no timestamp. `None` (no check) when the head has fewer than 3
/// records with a time.
fn plausible_range(
    times: &[Timestamp],
    mtime: Option<Timestamp>,
) -> Option<(Timestamp, Timestamp)> {
    const SPAN: i64 = 400 * 86_400 * 1_000_000_000;
    let m = median(times)?;
    let w = mtime.map_or(m.0, |t| t.0);
    Some((
        Timestamp(m.0.min(w).saturating_sub(SPAN)),
        Timestamp(m.0.max(w).saturating_add(SPAN)),
    ))
}

/// The median of at least 3 times.
fn median(times: &[Timestamp]) -> Option<Timestamp> {
    if times.len() < 3 {
        return None;
    }
    let mut ts: Vec<i64> = times.iter().map(|t| t.0).collect();
    ts.sort_unstable();
    Some(Timestamp(ts[ts.len() / 2]))
}

/// The head's median time, and the year taken from the file's mtime when its records carry
/// none: read again with the next year as the hint and no reference, a dated record gives the
/// same times and a year-less one moves.
fn dated_head(
    parser: &Parser,
    frames: &crate::parse::Frames,
    dialect: Option<usize>,
    head: &[u8],
    time: &TimeContext,
    times: &[Timestamp],
    year: Option<i32>,
) -> Dated {
    let mid = median(times);
    let year_from_mtime = match (mid, year) {
        (Some(m), None) => {
            let probe = TimeContext {
                year_hint: time.year_hint + 1,
                reference: None,
                plausible: None,
                ..time.clone()
            };
            let moved = median(&head_times(parser, frames, dialect, head, &probe));
            (moved.is_some_and(|t| t != m))
                .then(|| crate::model::civil_from_days(m.0.div_euclid(86_400_000_000_000)).0 as i32)
        }
        _ => None,
    };
    Dated {
        median: mid,
        year_from_mtime,
        untimed_head: false,
    }
}

/// A source whose year came from its file's mtime (the lines carry none) and that lands about a
/// year away from the other sources of the same read gets a warning naming `--year`: a file
/// copied, restored or touched after the year turned is dated a year off, and a timeline
/// across sources would put it a year apart. "Away": its head's median is more than 300 days
/// from the median of the other sources' heads, and a year less (or more) would bring it
/// within 60 days.
pub(crate) fn flag_year_guesses(reports: &mut [SourceReport], dated: &[Option<Dated>]) {
    const DAY: i64 = 86_400 * 1_000_000_000;
    for (i, d) in dated.iter().enumerate() {
        let Some(Dated {
            median: Some(m),
            year_from_mtime: Some(year),
            ..
        }) = *d
        else {
            continue;
        };
        let others: Vec<Timestamp> = dated
            .iter()
            .enumerate()
            .filter(|&(j, _)| j != i)
            .filter_map(|(_, o)| o.and_then(|o| o.median))
            .collect();
        let Some(rest) = (match others.len() {
            0 => None,
            1 | 2 => Some(others[0]),
            _ => median(&others),
        }) else {
            continue;
        };
        let off = m.0 - rest.0;
        if off.abs() <= 300 * DAY {
            continue;
        }
        let shift = if off > 0 { -1 } else { 1 };
        let shifted = m.0 + shift as i64 * 365 * DAY;
        if (shifted - rest.0).abs() > 60 * DAY {
            continue;
        }
        reports[i].problems.push(Problem {
            source: reports[i].source.clone(),
            line: None,
            message: format!(
                "its lines carry no year, and {year} was taken from the file's modification \
                 time; that puts it {} days {} the other sources (around {}). If the file was \
                 copied or touched after the year turned, give --year {}",
                off.abs() / DAY,
                if off > 0 { "after" } else { "before" },
                &rest.to_rfc3339()[..10],
                year + shift
            ),
            skipped: false,
        });
    }
}

/// This run's detection of `path`, if the file has not changed since (same size and mtime)
/// and is read under the same display name.
fn cached(
    opts: &ReadOptions,
    path: &std::path::Path,
    meta: &std::fs::Metadata,
) -> Option<Detected> {
    let cache = opts.detected.lock().ok()?;
    let (len, mtime, d) = cache.get(path)?;
    (*len == meta.len() && *mtime == meta.modified().ok()).then(|| d.clone())
}

fn read_full(rd: &mut dyn Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match rd.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => {
                if n > 0 {
                    return Ok(n);
                }
                return Err(e);
            }
        }
    }
    Ok(n)
}

fn open_unit(p: &Prepared, u: &Unit, head: Option<Vec<u8>>) -> io::Result<Box<dyn Read + Send>> {
    match &p.input.path {
        Some(path) => {
            let mut f = File::open(path)?;
            if let Some((a, _)) = u.range {
                f.seek(SeekFrom::Start(a))?;
            }
            decoder(Box::new(f), p.compression)
        }
        None => {
            let rd: Box<dyn Read + Send> =
                Box::new(io::Cursor::new(head.unwrap_or_default()).chain(io::stdin()));
            decoder(rd, p.compression)
        }
    }
}

fn run_unit<V: Visitor>(
    p: &Prepared,
    u: &Unit,
    head: Option<Vec<u8>>,
    parser: &Parser,
    opts: &ReadOptions,
    v: &V,
) -> UnitOut<V::Acc> {
    let mut out = UnitOut {
        acc: v.new_acc(),
        lines: 0,
        lines_before: 0,
        stopped: false,
        problems: Vec::new(),
        untimed: 0,
    };
    if let Some((a, b)) = u.count {
        let counted = p
            .input
            .path
            .as_ref()
            .ok_or_else(|| io::Error::other("no path"))
            .and_then(File::open)
            .and_then(|mut f| super::seek::count_newlines(&mut f, a, b));
        match counted {
            Ok(n) => out.lines_before = n,
            Err(e) => out.problems.push(io_problem(&p.input.display, &e)),
        }
        v.end_unit(&mut out.acc);
        return out;
    }
    if u.range.is_some_and(|(a, b)| a == b) {
        v.end_unit(&mut out.acc);
        return out;
    }
    let rd = match open_unit(p, u, head) {
        Ok(r) => r,
        Err(e) => {
            out.problems.push(io_problem(&p.input.display, &e));
            return out;
        }
    };
    let limit = u.range.map(|(a, b)| b - a);
    let skip_leading = u.range.is_some_and(|(a, _)| a > 0);
    let mut cutter = Cutter {
        parser,
        ctx: &p.ctx,
        visitor: v,
        matches: Vec::new(),
        invalid_utf8_reported: false,
        at_eof: false,
        plain: opts.plain,
        bound: opts
            .bound
            .filter(|b| b.since.is_some() || b.until.is_some())
            .filter(|_| opts.seek && !opts.plain && p.ctx.tabular.is_none()),
        stop_after: opts
            .bound
            .and_then(|b| b.until)
            .filter(|_| {
                // Streams only: a plain file was sought, or is read whole because it is small
                // or out of order.
                let stream = p.compression != Compression::None || p.input.path.is_none();
                opts.seek && stream && !opts.plain && p.ctx.tabular.is_none()
            })
            .map(|t| Timestamp(t.0.saturating_add(opts.disorder_ns))),
        stopped: false,
        newest: None,
        disorder_ns: opts.disorder_ns,
    };
    cutter.run(rd, limit, skip_leading, opts, p.compression, &mut out);
    out.stopped = cutter.stopped;
    v.end_unit(&mut out.acc);
    out
}

/// Cuts a byte stream into records with a bounded buffer.
struct Cutter<'a, V: Visitor> {
    parser: &'a Parser,
    ctx: &'a SourceCtx,
    visitor: &'a V,
    matches: Vec<usize>,
    invalid_utf8_reported: bool,
    /// The stream has ended (as opposed to a record cut because it is too long).
    at_eof: bool,
    /// Every line is a record.
    plain: bool,
    /// Only records of this range are wanted.
    bound: Option<TimeBound>,
    /// A stream read for a time range stops at a record newer than this.
    stop_after: Option<Timestamp>,
    stopped: bool,
    /// The newest time seen so far in a stream read for a time range, and the disorder bound.
    newest: Option<Timestamp>,
    disorder_ns: i64,
}

const INITIAL_BUF: usize = 1 << 20;
/// A record (stack trace) longer than this is cut; the rest starts a new record.
const MAX_RECORD: usize = 8 << 20;

impl<V: Visitor> Cutter<'_, V> {
    /// Does the line at `s` start a record? Not when the line before is a CRI partial line
    /// that it continues.
    fn is_start(&self, buf: &[u8], s: usize) -> bool {
        if let Some(t) = &self.ctx.tabular {
            let l = line_of(buf, s);
            return t.is_record_start(&String::from_utf8_lossy(l.strip_suffix(b"\r").unwrap_or(l)));
        }
        self.plain
            || self.parser.starts_record(
                &self.ctx.frames,
                self.ctx.dialect,
                line_of(buf, s),
                (s > 0).then(|| line_of(buf, line_start(buf, s - 1))),
            )
    }

    #[allow(clippy::too_many_arguments)]
    fn run(
        &mut self,
        mut rd: Box<dyn Read + Send>,
        limit: Option<u64>,
        mut skip_leading: bool,
        opts: &ReadOptions,
        compression: Compression,
        out: &mut UnitOut<V::Acc>,
    ) {
        let max_line = opts.max_line.max(1024);
        let mut buf: Vec<u8> = vec![0; INITIAL_BUF];
        let mut len = 0usize;
        let mut abs: u64 = 0; // unit offset of buf[0]
        let mut line0: u64 = 0; // lines before buf[0] within the unit
        let mut eof = false;
        let mut discarding = false; // dropping the rest of an over-long line
        let mut hidden: u64 = 0; // bytes of that line dropped from the buffer's end
        loop {
            // Fill the buffer.
            if !eof && len < buf.len() {
                match rd.read(&mut buf[len..]) {
                    Ok(0) => eof = true,
                    Ok(n) => {
                        if let Some(pr) = &opts.progress {
                            pr.fetch_add(n as u64, Ordering::Relaxed);
                        }
                        if discarding {
                            match memchr::memchr(b'\n', &buf[len..len + n]) {
                                Some(i) => {
                                    buf.copy_within(len + i + 1..len + n, len);
                                    len += n - i - 1;
                                    abs += (i + 1) as u64;
                                    discarding = false;
                                }
                                None => {
                                    abs += n as u64;
                                    continue;
                                }
                            }
                        } else {
                            len += n;
                        }
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => {
                        eof = true;
                        let (what, check) = match compression {
                            Compression::Gzip => ("gzip stream", "`gzip -t`"),
                            Compression::Zstd => ("zstd stream", "`zstd -t`"),
                            Compression::Xz => ("xz stream", "`xz -t`"),
                            Compression::Bzip2 => ("bzip2 stream", "`bzip2 -t`"),
                            Compression::None => ("file", "the disk"),
                        };
                        out.problems.push(Problem {
                            source: self.ctx.display.to_string(),
                            line: Some(line0 + count_lines(&buf[..len]) + 1),
                            message: format!(
                                "{what} is damaged or truncated here ({e}); the lines before \
                                 were read, the rest is lost. Check it with {check} and copy \
                                 it again from its origin"
                            ),
                            skipped: true,
                        });
                    }
                }
                if !eof && len < buf.len() {
                    continue;
                }
            }
            self.at_eof = eof;
            // The complete lines in the buffer.
            let mut end = match memchr::memrchr(b'\n', &buf[..len]) {
                Some(i) => i + 1,
                None => 0,
            };
            if len - end >= max_line {
                // The last line alone fills `max_line`: keep its start, drop the rest.
                out.problems.push(Problem {
                    source: self.ctx.display.to_string(),
                    line: Some(line0 + count_lines(&buf[..end]) + 1),
                    message: format!(
                        "line longer than {} MiB; its first {} MiB were kept and the rest \
                         dropped (raise the limit with --max-line)",
                        max_line >> 20,
                        max_line >> 20
                    ),
                    skipped: true,
                });
                let cut = end + max_line;
                buf[cut - 1] = b'\n';
                hidden += (len - cut) as u64;
                len = cut;
                end = cut;
                // The rest of the line, in the buffer or still to come, is dropped.
                discarding = !eof;
            } else if eof {
                end = len;
            }
            let lim = limit.map_or(usize::MAX, |l| l.saturating_sub(abs) as usize);
            let (mut consumed, done) = self.process(
                &buf[..end],
                line0,
                lim,
                eof || discarding,
                &mut skip_leading,
                out,
            );
            if !done && consumed == 0 && len == buf.len() {
                // One record (or one line) fills the buffer: grow, or cut it.
                let cap = MAX_RECORD.max(max_line);
                if buf.len() < cap {
                    let new = (buf.len() * 2).min(cap);
                    buf.resize(new, 0);
                    continue;
                }
                let (c, _) = self.process(&buf[..end], line0, lim, true, &mut skip_leading, out);
                consumed = c;
            }
            if done {
                // Lines past the unit's limit belong to the next chunk.
                let upto = consumed.min(lim).min(len);
                line0 += count_lines(&buf[..upto]);
                if eof && upto == len && upto > 0 && buf[upto - 1] != b'\n' {
                    line0 += 1; // a last line without its newline
                }
                break;
            }
            line0 += count_lines(&buf[..consumed]);
            buf.copy_within(consumed..len, 0);
            len -= consumed;
            abs += consumed as u64;
            if len == 0 {
                abs += hidden;
                hidden = 0;
            }
            if eof && (len == 0 || consumed == 0) {
                break;
            }
        }
        out.lines = line0;
    }

    /// Handle the records of `buf` (complete lines). Returns how many bytes are finished with
    /// and whether every record starting before `lim` has been handled.
    fn process(
        &mut self,
        buf: &[u8],
        line0: u64,
        lim: usize,
        eof: bool,
        skip_leading: &mut bool,
        out: &mut UnitOut<V::Acc>,
    ) -> (usize, bool) {
        if buf.is_empty() {
            return (0, self.at_eof || lim == 0);
        }
        // Records before `complete` are known to be whole.
        let complete = if eof { buf.len() } else { self.last_start(buf) };
        // Leading continuation lines of a chunk belong to the previous chunk.
        let mut first = 0;
        if *skip_leading {
            match self.first_start(buf, complete) {
                Some(s) => {
                    first = s;
                    *skip_leading = false;
                }
                None if eof || complete > 0 => {
                    // No record starts here at all.
                    if complete > 0 {
                        return (complete, lim <= complete);
                    }
                    return (buf.len(), true);
                }
                None => return (0, false),
            }
        }
        let stop = complete.min(lim);
        let mut counted = 0usize;
        let mut line = line0;
        if let Some(pf) = self.visitor.prefilter() {
            let mut matches = std::mem::take(&mut self.matches);
            pf.find_all(&buf[first..complete], &mut matches);
            let mut next_free = first;
            for &m in &matches {
                let m = m + first;
                if m < next_free {
                    continue;
                }
                let mut s = line_start(buf, m);
                while s > first && !self.is_start(buf, s) {
                    s = line_start(buf, s - 1);
                }
                if s >= stop {
                    break;
                }
                let e = self.record_end(buf, s, complete);
                line += count_lines(&buf[counted..s]);
                counted = s;
                self.emit(&buf[s..e], None, line + 1, out);
                next_free = e;
                if self.stopped {
                    self.matches = matches;
                    return (complete, true);
                }
            }
            self.matches = matches;
        } else {
            let mut s = first;
            line += count_lines(&buf[counted..s]);
            // Every record is emitted: check the UTF-8 of all of them at once (records end at
            // newlines, so each is valid when the whole is). If that fails, `emit` checks
            // each record on its own.
            let text = std::str::from_utf8(&buf[first..complete]).ok();
            while s < stop {
                // Lines are counted while the record's end is found: no second pass.
                let (e, lines) = self.record_end_counted(buf, s, complete);
                let rec_text = text.and_then(|t| t.get(s - first..e - first));
                self.emit(&buf[s..e], rec_text, line + 1, out);
                line += lines;
                s = e;
                if self.stopped {
                    return (complete, true);
                }
            }
        }
        if eof {
            return (buf.len(), self.at_eof || lim <= buf.len());
        }
        (complete, lim <= complete)
    }

    /// End (exclusive) of the record starting at `s`: the next line that starts a record.
    /// [`Self::record_end`], and how many newlines the record holds.
    fn record_end_counted(&self, buf: &[u8], s: usize, complete: usize) -> (usize, u64) {
        let step = |at: usize| match memchr::memchr(b'\n', &buf[at..]) {
            Some(p) => (at + p + 1, 1),
            None => (buf.len(), 0),
        };
        let (first_end, mut n) = step(s);
        if self.plain {
            return (first_end, n);
        }
        let mut e = first_end;
        while e < complete && !self.is_start(buf, e) {
            let (next, k) = step(e);
            e = next;
            n += k;
        }
        let end = e.min(complete.max(first_end));
        if end < e {
            // Cut at `complete`: count what is kept.
            n = count_lines(&buf[s..end]);
        }
        (end, n)
    }

    fn record_end(&self, buf: &[u8], s: usize, complete: usize) -> usize {
        let mut e = next_line(buf, s);
        while e < complete && !self.is_start(buf, e) {
            e = next_line(buf, e);
        }
        e.min(complete.max(next_line(buf, s)))
    }

    /// Start of the last record that begins in `buf` (0 when none does).
    fn last_start(&self, buf: &[u8]) -> usize {
        let mut s = line_start(buf, buf.len().saturating_sub(1));
        loop {
            if self.is_start(buf, s) || s == 0 {
                return s;
            }
            s = line_start(buf, s - 1);
        }
    }

    fn first_start(&self, buf: &[u8], complete: usize) -> Option<usize> {
        let mut s = 0;
        while s < complete {
            if self.is_start(buf, s) {
                return Some(s);
            }
            s = next_line(buf, s);
        }
        None
    }

    /// `text` is `rec` already known to be valid UTF-8, if it is.
    fn emit(&mut self, rec: &[u8], text: Option<&str>, line: u64, out: &mut UnitOut<V::Acc>) {
        let mut rec = rec;
        while let Some((&last, rest)) = rec.split_last() {
            let trim = if self.plain {
                last == b'\n' || last == b'\r'
            } else {
                last == b'\n' || last == b'\r' || last == b' ' || last == b'\t'
            };
            if trim {
                rec = rest;
            } else {
                break;
            }
        }
        if rec.is_empty() && !self.plain {
            return;
        }
        // Header lines of a tabular source (`#Fields:`, a CSV header row) are not events.
        if let Some(t) = &self.ctx.tabular {
            let first = line_of(rec, 0);
            if t.is_header(&String::from_utf8_lossy(
                first.strip_suffix(b"\r").unwrap_or(first),
            )) {
                return;
            }
        }
        // Trimming removed ASCII bytes only, so `rec.len()` is a char boundary of `text`.
        let utf8 = match text.and_then(|t| t.get(..rec.len())) {
            Some(t) => Some(t),
            None => std::str::from_utf8(rec).ok(),
        };
        if utf8.is_none() && !self.invalid_utf8_reported {
            self.invalid_utf8_reported = true;
            out.problems.push(Problem {
                source: self.ctx.display.to_string(),
                line: Some(line),
                message: "invalid UTF-8 (first here); the bad bytes are shown as U+FFFD. If the \
                          file is in another encoding, convert it: iconv -f latin1 -t utf-8"
                    .into(),
                skipped: false,
            });
        }
        if let Some(crate::parse::Tabular::CloudTrail) = &self.ctx.tabular {
            // One document per line: each of its records is an event of that line.
            for (a, b) in crate::parse::cloudtrail::records(rec) {
                // The line matched the prefilter; its records each must.
                if self
                    .visitor
                    .prefilter()
                    .is_some_and(|pf| !pf.matches(&rec[a..b]))
                {
                    continue;
                }
                self.visitor.visit(
                    &mut out.acc,
                    RawEvent {
                        bytes: &rec[a..b],
                        utf8: utf8.and_then(|t| t.get(a..b)),
                        line,
                        source: self.ctx,
                        parsed: Default::default(),
                    },
                );
            }
            return;
        }
        let ev = RawEvent {
            bytes: rec,
            utf8,
            line,
            source: self.ctx,
            parsed: Default::default(),
        };
        if let Some(b) = self.bound {
            // A read for a time range: a record outside it (or without a time) is never
            // output, so it is dropped here, by its time alone when that can be read without
            // the full parse. In a stream, a record past the range by more than the disorder
            // bound ends the read. A full parse is handed on with the record.
            let Some(t) = ev.time(self.parser) else {
                out.untimed += 1;
                return;
            };
            if let Some(stop) = self.stop_after {
                // A stream is assumed sorted within the disorder bound (it cannot be probed);
                // a record that says otherwise before the range ends makes it read to its end.
                if self
                    .newest
                    .is_some_and(|m| t.0 < m.0.saturating_sub(self.disorder_ns))
                {
                    self.stop_after = None;
                    out.problems.push(Problem {
                        source: self.ctx.display.to_string(),
                        line: Some(line),
                        message: format!(
                            "records out of time order by {}, more than --disorder {}: the \
                             stream is read to its end for the time range",
                            crate::model::format_duration_ns(self.newest.map_or(0, |m| m.0 - t.0)),
                            crate::model::format_duration_ns(self.disorder_ns),
                        ),
                        skipped: false,
                    });
                } else if t > stop {
                    self.stopped = true;
                    return;
                }
                self.newest = Some(self.newest.map_or(t, |m| m.max(t)));
            }
            if b.since.is_some_and(|s| t < s) || b.until.is_some_and(|u| t > u) {
                return;
            }
        }
        self.visitor.visit(&mut out.acc, ev);
    }
}

fn count_lines(b: &[u8]) -> u64 {
    bytecount::count(b, b'\n') as u64
}

fn line_start(buf: &[u8], i: usize) -> usize {
    if i == 0 {
        return 0;
    }
    memchr::memrchr(b'\n', &buf[..i]).map_or(0, |p| p + 1)
}

fn next_line(buf: &[u8], s: usize) -> usize {
    memchr::memchr(b'\n', &buf[s..]).map_or(buf.len(), |p| s + p + 1)
}

fn line_of(buf: &[u8], s: usize) -> &[u8] {
    let e = memchr::memchr(b'\n', &buf[s..]).map_or(buf.len(), |p| s + p);
    &buf[s..e]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_boundaries() {
        let pf = Prefilter::new(&["J-12"]).unwrap();
        assert!(pf.matches(b"job_id=J-12 done"));
        assert!(pf.matches(b"J-12"));
        assert!(!pf.matches(b"job_id=J-123"));
        assert!(!pf.matches(b"xJ-12"));
        assert!(!pf.matches(b"J-12_a"));
        assert!(pf.matches(b"[J-12]"));
        let mut v = Vec::new();
        pf.find_all(b"J-123 J-12 J-12", &mut v);
        assert_eq!(v, vec![6, 11]);
    }

    /// Every whole-token occurrence, by brute force: the reference each search must equal.
    fn reference(ids: &[Vec<u8>], hay: &[u8]) -> Vec<usize> {
        (0..hay.len())
            .filter(|&p| {
                ids.iter()
                    .any(|id| hay[p..].starts_with(id) && is_token_boundary(hay, p, p + id.len()))
            })
            .collect()
    }

    /// One id (memmem), a few (Teddy), many (the token set), and many with a short one (the
    /// automaton) all find exactly the whole-token occurrences, overlapping ids and ids that
    /// are prefixes of others included.
    #[test]
    fn every_search_finds_exactly_the_whole_tokens() {
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let alphabet = b"ab1-_ .=J";
        let mut kinds = std::collections::BTreeSet::new();
        for round in 0..60 {
            let n = [1, 3, 40, 300][round % 4];
            let mut ids: Vec<Vec<u8>> = (0..n)
                .map(|_| {
                    let len = 4 + (next() % 6) as usize;
                    (0..len)
                        .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                        .collect()
                })
                .collect();
            if round % 8 == 7 {
                ids.push(b"ab".to_vec());
            }
            // Text made of the ids and noise, so they occur often and overlap.
            let mut hay = Vec::new();
            for _ in 0..400 {
                if next() % 3 == 0 {
                    hay.extend_from_slice(&ids[(next() % ids.len() as u64) as usize]);
                } else {
                    hay.push(alphabet[(next() % alphabet.len() as u64) as usize]);
                }
            }
            let pf = Prefilter::new(&ids).unwrap();
            kinds.insert(pf.scan_kind());
            let mut got = Vec::new();
            pf.find_all(&hay, &mut got);
            assert_eq!(
                got,
                reference(&ids, &hay),
                "round {round}, {} ids, text {:?}",
                ids.len(),
                String::from_utf8_lossy(&hay)
            );
            // And each record-level check agrees.
            assert_eq!(pf.matches(&hay), !got.is_empty());
        }
        assert_eq!(
            kinds.into_iter().collect::<Vec<_>>(),
            ["automaton", "memmem", "teddy", "tokens"]
        );
    }
}
