//! `summary.md`, `summary.jira.txt` and the HTML summary fragment: the bundle read by a person in
//! a minute. The sections are computed once, from the [`Facts`], into a [`Summary`] (lines of
//! text, tables, code blocks and stacks holding the log's text as it is), and [`markdown`],
//! [`jira`] and [`html`] only render that model: the three carry the same sections in the same
//! order ([`SECTIONS`], with "Known issues" only when an event matched one), so a Jira Data Center
//! comment loses nothing `summary.md` has.
//!
//! Before the sections: what failed (the request's first error in the timeline), when (UTC, the
//! request's own events), where (per service, the request's events and errors; context events
//! from `--window` counted apart, on their own line), how many events. Then:
//!
//! | section | content |
//! |---|---|
//! | Errors and stacks | where it started (the request's earliest error, stack or not), then every error-level event of the request whose record has more lines than one (a stack trace, a Python traceback, a Java `Caused by:` chain, kept whole up to 200 lines per stack, then the number of lines cut), ordered by time, each with its service, `source:line` and UTC time; identical stacks (same signature, same lines after the first) once, as "×N, also at ..." |
//! | Known issues | the team's known issues the events match (`--known-issues`) |
//! | Signatures | per signature: events in the request (and in the context), its id, its impact, template, services |
//! | Ids | the ids searched and followed, with key, hop and where each was found |
//! | Customer-facing ids | user, customer, account, order, tenant, organisation, cart, invoice, subscription, merchant ids of the request's events (their `ids` and JSON/logfmt fields), redacted like the rest |
//! | Environment | casefile's version; hosts, Kubernetes pods (namespace/pod, container: JSON keys `kubernetes.pod.name`, `kubernetes.pod_name`, `k8s.pod.name`, `pod`, ..., or a CRI file name `/var/log/pods/<ns>_<pod>_<uid>/<container>/N.log`), services and their versions (`service.version`, `version`, `app.version`, `build`, ...) as the request's records carry them; the input files (path, dialect, size) |
//! | Timeline | the request's events, then context events at warn or above (context marked `(context)`), at most 200 rows in time order; quiet context is only counted |
//! | Reproduce | the HTTP request of the request's first access-log line, as a curl command that runs as pasted |
//! | How this bundle was made | the command, and the bundle's files |
//!
//! **Where it started.** Errors are ordered by time; a time of a whole-second source counts as
//! the end of its second, as such a source (an access log) writes when the response is sent:
//! the 502 logged at `12:00:05` does not start before the app's error at `12:00:05.416`.
//!
//! **Second resolution.** A source is *second resolution* when every timed event it has in the
//! bundle is on a whole second and either it has at least two of them or its dialect is one
//! that writes seconds (`access`, `apache-vhost`, `s3-access`, `werkzeug`, `syslog-3164`). Its
//! times are written `2026-11-28T22:00:12Z (s)` with a legend under the timeline.
//!
//! **Impact** (in the signatures table, from `signatures.json`'s `impact`): for each signature
//! with a warn- or error-level event of the request, how many warn- and error-level records of
//! all the file inputs have that signature over the request's time span widened by the
//! `--window` (else by 5 minutes on each side), and how many distinct request or trace ids they
//! carry; remote sources (Splunk, Elasticsearch) are not counted, and the line says so.
//!
//! **Reproduce.** `curl -X POST "https://${HOST:?set HOST to the service host}/path?q" -H
//! "User-Agent: ..." -H "X-Request-Id: ..."`: double quotes, a host placeholder that stops the
//! command with that message while `HOST` is unset. What comes from the log is made inert for
//! sh and bash: the log's own escapes (`\"`, `\\`, `\xHH`) are decoded, then in the path every
//! character a URL cannot hold (space, `"`, `<`, `>`, `\`, `^`, backtick, `{`, `|`, `}`, controls)
//! and `!` are percent-encoded, in headers `!` is dropped, and in both `\`, `"`, `$` and
//! backtick are backslash-escaped. The scheme is `https` (access logs do not record it).
//!
//! Log text is attacker-controlled, so it never becomes live markup. Each piece goes out in one
//! of a few contexts, escaped for that context:
//!
//! | context | Markdown (`summary.md`) | Jira wiki (`summary.jira.txt`) |
//! |---|---|---|
//! | inline text (services, hosts, locations, keys; table cells) | one line; `` \ ` * _ [ ] < > ! \| ~ & @ `` backslash-escaped (`_` but inside a word), and `:` before `//` and `.` after `www` (no links, images, raw HTML or autolinks) | one line; `{ } [ ] \| ! * _` backslash-escaped, `\` written `&#92;` (no macros, links, images, cells) |
//! | code (a message, an id, a template) | a code span delimited by one more backtick than the longest run inside; `\|` in table cells | `{{monospace}}` of escaped inline text |
//! | blocks (the stack, curl, the command) | a fence one backtick longer than the longest run inside (at least 3) | `{noformat}`/`{code}` with every `{noformat`/`{code` inside written `{ noformat`/`{ code` |
//!
//! In the HTML fragment (a `<section class="summary">`, no script, no style, no link to anything)
//! every piece is escaped with `report::html::esc`, code in `<code>`, blocks in `<pre>`.
//!
//! Known-issue titles come from the team's `--known-issues` file, not from logs: only `*` is
//! escaped there, so their runbook links stay links.
//!
//! Everywhere, control characters (C0 but newline and tab, DEL, C1) and bidi overrides/isolates
//! are shown as `\x1b`, `\u{202e}` (see `report::terminal::visible`); in one-line contexts a
//! newline is shown as `\x0a` (a file name with a newline cannot start a line).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde_json::Value;

use crate::correlate::{FollowedId, TracedEvent};
use crate::model::{Level, Span};
use crate::report::html::esc;
use crate::report::terminal::{needs_showing, sanitize, show_char, visible};
use crate::source::SourceReport;

/// Everything the summaries say, already redacted.
pub struct Facts<'a> {
    pub ids: Vec<String>,
    pub events: &'a [TracedEvent],
    pub followed: &'a [FollowedId],
    /// `signatures.json`'s entries, `impact` included.
    pub signatures: &'a [Value],
    pub command: &'a str,
    /// (kept, total) when `--max-events` cut the timeline.
    pub truncated: Option<(usize, usize)>,
    pub redacted: bool,
    pub window: Option<&'a str>,
    /// The sources read (the Environment table).
    pub inputs: &'a [SourceReport],
    /// The remote sources searched, by name (not counted for impact).
    pub remote: &'a [String],
}

/// The sections of every summary, in order ("Known issues" only when an event matched one).
pub const SECTIONS: &[&str] = &[
    "Errors and stacks",
    "Known issues",
    "Signatures",
    "Ids",
    "Customer-facing ids",
    "Environment",
    "Timeline",
    "Reproduce",
    "How this bundle was made",
];

/// A stack is shown up to this many lines; the summary says how many were cut.
pub const STACK_LINES_MAX: usize = 200;
/// Timeline rows in a summary; the rest are in `timeline.jsonl`.
const TIMELINE_MAX: usize = 200;
/// Input files listed in the Environment table; the rest are in `manifest.json`.
const INPUTS_MAX: usize = 50;

