"""A 4-node Wilson-Cowan network with fixed delays against a SciPy method-of-steps reference
(tests/data/wholebrain/make_delay_network_reference.py), plus convergence orders of the integrators
(explicit and Rosenbrock)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from brainsim.connectome import Connectome
from brainsim.wholebrain import Coupling, WholeBrain

REF = json.loads((Path(__file__).parents[2] / "data" / "wholebrain" / "delay_network_reference.json").read_text())


def run(case_name, method, dt):
    case = REF["cases"][case_name]
    c = case["coupling"]
    cp = Coupling(c["kind"], a=c["a"], **{k: c[k] for k in ("cmin", "cmax", "midpoint", "r") if k in c})
    # velocity 1 mm/ms: the delay in ms equals the "length" in mm
    con = Connectome.from_arrays(np.array(REF["W"]), np.array(REF["D_ms"]))
    wb = WholeBrain(con, "wilson_cowan", params={"exc_ext": REF["P"]}, coupling=cp, velocity=1.0, dt=dt,
                    integrator=method, initial_state=REF["x0"], record_interval=1.0, record_states=True)
    r = wb.run(REF["t_end_ms"])
    got = r.states.reshape(r.states.shape[0], -1)
    return np.abs(got - np.array(case["states"])).max()


@pytest.mark.parametrize("case", ["linear", "sigmoidal"])
def test_rk4_matches_method_of_steps(case):
    assert run(case, "rk4", 0.01) < 1e-9


@pytest.mark.parametrize("case", ["linear", "sigmoidal"])
@pytest.mark.parametrize("method,order", [("euler", 1), ("heun", 2), ("rk4", 4)])
def test_convergence_order(case, method, order):
    e1, e2 = run(case, method, 0.04), run(case, method, 0.02)
    observed = np.log2(e1 / e2)
    assert observed == pytest.approx(order, abs=0.25)


@pytest.mark.parametrize("case", ["linear", "sigmoidal"])
def test_rodas4_matches_method_of_steps(case):
    assert run(case, "rodas4", 0.01) < 1e-9


# Fixed-step Rosenbrock with the delayed input as a Hermite interpolant: the observed order at the
# given step pair (measured: rodas4 4.01-4.02, ros3p 2.96-3.01, rodas3 2.93-3.01, ros2 1.94-1.95).
@pytest.mark.parametrize("case", ["linear", "sigmoidal"])
@pytest.mark.parametrize("method,order,dts", [("rodas4", 4, (0.04, 0.02)), ("ros3p", 3, (0.04, 0.02)),
                                              ("rodas3", 3, (0.01, 0.005)), ("ros2", 2, (0.01, 0.005))])
def test_rosenbrock_convergence_order(case, method, order, dts):
    e1, e2 = run(case, method, dts[0]), run(case, method, dts[1])
    assert np.log2(e1 / e2) == pytest.approx(order, abs=0.25)
