"""brainsim.simulate_neuron / brainsim.neuron: result shapes, model description, bad input."""

import math

import numpy as np
import pytest

import brainsim as bs
from brainsim import neuron

MINE = ["hh", "hh_traub", "adex", "lif_multisyn"]


def test_models_are_registered_with_units_and_defaults():
    names = neuron.model_names()
    for m in MINE:
        assert m in names
    info = neuron.model_info("hh")
    assert info["parameters"]["C_m"] == {"unit": "pF", "default": 100.0, "constraint": "positive",
                                         "doc": "membrane capacitance"}
    assert info["parameters"]["g_Na"]["default"] == 12000.0
    assert info["parameters"]["g_K"]["default"] == 3600.0
    assert info["parameters"]["g_L"]["default"] == 30.0
    assert info["parameters"]["celsius"]["default"] == 6.3
    assert info["methods"] == ["adaptive", "exp_euler", "rk23"]
    assert neuron.model_info("hh_traub")["methods"] == ["rk23", "adaptive", "exp_euler"]
    assert info["receptors"]["exc"] == {"kind": "conductance", "weight_unit": "nS"}
    assert set(neuron.model_info("lif_multisyn")["receptors"]) == {
        "ampa", "gaba_a", "gaba_b", "nmda", "current_exp", "current_alpha"}
    traub = neuron.model_info("hh_traub")["parameters"]
    assert (traub["C_m"]["default"], traub["g_L"]["default"], traub["V_T"]["default"]) == (200.0, 10.0, -63.0)
    assert (traub["tau_syn_ex"]["default"], traub["tau_syn_in"]["default"]) == (5.0, 10.0)


@pytest.mark.parametrize("model", MINE)
def test_result_shapes(model):
    info = neuron.model_info(model)
    rec = list(info["state_vars"])[:3]
    r = bs.simulate_neuron(model, t_end=2.0, dt=0.1, record=rec, record_every=5)
    assert r.t.shape == (5,)
    np.testing.assert_allclose(r.t, [0.0, 0.5, 1.0, 1.5, 2.0])
    assert list(r.traces) == rec
    for v in r.traces.values():
        assert v.shape == (5,) and v.dtype == np.float64
    assert r.spike_times.dtype == np.float64 and r.spike_times.ndim == 1
    assert r.steps == 20
    assert r.params["rtol"] == info["parameters"]["rtol"]["default"]


def test_step_currents_add_up():
    # two overlapping pulses on a passive membrane = one with the summed amplitude in the overlap
    p = {"V_th": 100.0}
    a = bs.simulate_neuron("lif_multisyn", p, current=[bs.StepCurrent(100.0, 1.0, 5.0),
                                                       bs.StepCurrent(50.0, 3.0, 8.0)], t_end=10.0, dt=0.1)
    b = bs.simulate_neuron("lif_multisyn", p, current=([1.0, 3.0, 5.0, 8.0], [100.0, 150.0, 50.0, 0.0]),
                           t_end=10.0, dt=0.1)
    np.testing.assert_array_equal(a["V_m"], b["V_m"])


def test_constant_current_and_input_at_grid_time():
    r = bs.simulate_neuron("lif_multisyn", {"V_th": 100.0}, current=167.0, t_end=300.0, dt=0.1)
    assert r["V_m"][-1] == pytest.approx(-70.0 + 167.0 / 16.7, abs=1e-6)
    r = bs.simulate_neuron("lif_multisyn", {"V_th": 100.0}, inputs=[(1.0, "current_exp", 100.0)], t_end=2.0, dt=0.1)
    assert np.all(r["V_m"][:11] == -70.0) and r["V_m"][12] > -70.0


def test_unknown_model():
    with pytest.raises(bs.UnknownModelError, match="hh_traub") as e:
        bs.simulate_neuron("hodgkin", t_end=1.0)
    assert isinstance(e.value, KeyError)
    with pytest.raises(bs.UnknownModelError):
        neuron.model_info("nope")


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"params": {"gNa": 1.0}}, "g_Na"),                          # unknown name lists the allowed
        ({"params": {"C_m": -1.0}}, "C_m"),
        ({"params": {"C_m": math.nan}}, "C_m"),
        ({"params": {"g_K": math.inf}}, "g_K"),
        ({"params": {"rtol": 0.5}}, "rtol"),
        ({"params": {"C_m": "big"}}, "C_m"),
        ({"inputs": [(1.0, "ampa", 1.0)]}, "exc, inh"),               # unknown receptor
        ({"inputs": [(1.0, "exc", -1.0)]}, "inputs.weight"),          # negative conductance
        ({"inputs": [(1.05, "exc", 1.0)]}, "multiple of dt"),         # off the grid
        ({"inputs": [(-1.0, "exc", 1.0)]}, "inputs.time"),
        ({"inputs": [(100.0, "exc", 1.0)]}, "t_end"),                 # after the end
        ({"inputs": [(1.0, "exc")]}, "triples"),
        ({"current": ([1.0, 0.5], [1.0, 2.0])}, "non-decreasing"),
        ({"current": ([1.0], [math.nan])}, "current.values"),
        ({"current": "strong"}, "current"),
        ({"method": "rk4"}, "adaptive, exp_euler, rk23"),
        ({"record": ["V"]}, "V_m"),
        ({"initial": {"Vm": -60.0}}, "V_m"),
        ({"t_end": 10.05}, "multiple of dt"),
        ({"dt": 0.0}, "dt"),
        ({"dt": -0.1}, "dt"),
        ({"t_end": -1.0}, "t_end"),
        ({"record_every": 0}, "record_every"),
    ],
)
def test_bad_input_raises_config_error(kwargs, fragment):
    args = {"t_end": 10.0, "dt": 0.1}
    args.update(kwargs)
    with pytest.raises(bs.ConfigError, match=fragment):
        bs.simulate_neuron("hh", **args)


def test_step_current_validation():
    with pytest.raises(bs.ConfigError, match="stop"):
        bs.StepCurrent(1.0, start=5.0, stop=1.0)
    with pytest.raises(bs.ConfigError, match="amplitude"):
        bs.StepCurrent(math.nan)


def test_error_names_model_and_allowed_range():
    with pytest.raises(bs.ConfigError) as e:
        bs.simulate_neuron("lif_multisyn", {"tau_ampa": 0.0}, t_end=1.0)
    msg = str(e.value)
    assert "lif_multisyn" in msg and "tau_ampa" in msg and "> 0" in msg


def test_result_getitem_unrecorded():
    r = bs.simulate_neuron("hh", t_end=1.0)
    with pytest.raises(bs.ConfigError, match="recorded: V_m"):
        r["m"]
