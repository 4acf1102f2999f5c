//! Masking stage: message -> compact key of typed-hole tokens (Drain3's `LogMasker`).
//!
//! One left-to-right pass over the bytes, no regexes and no per-token allocation: the key is
//! written into a reused byte buffer ([`Masked`]) and the hole values are recorded as byte
//! ranges of the original message.
//!
//! Key format (internal, never shown to users; [`render`] turns it into a template):
//! * tokens are whitespace-separated chunks of the message; a chunk is further split after
//!   every `=` (`uid=0` -> `uid=` + `0`) so that the value of a `key=value` pair is a token
//!   of its own;
//! * each token after the first starts with its separator: [`SEP_SPACE`] (there was
//!   whitespace) or [`SEP_JOIN`] (split inside a chunk);
//! * a typed hole is a single control byte ([`HoleKind::marker`]); literal control bytes of
//!   the input are replaced by `?` so they can never be confused with markers.
//!
//! Hole rules (all by character class):
//! * `<UUID>` 8-4-4-4-12 hex digits;
//! * `<IP>` dotted IPv4 (each octet <= 255) with optional `:port` and optional leading `/`,
//!   or an IPv6 address with at least two `:`;
//! * `<URL>` a chunk containing `://`;
//! * `<PATH>` a chunk starting with `/`, `./`, `../`, `~/` or `X:\`, or holding two or more
//!   `/` between non-digit words;
//! * `<HEX>` `0x` + hex digits, or a run of >= 8 hex digits that mixes digits and letters;
//! * `<NUM>` an optionally signed run of digits, with `.`, `:`, `-`, `/`, `,` between digit
//!   groups (decimals, versions `4.0.1`, times `00:01`, dates), optionally followed by a
//!   unit word in the next chunk (`18.4 KB`, `3 ms`, `<1 sec`);
//! * a date inside the message, `Jul 17 15:09:24` (month name, day, time), with a weekday
//!   right before it, is one `<NUM>` (`at Sun Jul 17 15:09:24 2005` -> `at <NUM> <NUM>`);
//! * an RFC 3339 / ISO 8601 date-time written as one word (`2026-11-28T23:00:00.123+01:00`,
//!   `...Z`) is one `<NUM>`;
//!
//! An HTTP access record's text starts with [`ROUTE`] (see `crate::signatures::cluster_text`):
//! `\x07METHOD TARGET STATUS`. Its key keeps the method and the status as they are and the
//! target's route: each `/` segment of the path masked alone by the rules below (`/orders/123`
//! -> `/orders/<NUM>`), the query and fragment left out, so that `GET /orders/123 200` and
//! `GET /orders/456 200` share a key and `POST /orders 201` and `POST /orders 502` do not. The
//! key starts with [`ROUTE`] too, and the miner keeps such keys apart from the clustering (see
//! `super::miner`).
//!
//! A number or hex run only counts when it stands alone: the characters on both sides must
//! not be letters or digits (`_`, `-`, `.`, `:` and other punctuation are boundaries). So
//! `exec-1` -> `exec-<NUM>`, `blk_-695229586848` -> `blk_<NUM>`, but `ssh2`, `FNANLI5` and
//! `SOCKS5` stay literal words.

/// Separator byte before a token that followed whitespace.
pub const SEP_SPACE: u8 = b' ';
/// Separator byte before a token that was split off inside a whitespace chunk.
pub const SEP_JOIN: u8 = 0x1e;
/// Placeholder of a generic variable found by clustering.
pub const STAR: &str = "<*>";
/// First byte of an HTTP access record's text and of its key: the method, route and status
/// are kept (see the module doc). A control byte, so no other key starts with it.
pub const ROUTE: u8 = 0x07;

/// Type of a masked hole.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HoleKind {
    Num,
    Hex,
    Uuid,
    Ip,
    Path,
    Url,
}

impl HoleKind {
    /// Control byte that stands for this hole inside a key.
    pub fn marker(self) -> u8 {
        match self {
            HoleKind::Num => 0x01,
            HoleKind::Hex => 0x02,
            HoleKind::Uuid => 0x03,
            HoleKind::Ip => 0x04,
            HoleKind::Path => 0x05,
            HoleKind::Url => 0x06,
        }
    }

    /// Inverse of [`HoleKind::marker`].
    pub fn from_marker(b: u8) -> Option<HoleKind> {
        Some(match b {
            0x01 => HoleKind::Num,
            0x02 => HoleKind::Hex,
            0x03 => HoleKind::Uuid,
            0x04 => HoleKind::Ip,
            0x05 => HoleKind::Path,
            0x06 => HoleKind::Url,
            _ => return None,
        })
    }

    /// Text of the hole in a rendered template.
    pub fn placeholder(self) -> &'static str {
        match self {
            HoleKind::Num => "<NUM>",
            HoleKind::Hex => "<HEX>",
            HoleKind::Uuid => "<UUID>",
            HoleKind::Ip => "<IP>",
            HoleKind::Path => "<PATH>",
            HoleKind::Url => "<URL>",
        }
    }
}

/// Is `b` a hole marker byte?
#[inline]
pub fn is_marker(b: u8) -> bool {
    (0x01..=0x06).contains(&b)
}

/// Output of [`mask_into`]: the key and, per hole in key order, its kind and the byte range of
/// its value in the original message.
///
/// The key is kept as bytes (`buf[..len]`): it is valid UTF-8 (pieces of the message cut at
/// ASCII bytes, and ASCII markers and separators), but it is only ever hashed and compared on
/// the hot path. The rest of `buf` is room for fixed-size copies: copying 16 or 32 bytes at a
/// time costs one or two vector moves where an exact-length copy is a call to `memcpy`.
#[derive(Clone, Debug, Default)]
pub struct Masked {
    buf: Vec<u8>,
    len: usize,
    pub holes: Vec<(HoleKind, usize, usize)>,
    /// [`hash_key`] of the key, computed once here.
    pub hash: u64,
}

impl Masked {
    pub fn new() -> Self {
        Self::default()
    }

