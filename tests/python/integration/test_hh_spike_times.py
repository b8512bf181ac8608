"""HH spike times under step currents 2.5 ... 50 uA/cm2 against tests/data/hh/hh_step_spikes.json
(SciPy DOP853 rtol 1e-12, checked against Radau rtol 1e-11; generator make_hh_reference.py).
At rtol = 1e-8 the spike counts must be identical and the times within 1e-4 ms."""

import json
from pathlib import Path

import numpy as np
import pytest

from brainsim.solve import problem_info, solve

REF = json.loads((Path(__file__).resolve().parents[2] / "data" / "hh" / "hh_step_spikes.json").read_text())


def test_model_definition_matches_reference():
    info = problem_info("hh")
    p = {k: v for k, v, *_ in info["params"]}
    m = REF["model"]["parameters"]
    assert (p["C_m"], p["g_Na"], p["g_K"], p["g_L"]) == (m["C_m_pF"], m["g_Na_nS"], m["g_K_nS"], m["g_L_nS"])
    assert (p["E_Na"], p["E_K"], p["E_L"], p["celsius"]) == (m["E_Na_mV"], m["E_K_mV"], m["E_L_mV"], m["celsius_degC"])
    proto = REF["protocol"]
    assert (p["t_on"], p["t_off"], info["t_end"]) == (proto["t_on_ms"], proto["t_off_ms"], proto["t_end_ms"])
    s = REF["initial_state"]
    np.testing.assert_allclose(info["y0"], [s["V_mV"], s["m"], s["h"], s["n"]], rtol=1e-14)


@pytest.mark.parametrize(
    "method",
    ["rodas4", "rodas3", "ros2", "ros3p"])
def test_spike_times_at_rtol_1e8(method):
    worst = 0.0
    for res in REF["results"]:
        r = solve("hh", method, rtol=1e-8, atol=1e-8, params={"amplitude": res["amplitude_pA"]}, record=False)
        ref = np.array(res["spike_times_ms"])
        assert len(r.spikes) == res["n_spikes"], res["amplitude_uA_per_cm2"]
        if len(ref):
            worst = max(worst, float(np.max(np.abs(r.spikes - ref))))
        fs = res["final_state_t150"]
        np.testing.assert_allclose(r.y_end, [fs["V_mV"], fs["m"], fs["h"], fs["n"]], rtol=1e-4, atol=1e-4)
    assert worst <= 1e-4, worst
