//! Redaction of arbitrary text, with secrets of every kind planted after it.
//!
//! The input is text (lossy UTF-8); its first byte picks the redactor (bit 0: with `--redact-ips`
//! and two custom patterns, one with a capture group) and how the planted `secret` is written
//! (which key, which quoting); its ASCII letters and digits make the planted values, so the
//! fuzzer steers them. Planted after the text, one per line: a JWT after
//! `Authorization: Bearer`, a bearer token, Basic credentials, an AWS key id and secret, GitHub
//! and Slack tokens, a URL password, a Luhn-valid card number, an e-mail address, a
//! secret-named key's value, and with the second redactor an IPv4 address and custom matches.
//!
//! Properties checked (the redactor reports counts, never values, so the planted values are the
//! ones whose absence is checked):
//! - every planted line comes out exactly as documented: the value, and only it, replaced by
//!   `placeholder(kind, value)`; so no planted value survives;
//! - redaction is line-local: the text's own lines come out as they do without the planted ones
//!   (a secret never swallows a line end, and nothing before a line changes how it is redacted),
//!   except after a PEM BEGIN line the text does not close, which redacts to the end on purpose;
//! - redaction is idempotent: `redact(redact(x)) == redact(x)`, and the second pass redacts
//!   nothing (borrowed result, counters unchanged).
#![no_main]

use std::borrow::Cow;
use std::sync::OnceLock;

use casefile::redact::{placeholder, RedactionConfig, Redactor};
use libfuzzer_sys::fuzz_target;

fn redactors() -> &'static [Redactor; 2] {
    static R: OnceLock<[Redactor; 2]> = OnceLock::new();
    R.get_or_init(|| {
        let plain = Redactor::new(&RedactionConfig::default()).expect("default redactor");
        let full = Redactor::new(&RedactionConfig {
            ips: true,
            custom: vec![
                ("ticket".into(), "TCK-[0-9]{6}".into()),
                ("session".into(), "sid=([0-9a-f]{32})".into()),
            ],
        })
        .expect("custom patterns");
        [plain, full]
    })
}

/// Keys of the `secret` kind as logs write them, and the ways they quote the value.
const SECRET_KEYS: [&str; 8] = [
    "password",
    "db_password",
    "spring.datasource.password",
    "client_secret",
    "api_key",
    "X-Api-Key",
    "accessToken",
    "passphrase",
];

fn secret_line(style: u8, key: &str, v: &str) -> String {
    match style % 6 {
        0 => format!("{key}={v}"),
        1 => format!("{key}: {v}"),
        2 => format!("{{\"{key}\": \"{v}\"}}"),
        3 => format!("{key}=\"{v}\""),
        4 => format!("{key}='{v}'"),
        _ => format!("msg=\"{{\\\"{key}\\\":\\\"{v}\\\"}}\""),
    }
}

/// `n` characters of `alnum` cycled (padded with `pad` when there are none).
fn take(alnum: &[u8], n: usize, pad: u8) -> String {
    if alnum.is_empty() {
        return String::from_utf8(vec![pad; n]).expect("ASCII");
    }
    alnum.iter().cycle().take(n).map(|&b| b as char).collect()
}

/// A 16-digit Visa-like number passing the Luhn check, its digits taken from `alnum`.
fn card(alnum: &[u8]) -> String {
    let mut d: Vec<u32> = vec![4];
    d.extend(alnum.iter().cycle().take(14).map(|&b| u32::from(b) % 10));
    d.resize(15, 7);
    // Luhn: double every second digit from the right, counting the check digit as the first.
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &x)| {
            if i % 2 == 0 {
                let y = x * 2;
                if y > 9 {
                    y - 9
                } else {
                    y
                }
            } else {
                x
            }
        })
        .sum();
    d.push((10 - sum % 10) % 10);
    d.iter()
        .map(|x| char::from_digit(*x, 10).expect("digit"))
        .collect()
}

