//! `casefile jira attach KEY BUNDLE` against `common::fake_jira`: a real bundle of the checkout
//! scenario is uploaded byte for byte (multipart part `file`, `X-Atlassian-Token: no-check`) and
//! summarised in one comment (ADF for REST v3 / Cloud, wiki markup for v2 / Data Center);
//! `--dry-run` sends nothing; 401/403/404/413 are exit 2 with a message that says what to fix;
//! no credential is ever printed. The `fake_*` tests pin the fakes to the documented formats.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};

use common::fake_http::{base64_encode, multipart_body, parse_multipart, request, Part};
use common::fake_jira::*;
use common::*;
use serde_json::{json, Value};

const ID: &str = "ee23490f28307d7b";
const EMAIL: &str = "oncall@example.com";
const TOKEN: &str = "ATATT3xFfGF0-jira-api-token-77aa";
const PAT: &str = "NjM2ODk5OTQ1NjM4OpatSecret+dc/0xYz";

/// `casefile bundle ee23490f28307d7b logs -o <dir>/case.tar.gz` in fixtures/checkout.
fn make_bundle(dir: &Path) -> PathBuf {
    let out = dir.join("case.tar.gz");
    let r = casefile_env(
        &fixtures().join("checkout"),
        &["bundle", ID, "logs", "-o", out.to_str().unwrap()],
        None,
        &[],
    );
    assert_eq!(r.code, 0, "bundle failed:\n{}", r.stderr);
    out
}

/// One file of a .tar.gz bundle.
fn bundle_file(bundle: &Path, name: &str) -> String {
    let mut a = tar::Archive::new(flate2::read::GzDecoder::new(
        std::fs::File::open(bundle).unwrap(),
    ));
    for e in a.entries().unwrap() {
        let mut e = e.unwrap();
        let path = e.path().unwrap().to_string_lossy().into_owned();
        if path.trim_start_matches("./").ends_with(name) {
            let mut s = String::new();
            e.read_to_string(&mut s).unwrap();
            return s;
        }
    }
    panic!("{name} not in {}", bundle.display())
}

fn cloud_env(url: &str) -> Vec<(&str, &str)> {
    vec![
        ("CASEFILE_JIRA_URL", url),
        ("CASEFILE_JIRA_EMAIL", EMAIL),
        ("CASEFILE_JIRA_TOKEN", TOKEN),
    ]
}

fn attach(dir: &Path, key: &str, bundle: &Path, extra: &[&str], env: &[(&str, &str)]) -> Run {
    let mut args = vec!["jira", "attach", key, bundle.to_str().unwrap()];
    args.extend_from_slice(extra);
    casefile_env(dir, &args, None, env)
}

fn basic() -> String {
    format!(
        "Basic {}",
        base64_encode(format!("{EMAIL}:{TOKEN}").as_bytes())
    )
}

fn no_secret(r: &Run) {
    for s in [TOKEN, PAT, basic().trim_start_matches("Basic ")] {
        assert!(!r.stdout.contains(s), "a secret on stdout:\n{}", r.stdout);
        assert!(!r.stderr.contains(s), "a secret on stderr:\n{}", r.stderr);
    }
}

