//! Command-line types (clap derive): their doc comments are the --help text, their `after_help`
//! the examples that end it. `config.rs` turns them into a plain `Config`; no other module sees
//! them. `completions` and `man` are answered here, generated from the same types.

use std::io::Write as _;

use clap::{Args, CommandFactory as _, Parser, Subcommand};

/// Find the evidence of one customer failure across many services' logs.
///
/// Reads files, directories, globs, .gz/.zst/.xz/.bz2 and stdin (`-`); detects each source's
/// format; follows a request across services by its ids.
///
/// Exit codes: 0 found something, 1 found nothing, 2 an input was skipped or an error occurred.
#[derive(Parser, Debug)]
#[command(
    name = "casefile",
    version,
    about,
    long_about = None,
    after_help = "Examples (each command's --help has more):
  casefile scan fixtures/checkout/logs
  casefile trace ee23490f28307d7b fixtures/checkout/logs
  casefile requests fixtures/checkout/logs --where user_id=1245 --around 2026-11-28T23:00+01:00 --status 5xx"
)]
pub struct CommandLine {
    #[command(subcommand)]
    pub command: TopCommand,
}

/// Every subcommand: those that read logs (through `Config`), and those about casefile itself,
/// answered from these definitions alone.
// One value per run, unpacked at once: the size difference costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Subcommand, Debug)]
pub enum TopCommand {
    #[command(flatten)]
    Logs(Command),
    #[command(flatten)]
    Meta(Meta),
}

/// A command that reads logs: what `Config::from_cli` takes.
#[derive(Debug)]
pub struct Cli {
    pub command: Command,
}

