//! The evidence bundle: what engineering receives. This module doc is the format spec.
//!
//! A bundle is a directory, a `.tar.gz` or a `.zip` holding these files, with fixed names:
//!
//! | file | content |
//! |---|---|
//! | `manifest.json` | `schema_version` (1); `tool` {name, version}; `created` (from `SOURCE_DATE_EPOCH`, else `null`); `command` (argv, redacted, each `--redact NAME=REGEX` written `NAME=<pattern>`); `query` {ids given, ids followed with key, hop and where found, window, max_depth, max_events, truncated, time span}; `inputs` [{path, dialect, compression, size, lines, events_taken, problems [{line, message, skipped}], skipped}]; `counts` {events, context_events, by_service, by_level}; `redaction` {enabled, counts by kind, custom pattern names}; `files` [{path, size, sha256}] for every file but `manifest.json` and `SHA256SUMS`. Schema: `src/bundle/manifest.schema.json`. |
//! | `timeline.jsonl` | the events, in the `--json` event format of `trace` (see `report::json`), redacted |
//! | `signatures.json` | `{"signatures": [{id, template, count, first_seen, last_seen, services, levels, examples, impact}]}` among those events; `impact` (see below) is `{count, request_ids, since, until, remote_not_counted}` for a signature with a warn- or error-level event of the request, else `null` |
//! | `excerpts/<name>.txt` | per source, the lines of each event with 3 lines of context, as `<line> > text` (event lines) or `<line>   text` (context), blocks separated by `---`; a remote source has its records as `      - > text`, each headed `# <source>`, with no line numbers or context. The file starts with `# <source>` (controls shown as `\xNN`). Each line is redacted whole, then cut at 4,096 characters (marked ` [cut at 4096 characters]`). `<name>`: see below |
//! | `summary.md` | for a person: what failed, when (UTC), where (the request's events and, apart, the `--window` context), then the sections `Errors and stacks` (where it started, every stack of the request), `Known issues`, `Signatures` (with impact), `Ids`, `Customer-facing ids`, `Environment` (hosts, pods, service versions, inputs, casefile version), `Timeline` (whole-second sources marked `(s)`), `Reproduce` (curl rebuilt from the access log, runnable as pasted), `How this bundle was made`. Log text is escaped for where it goes (code span, fence, table cell, text) and never becomes markup: see `summary` |
//! | `summary.jira.txt` | the same sections in Jira wiki markup, escaped the same way |
//! | `report.html` | one self-contained page: the summary's content (as `summary.md`), then a lane per service, errors marked, the request's marks drawn over context marks, each event opening to its raw text; checkboxes (CSS only, no script) hide context, a service or a level |
//! | `SHA256SUMS` | `sha256sum -c` format, covering every other file (manifest included) |
//!
//! Impact: after the trace, the file inputs are read again over the request's time span (its
//! own events, not context) widened by the `--window`, else by 5 minutes on each side
//! ([`IMPACT_MARGIN_NS`]); `since` and `until` are both inclusive. Each warn- or error-level
//! record there gets the signature of the bundle whose template its clustering text (masked as
//! the miner masks it) fits ([`ImpactQuery::signature_of`]: the same text, a `<*>` standing for
//! any run of words, a redaction placeholder for any text, since the records read again are not
//! redacted); `count` counts them, `request_ids` the distinct request or trace ids they carry
//! (`request_id`, `x-request-id`, `correlation_id`, `trace.id`, ...; at most
//! [`IMPACT_IDS_MAX`] told apart). Only counts are kept, never the records. Remote sources
//! (Splunk, Elasticsearch) are not read again: `remote_not_counted` names them.
//!
//! Excerpt names: the source with `://` and `/` (or `\`) written `__`, other characters than
//! `A-Za-z0-9._-` written `-`, leading dots dropped (`logs/edge/access.log` ->
//! `logs__edge__access.log.txt`, `splunk://host/path` -> `splunk__host__path.txt`, stdin ->
//! `stdin.txt`); a name longer than 120 characters keeps its first 100 and `-<h>`. When two
//! sources of one bundle would get the same name, compared ignoring case (`a/b.log` and
//! `a__b.log`), each gets `-<h>` before `.txt`: `a__b.log-<h>.txt`. `<h>` is the first 8 hex digits
//! of the SHA-256 of the source's name (the manifest's `inputs[].path`; for a remote source the
//! `<source>` its excerpt starts with), all 64 if even that would meet another name. The names
//! depend only on the sources, never on their order.
//!
//! Properties: deterministic (same inputs and options -> identical bytes; archive entries
//! `manifest.json` first, then the others sorted by path, mode 0644/0755, owner 0, mtime
//! `SOURCE_DATE_EPOCH` or 0); redacted by default before anything is written (`--no-redact`
//! marks the manifest and inserts `.unredacted` in the output name); bounded by `--max-events`
//! (the summary says when the cap cut anything).
//!
//! Writing (`bundle -o OUT`): `OUT` is `NAME.tar.gz`, `NAME.tgz`, `NAME.zip` or a directory (a
//! name without an extension; see [`OutKind::of`]), checked before any log is read. It never
//! goes through a symbolic link and never replaces anything without `--force`: `OUT` must not
//! exist (a directory bundle may go into an empty directory); an archive is written to
//! `OUT.partial`, created exclusively (a file or link already there is an error), and linked
//! to `OUT` only if `OUT` still does not exist; a directory bundle's files are created
//! exclusively. `--force` replaces a file, a link (not what it points at) or a bundle directory
//! (never another directory), once the new bundle is whole in `OUT.partial`. A bundle written inside a folder of logs is recognised by the next run
//! (a folder with `SHA256SUMS` and casefile's `manifest.json`, an archive whose first entry is
//! that manifest) and not read as logs: a one-line warning, exit code unchanged.
//!
//! Verifying (`verify`) streams every file through SHA-256 (only the manifest, `SHA256SUMS` and
//! the summaries are held, at most 64 MiB each) and never reads a file past the size
//! `manifest.json` gives for it (in a `.tar.gz`, reading stops there). Exit 0: intact. Exit 1,
//! damaged, each finding on stdout: a checksum or size differs, a file is missing or added, or
//! the bundle has an entry casefile never writes, which is refused and not read: a name that is
//! absolute or has `..`, a symbolic or hard link, a device or FIFO. Exit 2: not readable (no such
//! bundle, not an archive, damaged compressed data, a .zip entry expanding past the size the
//! archive itself gives).

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
    /// `--window`, in nanoseconds: the margin of the impact range (else [`IMPACT_MARGIN_NS`]).
    pub window_ns: Option<i64>,
}

/// The bundle's files, path -> bytes, sorted.
pub type Files = BTreeMap<String, Vec<u8>>;

fn red<'a>(r: Option<&Redactor>, s: &'a str) -> std::borrow::Cow<'a, str> {
    match r {
        Some(r) => r.redact(s),
        None => std::borrow::Cow::Borrowed(s),
    }
}

