//! Files whose header declares the columns (W3C / IIS `#Fields:`, AWS VPC flow logs, CSV with a
//! header row) and Windows events as XML: `Tabular::detect` on the head, then every line through
//! `is_header` / `is_record_start`, records cut as the reader cuts them, each read with
//! `Parser::event_tabular`.
//!
//! The bytes are the file; when they are no such file, they are also read as the rows under a
//! header chosen by the input's length (W3C, VPC, PowerShell CSV, Event Viewer CSV, an
//! `<Events>` wrapper), so the row readers see arbitrary rows.
//!
//! Properties checked, under two time contexts (UTC; Europe/Paris with a plausible range):
//! - `raw` is the record as given (its lines joined by `\n`) and `line` its first line;
//! - the event's `ts` reads back from its RFC 3339 form, and lies in the plausible range
//!   when one is set;
//! - the same record gives the same event twice;
//! - a header line is a record start too (so it never glues onto the record before it), and
//!   a record that starts with a header line is not read as a row of the layout;
//! - detection is a function of the head: the same head gives the same layout name.
#![no_main]

use std::sync::{Arc, OnceLock};

use casefile::model::Timestamp;
use casefile::parse::{DayAnchor, Parser, Tabular, TimeContext};
use libfuzzer_sys::fuzz_target;

fn parser() -> &'static Parser {
    static P: OnceLock<Parser> = OnceLock::new();
    P.get_or_init(Parser::default_parser)
}

fn at(s: &str) -> Timestamp {
    TimeContext::default().parse(s).expect("a fixed time")
}

fn contexts() -> &'static [TimeContext] {
    static C: OnceLock<Vec<TimeContext>> = OnceLock::new();
    C.get_or_init(|| {
        vec![
            TimeContext::default(),
            TimeContext {
                tz: Some(jiff::tz::TimeZone::get("Europe/Paris").expect("tz database")),
                year_hint: 2026,
                reference: Some(at("2026-11-29T00:10:00Z")),
                day: Some(DayAnchor::Before(at("2026-11-29T00:10:00Z"))),
                plausible: Some((at("2022-01-01T00:00:00Z"), at("2027-12-01T00:00:00Z"))),
            },
        ]
    })
}

const HEADERS: &[&str] = &[
    "#Software: Microsoft Internet Information Services 10.0\n#Version: 1.0\n#Date: 2026-11-28 22:00:00\n#Fields: date time s-sitename s-computername s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) sc-status sc-substatus time-taken\n",
    "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n",
    "#TYPE System.Diagnostics.Eventing.Reader.EventLogRecord\n\"Message\",\"Id\",\"Version\",\"Qualifiers\",\"Level\",\"Task\",\"Opcode\",\"Keywords\",\"RecordId\",\"ProviderName\",\"ProviderId\",\"LogName\",\"ProcessId\",\"ThreadId\",\"MachineName\",\"UserId\",\"TimeCreated\",\"LevelDisplayName\"\n",
    "Level,Date and Time,Source,Event ID,Task Category\n",
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Events>\n<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='x'/><TimeCreated SystemTime='2026-11-28T22:00:00.1234567Z'/></System></Event>\n",
];

fn read(text: &str) {
    let parser = parser();
    let source: Arc<str> = "fuzz/events.csv".into();
    let mut cut = text.len().min(64 << 10);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let head = &text[..cut];
    let Some(tab) = Tabular::detect(head) else {
        return;
    };
    let again = Tabular::detect(head).map(|t| t.name());
    assert_eq!(
        again,
        Some(tab.name()),
        "detection differs on the same head"
    );

    let lines: Vec<&str> = text.split('\n').take(64).collect();
    let mut records: Vec<(u64, String)> = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let l1 = l.strip_suffix('\r').unwrap_or(l);
        let start = tab.is_record_start(l1);
        if tab.is_header(l1) && !l1.trim().is_empty() {
            assert!(
                start,
                "{l1:?} is a header but no record start ({})",
                tab.name()
            );
        }
        match records.last_mut() {
            Some((_, r)) if !start => {
                r.push('\n');
                r.push_str(l);
            }
            _ => records.push((i as u64 + 1, l.to_string())),
        }
    }
    for (line, raw) in records {
        let first = raw.split('\n').next().unwrap_or("");
        let header = tab.is_header(first.strip_suffix('\r').unwrap_or(first));
        for tctx in contexts() {
            let ev = parser.event_tabular(&tab, raw.clone(), &source, line, None, tctx);
            assert_eq!(ev.raw, raw, "raw is not the record as given");
            assert_eq!((&*ev.source, ev.line), ("fuzz/events.csv", line));
            if header {
                assert_ne!(
                    &*ev.dialect,
                    tab.name(),
                    "the header {first:?} was read as a row"
                );
            }
            if let Some(ts) = ev.ts {
                let written = ts.to_rfc3339();
                assert_eq!(
                    TimeContext::default().parse(&written),
                    Some(ts),
                    "event time {ts:?} written as {written:?} does not read back"
                );
                if let Some((lo, hi)) = tctx.plausible {
                    assert!(
                        lo <= ts && ts <= hi,
                        "{raw:?}: ts {ts:?} outside the plausible range"
                    );
                }
            }
            let again = parser.event_tabular(&tab, raw.clone(), &source, line, None, tctx);
            assert_eq!(ev, again, "the same record parsed twice differs");
        }
    }
}

fuzz_target!(|bytes: &[u8]| {
    let bytes = &bytes[..bytes.len().min(16 << 10)];
    let text = String::from_utf8_lossy(bytes).into_owned();
    if Tabular::detect(&text).is_some() {
        read(&text);
    } else {
        let h = HEADERS[bytes.len() % HEADERS.len()];
        read(&format!("{h}{text}"));
    }
});
