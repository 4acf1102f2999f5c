//! Logs whose header declares the columns: W3C extended / IIS (`#Fields:`), AWS VPC flow logs (a
//! header row of field names, or version-2 default rows without one) and CSV with a header row
//! (Windows events from PowerShell's `Export-Csv`, Event Viewer's "Save As ... CSV"). A
//! [`Layout`] is read once from a file's head; [`Layout::record`] then maps each record onto a
//! [`TabRecord`] by the declared column names, so a reordered or custom column list still reads.
//!
//! What each format gives (columns matched case-insensitively):
//!
//! | layout     | ts                                         | level                                   | service / host                     | message                                            |
//! |------------|--------------------------------------------|-----------------------------------------|------------------------------------|----------------------------------------------------|
//! | `w3c`      | `date` + `time`, UTC (`#Time Format: Local`: `--tz`) | `sc-status` 5xx error, 4xx warn; `action` DROP warn; else info | `s-sitename` / `s-computername` | `{cs-method} {cs-uri-stem} {sc-status}`, or a flow (firewall) |
//! | `vpc-flow` | `start`, epoch seconds                     | REJECT or SKIPDATA warn, else info      | - / `instance-id` else `interface-id` | `{action} {srcaddr}:{srcport} -> {dstaddr}:{dstport} {protocol}`, or `{log-status} {interface-id}` |
//! | `csv`      | `TimeCreated` / `TimeGenerated` / `Date and Time`, local time read in `--tz` (else UTC) | `Level` number, else `LevelDisplayName` / `EntryType` text | `ProviderName` / `Source` and `MachineName` | `Message` |

use crate::model::{Level, Timestamp};
use crate::parse::TimeContext;

/// A record read from one of these formats (or from Windows event XML), before ids are classified.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TabRecord {
    pub ts: Option<Timestamp>,
    pub level: Option<Level>,
    pub service: Option<String>,
    pub host: Option<String>,
    pub message: String,
    /// Every column as (declared name, value), in order; `-` / empty values left out. CSV leaves
    /// out the message column itself and .NET type names (`System.Collections...`) that
    /// `Export-Csv` writes for values it cannot print, and names the Windows event id `event_id`.
    pub fields: Vec<(String, String)>,
}

/// The columns of one file and how to read them.
#[derive(Clone, Debug)]
pub struct Layout {
    kind: Kind,
    /// Column names as declared.
    columns: Vec<String>,
    roles: Roles,
}

#[derive(Clone, Debug)]
enum Kind {
    /// W3C extended log format (IIS, Windows Firewall, CloudFront).
    W3c {
        /// `#Time Format: Local` (Windows Firewall): times are read in `--tz`, not UTC.
        local_time: bool,
        /// The `#Date:` directive's date, for files without a `date` column.
        default_date: Option<String>,
    },
    /// AWS VPC flow logs; `header` is false for default-format rows without a header row.
    Vpc {
        header: bool,
    },
    Csv(CsvKind),
}

#[derive(Clone, Debug)]
struct CsvKind {
    delim: u8,
    /// Every header name was quoted (PowerShell quotes every value): a record starts with `"`.
    quoted: bool,
    /// Windows event columns (`TimeCreated`, `TimeGenerated` or `Date and Time`).
    windows: bool,
    /// Day before month in `12/05/2023`-style dates; `None` when the head did not tell.
    day_first: Option<bool>,
}

/// Column indices of the values that have a meaning.
#[derive(Clone, Debug, Default)]
struct Roles {
    date: Option<usize>,
    time: Option<usize>,
    status: Option<usize>,
    method: Option<usize>,
    uri: Option<usize>,
    service: Option<usize>,
    host: Option<usize>,
    host2: Option<usize>,
    action: Option<usize>,
    src: Option<usize>,
    dst: Option<usize>,
    sport: Option<usize>,
    dport: Option<usize>,
    proto: Option<usize>,
    log_status: Option<usize>,
    level_num: Option<usize>,
    level_text: Vec<usize>,
    message: Option<usize>,
    event_id: Option<usize>,
    keywords: Option<usize>,
}

/// The first column whose name (case-insensitively, `_` as `-`) is one of `names`, in the
/// order of `names`.
fn find(cols: &[String], names: &[&str]) -> Option<usize> {
    names.iter().find_map(|n| {
        cols.iter().position(|c| {
            c.len() == n.len()
                && c.bytes()
                    .zip(n.bytes())
                    .all(|(a, b)| a.to_ascii_lowercase() == b || (a == b'_' && b == b'-'))
        })
    })
}

/// The VPC flow log field names (versions 2 to 8).
const VPC_FIELDS: &[&str] = &[
    "version",
    "account-id",
    "interface-id",
    "srcaddr",
    "dstaddr",
    "srcport",
    "dstport",
    "protocol",
    "packets",
    "bytes",
    "start",
    "end",
    "action",
    "log-status",
    "vpc-id",
    "subnet-id",
    "instance-id",
    "tcp-flags",
    "type",
    "pkt-srcaddr",
    "pkt-dstaddr",
    "region",
    "az-id",
    "sublocation-type",
    "sublocation-id",
    "pkt-src-aws-service",
    "pkt-dst-aws-service",
    "flow-direction",
    "traffic-path",
    "ecs-cluster-arn",
    "ecs-cluster-name",
    "ecs-container-instance-arn",
    "ecs-container-instance-id",
    "ecs-container-id",
    "ecs-second-container-id",
    "ecs-service-name",
    "ecs-task-definition-arn",
    "ecs-task-arn",
    "ecs-task-id",
    "reject-reason",
    "resource-id",
    "encryption-status",
];

/// The default (version 2) VPC flow log format: the first 14 fields.
const VPC_DEFAULT: &[&str] = VPC_FIELDS.split_at(14).0;

/// CSV columns that hold the time, best first.
const CSV_TIME: &[&str] = &[
    "timecreated",
    "timegenerated",
    "date and time",
    "timewritten",
    "@timestamp",
    "timestamp",
    "time",
    "datetime",
    "date",
    "eventtime",
    "ts",
];

/// Text lines of `head`, without `\r` and a leading byte-order mark.
fn lines(head: &str) -> impl Iterator<Item = &str> {
    head.trim_start_matches('\u{feff}')
        .split('\n')
        .map(|l| l.trim_end_matches('\r'))
}

impl Layout {
    /// From the head of a file (up to 64 KiB of text): W3C extended / IIS (`#Software:`,
    /// `#Version:`, `#Date:`, `#Fields: date time s-ip cs-method cs-uri-stem ...`), AWS VPC flow
    /// logs (first line `version account-id interface-id srcaddr dstaddr srcport dstport
    /// protocol packets bytes start end action log-status`, a custom field list of the same
    /// vocabulary, or default-format rows without the header), CSV with a header row naming a
    /// time column (PowerShell `Get-WinEvent | Export-Csv`, optionally preceded by
    /// `#TYPE System.Diagnostics...`; `Get-EventLog`; Event Viewer's CSV) whose first row reads.
    pub fn detect(head: &str) -> Option<Layout> {
        Layout::detect_w3c(head)
            .or_else(|| Layout::detect_vpc(head))
            .or_else(|| Layout::detect_csv(head))
    }

