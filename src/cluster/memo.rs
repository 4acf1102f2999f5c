//! A bounded memo of [`mask_into`]: a message seen again recently is not masked again.
//!
//! Logs repeat themselves verbatim: once its header is stripped, half of the lines of a
//! 2,000-line Loghub sample are exact repeats of another (Linux: 290 distinct messages of
//! 2,000, Thunderbird 339, HDFS, whose lines all carry a block id, 2,000), and a burst of the
//! same error is what a support engineer is usually looking at. Masking is the costliest step
//! of clustering, and it is a pure function of the message, so its result can be reused: the
//! memo maps a message to its [`Masked`] form.
//!
//! It is a direct-mapped cache: a message's hash picks one slot, and a hit needs the slot to
//! hold the same bytes. A message is kept on its second sighting: the first time, only its
//! hash is noted (in a small array beside the slots) and it is masked into a scratch buffer;
//! if the same slot sees it again before another newcomer, it is masked into the slot,
//! evicting whatever was there. So messages seen once never evict ones that repeat, and a
//! stream of messages that never repeat costs one hash and one look at the small array more
//! per message. On the 1M-message corpus whose numbers change (`benches/vary_numbers.py`),
//! `cluster --plain --threads 1` took 0.388 s, against 0.413 s without the memo and 0.546 s
//! with messages kept on their first sighting (minimum of 8 interleaved runs each). No recency
//! bookkeeping, and no allocation once a slot's buffers have grown. Memory is bounded: at most [`MaskMemo::MAX_SLOTS`] slots, and only messages of at most
//! [`MaskMemo::MAX_MESSAGE`] bytes and [`MaskMemo::MAX_HOLES`] holes are kept (others are masked
//! into a scratch buffer). A slot then holds at most the message (256 bytes), its key (at most
//! 576 bytes, allocated for twice the message plus 64, up to twice that as the buffer grows)
//! and 16 holes of 24 bytes, so a full table stays under about 16,384 x 2 KiB = 32 MiB. On the
//! 1M-message Loghub corpora of `benches/drain3_compare.sh` (68 bytes a message on average) the
//! memo added 6.6 MB (messages repeated verbatim) and 9.9 MB (numbers varied) to the peak RSS
//! of `cluster --plain --threads 1` (16.7 MB before).
//! The slot table starts small and grows as messages arrive, so a small unit of input (a
//! short file) pays for a small table.
//!
//! Results never depend on the memo: a hit returns exactly what masking the message again
//! would (the test below checks this against [`mask_into`] on every message).

use super::mask::{hash_key, mask_into, same_bytes, Masked};

/// See the module docs.
#[derive(Default)]
pub struct MaskMemo {
    /// Per slot: `[held, seen]`, the tag (hash with the low bit set; 0 for none) of the
    /// message the slot holds and of the last message that came to the slot without being
    /// kept. Kept apart from the slots, in a small array, so that a message that does not
    /// repeat costs no access to the (larger, colder) slots.
    tags: Vec<[u64; 2]>,
    slots: Vec<Slot>,
    /// First sightings since the table last grew.
    fresh: usize,
    /// For messages not kept: first sightings and messages too long to keep.
    scratch: Masked,
}

enum Found {
    /// Slot `i` holds the message.
    Held(usize),
    /// Slot `i` is to hold it (seen for the second time).
    Keep(usize),
    /// Not kept: seen for the first time, or too long.
    Fresh,
}

#[derive(Default)]
struct Slot {
    msg: Vec<u8>,
    masked: Masked,
}

impl MaskMemo {
    /// Largest number of slots (per memo: one per unit of work being read).
    pub const MAX_SLOTS: usize = 1 << 14;
    /// First size of the slot table.
    const MIN_SLOTS: usize = 1 << 8;
    /// Longest message kept, in bytes.
    pub const MAX_MESSAGE: usize = 256;
    /// Most holes of a message kept.
    pub const MAX_HOLES: usize = 16;

    pub fn new() -> Self {
        Self::default()
    }

    /// Number of slots the table has now (0 until first used).
    pub fn slots(&self) -> usize {
        self.slots.len()
    }

    /// `msg` masked, as [`mask_into`] would mask it.
    #[inline]
    pub fn mask(&mut self, msg: &str) -> &Masked {
        match self.lookup(msg.as_bytes()) {
            Found::Held(i) => &self.slots[i].masked,
            Found::Keep(i) => self.keep(i, msg),
            Found::Fresh => {
                mask_into(msg, &mut self.scratch);
                &self.scratch
            }
        }
    }

    /// Fill slot `i` (a [`Found::Keep`]) with `msg`. A message with more than
    /// [`MaskMemo::MAX_HOLES`] holes is masked but not kept (the slot is left empty).
    fn keep(&mut self, i: usize, msg: &str) -> &Masked {
        let s = &mut self.slots[i];
        s.msg.clear();
        s.msg.reserve_exact(msg.len());
        s.msg.extend_from_slice(msg.as_bytes());
        mask_into(msg, &mut s.masked);
        if s.masked.holes.len() > Self::MAX_HOLES {
            self.tags[i][0] = 0;
            std::mem::swap(&mut s.masked, &mut self.scratch);
            // Give back the hole list's room: only short lists are kept.
            s.masked.holes = Vec::new();
            return &self.scratch;
        }
        &s.masked
    }

