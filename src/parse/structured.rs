//! Structured records (JSON objects, logfmt pairs, columns) -> [`Record`]: which key is the
//! timestamp, level, message, service, logger and host, by the conventions of the producer that
//! wrote them (journald, MongoDB, log4j2, Serilog CLEF, Nextcloud, GELF, bunyan, pino, ECS,
//! ...), and every id key kept.
//!
//! A JSON record is first recognised by its keys ([`Producer::of`], one record at a time: a
//! file may mix producers), then read twice: generically (the key lists of `fields.rs`, best
//! key first) and then by its producer's own rules, which win where they speak:
//!
//! | producer | time | level | service / host | message |
//! |---|---|---|---|---|
//! | journald (`journalctl -o json`) | `_SOURCE_REALTIME_TIMESTAMP`, else `__REALTIME_TIMESTAMP` (µs) | `PRIORITY` (syslog) | `SYSLOG_IDENTIFIER`, `_SYSTEMD_UNIT` (no `.service`), `_COMM` / `_HOSTNAME` | `MESSAGE` (a byte array decoded) |
//! | MongoDB 4.4+ | `t.$date` | `s` (F E W I D1-D5) | logger `c` | `msg` |
//! | log4j2 JsonLayout | `instant` (s + ns), else `timeMillis` | `level` | logger `loggerName` | `message` + `thrown` |
//! | Serilog CLEF | `@t` | `@l` (absent: Information) | logger `SourceContext` / `MachineName` | `@m`, else `@mt` rendered, + `@x` |
//! | Nextcloud | `time` | `level` 0-4 | `app` | `message` + `exception` |
//! | GELF | `timestamp` (s) | `level` (syslog) | `_app`... / `host` | `short_message` |
//! | bunyan / pino | `time` (ISO / epoch ms) | `level` 10-60 | `name` / `hostname` | `msg` + `err` |
//!
//! `__MONOTONIC_TIMESTAMP` (time since boot) is never a time of day. `_SOURCE_REALTIME_TIMESTAMP`
//! is when the program logged the line, `__REALTIME_TIMESTAMP` when journald received it; the
//! first is the better one when present, and it is the one `journalctl`'s own text output shows.
//!
//! An exception carried in its own field (log4j2 `thrown`, CLEF `@x`, Nextcloud `exception`,
//! bunyan/pino `err`, ECS `error.type`/`error.message`) is summed up in the message as
//! `message: Type: exception message` (its first line): a one-line record has no stack below
//! it for `signatures.rs` to read, and the type is what tells two failures apart. The whole
//! stack stays in `raw`. GELF's `full_message` is not added: it is the long form of the same
//! message.

use std::borrow::Cow;
use std::cell::Cell;

use serde_json::{Map, Value};

use super::fields::{self, FieldId, KeyClass};
use super::{Parser, Record, TimeContext};
use crate::model::{Level, Timestamp};

/// Which program wrote a JSON record, told from its keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Producer {
    /// `journalctl -o json`: `__REALTIME_TIMESTAMP`, `PRIORITY`, `MESSAGE`, `_HOSTNAME`, ...
    Journald,
    /// MongoDB 4.4+: `{"t":{"$date":..},"s":"I","c":"NETWORK","msg":..}`.
    Mongo,
    /// log4j2 JsonLayout: `instant`/`timeMillis` with `loggerName`.
    Log4j2,
    /// Serilog compact JSON (CLEF): `@t` with `@m`/`@mt`/`@l`/`@x`.
    Clef,
    /// Nextcloud's `nextcloud.log`: `reqId`, `app`, numeric `level`.
    Nextcloud,
    /// GELF: `version` and `short_message`.
    Gelf,
    /// bunyan: numeric `v`, `level`, `hostname`, `pid`.
    Bunyan,
    /// pino: numeric `level` and epoch-ms `time`.
    Pino,
    Other,
}

/// A record's top-level keys, as [`Producer::of`] asks about them.
pub(super) trait TopKeys {
    fn has(&self, k: &str) -> bool;
    fn is_number(&self, k: &str) -> bool;
    fn is_string(&self, k: &str) -> bool;
    /// `k` is an object with a key `child`.
    fn has_child(&self, k: &str, child: &str) -> bool;
}

impl TopKeys for Map<String, Value> {
    fn has(&self, k: &str) -> bool {
        self.contains_key(k)
    }
    fn is_number(&self, k: &str) -> bool {
        self.get(k).is_some_and(Value::is_number)
    }
    fn is_string(&self, k: &str) -> bool {
        self.get(k).is_some_and(Value::is_string)
    }
    fn has_child(&self, k: &str, child: &str) -> bool {
        self.get(k).and_then(|t| t.get(child)).is_some()
    }
}

impl Producer {
    pub(super) fn of(m: &impl TopKeys) -> Producer {
        let has = |k: &str| m.has(k);
        let num = |k: &str| m.is_number(k);
        if has("__REALTIME_TIMESTAMP")
            || has("__CURSOR")
            || (has("MESSAGE")
                && (has("PRIORITY")
                    || has("_HOSTNAME")
                    || has("SYSLOG_IDENTIFIER")
                    || has("_SYSTEMD_UNIT")))
        {
            Producer::Journald
        } else if m.has_child("t", "$date") && m.is_string("s") {
            Producer::Mongo
        } else if has("short_message") && m.is_string("version") {
            Producer::Gelf
        } else if has("@mt") || (has("@t") && (has("@m") || has("@l") || has("@x"))) {
            Producer::Clef
        } else if m.has_child("instant", "epochSecond") || (has("loggerName") && has("timeMillis"))
        {
            Producer::Log4j2
        } else if has("reqId") && has("app") && num("level") {
            Producer::Nextcloud
        } else if num("v") && num("level") && has("hostname") && has("pid") {
            Producer::Bunyan
        } else if num("level") && num("time") {
            Producer::Pino
        } else {
            Producer::Other
        }
    }
}

/// A numeric level, read by the producer's convention:
///
/// - journald `PRIORITY` and GELF `level`: syslog severity (0 emergency .. 7 debug);
/// - Nextcloud: 0 debug, 1 info, 2 warn, 3 error, 4 fatal;
/// - bunyan and pino: 10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal (a custom level
///   in between counts as the one below it: pino's 35 is info);
/// - a number with no producer clue: exactly 10, 20, .. 60 is the bunyan/pino scale, 0..7 a
///   syslog severity, anything else no level.
fn numeric_level(p: Producer, n: f64) -> Option<Level> {
    if !n.is_finite() || n < 0.0 || n.fract() != 0.0 {
        return None;
    }
    let n = n as u64;
    let pino = |n: u64| {
        Some(match n {
            0..=19 => Level::Trace,
            20..=29 => Level::Debug,
            30..=39 => Level::Info,
            40..=49 => Level::Warn,
            50..=59 => Level::Error,
            _ => Level::Fatal,
        })
    };
    match p {
        Producer::Journald | Producer::Gelf => {
            (n <= 7).then(|| Level::from_syslog_severity(n as u8))
        }
        Producer::Nextcloud => match n {
            0 => Some(Level::Debug),
            1 => Some(Level::Info),
            2 => Some(Level::Warn),
            3 => Some(Level::Error),
            4 => Some(Level::Fatal),
            _ => None,
        },
        Producer::Bunyan | Producer::Pino => pino(n),
        _ => match n {
            10 | 20 | 30 | 40 | 50 | 60 => pino(n),
            0..=7 => Some(Level::from_syslog_severity(n as u8)),
            _ => None,
        },
    }
}

/// A level written as text: every spelling [`Level::parse`] knows, MongoDB's `D1`..`D5`, and
/// for producers whose levels are numbers, the number written as a string (journald's
/// `"PRIORITY":"3"`).
fn text_level(p: Producer, s: &str) -> Option<Level> {
    if let Some(l) = Level::parse(s) {
        return Some(l);
    }
    let t = s.trim();
    if p == Producer::Mongo && t.len() == 2 && t.starts_with('D') {
        return matches!(t.as_bytes()[1], b'1'..=b'5').then_some(Level::Debug);
    }
    let numeric_producer = matches!(
        p,
        Producer::Journald
            | Producer::Gelf
            | Producer::Nextcloud
            | Producer::Bunyan
            | Producer::Pino
    );
    if numeric_producer && !t.is_empty() && t.len() <= 3 && t.bytes().all(|b| b.is_ascii_digit()) {
        return t.parse::<f64>().ok().and_then(|n| numeric_level(p, n));
    }
    None
}

/// A service value that names no service (Nextcloud writes `no app in context`).
fn placeholder_service(s: &str) -> bool {
    matches!(s.trim(), "" | "-" | "no app in context")
}

impl Parser {
    pub(super) fn parse_json(&self, line: &str, tctx: &TimeContext) -> Option<Record> {
        // `journalctl -o json-seq` (RFC 7464) starts each record with an RS byte.
        let t = line.trim().trim_start_matches('\u{1e}');
        if !t.starts_with('{') {
            return None;
        }
        if let Ok(rec) = self.parse_json_fast(t, tctx) {
            return Some(rec);
        }
        self.parse_json_value(t, tctx)
    }

