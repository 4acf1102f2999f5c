//! Reading files: the bytes written to a plain file and (first byte even) to a gzip file cut at a
//! fuzzed position, then read by `read_sources` with a visitor that turns every record into an
//! event. Small read options, and inputs repeated past 1 MiB now and then, reach the chunked
//! read, the buffer growth and the over-long-line cut.
//!
//! Input layout (every byte is also file content):
//! - `bytes[0]`: even -> also a gzip file; `% 8 == 7` -> content repeated past 1 MiB;
//!   bit 3 -> a prefilter (whole-token id search) built from `bytes[2..]`;
//!   bit 4 -> naive timestamps in Europe/Paris.
//! - `bytes[1..3]`: where the gzip stream is cut (when `bytes[1]` is even).
//!
//! Properties checked (unless a line was cut for being longer than `max_line`, which drops its
//! rest on purpose and says so):
//! - each record is the file's content from the start of its line on (trailing blanks trimmed),
//!   and records do not overlap: nothing invented or moved, whether the file is read whole or
//!   in chunks, plain or gzip (a truncated stream gives a prefix of the same);
//! - a whole read (no prefilter) loses nothing: every line holding a non-blank byte is in a
//!   record;
//! - an event's `raw` is its record's lines joined by `\n` (CRLF read as LF), at its line;
//! - an intact gzip copy reads exactly as the plain file;
//! - with a prefilter, the records visited are exactly those of a full read that hold the id as
//!   a whole token (ids without blanks or line ends, as casefile gets them).
#![no_main]

use std::io::Write;
use std::path::PathBuf;
use std::sync::OnceLock;

use casefile::parse::Parser;
use casefile::source::{
    read_sources, Input, Prefilter, RawEvent, ReadOptions, SourceReport, Visitor,
};
use libfuzzer_sys::fuzz_target;

fn parser() -> &'static Parser {
    static P: OnceLock<Parser> = OnceLock::new();
    P.get_or_init(Parser::default_parser)
}

fn work_dir() -> &'static PathBuf {
    static D: OnceLock<PathBuf> = OnceLock::new();
    D.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("casefile-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&d).expect("temp dir");
        d
    })
}

/// One record as read: (line, bytes).
type Rec = (u64, Vec<u8>);

struct Collect<'p> {
    parser: &'p Parser,
    prefilter: Option<Prefilter>,
}

impl Visitor for Collect<'_> {
    type Acc = Vec<Rec>;
    fn new_acc(&self) -> Self::Acc {
        Vec::new()
    }
    fn prefilter(&self) -> Option<&Prefilter> {
        self.prefilter.as_ref()
    }
    fn visit(&self, acc: &mut Self::Acc, ev: RawEvent<'_>) {
        assert!(ev.line >= 1, "line numbers are 1-based");
        assert!(!ev.bytes.is_empty(), "empty records are not emitted");
        if let Some(t) = ev.utf8 {
            assert_eq!(t.as_bytes(), ev.bytes, "the UTF-8 view is the bytes");
        }
        let e = ev.to_event(self.parser);
        assert_eq!(e.line, ev.line);
        // `raw` is the record's physical lines joined by `\n` (CRLF line ends read as LF).
        let lines: Vec<String> = ev
            .bytes
            .split(|&b| b == b'\n')
            .map(|l| String::from_utf8_lossy(l.strip_suffix(b"\r").unwrap_or(l)).into_owned())
            .collect();
        assert_eq!(e.raw, lines.join("\n"), "raw is not the record's lines");
        acc.push((ev.line, ev.bytes.to_vec()));
    }
    fn rebase(&self, acc: &mut Self::Acc, lines_before: u64) {
        for (l, _) in acc.iter_mut() {
            *l += lines_before;
        }
    }
}

/// Records with their times, for the time-bounded read.
struct Timed<'p> {
    parser: &'p Parser,
}

type TimedRec = (u64, Vec<u8>, Option<casefile::model::Timestamp>);

impl Visitor for Timed<'_> {
    type Acc = Vec<TimedRec>;
    fn new_acc(&self) -> Self::Acc {
        Vec::new()
    }
    fn visit(&self, acc: &mut Self::Acc, ev: RawEvent<'_>) {
        let ts = ev.to_event(self.parser).ts;
        acc.push((ev.line, ev.bytes.to_vec(), ts));
    }
    fn rebase(&self, acc: &mut Self::Acc, lines_before: u64) {
        for (l, _, _) in acc.iter_mut() {
            *l += lines_before;
        }
    }
}

/// The records of each input, in input order (a chunked file's units in order).
fn per_source(n: usize, accs: Vec<(usize, Vec<Rec>)>) -> Vec<Vec<Rec>> {
    let mut out = vec![Vec::new(); n];
    let mut last = 0;
    for (src, acc) in accs {
        assert!(src < n && src >= last, "accumulators out of source order");
        last = src;
        out[src].extend(acc);
    }
    out
}

