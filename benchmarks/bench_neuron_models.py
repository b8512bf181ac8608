"""Cost and accuracy of the point-neuron integration schemes at the network step.

For hh_traub (COBAHH), hh, adex and lif_multisyn: one neuron driven for 1 s at dt = 0.1 ms by a
bias current and a sparse random stream of excitatory/inhibitory conductance events (fixed seed;
~400 events, so the time is the model's stepping, not the Python input handling), for each scheme
(``adaptive`` = DOPRI5 and ``rk23`` = Bogacki-Shampine at several rtol, ``exp_euler`` where
available). Reports the wall time per
neuron-step and the spike-time error against the same run at rtol 1e-10 (which agrees with the
SciPy DOP853 references in tests/data/models/ to < 1e-8 ms), plus, for hh_traub, the error on the
SciPy reference case ``hh_traub_syn``.

    python -m benchmarks neuron_models [--repeats 5]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from .common import emit, machine, time_repeats

ROOT = Path(__file__).resolve().parents[1]


def _inputs(model, seed=1, t_end=1000.0, dt=0.1):
    rng = np.random.default_rng(seed)
    exc, inh = ("exc", "inh") if model != "lif_multisyn" else ("ampa", "gaba_a")
    w_e, w_i = {"hh_traub": (6.0, 67.0), "hh": (20.0, 60.0), "adex": (6.0, 30.0), "lif_multisyn": (2.0, 8.0)}[model]
    rate_e, rate_i = 0.3, 0.1  # events per ms (sparse, so the Python input list costs little)
    ins = []
    for port, w, rate in ((exc, w_e, rate_e), (inh, w_i, rate_i)):
        n = rng.poisson(rate * t_end)
        ts = np.sort(rng.integers(0, int(t_end / dt), n)) * dt
        ins += [(float(t), port, w) for t in ts]
    return ins


def main(argv: list[str]) -> int:
    import brainsim as bs

    ap = argparse.ArgumentParser(prog="python -m benchmarks neuron_models")
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args(argv)
    env = machine()
    t_end, dt = 1000.0, 0.1
    bias = {"hh_traub": 50.0, "hh": 700.0, "adex": 600.0, "lif_multisyn": 300.0}
    for model in ("hh_traub", "hh", "adex", "lif_multisyn"):
        ins = _inputs(model)
        methods = bs.neuron.model_info(model)["methods"]
        tight = bs.simulate_neuron(model, {"rtol": 1e-10}, inputs=ins, current=bias[model], t_end=t_end, dt=dt,
                                   method="adaptive")
        variants = [("adaptive", r) for r in (1e-3, 1e-4, 1e-6, 1e-8)]
        if "rk23" in methods:
            variants += [("rk23", r) for r in (1e-3, 1e-4, 1e-6)]
        if "exp_euler" in methods:
            variants.append(("exp_euler", None))
        for method, rtol in variants:
            params = {} if rtol is None else {"rtol": rtol}

            def run():
                return bs.simulate_neuron(model, params, inputs=ins, current=bias[model], t_end=t_end, dt=dt,
                                          method=method)

            r = run()
            stats = time_repeats(run, repeats=args.repeats)
            same = r.spike_count == tight.spike_count
            err = float(np.max(np.abs(r.spike_times - tight.spike_times))) if same and r.spike_count else None
            emit({"suite": "neuron_models", "case": f"{model}_poisson_1s", "impl": "brainsim",
                  "method": method, "rtol": rtol, **stats, "peak_rss_mb": None,
                  "ns_per_neuron_step": stats["median_s"] / (t_end / dt) * 1e9,
                  "spikes": r.spike_count, "spikes_tight": tight.spike_count,
                  "max_spike_time_error_ms": err, "machine": env})
    # hh_traub on the SciPy reference case
    ref = next(c for c in json.loads((ROOT / "tests/data/models/models_reference.json").read_text())["cases"]
               if c["name"] == "hh_traub_syn")
    for method, rtol in [("rk23", 1e-3), ("rk23", 1e-4), ("rk23", 1e-6), ("adaptive", 1e-3), ("adaptive", 1e-4),
                         ("adaptive", 1e-6), ("exp_euler", None)]:
        params = {} if rtol is None else {"rtol": rtol}
        r = bs.simulate_neuron("hh_traub", params, current=(ref["current_times"], ref["current_values"]),
                               inputs=[tuple(x) for x in ref["inputs"]], t_end=ref["t_end"], dt=0.1,
                               initial=ref["initial"], method=method)
        same = r.spike_count == len(ref["spike_times"])
        emit({"suite": "neuron_models", "case": "hh_traub_vs_scipy", "impl": "brainsim", "method": method,
              "rtol": rtol, "spikes": r.spike_count, "spikes_ref": len(ref["spike_times"]),
              "max_spike_time_error_ms": float(np.max(np.abs(r.spike_times - ref["spike_times"]))) if same else None,
              "max_abs_V_error_mV": float(np.max(np.abs(r["V_m"] - ref["V_m"])))})
    return 0