    /// [`Self::parse_json`] by way of a `serde_json::Value`: every record, any producer.
    fn parse_json_value(&self, t: &str, tctx: &TimeContext) -> Option<Record> {
        let v: Value = serde_json::from_str(t).ok()?;
        let Value::Object(mut map) = v else {
            return None;
        };
        let producer = Producer::of(&map);
        if producer == Producer::Journald {
            decode_journal_arrays(&mut map);
        }
        let obj = Value::Object(map);
        let mut flat = Vec::new();
        flatten("", &obj, &mut flat, 0);
        let Value::Object(map) = obj else {
            return None;
        };
        let mut rec = Record::default();
        self.apply_fields_as(
            producer,
            &mut rec,
            flat.iter().map(|(k, v)| (k.as_str(), Scalar::of(v))),
            tctx,
        );
        self.apply_producer(producer, &map, &mut rec, tctx);
        Some(rec)
    }

    /// [`Self::parse_json`] without building a `serde_json::Value`: the object is read in
    /// place into its flattened fields (strings borrowed from the line unless escaped). Only
    /// records the generic reading covers alone are read so (no producer rules beyond pino's
    /// numeric levels, no exception field, no key written twice); anything else, and anything
    /// this reader is not sure serde_json reads alike, is `Err` and goes the long way.
    fn parse_json_fast(&self, t: &str, tctx: &TimeContext) -> Result<Record, Slow> {
        let mut r = JsonReader::new(t, AllFields::new());
        r.read()?;
        let producer = r.top.producer();
        if !matches!(producer, Producer::Other | Producer::Pino) || r.top.present & EXC != 0 {
            return Err(Slow);
        }
        let mut rec = Record::default();
        let AllFields { fields, keys } = r.sink;
        self.apply_fields_as(
            producer,
            &mut rec,
            fields.into_iter().map(|(k, v)| {
                let k = match k {
                    KeyAt::Src(a, b) => &t[a..b],
                    KeyAt::Arena(a, b) => &keys[a..b],
                };
                (k, v)
            }),
            tctx,
        );
        Ok(rec)
    }

