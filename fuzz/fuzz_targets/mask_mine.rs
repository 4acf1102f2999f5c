//! Template mining on arbitrary text: masking one message (key, hole ranges, rendered
//! template), and a small miner over the input's lines (with caps low enough to hit the
//! entry cap, the value cut and Space-Saving evictions), clustered and then clustered again
//! after a reversed second pass. Invariants checked: hole ranges lie inside the message on
//! char boundaries, every message lands in a cluster, counts add up, and the masking memo
//! gives what masking gives (each line three times: first sighting, kept, served).
#![no_main]

use casefile::cluster::mask::{mask, mask_into, render, Masked};
use casefile::cluster::memo::MaskMemo;
use casefile::cluster::{Miner, MinerConfig};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let m = mask(&text);
    for &(_, s, e) in &m.holes {
        assert!(
            s <= e && e <= text.len(),
            "hole {s}..{e} outside {}",
            text.len()
        );
        assert!(text.is_char_boundary(s) && text.is_char_boundary(e));
    }
    let _ = render(&m.key_text());

    let cfg = MinerConfig {
        max_entries: 8,
        hole_top_k: 2,
        max_value_bytes: 5,
        ..MinerConfig::default()
    };
    let mut miner = Miner::new(cfg);
    let lines: Vec<&str> = text.lines().take(64).collect();
    let (mut memo, mut want) = (MaskMemo::new(), Masked::new());
    for l in lines.iter().chain(&lines).chain(&lines) {
        mask_into(l, &mut want);
        let got = memo.mask(l);
        assert_eq!(
            (got.key(), &got.holes, got.hash),
            (want.key(), &want.holes, want.hash)
        );
    }
    let ids: Vec<_> = lines.iter().map(|l| miner.add(l)).collect();
    miner.finish();
    let n = miner.clusters().len();
    for id in &ids {
        assert!(miner.cluster_of(*id) < n.max(1));
    }
    let total: u64 = miner.clusters().iter().map(|c| c.count).sum();
    assert_eq!(total, lines.len() as u64);
    for l in lines.iter().rev() {
        miner.add(l);
    }
    miner.finish();
    let total: u64 = miner.clusters().iter().map(|c| c.count).sum();
    assert_eq!(total, 2 * lines.len() as u64);
});
