//! `bundle` and `verify`: write the evidence bundle of one request, and check one.

use std::io::{self, Write};

use super::trace::trace_summary_within;
use super::{bounded, collect_problems, Remotes, EXIT_FOUND, EXIT_NOTHING, EXIT_TROUBLE};
use crate::bundle::{ImpactQuery, ImpactTally};
use crate::config::{BundleConfig, Config};
use crate::correlate::{self, TraceQuery};
use crate::parse::Parser;
use crate::report::terminal::sanitize;
use crate::source::{read_sources, Input, Problem, RawEvent, Visitor};

pub(super) fn bundle(
    cfg: &Config,
    b: &BundleConfig,
    inputs: &[Input],
    remotes: &mut Remotes,
    problems: &mut Vec<Problem>,
    out: &mut dyn Write,
) -> io::Result<bool> {
    let q = TraceQuery {
        seeds: b.trace.ids.clone(),
        max_depth: b.trace.max_depth,
        window_ns: b.trace.window_ns,
        since: b.trace.since,
        until: b.trace.until,
        follow_hubs: b.trace.follow_hubs.clone(),
    };
    let mut res = correlate::trace(inputs, &cfg.parser, &cfg.read, &q, remotes.search(cfg));
    correlate::assign_known_issues(&mut res.events, &cfg.known_issues);
    collect_problems(&res.reports, problems);
    problems.extend(res.remote_problems.iter().cloned());
    let req = crate::bundle::BundleRequest {
        ids: &b.trace.ids,
        window: b.window.as_deref(),
        max_depth: b.trace.max_depth,
        max_events: b.max_events,
        argv: &cfg.argv,
        redactor: b.redactor.as_ref(),
        custom_redactions: b.custom_names.clone(),
        source_date_epoch: b.source_date_epoch,
        remote: remotes.reports(),
        window_ns: b.trace.window_ns,
    };
    let matched = res.events.iter().filter(|e| !e.context).count();
    if matched == 0 && !b.allow_empty {
        if !res.events.is_empty() {
            trace_summary_within(&res, b.window.clone());
        }
        let sources = res.reports.len() + remotes.list.len();
        eprintln!("{}", nothing_found(cfg, b, sources, res.events.len()));
        return Ok(false);
    }
    if matched == 0 {
        eprintln!(
            "casefile: bundle: no event holds the id; the bundle is written anyway, empty \
             (--allow-empty)"
        );
    }
    let impact = |q: &ImpactQuery| impact(cfg, inputs, q);
    let files = crate::bundle::build(&req, &res, inputs, impact, crate::bundle::render_html);
    crate::bundle::write(&b.out, &files, b.source_date_epoch.unwrap_or(0), b.force).map_err(
        |e| {
            io::Error::new(
                e.kind(),
                format!("cannot write the bundle {}: {e}", b.out.display()),
            )
        },
    )?;
    let counts = b.redactor.as_ref().map(|r| r.counts()).unwrap_or_default();
    if cfg.json {
        let context = res.events.len() - matched;
        let shown = b.out.to_string_lossy();
        let line = serde_json::json!({
            "out": shown,
            "files": files.len(),
            "events": matched,
            "context": context,
            "redacted": b.redactor.is_some(),
            "redactions": counts,
            "verify": format!("casefile verify {}", crate::bundle::shell_quote(&shown)),
        });
        writeln!(out, "{line}")?;
    } else {
        writeln!(
            out,
            "{}: {} file(s), {} event(s){}; check it with: casefile verify {}",
            b.out.display(),
            files.len(),
            matched,
            if b.redactor.is_none() {
                ", UNREDACTED"
            } else {
                ", redacted"
            },
            b.out.display()
        )?;
    }
    if !counts.is_empty() {
        let parts: Vec<String> = counts.iter().map(|(k, v)| format!("{k} {v}")).collect();
        eprintln!("casefile: bundle: redacted {}", parts.join(", "));
    }
    trace_summary_within(&res, b.window.clone());
    Ok(matched > 0)
}

