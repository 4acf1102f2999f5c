//! What remote servers send back: Splunk export rows and error bodies, Elasticsearch hits and
//! error bodies, Jira error bodies, `Retry-After`, Cloud ids, `_time` values, and the Markdown
//! that becomes a Jira comment. Whatever a server answers, casefile must not panic.
#![no_main]

use casefile::model::Timestamp;
use casefile::parse::Parser;
use casefile::remote::{elastic, http, jira, splunk, TimeRange};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let s = String::from_utf8_lossy(bytes);
    let _ = splunk::parse_splunk_time(&s);
    let _ = splunk::session_key(&s);
    let _ = splunk::splunk_messages(&s);
    let _ = elastic::es_reason(&s);
    let _ = elastic::cloud_id_url(&s);
    let _ = jira::jira_messages(&s);
    let _ = http::parse_retry_after(&s);
    let _ = http::display_url(&s);
    let adf = jira::markdown_to_adf(&s);
    assert!(!adf.to_string().contains(r#""text":"""#), "empty ADF text node");

    let Ok(v) = serde_json::from_slice::<serde_json::Value>(bytes) else {
        return;
    };
    let parser = Parser::default_parser();
    let range = TimeRange {
        since: Timestamp(i64::MIN / 2),
        until: Timestamp(i64::MAX / 2),
        defaulted: false,
    };
    if let Some(r) = v.get("result").and_then(|r| r.as_object()) {
        if let Some((_, rec)) = splunk::result_record(r, range) {
            let _ = rec.into_event(&parser, None);
        }
    }
    let rec = elastic::record(&v, "@timestamp");
    let e = rec.into_event(&parser, None);
    let _ = e.location();
});
