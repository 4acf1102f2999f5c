//! A small HTTP/1.1 server for protocol-faithful test fakes (`fake_splunk`, `fake_jira`), std
//! only: it binds 127.0.0.1:0, serves each connection on its own thread, parses requests by hand
//! and records every one of them, and lets a handler answer with a fixed-length or chunked body,
//! stall, or close the socket in the middle of a body (chunked, or short of its
//! `Content-Length`). The server stops when it is dropped.
//!
//! What the parser accepts: a request line `METHOD target HTTP/1.x`; headers (names compared
//! case-insensitively, kept lowercased in the record); a body framed by `Transfer-Encoding:
//! chunked` (trailers read and dropped) or `Content-Length`, or none; `Expect: 100-continue`
//! answered with `100 Continue` before the body is read. Connections are kept alive until the
//! client sends `Connection: close`, stays idle for [`IDLE`], or the handler cuts the response.
//! Bodies can be decoded as `application/x-www-form-urlencoded` ([`parse_form`]) or
//! `multipart/form-data` ([`parse_multipart`], RFC 7578).
//!
//! [`request`] is a minimal client for tests that talk to a fake directly.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long a kept-alive connection may sit idle before the server closes it.
pub const IDLE: Duration = Duration::from_secs(10);
/// Largest head (request line + headers) accepted.
const MAX_HEAD: usize = 64 * 1024;
/// Largest body accepted (a test never needs more).
const MAX_BODY: usize = 256 * 1024 * 1024;

/// One request as the fake saw it, plus the status it answered (0 when it closed the socket
/// before sending a status line) and when it arrived.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    /// Path without the query string, not percent-decoded.
    pub path: String,
    /// Query parameters, percent-decoded (`+` is a space).
    pub query: Vec<(String, String)>,
    /// Header names lowercased, values as sent, in order.
    pub headers: Vec<(String, String)>,
    /// The body after transfer decoding (chunked bodies are de-chunked).
    pub body: Vec<u8>,
    pub status: u16,
    pub at: Instant,
}

impl Recorded {
    /// The first header of that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        header_of(&self.headers, name)
    }
    /// The body as form fields (`application/x-www-form-urlencoded`).
    pub fn form(&self) -> Vec<(String, String)> {
        parse_form(&self.body)
    }
    /// The first form field of that name.
    pub fn form_field(&self, name: &str) -> Option<String> {
        self.form()
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }
    /// The body as `multipart/form-data` parts.
    pub fn multipart(&self) -> Result<Vec<Part>, String> {
        parse_multipart(self.header("content-type").unwrap_or(""), &self.body)
    }
}

/// The shared request log.
pub type Log = Arc<Mutex<Vec<Recorded>>>;

/// A parsed request, handed to the handler.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        header_of(&self.headers, name)
    }
    /// Query parameters followed by the urlencoded body fields (Splunk merges both).
    pub fn params(&self) -> Vec<(String, String)> {
        let mut p = self.query.clone();
        let ct = self
            .header("content-type")
            .unwrap_or("")
            .to_ascii_lowercase();
        if ct.starts_with("application/x-www-form-urlencoded")
            || (ct.is_empty() && self.method == "POST")
        {
            p.extend(parse_form(&self.body));
        }
        p
    }
    pub fn multipart(&self) -> Result<Vec<Part>, String> {
        parse_multipart(self.header("content-type").unwrap_or(""), &self.body)
    }
}

fn header_of<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// One part of a `multipart/form-data` body.
#[derive(Clone, Debug, PartialEq)]
pub struct Part {
    pub name: String,
    pub filename: Option<String>,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

/// The answering side of one request. Write a response with one of [`Conn::respond`] or
/// [`Conn::start_chunked`] + [`Conn::chunk`] + [`Conn::finish`]; [`Conn::cut`] closes the socket
/// wherever the response is.
pub struct Conn {
    stream: TcpStream,
    /// Where to note the status as soon as the head is written (before the client can see it).
    record: Option<(Log, usize)>,
    status: u16,
    chunked: bool,
    closed: bool,
    close_after: bool,
}

impl Conn {
    /// The status written so far (0 before a status line).
    pub fn status(&self) -> u16 {
        self.status
    }

