//! A Jira for tests (Cloud REST v3 + v2, or Data Center REST v2), faithful to the documented wire
//! format of the two operations `casefile jira attach` uses: add attachment and add comment.
//! Uploaded parts and accepted comments are recorded so tests can assert the exact bytes.
//!
//! Endpoints, under an optional context path (Data Center is often served at `/jira`):
//! - `POST /rest/api/{3,2}/issue/{key}/attachments`: `multipart/form-data`, every part named
//!   `file` (with a filename) is one attachment; the header `X-Atlassian-Token: no-check` is
//!   required, else 403 `XSRF check failed` (text/plain). 200 with a JSON array of attachment
//!   objects: `self`, `id` (a string), `filename`, `author`, `created`
//!   (`2026-11-28T10:00:00.000+0000`), `size`, `mimeType`, `content`. Sources: Jira Cloud
//!   platform REST API v3 "Issue attachments > Add attachment" (the `X-Atlassian-Token` note,
//!   "the name of the multipart/form-data parameter that contains the attachments must be
//!   `file`", the `Attachment` schema with `id: string`); Jira DC REST v2 has the same
//!   resource, its `content` being `<base>/secure/attachment/<id>/<filename>`.
//!   Not multipart: 415. A multipart body without a `file` part: 400 (our choice; undocumented).
//!   A file over `max_attachment_bytes`: 413 (status documented by the v3 reference: "the
//!   attachments exceed the maximum attachment size for issues") with
//!   `{"errorMessages":["The field file exceeds its maximum permitted size of N bytes."],"errors":{}}`
//!   (the message Jira's multipart parser gives, as quoted in a jira-client issue). An issue in
//!   `no_attach_permission`: 403
//!   `{"errorMessages":["You do not have permission to create attachments for this issue."],"errors":{}}`.
//! - `POST /rest/api/3/issue/{key}/comment` with `{"body": <ADF doc>}`: 201 with the comment
//!   (`self`, `id`, `author`, `body`, `updateAuthor`, `created`, `updated`, `jsdPublic`). An
//!   invalid document: 400 `{"errorMessages":[],"errors":{"comment":"Comment body is not valid!"}}`
//!   (what Jira Cloud answers, as quoted in several clients' fixes), with the reason in a
//!   `X-Fake-Adf-Error` header and in [`FakeJira::rejected`]; no body: 400
//!   `{"errorMessages":[],"errors":{"comment":"Comment body can not be empty!"}}`. ADF checked
//!   against the Atlassian Document Format structure docs / JSON schema: `doc` with `version: 1`
//!   and block content; block nodes `paragraph`, `heading` (`attrs.level` 1-6), `bulletList`,
//!   `orderedList` (`attrs.order` >= 0), `listItem` (first child a paragraph or codeBlock),
//!   `codeBlock` (text without marks, `attrs.language`), `blockquote`, `rule`, `panel`
//!   (`attrs.panelType`), `table`/`tableRow`/`tableHeader`/`tableCell`, `expand`; inline nodes
//!   `text` (non-empty, marks `strong em code strike underline link(href) subsup textColor
//!   backgroundColor`, no mark twice, `code` only with `link`), `hardBreak`, `mention`, `emoji`,
//!   `inlineCard`, `date`, `status`; no unknown keys on a node.
//! - `POST /rest/api/2/issue/{key}/comment` with `{"body": "wiki markup"}`: 201 with the comment.
//!   Empty or not a string: 400 as above.
//! - A comment over 32,767 characters (v2: the string; v3: the serialized ADF) is 400
//!   `{"errorMessages":[],"errors":{"comment":"The entered text is too long. It exceeds the allowed limit of 32,767 characters."}}`.
//! - Comments must be `Content-Type: application/json` (else 415).
//!
//! Auth and errors, checked in this order:
//! - Cloud: `Authorization: Basic base64(email:api_token)`; Data Center: `Authorization: Bearer
//!   <personal access token>`. Wrong credentials: 401 (Cloud: text/plain `Client must be
//!   authenticated to access this resource.`, as a live Cloud answers; DC: the same text as
//!   `{"errorMessages":[...],"errors":{}}`). No credentials at all: Cloud treats the caller as
//!   anonymous and answers 404 for the issue (as Cloud masks it), DC answers 401.
//! - Data Center has no `/rest/api/3`: 404 `{"errorMessages":["null for uri: <url>"]}` (Jersey).
//! - Unknown issue: 404
//!   `{"errorMessages":["Issue does not exist or you do not have permission to see it."],"errors":{}}`.
//! - Then the XSRF header (attachments), the media type, and the body.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};

