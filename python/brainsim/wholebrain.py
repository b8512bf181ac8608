"""Whole-brain networks: neural-mass nodes on a connectome with conduction delays.

    import brainsim as bs
    wb = bs.WholeBrain(bs.Connectome.default(), node="wilson_cowan", coupling=0.5, velocity=20.0,
                       noise=bs.Noise("ou", sigma=0.05), dt=0.1, seed=1)
    wb.observe(bs.BOLD(tr=720.0), bs.EEG(leadfield="sphere"))
    wb.intervene(bs.Lesion(nodes=["R.03"]), bs.Stimulus(nodes=[0], amplitude=1.0, start=500, stop=600))
    out = wb.run(10_000.0, threads=1)
    out.output            # (time, region) model output sampled every record_interval ms
    out["bold"].data      # (TR, region);  out["eeg"].data  # (time, sensor)
    out.save("run.h5")

The time stepping is C++ (brainsim/wholebrain/simulation.hpp documents the equations, integrators,
delay handling and noise). Units: ms, mm, mm/ms (= m/s).

Delays: d_ij = floor(length_ij / velocity / dt + 1/2) steps (round half up); every connected pair
must get >= 1 step, otherwise DelayError. Results are bitwise identical for any thread count.

Integrators: "euler", "heun" (stochastic Heun with noise), "rk4", and the linearly implicit Rosenbrock
methods "ros2", "ros3p", "rodas3", "rodas4" (fixed step, node Jacobian, method of steps for the delays)
for stiff nodes, e.g. time constants far below dt.

Continuation: each run() continues from where the previous one stopped (state, delay history, OU noise
state and the noise/stimulus clock), so ``wb.run(1000); wb.run(1000)`` gives bitwise the samples of
``wb.run(2000)`` (the second result starts at t = 1000 + record_interval). Parameters, noise, lesions,
stimuli and the velocity may change between runs; the model, network size, dt, integrator and coupling
kind may not (ConfigError; call :meth:`WholeBrain.reset` to start again from ``initial_state``).
Observers continue too: a BOLD observer carries its haemodynamic state and TR phase into the next
run, so the BOLD samples of ``run(1000); run(1000)`` are bitwise those of ``run(2000)`` (observation
noise, if any, is scaled and drawn per run); a BOLD observer added between runs starts from rest.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from . import _core
from .connectome import Connectome
from .errors import ConfigError, UnknownModelError
from .observe import BOLD, EEG, Signal

__all__ = ["WholeBrain", "WholeBrainResult", "Coupling", "Noise", "Lesion", "Stimulus", "node_models",
           "default_model", "run_default"]


def _cfg(field_: str, value: Any, allowed: str) -> ConfigError:
    e = ConfigError(f"invalid value {value} for '{field_}' (allowed: {allowed})")
    e.parameter, e.value, e.allowed = field_, str(value), allowed
    return e


def node_models() -> dict[str, dict]:
    """Registered node models: ``{name: {"params": {name: (default, unit, doc)}, "states": [...],
    "output": doc}}``."""
    out = {}
    for m in _core.wb_node_models():
        out[m["name"]] = {
            "params": {p[0]: (p[2], p[1], p[3]) for p in m["params"]},
            "states": list(m["state_names"]),
            "default_initial": list(m["default_initial"]),
            "output": m["output"],
        }
    return out


@dataclass
class Coupling:
    """Long-range coupling u_i = a * sum_j w_ij g(o_j(t - d_ij)) + b. kind: "linear" (g = identity),
    "sigmoidal" (g(o) = cmin + (cmax - cmin) / (1 + exp(-r (o - midpoint)))), "difference"
    (u_i = a * sum_j w_ij (o_j(t - d_ij) - o_i(t)) + b)."""

    kind: str = "linear"
    a: float = 1.0
    b: float = 0.0
    cmin: float = 0.0
    cmax: float = 1.0
    midpoint: float = 0.0
    r: float = 1.0


@dataclass
class Noise:
    """kind "additive": dx = f dt + g sigma dW (white); "ou": dx/dt = f + g eta, d eta = -eta/tau_ou dt +
    sigma dW. g is the model's noise gain (Wilson-Cowan: 1/tau on E and I; Jansen-Rit: A a on the
    input p; Hopf: 1 on x and y)."""

    kind: str = "additive"
    sigma: float = 0.0
    tau_ou: float = 5.0


@dataclass
class Lesion:
    """Remove regions (all their connections) and/or edges. ``edges`` are (source, target) pairs,
    removed in both directions unless ``both_directions=False``. Regions by index or label."""

    nodes: Sequence[int | str] = ()
    edges: Sequence[tuple[int | str, int | str]] = ()
    both_directions: bool = True


@dataclass
class Stimulus:
    """Add ``amplitude`` to the stimulus input of ``nodes`` for start <= t < stop (ms; rounded to
    steps). Wilson-Cowan: inside the E sigmoid; Jansen-Rit: to the input rate p (1/ms); Hopf: to x'."""

    nodes: Sequence[int | str]
    amplitude: float
    start: float = 0.0
    stop: float = math.inf


