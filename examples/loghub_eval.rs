//! Grouping accuracy (GA) of `casefile cluster` on Loghub-2k, in both modes, through casefile's
//! own pipeline (the same reading, dialect detection and signature collection as the CLI).
//!
//! ```text
//! cargo run --release --example loghub_eval -- [DATA_DIR]
//! ```
//! DATA_DIR defaults to `../shared/data/loghub-2k`; every `<S>/` in it holding `<S>_2k.log`
//! and a ground truth is evaluated, so held-out systems are measured by dropping their folders
//! in. The ground truth is `<S>_2k.log_structured_corrected.csv` (Khan et al.'s corrected
//! templates, as in logparser's `loghub_2k_corrected`) or, failing that, the original
//! `<S>_2k.log_structured.csv` of logpai/loghub (marked `*` in the table). The content-mode
//! input is `<S>_2k.content`, or the ground truth's `Content` column when there is none.
//!
//! - content mode: `<S>_2k.content`, each line one message (`casefile cluster --plain`).
//! - raw mode: `<S>_2k.log`, headers found and stripped by casefile's dialect detection
//!   (`casefile cluster`). A line joined to the record above it (a continuation) takes that
//!   record's signature.
//!
//! GA is computed as `eval_ga.py` does with its defaults: ground-truth groups are identical
//! `EventTemplate` strings (rows with an empty template dropped), predicted groups are
//! signatures, and GA is the share of messages whose predicted group has exactly the members
//! of their ground-truth group.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use casefile::parse::Parser;
use casefile::signatures::{Collector, SigAcc};
use casefile::source::{read_sources, Input, RawEvent, ReadOptions, Visitor};

/// Minimal RFC 4180 CSV parser (quoted fields, doubled quotes, newlines inside quotes).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut in_q = false;
    let mut chars = text.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        any = true;
        if in_q {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    field.push('"');
                    chars.next();
                } else {
                    in_q = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            '"' => in_q = true,
            ',' => row.push(std::mem::take(&mut field)),
            '\r' => {}
            '\n' => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
                any = false;
            }
            _ => field.push(c),
        }
    }
    if any {
        row.push(field);
        rows.push(row);
    }
    rows
}

/// The ground truth's `EventTemplate` column, and its `Content` column when it has one.
fn load_gt(path: &Path) -> (Vec<String>, Option<Vec<String>>) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let rows = parse_csv(&text);
    let column = |name: &str| {
        rows[0].iter().position(|h| h == name).map(|col| {
            rows[1..]
                .iter()
                .map(|r| r.get(col).cloned().unwrap_or_default())
                .collect::<Vec<String>>()
        })
    };
    let templates = column("EventTemplate")
        .unwrap_or_else(|| panic!("{}: no EventTemplate column", path.display()));
    (templates, column("Content"))
}

/// GA as eval_ga.py computes it (gt-key template, pred-key label).
fn grouping_accuracy(gt: &[String], pred: &[String]) -> f64 {
    let idx: Vec<usize> = (0..gt.len()).filter(|&i| !gt[i].is_empty()).collect();
    let mut gt_groups: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut pr_size: HashMap<&str, usize> = HashMap::new();
    for &i in &idx {
        gt_groups.entry(gt[i].as_str()).or_default().push(i);
        *pr_size.entry(pred[i].as_str()).or_default() += 1;
    }
    let mut correct = 0;
    for members in gt_groups.values() {
        let l = pred[members[0]].as_str();
        if members.iter().all(|&i| pred[i] == l) && pr_size[l] == members.len() {
            correct += members.len();
        }
    }
    if idx.is_empty() {
        0.0
    } else {
        correct as f64 / idx.len() as f64
    }
}

struct V<'a> {
    parser: &'a Parser,
    redactor: casefile::redact::Redactor,
    plain: bool,
    collector: &'a Collector,
}

impl Visitor for V<'_> {
    type Acc = SigAcc;
    fn new_acc(&self) -> SigAcc {
        SigAcc::default()
    }
    fn visit(&self, acc: &mut SigAcc, ev: RawEvent<'_>) {
        let e = ev.to_event(self.parser);
        let text = if self.plain {
            ev.text().into_owned()
        } else {
            casefile::baseline::stable_text(&e, &self.redactor)
        };
        self.collector.add(acc, &e, &text);
    }
    fn rebase(&self, acc: &mut SigAcc, base: u64) {
        acc.rebase(base);
    }
    fn end_unit(&self, acc: &mut SigAcc) {
        self.collector.end_unit(acc);
    }
}

