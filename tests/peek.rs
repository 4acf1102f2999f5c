//! `RawEvent::peek` (time, level, service and dialect without the full parse) says exactly what
//! the full parse says, on every record of every fixture, scenario and loghub sample it answers
//! for; and it answers for the common dialects (else it saves nothing).

mod common;

use std::collections::BTreeMap;
use std::sync::Mutex;

use casefile::parse::Parser;
use casefile::source::{expand_inputs, read_sources, RawEvent, ReadOptions, Visitor};

struct Check<'a> {
    parser: &'a Parser,
    /// Records peeked, by dialect.
    peeked: Mutex<BTreeMap<String, u64>>,
}

impl Visitor for Check<'_> {
    type Acc = ();
    fn new_acc(&self) {}
    fn visit(&self, _: &mut (), ev: RawEvent<'_>) {
        let Some(p) = ev.peek(self.parser) else {
            return;
        };
        let (ts, level, service, dialect) = (
            p.ts,
            p.level,
            p.service.map(str::to_string),
            p.dialect.to_string(),
        );
        let e = ev.to_event(self.parser);
        let what = format!("{}:{}: {:?}", e.source, e.line, e.raw.lines().next());
        assert_eq!(Some(ts), e.ts, "time differs, {what}");
        assert_eq!(Some(level), e.level, "level differs, {what}");
        assert_eq!(service, e.service, "service differs, {what}");
        assert_eq!(dialect, &*e.dialect, "dialect differs, {what}");
        *self
            .peeked
            .lock()
            .unwrap()
            .entry(dialect.to_string())
            .or_default() += 1;
    }
    fn rebase(&self, _: &mut (), _: u64) {}
}

#[test]
fn peek_agrees_with_the_full_parse() {
    let root = common::root();
    let mut args = vec![root.join("fixtures").to_string_lossy().into_owned()];
    args.push(common::shared_scenarios().to_string_lossy().into_owned());
    args.push(
        root.join("../shared/data/loghub-2k")
            .to_string_lossy()
            .into_owned(),
    );
    let (inputs, _) = expand_inputs(&args, false);
    assert!(inputs.len() > 50);
    let parser = Parser::default_parser();
    let v = Check {
        parser: &parser,
        peeked: Mutex::new(BTreeMap::new()),
    };
    read_sources(&inputs, &parser, &ReadOptions::default(), &v);
    let peeked = v.peeked.into_inner().unwrap();
    eprintln!("peeked: {peeked:?}");
    // (syslog-3164 lines without a PRI take their level from the message: not peeked.)
    for d in [
        "spring", "python", "access", "logback", "klog", "envoy", "oslo", "json", "logfmt",
        "cri+json",
    ] {
        assert!(
            peeked.get(d).copied().unwrap_or(0) > 0,
            "no {d} record was peeked: {peeked:?}"
        );
    }
}
