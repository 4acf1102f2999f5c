//! The HTML timeline page (`report::html`): no external references, log text stays inert,
//! deterministic output, 0/1/5,000 events; and a real headless Chromium renders it (one lane per
//! service, the script ran, selecting an event shows its raw stack) without a single console
//! message (page errors and CSP violations are both logged as `CONSOLE` lines). CI installs
//! Chromium with `apt-get install -y --no-install-recommends chromium`; without it that test
//! fails with the fix (`common::chromium_binary`).

mod common;

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use casefile::report::html::{render, HtmlEvent, HtmlReport};

const T0: i64 = 1_795_990_201_000_000_000; // 2026-11-28T22:10:01Z

fn ev(
    ms: Option<i64>,
    service: &str,
    level: Option<&str>,
    message: &str,
    raw: &str,
    line: u64,
) -> HtmlEvent {
    HtmlEvent {
        ts: ms.map(|ms| {
            let t = T0 + ms * 1_000_000;
            let s = (t / 1_000_000_000) % 60;
            let m = (t / 60_000_000_000) % 60;
            format!("2026-11-28T22:{m:02}:{s:02}.{:03}Z", ms % 1000)
        }),
        ts_nanos: ms.map(|ms| T0 + ms * 1_000_000),
        service: service.to_string(),
        level: level.map(str::to_string),
        source: format!("logs/{service}/{service}.log"),
        line: Some(line),
        message: message.to_string(),
        raw: raw.to_string(),
        context: false,
        signature: None,
    }
}

const STACK: &str =
    "2026-11-28 22:10:01.480 ERROR [payments] charge failed for order 8812: card declined\n\
com.shop.payments.ChargeException: card declined (code=51)\n\
\tat com.shop.payments.Charge.run(Charge.java:88)\n\
\tat com.shop.payments.Worker.handle(Worker.java:41)\n\
\tat java.base/java.lang.Thread.run(Thread.java:1583)";

/// Four services; event 5 is the error with a multi-line stack.
fn sample() -> Vec<HtmlEvent> {
    let mut v = vec![
        ev(
            Some(0),
            "edge",
            Some("info"),
            "POST /checkout req_id=ee23490f",
            "edge POST /checkout req_id=ee23490f",
            597,
        ),
        ev(
            Some(12),
            "api",
            Some("info"),
            "checkout started order=8812",
            "api checkout started order=8812",
            1204,
        ),
        ev(
            Some(40),
            "api",
            Some("debug"),
            "calling payments",
            "api calling payments",
            1205,
        ),
        ev(
            Some(55),
            "db",
            Some("info"),
            "BEGIN tx 77",
            "db BEGIN tx 77",
            33,
        ),
        ev(
            Some(310),
            "payments",
            Some("warn"),
            "retrying charge (1/3)",
            "payments retrying charge (1/3)",
            90,
        ),
        ev(
            Some(480),
            "payments",
            Some("error"),
            "charge failed for order 8812: card declined",
            STACK,
            91,
        ),
        ev(
            None,
            "payments",
            Some("info"),
            "no timestamp on this line",
            "no timestamp on this line",
            96,
        ),
        ev(
            Some(500),
            "db",
            Some("info"),
            "ROLLBACK tx 77",
            "db ROLLBACK tx 77",
            34,
        ),
        ev(
            Some(530),
            "api",
            Some("error"),
            "checkout failed: payment error",
            "api checkout failed: payment error",
            1210,
        ),
        ev(
            Some(545),
            "edge",
            Some("info"),
            "502 /checkout 545ms",
            "edge 502 /checkout 545ms",
            598,
        ),
    ];
    v[5].signature = Some("d360dd14ceb7c20d".into());
    let mut c = ev(
        Some(20),
        "db",
        Some("info"),
        "vacuum (unrelated)",
        "db vacuum (unrelated)",
        30,
    );
    c.context = true;
    v.push(c);
    v
}

const SERVICES: [&str; 4] = ["edge", "api", "db", "payments"];
const ERROR_IDX: usize = 5;
const STACK_FRAME: &str = "at com.shop.payments.Worker.handle(Worker.java:41)";

