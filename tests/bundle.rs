//! `casefile bundle` / `verify` acceptance: every event `trace` finds is in the bundle,
//! `sha256sum -c SHA256SUMS` and `casefile verify` pass, no planted secret appears in any file or
//! on the terminal, two runs under the same SOURCE_DATE_EPOCH give identical bytes, the manifest
//! validates against its JSON Schema, and the HTML loads nothing external.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use common::*;
use serde_json::Value;

fn run(dir: &Path, args: &[&str], epoch: &str) -> Run {
    casefile_env(dir, args, None, &[("SOURCE_DATE_EPOCH", epoch)])
}

/// Every file of a bundle (directory or archive), by path.
fn read_bundle(p: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let s = p.to_string_lossy();
    if s.ends_with(".tar.gz") {
        let mut a = tar::Archive::new(flate2::read::GzDecoder::new(
            std::fs::File::open(p).unwrap(),
        ));
        for e in a.entries().unwrap() {
            let mut e = e.unwrap();
            if e.header().entry_type().is_file() {
                let name = e.path().unwrap().to_string_lossy().into_owned();
                let mut b = Vec::new();
                e.read_to_end(&mut b).unwrap();
                files.insert(name, b);
            }
        }
    } else if s.ends_with(".zip") {
        let mut z = zip::ZipArchive::new(std::fs::File::open(p).unwrap()).unwrap();
        for i in 0..z.len() {
            let mut e = z.by_index(i).unwrap();
            let mut b = Vec::new();
            e.read_to_end(&mut b).unwrap();
            files.insert(e.name().to_string(), b);
        }
    } else {
        for e in walkdir::WalkDir::new(p) {
            let e = e.unwrap();
            if e.file_type().is_file() {
                let rel = e
                    .path()
                    .strip_prefix(p)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                files.insert(rel, std::fs::read(e.path()).unwrap());
            }
        }
    }
    files
}

fn scenario_dirs() -> Vec<PathBuf> {
    let mut v = vec![fixtures().join("checkout")];
    let shared = shared_scenarios();
    for s in ["checkout-rerun", "checkout-regression"] {
        v.push(shared.join(s));
    }
    v
}

