//! Wrappers peeled off a line before its dialect reads it: what a container runtime, `kubectl`,
//! `docker compose`, `stern` or `grep -H` put around the application's own record.
//!
//! A source's frames are detected once, from its head sample (outermost first, at most
//! [`MAX_DEPTH`]: `kubectl logs --prefix --timestamps` is two), and every line is peeled with
//! them. A frame gives what the wrapper knows (the runtime's time, the pod, container or compose
//! service) and the inner text, which is then read by the source's inner dialect. Partial lines
//! (CRI `P`, Docker json-file lines whose `log` does not end in `\n`) are continued by the next
//! line. `scan` names both layers: `cri+json`, `docker+logback`, `kubectl-prefix+kubectl-ts+klog`.
//!
//! | frame            | a line                                                                  |
//! |------------------|-------------------------------------------------------------------------|
//! | `cri`            | `2026-11-28T22:00:00.671000123Z stdout F <line>` (kubelet's files)        |
//! | `docker`         | `{"log":"<line>\n","stream":"stdout","time":"2026-11-28T22:00:00.67Z"}`  |
//! | `kubectl-ts`     | `2026-11-28T22:00:00.671000123Z <line>` (`kubectl logs --timestamps`)    |
//! | `kubectl-prefix` | `[pod/web-7d9f8b6c5d-x2x4z/web] <line>` (`kubectl logs --prefix`)        |
//! | `compose`        | `web-1  \| <line>` (`docker compose logs`; `-t` adds `kubectl-ts` inside)|
//! | `stern`          | `web-7d9f8b6c5d-x2x4z web <line>` (stern's default template)             |
//! | `grep`           | `logs/app.log:<line>`, `logs/app.log:12:<line>` (`grep -H`, `grep -rn`)  |

use std::borrow::Cow;

use serde::Deserialize;

use crate::model::Timestamp;
use crate::parse::TimeContext;

/// Frames stacked on one line, at most.
pub const MAX_DEPTH: usize = 3;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Frame {
    Cri,
    Docker,
    KubectlTs,
    KubectlPrefix,
    Compose,
    Stern,
    Grep,
}

/// What a frame knows about one line, and the line inside it.
#[derive(Debug, Default)]
pub struct Peeled<'a> {
    /// The wrapper's time (runtime or kubectl), UTC.
    pub ts: Option<Timestamp>,
    /// The workload the wrapper names: compose service, or container (else pod) name.
    pub service: Option<&'a str>,
    /// The pod, where the wrapper names one.
    pub pod: Option<&'a str>,
    /// The file the line came from, where the wrapper names one (`grep -H`).
    pub path: Option<&'a str>,
    /// The text inside the frame, without its line end.
    pub inner: Cow<'a, str>,
    /// The line was cut by the runtime: the next line continues it.
    pub partial: bool,
}

impl Frame {
    pub fn name(self) -> &'static str {
        match self {
            Frame::Cri => "cri",
            Frame::Docker => "docker",
            Frame::KubectlTs => "kubectl-ts",
            Frame::KubectlPrefix => "kubectl-prefix",
            Frame::Compose => "compose",
            Frame::Stern => "stern",
            Frame::Grep => "grep",
        }
    }

    const ALL: [Frame; 7] = [
        Frame::Docker,
        Frame::Cri,
        Frame::KubectlPrefix,
        Frame::Compose,
        Frame::KubectlTs,
        Frame::Stern,
        Frame::Grep,
    ];

    /// Peel this frame off `line` (no line end); `None` when the line is not framed so.
    pub fn peel<'a>(self, line: &'a str) -> Option<Peeled<'a>> {
        match self {
            Frame::Cri => peel_cri(line),
            Frame::Docker => peel_docker(line),
            Frame::KubectlTs => {
                let (ts, rest) = rfc3339_head(line)?;
                Some(Peeled {
                    ts: Some(ts),
                    inner: Cow::Borrowed(rest),
                    ..Default::default()
                })
            }
            Frame::KubectlPrefix => peel_kubectl_prefix(line),
            Frame::Compose => peel_compose(line),
            Frame::Stern => peel_stern(line),
            Frame::Grep => peel_grep(line),
        }
    }

    /// Frames whose syntax cannot be an application's own line: taken whenever most lines
    /// have them. The others (`kubectl-ts`, `stern`, `grep`) are taken only when the text
    /// inside reads better than the whole line (see [`Parser::detect_source`]).
    ///
    /// [`Parser::detect_source`]: crate::parse::Parser::detect_source
    pub fn certain(self) -> bool {
        matches!(
            self,
            Frame::Cri | Frame::Docker | Frame::KubectlPrefix | Frame::Compose
        )
    }
}

