#!/usr/bin/env bash
# Membership changes, Corosync and evs side by side, on this machine, in one run: how long after a
# partition, a heal and a kill -9 each system installs its new configuration, and whether and when
# it settles on a hostile network, a one-way cut and a flapping link (issue #17). Both run in the
# same topology (N network namespaces behind a bridge that this script creates and removes), and
# the faults are made the same way, by nftables rules in the bridge:
#   partition  one atomic rule cuts {1..N-2} from {N-1,N}; deleting it heals;
#   crash      kill -9 of node N's process; then node N is started again (the same configuration
#              and store) and the script waits for the view of all N;
#   one-way    one directional rule drops every IPv4 packet from node N's address: the others never
#              hear node N, node N hears them (ARP passes, as on a link that is up but loses one
#              direction); held until the membership is stable (below) or PHASE_TIMEOUT, then
#              deleted, and the settling after that heal is measured the same way;
#   flap       node N's port goes down and up: a rule dropping everything to and from it is added
#              and flushed every FLAP_MS (down FLAP_MS, up FLAP_MS) for FLAP_S seconds; then the
#              link stays up.
# Stable: no node installs a configuration for W seconds, W = max(5 s, token + consensus + 1 s) of
# the system under test, so that no change can still be under way unseen (a token lost just before
# the window shows as a configuration within token + consensus). The time to a stable membership
# is that of the last configuration change before the quiet window, from the fault (for the flap,
# from the last flap); "never settled" when no quiet window is complete within PHASE_TIMEOUT of it.
# A configuration here is a ring: Corosync's totem_confchg callback, evs's regular configuration.
# Three runs, one after the other (never at the same time):
#   1. Corosync (the harness in harness/), its default timeouts; a cpgmon tracer on every node;
#   2. evs with Corosync's timeouts: its token timeout read from the running Corosync (consensus
#      follows at 1.2 x, as Corosync's does);
#   3. evs with its own defaults.
# A time is measured from the moment the nft or kill command returned (for the one-way cut, its
# heal and the flap: the moment before the nft command started) to each node's first configuration
# change after it: Corosync's first cpg_confchg, evs's first regular configuration (deliver_conf in
# its trace, docs/TRACE.md; the transitional one comes just before it).
#   usage: benchmarks/corosync/membership-compare.sh [N]         (N >= 3, default 5)
#   env:   CSB_TRANSPORT=udpu|knet (Corosync's transport, default knet)
#          EVS=/path/to/evs (default: build Release)   SETTLE=3 (s between phases)
#          PHASE_TIMEOUT=60 (s to wait for a view, or for a stable membership)
#          FLAP_MS=300 FLAP_S=10 (the flapping link)   KEEP=DIR (keep the traces there)
set -euo pipefail
DIR="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$DIR/../.." && pwd)"
N=${1:-5}
SETTLE=${SETTLE:-3}
PHASE_TIMEOUT=${PHASE_TIMEOUT:-60}
FLAP_MS=${FLAP_MS:-300}
FLAP_S=${FLAP_S:-10}
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
[ "$FLAP_MS" -ge 20 ] 2>/dev/null || { log "FLAP_MS must be a whole number of milliseconds, at least 20 (given: $FLAP_MS)"; exit 2; }
[ "$FLAP_S" -ge 1 ] 2>/dev/null || { log "FLAP_S must be a whole number of seconds, at least 1 (given: $FLAP_S)"; exit 2; }
prepare corosync corosync-cmapctl ip nft unshare jq python3 make gcc awk

A_HI=$((N - 2))
GA=$(seq 1 "$A_HI" | tr '\n' ' ')
GB=$(seq $((A_HI + 1)) "$N" | tr '\n' ' ')
ALL=$(seq 1 "$N" | tr '\n' ' ')
SURVIVORS=$(seq 1 $((N - 1)) | tr '\n' ' ')
seqcsv() { seq -s, "$1" "$2"; }

