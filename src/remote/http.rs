//! HTTP for the remote engines: one blocking reqwest client per source with a connect timeout and
//! a timeout on every read (headers, then each piece of the body), TLS verified against the
//! system's trust store (plus `--ca-cert`, or explicitly not at all with `--insecure`), no
//! redirects, a proxy from `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` or the profile, and retries with
//! exponential backoff and full jitter on 429/502/503/504 and lost connections, honouring
//! `Retry-After` up to `--timeout`. Secrets live in [`Secret`], whose `Debug`/`Display` never show
//! them; every error that leaves this module has the known secrets scrubbed from it.

use std::cell::RefCell;
use std::fmt;
use std::io::Read;
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A credential: shown as `***` everywhere, read only to build a header.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// How a credential travels, which decides what it may hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CredentialUse {
    /// Sent as it is in a header (`Bearer`, `ApiKey`, a session key): visible ASCII only.
    Header,
    /// Encoded before it is sent (Basic's base64, a login form): spaces and letters of any
    /// script are fine; control characters, invisible characters and non-ASCII spaces are not.
    Encoded,
}

/// Refuse a credential holding a character that cannot go into a header, or that only a paste
/// puts there (a line break, U+200B, U+00A0...). The message names `what` (the variable or
/// command) and the character, never the value.
pub fn check_credential(value: &str, what: &str, used: CredentialUse) -> Result<(), String> {
    for (i, c) in value.chars().enumerate() {
        let bad = c.is_control()
            || matches!(c, '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202F}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}')
            || (c.is_whitespace() && c != ' ')
            || (used == CredentialUse::Header && !c.is_ascii_graphic());
        if bad {
            return Err(format!(
                "{what}: the credential holds {} at character {}, which cannot go into an HTTP \
                 header (a paste or a command's extra output put it there); set it again without \
                 it. Nothing was sent",
                char_name(c),
                i + 1
            ));
        }
    }
    Ok(())
}

fn char_name(c: char) -> String {
    let name = match c {
        '\n' => "line feed",
        '\r' => "carriage return",
        '\t' => "tab",
        '\u{200B}' => "zero-width space",
        '\u{200C}' => "zero-width non-joiner",
        '\u{200D}' => "zero-width joiner",
        '\u{2060}' => "word joiner",
        '\u{FEFF}' => "byte-order mark / zero-width no-break space",
        '\u{00A0}' => "no-break space",
        '\u{202F}' => "narrow no-break space",
        '\u{00AD}' => "soft hyphen",
        ' ' => "a space",
        c if c.is_control() => "a control character",
        c if c.is_whitespace() => "a non-ASCII space",
        _ => "a non-ASCII character",
    };
    format!("U+{:04X} ({name})", c as u32)
}

/// Known secret values and the forms they take on the wire, replaced by `***` in any text.
#[derive(Clone, Debug, Default)]
pub struct Scrubber(Vec<String>);

impl Scrubber {
    /// Add a secret: as it is, percent-encoded (a form body), JSON-escaped, base64.
    pub fn add(&mut self, secret: &str) {
        use base64::Engine;
        if secret.is_empty() {
            return;
        }
        let json = serde_json::to_string(secret).unwrap_or_default();
        let json = json
            .strip_prefix('"')
            .and_then(|j| j.strip_suffix('"'))
            .unwrap_or("")
            .to_string();
        for form in [
            secret.to_string(),
            encode(secret),
            json,
            base64::engine::general_purpose::STANDARD.encode(secret),
        ] {
            if !form.is_empty() && !self.0.contains(&form) {
                self.0.push(form);
            }
        }
        // Longest first, so a form containing another is replaced whole.
        self.0.sort_by_key(|s| std::cmp::Reverse(s.len()));
    }

    /// `user:password` as Basic sends it, besides the password itself.
    pub fn add_basic(&mut self, user: &str, password: &str) {
        use base64::Engine;
        self.add(password);
        let b = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        if !self.0.contains(&b) {
            self.0.push(b);
            self.0.sort_by_key(|s| std::cmp::Reverse(s.len()));
        }
    }

    pub fn scrub(&self, text: &str) -> String {
        let mut out = text.to_string();
        for s in &self.0 {
            if out.contains(s.as_str()) {
                out = out.replace(s.as_str(), "***");
            }
        }
        out
    }
}

