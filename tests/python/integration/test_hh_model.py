"""Classic Hodgkin-Huxley (`hh`): rest, f-I behaviour and temperature against independent references.

References (generated outside brainsim, scripts kept beside the data):
* tests/data/hh/hh_step_spikes.json — SciPy DOP853 rtol 1e-12 (checked with Radau rtol 1e-11) spike
  times for step currents of 2.5 ... 50 uA/cm^2 (x 100 pA), from the gate steady state at -65 mV.
* tests/data/models/models_reference.json, case ``hh_q10`` — celsius = 16.3 (q10 = 3), SciPy DOP853.

Tolerances follow from the scheme: the default "adaptive" method sub-steps each network step with
an error-controlled Dormand-Prince 5(4) pair and locates the 0 mV crossing on the Hermite
interpolant of the accepted sub-step, so its spike times do not depend on dt and their error
scales with rtol (measured: 2e-6 ms at rtol 1e-6, 3e-8 ms at rtol 1e-8, at dt = 0.01, 0.025 and
0.1 ms). "exp_euler" (Brian2's scheme) is first order: at dt = 0.01 ms it keeps the spike counts
but the train drifts by up to 0.7 ms over 100 ms; at dt = 0.1 ms it loses a spike at 50 uA/cm^2.
"""

import json
import math
from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import brentq

import brainsim as bs

DATA = Path(__file__).resolve().parents[2] / "data"
REF = json.loads((DATA / "hh" / "hh_step_spikes.json").read_text())
MODELS = json.loads((DATA / "models" / "models_reference.json").read_text())
INIT = {
    "V_m": REF["initial_state"]["V_mV"],
    "m": REF["initial_state"]["m"],
    "h": REF["initial_state"]["h"],
    "n": REF["initial_state"]["n"],
}


def _steady_current(V):
    """Net membrane current (pA, outward positive) with gates at steady state; hh.mod rates."""
    def vtrap(x, y):
        return y * (1 - x / y / 2) if abs(x / y) < 1e-6 else x / (math.exp(x / y) - 1)
    am, bm = 0.1 * vtrap(-(V + 40), 10), 4 * math.exp(-(V + 65) / 18)
    ah, bh = 0.07 * math.exp(-(V + 65) / 20), 1 / (math.exp(-(V + 35) / 10) + 1)
    an, bn = 0.01 * vtrap(-(V + 55), 10), 0.125 * math.exp(-(V + 65) / 80)
    m, h, n = am / (am + bm), ah / (ah + bh), an / (an + bn)
    return 12000 * m**3 * h * (V - 50) + 3600 * n**4 * (V + 77) + 30 * (V + 54.3)


def test_rest_is_the_equilibrium_and_stays_put():
    V_rest = brentq(_steady_current, -70.0, -60.0, xtol=1e-13)
    r = bs.simulate_neuron("hh", t_end=100.0, dt=0.1, record=["V_m", "m", "h", "n"])
    assert r["V_m"][0] == pytest.approx(V_rest, abs=1e-9)
    assert -66.0 < V_rest < -64.0  # modern convention: rest near -65 mV
    assert np.max(np.abs(r["V_m"] - V_rest)) < 1e-8
    assert r.spike_count == 0


@pytest.mark.parametrize("dt", [0.01, 0.025])
@pytest.mark.parametrize(("rtol", "tol_ms"), [(1e-8, 1e-6), (1e-6, 2e-5)])
def test_step_current_spike_times_match_reference(dt, rtol, tol_ms):
    for case in REF["results"]:
        r = bs.simulate_neuron(
            "hh", {"rtol": rtol}, current=bs.StepCurrent(case["amplitude_pA"], 10.0, 110.0),
            t_end=150.0, dt=dt, initial=INIT,
        )
        ref = np.array(case["spike_times_ms"])
        assert r.spike_count == ref.size, case["amplitude_pA"]
        np.testing.assert_allclose(r.spike_times, ref, rtol=0, atol=tol_ms)
        assert r["V_m"][-1] == pytest.approx(case["final_state_t150"]["V_mV"], abs=1e-6)


def test_f_i_curve_is_monotone_and_has_a_threshold():
    counts = [c["n_spikes"] for c in REF["results"]]
    got = []
    for case in REF["results"]:
        r = bs.simulate_neuron("hh", current=bs.StepCurrent(case["amplitude_pA"], 10.0, 110.0), t_end=150.0,
                               dt=0.1, initial=INIT)
        got.append(r.spike_count)
    assert got == counts
    assert got[0] == 1 and got[-1] > got[1]  # 2.5 uA/cm^2: one onset spike only; repetitive above


def test_exp_euler_keeps_counts_at_small_dt_but_drifts():
    worst = 0.0
    for case in REF["results"]:
        r = bs.simulate_neuron("hh", current=bs.StepCurrent(case["amplitude_pA"], 10.0, 110.0), t_end=150.0,
                               dt=0.01, initial=INIT, method="exp_euler")
        ref = np.array(case["spike_times_ms"])
        assert r.spike_count == ref.size
        worst = max(worst, float(np.max(np.abs(r.spike_times - ref))))
    assert 0.05 < worst < 1.5  # first order: visibly worse than "adaptive", still the same train


def test_temperature_q10_against_scipy():
    case = next(c for c in MODELS["cases"] if c["name"] == "hh_q10")
    r = bs.simulate_neuron("hh", case["params"], current=(case["current_times"], case["current_values"]),
                           inputs=[tuple(x) for x in case["inputs"]], t_end=case["t_end"], dt=0.1,
                           initial=case["initial"])
    ref_spikes = np.array(case["spike_times"])
    assert r.spike_count == ref_spikes.size
    np.testing.assert_allclose(r.spike_times, ref_spikes, rtol=0, atol=2e-5)
    np.testing.assert_allclose(r["V_m"], case["V_m"], rtol=0, atol=5e-3)
    # and the temperature matters: at 6.3 degC the same protocol gives a different train
    cold = bs.simulate_neuron("hh", current=(case["current_times"], case["current_values"]), t_end=case["t_end"],
                              dt=0.1, initial=case["initial"])
    assert cold.spike_count != r.spike_count or np.max(np.abs(cold.spike_times - r.spike_times)) > 0.5