    fn head(
        &mut self,
        status: u16,
        headers: &[(&str, &str)],
        framing: &str,
    ) -> std::io::Result<()> {
        self.status = status;
        if let Some((log, i)) = &self.record {
            log.lock().unwrap()[*i].status = status;
        }
        let mut h = format!("HTTP/1.1 {status} {}\r\n", reason(status));
        h.push_str("Server: casefile-test-fake\r\n");
        for (k, v) in headers {
            h.push_str(&format!("{k}: {v}\r\n"));
        }
        h.push_str(framing);
        if self.close_after {
            h.push_str("Connection: close\r\n");
        }
        h.push_str("\r\n");
        self.stream.write_all(h.as_bytes())
    }

    /// A complete response with a `Content-Length` body.
    pub fn respond(&mut self, status: u16, headers: &[(&str, &str)], body: &[u8]) {
        let framing = format!("Content-Length: {}\r\n", body.len());
        if self.head(status, headers, &framing).is_ok() {
            let _ = self.stream.write_all(body);
            let _ = self.stream.flush();
        }
    }

    /// A response whose head announces all of `body` (`Content-Length`) but only its first
    /// `sent` bytes go out before the socket is closed: a connection lost mid-answer.
    pub fn respond_cut(&mut self, status: u16, headers: &[(&str, &str)], body: &[u8], sent: usize) {
        let framing = format!("Content-Length: {}\r\n", body.len());
        if self.head(status, headers, &framing).is_ok() {
            let _ = self.stream.write_all(&body[..sent.min(body.len())]);
        }
        self.cut();
    }

    /// A JSON response.
    pub fn json(&mut self, status: u16, body: &serde_json::Value) {
        self.respond(
            status,
            &[("Content-Type", "application/json;charset=UTF-8")],
            body.to_string().as_bytes(),
        );
    }

    /// Start a `Transfer-Encoding: chunked` response; the head is flushed at once.
    pub fn start_chunked(&mut self, status: u16, headers: &[(&str, &str)]) {
        self.chunked = true;
        let _ = self.head(status, headers, "Transfer-Encoding: chunked\r\n");
        let _ = self.stream.flush();
    }

    /// One chunk of a chunked body (empty data is skipped: it would end the body).
    pub fn chunk(&mut self, data: &[u8]) {
        if data.is_empty() || self.closed {
            return;
        }
        let mut c = format!("{:x}\r\n", data.len()).into_bytes();
        c.extend_from_slice(data);
        c.extend_from_slice(b"\r\n");
        let _ = self.stream.write_all(&c);
        let _ = self.stream.flush();
    }

    /// [`Conn::chunk`] that says whether the bytes went out: `false` once the client has gone
    /// (a generator of an endless body stops there).
    pub fn chunk_sent(&mut self, data: &[u8]) -> bool {
        if self.closed {
            return false;
        }
        if data.is_empty() {
            return true;
        }
        let mut c = format!("{:x}\r\n", data.len()).into_bytes();
        c.extend_from_slice(data);
        c.extend_from_slice(b"\r\n");
        if self
            .stream
            .write_all(&c)
            .and_then(|_| self.stream.flush())
            .is_err()
        {
            self.closed = true;
            return false;
        }
        true
    }

    /// End a chunked body properly.
    pub fn finish(&mut self) {
        if self.chunked && !self.closed {
            let _ = self.stream.write_all(b"0\r\n\r\n");
            let _ = self.stream.flush();
        }
    }

    /// Write raw bytes (e.g. half a chunk) with no framing.
    pub fn raw(&mut self, data: &[u8]) {
        let _ = self.stream.write_all(data);
        let _ = self.stream.flush();
    }

    /// Close the socket now, in the middle of whatever was being sent.
    pub fn cut(&mut self) {
        let _ = self.stream.flush();
        let _ = self.stream.shutdown(Shutdown::Both);
        self.closed = true;
    }

    /// Stall (a slow server).
    pub fn sleep(&self, d: Duration) {
        std::thread::sleep(d);
    }
}

pub fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Request Entity Too Large",
        415 => "Unsupported Media Type",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Unknown",
    }
}

pub type Handler = dyn Fn(&Request, &mut Conn) + Send + Sync + 'static;

