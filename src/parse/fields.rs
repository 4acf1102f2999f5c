//! Which key means what: timestamp, level, service, message, host, and which keys are ids
//! (correlation ids that `trace` follows, population ids that it keeps but does not follow).
//! Keys are compared normalised: lower case, only letters and digits, so `x-request-id`,
//! `http.request.id`, `requestId` and `request_id` are the same family.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, Ordering};

/// `x-Request.ID` -> `xrequestid`.
pub fn normalize_key(k: &str) -> String {
    k.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

pub const TS_KEYS: &[&str] = &[
    "timestamp",
    "ts",
    "time",
    "t",
    "datetime",
    "date",
    "eventtime",
    "asctime",
    "logtime",
    "timemillis",
    "timestampms",
];
pub const LEVEL_KEYS: &[&str] = &[
    "loglevel",
    "level",
    "severity",
    "lvl",
    "levelname",
    "severitytext",
    "logseverity",
    "priority",
];
/// Message keys, best first. GELF's `short_message` is its message; `full_message` (a
/// backtrace, a long text) only when there is nothing shorter.
pub const MESSAGE_KEYS: &[&str] = &[
    "message",
    "msg",
    "shortmessage",
    "log",
    "event",
    "text",
    "body",
    "fullmessage",
];
/// Keys naming the service that wrote a record. A logger name is not one of them: see
/// [`LOGGER_KEYS`].
pub const SERVICE_KEYS: &[&str] = &[
    "servicename",
    "service",
    "app",
    "application",
    "appname",
    "applicationname",
    "component",
    "kubernetescontainername",
    "container",
    "containername",
    "syslogappname",
];
/// Keys naming the logger (a class, module or component inside the service: `logger`,
/// log4j2's `loggerName`, logstash's `logger_name`, ECS `log.logger`, Serilog's
/// `SourceContext`, .NET's `Category`, Python's `name`). A logger is the event's service only
/// when neither a [`SERVICE_KEYS`] key nor the file's path names one: the path's `nova-compute`
/// beats the logger `nova.compute.manager`. bunyan's and pino's `name` is the application
/// itself, so for their records it counts as a service key (see `structured.rs`).
pub const LOGGER_KEYS: &[&str] = &[
    "logger",
    "loggername",
    "loglogger",
    "sourcecontext",
    "category",
    "name",
];
pub const HOST_KEYS: &[&str] = &["hostname", "host", "nodename", "node", "machinename"];
/// Keys naming the HTTP response status, best first: the response's own status (ECS and
/// OpenTelemetry `http.response.status_code`, OTel's older `http.status_code`, W3C
/// `sc-status`), then a plain `status`, then `response_code`, and an upstream's status (the
/// proxy's backend, not what the client got) last. A value counts only as a whole number in
/// 100..=599 (see [`http_status`]): `"status":"ok"` is no HTTP status.
pub const STATUS_KEYS: &[&str] = &[
    "httpresponsestatuscode",
    "httpstatuscode",
    "responsestatuscode",
    "responsestatus",
    "scstatus",
    "status",
    "statuscode",
    "httpstatus",
    "responsecode",
    "upstreamstatus",
];

/// An HTTP status written as text: a whole number in 100..=599 (`"503"`), else `None`.
pub fn http_status(s: &str) -> Option<u16> {
    let s = s.trim();
    if s.is_empty() || s.len() > 3 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse::<u16>().ok().filter(|c| (100..=599).contains(c))
}

/// How much a normalised key says "this is one request": 0 for request-type ids (request,
/// correlation), 1 for trace ids, 2 for any other.
pub fn request_rank(normalized: &str) -> u8 {
    let n = normalized;
    if n.contains("request") || n.contains("reqid") || n.contains("correlation") || n == "corrid" {
        0
    } else if n.contains("trace") {
        1
    } else {
        2
    }
}

/// The id of a record that names its request: of the keys followed by default, a request-type
/// key's value first, else a trace key's (see [`request_rank`]).
pub fn request_id_of(ids: &std::collections::BTreeMap<String, String>) -> Option<&str> {
    ids.iter()
        .filter(|(_, v)| !v.is_empty())
        .filter_map(|(k, v)| {
            let n = normalize_key(k);
            let at = DEFAULT_FOLLOW.iter().position(|f| *f == n)?;
            let rank = request_rank(&n);
            (rank <= 1).then_some((rank, at, v.as_str()))
        })
        .min()
        .map(|(_, _, v)| v)
}

/// Correlation keys followed by default (normalised).
pub const DEFAULT_FOLLOW: &[&str] = &[
    "requestid",
    "reqid",
    "xrequestid",
    "httprequestid",
    "httpreqid",
    "requestuuid",
    "correlationid",
    "xcorrelationid",
    "corrid",
    "correlation",
    "traceid",
    "trace",
    "xtraceid",
    "xb3traceid",
    "ddtraceid",
    "xamzntraceid",
    "transactionid",
    "txnid",
    "txid",
    "jobid",
    "taskid",
    "operationid",
    "opid",
    "messageid",
    "msgid",
    "workflowid",
    "executionid",
    "traceparent",
];

/// Population keys: kept in `ids`, not followed (they link strangers' requests).
pub const DEFAULT_POPULATION: &[&str] = &[
    "userid",
    "user",
    "username",
    "uid",
    "customerid",
    "customer",
    "accountid",
    "account",
    "tenantid",
    "tenant",
    "orgid",
    "organizationid",
    "sessionid",
    "session",
    "orderid",
    "cartid",
    "clientid",
    "deviceid",
];

/// The id keys of one run: what is followed and what is only recorded.
///
/// Change the sets through [`IdKeys::adjust`] (or before the first lookup): what each key
/// spelling means is remembered per thread for the sets as they were at the first lookup.
#[derive(Debug)]
pub struct IdKeys {
    pub follow: BTreeSet<String>,
    pub population: BTreeSet<String>,
    /// Names this value of the sets in the per-thread memory of key classes.
    token: u64,
}

/// A fresh [`IdKeys::token`]: each set of id keys has its own.
fn next_token() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

impl Clone for IdKeys {
    fn clone(&self) -> Self {
        IdKeys {
            follow: self.follow.clone(),
            population: self.population.clone(),
            token: next_token(),
        }
    }
}

impl Default for IdKeys {
    fn default() -> Self {
        IdKeys {
            follow: DEFAULT_FOLLOW.iter().map(|s| s.to_string()).collect(),
            population: DEFAULT_POPULATION.iter().map(|s| s.to_string()).collect(),
            token: next_token(),
        }
    }
}

/// Where a field's value goes in `ids` (see `add_field_id` in `structured.rs`): under its key,
/// under the last dotted part of its key (a nested followed key: `labels.trace_id`), or
/// nowhere.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldId {
    None,
    Whole,
    Last,
}

