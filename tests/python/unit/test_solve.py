"""brainsim.solve: API shape, error classes and messages, agreement with analytic solutions."""

import math

import numpy as np
import pytest

from brainsim.errors import ConfigError, NumericalError, UnknownModelError
from brainsim.solve import methods, problem_info, problems, solve


def test_lists():
    assert {"rober", "hires", "vdpol", "orego", "e5", "hh"} <= set(problems())
    assert set(methods()) == {"euler", "rk4", "exp_euler", "ros2", "ros3p", "rodas3", "rodas4"}


def test_problem_info_hh_units_and_defaults():
    info = problem_info("hh")
    assert info["components"] == ["V", "m", "h", "n"]
    params = {p[0]: (p[1], p[2]) for p in info["params"]}
    assert params["C_m"] == (100.0, "pF")
    assert params["g_Na"] == (12000.0, "nS")
    assert params["g_K"] == (3600.0, "nS")
    assert params["g_L"] == (30.0, "nS")
    assert info["y0"][0] == -65.0
    # gates at steady state at -65 mV (hh.mod rates)
    assert info["y0"][1] == pytest.approx(0.05293248525724958, rel=1e-14)


def test_result_shapes_and_stats():
    r = solve("linear_rotation", "rodas4", 1.0, rtol=1e-8, atol=1e-10, t_eval=np.linspace(0, 1, 11))
    assert r.t.shape == (11,) and r.y.shape == (11, 2) and r.y_end.shape == (2,)
    exact = np.exp(-r.t)[:, None] * np.stack([np.cos(10 * r.t), -np.sin(10 * r.t)], axis=1)
    np.testing.assert_allclose(r.y, exact, atol=1e-7)
    for k in ("rhs_evals", "jac_evals", "lu_decomps", "accepted", "rejected"):
        assert r.stats[k] >= 0
    assert r.stats["lu_decomps"] == r.stats["accepted"] + r.stats["rejected"]
    assert r.stats["jac_rhs_evals"] == 0


def test_every_step_recorded_by_default():
    r = solve("rober", "rodas4", 40.0, rtol=1e-6, atol=1e-12)
    assert r.t[0] == 0.0 and r.t[-1] == 40.0
    assert len(r.t) == r.stats["accepted"] + 1
    assert np.all(np.diff(r.t) > 0)


@pytest.mark.parametrize("method", ["ros2", "ros3p", "rodas3", "rodas4"])
def test_prothero_robinson_stiff_and_nonautonomous(method):
    r = solve("prothero_robinson", method, 2.0, rtol=1e-7, atol=1e-9, params={"lambda": -1e6})
    assert r.y_end[0] == pytest.approx(math.sin(2.0), abs=1e-5)


def test_fd_jacobian_counts_rhs():
    a = solve("hh", "rodas4", 50.0, rtol=1e-6, atol=1e-6, params={"amplitude": 1000.0}, record=False)
    b = solve("hh", "rodas4", 50.0, rtol=1e-6, atol=1e-6, params={"amplitude": 1000.0}, record=False,
              jacobian="fd")
    assert b.stats["jac_rhs_evals"] == 4 * b.stats["jac_evals"]
    np.testing.assert_allclose(a.spikes, b.spikes, atol=1e-3)


def test_unknown_problem():
    with pytest.raises(UnknownModelError, match="rober"):
        solve("robber", "rodas4")


def test_unknown_method_lists_allowed():
    with pytest.raises(ConfigError, match="'rk5'.*rodas4"):
        solve("rober", "rk5")


@pytest.mark.parametrize("rtol", [-1e-6, 0.0, float("nan"), 2.0])
def test_bad_rtol(rtol):
    with pytest.raises(ConfigError, match="rtol"):
        solve("rober", "rodas4", rtol=rtol)


def test_bad_atol_length():
    with pytest.raises(ConfigError, match="atol"):
        solve("rober", "rodas4", atol=[1e-8, 1e-8])


def test_nan_y0():
    with pytest.raises(ConfigError, match=r"nan.*y0\[1\]"):
        solve("rober", "rodas4", y0=[1.0, float("nan"), 0.0])


def test_wrong_y0_length():
    with pytest.raises(ConfigError, match="y0"):
        solve("rober", "rodas4", y0=[1.0, 0.0])


def test_fixed_step_needs_h():
    with pytest.raises(ConfigError, match="'h'"):
        solve("hh", "rk4")
    with pytest.raises(ConfigError, match="'h'"):
        solve("hh", "rk4", h=-0.01)


def test_exp_euler_needs_split():
    with pytest.raises(ConfigError, match="exp_euler"):
        solve("rober", "exp_euler", h=0.1)


def test_unknown_and_bad_params():
    with pytest.raises(ConfigError, match="g_Kx.*g_K"):
        solve("hh", params={"g_Kx": 1.0})
    with pytest.raises(ConfigError, match="C_m"):
        solve("hh", params={"C_m": -100.0})
    with pytest.raises(ConfigError, match="t_off"):
        solve("hh", params={"t_on": 50.0, "t_off": 10.0})


def test_bad_t_eval_and_events():
    with pytest.raises(ConfigError, match="t_eval"):
        solve("rober", t_end=10.0, t_eval=[0.0, 20.0])
    with pytest.raises(ConfigError, match="component"):
        solve("hh", events=[("W", 0.0)])
    with pytest.raises(ConfigError, match="direction"):
        solve("hh", events=[("V", 0.0, "sideways")])


