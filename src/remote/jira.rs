//! `casefile jira attach`: upload a bundle to a Jira issue and comment with its summary.
//!
//! Wire format (Jira Cloud REST v3 and Data Center REST v2):
//! - `POST /rest/api/{3|2}/issue/{key}/attachments`, `multipart/form-data` with one part named
//!   `file` (the bundle, its file name kept), header `X-Atlassian-Token: no-check` (without it
//!   Jira answers 403 "XSRF check failed"); the answer is a JSON array of attachments.
//! - `POST /rest/api/3/issue/{key}/comment` with `{"body": <Atlassian Document Format>}` (Cloud),
//!   or `POST /rest/api/2/issue/{key}/comment` with `{"body": "<wiki markup>"}` (Data Center).
//!   The ADF is made from the bundle's `summary.md`, the wiki text is its `summary.jira.txt`.
//! - Auth: Cloud `Authorization: Basic base64(email:api_token)`; Data Center a personal access
//!   token as `Authorization: Bearer`.

use std::path::Path;

use serde_json::{json, Value};

use super::http::{
    basic_auth, check_credential, display_url, one_line, Body, CredentialUse, Http, HttpError,
    Request, Secret, MAX_TEXT,
};

/// Jira's comment limit is 32,767 characters; stay under it with room for the JSON.
const MAX_COMMENT: usize = 30_000;

#[derive(Clone, Debug)]
pub enum Auth {
    /// Cloud: account email + API token.
    Basic { email: String, token: Secret },
    /// Data Center: personal access token.
    Pat(Secret),
    /// Only for `--dry-run`.
    None,
}

pub struct Attach<'a> {
    pub base: String,
    pub auth: Auth,
    pub key: &'a str,
    pub bundle: &'a Path,
    /// 3 (Cloud, ADF) or 2 (Data Center, wiki markup).
    pub api: u8,
    pub comment: bool,
}

/// What was done, for the user.
pub struct Attached {
    pub attachment_id: Option<String>,
    pub comment_id: Option<String>,
    pub bytes: u64,
}

impl Auth {
    /// Refuse a credential that cannot be sent (a pasted zero-width space, a line break...),
    /// naming its variable.
    pub fn check(&self) -> Result<(), String> {
        match self {
            Auth::Basic { token, .. } => check_credential(
                token.expose(),
                "CASEFILE_JIRA_TOKEN",
                CredentialUse::Encoded,
            ),
            Auth::Pat(t) => {
                check_credential(t.expose(), "CASEFILE_JIRA_PAT", CredentialUse::Header)
            }
            Auth::None => Ok(()),
        }
    }
}

fn auth_header(auth: &Auth) -> Option<String> {
    match auth {
        Auth::Basic { email, token } => Some(basic_auth(email, token)),
        Auth::Pat(t) => Some(format!("Bearer {}", t.expose())),
        Auth::None => None,
    }
}

/// The comment body for the API version, from the bundle's files.
pub fn comment_body(bundle: &Path, api: u8) -> Result<Value, String> {
    let files = crate::bundle::read(bundle).map_err(|e| {
        format!(
            "{}: cannot read the bundle: {e}; give the .tar.gz or .zip that `casefile bundle \
             -o` wrote",
            bundle.display()
        )
    })?;
    let get = |name: &str| {
        files
            .get(name)
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .ok_or_else(|| {
                format!(
                    "{}: no {name} in it; is it a bundle made by `casefile bundle`?",
                    bundle.display()
                )
            })
    };
    if api == 2 {
        let text = get("summary.jira.txt")?;
        Ok(
            json!({ "body": cut_text(&text, "\n\n_(cut here: the whole summary is summary.md in the attached bundle)_\n") }),
        )
    } else {
        let md = get("summary.md")?;
        Ok(
            json!({ "body": markdown_to_adf(&cut_text(&md, "\n\n*(cut here: the whole summary is summary.md in the attached bundle)*\n")) }),
        )
    }
}

