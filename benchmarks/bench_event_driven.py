"""Integration schemes compared (issue 5): time_stepped, hybrid and event_driven on the same network.

Cases
  sparse   10 000 lif_delta neurons (tau_m 20 ms, threshold 15 mV above rest), independent Poisson
           input of 10 Hz x 8 mV per neuron (two inputs close together make a spike), 10 recurrent
           inputs of 1 mV each (delay 1.5 ms), 1 s at dt = 0.1 ms: most neurons receive nothing for
           tens of ms, so event_driven advances few of them per step.
  cuba     the SPEC CUBA network (4000 lif_curr_exp, 1 s), benchmarks/spec_networks.py.

Each (case, scheme) runs `--repeats` times in a fresh process; one JSON line per measurement:

    {"suite": "event_driven", "case": "sparse", "impl": "brainsim", "integration": "event_driven",
     "median_s": <sim_s>, "min_s", "max_s", "repeats", "peak_rss_mb", "build_s", "n_spikes",
     "neuron_updates", "updates_per_neuron_step", "ratio_to": {"hybrid": ..., "time_stepped": ...}}

neuron_updates is the engine's work counter (the run report): n x steps for time_stepped and hybrid,
the state advances actually made for event_driven.

    python -m benchmarks event_driven --repeats 3
    python -m benchmarks event_driven --cases sparse --integration hybrid event_driven
"""

from __future__ import annotations

import argparse
import statistics
import sys

from benchmarks.common import emit, in_fresh_process, machine

SCHEMES = ("time_stepped", "hybrid", "event_driven")


def build_sparse(seed: int = 1, n: int = 10000):
    from brainsim.network import FixedInDegree, Network, PoissonInput

    net = Network(dt=0.1, seed=seed)
    P = net.add_population("P", n, "lif_delta", {"tau_m": 20.0, "C_m": 250.0, "t_ref": 2.0, "E_L": -70.0,
                                                 "V_reset": -70.0, "V_th": -55.0})
    net.connect(P, P, FixedInDegree(10), weight=1.0, delay=1.5)
    net.add_stimulus(PoissonInput(10.0, 8.0), P)
    net.record(P, "spikes")
    return net, {"pops": ["P"], "T": 1000.0, "n": n}


def build_cuba(seed: int = 1):
    from benchmarks import spec_networks as sn

    net, meta = sn.build_cuba(seed=seed)
    return net, {"pops": list(meta["pops"]), "T": meta["T"], "n": sum(meta["pops"].values())}


BUILDERS = {"sparse": build_sparse, "cuba": build_cuba}


def _once(case: str, integration: str, seed: int) -> dict:
    import time

    t0 = time.perf_counter()
    net, meta = BUILDERS[case](seed=seed)
    net.build(integration=integration)
    t1 = time.perf_counter()
    res = net.run(meta["T"], integration=integration)
    n_spikes = sum(res.spikes(p)[0].size for p in meta["pops"])
    return {"build_s": t1 - t0, "sim_s": res.timing["sim_s"], "n_spikes": int(n_spikes),
            "neuron_updates": int(res.report["neuron_updates"]), "n": meta["n"], "T": meta["T"], "dt": net.dt}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", nargs="+", default=list(BUILDERS), choices=sorted(BUILDERS))
    ap.add_argument("--integration", nargs="+", default=list(SCHEMES), choices=SCHEMES)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    print(f"# machine {machine()}", file=sys.stderr)
    for case in args.cases:
        medians: dict[str, float] = {}
        for integ in args.integration:
            runs, rss = [], []
            for _ in range(args.repeats):
                r, mb = in_fresh_process(_once, case, integ, args.seed)
                runs.append(r)
                rss.append(mb)
            times = [r["sim_s"] for r in runs]
            med = statistics.median(times)
            medians[integ] = med
            r0 = runs[0]
            steps = round(r0["T"] / r0["dt"])
            emit({"suite": "event_driven", "case": case, "impl": "brainsim", "integration": integ,
                  "median_s": med, "min_s": min(times), "max_s": max(times), "repeats": args.repeats,
                  "peak_rss_mb": max(rss), "build_s": statistics.median(r["build_s"] for r in runs),
                  "n_spikes": r0["n_spikes"], "neuron_updates": r0["neuron_updates"],
                  "updates_per_neuron_step": r0["neuron_updates"] / (r0["n"] * steps),
                  "ratio_to": {k: med / v for k, v in medians.items() if k != integ and v > 0}})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
