//! Table-driven dialect tests: one real-looking line per dialect and what it must yield.

use super::*;

fn parse_line(line: &str) -> (Event, Option<String>) {
    let p = Parser::default_parser();
    let tctx = TimeContext {
        year_hint: 2026,
        ..Default::default()
    };
    let d = p.detect(line.as_bytes(), &tctx);
    let src: Arc<str> = "test.log".into();
    let e = p.event(d, line.to_string(), &src, 1, Some("pathsvc"), &tctx);
    (e, d.map(|i| p.dialects[i].name.to_string()))
}

struct Case {
    line: &'static str,
    dialect: &'static str,
    ts: Option<&'static str>,
    level: Option<&'static str>,
    service: &'static str,
    message: &'static str,
    ids: &'static [(&'static str, &'static str)],
}

const CASES: &[Case] = &[
    Case {
        line: r#"{"@timestamp":"2026-11-28T22:00:00.040Z","log.level":"info","service.name":"gateway","message":"routing POST /api/v1/orders","http.request.id":"27e9589c6948f6d3","trace.id":"0c01c3f252edc87ff4adfa36d0840164","user.id":"8316"}"#,
        dialect: "json",
        ts: Some("2026-11-28T22:00:00.040Z"),
        level: Some("info"),
        service: "gateway",
        message: "routing POST /api/v1/orders",
        ids: &[
            ("http.request.id", "27e9589c6948f6d3"),
            ("trace.id", "0c01c3f252edc87ff4adfa36d0840164"),
            ("user.id", "8316"),
        ],
    },
    Case {
        // ECS as nested objects
        line: r#"{"@timestamp":"2026-11-28T23:00:00+01:00","log":{"level":"WARN"},"service":{"name":"cart"},"message":"slow","trace":{"id":"abc123def"}}"#,
        dialect: "json",
        ts: Some("2026-11-28T22:00:00.000Z"),
        level: Some("warn"),
        service: "cart",
        message: "slow",
        ids: &[("trace.id", "abc123def")],
    },
    Case {
        // Go zap JSON: epoch seconds as a float
        line: r#"{"level":"error","ts":1795903201.5,"caller":"srv/main.go:42","msg":"upstream failed","request_id":"r-77"}"#,
        dialect: "json",
        ts: Some("2026-11-28T22:00:01.500Z"),
        level: Some("error"),
        service: "pathsvc",
        message: "upstream failed",
        ids: &[("request_id", "r-77")],
    },
    Case {
        line: "2026-11-28T22:00:00.671000123Z stdout F {\"level\":\"info\",\"msg\":\"order confirmation sent\",\"trace_id\":\"8c3dd46c036bb3a62f301f4653655931\",\"channel\":\"email\"}",
        dialect: "cri",
        ts: Some("2026-11-28T22:00:00.671000123Z"),
        level: Some("info"),
        service: "pathsvc",
        message: "order confirmation sent",
        ids: &[("trace_id", "8c3dd46c036bb3a62f301f4653655931")],
    },
    Case {
        line: "2026-11-28T22:00:00.5Z stderr F plain text from a container job_id=J-9",
        dialect: "cri",
        ts: Some("2026-11-28T22:00:00.500Z"),
        level: None,
        service: "pathsvc",
        message: "plain text from a container job_id=J-9",
        ids: &[("job_id", "J-9")],
    },
    Case {
        line: r#"10.67.237.155 - - [28/Nov/2026:23:00:12 +0100] "POST /api/v1/orders HTTP/1.1" 502 415 "-" "acme-mobile/4.0" rt=0.106 req_id=41af5d172b4ca0fa"#,
        dialect: "access",
        ts: Some("2026-11-28T22:00:12.000Z"),
        level: Some("error"),
        service: "pathsvc",
        message: "POST /api/v1/orders 502",
        ids: &[("req_id", "41af5d172b4ca0fa")],
    },
    Case {
        line: r#"[2026-11-28T22:00:01.123Z] "GET /api/v1/cart HTTP/2" 200 - 0 1532 12 10 "10.0.0.1" "curl/8.0" "7c9e6679-7425-40de-944b-e07fc1f90ae7" "cart.internal" "10.1.2.3:8080""#,
        dialect: "envoy",
        ts: Some("2026-11-28T22:00:01.123Z"),
        level: Some("info"),
        service: "pathsvc",
        message: "GET /api/v1/cart 200",
        ids: &[("x_request_id", "7c9e6679-7425-40de-944b-e07fc1f90ae7")],
    },
    Case {
        // macOS system.log: launchd names the job in parentheses after the pid
        line: "Jul  3 13:39:50 calvisitor-10-105-160-237 com.apple.xpc.launchd[1] (com.apple.WebKit.Networking.A546008E[33438]): Service exited with abnormal code: 1",
        dialect: "syslog-3164",
        ts: Some("2026-07-03T13:39:50.000Z"),
        level: None,
        service: "com.apple.xpc.launchd",
        message: "Service exited with abnormal code: 1",
        ids: &[],
    },
    Case {
        line: "Nov 28 22:00:01 db01 postgres[2147]: ERROR:  duplicate key value violates unique constraint \"orders_pkey\"",
        dialect: "syslog-3164",
        ts: Some("2026-11-28T22:00:01.000Z"),
        level: Some("error"),
        service: "postgres",
        message: "ERROR:  duplicate key value violates unique constraint \"orders_pkey\"",
        ids: &[],
    },
    Case {
        line: r#"<165>1 2026-11-28T22:00:01.003Z mymachine.example.com evntslog 1234 ID47 [exampleSDID@32473 iut="3" request_id="q-1"] An application event"#,
        dialect: "syslog-5424",
        ts: Some("2026-11-28T22:00:01.003Z"),
        level: Some("info"),
        service: "evntslog",
        message: "An application event",
        ids: &[("request_id", "q-1")],
    },
    Case {
        line: "2026-11-28 22:00:00.047  INFO [orders,0c01c3f252edc87ff4adfa36d0840164,709ab7f3f386d0cd] 4312 --- [nio-8080-exec-1] c.a.orders.OrderController               : creating order order_id=131236 user_id=8316",
        dialect: "spring",
        ts: Some("2026-11-28T22:00:00.047Z"),
        level: Some("info"),
        service: "orders",
        message: "creating order order_id=131236 user_id=8316",
        ids: &[
            ("order_id", "131236"),
            ("span_id", "709ab7f3f386d0cd"),
            ("trace_id", "0c01c3f252edc87ff4adfa36d0840164"),
            ("user_id", "8316"),
        ],
    },
    Case {
        // Spring Boot 3 without tracing brackets
        line: "2026-11-28T22:00:00.047+01:00 ERROR 4312 --- [main] o.s.boot.SpringApplication : Application run failed",
        dialect: "spring",
        ts: Some("2026-11-28T21:00:00.047Z"),
        level: Some("error"),
        service: "pathsvc",
        message: "Application run failed",
        ids: &[],
    },
    Case {
        // Issue 18: Spring Boot 3.2's default names the application after `---`; it is the
        // service (it was lost).
        line: "2026-11-28T22:00:00.047+01:00  INFO 4312 --- [myapp] [           main] o.s.b.w.e.tomcat.TomcatWebServer         : Tomcat started on port 8080 (http)",
        dialect: "spring",
        ts: Some("2026-11-28T21:00:00.047Z"),
        level: Some("info"),
        service: "myapp",
        message: "Tomcat started on port 8080 (http)",
        ids: &[],
    },
    Case {
        // ... with Micrometer tracing's `[traceId-spanId]` after the thread.
        line: "2026-11-28T22:00:00.047Z ERROR 4312 --- [orders] [nio-8080-exec-1] [0c01c3f252edc87ff4adfa36d0840164-709ab7f3f386d0cd] c.a.orders.OrderController : charge failed",
        dialect: "spring",
        ts: Some("2026-11-28T22:00:00.047Z"),
        level: Some("error"),
        service: "orders",
        message: "charge failed",
        ids: &[
            ("span_id", "709ab7f3f386d0cd"),
            ("trace_id", "0c01c3f252edc87ff4adfa36d0840164"),
        ],
    },
    Case {
        line: "2026-11-28 22:00:00.123 [http-nio-8080-exec-3] WARN  com.acme.Cart - cart expired cartId=c-1",
        dialect: "logback",
        ts: Some("2026-11-28T22:00:00.123Z"),
        level: Some("warn"),
        service: "pathsvc",
        message: "cart expired cartId=c-1",
        ids: &[("cartId", "c-1")],
    },
    Case {
        line: "2026-11-28 22:00:00,060 INFO payments.api [trace=0c01c3f252edc87ff4adfa36d0840164] charge requested order_id=131236 amount=212.00 EUR",
        dialect: "python",
        ts: Some("2026-11-28T22:00:00.060Z"),
        level: Some("info"),
        service: "pathsvc",
        message: "[trace=0c01c3f252edc87ff4adfa36d0840164] charge requested order_id=131236 amount=212.00 EUR",
        ids: &[
            ("order_id", "131236"),
            ("trace", "0c01c3f252edc87ff4adfa36d0840164"),
        ],
    },
    Case {
        // Python's documented "%(asctime)s - %(name)s - %(levelname)s - %(message)s"
        line: "2026-11-28 22:00:00,060 - billing.worker - WARNING - retry job_id=J-3",
        dialect: "python",
        ts: Some("2026-11-28T22:00:00.060Z"),
        level: Some("warn"),
        service: "pathsvc",
        message: "retry job_id=J-3",
        ids: &[("job_id", "J-3")],
    },
    Case {
        // OpenStack (oslo.log): the request context is a header field, its id followed
        line: "2017-05-16 00:00:00.008 25746 INFO nova.osapi_compute.wsgi.server [req-38101a0b-2096-447d-96ea-a692162415ae 113d3a99c3da401fbd62cc2caa5b96d2 54fadb412c4e40cdbaed9335e4c35a9e - - -] 10.11.10.1 \"GET /v2/54fadb412c4e40cdbaed9335e4c35a9e/servers/detail HTTP/1.1\" status: 200 len: 1893 time: 0.2477829",
        dialect: "oslo",
        ts: Some("2017-05-16T00:00:00.008Z"),
        level: Some("info"),
        service: "pathsvc",
        message: "10.11.10.1 \"GET /v2/54fadb412c4e40cdbaed9335e4c35a9e/servers/detail HTTP/1.1\" status: 200 len: 1893 time: 0.2477829",
        ids: &[("request_id", "req-38101a0b-2096-447d-96ea-a692162415ae")],
    },
    Case {
        line: "2017-05-16 00:00:10.551 2931 WARNING nova.compute.manager [-] [instance: b9000564-fe1a-409b-b8cc-1e88b294cd1d] While synchronizing instance power states, found 0 instances",
        dialect: "oslo",
        ts: Some("2017-05-16T00:00:10.551Z"),
        level: Some("warn"),
        service: "pathsvc",
        message: "[instance: b9000564-fe1a-409b-b8cc-1e88b294cd1d] While synchronizing instance power states, found 0 instances",
        ids: &[("instance_id", "b9000564-fe1a-409b-b8cc-1e88b294cd1d")],
    },
    Case {
        line: "ts=2026-11-28T22:00:00.383Z level=info msg=\"job started\" job_id=J-5 attempt=1 queue=fulfilment",
        dialect: "logfmt",
        ts: Some("2026-11-28T22:00:00.383Z"),
        level: Some("info"),
        service: "pathsvc",
        message: "job started",
        ids: &[("job_id", "J-5")],
    },
    Case {
        // Issue 18: free text after the pairs lost the time and level (the line fell back to
        // `unknown`); the pairs read are kept and the text stays in the message.
        line: "ts=2026-11-28T22:00:06.5Z level=error msg=\"job failed\" job_id=J-2 note: retry later",
        dialect: "logfmt",
        ts: Some("2026-11-28T22:00:06.500Z"),
        level: Some("error"),
        service: "pathsvc",
        message: "job failed note: retry later",
        ids: &[("job_id", "J-2")],
    },
    Case {
        // ... and ids in that text count (`worker-0.log:451` of the checkout fixture has a
        // trailing `Authorization: Bearer ...`).
        line: "ts=2026-11-28T22:00:06.332Z level=info msg=\"job started\" job_id=J-305 queue=fulfilment will retry request_id=r-9",
        dialect: "logfmt",
        ts: Some("2026-11-28T22:00:06.332Z"),
        level: Some("info"),
        service: "pathsvc",
        message: "job started will retry request_id=r-9",
        ids: &[("job_id", "J-305"), ("request_id", "r-9")],
    },
    Case {
        // logrus text formatter
        line: "time=\"2026-11-28T23:00:00+01:00\" level=warning msg=\"disk low\" request_id=abc-1 component=store",
        dialect: "logfmt",
        ts: Some("2026-11-28T22:00:00.000Z"),
        level: Some("warn"),
        service: "store",
        message: "disk low",
        ids: &[("request_id", "abc-1")],
    },
    Case {
        line: "2026-11-28T22:00:00.123Z\tERROR\tpayments/charge.go:88\tcharge failed\t{\"trace_id\": \"t-42\", \"amount\": 3}",
        dialect: "zap-console",
        ts: Some("2026-11-28T22:00:00.123Z"),
        level: Some("error"),
        service: "pathsvc",
        message: "charge failed",
        ids: &[("trace_id", "t-42")],
    },
    Case {
        // Android `adb logcat` (threadtime, its default format)
        line: "03-17 16:13:38.819  1702  8671 E PowerManagerService: acquire lock=233570404, flags=0x1, uid=10037",
        dialect: "logcat",
        ts: Some("2026-03-17T16:13:38.819Z"),
        level: Some("error"),
        service: "pathsvc",
        message: "acquire lock=233570404, flags=0x1, uid=10037",
        ids: &[("uid", "10037")],
    },
    Case {
        line: "2026-03-17 16:13:38.811  1702  2395 W Wifi Hal : scan timed out",
        dialect: "logcat",
        ts: Some("2026-03-17T16:13:38.811Z"),
        level: Some("warn"),
        service: "pathsvc",
        message: "scan timed out",
        ids: &[],
    },
    Case {
        // `adb logcat -v time`
        line: "03-17 16:13:38.811 I/ActivityManager( 1702): Start proc 2227:com.android.systemui",
        dialect: "logcat-time",
        ts: Some("2026-03-17T16:13:38.811Z"),
        level: Some("info"),
        service: "pathsvc",
        message: "Start proc 2227:com.android.systemui",
        ids: &[],
    },
    Case {
        // a syslog line relayed under a collector's header (Loghub Thunderbird)
        line: "- 1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228 crond(pam_unix)[2915]: session closed for user root",
        dialect: "generic",
        ts: Some("2005-11-09T20:01:01.000Z"),
        level: None,
        service: "crond(pam_unix)",
        message: "session closed for user root",
        ids: &[],
    },
    Case {
        line: "2015-10-18 18:01:47,978 INFO [main] org.apache.hadoop.mapreduce.v2.app.MRAppMaster: Created MRAppMaster for application appattempt_1445144423722_0020_000001",
        dialect: "generic",
        ts: Some("2015-10-18T18:01:47.978Z"),
        level: Some("info"),
        service: "pathsvc",
        message: "Created MRAppMaster for application appattempt_1445144423722_0020_000001",
        ids: &[],
    },
];

