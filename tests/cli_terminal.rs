//! The human output on a real terminal: colour on a pseudo-terminal unless `NO_COLOR` is set (to
//! a non-empty value, as no-color.org defines it), none when piped, and log text that cannot
//! drive the terminal. The pty comes from util-linux `script`; the shared test helper always sets
//! `NO_COLOR=1` and pipes stdout, so it cannot see any of this.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};

use common::*;

/// The escape sequences a hostile log line carries: clear screen, set the window title (OSC,
/// ended by BEL), a C1 CSI, and a right-to-left override.
const EVIL: &str = "evil \x1b[2J\x1b]0;pwned\x07 \u{9b}31m \u{202e}txt.exe";

fn logs(dir: &Path) {
    std::fs::write(
        dir.join("app.log"),
        format!(
            concat!(
                "ts=2026-11-28T22:00:00Z level=error msg=\"{}\" request_id=r-1\n",
                "ts=2026-11-28T22:00:01Z level=warn msg=\"slow\" request_id=r-1\n",
                "ts=2026-11-28T22:00:02Z level=info msg=\"done\" request_id=r-1\n",
            ),
            EVIL
        ),
    )
    .unwrap();
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

fn base_command(program: &str, dir: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("XDG_CONFIG_HOME")
        .env("HOME", dir);
    for (k, _) in std::env::vars() {
        if k.starts_with("CASEFILE_") {
            cmd.env_remove(k);
        }
    }
    cmd
}

/// Run casefile on a pseudo-terminal (stdin, stdout and stderr all on it, merged as a user sees
/// them), with `NO_COLOR` as given (`None`: unset). Line ends come back as `\n`.
fn on_pty(dir: &Path, args: &[&str], no_color: Option<&str>) -> Run {
    let script = Path::new("/usr/bin/script");
    if !script.exists() {
        missing_prerequisite(
            "util-linux `script` (/usr/bin/script), for a pseudo-terminal",
            "apt-get install -y util-linux",
        );
    }
    let line: Vec<String> = std::iter::once(env!("CARGO_BIN_EXE_casefile"))
        .chain(args.iter().copied())
        .map(shell_quote)
        .collect();
    let mut cmd = base_command("/usr/bin/script", dir);
    cmd.args(["-qec", &line.join(" "), "/dev/null"])
        .env("SHELL", "/bin/sh")
        .stdin(Stdio::null());
    if let Some(v) = no_color {
        cmd.env("NO_COLOR", v);
    }
    let out = cmd.output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n"),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Run casefile with stdout and stderr piped (not a terminal) and `NO_COLOR` unset.
fn piped(dir: &Path, args: &[&str]) -> Run {
    let out = base_command(env!("CARGO_BIN_EXE_casefile"), dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The text with casefile's own colour (SGR: `ESC [ digits;... m`) removed; panics on any other
/// escape, which only log text could have brought.
fn strip_sgr(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('\x1b') {
        out.push_str(&rest[..i]);
        let seq = &rest[i + 1..];
        let body: String = seq
            .strip_prefix('[')
            .unwrap_or_else(|| panic!("not an SGR sequence at {:?}", &rest[i..]))
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == ';')
            .collect();
        assert!(
            seq[1 + body.len()..].starts_with('m'),
            "not an SGR sequence at {:?}",
            &rest[i..(i + 12).min(rest.len())]
        );
        rest = &seq[1 + body.len() + 1..];
    }
    out.push_str(rest);
    out
}

const TIMELINE: &[&str] = &["trace", "r-1", "app.log", "--no-progress"];

#[test]
fn timeline_is_coloured_on_a_terminal() {
    let d = tempfile::tempdir().unwrap();
    logs(d.path());
    let r = on_pty(d.path(), TIMELINE, None);
    assert_eq!(r.code, 0, "{}", r.stdout);
    // Levels in their colours, the time dimmed, the service bold.
    for painted in [
        "\x1b[1;31merror\x1b[0m",
        "\x1b[33mwarn \x1b[0m",
        "\x1b[32minfo \x1b[0m",
        "\x1b[2m2026-11-28T22:00:00.000Z\x1b[0m",
        "\x1b[1mapp\x1b[0m",
    ] {
        assert!(r.stdout.contains(painted), "{painted:?} in {:?}", r.stdout);
    }
    // Colour is all it adds: without it, the same text.
    let plain = on_pty(d.path(), TIMELINE, Some("1"));
    assert_eq!(strip_sgr(&r.stdout), plain.stdout);
    // The other human views are coloured too.
    for args in [
        &["events", "app.log", "--no-progress"][..],
        &["cluster", "app.log", "--no-progress"][..],
        &["scan", "app.log", "--no-progress"][..],
    ] {
        let r = on_pty(d.path(), args, None);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stdout);
        assert!(r.stdout.contains("\x1b["), "{args:?}: {:?}", r.stdout);
    }
}

#[test]
fn no_color_turns_colour_off_on_a_terminal() {
    let d = tempfile::tempdir().unwrap();
    logs(d.path());
    for args in [
        TIMELINE,
        &["events", "app.log", "--no-progress"][..],
        &["cluster", "app.log", "--no-progress"][..],
        &["scan", "app.log", "--no-progress"][..],
    ] {
        let r = on_pty(d.path(), args, Some("1"));
        assert_eq!(r.code, 0, "{args:?}: {}", r.stdout);
        assert!(!r.stdout.contains('\x1b'), "{args:?}: {:?}", r.stdout);
        assert!(!r.stdout.is_empty());
    }
    // Any non-empty value turns colour off; an empty one does not (no-color.org).
    let r = on_pty(d.path(), TIMELINE, Some("false"));
    assert!(!r.stdout.contains('\x1b'), "{:?}", r.stdout);
    let r = on_pty(d.path(), TIMELINE, Some(""));
    assert!(r.stdout.contains("\x1b[1;31merror"), "{:?}", r.stdout);
}

#[test]
fn piped_output_has_no_colour() {
    let d = tempfile::tempdir().unwrap();
    logs(d.path());
    for args in [
        TIMELINE,
        &["events", "app.log"][..],
        &["cluster", "app.log"][..],
        &["scan", "app.log"][..],
    ] {
        let r = piped(d.path(), args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        assert!(!r.stdout.is_empty());
        assert!(
            !r.stdout.contains('\x1b') && !r.stderr.contains('\x1b'),
            "{args:?}: {:?} {:?}",
            r.stdout,
            r.stderr
        );
    }
    // And the pty run differs from the piped one by its colour only.
    let tty = on_pty(d.path(), &["events", "app.log", "--no-progress"], None);
    let pipe = piped(d.path(), &["events", "app.log"]);
    assert_eq!(strip_sgr(&tty.stdout), pipe.stdout);
}

/// A log line cannot clear the screen, set the title, or reorder text on the terminal: every
/// escape that reaches it is casefile's own colour, and the hostile bytes are shown as text.
/// The same for a file name, which reaches stderr in a warning.
#[test]
fn escape_sequences_in_logs_are_neutralised_on_a_terminal() {
    let d = tempfile::tempdir().unwrap();
    logs(d.path());
    std::fs::create_dir(d.path().join("more")).unwrap();
    std::fs::write(d.path().join("more/x\x1b]0;pwned\x07.log"), "").unwrap();
    for args in [
        TIMELINE,
        &["events", "app.log", "more", "--no-progress"][..],
        &["cluster", "app.log", "--no-progress"][..],
        &["scan", "app.log", "--no-progress"][..],
    ] {
        let r = on_pty(d.path(), args, None);
        assert!(r.code == 0 || r.code == 2, "{args:?}: {}", r.stdout);
        let text = strip_sgr(&r.stdout);
        for bad in ['\x1b', '\x07', '\u{9b}', '\u{202e}'] {
            assert!(!text.contains(bad), "{args:?}: {bad:?} in {text:?}");
        }
    }
    // What was removed is shown, so the evidence is not hidden.
    let r = on_pty(d.path(), TIMELINE, None);
    assert!(
        r.stdout
            .contains("evil \\x1b[2J\\x1b]0;pwned\\x07 \\x9b31m \\u{202e}txt.exe"),
        "{:?}",
        r.stdout
    );
    let r = on_pty(
        d.path(),
        &["events", "app.log", "more", "--no-progress"],
        None,
    );
    assert_eq!(r.code, 0, "an empty file is a warning: {}", r.stdout);
    assert!(
        r.stdout
            .contains("more/x\\x1b]0;pwned\\x07.log: empty file"),
        "{:?}",
        r.stdout
    );
    // JSON on a terminal: no colour, and escapes stay JSON escapes.
    let r = on_pty(
        d.path(),
        &["trace", "r-1", "app.log", "--json", "--no-progress"],
        None,
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
    let json: Vec<&str> = r.stdout.lines().filter(|l| l.starts_with('{')).collect();
    assert_eq!(json.len(), 3, "{:?}", r.stdout);
    assert!(!r.stdout.contains('\x1b'), "{:?}", r.stdout);
    let first: serde_json::Value = serde_json::from_str(json[0]).unwrap();
    assert_eq!(first["message"], EVIL, "the JSON keeps the exact text");
}

/// Issue 16 §3: on a terminal, `--window`'s context rows are dimmed and the request's marker is
/// bold; the markers themselves are text, so without colour (NO_COLOR, a pipe) they still say it.
#[test]
fn window_context_is_dimmed_and_marked_in_words() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("app.log"),
        concat!(
            "ts=2026-11-28T22:00:00Z level=error msg=\"failed\" request_id=r-1\n",
            "ts=2026-11-28T22:00:01Z level=info msg=\"other request\" request_id=r-2\n",
            "ts=2026-11-28T22:00:02Z level=info msg=\"done\" request_id=r-1\n",
        ),
    )
    .unwrap();
    let args = &["trace", "r-1", "app.log", "--window", "1s", "--no-progress"];
    let r = on_pty(d.path(), args, None);
    assert_eq!(r.code, 0, "{}", r.stdout);
    for painted in [
        "\x1b[1mreq\x1b[0m \x1b[2m2026-11-28T22:00:00.000Z\x1b[0m \x1b[1mapp\x1b[0m \x1b[1;31merror\x1b[0m   failed\n",
        "\x1b[2mctx\x1b[0m \x1b[2m2026-11-28T22:00:01.000Z\x1b[0m \x1b[2mapp\x1b[0m \x1b[2minfo \x1b[0m   \x1b[2mother request\x1b[0m\n",
    ] {
        assert!(r.stdout.contains(painted), "{painted:?} in {:?}", r.stdout);
    }
    let plain = on_pty(d.path(), args, Some("1"));
    assert_eq!(strip_sgr(&r.stdout), plain.stdout);
    let piped = piped(d.path(), &args[..5]);
    assert_eq!(
        piped.stdout,
        concat!(
            "legend: req = the request's 2 event(s), holding its ids; ctx = 1 other event(s) of \
             its services within 1s (--window)\n",
            "req 2026-11-28T22:00:00.000Z app error   failed\n",
            "ctx 2026-11-28T22:00:01.000Z app info    other request\n",
            "req 2026-11-28T22:00:02.000Z app info    done\n",
        )
    );
}
