"""Markdown tables from the single-run JSON lines that ``bench_spiking --raw FILE`` writes.

    python -m benchmarks.peers.summarize benchmarks/results/spiking_<date>_raw.jsonl

Timing: median over the runs of each (case, impl, threads) and brainsim/peer ratios of the medians.
Statistics: mean over seeds of rate and CV against the SPEC.md G pass bands.
"""

from __future__ import annotations

import json
import statistics
import sys
from collections import defaultdict

from benchmarks.spec_networks import BANDS, MC_POP_BANDS

ORDER = ["brainsim", "nest", "brian2-standalone", "brian2-runtime"]


def _rss(r: dict) -> float:
    return r.get("binary_rss_mb", r["peak_rss_mb"])


def main(path: str) -> None:
    groups: dict[tuple, list[dict]] = defaultdict(list)
    cases = []
    for line in open(path):
        r = json.loads(line)
        if r.get("accumulation", "exact") != "exact":
            continue
        key = (r["case"], r["impl"], r["threads"])
        groups[key].append(r)
        if r["case"] not in cases:
            cases.append(r["case"])
    med = {k: {f: statistics.median(x[f] for x in v) for f in ("sim_s", "build_s", "events_per_s")}
           | {"rss": statistics.median(_rss(x) for x in v), "n": len(v)} for k, v in groups.items()}
    print("| network | impl | thr | runs | sim_s (median) | build_s | RSS MB | events/s | brainsim/peer sim | "
          "brainsim/peer RSS |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for case in cases:
        for impl in ORDER:
            for (c, i, th), m in med.items():
                if c != case or i != impl:
                    continue
                b = med.get((case, "brainsim", th))
                rs = rr = ""
                if b and impl != "brainsim":
                    rs, rr = f"{b['sim_s'] / m['sim_s']:.2f}", f"{b['rss'] / m['rss']:.2f}"
                print(f"| {case} | {impl} | {th} | {m['n']} | {m['sim_s']:.3f} | {m['build_s']:.3f} | "
                      f"{m['rss']:.0f} | {m['events_per_s']:.3g} | {rs} | {rr} |")
    print()
    print("| network | impl | seeds | rate Hz (mean; per seed) | CV ISI (mean; per seed) | pass band rate / CV | "
          "in band | min 100 ms bin rate |")
    print("|---|---|---|---|---|---|---|---|")
    for case in cases:
        band = BANDS.get(case)
        for impl in ORDER:
            runs = [r for (c, i, th), v in groups.items() if c == case and i == impl and th == 1 for r in v]
            if not runs:
                continue
            rate = statistics.fmean(r["rate_hz"] for r in runs)
            cv = statistics.fmean(r["cv_isi"] for r in runs)
            ok = ""
            if band:
                ok = "yes" if (band["rate"][0] <= rate <= band["rate"][1] and band["cv"][0] <= cv <= band["cv"][1]) \
                    else "**no**"
            per_r = ", ".join(f"{r['rate_hz']:.2f}" for r in runs)
            per_c = ", ".join(f"{r['cv_isi']:.3f}" for r in runs)
            bins = min(r.get("min_bin_rate_hz", float("nan")) for r in runs)
            bs = f"{band['rate'][0]}-{band['rate'][1]} / {band['cv'][0]}-{band['cv'][1]}" if band else ""
            print(f"| {case} | {impl} | {len(runs)} | {rate:.2f}; {per_r} | {cv:.3f}; {per_c} | {bs} | {ok} | "
                  f"{bins:.2f} |")

    mc = {impl: [r for (c, i, th), v in groups.items() if c == "microcircuit" and i == impl and th == 1 for r in v]
          for impl in ORDER}
    mc = {k: v for k, v in mc.items() if v}
    if mc:
        print()
        print("| microcircuit population | " + " | ".join(f"{k} rate Hz (mean of {len(v)})" for k, v in mc.items())
              + " | SPEC G band (NEST range +-20 %) |")
        print("|---|" + "---|" * len(mc) + "---|")
        for pop, (lo, hi) in MC_POP_BANDS.items():
            vals = " | ".join(f"{statistics.fmean(r['per_pop_rate_hz'][pop] for r in v):.3f}" for v in mc.values())
            print(f"| {pop} | {vals} | {0.8 * lo:.2f}-{1.2 * hi:.2f} |")


if __name__ == "__main__":
    main(sys.argv[1])