/// Cut a long summary at a section boundary so the comment stays under Jira's limit.
fn cut_text(text: &str, note: &str) -> String {
    if text.len() <= MAX_COMMENT {
        return text.to_string();
    }
    let mut end = 0;
    for (i, _) in text.match_indices("\n#") {
        if i + note.len() > MAX_COMMENT {
            break;
        }
        end = i;
    }
    for (i, _) in text.match_indices("\nh") {
        if i + note.len() > MAX_COMMENT {
            break;
        }
        end = end.max(i);
    }
    if end == 0 {
        end = MAX_COMMENT - note.len();
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        end = text[..end].rfind('\n').unwrap_or(end);
    }
    format!("{}{note}", &text[..end])
}

/// Upload (and comment), or with `dry_run` only describe what would be sent.
pub fn attach(
    http: Option<&Http>,
    a: &Attach<'_>,
    out: &mut dyn std::io::Write,
) -> Result<Option<Attached>, String> {
    if let Some(http) = http {
        a.auth.check()?;
        match &a.auth {
            Auth::Basic { email, token } => http.add_basic_secret(email, token),
            Auth::Pat(t) => http.add_secret(t),
            Auth::None => {}
        }
        // Jira's answers may echo what was sent: no message leaves with a credential in it.
        return attach_inner(Some(http), a, out).map_err(|e| http.scrub(&e));
    }
    attach_inner(None, a, out)
}

fn attach_inner(
    http: Option<&Http>,
    a: &Attach<'_>,
    out: &mut dyn std::io::Write,
) -> Result<Option<Attached>, String> {
    let meta = std::fs::metadata(a.bundle).map_err(|e| {
        format!(
            "{}: {e}; give the bundle file that `casefile bundle -o case.tar.gz` wrote",
            a.bundle.display()
        )
    })?;
    if meta.is_dir() {
        return Err(format!(
            "{} is a directory; Jira takes one file: make the bundle with `-o case.tar.gz` (or \
             .zip) and attach that",
            a.bundle.display()
        ));
    }
    let file_name = a
        .bundle
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "bundle".into());
    let comment = if a.comment {
        Some(comment_body(a.bundle, a.api)?)
    } else {
        None
    };
    let base = a.base.trim_end_matches('/');
    let key = super::http::encode(a.key);
    let attach_url = format!("{base}/rest/api/{}/issue/{key}/attachments", a.api);
    let comment_url = format!("{base}/rest/api/{}/issue/{key}/comment", a.api);
    let Some(http) = http else {
        let who = match &a.auth {
            Auth::Basic { .. } => "Basic *** (CASEFILE_JIRA_EMAIL + CASEFILE_JIRA_TOKEN)",
            Auth::Pat(_) => "Bearer *** (CASEFILE_JIRA_PAT)",
            Auth::None => "(no credentials set: CASEFILE_JIRA_EMAIL + CASEFILE_JIRA_TOKEN, or CASEFILE_JIRA_PAT)",
        };
        let io = |e: std::io::Error| e.to_string();
        writeln!(out, "dry run: nothing is sent").map_err(io)?;
        writeln!(out, "POST {}", display_url(&attach_url)).map_err(io)?;
        writeln!(out, "  Authorization: {who}").map_err(io)?;
        writeln!(out, "  X-Atlassian-Token: no-check").map_err(io)?;
        writeln!(
            out,
            "  multipart/form-data: part `file`, filename {file_name:?}, {} bytes",
            meta.len()
        )
        .map_err(io)?;
        if let Some(c) = &comment {
            writeln!(out, "POST {}", display_url(&comment_url)).map_err(io)?;
            writeln!(out, "  Content-Type: application/json").map_err(io)?;
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(c).unwrap_or_default()
            )
            .map_err(io)?;
        }
        return Ok(None);
    };
    let bytes = std::fs::read(a.bundle)
        .map_err(|e| format!("{}: cannot read it: {e}", a.bundle.display()))?;
    let (content_type, body) = multipart(&file_name, &bytes);
    let mut headers = vec![("X-Atlassian-Token", "no-check".to_string())];
    if let Some(h) = auth_header(&a.auth) {
        headers.push(("Authorization", h));
    }
    headers.push(("Accept", "application/json".into()));
    let req = Request {
        method: "POST",
        url: attach_url,
        headers: headers.clone(),
        body: Body::Bytes(&content_type, &body),
        idempotent: false,
    };
    let explain = |what: &str, e: &HttpError| explain(a, what, e, meta.len());
    let resp = http
        .send(&req, &mut |e, wait| {
            eprintln!(
                "casefile: jira: {e}; retrying in {:.1} s",
                wait.as_secs_f64()
            )
        })
        .map_err(|e| explain("uploading the bundle", &e))?;
    let v: Value = resp
        .into_text(MAX_TEXT)
        .map_err(|(e, _)| format!("jira: the upload answer: {e}"))
        .and_then(|t| {
            serde_json::from_str(&t)
                .map_err(|e| format!("jira: the upload answer is not JSON: {e}"))
        })?;
    let attachment_id = v[0]["id"].as_str().map(str::to_string);
    let mut comment_id = None;
    if let Some(c) = &comment {
        let req = Request {
            method: "POST",
            url: comment_url,
            headers: headers
                .into_iter()
                .filter(|(k, _)| *k != "X-Atlassian-Token")
                .collect(),
            body: Body::Json(c),
            idempotent: false,
        };
        let resp = http
            .send(&req, &mut |e, wait| {
                eprintln!(
                    "casefile: jira: {e}; retrying in {:.1} s",
                    wait.as_secs_f64()
                )
            })
            .map_err(|e| {
                format!(
                    "{} (the bundle itself was attached)",
                    explain("adding the comment", &e)
                )
            })?;
        let v: Value = resp
            .into_text(MAX_TEXT)
            .map_err(|(e, _)| format!("jira: the comment answer: {e}"))
            .and_then(|t| {
                serde_json::from_str(&t)
                    .map_err(|e| format!("jira: the comment answer is not JSON: {e}"))
            })?;
        comment_id = v["id"].as_str().map(str::to_string);
    }
    Ok(Some(Attached {
        attachment_id,
        comment_id,
        bytes: meta.len(),
    }))
}