#[test]
fn bundles_of_every_target_are_complete_redacted_checksummed_and_reproducible() {
    for dir in scenario_dirs() {
        let truth: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("truth.json")).unwrap())
                .unwrap();
        let secrets: Vec<String> = truth["secrets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect();
        assert!(!secrets.is_empty());
        let tmp = tempfile::tempdir().unwrap();
        for (k, target) in truth["targets"].as_array().unwrap().iter().enumerate() {
            let id = target["id"].as_str().unwrap();
            let traced = run(&dir, &["trace", id, "logs", "--json"], "1700000000");
            let want: BTreeSet<(String, u64)> =
                lines_of(&traced.json_lines()).into_iter().collect();
            let ext = ["tar.gz", "zip", "d"][k % 3];
            let out = tmp.path().join(format!("b{k}.{ext}"));
            let o = out.to_str().unwrap();
            let r = run(&dir, &["bundle", id, "logs", "-o", o], "1700000000");
            assert_eq!(r.code, 0, "{}: bundle {id}: {}", dir.display(), r.stderr);
            // Deterministic: a second run with the same command gives the same bytes.
            let first = read_bundle(&out);
            let first_archive = std::fs::read(&out).ok();
            if out.is_dir() {
                std::fs::remove_dir_all(&out).unwrap();
            } else {
                std::fs::remove_file(&out).unwrap();
            }
            let r2 = run(&dir, &["bundle", id, "logs", "-o", o], "1700000000");
            assert_eq!(r2.code, 0);
            assert!(
                read_bundle(&out) == first,
                "{id}: bundle contents differ between runs"
            );
            if ext != "d" {
                assert!(
                    std::fs::read(&out).ok() == first_archive,
                    "{id}: {ext} bytes differ between runs"
                );
            }
            let files = read_bundle(&out);
            for name in [
                "manifest.json",
                "timeline.jsonl",
                "signatures.json",
                "summary.md",
                "summary.jira.txt",
                "report.html",
                "SHA256SUMS",
            ] {
                assert!(
                    files.contains_key(name),
                    "{name} missing from {}",
                    out.display()
                );
            }
            assert!(files.keys().any(|k| k.starts_with("excerpts/")));
            // Every event trace finds is in the timeline.
            let tl: BTreeSet<(String, u64)> = String::from_utf8_lossy(&files["timeline.jsonl"])
                .lines()
                .map(|l| {
                    let v: Value = serde_json::from_str(l).unwrap();
                    (
                        v["source"].as_str().unwrap().to_string(),
                        v["line"].as_u64().unwrap(),
                    )
                })
                .collect();
            assert_eq!(tl, want, "{id}: bundle timeline != trace");
            // No secret anywhere: files, stdout, stderr.
            for (name, bytes) in &files {
                let text = String::from_utf8_lossy(bytes);
                for s in &secrets {
                    assert!(!text.contains(s.as_str()), "{id}: secret {s} in {name}");
                }
            }
            for s in &secrets {
                assert!(
                    !r.stdout.contains(s.as_str()) && !r.stderr.contains(s.as_str()),
                    "secret on the terminal"
                );
            }
            // sha256sum -c and verify.
            let check = tmp.path().join(format!("check{k}"));
            for (name, bytes) in &files {
                let p = check.join(name);
                std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                std::fs::write(p, bytes).unwrap();
            }
            let s = std::process::Command::new("sha256sum")
                .args(["-c", "--quiet", "SHA256SUMS"])
                .current_dir(&check)
                .status()
                .unwrap();
            assert!(s.success(), "sha256sum -c failed for {id}");
            let v = run(&dir, &["verify", o], "1700000000");
            assert_eq!(v.code, 0, "{}", v.stdout);
            validate_manifest(&files["manifest.json"]);
            // The HTML loads nothing from anywhere.
            let html = String::from_utf8_lossy(&files["report.html"]);
            for bad in [
                "src=\"http",
                "href=\"http",
                "src='http",
                "@import",
                "url(http",
            ] {
                assert!(!html.contains(bad), "report.html references {bad}");
            }
            let m: Value = serde_json::from_slice(&files["manifest.json"]).unwrap();
            assert_eq!(m["redaction"]["enabled"], true);
            assert_eq!(m["created"], "2023-11-14T22:13:20.000Z");
        }
    }
}

#[test]
fn verify_finds_damage_and_says_what() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("b");
    let r = run(
        &fixtures().join("checkout"),
        &[
            "bundle",
            "ee23490f28307d7b",
            "logs",
            "-o",
            out.to_str().unwrap(),
        ],
        "0",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(run(tmp.path(), &["verify", "b"], "0").code, 0);
    std::fs::write(out.join("summary.md"), "edited").unwrap();
    let v = run(tmp.path(), &["verify", "b"], "0");
    assert_eq!(v.code, 1, "{}", v.stdout);
    assert!(
        v.stdout.contains("summary.md: checksum mismatch"),
        "{}",
        v.stdout
    );
    std::fs::write(out.join("extra.txt"), "x").unwrap();
    let v = run(tmp.path(), &["verify", "b"], "0");
    assert_eq!(v.code, 1, "{}", v.stdout);
    assert!(
        v.stdout.contains("summary.md: checksum mismatch"),
        "{}",
        v.stdout
    );
    assert!(
        v.stdout.contains("extra.txt: not covered by SHA256SUMS"),
        "{}",
        v.stdout
    );
    let v = run(tmp.path(), &["verify", "nope.tar.gz"], "0");
    assert_eq!(v.code, 2);
    assert!(v.stderr.contains("cannot read the bundle"), "{}", v.stderr);
    // Something that is not a bundle at all (a log directory) is said to be so, exit 2, not
    // "DAMAGED".
    let v = run(&fixtures().join("checkout"), &["verify", "logs"], "0");
    assert_eq!(v.code, 2, "{}{}", v.stdout, v.stderr);
    assert!(
        v.stderr
            .contains("logs: not a casefile bundle (no manifest.json, no SHA256SUMS)"),
        "{}",
        v.stderr
    );
    assert!(!v.stdout.contains("DAMAGED"), "{}", v.stdout);
}

