//! One log record (possibly several lines) through everything the parser does with it:
//! record-start detection and event parsing with every dialect (and none), dialect detection,
//! the text an event is clustered by, and the logfmt / free-text key=value scanners.
//!
//! Properties checked, for every dialect (and none) under every time context:
//! - the event keeps the record as it was given: `raw` is the input, lines joined by `\n`
//!   exactly as they came (the evidence is never rewritten);
//! - `source` and `line` are the ones given;
//! - a timestamp the event has round-trips through the contract's RFC 3339 form;
//! - parsing is deterministic: the same record gives the same event a second time.
#![no_main]

use std::sync::{Arc, OnceLock};

use casefile::model::Timestamp;
use casefile::parse::{fields, logfmt_pairs, Parser, TimeContext};
use libfuzzer_sys::fuzz_target;

fn parser() -> &'static Parser {
    static P: OnceLock<Parser> = OnceLock::new();
    P.get_or_init(Parser::default_parser)
}

fn contexts() -> &'static [TimeContext] {
    static C: OnceLock<Vec<TimeContext>> = OnceLock::new();
    C.get_or_init(|| {
        vec![
            TimeContext::default(),
            // A year hint, a reference time (year roll-back) and a named zone (DST gaps/folds).
            TimeContext {
                tz: Some(jiff::tz::TimeZone::get("Europe/Paris").expect("tz database")),
                year_hint: 2026,
                reference: Some(Timestamp::from_secs(1_767_225_600)), // 2026-01-01
                ..TimeContext::default()
            },
        ]
    })
}

fuzz_target!(|bytes: &[u8]| {
    let parser = parser();
    let source: Arc<str> = "fuzz/svc.log".into();
    let text = String::from_utf8_lossy(bytes).into_owned();

    let _ = parser.detect(bytes, &TimeContext::default());

    let dialects = std::iter::once(None).chain((0..parser.dialects.len()).map(Some));
    for d in dialects {
        let _ = parser.is_event_start(d, bytes);
        for tctx in contexts() {
            let ev = parser.event(d, text.clone(), &source, 1, Some("svc"), tctx);
            // The event keeps the record as it was given.
            assert_eq!(ev.raw, text);
            assert_eq!((&*ev.source, ev.line), ("fuzz/svc.log", 1));
            if let Some(ts) = ev.ts {
                let written = ts.to_rfc3339();
                assert_eq!(
                    TimeContext::default().parse(&written),
                    Some(ts),
                    "event time {ts:?} written as {written:?} does not read back"
                );
            }
            let again = parser.event(d, text.clone(), &source, 1, Some("svc"), tctx);
            assert_eq!(ev, again, "the same record parsed twice differs");
            let _ = parser.follow_ids(&ev).count();
            // What the event is clustered by (stack traces keyed by type and frames).
            let _ = casefile::signatures::cluster_text(&ev);
        }
    }

    let _ = logfmt_pairs(&text);
    let _ = fields::text_pairs(&text).count();
});
