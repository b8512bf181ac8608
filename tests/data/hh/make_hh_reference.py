#!/usr/bin/env python3
"""Reference spike times of the classic Hodgkin-Huxley model under step currents.

Model: NEURON's hh.mod (neuronsimulator/nrn, src/nrnoc/hh.mod) rate functions,
evaluated exactly (no TABLE interpolation, i.e. like usetable_hh = 0), at
celsius = 6.3 degC so q10 = 3^((6.3-6.3)/10) = 1, in absolute units for a
100 pF membrane (1 uF/cm2 on 1e-4 cm2):

    C dV/dt = I_ext(t) - gNa m^3 h (V - ENa) - gK n^4 (V - EK) - gL (V - EL)
    dx/dt   = alpha_x(V) (1 - x) - beta_x(V) x,   x in {m, h, n}

    V [mV], t [ms], rates [1/ms], C [pF], g [nS], currents [pA]  =>  dV/dt [mV/ms]

Protocol: I_ext = A for 10 <= t < 110 ms, 0 otherwise; simulate 0..150 ms from
the steady state at V = -65 mV; A = 2.5, 5, 10, 20, 30, 50 uA/cm2 (x 100 pA).
Spike time = upward crossing of V through 0 mV.

Method (two independent integrators):
  * SciPy solve_ivp Radau (rtol 1e-11, atol 1e-12, analytic Jacobian) and
    DOP853 (rtol 1e-12, atol 1e-12); each integration is restarted exactly at
    the current discontinuities t = 10 and t = 110 ms.
  * Crossings are first located with solve_ivp's event detection (dense
    output + root finding).  Each one is then refined: the integration is
    re-run so that a solver step ends exactly at an anchor t_a = t_event - 0.05 ms,
    and from the accurate state there V(t) = 0 is solved by Newton's method,
    each V(t) being a fresh solve_ivp from t_a ending exactly at t
    (so no dense-output interpolation error enters).  The final state at
    150 ms is likewise a step end point.
  * The JSON reports both the event-detection and the refined times, for both
    integrators, and the maximal differences.  The published reference is the
    refined DOP853 value (the tighter tolerance); the Radau value is the check.

Usage: python3 make_hh_reference.py   (single-threaded, ~1-3 min)
Output: hh_step_spikes.json next to this script.
"""
import json
import math
import os
import platform
import sys
import time
from datetime import date

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import scipy  # noqa: E402
from scipy.integrate import solve_ivp  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))

# ---------------------------------------------------------------- parameters
C_M = 100.0      # pF
G_NA = 12000.0   # nS   (0.12 S/cm2 * 1e-4 cm2)
G_K = 3600.0     # nS   (0.036 S/cm2)
G_L = 30.0       # nS   (0.0003 S/cm2)
E_NA = 50.0      # mV
E_K = -77.0      # mV
E_L = -54.3      # mV   (hh.mod default el)
CELSIUS = 6.3
Q10 = 3.0 ** ((CELSIUS - 6.3) / 10.0)   # = 1 exactly
V0 = -65.0
T_ON, T_OFF, T_END = 10.0, 110.0, 150.0
AMPS_UA_CM2 = [2.5, 5.0, 10.0, 20.0, 30.0, 50.0]
PA_PER_UA_CM2 = 100.0   # 1 uA/cm2 on 1e-4 cm2 = 100 pA


# ---------------------------------------------------------------- hh.mod rates
def vtrap(x, y):
    """hh.mod: if |x/y| < 1e-6: y*(1 - x/y/2) else x/(exp(x/y) - 1)."""
    if abs(x / y) < 1e-6:
        return y * (1.0 - x / y / 2.0)
    return x / (math.exp(x / y) - 1.0)


def dvtrap_dx(x, y):
    """d/dx of vtrap (for the analytic Jacobian)."""
    if abs(x / y) < 1e-6:
        return -0.5
    e = math.exp(x / y)
    return 1.0 / (e - 1.0) - x * e / (y * (e - 1.0) ** 2)


def rates(v):
    am = 0.1 * vtrap(-(v + 40.0), 10.0)
    bm = 4.0 * math.exp(-(v + 65.0) / 18.0)
    ah = 0.07 * math.exp(-(v + 65.0) / 20.0)
    bh = 1.0 / (math.exp(-(v + 35.0) / 10.0) + 1.0)
    an = 0.01 * vtrap(-(v + 55.0), 10.0)
    bn = 0.125 * math.exp(-(v + 65.0) / 80.0)
    return Q10 * am, Q10 * bm, Q10 * ah, Q10 * bh, Q10 * an, Q10 * bn