/// Commands about casefile itself: no config file, no input.
#[derive(Subcommand, Debug)]
pub enum Meta {
    /// Print the shell completion script for SHELL on stdout.
    #[command(after_help = "Examples:
  casefile completions bash > ~/.local/share/bash-completion/completions/casefile
  casefile completions zsh > ~/.zfunc/_casefile     # with fpath+=(~/.zfunc) before compinit
  casefile completions fish > ~/.config/fish/completions/casefile.fish")]
    Completions {
        /// The shell to complete in.
        #[arg(value_name = "SHELL")]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) on stdout: casefile(1), then a page per subcommand.
    #[command(after_help = "Examples:
  casefile man | man -l -
  casefile man > ~/.local/share/man/man1/casefile.1")]
    Man,
}

impl Meta {
    /// Prints what was asked on stdout and returns the exit code: 0, or 2 when stdout cannot be
    /// written (a closed pipe after the reader has what it wanted is not an error).
    pub fn run(&self) -> i32 {
        let mut text = Vec::new();
        match self {
            Meta::Completions { shell } => {
                let mut cmd = CommandLine::command();
                clap_complete::generate(*shell, &mut cmd, "casefile", &mut text);
            }
            Meta::Man => man_pages(&mut text),
        }
        match std::io::stdout().lock().write_all(&text) {
            Ok(()) => 0,
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
            Err(e) => {
                eprintln!("casefile: error: cannot write to stdout: {e}");
                2
            }
        }
    }
}

/// casefile(1), then casefile-SUB(1) for each subcommand (casefile-jira-attach(1) included), one
/// after another: `man -l -` renders them as consecutive pages. Each page's EXAMPLES section is
/// its subcommand's `after_help`.
fn man_pages(out: &mut Vec<u8>) {
    use clap_mangen::roff::{roman, Roff};
    let mut top = CommandLine::command().disable_help_subcommand(true);
    top.build();
    let mut pages = Vec::new();
    let mut queue = vec![top];
    while let Some(cmd) = queue.pop() {
        let subs: Vec<clap::Command> = cmd.get_subcommands().cloned().collect();
        queue.extend(subs.into_iter().rev());
        pages.push(cmd);
    }
    for cmd in pages {
        let examples = cmd.get_after_help().map(|h| h.to_string());
        let man = clap_mangen::Man::new(cmd.clone())
            .source(concat!("casefile ", env!("CARGO_PKG_VERSION")));
        let mut roff = Roff::new();
        if let Some(examples) = examples {
            roff.control("SH", ["EXAMPLES"]).control("nf", []);
            for line in examples.lines().skip_while(|l| l.ends_with(':')) {
                roff.text([roman(line.trim_start())]);
            }
            roff.control("fi", []);
        }
        // Writing into a Vec cannot fail. The title only from `.TH` on: the apostrophe
        // preamble before it is repeated by every section.
        let mut title = Vec::new();
        let _ = man.render_title(&mut title);
        let start = title.windows(4).position(|w| w == b".TH ").unwrap_or(0);
        out.extend_from_slice(&title[start..]);
        let _ = man.render_name_section(out);
        let _ = man.render_synopsis_section(out);
        let _ = man.render_description_section(out);
        let _ = man.render_options_section(out);
        if cmd.has_subcommands() {
            let _ = man.render_subcommands_section(out);
        }
        let _ = roff.to_writer(out);
        if cmd.get_version().is_some() {
            let _ = man.render_version_section(out);
        }
    }
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Inventory: each source's dialect, lines, events, time range and levels; skipped inputs.
    #[command(after_help = "Examples:
  casefile scan fixtures/checkout/logs
  casefile scan fixtures/formats/haproxy fixtures/formats/postgres
  casefile scan fixtures/checkout/logs --json | jq .")]
    Scan {
        #[command(flatten)]
        common: Common,
    },
    /// All events, merged in time order, over [--since, --until).
    #[command(after_help = "Examples:
  casefile events fixtures/checkout/logs --since 2026-11-28T22:00:15Z --until 2026-11-28T22:00:16Z --level error
  casefile events fixtures/checkout/logs --service payments --level error
  casefile events fixtures/checkout/logs --level warn --json | jq .")]
    Events {
        #[command(flatten)]
        common: Common,
        #[command(flatten)]
        filter: Filter,
        #[command(flatten)]
        redact: RedactArgs,
        #[command(flatten)]
        remote: RemoteArgs,
    },
    /// Error signatures: events grouped into templates with counts, first/last seen, services,
    /// examples and a sparkline; the most frequent first.
    #[command(after_help = "Examples:
  casefile cluster fixtures/checkout/logs --level warn
  casefile cluster fixtures/checkout/logs --top 3 --json | jq .
  casefile cluster fixtures/checkout/logs --assignments /tmp/assignments.csv")]
    Cluster {
        #[command(flatten)]
        common: Common,
        #[command(flatten)]
        filter: Filter,
        #[command(flatten)]
        cluster: ClusterArgs,
        #[command(flatten)]
        remote: RemoteArgs,
    },
    /// The evidence bundle for a Jira defect: the events `trace` finds, redacted and checksummed
    /// (manifest, timeline, signatures, excerpts, summaries, HTML report, SHA256SUMS).
    #[command(after_help = "Examples:
  casefile bundle ee23490f28307d7b fixtures/checkout/logs -o /tmp/case.tar.gz
  casefile bundle ee23490f28307d7b fixtures/checkout/logs --window 200ms --redact-ips -o /tmp/case.zip")]
    Bundle {
        /// The id to start from (request, trace, job id...).
        id: String,
        #[command(flatten)]
        common: Common,
        #[command(flatten)]
        trace: TraceArgs,
        #[command(flatten)]
        bundle: BundleArgs,
        #[command(flatten)]
        redact: RedactArgs,
        #[command(flatten)]
        remote: RemoteArgs,
    },
    /// Check a bundle's checksums and manifest. Exit 0 intact, 1 damaged, 2 unreadable.
    #[command(after_help = "Examples:
  casefile verify /tmp/case.tar.gz     # as `casefile bundle ... -o /tmp/case.tar.gz` wrote it
  casefile verify /tmp/case.zip")]
    Verify {
        /// A bundle directory, .tar.gz or .zip.
        bundle: String,
    },
    /// The signatures of known-good logs as stable, sorted JSON (`-o baseline.json`).
    ///
    /// `casefile baseline merge A.json B.json... -o C.json` unites baselines instead: `merge`
    /// as the first path, then two or more baselines (no log is read).
    #[command(
        override_usage = "casefile baseline [OPTIONS] --output <FILE> [PATHS]...
       casefile baseline merge <BASELINE> <BASELINE>... --output <FILE>",
        after_help = "Examples:
  casefile baseline fixtures/checkout/logs -o /tmp/baseline.json
  casefile baseline fixtures/requests/day/logs -o /tmp/day.json
  casefile baseline merge /tmp/baseline.json /tmp/day.json -o /tmp/merged.json"
    )]
    Baseline {
        #[command(flatten)]
        common: Common,
        /// Where to write the baseline.
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: String,
    },
    /// Fail when the logs show a kind of error the baseline has not seen.
    /// Exit 0 nothing new, 1 something new (or a rate increase), 2 an error.
    #[command(after_help = "Examples:
  casefile check fixtures/checkout/logs --baseline /tmp/baseline.json     # made by `casefile baseline`
  casefile check fixtures/requests/day/logs --baseline /tmp/baseline.json --format github
  casefile check fixtures/requests/day/logs --baseline /tmp/baseline.json --junit /tmp/junit.xml --sarif /tmp/casefile.sarif")]
    Check {
        #[command(flatten)]
        common: Common,
        #[command(flatten)]
        check: CheckArgs,
    },
    /// Every event of one request across services, following its ids transitively.
    #[command(after_help = "Examples:
  casefile trace ee23490f28307d7b fixtures/checkout/logs
  casefile trace ee23490f28307d7b fixtures/checkout/logs --window 200ms
  casefile trace ee23490f28307d7b fixtures/checkout/logs --json | jq .")]
    Trace {
        /// The id to start from (request, trace, job id...). Matched as a whole token.
        id: String,
        #[command(flatten)]
        common: Common,
        #[command(flatten)]
        trace: TraceArgs,
        #[command(flatten)]
        redact: RedactArgs,
        #[command(flatten)]
        remote: RemoteArgs,
    },
    /// From what a customer said to their requests, with no request id: the requests of a
    /// time range, grouped by correlation ids exactly as `trace` groups them (user and order
    /// ids never join two requests), filtered, and ranked: failed first, then nearest the time
    /// asked about. Each row names the id to give `trace` and `bundle`.
    ///
    /// A request is in range when one of its events is; the filters hold on the whole request
    /// (any of its events). With no filter, the failing requests of the range come first.
    #[command(after_help = "Examples:
  casefile requests fixtures/requests/day/logs --where user_id=4711 --around \"2026-03-14 15:05 CET\" --failed
  casefile requests fixtures/checkout/logs --around 22:00 --within 2m --status 5xx
  casefile requests fixtures/requests/day/logs --since 2026-03-14T14:00:00Z --until 2026-03-14T14:10:00Z --json")]
    Requests {
        #[command(flatten)]
        common: Common,
        #[command(flatten)]
        requests: RequestsArgs,
        #[command(flatten)]
        redact: RedactArgs,
        #[command(flatten)]
        remote: RemoteArgs,
    },
    /// Jira: attach an evidence bundle to an issue, with its summary as a comment.
    #[command(after_help = "Examples:
  casefile jira attach OPS-1234 /tmp/case.tar.gz --dry-run     # what would be sent; sends nothing
  casefile jira attach OPS-1234 /tmp/case.tar.gz --api 2 --dry-run    # Data Center")]
    Jira {
        #[command(subcommand)]
        action: JiraCommand,
    },
}

