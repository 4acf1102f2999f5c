//! Remote sources behind a corporate proxy (issue 17, "HTTP client: reqwest, behind a corporate
//! proxy"): `HTTPS_PROXY`/`https_proxy`, `HTTP_PROXY`, `NO_PROXY` and a profile's `proxy =`.
//!
//! The chain, all on 127.0.0.1: casefile -> a CONNECT proxy written here (it counts CONNECT
//! requests, checks `Proxy-Authorization`, and tunnels bytes, counting them) -> a TLS front
//! (rustls, certificate from a CA made with `openssl`) -> the Splunk fake in plain HTTP. The
//! Splunk URL names a host that does not resolve (`splunk.casefile-test.invalid`): only the proxy
//! knows where it is, so an answer proves the request went through it.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::casefile_env;
use common::fake_splunk::{event, FakeSplunk, SplunkConfig};

const TOKEN: &str = "proxy-test-token-51c2";
const HOST: &str = "splunk.casefile-test.invalid";
const SINCE: &str = "2026-11-28T09:00:00Z";
const UNTIL: &str = "2026-11-28T11:00:00Z";
const PROXY_USER: &str = "svc-casefile";
const PROXY_PASSWORD: &str = "pr0xy-S3cret-9d";

/// TLS on a loopback port, relayed in plain to `upstream` (the Splunk fake).
struct TlsFront {
    port: u16,
    stop: Arc<AtomicBool>,
}

impl TlsFront {
    fn start(dir: &Path, upstream: u16) -> TlsFront {
        let certs: Vec<_> =
            rustls_pemfile::certs(&mut &std::fs::read(dir.join("srv.pem")).unwrap()[..])
                .map(|c| c.unwrap())
                .collect();
        let key =
            rustls_pemfile::private_key(&mut &std::fs::read(dir.join("srv.key")).unwrap()[..])
                .unwrap()
                .unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = Arc::new(
            rustls::ServerConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .unwrap()
                .with_no_client_auth()
                .with_single_cert(certs, key)
                .unwrap(),
        );
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        std::thread::spawn(move || {
            for client in listener.incoming() {
                if stopped.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(client) = client else { continue };
                let config = config.clone();
                std::thread::spawn(move || tls_relay(client, upstream, config));
            }
        });
        TlsFront { port, stop }
    }
}

impl Drop for TlsFront {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

/// One TLS connection relayed to `upstream`: both sockets polled with a short read timeout, so
/// one thread serves both directions of the rustls stream. Ends when either side closes.
fn tls_relay(client: TcpStream, upstream: u16, config: Arc<rustls::ServerConfig>) {
    let Ok(mut up) = TcpStream::connect(("127.0.0.1", upstream)) else {
        return;
    };
    let poll = Some(Duration::from_millis(5));
    client.set_read_timeout(poll).unwrap();
    up.set_read_timeout(poll).unwrap();
    let conn = rustls::ServerConnection::new(config).unwrap();
    let mut tls = rustls::StreamOwned::new(conn, client);
    let mut buf = vec![0u8; 64 << 10];
    let waiting = |e: &std::io::Error| {
        matches!(
            e.kind(),
            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
        )
    };
    // Bounded: at most ~10 minutes of polling (never reached by a test).
    for _ in 0..120_000 {
        match tls.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                if up.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
            Err(e) if waiting(&e) => {}
            Err(_) => break,
        }
        match up.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                if tls.write_all(&buf[..n]).and_then(|_| tls.flush()).is_err() {
                    break;
                }
            }
            Err(e) if waiting(&e) => {}
            Err(_) => break,
        }
    }
    tls.conn.send_close_notify();
    let _ = tls.flush();
    let _ = tls.sock.shutdown(Shutdown::Both);
}

/// A CONNECT target and the `Proxy-Authorization` sent with it.
type Connect = (String, Option<String>);