    /// `"w3c"`, `"vpc-flow"` or `"csv"`.
    pub fn name(&self) -> &'static str {
        match self.kind {
            Kind::W3c { .. } => "w3c",
            Kind::Vpc { .. } => "vpc-flow",
            Kind::Csv(_) => "csv",
        }
    }

    /// The column names as the header declared them.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// Header and comment lines that are not events: W3C `#` directives (`#Fields:`, `#Date:`,
    /// repeated mid-file after a restart), the VPC header row, CSV's `#TYPE` line and header row
    /// (again wherever exports were concatenated).
    pub fn is_header(&self, line: &str) -> bool {
        let line = line.trim_start_matches('\u{feff}').trim_end_matches('\r');
        match &self.kind {
            Kind::W3c { .. } => line.starts_with('#'),
            Kind::Vpc { header } => {
                *header && {
                    let mut toks = line.split_whitespace();
                    self.columns.iter().all(|c| toks.next() == Some(c)) && toks.next().is_none()
                }
            }
            Kind::Csv(k) => {
                line.starts_with("#TYPE")
                    || matches!(scan_csv(line, k.delim), Scan::Done(f, _) if f == self.columns)
            }
        }
    }

    /// Does this physical line start a record? Header lines count as starts (so they never
    /// glue onto the record before them); drop them with [`Layout::is_header`].
    ///
    /// W3C and VPC: every non-blank line. CSV, where a quoted value may span lines: the line
    /// must read as the start of a row: closing quotes followed only by the delimiter or the
    /// line's end; when PowerShell quoted the header, the line starts with `"`, not with `",`
    /// nor is only `"` (a value does not start with a comma or a line break); a complete row
    /// has the header's number of values (or one more: Event Viewer leaves the message column
    /// unnamed), an unfinished one no more; and the time column, when it ends on this line,
    /// starts with a digit. A continuation line inside a PowerShell value can only start with
    /// `"` doubled (`""`) or as the closing quote, so it never passes. Limit: in a file whose
    /// values are not all quoted, a continuation line that happens to hold the header's
    /// number of commas and a digit where the time goes is taken for a start.
    pub fn is_record_start(&self, line: &str) -> bool {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            return false;
        }
        let Kind::Csv(k) = &self.kind else {
            return true;
        };
        if self.is_header(line) {
            return true;
        }
        if line == "\"" || line.starts_with("\",") || (k.quoted && !line.starts_with('"')) {
            return false;
        }
        let n = self.columns.len();
        let (fields, open) = match scan_csv(line, k.delim) {
            Scan::Bad => return false,
            Scan::Done(f, _) => {
                if f.len() < n || f.len() > n + 1 {
                    return false;
                }
                (f, false)
            }
            Scan::Open(f) => {
                if f.len() > n + 1 {
                    return false;
                }
                (f, true)
            }
        };
        match self.roles.time {
            Some(t) if t < fields.len() - usize::from(open) => fields[t]
                .trim_start()
                .starts_with(|c: char| c.is_ascii_digit()),
            _ => true,
        }
    }

    /// One record (for CSV possibly several physical lines joined by `\n`; only the first row
    /// is read if the text holds more). `None` when the text is not one of this layout's rows:
    /// a header, a wrong number of values (a W3C line written under a different `#Fields:`
    /// than the head's), an unterminated quote.
    pub fn record(&self, text: &str, tctx: &TimeContext) -> Option<TabRecord> {
        self.record_with_status(text, tctx).map(|(r, _)| r)
    }

    /// [`Self::record`] with the HTTP response status the record states, 100..=599 (W3C
    /// `sc-status`; VPC flow logs and CSV state none).
    pub fn record_with_status(
        &self,
        text: &str,
        tctx: &TimeContext,
    ) -> Option<(TabRecord, Option<u16>)> {
        let text = text.trim_start_matches('\u{feff}');
        if text.trim().is_empty() || self.is_header(text.split('\n').next().unwrap_or("")) {
            return None;
        }
        match &self.kind {
            Kind::W3c {
                local_time,
                default_date,
            } => self.w3c_record(text, *local_time, default_date.as_deref(), tctx),
            Kind::Vpc { .. } => self.vpc_record(text, tctx).map(|r| (r, None)),
            Kind::Csv(k) => self.csv_record(k, text, tctx).map(|r| (r, None)),
        }
    }

    // ---- W3C extended / IIS ----

    fn detect_w3c(head: &str) -> Option<Layout> {
        let mut local_time = false;
        let mut default_date = None;
        for line in lines(head).take(64) {
            if line.trim().is_empty() {
                continue;
            }
            let d = line.strip_prefix('#')?;
            let (key, value) = d.split_once(':').unwrap_or((d, ""));
            let value = value.trim();
            match key.trim().to_ascii_lowercase().as_str() {
                "time format" => local_time = value.eq_ignore_ascii_case("local"),
                "date" => {
                    default_date = value.split_whitespace().next().map(str::to_string);
                }
                "fields" => {
                    let columns: Vec<String> =
                        value.split_whitespace().map(str::to_string).collect();
                    if columns.len() < 2 {
                        return None;
                    }
                    let f = |names: &[&str]| find(&columns, names);
                    let roles = Roles {
                        date: f(&["date"]),
                        time: f(&["time"]),
                        status: f(&["sc-status"]),
                        method: f(&["cs-method"]),
                        uri: f(&["cs-uri-stem"]),
                        service: f(&["s-sitename"]),
                        host: f(&["s-computername"]),
                        action: f(&["action"]),
                        src: f(&["src-ip"]),
                        dst: f(&["dst-ip"]),
                        sport: f(&["src-port"]),
                        dport: f(&["dst-port"]),
                        proto: f(&["protocol"]),
                        ..Roles::default()
                    };
                    return Some(Layout {
                        kind: Kind::W3c {
                            local_time,
                            default_date,
                        },
                        columns,
                        roles,
                    });
                }
                _ => {}
            }
        }
        None
    }

    fn w3c_record(
        &self,
        text: &str,
        local_time: bool,
        default_date: Option<&str>,
        tctx: &TimeContext,
    ) -> Option<(TabRecord, Option<u16>)> {
        let line = text.split('\n').next()?.trim_end_matches('\r');
        let values = w3c_tokens(line);
        if values.len() != self.columns.len() {
            return None;
        }
        let r = &self.roles;
        let get = |i: Option<usize>| i.map(|i| values[i].as_str()).filter(|v| present(v));
        let ts = get(r.time).and_then(|time| {
            let date = get(r.date).or(default_date)?;
            let s = format!("{date} {time}");
            if local_time {
                tctx.parse(&s)
            } else {
                utc(tctx).parse(&s)
            }
        });
        let status = get(r.status);
        let level = Some(match status.and_then(|s| s.parse::<u16>().ok()) {
            Some(500..=599) => Level::Error,
            Some(400..=499) => Level::Warn,
            Some(_) => Level::Info,
            None => action_level(get(r.action)),
        });
        let message = if r.method.is_some() || r.uri.is_some() || r.status.is_some() {
            join([get(r.method), get(r.uri), status])
        } else if get(r.src).is_some() || get(r.dst).is_some() {
            flow_message(
                get(r.action),
                get(r.src),
                get(r.sport),
                get(r.dst),
                get(r.dport),
                get(r.proto),
            )
        } else {
            let skip = [r.date, r.time];
            join(
                (0..values.len())
                    .filter(|i| !skip.contains(&Some(*i)))
                    .map(|i| Some(values[i].as_str()).filter(|v| present(v))),
            )
        };
        let record = TabRecord {
            ts,
            level,
            service: get(r.service).map(str::to_string),
            host: get(r.host).map(str::to_string),
            message,
            fields: self.fields(&values, None),
        };
        Some((record, status.and_then(super::fields::http_status)))
    }

    // ---- AWS VPC flow logs ----

    fn detect_vpc(head: &str) -> Option<Layout> {
        let first = lines(head).find(|l| !l.trim().is_empty())?;
        let toks: Vec<&str> = first.split_whitespace().collect();
        let known = |t: &&str| find(&[t.to_string()], VPC_FIELDS).is_some();
        let (columns, header): (Vec<String>, bool) = if toks.len() >= 4
            && toks.iter().all(known)
            && find(
                &toks.iter().map(|t| t.to_string()).collect::<Vec<_>>(),
                &["srcaddr", "dstaddr", "start", "action", "log-status"],
            )
            .is_some()
        {
            (toks.iter().map(|t| t.to_string()).collect(), true)
        } else if toks.len() == VPC_DEFAULT.len()
            && toks[0] == "2"
            && toks[1].len() == 12
            && toks[1].bytes().all(|b| b.is_ascii_digit())
            && (toks[2].starts_with("eni-") || toks[2] == "-")
        {
            (VPC_DEFAULT.iter().map(|t| t.to_string()).collect(), false)
        } else {
            return None;
        };
        let f = |names: &[&str]| find(&columns, names);
        let roles = Roles {
            time: f(&["start"]),
            host: f(&["instance-id"]),
            host2: f(&["interface-id"]),
            action: f(&["action"]),
            src: f(&["srcaddr"]),
            dst: f(&["dstaddr"]),
            sport: f(&["srcport"]),
            dport: f(&["dstport"]),
            proto: f(&["protocol"]),
            log_status: f(&["log-status"]),
            ..Roles::default()
        };
        Some(Layout {
            kind: Kind::Vpc { header },
            columns,
            roles,
        })
    }

    fn vpc_record(&self, text: &str, tctx: &TimeContext) -> Option<TabRecord> {
        let line = text.split('\n').next()?;
        let values: Vec<String> = line.split_whitespace().map(str::to_string).collect();
        if values.len() != self.columns.len() {
            return None;
        }
        let r = &self.roles;
        let get = |i: Option<usize>| i.map(|i| values[i].as_str()).filter(|v| present(v));
        let ts = get(r.time)
            .and_then(|s| s.parse::<i64>().ok())
            .filter(|s| (1..7_289_654_400).contains(s))
            .map(Timestamp::from_secs)
            // The context's plausible range holds here too, as for every parsed time.
            .filter(|ts| tctx.plausible.is_none_or(|(lo, hi)| lo <= *ts && *ts <= hi));
        let status = get(r.log_status);
        let level = if status.is_some_and(|s| s.eq_ignore_ascii_case("SKIPDATA")) {
            Level::Warn
        } else {
            action_level(get(r.action))
        };
        let message = if get(r.src).is_some() || get(r.dst).is_some() {
            flow_message(
                get(r.action),
                get(r.src),
                get(r.sport),
                get(r.dst),
                get(r.dport),
                get(r.proto),
            )
        } else {
            let m = join([status, get(r.host2)]);
            if m.is_empty() {
                join(
                    values
                        .iter()
                        .map(|v| Some(v.as_str()).filter(|v| present(v))),
                )
            } else {
                m
            }
        };
        Some(TabRecord {
            ts,
            level: Some(level),
            service: None,
            host: get(r.host).or(get(r.host2)).map(str::to_string),
            message,
            fields: self.fields(&values, None),
        })
    }

    // ---- CSV with a header row ----

    fn detect_csv(head: &str) -> Option<Layout> {
        let head = head.trim_start_matches('\u{feff}');
        // Skip `#TYPE ...` and blank lines to the header row.
        let mut at = 0;
        loop {
            let rest = &head[at..];
            let end = rest.find('\n').map_or(rest.len(), |e| e + 1);
            let line = rest[..end].trim();
            if line.is_empty() || line.starts_with("#TYPE") {
                if end == 0 || at + end >= head.len() {
                    return None;
                }
                at += end;
                continue;
            }
            break;
        }
        let body = &head[at..];
        let header_line = body.split('\n').next()?.trim_end_matches('\r');
        // The delimiter that gives a header with a time column and the most columns.
        let (delim, columns, _) = [b',', b';', b'\t']
            .iter()
            .filter_map(|&d| match scan_csv(header_line, d) {
                Scan::Done(cols, _) if cols.len() >= 3 && cols.iter().all(|c| column_name(c)) => {
                    find(&cols, CSV_TIME)?;
                    let n = cols.len();
                    Some((d, cols, n))
                }
                _ => None,
            })
            .max_by_key(|(_, _, n)| *n)?;
        let quoted = header_line.trim_start().starts_with('"')
            && header_line.matches('"').count() >= 2 * columns.len();
        let f = |names: &[&str]| find(&columns, names);
        let windows = f(&["timecreated", "timegenerated", "date and time"]).is_some();
        let roles = Roles {
            time: f(CSV_TIME),
            level_num: f(&["level"]),
            level_text: [
                "leveldisplayname",
                "entrytype",
                "level",
                "severity",
                "loglevel",
            ]
            .iter()
            .filter_map(|n| f(&[n]))
            .collect(),
            service: f(&[
                "providername",
                "source",
                "service",
                "app",
                "application",
                "logger",
            ]),
            host: f(&["machinename", "computer", "hostname", "host"]),
            message: f(&["message", "msg"]),
            event_id: if windows {
                f(&["id", "eventid", "event id"])
            } else {
                None
            },
            keywords: f(&["keywords"]),
            ..Roles::default()
        };
        let mut layout = Layout {
            kind: Kind::Csv(CsvKind {
                delim,
                quoted,
                windows,
                day_first: None,
            }),
            columns,
            roles,
        };
        // The rows in the head: they must read, and their dates say the day/month order.
        let mut rest = &body[header_line.len().min(body.len())..];
        let mut rows = 0;
        let (mut day_first, mut month_first) = (false, false);
        while rows < 200 {
            rest = rest.trim_start_matches(['\r', '\n']);
            if rest.is_empty() {
                break;
            }
            let Scan::Done(values, used) = scan_csv(rest, delim) else {
                break; // cut off by the end of the head
            };
            rest = &rest[used..];
            if values == layout.columns {
                continue;
            }
            if values.len() < layout.columns.len() || values.len() > layout.columns.len() + 1 {
                return None;
            }
            let time = &values[layout.roles.time?];
            if let Some((a, b, _)) = slash_date(time) {
                day_first |= a > 12;
                month_first |= b > 12;
            }
            if rows == 0 && !windows && parse_time(time, None, &TimeContext::default()).is_none() {
                return None;
            }
            rows += 1;
        }
        if rows == 0 && !windows {
            return None;
        }
        if let Kind::Csv(k) = &mut layout.kind {
            k.day_first = match (day_first, month_first) {
                (true, false) => Some(true),
                (false, true) => Some(false),
                _ => None,
            };
        }
        Some(layout)
    }

    fn csv_record(&self, k: &CsvKind, text: &str, tctx: &TimeContext) -> Option<TabRecord> {
        let Scan::Done(mut values, _) = scan_csv(text, k.delim) else {
            return None;
        };
        let n = self.columns.len();
        if values.len() < n || values.len() > n + 1 {
            return None;
        }
        let r = &self.roles;
        // Event Viewer's CSV: the message is a sixth value under no header name.
        let message_at = r.message.or((values.len() == n + 1).then_some(n));
        if values.len() == n + 1 && r.message.is_some() {
            values.pop();
        }
        let get = |i: Option<usize>| i.map(|i| values[i].trim()).filter(|v| present(v));
        let ts = get(r.time).and_then(|t| parse_time(t, k.day_first, tctx));
        let keywords = get(r.keywords).and_then(parse_keywords);
        let level = get(r.level_num)
            .and_then(|v| v.parse::<u32>().ok())
            .map(|n| windows_level(n, keywords))
            .or_else(|| {
                r.level_text
                    .iter()
                    .find_map(|&i| get(Some(i)).and_then(windows_level_name))
            });
        let event_id = get(r.event_id);
        let mut message = message_at
            .map(|i| values[i].replace("\r\n", "\n").trim().to_string())
            .unwrap_or_default();
        if message.is_empty() {
            message = match (event_id, k.windows) {
                (Some(id), true) => format!("event {id}"),
                _ => join(
                    (0..values.len())
                        .filter(|&i| Some(i) != r.time)
                        .map(|i| Some(values[i].trim()).filter(|v| present(v))),
                ),
            };
        }
        Some(TabRecord {
            ts,
            level,
            service: get(r.service).map(str::to_string),
            host: get(r.host).map(str::to_string),
            message,
            fields: self.fields(&values, message_at),
        })
    }

    /// (column name, value) of every present value but `skip`; the event id is `event_id`.
    fn fields(&self, values: &[String], skip: Option<usize>) -> Vec<(String, String)> {
        values
            .iter()
            .enumerate()
            .filter(|(i, v)| Some(*i) != skip && present(v.trim()) && !dotnet_type_name(v))
            .map(|(i, v)| {
                let name = if Some(i) == self.roles.event_id {
                    "event_id".to_string()
                } else {
                    self.columns
                        .get(i)
                        .cloned()
                        .unwrap_or_else(|| format!("column{}", i + 1))
                };
                (name, v.trim().replace("\r\n", "\n"))
            })
            .collect()
    }
}