#[test]
fn dialect_table() {
    for c in CASES {
        let (e, d) = parse_line(c.line);
        assert_eq!(d.as_deref(), Some(c.dialect), "dialect of {}", c.line);
        assert_eq!(
            e.ts.map(|t| t.to_rfc3339()).as_deref(),
            c.ts,
            "ts of {}",
            c.line
        );
        assert_eq!(e.level.map(|l| l.as_str()), c.level, "level of {}", c.line);
        assert_eq!(
            e.service.as_deref(),
            Some(c.service),
            "service of {}",
            c.line
        );
        assert_eq!(e.message, c.message, "message of {}", c.line);
        let ids: Vec<(&str, &str)> = e
            .ids
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(ids, c.ids, "ids of {}", c.line);
    }
}

#[test]
fn traceparent_yields_trace_id_to_follow() {
    let p = Parser::default_parser();
    let (e, _) = parse_line("2026-11-28 22:00:00,489 ERROR payments.api [trace=6cd981f939451e0f1a365b67f7e58c59] charge failed order_id=853158 traceparent=00-6cd981f939451e0f1a365b67f7e58c59-f8fca2f7c164c817-01");
    let follow: Vec<_> = p.follow_ids(&e).map(|(_, v)| v).collect();
    assert!(follow.contains(&"6cd981f939451e0f1a365b67f7e58c59"));
    assert!(!follow.contains(&"853158"), "order ids are not followed");
}