fn explain(a: &Attach<'_>, what: &str, e: &HttpError, size: u64) -> String {
    let creds = match a.auth {
        Auth::Pat(_) => "CASEFILE_JIRA_PAT (a Data Center personal access token)",
        _ => {
            "CASEFILE_JIRA_EMAIL and CASEFILE_JIRA_TOKEN (an API token from your Atlassian \
             account's Security page), or CASEFILE_JIRA_PAT for Data Center"
        }
    };
    let fix = match e.status() {
        Some(401) => format!(" (not authenticated): Jira refused the credentials; check {creds}"),
        Some(403) => format!(
            " (forbidden): the account may not do this on {}: it needs the Browse, Create \
             Attachments and Add Comments permissions there; or the credentials are wrong: \
             check {creds}",
            a.key
        ),
        Some(404) => format!(
            " (not found): issue {} does not exist or this account cannot see it; check the \
             key and CASEFILE_JIRA_URL",
            a.key
        ),
        Some(413) => format!(
            " (too large): the bundle is {size} bytes, over this Jira's attachment size limit \
             (an administrator sets it); make a smaller one with `casefile bundle \
             --max-events N`, or attach it elsewhere and link it"
        ),
        Some(429 | 502 | 503 | 504) => {
            " (busy): Jira still refused after the retries; try again later".into()
        }
        _ => String::new(),
    };
    let detail = match e {
        HttpError::Status { body, .. } => jira_messages(body)
            .or_else(|| (!body.trim().is_empty()).then(|| one_line(body.trim(), 200)))
            .map(|m| format!(": {m}"))
            .unwrap_or_default(),
        HttpError::Transport(t) => format!(": {t}"),
    };
    let code = e.status().map(|c| format!(" HTTP {c}")).unwrap_or_default();
    format!(
        "jira {}: {what} failed{code}{fix}{detail}",
        display_url(&a.base)
    )
}