/// A proxy: its URL without credentials, and the credentials apart.
#[derive(Clone, Debug)]
pub struct Proxy {
    /// `http://proxy:3128`: safe to print.
    pub url: String,
    pub user: Option<String>,
    pub password: Option<Secret>,
    /// Where it was set: `HTTPS_PROXY`, `[sources.NAME] proxy`.
    pub from: String,
}

/// Which proxy each scheme goes through, and which hosts go direct.
#[derive(Clone, Debug, Default)]
pub struct ProxyOptions {
    /// For `https://` URLs (a CONNECT tunnel).
    pub https: Option<Proxy>,
    /// For `http://` URLs.
    pub http: Option<Proxy>,
    /// `NO_PROXY`: hosts, domains (`.corp.example`), IPs, CIDR blocks, or `*`.
    pub no_proxy: Option<String>,
}

impl ProxyOptions {
    /// `HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`, or their lower-case forms (upper case first).
    pub fn from_env() -> Result<ProxyOptions, String> {
        Self::from_vars(|k| std::env::var(k).ok())
    }

    pub fn from_vars(get: impl Fn(&str) -> Option<String>) -> Result<ProxyOptions, String> {
        let var = |upper: &str| -> Option<(String, String)> {
            let lower = upper.to_ascii_lowercase();
            // An empty variable counts as unset.
            [upper.to_string(), lower].into_iter().find_map(|k| {
                get(&k)
                    .map(|v| v.trim().to_string())
                    .filter(|v| !v.is_empty())
                    .map(|v| (k, v))
            })
        };
        let proxy = |upper: &str| -> Result<Option<Proxy>, String> {
            match var(upper) {
                None => Ok(None),
                Some((k, v)) => parse_proxy(&v, &k, true).map(Some),
            }
        };
        Ok(ProxyOptions {
            https: proxy("HTTPS_PROXY")?,
            http: proxy("HTTP_PROXY")?,
            no_proxy: var("NO_PROXY").map(|(_, v)| v),
        })
    }

    /// A profile's own proxy, for both schemes (`NO_PROXY` still applies, as in curl).
    pub fn with_profile(mut self, proxy: Proxy) -> ProxyOptions {
        self.https = Some(proxy.clone());
        self.http = Some(proxy);
        self
    }
}

/// A proxy URL: `http://host:port` (or `https://`); credentials in it only when it comes from the
/// environment (`allow_credentials`), like every secret.
pub fn parse_proxy(text: &str, from: &str, allow_credentials: bool) -> Result<Proxy, String> {
    let text = text.trim();
    // `proxy:3128` without a scheme means http, as curl reads it.
    let with_scheme = if text.contains("://") {
        text.to_string()
    } else {
        format!("http://{text}")
    };
    let bad = || {
        format!(
            "{from}: not a proxy URL (it should look like http://proxy.example:3128): {}",
            display_url(&with_scheme)
        )
    };
    let url = reqwest::Url::parse(&with_scheme).map_err(|_| bad())?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "{from}: a {}:// proxy is not supported; give an HTTP proxy (http://host:port), \
             which casefile reaches HTTPS servers through with CONNECT",
            url.scheme()
        ));
    }
    let host = url.host_str().ok_or_else(bad)?;
    let has_credentials = !url.username().is_empty() || url.password().is_some();
    if has_credentials && !allow_credentials {
        return Err(format!(
            "{from}: the proxy URL holds credentials; secrets are never read from the config \
             file: write proxy = \"{}\" and give the user as proxy_user = \"...\" and the \
             password in an environment variable named by proxy_password_env = \"VAR\"",
            display_url(&with_scheme)
        ));
    }
    let port = url.port_or_known_default().unwrap_or(80);
    let host = if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.to_string()
    };
    Ok(Proxy {
        url: format!("{}://{host}:{port}", url.scheme()),
        user: (!url.username().is_empty()).then(|| percent_decode(url.username())),
        password: url.password().map(|p| Secret::new(percent_decode(p))),
        from: from.to_string(),
    })
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = |c: u8| (c as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// How to talk to a server.
#[derive(Clone, Debug)]
pub struct HttpOptions {
    pub connect_timeout: Duration,
    /// Longest wait for any one read (headers or a piece of the body): a stalled stream fails
    /// instead of hanging. Also the longest `Retry-After` honoured.
    pub read_timeout: Duration,
    /// Retries after the first attempt, on 429/502/503/504 (and, for reads, lost connections).
    pub retries: u32,
    /// First backoff; doubled each retry, with full jitter, capped at 30 s.
    pub backoff: Duration,
    pub ca_cert: Option<PathBuf>,
    pub insecure: bool,
    pub proxy: ProxyOptions,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(60),
            retries: 4,
            backoff: Duration::from_millis(500),
            ca_cert: None,
            insecure: false,
            proxy: ProxyOptions::default(),
        }
    }
}

