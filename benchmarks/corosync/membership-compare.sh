#!/usr/bin/env bash
# Membership changes, Corosync and evs side by side, on this machine, in one run: how long after a
# partition, a heal and a kill -9 each system installs its new configuration. Both run in the same
# topology (N network namespaces behind a bridge that this script creates and removes), and the
# faults are made the same way: one atomic nftables rule in the bridge cuts {1..N-2} from
# {N-1,N}; deleting it heals; kill -9 of node N's process is the crash. Three runs, one after the
# other (never at the same time):
#   1. Corosync (the harness in harness/), its default timeouts; a cpgmon tracer on every node;
#   2. evs with Corosync's timeouts: its token timeout read from the running Corosync (consensus
#      follows at 1.2 x, as Corosync's does);
#   3. evs with its own defaults.
# A time is measured from the moment the nft or kill command returned to each node's first
# configuration change after it: Corosync's first cpg_confchg, evs's first regular configuration
# (deliver_conf in its trace, docs/TRACE.md; the transitional one comes just before it).
#   usage: benchmarks/corosync/membership-compare.sh [N]         (N >= 3, default 5)
#   env:   CSB_TRANSPORT=udpu|knet (Corosync's transport, default knet)
#          EVS=/path/to/evs (default: build Release)   SETTLE=3 (s between phases)
#          PHASE_TIMEOUT=60 (s to wait for a view)     KEEP=DIR (keep the traces there)
set -euo pipefail
DIR="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$DIR/../.." && pwd)"
N=${1:-5}
SETTLE=${SETTLE:-3}
PHASE_TIMEOUT=${PHASE_TIMEOUT:-60}
EVS_PORT=5405
export CSB_PFX="${CSB_PFX:-evsmem}"
export CSB_SUBNET="${CSB_SUBNET:-10.79.0}"
# shellcheck source=harness/lib.sh
source "$DIR/harness/lib.sh"
# shellcheck source=prepare.sh
source "$DIR/prepare.sh"

