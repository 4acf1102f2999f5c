//! `requests`: from what a customer said (who, about when, what failed) to their requests,
//! ranked, each with the id that `trace` and `bundle` take. The grouping is
//! `correlate::requests`; this file resolves the time asked about and prints.

use std::io::{self, Write};

use serde_json::json;

use crate::bundle::shell_quote;
use crate::config::{Config, RequestsConfig};
use crate::correlate::requests::{self, RequestQuery, RequestRow, RequestsResult};
use crate::model::{format_duration_ns, Timestamp};
use crate::report::terminal::{pad, sanitize, Style};
use crate::report::width;
use crate::source::{Input, Problem};
use crate::when::{Around, AroundKind};

use super::{collect_problems, inputs_span, Remotes};

/// The range a query covers, both ends included, and the time asked about.
pub(super) struct Range {
    pub since: Timestamp,
    pub until: Timestamp,
    pub around: Option<Timestamp>,
}

/// The range `requests` searches, when it can be told without reading (`--around` with a
/// date, `--since`/`--until`); `None` for a time of day alone or no range at all.
pub(super) fn static_range(r: &RequestsConfig) -> Option<Range> {
    match &r.around {
        Some(Around {
            kind: AroundKind::Instant(t),
            ..
        }) => Some(Range {
            since: Timestamp(t.0.saturating_sub(r.within_ns)),
            until: Timestamp(t.0.saturating_add(r.within_ns)),
            around: Some(*t),
        }),
        Some(_) => None,
        None => (r.since.is_some() || r.until.is_some()).then(|| Range {
            since: r.since.unwrap_or(Timestamp(i64::MIN)),
            // `--until` is exclusive, as everywhere.
            until: r.until.map_or(Timestamp(i64::MAX), |u| Timestamp(u.0 - 1)),
            around: None,
        }),
    }
}

pub(super) fn requests(
    cfg: &Config,
    r: &RequestsConfig,
    inputs: &[Input],
    remotes: &mut Remotes,
    problems: &mut Vec<Problem>,
    out: &mut dyn Write,
    style: &Style,
) -> io::Result<bool> {
    let range = match static_range(r) {
        Some(range) => range,
        None => match &r.around {
            Some(a) => {
                let span = inputs_span(inputs, &cfg.parser, &cfg.read);
                let (t, day) = match a.resolve(span) {
                    Ok(x) => x,
                    Err(e) => {
                        eprintln!("casefile: error: {e}");
                        return Ok(false);
                    }
                };
                if let Some(day) = day {
                    eprintln!(
                        "casefile: requests: --around {} taken on {day}: {t} (UTC), the latest \
                         such time in the logs{}",
                        sanitize(&a.text),
                        span.map(|(x, y)| format!(" ({x} .. {y})"))
                            .unwrap_or_default()
                    );
                }
                Range {
                    since: Timestamp(t.0.saturating_sub(r.within_ns)),
                    until: Timestamp(t.0.saturating_add(r.within_ns)),
                    around: Some(t),
                }
            }
            None => Range {
                since: Timestamp(i64::MIN),
                until: Timestamp(i64::MAX),
                around: None,
            },
        },
    };
    let q = RequestQuery {
        since: range.since,
        until: range.until,
        around: range.around,
        margin_ns: requests::DEFAULT_MARGIN_NS,
        wheres: r.wheres.clone(),
        failed: r.failed,
        status: r.status,
        grep: r.grep.clone(),
        services: r.services.clone(),
        max_depth: r.max_depth,
        follow_hubs: r.follow_hubs.clone(),
    };
    let res = requests::requests(inputs, &cfg.parser, &cfg.read, &q, remotes.search(cfg));
    collect_problems(&res.reports, problems);
    problems.extend(res.problems.iter().cloned());
    if res.rows.is_empty() {
        explain_empty(cfg, r, &q, &res, inputs.len());
        return Ok(false);
    }
    let shown = r.top.unwrap_or(if cfg.json { usize::MAX } else { 20 });
    if cfg.json {
        for row in res.rows.iter().take(shown) {
            writeln!(out, "{}", row_json(cfg, r, row))?;
        }
    } else {
        print_rows(cfg, r, &res, shown, out, style)?;
    }
    Ok(true)
}

/// Redacted unless `--no-redact`, as every printed text.
fn shown(cfg: &Config, s: &str) -> String {
    if cfg.redact_output {
        cfg.redactor.redact(s).into_owned()
    } else {
        s.to_string()
    }
}

fn fmt_ts(t: Option<Timestamp>) -> String {
    t.map_or_else(|| "-".to_string(), |t| t.to_rfc3339())
}

fn duration_ms(row: &RequestRow) -> Option<i64> {
    Some((row.end?.0 - row.start?.0) / 1_000_000)
}

