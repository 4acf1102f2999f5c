//! Logs whose file declares its columns (W3C/IIS `#Fields:`, AWS VPC flow logs' header row,
//! PowerShell `Export-Csv` of Windows events) and Windows events exported as XML, read end to
//! end: header lines are not events, every record gets its time (UTC), level, service, host and
//! message, and `scan` names the layout. The layouts' own unit tests (src/parse/columns.rs,
//! src/parse/winxml.rs) cover each field; these pin the reader's wiring.

mod common;

use common::*;

type Row = (
    u64,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
);

fn check(path: &str, layout: &str, want: &[Row]) {
    let dir = fixtures().join("formats");
    let scan = casefile(&dir, &["scan", path, "--json"]);
    assert_eq!(scan.code, 0, "{}", scan.stderr);
    assert_eq!(scan.json()["sources"][0]["dialect"], layout);
    let r = casefile(&dir, &["events", path, "--json", "--no-redact"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let evs = r.json_lines();
    assert_eq!(evs.len(), want.len(), "{}", r.stdout);
    for (e, w) in evs.iter().zip(want) {
        assert_eq!(e["line"], w.0, "{e}");
        assert_eq!(e["ts"], w.1, "{e}");
        assert_eq!(e["level"], w.2, "{e}");
        assert_eq!(e["service"], w.3, "{e}");
        assert_eq!(e["host"].as_str(), w.4, "{e}");
        assert!(e["message"].as_str().unwrap().starts_with(w.5), "{e}");
    }
}
#[test]
fn w3c_iis() {
    check(
        "w3c-iis/u_ex230829.log",
        "w3c",
        &[
            (
                5,
                "2023-08-29T13:47:38.000Z",
                "info",
                "W3SVC1",
                Some("WEB01"),
                "GET /checkout/cart 200",
            ),
            (
                6,
                "2023-08-29T13:47:39.000Z",
                "error",
                "W3SVC1",
                Some("WEB01"),
                "POST /checkout/pay 500",
            ),
            (
                7,
                "2023-08-29T13:47:41.000Z",
                "warn",
                "W3SVC1",
                Some("WEB01"),
                "GET /favicon.ico 404",
            ),
            (
                8,
                "2023-08-29T13:48:02.000Z",
                "info",
                "W3SVC1",
                Some("WEB01"),
                "GET /api/health 200",
            ),
            (
                9,
                "2023-08-29T13:48:15.000Z",
                "warn",
                "W3SVC1",
                Some("WEB01"),
                "POST /api/orders 401",
            ),
            (
                14,
                "2023-08-29T14:02:10.000Z",
                "error",
                "W3SVC1",
                Some("WEB01"),
                "GET /checkout/cart 503",
            ),
            (
                15,
                "2023-08-29T14:02:11.000Z",
                "info",
                "W3SVC2",
                Some("WEB01"),
                "GET /admin/login.aspx 302",
            ),
        ],
    );
}

#[test]
fn vpc_flow() {
    check(
        "vpc-flow/default.log",
        "vpc-flow",
        &[
            (
                2,
                "2023-08-29T13:47:38.000Z",
                "info",
                "vpc-flow",
                Some("eni-0a1b2c3d4e5f60718"),
                "ACCEPT 10.0.1.15:49152 -> 10.0.2.27:443 TCP",
            ),
            (
                3,
                "2023-08-29T13:47:38.000Z",
                "info",
                "vpc-flow",
                Some("eni-0a1b2c3d4e5f60718"),
                "ACCEPT 10.0.2.27:443 -> 10.0.1.15:49152 TCP",
            ),
            (
                7,
                "2023-08-29T13:47:38.000Z",
                "info",
                "vpc-flow",
                Some("eni-0f9e8d7c6b5a40312"),
                "NODATA eni-0f9e8d7c6b5a40312",
            ),
            (
                4,
                "2023-08-29T13:47:40.000Z",
                "warn",
                "vpc-flow",
                Some("eni-0a1b2c3d4e5f60718"),
                "REJECT 198.51.100.23:51515 -> 10.0.1.15:22 TCP",
            ),
            (
                5,
                "2023-08-29T13:47:50.000Z",
                "info",
                "vpc-flow",
                Some("eni-0a1b2c3d4e5f60718"),
                "ACCEPT 10.0.1.15:53211 -> 10.0.0.2:53 UDP",
            ),
            (
                6,
                "2023-08-29T13:47:55.000Z",
                "info",
                "vpc-flow",
                Some("eni-0a1b2c3d4e5f60718"),
                "ACCEPT 10.0.1.15:0 -> 10.0.3.9:0 ICMP",
            ),
            (
                8,
                "2023-08-29T13:48:38.000Z",
                "warn",
                "vpc-flow",
                Some("eni-0f9e8d7c6b5a40312"),
                "SKIPDATA eni-0f9e8d7c6b5a40312",
            ),
        ],
    );
}

#[test]
fn win_csv() {
    check(
        "win-csv/get-winevent.csv",
        "csv",
        &[
            (
                3,
                "2023-08-29T13:47:38.000Z",
                "info",
                "Service Control Manager",
                Some("WEB01.corp.example.com"),
                "The Windows Update service entered the running sta",
            ),
            (
                4,
                "2023-08-29T13:48:02.000Z",
                "error",
                "Application Error",
                Some("WEB01.corp.example.com"),
                "Faulting application name: w3wp.exe, version: 10.0",
            ),
            (
                8,
                "2023-08-29T13:48:05.000Z",
                "warn",
                "Microsoft-Windows-Security-Auditing",
                Some("WEB01.corp.example.com"),
                "An account failed to log on.",
            ),
            (
                17,
                "2023-08-29T14:02:10.000Z",
                "fatal",
                "Microsoft-Windows-Kernel-Power",
                Some("WEB01.corp.example.com"),
                "The system has rebooted without cleanly shutting d",
            ),
            (
                19,
                "2023-08-29T14:02:11.000Z",
                "warn",
                "ASP.NET 4.0.30319.0",
                Some("WEB01.corp.example.com"),
                "Event code: 3001",
            ),
            (
                22,
                "2023-08-30T00:05:01.000Z",
                "debug",
                "Microsoft-Windows-Kernel-PnP",
                Some("WEB01.corp.example.com"),
                "Loaded driver \\Driver\\WudfRd",
            ),
            (
                23,
                "2023-08-30T12:30:00.000Z",
                "info",
                "Microsoft-Windows-Kernel-General",
                Some("WEB01.corp.example.com"),
                "event 16",
            ),
        ],
    );
}

#[test]
fn win_xml() {
    check(
        "win-xml/eventviewer-pretty.xml",
        "win-xml",
        &[
            (
                3,
                "2023-08-29T13:47:38.123456700Z",
                "info",
                "Microsoft-Windows-Security-Auditing",
                Some("DC01.corp.example.com"),
                "SubjectUserSid=S-1-5-18 TargetUserName=alice Targe",
            ),
            (
                29,
                "2023-08-29T13:48:05.500Z",
                "warn",
                "Microsoft-Windows-Security-Auditing",
                Some("DC01.corp.example.com"),
                "TargetUserName=svc_checkout FailureReason=%%2313 S",
            ),
            (
                53,
                "2023-08-29T14:00:00.000Z",
                "info",
                "Microsoft-Windows-Eventlog",
                Some("DC01.corp.example.com"),
                "SubjectUserSid=S-1-5-21-3623811015-3361044348-3030",
            ),
            (
                79,
                "2023-08-29T14:01:30.250Z",
                "error",
                "MSSQLSERVER",
                Some("SQL01.corp.example.com"),
                "Error: 50000 Severity: 16 State: 1 checkout <timeo",
            ),
            (
                101,
                "2023-08-29T14:05:00.000Z",
                "warn",
                "Microsoft-Windows-GroupPolicy",
                Some("APP02.corp.example.com"),
                "ErrorCode=1222 ErrorDescription=\"The network is no",
            ),
            (
                123,
                "2023-08-29T14:10:00.000Z",
                "info",
                "Microsoft-Windows-Kernel-General",
                Some("APP02.corp.example.com"),
                "HiveName=\\??\\C:\\Users\\alice\\ntuser.dat",
            ),
        ],
    );
}

/// AWS CloudTrail as delivered to S3: one gzipped line holding `{"Records":[...]}`; each record
/// is an event of that line, and `trace` picks out the one holding the id.
#[test]
fn cloudtrail() {
    let path = "cloudtrail/123456789012_CloudTrail_eu-west-1_20230829T1345Z_3kF9.json.gz";
    check(
        path,
        "cloudtrail",
        &[
            (
                1,
                "2023-08-29T13:45:02.000Z",
                "info",
                "s3",
                Some("eu-west-1"),
                "PutObject",
            ),
            (
                1,
                "2023-08-29T13:46:10.000Z",
                "warn",
                "kms",
                Some("eu-west-1"),
                "Decrypt AccessDenied: User is not authorized to perform kms:Decrypt",
            ),
            (
                1,
                "2023-08-29T13:47:30.000Z",
                "error",
                "ec2",
                Some("eu-west-1"),
                "RunInstances Server.InsufficientInstanceCapacity: We currently",
            ),
        ],
    );
    let r = casefile(
        &fixtures().join("formats"),
        &[
            "trace",
            "7c1d9e52-2b0f-4a8e-b6f3-0d5a9c3e8f41",
            path,
            "--json",
            "--no-redact",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let evs = r.json_lines();
    assert_eq!(evs.len(), 1, "{}", r.stdout);
    assert_eq!(evs[0]["service"], "kms");
    assert!(evs[0]["raw"]
        .as_str()
        .unwrap()
        .starts_with(r#"{"eventVersion":"1.08""#));
    // Two records of the same line holding the id are two events.
    let r = casefile(
        &fixtures().join("formats"),
        &["trace", "10.0.1.15", path, "--json", "--no-redact"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let services: Vec<String> = r
        .json_lines()
        .iter()
        .map(|e| e["service"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(services, ["s3", "kms"]);
}
