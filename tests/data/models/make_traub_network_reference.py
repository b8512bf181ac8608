#!/usr/bin/env python3
"""Independent SciPy reference for hh_traub under COBAHH-like network drive (brainsim's default
network scheme is checked against it in tests/python/integration/test_hh_model_traub.py).

One Traub-Miles neuron (SPEC.md section C.2 equations, written out in make_models_reference.py's
``Traub`` class, not brainsim's code) starting from the COBAHH mean initial state (V = -65 mV,
m = h = n = 0, g_e = 40 nS, g_i = 200 nS, SPEC C.4/A.4) and driven for 300 ms by Poisson input on the
0.1 ms grid as a neuron of the COBAHH network sees it while the network fires at ~35 Hz: excitatory
events of 6 nS at 5 per ms, inhibitory events of 67 nS at 0.75 per ms (numpy default_rng(2024);
several events in one step are summed). No current.

Integrator: the same driver as make_models_reference.py (solve_ivp DOP853 rtol 1e-12 atol 1e-12,
restarted at every input event; check run Radau rtol 1e-10 atol 1e-12; spike = upward crossing of
-20 mV with a 3 ms block).

Usage: python3 make_traub_network_reference.py  (about a minute)
Output: traub_network_reference.json next to this script.
"""
import json
import os
import platform
import sys
from datetime import date

os.environ.setdefault("OMP_NUM_THREADS", "1")
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402
import scipy  # noqa: E402

from make_models_reference import Traub, simulate  # noqa: E402

T, DT = 300.0, 0.1


def make_inputs():
    rng = np.random.default_rng(2024)
    n = int(round(T / DT))
    ins = []
    for port, w, rate in (("exc", 6.0, 5.0), ("inh", 67.0, 0.75)):
        counts = rng.poisson(rate * DT, size=n)
        for k in np.nonzero(counts)[0]:
            ins.append((round(float(k) * DT, 10), port, float(w * counts[k])))
    ins.sort(key=lambda x: (x[0], x[1]))
    return ins


def main():
    case = dict(
        name="hh_traub_network_drive", model="hh_traub", params={}, t_end=T,
        y0=[-65.0, 0.0, 0.0, 0.0, 40.0, 200.0],
        initial={"V_m": -65.0, "m": 0.0, "h": 0.0, "n": 0.0, "g_ex": 40.0, "g_in": 200.0},
        current_times=[], current_values=[], inputs=make_inputs(),
    )
    case["grid"] = [round(DT * k, 10) for k in range(int(round(T / DT)) + 1)]
    model = Traub()
    V, spikes = simulate(model, case, "DOP853", 1e-12, 1e-12)
    Vc, spikes_c = simulate(model, case, "Radau", 1e-10, 1e-12)
    if len(spikes) != len(spikes_c):
        raise RuntimeError("DOP853 and Radau disagree on the spike count")
    dV = float(np.max(np.abs(V - Vc)))
    ds = float(max((abs(a - b) for a, b in zip(spikes, spikes_c)), default=0.0))
    print(f"{case['name']}: {len(case['inputs'])} input steps, spikes {len(spikes)}, max|dV| DOP853-Radau "
          f"{dV:.2e} mV, max|dt_spike| {ds:.2e} ms", file=sys.stderr)
    out = {
        "description": "GENERATED SciPy reference: hh_traub under COBAHH-like Poisson drive (see generator docstring)",
        "case": {
            "name": case["name"], "model": case["model"], "params": case["params"], "initial": case["initial"],
            "t_end": T, "inputs": [list(x) for x in case["inputs"]],
            "V_m": [float(x) for x in V], "spike_times": spikes,
            "check": {"max_abs_dV_dop853_vs_radau_mV": dV, "max_abs_dspike_dop853_vs_radau_ms": ds},
        },
        "provenance": {
            "generator": "tests/data/models/make_traub_network_reference.py",
            "date": date.today().isoformat(),
            "reference_integrator": "scipy solve_ivp DOP853 rtol 1e-12 atol 1e-12, restarted at discontinuities",
            "check_integrator": "scipy solve_ivp Radau rtol 1e-10 atol 1e-12",
            "environment": {"python": platform.python_version(), "numpy": np.__version__, "scipy": scipy.__version__,
                            "platform": platform.platform()},
        },
    }
    with open(os.path.join(HERE, "traub_network_reference.json"), "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
