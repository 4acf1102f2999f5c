//! Credentials (issue 17, "Credentials"): one holding a character that cannot go into a header
//! (a pasted zero-width or no-break space, a control character, a credential command that
//! prints two lines) is refused before any request, naming the variable or command, never the
//! value; and a server that echoes a credential (in an error body, a stream message, an answer
//! that is not JSON) never gets it onto stderr, stdout or the bundle's manifest.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use serde_json::{json, Value};

use common::casefile_env;
use common::fake_http::{Conn, Request, Server};
use common::fake_jira::{FakeJira, JiraConfig};
use common::fake_splunk::{FakeSplunk, SplunkConfig};

const SINCE: &str = "2026-11-28T09:00:00Z";
const UNTIL: &str = "2026-11-28T11:00:00Z";

fn run(args: &[&str], env: &[(&str, &str)]) -> (common::Run, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    (casefile_env(dir.path(), args, None, env), dir)
}

fn clean(r: &common::Run, secret: &str) {
    assert!(
        !r.stderr.contains(secret),
        "secret on stderr:\n{}",
        r.stderr
    );
    assert!(
        !r.stdout.contains(secret),
        "secret on stdout:\n{}",
        r.stdout
    );
}

fn splunk_events(url: &str) -> Vec<&str> {
    vec![
        "events", "--splunk", url, "--since", SINCE, "--until", UNTIL, "--json",
    ]
}

#[test]
fn unsendable_characters_are_refused_before_any_request() {
    let fake = FakeSplunk::start(SplunkConfig {
        token: Some("never-matches".into()),
        ..Default::default()
    });
    for (value, code) in [
        ("tokA\u{200B}SECRET-zwsp-1", "U+200B (zero-width space)"),
        ("tokA\u{00A0}SECRET-nbsp-2", "U+00A0 (no-break space)"),
        ("tokA\u{1b}[2JSECRET-ctl-3", "U+001B (a control character)"),
        ("tokA\nSECRET-lf-4", "U+000A (line feed)"),
    ] {
        let (r, _d) = run(
            &splunk_events(&fake.url),
            &[("CASEFILE_SPLUNK_TOKEN", value)],
        );
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(
            r.stderr.contains(&format!(
                "CASEFILE_SPLUNK_TOKEN: the credential holds {code}"
            )),
            "{code}: {}",
            r.stderr
        );
        assert!(r.stderr.contains("Nothing was sent"), "{}", r.stderr);
        clean(&r, "SECRET");
        clean(&r, "tokA");
    }
    assert_eq!(fake.recorded().len(), 0, "no request with a bad credential");

    // Elasticsearch basic auth: the password may hold spaces, not a no-break space.
    let hits = Arc::new(AtomicUsize::new(0));
    let h2 = hits.clone();
    let es = Server::start(Arc::new(move |_: &Request, conn: &mut Conn| {
        h2.fetch_add(1, Ordering::SeqCst);
        conn.json(500, &json!({}));
    }));
    let (r, _d) = run(
        &[
            "events",
            "--elastic",
            &es.url,
            "--since",
            SINCE,
            "--until",
            UNTIL,
        ],
        &[
            ("CASEFILE_ELASTIC_USER", "reader"),
            ("CASEFILE_ELASTIC_PASSWORD", "pass\u{00A0}SECRET-es"),
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "CASEFILE_ELASTIC_USER/CASEFILE_ELASTIC_PASSWORD: the credential holds U+00A0"
        ),
        "{}",
        r.stderr
    );
    clean(&r, "SECRET-es");
    assert_eq!(hits.load(Ordering::SeqCst), 0);

    // Jira: a personal access token with a zero-width space.
    let jira = FakeJira::start(JiraConfig::data_center("the-pat", &["OPS-1"]));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("case.tar.gz"), b"not read").unwrap();
    let r = casefile_env(
        dir.path(),
        &["jira", "attach", "OPS-1", "case.tar.gz", "--api", "2"],
        None,
        &[
            ("CASEFILE_JIRA_URL", &jira.url),
            ("CASEFILE_JIRA_PAT", "pat\u{200B}SECRET-jira"),
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("CASEFILE_JIRA_PAT: the credential holds U+200B"),
        "{}",
        r.stderr
    );
    clean(&r, "SECRET-jira");
    assert_eq!(jira.recorded().len(), 0);
}

#[test]
fn credential_command_printing_two_lines_is_refused() {
    let fake = FakeSplunk::start(SplunkConfig::default());
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("casefile.toml"),
        format!(
            "[sources.p]\nkind = \"splunk\"\nurl = \"{}\"\n\
             token_command = \"printf 'SECRET-line-1\\\\nSECRET-line-2\\\\n'\"\n",
            fake.url
        ),
    )
    .unwrap();
    let r = casefile_env(
        dir.path(),
        &[
            "events",
            "--config",
            "casefile.toml",
            "--source",
            "p",
            "--since",
            SINCE,
            "--until",
            UNTIL,
        ],
        None,
        &[],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("[sources.p] token_command: the credential command printed 2 lines"),
        "{}",
        r.stderr
    );
    clean(&r, "SECRET-line");
    assert_eq!(fake.recorded().len(), 0);
}

const TOKEN: &str = "echoed-T0KEN-3b9f";

