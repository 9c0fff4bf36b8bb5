#!/usr/bin/env python3
"""The tables of compare.sh: Corosync CPG and evs bench, every round, then the median ratio
evs/Corosync and its spread over the rounds.

  compare_table.py OUTDIR N SIZE DURATION TRANSPORT LAT_RATE

OUTDIR holds round1/, round2/, ... (one per turn of both systems), each with cpg_tput.jsonl and
cpg_lat.jsonl (one cpgbench object per node), evs_agreed.json, evs_agreed_lat.json, evs_safe.json,
evs_safe_lat.json (one evs bench report each) and uptime-corosync.txt, uptime-evs.txt (the load
before each system's turn); and totem.txt (Corosync's settings). Computed as the harness's
analyze.py: per node = mean over the nodes, latency p50 = median of the senders' medians, p99 = the
worst sender's p99. A ratio is missing where either side left no number; the median and the
spread (lowest and highest) are over the rounds that have one.
"""
import glob
import json
import os
import re
import statistics as st
import sys


def cpg(path):
    """Corosync's per-node objects summarised like evs bench's summary (empty when the run left none)."""
    try:
        with open(path) as f:
            nodes = [json.loads(line) for line in f if line.strip()]
    except (OSError, ValueError):
        return {}
    if not nodes:
        return {}
    lat = [n["lat_us"] for n in nodes if n.get("lat_us")]
    problems = [f'{n["node"]}: gaps {n["fifo_gaps"]}, done {n["done_seen"]}/{n["nsenders"]}'
                for n in nodes if n["fifo_gaps"] or n["done_seen"] < n["nsenders"] or not n["members_ok"]]
    return {
        "per_node_msgs_per_s": st.mean(n["msgs_per_s"] for n in nodes),
        "lat_p50_us": st.median(l["p50"] for l in lat) if lat else None,
        "lat_p99_us": max(l["p99"] for l in lat) if lat else None,
        "order_hash_equal": len({n["order_hash"] for n in nodes}) == 1,
        "complete": not problems,
    }


def evs(path):
    """evs bench's summary, or empty when the run left no report."""
    try:
        with open(path) as f:
            return json.loads(f.read())["summary"]
    except (OSError, ValueError, KeyError):
        return {}


def load(path):
    """The three load averages uptime printed, as "1.2 1.5 1.8", or "?"."""
    try:
        with open(path) as f:
            m = re.search(r"load average:\s*([\d.]+),\s*([\d.]+),\s*([\d.]+)", f.read())
    except OSError:
        return "?"
    return " ".join(m.groups()) if m else "?"


def fmt(x):
    return "-" if x is None else f"{x:,.0f}"


def ratio(a, b):
    return None if a is None or not b else a / b


def fr(r):
    return "-" if r is None else f"{r:.2f}"


def ok(r):
    return "yes" if r.get("order_hash_equal") and r.get("complete") else "NO"


def spread(values):
    """median (lowest-highest) of the values that exist."""
    v = [x for x in values if x is not None]
    if not v:
        return "-"
    return f"**{st.median(v):.2f}** ({min(v):.2f}-{max(v):.2f}, {len(v)} runs)"


def main():
    out, n, size, dur, transport, lat_rate = sys.argv[1:7]
    rounds = sorted(glob.glob(os.path.join(out, "round*")), key=lambda d: int(d.rsplit("round", 1)[1]))
    print(f"\nN={n}, {size} B, {dur} s windows, all senders, agreed; Corosync CPG_TYPE_AGREED over {transport}; "
          f"both in namespaces behind one bridge; latency: 100 B, {lat_rate} msgs/s in all\n")
    print("| round | load (1/5/15 min) before Corosync / evs | Corosync msgs/s per node | evs agreed | evs / Corosync | evs safe | safe / agreed "
          "| p50 us Corosync / evs | ratio | p99 us Corosync / evs | ratio | order and streams: Corosync tput, lat; evs agreed, lat, safe, lat |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    tput, safe, p50, p99 = [], [], [], []
    for d in rounds:
        ct, cl = cpg(f"{d}/cpg_tput.jsonl"), cpg(f"{d}/cpg_lat.jsonl")
        at, al = evs(f"{d}/evs_agreed.json"), evs(f"{d}/evs_agreed_lat.json")
        sa, sl = evs(f"{d}/evs_safe.json"), evs(f"{d}/evs_safe_lat.json")
        key = "per_node_msgs_per_s"
        tput.append(ratio(at.get(key), ct.get(key)))
        safe.append(ratio(sa.get(key), at.get(key)))
        p50.append(ratio(al.get("lat_p50_us"), cl.get("lat_p50_us")))
        p99.append(ratio(al.get("lat_p99_us"), cl.get("lat_p99_us")))
        checks = ", ".join(ok(r) for r in (ct, cl, at, al, sa, sl))
        print(f"| {os.path.basename(d)[5:]} | {load(f'{d}/uptime-corosync.txt')} / {load(f'{d}/uptime-evs.txt')} "
              f"| {fmt(ct.get(key))} | {fmt(at.get(key))} | {fr(tput[-1])} | {fmt(sa.get(key))} | {fr(safe[-1])} "
              f"| {fmt(cl.get('lat_p50_us'))} / {fmt(al.get('lat_p50_us'))} | {fr(p50[-1])} "
              f"| {fmt(cl.get('lat_p99_us'))} / {fmt(al.get('lat_p99_us'))} | {fr(p99[-1])} | {checks} |")
        for name, r in [("evs agreed", at), ("evs agreed lat", al), ("evs safe", sa), ("evs safe lat", sl)]:
            for problem in r.get("problems", []):
                print(f"  round {os.path.basename(d)[5:]}, {name}: {problem}")
    print(f"\nmedian ratio (lowest-highest): throughput evs/Corosync {spread(tput)}; safe/agreed {spread(safe)}; "
          f"latency p50 {spread(p50)}; p99 {spread(p99)}")
    try:
        with open(f"{out}/totem.txt") as f:
            print("Corosync totem: " + "; ".join(line.strip() for line in f if line.strip()))
    except OSError:
        pass


if __name__ == "__main__":
    main()