    /// Key/value pairs with no producer of their own (logfmt) -> the record's fields.
    pub(super) fn apply_fields<'a>(
        &self,
        rec: &mut Record,
        kvs: impl Iterator<Item = (&'a str, Scalar<'a>)>,
        tctx: &TimeContext,
    ) {
        self.apply_fields_as(Producer::Other, rec, kvs, tctx)
    }

    /// The generic reading: for each of time, level, message, service, logger, host and HTTP
    /// status the value of the best-ranked key of its list in `fields.rs`; every id key kept.
    fn apply_fields_as<'a, 'k>(
        &self,
        producer: Producer,
        rec: &mut Record,
        kvs: impl Iterator<Item = (&'k str, Scalar<'a>)>,
        tctx: &TimeContext,
    ) {
        let mut best_ts: Option<(u8, Timestamp)> = None;
        let mut best_level: Option<(u8, Level)> = None;
        let mut best_msg: Option<(u8, Cow<'a, str>)> = None;
        let mut best_service: Option<(u8, Cow<'a, str>)> = None;
        let mut best_logger: Option<(u8, Cow<'a, str>)> = None;
        let mut best_host: Option<(u8, Cow<'a, str>)> = None;
        let mut best_status: Option<(u8, u16)> = None;
        // bunyan's and pino's `name` is the application: a service, ranked after the others.
        let name_is_service = matches!(producer, Producer::Bunyan | Producer::Pino);
        let name_rank = fields::SERVICE_KEYS.len() as u8;
        for (k, v) in kvs {
            let c = self.ids.class(k);
            let service_rank = c
                .service()
                .or((name_is_service && c.name()).then_some(name_rank));
            if let Some(r) = c.status() {
                let code = match &v {
                    Scalar::Num(x) => x.as_u64().and_then(http_status_number),
                    Scalar::Str(s) => fields::http_status(s),
                    _ => None,
                };
                if let Some(code) = code {
                    if best_status.is_none_or(|(br, _)| r < br) {
                        best_status = Some((r, code));
                    }
                }
            }
            let internal = producer == Producer::Journald && journal_internal(k);
            let wants_id = c.field_id() != FieldId::None && !internal;
            if !wants_id
                && c.ts().is_none()
                && c.level().is_none()
                && c.message().is_none()
                && service_rank.is_none()
                && c.logger().is_none()
                && c.host().is_none()
            {
                continue;
            }
            if let Some(r) = c.ts() {
                let t = match &v {
                    Scalar::Num(x) => epoch_number(x, tctx),
                    Scalar::Str(s) => tctx.parse(s),
                    _ => None,
                };
                if let Some(t) = t {
                    if best_ts.is_none_or(|(br, _)| r < br) {
                        best_ts = Some((r, t));
                    }
                }
            }
            let is_str = matches!(v, Scalar::Str(_));
            let level_num = match (&v, c.level()) {
                (Scalar::Num(x), Some(_)) => Some(x.as_f64()),
                _ => None,
            };
            let s = v.into_text();
            if let Some(r) = c.level() {
                let l = match level_num {
                    Some(f) => f.and_then(|f| numeric_level(producer, f)),
                    None => text_level(producer, &s),
                };
                if let Some(l) = l {
                    if best_level.is_none_or(|(br, _)| r < br) {
                        best_level = Some((r, l));
                    }
                }
            }
            if let Some(r) = c.message() {
                if is_str && best_msg.as_ref().is_none_or(|(br, _)| r < *br) {
                    best_msg = Some((r, s.clone()));
                }
            }
            if let Some(r) = service_rank {
                if !placeholder_service(&s) && best_service.as_ref().is_none_or(|(br, _)| r < *br) {
                    best_service = Some((r, s.clone()));
                }
            } else if let Some(r) = c.logger() {
                if !s.trim().is_empty() && best_logger.as_ref().is_none_or(|(br, _)| r < *br) {
                    best_logger = Some((r, s.clone()));
                }
            }
            if let Some(r) = c.host() {
                if !s.is_empty() && best_host.as_ref().is_none_or(|(br, _)| r < *br) {
                    best_host = Some((r, s.clone()));
                }
            }
            if !s.is_empty() && wants_id {
                self.add_field_id(&mut rec.ids, k, &c, &s);
            }
        }
        rec.ts = best_ts.map(|(_, t)| t);
        rec.level = best_level.map(|(_, l)| l);
        rec.message = best_msg.map(|(_, m)| m.into_owned()).unwrap_or_default();
        rec.service = best_service.map(|(_, s)| s.into_owned());
        rec.logger = best_logger.map(|(_, s)| s.into_owned());
        rec.host = best_host.map(|(_, s)| s.into_owned());
        rec.status = best_status.map(|(_, s)| s);
        let message = std::mem::take(&mut rec.message);
        self.ids_from_text(&message, &mut rec.ids);
        rec.message = message;
    }

    /// An id field. A nested key whose last part is a followed key (MongoDB's
    /// `attr.command.comment.request_id`, log4j2's `contextMap.requestId`, `labels.trace_id`)
    /// is recorded, and followed, under that last part.
    fn add_field_id(
        &self,
        ids: &mut std::collections::BTreeMap<String, String>,
        key: &str,
        c: &fields::KeyClass,
        value: &str,
    ) {
        match c.field_id() {
            FieldId::None => {}
            FieldId::Whole => self.add_id_as(ids, key, c.traceparent(), value),
            FieldId::Last => {
                let last = key.rsplit_once('.').map_or(key, |(_, l)| l);
                self.add_id_as(ids, last, c.last_traceparent(), value)
            }
        }
    }

    /// A value under `key` into `ids` when `key` is an id key and the value a plausible id;
    /// a W3C `traceparent` (`traceparent` says whether `key` is one) also gives its trace id,
    /// as `KEY.trace_id`. A key already there keeps its first value.
    pub(super) fn add_id_as(
        &self,
        ids: &mut std::collections::BTreeMap<String, String>,
        key: &str,
        traceparent: bool,
        value: &str,
    ) {
        if !fields::plausible_id(value) {
            return;
        }
        if traceparent {
            if let Some(t) = fields::traceparent_trace_id(value) {
                ids.entry(format!("{key}.trace_id"))
                    .or_insert_with(|| t.to_string());
            }
        }
        if !ids.contains_key(key) {
            ids.insert(key.to_string(), value.to_string());
        }
    }

    /// The producer's own rules, over the generic reading.
    fn apply_producer(
        &self,
        p: Producer,
        m: &Map<String, Value>,
        rec: &mut Record,
        tctx: &TimeContext,
    ) {
        let str_of = |k: &str| m.get(k).and_then(Value::as_str).filter(|s| !s.is_empty());
        let before = rec.message.clone();
        match p {
            Producer::Journald => {
                let micros = |k: &str| {
                    let us: i64 = str_of(k)?.trim().parse().ok()?;
                    tctx.from_number(us as f64)
                        .map(|_| Timestamp(us.saturating_mul(1_000)))
                };
                if let Some(t) =
                    micros("_SOURCE_REALTIME_TIMESTAMP").or_else(|| micros("__REALTIME_TIMESTAMP"))
                {
                    rec.ts = Some(t);
                }
                if let Some(l) = str_of("PRIORITY").and_then(|s| text_level(p, s)) {
                    rec.level = Some(l);
                }
                let service = str_of("SYSLOG_IDENTIFIER")
                    .or_else(|| {
                        str_of("_SYSTEMD_UNIT").map(|u| u.strip_suffix(".service").unwrap_or(u))
                    })
                    .or_else(|| str_of("_COMM"));
                if let Some(s) = service {
                    rec.service = Some(s.to_string());
                }
                if let Some(h) = str_of("_HOSTNAME") {
                    rec.host = Some(h.to_string());
                }
                rec.message = str_of("MESSAGE").unwrap_or_default().to_string();
                if let Some(pid) = str_of("_PID") {
                    rec.ids.insert("_PID".to_string(), pid.to_string());
                }
            }
            Producer::Mongo => {
                let date = m.get("t").and_then(|t| t.get("$date"));
                let t = match date {
                    Some(Value::String(s)) => tctx.parse(s),
                    Some(Value::Number(x)) => x.as_f64().and_then(|f| tctx.from_number(f)),
                    // {"$numberLong": "1693316858984"}: epoch milliseconds
                    Some(Value::Object(o)) => o
                        .get("$numberLong")
                        .and_then(Value::as_str)
                        .and_then(|s| s.parse::<f64>().ok())
                        .and_then(|f| tctx.from_number(f)),
                    _ => None,
                };
                if t.is_some() {
                    rec.ts = t;
                }
                if let Some(l) = str_of("s").and_then(|s| text_level(p, s)) {
                    rec.level = Some(l);
                }
                if let Some(c) = str_of("c") {
                    rec.logger = Some(c.to_string());
                }
                rec.message = str_of("msg").unwrap_or_default().to_string();
            }
            Producer::Log4j2 => {
                if let Some(i) = m.get("instant") {
                    let secs = i.get("epochSecond").and_then(Value::as_i64);
                    let nanos = i.get("nanoOfSecond").and_then(Value::as_i64).unwrap_or(0);
                    if let Some(secs) = secs
                        .filter(|s| *s < 100_000_000_000 && tctx.from_number(*s as f64).is_some())
                    {
                        rec.ts = Some(Timestamp(
                            secs.saturating_mul(1_000_000_000)
                                .saturating_add(nanos.clamp(0, 999_999_999)),
                        ));
                    }
                }
                if let Some(Value::Object(msg)) = m.get("message") {
                    // objectMessageAsJsonObject: a MapMessage written as an object
                    rec.message = Value::Object(msg.clone()).to_string();
                }
            }
            Producer::Clef => {
                if let Some(t) = str_of("@t").and_then(|s| tctx.parse(s)) {
                    rec.ts = Some(t);
                }
                rec.level = Some(match str_of("@l") {
                    Some(l) => text_level(p, l).unwrap_or(Level::Info),
                    None => Level::Info,
                });
                rec.message = match (str_of("@m"), str_of("@mt")) {
                    (Some(msg), _) => msg.to_string(),
                    (None, Some(mt)) => render_template(mt, m),
                    (None, None) => String::new(),
                };
                if let Some(i) = m.get("@i").map(value_text).filter(|s| !s.is_empty()) {
                    rec.ids.insert("@i".to_string(), i);
                }
            }
            Producer::Nextcloud => {
                if let Some(Value::Object(o)) = m.get("message") {
                    // before Nextcloud 14 an exception was the message itself
                    if let Some(e) = exception_of(o, "Exception", "Message") {
                        rec.message = e;
                    }
                }
            }
            Producer::Bunyan => {
                // bunyan's `name` is the application, whatever `component` a child logger adds
                if let Some(n) = str_of("name") {
                    rec.service = Some(n.to_string());
                }
            }
            Producer::Gelf | Producer::Pino | Producer::Other => {}
        }
        if let Some(exc) = exception_summary(p, m) {
            rec.message = with_exception(std::mem::take(&mut rec.message), exc);
        }
        if rec.message != before {
            let message = std::mem::take(&mut rec.message);
            self.ids_from_text(&message, &mut rec.ids);
            rec.message = message;
        }
    }
}

/// An HTTP status written as a JSON number: a whole number in 100..=599.
fn http_status_number(n: u64) -> Option<u16> {
    (100..=599).contains(&n).then_some(n as u16)
}

/// journald's own fields (`_BOOT_ID`, `__CURSOR`, `MESSAGE_ID`, `SYSLOG_*`, `CODE_*`,
/// `INVOCATION_ID`, ...) describe the machine, the unit or the message catalogue, never a
/// request: they are not ids. A program's own fields (`REQUEST_ID=`) are.
fn journal_internal(k: &str) -> bool {
    k.starts_with('_')
        || k.starts_with("SYSLOG_")
        || k.starts_with("CODE_")
        || matches!(
            k,
            "MESSAGE_ID" | "INVOCATION_ID" | "USER_INVOCATION_ID" | "OBJECT_PID" | "TID"
        )
}

/// `journalctl -o json` writes a field that is not valid, printable UTF-8 as an array of byte
/// values (`"MESSAGE":[27,91,...]`), and a field written twice as an array of its values:
/// the first becomes text (invalid UTF-8 replaced), the second keeps its first value.
fn decode_journal_arrays(m: &mut Map<String, Value>) {
    for v in m.values_mut() {
        let Value::Array(a) = v else { continue };
        let bytes: Option<Vec<u8>> = a
            .iter()
            .map(|x| x.as_u64().and_then(|n| u8::try_from(n).ok()))
            .collect();
        let text = match bytes {
            Some(b) if !a.is_empty() => match String::from_utf8(b) {
                Ok(s) => s,
                Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
            },
            _ => match a.iter().find_map(Value::as_str) {
                Some(s) => s.to_string(),
                None => continue,
            },
        };
        *v = Value::String(text);
    }
}

/// An epoch number (seconds, milliseconds, microseconds or nanoseconds, by magnitude, as
/// [`TimeContext::from_number`] reads it) to the nanosecond its decimal text says: GELF's
/// `1693316858.984` is .984 s exactly, not the binary double's .983999968.
fn epoch_number(x: &serde_json::Number, tctx: &TimeContext) -> Option<Timestamp> {
    let f = x.as_f64()?;
    let approx = tctx.from_number(f)?;
    let text = x.to_string();
    let Some((int, frac)) = text.split_once('.') else {
        return Some(approx);
    };
    if frac.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Some(approx);
    }
    let whole: i64 = int.parse().ok()?;
    // nanoseconds per unit of the integer part
    let unit: i64 = if whole < 100_000_000_000 {
        1_000_000_000
    } else if whole < 100_000_000_000_000 {
        1_000_000
    } else if whole < 100_000_000_000_000_000 {
        1_000
    } else {
        return Some(approx);
    };
    let digits = unit.ilog10() as usize;
    let mut f9 = frac[..frac.len().min(digits)].to_string();
    while f9.len() < digits {
        f9.push('0');
    }
    let part: i64 = f9.parse().ok()?;
    Some(Timestamp(whole.checked_mul(unit)?.checked_add(part)?))
}

/// A scalar as text: a string as it is, a number or a boolean as JSON writes it.
fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(x) => x.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}

/// `Type: message` from an exception object's two fields (either may be missing).
fn exception_of(o: &Map<String, Value>, ty: &str, msg: &str) -> Option<String> {
    let get = |k: &str| {
        o.get(k)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    match (get(ty), get(msg).map(|m| m.lines().next().unwrap_or(m))) {
        (Some(t), Some(m)) => Some(format!("{t}: {m}")),
        (Some(t), None) => Some(t.to_string()),
        (None, Some(m)) => Some(m.to_string()),
        (None, None) => None,
    }
}

/// The exception a record carries in a field of its own, as `Type: message`.
fn exception_summary(p: Producer, m: &Map<String, Value>) -> Option<String> {
    let obj = |k: &str| match m.get(k) {
        Some(Value::Object(o)) => Some(o),
        _ => None,
    };
    match p {
        Producer::Log4j2 => {
            let t = obj("thrown")?;
            exception_of(t, "name", "message")
                .or_else(|| exception_of(t, "name", "localizedMessage"))
        }
        Producer::Clef => {
            let x = m.get("@x")?.as_str()?.trim();
            x.lines()
                .next()
                .filter(|l| !l.is_empty())
                .map(str::to_string)
        }
        Producer::Nextcloud => exception_of(obj("exception")?, "Exception", "Message"),
        Producer::Bunyan | Producer::Pino | Producer::Other => {
            let err = obj("err").and_then(|e| {
                exception_of(e, "type", "message")
                    .filter(|_| e.contains_key("type"))
                    .or_else(|| exception_of(e, "name", "message"))
            });
            err.or_else(|| {
                // ECS: error.type / error.message, nested or dotted
                let ecs = obj("error")
                    .and_then(|e| exception_of(e, "type", "message"))
                    .or_else(|| exception_of(m, "error.type", "error.message"));
                ecs.filter(|_| p == Producer::Other)
            })
        }
        Producer::Journald | Producer::Mongo | Producer::Gelf => None,
    }
}

/// `message: exception`; the exception alone when the message is empty or is the exception's
/// own message (Nextcloud logs an exception with its message as the record's).
fn with_exception(message: String, exc: String) -> String {
    let m = message.trim();
    if m.is_empty() || exc.ends_with(&format!(": {m}")) || exc == m {
        exc
    } else if m.contains(exc.as_str()) {
        message
    } else {
        format!("{m}: {exc}")
    }
}

/// Serilog's text rendering of a message template (`@mt`) with the event's properties, as
/// Serilog itself renders `@m`: `{Name}`, `{@Name}` (destructured) and `{$Name}` (stringified)
/// become the value, a string in double quotes unless the format has `l` (`{Name:l}`); a
/// structure renders as `Type { A: 1, B: "x" }`, a sequence as `[1, 2]`; `{Name:j}` as JSON.
/// A token with a format (`{Elapsed:0.00}`) takes its rendering from `@r` (one entry per such
/// token, in order), else the plain value. `{Name,10}` / `{Name,-10}` pad right / left.
/// `{{` and `}}` are braces; a token with no property stays as written.
fn render_template(mt: &str, props: &Map<String, Value>) -> String {
    let renderings = props.get("@r").and_then(Value::as_array);
    let mut out = String::with_capacity(mt.len() + 32);
    let mut formatted = 0usize;
    let mut rest = mt;
    while let Some(i) = rest.find(['{', '}']) {
        out.push_str(&rest[..i]);
        let r = &rest[i..];
        if r.starts_with("{{") || r.starts_with("}}") {
            out.push_str(&r[..1]);
            rest = &r[2..];
            continue;
        }
        if let Some(after) = r.strip_prefix('}') {
            out.push('}');
            rest = after;
            continue;
        }
        let Some(end) = r.find('}') else {
            out.push_str(r);
            rest = "";
            break;
        };
        let whole = &r[..=end];
        match template_token(&r[1..end]) {
            Some((name, align, format)) => {
                let pre = if format.is_some() {
                    formatted += 1;
                    renderings
                        .and_then(|rs| rs.get(formatted - 1))
                        .and_then(Value::as_str)
                        .map(str::to_string)
                } else {
                    None
                };
                let key = if name.starts_with('@') {
                    format!("@{name}") // a property named `@x` is written `@@x`
                } else {
                    name.to_string()
                };
                match pre.or_else(|| props.get(&key).map(|v| render_value(v, format))) {
                    Some(text) => out.push_str(&pad(text, align)),
                    None => out.push_str(whole),
                }
            }
            None => out.push_str(whole),
        }
        rest = &r[end + 1..];
    }
    out.push_str(rest);
    out
}

/// A template token's inside (`@Order`, `Elapsed:0.00`, `Name,-10`) -> name, alignment,
/// format; `None` when it is not a property token.
fn template_token(t: &str) -> Option<(&str, Option<i64>, Option<&str>)> {
    let t = t.strip_prefix(['@', '$']).unwrap_or(t);
    let (head, format) = match t.split_once(':') {
        Some((h, f)) => (h, Some(f)),
        None => (t, None),
    };
    let (name, align) = match head.split_once(',') {
        Some((n, a)) => (n, Some(a.trim().parse::<i64>().ok()?)),
        None => (head, None),
    };
    let ok = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80);
    ok.then_some((name, align, format))
}

fn pad(text: String, align: Option<i64>) -> String {
    let Some(a) = align else { return text };
    let width = a.unsigned_abs().min(1024) as usize;
    let len = text.chars().count();
    if len >= width {
        return text;
    }
    let fill = " ".repeat(width - len);
    if a < 0 {
        text + &fill
    } else {
        fill + &text
    }
}

fn render_value(v: &Value, format: Option<&str>) -> String {
    let format = format.unwrap_or("");
    if format.contains('j') {
        return v.to_string();
    }
    render_serilog(v, format.contains('l'), 0)
}

fn render_serilog(v: &Value, literal: bool, depth: usize) -> String {
    match v {
        Value::String(s) if literal => s.clone(),
        Value::String(s) => format!("\"{}\"", s.replace('"', "\\\"")),
        Value::Number(x) => x.to_string(),
        Value::Bool(true) => "True".to_string(),
        Value::Bool(false) => "False".to_string(),
        Value::Null => "null".to_string(),
        _ if depth > 8 => v.to_string(),
        Value::Array(a) => {
            let items: Vec<String> = a
                .iter()
                .map(|x| render_serilog(x, false, depth + 1))
                .collect();
            format!("[{}]", items.join(", "))
        }
        Value::Object(o) => {
            let items: Vec<String> = o
                .iter()
                .filter(|(k, _)| k.as_str() != "$type")
                .map(|(k, x)| format!("{k}: {}", render_serilog(x, false, depth + 1)))
                .collect();
            match o.get("$type").and_then(Value::as_str) {
                Some(t) => format!("{t} {{ {} }}", items.join(", ")),
                None => format!("{{ {} }}", items.join(", ")),
            }
        }
    }
}

/// A flattened field's value, as the generic reading sees it.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Scalar<'a> {
    Str(Cow<'a, str>),
    Num(serde_json::Number),
    Bool(bool),
    /// `null`, or an object too deep to flatten: no text.
    Empty,
}

impl<'a> Scalar<'a> {
    fn of(v: &'a Value) -> Scalar<'a> {
        match v {
            Value::String(s) => Scalar::Str(Cow::Borrowed(s)),
            Value::Number(x) => Scalar::Num(x.clone()),
            Value::Bool(b) => Scalar::Bool(*b),
            _ => Scalar::Empty,
        }
    }

    /// A string as it is, a number or a boolean as JSON writes it; nothing else has text.
    fn into_text(self) -> Cow<'a, str> {
        match self {
            Scalar::Str(s) => s,
            Scalar::Num(x) => Cow::Owned(x.to_string()),
            Scalar::Bool(true) => Cow::Borrowed("true"),
            Scalar::Bool(false) => Cow::Borrowed("false"),
            Scalar::Empty => Cow::Borrowed(""),
        }
    }
}

/// The fast JSON reader gave up on a record: serde_json reads it.
#[derive(Debug, PartialEq)]
pub(super) struct Slow;

/// Where a flattened key is: in the line (a top-level key) or in the reader's key arena (a
/// dotted path).
#[derive(Clone, Copy, Debug)]
enum KeyAt {
    Src(usize, usize),
    Arena(usize, usize),
}

/// The top-level keys [`Producer::of`] and `exception_summary` ask about, one bit each.
#[cfg(test)]
const TOP_KEYS: &[&str] = &[
    "__REALTIME_TIMESTAMP",
    "__CURSOR",
    "MESSAGE",
    "PRIORITY",
    "_HOSTNAME",
    "SYSLOG_IDENTIFIER",
    "_SYSTEMD_UNIT",
    "t",
    "s",
    "short_message",
    "version",
    "@mt",
    "@t",
    "@m",
    "@l",
    "@x",
    "instant",
    "loggerName",
    "timeMillis",
    "reqId",
    "app",
    "level",
    "v",
    "hostname",
    "pid",
    "time",
    "err",
    "error",
    "error.type",
    "error.message",
];

/// The bits of the keys that carry an exception (`err`, `error`, `error.type`,
/// `error.message`).
const EXC: u64 = 0b1111 << 26;

fn top_bit(k: &str) -> u64 {
    // By length first: most keys of a record are none of these.
    let i = match k.len() {
        1 => match k {
            "t" => 7,
            "s" => 8,
            "v" => 22,
            _ => return 0,
        },
        2 => match k {
            "@t" => 12,
            "@m" => 13,
            "@l" => 14,
            "@x" => 15,
            _ => return 0,
        },
        3 => match k {
            "@mt" => 11,
            "app" => 20,
            "pid" => 24,
            "err" => 26,
            _ => return 0,
        },
        4 => match k {
            "time" => 25,
            _ => return 0,
        },
        5 => match k {
            "reqId" => 19,
            "level" => 21,
            "error" => 27,
            _ => return 0,
        },
        7 => match k {
            "MESSAGE" => 2,
            "version" => 10,
            "instant" => 16,
            _ => return 0,
        },
        8 => match k {
            "__CURSOR" => 1,
            "PRIORITY" => 3,
            "hostname" => 23,
            _ => return 0,
        },
        9 => match k {
            "_HOSTNAME" => 4,
            _ => return 0,
        },
        10 => match k {
            "loggerName" => 17,
            "timeMillis" => 18,
            "error.type" => 28,
            _ => return 0,
        },
        13 => match k {
            "_SYSTEMD_UNIT" => 6,
            "short_message" => 9,
            "error.message" => 29,
            _ => return 0,
        },
        17 => match k {
            "SYSLOG_IDENTIFIER" => 5,
            _ => return 0,
        },
        20 => match k {
            "__REALTIME_TIMESTAMP" => 0,
            _ => return 0,
        },
        _ => return 0,
    };
    1u64 << i
}

/// What the fast reader knows of a record's top-level keys.
#[derive(Default, Debug)]
pub(super) struct TopSeen {
    present: u64,
    number: u64,
    string: u64,
    /// `t` is an object with a `$date`.
    t_date: bool,
    /// `instant` is an object with an `epochSecond`.
    instant_epoch: bool,
}

impl TopSeen {
    /// [`Producer::of`] these keys, remembered for the last shape of record on this thread
    /// (a file's records mostly share one).
    fn producer(&self) -> Producer {
        type Shape = (u64, u64, u64, bool, bool);
        thread_local! {
            static LAST: Cell<Option<(Shape, Producer)>> = const { Cell::new(None) };
        }
        let shape = (
            self.present,
            self.number,
            self.string,
            self.t_date,
            self.instant_epoch,
        );
        LAST.with(|last| match last.get() {
            Some((s, p)) if s == shape => p,
            _ => {
                let p = Producer::of(self);
                last.set(Some((shape, p)));
                p
            }
        })
    }
}

impl TopKeys for TopSeen {
    fn has(&self, k: &str) -> bool {
        self.present & top_bit(k) != 0
    }
    fn is_number(&self, k: &str) -> bool {
        self.number & top_bit(k) != 0
    }
    fn is_string(&self, k: &str) -> bool {
        self.string & top_bit(k) != 0
    }
    fn has_child(&self, k: &str, child: &str) -> bool {
        match (k, child) {
            ("t", "$date") => self.t_date,
            ("instant", "epochSecond") => self.instant_epoch,
            _ => false,
        }
    }
}

/// serde_json gives up deeper than 128; this reader much earlier.
const MAX_DEPTH: usize = 64;

/// A JSON object read in place into what [`flatten`] would make of it, for the records it is
/// sure of: strict JSON as serde_json reads it (whitespace, strings without control
/// characters, every escape, numbers read by serde_json itself), no key twice in an object
/// (serde_json keeps the last value at the first place), nothing after the object.
struct JsonReader<'a, S> {
    src: &'a str,
    b: &'a [u8],
    i: usize,
    /// Where the fields go.
    sink: S,
    /// The dotted path to the value being read (below the top level).
    path: String,
    /// The keys of the objects being read, innermost last, to find a key written twice.
    seen: Seen<'a>,
    top: TopSeen,
}

