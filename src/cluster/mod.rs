//! Log-template mining for casefile.
//!
//! This module owns the "what kind of message is this?" question: it turns free-text log
//! messages into templates (`Received block <*> of size <NUM> from <IP>`), assigns every
//! message to exactly one template cluster, gives each template a stable signature id, and
//! keeps a small sample of the most frequent values seen in each hole.
//!
//! * [`mask`] is the masking stage (Drain3's `LogMasker`): one pass over the bytes of a
//!   message, no regexes, producing a compact key in which numbers, hex strings, UUIDs, IPs,
//!   paths and URLs are replaced by typed holes.
//! * [`memo`] remembers recent messages' masked forms, so a message repeated verbatim is
//!   masked once.
//! * [`miner`] dedupes masked keys (bounded by [`MinerConfig::max_entries`]) and, in
//!   [`Miner::finish`], clusters the distinct keys in canonical order, so the result does not
//!   depend on the order messages were added. The algorithm and its references are described
//!   there.
//!
//! Only `std`, `regex` and `memchr` may be used here; the directory is copied verbatim into
//! casefile's `src/cluster/`.

pub mod mask;
pub mod memo;
pub mod miner;

pub use miner::{mine_all, Cluster, HoleSlots, MessageId, Miner, MinerConfig};

/// Stable signature id of a template: FNV-1a 64 of its UTF-8 bytes, as 16 lowercase hex
/// digits. Depends only on the template text, never on the run, the machine or the order of
/// input.
pub fn signature_id(template: &str) -> String {
    format!("{:016x}", fnv1a64(template.as_bytes()))
}

/// FNV-1a, 64-bit (Fowler/Noll/Vo), implemented here so it is stable across Rust versions.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_known_vectors() {
        // Published FNV-1a 64 test vectors.
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn signature_id_is_stable() {
        assert_eq!(signature_id(""), "cbf29ce484222325");
        assert_eq!(signature_id("a"), "af63dc4c8601ec8c");
        let t = "PacketResponder <NUM> for block blk_<NUM> terminating";
        let id = signature_id(t);
        assert_eq!(id.len(), 16);
        assert_eq!(id, signature_id(t));
        assert!(id
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    }
}