    /// Where `b`'s masked form is, or is to be kept. A `Keep` is recorded as held by the
    /// time this returns, so the caller must fill the slot.
    #[inline]
    fn lookup(&mut self, b: &[u8]) -> Found {
        if b.len() > Self::MAX_MESSAGE {
            return Found::Fresh;
        }
        if self.slots.is_empty() {
            self.resize(Self::MIN_SLOTS);
        }
        let tag = hash_key(b) | 1;
        let mut i = Self::index(tag, self.slots.len());
        let [held, seen] = self.tags[i];
        if held == tag && same_bytes(&self.slots[i].msg, b) {
            return Found::Held(i);
        }
        if seen != tag {
            // A first sighting (as far as this slot can tell): remember its tag only, so
            // that messages seen once do not evict ones that repeat.
            self.fresh += 1;
            let n = self.slots.len();
            if self.fresh > 2 * n && n < Self::MAX_SLOTS {
                // Grow (dropping the contents: this is only a cache) once the table has seen
                // twice as many new messages as it has slots.
                self.resize(4 * n);
                i = Self::index(tag, self.slots.len());
            }
            self.tags[i][1] = tag;
            return Found::Fresh;
        }
        // Seen again: keep it.
        self.tags[i] = [tag, 0];
        Found::Keep(i)
    }

    #[inline]
    fn index(tag: u64, n: usize) -> usize {
        (tag >> 40) as usize & (n - 1)
    }

    /// Empty the table and give it `n` slots.
    fn resize(&mut self, n: usize) {
        self.tags.clear();
        self.tags.resize(n, [0, 0]);
        self.slots.clear();
        self.slots.resize_with(n, Slot::default);
        self.fresh = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(a: &Masked, b: &Masked) {
        assert_eq!(a.key(), b.key());
        assert_eq!(a.holes, b.holes);
        assert_eq!(a.hash, b.hash);
    }

    #[test]
    fn a_hit_is_what_masking_again_gives() {
        let msgs: Vec<String> = (0..40_000)
            .map(|i| match i % 5 {
                0 => format!(
                    "Received block blk_{} of size {} from /10.0.0.{}",
                    i % 97,
                    i,
                    i % 7
                ),
                1 => "Connection closed by peer".to_string(),
                2 => format!("user{} logged in", i % 300),
                3 => format!("took {} ms", i % 13),
                _ => "x 7 ".repeat(i % 100),
            })
            .collect();
        let mut memo = MaskMemo::new();
        let mut want = Masked::new();
        for m in &msgs {
            mask_into(m, &mut want);
            same(memo.mask(m), &want);
        }
        assert!(memo.slots.len() > MaskMemo::MIN_SLOTS, "the table grew");
        assert!(memo.slots.len() <= MaskMemo::MAX_SLOTS);
        // Long messages go through the scratch buffer.
        let long = format!("id {} {}", 42, "y".repeat(MaskMemo::MAX_MESSAGE));
        mask_into(&long, &mut want);
        same(memo.mask(&long), &want);
    }

    #[test]
    fn a_message_is_kept_when_seen_again_and_then_served_from_its_slot() {
        let mut memo = MaskMemo::new();
        let m = "Accepted password for root from 10.1.2.3 port 5522 ssh2";
        let scratch = |memo: &MaskMemo| &memo.scratch as *const Masked;
        let first = memo.mask(m) as *const Masked;
        assert_eq!(first, scratch(&memo), "a first sighting is only masked");
        let second = memo.mask(m) as *const Masked;
        assert_ne!(second, scratch(&memo), "a second sighting is kept");
        for _ in 0..3 {
            assert_eq!(
                memo.mask(m) as *const Masked,
                second,
                "then served from its slot"
            );
        }
        // Messages seen once do not take the slot of one that repeats.
        let i = MaskMemo::index(hash_key(m.as_bytes()) | 1, memo.slots.len());
        let mut others = 0;
        for k in 0..100_000u32 {
            let o = format!("other message {k}");
            if MaskMemo::index(hash_key(o.as_bytes()) | 1, memo.slots.len()) == i {
                memo.mask(&o);
                others += 1;
            }
        }
        assert!(others > 0);
        assert_eq!(memo.mask(m) as *const Masked, second);
    }

    #[test]
    fn messages_with_many_holes_are_masked_but_not_kept() {
        let mut memo = MaskMemo::new();
        let m: String = (0..20).map(|i| format!("v{i}={i} ")).collect();
        let mut want = Masked::new();
        mask_into(&m, &mut want);
        assert!(want.holes.len() > MaskMemo::MAX_HOLES);
        for _ in 0..4 {
            let got = memo.mask(&m);
            same(got, &want);
            assert_eq!(got as *const Masked, &memo.scratch as *const Masked);
        }
        assert!(memo.slots.iter().all(|s| s.masked.holes.capacity() == 0));
    }

    #[test]
    fn the_table_stays_bounded() {
        let mut memo = MaskMemo::new();
        for i in 0..200_000u32 {
            memo.mask(&format!("event {i} w{}", i * 7919));
        }
        assert_eq!(memo.slots.len(), MaskMemo::MAX_SLOTS);
    }
}