/// A `.tar.gz` or `.zip` holding `files` (as `read_bundle` returns them), written the plain way
/// an archiver would: to damage a bundle by hand, the way a user does after unpacking it.
fn write_archive(to: &Path, files: &BTreeMap<String, Vec<u8>>) {
    let out = std::fs::File::create(to).unwrap();
    if to.to_string_lossy().ends_with(".zip") {
        let mut z = zip::ZipWriter::new(out);
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in files {
            z.start_file(name.as_str(), opts).unwrap();
            std::io::Write::write_all(&mut z, bytes).unwrap();
        }
        z.finish().unwrap();
    } else {
        let gz = flate2::write::GzEncoder::new(out, flate2::Compression::default());
        let mut t = tar::Builder::new(gz);
        for (name, bytes) in files {
            let mut h = tar::Header::new_gnu();
            h.set_size(bytes.len() as u64);
            h.set_mode(0o644);
            h.set_mtime(0);
            h.set_cksum();
            t.append_data(&mut h, name, &bytes[..]).unwrap();
        }
        t.into_inner().unwrap().finish().unwrap();
    }
}

/// A bundle of the checkout request in each format: (name, path).
fn three_bundles(tmp: &Path) -> Vec<(&'static str, PathBuf)> {
    let mut v = Vec::new();
    for name in ["b.tar.gz", "b.zip", "b"] {
        let out = tmp.join(name);
        let r = run(
            &fixtures().join("checkout"),
            &[
                "bundle",
                "ee23490f28307d7b",
                "logs",
                "-o",
                out.to_str().unwrap(),
            ],
            "0",
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        v.push((name, out));
    }
    v
}

/// Write `files` as the bundle `name` (an archive, or a directory) under `dir`.
fn write_bundle(dir: &Path, name: &str, files: &BTreeMap<String, Vec<u8>>) {
    let to = dir.join(name);
    if name.ends_with(".tar.gz") || name.ends_with(".zip") {
        write_archive(&to, files);
    } else {
        for (n, b) in files {
            let p = to.join(n);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, b).unwrap();
        }
    }
}

/// A file missing from a bundle (directory, .tar.gz, .zip): exit 1, the file named.
#[test]
fn verify_missing_file_exits_1_and_names_it() {
    let tmp = tempfile::tempdir().unwrap();
    for (name, out) in three_bundles(tmp.path()) {
        let mut files = read_bundle(&out);
        // Control: the same files rewritten by hand verify clean.
        let copy = format!("intact-{name}");
        write_bundle(tmp.path(), &copy, &files);
        let v = run(tmp.path(), &["verify", &copy], "0");
        assert_eq!(v.code, 0, "{copy}: {}{}", v.stdout, v.stderr);
        assert!(
            v.stdout.contains(&format!("{copy}: OK (11 files)")),
            "{}",
            v.stdout
        );

        assert!(files.remove("timeline.jsonl").is_some());
        let damaged = format!("missing-{name}");
        write_bundle(tmp.path(), &damaged, &files);
        let v = run(tmp.path(), &["verify", &damaged], "0");
        assert_eq!(v.code, 1, "{damaged}: {}{}", v.stdout, v.stderr);
        assert!(
            v.stdout.contains(&format!(
                "{damaged}: DAMAGED: timeline.jsonl: listed in SHA256SUMS but missing"
            )),
            "{}",
            v.stdout
        );
        assert!(
            v.stdout
                .contains("timeline.jsonl: listed in manifest.json but missing"),
            "{}",
            v.stdout
        );
        assert!(!v.stdout.contains(": OK"), "{}", v.stdout);
    }
}

