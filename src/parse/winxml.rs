//! Windows Event Log exported as XML: `wevtutil qe LOG /f:xml` or `/f:RenderedXml` (one
//! `<Event>` per line), `Get-WinEvent ... | % { $_.ToXml() }`, Event Viewer's "Save As ... XML"
//! (`<Events><Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'>...`) and
//! pretty-printed events spanning many lines. Each `<Event>` element is one record, read by a
//! small XML reader of its own (elements, attributes, text, CDATA, comments, the five named
//! entities and numeric references; no DTDs).
//!
//! Mapping: `System/TimeCreated/@SystemTime` (UTC) -> ts; `System/Level` (1 critical -> fatal,
//! 2 error, 3 warning, 4 information, 5 verbose -> debug, 0 info; an Audit Failure keyword
//! makes an information-level event warn), else `RenderingInfo/Level` -> level;
//! `System/Provider/@Name` -> service; `System/Computer` -> host; `RenderingInfo/Message`, else
//! the `EventData/Data` (or `UserData`) values as `Name=value` pairs -> message. Fields kept:
//! `event_id`, `EventRecordID`, `Channel`, `Task`, `Opcode`, `Keywords`, `ActivityID` and
//! `RelatedActivityID` (from `Correlation`, braces removed), `ProcessID`, `ThreadID`, `UserID`,
//! then every named `Data` value (unnamed ones as `data1`, `data2`, ...).

use super::columns::{parse_keywords, windows_level, windows_level_name, TabRecord};
use crate::parse::TimeContext;

/// The Windows event schema namespace.
const EVENT_NS: &str = "schemas.microsoft.com/win/2004/08/events/event";

/// Nesting deeper than this is not an event (and would cost stack).
const MAX_DEPTH: usize = 32;

/// Does the head of a file (up to 64 KiB) hold Windows events as XML? It starts with markup
/// (`<?xml`, `<Events>` or `<Event`) and an `<Event` element of the event namespace begins.
pub fn detect(head: &str) -> bool {
    let t = head.trim_start_matches('\u{feff}').trim_start();
    t.starts_with('<')
        && head
            .split('\n')
            .any(|l| event_start(l).is_some_and(|i| l[i..].contains(EVENT_NS)))
}