/// Build every file of the bundle in memory. `impact` counts the signatures of an
/// [`ImpactQuery`] in all the inputs (the command reads them; see the module doc); `html` makes
/// `report.html` from the events, title, subtitle, notes and the summary's HTML fragment.
pub fn build(
    req: &BundleRequest,
    res: &TraceResult,
    inputs: &[Input],
    impact: impl FnOnce(&ImpactQuery) -> ImpactTally,
    html: impl Fn(&[TracedEvent], &str, &str, &[String], &str) -> String,
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
    if let Some(r) = r {
        for t in &mut events {
            crate::report::redact_traced(r, t);
        }
    }
    let mut sigs = signatures(&mut events);
    add_impact(req, &events, &mut sigs, impact);

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
        inputs: &res.reports,
        remote: &remote_names(req),
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
        html(&events, &title, &subtitle, &notes, &summary::html(&facts)).into_bytes(),
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

/// A shell command line a person can paste (single-quoted where needed), redacted. The pattern
/// of `--redact NAME=REGEX` is written `NAME=<pattern>`: a pattern often spells out the very
/// value it hides.
fn shell_join(argv: &[String], r: Option<&Redactor>) -> String {
    let hide = |v: &str| match v.split_once('=') {
        Some((name, _)) => format!("{}=<pattern>", red(r, name)),
        None => "<pattern>".to_string(),
    };
    let mut options = true;
    let mut pattern_next = false;
    let mut out = Vec::with_capacity(argv.len());
    for (i, a) in argv.iter().enumerate() {
        let shown = if i == 0 {
            "casefile".to_string()
        } else if std::mem::take(&mut pattern_next) {
            hide(a)
        } else if let Some(v) = a.strip_prefix("--redact=").filter(|_| options) {
            format!("--redact={}", hide(v))
        } else {
            red(r, a).into_owned()
        };
        if i > 0 && options {
            pattern_next = a == "--redact";
            options = a != "--";
        }
        out.push(shell_quote(&shown));
    }
    out.join(" ")
}

/// `a` as one shell word: as it is when it holds only safe characters, else single-quoted.
pub(crate) fn shell_quote(a: &str) -> String {
    if !a.is_empty()
        && a.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./=:,@+%".contains(&b))
    {
        a.to_string()
    } else {
        format!("'{}'", a.replace('\'', r"'\''"))
    }
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

/// The impact range's margin on each side of the request's time span without `--window`.
pub const IMPACT_MARGIN_NS: i64 = 5 * 60 * 1_000_000_000;
/// Distinct request ids told apart per signature for impact; more are written as this many.
pub const IMPACT_IDS_MAX: u64 = 100_000;

/// The remote sources of the bundle, as the summaries name them.
fn remote_names(req: &BundleRequest) -> Vec<String> {
    req.remote
        .iter()
        .map(|r| format!("{} {}", r.kind, r.url))
        .collect()
}

/// One piece of a template, for matching a record against it.
#[derive(Debug)]
enum Part {
    Lit(String),
    /// `<*>` or a redaction placeholder: any non-empty text.
    Any,
}

/// Which signature of the bundle a record of all the inputs has (see the module doc), and the
/// time range and levels counted.
pub struct ImpactQuery {
    /// Inclusive.
    pub since: crate::model::Timestamp,
    /// Exclusive.
    pub until: crate::model::Timestamp,
    exact: std::collections::HashMap<String, usize>,
    patterns: Vec<Vec<Part>>,
}

impl ImpactQuery {
    /// A query for these signature templates (index = the signature's place in the answer).
    pub fn new(
        since: crate::model::Timestamp,
        until: crate::model::Timestamp,
        templates: &[String],
    ) -> ImpactQuery {
        let placeholder = regex::Regex::new(
            r"<\*>|<[a-z][a-z0-9_]*(?::[A-Za-z0-9_.-]+)?:(?:[0-9a-f]{8}|<HEX>|<NUM>)>",
        )
        .ok();
        let mut exact = std::collections::HashMap::new();
        let mut patterns = Vec::with_capacity(templates.len());
        for (i, t) in templates.iter().enumerate() {
            exact.entry(t.clone()).or_insert(i);
            let mut parts = Vec::new();
            let mut last = 0;
            for m in placeholder.iter().flat_map(|re| re.find_iter(t)) {
                if m.start() > last {
                    parts.push(Part::Lit(t[last..m.start()].to_string()));
                }
                if !matches!(parts.last(), Some(Part::Any)) {
                    parts.push(Part::Any);
                }
                last = m.end();
            }
            if last < t.len() {
                parts.push(Part::Lit(t[last..].to_string()));
            }
            // A template of holes alone (the catch-all) would take everything: exact only.
            if !parts.iter().any(|p| matches!(p, Part::Lit(_))) {
                parts.clear();
            }
            patterns.push(parts);
        }
        ImpactQuery {
            since,
            until,
            exact,
            patterns,
        }
    }

    /// How many signatures are counted.
    pub fn len(&self) -> usize {
        self.patterns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// Is a record with this time and level counted (warn or above, in the range)?
    pub fn wants(&self, ts: Option<crate::model::Timestamp>, level: Option<Level>) -> bool {
        ts.is_some_and(|t| t >= self.since && t < self.until)
            && level.is_some_and(|l| l >= Level::Warn)
    }

    /// The text a record is clustered by, masked as the miner masks it: for a record alone, its
    /// signature's template.
    pub fn key(e: &crate::model::Event) -> String {
        let text = crate::signatures::cluster_text(e);
        let max = crate::cluster::MinerConfig::default().max_message_bytes;
        let mut cut = max.min(text.len());
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        let t = crate::cluster::mask::mask_to_template(&text[..cut]);
        // An access record's key starts with the route byte; its shown template does not.
        match t.strip_prefix(crate::cluster::mask::ROUTE as char) {
            Some(rest) => rest.to_string(),
            None => t,
        }
    }

    /// The signature (index) whose template the record fits, if any: the same template, else
    /// the first (most frequent) whose `<*>` and placeholders stand for parts of it.
    pub fn signature_of(&self, e: &crate::model::Event) -> Option<usize> {
        let key = Self::key(e);
        if let Some(&i) = self.exact.get(&key) {
            return Some(i);
        }
        self.patterns
            .iter()
            .position(|p| !p.is_empty() && glob(p, &key))
    }
}

/// Does `s` fit `parts` (literals in order, each [`Part::Any`] at least one character)?
fn glob(parts: &[Part], s: &str) -> bool {
    let mut pos = 0;
    let mut any = false;
    for (i, p) in parts.iter().enumerate() {
        match p {
            Part::Any => any = true,
            Part::Lit(l) if !any => {
                if !s[pos..].starts_with(l.as_str()) {
                    return false;
                }
                pos += l.len();
            }
            Part::Lit(l) => {
                let mut start = pos + 1;
                while start < s.len() && !s.is_char_boundary(start) {
                    start += 1;
                }
                if start > s.len() {
                    return false;
                }
                if i == parts.len() - 1 {
                    return s.len() >= start + l.len() && s.ends_with(l.as_str());
                }
                match s[start..].find(l.as_str()) {
                    Some(j) => pos = start + j + l.len(),
                    None => return false,
                }
                any = false;
            }
        }
    }
    if any {
        pos < s.len()
    } else {
        pos == s.len()
    }
}

/// What the impact read counted, per signature of the [`ImpactQuery`]: records, and the
/// distinct request ids among them (as 64-bit hashes, at most [`IMPACT_IDS_MAX`]). Only counts.
#[derive(Debug, Default)]
pub struct ImpactTally {
    pub counts: Vec<u64>,
    ids: Vec<std::collections::HashSet<u64>>,
}

impl ImpactTally {
    pub fn new(q: &ImpactQuery) -> ImpactTally {
        ImpactTally {
            counts: vec![0; q.len()],
            ids: vec![Default::default(); q.len()],
        }
    }

    /// Count one record read again, if the query wants it and it has one of the signatures.
    pub fn add(&mut self, q: &ImpactQuery, e: &crate::model::Event) {
        if !q.wants(e.ts, e.level) {
            return;
        }
        let Some(i) = q.signature_of(e) else { return };
        if i >= self.counts.len() {
            return;
        }
        self.counts[i] += 1;
        if let Some(v) = crate::parse::fields::request_id_of(&e.ids) {
            if (self.ids[i].len() as u64) < IMPACT_IDS_MAX {
                self.ids[i].insert(crate::cluster::fnv1a64(v.as_bytes()));
            }
        }
    }

    /// Add another unit's counts.
    pub fn merge(&mut self, o: ImpactTally) {
        for (i, (c, ids)) in o.counts.into_iter().zip(o.ids).enumerate() {
            if i >= self.counts.len() {
                break;
            }
            self.counts[i] += c;
            for h in ids {
                if (self.ids[i].len() as u64) >= IMPACT_IDS_MAX {
                    break;
                }
                self.ids[i].insert(h);
            }
        }
    }

    /// Distinct request ids of signature `i`.
    pub fn request_ids(&self, i: usize) -> u64 {
        self.ids.get(i).map_or(0, |s| s.len() as u64)
    }
}

/// Give each signature its `impact` (module doc): `null` but for the signatures of the
/// request's warn- and error-level events, which `impact` counts in all the inputs.
fn add_impact(
    req: &BundleRequest,
    events: &[TracedEvent],
    sigs: &mut [Value],
    impact: impl FnOnce(&ImpactQuery) -> ImpactTally,
) {
    let mut own: BTreeMap<&str, u64> = BTreeMap::new();
    for t in events.iter().filter(|t| !t.context) {
        if let Some(s) = t.signature.as_deref() {
            if t.event.level.is_some_and(|l| l >= Level::Warn) {
                *own.entry(s).or_default() += 1;
            }
        }
    }
    let span = Span::of(
        events
            .iter()
            .filter(|t| !t.context)
            .filter_map(|t| t.event.ts),
    );
    let counted: Vec<usize> = (0..sigs.len())
        .filter(|&i| {
            sigs[i]["id"]
                .as_str()
                .is_some_and(|id| own.contains_key(id))
        })
        .collect();
    let range = span.bounds().filter(|_| !counted.is_empty()).map(|(a, b)| {
        let m = req.window_ns.unwrap_or(IMPACT_MARGIN_NS).max(0);
        (
            crate::model::Timestamp(a.0.saturating_sub(m)),
            crate::model::Timestamp(b.0.saturating_add(m).saturating_add(1)),
        )
    });
    let tally = range.map(|(since, until)| {
        let templates: Vec<String> = counted
            .iter()
            .map(|&i| sigs[i]["template"].as_str().unwrap_or("").to_string())
            .collect();
        let q = ImpactQuery::new(since, until, &templates);
        (q.since, q.until, impact(&q))
    });
    let remote = remote_names(req);
    for (i, sig) in sigs.iter_mut().enumerate() {
        let v = match (&tally, counted.iter().position(|&c| c == i)) {
            (Some((since, until, t)), Some(k)) => {
                let own = sig["id"].as_str().and_then(|id| own.get(id)).copied();
                json!({
                    // Never fewer than the request's own (a remote source's are not read again).
                    "count": t.counts.get(k).copied().unwrap_or(0).max(own.unwrap_or(0)),
                    "request_ids": t.request_ids(k),
                    "since": since.to_rfc3339(),
                    // Inclusive, as written for people.
                    "until": crate::model::Timestamp(until.0 - 1).to_rfc3339(),
                    "remote_not_counted": remote,
                })
            }
            _ => Value::Null,
        };
        if let Some(o) = sig.as_object_mut() {
            o.insert("impact".into(), v);
        }
    }
}

/// Longest excerpt name kept as it is (before `.txt`); longer ones are cut and get the hash.
const EXCERPT_NAME_MAX: usize = 120;

/// The file name of a source's excerpt when no other source of the bundle maps to the same
/// name (see [`excerpt_names`]).
pub fn excerpt_name(source: &str) -> String {
    format!("{}.txt", excerpt_stem(source))
}

fn excerpt_stem(source: &str) -> String {
    // `splunk://host/path` -> `splunk__host__path`.
    let flat = source.replacen("://", "/", 1);
    let mut s = String::new();
    for c in flat.trim_start_matches("./").chars() {
        match c {
            '/' | '\\' => s.push_str("__"),
            c if c.is_ascii_alphanumeric() || "._-".contains(c) => s.push(c),
            _ => s.push('-'),
        }
    }
    let s = s.trim_start_matches('.').to_string();
    if s.is_empty() || s == "-" {
        return "stdin".into();
    }
    if s.len() > EXCERPT_NAME_MAX {
        // Only ASCII here, so any byte index is a char boundary.
        return format!("{}-{}", &s[..EXCERPT_NAME_MAX - 20], source_hash(source, 8));
    }
    s
}

/// The first `n` hex digits of the SHA-256 of a source's name.
fn source_hash(source: &str, n: usize) -> String {
    hex_sha256(source.as_bytes())[..n].to_string()
}

/// The excerpt file name of each source, unique in the bundle: a source whose
/// [`excerpt_name`] another source also gets (compared ignoring case, as on macOS and Windows
/// file systems) gets `-<first 8 hex digits of the SHA-256 of the source>` before `.txt`
/// (`a/b.log` -> `a__b.log-<h>.txt`, `a__b.log` -> `a__b.log-<h>.txt`). Deterministic: the
/// name depends on the sources, never on their order.
pub fn excerpt_names<'a>(sources: impl IntoIterator<Item = &'a str>) -> BTreeMap<&'a str, String> {
    let sources: BTreeSet<&str> = sources.into_iter().collect();
    let mut by_name: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for s in &sources {
        by_name
            .entry(excerpt_stem(s).to_ascii_lowercase())
            .or_default()
            .push(s);
    }
    let mut names: BTreeMap<&str, String> = BTreeMap::new();
    for group in by_name.values() {
        for s in group {
            let stem = excerpt_stem(s);
            let name = if group.len() > 1 {
                format!("{stem}-{}.txt", source_hash(s, 8))
            } else {
                format!("{stem}.txt")
            };
            names.insert(s, name);
        }
    }
    // A suffixed name could still meet another source's own name (a source named like
    // `a__b.log-<h>`): then the whole hash makes them apart.
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for n in names.values() {
        *seen.entry(n.to_ascii_lowercase()).or_default() += 1;
    }
    for (s, n) in names.iter_mut() {
        if seen[&n.to_ascii_lowercase()] > 1 {
            *n = format!("{}-{}.txt", excerpt_stem(s), hex_sha256(s.as_bytes()));
        }
    }
    names
}

/// One source's excerpt: the event lines, and the ranges to show (inclusive).
type Wanted = (BTreeSet<u64>, Vec<(u64, u64)>);

/// Per source, the events' lines with context, re-read from the file (each run of lines
/// redacted as one text).
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
    let mut texts: Vec<(String, String)> = Vec::new();
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
        let mut text = format!(
            "# {}\n# `>` marks the lines of the events; the others are context.\n",
            crate::report::terminal::sanitize(source)
        );
        let lines = path.and_then(|p| read_lines(&p, &merged).ok());
        match lines {
            Some(lines) => {
                // Each run of consecutive lines is redacted as one text (a secret over several
                // lines, such as a PEM key body, is found as in the event), then each line is
                // cut: a secret across the cut is replaced as a whole, never left in part.
                // Redaction keeps the line count.
                let mut runs: Vec<Vec<(u64, String)>> = Vec::new();
                for (n, l) in lines {
                    match runs.last_mut() {
                        Some(run) if run.last().is_some_and(|(p, _)| n == p + 1) => {
                            run.push((n, l))
                        }
                        _ => runs.push(vec![(n, l)]),
                    }
                }
                for (k, run) in runs.iter().enumerate() {
                    if k > 0 {
                        text.push_str("---\n");
                    }
                    let block = run.iter().map(|(_, l)| l.as_str()).collect::<Vec<_>>();
                    let block = block.join("\n");
                    let redacted = red(r, &block);
                    for ((n, _), l) in run.iter().zip(redacted.split('\n')) {
                        let mark = if event_lines.contains(n) { '>' } else { ' ' };
                        let _ = writeln!(text, "{n:>7} {mark} {}", cut_line(l));
                    }
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
        texts.push((source.to_string(), text));
    }
    texts.extend(remote);
    let names = excerpt_names(texts.iter().map(|(s, _)| s.as_str()));
    let mut out = BTreeMap::new();
    for (source, text) in &texts {
        out.insert(names[source.as_str()].clone(), text.clone());
    }
    out
}

/// Very long lines are cut in excerpts (after redaction); the timeline keeps the event.
const EXCERPT_LINE_MAX: usize = 4096;

fn cut_line(l: &str) -> std::borrow::Cow<'_, str> {
    match l.char_indices().nth(EXCERPT_LINE_MAX) {
        Some((i, _)) => format!("{} [cut at {EXCERPT_LINE_MAX} characters]", &l[..i]).into(),
        None => l.into(),
    }
}

/// Lines in `ranges` (1-based, inclusive) of a file, decompressing gzip/zstd/xz/bzip2.
fn read_lines(path: &Path, ranges: &[(u64, u64)]) -> io::Result<Vec<(u64, String)>> {
    let mut rd = io::BufReader::new(crate::source::file::open_decompressed(path)?);
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
            // Whole: the caller redacts, then cuts.
            out.push((line, s.trim_end_matches(['\n', '\r']).to_string()));
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

/// What `-o` names, decided from the name alone by [`OutKind::of`]: the one place that knows
/// which names casefile writes, used by `bundle`'s checks before it reads anything, by
/// [`write`], and by [`read`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutKind {
    Dir,
    TarGz,
    Zip,
}

/// Names of archives casefile does not write: refused with the name to use instead, where they
/// would otherwise silently become a directory called `case.tar`.
const OTHER_ARCHIVES: &[&str] = &[
    ".tar", ".gz", ".tar.bz2", ".tbz2", ".bz2", ".tar.xz", ".txz", ".xz", ".tar.zst", ".zst",
    ".tar.lz4", ".lz4", ".7z", ".rar", ".jar",
];

impl OutKind {
    /// `NAME.tar.gz`/`NAME.tgz` and `NAME.zip` (any case) are archives; a name without an
    /// extension (`case`, `case/`, `INC-4711`), or whose last dot starts a version (`case-1.2`,
    /// `case.v2`), or ending in `.d` or `.unredacted`, is a directory. Anything else looks like
    /// a file casefile does not write (`case.tar`, `case.tar.zst`, `case.json`): `Err` with the
    /// accepted forms and a name to use.
    pub fn of(out: &Path) -> Result<OutKind, String> {
        let Some(name) = out.file_name() else {
            return Err(
                "-o must end in a name for the bundle, not `.`, `..` or `/`: e.g. -o case.tar.gz"
                    .to_string(),
            );
        };
        let n = name.to_string_lossy().to_ascii_lowercase();
        if n.ends_with(".tar.gz") || n.ends_with(".tgz") {
            return Ok(OutKind::TarGz);
        }
        if n.ends_with(".zip") {
            return Ok(OutKind::Zip);
        }
        let full = out.to_string_lossy();
        let full = full.trim_end_matches('/');
        if let Some(ext) = OTHER_ARCHIVES.iter().find(|e| n.ends_with(*e)) {
            let stem = full.get(..full.len() - ext.len()).unwrap_or(full);
            return Err(format!(
                "casefile writes a bundle as .tar.gz, .tgz, .zip or a new directory, not {ext}; \
                 use e.g. -o {}",
                shell_quote(&format!("{stem}.tar.gz"))
            ));
        }
        let ext = match n.rsplit_once('.') {
            Some((stem, ext)) if !stem.is_empty() => ext,
            _ => return Ok(OutKind::Dir),
        };
        let file_like = !ext.is_empty()
            && ext.len() <= 5
            && ext.bytes().all(|b| b.is_ascii_alphabetic())
            && ext != "d";
        if !file_like || n.ends_with(".unredacted") {
            return Ok(OutKind::Dir);
        }
        let stem = full.get(..full.len() - ext.len() - 1).unwrap_or(full);
        Err(format!(
            "casefile writes a bundle as .tar.gz, .tgz, .zip or a new directory (a name without \
             an extension), not .{ext}; use e.g. -o {} or -o {}",
            shell_quote(&format!("{stem}.tar.gz")),
            shell_quote(stem)
        ))
    }
}

/// `case.tar.gz` -> `case.unredacted.tar.gz`, `out/` -> `out.unredacted`.
pub fn unredacted_name(out: &Path) -> PathBuf {
    let s = out.to_string_lossy().trim_end_matches('/').to_string();
    if s.contains("unredacted") {
        return PathBuf::from(s);
    }
    let lower = s.to_ascii_lowercase();
    for ext in [".tar.gz", ".tgz", ".zip"] {
        if lower.ends_with(ext) {
            let (stem, ext) = s.split_at(s.len() - ext.len());
            return PathBuf::from(format!("{stem}.unredacted{ext}"));
        }
    }
    PathBuf::from(format!("{s}.unredacted"))
}

/// The two files every bundle has, by name.
const MANIFEST: &str = "manifest.json";
const SUMS: &str = "SHA256SUMS";

/// Archive order: `manifest.json` first (a reader learns every file's size before it reads one,
/// and a bundle is known by its first entry), then the others sorted by path.
fn archive_key(p: &str) -> (bool, &str) {
    (p != MANIFEST, p)
}

fn exists_error(msg: String) -> io::Error {
    io::Error::new(io::ErrorKind::AlreadyExists, msg)
}

/// The names a bundle's top level holds: a directory holding only these (with its manifest) is
/// one casefile wrote, and `--force` may replace it.
const BUNDLE_NAMES: &[&str] = &[
    MANIFEST,
    SUMS,
    "timeline.jsonl",
    "signatures.json",
    "excerpts",
    "summary.md",
    "summary.jira.txt",
    "report.html",
];

/// A directory bundle casefile wrote: `manifest.json` and `SHA256SUMS`, and nothing but the
/// names a bundle has.
fn is_bundle_dir(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    let mut names = BTreeSet::new();
    for e in entries {
        let Ok(e) = e else { return false };
        let n = e.file_name().to_string_lossy().into_owned();
        if !BUNDLE_NAMES.contains(&n.as_str()) {
            return false;
        }
        names.insert(n);
    }
    names.contains(MANIFEST) && names.contains(SUMS)
}

/// The second line of a refusal `--force` would lift.
const FORCE_HINT: &str = "\n  or give --force to replace it";

/// Where and how a bundle is written, as [`output_target`] checked it.
struct Target {
    kind: OutKind,
    /// `out` in its folder resolved once.
    path: PathBuf,
    /// `--force` and something is at `out`: the bundle is written beside it, then put in its
    /// place.
    replace: bool,
}

/// Check `bundle -o OUT` before anything is read: the name (see [`OutKind::of`]), its folder
/// (it must exist), and what is already there (nothing, or an empty directory for a directory
/// bundle; with `force`, a file, a symbolic link or a bundle directory, to be replaced). The
/// error says what to do. [`write`] checks again.
pub fn check_output(out: &Path, force: bool) -> io::Result<OutKind> {
    output_target(out, force).map(|t| t.kind)
}

/// Where to write `out`: its folder resolved once (so the `.partial` file and the bundle land in
/// the same real folder whatever happens to the path meanwhile), after refusing a name casefile
/// does not write, a symbolic link at `out` and anything that exists there (but an empty
/// directory, for a directory bundle), unless `force`.
fn output_target(out: &Path, force: bool) -> io::Result<Target> {
    let q = shell_quote(&out.to_string_lossy());
    let kind = OutKind::of(out).map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
    let name = out.file_name().unwrap_or_default();
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let real = std::fs::canonicalize(parent).map_err(|e| {
        let shown = parent.display();
        let msg = if e.kind() == io::ErrorKind::NotFound {
            format!(
                "the directory {shown} does not exist; create it first (mkdir -p {})",
                shell_quote(&parent.to_string_lossy())
            )
        } else {
            format!("the directory {shown}: {e}")
        };
        io::Error::new(e.kind(), msg)
    })?;
    if !real.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "{} is not a directory; give -o a path inside a directory",
                parent.display()
            ),
        ));
    }
    let path = real.join(name);
    let mut replace = false;
    // `path`, not `out`: `link/` (trailing slash) would follow the link.
    if let Ok(m) = std::fs::symlink_metadata(&path) {
        let link = m.file_type().is_symlink();
        let empty_dir = !link && m.is_dir() && std::fs::read_dir(&path)?.next().is_none();
        if kind == OutKind::Dir && empty_dir {
            // A directory bundle goes into an empty directory as it is.
        } else if force {
            if !link && m.is_dir() && !is_bundle_dir(&path) {
                return Err(exists_error(format!(
                    "{} is a directory that is not a casefile bundle (no manifest.json and \
                     SHA256SUMS, or files a bundle never has), and --force replaces only a file \
                     or a bundle; choose a new -o",
                    out.display()
                )));
            }
            replace = true;
        } else if link {
            return Err(exists_error(format!(
                "it is a symbolic link, and casefile never writes through one (it can point at \
                 a file that is not the bundle's to replace); choose a new -o, or remove the \
                 link first: rm {q}{FORCE_HINT} (the link, not what it points at)"
            )));
        } else if kind != OutKind::Dir {
            return Err(exists_error(format!(
                "it already exists, and casefile never replaces a file; choose a new -o, or \
                 remove it first: rm {q}{FORCE_HINT}"
            )));
        } else if !m.is_dir() {
            return Err(exists_error(format!(
                "it exists and is not a directory; choose a new -o, or remove it first: rm \
                 {q}{FORCE_HINT}"
            )));
        } else {
            let hint = if is_bundle_dir(&path) { FORCE_HINT } else { "" };
            return Err(exists_error(format!(
                "{} exists and is not empty; choose a new -o, or remove it first{hint}",
                out.display()
            )));
        }
    }
    if kind != OutKind::Dir || replace {
        let partial = partial_of(&path);
        if std::fs::symlink_metadata(&partial).is_ok() {
            return Err(partial_exists(out));
        }
    }
    Ok(Target {
        kind,
        path,
        replace,
    })
}