#[test]
fn cloud_uploads_the_bundle_then_comments_in_adf() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = make_bundle(dir.path());
    let fake = FakeJira::start(JiraConfig::cloud(EMAIL, TOKEN, &["CASE-123"]));
    let r = attach(dir.path(), "CASE-123", &bundle, &[], &cloud_env(&fake.url));
    assert_eq!(r.code, 0, "stderr:\n{}", r.stderr);

    let reqs = fake.recorded();
    assert_eq!(reqs.len(), 2, "{reqs:#?}");
    let (up, com) = (&reqs[0], &reqs[1]);
    assert_eq!(
        (up.method.as_str(), up.path.as_str(), up.status),
        ("POST", "/rest/api/3/issue/CASE-123/attachments", 200)
    );
    assert_eq!(up.header("x-atlassian-token"), Some("no-check"));
    assert_eq!(up.header("authorization"), Some(&*basic()));
    assert!(up
        .header("content-type")
        .unwrap()
        .starts_with("multipart/form-data"));
    assert_eq!(
        (com.method.as_str(), com.path.as_str(), com.status),
        ("POST", "/rest/api/3/issue/CASE-123/comment", 201),
        "rejected: {:?}",
        fake.rejected.lock().unwrap()
    );
    assert_eq!(com.header("authorization"), Some(&*basic()));

    let uploads = fake.uploads();
    assert_eq!(uploads.len(), 1);
    assert_eq!(uploads[0].filename, "case.tar.gz");
    assert!(
        uploads[0].bytes == std::fs::read(&bundle).unwrap(),
        "the uploaded bytes are not the bundle's"
    );
    let parts = up.multipart().unwrap();
    assert_eq!(parts.len(), 1, "one part, named file");
    assert_eq!(parts[0].name, "file");

    let comments = fake.comments();
    assert_eq!(comments.len(), 1);
    assert_eq!(comments[0].api, 3);
    validate_adf(&comments[0].body).unwrap();
    let text = adf_text(&comments[0].body);
    assert!(text.contains(ID), "{text}");
    no_secret(&r);
}

#[test]
fn data_center_api_2_uses_the_pat_and_wiki_markup() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = make_bundle(dir.path());
    let fake = FakeJira::start(JiraConfig {
        context_path: "/jira".into(),
        ..JiraConfig::data_center(PAT, &["OPS-7"])
    });
    assert!(fake.url.ends_with("/jira"));
    let r = attach(
        dir.path(),
        "OPS-7",
        &bundle,
        &["--api", "2"],
        &[("CASEFILE_JIRA_URL", &fake.url), ("CASEFILE_JIRA_PAT", PAT)],
    );
    assert_eq!(r.code, 0, "stderr:\n{}", r.stderr);
    let reqs = fake.recorded();
    let paths: Vec<(&str, u16)> = reqs.iter().map(|q| (q.path.as_str(), q.status)).collect();
    assert_eq!(
        paths,
        [
            ("/jira/rest/api/2/issue/OPS-7/attachments", 200),
            ("/jira/rest/api/2/issue/OPS-7/comment", 201)
        ]
    );
    for q in &reqs {
        assert_eq!(q.header("authorization"), Some(&*format!("Bearer {PAT}")));
    }
    assert_eq!(reqs[0].header("x-atlassian-token"), Some("no-check"));
    assert!(fake.uploads()[0].bytes == std::fs::read(&bundle).unwrap());

    let comment = &fake.comments()[0];
    assert_eq!(comment.api, 2);
    let body = comment.body.as_str().expect("v2 comment body is a string");
    let jira_txt = bundle_file(&bundle, "summary.jira.txt");
    let first = jira_txt.lines().next().unwrap();
    assert!(first.contains(ID), "{first}");
    assert!(
        body.contains(first),
        "comment:\n{body}\nsummary.jira.txt:\n{jira_txt}"
    );
    no_secret(&r);
}