/// A stack of frames, outermost first, as one source has them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Frames(pub Vec<Frame>);

/// One physical line through every frame of a stack.
#[derive(Debug, Default)]
pub struct Unwrapped<'a> {
    pub ts: Option<Timestamp>,
    pub service: Option<Cow<'a, str>>,
    pub pod: Option<Cow<'a, str>>,
    pub path: Option<Cow<'a, str>>,
    pub inner: Cow<'a, str>,
    pub partial: bool,
}

impl Frames {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `cri`, `compose+kubectl-ts`; empty for none.
    pub fn label(&self) -> String {
        self.0
            .iter()
            .map(|f| f.name())
            .collect::<Vec<_>>()
            .join("+")
    }

    /// Peel every frame off one line; `None` when one of them does not fit (a line the
    /// wrapper did not write, e.g. a banner): the line is then read as it is.
    pub fn unwrap<'a>(&self, line: &'a str) -> Option<Unwrapped<'a>> {
        let mut out = Unwrapped {
            inner: Cow::Borrowed(line),
            ..Default::default()
        };
        for f in &self.0 {
            let text = std::mem::take(&mut out.inner);
            let p = match text {
                Cow::Borrowed(s) => {
                    let p = f.peel(s)?;
                    (
                        p.ts,
                        p.service.map(Cow::Borrowed),
                        p.pod.map(Cow::Borrowed),
                        p.path.map(Cow::Borrowed),
                        p.inner,
                        p.partial,
                    )
                }
                Cow::Owned(s) => {
                    let p = f.peel(&s)?;
                    (
                        p.ts,
                        p.service.map(|x| Cow::Owned(x.to_string())),
                        p.pod.map(|x| Cow::Owned(x.to_string())),
                        p.path.map(|x| Cow::Owned(x.to_string())),
                        Cow::Owned(p.inner.into_owned()),
                        p.partial,
                    )
                }
            };
            out.ts = out.ts.or(p.0);
            out.service = out.service.or(p.1);
            out.pod = out.pod.or(p.2);
            out.path = out.path.or(p.3);
            out.inner = p.4;
            out.partial |= p.5;
        }
        Some(out)
    }

    /// Do these frames name the stream each line comes from (container, pod or file)?
    pub fn names_streams(&self) -> bool {
        self.0.iter().any(|f| {
            matches!(
                f,
                Frame::Compose | Frame::KubectlPrefix | Frame::Stern | Frame::Grep
            )
        })
    }

    /// [`Self::ends_partial`] of a line as read: the common answers from the bytes, without
    /// making text of them (a framed file asks it of every line).
    pub fn ends_partial_bytes(&self, line: &[u8]) -> bool {
        if !self
            .0
            .iter()
            .any(|f| matches!(f, Frame::Cri | Frame::Docker))
        {
            return false;
        }
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if self.0 == [Frame::Cri] && !cri_tag_p(line) {
            return false;
        }
        self.ends_partial(&String::from_utf8_lossy(line))
    }

    /// Does this physical line end with a partial line that the next one continues? Cheap for
    /// Docker lines (the `log` value's escaped `\n` before `","stream"`), exact otherwise.
    pub fn ends_partial(&self, line: &str) -> bool {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if !self
            .0
            .iter()
            .any(|f| matches!(f, Frame::Cri | Frame::Docker))
        {
            return false;
        }
        // The cheap answer holds only for the common shape, `{"log":"...\n","stream":...`, with
        // the `\n` an escape (an odd run of backslashes: `\\n` is a backslash and an `n`).
        // Anything else (a partial line, `\u000a`, other key orders) is peeled.
        // A CRI line is partial only when its tag is `P`: any other line needs no peeling.
        if self.0 == [Frame::Cri] && !cri_tag_p(line.as_bytes()) {
            return false;
        }
        if self.0 == [Frame::Docker] && line.starts_with("{\"log\":\"") {
            if let Some(end) = line.find("\",\"stream\":") {
                let log = &line[..end];
                if let Some(head) = log.strip_suffix('n') {
                    let slashes = head.bytes().rev().take_while(|&b| b == b'\\').count();
                    if slashes % 2 == 1 {
                        return false;
                    }
                }
            }
        }
        self.unwrap(line).is_some_and(|u| u.partial)
    }

    /// The frame stacks the sample's lines may have, most likely first: for each depth, the
    /// frame that peels at least 4 in 5 of the remaining lines.
    pub fn candidates(lines: &[&str]) -> Vec<Frames> {
        let mut out = Vec::new();
        let mut stack: Vec<Frame> = Vec::new();
        let mut cur: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        for _ in 0..MAX_DEPTH {
            if cur.is_empty() {
                break;
            }
            let mut found = None;
            for f in Frame::ALL {
                if stack.contains(&f) {
                    continue;
                }
                // A time frame inside another time frame is the application's own time.
                if f == Frame::KubectlTs
                    && stack
                        .iter()
                        .any(|s| matches!(s, Frame::Cri | Frame::Docker))
                {
                    continue;
                }
                let peeled: Vec<String> = cur
                    .iter()
                    .filter_map(|l| f.peel(l).map(|p| p.inner.into_owned()))
                    .collect();
                if peeled.len() * 5 >= cur.len() * 4 && fits(f, &cur) {
                    found = Some((f, peeled));
                    break;
                }
            }
            let Some((f, peeled)) = found else { break };
            stack.push(f);
            out.push(Frames(stack.clone()));
            cur = peeled;
        }
        out.reverse();
        out
    }
}

