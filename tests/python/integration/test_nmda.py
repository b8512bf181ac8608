"""NMDA receptor port of `lif_multisyn`: the Jahr & Stevens (1990) Mg2+ block
B(V) = 1 / (1 + [Mg]/3.57 mM exp(-0.062 V)) as seen by the neuron, and NMDA EPSPs and a mixture of
all ports (tau from 0.1 ms AMPA to 100 ms NMDA in one neuron) against independent SciPy
integrations (tests/data/models/make_models_reference.py, DOP853 rtol 1e-12)."""

import json
import math
from pathlib import Path

import numpy as np
import pytest

import brainsim as bs

DATA = Path(__file__).resolve().parents[2] / "data"
CASES = {c["name"]: c for c in json.loads((DATA / "models" / "models_reference.json").read_text())["cases"]}


def _jahr_stevens(V, mg):
    return 1.0 / (1.0 + mg / 3.57 * math.exp(-0.062 * V))


def _biexp_integral(w, tr, td, T):
    tp = td * tr / (td - tr) * math.log(td / tr)
    norm = 1.0 / (math.exp(-tp / td) - math.exp(-tp / tr))
    return w * norm * (td * -math.expm1(-T / td) - tr * -math.expm1(-T / tr))


@pytest.mark.parametrize("mg", [0.0, 1.0, 2.0])
def test_mg_block_curve_measured_through_the_membrane(mg):
    # Quasi voltage clamp: a huge capacitance keeps V at V_hold (it moves by < 1e-4 mV), the leak
    # reverses at V_hold, so the charge delivered by one NMDA event is
    # C dV = B(V_hold) (E_nmda - V_hold) * integral of g_nmda -> measured B.
    C, w, T = 1e8, 10.0, 60.0
    for V_hold in (-100.0, -80.0, -60.0, -40.0, -30.0, -20.0, -10.0, 20.0, 40.0):
        p = {"C_m": C, "g_L": 1e-9, "E_L": V_hold, "V_reset": -1e3, "V_th": 1e3, "Mg": mg}
        r = bs.simulate_neuron("lif_multisyn", p, inputs=[(0.0, "nmda", w)], t_end=T, dt=0.1,
                               initial={"V_m": V_hold})
        dV = r["V_m"][-1] - V_hold
        assert abs(dV) < 1e-3
        B = dV * C / ((0.0 - V_hold) * _biexp_integral(w, 2.0, 100.0, T))
        assert B == pytest.approx(_jahr_stevens(V_hold, mg), rel=2e-4), V_hold


def test_mg_block_half_point():
    # With 1 mM Mg2+ half of the NMDA conductance is blocked at V = -ln(3.57)/0.062 = -20.5 mV.
    V_half = -math.log(3.57) / 0.062
    assert _jahr_stevens(V_half, 1.0) == pytest.approx(0.5)
    C, w, T = 1e8, 10.0, 60.0
    p = {"C_m": C, "g_L": 1e-9, "E_L": V_half, "V_reset": -1e3, "V_th": 1e3}
    r = bs.simulate_neuron("lif_multisyn", p, inputs=[(0.0, "nmda", w)], t_end=T, dt=0.1, initial={"V_m": V_half})
    B = (r["V_m"][-1] - V_half) * C / (-V_half * _biexp_integral(w, 2.0, 100.0, T))
    assert B == pytest.approx(0.5, rel=2e-4)


@pytest.mark.parametrize("name", ["nmda_epsp_rest", "nmda_epsp_depolarised"])
def test_nmda_epsp_matches_scipy(name):
    case = CASES[name]
    r = bs.simulate_neuron("lif_multisyn", case["params"], inputs=[tuple(x) for x in case["inputs"]],
                           t_end=case["t_end"], dt=0.1, initial=case["initial"])
    np.testing.assert_allclose(r["V_m"], case["V_m"], rtol=0, atol=1e-6)


def test_nmda_epsp_grows_with_depolarisation():
    amp = {}
    for name in ("nmda_epsp_rest", "nmda_epsp_depolarised"):
        V = np.array(CASES[name]["V_m"])
        r = bs.simulate_neuron("lif_multisyn", CASES[name]["params"], inputs=[tuple(x) for x in CASES[name]["inputs"]],
                               t_end=CASES[name]["t_end"], dt=0.1, initial=CASES[name]["initial"])
        amp[name] = np.max(r["V_m"]) - r["V_m"][0]
        assert amp[name] == pytest.approx(np.max(V) - V[0], rel=1e-6)
    # less driving force (E_nmda - V) but much less block: the depolarised EPSP is larger
    assert amp["nmda_epsp_depolarised"] > 1.5 * amp["nmda_epsp_rest"]


@pytest.mark.parametrize("dt", [0.1, 0.05])
def test_all_ports_from_0p1_to_100_ms_match_scipy(dt):
    case = CASES["multisyn_all_ports"]
    r = bs.simulate_neuron("lif_multisyn", case["params"], current=(case["current_times"], case["current_values"]),
                           inputs=[tuple(x) for x in case["inputs"]], t_end=case["t_end"], dt=dt)
    step = int(round(0.1 / dt))
    np.testing.assert_allclose(r["V_m"][::step], case["V_m"], rtol=0, atol=5e-5)


def test_spiking_with_reset_matches_scipy():
    case = CASES["multisyn_spiking"]
    r = bs.simulate_neuron("lif_multisyn", case["params"], current=(case["current_times"], case["current_values"]),
                           inputs=[tuple(x) for x in case["inputs"]], t_end=case["t_end"], dt=0.1)
    ref = np.array(case["spike_times"])
    assert ref.size >= 2 and r.spike_count == ref.size
    np.testing.assert_allclose(r.spike_times, ref, rtol=0, atol=1e-6)
    np.testing.assert_allclose(r["V_m"], case["V_m"], rtol=0, atol=1e-5)


def test_nmda_time_constants_must_be_ordered():
    with pytest.raises(bs.ConfigError, match="tau_nmda_rise"):
        bs.simulate_neuron("lif_multisyn", {"tau_nmda_rise": 100.0, "tau_nmda_decay": 100.0}, t_end=1.0)