use super::fake_http::{base64_decode, Conn, Log, Recorded, Request, Server};
use super::fake_splunk::format_utc_ms;

const MAX_COMMENT_CHARS: usize = 32_767;

#[derive(Clone, Debug, Default)]
pub struct JiraConfig {
    /// Existing issue keys (`CASE-1`); looked up case-insensitively, as Jira does.
    pub issues: Vec<String>,
    /// Cloud: the accepted account email and API token (Basic).
    pub cloud: Option<(String, String)>,
    /// Data Center: the accepted personal access token (Bearer).
    pub pat: Option<String>,
    /// Data Center: no `/rest/api/3`, anonymous requests get 401.
    pub data_center: bool,
    /// Served under this path (`/jira`), no trailing slash; `url` includes it.
    pub context_path: String,
    /// Attachments larger than this get 413.
    pub max_attachment_bytes: Option<u64>,
    /// Issues on which the user may not attach (403).
    pub no_attach_permission: Vec<String>,
}

impl JiraConfig {
    pub fn cloud(email: &str, token: &str, issues: &[&str]) -> JiraConfig {
        JiraConfig {
            issues: issues.iter().map(|s| s.to_string()).collect(),
            cloud: Some((email.into(), token.into())),
            ..Default::default()
        }
    }
    pub fn data_center(pat: &str, issues: &[&str]) -> JiraConfig {
        JiraConfig {
            issues: issues.iter().map(|s| s.to_string()).collect(),
            pat: Some(pat.into()),
            data_center: true,
            ..Default::default()
        }
    }
}

/// One attachment Jira accepted.
#[derive(Clone, Debug)]
pub struct Upload {
    pub issue: String,
    pub api: u8,
    pub id: String,
    pub filename: String,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

/// One comment Jira accepted (`body`: the ADF object for v3, the string for v2).
#[derive(Clone, Debug)]
pub struct Comment {
    pub issue: String,
    pub api: u8,
    pub id: String,
    pub body: Value,
}

pub struct FakeJira {
    /// `http://127.0.0.1:PORT[/context]`
    pub url: String,
    pub requests: Log,
    pub uploads: Arc<Mutex<Vec<Upload>>>,
    pub comments: Arc<Mutex<Vec<Comment>>>,
    /// Why comment bodies were refused (ADF errors), in order.
    pub rejected: Arc<Mutex<Vec<String>>>,
    _server: Server,
}

impl FakeJira {
    pub fn start(config: JiraConfig) -> FakeJira {
        let uploads: Arc<Mutex<Vec<Upload>>> = Arc::default();
        let comments: Arc<Mutex<Vec<Comment>>> = Arc::default();
        let rejected: Arc<Mutex<Vec<String>>> = Arc::default();
        let base: Arc<Mutex<String>> = Arc::default();
        let context = config.context_path.trim_end_matches('/').to_string();
        let state = Arc::new(State {
            config: JiraConfig {
                context_path: context.clone(),
                ..config
            },
            base: base.clone(),
            uploads: uploads.clone(),
            comments: comments.clone(),
            rejected: rejected.clone(),
            next_id: AtomicU64::new(10000),
        });
        let server = Server::start(Arc::new(move |req: &Request, conn: &mut Conn| {
            state.handle(req, conn)
        }));
        *base.lock().unwrap() = server.url.clone();
        FakeJira {
            url: format!("{}{context}", server.url),
            requests: server.requests.clone(),
            uploads,
            comments,
            rejected,
            _server: server,
        }
    }

