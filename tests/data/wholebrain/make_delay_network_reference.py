"""Reference: a 4-node Wilson-Cowan network with fixed conduction delays, integrated by the method of
steps with SciPy (independent of brainsim).

    tau_e E_i' = -E_i + (1 - E_i) S(16 E_i - 12 I_i + P_i + u_i(t)),  tau_i I_i' = -I_i + (1 - I_i) S(15 E_i - 3 I_i)
    u_i(t) = a * sum_j W_ij g(E_j(t - D_ij)),     history E_j(t) = E_j(0) for t <= 0
with g = identity ("linear") or g(o) = cmin + (cmax - cmin)/(1 + exp(-r (o - midpoint))) ("sigmoidal").

All delays are whole milliseconds (3..7 ms), so every derivative breakpoint (t = 0 and sums of delays)
falls on the 1 ms grid; the solution is integrated 1 ms at a time with solve_ivp (DOP853, rtol 1e-13,
atol 1e-15, dense output), each chunk reading delayed values from the dense outputs of earlier chunks
(t - D_ij <= chunk start since D_ij >= 3 ms > 1 ms). Output sampled every 1 ms on [0, 120] ms.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import scipy
from scipy.integrate import solve_ivp

TAU_E, TAU_I = 2.5, 3.75
P = np.array([0.8, 1.0, 1.3, 0.6])
W = np.array([[0.0, 0.6, 0.0, 0.3],
              [0.5, 0.0, 0.4, 0.0],
              [0.2, 0.7, 0.0, 0.5],
              [0.0, 0.3, 0.9, 0.0]])
D = np.array([[0, 3, 0, 7],
              [4, 0, 5, 0],
              [6, 3, 0, 4],
              [0, 5, 3, 0]], dtype=float)  # ms, used where W > 0
X0 = np.array([[0.05, 0.02], [0.20, 0.10], [0.10, 0.30], [0.30, 0.05]])
T_END = 120.0
CASES = {
    "linear": {"a": 0.8, "kind": "linear"},
    "sigmoidal": {"a": 1.5, "kind": "sigmoidal", "cmin": 0.0, "cmax": 1.0, "midpoint": 0.2, "r": 10.0},
}


def S(x):
    return 1.0 / (1.0 + np.exp(-1.5 * (x - 3.0)))


def solve(case):
    g = (lambda o: o) if case["kind"] == "linear" else (
        lambda o: case["cmin"] + (case["cmax"] - case["cmin"]) / (1 + np.exp(-case["r"] * (o - case["midpoint"]))))
    chunks = []  # (t0, t1, dense)

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
            u = case["a"] * sum(W[i, j] * g(E_at(j, t - D[i, j])) for j in range(4) if W[i, j] > 0)
            out[2 * i] = (-e + (1 - e) * S(16 * e - 12 * ii + P[i] + u)) / TAU_E
            out[2 * i + 1] = (-ii + (1 - ii) * S(15 * e - 3 * ii)) / TAU_I
        return out

    y = X0.reshape(-1).copy()
    samples = [y.copy()]
    for k in range(int(T_END)):
        sol = solve_ivp(rhs, (float(k), float(k + 1)), y, method="DOP853", rtol=1e-13, atol=1e-15,
                        dense_output=True)
        assert sol.success
        chunks.append((float(k), float(k + 1), sol.sol))
        y = sol.y[:, -1].copy()
        samples.append(y.copy())
    return np.array(samples)  # (T_END + 1, 8): E0, I0, E1, I1, ...


def main():
    out = {"P": P.tolist(), "W": W.tolist(), "D_ms": D.tolist(), "x0": X0.tolist(), "t_end_ms": T_END,
           "sample_ms": 1.0, "cases": {}, "generator": "tests/data/wholebrain/make_delay_network_reference.py",
           "scipy": scipy.__version__, "numpy": np.__version__}
    for name, case in CASES.items():
        s = solve(case)
        out["cases"][name] = {"coupling": case, "states": s.tolist()}
        print(name, s[-1])
    Path(__file__).with_name("delay_network_reference.json").write_text(json.dumps(out))


if __name__ == "__main__":
    main()