#[test]
fn continuation_lines() {
    let p = Parser::default_parser();
    let spring = p.dialect_index("spring");
    let python = p.dialect_index("python");
    let json = p.dialect_index("json");
    for l in [
        "\tat com.acme.orders.PaymentClient.charge(PaymentClient.java:88)",
        "Caused by: java.net.SocketTimeoutException: Read timed out",
        "\t... 41 common frames omitted",
        "java.lang.IllegalStateException: payment declined for order 853158",
        "",
    ] {
        assert!(!p.is_event_start(spring, l.as_bytes()), "{l:?}");
    }
    assert!(!p.is_event_start(
        python,
        b"payments.errors.CardDeclined: card declined (code 51)"
    ));
    assert!(!p.is_event_start(python, b"Traceback (most recent call last):"));
    assert!(p.is_event_start(python, b"2026-11-28 22:00:00,060 INFO x y"));
    // Single-line dialects still join stack-trace shapes.
    assert!(!p.is_event_start(json, b"\tat a.b.C.d(C.java:1)"));
    assert!(!p.is_event_start(json, b"Caused by: x"));
    // Python's closing exception line, even inside a JSON-lines file.
    assert!(!p.is_event_start(json, b"ValueError: bad operationId=op-5"));
    assert!(!p.is_event_start(json, b"KeyError"));
    assert!(p.is_event_start(json, b"Errors: 3 found"));
    assert!(p.is_event_start(json, b"{\"msg\":\"x\"}"));
}