/// Where [`JsonReader`] puts the fields it reads, in the record's order.
trait FieldSink<'a> {
    /// Is the value under this (flattened) key wanted? An unwanted value is only checked.
    fn wants(&mut self, key: &str) -> bool;
    /// A wanted field: its key is a span of the line (a top-level key) or a dotted path.
    fn field(&mut self, key: FieldKey<'_>, v: Scalar<'a>);
}

/// A field's key as [`FieldSink::field`] gets it.
enum FieldKey<'k> {
    Src(usize, usize),
    Path(&'k str),
}

/// Every field, for the full parse.
struct AllFields<'a> {
    fields: Vec<(KeyAt, Scalar<'a>)>,
    /// Dotted keys of nested fields, one after another.
    keys: String,
}

impl AllFields<'_> {
    fn new() -> Self {
        AllFields {
            fields: Vec::with_capacity(16),
            keys: String::new(),
        }
    }
}

impl<'a> FieldSink<'a> for AllFields<'a> {
    fn wants(&mut self, _: &str) -> bool {
        true
    }
    fn field(&mut self, key: FieldKey<'_>, v: Scalar<'a>) {
        let key = match key {
            FieldKey::Src(a, b) => KeyAt::Src(a, b),
            FieldKey::Path(p) => {
                let a = self.keys.len();
                self.keys.push_str(p);
                KeyAt::Arena(a, self.keys.len())
            }
        };
        self.fields.push((key, v));
    }
}

