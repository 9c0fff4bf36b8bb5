#!/usr/bin/env bash
# Corosync's CPG and `evs bench` side by side, with the same N, message size and window, on this
# machine, in one run: Corosync (the CPG harness in harness/, kept with this benchmark)
# in network namespaces this script creates, then evs on 127.0.0.1; then one table with both and
# their ratio. The two never run at the same time. Needs root (namespaces) and the packages in
# README.md. Everything it creates (namespaces, processes, temporary files) is removed on exit,
# failure and Ctrl-C included.
#   usage: benchmarks/corosync/compare.sh N SIZE DURATION
#   env:   CSB_TRANSPORT=udpu (default knet)   EVS=/path/to/evs (default: build Release)
#          LAT_TOTAL_RATE=1000 (msgs/s offered in all in the latency runs, 100-byte messages)
set -euo pipefail
DIR="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$DIR/../.." && pwd)"
N=${1:?usage: compare.sh N SIZE DURATION}
SIZE=${2:?usage: compare.sh N SIZE DURATION}
DUR=${3:?usage: compare.sh N SIZE DURATION}
LAT_TOTAL_RATE=${LAT_TOTAL_RATE:-1000}
LAT_SIZE=100
WARM=1
export CSB_PFX="${CSB_PFX:-evscmp}"       # namespaces evscmp-sw, evscmp-n<i>: not the shared harness's
export CSB_SUBNET="${CSB_SUBNET:-10.78.0}"
# shellcheck source=harness/lib.sh
source "$DIR/harness/lib.sh"
# shellcheck source=prepare.sh
source "$DIR/prepare.sh"

OUT="$(mktemp -d /tmp/evs-compare.XXXXXX)"
EVS_PID=""
finish() {
	local rc=$?
	if [ -n "$EVS_PID" ] && kill -0 "$EVS_PID" 2>/dev/null; then
		kill -TERM "$EVS_PID" 2>/dev/null || true   # evs bench kills its node processes on SIGTERM
		wait "$EVS_PID" 2>/dev/null || true
	fi
	cleanup
	rm -rf "$OUT"
	exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT TERM

prepare corosync corosync-cmapctl ip unshare jq python3 make gcc

# cpg_run MODE SIZE RATE_PER_SENDER OUTFILE: every node sends (as bench.sh's run_one, all senders).
# `ip netns exec` execs its command, so the PID recorded is timeout's, which a cleanup can stop
# (a background shell function would record a subshell's PID and leave cpgbench running).
cpg_run() {
	local mode=$1 size=$2 rate=$3 out=$4 i pids=() t0 d="$CSB_WORK/run"
	t0=$(awk -v t="$(now)" 'BEGIN{printf "%.6f", t + 2.0}')
	rm -rf "$d"; mkdir -p "$d"
	for i in $(seq 1 "$N"); do
		ip netns exec "$PFX-n$i" timeout 120 "$BIN/cpgbench" -m "$mode" -g "cmp-$mode-$size-$$" -s "$size" -n "$N" \
			-T "$t0" -w "$WARM" -d "$DUR" -S 1 -k "$N" -r "$rate" -i "n$i" > "$d/$i.json" 2> "$d/$i.err" &
		pids+=($!)
		echo "$! cpgbench n$i" >> "$CSB_WORK/pids.list"
	done
	for i in "${pids[@]}"; do wait "$i" || log "cpgbench $i exited rc=$?"; done
	cat "$d"/*.json > "$out"
}

# evs_run OUTFILE ARGS...: one `evs bench --json`, bounded, killable by the trap.
evs_run() {
	local out=$1; shift
	timeout --signal=TERM --kill-after=15 $((DUR + 150)) "$EVS" bench --nodes "$N" --duration "$DUR" --warmup "$WARM" --json "$@" > "$out" &
	EVS_PID=$!
	wait "$EVS_PID" || log "evs bench $* exited rc=$?"
	EVS_PID=""
}

log "Corosync: $N nodes, transport $TRANSPORT"
csb_init_work
cluster_up "$N"
totem_params 1 | grep -E 'totem\.(token|window_size|max_messages|token_retransmit|consensus|join|merge) ' > "$OUT/totem.txt" || true
log "Corosync throughput: $SIZE B, all senders, $DUR s"
cpg_run tput "$SIZE" 0 "$OUT/cpg_tput.jsonl"
log "Corosync latency: $LAT_SIZE B, $LAT_TOTAL_RATE msgs/s in all"
cpg_run lat "$LAT_SIZE" "$(awk -v t="$LAT_TOTAL_RATE" -v n="$N" 'BEGIN{print t/n}')" "$OUT/cpg_lat.jsonl"
cleanup   # Corosync is gone before evs starts: they never share the cores (the trap's cleanup is then a no-op)

log "evs: agreed throughput"
evs_run "$OUT/evs_agreed.json" --size "$SIZE" --service agreed
log "evs: agreed latency"
evs_run "$OUT/evs_agreed_lat.json" --size "$LAT_SIZE" --service agreed --rate "$LAT_TOTAL_RATE"
log "evs: safe throughput"
evs_run "$OUT/evs_safe.json" --size "$SIZE" --service safe
log "evs: safe latency"
evs_run "$OUT/evs_safe_lat.json" --size "$LAT_SIZE" --service safe --rate "$LAT_TOTAL_RATE"

python3 "$DIR/compare_table.py" "$OUT" "$N" "$SIZE" "$DUR" "$TRANSPORT" "$LAT_TOTAL_RATE"
