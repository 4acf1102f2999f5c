//! The evidence bundle: what engineering receives. This module doc is the format spec.
//!
//! A bundle is a directory, a `.tar.gz` or a `.zip` holding these files, with fixed names:
//!
//! | file | content |
//! |---|---|
//! | `manifest.json` | `schema_version` (1); `tool` {name, version}; `created` (from `SOURCE_DATE_EPOCH`, else `null`); `command` (argv, redacted); `query` {ids given, ids followed with key, hop and where found, window, max_depth, max_events, truncated, time span}; `inputs` [{path, dialect, compression, size, lines, events_taken, problems [{line, message, skipped}], skipped}]; `counts` {events, context_events, by_service, by_level}; `redaction` {enabled, counts by kind, custom pattern names}; `files` [{path, size, sha256}] for every file but `manifest.json` and `SHA256SUMS`. Schema: `src/bundle/manifest.schema.json`. |
//! | `timeline.jsonl` | the events, in the `--json` event format of `trace` (see `report::json`), redacted |
//! | `signatures.json` | `{"signatures": [{id, template, count, first_seen, last_seen, services, levels, examples}]}` among those events |
//! | `excerpts/<source>.txt` | per source (path with `/` written `__`), the lines of each event with 3 lines of context, as `<line> > text` (event lines) or `<line>   text` (context), blocks separated by `---`; a remote source (`splunk://host/path` written `splunk__host__path`, `elastic://index`) has its records as `      - > text`, each headed `# <source>`, with no line numbers or context |
//! | `summary.md` | for a person: what failed, when (UTC), where, the first error with its stack, signatures, ids, how to reproduce (curl rebuilt from the access log, secrets removed), the command that made the bundle |
//! | `summary.jira.txt` | the same in Jira wiki markup |
//! | `report.html` | one self-contained page: a lane per service, errors marked, each event opening to its raw text |
//! | `SHA256SUMS` | `sha256sum -c` format, covering every other file (manifest included) |
//!
//! Properties: deterministic (same inputs and options -> identical bytes; archive entries sorted,
//! mode 0644/0755, owner 0, mtime `SOURCE_DATE_EPOCH` or 0); redacted by default before anything
//! is written (`--no-redact` marks the manifest and inserts `.unredacted` in the output name);
//! bounded by `--max-events` (the summary says when the cap cut anything).

pub mod summary;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::correlate::{FollowedId, TraceResult, TracedEvent};
use crate::model::{Level, Span};
use crate::redact::Redactor;
use crate::report::json::traced_line;
use crate::source::{Input, SourceReport};

pub const SCHEMA_VERSION: u64 = 1;
pub const MANIFEST_SCHEMA: &str = include_str!("manifest.schema.json");
const CONTEXT_LINES: u64 = 3;

/// How the bundle was asked for.
pub struct BundleRequest<'a> {
    pub ids: &'a [String],
    pub window: Option<&'a str>,
    pub max_depth: u32,
    pub max_events: Option<usize>,
    pub argv: &'a [String],
    /// `None` with `--no-redact`.
    pub redactor: Option<&'a Redactor>,
    pub custom_redactions: Vec<String>,
    /// From `SOURCE_DATE_EPOCH`.
    pub source_date_epoch: Option<i64>,
    /// What each remote source (Splunk, Elasticsearch) did: URL without credentials, scope,
    /// range, counts, complete or not.
    pub remote: Vec<crate::remote::RemoteReport>,
}

/// The bundle's files, path -> bytes, sorted.
pub type Files = BTreeMap<String, Vec<u8>>;

fn red<'a>(r: Option<&Redactor>, s: &'a str) -> std::borrow::Cow<'a, str> {
    match r {
        Some(r) => r.redact(s),
        None => std::borrow::Cow::Borrowed(s),
    }
}

