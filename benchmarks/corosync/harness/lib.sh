# Shared helpers for the corosync harness.  Source this file; do not run it.
# Used by compare.sh and membership-compare.sh.
# Everything this harness creates is recorded in $CSB_WORK (namespaces, PIDs)
# so that cleanup touches only what it created.

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PFX="${CSB_PFX:-csb}"               # prefix of every namespace we create
SUBNET="${CSB_SUBNET:-10.77.0}"     # /24 used only inside our namespaces
TRANSPORT="${CSB_TRANSPORT:-knet}"  # knet (default) or udpu
BIN="$HERE/bin"
: "${CSB_WORK:=}"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S.%3N)" "$*" >&2; }
now() { date +%s.%6N; }

csb_init_work() {
	if [ -z "$CSB_WORK" ]; then
		CSB_WORK="$(mktemp -d /tmp/csb.XXXXXX)"
	fi
	export CSB_WORK
	: > "$CSB_WORK/ns.list"
	: > "$CSB_WORK/pids.list"
}

# --- network -----------------------------------------------------------------
# One "switch" namespace holding bridge br0, one namespace per node holding
# eth0 (10.77.0.i/24); veth pairs are created directly inside the namespaces,
# so nothing is added to the root namespace.
net_up() {
	local n=$1 i sw="$PFX-sw"
	ip netns add "$sw" && echo "$sw" >> "$CSB_WORK/ns.list"
	ip -n "$sw" link set lo up
	ip -n "$sw" link add br0 type bridge
	ip -n "$sw" link set br0 up
	for i in $(seq 1 "$n"); do
		local ns="$PFX-n$i"
		ip netns add "$ns" && echo "$ns" >> "$CSB_WORK/ns.list"
		ip -n "$ns" link set lo up
		ip -n "$ns" link add eth0 type veth peer name "p$i" netns "$sw"
		ip -n "$ns" addr add "$SUBNET.$i/24" dev eth0
		ip -n "$ns" link set eth0 up
		ip -n "$sw" link set "p$i" master br0
		ip -n "$sw" link set "p$i" up
	done
}

net_down() {
	local ns
	[ -f "$CSB_WORK/ns.list" ] || return 0
	for ns in $(tac "$CSB_WORK/ns.list"); do
		ip netns del "$ns" 2>/dev/null || true
	done
	: > "$CSB_WORK/ns.list"
}

# --- corosync ----------------------------------------------------------------
gen_conf() {
	local i=$1 n=$2 d="$CSB_WORK/n$1" j
	mkdir -p "$d/state"
	{
		echo "totem {"
		echo "    version: 2"
		echo "    cluster_name: csbench"
		echo "    transport: $TRANSPORT"
		if [ "$TRANSPORT" = knet ]; then
			echo "    crypto_cipher: none"
			echo "    crypto_hash: none"
		fi
		[ -n "${CSB_TOTEM_EXTRA:-}" ] && echo "    $CSB_TOTEM_EXTRA"
		echo "}"
		echo "nodelist {"
		for j in $(seq 1 "$n"); do
			echo "    node {"
			echo "        ring0_addr: $SUBNET.$j"
			echo "        nodeid: $j"
			echo "        name: n$j"
			echo "    }"
		done
		echo "}"
		echo "logging {"
		echo "    to_logfile: yes"
		echo "    logfile: $d/corosync.log"
		echo "    to_stderr: no"
		echo "    to_syslog: no"
		echo "    timestamp: hires"
		echo "    debug: off"
		echo "}"
		echo "system {"
		echo "    state_dir: $d/state"
		echo "}"
	} > "$d/corosync.conf"
}

# Start corosync for node i inside its namespace, in a private mount namespace
# with a private tmpfs on /run (corosync's pid/lock file lives there).
# Every exec in the chain keeps the PID, so $! is corosync's own PID.
start_node() {
	local i=$1 d="$CSB_WORK/n$1"
	ip netns exec "$PFX-n$i" unshare -m --propagation private \
		sh -c 'mount -t tmpfs csbrun /run && exec corosync -f -c "$1"' sh "$d/corosync.conf" \
		> "$d/stdout.log" 2>&1 &
	local pid=$!
	echo "$pid" > "$d/corosync.pid"
	echo "$pid corosync n$i" >> "$CSB_WORK/pids.list"
	log "corosync n$i pid $pid"
}

node_pid() { cat "$CSB_WORK/n$1/corosync.pid"; }

in_ns() { local i=$1; shift; ip netns exec "$PFX-n$i" "$@"; }

# number of members node i sees as joined
members_seen() {
	in_ns "$1" corosync-cmapctl -b runtime.members 2>/dev/null | grep -c 'status (str) = joined' || true
}

wait_members() { # i n timeout_s
	local i=$1 n=$2 t=$3 end c
	end=$(( $(date +%s) + t ))
	while [ "$(date +%s)" -lt "$end" ]; do
		c=$(members_seen "$i")
		[ "${c:-0}" -ge "$n" ] && return 0
		sleep 0.2
	done
	return 1
}

cluster_up() { # n
	local n=$1 i
	net_up "$n"
	for i in $(seq 1 "$n"); do gen_conf "$i" "$n"; done
	for i in $(seq 1 "$n"); do start_node "$i"; done
	for i in $(seq 1 "$n"); do
		if ! wait_members "$i" "$n" 60; then
			log "node $i did not see $n members"
			return 1
		fi
	done
	log "cluster of $n formed (transport $TRANSPORT)"
}

totem_params() { # i  -> prints runtime totem config
	in_ns "$1" corosync-cmapctl -b runtime.config.totem 2>/dev/null
	in_ns "$1" corosync-cmapctl -g totem.transport 2>/dev/null || true
}

# kill one recorded PID (SIGTERM, then SIGKILL), only if it is still ours
kill_pid() {
	local pid=$1 k
	kill -0 "$pid" 2>/dev/null || return 0
	kill "$pid" 2>/dev/null || true
	for k in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
	kill -9 "$pid" 2>/dev/null || true
}

stop_all() {
	local pid rest
	[ -f "$CSB_WORK/pids.list" ] || return 0
	# clients first (reverse order of start), then corosyncs
	while read -r pid rest; do
		case "$rest" in corosync*) ;; *) kill_pid "$pid" ;; esac
	done < <(tac "$CSB_WORK/pids.list")
	while read -r pid rest; do
		case "$rest" in corosync*) kill_pid "$pid" ;; esac
	done < <(tac "$CSB_WORK/pids.list")
	wait 2>/dev/null || true
	: > "$CSB_WORK/pids.list"
}

cleanup() {
	stop_all
	net_down
	if [ -n "$CSB_WORK" ] && [ -d "$CSB_WORK" ] && [ -z "${CSB_KEEP_WORK:-}" ]; then
		rm -rf "$CSB_WORK"
	fi
}
