#!/usr/bin/env python3
"""The table of membership-compare.sh: for each fault (partition, heal, kill -9) and each system,
how long after the fault each node installed its next configuration.

Corosync's times come from the cpgmon tracers (first cpg_confchg after the fault, wall-clock
seconds); evs's from its traces (docs/TRACE.md: first regular deliver_conf after the fault, "t" in
milliseconds since the epoch). The fault times are the harness's, taken when the nft or kill
command returned. usage: membership_table.py OUT N TRANSPORT TOKEN_MS CONSENSUS_MS
"""
import glob
import json
import os
import statistics
import sys

PHASES = ("partition", "heal", "crash")


def read_lines(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def phase_times(path):
    return {e["event"]: e["wall"] for e in read_lines(path)}


def corosync_changes(folder):
    """node -> sorted wall times of its cpg_confchg callbacks."""
    changes = {}
    for path in glob.glob(os.path.join(folder, "mon_n*.jsonl")):
        node = os.path.basename(path)[len("mon_n"):-len(".jsonl")]
        changes[node] = sorted(e["wall"] for e in read_lines(path) if e.get("event") == "cpg_confchg")
    return changes


def evs_changes(folder, kind):
    """node -> sorted wall times (s) of its deliver_conf lines of that kind."""
    changes = {}
    for path in glob.glob(os.path.join(folder, "p*.jsonl")):
        node = os.path.basename(path)[1:-len(".jsonl")]
        changes[node] = sorted(e["t"] / 1000.0 for e in read_lines(path)
                               if e.get("e") == "deliver_conf" and e.get("kind") == kind)
    return changes


def delays(changes, phases, n):
    """phase -> delays of the nodes that must see it (the killed node N does not see the crash)."""
    order = sorted((t, name) for name, t in phases.items() if name in PHASES)
    result = {}
    for k, (start, name) in enumerate(order):
        end = order[k + 1][0] if k + 1 < len(order) else float("inf")
        nodes = [str(i) for i in range(1, n + (0 if name == "crash" else 1))]
        result[name] = [next((t - start for t in changes.get(node, []) if start <= t < end), None) for node in nodes]
    return result


def cell(xs):
    seen = [x for x in xs if x is not None]
    if not seen:
        return "no change seen"
    missing = len(xs) - len(seen)
    text = f"{statistics.median(seen):.3f} / {max(seen):.3f}"
    return text + (f" ({missing} node(s) saw none)" if missing else "")


def main():
    out, n, transport, token, consensus = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
    columns = [
        (f"Corosync ({transport}), token {token} ms, consensus {consensus} ms",
         delays(corosync_changes(os.path.join(out, "corosync")), phase_times(os.path.join(out, "corosync-harness.jsonl")), n)),
    ]
    for name, label in (("evs-corosync-timeouts", f"evs, Corosync's timeouts (token {token} ms)"),
                        ("evs-defaults", "evs, its defaults (token 3000 ms)")):
        phases = phase_times(os.path.join(out, f"{name}-harness.jsonl"))
        columns.append((label + ": regular", delays(evs_changes(os.path.join(out, name), "regular"), phases, n)))
        columns.append((label + ": transitional", delays(evs_changes(os.path.join(out, name), "transitional"), phases, n)))
    print(f"\nN={n}; seconds from the fault to each node's first configuration change after it, median / max over the nodes\n")
    print("| fault | " + " | ".join(label for label, _ in columns) + " |")
    print("|---|" + "---|" * len(columns))
    for phase in PHASES:
        print(f"| {phase} | " + " | ".join(cell(d.get(phase, [])) for _, d in columns) + " |")
    ratios = []
    for phase in PHASES:
        c = [x for x in columns[0][1].get(phase, []) if x is not None]
        e = [x for x in columns[1][1].get(phase, []) if x is not None]
        if c and e:
            ratios.append(f"{phase} {statistics.median(e) / statistics.median(c):.2f}")
    print("\nevs (Corosync's timeouts, regular) / Corosync, medians: " + ", ".join(ratios))


if __name__ == "__main__":
    main()
