#!/usr/bin/env bash
# Template mining throughput: `casefile cluster --plain` against drain3 (the Python reference
# implementation of Drain), one thread each, on the same content-mode corpus.
#
#   benches/drain3_compare.sh                    # the measurement: 1,000,000 messages
#   MESSAGES=50000 benches/drain3_compare.sh     # quick check of the plumbing
#
# Environment: MESSAGES (default 1000000), RUNS (casefile timed runs, median; default 3),
# CASEFILE_BENCH_DATA (directory holding data/loghub-2k; default ../shared), NO_BUILD=1 (use
# the existing target/release/casefile).
#
# Steps: a venv at benches/out/venv with drain3==0.9.11 from PyPI; the corpus
# benches/out/content_1m.txt (content_<MESSAGES>.txt for other sizes): the eight Loghub-2k
# `.content` files concatenated in a fixed order and repeated until MESSAGES lines, cut at
# exactly MESSAGES; drain3 over it (benches/drain3_run.py, add loop timed, file reading not);
# `cargo build --release`; casefile over it with `--threads 1` and with all cores, whole
# process wall time (startup, reading, mining, JSON output to /dev/null; the all-cores warm-up
# run's JSON is kept as benches/out/casefile-<MESSAGES>.json). Prints messages/s and clusters of
# each and the ratio casefile/drain3; the same text goes to benches/out/drain3-<MESSAGES>.txt.
set -euo pipefail

cd "$(dirname "$0")/.."
MESSAGES=${MESSAGES:-1000000}
RUNS=${RUNS:-3}
DATA=${CASEFILE_BENCH_DATA:-../shared}/data/loghub-2k
OUT=benches/out
VENV=$OUT/venv
BIN=target/release/casefile
SYSTEMS=(HDFS Hadoop Spark Zookeeper BGL HealthApp OpenSSH Proxifier)

if [[ $MESSAGES == 1000000 ]]; then
    CORPUS=$OUT/content_1m.txt
else
    CORPUS=$OUT/content_$MESSAGES.txt
fi
REPORT=$OUT/drain3-$MESSAGES.txt
mkdir -p "$OUT"

# Seconds (float) between two $EPOCHREALTIME readings.
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'; }

# 1. drain3 in its own venv.
if ! "$VENV/bin/python" -c 'import importlib.metadata as m, sys; sys.exit(m.version("drain3") != "0.9.11")' 2>/dev/null; then
    echo "== venv $VENV with drain3==0.9.11"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "drain3==0.9.11"
fi

# 2. The corpus (rebuilt when missing or of another length).
files=()
for s in "${SYSTEMS[@]}"; do
    f=$DATA/$s/${s}_2k.content
    [[ -f $f ]] || { echo "missing $f (set CASEFILE_BENCH_DATA)" >&2; exit 1; }
    files+=("$f")
done
if [[ ! -f $CORPUS ]] || [[ $(wc -l < "$CORPUS") -ne $MESSAGES ]]; then
    echo "== corpus $CORPUS ($MESSAGES messages)"
    per_round=$(cat "${files[@]}" | wc -l)
    rounds=$(( (MESSAGES + per_round - 1) / per_round ))
    # awk reads all its input (no SIGPIPE under pipefail) and keeps the first MESSAGES lines.
    for (( r = 0; r < rounds; r++ )); do cat "${files[@]}"; done \
        | awk -v n="$MESSAGES" 'NR <= n' > "$CORPUS.tmp"
    mv "$CORPUS.tmp" "$CORPUS"
fi
bytes=$(wc -c < "$CORPUS")

# 3. drain3, one thread (CPython).
echo "== drain3 over $CORPUS"
d_line=$("$VENV/bin/python" benches/drain3_run.py "$CORPUS")
echo "$d_line"
d_rate=$(sed -n 's/.*msgs_per_s=\([0-9]*\).*/\1/p' <<< "$d_line")
d_clusters=$(sed -n 's/.*clusters=\([0-9]*\).*/\1/p' <<< "$d_line")

# 4. casefile.
if [[ ${NO_BUILD:-0} != 1 ]]; then
    echo "== cargo build --release"
    cargo build --release --quiet
fi
if ! "$BIN" cluster --help > /dev/null 2>&1; then
    echo "$BIN has no \`cluster\` subcommand (yet): drain3 half done, casefile half skipped" >&2
    exit 1
fi
# Median wall time of RUNS runs of: casefile cluster --plain CORPUS --json [ARGS...] > /dev/null
casefile_secs() {
    local times=() t0 t1 i
    # Warm-up (page cache); its output is kept to count the signatures.
    "$BIN" cluster --plain "$CORPUS" --json --no-progress "$@" > "$OUT/casefile-$MESSAGES.json"
    for (( i = 0; i < RUNS; i++ )); do
        t0=$EPOCHREALTIME
        "$BIN" cluster --plain "$CORPUS" --json --no-progress "$@" > /dev/null
        t1=$EPOCHREALTIME
        times+=("$(elapsed "$t0" "$t1")")
    done
    printf '%s\n' "${times[@]}" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}
echo "== casefile cluster --plain, --threads 1 ($RUNS runs)"
c1_secs=$(casefile_secs --threads 1)
echo "== casefile cluster --plain, all cores ($RUNS runs)"
cn_secs=$(casefile_secs)
c_clusters=$("$VENV/bin/python" -c 'import json, sys; print(len(json.load(sys.stdin)["signatures"]))' \
    < "$OUT/casefile-$MESSAGES.json" 2> /dev/null || echo "?")
c1_rate=$(rate "$MESSAGES" "$c1_secs")
cn_rate=$(rate "$MESSAGES" "$cn_secs")
ratio=$(awk -v a="$c1_rate" -v b="$d_rate" 'BEGIN { printf "%.1f", (b > 0 ? a / b : 0) }')

{
    echo
    echo "corpus: $CORPUS, $MESSAGES messages, $bytes bytes (loghub-2k content x$(( (MESSAGES + 15999) / 16000 )))"
    echo "machine: $(nproc) cores"
    printf '%-34s %12s %12s %9s\n' tool seconds msgs/s clusters
    printf '%-34s %12s %12s %9s\n' "drain3 0.9.11 (1 thread)" \
        "$(awk -v n="$MESSAGES" -v r="$d_rate" 'BEGIN { printf "%.3f", n / r }')" "$d_rate" "$d_clusters"
    printf '%-34s %12s %12s %9s\n' "casefile cluster --threads 1" "$c1_secs" "$c1_rate" "$c_clusters"
    printf '%-34s %12s %12s %9s\n' "casefile cluster (all cores)" "$cn_secs" "$cn_rate" "$c_clusters"
    echo "ratio casefile/drain3 (1 thread each): ${ratio}x"
    echo "(drain3: add loop only; casefile: whole process incl. startup, reading and JSON output)"
} | tee "$REPORT"
