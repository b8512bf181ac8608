"""Reference: the 4-node delayed Wilson-Cowan network of make_delay_network_reference.py (linear coupling
case) made stiff -- inhibitory time constant tau_i = 0.01 ms on every node, 250x faster than tau_e --
integrated by the method of steps with SciPy's implicit Radau IIA (order 5), independent of brainsim.

    tau_e E_i' = -E_i + (1 - E_i) S(16 E_i - 12 I_i + P_i + u_i(t)),  tau_i I_i' = -I_i + (1 - I_i) S(15 E_i - 3 I_i)
    u_i(t) = 0.8 * sum_j W_ij E_j(t - D_ij),   history E_j(t) = E_j(0) for t <= 0

The initial I_i are put on the slow manifold, -I + (1 - I) S(15 E - 3 I) = 0 for the given E_i(0)
(brentq), so the solution has no initial layer of width tau_i that a fixed step could not resolve.
Delays are whole milliseconds (3..7 ms), so every derivative breakpoint lies on the 1 ms grid; each 1 ms
chunk is one solve_ivp call (rtol 1e-12, atol 1e-14, dense output) reading delayed values from the
dense outputs of earlier chunks. The same integration with BDF (rtol 1e-12) is used as a cross-check;
the largest difference between the two is stored as "radau_vs_bdf". Samples every 1 ms on [0, 60] ms.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import scipy
from scipy.integrate import solve_ivp
from scipy.optimize import brentq

from make_delay_network_reference import D, P, W, S
from make_delay_network_reference import X0 as X0_NONSTIFF

TAU_E, TAU_I = 2.5, 0.01
A = 0.8
T_END = 60.0
X0 = X0_NONSTIFF.copy()
for _i in range(4):
    _e = X0[_i, 0]
    X0[_i, 1] = brentq(lambda v: -v + (1 - v) * S(15 * _e - 3 * v), 0.0, 1.0, xtol=1e-17, rtol=1e-15)


def solve(method):
    chunks = []

    def E_at(j, t):
        if t <= 0.0:
            return X0[j, 0]
        for t0, t1, dense in reversed(chunks):
            if t0 <= t <= t1:
                return dense(t)[2 * j]
        raise RuntimeError("history lookup outside the integrated range")

    def rhs(t, y):
        out = np.empty(8)
        for i in range(4):
            e, ii = y[2 * i], y[2 * i + 1]
            u = A * sum(W[i, j] * E_at(j, t - D[i, j]) for j in range(4) if W[i, j] > 0)
            out[2 * i] = (-e + (1 - e) * S(16 * e - 12 * ii + P[i] + u)) / TAU_E
            out[2 * i + 1] = (-ii + (1 - ii) * S(15 * e - 3 * ii)) / TAU_I
        return out

    y = X0.reshape(-1).copy()
    samples = [y.copy()]
    for k in range(int(T_END)):
        sol = solve_ivp(rhs, (float(k), float(k + 1)), y, method=method, rtol=1e-12, atol=1e-14, dense_output=True)
        assert sol.success
        chunks.append((float(k), float(k + 1), sol.sol))
        y = sol.y[:, -1].copy()
        samples.append(y.copy())
    return np.array(samples)


def main():
    radau = solve("Radau")
    bdf = solve("BDF")
    out = {"P": P.tolist(), "W": W.tolist(), "D_ms": D.tolist(), "x0": X0.tolist(), "a": A, "tau_exc": TAU_E,
           "tau_inh": TAU_I, "t_end_ms": T_END, "sample_ms": 1.0, "states": radau.tolist(),
           "radau_vs_bdf": float(np.abs(radau - bdf).max()),
           "generator": "tests/data/wholebrain/make_stiff_delay_reference.py",
           "scipy": scipy.__version__, "numpy": np.__version__}
    print("radau vs bdf", out["radau_vs_bdf"], "final", radau[-1])
    Path(__file__).with_name("stiff_delay_reference.json").write_text(json.dumps(out))


if __name__ == "__main__":
    main()
