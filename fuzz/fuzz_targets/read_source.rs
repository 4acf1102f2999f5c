//! Reading files: the bytes written to a plain file and (first byte even) to a gzip file cut at a
//! fuzzed position, then read by `read_sources` with a visitor that turns every record into an
//! event. Small read options, and inputs repeated past 1 MiB now and then, reach the chunked
//! read, the buffer growth and the over-long-line cut.
//!
//! Input layout (every byte is also file content):
//! - `bytes[0]`: even -> also a gzip file; `% 8 == 7` -> content repeated past 1 MiB;
//!   bit 3 -> a prefilter (whole-token id search) built from `bytes[2..]`;
//!   bit 4 -> naive timestamps in Europe/Paris.
//! - `bytes[1..3]`: where the gzip stream is cut (when `bytes[1]` is even).
#![no_main]

use std::io::Write;
use std::path::PathBuf;
use std::sync::OnceLock;

use casefile::parse::Parser;
use casefile::source::{read_sources, Input, Prefilter, RawEvent, ReadOptions, Visitor};
use libfuzzer_sys::fuzz_target;

fn parser() -> &'static Parser {
    static P: OnceLock<Parser> = OnceLock::new();
    P.get_or_init(Parser::default_parser)
}

fn work_dir() -> &'static PathBuf {
    static D: OnceLock<PathBuf> = OnceLock::new();
    D.get_or_init(|| {
        let d = std::env::temp_dir().join(format!("casefile-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&d).expect("temp dir");
        d
    })
}

struct Collect<'p> {
    parser: &'p Parser,
    prefilter: Option<Prefilter>,
}

impl Visitor for Collect<'_> {
    type Acc = Vec<u64>;
    fn new_acc(&self) -> Self::Acc {
        Vec::new()
    }
    fn prefilter(&self) -> Option<&Prefilter> {
        self.prefilter.as_ref()
    }
    fn visit(&self, acc: &mut Self::Acc, ev: RawEvent<'_>) {
        assert!(ev.line >= 1, "line numbers are 1-based");
        assert!(!ev.bytes.is_empty(), "empty records are not emitted");
        let e = ev.to_event(self.parser);
        acc.push(e.line);
    }
    fn rebase(&self, acc: &mut Self::Acc, lines_before: u64) {
        for l in acc.iter_mut() {
            *l += lines_before;
        }
    }
}

fn write(path: &PathBuf, data: &[u8]) {
    let mut f = std::fs::File::create(path).expect("create temp file");
    f.write_all(data).expect("write temp file");
}

fuzz_target!(|bytes: &[u8]| {
    let flags = bytes.first().copied().unwrap_or(1);
    let amplify = flags % 8 == 7 && !bytes.is_empty();
    let content: Vec<u8> = if amplify {
        let reps = (1 << 20) / bytes.len() + 2;
        bytes.repeat(reps)
    } else {
        bytes.to_vec()
    };

    let dir = work_dir();
    let plain = dir.join("svc.log");
    write(&plain, &content);
    let mut inputs = vec![Input {
        display: "fuzz/svc.log".into(),
        path: Some(plain),
    }];

    if flags % 2 == 0 {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(&content).expect("gzip in memory");
        let mut gz = enc.finish().expect("gzip in memory");
        if bytes.len() >= 3 && bytes[1] % 2 == 0 {
            let at = u16::from_le_bytes([bytes[1], bytes[2]]) as usize % (gz.len() + 1);
            gz.truncate(at);
        }
        let path = dir.join("svc.log.1.gz");
        write(&path, &gz);
        inputs.push(Input {
            display: "fuzz/svc.log.1.gz".into(),
            path: Some(path),
        });
    }

    let prefilter = if flags & 8 != 0 && bytes.len() > 2 {
        let id_len = (bytes[1] % 12) as usize + 1;
        let id = &bytes[2..bytes.len().min(2 + id_len)];
        Prefilter::new(&[id])
    } else {
        None
    };

    let opts = ReadOptions {
        chunk_size: 1 << 20,
        max_line: 4096,
        tz: (flags & 16 != 0)
            .then(|| jiff::tz::TimeZone::get("Europe/Paris").expect("tz database")),
        ..Default::default()
    };
    let parser = parser();
    let visitor = Collect { parser, prefilter };
    let (accs, reports) = read_sources(&inputs, parser, &opts, &visitor);
    assert_eq!(reports.len(), inputs.len());
    // Records come back in source order with absolute line numbers within each source.
    for (src, acc) in &accs {
        assert!(*src < inputs.len());
        let total = reports[*src].lines.max(1);
        for &l in acc {
            assert!(l >= 1 && l <= total + 1, "line {l} past the {total} lines read");
        }
    }
});