/// Everything a key spelling means, worked out once per spelling (per thread): its rank in
/// each of the key lists above, and what it is as an id key. Packed in one word (four bits per
/// rank for the first six lists, then flags, then the field id; [`STATUS_KEYS`]' rank in bits
/// 32..36): it is copied on every field of every record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyClass(u64);

/// A rank field of a [`KeyClass`] that holds no rank.
const NO_RANK: u64 = 15;

impl KeyClass {
    const NAME: u64 = 1 << 24;
    const ID: u64 = 1 << 25;
    const FOLLOW: u64 = 1 << 26;
    const TRACEPARENT: u64 = 1 << 27;
    const TRACEPARENT_PREFIX: u64 = 1 << 28;
    const LAST_TRACEPARENT: u64 = 1 << 29;
    const FIELD_SHIFT: u64 = 30;
    /// The rank field (as [`Self::rank`] counts them) of [`STATUS_KEYS`]: bits 32..36.
    const STATUS_RANK: u64 = 8;

    fn rank(self, i: u64) -> Option<u8> {
        let r = (self.0 >> (4 * i)) & 15;
        (r != NO_RANK).then_some(r as u8)
    }
    /// Rank in [`TS_KEYS`].
    pub fn ts(self) -> Option<u8> {
        self.rank(0)
    }
    /// Rank in [`LEVEL_KEYS`].
    pub fn level(self) -> Option<u8> {
        self.rank(1)
    }
    /// Rank in [`MESSAGE_KEYS`].
    pub fn message(self) -> Option<u8> {
        self.rank(2)
    }
    /// Rank in [`SERVICE_KEYS`].
    pub fn service(self) -> Option<u8> {
        self.rank(3)
    }
    /// Rank in [`LOGGER_KEYS`].
    pub fn logger(self) -> Option<u8> {
        self.rank(4)
    }
    /// Rank in [`HOST_KEYS`].
    pub fn host(self) -> Option<u8> {
        self.rank(5)
    }
    /// Rank in [`STATUS_KEYS`].
    pub fn status(self) -> Option<u8> {
        self.rank(Self::STATUS_RANK)
    }
    /// Normalised, it is `name` (bunyan's and pino's service).
    pub fn name(self) -> bool {
        self.0 & Self::NAME != 0
    }
    /// [`IdKeys::is_id_key`].
    pub fn id(self) -> bool {
        self.0 & Self::ID != 0
    }
    /// [`IdKeys::is_follow_key`].
    pub fn follow(self) -> bool {
        self.0 & Self::FOLLOW != 0
    }
    /// Normalised, it is `traceparent`.
    pub fn traceparent(self) -> bool {
        self.0 & Self::TRACEPARENT != 0
    }
    /// Normalised, it starts with `traceparent`.
    pub fn traceparent_prefix(self) -> bool {
        self.0 & Self::TRACEPARENT_PREFIX != 0
    }
    /// The last dotted part (for [`FieldId::Last`]) is `traceparent`, normalised.
    pub fn last_traceparent(self) -> bool {
        self.0 & Self::LAST_TRACEPARENT != 0
    }
    /// A field's id: under the key, its last dotted part, or not at all.
    pub fn field_id(self) -> FieldId {
        match (self.0 >> Self::FIELD_SHIFT) & 3 {
            1 => FieldId::Whole,
            2 => FieldId::Last,
            _ => FieldId::None,
        }
    }
}