/// `<path>.partial`: where a bundle is written before it is put at `path`.
fn partial_of(path: &Path) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(".partial");
    PathBuf::from(p)
}

fn partial_exists(out: &Path) -> io::Error {
    let mut shown = out.as_os_str().to_owned();
    shown.push(".partial");
    let shown = shell_quote(&shown.to_string_lossy());
    exists_error(format!(
        "{shown} exists (left by an interrupted run, or put there by someone else), and \
         casefile never writes through it; remove it first: rm {shown}"
    ))
}

/// A new file: fails when anything (a symbolic link included) is already at `p`.
fn create_new(p: &Path) -> io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(p)
}

/// Write the files as a directory, a .tar.gz or a .zip (deterministic metadata), the format
/// chosen by [`OutKind::of`].
///
/// Never through a symbolic link and never over an existing file: `out` must not exist (a
/// directory bundle may go into an empty directory). An archive is written to `<out>.partial`,
/// created exclusively (a file or link already there is an error, never followed), then linked
/// to `out` only if `out` still does not exist. A directory bundle's files and `excerpts/` are
/// created exclusively too. With `force`, what is at `out` (a file, a symbolic link itself, or
/// a bundle directory) is replaced: the bundle is written whole to `<out>.partial` first, and
/// the old one removed only then.
pub fn write(out: &Path, files: &Files, mtime: i64, force: bool) -> io::Result<()> {
    let t = output_target(out, force)?;
    if t.kind == OutKind::Dir && !t.replace {
        return write_dir(out, &t.path, files);
    }
    let partial = partial_of(&t.path);
    let res = if t.kind == OutKind::Dir {
        write_dir(out, &partial, files)
    } else {
        create_new(&partial)
            .map_err(|e| {
                if e.kind() == io::ErrorKind::AlreadyExists {
                    partial_exists(out)
                } else {
                    let mut shown = out.as_os_str().to_owned();
                    shown.push(".partial");
                    io::Error::new(e.kind(), format!("{}: {e}", shown.to_string_lossy()))
                }
            })
            .and_then(|f| match t.kind {
                OutKind::TarGz => write_tar_gz(f, files, mtime),
                _ => write_zip(f, files, mtime),
            })
    }
    .and_then(|()| {
        if t.replace {
            replace_with(&partial, &t.path)
        } else {
            publish(&partial, &t.path, out)
        }
    });
    if res.is_err() {
        if t.kind == OutKind::Dir {
            if std::fs::symlink_metadata(&partial).is_ok_and(|m| m.is_dir()) {
                let _ = std::fs::remove_dir_all(&partial);
            }
        } else {
            let _ = std::fs::remove_file(&partial);
        }
    }
    res
}

