#!/usr/bin/env python3
"""The table of compare.sh: Corosync CPG and evs bench, side by side, with the ratio evs/Corosync.

  compare_table.py OUTDIR N SIZE DURATION TRANSPORT LAT_RATE

Reads OUTDIR/cpg_tput.jsonl, cpg_lat.jsonl (one cpgbench object per node), evs_agreed.json,
evs_agreed_lat.json, evs_safe.json, evs_safe_lat.json (one evs bench report each) and totem.txt.
Computed as the harness's analyze.py: per node = mean over the nodes, latency p50 = median of the
senders' medians, p99 = the worst sender's p99.
"""
import json
import statistics as st
import sys


def cpg(path):
    """Corosync's per-node objects summarised like evs bench's summary."""
    with open(path) as f:
        nodes = [json.loads(line) for line in f if line.strip()]
    lat = [n["lat_us"] for n in nodes if n.get("lat_us")]
    problems = [f'{n["node"]}: gaps {n["fifo_gaps"]}, done {n["done_seen"]}/{n["nsenders"]}'
                for n in nodes if n["fifo_gaps"] or n["done_seen"] < n["nsenders"] or not n["members_ok"]]
    return {
        "per_node_msgs_per_s": st.mean(n["msgs_per_s"] for n in nodes) if nodes else None,
        "per_node_MB_per_s": st.mean(n["MB_per_s"] for n in nodes) if nodes else None,
        "aggregate_msgs_per_s": sum(n["msgs_per_s"] for n in nodes),
        "lat_p50_us": st.median(l["p50"] for l in lat) if lat else None,
        "lat_p99_us": max(l["p99"] for l in lat) if lat else None,
        "order_hash_equal": len(nodes) > 0 and len({n["order_hash"] for n in nodes}) == 1,
        "complete": len(problems) == 0 and len(nodes) > 0,
        "nodes": len(nodes),
    }


def evs(path):
    """evs bench's summary, or empty when the run left no report."""
    try:
        with open(path) as f:
            report = json.loads(f.read())
    except (OSError, ValueError):
        return {}, None
    return report["summary"], report


def fmt(x, digits=0):
    return "-" if x is None else f"{x:,.{digits}f}"


def ratio(a, b):
    return "-" if a is None or not b else f"{a / b:.2f}"


def main():
    out, n, size, dur, transport, lat_rate = sys.argv[1:7]
    ct, cl = cpg(f"{out}/cpg_tput.jsonl"), cpg(f"{out}/cpg_lat.jsonl")
    (at, rep), (al, _) = evs(f"{out}/evs_agreed.json"), evs(f"{out}/evs_agreed_lat.json")
    (sa, _), (sl, _) = evs(f"{out}/evs_safe.json"), evs(f"{out}/evs_safe_lat.json")
    rows = [
        (f"deliveries/s per node ({size} B, all send)", ct, at, sa, "per_node_msgs_per_s", 0),
        (f"MB/s per node ({size} B)", ct, at, sa, "per_node_MB_per_s", 2),
        ("deliveries/s in all (sum over receivers)", ct, at, sa, "aggregate_msgs_per_s", 0),
        (f"latency p50 us (100 B, {lat_rate} msgs/s in all)", cl, al, sl, "lat_p50_us", 0),
        (f"latency p99 us (100 B, {lat_rate} msgs/s in all)", cl, al, sl, "lat_p99_us", 0),
    ]
    print(f"\nN={n}, {dur} s windows, all senders; Corosync CPG_TYPE_AGREED over {transport} in namespaces; evs over UDP on 127.0.0.1\n")
    print(f"| metric | Corosync CPG ({transport}) | evs agreed | evs agreed / Corosync | evs safe |")
    print("|---|---|---|---|---|")
    for label, c, a, s, key, d in rows:
        print(f"| {label} | {fmt(c.get(key), d)} | {fmt(a.get(key), d)} | {ratio(a.get(key), c.get(key))} | {fmt(s.get(key), d)} |")
    checks = [("Corosync tput", ct), ("Corosync lat", cl), ("evs agreed", at), ("evs agreed lat", al), ("evs safe", sa), ("evs safe lat", sl)]
    print("\norder hash equal on every node, streams complete: "
          + ", ".join(f'{name} {"yes" if r.get("order_hash_equal") and r.get("complete") else "NO"}' for name, r in checks))
    with open(f"{out}/totem.txt") as f:
        print("Corosync totem: " + "; ".join(line.strip() for line in f if line.strip()))
    if rep:
        s = rep["settings"]
        print("evs settings: " + ", ".join(f"{k} {v}" for k, v in s.items()))
        print("\nevs agreed throughput, where the time went (per node):\n")
        print("| node | CPU s in run | datagrams out | datagrams in | deliveries (own included) per datagram in | token holds | hold cancels sent |")
        print("|---|---|---|---|---|---|---|")
        for p in rep["per_node"]:
            per = p["delivered_total"] / p["datagrams_received"] if p["datagrams_received"] else 0
            print(f'| {p["node"]} | {p["cpu_s"]:.1f} | {p["datagrams_sent"]} | {p["datagrams_received"]} | {per:.1f} | {p["token_holds"]} | {p.get("hold_cancels_sent", 0)} |')
    for name, r in [("evs agreed", at), ("evs agreed lat", al), ("evs safe", sa), ("evs safe lat", sl)]:
        for problem in r.get("problems", []):
            print(f"{name}: {problem}")


if __name__ == "__main__":
    main()