/// Where an `<Event ...>` element begins in `s` (not `<Events>`, `<EventData>`, `<EventID>`).
fn event_start(s: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = s[from..].find("<Event") {
        let at = from + i;
        match s.as_bytes().get(at + 6) {
            None | Some(b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/') => return Some(at),
            _ => from = at + 6,
        }
    }
    None
}

/// A line where an `<Event ...>` element begins. The `<?xml ...?>` / `<Events>` / `</Events>`
/// wrapper lines count as starts too, so they never glue onto an event; drop them with
/// [`is_header`].
pub fn is_record_start(line: &str) -> bool {
    event_start(line).is_some() || is_header(line)
}

/// A line of only the export's wrapper: `<?xml ...?>`, `<Events>`, `</Events>`.
pub fn is_header(line: &str) -> bool {
    let mut t = line.trim_start_matches('\u{feff}').trim();
    if t.is_empty() {
        return false;
    }
    while !t.is_empty() {
        if t.starts_with("<?") {
            match t.find("?>") {
                Some(e) => t = t[e + 2..].trim_start(),
                None => return false,
            }
        } else if let Some(r) = t
            .strip_prefix("<Events>")
            .or_else(|| t.strip_prefix("</Events>"))
        {
            t = r.trim_start();
        } else {
            return false;
        }
    }
    true
}

/// One `<Event>..</Event>` (possibly many lines; text before it, such as an `<Events>` wrapper,
/// is skipped; only the first event is read). `None` for a truncated or malformed event or one
/// without `<System>`.
pub fn record(text: &str, tctx: &TimeContext) -> Option<TabRecord> {
    let start = event_start(text)?;
    let mut p = Reader {
        s: text,
        i: start,
        depth: 0,
    };
    let ev = p.element()?;
    let sys = ev.child("System")?;
    let text_of = |e: Option<&Elem>| {
        e.map(|e| e.text.trim().to_string())
            .filter(|t| !t.is_empty())
    };
    let rendering = ev.child("RenderingInfo");
    let utc = TimeContext {
        tz: None,
        ..tctx.clone()
    };
    let ts = sys
        .child("TimeCreated")
        .and_then(|t| t.attr("SystemTime"))
        .and_then(|t| utc.parse(t));
    let keywords = text_of(sys.child("Keywords"));
    let level = text_of(sys.child("Level"))
        .and_then(|l| l.parse::<u32>().ok())
        .map(|n| windows_level(n, keywords.as_deref().and_then(parse_keywords)))
        .or_else(|| {
            text_of(rendering.and_then(|r| r.child("Level"))).and_then(|l| windows_level_name(&l))
        });
    let provider = sys.child("Provider");
    let service = provider
        .and_then(|p| p.attr("Name").or_else(|| p.attr("EventSourceName")))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    let host = text_of(sys.child("Computer"));

    let mut fields: Vec<(String, String)> = Vec::new();
    let mut keep = |name: &str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.is_empty() && v != "-") {
            fields.push((name.to_string(), v));
        }
    };
    let event_id = text_of(sys.child("EventID"));
    keep("event_id", event_id.clone());
    keep("EventRecordID", text_of(sys.child("EventRecordID")));
    keep("Channel", text_of(sys.child("Channel")));
    keep("Task", text_of(sys.child("Task")));
    keep("Opcode", text_of(sys.child("Opcode")));
    keep("Keywords", keywords);
    let attr = |e: &str, a: &str| {
        sys.child(e).and_then(|e| e.attr(a)).map(|v| {
            v.trim()
                .trim_start_matches('{')
                .trim_end_matches('}')
                .to_string()
        })
    };
    keep("ActivityID", attr("Correlation", "ActivityID"));
    keep(
        "RelatedActivityID",
        attr("Correlation", "RelatedActivityID"),
    );
    keep("ProcessID", attr("Execution", "ProcessID"));
    keep("ThreadID", attr("Execution", "ThreadID"));
    keep("UserID", attr("Security", "UserID"));

    // The payload: EventData's Data values, or UserData's leaf elements.
    let mut data: Vec<(Option<String>, String)> = Vec::new();
    if let Some(ed) = ev.child("EventData") {
        for d in ed.children.iter().filter(|c| c.name == "Data") {
            let v = d.text.trim();
            if !v.is_empty() {
                data.push((d.attr("Name").map(str::to_string), v.to_string()));
            }
        }
    }
    if let Some(ud) = ev.child("UserData") {
        ud.leaves(&mut data);
    }
    let mut unnamed = 0;
    for (name, v) in &data {
        let name = match name {
            Some(n) => n.clone(),
            None => {
                unnamed += 1;
                format!("data{unnamed}")
            }
        };
        keep(&name, Some(v.clone()));
    }

    let message = text_of(rendering.and_then(|r| r.child("Message")))
        .map(|m| m.replace("\r\n", "\n").replace('\r', "\n"))
        .unwrap_or_else(|| {
            let pairs: Vec<String> = data
                .iter()
                .map(|(n, v)| match n {
                    Some(n) => format!("{n}={}", quote(v)),
                    None => v.clone(),
                })
                .collect();
            if pairs.is_empty() {
                event_id.map(|id| format!("event {id}")).unwrap_or_default()
            } else {
                pairs.join(" ")
            }
        });
    Some(TabRecord {
        ts,
        level,
        service,
        host,
        message,
        fields,
    })
}

/// A value for `Name=value`: in double quotes (`\"` inside) when it holds a space or a quote.
fn quote(v: &str) -> String {
    if v.contains(|c: char| c.is_whitespace() || c == '"') {
        format!("\"{}\"", v.replace('"', "\\\""))
    } else {
        v.to_string()
    }
}

/// An element: local name (namespace prefix dropped), attributes, child elements, and its own
/// text (entity-decoded, CDATA included).
#[derive(Debug, Default)]
struct Elem {
    name: String,
    attrs: Vec<(String, String)>,
    children: Vec<Elem>,
    text: String,
}