/// Jira's `{"errorMessages":[...],"errors":{field: message}}`.
pub fn jira_messages(body: &str) -> Option<String> {
    let v: Value = serde_json::from_str(body).ok()?;
    let mut msgs: Vec<String> = v["errorMessages"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|m| m.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    if let Some(errs) = v["errors"].as_object() {
        for (k, m) in errs {
            msgs.push(format!("{k}: {}", m.as_str().unwrap_or("")));
        }
    }
    (!msgs.is_empty()).then(|| one_line(&msgs.join("; "), 300))
}

/// A `multipart/form-data` body with one part `file` (RFC 7578).
fn multipart(file_name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(bytes);
    let mut boundary = format!("casefile-{:x}", digest);
    boundary.truncate(40);
    while memchr::memmem::find(bytes, boundary.as_bytes()).is_some() {
        boundary.push('x');
    }
    let name = file_name.replace(['"', '\r', '\n'], "_");
    let mut body = Vec::with_capacity(bytes.len() + 256);
    body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
    body.extend_from_slice(
        format!("Content-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n")
            .as_bytes(),
    );
    let ct = if name.ends_with(".zip") {
        "application/zip"
    } else if name.ends_with(".gz") {
        "application/gzip"
    } else {
        "application/octet-stream"
    };
    body.extend_from_slice(format!("Content-Type: {ct}\r\n\r\n").as_bytes());
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// The Markdown that `bundle` writes (headings, paragraphs, `**bold**`, `` `code` ``, fenced
/// code, pipe tables, `-` lists) as an Atlassian Document Format document.
pub fn markdown_to_adf(md: &str) -> Value {
    let mut content: Vec<Value> = Vec::new();
    let lines: Vec<&str> = md.lines().collect();
    let mut i = 0;
    let mut para: Vec<&str> = Vec::new();
    let flush = |para: &mut Vec<&str>, content: &mut Vec<Value>| {
        if !para.is_empty() {
            let text = para.join(" ");
            content.push(json!({"type": "paragraph", "content": inline(&text)}));
            para.clear();
        }
    };
    while i < lines.len() {
        let line = lines[i];
        let ticks = line.bytes().take_while(|&b| b == b'`').count();
        if ticks >= 3 {
            // A fence of N backticks closes only at a line of N or more backticks alone
            // (CommonMark): summary.md makes its fences longer than any run in the log text.
            flush(&mut para, &mut content);
            let lang = line[ticks..].trim();
            let closes = |l: &str| {
                let t = l.trim_end();
                t.len() >= ticks && t.bytes().all(|b| b == b'`')
            };
            let mut code = Vec::new();
            i += 1;
            while i < lines.len() && !closes(lines[i]) {
                code.push(lines[i]);
                i += 1;
            }
            i += 1;
            let text = code.join("\n");
            let mut node = json!({"type": "codeBlock", "content": []});
            if !lang.is_empty() {
                node["attrs"] = json!({"language": lang});
            }
            if !text.is_empty() {
                node["content"] = json!([{"type": "text", "text": text}]);
            }
            content.push(node);
            continue;
        }
        let hashes = line.bytes().take_while(|&b| b == b'#').count();
        if (1..=6).contains(&hashes) && line[hashes..].starts_with(' ') {
            flush(&mut para, &mut content);
            content.push(json!({"type": "heading", "attrs": {"level": hashes},
                                "content": inline(line[hashes..].trim())}));
            i += 1;
            continue;
        }
        if line.starts_with('|') {
            flush(&mut para, &mut content);
            let mut rows = Vec::new();
            let mut header = true;
            while i < lines.len() && lines[i].starts_with('|') {
                let cells = table_cells(lines[i]);
                let is_rule = cells
                    .iter()
                    .all(|c| !c.is_empty() && c.bytes().all(|b| matches!(b, b'-' | b':')));
                if is_rule {
                    header = false;
                } else {
                    let kind = if header && rows.is_empty() {
                        "tableHeader"
                    } else {
                        "tableCell"
                    };
                    let cells: Vec<Value> = cells
                        .iter()
                        .map(|c| {
                            json!({"type": kind, "attrs": {},
                                   "content": [{"type": "paragraph", "content": inline(c)}]})
                        })
                        .collect();
                    rows.push(json!({"type": "tableRow", "content": cells}));
                }
                i += 1;
            }
            // ADF requires a row at least: a lone rule line is no table.
            if !rows.is_empty() {
                content.push(json!({"type": "table",
                                    "attrs": {"isNumberColumnEnabled": false, "layout": "default"},
                                    "content": rows}));
            }
            continue;
        }
        if let Some(item) = line.strip_prefix("- ").or_else(|| line.strip_prefix("* ")) {
            flush(&mut para, &mut content);
            let mut items = vec![item];
            i += 1;
            while i < lines.len() {
                match lines[i]
                    .strip_prefix("- ")
                    .or_else(|| lines[i].strip_prefix("* "))
                {
                    Some(it) => items.push(it),
                    None => break,
                }
                i += 1;
            }
            let items: Vec<Value> = items
                .iter()
                .map(|t| {
                    json!({"type": "listItem",
                           "content": [{"type": "paragraph", "content": inline(t)}]})
                })
                .collect();
            content.push(json!({"type": "bulletList", "content": items}));
            continue;
        }
        if line.trim().is_empty() {
            flush(&mut para, &mut content);
        } else {
            para.push(line.trim());
        }
        i += 1;
    }
    flush(&mut para, &mut content);
    json!({"type": "doc", "version": 1, "content": content})
}

/// Cells of `| a | b \| c |`.
fn table_cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|');
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    let mut cells = Vec::new();
    let mut cur = String::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                cur.push('|');
                chars.next();
            }
            '|' => cells.push(std::mem::take(&mut cur).trim().to_string()),
            _ => cur.push(c),
        }
    }
    cells.push(cur.trim().to_string());
    cells
}

