#!/usr/bin/env python3
"""Independent SciPy references for brainsim's point-neuron models (hh_traub, adex, lif_multisyn,
hh at 16.3 degC).

Every model is written out here again from its published equations (not from brainsim's code):

* hh_traub: Traub & Miles HH of the COBAHH benchmark, shared/benchmarks/SPEC.md section C.2
  (rates with u = V - V_T, C = 200 pF, g_L = 10 nS, E_L = -60, g_Na = 20000 nS, E_Na = 50,
  g_K = 6000 nS, E_K = -90, V_T = -63 mV), conductance-exponential synapses E_e = 0, E_i = -80 mV,
  tau_e = 5, tau_i = 10 ms. Spike = upward crossing of -20 mV, then detection blocked 3 ms.
* adex: Brette & Gerstner (2005) adaptive exponential IF with NEST aeif_cond_exp parameters;
  spike when V reaches V_peak (terminal event), then V = V_reset, w += b, V held at V_reset for
  t_ref while w relaxes. Near the blow-up dV/dt reaches ~1e10 mV/ms, too steep for a time-stepping
  reference at rtol 1e-12, so above V_switch = V_th + 5 Delta_T (where dV/dt > 0 by a wide margin,
  checked) the reference switches to V as the independent variable: d(t, w, g)/dV = (1, w', g')/V',
  integrated from V_switch to V_peak; the spike time is t(V_peak). The exponential is evaluated at
  min(V, V_peak), which leaves the solution up to the event unchanged and keeps stages finite.
* lif_multisyn: leaky membrane with AMPA/GABA_A (exponential), GABA_B (alpha), NMDA (difference of
  exponentials normalised to peak w, Jahr-Stevens Mg block 1/(1 + [Mg]/3.57 exp(-0.062 V))) and
  exponential/alpha current ports.
* hh: NEURON hh.mod rates at celsius = 16.3 degC (q10 = 3).

Synaptic variables are integrated as ODEs alongside the membrane (brainsim propagates them in
closed form instead), input events are jumps of those variables at their times, and every
integration is restarted at each discontinuity (event, current step, reset).

Integrator: solve_ivp DOP853, rtol 1e-12, atol 1e-12 (reference); a check run with Radau,
rtol 1e-10, atol 1e-12, reports the max difference. Spike times come from solve_ivp's event
location on the dense output (tolerance ~1e-12 ms). Traces are sampled on the case's grid.

Usage: python3 make_models_reference.py  (single-threaded, about 1-2 minutes)
Output: models_reference.json next to this script.
"""
import json
import math
import os
import platform
import sys
from datetime import date

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import scipy  # noqa: E402
from scipy.integrate import solve_ivp  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


# ------------------------------------------------------------------------------------- models
def efun(x, y):
    """x / (exp(x/y) - 1) with its limit y at x = 0."""
    r = x / y
    if abs(r) < 1e-6:
        return y * (1.0 - r / 2.0 + r * r / 12.0)
    return x / math.expm1(r)


class Traub:
    name = "hh_traub"
    P = dict(C_m=200.0, g_L=10.0, E_L=-60.0, g_Na=20000.0, E_Na=50.0, g_K=6000.0, E_K=-90.0, V_T=-63.0,
             E_ex=0.0, E_in=-80.0, tau_syn_ex=5.0, tau_syn_in=10.0)
    ports = {"exc": [4], "inh": [5]}  # state indices that jump by w
    threshold, block, terminal = -20.0, 3.0, False

    def __init__(self, **over):
        self.p = dict(self.P, **over)

    def rhs(self, t, y, I):
        p = self.p
        V, m, h, n, ge, gi = y
        u = V - p["V_T"]
        am = 0.32 * efun(13.0 - u, 4.0)
        bm = 0.28 * efun(u - 40.0, 5.0)
        ah = 0.128 * math.exp((17.0 - u) / 18.0)
        bh = 4.0 / (1.0 + math.exp((40.0 - u) / 5.0))
        an = 0.032 * efun(15.0 - u, 5.0)
        bn = 0.5 * math.exp((10.0 - u) / 40.0)
        dV = (p["g_L"] * (p["E_L"] - V) - p["g_Na"] * m**3 * h * (V - p["E_Na"]) - p["g_K"] * n**4 * (V - p["E_K"])
              + ge * (p["E_ex"] - V) + gi * (p["E_in"] - V) + I) / p["C_m"]
        return [dV, am * (1 - m) - bm * m, ah * (1 - h) - bh * h, an * (1 - n) - bn * n,
                -ge / p["tau_syn_ex"], -gi / p["tau_syn_in"]]


