"""Adaptive exponential IF (`adex`, NEST aeif_cond_exp defaults) against an independent SciPy
integration (tests/data/models/make_models_reference.py: DOP853 rtol 1e-12 with V as the
independent variable near the blow-up; cases ``adex_default`` and ``adex_refractory``), the
analytic leaky-IF limit (Delta_T = 0), and checks of the spike-time handling at the blow-up.

Measured at dt = 0.1 ms: rtol 1e-6 (default) spike times within 2e-5 ms (default case) and
5e-5 ms (refractory case); rtol 1e-8 within 6e-7 ms.
"""

import json
import math
from pathlib import Path

import numpy as np
import pytest

import brainsim as bs

DATA = Path(__file__).resolve().parents[2] / "data"
CASES = {c["name"]: c for c in json.loads((DATA / "models" / "models_reference.json").read_text())["cases"]}


def _run(case, **extra):
    params = dict(case["params"], **extra)
    return bs.simulate_neuron("adex", params, current=(case["current_times"], case["current_values"]),
                              inputs=[tuple(x) for x in case["inputs"]], t_end=case["t_end"], dt=0.1,
                              record=["V_m", "w"])


@pytest.mark.parametrize("name", ["adex_default", "adex_refractory"])
@pytest.mark.parametrize(("rtol", "tol_t"), [(1e-6, 2e-4), (1e-8, 5e-6)])
def test_spike_times_match_scipy(name, rtol, tol_t):
    case = CASES[name]
    r = _run(case, rtol=rtol)
    ref = np.array(case["spike_times"])
    assert ref.size >= 5
    assert r.spike_count == ref.size
    np.testing.assert_allclose(r.spike_times, ref, rtol=0, atol=tol_t)


def test_subthreshold_trace_matches_scipy():
    case = CASES["adex_default"]
    r = _run(case, rtol=1e-8)
    ref = np.array(case["V_m"])
    # compare away from the upstrokes, where a time error turns into a large voltage error
    calm = np.ones(ref.size, bool)
    for ts in case["spike_times"]:
        calm &= np.abs(r.t - ts) > 1.0
    np.testing.assert_allclose(r["V_m"][calm], ref[calm], rtol=0, atol=1e-4)


def test_spike_time_is_insensitive_to_v_peak_beyond_the_blow_up():
    # V diverges in finite time: from V = 0 mV the rest of the way to infinity takes
    # ~ C/(g_L e^((0 - V_th)/Delta_T)) ~ 1e-10 ms, so V_peak = 0, 10 or 30 mV give the same train.
    # At V_peak = 30 mV dV/dt there is ~1e16 mV/ms: only the change of variables gets there.
    case = CASES["adex_default"]
    trains = [_run(case, V_peak=vp, rtol=1e-10).spike_times for vp in (0.0, 10.0, 30.0)]
    assert trains[0].size == trains[1].size == trains[2].size >= 5
    np.testing.assert_allclose(trains[1], trains[0], rtol=0, atol=1e-7)
    np.testing.assert_allclose(trains[2], trains[0], rtol=0, atol=1e-7)


def test_reset_and_adaptation_jump():
    case = CASES["adex_default"]
    p = dict(case["params"], rtol=1e-9)
    r = bs.simulate_neuron("adex", p, current=bs.StepCurrent(800.0, 10.0, 210.0), t_end=250.0, dt=0.01,
                           record=["V_m", "w"])
    assert r.spike_count >= 3
    for ts in r.spike_times:
        k = int(math.floor(ts / 0.01))  # recording k is the state at t = k dt
        dw = r["w"][k + 1] - r["w"][k]
        assert dw == pytest.approx(80.5, abs=0.5)  # b, plus < 0.5 pA of drift over 10 us
        assert r["V_m"][k + 1] < -55.0  # reset to V_reset = -60 mV, then relaxing for < dt
    # adaptation: inter-spike intervals grow
    isi = np.diff(r.spike_times)
    assert np.all(np.diff(isi) > 0)


def test_delta_t_zero_is_the_leaky_if_limit():
    C, gL, EL, Vth, Vr, tref, I = 281.0, 30.0, -70.6, -50.4, -60.0, 2.0, 900.0
    p = {"Delta_T": 0.0, "a": 0.0, "b": 0.0, "t_ref": tref, "rtol": 1e-10}
    r = bs.simulate_neuron("adex", p, current=I, t_end=100.0, dt=0.1)
    tau, Vinf = C / gL, EL + I / gL
    t1 = tau * math.log((Vinf - EL) / (Vinf - Vth))
    T = tref + tau * math.log((Vinf - Vr) / (Vinf - Vth))
    expected = t1 + T * np.arange(r.spike_count)
    assert r.spike_count == int((100.0 - t1) // T) + 1
    np.testing.assert_allclose(r.spike_times, expected, rtol=0, atol=1e-7)


def test_bad_parameters():
    with pytest.raises(bs.ConfigError, match="V_peak"):
        bs.simulate_neuron("adex", {"V_peak": -60.0}, t_end=1.0)
    with pytest.raises(bs.ConfigError, match="V_reset"):
        bs.simulate_neuron("adex", {"V_reset": 5.0}, t_end=1.0)
    with pytest.raises(bs.ConfigError, match="Delta_T"):
        bs.simulate_neuron("adex", {"Delta_T": -1.0}, t_end=1.0)
    with pytest.raises(bs.ConfigError, match="Delta_T"):
        bs.simulate_neuron("adex", {"Delta_T": 0.01, "V_peak": 20.0}, t_end=1.0)