/// A running server; dropping it stops accepting (open connections end on their own).
pub struct Server {
    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub url: String,
    pub requests: Log,
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
}

impl Server {
    pub fn start(handler: Arc<Handler>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().unwrap();
        let requests: Log = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let (log, stop2) = (requests.clone(), stop.clone());
        let accept = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (h, log, stop) = (handler.clone(), log.clone(), stop2.clone());
                std::thread::spawn(move || serve_connection(stream, &*h, &log, &stop));
            }
        });
        Server {
            url: format!("http://{addr}"),
            requests,
            addr,
            stop,
            accept: Some(accept),
        }
    }

    /// A copy of the log so far.
    pub fn recorded(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(t) = self.accept.take() {
            let _ = t.join();
        }
    }
}

fn serve_connection(stream: TcpStream, handler: &Handler, log: &Log, stop: &AtomicBool) {
    let _ = stream.set_read_timeout(Some(IDLE));
    let _ = stream.set_nodelay(true);
    let Ok(write_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    loop {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let req = match read_request(&mut reader, &write_half) {
            Ok(Some(r)) => r,
            Ok(None) => return,
            Err(e) => {
                let mut c = Conn {
                    stream: write_half,
                    record: None,
                    status: 0,
                    chunked: false,
                    closed: false,
                    close_after: true,
                };
                c.respond(400, &[("Content-Type", "text/plain")], e.as_bytes());
                return;
            }
        };
        let wants_close = req
            .header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"));
        let at = Instant::now();
        let index = {
            let mut l = log.lock().unwrap();
            l.push(Recorded {
                method: req.method.clone(),
                path: req.path.clone(),
                query: req.query.clone(),
                headers: req.headers.clone(),
                body: req.body.clone(),
                status: 0,
                at,
            });
            l.len() - 1
        };
        let Ok(w) = write_half.try_clone() else {
            return;
        };
        let mut conn = Conn {
            stream: w,
            record: Some((log.clone(), index)),
            status: 0,
            chunked: false,
            closed: false,
            close_after: wants_close,
        };
        handler(&req, &mut conn);
        if conn.closed || wants_close || conn.status == 0 {
            let _ = write_half.shutdown(Shutdown::Both);
            return;
        }
    }
}

fn read_line(r: &mut impl BufRead, limit: &mut usize) -> Result<Option<String>, String> {
    let mut buf = Vec::new();
    let n = r
        .by_ref()
        .take(*limit as u64 + 1)
        .read_until(b'\n', &mut buf)
        .map_err(|e| format!("read: {e}"))?;
    if n == 0 {
        return Ok(None);
    }
    if n > *limit {
        return Err("request head too large".into());
    }
    *limit -= n;
    if !buf.ends_with(b"\n") {
        return Err("connection closed inside the request head".into());
    }
    buf.pop();
    if buf.ends_with(b"\r") {
        buf.pop();
    }
    String::from_utf8(buf)
        .map(Some)
        .map_err(|_| "request head is not UTF-8".into())
}

/// Read one request; `Ok(None)` when the client closed (or idled out) between requests.
fn read_request(r: &mut BufReader<TcpStream>, w: &TcpStream) -> Result<Option<Request>, String> {
    let mut limit = MAX_HEAD;
    let line = loop {
        match read_line(r, &mut limit) {
            Ok(Some(l)) if l.is_empty() => continue, // tolerated before a request line
            Ok(Some(l)) => break l,
            Ok(None) => return Ok(None),
            Err(e) if e.starts_with("read:") => return Ok(None),
            Err(e) => return Err(e),
        }
    };
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(format!("bad request line: {line:?}"));
    };
    if !version.starts_with("HTTP/1.") {
        return Err(format!("unsupported version {version:?}"));
    }
    let mut headers = Vec::new();
    loop {
        let Some(l) = read_line(r, &mut limit)? else {
            return Err("connection closed inside the headers".into());
        };
        if l.is_empty() {
            break;
        }
        let Some((k, v)) = l.split_once(':') else {
            return Err(format!("bad header line: {l:?}"));
        };
        if k.is_empty() || k.ends_with(' ') || k.ends_with('\t') {
            return Err(format!("bad header name: {k:?}"));
        }
        headers.push((k.to_ascii_lowercase(), v.trim().to_string()));
    }
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_string(), parse_form(q.as_bytes())),
        None => (target.to_string(), Vec::new()),
    };
    let h = |n: &str| header_of(&headers, n).map(str::to_string);
    if h("expect").is_some_and(|v| v.eq_ignore_ascii_case("100-continue")) {
        let mut w = w;
        let _ = w.write_all(b"HTTP/1.1 100 Continue\r\n\r\n");
    }
    let chunked = h("transfer-encoding").is_some_and(|v| {
        v.split(',')
            .any(|t| t.trim().eq_ignore_ascii_case("chunked"))
    });
    let body = if chunked {
        read_chunked(r)?
    } else if let Some(cl) = h("content-length") {
        let n: usize = cl
            .trim()
            .parse()
            .map_err(|_| format!("bad Content-Length {cl:?}"))?;
        if n > MAX_BODY {
            return Err("body too large for the fake".into());
        }
        let mut b = vec![0; n];
        r.read_exact(&mut b)
            .map_err(|e| format!("body shorter than Content-Length: {e}"))?;
        b
    } else {
        Vec::new()
    };
    Ok(Some(Request {
        method: method.to_string(),
        path,
        query,
        headers,
        body,
    }))
}

