"""Stiff nodes: the 4-node delayed Wilson-Cowan network with tau_inh = 0.01 ms (250x faster than tau_exc)
against a SciPy Radau method-of-steps reference (tests/data/wholebrain/make_stiff_delay_reference.py,
cross-checked with BDF to ~5e-12). At dt = 0.1 ms the explicit schemes are outside their stability
region (dt |lambda| ~ 10+) and diverge; the Rosenbrock methods stay stable and accurate."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from brainsim.connectome import Connectome
from brainsim.errors import NumericalError
from brainsim.wholebrain import WholeBrain

REF = json.loads((Path(__file__).parents[2] / "data" / "wholebrain" / "stiff_delay_reference.json").read_text())
STATES = np.array(REF["states"])


def run(method, dt):
    con = Connectome.from_arrays(np.array(REF["W"]), np.array(REF["D_ms"]))
    wb = WholeBrain(con, "wilson_cowan", params={"exc_ext": REF["P"], "tau_inh": REF["tau_inh"]}, coupling=REF["a"],
                    velocity=1.0, dt=dt, integrator=method, initial_state=REF["x0"], record_interval=1.0,
                    record_states=True)
    r = wb.run(REF["t_end_ms"])
    return np.abs(r.states.reshape(len(STATES), -1) - STATES).max()


def test_reference_is_tight():
    assert REF["radau_vs_bdf"] < 1e-10


@pytest.mark.parametrize("method", ["euler", "heun", "rk4"])
def test_explicit_schemes_diverge_at_dt_0_1(method):
    with pytest.raises(NumericalError, match="Rosenbrock"):
        run(method, 0.1)


# measured max errors over [0, 60] ms at dt = 0.1 ms: rodas4 2.0e-7, ros3p 8.4e-6, rodas3 1.7e-6, ros2 4.0e-4
@pytest.mark.parametrize("method,tol", [("rodas4", 1e-6), ("ros3p", 3e-5), ("rodas3", 5e-6), ("ros2", 1e-3)])
def test_rosenbrock_stable_and_accurate_at_dt_0_1(method, tol):
    assert run(method, 0.1) < tol


def test_rodas4_converges_on_the_stiff_problem():
    e1, e2 = run("rodas4", 0.1), run("rodas4", 0.05)
    assert e2 < e1 / 8  # measured ratio 14.5 (order ~3.9)