#[test]
fn no_comment_attaches_and_sends_no_comment() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = make_bundle(dir.path());
    let size = std::fs::metadata(&bundle).unwrap().len();
    let fake = FakeJira::start(JiraConfig::cloud(EMAIL, TOKEN, &["CASE-123"]));
    let r = attach(
        dir.path(),
        "CASE-123",
        &bundle,
        &["--no-comment"],
        &cloud_env(&fake.url),
    );
    assert_eq!(r.code, 0, "stderr:\n{}", r.stderr);
    let reqs = fake.recorded();
    let calls: Vec<(&str, &str, u16)> = reqs
        .iter()
        .map(|q| (q.method.as_str(), q.path.as_str(), q.status))
        .collect();
    assert_eq!(
        calls,
        [("POST", "/rest/api/3/issue/CASE-123/attachments", 200)],
        "the upload and nothing else"
    );
    assert_eq!(reqs[0].header("x-atlassian-token"), Some("no-check"));
    assert_eq!(reqs[0].header("authorization"), Some(&*basic()));
    let uploads = fake.uploads();
    assert_eq!(uploads.len(), 1);
    assert_eq!(uploads[0].filename, "case.tar.gz");
    assert!(
        uploads[0].bytes == std::fs::read(&bundle).unwrap(),
        "the uploaded bytes are not the bundle's"
    );
    assert!(fake.comments().is_empty());
    assert_eq!(
        r.stdout,
        format!(
            "CASE-123: attached {} ({size} bytes, attachment 10000)\n",
            bundle.display()
        )
    );
    no_secret(&r);
}

#[test]
fn dry_run_sends_nothing_and_says_what_it_would_send() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = make_bundle(dir.path());
    let size = std::fs::metadata(&bundle).unwrap().len();
    let fake = FakeJira::start(JiraConfig::cloud(EMAIL, TOKEN, &["CASE-123"]));
    let r = attach(
        dir.path(),
        "CASE-123",
        &bundle,
        &["--dry-run"],
        &cloud_env(&fake.url),
    );
    assert_eq!(r.code, 0, "stderr:\n{}", r.stderr);
    assert!(fake.recorded().is_empty(), "{:#?}", fake.recorded());
    let out = &r.stdout;
    assert!(out.contains("POST"), "{out}");
    assert!(
        out.contains(&format!(
            "{}/rest/api/3/issue/CASE-123/attachments",
            fake.url
        )),
        "{out}"
    );
    assert!(out.contains("case.tar.gz"), "{out}");
    assert!(
        out.contains(&size.to_string()),
        "size {size} not in:\n{out}"
    );
    assert!(out.contains(ID), "the comment is shown:\n{out}");
    no_secret(&r);
}

#[test]
fn too_large_for_jira_is_413_with_the_size_and_a_way_out() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = make_bundle(dir.path());
    let size = std::fs::metadata(&bundle).unwrap().len();
    let fake = FakeJira::start(JiraConfig {
        max_attachment_bytes: Some(4096),
        ..JiraConfig::cloud(EMAIL, TOKEN, &["CASE-123"])
    });
    let r = attach(dir.path(), "CASE-123", &bundle, &[], &cloud_env(&fake.url));
    assert_eq!(r.code, 2, "stderr:\n{}", r.stderr);
    assert_eq!(fake.recorded()[0].status, 413);
    assert!(r.stderr.contains("--max-events"), "{}", r.stderr);
    let kib = format!("{:.1}", size as f64 / 1024.0);
    assert!(
        r.stderr.contains(&size.to_string())
            || r.stderr.contains("4096")
            || r.stderr.contains(&kib),
        "the size is named:\n{}",
        r.stderr
    );
    assert!(fake.comments().is_empty());
    assert_eq!(fake.recorded().len(), 1, "no comment after a failed upload");
    no_secret(&r);
}

#[test]
fn wrong_api_token_is_401_naming_the_variables() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = make_bundle(dir.path());
    let fake = FakeJira::start(JiraConfig::cloud(EMAIL, "the-real-token", &["CASE-123"]));
    let r = attach(dir.path(), "CASE-123", &bundle, &[], &cloud_env(&fake.url));
    assert_eq!(r.code, 2, "stderr:\n{}", r.stderr);
    assert_eq!(fake.recorded()[0].status, 401);
    assert!(r.stderr.contains("CASEFILE_JIRA_EMAIL"), "{}", r.stderr);
    assert!(r.stderr.contains("CASEFILE_JIRA_TOKEN"), "{}", r.stderr);
    assert_eq!(fake.recorded().len(), 1);
    no_secret(&r);
}