fn hostile() -> Vec<HtmlEvent> {
    let mut a = ev(
        Some(0),
        "\"><svg onload=alert(1)>",
        Some("error"),
        "</script><script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        1,
    );
    a.source = "</textarea><iframe src=https://evil.example/>".into();
    a.signature = Some("' onmouseover='alert(1)".into());
    let b = ev(
        Some(5),
        "web",
        Some("<b>warn</b>"),
        "see https://evil.example/x.js and //cdn.evil.example/y.css \u{2028} \u{2029} \u{0}\u{1b}[31m",
        "<style>@import url(https://evil.example/a.css)</style><a href=\"https://evil.example\">x</a>",
        2,
    );
    vec![a, b]
}

fn page(events: &[HtmlEvent], notes: &[String]) -> String {
    page_with(events, notes, "")
}

fn page_with(events: &[HtmlEvent], notes: &[String], summary: &str) -> String {
    render(&HtmlReport {
        title: "casefile trace ee23490f",
        subtitle: "req_id=ee23490f · 2026-11-28T22:10:01.000Z → 22:10:01.545Z",
        events,
        notes,
        summary,
    })
}

/// A start tag as the browser would see it: name and attributes (lower-case names).
struct Tag {
    name: String,
    attrs: Vec<(String, String)>,
}

/// Minimal HTML tokenizer, enough for this template: every `<` in event text is escaped, so
/// any tag found here is markup that the browser would build.
/// Returns the start tags and the text of each `<style>` and `<script>`.
fn scan(html: &str) -> (Vec<Tag>, Vec<String>, Vec<String>) {
    let b = html.as_bytes();
    let (mut tags, mut styles, mut scripts) = (Vec::new(), Vec::new(), Vec::new());
    let mut i = 0;
    while let Some(off) = html[i..].find('<') {
        i += off;
        let rest = &html[i..];
        if rest.starts_with("<!--") {
            i += rest.find("-->").expect("unterminated comment") + 3;
            continue;
        }
        if rest.starts_with("<!") || rest.starts_with("</") {
            i += rest.find('>').expect("unterminated tag") + 1;
            continue;
        }
        // Start tag: name, then attributes until '>' (values may be quoted).
        let mut j = i + 1;
        while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'>' && b[j] != b'/' {
            j += 1;
        }
        let name = html[i + 1..j].to_ascii_lowercase();
        assert!(!name.is_empty(), "bare '<' in markup at byte {i}");
        let mut attrs = Vec::new();
        loop {
            while j < b.len() && (b[j].is_ascii_whitespace() || b[j] == b'/') {
                j += 1;
            }
            assert!(j < b.len(), "unterminated <{name}");
            if b[j] == b'>' {
                j += 1;
                break;
            }
            let k0 = j;
            while j < b.len() && !b[j].is_ascii_whitespace() && !matches!(b[j], b'=' | b'>' | b'/')
            {
                j += 1;
            }
            let key = html[k0..j].to_ascii_lowercase();
            let mut val = String::new();
            if j < b.len() && b[j] == b'=' {
                j += 1;
                if b[j] == b'"' || b[j] == b'\'' {
                    let q = b[j] as char;
                    let end = html[j + 1..].find(q).expect("unterminated attribute") + j + 1;
                    val = html[j + 1..end].to_string();
                    j = end + 1;
                } else {
                    let v0 = j;
                    while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'>' {
                        j += 1;
                    }
                    val = html[v0..j].to_string();
                }
            }
            attrs.push((key, val));
        }
        if name == "script" || name == "style" {
            let close = format!("</{name}");
            let end = html[j..]
                .to_ascii_lowercase()
                .find(&close)
                .expect("unterminated raw text element")
                + j;
            let body = html[j..end].to_string();
            if name == "script" {
                scripts.push(body);
            } else {
                styles.push(body);
            }
            j = end;
        }
        tags.push(Tag { name, attrs });
        i = j;
    }
    (tags, styles, scripts)
}

