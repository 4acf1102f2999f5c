//! Structured records (JSON objects, logfmt pairs, columns) -> [`Record`]: which key is the
//! timestamp, level, message, service and host, by the conventions of the producer that wrote
//! them (ECS, bunyan/pino, journald, ...), and every id key kept.

use serde_json::Value;

use super::fields::{self, normalize_key};
use super::{Parser, Record, TimeContext};
use crate::model::{Level, Timestamp};

impl Parser {
    pub(super) fn parse_json(&self, line: &str, tctx: &TimeContext) -> Option<Record> {
        let t = line.trim();
        if !t.starts_with('{') {
            return None;
        }
        let v: Value = serde_json::from_str(t).ok()?;
        let Value::Object(map) = v else { return None };
        let mut flat = Vec::new();
        flatten("", &Value::Object(map), &mut flat, 0);
        let mut rec = Record::default();
        self.apply_fields(&mut rec, flat.iter().map(|(k, v)| (k.as_str(), v)), tctx);
        Some(rec)
    }

    pub(super) fn apply_fields<'a>(
        &self,
        rec: &mut Record,
        kvs: impl Iterator<Item = (&'a str, &'a Value)>,
        tctx: &TimeContext,
    ) {
        let mut best_ts: Option<(usize, Timestamp)> = None;
        let mut best_level: Option<(usize, Level)> = None;
        let mut best_msg: Option<(usize, String)> = None;
        let mut best_service: Option<(usize, String)> = None;
        let mut best_host: Option<(usize, String)> = None;
        for (k, v) in kvs {
            let n = normalize_key(k);
            let n = n.strip_prefix('@').unwrap_or(&n);
            let s = match v {
                Value::String(s) => s.clone(),
                Value::Number(x) => x.to_string(),
                Value::Bool(b) => b.to_string(),
                _ => String::new(),
            };
            let rank = |list: &[&str]| list.iter().position(|x| *x == n);
            if let Some(r) = rank(fields::TS_KEYS) {
                let t = match v {
                    Value::Number(x) => x.as_f64().and_then(|f| tctx.from_number(f)),
                    Value::String(s) => tctx.parse(s),
                    _ => None,
                };
                if let Some(t) = t {
                    if best_ts.is_none_or(|(br, _)| r < br) {
                        best_ts = Some((r, t));
                    }
                }
            }
            if let Some(r) = rank(fields::LEVEL_KEYS) {
                let l = match v {
                    Value::Number(x) => x.as_u64().and_then(|n| match n {
                        // bunyan/pino numeric levels
                        10 => Some(Level::Trace),
                        20 => Some(Level::Debug),
                        30 => Some(Level::Info),
                        40 => Some(Level::Warn),
                        50 => Some(Level::Error),
                        60 => Some(Level::Fatal),
                        0..=7 => Some(Level::from_syslog_severity(n as u8)),
                        _ => None,
                    }),
                    _ => Level::parse(&s),
                };
                if let Some(l) = l {
                    if best_level.is_none_or(|(br, _)| r < br) {
                        best_level = Some((r, l));
                    }
                }
            }
            if let Some(r) = rank(fields::MESSAGE_KEYS) {
                if matches!(v, Value::String(_)) && best_msg.as_ref().is_none_or(|(br, _)| r < *br)
                {
                    best_msg = Some((r, s.clone()));
                }
            }
            if let Some(r) = rank(fields::SERVICE_KEYS) {
                if !s.is_empty() && best_service.as_ref().is_none_or(|(br, _)| r < *br) {
                    best_service = Some((r, s.clone()));
                }
            }
            if let Some(r) = rank(fields::HOST_KEYS) {
                if !s.is_empty() && best_host.as_ref().is_none_or(|(br, _)| r < *br) {
                    best_host = Some((r, s.clone()));
                }
            }
            if !s.is_empty() {
                self.add_id(&mut rec.ids, k, &s);
            }
        }
        rec.ts = best_ts.map(|(_, t)| t);
        rec.level = best_level.map(|(_, l)| l);
        rec.message = best_msg.map(|(_, m)| m).unwrap_or_default();
        rec.service = best_service.map(|(_, s)| s);
        rec.host = best_host.map(|(_, s)| s);
        let message = std::mem::take(&mut rec.message);
        self.ids_from_text(&message, &mut rec.ids);
        rec.message = message;
    }
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