/// A piece of a line.
#[derive(Clone, Debug)]
pub enum Inline {
    /// Text (from the log or ours), escaped for where it goes.
    Text(String),
    /// Code: a message, an id, a template.
    Code(String),
    /// A label of ours, in bold.
    Strong(&'static str),
    /// Written by the team (`--known-issues`): bold, its links kept in Markdown.
    Team(String),
    /// The full stop that ends a lead line in Markdown and HTML (the wiki text never had it).
    Stop,
}

/// One stack of the request.
#[derive(Clone, Debug)]
pub struct Stack {
    pub head: Vec<Inline>,
    pub location: String,
    pub service: String,
    /// The record, cut at [`STACK_LINES_MAX`] lines.
    pub raw: String,
    pub notes: Vec<Vec<Inline>>,
}

#[derive(Clone, Debug)]
pub enum Block {
    Para(Vec<Inline>),
    List(Vec<Vec<Inline>>),
    Table {
        head: Vec<&'static str>,
        /// Right-aligned columns (numbers).
        right: Vec<bool>,
        rows: Vec<Vec<Vec<Inline>>>,
    },
    /// A block of text: `sh` (a command) or `""` (a log record).
    Code {
        lang: &'static str,
        text: String,
    },
    Stack(Stack),
}

#[derive(Clone, Debug)]
pub struct Section {
    pub title: &'static str,
    pub blocks: Vec<Block>,
}

/// The summary, computed once from the [`Facts`] and rendered three ways.
#[derive(Clone, Debug)]
pub struct Summary {
    pub ids: Vec<String>,
    pub unredacted: bool,
    pub cut: Option<(usize, usize)>,
    /// What failed, when, where, how many events: before the first section.
    pub lead: Vec<Block>,
    pub sections: Vec<Section>,
}

use Inline::{Code, Stop, Strong, Text};

fn t(s: impl Into<String>) -> Inline {
    Text(s.into())
}

/// `2026-11-28T22:00:12.000Z .. 2026-11-28T22:00:12.424Z (0.424 s)`
pub fn span_text(events: &[TracedEvent]) -> String {
    span_of(events.iter())
}

fn span_of<'a>(events: impl Iterator<Item = &'a TracedEvent>) -> String {
    match Span::of(events.filter_map(|t| t.event.ts)).bounds() {
        Some((a, b)) => format!(
            "{} .. {} ({:.3} s)",
            a.to_rfc3339(),
            b.to_rfc3339(),
            (b.0 - a.0) as f64 / 1e9
        ),
        None => "no timestamps".into(),
    }
}

fn is_error(t: &TracedEvent) -> bool {
    t.event.level.is_some_and(|l| l >= Level::Error)
}

/// The request's own events (not `--window` context).
fn request(events: &[TracedEvent]) -> impl Iterator<Item = &TracedEvent> {
    events.iter().filter(|t| !t.context)
}

/// Dialects that write whole seconds.
const SECOND_DIALECTS: &[&str] = &[
    "access",
    "apache-vhost",
    "s3-access",
    "werkzeug",
    "syslog-3164",
];

/// The sources of the bundle whose times are whole seconds (see the module doc).
pub fn second_sources(events: &[TracedEvent]) -> BTreeSet<&str> {
    // source -> (timed events, all on whole seconds, a dialect known to write seconds)
    let mut by: BTreeMap<&str, (usize, bool, bool)> = BTreeMap::new();
    for t in events {
        let Some(ts) = t.event.ts else { continue };
        let e = by.entry(&t.event.source).or_insert((0, true, false));
        e.0 += 1;
        e.1 &= ts.0.rem_euclid(1_000_000_000) == 0;
        e.2 |= SECOND_DIALECTS.contains(&&*t.event.dialect);
    }
    by.into_iter()
        .filter(|(_, (n, whole, known))| *whole && (*n >= 2 || *known))
        .map(|(s, _)| s)
        .collect()
}

/// An event's time as the summaries write it: RFC 3339 UTC, a whole-second source's as
/// `2026-11-28T22:00:12Z (s)`.
fn time_of(t: &TracedEvent, secs: &BTreeSet<&str>) -> String {
    match t.event.ts {
        None => "-".into(),
        Some(ts) if secs.contains(&*t.event.source) => {
            let s = ts.to_rfc3339();
            format!("{}Z (s)", s.trim_end_matches('Z').trim_end_matches(".000"))
        }
        Some(ts) => ts.to_rfc3339(),
    }
}

/// The legend of `(s)`.
pub const SECONDS_LEGEND: &str = "(s): this source writes whole seconds (access logs log when the \
     response is sent), so it can appear before the events that caused it.";

/// The known issues the events match, with how many events each.
fn known_issues(events: &[TracedEvent]) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for t in events {
        if let Some(k) = &t.known_issue {
            *m.entry(k.to_string()).or_default() += 1;
        }
    }
    m
}

/// Per service: (events, errors).
fn services<'a>(events: impl Iterator<Item = &'a TracedEvent>) -> BTreeMap<String, (usize, usize)> {
    let mut m: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for t in events {
        let e = m
            .entry(t.event.service.clone().unwrap_or_else(|| "-".into()))
            .or_default();
        e.0 += 1;
        if is_error(t) {
            e.1 += 1;
        }
    }
    m
}