fn read_chunked(r: &mut impl BufRead) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    let mut limit = MAX_HEAD;
    loop {
        let Some(size_line) = read_line(r, &mut limit)? else {
            return Err("connection closed inside a chunked body".into());
        };
        let hex = size_line.split(';').next().unwrap_or("").trim();
        let n = usize::from_str_radix(hex, 16).map_err(|_| format!("bad chunk size {hex:?}"))?;
        if n == 0 {
            // Trailers, up to the empty line.
            loop {
                match read_line(r, &mut limit)? {
                    Some(l) if !l.is_empty() => continue,
                    _ => return Ok(body),
                }
            }
        }
        if body.len() + n > MAX_BODY {
            return Err("body too large for the fake".into());
        }
        let start = body.len();
        body.resize(start + n, 0);
        r.read_exact(&mut body[start..])
            .map_err(|e| format!("chunk shorter than announced: {e}"))?;
        let mut crlf = [0u8; 2];
        r.read_exact(&mut crlf)
            .map_err(|e| format!("chunk not followed by CRLF: {e}"))?;
        if &crlf != b"\r\n" {
            return Err("chunk not followed by CRLF".into());
        }
    }
}

/// Percent-decoding with `+` as a space (form and query strings).
pub fn url_decode(s: &[u8]) -> String {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < s.len() => match (hex(s[i + 1]), hex(s[i + 2])) {
                (Some(a), Some(b)) => {
                    out.push(a * 16 + b);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

/// `application/x-www-form-urlencoded` -> ordered pairs (a key without `=` has an empty value).
pub fn parse_form(body: &[u8]) -> Vec<(String, String)> {
    body.split(|&b| b == b'&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.iter().position(|&b| b == b'=') {
            Some(i) => (url_decode(&p[..i]), url_decode(&p[i + 1..])),
            None => (url_decode(p), String::new()),
        })
        .collect()
}

/// A header value's parameters: `form-data; name="file"; filename="a b.txt"` ->
/// `[("form-data",""), ("name","file"), ("filename","a b.txt")]`. Quoted strings may hold `;`
/// and backslash escapes.
pub fn header_params(v: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let b = v.as_bytes();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && (b[i] == b' ' || b[i] == b'\t' || b[i] == b';') {
            i += 1;
        }
        let ks = i;
        while i < b.len() && b[i] != b'=' && b[i] != b';' {
            i += 1;
        }
        let key = v[ks..i].trim().to_ascii_lowercase();
        let mut val = String::new();
        if i < b.len() && b[i] == b'=' {
            i += 1;
            if i < b.len() && b[i] == b'"' {
                i += 1;
                let mut bytes = Vec::new();
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' && i + 1 < b.len() {
                        i += 1;
                    }
                    bytes.push(b[i]);
                    i += 1;
                }
                i += 1; // closing quote
                val = String::from_utf8_lossy(&bytes).into_owned();
            } else {
                let vs = i;
                while i < b.len() && b[i] != b';' {
                    i += 1;
                }
                val = v[vs..i].trim().to_string();
            }
        }
        if !key.is_empty() {
            out.push((key, val));
        }
    }
    out
}

