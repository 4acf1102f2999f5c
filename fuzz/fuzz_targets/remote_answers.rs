//! What remote servers send back: Splunk export rows and error bodies, Elasticsearch hits and
//! error bodies, Jira error bodies, `Retry-After`, Cloud ids, `_time` values, and the Markdown
//! that becomes a Jira comment. Whatever a server answers, casefile must not panic.
//!
//! Properties checked besides:
//! - a record (Splunk `_raw`, Elasticsearch `event.original`/`message`) keeps its text: the
//!   event's `raw` is the record's lines joined by `\n`, for the fuzzed answer and for a hit /
//!   result row built around the fuzzed text; an engine time the text lacks becomes the event's;
//! - a Splunk `_time` read back from its RFC 3339 form, and epoch `secs.nanos`, are exact;
//! - `Retry-After: <n>` is `n` seconds; a session key in JSON or XML is found as it was sent;
//! - a Cloud id built from a host, port and id decodes to `https://<id>.<host>:<port>`;
//! - `display_url` keeps no user info, query or fragment, never shows a URL's password, and
//!   applied twice gives what it gives once;
//! - the Markdown -> ADF document is well formed: known node types only, no empty text node,
//!   heading levels 1-6, every table, row and list with at least one child.
#![no_main]

use std::sync::OnceLock;
use std::time::Duration;

use base64::Engine;
use casefile::model::Timestamp;
use casefile::parse::Parser;
use casefile::remote::{elastic, http, jira, splunk, TimeRange};
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};

fn parser() -> &'static Parser {
    static P: OnceLock<Parser> = OnceLock::new();
    P.get_or_init(Parser::default_parser)
}

const RANGE: TimeRange = TimeRange {
    since: Timestamp(i64::MIN / 2),
    until: Timestamp(i64::MAX / 2),
    defaulted: false,
};

/// `raw` as an event keeps it: physical lines joined by `\n` (CRLF read as LF).
fn as_raw(text: &str) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    let last = lines.len() - 1;
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            if i < last {
                l.strip_suffix('\r').unwrap_or(l)
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Checks of known bugs (fuzz/README.md, "Known bugs") fail the run like any other, unless
/// `CASEFILE_FUZZ_ALLOW_KNOWN_BUGS` is set: then the fuzzer is let past them to look further.
fn allow_known_bugs() -> bool {
    static A: OnceLock<bool> = OnceLock::new();
    *A.get_or_init(|| std::env::var_os("CASEFILE_FUZZ_ALLOW_KNOWN_BUGS").is_some())
}

/// `display_url` shows no user info, query or fragment, and is idempotent.
fn check_display_url(s: &str) {
    let shown = http::display_url(s);
    assert!(!shown.contains(['?', '#']), "{s:?} shown as {shown:?}");
    // The scheme as display_url reads one: a letter, then letters, digits, `+`, `-`, `.`
    // (a `://` after anything else, as in a query or a JSON body, starts no authority).
    let authority = match shown.split_once("://") {
        Some((sc, r))
            if sc.starts_with(|c: char| c.is_ascii_alphabetic())
                && sc
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-')) =>
        {
            r
        }
        _ => &*shown,
    };
    let authority = authority.split('/').next().unwrap_or("");
    assert!(!authority.contains('@'), "{s:?} shown as {shown:?}");
    assert_eq!(
        http::display_url(&shown),
        shown,
        "display_url of {s:?} twice"
    );
}

/// An ADF node and its children, as Jira's schema wants them.
fn check_adf(node: &Value, path: &str) {
    let kind = node["type"]
        .as_str()
        .unwrap_or_else(|| panic!("{path}: node without a type"));
    let children = node.get("content").and_then(Value::as_array);
    let path = format!("{path}/{kind}");
    match kind {
        "text" => {
            let t = node["text"].as_str().expect("text node with text");
            assert!(!t.is_empty(), "{path}: empty text node");
            assert!(children.is_none(), "{path}: text node with content");
            for m in node
                .get("marks")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let m = m["type"].as_str().unwrap_or("");
                assert!(matches!(m, "strong" | "code"), "{path}: unknown mark {m:?}");
            }
            return;
        }
        "heading" => {
            let level = node["attrs"]["level"].as_u64().unwrap_or(0);
            assert!((1..=6).contains(&level), "{path}: heading level {level}");
        }
        "doc" => assert_eq!(node["version"], 1, "{path}: ADF version"),
        "paragraph" | "codeBlock" => {}
        "table" | "tableRow" | "bulletList" | "listItem" | "tableHeader" | "tableCell" => {
            let empty = children.is_none_or(|c| c.is_empty());
            assert!(!empty, "{path}: a {kind} needs at least one child");
        }
        other => panic!("{path}: unknown node type {other:?}"),
    }
    let children = children.unwrap_or_else(|| panic!("{path}: no content array"));
    for c in children {
        check_adf(c, &path);
    }
}