/// Text with `**strong**` and `` `code` `` marks as ADF text nodes (never an empty one), read
/// as summary.md writes it: a code span opens and closes with the same number of backticks (its
/// text literal, one space trimmed from each end when both have one), and outside code a
/// backslash before ASCII punctuation is an escape (`\[` is `[`).
fn inline(s: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let push = |out: &mut Vec<Value>, text: &str, strong: bool, code: bool| {
        if text.is_empty() {
            return;
        }
        let mut marks = Vec::new();
        if strong {
            marks.push(json!({"type": "strong"}));
        }
        if code {
            marks.push(json!({"type": "code"}));
        }
        let mut node = json!({"type": "text", "text": text});
        if !marks.is_empty() {
            node["marks"] = Value::Array(marks);
        }
        out.push(node);
    };
    let b = s.as_bytes();
    let mut text = String::new();
    let mut strong = false;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' if b.get(i + 1).is_some_and(u8::is_ascii_punctuation) => {
                text.push(b[i + 1] as char);
                i += 2;
            }
            b'`' => {
                let n = b[i..].iter().take_while(|&&c| c == b'`').count();
                let body = i + n;
                // The next run of exactly n backticks closes the span.
                let mut j = body;
                let close = loop {
                    match b[j..].iter().position(|&c| c == b'`') {
                        None => break None,
                        Some(p) => {
                            let at = j + p;
                            let m = b[at..].iter().take_while(|&&c| c == b'`').count();
                            if m == n {
                                break Some(at);
                            }
                            j = at + m;
                        }
                    }
                };
                match close {
                    Some(end) => {
                        push(&mut out, &std::mem::take(&mut text), strong, false);
                        let mut code = &s[body..end];
                        if code.len() >= 2
                            && code.starts_with(' ')
                            && code.ends_with(' ')
                            && !code.trim().is_empty()
                        {
                            code = &code[1..code.len() - 1];
                        }
                        push(&mut out, code, strong, true);
                        i = end + n;
                    }
                    None => {
                        text.push_str(&s[i..body]);
                        i = body;
                    }
                }
            }
            b'*' if b.get(i + 1) == Some(&b'*') => {
                push(&mut out, &std::mem::take(&mut text), strong, false);
                strong = !strong;
                i += 2;
            }
            _ => {
                let ch = s[i..].chars().next().unwrap_or('\u{fffd}');
                text.push(ch);
                i += ch.len_utf8().max(1);
            }
        }
    }
    push(&mut out, &text, strong, false);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Log text escaped by summary.md reads back as it was written: backslash escapes undone,
    /// a code span of two backticks holding one, a fence closed only by a fence as long.
    #[test]
    fn adf_reads_summary_escapes_and_long_fences() {
        let md = "a \\[x\\](y) \\*b\\* ``a ` b`` c\n\n````\n```\nnot closed\n````\nafter\n";
        let v = markdown_to_adf(md);
        let c = v["content"].as_array().unwrap();
        assert_eq!(c[0]["content"][0]["text"], "a [x](y) *b* ");
        assert_eq!(c[0]["content"][1]["text"], "a ` b");
        assert_eq!(c[0]["content"][1]["marks"][0]["type"], "code");
        assert_eq!(c[0]["content"][2]["text"], " c");
        assert_eq!(c[1]["type"], "codeBlock");
        assert_eq!(c[1]["content"][0]["text"], "```\nnot closed");
        assert_eq!(c[2]["content"][0]["text"], "after");
    }

    /// Fuzzing (remote_answers): `|---|` alone made a table without rows, which ADF refuses.
    #[test]
    fn a_rule_line_alone_is_no_table() {
        let v = markdown_to_adf("|---|\n\ntext\n");
        assert_eq!(v["content"].as_array().unwrap().len(), 1);
        assert_eq!(v["content"][0]["type"], "paragraph");
    }

    #[test]
    fn adf_from_summary_markdown() {
        let md = "# Evidence: request r1\n\n**What failed:** edge `POST /x 502` at t.\n\n## Ids\n\n| id | key |\n|---|---|\n| `r1` | (given) |\n| `a\\|b` |  |\n\n```sh\ncurl -X POST x\n```\n\n- one\n- two\n";
        let v = markdown_to_adf(md);
        assert_eq!(v["type"], "doc");
        assert_eq!(v["version"], 1);
        let c = v["content"].as_array().unwrap();
        assert_eq!(c[0]["type"], "heading");
        assert_eq!(c[0]["attrs"]["level"], 1);
        assert_eq!(c[1]["type"], "paragraph");
        assert_eq!(c[1]["content"][0]["text"], "What failed:");
        assert_eq!(c[1]["content"][0]["marks"][0]["type"], "strong");
        assert_eq!(c[1]["content"][2]["text"], "POST /x 502");
        assert_eq!(c[1]["content"][2]["marks"][0]["type"], "code");
        assert_eq!(c[3]["type"], "table");
        let rows = c[3]["content"].as_array().unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0]["content"][0]["type"], "tableHeader");
        assert_eq!(
            rows[2]["content"][0]["content"][0]["content"][0]["text"],
            "a|b"
        );
        assert_eq!(rows[2]["content"][1]["content"][0]["content"], json!([]));
        assert_eq!(c[4]["type"], "codeBlock");
        assert_eq!(c[4]["attrs"]["language"], "sh");
        assert_eq!(c[5]["type"], "bulletList");
        // No empty text node anywhere (Jira rejects them).
        assert!(!v.to_string().contains(r#""text":"""#));
    }

    #[test]
    fn multipart_shape() {
        let (ct, body) = multipart("case.tar.gz", b"\x1f\x8bdata");
        let boundary = ct.strip_prefix("multipart/form-data; boundary=").unwrap();
        let text = String::from_utf8_lossy(&body);
        assert!(text.starts_with(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"case.tar.gz\"\r\nContent-Type: application/gzip\r\n\r\n")));
        assert!(text.ends_with(&format!("\r\n--{boundary}--\r\n")));
    }

    #[test]
    fn long_summaries_are_cut_at_a_section() {
        let mut md = String::from("# T\n\nintro\n");
        for i in 0..2000 {
            md.push_str(&format!("\n## S{i}\n\nsome text of the section {i}\n"));
        }
        let cut = cut_text(&md, "\n(cut)\n");
        assert!(cut.len() <= MAX_COMMENT);
        assert!(cut.ends_with("\n(cut)\n"));
        assert!(cut.starts_with("# T"));
        assert_eq!(cut_text("short", "x"), "short");
    }

    #[test]
    fn jira_error_bodies() {
        assert_eq!(
            jira_messages(r#"{"errorMessages":["Issue does not exist or you do not have permission to see it."],"errors":{}}"#).as_deref(),
            Some("Issue does not exist or you do not have permission to see it.")
        );
        assert_eq!(
            jira_messages(
                r#"{"errorMessages":[],"errors":{"comment":"Comment body can not be empty!"}}"#
            )
            .as_deref(),
            Some("comment: Comment body can not be empty!")
        );
    }
}