impl Elem {
    fn child(&self, name: &str) -> Option<&Elem> {
        self.children.iter().find(|c| c.name == name)
    }

    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// (name, text) of every descendant without children and with text.
    fn leaves(&self, out: &mut Vec<(Option<String>, String)>) {
        for c in &self.children {
            if c.children.is_empty() {
                let t = c.text.trim();
                if !t.is_empty() {
                    out.push((Some(c.name.clone()), t.to_string()));
                }
            } else {
                c.leaves(out);
            }
        }
    }
}

/// A cursor over the text; every method returns `None` rather than read past the end.
struct Reader<'a> {
    s: &'a str,
    i: usize,
    depth: usize,
}

impl Reader<'_> {
    fn rest(&self) -> &str {
        &self.s[self.i..]
    }

    fn skip_ws(&mut self) {
        let r = self.rest();
        self.i += r.len() - r.trim_start().len();
    }

    fn eat(&mut self, t: &str) -> bool {
        if self.rest().starts_with(t) {
            self.i += t.len();
            true
        } else {
            false
        }
    }

    /// Skip past `end`.
    fn skip_past(&mut self, end: &str) -> Option<()> {
        let e = self.rest().find(end)?;
        self.i += e + end.len();
        Some(())
    }

    /// A tag or attribute name; the local part (after any `prefix:`).
    fn name(&mut self) -> Option<String> {
        let r = self.rest();
        let end = r
            .find(|c: char| c.is_whitespace() || matches!(c, '/' | '>' | '=' | '<' | '"' | '\''))
            .unwrap_or(r.len());
        if end == 0 {
            return None;
        }
        let n = &r[..end];
        let local = n.rsplit(':').next().unwrap_or(n).to_string();
        self.i += end;
        Some(local)
    }

    /// The element at the cursor (which is on its `<`), through its end tag.
    fn element(&mut self) -> Option<Elem> {
        self.depth += 1;
        if self.depth > MAX_DEPTH || !self.eat("<") {
            return None;
        }
        let mut e = Elem {
            name: self.name()?,
            ..Elem::default()
        };
        loop {
            self.skip_ws();
            if self.eat("/>") {
                self.depth -= 1;
                return Some(e);
            }
            if self.eat(">") {
                break;
            }
            let k = self.name()?;
            self.skip_ws();
            if !self.eat("=") {
                return None;
            }
            self.skip_ws();
            let q = self
                .rest()
                .chars()
                .next()
                .filter(|c| *c == '"' || *c == '\'')?;
            self.i += 1;
            let end = self.rest().find(q)?;
            let v = decode(&self.rest()[..end]);
            self.i += end + 1;
            e.attrs.push((k, v));
        }
        loop {
            let lt = self.rest().find('<')?;
            e.text.push_str(&decode(&self.rest()[..lt]));
            self.i += lt;
            if self.eat("</") {
                let end = self.name()?;
                self.skip_ws();
                if end != e.name || !self.eat(">") {
                    return None;
                }
                self.depth -= 1;
                return Some(e);
            } else if self.eat("<!--") {
                self.skip_past("-->")?;
            } else if self.eat("<![CDATA[") {
                let end = self.rest().find("]]>")?;
                e.text.push_str(&self.rest()[..end]);
                self.i += end + 3;
            } else if self.eat("<?") {
                self.skip_past("?>")?;
            } else if self.eat("<!") {
                self.skip_past(">")?;
            } else {
                let c = self.element()?;
                e.children.push(c);
            }
        }
    }
}

