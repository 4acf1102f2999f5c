//! CI renderings of `check` findings: JUnit XML, SARIF 2.1.0 and GitHub workflow commands.
//!
//! Every rendering is a pure function of its arguments: no timestamps, host names or durations,
//! and findings are emitted in the order given, so the same findings always give the same bytes.

use serde::Serialize;
use std::fmt::Write as _;

/// A known issue that a new signature matched (title, and a link and/or Jira key if known).
#[derive(Clone, Debug, serde::Serialize)]
pub struct KnownIssue {
    pub title: String,
    pub url: Option<String>,
    pub jira: Option<String>,
}

/// One NEW error signature found by `check`: not in the baseline.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Finding {
    /// 16 hex digit signature id.
    pub signature: String,
    /// The log template, e.g. `payment provider <*> rejected token <HEX>`.
    pub template: String,
    /// trace|debug|info|warn|error|fatal|none
    pub level: String,
    pub count: u64,
    /// File of the first occurrence, relative path as given.
    pub source: String,
    /// 1-based line of the first occurrence.
    pub line: u64,
    /// The first occurrence's raw text (may be multi-line and contain any character).
    pub example: String,
    pub known_issue: Option<KnownIssue>,
}

/// The three severities every CI format distinguishes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Severity {
    Error,
    Warning,
    Note,
}

fn severity(level: &str) -> Severity {
    match level.trim().to_ascii_lowercase().as_str() {
        "error" | "fatal" | "critical" => Severity::Error,
        "warn" | "warning" => Severity::Warning,
        _ => Severity::Note,
    }
}

fn known_issue_text(k: &KnownIssue) -> String {
    let mut s = k.title.clone();
    if let Some(url) = &k.url {
        let _ = write!(s, " <{url}>");
    }
    if let Some(jira) = &k.jira {
        let _ = write!(s, " [{jira}]");
    }
    s
}

// ---------------------------------------------------------------------------------------------
// JUnit XML
// ---------------------------------------------------------------------------------------------