@dataclass
class WholeBrainResult:
    """Output of :meth:`WholeBrain.run`."""

    t: np.ndarray                      # ms, sample times of ``output``
    output: np.ndarray                 # (time, region)
    states: np.ndarray | None          # (time, region, state) if record_states
    final_state: np.ndarray            # (region, state)
    observed: dict[str, Signal]
    config: dict
    labels: tuple[str, ...]
    wall_time_s: float = 0.0

    def __getitem__(self, name: str) -> Signal:
        try:
            return self.observed[name]
        except KeyError:
            raise KeyError(f"no observer named {name!r}; have {sorted(self.observed)}") from None

    @property
    def rate_hz(self) -> float:
        return 1000.0 / float(self.config["record_interval"])

    def save(self, path: str | Path, *, output_every: int = 1, decimate: dict[str, int] | None = None,
             dtype: Any = np.float64) -> None:
        """HDF5: /output (time x region, attrs sampling_rate_hz, unit), /observed/<name>/data (+ t,
        sampling rate), /config (JSON of the resolved configuration, seed, brainsim version).
        Datasets are gzip-compressed (with the shuffle filter).

        output_every: keep every k-th sample of /output and /states (instantaneous values of the
        simulated state, not filtered). decimate: {observer name: q} low-pass filters that signal
        (windowed-sinc FIR, cutoff 0.8 x the new Nyquist frequency, zero phase) and keeps every q-th
        sample. dtype: storage type of the time series (e.g. np.float32 halves the size; the
        final state is always float64)."""
        import h5py

        if not (isinstance(output_every, (int, np.integer)) and output_every >= 1):
            raise _cfg("output_every", output_every, "an integer >= 1")
        decimate = dict(decimate or {})
        for name, q in decimate.items():
            if name not in self.observed:
                raise _cfg("decimate", repr(name), f"observer names {sorted(self.observed)}")
            if not (isinstance(q, (int, np.integer)) and q >= 1):
                raise _cfg(f"decimate[{name!r}]", q, "an integer >= 1")
        gz = dict(compression="gzip", compression_opts=4, shuffle=True)
        p = Path(path)
        with h5py.File(p, "w") as f:
            d = f.create_dataset("output", data=self.output[::output_every].astype(dtype), **gz)
            d.attrs["sampling_rate_hz"] = self.rate_hz / output_every
            d.attrs["dims"] = "time, region"
            every_ms = float(self.config["record_interval"]) * output_every
            d.attrs["sampling"] = f"instantaneous values every {every_ms:g} ms"
            f.create_dataset("t_ms", data=self.t[::output_every])
            f.create_dataset("labels", data=np.array(self.labels, dtype="S"))
            f.create_dataset("final_state", data=self.final_state)
            if self.states is not None:
                f.create_dataset("states", data=self.states[::output_every].astype(dtype), **gz)
            g = f.create_group("observed")
            for name, sig in self.observed.items():
                gg = g.create_group(name)
                q = int(decimate.get(name, 1))
                data, t = (sig.data, sig.t) if q == 1 else (decimate_signal(sig.data, q), sig.t[::q])
                ds = gg.create_dataset("data", data=np.asarray(data).astype(dtype), **gz)
                ds.attrs["sampling_rate_hz"] = sig.rate_hz / q
                ds.attrs["unit"] = sig.unit
                ds.attrs["dims"] = "time, channel"
                if q > 1:
                    cutoff = 0.8 * sig.rate_hz / q / 2
                    ds.attrs["decimation"] = f"windowed-sinc FIR low-pass (cutoff {cutoff:g} Hz), every {q}th sample"
                gg.create_dataset("t_ms", data=t)
                gg.create_dataset("channels", data=np.array(sig.channels, dtype="S"))
            f.attrs["config"] = json.dumps(self.config, default=_json_default)
            f.attrs["seed"] = int(self.config["seed"])
            f.attrs["brainsim_version"] = _core.build_info()["version"]
            f.attrs["git_hash"] = _core.build_info()["git_hash"]