#[derive(Subcommand, Debug)]
pub enum JiraCommand {
    /// Upload a bundle (.tar.gz or .zip) to an issue and comment with its summary.
    ///
    /// Needs CASEFILE_JIRA_URL, and CASEFILE_JIRA_EMAIL + CASEFILE_JIRA_TOKEN (Cloud) or
    /// CASEFILE_JIRA_PAT (Data Center).
    #[command(after_help = "Examples:
  casefile jira attach OPS-1234 /tmp/case.tar.gz --dry-run            # Cloud: REST v3, comment in ADF
  casefile jira attach OPS-1234 /tmp/case.tar.gz --api 2 --dry-run    # Data Center: REST v2, wiki markup
  casefile jira attach OPS-1234 /tmp/case.tar.gz --no-comment --dry-run
  (--dry-run shows what would be sent and sends nothing; without it, the same command sends)")]
    Attach {
        /// The issue key, e.g. OPS-1234.
        key: String,
        /// The bundle file that `casefile bundle -o case.tar.gz` wrote.
        bundle: String,
        /// REST API version: 3 (Cloud: comment in Atlassian Document Format) or 2 (Data Center:
        /// comment in wiki markup).
        #[arg(long, value_name = "N", default_value_t = 3)]
        api: u8,
        /// Show what would be sent (URLs, file, comment) and send nothing.
        #[arg(long)]
        dry_run: bool,
        /// Attach only; no comment.
        #[arg(long)]
        no_comment: bool,
        #[command(flatten)]
        net: NetArgs,
    },
}

