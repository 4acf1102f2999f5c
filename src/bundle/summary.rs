//! `summary.md` and `summary.jira.txt`: the bundle read by a person in a minute. What failed,
//! when (UTC), where, the first error with its stack, the signatures, the ids, how to reproduce
//! (the HTTP request rebuilt from the access log line) and the command that made the bundle.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::Value;

use crate::correlate::{FollowedId, TracedEvent};
use crate::model::{Level, Span};

/// Everything the summaries say, already redacted.
pub struct Facts<'a> {
    pub ids: Vec<String>,
    pub events: &'a [TracedEvent],
    pub followed: &'a [FollowedId],
    pub signatures: &'a [Value],
    pub command: &'a str,
    /// (kept, total) when `--max-events` cut the timeline.
    pub truncated: Option<(usize, usize)>,
    pub redacted: bool,
    pub window: Option<&'a str>,
}

/// `2026-11-28T22:00:12.000Z .. 2026-11-28T22:00:12.424Z (0.424 s)`
pub fn span_text(events: &[TracedEvent]) -> String {
    match Span::of(events.iter().filter_map(|t| t.event.ts)).bounds() {
        Some((a, b)) => format!(
            "{} .. {} ({:.3} s)",
            a.to_rfc3339(),
            b.to_rfc3339(),
            (b.0 - a.0) as f64 / 1e9
        ),
        None => "no timestamps".into(),
    }
}

fn first_error(events: &[TracedEvent]) -> Option<&TracedEvent> {
    events
        .iter()
        .filter(|t| !t.context)
        .find(|t| t.event.level.is_some_and(|l| l >= Level::Error))
}

/// The first error that carries a stack trace (else the first error).
fn first_stack(events: &[TracedEvent]) -> Option<&TracedEvent> {
    events
        .iter()
        .filter(|t| !t.context && t.event.level.is_some_and(|l| l >= Level::Error))
        .find(|t| t.event.raw.contains('\n'))
        .or_else(|| first_error(events))
}

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

fn services(events: &[TracedEvent]) -> BTreeMap<String, (usize, usize)> {
    let mut m: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for t in events {
        let e = m
            .entry(t.event.service.clone().unwrap_or_else(|| "-".into()))
            .or_default();
        e.0 += 1;
        if t.event.level.is_some_and(|l| l >= Level::Error) {
            e.1 += 1;
        }
    }
    m
}

fn hosts(events: &[TracedEvent]) -> Vec<String> {
    let mut h: Vec<String> = events.iter().filter_map(|t| t.event.host.clone()).collect();
    h.sort();
    h.dedup();
    h
}

/// The HTTP request of the first access-log event, as curl (host unknown: `$HOST`).
pub fn curl(events: &[TracedEvent]) -> Option<String> {
    let re = regex::Regex::new(
        r#""(?P<m>GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (?P<p>\S+) HTTP/[\d.]+"(?:.*?"(?P<ref>[^"]*)" "(?P<ua>[^"]*)")?"#,
    )
    .ok()?;
    for t in events.iter().filter(|t| !t.context) {
        let first = t.event.raw.split('\n').next().unwrap_or("");
        if let Some(c) = re.captures(first) {
            let mut s = format!(
                "curl -X {} 'http://$HOST{}'",
                &c["m"],
                c["p"].replace('\'', "%27")
            );
            if let Some(ua) = c
                .name("ua")
                .map(|m| m.as_str())
                .filter(|u| !u.is_empty() && *u != "-")
            {
                let _ = write!(s, " -H 'User-Agent: {}'", ua.replace('\'', ""));
            }
            for (k, v) in &t.event.ids {
                let n = crate::parse::fields::normalize_key(k);
                if matches!(n.as_str(), "reqid" | "requestid" | "xrequestid") {
                    let _ = write!(s, " -H 'X-Request-Id: {}'", v.replace('\'', ""));
                    break;
                }
            }
            let _ = write!(
                s,
                "\n# from {} ({}); request bodies and auth headers are not in access logs: add them from the client",
                t.event.location(), t.event.message
            );
            return Some(s);
        }
    }
    None
}

fn one_line(s: &str, max: usize) -> String {
    let s = s.replace(['\n', '\r', '|'], " ");
    if s.chars().count() > max {
        let mut t: String = s.chars().take(max).collect();
        t.push('…');
        t
    } else {
        s
    }
}

