//! Template mining over masked messages.
//!
//! # Algorithm
//!
//! 1. **Mask and dedupe** ([`Miner::add`]). Each message is masked ([`super::mask`]) into a
//!    key of typed-hole tokens. Identical keys share one *entry* (a count plus a small
//!    Space-Saving sample of each hole's values). The number of distinct entries is capped by
//!    [`MinerConfig::max_entries`]; a message whose key is new once the cap is reached goes to
//!    a catch-all cluster (template `<*>`) and is counted in [`Miner::evictions`].
//!
//! 2. **Cluster the distinct entries in canonical order** ([`Miner::finish`]). Entries are
//!    sorted by key, grouped by token count, and each group is clustered with a frequency-based
//!    method after Brain (Yu et al., "Brain: Log Parsing With Bidirectional Parallel Tree",
//!    IEEE Trans. Services Computing, 2023): within a group every (position, token) pair gets
//!    its frequency (number of distinct entries carrying it); in each entry the tokens sharing
//!    the most common frequency form its *longest common pattern*, which is the root of its
//!    initial group. The other positions of a group are then resolved in both directions:
//!    positions whose tokens are more frequent than the root (parent direction) are constants
//!    and split the group; less frequent positions (child direction) split the group only when
//!    they hold few, word-like (digit-free) values, and otherwise become `<*>` variables.
//!    Everything here depends only on the multiset of entries, never on arrival order, so the
//!    clusters are identical for every permutation of the input.
//!
//! 3. **Merge across lengths.** Templates whose literal skeletons are equal once every run of
//!    variable tokens (`<*>` or tokens holding a typed hole) is collapsed to a single `<*>`
//!    are merged, so that messages with a variable number of variable tokens
//!    (`delete blk_1 blk_2 blk_3`) land in one cluster.
//!
//! An HTTP access record's key (its method, route and status: see [`super::mask`]) takes no
//! part in steps 2 and 3: it is a template of its own, so that two routes or two statuses are
//! never one signature, and two records differing only in an id of the path always are.
//!
//! Why not Drain (He et al., "Drain: An Online Log Parsing Approach with Fixed Depth Tree",
//! ICWS 2017)? Drain is online: a message's cluster depends on which messages came before it
//! (first-come templates, similarity threshold against the current template), so results vary
//! with input order, and its accuracy depends on a per-dataset similarity threshold and tree
//! depth. Batch clustering of the deduped, sorted entries is order-independent by
//! construction and needs no per-dataset parameter; dedupe keeps the batch small (a few
//! thousand distinct keys for millions of messages) so `finish` is cheap.

use super::mask::{self, is_marker, same_bytes, Masked, ROUTE, SEP_JOIN, SEP_SPACE, STAR};
use super::memo::MaskMemo;
use super::signature_id;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

/// Configuration; one default for every input.
#[derive(Clone, Debug)]
pub struct MinerConfig {
    /// Maximum number of distinct masked entries kept; later new keys go to the catch-all.
    pub max_entries: usize,
    /// Number of top values kept per hole (per entry and per cluster). Each distinct entry
    /// reserves this many slots (64 bytes each) per hole up front.
    pub hole_top_k: usize,
    /// Messages longer than this (bytes) are truncated (at a char boundary) before masking.
    pub max_message_bytes: usize,
    /// Hole values longer than this (bytes; at most 65,535 are kept whatever it says) are
    /// truncated before counting.
    pub max_value_bytes: usize,
    /// Record hole values at all (turn off for maximum speed).
    pub track_hole_values: bool,
}

impl MinerConfig {
    /// (slots per hole, value byte cap) for counting an entry's hole values outside the
    /// miner: `k` slots per hole, values cut to the cap (at a char boundary).
    pub fn hole_slots(&self) -> (usize, usize) {
        (self.hole_top_k.max(1), self.max_value_bytes.min(MAX_VALUE))
    }
}

impl Default for MinerConfig {
    fn default() -> Self {
        MinerConfig {
            max_entries: 100_000,
            hole_top_k: DEFAULT_TOP_K,
            max_message_bytes: 16 * 1024,
            max_value_bytes: 128,
            track_hole_values: true,
        }
    }
}

/// Handle returned by [`Miner::add`]: the index of the message's distinct masked entry (or
/// the catch-all). Identical masked messages share one handle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MessageId(pub u32);

const CATCH_ALL: u32 = u32::MAX;

impl MessageId {
    /// The handle of every message counted in the catch-all cluster.
    pub const CATCH_ALL: MessageId = MessageId(CATCH_ALL);
}

/// One mined template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cluster {
    /// `signature_id(&template)`.
    pub id: String,
    /// Template text with typed holes (`<NUM>`, `<HEX>`, `<UUID>`, `<IP>`, `<PATH>`, `<URL>`)
    /// and `<*>` for variables found by clustering.
    pub template: String,
    /// Number of messages in the cluster.
    pub count: u64,
    /// Per hole, left to right: the most frequent values with their counts (count desc, then
    /// value). Exact while a hole has at most `hole_top_k` distinct values per masked entry,
    /// approximate (Space-Saving) beyond.
    pub hole_values: Vec<Vec<(String, u64)>>,
    /// Per hole: are its counts exact? False once a counter of the hole was full when a new
    /// value came (its counts are then upper bounds, and its values a sample).
    pub hole_values_exact: Vec<bool>,
}