/// A value that says something: not empty, not W3C/VPC's `-` placeholder.
fn present(v: &str) -> bool {
    !v.is_empty() && v != "-"
}

/// What `Export-Csv` writes for a property it cannot print:
/// `System.Collections.ObjectModel.ReadOnlyCollection``1[System.String]`.
fn dotnet_type_name(v: &str) -> bool {
    v.starts_with("System.") && !v.contains(char::is_whitespace)
}

/// A header name: printable, not too long, not empty.
fn column_name(c: &str) -> bool {
    !c.trim().is_empty() && c.len() <= 64 && !c.chars().any(|ch| ch.is_control() || ch == '{')
}

/// `Some` parts joined by one space.
fn join<'a>(parts: impl IntoIterator<Item = Option<&'a str>>) -> String {
    let mut s = String::new();
    for p in parts.into_iter().flatten() {
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(p);
    }
    s
}

/// Denied traffic is worth a look (a security group or firewall is the usual cause of a
/// failure that never reached the service); everything else is info.
fn action_level(action: Option<&str>) -> Level {
    match action {
        Some(a)
            if ["REJECT", "DROP", "DENY", "BLOCK"]
                .iter()
                .any(|d| a.eq_ignore_ascii_case(d)) =>
        {
            Level::Warn
        }
        _ => Level::Info,
    }
}

