#!/usr/bin/env bash
# Which change bought what: several evs builds or settings, measured on the path compare.sh uses
# (one node per network namespace, behind one bridge, 10.78.0.i), taking turns ROUNDS times so that
# the load of the shared machine hits each alike (the order rotates every round). Each turn is an
# agreed throughput run (SIZE bytes, all send) and an agreed latency run (100 B, LAT_TOTAL_RATE
# msgs/s in all), with `uptime` before it; then one table of every run and the median per variant
# (throughput, CPU and kernel CPU per datagram, latency).
#   usage: benchmarks/corosync/evs-variants.sh N SIZE DURATION ROUNDS 'LABEL=EVS [OPTIONS]' ...
#   e.g.:  evs-variants.sh 5 1000 5 3 "before=/tmp/evs-base/evs" "none=$EVS --batching none" "both=$EVS"
#   env:   LAT_TOTAL_RATE=1000   KEEP=DIR (keep the raw JSON there)
#          EVS_REALTIME=1 (default: every node under chrt --rr 99, as compare.sh runs them, whatever
#          the build; 0: as usual. Never mix: real-time nodes starve any others on the machine)
# Needs root (namespaces). Everything it creates is removed on exit, failure and Ctrl-C included.
set -euo pipefail
DIR="$(cd "$(dirname "$0")" && pwd)"
USAGE="usage: evs-variants.sh N SIZE DURATION ROUNDS 'LABEL=EVS [OPTIONS]' ..."
N=${1:?$USAGE}
SIZE=${2:?$USAGE}
DUR=${3:?$USAGE}
ROUNDS=${4:?$USAGE}
shift 4
[ $# -ge 1 ] || { echo "$USAGE" >&2; exit 2; }
VARIANTS=("$@")
LAT_TOTAL_RATE=${LAT_TOTAL_RATE:-1000}
export CSB_PFX="${CSB_PFX:-evscmp}"
export CSB_SUBNET="${CSB_SUBNET:-10.78.0}"
# shellcheck source=harness/lib.sh
source "$DIR/harness/lib.sh"

[ "$(id -u)" = 0 ] || { log "run as root (network namespaces)"; exit 2; }
for v in "${VARIANTS[@]}"; do
	case "$v" in *=*) ;; *) log "variant \"$v\" is not LABEL=EVS [OPTIONS]"; exit 2 ;; esac
	exe=${v#*=}; exe=${exe%% *}
	[ -x "$exe" ] || { log "variant ${v%%=*}: $exe is not an executable"; exit 2; }
done

OUT="$(mktemp -d /tmp/evs-variants.XXXXXX)"
EVS_PID=""
finish() {
	local rc=$?
	if [ -n "$EVS_PID" ] && kill -0 "$EVS_PID" 2>/dev/null; then
		kill -TERM "$EVS_PID" 2>/dev/null || true
		wait "$EVS_PID" 2>/dev/null || true
	fi
	[ -n "${CSB_WORK:-}" ] && cleanup
	if [ -n "${KEEP:-}" ]; then mkdir -p "$KEEP" && cp -r "$OUT"/. "$KEEP"/; fi
	rm -rf "$OUT"
	exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT TERM

csb_init_work
net_up "$N"
HOSTS=$(seq -s, -f "$SUBNET.%g" 1 "$N")
NODE_COMMAND="ip netns exec $PFX-n{i}"
[ "${EVS_REALTIME:-1}" = 0 ] || NODE_COMMAND="$NODE_COMMAND chrt --rr 99"

# run LABEL 'EVS [OPTIONS]' OUTFILE ARGS...: one `evs bench --json` in the namespaces, the variant's options last.
run() {
	local label=$1 exe=${2%% *} options=${2#"${2%% *}"} out=$3; shift 3
	# shellcheck disable=SC2086 # the variant's options are a list of words
	timeout --signal=TERM --kill-after=15 $((DUR + 150)) "$exe" bench --nodes "$N" --duration "$DUR" --json \
		--hosts "$HOSTS" --node-command "$NODE_COMMAND" $options "$@" > "$out" &
	EVS_PID=$!
	wait "$EVS_PID" || log "$label: evs bench $* exited rc=$?"
	EVS_PID=""
}

count=${#VARIANTS[@]}
for round in $(seq 1 "$ROUNDS"); do
	for k in $(seq 0 $((count - 1))); do
		v=${VARIANTS[$(( (k + round - 1) % count ))]}
		label=${v%%=*}
		d="$OUT/$label/round$round"; mkdir -p "$d"
		uptime > "$d/uptime.txt"
		log "round $round: $label ($(cat "$d/uptime.txt"))"
		run "$label" "${v#*=}" "$d/tput.json" --size "$SIZE"
		run "$label" "${v#*=}" "$d/lat.json" --size 100 --rate "$LAT_TOTAL_RATE"
	done
done

python3 - "$OUT" "$N" "$SIZE" "$DUR" "$LAT_TOTAL_RATE" "${VARIANTS[@]%%=*}" <<'EOF'
import glob, json, re, statistics as st, sys
out, n, size, dur, rate, labels = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6:]

def report(path):
    try:
        with open(path) as f: return json.loads(f.read())
    except (OSError, ValueError): return {}

def load(path):
    m = re.search(r"load average:\s*([\d.]+)", open(path).read())
    return m.group(1) if m else "?"

def cpu_per_datagram(r):
    """CPU and kernel CPU microseconds per datagram sent or received, over all nodes (None without the counters)."""
    nodes = r.get("per_node", [])
    datagrams = sum(p["datagrams_sent"] + p["datagrams_received"] for p in nodes)
    if not datagrams or any("cpu_kernel_s" not in p for p in nodes): return None, None
    return sum(p["cpu_s"] for p in nodes) / datagrams * 1e6, sum(p["cpu_kernel_s"] for p in nodes) / datagrams * 1e6

def f(x, digits=0): return "-" if x is None else f"{x:,.{digits}f}"

def med(xs, digits=0):
    xs = [x for x in xs if x is not None]
    return f"{st.median(xs):,.{digits}f} ({min(xs):,.{digits}f}-{max(xs):,.{digits}f})" if xs else "-"

print(f"\nN={n}, {size} B, {dur} s windows, all send, agreed, in namespaces; latency 100 B at {rate} msgs/s in all\n")
print("| variant | round | load | msgs/s per node | CPU us per datagram (kernel) | p50 us | p99 us | order and streams |")
print("|---|---|---|---|---|---|---|---|")
rows = {}
for label in labels:
    for d in sorted(glob.glob(f"{out}/{label}/round*"), key=lambda d: int(d.rsplit("round", 1)[1])):
        t, l = report(f"{d}/tput.json"), report(f"{d}/lat.json")
        ts, ls = t.get("summary", {}), l.get("summary", {})
        ok = "yes" if all(s.get("order_hash_equal") and s.get("complete") for s in (ts, ls)) else "NO"
        cpu, kernel = cpu_per_datagram(t)
        row = (ts.get("per_node_msgs_per_s"), cpu, kernel, ls.get("lat_p50_us"), ls.get("lat_p99_us"))
        rows.setdefault(label, []).append(row)
        print(f"| {label} | {d.rsplit('round', 1)[1]} | {load(d + '/uptime.txt')} | {f(row[0])} | {f(cpu, 1)} ({f(kernel, 1)}) | {f(row[3])} | {f(row[4])} | {ok} |")
print("\n| variant | msgs/s per node, median (lowest-highest) | CPU us per datagram | kernel CPU us per datagram | p50 us | p99 us |")
print("|---|---|---|---|---|---|")
for label in labels:
    r = rows.get(label, [])
    print(f"| {label} | {med([x[0] for x in r])} | {med([x[1] for x in r], 1)} | {med([x[2] for x in r], 1)} | {med([x[3] for x in r])} | {med([x[4] for x in r])} |")
EOF
