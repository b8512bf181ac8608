"""Spiking benchmark suite: the SPEC.md networks on brainsim and, when available, on the peers.

Every (network, implementation, threads, accumulation) runs `--repeats` times, each in a fresh
process (so peak RSS is that run's own); one JSON line per measurement with the medians:

    {"suite": "spiking", "case": "brunel", "impl": "brainsim", "threads": 1, "accumulation": "exact",
     "median_s": <sim_s>, "min_s", "max_s", "repeats", "build_s", "total_s", "peak_rss_mb",
     "n_synapses", "bytes_per_synapse", "rate_hz", "cv_isi", "events_per_s", "ratio_to": {...}}

Peers run in their own interpreter (``--peer-python /tmp/venv-peers/bin/python``; NEST 3.10 and
Brian2 need ``numpy<2.4``) through ``benchmarks/peers/<impl>.py <network> <seed> <threads>``, which
print one JSON line with build_s, sim_s, peak_rss_mb, n_spikes; a missing script or peer is skipped.

    python -m benchmarks.bench_spiking --networks coba cuba brunel --repeats 3
    python -m benchmarks.bench_spiking --networks brunel --threads 1 2 --accumulation exact fast
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

from benchmarks.common import emit, in_fresh_process, machine

HERE = Path(__file__).parent
PEERS = ("nest", "brian2_runtime", "brian2_standalone")


def _brainsim_once(name: str, seed: int, threads: int, accumulation: str) -> dict:
    from benchmarks import spec_networks as sn

    r = sn.run_once(name, seed=seed, threads=threads, accumulation=accumulation)
    r.pop("bin_rates_hz", None)
    return r


def run_brainsim(name: str, threads: int, accumulation: str, repeats: int, seed: int) -> dict:
    runs = []
    for k in range(repeats):
        r, rss = in_fresh_process(_brainsim_once, name, seed + k, threads, accumulation)
        r["peak_rss_mb"] = rss
        runs.append(r)
    sims = [r["sim_s"] for r in runs]
    med = lambda key: statistics.median(r[key] for r in runs)  # noqa: E731
    return {"suite": "spiking", "case": runs[0]["case"], "impl": "brainsim", "threads": threads,
            "accumulation": accumulation, "median_s": statistics.median(sims), "min_s": min(sims),
            "max_s": max(sims), "repeats": repeats, "build_s": med("build_s"), "total_s": med("total_s"),
            "peak_rss_mb": med("peak_rss_mb"), "n_synapses": runs[0]["n_synapses"],
            "bytes_per_synapse": runs[0]["bytes_per_synapse"], "rate_hz": med("rate_hz"),
            "cv_isi": med("cv_isi"), "events_per_s": med("events_per_s")}


def run_peer(impl: str, name: str, threads: int, repeats: int, seed: int, python: str) -> dict | None:
    script = HERE / "peers" / f"{impl}.py"
    if not script.exists():
        return None
    runs = []
    for k in range(repeats):
        p = subprocess.run([python, str(script), name, str(seed + k), str(threads)], capture_output=True,
                           text=True, timeout=3600)
        if p.returncode != 0:
            print(json.dumps({"suite": "spiking", "case": name, "impl": impl, "error": p.stderr[-500:]}),
                  file=sys.stderr)
            return None
        runs.append(json.loads(p.stdout.strip().splitlines()[-1]))
    sims = [r["sim_s"] for r in runs]
    return {"suite": "spiking", "case": name, "impl": impl, "threads": threads, "median_s": statistics.median(sims),
            "min_s": min(sims), "max_s": max(sims), "repeats": repeats,
            "build_s": statistics.median(r["build_s"] for r in runs),
            "peak_rss_mb": statistics.median(r["peak_rss_mb"] for r in runs),
            **{k: runs[0][k] for k in ("n_synapses", "rate_hz", "cv_isi") if k in runs[0]}}


def main(argv: list[str] | None = None) -> None:
    from benchmarks import spec_networks as sn

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--networks", nargs="+", default=["coba", "cuba", "brunel"], choices=sorted(sn.BUILDERS))
    ap.add_argument("--threads", nargs="+", type=int, default=[1])
    ap.add_argument("--accumulation", nargs="+", default=["exact"])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--peer-python", default=None, help="interpreter of the peers' venv")
    args = ap.parse_args(argv)
    emit({"suite": "spiking", "machine": machine()})
    for name in args.networks:
        peers = {}
        if args.peer_python:
            for impl in PEERS:
                r = run_peer(impl, name, 1, args.repeats, args.seed, args.peer_python)
                if r is not None:
                    peers[impl] = r
                    emit(r)
        base = None
        for th in args.threads:
            for acc in args.accumulation:
                r = run_brainsim(name, th, acc, args.repeats, args.seed)
                if base is None:
                    base = r
                r["ratio_to"] = {impl: r["median_s"] / p["median_s"] for impl, p in peers.items()}
                r["speedup_vs_first"] = base["median_s"] / r["median_s"]
                emit(r)


if __name__ == "__main__":
    main()