fuzz_target!(|bytes: &[u8]| {
    let s = String::from_utf8_lossy(bytes);
    let _ = splunk::session_key(&s);
    let _ = splunk::splunk_messages(&s);
    let _ = elastic::es_reason(&s);
    let _ = elastic::cloud_id_url(&s);
    let _ = jira::jira_messages(&s);
    let _ = http::parse_retry_after(&s);

    // Splunk `_time`: what it reads, it reads back from the contract's form.
    if let Some(t) = splunk::parse_splunk_time(&s) {
        assert_eq!(splunk::parse_splunk_time(&t.to_rfc3339()), Some(t), "{s:?}");
    }
    let mut eight = [0u8; 8];
    eight[..bytes.len().min(8)].copy_from_slice(&bytes[..bytes.len().min(8)]);
    let n = u64::from_le_bytes(eight);
    // Seconds up to 9e9 (year 2255): nanoseconds since 1970 fit an i64 until 2262.
    let (secs, nanos) = (
        (n >> 30) % 9_000_000_000,
        (n & ((1 << 30) - 1)) % 1_000_000_000,
    );
    assert_eq!(
        splunk::parse_splunk_time(&format!("{secs}.{nanos:09}")),
        Some(Timestamp(secs as i64 * 1_000_000_000 + nanos as i64))
    );
    assert_eq!(
        http::parse_retry_after(&n.to_string()),
        Some(Duration::from_secs(n))
    );

    // Session keys, as JSON and as XML.
    let json_key = json!({ "sessionKey": s }).to_string();
    assert_eq!(splunk::session_key(&json_key).as_deref(), Some(&*s));
    if !s.contains("</sessionKey>") {
        let xml = format!("<response>\n<sessionKey>{s}</sessionKey>\n</response>");
        let want = Some(s.trim()).filter(|k| !k.is_empty());
        if serde_json::from_str::<Value>(&xml).is_err() {
            assert_eq!(splunk::session_key(&xml).as_deref(), want);
        }
    }

    // A Cloud id made of parts from the input decodes to its URL.
    let host: String = s
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '.' || *c == '-')
        .take(40)
        .collect();
    let host = if host.is_empty() {
        "example.com".to_string()
    } else {
        host
    };
    let es: String = bytes.iter().take(16).map(|b| format!("{b:02x}")).collect();
    let es = if es.is_empty() { "abc".to_string() } else { es };
    let port = (bytes.len() % 3 == 0).then(|| (n % 65536).to_string());
    let decoded = match &port {
        Some(p) => format!("{host}:{p}${es}$kibana"),
        None => format!("{host}${es}$kibana"),
    };
    let id = format!(
        "deploy:{}",
        base64::engine::general_purpose::STANDARD.encode(decoded)
    );
    assert_eq!(
        elastic::cloud_id_url(&id),
        Ok(format!(
            "https://{es}.{host}:{}",
            port.as_deref().unwrap_or("443")
        )),
        "cloud id {id:?}"
    );

    // URLs as shown: no user info, query or fragment; a password never shows.
    // Known bug 2 (what is left of it): without a scheme, user info is cut from the first
    // segment, which can leave a later `://` looking like a scheme's, with user info after it:
    // `display_url("a@b://u:pw@h/x") == "b://u:pw@h/x"`. Let through only with
    // CASEFILE_FUZZ_ALLOW_KNOWN_BUGS set.
    let bug2 = s.split_once("://").is_some_and(|(sc, _)| sc.contains('@'));
    if !(bug2 && allow_known_bugs()) {
        check_display_url(&s);
    }
    let password = format!("Pw{n:x}Zz");
    if !s.contains(&*password) {
        let url = format!("https://svc:{password}@{s}");
        let shown = http::display_url(&url);
        assert!(!shown.contains(&*password), "{url:?} shown as {shown:?}");
    }

    // The Markdown of a Jira comment.
    let adf = jira::markdown_to_adf(&s);
    check_adf(&adf, "");

    // Records built around the text keep it.
    let stamp = "2026-11-28T10:00:00.250Z";
    let hit =
        json!({"_index": "logs-a", "_id": "7", "_source": {"@timestamp": stamp, "message": s}});
    let e = elastic::record(&hit, "@timestamp").into_event(parser(), None);
    assert_eq!(e.raw, as_raw(&s), "Elasticsearch message");
    assert!(e.ts.is_some(), "the hit's @timestamp was lost");
    assert_eq!(e.location(), "elastic://logs-a/7");
    let row = json!({"_raw": s, "_time": stamp, "host": "h", "source": "/var/log/a.log"});
    let row = row.as_object().expect("object");
    let (_, rec) = splunk::result_record(row, RANGE).expect("inside the range");
    let e = rec.into_event(parser(), None);
    assert_eq!(e.raw, as_raw(&s), "Splunk _raw");
    assert!(e.ts.is_some(), "the row's _time was lost");
    assert_eq!(e.location(), "splunk://h/var/log/a.log");

    // The fuzzed answer itself, as JSON.
    let Ok(v) = serde_json::from_slice::<Value>(bytes) else {
        return;
    };
    if let Some(r) = v.get("result").and_then(|r| r.as_object()) {
        if let Some((_, rec)) = splunk::result_record(r, RANGE) {
            let raw = as_raw(&rec.raw);
            let e = rec.into_event(parser(), None);
            assert_eq!(e.raw, raw, "Splunk _raw of the answer");
        }
    }
    let rec = elastic::record(&v, "@timestamp");
    let raw = as_raw(&rec.raw);
    let e = rec.into_event(parser(), None);
    assert_eq!(e.raw, raw, "Elasticsearch text of the answer");
    let _ = e.location();
});