    pub fn recorded(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }
    pub fn uploads(&self) -> Vec<Upload> {
        self.uploads.lock().unwrap().clone()
    }
    pub fn comments(&self) -> Vec<Comment> {
        self.comments.lock().unwrap().clone()
    }
}

struct State {
    config: JiraConfig,
    /// `http://127.0.0.1:PORT` (without the context path).
    base: Arc<Mutex<String>>,
    uploads: Arc<Mutex<Vec<Upload>>>,
    comments: Arc<Mutex<Vec<Comment>>>,
    rejected: Arc<Mutex<Vec<String>>>,
    next_id: AtomicU64,
}

enum Op {
    Attach,
    Comment,
}

fn errors(msgs: &[&str], errs: Value) -> Value {
    json!({"errorMessages": msgs, "errors": errs})
}

fn comment_error(text: &str) -> Value {
    errors(&[], json!({ "comment": text }))
}

fn now_jira() -> String {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    // 2026-11-28T10:00:00.000Z -> 2026-11-28T10:00:00.000+0000
    format_utc_ms(ms).replace('Z', "+0000")
}

impl State {
    /// `http://127.0.0.1:PORT/context`
    fn url(&self) -> String {
        format!("{}{}", self.base.lock().unwrap(), self.config.context_path)
    }

    fn author(&self) -> Value {
        let avatars = json!({
            "48x48": "https://avatar.example.invalid/48.png",
            "24x24": "https://avatar.example.invalid/24.png",
            "16x16": "https://avatar.example.invalid/16.png",
            "32x32": "https://avatar.example.invalid/32.png",
        });
        if self.config.data_center {
            json!({
                "self": format!("{}/rest/api/2/user?username=casefile", self.url()),
                "name": "casefile", "key": "JIRAUSER10100",
                "emailAddress": "casefile@example.com", "avatarUrls": avatars,
                "displayName": "Casefile Bot", "active": true, "timeZone": "Etc/UTC",
            })
        } else {
            let email = self
                .config
                .cloud
                .as_ref()
                .map(|c| c.0.clone())
                .unwrap_or_default();
            json!({
                "self": format!("{}/rest/api/3/user?accountId=5b10a2844c20165700ede21g", self.url()),
                "accountId": "5b10a2844c20165700ede21g", "emailAddress": email,
                "avatarUrls": avatars, "displayName": "Casefile Bot", "active": true,
                "timeZone": "Etc/UTC", "accountType": "atlassian",
            })
        }
    }

    /// `Some(true)` authenticated, `Some(false)` anonymous, `None` wrong credentials.
    fn auth(&self, req: &Request) -> Option<bool> {
        let Some(h) = req.header("authorization") else {
            return Some(false);
        };
        let (scheme, cred) = h.split_once(' ').unwrap_or((h, ""));
        let cred = cred.trim();
        let ok = match scheme.to_ascii_lowercase().as_str() {
            "basic" => match (&self.config.cloud, base64_decode(cred)) {
                (Some((e, t)), Some(b)) => b == format!("{e}:{t}").into_bytes(),
                _ => false,
            },
            "bearer" => self.config.pat.as_deref() == Some(cred),
            _ => false,
        };
        ok.then_some(true)
    }

    fn issue(&self, key: &str) -> Option<(usize, String)> {
        self.config
            .issues
            .iter()
            .enumerate()
            .find(|(_, k)| k.eq_ignore_ascii_case(key))
            .map(|(i, k)| (i, k.clone()))
    }

    fn handle(&self, req: &Request, conn: &mut Conn) {
        let full_path = req.path.clone();
        let Some(path) = full_path.strip_prefix(self.config.context_path.as_str()) else {
            return conn.respond(404, &[("Content-Type", "text/plain")], b"Not Found");
        };
        // /rest/api/{v}/issue/{key}/{op}
        let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let (api, key, op) = match segs.as_slice() {
            ["rest", "api", v @ ("2" | "3"), "issue", key, op @ ("attachments" | "comment")] => (
                if *v == "2" { 2u8 } else { 3u8 },
                key.to_string(),
                if *op == "attachments" { Op::Attach } else { Op::Comment },
            ),
            _ => {
                return conn.json(
                    404,
                    &json!({"errorMessages": [format!("null for uri: {}{}", self.base.lock().unwrap(), full_path)]}),
                )
            }
        };
        if api == 3 && self.config.data_center {
            return conn.json(
                404,
                &json!({"errorMessages": [format!("null for uri: {}{}", self.base.lock().unwrap(), full_path)]}),
            );
        }
        if req.method != "POST" {
            return conn.respond(
                405,
                &[("Content-Type", "text/plain")],
                b"Method Not Allowed",
            );
        }
        let not_found = || {
            errors(
                &["Issue does not exist or you do not have permission to see it."],
                json!({}),
            )
        };
        match self.auth(req) {
            None if self.config.data_center => {
                return conn.json(
                    401,
                    &errors(
                        &["Client must be authenticated to access this resource."],
                        json!({}),
                    ),
                )
            }
            None => {
                return conn.respond(
                    401,
                    &[("Content-Type", "text/plain;charset=UTF-8")],
                    b"Client must be authenticated to access this resource.",
                )
            }
            Some(false) if self.config.data_center => {
                return conn.json(
                    401,
                    &errors(
                        &["Client must be authenticated to access this resource."],
                        json!({}),
                    ),
                )
            }
            Some(false) => return conn.json(404, &not_found()),
            Some(true) => {}
        }
        let Some((issue_index, issue)) = self.issue(&key) else {
            return conn.json(404, &not_found());
        };
        match op {
            Op::Attach => self.attach(req, conn, api, &issue),
            Op::Comment => self.comment(req, conn, api, &issue, issue_index),
        }
    }