OUT="$(mktemp -d /tmp/evs-membership.XXXXXX)"
finish() {
	local rc=$?
	[ -n "${CSB_WORK:-}" ] && cleanup
	if [ -n "${KEEP:-}" ]; then mkdir -p "$KEEP" && cp -r "$OUT"/. "$KEEP"/; fi
	rm -rf "$OUT"
	exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT TERM

[ "$N" -ge 3 ] || { log "N must be at least 3 (the partition leaves two nodes on one side)"; exit 2; }
prepare corosync corosync-cmapctl ip nft unshare jq python3 make gcc

A_HI=$((N - 2))
GA=$(seq 1 "$A_HI" | tr '\n' ' ')
GB=$(seq $((A_HI + 1)) "$N" | tr '\n' ' ')
ALL=$(seq 1 "$N" | tr '\n' ' ')
SURVIVORS=$(seq 1 $((N - 1)) | tr '\n' ' ')
seqcsv() { seq -s, "$1" "$2"; }

# The harness's events of one system's run, as JSON lines with wall-clock seconds.
HEV=""
hevent() { printf '{"node":"harness","wall":%s,"event":"%s"}\n' "$(now)" "$1" >> "$HEV"; }

# wait_view VIEW_FN "nodes" "1,2,3": until every listed node's last view is the expected one.
wait_view() {
	local view=$1 nodes=$2 want=$3 end i ok
	end=$(( $(date +%s) + PHASE_TIMEOUT ))
	while [ "$(date +%s)" -lt "$end" ]; do
		ok=1
		for i in $nodes; do [ "$("$view" "$i")" = "$want" ] || { ok=0; break; }; done
		[ $ok = 1 ] && return 0
		sleep 0.1
	done
	log "timeout waiting for view $want on nodes $nodes"
	return 1
}

# faults VIEW_FN PID_FN: the partition, the heal and the crash, each followed by its wait.
faults() {
	local view=$1 pid_of=$2 victim
	wait_view "$view" "$ALL" "$(seqcsv 1 "$N")"
	sleep "$SETTLE"
	local pa pb
	pa=$(for i in $GA; do printf '"p%s", ' "$i"; done | sed 's/, $//')
	pb=$(for i in $GB; do printf '"p%s", ' "$i"; done | sed 's/, $//')
	cat > "$CSB_WORK/cut.nft" <<EOF
table bridge evscut {
	chain cut {
		type filter hook forward priority 0; policy accept;
		iifname { $pa } oifname { $pb } drop
		iifname { $pb } oifname { $pa } drop
	}
}
EOF
	log "partition {$GA} | {$GB}"
	ip netns exec "$PFX-sw" nft -f "$CSB_WORK/cut.nft"
	hevent partition
	wait_view "$view" "$GA" "$(seqcsv 1 "$A_HI")" || true
	wait_view "$view" "$GB" "$(seqcsv $((A_HI + 1)) "$N")" || true
	sleep "$SETTLE"
	log "heal"
	ip netns exec "$PFX-sw" nft delete table bridge evscut
	hevent heal
	wait_view "$view" "$ALL" "$(seqcsv 1 "$N")" || true
	sleep "$SETTLE"
	victim=$("$pid_of" "$N")
	log "kill -9 node $N (pid $victim)"
	kill -9 "$victim"
	hevent crash
	wait_view "$view" "$SURVIVORS" "$(seqcsv 1 $((N - 1)))" || true
	sleep "$SETTLE"
}

# ---- 1. Corosync ----
corosync_view() {
	local f="$CSB_WORK/mon_n$1.jsonl"
	[ -f "$f" ] || { echo ""; return; }
	grep '"event":"cpg_confchg"' "$f" | tail -1 | jq -r '[.members[].nodeid] | sort | map(tostring) | join(",")' 2>/dev/null || echo ""
}
corosync_pid() { node_pid "$1"; }

log "Corosync: $N nodes, transport $TRANSPORT, default timeouts"
csb_init_work
HEV="$OUT/corosync-harness.jsonl"; : > "$HEV"
cluster_up "$N"
TOKEN_MS=$(in_ns 1 corosync-cmapctl -g runtime.config.totem.token | sed -E 's/.*= *//')
CONSENSUS_MS=$(in_ns 1 corosync-cmapctl -g runtime.config.totem.consensus | sed -E 's/.*= *//')
for i in $ALL; do
	ip netns exec "$PFX-n$i" timeout 600 "$BIN/cpgmon" -i "n$i" -g evsmem -r 10 -s 64 -t 590 -o "$CSB_WORK/mon_n$i.jsonl" 2> "$CSB_WORK/mon_n$i.err" &
	echo "$! cpgmon n$i" >> "$CSB_WORK/pids.list"
done
faults corosync_view corosync_pid
mkdir -p "$OUT/corosync"
cp "$CSB_WORK"/mon_n*.jsonl "$OUT/corosync/"
cleanup
CSB_WORK=""

# ---- 2 and 3. evs ----
evs_view() {
	local f="$EVS_DIR/p$1.jsonl"
	[ -f "$f" ] || { echo ""; return; }
	grep '"e":"deliver_conf"' "$f" | grep '"kind":"regular"' | tail -1 | jq -r '[.members[] | ltrimstr("p") | tonumber] | sort | map(tostring) | join(",")' 2>/dev/null || echo ""
}
evs_pid() { cat "$EVS_DIR/p$1.pid"; }

# evs_run NAME [--token-timeout-ms MS]: N evs node processes, one per namespace, then the faults.
evs_run() {
	local name=$1 i j peers; shift
	csb_init_work
	net_up "$N"
	EVS_DIR="$OUT/$name"; mkdir -p "$EVS_DIR"
	HEV="$OUT/$name-harness.jsonl"; : > "$HEV"
	for i in $ALL; do
		peers=$(for j in $ALL; do [ "$j" = "$i" ] || printf 'p%s=%s.%s:%s,' "$j" "$SUBNET" "$j" "$EVS_PORT"; done | sed 's/,$//')
		ip netns exec "$PFX-n$i" "$EVS" node --id "p$i" --bind "$SUBNET.$i:$EVS_PORT" --peers "$peers" --store "$CSB_WORK/store-p$i" \
			--trace "$EVS_DIR/p$i.jsonl" --no-input --log-level Information "$@" > "$EVS_DIR/p$i.out" 2> "$EVS_DIR/p$i.log" &
		echo "$!" > "$EVS_DIR/p$i.pid"
		echo "$! evs node p$i" >> "$CSB_WORK/pids.list"
	done
	log "evs ($name): $N nodes $*"
	faults evs_view evs_pid
	cleanup
	CSB_WORK=""
}

evs_run evs-corosync-timeouts --token-timeout-ms "$TOKEN_MS"
evs_run evs-defaults

python3 "$DIR/membership_table.py" "$OUT" "$N" "$TRANSPORT" "$TOKEN_MS" "$CONSENSUS_MS"