/// A file added to a bundle (directory, .tar.gz, .zip): exit 1, the file named.
#[test]
fn verify_extra_file_exits_1_and_names_it() {
    let tmp = tempfile::tempdir().unwrap();
    for (name, out) in three_bundles(tmp.path()) {
        let mut files = read_bundle(&out);
        files.insert("excerpts/notes.txt".into(), b"added later\n".to_vec());
        let damaged = format!("extra-{name}");
        write_bundle(tmp.path(), &damaged, &files);
        let v = run(tmp.path(), &["verify", &damaged], "0");
        assert_eq!(v.code, 1, "{damaged}: {}{}", v.stdout, v.stderr);
        assert_eq!(
            v.stdout.trim_end(),
            format!(
                "{damaged}: DAMAGED: excerpts/notes.txt: not covered by SHA256SUMS (added after the bundle was made)"
            ),
        );
    }
}

/// An archive that cannot be read (damaged compressed data, cut short, not an archive): exit 2,
/// the archive named on stderr, nothing on stdout.
#[test]
fn verify_corrupted_archive_exits_2_and_names_it() {
    let tmp = tempfile::tempdir().unwrap();
    let bundles = three_bundles(tmp.path());
    let mut cases: Vec<(String, Vec<u8>)> = Vec::new();
    for (name, out) in &bundles[..2] {
        let bytes = std::fs::read(out).unwrap();
        // Bytes overwritten in the middle of the compressed data.
        let mut flipped = bytes.clone();
        let mid = bytes.len() / 2;
        for b in &mut flipped[mid..mid + 64] {
            *b ^= 0xa5;
        }
        cases.push((format!("flipped-{name}"), flipped));
        // Cut short, as by an interrupted copy.
        cases.push((format!("cut-{name}"), bytes[..bytes.len() / 2].to_vec()));
    }
    cases.push(("text.tar.gz".into(), b"not an archive\n".to_vec()));
    cases.push(("text.zip".into(), b"not an archive\n".to_vec()));
    for (name, bytes) in cases {
        std::fs::write(tmp.path().join(&name), bytes).unwrap();
        let v = run(tmp.path(), &["verify", &name], "0");
        assert_eq!(v.code, 2, "{name}: {}{}", v.stdout, v.stderr);
        assert!(
            v.stderr
                .contains(&format!("casefile: error: cannot read the bundle {name}: ")),
            "{name}: {}",
            v.stderr
        );
        assert!(v.stdout.is_empty(), "{name}: {}", v.stdout);
    }
}

#[test]
fn unredacted_is_explicit_and_caps_are_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("case.tar.gz");
    let dir = fixtures().join("checkout");
    let r = run(
        &dir,
        &[
            "bundle",
            "ee23490f28307d7b",
            "logs",
            "-o",
            out.to_str().unwrap(),
            "--no-redact",
        ],
        "0",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let real = tmp.path().join("case.unredacted.tar.gz");
    assert!(real.exists(), "the file name says unredacted");
    let files = read_bundle(&real);
    let m: Value = serde_json::from_slice(&files["manifest.json"]).unwrap();
    assert_eq!(m["redaction"]["enabled"], false);
    assert!(String::from_utf8_lossy(&files["summary.md"]).contains("UNREDACTED"));

    let out = tmp.path().join("cut");
    let r = run(
        &dir,
        &[
            "bundle",
            "ee23490f28307d7b",
            "logs",
            "-o",
            out.to_str().unwrap(),
            "--max-events",
            "2",
        ],
        "0",
    );
    assert_eq!(r.code, 0);
    let files = read_bundle(&out);
    assert_eq!(
        String::from_utf8_lossy(&files["timeline.jsonl"])
            .lines()
            .count(),
        2
    );
    assert!(String::from_utf8_lossy(&files["summary.md"]).contains("only the first 2 of 6 events"));
    let m: Value = serde_json::from_slice(&files["manifest.json"]).unwrap();
    assert_eq!(m["query"]["truncated"], true);
}

