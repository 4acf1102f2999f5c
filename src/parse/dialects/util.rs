//! Byte-level pieces the line-based scanners (spring, python, logback, klog, golog) share: the
//! regex crate's ASCII classes (`\s`, `\d`, `\w`), runs of a class, fixed timestamp shapes, and
//! writing group spans. Everything is bounds-checked: a scanner sees any bytes.

use std::ops::Range;

use super::Slots;

/// `\s` without Unicode: `[\t\n\v\f\r ]`.
#[inline(always)]
pub fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ')
}

/// `\w` without Unicode: `[0-9A-Za-z_]`.
#[inline(always)]
pub fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Is byte `i` of `l` exactly `c`? (`false` past the end.)
#[inline(always)]
pub fn is(l: &[u8], i: usize, c: u8) -> bool {
    l.get(i) == Some(&c)
}

/// End of the longest run of bytes in `class` starting at `i` (`i` itself when none, or when
/// `i` is past the end).
#[inline(always)]
pub fn run(l: &[u8], mut i: usize, class: impl Fn(u8) -> bool) -> usize {
    while let Some(&b) = l.get(i) {
        if !class(b) {
            break;
        }
        i += 1;
    }
    i
}

/// End of the run of `\d` at `i`.
#[inline(always)]
pub fn digits(l: &[u8], i: usize) -> usize {
    run(l, i, |b| b.is_ascii_digit())
}

/// End of the run of `\s` at `i`.
#[inline(always)]
pub fn spaces(l: &[u8], i: usize) -> usize {
    run(l, i, is_space)
}

/// End of the run of `\S` at `i`.
#[inline(always)]
pub fn non_spaces(l: &[u8], i: usize) -> usize {
    run(l, i, |b| !is_space(b))
}

/// Does `l` start with `shape`? In `shape`, `d` is `\d`, `T` is `[ T]`, any other byte itself.
#[inline(always)]
pub fn shape(l: &[u8], shape: &[u8]) -> bool {
    l.len() >= shape.len()
        && l.iter().zip(shape).all(|(&b, &s)| match s {
            b'd' => b.is_ascii_digit(),
            b'T' => b == b' ' || b == b'T',
            _ => b == s,
        })
}

/// `\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d` at the start of `l` (19 bytes).
#[inline(always)]
pub fn iso_date_time(l: &[u8]) -> bool {
    shape(l, b"dddd-dd-ddTdd:dd:dd")
}

/// `(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?` at `i`, each part taken when it is there (as the regex
/// tries it first): where it ends. Exact whenever what the regex wants next cannot start with
/// a digit, `Z`, `+` or `-` (a space, ` [`): then giving back any part cannot succeed.
#[inline(always)]
pub fn frac_zone(l: &[u8], mut i: usize) -> usize {
    if matches!(l.get(i), Some(b'.' | b',')) {
        let e = digits(l, i + 1);
        if e > i + 1 {
            i = e;
        }
    }
    match l.get(i) {
        Some(b'Z') => i + 1,
        Some(b'+' | b'-') => {
            let two = |j: usize| {
                l.get(j).is_some_and(u8::is_ascii_digit)
                    && l.get(j + 1).is_some_and(u8::is_ascii_digit)
            };
            if !two(i + 1) {
                i
            } else if is(l, i + 3, b':') && two(i + 4) {
                i + 6
            } else if two(i + 3) {
                i + 5
            } else {
                i
            }
        }
        _ => i,
    }
}

/// Where the last `\n` of `l` is: `.*$` from `m` matches exactly when `m` is past it.
#[inline(always)]
pub fn last_newline(l: &[u8]) -> Option<usize> {
    memchr::memrchr(b'\n', l)
}

/// Does `.*$` match from `m`, given [`last_newline`]?
#[inline(always)]
pub fn rest_ok(nl: Option<usize>, m: usize) -> bool {
    nl.is_none_or(|n| n < m)
}

/// Sets slot `i` (ignored when `slots` is shorter: never a panic).
#[inline(always)]
pub fn set(slots: &mut Slots, i: usize, span: Option<Range<usize>>) {
    if let Some(s) = slots.get_mut(i) {
        *s = span;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frac_zone_takes_what_the_regex_takes() {
        assert_eq!(frac_zone(b".123Z x", 0), 5);
        assert_eq!(frac_zone(b",5+01:00 x", 0), 8);
        assert_eq!(frac_zone(b"+0100 x", 0), 5);
        assert_eq!(frac_zone(b"+01:0 x", 0), 0);
        assert_eq!(frac_zone(b". x", 0), 0);
        assert_eq!(frac_zone(b".12-1", 0), 3);
        assert_eq!(frac_zone(b"", 0), 0);
    }

    #[test]
    fn shapes() {
        assert!(iso_date_time(b"2026-11-28 20:00:00.013"));
        assert!(iso_date_time(b"2026-11-28T20:00:00"));
        assert!(!iso_date_time(b"2026-11-28x20:00:00"));
        assert!(!iso_date_time(b"2026-11-28 20:00:0"));
        assert!(shape(b"2009/11/10 23:00", b"dddd/dd/dd dd:dd"));
    }
}
