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

/// One timeline row: time, service, level, message; continuation lines indented below.
pub fn timeline_row(e: &Event, service_w: usize, marker: &str, style: &Style) -> String {
    let ts =
        e.ts.map_or_else(|| pad("-", 24), |t| pad(&t.to_rfc3339(), 24));
    let svc = pad(&sanitize(e.service.as_deref().unwrap_or("-")), service_w);
    let lvl_text = pad(e.level.map_or("-", |l| l.as_str()), 5);
    let msg = if e.message.is_empty() {
        e.raw.split('\n').next().unwrap_or("")
    } else {
        &e.message
    };
    let mut out = format!(
        "{} {} {} {}{}",
        style.dim(&ts),
        style.bold(&svc),
        style.level(e.level, &lvl_text),
        marker,
        sanitize(msg)
    );
    for cont in e.raw.split('\n').skip(1) {
        out.push('\n');
        out.push_str(&" ".repeat(24 + 1 + service_w + 1 + 5 + 1 + 2));
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
    fn no_color_means_plain() {
        let s = Style { color: false };
        assert_eq!(s.level(Some(Level::Error), "error"), "error");
    }
}