#[test]
fn summary_names_failure_reproduction_and_command() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("s");
    let dir = fixtures().join("checkout");
    let r = run(
        &dir,
        &[
            "bundle",
            "ee23490f28307d7b",
            "logs",
            "-o",
            out.to_str().unwrap(),
        ],
        "0",
    );
    assert_eq!(r.code, 0);
    let files = read_bundle(&out);
    let md = String::from_utf8_lossy(&files["summary.md"]);
    assert!(
        md.contains("**What failed:** edge reported `POST /api/v1/orders 502`"),
        "{md}"
    );
    assert!(
        md.contains("payments.errors.CardDeclined: card declined (code 51)"),
        "first error stack"
    );
    assert!(
        md.contains(
            "curl -X POST \"https://${HOST:?set HOST to the service host}/api/v1/orders\" \
             -H \"User-Agent: acme-mobile/4.3\" -H \"X-Request-Id: ee23490f28307d7b\"\n"
        ),
        "{md}"
    );
    assert!(
        md.contains("casefile bundle ee23490f28307d7b logs -o"),
        "{md}"
    );
    let jira = String::from_utf8_lossy(&files["summary.jira.txt"]);
    assert!(jira.starts_with("h1. Evidence: request ee23490f28307d7b"));
    assert!(jira.contains("{noformat}"));
    let excerpt = String::from_utf8_lossy(&files["excerpts/logs__payments__payments.log.txt"]);
    assert!(excerpt.contains("   1607 > "), "{excerpt}");
    assert!(
        excerpt.contains("   1604   "),
        "context lines before the event"
    );
}

/// The bundle's own report.html, in headless Chromium: the script runs, every service has a
/// lane, and nothing is printed to the console (skipped where Chromium is absent; CI installs it).
#[test]
fn report_html_renders_every_lane_in_chromium() {
    let chromium = chromium_binary();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("b");
    let r = run(
        &fixtures().join("checkout"),
        &[
            "bundle",
            "ee23490f28307d7b",
            "logs",
            "-o",
            out.to_str().unwrap(),
            "--window",
            "100ms",
        ],
        "0",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let m: Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let services: Vec<String> = m["counts"]["by_service"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert!(services.len() >= 4);
    let url = format!("file://{}", out.join("report.html").display());
    let o = std::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--virtual-time-budget=2000",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!(
            "--user-data-dir={}",
            tmp.path().join("profile").display()
        ))
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&o.stdout);
    let log = String::from_utf8_lossy(&o.stderr);
    assert!(
        dom.contains("data-ready=\"1\""),
        "the page's script did not finish"
    );
    for s in &services {
        assert!(
            dom.contains(&format!("data-lane=\"{s}\"")),
            "no lane for {s}"
        );
    }
    let console: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("CONSOLE") || l.contains("Uncaught"))
        .collect();
    assert!(console.is_empty(), "console output: {console:?}");
}