def test_non_finite_state_is_numerical_error_with_t_and_h():
    with pytest.raises(NumericalError, match=r"t=.*h="):
        solve("hh", "euler", 150.0, h=0.1, params={"amplitude": 1000.0})


def test_hh_pulse_train_breakpoints_and_current():
    info = problem_info("hh", {"pulse_period": 20.0, "pulse_width": 1.0, "t_on": 10.0, "t_off": 70.0})
    assert info["breakpoints"] == [10.0, 11.0, 30.0, 31.0, 50.0, 51.0]
    # The current is on only inside the pulses: dV/dt jumps by amplitude / C_m exactly there.
    # A linear check with all conductances zero: V(t) = V0 + amplitude/C_m * (time spent in pulses).
    p = {"pulse_period": 20.0, "pulse_width": 1.0, "t_on": 10.0, "t_off": 70.0, "amplitude": 100.0,
         "g_Na": 0.0, "g_K": 0.0, "g_L": 0.0}
    r = solve("hh", "rodas4", 80.0, rtol=1e-10, atol=1e-10, params=p, t_eval=[10.5, 25.0, 80.0], events=[])
    np.testing.assert_allclose(r.y[:, 0], [-65.0 + 0.5, -64.0, -62.0], atol=1e-9)
    # A pulse clipped by t_off.
    info = problem_info("hh", {"pulse_period": 20.0, "pulse_width": 5.0, "t_on": 10.0, "t_off": 32.0})
    assert info["breakpoints"] == [10.0, 15.0, 30.0, 32.0]


@pytest.mark.parametrize("params,name", [({"pulse_period": 10.0, "pulse_width": 10.0}, "hh.pulse_width"),
                                         ({"pulse_period": 10.0, "pulse_width": 0.0}, "hh.pulse_width"),
                                         ({"pulse_period": -1.0}, "hh.pulse_period"),
                                         ({"pulse_period": 1e-6, "pulse_width": 1e-7}, "hh.pulse_period")])
def test_hh_pulse_parameters_validated(params, name):
    with pytest.raises(ConfigError, match=name.replace(".", r"\.")):
        solve("hh", "rodas4", params=params)


def test_controller_options():
    kw = dict(rtol=1e-6, atol=1e-6, params={"amplitude": 1000.0}, record=False)
    base = solve("hh", "rodas4", **kw)
    # Without Gustafsson's prediction the HH spikes cause more rejected steps; a small fac_max
    # (growth limit per step) forces more accepted steps. Same spikes either way.
    std = solve("hh", "rodas4", controller="standard", **kw)
    assert std.stats["rejected"] > 2 * base.stats["rejected"]
    np.testing.assert_allclose(std.spikes, base.spikes, atol=1e-2)
    # ROBER's step grows by many orders of magnitude: capping the growth per step costs steps.
    kw = dict(rtol=1e-6, atol=1e-12, record=False)
    base = solve("rober", "rodas4", 40.0, **kw)
    slow = solve("rober", "rodas4", 40.0, fac_max=1.05, **kw)
    assert slow.stats["accepted"] > 1.5 * base.stats["accepted"]
    np.testing.assert_allclose(slow.y_end, base.y_end, rtol=1e-4)
    for kw, name in [({"controller": "pid"}, "controller"), ({"safety": 1.5}, "safety"),
                     ({"fac_min": 0.0}, "fac_min"), ({"fac_max": 1.0}, "fac_max"), ({"safety": "x"}, "safety")]:
        with pytest.raises(ConfigError, match=name):
            solve("rober", "rodas4", 1.0, **kw)


def test_weighted_work():
    r = solve("hh", "rodas4", 20.0, rtol=1e-6, atol=1e-6)
    s = r.stats
    assert r.weighted_work(jac=0.0, lu=0.0, solve=0.0) == s["rhs_evals"]
    assert r.weighted_work(jac=1.0, lu=2.0, solve=3.0) == s["rhs_evals"] + s["jac_evals"] + 2 * s["lu_decomps"] + \
        3 * s["lin_solves"]
    assert r.rhs_equivalent() == s["rhs_evals"] + 4 * s["jac_evals"]


def test_hh_synapses_problem():
    info = problem_info("hh_synapses")
    assert info["components"] == ["V", "m", "h", "n", "s_fast", "s_nmda"]
    params = {p[0]: (p[1], p[2]) for p in info["params"]}
    assert params["tau_fast"] == (0.1, "ms") and params["tau_nmda"] == (100.0, "ms")
    assert info["breakpoints"][:4] == [10.0, 11.0, 110.0, 111.0] and len(info["breakpoints"]) == 20
    with pytest.raises(ConfigError, match=r"hh_synapses\.release_width"):
        solve("hh_synapses", "rodas4", params={"release_width": 100.0})
    with pytest.raises(ConfigError, match=r"hh_synapses\.tau_fast"):
        solve("hh_synapses", "rodas4", params={"tau_fast": 0.0})
    # Without transmitter the synapses stay closed and the neuron is the plain HH one at rest.
    r = solve("hh_synapses", "rodas4", 50.0, rtol=1e-8, atol=1e-10, params={"transmitter": 0.0}, record=False)
    h = solve("hh", "rodas4", 50.0, rtol=1e-8, atol=1e-10, record=False)
    np.testing.assert_allclose(r.y_end[:4], h.y_end, rtol=1e-7, atol=1e-9)
    assert r.y_end[4] == 0.0 and r.y_end[5] == 0.0