const TEMPLATE_TAGS: &[&str] = &[
    "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "p", "b", "em", "i",
    "ul", "li", "main", "section", "div", "span", "code", "pre", "details", "summary", "svg", "g",
    "rect", "line", "text", "circle", "script", "input", "label", "h3", "ol", "table", "thead",
    "tbody", "tr", "th", "td",
];

fn assert_self_contained(html: &str) {
    let csp = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
               style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">";
    let at = html.find(csp).expect("CSP meta");
    assert!(at < html.find("<style>").unwrap() && at < html.find("<script>").unwrap());

    let (tags, styles, scripts) = scan(html);
    for t in &tags {
        assert!(
            TEMPLATE_TAGS.contains(&t.name.as_str()),
            "unexpected element <{}>",
            t.name
        );
        for (k, v) in &t.attrs {
            assert!(
                !k.starts_with("on"),
                "event handler attribute {k}={v:?} on <{}>",
                t.name
            );
            assert!(
                !matches!(
                    k.as_str(),
                    "src"
                        | "href"
                        | "xlink:href"
                        | "srcset"
                        | "action"
                        | "formaction"
                        | "poster"
                        | "background"
                        | "ping"
                        | "data"
                        | "manifest"
                        | "style"
                ),
                "URL-bearing attribute {k}={v:?} on <{}>",
                t.name
            );
            let lv = v.to_ascii_lowercase();
            assert!(
                !lv.contains("javascript:") && !lv.contains("url("),
                "{k}={v:?}"
            );
        }
    }
    assert_eq!(tags.iter().filter(|t| t.name == "script").count(), 1);
    assert_eq!(tags.iter().filter(|t| t.name == "style").count(), 1);
    for css in &styles {
        let l = css.to_ascii_lowercase();
        assert!(
            !l.contains("@import") && !l.contains("@font-face"),
            "CSS loads something"
        );
        for (p, _) in l.match_indices("url(") {
            assert!(
                l[p + 4..]
                    .trim_start_matches(['"', '\''])
                    .starts_with("data:"),
                "CSS url() not data:"
            );
        }
        assert!(!l.contains("http:") && !l.contains("https:") && !l.contains("//"));
    }
    for js in &scripts {
        for bad in [
            "http:",
            "https:",
            "//",
            "fetch(",
            "XMLHttpRequest",
            "import(",
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            "document.write",
            "eval(",
            "new Function",
            "src",
        ] {
            assert!(!js.contains(bad), "script contains {bad:?}");
        }
    }
}

#[test]
fn page_is_self_contained() {
    let notes = vec!["2 files could not be read".to_string()];
    let html = page(&sample(), &notes);
    assert_self_contained(&html);
    // The template itself names no URL at all: with plain event data there is none anywhere.
    let l = html.to_ascii_lowercase();
    for bad in [
        "http://", "https://", "//cdn", "url(", "@import", "src=", "href=",
    ] {
        assert!(!l.contains(bad), "{bad:?} in the page");
    }
    for s in SERVICES {
        assert_eq!(
            html.matches(&format!("<g class=\"lane\" data-lane=\"{s}\" data-s="))
                .count(),
            1,
            "{s}"
        );
    }
    assert_eq!(html.matches("<circle class=\"mark").count(), sample().len());
    assert!(html.contains(&format!(
        "<circle class=\"mark l-error\" data-idx=\"{ERROR_IDX}\""
    )));
    assert!(html.contains("<circle class=\"mark l-info ctx\" data-idx=\"10\""));
    assert!(html.contains("2 files could not be read"));
    assert!(html.contains("logs/payments/payments.log:91"));
}