class HH:
    name = "hh"
    P = dict(C_m=100.0, g_Na=12000.0, g_K=3600.0, g_L=30.0, E_Na=50.0, E_K=-77.0, E_L=-54.3, celsius=6.3,
             E_ex=0.0, E_in=-80.0, tau_syn_ex=0.2, tau_syn_in=2.0)
    ports = {"exc": [4], "inh": [5]}
    threshold, block, terminal = 0.0, 0.0, False

    def __init__(self, **over):
        self.p = dict(self.P, **over)

    @staticmethod
    def vtrap(x, y):
        return y * (1.0 - x / y / 2.0) if abs(x / y) < 1e-6 else x / (math.exp(x / y) - 1.0)

    def rhs(self, t, y, I):
        p = self.p
        V, m, h, n, ge, gi = y
        q = 3.0 ** ((p["celsius"] - 6.3) / 10.0)
        am = q * 0.1 * self.vtrap(-(V + 40.0), 10.0)
        bm = q * 4.0 * math.exp(-(V + 65.0) / 18.0)
        ah = q * 0.07 * math.exp(-(V + 65.0) / 20.0)
        bh = q * 1.0 / (math.exp(-(V + 35.0) / 10.0) + 1.0)
        an = q * 0.01 * self.vtrap(-(V + 55.0), 10.0)
        bn = q * 0.125 * math.exp(-(V + 65.0) / 80.0)
        dV = (I - p["g_Na"] * m**3 * h * (V - p["E_Na"]) - p["g_K"] * n**4 * (V - p["E_K"]) - p["g_L"] * (V - p["E_L"])
              + ge * (p["E_ex"] - V) + gi * (p["E_in"] - V)) / p["C_m"]
        return [dV, am * (1 - m) - bm * m, ah * (1 - h) - bh * h, an * (1 - n) - bn * n,
                -ge / p["tau_syn_ex"], -gi / p["tau_syn_in"]]


class AdEx:
    name = "adex"
    P = dict(C_m=281.0, g_L=30.0, E_L=-70.6, V_th=-50.4, Delta_T=2.0, tau_w=144.0, a=4.0, b=80.5, V_reset=-60.0,
             t_ref=0.0, V_peak=0.0, E_ex=0.0, E_in=-85.0, tau_syn_ex=0.2, tau_syn_in=2.0, I_e=0.0)
    ports = {"exc": [2], "inh": [3]}
    block, terminal = 0.0, True

    def __init__(self, **over):
        self.p = dict(self.P, **over)
        self.v_switch = self.p["V_th"] + 5.0 * self.p["Delta_T"]
        self.threshold = self.v_switch

    def climb(self, t0, y, I, method, rtol, atol, grid, V_grid, t_limit):
        """Integrate (t, w, ge, gi) over V from V_switch to V_peak; fill grid points passed."""
        def f(V, z):
            t, w, ge, gi = z
            d = self.rhs(t, [V, w, ge, gi], I)
            if not d[0] > 1.0:
                raise RuntimeError("dV/dt not clearly positive above V_switch")
            return [1.0 / d[0], d[1] / d[0], d[2] / d[0], d[3] / d[0]]
        z0 = [t0, y[1], y[2], y[3]]
        sol = solve_ivp(f, (y[0], self.p["V_peak"]), z0, method=method, rtol=rtol, atol=atol, dense_output=True)
        if not sol.success:
            raise RuntimeError(sol.message)
        t_peak, w, ge, gi = sol.y[:, -1]
        if t_peak > t_limit:
            raise RuntimeError("a discontinuity falls inside the climb to V_peak")
        for k in np.nonzero((grid > t0) & (grid < t_peak))[0]:
            lo, hi = y[0], self.p["V_peak"]
            for _ in range(200):  # bisection on t(V) = grid[k]
                mid = 0.5 * (lo + hi)
                if sol.sol(mid)[0] < grid[k]:
                    lo = mid
                else:
                    hi = mid
            V_grid[k] = 0.5 * (lo + hi)
        return float(t_peak), [self.p["V_peak"], w, ge, gi]

    def rhs(self, t, y, I, clamped=False):
        p = self.p
        V, w, ge, gi = y
        if clamped:
            return [0.0, (p["a"] * (p["V_reset"] - p["E_L"]) - w) / p["tau_w"], -ge / p["tau_syn_ex"],
                    -gi / p["tau_syn_in"]]
        ex = p["g_L"] * p["Delta_T"] * math.exp((min(V, p["V_peak"]) - p["V_th"]) / p["Delta_T"])
        dV = (-p["g_L"] * (V - p["E_L"]) + ex - w + ge * (p["E_ex"] - V) + gi * (p["E_in"] - V) + p["I_e"] + I) / p["C_m"]
        return [dV, (p["a"] * (V - p["E_L"]) - w) / p["tau_w"], -ge / p["tau_syn_ex"], -gi / p["tau_syn_in"]]

    def reset(self, y):
        y = list(y)
        y[0] = self.p["V_reset"]
        y[1] += self.p["b"]
        return y