    /// The key's bytes.
    #[inline]
    pub fn key(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    /// The key as text (for tests and debugging).
    pub fn key_text(&self) -> String {
        String::from_utf8_lossy(self.key()).into_owned()
    }

    /// Start a key for a message of `n` bytes: a key is at most twice as long as its message
    /// (a `SEP_JOIN` is added after an `=`, everything else is copied or shortened).
    #[inline]
    fn start(&mut self, n: usize) {
        self.len = 0;
        self.holes.clear();
        let need = 2 * n + 64;
        if self.buf.len() < need {
            self.buf.resize(need, 0);
        }
    }

    #[inline(always)]
    fn push(&mut self, c: u8) {
        self.buf[self.len] = c;
        self.len += 1;
    }

    #[inline(always)]
    fn last(&self) -> Option<u8> {
        self.len.checked_sub(1).map(|i| self.buf[i])
    }

    /// Append `src[a..e]`. Short pieces are copied as 16 or 32 bytes (when `src` has them) and
    /// the length set to the piece's; the bytes past it are overwritten by the next append.
    /// At the end of `src`, a piece of up to 32 bytes is copied as two overlapping words.
    #[inline(always)]
    fn copy(&mut self, src: &[u8], a: usize, e: usize) {
        let n = e - a;
        let w = self.len;
        let d = &mut self.buf;
        if n <= 16 && a + 16 <= src.len() {
            d[w..w + 16].copy_from_slice(&src[a..a + 16]);
        } else if n <= 32 && a + 32 <= src.len() {
            d[w..w + 32].copy_from_slice(&src[a..a + 32]);
        } else if n > 32 {
            d[w..w + n].copy_from_slice(&src[a..e]);
        } else if n >= 16 {
            d[w..w + 16].copy_from_slice(&src[a..a + 16]);
            d[w + n - 16..w + n].copy_from_slice(&src[e - 16..e]);
        } else if n >= 8 {
            d[w..w + 8].copy_from_slice(&src[a..a + 8]);
            d[w + n - 8..w + n].copy_from_slice(&src[e - 8..e]);
        } else if n >= 4 {
            d[w..w + 4].copy_from_slice(&src[a..a + 4]);
            d[w + n - 4..w + n].copy_from_slice(&src[e - 4..e]);
        } else if n > 0 {
            d[w] = src[a];
            d[w + n / 2] = src[a + n / 2];
            d[w + n - 1] = src[e - 1];
        }
        self.len = w + n;
    }
}

/// Mask `msg` (convenience; allocates).
pub fn mask(msg: &str) -> Masked {
    let mut m = Masked::new();
    mask_into(msg, &mut m);
    m
}

/// Mask `msg` and render the result as a template string (for tests and debugging).
pub fn mask_to_template(msg: &str) -> String {
    render(&mask(msg).key_text())
}

/// Turn a key (or a key-like token string) into display text.
pub fn render(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 16);
    render_into(key, &mut out);
    out
}

/// Append the display text of `key` to `out`.
pub fn render_into(key: &str, out: &mut String) {
    let mut last = 0;
    for (i, b) in key.bytes().enumerate() {
        if b == SEP_JOIN || is_marker(b) {
            out.push_str(&key[last..i]);
            if let Some(k) = HoleKind::from_marker(b) {
                out.push_str(k.placeholder());
            }
            last = i + 1;
        }
    }
    out.push_str(&key[last..]);
}

// Byte classes, one table lookup per byte on the hot path.
const C_WS: u8 = 1;
const C_WORD: u8 = 2;
const C_HEX: u8 = 4;
const C_DIGIT: u8 = 8;
/// Control bytes (< 0x20 or 0x7f) that `push_literal` must replace.
const C_CTRL: u8 = 16;
/// `/` or `\`: a chunk without either can be neither a URL nor a path.
const C_SLASH: u8 = 32;
const C_EQ: u8 = 64;

const fn class_of(b: u8) -> u8 {
    let mut c = 0;
    if matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) {
        c |= C_WS;
    }
    if b.is_ascii_alphanumeric() || b >= 0x80 {
        c |= C_WORD;
    }
    if b.is_ascii_hexdigit() {
        c |= C_HEX;
    }
    if b.is_ascii_digit() {
        c |= C_DIGIT;
    }
    if b < 0x20 || b == 0x7f {
        c |= C_CTRL;
    }
    if b == b'/' || b == b'\\' {
        c |= C_SLASH;
    }
    if b == b'=' {
        c |= C_EQ;
    }
    c
}

static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = class_of(i as u8);
        i += 1;
    }
    t
};

#[inline(always)]
fn class(b: u8) -> u8 {
    CLASS[b as usize]
}

#[inline(always)]
fn is_ws(b: u8) -> bool {
    class(b) & C_WS != 0
}

/// Bytes >= 0x80 (non-ASCII) count as letters for boundary purposes.
#[inline(always)]
fn is_wordish(b: u8) -> bool {
    class(b) & C_WORD != 0
}

#[inline(always)]
fn is_hex(b: u8) -> bool {
    class(b) & C_HEX != 0
}

#[inline(always)]
fn is_digit(b: u8) -> bool {
    class(b) & C_DIGIT != 0
}

/// Length of `8-4-4-4-12`.
const UUID_LEN: usize = 36;

const UNITS: &[&str] = &[
    "b", "kb", "mb", "gb", "tb", "kib", "mib", "gib", "tib", "byte", "bytes", "ms", "us", "ns",
    "s", "sec", "secs", "second", "seconds", "min", "mins", "minute", "minutes", "h", "hr", "hrs",
    "hour", "hours", "%",
];

/// Mask `msg` into `out` (cleared first). Never panics; bytes are processed as-is, so any
/// UTF-8 input is accepted.
pub fn mask_into(msg: &str, out: &mut Masked) {
    if msg.as_bytes().first() == Some(&ROUTE) {
        mask_route(msg, out);
        return;
    }
    mask_plain(msg, out);
}

