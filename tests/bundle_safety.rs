//! Issue 17, "Output files": a bundle is safe to make from hostile logs and safe to check when
//! it comes from someone else. Log text never becomes live markup in `summary.md` or
//! `summary.jira.txt`; bidi and control characters are shown, not obeyed; `bundle -o` never
//! writes through a symbolic link or over an existing file; a bundle inside a log folder is not
//! read back as logs; excerpt names never collide; `verify` refuses entries a bundle never has
//! and reads in bounded memory; excerpts are redacted before they are cut; a `--redact` pattern
//! never reaches the recorded command. Every hostile input is built here.

mod common;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::Path;

use common::*;
use serde_json::Value;

const ID: &str = "abc123def456";
const T: &str = "2026-11-28 22:00:00";

fn run(dir: &Path, args: &[&str]) -> Run {
    casefile_env(dir, args, None, &[("SOURCE_DATE_EPOCH", "0")])
}

/// A folder `logs/` under a new temporary directory, with `files` (path under logs -> text).
fn logs(files: &[(&str, String)]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for (p, text) in files {
        let p = tmp.path().join("logs").join(p);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    tmp
}

fn line(ms: u32, level: &str, text: &str) -> String {
    format!("{T},{ms:03} {level} payments.api [trace={ID}] {text}\n")
}

/// Every file of a bundle directory, by path.
fn read_dir_bundle(p: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    for e in walkdir::WalkDir::new(p) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e.path().strip_prefix(p).unwrap().to_string_lossy();
            files.insert(rel.into_owned(), std::fs::read(e.path()).unwrap());
        }
    }
    files
}

fn text(files: &BTreeMap<String, Vec<u8>>, name: &str) -> String {
    String::from_utf8(files[name].clone()).unwrap()
}

fn sha8(s: &str) -> String {
    use sha2::Digest;
    let d = sha2::Sha256::digest(s.as_bytes());
    d.iter().take(4).map(|b| format!("{b:02x}")).collect()
}

/// Markdown and Jira markup in one log line (under the 160 characters the timeline shows).
const HOSTILE: &str = "[a](http://e.test) ![i](p.png) <script>x</script> <http://e.test> \
www.e.test a|b ``` `x` {code}{noformat}[t|http://e.test]{{m}}!i.png! *b*";

