#!/usr/bin/env python3
"""The numbers of benchmarks/scaling/README.md, from the traces run.sh wrote (docs/TRACE.md).

For each N, from the full-load runs (load-agreed-N, load-safe-N), over the window from 100 ms
after the last process installed the first ring of all N to the stop step (traffic stops there):
- throughput: messages ordered per virtual second (distinct messages delivered at p01) and
  deliveries per virtual second (every deliver event, at every process);
- the token rotation, measured: each process originates messages at each token visit when it has
  some waiting, which at full load is every visit, so the gaps between the distinct times at which
  one process sends are rotations; their median;
- delivery latency: from a message's send (the token visit that originated it) to each of its
  deliveries, the sender's own included; median and 99th percentile, in virtual ms and in measured
  rotations.
From the partition runs (partition-N, one per seed): the membership time, from the partition to
the moment the last process has installed a regular configuration of exactly its half; and to the
moment the first process installed one (its first configuration change after the partition: the
transitional configuration, then the regular one, at the end of the recovery). Median over seeds.

Writes results.csv (every number), throughput.csv, latency.csv and membership.csv (the curves
`evs plot --view lines` draws), and prints the Markdown table of the README.
usage: analyze.py TRACES_DIR OUT_DIR
"""
import csv
import glob
import json
import os
import re
import statistics
import sys

WARMUP_MS = 100
LOAD_STOP_MS = 1500
PARTITION_AT_MS = 1000


def events(path):
    with open(path) as f:
        lines = [json.loads(line) for line in f if line.strip()]
    return [e for e in lines if "p" in e]


def percentile(values, p):
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, int(round(p * len(ordered) + 0.5)) - 1))]


def first_full_ring(trace, n):
    """When the last process installed the first regular configuration of all n processes."""
    installed = {}
    for e in trace:
        if e["e"] == "deliver_conf" and e["kind"] == "regular" and len(e["members"]) == n:
            installed.setdefault(e["p"], e["t"])
    return max(installed.values())


def load_numbers(path, n):
    trace = events(path)
    start = first_full_ring(trace, n) + WARMUP_MS
    seconds = (LOAD_STOP_MS - start) / 1000
    sent = {e["m"]: e["t"] for e in trace if e["e"] == "send"}
    in_window = [e for e in trace if e["e"] == "deliver" and start <= e["t"] < LOAD_STOP_MS]
    ordered = sum(1 for e in in_window if e["p"] == "p01")
    latencies = [e["t"] - sent[e["m"]] for e in trace
                 if e["e"] == "deliver" and start <= sent[e["m"]] < LOAD_STOP_MS]
    visits = {}
    for e in trace:
        if e["e"] == "send" and start <= e["t"] < LOAD_STOP_MS:
            visits.setdefault(e["p"], set()).add(e["t"])
    gaps = [b - a for times in visits.values() for a, b in zip(sorted(times), sorted(times)[1:])]
    rotation = statistics.median(gaps)
    return {
        "messages_per_s": ordered / seconds,
        "deliveries_per_s": len(in_window) / seconds,
        "rotation_ms": rotation,
        "latency_median_ms": statistics.median(latencies),
        "latency_p99_ms": percentile(latencies, 0.99),
    }


def membership_numbers(path):
    """Virtual ms from the partition to the last process in a regular configuration of its half, and to the first configuration change anywhere."""
    trace = events(path)
    everyone = sorted({e["p"] for e in trace})
    half = (len(everyone) + 1) // 2
    component = {p: set(everyone[:half]) if i < half else set(everyone[half:]) for i, p in enumerate(everyone)}
    changes = [e for e in trace if e["e"] == "deliver_conf" and e["t"] > PARTITION_AT_MS]
    settled = [min(c["t"] for c in changes if c["p"] == p and c["kind"] == "regular" and set(c["members"]) == component[p])
               for p in everyone]
    first = min(c["t"] for c in changes)
    return max(settled) - PARTITION_AT_MS, first - PARTITION_AT_MS


def sizes(folder):
    return sorted({int(m.group(1)) for f in os.listdir(folder) for m in [re.match(r"partition-(\d+)-", f)] if m})


def main():
    traces, out = sys.argv[1], sys.argv[2]
    rows = []
    for n in sizes(traces):
        agreed = load_numbers(os.path.join(traces, f"load-agreed-{n}.jsonl"), n)
        safe = load_numbers(os.path.join(traces, f"load-safe-{n}.jsonl"), n)
        partitions = [membership_numbers(f) for f in sorted(glob.glob(os.path.join(traces, f"partition-{n}-*.jsonl")))]
        rotation = statistics.median([agreed["rotation_ms"], safe["rotation_ms"]])
        rows.append({
            "processes": n,
            "messages_per_s_agreed": round(agreed["messages_per_s"]),
            "messages_per_s_safe": round(safe["messages_per_s"]),
            "deliveries_per_s_agreed": round(agreed["deliveries_per_s"]),
            "deliveries_per_s_safe": round(safe["deliveries_per_s"]),
            "rotation_ms": round(rotation, 2),
            "agreed_latency_ms": round(agreed["latency_median_ms"], 2),
            "agreed_latency_p99_ms": round(agreed["latency_p99_ms"], 2),
            "safe_latency_ms": round(safe["latency_median_ms"], 2),
            "safe_latency_p99_ms": round(safe["latency_p99_ms"], 2),
            "agreed_latency_rotations": round(agreed["latency_median_ms"] / agreed["rotation_ms"], 2),
            "safe_latency_rotations": round(safe["latency_median_ms"] / safe["rotation_ms"], 2),
            "membership_ms": round(statistics.median(m for m, _ in partitions), 1),
            "first_install_ms": round(statistics.median(f for _, f in partitions), 1),
            "seeds": len(partitions),
        })
    os.makedirs(out, exist_ok=True)
    write(os.path.join(out, "results.csv"), list(rows[0].keys()), [list(r.values()) for r in rows])
    write(os.path.join(out, "throughput.csv"),
          ["processes", "messages ordered (agreed)", "messages ordered (safe)", "deliveries (agreed)", "deliveries (safe)"],
          [[r["processes"], r["messages_per_s_agreed"], r["messages_per_s_safe"], r["deliveries_per_s_agreed"], r["deliveries_per_s_safe"]] for r in rows])
    write(os.path.join(out, "latency.csv"),
          ["processes", "agreed (median)", "safe (median)"],
          [[r["processes"], r["agreed_latency_rotations"], r["safe_latency_rotations"]] for r in rows])
    write(os.path.join(out, "membership.csv"),
          ["processes", "new configurations installed", "first process installs"],
          [[r["processes"], r["membership_ms"], r["first_install_ms"]] for r in rows])
    print("| N | messages/s agreed | messages/s safe | deliveries/s agreed | deliveries/s safe | rotation ms | agreed latency ms (p99) | safe latency ms (p99) | agreed rotations | safe rotations | membership ms (last install) | first install ms |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['processes']} | {r['messages_per_s_agreed']:,} | {r['messages_per_s_safe']:,} | {r['deliveries_per_s_agreed']:,} | {r['deliveries_per_s_safe']:,} | "
              f"{r['rotation_ms']} | {r['agreed_latency_ms']} ({r['agreed_latency_p99_ms']}) | {r['safe_latency_ms']} ({r['safe_latency_p99_ms']}) | "
              f"{r['agreed_latency_rotations']} | {r['safe_latency_rotations']} | {r['membership_ms']} | {r['first_install_ms']} |")


def write(path, header, rows):
    with open(path, "w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


if __name__ == "__main__":
    main()
