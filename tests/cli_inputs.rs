//! Reading: bad inputs are reported by name and the rest goes on; gzip/zstd/xz/bzip2 by magic
//! bytes; stdin; big files read in chunks give the same events as read whole.

mod common;

use std::io::Write;

use common::*;

#[test]
fn bad_inputs_each_get_one_message_and_the_rest_goes_on() {
    let r = casefile(&fixtures(), &["scan", "bad", "--json"]);
    assert_eq!(r.code, 2, "skips set exit code 2: {}", r.stderr);
    let doc = r.json();
    let src = |name: &str| {
        doc["sources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["source"] == format!("bad/{name}"))
            .unwrap_or_else(|| panic!("{name} missing"))
            .clone()
    };
    // The good file is read whole.
    assert_eq!(src("good.log")["events"], 40);
    // Truncated gzip/zstd: what came before the cut is kept, every line of it. The gzip cut
    // falls inside line 497, which keeps its head (without its timestamp).
    let gz = src("truncated.log.gz");
    assert_eq!(
        (&gz["lines"], &gz["events"], &gz["without_timestamp"]),
        (&497.into(), &497.into(), &1.into()),
        "{gz}"
    );
    assert_eq!(gz["problems"][0]["line"], 497);
    let zst = src("truncated.log.zst");
    assert_eq!(
        (&zst["lines"], &zst["events"], &zst["without_timestamp"]),
        (&1182.into(), &1182.into(), &0.into()),
        "{zst}"
    );
    assert_eq!(zst["problems"][0]["line"], 1182);
    assert_eq!(src("binary.log")["read"], false);
    assert_eq!(src("latin1.log")["events"], 2);
    assert_eq!(src("noeol.log")["lines"], 2);
    assert_eq!(src("noeol.log")["events"], 2);
    for (needle, text) in [
        ("bad/binary.log", "binary file"),
        (
            "bad/truncated.log.gz:",
            "gzip stream is damaged or truncated",
        ),
        (
            "bad/truncated.log.zst:",
            "zstd stream is damaged or truncated",
        ),
        ("bad/latin1.log:1", "invalid UTF-8"),
        ("bad/empty.log", "empty file"),
        ("bad/loopdir/up", "symlink loop"),
    ] {
        let line = r
            .stderr
            .lines()
            .find(|l| l.contains(needle) && l.contains(text))
            .unwrap_or_else(|| panic!("no message for {needle} ({text}) in:\n{}", r.stderr));
        assert_eq!(
            r.stderr.matches(needle).count(),
            1,
            "one message per problem: {line}"
        );
    }
    assert_eq!(
        doc["skipped"], 4,
        "binary, truncated gz, truncated zst, loop"
    );
    assert!(r.stderr.contains("4 input problem(s) lost data"));
}

#[test]
fn missing_path_is_named_and_others_still_read() {
    let r = casefile(
        &fixtures(),
        &["events", "nope.log", "bad/good.log", "--json"],
    );
    assert_eq!(r.code, 2);
    assert_eq!(r.json_lines().len(), 40);
    assert!(
        r.stderr.contains("nope.log: no such file or directory"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_100_mb_line_is_cut_with_a_warning_and_the_rest_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("huge.log");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&p).unwrap());
    writeln!(
        f,
        "ts=2026-11-28T22:00:01Z level=info msg=before job_id=J-1"
    )
    .unwrap();
    write!(
        f,
        "ts=2026-11-28T22:00:02Z level=error msg=huge job_id=J-2 blob="
    )
    .unwrap();
    let chunk = vec![b'x'; 1 << 20];
    for _ in 0..100 {
        f.write_all(&chunk).unwrap();
    }
    writeln!(f).unwrap();
    writeln!(f, "ts=2026-11-28T22:00:03Z level=info msg=after job_id=J-3").unwrap();
    drop(f);
    let r = casefile(
        dir.path(),
        &["events", "huge.log", "--json", "--max-line", "1048576"],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    let evs = r.json_lines();
    assert_eq!(
        lines_of(&evs).iter().map(|l| l.1).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    assert_eq!(evs[2]["message"], "after");
    assert!(evs[1]["raw"].as_str().unwrap().len() <= 1 << 20);
    assert!(
        r.stderr.contains("huge.log:2: line longer than 1 MiB"),
        "{}",
        r.stderr
    );
}

#[test]
fn compression_is_recognised_by_magic_bytes_not_names() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read(fixtures().join("bad/good.log")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&text).unwrap();
    std::fs::write(dir.path().join("app.log.1"), gz.finish().unwrap()).unwrap();
    std::fs::write(
        dir.path().join("app.log.2"),
        zstd::encode_all(&text[..], 3).unwrap(),
    )
    .unwrap();
    std::fs::write(dir.path().join("app.log"), &text).unwrap();
    let r = casefile(dir.path(), &["scan", ".", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc = r.json();
    let comp: Vec<(String, Option<String>, u64)> = doc["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["source"].as_str().unwrap().to_string(),
                s["compression"].as_str().map(String::from),
                s["events"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        comp,
        [
            ("./app.log".into(), None, 40),
            ("./app.log.1".into(), Some("gzip".into()), 40),
            ("./app.log.2".into(), Some("zstd".into()), 40),
        ]
    );
}

#[test]
fn stdin_plain_and_gzip() {
    let text = std::fs::read(fixtures().join("bad/good.log")).unwrap();
    let r = casefile_stdin(&fixtures(), &["events", "--json"], Some(text.clone()));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let evs = r.json_lines();
    assert_eq!(evs.len(), 40);
    assert_eq!(evs[0]["source"], "-");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&text).unwrap();
    let r = casefile_stdin(
        &fixtures(),
        &["events", "-", "--json"],
        Some(gz.finish().unwrap()),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let evs = r.json_lines();
    assert_eq!(evs.len(), 40, "{}", r.stderr);
    assert_eq!(evs[0]["source"], "-");
    assert_eq!(
        evs.iter()
            .map(|e| e["line"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        (1..=40).collect::<Vec<_>>(),
        "lines of the decompressed text"
    );
    // zstd on stdin, by its magic bytes too.
    let r = casefile_stdin(
        &fixtures(),
        &["events", "-", "--json"],
        Some(zstd::encode_all(&text[..], 3).unwrap()),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json_lines().len(), 40);
}

#[test]
fn directories_are_walked_and_globs_expanded() {
    let sources = |r: &Run| -> Vec<String> {
        r.json()["sources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["source"].as_str().unwrap().to_string())
            .collect()
    };
    let r = casefile(&fixtures(), &["scan", "checkout/logs/*/*.log", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        sources(&r),
        [
            "checkout/logs/db/postgresql.log",
            "checkout/logs/edge/access.log",
            "checkout/logs/k8s/notifier-7d9f8b-x2x.log",
            "checkout/logs/orders/orders.log",
            "checkout/logs/payments/payments.log",
            "checkout/logs/worker/worker-0.log",
        ]
    );
    let r = casefile(&fixtures(), &["scan", "checkout/logs/**/*.gz", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(sources(&r), ["checkout/logs/edge/access.log.1.gz"]);
    // A directory is walked recursively, sorted.
    let r = casefile(&fixtures(), &["scan", "checkout/logs/edge", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        sources(&r),
        [
            "checkout/logs/edge/access.log",
            "checkout/logs/edge/access.log.1.gz"
        ]
    );
    let r = casefile(&fixtures(), &["scan", "nomatch/*.log"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("the pattern matches no file"));
}

/// Regression: a big file is read in chunks in parallel; a chunk boundary may fall inside a
/// stack trace. The events, their line numbers and their whole stacks must not change.
#[test]
fn chunked_reading_gives_the_same_events() {
    use casefile::parse::Parser;
    use casefile::source::{read_sources, Input, RawEvent, ReadOptions, Visitor};
    struct Collect<'a>(&'a Parser);
    impl Visitor for Collect<'_> {
        type Acc = Vec<(u64, String)>;
        fn new_acc(&self) -> Self::Acc {
            Vec::new()
        }
        fn visit(&self, acc: &mut Self::Acc, ev: RawEvent<'_>) {
            let e = ev.to_event(self.0);
            acc.push((e.line, e.raw));
        }
        fn rebase(&self, acc: &mut Self::Acc, base: u64) {
            for a in acc {
                a.0 += base;
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("orders.log");
    let one = std::fs::read_to_string(fixtures().join("checkout/logs/orders/orders.log")).unwrap();
    let mut f = std::fs::File::create(&p).unwrap();
    for _ in 0..5 {
        f.write_all(one.as_bytes()).unwrap(); // ~3.4 MB: 4 chunks of 1 MiB
    }
    drop(f);
    let parser = Parser::default_parser();
    let inputs = [Input {
        display: "orders.log".into(),
        path: Some(p),
    }];
    let run = |chunk: u64| {
        let opts = ReadOptions {
            chunk_size: chunk,
            ..ReadOptions::default()
        };
        let (accs, reps) = read_sources(&inputs, &parser, &opts, &Collect(&parser));
        let evs: Vec<(u64, String)> = accs.into_iter().flat_map(|(_, a)| a).collect();
        (evs, reps[0].lines)
    };
    let (whole, lines_whole) = run(1 << 40);
    let (chunked, lines_chunked) = run(1 << 20);
    assert_eq!(lines_whole, lines_chunked);
    assert_eq!(lines_whole, one.lines().count() as u64 * 5);
    assert_eq!(whole.len(), chunked.len());
    assert_eq!(whole, chunked);
}

/// Issue 18: CRI partial lines (`P`, a long line the container runtime cut) were separate
/// events; they are one event with the line that ends them (`F`), its text joined, whether it
/// is read whole or found by `trace` through an id in its last part.
#[test]
fn cri_partial_lines_join_the_line_that_ends_them() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("pod.log"),
        "2026-11-28T22:00:00.000000001Z stdout F {\"level\":\"info\",\"msg\":\"one\",\"trace_id\":\"t1\"}\n\
         2026-11-28T22:00:01.000000001Z stdout P {\"level\":\"error\",\"msg\":\"a long li\n\
         2026-11-28T22:00:01.000000002Z stdout P ne cut by the runt\n\
         2026-11-28T22:00:01.000000003Z stdout F ime\",\"trace_id\":\"t2\"}\n\
         2026-11-28T22:00:02.000000001Z stderr P partial text \n\
         2026-11-28T22:00:02.000000002Z stderr F ends here\n\
         2026-11-28T22:00:03.000000001Z stdout F last\n",
    )
    .unwrap();
    let r = casefile(dir.path(), &["events", "pod.log", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let evs = r.json_lines();
    let got: Vec<(u64, &str, &str)> = evs
        .iter()
        .map(|e| {
            (
                e["line"].as_u64().unwrap(),
                e["message"].as_str().unwrap(),
                e["level"].as_str().unwrap_or("-"),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (1, "one", "info"),
            (2, "a long line cut by the runtime", "error"),
            (5, "partial text ends here", "-"),
            (7, "last", "-"),
        ]
    );
    assert_eq!(evs[1]["ids"]["trace_id"], "t2");
    assert_eq!(evs[1]["raw"].as_str().unwrap().lines().count(), 3);
    // The id is only in the last part: trace finds the whole record from it.
    let r = casefile(dir.path(), &["trace", "t2", "pod.log", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let evs = r.json_lines();
    assert_eq!(evs.len(), 1);
    assert_eq!(evs[0]["line"], 2);
    assert_eq!(evs[0]["message"], "a long line cut by the runtime");
}

/// Directory walks skip hidden directories (`.git`): each skip is said once, and `--hidden`
/// reads them.
#[test]
fn hidden_directories_are_skipped_unless_asked() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("logs/.git/logs")).unwrap();
    std::fs::write(
        tmp.path().join("logs/app.log"),
        "2026-11-28 23:00:00 INFO started\n",
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("logs/.git/logs/HEAD"),
        "0000 1111 dev <dev@example.com> 1764370800 +0000\tcommit: x\n",
    )
    .unwrap();
    let r = casefile(tmp.path(), &["scan", "logs", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["total"]["sources"], 1, "{}", r.stdout);
    assert_eq!(
        r.stderr
            .matches("hidden directory, not read (pass --hidden to read it)")
            .count(),
        1,
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("logs/.git"), "{}", r.stderr);
    let r = casefile(tmp.path(), &["scan", "logs", "--json", "--hidden"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["total"]["sources"], 2, "{}", r.stdout);
    assert!(!r.stderr.contains("hidden directory"), "{}", r.stderr);
}

/// `prog` (`xz`, `bzip2`) compresses `plain` as logrotate's `compresscmd` runs it: the real
/// program, on stdin, to stdout.
fn compressed_by(prog: &str, flags: &[&str], plain: &[u8]) -> Vec<u8> {
    use std::process::{Command, Stdio};
    let mut child = match Command::new(prog)
        .args(flags)
        .arg("-c")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => missing_prerequisite(
            &format!("the `{prog}` program ({e})"),
            "apt-get install -y xz-utils bzip2",
        ),
    };
    let mut stdin = child.stdin.take().unwrap();
    let data = plain.to_vec();
    let feed = std::thread::spawn(move || stdin.write_all(&data).unwrap());
    let out = child.wait_with_output().unwrap();
    feed.join().unwrap();
    assert!(out.status.success(), "{prog} {flags:?} failed");
    out.stdout
}

/// The two formats logrotate's `compresscmd` is set to besides gzip: program, its flags, the
/// suffix logrotate gives, and the name casefile reports. bzip2 at `-1` (100 kB blocks), so the
/// 130 kB sample spans two blocks.
const XZ_BZIP2: [(&str, &str, &str, &str); 2] =
    [("xz", "-6", "xz", "xz"), ("bzip2", "-1", "bz2", "bzip2")];

/// `events --json` without each event's `source` (the file name differs, nothing else may).
fn events_but_source(r: &Run) -> Vec<serde_json::Value> {
    assert!(r.code == 0 || r.code == 2, "{}", r.stderr);
    r.json_lines()
        .into_iter()
        .map(|mut e| {
            e.as_object_mut().unwrap().remove("source");
            e
        })
        .collect()
}

#[test]
fn xz_and_bzip2_rotations_read_as_the_plain_file() {
    let text = std::fs::read(fixtures().join("checkout/logs/edge/access.log")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("access.log"), &text).unwrap();
    let plain = events_but_source(&casefile(dir.path(), &["events", "--json", "access.log"]));
    assert_eq!(plain.len(), 900);
    let range = [
        "--since",
        "2026-11-28T22:00:20Z",
        "--until",
        "2026-11-28T22:00:25Z",
    ];
    let plain_range = events_but_source(&casefile(
        dir.path(),
        &[&["events", "--json", "access.log"][..], &range].concat(),
    ));
    assert!(plain_range.len() > 100 && plain_range.len() < 600);
    // `cat a.xz b.xz`: the first 450 lines and the rest, compressed apart.
    let cut = text
        .iter()
        .enumerate()
        .filter(|(_, &b)| b == b'\n')
        .nth(449)
        .unwrap()
        .0
        + 1;
    for (prog, level, ext, name) in XZ_BZIP2 {
        let file = format!("access.log.1.{ext}");
        let packed = compressed_by(prog, &[level], &text);
        std::fs::write(dir.path().join(&file), &packed).unwrap();

        let r = casefile(dir.path(), &["scan", "--json", &file]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let s = &r.json()["sources"][0];
        assert_eq!(
            (&s["dialect"], &s["compression"], &s["lines"], &s["events"]),
            (&"access".into(), &name.into(), &900.into(), &900.into()),
            "{s}"
        );
        assert_eq!(s["first"], "2026-11-28T22:00:12.000Z");
        assert_eq!(s["last"], "2026-11-28T22:00:30.000Z");
        let r = casefile(dir.path(), &["scan", &file]);
        assert!(
            r.stdout.contains(&format!("access+{name} ")),
            "{}",
            r.stdout
        );

        // Every event as the plain file gives it: lines, times, levels, messages, ids, raw.
        let r = casefile(dir.path(), &["events", "--json", &file]);
        assert_eq!(r.json_lines()[0]["source"], file.as_str());
        assert_eq!(r.json_lines()[0]["service"], "access", "{file}");
        assert!(events_but_source(&r) == plain, "{file}: events differ");

        // A time range: the stream stops after it, and answers as the plain file does.
        let r = casefile(
            dir.path(),
            &[&["events", "--json", &file][..], &range].concat(),
        );
        assert!(
            events_but_source(&r) == plain_range,
            "{file}: range differs"
        );

        // Two members, concatenated: both read, line numbers running on.
        let mut two = compressed_by(prog, &[level], &text[..cut]);
        two.extend(compressed_by(prog, &[level], &text[cut..]));
        let cat = format!("access.log.2.{ext}");
        std::fs::write(dir.path().join(&cat), &two).unwrap();
        let r = casefile(dir.path(), &["events", "--json", &cat]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(events_but_source(&r) == plain, "{cat}: both members");

        // stdin, by its magic bytes too.
        let r = casefile_stdin(dir.path(), &["events", "--json", "-"], Some(packed));
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert_eq!(r.json_lines().len(), 900, "{name} on stdin");
    }
}

#[test]
fn trace_and_bundle_follow_ids_out_of_xz_and_bzip2_files() {
    let logs = fixtures().join("checkout/logs");
    let plain = casefile(&logs, &["trace", "41af5d172b4ca0fa", ".", "--json"]);
    assert_eq!(plain.code, 0, "{}", plain.stderr);
    let plain = plain.json_lines();
    assert_eq!(plain.len(), 9);
    for (prog, level, ext, name) in XZ_BZIP2 {
        // The checkout logs with the edge's access log rotated and compressed.
        let dir = tempfile::tempdir().unwrap();
        for e in walkdir::WalkDir::new(&logs) {
            let e = e.unwrap();
            let rel = e.path().strip_prefix(&logs).unwrap();
            let to = dir.path().join(rel);
            if e.file_type().is_dir() {
                std::fs::create_dir_all(&to).unwrap();
            } else if rel == std::path::Path::new("edge/access.log") {
                let text = std::fs::read(e.path()).unwrap();
                std::fs::write(
                    to.with_extension(format!("log.{ext}")),
                    compressed_by(prog, &[level], &text),
                )
                .unwrap();
            } else {
                std::fs::copy(e.path(), &to).unwrap();
            }
        }
        let r = casefile(dir.path(), &["trace", "41af5d172b4ca0fa", ".", "--json"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let got = r.json_lines();
        let compressed = format!("./edge/access.log.{ext}");
        let renamed: Vec<serde_json::Value> = plain
            .iter()
            .map(|e| {
                let mut e = e.clone();
                if e["source"] == "./edge/access.log" {
                    e["source"] = compressed.as_str().into();
                }
                e
            })
            .collect();
        assert!(got == renamed, "{name}: trace differs:\n{}", r.stdout);
        assert!(got.iter().any(|e| e["source"] == compressed.as_str()
            && e["line"] == 1
            && e["message"] == "POST /api/v1/orders 201"));

        // The bundle's excerpt of the compressed file is its text, and the manifest says how
        // it was compressed (and passes `verify`, schema included).
        let r = casefile(
            dir.path(),
            &[
                "bundle",
                "41af5d172b4ca0fa",
                ".",
                "-o",
                "case",
                "--no-redact",
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        let out = dir.path().join("case.unredacted");
        let excerpt =
            std::fs::read_to_string(out.join(format!("excerpts/edge__access.log.{ext}.txt")))
                .unwrap();
        assert!(
            excerpt.contains("rt=0.106 req_id=41af5d172b4ca0fa"),
            "{excerpt}"
        );
        let manifest: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
        let input = manifest["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["path"] == compressed.as_str())
            .unwrap_or_else(|| panic!("{compressed} not in {manifest}"));
        assert_eq!(input["compression"], name);
        let r = casefile(dir.path(), &["verify", "case.unredacted"]);
        assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    }
}

#[test]
fn truncated_xz_and_bzip2_keep_what_came_before_the_cut() {
    let text = std::fs::read(fixtures().join("checkout/logs/edge/access.log")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("access.log"), &text).unwrap();
    let plain = events_but_source(&casefile(dir.path(), &["events", "--json", "access.log"]));
    for (prog, level, ext, name) in XZ_BZIP2 {
        let mut packed = compressed_by(prog, &[level], &text);
        // xz: cut in the middle, every byte before it decodes (as `xz -dc` gives them, line
        // 443 in part). bzip2 decodes whole blocks: cut inside the second block, the first
        // (100 000 - 19 bytes at -1) ends inside line 694.
        let (at, kept) = match ext {
            "xz" => (packed.len() / 2, 443),
            _ => (packed.len() - 100, 694),
        };
        packed.truncate(at);
        let file = format!("access.log.1.{ext}");
        std::fs::write(dir.path().join(&file), &packed).unwrap();

        let r = casefile(dir.path(), &["scan", "--json", &file]);
        assert_eq!(r.code, 2, "a cut file loses data: {}", r.stderr);
        let doc = r.json();
        let s = &doc["sources"][0];
        assert_eq!(
            (&s["compression"], &s["lines"], &s["events"]),
            (&name.into(), &kept.into(), &kept.into()),
            "{s}"
        );
        assert_eq!(s["problems"][0]["line"], kept);
        assert_eq!(s["problems"][0]["skipped"], true);
        assert_eq!(doc["skipped"], 1);
        let needle = format!("{file}:{kept}: {name} stream is damaged or truncated here");
        assert_eq!(r.stderr.matches(&needle).count(), 1, "{}", r.stderr);
        assert!(
            r.stderr
                .contains(&format!("Check it with `{prog} -t` and copy it again")),
            "{}",
            r.stderr
        );
        assert!(r.stderr.contains("1 input problem(s) lost data"));

        // What was read is the plain file's, the last line in part.
        let r = casefile(dir.path(), &["events", "--json", &file]);
        assert_eq!(r.code, 2);
        let got = events_but_source(&r);
        assert_eq!(got.len(), kept);
        assert!(
            got[..kept - 1] == plain[..kept - 1],
            "{file}: kept lines differ"
        );
        let last = got[kept - 1]["raw"].as_str().unwrap();
        let whole = plain[kept - 1]["raw"].as_str().unwrap();
        assert!(
            whole.starts_with(last) && last.len() < whole.len(),
            "{last} / {whole}"
        );
    }
    // xz's own reading of the cut file agrees.
    let cut = std::process::Command::new("xz")
        .args(["-dc", "access.log.1.xz"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(!cut.status.success());
    assert_eq!(cut.stdout.iter().filter(|&&b| b == b'\n').count(), 442);
}

/// Syslog lines (RFC 3164) carry no year: it comes from the file's mtime. A file copied a year
/// later lands a year away from the other sources, which is flagged with the `--year` to give.
#[test]
fn a_year_taken_from_the_mtime_a_year_off_the_other_sources_is_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let auth = dir.path().join("auth.log");
    std::fs::write(
        &auth,
        "Jan 12 10:00:01 web1 sshd[123]: Accepted publickey for deploy from 10.0.0.5 port 51234 ssh2\n\
         Jan 12 10:00:02 web1 sshd[123]: pam_unix(sshd:session): session opened for user deploy\n\
         Jan 12 10:00:03 web1 CRON[200]: (root) CMD (run-parts /etc/cron.hourly)\n\
         Jan 12 10:00:04 web1 sshd[123]: Received disconnect from 10.0.0.5 port 51234:11: disconnected by user\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("app.json"),
        "{\"ts\":\"2025-01-12T10:00:01Z\",\"level\":\"info\",\"msg\":\"start\"}\n\
         {\"ts\":\"2025-01-12T10:00:02Z\",\"level\":\"error\",\"msg\":\"boom\"}\n\
         {\"ts\":\"2025-01-12T10:00:03Z\",\"level\":\"info\",\"msg\":\"stop\"}\n",
    )
    .unwrap();
    let set_mtime = |day: &str| {
        let t = day.parse::<jiff::Timestamp>().unwrap();
        let st = std::time::UNIX_EPOCH + std::time::Duration::from_secs(t.as_second() as u64);
        std::fs::File::options()
            .write(true)
            .open(&auth)
            .unwrap()
            .set_modified(st)
            .unwrap();
    };
    // Copied in February 2026: the January lines are read as 2026.
    set_mtime("2026-02-20T00:00:00Z");
    let r = casefile(dir.path(), &["events", "--json", "."]);
    assert_eq!(r.code, 0, "a warning, not a skip: {}", r.stderr);
    assert_eq!(
        r.stderr.trim(),
        "casefile: warning: ./auth.log: its lines carry no year, and 2026 was taken from the \
         file's modification time; that puts it 365 days after the other sources (around \
         2025-01-12). If the file was copied or touched after the year turned, give --year 2025"
    );
    let sshd: Vec<String> = r
        .json_lines()
        .iter()
        .filter(|e| e["source"] == "./auth.log")
        .map(|e| e["ts"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(sshd[0], "2026-01-12T10:00:01.000Z");
    // The fix it names works, and says nothing more.
    let r = casefile(dir.path(), &["events", "--json", "--year", "2025", "."]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    assert_eq!(r.json_lines()[1]["ts"], "2025-01-12T10:00:01.000Z");
    // `scan` says it too, once.
    let r = casefile(dir.path(), &["scan", "."]);
    assert_eq!(
        r.stderr.matches("its lines carry no year").count(),
        1,
        "{}",
        r.stderr
    );
    // Written the day after its last line: the right year, nothing to say.
    set_mtime("2025-01-13T00:00:00Z");
    let r = casefile(dir.path(), &["events", "--json", "."]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    // A year-less file alone has nothing to be compared with.
    set_mtime("2026-02-20T00:00:00Z");
    let r = casefile(dir.path(), &["events", "--json", "auth.log"]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
}

/// A directory with no files in it is named, with where the logs may be instead; with files
/// only in hidden directories, `--hidden` is the fix it names.
#[test]
fn a_directory_without_files_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("empty/sub")).unwrap();
    let r = casefile(tmp.path(), &["events", "empty"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "casefile: warning: empty: no files under this directory; check the path (logs may \
             be under another folder, or compressed into one archive: casefile reads \
             .gz/.zst/.xz/.bz2 files, not .tar)"
        ),
        "{}",
        r.stderr
    );
    std::fs::create_dir_all(tmp.path().join("dotted/.cache")).unwrap();
    std::fs::write(
        tmp.path().join("dotted/.cache/app.log"),
        "2026-01-01T00:00:00Z INFO started\n",
    )
    .unwrap();
    let r = casefile(tmp.path(), &["events", "dotted"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "casefile: warning: dotted: no files under this directory but in 1 hidden one(s); \
             pass --hidden to read them"
        ),
        "{}",
        r.stderr
    );
    let r = casefile(tmp.path(), &["events", "dotted", "--hidden", "--json"]);
    assert_eq!((r.code, r.json_lines().len()), (0, 1), "{}", r.stderr);
}