/// Build every file of the bundle in memory.
pub fn build(
    req: &BundleRequest,
    res: &TraceResult,
    inputs: &[Input],
    html: impl Fn(&[TracedEvent], &str, &str, &[String]) -> String,
) -> Files {
    let r = req.redactor;
    // 1. Cap, then redact every event before anything else sees it.
    let total = res.events.len();
    let mut events: Vec<TracedEvent> = res.events.clone();
    let truncated = req.max_events.is_some_and(|m| total > m);
    if let Some(m) = req.max_events {
        // Keep matched events before context ones, earliest first.
        let mut keep: Vec<usize> = (0..events.len()).filter(|&i| !events[i].context).collect();
        keep.extend((0..events.len()).filter(|&i| events[i].context));
        keep.truncate(m);
        keep.sort();
        events = keep.into_iter().map(|i| events[i].clone()).collect();
    }
    for t in &mut events {
        let e = &mut t.event;
        e.raw = red(r, &e.raw).into_owned();
        e.message = red(r, &e.message).into_owned();
        for v in e.ids.values_mut() {
            *v = red(r, v).into_owned();
        }
        if let Some(v) = &mut t.via {
            v.id = red(r, &v.id).into_owned();
        }
    }
    let sigs = signatures(&mut events);

    let mut files = Files::new();
    // timeline.jsonl
    let mut tl = String::new();
    for t in &events {
        tl.push_str(&traced_line(t));
        tl.push('\n');
    }
    files.insert("timeline.jsonl".into(), tl.into_bytes());

    // signatures.json
    files.insert(
        "signatures.json".into(),
        pretty(&json!({ "signatures": sigs })),
    );

    // excerpts/
    for (name, text) in excerpts(&events, inputs, r) {
        files.insert(format!("excerpts/{name}"), text.into_bytes());
    }

    // summaries
    let followed: Vec<FollowedId> = res
        .followed
        .iter()
        .map(|f| FollowedId {
            id: red(r, &f.id).into_owned(),
            key: f.key.clone(),
            hop: f.hop,
            found_in: f.found_in.clone(),
        })
        .collect();
    let command = shell_join(req.argv, r);
    let facts = summary::Facts {
        ids: req.ids.iter().map(|i| red(r, i).into_owned()).collect(),
        events: &events,
        followed: &followed,
        signatures: &sigs,
        command: &command,
        truncated: truncated.then_some((events.len(), total)),
        redacted: r.is_some(),
        window: req.window,
    };
    files.insert("summary.md".into(), summary::markdown(&facts).into_bytes());
    files.insert(
        "summary.jira.txt".into(),
        summary::jira(&facts).into_bytes(),
    );
    let title = format!("casefile: request {}", facts.ids.join(", "));
    let subtitle = summary::span_text(&events);
    let notes: Vec<String> = if truncated {
        vec![format!(
            "Only the first {} of {} events are in this bundle (--max-events).",
            events.len(),
            total
        )]
    } else {
        Vec::new()
    };
    files.insert(
        "report.html".into(),
        html(&events, &title, &subtitle, &notes).into_bytes(),
    );

    // manifest.json, then SHA256SUMS over everything.
    let manifest = manifest(req, res, &events, &followed, &files, truncated, &command);
    files.insert("manifest.json".into(), pretty(&manifest));
    let mut sums = String::new();
    for (path, bytes) in &files {
        let _ = writeln!(sums, "{}  {path}", hex_sha256(bytes));
    }
    files.insert("SHA256SUMS".into(), sums.into_bytes());
    files
}

fn pretty(v: &Value) -> Vec<u8> {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s.into_bytes()
}

pub fn hex_sha256(b: &[u8]) -> String {
    let d = Sha256::digest(b);
    let mut s = String::with_capacity(64);
    for x in d {
        let _ = write!(s, "{x:02x}");
    }
    s
}