#[test]
fn user_dialect_from_config() {
    let specs = parse_dialect_specs(
        r#"
[[dialect]]
name = "acme"
kind = "regex"
regex = '^ACME (?P<ts>\S+) <(?P<level>\w+)> (?P<service>\w+): (?P<message>.*)$'
"#,
    )
    .unwrap();
    let p = Parser::new(&specs, IdKeys::default()).unwrap();
    let tctx = TimeContext::default();
    let line = "ACME 2026-11-28T22:00:00Z <ERR> billing: boom request_id=r-9";
    let d = p.detect(line.as_bytes(), &tctx);
    assert_eq!(d.map(|i| &*p.dialects[i].name), Some("acme"));
    let e = p.event(d, line.into(), &"x".into(), 1, None, &tctx);
    assert_eq!(e.level, Some(Level::Error));
    assert_eq!(e.service.as_deref(), Some("billing"));
    assert_eq!(e.ids.get("request_id").map(String::as_str), Some("r-9"));
}

#[test]
fn bad_user_dialect_says_what_to_fix() {
    let specs = parse_dialect_specs("[[dialect]]\nname = \"x\"\nkind = \"regex\"\n").unwrap();
    let err = Parser::new(&specs, IdKeys::default()).unwrap_err();
    assert!(err.contains("needs a `regex"), "{err}");
    let specs = parse_dialect_specs("[[dialect]]\nname = \"x\"\nkind = \"xml\"\n").unwrap();
    let err = Parser::new(&specs, IdKeys::default()).unwrap_err();
    assert!(err.contains("use json, logfmt, regex or generic"), "{err}");
}

