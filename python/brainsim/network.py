"""Spiking networks: populations of point neurons, connection rules, stimuli and recorders.

A :class:`Network` only collects a description; :meth:`Network.run` hands it to the compiled engine
(``brainsim._core.Simulation``), which validates it, builds the partitions it owns and advances time
in min-delay epochs. Units: ms, mV, pA, nS, pF, Hz.

Example::

    import brainsim as bs
    net = bs.Network(dt=0.1, seed=1)
    E = net.add_population("E", 3200, model="lif_cond_exp", params={"C_m": 200.0, "g_L": 10.0})
    net.connect(E, E, rule=bs.FixedProbability(0.02), weight=6.0, delay=0.1, receptor="exc")
    net.add_stimulus(bs.PoissonInput(rate=50.0, weight=6.0, stop=50.0), E)
    net.record(E, "spikes")
    res = net.run(1000.0, threads=2)
    t, ids = res.spikes("E")
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from . import _core
from .errors import ConfigError, UnknownModelError

__all__ = [
    "AllToAll",
    "DCCurrent",
    "Explicit",
    "FixedInDegree",
    "FixedOutDegree",
    "FixedProbability",
    "FixedTotalNumber",
    "Network",
    "NoiseCurrent",
    "Normal",
    "OneToOne",
    "PiecewiseCurrent",
    "PoissonInput",
    "Population",
    "PulseTrain",
    "SinusoidalCurrent",
    "SpikeTimes",
    "Uniform",
    "neuron_models",
]


# ------------------------------------------------------------------------------------------------
# Random values (per neuron or per synapse), drawn in C++ from counter-based streams keyed by ids.


@dataclass(frozen=True)
class Normal:
    """Normal(mean, sd). Values outside [low, high] are redrawn (``bounds="redraw"``, e.g.
    sign-preserving weights: ``low=0``) or clipped to the bound (``bounds="clip"``)."""

    mean: float
    sd: float
    low: float | None = None
    high: float | None = None
    bounds: str = "redraw"

    def __post_init__(self) -> None:
        _finite("Normal.mean", self.mean)
        _finite("Normal.sd", self.sd)
        if not self.sd >= 0:
            raise ConfigError(f"Normal: invalid value {self.sd!r} for 'sd' (allowed: >= 0)")
        if self.bounds not in ("redraw", "clip"):
            raise ConfigError(f"Normal: invalid value {self.bounds!r} for 'bounds' (allowed: 'redraw', 'clip')")
        if self.low is not None and self.high is not None and not self.low <= self.high:
            raise ConfigError(f"Normal: invalid bounds low={self.low!r} > high={self.high!r}")

    def _spec(self) -> dict:
        return {"dist": "normal", "mean": float(self.mean), "sd": float(self.sd), "low": self.low,
                "high": self.high, "bounds": self.bounds}


@dataclass(frozen=True)
class Uniform:
    """Uniform on [low, high)."""

    low: float
    high: float

    def __post_init__(self) -> None:
        _finite("Uniform.low", self.low)
        _finite("Uniform.high", self.high)
        if not self.low <= self.high:
            raise ConfigError(f"Uniform: invalid bounds low={self.low!r} > high={self.high!r}")

    def _spec(self) -> dict:
        return {"dist": "uniform", "low": float(self.low), "high": float(self.high)}


def _finite(name: str, v: Any) -> float:
    try:
        x = float(v)
    except (TypeError, ValueError):
        raise ConfigError(f"invalid value {v!r} for '{name}' (allowed: a finite number)") from None
    if not math.isfinite(x):
        raise ConfigError(f"invalid value {v!r} for '{name}' (allowed: a finite number)")
    return x


# ------------------------------------------------------------------------------------------------
# Connection rules


@dataclass(frozen=True)
class AllToAll:
    """Every source to every target. ``autapses=False`` skips self-connections."""

    autapses: bool = True

    def _spec(self) -> dict:
        return {"kind": "all_to_all", "autapses": self.autapses}


@dataclass(frozen=True)
class OneToOne:
    """Source i to target i (equal sizes)."""

    def _spec(self) -> dict:
        return {"kind": "one_to_one"}


@dataclass(frozen=True)
class FixedProbability:
    """Each (source, target) pair independently with probability ``p`` (Bernoulli; at most one
    synapse per pair)."""

    p: float
    autapses: bool = True

    def _spec(self) -> dict:
        return {"kind": "fixed_probability", "p": float(self.p), "autapses": self.autapses}


@dataclass(frozen=True)
class FixedInDegree:
    """Every target gets exactly ``k`` synapses, sources uniform with (``replace=True``: multapses
    allowed, NEST default) or without replacement."""

    k: int
    replace: bool = True
    autapses: bool = True

    def _spec(self) -> dict:
        return {"kind": "fixed_indegree", "n": _count("FixedInDegree.k", self.k), "replace": self.replace,
                "autapses": self.autapses}


@dataclass(frozen=True)
class FixedOutDegree:
    """Every source makes exactly ``k`` synapses, targets uniform with or without replacement."""

    k: int
    replace: bool = True
    autapses: bool = True

    def _spec(self) -> dict:
        return {"kind": "fixed_outdegree", "n": _count("FixedOutDegree.k", self.k), "replace": self.replace,
                "autapses": self.autapses}


@dataclass(frozen=True)
class FixedTotalNumber:
    """Exactly ``n`` synapses between uniformly drawn (source, target) pairs (multapses allowed)."""

    n: int
    autapses: bool = True

    def _spec(self) -> dict:
        return {"kind": "fixed_total_number", "n": _count("FixedTotalNumber.n", self.n), "replace": True,
                "autapses": self.autapses}


@dataclass(frozen=True)
class Explicit:
    """Explicit synapses: ``pre[i] -> post[i]`` (indices into the pre and post selections)."""

    pre: Any
    post: Any

    def _spec(self) -> dict:
        pre = np.asarray(self.pre)
        post = np.asarray(self.post)
        for name, a in (("pre", pre), ("post", post)):
            if a.ndim != 1:
                raise ConfigError(f"Explicit: invalid shape {a.shape} for '{name}' (allowed: a 1-d array)")
            if a.size and (not np.issubdtype(a.dtype, np.integer) or a.min() < 0):
                raise ConfigError(f"Explicit: '{name}' must hold non-negative integer indices")
        return {"kind": "explicit", "pre": pre.astype(np.uint64), "post": post.astype(np.uint64)}


def _count(name: str, v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 0:
        raise ConfigError(f"invalid value {v!r} for '{name}' (allowed: an integer >= 0)")
    return int(v)


_RULES = (AllToAll, OneToOne, FixedProbability, FixedInDegree, FixedOutDegree, FixedTotalNumber, Explicit)


# ------------------------------------------------------------------------------------------------
# Stimuli


@dataclass(frozen=True)
class DCCurrent:
    """Constant current ``amplitude`` pA from ``start`` to ``stop`` ms."""

    amplitude: float
    start: float = 0.0
    stop: float | None = None

    def _spec(self) -> dict:
        return {"kind": "dc", "amplitude": float(self.amplitude), "start": float(self.start), "stop": _stop(self.stop)}


@dataclass(frozen=True)
class PiecewiseCurrent:
    """Piecewise-constant current: ``amplitudes[i]`` pA from ``times[i]`` ms on (NEST
    step_current_generator)."""

    times: Sequence[float]
    amplitudes: Sequence[float]

    def _spec(self) -> dict:
        return {"kind": "step", "times": np.asarray(self.times, float), "amplitudes": np.asarray(self.amplitudes, float)}


@dataclass(frozen=True)
class PulseTrain:
    """Rectangular pulses of ``amplitude`` pA and ``width`` ms every ``period`` ms."""

    amplitude: float
    period: float
    width: float
    start: float = 0.0
    stop: float | None = None

    def _spec(self) -> dict:
        return {"kind": "pulse_train", "amplitude": float(self.amplitude), "period": float(self.period),
                "width": float(self.width), "start": float(self.start), "stop": _stop(self.stop)}


@dataclass(frozen=True)
class SinusoidalCurrent:
    """``offset + amplitude sin(2 pi frequency t + phase)`` pA (frequency in Hz, phase in degrees)."""

    amplitude: float
    frequency: float
    phase: float = 0.0
    offset: float = 0.0
    start: float = 0.0
    stop: float | None = None

    def _spec(self) -> dict:
        return {"kind": "sinusoid", "amplitude": float(self.amplitude), "frequency": float(self.frequency),
                "phase": float(self.phase), "offset": float(self.offset), "start": float(self.start),
                "stop": _stop(self.stop)}


@dataclass(frozen=True)
class NoiseCurrent:
    """Gaussian white-noise current: a new independent value Normal(mean, std) pA per step and
    neuron (NEST noise_generator with dt_noise = dt)."""

    mean: float
    std: float
    start: float = 0.0
    stop: float | None = None

    def _spec(self) -> dict:
        return {"kind": "noise", "mean": float(self.mean), "std": float(self.std), "start": float(self.start),
                "stop": _stop(self.stop)}


@dataclass(frozen=True)
class PoissonInput:
    """An independent Poisson spike train of ``rate`` Hz into every target (NEST poisson_generator),
    each event of ``weight`` on ``receptor`` after ``delay`` ms."""

    rate: float
    weight: float
    delay: float | None = None
    receptor: str | None = None
    start: float = 0.0
    stop: float | None = None

    def _spec(self) -> dict:
        return {"kind": "poisson", "rate": float(self.rate), "weight": float(self.weight), "delay": self.delay,
                "receptor": self.receptor, "start": float(self.start), "stop": _stop(self.stop)}


@dataclass(frozen=True)
class SpikeTimes:
    """The same given spike train (``times`` in ms) into every target (NEST spike_generator); events
    arrive ``delay`` ms after each time (off-grid times are kept exactly by the precise schemes)."""

    times: Sequence[float]
    weight: float
    delay: float | None = None
    receptor: str | None = None

    def _spec(self) -> dict:
        return {"kind": "spike_times", "times": np.asarray(self.times, float), "weight": float(self.weight),
                "delay": self.delay, "receptor": self.receptor}


def _stop(stop: float | None) -> float:
    return math.inf if stop is None else float(stop)


_STIMULI = (DCCurrent, PiecewiseCurrent, PulseTrain, SinusoidalCurrent, NoiseCurrent, PoissonInput, SpikeTimes)


# ------------------------------------------------------------------------------------------------


def neuron_models() -> list[dict]:
    """The point-neuron models of this build: name, doc, parameters (name, unit, default, doc),
    state variables, receptors, and whether they support the precise (hybrid/event-driven) schemes."""
    return [dict(m) for m in _core.neuron_models()]


def _model_table() -> dict[str, dict]:
    return {m["name"]: m for m in _core.neuron_models()}


class Population:
    """A population (or a selection of it: ``pop[:5]``, ``pop[[1, 3]]``)."""

    def __init__(self, net: "Network", index: int, name: str, n: int, model: str,
                 indices: np.ndarray | None = None) -> None:
        self._net = net
        self.index = index
        self.name = name
        self.size = n
        self.model = model
        self.indices = indices  # None: the whole population

    def __len__(self) -> int:
        return self.size if self.indices is None else int(self.indices.size)

    def __getitem__(self, key: Any) -> "Population":
        base = np.arange(self.size) if self.indices is None else self.indices
        try:
            sel = base[key]
        except IndexError as exc:
            raise ConfigError(f"population '{self.name}': invalid selection {key!r} ({exc})") from None
        sel = np.atleast_1d(np.asarray(sel, dtype=np.int64))
        return Population(self._net, self.index, self.name, self.size, self.model, sel.astype(np.uint64))

    def __repr__(self) -> str:
        sel = "" if self.indices is None else f", {self.indices.size} selected"
        return f"<Population '{self.name}' model={self.model} n={self.size}{sel}>"


class Network:
    """A spiking network description; see the module docstring."""

    def __init__(self, dt: float = 0.1, seed: int = 0) -> None:
        self.dt = _finite("dt", dt)
        if not self.dt > 0:
            raise ConfigError(f"Network: invalid value {dt!r} for 'dt' (allowed: > 0 ms)")
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**64:
            raise ConfigError(f"Network: invalid value {seed!r} for 'seed' (allowed: an integer in [0, 2^64))")
        self.seed = int(seed)
        self._pops: list[Population] = []
        self._spec: dict[str, Any] = {"dt": self.dt, "seed": self.seed, "populations": [], "projections": [],
                                      "stimuli": [], "recorders": []}
        self._recorders: list[dict] = []
        self._sim: Any = None
        self._sim_options: dict | None = None
        self._result: Any = None

    # -- building ---------------------------------------------------------------------------------
    def add_population(self, name: str, n: int, model: str, params: dict | None = None,
                       initial: dict | None = None) -> Population:
        """Add ``n`` neurons of ``model`` (see :func:`neuron_models`) with shared ``params`` and
        per-neuron ``initial`` state values (scalar, array of shape (n,), or Normal/Uniform)."""
        self._check_mutable()
        if not isinstance(name, str) or not name:
            raise ConfigError(f"add_population: invalid value {name!r} for 'name' (allowed: a non-empty string)")
        if any(p.name == name for p in self._pops):
            raise ConfigError(f"add_population: invalid value {name!r} for 'name' (allowed: a new name; "
                              f"existing: {', '.join(p.name for p in self._pops)})")
        n = _count("n", n)
        table = _model_table()
        if model not in table:
            err = UnknownModelError(f"unknown model: invalid value '{model}' for 'model' (allowed: one of: "
                                    f"{', '.join(sorted(table))})")
            err.parameter, err.value, err.allowed = "model", repr(model), ", ".join(sorted(table))
            raise err
        info = table[model]
        pnames = [p["name"] for p in info["parameters"]]
        svars = [s for s, _ in info["state_vars"]]
        params = dict(params or {})
        for k, v in params.items():
            if k not in pnames:
                raise ConfigError(f"population '{name}' (model '{model}'): unknown parameter '{k}' "
                                  f"(allowed: {', '.join(pnames)})")
            _finite(f"params['{k}']", v)
        init: dict[str, Any] = {}
        for k, v in dict(initial or {}).items():
            if k not in svars:
                raise ConfigError(f"population '{name}' (model '{model}'): unknown state variable '{k}' in "
                                  f"initial (allowed: {', '.join(svars)})")
            init[k] = self._value(v, f"initial['{k}']", shape=(n,))
        self._spec["populations"].append({"name": name, "model": model, "n": n,
                                          "params": {k: float(v) for k, v in params.items()}, "initial": init})
        pop = Population(self, len(self._pops), name, n, model)
        self._pops.append(pop)
        return pop

    def population(self, name: str) -> Population:
        for p in self._pops:
            if p.name == name:
                return p
        raise ConfigError(f"no population named {name!r} (existing: {', '.join(p.name for p in self._pops)})")

    @property
    def populations(self) -> list[Population]:
        return list(self._pops)

    def connect(self, pre: Population, post: Population, rule: Any = None, weight: Any = 1.0,
                delay: Any = None, receptor: str | None = None) -> None:
        """Connect ``pre`` to ``post`` by ``rule`` (default AllToAll). ``weight`` (nS, pA or mV by
        receptor) and ``delay`` (ms, default dt; a positive multiple of dt) are scalars, arrays or
        Normal/Uniform (random delays are rounded to the nearest step). ``receptor`` names a
        receptor of the target model; None picks "exc" for weights >= 0 and "inh" otherwise."""
        self._check_mutable()
        pre, post = self._pop(pre, "pre"), self._pop(post, "post")
        rule = AllToAll() if rule is None else rule
        if not isinstance(rule, _RULES):
            raise ConfigError(f"connect: invalid value {rule!r} for 'rule' (allowed: "
                              f"{', '.join(r.__name__ for r in _RULES)})")
        if receptor is not None:
            recs = [r for r, _ in _model_table()[post.model]["receptors"]]
            if receptor not in recs:
                raise ConfigError(f"connect: invalid value {receptor!r} for 'receptor' (allowed: one of: "
                                  f"{', '.join(recs)}; model '{post.model}')")
        self._spec["projections"].append({
            "pre": pre.index, "post": post.index, "pre_subset": pre.indices, "post_subset": post.indices,
            "rule": rule._spec(), "weight": self._value(weight, "weight"),
            "delay": self._value(self.dt if delay is None else delay, "delay"), "receptor": receptor,
        })

    def add_stimulus(self, stimulus: Any, targets: Population) -> None:
        """Attach a stimulus device (DCCurrent, StepCurrent, PiecewiseCurrent, PulseTrain,
        SinusoidalCurrent, NoiseCurrent, PoissonInput, SpikeTimes) to ``targets``."""
        self._check_mutable()
        targets = self._pop(targets, "targets")
        if type(stimulus).__name__ == "StepCurrent" and hasattr(stimulus, "amplitude"):
            stimulus = DCCurrent(stimulus.amplitude, stimulus.start, stimulus.stop)  # rectangular pulse
        if not isinstance(stimulus, _STIMULI):
            raise ConfigError(f"add_stimulus: invalid value {stimulus!r} (allowed: "
                              f"{', '.join(s.__name__ for s in _STIMULI)}, StepCurrent)")
        spec = stimulus._spec()
        if spec.get("delay", 0.0) is None:
            spec["delay"] = self.dt
        if spec.get("receptor", "") is None:
            spec.pop("receptor")
        spec["population"] = targets.index
        spec["targets"] = targets.indices
        self._spec["stimuli"].append(spec)

    def record(self, what: Population, variable: str = "spikes", interval: float | None = None,
               reduce: str | None = None) -> int:
        """Record ``"spikes"``, a state variable or an observable of the model (e.g. the synaptic
        currents ``I_syn_ex``/``I_syn_in`` of lif_cond_exp), sampled every ``interval`` ms (default
        dt), of ``what``; ``reduce="sum"`` records the population sum instead of every neuron (exact
        in ``accumulation="exact"``)."""
        self._check_mutable()
        what = self._pop(what, "what")
        info = _model_table()[what.model]
        svars = [s for s, _ in info["state_vars"]] + [o for o, _ in info["observables"]]
        if variable != "spikes" and variable not in svars:
            raise ConfigError(f"record: invalid value {variable!r} for 'variable' (allowed: 'spikes' or one of "
                              f"{', '.join(svars)}; model '{what.model}')")
        if reduce not in (None, "sum"):
            raise ConfigError(f"record: invalid value {reduce!r} for 'reduce' (allowed: None, 'sum')")
        if variable == "spikes":
            kind = "spikes"
        else:
            kind = "population_sum" if reduce == "sum" else "state"
        iv = self.dt if interval is None else _finite("interval", interval)
        self._spec["recorders"].append({"kind": kind, "population": what.index, "indices": what.indices,
                                        "variable": None if kind == "spikes" else variable, "interval": iv})
        self._recorders.append({"kind": kind, "population": what.name, "variable": variable,
                                "indices": what.indices})
        return len(self._recorders) - 1

    # -- running ---------------------------------------------------------------------------------
    def build(self, threads: int = 1, accumulation: str = "exact", partitions: int = 0,
              integration: str = "time_stepped", comm: Any = None) -> dict:
        """Build the simulation now (otherwise the first :meth:`run` does). Returns the build report."""
        from .comm import local_communicator  # noqa: F401  (keeps the import cheap)

        opts = {"threads": int(threads), "accumulation": accumulation, "partitions": int(partitions),
                "integration": integration}
        if self._sim is not None:
            if opts != self._sim_options:
                raise ConfigError(f"run: the network was built with {self._sim_options}; cannot continue with "
                                  f"{opts} (create a new Network)")
            return dict(self._sim.report())
        if isinstance(threads, bool) or not isinstance(threads, (int, np.integer)) or threads < 1:
            raise ConfigError(f"run: invalid value {threads!r} for 'threads' (allowed: an integer >= 1)")
        self._sim = _core.Simulation(self._spec, threads=int(threads), accumulation=accumulation,
                                     partitions=int(partitions), integration=integration, comm=comm)
        self._sim_options = opts
        return dict(self._sim.report())

    def run(self, duration: float, threads: int = 1, accumulation: str = "exact", partitions: int = 0,
            integration: str = "time_stepped", comm: Any = None, progress: bool = False):
        """Advance by ``duration`` ms and return a :class:`~brainsim.results.NetworkResult` holding
        everything recorded so far. ``accumulation``: "exact" (default), "ordered" or "fast" (see
        brainsim.numeric); ``integration``: "time_stepped", "hybrid" or "event_driven"."""
        import time as _time

        from .results import NetworkResult

        duration = _finite("duration", duration)
        t0 = _time.perf_counter()
        report = self.build(threads, accumulation, partitions, integration, comm)
        t1 = _time.perf_counter()
        if progress:
            try:
                from tqdm import tqdm
            except ImportError:  # pragma: no cover
                progress = False
        if progress and duration > 0:
            chunks = max(1, min(100, int(duration / self.dt)))
            steps = int(round(duration / self.dt))
            bar = tqdm(total=steps, unit="step")
            done = 0
            for c in range(chunks):
                s = steps * (c + 1) // chunks - done
                self._sim.run_steps(s)
                done += s
                bar.update(s)
            bar.close()
        else:
            self._sim.run(duration)
        t2 = _time.perf_counter()
        if self._result is None:
            self._result = NetworkResult(self, report)
        self._result._collect(self._sim)
        self._result.report["neuron_updates"] = int(self._sim.report()["neuron_updates"])
        self._result.timing["build_s"] = self._result.timing.get("build_s", 0.0) + (t1 - t0)
        self._result.timing["sim_s"] = self._result.timing.get("sim_s", 0.0) + (t2 - t1)
        self._result.options = dict(self._sim_options or {})
        return self._result

    def get_state(self, pop: Population | str, variable: str) -> np.ndarray:
        """Current values of a state variable of a population (after a run)."""
        if self._sim is None:
            raise ConfigError("get_state: the network has not been built yet (call run or build first)")
        p = self.population(pop) if isinstance(pop, str) else pop
        return np.asarray(self._sim.get_state(p.index, variable))

    @property
    def time(self) -> float:
        return 0.0 if self._sim is None else float(self._sim.time)

    # -- helpers ---------------------------------------------------------------------------------
    def _check_mutable(self) -> None:
        if self._sim is not None:
            raise ConfigError("the network is already built (after run); create a new Network to change it")

    def _pop(self, p: Any, what: str) -> Population:
        if isinstance(p, str):
            return self.population(p)
        if not isinstance(p, Population) or p._net is not self:
            raise ConfigError(f"invalid value {p!r} for '{what}' (allowed: a Population of this network or its name)")
        return p

    def _value(self, v: Any, what: str, shape: tuple | None = None) -> Any:
        if isinstance(v, (Normal, Uniform)):
            return v._spec()
        if isinstance(v, (bool, np.bool_)):
            raise ConfigError(f"invalid value {v!r} for '{what}' (allowed: a number, array or Normal/Uniform)")
        if isinstance(v, (int, float, np.integer, np.floating)):
            return _finite(what, v)
        try:
            a = np.asarray(v, dtype=float)
        except (TypeError, ValueError):
            raise ConfigError(f"invalid value {v!r} for '{what}' (allowed: a number, array or Normal/Uniform)") from None
        if shape is not None and a.shape != shape and a.size != 1:
            raise ConfigError(f"invalid value for '{what}': an array of shape {a.shape} (allowed: a scalar or "
                              f"shape {shape})")
        if not np.all(np.isfinite(a)):
            raise ConfigError(f"invalid value for '{what}': the array has non-finite entries (allowed: finite)")
        if a.size == 1 and a.ndim <= 1 and shape is not None:
            return float(a.reshape(()))
        return np.ascontiguousarray(a.ravel())
