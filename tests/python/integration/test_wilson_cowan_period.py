"""Wilson-Cowan oscillator: period vs external drive and the onset of oscillation, against the SciPy
reference in tests/data/wholebrain/wc_period_reference.json (make_wc_period_reference.py)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from brainsim.connectome import Connectome
from brainsim.wholebrain import WholeBrain

REF = json.loads((Path(__file__).parents[2] / "data" / "wholebrain" / "wc_period_reference.json").read_text())
DT = 0.005  # ms


def single_node(exc_ext, x0, dt=DT, record=None):
    con = Connectome.from_arrays([[0.0]], [[0.0]])
    return WholeBrain(con, "wilson_cowan", params={"exc_ext": exc_ext}, dt=dt, integrator="rk4",
                      initial_state=x0, record_interval=record or dt)


def upward_crossings(t, x, level):
    """Times where x crosses `level` upwards, located with the cubic through 4 samples (O(dt^4))."""
    k = np.nonzero((x[1:-2] < level) & (x[2:-1] >= level))[0] + 1
    out = []
    for i in k:
        tt, xx = t[i - 1:i + 3], x[i - 1:i + 3]
        c = np.polyfit(tt - t[i], xx - level, 3)
        roots = np.roots(c)
        r = [z.real + t[i] for z in roots if abs(z.imag) < 1e-12 and -1e-12 <= z.real <= t[i + 1] - t[i] + 1e-12]
        out.append(r[0])
    return np.array(out)


@pytest.mark.parametrize("cyc", REF["cycles"], ids=lambda c: f"P={c['exc_ext']:.4f}")
def test_period_matches_scipy(cyc):
    n_cycles = 8
    T_ref = cyc["period_ms"]
    wb = single_node(cyc["exc_ext"], [cyc["E0"], cyc["I0"]])  # start on the reference limit cycle
    res = wb.run(n_cycles * T_ref + 2.0)
    e = res.output[:, 0]
    tc = upward_crossings(res.t, e, cyc["E0"])
    tc = tc[tc > T_ref / 2]  # the start point is the 0th crossing
    assert len(tc) >= n_cycles
    period = tc[n_cycles - 1] / n_cycles
    assert period == pytest.approx(T_ref, rel=1e-6)


@pytest.mark.parametrize("side", [-1, +1])
def test_oscillation_starts_at_the_hopf_point(side):
    """Just below the reference Hopf drive a perturbation dies out, just above it grows to a cycle."""
    hopf = REF["hopf_points"][0]
    P = hopf["exc_ext"] + side * 0.01
    x0 = [hopf["E"] + 0.01, hopf["I"]]
    wb = single_node(P, x0, dt=0.05, record=0.5)
    e = wb.run(4000.0).output[:, 0]
    amp_early = np.ptp(e[200:400])    # 100-200 ms
    amp_late = np.ptp(e[-200:])       # last 100 ms
    if side < 0:
        assert amp_late < 0.05 * amp_early
    else:
        assert amp_late > 0.02                  # a limit cycle of finite amplitude
        assert amp_late > 0.5 * amp_early


def test_period_near_onset_approaches_linear_frequency():
    hopf = REF["hopf_points"][0]
    near = REF["cycles"][0]
    assert near["exc_ext"] - hopf["exc_ext"] < 0.01
    assert near["period_ms"] == pytest.approx(hopf["period_ms_linear"], rel=0.01)
