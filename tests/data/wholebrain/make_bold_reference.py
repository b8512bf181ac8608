"""Reference: Balloon-Windkessel BOLD for a given neural drive, integrated with SciPy in the original
(non-log) variables, independent of brainsim.

    ds/dt = z - kappa s - gamma (f - 1);  df/dt = s;  tau dv/dt = f - v^(1/alpha);
    tau dq/dt = f (1 - (1 - rho)^(1/f)) / rho - v^(1/alpha) q / v
    BOLD = V0 [k1 (1 - q) + k2 (1 - q/v) + k3 (1 - v)]
Friston 2003 constants (kappa 0.65, gamma 0.41, tau 0.98, alpha 0.32, rho 0.34), Stephan 2007 output
(k1 = 4.3 * 40.3 * rho * 0.04, k2 = 0.5 * 25 * rho * 0.04, k3 = 0.5, V0 = 0.02). Time in s.

Drive: 3 regions sampled every 10 ms for 30 s, piecewise linear between samples:
    z0 = 0.5 (1 + sin(2 pi t / 7 s));  z1 = 1.5 for 2 s <= t < 6 s, then 0 (a block);
    z2 = 0.8 * exp(-((t - 10 s)/1.5 s)^2) + 0.3 (1 + cos(2 pi t / 3 s))
solve_ivp(DOP853, rtol 1e-12, atol 1e-14) one 10 ms segment at a time (the drive's kinks are the
segment ends); BOLD sampled every TR = 500 ms.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import scipy
from scipy.integrate import solve_ivp

KAPPA, GAMMA, TAU, ALPHA, RHO, V0 = 0.65, 0.41, 0.98, 0.32, 0.34, 0.02
K1, K2, K3 = 4.3 * 40.3 * RHO * 0.04, 0.5 * 25.0 * RHO * 0.04, 0.5
DT_MS, T_END_MS, TR_MS = 10.0, 30_000.0, 500.0


def drive():
    t = np.arange(0.0, T_END_MS + DT_MS / 2, DT_MS) / 1000.0
    z0 = 0.5 * (1 + np.sin(2 * np.pi * t / 7.0))
    z1 = np.where((t >= 2.0) & (t < 6.0), 1.5, 0.0)
    z2 = 0.8 * np.exp(-(((t - 10.0) / 1.5) ** 2)) + 0.3 * (1 + np.cos(2 * np.pi * t / 3.0))
    return t, np.stack([z0, z1, z2], axis=1)


def rhs(t, y, ta, za, zb):
    z = za + (zb - za) * (t - ta) / (DT_MS / 1000.0)
    s, f, v, q = y
    vo = v ** (1.0 / ALPHA)
    return [z - KAPPA * s - GAMMA * (f - 1.0), s, (f - vo) / TAU,
            (f * (1.0 - (1.0 - RHO) ** (1.0 / f)) / RHO - vo * q / v) / TAU]


def main():
    t, z = drive()
    every = int(TR_MS / DT_MS)
    bold, states = [], []
    for r in range(z.shape[1]):
        y = np.array([0.0, 1.0, 1.0, 1.0])
        br, sr = [], []
        for n in range(len(t) - 1):
            sol = solve_ivp(rhs, (t[n], t[n + 1]), y, method="DOP853", rtol=1e-12, atol=1e-14,
                            args=(t[n], z[n, r], z[n + 1, r]))
            y = sol.y[:, -1]
            if (n + 1) % every == 0:
                s, f, v, q = y
                br.append(V0 * (K1 * (1 - q) + K2 * (1 - q / v) + K3 * (1 - v)))
                sr.append(y.tolist())
        bold.append(br)
        states.append(sr)
    out = {"dt_ms": DT_MS, "tr_ms": TR_MS, "drive": z.tolist(), "bold": np.array(bold).T.tolist(),
           "states": np.transpose(np.array(states), (1, 0, 2)).tolist(),
           "params": {"kappa": KAPPA, "gamma": GAMMA, "tau": TAU, "alpha": ALPHA, "rho": RHO, "V0": V0,
                      "k1": K1, "k2": K2, "k3": K3},
           "generator": "tests/data/wholebrain/make_bold_reference.py", "scipy": scipy.__version__,
           "numpy": np.__version__}
    Path(__file__).with_name("bold_reference.json").write_text(json.dumps(out))
    b = np.array(bold)
    print("BOLD range", b.min(), b.max())


if __name__ == "__main__":
    main()
