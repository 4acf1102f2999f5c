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

# shellcheck source=benches/lib.sh
. "$ROOT/benches/lib.sh"

# --- tools ----------------------------------------------------------------------------------
ensure_tools ripgrep:rg time:/usr/bin/time python3:python3

# --- build ----------------------------------------------------------------------------------
build_release

# --- corpus ---------------------------------------------------------------------------------
mkdir -p "$OUT"
# The seven checkout services only (no --all-dialects), so the needle figures stay comparable.
corpus "$CORPUS" "$SIZE_MB" "$SEED" 0
read -r NEEDLE EXPECTED DIRECT UNCOMP GZ DISK < <(python3 - "$CORPUS/needle.json" <<'EOF'
import json, sys
n = json.load(open(sys.argv[1]))
print(n["id"], n["expected_events"], n["direct_matches"], n["uncompressed_bytes"],
      n["gzip_uncompressed_bytes"], n["bytes_on_disk"])
EOF
)

# --- warm the page cache (nothing is dropped) -------------------------------------------------
warm_cache "$LOGS"

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
log "timing $RUNS runs each (alternating casefile, rg)"
for i in $(seq 1 "$RUNS"); do
    timed casefile "$i" 0 "${CASEFILE_CMD[@]}" # casefile: any failure stops the script
    timed rg "$i" 1 "${RG_CMD[@]}"             # rg: 1 is "no match"
done

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
    echo "host: $(nproc) cores, $(uname -sr); $(rg --version 2>/dev/null | head -1); casefile $("$BIN" --version 2>/dev/null | awk '{print $NF}')"
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