impl super::Parser {
    /// [`Parser::peek`](super::Parser::peek) for a record of a framed source: what
    /// [`Parser::event_framed`](super::Parser::event_framed) gives it of its time (the inner
    /// record's, else the frame's), level, service (the record's, else the frame's) and
    /// dialect (`cri+json`). `None` when only the full parse can tell: the line is not framed
    /// so, is a partial line, its inner text is not the line's own (Docker's unescaped `log`),
    /// the service would come from a path the frame names, or the inner record is unsure.
    pub fn peek_framed<'l>(
        &'l self,
        frames: &Frames,
        d: Option<usize>,
        first: &'l [u8],
        tctx: &TimeContext,
    ) -> Option<super::Peek<'l>> {
        let dl = &self.dialects[d?];
        let first = first.strip_suffix(b"\r").unwrap_or(first);
        let line = std::str::from_utf8(first).ok()?;
        let u = frames.unwrap(line)?;
        let Cow::Borrowed(inner) = u.inner else {
            return None;
        };
        if u.partial {
            return None;
        }
        let ctx = match u.ts {
            Some(ts) => super::dated_by(tctx, ts),
            None => tctx.clone(),
        };
        let span = |s: &str| super::structured::span_in(line, s);
        let (ts, level, service, logger, name) = match dl.kind {
            super::Kind::Json | super::Kind::Logfmt if dl.refined_by.is_empty() => {
                let f = if matches!(dl.kind, super::Kind::Json) {
                    self.peek_json(inner, &ctx)?
                } else {
                    self.peek_logfmt(inner, &ctx)?
                };
                (
                    f.ts.or(u.ts)?,
                    f.level?,
                    f.service.map(span),
                    f.logger.map(span),
                    &*dl.name,
                )
            }
            _ => {
                // A text dialect: read only with its time (else the full parse tries others).
                let p = self.peek(d, inner.as_bytes(), &ctx)?;
                let off = span(inner).0;
                let shift = |(a, b): (usize, usize)| (a + off, b + off);
                (
                    p.ts,
                    p.level,
                    p.service.map(shift),
                    p.logger.map(shift),
                    p.dialect,
                )
            }
        };
        let service = match (service, &u.service, &u.path) {
            (Some(s), _, _) => Some(s),
            (None, Some(Cow::Borrowed(s)), _) => Some(span(s)),
            (None, None, None) => None,
            _ => return None,
        };
        Some(super::Peek {
            ts,
            level,
            service,
            logger,
            dialect: framed_label(frames, name),
        })
    }
}