#[test]
fn log_text_is_inert() {
    let mut events = sample();
    events.extend(hostile());
    let html = page(&events, &["<b>note</b>".to_string()]);
    assert_self_contained(&html);
    for raw in [
        "</script><script>alert(1)</script>",
        "<script>alert",
        "<img src=x onerror=alert(1)>",
        "<img",
        "</textarea>",
        "<iframe",
        "<svg onload",
        "\"><svg",
        "' onmouseover='",
        "<style>@import",
        "<a href",
        "<b>warn</b>",
        "<b>note</b>",
        "\u{2028}",
        "\u{0}",
        "\u{1b}",
    ] {
        assert!(!html.contains(raw), "unescaped {raw:?} in the page");
    }
    assert!(html.contains("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(html.contains("data-lane=\"&quot;&gt;&lt;svg onload=alert(1)&gt;\""));
}

#[test]
fn deterministic() {
    let mut events = sample();
    events.extend(hostile());
    let notes = vec!["n".to_string()];
    let a = page(&events, &notes);
    let b = page(&events.clone(), &notes.clone());
    assert_eq!(a, b);
}

/// Issue 17: bidi overrides/isolates and C1 controls in a service, a source or a message are
/// shown as `\u{202e}`, `\x9b` (C0 as control pictures), never written as they are.
#[test]
fn bidi_and_c1_controls_are_shown() {
    let mut e = ev(
        Some(0),
        "pay\u{202e}ments",
        Some("error"),
        "invoice\u{202e}fdp.exe \u{2066}x\u{2069} \u{9b}31m \u{1b}[2J",
        "raw \u{202d}\u{85}",
        1,
    );
    e.source = "logs/\u{202e}gol.log".into();
    let html = page(&[e], &[]);
    for c in [
        '\u{202e}', '\u{202d}', '\u{2066}', '\u{2069}', '\u{9b}', '\u{85}', '\u{1b}',
    ] {
        assert!(!html.contains(c), "{c:?} as it is in the page");
    }
    for shown in [
        r"invoice\u{202e}fdp.exe \u{2066}x\u{2069} \x9b31m ␛[2J",
        r"raw \u{202d}\x85",
        r"logs/\u{202e}gol.log:1",
        r"pay\u{202e}ments",
    ] {
        assert!(html.contains(shown), "{shown} not in the page");
    }
}

#[test]
fn zero_and_one_event() {
    let html = page(&[], &[]);
    assert!(html.contains(">no events</p>"));
    assert!(!html.contains("data-lane"));
    assert_self_contained(&html);

    let one = &sample()[..1];
    let html = page(one, &[]);
    assert_self_contained(&html);
    assert_eq!(html.matches("data-lane=").count(), 1);
    assert_eq!(html.matches("<circle class=\"mark").count(), 1);
    assert!(html.contains("data-idx=\"0\""));
    assert!(!html.contains("no events"));
}

#[test]
fn five_thousand_events() {
    let services = ["edge", "api", "auth", "db", "cache", "payments"];
    let levels = ["info", "debug", "info", "warn", "info", "error"];
    let events: Vec<HtmlEvent> = (0..5000)
        .map(|k| {
            let ms = if k % 97 == 0 {
                None
            } else {
                Some(k as i64 * 7)
            };
            ev(
                ms,
                services[k % 6],
                Some(levels[(k / 6) % 6]),
                &format!("event {k} req_id=ee23490f"),
                &format!("2026-11-28 line {k} of the raw text req_id=ee23490f"),
                k as u64 + 1,
            )
        })
        .collect();
    let html = page(&events, &[]);
    assert!(
        html.len() < 3_500_000,
        "{} bytes for 5,000 events",
        html.len()
    );
    assert_eq!(html.matches("<circle class=\"mark").count(), 5000);
    assert_eq!(html.matches("<details class=\"ev").count(), 5000);
    assert_eq!(html.matches("data-lane=").count(), 6);
    assert_self_contained(&html);
}

// ---- headless Chromium ----

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("casefile-html-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(&d).unwrap();
    d
}