/// `--force`: remove what is at `target` (a directory with what it holds, or a file or link
/// itself, never what a link points at), then rename `partial` there.
fn replace_with(partial: &Path, target: &Path) -> io::Result<()> {
    match std::fs::symlink_metadata(target) {
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(target)?,
        Ok(_) => std::fs::remove_file(target)?,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    std::fs::rename(partial, target)
}

/// `partial` becomes `target`, unless something appeared at `target` meanwhile.
fn publish(partial: &Path, target: &Path, out: &Path) -> io::Result<()> {
    let taken = || {
        exists_error(format!(
            "it appeared while the bundle was written, and casefile never replaces a file; \
             choose a new -o, or remove it first: rm {}",
            shell_quote(&out.to_string_lossy())
        ))
    };
    match std::fs::hard_link(partial, target) {
        Ok(()) => {
            let _ = std::fs::remove_file(partial);
            Ok(())
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(taken()),
        // A file system without hard links: one more look, then rename.
        Err(_) => {
            if std::fs::symlink_metadata(target).is_ok() {
                return Err(taken());
            }
            std::fs::rename(partial, target)
        }
    }
}

fn write_dir(out: &Path, target: &Path, files: &Files) -> io::Result<()> {
    match std::fs::create_dir(target) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            // The empty directory `output_target` accepted; still one, and still empty?
            let m = std::fs::symlink_metadata(target)?;
            if !m.is_dir() || std::fs::read_dir(target)?.next().is_some() {
                return Err(exists_error(format!(
                    "{} changed while the bundle was written; choose a new -o",
                    out.display()
                )));
            }
        }
        Err(e) => return Err(e),
    }
    let mut made: BTreeSet<PathBuf> = BTreeSet::new();
    for (p, b) in files {
        let rel = Path::new(p);
        let mut dir = PathBuf::new();
        for c in rel.parent().into_iter().flat_map(Path::components) {
            dir.push(c);
            if made.insert(dir.clone()) {
                std::fs::create_dir(target.join(&dir))?;
            }
        }
        create_new(&target.join(rel))?.write_all(b)?;
    }
    Ok(())
}