/// `cri+json`: a framed dialect's name, made once per process (a peek lends it, as it lends
/// an unframed dialect's name).
fn framed_label(frames: &Frames, inner: &str) -> &'static str {
    use std::cell::RefCell;
    use std::sync::Mutex;
    /// Frames, inner dialect, label.
    type Known = (Vec<Frame>, Box<str>, &'static str);
    thread_local! {
        static NEAR: RefCell<Vec<Known>> =
            const { RefCell::new(Vec::new()) };
    }
    static ALL: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());
    let known = NEAR.with(|n| {
        n.borrow()
            .iter()
            .find(|(f, i, _)| *f == frames.0 && **i == *inner)
            .map(|e| e.2)
    });
    if let Some(l) = known {
        return l;
    }
    let text = format!("{}+{inner}", frames.label());
    let label = {
        let mut all = ALL.lock().unwrap_or_else(|e| e.into_inner());
        match all.iter().find(|l| **l == text) {
            Some(l) => *l,
            None => {
                // One per frames and dialect pair the process meets: a handful.
                let l: &'static str = Box::leak(text.into_boxed_str());
                all.push(l);
                l
            }
        }
    };
    NEAR.with(|n| {
        if let Ok(mut n) = n.try_borrow_mut() {
            n.push((frames.0.clone(), inner.into(), label));
        }
    });
    label
}

/// Frame-specific checks over the whole sample.
fn fits(f: Frame, lines: &[String]) -> bool {
    match f {
        // stern: a handful of (pod, container) pairs, not a column of varying words.
        Frame::Stern => {
            let mut pairs: Vec<(&str, &str)> = lines
                .iter()
                .filter_map(|l| {
                    peel_stern(l).map(|p| (p.pod.unwrap_or(""), p.service.unwrap_or("")))
                })
                .collect();
            pairs.sort_unstable();
            pairs.dedup();
            pairs.len() <= 3.max(lines.len() / 5)
        }
        // grep: the prefix names a few files.
        Frame::Grep => {
            let mut files: Vec<&str> = lines
                .iter()
                .filter_map(|l| grep_prefix(l).map(|(p, _)| p))
                .collect();
            files.sort_unstable();
            files.dedup();
            files.len() <= 3.max(lines.len() / 5)
        }
        _ => true,
    }
}

/// Where [`peel_cri`] would find its tag (after the first space in the first 40 bytes and the
/// stream), is it `P`? Only a line that says yes can peel as partial.
fn cri_tag_p(b: &[u8]) -> bool {
    let Some(sp) = memchr::memchr(b' ', &b[..b.len().min(40)]) else {
        return false;
    };
    let rest = &b[sp + 1..];
    let Some(tag) = rest
        .strip_prefix(b"stdout ")
        .or_else(|| rest.strip_prefix(b"stderr "))
    else {
        return false;
    };
    tag.first() == Some(&b'P') && matches!(tag.get(1), None | Some(b' '))
}

/// `2026-11-28T22:00:00.671000123Z stdout F text`.
fn peel_cri(line: &str) -> Option<Peeled<'_>> {
    let (ts, rest) = rfc3339_head(line)?;
    let rest = rest
        .strip_prefix("stdout ")
        .or_else(|| rest.strip_prefix("stderr "))?;
    let (tag, text) = match rest.split_once(' ') {
        Some((t, x)) => (t, x),
        None => (rest, ""),
    };
    let partial = match tag {
        "F" => false,
        "P" => true,
        _ => return None,
    };
    Some(Peeled {
        ts: Some(ts),
        inner: Cow::Borrowed(text),
        partial,
        ..Default::default()
    })
}

#[derive(Deserialize)]
struct DockerLine<'a> {
    #[serde(borrow)]
    log: Cow<'a, str>,
    #[serde(borrow)]
    time: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    stream: Option<Cow<'a, str>>,
}

/// Docker's json-file driver: `{"log":"text\n","stream":"stdout","time":"..."}`; a `log`
/// without its `\n` is a partial line (Docker cuts lines at 16 KiB).
fn peel_docker(line: &str) -> Option<Peeled<'_>> {
    let t = line.trim_end();
    if !(t.starts_with('{') && t.contains("\"log\":")) {
        return None;
    }
    let d: DockerLine = serde_json::from_str(t).ok()?;
    let _ = d.stream;
    let ts = d
        .time
        .as_deref()
        .and_then(|s| TimeContext::default().parse(s));
    let log = d.log;
    let (text, partial) = match log {
        Cow::Borrowed(s) => match s.strip_suffix('\n') {
            Some(x) => (Cow::Borrowed(x.strip_suffix('\r').unwrap_or(x)), false),
            None => (Cow::Borrowed(s), true),
        },
        Cow::Owned(mut s) => {
            let partial = !s.ends_with('\n');
            if !partial {
                s.pop();
                if s.ends_with('\r') {
                    s.pop();
                }
            }
            (Cow::Owned(s), partial)
        }
    };
    Some(Peeled {
        ts,
        inner: text,
        partial,
        ..Default::default()
    })
}

