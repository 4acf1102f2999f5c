#!/usr/bin/env python3
"""Generate a large multi-service log corpus for casefile's end-to-end benchmark.

Same seven dialects and file layout as /work/shared/scenarios/checkout/logs:

  logs/edge/access.log, access.log.N.gz  nginx combined + rt= req_id= (local time +0100), rotated;
                                         older parts gzip-compressed (~10% of all bytes)
  logs/gateway/gateway.jsonl             ECS JSON: http.request.id + trace.id
  logs/orders/orders.log                 Spring Boot text [orders,traceId,spanId], Java stack traces
  logs/payments/payments.log             Python logging [trace=...], traceparent, tracebacks
  logs/worker/worker-0.log               logfmt, job_id only
  logs/k8s/notifier-7d9f8b-x2x.log       Kubernetes CRI lines wrapping JSON (trace_id)
  logs/db/postgresql.log                 RFC 3164 syslog (no year, no ids)

Each request fans out over a few seconds: edge -> gateway (request id -> trace id) -> orders
(trace id; enqueues job J-<n>) -> payments (trace id) -> worker (job id only) -> notifier (trace id).
Some requests fail (card declined: Python traceback + Java stack trace), some time out, some jobs
fail once and are retried.

With --all-dialects, the same requests also pass through services writing in more of casefile's
built-in dialects (see ALL_DIALECTS_DOC below), and machines around them write noise in others;
the seven files above stay as they are (their random stream is separate).

Writes <out>/logs/... and, last, <out>/needle.json naming one request id whose events span six
services (reaching all of them needs request id -> trace id -> job id) and how many events carry
its ids. `--size-mb` counts uncompressed bytes (what a tool has to read). Deterministic for a
given --seed, --size-mb and --all-dialects; file mtimes are set to the corpus's last timestamp.
Stdlib only (the one .zst rotation uses the `zstandard` module if installed, else the `zstd`
program, else it is skipped with a note).
"""

import argparse
import calendar
import gzip
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import time
from bisect import bisect_left
from operator import itemgetter

START = calendar.timegm((2026, 11, 28, 20, 0, 0)) * 1000  # ms, UTC
RATE = 40.0  # requests per second of log time
CHUNK = 500  # requests generated between flushes
GZ_PARTS = 3  # access.log.3.gz (oldest) .. access.log.1.gz, then access.log
GZ_SHARE = 0.10  # of all (uncompressed) bytes

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

SERVICES = ["edge", "gateway", "orders", "payments", "worker", "k8s", "db"]


class Clock:
    """Per-second formatted prefixes, cached (times only move forward, a few seconds of lag)."""

    def __init__(self):
        self.cache = {}

    def get(self, sec):
        p = self.cache.get(sec)
        if p is None:
            if len(self.cache) > 4096:
                self.cache.clear()
            t = time.gmtime(sec)
            lt = time.gmtime(sec + 3600)  # edge writes local time +0100
            iso_t = "%04d-%02d-%02dT%02d:%02d:%02d" % t[:6]
            iso_s = "%04d-%02d-%02d %02d:%02d:%02d" % t[:6]
            nginx = "%02d/%s/%04d:%02d:%02d:%02d +0100" % (
                lt.tm_mday, MONTHS[lt.tm_mon - 1], lt.tm_year, lt.tm_hour, lt.tm_min, lt.tm_sec)
            syslog = "%s %2d %02d:%02d:%02d" % (
                MONTHS[t.tm_mon - 1], t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec)
            p = (iso_t, iso_s, nginx, syslog)
            self.cache[sec] = p
        return p


def java_stack(rng, order_id):
    frames = [
        "java.lang.IllegalStateException: payment declined for order %d" % order_id,
        "\tat com.acme.orders.PaymentClient.charge(PaymentClient.java:88)",
        "\tat com.acme.orders.OrderService.place(OrderService.java:142)",
        "\tat com.acme.orders.OrderController.create(OrderController.java:57)",
    ]
    if rng.random() < 0.6:
        frames.append("\tat java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke("
                      "DirectMethodHandleAccessor.java:103)")
    if rng.random() < 0.3:
        frames.append("\tat org.springframework.web.servlet.FrameworkServlet.service("
                      "FrameworkServlet.java:590)")
    frames.append("Caused by: java.net.SocketTimeoutException: Read timed out")
    frames.append("\tat java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:278)")
    frames.append("\t... %d common frames omitted" % rng.choice((38, 41, 44)))
    return "\n".join(frames)


PY_TRACEBACK = (
    "Traceback (most recent call last):\n"
    '  File "/srv/payments/api.py", line 212, in charge\n'
    "    resp = gateway.capture(order)\n"
    '  File "/srv/payments/gateway.py", line 77, in capture\n'
    "    raise CardDeclined(code)\n"
    "payments.errors.CardDeclined: card declined (code %s)"
)

LEAKS = [
    "customer_email=%s.%s@example.com",
    "password=Hunter2-%s%s",
    "token=ghp_%s%s",
]

DB_LINES = [
    'ERROR:  duplicate key value violates unique constraint "orders_pkey"',
    "LOG:  duration: %d.%03d ms  statement: SELECT * FROM orders WHERE id = $1",
    "LOG:  checkpoint starting: time",
    "WARNING:  there is already a transaction in progress",
    "LOG:  automatic vacuum of table \"shop.public.orders\": index scans: 1",
]


# --- --all-dialects -------------------------------------------------------------------------

ALL_DIALECTS_DOC = """\
file                                  dialect (casefile scan)  ids casefile follows
logs/mesh/envoy-access.log, .1.zst    envoy                    x-request-id (the request id)
logs/inventory/inventory.log          logback                  trace_id=
logs/pricing/pricing.log              zap-console              "trace_id" in the JSON fields
logs/shipping/shipping.log            golog                    trace_id=
logs/lb/haproxy.log                   haproxy                  {request id} (captured header)
logs/audit/audit.log                  syslog-5424              trace_id in structured data
logs/alb/alb-access.log               alb                      its own X-Amzn-Trace-Id only
logs/mailer/mailer-json.log           docker+python            [trace=...]
logs/k8s/kube-controller-manager.log  klog                     none (noise)
logs/redis/redis.log                  redis                    none (noise)
logs/cdn/nginx-error.log              nginx-error              none (noise)
logs/host/messages                    syslog-iso               none (noise)
logs/db-replica/postgresql.log        postgres                 none (noise; DETAIL/STATEMENT lines)
logs/mysql/error.log                  mysql                    none (noise)
logs/apache/error.log                 apache-error             none (noise)
logs/recommender/recommender.log      python-basic             none (noise; no timestamps)
"""

