"""Ignition survival of a SPEC network over many seeds, brainsim beside the peers.

    python -m benchmarks ignition --network scaled_coba_4000 --seeds 1-30 \
        --peer-python /tmp/venv-peers/bin/python

SPEC.md G: "A run with rate < 1 Hz is a failed ignition, not a fast run" (no 100 ms bin after the
first 50 ms below 1 Hz). Whether a COBA-type network keeps going after the 50 ms kick depends on the
seed; this suite measures the fraction of seeds that sustain activity and the rate / CV ISI of those
that do, per implementation (brainsim in this process; NEST and Brian2 runtime through
benchmarks/peers/*.py with --peer-python), and Fisher's exact test of brainsim's survival count
against the pooled peers (scipy). One JSON line per run, then one summary line per implementation.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
PEERS = {"nest": ["peers/nest_spec.py"], "brian2-runtime": ["peers/brian2_spec.py", "--mode", "runtime"]}


def parse_seeds(text: str) -> list[int]:
    out: list[int] = []
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        out.extend(range(int(lo), int(hi or lo) + 1))
    return out


def run_brainsim(network: str, seed: int) -> dict:
    from benchmarks import spec_networks as sn

    net, meta = sn.BUILDERS[network](seed=seed)
    res = net.run(meta["T"])
    st = sn.statistics(res, meta)
    return {"impl": "brainsim", "seed": seed, "rate_hz": st["rate_hz"], "cv_isi": st["cv_isi"],
            "min_bin_rate_hz": float(min(st["bin_rates_hz"][1:]))}


def run_peer(peer: str, python: str, network: str, seed: int) -> dict | None:
    script, *extra = PEERS[peer]
    cmd = [python, str(HERE / script), network, "--seed", str(seed), *extra]
    p = subprocess.run(cmd, capture_output=True, text=True)
    lines = [ln for ln in p.stdout.splitlines() if ln.startswith("{")]
    if p.returncode != 0 or not lines:
        print(f"{peer} seed {seed} failed: {p.stderr.strip()[-300:]}", file=sys.stderr)
        return None
    d = json.loads(lines[-1])
    return {"impl": peer, "seed": seed, "rate_hz": d["rate_hz"], "cv_isi": d["cv_isi"],
            "min_bin_rate_hz": d["min_bin_rate_hz"]}


def summarise(network: str, impl: str, rows: list[dict]) -> dict:
    alive = [r for r in rows if r["min_bin_rate_hz"] >= 1.0]
    rates = np.array([r["rate_hz"] for r in alive])
    cvs = np.array([r["cv_isi"] for r in alive])
    return {"suite": "ignition", "case": network, "impl": impl, "seeds": len(rows), "sustained": len(alive),
            "failed_seeds": [r["seed"] for r in rows if r["min_bin_rate_hz"] < 1.0],
            "rate_hz_mean": float(rates.mean()) if len(rates) else None,
            "rate_hz_sd": float(rates.std(ddof=1)) if len(rates) > 1 else None,
            "cv_isi_mean": float(cvs.mean()) if len(cvs) else None}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--network", default="scaled_coba_4000")
    ap.add_argument("--seeds", default="1-30", help="e.g. 1-30 or 1,2,5-9")
    ap.add_argument("--peer-python", default=None, help="interpreter with nest and brian2 (omit: brainsim only)")
    ap.add_argument("--peers", default="nest,brian2-runtime")
    a = ap.parse_args(argv)
    seeds = parse_seeds(a.seeds)
    results: dict[str, list[dict]] = {"brainsim": []}
    for s in seeds:
        r = run_brainsim(a.network, s)
        results["brainsim"].append(r)
        print(json.dumps({"suite": "ignition", "case": a.network, **r}), flush=True)
    if a.peer_python:
        for peer in a.peers.split(","):
            results[peer] = []
            for s in seeds:
                r = run_peer(peer, a.peer_python, a.network, s)
                if r is not None:
                    results[peer].append(r)
                    print(json.dumps({"suite": "ignition", "case": a.network, **r}), flush=True)
    summaries = {k: summarise(a.network, k, v) for k, v in results.items() if v}
    peers = [v for k, v in summaries.items() if k != "brainsim"]
    if peers:
        from scipy.stats import fisher_exact

        b = summaries["brainsim"]
        ps, pn = sum(p["sustained"] for p in peers), sum(p["seeds"] for p in peers)
        b["fisher_p_vs_pooled_peers"] = float(fisher_exact([[b["sustained"], b["seeds"] - b["sustained"]],
                                                            [ps, pn - ps]]).pvalue)
    for v in summaries.values():
        print(json.dumps(v), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