#[test]
fn custom_redactions_from_flag_and_config_file() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = tmp.path().join("casefile.toml");
    std::fs::write(
        &cfg,
        "[redaction]\ncustom = [\"orderno=order_id=([0-9]+)\"]\n",
    )
    .unwrap();
    let out = tmp.path().join("r");
    let dir = fixtures().join("checkout");
    let r = run(
        &dir,
        &[
            "bundle",
            "ee23490f28307d7b",
            "logs",
            "-o",
            out.to_str().unwrap(),
            "--config",
            cfg.to_str().unwrap(),
            "--redact",
            "ua=acme-mobile/[0-9.]+",
        ],
        "0",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let files = read_bundle(&out);
    let tl = String::from_utf8_lossy(&files["timeline.jsonl"]);
    assert!(
        !tl.contains("order_id=177741"),
        "config-file pattern applied"
    );
    assert!(tl.contains("order_id=<custom:orderno:"), "{tl}");
    assert!(!tl.contains("acme-mobile/"), "flag pattern applied");
    let m: Value = serde_json::from_slice(&files["manifest.json"]).unwrap();
    assert!(
        m["redaction"]["counts"]["custom:orderno"].as_u64().unwrap() > 0,
        "{}",
        m["redaction"]
    );
    let r = run(
        &dir,
        &[
            "bundle",
            "x",
            "logs",
            "-o",
            tmp.path().join("never").to_str().unwrap(),
            "--redact",
            "noequals",
        ],
        "0",
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("NAME=REGEX"), "{}", r.stderr);
    assert!(!tmp.path().join("never").exists(), "nothing written");
}

/// Issue 16 ("the first hour"): an id found nowhere used to give an empty bundle and exit 0 (a
/// typo became a Jira attachment). Now nothing is written, exit 1, and stderr says what was
/// searched and what to do next; `--allow-empty` writes the empty bundle, still exit 1.
#[test]
fn bundle_of_an_id_found_nowhere_writes_nothing_and_says_why() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = fixtures().join("checkout");
    let out = tmp.path().join("case.tar.gz");
    let o = out.to_str().unwrap();
    for extra in [&[][..], &["--json"][..], &["--window", "2s"][..]] {
        let mut args = vec!["bundle", "abc", "logs", "-o", o];
        args.extend_from_slice(extra);
        let r = run(&dir, &args, "0");
        assert_eq!(r.code, 1, "{extra:?}: {}", r.stderr);
        assert_eq!(r.stdout, "", "{extra:?}");
        assert_eq!(
            r.stderr,
            "casefile: bundle: no event holds 'abc' as a whole token in 8 source(s); nothing \
             written. Check the id (casefile events logs --grep abc), or give --allow-empty to \
             write an empty bundle anyway\n",
            "{extra:?}"
        );
        assert!(!out.exists(), "{extra:?}: nothing written");
        assert!(!tmp.path().join("case.tar.gz.partial").exists());
    }
    // Two ids, none found, a time range: all named.
    let r = run(
        &dir,
        &[
            "bundle",
            "abc",
            "logs",
            "--id",
            "def",
            "--since",
            "2026-11-28T22:00:00Z",
            "-o",
            o,
        ],
        "0",
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(
        r.stderr.lines().last().unwrap(),
        "casefile: bundle: no event holds any of 'abc', 'def' as a whole token in 8 source(s) \
         between --since and --until; nothing written. Check the id (casefile events logs \
         --grep abc), or give --allow-empty to write an empty bundle anyway"
    );
    assert!(!out.exists());

    let r = run(
        &dir,
        &["bundle", "abc", "logs", "-o", o, "--allow-empty", "--json"],
        "0",
    );
    assert_eq!(r.code, 1, "nothing found, even when written: {}", r.stderr);
    let s = r.json();
    assert_eq!(s["events"], 0);
    assert_eq!(s["context"], 0);
    let files = read_bundle(&out);
    assert_eq!(s["files"], files.len());
    assert_eq!(files["timeline.jsonl"], b"");
    let m: Value = serde_json::from_slice(&files["manifest.json"]).unwrap();
    assert_eq!(m["counts"]["events"], 0);
    assert_eq!(m["query"]["ids"][0], "abc", "{}", m["query"]);
    let v = casefile(tmp.path(), &["verify", "case.tar.gz"]);
    assert_eq!(v.code, 0, "{}", v.stdout);
}