/// [`mask_into`] of a text that is not a route (a [`ROUTE`] byte is a control byte like any).
fn mask_plain(msg: &str, out: &mut Masked) {
    let b = msg.as_bytes();
    let n = b.len();
    out.start(n);
    let mut i = 0;
    let mut first = true;
    // Pending literal text `msg[ps..pe]` not yet copied into the key: runs of plain chunks
    // separated by single spaces are copied with one `push_str` (a space of the message is
    // the same byte as `SEP_SPACE`).
    let (mut ps, mut pe) = (0usize, 0usize);
    while i < n {
        while i < n && is_ws(b[i]) {
            i += 1;
        }
        if i >= n {
            break;
        }
        let start = i;
        // Scan the chunk once, collecting the classes of its bytes that matter below.
        let mut flags = 0u8;
        while i < n {
            let c = class(b[i]);
            if c & C_WS != 0 {
                break;
            }
            flags |= c;
            i += 1;
        }
        // Unit absorption: a chunk that is a unit word right after a chunk ending in <NUM>
        // (pending literal text never ends in a marker).
        if !first && ps == pe && out.last() == Some(HoleKind::Num.marker()) {
            if let Some(unit_end) = unit_len(&b[start..i]) {
                if let Some(h) = out.holes.last_mut() {
                    h.2 = start + unit_end;
                }
                push_literal(out, msg, start + unit_end, i, flags);
                continue;
            }
        }
        if flags & (C_DIGIT | C_SLASH | C_EQ | C_CTRL) == 0
            && i - start == 3
            && b[start].is_ascii_uppercase()
            && b.get(i + 1).is_some_and(|&c| c == b' ' || is_digit(c))
        {
            // A date written inside the message (`at Sun Jul 17 15:09:24 2005`).
            if let Some(dend) = date_hole(out, b, start, &mut ps, &mut pe) {
                first = false;
                i = dend;
                continue;
            }
        }
        if flags & (C_DIGIT | C_SLASH | C_EQ | C_CTRL) == 0 && i - start < UUID_LEN {
            // Fast path: without digits, `/`, `\\` or `=`, the only possible hole is a
            // (36-byte) UUID of hex letters, so a shorter chunk is one literal.
            if first {
                first = false;
                (ps, pe) = (start, i);
            } else if ps < pe && pe + 1 == start && b[pe] == SEP_SPACE {
                pe = i;
            } else {
                out.copy(b, ps, pe);
                if b[start - 1] == SEP_SPACE {
                    (ps, pe) = (start - 1, i);
                } else {
                    out.push(SEP_SPACE);
                    (ps, pe) = (start, i);
                }
            }
            continue;
        }
        out.copy(b, ps, pe);
        (ps, pe) = (0, 0);
        if !first {
            out.push(SEP_SPACE);
        }
        first = false;
        mask_chunk(msg, start, i, flags, out);
    }
    out.copy(b, ps, pe);
    out.hash = hash_key(out.key());
}

/// The key of `\x07METHOD TARGET STATUS` (see the module doc): [`ROUTE`], the method, the
/// target's route (a path's segments masked one by one; a target that is no path nor URL,
/// masked as one chunk), the status. Hole ranges are ranges of `msg`, as everywhere.
#[cold]
#[inline(never)]
fn mask_route(msg: &str, out: &mut Masked) {
    out.start(msg.len());
    out.push(ROUTE);
    let body = 1..msg.len();
    let mut words = Vec::with_capacity(3);
    let mut at = body.start;
    for w in msg[body].split(' ') {
        words.push((at, at + w.len()));
        at += w.len() + 1;
    }
    // Method first, status last, the target between (spaces inside it are kept as they are).
    let method = words[0];
    let literal = |out: &mut Masked, (a, e): (usize, usize)| {
        push_literal_ctrl(out, &msg.as_bytes()[a..e]);
    };
    literal(out, method);
    if words.len() >= 3 {
        let status = words[words.len() - 1];
        out.push(SEP_SPACE);
        route_target(msg, method.1 + 1, status.0 - 1, out);
        out.push(SEP_SPACE);
        literal(out, status);
    } else if let Some(&target) = words.get(1) {
        out.push(SEP_SPACE);
        route_target(msg, target.0, target.1, out);
    }
    out.hash = hash_key(out.key());
}

thread_local! {
    /// A segment's key, copied into the route's (see [`mask_route`]).
    static SEGMENT: std::cell::RefCell<Masked> = std::cell::RefCell::new(Masked::new());
}

/// The route of `msg[s..e]`: `scheme://authority` (masked as one chunk) and the path's
/// segments each masked alone, up to a `?` or `#`; anything else masked as one chunk.
fn route_target(msg: &str, s: usize, e: usize, out: &mut Masked) {
    let t = &msg[s..e];
    let (path_at, path) = if t.starts_with('/') {
        (s, t)
    } else if let Some(i) = t.find("://") {
        let after = i + 3;
        let auth_end = t[after..].find('/').map_or(t.len(), |j| after + j);
        push_literal_ctrl(out, &msg.as_bytes()[s..s + after]);
        segment(msg, s + after, s + auth_end, out);
        (s + auth_end, &t[auth_end..])
    } else {
        segment(msg, s, e, out);
        return;
    };
    let end = path.find(['?', '#']).unwrap_or(path.len());
    let mut at = path_at;
    for seg in path[..end].split('/').skip(1) {
        out.push(b'/');
        segment(msg, at + 1, at + 1 + seg.len(), out);
        at += 1 + seg.len();
    }
}

/// `msg[s..e]` masked by [`mask_into`]'s rules, appended to `out` (its holes as ranges of
/// `msg`).
fn segment(msg: &str, s: usize, e: usize, out: &mut Masked) {
    SEGMENT.with(|m| {
        let mut m = m.borrow_mut();
        mask_plain(&msg[s..e], &mut m);
        for &c in m.key() {
            out.push(c);
        }
        for &(kind, a, b) in &m.holes {
            out.holes.push((kind, s + a, s + b));
        }
    });
}

const WEEKDAYS: [&[u8; 3]; 7] = [b"Mon", b"Tue", b"Wed", b"Thu", b"Fri", b"Sat", b"Sun"];

fn is_weekday(w: &[u8]) -> bool {
    WEEKDAYS.iter().any(|d| d.as_slice() == w)
}