# The harness's events of one system's run, as JSON lines with wall-clock seconds. hevent NAME
# [TIME] writes one, at TIME or now, and prints its time.
HEV=""
hevent() {
	local t=${2:-$(now)}
	printf '{"node":"harness","wall":%s,"event":"%s"}\n' "$t" "$1" >> "$HEV"
	echo "$t"
}

# stable_window TOKEN_MS CONSENSUS_MS: sets WINDOW, W in seconds (see the head of this file), and
# writes it among the harness's events.
WINDOW=5
stable_window() {
	WINDOW=$(awk -v t="$1" -v c="$2" 'BEGIN { w = (t + c) / 1000 + 1; printf "%.3f", (w > 5 ? w : 5) }')
	printf '{"node":"harness","event":"window","seconds":%s}\n' "$WINDOW" >> "$HEV"
}

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

# wait_stable CHANGES_FN SINCE NEED: until no node has changed configuration for WINDOW seconds,
# counted from SINCE or from the last change after it; with NEED=1 a change after SINCE must come
# first. CHANGES_FN I prints node I's configuration changes, wall-clock seconds, one per line.
# Fails after PHASE_TIMEOUT seconds from SINCE.
wait_stable() {
	local changes=$1 since=$2 need=$3 i last verdict
	while :; do
		last=$(for i in $ALL; do "$changes" "$i"; done | awk -v s="$since" '$1 >= s && $1 > m { m = $1 } END { if (m) printf "%.6f", m }')
		verdict=$(awk -v now="$(now)" -v s="$since" -v l="$last" -v need="$need" -v w="$WINDOW" -v limit="$PHASE_TIMEOUT" 'BEGIN {
			from = (l == "" ? s : l)
			if (!(need == 1 && l == "") && now - from >= w) print "stable"
			else if (now - s >= limit) print "timeout"
			else print "wait" }')
		case "$verdict" in
			stable) return 0 ;;
			timeout) log "no stable membership within $PHASE_TIMEOUT s"; return 1 ;;
		esac
		sleep 0.2
	done
}

# sleep_until T: sleeps until wall-clock time T (seconds); at once if it has passed.
sleep_until() { sleep "$(awk -v t="$1" -v now="$(now)" 'BEGIN { d = t - now; printf "%.6f", (d > 0 ? d : 0) }')"; }

# oneway CHANGES_FN: node N's packets to the others are lost, theirs to it pass, until the
# membership is stable (or PHASE_TIMEOUT); then the rule goes and the settling is measured again.
oneway() {
	local changes=$1 start healed
	cat > "$CSB_WORK/oneway.nft" <<EOF
table bridge evsoneway {
	chain cut {
		type filter hook forward priority 0; policy accept;
		ip saddr $SUBNET.$N drop
	}
}
EOF
	# Stamped before the nft command, not after it as the faults above are: a merge can follow the
	# heal within milliseconds, before nft has returned, and would be missed.
	log "one-way cut: what node $N sends is lost, what it is sent passes"
	start=$(hevent oneway)
	ip netns exec "$PFX-sw" nft -f "$CSB_WORK/oneway.nft"
	if wait_stable "$changes" "$start" 1; then hevent oneway-settled > /dev/null; else hevent oneway-unsettled > /dev/null; fi
	log "heal of the one-way cut"
	healed=$(hevent oneway-heal)
	ip netns exec "$PFX-sw" nft delete table bridge evsoneway
	if wait_stable "$changes" "$healed" 1; then hevent oneway-heal-settled > /dev/null; else hevent oneway-heal-unsettled > /dev/null; fi
}