/// Does the reader promise the records are the content as it is? Not when a line was cut for
/// being longer than `max_line` (its rest is dropped, with a problem saying so).
fn cut_lines(r: &SourceReport) -> bool {
    r.problems
        .iter()
        .any(|p| p.message.starts_with("line longer than"))
}

/// The records are the content's lines, nothing invented or moved: each record's bytes are the
/// content from the start of its line on (trailing blanks trimmed), and records follow each
/// other without overlapping. With `complete`, also nothing lost: every line holding a
/// non-blank byte is inside a record.
fn check_exact(content: &[u8], recs: &[Rec], complete: bool, what: &str) {
    let mut starts = vec![0usize];
    starts.extend(
        content
            .iter()
            .enumerate()
            .filter(|(_, &c)| c == b'\n')
            .map(|(i, _)| i + 1),
    );
    let mut reach = 0usize;
    let mut spans = Vec::with_capacity(recs.len());
    for (line, bytes) in recs {
        let l = *line as usize;
        assert!(
            l >= 1 && l <= starts.len(),
            "{what}: line {l} past the {} lines",
            starts.len()
        );
        let off = starts[l - 1];
        assert!(
            content[off..].starts_with(bytes),
            "{what}: the record at line {l} is not the content there: {:?} vs {:?}",
            String::from_utf8_lossy(bytes),
            String::from_utf8_lossy(&content[off..content.len().min(off + bytes.len())])
        );
        assert!(
            off >= reach,
            "{what}: the record at line {l} overlaps the one before"
        );
        reach = off + bytes.len();
        spans.push((off, reach));
    }
    if !complete {
        return;
    }
    let mut spans = spans.into_iter().peekable();
    let mut reach = 0usize;
    for (i, &s) in starts.iter().enumerate() {
        let e = starts.get(i + 1).map_or(content.len(), |&n| n - 1);
        while let Some(&(off, end)) = spans.peek() {
            if off > s {
                break;
            }
            reach = reach.max(end);
            spans.next();
        }
        // Records drop trailing blanks: the line must be covered up to its last other byte.
        let kept = content[s..e]
            .iter()
            .rposition(|b| !matches!(b, b' ' | b'\t' | b'\r'));
        assert!(
            kept.is_none_or(|k| reach > s + k),
            "{what}: line {} ({:?}) is in no record",
            i + 1,
            String::from_utf8_lossy(&content[s..e])
        );
    }
}

fn write(path: &PathBuf, data: &[u8]) {
    let mut f = std::fs::File::create(path).expect("create temp file");
    f.write_all(data).expect("write temp file");
}

