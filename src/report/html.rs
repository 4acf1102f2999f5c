//! One self-contained HTML page: a timeline with one lane per service, errors marked, each event opening to its raw text.
//!
//! The page is rendered server-side: every piece of event text (message, raw, service, source,
//! level, signature) goes through [`esc`], so a log line such as `</script><script>…` or
//! `<img src=x onerror=…>` ends up as inert text. The small inline script only moves existing,
//! already escaped nodes around (`cloneNode`, `textContent`, attributes); it never parses
//! markup. Nothing is loaded from anywhere: inline CSS, inline SVG, inline script, a
//! Content-Security-Policy of `default-src 'none'` and no URL in the template at all.
//!
//! Layout, top to bottom:
//! - header: title, subtitle, counts per service and per level, notes. The counts are the
//!   request's own events; context events (`--window`) are counted apart;
//! - the summary ([`HtmlReport::summary`], an already escaped fragment), when given;
//! - the filter bar: checkboxes for context, each service and each level present, all checked.
//!   They are siblings of `<main>`, so CSS alone hides what an unchecked box names
//!   (`#fs0:not(:checked) ~ main ...`): the filters work with JavaScript off, and the page
//!   shows every event as long as none is unchecked;
//! - an SVG timeline: one lane per service (`<g class="lane" data-lane="SERVICE" data-s="K">`,
//!   K its index, lanes in order of first appearance), x = time from the first to the last
//!   event, one mark per event (`<circle class="mark" data-idx="I">`, I = index into
//!   [`HtmlReport::events`]); error and fatal are red and larger, warn amber, context events
//!   hollow and lighter. Within a lane context marks are drawn first, so the request's marks
//!   are on top of them. Marks are focusable: click, or Enter/Space, shows the event below the
//!   timeline; arrow keys step through time (over the marks a filter hides);
//! - every event in time order as a `<details id="eI" data-idx="I" data-s="K">` row (time,
//!   service, level, message) that opens to `source:line` and the raw text in a `<pre>`.
//!
//! `report.html#ev=I` selects event I on load. The script sets `data-ready="1"` on `<html>`
//! when it has run, which the browser test looks for.
//!
//! Order: events are stably sorted by time; an event without a time keeps its place right after
//! the event before it in the input (and is drawn a few pixels to the right of it).
//! Output is deterministic: the same input gives the same bytes.

use std::fmt::Write as _;

/// One event as the page shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HtmlEvent {
    /// RFC 3339, UTC, as shown.
    pub ts: Option<String>,
    /// Nanoseconds since the Unix epoch: the x position.
    pub ts_nanos: Option<i64>,
    pub service: String,
    /// trace, debug, info, warn, error, fatal.
    pub level: Option<String>,
    pub source: String,
    /// 1-based line in `source`.
    pub line: Option<u64>,
    pub message: String,
    /// Every physical line of the event, joined by `\n`.
    pub raw: String,
    /// Added around the traced events (`--window`), not part of the trace itself.
    pub context: bool,
    pub signature: Option<String>,
}

/// The whole page.
#[derive(Debug, Clone, Copy, Default)]
pub struct HtmlReport<'a> {
    pub title: &'a str,
    /// E.g. the ids and the time span.
    pub subtitle: &'a str,
    pub events: &'a [HtmlEvent],
    pub notes: &'a [String],
    /// An HTML fragment, ALREADY ESCAPED by its producer (the bundle's summary: a
    /// `<section class="summary">` with what failed, stacks, ids, signatures, the rebuilt
    /// request, the command). Written as it is between the header and the timeline; empty: none.
    pub summary: &'a str,
}

// SVG geometry, in viewBox units (the SVG scales to the page width).
const VIEW_W: f64 = 1200.0;
const LABEL_RIGHT: f64 = 172.0;
const PLOT_X0: f64 = 192.0;
const PLOT_X1: f64 = 1180.0;
const LANE_H: f64 = 26.0;
const TOP: f64 = 6.0;
const AXIS_H: f64 = 30.0;
/// How far to the right of its predecessor an event without a time is drawn.
const UNTIMED_STEP: f64 = 8.0;
/// Longest lane label before it is cut (the full name stays in a tooltip).
const LABEL_CHARS: usize = 22;
/// Longest message in a mark's label / tooltip.
const ARIA_CHARS: usize = 120;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Sev {
    Fatal,
    Error,
    Warn,
    Info,
    Debug,
    Trace,
    Other,
    Unset,
}

impl Sev {
    fn of(level: Option<&str>) -> Sev {
        let Some(l) = level else { return Sev::Unset };
        match l.trim().to_ascii_lowercase().as_str() {
            "fatal" | "crit" | "critical" | "emerg" | "alert" | "panic" => Sev::Fatal,
            "error" | "err" | "severe" => Sev::Error,
            "warn" | "warning" => Sev::Warn,
            "info" | "notice" | "information" => Sev::Info,
            "debug" | "fine" => Sev::Debug,
            "trace" | "finer" | "finest" => Sev::Trace,
            "" => Sev::Unset,
            _ => Sev::Other,
        }
    }

    /// CSS class suffix.
    fn class(self) -> &'static str {
        match self {
            Sev::Fatal => "fatal",
            Sev::Error => "error",
            Sev::Warn => "warn",
            Sev::Info => "info",
            Sev::Debug => "debug",
            Sev::Trace => "trace",
            Sev::Other => "other",
            Sev::Unset => "none",
        }
    }

    fn radius(self) -> &'static str {
        match self {
            Sev::Fatal | Sev::Error => "6.5",
            Sev::Warn => "5",
            _ => "4",
        }
    }

    /// Drawing order inside a lane: errors last, so they sit on top.
    fn paint_rank(self) -> u8 {
        match self {
            Sev::Fatal | Sev::Error => 3,
            Sev::Warn => 2,
            Sev::Info | Sev::Other | Sev::Unset => 1,
            Sev::Debug | Sev::Trace => 0,
        }
    }
}

