//! The human timeline and tables: aligned columns, colour on a terminal (never with NO_COLOR),
//! and every piece of log text sanitised so that a log line cannot drive the terminal.

use std::fmt::Write as _;

use crate::model::{Event, Level};

/// Colour choice, decided once by the caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Style {
    pub color: bool,
}

impl Style {
    /// Colour only on a terminal and only when NO_COLOR is unset or empty.
    pub fn detect(is_tty: bool) -> Style {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Style {
            color: is_tty && !no_color,
        }
    }

    fn paint(&self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    pub fn dim(&self, s: &str) -> String {
        self.paint("2", s)
    }

    pub fn bold(&self, s: &str) -> String {
        self.paint("1", s)
    }

    pub fn level(&self, l: Option<Level>, text: &str) -> String {
        match l {
            Some(Level::Fatal) => self.paint("1;35", text),
            Some(Level::Error) => self.paint("1;31", text),
            Some(Level::Warn) => self.paint("33", text),
            Some(Level::Info) => self.paint("32", text),
            Some(Level::Debug) | Some(Level::Trace) => self.paint("2", text),
            None => text.to_string(),
        }
    }
}

/// Remove what a terminal would interpret: ESC sequences, other C0/C1 controls and DEL.
/// Tabs become spaces. What is removed is shown as `\xNN`, so evidence is not hidden.
pub fn sanitize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\t' => out.push(' '),
            c if (c as u32) < 0x20 || c as u32 == 0x7f || (0x80..0xa0).contains(&(c as u32)) => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            // Bidirectional overrides can reorder what is shown (Trojan Source).
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Make what would be invisible or would reorder the text visible, keeping newlines and tabs:
/// other C0 controls, DEL and C1 controls become `\xNN`, bidirectional embeddings, overrides
/// and isolates (U+202A..U+202E, U+2066..U+2069) become `\u{NNNN}`, as [`sanitize`] writes them.
/// For text that keeps its lines (summaries, `report.html`); borrowed when nothing changes.
pub fn visible(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(needs_showing) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if needs_showing(c) {
            show_char(&mut out, c);
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A control (other than newline and tab) or a bidi control character.
pub fn needs_showing(c: char) -> bool {
    let u = c as u32;
    (u < 0x20 && c != '\n' && c != '\t')
        || u == 0x7f
        || (0x80..0xa0).contains(&u)
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `\xNN` for a control, `\u{NNNN}` for anything else.
pub fn show_char(out: &mut String, c: char) {
    if (c as u32) < 0x100 {
        let _ = write!(out, "\\x{:02x}", c as u32);
    } else {
        let _ = write!(out, "\\u{{{:x}}}", c as u32);
    }
}

/// Pad to a display width (counted in chars).
pub fn pad(s: &str, w: usize) -> String {
    let n = s.chars().count();
    if n >= w {
        s.to_string()
    } else {
        format!("{s}{}", " ".repeat(w - n))
    }
}

/// At most `w` chars: a longer text keeps its start and its end (the larger part, where a
/// path's file name is) around a `…`.
pub fn truncate_middle(s: &str, w: usize) -> std::borrow::Cow<'_, str> {
    let n = s.chars().count();
    if n <= w {
        return std::borrow::Cow::Borrowed(s);
    }
    if w == 0 {
        return std::borrow::Cow::Borrowed("");
    }
    let head = (w - 1) / 2;
    let tail = w - 1 - head;
    let mut out: String = s.chars().take(head).collect();
    out.push('…');
    out.extend(s.chars().skip(n - tail));
    std::borrow::Cow::Owned(out)
}

/// Which part of a `--window` timeline a row belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowMark {
    /// No marker column (no `--window`): `events`, and `trace` without context.
    Plain,
    /// An event of the request: it holds one of the ids followed.
    Request,
    /// An event added by `--window` around the request.
    Context,
}

/// The marker column of a `--window` timeline: plain ASCII words, so that they survive a pipe,
/// a ticket and Markdown (where a leading `>` or `*` would not), and `grep '^req '` works.
pub const REQUEST_MARK: &str = "req";
pub const CONTEXT_MARK: &str = "ctx";

/// Widest service column; longer names are cut in the middle.
pub const SERVICE_MAX: usize = 24;

/// The column widths of one timeline, measured over all its rows before the first is printed,
/// so the columns line up whatever the width of a time (ms, µs or ns) or a service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimelineLayout {
    pub ts_w: usize,
    pub service_w: usize,
    /// A marker column ([`REQUEST_MARK`] / [`CONTEXT_MARK`]) leads each row.
    pub marked: bool,
}

impl TimelineLayout {
    pub fn of<'e>(events: impl IntoIterator<Item = &'e Event>, marked: bool) -> TimelineLayout {
        let (mut ts_w, mut service_w) = (1, 1);
        for e in events {
            ts_w = ts_w.max(e.ts.map_or(1, |t| t.to_rfc3339().len()));
            let svc = sanitize(e.service.as_deref().unwrap_or("-"));
            service_w = service_w.max(svc.chars().count());
        }
        TimelineLayout {
            ts_w,
            service_w: service_w.min(SERVICE_MAX),
            marked,
        }
    }