/// The planted lines and, for each, what it must become.
fn planted(sel: u8, alnum: &[u8], full: bool) -> Vec<(String, String)> {
    let v = format!("S3c{}", take(alnum, alnum.len().clamp(1, 24), b'x'));
    let mut out = Vec::new();
    let mut plant = |kind: &str, line: String, value: &str| {
        let want = line.replacen(value, &placeholder(kind, value), 1);
        out.push((line, want));
    };

    let jwt = format!("eyJhbGciOi{}.{}.{}", v, take(alnum, 12, b'p'), v);
    plant("jwt", format!("Authorization: Bearer {jwt}"), &jwt);
    plant("bearer", format!("authorization=Bearer {v}"), &v);
    let basic = format!("{v}==");
    plant("basic", format!("Authorization: Basic {basic}"), &basic);
    let upper: Vec<u8> = alnum.iter().map(u8::to_ascii_uppercase).collect();
    let aws_key = format!("AKIA{}", take(&upper, 16, b'Q'));
    plant("aws_key", format!("aws_access_key_id={aws_key}"), &aws_key);
    let aws_secret = take(format!("{v}K").as_bytes(), 40, b'K');
    plant(
        "aws_secret",
        format!("aws_secret_access_key = {aws_secret}"),
        &aws_secret,
    );
    let gh = format!("ghp_{}", take(format!("{v}G").as_bytes(), 36, b'G'));
    plant("github_token", format!("token={gh}"), &gh);
    let slack = format!("xoxb-123456789012-{v}");
    plant("slack_token", format!("notify {slack} done"), &slack);
    plant(
        "url_password",
        format!("dsn=postgres://orders_app:{v}@db01.internal:5432/orders"),
        &v,
    );
    let card = card(alnum);
    plant("card", format!("\"card_number\":\"{card}\""), &card);
    let email = format!("{}@example.com", v.to_ascii_lowercase());
    plant("email", format!("customer_email={email} sent"), &email);
    let key = SECRET_KEYS[usize::from(sel >> 1) % SECRET_KEYS.len()];
    plant("secret", secret_line(sel >> 4, key, &v), &v);
    if full {
        let o = |i: usize| alnum.get(i).map_or(0, |&b| u32::from(b));
        let ip = format!("{}.{}.{}.{}", 10 + o(0) % 200, o(1), o(2), o(3));
        plant("ip", format!("client {ip} - - connected"), &ip);
        let ticket = format!("TCK-{}", &card[..6]);
        plant("custom:ticket", format!("see {ticket}"), &ticket);
        let sid = take(
            &alnum
                .iter()
                .map(|b| b"0123456789abcdef"[usize::from(b % 16)])
                .collect::<Vec<_>>(),
            32,
            b'a',
        );
        plant("custom:session", format!("cookie sid={sid};"), &sid);
    }
    out
}

fuzz_target!(|bytes: &[u8]| {
    let text = String::from_utf8_lossy(bytes);
    let sel = bytes.first().copied().unwrap_or(0);
    let full = sel & 1 != 0;
    let r = &redactors()[usize::from(full)];
    let alnum: Vec<u8> = bytes
        .iter()
        .copied()
        .filter(u8::is_ascii_alphanumeric)
        .take(48)
        .collect();

    let own = r.redact(&text).into_owned();
    let lines = planted(sel, &alnum, full);
    let mut input = text.to_string();
    let mut want = own.clone();
    for (line, redacted) in &lines {
        input.push('\n');
        input.push_str(line);
        want.push('\n');
        want.push_str(redacted);
    }
    let got = r.redact(&input).into_owned();
    // A PEM block the text opens and does not close is a key to the end of the text: the
    // planted lines after it are taken with it, on purpose (src/redact.rs, Limits).
    let open_pem = text.to_ascii_lowercase().contains("-----begin");
    if got != want && !open_pem {
        // Say which planted line went wrong, if one did.
        let n = lines.len();
        let got_tail: Vec<&str> = got.rsplitn(n + 1, '\n').collect();
        for ((line, redacted), out) in lines.iter().rev().zip(&got_tail) {
            assert_eq!(out, redacted, "planted line {line:?} redacted wrongly");
        }
        assert_eq!(
            got_tail.get(n).copied(),
            Some(own.as_str()),
            "the text's own lines are redacted differently when lines follow"
        );
        unreachable!("outputs differ: {got:?} vs {want:?}");
    }

    // Idempotence: the output is already clean, and nothing in it is redacted again.
    for out in [&own, &got] {
        let before = r.total();
        let again = r.redact(out);
        let clean = matches!(again, Cow::Borrowed(_));
        let counted = r.total() - before;
        assert!(
            clean,
            "redacting the output again changes it: {out:?} -> {again:?}"
        );
        assert_eq!(counted, 0, "the second pass counted redactions");
    }
});
