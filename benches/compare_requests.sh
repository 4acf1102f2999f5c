#!/usr/bin/env bash
# `casefile requests --where user_id=U --around T --within 5m --failed` against
# `rg -z -c -w U` over the same generated day of multi-service logs (benches/gen_corpus.py, the
# checkout system's seven services), in one run: median wall time and peak RSS of RUNS runs each,
# warm page cache. U is the user with the most requests that day; T the start of their middle
# failed request (else of their middle request), so the range lies inside the day. See benches/README.md.
#
#   benches/compare_requests.sh              # 400 MB corpus (the measurement)
#   SIZE_MB=20 benches/compare_requests.sh   # quick check that everything works
#
# Env: SIZE_MB (default 400), SEED (default 1), RUNS (default 3).
set -euo pipefail

SIZE_MB="${SIZE_MB:-400}"
SEED="${SEED:-1}"
RUNS="${RUNS:-3}"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/benches/out"
CORPUS="$OUT/corpus"
LOGS="$CORPUS/logs"
BIN="$ROOT/target/release/casefile"
TIMES="$OUT/times-requests"

# shellcheck source=benches/lib.sh
. "$ROOT/benches/lib.sh"

ensure_tools ripgrep:rg time:/usr/bin/time python3:python3
build_release
mkdir -p "$OUT"
corpus "$CORPUS" "$SIZE_MB" "$SEED" 0

# The busiest user of the gateway's log, and the time of their middle request.
read -r USER_ID AROUND < <(python3 - "$LOGS/gateway/gateway.jsonl" <<'PY'
import json, sys, collections
times = collections.defaultdict(list)
with open(sys.argv[1]) as f:
    for line in f:
        o = json.loads(line)
        u = o.get("user.id")
        if u:
            times[u].append(o["@timestamp"])
user = max(sorted(times), key=lambda u: len(times[u]))
ts = sorted(times[user])
print(user, ts[len(ts) // 2])
PY
)

# Ask about the start of one of that user's failed requests (found once, untimed, by casefile
# over the whole day), so the answer is not empty; the middle request's time when none failed.
FAILED_AT="$("$BIN" requests "$LOGS" --where "user_id=$USER_ID" --failed --json 2>/dev/null |
    python3 -c 'import json,sys; r=[json.loads(l) for l in sys.stdin]; r.sort(key=lambda x: x["start"] or ""); print(r[len(r)//2]["start"] if r else "")')"
if [ -n "$FAILED_AT" ]; then AROUND="$FAILED_AT"; fi

warm_cache "$LOGS"

CASEFILE_CMD=("$BIN" requests "$LOGS" --where "user_id=$USER_ID" --around "$AROUND" --within 5m --failed --json)
RG_CMD=(rg -z -c -w "$USER_ID" "$LOGS")

set +e
CF_ROWS="$("${CASEFILE_CMD[@]}" 2>/dev/null | wc -l)"
RG_FILES="$("${RG_CMD[@]}" | wc -l)"
set -e

rm -rf "$TIMES"
mkdir -p "$TIMES"
log "timing $RUNS runs each (alternating casefile, rg)"
for i in $(seq 1 "$RUNS"); do
    timed casefile "$i" 1 "${CASEFILE_CMD[@]}" # 1: no failed request in the range
    timed rg "$i" 1 "${RG_CMD[@]}"
done

CF_WALL="$(median_wall casefile)"
RG_WALL="$(median_wall rg)"
CF_RSS="$(peak_rss casefile)"
RG_RSS="$(peak_rss rg)"
RATIO="$(awk -v a="$CF_WALL" -v b="$RG_WALL" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')"

{
    echo
    echo "corpus: $LOGS ($(du -sh "$LOGS" | cut -f1) on disk)"
    echo "user: $USER_ID, around $AROUND, within 5m"
    echo "host: $(nproc) cores, $(uname -sr); $(rg --version 2>/dev/null | head -1)"
    echo "runs: $RUNS each, warm cache; wall = median, RSS = max over runs"
    echo
    printf '%-10s %14s %14s %16s\n' tool "median wall s" "peak RSS MiB" "output"
    printf '%-10s %14s %14s %16s\n' casefile "$CF_WALL" "$CF_RSS" "$CF_ROWS request(s)"
    printf '%-10s %14s %14s %16s\n' rg "$RG_WALL" "$RG_RSS" "$RG_FILES file(s)"
    echo
    echo "wall time ratio casefile requests / rg -c: $RATIO (target: <= 3)"
    echo
    echo "commands:"
    echo "  ${CASEFILE_CMD[*]} > /dev/null"
    echo "  ${RG_CMD[*]} > /dev/null"
} | tee "$OUT/compare-requests-${SIZE_MB}mb.txt"