/// Key classes remembered by one thread, for one [`IdKeys`] (by its token): a direct-mapped
/// table (a spelling has one slot, by its hash; a spelling that lands on a taken slot takes
/// it over). A file's records use a few dozen spellings over and over.
struct ClassCache {
    token: u64,
    slots: Vec<Option<(Box<str>, KeyClass)>>,
}

/// Slots of a [`ClassCache`] (a power of two).
const CLASS_SLOTS: usize = 256;

thread_local! {
    static CLASS_CACHE: RefCell<ClassCache> = const {
        RefCell::new(ClassCache {
            token: 0,
            slots: Vec::new(),
        })
    };
}

/// A key's slot in a [`ClassCache`]: a multiplicative hash of its length and its first and
/// last eight bytes (two spellings alike there share a slot: slower, not wrong).
fn class_slot(k: &[u8]) -> usize {
    const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
    let n = k.len();
    let word = |at: usize, len: usize| {
        let mut w = [0u8; 8];
        w[..len].copy_from_slice(&k[at..at + len]);
        u64::from_le_bytes(w)
    };
    let (a, b) = if n >= 8 {
        (word(0, 8), word(n - 8, 8))
    } else if n >= 4 {
        (word(0, 4), word(n - 4, 4))
    } else if n > 0 {
        (
            k[0] as u64 | (k[n / 2] as u64) << 8 | (k[n - 1] as u64) << 16,
            0,
        )
    } else {
        (0, 0)
    };
    let h = ((a ^ n as u64).wrapping_mul(K).rotate_left(29) ^ b).wrapping_mul(K);
    // The high bits: a multiplicative hash mixes upwards.
    (h >> (64 - CLASS_SLOTS.trailing_zeros())) as usize
}

/// `a == b` for short keys without a call to `memcmp`: two overlapping words.
#[inline]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let w = |s: &[u8], at: usize| u64::from_le_bytes(s[at..at + 8].try_into().unwrap_or([0; 8]));
    let h = |s: &[u8], at: usize| u32::from_le_bytes(s[at..at + 4].try_into().unwrap_or([0; 4]));
    match n {
        0 => true,
        1..=3 => a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1],
        4..=7 => h(a, 0) == h(b, 0) && h(a, n - 4) == h(b, n - 4),
        8..=16 => w(a, 0) == w(b, 0) && w(a, n - 8) == w(b, n - 8),
        _ => a == b,
    }
}

impl IdKeys {
    /// Apply `--follow KEY` / `--no-follow KEY` (any spelling).
    pub fn adjust(&mut self, follow: &[String], no_follow: &[String]) {
        for k in follow {
            let n = normalize_key(k);
            self.population.remove(&n);
            self.follow.insert(n);
        }
        for k in no_follow {
            let n = normalize_key(k);
            if self.follow.remove(&n) {
                self.population.insert(n);
            }
        }
        self.token = next_token();
    }

