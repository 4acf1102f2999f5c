//! Column widths of the terminal tables: text measured in terminal cells (a CJK character takes
//! two, a combining accent none), padded to its column, and long paths cut in the middle
//! (`logs/edge/…/2026-11-28/access.log`) so that every row of a table lines up whatever its
//! paths and timestamps hold.
//!
//! The widest a path column gets is [`PATH_COLUMN`] cells, or what the terminal has left when
//! `COLUMNS` says how wide it is; nothing else is asked of the terminal, so the same command
//! prints the same table on a terminal and into a pipe.

use std::borrow::Cow;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The widest a path column gets when `COLUMNS` is not set.
pub const PATH_COLUMN: usize = 48;
/// The narrowest a path column gets, however narrow `COLUMNS` says the terminal is.
pub const MIN_PATH_COLUMN: usize = 20;

/// Terminal cells `s` takes (text already [`super::terminal::sanitize`]d: no control bytes).
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

fn char_width(c: char) -> usize {
    UnicodeWidthChar::width(c).unwrap_or(0)
}

/// `s` then spaces up to `w` cells (unchanged when it is already as wide).
pub fn pad_right(s: &str, w: usize) -> String {
    let n = width(s);
    let mut out = String::with_capacity(s.len() + w.saturating_sub(n));
    out.push_str(s);
    out.extend(std::iter::repeat_n(' ', w.saturating_sub(n)));
    out
}

/// Spaces then `s`, `w` cells in all (unchanged when it is already as wide).
pub fn pad_left(s: &str, w: usize) -> String {
    let n = width(s);
    let mut out = String::with_capacity(s.len() + w.saturating_sub(n));
    out.extend(std::iter::repeat_n(' ', w.saturating_sub(n)));
    out.push_str(s);
    out
}

/// `s` in at most `max` cells: as it is when it fits, else its start and its end with `…`
/// between them. The end keeps the file name whole when it takes at most three quarters of
/// the room (the name is what tells files apart), and at least half of the room otherwise; a
/// wide character that would straddle the cut is left out, so the result may be a cell short.
pub fn truncate_middle(s: &str, max: usize) -> Cow<'_, str> {
    if width(s) <= max {
        return Cow::Borrowed(s);
    }
    if max == 0 {
        return Cow::Borrowed("");
    }
    let room = max - 1;
    let name = s.rsplit(['/', '\\']).next().unwrap_or(s);
    // The name with its separator, when there is one.
    let name_w = width(name) + usize::from(name.len() < s.len());
    let tail_w = name_w.max(room / 2).min(room - room / 4);
    let head_w = room - tail_w;
    let mut head = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = char_width(c);
        if used + w > head_w {
            break;
        }
        used += w;
        head.push(c);
    }
    let mut tail: Vec<char> = Vec::new();
    let mut used = 0;
    for c in s.chars().rev() {
        let w = char_width(c);
        if used + w > tail_w {
            break;
        }
        used += w;
        tail.push(c);
    }
    head.push('…');
    head.extend(tail.into_iter().rev());
    Cow::Owned(head)
}

/// The widest a path column may be in a table whose other columns take `rest` cells: what
/// `COLUMNS` leaves (at least [`MIN_PATH_COLUMN`]) when it is set, else [`PATH_COLUMN`].
pub fn path_column(rest: usize) -> usize {
    path_column_in(std::env::var("COLUMNS").ok().as_deref(), rest)
}

fn path_column_in(columns: Option<&str>, rest: usize) -> usize {
    match columns.and_then(|c| c.trim().parse::<usize>().ok()) {
        Some(c) if c > 0 => c.saturating_sub(rest).max(MIN_PATH_COLUMN),
        _ => PATH_COLUMN,
    }
}

/// The width of a column holding `cells` under `header`: the widest of them, at most `max`
/// (wider cells are cut by [`truncate_middle`] to fit).
pub fn column<'a>(header: &str, cells: impl IntoIterator<Item = &'a str>, max: usize) -> usize {
    cells
        .into_iter()
        .map(width)
        .max()
        .unwrap_or(0)
        .min(max)
        .max(width(header))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_takes_two_cells() {
        assert_eq!(width("ログ/アクセス.log"), 2 * 6 + 5);
        assert_eq!(pad_right("日本", 6), "日本  ");
        assert_eq!(pad_left("日本", 6), "  日本");
        assert_eq!(pad_right("toolong", 3), "toolong");
    }

    #[test]
    fn long_paths_keep_their_start_and_file_name() {
        let p = format!("/var/log/{}/edge/access.log", "x".repeat(120));
        let t = truncate_middle(&p, 48);
        assert_eq!(
            t,
            format!(
                "/var/log/{}…{}/edge/access.log",
                "x".repeat(15),
                "x".repeat(7)
            )
        );
        assert_eq!(width(&t), 48);
        // A file name longer than three quarters of the room keeps its end.
        let p = format!("logs/{}.log", "n".repeat(100));
        assert_eq!(
            truncate_middle(&p, 20),
            format!("logs…{}.log", "n".repeat(11))
        );
        assert_eq!(truncate_middle("short.log", 48), "short.log");
        assert_eq!(truncate_middle("abc", 1), "…");
    }

    #[test]
    fn wide_characters_are_never_split() {
        let p = "ログ/サービス/東京/アクセス記録ファイル.log";
        let t = truncate_middle(p, 20);
        assert_eq!(t, "ログ…録ファイル.log");
        assert_eq!(width(&t), 19, "記 would straddle the cut");
    }

    #[test]
    fn columns_sets_the_path_room() {
        assert_eq!(path_column_in(None, 80), PATH_COLUMN);
        assert_eq!(path_column_in(Some("200"), 80), 120);
        assert_eq!(path_column_in(Some("90"), 80), MIN_PATH_COLUMN);
        assert_eq!(path_column_in(Some("wide"), 80), PATH_COLUMN);
    }
}
