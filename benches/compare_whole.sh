#!/usr/bin/env bash
# Whole-file speed (issue 14): casefile's commands that read every file, each as a ratio to
# `rg -z -c -w <id>` over the same files, measured in one run on a generated corpus in all the
# built-in dialects (benches/gen_corpus.py --all-dialects). Median wall time and peak RSS of
# RUNS runs each, from GNU time -v, with warm page cache; lnav over the same 2 s range, for the
# record. See benches/README.md.
#
#   benches/compare_whole.sh               # 400 MB corpus (the measurement)
#   SIZE_MB=20 benches/compare_whole.sh    # quick check that everything works
#
# Env: SIZE_MB (default 400), SEED (default 1), RUNS (default 3), NO_LNAV=1 (leave lnav out).
set -euo pipefail

SIZE_MB="${SIZE_MB:-400}"
SEED="${SEED:-1}"
RUNS="${RUNS:-3}"
NO_LNAV="${NO_LNAV:-}"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/benches/out/whole"
CORPUS="$OUT/corpus"
LOGS="$CORPUS/logs"
BIN="$ROOT/target/release/casefile"
TIMES="$OUT/times"
REPORT="$ROOT/benches/out/compare-whole-${SIZE_MB}mb.txt"
RSS_TARGET_MIB=256

# shellcheck source=benches/lib.sh
. "$ROOT/benches/lib.sh"

# --- tools, build, corpus ---------------------------------------------------------------------
tools=(ripgrep:rg time:/usr/bin/time python3:python3)
[ -n "$NO_LNAV" ] || tools+=(lnav:lnav)
ensure_tools "${tools[@]}"
build_release
corpus "$CORPUS" "$SIZE_MB" "$SEED" 1
read -r ID ID_TIME EXPECTED SINCE UNTIL RANGE_EVENTS UNCOMP GZ ZST DISK ZST_NOTE < <(
    python3 - "$CORPUS/needle.json" <<'EOF'
import json, sys
n = json.load(open(sys.argv[1]))
r = n["range"]
print(n["id"], n["time"], n["expected_events"], r["since"], r["until"], r["events"],
      n["uncompressed_bytes"], n["gzip_uncompressed_bytes"], n["zstd_uncompressed_bytes"],
      n["bytes_on_disk"], n.get("zstd_note") or "-")
EOF
)
warm_cache "$LOGS"

# --- the commands -----------------------------------------------------------------------------
RG_CMD=(rg -z -c -w "$ID" "$LOGS")
EVENTS_CMD=("$BIN" events "$LOGS" --since "$SINCE" --until "$UNTIL")
TRACE_CMD=("$BIN" trace "$ID" "$LOGS" --window 2s)
SCAN_CMD=("$BIN" scan "$LOGS")
CLUSTER_CMD=("$BIN" cluster "$LOGS" --level warn)
NOSEEK_CMD=()
if "$BIN" events --help 2>/dev/null | grep -q -- '--no-seek'; then
    NOSEEK_CMD=("${EVENTS_CMD[@]}" --no-seek)
fi
# lnav: every corpus file on the command line (it reads .gz and .zst itself), headless, one SQL
# count over its `all_logs` table; its config and session kept under $OUT. lnav shows times in
# the zone TZ names and ignores a line's own offset (the edge's `+0100`): TZ=UTC.
LNAV_CMD=()
LNAV_SINCE="$(echo "$SINCE" | sed 's/T/ /; s/Z$//')"
LNAV_UNTIL="$(echo "$UNTIL" | sed 's/T/ /; s/Z$//')"
LNAV_SQL=";SELECT count(*) AS n FROM all_logs WHERE log_time >= '$LNAV_SINCE' AND log_time < '$LNAV_UNTIL'"
if [ -z "$NO_LNAV" ]; then
    mapfile -t FILES < <(find "$LOGS" -type f | LC_ALL=C sort)
    mkdir -p "$OUT/lnav-home/.config"
    LNAV_CMD=(env HOME="$OUT/lnav-home" XDG_CONFIG_HOME="$OUT/lnav-home/.config" TZ=UTC
        lnav -n -c "$LNAV_SQL" "${FILES[@]}")
fi

