#!/usr/bin/env bash
# Template mining throughput: `casefile cluster --plain` against drain3 (the Python reference
# implementation of Drain), one thread each, on the same content-mode corpus.
#
#   benches/drain3_compare.sh                    # the measurement: 1,000,000 messages
#   MESSAGES=50000 benches/drain3_compare.sh     # quick check of the plumbing
#
# Environment: MESSAGES (default 1000000), ROUNDS (paired rounds; default 5),
# CASEFILE_BENCH_DATA (directory holding data/loghub-2k; default ../shared), NO_BUILD=1 (use
# the existing target/release/casefile).
#
# Paired rounds: a shared or virtual machine drifts between fast and slow phases (here wall
# times of the same run moved by up to 1.7x within minutes), so timings taken minutes apart
# compare phases, not tools. Each round therefore runs drain3, then casefile on one thread,
# then casefile on all cores, back to back, and the ratio is taken within the round. The
# report gives every round, the median of each tool's times, and the median and the lowest
# of the per-round ratios.
#
# Steps: a venv at benches/out/venv with drain3==0.9.11 from PyPI; the corpus
# benches/out/content_1m.txt (content_<MESSAGES>.txt for other sizes): the eight Loghub-2k
# `.content` files concatenated in a fixed order and repeated until MESSAGES lines, cut at
# exactly MESSAGES; `cargo build --release`; a warm-up casefile run (page cache; its JSON is
# kept as benches/out/casefile-<MESSAGES>.json); then ROUNDS rounds of: drain3 over the corpus
# (benches/drain3_run.py, add loop timed, file reading not), casefile with `--threads 1` and
# casefile with all cores (whole process wall time: startup, reading, mining, JSON output to
# /dev/null). Prints messages/s and clusters of each and the ratios casefile/drain3; the same
# text goes to benches/out/drain3-<MESSAGES>.txt.
set -euo pipefail

cd "$(dirname "$0")/.."
MESSAGES=${MESSAGES:-1000000}
ROUNDS=${ROUNDS:-${RUNS:-5}}
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

# 3. casefile build and warm-up.
if [[ ${NO_BUILD:-0} != 1 ]]; then
    echo "== cargo build --release"
    cargo build --release --quiet
fi
if ! "$BIN" cluster --help > /dev/null 2>&1; then
    echo "$BIN has no \`cluster\` subcommand" >&2
    exit 1
fi
"$BIN" cluster --plain "$CORPUS" --json --no-progress > "$OUT/casefile-$MESSAGES.json"
c_clusters=$(python3 -c 'import json, sys; print(len(json.load(sys.stdin)["signatures"]))' \
    < "$OUT/casefile-$MESSAGES.json" 2> /dev/null || echo "?")

# Wall seconds of: casefile cluster --plain CORPUS --json [ARGS...] > /dev/null
casefile_secs() {
    local t0 t1
    t0=$EPOCHREALTIME
    "$BIN" cluster --plain "$CORPUS" --json --no-progress "$@" > /dev/null
    t1=$EPOCHREALTIME
    elapsed "$t0" "$t1"
}
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
lowest() { printf '%s\n' "$@" | sort -g | head -n 1; }

# 4. Paired rounds.
d_all=() c1_all=() cn_all=() r1_all=() rn_all=() rounds_txt=""
for (( r = 1; r <= ROUNDS; r++ )); do
    d_line=$("$VENV/bin/python" benches/drain3_run.py "$CORPUS")
    d_secs=$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' <<< "$d_line")
    d_clusters=$(sed -n 's/.*clusters=\([0-9]*\).*/\1/p' <<< "$d_line")
    c1=$(casefile_secs --threads 1)
    cn=$(casefile_secs)
    r1=$(awk -v d="$d_secs" -v c="$c1" 'BEGIN { printf "%.1f", d / c }')
    rn=$(awk -v d="$d_secs" -v c="$cn" 'BEGIN { printf "%.1f", d / c }')
    line=$(printf 'round %d: drain3 %7.3f s | casefile 1 thread %6.3f s (%5.1fx) | all cores %6.3f s (%5.1fx)' \
        "$r" "$d_secs" "$c1" "$r1" "$cn" "$rn")
    echo "$line"
    rounds_txt+="$line"$'\n'
    d_all+=("$d_secs") c1_all+=("$c1") cn_all+=("$cn") r1_all+=("$r1") rn_all+=("$rn")
done
d_med=$(median "${d_all[@]}")
c1_secs=$(median "${c1_all[@]}")
cn_secs=$(median "${cn_all[@]}")
d_rate=$(rate "$MESSAGES" "$d_med")
c1_rate=$(rate "$MESSAGES" "$c1_secs")
cn_rate=$(rate "$MESSAGES" "$cn_secs")
ratio=$(median "${r1_all[@]}")
ratio_low=$(lowest "${r1_all[@]}")
ratio_n=$(median "${rn_all[@]}")

{
    echo
    echo "corpus: $CORPUS, $MESSAGES messages, $bytes bytes (loghub-2k content x$(( (MESSAGES + 15999) / 16000 )))"
    echo "machine: $(nproc) cores"
    printf '%s' "$rounds_txt"
    echo "medians over $ROUNDS rounds:"
    printf '%-34s %12s %12s %9s\n' tool seconds msgs/s clusters
    printf '%-34s %12s %12s %9s\n' "drain3 0.9.11 (1 thread)" "$d_med" "$d_rate" "$d_clusters"
    printf '%-34s %12s %12s %9s\n' "casefile cluster --threads 1" "$c1_secs" "$c1_rate" "$c_clusters"
    printf '%-34s %12s %12s %9s\n' "casefile cluster (all cores)" "$cn_secs" "$cn_rate" "$c_clusters"
    echo "ratio casefile/drain3, 1 thread each: median of rounds ${ratio}x, lowest ${ratio_low}x"
    echo "ratio casefile all cores/drain3: median of rounds ${ratio_n}x"
    echo "(drain3: add loop only; casefile: whole process incl. startup, reading and JSON output)"
} | tee "$REPORT"