/// Counts the bundle's signatures among the warn- and error-level records of a time range
/// (the bundle's impact): a peek rules most records out without the full parse.
struct ImpactVisitor<'a> {
    parser: &'a Parser,
    q: &'a ImpactQuery,
}

impl Visitor for ImpactVisitor<'_> {
    type Acc = ImpactTally;
    fn new_acc(&self) -> ImpactTally {
        ImpactTally::new(self.q)
    }
    fn visit(&self, acc: &mut ImpactTally, ev: RawEvent<'_>) {
        if let Some(p) = ev.peek(self.parser) {
            if !self.q.wants(Some(p.ts), Some(p.level)) {
                return;
            }
        }
        acc.add(self.q, &ev.to_event(self.parser));
    }
    fn rebase(&self, _acc: &mut ImpactTally, _base: u64) {}
}

/// Read the file inputs again over the impact range and count (remote sources are not read
/// again). What goes wrong was already reported by the trace's read.
fn impact(cfg: &Config, inputs: &[Input], q: &ImpactQuery) -> ImpactTally {
    let mut total = ImpactTally::new(q);
    if inputs.is_empty() || q.is_empty() {
        return total;
    }
    let v = ImpactVisitor {
        parser: &cfg.parser,
        q,
    };
    let read = bounded(&cfg.read, Some(q.since), Some(q.until));
    let (accs, _) = read_sources(inputs, &cfg.parser, &read, &v);
    for (_, a) in accs {
        total.merge(a);
    }
    total
}

/// No event holds an id: what was searched, and the next step.
fn nothing_found(cfg: &Config, b: &BundleConfig, sources: usize, context: usize) -> String {
    let ids: Vec<String> = b
        .trace
        .ids
        .iter()
        .map(|i| format!("'{}'", sanitize(i)))
        .collect();
    let quote = |s: &str| crate::bundle::shell_quote(&sanitize(s));
    let paths: String = cfg.paths.iter().map(|p| quote(p) + " ").collect();
    let first = b.trace.ids.first().map(|i| quote(i)).unwrap_or_default();
    let holds = if ids.len() == 1 {
        "holds"
    } else {
        "holds any of"
    };
    format!(
        "casefile: bundle: no event {holds} {} as a whole token in {sources} source(s){}{}; \
         nothing written. Check the id (casefile events {}--grep {first}), or give \
         --allow-empty to write an empty bundle anyway",
        ids.join(", "),
        if b.trace.since.is_some() || b.trace.until.is_some() {
            " between --since and --until"
        } else {
            ""
        },
        if context > 0 {
            format!(" (the {context} event(s) around it from --window are context, not a match)")
        } else {
            String::new()
        },
        paths,
    )
}

pub(super) fn verify(path: &std::path::Path) -> i32 {
    let files = match crate::bundle::read(path) {
        Ok(f) if !f.is_empty() => f,
        Ok(_) => {
            eprintln!(
                "casefile: error: {}: no files in it; is it a bundle made by `casefile bundle`?",
                path.display()
            );
            return EXIT_TROUBLE;
        }
        Err(e) => {
            eprintln!(
                "casefile: error: cannot read the bundle {}: {e}; give the directory, .tar.gz or \
                 .zip that `casefile bundle -o` wrote",
                path.display()
            );
            return EXIT_TROUBLE;
        }
    };
    // Neither a manifest nor checksums: something else, not a damaged bundle.
    if !files.entries().contains_key("manifest.json") && !files.entries().contains_key("SHA256SUMS")
    {
        eprintln!(
            "casefile: error: {}: not a casefile bundle (no manifest.json, no SHA256SUMS); give \
             the directory, .tar.gz or .zip that `casefile bundle -o` wrote",
            path.display()
        );
        return EXIT_TROUBLE;
    }
    let bad = crate::bundle::verify(&files);
    if bad.is_empty() {
        println!("{}: OK ({} files)", path.display(), files.len());
        EXIT_FOUND
    } else {
        for b in &bad {
            println!("{}: DAMAGED: {}", path.display(), sanitize(b));
        }
        EXIT_NOTHING
    }
}

// ---------------------------------------------------------------------------------------------
