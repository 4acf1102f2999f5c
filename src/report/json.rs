//! The `--json` event format: JSON Lines, one object per event, keys in this order:
//!
//! ```text
//! {"ts": "2026-11-28T22:10:01.123Z" | null,   UTC, RFC 3339, 3/6/9 fractional digits
//!  "source": "logs/edge/access.log.1.gz",     the path as given, joined with the path inside a directory
//!  "line": 597 | null,                        1-based line where the event starts (of the decompressed text); null for remote records
//!  "service": "edge" | null,                  from the record, else from the path
//!  "host": "web-1" | null,                    the host the record names (syslog host, host.name, Splunk host)
//!  "level": "trace|debug|info|warn|error|fatal" | null,
//!  "message": "...",                          the message, header stripped by the dialect
//!  "ids": {"req_id": "ee23490f28307d7b", ...}, ids by the key as written (correlation and population)
//!  "raw": "...",                              every physical line of the event, joined by \n
//!  "via": {"id": "...", "hop": 1},            trace only: the id that brought the event in, and its hop
//!  "context": true,                           trace only, and only for events added by --window
//!  "signature": "d360dd14ceb7c20d",          trace only: the event's signature id among the events found
//!  "known_issue": {"title", "runbook", "jira"}} trace only, when the event matches known-issues.toml
//! ```
//!
//! Other tools and casefile's own tests rely on this; add keys only at the end.

use serde_json::{json, Map, Value};

use crate::correlate::TracedEvent;
use crate::model::Event;

pub fn event_value(e: &Event) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert(
        "ts".into(),
        e.ts.map_or(Value::Null, |t| Value::String(t.to_rfc3339())),
    );
    m.insert("source".into(), Value::String(e.source.to_string()));
    // Remote records (Splunk, Elasticsearch) have no line: `null`.
    m.insert(
        "line".into(),
        if e.line == 0 {
            Value::Null
        } else {
            json!(e.line)
        },
    );
    m.insert(
        "service".into(),
        e.service.as_ref().map_or(Value::Null, |s| json!(s)),
    );
    m.insert(
        "host".into(),
        e.host.as_ref().map_or(Value::Null, |h| json!(h)),
    );
    m.insert(
        "level".into(),
        e.level.map_or(Value::Null, |l| json!(l.as_str())),
    );
    m.insert("message".into(), json!(e.message));
    m.insert(
        "ids".into(),
        Value::Object(e.ids.iter().map(|(k, v)| (k.clone(), json!(v))).collect()),
    );
    m.insert("raw".into(), json!(e.raw));
    m
}

pub fn event_line(e: &Event) -> String {
    Value::Object(event_value(e)).to_string()
}

pub fn traced_line(t: &TracedEvent) -> String {
    let mut m = event_value(&t.event);
    if let Some(v) = &t.via {
        m.insert("via".into(), json!({"id": v.id, "hop": v.hop}));
    }
    if t.context {
        m.insert("context".into(), Value::Bool(true));
    }
    if let Some(s) = &t.signature {
        m.insert("signature".into(), json!(s));
    }
    if let Some(k) = &t.known_issue {
        m.insert("known_issue".into(), json!(k));
    }
    Value::Object(m).to_string()
}
