#!/usr/bin/env bash
# How the cost grows with the number of processes, in the simulator (issue #16, item 5): virtual
# time, so the numbers do not depend on this machine's cores. Writes the scenarios
# (make_scenarios.py), runs each through `evs sim --trace` (the full-load runs with seed 1, the
# partition runs with seeds 1..SEEDS), reads the traces (analyze.py), and draws the three curves
# with `evs plot --view lines`. Everything lands beside this script: scenarios/, *.csv, *.html;
# the traces, which are large, in a temporary folder removed at the end (KEEP=DIR keeps them).
#   usage: benchmarks/scaling/run.sh
#   env:   EVS=/path/to/evs (default: build Release)   SEEDS=5 (partition runs per N)
set -euo pipefail
DIR="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$DIR/../.." && pwd)"
SEEDS=${SEEDS:-5}
SIZES=(3 5 8 16 32)
if [[ -z "${EVS:-}" ]]; then
  dotnet build "$REPO/src/Evs.Cli" -c Release -v quiet -nologo >/dev/null
  EVS="$REPO/src/Evs.Cli/bin/Release/net10.0/evs"
fi
TRACES="${KEEP:-$(mktemp -d)}"
mkdir -p "$TRACES"
[[ -n "${KEEP:-}" ]] || trap 'rm -rf "$TRACES"' EXIT

python3 "$DIR/make_scenarios.py" "$DIR/scenarios"
for n in "${SIZES[@]}"; do
  for service in agreed safe; do
    echo "load-$service-$n"
    "$EVS" sim --scenario "$DIR/scenarios/load-$service-$n.json" --seed 1 --trace "$TRACES/load-$service-$n.jsonl" >/dev/null
  done
  for seed in $(seq 1 "$SEEDS"); do
    echo "partition-$n seed $seed"
    "$EVS" sim --scenario "$DIR/scenarios/partition-$n.json" --seed "$seed" --trace "$TRACES/partition-$n-$seed.jsonl" >/dev/null
  done
done

python3 "$DIR/analyze.py" "$TRACES" "$DIR" | tee "$DIR/table.md"
"$EVS" plot "$DIR/throughput.csv" --view lines --y-label "per virtual second, at full load" --out "$DIR/throughput.html"
"$EVS" plot "$DIR/latency.csv" --view lines --y-label "token rotations from send to delivery, at full load" --out "$DIR/latency.html"
"$EVS" plot "$DIR/membership.csv" --view lines --y-label "virtual ms after the partition" --out "$DIR/membership.html"