/// Small, fast, deterministic hasher (FxHash-style) for the token maps of [`Miner::finish`].
#[derive(Default, Clone, Copy)]
struct FxHasher(u64);

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut h = self.0;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
        let rem = chunks.remainder();
        if !rem.is_empty() {
            let mut w = [0u8; 8];
            w[..rem.len()].copy_from_slice(rem);
            h = (h.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
        self.0 = h;
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(i)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.0 = (self.0.rotate_left(5) ^ i as u64).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

type FxBuild = BuildHasherDefault<FxHasher>;

/// Default of [`MinerConfig::hole_top_k`].
const DEFAULT_TOP_K: usize = 5;

/// Values of at most this many bytes are stored inline (in [`HoleSlots::short`]).
const INLINE: usize = 24;

/// The hot part of one slot of a hole's Space-Saving top-k counter (Metwally et al., 2005):
/// all a lookup or a minimum search reads unless two values share their first 8 bytes.
#[derive(Clone, Copy, Debug, Default)]
struct Head {
    /// [`prefix_key`] of the value.
    pre: u64,
    /// The count (high 48 bits) and the value's length (low 16 bits; values are cut to
    /// [`MAX_VALUE`] bytes): one word, so that a slot is 16 bytes.
    count_len: u64,
}

/// Hole values are cut to at most this many bytes (and to `max_value_bytes`).
const MAX_VALUE: usize = u16::MAX as usize;

impl Head {
    #[inline(always)]
    fn count(&self) -> u64 {
        self.count_len >> 16
    }

    #[inline(always)]
    fn len(&self) -> usize {
        (self.count_len & 0xffff) as usize
    }
}

/// The top-k counters of every tracked hole: `k` slots per hole, contiguous, used slots first
/// (`count >= 1`). Three parallel arrays: the `Head`s, the values of at most `INLINE`
/// bytes, and the longer values (whose buffers are reused), so that the common case touches
/// only the heads. Comparisons look at `pre`/`len` first and at the value bytes only when
/// those cannot decide.
#[derive(Default)]
pub struct HoleSlots {
    heads: Vec<Head>,
    short: Vec<[u8; INLINE]>,
    long: Vec<Vec<u8>>,
    /// One bit per slot, set on a counter's first slot once a new value found the counter
    /// full (its counts are estimates from then on).
    over: Vec<u64>,
}

/// First 8 bytes of a value, big-endian, zero-padded: when two values' keys differ they
/// order like the values (byte-wise), and values of at most 8 bytes with equal keys and
/// lengths are equal.
#[inline]
fn prefix_key(v: &[u8]) -> u64 {
    if let Some(w) = v.first_chunk::<8>() {
        return u64::from_be_bytes(*w);
    }
    // Assembled in a register from overlapping loads (a copy into a zeroed array and an
    // 8-byte load back would stall on store forwarding).
    let n = v.len();
    if n >= 4 {
        let a = u64::from(u32::from_be_bytes([v[0], v[1], v[2], v[3]]));
        let b = u64::from(u32::from_be_bytes([v[n - 4], v[n - 3], v[n - 2], v[n - 1]]));
        (a << 32) | (b << (8 * (8 - n)))
    } else if n > 0 {
        (u64::from(v[0]) << 56)
            | (u64::from(v[n / 2]) << (56 - 8 * (n / 2)))
            | (u64::from(v[n - 1]) << (56 - 8 * (n - 1)))
    } else {
        0
    }
}

impl HoleSlots {
    /// Room for `n` more slots; returns the index of the first.
    pub fn grow(&mut self, n: usize) -> usize {
        let base = self.heads.len();
        self.heads.resize(base + n, Head::default());
        self.short.resize(base + n, [0; INLINE]);
        self.long.resize(base + n, Vec::new());
        self.over.resize((base + n).div_ceil(64), 0);
        base
    }

    /// Did the counter starting at slot `base` ever replace a value (see [`HoleSlots::add`])?
    pub fn overflowed(&self, base: usize) -> bool {
        self.over
            .get(base / 64)
            .is_some_and(|w| w & (1 << (base % 64)) != 0)
    }

    fn mark_overflow(&mut self, base: usize) {
        if let Some(w) = self.over.get_mut(base / 64) {
            *w |= 1 << (base % 64);
        }
    }

    #[inline]
    fn value(&self, j: usize) -> &[u8] {
        let len = self.heads[j].len();
        if len <= INLINE {
            &self.short[j][..len]
        } else {
            &self.long[j]
        }
    }

    /// Count `n` occurrences of the value `src[s..e]` in the counter of slots
    /// `base..base + k` (k >= 1).
    ///
    /// The values held by one counter are distinct, so the slot to replace when it is full,
    /// the least by (count, value), is unique, and the slots' order never matters. The scans
    /// are written without early exits so that they compile to conditional moves: which slot
    /// matches, or is the least, is data the branch predictor cannot learn.
    #[inline]
    pub fn add(&mut self, base: usize, k: usize, src: &[u8], s: usize, e: usize, n: u64) {
        // The default k, made a constant: the slot scans unroll, without bounds checks.
        if k == DEFAULT_TOP_K {
            self.add_k(base, DEFAULT_TOP_K, src, s, e, n);
        } else {
            self.add_k(base, k, src, s, e, n);
        }
    }

    #[inline(always)]
    fn add_k(&mut self, base: usize, k: usize, src: &[u8], s: usize, e: usize, n: u64) {
        let vb = &src[s..e];
        let pre = prefix_key(vb);
        let len = vb.len() as u64;
        let heads = &self.heads[base..base + k];
        // A short value held by the first slot (its value and length decide): 4 in 10 values
        // in the Loghub benchmark corpus are, so it is checked alone first.
        let h0 = heads[0];
        if h0.pre == pre && h0.count_len & 0xffff == len && h0.count_len != 0 && vb.len() <= 8 {
            self.heads[base].count_len += n << 16;
            return;
        }
        // Used slots form a prefix. Slots with this value's prefix key and length: for a
        // value of at most 8 bytes that is the value itself, so at most one.
        let mut used = 0;
        let mut cand = usize::MAX;
        let mut ncand = 0;
        for (j, hd) in heads.iter().enumerate() {
            // A live slot has a count >= 1, so a non-zero word.
            let live = hd.count_len != 0;
            used += usize::from(live);
            let same = live && hd.pre == pre && hd.count_len & 0xffff == len;
            cand = if same { j } else { cand };
            ncand += usize::from(same);
        }
        if ncand == 1 && (vb.len() <= 8 || self.same_tail(base + cand, vb)) {
            self.heads[base + cand].count_len += n << 16;
            return;
        }
        if ncand > 1 {
            if let Some(j) = (0..k).find(|&j| {
                let hd = &heads[j];
                hd.count_len != 0
                    && hd.pre == pre
                    && hd.count_len & 0xffff == len
                    && self.same_tail(base + j, vb)
            }) {
                self.heads[base + j].count_len += n << 16;
                return;
            }
        }
        let j = if used < k {
            used
        } else {
            // Full: the least by (count, prefix key), then by value among those equal in both.
            let key = |hd: &Head| (u128::from(hd.count()) << 64) | u128::from(hd.pre);
            let (mut m, mut mk, mut tie) = (0, key(&heads[0]), false);
            for (j, hd) in heads.iter().enumerate().skip(1) {
                let kj = key(hd);
                let lt = kj < mk;
                tie = if lt { false } else { tie | (kj == mk) };
                m = if lt { j } else { m };
                mk = if lt { kj } else { mk };
            }
            if tie {
                for (j, hd) in heads.iter().enumerate() {
                    if key(hd) == mk && self.value(base + j) < self.value(base + m) {
                        m = j;
                    }
                }
            }
            m
        };
        if used == k {
            self.mark_overflow(base);
        }
        let j = base + j;
        let hd = &mut self.heads[j];
        hd.count_len = ((hd.count() + n) << 16) | len;
        hd.pre = pre;
        if vb.len() <= INLINE {
            // A fixed-size copy when the source has the bytes (those past `len` are unused).
            match src.get(s..s + INLINE) {
                Some(w) => self.short[j].copy_from_slice(w),
                None => self.short[j][..vb.len()].copy_from_slice(vb),
            }
        } else {
            self.long[j].clear();
            self.long[j].extend_from_slice(vb);
        }
    }

    /// Count one message's hole values: hole `h` (of its first `nholes`) in the counter at
    /// `base + h * k`, each value cut to `cap` bytes.
    #[inline]
    pub fn count_message(
        &mut self,
        base: usize,
        k: usize,
        nholes: usize,
        cap: usize,
        msg: &str,
        masked: &Masked,
    ) {
        for (h, &(_, s, en)) in masked.holes.iter().take(nholes).enumerate() {
            // Hole ranges are char boundaries; only a cut value needs a new one.
            let en = if en - s > cap {
                s + floor_char_boundary(&msg[s..en], cap)
            } else {
                en
            };
            self.add(base + h * k, k, msg.as_bytes(), s, en, 1);
        }
    }

    /// Does slot `j`, whose prefix key and length equal those of `vb` (longer than 8 bytes),
    /// hold `vb`? Bytes 0..8 are known to be equal; when the value is stored inline the rest is
    /// compared as one or two 8-byte words (overlapping the known part), not by `memcmp`.
    #[inline]
    fn same_tail(&self, j: usize, vb: &[u8]) -> bool {
        let n = vb.len();
        if n > INLINE {
            return self.long[j] == vb;
        }
        let a = &self.short[j];
        let word = |b: &[u8], at: usize| {
            b[at..]
                .first_chunk::<8>()
                .map_or(0, |w| u64::from_le_bytes(*w))
        };
        if word(a, n - 8) != word(vb, n - 8) {
            return false;
        }
        n <= 16 || word(a, 8) == word(vb, 8)
    }

    /// The used slots of `base..base + k` as (value, count), slot order.
    fn items(&self, base: usize, k: usize) -> Vec<(String, u64)> {
        (base..base + k)
            .take_while(|&j| self.heads[j].count() > 0)
            .map(|j| {
                let v = String::from_utf8_lossy(self.value(j)).into_owned();
                (v, self.heads[j].count())
            })
            .collect()
    }
}

struct Entry {
    key: Box<str>,
    /// [`Masked::hash`] of the key.
    hash: u64,
    count: u64,
    /// First slot of this entry's holes in [`Miner::holes`]; hole `h` owns
    /// `base + h * k .. base + (h + 1) * k`.
    base: usize,
    /// Number of holes whose values are tracked (0 when hole values are off).
    nholes: usize,
}

/// Key -> entry index: open addressing with linear probing, at most half full. A slot holds
/// `(hash >> 32) << 32 | (index + 1)`, 0 when empty; the probe starts at the hash's low bits,
/// so the high half stored is a tag that rules out almost every other key without reading it.
#[derive(Default)]
struct KeyTable {
    slots: Vec<u64>,
}

impl KeyTable {
    /// The entry holding `key`, or the slot where it would go.
    #[inline]
    fn find(&self, hash: u64, key: &[u8], entries: &[Entry]) -> Result<u32, usize> {
        let mask = self.slots.len().wrapping_sub(1);
        if self.slots.is_empty() {
            return Err(0);
        }
        let tag = hash >> 32;
        let mut pos = hash as usize & mask;
        loop {
            let v = self.slots[pos];
            if v == 0 {
                return Err(pos);
            }
            if v >> 32 == tag {
                let i = (v as u32).wrapping_sub(1);
                if same_bytes(entries[i as usize].key.as_bytes(), key) {
                    return Ok(i);
                }
            }
            pos = (pos + 1) & mask;
        }
    }

    /// Record `entries.last()` (index `entries.len() - 1`) at `pos` from [`KeyTable::find`].
    fn insert(&mut self, pos: usize, entries: &[Entry]) {
        let i = entries.len() - 1;
        if self.slots.is_empty() || 2 * entries.len() > self.slots.len() {
            // Grow (or start) and place every entry again.
            let cap = (4 * entries.len()).next_power_of_two().max(64);
            self.slots = vec![0; cap];
            for (j, e) in entries.iter().enumerate() {
                self.place(e.hash, j);
            }
        } else {
            self.slots[pos] = Self::slot(entries[i].hash, i);
        }
    }

    fn place(&mut self, hash: u64, i: usize) {
        let mask = self.slots.len() - 1;
        let mut pos = hash as usize & mask;
        while self.slots[pos] != 0 {
            pos = (pos + 1) & mask;
        }
        self.slots[pos] = Self::slot(hash, i);
    }

    fn slot(hash: u64, i: usize) -> u64 {
        (hash >> 32) << 32 | (i as u64 + 1)
    }
}

/// The template miner. See the module docs for the algorithm.
pub struct Miner {
    cfg: MinerConfig,
    table: KeyTable,
    entries: Vec<Entry>,
    /// The top-k counters of every entry's holes (`k = hole_top_k.max(1)` slots per hole).
    holes: HoleSlots,
    k: usize,
    memo: MaskMemo,
    evictions: u64,
    catch_all_count: u64,
    clusters: Vec<Cluster>,
    entry_cluster: Vec<u32>,
    catch_all_cluster: usize,
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

impl Miner {
    pub fn new(cfg: MinerConfig) -> Self {
        Miner {
            k: cfg.hole_slots().0,
            cfg,
            table: KeyTable::default(),
            entries: Vec::new(),
            holes: HoleSlots::default(),
            memo: MaskMemo::new(),
            evictions: 0,
            catch_all_count: 0,
            clusters: Vec::new(),
            entry_cluster: Vec::new(),
            catch_all_cluster: 0,
        }
    }

    /// Add one message; returns a handle that, after [`Miner::finish`], maps to its cluster.
    pub fn add(&mut self, message: &str) -> MessageId {
        let mut memo = std::mem::take(&mut self.memo);
        let (msg, masked) = Self::prepare_memo(&self.cfg, message, &mut memo);
        let id = self.add_masked(msg, masked);
        self.memo = memo;
        id
    }

    /// The masking half of [`Miner::add`], which needs no `&mut Miner` (callers with a key
    /// table of their own add the result with [`Miner::add_key`]). Returns the message as it
    /// will be stored (cut to `max_message_bytes`) and its masked form, through `memo` (a
    /// message it has just seen is not masked again).
    #[inline]
    pub fn prepare_memo<'m, 'a>(
        cfg: &MinerConfig,
        message: &'m str,
        memo: &'a mut MaskMemo,
    ) -> (&'m str, &'a Masked) {
        let msg = &message[..floor_char_boundary(message, cfg.max_message_bytes)];
        (msg, memo.mask(msg))
    }

    /// Add a message masked by [`Miner::prepare_memo`] (with this miner's configuration).
    pub fn add_masked(&mut self, msg: &str, masked: &Masked) -> MessageId {
        let Some(idx) = self.find_or_insert(masked) else {
            return MessageId(CATCH_ALL);
        };
        let e = &mut self.entries[idx as usize];
        e.count += 1;
        if e.nholes > 0 {
            let cap = self.cfg.max_value_bytes.min(MAX_VALUE);
            self.holes
                .count_message(e.base, self.k, e.nholes, cap, msg, masked);
        }
        MessageId(idx)
    }

    /// The entry of `masked`'s key, inserted (with its hole slots) if new; `None` when the
    /// entry cap is reached (the message is counted in the catch-all).
    #[inline]
    fn find_or_insert(&mut self, masked: &Masked) -> Option<u32> {
        self.find_or_insert_key(masked.key(), masked.hash, masked.holes.len(), 1)
    }

    /// [`Miner::find_or_insert`] of a key with `nholes` holes, for `n` messages.
    #[inline]
    fn find_or_insert_key(&mut self, key: &[u8], hash: u64, nholes: usize, n: u64) -> Option<u32> {
        match self.table.find(hash, key, &self.entries) {
            Ok(i) => Some(i),
            Err(pos) => {
                if self.entries.len() >= self.cfg.max_entries
                    || self.entries.len() >= CATCH_ALL as usize
                {
                    self.evictions += n;
                    self.catch_all_count += n;
                    return None;
                }
                let i = self.entries.len() as u32;
                // Keys are valid UTF-8 (see `Masked`), so nothing is replaced.
                let key: Box<str> = String::from_utf8_lossy(key).into();
                let nholes = if self.cfg.track_hole_values {
                    nholes
                } else {
                    0
                };
                let base = self.holes.grow(nholes * self.k);
                self.entries.push(Entry {
                    key,
                    hash,
                    count: 0,
                    base,
                    nholes,
                });
                self.table.insert(pos, &self.entries);
                Some(i)
            }
        }
    }

    /// Add `n` messages of one masked key counted elsewhere (an entry of another miner:
    /// see [`Miner::entries`]), the key having `nholes` holes. Hole values are not counted
    /// (see [`Miner::merge_hole_values`]).
    #[inline]
    pub fn add_counted(&mut self, key: &[u8], hash: u64, nholes: usize, n: u64) -> MessageId {
        match self.find_or_insert_key(key, hash, nholes, n) {
            Some(idx) => {
                self.entries[idx as usize].count += n;
                MessageId(idx)
            }
            None => MessageId(CATCH_ALL),
        }
    }

    /// Add another miner's catch-all: `n` messages, `evictions` of them counted as evictions
    /// there.
    pub fn add_catch_all(&mut self, n: u64, evictions: u64) {
        self.catch_all_count += n;
        self.evictions += evictions;
    }

    /// The distinct entries, by id (`MessageId(0)`, `MessageId(1)`, ...): key, its hash and
    /// the number of messages added under it; then the catch-all's count.
    pub fn entries(&self) -> (impl Iterator<Item = (&[u8], u64, u64)>, u64) {
        (
            self.entries
                .iter()
                .map(|e| (e.key.as_bytes(), e.hash, e.count)),
            self.catch_all_count,
        )
    }

    /// [`Miner::add_masked`] without counting hole values: the caller counts them in its own
    /// [`HoleSlots`] (see [`MinerConfig::hole_slots`]) and hands them over with
    /// [`Miner::merge_hole_values`], in an order of its choosing (so that the result does not
    /// depend on how threads interleaved).
    #[inline]
    pub fn add_key(&mut self, masked: &Masked) -> MessageId {
        self.add_counted(masked.key(), masked.hash, masked.holes.len(), 1)
    }

    /// Add the counts of `from`'s counter at `from_base..from_base + k` (slot order) to hole
    /// `h` of entry `id`.
    pub fn merge_hole_values(
        &mut self,
        id: MessageId,
        h: usize,
        from: &HoleSlots,
        from_base: usize,
    ) {
        let Some(e) = self.entries.get(id.0 as usize) else {
            return;
        };
        if h >= e.nholes {
            return;
        }
        let (k, base) = (self.k, e.base + h * self.k);
        if from.overflowed(from_base) {
            self.holes.mark_overflow(base);
        }
        for j in from_base..from_base + k {
            let n = from.heads[j].count();
            if n == 0 {
                break;
            }
            let v = from.value(j);
            self.holes.add(base, k, v, 0, v.len(), n);
        }
    }

    /// Top values of hole `h` of entry `e` (slot order) and whether they are exact, or `None`
    /// if not tracked.
    fn hole_items(&self, e: &Entry, h: usize) -> Option<(Vec<(String, u64)>, bool)> {
        if h >= e.nholes {
            return None;
        }
        let base = e.base + h * self.k;
        Some((self.holes.items(base, self.k), !self.holes.overflowed(base)))
    }

    /// Number of messages that arrived as a new distinct entry after the cap was reached (they
    /// are counted in the catch-all cluster).
    pub fn evictions(&self) -> u64 {
        self.evictions
    }

    /// Number of distinct masked entries kept.
    pub fn distinct_entries(&self) -> usize {
        self.entries.len()
    }

    /// Clusters, sorted by count (descending) then template. Empty before `finish`.
    pub fn clusters(&self) -> &[Cluster] {
        &self.clusters
    }

    /// Index into [`Miner::clusters`] of the message with this handle. Call after `finish`.
    /// Unknown handles map to the catch-all cluster (or 0 when there are no clusters).
    pub fn cluster_of(&self, id: MessageId) -> usize {
        match self.entry_cluster.get(id.0 as usize) {
            Some(&c) => c as usize,
            None => self.catch_all_cluster,
        }
    }

    /// Cluster everything added so far. Deterministic whatever the insertion order; may be
    /// called again after more `add`s (it recomputes from the stored entries).
    pub fn finish(&mut self) {
        let mut order: Vec<u32> = (0..self.entries.len() as u32).collect();
        order.sort_unstable_by(|&a, &b| {
            self.entries[a as usize]
                .key
                .cmp(&self.entries[b as usize].key)
        });
        // An HTTP access record's key (see `mask::ROUTE`) is its own template: its tokens
        // without the leading byte, none made a variable, merged with no other.
        let route = |e: &Entry| e.key.as_bytes().first() == Some(&ROUTE);
        let toks: Vec<Vec<&str>> = self
            .entries
            .iter()
            .map(|e| split_tokens(if route(e) { &e.key[1..] } else { &e.key }))
            .collect();

        let mut by_len: BTreeMap<usize, Vec<u32>> = BTreeMap::new();
        let mut routes: Vec<Proto> = Vec::new();
        for &e in &order {
            if route(&self.entries[e as usize]) {
                routes.push(Proto {
                    members: vec![e],
                    tmpl: vec![Some(e); toks[e as usize].len()],
                });
            } else {
                by_len.entry(toks[e as usize].len()).or_default().push(e);
            }
        }
        let mut protos: Vec<Proto> = Vec::new();
        for ents in by_len.values() {
            cluster_group(ents, &toks, &mut protos);
        }
        let mut groups = merge_by_skeleton(protos, &toks);
        groups.extend(routes.into_iter().map(Group::single));

        // Render every group into (template, members, hole values).
        let k = self.cfg.hole_top_k.max(1);
        let mut by_template: BTreeMap<String, Building> = BTreeMap::new();
        for g in &groups {
            let (template, pieces) = g.render(&toks);
            let b = by_template.entry(template).or_insert_with(|| Building {
                members: Vec::new(),
                count: 0,
                holes: Vec::new(),
            });
            for (mi, &e) in g.members.iter().enumerate() {
                let entry = &self.entries[e as usize];
                b.members.push(e);
                b.count += entry.count;
                let vals = hole_values_of(
                    &pieces,
                    &toks[e as usize],
                    g.tmpl_of(mi),
                    entry.count,
                    |h| self.hole_items(entry, h),
                );
                if b.holes.len() < vals.len() {
                    b.holes.resize_with(vals.len(), || (HashMap::new(), true));
                }
                for ((h, exact), (vs, ex)) in b.holes.iter_mut().zip(vals) {
                    *exact &= ex;
                    for (v, c) in vs {
                        *h.entry(v).or_insert(0) += c;
                    }
                }
            }
        }
        if self.catch_all_count > 0 {
            let b = by_template
                .entry(STAR.to_string())
                .or_insert_with(|| Building {
                    members: Vec::new(),
                    count: 0,
                    holes: Vec::new(),
                });
            b.count += self.catch_all_count;
        }

        let mut built: Vec<(Cluster, Vec<u32>)> = by_template
            .into_iter()
            .map(|(template, b)| {
                let hole_values_exact = b.holes.iter().map(|(_, exact)| *exact).collect();
                let hole_values = b
                    .holes
                    .into_iter()
                    .map(|(h, _)| {
                        let mut v: Vec<(String, u64)> = h.into_iter().collect();
                        v.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                        v.truncate(k);
                        v
                    })
                    .collect();
                (
                    Cluster {
                        id: signature_id(&template),
                        template,
                        count: b.count,
                        hole_values,
                        hole_values_exact,
                    },
                    b.members,
                )
            })
            .collect();
        built.sort_by(|a, b| {
            b.0.count
                .cmp(&a.0.count)
                .then_with(|| a.0.template.cmp(&b.0.template))
        });

        self.entry_cluster = vec![0; self.entries.len()];
        self.catch_all_cluster = 0;
        self.clusters = Vec::with_capacity(built.len());
        for (ci, (c, members)) in built.into_iter().enumerate() {
            for e in members {
                self.entry_cluster[e as usize] = ci as u32;
            }
            if c.template == STAR {
                self.catch_all_cluster = ci;
            }
            self.clusters.push(c);
        }
    }
}

struct Building {
    members: Vec<u32>,
    count: u64,
    /// Per hole: value counts, and whether every member's counter was exact.
    holes: Vec<(HashMap<String, u64>, bool)>,
}

/// Convenience: mine `messages` with the default configuration; returns the cluster index of
/// every message and the clusters.
pub fn mine_all(messages: &[&str]) -> (Vec<usize>, Vec<Cluster>) {
    let mut m = Miner::new(MinerConfig::default());
    let ids: Vec<MessageId> = messages.iter().map(|s| m.add(s)).collect();
    m.finish();
    let labels = ids.iter().map(|&id| m.cluster_of(id)).collect();
    (labels, m.clusters().to_vec())
}

/// Split a key into tokens; every token but the first starts with its separator byte.
fn split_tokens(key: &str) -> Vec<&str> {
    let b = key.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    for (i, &c) in b.iter().enumerate() {
        if (c == SEP_SPACE || c == SEP_JOIN) && i > start {
            out.push(&key[start..i]);
            start = i;
        }
    }
    if start < b.len() {
        out.push(&key[start..]);
    }
    out
}

#[inline]
fn tok_body(t: &str) -> &str {
    match t.as_bytes().first() {
        Some(&c) if c == SEP_SPACE || c == SEP_JOIN => &t[1..],
        _ => t,
    }
}

#[inline]
fn has_marker(t: &str) -> bool {
    t.bytes().any(is_marker)
}

/// A group of entries of equal token count with a per-position template
/// (`Some(token)` = constant, `None` = variable).
struct Proto {
    members: Vec<u32>,
    tmpl: Vec<Option<u32>>, // Some(entry index whose token at this position is the constant)
}

/// A final cluster before rendering: either one proto or several merged by skeleton.
struct Group {
    members: Vec<u32>,
    /// Per position of the first member: constant or variable; `merged` groups render runs
    /// of variable-ish tokens as one `<*>`.
    tmpl: Vec<Option<u32>>,
    merged: bool,
    /// For merged groups: per member, the index into `tmpls` of its own proto template.
    member_tmpl: Vec<u32>,
    tmpls: Vec<Vec<Option<u32>>>,
}

/// How a rendered template maps back to an entry's tokens, used to extract hole values.
enum Piece {
    /// Constant token at this position; its typed holes are holes of the template.
    Const(usize),
    /// Variable token at this position (one `<*>` hole).
    Var(usize),
    /// Run of variable-ish tokens collapsed to one `<*>` (merged groups; resolved per entry).
    Run,
}

impl Group {
    fn single(p: Proto) -> Group {
        Group {
            members: p.members,
            tmpl: p.tmpl,
            merged: false,
            member_tmpl: Vec::new(),
            tmpls: Vec::new(),
        }
    }

    /// Template (constant/variable per position) of the `i`-th member.
    fn tmpl_of(&self, i: usize) -> &[Option<u32>] {
        match self.member_tmpl.get(i) {
            Some(&t) => &self.tmpls[t as usize],
            None => &self.tmpl,
        }
    }

    fn render(&self, toks: &[Vec<&str>]) -> (String, Vec<Piece>) {
        let first = &toks[self.members[0] as usize];
        let mut out = String::new();
        let mut pieces = Vec::new();
        if self.merged {
            // Render the skeleton of the first member.
            let sk = skeleton_parts(first, &self.tmpl);
            for part in &sk {
                match part {
                    SkPart::Lit(t) => mask::render_into(t, &mut out),
                    SkPart::Run(sep) => {
                        if let Some(s) = sep {
                            if *s == SEP_SPACE {
                                out.push(' ');
                            }
                        }
                        out.push_str(STAR);
                        pieces.push(Piece::Run);
                    }
                }
            }
            return (out, pieces);
        }
        for (p, t) in self.tmpl.iter().enumerate() {
            match t {
                Some(e) => {
                    let tok = toks[*e as usize][p];
                    mask::render_into(tok, &mut out);
                    if has_marker(tok) {
                        pieces.push(Piece::Const(p));
                    }
                }
                None => {
                    let tok = first[p];
                    if tok.as_bytes().first() == Some(&SEP_SPACE) {
                        out.push(' ');
                    }
                    out.push_str(STAR);
                    pieces.push(Piece::Var(p));
                }
            }
        }
        (out, pieces)
    }
}

enum SkPart<'a> {
    Lit(&'a str),
    /// A collapsed run; carries the separator byte of its first token.
    Run(Option<u8>),
}

fn is_varish(tok: &str, tmpl: Option<u32>) -> bool {
    tmpl.is_none() || has_marker(tok)
}

fn skeleton_parts<'a>(tokens: &[&'a str], tmpl: &[Option<u32>]) -> Vec<SkPart<'a>> {
    let mut out = Vec::new();
    let mut in_run = false;
    for (p, &t) in tokens.iter().enumerate() {
        if is_varish(t, tmpl[p]) {
            if !in_run {
                let sep = t
                    .as_bytes()
                    .first()
                    .copied()
                    .filter(|&c| c == SEP_SPACE || c == SEP_JOIN);
                out.push(SkPart::Run(sep));
                in_run = true;
            }
        } else {
            out.push(SkPart::Lit(t));
            in_run = false;
        }
    }
    out
}

