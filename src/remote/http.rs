//! HTTP for the remote engines: one blocking agent with connect and per-read timeouts, TLS
//! verified against the system's trust store (or `--ca-cert`, or explicitly not at all with
//! `--insecure`), and retries with exponential backoff and full jitter on 429/502/503/504,
//! honouring `Retry-After`. Secrets live in [`Secret`], whose `Debug`/`Display` never show them.

use std::fmt;
use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;
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

/// How to talk to a server.
#[derive(Clone, Debug)]
pub struct HttpOptions {
    pub connect_timeout: Duration,
    /// Longest wait for any one read (headers or a piece of the body): a stalled stream fails
    /// instead of hanging.
    pub read_timeout: Duration,
    /// Retries after the first attempt, on 429/502/503/504 (and, for reads, lost connections).
    pub retries: u32,
    /// First backoff; doubled each retry, with full jitter, capped at 30 s.
    pub backoff: Duration,
    pub ca_cert: Option<PathBuf>,
    pub insecure: bool,
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

/// A blocking HTTP client with the retry policy of [`HttpOptions`].
pub struct Http {
    agent: ureq::Agent,
    opts: HttpOptions,
    /// Retries done so far, for the report.
    pub retried: std::cell::Cell<u32>,
}

impl Http {
    pub fn new(opts: &HttpOptions) -> Result<Http, String> {
        let tls = tls_config(opts)?;
        let agent = ureq::AgentBuilder::new()
            .timeout_connect(opts.connect_timeout)
            .timeout_read(opts.read_timeout)
            .timeout_write(opts.read_timeout)
            .user_agent(concat!("casefile/", env!("CARGO_PKG_VERSION")))
            // Never follow a redirect: credentials would go wherever it points.
            .redirects(0)
            .tls_config(Arc::new(tls))
            .build();
        Ok(Http {
            agent,
            opts: opts.clone(),
            retried: std::cell::Cell::new(0),
        })
    }

    /// Send, retrying as the options say; `on_retry` hears each wait (for a progress line).
    pub fn send(
        &self,
        req: &Request<'_>,
        on_retry: &mut dyn FnMut(&HttpError, Duration),
    ) -> Result<ureq::Response, HttpError> {
        self.send_then(req, on_retry, Ok)
    }

    /// [`Http::send`], then the whole answer as text. A connection lost while the answer is
    /// read is retried (for idempotent requests) like one lost before it.
    pub fn send_text(
        &self,
        req: &Request<'_>,
        on_retry: &mut dyn FnMut(&HttpError, Duration),
    ) -> Result<String, HttpError> {
        use std::io::ErrorKind::{BrokenPipe, ConnectionAborted, ConnectionReset, UnexpectedEof};
        self.send_then(req, on_retry, |resp| {
            resp.into_string().map_err(|e| {
                let lost = matches!(
                    e.kind(),
                    UnexpectedEof | ConnectionReset | ConnectionAborted | BrokenPipe
                );
                (
                    HttpError::Transport(format!("reading the answer: {e}")),
                    lost,
                )
            })
        })
    }

    /// Send and `read` the answer, retrying as the options say; `read` fails with whether the
    /// connection was lost (worth another try).
    fn send_then<T>(
        &self,
        req: &Request<'_>,
        on_retry: &mut dyn FnMut(&HttpError, Duration),
        read: impl Fn(ureq::Response) -> Result<T, (HttpError, bool)>,
    ) -> Result<T, HttpError> {
        let mut attempt = 0u32;
        loop {
            let (err, retryable) = match self.send_once(req) {
                Ok(r) => match read(r) {
                    Ok(t) => return Ok(t),
                    Err((e, lost)) => (e, lost && req.idempotent),
                },
                Err(e) => {
                    let retryable = match &e {
                        HttpError::Status { code, .. } => matches!(code, 429 | 502 | 503 | 504),
                        // A certificate refused stays refused: say so at once.
                        HttpError::Transport(m) => req.idempotent && !m.contains("TLS certificate"),
                    };
                    (e, retryable)
                }
            };
            if !retryable || attempt >= self.opts.retries {
                return Err(err);
            }
            let wait = match &err {
                HttpError::Status {
                    retry_after: Some(d),
                    ..
                } => (*d).min(Duration::from_secs(120)),
                _ => backoff(self.opts.backoff, attempt),
            };
            on_retry(&err, wait);
            std::thread::sleep(wait);
            attempt += 1;
            self.retried.set(self.retried.get() + 1);
        }
    }