    fn attach(&self, req: &Request, conn: &mut Conn, api: u8, issue: &str) {
        if req.header("x-atlassian-token").map(str::trim) != Some("no-check") {
            return conn.respond(
                403,
                &[("Content-Type", "text/plain;charset=UTF-8")],
                b"XSRF check failed",
            );
        }
        if self
            .config
            .no_attach_permission
            .iter()
            .any(|k| k.eq_ignore_ascii_case(issue))
        {
            return conn.json(
                403,
                &errors(
                    &["You do not have permission to create attachments for this issue."],
                    json!({}),
                ),
            );
        }
        let ct = req
            .header("content-type")
            .unwrap_or("")
            .to_ascii_lowercase();
        if !ct.starts_with("multipart/form-data") {
            return conn.respond(
                415,
                &[("Content-Type", "text/plain")],
                b"Unsupported Media Type",
            );
        }
        let parts = match req.multipart() {
            Ok(p) => p,
            Err(e) => {
                return conn.json(
                    400,
                    &errors(&[&format!("Invalid multipart request: {e}")], json!({})),
                )
            }
        };
        let files: Vec<_> = parts
            .into_iter()
            .filter(|p| p.name == "file" && p.filename.as_deref().is_some_and(|f| !f.is_empty()))
            .collect();
        if files.is_empty() {
            return conn.json(
                400,
                &errors(&["No attachment was found: send the file in a multipart part named 'file' with a filename."], json!({})),
            );
        }
        if let Some(max) = self.config.max_attachment_bytes {
            if files.iter().any(|f| f.bytes.len() as u64 > max) {
                return conn.json(
                    413,
                    &errors(
                        &[&format!(
                            "The field file exceeds its maximum permitted size of {max} bytes."
                        )],
                        json!({}),
                    ),
                );
            }
        }
        let url = self.url();
        let mut out = Vec::new();
        for f in files {
            let id = self.next_id.fetch_add(1, Ordering::SeqCst).to_string();
            let filename = f.filename.clone().unwrap_or_default();
            let mime = mime_for(&filename, f.content_type.as_deref());
            let content = if self.config.data_center {
                format!("{url}/secure/attachment/{id}/{filename}")
            } else {
                format!("{url}/rest/api/3/attachment/content/{id}")
            };
            out.push(json!({
                "self": format!("{url}/rest/api/{api}/attachment/{id}"),
                "id": id, "filename": filename, "author": self.author(),
                "created": now_jira(), "size": f.bytes.len(), "mimeType": mime,
                "content": content,
            }));
            self.uploads.lock().unwrap().push(Upload {
                issue: issue.to_string(),
                api,
                id,
                filename,
                content_type: f.content_type,
                bytes: f.bytes,
            });
        }
        conn.json(200, &Value::Array(out));
    }