/// `ACCEPT 10.0.1.5:49152 -> 10.0.2.7:443 TCP`: IANA protocol numbers 1, 6, 17, 47, 50, 58
/// are named, others stay numbers.
fn flow_message(
    action: Option<&str>,
    src: Option<&str>,
    sport: Option<&str>,
    dst: Option<&str>,
    dport: Option<&str>,
    proto: Option<&str>,
) -> String {
    let end = |addr: Option<&str>, port: Option<&str>| match (addr, port) {
        (Some(a), Some(p)) => format!("{a}:{p}"),
        (Some(a), None) => a.to_string(),
        (None, _) => "?".to_string(),
    };
    let proto = proto.map(|p| match p {
        "1" => "ICMP",
        "6" => "TCP",
        "17" => "UDP",
        "47" => "GRE",
        "50" => "ESP",
        "58" => "ICMPv6",
        other => other,
    });
    let flow = format!("{} -> {}", end(src, sport), end(dst, dport));
    join([action, Some(flow.as_str()), proto])
}

/// The same context with naive times read as UTC.
fn utc(tctx: &TimeContext) -> TimeContext {
    TimeContext {
        tz: None,
        ..tctx.clone()
    }
}

/// W3C values: space-separated (IIS writes `+` for a space inside a value), tab-separated
/// when the line has tabs (CloudFront); a value in double quotes may hold spaces (`""` is a
/// quote).
fn w3c_tokens(line: &str) -> Vec<String> {
    if line.contains('\t') {
        return line.split('\t').map(|v| v.trim().to_string()).collect();
    }
    let mut out = Vec::new();
    let mut rest = line.trim();
    while !rest.is_empty() {
        if let Some(q) = rest.strip_prefix('"') {
            let mut v = String::new();
            let mut chars = q.char_indices().peekable();
            let mut end = q.len();
            while let Some((i, c)) = chars.next() {
                if c == '"' {
                    if matches!(chars.peek(), Some((_, '"'))) {
                        chars.next();
                        v.push('"');
                        continue;
                    }
                    end = i + 1;
                    break;
                }
                v.push(c);
            }
            out.push(v);
            rest = q[end..].trim_start();
        } else {
            let end = rest.find([' ', '\t']).unwrap_or(rest.len());
            out.push(rest[..end].to_string());
            rest = rest[end..].trim_start();
        }
    }
    out
}

/// One CSV row read from the start of a text.
#[derive(Debug, PartialEq)]
enum Scan {
    /// The values and the bytes used, through the row's line break.
    Done(Vec<String>, usize),
    /// The text ends inside a quoted value (the values so far, the open one last).
    Open(Vec<String>),
    /// A closing quote followed by something other than the delimiter or a line break.
    Bad,
}

/// RFC 4180 with `""` for a quote inside a quoted value; a quote inside an unquoted value is
/// kept as text.
fn scan_csv(s: &str, delim: u8) -> Scan {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        if b.get(i) == Some(&b'"') {
            let mut v = String::new();
            i += 1;
            loop {
                let Some(q) = memchr::memchr(b'"', &b[i..]) else {
                    v.push_str(&s[i..]);
                    out.push(v);
                    return Scan::Open(out);
                };
                v.push_str(&s[i..i + q]);
                i += q + 1;
                if b.get(i) == Some(&b'"') {
                    v.push('"');
                    i += 1;
                } else {
                    break;
                }
            }
            out.push(v);
            if b.get(i) == Some(&b'\r') {
                i += 1;
            }
            match b.get(i) {
                None => return Scan::Done(out, i),
                Some(b'\n') => return Scan::Done(out, i + 1),
                Some(&c) if c == delim => i += 1,
                _ => return Scan::Bad,
            }
        } else {
            let end = b[i..]
                .iter()
                .position(|&c| c == delim || c == b'\n')
                .map_or(b.len(), |p| i + p);
            out.push(s[i..end].trim_end_matches('\r').to_string());
            match b.get(end) {
                None => return Scan::Done(out, end),
                Some(b'\n') => return Scan::Done(out, end + 1),
                _ => i = end + 1,
            }
        }
    }
}

/// `a/b/yyyy` at the start of a time value: the two leading numbers and the year.
fn slash_date(s: &str) -> Option<(u32, u32, u32)> {
    let mut it = s.trim().split([' ', 'T']).next()?.split('/');
    let a = it.next()?.parse().ok()?;
    let b = it.next()?.parse().ok()?;
    let y: u32 = it.next()?.parse().ok()?;
    (y >= 1000 && it.next().is_none()).then_some((a, b, y))
}

/// A Windows export's local time in the exporting machine's culture, read in `--tz` (UTC
/// without it): ISO-like `2023-08-29 13:47:38` and `2023/08/29 13:47:38` (ja-JP), en-US
/// `8/29/2023 1:47:38 PM`, en-GB/fr-FR `29/08/2023 13:47:38`, de-DE `29.08.2023 13:47:38`.
/// Dotted and dashed dates are day first. A slashed date is day first when its first number
/// is over 12, month first when its second is; otherwise the file's order decides
/// (`day_first`, seen in the head's rows), else month first with AM/PM (en-US) and day first
/// with a 24-hour clock (en-GB, fr-FR).
fn parse_time(s: &str, day_first: Option<bool>, tctx: &TimeContext) -> Option<Timestamp> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() > 4 && b[..4].iter().all(u8::is_ascii_digit) {
        return tctx.parse(s);
    }
    let (date, rest) = s.split_once(' ')?;
    let sep = date.bytes().find(|c| matches!(c, b'/' | b'.' | b'-'))?;
    let mut parts = date.trim_end_matches('.').split(sep as char);
    let a: u32 = parts.next()?.parse().ok()?;
    let b: u32 = parts.next()?.parse().ok()?;
    let y: u32 = parts.next()?.parse().ok()?;
    if parts.next().is_some() || !(1000..=9999).contains(&y) {
        return None;
    }
    let rest = rest.trim();
    let upper = rest.to_ascii_uppercase();
    let (clock, pm) = if let Some(c) = upper.strip_suffix("PM") {
        (c.trim_end(), Some(true))
    } else if let Some(c) = upper.strip_suffix("AM") {
        (c.trim_end(), Some(false))
    } else {
        (upper.as_str(), None)
    };
    let mut hms = clock.split(':');
    let mut h: u32 = hms.next()?.parse().ok()?;
    let mi: u32 = hms.next()?.parse().ok()?;
    let sec: u32 = hms.next().map_or(Some(0), |v| v.parse().ok())?;
    if hms.next().is_some() {
        return None;
    }
    if let Some(pm) = pm {
        if !(1..=12).contains(&h) {
            return None;
        }
        h = match (h, pm) {
            (12, false) => 0,
            (12, true) => 12,
            (h, true) => h + 12,
            (h, false) => h,
        };
    }
    let dmy = if sep != b'/' || a > 12 {
        true
    } else if b > 12 {
        false
    } else {
        day_first.unwrap_or(pm.is_none())
    };
    let (d, mo) = if dmy { (a, b) } else { (b, a) };
    tctx.parse(&format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{sec:02}"))
}

