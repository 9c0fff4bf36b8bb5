#!/usr/bin/env python3
"""Writes the scaling scenarios (docs/SCENARIOS.md) of benchmarks/scaling/README.md into scenarios/.

For each N in 3, 5, 8, 16, 32 processes, two scenarios on the same network: one-way delays drawn
uniformly from 0.5 to 1.5 ms (a mean of 1 ms, so that a token rotation, N hops and no processing
time in the simulator, takes N ms on average), nothing lost, nothing duplicated.

- load-agreed-N.json and load-safe-N.json: every process's application asks to send messages of
  one service (agreed, or safe) at twice the rate the flow-control window lets through (WindowSize
  50 messages a rotation over all the processes, TotemSettings), so that every token visit finds
  messages waiting: full load. One service a run, because Totem delivers in one total order: an
  agreed message after a safe one waits for it, and a mix would measure the safe latency twice.
- partition-N.json: a light load (20 messages a second a process); at 1000 ms the network splits
  into two halves, the first ceil(N/2) processes and the others; the run stops at 2500 ms, where the
  network heals and the run goes on until it is quiescent.

usage: make_scenarios.py [OUT_DIR]   (default: scenarios/ beside this script)
"""
import json
import os
import sys

SIZES = (3, 5, 8, 16, 32)
DELAY_MS = (0.5, 1.5)
WINDOW = 50
LOAD_STOP_MS = 1500
PARTITION_AT_MS = 1000
PARTITION_STOP_MS = 2500


def processes(n):
    return [f"p{i:02d}" for i in range(1, n + 1)]


def network():
    return {"delay_ms": list(DELAY_MS), "loss": 0, "duplicate": 0}


def load(n, service):
    rotation_s = n * sum(DELAY_MS) / 2 / 1000
    per_process = round(2 * WINDOW / rotation_s / n)
    return {
        "name": f"load-{service}-{n}",
        "processes": processes(n),
        "traffic": {"rate": per_process, "size": 16, "mix": {service: 1}},
        "network": network(),
        "steps": [{"at": LOAD_STOP_MS, "stop": True}],
    }


def partition(n):
    ids = processes(n)
    half = (n + 1) // 2
    return {
        "name": f"partition-{n}",
        "processes": ids,
        "traffic": {"rate": 20, "size": 16, "mix": {"agreed": 1, "safe": 1}},
        "network": network(),
        "steps": [
            {"at": PARTITION_AT_MS, "partition": [ids[:half], ids[half:]]},
            {"at": PARTITION_STOP_MS, "stop": True},
        ],
    }


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "scenarios")
    os.makedirs(out, exist_ok=True)
    for n in SIZES:
        for scenario in (load(n, "agreed"), load(n, "safe"), partition(n)):
            with open(os.path.join(out, scenario["name"] + ".json"), "w") as f:
                json.dump(scenario, f, indent=2)
                f.write("\n")


if __name__ == "__main__":
    main()