fn write_tar_gz(f: std::fs::File, files: &Files, mtime: i64) -> io::Result<()> {
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
    entries.sort_by(|a, b| archive_key(&a.0).cmp(&archive_key(&b.0)));
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
    tar.into_inner()?.finish()?.flush()
}

fn write_zip(f: std::fs::File, files: &Files, mtime: i64) -> io::Result<()> {
    let mut z = zip::ZipWriter::new(f);
    let dt = zip_time(mtime);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(dt)
        .unix_permissions(0o644);
    let mut names: Vec<&String> = files.keys().collect();
    names.sort_by(|a, b| archive_key(a).cmp(&archive_key(b)));
    for p in names {
        z.start_file(p.as_str(), opts).map_err(io::Error::other)?;
        z.write_all(&files[p])?;
    }
    z.finish().map_err(io::Error::other)?.flush()
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

/// `verify` reads at most this much of `manifest.json` or of a summary, and holds it.
const KEEP_MAX: u64 = 64 << 20;
/// ... of `SHA256SUMS`.
const SUMS_MAX: u64 = 16 << 20;
/// ... of a file that `manifest.json` gives no size for (the manifest not read yet): hashed
/// as it streams, never held.
const ENTRY_MAX: u64 = 4 << 30;
/// ... entries of one bundle.
const ENTRIES_MAX: usize = 100_000;
/// The files whose text [`ReadBundle::get`] gives (verify and `jira attach` need them).
const KEPT: [&str; 4] = [MANIFEST, SUMS, "summary.md", "summary.jira.txt"];

/// One file of a bundle read back: its size and SHA-256, computed as it streamed by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub size: u64,
    /// `None` when it was not read to its end: longer than `manifest.json` says, or not listed
    /// there (then not read at all).
    pub sha256: Option<String>,
}

