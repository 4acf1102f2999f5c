#!/usr/bin/env bash
# End-to-end: `casefile trace <id> <corpus> --json` against `rg -z -w <id> <corpus>` on a generated
# multi-service corpus (benches/gen_corpus.py). Median wall time and peak RSS of 3 runs each,
# from GNU time -v, with warm page cache. See benches/README.md.
#
#   benches/compare.sh                 # 400 MB corpus (the measurement)
#   SIZE_MB=20 benches/compare.sh      # quick check that everything works
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
TIMES="$OUT/times"

log() { printf '== %s\n' "$*" >&2; }

# --- tools ----------------------------------------------------------------------------------
need=()
command -v rg >/dev/null 2>&1 || need+=(ripgrep)
[ -x /usr/bin/time ] || need+=(time)
command -v python3 >/dev/null 2>&1 || need+=(python3)
if [ "${#need[@]}" -gt 0 ]; then
    log "installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y "${need[@]}" >/dev/null; then
        apt-get update >/dev/null
        apt-get install -y "${need[@]}" >/dev/null
    fi
fi

# --- build ----------------------------------------------------------------------------------
log "cargo build --release"
(cd "$ROOT" && cargo build --release --quiet)

# --- corpus ---------------------------------------------------------------------------------
mkdir -p "$OUT"
have_corpus() {
    [ -f "$CORPUS/needle.json" ] && python3 - "$CORPUS/needle.json" "$SIZE_MB" "$SEED" "$ROOT/benches/gen_corpus.py" <<'EOF'
import json, sys
import hashlib
n = json.load(open(sys.argv[1]))
gen = hashlib.sha256(open(sys.argv[4], "rb").read()).hexdigest()
same = (float(n["size_mb"]) == float(sys.argv[2]) and int(n["seed"]) == int(sys.argv[3])
        and n.get("generator_sha256") == gen)
sys.exit(0 if same else 1)
EOF
}
if have_corpus; then
    log "corpus already generated (${SIZE_MB} MB, seed $SEED): $CORPUS"
else
    log "generating ${SIZE_MB} MB corpus (seed $SEED) into $CORPUS"
    python3 "$ROOT/benches/gen_corpus.py" --size-mb "$SIZE_MB" --seed "$SEED" --out "$CORPUS"
fi
read -r NEEDLE EXPECTED DIRECT UNCOMP GZ DISK < <(python3 - "$CORPUS/needle.json" <<'EOF'
import json, sys
n = json.load(open(sys.argv[1]))
print(n["id"], n["expected_events"], n["direct_matches"], n["uncompressed_bytes"],
      n["gzip_uncompressed_bytes"], n["bytes_on_disk"])
EOF
)

# --- warm the page cache (nothing is dropped) -------------------------------------------------
log "warming page cache"
find "$LOGS" -type f -exec cat {} + >/dev/null

# --- measure ----------------------------------------------------------------------------------
CASEFILE_CMD=("$BIN" trace "$NEEDLE" "$LOGS" --json)
RG_CMD=(rg -z -w "$NEEDLE" "$LOGS")

# One untimed run each for the counts (and to check both work).
CF_FOUND="$("${CASEFILE_CMD[@]}" 2>/dev/null | wc -l)"
set +e
RG_FOUND="$("${RG_CMD[@]}" | wc -l)"
rc=${PIPESTATUS[0]}
set -e
if [ "$rc" -gt 1 ]; then echo "rg failed (exit $rc)" >&2; exit 1; fi

rm -rf "$TIMES"
mkdir -p "$TIMES"
# run <name> <i> cmd...: GNU time -v into $TIMES/<name>.<i>; output discarded.
run() {
    local name="$1" i="$2"
    shift 2
    local rc=0
    /usr/bin/time -v -o "$TIMES/$name.$i" "$@" >/dev/null 2>"$TIMES/$name.$i.stderr" || rc=$?
    if [ "$name" = casefile ] && [ "$rc" -ne 0 ]; then
        echo "casefile exited $rc:" >&2
        cat "$TIMES/$name.$i.stderr" >&2
        exit 1
    fi
    if [ "$name" = rg ] && [ "$rc" -gt 1 ]; then
        echo "rg exited $rc" >&2
        exit 1
    fi
}
log "timing $RUNS runs each (alternating casefile, rg)"
for i in $(seq 1 "$RUNS"); do
    run casefile "$i" "${CASEFILE_CMD[@]}"
    run rg "$i" "${RG_CMD[@]}"
done

# median_wall <name>: seconds; "Elapsed (wall clock) time (h:mm:ss or m:ss): 0:01.23".
median_wall() {
    for f in "$TIMES/$1".[0-9]*; do
        case "$f" in *.stderr) continue ;; esac
        awk '/Elapsed \(wall clock\) time/ { print $NF }' "$f" |
            awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f\n", s }'
    done | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
# peak_rss <name>: MiB, the largest over the runs ("Maximum resident set size (kbytes): N").
peak_rss() {
    for f in "$TIMES/$1".[0-9]*; do
        case "$f" in *.stderr) continue ;; esac
        awk '/Maximum resident set size/ { print $NF }' "$f"
    done | sort -g | tail -1 | awk '{ printf "%.1f\n", $1 / 1024 }'
}

CF_WALL="$(median_wall casefile)"
RG_WALL="$(median_wall rg)"
CF_RSS="$(peak_rss casefile)"
RG_RSS="$(peak_rss rg)"
RATIO="$(awk -v a="$CF_WALL" -v b="$RG_WALL" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }')"

{
    echo
    echo "corpus: $LOGS"
    awk -v u="$UNCOMP" -v g="$GZ" -v d="$DISK" -v s="$SIZE_MB" 'BEGIN {
        printf "  --size-mb %s: %.1f MB uncompressed (%.1f%% of it inside .gz), %.1f MB on disk\n",
            s, u / 1e6, 100 * g / u, d / 1e6 }'
    echo "needle: $NEEDLE (expected: $EXPECTED events across services, $DIRECT lines holding the id itself)"
    echo "host: $(nproc) cores, $(uname -sr); $(rg --version | head -1); casefile $("$BIN" --version 2>/dev/null | awk '{print $NF}')"
    echo "runs: $RUNS each, warm cache; wall = median, RSS = max over runs"
    echo
    printf '%-10s %14s %14s %14s\n' tool "median wall s" "peak RSS MiB" "events/lines"
    printf '%-10s %14s %14s %14s\n' casefile "$CF_WALL" "$CF_RSS" "$CF_FOUND"
    printf '%-10s %14s %14s %14s\n' rg "$RG_WALL" "$RG_RSS" "$RG_FOUND"
    echo
    echo "wall time ratio casefile/rg: $RATIO"
    if awk -v b="$RG_WALL" 'BEGIN { exit !(b < 0.5) }'; then
        echo "  (GNU time reports wall time in 0.01 s steps: on a corpus this small the ratio means little)"
    fi
    echo "casefile found $CF_FOUND events (expected $EXPECTED; it follows request id -> trace id -> job id)"
    echo "rg found $RG_FOUND lines (direct matches of the request id only)"
    echo
    echo "commands:"
    echo "  ${CASEFILE_CMD[*]} > /dev/null"
    echo "  ${RG_CMD[*]} > /dev/null"
} | tee "$OUT/compare-${SIZE_MB}mb.txt"

if [ "$CF_FOUND" != "$EXPECTED" ]; then
    echo "WARNING: casefile found $CF_FOUND events, the corpus says $EXPECTED" >&2
fi
