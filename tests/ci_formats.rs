//! `casefile::report::ci` renderings checked against the real schemas (vendored in
//! tests/schemas/, see the README there): SARIF with Python `jsonschema` against the OASIS
//! SARIF 2.1.0 schema, JUnit with Python `xmlschema` against Jenkins' junit-10.xsd.
//! The validators come from the test venv (`common::test_venv`, hash-pinned in
//! `.ci/test-servers.txt`), which the tests install for themselves.

mod common;

use casefile::report::ci::{github, junit, sarif, Finding, KnownIssue};
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The fix a validation script names when its module is missing from the test venv.
const PIP_LINE: &str = "bash .ci/setup-test-servers";

fn schemas() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("schemas")
}

fn finding(
    sig: &str,
    template: &str,
    level: &str,
    source: &str,
    line: u64,
    example: &str,
) -> Finding {
    Finding {
        signature: sig.to_string(),
        template: template.to_string(),
        level: level.to_string(),
        count: 3,
        source: source.to_string(),
        line,
        example: example.to_string(),
        known_issue: None,
    }
}

/// Findings with everything hostile we can think of, at every level.
fn hostile() -> Vec<Finding> {
    let mut a = finding(
        "0123456789abcdef",
        "payment provider <*> rejected token <HEX> & \"quoted\" 'single' ]]> done",
        "error",
        "logs/payments/payments.log",
        42,
        "2024-05-01T10:00:00Z ERROR <payments> a&b ]]> \u{1}bell\u{7}\u{0}\u{b}\u{c}\u{1b}[31m \u{fffe}\u{ffff}\r\n  at line two\tTAB\n  <![CDATA[ x ]]> \"q\" 'a' \u{e9}\u{1F600}",
    );
    a.known_issue = Some(KnownIssue {
        title: "PAY-1 <token> & \"rejections\"".into(),
        url: Some("https://tracker.invalid/PAY-1?a=1&b=2".into()),
        jira: Some("PAY-1".into()),
    });
    let b = finding(
        "fedcba9876543210",
        "disk at 99% full, retry: <NUM>\nsecond line\r",
        "warn",
        "logs/my dir/db:1,2%.log",
        7,
        "line \u{1}",
    );
    let c = finding(
        "00000000deadbeef",
        "cache miss for <*>",
        "info",
        "logs\\win\\a.log",
        1,
        "cache miss for k",
    );
    let d = finding("1111222233334444", "fatal: <*>", "fatal", "x.log", 0, "");
    // Same signature a second time (seen in another file): one rule, two results.
    let mut e = finding(
        "0123456789abcdef",
        "payment provider <*> rejected token <HEX> & \"quoted\" 'single' ]]> done",
        "error",
        "logs/b.log",
        9,
        "again",
    );
    e.count = 1;
    vec![a, b, c, d, e]
}

fn tmpfile(ext: &str, content: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let p = std::env::temp_dir().join(format!(
        "casefile-ci-formats-{}-{}.{ext}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::write(&p, content).unwrap();
    p
}

fn python(script: &str, args: &[&str]) -> String {
    let out = Command::new(common::venv_python())
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("the test venv's python (common::test_venv) validates against the schemas");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "python3 failed:\n{stdout}\n{stderr}");
    stdout
}

const SARIF_CHECK: &str = r#"
import json, sys
try:
    import jsonschema
except ImportError:
    sys.exit("python module jsonschema is missing from target/test-venv: run  bash .ci/setup-test-servers")
schema = json.load(open(sys.argv[1], encoding="utf-8"))
doc = json.load(open(sys.argv[2], encoding="utf-8"))
# Use the draft the schema declares ($schema: draft-04 for SARIF 2.1.0).
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
errors = sorted(cls(schema).iter_errors(doc), key=lambda e: list(e.absolute_path))
for e in errors:
    print("INVALID at", list(e.absolute_path), ":", e.message)
if errors:
    sys.exit(1)
print("valid", cls.__name__)
"#;

fn validate_sarif(doc: &str) {
    let schema = schemas().join("sarif-schema-2.1.0.json");
    let f = tmpfile("sarif", doc);
    let out = python(
        SARIF_CHECK,
        &[schema.to_str().unwrap(), f.to_str().unwrap()],
    );
    let _ = std::fs::remove_file(&f);
    assert!(out.contains("valid Draft4Validator"), "{out}");
}

const JUNIT_CHECK: &str = r#"
import json, sys
try:
    import xmlschema
except ImportError:
    sys.exit("python module xmlschema is missing: run  " + sys.argv[3] + "  (CI installs it)")
import xml.etree.ElementTree as ET
xs = xmlschema.XMLSchema(sys.argv[1])
xs.validate(sys.argv[2])
root = ET.parse(sys.argv[2]).getroot()
suites = root.findall("testsuite")
out = {"root": root.tag, "suites": []}
for s in suites:
    out["suites"].append({
        "attrs": dict(s.attrib),
        "properties": {p.get("name"): p.get("value") for p in s.iter("property")},
        "cases": [{
            "attrs": dict(c.attrib),
            "failures": [{"attrs": dict(f.attrib), "text": f.text or ""} for f in c.findall("failure")],
            "children": len(list(c)),
        } for c in s.findall("testcase")],
    })
print(json.dumps(out))
"#;

/// Validates against junit-10.xsd and returns what a real XML parser read back.
fn validate_junit(doc: &str) -> serde_json::Value {
    let xsd = schemas().join("junit-10.xsd");
    let f = tmpfile("xml", doc);
    let out = python(
        JUNIT_CHECK,
        &[xsd.to_str().unwrap(), f.to_str().unwrap(), PIP_LINE],
    );
    let _ = std::fs::remove_file(&f);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("bad output {e}: {out}"))
}

