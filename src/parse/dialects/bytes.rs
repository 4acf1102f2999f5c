//! Byte-class tests and span helpers shared by the web-server and syslog scanners (`access`,
//! `syslog-3164`, `envoy`, ...), in the regex crate's `unicode(false)` terms.
//!
//! Every reader here takes any index: past the end of the line a byte reads as `0`, which no
//! caller compares against, so a scanner never indexes out of bounds.

use super::Slots;
use std::ops::Range;

/// The byte at `i`, or `0` past the end (never a byte a scanner looks for).
#[inline(always)]
pub fn at(line: &[u8], i: usize) -> u8 {
    match line.get(i) {
        Some(&b) => b,
        None => 0,
    }
}

/// `\s` without Unicode: `[\t\n\v\f\r ]`.
#[inline(always)]
pub fn is_space(b: u8) -> bool {
    b == b' ' || b.wrapping_sub(b'\t') < 5
}

/// `\d`.
#[inline(always)]
pub fn is_digit(b: u8) -> bool {
    b.wrapping_sub(b'0') < 10
}

/// `\w` without Unicode: `[0-9A-Za-z_]`.
#[inline(always)]
pub fn is_word(b: u8) -> bool {
    is_digit(b) || (b | 0x20).wrapping_sub(b'a') < 26 || b == b'_'
}

/// `[A-Za-z]`.
#[inline(always)]
pub fn is_alpha(b: u8) -> bool {
    (b | 0x20).wrapping_sub(b'a') < 26
}

/// `[A-Z]`.
#[inline(always)]
pub fn is_upper(b: u8) -> bool {
    b.wrapping_sub(b'A') < 26
}

/// End of the run of bytes from `i` that satisfy `f` (`i` itself when there is none, or when
/// `i` is past the end).
#[inline(always)]
pub fn run_end(line: &[u8], i: usize, f: impl Fn(u8) -> bool) -> usize {
    let mut j = i;
    while j < line.len() && f(line[j]) {
        j += 1;
    }
    j.max(i)
}

/// `0x01` in every byte of a word.
const LO: u64 = 0x0101_0101_0101_0101;
/// `0x80` in every byte of a word.
const HI: u64 = 0x8080_8080_8080_8080;

/// The 8 bytes at `i` as a little-endian word (the first byte lowest), if there are 8.
#[inline(always)]
fn word(line: &[u8], i: usize) -> Option<u64> {
    let w: [u8; 8] = line.get(i..i.checked_add(8)?)?.try_into().ok()?;
    Some(u64::from_le_bytes(w))
}

/// Index of the first byte of `x` below `n` (`n <= 0x80`), if any. Only a byte at or above the
/// first such byte can be flagged by mistake (a borrow), so the lowest flag is exact.
#[inline(always)]
fn first_below(x: u64, n: u8) -> Option<usize> {
    let m = x.wrapping_sub(LO * u64::from(n)) & !x & HI;
    (m != 0).then(|| (m.trailing_zeros() / 8) as usize)
}

/// End of the `\S*` run from `i`, eight bytes at a time: a byte below `0x21` is a space
/// or a rare control byte, looked at alone.
#[inline(always)]
pub fn nonspace_end(line: &[u8], i: usize) -> usize {
    let mut j = i;
    while let Some(x) = word(line, j) {
        match first_below(x, 0x21) {
            Some(k) if is_space(at(line, j + k)) => return j + k,
            Some(k) => j += k + 1,
            None => j += 8,
        }
    }
    run_end(line, j, |b| !is_space(b))
}

/// End of the `\d*` run from `i`.
#[inline(always)]
pub fn digits_end(line: &[u8], i: usize) -> usize {
    run_end(line, i, is_digit)
}

/// `\S+ ` at `i`: the field's end (the space), or `None`.
#[inline(always)]
pub fn field(line: &[u8], i: usize) -> Option<usize> {
    let e = nonspace_end(line, i);
    (e > i && at(line, e) == b' ').then_some(e)
}

/// `\d+|-` at `i`: the end of the digits or of the dash, or `None`.
#[inline(always)]
pub fn number_or_dash(line: &[u8], i: usize) -> Option<usize> {
    match at(line, i) {
        b'-' => Some(i + 1),
        b if is_digit(b) => Some(digits_end(line, i)),
        _ => None,
    }
}

