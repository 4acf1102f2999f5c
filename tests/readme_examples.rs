//! The README's demo commands run as written (as angle-grinder checks its README): each
//! `casefile ...` line of the "30-second demo" block must exit 0 and print something.

mod common;

use common::*;

#[test]
fn readme_demo_commands_work() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let demo = readme
        .split("## 30-second demo")
        .nth(1)
        .and_then(|s| s.split("```sh").nth(1))
        .and_then(|s| s.split("```").next())
        .expect("README has a demo block");
    // The demo writes its bundle under /tmp; the test writes under a directory of its own.
    let tmp = tempfile::tempdir().unwrap();
    let mut ran = 0;
    for line in demo.lines() {
        let cmd = line.split('#').next().unwrap().trim();
        let cmd = cmd.split('|').next().unwrap().trim();
        let Some(args) = cmd.strip_prefix("casefile ") else {
            continue;
        };
        let args: Vec<String> = args
            .split_whitespace()
            .map(|a| match a.strip_prefix("/tmp/") {
                Some(rest) => tmp.path().join(rest).to_string_lossy().into_owned(),
                None => a.to_string(),
            })
            .collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let r = casefile(&root(), &args);
        assert_eq!(r.code, 0, "README: `{cmd}` exited {}: {}", r.code, r.stderr);
        assert!(!r.stdout.is_empty(), "README: `{cmd}` printed nothing");
        ran += 1;
    }
    assert!(ran >= 5, "found {ran} demo commands");
}
