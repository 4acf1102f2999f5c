//! `summary.md` and `summary.jira.txt`: the bundle read by a person in a minute. What failed,
//! when (UTC), where, the first error with its stack, the signatures, the ids, how to reproduce
//! (the HTTP request rebuilt from the access log line) and the command that made the bundle.
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
//! Known-issue titles come from the team's `--known-issues` file, not from logs: only `*` is
//! escaped there, so their runbook links stay links.
//!
//! Everywhere, control characters (C0 but newline and tab, DEL, C1) and bidi overrides/isolates
//! are shown as `\x1b`, `\u{202e}` (see `report::terminal::visible`); in one-line contexts a
//! newline is shown as `\x0a` (a file name with a newline cannot start a line).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::Value;

use crate::correlate::{FollowedId, TracedEvent};
use crate::model::{Level, Span};
use crate::report::terminal::{needs_showing, sanitize, show_char, visible};

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
            // Everything taken from the log line is one line without controls: what is pasted
            // into a shell runs only curl.
            let mut s = format!(
                "curl -X {} 'http://$HOST{}'",
                &c["m"],
                sanitize(&c["p"]).replace('\'', "%27")
            );
            if let Some(ua) = c
                .name("ua")
                .map(|m| m.as_str())
                .filter(|u| !u.is_empty() && *u != "-")
            {
                let _ = write!(s, " -H 'User-Agent: {}'", sanitize(ua).replace('\'', ""));
            }
            for (k, v) in &t.event.ids {
                let n = crate::parse::fields::normalize_key(k);
                if matches!(n.as_str(), "reqid" | "requestid" | "xrequestid") {
                    let _ = write!(s, " -H 'X-Request-Id: {}'", sanitize(v).replace('\'', ""));
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
    }
    None
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

pub fn markdown(f: &Facts) -> String {
    let mut s = String::new();
    let matched = f.events.iter().filter(|t| !t.context).count();
    let ids: Vec<String> = f.ids.iter().map(|i| md_text(i)).collect();
    let _ = writeln!(s, "# Evidence: request {}\n", ids.join(", "));
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
                "**What failed:** {} reported {} at {} ({}).\n",
                md_text(t.event.service.as_deref().unwrap_or("-")),
                md_code(&one_line(&t.event.message, 200), false),
                t.event.ts.map_or("-".into(), |x| x.to_rfc3339()),
                md_text(&t.event.location())
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
                format!("{} ({n} events, {e} errors)", md_text(k))
            } else {
                format!("{} ({n} events)", md_text(k))
            })
            .collect::<Vec<_>>()
            .join(", "),
        {
            let h = hosts(f.events);
            if h.is_empty() {
                String::new()
            } else {
                let h: Vec<String> = h.iter().map(|h| md_text(h)).collect();
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
                md_text(f.window.unwrap_or("the window"))
            )
        } else {
            String::new()
        }
    );
    if let Some(t) = first_stack(f.events) {
        s.push_str("## First error with a stack\n\n");
        let _ = writeln!(
            s,
            "{} ({})\n\n{}",
            md_code(&t.event.location(), false),
            md_text(t.event.service.as_deref().unwrap_or("-")),
            md_fence("", &t.event.raw)
        );
    }
    let known = known_issues(f.events);
    if !known.is_empty() {
        s.push_str("## Known issues\n\n");
        for (k, n) in &known {
            // Written by the team (`--known-issues`), not log text: its links stay links.
            let _ = writeln!(
                s,
                "- **{}** ({n} event(s))",
                sanitize(k).replace('*', "\\*")
            );
        }
        s.push('\n');
    }
    s.push_str(
        "## Signatures\n\n| count | signature | template | services |\n|---:|---|---|---|\n",
    );
    for sig in f.signatures {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} |",
            sig["count"],
            md_code(sig["id"].as_str().unwrap_or(""), true),
            md_code(&one_line(sig["template"].as_str().unwrap_or(""), 160), true),
            sig["services"]
                .as_object()
                .map(|o| o.keys().map(|k| md_text(k)).collect::<Vec<_>>().join(", "))
                .unwrap_or_default()
        );
    }
    s.push_str("\n## Ids\n\n| id | key | hop | first seen in |\n|---|---|---:|---|\n");
    for id in f.followed {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} |",
            md_code(&id.id, true),
            md_text(id.key.as_deref().unwrap_or("(given)")),
            id.hop,
            md_text(id.found_in.as_deref().unwrap_or("-"))
        );
    }
    s.push_str("\n## Timeline\n\n| time (UTC) | service | level | message |\n|---|---|---|---|\n");
    for t in f.events.iter().take(200) {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {}{} |",
            t.event.ts.map_or("-".into(), |x| x.to_rfc3339()),
            md_text(t.event.service.as_deref().unwrap_or("-")),
            t.event.level.map_or("-", Level::as_str),
            if t.context { "(context) " } else { "" },
            md_text(&one_line(&t.event.message, 160))
        );
    }
    if f.events.len() > 200 {
        let _ = writeln!(s, "\n… {} more in `timeline.jsonl`.", f.events.len() - 200);
    }
    s.push_str("\n## Reproduce\n\n");
    match curl(f.events) {
        Some(c) => {
            let _ = writeln!(s, "{}", md_fence("sh", &c));
        }
        None => s.push_str("No access-log line among the events: no request to rebuild.\n\n"),
    }
    let _ = writeln!(
        s,
        "## How this bundle was made\n\n{}\nFiles: `timeline.jsonl` (events), `signatures.json`, `excerpts/` (lines as they were, with context), `report.html` (timeline), `manifest.json` (inputs, ids, redaction counts), `SHA256SUMS` (`sha256sum -c SHA256SUMS`, or `casefile verify`).",
        md_fence("sh", f.command)
    );
    s
}

