//! Where records come from: command-line inputs (files, directories, globs, `-`) expanded into
//! sources, each read (decompressed when its magic bytes say gzip, zstd, xz or bzip2), its dialect
//! detected, and cut into records that a [`Visitor`] sees, in parallel across files and across
//! chunks of big files. Bad inputs become [`Problem`]s: reported, counted, and the run goes on.

pub mod file;
mod seek;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::model::{Event, Timestamp};
pub use crate::parse::service::{service_from_path, workload_of};
use crate::parse::{Parser, TimeContext};

pub use file::{read_sources, Prefilter, ReadOptions, SourceReport};
pub use seek::{TimeBound, DEFAULT_DISORDER_NS};

/// One input to read: a file (found directly, in a directory or by a glob) or stdin.
#[derive(Clone, Debug)]
pub struct Input {
    /// The path as given on the command line, joined with the path inside a directory.
    pub display: Arc<str>,
    /// `None` for stdin.
    pub path: Option<PathBuf>,
}

/// Something that went wrong with an input: named, explained, and counted.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    pub source: String,
    /// The 1-based line it concerns, where there is one.
    pub line: Option<u64>,
    /// What happened and what to do about it.
    pub message: String,
    /// `true` when data was skipped or lost (exit code 2); `false` for a warning only.
    pub skipped: bool,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{}: {}", self.source, l, self.message),
            None => write!(f, "{}: {}", self.source, self.message),
        }
    }
}

/// Expand command-line paths: `-` is stdin, a directory is walked recursively (sorted, symlink
/// loops reported, hidden directories skipped unless `hidden`), a pattern with `*?[` that is not
/// an existing path is a glob.
pub fn expand_inputs(args: &[String], hidden: bool) -> (Vec<Input>, Vec<Problem>) {
    let mut inputs = Vec::new();
    let mut problems = Vec::new();
    for arg in args {
        if arg == "-" {
            inputs.push(Input {
                display: "-".into(),
                path: None,
            });
            continue;
        }
        let p = Path::new(arg);
        if p.is_dir() {
            walk_dir(arg, hidden, &mut inputs, &mut problems);
        } else if p.exists() || p.symlink_metadata().is_ok() {
            inputs.push(Input {
                display: arg.as_str().into(),
                path: Some(p.to_path_buf()),
            });
        } else if arg.contains(['*', '?', '[']) {
            match glob::glob(arg) {
                Ok(paths) => {
                    let mut found: Vec<PathBuf> = paths.filter_map(Result::ok).collect();
                    found.sort();
                    if found.is_empty() {
                        problems.push(Problem {
                            source: arg.clone(),
                            line: None,
                            message: "the pattern matches no file; check it with `ls` (a quoted \
                                      pattern is expanded by casefile, `**` included)"
                                .into(),
                            skipped: true,
                        });
                    }
                    for f in found {
                        if f.is_dir() {
                            walk_dir(&f.to_string_lossy(), hidden, &mut inputs, &mut problems);
                        } else {
                            inputs.push(Input {
                                display: f.to_string_lossy().as_ref().into(),
                                path: Some(f),
                            });
                        }
                    }
                }
                Err(e) => problems.push(Problem {
                    source: arg.clone(),
                    line: None,
                    message: format!("invalid glob pattern: {e}; quote it and use * ? [..] and **"),
                    skipped: true,
                }),
            }
        } else {
            problems.push(Problem {
                source: arg.clone(),
                line: None,
                message: "no such file or directory; check the path (run casefile from the \
                          folder the paths are relative to)"
                    .into(),
                skipped: true,
            });
        }
    }
    (inputs, problems)
}