fn skeleton_key(tokens: &[&str], tmpl: &[Option<u32>]) -> String {
    let mut s = String::new();
    for part in skeleton_parts(tokens, tmpl) {
        match part {
            SkPart::Lit(t) => s.push_str(t),
            SkPart::Run(sep) => {
                s.push(sep.map(char::from).unwrap_or('^'));
                s.push('\u{7}');
            }
        }
    }
    s
}

/// Hole values of one entry for a rendered template (`tmpl`: the entry's own proto template).
fn hole_values_of(
    pieces: &[Piece],
    tokens: &[&str],
    tmpl: &[Option<u32>],
    count: u64,
    hole_items: impl Fn(usize) -> Option<(Vec<(String, u64)>, bool)>,
) -> Vec<(Vec<(String, u64)>, bool)> {
    // Index of the first typed hole of each token.
    let mut first_hole = Vec::with_capacity(tokens.len());
    let mut n = 0;
    for t in tokens {
        first_hole.push(n);
        n += t.bytes().filter(|&b| is_marker(b)).count();
    }
    let mut runs: Vec<String> = Vec::new();
    if pieces.iter().any(|p| matches!(p, Piece::Run)) {
        let mut cur: Option<String> = None;
        for (p, t) in tokens.iter().enumerate() {
            if is_varish(t, tmpl.get(p).copied().flatten()) {
                let c = cur.get_or_insert_with(String::new);
                if !c.is_empty() && t.as_bytes()[0] == SEP_SPACE {
                    c.push(' ');
                }
                mask::render_into(tok_body(t), c);
            } else if let Some(c) = cur.take() {
                runs.push(c);
            }
        }
        if let Some(c) = cur {
            runs.push(c);
        }
    }
    let mut out = Vec::new();
    let mut run_i = 0;
    for piece in pieces {
        match *piece {
            Piece::Const(p) => {
                let cnt = tokens[p].bytes().filter(|&b| is_marker(b)).count();
                for h in first_hole[p]..first_hole[p] + cnt {
                    out.push(hole_items(h).unwrap_or((Vec::new(), true)));
                }
            }
            Piece::Var(p) => {
                out.push((vec![(mask::render(tok_body(tokens[p])), count)], true));
            }
            Piece::Run => {
                let v = runs.get(run_i).cloned().unwrap_or_default();
                run_i += 1;
                out.push((vec![(v, count)], true));
            }
        }
    }
    out
}