/// What went wrong with a request, before the caller adds what to do about it.
#[derive(Debug)]
pub enum HttpError {
    /// The server answered with an error status; `body` is the start of its answer.
    Status {
        code: u16,
        body: String,
        retry_after: Option<Duration>,
    },
    /// No answer: refused, timed out, TLS failed, cut.
    Transport(String),
}

impl HttpError {
    pub fn status(&self) -> Option<u16> {
        match self {
            HttpError::Status { code, .. } => Some(*code),
            HttpError::Transport(_) => None,
        }
    }

    fn scrubbed(self, s: &Scrubber) -> HttpError {
        match self {
            HttpError::Status {
                code,
                body,
                retry_after,
            } => HttpError::Status {
                code,
                body: s.scrub(&body),
                retry_after,
            },
            HttpError::Transport(m) => HttpError::Transport(s.scrub(&m)),
        }
    }
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HttpError::Status { code, body, .. } => {
                write!(f, "HTTP {code}")?;
                let body = body.trim();
                if !body.is_empty() {
                    write!(f, ": {}", one_line(body, 300))?;
                }
                Ok(())
            }
            HttpError::Transport(m) => f.write_str(m),
        }
    }
}

/// A request body.
pub enum Body<'a> {
    Empty,
    Form(&'a [(&'a str, &'a str)]),
    Json(&'a serde_json::Value),
    Bytes(&'a str, &'a [u8]),
}

/// One request: method, URL, extra headers (values may be secret).
pub struct Request<'a> {
    pub method: &'a str,
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Body<'a>,
    /// Safe to send again after a lost connection (searches are; uploads are not).
    pub idempotent: bool,
}

/// An answer with a success status; its body is read with a timeout on each read.
pub struct Response(reqwest::blocking::Response);

impl Response {
    pub fn status(&self) -> u16 {
        self.0.status().as_u16()
    }

    /// The body, decompressed.
    pub fn into_reader(self) -> impl Read {
        self.0
    }

    /// The whole body as text, at most `max` bytes; `Err((message, lost))` where `lost` says
    /// the connection was lost (worth another try).
    pub fn into_text(self, max: u64) -> Result<String, (String, bool)> {
        let mut buf = Vec::new();
        match self.0.take(max + 1).read_to_end(&mut buf) {
            Ok(_) if buf.len() as u64 > max => Err((
                format!(
                    "the answer is larger than {} MiB; casefile stops reading there",
                    max >> 20
                ),
                false,
            )),
            Ok(_) => Ok(String::from_utf8_lossy(&buf).into_owned()),
            Err(e) => Err((format!("reading the answer: {}", io_text(&e)), lost(&e))),
        }
    }
}

/// Largest answer read whole as text (an Elasticsearch page, a login, a Jira answer).
pub const MAX_TEXT: u64 = 512 << 20;

/// A blocking HTTP client with the retry policy of [`HttpOptions`].
pub struct Http {
    client: reqwest::blocking::Client,
    opts: HttpOptions,
    /// Retries done so far, for the report.
    pub retried: std::cell::Cell<u32>,
    secrets: RefCell<Scrubber>,
}