class Multisyn:
    name = "lif_multisyn"
    P = dict(C_m=250.0, g_L=16.7, E_L=-70.0, V_th=-55.0, V_reset=-70.0, t_ref=2.0, E_ampa=0.0, tau_ampa=2.0,
             E_gaba_a=-70.0, tau_gaba_a=10.0, E_gaba_b=-90.0, tau_gaba_b=50.0, E_nmda=0.0, tau_nmda_rise=2.0,
             tau_nmda_decay=100.0, Mg=1.0, tau_current_exp=2.0, tau_current_alpha=2.0, I_e=0.0)
    # y = V, g_ampa, g_gaba_a, gb_x, gb_y, nmda_a, nmda_b, Ie, Ia_x, Ia_y
    block, terminal = 0.0, True

    def __init__(self, **over):
        self.p = dict(self.P, **over)
        p = self.p
        self.threshold = p["V_th"]
        tr, td = p["tau_nmda_rise"], p["tau_nmda_decay"]
        tp = td * tr / (td - tr) * math.log(td / tr)
        nn = 1.0 / (math.exp(-tp / td) - math.exp(-tp / tr))
        e = math.e
        self.ports = {
            "ampa": [(1, 1.0)], "gaba_a": [(2, 1.0)], "gaba_b": [(4, e / p["tau_gaba_b"])],
            "nmda": [(5, nn), (6, nn)], "current_exp": [(7, 1.0)], "current_alpha": [(9, e / p["tau_current_alpha"])],
        }

    def rhs(self, t, y, I, clamped=False):
        p = self.p
        V, ga, gga, gbx, gby, na, nb, ie, iax, iay = y
        B = 1.0 / (1.0 + p["Mg"] / 3.57 * math.exp(-0.062 * V))
        dV = (-p["g_L"] * (V - p["E_L"]) + ga * (p["E_ampa"] - V) + gga * (p["E_gaba_a"] - V) + gbx * (p["E_gaba_b"] - V)
              + (na - nb) * B * (p["E_nmda"] - V) + ie + iax + p["I_e"] + I) / p["C_m"]
        if clamped:
            dV = 0.0
        return [dV, -ga / p["tau_ampa"], -gga / p["tau_gaba_a"], -gbx / p["tau_gaba_b"] + gby,
                -gby / p["tau_gaba_b"], -na / p["tau_nmda_decay"], -nb / p["tau_nmda_rise"],
                -ie / p["tau_current_exp"], -iax / p["tau_current_alpha"] + iay, -iay / p["tau_current_alpha"]]

    def reset(self, y):
        y = list(y)
        y[0] = self.p["V_reset"]
        return y


# ------------------------------------------------------------------------------------- driver
def current_at(case, t):
    I = 0.0
    for tt, v in zip(case["current_times"], case["current_values"]):
        if tt <= t:
            I = v
    return I