#[test]
fn unknown_text_is_kept_as_message() {
    let (e, d) = parse_line("just some words without structure");
    assert_eq!(d, None);
    assert_eq!(e.message, "just some words without structure");
    assert_eq!(e.ts, None);
    assert_eq!(&*e.dialect, "unknown");
}

#[test]
fn generic_headers_are_stripped() {
    let cases = [
        ("20171223-22:15:29:606|Step_LSC|30002312|onStandStepChanged 3579", "onStandStepChanged 3579", None),
        ("- 1117838570 2005.06.03 R02-M1-N0-C:J12-U11 2005-06-03-15.42.50.675872 R02-M1-N0-C:J12-U11 RAS KERNEL INFO instruction cache parity error corrected", "instruction cache parity error corrected", Some(Level::Info)),
        ("2015-07-29 17:41:44,747 - INFO  [QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181:FastLeaderElection@774] - Notification time out: 3200", "Notification time out: 3200", Some(Level::Info)),
        ("2015-10-18 18:01:48,963 INFO [RMCommunicator Allocator] org.apache.hadoop.X: Executing with tokens:", "Executing with tokens:", Some(Level::Info)),
        ("[10.30 16:49:06] chrome.exe *64 - proxy.cse.cuhk.edu.hk:5070 open through proxy", "proxy.cse.cuhk.edu.hk:5070 open through proxy", None),
        ("081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865049064139660 terminating", "PacketResponder 1 for block blk_38865049064139660 terminating", Some(Level::Info)),
    ];
    let p = Parser::default_parser();
    let g = p.dialect_index("generic");
    let tctx = TimeContext {
        year_hint: 2026,
        ..Default::default()
    };
    for (line, msg, level) in cases {
        let e = p.event(g, line.to_string(), &"x".into(), 1, None, &tctx);
        assert_eq!(&*e.dialect, "generic", "{line}");
        assert_eq!(e.message, msg, "{line}");
        assert_eq!(e.level, level, "{line}");
    }
}