/// An HTTP proxy that only tunnels: `CONNECT host:port` to 127.0.0.1 (HOST is mapped to
/// `target`), anything else answered 405. With `login`, a CONNECT without the right
/// `Proxy-Authorization: Basic` gets 407.
struct ConnectProxy {
    port: u16,
    connects: Arc<AtomicUsize>,
    /// `CONNECT` targets and `Proxy-Authorization` values, in order.
    seen: Arc<Mutex<Vec<Connect>>>,
    /// Request lines that were not CONNECT.
    other: Arc<Mutex<Vec<String>>>,
    up_bytes: Arc<AtomicU64>,
    down_bytes: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
}

impl ConnectProxy {
    fn start(target: u16, login: Option<(&str, &str)>) -> ConnectProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let p = ConnectProxy {
            port,
            connects: Arc::default(),
            seen: Arc::default(),
            other: Arc::default(),
            up_bytes: Arc::default(),
            down_bytes: Arc::default(),
            stop: Arc::default(),
        };
        let want = login.map(|(u, pw)| {
            format!(
                "Basic {}",
                common::fake_http::base64_encode(format!("{u}:{pw}").as_bytes())
            )
        });
        let (connects, seen, other, up, down, stop) = (
            p.connects.clone(),
            p.seen.clone(),
            p.other.clone(),
            p.up_bytes.clone(),
            p.down_bytes.clone(),
            p.stop.clone(),
        );
        std::thread::spawn(move || {
            for client in listener.incoming() {
                if stop.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(client) = client else { continue };
                let (connects, seen, other, up, down, want) = (
                    connects.clone(),
                    seen.clone(),
                    other.clone(),
                    up.clone(),
                    down.clone(),
                    want.clone(),
                );
                std::thread::spawn(move || {
                    proxy_connection(client, target, want, &connects, &seen, &other, &up, &down)
                });
            }
        });
        p
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn seen(&self) -> Vec<Connect> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for ConnectProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

#[allow(clippy::too_many_arguments)]
fn proxy_connection(
    client: TcpStream,
    target: u16,
    want: Option<String>,
    connects: &AtomicUsize,
    seen: &Mutex<Vec<Connect>>,
    other: &Mutex<Vec<String>>,
    up: &Arc<AtomicU64>,
    down: &Arc<AtomicU64>,
) {
    client
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut r = BufReader::new(client.try_clone().unwrap());
    let mut line = String::new();
    if r.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let mut auth = None;
    loop {
        let mut h = String::new();
        if r.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            if k.trim().eq_ignore_ascii_case("proxy-authorization") {
                auth = Some(v.trim().to_string());
            }
        }
    }
    let mut w = client;
    let parts: Vec<&str> = line.split_whitespace().collect();
    if parts.first() != Some(&"CONNECT") {
        other.lock().unwrap().push(line.trim().to_string());
        let _ = w.write_all(
            b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        );
        return;
    }
    connects.fetch_add(1, Ordering::SeqCst);
    let dest = parts.get(1).unwrap_or(&"").to_string();
    seen.lock().unwrap().push((dest.clone(), auth.clone()));
    if want.is_some() && auth != want {
        let _ = w.write_all(
            b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"corp\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        );
        return;
    }
    let (host, port) = dest.rsplit_once(':').unwrap_or((&dest, "443"));
    let port: u16 = if host == HOST {
        target
    } else {
        port.parse().unwrap_or(0)
    };
    if host != HOST && host != "127.0.0.1" {
        let _ = w.write_all(
            b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        );
        return;
    }
    let Ok(server) = TcpStream::connect(("127.0.0.1", port)) else {
        let _ = w.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
        return;
    };
    let _ = w.write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n");
    client_to_server_and_back(r, w, server, up.clone(), down.clone());
}

/// Tunnel both ways, counting bytes, until either side closes.
fn client_to_server_and_back(
    mut from_client: BufReader<TcpStream>,
    mut to_client: TcpStream,
    server: TcpStream,
    up: Arc<AtomicU64>,
    down: Arc<AtomicU64>,
) {
    let _ = from_client.get_ref().set_read_timeout(None);
    let mut to_server = server.try_clone().unwrap();
    let t = std::thread::spawn(move || {
        let mut buf = vec![0u8; 64 << 10];
        loop {
            match from_client.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    up.fetch_add(n as u64, Ordering::SeqCst);
                    if to_server.write_all(&buf[..n]).is_err() {
                        break;
                    }
                }
            }
        }
        let _ = to_server.shutdown(Shutdown::Write);
    });
    let mut from_server = server;
    let mut buf = vec![0u8; 64 << 10];
    loop {
        match from_server.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                down.fetch_add(n as u64, Ordering::SeqCst);
                if to_client.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
        }
    }
    let _ = to_client.shutdown(Shutdown::Write);
    let _ = t.join();
}