/// Markdown and Jira markup in a log line, and a file name with a newline and markup in it,
/// stay text: code spans and fences outlast the backticks inside, `|` is escaped in cells,
/// `{noformat}`/`{code}` cannot close their block, links/images/macros/autolinks are escaped.
#[test]
fn markup_in_log_text_and_file_names_stays_text() {
    let name = "pay/x\n# owned [a](javascript:alert(1)) |.log";
    let tmp = logs(&[(
        name,
        line(60, "INFO", "charge requested")
            + &line(70, "ERROR", HOSTILE)
            + "```\n{noformat}\n# heading {code}\n",
    )]);
    let r = run(tmp.path(), &["bundle", ID, "logs", "-o", "out"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let files = read_dir_bundle(&tmp.path().join("out"));
    validate_manifest(&files["manifest.json"]);
    let md = text(&files, "summary.md");
    // The service comes from the file name here: hostile too.
    let svc = r"x\x0a# owned \[a\](javascript:alert(1)) \|";
    let want = [
        // A code span one backtick longer than the longest run inside; the location as text.
        format!(
            "**What failed:** {svc} reported ````[trace={ID}] {HOSTILE}```` at \
             2026-11-28T22:00:00.070Z (logs/pay/x\\x0a# owned \\[a\\](javascript:alert(1)) \\|.log:2).\n"
        ),
        // The stack: a fence one backtick longer than the longest run inside.
        format!(
            "`logs/pay/x\\x0a# owned [a](javascript:alert(1)) |.log:2` ({svc})\n\n\
             ````\n{T},070 ERROR payments.api [trace={ID}] {HOSTILE}\n\
             ```\n{{noformat}}\n# heading {{code}}\n````\n"
        ),
        // Text in a table cell: every markup character escaped, `|` included.
        format!(
            "| 2026-11-28T22:00:00.070Z | {svc} | error | \\[trace={ID}\\] \\[a\\](http\\://e.test) \
             \\!\\[i\\](p.png) \\<script\\>x\\</script\\> \\<http\\://e.test\\> www\\.e.test \
             a\\|b \\`\\`\\` \\`x\\` {{code}}{{noformat}}\\[t\\|http\\://e.test\\]{{{{m}}}}\\!i.png\\! \
             \\*b\\* |\n"
        ),
        // A template in a table cell: a code span with `\|`.
        format!(
            "| ````[trace=<HEX>] [<URL>) ![i](p.png) <script>x</script> <<URL>> www.e.test \
             a\\|b ``` `x` {{<URL>! *b*```` | {svc} |\n"
        ),
    ];
    for w in &want {
        assert!(md.contains(w.as_str()), "want:\n{w}\nin:\n{md}");
    }
    // Nothing from the log starts a line outside a fence.
    assert!(!md.contains("\n# owned"), "{md}");

    let jira = text(&files, "summary.jira.txt");
    let want = [
        format!(
            "*What failed:* {svc} reported {{{{\\[trace={ID}\\] \\[a\\](http://e.test) \\!\\[i\\](p.png) \
             <script>x</script> <http://e.test> www.e.test a\\|b ``` `x` \
             \\{{code\\}}\\{{noformat\\}}\\[t\\|http://e.test\\]\\{{\\{{m\\}}\\}}\\!i.png\\! \\*b\\*}}}} at \
             2026-11-28T22:00:00.070Z (logs/pay/x\\x0a# owned \\[a\\](javascript:alert(1)) \\|.log:2)\n"
        ),
        format!(
            "\nlogs/pay/x\\x0a# owned \\[a\\](javascript:alert(1)) \\|.log:2\n{{noformat}}\n\
             {T},070 ERROR payments.api [trace={ID}] [a](http://e.test) ![i](p.png) \
             <script>x</script> <http://e.test> www.e.test a|b ``` `x` \
             {{ code}}{{ noformat}}[t|http://e.test]{{{{m}}}}!i.png! *b*\n```\n{{ noformat}}\n\
             # heading {{ code}}\n{{noformat}}\n"
        ),
    ];
    for w in &want {
        assert!(jira.contains(w.as_str()), "want:\n{w}\nin:\n{jira}");
    }
    // Unescaped macros: one {noformat} block, one {code} block (the command), ours.
    let live = |m: &str| {
        jira.match_indices(m)
            .filter(|(i, _)| !jira[..*i].ends_with('\\'))
            .count()
    };
    assert_eq!(live("{noformat"), 2, "{jira}");
    assert_eq!(live("{code"), 2, "{jira}");
    // The excerpt's header names the source on one line.
    let (_, excerpt) = files
        .iter()
        .find(|(k, _)| k.starts_with("excerpts/"))
        .unwrap();
    assert!(
        String::from_utf8_lossy(excerpt)
            .starts_with("# logs/pay/x\\x0a# owned [a](javascript:alert(1)) |.log\n"),
        "{}",
        String::from_utf8_lossy(excerpt)
    );
}

/// Bidi overrides and isolates, ESC, BEL and C1 controls are shown as `\u{202e}`, `\x1b` in both
/// summaries and in report.html, never written as they are.
#[test]
fn bidi_and_control_characters_are_shown() {
    let tmp = logs(&[(
        "pay/payments.log",
        line(
            70,
            "ERROR",
            "file invoice\u{202e}fdp.exe \u{2066}x\u{2069} \u{1b}[2J\u{7}\u{85}\u{9b}31m done",
        ),
    )]);
    let r = run(tmp.path(), &["bundle", ID, "logs", "-o", "out"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let files = read_dir_bundle(&tmp.path().join("out"));
    for (name, shown) in [
        (
            "summary.md",
            r"file invoice\u{202e}fdp.exe \u{2066}x\u{2069} \x1b[2J\x07\x85\x9b31m done",
        ),
        (
            "summary.jira.txt",
            r"file invoice\u{202e}fdp.exe \u{2066}x\u{2069} \x1b\[2J\x07\x85\x9b31m done",
        ),
        // C0 controls as their Unicode control pictures, as report.html always did.
        (
            "report.html",
            r"file invoice\u{202e}fdp.exe \u{2066}x\u{2069} ␛[2J␇\x85\x9b31m done",
        ),
    ] {
        let t = text(&files, name);
        for c in [
            '\u{202e}', '\u{2066}', '\u{2069}', '\u{1b}', '\u{7}', '\u{85}', '\u{9b}',
        ] {
            assert!(!t.contains(c), "{name} holds {c:?} as it is");
        }
        assert!(t.contains(shown), "{name}: {t}");
    }
}

/// `-o` at a symbolic link (file or directory), or a symbolic link planted at `<out>.partial`:
/// refused with the fix, and the link's target is untouched.
#[cfg(unix)]
#[test]
fn bundle_never_writes_through_a_symlink() {
    let tmp = logs(&[("pay/payments.log", line(70, "ERROR", "declined"))]);
    let d = tmp.path();
    let victim = d.join("victim.txt");
    std::fs::write(&victim, "precious\n").unwrap();
    let victim_dir = d.join("victim-dir");
    std::fs::create_dir(&victim_dir).unwrap();
    std::os::unix::fs::symlink(&victim, d.join("link.tar.gz")).unwrap();
    std::os::unix::fs::symlink(&victim_dir, d.join("linkdir")).unwrap();
    for out in ["link.tar.gz", "linkdir", "linkdir/"] {
        let r = run(d, &["bundle", ID, "logs", "-o", out]);
        assert_eq!(r.code, 2, "{out}: {}", r.stderr);
        assert_eq!(
            r.stderr.lines().next().unwrap(),
            format!(
                "casefile: error: writing output: cannot write the bundle {out}: it is a symbolic link, and \
                 casefile never writes through one (it can point at a file that is not the \
                 bundle's to replace); choose a new -o, or remove the link first: rm {out}"
            )
        );
    }
    // The temporary file of an archive: a link planted there is not followed.
    for out in ["case.tar.gz", "case.zip"] {
        std::os::unix::fs::symlink(&victim, d.join(format!("{out}.partial"))).unwrap();
        let r = run(d, &["bundle", ID, "logs", "-o", out]);
        assert_eq!(r.code, 2, "{out}: {}", r.stderr);
        assert_eq!(
            r.stderr.lines().next().unwrap(),
            format!(
                "casefile: error: writing output: cannot write the bundle {out}: {out}.partial exists (left by an \
                 interrupted run, or put there by someone else), and casefile never writes \
                 through it; remove it first: rm {out}.partial"
            )
        );
        assert!(!d.join(out).exists());
    }
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
    assert_eq!(std::fs::read_dir(&victim_dir).unwrap().count(), 0);
    // With the link gone, the same command works and leaves no `.partial` behind.
    std::fs::remove_file(d.join("case.zip.partial")).unwrap();
    let r = run(d, &["bundle", ID, "logs", "-o", "case.zip"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(d.join("case.zip").is_file());
    assert!(std::fs::symlink_metadata(d.join("case.zip.partial")).is_err());
}

/// An existing file at `-o` (any format), or a non-empty directory: refused with the fix, the
/// file unchanged.
#[test]
fn bundle_never_replaces_an_existing_file() {
    let tmp = logs(&[("pay/payments.log", line(70, "ERROR", "declined"))]);
    let d = tmp.path();
    for out in ["case.tar.gz", "case.zip", "case"] {
        std::fs::write(d.join(out), "precious\n").unwrap();
        let r = run(d, &["bundle", ID, "logs", "-o", out]);
        assert_eq!(r.code, 2, "{out}: {}", r.stderr);
        let why = if out == "case" {
            "it exists and is not a directory; choose a new -o, or remove it first: rm case"
                .to_string()
        } else {
            format!(
                "it already exists, and casefile never replaces a file; choose a new -o, or \
                 remove it first: rm {out}"
            )
        };
        assert_eq!(
            r.stderr.lines().next().unwrap(),
            format!("casefile: error: writing output: cannot write the bundle {out}: {why}")
        );
        assert_eq!(std::fs::read_to_string(d.join(out)).unwrap(), "precious\n");
        std::fs::remove_file(d.join(out)).unwrap();
    }
    std::fs::create_dir(d.join("full")).unwrap();
    std::fs::write(d.join("full/keep.txt"), "precious\n").unwrap();
    let r = run(d, &["bundle", ID, "logs", "-o", "full"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        r.stderr.lines().next().unwrap(),
        "casefile: error: writing output: cannot write the bundle full: full exists and is not empty; choose a \
         new -o, or remove it first"
    );
    assert_eq!(std::fs::read_dir(d.join("full")).unwrap().count(), 1);
}

/// `-o` with an archive name casefile does not write (`case.tar`, `case.tar.xz`) is refused
/// with the name to use, and nothing is written (it used to become a directory `case.tar`).
#[test]
fn bundle_refuses_archive_names_it_does_not_write() {
    let tmp = logs(&[("pay/payments.log", line(70, "ERROR", "declined"))]);
    let d = tmp.path();
    for (out, ext, fix) in [
        ("case.tar", ".tar", "out/case.tar.gz"),
        ("case.tar.xz", ".tar.xz", "out/case.tar.gz"),
    ] {
        std::fs::create_dir_all(d.join("out")).unwrap();
        let o = format!("out/{out}");
        let r = run(d, &["bundle", ID, "logs", "-o", &o]);
        assert_eq!(r.code, 2, "{out}: {}", r.stderr);
        assert_eq!(
            r.stderr.lines().next().unwrap(),
            format!(
                "casefile: error: writing output: cannot write the bundle {o}: casefile writes a \
                 bundle as .tar.gz, .tgz, .zip or a new directory, not {ext}; use e.g. -o {fix}"
            )
        );
        assert_eq!(std::fs::read_dir(d.join("out")).unwrap().count(), 0);
    }
}

/// Bundles written into the log folder (a directory, a .tar.gz, a .zip) are not read back as
/// logs: one warning line each, exit 0, and the next bundle holds the same events.
#[test]
fn bundles_inside_an_input_folder_are_not_read_as_logs() {
    let tmp = logs(&[(
        "pay/payments.log",
        line(60, "INFO", "charge requested") + &line(70, "ERROR", "declined"),
    )]);
    let d = tmp.path();
    for out in ["logs/case", "logs/case.tar.gz", "logs/case.zip"] {
        let r = run(d, &["bundle", ID, "logs", "-o", out]);
        assert_eq!(r.code, 0, "{out}: {}", r.stderr);
    }
    let r = run(d, &["bundle", ID, "logs", "-o", "again"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let warnings: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.starts_with("casefile: warning") || l.starts_with("casefile: skipped"))
        .collect();
    assert_eq!(
        warnings,
        [
            "casefile: warning: logs/case: a bundle casefile wrote (manifest.json and \
             SHA256SUMS), not logs: its 8 file(s) are not read. Write bundles outside the \
             folders you read logs from",
            "casefile: warning: logs/case.tar.gz: a bundle casefile wrote (its first entry is \
             casefile's manifest.json), not logs: not read. Write bundles outside the folders \
             you read logs from",
            "casefile: warning: logs/case.zip: a bundle casefile wrote (its first entry is \
             casefile's manifest.json), not logs: not read. Write bundles outside the folders \
             you read logs from",
        ]
    );
    let files = read_dir_bundle(&d.join("again"));
    validate_manifest(&files["manifest.json"]);
    let m: Value = serde_json::from_slice(&files["manifest.json"]).unwrap();
    assert_eq!(m["counts"]["events"], 2);
    assert_eq!(text(&files, "timeline.jsonl").lines().count(), 2);
    let excerpts: Vec<&String> = files
        .keys()
        .filter(|k| k.starts_with("excerpts/"))
        .collect();
    assert_eq!(excerpts, ["excerpts/logs__pay__payments.log.txt"]);
}

/// Sources that map to one excerpt name (`a/b.log` and `a__b.log`; `A.log` and `a.log`, which
/// are one file on macOS and Windows) each get their own file, named by their hash.
#[test]
fn excerpt_names_are_unique_per_source() {
    let tmp = logs(&[
        ("a/b.log", line(10, "ERROR", "from a/b.log")),
        ("a__b.log", line(20, "ERROR", "from a__b.log")),
        ("A.log", line(30, "ERROR", "from A.log")),
        ("a.log", line(40, "ERROR", "from a.log")),
        ("c.log", line(50, "ERROR", "from c.log")),
    ]);
    let r = run(tmp.path(), &["bundle", ID, "logs", "-o", "out"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let files = read_dir_bundle(&tmp.path().join("out"));
    validate_manifest(&files["manifest.json"]);
    let mut want: BTreeMap<String, &str> = BTreeMap::new();
    for (src, stem) in [
        ("logs/a/b.log", "logs__a__b.log"),
        ("logs/a__b.log", "logs__a__b.log"),
        ("logs/A.log", "logs__A.log"),
        ("logs/a.log", "logs__a.log"),
    ] {
        want.insert(format!("excerpts/{stem}-{}.txt", sha8(src)), src);
    }
    want.insert("excerpts/logs__c.log.txt".into(), "logs/c.log");
    let got: Vec<&String> = files
        .keys()
        .filter(|k| k.starts_with("excerpts/"))
        .collect();
    assert_eq!(got, want.keys().collect::<Vec<_>>());
    for (name, src) in &want {
        let t = text(&files, name);
        assert!(t.starts_with(&format!("# {src}\n")), "{name}: {t}");
        let from = src.strip_prefix("logs/").unwrap();
        assert!(t.contains(&format!("from {from}\n")), "{name}: {t}");
    }
}

/// A tar header for `name` with the name written straight into the header, as a hostile
/// archiver would (the `tar` crate refuses `..` in `append_data`).
fn raw_header(name: &str, kind: tar::EntryType, size: u64, link: Option<&str>) -> tar::Header {
    let mut h = tar::Header::new_gnu();
    let field = &mut h.as_old_mut().name;
    field.fill(0);
    field[..name.len()].copy_from_slice(name.as_bytes());
    h.set_entry_type(kind);
    h.set_size(size);
    h.set_mode(0o644);
    h.set_mtime(0);
    if let Some(l) = link {
        let field = &mut h.as_old_mut().linkname;
        field[..l.len()].copy_from_slice(l.as_bytes());
    }
    h.set_cksum();
    h
}

/// A real bundle of a small request: its files, by path (manifest first in archives).
fn sample_bundle() -> BTreeMap<String, Vec<u8>> {
    let tmp = logs(&[(
        "pay/payments.log",
        line(60, "INFO", "charge requested") + &line(70, "ERROR", "declined"),
    )]);
    let r = run(tmp.path(), &["bundle", ID, "logs", "-o", "b"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    read_dir_bundle(&tmp.path().join("b"))
}

/// Manifest first, like casefile writes archives.
fn ordered(files: &BTreeMap<String, Vec<u8>>) -> Vec<(&String, &Vec<u8>)> {
    let mut v: Vec<_> = files.iter().collect();
    v.sort_by_key(|(k, _)| (k.as_str() != "manifest.json", k.to_string()));
    v
}

/// `verify` refuses `..`, absolute, symbolic-link and hard-link entries (exit 1, each named,
/// nothing extracted anywhere), in a .tar.gz and in a .zip.
#[test]
fn verify_refuses_entries_a_bundle_never_has() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("work");
    std::fs::create_dir(&d).unwrap();
    let files = sample_bundle();

    let gz = flate2::write::GzEncoder::new(
        std::fs::File::create(d.join("evil.tar.gz")).unwrap(),
        flate2::Compression::default(),
    );
    let mut t = tar::Builder::new(gz);
    for (name, bytes) in ordered(&files) {
        let h = raw_header(name, tar::EntryType::Regular, bytes.len() as u64, None);
        t.append(&h, &bytes[..]).unwrap();
    }
    let evil = b"owned\n";
    let h = raw_header("../evil.txt", tar::EntryType::Regular, 6, None);
    t.append(&h, &evil[..]).unwrap();
    let h = raw_header("/tmp/evil-abs.txt", tar::EntryType::Regular, 6, None);
    t.append(&h, &evil[..]).unwrap();
    let h = raw_header(
        "excerpts/link",
        tar::EntryType::Symlink,
        0,
        Some("/etc/passwd"),
    );
    t.append(&h, std::io::empty()).unwrap();
    let h = raw_header("hard", tar::EntryType::Link, 0, Some("manifest.json"));
    t.append(&h, std::io::empty()).unwrap();
    t.into_inner().unwrap().finish().unwrap();

    let mut z = zip::ZipWriter::new(std::fs::File::create(d.join("evil.zip")).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in ordered(&files) {
        z.start_file(name.as_str(), opts).unwrap();
        z.write_all(bytes).unwrap();
    }
    z.start_file("../evil.txt", opts).unwrap();
    z.write_all(evil).unwrap();
    z.start_file("/tmp/evil-abs.txt", opts).unwrap();
    z.write_all(evil).unwrap();
    z.add_symlink("excerpts/link", "/etc/passwd", opts).unwrap();
    z.finish().unwrap();

    let r = run(&d, &["verify", "evil.tar.gz"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert_eq!(
        r.stdout,
        "evil.tar.gz: DAMAGED: ../evil.txt: a path with `..` that leads out of the bundle; refused\n\
         evil.tar.gz: DAMAGED: /tmp/evil-abs.txt: an absolute path; refused: a bundle holds only paths inside it\n\
         evil.tar.gz: DAMAGED: excerpts/link: a symbolic link; refused: a bundle holds only regular files\n\
         evil.tar.gz: DAMAGED: hard: a hard link; refused: a bundle holds only regular files\n"
    );
    let r = run(&d, &["verify", "evil.zip"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert_eq!(
        r.stdout,
        "evil.zip: DAMAGED: ../evil.txt: a path with `..` that leads out of the bundle; refused\n\
         evil.zip: DAMAGED: /tmp/evil-abs.txt: an absolute path; refused: a bundle holds only paths inside it\n\
         evil.zip: DAMAGED: excerpts/link: a symbolic link; refused: a bundle holds only regular files\n"
    );
    assert!(!tmp.path().join("evil.txt").exists());

    // A directory bundle with a symbolic link in it: refused, not followed.
    #[cfg(unix)]
    {
        let b = d.join("dir");
        for (name, bytes) in &files {
            let p = b.join(name);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, bytes).unwrap();
        }
        std::os::unix::fs::symlink("/etc/passwd", b.join("excerpts/link")).unwrap();
        let r = run(&d, &["verify", "dir"]);
        assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
        assert_eq!(
            r.stdout,
            "dir: DAMAGED: excerpts/link: a symbolic link; refused (not followed): a bundle holds only regular files\n"
        );
    }
}

/// Zeros, `n` bytes of them, as a reader (nothing held).
fn zeros(n: u64) -> std::io::Take<std::io::Repeat> {
    std::io::repeat(0).take(n)
}

/// A small archive whose `timeline.jsonl` expands to 256 MiB where the manifest says a few
/// hundred bytes: `verify` stops at the declared size (exit 1, said so) and stays within a
/// 128 MiB address-space limit (a reader that loads the entry whole is killed by it).
#[test]
fn verify_reads_a_bomb_in_bounded_memory() {
    const BIG: u64 = 256 << 20;
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let files = sample_bundle();
    let declared = files["timeline.jsonl"].len();

    let gz = flate2::write::GzEncoder::new(
        std::fs::File::create(d.join("bomb.tar.gz")).unwrap(),
        flate2::Compression::fast(),
    );
    let mut t = tar::Builder::new(gz);
    for (name, bytes) in ordered(&files) {
        if name == "timeline.jsonl" {
            let h = raw_header(name, tar::EntryType::Regular, BIG, None);
            t.append(&h, zeros(BIG)).unwrap();
        } else {
            let h = raw_header(name, tar::EntryType::Regular, bytes.len() as u64, None);
            t.append(&h, &bytes[..]).unwrap();
        }
    }
    t.into_inner().unwrap().finish().unwrap();

    let mut z = zip::ZipWriter::new(std::fs::File::create(d.join("bomb.zip")).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .large_file(true);
    for (name, bytes) in ordered(&files) {
        z.start_file(name.as_str(), opts).unwrap();
        if name == "timeline.jsonl" {
            std::io::copy(&mut zeros(BIG), &mut z).unwrap();
        } else {
            z.write_all(bytes).unwrap();
        }
    }
    z.finish().unwrap();

    for (name, rest) in [
        (
            "bomb.tar.gz",
            "bomb.tar.gz: DAMAGED: the rest of the archive was not read\n",
        ),
        ("bomb.zip", ""),
    ] {
        let size = std::fs::metadata(d.join(name)).unwrap().len();
        assert!(size < BIG / 100, "{name} is {size} bytes: not a bomb");
        let r = run(d, &["verify", name]);
        assert_eq!(r.code, 1, "{name}: {}{}", r.stdout, r.stderr);
        assert_eq!(
            r.stdout,
            format!(
                "{name}: DAMAGED: timeline.jsonl: longer than the {declared} bytes manifest.json \
                 gives for it; not read past them\n{rest}"
            )
        );
        #[cfg(target_os = "linux")]
        {
            let bin = assert_cmd::cargo::cargo_bin("casefile");
            let out = std::process::Command::new("sh")
                .current_dir(d)
                .arg("-c")
                .arg("ulimit -v 131072 && exec \"$0\" verify \"$1\"")
                .arg(&bin)
                .arg(name)
                .output()
                .unwrap();
            assert_eq!(
                out.status.code(),
                Some(1),
                "{name} under a 128 MiB limit: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

/// Issue 17: an excerpt line was cut at 4,096 characters before it was redacted, so a secret
/// across the cut was left in part. Now the whole line is redacted, then cut.
#[test]
fn excerpts_are_redacted_before_they_are_cut() {
    let head = format!("{T},070 ERROR payments.api [trace={ID}] refund failed ");
    let secret = "verysecretperson@example.com";
    let pad = "word ".repeat((4096 - 10 - head.len()) / 5);
    let mut l = format!("{head}{pad}");
    while l.chars().count() < 4096 - 10 {
        l.push('w');
    }
    l.push(' ');
    l.push_str(secret);
    l.push(' ');
    l.push_str(&"tail ".repeat(200));
    let at = l.find(secret).unwrap();
    assert!(
        at < 4096 && at + secret.len() > 4096,
        "the secret straddles the cut"
    );
    let tmp = logs(&[("pay/payments.log", format!("{l}\n"))]);
    let r = run(tmp.path(), &["bundle", ID, "logs", "-o", "out"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let files = read_dir_bundle(&tmp.path().join("out"));
    let excerpt = text(&files, "excerpts/logs__pay__payments.log.txt");
    for part in ["verysecret", "person@", "@example.com"] {
        assert!(!excerpt.contains(part), "{part} in {excerpt}");
    }
    let row = excerpt
        .lines()
        .find(|l| l.starts_with("      1 > "))
        .unwrap();
    assert!(row.contains(" <email:"), "{row}");
    assert!(row.ends_with(" [cut at 4096 characters]"), "{row}");
    assert_eq!(
        row.trim_start_matches("      1 > ")
            .trim_end_matches(" [cut at 4096 characters]")
            .chars()
            .count(),
        4096
    );
}

/// `--redact NAME=REGEX` (both spellings) is recorded as `NAME=<pattern>` in the manifest's
/// command and in the summaries: the pattern often spells out the value it hides.
#[test]
fn redact_patterns_are_not_recorded() {
    let tmp = logs(&[(
        "pay/payments.log",
        line(70, "ERROR", "declined acct=ACCT-123456 pin=PIN9876"),
    )]);
    let r = run(
        tmp.path(),
        &[
            "bundle",
            ID,
            "logs",
            "-o",
            "out",
            "--redact",
            "acct=ACCT-[0-9]{6}",
            "--redact=pin=PIN9876",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let files = read_dir_bundle(&tmp.path().join("out"));
    validate_manifest(&files["manifest.json"]);
    let m: Value = serde_json::from_slice(&files["manifest.json"]).unwrap();
    let command = format!(
        "casefile bundle {ID} logs -o out --redact 'acct=<pattern>' '--redact=pin=<pattern>'"
    );
    assert_eq!(m["command"], command.as_str());
    assert_eq!(m["redaction"]["custom"], serde_json::json!(["acct", "pin"]));
    assert!(text(&files, "summary.md").contains(&format!("```sh\n{command}\n```")));
    assert!(
        text(&files, "summary.jira.txt").contains(&format!("{{code:bash}}\n{command}\n{{code}}"))
    );
    for (name, bytes) in &files {
        let t = String::from_utf8_lossy(bytes);
        for s in ["ACCT-[0-9]", "ACCT-123456", "PIN9876"] {
            assert!(!t.contains(s), "{s} in {name}");
        }
    }
}

/// A private key logged over several lines under an event (a PEM block) is redacted in the
/// timeline and in the excerpts, which re-read the file: the excerpt's lines are redacted as
/// one text, so the body lines without their BEGIN line are still found, and line numbers stay
/// true (each body line shows the placeholder).
#[test]
fn pem_key_bodies_never_reach_the_excerpts() {
    let d = tempfile::tempdir().unwrap();
    let body1 = "MIIEowIBAAKCAQEA1234567890abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP";
    let body2 = "QRSTUVWXYZ0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRS==";
    std::fs::write(
        d.path().join("tls.log"),
        format!(
            "2026-11-28 22:00:00,000 ERROR app.tls [trace=abc123] bad key\n\
             -----BEGIN RSA PRIVATE KEY-----\n{body1}\n{body2}\n-----END RSA PRIVATE KEY-----\n\
             2026-11-28 22:00:01,000 INFO app.tls [trace=abc123] done\n"
        ),
    )
    .unwrap();
    let r = casefile(d.path(), &["bundle", "abc123", "tls.log", "-o", "b"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let ex = std::fs::read_to_string(d.path().join("b/excerpts/tls.log.txt")).unwrap();
    let tl = std::fs::read_to_string(d.path().join("b/timeline.jsonl")).unwrap();
    for text in [&ex, &tl] {
        assert!(
            !text.contains(&body1[..20]) && !text.contains(&body2[..20]),
            "{text}"
        );
    }
    let ph = casefile::redact::placeholder("private_key", &format!("{body1}\n{body2}"));
    let lines: Vec<&str> = ex.lines().skip(2).collect();
    assert_eq!(
        lines,
        [
            "      1 > 2026-11-28 22:00:00,000 ERROR app.tls [trace=abc123] bad key",
            "      2 > -----BEGIN RSA PRIVATE KEY-----",
            &format!("      3 > {ph}"),
            &format!("      4 > {ph}"),
            "      5 > -----END RSA PRIVATE KEY-----",
            "      6 > 2026-11-28 22:00:01,000 INFO app.tls [trace=abc123] done",
        ]
    );
}