/// Does a token look like a variable value rather than a template word?
fn looks_variable(t: &str) -> bool {
    let b = tok_body(t).as_bytes();
    b.iter().any(|c| c.is_ascii_digit() || is_marker(*c))
}

/// Child-direction split threshold: a position with more distinct values than this becomes a
/// variable.
const SPLIT_MAX_VALUES: usize = 3;
/// Upper bound on the number of values of a co-varying word position that may still split.
const COVARY_MAX_VALUES: usize = 16;

/// Longest common pattern of an entry: (position, token) pairs at the modal frequency.
type Lcp<'a> = Vec<(usize, &'a str)>;

/// Cluster one group of entries that have the same token count.
fn cluster_group(ents: &[u32], toks: &[Vec<&str>], out: &mut Vec<Proto>) {
    let n = toks[ents[0] as usize].len();
    if n == 0 {
        out.push(Proto {
            members: ents.to_vec(),
            tmpl: Vec::new(),
        });
        return;
    }
    // Frequencies of (position, token) over distinct entries.
    let mut freq: Vec<HashMap<&str, u32, FxBuild>> = (0..n).map(|_| HashMap::default()).collect();
    for &e in ents {
        for (p, &t) in toks[e as usize].iter().enumerate() {
            *freq[p].entry(t).or_insert(0) += 1;
        }
    }
    // Initial groups keyed by the longest common pattern (tokens at the modal frequency).
    let mut initial: BTreeMap<Lcp, (u32, Vec<u32>)> = BTreeMap::new();
    let mut fv: Vec<u32> = Vec::with_capacity(n);
    let mut hist: Vec<(u32, u32)> = Vec::new();
    for &e in ents {
        let tk = &toks[e as usize];
        fv.clear();
        fv.extend(tk.iter().enumerate().map(|(p, t)| freq[p][t]));
        hist.clear();
        for &f in &fv {
            match hist.iter_mut().find(|(v, _)| *v == f) {
                Some(h) => h.1 += 1,
                None => hist.push((f, 1)),
            }
        }
        let root = hist
            .iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)))
            .map(|h| h.0)
            .unwrap_or(0);
        let lcp: Vec<(usize, &str)> = (0..n)
            .filter(|&p| fv[p] == root)
            .map(|p| (p, tk[p]))
            .collect();
        initial.entry(lcp).or_insert((root, Vec::new())).1.push(e);
    }
    for (lcp, (root, members)) in initial {
        let in_lcp: Vec<bool> = {
            let mut v = vec![false; n];
            for &(p, _) in &lcp {
                v[p] = true;
            }
            v
        };
        // Decide split positions.
        let mut split_pos = Vec::new();
        // Child positions with many word-like values: candidates for the co-variation rule.
        let mut wordy: Vec<(usize, usize)> = Vec::new();
        for p in 0..n {
            if in_lcp[p] {
                continue;
            }
            let mut vals: Vec<&str> = members.iter().map(|&e| toks[e as usize][p]).collect();
            vals.sort_unstable();
            vals.dedup();
            if vals.len() == 1 {
                continue;
            }
            let parent = members.iter().all(|&e| freq[p][toks[e as usize][p]] > root);
            if parent && !vals.iter().any(|v| has_marker(v)) {
                split_pos.push(p);
                continue;
            }
            if vals.len() <= SPLIT_MAX_VALUES && !vals.iter().all(|v| looks_variable(v)) {
                split_pos.push(p);
            } else if vals.len() <= COVARY_MAX_VALUES && !vals.iter().any(|v| looks_variable(v)) {
                wordy.push((p, vals.len()));
            }
        }
        // Co-variation: two word-valued positions whose value pairs are sparse (fewer distinct
        // pairs than the two value counts added, e.g. `Transitioned from NEW to UNASSIGNED`)
        // enumerate constants of sibling templates; independent variables pair up densely.
        let mut covary = vec![false; wordy.len()];
        for a in 0..wordy.len() {
            for b in a + 1..wordy.len() {
                let (pa, ka) = wordy[a];
                let (pb, kb) = wordy[b];
                let mut pairs: Vec<(&str, &str)> = members
                    .iter()
                    .map(|&e| (toks[e as usize][pa], toks[e as usize][pb]))
                    .collect();
                pairs.sort_unstable();
                pairs.dedup();
                if pairs.len() < ka + kb {
                    covary[a] = true;
                    covary[b] = true;
                }
            }
        }
        for (i, &(p, _)) in wordy.iter().enumerate() {
            if covary[i] {
                split_pos.push(p);
            }
        }
        split_pos.sort_unstable();
        let mut sub: BTreeMap<Vec<&str>, Vec<u32>> = BTreeMap::new();
        for &e in &members {
            let k: Vec<&str> = split_pos.iter().map(|&p| toks[e as usize][p]).collect();
            sub.entry(k).or_default().push(e);
        }
        for (_, ms) in sub {
            let first = ms[0];
            let tmpl = (0..n)
                .map(|p| {
                    let t = toks[first as usize][p];
                    if ms.iter().all(|&e| toks[e as usize][p] == t) {
                        Some(first)
                    } else {
                        None
                    }
                })
                .collect();
            out.push(Proto { members: ms, tmpl });
        }
    }
}