/// The fields a peek needs (time, level, service, logger, bunyan's and pino's `name`), with
/// their key's class; at most [`PEEK_FIELDS`], else `overflow`.
struct PeekFields<'a, 'p> {
    ids: &'p fields::IdKeys,
    /// The class of the key [`FieldSink::wants`] last said yes to.
    class: Option<KeyClass>,
    items: [Option<(KeyClass, Scalar<'a>)>; PEEK_FIELDS],
    n: usize,
    overflow: bool,
}

pub(super) const PEEK_FIELDS: usize = 8;

impl<'a> FieldSink<'a> for PeekFields<'a, '_> {
    fn wants(&mut self, key: &str) -> bool {
        let c = self.ids.class(key);
        let wanted = peek_wants(c);
        self.class = wanted.then_some(c);
        wanted
    }
    fn field(&mut self, _: FieldKey<'_>, v: Scalar<'a>) {
        let Some(c) = self.class else { return };
        match self.items.get_mut(self.n) {
            Some(slot) => {
                *slot = Some((c, v));
                self.n += 1;
            }
            None => self.overflow = true,
        }
    }
}

/// A key a peek reads: time, level, service, logger, or `name` (bunyan's and pino's service).
pub(super) fn peek_wants(c: KeyClass) -> bool {
    c.ts().is_some()
        || c.level().is_some()
        || c.service().is_some()
        || c.logger().is_some()
        || c.name()
}

/// What a structured record says of its time, level, service and logger, read without the
/// full parse ([`Parser::peek_json`], [`Parser::peek_logfmt`]): exactly what the full parse's
/// [`Record`] has. The service and logger are borrowed from the line.
#[derive(Debug, PartialEq)]
pub(super) struct PeekedFields<'a> {
    pub ts: Option<Timestamp>,
    pub level: Option<Level>,
    pub service: Option<&'a str>,
    pub logger: Option<&'a str>,
}

/// A best-ranked value as [`Parser::apply_fields_as`] keeps it: `None` when it is not a
/// string of the line (escaped, a number): a peek cannot lend it.
type Ranked<'a> = Option<(u8, Option<&'a str>)>;

impl Parser {
    /// The time, level, service and logger [`Self::parse_json`] gives `line`, when its fast
    /// reader reads it alone (no producer rules but pino's, no exception field, no key twice,
    /// strict JSON); `None` when only the full parse can tell. Reads the line once, keeping
    /// only the fields it needs; nothing is allocated for a record without nested objects.
    pub(super) fn peek_json<'a>(
        &self,
        line: &'a str,
        tctx: &TimeContext,
    ) -> Option<PeekedFields<'a>> {
        let t = line.trim().trim_start_matches('\u{1e}');
        if !t.starts_with('{') {
            return None;
        }
        let sink = PeekFields {
            ids: &self.ids,
            class: None,
            items: [const { None }; PEEK_FIELDS],
            n: 0,
            overflow: false,
        };
        let mut r = JsonReader::new(t, sink);
        r.read().ok()?;
        let producer = r.top.producer();
        if !matches!(producer, Producer::Other | Producer::Pino)
            || r.top.present & EXC != 0
            || r.sink.overflow
        {
            return None;
        }
        let PeekFields { items, n, .. } = r.sink;
        settle(producer, items.into_iter().take(n).flatten(), tctx)
    }
}

/// Where `s`, a part of `line`, is in it.
pub(super) fn span_in(line: &str, s: &str) -> (usize, usize) {
    let a = (s.as_ptr() as usize).saturating_sub(line.as_ptr() as usize);
    (a, a + s.len())
}

/// [`Parser::apply_fields_as`]'s choice of time, level, service and logger over these fields
/// (in the record's order), for a peek: `None` when the chosen service or logger is not a
/// string of the line.
pub(super) fn settle<'a>(
    producer: Producer,
    items: impl Iterator<Item = (KeyClass, Scalar<'a>)>,
    tctx: &TimeContext,
) -> Option<PeekedFields<'a>> {
    let mut best_ts: Option<(u8, Timestamp)> = None;
    let mut best_level: Option<(u8, Level)> = None;
    let mut best_service: Ranked<'a> = None;
    let mut best_logger: Ranked<'a> = None;
    let name_is_service = matches!(producer, Producer::Bunyan | Producer::Pino);
    let name_rank = fields::SERVICE_KEYS.len() as u8;
    for (c, v) in items {
        let service_rank = c
            .service()
            .or((name_is_service && c.name()).then_some(name_rank));
        // A lower rank can only be outdone: read a value only when it could win.
        if let Some(r) = c.ts().filter(|r| best_ts.is_none_or(|(br, _)| *r < br)) {
            let t = match &v {
                Scalar::Num(x) => epoch_number(x, tctx),
                Scalar::Str(s) => tctx.parse(s),
                _ => None,
            };
            if let Some(t) = t {
                best_ts = Some((r, t));
            }
        }
        if let Some(r) = c
            .level()
            .filter(|r| best_level.is_none_or(|(br, _)| *r < br))
        {
            let l = match &v {
                Scalar::Num(x) => x.as_f64().and_then(|f| numeric_level(producer, f)),
                Scalar::Str(s) => text_level(producer, s),
                Scalar::Bool(b) => text_level(producer, if *b { "true" } else { "false" }),
                Scalar::Empty => text_level(producer, ""),
            };
            if let Some(l) = l {
                best_level = Some((r, l));
            }
        }
        // The value as the full parse's text, and as a span of the line when it is one.
        let (text, lent): (Cow<'_, str>, Option<&'a str>) = match &v {
            Scalar::Str(Cow::Borrowed(s)) => (Cow::Borrowed(*s), Some(*s)),
            Scalar::Str(Cow::Owned(s)) => (Cow::Borrowed(s.as_str()), None),
            other => (other.clone().into_text(), None),
        };
        if let Some(r) = service_rank {
            if !placeholder_service(&text) && best_service.is_none_or(|(br, _)| r < br) {
                best_service = Some((r, lent));
            }
        } else if let Some(r) = c.logger() {
            if !text.trim().is_empty() && best_logger.is_none_or(|(br, _)| r < br) {
                best_logger = Some((r, lent));
            }
        }
    }
    let lend = |b: Ranked<'a>| match b {
        None => Some(None),
        Some((_, Some(s))) => Some(Some(s)),
        Some((_, None)) => None,
    };
    Some(PeekedFields {
        ts: best_ts.map(|(_, t)| t),
        level: best_level.map(|(_, l)| l),
        service: lend(best_service)?,
        logger: lend(best_logger)?,
    })
}

/// Keys of the objects being read, innermost last: the first [`SEEN_HEAD`] in place (no
/// allocation for a common record), the others in a vector.
struct Seen<'a> {
    head: [&'a str; SEEN_HEAD],
    n: usize,
    more: Vec<&'a str>,
}

const SEEN_HEAD: usize = 32;

