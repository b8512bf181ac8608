#!/usr/bin/env python3
"""Reference spike times of the classic HH model at 26.3 degC under a train of brief current pulses
(the stiff case of tests/python/integration/test_stiff_hh.py).

Model: exactly that of make_hh_reference.py (NEURON hh.mod rates, 100 pF membrane), with the
temperature factor q10 = 3^((26.3 - 6.3)/10) = 9 on all six rates, so the gates are 9x faster than
at 6.3 degC while the membrane time constant stays the same.

Protocol (per case): I_ext = amplitude in [t_on + k*period, t_on + k*period + width) for
t_on <= t < t_off, else 0; simulated 0..t_end from the steady state at V = -65 mV.
Spike = upward crossing of V = 0 mV.

Method: make_hh_reference.run_protocol (SciPy solve_ivp restarted at every pulse edge, crossings
refined by Newton on exact step end points) with DOP853 rtol = atol = 1e-12 (the reference),
Radau rtol 1e-11 / atol 1e-12 with the analytic Jacobian (the check) and DOP853 1e-13 (convergence
check). Nothing from brainsim is used.

Usage: python3 tests/data/hh/make_hh_stiff_reference.py   (~1 min)
Output: hh_stiff_spikes.json next to this script.
"""
import importlib.util
import json
import os
import platform
from datetime import date

import numpy as np
import scipy

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("make_hh_reference", os.path.join(HERE, "make_hh_reference.py"))
base = importlib.util.module_from_spec(spec)
spec.loader.exec_module(base)

CELSIUS = 26.3
CASES = [
    {"name": "pulses_26p3C_3000pA", "amplitude_pA": 3000.0, "pulse_width_ms": 1.0, "pulse_period_ms": 20.0,
     "t_on_ms": 10.0, "t_off_ms": 190.0, "t_end_ms": 200.0},
]


def pulse_segments(case):
    a, edges = case["amplitude_pA"], [0.0]
    t = case["t_on_ms"]
    while t < case["t_off_ms"]:
        edges += [t, min(t + case["pulse_width_ms"], case["t_off_ms"])]
        t += case["pulse_period_ms"]
    edges.append(case["t_end_ms"])
    return [(edges[k], edges[k + 1], a if k % 2 == 1 else 0.0) for k in range(len(edges) - 1)
            if edges[k + 1] > edges[k]]


def main():
    base.Q10 = 3.0 ** ((CELSIUS - 6.3) / 10.0)
    out = []
    for case in CASES:
        base.segments = lambda amp, case=case: pulse_segments(case)
        runs = {k: base.run_protocol(base.Integrator(m, r, a), case["amplitude_pA"])
                for k, (m, r, a) in {"dop853_1e-12": ("DOP853", 1e-12, 1e-12),
                                     "radau_1e-11": ("Radau", 1e-11, 1e-12),
                                     "dop853_1e-13": ("DOP853", 1e-13, 1e-13)}.items()}
        ref = runs["dop853_1e-12"]["refined_times"]
        for k, r in runs.items():
            if len(r["refined_times"]) != len(ref):
                raise RuntimeError(f"{case['name']}: spike count of {k} differs")
        diff = {k: max(abs(a - b) for a, b in zip(ref, r["refined_times"])) for k, r in runs.items()}
        print(case["name"], len(ref), "spikes", diff)
        out.append({**case, "celsius_degC": CELSIUS, "q10": base.Q10, "n_spikes": len(ref),
                    "spike_times_ms": ref, "y_end": runs["dop853_1e-12"]["y_end"],
                    "check": {"radau_1e-11_refined_spike_times_ms": runs["radau_1e-11"]["refined_times"],
                              "max_abs_diff_vs_radau_1e-11_ms": diff["radau_1e-11"],
                              "max_abs_diff_vs_dop853_1e-13_ms": diff["dop853_1e-13"]}})
    doc = {"description": "Classic HH (hh.mod rates) at 26.3 degC (q10 = 9) under brief current pulses: "
                          "reference spike times (upward 0 mV crossings). GENERATED numerically.",
           "model": "as tests/data/hh/hh_step_spikes.json, celsius = 26.3",
           "cases": out,
           "provenance": {"generator": "tests/data/hh/make_hh_stiff_reference.py", "date": date.today().isoformat(),
                          "environment": {"python": platform.python_version(), "numpy": np.__version__,
                                          "scipy": scipy.__version__, "platform": platform.platform()}}}
    with open(os.path.join(HERE, "hh_stiff_spikes.json"), "w") as fh:
        json.dump(doc, fh, indent=1)
        fh.write("\n")


if __name__ == "__main__":
    main()