fn splunk() -> FakeSplunk {
    FakeSplunk::start(SplunkConfig {
        events: vec![
            event(
                "2026-11-28T10:00:00.000+00:00",
                "app",
                "web-1",
                "/var/log/a.log",
                "a",
                "2026-11-28T10:00:00.000Z INFO one",
            ),
            event(
                "2026-11-28T10:00:01.000+00:00",
                "app",
                "web-1",
                "/var/log/a.log",
                "a",
                "2026-11-28T10:00:01.000Z INFO two",
            ),
        ],
        token: Some(TOKEN.into()),
        ..Default::default()
    })
}

fn fake_port(f: &FakeSplunk) -> u16 {
    f.url.rsplit(':').next().unwrap().parse().unwrap()
}

struct Setup {
    dir: tempfile::TempDir,
    fake: FakeSplunk,
    front: TlsFront,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    common::tls::make_certs(dir.path(), &[HOST]);
    let fake = splunk();
    let front = TlsFront::start(dir.path(), fake_port(&fake));
    Setup { dir, fake, front }
}

fn events(s: &Setup, host: &str, extra: &[&str], env: &[(&str, &str)]) -> common::Run {
    let url = format!("https://{host}:{}", s.front.port);
    let mut args = vec![
        "events",
        "--splunk",
        url.as_str(),
        "--splunk-search",
        "index=app",
        "--since",
        SINCE,
        "--until",
        UNTIL,
        "--json",
        "--ca-cert",
        "ca.pem",
        "--retries",
        "0",
    ];
    args.extend_from_slice(extra);
    let mut env = env.to_vec();
    env.push(("CASEFILE_SPLUNK_TOKEN", TOKEN));
    // The machine's own proxy settings never reach these runs unless a test sets them.
    for k in [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "NO_PROXY",
        "no_proxy",
    ] {
        if !env.iter().any(|(e, _)| *e == k) {
            env.push((k, ""));
        }
    }
    casefile_env(s.dir.path(), &args, None, &env)
}

fn exports(f: &FakeSplunk) -> usize {
    f.exports().len()
}

#[test]
fn https_proxy_tunnels_with_connect() {
    let s = setup();
    let proxy = ConnectProxy::start(s.front.port, None);
    let r = events(&s, HOST, &[], &[("HTTPS_PROXY", &proxy.url())]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json_lines().len(), 2, "{}", r.stdout);
    assert_eq!(
        proxy.connects.load(Ordering::SeqCst),
        1,
        "one tunnel for the one export"
    );
    assert_eq!(proxy.seen(), [(format!("{HOST}:{}", s.front.port), None)]);
    assert!(proxy.up_bytes.load(Ordering::SeqCst) > 0);
    assert!(proxy.down_bytes.load(Ordering::SeqCst) > 0);
    assert!(proxy.other.lock().unwrap().is_empty());
    assert_eq!(exports(&s.fake), 1);
}