impl<'a> Seen<'a> {
    fn new() -> Self {
        Seen {
            head: [""; SEEN_HEAD],
            n: 0,
            more: Vec::new(),
        }
    }

    fn len(&self) -> usize {
        self.n
    }

    fn get(&self, i: usize) -> &'a str {
        if i < SEEN_HEAD {
            self.head[i]
        } else {
            self.more[i - SEEN_HEAD]
        }
    }

    fn push(&mut self, k: &'a str) {
        if self.n < SEEN_HEAD {
            self.head[self.n] = k;
        } else {
            self.more.truncate(self.n - SEEN_HEAD);
            self.more.push(k);
        }
        self.n += 1;
    }

    fn truncate(&mut self, n: usize) {
        self.n = self.n.min(n);
    }

    /// `k` is one of the keys from `from` on.
    fn contains_from(&self, from: usize, k: &str) -> bool {
        (from..self.n).any(|i| self.get(i) == k)
    }
}

/// What the value being read stands for in the flattened record.
#[derive(Clone, Copy)]
enum Slot {
    /// A top-level value: its key in the line, its bit in [`TOP_KEYS`].
    Top(usize, usize, u64),
    /// A nested value: its key is the reader's `path`.
    Path,
    /// Read and checked only (inside an array, or after an array's first scalar).
    Skip,
}

impl<'a, S: FieldSink<'a>> JsonReader<'a, S> {
    fn new(src: &'a str, sink: S) -> JsonReader<'a, S> {
        JsonReader {
            src,
            b: src.as_bytes(),
            i: 0,
            sink,
            path: String::new(),
            seen: Seen::new(),
            top: TopSeen::default(),
        }
    }

    fn read(&mut self) -> Result<(), Slow> {
        self.ws();
        if self.b.get(self.i) != Some(&b'{') {
            return Err(Slow);
        }
        self.object(None, 0)?;
        self.ws();
        if self.i != self.b.len() {
            return Err(Slow);
        }
        Ok(())
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.b.get(self.i) {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> Result<(), Slow> {
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            Ok(())
        } else {
            Err(Slow)
        }
    }

    /// An object at `self.i`. `slot` is `None` for the record itself; an object at `depth`
    /// 8 or deeper is not flattened (`flatten`'s limit), nor one inside an array.
    fn object(&mut self, slot: Option<Slot>, depth: usize) -> Result<(), Slow> {
        if depth > MAX_DEPTH {
            return Err(Slow);
        }
        self.eat(b'{')?;
        let expand = match slot {
            None => true,
            Some(Slot::Skip) => false,
            Some(_) => depth < 8,
        };
        let seen_from = self.seen.len();
        self.ws();
        if self.b.get(self.i) == Some(&b'}') {
            self.i += 1;
            return Ok(());
        }
        loop {
            self.ws();
            let (ks, ke) = self.plain_string()?;
            let key = &self.src[ks..ke];
            if self.seen.contains_from(seen_from, key) {
                return Err(Slow);
            }
            self.seen.push(key);
            self.ws();
            self.eat(b':')?;
            self.ws();
            match slot {
                None => {
                    let bit = top_bit(key);
                    self.top.present |= bit;
                    self.value(Slot::Top(ks, ke, bit), depth + 1)?;
                }
                Some(s) if expand => {
                    if let Slot::Top(..) = s {
                        // What `Producer::of` asks of `t` and `instant`.
                        match (self.path.as_str(), key) {
                            ("t", "$date") => self.top.t_date = true,
                            ("instant", "epochSecond") => self.top.instant_epoch = true,
                            _ => {}
                        }
                    }
                    let len = self.path.len();
                    if !self.path.is_empty() {
                        self.path.push('.');
                    }
                    self.path.push_str(key);
                    self.value(Slot::Path, depth + 1)?;
                    self.path.truncate(len);
                }
                Some(_) => self.value(Slot::Skip, depth + 1)?,
            }
            self.ws();
            match self.b.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    self.seen.truncate(seen_from);
                    return Ok(());
                }
                _ => return Err(Slow),
            }
        }
    }

    /// A value at `self.i`, flattened into `fields` under `slot`'s key.
    fn value(&mut self, slot: Slot, depth: usize) -> Result<(), Slow> {
        let Some(&c) = self.b.get(self.i) else {
            return Err(Slow);
        };
        match c {
            b'{' => {
                if let Slot::Top(ks, ke, _) = slot {
                    // The nested keys start with this one.
                    self.path.clear();
                    self.path.push_str(&self.src[ks..ke]);
                    self.object(Some(slot), depth)?;
                    self.path.clear();
                } else {
                    self.object(Some(slot), depth)?;
                }
                return Ok(());
            }
            b'[' => return self.array(slot, depth),
            _ => {}
        }
        let want = match slot {
            Slot::Top(ks, ke, _) => self.sink.wants(&self.src[ks..ke]),
            Slot::Path => self.sink.wants(&self.path),
            Slot::Skip => false,
        };
        let v = match c {
            b'"' => {
                let v = if want {
                    Scalar::Str(self.string()?)
                } else {
                    self.skip_string()?;
                    Scalar::Empty
                };
                if let Slot::Top(_, _, bit) = slot {
                    self.top.string |= bit;
                }
                v
            }
            b't' => {
                self.literal(b"true")?;
                Scalar::Bool(true)
            }
            b'f' => {
                self.literal(b"false")?;
                Scalar::Bool(false)
            }
            b'n' => {
                self.literal(b"null")?;
                Scalar::Empty
            }
            b'-' | b'0'..=b'9' => {
                let x = self.number()?;
                if let Slot::Top(_, _, bit) = slot {
                    self.top.number |= bit;
                }
                Scalar::Num(x)
            }
            _ => return Err(Slow),
        };
        if want {
            self.push(slot, v);
        }
        Ok(())
    }

    /// A field, unless it has no text (`null`): such a field changes nothing.
    fn push(&mut self, slot: Slot, v: Scalar<'a>) {
        if v == Scalar::Empty {
            return;
        }
        let key = match slot {
            Slot::Top(ks, ke, _) => FieldKey::Src(ks, ke),
            Slot::Path => FieldKey::Path(&self.path),
            Slot::Skip => return,
        };
        self.sink.field(key, v);
    }

    /// An array: its first scalar is the field (`flatten` keeps one value of a multi-valued
    /// field); objects and arrays in it are only read.
    fn array(&mut self, slot: Slot, depth: usize) -> Result<(), Slow> {
        if depth > MAX_DEPTH {
            return Err(Slow);
        }
        self.eat(b'[')?;
        self.ws();
        if self.b.get(self.i) == Some(&b']') {
            self.i += 1;
            return Ok(());
        }
        let mut slot = match slot {
            Slot::Top(ks, ke, _) => Slot::Top(ks, ke, 0),
            s => s,
        };
        loop {
            self.ws();
            match self.b.get(self.i) {
                Some(b'{' | b'[') => {
                    if self.b[self.i] == b'{' {
                        self.object(Some(Slot::Skip), depth + 1)?;
                    } else {
                        self.array(Slot::Skip, depth + 1)?;
                    }
                }
                _ => {
                    self.value(slot, depth + 1)?;
                    slot = Slot::Skip;
                }
            }
            self.ws();
            match self.b.get(self.i) {
                Some(b',') => self.i += 1,
                Some(b']') => {
                    self.i += 1;
                    return Ok(());
                }
                _ => return Err(Slow),
            }
        }
    }

    fn literal(&mut self, word: &[u8]) -> Result<(), Slow> {
        if self.b[self.i..].starts_with(word) {
            self.i += word.len();
            Ok(())
        } else {
            Err(Slow)
        }
    }

    /// A number, as serde_json reads it (its own parse of the same text).
    fn number(&mut self) -> Result<serde_json::Number, Slow> {
        let s = self.i;
        while let Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') = self.b.get(self.i) {
            self.i += 1;
        }
        serde_json::from_str(&self.src[s..self.i]).map_err(|_| Slow)
    }

    /// A string with no escape in it (a key): its span inside the quotes.
    fn plain_string(&mut self) -> Result<(usize, usize), Slow> {
        self.eat(b'"')?;
        let s = self.i;
        let (e, escaped) = self.string_end()?;
        if escaped {
            return Err(Slow);
        }
        Ok((s, e))
    }

    /// Past the closing quote of a string whose text starts at `self.i`: where the text ends,
    /// and whether it has escapes. A control character is not JSON.
    fn string_end(&mut self) -> Result<(usize, bool), Slow> {
        let mut escaped = false;
        loop {
            // Eight bytes at a time while none is a quote, a backslash or a control byte.
            while let Some(w) = self.b.get(self.i..self.i + 8) {
                let w = u64::from_le_bytes(w.try_into().unwrap_or([0; 8]));
                if has_byte(w, b'"') || has_byte(w, b'\\') || has_below(w, 0x20) {
                    break;
                }
                self.i += 8;
            }
            let Some(&c) = self.b.get(self.i) else {
                return Err(Slow);
            };
            match c {
                b'"' => {
                    let e = self.i;
                    self.i += 1;
                    return Ok((e, escaped));
                }
                b'\\' => {
                    escaped = true;
                    self.i += 2;
                }
                0..=0x1f => return Err(Slow),
                _ => self.i += 1,
            }
        }
    }

    /// A string value, unescaped.
    fn string(&mut self) -> Result<Cow<'a, str>, Slow> {
        self.eat(b'"')?;
        let s = self.i;
        let (e, escaped) = self.string_end()?;
        let raw = &self.src[s..e];
        if !escaped {
            return Ok(Cow::Borrowed(raw));
        }
        unescape(raw).map(Cow::Owned).ok_or(Slow)
    }

    /// A string value, checked as [`Self::string`] reads it, not kept.
    fn skip_string(&mut self) -> Result<(), Slow> {
        self.eat(b'"')?;
        let s = self.i;
        let (e, escaped) = self.string_end()?;
        if escaped && !unescape_to(&self.src[s..e], None) {
            return Err(Slow);
        }
        Ok(())
    }
}

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// Some byte of `w` is `b`.
fn has_byte(w: u64, b: u8) -> bool {
    let x = w ^ (LO * b as u64);
    x.wrapping_sub(LO) & !x & HI != 0
}

