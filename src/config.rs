//! Command-line arguments + the config file -> a plain, validated [`Config`]. The only module
//! that knows clap; every setting is checked here, once, with a message that says the fix.
//!
//! Config file (`--config FILE`, else `$XDG_CONFIG_HOME/casefile/casefile.toml`, else
//! `~/.config/casefile/casefile.toml`; absent is fine):
//!
//! ```toml
//! [time]
//! tz = "Europe/Paris"          # zone of naive timestamps
//!
//! [correlation]
//! follow = ["order_id"]        # also follow these keys
//! no_follow = ["job_id"]       # never follow these
//! population = ["tenant_slug"] # record these as ids, never follow
//!
//! [[correlation.pattern]]      # ids no dialect finds: each named group is an id under its name,
//! regex = 'TraceID: (?P<trace_id>[0-9a-f]{32})'   # followed when the name is a follow key
//!
//! [redaction]                  # for bundles, added to --redact / --redact-ips
//! custom = ["ticket=TCK-[0-9]{6}"]
//! ips = false
//!
//! [sources.prod-logs]          # used as --source prod-logs (trace, events, cluster, bundle)
//! kind = "elastic"             # or "splunk"
//! url = "https://es.example:9200"   # or cloud_id = "name:base64..."
//! index = "logs-*"             # Elasticsearch index pattern; Splunk: search = "index=app"
//! api_key_env = "PROD_ES_KEY"  # the env var holding the secret (Splunk: token_env), or
//! # api_key_command = "pass show es/prod"   a command that prints it; or user + password_env
//! ca_cert = "/etc/ssl/corp-ca.pem"
//! proxy = "http://proxy.corp:3128"   # else HTTPS_PROXY/HTTP_PROXY (NO_PROXY applies to both);
//! # proxy_user = "me"  proxy_password_env = "CORP_PROXY_PW"   a proxy login, never in the URL
//!
//! [jira]
//! url = "https://acme.atlassian.net"  # else CASEFILE_JIRA_URL
//!
//! [[dialect]]                  # same keys as src/parse/dialects.toml
//! name = "myapp"
//! kind = "regex"
//! regex = '^(?P<ts>\S+) (?P<level>\w+) (?P<message>.*)$'
//! ```

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::cli::{
    BundleArgs, CheckArgs, Cli, ClusterArgs, Command, Common, Filter, FollowArgs, JiraCommand,
    NetArgs, RedactArgs, RemoteArgs, RequestsArgs, TraceArgs,
};
use crate::known_issues::KnownIssues;
use crate::model::{Level, Timestamp};
use crate::parse::fields::{normalize_key, IdKeys};
use crate::parse::{DialectSpec, Parser, TimeContext};
use crate::remote::{HttpOptions, RemoteSpec, Secret, SpecKind};
use crate::source::ReadOptions;

/// A configuration error: what is wrong and how to fix it.
#[derive(Debug)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    #[serde(default)]
    dialect: Vec<DialectSpec>,
    #[serde(default)]
    correlation: CorrelationConfig,
    #[serde(default)]
    time: TimeConfig,
    #[serde(default)]
    redaction: RedactionFileConfig,
    #[serde(default)]
    sources: std::collections::BTreeMap<String, SourceProfile>,
    #[serde(default)]
    jira: JiraFileConfig,
}

/// `[sources.NAME]`: a remote source used as `--source NAME`. Secrets are named (an env var,
/// a command), never written here.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct SourceProfile {
    kind: String,
    url: Option<String>,
    cloud_id: Option<String>,
    index: Option<String>,
    search: Option<String>,
    user: Option<String>,
    token_env: Option<String>,
    token_command: Option<String>,
    api_key_env: Option<String>,
    api_key_command: Option<String>,
    password_env: Option<String>,
    password_command: Option<String>,
    ca_cert: Option<String>,
    #[serde(default)]
    insecure: bool,
    timeout: Option<u64>,
    retries: Option<u32>,
    /// `http://proxy:3128`: this source's proxy (else HTTPS_PROXY/HTTP_PROXY); no credentials.
    proxy: Option<String>,
    proxy_user: Option<String>,
    proxy_password_env: Option<String>,
    // Accepted only to say why they are refused.
    token: Option<toml::Value>,
    password: Option<toml::Value>,
    api_key: Option<toml::Value>,
    proxy_password: Option<toml::Value>,
}

/// `[jira]`: the Jira base URL (the credentials come from the environment).
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct JiraFileConfig {
    url: Option<String>,
}

/// `[redaction]` in the config file: custom patterns and IPs, added to the flags.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RedactionFileConfig {
    /// `NAME=REGEX`, as `--redact` takes.
    #[serde(default)]
    custom: Vec<String>,
    #[serde(default)]
    ips: bool,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct CorrelationConfig {
    #[serde(default)]
    follow: Vec<String>,
    #[serde(default)]
    no_follow: Vec<String>,
    #[serde(default)]
    population: Vec<String>,
    /// `[[correlation.pattern]]`: regexes whose named groups are ids.
    #[serde(default)]
    pattern: Vec<PatternSpec>,
}

/// One `[[correlation.pattern]]` table.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PatternSpec {
    regex: String,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct TimeConfig {
    tz: Option<String>,
}

/// Everything a command needs, validated.
pub struct Config {
    pub command: CommandConfig,
    pub paths: Vec<String>,
    /// Read hidden directories found while walking a directory (`--hidden`).
    pub hidden: bool,
    pub json: bool,
    pub parser: Parser,
    pub read: ReadOptions,
    pub threads: Option<usize>,
    pub progress: bool,
    pub stdout_tty: bool,
    pub known_issues: KnownIssues,
    /// The command line as run, for the record.
    pub argv: Vec<String>,
    /// Remote sources searched with the paths (`--splunk`, `--elastic`, `--source`).
    pub remotes: Vec<RemoteSpec>,
    /// Most records per remote query.
    pub remote_limit: usize,
    /// The one redactor of everything casefile prints or writes and of the text signatures are
    /// mined from (`cluster`, `baseline`, `check`, `scan`): the config file's `[redaction]`,
    /// plus `--redact`/`--redact-ips` where a command takes them. (A bundle builds its own with
    /// the same settings.)
    pub redactor: crate::redact::Redactor,
    /// `events` and `trace` print through `redactor`; false with `--no-redact`.
    pub redact_output: bool,
}