/// Remote sources, searched together with the paths.
#[derive(Args, Debug, Clone, Default)]
pub struct RemoteArgs {
    /// Splunk management URL, e.g. https://splunk.example:8089. Credentials from
    /// CASEFILE_SPLUNK_TOKEN, or CASEFILE_SPLUNK_USER + CASEFILE_SPLUNK_PASSWORD.
    #[arg(long, value_name = "URL", help_heading = "Remote sources")]
    pub splunk: Option<String>,
    /// The Splunk base search the ids are added to (default `index=*`).
    #[arg(long, value_name = "SPL", help_heading = "Remote sources")]
    pub splunk_search: Option<String>,
    /// Elasticsearch/OpenSearch URL, e.g. https://es.example:9200. Credentials from
    /// CASEFILE_ELASTIC_API_KEY, or CASEFILE_ELASTIC_USER + CASEFILE_ELASTIC_PASSWORD.
    #[arg(long, value_name = "URL", help_heading = "Remote sources")]
    pub elastic: Option<String>,
    /// An Elastic Cloud deployment's Cloud ID instead of --elastic URL.
    #[arg(long, value_name = "ID", help_heading = "Remote sources")]
    pub elastic_cloud_id: Option<String>,
    /// Index pattern(s) to search (default `logs-*`).
    #[arg(long, value_name = "PATTERN", help_heading = "Remote sources")]
    pub elastic_index: Option<String>,
    /// A source profile from the config file ([sources.NAME]). Repeatable.
    #[arg(long = "source", value_name = "NAME", help_heading = "Remote sources")]
    pub sources: Vec<String>,
    /// Most records pulled per query; past it the result is reported incomplete.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 50_000,
        help_heading = "Remote sources"
    )]
    pub remote_limit: usize,
    #[command(flatten)]
    pub net: NetArgs,
}

/// Network behaviour.
#[derive(Args, Debug, Clone, Default)]
pub struct NetArgs {
    /// PEM file of the CA that signed the server's certificate (added to the system's).
    #[arg(long, value_name = "FILE", help_heading = "Network")]
    pub ca_cert: Option<String>,
    /// Do not verify TLS certificates. Only for a test server you trust.
    #[arg(long, help_heading = "Network")]
    pub insecure: bool,
    /// Connect timeout and longest wait for each read, in seconds.
    #[arg(long, value_name = "SECS", help_heading = "Network")]
    pub timeout: Option<u64>,
    /// Retries on 429/502/503/504 and lost connections (with backoff, honouring Retry-After).
    #[arg(long, value_name = "N", help_heading = "Network")]
    pub retries: Option<u32>,
}