/// A bundle as [`read`] found it, in bounded memory: every regular file's size and SHA-256,
/// the text of `manifest.json`, `SHA256SUMS` and the summaries, and what was refused on the way
/// (each refusal makes the bundle damaged).
#[derive(Debug, Default)]
pub struct ReadBundle {
    entries: BTreeMap<String, Entry>,
    kept: BTreeMap<String, Vec<u8>>,
    refused: Vec<String>,
    /// Reading stopped before the end (a .tar.gz entry longer than declared, too many entries):
    /// what follows was not looked at.
    stopped: bool,
    /// Sizes `manifest.json` gives, once read.
    declared: Option<BTreeMap<String, u64>>,
}

impl ReadBundle {
    /// How many regular files were found.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Nothing found at all: no file, and nothing refused.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty() && self.refused.is_empty()
    }

    /// The text of `manifest.json`, `SHA256SUMS`, `summary.md` or `summary.jira.txt`.
    pub fn get(&self, name: &str) -> Option<&[u8]> {
        self.kept.get(name).map(Vec::as_slice)
    }

    pub fn entries(&self) -> &BTreeMap<String, Entry> {
        &self.entries
    }

    /// Entries refused while reading (unsafe paths, links, longer than declared), as
    /// `verify` prints them.
    pub fn refused(&self) -> &[String] {
        &self.refused
    }

    fn refuse(&mut self, name: &str, why: &str) {
        self.refused.push(format!("{name}: {why}"));
    }

    /// Stream one regular file: hash it, keep it when it is one of [`KEPT`], and never read
    /// past the size `manifest.json` declares for it. `Ok(false)` when it was longer. `archive`:
    /// the size the archive itself gives (.zip): expanding past it is damaged compressed data.
    fn take(&mut self, name: &str, rd: &mut dyn Read, archive: Option<u64>) -> io::Result<bool> {
        if self.entries.len() >= ENTRIES_MAX {
            self.refuse(
                name,
                &format!("more than {ENTRIES_MAX} files in the bundle; the rest was not read"),
            );
            self.stopped = true;
            return Ok(false);
        }
        if self.entries.contains_key(name) {
            self.refuse(name, "in the bundle twice; the second one was not read");
            return Ok(true);
        }
        let (cap, from_manifest) = match (&self.declared, name) {
            (Some(d), _) if d.contains_key(name) => (d[name], true),
            (_, MANIFEST) => (KEEP_MAX, false),
            (_, SUMS) => (SUMS_MAX, false),
            // Not in the manifest: damage whatever it holds; not read.
            (Some(_), _) => {
                self.entries.insert(
                    name.to_string(),
                    Entry {
                        size: 0,
                        sha256: None,
                    },
                );
                return Ok(true);
            }
            (None, _) => (ENTRY_MAX, false),
        };
        let keep = KEPT.contains(&name);
        let cap = if keep { cap.min(KEEP_MAX) } else { cap };
        let mut hasher = Sha256::new();
        let mut kept = Vec::new();
        let mut size = 0u64;
        let mut buf = vec![0u8; 64 << 10];
        let limit = cap.min(archive.unwrap_or(u64::MAX));
        let mut rd = rd.take(limit.saturating_add(1));
        loop {
            let n = match rd.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(io::Error::new(e.kind(), format!("{name}: {e}"))),
            };
            size += n as u64;
            hasher.update(&buf[..n]);
            if keep {
                kept.extend_from_slice(&buf[..n]);
            }
        }
        if let Some(a) = archive.filter(|&a| size > a) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{name}: damaged compressed data (it expands past the {a} bytes the archive gives for it)"),
            ));
        }
        if size > cap {
            let why = if from_manifest {
                format!(
                    "longer than the {cap} bytes manifest.json gives for it; not read past them"
                )
            } else {
                format!("longer than {cap} bytes, more than casefile writes; not read past them")
            };
            self.refuse(name, &why);
            self.entries
                .insert(name.to_string(), Entry { size, sha256: None });
            return Ok(false);
        }
        let mut hex = String::with_capacity(64);
        for x in hasher.finalize() {
            let _ = write!(hex, "{x:02x}");
        }
        self.entries.insert(
            name.to_string(),
            Entry {
                size,
                sha256: Some(hex),
            },
        );
        if keep {
            if name == MANIFEST && self.declared.is_none() {
                self.declared = serde_json::from_slice::<Value>(&kept).ok().map(|m| {
                    m["files"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|f| {
                            Some((f["path"].as_str()?.to_string(), f["size"].as_u64()?))
                        })
                        .collect()
                });
            }
            self.kept.insert(name.to_string(), kept);
        }
        Ok(true)
    }
}