pub enum CommandConfig {
    Scan,
    Events(EventFilter),
    Cluster(ClusterConfig),
    Bundle(Box<BundleConfig>),
    Baseline(BaselineConfig),
    Check(Box<CheckConfig>),
    Verify(PathBuf),
    Trace(TraceConfig),
    Requests(Box<RequestsConfig>),
    JiraAttach(Box<JiraConfig>),
}

/// `requests`.
pub struct RequestsConfig {
    /// `--around`: resolved against the logs' range when it is a time of day alone.
    pub around: Option<crate::when::Around>,
    pub within_ns: i64,
    pub since: Option<Timestamp>,
    pub until: Option<Timestamp>,
    pub wheres: Vec<crate::correlate::requests::Where>,
    pub failed: bool,
    pub status: Option<crate::correlate::requests::StatusFilter>,
    pub grep: Option<regex::bytes::Regex>,
    pub services: Vec<String>,
    pub top: Option<usize>,
    pub max_depth: u32,
    pub follow_hubs: std::collections::BTreeSet<String>,
}

/// `jira attach`.
pub struct JiraConfig {
    pub key: String,
    pub bundle: PathBuf,
    /// `None` only with `--dry-run`.
    pub url: Option<String>,
    pub auth: crate::remote::jira::Auth,
    pub api: u8,
    pub dry_run: bool,
    pub comment: bool,
    pub http: HttpOptions,
}

#[derive(Debug, Default)]
pub struct EventFilter {
    pub since: Option<Timestamp>,
    pub until: Option<Timestamp>,
    pub level: Option<Level>,
    pub services: Vec<String>,
    pub grep: Option<regex::bytes::Regex>,
}

pub struct ClusterConfig {
    pub filter: EventFilter,
    pub top: Option<usize>,
    pub plain: bool,
    pub assignments: Option<PathBuf>,
}

pub enum BaselineConfig {
    Learn { out: PathBuf },
    Merge { files: Vec<PathBuf>, out: PathBuf },
}

pub struct CheckConfig {
    pub baseline: crate::baseline::Baseline,
    pub fail_on: crate::baseline::FailOn,
    pub max_rate_increase: Option<f64>,
    pub junit: Option<PathBuf>,
    pub sarif: Option<PathBuf>,
    pub github: bool,
}

pub struct BundleConfig {
    pub trace: TraceConfig,
    pub window: Option<String>,
    pub out: PathBuf,
    pub redactor: Option<crate::redact::Redactor>,
    pub custom_names: Vec<String>,
    pub max_events: Option<usize>,
    pub source_date_epoch: Option<i64>,
    /// `--force`: replace what is at `out`.
    pub force: bool,
    /// `--allow-empty`: write the bundle even when no event holds an id.
    pub allow_empty: bool,
}

pub struct TraceConfig {
    pub ids: Vec<String>,
    pub since: Option<Timestamp>,
    pub until: Option<Timestamp>,
    pub window_ns: Option<i64>,
    pub max_depth: u32,
    /// Keys (normalised) named by `--follow` or the config file's `[correlation] follow`: their
    /// ids are followed even when they join many requests (hub ids, see `correlate`).
    pub follow_hubs: std::collections::BTreeSet<String>,
}

