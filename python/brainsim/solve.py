"""Solve a built-in ODE problem with any of brainsim's integrators.

>>> from brainsim.solve import solve
>>> r = solve("rober", "rodas4", t_end=1e11, rtol=1e-8, atol=1e-16)
>>> r.y_end, r.stats["rhs_evals"]

Problems (``problems()``): the stiff test problems ``rober``, ``hires``, ``vdpol`` (mu = 1000,
y1' = y2, y2' = mu (1 - y1^2) y2 - y1), ``vdpol_scaled`` (eps = 1e-6), ``orego``, ``e5``; the
Hodgkin-Huxley neuron ``hh`` with a step current (state V [mV], m, h, n; parameters in pF, nS,
mV, pA, ms, degC; a step current or a pulse train); ``hh_synapses``, the same neuron with a fast
(tau 0.1 ms) and an NMDA (tau 100 ms) kinetic synapse driven by transmitter pulses (state V, m,
h, n, s_fast, s_nmda); and problems with known solutions for order tests (``linear_rotation``,
``prothero_robinson``, ``coupled_decay``, ``log_decay``).

Methods (``methods()``): fixed step ``euler``, ``rk4``, ``exp_euler`` (need ``h``); Rosenbrock
``ros2``, ``ros3p``, ``rodas3``, ``rodas4`` (adaptive with ``rtol``/``atol``; or constant steps
with ``fixed_step=True`` and ``h``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from . import _core
from .errors import ConfigError

__all__ = ["SolveResult", "solve", "problems", "methods", "problem_info"]

_DIRECTIONS = {"up": 1, "rising": 1, "+": 1, 1: 1, "down": -1, "falling": -1, "-": -1, -1: -1,
               "both": 0, "either": 0, 0: 0}


@dataclass
class SolveResult:
    """What :func:`solve` returns.

    ``t`` (shape (k,)) and ``y`` (shape (k, n)) hold the recorded points (every step, or
    ``t_eval``); ``y_end`` the state at ``t_end``; ``stats`` the work counts (``rhs_evals``,
    ``jac_evals``, ``jac_rhs_evals``, ``lu_decomps``, ``lin_solves``, ``accepted``,
    ``rejected``); ``events`` one array of crossing times per requested event; ``spikes`` the
    first event's times (for ``hh`` by default the upward crossings of V through 0 mV).
    """

    problem: str
    method: str
    components: list[str]
    t: np.ndarray
    y: np.ndarray
    t_end: float
    y_end: np.ndarray
    stats: dict[str, int]
    events: list[np.ndarray] = field(default_factory=list)

    @property
    def spikes(self) -> np.ndarray | None:
        return self.events[0] if self.events else None

    def rhs_equivalent(self) -> float:
        """Work in rhs evaluations, counting an analytic Jacobian as n evaluations."""
        n = len(self.components)
        s = self.stats
        analytic = s["jac_evals"] if s["jac_rhs_evals"] == 0 else 0
        return float(s["rhs_evals"] + n * analytic)

    def weighted_work(self, jac: float, lu: float, solve: float) -> float:
        """Work in rhs evaluations with measured relative costs: each analytic Jacobian counts
        ``jac``, each LU decomposition ``lu`` and each linear solve ``solve`` rhs evaluations
        (finite-difference Jacobians are already in ``rhs_evals``)."""
        s = self.stats
        analytic = s["jac_evals"] if s["jac_rhs_evals"] == 0 else 0
        return float(s["rhs_evals"] + jac * analytic + lu * s["lu_decomps"] + solve * s["lin_solves"])


def problems() -> list[str]:
    """Names of the built-in problems."""
    return list(_core.solver_problems())


def methods() -> list[str]:
    """Names of the integration methods."""
    return list(_core.solver_methods())


def problem_info(name: str, params: Mapping[str, float] | None = None) -> dict[str, Any]:
    """Dimension, component names, default y0 and t_end, parameters (name, value, unit, doc)."""
    return dict(_core.solver_problem_info(_name(name, "problem"), _params(params)))


def _name(x: Any, what: str) -> str:
    if not isinstance(x, str):
        err = ConfigError(f"invalid value {x!r} for '{what}' (allowed: a name, see brainsim.solve.{what}s())")
        err.parameter, err.value, err.allowed = what, repr(x), "a string"
        raise err
    return x


def _floats(x: Any, what: str) -> list[float]:
    try:
        a = np.atleast_1d(np.asarray(x, dtype=float))
    except (TypeError, ValueError):
        raise ConfigError(f"invalid value {x!r} for '{what}' (allowed: a number or a 1-d sequence of numbers)") from None
    if a.ndim != 1:
        raise ConfigError(f"invalid value of shape {a.shape} for '{what}' (allowed: a scalar or a 1-d sequence)")
    return [float(v) for v in a]


def _float(x: Any, what: str) -> float:
    try:
        return float(x)
    except (TypeError, ValueError):
        raise ConfigError(f"invalid value {x!r} for '{what}' (allowed: a number)") from None


def _params(params: Mapping[str, float] | None) -> dict[str, float]:
    if params is None:
        return {}
    if not isinstance(params, Mapping):
        raise ConfigError(f"invalid value {params!r} for 'params' (allowed: a mapping name -> float)")
    out = {}
    for k, v in params.items():
        try:
            out[str(k)] = float(v)
        except (TypeError, ValueError):
            raise ConfigError(f"invalid value {v!r} for 'params[{k!r}]' (allowed: a number)") from None
    return out


def _events(events: Iterable[Any] | None, components: Sequence[str]) -> list[tuple[int, float, int]]:
    out = []
    for k, e in enumerate(events or []):
        if isinstance(e, Mapping):
            comp, thr, direction = e.get("component"), e.get("threshold"), e.get("direction", "up")
        elif isinstance(e, (tuple, list)) and len(e) in (2, 3):
            comp, thr = e[0], e[1]
            direction = e[2] if len(e) == 3 else "up"
        else:
            raise ConfigError(f"invalid value {e!r} for 'events[{k}]' (allowed: (component, threshold[, "
                              "direction]) or a dict with those keys)")
        if isinstance(comp, str):
            if comp not in components:
                raise ConfigError(f"invalid value {comp!r} for 'events[{k}].component' (allowed: one of "
                                  f"{', '.join(components)} or an index)")
            idx = list(components).index(comp)
        elif isinstance(comp, (int, np.integer)) and not isinstance(comp, bool) and 0 <= int(comp) < len(components):
            idx = int(comp)
        else:
            raise ConfigError(f"invalid value {comp!r} for 'events[{k}].component' (allowed: one of "
                              f"{', '.join(components)} or an index < {len(components)})")
        if direction not in _DIRECTIONS:
            raise ConfigError(f"invalid value {direction!r} for 'events[{k}].direction' (allowed: 'up', "
                              "'down', 'both')")
        try:
            thr_f = float(thr)
        except (TypeError, ValueError):
            raise ConfigError(f"invalid value {thr!r} for 'events[{k}].threshold' (allowed: a number)") from None
        out.append((idx, thr_f, _DIRECTIONS[direction]))
    return out


def solve(
    problem: str,
    method: str = "rodas4",
    t_end: float | None = None,
    *,
    rtol: float | Sequence[float] = 1e-6,
    atol: float | Sequence[float] = 1e-9,
    h: float | None = None,
    fixed_step: bool = False,
    h_max: float | None = None,
    params: Mapping[str, float] | None = None,
    y0: Sequence[float] | None = None,
    t0: float = 0.0,
    t_eval: Sequence[float] | None = None,
    events: Iterable[Any] | None = None,
    jacobian: str = "analytic",
    max_steps: int = 50_000_000,
    record: bool = True,
    controller: str = "gustafsson",
    safety: float = 0.9,
    fac_min: float = 0.2,
    fac_max: float = 6.0,
    restart_at_breakpoints: bool = True,
) -> SolveResult:
    """Integrate built-in problem ``problem`` from ``t0`` to ``t_end`` (default: the problem's).

    ``rtol``/``atol``: scalar or per component (adaptive Rosenbrock methods). ``h``: step size of
    the fixed-step methods (required) or of a Rosenbrock method with ``fixed_step=True``; for an
    adaptive run an optional initial step. ``params``: problem parameters (see
    :func:`problem_info`). ``t_eval``: output times (dense output); default every step.
    ``events``: threshold crossings to locate, each ``(component, threshold, direction)`` with
    component a name or index and direction 'up' (default), 'down' or 'both'; for ``hh`` the
    default is ``[("V", 0.0, "up")]`` (spikes; also for ``hh_synapses``). ``jacobian``: 'analytic' or 'fd'.
    ``controller`` ('gustafsson': predictive PI of Gustafsson, the default; 'standard': I
    controller), ``safety`` in (0, 1], ``fac_min`` in (0, 1), ``fac_max`` > 1: step-size control of
    the adaptive Rosenbrock methods (h_new / h in [fac_min, fac_max]). ``restart_at_breakpoints``:
    after a jump of the right-hand side (a problem breakpoint, e.g. a current step) cap the first
    step by a fresh starting-step estimate and reset the controller history (default True).

    Raises UnknownModelError (problem), ConfigError (method, tolerances, h, params, y0, t_eval,
    events) and NumericalError (step size underflow, non-finite state).
    """
    problem = _name(problem, "problem")
    method = _name(method, "method")
    p = _params(params)
    info = _core.solver_problem_info(problem, p)
    components = list(info["components"])
    if events is None and problem in ("hh", "hh_synapses"):
        events = [("V", 0.0, "up")]
    ev = _events(events, components)
    t_end_f = math.nan if t_end is None else float(t_end)
    y0_l = [] if y0 is None else _floats(y0, "y0")
    te_l = [] if t_eval is None else _floats(t_eval, "t_eval")
    h_f = 0.0 if h is None else float(h)
    h_max_f = math.inf if h_max is None else float(h_max)
    if not isinstance(max_steps, (int, np.integer)) or max_steps <= 0:
        raise ConfigError(f"invalid value {max_steps!r} for 'max_steps' (allowed: a positive integer)")
    d = _core.solver_solve(problem, method, float(t0), t_end_f, _floats(rtol, "rtol"), _floats(atol, "atol"),
                           h_f, bool(fixed_step), h_max_f, p, y0_l, te_l, ev, _name(jacobian, "jacobian"),
                           int(max_steps), bool(record), _name(controller, "controller"),
                           _float(safety, "safety"), _float(fac_min, "fac_min"), _float(fac_max, "fac_max"),
                           bool(restart_at_breakpoints))
    return SolveResult(problem=d["problem"], method=d["method"], components=list(d["components"]),
                       t=d["t"], y=d["y"], t_end=float(d["t_end"]), y_end=d["y_end"], stats=dict(d["stats"]),
                       events=list(d["events"]))