/// Why an archive entry's name is refused: absolute, or climbing out with `..`.
fn unsafe_name(name: &str) -> Option<&'static str> {
    let b = name.as_bytes();
    if name.is_empty() {
        Some("an entry without a name; refused")
    } else if b[0] == b'/' || b[0] == b'\\' || (b.len() > 1 && b[1] == b':') {
        Some("an absolute path; refused: a bundle holds only paths inside it")
    } else if name.split(['/', '\\']).any(|c| c == "..") {
        Some("a path with `..` that leads out of the bundle; refused")
    } else if name.contains('\0') {
        Some("a NUL byte in its name; refused")
    } else {
        None
    }
}

/// Read a bundle (directory or archive) back, for `verify` and `jira attach`: each regular file
/// streamed through SHA-256, never held whole (but the manifest, `SHA256SUMS` and summaries);
/// none read past the size `manifest.json` declares for it (a .tar.gz stops there, as what
/// follows would have to be decompressed to be skipped). Entries a bundle never has are
/// refused, not read: a name that is absolute or has `..`, a symbolic or hard link, a device.
/// `Err` only when the bundle cannot be read (not there, not an archive, damaged compressed
/// data).
pub fn read(path: &Path) -> io::Result<ReadBundle> {
    let mut b = ReadBundle::default();
    match OutKind::of(path).unwrap_or(OutKind::Dir) {
        OutKind::Dir => read_dir(path, &mut b)?,
        OutKind::TarGz => {
            let f = std::fs::File::open(path)?;
            let mut a = tar::Archive::new(flate2::read::GzDecoder::new(f));
            for e in a.entries()? {
                let mut e = e?;
                let name = String::from_utf8_lossy(&e.path_bytes()).into_owned();
                if let Some(why) = unsafe_name(&name) {
                    b.refuse(&name, why);
                    continue;
                }
                match e.header().entry_type() {
                    tar::EntryType::Regular | tar::EntryType::Continuous => {
                        if !b.take(&name, &mut e, None)? {
                            b.stopped = true;
                            b.refused
                                .push("the rest of the archive was not read".to_string());
                            break;
                        }
                    }
                    tar::EntryType::Directory => {}
                    tar::EntryType::Symlink => b.refuse(
                        &name,
                        "a symbolic link; refused: a bundle holds only regular files",
                    ),
                    tar::EntryType::Link => b.refuse(
                        &name,
                        "a hard link; refused: a bundle holds only regular files",
                    ),
                    t => b.refuse(
                        &name,
                        &format!("not a regular file ({t:?}); refused: a bundle holds only regular files"),
                    ),
                }
            }
        }
        OutKind::Zip => {
            let f = std::fs::File::open(path)?;
            let mut z = zip::ZipArchive::new(f).map_err(io::Error::other)?;
            // The manifest first, wherever it is: it gives the size of every other file.
            let first = z.index_for_name(MANIFEST);
            let order = first
                .into_iter()
                .chain((0..z.len()).filter(|&i| Some(i) != first));
            for i in order {
                let mut e = z.by_index(i).map_err(io::Error::other)?;
                let name = e.name().to_string();
                if let Some(why) = unsafe_name(&name) {
                    b.refuse(&name, why);
                    continue;
                }
                let kind = e.unix_mode().map_or(0o100000, |m| m & 0o170000);
                if e.is_symlink() || kind == 0o120000 {
                    b.refuse(
                        &name,
                        "a symbolic link; refused: a bundle holds only regular files",
                    );
                } else if e.is_dir() {
                } else if kind != 0o100000 && kind != 0 {
                    b.refuse(
                        &name,
                        "not a regular file; refused: a bundle holds only regular files",
                    );
                } else {
                    let size = e.size();
                    b.take(&name, &mut e, Some(size))?;
                }
                if b.stopped {
                    break;
                }
            }
        }
    }
    Ok(b)
}