def drates(v):
    dam = 0.1 * dvtrap_dx(-(v + 40.0), 10.0) * (-1.0)
    dbm = 4.0 * math.exp(-(v + 65.0) / 18.0) * (-1.0 / 18.0)
    dah = 0.07 * math.exp(-(v + 65.0) / 20.0) * (-1.0 / 20.0)
    e = math.exp(-(v + 35.0) / 10.0)
    dbh = e / 10.0 / (e + 1.0) ** 2
    dan = 0.01 * dvtrap_dx(-(v + 55.0), 10.0) * (-1.0)
    dbn = 0.125 * math.exp(-(v + 65.0) / 80.0) * (-1.0 / 80.0)
    return Q10 * dam, Q10 * dbm, Q10 * dah, Q10 * dbh, Q10 * dan, Q10 * dbn


def steady_state(v):
    am, bm, ah, bh, an, bn = rates(v)
    return am / (am + bm), ah / (ah + bh), an / (an + bn)


def make_rhs(i_ext):
    def f(t, y):
        v, m, h, n = y
        am, bm, ah, bh, an, bn = rates(v)
        i_ion = (G_NA * m ** 3 * h * (v - E_NA) + G_K * n ** 4 * (v - E_K) + G_L * (v - E_L))
        return np.array([(i_ext - i_ion) / C_M,
                         am * (1.0 - m) - bm * m,
                         ah * (1.0 - h) - bh * h,
                         an * (1.0 - n) - bn * n])

    def jac(t, y):
        v, m, h, n = y
        am, bm, ah, bh, an, bn = rates(v)
        dam, dbm, dah, dbh, dan, dbn = drates(v)
        gna = G_NA * m ** 3 * h
        gk = G_K * n ** 4
        J = np.zeros((4, 4))
        J[0, 0] = -(gna + gk + G_L) / C_M
        J[0, 1] = -3.0 * G_NA * m ** 2 * h * (v - E_NA) / C_M
        J[0, 2] = -G_NA * m ** 3 * (v - E_NA) / C_M
        J[0, 3] = -4.0 * G_K * n ** 3 * (v - E_K) / C_M
        J[1, 0] = dam * (1.0 - m) - dbm * m
        J[1, 1] = -(am + bm)
        J[2, 0] = dah * (1.0 - h) - dbh * h
        J[2, 2] = -(ah + bh)
        J[3, 0] = dan * (1.0 - n) - dbn * n
        J[3, 3] = -(an + bn)
        return J
    return f, jac


def v_cross(t, y):
    return y[0]


v_cross.direction = 1.0
v_cross.terminal = False


# ---------------------------------------------------------------- integration
class Integrator:
    def __init__(self, method, rtol, atol):
        self.method, self.rtol, self.atol = method, rtol, atol
        self.nfev = 0

    def solve(self, i_ext, t0, t1, y0, events=None):
        f, jac = make_rhs(i_ext)
        kw = dict(method=self.method, rtol=self.rtol, atol=self.atol)
        if self.method in ("Radau", "BDF", "LSODA"):
            kw["jac"] = jac
        if events is not None:
            kw["events"] = events
        sol = solve_ivp(f, (t0, t1), np.asarray(y0, dtype=float), **kw)
        if sol.status != 0:
            raise RuntimeError(sol.message)
        self.nfev += sol.nfev
        return sol


def segments(amp_pa):
    return [(0.0, T_ON, 0.0), (T_ON, T_OFF, amp_pa), (T_OFF, T_END, 0.0)]


def run_protocol(integ, amp_pa, anchor_dt=0.05, newton_tol=1e-13):
    """Returns dict with event-detected and refined spike times, final state, diagnostics."""
    y0 = np.array([V0, *steady_state(V0)])
    # pass 1: plain event detection, segment by segment
    ev_times = []
    vmax_nonspike = []
    y = y0.copy()
    for (a, b, i_ext) in segments(amp_pa):
        sol = integ.solve(i_ext, a, b, y, events=v_cross)
        ev_times += [float(t) for t in sol.t_events[0]]
        # local maxima of V at the step points below 0 mV: near misses make spike counts fragile
        V = sol.y[0]
        for k in range(1, len(V) - 1):
            if V[k] >= V[k - 1] and V[k] >= V[k + 1] and V[k] < 0.0:
                vmax_nonspike.append(float(V[k]))
        y = sol.y[:, -1]
    # pass 2: refine each crossing; checkpoints = segment ends + anchors
    refined = []
    y = y0.copy()
    for (a, b, i_ext) in segments(amp_pa):
        t = a
        anchors = [te - anchor_dt for te in ev_times if a < te - anchor_dt < b]
        for ta in anchors:
            sol = integ.solve(i_ext, t, ta, y)
            ya = sol.y[:, -1]
            f, _ = make_rhs(i_ext)
            ts = ta + anchor_dt   # initial guess: event-detected time
            for _ in range(30):
                yt = integ.solve(i_ext, ta, ts, ya).y[:, -1]
                dv = f(ts, yt)[0]
                step = yt[0] / dv
                ts -= step
                if abs(step) < newton_tol * max(1.0, abs(ts)):
                    break
            else:
                raise RuntimeError("Newton did not converge")
            refined.append(ts)
            t, y = ta, ya
        sol = integ.solve(i_ext, t, b, y)
        y = sol.y[:, -1]
    if len(refined) != len(ev_times):
        raise RuntimeError("a crossing could not be refined (anchor outside its segment)")
    return {"event_times": ev_times, "refined_times": refined, "y_end": [float(v) for v in y],
            "max_V_of_subthreshold_peaks": max(vmax_nonspike) if vmax_nonspike else None}