/// If the chunk at `start` begins a date (see [`embedded_date`]), push it as one `<NUM>` hole,
/// taking a weekday right before it out of the pending literal `b[ps..pe]` into the hole, and
/// return the date's end. Kept out of line: it is rare, and the chunk loop stays tight.
#[inline(never)]
fn date_hole(
    out: &mut Masked,
    b: &[u8],
    start: usize,
    ps: &mut usize,
    pe: &mut usize,
) -> Option<usize> {
    let dend = embedded_date(b, start)?;
    let mut hs = start;
    let (s0, e0) = (*ps, *pe);
    let mut cut = e0;
    if s0 < e0 && e0 + 1 == start && e0 - s0 >= 3 && is_weekday(&b[e0 - 3..e0]) {
        if e0 - 3 == s0 {
            hs = s0;
            cut = s0;
        } else if b[e0 - 4] == SEP_SPACE {
            hs = e0 - 3;
            cut = e0 - 4;
        }
    }
    out.copy(b, s0, cut);
    (*ps, *pe) = (0, 0);
    if out.len > 0 {
        out.push(SEP_SPACE);
    }
    push_hole(out, HoleKind::Num, hs, dend);
    Some(dend)
}

/// If `b[start..start + 3]` is a month name followed by a day and a time (`Jul 17 15:09:24`,
/// `Jul  1 09:00`), the end of the time.
fn embedded_date(b: &[u8], start: usize) -> Option<usize> {
    // `Jul`, as a date writes it (the month table is the timestamp parser's).
    let name = &b[start..start + 3];
    if !(name[0].is_ascii_uppercase() && name[1..].iter().all(u8::is_ascii_lowercase))
        || crate::parse::timestamp::month_from_name(name).is_none()
    {
        return None;
    }
    let mut j = start + 3;
    let spaces = b[j..].iter().take_while(|&&c| c == b' ').count();
    if !(1..=2).contains(&spaces) {
        return None;
    }
    j += spaces;
    let d = digits_at(b, j);
    if !(1..=2).contains(&d) || b.get(j + d) != Some(&b' ') {
        return None;
    }
    j += d + 1;
    // hh:mm or hh:mm:ss, optionally with a fraction
    let h = digits_at(b, j);
    if !(1..=2).contains(&h) || b.get(j + h) != Some(&b':') || digits_at(b, j + h + 1) != 2 {
        return None;
    }
    j += h + 3;
    if b.get(j) == Some(&b':') && digits_at(b, j + 1) == 2 {
        j += 3;
        if b.get(j) == Some(&b'.') && digits_at(b, j + 1) > 0 {
            j += 1 + digits_at(b, j + 1);
        }
    }
    (j == b.len() || !is_wordish(b[j])).then_some(j)
}

/// A fast 64-bit hash of a key (for the miner's table; not for anything persistent): 16 bytes
/// per step, each step one 64x64->128-bit multiply folded to 64 bits, the steps independent
/// of each other but for a rotate and xor, so a key of a few dozen bytes hashes in a handful
/// of cycles.
#[inline]
pub fn hash_key(b: &[u8]) -> u64 {
    const K0: u64 = 0x243f_6a88_85a3_08d3;
    const K1: u64 = 0x1319_8a2e_0370_7344;
    const K2: u64 = 0xa409_3822_299f_31d0;
    const K3: u64 = 0x082e_fa98_ec4e_6c89;
    #[inline(always)]
    fn fold(a: u64, b: u64) -> u64 {
        let r = u128::from(a) * u128::from(b);
        (r as u64) ^ ((r >> 64) as u64)
    }
    #[inline(always)]
    fn word(b: &[u8], i: usize) -> u64 {
        b[i..]
            .first_chunk::<8>()
            .map_or(0, |w| u64::from_le_bytes(*w))
    }
    let n = b.len();
    let mut h = (n as u64).wrapping_mul(K0);
    let (x, y) = if n >= 16 {
        let mut i = 0;
        while i + 16 < n {
            h = h.rotate_left(29) ^ fold(word(b, i) ^ K1, word(b, i + 8) ^ K2);
            i += 16;
        }
        (word(b, n - 16), word(b, n - 8))
    } else if n >= 8 {
        (word(b, 0), word(b, n - 8))
    } else if n >= 4 {
        let w4 = |i: usize| u64::from(u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]));
        (w4(0), w4(n - 4))
    } else if n > 0 {
        (
            u64::from(b[0]) | u64::from(b[n / 2]) << 8,
            u64::from(b[n - 1]),
        )
    } else {
        (0, 0)
    };
    h = h.rotate_left(29) ^ fold(x ^ K1, y ^ K3);
    fold(h ^ K2, K0)
}

/// `a == b`, compared 8 bytes at a time inline (keys are a few dozen bytes: a call to
/// `memcmp` costs more than the comparison).
#[inline]
pub fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let n = a.len();
    let word = |s: &[u8], i: usize| {
        s[i..]
            .first_chunk::<8>()
            .map_or(0, |w| u64::from_le_bytes(*w))
    };
    if n < 8 {
        return a == b;
    }
    let mut i = 0;
    while i + 8 < n {
        if word(a, i) != word(b, i) {
            return false;
        }
        i += 8;
    }
    word(a, n - 8) == word(b, n - 8)
}

/// If `chunk` is a unit word optionally followed by closing punctuation, the length of the
/// unit part.
fn unit_len(chunk: &[u8]) -> Option<usize> {
    let mut end = chunk.len();
    while end > 0
        && matches!(
            chunk[end - 1],
            b')' | b']' | b'}' | b',' | b';' | b'.' | b':'
        )
    {
        end -= 1;
    }
    if end == 0 || end > 7 {
        return None;
    }
    let mut w = [0u8; 7];
    for (d, c) in w.iter_mut().zip(&chunk[..end]) {
        *d = c.to_ascii_lowercase();
    }
    if is_unit(&w[..end]) {
        Some(end)
    } else {
        None
    }
}