    fn comment(&self, req: &Request, conn: &mut Conn, api: u8, issue: &str, issue_index: usize) {
        let ct = req
            .header("content-type")
            .unwrap_or("")
            .to_ascii_lowercase();
        if !ct.starts_with("application/json") {
            return conn.respond(
                415,
                &[("Content-Type", "text/plain")],
                b"Unsupported Media Type",
            );
        }
        let v: Value = match serde_json::from_slice(&req.body) {
            Ok(v) => v,
            Err(e) => {
                return conn.json(
                    400,
                    &errors(&[&format!("Unexpected character: {e}")], json!({})),
                )
            }
        };
        let body = v.get("body").cloned().unwrap_or(Value::Null);
        let reject = |conn: &mut Conn, why: String, text: &str| {
            self.rejected.lock().unwrap().push(why.clone());
            let b = comment_error(text).to_string();
            let why = why.replace(['\r', '\n'], " ");
            conn.respond(
                400,
                &[
                    ("Content-Type", "application/json;charset=UTF-8"),
                    ("X-Fake-Adf-Error", &why),
                ],
                b.as_bytes(),
            );
        };
        let size = match (api, &body) {
            (_, Value::Null) => {
                return reject(conn, "no body".into(), "Comment body can not be empty!")
            }
            (2, Value::String(s)) if s.trim().is_empty() => {
                return reject(conn, "empty body".into(), "Comment body can not be empty!")
            }
            (2, Value::String(s)) => s.chars().count(),
            (2, _) => {
                return reject(
                    conn,
                    "v2 body is not a string".into(),
                    "Comment body is not valid!",
                )
            }
            (_, doc) => {
                if let Err(e) = validate_adf(doc) {
                    return reject(conn, e, "Comment body is not valid!");
                }
                doc.to_string().chars().count()
            }
        };
        if size > MAX_COMMENT_CHARS {
            return reject(
                conn,
                format!("{size} characters"),
                "The entered text is too long. It exceeds the allowed limit of 32,767 characters.",
            );
        }
        let id = self.next_id.fetch_add(1, Ordering::SeqCst).to_string();
        let url = self.url();
        let now = now_jira();
        let mut c = json!({
            "self": format!("{url}/rest/api/{api}/issue/{}/comment/{id}", 10000 + issue_index),
            "id": id, "author": self.author(), "body": body,
            "updateAuthor": self.author(), "created": now, "updated": now,
        });
        if !self.config.data_center {
            c["jsdPublic"] = json!(true);
        }
        self.comments.lock().unwrap().push(Comment {
            issue: issue.to_string(),
            api,
            id,
            body,
        });
        conn.json(201, &c);
    }
}

fn mime_for(filename: &str, given: Option<&str>) -> String {
    let f = filename.to_ascii_lowercase();
    let by_ext = [
        (".tar.gz", "application/gzip"),
        (".tgz", "application/gzip"),
        (".gz", "application/gzip"),
        (".zip", "application/zip"),
        (".json", "application/json"),
        (".txt", "text/plain"),
        (".md", "text/markdown"),
        (".html", "text/html"),
    ];
    by_ext
        .iter()
        .find(|(e, _)| f.ends_with(e))
        .map(|(_, m)| m.to_string())
        .or_else(|| given.map(|g| g.split(';').next().unwrap_or(g).trim().to_string()))
        .unwrap_or_else(|| "application/octet-stream".into())
}

// ---------------------------------------------------------------------------------------------
// Atlassian Document Format

const BLOCKS: &[&str] = &[
    "paragraph",
    "heading",
    "bulletList",
    "orderedList",
    "codeBlock",
    "blockquote",
    "rule",
    "panel",
    "table",
    "expand",
];
const INLINES: &[&str] = &[
    "text",
    "hardBreak",
    "mention",
    "emoji",
    "inlineCard",
    "date",
    "status",
];
const LIST_ITEM_CHILDREN: &[&str] = &["paragraph", "bulletList", "orderedList", "codeBlock"];
const CELL_CHILDREN: &[&str] = &[
    "paragraph",
    "heading",
    "bulletList",
    "orderedList",
    "codeBlock",
    "blockquote",
    "rule",
    "panel",
];

/// Check an ADF document; the error names the path of the first problem (`content[2].attrs`).
pub fn validate_adf(doc: &Value) -> Result<(), String> {
    let o = doc.as_object().ok_or("the body is not an object")?;
    for k in o.keys() {
        if !["type", "version", "content"].contains(&k.as_str()) {
            return Err(format!("doc: unknown key {k:?}"));
        }
    }
    if o.get("type") != Some(&json!("doc")) {
        return Err("doc: type is not \"doc\"".into());
    }
    if o.get("version") != Some(&json!(1)) {
        return Err("doc: version is not 1".into());
    }
    let content = o
        .get("content")
        .and_then(Value::as_array)
        .ok_or("doc: content is not an array")?;
    for (i, n) in content.iter().enumerate() {
        node(n, BLOCKS, &format!("content[{i}]"))?;
    }
    Ok(())
}

fn attrs<'a>(
    n: &'a Value,
    path: &str,
    required: bool,
) -> Result<Option<&'a serde_json::Map<String, Value>>, String> {
    match n.get("attrs") {
        None if required => Err(format!("{path}: attrs missing")),
        None => Ok(None),
        Some(Value::Object(a)) => Ok(Some(a)),
        Some(_) => Err(format!("{path}.attrs: not an object")),
    }
}

