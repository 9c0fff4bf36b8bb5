# Shared by compare.sh and membership-compare.sh: source it (after harness/lib.sh, with DIR and
# REPO set), then call `prepare TOOL...`. It checks that the script runs as root (network
# namespaces) and that the tools are installed, builds the harness's clients, and sets EVS to the
# evs executable: the one given in EVS, or a Release build of src/Evs.Cli made here.
prepare() {
	[ "$(id -u)" = 0 ] || { log "run as root (network namespaces)"; exit 2; }
	local tool
	for tool in "$@"; do
		command -v "$tool" >/dev/null || { log "missing $tool: see README.md"; exit 2; }
	done
	make -s -C "$DIR/harness"
	if [ -z "${EVS:-}" ]; then
		log "building evs (Release)"
		dotnet build "$REPO/src/Evs.Cli" -c Release -v q -nologo >&2
		EVS="$REPO/src/Evs.Cli/bin/Release/net10.0/evs"
	fi
}
