//! The shared types every stage passes along: `Event`, `Level`, `Timestamp`. No I/O here and no
//! dependency on any other casefile module.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// A point in time, UTC, in nanoseconds since the Unix epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub fn from_secs(s: i64) -> Self {
        Timestamp(s.saturating_mul(1_000_000_000))
    }

    /// RFC 3339 in UTC with `Z`; fractional digits are 3, 6 or 9, as many as the value needs
    /// (at least milliseconds), so `2026-11-28T22:10:01.123Z`.
    pub fn to_rfc3339(self) -> String {
        let secs = self.0.div_euclid(1_000_000_000);
        let nanos = self.0.rem_euclid(1_000_000_000);
        let days = secs.div_euclid(86_400);
        let sod = secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        let frac = if nanos % 1_000_000 == 0 {
            format!("{:03}", nanos / 1_000_000)
        } else if nanos % 1_000 == 0 {
            format!("{:06}", nanos / 1_000)
        } else {
            format!("{nanos:09}")
        };
        format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{frac}Z",
            sod / 3600,
            (sod / 60) % 60,
            sod % 60
        )
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

/// The earliest and latest of the times seen (both `None` until one is).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Span {
    pub first: Option<Timestamp>,
    pub last: Option<Timestamp>,
}

impl Span {
    pub fn add(&mut self, t: Timestamp) {
        self.first = Some(self.first.map_or(t, |f| f.min(t)));
        self.last = Some(self.last.map_or(t, |l| l.max(t)));
    }

    pub fn merge(&mut self, o: &Span) {
        if let Some(t) = o.first {
            self.add(t);
        }
        if let Some(t) = o.last {
            self.add(t);
        }
    }

    pub fn of(times: impl IntoIterator<Item = Timestamp>) -> Span {
        let mut s = Span::default();
        for t in times {
            s.add(t);
        }
        s
    }

    /// `(first, last)` when any time was seen.
    pub fn bounds(&self) -> Option<(Timestamp, Timestamp)> {
        Some((self.first?, self.last?))
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Normalised severity. Ordered from least to most severe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Trace,
    Debug,
    Info,
    Warn,
    Error,
    Fatal,
}

impl Level {
    pub const ALL: [Level; 6] = [
        Level::Trace,
        Level::Debug,
        Level::Info,
        Level::Warn,
        Level::Error,
        Level::Fatal,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Trace => "trace",
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
            Level::Fatal => "fatal",
        }
    }

    /// Every spelling seen in the wild: `WARNING`, `err`, `SEVERE`, `CRIT`, postgres `LOG`,
    /// syslog keywords, single letters (`E`, `W` as glog and Android write them).
    pub fn parse(s: &str) -> Option<Level> {
        let s = s.trim().trim_end_matches(':');
        if s.is_empty() || s.len() > 12 {
            return None;
        }
        let mut buf = [0u8; 12];
        for (i, b) in s.bytes().enumerate() {
            buf[i] = b.to_ascii_lowercase();
        }
        Some(match &buf[..s.len()] {
            b"trace" | b"trc" | b"finest" | b"finer" | b"verbose" | b"v" | b"t" => Level::Trace,
            b"debug" | b"dbg" | b"debug1" | b"debug2" | b"debug3" | b"debug4" | b"debug5"
            | b"fine" | b"d" => Level::Debug,
            b"info" | b"inf" | b"information" | b"informational" | b"notice" | b"log"
            | b"config" | b"i" | b"n" => Level::Info,
            b"warn" | b"warning" | b"wrn" | b"w" => Level::Warn,
            b"error" | b"err" | b"severe" | b"e" => Level::Error,
            b"fatal" | b"crit" | b"critical" | b"alert" | b"emerg" | b"emergency" | b"panic"
            | b"f" | b"c" => Level::Fatal,
            _ => return None,
        })
    }

    /// Syslog severity (0 emergency .. 7 debug).
    pub fn from_syslog_severity(sev: u8) -> Level {
        match sev {
            0..=2 => Level::Fatal,
            3 => Level::Error,
            4 => Level::Warn,
            5 | 6 => Level::Info,
            _ => Level::Debug,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One log record, possibly several physical lines long (a stack trace joins the line that
/// starts it). `raw` is the exact text, physical lines joined by `\n`.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub ts: Option<Timestamp>,
    /// The path as given on the command line, joined with the path inside a directory.
    pub source: Arc<str>,
    /// 1-based line where the event starts (of the decompressed text for compressed files);
    /// 0 for a record from a remote source (Splunk, Elasticsearch), shown as `null`.
    pub line: u64,
    pub service: Option<String>,
    /// The host that wrote it, where the record says (syslog host, `host.name`, `hostname`).
    pub host: Option<String>,
    pub level: Option<Level>,
    /// The HTTP response status the record states (100..=599), where the dialect or a field
    /// names one (an access log's status, `sc-status`, `http.response.status_code`, `status`);
    /// `None` otherwise.
    pub status: Option<u16>,
    pub message: String,
    /// Identifiers found in the record, by the key as it was written (`trace.id`, `req_id`).
    pub ids: BTreeMap<String, String>,
    pub raw: String,
    /// The dialect that parsed the first line.
    pub dialect: Arc<str>,
}

impl Event {
    /// `source:line` for a file record; the source alone for a remote one (which has no line,
    /// kept as 0).
    pub fn location(&self) -> String {
        if self.line == 0 {
            self.source.to_string()
        } else {
            format!("{}:{}", self.source, self.line)
        }
    }
}

/// A duration for people: `250ms`, `4.2s`, `3m10s`, `2h5m`, `3d4h`.
pub fn format_duration_ns(ns: i64) -> String {
    let ms = ns / 1_000_000;
    if ms.abs() < 1000 {
        return format!("{ms}ms");
    }
    let s = ns / 1_000_000_000;
    if s.abs() < 60 {
        return format!("{:.1}s", ns as f64 / 1e9);
    }
    let (d, h, m, s) = (s / 86_400, s % 86_400 / 3600, s % 3600 / 60, s % 60);
    if d != 0 {
        format!("{d}d{h}h")
    } else if h != 0 {
        format!("{h}h{m}m")
    } else {
        format!("{m}m{s}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression: the bundle compared RFC 3339 strings, where `01.123Z` sorts after
    /// `01.123456Z`; spans compare times.
    #[test]
    fn span_orders_by_time_not_text() {
        let a = Timestamp(1_000_123_000_000);
        let b = Timestamp(1_000_123_456_000);
        assert!(a.to_rfc3339() > b.to_rfc3339());
        let s = Span::of([b, a]);
        assert_eq!(s.bounds(), Some((a, b)));
        let mut t = Span::default();
        t.merge(&s);
        t.merge(&Span::default());
        assert_eq!(t, s);
        assert_eq!(Span::default().bounds(), None);
    }
}