/// Some byte of `w` is below `n` (`n` <= 128).
fn has_below(w: u64, n: u8) -> bool {
    w.wrapping_sub(LO * n as u64) & !w & HI != 0
}

/// A JSON string's text with its escapes read; `None` for a bad escape or a lone surrogate.
fn unescape(raw: &str) -> Option<String> {
    let mut out = String::with_capacity(raw.len());
    unescape_to(raw, Some(&mut out)).then_some(out)
}

/// [`unescape`] into `out`, or only checked when `out` is `None`: `false` for a bad escape or
/// a lone surrogate.
fn unescape_to(raw: &str, out: Option<&mut String>) -> bool {
    unescape_checked(raw, out).is_some()
}

fn unescape_checked(raw: &str, mut out: Option<&mut String>) -> Option<()> {
    let mut rest = raw;
    while let Some(i) = rest.find('\\') {
        if let Some(o) = out.as_deref_mut() {
            o.push_str(&rest[..i]);
        }
        let b = rest.as_bytes();
        let c = *b.get(i + 1)?;
        if !c.is_ascii() {
            // Not an escape; and `i + 2` would not be a char boundary.
            return None;
        }
        rest = &rest[i + 2..];
        let ch = match c {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let hi = hex4(rest)?;
                rest = &rest[4..];
                match hi {
                    0xD800..=0xDBFF => {
                        let lo = rest.strip_prefix("\\u").and_then(hex4)?;
                        if !(0xDC00..=0xDFFF).contains(&lo) {
                            return None;
                        }
                        rest = &rest[6..];
                        char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))?
                    }
                    0xDC00..=0xDFFF => return None,
                    _ => char::from_u32(hi)?,
                }
            }
            _ => return None,
        };
        if let Some(o) = out.as_deref_mut() {
            o.push(ch);
        }
    }
    if let Some(o) = out {
        o.push_str(rest);
    }
    Some(())
}

fn hex4(s: &str) -> Option<u32> {
    let h = s.get(..4)?;
    if !h.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(h, 16).ok()
}