/// `&lt; &gt; &amp; &quot; &apos;` and `&#13;` / `&#x2014;`; anything else is left as written.
fn decode(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(a) = rest.find('&') {
        out.push_str(&rest[..a]);
        rest = &rest[a..];
        let semi = rest.as_bytes()[..rest.len().min(12)]
            .iter()
            .position(|&b| b == b';');
        let decoded = semi.and_then(|e| {
            let ent = &rest[1..e];
            let c = match ent {
                "lt" => '<',
                "gt" => '>',
                "amp" => '&',
                "quot" => '"',
                "apos" => '\'',
                _ => {
                    let n = ent.strip_prefix('#')?;
                    let code = match n.strip_prefix(['x', 'X']) {
                        Some(h) => u32::from_str_radix(h, 16).ok()?,
                        None => n.parse().ok()?,
                    };
                    char::from_u32(code).unwrap_or('\u{fffd}')
                }
            };
            Some((c, e + 1))
        });
        match decoded {
            Some((c, used)) => {
                out.push(c);
                rest = &rest[used..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const RENDERED: &str = include_str!("../../fixtures/formats/win-xml/wevtutil-rendered.xml");
    const PRETTY: &str = include_str!("../../fixtures/formats/win-xml/eventviewer-pretty.xml");

    /// Cut `text` into records the way the reader does, drop the wrapper lines, parse each:
    /// (1-based start line, record).
    fn read(text: &str) -> Vec<(usize, TabRecord)> {
        let ctx = TimeContext::default();
        let mut chunks: Vec<(usize, String)> = Vec::new();
        for (i, l) in text.lines().enumerate() {
            match chunks.last_mut() {
                Some((_, c)) if !is_record_start(l) => {
                    c.push('\n');
                    c.push_str(l);
                }
                _ => chunks.push((i + 1, l.to_string())),
            }
        }
        chunks
            .into_iter()
            .filter(|(_, c)| !is_header(c.split('\n').next().unwrap_or("")))
            .map(|(line, c)| {
                let r = record(&c, &ctx).unwrap_or_else(|| panic!("line {line}: {c}"));
                (line, r)
            })
            .collect()
    }

    type Row<'a> = (usize, &'a str, &'a str, &'a str, &'a str, &'a str);

    fn check(recs: &[(usize, TabRecord)], want: &[Row]) {
        let got: Vec<_> = recs
            .iter()
            .map(|(line, r)| {
                (
                    *line,
                    r.ts.map(|t| t.to_rfc3339()).unwrap_or_default(),
                    r.level.map(|l| l.as_str()).unwrap_or_default(),
                    r.service.clone().unwrap_or_default(),
                    r.host.clone().unwrap_or_default(),
                    r.message.clone(),
                )
            })
            .collect();
        let want: Vec<_> = want
            .iter()
            .map(|(line, ts, l, s, h, m)| {
                (
                    *line,
                    ts.to_string(),
                    *l,
                    s.to_string(),
                    h.to_string(),
                    m.to_string(),
                )
            })
            .collect();
        assert_eq!(got, want);
    }

    fn field<'a>(r: &'a TabRecord, name: &str) -> Option<&'a str> {
        r.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn wevtutil_rendered_xml_one_event_per_line() {
        assert!(detect(RENDERED));
        let recs = read(RENDERED);
        let h = "WEB01.corp.example.com";
        #[rustfmt::skip]
        check(&recs, &[
            (1, "2023-08-29T13:47:38.123456700Z", "info", "Service Control Manager", h,
             "The Windows Update service entered the running state."),
            (2, "2023-08-29T13:48:02.500Z", "error", "Application Error", h,
             "Faulting application name: w3wp.exe, version: 10.0.20348.1\nFaulting module name: clr.dll, version: 4.8.9139.0\nException code: 0xc0000005"),
            // Level 0 with the Audit Failure keyword is warn; `&#13;` + newline is one line break.
            (5, "2023-08-29T13:48:05.001234500Z", "warn", "Microsoft-Windows-Security-Auditing", h,
             "An account failed to log on.\n\nAccount For Which Logon Failed:\n\tAccount Name:\t\tsvc_checkout\n\tSource Network Address:\t198.51.100.23"),
            (10, "2023-08-29T14:02:10.000Z", "fatal", "Microsoft-Windows-Kernel-Power", h,
             "The system has rebooted without cleanly shutting down first. This error could be caused if the system stopped responding, crashed, or lost power \"unexpectedly\" & without warning."),
            (11, "2023-08-29T13:50:12.250Z", "warn", "Microsoft-Windows-Time-Service", h,
             "NtpClient was unable to set a domain peer to use as a time source because of discovery error. The error was: The entry is not found. (0x800706E1) \u{2014} see <w32tm /resync>."),
            // No RenderingInfo: the EventData pairs are the message.
            (12, "2023-08-30T00:05:01.100Z", "debug", "Microsoft-Windows-Kernel-PnP", h,
             "DriverNameLength=15 DriverName=\\Driver\\WudfRd Status=3221226341"),
        ]);
        let scm = &recs[0].1;
        assert_eq!(field(scm, "event_id"), Some("7036"));
        assert_eq!(field(scm, "EventRecordID"), Some("48213"));
        assert_eq!(field(scm, "ProcessID"), Some("668"));
        assert_eq!(field(scm, "ThreadID"), Some("7440"));
        assert_eq!(field(scm, "Channel"), Some("System"));
        assert_eq!(field(scm, "param1"), Some("Windows Update"));
        assert_eq!(field(scm, "ActivityID"), None);
        let logon = &recs[2].1;
        assert_eq!(
            field(logon, "ActivityID"),
            Some("E1A4C2B3-5D6F-4A7B-8C9D-0E1F2A3B4C5D")
        );
        assert_eq!(field(logon, "Keywords"), Some("0x8010000000000000"));
        assert_eq!(field(logon, "TargetUserName"), Some("svc_checkout"));
        assert_eq!(field(&recs[3].1, "UserID"), Some("S-1-5-18"));
        // Unnamed Data values are data1, data2, ...
        assert_eq!(field(&recs[1].1, "data1"), Some("w3wp.exe"));
        assert_eq!(field(&recs[1].1, "data4"), Some("0xc0000005"));
        // An empty Data value is left out.
        assert_eq!(field(&recs[5].1, "FailureName"), None);
    }

    #[test]
    fn event_viewer_pretty_xml_events_span_lines() {
        assert!(detect(PRETTY));
        let recs = read(PRETTY);
        let (sec, dc) = (
            "Microsoft-Windows-Security-Auditing",
            "DC01.corp.example.com",
        );
        #[rustfmt::skip]
        check(&recs, &[
            (3, "2023-08-29T13:47:38.123456700Z", "info", sec, dc,
             "SubjectUserSid=S-1-5-18 TargetUserName=alice TargetDomainName=CORP LogonType=3 WorkstationName=- IpAddress=203.0.113.17"),
            (29, "2023-08-29T13:48:05.500Z", "warn", sec, dc,
             "TargetUserName=svc_checkout FailureReason=%%2313 Status=0xc000006d IpAddress=198.51.100.23"),
            // UserData: its leaf elements are the pairs.
            (53, "2023-08-29T14:00:00.000Z", "info", "Microsoft-Windows-Eventlog", dc,
             "SubjectUserSid=S-1-5-21-3623811015-3361044348-30300820-1013 SubjectUserName=bob SubjectDomainName=CORP SubjectLogonId=0x3e7a1"),
            // A classic event's unnamed Data is the message as is; entities decoded.
            (79, "2023-08-29T14:01:30.250Z", "error", "MSSQLSERVER", "SQL01.corp.example.com",
             "Error: 50000 Severity: 16 State: 1 checkout <timeout>"),
            (101, "2023-08-29T14:05:00.000Z", "warn", "Microsoft-Windows-GroupPolicy", "APP02.corp.example.com",
             "ErrorCode=1222 ErrorDescription=\"The network is not present or not started.\""),
            // A comment is skipped and CDATA kept verbatim.
            (123, "2023-08-29T14:10:00.000Z", "info", "Microsoft-Windows-Kernel-General", "APP02.corp.example.com",
             "HiveName=\\??\\C:\\Users\\alice\\ntuser.dat"),
        ]);
        let gp = &recs[4].1;
        assert_eq!(
            field(gp, "ActivityID"),
            Some("7B3F1E20-9C41-4D2A-8E55-0A1B2C3D4E5F")
        );
        assert_eq!(
            field(gp, "RelatedActivityID"),
            Some("00000000-0000-0000-0000-000000000001")
        );
        assert_eq!(field(gp, "event_id"), Some("1129"));
        assert_eq!(field(gp, "EventRecordID"), Some("48230"));
        assert_eq!(field(gp, "ProcessID"), Some("1428"));
        // `-` values are not kept as fields (they stay in the message).
        assert_eq!(field(&recs[0].1, "WorkstationName"), None);
        assert_eq!(field(&recs[3].1, "event_id"), Some("17063"));
    }

    #[test]
    fn record_starts_and_wrapper_lines() {
        assert!(is_record_start(
            "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'>"
        ));
        assert!(is_record_start(
            "<?xml version=\"1.0\"?><Events><Event xmlns=\"x\">"
        ));
        assert!(is_record_start("  <Event>"));
        for line in [
            "  <EventData>",
            "<EventID>7036</EventID>",
            "<EventRecordID>1</EventRecordID>",
            "  </Event>",
            "text",
        ] {
            assert!(!is_record_start(line), "{line}");
        }
        for line in [
            "<?xml version=\"1.0\" encoding=\"utf-16\"?>",
            "<Events>",
            "</Events>",
            "\u{feff}<?xml version=\"1.0\"?><Events>",
        ] {
            assert!(is_header(line), "{line}");
            assert!(is_record_start(line), "{line}");
        }
        assert!(!is_header(
            "<?xml version=\"1.0\"?><Events><Event xmlns=\"x\">"
        ));
        assert!(!is_header(""));
        // The whole export on one line: the first event is read.
        let one = format!(
            "<?xml version=\"1.0\"?><Events>{}</Events>",
            RENDERED.lines().next().unwrap()
        );
        let r = record(&one, &TimeContext::default()).unwrap();
        assert_eq!(r.service.as_deref(), Some("Service Control Manager"));
    }

    #[test]
    fn other_text_is_not_windows_xml() {
        for head in [
            "",
            "2023-08-29 13:47:38 INFO <Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'>",
            "<html><body>hi</body></html>",
            "{\"msg\":\"<Event>\"}",
            include_str!("../../fixtures/formats/win-csv/get-winevent.csv"),
            include_str!("../../fixtures/formats/w3c-iis/u_ex230829.log"),
        ] {
            assert!(!detect(head), "{head}");
        }
    }

    #[test]
    fn truncated_or_garbled_events_are_none_and_never_panic() {
        let ctx = TimeContext::default();
        let first = RENDERED.lines().next().unwrap();
        for bad in [
            "",
            "<Event",
            "<Event>",
            "<Event></Event>",
            "<Event><System></Event>",
            "<Event><System><EventID>1</EventID></System>",
            "<Event><System a=b></System></Event>",
            "<Event><System a='b></System></Event>",
            "<Event><System><!-- open</System></Event>",
            "<Event><System><![CDATA[x</System></Event>",
            "<Event><System></Sys></Event>",
            "<Event><System><<</System></Event>",
            "<Event xmlns='x'>&#xFFFFFFFF;&#;&bogus;</Event>",
        ] {
            assert_eq!(record(bad, &ctx), None, "{bad}");
        }
        // Deep nesting stops at the limit instead of overflowing the stack.
        let deep = format!("<Event><System>{}</System></Event>", "<a>".repeat(100_000));
        assert_eq!(record(&deep, &ctx), None);
        // Every cut of a real event: a prefix is never a whole event.
        for (i, _) in first.char_indices() {
            assert_eq!(record(&first[..i], &ctx), None);
            let _ = record(&first[i..], &ctx);
            let _ = is_record_start(&first[i..]);
            let _ = is_header(&first[i..]);
            let _ = detect(&first[i..]);
        }
        for (i, _) in PRETTY.char_indices().step_by(7) {
            let _ = record(&PRETTY[..i], &ctx);
            let _ = record(&PRETTY[i..], &ctx);
        }
        // Odd entities and characters decode without panicking.
        let odd = first.replace(
            "The Windows Update service entered the running state.",
            "&#xD800; &#99999999; &amp &lt;&#x41;&#66;é",
        );
        let r = record(&odd, &ctx).unwrap();
        assert_eq!(r.message, "\u{fffd} \u{fffd} &amp <AB\u{e9}");
    }
}