    /// What `key` (as written) means; remembered per thread.
    pub fn class(&self, key: &str) -> KeyClass {
        CLASS_CACHE.with(|c| {
            let Ok(mut c) = c.try_borrow_mut() else {
                return self.classify(key);
            };
            if c.token != self.token || c.slots.is_empty() {
                c.slots.clear();
                c.slots.resize(CLASS_SLOTS, None);
                c.token = self.token;
            }
            let slot = &mut c.slots[class_slot(key.as_bytes())];
            match slot {
                Some((k, class)) if same_bytes(k.as_bytes(), key.as_bytes()) => *class,
                _ => {
                    let class = self.classify(key);
                    *slot = Some((key.into(), class));
                    class
                }
            }
        })
    }

    /// [`Self::class`], worked out.
    #[inline(never)]
    fn classify(&self, key: &str) -> KeyClass {
        let n = normalize_key(key);
        let rank = |list: &[&str]| list.iter().position(|x| *x == n);
        let follow = self.follow_uncached(key);
        let (field_id, last_traceparent) = if follow {
            (FieldId::Whole, false)
        } else {
            match key.rsplit_once('.') {
                Some((_, last)) if self.follow_uncached(last) => {
                    (FieldId::Last, normalize_key(last) == "traceparent")
                }
                _ if self.id_uncached(key) => (FieldId::Whole, false),
                _ => (FieldId::None, false),
            }
        };
        let ranks = [
            rank(TS_KEYS),
            rank(LEVEL_KEYS),
            rank(MESSAGE_KEYS),
            rank(SERVICE_KEYS),
            rank(LOGGER_KEYS),
            rank(HOST_KEYS),
        ];
        let packed = |r: Option<usize>| r.map_or(NO_RANK, |r| (r as u64).min(NO_RANK - 1));
        let mut bits = 0u64;
        for (i, r) in ranks.into_iter().enumerate() {
            bits |= packed(r) << (4 * i);
        }
        bits |= packed(rank(STATUS_KEYS)) << (4 * KeyClass::STATUS_RANK);
        let flag = |on: bool, f: u64| if on { f } else { 0 };
        bits |= flag(n == "name", KeyClass::NAME)
            | flag(self.id_uncached(key), KeyClass::ID)
            | flag(follow, KeyClass::FOLLOW)
            | flag(n == "traceparent", KeyClass::TRACEPARENT)
            | flag(n.starts_with("traceparent"), KeyClass::TRACEPARENT_PREFIX)
            | flag(last_traceparent, KeyClass::LAST_TRACEPARENT);
        let field = match field_id {
            FieldId::None => 0,
            FieldId::Whole => 1,
            FieldId::Last => 2,
        };
        KeyClass(bits | field << KeyClass::FIELD_SHIFT)
    }

    /// Is this key (as written) an id worth recording?
    pub fn is_id_key(&self, key: &str) -> bool {
        self.class(key).id()
    }

    fn id_uncached(&self, key: &str) -> bool {
        let n = normalize_key(key);
        if self.follow.contains(&n) || self.population.contains(&n) {
            return true;
        }
        // A thread's number (log4j2's `threadId`) names no request and no user.
        if n == "threadid" {
            return false;
        }
        // Explicitly named ids: `span_id`, `event.id`, `spanId`, `x-amzn-id`.
        let k = key.as_bytes();
        k.len() > 3
            && (key.ends_with("_id")
                || key.ends_with(".id")
                || key.ends_with("-id")
                || key.ends_with("Id")
                || key.ends_with("ID"))
    }

    pub fn is_follow_key(&self, key: &str) -> bool {
        self.class(key).follow()
    }

    fn follow_uncached(&self, key: &str) -> bool {
        self.follow.contains(&normalize_key(key))
    }
}

/// A value that can be an id: not empty, not a placeholder, has a letter or digit.
pub fn plausible_id(v: &str) -> bool {
    let v = v.trim();
    if v.is_empty() || v.len() > 256 {
        return false;
    }
    if v.len() <= 9
        && [
            "-",
            "null",
            "none",
            "nil",
            "undefined",
            "n/a",
            "na",
            "unknown",
            "0",
            "false",
            "true",
        ]
        .iter()
        .any(|p| v.eq_ignore_ascii_case(p))
    {
        return false;
    }
    v.bytes().any(|b| b.is_ascii_alphanumeric()) && !v.bytes().any(|b| b.is_ascii_whitespace())
}

