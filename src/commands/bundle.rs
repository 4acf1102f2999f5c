//! `bundle` and `verify`: write the evidence bundle of one request, and check one.

use std::io::{self, Write};

use super::trace::trace_summary;
use super::{collect_problems, Remotes, EXIT_FOUND, EXIT_NOTHING, EXIT_TROUBLE};
use crate::config::{BundleConfig, Config};
use crate::correlate::{self, TraceQuery};
use crate::report::terminal::sanitize;
use crate::source::{Input, Problem};

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
    };
    let files = crate::bundle::build(&req, &res, inputs, crate::bundle::render_html);
    crate::bundle::write(&b.out, &files, b.source_date_epoch.unwrap_or(0)).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("cannot write the bundle {}: {e}", b.out.display()),
        )
    })?;
    let matched = res.events.iter().filter(|e| !e.context).count();
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
    if let Some(r) = &b.redactor {
        let counts = r.counts();
        if !counts.is_empty() {
            let parts: Vec<String> = counts.iter().map(|(k, v)| format!("{k} {v}")).collect();
            eprintln!("casefile: bundle: redacted {}", parts.join(", "));
        }
    }
    trace_summary(&res, b.trace.window_ns.is_some());
    Ok(matched > 0)
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