/// Runs Chromium headless on `url` with a fresh profile; returns (stdout, stderr).
fn chromium(dir: &Path, run: &str, extra: &[&str], url: &str) -> (String, String) {
    let profile = dir.join(format!("profile-{run}"));
    let (out, err) = (
        dir.join(format!("{run}.out")),
        dir.join(format!("{run}.err")),
    );
    let mut args: Vec<String> = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.push(format!("--user-data-dir={}", profile.display()));
    args.push("--virtual-time-budget=2000".into());
    args.extend(extra.iter().map(|s| s.to_string()));
    args.push("--dump-dom".into());
    args.push(url.to_string());
    let mut child = Command::new(common::chromium_binary())
        .args(&args)
        .stdin(Stdio::null())
        .stdout(File::create(&out).unwrap())
        .stderr(File::create(&err).unwrap())
        .spawn()
        .expect("start chromium");
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish in 120 s: {args:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let (o, e) = (
        fs::read_to_string(&out).unwrap(),
        fs::read_to_string(&err).unwrap(),
    );
    assert!(status.success(), "chromium {args:?} failed: {status}\n{e}");
    (o, e)
}

/// Console output of the page in Chromium's stderr log (`--enable-logging=stderr --v=0`):
/// console.* calls, uncaught exceptions and CSP violations all appear as
/// `[...:INFO:CONSOLE:N] "message", source: file:///... (line)`.
fn console_lines(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|l| l.contains("CONSOLE") || l.contains("Uncaught"))
        .collect()
}

fn file_url(p: &Path) -> String {
    format!("file://{}", p.display())
}

#[test]
fn chromium_renders_without_console_errors() {
    common::chromium_binary();
    let dir = scratch("chromium");
    let report = dir.join("report.html");
    fs::write(&report, page(&sample(), &["a note".to_string()])).unwrap();
    let url = format!("{}#ev={ERROR_IDX}", file_url(&report));

    // (a) It renders: the DOM after the script ran has a lane per service, every mark, the
    // script's "ready" flag, and the selected error (from #ev=N) shows its raw stack.
    let (dom, _) = chromium(&dir, "dom", &[], &url);
    assert!(
        dom.contains("data-ready=\"1\""),
        "script did not finish:\n{dom}"
    );
    for s in SERVICES {
        assert!(
            dom.contains(&format!("data-lane=\"{s}\"")),
            "no lane for {s}"
        );
    }
    assert_eq!(dom.matches("<circle class=\"mark").count(), sample().len());
    let panel_at = dom.find("id=\"sel\"").expect("detail panel");
    let panel_end = dom[panel_at..].find("</section>").unwrap() + panel_at;
    let panel = &dom[panel_at..panel_end];
    assert!(
        panel.contains(&format!("data-selected=\"{ERROR_IDX}\"")),
        "{panel}"
    );
    assert!(
        panel.contains(STACK_FRAME),
        "stack not in the panel: {panel}"
    );
    assert!(panel.contains("logs/payments/payments.log:91"), "{panel}");

    // (b) + (c) No console message at all from the page: no script error, no console.*, and
    // no CSP violation (any attempt to load something would be blocked and logged).
    let (_, log) = chromium(&dir, "log", &["--enable-logging=stderr", "--v=0"], &url);
    let lines = console_lines(&log);
    assert!(
        lines.is_empty(),
        "console output from the page:\n{}",
        lines.join("\n")
    );

    // Canary: the same detector does see a page's console error, uncaught exception and a
    // blocked load, so the assertion above is not vacuous with this Chromium's log format.
    let canary = dir.join("canary.html");
    fs::write(
        &canary,
        "<!DOCTYPE html><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         script-src 'unsafe-inline'\"><p>canary</p><img src=\"data:,x\">\
         <script>console.error('casefile-canary'); missingFunction();</script>",
    )
    .unwrap();
    let (_, log) = chromium(
        &dir,
        "canary",
        &["--enable-logging=stderr", "--v=0"],
        &file_url(&canary),
    );
    let lines = console_lines(&log);
    assert!(
        lines.iter().any(|l| l.contains("casefile-canary")),
        "canary console.error not seen:\n{log}"
    );
    assert!(
        lines.iter().any(|l| l.contains("Uncaught")),
        "canary exception not seen:\n{log}"
    );
    assert!(
        lines.iter().any(|l| l.contains("Content Security Policy")),
        "canary CSP block not seen:\n{log}"
    );

    let _ = fs::remove_dir_all(&dir);
}

