//! Table-driven dialect tests: one real-looking line per dialect and what it must yield.

use super::*;

fn parse_line(line: &str) -> (Event, Option<String>) {
    let p = Parser::default_parser();
    let tctx = TimeContext {
        year_hint: 2026,
        ..Default::default()
    };
    let d = p.detect(line.as_bytes(), &tctx);
    let src: Arc<str> = "test.log".into();
    let e = p.event(d, line.to_string(), &src, 1, Some("pathsvc"), &tctx);
    (e, d.map(|i| p.dialects[i].name.to_string()))
}