# --- one untimed run each: what it finds (and that it works) ----------------------------------
log "untimed runs (counts)"
set +e
RG_FOUND="$("${RG_CMD[@]}" | awk -F: '{ s += $NF } END { print s + 0 }')"
rc=${PIPESTATUS[0]}
set -e
if [ "$rc" -gt 1 ]; then echo "rg failed (exit $rc)" >&2; exit 1; fi
EVENTS_FOUND="$("${EVENTS_CMD[@]}" --json 2>/dev/null | wc -l)"
TRACE_FOUND="$("${TRACE_CMD[@]}" --json 2>/dev/null | wc -l)"
"${SCAN_CMD[@]}" --json >"$OUT/scan.json" 2>/dev/null
"${CLUSTER_CMD[@]}" --json >"$OUT/cluster.json" 2>/dev/null
read -r SCAN_FOUND CLUSTER_FOUND < <(python3 - "$OUT/scan.json" "$OUT/cluster.json" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
c = json.load(open(sys.argv[2]))
print("%d_events_in_%d_files" % (s["total"]["events"], s["total"]["sources"]),
      "%d_signatures_of_%d_events" % (len(c["signatures"]), c["events"]))
EOF
)
NOSEEK_FOUND="n/a"
if [ "${#NOSEEK_CMD[@]}" -gt 0 ]; then
    NOSEEK_FOUND="$("${NOSEEK_CMD[@]}" --json 2>/dev/null | wc -l)"
fi
LNAV_FOUND="n/a"
if [ "${#LNAV_CMD[@]}" -gt 0 ]; then
    LNAV_FOUND="$("${LNAV_CMD[@]}" 2>/dev/null | awk 'NR == 2 { print $1 }')"
    # Which files lnav reads with a format (the others it shows as plain text).
    "${LNAV_CMD[@]:0:4}" lnav -n -c ";SELECT filepath, ifnull(format, '-') AS format, lines FROM lnav_file" \
        "${FILES[@]}" >"$OUT/lnav-files.txt" 2>/dev/null || true
fi

# --- timed runs, alternating ------------------------------------------------------------------
rm -rf "$TIMES"
mkdir -p "$TIMES"
log "timing $RUNS runs each (alternating)"
for i in $(seq 1 "$RUNS"); do
    timed rg "$i" 1 "${RG_CMD[@]}" # rg: 1 is "no match"
    timed events "$i" 0 "${EVENTS_CMD[@]}"
    timed trace "$i" 0 "${TRACE_CMD[@]}"
    timed scan "$i" 0 "${SCAN_CMD[@]}"
    timed cluster "$i" 0 "${CLUSTER_CMD[@]}"
    if [ "${#NOSEEK_CMD[@]}" -gt 0 ]; then timed noseek "$i" 0 "${NOSEEK_CMD[@]}"; fi
    if [ "${#LNAV_CMD[@]}" -gt 0 ]; then timed lnav "$i" 0 "${LNAV_CMD[@]}"; fi
done

RG_WALL="$(median_wall rg)"
# row NAME LABEL TARGET_RATIO FOUND: one table line (TARGET_RATIO "-": no target).
row() {
    local name="$1" label="$2" target="$3" found="$4" wall rss
    if [ ! -f "$TIMES/$name.1" ]; then
        printf '%-44s %8s %9s %7s %-20s %-10s %s\n' "$label" n/a n/a n/a "$( [ "$target" = - ] || echo "<= ${target}x, <= ${RSS_TARGET_MIB} MiB")" n/a "$found"
        return
    fi
    wall="$(median_wall "$name")"
    rss="$(peak_rss "$name")"
    awk -v l="$label" -v w="$wall" -v r="$rss" -v b="$RG_WALL" -v t="$target" -v m="$RSS_TARGET_MIB" \
        -v f="$found" -v n="$name" 'BEGIN {
        ratio = (b > 0) ? sprintf("%.2f", w / b) : "n/a"
        if (n == "rg") { tgt = "(denominator)"; met = "-" }
        else if (t == "-") { tgt = "-"; met = "-" }
        else {
            tgt = sprintf("<= %sx, <= %d MiB", t, m)
            met = "yes"
            if (ratio == "n/a" || ratio + 0 > t + 0) met = "NO (time)"
            if (r + 0 > m) met = (met == "yes") ? "NO (RSS)" : "NO (both)"
        }
        printf "%-44s %8.2f %9.1f %7s %-20s %-10s %s\n", l, w, r, ratio, tgt, met, f
    }'
}