/// What should survive XML: the text minus characters XML 1.0 cannot carry.
fn xml_clean(s: &str) -> String {
    s.chars()
        .filter(|&c| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}'))
        .collect()
}

#[test]
fn junit_validates_and_round_trips_hostile_findings() {
    let findings = hostile();
    let xml = junit(&findings, 17, "casefile check <build #12> & \"co\"");
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
    assert!(!xml.contains('\u{1}') && !xml.contains('\u{0}') && !xml.contains('\u{1b}'));
    assert!(!xml.contains("]]>"), "]]> must never appear raw");
    assert!(!xml.contains("timestamp") && !xml.contains("hostname"));

    let v = validate_junit(&xml);
    assert_eq!(v["root"], "testsuites");
    let suites = v["suites"].as_array().unwrap();
    assert_eq!(suites.len(), 1);
    let s = &suites[0];
    assert_eq!(s["attrs"]["name"], "casefile check <build #12> & \"co\"");
    assert_eq!(s["attrs"]["tests"], "5");
    assert_eq!(s["attrs"]["failures"], "5");
    assert_eq!(s["attrs"]["errors"], "0");
    assert_eq!(s["attrs"]["skipped"], "0");
    assert_eq!(s["properties"]["casefile.known_signatures"], "17");
    let cases = s["cases"].as_array().unwrap();
    assert_eq!(cases.len(), findings.len());
    for (c, f) in cases.iter().zip(&findings) {
        assert_eq!(c["attrs"]["classname"], f.level.as_str());
        assert_eq!(
            c["attrs"]["name"],
            xml_clean(&format!("new signature {}: {}", f.signature, f.template)).as_str()
        );
        let fails = c["failures"].as_array().unwrap();
        assert_eq!(fails.len(), 1);
        assert_eq!(fails[0]["attrs"]["type"], "new-signature");
        let msg = fails[0]["attrs"]["message"].as_str().unwrap();
        assert!(msg.contains(&xml_clean(&f.template)), "{msg:?}");
        let text = fails[0]["text"].as_str().unwrap();
        assert!(text.contains(&format!("count: {}\n", f.count)), "{text:?}");
        assert!(
            text.contains(&format!("first occurrence: {}:{}\n", f.source, f.line)),
            "{text:?}"
        );
        // The parser gives back the example exactly (CR and tabs included), minus illegal chars.
        assert!(
            text.ends_with(&format!("example:\n{}", xml_clean(&f.example))),
            "{text:?}"
        );
        if let Some(k) = &f.known_issue {
            assert!(
                text.contains(&k.title) && text.contains("PAY-1?a=1&b=2"),
                "{text:?}"
            );
        }
    }
    // The template's newline/CR survive inside the attribute (not normalised to spaces).
    assert_eq!(
        cases[1]["attrs"]["name"],
        "new signature fedcba9876543210: disk at 99% full, retry: <NUM>\nsecond line\r"
    );
}

