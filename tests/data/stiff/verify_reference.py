#!/usr/bin/env python3
"""Reference solutions of classic stiff ODE test problems, and their check.

For each problem this script
  1. holds the published reference value(s) at t_end, copied digit for digit
     from the source named next to it (nothing here is made up: where no
     published value exists the entry says "generated");
  2. integrates the problem independently with SciPy (Radau at rtol 1e-12 and
     1e-13, BDF and LSODA at rtol 1e-12, analytic Jacobians, tiny atol);
  3. reports, per component, the number of matching significant digits
     between each published value and the SciPy results;
  4. writes one JSON file per problem next to this script
     (problem definition + published values + source + SciPy check).

Usage:  python3 verify_reference.py            # check and (re)write the JSON files
        python3 verify_reference.py --no-write # check only, print the table

Runs single-threaded, about 1-2 minutes in total.
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
sys.path.insert(0, HERE)
import problems as P  # noqa: E402

# ---------------------------------------------------------------------------
# Sources (what each published value was copied from)
# ---------------------------------------------------------------------------
TESTSET_REPORT = ("F. Mazzia, C. Magherini et al., 'Test Set for IVP Solvers', "
                  "Release 2.4, Univ. of Bari (https://archimede.uniba.it/~testset/), "
                  "problem section and Fortran source file; the reference solution is "
                  "the body of subroutine `solut`")
HAIRER_TESTSET = ("E. Hairer, stiff test problems accompanying Hairer & Wanner, "
                  "'Solving ODEs II' (2nd ed., 1996), Sect. IV.10; files "
                  "http://www.unige.ch/~hairer/testset/stiff/<problem>/ (res_exact_*)")

SRC = {
    "testset_rober": {
        "document": TESTSET_REPORT + " -- Problem ROBER (rober.f, $Id: rober.F,v 1.2 2006/10/02$)",
        "comment_in_source": "computed using double precision RADAU on an Alphaserver DS20E; "
                             "uround = 1.01d-19, rtol = atol = h0 = 1.1d-18",
        "copy_read": "Test Set rober.f as redistributed with D.R. Reynolds' Jan 2013 note "
                     "('All other routines remain untouched'); identical values in "
                     "rforge/bvpsolve pkg/deTestSet/R/ex_reference.R (R package deTestSet, "
                     "Soetaert/Cash/Mazzia) and in mikael-s-persson/ReaK test problems",
    },
    "testset_hires": {
        "document": TESTSET_REPORT + " -- Problem HIRES (hires.f, $Id: hires.F,v 1.2 2006/10/02$)",
        "comment_in_source": "computed using true double precision RADAU5 on Cray C90; "
                             "uround = 1.01d-19, rtol = atol = h0 = 1.1d-18",
        "copy_read": "volpatto/pside problems/HIRES/hires.f (commit f00d105), subroutine solut; "
                     "identical in rforge/bvpsolve pkg/deTestSet/R/ex_reference.R",
    },
    "testset_vdpol": {
        "document": TESTSET_REPORT + " -- Problem VDPOL (vdpol.f, $Id: vdpol.F,v 1.2 2006/10/02$)",
        "comment_in_source": "computed using double precision RADAU on an Alphaserver DS20E; "
                             "uround = 1.01d-19, rtol = atol = h0 = 1.1d-18",
        "copy_read": "volpatto/pside problems/VdPol/vdpol.f (commit f00d105), subroutine solut",
    },
    "testset_vdpolm": {
        "document": TESTSET_REPORT + " -- Problem VDPOLM 'Van der Pol modified' "
                    "(vdpolm.f, $Id: vdpolm.F,v 1.2 2006/10/02$)",
        "comment_in_source": "computed using double precision RADAU on an Alphaserver DS20E; "
                             "uround = 1.01d-19, rtol = atol = h0 = 1.1d-18",
        "copy_read": "volpatto/pside problems/VdPol/vdpolm.f (commit f00d105), subroutine solut; "
                     "identical in rforge/bvpsolve pkg/deTestSet/R/ex_reference.R ('vdpol')",
    },
    "testset_orego": {
        "document": TESTSET_REPORT + " -- Problem OREGO (orego.f, $Id: orego.F,v 1.4 2006/10/06$)",
        "comment_in_source": "computed using double precision RADAU on an Alphaserver DS20E; "
                             "uround = 1.01d-19, rtol = h0 = 1.1d-18, atol = 1.1d-40",
        "copy_read": "Test Set orego.f as redistributed with D.R. Reynolds' Jan 2013 note "
                     "('All other routines remain untouched'); identical in "
                     "rforge/bvpsolve pkg/deTestSet/R/ex_reference.R",
    },
    "testset_e5": {
        "document": TESTSET_REPORT + " -- Problem E5 (e5.f, $Id: e5.F,v 1.3 2006/10/03$)",
        "comment_in_source": "computed using double precision RADAU on an Alphaserver DS20E; "
                             "uround = 1.01d-19, rtol = h0 = 1.1d-18, atol = 1.1d-40",
        "copy_read": "Test Set e5.f as redistributed with D.R. Reynolds' Jan 2013 note "
                     "('All other routines remain untouched'); identical in "
                     "rforge/bvpsolve pkg/deTestSet/R/ex_reference.R",
    },
    "hairer_vdpol": {
        "document": HAIRER_TESTSET + " -- vdpol/res_exact_pic, 2nd output point (x = 2; "
                    "outputs at x = 1, 2, ..., 11; eps = 1e-6, y0 = (2, 0))",
        "copy_read": "cpmech/hwode tests/data/vdp_exact.txt (commit 6d7b314), values 3-4; the same "
                     "numbers are quoted with the URL above in Scilab/Matlab drivers found by the "
                     "code search",
    },
    "hairer_orego": {
        "document": HAIRER_TESTSET + " -- orego reference file, last output point (x = 360; "
                    "outputs at x = 30, 60, ..., 360)",
        "copy_read": "cpmech/hwode tests/data/ore_exact.txt (commit 6d7b314), last 3 values",
    },
    "hairer_hires": {
        "document": HAIRER_TESTSET + " -- hires reference file, first output point (x = 321.8122)",
        "copy_read": "cpmech/hwode tests/data/hir_exact.txt (commit 6d7b314), first 8 values "
                     "(printed with 15 decimals in fixed format)",
    },
    "hairer_e5": {
        "document": HAIRER_TESTSET + " -- e5 reference file, last output point (x = 1e13; "
                    "outputs at x = 10, 1e3, 1e5, ..., 1e13)",
        "copy_read": "cpmech/hwode tests/data/e5_exact.txt (commit 6d7b314), last 4 values; the same "
                     "numbers appear in NCAR micm E5 tests and a Cash MEBDF Matlab driver",
    },
    "mebdf_rober": {
        "document": "SOLN table in a Matlab port (Aug 2005) of J.R. Cash's MEBDF driver for the "
                    "Robertson problem (outputs at x = 1, 10, ..., 1e11), 12th entry",
        "copy_read": "found by the code search (index id 2405896777; repository not resolved); "
                     "identical numbers in NCAR micm Robertson tests. Origin of the digits not "
                     "traceable further -> secondary",
    },
    "enright_pryce_d2": {
        "document": "W.H. Enright & J.D. Pryce, 'Two FORTRAN packages for assessing initial value "
                    "methods', ACM TOMS 13(1):1-27 (1987), Algorithm 648 (Toronto stiff test set, "
                    "the 'stiff DETEST' of Enright, Hull & Lindberg, BIT 15 (1975) 10-48): "
                    "subroutine EVALU ('true' solution at the endpoint), problem D2, x_end = 40",
        "copy_read": "DVODE_F90 demo stiffoptions.f90 ('Toronto Stiff Test Set', from ACM Alg. 648), "
                     "index id 1862606152. D2 is ROBER in scaled variables z1 = y1, z2 = 1e4*y2, "
                     "z3 = 1e2*y3 (z1' = -0.04 z1 + 0.01 z2 z3, z2' = 400 z1 - 100 z2 z3 - 3000 z2^2, "
                     "z3' = 30 z2^2, z(0) = (1,0,0)); published z = (7.158270687193941D-01, "
                     "9.185534764557338D-02, 2.841637457458413D+01). The values below are the "
                     "same digits with the decimal point moved (y2 = z2/1e4, y3 = z3/1e2), "
                     "which is exact",
    },
}

# ---------------------------------------------------------------------------
# Problems with their published values
# ---------------------------------------------------------------------------
PROBLEMS = [
    {
        "file": "rober_t1e11.json",
        "name": "ROBER",
        "title": "Robertson chemical kinetics (Robertson 1966), Test Set for IVP Solvers form",
        "f": P.rober_f, "jac": P.rober_jac,
        "equations": ["y1' = -k1*y1 + k2*y2*y3",
                      "y2' =  k1*y1 - k2*y2*y3 - k3*y2^2",
                      "y3' =  k3*y2^2"],
        "parameters": {"k1": 0.04, "k2": 1.0e4, "k3": 3.0e7},
        "y0": [1.0, 0.0, 0.0], "t0": 0.0, "t_end": 1.0e11,
        "atol": 1e-22,
        "published": [
            ("testset_rober", ["0.2083340149701255D-07", "0.8333360770334713D-13",
                               "0.9999999791665050D+00"]),
            ("mebdf_rober", ["0.2083340149701284E-07", "0.8333360770334744E-13",
                             "0.9999999791665152E+00"]),
        ],
        "notes": ["Invariant: y1 + y2 + y3 = 1.",
                  "Hairer-Wanner use the same equations (HW II, Sect. IV.1 eq. (1.3) and IV.10)."],
    },
    {
        "file": "rober_t40.json",
        "name": "ROBER",
        "title": "Robertson chemical kinetics at t = 40 (Hairer-Wanner / stiff DETEST D2 end point)",
        "f": P.rober_f, "jac": P.rober_jac,
        "equations": ["y1' = -k1*y1 + k2*y2*y3",
                      "y2' =  k1*y1 - k2*y2*y3 - k3*y2^2",
                      "y3' =  k3*y2^2"],
        "parameters": {"k1": 0.04, "k2": 1.0e4, "k3": 3.0e7},
        "y0": [1.0, 0.0, 0.0], "t0": 0.0, "t_end": 40.0,
        "atol": 1e-22,
        "published": [
            ("enright_pryce_d2", ["0.7158270687193941", "0.9185534764557338E-05",
                                  "0.2841637457458413"]),
        ],
        "notes": ["No value at t = 40 printed in Hairer & Wanner could be located in the searched "
                  "material (their book shows ROBER only in figures); the published value used is "
                  "the Enright-Pryce stiff DETEST D2 'true solution', which is the same IVP in "
                  "scaled variables (see source).",
                  "Invariant: y1 + y2 + y3 = 1."],
    },
    {
        "file": "hires.json",
        "name": "HIRES",
        "title": "High Irradiance RESponse (Schaefer 1975), Test Set for IVP Solvers / Hairer-Wanner",
        "f": P.hires_f, "jac": P.hires_jac,
        "equations": ["y1' = -1.71*y1 + 0.43*y2 + 8.32*y3 + 0.0007",
                      "y2' =  1.71*y1 - 8.75*y2",
                      "y3' = -10.03*y3 + 0.43*y4 + 0.035*y5",
                      "y4' =  8.32*y2 + 1.71*y3 - 1.12*y4",
                      "y5' = -1.745*y5 + 0.43*y6 + 0.43*y7",
                      "y6' = -280*y6*y8 + 0.69*y4 + 1.71*y5 - 0.43*y6 + 0.69*y7",
                      "y7' =  280*y6*y8 - 1.81*y7",
                      "y8' = -280*y6*y8 + 1.81*y7"],
        "parameters": {},
        "y0": [1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0057], "t0": 0.0, "t_end": 321.8122,
        "atol": 1e-20,
        "published": [
            ("testset_hires", ["0.7371312573325668D-3", "0.1442485726316185D-3",
                               "0.5888729740967575D-4", "0.1175651343283149D-2",
                               "0.2386356198831331D-2", "0.6238968252742796D-2",
                               "0.2849998395185769D-2", "0.2850001604814231D-2"]),
            ("hairer_hires", ["0.000737131257332567", "0.000144248572631618",
                              "0.000058887297409676", "0.001175651343283149",
                              "0.002386356198831330", "0.006238968252742796",
                              "0.002849998395185769", "0.002850001604814231"]),
        ],
        "notes": ["Invariant: y7 + y8 = 0.0057."],
    },
    {
        "file": "vdpol_eps1e-6_t2.json",
        "name": "VDPOL",
        "title": "Van der Pol, Hairer-Wanner scaling eps = 1/mu^2 = 1e-6 (mu = 1000), t_end = 2",
        "f": P.vdpol_f, "jac": P.vdpol_jac,
        "equations": ["y1' = y2",
                      "y2' = ((1 - y1^2)*y2 - y1)/eps"],
        "parameters": {"eps": 1.0e-6},
        "y0": [2.0, 0.0], "t0": 0.0, "t_end": 2.0,
        "atol": 1e-14,
        "published": [
            ("testset_vdpol", ["0.1706167732170483D+01", "-0.8928097010247975D+00"]),
            ("hairer_vdpol", ["0.1706167732170456E+01", "-0.8928097010248257E+00"]),
        ],
        "notes": ["Initial values exactly (2, 0) in both sources (not the smooth-start "
                  "y2(0) = -2/3 + ... used elsewhere).",
                  "Same trajectory as VDPOLM (mu = 1000, t_end = 2000) under t = mu*s: "
                  "y1 equal, y2(VDPOL) = mu * y2(VDPOLM)."],
    },
    {
        "file": "vdpolm_mu1000_t2000.json",
        "name": "VDPOLM",
        "title": "Van der Pol, unscaled mu = 1000 ('Van der Pol modified' of the Test Set), t_end = 2000",
        "f": P.vdpolm_f, "jac": P.vdpolm_jac,
        "equations": ["y1' = y2",
                      "y2' = mu*(1 - y1^2)*y2 - y1"],
        "parameters": {"mu": 1.0e3},
        "y0": [2.0, 0.0], "t0": 0.0, "t_end": 2000.0,
        "atol": 1e-14,
        "published": [
            ("testset_vdpolm", ["0.1706167732170469D+001", "-0.8928097010248125D-003"]),
        ],
        "notes": ["Equivalent to VDPOL (eps = 1e-6, t_end = 2) by t = 1000*s."],
    },
    {
        "file": "orego.json",
        "name": "OREGO",
        "title": "Oregonator (Field & Noyes 1974), Test Set for IVP Solvers / Hairer-Wanner",
        "f": P.orego_f, "jac": P.orego_jac,
        "equations": ["y1' = s*(y2 + y1*(1 - q*y1 - y2))",
                      "y2' = (y3 - (1 + y1)*y2)/s",
                      "y3' = w*(y1 - y3)"],
        "parameters": {"s": 77.27, "q": 8.375e-6, "w": 0.161},
        "y0": [1.0, 2.0, 3.0], "t0": 0.0, "t_end": 360.0,
        "atol": 1e-14,
        "published": [
            ("testset_orego", ["0.1000814870318523D+001", "0.1228178521549917D+004",
                               "0.1320554942846706D+003"]),
            ("hairer_orego", ["0.1000814870318523E+01", "0.1228178521549889E+04",
                              "0.1320554942846513E+03"]),
        ],
        "notes": [],
    },
    {
        "file": "e5.json",
        "name": "E5",
        "title": "E5 chemical pyrolysis (stiff DETEST E5, Enright-Hull-Lindberg 1975), "
                 "Test Set for IVP Solvers / Hairer-Wanner form, t_end = 1e13",
        "f": P.e5_f, "jac": P.e5_jac,
        "equations": ["y1' = -A*y1 - B*y1*y3",
                      "y2' =  A*y1 - M*C*y2*y3",
                      "y3' =  A*y1 - M*C*y2*y3 - B*y1*y3 + C*y4",
                      "y4' =  B*y1*y3 - C*y4"],
        "parameters": {"A": 7.89e-10, "B": 1.1e7, "C": 1.13e3, "M": 1.0e6, "M*C": 1.13e9},
        "y0": [1.76e-3, 0.0, 0.0, 0.0], "t0": 0.0, "t_end": 1.0e13,
        "atol": 1e-40,
        "published": [
            ("testset_e5", ["0.1152903278711829D-290", "0.8867655517642120D-022",
                            "0.8854814626268838D-022", "0.0000000000000000D+000"]),
            ("hairer_e5", ["0.0000000000000000000D-000", "8.8612334976263783420D-023",
                           "8.8612334976263783421D-023", "0.0000000000000000000D-000"]),
        ],
        "notes": [],  # filled in below from the computation
    },
]


# ---------------------------------------------------------------------------
def fortran_to_float(s):
    return float(s.replace("D", "E").replace("d", "e"))


def digits(ref, val):
    """Matching significant digits -log10(|val-ref|/|ref|) (17 if identical)."""
    if ref == 0.0:
        return None
    d = abs(val - ref)
    if d == 0.0:
        return 17.0
    return round(-math.log10(d / abs(ref)), 2)


def integrate(prob, method, rtol, f=None, jac=None, y0=None, atol=None):
    f = f or prob["f"]
    jac = jac or prob["jac"]
    y0 = np.array(y0 if y0 is not None else prob["y0"], dtype=float)
    kw = dict(method=method, rtol=rtol, atol=atol if atol is not None else prob["atol"])
    if method in ("Radau", "BDF", "LSODA"):
        kw["jac"] = jac
    t0 = time.time()
    sol = solve_ivp(f, (prob["t0"], prob["t_end"]), y0, **kw)
    if sol.status != 0:
        return {"method": method, "rtol": rtol, "atol": kw["atol"], "failed": sol.message}
    return {"method": method, "rtol": rtol, "atol": kw["atol"], "nfev": int(sol.nfev),
            "nsteps": int(len(sol.t) - 1), "cpu_s": round(time.time() - t0, 2),
            "y_end": [float(v) for v in sol.y[:, -1]]}


# E5 in reduced form: y3 = y2 - y4 is an exact linear invariant of the IVP
# (d/dt(y2 - y3 - y4) = 0 and all three start at 0).  Integrating (y1, y2, y4)
# and setting y3 = y2 - y4 removes the round-off drift of that invariant, which
# in the full 4-component integration is ~1e-26 per step at the peak (y2 ~ 1e-10)
# and ends up as a spurious y2 - y3 ~ 1e-25 at t = 1e13 where y2, y3 ~ 1e-22.
def e5_reduced_f(t, z):
    y1, y2, y4 = z
    y3 = y2 - y4
    A, B, CM, C = P.E5_A, P.E5_B, P.E5_CM, P.E5_C
    return np.array([-A * y1 - B * y1 * y3, A * y1 - CM * y2 * y3, B * y1 * y3 - C * y4])


def e5_reduced_jac(t, z):
    y1, y2, y4 = z
    y3 = y2 - y4
    A, B, CM, C = P.E5_A, P.E5_B, P.E5_CM, P.E5_C
    return np.array([
        [-A - B * y3, -B * y1, B * y1],
        [A, -CM * (y3 + y2), CM * y2],
        [B * y3, B * y1, -B * y1 - C],
    ])


def e5_extra(prob):
    """Reduced-form integrations + a semi-analytic tail check for E5."""
    out = {}
    runs = []
    for method, rtol in (("Radau", 1e-12), ("Radau", 1e-13), ("BDF", 1e-12), ("LSODA", 1e-12)):
        r = integrate(prob, method, rtol, f=e5_reduced_f, jac=e5_reduced_jac,
                      y0=[1.76e-3, 0.0, 0.0], atol=1e-40)
        y1, y2, y4 = r["y_end"]
        r["y_end"] = [y1, y2, y2 - y4, y4]
        r["form"] = "reduced (y1, y2, y4), y3 = y2 - y4"
        runs.append(r)
    out["reduced_runs"] = runs
    # tail: for t >= t1 = 1e11, y1 < 1e-40 and y4 ~ 0, so y3 = y2 and y2' = -M*C*y2^2
    # (the A*y1 source is < 1e-50, against M*C*y2^2 ~ 1e-31): y2(T) = 1/(1/y2(t1) + M*C*(T - t1)).
    prob_t1 = dict(prob, t_end=1.0e11)
    r1 = integrate(prob_t1, "Radau", 1e-13, f=e5_reduced_f, jac=e5_reduced_jac,
                   y0=[1.76e-3, 0.0, 0.0], atol=1e-40)
    y2_t1 = r1["y_end"][1]
    y2_tail = 1.0 / (1.0 / y2_t1 + P.E5_CM * (1.0e13 - 1.0e11))
    out["tail_check"] = {
        "y2_at_1e11_scipy_reduced_radau_rtol1e-13": y2_t1,
        "y1_at_1e11": r1["y_end"][0],
        "formula": "y2(1e13) = y3(1e13) = 1/(1/y2(1e11) + M*C*(1e13 - 1e11))",
        "value": y2_tail,
    }
    # analytic bound on y1: y1' = -(A + B*y3)*y1 with y3 >= 0 -> y1(t) <= y1(0)*exp(-A*t)
    out["y1_bound_log10"] = math.log10(1.76e-3) - P.E5_A * 1.0e13 / math.log(10.0)
    return out


def main(write=True):
    today = date.today().isoformat()
    env = {"python": platform.python_version(), "numpy": np.__version__,
           "scipy": scipy.__version__, "platform": platform.platform()}
    summary_rows = []
    for prob in PROBLEMS:
        print(f"== {prob['file']}", flush=True)
        runs = [integrate(prob, m, rt) for m, rt in
                (("Radau", 1e-12), ("Radau", 1e-13), ("BDF", 1e-12), ("LSODA", 1e-12))]
        extra = e5_extra(prob) if prob["name"] == "E5" else None
        primary = runs[1]  # Radau rtol 1e-13: the tightest SciPy run
        if extra is not None:
            primary = extra["reduced_runs"][1]
        pubs = []
        for key, texts in prob["published"]:
            vals = [fortran_to_float(s) for s in texts]
            agree = {}
            for r in runs + (extra["reduced_runs"] if extra else []):
                if "failed" in r:
                    continue
                tag = f"{r['method']}_rtol{r['rtol']:.0e}" + ("_reduced" if "form" in r else "")
                agree[tag] = [digits(v, y) for v, y in zip(vals, r["y_end"])]
            pubs.append({"source_key": key, "source": SRC[key], "values_text": texts,
                         "values": vals, "matching_digits_vs_scipy": agree})
            print(f"   {key:18s} digits vs Radau1e-13: {agree[[k for k in agree if k.startswith('Radau_rtol1e-13')][-1]]}")
        # spread of SciPy runs among themselves (estimate of our own error)
        own = extra["reduced_runs"] if extra else runs
        ys = np.array([r["y_end"] for r in own if "failed" not in r])
        self_digits = [digits(primary["y_end"][i], ys[:, i][np.argmax(abs(ys[:, i] - primary["y_end"][i]))])
                       for i in range(ys.shape[1])]
        rec = {
            "name": prob["name"],
            "title": prob["title"],
            "equations": prob["equations"],
            "parameters": prob["parameters"],
            "t0": prob["t0"], "t_end": prob["t_end"], "y0": prob["y0"],
            "reference": {
                "status": "published",
                "values_text": pubs[0]["values_text"],
                "values": pubs[0]["values"],
                "source": pubs[0]["source"],
            },
            "published_values": pubs,
            "scipy_check": {
                "runs": runs + (extra["reduced_runs"] if extra else []),
                "worst_agreement_digits_of_the_4_runs_vs_primary": self_digits,
                "primary_run": {k: primary[k] for k in ("method", "rtol", "atol", "y_end")},
                "environment": env,
                "script": "tests/data/stiff/verify_reference.py",
                "date": today,
            },
            "notes": list(prob["notes"]),
        }
        if extra is not None:
            rec["scipy_check"]["tail_check"] = extra["tail_check"]
            rec["scipy_check"]["y1_upper_bound_log10"] = extra["y1_bound_log10"]
            red = extra["reduced_runs"][1]["y_end"]
            y2g = red[1]
            rec["reference"] = {
                "status": "GENERATED (not a published value) -- both published values are "
                          "inaccurate in y2, y3; see notes",
                "values_text": ["0.0", repr(y2g), repr(y2g), "0.0"],
                "values": [0.0, y2g, y2g, 0.0],
                "source": {
                    "generator": "tests/data/stiff/verify_reference.py: SciPy solve_ivp Radau, "
                                 "rtol = 1e-13, atol = 1e-40, analytic Jacobian, on the reduced "
                                 "form (y1, y2, y4) with y3 := y2 - y4 (exact invariant); y1 and y4 "
                                 "set to 0 (true values < 1e-3000, see notes)",
                    "estimated_accuracy": "about 11-12 significant digits in y2 = y3 (Radau 1e-12 vs "
                                          "1e-13 and the tail formula agree to 12.8 digits; BDF and "
                                          "LSODA at 1e-12 to ~10 digits)",
                    "environment": env, "date": today,
                },
            }
            full = runs[1]["y_end"]
            tail = extra["tail_check"]["value"]
            rec["notes"] += [
                "Exact linear invariant: y2 - y3 - y4 = 0 for all t (f2 - f3 - f4 = 0 and zero initial "
                "values). At t = 1e13, y4 is ~0, hence y2 = y3 to all printed digits.",
                "Test Set values y2 = 8.867655517642120e-23, y3 = 8.854814626268838e-23 violate this "
                "invariant (y2 - y3 = 1.28e-25 while y4 = 0): each is off by ~6.4e-26 absolute "
                "(7e-4 relative; ~3.1 matching digits), although their mean 8.86123e-23 is right. "
                "Cause: round-off drift of the invariant while y2 ~ 1e-10 (absolute round-off ~1e-26 "
                "per step) in a full 4-component integration. A plain 4-component SciPy Radau run "
                f"(rtol 1e-13) drifts the same way: y2 = {full[1]:.10e}, y3 = {full[2]:.10e}.",
                "Hairer's values y2 = y3 = 8.8612334976263783e-23 respect the invariant but differ from "
                "the SciPy result by 2.7e-9 relative (8.6 matching digits). Hairer's own value at "
                "t = 1e11, y2 = 1.0192582567660293322e-20 (agrees with SciPy to 10.3 digits), pushed "
                "through the exact tail solution gives 8.8612335212874e-23, i.e. agrees with SciPy "
                "and not with Hairer's 1e13 value: the latter carries an error of ~2.7e-9 relative.",
                "Tail formula: for t >= 1e11, y1 < 1e-40 and y4 ~ 0, so y3 = y2 and y2' = -M*C*y2^2 "
                "exactly up to terms < 1e-50, hence y2(1e13) = 1/(1/y2(1e11) + M*C*(1e13 - 1e11)). "
                f"From SciPy's y2(1e11): {tail:.15e}.",
                "y1(1e13): y1' = -(A + B*y3)*y1 with y3 >= 0 gives y1(1e13) <= 1.76e-3*exp(-A*1e13) = "
                f"10^{extra['y1_bound_log10']:.1f}, i.e. exactly 0 in IEEE double. The Test Set's "
                "1.152903278711829e-290 is a numerical artefact (harmless in absolute terms); y4 "
                "(quasi-steady B*y1*y3/C) is likewise 0 in double. Compare y1 and y4 with an absolute "
                "tolerance only; Hairer's E5 driver uses atol = 1.7e-24.",
            ]
        if write:
            with open(os.path.join(HERE, prob["file"]), "w") as fh:
                json.dump(rec, fh, indent=1)
                fh.write("\n")
        summary_rows.append((prob["file"], pubs))
    return summary_rows


if __name__ == "__main__":
    main(write="--no-write" not in sys.argv)
