//! The byte scanners of the built-in regex dialects (`parse::dialects`) against the regexes
//! they stand for, on any bytes as one line (invalid UTF-8, `\n` inside, very long).
//!
//! Property checked: for every scanner, `scan` accepts the line exactly when its dialect's
//! `regex` matches it and then reports exactly the regex's group spans (`None` for a group that
//! took no part); its `start` function answers as the dialect's `start` regex does.
#![no_main]

use casefile::parse::dialects::disagreement;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(d) = disagreement(data) {
        panic!("{d}");
    }
});