/// The trace id inside a W3C `traceparent` (`00-<32 hex>-<16 hex>-<2 hex>`).
pub fn traceparent_trace_id(v: &str) -> Option<&str> {
    let mut parts = v.split('-');
    let _version = parts.next().filter(|p| p.len() == 2)?;
    let trace = parts.next()?;
    let span = parts.next()?;
    if trace.len() == 32
        && span.len() == 16
        && trace.bytes().all(|b| b.is_ascii_hexdigit())
        && trace.bytes().any(|b| b != b'0')
    {
        Some(trace)
    } else {
        None
    }
}

fn is_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'-' || b == b'@'
}

fn is_key_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b == b'@'
}

/// `key=value`, `key="value"`, `"key": "value"` and `[key=value]` pairs written in free text,
/// in the order they appear. A key is `[A-Za-z_@][A-Za-z0-9_.@-]*` not glued to a longer word;
/// an unquoted value ends at whitespace, `,;])}` or a quote; values are at most 256 bytes.
/// `=` inside a value (`url=http://h/p?q=1`) does not start another pair.
pub fn text_pairs(text: &str) -> impl Iterator<Item = (&str, &str)> {
    let b = text.as_bytes();
    let mut out: Vec<(&str, &str)> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'=' => {
                // Key: the run of key bytes before '='.
                let mut ks = i;
                while ks > 0 && is_key_byte(b[ks - 1]) {
                    ks -= 1;
                }
                // Leading '.'/'-' are not part of a key.
                while ks < i && (b[ks] == b'.' || b[ks] == b'-') {
                    ks += 1;
                }
                if ks < i && !is_key_start(b[ks]) {
                    i += 1; // glued to a number: `9k=1`
                    continue;
                }
                let glued = ks > 0 && (b[ks - 1] == b'"' || b[ks - 1] == b'\'');
                if ks == i || glued {
                    i += 1;
                    continue;
                }
                let key = &text[ks..i];
                let vs = i + 1;
                if b.get(vs) == Some(&b'"') {
                    let start = vs + 1;
                    match memchr::memchr(b'"', &b[start.min(b.len())..]) {
                        Some(n) if n <= 256 => {
                            out.push((key, &text[start..start + n]));
                            i = start + n + 1;
                        }
                        _ => i = vs + 1,
                    }
                } else {
                    let mut ve = vs;
                    while ve < b.len()
                        && ve - vs < 256
                        && !matches!(
                            b[ve],
                            b' ' | b'\t'
                                | b'\n'
                                | b'\r'
                                | b','
                                | b';'
                                | b']'
                                | b')'
                                | b'}'
                                | b'"'
                                | b'\''
                        )
                    {
                        ve += 1;
                    }
                    if ve > vs && text.is_char_boundary(ve) {
                        out.push((key, &text[vs..ve]));
                    }
                    i = ve.max(vs);
                }
            }
            b'"' => {
                // `"key": "value"`
                let ks = i + 1;
                let mut ke = ks;
                while ke < b.len() && is_key_byte(b[ke]) {
                    ke += 1;
                }
                if ke > ks && is_key_start(b[ks]) && b.get(ke) == Some(&b'"') {
                    let mut j = ke + 1;
                    while j < b.len() && b[j] == b' ' {
                        j += 1;
                    }
                    if b.get(j) == Some(&b':') {
                        j += 1;
                        while j < b.len() && b[j] == b' ' {
                            j += 1;
                        }
                        if b.get(j) == Some(&b'"') {
                            let start = j + 1;
                            if let Some(n) = memchr::memchr(b'"', &b[start.min(b.len())..]) {
                                if (1..=256).contains(&n) {
                                    out.push((&text[ks..ke], &text[start..start + n]));
                                    i = start + n + 1;
                                    continue;
                                }
                            }
                        }
                    }
                }
                i += 1;
            }
            _ => {
                // Jump to the next interesting byte.
                match memchr::memchr2(b'=', b'"', &b[i + 1..]) {
                    Some(n) => i += n + 1,
                    None => break,
                }
            }
        }
    }
    out.into_iter()
}

