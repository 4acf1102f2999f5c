//! AWS CloudTrail log files as CloudTrail delivers them (to S3, gzipped): one JSON document
//! `{"Records":[{...},{...}]}` on one line, each element an event. The reader cuts the line
//! into its records ([`records`]); each is then read here ([`record`]).
//!
//! | event key | becomes |
//! |---|---|
//! | `eventTime` | the time (UTC) |
//! | `errorCode` | level: `warn` for denials and throttling (`AccessDenied`, `*Unauthorized*`, `Throttling*`), else `error`; no error: `info` |
//! | `eventSource` | service (`s3.amazonaws.com` -> `s3`) |
//! | `awsRegion` | host |
//! | `eventName`, `errorCode`, `errorMessage` | message: `GetObject AccessDenied: Access Denied` |
//! | `requestID` | followed as a request id; `eventID`, `userIdentity.arn`, `sourceIPAddress` kept as fields |

use serde_json::Value;

use super::columns::TabRecord;
use super::TimeContext;
use crate::model::Level;

/// Does this head of a file start a CloudTrail document?
pub fn detect(head: &str) -> bool {
    let t = head.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    let Some(rest) = t.strip_prefix('{') else {
        return false;
    };
    let rest = rest.trim_start();
    rest.starts_with("\"Records\"")
        && rest["\"Records\"".len()..]
            .trim_start()
            .strip_prefix(':')
            .is_some_and(|r| r.trim_start().starts_with('['))
}

/// Byte ranges of the elements of the `Records` array in one line holding the whole document.
/// Elements that are not objects are skipped; a cut-off document yields the records it has
/// whole.
pub fn records(line: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let Some(k) = memchr::memmem::find(line, b"\"Records\"") else {
        return out;
    };
    let mut i = k + 9;
    while i < line.len() && line[i] != b'[' {
        i += 1;
    }
    i += 1;
    while i < line.len() {
        match line[i] {
            b'{' => match object_end(line, i) {
                Some(e) => {
                    out.push((i, e));
                    i = e;
                }
                None => break,
            },
            b']' => break,
            _ => i += 1,
        }
    }
    out
}

/// The end (exclusive) of the JSON object starting at `s`, strings and escapes respected.
fn object_end(b: &[u8], s: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = s;
    let mut in_str = false;
    while i < b.len() {
        let c = b[i];
        if in_str {
            match c {
                b'\\' => i += 1,
                b'"' => in_str = false,
                _ => {}
            }
        } else {
            match c {
                b'"' => in_str = true,
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        return Some(i + 1);
                    }
                }
                _ => {}
            }
        }
        i += 1;
    }
    None
}

/// One event of the `Records` array.
pub fn record(text: &str, tctx: &TimeContext) -> Option<TabRecord> {
    let v: Value = serde_json::from_str(text).ok()?;
    let o = v.as_object()?;
    let s = |k: &str| o.get(k).and_then(Value::as_str);
    let ts = s("eventTime").and_then(|t| tctx.parse(t));
    let error = s("errorCode");
    let level = Some(match error {
        None => Level::Info,
        Some(e)
            if e.contains("AccessDenied")
                || e.contains("Unauthorized")
                || e.starts_with("Throttling")
                || e == "ThrottlingException" =>
        {
            Level::Warn
        }
        Some(_) => Level::Error,
    });
    let service = s("eventSource").map(|src| {
        src.strip_suffix(".amazonaws.com")
            .unwrap_or(src)
            .to_string()
    });
    let mut message = s("eventName").unwrap_or("").to_string();
    if let Some(e) = error {
        message.push(' ');
        message.push_str(e);
        if let Some(m) = s("errorMessage") {
            message.push_str(": ");
            message.push_str(m);
        }
    }
    let mut fields = Vec::new();
    for k in [
        "requestID",
        "eventID",
        "eventType",
        "sourceIPAddress",
        "recipientAccountId",
    ] {
        if let Some(v) = s(k) {
            fields.push((k.to_string(), v.to_string()));
        }
    }
    if let Some(arn) = o
        .get("userIdentity")
        .and_then(|u| u.get("arn"))
        .and_then(Value::as_str)
    {
        fields.push(("userIdentity.arn".to_string(), arn.to_string()));
    }
    Some(TabRecord {
        ts,
        level,
        service,
        host: s("awsRegion").map(str::to_string),
        message: message.trim().to_string(),
        fields,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"{"Records":[{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::123456789012:user/alice"},"eventTime":"2023-08-29T13:47:38Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"eu-west-1","sourceIPAddress":"198.51.100.7","errorCode":"AccessDenied","errorMessage":"Access Denied","requestID":"R9Z1XKQ2","eventID":"3f1b-11","eventType":"AwsApiCall"},{"eventTime":"2023-08-29T13:47:40Z","eventSource":"ec2.amazonaws.com","eventName":"RunInstances","awsRegion":"eu-west-1","requestID":"a-\"}quoted","eventType":"AwsApiCall"}]}"#;

    #[test]
    fn cuts_and_reads_each_record() {
        assert!(detect(DOC));
        assert!(detect(" {\n \"Records\" : ["));
        assert!(!detect(r#"{"level":"info","Records":[]}"#));
        let r = records(DOC.as_bytes());
        assert_eq!(r.len(), 2);
        let tctx = TimeContext::default();
        let a = record(&DOC[r[0].0..r[0].1], &tctx).unwrap();
        assert_eq!(a.ts.unwrap().to_rfc3339(), "2023-08-29T13:47:38.000Z");
        assert_eq!(a.level, Some(Level::Warn));
        assert_eq!(a.service.as_deref(), Some("s3"));
        assert_eq!(a.host.as_deref(), Some("eu-west-1"));
        assert_eq!(a.message, "GetObject AccessDenied: Access Denied");
        assert!(a
            .fields
            .contains(&("requestID".to_string(), "R9Z1XKQ2".to_string())));
        let b = record(&DOC[r[1].0..r[1].1], &tctx).unwrap();
        assert_eq!(b.message, "RunInstances");
        assert_eq!(b.level, Some(Level::Info));
        assert!(b
            .fields
            .contains(&("requestID".to_string(), "a-\"}quoted".to_string())));
    }

    #[test]
    fn cut_off_documents_keep_their_whole_records() {
        let cut = &DOC[..DOC.len() - 40];
        assert_eq!(records(cut.as_bytes()).len(), 1);
        assert!(records(b"{\"Records\":[").is_empty());
        assert!(records(b"{\"Records\":[}}}]]]").is_empty());
        assert!(records(b"").is_empty());
    }
}