fn walk_dir(root: &str, hidden: bool, inputs: &mut Vec<Input>, problems: &mut Vec<Problem>) {
    let mut files = Vec::new();
    let mut skipped_hidden = Vec::new();
    let walker = walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            // `.git`, `.cache`, ...: not logs; the directory given itself is always read.
            let dot = e.depth() > 0
                && e.file_type().is_dir()
                && e.file_name().to_string_lossy().starts_with('.');
            if dot && !hidden {
                skipped_hidden.push(e.path().to_string_lossy().into_owned());
                return false;
            }
            true
        });
    for entry in walker {
        match entry {
            Ok(e) if e.file_type().is_file() => files.push(e.into_path()),
            Ok(_) => {}
            Err(err) => {
                let path = err
                    .path()
                    .map(|p| p.to_string_lossy().into_owned())
                    .unwrap_or_else(|| root.to_string());
                let message = if let Some(anc) = err.loop_ancestor() {
                    format!(
                        "symlink loop: it leads back to {}; skipped. Pass the real directory, \
                         or remove the link",
                        anc.display()
                    )
                } else if err
                    .io_error()
                    .is_some_and(|e| e.kind() == std::io::ErrorKind::PermissionDenied)
                {
                    "permission denied; run casefile as a user who can read it".into()
                } else if err
                    .io_error()
                    .is_some_and(|e| e.kind() == std::io::ErrorKind::NotFound)
                {
                    "dangling symlink (its target does not exist); skipped".into()
                } else {
                    format!("cannot read: {err}")
                };
                problems.push(Problem {
                    source: path,
                    line: None,
                    message,
                    skipped: true,
                });
            }
        }
    }
    if files.is_empty() {
        let message = if skipped_hidden.is_empty() {
            "no files under this directory; check the path (logs may be under another folder, \
             or compressed into one archive: casefile reads .gz/.zst/.xz/.bz2 files, not .tar)"
                .to_string()
        } else {
            format!(
                "no files under this directory but in {} hidden one(s); pass --hidden to read them",
                skipped_hidden.len()
            )
        };
        problems.push(Problem {
            source: root.to_string(),
            line: None,
            message,
            skipped: false,
        });
    }
    for d in skipped_hidden {
        problems.push(Problem {
            source: d,
            line: None,
            message: "hidden directory, not read (pass --hidden to read it)".into(),
            skipped: false,
        });
    }
    for f in files {
        inputs.push(Input {
            display: f.to_string_lossy().as_ref().into(),
            path: Some(f),
        });
    }
}

/// One record as read: its bytes, where it starts, and what is known of its source.
pub struct RawEvent<'a> {
    pub bytes: &'a [u8],
    /// `bytes` as text when they are valid UTF-8 (checked once, by the reader).
    pub utf8: Option<&'a str>,
    /// 1-based line within the unit being read; the driver adds the unit's base afterwards
    /// through [`Visitor::rebase`].
    pub line: u64,
    pub source: &'a SourceCtx,
    /// The record already parsed by the reader (which needed its time); taken by the first
    /// [`RawEvent::to_event`].
    pub parsed: std::cell::Cell<Option<Event>>,
}

/// [`RawEvent::peek`]: what the event will say of these, without making it.
pub struct Peeked<'a> {
    pub ts: crate::model::Timestamp,
    pub level: crate::model::Level,
    pub service: Option<&'a str>,
    /// The dialect's name, with its frames' (`cri+json`).
    pub dialect: &'a str,
}

/// What every record of one source shares.
pub struct SourceCtx {
    pub display: Arc<str>,
    pub path_service: Option<String>,
    /// Wrappers around each line (CRI, Docker, kubectl, ...), outermost first.
    pub frames: crate::parse::Frames,
    /// The dialect of the (inner) records.
    pub dialect: Option<usize>,
    /// Records laid out by the file itself (W3C `#Fields:`, CSV header) or XML documents:
    /// read by this instead of `frames` and `dialect`.
    pub tabular: Option<crate::parse::Tabular>,
    pub time: TimeContext,
    /// When the head's records are dated, and whether their year was guessed.
    pub dated: Dated,
}

/// Where a source's head lies in time: what a year taken from the file's mtime is checked
/// against (see `file::flag_year_guesses`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Dated {
    /// The median time of the head's records.
    pub median: Option<Timestamp>,
    /// The year the records were given from the file's modification time, when they carry
    /// none (RFC 3164 syslog) and `--year` was not given.
    pub year_from_mtime: Option<i32>,
    /// The head's first lines hold many records and none with a time (Python's
    /// `basicConfig` format): a time range cannot be sought in the file, which is read whole.
    pub untimed_head: bool,
}

impl SourceCtx {
    /// The source's dialect as `scan` names it: `json`, or with its frames `cri+json`.
    pub fn label(&self, parser: &Parser) -> Option<String> {
        if let Some(t) = &self.tabular {
            return Some(t.name().to_string());
        }
        let inner = self.dialect.map(|d| parser.dialects[d].name.to_string());
        if self.frames.is_empty() {
            return inner;
        }
        Some(format!(
            "{}+{}",
            self.frames.label(),
            inner.as_deref().unwrap_or("unknown")
        ))
    }
}

