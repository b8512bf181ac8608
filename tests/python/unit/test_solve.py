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