/// `[pod/web-7d9f8b6c5d-x2x4z/web] text` (kubectl >= 1.24 writes `pod/`; a bare
/// `[web-7d9f8b6c5d-x2x4z/web]` too).
fn peel_kubectl_prefix(line: &str) -> Option<Peeled<'_>> {
    let rest = line.strip_prefix('[')?;
    let end = rest.find("] ")?;
    let head = &rest[..end];
    let head = head.strip_prefix("pod/").unwrap_or(head);
    let (pod, container) = head.split_once('/')?;
    if !dns_label(pod) || !dns_label(container) {
        return None;
    }
    Some(Peeled {
        service: Some(container_or_pod(container, pod)),
        pod: Some(pod),
        inner: Cow::Borrowed(&rest[end + 2..]),
        ..Default::default()
    })
}

/// `web-1  | text`, `web_1  | text` (compose v1), `web  | text`: a name padded to a column,
/// ` | `, the line. The name loses compose's replica number.
fn peel_compose(line: &str) -> Option<Peeled<'_>> {
    let bar = line.find(" | ").or_else(|| {
        // An empty line of the container: `web-1  |`.
        line.trim_end()
            .ends_with(" |")
            .then(|| line.trim_end().len() - 2)
    })?;
    let name = line[..bar].trim_end();
    if name.is_empty() || name.len() > 64 || !name.bytes().all(is_name_byte) {
        return None;
    }
    let inner = line.get(bar + 3..).unwrap_or("");
    let service = match name.rfind(['-', '_']) {
        Some(i)
            if i > 0 && name[i + 1..].bytes().all(|b| b.is_ascii_digit()) && i + 1 < name.len() =>
        {
            &name[..i]
        }
        _ => name,
    };
    Some(Peeled {
        service: Some(service),
        inner: Cow::Borrowed(inner),
        ..Default::default()
    })
}

/// stern's default template: `<pod> <container> text`.
fn peel_stern(line: &str) -> Option<Peeled<'_>> {
    let (pod, rest) = line.split_once(' ')?;
    let (container, inner) = match rest.split_once(' ') {
        Some(x) => x,
        None => (rest, ""),
    };
    if !dns_label(pod) || !dns_label(container) || !pod.contains('-') {
        return None;
    }
    Some(Peeled {
        service: Some(container_or_pod(container, pod)),
        pod: Some(pod),
        inner: Cow::Borrowed(inner),
        ..Default::default()
    })
}

fn peel_grep(line: &str) -> Option<Peeled<'_>> {
    let (path, inner) = grep_prefix(line)?;
    Some(Peeled {
        path: Some(path),
        inner: Cow::Borrowed(inner),
        ..Default::default()
    })
}

/// `path:text`, `path:12:text`, `path-12-text` (a context line of `grep -C`): the path has a
/// `/` or a `.`, no spaces, and ends at the first `:` (or `-<digits>-`).
fn grep_prefix(line: &str) -> Option<(&str, &str)> {
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() && b[i] != b':' && b[i] != b' ' && b[i] != b'\t' {
        i += 1;
    }
    if i == 0 || i >= b.len() || b[i] != b':' {
        return None;
    }
    let path = &line[..i];
    if !(path.contains('/') || path.contains('.')) || path.starts_with('{') || path.starts_with('[')
    {
        return None;
    }
    // Not a time (`22:00:00`), a URL scheme (`http:`), an address (`10.0.0.1:80`).
    if path.bytes().all(|c| c.is_ascii_digit() || c == b'.') {
        return None;
    }
    let mut rest = &line[i + 1..];
    if rest.starts_with("//") {
        return None;
    }
    // `-n`: the line number.
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && rest.as_bytes().get(digits) == Some(&b':') {
        rest = &rest[digits + 1..];
    }
    Some((path, rest))
}

/// The container name, unless it is a generic one (`app`, `main`), then the pod's workload.
fn container_or_pod<'a>(container: &'a str, pod: &'a str) -> &'a str {
    const GENERIC: &[&str] = &["app", "main", "server", "container", "default"];
    if GENERIC.contains(&container) {
        super::service::workload_of(pod)
    } else {
        container
    }
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.'
}