impl<'a> RawEvent<'a> {
    /// The record as an [`Event`] (invalid UTF-8 replaced by U+FFFD).
    /// The record as text, invalid UTF-8 replaced by U+FFFD.
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        match self.utf8 {
            Some(s) => std::borrow::Cow::Borrowed(s),
            None => String::from_utf8_lossy(self.bytes),
        }
    }

    /// Did this record (read without a time) write one that was rejected as implausible,
    /// years away from the rest of its file?
    pub fn time_rejected(&self, parser: &Parser) -> bool {
        if self.source.time.plausible.is_none() {
            return false;
        }
        let unchecked = SourceCtx {
            display: self.source.display.clone(),
            path_service: None,
            frames: self.source.frames.clone(),
            dialect: self.source.dialect,
            tabular: self.source.tabular.clone(),
            time: self.source.time.without_plausibility(),
            dated: self.source.dated,
        };
        RawEvent {
            bytes: self.bytes,
            utf8: self.utf8,
            line: self.line,
            source: &unchecked,
            parsed: Default::default(),
        }
        .to_event(parser)
        .ts
        .is_some()
    }

    /// The record's time, as the full parse gives it, read the cheapest way that is certain:
    /// the dialect's time field alone, else a peek, else the full parse (kept for
    /// [`RawEvent::to_event`]).
    pub fn time(&self, parser: &Parser) -> Option<crate::model::Timestamp> {
        if self.source.tabular.is_none() {
            let first = match memchr::memchr(b'\n', self.bytes) {
                Some(i) => &self.bytes[..i],
                None => self.bytes,
            };
            if self.source.frames.is_empty() {
                if let Some(t) = parser.quick_time(self.source.dialect, first, &self.source.time) {
                    return Some(t);
                }
            }
            if let Some(p) = self.peek(parser) {
                return Some(p.ts);
            }
        }
        let e = self.to_event(parser);
        let t = e.ts;
        self.parsed.set(Some(e));
        t
    }

    /// A record as read, not yet parsed.
    pub fn new(bytes: &'a [u8], utf8: Option<&'a str>, line: u64, source: &'a SourceCtx) -> Self {
        RawEvent {
            bytes,
            utf8,
            line,
            source,
            parsed: Default::default(),
        }
    }

    /// The record's time, level, service and dialect without the full parse, when they can
    /// be read that way for certain ([`Parser::peek`]); the service falls back to the path's.
    pub fn peek<'p>(&'p self, parser: &'p Parser) -> Option<Peeked<'p>> {
        if self.source.tabular.is_some() {
            return None;
        }
        let first = match memchr::memchr(b'\n', self.bytes) {
            Some(i) => &self.bytes[..i],
            None => self.bytes,
        };
        let (d, time) = (self.source.dialect, &self.source.time);
        let p = if self.source.frames.is_empty() {
            parser.peek(d, first, time)?
        } else {
            parser.peek_framed(&self.source.frames, d, first, time)?
        };
        Some(Peeked {
            ts: p.ts,
            level: p.level,
            // As the full parse: the record's service, else the path's, else its logger. The
            // spans are a valid UTF-8 line's, on char boundaries.
            service: match p.service {
                Some((a, b)) => Some(std::str::from_utf8(first.get(a..b)?).ok()?),
                None => match (self.source.path_service.as_deref(), p.logger) {
                    (Some(s), _) => Some(s),
                    (None, Some((a, b))) => Some(std::str::from_utf8(first.get(a..b)?).ok()?),
                    (None, None) => None,
                },
            },
            dialect: p.dialect,
        })
    }

    pub fn to_event(&self, parser: &Parser) -> Event {
        if let Some(e) = self.parsed.take() {
            return e;
        }
        let text = self.text();
        let raw = if text.contains('\r') {
            text.replace("\r\n", "\n")
        } else {
            text.into_owned()
        };
        if let Some(tab) = &self.source.tabular {
            return parser.event_tabular(
                tab,
                raw,
                &self.source.display,
                self.line,
                self.source.path_service.as_deref(),
                &self.source.time,
            );
        }
        parser.event_framed(
            &self.source.frames,
            self.source.dialect,
            raw,
            &self.source.display,
            self.line,
            self.source.path_service.as_deref(),
            &self.source.time,
        )
    }
}

/// What a command does with records. One accumulator per unit of work (a file, or a chunk of
/// a big file); the driver hands them back in source order.
pub trait Visitor: Sync {
    type Acc: Send;
    fn new_acc(&self) -> Self::Acc;
    /// Only records holding one of these ids (as whole tokens) are visited; `None` visits all.
    fn prefilter(&self) -> Option<&Prefilter> {
        None
    }
    fn visit(&self, acc: &mut Self::Acc, ev: RawEvent<'_>);
    /// Called once per unit after reading, with the number of lines before the unit in its
    /// source, so that recorded line numbers become absolute.
    fn rebase(&self, acc: &mut Self::Acc, lines_before: u64);
    /// Called once per unit when its last record has been visited (on the reading thread).
    fn end_unit(&self, _acc: &mut Self::Acc) {}
}
