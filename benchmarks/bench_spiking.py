"""Spiking benchmark suite: the SPEC.md networks on brainsim and, when available, on the peers.

Every (network, implementation, threads, accumulation) runs `--repeats` times, each in a fresh
process (so peak RSS is that run's own); one JSON line per measurement with the medians:

    {"suite": "spiking", "case": "brunel", "impl": "brainsim", "threads": 1, "accumulation": "exact",
     "median_s": <sim_s>, "min_s", "max_s", "repeats", "build_s", "total_s", "peak_rss_mb",
     "n_synapses", "bytes_per_synapse", "net_rss_mb", "net_bytes_per_synapse", "rate_hz", "cv_isi",
     "events_per_s", "build_flags", "ratio_to": {...}}

bytes_per_synapse is brainsim's own count of its synapse storage; net_bytes_per_synapse (every impl)
is the resident memory held for the network (RSS after construction minus RSS before it, see the
peer scripts for where each simulator is read) divided by the number of recurrent synapses, so that
neither the Python interpreter nor the libraries are counted.

Peers run in their own interpreter (``--peer-python /tmp/venv-peers/bin/python``; NEST 3.10 and
Brian2 need ``numpy<2.4``) through ``benchmarks/peers/{nest,brian2}_spec.py <network> --seed s --threads k
[--mode standalone|runtime]``, one fresh process per run, each printing one JSON line (build_s, sim_s,
peak_rss_mb, n_spikes, rate_hz, cv_isi, n_synapses; see benchmarks/peers/). A failing peer is reported on
stderr and skipped. Per network, the peers run first, then brainsim, so the ratios brainsim/peer
(``ratio_to``: sim time, ``rss_ratio_to``: peak RSS) compare runs made minutes apart on the same
machine; a summary table goes to stderr at the end, and ``--raw FILE`` appends every single run.

    python -m benchmarks.bench_spiking --networks coba cuba brunel --repeats 3
    python -m benchmarks.bench_spiking --networks brunel --threads 1 2 --accumulation exact fast
    python -m benchmarks spiking --networks coba cuba brunel --peer-python /tmp/venv-peers/bin/python
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from benchmarks.common import emit, in_fresh_process, machine

HERE = Path(__file__).parent
# impl -> (script in benchmarks/peers/, extra arguments, supports threads > 1, networks it implements)
PEERS = {
    "nest": ("nest_spec.py", [], True, None),
    "brian2-standalone": ("brian2_spec.py", ["--mode", "standalone"], True, "no-microcircuit"),
    "brian2-runtime": ("brian2_spec.py", ["--mode", "runtime"], False, "no-microcircuit"),
}
_RAW: list = []  # open file for --raw (every single run as one JSON line)


def _raw(record: dict) -> None:
    if _RAW:
        _RAW[0].write(json.dumps(record) + "\n")
        _RAW[0].flush()


def _brainsim_once(name: str, seed: int, threads: int, accumulation: str) -> dict:
    from benchmarks import spec_networks as sn

    r = sn.run_once(name, seed=seed, threads=threads, accumulation=accumulation)
    bins = r.pop("bin_rates_hz", None)
    if bins:
        r["min_bin_rate_hz"] = min(bins[1:]) if len(bins) > 1 else bins[0]
    return r


def run_brainsim(name: str, threads: int, accumulation: str, repeats: int, seed: int) -> dict:
    runs = []
    for k in range(repeats):
        r, rss = in_fresh_process(_brainsim_once, name, seed + k, threads, accumulation)
        r["peak_rss_mb"] = rss
        _raw({"suite": "spiking", "impl": "brainsim", **r})
        runs.append(r)
    sims = [r["sim_s"] for r in runs]
    med = lambda key: statistics.median(r[key] for r in runs)  # noqa: E731
    return {"suite": "spiking", "case": runs[0]["case"], "impl": "brainsim", "threads": threads,
            "accumulation": accumulation, "median_s": statistics.median(sims), "min_s": min(sims),
            "max_s": max(sims), "repeats": repeats, "build_s": med("build_s"), "total_s": med("total_s"),
            "peak_rss_mb": med("peak_rss_mb"), "n_synapses": runs[0]["n_synapses"],
            "bytes_per_synapse": runs[0]["bytes_per_synapse"], "net_rss_mb": med("net_rss_mb"),
            "net_bytes_per_synapse": med("net_bytes_per_synapse"), "rate_hz": med("rate_hz"),
            "cv_isi": med("cv_isi"), "events_per_s": med("events_per_s"), "build_flags": runs[0]["build_flags"]}


def run_peer(impl: str, name: str, threads: int, repeats: int, seed: int, python: str) -> dict | None:
    """Median of `repeats` runs of a peer script (fresh process each, seeds seed .. seed+repeats-1)."""
    script, extra, threaded, only = PEERS[impl]
    if (threads > 1 and not threaded) or (only == "no-microcircuit" and name == "microcircuit"):
        return None
    runs = []
    for k in range(repeats):
        cmd = [python, str(HERE / "peers" / script), name, "--seed", str(seed + k), "--threads", str(threads),
               *extra]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=7200)
        lines = [json.loads(x) for x in p.stdout.splitlines() if x.startswith("{")]
        if p.returncode != 0 or not lines:
            print(json.dumps({"suite": "spiking", "case": name, "impl": impl, "threads": threads,
                              "error": (p.stderr or p.stdout)[-800:]}), file=sys.stderr)
            return None
        _raw(lines[-1])
        runs.append(lines[-1])
    sims = [r["sim_s"] for r in runs]
    med = lambda key: statistics.median(r[key] for r in runs)  # noqa: E731
    out = {"suite": "spiking", "case": runs[0]["case"], "impl": impl, "threads": threads,
           "median_s": statistics.median(sims), "min_s": min(sims), "max_s": max(sims), "repeats": repeats,
           "build_s": med("build_s"), "total_s": med("total_s"), "peak_rss_mb": med("peak_rss_mb"),
           "n_synapses": runs[0]["n_synapses"], "rate_hz": med("rate_hz"), "cv_isi": med("cv_isi"),
           "rate_hz_mean": statistics.fmean(r["rate_hz"] for r in runs),
           "cv_isi_mean": statistics.fmean(r["cv_isi"] for r in runs), "events_per_s": med("events_per_s")}
    for key in ("binary_rss_mb", "compile_s", "net_rss_mb", "net_bytes_per_synapse"):
        if key in runs[0]:
            out[key] = med(key)
    return out


def _summary(rows: list[dict]) -> None:
    """Human-readable table of the medians and ratios on stderr."""
    flags = next((r["build_flags"] for r in rows if r["impl"] == "brainsim"), None)
    if flags is not None:
        print(f"\nbrainsim build flags: {flags}", file=sys.stderr)
    print(f"\n{'case':<18} {'impl':<18} {'thr':>3} {'sim_s':>8} {'build_s':>8} {'rss_MB':>8} {'B/syn':>6} "
          f"{'rate':>6} {'cv':>6}  brainsim/peer (sim, rss)", file=sys.stderr)
    for r in rows:
        ratio = ""
        if r["impl"] == "brainsim":
            ratio = "  ".join(f"{k}: {v:.3g}, {r['rss_ratio_to'][k]:.3g}" for k, v in r["ratio_to"].items())
        rss = r.get("binary_rss_mb", r["peak_rss_mb"])
        bps = r.get("net_bytes_per_synapse", float("nan"))
        print(f"{r['case']:<18} {r['impl']:<18} {r['threads']:>3} {r['median_s']:>8.3f} {r['build_s']:>8.3f} "
              f"{rss:>8.1f} {bps:>6.1f} {r['rate_hz']:>6.2f} {r['cv_isi']:>6.3f}  {ratio}", file=sys.stderr)


def main(argv: list[str] | None = None) -> None:
    from benchmarks import spec_networks as sn

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--networks", nargs="+", default=["coba", "cuba", "brunel"], choices=sorted(sn.BUILDERS))
    ap.add_argument("--threads", nargs="+", type=int, default=[1])
    ap.add_argument("--accumulation", nargs="+", default=["exact"])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--peer-python", default=None, help="interpreter of the peers' venv")
    ap.add_argument("--peers", nargs="+", default=list(PEERS), choices=list(PEERS))
    ap.add_argument("--raw", default=None, help="append every single run (JSON line) to this file")
    args = ap.parse_args(argv)
    if args.raw:
        _RAW.append(open(args.raw, "a"))
    import brainsim

    emit({"suite": "spiking", "machine": machine(), "brainsim_build": brainsim.build_info(),
          "loadavg": list(os.getloadavg())})
    rows = []
    for name in args.networks:
        peers = {}
        if args.peer_python:
            for th in args.threads:
                for impl in args.peers:
                    r = run_peer(impl, name, th, args.repeats, args.seed, args.peer_python)
                    if r is not None:
                        peers[impl, th] = r
                        rows.append(r)
                        emit(r)
        base = None
        for th in args.threads:
            for acc in args.accumulation:
                r = run_brainsim(name, th, acc, args.repeats, args.seed)
                if base is None:
                    base = r
                # brainsim / peer at the same thread count; Brian2 standalone's memory is its binary's
                same = {impl: p for (impl, pth), p in peers.items() if pth == th}
                r["ratio_to"] = {impl: r["median_s"] / p["median_s"] for impl, p in same.items()}
                r["rss_ratio_to"] = {impl: r["peak_rss_mb"] / p.get("binary_rss_mb", p["peak_rss_mb"])
                                     for impl, p in same.items()}
                r["speedup_vs_first"] = base["median_s"] / r["median_s"]
                rows.append(r)
                emit(r)
    emit({"suite": "spiking", "loadavg_end": list(os.getloadavg())})
    _summary(rows)


if __name__ == "__main__":
    main()
