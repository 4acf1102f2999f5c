//! `baseline` and `check`: learn the signatures of known-good logs, and fail on new ones.

use std::io::{self, Write};

use super::cluster::mine_signatures;
use crate::config::{BaselineConfig, CheckConfig, Config, EventFilter};
use crate::model::Level;
use crate::report::terminal::{pad, sanitize, Style};
use crate::signatures::{Collector, SignatureReport};
use crate::source::{Input, Problem};

/// The signatures of every event, with samples, as `baseline` and `check` compare them.
pub(super) fn stable_signatures(
    cfg: &Config,
    inputs: &[Input],
    problems: &mut Vec<Problem>,
) -> io::Result<SignatureReport> {
    let collector = Collector::new(false).with_samples();
    mine_signatures(
        cfg,
        inputs,
        problems,
        &EventFilter::default(),
        false,
        collector,
        Vec::new(),
    )
}

pub(super) fn write_file(path: &std::path::Path, what: &str, text: &str) -> io::Result<()> {
    std::fs::write(path, text).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("cannot write {what} {}: {e}", path.display()),
        )
    })
}

pub(super) fn baseline(
    cfg: &Config,
    b: &BaselineConfig,
    inputs: &[Input],
    problems: &mut Vec<Problem>,
    out: &mut dyn Write,
) -> io::Result<bool> {
    use crate::baseline::Baseline;
    let (base, target) = match b {
        BaselineConfig::Learn { out: target } => {
            let rep = stable_signatures(cfg, inputs, problems)?;
            (Baseline::from_report(&rep), target)
        }
        BaselineConfig::Merge { files, out: target } => {
            let mut acc: Option<Baseline> = None;
            for f in files {
                let name = f.display().to_string();
                let text = std::fs::read_to_string(f)
                    .map_err(|e| io::Error::new(e.kind(), format!("cannot read {name}: {e}")))?;
                let one = Baseline::parse(&text, &name).map_err(io::Error::other)?;
                acc = Some(match acc {
                    None => one,
                    Some(a) => a.merge(one),
                });
            }
            (acc.expect("two or more files"), target)
        }
    };
    write_file(target, "the baseline", &base.to_json())?;
    writeln!(
        out,
        "{}: {} signature(s) from {} event(s)",
        target.display(),
        base.signatures.len(),
        base.events
    )?;
    Ok(!base.signatures.is_empty())
}

pub(super) fn check(
    cfg: &Config,
    c: &CheckConfig,
    inputs: &[Input],
    problems: &mut Vec<Problem>,
    out: &mut dyn Write,
    style: &Style,
) -> io::Result<bool> {
    let rep = stable_signatures(cfg, inputs, problems)?;
    let res = crate::baseline::check(
        &rep,
        &c.baseline,
        c.fail_on,
        c.max_rate_increase,
        &cfg.known_issues,
    );
    let findings: Vec<crate::report::ci::Finding> = res
        .new
        .iter()
        .map(|n| {
            let (source, line) = n
                .examples
                .first()
                .and_then(|e| e.rsplit_once(':'))
                .map(|(s, l)| (s.to_string(), l.parse().unwrap_or(0)))
                .unwrap_or_default();
            crate::report::ci::Finding {
                signature: n.signature.clone(),
                template: n.template.clone(),
                level: n.level.clone(),
                count: n.count,
                source,
                line,
                example: n.example_text.clone(),
                known_issue: n
                    .known_issue
                    .as_ref()
                    .map(|k| crate::report::ci::KnownIssue {
                        title: k.title.clone(),
                        url: k.runbook.clone(),
                        jira: k.jira.clone(),
                    }),
            }
        })
        .collect();
    if let Some(p) = &c.junit {
        write_file(
            p,
            "--junit",
            &crate::report::ci::junit(&findings, res.known, "casefile check"),
        )?;
    }
    if let Some(p) = &c.sarif {
        write_file(
            p,
            "--sarif",
            &crate::report::ci::sarif(&findings, env!("CARGO_PKG_VERSION")),
        )?;
    }
    if cfg.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&res)?)?;
    } else if c.github {
        write!(out, "{}", crate::report::ci::github(&findings))?;
    } else {
        for n in &res.new {
            writeln!(
                out,
                "{} {} {} x{}  first at {}",
                style.level(Level::parse(&n.level), "NEW"),
                pad(&n.level, 5),
                n.signature,
                n.count,
                sanitize(n.examples.first().map_or("-", String::as_str))
            )?;
            writeln!(out, "    {}", sanitize(&n.template))?;
            let ex = n.example_text.split('\n').next().unwrap_or("");
            writeln!(out, "    {}", style.dim(&format!("e.g. {}", sanitize(ex))))?;
            if let Some(k) = &n.known_issue {
                writeln!(out, "    known issue: {}", sanitize(&k.to_string()))?;
            }
        }
        for r in &res.rate_increases {
            writeln!(
                out,
                "RATE  {} x{:.1} ({} vs {} in the baseline)  {}",
                r.signature,
                r.ratio,
                r.count,
                r.baseline_count,
                sanitize(&r.template)
            )?;
        }
        writeln!(
            out,
            "{} new signature(s){}, {} known, {} rate increase(s); {}",
            res.new.len(),
            if res.new_below_level > 0 {
                format!(" (+{} below --fail-on)", res.new_below_level)
            } else {
                String::new()
            },
            res.known,
            res.rate_increases.len(),
            if res.failed() { "FAIL" } else { "ok" }
        )?;
    }
    // "Found something" is what fails the check: exit 1 then, 0 when clean.
    Ok(!res.failed())
}