/// HTML-escapes text for element content and double-quoted attribute values. C0 control
/// characters (other than tab, newline, carriage return) and DEL become their visible Unicode
/// "control pictures", C1 controls and bidi overrides/isolates become `\x85`, `\u{202e}`, so
/// odd bytes in a log line stay visible, cannot reorder the text around them, and the document
/// stays valid.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    esc_into(&mut out, s);
    out
}

fn esc_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            '\u{0}'..='\u{1f}' => out.push(char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}')),
            '\u{7f}' => out.push('\u{2421}'),
            // C1 controls and bidi overrides/isolates (which can reorder what is shown, as in
            // Trojan Source) are written out as `\x85`, `\u{202e}`: visible, and inert.
            '\u{80}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {
                crate::report::terminal::show_char(out, c)
            }
            // Harmless in HTML text, but line terminators elsewhere: keep them out of the bytes.
            '\u{2028}' => out.push_str("&#x2028;"),
            '\u{2029}' => out.push_str("&#x2029;"),
            _ => out.push(c),
        }
    }
}

/// At most `n` characters, with an ellipsis when cut; newlines flattened to spaces.
fn clip(s: &str, n: usize) -> String {
    let flat = s.trim();
    let mut out = String::new();
    for (i, c) in flat.chars().enumerate() {
        if i == n {
            out.push('…');
            break;
        }
        out.push(if c == '\n' || c == '\r' || c == '\t' {
            ' '
        } else {
            c
        });
    }
    out
}

/// The event indexes in display order: stable by time; an event without a time inherits the
/// time of the event before it in the input, so it stays right after it.
fn display_order(events: &[HtmlEvent]) -> Vec<usize> {
    let mut key = Vec::with_capacity(events.len());
    let mut last = i64::MIN;
    for e in events {
        if let Some(t) = e.ts_nanos {
            last = t;
        }
        key.push(last);
    }
    let mut order: Vec<usize> = (0..events.len()).collect();
    order.sort_by_key(|&i| key[i]);
    order
}

/// Lanes in order of first appearance (in display order).
fn lanes<'e>(events: &'e [HtmlEvent], order: &[usize]) -> Vec<&'e str> {
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for &i in order {
        let s = events[i].service.as_str();
        if seen.insert(s) {
            out.push(s);
        }
    }
    out
}

struct Scale {
    t0: i64,
    t1: i64,
}

impl Scale {
    fn x(&self, t: i64) -> f64 {
        if self.t1 <= self.t0 {
            return (PLOT_X0 + PLOT_X1) / 2.0;
        }
        let f = (t as f64 - self.t0 as f64) / (self.t1 as f64 - self.t0 as f64);
        PLOT_X0 + f * (PLOT_X1 - PLOT_X0)
    }
}

/// x of every event (indexed like `events`), and the time scale when any event has a time.
fn positions(events: &[HtmlEvent], order: &[usize]) -> (Vec<f64>, Option<Scale>) {
    let times = events.iter().filter_map(|e| e.ts_nanos);
    let scale = match (times.clone().min(), times.max()) {
        (Some(t0), Some(t1)) => Some(Scale { t0, t1 }),
        _ => None,
    };
    let mut xs = vec![PLOT_X0; events.len()];
    match &scale {
        Some(sc) => {
            let mut prev: Option<f64> = None;
            for &i in order {
                let x = match events[i].ts_nanos {
                    Some(t) => sc.x(t),
                    None => prev.map_or(PLOT_X0, |p| (p + UNTIMED_STEP).min(PLOT_X1)),
                };
                xs[i] = x;
                prev = Some(x);
            }
        }
        None => {
            // No times at all: spread evenly in input order.
            let n = order.len();
            for (k, &i) in order.iter().enumerate() {
                xs[i] = if n <= 1 {
                    (PLOT_X0 + PLOT_X1) / 2.0
                } else {
                    PLOT_X0 + (PLOT_X1 - PLOT_X0) * k as f64 / (n - 1) as f64
                };
            }
        }
    }
    (xs, scale)
}

const NS: i64 = 1;
const US: i64 = 1_000 * NS;
const MS: i64 = 1_000 * US;
const SEC: i64 = 1_000 * MS;
const MIN: i64 = 60 * SEC;
const HOUR: i64 = 60 * MIN;
const DAY: i64 = 24 * HOUR;

const TICK_STEPS: &[i64] = &[
    US,
    2 * US,
    5 * US,
    10 * US,
    20 * US,
    50 * US,
    100 * US,
    200 * US,
    500 * US,
    MS,
    2 * MS,
    5 * MS,
    10 * MS,
    20 * MS,
    50 * MS,
    100 * MS,
    200 * MS,
    500 * MS,
    SEC,
    2 * SEC,
    5 * SEC,
    10 * SEC,
    15 * SEC,
    30 * SEC,
    MIN,
    2 * MIN,
    5 * MIN,
    10 * MIN,
    15 * MIN,
    30 * MIN,
    HOUR,
    2 * HOUR,
    3 * HOUR,
    6 * HOUR,
    12 * HOUR,
    DAY,
    2 * DAY,
    7 * DAY,
    14 * DAY,
    30 * DAY,
    90 * DAY,
    365 * DAY,
];