#[test]
fn wrong_pat_is_401_naming_the_variable() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = make_bundle(dir.path());
    let fake = FakeJira::start(JiraConfig::data_center("another-pat", &["OPS-7"]));
    let r = attach(
        dir.path(),
        "OPS-7",
        &bundle,
        &["--api", "2"],
        &[("CASEFILE_JIRA_URL", &fake.url), ("CASEFILE_JIRA_PAT", PAT)],
    );
    assert_eq!(r.code, 2, "stderr:\n{}", r.stderr);
    assert!(r.stderr.contains("CASEFILE_JIRA_PAT"), "{}", r.stderr);
    no_secret(&r);
}

#[test]
fn no_attach_permission_is_403_naming_the_account_variables() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = make_bundle(dir.path());
    let fake = FakeJira::start(JiraConfig {
        no_attach_permission: vec!["CASE-123".into()],
        ..JiraConfig::cloud(EMAIL, TOKEN, &["CASE-123"])
    });
    let r = attach(dir.path(), "CASE-123", &bundle, &[], &cloud_env(&fake.url));
    assert_eq!(r.code, 2, "stderr:\n{}", r.stderr);
    assert_eq!(fake.recorded()[0].status, 403);
    assert!(r.stderr.contains("CASEFILE_JIRA_EMAIL"), "{}", r.stderr);
    assert!(fake.comments().is_empty());
    no_secret(&r);
}

#[test]
fn unknown_issue_is_404_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = make_bundle(dir.path());
    let fake = FakeJira::start(JiraConfig::cloud(EMAIL, TOKEN, &["CASE-123"]));
    let r = attach(dir.path(), "NOPE-404", &bundle, &[], &cloud_env(&fake.url));
    assert_eq!(r.code, 2, "stderr:\n{}", r.stderr);
    assert_eq!(fake.recorded()[0].status, 404);
    assert!(r.stderr.contains("NOPE-404"), "{}", r.stderr);
    no_secret(&r);
}

// ---------------------------------------------------------------------------------------------
// The fakes themselves.

fn upload_directly(
    fake: &FakeJira,
    key: &str,
    xsrf: bool,
    bytes: &[u8],
) -> common::fake_http::Response {
    let boundary = "xYzZY-boundary";
    let body = multipart_body(
        boundary,
        &[Part {
            name: "file".into(),
            filename: Some("case.tar.gz".into()),
            content_type: Some("application/gzip".into()),
            bytes: bytes.to_vec(),
        }],
    );
    let ct = format!("multipart/form-data; boundary={boundary}");
    let auth = basic();
    let mut h = vec![
        ("Authorization", auth.as_str()),
        ("Content-Type", ct.as_str()),
    ];
    if xsrf {
        h.push(("X-Atlassian-Token", "no-check"));
    }
    request(
        &fake.url,
        "POST",
        &format!("/rest/api/3/issue/{key}/attachments"),
        &h,
        &body,
    )
}

#[test]
fn fake_jira_attachments_need_the_xsrf_header_and_answer_an_array() {
    let fake = FakeJira::start(JiraConfig::cloud(EMAIL, TOKEN, &["CASE-123"]));
    // Bytes that look like a delimiter must survive.
    let bytes = b"\x1f\x8b\x08\x00\r\n--xYzZY-boundar\r\n\0\xff".to_vec();
    let r = upload_directly(&fake, "CASE-123", false, &bytes);
    assert_eq!((r.status, r.text().as_str()), (403, "XSRF check failed"));
    let r = upload_directly(&fake, "case-123", true, &bytes);
    assert_eq!(r.status, 200, "{}", r.text());
    let a = r.json();
    let a = &a.as_array().unwrap()[0];
    for k in [
        "self", "id", "filename", "author", "created", "size", "mimeType", "content",
    ] {
        assert!(a.get(k).is_some(), "{k} missing in {a}");
    }
    assert!(a["id"].is_string());
    assert_eq!(a["size"], bytes.len());
    assert_eq!(a["filename"], "case.tar.gz");
    assert_eq!(a["mimeType"], "application/gzip");
    assert_eq!(fake.uploads()[0].bytes, bytes);
    assert_eq!(fake.uploads()[0].issue, "CASE-123");
}

