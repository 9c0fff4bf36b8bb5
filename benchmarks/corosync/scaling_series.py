#!/usr/bin/env python3
"""The scaling plots' series (issue #16, item 5, the real path): throughput, delivery latency and
membership time against the number of nodes, for Corosync and evs, from the raw runs that
compare.sh and membership-compare.sh keep (KEEP=DIR). Writes one JSON file per plot (throughput,
latency p50, latency p99, membership) in the form
`evs plot --view lines` draws (Title, XLabel, YLabel, Series).

  scaling_series.py ROOT OUTDIR

ROOT holds compare-<transport>-<N>-<SIZE>/ (compare.sh's KEEP: round1/, round2/, ...) and
membership-<N>/ (membership-compare.sh's KEEP). Each point is the median over the rounds
(throughput: deliveries per second per node; latency: p50 and p99 at 100 B, 1,000 msgs/s in all);
a membership point is the median over the nodes of the time from the partition to each node's
first regular configuration after it.
"""
import glob
import json
import os
import re
import statistics as st
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare_table  # noqa: E402  (the same summaries as the tables)
import membership_table  # noqa: E402


def rounds(folder):
    return sorted(glob.glob(os.path.join(folder, "round*")))


def median_of(values):
    values = [v for v in values if v is not None]
    return st.median(values) if values else None


def compare_points(root, transport, size):
    """N -> medians over the rounds of Corosync's and evs's throughput and latency."""
    points = {}
    for folder in glob.glob(os.path.join(root, f"compare-{transport}-*-{size}")):
        n = int(re.search(rf"compare-{transport}-(\d+)-{size}$", folder).group(1))
        runs = rounds(folder)
        cpg_t = [compare_table.cpg(f"{d}/cpg_tput.jsonl") for d in runs]
        cpg_l = [compare_table.cpg(f"{d}/cpg_lat.jsonl") for d in runs]
        evs_t = [compare_table.evs(f"{d}/evs_agreed.json") for d in runs]
        evs_l = [compare_table.evs(f"{d}/evs_agreed_lat.json") for d in runs]
        points[n] = {
            "corosync_tput": median_of(r.get("per_node_msgs_per_s") for r in cpg_t),
            "evs_tput": median_of(r.get("per_node_msgs_per_s") for r in evs_t),
            "corosync_p50": median_of(r.get("lat_p50_us") for r in cpg_l),
            "evs_p50": median_of(r.get("lat_p50_us") for r in evs_l),
            "corosync_p99": median_of(r.get("lat_p99_us") for r in cpg_l),
            "evs_p99": median_of(r.get("lat_p99_us") for r in evs_l),
        }
    return points


def membership_points(root):
    """N -> median partition time (s) of Corosync, evs with Corosync's timeouts, evs with its defaults."""
    points = {}
    for folder in glob.glob(os.path.join(root, "membership-*")):
        n = int(folder.rsplit("-", 1)[1])
        corosync = membership_table.delays(membership_table.corosync_changes(os.path.join(folder, "corosync")),
                                           membership_table.phase_times(os.path.join(folder, "corosync-harness.jsonl")), n)
        row = {"corosync": median_of(corosync.get("partition", []))}
        for name in ("evs-corosync-timeouts", "evs-defaults"):
            d = membership_table.delays(membership_table.evs_changes(os.path.join(folder, name), "regular"),
                                        membership_table.phase_times(os.path.join(folder, f"{name}-harness.jsonl")), n)
            row[name] = median_of(d.get("partition", []))
        points[n] = row
    return points


def series(name, points, key, scale=1.0):
    xs = sorted(n for n, p in points.items() if p.get(key) is not None)
    return {"Name": name, "X": xs, "Y": [points[n][key] * scale for n in xs]}


def write(outdir, file, title, ylabel, lines):
    # A title too long for one line of the chart is broken after its first colon (plotly's <br>).
    title = title.replace(": ", "<br>", 1)
    with open(os.path.join(outdir, file), "w") as f:
        json.dump({"Title": title, "XLabel": "nodes (one per network namespace, behind one bridge)", "YLabel": ylabel, "Series": lines}, f, indent=1)
    print(os.path.join(outdir, file))


def main():
    root, outdir = sys.argv[1], sys.argv[2]
    os.makedirs(outdir, exist_ok=True)
    lines = []
    for size in (100, 1000):
        p = compare_points(root, "udpu", size)
        lines += [series(f"Corosync udpu, {size} B", p, "corosync_tput"), series(f"evs agreed, {size} B", p, "evs_tput")]
    write(outdir, "scaling-throughput.json", "Throughput on the same path: deliveries per second per node, every node sending, agreed (median of 3 rounds)",
          "deliveries/s per node", lines)
    p = compare_points(root, "udpu", 1000)
    for quantile in ("p50", "p99"):
        write(outdir, f"scaling-latency-{quantile}.json",
              f"Delivery latency on the same path, {quantile}: 100 B, 1,000 msgs/s in all, send to own delivery (median of 3 rounds)", "latency (ms)",
              [series(f"Corosync udpu, {quantile}", p, f"corosync_{quantile}", 1e-3), series(f"evs, {quantile}", p, f"evs_{quantile}", 1e-3)])
    m = membership_points(root)
    write(outdir, "scaling-membership.json", "Membership after a partition {1..N-2} | {N-1, N}: seconds to each node's next regular configuration (median over the nodes)",
          "seconds", [series("Corosync (knet), its timeouts", m, "corosync"), series("evs, Corosync's timeouts", m, "evs-corosync-timeouts"),
                      series("evs, its defaults (token 3 s)", m, "evs-defaults")])


if __name__ == "__main__":
    main()