/// Are `n` digits at `i`?
#[inline(always)]
pub fn digits_at(line: &[u8], i: usize, n: usize) -> bool {
    (i..i + n).all(|k| is_digit(at(line, k)))
}

/// The `N` bytes at `i`, if there are so many (fixed offsets into them need no checks).
#[inline(always)]
pub fn window<const N: usize>(line: &[u8], i: usize) -> Option<&[u8; N]> {
    line.get(i..i.checked_add(N)?)?.try_into().ok()
}

/// Are all of `w` digits?
#[inline(always)]
pub fn all_digits(w: &[u8]) -> bool {
    w.iter().all(|&b| is_digit(b))
}

/// Does `line[i..]` start with `lit`?
#[inline(always)]
pub fn lit_at(line: &[u8], i: usize, lit: &[u8]) -> bool {
    line.get(i..).is_some_and(|r| r.starts_with(lit))
}

/// The first `byte` at or after `i`.
#[inline(always)]
pub fn find(line: &[u8], i: usize, byte: u8) -> Option<usize> {
    let rest = line.get(i..)?;
    // Most fields are short: words find their end before memchr has set up.
    let mut k = 0;
    while k < 32 {
        let Some(x) = word(rest, k) else { break };
        if let Some(z) = first_below(x ^ (LO * u64::from(byte)), 1) {
            return Some(i + k + z);
        }
        k += 8;
    }
    memchr::memchr(byte, rest.get(k..)?).map(|z| i + k + z)
}

/// Does `.*$` match from `i` (no `\n` in `line[i..]`)?
#[inline(always)]
pub fn dot_to_end(line: &[u8], i: usize) -> bool {
    line.get(i..)
        .is_some_and(|r| memchr::memchr(b'\n', r).is_none())
}

/// Sets slot `g` (a slot the caller's slice lacks is skipped: never a panic).
#[inline(always)]
pub fn set(slots: &mut Slots, g: usize, span: Option<Range<usize>>) {
    if let Some(s) = slots.get_mut(g) {
        *s = span;
    }
}

/// A quoted run `"[^"]*"` whose opening quote is at `i`: the span inside the quotes.
#[inline(always)]
pub fn quoted(line: &[u8], i: usize) -> Option<Range<usize>> {
    if at(line, i) != b'"' {
        return None;
    }
    find(line, i + 1, b'"').map(|e| i + 1..e)
}

/// `(?:[^"\\]|\\.)*"` from `i`: the index of the closing quote (a backslash escapes any byte
/// but `\n`).
#[inline(always)]
pub fn escaped_quote_end(line: &[u8], i: usize) -> Option<usize> {
    let mut j = i;
    while j < line.len() {
        match line[j] {
            b'"' => return Some(j),
            b'\\' => {
                if at(line, j + 1) == b'\n' || j + 1 >= line.len() {
                    return None;
                }
                j += 2;
            }
            _ => j += 1,
        }
    }
    None
}