#[test]
fn fake_jira_auth_and_issue_errors() {
    let fake = FakeJira::start(JiraConfig::cloud(EMAIL, TOKEN, &["CASE-123"]));
    let comment = br#"{"body":"x"}"#;
    let json_ct = ("Content-Type", "application/json");
    let wrong = format!("Basic {}", base64_encode(b"oncall@example.com:nope"));
    let r = request(
        &fake.url,
        "POST",
        "/rest/api/2/issue/CASE-123/comment",
        &[json_ct, ("Authorization", &wrong)],
        comment,
    );
    assert_eq!(r.status, 401);
    assert!(r.text().contains("Client must be authenticated"));
    // Anonymous on Cloud: the issue is masked.
    let r = request(
        &fake.url,
        "POST",
        "/rest/api/2/issue/CASE-123/comment",
        &[json_ct],
        comment,
    );
    assert_eq!(r.status, 404);
    let auth = basic();
    let r = request(
        &fake.url,
        "POST",
        "/rest/api/2/issue/NOPE-1/comment",
        &[json_ct, ("Authorization", &auth)],
        comment,
    );
    assert_eq!(
        r.json(),
        json!({"errorMessages": ["Issue does not exist or you do not have permission to see it."], "errors": {}})
    );
    let r = request(
        &fake.url,
        "POST",
        "/rest/api/2/issue/CASE-123/comment",
        &[json_ct, ("Authorization", &auth)],
        comment,
    );
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["body"], "x");

    let dc = FakeJira::start(JiraConfig::data_center(PAT, &["OPS-7"]));
    let bearer = format!("Bearer {PAT}");
    let r = request(
        &dc.url,
        "POST",
        "/rest/api/3/issue/OPS-7/comment",
        &[json_ct, ("Authorization", &bearer)],
        comment,
    );
    assert_eq!(r.status, 404);
    assert!(r.json()["errorMessages"][0]
        .as_str()
        .unwrap()
        .starts_with("null for uri: "));
    let r = request(
        &dc.url,
        "POST",
        "/rest/api/2/issue/OPS-7/comment",
        &[json_ct],
        comment,
    );
    assert_eq!(r.status, 401);
}