/// Issue 16: `-o` is checked before any log is read (a config error, exit 2, naming the path
/// and the fix): `-o out.tar` used to become a directory `out.tar` after the whole search. The
/// log path does not exist, so any reading would have added its own error line.
#[test]
fn bundle_output_is_checked_before_reading() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let id = "ee23490f28307d7b";
    let refused = |o: &str, why: &str| {
        let r = run(d, &["bundle", id, "no-such-logs", "-o", o], "0");
        assert_eq!(r.code, 2, "{o}: {}", r.stderr);
        assert_eq!(r.stdout, "");
        assert_eq!(
            r.stderr,
            format!("casefile: error: writing output: cannot write the bundle {o}: {why}\n"),
            "{o}"
        );
    };
    let accepted = ".tar.gz, .tgz, .zip or a new directory";
    refused(
        "out.tar",
        &format!("casefile writes a bundle as {accepted}, not .tar; use e.g. -o out.tar.gz"),
    );
    refused(
        "out.gz",
        &format!("casefile writes a bundle as {accepted}, not .gz; use e.g. -o out.tar.gz"),
    );
    refused(
        "out.tar.zst",
        &format!("casefile writes a bundle as {accepted}, not .tar.zst; use e.g. -o out.tar.gz"),
    );
    refused(
        "case.json",
        &format!(
            "casefile writes a bundle as {accepted} (a name without an extension), not .json; \
             use e.g. -o case.tar.gz or -o case"
        ),
    );
    refused(
        "/no/such/dir/case.tar.gz",
        "the directory /no/such/dir does not exist; create it first (mkdir -p /no/such/dir)",
    );
    // Checked as given, before `--no-redact` adds `.unredacted`.
    let r = run(
        d,
        &[
            "bundle",
            id,
            "no-such-logs",
            "-o",
            "case.json",
            "--no-redact",
        ],
        "0",
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("not .json"), "{}", r.stderr);
    // An existing file, or a non-empty directory: refused, --force named.
    std::fs::write(d.join("old.zip"), "precious\n").unwrap();
    refused(
        "old.zip",
        "it already exists, and casefile never replaces a file; choose a new -o, or remove it \
         first: rm old.zip\n  or give --force to replace it",
    );
    std::fs::create_dir(d.join("notes")).unwrap();
    std::fs::write(d.join("notes/keep.txt"), "precious\n").unwrap();
    refused(
        "notes",
        "notes exists and is not empty; choose a new -o, or remove it first",
    );
    assert_eq!(std::fs::read_dir(d).unwrap().count(), 2, "nothing written");
}

