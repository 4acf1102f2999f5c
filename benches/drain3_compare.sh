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
# Two corpora of MESSAGES lines each, both from the eight Loghub-2k `.content` files
# concatenated in a fixed order and repeated until MESSAGES lines:
#   repeated  benches/out/content_1m.txt (content_<MESSAGES>.txt for other sizes): the lines
#             as they are, so every line recurs once per 16,000 (casefile masks a message it
#             has just seen only once: see src/cluster/memo.rs);
#   varied    benches/out/content_1m_varied.txt: each repetition with its numbers changed
#             (benches/vary_numbers.py), so only messages without numbers recur verbatim.
#
# Steps: a venv at benches/out/venv with drain3==0.9.11 from PyPI; the two corpora;
# `cargo build --release`; a warm-up casefile run on each (page cache; the JSON of the
# repeated one is kept as benches/out/casefile-<MESSAGES>.json); then ROUNDS rounds of, for
# each corpus: drain3 (benches/drain3_run.py, add loop timed, file reading not), casefile with
# `--threads 1` and casefile with all cores (whole process wall time: startup, reading,
# mining, JSON output to /dev/null). Prints, per corpus, messages/s and clusters of each and
# the ratios casefile/drain3; the same text goes to benches/out/drain3-<MESSAGES>.txt.
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
    VARIED=$OUT/content_1m_varied.txt
else
    CORPUS=$OUT/content_$MESSAGES.txt
    VARIED=$OUT/content_${MESSAGES}_varied.txt
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
if [[ ! -f $VARIED ]] || [[ $(wc -l < "$VARIED") -ne $MESSAGES ]]; then
    echo "== corpus $VARIED ($MESSAGES messages, numbers varied)"
    python3 benches/vary_numbers.py "$MESSAGES" "${files[@]}" > "$VARIED.tmp"
    mv "$VARIED.tmp" "$VARIED"
fi

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
"$BIN" cluster --plain "$VARIED" --json --no-progress > "$OUT/casefile-$MESSAGES-varied.json"
clusters_of() {
    python3 -c 'import json, sys; print(len(json.load(sys.stdin)["signatures"]))' < "$1" \
        2> /dev/null || echo "?"
}

# Wall seconds of: casefile cluster --plain FILE --json [ARGS...] > /dev/null
casefile_secs() {
    local t0 t1 file=$1
    shift
    t0=$EPOCHREALTIME
    "$BIN" cluster --plain "$file" --json --no-progress "$@" > /dev/null
    t1=$EPOCHREALTIME
    elapsed "$t0" "$t1"
}
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
lowest() { printf '%s\n' "$@" | sort -g | head -n 1; }

# 4. Paired rounds: per round and corpus, drain3 then casefile on one thread then on all
# cores. Times and ratios are kept per corpus (index 0: repeated, 1: varied).
names=(repeated varied)
corpora=("$CORPUS" "$VARIED")
declare -A d_all c1_all cn_all r1_all rn_all d_clusters rounds_txt
for (( r = 1; r <= ROUNDS; r++ )); do
    for k in 0 1; do
        d_line=$("$VENV/bin/python" benches/drain3_run.py "${corpora[$k]}")
        d_secs=$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' <<< "$d_line")
        d_clusters[$k]=$(sed -n 's/.*clusters=\([0-9]*\).*/\1/p' <<< "$d_line")
        c1=$(casefile_secs "${corpora[$k]}" --threads 1)
        cn=$(casefile_secs "${corpora[$k]}")
        r1=$(awk -v d="$d_secs" -v c="$c1" 'BEGIN { printf "%.1f", d / c }')
        rn=$(awk -v d="$d_secs" -v c="$cn" 'BEGIN { printf "%.1f", d / c }')
        line=$(printf 'round %d %-8s drain3 %7.3f s | casefile 1 thread %6.3f s (%5.1fx) | all cores %6.3f s (%5.1fx)' \
            "$r" "${names[$k]}" "$d_secs" "$c1" "$r1" "$cn" "$rn")
        echo "$line"
        rounds_txt[$k]+="$line"$'\n'
        d_all[$k]+=" $d_secs" c1_all[$k]+=" $c1" cn_all[$k]+=" $cn"
        r1_all[$k]+=" $r1" rn_all[$k]+=" $rn"
    done
done

{
    echo
    echo "machine: $(nproc) cores; $ROUNDS rounds"
    for k in 0 1; do
        # shellcheck disable=SC2086 # the lists are space-separated numbers
        {
            d_med=$(median ${d_all[$k]})
            c1_secs=$(median ${c1_all[$k]})
            cn_secs=$(median ${cn_all[$k]})
            ratio=$(median ${r1_all[$k]})
            ratio_low=$(lowest ${r1_all[$k]})
            ratio_n=$(median ${rn_all[$k]})
        }
        if [[ $k == 0 ]]; then
            c_clusters=$(clusters_of "$OUT/casefile-$MESSAGES.json")
        else
            c_clusters=$(clusters_of "$OUT/casefile-$MESSAGES-varied.json")
        fi
        echo
        echo "corpus ${names[$k]}: ${corpora[$k]}, $MESSAGES messages, $(wc -c < "${corpora[$k]}") bytes, $(sort -u "${corpora[$k]}" | wc -l) distinct"
        printf '%s' "${rounds_txt[$k]}"
        echo "medians over $ROUNDS rounds:"
        printf '%-34s %12s %12s %9s\n' tool seconds msgs/s clusters
        printf '%-34s %12s %12s %9s\n' "drain3 0.9.11 (1 thread)" "$d_med" "$(rate "$MESSAGES" "$d_med")" "${d_clusters[$k]}"
        printf '%-34s %12s %12s %9s\n' "casefile cluster --threads 1" "$c1_secs" "$(rate "$MESSAGES" "$c1_secs")" "$c_clusters"
        printf '%-34s %12s %12s %9s\n' "casefile cluster (all cores)" "$cn_secs" "$(rate "$MESSAGES" "$cn_secs")" "$c_clusters"
        echo "ratio casefile/drain3, 1 thread each: median of rounds ${ratio}x, lowest ${ratio_low}x"
        echo "ratio casefile all cores/drain3: median of rounds ${ratio_n}x"
    done
    echo
    echo "(drain3: add loop only; casefile: whole process incl. startup, reading and JSON output)"
} | tee "$REPORT"