#[derive(Args, Debug, Clone)]
pub struct Common {
    /// Files, directories (recursive), globs, or `-` for stdin. Default: `-` when stdin is
    /// piped, else the current directory.
    pub paths: Vec<String>,
    /// Print JSON (JSON Lines for events) instead of the human view.
    #[arg(long)]
    pub json: bool,
    /// Time zone of timestamps written without an offset (default UTC), e.g. Europe/Paris.
    #[arg(long, value_name = "TZ")]
    pub tz: Option<String>,
    /// Year of timestamps written without one (RFC 3164 syslog); default: the file's mtime year.
    #[arg(long)]
    pub year: Option<i32>,
    /// Date of the first record of files whose lines carry a time of day alone
    /// (`16:42:22.382`), as YYYY-MM-DD; later records roll over midnight. Default: the date of
    /// the wrapper's time (CRI, Docker, kubectl), else the file's last write.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,
    /// Config file (dialects, correlation keys). Default: $XDG_CONFIG_HOME/casefile/casefile.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<String>,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j')]
    pub threads: Option<usize>,
    /// Longest line kept whole, in bytes; longer lines are cut (with a warning).
    #[arg(long, value_name = "BYTES", default_value_t = 16 << 20)]
    pub max_line: usize,
    /// With a time range (--since/--until, --window), read every file whole instead of
    /// seeking to the range by binary search on its timestamps (the answer is the same; this
    /// is for checking that, or for files whose order --disorder cannot describe).
    #[arg(long)]
    pub no_seek: bool,
    /// How far out of time order a file's records may be and a time range still be sought in
    /// it (`500ms`, `60s`, `5m`). A file found more out of order is read whole, with a note.
    #[arg(long, value_name = "DUR", default_value = "60s")]
    pub disorder: String,
    /// Never show a progress bar.
    #[arg(long)]
    pub no_progress: bool,
    /// Also read hidden directories (`.git`, `.cache`) inside the directories given; by default
    /// they are skipped, and each skip is said once.
    #[arg(long)]
    pub hidden: bool,
    /// Known issues (signature or pattern -> title, runbook, Jira key), named wherever they
    /// match. Default: ./known-issues.toml when present.
    #[arg(long, value_name = "FILE")]
    pub known_issues: Option<String>,
}

#[derive(Args, Debug, Clone)]
pub struct Filter {
    /// Start of the range, inclusive: RFC 3339 (`2026-11-28T22:00:00Z`) or relative (`-15m`).
    #[arg(long, value_name = "T", allow_hyphen_values = true)]
    pub since: Option<String>,
    /// End of the range, exclusive: RFC 3339 or relative (`-5m`, `now`).
    #[arg(long, value_name = "T", allow_hyphen_values = true)]
    pub until: Option<String>,
    /// Only events at this level or above: trace, debug, info, warn, error, fatal.
    #[arg(long, value_name = "L")]
    pub level: Option<String>,
    /// Only events of this service (repeatable).
    #[arg(long, value_name = "S")]
    pub service: Vec<String>,
    /// Only events whose raw text matches this regular expression.
    #[arg(long, value_name = "RE")]
    pub grep: Option<String>,
}

/// Which ids are followed, and how far (`trace`, `bundle`, `requests`).
#[derive(Args, Debug, Clone)]
pub struct FollowArgs {
    /// Also follow ids written under this key (e.g. order_id). Repeatable.
    #[arg(long, value_name = "KEY")]
    pub follow: Vec<String>,
    /// Do not follow ids written under this key (e.g. job_id). Repeatable.
    #[arg(long = "no-follow", value_name = "KEY")]
    pub no_follow: Vec<String>,
    /// How many hops of ids to follow.
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub max_depth: u32,
}

#[derive(Args, Debug, Clone)]
pub struct TraceArgs {
    /// More ids to start from (repeatable).
    #[arg(long = "id", value_name = "ID")]
    pub ids: Vec<String>,
    /// Add what the services involved logged within DUR of the request (`30s`, `2m`).
    #[arg(long, value_name = "DUR")]
    pub window: Option<String>,
    #[command(flatten)]
    pub keys: FollowArgs,
    /// Only events at or after this time (RFC 3339 or relative, `-2h`). Remote sources need a
    /// range: default the last 24 hours.
    #[arg(long, value_name = "T", allow_hyphen_values = true)]
    pub since: Option<String>,
    /// Only events before this time (RFC 3339 or relative, `now`).
    #[arg(long, value_name = "T", allow_hyphen_values = true)]
    pub until: Option<String>,
}