/// RFC 5987 `UTF-8''na%C3%AFve.txt` -> `naïve.txt`.
fn ext_value(v: &str) -> String {
    let mut it = v.splitn(3, '\'');
    match (it.next(), it.next(), it.next()) {
        (Some(_charset), Some(_lang), Some(enc)) => url_decode(enc.replace('+', "%2B").as_bytes()),
        _ => v.to_string(),
    }
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || from > hay.len() {
        return None;
    }
    hay[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// `multipart/form-data` (RFC 7578 / RFC 2046): the parts, in order. Errors on a missing
/// boundary, a part without `Content-Disposition: form-data; name=...`, or a body without its
/// closing delimiter.
pub fn parse_multipart(content_type: &str, body: &[u8]) -> Result<Vec<Part>, String> {
    let params = header_params(content_type);
    if params.first().map(|(k, _)| k.as_str()) != Some("multipart/form-data") {
        return Err(format!("not multipart/form-data: {content_type:?}"));
    }
    let boundary = params
        .iter()
        .find(|(k, _)| k == "boundary")
        .map(|(_, v)| v.clone())
        .filter(|b| !b.is_empty() && b.len() <= 70)
        .ok_or("multipart/form-data without a valid boundary")?;
    let delim = format!("--{boundary}").into_bytes();
    let mut next_delim = b"\r\n".to_vec();
    next_delim.extend_from_slice(&delim);

    // The first delimiter may be at the very start or after a preamble ending in CRLF.
    let mut pos = if body.starts_with(&delim) {
        delim.len()
    } else {
        find(body, &next_delim, 0).ok_or("no multipart delimiter in the body")? + next_delim.len()
    };
    let mut parts = Vec::new();
    loop {
        // After a delimiter: `--` (the end) or optional whitespace then CRLF.
        if body[pos..].starts_with(b"--") {
            return Ok(parts);
        }
        while pos < body.len() && (body[pos] == b' ' || body[pos] == b'\t') {
            pos += 1;
        }
        if !body[pos..].starts_with(b"\r\n") {
            return Err("multipart delimiter not followed by CRLF".into());
        }
        pos += 2;
        let head_end = find(body, b"\r\n\r\n", pos).ok_or("multipart part without a header end")?;
        let head = std::str::from_utf8(&body[pos..head_end])
            .map_err(|_| "multipart part headers are not UTF-8")?;
        let content_start = head_end + 4;
        let content_end = find(body, &next_delim, content_start)
            .ok_or("multipart body without its closing delimiter")?;
        let mut name = None;
        let mut filename = None;
        let mut content_type = None;
        for l in head.split("\r\n").filter(|l| !l.is_empty()) {
            let (k, v) = l
                .split_once(':')
                .ok_or_else(|| format!("bad part header {l:?}"))?;
            match k.trim().to_ascii_lowercase().as_str() {
                "content-disposition" => {
                    let p = header_params(v);
                    if p.first().map(|(k, _)| k.as_str()) != Some("form-data") {
                        return Err(format!("part disposition is not form-data: {v:?}"));
                    }
                    for (k, v) in &p[1..] {
                        match k.as_str() {
                            "name" => name = Some(v.clone()),
                            "filename" if filename.is_none() => filename = Some(v.clone()),
                            "filename*" => filename = Some(ext_value(v)),
                            _ => {}
                        }
                    }
                }
                "content-type" => content_type = Some(v.trim().to_string()),
                _ => {}
            }
        }
        parts.push(Part {
            name: name.ok_or("multipart part without a name")?,
            filename,
            content_type,
            bytes: body[content_start..content_end].to_vec(),
        });
        pos = content_end + next_delim.len();
    }
}

/// Standard base64 (RFC 4648, `+/`, padding optional); `None` on anything else.
pub fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let s = s.trim().trim_end_matches('=');
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    // Leftover bits must be zero padding of a valid length.
    if bits >= 6 || acc != 0 {
        return None;
    }
    Some(out)
}

/// Standard base64 with padding (for building expected `Authorization` values in tests).
pub fn base64_encode(b: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::new();
    for c in b.chunks(3) {
        let n = (c[0] as u32) << 16
            | (*c.get(1).unwrap_or(&0) as u32) << 8
            | *c.get(2).unwrap_or(&0) as u32;
        for i in 0..4 {
            if i <= c.len() {
                s.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                s.push('=');
            }
        }
    }
    s
}

/// A response as [`request`] read it.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        header_of(&self.headers, name)
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
}