// ---- issue 16 §3: the request in front of its context; §4: the summary on the page ----

/// `sample()` plus context around it in every lane, one of them an error.
fn with_context() -> Vec<HtmlEvent> {
    let mut v = sample();
    for (ms, svc, level) in [
        (5, "edge", "info"),
        (300, "payments", "error"),
        (480, "payments", "info"),
        (100, "api", "warn"),
    ] {
        let mut c = ev(
            Some(ms),
            svc,
            Some(level),
            "another request",
            &format!("{svc} another request"),
            7,
        );
        c.context = true;
        v.push(c);
    }
    v
}

/// The marks of each lane in SVG order: (data-idx, is context).
fn lane_marks(html: &str) -> Vec<(String, Vec<(usize, bool)>)> {
    let svg = &html[html.find("<svg id=\"timeline\"").unwrap()..html.find("</svg>").unwrap()];
    svg.split("<g class=\"lane\" data-lane=\"")
        .skip(1)
        .map(|g| {
            let lane = g[..g.find('"').unwrap()].to_string();
            let g = &g[..g.find("</g>").unwrap()];
            let marks = g
                .split("<circle class=\"")
                .skip(1)
                .map(|c| {
                    let class = &c[..c.find('"').unwrap()];
                    let idx = c.split("data-idx=\"").nth(1).unwrap();
                    let idx: usize = idx[..idx.find('"').unwrap()].parse().unwrap();
                    (idx, class.split(' ').any(|w| w == "ctx"))
                })
                .collect();
            (lane, marks)
        })
        .collect()
}

/// The request's marks are drawn after (on top of) the context marks of their lane, even a
/// context error over a request's info; context is hollow and lighter.
#[test]
fn context_marks_are_painted_under_the_requests() {
    let html = page(&with_context(), &[]);
    let lanes = lane_marks(&html);
    assert_eq!(lanes.len(), 4);
    for (lane, marks) in &lanes {
        let first_request = marks.iter().position(|m| !m.1).unwrap();
        assert!(
            marks[first_request..].iter().all(|m| !m.1),
            "{lane}: a context mark after a request mark: {marks:?}"
        );
    }
    // payments: context info 13, context error 12, then the request's info 6, warn 4, error 5.
    let payments = &lanes.iter().find(|l| l.0 == "payments").unwrap().1;
    assert_eq!(
        payments,
        &[(13, true), (12, true), (6, false), (4, false), (5, false)]
    );
    assert!(html.contains("<circle class=\"mark l-error ctx\" data-idx=\"12\""));
    assert!(html.contains(
        ".mark.ctx{fill:#fff;fill-opacity:1;stroke:var(--ctx);stroke-width:1.5;opacity:.6}"
    ));
}

/// The header counts the request's own events; context is counted apart.
#[test]
fn header_counts_the_request_and_context_apart() {
    let html = page(&with_context(), &[]);
    assert!(
        html.contains(
            "<p class=\"sum\"><b>10</b> events of the request in <b>4</b> services, spanning \
             <b>545.0 ms</b> (1 without a time); <b>5</b> context events of the same services \
             around it (--window)</p>"
        ),
        "{html}"
    );
    assert!(html.contains(
        "<span class=\"chip has-err\">payments <b>3</b> <span class=\"cx\">+2 context</span></span>"
    ));
    assert!(html.contains("<span class=\"chip lv l-error\"><i></i>error <b>2</b></span>"));
    assert!(html.contains("<span class=\"chip lv ctx\"><i></i>context <b>5</b></span>"));
    // Without context, the words of before.
    let html = page(&sample()[..10], &[]);
    assert!(html.contains(
        "<p class=\"sum\"><b>10</b> events in <b>4</b> services, spanning <b>545.0 ms</b> (1 \
         without a time)</p>"
    ));
    assert!(
        !html.contains("id=\"f-ctx\""),
        "no context toggle without context"
    );
}