/// Is the lowercase word `w` one of [`UNITS`]? (A `match` compiles to a few length and byte
/// comparisons instead of a scan of the list.)
fn is_unit(w: &[u8]) -> bool {
    let hit = matches!(
        w,
        b"b" | b"kb"
            | b"mb"
            | b"gb"
            | b"tb"
            | b"kib"
            | b"mib"
            | b"gib"
            | b"tib"
            | b"byte"
            | b"bytes"
            | b"ms"
            | b"us"
            | b"ns"
            | b"s"
            | b"sec"
            | b"secs"
            | b"second"
            | b"seconds"
            | b"min"
            | b"mins"
            | b"minute"
            | b"minutes"
            | b"h"
            | b"hr"
            | b"hrs"
            | b"hour"
            | b"hours"
            | b"%"
    );
    debug_assert_eq!(hit, UNITS.iter().any(|u| u.as_bytes() == w));
    hit
}

/// Push literal text, replacing control bytes (which could be mistaken for markers or
/// separators) with `?`. `flags` are the byte classes of the enclosing chunk: without
/// [`C_CTRL`] there is nothing to replace.
#[inline(always)]
fn push_literal(out: &mut Masked, msg: &str, a: usize, e: usize, flags: u8) {
    let b = msg.as_bytes();
    if flags & C_CTRL != 0 {
        push_literal_ctrl(out, &b[a..e]);
    } else {
        out.copy(b, a, e);
    }
}

#[cold]
#[inline(never)]
fn push_literal_ctrl(out: &mut Masked, s: &[u8]) {
    // Control bytes are ASCII, so each is one byte and so is its `?`.
    for &c in s {
        out.push(if c < 0x20 || c == 0x7f { b'?' } else { c });
    }
}

#[inline]
fn is_open_punct(b: u8) -> bool {
    matches!(b, b'(' | b'[' | b'{' | b'<' | b'\'' | b'"' | b'`')
}

#[inline]
fn is_close_punct(b: u8) -> bool {
    matches!(
        b,
        b')' | b']' | b'}' | b'>' | b'\'' | b'"' | b'`' | b',' | b';' | b':' | b'.' | b'!' | b'?'
    )
}

fn push_hole(out: &mut Masked, kind: HoleKind, s: usize, e: usize) {
    out.push(kind.marker());
    out.holes.push((kind, s, e));
}

/// Mask one whitespace-free chunk `msg[s..e]`; `flags` are the classes of its bytes.
fn mask_chunk(msg: &str, s: usize, e: usize, flags: u8, out: &mut Masked) {
    let b = msg.as_bytes();
    // Whole-chunk classes first: URL, PATH (they may contain `=` and digits). Both need a `/`
    // or `\\`.
    if flags & C_SLASH != 0 {
        let (cs, ce) = strip(b, s, e);
        if cs < ce {
            let core = &b[cs..ce];
            if let Some(kind) = whole_kind(core) {
                push_literal(out, msg, s, cs, flags);
                push_hole(out, kind, cs, ce);
                push_literal(out, msg, ce, e, flags);
                return;
            }
        }
    }
    // Split after each `=` (only when something follows it).
    let mut seg = s;
    if flags & C_EQ != 0 {
        let mut j = s;
        while j < e {
            if b[j] == b'=' && j + 1 < e && b[j + 1] != b'=' && j > seg {
                mask_segment(msg, seg, j + 1, flags, out);
                out.push(SEP_JOIN);
                seg = j + 1;
            }
            j += 1;
        }
    }
    mask_segment(msg, seg, e, flags, out);
}

fn strip(b: &[u8], mut s: usize, mut e: usize) -> (usize, usize) {
    while s < e && is_open_punct(b[s]) {
        s += 1;
    }
    while e > s && is_close_punct(b[e - 1]) {
        e -= 1;
    }
    (s, e)
}

fn whole_kind(core: &[u8]) -> Option<HoleKind> {
    if core.len() < 2 {
        return None;
    }
    if core.windows(3).any(|w| w == b"://") {
        return Some(HoleKind::Url);
    }
    if is_path(core) {
        return Some(HoleKind::Path);
    }
    None
}

fn is_path(c: &[u8]) -> bool {
    let starts = (c[0] == b'/'
        && c.len() > 1
        && c[1] != b'/'
        && !c[1..]
            .iter()
            .all(|&x| x.is_ascii_digit() || x == b'.' || x == b':'))
        || c.starts_with(b"./")
        || c.starts_with(b"../")
        || c.starts_with(b"~/")
        || (c.len() >= 3 && c[0].is_ascii_alphabetic() && c[1] == b':' && c[2] == b'\\');
    if starts {
        // Not an IP with a leading slash (handled by the segment scanner).
        return !looks_like_slash_ip(c);
    }
    // Relative path: at least two slashes, something alphabetic between them.
    let slashes = c.iter().filter(|&&x| x == b'/').count();
    slashes >= 2
        && c.iter().any(|x| x.is_ascii_alphabetic())
        && !c.contains(&b'=')
        && c.windows(2).all(|w| w != b"//")
}

fn looks_like_slash_ip(c: &[u8]) -> bool {
    c[0] == b'/' && match_ip(c, 1).is_some_and(|end| end == c.len())
}

/// Mask a segment (no whitespace, no inner `=` split) by scanning atoms.
fn mask_segment(msg: &str, s: usize, e: usize, flags: u8, out: &mut Masked) {
    let b = &msg.as_bytes()[..e];
    let mut i = s;
    let mut lit = s; // start of pending literal text

    // Is `i` at a word boundary (`i == s` or `b[i - 1]` not a letter or digit)? Tracked as
    // the scan moves, which skips whole words, single other bytes, and holes.
    let mut boundary = true;
    while i < e {
        let c = b[i];
        let cc = class(c);
        if boundary
            && (cc & C_HEX != 0 || ((c == b'-' || c == b'+') && i + 1 < e && is_digit(b[i + 1])))
        {
            if cc & C_HEX != 0 && cc & C_DIGIT == 0 {
                // Starts with a hex letter: only UUID, IPv6 or a long hex run can match.
                let mut j = i;
                while j < e && is_hex(b[j]) {
                    j += 1;
                }
                if j - i < 8 && !(j < e && b[j] == b':') {
                    while i < e && is_wordish(b[i]) {
                        i += 1;
                    }
                    boundary = false;
                    continue;
                }
            }
            if let Some((kind, end)) = match_atom(b, i, e) {
                push_literal(out, msg, lit, i, flags);
                push_hole(out, kind, i, end);
                i = end;
                lit = i;
                // Most holes end in a digit or hex letter; an IPv6 address may end in `::`.
                boundary = !is_wordish(b[end - 1]);
                continue;
            }
        }
        // Skip to the end of this word (or one punctuation byte).
        if cc & C_WORD != 0 {
            i += 1;
            while i < e && is_wordish(b[i]) {
                i += 1;
            }
            boundary = false;
        } else {
            i += 1;
            boundary = true;
        }
    }
    push_literal(out, msg, lit, e, flags);
}