fn children<'a>(n: &'a Value, path: &str, required: bool) -> Result<&'a [Value], String> {
    match n.get("content") {
        None if required => Err(format!("{path}: content missing")),
        None => Ok(&[]),
        Some(Value::Array(a)) if required && a.is_empty() => {
            Err(format!("{path}: content is empty"))
        }
        Some(Value::Array(a)) => Ok(a),
        Some(_) => Err(format!("{path}.content: not an array")),
    }
}

fn each(n: &Value, path: &str, required: bool, allowed: &[&str]) -> Result<(), String> {
    for (i, c) in children(n, path, required)?.iter().enumerate() {
        node(c, allowed, &format!("{path}.content[{i}]"))?;
    }
    Ok(())
}

fn node(n: &Value, allowed: &[&str], path: &str) -> Result<(), String> {
    let o = n.as_object().ok_or(format!("{path}: not an object"))?;
    let t = o
        .get("type")
        .and_then(Value::as_str)
        .ok_or(format!("{path}: no type"))?;
    if !allowed.contains(&t) {
        return Err(format!("{path}: a {t:?} node is not allowed here"));
    }
    let keys: &[&str] = match t {
        "text" => &["type", "text", "marks"],
        "hardBreak" | "mention" | "emoji" | "inlineCard" | "date" | "status" | "rule" => {
            &["type", "attrs"]
        }
        _ => &["type", "attrs", "content", "marks"],
    };
    for k in o.keys() {
        if !keys.contains(&k.as_str()) {
            return Err(format!("{path}: unknown key {k:?} on {t}"));
        }
    }
    let p = path;
    match t {
        "paragraph" => each(n, p, false, INLINES),
        "heading" => {
            let a = attrs(n, p, true)?.unwrap();
            match a.get("level").and_then(Value::as_u64) {
                Some(1..=6) => {}
                _ => return Err(format!("{p}.attrs.level: not 1-6")),
            }
            each(n, p, false, INLINES)
        }
        "bulletList" => each(n, p, true, &["listItem"]),
        "orderedList" => {
            if let Some(a) = attrs(n, p, false)? {
                if let Some(o) = a.get("order") {
                    if o.as_u64().is_none() {
                        return Err(format!("{p}.attrs.order: not an integer >= 0"));
                    }
                }
            }
            each(n, p, true, &["listItem"])
        }
        "listItem" => {
            let c = children(n, p, true)?;
            node(
                &c[0],
                &["paragraph", "codeBlock"],
                &format!("{p}.content[0]"),
            )?;
            each(n, p, true, LIST_ITEM_CHILDREN)
        }
        "codeBlock" => {
            if let Some(a) = attrs(n, p, false)? {
                if a.get("language").is_some_and(|l| !l.is_string()) {
                    return Err(format!("{p}.attrs.language: not a string"));
                }
            }
            for (i, c) in children(n, p, false)?.iter().enumerate() {
                let cp = format!("{p}.content[{i}]");
                node(c, &["text"], &cp)?;
                if c.get("marks")
                    .and_then(Value::as_array)
                    .is_some_and(|m| !m.is_empty())
                {
                    return Err(format!("{cp}: text in a codeBlock cannot have marks"));
                }
            }
            Ok(())
        }
        "blockquote" => each(n, p, true, LIST_ITEM_CHILDREN),
        "rule" | "hardBreak" => Ok(()),
        "panel" => {
            let a = attrs(n, p, true)?.unwrap();
            let ok = ["info", "note", "warning", "success", "error"];
            if !a
                .get("panelType")
                .and_then(Value::as_str)
                .is_some_and(|t| ok.contains(&t))
            {
                return Err(format!("{p}.attrs.panelType: not one of {ok:?}"));
            }
            each(
                n,
                p,
                true,
                &[
                    "paragraph",
                    "heading",
                    "bulletList",
                    "orderedList",
                    "codeBlock",
                ],
            )
        }
        "table" => each(n, p, true, &["tableRow"]),
        "tableRow" => each(n, p, true, &["tableHeader", "tableCell"]),
        "tableHeader" | "tableCell" => each(n, p, true, CELL_CHILDREN),
        "expand" => each(n, p, true, CELL_CHILDREN),
        "text" => {
            let text = o
                .get("text")
                .and_then(Value::as_str)
                .ok_or(format!("{p}: text is not a string"))?;
            if text.is_empty() {
                return Err(format!("{p}: empty text node"));
            }
            marks(o.get("marks"), p)
        }
        "mention" | "emoji" | "date" | "status" | "inlineCard" => {
            let a = attrs(n, p, true)?.unwrap();
            let need = match t {
                "mention" => "id",
                "emoji" => "shortName",
                "date" => "timestamp",
                "status" => "text",
                _ => "url",
            };
            if !(a.contains_key(need) || t == "inlineCard" && a.contains_key("data")) {
                return Err(format!("{p}.attrs.{need}: missing"));
            }
            Ok(())
        }
        _ => Err(format!("{p}: unknown node type {t:?}")),
    }
}