impl Config {
    pub fn from_cli(mut cli: Cli, argv: Vec<String>) -> Result<Config, ConfigError> {
        let common = match &mut cli.command {
            Command::Scan { common }
            | Command::Events { common, .. }
            | Command::Cluster { common, .. }
            | Command::Bundle { common, .. }
            | Command::Baseline { common, .. }
            | Command::Check { common, .. }
            | Command::Trace { common, .. }
            | Command::Requests { common, .. } => Some(common),
            Command::Verify { .. } | Command::Jira { .. } => None,
        };
        let (file, file_path) = load_file(common.as_ref().and_then(|c| c.config.as_deref()))?;
        if let Some(common) = common {
            // The config file's `[time] tz` is the default of `--tz`, for the logs' naive
            // timestamps and for a naive `--since`/`--until` alike.
            if common.tz.is_none() {
                common.tz = file.time.tz.clone();
            }
            if let Some(y) = common.year {
                if !(1900..=2200).contains(&y) {
                    return Err(ConfigError(format!(
                        "--year {y} is not a plausible year for log lines; give the year the \
                         logs were written in, e.g. --year 2026"
                    )));
                }
            }
        }
        let mut remote_args: Option<RemoteArgs> = None;
        let mut redaction = RedactArgs {
            no_redact: false,
            redact: Vec::new(),
            redact_ips: false,
        };
        let (common, command, follow) = match cli.command {
            Command::Scan { common } => (common, CommandConfig::Scan, None),
            Command::Events {
                common,
                filter,
                redact,
                remote,
            } => {
                let f = event_filter(&filter, &common)?;
                redaction = redact;
                remote_args = Some(remote);
                (common, CommandConfig::Events(f), None)
            }
            Command::Cluster {
                common,
                filter,
                cluster,
                remote,
            } => {
                let f = event_filter(&filter, &common)?;
                let c = cluster_config(f, &cluster)?;
                remote_args = Some(remote);
                (common, CommandConfig::Cluster(c), None)
            }
            Command::Bundle {
                id,
                common,
                trace,
                bundle,
                redact,
                remote,
            } => {
                let t = trace_config(&id, &trace, &common, &file.correlation.follow)?;
                let b = bundle_config(t, &bundle, &redact, &trace, &file.redaction)?;
                redaction = redact;
                remote_args = Some(remote);
                (common, CommandConfig::Bundle(Box::new(b)), Some(trace.keys))
            }
            Command::Jira {
                action:
                    JiraCommand::Attach {
                        key,
                        bundle,
                        api,
                        dry_run,
                        no_comment,
                        net,
                    },
            } => {
                let j = jira_config(key, bundle, api, dry_run, !no_comment, &net, &file.jira)?;
                (quiet_common(), CommandConfig::JiraAttach(Box::new(j)), None)
            }
            Command::Baseline { common, output } => {
                let merge = common.paths.first().is_some_and(|p| p == "merge");
                let mut common = common;
                let c = if merge {
                    let files: Vec<PathBuf> =
                        common.paths.drain(..).skip(1).map(PathBuf::from).collect();
                    if files.len() < 2 {
                        return Err(ConfigError(
                            "baseline merge needs two or more baselines: casefile baseline merge \
                             A.json B.json -o C.json"
                                .into(),
                        ));
                    }
                    BaselineConfig::Merge {
                        files,
                        out: PathBuf::from(&output),
                    }
                } else {
                    BaselineConfig::Learn {
                        out: PathBuf::from(&output),
                    }
                };
                (common, CommandConfig::Baseline(c), None)
            }
            Command::Check { common, check } => {
                let c = check_config(&check)?;
                (common, CommandConfig::Check(Box::new(c)), None)
            }
            Command::Verify { bundle } => (
                quiet_common(),
                CommandConfig::Verify(PathBuf::from(bundle)),
                None,
            ),
            Command::Requests {
                common,
                requests,
                redact,
                remote,
            } => {
                let r = requests_config(&requests, &common, &file.correlation.follow)?;
                redaction = redact;
                remote_args = Some(remote);
                (
                    common,
                    CommandConfig::Requests(Box::new(r)),
                    Some(requests.keys),
                )
            }
            Command::Trace {
                id,
                common,
                trace,
                redact,
                remote,
            } => {
                let t = trace_config(&id, &trace, &common, &file.correlation.follow)?;
                redaction = redact;
                remote_args = Some(remote);
                (common, CommandConfig::Trace(t), Some(trace.keys))
            }
        };
        let (redactor, _) = redactor_of(&redaction, &file.redaction)?;
        let redact_output = !redaction.no_redact;
        let (remotes, remote_limit) = match &remote_args {
            Some(r) => (remote_specs(r, &file.sources)?, r.remote_limit.max(1)),
            None => (Vec::new(), 1),
        };
        let tz = match common.tz.clone() {
            Some(name) => Some(parse_tz(&name)?),
            None => None,
        };
        let mut ids = IdKeys::default();
        for p in &file.correlation.population {
            let n = normalize_key(p);
            ids.follow.remove(&n);
            ids.population.insert(n);
        }
        ids.adjust(&file.correlation.follow, &file.correlation.no_follow);
        if let Some(t) = &follow {
            ids.adjust(&t.follow, &t.no_follow);
        }
        let parser = Parser::new(&file.dialect, ids).map_err(|e| {
            ConfigError(format!(
                "in the config file's [[dialect]] tables: {e}. See README, \"Dialects\", for \
                 the keys a dialect takes"
            ))
        })?;
        let parser = parser.with_patterns(id_patterns(&file.correlation, file_path.as_deref())?);
        if common.max_line < 1024 {
            return Err(ConfigError(format!(
                "--max-line {} is too small; use at least 1024 (bytes)",
                common.max_line
            )));
        }
        if common.threads == Some(0) {
            return Err(ConfigError(
                "--threads 0 makes no sense; leave it out to use all cores".into(),
            ));
        }
        let stdin_piped = !std::io::stdin().is_terminal();
        let paths = if common.paths.is_empty() && !remotes.is_empty() {
            Vec::new()
        } else if common.paths.is_empty() {
            vec![if stdin_piped { "-".into() } else { ".".into() }]
        } else {
            common.paths.clone()
        };
        let plain = matches!(&command, CommandConfig::Cluster(c) if c.plain);
        let known_issues = load_known_issues(common.known_issues.as_deref())?;
        Ok(Config {
            command,
            paths,
            hidden: common.hidden,
            json: common.json,
            parser,
            read: ReadOptions {
                max_line: common.max_line,
                year: common.year,
                date: match &common.date {
                    Some(d) => Some(parse_date(d)?),
                    None => None,
                },
                tz,
                plain,
                seek: !common.no_seek,
                disorder_ns: parse_duration(&common.disorder)
                    .filter(|d| *d >= 0)
                    .ok_or_else(|| {
                        ConfigError(format!(
                            "--disorder {:?}: not a duration; write it like 500ms, 60s, 5m or 1h",
                            common.disorder
                        ))
                    })?,
                ..ReadOptions::default()
            },
            threads: common.threads,
            progress: !common.no_progress && std::io::stderr().is_terminal(),
            stdout_tty: std::io::stdout().is_terminal(),
            known_issues,
            argv,
            remotes,
            remote_limit,
            redactor,
            redact_output,
        })
    }
}

fn quiet_common() -> Common {
    Common {
        paths: Vec::new(),
        json: false,
        tz: None,
        year: None,
        date: None,
        config: None,
        threads: None,
        max_line: 16 << 20,
        no_seek: false,
        disorder: "60s".into(),
        no_progress: true,
        hidden: false,
        known_issues: None,
    }
}

fn config_path(explicit: Option<&str>) -> Option<PathBuf> {
    if let Some(p) = explicit {
        return Some(PathBuf::from(p));
    }
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    let p = base.join("casefile").join("casefile.toml");
    p.exists().then_some(p)
}

/// The config file and where it was found (`None`: no file, the defaults).
fn load_file(explicit: Option<&str>) -> Result<(FileConfig, Option<PathBuf>), ConfigError> {
    let Some(path) = config_path(explicit) else {
        return Ok((FileConfig::default(), None));
    };
    let text = std::fs::read_to_string(&path).map_err(|e| {
        ConfigError(format!(
            "cannot read config file {}: {e}; check the path given to --config",
            path.display()
        ))
    })?;
    let file = toml::from_str(&text)
        .map_err(|e| ConfigError(format!("config file {} is not valid: {e}", path.display())))?;
    Ok((file, Some(path)))
}

/// `[[correlation.pattern]]` compiled; an error names the file, the pattern and the fix.
fn id_patterns(
    c: &CorrelationConfig,
    path: Option<&Path>,
) -> Result<crate::parse::patterns::IdPatterns, ConfigError> {
    let regexes: Vec<&str> = c.pattern.iter().map(|p| p.regex.as_str()).collect();
    crate::parse::patterns::IdPatterns::new(&regexes).map_err(|(i, e)| {
        let file = path.map_or_else(|| "the config file".into(), |p| p.display().to_string());
        ConfigError(format!(
            "config file {file}: [[correlation.pattern]] number {i}: {e}"
        ))
    })
}

