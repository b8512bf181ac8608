"""Stiff test problems against published reference values (tests/data/stiff).

Accuracy measure (Test Set for IVP Solvers style): significant correct digits
    scd = min_i -log10(|y_i - ref_i| / |ref_i|)
over the components whose reference magnitude exceeds the absolute tolerance used; components
below it (E5's y1, y4 are 0 in double precision) are only required to be within atol in absolute
value. atol = rtol * s with s the smallest magnitude of a component that must be resolved at
t_end (ROBER to 1e11: y2 ~ 8e-14 -> s = 1e-14; HIRES: y3 ~ 6e-5 -> 1e-6; VDPOL: y2 ~ 9e-4 -> 1e-6;
OREGO: all O(1) or larger -> 1e-2; E5: y2 = y3 ~ 9e-23 -> 1e-24). The criterion is
scd >= -log10(rtol) - 1.5 for rtol in 1e-4 ... 1e-8.

Known shortfalls (strict xfail, so a fix shows up):
 * E5 to t = 1e13: every method loses the linear invariant y2 - y3 - y4 = 0 during the y2 ~ 1e-10
   transient (t ~ 3e2 ... 6e3; before t = 300 the drift is < 5e-25) and keeps the offset, so
   y2 = y3 ~ 9e-23 at t_end carry O(1) relative errors. Measured (rodas4, atol as here):
   drift 2.8e-22 / y2 error 230 % at rtol 1e-6, 7.4e-23 / 48 % at rtol 1e-8. With the Test Set's
   own E5 setting atol = 1.11e-24 (deTestSet ex_e5) it is the same: 1.2e-22 / 85 % and
   3.9e-23 / 23 %. The invariant is exact for a Rosenbrock step in exact arithmetic (c^T J = 0, and
   f3 = f2 - f4 as in the Test Set's feval), so this is round-off, but not only in the stage
   solves: one step of iterative refinement per stage solve (residual in long double) cut ROS2's
   drift 40x (6.0e-24 -> 1.5e-25 at rtol 1e-6, y2 error 3.4 % -> 0.085 %) and left ROS3P, RODAS3
   and RODAS4 unchanged, so it was not adopted. For comparison: a 4-component SciPy Radau run at
   rtol 1e-13 drifts by 9e-26 and the Test Set's RADAU reference (extended precision, rtol 1e-18)
   by 1.3e-25 (tests/data/stiff/e5.json notes); Hairer's RODAS could not be run here (no Fortran
   compiler), so whether it does better at atol 1.7e-24 is not known.
 * ROS3P on OREGO: ROS3P is only A-stable (|R(inf)| = 0.73) and its embedded solution coincides
   with the main one on linear problems, so its error estimate misses the stiff linear error.
 * ROS2 on OREGO: the first-order error estimate gives ~0.25 digit less than asked.
"""

import json
import math
from pathlib import Path

import pytest

from brainsim.solve import solve

DATA = Path(__file__).resolve().parents[2] / "data" / "stiff"

CASES = {
    "rober_t40": ("rober", "rober_t40.json", 1e-6),
    "rober_t1e11": ("rober", "rober_t1e11.json", 1e-14),
    "hires": ("hires", "hires.json", 1e-6),
    "vdpol_mu1000": ("vdpol", "vdpolm_mu1000_t2000.json", 1e-6),
    "vdpol_scaled": ("vdpol_scaled", "vdpol_eps1e-6_t2.json", 1e-6),
    "orego": ("orego", "orego.json", 1e-2),
    "e5": ("e5", "e5.json", 1e-24),
}
METHODS = ["ros2", "ros3p", "rodas3", "rodas4"]
RTOLS = [1e-4, 1e-5, 1e-6, 1e-7, 1e-8]

KNOWN_FAIL = {("e5", m) for m in METHODS} | {("orego", "ros3p"), ("orego", "ros2")}


def scd(y, ref, atol):
    digits = []
    for a, b in zip(y, ref):
        if abs(b) <= atol:
            assert abs(a - b) <= atol, f"tiny component: |{a} - {b}| > atol {atol}"
            continue
        err = abs(a - b) / abs(b)
        digits.append(-math.log10(max(err, 1e-17)))
    return min(digits)


def params():
    out = []
    for case in CASES:
        for m in METHODS:
            marks = []
            if (case, m) in KNOWN_FAIL:
                marks.append(pytest.mark.xfail(strict=True, reason="known shortfall, see module docstring"))
            if m == "ros2" and case in ("vdpol_mu1000", "vdpol_scaled", "rober_t1e11", "hires"):
                marks.append(pytest.mark.slow)  # 2nd order: up to ~1e6 steps at rtol 1e-8
            out.append(pytest.param(case, m, marks=marks, id=f"{case}-{m}"))
    return out


@pytest.mark.parametrize("case,method", params())
def test_significant_digits(case, method):
    problem, fname, scale = CASES[case]
    ref = json.loads((DATA / fname).read_text())
    t_end = ref["t_end"]
    values = ref["reference"]["values"]
    for rtol in RTOLS:
        atol = rtol * scale
        r = solve(problem, method, t_end, rtol=rtol, atol=atol, record=False)
        d = scd(r.y_end, values, atol)
        assert d >= -math.log10(rtol) - 1.5, f"rtol {rtol:g}: {d:.2f} digits"


def test_problem_definitions_match_reference_files():
    """Initial values and parameters of the built-in problems are those of the data files."""
    from brainsim.solve import problem_info

    for case, (problem, fname, _) in CASES.items():
        ref = json.loads((DATA / fname).read_text())
        info = problem_info(problem)
        assert info["y0"] == pytest.approx(ref["y0"], rel=0, abs=0), case
        p = {k: v for k, v, *_ in info["params"]}
        for k, v in ref.get("parameters", {}).items():
            key = {"k1": "k1", "k2": "k2", "k3": "k3", "mu": "mu", "eps": "eps", "s": "s", "q": "q", "w": "w",
                   "A": "A", "B": "B", "C": "C", "M*C": "CM"}.get(k)
            if key is not None:
                assert p[key] == v, (case, k)