/// The filter bar: checkboxes (all checked) for context, each service (by lane index, never by
/// name) and each level present, placed right before `<main>` as its siblings, and the CSS
/// rules by which an unchecked box hides its marks and rows without any script. A hostile
/// service name is escaped in its label.
#[test]
fn filters_are_checkboxes_and_css_rules() {
    let mut events = with_context();
    events.extend(hostile());
    let html = page(&events, &[]);
    assert_self_contained(&html);
    let bar_at = html.find("<p class=\"fcap\" id=\"filters\">").unwrap();
    let main_at = html.find("<main>").unwrap();
    assert!(bar_at < main_at);
    let bar = &html[bar_at..main_at];
    // The boxes are siblings of <main>: nothing wraps them.
    assert!(!bar.contains("<div") && !bar.contains("<label><input"));
    assert!(bar.starts_with("<p class=\"fcap\" id=\"filters\">Show (uncheck to hide):</p>\n<span"));
    assert!(bar.contains(
        "<input type=\"checkbox\" class=\"fi\" id=\"f-ctx\" checked><label for=\"f-ctx\" \
         class=\"fl ctx\"><i></i>context around the request <b>5</b></label>"
    ));
    // Lanes in order of first appearance: edge, then the hostile one (also at 0 ms), web, api,
    // db, payments. The hostile name is escaped whole in the tooltip, cut before escaping in
    // the label (so no entity is cut in two).
    assert!(bar.contains(
        "<input type=\"checkbox\" class=\"fi\" id=\"fs1\" checked><label for=\"fs1\" class=\"fl\" \
         title=\"&quot;&gt;&lt;svg onload=alert(1)&gt;\">&quot;&gt;&lt;svg onload=alert(1)… \
         <b>1</b></label>"
    ));
    assert!(bar.contains(
        "<input type=\"checkbox\" class=\"fi\" id=\"fs5\" checked><label for=\"fs5\" class=\"fl\" \
         title=\"payments\">payments <b>5</b></label>"
    ));
    assert!(bar.contains(
        "<input type=\"checkbox\" class=\"fi\" id=\"fl-error\" checked><label for=\"fl-error\" \
         class=\"fl l-error\"><i></i>error <b>4</b></label>"
    ));
    assert_eq!(bar.matches("<input type=\"checkbox\"").count(), 1 + 6 + 5);
    assert_eq!(bar.matches(" checked><label").count(), 1 + 6 + 5);
    // A level that is not there has no box; an odd level is "other".
    assert!(!bar.contains("fl-fatal\""));
    assert!(bar.contains("id=\"fl-other\""));
    // The rules, in the page's one <style>.
    let css = &html[html.find("<style>").unwrap()..html.find("</style>").unwrap()];
    for rule in [
        "#f-ctx:not(:checked)~main .mark.ctx,#f-ctx:not(:checked)~main .ev.ctx{display:none}",
        "#fl-error:not(:checked)~main .mark.l-error,#fl-error:not(:checked)~main .ev.l-error{display:none}",
        "#fs5:not(:checked)~main [data-s=\"5\"] .mark,#fs5:not(:checked)~main .ev[data-s=\"5\"]{display:none}",
    ] {
        assert!(css.contains(rule), "{rule}");
    }
    assert!(!css.contains("#fs6"), "one rule per lane");
    // What the rules point at: the lane and the rows of service 5 carry data-s="5".
    assert!(html.contains("<g class=\"lane\" data-lane=\"payments\" data-s=\"5\">"));
    assert!(html.contains("<details class=\"ev l-error\" id=\"e5\" data-idx=\"5\" data-s=\"5\">"));
    // The script has nothing to do with filtering: it works with JavaScript off.
    let js = &html[html.rfind("<script>").unwrap()..];
    assert!(!js.contains("f-ctx") && !js.contains(".checked") && !js.contains("\"fs"));
}