/// Nested objects become dotted keys (`{"log":{"level":"x"}}` -> `log.level`).
pub(super) fn flatten(prefix: &str, v: &Value, out: &mut Vec<(String, Value)>, depth: usize) {
    match v {
        Value::Object(m) if depth < 8 => {
            for (k, v) in m {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out, depth + 1);
            }
        }
        Value::Array(a) => {
            // Multi-valued fields: keep the first scalar.
            if let Some(x) = a.iter().find(|x| !x.is_object() && !x.is_array()) {
                out.push((prefix.to_string(), x.clone()));
            }
        }
        _ => out.push((prefix.to_string(), v.clone())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => unreachable!(),
        }
    }

    #[test]
    fn producers_told_apart() {
        let of = |v: Value| Producer::of(&obj(v));
        assert_eq!(
            of(json!({"MESSAGE": "x", "PRIORITY": "3"})),
            Producer::Journald
        );
        assert_eq!(
            of(json!({"t": {"$date": "2023-08-29T13:47:38.984Z"}, "s": "I", "msg": "x"})),
            Producer::Mongo
        );
        assert_eq!(
            of(json!({"version": "1.1", "short_message": "x", "level": 3})),
            Producer::Gelf
        );
        assert_eq!(of(json!({"@t": "x", "@mt": "y"})), Producer::Clef);
        assert_eq!(
            of(json!({"instant": {"epochSecond": 1, "nanoOfSecond": 0}, "level": "INFO"})),
            Producer::Log4j2
        );
        assert_eq!(
            of(json!({"reqId": "r", "app": "files", "level": 3})),
            Producer::Nextcloud
        );
        assert_eq!(
            of(json!({"v": 0, "level": 30, "hostname": "h", "pid": 1, "name": "a"})),
            Producer::Bunyan
        );
        assert_eq!(
            of(json!({"level": 30, "time": 1693316858984u64})),
            Producer::Pino
        );
        assert_eq!(of(json!({"level": "info", "msg": "x"})), Producer::Other);
    }

    #[test]
    fn numeric_levels_by_producer() {
        use Level::*;
        let cases = [
            (Producer::Gelf, 3.0, Some(Error)),
            (Producer::Gelf, 30.0, None),
            (Producer::Journald, 7.0, Some(Debug)),
            (Producer::Nextcloud, 0.0, Some(Debug)),
            (Producer::Nextcloud, 2.0, Some(Warn)),
            (Producer::Nextcloud, 4.0, Some(Fatal)),
            (Producer::Nextcloud, 6.0, None),
            (Producer::Pino, 35.0, Some(Info)),
            (Producer::Bunyan, 60.0, Some(Fatal)),
            (Producer::Other, 40.0, Some(Warn)),
            (Producer::Other, 4.0, Some(Warn)),
            (Producer::Other, 35.0, None),
            (Producer::Other, 3.5, None),
            (Producer::Other, -1.0, None),
        ];
        for (p, n, want) in cases {
            assert_eq!(numeric_level(p, n), want, "{p:?} {n}");
        }
        assert_eq!(text_level(Producer::Journald, "3"), Some(Error));
        assert_eq!(text_level(Producer::Other, "3"), None);
        assert_eq!(text_level(Producer::Mongo, "D3"), Some(Debug));
        assert_eq!(text_level(Producer::Mongo, "D9"), None);
    }

    #[test]
    fn serilog_templates() {
        let props = obj(json!({
            "Name": "ann", "N": 5, "Ok": false, "X": null,
            "@r": ["5.00"],
            "Tags": ["a", 1], "P": {"A": 1},
        }));
        let r = |t: &str| render_template(t, &props);
        assert_eq!(r("hi {Name}"), "hi \"ann\"");
        let mut plain = props.clone();
        plain.remove("@r");
        assert_eq!(render_template("hi {Name:l}!", &plain), "hi ann!");
        assert_eq!(render_template("{N:0.00}", &plain), "5");
        assert_eq!(r("{N:0.00} {N}"), "5.00 5");
        assert_eq!(r("{Ok} {X} {Tags} {@P}"), "False null [\"a\", 1] { A: 1 }");
        assert_eq!(render_template("{P:j}", &plain), "{\"A\":1}");
        assert_eq!(r("[{N,3}][{N,-3}]"), "[  5][5  ]");
        assert_eq!(r("{{x}} {Nope} {bad token} {"), "{x} {Nope} {bad token} {");
        assert_eq!(r("}{N}}}"), "}5}");
        // no panic on odd input
        for t in [
            "{",
            "}",
            "{}",
            "{:}",
            "{,}",
            "{N,x}",
            "{é}",
            "{{{",
            "{N,99999999999}",
        ] {
            let _ = r(t);
        }
    }

    #[test]
    fn epoch_numbers_exact_to_their_digits() {
        let tctx = TimeContext::default();
        let n = |s: &str| {
            let v: Value = serde_json::from_str(s).unwrap();
            let Value::Number(x) = v else { unreachable!() };
            epoch_number(&x, &tctx).map(|t| t.to_rfc3339())
        };
        assert_eq!(
            n("1693316858.984").as_deref(),
            Some("2023-08-29T13:47:38.984Z")
        );
        assert_eq!(
            n("1693316858984.5").as_deref(),
            Some("2023-08-29T13:47:38.984500Z")
        );
        assert_eq!(n("1693316858").as_deref(), Some("2023-08-29T13:47:38.000Z"));
        assert_eq!(n("12.5"), None);
        assert_eq!(n("-1693316858.5"), None);
    }

    #[test]
    fn journal_byte_arrays_decoded() {
        let mut m = obj(json!({"MESSAGE": [104, 105, 255], "X": ["a", "b"], "N": []}));
        decode_journal_arrays(&mut m);
        assert_eq!(m["MESSAGE"], "hi\u{fffd}");
        assert_eq!(m["X"], "a");
        assert_eq!(m["N"], json!([]));
    }

    #[test]
    fn journal_json_seq() {
        let p = Parser::default_parser();
        let tctx = TimeContext::default();
        let line = "\u{1e}{\"__REALTIME_TIMESTAMP\":\"1693316858984123\",\"PRIORITY\":\"4\",\"_SYSTEMD_UNIT\":\"cron.service\",\"MESSAGE\":\"m\"}";
        let r = p.parse_json(line, &tctx).unwrap();
        assert_eq!(r.ts.unwrap().to_rfc3339(), "2023-08-29T13:47:38.984123Z");
        assert_eq!(r.level, Some(Level::Warn));
        assert_eq!(r.service.as_deref(), Some("cron"));
        assert_eq!(r.message, "m");
    }

    /// The in-place reader answers as serde_json's `Value` does, or leaves the record to it.
    #[test]
    fn fast_json_reads_as_serde_json() {
        let p = Parser::default_parser();
        let tctx = TimeContext::default();
        let fast = [
            r#"{"@timestamp":"2026-11-28T20:00:00.004Z","log.level":"info","service.name":"gateway","message":"routing POST /api/v1/orders","http.request.id":"cd613e30d8f16adf","trace.id":"1e2feb89414c343c1027c4d1c386bbc4","user.id":"8364"}"#,
            r#"{"level":30,"time":1693316858984,"name":"shop","msg":"ok req_id=r-9","pid":1}"#,
            r#"{"level":"warn","msg":"caf\u00e9 \ud83d\ude00 \"q\" a\/b\n","request_id":"r\u002d1"}"#,
            r#" { "ts" : 1693316858.984 , "lvl" : "ERROR" , "app" : true , "host" : 12 } "#,
            r#"{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":{"trace_id":"deep"}},"trace_id":"t7"}}}}}}}"#,
            r#"{"":{"msg":"empty key"},"labels":{"trace_id":"t-1","x":[null,"y"]},"tags":[[1],{"a":1},"first",2]}"#,
            r#"{"msg":"n","n":-0,"f":1.50,"big":123456789012345678901234567890,"e":1e3,"z":null,"arr":[]}"#,
            r#"{"traceparent":"00-6cd981f939451e0f1a365b67f7e58c59-f8fca2f7c164c817-01","msg":"tp"}"#,
            r#"{"t":"2026-11-28T20:00:00Z","s":"x","message":"t is a string"}"#,
            r#"{"a.b":"1","a":{"b":"2"},"msg":"dotted twice","a_id":"A-1"}"#,
        ];
        let slow = [
            r#"{"msg":"dup","msg":"second"}"#,
            r#"{"a":{"k":"1","k":"2"}}"#,
            r#"{"msg":"lone \ud800 surrogate"}"#,
            r#"{"msg":"bad \x escape"}"#,
            r#"{"n":1e400}"#,
            r#"{"n":01}"#,
            r#"{"n":1.}"#,
            r#"{"msg":"x",}"#,
            r#"{"msg":"x"} trailing"#,
            "{\"msg\":\"tab\tinside\"}",
            r#"{"k\u0065y":"escaped key"}"#,
            r#"{"t":{"$date":"2023-08-29T13:47:38.984Z"},"s":"I","c":"NET","msg":"mongo"}"#,
            r#"{"MESSAGE":"m","PRIORITY":"3"}"#,
            r#"{"message":"failed","error":{"type":"E","message":"boom"}}"#,
            r#"{"msg":"x","err":{"type":"E","message":"boom"}}"#,
            r#"{"v":0,"level":30,"hostname":"h","pid":1,"name":"a","msg":"bunyan"}"#,
            r#"{"msg":"unterminated"#,
            r#"{"msg":tru}"#,
            r#"{"a":[1,2"#,
        ];
        for line in fast.iter().chain(&slow) {
            let want = p.parse_json_value(line.trim(), &tctx);
            let got = p.parse_json(line, &tctx);
            assert_eq!(format!("{got:?}"), format!("{want:?}"), "{line}");
        }
        for line in fast {
            assert!(p.parse_json_fast(line.trim(), &tctx).is_ok(), "{line}");
        }
        for line in slow {
            assert_eq!(p.parse_json_fast(line, &tctx).err(), Some(Slow), "{line}");
        }
        let r = p.parse_json(fast[2], &tctx).unwrap();
        assert_eq!(r.message, "caf\u{e9} \u{1f600} \"q\" a/b\n");
        assert_eq!(r.ids.get("request_id").map(String::as_str), Some("r-1"));
        let r = p.parse_json(fast[4], &tctx).unwrap();
        assert_eq!(r.ids.get("trace_id").map(String::as_str), Some("t7"));
        let r = p.parse_json(fast[1], &tctx).unwrap();
        assert_eq!(r.service.as_deref(), Some("shop"));
        assert_eq!(r.level, Some(Level::Info));
        assert_eq!(r.ts.unwrap().to_rfc3339(), "2023-08-29T13:47:38.984Z");
    }

    /// A JSON peek says what the full parse says, or nothing.
    #[test]
    fn json_peek_agrees_or_declines() {
        let p = Parser::default_parser();
        let tctx = TimeContext::default();
        let peek = |line: &'static str| {
            let f = p.peek_json(line, &tctx);
            if let Some(f) = &f {
                let r = p.parse_json(line, &tctx).unwrap();
                assert_eq!(f.ts, r.ts, "{line}");
                assert_eq!(f.level, r.level, "{line}");
                assert_eq!(f.service, r.service.as_deref(), "{line}");
                assert_eq!(f.logger, r.logger.as_deref(), "{line}");
            }
            f
        };
        let at = |s: &str| TimeContext::default().parse(s);
        // ECS, dotted keys
        let f = peek(r#"{"@timestamp":"2026-11-28T20:00:00.004Z","log.level":"info","service.name":"gateway","message":"routing \"x\"","trace.id":"1e2f"}"#).unwrap();
        assert_eq!(f.ts, at("2026-11-28T20:00:00.004Z"));
        assert_eq!(f.level, Some(Level::Info));
        assert_eq!(f.service, Some("gateway"));
        assert_eq!(f.logger, None);
        // ECS nested: `log.level` outranks `level`; `log.logger` is the logger
        let f = peek(r#"{"level":"error","@timestamp":"2026-11-28T20:00:01Z","log":{"level":"warn","logger":"a.b"},"service":{"name":"cart"},"message":"m"}"#).unwrap();
        assert_eq!(f.level, Some(Level::Warn));
        assert_eq!(f.service, Some("cart"));
        assert_eq!(f.logger, Some("a.b"));
        // numeric levels: the bunyan/pino scale or a syslog severity; 35 is no level
        let f = peek(r#"{"time":"2026-11-28T20:00:01Z","level":40}"#).unwrap();
        assert_eq!(f.level, Some(Level::Warn));
        let f = peek(r#"{"time":"2026-11-28T20:00:01Z","level":35,"logger":"db"}"#).unwrap();
        assert_eq!((f.level, f.logger), (None, Some("db")));
        // pino: 35 is info, `name` is the service, epoch milliseconds
        let f = peek(r#"{"level":35,"time":1693316858984,"name":"shop","msg":"ok"}"#).unwrap();
        assert_eq!(f.level, Some(Level::Info));
        assert_eq!(f.service, Some("shop"));
        assert_eq!(f.ts, at("2023-08-29T13:47:38.984Z"));
        // no level: the full parse looks in the message
        let f = peek(r#"{"ts":"2026-11-28T20:00:01Z","msg":"error: x"}"#).unwrap();
        assert_eq!(f.level, None);
        // a placeholder service: the logger stands
        let f = peek(r#"{"ts":"2026-11-28T20:00:01Z","level":"info","service":"-","logger":"l"}"#)
            .unwrap();
        assert_eq!((f.service, f.logger), (None, Some("l")));
        // declined: a key twice, an escaped or numeric service, a bad escape, an exception
        // field, another producer, not JSON, something after the object
        for line in [
            r#"{"ts":"2026-11-28T20:00:01Z","level":"info","level":"error"}"#,
            r#"{"ts":"2026-11-28T20:00:01Z","a":{"k":1,"k":2},"level":"info"}"#,
            r#"{"ts":"2026-11-28T20:00:01Z","level":"info","service":"a\u0062"}"#,
            r#"{"ts":"2026-11-28T20:00:01Z","level":"info","app":12}"#,
            r#"{"ts":"2026-11-28T20:00:01Z","level":"info","msg":"bad \x"}"#,
            r#"{"ts":"2026-11-28T20:00:01Z","level":"info","msg":"\ud800"}"#,
            r#"{"ts":"2026-11-28T20:00:01Z","level":"info","msg":"\é"}"#,
            r#"{"ts":"2026-11-28T20:00:01Z","level":"error","error":{"type":"E"}}"#,
            r#"{"MESSAGE":"m","PRIORITY":"3","__REALTIME_TIMESTAMP":"1693316858984123"}"#,
            r#"{"v":0,"level":30,"hostname":"h","pid":1,"name":"a","time":"2026-11-28T20:00:01Z"}"#,
            r#"{"ts":"2026-11-28T20:00:01Z","level":"info"} x"#,
            r#"ts=2026-11-28T20:00:01Z level=info"#,
        ] {
            assert_eq!(peek(line), None, "{line}");
        }
    }

    #[test]
    fn exception_keys_are_the_exc_bits() {
        let bits = ["err", "error", "error.type", "error.message"]
            .iter()
            .fold(0, |m, k| m | top_bit(k));
        assert_eq!(bits, EXC);
        assert!(TOP_KEYS.len() <= 64);
        for (i, k) in TOP_KEYS.iter().enumerate() {
            assert_eq!(top_bit(k), 1 << i, "{k}");
        }
        assert_eq!(top_bit("message") | top_bit("tt") | top_bit(""), 0);
    }

    #[test]
    fn exception_joined_once() {
        let e = || "T: boom".to_string();
        assert_eq!(with_exception("failed".into(), e()), "failed: T: boom");
        assert_eq!(with_exception("boom".into(), e()), "T: boom");
        assert_eq!(with_exception("".into(), e()), "T: boom");
        assert_eq!(with_exception("x T: boom".into(), e()), "x T: boom");
    }
}
