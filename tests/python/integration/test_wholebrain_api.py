"""WholeBrain API: model registry, bad input, interventions, saving."""

from __future__ import annotations

import json

import h5py
import numpy as np
import pytest

from brainsim.connectome import Connectome
from brainsim.errors import ConfigError, DelayError, NumericalError, UnknownModelError
from brainsim.observe import BOLD, EEG
from brainsim.wholebrain import Coupling, Lesion, Noise, Stimulus, WholeBrain, node_models

W = np.array([[0.0, 1.0, 0.5], [1.0, 0.0, 0.2], [0.5, 0.2, 0.0]])
L = np.array([[0.0, 10.0, 20.0], [10.0, 0.0, 15.0], [20.0, 15.0, 0.0]])


def small(**kw):
    return WholeBrain(Connectome.from_arrays(W, L, ["a", "b", "c"]), **kw)


def test_model_registry_lists_params_units_defaults():
    m = node_models()
    assert set(m) == {"wilson_cowan", "jansen_rit", "hopf"}
    assert m["wilson_cowan"]["params"]["tau_exc"][:2] == (2.5, "ms")
    assert m["jansen_rit"]["params"]["A"][:2] == (3.25, "mV")
    assert m["jansen_rit"]["params"]["b"][:2] == (0.05, "1/ms")
    assert m["hopf"]["states"] == ["x", "y"]


def test_unknown_model_and_parameter():
    with pytest.raises(UnknownModelError, match="jansen_rit") as e:
        small(node="wilson_cowen")
    assert "wilson_cowan" in str(e.value) and isinstance(e.value, KeyError)
    with pytest.raises(ConfigError, match="tau_exc") as e:
        small(node="wilson_cowan", params={"tau_e": 1.0})
    assert e.value.parameter == "params"
    with pytest.raises(ConfigError, match=r"\(3,\)"):
        small(params={"exc_ext": [1.0, 2.0]})


@pytest.mark.parametrize("kw,param", [
    ({"dt": 0.0}, "dt"), ({"dt": float("nan")}, "dt"), ({"velocity": -1.0}, "velocity"),
    ({"integrator": "rk45"}, "integrator"), ({"coupling": "strong"}, "coupling"),
    ({"coupling": {"kind": "cubic"}}, "coupling.kind"), ({"noise": {"sigma": -1.0}}, "noise.sigma"),
    ({"record_interval": 0.15}, "record_interval"), ({"initial_state": [1.0, 2.0, 3.0]}, "initial_state"),
    ({"seed": -1}, "seed"),
])
def test_bad_arguments(kw, param):
    with pytest.raises(ConfigError) as e:
        small(**kw)
    assert e.value.parameter == param


def test_rk4_rejects_white_noise_and_nonfinite_params_rejected():
    with pytest.raises(ConfigError, match="heun"):
        small(noise=0.1, integrator="rk4").run(10.0)
    with pytest.raises(ConfigError, match="tau_exc"):
        small(params={"tau_exc": np.inf}).run(10.0)


def test_zero_delay_is_a_delay_error():
    wb = small(velocity=1000.0, dt=0.1)  # 10 mm at 1000 mm/ms = 0.01 ms < dt/2
    with pytest.raises(DelayError, match="a -> b|b -> a") as e:
        wb.run(10.0)
    assert e.value.parameter == "delay"


def test_divergence_is_a_numerical_error():
    wb = small(node="hopf", params={"a": 5.0}, coupling=Coupling("linear", a=50.0), dt=0.5)
    with pytest.raises(NumericalError, match="non-finite"):
        wb.run(200.0)


def test_lesioned_node_is_disconnected():
    # node c gets input only through its edges; lesioning a and b leaves it at its uncoupled trajectory
    base = dict(node="wilson_cowan", params={"exc_ext": [1.0, 1.5, 0.0]}, coupling=2.0, record_interval=0.5)
    alone = WholeBrain(Connectome.from_arrays(np.zeros((3, 3)), L), **base).run(100.0).output[:, 2]
    coupled = small(**base).run(100.0).output[:, 2]
    les = small(**base).intervene(Lesion(nodes=["a", 1])).run(100.0).output[:, 2]
    assert not np.array_equal(coupled, alone)
    np.testing.assert_array_equal(les, alone)
    wb = small(**base).intervene(Lesion(edges=[("a", "c"), ("b", "c")]))
    assert wb.effective_weights()[2].sum() == 0.0 and wb.effective_weights()[0, 1] == 1.0
    np.testing.assert_array_equal(wb.run(100.0).output[:, 2], alone)


def test_stimulus_window():
    base = dict(node="hopf", params={"a": -0.05, "omega": 0.0}, coupling=0.0, record_interval=0.1, dt=0.01,
                initial_state=[0.0, 0.0])
    out = small(**base).intervene(Stimulus(nodes=["b"], amplitude=1.0, start=5.0, stop=6.0)).run(20.0).output
    t = np.arange(out.shape[0]) * 0.1
    assert np.all(out[t <= 5.0] == 0.0)
    assert np.all(out[:, [0, 2]] == 0.0)
    # during the pulse x' = -0.05 x - x^3 + 1, afterwards the same without the 1
    from scipy.integrate import solve_ivp
    on = solve_ivp(lambda _, x: -0.05 * x - x**3 + 1.0, (0, 1.0), [0.0], rtol=1e-12, atol=1e-14).y[0, -1]
    off = solve_ivp(lambda _, x: -0.05 * x - x**3, (0, 4.0), [on], rtol=1e-12, atol=1e-14).y[0, -1]
    assert out[60, 1] == pytest.approx(on, rel=1e-8)
    assert out[100, 1] == pytest.approx(off, rel=1e-8)
    with pytest.raises(ConfigError, match="region label"):
        small().intervene(Stimulus(nodes=["zz"], amplitude=1.0))
    with pytest.raises(ConfigError, match="stop"):
        small().intervene(Stimulus(nodes=[0], amplitude=1.0, start=5.0, stop=1.0))


def test_result_shapes_and_save(tmp_path):
    wb = small(node="jansen_rit", noise=Noise("additive", 0.05), seed=2, record_states=True)
    wb.observe(BOLD(tr=100.0), EEG(leadfield=np.eye(3)[:2], reference=None, snr_db=20.0))
    r = wb.run(500.0)
    assert r.output.shape == (501, 3) and r.states.shape == (501, 3, 6) and r.t[-1] == 500.0
    np.testing.assert_allclose(r.output, r.states[:, :, 1] - r.states[:, :, 2])
    assert r["bold"].data.shape == (5, 3)
    eeg = r["eeg"].data
    assert eeg.shape == (501, 2)
    snr = 10 * np.log10(np.var(r.output[:, :2], axis=0) / np.var(eeg - r.output[:, :2], axis=0))
    np.testing.assert_allclose(snr, 20.0, atol=0.6)
    with pytest.raises(KeyError, match="bold"):
        r["meg"]
    r.save(tmp_path / "x.h5")
    with h5py.File(tmp_path / "x.h5") as f:
        np.testing.assert_array_equal(f["output"][()], r.output)
        assert json.loads(f.attrs["config"])["node"] == "jansen_rit"
        assert f["labels"][()].tolist() == [b"a", b"b", b"c"]


def test_observer_errors():
    with pytest.raises(ConfigError, match="unique"):
        small().observe(BOLD(), BOLD())
    with pytest.raises(ConfigError, match="no region centres"):
        small().observe(EEG()).run(10.0)
    with pytest.raises(ConfigError, match=r"\(n_sensors, 3\)"):
        small().observe(EEG(leadfield=np.ones((4, 2)))).run(10.0)