#[derive(Args, Debug, Clone)]
pub struct RequestsArgs {
    /// The time the customer named: RFC 3339, `YYYY-MM-DD HH:MM[:SS]` followed by nothing
    /// (--tz, else UTC), Z, +01:00, +0100 or a zone name (Europe/Paris, CET), or a time of day
    /// alone (`23:00`: the latest such time within the logs' range).
    #[arg(long, value_name = "TIME")]
    pub around: Option<String>,
    /// How far either side of --around to look.
    #[arg(long, value_name = "DUR", default_value = "5m")]
    pub within: String,
    /// Start of the range instead of --around (RFC 3339 or relative, `-15m`).
    #[arg(
        long,
        value_name = "T",
        allow_hyphen_values = true,
        conflicts_with = "around"
    )]
    pub since: Option<String>,
    /// End of the range instead of --around (RFC 3339 or relative, `now`).
    #[arg(
        long,
        value_name = "T",
        allow_hyphen_values = true,
        conflicts_with = "around"
    )]
    pub until: Option<String>,
    /// Only requests with an event saying KEY=VALUE (repeatable; all must hold). Keys compare
    /// as trace compares them (user.id, user_id and userId are one key); the value is a whole
    /// token. Also `service=`, `host=`, `level=`.
    #[arg(long = "where", value_name = "KEY=VALUE")]
    pub wheres: Vec<String>,
    /// Only requests that failed: an event at error level or above, or an HTTP status >= 500.
    #[arg(long)]
    pub failed: bool,
    /// Only requests with this HTTP status: a code (502) or a class (4xx, 5xx).
    #[arg(long, value_name = "CODE")]
    pub status: Option<String>,
    /// Only requests with an event whose raw text matches this regular expression.
    #[arg(long, value_name = "RE")]
    pub grep: Option<String>,
    /// Only requests that passed through this service (repeatable).
    #[arg(long, value_name = "S")]
    pub service: Vec<String>,
    /// Show the N best-ranked requests (all with --json unless given).
    #[arg(long, value_name = "N")]
    pub top: Option<usize>,
    #[command(flatten)]
    pub keys: FollowArgs,
}

#[derive(Args, Debug, Clone)]
pub struct ClusterArgs {
    /// Show only the N most frequent signatures (all with --json unless given).
    #[arg(long, value_name = "N")]
    pub top: Option<usize>,
    /// Each input line is one message: no dialect parsing, no multi-line joining.
    #[arg(long)]
    pub plain: bool,
    /// Write `line,signature` per event (CSV with a header) to FILE, `line` being the 1-based
    /// line where the event starts in its input.
    #[arg(long, value_name = "FILE")]
    pub assignments: Option<String>,
}

/// Redaction of what is printed or written (events, trace, bundle): on by default.
#[derive(Args, Debug, Clone)]
pub struct RedactArgs {
    /// Show or write secrets and personal data as they are (a bundle's manifest and file name
    /// say so).
    #[arg(long)]
    pub no_redact: bool,
    /// Also redact what this pattern matches, as `<custom:NAME:xxxxxxxx>` (repeatable): NAME=REGEX.
    #[arg(long = "redact", value_name = "NAME=REGEX")]
    pub redact: Vec<String>,
    /// Also redact IP addresses.
    #[arg(long)]
    pub redact_ips: bool,
}

#[derive(Args, Debug, Clone)]
pub struct BundleArgs {
    /// Output: `NAME.tar.gz`, `NAME.tgz`, `NAME.zip`, or a new directory (a name without an
    /// extension, or an empty directory).
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    pub output: String,
    /// Keep at most N events (the summary says when the cap cut anything).
    #[arg(long, value_name = "N")]
    pub max_events: Option<usize>,
    /// Replace what is at OUT: a file, or a bundle directory (never another directory).
    #[arg(long)]
    pub force: bool,
    /// Write the bundle even when no event holds the id (exit code 1 still says so).
    #[arg(long)]
    pub allow_empty: bool,
}

#[derive(Args, Debug, Clone)]
pub struct CheckArgs {
    /// The baseline made by `casefile baseline` from known-good logs.
    #[arg(long, value_name = "FILE")]
    pub baseline: String,
    /// What fails: new-error (default), new-warn or new-any (a new signature at that level or
    /// above).
    #[arg(long, value_name = "WHAT", default_value = "new-error")]
    pub fail_on: String,
    /// Also fail when a known signature's share of events grows more than X times (e.g. 3).
    #[arg(long, value_name = "X")]
    pub max_rate_increase: Option<f64>,
    /// Write JUnit XML (one test case per new signature).
    #[arg(long, value_name = "FILE")]
    pub junit: Option<String>,
    /// Write SARIF 2.1.0 (one result per new signature, with file and line).
    #[arg(long, value_name = "FILE")]
    pub sarif: Option<String>,
    /// `github`: print GitHub workflow commands (`::error file=...,line=...::...`).
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
}