/// One label per input line.
fn labels(path: &Path, plain: bool, n_lines: usize) -> (Vec<String>, usize) {
    let parser = Parser::default_parser();
    let opts = ReadOptions {
        plain,
        year: Some(2026),
        ..ReadOptions::default()
    };
    let inputs = [Input {
        display: path.to_string_lossy().as_ref().into(),
        path: Some(path.to_path_buf()),
    }];
    let collector = Collector::new(true);
    let v = V {
        parser: &parser,
        redactor: casefile::redact::Redactor::new(&Default::default()).expect("default redactor"),
        plain,
        collector: &collector,
    };
    let (accs, reports) = read_sources(&inputs, &parser, &opts, &v);
    let names: Vec<String> = reports.iter().map(|r| r.source.clone()).collect();
    let rep = collector.finish(accs, &names);
    let mut out = vec![String::new(); n_lines];
    let mut starts: Vec<(usize, &str)> = rep
        .assignments
        .iter()
        .map(|(_, l, s)| (*l as usize - 1, s.as_str()))
        .collect();
    starts.sort();
    let mut cur = "";
    let mut k = 0;
    for (i, slot) in out.iter_mut().enumerate() {
        while k < starts.len() && starts[k].0 <= i {
            cur = starts[k].1;
            k += 1;
        }
        *slot = cur.to_string();
    }
    (out, rep.signatures.len())
}

fn main() {
    let arg = std::env::args().nth(1);
    let dir = arg.map(PathBuf::from).unwrap_or_else(|| {
        let here = Path::new(env!("CARGO_MANIFEST_DIR"));
        here.join("../shared/data/loghub-2k")
    });
    let mut systems: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}; pass the loghub-2k folder", dir.display()))
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|s| {
            let base = dir.join(s);
            base.join(format!("{s}_2k.log")).exists()
                && (base
                    .join(format!("{s}_2k.log_structured_corrected.csv"))
                    .exists()
                    || base.join(format!("{s}_2k.log_structured.csv")).exists())
        })
        .collect();
    systems.sort();
    let (mut sum_c, mut sum_r) = (0.0, 0.0);
    let t0 = Instant::now();
    let mut lines_total = 0;
    let mut any_original = false;
    println!(
        "{:<12} {:>10} {:>10} {:>8}",
        "system", "content GA", "raw GA", "GT groups"
    );
    for s in &systems {
        let base = dir.join(s);
        let corrected = base.join(format!("{s}_2k.log_structured_corrected.csv"));
        let (gt_file, mark) = if corrected.exists() {
            (corrected, " ")
        } else {
            (base.join(format!("{s}_2k.log_structured.csv")), "*")
        };
        any_original |= mark == "*";
        let (gt, gt_content) = load_gt(&gt_file);
        let n = gt.len();
        lines_total += 2 * n;
        let shipped = base.join(format!("{s}_2k.content"));
        // Where the dataset has no content file, the ground truth's Content column, one message
        // per line, in a temporary file of our own: only that file is ever deleted (the
        // dataset's own files stay, wherever the data folder is; it used to delete them when
        // the folder was under the temp directory).
        let own = if shipped.exists() {
            None
        } else {
            let lines = gt_content.unwrap_or_else(|| {
                panic!("{s}: no {s}_2k.content and no Content column in the ground truth")
            });
            let mut text = lines.join("\n");
            text.push('\n');
            let mut f = tempfile::NamedTempFile::new().expect("a temporary file");
            std::io::Write::write_all(&mut f, text.as_bytes())
                .unwrap_or_else(|e| panic!("{}: {e}", f.path().display()));
            Some(f)
        };
        let content_file = own.as_ref().map_or(shipped.as_path(), |f| f.path());
        let (content, _) = labels(content_file, true, n);
        drop(own);
        let (raw, _) = labels(&base.join(format!("{s}_2k.log")), false, n);
        let gc = grouping_accuracy(&gt, &content);
        let gr = grouping_accuracy(&gt, &raw);
        let groups = gt
            .iter()
            .filter(|t| !t.is_empty())
            .collect::<std::collections::HashSet<_>>()
            .len();
        println!(
            "{:<12} {gc:>10.3} {gr:>10.3} {groups:>8}",
            format!("{s}{mark}")
        );
        sum_c += gc;
        sum_r += gr;
    }
    let k = systems.len().max(1) as f64;
    if any_original {
        println!("* ground truth: the original logpai/loghub templates (no corrected file)");
    }
    println!(
        "{:<12} {:>10.4} {:>10.4}   ({} systems, {} lines in {:.2}s)",
        "mean",
        sum_c / k,
        sum_r / k,
        systems.len(),
        lines_total,
        t0.elapsed().as_secs_f64()
    );
}