/// A Kubernetes object name: lower-case letters, digits, `-`, `.`; at most 253 bytes.
fn dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        && s.as_bytes()[0].is_ascii_alphanumeric()
}

/// An RFC 3339 time with a `T`, seconds and a zone (`Z` or `+hh:mm`), then one space: the
/// head of a CRI or `kubectl --timestamps` line.
fn rfc3339_head(line: &str) -> Option<(Timestamp, &str)> {
    let b = line.as_bytes();
    if b.len() < 21 || b[10] != b'T' || b[4] != b'-' || !b[0].is_ascii_digit() {
        return None;
    }
    let sp = memchr::memchr(b' ', &b[..b.len().min(40)])?;
    let stamp = &line[..sp];
    let last = stamp.as_bytes()[stamp.len() - 1];
    // Bytes, not `&str` slicing: the space may come before byte 19, or a multi-byte char
    // straddle it.
    let zoned = last == b'Z'
        || stamp
            .as_bytes()
            .get(19..)
            .is_some_and(|t| t.iter().any(|&c| c == b'+' || c == b'-'));
    if !zoned {
        return None;
    }
    let ts = match utc_stamp(stamp.as_bytes()) {
        Some(ts) => ts,
        None => TimeContext::default().parse(stamp)?,
    };
    Some((ts, &line[sp + 1..]))
}