/// Try to match a hole atom at `i` (a word boundary) within `b[..e]`; the match must end at a
/// word boundary.
/// `YYYY-MM-DDThh:mm[:ss[.f...]][Z|+hh:mm|+hhmm|+hh]` at `i`: its end.
fn match_iso_datetime(b: &[u8], i: usize) -> Option<usize> {
    let two = |j: usize| digits_at(b, j) == 2;
    if !(two(i + 5) && b.get(i + 7) == Some(&b'-') && two(i + 8)) {
        return None;
    }
    if !(b.get(i + 10) == Some(&b'T') && two(i + 11) && b.get(i + 13) == Some(&b':') && two(i + 14))
    {
        return None;
    }
    let mut j = i + 16;
    if b.get(j) == Some(&b':') && two(j + 1) {
        j += 3;
        if matches!(b.get(j), Some(b'.' | b',')) && digits_at(b, j + 1) > 0 {
            j += 1 + digits_at(b, j + 1);
        }
    }
    match b.get(j) {
        Some(b'Z') => j += 1,
        Some(b'+' | b'-') => match digits_at(b, j + 1) {
            4 => j += 5,
            2 if b.get(j + 3) == Some(&b':') && two(j + 4) => j += 6,
            2 => j += 3,
            _ => {}
        },
        _ => {}
    }
    Some(j)
}

fn match_atom(b: &[u8], i: usize, e: usize) -> Option<(HoleKind, usize)> {
    let b = &b[..e];
    let ends_ok = |end: usize| end == e || !is_wordish(b[end]);
    // Lengths of the decimal and hex runs at `i` decide which matchers can succeed at all:
    // a UUID needs a run of exactly 8 hex digits, an IPv4 address 1..=3 leading digits and
    // then a `.`, an IPv6 address a first group of 1..=4 hex digits followed by `:`. The
    // decimal run is found once and reused (the hex run starts with it, and so does a number).
    let d = digits_at(b, i);
    let mut hx = i + d;
    while hx < e && is_hex(b[hx]) {
        hx += 1;
    }
    let hx = hx - i;
    // A UUID's first group is exactly 8 hex digits, then `-`.
    if hx == 8 && b.get(i + 8) == Some(&b'-') {
        if let Some(end) = match_uuid(b, i) {
            if ends_ok(end) {
                return Some((HoleKind::Uuid, end));
            }
        }
    }
    if (1..=3).contains(&d) && i + d < e && b[i + d] == b'.' {
        if let Some(end) = match_ip(b, i) {
            if ends_ok(end) {
                return Some((HoleKind::Ip, end));
            }
        }
    }
    if (1..=4).contains(&hx) && i + hx < e && b[i + hx] == b':' {
        if let Some(end) = match_ipv6(b, i) {
            if ends_ok(end) {
                return Some((HoleKind::Ip, end));
            }
        }
    }
    // 0x-prefixed hex.
    if b[i] == b'0' && i + 2 < e && (b[i + 1] == b'x' || b[i + 1] == b'X') && is_hex(b[i + 2]) {
        let mut end = i + 2;
        while end < e && is_hex(b[end]) {
            end += 1;
        }
        if ends_ok(end) {
            return Some((HoleKind::Hex, end));
        }
    }
    // An RFC 3339 / ISO 8601 date-time in one chunk (`2026-11-28T23:00:00.5+01:00`).
    if d == 4 && b.get(i + 4) == Some(&b'-') {
        if let Some(end) = match_iso_datetime(b, i) {
            if ends_ok(end) {
                return Some((HoleKind::Num, end));
            }
        }
    }
    // Numbers.
    let num = if d > 0 {
        num_rest(b, i + d)
    } else {
        match_num(b, i)
    };
    if let Some(end) = num {
        if ends_ok(end) {
            return Some((HoleKind::Num, end));
        }
    }
    // Long mixed hex run (hashes, ids).
    let end = i + hx;
    if hx >= 8 && ends_ok(end) {
        let digits = b[i..end].iter().filter(|&&c| is_digit(c)).count();
        if digits > 0 && digits < hx {
            return Some((HoleKind::Hex, end));
        }
    }
    None
}

#[inline]
fn digits_at(b: &[u8], mut i: usize) -> usize {
    let s = i;
    while i < b.len() && is_digit(b[i]) {
        i += 1;
    }
    i - s
}

fn match_num(b: &[u8], mut i: usize) -> Option<usize> {
    if b[i] == b'-' || b[i] == b'+' {
        i += 1;
    }
    let d = digits_at(b, i);
    if d == 0 {
        return None;
    }
    num_rest(b, i + d)
}

/// The end of a number whose first digit group ends at `i`.
fn num_rest(b: &[u8], mut i: usize) -> Option<usize> {
    // Further digit groups joined by . : - / ,
    while i + 1 < b.len() && matches!(b[i], b'.' | b':' | b'-' | b'/' | b',') {
        let d = digits_at(b, i + 1);
        if d == 0 {
            break;
        }
        i += 1 + d;
    }
    // Exponent: 1.5e-3
    if i + 1 < b.len() && (b[i] == b'e' || b[i] == b'E') {
        let mut j = i + 1;
        if j < b.len() && (b[j] == b'-' || b[j] == b'+') {
            j += 1;
        }
        let d = digits_at(b, j);
        if d > 0 && (j + d == b.len() || !is_wordish(b[j + d])) {
            i = j + d;
        }
    }
    Some(i)
}