{
    echo
    echo "corpus: $LOGS (gen_corpus.py --all-dialects --size-mb $SIZE_MB --seed $SEED)"
    awk -v u="$UNCOMP" -v g="$GZ" -v z="$ZST" -v d="$DISK" 'BEGIN {
        printf "  %.1f MB uncompressed (%.1f%% inside .gz, %.1f%% inside .zst), %.1f MB on disk\n",
            u / 1e6, 100 * g / u, 100 * z / u, d / 1e6 }'
    [ "$ZST_NOTE" = - ] || echo "  note: $ZST_NOTE"
    echo "  id: $ID (a request at $ID_TIME; $EXPECTED events carry its ids)"
    echo "  range: --since $SINCE --until $UNTIL ($RANGE_EVENTS records with a time in it)"
    echo "host: $(nproc) cores, $(uname -sr); $(rg --version 2>/dev/null | head -1);" \
        "$( [ -n "$NO_LNAV" ] || lnav -V 2>/dev/null | head -1 );" \
        "casefile $("$BIN" --version 2>/dev/null | awk '{print $NF}') ($(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?'))"
    echo "runs: $RUNS each, alternating, warm cache; wall = median, RSS = max over runs;" \
        "ratio = wall / rg's wall"
    echo
    printf '%-44s %8s %9s %7s %-20s %-10s %s\n' command "wall s" "RSS MiB" ratio target "met?" found
    row rg "rg -z -c -w <id>" - "$RG_FOUND lines"
    row events "casefile events --since T --until T+2s" 0.5 "$EVENTS_FOUND events"
    row trace "casefile trace <id> --window 2s" 1.5 "$TRACE_FOUND events"
    row scan "casefile scan" 4 "${SCAN_FOUND//_/ }"
    row cluster "casefile cluster --level warn" 4 "${CLUSTER_FOUND//_/ }"
    if [ "${#NOSEEK_CMD[@]}" -gt 0 ]; then
        row noseek "casefile events --since T --until T+2s --no-seek" - "$NOSEEK_FOUND events"
    else
        printf '%-44s %8s %9s %7s %-20s %-10s %s\n' "casefile events ... --no-seek" n/a n/a n/a - - \
            "(this casefile has no --no-seek)"
    fi
    if [ "${#LNAV_CMD[@]}" -gt 0 ]; then
        row lnav "lnav -n, SQL count over the 2 s range" - "$LNAV_FOUND records"
    fi
    if awk -v b="$RG_WALL" 'BEGIN { exit !(b < 0.1) }'; then
        echo "  (GNU time reports wall time in 0.01 s steps: on a corpus this small the ratios mean little)"
    fi
    if [ "$EVENTS_FOUND" != "$RANGE_EVENTS" ]; then
        echo "  WARNING: events found $EVENTS_FOUND records in the range, the corpus says $RANGE_EVENTS"
    fi
    echo
    echo "dialects (casefile scan):"
    python3 - "$OUT/scan.json" "$LOGS" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
for src in s["sources"]:
    name = src["source"][len(sys.argv[2]) + 1:] if src["source"].startswith(sys.argv[2]) else src["source"]
    print("  %-44s %-16s %10d events" % (name, src["dialect"] or "-", src["events"]))
EOF
    if [ -f "$OUT/lnav-files.txt" ]; then
        echo
        echo "files lnav reads with a format ('-': shown as plain text, no time, not in the count):"
        awk -v p="$LOGS/" 'NR > 1 { f = $1; sub(p, "", f); printf "  %-44s %-14s %10s lines\n", f, $2, $3 }' \
            "$OUT/lnav-files.txt"
    fi
    echo
    echo "commands (output to /dev/null):"
    for c in RG_CMD EVENTS_CMD TRACE_CMD SCAN_CMD CLUSTER_CMD NOSEEK_CMD; do
        declare -n arr="$c"
        [ "${#arr[@]}" -eq 0 ] || echo "  ${arr[*]}"
        unset -n arr
    done
    if [ "${#LNAV_CMD[@]}" -gt 0 ]; then
        echo "  ${LNAV_CMD[*]:0:7} \"$LNAV_SQL\" <the ${#FILES[@]} files>"
    fi
} | tee "$REPORT"
