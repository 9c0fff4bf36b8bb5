#!/usr/bin/env python3
"""The tables of membership-compare.sh.

The first: for each fault (partition, heal, kill -9) and each system, how long after the fault
each node installed its next configuration. Corosync's times come from the cpgmon tracers (first
cpg_confchg after the fault, wall-clock seconds); evs's from its traces (docs/TRACE.md: first
regular deliver_conf after the fault, "t" in milliseconds since the epoch). The fault times are
the harness's, taken when the nft or kill command returned.

Then the hostile network (issue #17), one table per phase, one row per system: the one-way cut of
node N (what it sends is lost, what it is sent passes), the heal of that cut, and node N's
flapping link. A configuration there is a ring: Corosync's totem_confchg, evs's regular
configuration. "Settled" is the script's verdict (membership-compare.sh says what stable means:
no configuration on any node for W seconds); the time is that of the last configuration before the
quiet window, from the fault (from the last flap, for the flap).

usage: membership_table.py OUT N TRANSPORT TOKEN_MS CONSENSUS_MS FLAP_MS FLAP_S
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
    """The harness's events: name -> wall time (scaling_series.py reads them too)."""
    return {e["event"]: e["wall"] for e in read_lines(path) if "wall" in e}


def stable_window(path):
    """The quiet window W of a stable membership that the script used for this system, in seconds."""
    return next((e["seconds"] for e in read_lines(path) if e["event"] == "window"), None)


def corosync_changes(folder, event="cpg_confchg"):
    """node -> [(wall time, sorted member ids)] of its callbacks of that kind."""
    changes = {}
    for path in glob.glob(os.path.join(folder, "mon_n*.jsonl")):
        node = os.path.basename(path)[len("mon_n"):-len(".jsonl")]
        changes[node] = sorted(
            (e["wall"], tuple(sorted(m["nodeid"] if isinstance(m, dict) else m for m in e["members"])))
            for e in read_lines(path) if e.get("event") == event)
    return changes


def evs_changes(folder, kind):
    """node -> [(wall time in s, sorted member numbers)] of its deliver_conf lines of that kind."""
    changes = {}
    for path in glob.glob(os.path.join(folder, "p*.jsonl")):
        node = os.path.basename(path)[1:-len(".jsonl")]
        changes[node] = sorted(
            (e["t"] / 1000.0, tuple(sorted(int(m.lstrip("p")) for m in e["members"])))
            for e in read_lines(path) if e.get("e") == "deliver_conf" and e.get("kind") == kind)
    return changes


def between(changes, start, end):
    """node -> the times of its changes in [start, end)."""
    return {node: [t for t, _ in seen if start <= t < end] for node, seen in changes.items()}


def next_event(times, start):
    """The time of the first harness event after start (the end of start's phase)."""
    return min((t for t in times.values() if t > start), default=float("inf"))


def delays(changes, times, n):
    """phase -> delays of the nodes that must see it (the killed node N does not see the crash)."""
    result = {}
    for name in PHASES:
        if name not in times:
            continue
        start = times[name]
        seen = between(changes, start, next_event(times, start))
        nodes = [str(i) for i in range(1, n + (0 if name == "crash" else 1))]
        result[name] = [seen[node][0] - start if seen.get(node) else None for node in nodes]
    return result


def cell(xs):
    seen = [x for x in xs if x is not None]
    if not seen:
        return "no change seen"
    missing = len(xs) - len(seen)
    text = f"{statistics.median(seen):.3f} / {max(seen):.3f}"
    return text + (f" ({missing} node(s) saw none)" if missing else "")


def views(changes, at, n):
    """The distinct views the nodes were in at time at: "{1,2,3,4} {5}"; a node with none shows as {}."""
    last = {}
    for i in range(1, n + 1):
        before = [members for t, members in changes.get(str(i), []) if t <= at]
        last[i] = before[-1] if before else ()
    groups = []
    for i in range(1, n + 1):
        if last[i] not in groups:
            groups.append(last[i])
    return " ".join("{" + ",".join(map(str, g)) + "}" for g in groups)


def counts(changes, start, end, n):
    """How many configurations each node installed in [start, end), p1 first."""
    seen = between(changes, start, end)
    return ", ".join(str(len(seen.get(str(i), []))) for i in range(1, n + 1))


def settled(changes, times, phase, since):
    """The script's verdict on the phase: seconds from since to the last change before stability, or why not."""
    if f"{phase}-settled" in times:
        end = times[f"{phase}-settled"]
        last = max((t for ts in between(changes, since, end).values() for t in ts), default=None)
        return f"{last - since:.3f} s" if last is not None else "no change after it", end
    if f"{phase}-unsettled" in times:
        return "**never settled**", times[f"{phase}-unsettled"]
    return "not run", since