def simulate(model, case, method, rtol, atol):
    """Integrate `case` piecewise between discontinuities; returns (V on the grid, spike times)."""
    t_end, grid = case["t_end"], np.array(case["grid"])
    breaks = sorted({t_end, *case["current_times"], *[x[0] for x in case["inputs"]]})
    inputs = sorted(case["inputs"], key=lambda x: x[0])
    y = list(case["y0"])
    t, k_in = 0.0, 0
    spikes = []
    V_grid = np.full(grid.size, np.nan)
    refr_until = -1.0
    t_ref = model.p.get("t_ref", 0.0)

    def ev(tt, yy):
        return yy[0] - model.threshold
    ev.direction = 1
    ev.terminal = model.terminal

    while t < t_end:
        while k_in < len(inputs) and inputs[k_in][0] <= t:
            _, port, w = inputs[k_in]
            for idx in model.ports[port]:
                if isinstance(idx, tuple):
                    y[idx[0]] += w * idx[1]
                else:
                    y[idx] += w
            k_in += 1
        t_next = min(b for b in breaks if b > t)
        I = current_at(case, t)
        clamped = model.terminal and t < refr_until
        if clamped:
            t_next = min(t_next, refr_until)
            sol = solve_ivp(lambda tt, yy: model.rhs(tt, yy, I, clamped=True), (t, t_next), y, method=method,
                            rtol=rtol, atol=atol, dense_output=True)
        else:
            sol = solve_ivp(lambda tt, yy: model.rhs(tt, yy, I), (t, t_next), y, method=method, rtol=rtol,
                            atol=atol, dense_output=True, events=ev)
        if not sol.success:
            raise RuntimeError(sol.message)
        fired = (not clamped) and model.terminal and sol.t_events[0].size > 0
        if not clamped:
            for ts in sol.t_events[0]:
                if not spikes or ts >= spikes[-1] + model.block:
                    spikes.append(float(ts))
        t_stop = float(sol.t_events[0][0]) if fired else t_next
        sel = (grid >= t) & (grid <= t_stop)
        if sel.any():
            V_grid[sel] = sol.sol(grid[sel])[0]
        if fired:
            y = list(sol.sol(t_stop))
            if hasattr(model, "v_switch"):
                # V as the independent variable from V_switch to V_peak.
                t_peak, y = model.climb(t_stop, y, I, method, rtol, atol, grid, V_grid, t_next)
                spikes[-1] = t_peak
                t_stop = t_peak
            y = model.reset(y)
            refr_until = t_stop + t_ref
        else:
            y = list(sol.y[:, -1])
        t = t_stop
    return V_grid, spikes


def cases():
    out = []
    # hh_traub: synaptic input on both ports plus a current step; starts as in SPEC C.4 (mean).
    out.append(dict(
        name="hh_traub_syn", model="hh_traub", params={}, t_end=100.0,
        y0=[-65.0, 0.0, 0.0, 0.0, 0.0, 0.0],
        initial={"V_m": -65.0, "m": 0.0, "h": 0.0, "n": 0.0},
        current_times=[40.0, 80.0], current_values=[150.0, 0.0],
        inputs=[(5.0, "exc", 6.0), (12.0, "exc", 6.0), (12.0, "exc", 6.0), (20.0, "inh", 67.0), (55.0, "exc", 30.0),
                (60.0, "inh", 67.0), (85.0, "exc", 20.0)],
    ))
    # hh at 16.3 degC (q10 = 3) with a step current, from the steady state at -65 mV.
    m = HH()
    V0 = -65.0
    a = [0.1 * m.vtrap(-(V0 + 40.0), 10.0), 4.0 * math.exp(-(V0 + 65.0) / 18.0), 0.07 * math.exp(-(V0 + 65.0) / 20.0),
         1.0 / (math.exp(-(V0 + 35.0) / 10.0) + 1.0), 0.01 * m.vtrap(-(V0 + 55.0), 10.0),
         0.125 * math.exp(-(V0 + 65.0) / 80.0)]
    g0 = [a[0] / (a[0] + a[1]), a[2] / (a[2] + a[3]), a[4] / (a[4] + a[5])]
    out.append(dict(
        name="hh_q10", model="hh", params={"celsius": 16.3}, t_end=60.0,
        y0=[V0, *g0, 0.0, 0.0], initial={"V_m": V0, "m": g0[0], "h": g0[1], "n": g0[2]},
        current_times=[5.0, 45.0], current_values=[1500.0, 0.0], inputs=[(50.0, "exc", 50.0)],
    ))
    # adex, NEST defaults: adapting spike train under a current step plus synaptic input.
    out.append(dict(
        name="adex_default", model="adex", params={}, t_end=250.0, y0=[-70.6, 0.0, 0.0, 0.0],
        initial={},
        current_times=[10.0, 210.0], current_values=[800.0, 0.0],
        inputs=[(5.0, "exc", 20.0), (100.0, "inh", 30.0), (150.0, "exc", 50.0)],
    ))
    # adex with refractoriness, a higher V_peak and other adaptation.
    out.append(dict(
        name="adex_refractory", model="adex", params={"t_ref": 2.0, "V_peak": 10.0, "a": 2.0, "b": 40.0},
        t_end=150.0, y0=[-70.6, 0.0, 0.0, 0.0], initial={},
        current_times=[10.0, 130.0], current_values=[1200.0, 0.0], inputs=[(60.0, "exc", 40.0)],
    ))
    # lif_multisyn: a single NMDA EPSP at rest and on a depolarised membrane (no spikes).
    for name, I_e in (("nmda_epsp_rest", 0.0), ("nmda_epsp_depolarised", 250.0)):
        mm = Multisyn(V_th=100.0, I_e=I_e)
        V0 = -70.0 + I_e / 16.7
        out.append(dict(
            name=name, model="lif_multisyn", params={"V_th": 100.0, "I_e": I_e}, t_end=400.0,
            y0=[V0] + [0.0] * 9, initial={"V_m": V0},
            current_times=[], current_values=[], inputs=[(10.0, "nmda", 2.0)],
        ))
        del mm
    # lif_multisyn: every port, taus from 0.1 ms (AMPA) to 100 ms (NMDA), sub-threshold.
    out.append(dict(
        name="multisyn_all_ports", model="lif_multisyn", params={"tau_ampa": 0.1, "V_th": 100.0}, t_end=200.0,
        y0=[-70.0] + [0.0] * 9, initial={},
        current_times=[150.0, 170.0], current_values=[100.0, 0.0],
        inputs=[(5.0, "ampa", 40.0), (5.0, "nmda", 1.0), (20.0, "gaba_a", 5.0), (30.0, "gaba_b", 2.0),
                (40.0, "current_exp", 200.0), (60.0, "current_alpha", -150.0), (60.1, "ampa", 80.0),
                (100.0, "nmda", 3.0), (100.0, "ampa", 20.0)],
    ))
    # lif_multisyn spiking: reset + refractory with conductance input.
    out.append(dict(
        name="multisyn_spiking", model="lif_multisyn", params={}, t_end=120.0, y0=[-70.0] + [0.0] * 9, initial={},
        current_times=[10.0, 100.0], current_values=[320.0, 0.0],
        inputs=[(30.0, "ampa", 10.0), (50.0, "nmda", 5.0), (70.0, "gaba_a", 10.0)],
    ))
    return out