pub fn markdown(f: &Facts) -> String {
    let mut s = String::new();
    let matched = f.events.iter().filter(|t| !t.context).count();
    let _ = writeln!(s, "# Evidence: request {}\n", f.ids.join(", "));
    if !f.redacted {
        s.push_str("> **UNREDACTED**: this bundle was made with `--no-redact` and may hold secrets and personal data.\n\n");
    }
    if let Some((k, n)) = f.truncated {
        let _ = writeln!(
            s,
            "> **Cut**: only the first {k} of {n} events are in this bundle (`--max-events`); rerun the command below without it for all.\n"
        );
    }
    match first_error(f.events) {
        Some(t) => {
            let _ = writeln!(
                s,
                "**What failed:** {} reported `{}` at {} ({}).\n",
                t.event.service.as_deref().unwrap_or("-"),
                one_line(&t.event.message, 200),
                t.event.ts.map_or("-".into(), |x| x.to_rfc3339()),
                t.event.location()
            );
        }
        None => s.push_str("**What failed:** no error-level event among the events found.\n\n"),
    }
    let _ = writeln!(s, "**When (UTC):** {}\n", span_text(f.events));
    let svc = services(f.events);
    let _ = writeln!(
        s,
        "**Where:** {}{}\n",
        svc.iter()
            .map(|(k, (n, e))| if *e > 0 {
                format!("{k} ({n} events, {e} errors)")
            } else {
                format!("{k} ({n} events)")
            })
            .collect::<Vec<_>>()
            .join(", "),
        {
            let h = hosts(f.events);
            if h.is_empty() {
                String::new()
            } else {
                format!("; hosts: {}", h.join(", "))
            }
        }
    );
    let _ = writeln!(
        s,
        "**Events:** {matched} of the request{}.\n",
        if f.events.len() > matched {
            format!(
                " + {} context events within {}",
                f.events.len() - matched,
                f.window.unwrap_or("the window")
            )
        } else {
            String::new()
        }
    );
    if let Some(t) = first_stack(f.events) {
        s.push_str("## First error with a stack\n\n");
        let _ = writeln!(
            s,
            "`{}` ({})\n\n```\n{}\n```\n",
            t.event.location(),
            t.event.service.as_deref().unwrap_or("-"),
            t.event.raw.replace("```", "` ` `")
        );
    }
    let known = known_issues(f.events);
    if !known.is_empty() {
        s.push_str("## Known issues\n\n");
        for (k, n) in &known {
            let _ = writeln!(s, "- **{}** ({n} event(s))", k.replace('*', "\\*"));
        }
        s.push('\n');
    }
    s.push_str(
        "## Signatures\n\n| count | signature | template | services |\n|---:|---|---|---|\n",
    );
    for sig in f.signatures {
        let _ = writeln!(
            s,
            "| {} | `{}` | `{}` | {} |",
            sig["count"],
            sig["id"].as_str().unwrap_or(""),
            one_line(sig["template"].as_str().unwrap_or(""), 160).replace('`', "'"),
            sig["services"]
                .as_object()
                .map(|o| o.keys().cloned().collect::<Vec<_>>().join(", "))
                .unwrap_or_default()
        );
    }
    s.push_str("\n## Ids\n\n| id | key | hop | first seen in |\n|---|---|---:|---|\n");
    for id in f.followed {
        let _ = writeln!(
            s,
            "| `{}` | {} | {} | {} |",
            id.id,
            id.key.as_deref().unwrap_or("(given)"),
            id.hop,
            id.found_in.as_deref().unwrap_or("-")
        );
    }
    s.push_str("\n## Timeline\n\n| time (UTC) | service | level | message |\n|---|---|---|---|\n");
    for t in f.events.iter().take(200) {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {}{} |",
            t.event.ts.map_or("-".into(), |x| x.to_rfc3339()),
            t.event.service.as_deref().unwrap_or("-"),
            t.event.level.map_or("-", Level::as_str),
            if t.context { "(context) " } else { "" },
            one_line(&t.event.message, 160).replace('`', "'")
        );
    }
    if f.events.len() > 200 {
        let _ = writeln!(s, "\n… {} more in `timeline.jsonl`.", f.events.len() - 200);
    }
    s.push_str("\n## Reproduce\n\n");
    match curl(f.events) {
        Some(c) => {
            let _ = writeln!(s, "```sh\n{c}\n```\n");
        }
        None => s.push_str("No access-log line among the events: no request to rebuild.\n\n"),
    }
    let _ = writeln!(
        s,
        "## How this bundle was made\n\n```sh\n{}\n```\n\nFiles: `timeline.jsonl` (events), `signatures.json`, `excerpts/` (lines as they were, with context), `report.html` (timeline), `manifest.json` (inputs, ids, redaction counts), `SHA256SUMS` (`sha256sum -c SHA256SUMS`, or `casefile verify`).",
        f.command
    );
    s
}