/// The same in Jira wiki markup.
pub fn jira(f: &Facts) -> String {
    let mut s = String::new();
    let ids: Vec<String> = f.ids.iter().map(|i| jira_text(i)).collect();
    let _ = writeln!(s, "h1. Evidence: request {}\n", ids.join(", "));
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
                jira_text(t.event.service.as_deref().unwrap_or("-")),
                jira_text(&one_line(&t.event.message, 200)),
                t.event.ts.map_or("-".into(), |x| x.to_rfc3339()),
                jira_text(&t.event.location())
            );
        }
        None => s.push_str("*What failed:* no error-level event among the events found.\n\n"),
    }
    let _ = writeln!(s, "*When (UTC):* {}\n", span_text(f.events));
    let h: Vec<String> = hosts(f.events).iter().map(|h| jira_text(h)).collect();
    let _ = writeln!(
        s,
        "*Where:* {}{}\n",
        services(f.events)
            .iter()
            .map(|(k, (n, e))| format!("{} ({n} events, {e} errors)", jira_text(k)))
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
            jira_text(&t.event.location()),
            jira_block(&t.event.raw)
        );
    }
    let known = known_issues(f.events);
    if !known.is_empty() {
        s.push_str("h2. Known issues\n\n");
        for (k, n) in &known {
            let _ = writeln!(s, "* {} ({n} event(s))", jira_text(k));
        }
        s.push('\n');
    }
    s.push_str("h2. Signatures\n\n||count||signature||template||\n");
    for sig in f.signatures {
        let _ = writeln!(
            s,
            "|{}|{{{{{}}}}}|{}|",
            sig["count"],
            jira_text(sig["id"].as_str().unwrap_or("")),
            jira_text(&one_line(sig["template"].as_str().unwrap_or(""), 200))
        );
    }
    s.push_str("\nh2. Ids\n\n||id||key||hop||first seen in||\n");
    for id in f.followed {
        let _ = writeln!(
            s,
            "|{{{{{}}}}}|{}|{}|{}|",
            jira_text(&id.id),
            jira_text(id.key.as_deref().unwrap_or("(given)")),
            id.hop,
            jira_text(id.found_in.as_deref().unwrap_or("-"))
        );
    }
    s.push_str("\nh2. Reproduce\n\n");
    match curl(f.events) {
        Some(c) => {
            let _ = writeln!(s, "{{code:bash}}\n{}\n{{code}}\n", jira_block(&c));
        }
        None => s.push_str("No access-log line among the events.\n\n"),
    }
    let _ = writeln!(
        s,
        "h2. How this bundle was made\n\n{{code:bash}}\n{}\n{{code}}",
        jira_block(f.command)
    );
    s
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