/// `--date 2026-11-28`.
fn parse_date(s: &str) -> Result<jiff::civil::Date, ConfigError> {
    s.trim()
        .parse::<jiff::civil::Date>()
        .ok()
        .filter(|d| (1900..=2200).contains(&d.year()))
        .ok_or_else(|| {
            ConfigError(format!(
                "--date '{s}' is not a date; give the day the log's first line was written as \
                 YYYY-MM-DD, e.g. --date 2026-11-28"
            ))
        })
}

fn parse_tz(name: &str) -> Result<jiff::tz::TimeZone, ConfigError> {
    if name.eq_ignore_ascii_case("utc") || name == "Z" {
        return Ok(jiff::tz::TimeZone::UTC);
    }
    jiff::tz::TimeZone::get(name).map_err(|e| {
        ConfigError(format!(
            "unknown time zone '{name}' ({e}); use an IANA name such as Europe/Paris or \
             America/New_York (see /usr/share/zoneinfo), or UTC"
        ))
    })
}

/// `30s`, `2m`, `1h30m`, `500ms`, `1d` -> nanoseconds.
pub fn parse_duration(s: &str) -> Option<i64> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let mut total: i64 = 0;
    let mut num = String::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() || c == b'.' {
            num.push(c as char);
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_alphabetic() {
            i += 1;
        }
        let unit = &s[start..i];
        let n: f64 = num.parse().ok()?;
        num.clear();
        let mult: f64 = match unit {
            "ns" => 1.0,
            "us" | "µs" => 1e3,
            "ms" => 1e6,
            "s" | "sec" => 1e9,
            "m" | "min" => 60e9,
            "h" => 3600e9,
            "d" => 86_400e9,
            "w" => 7.0 * 86_400e9,
            _ => return None,
        };
        total = total.checked_add((n * mult) as i64)?;
    }
    if !num.is_empty() {
        return None; // a bare number: unit missing
    }
    Some(total)
}

/// RFC 3339 (naive is read in `tz`), `now`, or relative to now: `-15m`, `-2h`.
pub fn parse_time(s: &str, now: Timestamp, tctx: &TimeContext) -> Option<Timestamp> {
    let t = s.trim();
    if t == "now" {
        return Some(now);
    }
    if let Some(rel) = t.strip_prefix('-') {
        if let Some(d) = parse_duration(rel) {
            return Some(Timestamp(now.0 - d));
        }
    }
    tctx.parse(t)
}

pub fn now() -> Timestamp {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    Timestamp(d.as_nanos() as i64)
}

fn event_filter(f: &Filter, common: &Common) -> Result<EventFilter, ConfigError> {
    let tz = match &common.tz {
        Some(n) => Some(parse_tz(n)?),
        None => None,
    };
    let tctx = TimeContext {
        tz,
        year_hint: 1970,
        reference: None,
        ..Default::default()
    };
    let now = now();
    let time = |flag: &str, v: &Option<String>| -> Result<Option<Timestamp>, ConfigError> {
        match v {
            None => Ok(None),
            Some(s) => parse_time(s, now, &tctx).map(Some).ok_or_else(|| {
                ConfigError(format!(
                    "{flag} '{s}' is not a time; use RFC 3339 (2026-11-28T22:00:00Z, \
                     2026-11-28 23:00:00+01:00) or a relative time (-15m, -2h, now)"
                ))
            }),
        }
    };
    let since = time("--since", &f.since)?;
    let until = time("--until", &f.until)?;
    if let (Some(a), Some(b)) = (since, until) {
        if a >= b {
            return Err(ConfigError(format!(
                "--since {} is not before --until {}; the range is [since, until)",
                a, b
            )));
        }
    }
    let level = match &f.level {
        None => None,
        Some(l) => Some(Level::parse(l).ok_or_else(|| {
            ConfigError(format!(
                "--level '{l}' is not a level; use one of trace, debug, info, warn, error, fatal"
            ))
        })?),
    };
    let grep = match &f.grep {
        None => None,
        Some(re) => Some(regex::bytes::Regex::new(re).map_err(|e| {
            ConfigError(format!(
                "--grep is not a valid regular expression: {e}. Escape special characters \
                 with \\ (e.g. 'order\\.placed')"
            ))
        })?),
    };
    Ok(EventFilter {
        since,
        until,
        level,
        services: f.service.clone(),
        grep,
    })
}

fn cluster_config(filter: EventFilter, c: &ClusterArgs) -> Result<ClusterConfig, ConfigError> {
    if c.top == Some(0) {
        return Err(ConfigError(
            "--top 0 would show nothing; leave it out to show every signature".into(),
        ));
    }
    if c.plain && (filter.since.is_some() || filter.until.is_some() || filter.level.is_some()) {
        return Err(ConfigError(
            "--plain reads each line as a bare message without time or level, so --since, \
             --until and --level cannot apply; drop --plain to parse the logs' headers"
                .into(),
        ));
    }
    Ok(ClusterConfig {
        filter,
        top: c.top,
        plain: c.plain,
        assignments: c.assignments.as_ref().map(PathBuf::from),
    })
}

fn load_known_issues(flag: Option<&str>) -> Result<KnownIssues, ConfigError> {
    let path = flag.map(str::to_string).or_else(|| {
        Path::new("known-issues.toml")
            .exists()
            .then(|| "known-issues.toml".into())
    });
    match path {
        None => Ok(KnownIssues::default()),
        Some(p) => {
            let text = std::fs::read_to_string(&p).map_err(|e| {
                ConfigError(format!(
                    "cannot read --known-issues {p}: {e}; check the path"
                ))
            })?;
            KnownIssues::parse(&text, &p).map_err(ConfigError)
        }
    }
}