fuzz_target!(|bytes: &[u8]| {
    let flags = bytes.first().copied().unwrap_or(1);
    let amplify = flags % 8 == 7 && !bytes.is_empty();
    let content: Vec<u8> = if amplify {
        let reps = (1 << 20) / bytes.len() + 2;
        bytes.repeat(reps)
    } else {
        bytes.to_vec()
    };

    let dir = work_dir();
    let plain = dir.join("svc.log");
    write(&plain, &content);
    let mut inputs = vec![Input {
        display: "fuzz/svc.log".into(),
        path: Some(plain),
    }];

    let mut truncated = false;
    if flags % 2 == 0 {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(&content).expect("gzip in memory");
        let mut gz = enc.finish().expect("gzip in memory");
        if bytes.len() >= 3 && bytes[1] % 2 == 0 {
            let at = u16::from_le_bytes([bytes[1], bytes[2]]) as usize % (gz.len() + 1);
            truncated = at < gz.len();
            gz.truncate(at);
        }
        let path = dir.join("svc.log.1.gz");
        write(&path, &gz);
        inputs.push(Input {
            display: "fuzz/svc.log.1.gz".into(),
            path: Some(path),
        });
    }

    let id: Option<Vec<u8>> = (flags & 8 != 0 && bytes.len() > 2).then(|| {
        let id_len = (bytes[1] % 12) as usize + 1;
        bytes[2..bytes.len().min(2 + id_len)].to_vec()
    });
    let opts = ReadOptions {
        chunk_size: 1 << 20,
        max_line: 4096,
        tz: (flags & 16 != 0)
            .then(|| jiff::tz::TimeZone::get("Europe/Paris").expect("tz database")),
        ..Default::default()
    };
    let parser = parser();
    let read = |prefilter: Option<Prefilter>| {
        let visitor = Collect { parser, prefilter };
        let (accs, reports) = read_sources(&inputs, parser, &opts, &visitor);
        assert_eq!(reports.len(), inputs.len());
        (per_source(inputs.len(), accs), reports)
    };
    let prefilter = id.as_deref().and_then(|id| Prefilter::new(&[id]));
    let filtered = prefilter.is_some();
    let (recs, reports) = read(prefilter);

    // Records come back in source order with absolute line numbers within each source, and
    // are the content itself (the gzip copy's, truncated or not, a prefix of the same).
    for (src, rs) in recs.iter().enumerate() {
        let total = reports[src].lines.max(1);
        for (l, _) in rs {
            assert!(*l <= total + 1, "line {l} past the {total} lines read");
        }
        // A gzip file cut before its magic bytes is a file of its own, not the content.
        let gzip_as_text = src == 1 && reports[src].compression.is_none();
        if reports[src].read && !cut_lines(&reports[src]) && !gzip_as_text {
            let whole = src == 0 && !filtered;
            check_exact(&content, rs, whole, &inputs[src].display);
        }
    }
    // An intact gzip copy reads exactly as the plain file (read whole or in chunks).
    // (Unless the content itself starts like compressed data: the plain file is then read as
    // a damaged stream, while the gzip copy holds those bytes as text.)
    let looks_compressed =
        content.starts_with(&[0x1f, 0x8b]) || content.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]);
    if inputs.len() == 2
        && !truncated
        && !looks_compressed
        && reports.iter().all(|r| r.read && !cut_lines(r))
    {
        assert_eq!(
            recs[0], recs[1],
            "the gzip copy reads differently from the file"
        );
    }
    // A read for a time range (seeking in the plain file, the gzip copy streamed and left
    // after the range) gives exactly the records of a whole read whose time is in the range.
    if flags & 32 != 0 && bytes.len() > 4 {
        let timed = |o: &ReadOptions| {
            let (accs, _) = read_sources(&inputs, parser, o, &Timed { parser });
            let mut out: Vec<Vec<TimedRec>> = vec![Vec::new(); inputs.len()];
            for (src, acc) in accs {
                out[src].extend(acc);
            }
            out
        };
        let whole = timed(&ReadOptions {
            seek: false,
            ..opts.clone()
        });
        let mut times: Vec<i64> = whole.iter().flatten().filter_map(|r| r.2).map(|t| t.0).collect();
        times.sort_unstable();
        if let (Some(&first), Some(&last)) = (times.first(), times.last()) {
            // A range picked by the input: from a point between the first and last time, for
            // a span up to the whole.
            let pick = |b: u8| first + ((last - first) as i128 * b as i128 / 255) as i64;
            let since = pick(bytes[3]);
            let until = since + ((last - first) as i128 * bytes[4] as i128 / 255) as i64;
            let bound = casefile::source::TimeBound {
                since: Some(casefile::model::Timestamp(since)),
                until: Some(casefile::model::Timestamp(until)),
            };
            let sought = timed(&ReadOptions {
                bound: Some(bound),
                disorder_ns: if flags & 64 != 0 { 0 } else { 60_000_000_000 },
                ..opts.clone()
            });
            let inside = |r: &&TimedRec| r.2.is_some_and(|t| t.0 >= since && t.0 <= until);
            for (src, (got, every)) in sought.iter().zip(&whole).enumerate() {
                let want: Vec<&TimedRec> = every.iter().filter(inside).collect();
                let got: Vec<&TimedRec> = got.iter().filter(inside).collect();
                // A file out of order by more than the bound may lose records when read as a
                // stream (it cannot be probed): compare only files in order.
                let sorted = every
                    .iter()
                    .filter_map(|r| r.2)
                    .scan(i64::MIN, |m, t| {
                        let ok = t.0 >= m.saturating_sub(if flags & 64 != 0 { 0 } else { 60_000_000_000 });
                        *m = (*m).max(t.0);
                        Some(ok)
                    })
                    .all(|ok| ok);
                if sorted {
                    assert_eq!(
                        got, want,
                        "{}: the read for [{since}, {until}] keeps other records than the whole read",
                        inputs[src].display
                    );
                }
            }
        }
    }
    // The prefilter keeps exactly the records holding the id as a whole token (ids as casefile
    // gets them: no blanks or line ends inside).
    if let Some(id) = id.filter(|id| filtered && !id.iter().any(|b| b" \t\r\n".contains(b))) {
        let pf = Prefilter::new(&[&id]).expect("non-empty id");
        let (all, _) = read(None);
        for (src, (got, every)) in recs.iter().zip(&all).enumerate() {
            let want: Vec<&Rec> = every.iter().filter(|(_, b)| pf.matches(b)).collect();
            let got: Vec<&Rec> = got.iter().collect();
            assert_eq!(
                got,
                want,
                "{}: the prefilter for {:?} keeps other records than a full read",
                inputs[src].display,
                String::from_utf8_lossy(&id)
            );
        }
    }
});