/// `YYYY-MM-DDTHH:MM:SS[.f]Z` (one to nine fraction digits), every field plainly in range
/// (years 1970-2199, days up to 28): the container runtime's own stamp, read directly, as
/// [`TimeContext::parse`] reads it. `None` for anything else, which that reads instead.
fn utc_stamp(s: &[u8]) -> Option<Timestamp> {
    let n = s.len();
    if !(20..=30).contains(&n)
        || s[n - 1] != b'Z'
        || s[4] != b'-'
        || s[7] != b'-'
        || s[10] != b'T'
        || s[13] != b':'
        || s[16] != b':'
    {
        return None;
    }
    let num = |from: usize, to: usize| {
        s[from..to].iter().try_fold(0i64, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + (c - b'0') as i64)
        })
    };
    let (y, mo, d) = (num(0, 4)?, num(5, 7)?, num(8, 10)?);
    let (h, mi, sec) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
    if !(1970..2200).contains(&y)
        || !(1..=12).contains(&mo)
        || !(1..=28).contains(&d)
        || h > 23
        || mi > 59
        || sec > 59
    {
        return None;
    }
    let frac = if n == 20 {
        0
    } else {
        let digits = n - 21;
        if s[19] != b'.' || !(1..=9).contains(&digits) {
            return None;
        }
        num(20, n - 1)? * 10i64.pow(9 - digits as u32)
    };
    let days = crate::model::days_from_civil(y, mo as u32, d as u32);
    Some(Timestamp(
        ((days * 86_400 + h * 3_600 + mi * 60 + sec) * 1_000_000_000) + frac,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A CRI line's peek: the inner record's time, else the runtime's; the inner service;
    /// `cri+json`; nothing for a partial line. It agrees with the full parse.
    #[test]
    fn cri_peek_agrees_with_the_full_parse() {
        use crate::model::Level;
        let p = crate::parse::Parser::default_parser();
        let tctx = TimeContext::default();
        let frames = Frames(vec![Frame::Cri]);
        let json = p.dialect_index("json");
        let source: std::sync::Arc<str> = "pod.log".into();
        let peek = |line: &'static str| {
            let got = p.peek_framed(&frames, json, line.as_bytes(), &tctx);
            if let Some(k) = &got {
                let e = p.event_framed(&frames, json, line.into(), &source, 1, None, &tctx);
                assert_eq!(Some(k.ts), e.ts, "{line}");
                assert_eq!(Some(k.level), e.level, "{line}");
                let svc = k.service.or(k.logger).map(|(a, b)| &line[a..b]);
                assert_eq!(svc, e.service.as_deref(), "{line}");
                assert_eq!(k.dialect, &*e.dialect, "{line}");
            }
            got
        };
        let at = |s: &str| tctx.parse(s).unwrap();
        let k = peek(r#"2026-11-28T20:00:00.155984769Z stdout F {"level":"warn","msg":"slow","app":"notifier"}"#).unwrap();
        assert_eq!(k.ts, at("2026-11-28T20:00:00.155984769Z"));
        assert_eq!(k.level, Level::Warn);
        assert_eq!(k.dialect, "cri+json");
        let k = peek(r#"2026-11-28T20:00:00.155984769Z stderr F {"ts":"2026-11-28T19:59:59.5Z","level":"info","logger":"db"}"#).unwrap();
        assert_eq!(k.ts, at("2026-11-28T19:59:59.5Z"));
        assert!(k.service.is_none() && k.logger.is_some());
        for line in [
            r#"2026-11-28T20:00:00.155984769Z stdout P {"level":"info","msg":"cut"#,
            r#"2026-11-28T20:00:00.155984769Z stdout F {"msg":"no level"}"#,
            r#"not a CRI line {"level":"info"}"#,
        ] {
            assert!(peek(line).is_none(), "{line}");
        }
    }

    fn stack(lines: &[&str]) -> Vec<String> {
        Frames::candidates(lines)
            .iter()
            .map(Frames::label)
            .collect()
    }

    /// The direct reading of a runtime's stamp is `TimeContext::parse`'s, and a line's tag is
    /// told alike without peeling it.
    #[test]
    fn runtime_stamps_read_directly() {
        let tctx = TimeContext::default();
        let mut n = 0;
        for y in [1970, 1999, 2000, 2024, 2026, 2199] {
            for (mo, d) in [(1, 1), (2, 28), (3, 1), (11, 28), (12, 28)] {
                for frac in ["", ".1", ".15", ".155984", ".155984769", ".000000001"] {
                    let s = format!("{y:04}-{mo:02}-{d:02}T23:59:58{frac}Z");
                    assert_eq!(utc_stamp(s.as_bytes()), tctx.parse(&s), "{s}");
                    n += 1;
                }
            }
        }
        assert_eq!(n, 180);
        for s in [
            "2026-11-29T20:00:00Z",
            "2026-13-01T20:00:00Z",
            "2026-11-28T24:00:00Z",
            "2026-11-28T20:00:00.1234567891Z",
            "2026-11-28T20:00:00.Z",
            "2026-11-28T20:00:00+00:00",
            "1969-12-31T23:59:59Z",
        ] {
            assert_eq!(utc_stamp(s.as_bytes()), None, "{s}");
        }
        let f = Frames(vec![Frame::Cri]);
        for l in [
            "2026-11-28T22:00:00.671000123Z stdout P abc",
            "2026-11-28T22:00:00.671000123Z stderr P",
            "2026-11-28T22:00:00.671000123Z stdout F abc",
            "2026-11-28T22:00:00.671000123Z stdout PP abc",
            "2026-11-28T22:00:00Z stdout P x",
            "2026-11-28 22:00:00Z stdout P x",
            "x stdout P",
        ] {
            let peeled = f.unwrap(l).is_some_and(|u| u.partial);
            assert_eq!(f.ends_partial(l), peeled, "{l}");
            assert!(cri_tag_p(l.as_bytes()) || !peeled, "{l}");
        }
    }

    #[test]
    fn peels_each_frame() {
        let p = Frame::Cri
            .peel("2026-11-28T22:00:00.671000123Z stdout P abc")
            .unwrap();
        assert_eq!(p.inner, "abc");
        assert!(p.partial);
        assert_eq!(p.ts.unwrap().to_rfc3339(), "2026-11-28T22:00:00.671000123Z");
        let p = Frame::Docker
            .peel(r#"{"log":"{\"level\":\"info\"}\n","stream":"stdout","time":"2026-11-28T22:00:00.5Z"}"#)
            .unwrap();
        assert_eq!(p.inner, r#"{"level":"info"}"#);
        assert!(!p.partial);
        let p = Frame::Docker
            .peel(r#"{"log":"part one ","stream":"stdout","time":"2026-11-28T22:00:00.5Z"}"#)
            .unwrap();
        assert!(p.partial);
        let p = Frame::KubectlPrefix
            .peel("[pod/web-7d9f8b6c5d-x2x4z/web] hello")
            .unwrap();
        assert_eq!(
            (p.service, p.pod),
            (Some("web"), Some("web-7d9f8b6c5d-x2x4z"))
        );
        assert_eq!(p.inner, "hello");
        let p = Frame::Compose.peel("orders-api-1  | started").unwrap();
        assert_eq!((p.service, &*p.inner), (Some("orders-api"), "started"));
        let p = Frame::Compose.peel("db_1    | LOG:  ready").unwrap();
        assert_eq!(p.service, Some("db"));
        let p = Frame::Grep
            .peel("logs/app.log:12:2026-11-28 22:00:00 INFO x")
            .unwrap();
        assert_eq!(p.inner, "2026-11-28 22:00:00 INFO x");
        assert!(Frame::Grep.peel("10.0.0.1:80 GET /").is_none());
        assert!(Frame::Grep.peel("http://x.y/ a").is_none());
        assert!(Frame::KubectlTs.peel("2026-11-28 22:00:00 x").is_none());
    }

    /// Found by the `frames` fuzz target: a partial Docker line whose text ends in a backslash
    /// and an `n` (`\\n` in JSON) was taken for a whole line, and a `\u000a` line end for a cut.
    #[test]
    fn fuzz_docker_partial_line_ending_in_backslash_n() {
        let docker = Frames(vec![Frame::Docker]);
        let cut = r#"{"log":"path C:\\n","stream":"stdout","time":"2026-11-28T22:00:00Z"}"#;
        assert!(docker.ends_partial(cut));
        assert_eq!(docker.unwrap(cut).unwrap().inner, r"path C:\n");
        let whole = r#"{"log":"path C:\\\n","stream":"stdout","time":"2026-11-28T22:00:00Z"}"#;
        assert!(!docker.ends_partial(whole));
        assert_eq!(docker.unwrap(whole).unwrap().inner, r"path C:\");
        let unicode = r#"{"log":"done\u000a","stream":"stdout","time":"2026-11-28T22:00:00Z"}"#;
        assert!(!docker.ends_partial(unicode));
        let plain = r#"{"log":"done\n","stream":"stdout","time":"2026-11-28T22:00:00Z"}"#;
        assert!(!docker.ends_partial(plain));
    }

    /// Found by the `frames` fuzz target: a line shaped like the head of an RFC 3339 time whose
    /// first space comes before byte 19, or with a multi-byte char across byte 19, panicked
    /// (a `&str` slice out of bounds / off a char boundary).
    #[test]
    fn fuzz_short_or_multibyte_time_head_is_no_frame() {
        for line in [
            "2026-11-28T2 0000000000 x",
            "2026-11-28T22:00:0\u{e9}+01:00 x",
            "2026-11-28T22:00:00\u{e9}Z x",
        ] {
            assert!(Frame::KubectlTs.peel(line).is_none(), "{line:?}");
            assert!(Frame::Cri.peel(line).is_none(), "{line:?}");
        }
        let p = Frame::KubectlTs
            .peel("2026-11-28T22:00:00.5+01:00 x")
            .unwrap();
        assert_eq!(p.ts.unwrap().to_rfc3339(), "2026-11-28T21:00:00.500Z");
        assert_eq!(p.inner, "x");
    }

    #[test]
    fn detects_stacks() {
        let kp = [
            "[pod/web-7d9f8b6c5d-x2x4z/web] 2026-11-28T22:00:00.1Z {\"msg\":\"a\"}",
            "[pod/web-7d9f8b6c5d-x2x4z/web] 2026-11-28T22:00:00.2Z {\"msg\":\"b\"}",
        ];
        assert_eq!(stack(&kp), ["kubectl-prefix+kubectl-ts", "kubectl-prefix"]);
        let cri = [
            "2026-11-28T22:00:00.671000123Z stdout F 2026-11-28T22:00:00Z x",
            "2026-11-28T22:00:00.671000123Z stdout F 2026-11-28T22:00:01Z y",
        ];
        assert_eq!(stack(&cri), ["cri"]);
        let plain = ["2026-11-28 22:00:00 INFO a", "2026-11-28 22:00:01 INFO b"];
        assert!(stack(&plain).is_empty());
        let stern = [
            "web-7d9f8b6c5d-x2x4z web 16:42:22.382 [main] INFO a - x",
            "web-7d9f8b6c5d-x2x4z web 16:42:23.382 [main] INFO a - y",
            "web-7d9f8b6c5d-abcde web 16:42:24.382 [main] INFO a - z",
        ];
        assert_eq!(stack(&stern), ["stern"]);
    }
}