/// Civil date from days since 1970-01-01 (proleptic Gregorian).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn tick_label(t: i64, step: i64) -> String {
    let day = t.div_euclid(DAY);
    let in_day = t.rem_euclid(DAY);
    if step >= DAY {
        let (y, m, d) = civil(day);
        return format!("{y:04}-{m:02}-{d:02}");
    }
    let (h, mi, s) = (in_day / HOUR, in_day % HOUR / MIN, in_day % MIN / SEC);
    let frac = in_day % SEC;
    if step < MS {
        format!("{h:02}:{mi:02}:{s:02}.{:06}", frac / US)
    } else if step < SEC {
        format!("{h:02}:{mi:02}:{s:02}.{:03}", frac / MS)
    } else if step < MIN {
        format!("{h:02}:{mi:02}:{s:02}")
    } else {
        format!("{h:02}:{mi:02}")
    }
}

/// "2.345 s", "850 ms", "3 min 12 s"…
fn span_text(ns: i64) -> String {
    if ns < MS {
        format!("{:.1} µs", ns as f64 / US as f64)
    } else if ns < SEC {
        format!("{:.1} ms", ns as f64 / MS as f64)
    } else if ns < MIN {
        format!("{:.3} s", ns as f64 / SEC as f64)
    } else if ns < HOUR {
        format!("{} min {} s", ns / MIN, ns % MIN / SEC)
    } else if ns < DAY {
        format!("{} h {} min", ns / HOUR, ns % HOUR / MIN)
    } else {
        format!("{} d {} h", ns / DAY, ns % DAY / HOUR)
    }
}

/// Short time for the list and the marks: the part after the `T`, without a trailing `Z`.
fn short_ts(ts: Option<&str>) -> &str {
    match ts {
        None => "—",
        Some(t) => {
            let t = t.split_once('T').map_or(t, |(_, b)| b);
            t.strip_suffix('Z').unwrap_or(t)
        }
    }
}

fn service_label(s: &str) -> &str {
    if s.is_empty() {
        "(no service)"
    } else {
        s
    }
}

fn level_label(e: &HtmlEvent) -> &str {
    match e.level.as_deref() {
        Some(l) if !l.trim().is_empty() => l,
        _ => "—",
    }
}

fn mark_class(e: &HtmlEvent) -> String {
    let sev = Sev::of(e.level.as_deref());
    if e.context {
        format!("mark l-{} ctx", sev.class())
    } else {
        format!("mark l-{}", sev.class())
    }
}

/// Renders the page. See the module documentation for what it contains.
pub fn render(r: &HtmlReport) -> String {
    let events = r.events;
    let order = display_order(events);
    let lanes = lanes(events, &order);
    let mut out = String::with_capacity(16 * 1024 + events.len() * 512);

    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n",
    );
    out.push_str("<meta name=\"referrer\" content=\"no-referrer\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(out, "<title>{}</title>", esc(r.title));
    out.push_str("<style>\n");
    out.push_str(CSS);
    filter_css(&mut out, lanes.len());
    out.push_str("</style>\n</head>\n<body>\n");

    header(&mut out, r, &order, &lanes);
    if !r.summary.is_empty() {
        out.push_str(r.summary);
        if !r.summary.ends_with('\n') {
            out.push('\n');
        }
    }

    if events.is_empty() {
        out.push_str("<main>\n<p class=\"empty\" id=\"empty\">no events</p>\n</main>\n");
    } else {
        filters(&mut out, events, &lanes);
        out.push_str("<main>\n");
        timeline(&mut out, events, &order, &lanes);
        list(&mut out, events, &order, &lanes);
        out.push_str("</main>\n");
    }

    out.push_str("<div id=\"tip\" class=\"tip\" role=\"tooltip\" hidden></div>\n");
    out.push_str("<script>\n");
    out.push_str(JS);
    out.push_str("</script>\n</body>\n</html>\n");
    out
}