fn match_ip(b: &[u8], mut i: usize) -> Option<usize> {
    for k in 0..4 {
        if k > 0 {
            if i >= b.len() || b[i] != b'.' {
                return None;
            }
            i += 1;
        }
        let d = digits_at(b, i);
        if d == 0 || d > 3 {
            return None;
        }
        let mut v = 0u32;
        for &c in &b[i..i + d] {
            v = v * 10 + u32::from(c - b'0');
        }
        if v > 255 {
            return None;
        }
        i += d;
    }
    if i < b.len() && b[i] == b'.' && i + 1 < b.len() && b[i + 1].is_ascii_digit() {
        return None; // five groups: not an IP
    }
    if i + 1 < b.len() && b[i] == b':' {
        let d = digits_at(b, i + 1);
        if d > 0 && d <= 5 {
            i += 1 + d;
        }
    }
    Some(i)
}

fn match_ipv6(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i;
    let mut colons = 0;
    let mut double = false;
    let mut group = 0;
    while j < b.len() {
        let c = b[j];
        if is_hex(c) {
            group += 1;
            if group > 4 {
                return None;
            }
        } else if c == b':' {
            if j + 1 < b.len() && b[j + 1] == b':' {
                if double {
                    return None;
                }
                double = true;
            }
            colons += 1;
            group = 0;
        } else {
            break;
        }
        j += 1;
    }
    if j > i + 1 && b[j - 1] == b':' && b[j - 2] != b':' {
        j -= 1;
        colons -= 1;
    }
    if colons < 2 || !(double || colons >= 7) || j - i < 3 {
        return None;
    }
    let seg = &b[i..j];
    let has_letter = seg.iter().any(|c| c.is_ascii_alphabetic());
    let has_digit = seg.iter().any(|c| c.is_ascii_digit());
    if (double || has_letter) && has_digit {
        Some(j)
    } else {
        None
    }
}