# flap CHANGES_FN: node N's port down FLAP_MS, up FLAP_MS, for FLAP_S seconds; then up, until the
# membership is stable (or PHASE_TIMEOUT).
flap() {
	local changes=$1 start ended k=0 up
	cat > "$CSB_WORK/flap.nft" <<EOF
table bridge evsflap {
	chain cut {
		type filter hook forward priority 0; policy accept;
	}
}
EOF
	ip netns exec "$PFX-sw" nft -f "$CSB_WORK/flap.nft"
	log "flapping: node $N's port down and up every $FLAP_MS ms for $FLAP_S s"
	start=$(hevent flap)
	# On a schedule counted from the start, not sleep after sleep: the nft commands' own time does
	# not add up. The last flap is the last time the link comes up (stamped before its nft command).
	while :; do
		ip netns exec "$PFX-sw" nft add rule bridge evsflap cut iifname "p$N" drop
		ip netns exec "$PFX-sw" nft add rule bridge evsflap cut oifname "p$N" drop
		sleep_until "$(awk -v t="$start" -v k="$k" -v p="$FLAP_MS" 'BEGIN { printf "%.6f", t + (2 * k + 1) * p / 1000 }')"
		up=$(now)
		ip netns exec "$PFX-sw" nft flush chain bridge evsflap cut
		k=$((k + 1))
		awk -v k="$k" -v p="$FLAP_MS" -v d="$FLAP_S" 'BEGIN { exit !(2 * k * p < d * 1000) }' || break
		sleep_until "$(awk -v t="$start" -v k="$k" -v p="$FLAP_MS" 'BEGIN { printf "%.6f", t + 2 * k * p / 1000 }')"
	done
	ended=$(hevent flap-end "$up")
	log "the flapping is over ($k times down); the link stays up"
	ip netns exec "$PFX-sw" nft delete table bridge evsflap
	if wait_stable "$changes" "$ended" 0; then hevent flap-settled > /dev/null; else hevent flap-unsettled > /dev/null; fi
}

# faults VIEW_FN PID_FN RESTART_FN CHANGES_FN: the partition, the heal and the crash, each followed
# by its wait; node N started again; then the one-way cut and its heal, and the flapping link.
faults() {
	local view=$1 pid_of=$2 restart=$3 changes=$4 victim
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
	hevent partition > /dev/null
	wait_view "$view" "$GA" "$(seqcsv 1 "$A_HI")" || true
	wait_view "$view" "$GB" "$(seqcsv $((A_HI + 1)) "$N")" || true
	sleep "$SETTLE"
	log "heal"
	ip netns exec "$PFX-sw" nft delete table bridge evscut
	hevent heal > /dev/null
	wait_view "$view" "$ALL" "$(seqcsv 1 "$N")" || true
	sleep "$SETTLE"
	victim=$("$pid_of" "$N")
	log "kill -9 node $N (pid $victim)"
	kill -9 "$victim"
	hevent crash > /dev/null
	wait_view "$view" "$SURVIVORS" "$(seqcsv 1 $((N - 1)))" || true
	sleep "$SETTLE"
	log "node $N starts again"
	"$restart" "$N"
	hevent restart > /dev/null
	wait_view "$view" "$ALL" "$(seqcsv 1 "$N")" || true
	sleep "$SETTLE"
	oneway "$changes"
	wait_view "$view" "$ALL" "$(seqcsv 1 "$N")" || true
	sleep "$SETTLE"
	flap "$changes"
	wait_view "$view" "$ALL" "$(seqcsv 1 "$N")" || true
	hevent end > /dev/null
}

# ---- 1. Corosync ----
corosync_view() {
	local f="$CSB_WORK/mon_n$1.jsonl"
	[ -f "$f" ] || { echo ""; return; }
	grep '"event":"cpg_confchg"' "$f" | tail -1 | jq -r '[.members[].nodeid] | sort | map(tostring) | join(",")' 2>/dev/null || echo ""
}
corosync_pid() { node_pid "$1"; }
corosync_changes() {
	local f="$CSB_WORK/mon_n$1.jsonl"
	[ -f "$f" ] || return 0
	grep '"event":"totem_confchg"' "$f" | sed -E 's/.*"wall":([0-9.]+).*/\1/' || true
}
# cpgmon_start I: node I's tracer, appending to its file (again after a restart).
cpgmon_start() {
	ip netns exec "$PFX-n$1" timeout 600 "$BIN/cpgmon" -i "n$1" -g evsmem -r 10 -s 64 -t 590 -o "$CSB_WORK/mon_n$1.jsonl" 2>> "$CSB_WORK/mon_n$1.err" &
	echo "$! cpgmon n$1" >> "$CSB_WORK/pids.list"
}
# corosync_restart I: node I's corosync again, then its tracer once it sees every member.
corosync_restart() {
	start_node "$1"
	wait_members "$1" "$N" "$PHASE_TIMEOUT" || log "node $1 did not see $N members"
	cpgmon_start "$1"
}