fn check_config(c: &CheckArgs) -> Result<CheckConfig, ConfigError> {
    let text = std::fs::read_to_string(&c.baseline).map_err(|e| {
        ConfigError(format!(
            "cannot read --baseline {}: {e}; make one from known-good logs with `casefile \
             baseline LOGS -o {}`",
            c.baseline, c.baseline
        ))
    })?;
    let baseline = crate::baseline::Baseline::parse(&text, &c.baseline).map_err(ConfigError)?;
    let fail_on = crate::baseline::FailOn::parse(&c.fail_on).ok_or_else(|| {
        ConfigError(format!(
            "--fail-on '{}' is not one of new-error, new-warn, new-any",
            c.fail_on
        ))
    })?;
    if let Some(x) = c.max_rate_increase {
        if !(x.is_finite() && x > 0.0) {
            return Err(ConfigError(format!(
                "--max-rate-increase {x} must be a positive number of times (e.g. 3)"
            )));
        }
    }
    let github = match c.format.as_deref() {
        None => false,
        Some("github") => true,
        Some(f) => {
            return Err(ConfigError(format!(
                "--format '{f}' is not known; the one format is github (JUnit and SARIF have \
                 --junit FILE and --sarif FILE)"
            )))
        }
    };
    Ok(CheckConfig {
        baseline,
        fail_on,
        max_rate_increase: c.max_rate_increase,
        junit: c.junit.as_ref().map(PathBuf::from),
        sarif: c.sarif.as_ref().map(PathBuf::from),
        github,
    })
}

/// The redactor `--no-redact`, `--redact` and `--redact-ips` ask for, with the config file's
/// `[redaction]`; `None` with `--no-redact`. Also the custom patterns' names.
fn redactor_of(
    b: &RedactArgs,
    file: &RedactionFileConfig,
) -> Result<(crate::redact::Redactor, Vec<String>), ConfigError> {
    let mut custom = Vec::new();
    for r in &file.custom {
        custom.push(
            crate::redact::parse_custom(r).map_err(|e| {
                ConfigError(format!("in the config file's [redaction] custom: {e}"))
            })?,
        );
    }
    for r in &b.redact {
        custom.push(crate::redact::parse_custom(r).map_err(ConfigError)?);
    }
    if b.no_redact && !b.redact.is_empty() {
        return Err(ConfigError(
            "--no-redact and --redact contradict each other; drop one".into(),
        ));
    }
    let custom_names = custom.iter().map(|(n, _)| n.clone()).collect();
    let redactor = crate::redact::Redactor::new(&crate::redact::RedactionConfig {
        ips: b.redact_ips || file.ips,
        custom,
    })
    .map_err(ConfigError)?;
    Ok((redactor, custom_names))
}

fn bundle_config(
    trace: TraceConfig,
    b: &BundleArgs,
    red: &RedactArgs,
    t: &TraceArgs,
    file: &RedactionFileConfig,
) -> Result<BundleConfig, ConfigError> {
    let (redactor, custom_names) = redactor_of(red, file)?;
    let redactor = (!red.no_redact).then_some(redactor);
    if b.max_events == Some(0) {
        return Err(ConfigError(
            "--max-events 0 would make an empty bundle; leave it out to keep every event".into(),
        ));
    }
    let source_date_epoch = match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) if !v.is_empty() => Some(v.trim().parse::<i64>().map_err(|_| {
            ConfigError(format!(
                "SOURCE_DATE_EPOCH='{v}' is not a number of seconds since 1970; unset it or \
                 set it to e.g. $(git log -1 --format=%ct)"
            ))
        })?),
        _ => None,
    };
    // `-o` is checked before any log is read: the name as given (`--no-redact` adds
    // `.unredacted`), then where it lands.
    let out_error = |out: &PathBuf, e: String| {
        ConfigError(format!(
            "writing output: cannot write the bundle {}: {e}",
            out.display()
        ))
    };
    let mut out = PathBuf::from(&b.output);
    crate::bundle::OutKind::of(&out).map_err(|e| out_error(&out, e))?;
    if red.no_redact {
        out = crate::bundle::unredacted_name(&out);
    }
    crate::bundle::check_output(&out, b.force).map_err(|e| out_error(&out, e.to_string()))?;
    Ok(BundleConfig {
        trace,
        window: t.window.clone(),
        out,
        redactor,
        custom_names,
        max_events: b.max_events,
        source_date_epoch,
        force: b.force,
        allow_empty: b.allow_empty,
    })
}

fn requests_config(
    r: &RequestsArgs,
    common: &Common,
    file_follow: &[String],
) -> Result<RequestsConfig, ConfigError> {
    let tz = match &common.tz {
        Some(n) => Some(parse_tz(n)?),
        None => None,
    };
    let around = match &r.around {
        Some(a) => Some(crate::when::parse_around(a, tz.as_ref()).map_err(ConfigError)?),
        None => None,
    };
    let within_ns = crate::when::parse_within(&r.within).map_err(ConfigError)?;
    let range = event_filter(
        &Filter {
            since: r.since.clone(),
            until: r.until.clone(),
            level: None,
            service: Vec::new(),
            grep: r.grep.clone(),
        },
        common,
    )?;
    let wheres = r
        .wheres
        .iter()
        .map(|w| crate::correlate::requests::Where::parse(w))
        .collect::<Result<Vec<_>, _>>()
        .map_err(ConfigError)?;
    let status = match &r.status {
        Some(s) => Some(crate::correlate::requests::StatusFilter::parse(s).map_err(ConfigError)?),
        None => None,
    };
    let (max_depth, follow_hubs) = follow_config(&r.keys, file_follow)?;
    if r.top == Some(0) {
        return Err(ConfigError(
            "--top 0 shows nothing; leave it out to see every request".into(),
        ));
    }
    Ok(RequestsConfig {
        around,
        within_ns,
        since: range.since,
        until: range.until,
        wheres,
        failed: r.failed,
        status,
        grep: range.grep,
        services: r.service.clone(),
        top: r.top,
        max_depth,
        follow_hubs,
    })
}

fn trace_config(
    id: &str,
    t: &TraceArgs,
    common: &Common,
    file_follow: &[String],
) -> Result<TraceConfig, ConfigError> {
    let range = event_filter(
        &Filter {
            since: t.since.clone(),
            until: t.until.clone(),
            level: None,
            service: Vec::new(),
            grep: None,
        },
        common,
    )?;
    let mut ids = vec![id.to_string()];
    ids.extend(t.ids.iter().cloned());
    for i in &ids {
        if i.trim().is_empty() || i.chars().any(char::is_whitespace) {
            return Err(ConfigError(format!(
                "the id '{i}' is empty or has spaces; ids are matched as whole tokens, give \
                 each one on its own (--id ID for more)"
            )));
        }
    }
    let window_ns = match &t.window {
        None => None,
        Some(w) => Some(parse_duration(w).ok_or_else(|| {
            ConfigError(format!(
                "--window '{w}' is not a duration; use e.g. 30s, 2m, 1h, 500ms"
            ))
        })?),
    };
    let (max_depth, follow_hubs) = follow_config(&t.keys, file_follow)?;
    Ok(TraceConfig {
        ids,
        since: range.since,
        until: range.until,
        window_ns,
        max_depth,
        follow_hubs,
    })
}