#[test]
fn oslo_is_chosen_only_where_its_lines_start_records() {
    let p = Parser::default_parser();
    let tctx = TimeContext::default();
    let name = |d: Option<usize>| d.map(|i| p.dialects[i].name.to_string());
    let oslo = p.dialect_index("oslo");
    // More traceback lines (under oslo's exception header) than records: still oslo, and the
    // traceback lines continue their record.
    let h = "2017-05-16 00:00:02.551 2931 ERROR nova.compute.manager [instance: b9000564-fe1a-409b-b8cc-1e88b294cd1d]";
    let sample = format!(
        "2017-05-16 00:00:02.551 2931 ERROR nova.compute.manager [req-38101a0b-2096-447d-96ea-a692162415ae u p - - -] Instance failed to spawn\n\
         {h} Traceback (most recent call last):\n\
         {h}   File \"/usr/lib/python2.7/dist-packages/nova/compute/manager.py\", line 2218, in _build_resources\n\
         {h}     yield resources\n\
         {h} PortBindingFailed: Binding failed\n"
    );
    assert_eq!(
        name(p.detect(sample.as_bytes(), &tctx)).as_deref(),
        Some("oslo")
    );
    assert!(!p.is_event_start(
        oslo,
        format!("{h} Traceback (most recent call last):").as_bytes()
    ));
    // A logger name long enough to push the request context past 96 bytes.
    let long = "2017-05-16 00:00:00.008 25746 INFO neutron.plugins.ml2.drivers.openvswitch.agent.ovs_neutron_agent [-] Agent out of sync with plugin!";
    assert!(p.is_event_start(oslo, long.as_bytes()));
    // `ts pid LEVEL logger message` without oslo's context: every line parses with oslo's
    // pattern but none starts a record there, so another dialect reads it, a record per line.
    let plain = "2026-11-28 22:00:00.123 4312 INFO app.server started\n\
                 2026-11-28 22:00:01.123 4312 ERROR app.server failed x=1\n";
    let d = p.detect(plain.as_bytes(), &tctx);
    assert_ne!(name(d).as_deref(), Some("oslo"));
    assert!(p.is_event_start(
        d,
        b"2026-11-28 22:00:01.123 4312 ERROR app.server failed x=1"
    ));
}