log "Corosync: $N nodes, transport $TRANSPORT, default timeouts"
csb_init_work
HEV="$OUT/corosync-harness.jsonl"; : > "$HEV"
cluster_up "$N"
TOKEN_MS=$(in_ns 1 corosync-cmapctl -g runtime.config.totem.token | sed -E 's/.*= *//')
CONSENSUS_MS=$(in_ns 1 corosync-cmapctl -g runtime.config.totem.consensus | sed -E 's/.*= *//')
stable_window "$TOKEN_MS" "$CONSENSUS_MS"
for i in $ALL; do cpgmon_start "$i"; done
faults corosync_view corosync_pid corosync_restart corosync_changes
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
evs_changes() {
	local f="$EVS_DIR/p$1.jsonl"
	[ -f "$f" ] || return 0
	grep '"e":"deliver_conf"' "$f" | grep '"kind":"regular"' | sed -E 's/.*"t":([0-9.]+).*/\1/' | awk '{ printf "%.6f\n", $1 / 1000 }' || true
}

# evs_start I: node I in its namespace with the run's options (EVS_OPTIONS); after a kill, again
# from its store, appending to its trace and logs.
EVS_OPTIONS=()
evs_start() {
	local i=$1 j peers
	peers=$(for j in $ALL; do [ "$j" = "$i" ] || printf 'p%s=%s.%s:%s,' "$j" "$SUBNET" "$j" "$EVS_PORT"; done | sed 's/,$//')
	ip netns exec "$PFX-n$i" "$EVS" node --id "p$i" --bind "$SUBNET.$i:$EVS_PORT" --peers "$peers" --store "$CSB_WORK/store-p$i" \
		--trace "$EVS_DIR/p$i.jsonl" --no-input --log-level Information "${EVS_OPTIONS[@]}" >> "$EVS_DIR/p$i.out" 2>> "$EVS_DIR/p$i.log" &
	echo "$!" > "$EVS_DIR/p$i.pid"
	echo "$! evs node p$i" >> "$CSB_WORK/pids.list"
}

# evs_run NAME TOKEN_MS CONSENSUS_MS [--token-timeout-ms MS]: N evs node processes, one per
# namespace, then the faults; the timeouts give the quiet window of a stable membership.
evs_run() {
	local name=$1 token=$2 consensus=$3 i
	shift 3
	EVS_OPTIONS=("$@")
	csb_init_work
	net_up "$N"
	EVS_DIR="$OUT/$name"; mkdir -p "$EVS_DIR"
	HEV="$OUT/$name-harness.jsonl"; : > "$HEV"
	stable_window "$token" "$consensus"
	for i in $ALL; do evs_start "$i"; done
	log "evs ($name): $N nodes $*"
	faults evs_view evs_pid evs_start evs_changes
	cleanup
	CSB_WORK=""
}

# evs's consensus timeout is 1.2 x its token timeout (NodeArguments.Timeouts); its defaults are 3000 and 3600 ms.
evs_run evs-corosync-timeouts "$TOKEN_MS" "$(awk -v t="$TOKEN_MS" 'BEGIN { printf "%.0f", 1.2 * t }')" --token-timeout-ms "$TOKEN_MS"
evs_run evs-defaults 3000 3600

python3 "$DIR/membership_table.py" "$OUT" "$N" "$TRANSPORT" "$TOKEN_MS" "$CONSENSUS_MS" "$FLAP_MS" "$FLAP_S"