    /// One row: [marker] time, service, level, message; continuation lines indented below the
    /// message. On a terminal a context row is dimmed; the marker says it without colour.
    pub fn row(&self, e: &Event, mark: RowMark, style: &Style) -> String {
        let lead = match (self.marked, mark) {
            (false, _) => String::new(),
            (true, RowMark::Context) => format!("{} ", style.dim(CONTEXT_MARK)),
            (true, _) => format!("{} ", style.bold(REQUEST_MARK)),
        };
        let context = mark == RowMark::Context;
        let indent = if self.marked {
            REQUEST_MARK.len() + 1
        } else {
            0
        };
        lead + &row_text(e, self.ts_w, self.service_w, "  ", context, indent, style)
    }

    /// The one-line legend printed above a marked timeline.
    pub fn legend(request: usize, context: usize, window: &str, style: &Style) -> String {
        style.dim(&format!(
            "legend: {REQUEST_MARK} = the request's {request} event(s), holding its ids; \
             {CONTEXT_MARK} = {context} other event(s) of its services within {window} (--window)"
        ))
    }
}

fn row_text(
    e: &Event,
    ts_w: usize,
    service_w: usize,
    marker: &str,
    context: bool,
    indent: usize,
    style: &Style,
) -> String {
    let ts =
        e.ts.map_or_else(|| pad("-", ts_w), |t| pad(&t.to_rfc3339(), ts_w));
    let svc = sanitize(e.service.as_deref().unwrap_or("-"));
    let svc = pad(&truncate_middle(&svc, service_w), service_w);
    let lvl_text = pad(e.level.map_or("-", |l| l.as_str()), 5);
    let msg = if e.message.is_empty() {
        e.raw.split('\n').next().unwrap_or("")
    } else {
        &e.message
    };
    let msg = sanitize(msg);
    let mut out = if context {
        format!(
            "{} {} {} {}{}",
            style.dim(&ts),
            style.dim(&svc),
            style.dim(&lvl_text),
            marker,
            style.dim(&msg)
        )
    } else {
        format!(
            "{} {} {} {}{}",
            style.dim(&ts),
            style.bold(&svc),
            style.level(e.level, &lvl_text),
            marker,
            msg
        )
    };
    let width = indent + ts_w + 1 + service_w + 1 + 5 + 1 + marker.chars().count();
    for cont in e.raw.split('\n').skip(1) {
        out.push('\n');
        out.push_str(&" ".repeat(width));
        out.push_str(&style.dim(&sanitize(cont)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_neutralised() {
        assert_eq!(sanitize("a\x1b[31mred\x07"), "a\\x1b[31mred\\x07");
        assert_eq!(sanitize("tab\there"), "tab here");
        assert_eq!(sanitize("\u{202e}abc"), "\\u{202e}abc");
        assert_eq!(sanitize("héllo ✓"), "héllo ✓");
    }

    #[test]
    fn visible_keeps_lines_and_shows_the_rest() {
        assert_eq!(visible("a\tb\nc"), "a\tb\nc");
        assert_eq!(
            visible("\u{1b}[2J\r\u{85}\u{7f}x\u{202e}y\u{2069}"),
            "\\x1b[2J\\x0d\\x85\\x7fx\\u{202e}y\\u{2069}"
        );
        assert!(matches!(visible("plain ✓"), std::borrow::Cow::Borrowed(_)));
    }

    #[test]
    fn long_text_is_cut_in_the_middle() {
        assert_eq!(truncate_middle("short", 24), "short");
        assert_eq!(truncate_middle("abcdefghij", 7), "abc…hij");
        assert_eq!(truncate_middle("abcdefghij", 6), "ab…hij");
        assert_eq!(truncate_middle("abcdefghij", 1), "…");
        assert_eq!(truncate_middle("abcdefghij", 0), "");
        assert_eq!(truncate_middle("ééééé✓✓✓", 5), "éé…✓✓");
    }

    #[test]
    fn no_color_means_plain() {
        let s = Style { color: false };
        assert_eq!(s.level(Some(Level::Error), "error"), "error");
    }
}