def quiet_after(changes, nodes, start, end, window):
    """Seconds from start to the first change of those nodes followed by window seconds without any
    (within [start, end)), the same rule as the script's applied to some nodes only; or why not."""
    times = sorted(t for node in nodes for t, _ in changes.get(node, []) if start <= t < end)
    if not times:
        return "no change"
    for k, t in enumerate(times):
        following = times[k + 1] if k + 1 < len(times) else end
        if following - t >= window:
            return f"{t - start:.3f} s"
    return "**never settled**"


def first_change(changes, start, end, n):
    seen = between(changes, start, end)
    return cell([seen[str(i)][0] - start if seen.get(str(i)) else None for i in range(1, n + 1)])


def hostile(columns, n, flap_ms, flap_s):
    """The three tables of the hostile network: one-way cut, its heal, flapping link."""
    print(f"\nOne-way cut: every IPv4 packet from node {n}'s address is dropped in the bridge (the others never hear p{n}; "
          f"p{n} hears them), until stable or the phase timeout. Configurations = rings installed (Corosync totem_confchg, "
          f"evs regular), per node p1..p{n}. W = the quiet window of a stable membership.\n")
    heard = [str(i) for i in range(1, n)]
    print(f"| system | W (s) | first change, median / max (s) | settled: last change after the cut | p1..p{n - 1} only (the nodes heard) | configurations per node | views at the end |")
    print("|---|---|---|---|---|---|---|")
    for label, rings, times, window in columns:
        if "oneway" not in times:
            continue
        start = times["oneway"]
        verdict, end = settled(rings, times, "oneway", start)
        print(f"| {label} | {window:.1f} | {first_change(rings, start, end, n)} | {verdict} | {quiet_after(rings, heard, start, end, window)} "
              f"| {counts(rings, start, end, n)} | {views(rings, end, n)} |")

    print("\nHeal of the one-way cut (the rule deleted), until stable or the phase timeout.\n")
    print("| system | first change, median / max (s) | settled: last change after the heal | configurations per node | views at the end |")
    print("|---|---|---|---|---|")
    for label, rings, times, window in columns:
        if "oneway-heal" not in times:
            continue
        start = times["oneway-heal"]
        verdict, end = settled(rings, times, "oneway-heal", start)
        print(f"| {label} | {first_change(rings, start, end, n)} | {verdict} | {counts(rings, start, end, n)} | {views(rings, end, n)} |")

    print(f"\nFlapping link: node {n}'s port down {flap_ms} ms, up {flap_ms} ms, for {flap_s} s; then up until stable "
          f"or the phase timeout. Settled: the last change after the last flap, from the last flap.\n")
    print("| system | configurations per node during the flapping | settled: last change after the last flap | configurations per node after it | views at the end |")
    print("|---|---|---|---|---|")
    for label, rings, times, window in columns:
        if "flap" not in times:
            continue
        start, last_flap = times["flap"], times["flap-end"]
        verdict, end = settled(rings, times, "flap", last_flap)
        print(f"| {label} | {counts(rings, start, last_flap, n)} | {verdict} | {counts(rings, last_flap, end, n)} | {views(rings, end, n)} |")


def main():
    out, n, transport, token, consensus, flap_ms, flap_s = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6], sys.argv[7]
    corosync_label = f"Corosync ({transport}), token {token} ms, consensus {consensus} ms"
    corosync_times = phase_times(os.path.join(out, "corosync-harness.jsonl"))
    corosync_window = stable_window(os.path.join(out, "corosync-harness.jsonl"))
    columns = [(corosync_label, delays(corosync_changes(os.path.join(out, "corosync")), corosync_times, n))]
    rings = [(corosync_label, corosync_changes(os.path.join(out, "corosync"), "totem_confchg"), corosync_times, corosync_window)]
    for name, label in (("evs-corosync-timeouts", f"evs, Corosync's timeouts (token {token} ms)"),
                        ("evs-defaults", "evs, its defaults (token 3000 ms)")):
        times = phase_times(os.path.join(out, f"{name}-harness.jsonl"))
        window = stable_window(os.path.join(out, f"{name}-harness.jsonl"))
        regular = evs_changes(os.path.join(out, name), "regular")
        columns.append((label + ": regular", delays(regular, times, n)))
        columns.append((label + ": transitional", delays(evs_changes(os.path.join(out, name), "transitional"), times, n)))
        rings.append((label, regular, times, window))
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
    hostile(rings, n, flap_ms, flap_s)


if __name__ == "__main__":
    main()