fn marks(m: Option<&Value>, path: &str) -> Result<(), String> {
    let Some(m) = m else { return Ok(()) };
    let m = m.as_array().ok_or(format!("{path}.marks: not an array"))?;
    let mut seen = BTreeSet::new();
    for (i, mk) in m.iter().enumerate() {
        let mp = format!("{path}.marks[{i}]");
        let t = mk
            .get("type")
            .and_then(Value::as_str)
            .ok_or(format!("{mp}: no type"))?;
        if !seen.insert(t.to_string()) {
            return Err(format!("{mp}: mark {t:?} twice"));
        }
        let a = mk.get("attrs");
        match t {
            "strong" | "em" | "code" | "strike" | "underline" => {}
            "link" => {
                if !a.and_then(|a| a.get("href")).is_some_and(Value::is_string) {
                    return Err(format!("{mp}: link without attrs.href"));
                }
            }
            "subsup" => {
                let ty = a.and_then(|a| a.get("type")).and_then(Value::as_str);
                if !matches!(ty, Some("sub" | "sup")) {
                    return Err(format!("{mp}: subsup type is not sub/sup"));
                }
            }
            "textColor" | "backgroundColor" => {
                let c = a
                    .and_then(|a| a.get("color"))
                    .and_then(Value::as_str)
                    .unwrap_or("");
                if !(c.len() == 7
                    && c.starts_with('#')
                    && c[1..].bytes().all(|b| b.is_ascii_hexdigit()))
                {
                    return Err(format!("{mp}: color is not #rrggbb"));
                }
            }
            _ => return Err(format!("{mp}: unknown mark {t:?}")),
        }
    }
    if seen.contains("code") && seen.iter().any(|t| t != "code" && t != "link") {
        return Err(format!("{path}.marks: code can only be combined with link"));
    }
    Ok(())
}

/// The text of an ADF document: text nodes concatenated, a newline after each block and at
/// each hardBreak.
pub fn adf_text(doc: &Value) -> String {
    fn walk(n: &Value, out: &mut String) {
        match n.get("type").and_then(Value::as_str) {
            Some("text") => out.push_str(n.get("text").and_then(Value::as_str).unwrap_or("")),
            Some("hardBreak") => out.push('\n'),
            _ => {
                if let Some(c) = n.get("content").and_then(Value::as_array) {
                    for x in c {
                        walk(x, out);
                    }
                }
                if !out.ends_with('\n') {
                    out.push('\n');
                }
            }
        }
    }
    let mut s = String::new();
    walk(doc, &mut s);
    s
}