/// The HTTP status an event states, for one line of each kind that writes one (and a few that
/// do not): `(line, dialect, status, level)`. A regex dialect's `status` group still gives the
/// level; a JSON or logfmt status does not.
const STATUS_CASES: &[(&str, &str, Option<u16>, Option<&str>)] = &[
    // nginx combined
    (
        r#"10.67.237.155 - - [28/Nov/2026:23:00:12 +0100] "GET /a HTTP/1.1" 502 12 "-" "curl/8.0""#,
        "access",
        Some(502),
        Some("error"),
    ),
    (
        r#"[2026-11-28T22:00:01.123Z] "GET /api/v1/cart HTTP/2" 503 UF 0 91 12 - "10.0.0.1" "curl/8.0" "7c9e6679-7425-40de-944b-e07fc1f90ae7" "cart.internal" "10.1.2.3:8080""#,
        "envoy",
        Some(503),
        Some("error"),
    ),
    // ECS, flat and nested; the response's own status beats a plain `status`
    (
        r#"{"@timestamp":"2026-11-28T22:00:00.040Z","log.level":"info","service.name":"gateway","message":"GET /cart","http.response.status_code":503}"#,
        "json",
        Some(503),
        Some("info"),
    ),
    (
        r#"{"@timestamp":"2026-11-28T22:00:00.040Z","status":200,"message":"GET /cart","http":{"response":{"status_code":504}}}"#,
        "json",
        Some(504),
        None,
    ),
    // a numeric string counts; a plain `status` beats an upstream's
    (
        r#"{"time":"2026-11-28T22:00:00Z","level":"warn","msg":"GET /a","upstream_status":"502","status":"404"}"#,
        "json",
        Some(404),
        Some("warn"),
    ),
    // not an HTTP status: a word, a number out of range
    (
        r#"{"time":"2026-11-28T22:00:00Z","level":"info","msg":"job done","status":"ok"}"#,
        "json",
        None,
        Some("info"),
    ),
    (
        r#"{"time":"2026-11-28T22:00:00Z","level":"info","msg":"exit","status":1,"statusCode":"failed"}"#,
        "json",
        None,
        Some("info"),
    ),
    (
        r#"time=2026-11-28T22:00:00Z level=info msg="GET /a" status=404 request_id=r-1"#,
        "logfmt",
        Some(404),
        Some("info"),
    ),
    (
        r#"time=2026-11-28T22:00:00Z level=info msg="proxied" upstream_status=502"#,
        "logfmt",
        Some(502),
        Some("info"),
    ),
    (
        "2026-11-28 22:00:00.047  INFO [orders,0c01c3f252edc87ff4adfa36d0840164,709ab7f3f386d0cd] 4312 --- [nio-8080-exec-1] c.a.orders.OrderController               : POST /orders answered 500",
        "spring",
        None,
        Some("info"),
    ),
    // CRI-wrapped JSON, read by the `cri` dialect's `inner` group
    (
        r#"2026-11-28T22:00:00.671000123Z stdout F {"level":"info","msg":"GET /a","status":502}"#,
        "cri",
        Some(502),
        Some("info"),
    ),
];

#[test]
fn http_status_of_each_kind() {
    for &(line, dialect, status, level) in STATUS_CASES {
        let (e, d) = parse_line(line);
        assert_eq!(d.as_deref(), Some(dialect), "dialect of {line}");
        assert_eq!(e.status, status, "status of {line}");
        assert_eq!(e.level.map(|l| l.as_str()), level, "level of {line}");
    }
}

/// The load balancers' and haproxy's samples: the status the client got (ALB/ELB
/// `elb_status_code`, not the target's: a 502 with no target answer is 502); none where the
/// line has none (`-`, haproxy's own messages).
#[test]
fn http_status_of_proxies_and_load_balancers() {
    let cases: [(&str, &str, &[Option<u16>]); 3] = [
        (
            include_str!("../../fixtures/formats/alb/alb.log"),
            "alb",
            &[Some(200), Some(200), Some(404), Some(502)],
        ),
        (
            include_str!("../../fixtures/formats/elb/elb.log"),
            "elb",
            &[Some(200), Some(200), None, Some(503), Some(404)],
        ),
        (
            include_str!("../../fixtures/formats/haproxy/haproxy.log"),
            "haproxy",
            &[None, Some(200), Some(404), Some(503), None, None, Some(504)],
        ),
    ];
    for (text, dialect, want) in cases {
        let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(lines.len(), want.len(), "{dialect} sample lines");
        for (line, want) in lines.into_iter().zip(want) {
            let (e, d) = parse_line(line);
            assert_eq!(d.as_deref(), Some(dialect), "dialect of {line}");
            assert_eq!(e.status, *want, "status of {line}");
            let level = match want {
                Some(500..) => Some(Level::Error),
                Some(400..) => Some(Level::Warn),
                Some(_) => Some(Level::Info),
                None => e.level,
            };
            assert_eq!(e.level, level, "level of {line}");
        }
    }
}