/// The same in Jira wiki markup.
pub fn jira(f: &Facts) -> String {
    let mut s = String::new();
    let esc = |x: &str| {
        one_line(x, 200)
            .replace('{', "\\{")
            .replace('}', "\\}")
            .replace('[', "\\[")
            .replace(']', "\\]")
            .replace('*', "\\*")
            .replace('_', "\\_")
    };
    let _ = writeln!(s, "h1. Evidence: request {}\n", f.ids.join(", "));
    if !f.redacted {
        s.push_str("{warning}UNREDACTED: made with --no-redact; may hold secrets and personal data.{warning}\n\n");
    }
    if let Some((k, n)) = f.truncated {
        let _ = writeln!(
            s,
            "{{note}}Only the first {k} of {n} events are in this bundle (--max-events).{{note}}\n"
        );
    }
    match first_error(f.events) {
        Some(t) => {
            let _ = writeln!(
                s,
                "*What failed:* {} reported {{{{{}}}}} at {} ({})\n",
                t.event.service.as_deref().unwrap_or("-"),
                esc(&t.event.message),
                t.event.ts.map_or("-".into(), |x| x.to_rfc3339()),
                t.event.location()
            );
        }
        None => s.push_str("*What failed:* no error-level event among the events found.\n\n"),
    }
    let _ = writeln!(s, "*When (UTC):* {}\n", span_text(f.events));
    let h = hosts(f.events);
    let _ = writeln!(
        s,
        "*Where:* {}{}\n",
        services(f.events)
            .iter()
            .map(|(k, (n, e))| format!("{k} ({n} events, {e} errors)"))
            .collect::<Vec<_>>()
            .join(", "),
        if h.is_empty() {
            String::new()
        } else {
            format!("; hosts: {}", h.join(", "))
        }
    );
    if let Some(t) = first_stack(f.events) {
        let _ = writeln!(
            s,
            "h2. First error with a stack\n\n{}\n{{noformat}}\n{}\n{{noformat}}\n",
            t.event.location(),
            t.event.raw.replace("{noformat}", "{ noformat}")
        );
    }
    let known = known_issues(f.events);
    if !known.is_empty() {
        s.push_str("h2. Known issues\n\n");
        for (k, n) in &known {
            let _ = writeln!(s, "* {} ({n} event(s))", esc(k));
        }
        s.push('\n');
    }
    s.push_str("h2. Signatures\n\n||count||signature||template||\n");
    for sig in f.signatures {
        let _ = writeln!(
            s,
            "|{}|{{{{{}}}}}|{}|",
            sig["count"],
            sig["id"].as_str().unwrap_or(""),
            esc(sig["template"].as_str().unwrap_or(""))
        );
    }
    s.push_str("\nh2. Ids\n\n||id||key||hop||first seen in||\n");
    for id in f.followed {
        let _ = writeln!(
            s,
            "|{{{{{}}}}}|{}|{}|{}|",
            id.id,
            esc(id.key.as_deref().unwrap_or("(given)")),
            id.hop,
            id.found_in.as_deref().unwrap_or("-")
        );
    }
    s.push_str("\nh2. Reproduce\n\n");
    match curl(f.events) {
        Some(c) => {
            let _ = writeln!(s, "{{code:bash}}\n{c}\n{{code}}\n");
        }
        None => s.push_str("No access-log line among the events.\n\n"),
    }
    let _ = writeln!(
        s,
        "h2. How this bundle was made\n\n{{code:bash}}\n{}\n{{code}}",
        f.command
    );
    s
}
