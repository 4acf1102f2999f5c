//! Remote sources and Jira: configuration errors that teach, and secrets that never leak
//! through arguments, the config file or the output. No server is needed: every case here is
//! refused before anything is sent.

mod common;

use common::casefile_env;

fn write(dir: &std::path::Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

#[test]
fn splunk_without_credentials_names_the_variables() {
    let dir = tempfile::tempdir().unwrap();
    let r = casefile_env(
        dir.path(),
        &["trace", "abc123", "--splunk", "https://127.0.0.1:1"],
        None,
        &[],
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("CASEFILE_SPLUNK_TOKEN"), "{}", r.stderr);
    assert!(r.stderr.contains("CASEFILE_SPLUNK_USER"), "{}", r.stderr);
}

#[test]
fn credentials_in_a_url_are_refused_and_not_echoed() {
    let dir = tempfile::tempdir().unwrap();
    let r = casefile_env(
        dir.path(),
        &[
            "trace",
            "abc123",
            "--elastic",
            "https://admin:s3cr3t-pw@127.0.0.1:1",
        ],
        None,
        &[],
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("credentials"), "{}", r.stderr);
    assert!(!r.stderr.contains("s3cr3t-pw"), "{}", r.stderr);
    assert!(!r.stdout.contains("s3cr3t-pw"));
}

#[test]
fn secrets_in_the_config_file_are_refused_with_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "casefile.toml",
        "[sources.prod]\nkind = \"splunk\"\nurl = \"https://127.0.0.1:1\"\ntoken = \"tok-in-file-123\"\n",
    );
    let r = casefile_env(
        dir.path(),
        &[
            "trace",
            "abc123",
            "--config",
            "casefile.toml",
            "--source",
            "prod",
        ],
        None,
        &[],
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("token_env"), "{}", r.stderr);
    assert!(r.stderr.contains("token_command"), "{}", r.stderr);
    assert!(!r.stderr.contains("tok-in-file-123"), "{}", r.stderr);
}

#[test]
fn unknown_profile_lists_the_known_ones() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "casefile.toml",
        "[sources.prod-logs]\nkind = \"elastic\"\nurl = \"http://127.0.0.1:1\"\n\n[sources.eu]\nkind = \"elastic\"\nurl = \"http://127.0.0.1:2\"\n",
    );
    let r = casefile_env(
        dir.path(),
        &["events", "--config", "casefile.toml", "--source", "prd"],
        None,
        &[],
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("[sources.prd]"), "{}", r.stderr);
    assert!(r.stderr.contains("eu, prod-logs"), "{}", r.stderr);
}

#[test]
fn profile_secret_env_must_be_set() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "casefile.toml",
        "[sources.prod]\nkind = \"elastic\"\nurl = \"http://127.0.0.1:1\"\napi_key_env = \"PROD_KEY_FOR_TEST\"\n",
    );
    let r = casefile_env(
        dir.path(),
        &["cluster", "--config", "casefile.toml", "--source", "prod"],
        None,
        &[],
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("PROD_KEY_FOR_TEST"), "{}", r.stderr);
    assert!(r.stderr.contains("not set"), "{}", r.stderr);
}

#[test]
fn failing_credential_command_is_reported_without_its_output() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "casefile.toml",
        "[sources.prod]\nkind = \"splunk\"\nurl = \"https://127.0.0.1:1\"\ntoken_command = \"echo leaked-token-456; exit 3\"\n",
    );
    let r = casefile_env(
        dir.path(),
        &[
            "trace",
            "abc123",
            "--config",
            "casefile.toml",
            "--source",
            "prod",
        ],
        None,
        &[],
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("token_command"), "{}", r.stderr);
    assert!(r.stderr.contains("failed"), "{}", r.stderr);
    assert!(!r.stderr.contains("leaked-token-456"), "{}", r.stderr);
}

#[test]
fn unreachable_server_is_a_problem_not_a_hang_and_files_still_count() {
    // A closed port on loopback: connection refused, retried with backoff, then reported; the
    // file given alongside is still read and its events printed.
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    write(
        dir.path(),
        "app.log",
        "2026-11-28T10:00:00Z ERROR payment failed request_id=abc123\n",
    );
    let url = format!("http://127.0.0.1:{port}");
    let r = casefile_env(
        dir.path(),
        &[
            "trace",
            "abc123",
            "app.log",
            "--elastic",
            &url,
            "--retries",
            "1",
            "--since",
            "2026-11-28T00:00:00Z",
            "--until",
            "2026-11-29T00:00:00Z",
            "--json",
        ],
        None,
        &[],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(r.json_lines().len(), 1, "{}", r.stdout);
    assert!(r.stderr.contains("refused"), "{}", r.stderr);
    assert!(r.stderr.contains("INCOMPLETE"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("2026-11-28T00:00:00.000Z .. 2026-11-29T00:00:00.000Z"),
        "the searched range is stated: {}",
        r.stderr
    );
}

#[test]
fn default_range_is_stated() {
    let dir = tempfile::tempdir().unwrap();
    let r = casefile_env(
        dir.path(),
        &[
            "events",
            "--elastic",
            "http://127.0.0.1:1",
            "--retries",
            "0",
        ],
        None,
        &[],
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("the last 24 hours"), "{}", r.stderr);
}

#[test]
fn jira_needs_url_and_credentials() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "case.tar.gz", "x");
    let r = casefile_env(
        dir.path(),
        &["jira", "attach", "OPS-1", "case.tar.gz"],
        None,
        &[],
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("CASEFILE_JIRA_URL"), "{}", r.stderr);
    let r = casefile_env(
        dir.path(),
        &["jira", "attach", "OPS-1", "case.tar.gz"],
        None,
        &[("CASEFILE_JIRA_URL", "http://127.0.0.1:1")],
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("CASEFILE_JIRA_TOKEN"), "{}", r.stderr);
    assert!(r.stderr.contains("CASEFILE_JIRA_PAT"), "{}", r.stderr);
    let r = casefile_env(
        dir.path(),
        &["jira", "attach", "not a key", "case.tar.gz", "--dry-run"],
        None,
        &[],
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("PROJECT-123"), "{}", r.stderr);
}

#[test]
fn redirects_are_not_followed_with_credentials() {
    use common::fake_http::{Conn, Request, Server};
    let server = Server::start(std::sync::Arc::new(|_: &Request, conn: &mut Conn| {
        conn.respond(
            302,
            &[
                ("location", "http://127.0.0.2:9/elsewhere"),
                ("content-length", "0"),
            ],
            b"",
        )
    }));
    let dir = tempfile::tempdir().unwrap();
    let r = casefile_env(
        dir.path(),
        &[
            "trace",
            "abc123",
            "--elastic",
            &server.url,
            "--since",
            "2026-11-28T00:00:00Z",
            "--until",
            "2026-11-29T00:00:00Z",
        ],
        None,
        &[("CASEFILE_ELASTIC_API_KEY", "a2V5OnZhbHVl")],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("HTTP 302"), "{}", r.stderr);
    assert!(r.stderr.contains("127.0.0.2:9/elsewhere"), "{}", r.stderr);
    assert!(r.stderr.contains("give that URL"), "{}", r.stderr);
    assert_eq!(
        server.recorded().len(),
        1,
        "one request, no redirect followed"
    );
}
