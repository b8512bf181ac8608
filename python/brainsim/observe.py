"""Measurement operators y = H(x) + eps: BOLD, EEG/MEG through a lead field, observation noise.

Observers work on *signals*: an array (time, channel) sampled every ``dt_ms``. A whole-brain run feeds
them its per-region output (``WholeBrain.observe``), and any other source can do the same through
``observer.transform(signal, dt_ms, ...)`` -- e.g. the population rates or LFP proxy of a spiking
network (one column per population/region) -> ``BOLD(tr=2000).transform(rates, dt_ms=1.0)``. Nothing
here depends on the model that produced the signal.

- :class:`BOLD`: Balloon-Windkessel haemodynamics (Friston 2000/2003 parameters, Stephan 2007 output),
  integrated in C++ in log-transformed variables (stiff-safe), instantaneous samples every TR.
- :class:`EEG` / :class:`MEG`-style projection: gain (sensors x regions) @ source signal. The gain is
  loaded from a file/array or computed analytically: ``"sphere"`` is a current dipole in a
  *homogeneous conducting sphere* (single shell; surface potential in closed form, Frank 1952 /
  Mosher et al. 1999), radial dipoles at the region centres, electrodes on the sphere surface.
- Observation noise: Gaussian with a stated SNR in dB per channel, 10 log10(var(signal)/var(noise)),
  from Philox keyed by (seed, observation-noise stream).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from . import _core
from .errors import BrainsimIOError, ConfigError

__all__ = ["BOLD", "EEG", "Signal", "lfp_proxy", "sphere_leadfield", "sphere_sensors", "add_observation_noise",
           "balloon_windkessel"]


def _cfg(field_: str, value: Any, allowed: str) -> ConfigError:
    e = ConfigError(f"invalid value {value} for '{field_}' (allowed: {allowed})")
    e.parameter, e.value, e.allowed = field_, str(value), allowed
    return e


@dataclass
class Signal:
    """A sampled signal: ``data`` (time, channel), sample times ``t`` in ms, channel names."""

    data: np.ndarray
    t: np.ndarray
    channels: tuple[str, ...]
    unit: str = ""
    meta: dict = field(default_factory=dict)

    @property
    def rate_hz(self) -> float:
        return 1000.0 / float(self.t[1] - self.t[0]) if len(self.t) > 1 else float("nan")


def add_observation_noise(data: np.ndarray, snr_db: float | None, seed: int, stream: int = 0) -> np.ndarray:
    """Add Gaussian noise per channel with SNR ``snr_db`` = 10 log10(var(signal)/var(noise))."""
    if snr_db is None:
        return data
    if not np.isfinite(snr_db):
        raise _cfg("snr_db", snr_db, "a finite number of dB, or None for no noise")
    std = np.std(data, axis=0) * 10.0 ** (-float(snr_db) / 20.0)
    key = np.array([int(seed) & (2**64 - 1), (int(_core.OBSERVATION_NOISE_STREAM) + stream) & (2**64 - 1)],
                   dtype=np.uint64)
    rng = np.random.Generator(np.random.Philox(key=key))
    return data + rng.standard_normal(data.shape) * std


def balloon_windkessel(drive: np.ndarray, dt_ms: float, tr_ms: float, threads: int = 1,
                       **params: float) -> tuple[np.ndarray, np.ndarray]:
    """BOLD (n_TR, regions) and haemodynamic states (n_TR, regions, [s, f, v, q]) for a drive sampled
    every dt_ms from t = 0; samples at t = TR, 2 TR, ... Parameters: kappa, gamma, tau (s), alpha, rho,
    V0, k1, k2, k3, max_step_s (see brainsim/observe/bold.hpp)."""
    b, states, _, _ = _balloon(drive, dt_ms, tr_ms, threads, params)
    return b, states


def _balloon(drive, dt_ms, tr_ms, threads, params, initial_state=None, phase=0):
    d = np.ascontiguousarray(drive, dtype=float)
    if d.ndim == 1:
        d = d[:, None]
    return _core.balloon_windkessel(d, float(dt_ms), float(tr_ms), {k: float(v) for k, v in params.items()},
                                    int(threads), initial_state, int(phase))


@dataclass
class BOLD:
    """BOLD observer. ``tr`` in ms; ``params`` override Balloon-Windkessel constants; ``scale``
    multiplies the neural drive (the drive should be O(1)); ``snr_db`` adds observation noise."""

    tr: float = 2000.0
    params: dict = field(default_factory=dict)
    scale: float = 1.0
    snr_db: float | None = None
    name: str = "bold"

    def transform(self, signal: np.ndarray, dt_ms: float, *, channels: tuple[str, ...] | None = None,
                  seed: int = 0, threads: int = 1, carry: dict | None = None) -> Signal:
        """BOLD of ``signal`` (time, region) sampled every ``dt_ms`` from t = 0, at t = TR, 2 TR, ...

        ``carry``: ``meta["carry"]`` of the Signal that transformed the preceding stretch of the same
        drive (whose samples continue at one ``dt_ms`` after its last one): the haemodynamic state,
        the TR phase and the last drive sample carry over, so the samples are bitwise those of one
        transform of the whole drive (times counted from that drive's start). Observation noise
        (``snr_db``) is scaled per call and drawn from a new stream per continuation."""
        z = np.asarray(signal, dtype=float)
        if z.ndim == 1:
            z = z[:, None]
        if carry is None:
            drive, state, phase, before, part = z, None, 0, 0, 0
        else:
            last = np.asarray(carry["last_drive"], dtype=float)
            if last.shape != z.shape[1:]:
                raise _cfg("signal", f"{z.shape[1]} regions", f"{last.shape[0]} regions as in the carried run")
            drive = np.vstack([last[None, :], z])
            state, phase, before, part = carry["state"], carry["phase"], carry["samples"], carry["part"] + 1
        b, states, final, phase1 = _balloon(drive * self.scale, dt_ms, self.tr, threads, self.params, state, phase)
        b = add_observation_noise(b, self.snr_db, seed, stream=1 + (part << 8))
        t = self.tr * np.arange(before + 1, before + b.shape[0] + 1)
        ch = channels or tuple(f"r{i}" for i in range(b.shape[1]))
        last = z[-1].copy() if z.shape[0] else drive[-1].copy()
        nxt = {"state": final, "phase": int(phase1), "last_drive": last, "samples": before + b.shape[0], "part": part}
        return Signal(b, t, ch, unit="fraction (x100 = % signal change)",
                      meta={"tr_ms": self.tr, "snr_db": self.snr_db, "haemodynamic_states": states, "carry": nxt})


def sphere_sensors(n: int = 64, radius: float = 95.0) -> np.ndarray:
    """``n`` electrode positions (mm) spread evenly over the upper part (z > -0.2 R) of a sphere."""
    if not (isinstance(n, (int, np.integer)) and n >= 1):
        raise _cfg("n_sensors", n, "an integer >= 1")
    pts = []
    k = 0
    total = int(n / 0.6) + 4
    golden = np.pi * (3.0 - np.sqrt(5.0))
    while len(pts) < n:
        z = 1.0 - 2.0 * (k + 0.5) / total
        r = np.sqrt(max(0.0, 1.0 - z * z))
        if z > -0.2:
            pts.append([r * np.cos(golden * k), r * np.sin(golden * k), z])
        k += 1
    return np.array(pts) * radius


def sphere_leadfield(sources: np.ndarray, sensors: np.ndarray, orientations: np.ndarray | None = None, *,
                     radius: float = 95.0, conductivity: float = 0.33) -> np.ndarray:
    """Gain (sensors x sources) of current dipoles in a homogeneous conducting sphere centred at 0.

    Positions in mm, conductivity in S/m; a unit source is a dipole of 1 nA*m along ``orientations``
    (default: radial, from the centre through the source); the result is in microvolts. Surface
    potential (Frank 1952; Mosher, Leahy & Lewis 1999), with d = r - r0:
        V(r) = q . [2 d / |d|^3 + (r |d| + R d) / (R |d| (R |d| + r . d))] / (4 pi sigma)
    Sensors are projected onto the sphere surface; sources must lie strictly inside."""
    src = np.asarray(sources, dtype=float)
    sen = np.asarray(sensors, dtype=float)
    if src.ndim != 2 or src.shape[1] != 3:
        raise _cfg("sources", f"shape {src.shape}", "(n_sources, 3) positions in mm")
    if sen.ndim != 2 or sen.shape[1] != 3:
        raise _cfg("sensors", f"shape {sen.shape}", "(n_sensors, 3) positions in mm")
    if not (radius > 0 and np.isfinite(radius)):
        raise _cfg("radius", radius, "> 0 (mm)")
    if not (conductivity > 0 and np.isfinite(conductivity)):
        raise _cfg("conductivity", conductivity, "> 0 (S/m)")
    rs = np.linalg.norm(src, axis=1)
    if (rs >= radius).any():
        i = int(np.argmax(rs))
        raise _cfg("sources", f"region {i} at {rs[i]:.1f} mm from the centre", f"inside the sphere (< {radius} mm)")
    if orientations is None:
        with np.errstate(invalid="ignore", divide="ignore"):
            ori = src / rs[:, None]
        ori[rs == 0] = [0.0, 0.0, 1.0]
    else:
        ori = np.asarray(orientations, dtype=float)
        if ori.shape != src.shape:
            raise _cfg("orientations", f"shape {ori.shape}", f"shape {src.shape}")
        ori = ori / np.linalg.norm(ori, axis=1, keepdims=True)
    R = radius * 1e-3
    r = sen / np.linalg.norm(sen, axis=1, keepdims=True) * R          # (S, 3) in m
    r0 = src * 1e-3                                                   # (N, 3)
    d = r[:, None, :] - r0[None, :, :]                                # (S, N, 3)
    dn = np.linalg.norm(d, axis=-1)                                   # (S, N)
    rd = np.einsum("sk,snk->sn", r, d)                                # r . d
    term1 = 2.0 * d / dn[..., None] ** 3
    term2 = (r[:, None, :] * dn[..., None] + R * d) / (R * dn * (R * dn + rd))[..., None]
    v = np.einsum("snk,nk->sn", term1 + term2, ori) / (4.0 * np.pi * conductivity)  # V per A*m
    return v * 1e-9 * 1e6  # 1 nA*m -> microvolts


def _load_gain(src: Any) -> np.ndarray:
    if isinstance(src, (str, os.PathLike)):
        p = Path(src)
        if not p.exists():
            raise BrainsimIOError(f"lead-field file not found: {p}")
        try:
            if p.suffix == ".npy":
                return np.load(p, allow_pickle=False)
            if p.suffix == ".npz":
                with np.load(p, allow_pickle=False) as z:
                    key = "gain" if "gain" in z.files else z.files[0]
                    return z[key]
            if p.suffix == ".mat":
                import scipy.io
                d = {k: v for k, v in scipy.io.loadmat(p).items() if not k.startswith("__")}
                return next(v for v in d.values() if isinstance(v, np.ndarray) and v.ndim == 2)
            return np.loadtxt(p, ndmin=2)
        except BrainsimIOError:
            raise
        except Exception as exc:
            raise BrainsimIOError(f"cannot read lead field {p}: {exc}") from exc
    return np.asarray(src, dtype=float)


@dataclass
class EEG:
    """EEG (or MEG with a MEG gain) projection: sensors = gain @ region signal.

    ``leadfield``: ``"sphere"`` (analytic homogeneous sphere, needs region centres), an array
    (sensors x regions) or a file (.npy, .npz with 'gain', .mat, text). ``reference``: "average"
    re-references to the sensor mean, None keeps the gain as is."""

    leadfield: Any = "sphere"
    sensors: Any = 64
    radius: float = 95.0
    conductivity: float = 0.33
    reference: str | None = "average"
    snr_db: float | None = None
    name: str = "eeg"

    def gain(self, n_regions: int, positions: np.ndarray | None) -> np.ndarray:
        if isinstance(self.leadfield, str) and self.leadfield == "sphere":
            if positions is None:
                raise _cfg("leadfield", "'sphere'", "an explicit gain matrix: this connectome has no region centres")
            sen = sphere_sensors(self.sensors, self.radius) if np.ndim(self.sensors) == 0 else np.asarray(self.sensors)
            g = sphere_leadfield(positions, sen, radius=self.radius, conductivity=self.conductivity)
        else:
            g = _load_gain(self.leadfield)
            if g.ndim != 2 or g.shape[1] != n_regions:
                raise _cfg("leadfield", f"matrix of shape {g.shape}", f"(n_sensors, {n_regions})")
            if not np.isfinite(g).all():
                raise _cfg("leadfield", "non-finite entries", "finite values")
        if self.reference == "average":
            g = g - g.mean(axis=0, keepdims=True)
        elif self.reference is not None:
            raise _cfg("reference", repr(self.reference), "'average' or None")
        return g

    def transform(self, signal: np.ndarray, dt_ms: float, *, positions: np.ndarray | None = None,
                  seed: int = 0, **_: Any) -> Signal:
        s = np.asarray(signal, dtype=float)
        g = self.gain(s.shape[1], positions)
        y = s @ g.T
        y = add_observation_noise(y, self.snr_db, seed, stream=2)
        t = dt_ms * np.arange(y.shape[0])
        return Signal(y, t, tuple(f"e{i}" for i in range(y.shape[1])), unit="uV per unit source",
                      meta={"snr_db": self.snr_db, "gain": g})


def lfp_proxy(result: Any, terms: Sequence[tuple[str, str, float]], delay_ms: float = 0.0) -> Signal:
    """LFP proxy of a spiking network: a weighted sum of population-summed synaptic currents,
    ``sum_k w_k * sum_{i in population_k} I_k,i(t - delay)``.

    ``terms`` are ``(population, variable, weight)`` with each ``(population, variable)`` recorded
    as a population sum, e.g. ``net.record(E, "I_syn_ex", reduce="sum")``. Mazzoni et al. (2008)
    use ``|I_AMPA| + |I_GABA|`` of the pyramidal cells: ``[("E", "I_syn_ex", 1.0), ("E",
    "I_syn_in", -1.0)]`` for lif_cond_exp, whose excitatory current is >= 0 and inhibitory current
    <= 0 below the reversal potentials; Mazzoni et al. (2015) add a delay of ~6 ms. The result is a
    one-channel :class:`Signal` (pA) that BOLD/EEG observers or spectra can take like any other.
    """
    if not terms:
        raise _cfg("terms", "[]", "at least one (population, variable, weight)")
    if not (np.isfinite(delay_ms) and delay_ms >= 0):
        raise _cfg("delay_ms", delay_ms, ">= 0 and finite")
    t_ref = total = None
    for population, variable, weight in terms:
        if not np.isfinite(weight):
            raise _cfg("weight", weight, "a finite number")
        t, values = result.population_sum(population, variable)
        if t_ref is None:
            t_ref, total = np.asarray(t, dtype=float), np.zeros(len(t))
        elif len(t) != len(t_ref) or not np.array_equal(t, t_ref):
            raise _cfg("terms", f"({population!r}, {variable!r})", "population sums recorded at the same interval")
        total = total + float(weight) * np.asarray(values, dtype=float)
    return Signal(total[:, None], t_ref + float(delay_ms), ("lfp",), unit="pA",
                  meta={"terms": [tuple(x) for x in terms], "delay_ms": float(delay_ms)})
