//! TLS against a real TLS server (`openssl s_server` on 127.0.0.1 with a CA made by the test):
//! verified by default, `--ca-cert` trusts the CA, `--insecure` skips verification; a refused
//! certificate is said at once with the fix, and not retried: a counting TCP relay in front of
//! the server sees exactly one connection per run.

mod common;

use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::casefile;

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `openssl s_server -WWW` serving files of `dir` over TLS on a free loopback port.
fn start_server(dir: &Path) -> (Server, u16) {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new("openssl")
        .current_dir(dir)
        .args([
            "s_server",
            "-accept",
            &format!("127.0.0.1:{port}"),
            "-cert",
            "srv.pem",
            "-key",
            "srv.key",
            "-WWW",
            "-quiet",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("openssl s_server");
    let server = Server(child);
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "s_server did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    (server, port)
}

/// A TCP relay on a free loopback port to `127.0.0.1:upstream` that counts the connections
/// made through it. Stops accepting when dropped.
struct Relay {
    port: u16,
    connections: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl Relay {
    fn start(upstream: u16) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let connections = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (count, stopped) = (connections.clone(), stop.clone());
        std::thread::spawn(move || {
            for client in listener.incoming() {
                if stopped.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(client) = client else { continue };
                count.fetch_add(1, Ordering::SeqCst);
                let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)) else {
                    continue;
                };
                for (mut from, mut to) in [
                    (client.try_clone().unwrap(), server.try_clone().unwrap()),
                    (server, client),
                ] {
                    std::thread::spawn(move || {
                        let _ = std::io::copy(&mut from, &mut to);
                        let _ = to.shutdown(Shutdown::Write);
                    });
                }
            }
        });
        Relay {
            port,
            connections,
            stop,
        }
    }

    /// Connections made since the last call.
    fn take(&self) -> usize {
        self.connections.swap(0, Ordering::SeqCst)
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

#[test]
fn tls_is_verified_unless_told_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    common::tls::make_certs(dir.path(), &[]);
    let (_server, port) = start_server(dir.path());
    let relay = Relay::start(port);
    let url = format!("https://127.0.0.1:{}", relay.port);
    let ca = dir.path().join("ca.pem");
    let base = [
        "trace",
        "abc123def456",
        "--elastic",
        url.as_str(),
        "--since",
        "2026-11-28T00:00:00Z",
        "--until",
        "2026-11-29T00:00:00Z",
    ];

    // Default: the unknown CA is refused, once, with the fix.
    let r = casefile(dir.path(), &base);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("UnknownIssuer"), "{}", r.stderr);
    assert!(r.stderr.contains("--ca-cert"), "{}", r.stderr);
    assert!(r.stderr.contains("--insecure"), "{}", r.stderr);
    assert!(
        !r.stderr.contains("retrying"),
        "no retry on a refused certificate: {}",
        r.stderr
    );
    assert_eq!(
        relay.take(),
        1,
        "one connection: a refused certificate is not retried"
    );

    // --ca-cert: the handshake passes; s_server is no search engine, so what fails next is
    // the answer, not the certificate.
    let mut with_ca = base.to_vec();
    with_ca.extend(["--ca-cert", ca.to_str().unwrap()]);
    let r = casefile(dir.path(), &with_ca);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(!r.stderr.contains("UnknownIssuer"), "{}", r.stderr);
    assert!(r.stderr.contains("not JSON"), "{}", r.stderr);
    assert_eq!(relay.take(), 1, "an answer that is not JSON is not retried");

    // --insecure: no verification at all; the same answer as with the CA.
    let mut insecure = base.to_vec();
    insecure.push("--insecure");
    let r = casefile(dir.path(), &insecure);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(!r.stderr.contains("UnknownIssuer"), "{}", r.stderr);
    assert!(r.stderr.contains("not JSON"), "{}", r.stderr);
    assert_eq!(relay.take(), 1);

    // --insecure with --ca-cert: still no verification, still one connection.
    let mut both = with_ca.clone();
    both.push("--insecure");
    let r = casefile(dir.path(), &both);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("not JSON"), "{}", r.stderr);
    assert_eq!(relay.take(), 1);

    // A --ca-cert that is not a certificate is a usage error that says so.
    std::fs::write(dir.path().join("junk.pem"), "hello").unwrap();
    let mut junk = base.to_vec();
    junk.extend(["--ca-cert", "junk.pem"]);
    let r = casefile(dir.path(), &junk);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("BEGIN CERTIFICATE"), "{}", r.stderr);
    assert_eq!(relay.take(), 0, "refused before any connection");
}