/// RFC 3164's time `[A-Z][a-z]{2} [ \d]\d(?: \d{4})? \d\d:\d\d:\d\d(?:\.\d+)?` from `i`,
/// followed by a space: where the time ends (at that space).
pub fn bsd_time_end(line: &[u8], i: usize) -> Option<usize> {
    if !(at(line, i).wrapping_sub(b'A') < 26
        && at(line, i + 1).wrapping_sub(b'a') < 26
        && at(line, i + 2).wrapping_sub(b'a') < 26
        && at(line, i + 3) == b' '
        && (at(line, i + 4) == b' ' || is_digit(at(line, i + 4)))
        && is_digit(at(line, i + 5)))
    {
        return None;
    }
    let mut j = i + 6;
    // A year: without it the next part needs `:` where the year has its third digit.
    if at(line, j) == b' ' && digits_at(line, j + 1, 4) {
        j += 5;
    }
    if !(at(line, j) == b' '
        && digits_at(line, j + 1, 2)
        && at(line, j + 3) == b':'
        && digits_at(line, j + 4, 2)
        && at(line, j + 6) == b':'
        && digits_at(line, j + 7, 2))
    {
        return None;
    }
    j += 9;
    if at(line, j) == b'.' && is_digit(at(line, j + 1)) {
        j = digits_end(line, j + 1);
    }
    (at(line, j) == b' ').then_some(j)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Checks scanner `name` against its dialect's regex on `rounds` lines made from each of
    /// `seeds` by a few random edits (bytes and grammar `tokens` inserted, bytes replaced or
    /// deleted, the line cut), with a fixed seed so a failure repeats.
    pub(crate) fn agrees_on_random_edits(
        name: &str,
        seeds: &[&str],
        tokens: &[&str],
        rounds: usize,
    ) {
        use crate::parse::{parse_dialect_specs, BUILTIN_DIALECTS};
        let specs = parse_dialect_specs(BUILTIN_DIALECTS).unwrap();
        let spec = specs.iter().find(|d| d.name == name).unwrap();
        let compile = |p: &str| {
            regex::bytes::RegexBuilder::new(p)
                .unicode(false)
                .build()
                .unwrap()
        };
        let re = compile(spec.regex.as_deref().unwrap());
        let checked = super::super::checked()
            .as_ref()
            .unwrap()
            .iter()
            .find(|c| c.scanner.name == name)
            .unwrap();
        const BYTES: &[u8] = b" \t\n\x0b\"'[]()<>:,.-+/\\=|#*09aAzZ_\xc3\xff";
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut rnd = |n: usize| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % n.max(1) as u64) as usize
        };
        let mut matched = 0;
        for seed in seeds {
            for _ in 0..rounds {
                let mut l = seed.as_bytes().to_vec();
                for _ in 0..1 + rnd(3) {
                    let k = rnd(l.len() + 1);
                    match rnd(6) {
                        0 => l.insert(k, BYTES[rnd(BYTES.len())]),
                        1 if k < l.len() => l[k] = BYTES[rnd(BYTES.len())],
                        2 if k < l.len() => {
                            l.remove(k);
                        }
                        3 => l.truncate(k),
                        _ => {
                            let t = tokens[rnd(tokens.len())].as_bytes();
                            l.splice(k..k, t.iter().copied());
                        }
                    }
                }
                matched += usize::from(re.is_match(&l));
                if let Some(d) = super::super::check(checked, &l) {
                    panic!("{d}");
                }
            }
        }
        assert!(
            matched > rounds / 10,
            "{name}: too few edited lines still match"
        );
    }

    #[test]
    fn classes_match_the_regex_crate_without_unicode() {
        let re = |p: &str| {
            regex::bytes::RegexBuilder::new(p)
                .unicode(false)
                .build()
                .unwrap()
        };
        let (s, d, w) = (re(r"^\s$"), re(r"^\d$"), re(r"^\w$"));
        for b in 0..=255u8 {
            assert_eq!(is_space(b), s.is_match(&[b]), "\\s on {b:#x}");
            assert_eq!(is_digit(b), d.is_match(&[b]), "\\d on {b:#x}");
            assert_eq!(is_word(b), w.is_match(&[b]), "\\w on {b:#x}");
        }
    }

    #[test]
    fn readers_stay_in_bounds() {
        assert_eq!(at(b"ab", 5), 0);
        assert_eq!(field(b"ab cd", 0), Some(2));
        assert_eq!(field(b"ab", 0), None);
        assert_eq!(field(b"ab", 9), None);
        assert_eq!(number_or_dash(b"12 ", 0), Some(2));
        assert_eq!(quoted(b"x\"a b\" ", 1), Some(2..5));
        assert_eq!(quoted(b"\"ab", 0), None);
        assert_eq!(escaped_quote_end(br#"a\"b" x"#, 0), Some(4));
        assert_eq!(escaped_quote_end(b"a\\", 0), None);
        assert!(!dot_to_end(b"a\nb", 0));
        assert!(dot_to_end(b"a\nb", 2));
        assert!(!dot_to_end(b"a", 3));
        // Words of eight: every length and position, and control bytes that are not spaces.
        let l = b"abcdefgh\x01ijklmnopqrstuvwxyz0123456789\x7f\xff\x1f-.\"\x0b tail \"";
        for i in 0..=l.len() + 1 {
            let want = (i..l.len())
                .find(|&k| is_space(l[k]))
                .unwrap_or(l.len().max(i));
            assert_eq!(nonspace_end(l, i), want, "from {i}");
            for b in [b'"', b' ', b'\x01', b'\xff', b'l'] {
                let want = (i..l.len()).find(|&k| l[k] == b);
                assert_eq!(find(l, i, b), want, "{b} from {i}");
            }
        }
    }
}