/// Issue 16: what `-o` writes to. A name without an extension is a new directory, an existing
/// empty directory is filled, and `--force` replaces a file or an earlier bundle (never a
/// directory casefile did not write).
#[test]
fn bundle_output_directories_and_force() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let dir = fixtures().join("checkout");
    let id = "ee23490f28307d7b";
    let bundle = |o: &Path, extra: &[&str]| {
        let mut args = vec!["bundle", id, "logs", "-o", o.to_str().unwrap()];
        args.extend_from_slice(extra);
        run(&dir, &args, "0")
    };
    let case = d.join("case");
    assert_eq!(bundle(&case, &[]).code, 0);
    assert!(case.join("manifest.json").is_file(), "a new directory");
    let timeline = |p: &Path| String::from_utf8(read_bundle(p)["timeline.jsonl"].clone()).unwrap();
    let first = timeline(&case);
    assert_eq!(first.lines().count(), 6);
    // An earlier bundle: refused without --force, replaced with it.
    let r = bundle(&case, &["--max-events", "2"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .ends_with("remove it first\n  or give --force to replace it\n"),
        "{}",
        r.stderr
    );
    assert_eq!(timeline(&case), first, "unchanged");
    let r = bundle(&case, &["--max-events", "2", "--force"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(timeline(&case).lines().count(), 2, "replaced");
    assert!(!d.join("case.partial").exists());
    let v = casefile(d, &["verify", "case"]);
    assert_eq!(v.code, 0, "{}", v.stdout);
    // An existing file: replaced with --force.
    let zip = d.join("case.zip");
    std::fs::write(&zip, "precious\n").unwrap();
    assert_eq!(bundle(&zip, &[]).code, 2);
    assert_eq!(std::fs::read_to_string(&zip).unwrap(), "precious\n");
    let r = bundle(&zip, &["--force"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(timeline(&zip), first, "the bundle, as a zip");
    assert!(!d.join("case.zip.partial").exists());
    // A symbolic link: --force replaces the link itself, never what it points at.
    #[cfg(unix)]
    {
        let victim = d.join("victim.txt");
        std::fs::write(&victim, "precious\n").unwrap();
        let link = d.join("link.tar.gz");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        assert_eq!(bundle(&link, &[]).code, 2);
        let r = bundle(&link, &["--force"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(std::fs::symlink_metadata(&link).unwrap().is_file());
        assert_eq!(timeline(&link), first);
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
    }
    // An existing empty directory: filled, no --force needed.
    let empty = d.join("empty");
    std::fs::create_dir(&empty).unwrap();
    assert_eq!(bundle(&empty, &[]).code, 0);
    assert_eq!(timeline(&empty), first);
    // A directory casefile did not write: never removed, even with --force.
    let notes = d.join("notes");
    std::fs::create_dir(&notes).unwrap();
    std::fs::write(notes.join("keep.txt"), "precious\n").unwrap();
    let r = bundle(&notes, &["--force"]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        format!(
            "casefile: error: writing output: cannot write the bundle {0}: {0} is a directory \
             that is not a casefile bundle (no manifest.json and SHA256SUMS, or files a bundle \
             never has), and --force replaces only a file or a bundle; choose a new -o\n",
            notes.display()
        )
    );
    assert_eq!(
        std::fs::read_to_string(notes.join("keep.txt")).unwrap(),
        "precious\n"
    );
}

/// Issue 16: `bundle --json` prints the manifest summary as one JSON object (it was accepted and
/// ignored); every figure agrees with the bundle's manifest.
#[test]
fn bundle_json_prints_the_summary() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = fixtures().join("checkout");
    let out = tmp.path().join("case.tar.gz");
    let o = out.to_str().unwrap();
    let r = run(
        &dir,
        &["bundle", "ee23490f28307d7b", "logs", "-o", o, "--json"],
        "0",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout.lines().count(), 1, "{}", r.stdout);
    let files = read_bundle(&out);
    assert_eq!(
        r.json(),
        serde_json::json!({
            "out": o,
            "files": files.len(),
            "events": 6,
            "context": 0,
            "redacted": true,
            "redactions": {"email": 1, "jwt": 1},
            "verify": format!("casefile verify {o}"),
        })
    );
    let m: Value = serde_json::from_slice(&files["manifest.json"]).unwrap();
    assert_eq!(m["redaction"]["counts"], r.json()["redactions"]);
    // With context and without redaction: the unredacted name, the context counted apart.
    let out = tmp.path().join("with context.zip");
    let r = run(
        &dir,
        &[
            "bundle",
            "ee23490f28307d7b",
            "logs",
            "-o",
            out.to_str().unwrap(),
            "--window",
            "100ms",
            "--no-redact",
            "--json",
        ],
        "0",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let s = r.json();
    let real = tmp.path().join("with context.unredacted.zip");
    let m: Value = serde_json::from_slice(&read_bundle(&real)["manifest.json"]).unwrap();
    assert_eq!(s["out"], real.to_str().unwrap());
    assert_eq!(s["events"], 6);
    assert_eq!(s["context"], m["counts"]["context_events"]);
    assert!(s["context"].as_u64().unwrap() > 0, "{s}");
    assert_eq!(s["redacted"], false);
    assert_eq!(s["redactions"], serde_json::json!({}));
    assert_eq!(
        s["verify"],
        format!("casefile verify '{}'", real.display()),
        "quoted for the shell"
    );
}
