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

/// The 8 bytes at `i` as a little-endian word (first byte lowest), if there are 8.
#[inline(always)]
fn word(l: &[u8], i: usize) -> Option<u64> {
    l.get(i..)?
        .first_chunk::<8>()
        .map(|w| u64::from_le_bytes(*w))
}

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// Bytes of `w` that are zero, flagged by their high bit; the lowest flag is exact (a borrow
/// only runs upward, past the first zero byte).
#[inline(always)]
fn zero_bytes(w: u64) -> u64 {
    w.wrapping_sub(LO) & !w & HI
}

/// Index in its word of the lowest flagged byte.
#[inline(always)]
fn first(flags: u64) -> usize {
    (flags.trailing_zeros() / 8) as usize
}

/// End of the run of `\s` at `i`. Eight bytes at a time over spaces (alignment padding).
#[inline(always)]
pub fn spaces(l: &[u8], mut i: usize) -> usize {
    loop {
        if let Some(w) = word(l, i) {
            let other = w ^ (LO * b' ' as u64);
            if other == 0 {
                i += 8;
                continue;
            }
            // The lowest set bit is in the first byte that is not a space.
            i += (other.trailing_zeros() / 8) as usize;
        }
        match l.get(i) {
            Some(&b) if is_space(b) => i += 1,
            _ => return i,
        }
    }
}

/// End of the run of `\S` at `i`. Eight bytes at a time while none is below `!`.
#[inline(always)]
pub fn non_spaces(l: &[u8], mut i: usize) -> usize {
    loop {
        if let Some(w) = word(l, i) {
            let low = w.wrapping_sub(LO * 0x21) & !w & HI;
            if low == 0 {
                i += 8;
                continue;
            }
            i += first(low);
        }
        match l.get(i) {
            Some(&b) if !is_space(b) => i += 1,
            _ => return i,
        }
    }
}

/// Where the first `a` or `b` at or after `i` is (`l.len()` when none).
#[inline(always)]
pub fn until2(l: &[u8], mut i: usize, a: u8, b: u8) -> usize {
    loop {
        if let Some(w) = word(l, i) {
            let f = zero_bytes(w ^ (LO * a as u64)) | zero_bytes(w ^ (LO * b as u64));
            if f == 0 {
                i += 8;
                continue;
            }
            return i + first(f);
        }
        match l.get(i) {
            Some(&c) if c != a && c != b => i += 1,
            Some(_) => return i,
            None => return l.len(),
        }
    }
}

/// Does `l` hold `lit` at `i`? (Compared as an array: no call for a short literal.)
#[inline(always)]
pub fn lit<const N: usize>(l: &[u8], i: usize, lit: &[u8; N]) -> bool {
    l.get(i..).and_then(|r| r.first_chunk::<N>()) == Some(lit)
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
    fn word_at_a_time_runs() {
        let l = b"abc:def.ghi\x80\x01jkl  \t\x0b  \x0c   x,y]z";
        for i in 0..=l.len() {
            let slow = |f: &dyn Fn(u8) -> bool| run(l, i, f);
            assert_eq!(spaces(l, i), slow(&is_space), "{i}");
            assert_eq!(non_spaces(l, i), slow(&|b| !is_space(b)), "{i}");
            assert_eq!(
                until2(l, i, b',', b']'),
                slow(&|b| b != b',' && b != b']'),
                "{i}"
            );
        }
        assert_eq!(spaces(b"                   x", 0), 19);
        assert!(lit(b"a --- b", 1, b" --- "));
        assert!(!lit(b"a --- ", 2, b" --- "));
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