fn header(out: &mut String, r: &HtmlReport, order: &[usize], lanes: &[&str]) {
    let events = r.events;
    out.push_str("<header>\n");
    let _ = writeln!(out, "<h1>{}</h1>", esc(r.title));
    if !r.subtitle.is_empty() {
        let _ = writeln!(out, "<p class=\"sub\">{}</p>", esc(r.subtitle));
    }

    // The request's own events are counted; context (`--window`) is counted apart.
    let ctx = events.iter().filter(|e| e.context).count();
    let own = events.len() - ctx;
    let own_lanes = lanes
        .iter()
        .filter(|s| events.iter().any(|e| !e.context && e.service == **s))
        .count();
    let lanes_n = if ctx > 0 { own_lanes } else { lanes.len() };
    let mut times: Vec<i64> = order
        .iter()
        .filter(|&&i| !events[i].context)
        .filter_map(|&i| events[i].ts_nanos)
        .collect();
    if times.is_empty() {
        times = order.iter().filter_map(|&i| events[i].ts_nanos).collect();
    }
    let _ = write!(
        out,
        "<p class=\"sum\"><b>{}</b> event{}{} in <b>{}</b> service{}",
        own,
        if own == 1 { "" } else { "s" },
        if ctx > 0 { " of the request" } else { "" },
        lanes_n,
        if lanes_n == 1 { "" } else { "s" }
    );
    if let (Some(a), Some(b)) = (times.iter().min(), times.iter().max()) {
        let _ = write!(out, ", spanning <b>{}</b>", esc(&span_text(b - a)));
    }
    let untimed = events.iter().filter(|e| e.ts_nanos.is_none()).count();
    if untimed > 0 {
        let _ = write!(out, " ({untimed} without a time)");
    }
    if ctx > 0 {
        let _ = write!(
            out,
            "; <b>{ctx}</b> context event{} of the same services around it (--window)",
            if ctx == 1 { "" } else { "s" }
        );
    }
    out.push_str("</p>\n");

    if !events.is_empty() {
        out.push_str(
            "<div class=\"counts\">\n<div class=\"crow\"><span class=\"ch\">services</span>",
        );
        for s in lanes {
            let n = events
                .iter()
                .filter(|e| !e.context && e.service == *s)
                .count();
            let c = events
                .iter()
                .filter(|e| e.context && e.service == *s)
                .count();
            let errs = events
                .iter()
                .filter(|e| {
                    !e.context && e.service == *s && Sev::of(e.level.as_deref()) <= Sev::Error
                })
                .count();
            let _ = write!(
                out,
                "<span class=\"chip{}\">{} <b>{}</b>",
                if errs > 0 { " has-err" } else { "" },
                esc(service_label(s)),
                n
            );
            if c > 0 {
                let _ = write!(out, " <span class=\"cx\">+{c} context</span>");
            }
            out.push_str("</span>");
        }
        out.push_str("</div>\n<div class=\"crow\"><span class=\"ch\">levels</span>");
        for (s, n) in levels(events.iter().filter(|e| !e.context)) {
            let name = if s == Sev::Unset {
                "no level"
            } else {
                s.class()
            };
            let _ = write!(
                out,
                "<span class=\"chip lv l-{}\"><i></i>{} <b>{}</b></span>",
                s.class(),
                name,
                n
            );
        }
        if ctx > 0 {
            let _ = write!(
                out,
                "<span class=\"chip lv ctx\"><i></i>context <b>{ctx}</b></span>"
            );
        }
        out.push_str("</div>\n</div>\n");
    }

    if !r.notes.is_empty() {
        out.push_str("<ul class=\"notes\">\n");
        for n in r.notes {
            let _ = writeln!(out, "<li>{}</li>", esc(n));
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</header>\n");
}

/// The levels among `events`, most severe first, with their counts.
fn levels<'e>(events: impl Iterator<Item = &'e HtmlEvent>) -> Vec<(Sev, usize)> {
    let mut by_level: Vec<(Sev, usize)> = Vec::new();
    for e in events {
        let s = Sev::of(e.level.as_deref());
        match by_level.iter_mut().find(|(k, _)| *k == s) {
            Some((_, n)) => *n += 1,
            None => by_level.push((s, 1)),
        }
    }
    by_level.sort();
    by_level
}

/// The index of `service` among the lanes (`data-s` of its lane and of its rows).
fn lane_of(lanes: &[&str], service: &str) -> usize {
    lanes.iter().position(|l| *l == service).unwrap_or(0)
}

const ALL_SEVS: [Sev; 8] = [
    Sev::Fatal,
    Sev::Error,
    Sev::Warn,
    Sev::Info,
    Sev::Debug,
    Sev::Trace,
    Sev::Other,
    Sev::Unset,
];

/// The rules behind the filter bar: an unchecked box hides the marks and the list rows it
/// names. Plain CSS (`#box:not(:checked) ~ main ...`), no script: with JavaScript off the
/// filters still work, and with every box checked (the default) every event is shown.
/// Services are named by their lane index, never by their text.
fn filter_css(out: &mut String, lanes: usize) {
    let hide = |out: &mut String, id: &str, what: &str| {
        let _ = writeln!(
            out,
            "#{id}:not(:checked)~main .mark{what},#{id}:not(:checked)~main .ev{what}{{display:none}}"
        );
    };
    hide(out, "f-ctx", ".ctx");
    for s in ALL_SEVS {
        hide(
            out,
            &format!("fl-{}", s.class()),
            &format!(".l-{}", s.class()),
        );
    }
    for k in 0..lanes {
        let _ = writeln!(
            out,
            "#fs{k}:not(:checked)~main [data-s=\"{k}\"] .mark,#fs{k}:not(:checked)~main .ev[data-s=\"{k}\"]{{display:none}}"
        );
    }
}

/// The filter bar, right before `<main>`: its checkboxes must be siblings of `<main>` for
/// [`filter_css`]'s rules to reach the marks and rows. Context (when any), each service, each
/// level present; all checked.
fn filters(out: &mut String, events: &[HtmlEvent], lanes: &[&str]) {
    out.push_str("<p class=\"fcap\" id=\"filters\">Show (uncheck to hide):</p>\n");
    let ctx = events.iter().filter(|e| e.context).count();
    if ctx > 0 {
        let _ = writeln!(
            out,
            "<span class=\"fh\">context</span><input type=\"checkbox\" class=\"fi\" id=\"f-ctx\" checked>\
             <label for=\"f-ctx\" class=\"fl ctx\"><i></i>context around the request <b>{ctx}</b></label><span class=\"fbr\"></span>"
        );
    }
    out.push_str("<span class=\"fh\">services</span>");
    for (k, s) in lanes.iter().enumerate() {
        let n = events.iter().filter(|e| e.service == *s).count();
        let _ = write!(
            out,
            "<input type=\"checkbox\" class=\"fi\" id=\"fs{k}\" checked><label for=\"fs{k}\" class=\"fl\" title=\"{}\">{} <b>{n}</b></label>",
            esc(service_label(s)),
            esc(&clip(service_label(s), LABEL_CHARS))
        );
    }
    out.push_str("<span class=\"fbr\"></span>\n<span class=\"fh\">levels</span>");
    for (s, n) in levels(events.iter()) {
        let name = if s == Sev::Unset {
            "no level"
        } else {
            s.class()
        };
        let _ = write!(
            out,
            "<input type=\"checkbox\" class=\"fi\" id=\"fl-{c}\" checked><label for=\"fl-{c}\" class=\"fl l-{c}\"><i></i>{name} <b>{n}</b></label>",
            c = s.class()
        );
    }
    out.push_str("<span class=\"fbr\"></span>\n");
}

fn timeline(out: &mut String, events: &[HtmlEvent], order: &[usize], lanes: &[&str]) {
    let (xs, scale) = positions(events, order);
    let h = TOP + LANE_H * lanes.len() as f64 + AXIS_H;
    let axis_y = TOP + LANE_H * lanes.len() as f64;

    out.push_str("<section class=\"tl\" aria-label=\"Timeline\">\n");
    let _ = writeln!(
        out,
        "<svg id=\"timeline\" viewBox=\"0 0 {VIEW_W} {h}\" width=\"100%\" role=\"group\" \
         aria-label=\"Timeline, one lane per service\">"
    );

    // Axis ticks and grid first, under the lanes' marks.
    out.push_str("<g class=\"axis\">");
    let _ = write!(
        out,
        "<line class=\"base\" x1=\"{PLOT_X0}\" x2=\"{PLOT_X1}\" y1=\"{axis_y}\" y2=\"{axis_y}\"/>"
    );
    match &scale {
        Some(sc) if sc.t1 > sc.t0 => {
            let span = sc.t1 - sc.t0;
            let step = TICK_STEPS
                .iter()
                .copied()
                .find(|s| span / s <= 8)
                .unwrap_or(365 * DAY * ((span / (365 * DAY * 8)).max(1) + 1));
            let mut t = sc.t0.div_euclid(step) * step;
            if t < sc.t0 {
                t += step;
            }
            while t <= sc.t1 {
                let x = sc.x(t);
                let _ = write!(
                    out,
                    "<line class=\"grid\" x1=\"{x:.1}\" x2=\"{x:.1}\" y1=\"{TOP}\" y2=\"{:.1}\"/>\
                     <text class=\"tick\" x=\"{x:.1}\" y=\"{:.1}\">{}</text>",
                    axis_y + 4.0,
                    axis_y + 18.0,
                    esc(&tick_label(t, step))
                );
                t += step;
            }
        }
        Some(_) => {
            let first = order
                .iter()
                .find_map(|&i| events[i].ts.as_deref())
                .unwrap_or("");
            let _ = write!(
                out,
                "<text class=\"tick\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
                (PLOT_X0 + PLOT_X1) / 2.0,
                axis_y + 18.0,
                esc(short_ts(Some(first)))
            );
        }
        None => {
            let _ = write!(
                out,
                "<text class=\"tick\" x=\"{:.1}\" y=\"{:.1}\">no timestamps: events in input order</text>",
                (PLOT_X0 + PLOT_X1) / 2.0,
                axis_y + 18.0
            );
        }
    }
    out.push_str("</g>\n");

    for (li, lane) in lanes.iter().enumerate() {
        let y0 = TOP + LANE_H * li as f64;
        let cy = y0 + LANE_H / 2.0;
        let _ = write!(
            out,
            "<g class=\"lane\" data-lane=\"{}\" data-s=\"{li}\"><rect class=\"band{}\" x=\"0\" y=\"{y0}\" width=\"{VIEW_W}\" height=\"{LANE_H}\"/>\
             <line class=\"track\" x1=\"{PLOT_X0}\" x2=\"{PLOT_X1}\" y1=\"{cy}\" y2=\"{cy}\"/>\
             <text class=\"ll\" x=\"{LABEL_RIGHT}\" y=\"{:.1}\">{}<title>{}</title></text>",
            esc(lane),
            if li % 2 == 1 { " odd" } else { "" },
            cy + 4.5,
            esc(&clip(service_label(lane), LABEL_CHARS)),
            esc(service_label(lane))
        );
        // Marks of this lane, in paint order: context first, then the request's own, so that
        // the request is drawn on top; within each, lower levels first so errors are on top;
        // time order within.
        let mut idx: Vec<usize> = order
            .iter()
            .copied()
            .filter(|&i| events[i].service == *lane)
            .collect();
        idx.sort_by_key(|&i| {
            (
                !events[i].context,
                Sev::of(events[i].level.as_deref()).paint_rank(),
            )
        });
        for i in idx {
            let e = &events[i];
            let sev = Sev::of(e.level.as_deref());
            let label = format!(
                "{} {} {}{}: {}",
                short_ts(e.ts.as_deref()),
                service_label(&e.service),
                level_label(e),
                if e.context { " (context)" } else { "" },
                clip(&e.message, ARIA_CHARS)
            );
            let _ = write!(
                out,
                "\n<circle class=\"{}\" data-idx=\"{i}\" cx=\"{:.1}\" cy=\"{cy}\" r=\"{}\" tabindex=\"0\" role=\"button\" aria-label=\"{}\"/>",
                mark_class(e),
                xs[i],
                sev.radius(),
                esc(&label)
            );
        }
        out.push_str("</g>\n");
    }
    out.push_str(
        "<circle id=\"ring\" class=\"ring\" cx=\"0\" cy=\"0\" r=\"10\" visibility=\"hidden\" aria-hidden=\"true\"/>\n</svg>\n",
    );

    // Legend and the two ends of the time axis.
    out.push_str("<div class=\"under\"><span class=\"legend\">");
    for (cls, name) in [
        ("l-error", "error / fatal"),
        ("l-warn", "warn"),
        ("l-info", "info"),
        ("l-debug", "debug / trace"),
        ("l-info ctx", "context"),
    ] {
        let _ = write!(out, "<span class=\"lg {cls}\"><i></i>{name}</span>");
    }
    out.push_str("</span>");
    let first = order.iter().find_map(|&i| events[i].ts.as_deref());
    let last = order.iter().rev().find_map(|&i| events[i].ts.as_deref());
    if let (Some(a), Some(b)) = (first, last) {
        let _ = write!(out, "<span class=\"ends\">{} → {}</span>", esc(a), esc(b));
    }
    out.push_str("</div>\n");
    out.push_str(
        "<div id=\"sel\" class=\"sel\" aria-live=\"polite\"><p class=\"hint\">Click a mark \
         (or focus it with Tab and press Enter; arrow keys step through time) to show the event \
         here.</p></div>\n</section>\n",
    );
}

fn list(out: &mut String, events: &[HtmlEvent], order: &[usize], lanes: &[&str]) {
    out.push_str(
        "<section class=\"events\" aria-label=\"Events in time order\">\n<h2>Events</h2>\n",
    );
    out.push_str(
        "<div class=\"row head\" aria-hidden=\"true\"><span>time</span><span>service</span>\
         <span>level</span><span>message</span></div>\n<div id=\"list\">\n",
    );
    for &i in order {
        let e = &events[i];
        let sev = Sev::of(e.level.as_deref());
        let _ = write!(
            out,
            "<details class=\"ev l-{}{}\" id=\"e{i}\" data-idx=\"{i}\" data-s=\"{}\"><summary class=\"row\">\
             <span class=\"t\">{}</span><span class=\"svc\">{}</span>\
             <span class=\"lvl\">{}</span><span class=\"msg\">{}{}</span></summary>",
            sev.class(),
            if e.context { " ctx" } else { "" },
            lane_of(lanes, &e.service),
            esc(short_ts(e.ts.as_deref())),
            esc(service_label(&e.service)),
            esc(level_label(e)),
            if e.context {
                "<em class=\"tag\">context</em> "
            } else {
                ""
            },
            esc(&clip(&e.message, 400))
        );
        out.push_str("<div class=\"body\"><div class=\"meta\">");
        match e.line {
            Some(l) => {
                let _ = write!(out, "<code class=\"src\">{}:{l}</code>", esc(&e.source));
            }
            None => {
                let _ = write!(out, "<code class=\"src\">{}</code>", esc(&e.source));
            }
        }
        if let Some(ts) = &e.ts {
            let _ = write!(out, " <span class=\"ts\">{}</span>", esc(ts));
        }
        if let Some(sig) = &e.signature {
            let _ = write!(out, " <span class=\"sig\">signature {}</span>", esc(sig));
        }
        out.push_str("</div><pre>");
        esc_into(out, &e.raw);
        out.push_str("</pre></div></details>\n");
    }
    out.push_str("</div>\n</section>\n");
}

const CSS: &str = r#":root{color-scheme:light;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--band:#f6f8fa;--err:#cf222e;--warn:#bf8700;--info:#0969da;--dbg:#8c959f;--ctx:#8c959f;--sel:#8250df}
*{box-sizing:border-box}
body{margin:0;padding:20px 24px 48px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:#fff}
code,pre,.t,.tick{font-family:ui-monospace,SFMono-Regular,"SF Mono",Menlo,Consolas,"Liberation Mono",monospace}
h1{font-size:20px;margin:0 0 2px;font-weight:600;overflow-wrap:anywhere}
h2{font-size:15px;margin:24px 0 6px;font-weight:600}
.sub{margin:0 0 6px;color:var(--muted);overflow-wrap:anywhere}
.sum{margin:0 0 8px}
.counts{display:flex;flex-direction:column;gap:4px;margin-bottom:6px}
.crow{display:flex;flex-wrap:wrap;gap:6px;align-items:center}
.ch{color:var(--muted);font-size:12px;width:60px}
.chip{border:1px solid var(--line);border-radius:12px;padding:1px 9px;font-size:12px;background:#fff}
.chip.has-err{border-color:var(--err)}
.chip i,.lg i,.fl i{display:inline-block;width:9px;height:9px;border-radius:50%;margin-right:5px;vertical-align:0;background:var(--info)}
.l-fatal i,.l-error i{background:var(--err)}.l-warn i{background:var(--warn)}.l-debug i,.l-trace i,.l-none i,.l-other i{background:var(--dbg)}
.ctx i{background:#fff;border:1.5px solid var(--ctx)}
.cx{color:var(--muted);font-size:11px}
.fcap{margin:14px 0 4px;font-size:12px;color:var(--muted)}
.fh{display:inline-block;width:64px;font-size:12px;color:var(--muted)}
.fi{margin:0 4px 0 10px;vertical-align:-2px;cursor:pointer}
.fl{font-size:12px;cursor:pointer}
.fi:not(:checked)+.fl{color:var(--muted);text-decoration:line-through}
.fbr{display:block;height:4px}
.summary{margin-top:14px}
.summary h2{margin-top:16px}
.summary h3{font-size:14px;margin:14px 0 4px;font-weight:600}
.summary table{border-collapse:collapse;font-size:13px;margin:4px 0 8px;max-width:100%}
.summary th,.summary td{border:1px solid var(--line);padding:3px 8px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
.summary th{background:var(--band);font-weight:600}
.summary pre{margin:4px 0 8px}
.summary code{font-size:12px}
.summary ul,.summary ol{margin:4px 0 8px;padding-left:20px}
.notes{margin:6px 0 0;padding-left:20px;color:var(--muted)}
.empty{padding:40px;text-align:center;color:var(--muted);border:1px dashed var(--line);border-radius:6px;font-size:16px}
.tl{margin-top:14px;border:1px solid var(--line);border-radius:6px;padding:6px 8px 8px}
svg{display:block;height:auto;overflow:visible}
.band{fill:#fff}.band.odd{fill:var(--band)}
.track{stroke:var(--line);stroke-width:1}
.grid{stroke:#eaeef2;stroke-width:1}
.base{stroke:var(--dbg);stroke-width:1}
.tick{font-size:11px;fill:var(--muted);text-anchor:middle}
.ll{font-size:13px;fill:var(--fg);text-anchor:end}
.mark{cursor:pointer;fill:var(--info);stroke:#fff;stroke-width:1;fill-opacity:.85}
.mark.l-fatal,.mark.l-error{fill:var(--err);fill-opacity:1}
.mark.l-warn{fill:var(--warn);fill-opacity:1}
.mark.l-debug,.mark.l-trace,.mark.l-none,.mark.l-other{fill:var(--dbg)}
.mark.ctx{fill:#fff;fill-opacity:1;stroke:var(--ctx);stroke-width:1.5;opacity:.6}
.mark.ctx.l-error,.mark.ctx.l-fatal{stroke:var(--err)}
.mark:hover{stroke:var(--fg);stroke-width:1.5}
.mark:focus{outline:none}.mark:focus-visible{stroke:var(--fg);stroke-width:2.5}
.ring{fill:none;stroke:var(--sel);stroke-width:2.5;pointer-events:none}
.under{display:flex;justify-content:space-between;flex-wrap:wrap;gap:8px;font-size:12px;color:var(--muted);margin-top:4px}
.legend{display:flex;gap:12px;flex-wrap:wrap}
.ends{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace}
.sel{margin-top:8px;border-top:1px solid var(--line);padding-top:8px;min-height:40px}
.sel .hint{margin:4px 0;color:var(--muted);font-size:13px}
.sel .row{border:0;padding:2px 0}
.sel .msg{white-space:normal}
.sel pre{max-height:320px}
.selbar{display:flex;align-items:center;gap:8px}
.selbar .row{flex:1;min-width:0}
button{font:inherit;font-size:12px;border:1px solid var(--line);background:var(--band);border-radius:5px;padding:2px 10px;cursor:pointer}
button:hover{border-color:var(--dbg)}
.row{display:grid;grid-template-columns:130px 150px 60px minmax(0,1fr);gap:10px;align-items:baseline;padding:3px 8px}
.row.head{font-size:12px;color:var(--muted);border-bottom:1px solid var(--line)}
.row>span{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.t{font-size:12px;color:var(--muted)}
.ev{border-bottom:1px solid #eaeef2;content-visibility:auto;contain-intrinsic-size:auto 27px}
.ev>summary{cursor:pointer;list-style:none}
.ev>summary::-webkit-details-marker{display:none}
.ev>summary:hover{background:var(--band)}
.ev>summary:focus-visible{outline:2px solid var(--sel);outline-offset:-2px}
.ev[open]>summary{background:var(--band)}
.lvl{font-size:12px;font-weight:600;text-transform:lowercase}
.l-error .lvl,.l-fatal .lvl{color:var(--err)}.l-warn .lvl{color:#9a6700}.l-info .lvl{color:var(--info)}
.l-debug .lvl,.l-trace .lvl,.l-none .lvl,.l-other .lvl{color:var(--muted)}
.ev.l-error,.ev.l-fatal{box-shadow:inset 3px 0 0 var(--err)}
.ev.l-warn{box-shadow:inset 3px 0 0 var(--warn)}
.ev.ctx .msg,.ev.ctx .svc{color:var(--muted)}
.ev.on>summary{background:#fbefff}
.tag{font-style:normal;font-size:11px;border:1px solid var(--line);border-radius:8px;padding:0 5px;color:var(--muted)}
.body{padding:4px 8px 10px 148px}
.meta{font-size:12px;color:var(--muted);margin-bottom:4px}
.meta code{color:var(--fg)}
.sig{margin-left:8px}
pre{margin:0;padding:8px 10px;background:var(--band);border:1px solid var(--line);border-radius:5px;font-size:12px;line-height:1.4;white-space:pre-wrap;overflow-wrap:anywhere;max-height:480px;overflow:auto}
.tip{position:fixed;z-index:10;max-width:520px;background:#1f2328;color:#fff;font-size:12px;padding:4px 8px;border-radius:4px;pointer-events:none;white-space:pre-wrap;overflow-wrap:anywhere}
@media (max-width:800px){.row{grid-template-columns:100px 100px 50px minmax(0,1fr)}.body{padding-left:8px}}
"#;

// No markup is ever parsed here: only existing nodes are cloned and text is set with
// textContent, so escaped log text stays text.
const JS: &str = r##"(function () {
  "use strict";
  var d = document;
  var svg = d.getElementById("timeline");
  var panel = d.getElementById("sel");
  var ring = d.getElementById("ring");
  var tip = d.getElementById("tip");
  var marks = {};
  var order = [];
  var pos = {};
  if (svg) {
    Array.prototype.forEach.call(svg.querySelectorAll(".mark"), function (m) {
      marks[m.getAttribute("data-idx")] = m;
    });
    Array.prototype.forEach.call(d.querySelectorAll("#list > details"), function (row, k) {
      var i = row.getAttribute("data-idx");
      order.push(i);
      pos[i] = k;
    });
  }
  var current = null;

  function moveRing(m) {
    ring.setAttribute("cx", m.getAttribute("cx"));
    ring.setAttribute("cy", m.getAttribute("cy"));
    ring.setAttribute("r", String(Number(m.getAttribute("r")) + 4));
    ring.setAttribute("visibility", "visible");
  }

  function showInList(i) {
    var row = d.getElementById("e" + i);
    if (!row) { return; }
    row.open = true;
    row.scrollIntoView({ block: "center" });
    row.querySelector("summary").focus({ preventScroll: true });
  }

  function select(i) {
    var m = marks[i];
    var row = d.getElementById("e" + i);
    if (!m || !row) { return; }
    if (current !== null) {
      var old = d.getElementById("e" + current);
      if (old) { old.classList.remove("on"); }
    }
    current = i;
    row.classList.add("on");
    moveRing(m);
    var bar = d.createElement("div");
    bar.className = "selbar";
    var head = d.createElement("div");
    head.className = "row " + row.className.replace(/\bev\b|\bon\b/g, "");
    Array.prototype.forEach.call(row.querySelector("summary").children, function (c) {
      head.appendChild(c.cloneNode(true));
    });
    var btn = d.createElement("button");
    btn.type = "button";
    btn.textContent = "show in list";
    btn.addEventListener("click", function () { showInList(i); });
    bar.appendChild(head);
    bar.appendChild(btn);
    panel.replaceChildren(bar, row.querySelector(".body").cloneNode(true));
    panel.setAttribute("data-selected", i);
  }

  function shown(j) {
    return marks[j] && marks[j].getClientRects().length > 0;
  }

  function step(i, delta) {
    var k = pos[i];
    if (k === undefined) { return; }
    var n = Math.min(order.length - 1, Math.max(0, k + delta));
    var dir = (delta === 1 || delta === -1) ? delta : (n < k ? 1 : -1);
    while (!shown(order[n])) {
      n += dir;
      if (n < 0 || n >= order.length) { return; }
    }
    var j = order[n];
    marks[j].focus();
    select(j);
  }

  if (svg) {
    svg.addEventListener("click", function (ev) {
      var m = ev.target.closest(".mark");
      if (m) { select(m.getAttribute("data-idx")); }
    });
    svg.addEventListener("keydown", function (ev) {
      var m = ev.target.closest(".mark");
      if (!m) { return; }
      var i = m.getAttribute("data-idx");
      var k = ev.key;
      if (k === "Enter" || k === " ") { select(i); }
      else if (k === "ArrowRight" || k === "ArrowDown") { step(i, 1); }
      else if (k === "ArrowLeft" || k === "ArrowUp") { step(i, -1); }
      else if (k === "Home") { step(i, -order.length); }
      else if (k === "End") { step(i, order.length); }
      else { return; }
      ev.preventDefault();
    });
    function showTip(m, x, y) {
      tip.textContent = m.getAttribute("aria-label");
      tip.hidden = false;
      var w = tip.offsetWidth;
      var left = Math.min(x + 12, d.documentElement.clientWidth - w - 8);
      tip.style.left = Math.max(4, left) + "px";
      tip.style.top = (y + 14) + "px";
    }
    svg.addEventListener("mouseover", function (ev) {
      var m = ev.target.closest(".mark");
      if (m) { showTip(m, ev.clientX, ev.clientY); }
    });
    svg.addEventListener("mouseout", function () { tip.hidden = true; });
    svg.addEventListener("focusin", function (ev) {
      var m = ev.target.closest(".mark");
      if (m) { var b = m.getBoundingClientRect(); showTip(m, b.right, b.bottom); }
    });
    svg.addEventListener("focusout", function () { tip.hidden = true; });
    d.getElementById("list").addEventListener("toggle", function (ev) {
      var row = ev.target;
      if (row.open && marks[row.getAttribute("data-idx")]) {
        moveRing(marks[row.getAttribute("data-idx")]);
      }
    }, true);
    var fromHash = function () {
      var h = /^#ev=(\d+)$/.exec(location.hash);
      if (h) { select(h[1]); }
    };
    window.addEventListener("hashchange", fromHash);
    fromHash();
  }
  d.documentElement.setAttribute("data-ready", "1");
})();
"##;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_controls() {
        assert_eq!(
            esc("<a href='x'>&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;"
        );
        assert_eq!(
            esc("a\u{0}b\u{1b}c\u{7f}\n"),
            "a\u{2400}b\u{241b}c\u{2421}\n"
        );
        assert_eq!(
            esc("pay\u{202e}exe.txt\u{2066}\u{85}"),
            "pay\\u{202e}exe.txt\\u{2066}\\x85"
        );
    }

    #[test]
    fn untimed_events_stay_after_their_predecessor() {
        let ev = |t: Option<i64>| HtmlEvent {
            ts_nanos: t,
            ..Default::default()
        };
        let events = vec![ev(Some(30)), ev(None), ev(Some(10)), ev(Some(20))];
        assert_eq!(display_order(&events), vec![2, 3, 0, 1]);
    }

    #[test]
    fn civil_dates_and_labels() {
        assert_eq!(civil(0), (1970, 1, 1));
        assert_eq!(civil(20_513), (2026, 3, 1));
        assert_eq!(
            tick_label(DAY + 3 * HOUR + 4 * MIN + 5 * SEC + 6 * MS, 100 * MS),
            "03:04:05.006"
        );
        assert_eq!(tick_label(-SEC, SEC), "23:59:59");
    }
}
