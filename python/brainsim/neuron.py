"""Simulate one point neuron of any registered model.

>>> import brainsim as bs
>>> r = bs.simulate_neuron("hh", current=bs.StepCurrent(1000.0, start=10.0, stop=60.0),
...                        t_end=100.0, dt=0.025, record=["V_m", "m"])
>>> r.spike_times, r["V_m"]

The neuron is stepped exactly as the network engine steps it (the model's ``step`` once per
``dt``), so single-neuron results carry over to networks. Inputs ``(time, receptor, weight)``
arrive at the start of the step at ``time``; the current is piecewise constant and changes at step
boundaries; all stimulus times must be multiples of ``dt``. Units: ms, mV, pA, nS, pF.

Models: ``model_names()``; parameters (with units and defaults), state variables, receptors and
integration methods of one model: ``model_info(name)``.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from . import _core
from .errors import ConfigError

__all__ = ["NeuronResult", "StepCurrent", "model_info", "model_names", "simulate_neuron"]


@dataclass(frozen=True)
class StepCurrent:
    """A rectangular current pulse: ``amplitude`` pA from ``start`` to ``stop`` ms (``stop=None``:
    until the end). Several may be passed as a list; they add up."""

    amplitude: float
    start: float = 0.0
    stop: float | None = None

    def __post_init__(self) -> None:
        for name in ("amplitude", "start"):
            v = getattr(self, name)
            if not _is_real(v) or not math.isfinite(float(v)):
                raise ConfigError(f"StepCurrent: invalid value {v!r} for '{name}' (allowed: a finite number)")
        if self.stop is not None and (not _is_real(self.stop) or not float(self.stop) >= float(self.start)):
            raise ConfigError(
                f"StepCurrent: invalid value {self.stop!r} for 'stop' (allowed: >= start = {self.start} ms, or None)"
            )


@dataclass
class NeuronResult:
    """Output of :func:`simulate_neuron`: ``t`` (recording times, ms, starting at 0),
    ``traces`` (name -> array aligned with ``t``), ``spike_times`` (ms), and what was run."""

    model: str
    params: dict[str, float]
    dt: float
    method: str
    t: np.ndarray
    traces: dict[str, np.ndarray]
    spike_times: np.ndarray
    steps: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, name: str) -> np.ndarray:
        try:
            return self.traces[name]
        except KeyError:
            raise ConfigError(
                f"NeuronResult: '{name}' was not recorded (recorded: {', '.join(self.traces)})"
            ) from None

    @property
    def spike_count(self) -> int:
        return int(self.spike_times.size)


def model_names() -> list[str]:
    """Names of all registered point-neuron models."""
    return list(_core.neuron_model_names())


def model_info(name: str) -> dict[str, Any]:
    """Description of model ``name``: ``parameters`` (name -> dict(unit, default, constraint,
    doc)), ``state_vars`` (name -> unit), ``receptors`` (name -> dict(kind, weight_unit)),
    ``methods`` (integration schemes, the first is the default) and ``doc``."""
    raw = _core.neuron_model_info(str(name))
    return {
        "name": raw["name"],
        "doc": raw["doc"],
        "parameters": {
            p[0]: {"unit": p[1], "default": p[2], "constraint": p[3], "doc": p[4]} for p in raw["parameters"]
        },
        "state_vars": {v[0]: v[1] for v in raw["state_vars"]},
        "receptors": {r[0]: {"kind": r[1], "weight_unit": r[2]} for r in raw["receptors"]},
        "methods": list(raw["methods"]),
    }


def _is_real(x: Any) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


def _current_schedule(current: Any, t_end: float) -> tuple[np.ndarray, np.ndarray]:
    """Turn the ``current`` argument into (times, values) of a piecewise-constant function."""
    if current is None:
        return np.empty(0), np.empty(0)
    if _is_real(current):
        return np.array([0.0]), np.array([float(current)])
    if isinstance(current, StepCurrent):
        current = [current]
    if isinstance(current, (list, tuple)) and current and all(isinstance(c, StepCurrent) for c in current):
        edges: dict[float, float] = {}
        for c in current:
            edges[float(c.start)] = edges.get(float(c.start), 0.0) + float(c.amplitude)
            if c.stop is not None and float(c.stop) <= t_end:
                edges[float(c.stop)] = edges.get(float(c.stop), 0.0) - float(c.amplitude)
        times = np.array(sorted(edges))
        values = np.cumsum([edges[t] for t in times])
        return times, values
    if isinstance(current, (list, tuple)) and len(current) == 2:
        times = np.asarray(current[0], dtype=float)
        values = np.asarray(current[1], dtype=float)
        if times.ndim != 1 or values.ndim != 1 or times.shape != values.shape:
            raise ConfigError(
                f"invalid value for 'current' (allowed: (times, values) 1-d sequences of equal length; "
                f"got shapes {times.shape} and {values.shape})"
            )
        return times, values
    raise ConfigError(
        f"invalid value {current!r} for 'current' (allowed: None, a number (pA), a StepCurrent, a list of "
        "StepCurrent, or (times, values) of a piecewise-constant current)"
    )


def simulate_neuron(
    model: str,
    params: Mapping[str, float] | None = None,
    *,
    current: Any = None,
    inputs: Iterable[Sequence[Any]] = (),
    t_end: float,
    dt: float = 0.1,
    record: Sequence[str] | str = ("V_m",),
    method: str | None = None,
    initial: Mapping[str, float] | None = None,
    record_every: int = 1,
) -> NeuronResult:
    """Simulate one neuron of ``model`` for ``t_end`` ms with step ``dt`` ms.

    ``params``: overrides of the model's defaults (unknown names raise ConfigError listing the
    allowed ones). ``current``: a number (pA, constant), a :class:`StepCurrent` or a list of them,
    or ``(times, values)`` of a piecewise-constant current. ``inputs``: ``(time, receptor, weight)``
    triples (weights in the receptor's unit: nS for conductance ports, pA for current ports).
    ``record``: state variables to record every ``record_every`` steps. ``method``: the model's
    integration scheme (``model_info(model)["methods"]``, default the first). ``initial``: state
    values at t = 0 replacing the model's initial state.
    """
    if not isinstance(model, str):
        raise ConfigError(f"invalid value {model!r} for 'model' (allowed: a model name, one of: "
                          f"{', '.join(model_names())})")
    p: dict[str, float] = {}
    for k, v in dict(params or {}).items():
        if not _is_real(v):
            raise ConfigError(f"model '{model}': invalid value {v!r} for '{k}' (allowed: a number)")
        p[str(k)] = float(v)
    for name, v in (("t_end", t_end), ("dt", dt)):
        if not _is_real(v):
            raise ConfigError(f"invalid value {v!r} for '{name}' (allowed: a number [ms])")
    if isinstance(record, str):
        record = [record]
    if not isinstance(record_every, numbers.Integral) or isinstance(record_every, bool):
        raise ConfigError(f"invalid value {record_every!r} for 'record_every' (allowed: an integer >= 1)")
    ct, cv = _current_schedule(current, float(t_end))
    it: list[float] = []
    ir: list[str] = []
    iw: list[float] = []
    for item in inputs:
        if not isinstance(item, (tuple, list)) or len(item) != 3:
            raise ConfigError(f"invalid value {item!r} in 'inputs' (allowed: (time, receptor, weight) triples)")
        t, r, w = item
        if not _is_real(t) or not _is_real(w) or not isinstance(r, str):
            raise ConfigError(
                f"invalid value {item!r} in 'inputs' (allowed: (time [ms], receptor name, weight) triples)"
            )
        it.append(float(t))
        ir.append(r)
        iw.append(float(w))
    init: dict[str, float] = {}
    for k, v in dict(initial or {}).items():
        if not _is_real(v):
            raise ConfigError(f"invalid value {v!r} for 'initial.{k}' (allowed: a number)")
        init[str(k)] = float(v)
    out = _core.simulate_neuron(
        model, p, ct, cv, np.asarray(it, dtype=float), ir, np.asarray(iw, dtype=float), float(t_end), float(dt),
        [str(x) for x in record], method or "", init, int(record_every),
    )
    info = model_info(model)
    resolved = {k: v["default"] for k, v in info["parameters"].items()}
    resolved.update(p)
    traces = {name: out["traces"][i] for i, name in enumerate(out["names"])}
    return NeuronResult(
        model=model,
        params=resolved,
        dt=float(dt),
        method=method or info["methods"][0],
        t=out["t"],
        traces=traces,
        spike_times=out["spike_times"],
        steps=int(out["steps"]),
    )