/// A minimal blocking HTTP/1.1 client for tests that talk to a fake directly: one request on a
/// fresh connection (`Connection: close`), body read to its framing end or to EOF. A body cut
/// short is returned as far as it arrived.
pub fn request(
    url: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Response {
    let hostport = url
        .strip_prefix("http://")
        .expect("http:// URL")
        .split('/')
        .next()
        .unwrap();
    assert!(hostport.starts_with("127.0.0.1:"), "only 127.0.0.1 is used");
    let prefix = url
        .strip_prefix("http://")
        .unwrap()
        .split_once('/')
        .map(|(_, p)| format!("/{p}"))
        .unwrap_or_default();
    let mut s = TcpStream::connect(hostport).expect("connect to the fake");
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut head =
        format!("{method} {prefix}{path} HTTP/1.1\r\nHost: {hostport}\r\nConnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if !body.is_empty() || method == "POST" || method == "PUT" {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut r = BufReader::new(s);
    let mut limit = MAX_HEAD;
    let (status, headers) = loop {
        let status_line = read_line(&mut r, &mut limit)
            .unwrap()
            .expect("a status line");
        let status: u16 = status_line
            .split(' ')
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or_else(|| panic!("bad status line {status_line:?}"));
        let mut hs = Vec::new();
        while let Some(l) = read_line(&mut r, &mut limit).unwrap() {
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                hs.push((k.to_ascii_lowercase(), v.trim().to_string()));
            }
        }
        if status != 100 {
            break (status, hs);
        }
    };
    let chunked = header_of(&headers, "transfer-encoding").is_some_and(|v| v.contains("chunked"));
    let mut body = Vec::new();
    if chunked {
        // De-chunk as far as the stream goes.
        let mut all = Vec::new();
        let _ = r.read_to_end(&mut all);
        let mut i = 0;
        while let Some(e) = find(&all, b"\r\n", i) {
            let Ok(n) = usize::from_str_radix(
                std::str::from_utf8(&all[i..e])
                    .unwrap_or("")
                    .split(';')
                    .next()
                    .unwrap_or("")
                    .trim(),
                16,
            ) else {
                break;
            };
            if n == 0 {
                break;
            }
            let end = (e + 2 + n).min(all.len());
            body.extend_from_slice(&all[e + 2..end]);
            i = end + 2;
            if i > all.len() {
                break;
            }
        }
    } else if let Some(n) =
        header_of(&headers, "content-length").and_then(|v| v.parse::<usize>().ok())
    {
        body.resize(n, 0);
        let got = read_up_to(&mut r, &mut body);
        body.truncate(got);
    } else {
        let _ = r.read_to_end(&mut body);
    }
    Response {
        status,
        headers,
        body,
    }
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> usize {
    let mut got = 0;
    while got < buf.len() {
        match r.read(&mut buf[got..]) {
            Ok(0) | Err(_) => break,
            Ok(n) => got += n,
        }
    }
    got
}

/// Build a `multipart/form-data` body (for tests that post to a fake directly).
pub fn multipart_body(boundary: &str, parts: &[Part]) -> Vec<u8> {
    let mut b = Vec::new();
    for p in parts {
        b.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        let mut d = format!("Content-Disposition: form-data; name=\"{}\"", p.name);
        if let Some(f) = &p.filename {
            d.push_str(&format!("; filename=\"{f}\""));
        }
        b.extend_from_slice(d.as_bytes());
        b.extend_from_slice(b"\r\n");
        if let Some(ct) = &p.content_type {
            b.extend_from_slice(format!("Content-Type: {ct}\r\n").as_bytes());
        }
        b.extend_from_slice(b"\r\n");
        b.extend_from_slice(&p.bytes);
        b.extend_from_slice(b"\r\n");
    }
    b.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    b
}
