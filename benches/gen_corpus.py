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

Writes <out>/logs/... and, last, <out>/needle.json naming one request id whose events span six
services (reaching all of them needs request id -> trace id -> job id) and how many events carry
its ids. `--size-mb` counts uncompressed bytes (what a tool has to read). Deterministic for a
given --seed and --size-mb; file mtimes are set to the corpus's last timestamp. Stdlib only.
"""

import argparse
import calendar
import gzip
import hashlib
import json
import os
import random
import shutil
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


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size-mb", type=float, default=400, help="uncompressed MB to write (default 400)")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--out", required=True, help="output directory (replaced)")
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
    for s in SERVICES:
        os.makedirs(os.path.join(logs, s), exist_ok=True)
    files = {s: open(os.path.join(logs, p), "wb", buffering=1 << 20) for s, p in paths.items()}
    written_paths = [os.path.join(logs, p) for p in paths.values()]

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

    pending = {s: [] for s in SERVICES}
    gen_bytes = {s: 0 for s in SERVICES}
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
        nonlocal n_lines
        for s in SERVICES:
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
            data = ("\n".join([x[1] for x in lst[:k]]) + "\n").encode()
            del lst[:k]
            if s == "edge":
                edge_write(data)
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
            if want_needle:
                want_needle = False
                per = {}
                for s, _, _ in ev:
                    per[s] = per.get(s, 0) + 1
                needle = {
                    "id": req,
                    "trace_id": trace,
                    "job_id": job,
                    "outcome": "ok, fulfilment job failed once and was retried",
                    "expected_events": len(ev),
                    "expected_by_service": per,
                    "direct_matches": sum(1 for _, _, x in ev if req in x),
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
        total = sum(gen_bytes.values())
        if first_chunk:
            first_chunk = False
            share = gen_bytes["edge"] / total
            gz_total = min(GZ_SHARE, 0.85 * share) * target
            edge["target"] = max(1, int(gz_total / GZ_PARTS))
        if needle is None and total >= target // 2:
            want_needle = True
        flush(t)
    flush(None)
    edge_close()
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
    needle.update({
        "size_mb": a.size_mb,
        "seed": a.seed,
        "generator_sha256": hashlib.sha256(open(__file__, "rb").read()).hexdigest(),
        "requests": n_requests,
        "lines": n_lines,
        "uncompressed_bytes": total,
        "gzip_uncompressed_bytes": gz_bytes,
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


if __name__ == "__main__":
    main()
