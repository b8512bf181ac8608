"""Stiffness of the HH neuron: explicit methods at dt = 0.1 ms fail visibly, and at a matched
spike-time accuracy the adaptive Rosenbrock run needs less work than the cheapest stable RK4.

Work is counted in rhs evaluations, an analytic Jacobian counting as n = 4 (what finite
differences would cost); no timing is asserted (wall times: benchmarks/bench_work_precision.py).
"""

import json
from pathlib import Path

import numpy as np
import pytest

from brainsim.errors import NumericalError
from brainsim.solve import solve

REF = json.loads((Path(__file__).resolve().parents[2] / "data" / "hh" / "hh_step_spikes.json").read_text())


def run_protocol(method, **kw):
    """All step currents; returns (all counts right, worst |dt_spike| in ms, rhs-equivalent work)."""
    counts_ok, worst, work = True, 0.0, 0.0
    for res in REF["results"]:
        r = solve("hh", method, params={"amplitude": res["amplitude_pA"]}, record=False, **kw)
        work += r.rhs_equivalent()
        ref = np.array(res["spike_times_ms"])
        if len(r.spikes) != len(ref):
            counts_ok = False
        elif len(ref):
            worst = max(worst, float(np.max(np.abs(r.spikes - ref))))
    return counts_ok, worst, work


@pytest.mark.parametrize("method", ["euler", "rk4"])
def test_explicit_methods_blow_up_at_dt_0p1(method):
    with pytest.raises(NumericalError, match="non-finite"):
        run_protocol(method, h=0.1)


def test_exponential_euler_at_dt_0p1_gets_spike_counts_wrong():
    ok, worst, _ = run_protocol("exp_euler", h=0.1)
    assert not ok


def test_rosenbrock_cheaper_than_stable_rk4_at_same_accuracy():
    # Accuracy target: all spike counts right and spike times within 0.06 ms.
    target = 0.06
    ok, err_ros, work_ros = run_protocol("rodas4", rtol=1e-4, atol=1e-4)
    assert ok and err_ros <= target
    # RK4: the largest step on a grid that is stable and meets the target.
    best = None
    for h in [0.1, 0.09, 0.08, 0.075, 0.07, 0.06, 0.05]:
        try:
            ok, err, work = run_protocol("rk4", h=h)
        except NumericalError:
            continue
        if ok and err <= target:
            best = (h, work)
            break
    assert best is not None
    assert best[0] <= 0.08  # stability, not accuracy, limits RK4 here
    assert work_ros < best[1], (work_ros, best)