/// Issue 16 §4: the bundle's summary (an already escaped fragment) is on the page, between the
/// header and the filters; none when empty.
#[test]
fn summary_is_written_above_the_timeline() {
    let summary = "<section class=\"summary\"><h2>What failed</h2><table><tr><th>id</th>\
                   <td>&lt;ee23490f&gt;</td></tr></table><pre>curl -X POST \
                   &quot;https://${HOST:?set HOST}/api&quot;</pre></section>";
    let html = page_with(&with_context(), &[], summary);
    assert_self_contained(&html);
    assert_eq!(html.matches(summary).count(), 1);
    let at = html.find(summary).unwrap();
    assert!(html.find("</header>").unwrap() < at);
    assert!(at < html.find("id=\"filters\"").unwrap());
    assert!(at < html.find("<svg id=\"timeline\"").unwrap());
    for rule in [
        ".summary table{",
        ".summary th,.summary td{",
        ".summary pre{",
    ] {
        assert!(html.contains(rule), "{rule}");
    }
    let html = page(&with_context(), &[]);
    assert!(!html.contains("<section class=\"summary\""));
    // With no events, the summary still shows.
    let html = page_with(&[], &[], summary);
    assert!(html.contains(summary) && html.contains(">no events</p>"));
}

/// In Chromium: clicking a box hides exactly what it names (marks and rows), checking it again
/// shows them; with every box checked, everything is shown. A test script appended to a copy of
/// the page clicks the real checkboxes and writes what is visible into `data-test`.
#[test]
fn chromium_filters_hide_what_they_name() {
    common::chromium_binary();
    let dir = scratch("filters");
    let html = page(&with_context(), &[]);
    let probe = r#"<script>
(function () {
  var d = document;
  function vis(sel) {
    return Array.prototype.map.call(d.querySelectorAll(sel), function (e) {
      return e.getClientRects().length > 0 ? "1" : "0";
    }).join("");
  }
  function click(id) { d.getElementById(id).click(); }
  var r = [];
  r.push("all=" + vis("main .mark") + "," + vis("main .ev"));
  click("f-ctx");
  r.push("noctx=" + vis("main .mark.ctx") + vis("main .ev.ctx") + "," + vis("main .mark:not(.ctx)") + vis("main .ev:not(.ctx)"));
  var first = d.querySelector(".mark[data-idx='0']");
  first.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowRight", bubbles: true }));
  r.push("step=" + d.getElementById("sel").getAttribute("data-selected"));
  click("f-ctx");
  click("fs3");
  r.push("nopay=" + vis("main [data-s='3'] .mark") + vis("main .ev[data-s='3']") + "," + vis("main [data-s='2'] .mark"));
  click("fs3");
  click("fl-error");
  r.push("noerr=" + vis("main .mark.l-error") + vis("main .ev.l-error") + "," + vis("main .mark.l-warn"));
  click("fl-error");
  r.push("back=" + vis("main .mark") + "," + vis("main .ev"));
  d.body.setAttribute("data-test", r.join(";"));
})();
</script>
</body>"#;
    let report = dir.join("report.html");
    fs::write(&report, html.replacen("</body>", probe, 1)).unwrap();
    let (dom, _) = chromium(&dir, "filters", &[], &file_url(&report));
    let at = dom.find("data-test=\"").expect("the probe ran") + 11;
    let got = &dom[at..at + dom[at..].find('"').unwrap()];
    let n = with_context().len();
    let ones = |k: usize| "1".repeat(k);
    let zeros = |k: usize| "0".repeat(k);
    let expected = [
        format!("all={},{}", ones(n), ones(n)),
        format!("noctx={},{}", zeros(10), ones(20)),
        // The arrow key steps over the hidden context event 11 (edge, 5 ms) to event 1 (12 ms).
        "step=1".to_string(),
        // payments (lane 3): 3 request + 2 context marks and rows hidden; db (lane 2) shown.
        format!("nopay={},{}", zeros(10), ones(3)),
        // errors: 2 request + 1 context; warn marks still shown.
        format!("noerr={},{}", zeros(6), ones(2)),
        format!("back={},{}", ones(n), ones(n)),
    ]
    .join(";");
    assert_eq!(got, expected);
    let _ = fs::remove_dir_all(&dir);
}