/// A directory bundle: the manifest first, then every entry, links refused and never followed.
fn read_dir(root: &Path, b: &mut ReadBundle) -> io::Result<()> {
    if !std::fs::metadata(root)?.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a directory, and not named .tar.gz, .tgz or .zip",
        ));
    }
    let manifest = root.join(MANIFEST);
    if std::fs::symlink_metadata(&manifest).is_ok_and(|m| m.file_type().is_file()) {
        b.take(MANIFEST, &mut std::fs::File::open(&manifest)?, None)?;
    }
    for e in walkdir::WalkDir::new(root).min_depth(1).sort_by_file_name() {
        let e = e.map_err(io::Error::other)?;
        let rel = e
            .path()
            .strip_prefix(root)
            .map_err(io::Error::other)?
            .to_string_lossy()
            .replace('\\', "/");
        let t = e.file_type();
        if t.is_dir() {
            continue;
        }
        if t.is_symlink() {
            b.refuse(
                &rel,
                "a symbolic link; refused (not followed): a bundle holds only regular files",
            );
        } else if !t.is_file() {
            b.refuse(
                &rel,
                "not a regular file; refused: a bundle holds only regular files",
            );
        } else if rel != MANIFEST {
            b.take(&rel, &mut std::fs::File::open(e.path())?, None)?;
        }
        if b.stopped {
            break;
        }
    }
    Ok(())
}

/// What `verify` found wrong; empty when the bundle is intact.
pub fn verify(b: &ReadBundle) -> Vec<String> {
    let mut bad = b.refused.clone();
    if b.stopped {
        return bad;
    }
    let Some(sums) = b.get(SUMS) else {
        if !b.entries.contains_key(SUMS) {
            bad.push("SHA256SUMS is missing".into());
        }
        return bad;
    };
    let sums = String::from_utf8_lossy(sums);
    let mut covered = BTreeSet::new();
    for (i, l) in sums.lines().enumerate() {
        let Some((hash, path)) = l.split_once("  ") else {
            bad.push(format!("SHA256SUMS line {}: not `<sha256>  <path>`", i + 1));
            continue;
        };
        covered.insert(path.to_string());
        match b.entries.get(path) {
            None => bad.push(format!("{path}: listed in SHA256SUMS but missing")),
            Some(Entry {
                sha256: Some(h), ..
            }) if h != hash => {
                bad.push(format!("{path}: checksum mismatch (the file was changed)"))
            }
            Some(_) => {}
        }
    }
    for p in b.entries.keys() {
        if p != SUMS && !covered.contains(p) {
            bad.push(format!(
                "{p}: not covered by SHA256SUMS (added after the bundle was made)"
            ));
        }
    }
    match b.get(MANIFEST).map(serde_json::from_slice::<Value>) {
        None if b.entries.contains_key(MANIFEST) => {}
        None => bad.push("manifest.json is missing".into()),
        Some(Err(e)) => bad.push(format!("manifest.json is not JSON: {e}")),
        Some(Ok(m)) => {
            if m["schema_version"] != SCHEMA_VERSION {
                bad.push(format!(
                    "manifest.json: schema_version {} is not {SCHEMA_VERSION}",
                    m["schema_version"]
                ));
            }
            let mut listed = BTreeSet::new();
            for f in m["files"].as_array().into_iter().flatten() {
                let p = f["path"].as_str().unwrap_or("");
                listed.insert(p);
                match b.entries.get(p) {
                    None => bad.push(format!("{p}: listed in manifest.json but missing")),
                    Some(Entry {
                        sha256: Some(h), ..
                    }) if f["sha256"].as_str() != Some(h) => {
                        bad.push(format!("{p}: differs from manifest.json"))
                    }
                    _ => {}
                }
            }
            for p in b.entries.keys() {
                if p != MANIFEST && p != SUMS && covered.contains(p) && !listed.contains(p.as_str())
                {
                    bad.push(format!(
                        "{p}: listed in SHA256SUMS but not in manifest.json (added after the \
                         bundle was made)"
                    ));
                }
            }
        }
    }
    bad
}

/// `report.html` from the bundle's (redacted) events. `summary`: the summary's HTML fragment
/// ([`summary::html`]), written above the timeline.
pub fn render_html(
    events: &[TracedEvent],
    title: &str,
    subtitle: &str,
    notes: &[String],
    summary: &str,
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
        summary,
    })
}

#[cfg(test)]
mod impact_tests {
    use super::*;
    use crate::model::{Event, Timestamp};

    fn e(msg: &str, level: Level) -> Event {
        Event {
            ts: Some(Timestamp(5)),
            source: "a.log".into(),
            line: 1,
            service: None,
            host: None,
            level: Some(level),
            status: None,
            message: msg.into(),
            ids: [("request_id".to_string(), "r-1".to_string())].into(),
            raw: msg.into(),
            dialect: "generic".into(),
        }
    }

    /// A record read again (not redacted) fits the signature its redacted twin made: the same
    /// template, `<*>` for a run of words, a placeholder for any text.
    #[test]
    fn records_fit_templates_of_the_bundle() {
        let redacted = "login failed for <email:65a29da3> from <NUM> tries";
        let t0 = ImpactQuery::key(&e(redacted, Level::Error));
        let q = ImpactQuery::new(
            Timestamp(0),
            Timestamp(10),
            &[
                "payment declined for order <NUM>".to_string(),
                "cart <*> emptied".to_string(),
                t0,
                "<*>".to_string(),
            ],
        );
        let of = |m: &str| q.signature_of(&e(m, Level::Error));
        assert_eq!(of("payment declined for order 42"), Some(0));
        assert_eq!(of("cart of ann emptied"), Some(1));
        assert_eq!(of("cart emptied"), None);
        assert_eq!(of("login failed for ann@example.com from 3 tries"), Some(2));
        // The catch-all template takes nothing but itself.
        assert_eq!(of("something else"), None);
        let mut t = ImpactTally::new(&q);
        t.add(&q, &e("payment declined for order 7", Level::Error));
        t.add(&q, &e("payment declined for order 8", Level::Info));
        let mut late = e("payment declined for order 9", Level::Warn);
        late.ts = Some(Timestamp(10));
        t.add(&q, &late);
        assert_eq!(t.counts, vec![1, 0, 0, 0]);
        assert_eq!(t.request_ids(0), 1);
    }
}