/// Merge protos whose collapsed skeletons are equal (across token counts).
fn merge_by_skeleton(protos: Vec<Proto>, toks: &[Vec<&str>]) -> Vec<Group> {
    let mut by_sk: BTreeMap<String, Vec<Proto>> = BTreeMap::new();
    for p in protos {
        let first = &toks[p.members[0] as usize];
        by_sk
            .entry(skeleton_key(first, &p.tmpl))
            .or_default()
            .push(p);
    }
    let mut out = Vec::new();
    for (sk, mut ps) in by_sk {
        let anchored = sk.bytes().any(|c| c.is_ascii_alphabetic());
        if !anchored {
            for p in ps {
                out.push(Group::single(p));
            }
            continue;
        }
        if ps.len() == 1 {
            if let Some(p) = ps.pop() {
                out.push(Group::single(p));
            }
        } else {
            // Canonical representative: the proto whose first member key is smallest.
            ps.sort_by(|a, b| toks[a.members[0] as usize].cmp(&toks[b.members[0] as usize]));
            let tmpl = ps[0].tmpl.clone();
            let mut members: Vec<u32> = Vec::new();
            let mut member_tmpl: Vec<u32> = Vec::new();
            let mut tmpls = Vec::with_capacity(ps.len());
            for (i, p) in ps.into_iter().enumerate() {
                members.extend_from_slice(&p.members);
                member_tmpl.extend(std::iter::repeat_n(i as u32, p.members.len()));
                tmpls.push(p.tmpl);
            }
            // The representative's members come first, so render() uses it.
            out.push(Group {
                members,
                tmpl,
                merged: true,
                member_tmpl,
                tmpls,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::testutil::Rng;

    fn templates(clusters: &[Cluster]) -> Vec<&str> {
        clusters.iter().map(|c| c.template.as_str()).collect()
    }

    /// Loghub-like generator: real message shapes with randomised variables.
    fn loghub_like(n: usize, seed: u64) -> Vec<String> {
        let mut r = Rng(seed);
        let users = [
            "root",
            "admin",
            "test",
            "oracle",
            "guest",
            "webmaster",
            "pi",
            "ubnt",
        ];
        let hosts = [
            "api.github.com",
            "t12.baidu.com",
            "www.google.com",
            "get.sogou.com",
            "bolt.dropbox.com",
        ];
        let states = [
            ("NEW", "UNASSIGNED"),
            ("UNASSIGNED", "ASSIGNED"),
            ("ASSIGNED", "RUNNING"),
            ("RUNNING", "SUCCESS_CONTAINER_CLEANUP"),
            ("SUCCESS_CONTAINER_CLEANUP", "SUCCEEDED"),
        ];
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            let ip = format!(
                "{}.{}.{}.{}",
                r.below(256),
                r.below(256),
                r.below(256),
                r.below(256)
            );
            let s = match r.below(12) {
                0 => format!("PacketResponder {} for block blk_{}{} terminating", r.below(3), if r.below(2) == 0 { "-" } else { "" }, r.next() >> 2),
                1 => format!("Received block blk_{} of size {} from /{}", r.next() >> 3, r.below(70_000_000), ip),
                2 => format!("BLOCK* ask {}:50010 to delete {}", ip, (0..1 + r.below(4)).map(|_| format!("blk_{}", r.next() >> 4)).collect::<Vec<_>>().join(" ")),
                3 => format!("Failed password for invalid user {} from {} port {} ssh2", users[r.below(users.len())], ip, r.below(65536)),
                4 => format!("pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost={}", ip),
                5 => format!("pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost={} user={}", ip, users[r.below(users.len())]),
                6 => format!("{}:443 open through proxy proxy.cse.cuhk.edu.hk:5070 HTTPS", hosts[r.below(hosts.len())]),
                7 => {
                    let kb = if r.below(2) == 0 { format!(" ({}.{} KB)", r.below(100), r.below(100)) } else { String::new() };
                    let life = if r.below(2) == 0 { "<1 sec".to_string() } else { format!("00:{:02}", r.below(60)) };
                    format!("{}:80 close, {} bytes{} sent, {} bytes received, lifetime {}", hosts[r.below(hosts.len())], r.below(99999), kb, r.below(9999), life)
                }
                8 => {
                    let (a, b) = states[r.below(states.len())];
                    format!("attempt_1445144423722_0020_m_{:06}_0 TaskAttempt Transitioned from {} to {}", r.below(1000), a, b)
                }
                9 => format!("onStandStepChanged {}", r.below(10000)),
                10 => format!("instruction cache parity error corrected{}", ""),
                _ => format!("Connection closed by {} [preauth]", ip),
            };
            out.push(s);
        }
        out
    }

    #[test]
    fn real_lines_get_expected_templates() {
        let lines = [
            "PacketResponder 1 for block blk_38865049064139660 terminating",
            "PacketResponder 0 for block blk_-6952295868487656571 terminating",
            "PacketResponder 2 for block blk_8229193803249955061 terminating",
            "Received block blk_-1608999687919862906 of size 91178 from /10.250.10.6",
            "Received block blk_-3544583377289625738 of size 67108864 from /10.251.110.8",
            "Invalid user webmaster from 173.234.31.186",
            "Invalid user test9 from 52.80.34.196",
            "Invalid user admin from 103.99.0.122",
            "Invalid user oracle from 187.141.143.180",
            "Invalid user pi from 119.4.203.64",
            "pam_unix(sshd:session): session opened for user fztu by (uid=0)",
            "pam_unix(sshd:session): session opened for user root by (uid=0)",
            "pam_unix(sshd:session): session opened for user curi by (uid=0)",
            "pam_unix(sshd:session): session opened for user yarn by (uid=0)",
            "Received connection request /10.10.34.11:45307",
            "Received connection request /10.10.34.13:37177",
            "instruction cache parity error corrected",
            "instruction cache parity error corrected",
        ];
        let (labels, clusters) = mine_all(&lines);
        let t = templates(&clusters);
        assert!(
            t.contains(&"PacketResponder <NUM> for block blk_<NUM> terminating"),
            "{t:?}"
        );
        assert!(
            t.contains(&"Received block blk_<NUM> of size <NUM> from /<IP>"),
            "{t:?}"
        );
        assert!(t.contains(&"Invalid user <*> from <IP>"), "{t:?}");
        assert!(
            t.contains(&"pam_unix(sshd:session): session opened for user <*> by (uid=<NUM>)"),
            "{t:?}"
        );
        assert!(t.contains(&"Received connection request /<IP>"), "{t:?}");
        assert!(
            t.contains(&"instruction cache parity error corrected"),
            "{t:?}"
        );
        assert_eq!(clusters.len(), 6, "{t:?}");
        assert_eq!(labels[0], labels[2]);
        assert_eq!(labels[5], labels[9]);
        let total: u64 = clusters.iter().map(|c| c.count).sum();
        assert_eq!(total, lines.len() as u64);
        // Hole values: the user hole of the Invalid-user cluster.
        let c = &clusters[labels[5]];
        assert_eq!(c.hole_values.len(), 2);
        assert_eq!(c.hole_values[0].len(), 5);
        assert!(c.hole_values[0]
            .iter()
            .any(|(v, n)| v == "webmaster" && *n == 1));
        let pr = &clusters[labels[0]];
        assert_eq!(pr.hole_values.len(), 2);
        assert_eq!(
            pr.hole_values[0],
            vec![
                ("0".to_string(), 1),
                ("1".to_string(), 1),
                ("2".to_string(), 1)
            ]
        );
        assert_eq!(pr.id, crate::cluster::signature_id(&pr.template));
    }

    #[test]
    fn enumerated_states_stay_apart_and_variable_lengths_merge() {
        let mut lines = Vec::new();
        for (i, (a, b)) in [
            ("NEW", "UNASSIGNED"),
            ("UNASSIGNED", "ASSIGNED"),
            ("ASSIGNED", "RUNNING"),
            ("RUNNING", "SUCCEEDED"),
            ("RUNNING", "FAILED"),
        ]
        .iter()
        .enumerate()
        {
            for j in 0..3 {
                lines.push(format!(
                    "attempt_1445_0020_m_{:06}_{} TaskAttempt Transitioned from {a} to {b}",
                    i * 10 + j,
                    j
                ));
            }
        }
        lines.push("BLOCK* ask 10.251.43.115:50010 to delete blk_1 blk_2 blk_3".to_string());
        lines.push("BLOCK* ask 10.251.43.116:50010 to delete blk_4".to_string());
        lines.push("BLOCK* ask 10.251.43.117:50010 to delete blk_5 blk_6".to_string());
        let refs: Vec<&str> = lines.iter().map(|s| s.as_str()).collect();
        let (labels, clusters) = mine_all(&refs);
        let t = templates(&clusters);
        assert!(t.contains(&"attempt_<NUM>_<NUM>_m_<NUM>_<NUM> TaskAttempt Transitioned from NEW to UNASSIGNED"), "{t:?}");
        assert_eq!(clusters.len(), 6, "{t:?}");
        let n = lines.len();
        assert_eq!(labels[n - 1], labels[n - 2]);
        assert_eq!(labels[n - 1], labels[n - 3]);
        assert_eq!(
            clusters[labels[n - 1]].template,
            "BLOCK* ask <*> to delete <*>"
        );
        assert_eq!(clusters[labels[n - 1]].hole_values.len(), 2);
    }

    #[test]
    fn order_independent() {
        let lines = loghub_like(4000, 0x9e37_79b9_7f4a_7c15);
        let run = |order: &[usize]| {
            let mut m = Miner::new(MinerConfig::default());
            let ids: Vec<(usize, MessageId)> =
                order.iter().map(|&i| (i, m.add(&lines[i]))).collect();
            m.finish();
            let mut assign = vec![0usize; lines.len()];
            for (i, id) in ids {
                assign[i] = m.cluster_of(id);
            }
            let cl: Vec<(String, String, u64)> = m
                .clusters()
                .iter()
                .map(|c| (c.id.clone(), c.template.clone(), c.count))
                .collect();
            (cl, assign)
        };
        let mut order: Vec<usize> = (0..lines.len()).collect();
        let base = run(&order);
        assert!(base.0.len() >= 8, "{:?}", base.0);
        let mut rng = Rng(42);
        for _ in 0..5 {
            rng.shuffle(&mut order);
            assert_eq!(run(&order), base);
        }
        order.reverse();
        assert_eq!(run(&order), base);
    }

    #[test]
    fn cap_and_evictions() {
        let cfg = MinerConfig {
            max_entries: 3,
            ..MinerConfig::default()
        };
        let mut m = Miner::new(cfg);
        let a = m.add("alpha one");
        m.add("beta two");
        m.add("gamma three");
        let d = m.add("delta four");
        let e = m.add("epsilon five");
        let a2 = m.add("alpha one");
        assert_eq!(m.evictions(), 2);
        assert_eq!(m.distinct_entries(), 3);
        assert_eq!(a, a2);
        m.finish();
        let total: u64 = m.clusters().iter().map(|c| c.count).sum();
        assert_eq!(total, 6);
        assert_eq!(m.cluster_of(d), m.cluster_of(e));
        assert_eq!(m.clusters()[m.cluster_of(d)].template, STAR);
        assert_eq!(m.clusters()[m.cluster_of(d)].count, 2);
        assert_ne!(m.cluster_of(a), m.cluster_of(d));
    }

    #[test]
    fn hole_values_bounded() {
        let mut m = Miner::new(MinerConfig {
            hole_top_k: 3,
            ..MinerConfig::default()
        });
        for i in 0..1000 {
            m.add(&format!("took {} ms", i % 10));
            m.add("took 7 ms");
        }
        m.finish();
        let c = &m.clusters()[0];
        assert_eq!(c.template, "took <NUM>");
        assert_eq!(c.count, 2000);
        assert_eq!(c.hole_values.len(), 1);
        assert!(c.hole_values[0].len() <= 3);
        assert_eq!(c.hole_values[0][0].0, "7 ms");
    }

    #[test]
    fn prefix_key_is_the_padded_big_endian_prefix() {
        let v = b"abcdefghijkl";
        for n in 0..=v.len() {
            let mut w = [0u8; 8];
            for (d, &c) in w.iter_mut().zip(&v[..n]) {
                *d = c;
            }
            assert_eq!(prefix_key(&v[..n]), u64::from_be_bytes(w), "length {n}");
        }
    }

    /// The Space-Saving counter as first written (scan, stop at a match or an empty slot,
    /// replace the least by (count, value)), to check [`HoleSlots::add`] against.
    fn reference_add(slots: &mut Vec<(Vec<u8>, u64)>, k: usize, v: &[u8]) {
        if let Some(s) = slots.iter_mut().find(|(x, _)| x.as_slice() == v) {
            s.1 += 1;
        } else if slots.len() < k {
            slots.push((v.to_vec(), 1));
        } else {
            let m = (0..k)
                .min_by(|&a, &b| (slots[a].1, &slots[a].0).cmp(&(slots[b].1, &slots[b].0)))
                .unwrap_or(0);
            slots[m] = (v.to_vec(), slots[m].1 + 1);
        }
    }

    #[test]
    fn hole_counter_matches_the_reference_space_saving() {
        // Values that share their first 8 bytes, of every storage class (<= 8 bytes,
        // inline, long), from a small alphabet so that hits, misses and ties all happen.
        let mut rng = Rng(7);
        let stems = ["", "1", "12345678", "abcdefgh", "10.251.1", "x"];
        for k in 1..=6 {
            let mut h = HoleSlots::default();
            let base = h.grow(k);
            let mut reference = Vec::new();
            for step in 0..5000 {
                let stem = stems[rng.below(stems.len())];
                let tail_len = [0, 1, 5, 9, 17, 30][rng.below(6)];
                let tail: String = (0..tail_len)
                    .map(|_| (b'a' + rng.below(3) as u8) as char)
                    .collect();
                let v = format!("{stem}{tail}");
                // The source has bytes after the value (or not), as in a message.
                let src = if rng.below(2) == 0 {
                    format!("{v} and more text here")
                } else {
                    v.clone()
                };
                h.add(base, k, src.as_bytes(), 0, v.len(), 1);
                reference_add(&mut reference, k, v.as_bytes());
                if step % 97 == 0 || step == 4999 {
                    let mut got = h.items(base, k);
                    let mut want: Vec<(String, u64)> = reference
                        .iter()
                        .map(|(v, c)| (String::from_utf8_lossy(v).into_owned(), *c))
                        .collect();
                    got.sort();
                    want.sort();
                    assert_eq!(got, want, "k={k} step={step}");
                }
            }
        }
    }

    #[test]
    fn key_table_finds_every_key_after_growing() {
        let mut m = Miner::new(MinerConfig::default());
        let words = ["alpha", "beta", "gamma", "delta"];
        let msg = |i: usize| {
            format!(
                "{} {} {}",
                words[i % 4],
                words[(i / 4) % 4],
                "w".repeat(i / 16)
            )
        };
        let ids: Vec<MessageId> = (0..5000).map(|i| m.add(&msg(i))).collect();
        assert_eq!(m.distinct_entries(), 5000);
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(m.add(&msg(i)), *id);
        }
        assert_eq!(m.distinct_entries(), 5000);
        assert!(same_bytes(b"0123456789abcdefX", b"0123456789abcdefX"));
        assert!(!same_bytes(b"0123456789abcdefX", b"0123456789abcdefY"));
        assert!(!same_bytes(b"0123456789", b"0123456789a"));
    }

    #[test]
    fn odd_input_never_panics() {
        let long = "a".repeat(100_000) + " 123 " + &"é".repeat(20_000);
        let inputs: Vec<String> = vec![
            String::new(),
            " ".into(),
            "\0\u{1}\u{2}\u{1e}".into(),
            "\u{1}".into(),
            "<NUM> <*> literal placeholders".into(),
            "<NUM> <*> literal placeholders".into(),
            "日本語のログ 42 件".into(),
            "x=".into(),
            "=".into(),
            long,
            "\t\r\n".into(),
            "a b".into(),
            "a  b".into(),
            "a\u{1e}b".into(),
        ];
        let refs: Vec<&str> = inputs.iter().map(|s| s.as_str()).collect();
        let (labels, clusters) = mine_all(&refs);
        assert_eq!(labels.len(), refs.len());
        assert!(labels.iter().all(|&l| l < clusters.len()));
        let mut m = Miner::new(MinerConfig::default());
        assert_eq!(m.cluster_of(MessageId(12345)), 0);
        m.finish();
        assert!(m.clusters().is_empty());
        m.add("after finish 1");
        m.finish();
        assert_eq!(m.clusters().len(), 1);
    }

    /// Issue 16: access records' keys are templates of their own: two statuses or two routes
    /// are never merged (Brain would make the status a variable), two ids in a path always are.
    #[test]
    fn access_routes_are_templates_of_their_own() {
        let msgs = [
            "\u{7}GET /orders/1 200",
            "\u{7}GET /orders/2 200",
            "\u{7}GET /orders/1 500",
            "\u{7}POST /orders 201",
            "\u{7}POST /orders 502",
            "\u{7}POST /carts 201",
            "\u{7}POST /carts 201",
        ];
        let (labels, clusters) = mine_all(&msgs);
        let t = |i: usize| clusters[labels[i]].template.as_str();
        assert_eq!(
            (0..msgs.len()).map(t).collect::<Vec<_>>(),
            [
                "GET /orders/<NUM> 200",
                "GET /orders/<NUM> 200",
                "GET /orders/<NUM> 500",
                "POST /orders 201",
                "POST /orders 502",
                "POST /carts 201",
                "POST /carts 201",
            ]
        );
        assert_eq!(clusters.len(), 5);
        let get = &clusters[labels[0]];
        assert_eq!(
            get.hole_values,
            [vec![("1".to_string(), 1), ("2".to_string(), 1)]]
        );
        assert_eq!(get.hole_values_exact, [true]);
    }

    /// A hole's counts are exact until a new value finds its counter full.
    #[test]
    fn hole_counts_say_when_they_are_estimates() {
        let mut few: Vec<String> = (0..5).map(|i| format!("job {i} failed")).collect();
        few.push("job 0 failed".into());
        let many: Vec<String> = (0..9).map(|i| format!("task {i} stalled")).collect();
        let all: Vec<&str> = few.iter().chain(&many).map(String::as_str).collect();
        let (labels, clusters) = mine_all(&all);
        let job = &clusters[labels[0]];
        assert_eq!(job.template, "job <NUM> failed");
        assert_eq!(job.hole_values_exact, [true]);
        assert_eq!(job.hole_values[0][0], ("0".to_string(), 2));
        let task = &clusters[labels[few.len()]];
        assert_eq!(task.template, "task <NUM> stalled");
        assert_eq!(task.hole_values_exact, [false]);
        assert_eq!(task.hole_values[0].iter().map(|v| v.1).sum::<u64>(), 9);
    }
}
