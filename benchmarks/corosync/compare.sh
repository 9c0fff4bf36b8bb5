#!/usr/bin/env bash
# Corosync's CPG and `evs bench` side by side, with the same N, message size and window, on this
# machine and on the same network path: every node of either system runs in a network namespace of
# its own, behind one bridge (veth pairs, addresses 10.78.0.i), none over loopback. The two systems
# take turns, ROUNDS times (Corosync first in odd rounds, evs first in even ones, so that whatever
# else loads the machine hits both alike), never at the same time; `uptime` is recorded before
# each system's turn. Both run under round-robin real-time scheduling at priority 99: corosync does
# by default, and evs's nodes are started so (`evs bench --realtime`). Then one table with every
# run, the median ratio evs/Corosync and its spread.
# Needs root (namespaces) and the packages in README.md. Everything it creates (namespaces,
# processes, temporary files) is removed on exit, failure and Ctrl-C included.
#   usage: benchmarks/corosync/compare.sh N SIZE DURATION [ROUNDS]     (ROUNDS default 3)
#   env:   CSB_TRANSPORT=udpu (default knet)   EVS=/path/to/evs (default: build Release)
#          LAT_TOTAL_RATE=1000 (msgs/s offered in all in the latency runs, 100-byte messages)
#          KEEP=DIR (keep every run's raw JSON there)   EVS_BENCH_ARGS="..." (more `evs bench` options)
#          EVS_REALTIME=0 (evs's nodes scheduled as usual, not as Corosync is)
set -euo pipefail
DIR="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$DIR/../.." && pwd)"
N=${1:?usage: compare.sh N SIZE DURATION [ROUNDS]}
SIZE=${2:?usage: compare.sh N SIZE DURATION [ROUNDS]}
DUR=${3:?usage: compare.sh N SIZE DURATION [ROUNDS]}
ROUNDS=${4:-3}
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
	[ -n "${CSB_WORK:-}" ] && cleanup
	if [ -n "${KEEP:-}" ]; then mkdir -p "$KEEP" && cp -r "$OUT"/. "$KEEP"/; fi
	rm -rf "$OUT"
	exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT TERM

[ "$ROUNDS" -ge 1 ] 2>/dev/null || { log "ROUNDS must be a whole number of at least 1, not $ROUNDS"; exit 2; }
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

# evs_run OUTFILE ARGS...: one `evs bench --json` with node i in namespace n<i> at 10.78.0.i (the
# addresses Corosync's nodes have), bounded, killable by the trap.
evs_run() {
	local out=$1 hosts realtime=""; shift
	hosts=$(seq -s, -f "$SUBNET.%g" 1 "$N")
	[ "${EVS_REALTIME:-1}" = 0 ] || realtime=--realtime
	# shellcheck disable=SC2086 # EVS_BENCH_ARGS is a list of words
	timeout --signal=TERM --kill-after=15 $((DUR + 150)) "$EVS" bench --nodes "$N" --duration "$DUR" --warmup "$WARM" --json \
		--hosts "$hosts" --node-command "ip netns exec $PFX-n{i}" $realtime ${EVS_BENCH_ARGS:-} "$@" > "$out" &
	EVS_PID=$!
	wait "$EVS_PID" || log "evs bench $* exited rc=$?"
	EVS_PID=""
}

# corosync_turn DIR: a Corosync cluster in the namespaces, its throughput and latency runs, then gone.
corosync_turn() {
	local d=$1
	uptime > "$d/uptime-corosync.txt"
	log "round $ROUND: Corosync, $N nodes, transport $TRANSPORT ($(cat "$d/uptime-corosync.txt"))"
	csb_init_work
	cluster_up "$N"
	totem_params 1 | grep -E 'totem\.(token|window_size|max_messages|token_retransmit|consensus|join|merge) ' > "$OUT/totem.txt" || true
	cpg_run tput "$SIZE" 0 "$d/cpg_tput.jsonl"
	cpg_run lat "$LAT_SIZE" "$(awk -v t="$LAT_TOTAL_RATE" -v n="$N" 'BEGIN{print t/n}')" "$d/cpg_lat.jsonl"
	cleanup
	CSB_WORK=""
}

# evs_turn DIR: the same namespaces and bridge, evs's four runs (agreed and safe, throughput and latency), then gone.
evs_turn() {
	local d=$1
	uptime > "$d/uptime-evs.txt"
	log "round $ROUND: evs, $N nodes in namespaces ($(cat "$d/uptime-evs.txt"))"
	csb_init_work
	net_up "$N"
	evs_run "$d/evs_agreed.json" --size "$SIZE" --service agreed
	evs_run "$d/evs_agreed_lat.json" --size "$LAT_SIZE" --service agreed --rate "$LAT_TOTAL_RATE"
	evs_run "$d/evs_safe.json" --size "$SIZE" --service safe
	evs_run "$d/evs_safe_lat.json" --size "$LAT_SIZE" --service safe --rate "$LAT_TOTAL_RATE"
	cleanup
	CSB_WORK=""
}

for ROUND in $(seq 1 "$ROUNDS"); do
	RUN="$OUT/round$ROUND"; mkdir -p "$RUN"
	if [ $((ROUND % 2)) = 1 ]; then corosync_turn "$RUN"; evs_turn "$RUN"; else evs_turn "$RUN"; corosync_turn "$RUN"; fi
done

python3 "$DIR/compare_table.py" "$OUT" "$N" "$SIZE" "$DUR" "$TRANSPORT" "$LAT_TOTAL_RATE"