fn services_text(m: &BTreeMap<String, (usize, usize)>) -> String {
    m.iter()
        .map(|(k, (n, e))| {
            let ev = plural(*n, "event", "events");
            if *e > 0 {
                format!("{k} ({ev}, {})", plural(*e, "error", "errors"))
            } else {
                format!("{k} ({ev})")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn hosts<'a>(events: impl Iterator<Item = &'a TracedEvent>) -> Vec<String> {
    let mut h: Vec<String> = events.filter_map(|t| t.event.host.clone()).collect();
    h.sort();
    h.dedup();
    h
}

/// A message on one line (newlines, carriage returns and tabs as spaces), at most `max`
/// characters (then `…`). Not escaped: give it to one of the escapers below.
fn one_line(s: &str, max: usize) -> String {
    let s = s.replace(['\n', '\r', '\t'], " ");
    if s.chars().count() > max {
        let mut t: String = s.chars().take(max).collect();
        t.push('…');
        t
    } else {
        s
    }
}

// ---------------------------------------------------------------------------------------------
// Reproduce

/// The log's own escapes in a quoted access-log field decoded: `\"`, `\\`, `\xHH` (nginx).
fn unescape_log(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.peek().copied() {
            Some('"') | Some('\\') => out.push(it.next().unwrap_or('\\')),
            Some('x') => {
                let mut probe = it.clone();
                probe.next();
                let hex: String = probe.by_ref().take(2).collect();
                match u8::from_str_radix(&hex, 16) {
                    Ok(b) if hex.len() == 2 && b.is_ascii() => {
                        out.push(b as char);
                        it = probe;
                    }
                    _ => out.push('\\'),
                }
            }
            _ => out.push('\\'),
        }
    }
    out
}

/// Text inert inside sh/bash double quotes: `\`, `"`, `$` and backtick backslash-escaped.
fn dq(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        if matches!(c, '\\' | '"' | '$' | '`') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A request path as a URL can hold it: what a URL cannot hold, and `!`, percent-encoded.
fn url_path(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_control()
            || needs_showing(c)
            || matches!(
                c,
                ' ' | '"' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}' | '!'
            )
        {
            let mut b = [0u8; 4];
            for x in c.encode_utf8(&mut b).bytes() {
                let _ = write!(out, "%{x:02X}");
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A header value: one line, controls shown, `!` dropped, inert in double quotes.
fn header_value(s: &str) -> String {
    dq(&sanitize(s).replace('!', ""))
}

/// The HTTP request of the request's first access-log event, as a curl command that runs as
/// pasted (see the module doc), and a comment line saying where it came from.
pub fn curl(events: &[TracedEvent]) -> Option<String> {
    let re = regex::Regex::new(
        r#""(?P<m>GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (?P<p>(?:[^"\\]|\\.)+?) HTTP/[\d.]+"(?:.*?"(?P<ref>(?:[^"\\]|\\.)*)" "(?P<ua>(?:[^"\\]|\\.)*)")?"#,
    )
    .ok()?;
    for t in request(events) {
        let first = t.event.raw.split('\n').next().unwrap_or("");
        let Some(c) = re.captures(first) else {
            continue;
        };
        let mut s = format!(
            "curl -X {} \"https://${{HOST:?set HOST to the service host}}{}\"",
            &c["m"],
            dq(&url_path(&unescape_log(&c["p"])))
        );
        if let Some(ua) = c
            .name("ua")
            .map(|m| unescape_log(m.as_str()))
            .filter(|u| !u.is_empty() && u != "-")
        {
            let _ = write!(s, " -H \"User-Agent: {}\"", header_value(&ua));
        }
        for (k, v) in &t.event.ids {
            let n = crate::parse::fields::normalize_key(k);
            if matches!(n.as_str(), "reqid" | "requestid" | "xrequestid") {
                let _ = write!(s, " -H \"X-Request-Id: {}\"", header_value(v));
                break;
            }
        }
        let _ = write!(
            s,
            "\n# from {} ({}); request bodies and auth headers are not in access logs: add them from the client",
            sanitize(&t.event.location()),
            sanitize(&one_line(&t.event.message, 200))
        );
        return Some(s);
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Fields of a record (Environment, customer-facing ids)

/// The fields of a record's first line: its JSON object (after any prefix, as a CRI line's),
/// flattened to dotted keys, else its `key=value` pairs. Values as text.
fn record_fields(raw: &str) -> Vec<(String, String)> {
    let first = raw.split('\n').next().unwrap_or("");
    let mut out = Vec::new();
    if let Some(i) = first.find('{') {
        if let Ok(Value::Object(o)) = serde_json::from_str::<Value>(&first[i..]) {
            flatten("", &Value::Object(o), &mut out, 0);
            return out;
        }
    }
    for (k, v) in crate::parse::fields::text_pairs(first) {
        out.push((k.to_string(), v.to_string()));
    }
    out
}

fn flatten(prefix: &str, v: &Value, out: &mut Vec<(String, String)>, depth: usize) {
    match v {
        Value::Object(o) if depth < 8 => {
            for (k, x) in o {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, x, out, depth + 1);
            }
        }
        Value::String(s) => out.push((prefix.to_string(), s.clone())),
        Value::Number(n) => out.push((prefix.to_string(), n.to_string())),
        _ => {}
    }
}

const POD_KEYS: &[&str] = &[
    "kubernetespodname",
    "k8spodname",
    "kubernetespod",
    "podname",
    "pod",
];
const NAMESPACE_KEYS: &[&str] = &[
    "kubernetesnamespacename",
    "kubernetesnamespace",
    "k8snamespacename",
    "k8snamespace",
    "podnamespace",
    "namespace",
];
const CONTAINER_KEYS: &[&str] = &[
    "kubernetescontainername",
    "k8scontainername",
    "kubernetescontainer",
    "containername",
    "container",
];
const VERSION_KEYS: &[&str] = &[
    "serviceversion",
    "appversion",
    "applicationversion",
    "version",
    "buildversion",
    "build",
];

/// `(namespace, pod, container)` from a CRI or Docker-on-Kubernetes file name:
/// `/var/log/pods/<ns>_<pod>_<uid>/<container>/0.log`, `/var/log/containers/<pod>_<ns>_<container>-<id>.log`.
fn pod_from_path(source: &str) -> Option<(String, String, String)> {
    let parts: Vec<&str> = source.split(['/', '\\']).collect();
    for (i, p) in parts.iter().enumerate() {
        let f: Vec<&str> = p.split('_').collect();
        if f.len() == 3
            && f[2].len() >= 8
            && f[2].bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
            && parts.len() == i + 3
            && parts[i + 2].contains(".log")
        {
            return Some((f[0].into(), f[1].into(), parts[i + 1].into()));
        }
    }
    let (dir, file) = source.rsplit_once('/')?;
    if dir.ends_with("containers") {
        let stem = file.strip_suffix(".log")?;
        let f: Vec<&str> = stem.split('_').collect();
        if f.len() == 3 {
            let container = f[2].rsplit_once('-').map_or(f[2], |(c, _)| c);
            return Some((f[1].into(), f[0].into(), container.into()));
        }
    }
    None
}

fn first_of(fields: &[(String, String)], keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| {
        fields
            .iter()
            .find(|(n, v)| crate::parse::fields::normalize_key(n) == *k && !v.is_empty())
            .map(|(_, v)| v.clone())
    })
}

/// Is this key customer-facing (user, customer, account, order, tenant, ...)?
pub fn customer_key(key: &str) -> bool {
    let n = crate::parse::fields::normalize_key(key);
    const WHO: &[&str] = &[
        "user",
        "customer",
        "account",
        "order",
        "tenant",
        "organization",
        "organisation",
        "org",
        "cart",
        "invoice",
        "subscription",
        "merchant",
        "member",
    ];
    const WHAT: &[&str] = &["", "id", "uuid", "email", "name", "number", "no", "ref"];
    n == "uid"
        || WHO
            .iter()
            .any(|w| n.strip_prefix(w).is_some_and(|rest| WHAT.contains(&rest)))
}

// ---------------------------------------------------------------------------------------------
// The model

/// Compute the summary's sections once.
pub fn summary(f: &Facts) -> Summary {
    let secs = second_sources(f.events);
    let mut lead = Vec::new();
    let first_error = request(f.events).find(|t| is_error(t));
    lead.push(Block::Para(match first_error {
        Some(e) => vec![
            Strong("What failed:"),
            t(format!(
                " {} reported ",
                e.event.service.as_deref().unwrap_or("-")
            )),
            Code(one_line(&e.event.message, 200)),
            t(format!(
                " at {} ({})",
                time_of(e, &secs),
                e.event.location()
            )),
            Stop,
        ],
        None => vec![
            Strong("What failed:"),
            t(" no error-level event among the request's events"),
            Stop,
        ],
    }));
    let context: Vec<&TracedEvent> = f.events.iter().filter(|t| t.context).collect();
    let mut when = vec![
        Strong("When (UTC):"),
        t(format!(" {}", span_of(request(f.events)))),
    ];
    if !context.is_empty() {
        when.push(t(format!(
            "; context events: {}",
            span_of(context.iter().copied())
        )));
    }
    lead.push(Block::Para(when));
    let h = hosts(request(f.events));
    lead.push(Block::Para(vec![
        Strong("Where:"),
        t(format!(
            " {}{}",
            services_text(&services(request(f.events))),
            if h.is_empty() {
                String::new()
            } else {
                format!("; hosts: {}", h.join(", "))
            }
        )),
    ]));
    let matched = request(f.events).count();
    if !context.is_empty() {
        lead.push(Block::Para(vec![
            Strong("Context (not the request):"),
            t(format!(
                " {}",
                services_text(&services(context.iter().copied()))
            )),
        ]));
    }
    lead.push(Block::Para(vec![
        Strong("Events:"),
        t(format!(
            " {matched} of the request{}",
            if context.is_empty() {
                String::new()
            } else {
                format!(
                    " + {} context events within {}",
                    context.len(),
                    f.window.unwrap_or("the window")
                )
            }
        )),
        Stop,
    ]));

    let mut sections = vec![Section {
        title: "Errors and stacks",
        blocks: stacks(f.events, &secs),
    }];
    let known = known_issues(f.events);
    if !known.is_empty() {
        sections.push(Section {
            title: "Known issues",
            blocks: vec![Block::List(
                known
                    .iter()
                    .map(|(k, n)| vec![Inline::Team(k.clone()), t(format!(" ({n} event(s))"))])
                    .collect(),
            )],
        });
    }
    sections.push(Section {
        title: "Signatures",
        blocks: signature_blocks(f),
    });
    let mut ids = Vec::new();
    for id in f.followed {
        ids.push(vec![
            vec![Code(id.id.clone())],
            vec![t(id.key.as_deref().unwrap_or("(given)"))],
            vec![t(id.hop.to_string())],
            vec![t(id.found_in.as_deref().unwrap_or("-"))],
        ]);
    }
    sections.push(Section {
        title: "Ids",
        blocks: vec![Block::Table {
            head: vec!["id", "key", "hop", "first seen in"],
            right: vec![false, false, true, false],
            rows: ids,
        }],
    });
    sections.push(Section {
        title: "Customer-facing ids",
        blocks: customer_ids(f.events),
    });
    sections.push(Section {
        title: "Environment",
        blocks: environment(f),
    });
    sections.push(Section {
        title: "Timeline",
        blocks: timeline(f.events, &secs),
    });
    sections.push(Section {
        title: "Reproduce",
        blocks: match curl(f.events) {
            Some(c) => vec![
                Block::Code {
                    lang: "sh",
                    text: c,
                },
                Block::Para(vec![t(
                    "Set HOST first (HOST=shop.example.com); while it is unset the command stops with \"set HOST to the service host\".",
                )]),
            ],
            None => vec![Block::Para(vec![t(
                "No access-log line among the request's events: no request to rebuild.",
            )])],
        },
    });
    sections.push(Section {
        title: "How this bundle was made",
        blocks: vec![
            Block::Code {
                lang: "sh",
                text: f.command.to_string(),
            },
            Block::Para(vec![
                t("Files: "),
                Code("timeline.jsonl".into()),
                t(" (events), "),
                Code("signatures.json".into()),
                t(", "),
                Code("excerpts/".into()),
                t(" (lines as they were, with context), "),
                Code("report.html".into()),
                t(" (timeline), "),
                Code("manifest.json".into()),
                t(" (inputs, ids, redaction counts), "),
                Code("SHA256SUMS".into()),
                t(" ("),
                Code("sha256sum -c SHA256SUMS".into()),
                t(", or "),
                Code("casefile verify".into()),
                t(")"),
                Stop,
            ]),
        ],
    });
    Summary {
        ids: f.ids.clone(),
        unredacted: !f.redacted,
        cut: f.truncated,
        lead,
        sections,
    }
}

/// Sort key of an error for "where it started": its time, a whole-second source's at the end
/// of its second; untimed after every timed one, by position.
fn started_key(t: &TracedEvent, secs: &BTreeSet<&str>) -> Option<i64> {
    let ts = t.event.ts?.0;
    Some(if secs.contains(&*t.event.source) {
        ts.saturating_add(999_999_999)
    } else {
        ts
    })
}

fn stacks(events: &[TracedEvent], secs: &BTreeSet<&str>) -> Vec<Block> {
    let errors: Vec<&TracedEvent> = request(events).filter(|t| is_error(t)).collect();
    let mut started: Option<&TracedEvent> = None;
    for e in &errors {
        let better = match (started, started_key(e, secs)) {
            (None, _) => true,
            (Some(s), Some(k)) => started_key(s, secs).is_none_or(|sk| k < sk),
            (Some(_), None) => false,
        };
        if better {
            started = Some(e);
        }
    }
    let Some(started) = started else {
        return vec![Block::Para(vec![t(
            "No error-level event among the request's events.",
        )])];
    };
    let multi = |e: &TracedEvent| e.event.raw.contains('\n');
    let mut out = vec![Block::Para(vec![
        Strong("Where it started:"),
        t(format!(
            " {} at {} ({}): ",
            started.event.service.as_deref().unwrap_or("-"),
            time_of(started, secs),
            started.event.location()
        )),
        Code(one_line(&started.event.message, 200)),
        t(if multi(started) {
            " (its stack is below)"
        } else {
            " (no stack trace in the record)"
        }),
        Stop,
    ])];
    // Identical stacks once: (signature, lines after the first) -> the events.
    let mut groups: Vec<(&TracedEvent, Vec<&TracedEvent>)> = Vec::new();
    let tail = |e: &TracedEvent| e.event.raw.split_once('\n').map(|x| x.1.to_string());
    for e in errors.iter().copied().filter(|e| multi(e)) {
        match groups
            .iter_mut()
            .find(|(g, _)| g.signature == e.signature && tail(g) == tail(e))
        {
            Some((_, also)) => also.push(e),
            None => groups.push((e, Vec::new())),
        }
    }
    if groups.is_empty() {
        out.push(Block::Para(vec![t(
            "No error of the request carries a stack trace.",
        )]));
    }
    let n = groups.len();
    for (i, (e, also)) in groups.iter().enumerate() {
        let mut head = vec![
            Strong("Stack"),
            t(format!(
                " {} of {n}: {}, {}",
                i + 1,
                e.event.service.as_deref().unwrap_or("-"),
                time_of(e, secs)
            )),
        ];
        if std::ptr::eq(*e, started) || also.iter().any(|a| std::ptr::eq(*a, started)) {
            head.push(t(", where it started"));
        }
        if !also.is_empty() {
            let mut locs: Vec<String> = also.iter().take(5).map(|a| a.event.location()).collect();
            if also.len() > 5 {
                locs.push(format!("and {} more", also.len() - 5));
            }
            head.push(t(format!(
                ", ×{}, also at {}",
                also.len() + 1,
                locs.join(", ")
            )));
        }
        let lines: Vec<&str> = e.event.raw.split('\n').collect();
        let mut notes = Vec::new();
        let raw = if lines.len() > STACK_LINES_MAX {
            notes.push(vec![t(format!(
                "… {} more lines cut (the record has {} lines; it is whole in timeline.jsonl)",
                lines.len() - STACK_LINES_MAX,
                lines.len()
            ))]);
            lines[..STACK_LINES_MAX].join("\n")
        } else {
            e.event.raw.clone()
        };
        out.push(Block::Stack(Stack {
            head,
            location: e.event.location(),
            service: e.event.service.clone().unwrap_or_else(|| "-".into()),
            raw,
            notes,
        }));
    }
    out
}

fn times(n: u64) -> String {
    format!("{n} time{}", if n == 1 { "" } else { "s" })
}

/// The impact cell of a signature (see `bundle::ImpactTally`).
fn impact_text(sig: &Value, in_request: usize) -> String {
    let imp = &sig["impact"];
    if in_request == 0 {
        return "context only: not counted".into();
    }
    if !imp.is_object() {
        return format!(
            "seen {} in this request; not counted (no warn or error event of the request)",
            times(in_request as u64)
        );
    }
    let ids = match imp["request_ids"].as_u64() {
        Some(n) if n >= crate::bundle::IMPACT_IDS_MAX => {
            format!(", {n}+ distinct request ids")
        }
        Some(0) | None => String::new(),
        Some(n) => format!(
            ", {}",
            plural(n as usize, "distinct request id", "distinct request ids")
        ),
    };
    format!(
        "seen {} in this request, {} in all inputs between {} and {}{ids}",
        times(in_request as u64),
        times(imp["count"].as_u64().unwrap_or(0)),
        imp["since"].as_str().unwrap_or("-"),
        imp["until"].as_str().unwrap_or("-"),
    )
}

fn signature_blocks(f: &Facts) -> Vec<Block> {
    let mut counts: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for e in f.events {
        if let Some(s) = &e.signature {
            let c = counts.entry(s).or_default();
            if e.context {
                c.1 += 1;
            } else {
                c.0 += 1;
            }
        }
    }
    let mut rows = Vec::new();
    for sig in f.signatures {
        let id = sig["id"].as_str().unwrap_or("");
        let (r, c) = counts.get(id).copied().unwrap_or_default();
        rows.push(vec![
            vec![t(if c > 0 {
                format!("{r} (+{c} context)")
            } else {
                r.to_string()
            })],
            vec![Code(id.to_string())],
            vec![t(impact_text(sig, r))],
            vec![Code(one_line(sig["template"].as_str().unwrap_or(""), 160))],
            vec![t(sig["services"]
                .as_object()
                .map(|o| o.keys().cloned().collect::<Vec<_>>().join(", "))
                .unwrap_or_default())],
        ]);
    }
    let range = f.signatures.iter().find_map(|s| {
        let i = &s["impact"];
        i.is_object().then(|| i.clone())
    });
    let mut how =
        vec![
        Strong("Impact:"),
        t(" how often each signature of the request's warn and error events occurred in all the \
           inputs, counted over the request's time span widened by "),
        t(match f.window {
            Some(w) => format!("the --window ({w})"),
            None => "5 minutes on each side".into(),
        }),
    ];
    if let Some(i) = range {
        how.push(t(format!(
            ": {} .. {}",
            i["since"].as_str().unwrap_or("-"),
            i["until"].as_str().unwrap_or("-")
        )));
    }
    if !f.remote.is_empty() {
        how.push(t(format!(
            "; not counted: remote source {}",
            f.remote.join(", ")
        )));
    }
    how.push(Stop);
    vec![
        Block::Table {
            head: vec!["count", "signature", "impact", "template", "services"],
            right: vec![true, false, false, false, false],
            rows,
        },
        Block::Para(how),
    ]
}

fn customer_ids(events: &[TracedEvent]) -> Vec<Block> {
    // (normalised key, value) -> (key as written, events, first location)
    let mut seen: BTreeMap<(String, String), (String, usize, String)> = BTreeMap::new();
    let mut order: Vec<(String, String)> = Vec::new();
    for e in request(events) {
        let mut here: BTreeSet<(String, String)> = BTreeSet::new();
        let fields = record_fields(&e.event.raw);
        let pairs = e
            .event
            .ids
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .chain(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        for (k, v) in pairs {
            if v.is_empty() || !customer_key(k) {
                continue;
            }
            let key = (crate::parse::fields::normalize_key(k), v.to_string());
            if !here.insert(key.clone()) {
                continue;
            }
            match seen.get_mut(&key) {
                Some(s) => s.1 += 1,
                None => {
                    seen.insert(key.clone(), (k.to_string(), 1, e.event.location()));
                    order.push(key);
                }
            }
        }
    }
    if order.is_empty() {
        return vec![Block::Para(vec![t(
            "None of the request's events names a user, customer, account, order or tenant.",
        )])];
    }
    let rows = order
        .iter()
        .map(|k| {
            let (key, n, loc) = &seen[k];
            vec![
                vec![t(key.clone())],
                vec![Code(k.1.clone())],
                vec![t(n.to_string())],
                vec![t(loc.clone())],
            ]
        })
        .collect();
    vec![Block::Table {
        head: vec!["key", "value", "events", "first seen in"],
        right: vec![false, false, true, false],
        rows,
    }]
}

fn environment(f: &Facts) -> Vec<Block> {
    let mut rows: Vec<Vec<Vec<Inline>>> = vec![vec![
        vec![t("casefile")],
        vec![t(env!("CARGO_PKG_VERSION"))],
        vec![t("made this bundle")],
    ]];
    // host -> services
    let mut hosts: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    // (namespace, pod, container) -> first location
    let mut pods: BTreeMap<(String, String, String), String> = BTreeMap::new();
    // service -> versions
    let mut versions: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for e in request(f.events) {
        let svc = e.event.service.clone().unwrap_or_else(|| "-".into());
        if let Some(h) = &e.event.host {
            hosts.entry(h.clone()).or_default().insert(svc.clone());
        }
        let fields = record_fields(&e.event.raw);
        let pod = first_of(&fields, POD_KEYS)
            .map(|p| {
                (
                    first_of(&fields, NAMESPACE_KEYS).unwrap_or_default(),
                    p,
                    first_of(&fields, CONTAINER_KEYS).unwrap_or_default(),
                )
            })
            .or_else(|| pod_from_path(&e.event.source));
        if let Some(p) = pod {
            pods.entry(p).or_insert_with(|| e.event.location());
        }
        let v = versions.entry(svc).or_default();
        if let Some(x) = first_of(&fields, VERSION_KEYS) {
            v.insert(x);
        }
    }
    for (h, svcs) in &hosts {
        rows.push(vec![
            vec![t("host")],
            vec![t(h.clone())],
            vec![t(format!(
                "services: {}",
                svcs.iter().cloned().collect::<Vec<_>>().join(", ")
            ))],
        ]);
    }
    for ((ns, pod, container), loc) in &pods {
        let name = if ns.is_empty() {
            pod.clone()
        } else {
            format!("{ns}/{pod}")
        };
        let mut d = String::new();
        if !container.is_empty() {
            let _ = write!(d, "container {container}; ");
        }
        let _ = write!(d, "first in {loc}");
        rows.push(vec![vec![t("pod")], vec![t(name)], vec![t(d)]]);
    }
    for (svc, vs) in &versions {
        rows.push(vec![
            vec![t("service")],
            vec![t(svc.clone())],
            vec![t(if vs.is_empty() {
                "version: not in its records".to_string()
            } else {
                format!(
                    "version: {}",
                    vs.iter().cloned().collect::<Vec<_>>().join(", ")
                )
            })],
        ]);
    }
    for r in f.inputs.iter().take(INPUTS_MAX) {
        rows.push(vec![
            vec![t("input")],
            vec![t(r.source.clone())],
            vec![t(format!(
                "{}, {} bytes{}",
                r.dialect.as_deref().unwrap_or("unknown dialect"),
                r.bytes,
                r.compression.map(|c| format!(" ({c})")).unwrap_or_default()
            ))],
        ]);
    }
    for name in f.remote {
        rows.push(vec![
            vec![t("input")],
            vec![t(name.clone())],
            vec![t("remote source")],
        ]);
    }
    let mut out = vec![Block::Table {
        head: vec!["what", "name", "details"],
        right: vec![false, false, false],
        rows,
    }];
    if f.inputs.len() > INPUTS_MAX {
        out.push(Block::Para(vec![t(format!(
            "… {} more inputs in manifest.json.",
            f.inputs.len() - INPUTS_MAX
        ))]));
    }
    out
}

fn timeline(events: &[TracedEvent], secs: &BTreeSet<&str>) -> Vec<Block> {
    // The request first: all its events, then context at warn or above, within the cap; quiet
    // context (info and below) is only counted here (it is in report.html and timeline.jsonl).
    let loud = |e: &TracedEvent| e.event.level.is_some_and(|l| l >= Level::Warn);
    let mut keep: Vec<usize> = (0..events.len()).filter(|&i| !events[i].context).collect();
    keep.extend((0..events.len()).filter(|&i| events[i].context && loud(&events[i])));
    let wanted = keep.len();
    keep.truncate(TIMELINE_MAX);
    keep.sort_unstable();
    let quiet = events.iter().filter(|e| e.context && !loud(e)).count();
    let mut rows = Vec::new();
    let mut marked = false;
    for e in keep.iter().map(|&i| &events[i]) {
        marked |= e.event.ts.is_some() && secs.contains(&*e.event.source);
        rows.push(vec![
            vec![t(time_of(e, secs))],
            vec![t(e.event.service.as_deref().unwrap_or("-"))],
            vec![t(e.event.level.map_or("-", Level::as_str))],
            vec![t(format!(
                "{}{}",
                if e.context { "(context) " } else { "" },
                one_line(&e.event.message, 160)
            ))],
        ]);
    }
    let mut out = vec![Block::Table {
        head: vec!["time (UTC)", "service", "level", "message"],
        right: vec![false, false, false, false],
        rows,
    }];
    if marked {
        out.push(Block::Para(vec![t(SECONDS_LEGEND)]));
    }
    if wanted > TIMELINE_MAX {
        out.push(Block::Para(vec![
            t(format!("… {} more in ", wanted - TIMELINE_MAX)),
            Code("timeline.jsonl".into()),
            Stop,
        ]));
    }
    if quiet > 0 {
        out.push(Block::Para(vec![
            t(format!(
                "{quiet} context event(s) at info level or below are not listed here: see \
                 report.html or "
            )),
            Code("timeline.jsonl".into()),
            Stop,
        ]));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Renderings

fn md_inline(out: &mut String, parts: &[Inline], in_table: bool) {
    for p in parts {
        match p {
            Text(s) => out.push_str(&md_text(s)),
            Code(s) => out.push_str(&md_code(s, in_table)),
            Strong(s) => {
                let _ = write!(out, "**{s}**");
            }
            // Written by the team (`--known-issues`), not log text: its links stay links.
            Inline::Team(s) => {
                let _ = write!(out, "**{}**", sanitize(s).replace('*', "\\*"));
            }
            Stop => out.push('.'),
        }
    }
}

fn md_block(out: &mut String, b: &Block) {
    match b {
        Block::Para(p) => {
            md_inline(out, p, false);
            out.push_str("\n\n");
        }
        Block::List(items) => {
            for i in items {
                out.push_str("- ");
                md_inline(out, i, false);
                out.push('\n');
            }
            out.push('\n');
        }
        Block::Table { head, right, rows } => {
            let _ = writeln!(out, "| {} |", head.join(" | "));
            let align: Vec<&str> = right
                .iter()
                .map(|r| if *r { "---:" } else { "---" })
                .collect();
            let _ = writeln!(out, "|{}|", align.join("|"));
            for r in rows {
                out.push('|');
                for c in r {
                    out.push(' ');
                    md_inline(out, c, true);
                    out.push_str(" |");
                }
                out.push('\n');
            }
            out.push('\n');
        }
        Block::Code { lang, text } => {
            out.push_str(&md_fence(lang, text));
            out.push('\n');
        }
        Block::Stack(s) => {
            md_inline(out, &s.head, false);
            let _ = write!(
                out,
                "\n\n{} ({})\n\n{}\n",
                md_code(&s.location, false),
                md_text(&s.service),
                md_fence("", &s.raw)
            );
            for n in &s.notes {
                md_inline(out, n, false);
                out.push_str("\n\n");
            }
        }
    }
}

fn jira_inline(out: &mut String, parts: &[Inline]) {
    for p in parts {
        match p {
            Text(s) if s.is_empty() => {}
            Text(s) => out.push_str(&jira_text(s)),
            Code(s) => {
                let _ = write!(out, "{{{{{}}}}}", jira_text(s));
            }
            Strong(s) => {
                let _ = write!(out, "*{s}*");
            }
            Inline::Team(s) => {
                let _ = write!(out, "*{}*", jira_text(s));
            }
            Stop => {}
        }
    }
}

fn jira_block_of(out: &mut String, b: &Block) {
    match b {
        Block::Para(p) => {
            jira_inline(out, p);
            out.push_str("\n\n");
        }
        Block::List(items) => {
            for i in items {
                out.push_str("* ");
                jira_inline(out, i);
                out.push('\n');
            }
            out.push('\n');
        }
        Block::Table { head, rows, .. } => {
            let _ = writeln!(out, "||{}||", head.join("||"));
            for r in rows {
                out.push('|');
                for c in r {
                    let mut cell = String::new();
                    jira_inline(&mut cell, c);
                    out.push_str(if cell.is_empty() { "-" } else { &cell });
                    out.push('|');
                }
                out.push('\n');
            }
            out.push('\n');
        }
        Block::Code { lang, text } => {
            if *lang == "sh" {
                let _ = write!(out, "{{code:bash}}\n{}\n{{code}}\n\n", jira_block(text));
            } else {
                let _ = write!(out, "{{noformat}}\n{}\n{{noformat}}\n\n", jira_block(text));
            }
        }
        Block::Stack(s) => {
            jira_inline(out, &s.head);
            let _ = write!(
                out,
                "\n{}\n{{noformat}}\n{}\n{{noformat}}\n\n",
                jira_text(&s.location),
                jira_block(&s.raw)
            );
            for n in &s.notes {
                jira_inline(out, n);
                out.push_str("\n\n");
            }
        }
    }
}

fn html_inline(out: &mut String, parts: &[Inline]) {
    for p in parts {
        match p {
            Text(s) => out.push_str(&esc(&sanitize(s))),
            Code(s) => {
                let _ = write!(out, "<code>{}</code>", esc(&sanitize(s)));
            }
            Strong(s) => {
                let _ = write!(out, "<strong>{}</strong>", esc(s));
            }
            Inline::Team(s) => {
                let _ = write!(out, "<strong>{}</strong>", esc(&sanitize(s)));
            }
            Stop => out.push('.'),
        }
    }
}

fn html_block(out: &mut String, b: &Block) {
    match b {
        Block::Para(p) => {
            out.push_str("<p>");
            html_inline(out, p);
            out.push_str("</p>\n");
        }
        Block::List(items) => {
            out.push_str("<ul>\n");
            for i in items {
                out.push_str("<li>");
                html_inline(out, i);
                out.push_str("</li>\n");
            }
            out.push_str("</ul>\n");
        }
        Block::Table { head, right, rows } => {
            out.push_str("<table>\n<thead><tr>");
            for h in head {
                let _ = write!(out, "<th>{}</th>", esc(h));
            }
            out.push_str("</tr></thead>\n<tbody>\n");
            for r in rows {
                out.push_str("<tr>");
                for (i, c) in r.iter().enumerate() {
                    out.push_str(if right.get(i).copied().unwrap_or(false) {
                        "<td class=\"num\">"
                    } else {
                        "<td>"
                    });
                    html_inline(out, c);
                    out.push_str("</td>");
                }
                out.push_str("</tr>\n");
            }
            out.push_str("</tbody>\n</table>\n");
        }
        Block::Code { lang, text } => {
            let class = if *lang == "sh" { " class=\"sh\"" } else { "" };
            let _ = writeln!(
                out,
                "<pre{class}><code>{}</code></pre>",
                esc(&visible(text))
            );
        }
        Block::Stack(s) => {
            out.push_str("<div class=\"stack\">\n<p>");
            html_inline(out, &s.head);
            let _ = writeln!(
                out,
                "</p>\n<p><code>{}</code> ({})</p>\n<pre><code>{}</code></pre>",
                esc(&sanitize(&s.location)),
                esc(&sanitize(&s.service)),
                esc(&visible(&s.raw))
            );
            for n in &s.notes {
                out.push_str("<p>");
                html_inline(out, n);
                out.push_str("</p>\n");
            }
            out.push_str("</div>\n");
        }
    }
}

impl Summary {
    pub fn markdown(&self) -> String {
        let mut s = String::new();
        let ids: Vec<String> = self.ids.iter().map(|i| md_text(i)).collect();
        let _ = writeln!(s, "# Evidence: request {}\n", ids.join(", "));
        if self.unredacted {
            s.push_str("> **UNREDACTED**: this bundle was made with `--no-redact` and may hold secrets and personal data.\n\n");
        }
        if let Some((k, n)) = self.cut {
            let _ = writeln!(
                s,
                "> **Cut**: only the first {k} of {n} events are in this bundle (`--max-events`); rerun the command below without it for all.\n"
            );
        }
        for b in &self.lead {
            md_block(&mut s, b);
        }
        for sec in &self.sections {
            let _ = write!(s, "## {}\n\n", sec.title);
            for b in &sec.blocks {
                md_block(&mut s, b);
            }
        }
        let trimmed = s.trim_end().len();
        s.truncate(trimmed);
        s.push('\n');
        s
    }

    pub fn jira(&self) -> String {
        let mut s = String::new();
        let ids: Vec<String> = self.ids.iter().map(|i| jira_text(i)).collect();
        let _ = writeln!(s, "h1. Evidence: request {}\n", ids.join(", "));
        if self.unredacted {
            s.push_str("{warning}UNREDACTED: made with --no-redact; may hold secrets and personal data.{warning}\n\n");
        }
        if let Some((k, n)) = self.cut {
            let _ = writeln!(
                s,
                "{{note}}Only the first {k} of {n} events are in this bundle (--max-events).{{note}}\n"
            );
        }
        for b in &self.lead {
            jira_block_of(&mut s, b);
        }
        for sec in &self.sections {
            let _ = write!(s, "h2. {}\n\n", sec.title);
            for b in &sec.blocks {
                jira_block_of(&mut s, b);
            }
        }
        let trimmed = s.trim_end().len();
        s.truncate(trimmed);
        s.push('\n');
        s
    }

    pub fn html(&self) -> String {
        let mut s = String::from("<section class=\"summary\">\n");
        if self.unredacted {
            s.push_str("<p class=\"warn\"><strong>UNREDACTED</strong>: this bundle was made with --no-redact and may hold secrets and personal data.</p>\n");
        }
        if let Some((k, n)) = self.cut {
            let _ = writeln!(
                s,
                "<p class=\"warn\"><strong>Cut</strong>: only the first {k} of {n} events are in this bundle (--max-events).</p>"
            );
        }
        for b in &self.lead {
            html_block(&mut s, b);
        }
        for sec in &self.sections {
            let _ = writeln!(s, "<h2>{}</h2>", esc(sec.title));
            for b in &sec.blocks {
                html_block(&mut s, b);
            }
        }
        s.push_str("</section>\n");
        s
    }
}

/// `summary.md`.
pub fn markdown(f: &Facts) -> String {
    summary(f).markdown()
}

/// `summary.jira.txt`: the same sections in Jira wiki markup.
pub fn jira(f: &Facts) -> String {
    summary(f).jira()
}

/// The same sections as an HTML fragment (`<section class="summary">`), for `report.html`.
pub fn html(f: &Facts) -> String {
    summary(f).html()
}

// ---------------------------------------------------------------------------------------------
// Escapers

/// Inline Markdown text: one line, controls shown, and every character that could start markup
/// backslash-escaped (links, images, raw HTML, autolinks `<..>`, emphasis, table pipes), plus
/// what GFM turns into links by itself: `://` (`http\://`), `www.` (`www\.`) and `@`.
pub fn md_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut prev3 = ['\0'; 3];
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        let after = &rest[c.len_utf8()..];
        match c {
            '\t' => out.push(' '),
            // `\x0a`, `\u{202e}`: a backslash before a letter is text in Markdown.
            c if c == '\n' || needs_showing(c) => show_char(&mut out, c),
            // `_` inside a word (`order_id`) cannot open emphasis: left as it is.
            '_' if prev3[2].is_alphanumeric()
                && after.chars().next().is_some_and(char::is_alphanumeric) =>
            {
                out.push(c)
            }
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '!' | '|' | '~' | '&' | '@' => {
                out.push('\\');
                out.push(c);
            }
            ':' if after.starts_with("//") => out.push_str("\\:"),
            '.' if prev3.iter().all(|p| p.eq_ignore_ascii_case(&'w')) => out.push_str("\\."),
            c => out.push(c),
        }
        prev3 = [prev3[1], prev3[2], c];
        rest = after;
    }
    out
}

/// The longest run of `c` in `s`.
fn longest_run(s: &str, c: char) -> usize {
    let (mut best, mut cur) = (0, 0);
    for x in s.chars() {
        if x == c {
            cur += 1;
            best = best.max(cur);
        } else {
            cur = 0;
        }
    }
    best
}

/// A Markdown code span: one line, controls shown, delimited by one backtick more than the
/// longest run of backticks inside (so nothing inside can close it). In a table cell `|` is
/// written `\|`, which GFM reads as a pipe that does not split the cell (also inside a code span).
pub fn md_code(s: &str, in_table: bool) -> String {
    let mut s = sanitize(s);
    if s.is_empty() {
        return "` `".into();
    }
    if in_table {
        s = s.replace('|', "\\|");
    }
    let ticks = "`".repeat(longest_run(&s, '`') + 1);
    // CommonMark strips one space from each end when both are there: pad to keep them, and to
    // keep a leading or trailing backtick apart from the delimiter.
    let pad = s.starts_with('`')
        || s.ends_with('`')
        || (s.starts_with(' ') && s.ends_with(' ') && s.trim() != "");
    if pad {
        format!("{ticks} {s} {ticks}")
    } else {
        format!("{ticks}{s}{ticks}")
    }
}

/// A fenced Markdown block (with a newline after it): controls shown, lines kept, and a fence
/// one backtick longer than the longest run inside (at least three), so no line closes it.
pub fn md_fence(info: &str, body: &str) -> String {
    let body = visible(body);
    let fence = "`".repeat((longest_run(&body, '`') + 1).max(3));
    format!("{fence}{info}\n{body}\n{fence}\n")
}

/// Inline Jira wiki text: one line, controls shown, and what could open a macro, link, image
/// or table cell escaped: `{ } [ ] | ! * _` with a backslash, a backslash itself as `&#92;` (a
/// backslash before one of ours would make `\\`, a line break, and free the character).
pub fn jira_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\t' => out.push(' '),
            // `\x0a`, `\u{202e}`: a backslash before a letter escapes nothing in Jira.
            c if c == '\n' || needs_showing(c) => show_char(&mut out, c),
            '{' | '}' | '[' | ']' | '|' | '!' | '*' | '_' => {
                out.push('\\');
                out.push(c);
            }
            '\\' => out.push_str("&#92;"),
            c => out.push(c),
        }
    }
    if out.is_empty() {
        out.push('-');
    }
    out
}

/// The body of a Jira `{noformat}` or `{code}` block: lines kept, controls shown, and every
/// `{noformat` or `{code` (any case) written `{ noformat`, `{ code` so that nothing inside can
/// close the block or open another.
pub fn jira_block(s: &str) -> String {
    let s = visible(s);
    let mut out = String::with_capacity(s.len() + 8);
    let mut rest: &str = &s;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..=i]);
        rest = &rest[i + 1..];
        let head: String = rest
            .chars()
            .take(8)
            .collect::<String>()
            .to_ascii_lowercase();
        if head.starts_with("noformat") || head.starts_with("code") {
            out.push(' ');
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_text_cannot_open_markup() {
        assert_eq!(
            md_text("[x](http://e.test) ![i](y) <script> a|b `c` *d* _e_"),
            r"\[x\](http\://e.test) \!\[i\](y) \<script\> a\|b \`c\` \*d\* \_e\_"
        );
        assert_eq!(
            md_text("www.evil.test me@evil.test"),
            r"www\.evil.test me\@evil.test"
        );
        assert_eq!(md_text("a\nb\u{202e}\u{1b}\\"), r"a\x0ab\u{202e}\x1b\\");
        assert_eq!(
            md_text("checkout-api (3) order_id=1"),
            "checkout-api (3) order_id=1"
        );
    }

    #[test]
    fn code_spans_outlast_backticks_and_keep_cells() {
        assert_eq!(md_code("plain", false), "`plain`");
        assert_eq!(md_code("a ``` b", false), "````a ``` b````");
        assert_eq!(md_code("`x`", false), "`` `x` ``");
        assert_eq!(md_code("a|b", true), r"`a\|b`");
        assert_eq!(md_code("", true), "` `");
    }

    #[test]
    fn fences_outlast_backticks() {
        assert_eq!(md_fence("sh", "a\n```\nb"), "````sh\na\n```\nb\n````\n");
        assert_eq!(md_fence("", "x\u{1b}[2J"), "```\nx\\x1b[2J\n```\n");
    }

    #[test]
    fn jira_text_and_blocks_cannot_open_macros() {
        assert_eq!(
            jira_text("{code}[a|http://e]!i.png!|c\\{x}\n\u{202e}"),
            r"\{code\}\[a\|http://e\]\!i.png\!\|c&#92;\{x\}\x0a\u{202e}"
        );
        assert_eq!(jira_text(""), "-");
        assert_eq!(
            jira_block("a {noformat} b {NoFormat:x} {code:java} {c"),
            "a { noformat} b { NoFormat:x} { code:java} {c"
        );
    }
}

#[cfg(test)]
mod model_tests {
    use super::*;
    use crate::model::{Event, Timestamp};

    fn ev(line: u64, ts: i64, level: Level, svc: &str, raw: &str) -> TracedEvent {
        TracedEvent {
            event: Event {
                ts: Some(Timestamp(ts)),
                source: format!("logs/{svc}.log").into(),
                line,
                service: Some(svc.into()),
                host: None,
                level: Some(level),
                status: None,
                message: raw.split('\n').next().unwrap_or("").into(),
                ids: BTreeMap::new(),
                raw: raw.into(),
                dialect: "generic".into(),
            },
            via: None,
            context: false,
            input: 0,
            signature: Some(format!("sig{line}")),
            known_issue: None,
        }
    }

    fn facts<'a>(events: &'a [TracedEvent], sigs: &'a [Value]) -> Facts<'a> {
        Facts {
            ids: vec!["r1".into()],
            events,
            followed: &[],
            signatures: sigs,
            command: "casefile bundle r1 logs -o out",
            truncated: None,
            redacted: true,
            window: None,
            inputs: &[],
            remote: &[],
        }
    }

    /// Issue 16 §4: Markdown, Jira and the HTML fragment carry the same sections in order.
    #[test]
    fn three_renderings_have_the_same_sections() {
        let events = vec![
            ev(1, 1_000_000_000, Level::Info, "api", "GET /x <b>"),
            ev(
                2,
                1_100_000_000,
                Level::Error,
                "api",
                "boom <script>\n  at a.B(C.java:1)",
            ),
        ];
        let sigs = vec![serde_json::json!({"id": "sig2", "template": "boom <*>", "impact": null})];
        let f = facts(&events, &sigs);
        let md: Vec<String> = markdown(&f)
            .lines()
            .filter_map(|l| l.strip_prefix("## ").map(String::from))
            .collect();
        let jira: Vec<String> = jira(&f)
            .lines()
            .filter_map(|l| l.strip_prefix("h2. ").map(String::from))
            .collect();
        let h = html(&f);
        let html: Vec<String> = h
            .split("<h2>")
            .skip(1)
            .filter_map(|s| s.split("</h2>").next().map(String::from))
            .collect();
        let want: Vec<String> = SECTIONS
            .iter()
            .filter(|s| **s != "Known issues")
            .map(|s| s.to_string())
            .collect();
        assert_eq!(md, want);
        assert_eq!(jira, want);
        assert_eq!(html, want);
        assert!(h.starts_with("<section class=\"summary\">\n"));
        assert!(h.ends_with("</section>\n"));
        assert!(!h.contains("<script") && !h.contains("<b>"), "{h}");
        assert!(h.contains("boom &lt;script&gt;"), "{h}");
    }

    /// A stack longer than the cap is cut, saying how much.
    #[test]
    fn long_stacks_are_cut_and_say_so() {
        let mut raw = String::from("ERROR boom");
        for i in 0..249 {
            raw.push_str(&format!("\n  at f{i}(F.java:{i})"));
        }
        let events = vec![ev(7, 1_000_000_000, Level::Error, "api", &raw)];
        let f = facts(&events, &[]);
        let md = markdown(&f);
        assert!(md.contains("  at f198(F.java:198)\n```"), "{md}");
        assert!(!md.contains("f199("));
        assert!(md.contains(
            "… 50 more lines cut (the record has 250 lines; it is whole in timeline.jsonl)"
        ));
    }

    #[test]
    fn keys_and_pods() {
        for k in [
            "user_id",
            "user.id",
            "customerId",
            "order",
            "tenant.id",
            "uid",
            "account_number",
        ] {
            assert!(customer_key(k), "{k}");
        }
        for k in ["session_id", "trace_id", "orders_total", "client_ip"] {
            assert!(!customer_key(k), "{k}");
        }
        assert_eq!(
            pod_from_path(
                "/var/log/pods/shop_api-6b7c9-x1_0f3c2a1b-1111-2222-3333-444455556666/api/0.log"
            ),
            Some(("shop".into(), "api-6b7c9-x1".into(), "api".into()))
        );
        assert_eq!(
            pod_from_path("/var/log/containers/api-6b7c9-x1_shop_api-0123abcd.log"),
            Some(("shop".into(), "api-6b7c9-x1".into(), "api".into()))
        );
        assert_eq!(pod_from_path("logs/api.log"), None);
    }
}