/// A Splunk that answers its n-th export with `answers[n]` (the last one from then on), each
/// echoing the `Authorization` header it got.
fn echoing_splunk(answers: &'static [&'static str]) -> Server {
    let n = Arc::new(AtomicUsize::new(0));
    Server::start(Arc::new(move |req: &Request, conn: &mut Conn| {
        let k = n.fetch_add(1, Ordering::SeqCst).min(answers.len() - 1);
        let auth = req.header("authorization").unwrap_or("").to_string();
        let msg = |kind: &str| json!({"messages": [{"type": kind, "text": format!("rejected credential '{auth}'")}]});
        match answers[k] {
            "401" => conn.json(401, &msg("WARN")),
            "503" => conn.json(503, &msg("ERROR")),
            "fatal" => {
                let row = json!({"preview": false, "offset": 0, "lastrow": true, "result": {
                    "_cd": "1:1", "_raw": "2026-11-28T10:00:00.000Z INFO ok", "_time": "2026-11-28T10:00:00.000+00:00",
                    "host": "h", "source": "/var/log/a.log", "sourcetype": "a"}});
                let body = format!(
                    "{row}\n{}\n",
                    json!({"preview": false, "messages": msg("FATAL")["messages"]})
                );
                conn.respond(
                    200,
                    &[("Content-Type", "application/json")],
                    body.as_bytes(),
                )
            }
            _ => unreachable!(),
        }
    }))
}

fn bundle_splunk(url: &str) -> (common::Run, tempfile::TempDir) {
    run(
        &[
            "bundle",
            "abc123def456",
            "--splunk",
            url,
            "--since",
            SINCE,
            "--until",
            UNTIL,
            "--retries",
            "1",
            "-o",
            "case",
            "--allow-empty",
        ],
        &[("CASEFILE_SPLUNK_TOKEN", TOKEN)],
    )
}

fn manifest(dir: &tempfile::TempDir) -> String {
    std::fs::read_to_string(dir.path().join("case/manifest.json")).unwrap_or_default()
}

#[test]
fn server_echoes_of_a_credential_are_scrubbed() {
    // A 401 whose body quotes the header; a 503 (retried, said on stderr) that does the same.
    static REFUSE: [&str; 2] = ["503", "401"];
    let fake = echoing_splunk(&REFUSE);
    let (r, dir) = bundle_splunk(&fake.url);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("rejected credential 'Bearer ***'"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("retrying in"), "{}", r.stderr);
    clean(&r, TOKEN);
    assert!(!manifest(&dir).contains(TOKEN));

    // A FATAL message in the export stream that quotes it: the note in the manifest too.
    static FATAL: [&str; 1] = ["fatal"];
    let fake = echoing_splunk(&FATAL);
    let (r, dir) = bundle_splunk(&fake.url);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("FATAL: rejected credential 'Bearer ***'"),
        "{}",
        r.stderr
    );
    clean(&r, TOKEN);
    let m = manifest(&dir);
    assert!(m.contains("rejected credential 'Bearer ***'"), "{m}");
    assert!(!m.contains(TOKEN), "{m}");
    let v: Value = serde_json::from_str(&m).unwrap();
    assert_eq!(v["remote_sources"][0]["complete"], false);

    // Elasticsearch basic auth echoed in an answer that is not JSON: the password, and the
    // base64 of user:password as Basic sends it.
    let es = Server::start(Arc::new(|req: &Request, conn: &mut Conn| {
        let auth = req.header("authorization").unwrap_or("").to_string();
        conn.respond(
            200,
            &[("Content-Type", "text/html")],
            format!("<html>welcome {auth} / pw=S3cret-pw-es</html>").as_bytes(),
        );
    }));
    let (r, _d) = run(
        &[
            "events",
            "--elastic",
            &es.url,
            "--since",
            SINCE,
            "--until",
            UNTIL,
        ],
        &[
            ("CASEFILE_ELASTIC_USER", "reader"),
            ("CASEFILE_ELASTIC_PASSWORD", "S3cret-pw-es"),
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("not JSON"), "{}", r.stderr);
    assert!(
        r.stderr.contains("welcome Basic *** / pw=***"),
        "{}",
        r.stderr
    );
    clean(&r, "S3cret-pw-es");
    clean(
        &r,
        &common::fake_http::base64_encode(b"reader:S3cret-pw-es"),
    );

    // Jira: an error body that quotes the token.
    let jira = Server::start(Arc::new(|req: &Request, conn: &mut Conn| {
        let auth = req.header("authorization").unwrap_or("").to_string();
        conn.json(
            400,
            &json!({"errorMessages": [format!("bad header {auth}")], "errors": {}}),
        );
    }));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("case.tar.gz"), b"bytes").unwrap();
    let r = casefile_env(
        dir.path(),
        &[
            "jira",
            "attach",
            "OPS-1",
            "case.tar.gz",
            "--api",
            "2",
            "--no-comment",
        ],
        None,
        &[
            ("CASEFILE_JIRA_URL", &jira.url),
            ("CASEFILE_JIRA_PAT", "pat-S3CRET-j1ra"),
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("bad header Bearer ***"), "{}", r.stderr);
    clean(&r, "pat-S3CRET-j1ra");
}