/// `--max-depth` checked, and the keys whose ids are followed even when they are hubs
/// (`--follow` and the config file's `[correlation] follow`, normalised).
fn follow_config(
    k: &FollowArgs,
    file_follow: &[String],
) -> Result<(u32, std::collections::BTreeSet<String>), ConfigError> {
    if k.max_depth > 32 {
        return Err(ConfigError(format!(
            "--max-depth {} is too deep; at most 32 (the default, 4, reaches request -> trace \
             -> job -> ...)",
            k.max_depth
        )));
    }
    let hubs = k
        .follow
        .iter()
        .chain(file_follow)
        .map(|k| normalize_key(k))
        .collect();
    Ok((k.max_depth, hubs))
}

// ---------------------------------------------------------------------------------------------
// Remote sources and Jira: URLs checked, secrets from the environment or a command only.

fn env_secret(name: &str) -> Option<Secret> {
    std::env::var(name)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .map(|v| Secret::new(v.trim()))
}

fn env_text(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// A secret named by a profile (`*_env` or `*_command`), else the default variable.
fn profile_secret(
    profile: &str,
    key: &str,
    env: Option<&str>,
    command: Option<&str>,
    default_env: &str,
) -> Result<Option<(Secret, String)>, ConfigError> {
    if let Some(cmd) = command {
        let what = format!("[sources.{profile}] {key}_command");
        return crate::remote::run_credential_command(cmd, &what)
            .map(|s| Some((s, what)))
            .map_err(ConfigError);
    }
    if let Some(var) = env {
        return match env_secret(var) {
            Some(s) => Ok(Some((s, var.to_string()))),
            None => Err(ConfigError(format!(
                "[sources.{profile}] {key}_env names {var}, which is not set (or is empty); \
                 export it, or use {key}_command"
            ))),
        };
    }
    Ok(env_secret(default_env).map(|s| (s, default_env.to_string())))
}

fn check_url(url: &str, what: &str, user_env: &str) -> Result<String, ConfigError> {
    let url = url.trim();
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err(ConfigError(format!(
            "{what} '{url}' is not a URL; give it with its scheme, e.g. https://host:port"
        )));
    };
    if scheme != "http" && scheme != "https" {
        return Err(ConfigError(format!(
            "{what} '{scheme}://...': only http:// and https:// are supported"
        )));
    }
    let host = rest.split('/').next().unwrap_or("");
    if host.contains('@') {
        return Err(ConfigError(format!(
            "{what}: the URL holds credentials; secrets never go on the command line (other \
             users see it in `ps`): remove them from the URL and set {user_env} and the \
             password variable instead"
        )));
    }
    if host.is_empty() {
        return Err(ConfigError(format!("{what} '{url}' has no host")));
    }
    Ok(url.trim_end_matches('/').to_string())
}

fn http_options(
    net: &NetArgs,
    ca_cert: Option<&str>,
    insecure: bool,
    timeout: Option<u64>,
    retries: Option<u32>,
) -> Result<HttpOptions, ConfigError> {
    let mut o = HttpOptions::default();
    if let Some(t) = net.timeout.or(timeout) {
        if t == 0 {
            return Err(ConfigError(
                "--timeout 0 would fail every request; give seconds, e.g. --timeout 30".into(),
            ));
        }
        o.connect_timeout = std::time::Duration::from_secs(t.min(30));
        o.read_timeout = std::time::Duration::from_secs(t);
    }
    if let Some(r) = net.retries.or(retries) {
        o.retries = r.min(20);
    }
    o.ca_cert = net.ca_cert.as_deref().or(ca_cert).map(PathBuf::from);
    if let Some(p) = &o.ca_cert {
        if !p.is_file() {
            return Err(ConfigError(format!(
                "--ca-cert {}: no such file; give the PEM file of your CA",
                p.display()
            )));
        }
    }
    o.insecure = net.insecure || insecure;
    o.proxy = crate::remote::ProxyOptions::from_env().map_err(ConfigError)?;
    Ok(o)
}

/// A profile's `proxy` (with `proxy_user` + `proxy_password_env`): its own proxy, for both
/// schemes. Credentials in the URL are refused, like every secret in the file.
fn profile_proxy(
    name: &str,
    p: &SourceProfile,
    mut http: HttpOptions,
) -> Result<HttpOptions, ConfigError> {
    if p.proxy_password.is_some() {
        return Err(ConfigError(format!(
            "[sources.{name}] proxy_password: secrets are never read from the config file; put \
             it in an environment variable and name it with proxy_password_env"
        )));
    }
    let Some(url) = &p.proxy else {
        if p.proxy_user.is_some() || p.proxy_password_env.is_some() {
            return Err(ConfigError(format!(
                "[sources.{name}] proxy_user/proxy_password_env need proxy = \"http://host:port\""
            )));
        }
        return Ok(http);
    };
    let mut proxy =
        crate::remote::http::parse_proxy(url, &format!("[sources.{name}] proxy"), false)
            .map_err(ConfigError)?;
    match (&p.proxy_user, &p.proxy_password_env) {
        (Some(user), Some(var)) => {
            let pw = env_secret(var).ok_or_else(|| {
                ConfigError(format!(
                    "[sources.{name}] proxy_password_env names {var}, which is not set (or is \
                     empty); export it"
                ))
            })?;
            proxy.user = Some(user.clone());
            proxy.password = Some(pw);
            proxy.from = format!("[sources.{name}] proxy ({var})");
        }
        (Some(_), None) | (None, Some(_)) => {
            return Err(ConfigError(format!(
                "[sources.{name}] a proxy login needs both proxy_user = \"...\" and \
                 proxy_password_env = \"VAR\" (the environment variable holding the password)"
            )))
        }
        (None, None) => {}
    }
    http.proxy = http.proxy.with_profile(proxy);
    Ok(http)
}

