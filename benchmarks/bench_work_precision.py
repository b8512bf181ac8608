#!/usr/bin/env python3
"""Work-precision table: brainsim's Rosenbrock methods beside SciPy (Radau, BDF, LSODA) and
SUNDIALS CVODE (scikit-sundae, skipped when not importable) on the stiff test problems and the
HH neuron.

For each (problem, implementation, rtol): median/min/max wall time over repeats, rhs evaluations,
Jacobian evaluations, LU decompositions (where reported), and achieved significant digits at
t_end against tests/data/stiff (min over components of -log10 |rel err|, components with
|ref| <= atol skipped), or for HH the worst spike-time error in ms against tests/data/hh.
atol = rtol * scale as in tests/python/integration/test_stiff_problems.py.

brainsim rows also give "work": rhs evaluations plus analytic Jacobians, LU decompositions and
linear solves weighted by their measured cost relative to one rhs call for the HH neuron
(benchmarks/hh_kernel_cost.cpp: 1.2, 0.7, 0.2), the unit of tests/python/integration/test_stiff_hh.py.

HH cases: hh_10uA (6.3 degC, 10 uA/cm2 step, spike-time error), hh_26C_pulses (26.3 degC, 1 ms
pulses every 20 ms, tests/data/hh/hh_stiff_spikes.json, spike-time error) and hh_synapses (fast
0.1 ms + NMDA 100 ms synapses, max |V error| in mV at the release edges,
tests/data/hh/hh_synapses_reference.json); each with RK4 at several fixed steps.

Prints one JSON line per measurement, then a readable table.
    python benchmarks/bench_work_precision.py [--repeats 3] [--rtols 1e-4,1e-6,1e-8] [--problems ...]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from scipy.integrate import solve_ivp

from brainsim.solve import solve

ROOT = Path(__file__).resolve().parents[1]
STIFF = ROOT / "tests" / "data" / "stiff"
HH = ROOT / "tests" / "data" / "hh"


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


PROB = _load(STIFF / "problems.py", "stiff_problems")
HHREF = _load(HH / "make_hh_reference.py", "hh_reference")
HHSTIFF = _load(HH / "make_hh_stiff_reference.py", "hh_stiff_reference")
HHSYN = _load(HH / "make_hh_synapses_reference.py", "hh_synapses_reference")
W = {"jac": 1.2, "lu": 0.7, "solve": 0.2}

PROBLEMS = {
    # name: (brainsim name, data file, atol scale, numpy f, numpy jac)
    "rober": ("rober", "rober_t1e11.json", 1e-14, PROB.rober_f, PROB.rober_jac),
    "hires": ("hires", "hires.json", 1e-6, PROB.hires_f, PROB.hires_jac),
    "vdpol": ("vdpol", "vdpolm_mu1000_t2000.json", 1e-6, PROB.vdpolm_f, PROB.vdpolm_jac),
    "orego": ("orego", "orego.json", 1e-2, PROB.orego_f, PROB.orego_jac),
    "e5": ("e5", "e5.json", 1e-24, PROB.e5_f, PROB.e5_jac),
}

try:
    from sksundae.cvode import CVODE  # type: ignore

    HAVE_CVODE = True
except ImportError:  # pragma: no cover - optional
    HAVE_CVODE = False


def digits(y, ref, atol):
    d = []
    for a, b in zip(y, ref):
        if abs(b) <= atol:
            continue
        d.append(-math.log10(max(abs(a - b) / abs(b), 1e-17)))
    return min(d) if d else float("nan")


def _int(x):
    return None if x is None else int(x)


def timed(fn, repeats):
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return out, times


def run_brainsim(method, problem, t_end, rtol, atol, **kw):
    kw.setdefault("record", False)
    r = solve(problem, method, t_end, rtol=rtol, atol=atol, **kw)
    s = r.stats
    return {"y_end": list(r.y_end), "rhs": s["rhs_evals"], "jac": s["jac_evals"], "lu": s["lu_decomps"],
            "steps": s["accepted"], "rejected": s["rejected"], "spikes": r.spikes, "y": r.y,
            "work": r.weighted_work(**W)}


def run_scipy(method, f, jac, y0, t0, t_end, rtol, atol):
    sol = solve_ivp(f, (t0, t_end), np.asarray(y0, float), method=method, rtol=rtol, atol=atol, jac=jac)
    if sol.status != 0:
        raise RuntimeError(sol.message)
    return {"y_end": list(sol.y[:, -1]), "rhs": sol.nfev, "jac": sol.njev, "lu": sol.nlu,
            "steps": len(sol.t) - 1, "rejected": None}


def run_cvode(f, y0, t0, t_end, rtol, atol):
    def rhs(t, y, yp):
        yp[:] = f(t, y)

    s = CVODE(rhs, rtol=rtol, atol=atol, method="BDF", max_num_steps=10_000_000)
    r = s.solve(np.array([t0, t_end]), np.asarray(y0, float))
    if not r.success:
        raise RuntimeError(r.message)
    return {"y_end": list(r.y[-1]), "rhs": int(r.nfev), "jac": int(r.njev), "lu": None, "steps": len(r.t) - 1,
            "rejected": None}


def hh_scipy(method, amp, rtol, atol, segments=None):
    """HH protocol with restarts at the current steps; spike times from solve_ivp events."""
    y = np.array([HHREF.V0, *HHREF.steady_state(HHREF.V0)])
    spikes, nfev, njev, nlu = [], 0, 0, 0
    for a, b, i_ext in (segments if segments is not None else HHREF.segments(amp)):
        f, jac = HHREF.make_rhs(i_ext)
        sol = solve_ivp(f, (a, b), y, method=method, rtol=rtol, atol=atol, events=HHREF.v_cross,
                        jac=jac if method != "RK45" else None)
        spikes += list(sol.t_events[0])
        nfev += sol.nfev
        njev += sol.njev
        nlu += sol.nlu
        y = sol.y[:, -1]
    return {"y_end": list(y), "rhs": nfev, "jac": njev, "lu": nlu, "spikes": np.array(spikes)}


def hh_scipy_q10(method, case, rtol, atol):
    """The 26.3 degC pulse protocol (rates of make_hh_reference with its Q10 patched)."""
    old = HHREF.Q10
    HHREF.Q10 = case["q10"]
    try:
        return hh_scipy(method, None, rtol, atol, segments=HHSTIFF.pulse_segments(case))
    finally:
        HHREF.Q10 = old


def syn_scipy(method, rtol, atol, t_pts):
    y = np.array([HHREF.V0, *HHREF.steady_state(HHREF.V0), 0.0, 0.0])
    pts = [0.0] + HHSYN.edges() + [HHSYN.PAR["t_end_ms"]]
    ys, nfev, njev, nlu = [], 0, 0, 0
    for k in range(len(pts) - 1):
        a, b = pts[k], pts[k + 1]
        if b <= a:
            continue
        T = HHSYN.PAR["transmitter_mM"] if k % 2 == 1 else 0.0
        sol = solve_ivp(HHSYN.make_f(T), (a, b), y, method=method, rtol=rtol, atol=atol)
        if sol.status != 0:
            raise RuntimeError(sol.message)
        nfev, njev, nlu = nfev + sol.nfev, njev + sol.njev, nlu + sol.nlu
        y = sol.y[:, -1]
        ys.append(list(y))
    return {"y_end": list(y), "rhs": nfev, "jac": njev, "lu": nlu, "y": np.array(ys)}


def _cvode_rhs(f):
    def rhs(t, yy, yp):
        yp[:] = f(t, yy)
    return rhs


def syn_cvode(rtol, atol):
    y = np.array([HHREF.V0, *HHREF.steady_state(HHREF.V0), 0.0, 0.0])
    pts = [0.0] + HHSYN.edges() + [HHSYN.PAR["t_end_ms"]]
    ys, nfev, njev = [], 0, 0
    for k in range(len(pts) - 1):
        a, b = pts[k], pts[k + 1]
        T = HHSYN.PAR["transmitter_mM"] if k % 2 == 1 else 0.0
        r = CVODE(_cvode_rhs(HHSYN.make_f(T)), rtol=rtol, atol=atol, method="BDF", max_num_steps=10_000_000).solve(np.array([a, b]), y)
        if not r.success:
            raise RuntimeError(r.message)
        nfev, njev = nfev + int(r.nfev), njev + int(r.njev)
        y = np.array(r.y[-1])
        ys.append(list(y))
    return {"y_end": list(y), "rhs": nfev, "jac": njev, "lu": None, "y": np.array(ys)}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--rtols", default="1e-4,1e-6,1e-8")
    ap.add_argument("--problems", default="rober,hires,vdpol,orego,e5,hh,hh_26C_pulses,hh_synapses")
    ap.add_argument("--no-scipy", action="store_true")
    args = ap.parse_args(argv)
    rtols = [float(x) for x in args.rtols.split(",")]
    rows = []

    def emit(case, impl, rtol, res, times, acc, acc_kind):
        rec = {"suite": "work_precision", "case": case, "impl": impl, "rtol": rtol,
               "median_s": statistics.median(times), "min_s": min(times), "max_s": max(times),
               "repeats": len(times), "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
               "rhs_evals": _int(res.get("rhs")), "jac_evals": _int(res.get("jac")),
               "lu_decomps": _int(res.get("lu")), "steps": _int(res.get("steps")), acc_kind: float(acc),
               "work_rhs_equiv": res.get("work")}
        print(json.dumps(rec), flush=True)
        rows.append(rec)

    for name in args.problems.split(","):
        if name.startswith("hh"):
            continue
        bname, fname, scale, f, jac = PROBLEMS[name]
        ref = json.loads((STIFF / fname).read_text())
        vals, t_end, y0 = ref["reference"]["values"], ref["t_end"], ref["y0"]
        for rtol in rtols:
            atol = rtol * scale
            impls = [(f"brainsim.{m}", lambda m=m: run_brainsim(m, bname, t_end, rtol, atol))
                     for m in ["ros2", "ros3p", "rodas3", "rodas4"]]
            if not args.no_scipy:
                impls += [(f"scipy.{m}", lambda m=m: run_scipy(m, f, jac, y0, 0.0, t_end, rtol, atol))
                          for m in ["Radau", "BDF", "LSODA"]]
                if HAVE_CVODE:
                    impls.append(("sundials.CVODE", lambda: run_cvode(f, y0, 0.0, t_end, rtol, atol)))
            for impl, fn in impls:
                reps = args.repeats if not impl.startswith("scipy") else max(1, min(args.repeats, 1))
                try:
                    res, times = timed(fn, reps)
                except Exception as ex:  # a failing solver is a result, not a crash
                    print(json.dumps({"suite": "work_precision", "case": name, "impl": impl, "rtol": rtol,
                                      "failed": str(ex)[:200]}), flush=True)
                    continue
                emit(name, impl, rtol, res, times, digits(res["y_end"], vals, atol), "digits")

    if "hh" in args.problems.split(","):
        res_ref = [r for r in json.loads((HH / "hh_step_spikes.json").read_text())["results"]
                   if r["amplitude_uA_per_cm2"] == 10.0][0]
        amp, ref_sp = res_ref["amplitude_pA"], np.array(res_ref["spike_times_ms"])

        def sp_err(sp):
            sp = np.asarray(sp)
            return float(np.max(np.abs(sp - ref_sp))) if len(sp) == len(ref_sp) else float("inf")

        for rtol in rtols:
            impls = [(f"brainsim.{m}", lambda m=m: run_brainsim(m, "hh", 150.0, rtol, rtol, params={"amplitude": amp}))
                     for m in ["ros2", "ros3p", "rodas3", "rodas4"]]
            if not args.no_scipy:
                impls += [(f"scipy.{m}", lambda m=m: hh_scipy(m, amp, rtol, rtol)) for m in ["Radau", "BDF", "LSODA"]]
            for impl, fn in impls:
                res, times = timed(fn, args.repeats if impl.startswith("brainsim") else 1)
                emit("hh_10uA", impl, rtol, res, times, sp_err(res["spikes"]), "spike_err_ms")
        for h in [0.08, 0.05, 0.025, 0.01]:
            res, times = timed(lambda h=h: run_brainsim("rk4", "hh", 150.0, 1e-6, 1e-6, h=h, params={"amplitude": amp}),
                               args.repeats)
            emit("hh_10uA", f"brainsim.rk4(h={h})", None, res, times, sp_err(res["spikes"]), "spike_err_ms")

    if "hh_26C_pulses" in args.problems.split(","):
        case = json.loads((HH / "hh_stiff_spikes.json").read_text())["cases"][0]
        params = {"amplitude": case["amplitude_pA"], "celsius": case["celsius_degC"],
                  "pulse_period": case["pulse_period_ms"], "pulse_width": case["pulse_width_ms"],
                  "t_on": case["t_on_ms"], "t_off": case["t_off_ms"]}
        ref_sp = np.array(case["spike_times_ms"])

        def sp_err2(sp):
            sp = np.asarray(sp)
            return float(np.max(np.abs(sp - ref_sp))) if len(sp) == len(ref_sp) else float("inf")

        for rtol in rtols:
            impls = [(f"brainsim.{m}", lambda m=m: run_brainsim(m, "hh", case["t_end_ms"], rtol, rtol, params=params))
                     for m in ["rodas3", "rodas4"]]
            if not args.no_scipy:
                impls += [(f"scipy.{m}", lambda m=m: hh_scipy_q10(m, case, rtol, rtol)) for m in ["Radau", "BDF", "LSODA"]]
            for impl, fn in impls:
                res, times = timed(fn, args.repeats if impl.startswith("brainsim") else 1)
                emit("hh_26C_pulses", impl, rtol, res, times, sp_err2(res["spikes"]), "spike_err_ms")
        for h in [0.04, 0.02, 0.01, 0.005]:
            res, times = timed(lambda h=h: run_brainsim("rk4", "hh", case["t_end_ms"], 1e-6, 1e-6, h=h, params=params),
                               args.repeats)
            emit("hh_26C_pulses", f"brainsim.rk4(h={h})", None, res, times, sp_err2(res["spikes"]), "spike_err_ms")

    if "hh_synapses" in args.problems.split(","):
        syn = json.loads((HH / "hh_synapses_reference.json").read_text())
        yref = np.array(syn["y"])

        def v_err(y):
            y = np.asarray(y)
            return float(np.max(np.abs(y[:, 0] - yref[:, 0]))) if y.shape == yref.shape else float("inf")

        t_end = syn["parameters"]["t_end_ms"]
        for rtol in rtols:
            impls = [(f"brainsim.{m}", lambda m=m: run_brainsim(m, "hh_synapses", t_end, rtol, rtol, record=True,
                                                                t_eval=syn["t_ms"]))
                     for m in ["rodas3", "rodas4"]]
            if not args.no_scipy:
                impls += [(f"scipy.{m}", lambda m=m: syn_scipy(m, rtol, rtol, syn["t_ms"])) for m in ["Radau", "BDF", "LSODA"]]
                if HAVE_CVODE:
                    impls.append(("sundials.CVODE", lambda: syn_cvode(rtol, rtol)))
            for impl, fn in impls:
                res, times = timed(fn, args.repeats if impl.startswith("brainsim") else 1)
                emit("hh_synapses", impl, rtol, res, times, v_err(res["y"]), "v_err_mV")
        for h in [0.13, 0.1, 0.05, 0.02]:
            res, times = timed(lambda h=h: run_brainsim("rk4", "hh_synapses", t_end, 1e-6, 1e-6, h=h, record=True,
                                                        t_eval=syn["t_ms"]), args.repeats)
            emit("hh_synapses", f"brainsim.rk4(h={h})", None, res, times, v_err(res["y"]), "v_err_mV")

    print()
    hdr = (f"| {'case':13s} | {'impl':22s} | {'rtol':>7s} | {'rhs':>9s} | {'jac':>7s} | {'lu':>7s} | {'work':>9s} | "
           f"{'median_ms':>10s} | {'accuracy':>10s} |")
    print(hdr)
    print("|" + "|".join("-" * (len(c)) for c in hdr.split("|")[1:-1]) + "|")
    for r in rows:
        acc = r.get("digits", r.get("spike_err_ms", r.get("v_err_mV")))
        acc_s = f"{acc:10.2f}" if "digits" in r else f"{acc:10.2e}"
        rt = "" if r["rtol"] is None else f"{r['rtol']:.0e}"
        lu = "" if r["lu_decomps"] is None else str(r["lu_decomps"])
        wk = "" if r.get("work_rhs_equiv") is None else f"{r['work_rhs_equiv']:.0f}"
        print(f"| {r['case']:13s} | {r['impl']:22s} | {rt:>7s} | {r['rhs_evals']!s:>9} | {r['jac_evals']!s:>7} | {lu:>7s} | "
              f"{wk:>9s} | {1e3 * r['median_s']:10.2f} | {acc_s} |")
    print("accuracy: significant digits at t_end (stiff problems), worst spike-time error in ms (hh_10uA, "
          "hh_26C_pulses) or max |V error| in mV at the release edges (hh_synapses); work: brainsim rhs-equivalents "
          "(Jacobian 1.2, LU 0.7, solve 0.2 rhs)")
    if not HAVE_CVODE:
        print("sundials.CVODE skipped: scikit-sundae not importable", file=sys.stderr)


if __name__ == "__main__":
    main()