/// Windows event keyword bits: `0x8010000000000000` (XML) or `-9218868437227405312` (CSV).
pub(crate) fn parse_keywords(s: &str) -> Option<u64> {
    let s = s.trim();
    match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => s
            .parse::<i64>()
            .map(|v| v as u64)
            .or_else(|_| s.parse::<u64>())
            .ok(),
    }
}

/// The "Audit Failure" keyword of the Security log.
const AUDIT_FAILURE: u64 = 0x0010_0000_0000_0000;

/// A Windows event level number: 1 critical -> fatal, 2 error, 3 warning, 4 information,
/// 5 verbose -> debug, 0 (LogAlways, the Security log's audits) info; an information-level
/// event carrying the Audit Failure keyword (a failed logon) is warn.
pub(crate) fn windows_level(n: u32, keywords: Option<u64>) -> Level {
    match n {
        1 => Level::Fatal,
        2 => Level::Error,
        3 => Level::Warn,
        5 => Level::Debug,
        _ if keywords.is_some_and(|k| k & AUDIT_FAILURE != 0) => Level::Warn,
        _ => Level::Info,
    }
}

/// A level by name: `Critical`, `Error`, `Warning`, `Information`, `Verbose`, `Audit
/// Success` / `SuccessAudit` (info), `Audit Failure` / `FailureAudit` (warn), or any spelling
/// [`Level::parse`] knows.
pub(crate) fn windows_level_name(s: &str) -> Option<Level> {
    let l = s.trim().to_ascii_lowercase();
    match l.as_str() {
        "critical" => Some(Level::Fatal),
        "verbose" => Some(Level::Debug),
        "audit success" | "successaudit" => Some(Level::Info),
        "audit failure" | "failureaudit" => Some(Level::Warn),
        _ => Level::parse(&l),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cut `text` into records the way the reader does (a line that starts a record ends the
    /// one before), drop headers, parse each: (1-based start line, record).
    pub(crate) fn read_all(
        text: &str,
        is_start: impl Fn(&str) -> bool,
        is_header: impl Fn(&str) -> bool,
        parse: impl Fn(&str) -> Option<TabRecord>,
    ) -> Vec<(usize, TabRecord)> {
        let mut out = Vec::new();
        let mut cur: Option<(usize, String)> = None;
        let mut flush = |cur: &mut Option<(usize, String)>| {
            if let Some((line, rec)) = cur.take() {
                if !is_header(rec.split('\n').next().unwrap_or("")) {
                    let r = parse(&rec).unwrap_or_else(|| panic!("line {line}: {rec:?}"));
                    out.push((line, r));
                }
            }
        };
        for (i, l) in text.lines().enumerate() {
            if is_start(l) || cur.is_none() {
                flush(&mut cur);
                if !l.trim().is_empty() {
                    cur = Some((i + 1, l.to_string()));
                }
            } else if let Some((_, r)) = &mut cur {
                r.push('\n');
                r.push_str(l);
            }
        }
        flush(&mut cur);
        out
    }

    fn read(text: &str, tctx: &TimeContext) -> (Layout, Vec<(usize, TabRecord)>) {
        let l = Layout::detect(text).expect("layout detected");
        let recs = read_all(
            text,
            |s| l.is_record_start(s),
            |s| l.is_header(s),
            |r| l.record(r, tctx),
        );
        (l, recs)
    }

    /// (start line, ts, level, service, host, message) of every record.
    type Row<'a> = (
        usize,
        Option<&'a str>,
        Option<&'a str>,
        Option<&'a str>,
        Option<&'a str>,
        &'a str,
    );

    fn check(recs: &[(usize, TabRecord)], want: &[Row]) {
        let got: Vec<_> = recs
            .iter()
            .map(|(line, r)| {
                (
                    *line,
                    r.ts.map(|t| t.to_rfc3339()),
                    r.level.map(|l| l.as_str()),
                    r.service.clone(),
                    r.host.clone(),
                    r.message.clone(),
                )
            })
            .collect();
        let want: Vec<_> = want
            .iter()
            .map(|(line, ts, l, s, h, m)| {
                (
                    *line,
                    ts.map(str::to_string),
                    *l,
                    s.map(str::to_string),
                    h.map(str::to_string),
                    m.to_string(),
                )
            })
            .collect();
        assert_eq!(got, want);
    }

    fn field<'a>(r: &'a TabRecord, name: &str) -> Option<&'a str> {
        r.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn tz(name: &str) -> TimeContext {
        TimeContext {
            tz: Some(jiff::tz::TimeZone::get(name).unwrap()),
            ..Default::default()
        }
    }

    const IIS: &str = include_str!("../../fixtures/formats/w3c-iis/u_ex230829.log");
    const FIREWALL: &str = include_str!("../../fixtures/formats/w3c-iis/pfirewall.log");
    const VPC: &str = include_str!("../../fixtures/formats/vpc-flow/default.log");
    const VPC_CUSTOM: &str = include_str!("../../fixtures/formats/vpc-flow/custom-v5.log");
    const VPC_BARE: &str = include_str!("../../fixtures/formats/vpc-flow/headerless.log");
    const WINEVENT: &str = include_str!("../../fixtures/formats/win-csv/get-winevent.csv");
    const EN_GB: &str = include_str!("../../fixtures/formats/win-csv/pwsh7-en-gb.csv");
    const VIEWER: &str = include_str!("../../fixtures/formats/win-csv/eventviewer.csv");

    #[test]
    fn iis_w3c_is_utc_status_gives_level_and_restart_headers_are_skipped() {
        // IIS logs UTC whatever the machine's zone: --tz must not move it.
        let (l, recs) = read(IIS, &tz("America/New_York"));
        assert_eq!(l.name(), "w3c");
        let (svc, web) = (Some("W3SVC1"), Some("WEB01"));
        #[rustfmt::skip]
        check(&recs, &[
            (5, Some("2023-08-29T13:47:38.000Z"), Some("info"), svc, web, "GET /checkout/cart 200"),
            (6, Some("2023-08-29T13:47:39.000Z"), Some("error"), svc, web, "POST /checkout/pay 500"),
            (7, Some("2023-08-29T13:47:41.000Z"), Some("warn"), svc, web, "GET /favicon.ico 404"),
            (8, Some("2023-08-29T13:48:02.000Z"), Some("info"), svc, web, "GET /api/health 200"),
            (9, Some("2023-08-29T13:48:15.000Z"), Some("warn"), svc, web, "POST /api/orders 401"),
            (14, Some("2023-08-29T14:02:10.000Z"), Some("error"), svc, web, "GET /checkout/cart 503"),
            (15, Some("2023-08-29T14:02:11.000Z"), Some("info"), Some("W3SVC2"), web, "GET /admin/login.aspx 302"),
        ]);
        let pay = &recs[1].1;
        assert_eq!(field(pay, "c-ip"), Some("203.0.113.17"));
        assert_eq!(
            field(pay, "cs(User-Agent)"),
            Some("Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64)")
        );
        assert_eq!(field(pay, "time-taken"), Some("3012"));
        assert_eq!(field(pay, "cs-uri-query"), Some("orderId=88412"));
        assert_eq!(field(pay, "cs-username"), Some("alice"));
        // `-` values are left out.
        assert_eq!(field(&recs[0].1, "cs-uri-query"), None);
        assert_eq!(pay.fields.len(), 17);
        assert!(l.is_header("#Date: 2023-08-29 14:02:10"));
        assert!(!l.is_header("2023-08-29 14:02:10 W3SVC1"));
    }

    #[test]
    fn w3c_without_a_date_column_takes_the_date_directive() {
        let text = "#Version: 1.0\n#Date: 2023-08-29 00:00:00\n#Fields: time c-ip cs-method cs-uri-stem sc-status\n13:47:38 192.0.2.1 GET /a 200\n";
        let (_, recs) = read(text, &TimeContext::default());
        assert_eq!(recs.len(), 1);
        assert_eq!(
            recs[0].1.ts.map(|t| t.to_rfc3339()).as_deref(),
            Some("2023-08-29T13:47:38.000Z")
        );
        assert_eq!(recs[0].1.message, "GET /a 200");
    }

    #[test]
    fn windows_firewall_w3c_is_local_time_and_drop_is_warn() {
        let (l, recs) = read(FIREWALL, &tz("Europe/Paris"));
        assert_eq!(l.name(), "w3c");
        #[rustfmt::skip]
        check(&recs, &[
            (6, Some("2023-08-29T13:47:38.000Z"), Some("info"), None, None, "ALLOW 10.0.0.4:50432 -> 10.0.0.20:1433 TCP"),
            (7, Some("2023-08-29T13:47:39.000Z"), Some("warn"), None, None, "DROP 198.51.100.23:51515 -> 10.0.0.4:3389 TCP"),
            (8, Some("2023-08-29T13:47:40.000Z"), Some("info"), None, None, "ALLOW 10.0.0.4:60123 -> 10.0.0.2:53 UDP"),
            (9, Some("2023-08-29T13:47:41.000Z"), Some("warn"), None, None, "DROP 203.0.113.9 -> 10.0.0.4 ICMP"),
            (10, Some("2023-08-29T13:47:45.000Z"), Some("info"), None, None, "ALLOW 10.0.0.4:50433 -> 10.0.0.20:1433 TCP"),
            (11, Some("2023-08-29T13:47:52.000Z"), Some("info"), None, None, "INFO-EVENTS-LOST 12"),
        ]);
        assert_eq!(field(&recs[1].1, "pid"), Some("0"));
        assert_eq!(field(&recs[1].1, "tcpflags"), Some("S"));
        // Without --tz a local time is read as UTC.
        let (_, utc) = read(FIREWALL, &TimeContext::default());
        assert_eq!(
            utc[0].1.ts.map(|t| t.to_rfc3339()).as_deref(),
            Some("2023-08-29T15:47:38.000Z")
        );
    }

    #[test]
    fn vpc_flow_default_format_start_is_epoch_seconds_reject_and_skipdata_warn() {
        let (l, recs) = read(VPC, &TimeContext::default());
        assert_eq!(l.name(), "vpc-flow");
        let eni = Some("eni-0a1b2c3d4e5f60718");
        let idle = Some("eni-0f9e8d7c6b5a40312");
        #[rustfmt::skip]
        check(&recs, &[
            (2, Some("2023-08-29T13:47:38.000Z"), Some("info"), None, eni, "ACCEPT 10.0.1.15:49152 -> 10.0.2.27:443 TCP"),
            (3, Some("2023-08-29T13:47:38.000Z"), Some("info"), None, eni, "ACCEPT 10.0.2.27:443 -> 10.0.1.15:49152 TCP"),
            (4, Some("2023-08-29T13:47:40.000Z"), Some("warn"), None, eni, "REJECT 198.51.100.23:51515 -> 10.0.1.15:22 TCP"),
            (5, Some("2023-08-29T13:47:50.000Z"), Some("info"), None, eni, "ACCEPT 10.0.1.15:53211 -> 10.0.0.2:53 UDP"),
            (6, Some("2023-08-29T13:47:55.000Z"), Some("info"), None, eni, "ACCEPT 10.0.1.15:0 -> 10.0.3.9:0 ICMP"),
            (7, Some("2023-08-29T13:47:38.000Z"), Some("info"), None, idle, "NODATA eni-0f9e8d7c6b5a40312"),
            (8, Some("2023-08-29T13:48:38.000Z"), Some("warn"), None, idle, "SKIPDATA eni-0f9e8d7c6b5a40312"),
        ]);
        let r = &recs[2].1;
        assert_eq!(field(r, "account-id"), Some("123456789012"));
        assert_eq!(field(r, "end"), Some("1693316918"));
        assert_eq!(field(r, "bytes"), Some("40"));
        assert_eq!(field(r, "protocol"), Some("6"));
        // A NODATA row has no addresses.
        let nodata = &recs[5].1;
        assert_eq!(field(nodata, "srcaddr"), None);
        assert_eq!(nodata.fields.len(), 6);
        assert!(l.is_header(VPC.lines().next().unwrap()));
        assert!(!l.is_header(VPC.lines().nth(1).unwrap()));
    }

    #[test]
    fn vpc_flow_custom_field_list_maps_by_name_and_instance_is_the_host() {
        let (l, recs) = read(VPC_CUSTOM, &TimeContext::default());
        assert_eq!(l.name(), "vpc-flow");
        assert_eq!(l.columns().len(), 23);
        let i = Some("i-0123456789abcdef0");
        #[rustfmt::skip]
        check(&recs, &[
            (2, Some("2023-08-29T13:47:38.000Z"), Some("info"), None, i, "ACCEPT 10.0.1.15:49153 -> 10.0.2.27:5432 TCP"),
            (3, Some("2023-08-29T13:47:38.000Z"), Some("info"), None, i, "ACCEPT 10.0.2.27:5432 -> 10.0.1.15:49153 TCP"),
            (4, Some("2023-08-29T13:47:41.000Z"), Some("warn"), None, Some("eni-0c0ffee0c0ffee001"), "REJECT 10.0.1.200:40000 -> 10.0.2.27:5432 TCP"),
            (5, Some("2023-08-29T13:47:50.000Z"), Some("info"), None, i, "ACCEPT 2001:db8::15:33000 -> 2001:db8::1:443 TCP"),
            (6, Some("2023-08-29T13:47:52.000Z"), Some("info"), None, i, "ACCEPT 10.0.1.15:53500 -> 10.0.0.2:53 UDP"),
            (7, Some("2023-08-29T13:47:38.000Z"), Some("info"), None, Some("i-0fedcba9876543210"), "NODATA eni-0f9e8d7c6b5a40312"),
        ]);
        let r = &recs[2].1;
        assert_eq!(field(r, "pkt-srcaddr"), Some("10.0.9.9"));
        assert_eq!(field(r, "flow-direction"), Some("ingress"));
        assert_eq!(field(r, "vpc-id"), Some("vpc-0123456789abcdef0"));
        assert_eq!(field(r, "instance-id"), None);
    }

    #[test]
    fn vpc_flow_rows_without_a_header_read_as_the_default_format() {
        let (l, recs) = read(VPC_BARE, &TimeContext::default());
        assert_eq!(l.name(), "vpc-flow");
        assert!(!l.is_header(VPC_BARE.lines().next().unwrap()));
        let eni = Some("eni-0a1b2c3d4e5f60718");
        #[rustfmt::skip]
        check(&recs, &[
            (1, Some("2023-08-29T13:47:38.000Z"), Some("info"), None, eni, "ACCEPT 10.0.1.15:49152 -> 10.0.2.27:443 TCP"),
            (2, Some("2023-08-29T13:47:40.000Z"), Some("warn"), None, eni, "REJECT 198.51.100.23:51515 -> 10.0.1.15:22 TCP"),
            (3, Some("2023-08-29T13:47:50.000Z"), Some("info"), None, eni, "ACCEPT 10.0.1.15:53211 -> 10.0.0.2:53 UDP"),
            (4, Some("2023-08-29T13:48:00.000Z"), Some("info"), None, eni, "ACCEPT 10.0.1.15:49160 -> 192.0.2.80:80 TCP"),
            (5, Some("2023-08-29T13:47:38.000Z"), Some("info"), None, Some("eni-0f9e8d7c6b5a40312"), "NODATA eni-0f9e8d7c6b5a40312"),
            (6, Some("2023-08-29T13:48:10.000Z"), Some("warn"), None, eni, "REJECT 203.0.113.5:123 -> 10.0.1.15:123 UDP"),
        ]);
        // The account id (12 digits) is never the time.
        assert_eq!(field(&recs[0].1, "account-id"), Some("123456789012"));
    }

    /// Found by the `tabular` fuzz target: a VPC row's `start` was taken whatever the context's
    /// plausible range, where every other time a layout reads honours it.
    #[test]
    fn fuzz_vpc_start_outside_the_plausible_range_is_no_time() {
        let l = Layout::detect(VPC_BARE).unwrap();
        let at = |s: &str| TimeContext::default().parse(s).unwrap();
        let tctx = TimeContext {
            plausible: Some((at("2023-01-01T00:00:00Z"), at("2023-12-31T00:00:00Z"))),
            ..TimeContext::default()
        };
        let row = "2 123456789012 eni-0a1b2c3d4e5f60718 10.0.1.15 10.0.2.27 49152 443 6 12 5120";
        let ok = l.record(&format!("{row} 1693316858 1693316918 ACCEPT OK"), &tctx);
        let ts = ok.unwrap().ts.map(Timestamp::to_rfc3339);
        assert_eq!(ts.as_deref(), Some("2023-08-29T13:47:38.000Z"));
        let far = l
            .record(&format!("{row} 3 1693316918 ACCEPT OK"), &tctx)
            .unwrap();
        assert_eq!((far.ts, far.level), (None, Some(Level::Info)));
        assert_eq!(far.message, "ACCEPT 10.0.1.15:49152 -> 10.0.2.27:443 TCP");
    }

    fn winevent_rows<'a>() -> Vec<Row<'a>> {
        let h = Some("WEB01.corp.example.com");
        #[rustfmt::skip]
        let rows = vec![
            (3, Some("2023-08-29T13:47:38.000Z"), Some("info"), Some("Service Control Manager"), h,
             "The Windows Update service entered the running state."),
            (4, Some("2023-08-29T13:48:02.000Z"), Some("error"), Some("Application Error"), h,
             "Faulting application name: w3wp.exe, version: 10.0.20348.1, time stamp: 0x5a8e4b21\nFaulting module name: clr.dll, version: 4.8.9139.0, time stamp: 0x63d1e4b7\nException code: 0xc0000005\nFaulting process id: 0x1f3c"),
            // Level 0 with the Audit Failure keyword: a failed logon is worth a look.
            (8, Some("2023-08-29T13:48:05.000Z"), Some("warn"), Some("Microsoft-Windows-Security-Auditing"), h,
             "An account failed to log on.\n\nSubject:\n\tSecurity ID:\t\tS-1-5-18\n\tAccount Name:\t\tWEB01$\n\nFailure Information:\n\tFailure Reason:\t\tUnknown user name or bad password.\n\tStatus:\t\t\t0xC000006D"),
            (17, Some("2023-08-29T14:02:10.000Z"), Some("fatal"), Some("Microsoft-Windows-Kernel-Power"), h,
             "The system has rebooted without cleanly shutting down first. This error could be caused if the system stopped responding, crashed, or lost power unexpectedly."),
            (19, Some("2023-08-29T14:02:11.000Z"), Some("warn"), Some("ASP.NET 4.0.30319.0"), h,
             "Event code: 3001\n\"Request timed out.\" was thrown by the checkout page.\nRequest path: /checkout/pay"),
            (22, Some("2023-08-30T00:05:01.000Z"), Some("debug"), Some("Microsoft-Windows-Kernel-PnP"), h,
             "Loaded driver \\Driver\\WudfRd"),
            (23, Some("2023-08-30T12:30:00.000Z"), Some("info"), Some("Microsoft-Windows-Kernel-General"), h,
             "event 16"),
        ];
        rows
    }

    #[test]
    fn get_winevent_export_csv_multiline_messages_levels_and_fields() {
        let (l, recs) = read(WINEVENT, &TimeContext::default());
        assert_eq!(l.name(), "csv");
        check(&recs, &winevent_rows());
        let r = &recs[4].1;
        assert_eq!(field(r, "event_id"), Some("1309"));
        assert_eq!(field(r, "RecordId"), Some("48216"));
        assert_eq!(
            field(r, "ActivityId"),
            Some("e1a4c2b3-5d6f-4a7b-8c9d-0e1f2a3b4c5d")
        );
        assert_eq!(field(r, "LogName"), Some("Application"));
        // The message is not repeated as a field; type names and empty values are left out.
        assert_eq!(field(r, "Message"), None);
        assert_eq!(field(r, "Bookmark"), None);
        assert_eq!(field(r, "Properties"), None);
        assert_eq!(field(r, "RelatedActivityId"), None);
        assert_eq!(field(&recs[0].1, "ActivityId"), None);
        assert!(l.is_header("#TYPE System.Diagnostics.Eventing.Reader.EventLogRecord"));
        assert!(l.is_header(WINEVENT.lines().nth(1).unwrap()));
    }

    #[test]
    fn get_winevent_csv_with_crlf_line_ends_reads_the_same() {
        let crlf = WINEVENT.replace('\n', "\r\n");
        let (_, recs) = read(&crlf, &TimeContext::default());
        check(&recs, &winevent_rows());
    }

    #[test]
    fn windows_csv_local_time_is_read_in_tz() {
        let (_, recs) = read(WINEVENT, &tz("America/New_York"));
        assert_eq!(
            recs[0].1.ts.map(|t| t.to_rfc3339()).as_deref(),
            Some("2023-08-29T17:47:38.000Z")
        );
    }

    #[test]
    fn csv_continuation_lines_never_start_a_record() {
        let l = Layout::detect(WINEVENT).unwrap();
        for line in [
            "\"\"Request timed out.\"\" was thrown by the checkout page.",
            "\",\"41\",\"0\",\"\",\"1\",\"63\"",
            "\"",
            "Faulting module name: clr.dll, version: 4.8.9139.0",
            "\tStatus:\t\t\t0xC000006D\",\"4625\",\"0\"",
            "",
        ] {
            assert!(!l.is_record_start(line), "{line:?}");
        }
        assert!(l.is_record_start("\"An account failed to log on."));
        // The empty message of the last row.
        assert!(l.is_record_start(WINEVENT.lines().last().unwrap()));
        let viewer = Layout::detect(VIEWER).unwrap();
        for line in [
            "Faulting module name: clr.dll, version: 4.8.9139.0",
            "Exception code: 0xc0000005\"",
            "\"",
            "a,b,c,d,e,f",
        ] {
            assert!(!viewer.is_record_start(line), "{line:?}");
        }
        assert!(viewer.is_record_start(
            "Error,8/29/2023 1:48:02 PM,Application Error,1000,(100),\"Faulting application"
        ));
    }

    #[test]
    fn pwsh7_en_gb_csv_dates_are_day_first() {
        let (l, recs) = read(EN_GB, &TimeContext::default());
        assert_eq!(l.name(), "csv");
        let (scm, h) = (Some("Service Control Manager"), Some("APP02"));
        #[rustfmt::skip]
        check(&recs, &[
            (2, Some("2023-09-03T08:15:00.000Z"), Some("info"), scm, h, "The Print Spooler service entered the stopped state."),
            (3, Some("2023-09-03T08:15:02.000Z"), Some("error"), scm, h, "The Print Spooler service terminated unexpectedly.  It has done this 1 time(s).  The following corrective action will be taken in 60000 milliseconds: Restart the service."),
            (4, Some("2023-09-03T08:16:02.000Z"), Some("info"), scm, h, "The Print Spooler service entered the running state."),
            (5, Some("2023-09-13T17:40:45.000Z"), Some("warn"), Some("Microsoft-Windows-DNS-Client"), h, "Name resolution for the name db.corp.example.com timed out after none of the configured DNS servers responded.\nClient PID 2204."),
            (7, Some("2023-09-13T17:40:46.000Z"), Some("error"), Some("Application Error"), h, "Fault bucket , type 0\nEvent Name: APPCRASH\nP1: \"checkout.exe\""),
            (10, Some("2023-09-14T00:00:01.000Z"), Some("info"), Some("EventLog"), h, "The system uptime is 950400 seconds."),
        ]);
        assert_eq!(field(&recs[1].1, "event_id"), Some("7031"));
        // The head settles the order: without the 13/09 rows, 03/09 with a 24-hour clock is
        // still day first (en-GB, fr-FR); with AM/PM it is month first (en-US).
        let ctx = TimeContext::default();
        let t = |s, d| parse_time(s, d, &ctx).map(|t| t.to_rfc3339());
        assert_eq!(
            t("03/09/2023 08:15:00", None).unwrap(),
            "2023-09-03T08:15:00.000Z"
        );
        assert_eq!(
            t("03/09/2023 8:15:00 AM", None).unwrap(),
            "2023-03-09T08:15:00.000Z"
        );
        assert_eq!(
            t("03/09/2023 08:15:00", Some(false)).unwrap(),
            "2023-03-09T08:15:00.000Z"
        );
        assert_eq!(
            t("29.08.2023 13:47:38", None).unwrap(),
            "2023-08-29T13:47:38.000Z"
        );
        assert_eq!(
            t("2023-08-29 13:47:38", None).unwrap(),
            "2023-08-29T13:47:38.000Z"
        );
        assert_eq!(
            t("2023/08/29 13:47:38", None).unwrap(),
            "2023-08-29T13:47:38.000Z"
        );
        assert_eq!(
            t("8/29/2023 12:00:00 PM", None).unwrap(),
            "2023-08-29T12:00:00.000Z"
        );
        assert_eq!(t("8/29/2023 13:00:00 PM", None), None);
        assert_eq!(t("8/29/23 1:00:00 PM", None), None);
    }

    #[test]
    fn event_viewer_csv_unnamed_sixth_value_is_the_message() {
        let (l, recs) = read(VIEWER, &TimeContext::default());
        assert_eq!(l.name(), "csv");
        #[rustfmt::skip]
        check(&recs, &[
            (2, Some("2023-08-29T13:47:38.000Z"), Some("info"), Some("Service Control Manager"), None, "The Windows Update service entered the running state."),
            (3, Some("2023-08-29T13:48:02.000Z"), Some("error"), Some("Application Error"), None, "Faulting application name: w3wp.exe, version: 10.0.20348.1\nFaulting module name: clr.dll, version: 4.8.9139.0\nException code: 0xc0000005"),
            (6, Some("2023-08-29T13:50:12.000Z"), Some("warn"), Some("Microsoft-Windows-Time-Service"), None, "NtpClient was unable to set a domain peer to use as a time source because of discovery error. NtpClient will try again in 15 minutes and double the reattempt interval thereafter. The error was: The entry is not found. (0x800706E1)"),
            (7, Some("2023-08-29T14:02:10.000Z"), Some("fatal"), Some("Microsoft-Windows-Kernel-Power"), None, "The system has rebooted without cleanly shutting down first."),
            (8, Some("2023-08-29T23:59:59.000Z"), Some("info"), Some("ESENT"), None, "svchost (3120,D,50) SRUJet: The database engine attached a database (1, C:\\Windows\\system32\\SRU\\SRUDB.dat). (Time=0 seconds)"),
            (9, Some("2023-08-30T00:00:00.000Z"), Some("debug"), Some("Microsoft-Windows-Kernel-PnP"), None, "Loaded driver \\Driver\\WudfRd"),
        ]);
        assert_eq!(field(&recs[1].1, "event_id"), Some("1000"));
        assert_eq!(field(&recs[1].1, "Task Category"), Some("(100)"));
    }

    #[test]
    fn each_fixture_detects_as_its_own_layout_only() {
        for (text, name) in [
            (IIS, Some("w3c")),
            (FIREWALL, Some("w3c")),
            (VPC, Some("vpc-flow")),
            (VPC_CUSTOM, Some("vpc-flow")),
            (VPC_BARE, Some("vpc-flow")),
            (WINEVENT, Some("csv")),
            (EN_GB, Some("csv")),
            (VIEWER, Some("csv")),
            (
                include_str!("../../fixtures/formats/win-xml/wevtutil-rendered.xml"),
                None,
            ),
            (
                include_str!("../../fixtures/formats/win-xml/eventviewer-pretty.xml"),
                None,
            ),
        ] {
            assert_eq!(Layout::detect(text).map(|l| l.name()), name);
        }
    }

    /// Other logs (the checkout and held-out scenarios: nginx, JSON Lines, logfmt, postgres,
    /// syslog, klog, envoy ...) are none of these layouts.
    #[test]
    fn other_logs_are_not_detected() {
        let mut seen = 0;
        for dir in ["fixtures/checkout/logs", "fixtures/heldout/logs"] {
            let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
            for e in walkdir::WalkDir::new(root).into_iter().flatten() {
                let p = e.path();
                if !e.file_type().is_file() || p.extension().is_some_and(|x| x == "gz") {
                    continue;
                }
                let Ok(text) = std::fs::read_to_string(p) else {
                    continue;
                };
                let mut cut = text.len().min(65_536);
                while !text.is_char_boundary(cut) {
                    cut -= 1;
                }
                let head = &text[..cut];
                assert!(Layout::detect(head).is_none(), "{}", p.display());
                seen += 1;
            }
        }
        assert!(seen >= 8, "{seen} files");
        for head in [
            "",
            "\n\n",
            "a,b,c\n1,2,3\n",
            "time,level,msg\nnot a time,info,hi\n",
            "2 123456789012 eni-1 10.0.0.1\n",
            "version srcaddr\n",
            "{\"time\":\"2023-08-29T13:47:38Z\",\"level\":\"info\"}\n",
        ] {
            assert!(Layout::detect(head).is_none(), "{head:?}");
        }
        // A generic CSV with a time column reads.
        let l = Layout::detect("time,level,msg\n2023-08-29T13:47:38Z,error,boom\n").unwrap();
        let r = l
            .record("2023-08-29T13:47:38Z,error,boom", &TimeContext::default())
            .unwrap();
        assert_eq!(r.level, Some(Level::Error));
        assert_eq!(r.message, "boom");
    }

    #[test]
    fn truncated_or_garbled_records_are_none_and_never_panic() {
        let ctx = TimeContext::default();
        let iis = Layout::detect(IIS).unwrap();
        let vpc = Layout::detect(VPC).unwrap();
        let csv = Layout::detect(WINEVENT).unwrap();
        let viewer = Layout::detect(VIEWER).unwrap();
        assert_eq!(iis.record("2023-08-29 13:47:38 W3SVC1 WEB01", &ctx), None);
        assert_eq!(iis.record("#Fields: date time", &ctx), None);
        assert_eq!(
            vpc.record("2 123456789012 eni-0a1b2c3d4e5f60718", &ctx),
            None
        );
        assert_eq!(
            csv.record("\"An account failed to log on.\n\nSubject:", &ctx),
            None
        );
        assert_eq!(csv.record("\"msg\"x,\"1\"", &ctx), None);
        assert_eq!(viewer.record("Error,8/29/2023", &ctx), None);
        // Every prefix of every fixture, cut at any character: no panic.
        for (l, text) in [
            (&iis, IIS),
            (&Layout::detect(FIREWALL).unwrap(), FIREWALL),
            (&vpc, VPC),
            (&csv, WINEVENT),
            (&viewer, VIEWER),
            (&Layout::detect(EN_GB).unwrap(), EN_GB),
        ] {
            for (i, _) in text.char_indices() {
                let cut = &text[..i];
                let tail = &text[i..];
                for s in [cut, tail] {
                    let _ = l.record(s, &ctx);
                    let _ = l.is_record_start(s);
                    let _ = l.is_header(s);
                    let _ = Layout::detect(s);
                }
            }
        }
        for junk in [
            "\u{feff}",
            "\"\"\"",
            ",,,,",
            "\u{0}\u{1}",
            "é,ü,\"ß",
            "#",
            "-",
        ] {
            for l in [&iis, &vpc, &csv, &viewer] {
                let _ = l.record(junk, &ctx);
                let _ = l.is_record_start(junk);
            }
            let _ = Layout::detect(junk);
        }
    }
}