impl Http {
    pub fn new(opts: &HttpOptions) -> Result<Http, String> {
        let mut b = reqwest::blocking::Client::builder()
            .connect_timeout(opts.connect_timeout)
            // The blocking client applies this to each wait: the answer's head, then every read
            // of the body. A whole upload gets more (see `upload_timeout`).
            .timeout(opts.read_timeout)
            .user_agent(concat!("casefile/", env!("CARGO_PKG_VERSION")))
            // Never follow a redirect: credentials would go wherever it points.
            .redirect(reqwest::redirect::Policy::none())
            // Proxies come from `opts.proxy` only (resolved from the environment in Config).
            .no_proxy()
            .http1_only();
        if opts.insecure {
            b = b.danger_accept_invalid_certs(true);
        } else if let Some(path) = &opts.ca_cert {
            for cert in read_ca(path)? {
                b = b.add_root_certificate(cert);
            }
        }
        let mut secrets = Scrubber::default();
        let no_proxy = opts
            .proxy
            .no_proxy
            .as_deref()
            .and_then(reqwest::NoProxy::from_string);
        // `NO_PROXY=*`: every host direct (the matcher below applies `*` to names only).
        let all_direct = opts
            .proxy
            .no_proxy
            .as_deref()
            .is_some_and(|n| n.split(',').any(|e| e.trim() == "*"));
        for (p, scheme) in [(&opts.proxy.https, "https"), (&opts.proxy.http, "http")] {
            let Some(p) = p.as_ref().filter(|_| !all_direct) else {
                continue;
            };
            let mk = if scheme == "https" {
                reqwest::Proxy::https
            } else {
                reqwest::Proxy::http
            };
            let mut proxy = mk(p.url.as_str())
                .map_err(|e| format!("{}: proxy {}: {e}", p.from, p.url))?
                .no_proxy(no_proxy.clone());
            if let Some(user) = &p.user {
                let pw = p.password.as_ref().map(Secret::expose).unwrap_or("");
                check_credential(
                    pw,
                    &format!("{} (proxy password)", p.from),
                    CredentialUse::Encoded,
                )?;
                secrets.add_basic(user, pw);
                proxy = proxy.basic_auth(user, pw);
            }
            b = b.proxy(proxy);
        }
        let client = b
            .build()
            .map_err(|e| format!("HTTP setup: {}", error_text(&e)))?;
        Ok(Http {
            client,
            opts: opts.clone(),
            retried: std::cell::Cell::new(0),
            secrets: RefCell::new(secrets),
        })
    }

    /// Remember a secret, so that no error carries it (as it is, or as the wire carries it).
    pub fn add_secret(&self, secret: &Secret) {
        self.secrets.borrow_mut().add(secret.expose());
    }

    /// Remember `user:password` as Basic sends it.
    pub fn add_basic_secret(&self, user: &str, password: &Secret) {
        self.secrets.borrow_mut().add_basic(user, password.expose());
    }

    /// `text` with every known secret replaced by `***`.
    pub fn scrub(&self, text: &str) -> String {
        self.secrets.borrow().scrub(text)
    }

    /// Send, retrying as the options say; `on_retry` hears each wait (for a progress line).
    pub fn send(
        &self,
        req: &Request<'_>,
        on_retry: &mut dyn FnMut(&HttpError, Duration),
    ) -> Result<Response, HttpError> {
        self.send_then(req, on_retry, Ok)
    }

    /// [`Http::send`], then the whole answer as text (at most [`MAX_TEXT`]). A connection lost
    /// while the answer is read is retried (for idempotent requests) like one lost before it.
    pub fn send_text(
        &self,
        req: &Request<'_>,
        on_retry: &mut dyn FnMut(&HttpError, Duration),
    ) -> Result<String, HttpError> {
        self.send_then(req, on_retry, |resp| {
            resp.into_text(MAX_TEXT)
                .map_err(|(m, lost)| (HttpError::Transport(m), lost))
        })
    }

    /// Send and `read` the answer, retrying as the options say; `read` fails with whether the
    /// connection was lost (worth another try). Every error is scrubbed of known secrets.
    fn send_then<T>(
        &self,
        req: &Request<'_>,
        on_retry: &mut dyn FnMut(&HttpError, Duration),
        read: impl Fn(Response) -> Result<T, (HttpError, bool)>,
    ) -> Result<T, HttpError> {
        let mut attempt = 0u32;
        loop {
            let (err, retryable) = match self.send_once(req) {
                Ok(r) => match read(r) {
                    Ok(t) => return Ok(t),
                    Err((e, lost)) => (e, lost && req.idempotent),
                },
                Err((e, transport_retryable)) => {
                    let retryable = match &e {
                        HttpError::Status { code, .. } => matches!(code, 429 | 502 | 503 | 504),
                        HttpError::Transport(_) => req.idempotent && transport_retryable,
                    };
                    (e, retryable)
                }
            };
            let err = err.scrubbed(&self.secrets.borrow());
            if !retryable || attempt >= self.opts.retries {
                return Err(err);
            }
            let wait = match &err {
                // A server's wish, but never longer than --timeout.
                HttpError::Status {
                    retry_after: Some(d),
                    ..
                } => (*d).min(self.opts.read_timeout),
                _ => backoff(self.opts.backoff, attempt),
            };
            on_retry(&err, wait);
            std::thread::sleep(wait);
            attempt += 1;
            self.retried.set(self.retried.get() + 1);
        }
    }