    fn send_once(&self, req: &Request<'_>) -> Result<ureq::Response, HttpError> {
        let mut r = self.agent.request(req.method, &req.url);
        for (k, v) in &req.headers {
            r = r.set(k, v);
        }
        let res = match &req.body {
            Body::Empty => r.call(),
            Body::Form(f) => r.send_form(f),
            Body::Json(v) => r
                .set("Content-Type", "application/json")
                .send_bytes(v.to_string().as_bytes()),
            Body::Bytes(ct, b) => r.set("Content-Type", ct).send_bytes(b),
        };
        match res {
            Ok(resp) if resp.status() >= 300 => {
                let to = resp.header("Location").unwrap_or("?").to_string();
                Err(HttpError::Status {
                    code: resp.status(),
                    body: format!(
                        "the server redirects to {}; casefile does not follow redirects (the \
                         credentials would follow): give that URL instead",
                        display_url(&to)
                    ),
                    retry_after: None,
                })
            }
            Ok(resp) => Ok(resp),
            Err(ureq::Error::Status(code, resp)) => {
                let retry_after = resp.header("Retry-After").and_then(parse_retry_after);
                let mut body = String::new();
                let _ = resp.into_reader().take(64 << 10).read_to_string(&mut body);
                Err(HttpError::Status {
                    code,
                    body,
                    retry_after,
                })
            }
            Err(ureq::Error::Transport(t)) => Err(HttpError::Transport(transport_text(&t))),
        }
    }
}

fn transport_text(t: &ureq::Transport) -> String {
    let mut s = t.to_string();
    // ureq prefixes the URL; keep the message, the caller names the server.
    if let Some(i) = s.find(": ") {
        if s[..i].contains("://") {
            s = s[i + 2..].to_string();
        }
    }
    let lower = s.to_ascii_lowercase();
    if lower.contains("certificate") || lower.contains("invalidcert") || lower.contains("tls") {
        s.push_str(
            "; the server's TLS certificate is not trusted: give its CA with --ca-cert FILE \
             (PEM), or, only for a test server you trust, --insecure",
        );
    } else if lower.contains("timed out") || lower.contains("timeout") {
        s.push_str("; the server is slow or unreachable: raise --timeout SECS, or check the URL");
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

fn tls_config(opts: &HttpOptions) -> Result<rustls::ClientConfig, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS setup: {e}"))?;
    if opts.insecure {
        return Ok(builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(NoVerify(provider)))
            .with_no_client_auth());
    }
    let mut roots = rustls::RootCertStore::empty();
    if let Some(path) = &opts.ca_cert {
        let pem = std::fs::read(path).map_err(|e| {
            format!(
                "--ca-cert {}: cannot read it: {e}; give the PEM file of the CA that signed the \
                 server's certificate",
                path.display()
            )
        })?;
        let mut n = 0;
        for cert in rustls_pemfile::certs(&mut pem.as_slice()) {
            let cert = cert
                .map_err(|e| format!("--ca-cert {}: not a PEM certificate: {e}", path.display()))?;
            roots
                .add(cert)
                .map_err(|e| format!("--ca-cert {}: {e}", path.display()))?;
            n += 1;
        }
        if n == 0 {
            return Err(format!(
                "--ca-cert {}: no `BEGIN CERTIFICATE` block in it; give the CA certificate in \
                 PEM form",
                path.display()
            ));
        }
    }
    // The system's trust store too, as curl does: a public certificate keeps working.
    let native = rustls_native_certs::load_native_certs();
    for cert in native.certs {
        let _ = roots.add(cert);
    }
    Ok(builder.with_root_certificates(roots).with_no_client_auth())
}

/// `--insecure`: accept any certificate (the handshake signatures are still checked).
#[derive(Debug)]
struct NoVerify(Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for NoVerify {
    fn verify_server_cert(
        &self,
        _: &rustls::pki_types::CertificateDer<'_>,
        _: &[rustls::pki_types::CertificateDer<'_>],
        _: &rustls::pki_types::ServerName<'_>,
        _: &[u8],
        _: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }
    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
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
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
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
    fn urls_for_display() {
        assert_eq!(
            display_url("https://user:pw@es.example:9200/?x=1"),
            "https://es.example:9200"
        );
        assert_eq!(display_url("http://127.0.0.1:8/a/"), "http://127.0.0.1:8/a");
        assert_eq!(encode("logs-*,app 1"), "logs-*,app%201");
    }
}