/// A shell command line a person can paste (single-quoted where needed), redacted.
fn shell_join(argv: &[String], r: Option<&Redactor>) -> String {
    argv.iter()
        .enumerate()
        .map(|(i, a)| {
            let a = if i == 0 {
                "casefile".to_string()
            } else {
                red(r, a).into_owned()
            };
            if !a.is_empty()
                && a.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_./=:,@+%".contains(&b))
            {
                a
            } else {
                format!("'{}'", a.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Mine the bundle's (redacted) events once: each event gets its signature id (as written in
/// `timeline.jsonl`) and the signatures are summarised for `signatures.json`.
fn signatures(events: &mut [TracedEvent]) -> Vec<Value> {
    struct S {
        template: String,
        count: u64,
        span: Span,
        services: BTreeMap<String, u64>,
        levels: BTreeMap<String, u64>,
        examples: Vec<String>,
    }
    let mut miner = crate::cluster::Miner::new(crate::cluster::MinerConfig::default());
    let ids: Vec<_> = events
        .iter()
        .map(|t| miner.add(&crate::signatures::cluster_text(&t.event)))
        .collect();
    miner.finish();
    let mut by: BTreeMap<String, S> = BTreeMap::new();
    for (t, id) in events.iter_mut().zip(ids) {
        let Some(c) = miner.clusters().get(miner.cluster_of(id)) else {
            continue;
        };
        t.signature = Some(c.id.clone());
        let s = by.entry(c.id.clone()).or_insert_with(|| S {
            template: c.template.clone(),
            count: 0,
            span: Span::default(),
            services: BTreeMap::new(),
            levels: BTreeMap::new(),
            examples: Vec::new(),
        });
        s.count += 1;
        if let Some(ts) = t.event.ts {
            s.span.add(ts);
        }
        if let Some(svc) = &t.event.service {
            *s.services.entry(svc.clone()).or_default() += 1;
        }
        *s.levels
            .entry(t.event.level.map_or("none", Level::as_str).to_string())
            .or_default() += 1;
        if s.examples.len() < 3 {
            s.examples.push(t.event.location());
        }
    }
    let mut v: Vec<(String, S)> = by.into_iter().collect();
    v.sort_by(|a, b| b.1.count.cmp(&a.1.count).then_with(|| a.0.cmp(&b.0)));
    v.into_iter()
        .map(|(id, s)| {
            json!({
                "id": id,
                "template": s.template,
                "count": s.count,
                "first_seen": s.span.first.map(|t| t.to_rfc3339()),
                "last_seen": s.span.last.map(|t| t.to_rfc3339()),
                "services": s.services,
                "levels": s.levels,
                "examples": s.examples,
            })
        })
        .collect()
}

/// The file name of a source's excerpt.
pub fn excerpt_name(source: &str) -> String {
    // `splunk://host/path` -> `splunk__host__path`.
    let source = source.replacen("://", "/", 1);
    let mut s = String::new();
    for c in source.trim_start_matches("./").chars() {
        match c {
            '/' | '\\' => s.push_str("__"),
            c if c.is_ascii_alphanumeric() || "._-".contains(c) => s.push(c),
            _ => s.push('-'),
        }
    }
    let s = s.trim_start_matches('.').to_string();
    if s.is_empty() || s == "-" {
        return "stdin.txt".into();
    }
    format!("{s}.txt")
}

/// One source's excerpt: the event lines, and the ranges to show (inclusive).
type Wanted = (BTreeSet<u64>, Vec<(u64, u64)>);

/// Per source, the events' lines with context, re-read from the file (redacted line by line).
fn excerpts(
    events: &[TracedEvent],
    inputs: &[Input],
    r: Option<&Redactor>,
) -> BTreeMap<String, String> {
    // Wanted line ranges per source: (first, last, is_event) with event lines marked.
    let mut per: BTreeMap<&str, Wanted> = BTreeMap::new();
    // Remote records: grouped per engine scope, their own text only.
    let mut remote: BTreeMap<String, String> = BTreeMap::new();
    for t in events {
        let e = &t.event;
        if e.line == 0 {
            let group = match e.source.strip_prefix("elastic://") {
                Some(rest) => format!("elastic://{}", rest.split('/').next().unwrap_or("")),
                None => e.source.to_string(),
            };
            let text = remote.entry(group.clone()).or_insert_with(|| {
                format!("# {group}\n# records as the engine returned them (no line numbers).\n")
            });
            let _ = writeln!(text, "# {}", e.source);
            for l in e.raw.split('\n') {
                let _ = writeln!(text, "      - > {}", red(r, l));
            }
            text.push_str("---\n");
            continue;
        }
        let n = e.raw.split('\n').count() as u64;
        let entry = per.entry(&e.source).or_default();
        for l in e.line..e.line + n {
            entry.0.insert(l);
        }
        entry.1.push((
            e.line.saturating_sub(CONTEXT_LINES).max(1),
            e.line + n - 1 + CONTEXT_LINES,
        ));
    }
    let mut out = BTreeMap::new();
    for (source, (event_lines, mut ranges)) in per {
        ranges.sort();
        let mut merged: Vec<(u64, u64)> = Vec::new();
        for (a, b) in ranges {
            match merged.last_mut() {
                Some(last) if a <= last.1 + 1 => last.1 = last.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        let path = inputs
            .iter()
            .find(|i| &*i.display == source)
            .and_then(|i| i.path.clone());
        let mut text =
            format!("# {source}\n# `>` marks the lines of the events; the others are context.\n");
        let lines = path.and_then(|p| read_lines(&p, &merged).ok());
        match lines {
            Some(lines) => {
                let mut prev: Option<u64> = None;
                for (n, l) in lines {
                    if prev.is_some_and(|p| n != p + 1) {
                        text.push_str("---\n");
                    }
                    prev = Some(n);
                    let mark = if event_lines.contains(&n) { '>' } else { ' ' };
                    let _ = writeln!(text, "{n:>7} {mark} {}", red(r, &l));
                }
            }
            None => {
                // Not re-readable (stdin): the events' own lines.
                for t in events.iter().filter(|t| &*t.event.source == source) {
                    for (k, l) in t.event.raw.split('\n').enumerate() {
                        let _ = writeln!(text, "{:>7} > {l}", t.event.line + k as u64);
                    }
                    text.push_str("---\n");
                }
            }
        }
        out.insert(excerpt_name(source), text);
    }
    for (group, text) in remote {
        out.insert(excerpt_name(&group), text);
    }
    out
}

/// Lines in `ranges` (1-based, inclusive) of a file, decompressing gzip/zstd.
fn read_lines(path: &Path, ranges: &[(u64, u64)]) -> io::Result<Vec<(u64, String)>> {
    let mut f = std::fs::File::open(path)?;
    let mut magic = [0u8; 4];
    let n = f.read(&mut magic)?;
    drop(f);
    let f = std::fs::File::open(path)?;
    let rd: Box<dyn Read> = if n >= 2 && magic[..2] == [0x1f, 0x8b] {
        Box::new(flate2::read::MultiGzDecoder::new(f))
    } else if n == 4 && magic == [0x28, 0xb5, 0x2f, 0xfd] {
        Box::new(zstd::stream::read::Decoder::new(f)?)
    } else {
        Box::new(f)
    };
    let mut rd = io::BufReader::new(rd);
    let mut out = Vec::new();
    let mut buf = Vec::new();
    let mut line = 0u64;
    let last = ranges.last().map_or(0, |r| r.1);
    let mut ri = 0;
    while line < last {
        buf.clear();
        // A read error (truncated stream) ends the excerpt; what was read is kept.
        match io::BufRead::read_until(&mut rd, b'\n', &mut buf) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        line += 1;
        while ri < ranges.len() && ranges[ri].1 < line {
            ri += 1;
        }
        if ri < ranges.len() && ranges[ri].0 <= line {
            let s = String::from_utf8_lossy(&buf);
            let s = s.trim_end_matches(['\n', '\r']);
            // Very long lines are cut in excerpts; the timeline keeps the event.
            let s: String = s.chars().take(4096).collect();
            out.push((line, s));
        }
    }
    Ok(out)
}

fn manifest(
    req: &BundleRequest,
    res: &TraceResult,
    events: &[TracedEvent],
    followed: &[FollowedId],
    files: &Files,
    truncated: bool,
    command: &str,
) -> Value {
    let r = req.redactor;
    let mut taken: BTreeMap<&str, u64> = BTreeMap::new();
    let mut by_service: BTreeMap<String, u64> = BTreeMap::new();
    let mut by_level: BTreeMap<String, u64> = BTreeMap::new();
    for t in events {
        *taken.entry(&t.event.source).or_default() += 1;
        *by_service
            .entry(t.event.service.clone().unwrap_or_else(|| "-".into()))
            .or_default() += 1;
        *by_level
            .entry(t.event.level.map_or("none", Level::as_str).to_string())
            .or_default() += 1;
    }
    let inputs: Vec<Value> = res
        .reports
        .iter()
        .map(|s: &SourceReport| {
            json!({
                "path": s.source,
                "dialect": s.dialect,
                "compression": s.compression,
                "size": s.bytes,
                "lines": s.lines,
                "events_taken": taken.get(s.source.as_str()).copied().unwrap_or(0),
                "skipped": !s.read || s.problems.iter().any(|p| p.skipped),
                "problems": s.problems.iter().map(|p| json!({
                    "line": p.line,
                    "message": red(r, &p.message),
                    "skipped": p.skipped,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let span = {
        let s = Span::of(events.iter().filter_map(|t| t.event.ts));
        json!({
            "first": s.first.map(|t| t.to_rfc3339()),
            "last": s.last.map(|t| t.to_rfc3339()),
        })
    };
    let file_list: Vec<Value> = files
        .iter()
        .map(|(p, b)| json!({"path": p, "size": b.len(), "sha256": hex_sha256(b)}))
        .collect();
    json!({
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "casefile", "version": env!("CARGO_PKG_VERSION")},
        "created": req.source_date_epoch.map(|s| crate::model::Timestamp::from_secs(s).to_rfc3339()),
        "command": command,
        "query": {
            "ids": req.ids.iter().map(|i| red(r, i).into_owned()).collect::<Vec<_>>(),
            "followed": followed,
            "not_followed": res.not_followed.len(),
            "window": req.window,
            "max_depth": req.max_depth,
            "max_events": req.max_events,
            "truncated": truncated,
            "rounds": res.rounds,
            "time_span": span,
        },
        "inputs": inputs,
        "remote_sources": req.remote.iter().map(|rep| json!({
            "name": rep.name,
            "kind": rep.kind,
            "url": rep.url,
            "scope": red(r, &rep.scope),
            "since": rep.since,
            "until": rep.until,
            "range_defaulted": rep.range_defaulted,
            "queries": rep.queries,
            "events": rep.events,
            "events_taken": taken.iter()
                .filter(|(src, _)| src.starts_with(&format!("{}://", rep.kind)))
                .map(|(_, n)| *n)
                .sum::<u64>(),
            "retries": rep.retries,
            "complete": rep.complete,
            "notes": rep.notes.iter().map(|n| red(r, n).into_owned()).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "counts": {
            "events": events.len(),
            "context_events": events.iter().filter(|t| t.context).count(),
            "by_service": by_service,
            "by_level": by_level,
        },
        "redaction": {
            "enabled": r.is_some(),
            "counts": r.map(|r| r.counts()).unwrap_or_default(),
            "custom": req.custom_redactions,
        },
        "files": file_list,
    })
}

/// Where and how to write: by the output name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Dir,
    TarGz,
    Zip,
}

impl Format {
    pub fn of(out: &Path) -> Format {
        let s = out.to_string_lossy();
        if s.ends_with(".tar.gz") || s.ends_with(".tgz") {
            Format::TarGz
        } else if s.ends_with(".zip") {
            Format::Zip
        } else {
            Format::Dir
        }
    }
}

/// `case.tar.gz` -> `case.unredacted.tar.gz`, `out/` -> `out.unredacted`.
pub fn unredacted_name(out: &Path) -> PathBuf {
    let s = out.to_string_lossy().trim_end_matches('/').to_string();
    if s.contains("unredacted") {
        return PathBuf::from(s);
    }
    for ext in [".tar.gz", ".tgz", ".zip"] {
        if let Some(stem) = s.strip_suffix(ext) {
            return PathBuf::from(format!("{stem}.unredacted{ext}"));
        }
    }
    PathBuf::from(format!("{s}.unredacted"))
}

/// Write the files as a directory, a .tar.gz or a .zip (deterministic metadata).
pub fn write(out: &Path, files: &Files, mtime: i64) -> io::Result<()> {
    match Format::of(out) {
        Format::Dir => {
            if out.exists() && std::fs::read_dir(out)?.next().is_some() {
                return Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    format!(
                        "{} exists and is not empty; choose a new -o, or remove it first",
                        out.display()
                    ),
                ));
            }
            for (p, b) in files {
                let path = out.join(p);
                if let Some(d) = path.parent() {
                    std::fs::create_dir_all(d)?;
                }
                std::fs::write(path, b)?;
            }
            Ok(())
        }
        Format::TarGz => {
            let tmp = out.with_extension("partial");
            let f = std::fs::File::create(&tmp)?;
            let gz = flate2::GzBuilder::new()
                .mtime(mtime.clamp(0, u32::MAX as i64) as u32)
                .write(f, flate2::Compression::default());
            let mut tar = tar::Builder::new(gz);
            tar.mode(tar::HeaderMode::Deterministic);
            let mut dirs = BTreeSet::new();
            for p in files.keys() {
                let mut d = Path::new(p).parent();
                while let Some(x) = d.filter(|x| !x.as_os_str().is_empty()) {
                    dirs.insert(x.to_string_lossy().into_owned());
                    d = x.parent();
                }
            }
            let mut entries: Vec<(String, Option<&Vec<u8>>)> =
                dirs.into_iter().map(|d| (format!("{d}/"), None)).collect();
            entries.extend(files.iter().map(|(p, b)| (p.clone(), Some(b))));
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            for (p, b) in entries {
                let mut h = tar::Header::new_gnu();
                h.set_mtime(mtime.max(0) as u64);
                h.set_uid(0);
                h.set_gid(0);
                match b {
                    None => {
                        h.set_entry_type(tar::EntryType::Directory);
                        h.set_mode(0o755);
                        h.set_size(0);
                        tar.append_data(&mut h, &p, io::empty())?;
                    }
                    Some(b) => {
                        h.set_entry_type(tar::EntryType::Regular);
                        h.set_mode(0o644);
                        h.set_size(b.len() as u64);
                        tar.append_data(&mut h, &p, &b[..])?;
                    }
                }
            }
            tar.into_inner()?.finish()?.flush()?;
            std::fs::rename(&tmp, out)
        }
        Format::Zip => {
            let tmp = out.with_extension("partial");
            let f = std::fs::File::create(&tmp)?;
            let mut z = zip::ZipWriter::new(f);
            let dt = zip_time(mtime);
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated)
                .last_modified_time(dt)
                .unix_permissions(0o644);
            for (p, b) in files {
                z.start_file(p.as_str(), opts).map_err(io::Error::other)?;
                z.write_all(b)?;
            }
            z.finish().map_err(io::Error::other)?;
            std::fs::rename(&tmp, out)
        }
    }
}

fn zip_time(epoch: i64) -> zip::DateTime {
    // DOS time starts in 1980.
    let secs = epoch.max(315_532_800);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, m, d) = crate::model::civil_from_days(days);
    zip::DateTime::from_date_and_time(
        y.clamp(1980, 2107) as u16,
        m as u8,
        d as u8,
        (sod / 3600) as u8,
        ((sod / 60) % 60) as u8,
        (sod % 60) as u8,
    )
    .unwrap_or_default()
}

/// Read a bundle (directory or archive) back into memory.
pub fn read(path: &Path) -> io::Result<Files> {
    let mut files = Files::new();
    match Format::of(path) {
        Format::Dir => {
            for e in walkdir::WalkDir::new(path).sort_by_file_name() {
                let e = e.map_err(io::Error::other)?;
                if e.file_type().is_file() {
                    let rel = e
                        .path()
                        .strip_prefix(path)
                        .map_err(io::Error::other)?
                        .to_string_lossy()
                        .replace('\\', "/");
                    files.insert(rel, std::fs::read(e.path())?);
                }
            }
        }
        Format::TarGz => {
            let f = std::fs::File::open(path)?;
            let mut a = tar::Archive::new(flate2::read::GzDecoder::new(f));
            for e in a.entries()? {
                let mut e = e?;
                if e.header().entry_type().is_file() {
                    let p = e.path()?.to_string_lossy().into_owned();
                    let mut b = Vec::new();
                    e.read_to_end(&mut b)?;
                    files.insert(p, b);
                }
            }
        }
        Format::Zip => {
            let f = std::fs::File::open(path)?;
            let mut z = zip::ZipArchive::new(f).map_err(io::Error::other)?;
            for i in 0..z.len() {
                let mut e = z.by_index(i).map_err(io::Error::other)?;
                if e.is_file() {
                    let p = e.name().to_string();
                    let mut b = Vec::new();
                    e.read_to_end(&mut b)?;
                    files.insert(p, b);
                }
            }
        }
    }
    Ok(files)
}

/// What `verify` found wrong; empty when the bundle is intact.
pub fn verify(files: &Files) -> Vec<String> {
    let mut bad = Vec::new();
    let Some(sums) = files.get("SHA256SUMS") else {
        return vec!["SHA256SUMS is missing".into()];
    };
    let sums = String::from_utf8_lossy(sums);
    let mut covered = BTreeSet::new();
    for (i, l) in sums.lines().enumerate() {
        let Some((hash, path)) = l.split_once("  ") else {
            bad.push(format!("SHA256SUMS line {}: not `<sha256>  <path>`", i + 1));
            continue;
        };
        covered.insert(path.to_string());
        match files.get(path) {
            None => bad.push(format!("{path}: listed in SHA256SUMS but missing")),
            Some(b) if hex_sha256(b) != hash => {
                bad.push(format!("{path}: checksum mismatch (the file was changed)"))
            }
            Some(_) => {}
        }
    }
    for p in files.keys() {
        if p != "SHA256SUMS" && !covered.contains(p) {
            bad.push(format!(
                "{p}: not covered by SHA256SUMS (added after the bundle was made)"
            ));
        }
    }
    match files
        .get("manifest.json")
        .map(|b| serde_json::from_slice::<Value>(b))
    {
        None => bad.push("manifest.json is missing".into()),
        Some(Err(e)) => bad.push(format!("manifest.json is not JSON: {e}")),
        Some(Ok(m)) => {
            if m["schema_version"] != SCHEMA_VERSION {
                bad.push(format!(
                    "manifest.json: schema_version {} is not {SCHEMA_VERSION}",
                    m["schema_version"]
                ));
            }
            for f in m["files"].as_array().into_iter().flatten() {
                let p = f["path"].as_str().unwrap_or("");
                match files.get(p) {
                    None => bad.push(format!("{p}: listed in manifest.json but missing")),
                    Some(b) if f["sha256"].as_str() != Some(&hex_sha256(b)) => {
                        bad.push(format!("{p}: differs from manifest.json"))
                    }
                    _ => {}
                }
            }
        }
    }
    bad
}

/// `report.html` from the bundle's (redacted) events.
pub fn render_html(
    events: &[TracedEvent],
    title: &str,
    subtitle: &str,
    notes: &[String],
) -> String {
    use crate::report::html::{render, HtmlEvent, HtmlReport};
    let evs: Vec<HtmlEvent> = events
        .iter()
        .map(|t| HtmlEvent {
            ts: t.event.ts.map(|x| x.to_rfc3339()),
            ts_nanos: t.event.ts.map(|x| x.0),
            service: t.event.service.clone().unwrap_or_else(|| "-".into()),
            level: t.event.level.map(|l| l.as_str().to_string()),
            source: t.event.source.to_string(),
            line: Some(t.event.line),
            message: t.event.message.clone(),
            raw: t.event.raw.clone(),
            context: t.context,
            signature: t.signature.clone(),
        })
        .collect();
    render(&HtmlReport {
        title,
        subtitle,
        events: &evs,
        notes,
    })
}
