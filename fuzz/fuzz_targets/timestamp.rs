//! Timestamp parsing: whole strings, prefixes, and epoch numbers, read with and without a year
//! hint, a reference time (year roll-back) and a named time zone (DST gaps and folds).
#![no_main]

use std::sync::OnceLock;

use casefile::model::Timestamp;
use casefile::parse::TimeContext;
use libfuzzer_sys::fuzz_target;

fn contexts() -> &'static [TimeContext] {
    static C: OnceLock<Vec<TimeContext>> = OnceLock::new();
    C.get_or_init(|| {
        let paris = jiff::tz::TimeZone::get("Europe/Paris").expect("tz database");
        let jan_2027 = Some(Timestamp::from_secs(1_798_761_600 + 86_400)); // 2027-01-02
        vec![
            TimeContext::default(),
            TimeContext {
                tz: None,
                year_hint: 2027,
                reference: jan_2027,
            },
            TimeContext {
                tz: Some(paris.clone()),
                year_hint: 1970,
                reference: None,
            },
            TimeContext {
                tz: Some(paris),
                year_hint: 2027,
                reference: jan_2027,
            },
        ]
    })
}

fuzz_target!(|bytes: &[u8]| {
    let s = String::from_utf8_lossy(bytes);
    // An f64 from the raw bits (NaN, infinities, subnormals, huge values) and from the text.
    let mut raw = [0u8; 8];
    let n = bytes.len().min(8);
    raw[..n].copy_from_slice(&bytes[..n]);
    let numbers = [f64::from_le_bytes(raw), s.trim().parse::<f64>().unwrap_or(0.0)];

    for ctx in contexts() {
        let whole = ctx.parse(&s);
        if let Some((ts, used)) = ctx.parse_prefix(&s) {
            assert!(used <= s.len(), "prefix length {used} past the end");
            assert!(s.is_char_boundary(used));
            let _ = ts.to_rfc3339();
        }
        if let Some(ts) = whole {
            let _ = ts.to_rfc3339();
        }
        for &x in &numbers {
            if let Some(ts) = ctx.from_number(x) {
                let _ = ts.to_rfc3339();
            }
        }
    }
});