EXTRA_PATHS = {
    "envoy": "mesh/envoy-access.log",
    "inventory": "inventory/inventory.log",
    "pricing": "pricing/pricing.log",
    "shipping": "shipping/shipping.log",
    "haproxy": "lb/haproxy.log",
    "audit": "audit/audit.log",
    "alb": "alb/alb-access.log",
    "mailer": "mailer/mailer-json.log",
    "klog": "k8s/kube-controller-manager.log",
    "redis": "redis/redis.log",
    "nginxerr": "cdn/nginx-error.log",
    "host": "host/messages",
    "pgreplica": "db-replica/postgresql.log",
    "mysql": "mysql/error.log",
    "apache": "apache/error.log",
    "recommender": "recommender/recommender.log",
}
EXTRA_SERVICES = list(EXTRA_PATHS)
ZST_SHARE = 0.03  # of all (uncompressed) bytes: the oldest part of the envoy log, .1.zst
WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


class XClock:
    """Per-second prefixes of the extra dialects (same caching as Clock)."""

    def __init__(self):
        self.cache = {}

    def get(self, sec):
        p = self.cache.get(sec)
        if p is None:
            if len(self.cache) > 4096:
                self.cache.clear()
            t = time.gmtime(sec)
            mon = MONTHS[t.tm_mon - 1]
            p = {
                "iso": "%04d-%02d-%02dT%02d:%02d:%02d" % t[:6],
                "space": "%04d-%02d-%02d %02d:%02d:%02d" % t[:6],
                "slash": "%04d/%02d/%02d %02d:%02d:%02d" % t[:6],
                "klog": "%02d%02d %02d:%02d:%02d" % t[1:6],
                "redis": "%d %s %04d %02d:%02d:%02d" % (t.tm_mday, mon, t.tm_year, t.tm_hour,
                                                         t.tm_min, t.tm_sec),
                "syslog": "%s %2d %02d:%02d:%02d" % (mon, t.tm_mday, t.tm_hour, t.tm_min,
                                                    t.tm_sec),
                "clf": "%02d/%s/%04d:%02d:%02d:%02d" % (t.tm_mday, mon, t.tm_year, t.tm_hour,
                                                        t.tm_min, t.tm_sec),
                # apache: `Sat Nov 28 20:00:00` + `.micro` + ` 2026`
                "apache": ("%s %s %02d %02d:%02d:%02d" % (WEEKDAYS[t.tm_wday], mon, t.tm_mday,
                                                          t.tm_hour, t.tm_min, t.tm_sec),
                           " %04d" % t.tm_year),
            }
            self.cache[sec] = p
        return p


JAVA_DB_STACK = (
    "org.springframework.dao.QueryTimeoutException: PreparedStatementCallback; SQL [select qty "
    "from stock where sku = ?]; timeout\n"
    "\tat org.springframework.jdbc.support.SQLStateSQLExceptionTranslator.doTranslate("
    "SQLStateSQLExceptionTranslator.java:99)\n"
    "\tat org.springframework.jdbc.core.JdbcTemplate.execute(JdbcTemplate.java:670)\n"
    "\tat com.acme.inventory.StockRepository.quantity(StockRepository.java:41)\n"
    "\tat com.acme.inventory.StockService.reserve(StockService.java:63)\n"
    "Caused by: org.postgresql.util.PSQLException: ERROR: canceling statement due to "
    "statement timeout\n"
    "\tat org.postgresql.core.v3.QueryExecutorImpl.receiveErrorResponse("
    "QueryExecutorImpl.java:2713)\n"
    "\t... 27 common frames omitted"
)

GO_PANIC = (
    "http: panic serving 10.0.%d.%d:%d: runtime error: invalid memory address or nil pointer "
    "dereference\n"
    "goroutine %d [running]:\n"
    "net/http.(*conn).serve.func1()\n"
    "\t/usr/local/go/src/net/http/server.go:1868 +0xb9\n"
    "panic({0x6b5e40?, 0x9a6f10?})\n"
    "\t/usr/local/go/src/runtime/panic.go:920 +0x270\n"
    "main.(*Labeler).Label(0x0, {0xc0001a2000, 0x24})\n"
    "\t/src/shipping/label.go:91 +0x1d\n"
    "net/http.(*conn).serve(0xc000222000, {0x7a1d38, 0xc0000b4000})\n"
    "\t/usr/local/go/src/net/http/server.go:2009 +0x5f4"
)

KLOG_LINES = [
    ("I", "replica_set.go:676", '"Finished syncing" logger="replicaset-controller" '
                                'kind="ReplicaSet" key="shop/%s-7d9f8b" duration="%d.%dµs"'),
    ("I", "endpointslice_controller.go:311", '"Syncing service" key="shop/%s" '
                                              'endpoints=%d'),
    ("I", "event.go:389", '"Event occurred" object="shop/%s-7d9f8b-x%d" '
                          'fieldPath="" kind="Pod" apiVersion="v1" type="Normal" reason="Pulled"'),
    ("W", "reflector.go:539", 'k8s.io/client-go/informers/factory.go:159: watch of '
                              '*v1.Pod ended with: an error on the server ("unable to decode '
                              'an event from the watch stream: %s") has prevented the request '
                              'from succeeding (%d)'),
    ("E", "leaderelection.go:332", 'error retrieving resource lock '
                                   'kube-system/kube-controller-manager: Get '
                                   '"https://10.96.0.1:443/apis/coordination.k8s.io/v1/'
                                   'namespaces/kube-system/leases/kube-controller-manager?'
                                   'timeout=5s": context deadline exceeded (%s, %d)'),
]
K8S_APPS = ["orders", "payments", "gateway", "worker", "notifier", "pricing", "shipping"]

HOST_LINES = [
    "systemd[1]: Started session-%d.scope - Session %d of User core.",
    "sshd[%d]: Accepted publickey for core from 10.0.0.%d port %d ssh2: ED25519 "
    "SHA256:q3BJ6zVm0c9u1yHm6Zq0mZfK8l7cJzZ8gq2l3x8b1Ys",
    "kernel: [%d.%06d] TCP: request_sock_TCP: Possible SYN flooding on port 443. "
    "Sending cookies.  Check SNMP counters.",
    "CRON[%d]: (root) CMD (/usr/lib/sysstat/debian-sa1 1 %d)",
    "kubelet[1123]: E%s.%06d    1123 kubelet_volumes.go:%d] \"There were many similar errors. "
    "Turn up verbosity to see them.\" err=\"orphaned pod found\"",
]