MODELS = {"hh_traub": Traub, "hh": HH, "adex": AdEx, "lif_multisyn": Multisyn}


def main():
    result = {
        "description": "GENERATED SciPy references for brainsim point-neuron models (see generator docstring)",
        "grid_dt_ms": 0.1,
        "cases": [],
        "provenance": {
            "generator": "tests/data/models/make_models_reference.py",
            "date": date.today().isoformat(),
            "reference_integrator": "scipy solve_ivp DOP853 rtol 1e-12 atol 1e-12, restarted at discontinuities",
            "check_integrator": "scipy solve_ivp Radau rtol 1e-10 atol 1e-12",
            "environment": {"python": platform.python_version(), "numpy": np.__version__, "scipy": scipy.__version__,
                            "platform": platform.platform()},
        },
    }
    for case in cases():
        model = MODELS[case["model"]](**case["params"])
        case["grid"] = [round(0.1 * k, 10) for k in range(int(round(case["t_end"] / 0.1)) + 1)]
        V, spikes = simulate(model, case, "DOP853", 1e-12, 1e-12)
        Vc, spikes_c = simulate(model, case, "Radau", 1e-10, 1e-12)
        dV = float(np.max(np.abs(V - Vc)))
        ds = float(max((abs(a - b) for a, b in zip(spikes, spikes_c)), default=0.0))
        if len(spikes) != len(spikes_c):
            raise RuntimeError(f"{case['name']}: DOP853 and Radau disagree on the spike count")
        print(f"{case['name']:28s} spikes {len(spikes):3d}  max|dV| DOP853-Radau {dV:.2e} mV, "
              f"max|dt_spike| {ds:.2e} ms", file=sys.stderr)
        result["cases"].append({
            "name": case["name"], "model": case["model"], "params": case["params"], "initial": case["initial"],
            "t_end": case["t_end"], "current_times": case["current_times"], "current_values": case["current_values"],
            "inputs": [list(x) for x in case["inputs"]],
            "V_m": [float(x) for x in V], "spike_times": spikes,
            "check": {"max_abs_dV_dop853_vs_radau_mV": dV, "max_abs_dspike_dop853_vs_radau_ms": ds},
        })
    with open(os.path.join(HERE, "models_reference.json"), "w") as f:
        json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