def decimate_signal(x: np.ndarray, q: int, taps_per_q: int = 20) -> np.ndarray:
    """Low-pass filter each column of ``x`` (time, channel) and keep every q-th sample (starting with
    the first): Hamming-windowed sinc FIR with cutoff 0.8 x the new Nyquist frequency, 2 taps_per_q q + 1
    taps, applied forwards (symmetric, so zero phase; the ends use the signal's edge values)."""
    x = np.asarray(x, dtype=float)
    if q == 1:
        return x
    half = taps_per_q * q
    k = np.arange(-half, half + 1)
    fc = 0.8 * 0.5 / q  # cycles per input sample
    h = 2 * fc * np.sinc(2 * fc * k) * np.hamming(len(k))
    h /= h.sum()
    one_d = x.ndim == 1
    xx = x[:, None] if one_d else x
    padded = np.concatenate([np.repeat(xx[:1], half, axis=0), xx, np.repeat(xx[-1:], half, axis=0)])
    idx = np.arange(0, len(xx), q)
    # y[i] = sum_k h[k] x[i - k]: only the kept samples are computed
    out = np.stack([h @ padded[i:i + 2 * half + 1][::-1] for i in idx])
    return out[:, 0] if one_d else out


def _json_default(o: Any) -> Any:
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, (np.integer, np.floating)):
        return o.item()
    return str(o)


# ------------------------------------------------------------------------------------------------
# Drives for BOLD per model: a function of the model output that is O(1) and non-negative-ish.
def _bold_drive(model: str, params: np.ndarray, names: list[str], output: np.ndarray) -> np.ndarray:
    if model == "jansen_rit":
        p = {n: params[:, k] for k, n in enumerate(names)}
        # pyramidal firing rate normalised by its maximum 2 e0
        return 1.0 / (1.0 + np.exp(p["r"] * (p["v0"] - output)))
    return output