NGINX_ERR_LINES = [
    ("warn", "an upstream response is buffered to a temporary file "
             "/var/cache/nginx/proxy_temp/%d/00/00000%05d while reading upstream", "GET /img/p/%d.jpg"),
    ("error", 'open() "/usr/share/nginx/html/img/p/%d.webp" failed (2: No such file or '
              'directory)%s', "GET /img/p/%d.webp"),
    ("error", "upstream timed out (110: Connection timed out) while reading response header "
              "from upstream%s%s", "GET /img/p/%d.jpg"),
]

PG_LINES = [
    "LOG:  duration: %d.%03d ms  statement: SELECT id, qty FROM stock WHERE sku = $1",
    "LOG:  checkpoint complete: wrote %d buffers (0.%d%%); 0 WAL file(s) added, 0 removed, "
    "1 recycled; write=26.9 s, sync=0.004 s, total=26.921 s",
    "LOG:  connection received: host=10.0.2.%d port=%d",
    "ERROR:  canceling statement due to statement timeout\n"
    "STATEMENT:  SELECT qty FROM stock WHERE sku = 'SKU-%d' FOR UPDATE",
    "ERROR:  duplicate key value violates unique constraint \"reservations_pkey\"\n"
    "DETAIL:  Key (order_id)=(%d) already exists.\n"
    "STATEMENT:  INSERT INTO reservations (order_id, sku, qty) VALUES ($1, $2, $%d)",
]

MYSQL_LINES = [
    "0 [Warning] [MY-010055] [Server] IP address '10.0.9.%d' could not be resolved: Name or "
    "service not known",
    "%d [Note] [MY-010914] [Server] Aborted connection %d to db: 'catalog' user: 'app' "
    "host: '10.0.9.%d' (Got an error reading communication packets).",
    "0 [System] [MY-013172] [Server] Received SHUTDOWN from user <via user signal>. "
    "Shutting down mysqld (Version: 8.0.%d).",
    "%d [ERROR] [MY-013134] [Server] Failed to allocate %d bytes from HEAP memory",
]

APACHE_LINES = [
    "[proxy_fcgi:error] [pid %d:tid %d] [client 10.0.5.%d:%d] AH01071: Got error "
    "'Primary script unknown'",
    "[core:notice] [pid %d:tid %d] AH00094: Command line: '/usr/sbin/apache2'%s",
    "[mpm_event:warn] [pid %d:tid %d] AH00484: server reached MaxRequestWorkers setting, "
    "consider raising the MaxRequestWorkers setting%s",
]

RECOMMENDER_LINES = [
    "INFO:recommender.api:served %d items for user_id=%d in %d ms",
    "DEBUG:recommender.cache:hit key=reco:%d ttl=%d",
    "WARNING:recommender.model:stale embeddings, age %d s (refresh every %d s)",
    "ERROR:recommender.api:feature store unavailable for user_id=%d\n"
    "Traceback (most recent call last):\n"
    '  File "/srv/reco/api.py", line %d, in recommend\n'
    "    feats = store.get(user_id)\n"
    "TimeoutError: feature store read timed out",
]