/// W3C/IIS `sc-status`, through the tabular reader.
#[test]
fn http_status_of_w3c_records() {
    let text = include_str!("../../fixtures/formats/w3c-iis/u_ex230829.log");
    let p = Parser::default_parser();
    let tab = Tabular::detect(text).expect("a W3C layout");
    let tctx = TimeContext::default();
    let src: Arc<str> = "u_ex230829.log".into();
    let got: Vec<(Option<u16>, Option<Level>)> = text
        .lines()
        .filter(|l| !tab.is_header(l) && !l.trim().is_empty())
        .map(|l| {
            let e = p.event_tabular(&tab, l.to_string(), &src, 1, None, &tctx);
            assert_eq!(&*e.dialect, "w3c", "{l}");
            (e.status, e.level)
        })
        .collect();
    let (i, w, e) = (Some(Level::Info), Some(Level::Warn), Some(Level::Error));
    assert_eq!(
        got,
        [
            (Some(200), i),
            (Some(500), e),
            (Some(404), w),
            (Some(200), i),
            (Some(401), w),
            (Some(503), e),
            (Some(302), i),
        ]
    );
}

/// A CRI source read through its frame (`cri+json`): the inner JSON's status.
#[test]
fn http_status_through_a_cri_frame() {
    let p = Parser::default_parser();
    let frames = Frames(vec![frame::Frame::Cri]);
    let json = p.dialect_index("json");
    let tctx = TimeContext::default();
    let src: Arc<str> = "pod.log".into();
    let line = r#"2026-11-28T22:00:00.671000123Z stdout F {"level":"error","msg":"GET /pay","http.status_code":"503"}"#;
    let e = p.event_framed(&frames, json, line.into(), &src, 1, None, &tctx);
    assert_eq!(&*e.dialect, "cri+json");
    assert_eq!((e.status, e.level), (Some(503), Some(Level::Error)));
}

/// Every access-log event of `fixtures/checkout` (plain and gzipped) states the status
/// written after its quoted request; no other event there has one.
#[test]
fn http_status_of_the_checkout_fixture() {
    use crate::source::{expand_inputs, read_sources, RawEvent, ReadOptions, Visitor};
    struct Collect<'p>(&'p Parser);
    impl Visitor for Collect<'_> {
        type Acc = Vec<Event>;
        fn new_acc(&self) -> Vec<Event> {
            Vec::new()
        }
        fn visit(&self, acc: &mut Vec<Event>, ev: RawEvent<'_>) {
            acc.push(ev.to_event(self.0));
        }
        fn rebase(&self, acc: &mut Vec<Event>, lines_before: u64) {
            for e in acc {
                e.line += lines_before;
            }
        }
    }
    let p = Parser::default_parser();
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/checkout/logs");
    let (inputs, problems) = expand_inputs(&[dir.to_string()], false);
    assert!(problems.is_empty(), "{problems:?}");
    let (accs, _) = read_sources(&inputs, &p, &ReadOptions::default(), &Collect(&p));
    let (mut access, mut other) = (0, 0);
    for e in accs.into_iter().flat_map(|(_, a)| a) {
        if &*e.dialect == "access" {
            access += 1;
            let after_request = e.raw.split('"').nth(2).expect("a quoted request");
            let written: u16 = after_request
                .split_whitespace()
                .next()
                .unwrap()
                .parse()
                .unwrap();
            assert_eq!(e.status, Some(written), "{}", e.location());
        } else {
            other += 1;
            assert_eq!(e.status, None, "{}", e.location());
        }
    }
    assert_eq!((access, other), (1500, 11390));
}

/// A remote record goes through the same parser (an access line in `_raw` states its status);
/// where its text states none, the engine's own fields do (ECS `http.response.status_code`
/// beats `upstream_status`).
#[test]
fn http_status_of_remote_records() {
    use crate::remote::RemoteRecord;
    let p = Parser::default_parser();
    let rec = |raw: &str, fields: &[(&str, &str)]| RemoteRecord {
        source: "elastic://logs/1".into(),
        raw: raw.into(),
        fields: fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..Default::default()
    };
    let line =
        r#"10.0.0.1 - - [28/Nov/2026:23:00:12 +0100] "GET /a HTTP/1.1" 404 12 "-" "curl/8.0""#;
    let e = rec(line, &[("http.response.status_code", "500")]).into_event(&p, None);
    assert_eq!((e.status, e.level), (Some(404), Some(Level::Warn)));
    let fields = [
        ("upstream_status", "502"),
        ("http.response.status_code", "503"),
        ("status", "ok"),
    ];
    let e = rec("checkout failed", &fields).into_event(&p, None);
    assert_eq!(e.status, Some(503));
    let e = rec("checkout failed", &[("status", "done")]).into_event(&p, None);
    assert_eq!(e.status, None);
}
