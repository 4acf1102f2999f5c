# Shared by benches/compare.sh and benches/compare_whole.sh (sourced, not run): tools, build,
# corpus generation with caching, page-cache warming, and GNU time runs with their median wall
# time and peak RSS. See benches/README.md.
#
# The caller sets ROOT (the repository) before sourcing, and TIMES (where `time -v` reports go)
# before calling timed/median_wall/peak_rss.

log() { printf '== %s\n' "$*" >&2; }

# ensure_tools PKG:CHECK...: apt-get install each Debian package whose CHECK (a command name,
# or an absolute path) is missing. Runs `apt-get update` and retries if the first install fails.
ensure_tools() {
    local need=() spec pkg check
    for spec in "$@"; do
        pkg="${spec%%:*}"
        check="${spec#*:}"
        case "$check" in
            /*) [ -x "$check" ] || need+=("$pkg") ;;
            *) command -v "$check" >/dev/null 2>&1 || need+=("$pkg") ;;
        esac
    done
    if [ "${#need[@]}" -gt 0 ]; then
        log "installing ${need[*]}"
        export DEBIAN_FRONTEND=noninteractive
        if ! apt-get install -y "${need[@]}" >/dev/null; then
            apt-get update >/dev/null
            apt-get install -y "${need[@]}" >/dev/null
        fi
    fi
}

build_release() {
    log "cargo build --release"
    (cd "$ROOT" && cargo build --release --quiet)
}

# have_corpus DIR SIZE_MB SEED ALL_DIALECTS(0|1): a complete corpus written by this generator
# (same source), size, seed and dialect set is in DIR (needle.json is written last).
have_corpus() {
    [ -f "$1/needle.json" ] && python3 - "$1/needle.json" "$2" "$3" "$4" "$ROOT/benches/gen_corpus.py" <<'EOF'
import json, sys
import hashlib
n = json.load(open(sys.argv[1]))
gen = hashlib.sha256(open(sys.argv[5], "rb").read()).hexdigest()
same = (float(n["size_mb"]) == float(sys.argv[2]) and int(n["seed"]) == int(sys.argv[3])
        and n.get("generator_sha256") == gen
        and bool(n.get("all_dialects", False)) == (sys.argv[4] == "1"))
sys.exit(0 if same else 1)
EOF
}

# corpus DIR SIZE_MB SEED ALL_DIALECTS(0|1): generate the corpus unless it is already there.
corpus() {
    local dir="$1" size="$2" seed="$3" all="$4" flag=() what=""
    if [ "$all" = 1 ]; then
        flag=(--all-dialects)
        what=", all dialects"
    fi
    mkdir -p "$(dirname "$dir")"
    if have_corpus "$dir" "$size" "$seed" "$all"; then
        log "corpus already generated (${size} MB, seed $seed$what): $dir"
    else
        log "generating ${size} MB corpus (seed $seed$what) into $dir"
        python3 "$ROOT/benches/gen_corpus.py" --size-mb "$size" --seed "$seed" --out "$dir" \
            ${flag[@]+"${flag[@]}"}
    fi
}

# warm_cache DIR: read every file once (nothing is dropped from the page cache).
warm_cache() {
    log "warming page cache"
    find "$1" -type f -exec cat {} + >/dev/null
}

# timed NAME I MAX_RC cmd...: one run under GNU time -v, report in $TIMES/NAME.I, stdout
# discarded, stderr in $TIMES/NAME.I.stderr. An exit code above MAX_RC stops the script.
timed() {
    local name="$1" i="$2" max_rc="$3"
    shift 3
    local rc=0
    /usr/bin/time -v -o "$TIMES/$name.$i" "$@" >/dev/null 2>"$TIMES/$name.$i.stderr" || rc=$?
    if [ "$rc" -gt "$max_rc" ]; then
        echo "$name exited $rc:" >&2
        cat "$TIMES/$name.$i.stderr" >&2
        exit 1
    fi
}

# median_wall NAME: seconds; "Elapsed (wall clock) time (h:mm:ss or m:ss): 0:01.23".
median_wall() {
    for f in "$TIMES/$1".[0-9]*; do
        case "$f" in *.stderr) continue ;; esac
        awk '/Elapsed \(wall clock\) time/ { print $NF }' "$f" |
            awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f\n", s }'
    done | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# peak_rss NAME: MiB, the largest over the runs ("Maximum resident set size (kbytes): N").
peak_rss() {
    for f in "$TIMES/$1".[0-9]*; do
        case "$f" in *.stderr) continue ;; esac
        awk '/Maximum resident set size/ { print $NF }' "$f"
    done | sort -g | tail -1 | awk '{ printf "%.1f\n", $1 / 1024 }'
}