class Extras:
    """The services and machines --all-dialects adds. Own random stream, so the seven base
    files are the same lines with or without it (only where the corpus stops differs)."""

    def __init__(self, seed, start_ms):
        self.rng = random.Random("all-dialects-%d" % seed)
        self.clock = XClock()
        self.next = {s: start_ms for s in ("klog", "redis", "nginxerr", "host", "pgreplica",
                                           "mysql", "apache", "recommender")}
        self.redis_step = 0
        self.pid = 20000

    def hexn(self, n):
        return "%0*x" % (n, self.rng.getrandbits(4 * n))

    def request(self, r):
        """Events of one request: (service, sort_ms, text, parse_ms or None, followed)."""
        rng = self.rng
        rint = rng.randrange
        cg = self.clock.get
        out = []
        t0, oc, pr, end = r["t0"], r["oc"], r["pr"], r["end"]
        status, kind, trace, req = r["status"], r["kind"], r["trace"], r["req"]
        order = r["order"]
        # envoy sidecars (orders and payments ingress): logged at the response, time = start.
        s1 = oc - 1
        d1 = max(1, end - s1 - 1)
        p = cg(s1 // 1000)
        ut = "%d" % max(0, d1 - 1 - rint(3)) if status != 504 else "-"
        out.append(("envoy", s1 + d1,
                    '[%s.%03dZ] "POST %s HTTP/1.1" %d %s %d %d %d %s "10.%d.%d.%d" '
                    '"acme-mobile/4.%d" "%s" "orders.shop.svc:8080" "10.0.3.%d:8080"' % (
                        p["iso"], s1 % 1000, r["path"], status, "UT" if status == 504 else "-",
                        200 + rint(800), 0 if status == 504 else 100 + rint(3000), d1, ut,
                        rint(256), rint(256), rint(256), rint(9), req, 2 + rint(30)),
                    s1, True))
        s2 = pr - 1
        d2 = 20 + rint(200)
        p = cg(s2 // 1000)
        out.append(("envoy", s2 + d2,
                    '[%s.%03dZ] "POST /v1/charges HTTP/1.1" %d - %d %d %d %d "-" '
                    '"orders/2.14 (java)" "%s" "payments.shop.svc:8000" "10.0.4.%d:8000"' % (
                        p["iso"], s2 % 1000, 402 if kind == "declined" else 200, 150 + rint(100),
                        60 + rint(200), d2, d2 - 1, req, 2 + rint(30)),
                    s2, True))
        # inventory (logback)
        it = oc + 1 + rint(8)
        p = cg(it // 1000)
        thread = "http-nio-8081-exec-%d" % (1 + rint(20))
        if kind == "timeout":
            out.append(("inventory", it,
                        "%s.%03d [%s] ERROR c.a.inventory.StockRepository - stock lookup failed "
                        "order_id=%d trace_id=%s\n%s" % (p["space"], it % 1000, thread, order,
                                                         trace, JAVA_DB_STACK),
                        it, True))
        else:
            out.append(("inventory", it,
                        "%s.%03d [%s] INFO  c.a.inventory.StockService - reserved %d items "
                        "order_id=%d trace_id=%s" % (p["space"], it % 1000, thread, 1 + rint(5),
                                                     order, trace),
                        it, True))
        if kind == "declined":
            iw = end + 3 + rint(20)
            p = cg(iw // 1000)
            out.append(("inventory", iw,
                        "%s.%03d [%s] WARN  c.a.inventory.StockService - released reservation "
                        "order_id=%d trace_id=%s reason=payment_declined" % (
                            p["space"], iw % 1000, thread, order, trace),
                        iw, True))
        # pricing (zap console)
        qt = t0 + 1 + rint(3)
        p = cg(qt // 1000)
        lvl, msg = ("WARN", "slow quote") if rint(50) == 0 else ("INFO", "quote computed")
        out.append(("pricing", qt,
                    '%s.%03dZ\t%s\tpricing/quote.go:%d\t%s\t{"trace_id":"%s","order_id":%d,'
                    '"total":"%d.%02d","currency":"EUR","rules":%d}' % (
                        p["iso"], qt % 1000, lvl, 57 if lvl == "INFO" else 61, msg, trace, order,
                        5 + rint(995), rint(100), 1 + rint(6)),
                    qt, True))
        # shipping (Go log, Lmicroseconds|Lshortfile); ok requests book a label
        if kind == "ok":
            st = r["oq"] + 4 + rint(40)
            p = cg(st // 1000)
            if rint(1000) == 0:
                text = "%s.%06d %s" % (p["slash"], (st % 1000) * 1000 + rint(1000), GO_PANIC % (
                    rint(256), rint(256), 30000 + rint(30000), 1000 + rint(90000)))
                out.append(("shipping", st, text, st, False))
            else:
                out.append(("shipping", st,
                            "%s.%06d label.go:%d: INFO label booked order_id=%d trace_id=%s "
                            "carrier=%s cost=%d.%02d" % (
                                p["slash"], (st % 1000) * 1000 + rint(1000), 88, order, trace,
                                ("dhl", "ups", "gls")[rint(3)], 3 + rint(12), rint(100)),
                            st, True))
        # haproxy between gateway and orders: logged at the end, time = accept date.
        ha = t0 + 1
        hl = end + 1 + rint(3)
        tt = hl - ha
        p = cg(ha // 1000)
        ph = cg(hl // 1000)
        out.append(("haproxy", hl,
                    "%s lb01 haproxy[14389]: 10.%d.%d.%d:%d [%s.%03d] api-in orders/app%d "
                    "0/0/%d/%d/%d %d %d - - %s %d/%d/%d/%d/0 0/0 {%s} \"POST %s HTTP/1.1\"" % (
                        ph["syslog"], rint(256), rint(256), rint(256), 1024 + rint(60000),
                        p["clf"], ha % 1000, 1 + rint(4), rint(3),
                        -1 if status == 504 else max(0, tt - 2), tt, status, 200 + rint(3000),
                        "sH--" if status == 504 else "----", 10 + rint(90), 10 + rint(90),
                        rint(20), rint(5), req, r["path"]),
                    ha, True))
        # audit trail (RFC 5424)
        at = oc + 2 + rint(5)
        p = cg(at // 1000)
        out.append(("audit", at,
                    '<110>1 %s.%03dZ audit01 orders-audit 4312 ORDER [order@32473 trace_id="%s" '
                    'order_id="%d" user_id="%d"] order created' % (p["iso"], at % 1000, trace,
                                                                   order, r["user"]),
                    at, True))
        if kind == "declined":
            ad = end + 1
            p = cg(ad // 1000)
            out.append(("audit", ad,
                        '<108>1 %s.%03dZ audit01 orders-audit 4312 PAYMENT [order@32473 '
                        'trace_id="%s" order_id="%d"] payment declined' % (
                            p["iso"], ad % 1000, trace, order),
                        ad, True))
        # ALB in front of the checkout path only; its own trace id, never ours.
        if r["path"] == "/api/v1/cart/checkout":
            al = r["et"] + 1
            p = cg(al // 1000)
            pc = cg(t0 // 1000)
            out.append(("alb", al,
                        'https %s.%06dZ app/shop-alb/50dc6c495c0c9188 10.%d.%d.%d:%d '
                        '10.0.0.%d:80 0.000 %d.%03d 0.000 %d %d %d %d "POST '
                        'https://shop.example.com:443%s HTTP/1.1" "acme-mobile/4.%d" '
                        'ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:'
                        'eu-west-1:123456789012:targetgroup/edge/73e2d6bc24d8a067 '
                        '"Root=1-%08x-%s" "shop.example.com" "arn:aws:acm:eu-west-1:'
                        '123456789012:certificate/7e5a1c2b-3d4e-4f60-8a9b-0c1d2e3f4a5b" 0 '
                        '%s.%06dZ "forward" "-" "-" "10.0.0.%d:80" "%d" "-" "-"' % (
                            p["iso"], (al % 1000) * 1000 + rint(1000), rint(256), rint(256),
                            rint(256), 1024 + rint(60000), 2 + rint(8), (al - t0) // 1000,
                            (al - t0) % 1000, status, status, 200 + rint(800),
                            100 + rint(3000), r["path"], rint(9), al // 1000, self.hexn(24),
                            pc["iso"], (t0 % 1000) * 1000, 2 + rint(8), status),
                        al, False))
        # mailer in Docker (json-file driver) around Python logging lines; ok requests only.
        if kind == "ok":
            mt = r["oq"] + 60 + rint(600)
            p = cg(mt // 1000)
            out.append(("mailer", mt,
                        '{"log":"%s,%03d INFO mailer.send [trace=%s] confirmation queued '
                        'order_id=%d template=order-confirmed\\n","stream":"stdout",'
                        '"time":"%s.%03d%06dZ"}' % (p["space"], mt % 1000, trace, order,
                                                    p["iso"], mt % 1000, rint(1000000)),
                        mt, True))
        return out

    def noise(self, until):
        """Machine noise up to `until` (ms): (service, sort_ms, text, parse_ms or None)."""
        rng = self.rng
        rint = rng.randrange
        cg = self.clock.get
        out = []
        nx = self.next
        while nx["klog"] < until:
            t = nx["klog"]
            p = cg(t // 1000)
            k = rint(100)
            k = 0 if k < 60 else 1 if k < 85 else 2 if k < 97 else 3 if k < 99 else 4
            lvl, caller, fmt = KLOG_LINES[k]
            app = K8S_APPS[rint(len(K8S_APPS))]
            if k == 0:
                msg = fmt % (app, 10 + rint(900), rint(10))
            elif k == 1:
                msg = fmt % (app, 1 + rint(12))
            elif k == 2:
                msg = fmt % (app, rint(100))
            elif k == 3:
                msg = fmt % ("unexpected EOF", 1 + rint(9))
            else:
                msg = fmt % ("Client.Timeout exceeded", rint(100))
            out.append(("klog", t, "%s%s.%06d %7d %s] %s" % (
                lvl, p["klog"], (t % 1000) * 1000 + rint(1000), 1, caller, msg), t))
            nx["klog"] += 30 + rint(60)
        while nx["redis"] < until:
            t = nx["redis"]
            p = cg(t // 1000)
            step = self.redis_step % 5
            self.redis_step += 1
            ts = "%s.%03d" % (p["redis"], t % 1000)
            if step == 0:
                text = "1:M %s * 100 changes in 300 seconds. Saving..." % ts
            elif step == 1:
                self.pid += 1
                text = "1:M %s * Background saving started by pid %d" % (ts, self.pid)
            elif step == 2:
                text = "%d:C %s * DB saved on disk" % (self.pid, ts)
            elif step == 3:
                text = "1:M %s * Background saving terminated with success" % ts
            else:
                text = ("1:M %s # WARNING: %d clients disconnected, client-output-buffer-limit "
                        "reached" % (ts, 1 + rint(4))) if rint(10) == 0 else (
                    "1:M %s . Client closed connection id=%d addr=10.0.6.%d:%d" % (
                        ts, rint(100000), rint(256), 1024 + rint(60000)))
            out.append(("redis", t, text, t))
            nx["redis"] += 400 + rint(2000)
        while nx["nginxerr"] < until:
            t = nx["nginxerr"]
            p = cg(t // 1000)
            k = rint(10)
            k = 0 if k < 6 else 1 if k < 9 else 2
            lvl, fmt, req = NGINX_ERR_LINES[k]
            img = rint(100000)
            if k == 0:
                msg = fmt % (rint(10), rint(100000))
            else:
                msg = fmt % (img, "") if k == 1 else fmt % ("", "")
            tail = ', client: 10.%d.%d.%d, server: cdn.example.com, request: "%s HTTP/1.1"' % (
                rint(256), rint(256), rint(256), req % img)
            if k != 1:
                tail += ', upstream: "http://10.0.7.%d:8080/img/p/%d.jpg"' % (rint(256), img)
            tail += ', host: "cdn.example.com"'
            out.append(("nginxerr", t, "%s [%s] %d#%d: *%d %s%s" % (
                p["slash"], lvl, 28 + rint(4), 0, rint(10000000), msg, tail), t // 1000 * 1000))
            nx["nginxerr"] += 100 + rint(700)
        while nx["host"] < until:
            t = nx["host"]
            p = cg(t // 1000)
            k = rint(len(HOST_LINES))
            fmt = HOST_LINES[k]
            if k == 0:
                n = rint(100000)
                msg = fmt % (n, n)
            elif k == 1:
                msg = fmt % (3000 + rint(30000), rint(256), 1024 + rint(60000))
            elif k == 2:
                msg = fmt % (rint(1000000), rint(1000000))
            elif k == 3:
                msg = fmt % (3000 + rint(30000), 1 + rint(9))
            else:
                msg = fmt % (p["klog"], (t % 1000) * 1000 + rint(1000), 100 + rint(200))
            out.append(("host", t, "%s.%06d+00:00 node-3 %s" % (
                p["iso"], (t % 1000) * 1000 + rint(1000), msg), t))
            nx["host"] += 150 + rint(600)
        while nx["pgreplica"] < until:
            t = nx["pgreplica"]
            p = cg(t // 1000)
            k = rint(100)
            k = 0 if k < 80 else 1 if k < 83 else 2 if k < 96 else 3 if k < 98 else 4
            fmt = PG_LINES[k]
            if k == 0:
                msg = fmt % (rint(900), rint(1000))
            elif k == 1:
                msg = fmt % (rint(5000), rint(10))
            elif k == 2:
                msg = fmt % (rint(256), 1024 + rint(60000))
            elif k == 3:
                msg = fmt % rint(100000)
            else:
                msg = fmt % (100000 + rint(900000), 3)
            out.append(("pgreplica", t, "%s.%03d UTC [%d] %s" % (
                p["space"], t % 1000, 3000 + rint(500), msg), t))
            nx["pgreplica"] += 40 + rint(200)
        while nx["mysql"] < until:
            t = nx["mysql"]
            p = cg(t // 1000)
            k = rint(20)
            k = 0 if k < 10 else 1 if k < 18 else 2 if k < 19 else 3
            fmt = MYSQL_LINES[k]
            if k == 0:
                msg = fmt % rint(256)
            elif k == 1:
                c = rint(100000)
                msg = fmt % (c, c, rint(256))
            elif k == 2:
                msg = fmt % (30 + rint(10))
            else:
                msg = fmt % (rint(1000), 1 << (10 + rint(10)))
            out.append(("mysql", t, "%s.%06dZ %s" % (
                p["iso"], (t % 1000) * 1000 + rint(1000), msg), t))
            nx["mysql"] += 1000 + rint(3000)
        while nx["apache"] < until:
            t = nx["apache"]
            p = cg(t // 1000)
            k = rint(10)
            k = 0 if k < 7 else 1 if k < 9 else 2
            fmt = APACHE_LINES[k]
            if k == 0:
                msg = fmt % (1000 + rint(9000), 140000000000000 + rint(1000000000),
                             rint(256), 1024 + rint(60000))
            else:
                msg = fmt % (1000 + rint(9000), 140000000000000 + rint(1000000000), "")
            a, y = p["apache"]
            out.append(("apache", t, "[%s.%06d%s] %s" % (
                a, (t % 1000) * 1000 + rint(1000), y, msg), t))
            nx["apache"] += 700 + rint(2500)
        while nx["recommender"] < until:
            t = nx["recommender"]
            k = rint(100)
            k = 0 if k < 70 else 1 if k < 95 else 2 if k < 99 else 3
            fmt = RECOMMENDER_LINES[k]
            if k == 0:
                msg = fmt % (1 + rint(40), 1000 + rint(9000), 1 + rint(200))
            elif k == 1:
                msg = fmt % (rint(1000000), rint(3600))
            elif k == 2:
                msg = fmt % (3600 + rint(600), 3600)
            else:
                msg = fmt % (1000 + rint(9000), 40 + rint(200))
            out.append(("recommender", t, msg, None))
            nx["recommender"] += 20 + rint(150)
        return out


def zstd_tool():
    """What can write the .zst rotation: "zstandard", "zstd" (the program), or None."""
    try:
        import zstandard  # noqa: F401  (optional: only if installed)
        return "zstandard"
    except ImportError:
        pass
    return "zstd" if shutil.which("zstd") else None


def zstd_compress(src, dst):
    """Compress src into dst (then remove src). Returns the tool used, or None (src kept)."""
    try:
        import zstandard  # noqa: F401  (optional: only if installed)
    except ImportError:
        zstandard = None
    if zstandard is not None:
        with open(src, "rb") as f, open(dst, "wb") as g:
            zstandard.ZstdCompressor(level=3).copy_stream(f, g)
        os.remove(src)
        return "python zstandard %s" % zstandard.__version__
    exe = shutil.which("zstd")
    if exe is not None:
        subprocess.run([exe, "-q", "-3", "-T1", "-f", "--rm", src, "-o", dst], check=True)
        ver = subprocess.run([exe, "-V"], capture_output=True, text=True).stdout
        words = [w.strip(",") for w in ver.split() if w.startswith("v")]
        return "zstd " + (words[0] if words else "(version unknown)")
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size-mb", type=float, default=400, help="uncompressed MB to write (default 400)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--out", required=True, help="output directory (replaced)")
    ap.add_argument("--all-dialects", action="store_true",
                    help="also write the services and machines in more built-in dialects "
                         "(envoy, logback, zap, Go log, haproxy, RFC 5424, ALB, Docker, klog, "
                         "redis, nginx error, syslog ISO, postgres, mysql, apache error, "
                         "python-basic)")
    a = ap.parse_args()

    t_start = time.time()
    rng = random.Random(a.seed)
    rnd = rng.random
    rint = rng.randrange
    bits = rng.getrandbits
    target = int(a.size_mb * 1_000_000)

    out = a.out
    if os.path.exists(out):
        # Only ever replace a previous corpus (or a partial one), never an unrelated directory.
        if not os.path.isdir(out) or not set(os.listdir(out)) <= {"logs", "needle.json"}:
            sys.exit("%s exists and is not a corpus this script wrote; not replacing it" % out)
        shutil.rmtree(out)
    logs = os.path.join(out, "logs")
    paths = {
        "gateway": "gateway/gateway.jsonl",
        "orders": "orders/orders.log",
        "payments": "payments/payments.log",
        "worker": "worker/worker-0.log",
        "k8s": "k8s/notifier-7d9f8b-x2x.log",
        "db": "db/postgresql.log",
    }
    services = list(SERVICES)
    extras = None
    zst = {"tool": None, "path": None, "raw_path": None, "bytes": 0, "target": None, "note": None}
    if a.all_dialects:
        extras = Extras(a.seed, START)
        services += EXTRA_SERVICES
        paths.update({k: v for k, v in EXTRA_PATHS.items() if k != "envoy"})
        zst["tool"] = zstd_tool()
        if zst["tool"] is None:
            zst["note"] = ("no zstandard module and no zstd program: the envoy log is not "
                           "rotated, the corpus has no .zst file")
    for pth in paths.values():
        os.makedirs(os.path.dirname(os.path.join(logs, pth)), exist_ok=True)
    os.makedirs(os.path.join(logs, "edge"), exist_ok=True)
    files = {s: open(os.path.join(logs, p), "wb", buffering=1 << 20) for s, p in paths.items()}
    written_paths = [os.path.join(logs, p) for p in paths.values()]

    # Envoy (--all-dialects): the oldest part goes to envoy-access.log.1, compressed to .1.zst
    # once full; then envoy-access.log.
    envoy = {"fh": None}

    def envoy_write(data):
        fh = envoy["fh"]
        if fh is None:
            os.makedirs(os.path.join(logs, "mesh"), exist_ok=True)
            plain = os.path.join(logs, EXTRA_PATHS["envoy"])
            if zst["tool"] is not None:
                zst["raw_path"] = plain + ".1"
                zst["path"] = plain + ".1.zst"
                fh = envoy["fh"] = open(zst["raw_path"], "wb", buffering=1 << 20)
            else:
                fh = envoy["fh"] = open(plain, "wb", buffering=1 << 20)
                written_paths.append(plain)
        elif zst["raw_path"] is not None and zst["bytes"] >= zst["target"]:
            envoy_close()
            plain = os.path.join(logs, EXTRA_PATHS["envoy"])
            fh = envoy["fh"] = open(plain, "wb", buffering=1 << 20)
            written_paths.append(plain)
        fh.write(data)
        if zst["raw_path"] is not None:
            zst["bytes"] += len(data)

    def envoy_close():
        if envoy["fh"] is None:
            return
        envoy["fh"].close()
        envoy["fh"] = None
        if zst["raw_path"] is not None:
            zst["tool"] = zstd_compress(zst["raw_path"], zst["path"])
            written_paths.append(zst["path"])
            zst["raw_path"] = None

    # Edge: rotated parts, oldest first.
    edge = {"part": GZ_PARTS, "bytes": 0, "raw": None, "fh": None, "target": None}

    def edge_open():
        p = edge["part"]
        if p > 0:
            path = os.path.join(logs, "edge", "access.log.%d.gz" % p)
            edge["raw"] = open(path, "wb")
            edge["fh"] = gzip.GzipFile(filename="", mode="wb", fileobj=edge["raw"],
                                       compresslevel=6, mtime=0)
        else:
            path = os.path.join(logs, "edge", "access.log")
            edge["raw"] = None
            edge["fh"] = open(path, "wb", buffering=1 << 20)
        written_paths.append(path)
        edge["bytes"] = 0

    def edge_close():
        edge["fh"].close()
        if edge["raw"] is not None:
            edge["raw"].close()

    def edge_write(data):
        if edge["fh"] is None:
            edge_open()
        elif edge["part"] > 0 and edge["bytes"] >= edge["target"]:
            edge_close()
            edge["part"] -= 1
            edge_open()
        edge["fh"].write(data)
        edge["bytes"] += len(data)

    pending = {s: [] for s in services}
    gen_bytes = {s: 0 for s in services}
    clock = Clock()
    cget = clock.get
    total = 0
    job_seq = 0
    t = START  # ms, start of the next request
    next_health = START
    next_db = START
    needle = None
    want_needle = False
    n_requests = 0
    n_lines = 0
    # The 2 s range `events --since/--until` reads: set with the needle, at a whole second
    # past everything already written; records with a time in it are counted as written.
    rng_t = None
    rng_count = 0
    rng_by_service = {}

    def hex16():
        return "%016x" % bits(64)

    def hex32():
        return "%032x" % bits(128)

    def leak():
        if rnd() < 0.003:
            f = LEAKS[rint(len(LEAKS))]
            return " " + (f % (hex16()[:6], hex16()[:6]))
        return ""

    def flush(bound):
        """Write every pending line with ts < bound, in time order."""
        nonlocal n_lines, rng_count
        for s in services:
            lst = pending[s]
            if not lst:
                continue
            lst.sort(key=itemgetter(0))
            if bound is None:
                k = len(lst)
            else:
                k = bisect_left(lst, (bound,))
            if k == 0:
                continue
            n_lines += k
            if rng_t is not None and lst[0][0] < rng_t + 30000 and lst[k - 1][0] >= rng_t:
                # An entry's time as read (3rd item, when it differs from the sort time: the
                # haproxy accept date; None: no time) is never after its sort time.
                for x in lst[bisect_left(lst, (rng_t,)):k]:
                    pt = x[2] if len(x) > 2 else x[0]
                    if pt is not None and rng_t <= pt < rng_t + 2000:
                        rng_count += 1
                        rng_by_service[s] = rng_by_service.get(s, 0) + 1
            data = ("\n".join([x[1] for x in lst[:k]]) + "\n").encode()
            del lst[:k]
            if s == "edge":
                edge_write(data)
            elif s == "envoy":
                envoy_write(data)
            else:
                files[s].write(data)

    first_chunk = True
    while total < target:
        chunk_t0 = t
        for _ in range(CHUNK):
            n_requests += 1
            t += int(rng.expovariate(RATE / 1000.0)) + 1
            t0 = t
            req = hex16()
            trace = hex32()
            span = hex16()
            user = 1000 + rint(9000)
            order = 100000 + rint(900000)
            r = rnd()
            if want_needle:
                kind, job_retry = "ok", True
            elif r < 0.84:
                kind, job_retry = "ok", rnd() < 0.15
            elif r < 0.93:
                kind, job_retry = "declined", False
            else:
                kind, job_retry = "timeout", False
            path = "/api/v1/orders" if rnd() < 0.66 else "/api/v1/cart/checkout"
            ev = []  # (service, ts_ms, text)
            oq = None

            # gateway
            p = cget(t0 // 1000)
            ev.append(("gateway", t0,
                       '{"@timestamp":"%s.%03dZ","log.level":"info","service.name":"gateway",'
                       '"message":"routing POST %s","http.request.id":"%s","trace.id":"%s",'
                       '"user.id":"%d"%s}' % (p[0], t0 % 1000, path, req, trace, user,
                                              ',"customer_email":"c%d@example.com"' % user
                                              if rnd() < 0.003 else "")))
            # orders: creating
            thread = "nio-8080-exec-%d" % (1 + rint(12))
            oc = t0 + 3 + rint(12)
            p = cget(oc // 1000)
            ohead = "[orders,%s,%s] 4312 --- [%s] " % (trace, span, thread)
            ev.append(("orders", oc,
                       "%s.%03d  INFO %sc.a.orders.OrderController               : "
                       "creating order order_id=%d user_id=%d%s" % (p[1], oc % 1000, ohead, order,
                                                                   user, leak())))
            if rnd() < 0.004:
                od = oc + 1 + rint(3)
                p = cget(od // 1000)
                ev.append(("orders", od,
                           "%s.%03d DEBUG %sc.a.orders.IdempotencyCache              : "
                           "cache miss key=idem%s order_id=%d" % (p[1], od % 1000, ohead,
                                                                  hex16()[:8], order)))
            # payments: requested
            pr = oc + 5 + rint(20)
            p = cget(pr // 1000)
            phead = "%s,%03d INFO payments.api [trace=%s] " % (p[1], pr % 1000, trace)
            ev.append(("payments", pr, "%scharge requested order_id=%d amount=%d.00 EUR%s" % (
                phead, order, 5 + rint(995), leak())))
            if kind == "declined":
                pf = pr + 30 + rint(170)
                p = cget(pf // 1000)
                code = ("51", "05", "61")[rint(3)]
                ev.append(("payments", pf,
                           "%s,%03d ERROR payments.api [trace=%s] charge failed order_id=%d "
                           "traceparent=00-%s-%s-01\n%s" % (p[1], pf % 1000, trace, order, trace,
                                                            span, PY_TRACEBACK % code)))
                oe = pf + 2 + rint(13)
                p = cget(oe // 1000)
                ev.append(("orders", oe,
                           "%s.%03d ERROR %sc.a.orders.OrderService                  : "
                           "order %d failed\n%s" % (p[1], oe % 1000, ohead, order,
                                                     java_stack(rng, order))))
                end, status = oe, 402
            elif kind == "timeout":
                ow = pr + 1000 + rint(200)
                p = cget(ow // 1000)
                ev.append(("orders", ow,
                           "%s.%03d  WARN %sc.a.orders.OrderService                  : "
                           "slow downstream for order %d, retrying" % (p[1], ow % 1000, ohead, order)))
                pc = ow + 50 + rint(1500)
                p = cget(pc // 1000)
                ev.append(("payments", pc, "%s,%03d INFO payments.api [trace=%s] charge captured "
                           "order_id=%d" % (p[1], pc % 1000, trace, order)))
                end, status = ow + 2, 504
            else:
                pc = pr + 30 + rint(120)
                p = cget(pc // 1000)
                ev.append(("payments", pc, "%s,%03d INFO payments.api [trace=%s] charge captured "
                           "order_id=%d%s" % (p[1], pc % 1000, trace, order, leak())))
                job_seq += 1
                job = "J-%d" % job_seq
                oq = pc + 2 + rint(18)
                p = cget(oq // 1000)
                ev.append(("orders", oq,
                           "%s.%03d  INFO %sc.a.orders.OrderService                  : "
                           "enqueued fulfilment job job_id=%s order_id=%d" % (
                               p[1], oq % 1000, ohead, job, order)))
                ws = oq + 20 + rint(380)
                attempt = 1
                while True:
                    p = cget(ws // 1000)
                    ev.append(("worker", ws,
                               'ts=%s.%03dZ level=info msg="job started" job_id=%s attempt=%d '
                               "queue=fulfilment" % (p[0], ws % 1000, job, attempt)))
                    dur = 40 + rint(560)
                    we = ws + dur
                    p = cget(we // 1000)
                    if job_retry and attempt == 1:
                        ev.append(("worker", we,
                                   'ts=%s.%03dZ level=error msg="job failed: warehouse api '
                                   'returned %d" job_id=%s duration_ms=%d' % (
                                       p[0], we % 1000, (409, 503)[rint(2)], job, dur)))
                        attempt = 2
                        ws = we + 500 + rint(1500)
                        continue
                    ev.append(("worker", we, 'ts=%s.%03dZ level=info msg="job done" job_id=%s '
                               "duration_ms=%d%s" % (p[0], we % 1000, job, dur, leak())))
                    break
                nt = oq + 50 + rint(550)
                p = cget(nt // 1000)
                ev.append(("k8s", nt,
                           '%s.%03d%06dZ stdout F {"level":"info","msg":"order confirmation sent",'
                           '"trace_id":"%s","channel":"%s"}' % (
                               p[0], nt % 1000, rint(1000000), trace,
                               "email" if rnd() < 0.5 else "sms")))
                end, status = oq + 3, 201
            # edge: logged when the response is sent
            rt = end - t0 + 2 + rint(6)
            et = t0 - 1 + rt
            p = cget(et // 1000)
            ev.append(("edge", et,
                       '10.%d.%d.%d - - [%s] "POST %s HTTP/1.1" %d %d "-" "acme-mobile/4.%d" '
                       "rt=%d.%03d req_id=%s" % (rint(256), rint(256), rint(256), p[2], path,
                                                 status, 200 + rint(3000), rint(9), rt // 1000,
                                                 rt % 1000, req)))
            for s, ts, text in ev:
                pending[s].append((ts, text))
                gen_bytes[s] += len(text) + 1
            xev = []
            if extras is not None:
                xev = extras.request({
                    "t0": t0, "oc": oc, "pr": pr, "end": end, "et": et,
                    "oq": oq, "status": status, "kind": kind,
                    "trace": trace, "req": req, "order": order, "user": user, "path": path})
                for s, ts, text, pts, _ in xev:
                    pending[s].append((ts, text, pts) if pts != ts else (ts, text))
                    gen_bytes[s] += len(text) + 1
            if want_needle:
                want_needle = False
                per = {}
                for s, _, _ in ev:
                    per[s] = per.get(s, 0) + 1
                followed = [x for x in xev if x[4]]
                for x in followed:
                    per[x[0]] = per.get(x[0], 0) + 1
                needle = {
                    "id": req,
                    "trace_id": trace,
                    "job_id": job,
                    "outcome": "ok, fulfilment job failed once and was retried",
                    "time": "%s.%03dZ" % (cget(t0 // 1000)[0], t0 % 1000),
                    "expected_events": len(ev) + len(followed),
                    "expected_by_service": per,
                    "direct_matches": sum(1 for _, _, x in ev if req in x)
                    + sum(1 for x in xev if req in x[2]),
                }
        # Noise: load-balancer health checks at the edge, postgres in its own syslog.
        while next_health < t:
            p = cget(next_health // 1000)
            text = ('10.0.%d.%d - - [%s] "GET /healthz HTTP/1.1" 200 2 "-" "kube-probe/1.29" '
                    "rt=0.001 req_id=%s" % (rint(4), 2 + rint(250), p[2], hex16()))
            pending["edge"].append((next_health, text))
            gen_bytes["edge"] += len(text) + 1
            next_health += 60 + rint(120)
        while next_db < t:
            p = cget(next_db // 1000)
            k = rint(len(DB_LINES))
            msg = DB_LINES[k] % (rint(900), rint(1000)) if k == 1 else DB_LINES[k]
            text = "%s db01 postgres[%d]: %s" % (p[3], 2000 + rint(300), msg)
            pending["db"].append((next_db, text))
            gen_bytes["db"] += len(text) + 1
            next_db += 200 + rint(1600)
        if extras is not None:
            for s, ts, text, pts in extras.noise(t):
                pending[s].append((ts, text, pts) if pts != ts else (ts, text))
                gen_bytes[s] += len(text) + 1
        total = sum(gen_bytes.values())
        if first_chunk:
            first_chunk = False
            share = gen_bytes["edge"] / total
            gz_total = min(GZ_SHARE, 0.85 * share) * target
            edge["target"] = max(1, int(gz_total / GZ_PARTS))
            if extras is not None:
                zst["target"] = int(min(ZST_SHARE, 0.5 * gen_bytes["envoy"] / total) * target)
        if needle is None and total >= target // 2:
            want_needle = True
            if extras is not None:
                rng_t = (t // 1000 + 1) * 1000
        flush(t)
    flush(None)
    edge_close()
    envoy_close()
    for f in files.values():
        f.close()
    if needle is None:
        sys.exit("corpus too small to hold a needle; use a larger --size-mb")

    # Deterministic mtimes: the corpus's last second (RFC 3164 lines take their year from it).
    mtime = t // 1000 + 10
    for pth in written_paths:
        os.utime(pth, (mtime, mtime))

    gz_bytes = 0
    disk = 0
    for root, _, names in os.walk(logs):
        for n in names:
            fp = os.path.join(root, n)
            disk += os.path.getsize(fp)
            if n.endswith(".gz"):
                with gzip.open(fp, "rb") as g:
                    while True:
                        b = g.read(1 << 22)
                        if not b:
                            break
                        gz_bytes += len(b)
    if rng_t is not None:
        needle["range"] = {
            "since": "%s.000Z" % cget(rng_t // 1000)[0],
            "until": "%s.000Z" % cget(rng_t // 1000 + 2)[0],
            "events": rng_count,
            "events_by_service": rng_by_service,
            "note": "records whose time falls in [since, until); records without a time "
                    "(python-basic) are not counted",
        }
    needle.update({
        "size_mb": a.size_mb,
        "seed": a.seed,
        "all_dialects": bool(a.all_dialects),
        "generator_sha256": hashlib.sha256(open(__file__, "rb").read()).hexdigest(),
        "requests": n_requests,
        "lines": n_lines,
        "uncompressed_bytes": total,
        "gzip_uncompressed_bytes": gz_bytes,
        "zstd_uncompressed_bytes": zst["bytes"] if zst["path"] else 0,
        "zstd_tool": zst["tool"] if zst["path"] else None,
        "zstd_note": zst["note"],
        "bytes_on_disk": disk,
        "generated_in_s": round(time.time() - t_start, 1),
        "note": "expected_events counts records (a stack trace joined to its first line) that "
                "carry the request id, its trace id or its job id; direct_matches counts those "
                "holding the request id itself (what `rg -w <id>` finds).",
    })
    # Written last: its presence means the corpus is complete.
    with open(os.path.join(out, "needle.json"), "w") as f:
        json.dump(needle, f, indent=2)
        f.write("\n")
    print("wrote %s: %d requests, %d lines, %.1f MB uncompressed (%.1f%% inside .gz), "
          "%.1f MB on disk, in %.1fs; needle %s (%d events)" % (
              logs, n_requests, n_lines, total / 1e6, 100.0 * gz_bytes / total, disk / 1e6,
              time.time() - t_start, needle["id"], needle["expected_events"]), file=sys.stderr)
    if zst["note"]:
        print("note: " + zst["note"], file=sys.stderr)
    elif zst["path"]:
        print("%.1f MB inside %s (%s)" % (zst["bytes"] / 1e6, os.path.relpath(zst["path"], out),
                                          zst["tool"]), file=sys.stderr)


if __name__ == "__main__":
    main()