fn splunk_flag_auth() -> Result<crate::remote::splunk::Auth, ConfigError> {
    use crate::remote::splunk::Auth;
    if let Some(t) = env_secret("CASEFILE_SPLUNK_TOKEN") {
        return Ok(Auth::Token {
            token: t,
            from: "CASEFILE_SPLUNK_TOKEN".into(),
        });
    }
    match (
        env_text("CASEFILE_SPLUNK_USER"),
        env_secret("CASEFILE_SPLUNK_PASSWORD"),
    ) {
        (Some(user), Some(password)) => Ok(Auth::Login {
            user,
            password,
            from: "CASEFILE_SPLUNK_USER/CASEFILE_SPLUNK_PASSWORD".into(),
        }),
        _ => Err(ConfigError(
            "--splunk needs credentials: set CASEFILE_SPLUNK_TOKEN to a Splunk authentication \
             token (Splunk Web: Settings > Tokens), or CASEFILE_SPLUNK_USER and \
             CASEFILE_SPLUNK_PASSWORD"
                .into(),
        )),
    }
}

fn elastic_flag_auth() -> crate::remote::elastic::Auth {
    use crate::remote::elastic::Auth;
    if let Some(k) = env_secret("CASEFILE_ELASTIC_API_KEY") {
        return Auth::ApiKey {
            key: k,
            from: "CASEFILE_ELASTIC_API_KEY".into(),
        };
    }
    match (
        env_text("CASEFILE_ELASTIC_USER"),
        env_secret("CASEFILE_ELASTIC_PASSWORD"),
    ) {
        (Some(user), Some(password)) => Auth::Basic {
            user,
            password,
            from: "CASEFILE_ELASTIC_USER/CASEFILE_ELASTIC_PASSWORD".into(),
        },
        _ => Auth::None,
    }
}

fn remote_specs(
    r: &RemoteArgs,
    profiles: &std::collections::BTreeMap<String, SourceProfile>,
) -> Result<Vec<RemoteSpec>, ConfigError> {
    let mut out = Vec::new();
    if let Some(url) = &r.splunk {
        out.push(RemoteSpec {
            name: "splunk".into(),
            kind: SpecKind::Splunk {
                url: check_url(url, "--splunk", "CASEFILE_SPLUNK_USER")?,
                search: r.splunk_search.clone().unwrap_or_else(|| "index=*".into()),
                auth: splunk_flag_auth()?,
            },
            http: http_options(&r.net, None, false, None, None)?,
        });
    } else if r.splunk_search.is_some() {
        return Err(ConfigError(
            "--splunk-search needs --splunk URL (or a [sources.NAME] profile with `search`)".into(),
        ));
    }
    let elastic_url = match (&r.elastic, &r.elastic_cloud_id) {
        (Some(_), Some(_)) => {
            return Err(ConfigError(
                "give --elastic URL or --elastic-cloud-id ID, not both".into(),
            ))
        }
        (Some(u), None) => Some(check_url(u, "--elastic", "CASEFILE_ELASTIC_USER")?),
        (None, Some(id)) => Some(crate::remote::elastic::cloud_id_url(id).map_err(ConfigError)?),
        (None, None) => None,
    };
    if let Some(url) = elastic_url {
        out.push(RemoteSpec {
            name: "elastic".into(),
            kind: SpecKind::Elastic {
                url,
                index: r.elastic_index.clone().unwrap_or_else(|| "logs-*".into()),
                auth: elastic_flag_auth(),
            },
            http: http_options(&r.net, None, false, None, None)?,
        });
    } else if r.elastic_index.is_some() {
        return Err(ConfigError(
            "--elastic-index needs --elastic URL or --elastic-cloud-id ID".into(),
        ));
    }
    for name in &r.sources {
        let Some(p) = profiles.get(name) else {
            let known: Vec<&str> = profiles.keys().map(String::as_str).collect();
            return Err(ConfigError(format!(
                "--source {name}: no [sources.{name}] in the config file{}",
                if known.is_empty() {
                    " (it has no [sources.*] at all; see README, \"Remote sources\")".to_string()
                } else {
                    format!(" (it has: {})", known.join(", "))
                }
            )));
        };
        out.push(profile_spec(name, p, &r.net)?);
    }
    Ok(out)
}

/// The password of a profile's `user`: `password_env`, `password_command`, or `default_env`.
fn profile_password(
    name: &str,
    p: &SourceProfile,
    user: &str,
    default_env: &str,
) -> Result<(Secret, String), ConfigError> {
    profile_secret(
        name,
        "password",
        p.password_env.as_deref(),
        p.password_command.as_deref(),
        default_env,
    )?
    .ok_or_else(|| {
        ConfigError(format!(
            "[sources.{name}] user = {user:?} needs a password: password_env or \
             password_command (or {default_env})"
        ))
    })
}