#[test]
fn fake_jira_validates_adf_comments() {
    let fake = FakeJira::start(JiraConfig::cloud(EMAIL, TOKEN, &["CASE-123"]));
    let auth = basic();
    let post = |body: &Value| {
        request(
            &fake.url,
            "POST",
            "/rest/api/3/issue/CASE-123/comment",
            &[
                ("Content-Type", "application/json"),
                ("Authorization", &auth),
            ],
            json!({ "body": body }).to_string().as_bytes(),
        )
    };
    let good = json!({"type": "doc", "version": 1, "content": [
        {"type": "heading", "attrs": {"level": 2}, "content": [{"type": "text", "text": "Evidence"}]},
        {"type": "paragraph", "content": [
            {"type": "text", "text": "request ", "marks": [{"type": "strong"}]},
            {"type": "text", "text": ID, "marks": [{"type": "code"}]},
            {"type": "hardBreak"},
            {"type": "text", "text": "runbook", "marks": [{"type": "link", "attrs": {"href": "https://example.com"}}]}
        ]},
        {"type": "bulletList", "content": [{"type": "listItem", "content": [
            {"type": "paragraph", "content": [{"type": "text", "text": "edge 1"}]}]}]},
        {"type": "codeBlock", "attrs": {"language": "text"}, "content": [{"type": "text", "text": "Traceback"}]},
        {"type": "rule"},
        {"type": "table", "content": [{"type": "tableRow", "content": [
            {"type": "tableHeader", "content": [{"type": "paragraph", "content": [{"type": "text", "text": "count"}]}]},
            {"type": "tableCell", "content": [{"type": "paragraph"}]}]}]}
    ]});
    let r = post(&good);
    assert_eq!(r.status, 201, "{:?}", r.header("x-fake-adf-error"));
    assert_eq!(r.json()["body"], good);
    assert!(adf_text(&good).contains(&format!("request {ID}\nrunbook")));

    let bad = [
        json!("a plain string"),
        json!({"type": "doc", "version": 2, "content": []}),
        json!({"type": "doc", "version": 1, "content": [{"type": "text", "text": "bare"}]}),
        json!({"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": [{"type": "text", "text": ""}]}]}),
        json!({"type": "doc", "version": 1, "content": [{"type": "heading", "content": []}]}),
        json!({"type": "doc", "version": 1, "content": [{"type": "bulletList", "content": [{"type": "paragraph"}]}]}),
        json!({"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": [
            {"type": "text", "text": "x", "marks": [{"type": "code"}, {"type": "strong"}]}]}]}),
        json!({"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": [
            {"type": "text", "text": "x", "marks": [{"type": "bold"}]}]}]}),
        json!({"type": "doc", "version": 1, "content": [{"type": "codeBlock", "content": [
            {"type": "text", "text": "x", "marks": [{"type": "em"}]}]}]}),
        json!({"type": "doc", "version": 1, "content": [{"type": "paragraph", "style": "x"}]}),
    ];
    for b in &bad {
        let r = post(b);
        assert_eq!(r.status, 400, "accepted: {b}");
        assert_eq!(
            r.json(),
            json!({"errorMessages": [], "errors": {"comment": "Comment body is not valid!"}})
        );
    }
    assert_eq!(fake.comments().len(), 1);
    assert_eq!(fake.rejected.lock().unwrap().len(), bad.len());
}

#[test]
fn fake_http_reads_chunked_bodies_and_multipart_details() {
    let fake = FakeJira::start(JiraConfig::cloud(EMAIL, TOKEN, &["CASE-123"]));
    let host = fake.url.strip_prefix("http://").unwrap();
    let mut s = TcpStream::connect(host).unwrap();
    let body = r#"{"body":"chunked comment"}"#;
    let (a, b) = body.split_at(7);
    write!(
        s,
        "POST /rest/api/2/issue/CASE-123/comment HTTP/1.1\r\nHost: {host}\r\nauthorization: {}\r\nCONTENT-TYPE: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n{:x}\r\n{a}\r\n{:x};ext=1\r\n{b}\r\n0\r\nX-Trailer: t\r\n\r\n",
        basic(),
        a.len(),
        b.len()
    )
    .unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    assert!(resp.starts_with("HTTP/1.1 201"), "{resp}");
    assert_eq!(fake.recorded()[0].body, body.as_bytes());
    assert_eq!(
        fake.recorded()[0].header("Content-Type"),
        Some("application/json")
    );

    // Quoted boundary, a preamble, RFC 5987 file name, a part without a file name.
    let raw = b"preamble\r\n--b 1\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n--b 1\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.txt\"; filename*=UTF-8''na%C3%AFve%20case.tar.gz\r\nContent-Type: application/gzip\r\n\r\n\r\n--b 2\r\n--b 1--\r\nepilogue";
    let parts = parse_multipart("multipart/form-data; boundary=\"b 1\"", raw).unwrap();
    assert_eq!(parts.len(), 2);
    assert_eq!(
        (parts[0].name.as_str(), parts[0].bytes.as_slice()),
        ("note", &b"hi"[..])
    );
    assert_eq!(parts[1].filename.as_deref(), Some("naïve case.tar.gz"));
    assert_eq!(parts[1].bytes, b"\r\n--b 2");
    assert!(parse_multipart(
        "multipart/form-data; boundary=zz",
        b"--zz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end"
    )
    .is_err());
}