/// One JSON object per request (the `requests --json` contract, see README).
fn row_json(cfg: &Config, r: &RequestsConfig, row: &RequestRow) -> String {
    let ids = |m: &std::collections::BTreeMap<String, Vec<String>>| {
        serde_json::Value::Object(
            m.iter()
                .map(|(k, vs)| {
                    (
                        k.clone(),
                        json!(vs.iter().map(|v| shown(cfg, v)).collect::<Vec<_>>()),
                    )
                })
                .collect(),
        )
    };
    let first_error = row.first_error.as_ref().map(|f| {
        json!({
            "ts": f.ts,
            "service": f.service,
            "message": shown(cfg, &f.message),
            "signature": f.signature,
            "at": f.at,
        })
    });
    let v = json!({
        "rank": row.rank,
        "request": shown(cfg, &row.request),
        "ids": ids(&row.ids),
        "population": ids(&row.population),
        "start": row.start.map(|t| t.to_rfc3339()),
        "end": row.end.map(|t| t.to_rfc3339()),
        "start_local": row.start.and_then(|t| r.around.as_ref().and_then(|a| a.show(t))),
        "duration_ms": duration_ms(row),
        "services": row.services,
        "events": row.events.len(),
        "failed": row.failed,
        "status": row.status,
        "level": row.level.map(|l| l.as_str()),
        "first_error": first_error,
        "why": row.why,
    });
    v.to_string()
}

fn print_rows(
    cfg: &Config,
    r: &RequestsConfig,
    res: &RequestsResult,
    shown_n: usize,
    out: &mut dyn Write,
    style: &Style,
) -> io::Result<()> {
    let local = r.around.as_ref().filter(|a| a.show(Timestamp(0)).is_some());
    let rows: Vec<&RequestRow> = res.rows.iter().take(shown_n).collect();
    // Every column as wide as its widest cell (in terminal cells); a long request id is cut
    // in the middle (the `next:` lines below give it whole).
    let ids: Vec<String> = rows
        .iter()
        .map(|row| sanitize(&shown(cfg, &row.request)))
        .collect();
    let starts: Vec<String> = rows.iter().map(|row| fmt_ts(row.start)).collect();
    let locals: Vec<String> = match local {
        Some(a) => rows
            .iter()
            .map(|row| row.start.and_then(|t| a.show(t)).unwrap_or_default())
            .collect(),
        None => Vec::new(),
    };
    let tooks: Vec<String> = rows
        .iter()
        .map(|row| duration_ms(row).map_or("-".into(), |ms| format_duration_ns(ms * 1_000_000)))
        .collect();
    let ranks: Vec<String> = rows.iter().map(|row| row.rank.to_string()).collect();
    let rw = width::column("#", ranks.iter().map(String::as_str), usize::MAX).max(3);
    // At least the width of a millisecond UTC time and of a local one with its zone name.
    let sw = width::column("start (UTC)", starts.iter().map(String::as_str), usize::MAX).max(24);
    let lw = width::column("local", locals.iter().map(String::as_str), usize::MAX).max(22);
    let tw = width::column("took", tooks.iter().map(String::as_str), usize::MAX).max(8);
    let idw = width::column(
        "request",
        ids.iter().map(String::as_str),
        width::PATH_COLUMN,
    );
    let cells = |rank: &str, start: &str, local_cell: &str, took: &str| {
        format!(
            "{}  {}  {}{}  ",
            width::pad_left(rank, rw),
            width::pad_right(start, sw),
            if local.is_some() {
                format!("{}  ", width::pad_right(local_cell, lw))
            } else {
                String::new()
            },
            width::pad_right(took, tw),
        )
    };
    writeln!(
        out,
        "{}",
        style.bold(&format!(
            "{}{}  {}  services",
            cells("#", "start (UTC)", "local", "took"),
            pad("outcome", 12),
            width::pad_right("request", idw),
        ))
    )?;
    for (i, row) in rows.iter().enumerate() {
        // A failed request shows its 5xx, else its worst level; one that did not fail, its
        // status.
        let outcome = match (row.failed, row.status) {
            (true, Some(s)) if s >= 500 => format!("FAILED {s}"),
            (true, _) => format!("FAILED {}", row.level.map_or("", |l| l.as_str())),
            (false, Some(s)) => format!("ok {s}"),
            (false, None) => "ok".to_string(),
        };
        let outcome = style.level(
            if row.failed { row.level } else { None },
            &pad(outcome.trim(), 12),
        );
        writeln!(
            out,
            "{}{}  {}  {}",
            cells(
                &ranks[i],
                &starts[i],
                locals.get(i).map_or("", String::as_str),
                &tooks[i]
            ),
            outcome,
            width::pad_right(&width::truncate_middle(&ids[i], idw), idw),
            sanitize(&row.services.join(" > ")),
        )?;
        if let Some(f) = &row.first_error {
            writeln!(
                out,
                "     first error: {} {}  {}",
                sanitize(f.service.as_deref().unwrap_or("-")),
                sanitize(&shown(cfg, &f.message)),
                style.dim(&format!("[{}] {}", f.signature, sanitize(&f.at)))
            )?;
        }
        writeln!(
            out,
            "     {}",
            style.dim(&format!(
                "{} event(s); {}",
                row.events.len(),
                sanitize(&row.why.join("; "))
            ))
        )?;
    }
    let failed = res.rows.iter().filter(|r| r.failed).count();
    writeln!(
        out,
        "{} request(s), {} failed{}",
        res.rows.len(),
        failed,
        if rows.len() < res.rows.len() {
            format!(
                "; the first {} shown (--top N for more, --json for all)",
                rows.len()
            )
        } else {
            String::new()
        }
    )?;
    let best = &res.rows[0];
    let paths = paths_arg(cfg);
    let id = shell_quote(&shown(cfg, &best.request));
    writeln!(out, "next:")?;
    writeln!(out, "  casefile trace {id} {paths}")?;
    writeln!(
        out,
        "  casefile bundle {id} {paths} -o {}.tar.gz",
        file_word(&best.request)
    )?;
    Ok(())
}