fn profile_spec(name: &str, p: &SourceProfile, net: &NetArgs) -> Result<RemoteSpec, ConfigError> {
    for (field, present) in [
        ("token", p.token.is_some()),
        ("password", p.password.is_some()),
        ("api_key", p.api_key.is_some()),
    ] {
        if present {
            return Err(ConfigError(format!(
                "[sources.{name}] {field}: secrets are never read from the config file; put it \
                 in an environment variable and name it with {field}_env, or give \
                 {field}_command (a command that prints it, e.g. `pass show ...`)"
            )));
        }
    }
    let http = http_options(net, p.ca_cert.as_deref(), p.insecure, p.timeout, p.retries)?;
    let http = profile_proxy(name, p, http)?;
    let url_of = |user_env: &str| -> Result<String, ConfigError> {
        match (&p.url, &p.cloud_id) {
            (Some(u), _) => check_url(u, &format!("[sources.{name}] url"), user_env),
            (None, Some(id)) if p.kind == "elastic" => {
                crate::remote::elastic::cloud_id_url(id).map_err(ConfigError)
            }
            _ => Err(ConfigError(format!(
                "[sources.{name}] has no url; add url = \"https://host:port\""
            ))),
        }
    };
    let user = p.user.clone();
    let kind = match p.kind.as_str() {
        "splunk" => {
            use crate::remote::splunk::Auth;
            let token = profile_secret(
                name,
                "token",
                p.token_env.as_deref(),
                p.token_command.as_deref(),
                "CASEFILE_SPLUNK_TOKEN",
            )?;
            let auth = match (token, user) {
                (Some((token, from)), _) => Auth::Token { token, from },
                (None, Some(user)) => {
                    let pw = profile_password(name, p, &user, "CASEFILE_SPLUNK_PASSWORD")?;
                    Auth::Login {
                        user,
                        password: pw.0,
                        from: pw.1,
                    }
                }
                (None, None) => {
                    return Err(ConfigError(format!(
                        "[sources.{name}] needs credentials: token_env or token_command (or \
                         CASEFILE_SPLUNK_TOKEN), or user with password_env/password_command"
                    )))
                }
            };
            SpecKind::Splunk {
                url: url_of("CASEFILE_SPLUNK_USER")?,
                search: p.search.clone().unwrap_or_else(|| "index=*".into()),
                auth,
            }
        }
        "elastic" | "elasticsearch" | "opensearch" => {
            use crate::remote::elastic::Auth;
            let key = profile_secret(
                name,
                "api_key",
                p.api_key_env.as_deref(),
                p.api_key_command.as_deref(),
                "CASEFILE_ELASTIC_API_KEY",
            )?;
            let auth = match (key, user) {
                (Some((key, from)), _) => Auth::ApiKey { key, from },
                (None, Some(user)) => {
                    let pw = profile_password(name, p, &user, "CASEFILE_ELASTIC_PASSWORD")?;
                    Auth::Basic {
                        user,
                        password: pw.0,
                        from: pw.1,
                    }
                }
                (None, None) => Auth::None,
            };
            SpecKind::Elastic {
                url: url_of("CASEFILE_ELASTIC_USER")?,
                index: p.index.clone().unwrap_or_else(|| "logs-*".into()),
                auth,
            }
        }
        other => {
            return Err(ConfigError(format!(
                "[sources.{name}] kind = {other:?}: use \"splunk\" or \"elastic\" (OpenSearch \
                 too)"
            )))
        }
    };
    Ok(RemoteSpec {
        name: name.to_string(),
        kind,
        http,
    })
}

fn jira_config(
    key: String,
    bundle: String,
    api: u8,
    dry_run: bool,
    comment: bool,
    net: &NetArgs,
    file: &JiraFileConfig,
) -> Result<JiraConfig, ConfigError> {
    use crate::remote::jira::Auth;
    if api != 2 && api != 3 {
        return Err(ConfigError(format!(
            "--api {api}: use 3 (Jira Cloud) or 2 (Jira Data Center / Server)"
        )));
    }
    let valid_key = key.split_once('-').is_some_and(|(p, n)| {
        !p.is_empty()
            && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !n.is_empty()
            && n.bytes().all(|b| b.is_ascii_digit())
    });
    if !valid_key {
        return Err(ConfigError(format!(
            "'{key}' is not an issue key; give it as PROJECT-123"
        )));
    }
    let url = match env_text("CASEFILE_JIRA_URL").or(file.url.clone()) {
        Some(u) => Some(check_url(&u, "CASEFILE_JIRA_URL", "CASEFILE_JIRA_EMAIL")?),
        None if dry_run => None,
        None => {
            return Err(ConfigError(
                "jira attach needs the Jira URL: set CASEFILE_JIRA_URL (e.g. \
                 https://acme.atlassian.net) or [jira] url in the config file"
                    .into(),
            ))
        }
    };
    let auth =
        match (
            env_secret("CASEFILE_JIRA_PAT"),
            env_text("CASEFILE_JIRA_EMAIL"),
            env_secret("CASEFILE_JIRA_TOKEN"),
        ) {
            (_, Some(email), Some(token)) => Auth::Basic { email, token },
            (Some(pat), _, _) => Auth::Pat(pat),
            _ if dry_run => Auth::None,
            _ => return Err(ConfigError(
                "jira attach needs credentials: CASEFILE_JIRA_EMAIL and CASEFILE_JIRA_TOKEN (Jira \
                 Cloud: an API token from your Atlassian account's Security page), or \
                 CASEFILE_JIRA_PAT (Data Center: a personal access token)"
                    .into(),
            )),
        };
    Ok(JiraConfig {
        key,
        bundle: PathBuf::from(bundle),
        url,
        auth,
        api,
        dry_run,
        comment,
        http: http_options(net, None, false, None, None)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30s"), Some(30_000_000_000));
        assert_eq!(parse_duration("2m"), Some(120_000_000_000));
        assert_eq!(parse_duration("1h30m"), Some(5_400_000_000_000));
        assert_eq!(parse_duration("500ms"), Some(500_000_000));
        assert_eq!(parse_duration("1.5s"), Some(1_500_000_000));
        assert_eq!(parse_duration("15"), None);
        assert_eq!(parse_duration("abc"), None);
    }

    #[test]
    fn relative_times() {
        let now = Timestamp::from_secs(1_000_000);
        let ctx = TimeContext::default();
        assert_eq!(
            parse_time("-15m", now, &ctx),
            Some(Timestamp::from_secs(1_000_000 - 900))
        );
        assert_eq!(parse_time("now", now, &ctx), Some(now));
        assert!(parse_time("2026-11-28T22:00:00Z", now, &ctx).is_some());
        assert!(parse_time("yesterday", now, &ctx).is_none());
    }

    /// Issue 18: the `--plain` error carried 14 stray spaces from a string continued without
    /// its backslash.
    #[test]
    fn plain_with_filters_teaches_the_fix_in_one_clean_sentence() {
        let filter = EventFilter {
            since: None,
            until: None,
            level: Some(Level::Warn),
            services: Vec::new(),
            grep: None,
        };
        let args = crate::cli::ClusterArgs {
            top: None,
            plain: true,
            assignments: None,
        };
        let Err(ConfigError(msg)) = cluster_config(filter, &args) else {
            panic!("--plain with --level must be refused");
        };
        assert_eq!(
            msg,
            "--plain reads each line as a bare message without time or level, so --since, \
             --until and --level cannot apply; drop --plain to parse the logs' headers"
        );
        assert!(!msg.contains("  "), "{msg}");
    }
}