/// Characters allowed by XML 1.0 (production [2] `Char`): #x9 | #xA | #xD | [#x20-#xD7FF] |
/// [#xE000-#xFFFD] | [#x10000-#x10FFFF]. Everything else cannot appear even as a character
/// reference, so it is dropped.
fn xml_char_ok(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// Escape for element content. `>` is escaped too so `]]>` can never appear; `\r` becomes a
/// character reference so parsers do not normalise `\r\n` to `\n`.
fn xml_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().filter(|&c| xml_char_ok(c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

/// Escape for a double-quoted attribute value. Tab, LF and CR become character references,
/// since attribute-value normalisation would otherwise turn them into spaces.
fn xml_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().filter(|&c| xml_char_ok(c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

/// JUnit XML: one `<testsuite name=suite>` inside `<testsuites>`, one failing `<testcase>` per
/// finding, or a single passing test case `no new signatures (<known> known)` when there are none.
/// `known` (the number of baseline signatures seen again) is also given as a suite property.
pub fn junit(findings: &[Finding], known: usize, suite: &str) -> String {
    let tests = findings.len().max(1);
    let failures = findings.len();
    let mut x = String::new();
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        x,
        "<testsuites name=\"casefile check\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" time=\"0\">"
    );
    let _ = writeln!(
        x,
        "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\" time=\"0\">",
        xml_attr(suite)
    );
    x.push_str("    <properties>\n");
    let _ = writeln!(
        x,
        "      <property name=\"casefile.new_signatures\" value=\"{failures}\"/>"
    );
    let _ = writeln!(
        x,
        "      <property name=\"casefile.known_signatures\" value=\"{known}\"/>"
    );
    x.push_str("    </properties>\n");
    if findings.is_empty() {
        let _ = writeln!(
            x,
            "    <testcase classname=\"casefile\" name=\"{}\" time=\"0\"/>",
            xml_attr(&format!("no new signatures ({known} known)"))
        );
    }
    for f in findings {
        let name = format!("new signature {}: {}", f.signature, f.template);
        let message = format!(
            "new signature {} seen {}x: {}",
            f.signature, f.count, f.template
        );
        let mut body = format!(
            "count: {}\nfirst occurrence: {}:{}\n",
            f.count, f.source, f.line
        );
        if let Some(k) = &f.known_issue {
            let _ = writeln!(body, "known issue: {}", known_issue_text(k));
        }
        let _ = write!(body, "example:\n{}", f.example);
        let _ = writeln!(
            x,
            "    <testcase classname=\"{}\" name=\"{}\" time=\"0\">",
            xml_attr(&f.level),
            xml_attr(&name)
        );
        let _ = writeln!(
            x,
            "      <failure message=\"{}\" type=\"new-signature\">{}</failure>",
            xml_attr(&message),
            xml_text(&body)
        );
        x.push_str("    </testcase>\n");
    }
    x.push_str("  </testsuite>\n</testsuites>\n");
    x
}

// ---------------------------------------------------------------------------------------------
// SARIF 2.1.0
// ---------------------------------------------------------------------------------------------

const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

#[derive(Serialize)]
struct SarifLog<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
struct Run<'a> {
    tool: Tool<'a>,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

// informationUri is left out on purpose: it is optional, and a made-up URL would be worse than
// none in code-scanning UIs.
#[derive(Serialize)]
struct Driver<'a> {
    name: &'static str,
    version: &'a str,
    rules: Vec<Rule<'a>>,
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct OwnedText {
    text: String,
}

#[derive(Serialize)]
struct Rule<'a> {
    id: &'a str,
    #[serde(rename = "shortDescription")]
    short_description: Text<'a>,
}

#[derive(Serialize)]
struct SarifResult<'a> {
    #[serde(rename = "ruleId")]
    rule_id: &'a str,
    #[serde(rename = "ruleIndex")]
    rule_index: usize,
    level: &'static str,
    message: OwnedText,
    locations: [Location; 1],
    #[serde(rename = "partialFingerprints")]
    partial_fingerprints: Fingerprints<'a>,
    properties: ResultProperties<'a>,
}

#[derive(Serialize)]
struct Location {
    #[serde(rename = "physicalLocation")]
    physical_location: PhysicalLocation,
}

#[derive(Serialize)]
struct PhysicalLocation {
    #[serde(rename = "artifactLocation")]
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
struct Region {
    #[serde(rename = "startLine")]
    start_line: u64,
}

#[derive(Serialize)]
struct Fingerprints<'a> {
    #[serde(rename = "casefileSignature/v1")]
    signature: &'a str,
}

#[derive(Serialize)]
struct ResultProperties<'a> {
    count: u64,
    #[serde(rename = "logLevel")]
    log_level: &'a str,
    #[serde(rename = "knownIssue", skip_serializing_if = "Option::is_none")]
    known_issue: Option<&'a KnownIssue>,
}

/// A relative path as a SARIF `uri` (a URI reference, RFC 3986): backslashes become `/`, and every
/// byte outside the unreserved set, sub-delims, `@` and `/` is percent-encoded (so a space, `%`,
/// `#`, `?`, `:` or non-ASCII name stays one path and never turns into a scheme or fragment).
fn sarif_uri(source: &str) -> String {
    let path = source.replace('\\', "/");
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'/'
                    | b'@'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
            );
        if keep {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn sarif_level(level: &str) -> &'static str {
    match severity(level) {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// SARIF 2.1.0 log with one run: a rule per distinct signature (in order of first appearance)
/// and a result per finding, located at its first occurrence. Pretty-printed JSON.
pub fn sarif(findings: &[Finding], tool_version: &str) -> String {
    let mut rules: Vec<Rule> = Vec::new();
    let mut results = Vec::with_capacity(findings.len());
    for f in findings {
        let rule_index = match rules.iter().position(|r| r.id == f.signature) {
            Some(i) => i,
            None => {
                rules.push(Rule {
                    id: &f.signature,
                    short_description: Text { text: &f.template },
                });
                rules.len() - 1
            }
        };
        let mut text = format!("New log signature: {} ({}x)", f.template, f.count);
        if let Some(k) = &f.known_issue {
            let _ = write!(text, ". Known issue: {}", known_issue_text(k));
        }
        results.push(SarifResult {
            rule_id: &f.signature,
            rule_index,
            level: sarif_level(&f.level),
            message: OwnedText { text },
            locations: [Location {
                physical_location: PhysicalLocation {
                    artifact_location: ArtifactLocation {
                        uri: sarif_uri(&f.source),
                    },
                    // SARIF requires startLine >= 1.
                    region: Region {
                        start_line: f.line.max(1),
                    },
                },
            }],
            partial_fingerprints: Fingerprints {
                signature: &f.signature,
            },
            properties: ResultProperties {
                count: f.count,
                log_level: &f.level,
                known_issue: f.known_issue.as_ref(),
            },
        });
    }
    let log = SarifLog {
        schema: SARIF_SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "casefile",
                    version: tool_version,
                    rules,
                },
            },
            results,
        }],
    };
    let mut s = serde_json::to_string_pretty(&log).expect("SARIF serialises");
    s.push('\n');
    s
}

// ---------------------------------------------------------------------------------------------
// GitHub Actions workflow commands
// ---------------------------------------------------------------------------------------------

// Escaping as in GitHub's own toolkit, actions/toolkit packages/core/src/command.ts:
//   escapeData(s):     % -> %25, \r -> %0D, \n -> %0A
//   escapeProperty(s): the same, then also : -> %3A and , -> %2C
// (`%` first, so the escapes themselves are not re-escaped.) The runner undoes exactly these.

/// `escapeData` from actions/toolkit core/src/command.ts: the message after the final `::`.
fn gh_escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// `escapeProperty` from actions/toolkit core/src/command.ts: a `key=value` property value.
fn gh_escape_property(s: &str) -> String {
    gh_escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// One workflow command per finding:
/// `::error file=<source>,line=<line>,title=casefile new signature <id>::<template> (<count>x)`;
/// `warning` for warn-level findings, `notice` below that.
pub fn github(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let command = match severity(&f.level) {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let _ = writeln!(
            out,
            "::{command} file={},line={},title={}::{}",
            gh_escape_property(&f.source),
            f.line,
            gh_escape_property(&format!("casefile new signature {}", f.signature)),
            gh_escape_data(&format!("{} ({}x)", f.template, f.count)),
        );
    }
    out
}