    /// One attempt; a transport error comes with whether another try may help.
    fn send_once(&self, req: &Request<'_>) -> Result<Response, (HttpError, bool)> {
        let method = reqwest::Method::from_bytes(req.method.as_bytes()).map_err(|_| {
            (
                HttpError::Transport(format!("bad method {}", req.method)),
                false,
            )
        })?;
        let mut r = self.client.request(method, &req.url);
        for (k, v) in &req.headers {
            r = r.header(*k, v.as_str());
        }
        r = match &req.body {
            Body::Empty => r,
            Body::Form(f) => r
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(form_encode(f)),
            Body::Json(v) => r
                .header("Content-Type", "application/json")
                .body(v.to_string()),
            Body::Bytes(ct, b) => r
                .header("Content-Type", *ct)
                .timeout(upload_timeout(self.opts.read_timeout, b.len()))
                .body(b.to_vec()),
        };
        let resp = match r.send() {
            Ok(resp) => resp,
            Err(e) => {
                let text = transport_text(&e);
                // A certificate refused stays refused: say so at once.
                let retryable = !e.is_builder() && !is_tls_problem(&text);
                return Err((HttpError::Transport(text), retryable));
            }
        };
        let code = resp.status().as_u16();
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        if (300..400).contains(&code) {
            let to = header("Location").unwrap_or_else(|| "?".into());
            return Err((
                HttpError::Status {
                    code,
                    body: format!(
                        "the server redirects to {}; casefile does not follow redirects (the \
                         credentials would follow): give that URL instead",
                        display_url(&to)
                    ),
                    retry_after: None,
                },
                false,
            ));
        }
        if code >= 400 {
            let retry_after = header("Retry-After").and_then(|v| parse_retry_after(&v));
            let mut body = Vec::new();
            let _ = resp.take(64 << 10).read_to_end(&mut body);
            return Err((
                HttpError::Status {
                    code,
                    body: String::from_utf8_lossy(&body).into_owned(),
                    retry_after,
                },
                false,
            ));
        }
        Ok(Response(resp))
    }
}

/// Time for a whole upload and its answer: `--timeout`, plus a second per 256 KiB sent (the
/// blocking client times the request as one wait).
fn upload_timeout(read_timeout: Duration, len: usize) -> Duration {
    read_timeout + Duration::from_secs((len as u64) >> 18)
}

