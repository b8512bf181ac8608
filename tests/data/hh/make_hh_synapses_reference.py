#!/usr/bin/env python3
"""Reference trajectory of brainsim's `hh_synapses` problem (HH membrane at 6.3 degC with a fast
tau = 0.1 ms and an NMDA tau = 100 ms kinetic synapse, Destexhe, Mainen & Sejnowski 1994 form,
Jahr & Stevens 1990 Mg block), default parameters:

    C dV/dt = -I_HH(V, m, h, n) - g_f s_f (V - E_f) - g_n s_n B(V) (V - E_n)
    ds_f/dt = alpha_f T(t) (1 - s_f) - s_f / tau_f
    ds_n/dt = alpha_n T(t) (1 - s_n) - s_n / tau_n
    B(V) = 1 / (1 + mg/3.57 exp(-0.062 V))
    T(t) = 1 mM in [10 + 100 k, 11 + 100 k) for k = 0..9, else 0;  t in [0, 1000] ms

HH part (rates, C_m = 100 pF, conductances, reversal potentials, initial state at -65 mV) from
make_hh_reference.py; the synapse terms are written here independently of brainsim.

Method: SciPy solve_ivp DOP853 rtol = atol = 1e-12 restarted at every release edge (the reference),
Radau rtol 1e-11 / atol 1e-12 with a finite-difference Jacobian (the check). The state is stored
at every release edge and at t_end: these are exact step end points for any integrator that
restarts at the edges, so comparisons need no interpolation.

Usage: python3 tests/data/hh/make_hh_synapses_reference.py   (~1 min)
Output: hh_synapses_reference.json next to this script.
"""
import importlib.util
import json
import math
import os
import platform
from datetime import date

import numpy as np
import scipy
from scipy.integrate import solve_ivp

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("make_hh_reference", os.path.join(HERE, "make_hh_reference.py"))
base = importlib.util.module_from_spec(spec)
spec.loader.exec_module(base)

PAR = {"g_fast_nS": 5.0, "tau_fast_ms": 0.1, "alpha_fast_per_mM_ms": 10.0, "E_fast_mV": 0.0,
       "g_nmda_nS": 300.0, "tau_nmda_ms": 100.0, "alpha_nmda_per_mM_ms": 0.072, "E_nmda_mV": 0.0,
       "mg_mM": 1.0, "transmitter_mM": 1.0, "release_period_ms": 100.0, "release_width_ms": 1.0,
       "t_on_ms": 10.0, "t_off_ms": 1000.0, "t_end_ms": 1000.0, "celsius_degC": 6.3}


def make_f(T):
    p = PAR

    def f(t, y):
        v, m, h, n, sf, sn = y
        am, bm, ah, bh, an, bn = base.rates(v)
        i_ion = (base.G_NA * m ** 3 * h * (v - base.E_NA) + base.G_K * n ** 4 * (v - base.E_K)
                 + base.G_L * (v - base.E_L))
        block = 1.0 / (1.0 + p["mg_mM"] / 3.57 * math.exp(-0.062 * v))
        i_syn = p["g_fast_nS"] * sf * (v - p["E_fast_mV"]) + p["g_nmda_nS"] * sn * block * (v - p["E_nmda_mV"])
        return np.array([(-i_ion - i_syn) / base.C_M,
                         am * (1.0 - m) - bm * m,
                         ah * (1.0 - h) - bh * h,
                         an * (1.0 - n) - bn * n,
                         p["alpha_fast_per_mM_ms"] * T * (1.0 - sf) - sf / p["tau_fast_ms"],
                         p["alpha_nmda_per_mM_ms"] * T * (1.0 - sn) - sn / p["tau_nmda_ms"]])
    return f


def edges():
    p, e = PAR, []
    t = p["t_on_ms"]
    while t < p["t_off_ms"]:
        e += [t, min(t + p["release_width_ms"], p["t_off_ms"])]
        t = p["t_on_ms"] + len(e) // 2 * p["release_period_ms"]
    return e


def run(method, rtol, atol):
    y = np.array([base.V0, *base.steady_state(base.V0), 0.0, 0.0])
    e = edges()
    pts = [0.0] + e + [PAR["t_end_ms"]]
    out_t, out_y, vmax = [], [], -1e9
    for k in range(len(pts) - 1):
        a, b = pts[k], pts[k + 1]
        if b <= a:
            continue
        T = PAR["transmitter_mM"] if k % 2 == 1 else 0.0
        sol = solve_ivp(make_f(T), (a, b), y, method=method, rtol=rtol, atol=atol)
        if sol.status != 0:
            raise RuntimeError(sol.message)
        y = sol.y[:, -1]
        vmax = max(vmax, float(sol.y[0].max()))
        out_t.append(b)
        out_y.append([float(v) for v in y])
    return out_t, out_y, vmax


def main():
    t_ref, y_ref, vmax = run("DOP853", 1e-12, 1e-12)
    t_chk, y_chk, _ = run("Radau", 1e-11, 1e-12)
    assert t_ref == t_chk
    dv = max(abs(a[0] - b[0]) for a, b in zip(y_ref, y_chk))
    ds = max(abs(a[i] - b[i]) for a, b in zip(y_ref, y_chk) for i in range(1, 6))
    print(f"{len(t_ref)} points, max V {vmax:.3f} mV, |DOP853 - Radau|: V {dv:.2e} mV, gates/synapses {ds:.2e}")
    doc = {"description": "brainsim problem hh_synapses with default parameters: state at every release edge "
                          "and at t_end. GENERATED numerically.",
           "parameters": PAR, "hh_model": "as tests/data/hh/hh_step_spikes.json (celsius 6.3, C_m 100 pF)",
           "components": ["V", "m", "h", "n", "s_fast", "s_nmda"],
           "t_ms": t_ref, "y": y_ref, "max_V_mV": vmax,
           "check": {"radau_1e-11_y": y_chk, "max_abs_diff_V_mV": dv, "max_abs_diff_other": ds},
           "provenance": {"generator": "tests/data/hh/make_hh_synapses_reference.py", "date": date.today().isoformat(),
                          "environment": {"python": platform.python_version(), "numpy": np.__version__,
                                          "scipy": scipy.__version__, "platform": platform.platform()}}}
    with open(os.path.join(HERE, "hh_synapses_reference.json"), "w") as fh:
        json.dump(doc, fh, indent=1)
        fh.write("\n")


if __name__ == "__main__":
    main()