#[test]
fn lower_case_https_proxy_is_honoured() {
    let s = setup();
    let proxy = ConnectProxy::start(s.front.port, None);
    let r = events(&s, HOST, &[], &[("https_proxy", &proxy.url())]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json_lines().len(), 2);
    assert_eq!(proxy.connects.load(Ordering::SeqCst), 1);
    assert_eq!(exports(&s.fake), 1);
}

#[test]
fn no_proxy_bypasses_the_proxy() {
    let s = setup();
    let proxy = ConnectProxy::start(s.front.port, None);
    for no_proxy in [
        ("NO_PROXY", "127.0.0.1"),
        ("no_proxy", "localhost,127.0.0.0/8"),
        ("NO_PROXY", "*"),
    ] {
        let r = events(
            &s,
            "127.0.0.1",
            &[],
            &[("HTTPS_PROXY", &proxy.url()), no_proxy],
        );
        assert_eq!(r.code, 0, "{no_proxy:?}: {}", r.stderr);
        assert_eq!(r.json_lines().len(), 2);
    }
    assert_eq!(
        proxy.connects.load(Ordering::SeqCst),
        0,
        "NO_PROXY: never through the proxy"
    );
    assert_eq!(exports(&s.fake), 3, "each run went direct");
    // A NO_PROXY for another host leaves this one proxied.
    let r = events(
        &s,
        "127.0.0.1",
        &[],
        &[
            ("HTTPS_PROXY", &proxy.url()),
            ("NO_PROXY", "es.corp.example,.corp.example"),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(proxy.connects.load(Ordering::SeqCst), 1);
    assert_eq!(proxy.seen()[0].0, format!("127.0.0.1:{}", s.front.port));
}

#[test]
fn http_proxy_is_used_for_http_urls() {
    // A plain http:// server is reached through HTTP_PROXY (absolute-form request, no CONNECT);
    // this proxy only tunnels, so it refuses it, and the refusal is what casefile reports.
    let s = setup();
    let proxy = ConnectProxy::start(s.front.port, None);
    let dir = tempfile::tempdir().unwrap();
    let r = casefile_env(
        dir.path(),
        &[
            "events",
            "--splunk",
            &s.fake.url,
            "--since",
            SINCE,
            "--until",
            UNTIL,
            "--json",
            "--retries",
            "0",
        ],
        None,
        &[
            ("CASEFILE_SPLUNK_TOKEN", TOKEN),
            ("HTTP_PROXY", &proxy.url()),
            ("NO_PROXY", ""),
            ("HTTPS_PROXY", ""),
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("HTTP 405"), "{}", r.stderr);
    let other = proxy.other.lock().unwrap().clone();
    assert_eq!(
        other,
        [format!(
            "POST {}/services/search/v2/jobs/export HTTP/1.1",
            s.fake.url
        )]
    );
    assert_eq!(exports(&s.fake), 0, "nothing went direct");
}

#[test]
fn proxy_credentials_from_the_environment_only() {
    let s = setup();
    let proxy = ConnectProxy::start(s.front.port, Some((PROXY_USER, PROXY_PASSWORD)));
    let with_login = format!(
        "http://{PROXY_USER}:{PROXY_PASSWORD}@127.0.0.1:{}",
        proxy.port
    );
    let r = events(&s, HOST, &[], &[("HTTPS_PROXY", &with_login)]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json_lines().len(), 2);
    let want = format!(
        "Basic {}",
        common::fake_http::base64_encode(format!("{PROXY_USER}:{PROXY_PASSWORD}").as_bytes())
    );
    assert_eq!(
        proxy.seen(),
        [(format!("{HOST}:{}", s.front.port), Some(want.clone()))]
    );
    assert!(!r.stderr.contains(PROXY_PASSWORD) && !r.stdout.contains(PROXY_PASSWORD));
    let fake_saw_auth = s
        .fake
        .recorded()
        .iter()
        .any(|q| q.header("proxy-authorization").is_some());
    assert!(!fake_saw_auth, "the proxy login goes to the proxy only");

    // A wrong password: refused by the proxy, said without the password.
    let wrong = format!(
        "http://{PROXY_USER}:wr0ng-{PROXY_PASSWORD}@127.0.0.1:{}",
        proxy.port
    );
    let r = events(&s, HOST, &[], &[("HTTPS_PROXY", &wrong)]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.to_ascii_lowercase().contains("proxy"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains(PROXY_PASSWORD), "{}", r.stderr);
    assert_eq!(exports(&s.fake), 1, "the refused tunnel reached nothing");

    // A profile's proxy: the URL without credentials, the login from proxy_password_env.
    std::fs::write(
        s.dir.path().join("casefile.toml"),
        format!(
            "[sources.corp]\nkind = \"splunk\"\nurl = \"https://{HOST}:{}\"\nsearch = \"index=app\"\n\
             ca_cert = \"ca.pem\"\nproxy = \"{}\"\nproxy_user = \"{PROXY_USER}\"\n\
             proxy_password_env = \"CORP_PROXY_PW\"\n",
            s.front.port,
            proxy.url()
        ),
    )
    .unwrap();
    let profile = [
        "events",
        "--config",
        "casefile.toml",
        "--source",
        "corp",
        "--since",
        SINCE,
        "--until",
        UNTIL,
        "--json",
    ];
    let r = casefile_env(
        s.dir.path(),
        &profile,
        None,
        &[
            ("CASEFILE_SPLUNK_TOKEN", TOKEN),
            ("CORP_PROXY_PW", PROXY_PASSWORD),
            ("HTTPS_PROXY", ""),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json_lines().len(), 2);
    assert_eq!(
        proxy.seen().last().unwrap().1.as_deref(),
        Some(want.as_str())
    );

    // Credentials in the profile's proxy URL: refused with the fix, before any connection.
    let before = proxy.connects.load(Ordering::SeqCst);
    std::fs::write(
        s.dir.path().join("casefile.toml"),
        format!(
            "[sources.corp]\nkind = \"splunk\"\nurl = \"https://{HOST}:{}\"\n\
             proxy = \"http://{PROXY_USER}:{PROXY_PASSWORD}@127.0.0.1:{}\"\n",
            s.front.port, proxy.port
        ),
    )
    .unwrap();
    let r = casefile_env(
        s.dir.path(),
        &profile,
        None,
        &[("CASEFILE_SPLUNK_TOKEN", TOKEN)],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("[sources.corp] proxy: the proxy URL holds credentials"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("proxy_password_env"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains(&format!("proxy = \"http://127.0.0.1:{}\"", proxy.port)),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains(PROXY_PASSWORD) && !r.stdout.contains(PROXY_PASSWORD),
        "{}",
        r.stderr
    );
    assert_eq!(proxy.connects.load(Ordering::SeqCst), before);
}

#[test]
fn profile_proxy_without_environment() {
    let s = setup();
    let proxy = ConnectProxy::start(s.front.port, None);
    std::fs::write(
        s.dir.path().join("casefile.toml"),
        format!(
            "[sources.corp]\nkind = \"splunk\"\nurl = \"https://{HOST}:{}\"\nsearch = \"index=app\"\n\
             ca_cert = \"ca.pem\"\nproxy = \"127.0.0.1:{}\"\n",
            s.front.port, proxy.port
        ),
    )
    .unwrap();
    let r = casefile_env(
        s.dir.path(),
        &[
            "events",
            "--config",
            "casefile.toml",
            "--source",
            "corp",
            "--since",
            SINCE,
            "--until",
            UNTIL,
            "--json",
        ],
        None,
        &[
            ("CASEFILE_SPLUNK_TOKEN", TOKEN),
            ("HTTPS_PROXY", ""),
            ("https_proxy", ""),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json_lines().len(), 2);
    assert_eq!(proxy.connects.load(Ordering::SeqCst), 1);
    assert_eq!(exports(&s.fake), 1);
}