def main():
    today = date.today().isoformat()
    env = {"python": platform.python_version(), "numpy": np.__version__,
           "scipy": scipy.__version__, "platform": platform.platform()}
    integrators = {
        "DOP853_rtol1e-12": Integrator("DOP853", 1e-12, 1e-12),
        "Radau_rtol1e-11": Integrator("Radau", 1e-11, 1e-12),
    }
    extra = {"DOP853_rtol1e-13": Integrator("DOP853", 1e-13, 1e-13)}  # convergence check only
    m0, h0, n0 = steady_state(V0)
    y10 = integrators["DOP853_rtol1e-12"].solve(0.0, 0.0, T_ON, [V0, m0, h0, n0]).y[:, -1]
    results = []
    max_diff_refined = 0.0
    max_diff_event = 0.0
    max_diff_events_vs_refined = 0.0
    max_diff_tighter = 0.0
    max_diff_yend = [0.0] * 4
    for amp in AMPS_UA_CM2:
        amp_pa = amp * PA_PER_UA_CM2
        t0 = time.time()
        out = {k: run_protocol(integ, amp_pa) for k, integ in {**integrators, **extra}.items()}
        ref, chk, tight = out["DOP853_rtol1e-12"], out["Radau_rtol1e-11"], out["DOP853_rtol1e-13"]
        n = len(ref["refined_times"])
        if len(chk["refined_times"]) != n or len(tight["refined_times"]) != n:
            raise RuntimeError(f"spike count differs between integrators at {amp} uA/cm2")
        d_ref = max([abs(a - b) for a, b in zip(ref["refined_times"], chk["refined_times"])], default=0.0)
        d_ev = max([abs(a - b) for a, b in zip(ref["event_times"], chk["event_times"])], default=0.0)
        d_evref = max([abs(a - b) for o in (ref, chk)
                       for a, b in zip(o["event_times"], o["refined_times"])], default=0.0)
        d_tight = max([abs(a - b) for a, b in zip(ref["refined_times"], tight["refined_times"])], default=0.0)
        max_diff_refined = max(max_diff_refined, d_ref)
        max_diff_event = max(max_diff_event, d_ev)
        max_diff_events_vs_refined = max(max_diff_events_vs_refined, d_evref)
        max_diff_tighter = max(max_diff_tighter, d_tight)
        for i in range(4):
            max_diff_yend[i] = max(max_diff_yend[i], abs(ref["y_end"][i] - chk["y_end"][i]))
        print(f"{amp:5.1f} uA/cm2: {n:2d} spikes, max |DOP853-Radau| refined {d_ref:.2e} ms, "
              f"event-detection {d_ev:.2e} ms, DOP853 1e-12 vs 1e-13 {d_tight:.2e} ms "
              f"({time.time() - t0:.1f} s)", flush=True)
        results.append({
            "amplitude_uA_per_cm2": amp,
            "amplitude_pA": amp_pa,
            "n_spikes": n,
            "spike_times_ms": ref["refined_times"],
            "spike_times_ms_text": [f"{t:.15g}" for t in ref["refined_times"]],
            "final_state_t150": {"V_mV": ref["y_end"][0], "m": ref["y_end"][1],
                                 "h": ref["y_end"][2], "n": ref["y_end"][3]},
            "check": {
                "radau_refined_spike_times_ms": chk["refined_times"],
                "radau_final_state_t150": chk["y_end"],
                "dop853_rtol1e-13_refined_spike_times_ms": tight["refined_times"],
                "dop853_event_detection_spike_times_ms": ref["event_times"],
                "radau_event_detection_spike_times_ms": chk["event_times"],
                "max_abs_diff_refined_dop853_vs_radau_ms": d_ref,
                "max_abs_diff_refined_dop853_1e-12_vs_1e-13_ms": d_tight,
                "max_abs_diff_event_detection_dop853_vs_radau_ms": d_ev,
                "max_V_of_peaks_below_0mV": ref["max_V_of_subthreshold_peaks"],
            },
        })
    doc = {
        "description": "Classic Hodgkin-Huxley (NEURON hh.mod rates, rest near -65 mV) under step "
                       "currents: reference spike times (upward 0 mV crossings) and state at t = 150 ms. "
                       "GENERATED numerically (no published values exist for this exact protocol).",
        "model": {
            "equations": [
                "C dV/dt = I_ext(t) - gNa*m^3*h*(V - ENa) - gK*n^4*(V - EK) - gL*(V - EL)",
                "dm/dt = q10*(alpha_m(V)*(1 - m) - beta_m(V)*m)   (same for h, n)",
                "alpha_m = 0.1*vtrap(-(V+40), 10);  beta_m = 4*exp(-(V+65)/18)",
                "alpha_h = 0.07*exp(-(V+65)/20);    beta_h = 1/(exp(-(V+35)/10) + 1)",
                "alpha_n = 0.01*vtrap(-(V+55), 10); beta_n = 0.125*exp(-(V+65)/80)",
                "vtrap(x, y) = y*(1 - x/y/2) if |x/y| < 1e-6 else x/(exp(x/y) - 1)",
                "q10 = 3^((celsius - 6.3)/10) = 1 at celsius = 6.3",
            ],
            "units": {"V": "mV", "t": "ms", "rates": "1/ms", "C": "pF", "g": "nS", "I": "pA",
                      "dV/dt": "mV/ms = pA/pF"},
            "parameters": {"C_m_pF": C_M, "g_Na_nS": G_NA, "g_K_nS": G_K, "g_L_nS": G_L,
                           "E_Na_mV": E_NA, "E_K_mV": E_K, "E_L_mV": E_L, "celsius_degC": CELSIUS,
                           "q10": Q10},
            "rate_source": "neuronsimulator/nrn src/nrnoc/hh.mod (PROCEDURE rates, FUNCTION vtrap), "
                           "checked against the stored copy; parameters gnabar = 0.12, gkbar = 0.036, "
                           "gl = 0.0003 S/cm2, el = -54.3 mV, NEURON default ena = 50, ek = -77 mV. "
                           "Rates evaluated exactly, NOT via hh.mod's TABLE (NEURON with usetable_hh = 1, "
                           "its default, interpolates on a 1 mV grid and differs slightly).",
        },
        "initial_state": {"t0_ms": 0.0, "V_mV": V0, "m": m0, "h": h0, "n": n0,
                          "definition": "x = alpha_x/(alpha_x + beta_x) at V = -65 mV. This is not an "
                                        "exact equilibrium of the full model (the rest is ~-64.97 mV): "
                                        "the state drifts slightly before the current starts",
                          "state_at_t10_ms": {"V_mV": float(y10[0]), "m": float(y10[1]),
                                              "h": float(y10[2]), "n": float(y10[3])}},
        "protocol": {"I_ext": "amplitude for 10 <= t < 110 ms, 0 otherwise", "t_on_ms": T_ON,
                     "t_off_ms": T_OFF, "t_end_ms": T_END,
                     "amplitudes_uA_per_cm2": AMPS_UA_CM2,
                     "conversion": "1 uA/cm2 = 100 pA (C_m = 1 uF/cm2 <-> 100 pF, area 1e-4 cm2)",
                     "spike_definition": "upward crossing of V = 0 mV"},
        "results": results,
        "accuracy": {
            "reference_integrator": "scipy.integrate.solve_ivp DOP853, rtol = 1e-12, atol = 1e-12, "
                                    "restarted at t = 10 and 110 ms, crossings refined by Newton on "
                                    "exact step end points (see script docstring)",
            "check_integrator": "scipy.integrate.solve_ivp Radau, rtol = 1e-11, atol = 1e-12, analytic "
                                "Jacobian, same refinement",
            "max_abs_diff_spike_time_refined_dop853_vs_radau_ms": max_diff_refined,
            "max_abs_diff_spike_time_dop853_rtol1e-12_vs_rtol1e-13_ms": max_diff_tighter,
            "max_abs_diff_spike_time_event_detection_dop853_vs_radau_ms": max_diff_event,
            "max_abs_diff_event_detection_vs_refined_same_integrator_ms": max_diff_events_vs_refined,
            "max_abs_diff_final_state_dop853_vs_radau": dict(zip(["V_mV", "m", "h", "n"], max_diff_yend)),
        },
        "provenance": {"generator": "tests/data/hh/make_hh_reference.py", "date": today,
                       "environment": env},
    }
    with open(os.path.join(HERE, "hh_step_spikes.json"), "w") as fh:
        json.dump(doc, fh, indent=1)
        fh.write("\n")
    print(json.dumps(doc["accuracy"], indent=1))


if __name__ == "__main__":
    sys.exit(main())