/// The inputs as the user gave them, for the next command.
fn paths_arg(cfg: &Config) -> String {
    cfg.paths
        .iter()
        .map(|p| shell_quote(p))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A file name made of an id.
fn file_word(s: &str) -> String {
    let w: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(64)
        .collect();
    if w.is_empty() {
        "request".into()
    } else {
        w
    }
}

/// No row: say what was searched and what each filter removed, on stderr.
fn explain_empty(
    cfg: &Config,
    r: &RequestsConfig,
    q: &RequestQuery,
    res: &RequestsResult,
    n_inputs: usize,
) {
    let f = &res.funnel;
    let range = if q.since.0 == i64::MIN && q.until.0 == i64::MAX {
        "all times".to_string()
    } else {
        format!("[{}, {}] (UTC)", q.since, q.until)
    };
    let mut filters: Vec<String> = r.wheres.iter().map(|w| w.to_string()).collect();
    if let Some(s) = r.status {
        filters.push(format!("--status {s}"));
    }
    if r.failed {
        filters.push("--failed".into());
    }
    if r.grep.is_some() {
        filters.push("--grep".into());
    }
    for s in &r.services {
        filters.push(format!("--service {s}"));
    }
    let mut err = io::stderr().lock();
    let _ = writeln!(
        err,
        "casefile: requests: no request in {range} over {n_inputs} source(s){}{}",
        if cfg.remotes.is_empty() {
            ""
        } else {
            " and the remote sources"
        },
        if filters.is_empty() {
            String::new()
        } else {
            format!(" with {}", filters.join(", "))
        }
    );
    let margin = if f.seed_margin_ns > 0 {
        format!(" (± {})", format_duration_ns(f.seed_margin_ns))
    } else {
        String::new()
    };
    if f.seed_records == 0 {
        let _ = writeln!(
            err,
            "  no record in the range{margin} matched {}{}",
            f.seed_filter,
            match res.seen {
                Some((a, b)) => format!("; the records read there span {a} .. {b}"),
                None => "; no timed record lies there: `casefile scan` shows each source's time \
                         range"
                    .to_string(),
            }
        );
    } else {
        let _ = writeln!(
            err,
            "  {} record(s) in the range{margin} matched {}{}; they make {} request(s)",
            f.seed_records,
            f.seed_filter,
            if f.seed_records_without_id > 0 {
                format!(
                    " ({} without a correlation id, so in no request)",
                    f.seed_records_without_id
                )
            } else {
                String::new()
            },
            f.requests
        );
        for (what, left) in &f.steps {
            let _ = writeln!(err, "  {what}: {left} left");
        }
    }
    if f.records_without_time > 0 {
        let _ = writeln!(
            err,
            "  {} record(s) have no time and cannot be placed in the range (--tz, --date or \
             --year if they write only part of it)",
            f.records_without_time
        );
    }
    if r.wheres.is_empty() && !r.failed && r.status.is_none() {
        return;
    }
    let _ = writeln!(
        err,
        "  try a wider --within, or fewer filters; `casefile events --since T --until T` shows \
         what was logged then"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_quote_and_file_words() {
        assert_eq!(shell_quote("logs/a.log"), "logs/a.log");
        assert_eq!(shell_quote("my logs"), "'my logs'");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
        assert_eq!(shell_quote("$HOME"), "'$HOME'");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(file_word("a/b c"), "a_b_c");
    }
}