/// `Key: value` pairs written in free text, as HTTP headers and many loggers print them
/// (`TraceID: 4f3a...`, `X-Request-ID: r-1`, `X-B3-TraceId: ...`): a key of key bytes starting
/// with a letter, not glued to a word before it, then `:` and at least one space or tab, then the
/// value (optionally quoted; an unquoted one ends at whitespace, `,;])}` or a quote; at most 256
/// bytes). Every such pair is a candidate: the caller keeps those whose key is an id key.
pub fn colon_pairs(text: &str) -> Vec<(&str, &str)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    for c in memchr::memchr_iter(b':', b) {
        if !matches!(b.get(c + 1), Some(b' ' | b'\t')) || c == 0 {
            continue;
        }
        let mut ks = c;
        while ks > 0 && is_key_byte(b[ks - 1]) && b[ks - 1] != b'@' {
            ks -= 1;
        }
        if ks == c || !b[ks].is_ascii_alphabetic() {
            continue;
        }
        let mut vs = c + 1;
        while vs < b.len() && (b[vs] == b' ' || b[vs] == b'\t') {
            vs += 1;
        }
        let quote = matches!(b.get(vs), Some(b'"' | b'\''));
        if quote {
            vs += 1;
        }
        let mut ve = vs;
        while ve < b.len()
            && ve - vs < 256
            && !matches!(
                b[ve],
                b' ' | b'\t' | b'\n' | b'\r' | b',' | b';' | b']' | b')' | b'}' | b'"' | b'\''
            )
        {
            ve += 1;
        }
        if ve > vs && text.is_char_boundary(ks) && text.is_char_boundary(ve) {
            out.push((&text[ks..c], &text[vs..ve]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_spellings() {
        let keys = IdKeys::default();
        for k in [
            "request_id",
            "req_id",
            "x-request-id",
            "http.request.id",
            "trace.id",
            "traceId",
            "trace_id",
            "trace",
            "job_id",
            "X-Correlation-ID",
        ] {
            assert!(keys.is_follow_key(k), "{k}");
        }
        for k in ["user_id", "user.id", "order_id", "customerId", "session"] {
            assert!(!keys.is_follow_key(k), "{k}");
            assert!(keys.is_id_key(k), "{k}");
        }
        assert!(keys.is_id_key("span_id"));
        assert!(!keys.is_id_key("pid"));
        assert!(!keys.is_id_key("threadId"));
        assert!(!keys.is_id_key("amount"));
    }

    /// A key's class is remembered per thread, for the sets as they are: `adjust` and a
    /// clone start afresh.
    #[test]
    fn classes_follow_the_sets() {
        let mut keys = IdKeys::default();
        assert!(!keys.is_follow_key("order_id") && keys.is_id_key("order_id"));
        let before = keys.clone();
        keys.adjust(&["order_id".into()], &["trace_id".into()]);
        assert!(keys.is_follow_key("order_id") && keys.is_follow_key("orderId"));
        assert!(!keys.is_follow_key("trace.id"));
        assert!(!before.is_follow_key("order_id") && before.is_follow_key("trace.id"));
        let c = before.class("labels.trace_id");
        assert_eq!((c.field_id(), c.follow()), (FieldId::Last, false));
        assert_eq!(before.class("user.id").field_id(), FieldId::Whole);
        assert_eq!(before.class("amount").field_id(), FieldId::None);
        let c = before.class("span.traceparent");
        assert!(c.field_id() == FieldId::Last && c.last_traceparent() && !c.traceparent());
        let c = before.class("traceparent");
        assert!(c.traceparent() && c.traceparent_prefix() && c.id() && c.follow());
        let c = before.class("log.level");
        assert_eq!((c.level(), c.ts(), c.message()), (Some(0), None, None));
        assert_eq!(before.class("@timestamp").ts(), Some(0));
        assert_eq!(before.class("Hostname").host(), Some(0));
        assert_eq!(before.class("app_name").service(), Some(4));
        assert!(before.class("Name").name() && before.class("Name").logger() == Some(5));
        // Every rank fits its four bits.
        for list in [
            TS_KEYS,
            LEVEL_KEYS,
            MESSAGE_KEYS,
            SERVICE_KEYS,
            LOGGER_KEYS,
            HOST_KEYS,
            STATUS_KEYS,
        ] {
            assert!(list.len() < NO_RANK as usize);
        }
    }

    /// The HTTP status keys, best first, and what counts as a status value.
    #[test]
    fn status_keys_and_values() {
        let keys = IdKeys::default();
        assert_eq!(keys.class("http.response.status_code").status(), Some(0));
        assert_eq!(keys.class("http.status_code").status(), Some(1));
        assert_eq!(keys.class("sc-status").status(), Some(4));
        assert_eq!(keys.class("status").status(), Some(5));
        assert_eq!(keys.class("statusCode").status(), Some(6));
        assert_eq!(keys.class("response_code").status(), Some(8));
        assert_eq!(keys.class("upstream_status").status(), Some(9));
        for k in ["state", "status_text", "log.level", "trace_id"] {
            assert_eq!(keys.class(k).status(), None, "{k}");
        }
        // The status rank leaves the other ranks and the flags alone.
        let c = keys.class("status");
        assert_eq!(
            (c.level(), c.host(), c.field_id(), c.id()),
            (None, None, FieldId::None, false)
        );
        let c = keys.class("traceparent");
        assert!(c.status().is_none() && c.traceparent() && c.follow());
        assert_eq!(http_status("503"), Some(503));
        assert_eq!(http_status(" 404 "), Some(404));
        for v in [
            "ok", "failed", "99", "600", "-1", "+200", "2000", "", "200.5",
        ] {
            assert_eq!(http_status(v), None, "{v:?}");
        }
    }

    #[test]
    fn adjust_moves_keys() {
        let mut keys = IdKeys::default();
        keys.adjust(&["order_id".into()], &["job-id".into()]);
        assert!(keys.is_follow_key("orderId"));
        assert!(!keys.is_follow_key("job_id"));
        assert!(keys.is_id_key("job_id"));
    }

    #[test]
    fn pairs_in_text() {
        let got: Vec<_> = text_pairs(
            r#"[trace=abc123] charge order_id=42 note="x y" {"request_id": "r-1"} url=http://h/p?q=1"#,
        )
        .collect();
        assert!(got.contains(&("trace", "abc123")));
        assert!(got.contains(&("order_id", "42")));
        assert!(got.contains(&("note", "x y")));
        assert!(got.contains(&("request_id", "r-1")));
    }

    #[test]
    fn pairs_edge_cases() {
        let got: Vec<_> = text_pairs("a=1 b= c=\"\" x.y-z=9 =5 -k=v 9k=1 tail=").collect();
        assert_eq!(got, [("a", "1"), ("c", ""), ("x.y-z", "9"), ("k", "v")]);
        let got: Vec<_> = text_pairs("url=http://h/p?q=1&r=2 next=ok").collect();
        assert_eq!(got, [("url", "http://h/p?q=1&r=2"), ("next", "ok")]);
        let got: Vec<_> = text_pairs("é=1 ü=\"x").collect();
        assert!(got.is_empty(), "{got:?}");
    }

    /// Issue 15: `TraceID: <hex>` in a frontend's lines was never picked up, so `trace` reached
    /// 9% of the request's lines.
    #[test]
    fn colon_pairs_in_text() {
        assert_eq!(
            colon_pairs(
                "GET /cart TraceID: 4f3a9c1d2e3b4a5f6e7d8c9b0a1f2e3d, X-Request-ID: \"r-1\" done"
            ),
            [
                ("TraceID", "4f3a9c1d2e3b4a5f6e7d8c9b0a1f2e3d"),
                ("X-Request-ID", "r-1")
            ]
        );
        assert_eq!(
            colon_pairs("[X-B3-TraceId:\tabc123]"),
            [("X-B3-TraceId", "abc123")]
        );
        // Times, URLs, glued words, no space after the colon: no pair.
        assert!(colon_pairs("at 22:00:01 see http://h:80/x a::b 9k: 1").is_empty());
        let ids = IdKeys::default();
        for k in [
            "TraceID",
            "X-Request-ID",
            "X-B3-TraceId",
            "RequestId",
            "http.req.id",
            "req.id",
        ] {
            assert!(ids.is_follow_key(k), "{k}");
        }
    }

    #[test]
    fn traceparent() {
        assert_eq!(
            traceparent_trace_id("00-6cd981f939451e0f1a365b67f7e58c59-f8fca2f7c164c817-01"),
            Some("6cd981f939451e0f1a365b67f7e58c59")
        );
        assert_eq!(traceparent_trace_id("00-abc-def-01"), None);
    }

    #[test]
    fn placeholders_are_not_ids() {
        for v in ["-", "null", "", "  ", "a b"] {
            assert!(!plausible_id(v), "{v:?}");
        }
        assert!(plausible_id("J-5"));
    }
}