/// `application/x-www-form-urlencoded`.
fn form_encode(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// `--ca-cert FILE`: every certificate of a PEM file, with a message that says the fix.
fn read_ca(path: &std::path::Path) -> Result<Vec<reqwest::Certificate>, String> {
    let pem = std::fs::read(path).map_err(|e| {
        format!(
            "--ca-cert {}: cannot read it: {e}; give the PEM file of the CA that signed the \
             server's certificate",
            path.display()
        )
    })?;
    let mut out = Vec::new();
    for cert in rustls_pemfile::certs(&mut pem.as_slice()) {
        let cert =
            cert.map_err(|e| format!("--ca-cert {}: not a PEM certificate: {e}", path.display()))?;
        out.push(
            reqwest::Certificate::from_der(cert.as_ref())
                .map_err(|e| format!("--ca-cert {}: {e}", path.display()))?,
        );
    }
    if out.is_empty() {
        return Err(format!(
            "--ca-cert {}: no `BEGIN CERTIFICATE` block in it; give the CA certificate in PEM \
             form",
            path.display()
        ));
    }
    Ok(out)
}

/// An error and its causes, `a: b: c`, each said once.
pub fn error_text(e: &dyn std::error::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur: Option<&dyn std::error::Error> = Some(e);
    while let Some(err) = cur {
        let t = err.to_string();
        if !parts.iter().any(|p| p.contains(&t)) {
            parts.push(t);
        }
        cur = err.source();
    }
    parts.join(": ")
}

fn io_text(e: &std::io::Error) -> String {
    match e.get_ref() {
        Some(inner) => error_text(inner),
        None => e.to_string(),
    }
}

/// A read error that means the connection went away (worth another try for a search).
fn lost(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::{BrokenPipe, ConnectionAborted, ConnectionReset, UnexpectedEof};
    if matches!(
        e.kind(),
        UnexpectedEof | ConnectionReset | ConnectionAborted | BrokenPipe
    ) {
        return true;
    }
    let t = io_text(e).to_ascii_lowercase();
    !t.contains("timed out")
        && [
            "connection closed before message completed",
            "end of file before message length reached",
            "incomplete",
            "connection reset",
            "broken pipe",
            "unexpected eof",
        ]
        .iter()
        .any(|m| t.contains(m))
}

fn is_tls_problem(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    lower.contains("certificate") || lower.contains("invalidcert") || lower.contains("tls")
}

fn transport_text(e: &reqwest::Error) -> String {
    // reqwest's own line names the URL; the caller names the server: keep the causes.
    let mut s = match std::error::Error::source(e) {
        Some(src) => error_text(src),
        None => e.to_string(),
    };
    if e.is_timeout() && !s.to_ascii_lowercase().contains("timed out") {
        s.push_str(" (timed out)");
    }
    let lower = s.to_ascii_lowercase();
    if is_tls_problem(&s) {
        s.push_str(
            "; the server's TLS certificate is not trusted: give its CA with --ca-cert FILE \
             (PEM), or, only for a test server you trust, --insecure",
        );
    } else if lower.contains("timed out") || lower.contains("timeout") {
        s.push_str("; the server is slow or unreachable: raise --timeout SECS, or check the URL");
    } else if lower.contains("proxy") || lower.contains("tunnel") {
        s.push_str(
            "; the proxy refused or failed: check HTTPS_PROXY/HTTP_PROXY (or the profile's \
             proxy), and NO_PROXY for hosts reached directly",
        );
    } else if lower.contains("refused") || lower.contains("dns") || lower.contains("resolve") {
        s.push_str("; check the URL and port, and that the server is up");
    }
    s
}

/// Exponential backoff with full jitter: a random wait in [d/2, d], d = base * 2^attempt.
pub fn backoff(base: Duration, attempt: u32) -> Duration {
    let d = base
        .saturating_mul(1u32 << attempt.min(16))
        .min(Duration::from_secs(30));
    let nanos = d.as_nanos() as u64;
    let r = jitter_seed() % (nanos / 2 + 1);
    Duration::from_nanos(nanos / 2 + r)
}

fn jitter_seed() -> u64 {
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let t = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    let c = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    // splitmix64
    let mut z = t ^ c.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// `Retry-After`: delay-seconds or an HTTP date (RFC 9110 §10.2.3).
pub fn parse_retry_after(v: &str) -> Option<Duration> {
    let v = v.trim();
    if let Ok(s) = v.parse::<u64>() {
        return Some(Duration::from_secs(s));
    }
    let when = jiff::fmt::rfc2822::parse(v).ok()?.timestamp();
    let now = jiff::Timestamp::now();
    let secs = when.as_second() - now.as_second();
    Some(Duration::from_secs(secs.max(0) as u64))
}

/// `user:password` for `Authorization: Basic`.
pub fn basic_auth(user: &str, password: &Secret) -> String {
    use base64::Engine;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{}", password.expose()))
    )
}

/// The first `max` characters of `s` on one line.
pub fn one_line(s: &str, max: usize) -> String {
    let mut out: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(max)
        .collect();
    if s.chars().count() > max {
        out.push('…');
    }
    out
}

/// A URL without user info, query or trailing slash: safe to print and to put in a bundle.
pub fn display_url(url: &str) -> String {
    // A scheme is letters, digits, `+`, `-`, `.` before the first `://` (not a `://` inside
    // the query: `svc:pw@host/x?r=http://y` has none, and its user info still goes).
    let (scheme, rest) = match url.split_once("://") {
        Some((sc, rest))
            if sc.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && sc
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')) =>
        {
            (sc, rest)
        }
        _ => ("", url),
    };
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let path = path.trim_end_matches('/');
    let mut s = String::new();
    if !scheme.is_empty() {
        s.push_str(scheme);
        s.push_str("://");
    }
    s.push_str(host);
    if !path.is_empty() {
        s.push('/');
        s.push_str(path);
    }
    s
}

/// Percent-encode one path segment or query value.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'*' | b',') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fuzzing (remote_answers): a `://` in the query was taken for the scheme's, and the
    /// user info and query were shown.
    #[test]
    fn display_url_drops_credentials_whatever_the_query_holds() {
        assert_eq!(display_url("svc:pw@host/x?r=http://y"), "host/x");
        assert_eq!(
            display_url("https://u:p@es.example:9200/logs?x=https://z"),
            "https://es.example:9200/logs"
        );
        assert_eq!(
            display_url("https://es.example:9200/"),
            "https://es.example:9200"
        );
    }

    #[test]
    fn secrets_never_show() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s} {s:?}"), "*** Secret(***)");
        assert_eq!(
            basic_auth("a@b.c", &Secret::new("tok")),
            "Basic YUBiLmM6dG9r"
        );
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
    }

    #[test]
    fn backoff_grows_within_bounds() {
        for a in 0..8 {
            let d = backoff(Duration::from_millis(100), a);
            let full = Duration::from_millis(100 << a).min(Duration::from_secs(30));
            assert!(d >= full / 2 && d <= full, "attempt {a}: {d:?}");
        }
        assert!(backoff(Duration::from_secs(1), 40) <= Duration::from_secs(30));
    }

    #[test]
    fn credentials_that_cannot_be_sent() {
        use CredentialUse::{Encoded, Header};
        assert!(check_credential("abc-DEF_123.+/=", "V", Header).is_ok());
        assert!(check_credential("pass word ü", "V", Encoded).is_ok());
        for (bad, used) in [
            ("a\u{200B}b", Encoded),
            ("a\u{00A0}b", Encoded),
            ("a\nb", Encoded),
            ("a\u{7f}b", Encoded),
            ("a b", Header),
            ("aüb", Header),
        ] {
            let e = check_credential(bad, "VAR_NAME", used).unwrap_err();
            assert!(e.starts_with("VAR_NAME: the credential holds U+"), "{e}");
            assert!(!e.contains(bad), "{e}");
        }
    }

    #[test]
    fn scrubber_knows_the_wire_forms() {
        let mut s = Scrubber::default();
        s.add_basic("me", "p@ss \"w\"");
        let b64 = {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD.encode("me:p@ss \"w\"")
        };
        let text = format!("a p@ss \"w\" b p%40ss%20%22w%22 c p@ss \\\"w\\\" d {b64}");
        assert_eq!(s.scrub(&text), "a *** b *** c *** d ***");
    }

    #[test]
    fn proxies_from_the_environment() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            ProxyOptions::from_vars(move |k| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            })
            .unwrap()
        };
        let p = env(&[
            ("HTTPS_PROXY", ""),
            ("https_proxy", "http://u%40corp:p%3Aw@proxy.corp:3128/"),
            ("no_proxy", ".corp.example"),
        ]);
        let h = p.https.unwrap();
        assert_eq!(h.url, "http://proxy.corp:3128");
        assert_eq!(h.user.as_deref(), Some("u@corp"));
        assert_eq!(h.password.unwrap().expose(), "p:w");
        assert_eq!(h.from, "https_proxy");
        assert!(p.http.is_none());
        assert_eq!(p.no_proxy.as_deref(), Some(".corp.example"));
        let p = env(&[("HTTP_PROXY", "proxy:8080")]);
        assert_eq!(p.http.unwrap().url, "http://proxy:8080");
        let e = parse_proxy("http://u:s3kr1t@proxy:1", "[sources.x] proxy", false).unwrap_err();
        assert!(
            e.contains("proxy_password_env") && !e.contains("s3kr1t"),
            "{e}"
        );
        assert!(parse_proxy("socks5://proxy:1", "HTTPS_PROXY", true).is_err());
    }

    #[test]
    fn urls_for_display() {
        assert_eq!(
            display_url("https://user:pw@es.example:9200/?x=1"),
            "https://es.example:9200"
        );
        assert_eq!(display_url("http://127.0.0.1:8/a/"), "http://127.0.0.1:8/a");
        assert_eq!(encode("logs-*,app 1"), "logs-*,app%201");
    }
}