#[test]
fn junit_zero_findings_is_one_passing_case() {
    let xml = junit(&[], 42, "casefile");
    let v = validate_junit(&xml);
    let s = &v["suites"][0];
    assert_eq!(s["attrs"]["tests"], "1");
    assert_eq!(s["attrs"]["failures"], "0");
    assert_eq!(s["attrs"]["errors"], "0");
    let cases = s["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 1);
    assert_eq!(cases[0]["attrs"]["name"], "no new signatures (42 known)");
    assert_eq!(cases[0]["children"], 0, "passing case has no failure");
}

#[test]
fn sarif_validates_against_the_oasis_schema() {
    let findings = hostile();
    let doc = sarif(&findings, "0.1.0");
    validate_sarif(&doc);

    let v: serde_json::Value = serde_json::from_str(&doc).unwrap();
    assert_eq!(
        v["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    assert_eq!(v["version"], "2.1.0");
    let runs = v["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "casefile");
    assert_eq!(driver["version"], "0.1.0");
    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 4, "one rule per distinct signature");
    assert_eq!(rules[0]["id"], "0123456789abcdef");
    assert_eq!(
        rules[0]["shortDescription"]["text"],
        findings[0].template.as_str()
    );

    let results = runs[0]["results"].as_array().unwrap();
    assert_eq!(results.len(), findings.len());
    let levels: Vec<&str> = results
        .iter()
        .map(|r| r["level"].as_str().unwrap())
        .collect();
    assert_eq!(levels, ["error", "warning", "note", "error", "error"]);
    for (r, f) in results.iter().zip(&findings) {
        assert_eq!(r["ruleId"], f.signature.as_str());
        assert_eq!(
            rules[r["ruleIndex"].as_u64().unwrap() as usize]["id"],
            f.signature.as_str()
        );
        assert_eq!(
            r["partialFingerprints"]["casefileSignature/v1"],
            f.signature.as_str()
        );
        let text = r["message"]["text"].as_str().unwrap();
        assert!(
            text.contains(&f.template) && text.contains(&format!("({}x)", f.count)),
            "{text}"
        );
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(!uri.contains([' ', '\\', ':', '#', '?']), "{uri}");
        let line = r["locations"][0]["physicalLocation"]["region"]["startLine"]
            .as_u64()
            .unwrap();
        assert_eq!(line, f.line.max(1));
    }
    let uris: Vec<&str> = results
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(
        uris,
        [
            "logs/payments/payments.log",
            "logs/my%20dir/db%3A1,2%25.log",
            "logs/win/a.log",
            "x.log",
            "logs/b.log"
        ]
    );
    let known = results[0]["message"]["text"].as_str().unwrap();
    assert!(
        known.contains("PAY-1 <token>") && known.contains("https://tracker.invalid/PAY-1?a=1&b=2"),
        "{known}"
    );
    // The example's control characters are JSON-escaped, never raw.
    assert!(!doc.contains('\u{1}'));
}

#[test]
fn sarif_zero_findings_is_valid() {
    let doc = sarif(&[], "9.9.9-dev+abc");
    validate_sarif(&doc);
    let v: serde_json::Value = serde_json::from_str(&doc).unwrap();
    assert_eq!(v["runs"][0]["results"].as_array().unwrap().len(), 0);
    assert_eq!(
        v["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
}

#[test]
fn github_commands_exact() {
    let findings = hostile();
    let out = github(&findings);
    let expected = concat!(
        "::error file=logs/payments/payments.log,line=42,title=casefile new signature 0123456789abcdef::",
        "payment provider <*> rejected token <HEX> & \"quoted\" 'single' ]]> done (3x)\n",
        "::warning file=logs/my dir/db%3A1%2C2%25.log,line=7,title=casefile new signature fedcba9876543210::",
        "disk at 99%25 full, retry: <NUM>%0Asecond line%0D (3x)\n",
        "::notice file=logs\\win\\a.log,line=1,title=casefile new signature 00000000deadbeef::cache miss for <*> (3x)\n",
        "::error file=x.log,line=0,title=casefile new signature 1111222233334444::fatal: <*> (3x)\n",
        "::error file=logs/b.log,line=9,title=casefile new signature 0123456789abcdef::",
        "payment provider <*> rejected token <HEX> & \"quoted\" 'single' ]]> done (1x)\n",
    );
    assert_eq!(out, expected);
    assert_eq!(
        out.lines().count(),
        findings.len(),
        "one line per finding, newlines escaped"
    );
    assert_eq!(github(&[]), "");
}

#[test]
fn github_levels() {
    let lv = |l: &str| github(&[finding("aaaaaaaaaaaaaaaa", "t", l, "f", 1, "")]);
    assert!(lv("fatal").starts_with("::error "));
    assert!(lv("error").starts_with("::error "));
    assert!(lv("warn").starts_with("::warning "));
    for l in ["info", "debug", "trace", "none"] {
        assert!(lv(l).starts_with("::notice "), "{l}");
    }
}

#[test]
fn renderings_are_deterministic() {
    let f = hostile();
    assert_eq!(junit(&f, 3, "s"), junit(&f.clone(), 3, "s"));
    assert_eq!(sarif(&f, "1.0.0"), sarif(&f.clone(), "1.0.0"));
    assert_eq!(github(&f), github(&f.clone()));
    // Nothing time- or host-dependent sneaks in.
    let x = junit(&f, 3, "s");
    assert!(x.contains("time=\"0\"") && !x.contains("timestamp="));
}

/// The validators really bite: a wrong SARIF level and a JUnit test case without a name fail.
#[test]
fn validators_reject_broken_documents() {
    let f = hostile();
    let bad_sarif = sarif(&f, "1").replacen("\"level\": \"warning\"", "\"level\": \"warn\"", 1);
    let p = tmpfile("sarif", &bad_sarif);
    let schema = schemas().join("sarif-schema-2.1.0.json");
    let out = Command::new(common::venv_python())
        .args([
            "-c",
            SARIF_CHECK,
            schema.to_str().unwrap(),
            p.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&p);
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stdout).contains("INVALID"));

    let bad_xml = junit(&f, 0, "s").replacen(
        "<testcase classname=\"error\" name=",
        "<testcase classname=\"error\" nam=",
        1,
    );
    let p = tmpfile("xml", &bad_xml);
    let xsd = schemas().join("junit-10.xsd");
    let out = Command::new(common::venv_python())
        .args([
            "-c",
            JUNIT_CHECK,
            xsd.to_str().unwrap(),
            p.to_str().unwrap(),
            PIP_LINE,
        ])
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&p);
    assert!(
        !out.status.success(),
        "xmlschema accepted a testcase without name"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("is missing"), "{err}");
}