class WholeBrain:
    """A network of neural masses on a connectome (see the module docstring)."""

    def __init__(self, connectome: Connectome, node: str = "wilson_cowan", params: dict | None = None, *,
                 coupling: float | dict | Coupling = 1.0, velocity: float = 20.0,
                 noise: float | dict | Noise | None = None, dt: float = 0.1, seed: int = 0,
                 integrator: str | None = None, initial_state: Any = None, record_interval: float = 1.0,
                 record_states: bool = False) -> None:
        if not isinstance(connectome, Connectome):
            raise _cfg("connectome", type(connectome).__name__, "a brainsim.Connectome")
        models = node_models()
        if node not in models:
            e = UnknownModelError(f"unknown node model {node!r}; known models: {', '.join(sorted(models))}")
            e.parameter, e.value, e.allowed = "node", repr(node), ", ".join(sorted(models))
            raise e
        self.connectome = connectome
        self.node = node
        self._info = models[node]
        n = connectome.n_regions
        names = list(self._info["params"])
        P = np.tile(np.array([self._info["params"][k][0] for k in names], dtype=float), (n, 1))
        for k, v in (params or {}).items():
            if k not in self._info["params"]:
                raise _cfg("params", repr(k), f"parameters of {node}: {', '.join(names)}")
            arr = np.asarray(v, dtype=float)
            if arr.ndim == 0:
                P[:, names.index(k)] = float(arr)
            elif arr.shape == (n,):
                P[:, names.index(k)] = arr
            else:
                raise _cfg(k, f"array of shape {arr.shape}", f"a scalar or one value per region ({n},)")
        self._param_names = names
        self._P = P
        self.coupling = self._coupling(coupling)
        self.noise = self._noise(noise)
        if not (isinstance(velocity, (int, float)) and velocity > 0 and math.isfinite(velocity)):
            raise _cfg("velocity", velocity, "> 0 and finite (mm/ms)")
        self.velocity = float(velocity)
        if not (isinstance(dt, (int, float)) and dt > 0 and math.isfinite(dt)):
            raise _cfg("dt", dt, "> 0 and finite (ms)")
        self.dt = float(dt)
        if not (isinstance(seed, (int, np.integer)) and 0 <= int(seed) < 2**64):
            raise _cfg("seed", seed, "an integer in [0, 2**64)")
        self.seed = int(seed)
        if integrator is None:
            integrator = "heun" if self.noise.kind == "additive" and self.noise.sigma > 0 else "rk4"
        if integrator not in INTEGRATORS:
            raise _cfg("integrator", repr(integrator), ", ".join(repr(x) for x in INTEGRATORS))
        self.integrator = integrator
        every = record_interval / self.dt
        if not (record_interval > 0 and abs(every - round(every)) < 1e-9 * max(every, 1.0) and round(every) >= 1):
            raise _cfg("record_interval", record_interval, f"a positive multiple of dt = {self.dt} ms")
        self.record_interval = float(record_interval)
        self._record_every = int(round(every))
        self.record_states = bool(record_states)
        S = len(self._info["states"])
        if initial_state is None:
            self._x0 = np.tile(np.array(self._info["default_initial"], dtype=float), (n, 1))
        else:
            x0 = np.array(initial_state, dtype=float)
            if x0.shape == (S,):
                x0 = np.tile(x0, (n, 1))
            if x0.shape != (n, S):
                raise _cfg("initial_state", f"array of shape {x0.shape}", f"({S},) or ({n}, {S})")
            self._x0 = x0
        self._observers: list[Any] = []
        self._lesions: list[Lesion] = []
        self._stimuli: list[Stimulus] = []
        self._carry: dict | None = None
        self._carry_key: tuple | None = None
        self._observer_carry: dict[str, dict] = {}

    def reset(self) -> "WholeBrain":
        """Forget previous runs: the next run() starts at t = 0 from ``initial_state``."""
        self._carry = None
        self._carry_key = None
        self._observer_carry = {}
        return self

    @property
    def time_ms(self) -> float:
        """Simulated time reached so far (where the next run() starts)."""
        return 0.0 if self._carry is None else int(self._carry["step"]) * self.dt

    def _continuation_key(self) -> tuple:
        return (self.node, self.connectome.n_regions, self.dt, self.integrator, self.coupling.kind)

    # ---------------------------------------------------------------------------------------------
    @staticmethod
    def _coupling(c: Any) -> Coupling:
        if isinstance(c, Coupling):
            cc = c
        elif isinstance(c, (int, float)) and not isinstance(c, bool):
            cc = Coupling("linear", a=float(c))
        elif isinstance(c, dict):
            allowed = set(Coupling.__dataclass_fields__)
            bad = set(c) - allowed
            if bad:
                raise _cfg("coupling", repr(sorted(bad)[0]), f"keys {sorted(allowed)}")
            cc = Coupling(**c)
        else:
            raise _cfg("coupling", repr(c), "a number (linear strength), a dict or brainsim.Coupling")
        if cc.kind not in ("linear", "sigmoidal", "difference"):
            raise _cfg("coupling.kind", repr(cc.kind), "'linear', 'sigmoidal' or 'difference'")
        return cc

    @staticmethod
    def _noise(nz: Any) -> Noise:
        if nz is None:
            return Noise("none", 0.0)
        if isinstance(nz, Noise):
            out = nz
        elif isinstance(nz, (int, float)) and not isinstance(nz, bool):
            out = Noise("additive", float(nz))
        elif isinstance(nz, dict):
            allowed = set(Noise.__dataclass_fields__)
            bad = set(nz) - allowed
            if bad:
                raise _cfg("noise", repr(sorted(bad)[0]), f"keys {sorted(allowed)}")
            out = Noise(**nz)
        else:
            raise _cfg("noise", repr(nz), "None, a number (additive sigma), a dict or brainsim.Noise")
        if out.kind not in ("none", "additive", "ou"):
            raise _cfg("noise.kind", repr(out.kind), "'additive' or 'ou'")
        if not (out.sigma >= 0 and math.isfinite(out.sigma)):
            raise _cfg("noise.sigma", out.sigma, ">= 0 and finite")
        return out

    def observe(self, *observers: Any) -> "WholeBrain":
        for o in observers:
            if not hasattr(o, "transform"):
                raise _cfg("observer", type(o).__name__, "brainsim.BOLD, brainsim.EEG or an object with transform()")
            if any(x.name == o.name for x in self._observers):
                raise _cfg("observer", repr(o.name), "unique observer names")
            self._observers.append(o)
        return self

    def intervene(self, *interventions: Any) -> "WholeBrain":
        for iv in interventions:
            if isinstance(iv, Lesion):
                for nd in iv.nodes:
                    self.connectome.index(nd)
                for a, b in iv.edges:
                    self.connectome.index(a), self.connectome.index(b)
                self._lesions.append(iv)
            elif isinstance(iv, Stimulus):
                for nd in iv.nodes:
                    self.connectome.index(nd)
                if not math.isfinite(iv.amplitude):
                    raise _cfg("Stimulus.amplitude", iv.amplitude, "finite")
                if not (iv.stop >= iv.start):
                    raise _cfg("Stimulus.stop", iv.stop, f">= start = {iv.start}")
                self._stimuli.append(iv)
            else:
                raise _cfg("intervention", type(iv).__name__, "brainsim.Lesion or brainsim.Stimulus")
        return self

    # ---------------------------------------------------------------------------------------------
    def effective_weights(self) -> np.ndarray:
        w = np.array(self.connectome.weights, dtype=float)
        for les in self._lesions:
            for nd in les.nodes:
                i = self.connectome.index(nd)
                w[i, :] = 0.0
                w[:, i] = 0.0
            for a, b in les.edges:
                s, t = self.connectome.index(a), self.connectome.index(b)
                w[t, s] = 0.0
                if les.both_directions:
                    w[s, t] = 0.0
        return w

    def delay_steps(self) -> np.ndarray:
        return self.connectome.delays_steps(self.velocity, self.dt)

    def _edges(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        w = self.effective_weights()
        d = self.delay_steps()
        tgt, src = np.nonzero(w)  # row-major: sorted by target then source
        n = w.shape[0]
        if len(tgt):
            dd = d[tgt, src]
            bad = dd < 1
            if bad.any():
                k = int(np.argmax(bad))
                from .errors import DelayError
                i, j = int(tgt[k]), int(src[k])
                L = self.connectome.tract_lengths[i, j]
                e = DelayError(
                    f"invalid value {L / self.velocity:g} ms for 'delay' of edge {self.connectome.labels[j]} -> "
                    f"{self.connectome.labels[i]} (length {L:g} mm at {self.velocity:g} mm/ms) (allowed: >= "
                    f"dt/2 = {self.dt / 2:g} ms so that it rounds to at least one step of dt; use a smaller dt "
                    "or a lower velocity)")
                e.parameter, e.value, e.allowed = "delay", f"{L / self.velocity:g} ms", f">= {self.dt / 2:g} ms"
                raise e
            if dd.max() > 2**31 - 1:
                raise _cfg("delay", f"{int(dd.max())} steps", "< 2**31 steps")
        else:
            dd = np.zeros(0, dtype=np.int64)
        row_ptr = np.zeros(n + 1, dtype=np.int64)
        np.add.at(row_ptr, tgt + 1, 1)
        row_ptr = np.cumsum(row_ptr)
        return row_ptr, src.astype(np.int32), dd.astype(np.int32), w[tgt, src].astype(float)

    def _stimulus_rows(self) -> np.ndarray:
        rows = []
        for st in self._stimuli:
            a = int(math.floor(st.start / self.dt + 0.5))
            b = 2**62 if math.isinf(st.stop) else int(math.floor(st.stop / self.dt + 0.5))
            for nd in st.nodes:
                rows.append([self.connectome.index(nd), a, b, st.amplitude])
        return np.array(rows, dtype=float).reshape(-1)

    def resolved_config(self, duration_ms: float | None = None) -> dict:
        return {
            "node": self.node,
            "params": {k: self._P[:, i].tolist() if not np.all(self._P[:, i] == self._P[0, i]) else float(self._P[0, i])
                       for i, k in enumerate(self._param_names)},
            "coupling": asdict(self.coupling),
            "noise": asdict(self.noise),
            "velocity_mm_per_ms": self.velocity,
            "dt_ms": self.dt,
            "integrator": self.integrator,
            "seed": self.seed,
            "start_ms": self.time_ms,
            "record_interval": self.record_interval,
            "connectome": {"name": self.connectome.name, "n_regions": self.connectome.n_regions},
            "lesions": [asdict(x) for x in self._lesions],
            "stimuli": [asdict(x) for x in self._stimuli],
            "observers": [{"type": type(o).__name__, **{k: v for k, v in vars(o).items() if not k.startswith("_")}}
                          for o in self._observers],
            "duration_ms": duration_ms,
            "delay_rounding": "floor(length / velocity / dt + 1/2) steps",
            "brainsim_version": _core.build_info()["version"],
        }

    def run(self, duration_ms: float, threads: int = 1) -> WholeBrainResult:
        """Simulate ``duration_ms`` more (rounded down to whole samples of record_interval), continuing
        from the previous run if there was one (see the module docstring), and apply the observers."""
        if not (isinstance(duration_ms, (int, float)) and duration_ms >= 0 and math.isfinite(duration_ms)):
            raise _cfg("duration_ms", duration_ms, ">= 0 and finite")
        if not (isinstance(threads, (int, np.integer)) and threads >= 1):
            raise _cfg("threads", threads, "an integer >= 1")
        resume = self._carry
        if resume is not None:
            if self._continuation_key() != self._carry_key:
                raise _cfg("continuation", "a changed model, network size, dt, integrator or coupling kind",
                           "the same as in the previous run; call reset() to start again at t = 0")
            if int(resume["step"]) % self._record_every:
                raise _cfg("record_interval", self.record_interval,
                           f"a divisor of the time reached so far ({self.time_ms:g} ms); or call reset()")
        n_samples = int(math.floor(duration_ms / self.record_interval + 1e-9))
        n_steps = n_samples * self._record_every
        row_ptr, src, dly, w = self._edges()
        c, nz = self.coupling, self.noise
        config = self.resolved_config(duration_ms)
        t0 = time.perf_counter()
        r = _core.wb_simulate(
            self.node, self._P.reshape(-1), row_ptr, src, dly, w, c.kind, c.a, c.b, c.cmin, c.cmax, c.midpoint, c.r,
            nz.kind, nz.sigma, nz.tau_ou, self.integrator, self.dt, self.seed, self._x0.reshape(-1),
            self._stimulus_rows(), self._record_every, self.record_states, n_steps, int(threads), resume)
        wall = time.perf_counter() - t0
        self._carry = r["carry"]
        self._carry_key = self._continuation_key()
        out = r["output"]
        first = 0 if resume is None else int(resume["step"]) // self._record_every + 1
        t = self.record_interval * (first + np.arange(out.shape[0]))
        observed: dict[str, Signal] = {}
        carried = {}
        for k, o in enumerate(self._observers):
            if isinstance(o, BOLD):
                sig = _bold_drive(self.node, self._P, self._param_names, out)
                carry = self._observer_carry.get(o.name) if first else None
                observed[o.name] = o.transform(sig, self.record_interval, channels=self.connectome.labels,
                                               seed=self.seed, threads=int(threads), carry=carry)
                carried[o.name] = observed[o.name].meta["carry"]
                if carry is not None:
                    continue  # continued haemodynamics: times already count from t = 0
            elif isinstance(o, EEG):
                observed[o.name] = o.transform(out, self.record_interval, positions=self.connectome.centres,
                                               seed=self.seed)
            else:
                observed[o.name] = o.transform(out, self.record_interval, seed=self.seed)
            if first:  # a continued run: the signal starts at t[0], not at 0
                observed[o.name].t = observed[o.name].t + t[0]
        self._observer_carry = carried
        return WholeBrainResult(t=t, output=out, states=r.get("states"), final_state=r["final_state"],
                                observed=observed, config=config,
                                labels=self.connectome.labels, wall_time_s=wall)


# ------------------------------------------------------------------------------------------------
def default_model(seed: int = 0) -> WholeBrain:
    """Jansen-Rit nodes (1995 parameters) on the default connectome with TVB's sigmoidal Jansen-Rit
    coupling, white noise on the input rate p, stochastic Heun at dt = 0.1 ms, velocity 10 mm/ms.
    Observed: EEG (64 electrodes, homogeneous sphere) and BOLD (TR = 720 ms)."""
    wb = WholeBrain(
        Connectome.default(), node="jansen_rit",
        coupling=Coupling("sigmoidal", a=DEFAULT_COUPLING, cmin=0.0, cmax=0.005, midpoint=6.0, r=0.56),
        noise=Noise("additive", sigma=DEFAULT_SIGMA), velocity=10.0, dt=0.1, seed=seed, integrator="heun",
        record_interval=1.0)
    wb.observe(EEG(leadfield="sphere", sensors=64), BOLD(tr=720.0))
    return wb


# what run_default stores: region output every 10 ms, EEG at 250 Hz (anti-aliased), float32
DEFAULT_SAVE = {"output_every": 10, "decimate": {"eeg": 4}, "dtype": np.float32}
INTEGRATORS = ("euler", "heun", "rk4", "ros2", "ros3p", "rodas3", "rodas4")
DEFAULT_COUPLING = 10.0
DEFAULT_SIGMA = 0.05


def peak_frequency(x: np.ndarray, fs: float, fmin: float = 1.0,
                   fmax: float = 40.0) -> tuple[float, np.ndarray, np.ndarray]:
    """Frequency (Hz) of the largest peak of the channel-averaged Welch spectrum (4 s Hann windows,
    50% overlap) between fmin and fmax; also returns (f, psd)."""
    x = np.asarray(x, dtype=float)
    if x.ndim == 1:
        x = x[:, None]
    nper = int(min(len(x), 4 * fs))
    step = nper // 2
    win = np.hanning(nper)
    psd = np.zeros(nper // 2 + 1)
    count = 0
    for s in range(0, len(x) - nper + 1, step):
        seg = x[s:s + nper] - x[s:s + nper].mean(axis=0)
        psd += (np.abs(np.fft.rfft(seg * win[:, None], axis=0)) ** 2).mean(axis=1)
        count += 1
    psd /= max(count, 1)
    f = np.fft.rfftfreq(nper, 1.0 / fs)
    band = (f >= fmin) & (f <= fmax)
    return float(f[band][np.argmax(psd[band])]), f, psd


def run_default(duration_ms: float = 60_000.0, out_dir: str | Path = ".", seed: int = 0, threads: int = 1,
                transient_ms: float = 5_000.0) -> dict:
    """Run :func:`default_model`, write ``wholebrain.h5`` and ``summary.json`` into ``out_dir`` and return
    the summary: EEG peak frequency (Hz, after the transient), BOLD FC-SC correlation (Pearson over the
    upper triangle of the FC matrix vs the weights), wall time.

    What the file keeps (DEFAULT_SAVE; gzip + shuffle, float32 time series; about 5 MB per simulated
    minute instead of 66 MB for everything at 1 kHz in float64): EEG low-pass filtered and decimated to
    250 Hz (the model's content is below ~40 Hz), BOLD at every TR, the region-level output (y1 - y2)
    as instantaneous samples every 10 ms, the final state (float64) and the resolved configuration.
    The analysis in the summary uses the full-rate signals. For everything at full rate, run
    ``default_model(seed).run(...)`` and call ``save(path)`` without arguments."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    wb = default_model(seed)
    res = wb.run(duration_ms, threads=threads)
    eeg = res["eeg"]
    skip = int(transient_ms / wb.record_interval)
    peak, _, _ = peak_frequency(eeg.data[skip:], res.rate_hz)
    bold = res["bold"]
    keep = bold.t > transient_ms
    b = bold.data[keep]
    summary: dict[str, Any] = {
        "model": "jansen_rit on brainsim-default-80",
        "duration_ms": duration_ms,
        "seed": seed,
        "threads": threads,
        "eeg_peak_hz": peak,
        "eeg_alpha_peak": bool(8.0 <= peak <= 12.0),
        "bold_samples": int(b.shape[0]),
        "wall_time_s": res.wall_time_s,
    }
    if b.shape[0] >= 3:
        fc = np.corrcoef(b.T)
        iu = np.triu_indices(fc.shape[0], 1)
        sc = wb.effective_weights()
        summary["fc_sc_correlation"] = float(np.corrcoef(fc[iu], sc[iu])[0, 1])
    else:
        summary["fc_sc_correlation"] = None
    res.save(out_dir / "wholebrain.h5", **DEFAULT_SAVE)
    summary["file"] = {"name": "wholebrain.h5", "bytes": (out_dir / "wholebrain.h5").stat().st_size,
                       "eeg_rate_hz": res["eeg"].rate_hz / DEFAULT_SAVE["decimate"]["eeg"],
                       "output_interval_ms": wb.record_interval * DEFAULT_SAVE["output_every"], "dtype": "float32"}
    (out_dir / "summary.json").write_text(json.dumps(summary, indent=2))
    return summary