fn match_uuid(b: &[u8], i: usize) -> Option<usize> {
    const GROUPS: [usize; 5] = [8, 4, 4, 4, 12];
    let mut j = i;
    for (k, &g) in GROUPS.iter().enumerate() {
        if k > 0 {
            if j >= b.len() || b[j] != b'-' {
                return None;
            }
            j += 1;
        }
        if j + g > b.len() || !b[j..j + g].iter().all(|&c| is_hex(c)) {
            return None;
        }
        j += g;
    }
    Some(j)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> String {
        mask_to_template(s)
    }

    #[test]
    fn numbers() {
        assert_eq!(
            t("PacketResponder 1 for block"),
            "PacketResponder <NUM> for block"
        );
        assert_eq!(t("took -12 ms."), "took <NUM>.");
        assert_eq!(t("version 4.0.1"), "version <NUM>");
        assert_eq!(t("lifetime 00:01"), "lifetime <NUM>");
        assert_eq!(t("lifetime <1 sec"), "lifetime <<NUM>");
        assert_eq!(t("1190 bytes (1.16 KB) sent"), "<NUM> (<NUM>) sent");
        assert_eq!(t("ratio 1.5e-3"), "ratio <NUM>");
        assert_eq!(
            t("20171223-22:15:29:606|Step_LSC|30002312"),
            "<NUM>|Step_LSC|<NUM>"
        );
    }

    #[test]
    fn dates_inside_messages_are_one_hole() {
        assert_eq!(
            t("connection from 24.54.76.216 at Sun Jul 17 15:09:24 2005"),
            "connection from <IP> at <NUM> <NUM>"
        );
        assert_eq!(t("at Mon Jun 18 15:09:24 2005"), "at <NUM> <NUM>");
        assert_eq!(t("Sun Jul  1 09:00 done"), "<NUM> done");
        assert_eq!(t("Jul 1 09:00:01.123 done"), "<NUM> done");
        let m = mask("at Sun Jul 17 15:09:24 2005");
        assert_eq!(
            &"at Sun Jul 17 15:09:24 2005"[m.holes[0].1..m.holes[0].2],
            "Sun Jul 17 15:09:24"
        );
        // Not a date: no time after the day, a weekday alone, a month word in text.
        assert_eq!(t("due Jul 17 2005"), "due Jul <NUM> <NUM>");
        assert_eq!(t("closed on Sun 17"), "closed on Sun <NUM>");
        assert_eq!(t("May 3 items"), "May <NUM> items");
        assert_eq!(t("Sunday Jul 17 15:09:24"), "Sunday <NUM>");
    }

    /// Issue 18: `check` reported `... scheduled at 2026-11-28T23:00:00Z failed` as new beside
    /// `...T10:00:00Z failed`: an RFC 3339 time inside a message was not one hole.
    #[test]
    fn rfc3339_times_inside_messages_are_one_hole() {
        for ts in [
            "2026-11-28T23:00:00Z",
            "2026-11-28T10:00:00.123+01:00",
            "2026-11-28T10:00:00.5-0500",
            "2026-11-28T10:00+02",
            "2026-11-28T10:00:00.123456789",
        ] {
            assert_eq!(
                t(&format!("job scheduled at {ts} failed")),
                "job scheduled at <NUM> failed",
                "{ts}"
            );
            assert_eq!(t(&format!("at={ts},")), "at=<NUM>,", "{ts}");
        }
        // Not a date-time: a date alone stays a number, a word glued after it is kept apart.
        assert_eq!(t("on 2026-11-28 done"), "on <NUM> done");
        assert_eq!(t("v2026-11-28T10:00:00Z"), "v2026-11-28T10:00:00Z");
    }

    #[test]
    fn near_misses() {
        assert_eq!(t("exec-1 started"), "exec-<NUM> started");
        assert_eq!(t("block blk_-695229586848"), "block blk_<NUM>");
        assert_eq!(t("ssh2 SOCKS5 FNANLI5"), "ssh2 SOCKS5 FNANLI5");
        assert_eq!(
            t("appattempt_1445144423722_0020_000001"),
            "appattempt_<NUM>_<NUM>_<NUM>"
        );
        assert_eq!(t("R02-M1-N0-C:J12-U11"), "R02-M1-N0-C:J12-U11");
        assert_eq!(t("deadbeef cafe"), "deadbeef cafe");
    }

    #[test]
    fn ips() {
        assert_eq!(t("connect 10.30.4.1:5070"), "connect <IP>");
        assert_eq!(t("from /10.10.34.11:45307"), "from /<IP>");
        assert_eq!(t("[173.234.31.186] failed"), "[<IP>] failed");
        assert_eq!(t("host:10.251.73.220:50010,"), "host:<IP>,");
        assert_eq!(t("addr fe80::1ff:fe23:4567:890a up"), "addr <IP> up");
        assert_eq!(t("at 12:30:45"), "at <NUM>");
        assert_eq!(t("v 1.2.3.4.5"), "v <NUM>");
        assert_eq!(t("x 300.1.1.1"), "x <NUM>");
    }

    #[test]
    fn hex_uuid() {
        assert_eq!(t("addr 0x00544eb8 ok"), "addr <HEX> ok");
        assert_eq!(t("sha 9f86d081884c7d65"), "sha <HEX>");
        assert_eq!(t("id 123e4567-e89b-12d3-a456-426614174000."), "id <UUID>.");
        assert_eq!(t("deadbeef12"), "<HEX>");
    }

    #[test]
    fn paths_urls() {
        assert_eq!(t("open /var/log/syslog failed"), "open <PATH> failed");
        assert_eq!(
            t("see: http://wiki.apache.org/hadoop/NoRouteToHost"),
            "see: <URL>"
        );
        assert_eq!(t("dir (/tmp/x)"), "dir (<PATH>)");
        assert_eq!(t(r"file C:\Windows\x.dll"), "file <PATH>");
        assert_eq!(t("a/b/c.txt"), "<PATH>");
        assert_eq!(t("yarn,curi"), "yarn,curi");
    }

    #[test]
    fn key_value_split() {
        let m = mask("uid=0 euid=0 user=root");
        assert_eq!(render(&m.key_text()), "uid=<NUM> euid=<NUM> user=root");
        assert!(m.key_text().contains("user=\x1eroot"));
        assert_eq!(m.holes.len(), 2);
        assert_eq!(t("logname= uid=0"), "logname= uid=<NUM>");
        assert_eq!(t("a==b"), "a==b");
    }

    #[test]
    fn hole_values_are_ranges() {
        let msg = "Received block blk_-1608999687919862906 of size 91178 from /10.250.10.6";
        let m = mask(msg);
        let vals: Vec<&str> = m.holes.iter().map(|&(_, s, e)| &msg[s..e]).collect();
        assert_eq!(vals, vec!["-1608999687919862906", "91178", "10.250.10.6"]);
    }

    #[test]
    fn keys_are_copied_whole_at_any_length() {
        // Literal pieces of every length, at the end of the message and before a hole, go
        // through every branch of `Masked::copy`.
        for n in 0..80 {
            let word = "abcdefghijklmnopqrstuvwxyz".repeat(4)[..n].to_string();
            let line = format!("go {word}");
            assert_eq!(mask(&line).key_text(), line.trim_end());
            let line = format!("go {word} 42");
            let want = format!("{} \u{1}", format!("go {word}").trim_end());
            assert_eq!(mask(&line).key_text(), want);
        }
    }

    #[test]
    fn hole_after_an_ipv6_ending_in_colons() {
        // The `::` that ends an IPv6 hole leaves a word boundary for what follows.
        assert_eq!(t("at d9::-0"), "at <IP><NUM>");
    }

    #[test]
    fn odd_input_does_not_panic() {
        for s in [
            "",
            " ",
            "\t\n",
            "=",
            "==",
            "a=",
            "=a",
            "\u{1}\u{2}\u{1e}x",
            "ü 12 ß=3 — 0x",
            "-",
            "+",
            "0x",
            "1.",
            "1:",
            "::",
            ":::::::",
            "/",
            "//",
            "1.2.3.",
            "12e",
            "日本語 ログ 123",
        ] {
            let m = mask(s);
            let _ = render(&m.key_text());
            for &(_, a, b) in &m.holes {
                assert!(a <= b && b <= s.len());
                let _ = &s[a..b];
            }
        }
        let huge = "x1 ".repeat(100_000);
        let m = mask(&huge);
        assert!(!m.key().is_empty());
        let m = mask("\u{1}\u{5}");
        assert!(!m.key().iter().any(|&c| is_marker(c)));
    }

    /// Issue 16: an access record's key keeps its method and status, masks each path segment
    /// alone and leaves the query out; hole ranges are ranges of the message.
    #[test]
    fn access_routes_keep_method_and_status() {
        let msg = "\u{7}GET /api/v1/orders/123?expand=items 200";
        let m = mask(msg);
        assert_eq!(render(&m.key_text()), "\u{7}GET /api/v1/orders/<NUM> 200");
        assert_eq!(m.holes, [(HoleKind::Num, 20, 23)]);
        assert_eq!(&msg[20..23], "123");
        assert_eq!(
            mask_to_template(
                "\u{7}DELETE https://shop.example.com/carts/8f14e45f-ceea-467f-a0e1-4f3f3b6c2f3e/items/5f3a9c2b7d 204"
            ),
            "\u{7}DELETE https://shop.example.com/carts/<UUID>/items/<HEX> 204"
        );
        assert_eq!(
            mask_to_template("\u{7}POST /api/v1/orders 502"),
            "\u{7}POST /api/v1/orders 502"
        );
        // Not a path: masked as one chunk.
        assert_eq!(mask_to_template("\u{7}OPTIONS * 200"), "\u{7}OPTIONS * 200");
        // Control bytes and a route byte inside: shown as `?`, never a second route.
        assert_eq!(
            mask_to_template("\u{7}GET /a\u{7}b/7\u{1b} 200"),
            "\u{7}GET /a?b/<NUM>? 200"
        );
        assert_eq!(mask_to_template("\u{7}"), "\u{7}");
        assert_eq!(mask_to_template("\u{7}GET"), "\u{7}GET");
    }
}
