"""Results of a network run: recorded spikes and sampled state, and HDF5 output.

HDF5 layout (``NetworkResult.save``):

* ``/spikes/<population>/timestamps`` (float64, ms) and ``/spikes/<population>/node_ids`` (uint64,
  population-local ids), sorted by (time, id) — the SONATA spike-report layout; attribute
  ``sorting = "by_time"``, ``units = "ms"``.
* ``/states/<population>/<variable>/data`` (time x channel), ``times`` (ms), ``node_ids``; attribute
  ``sampling_interval_ms``. Population sums are stored as ``<variable>_sum`` with one channel.
* Root attributes: ``config`` (the resolved network description as JSON), ``seed``, ``dt``,
  ``options`` (threads, accumulation, partitions, integration, JSON), ``brainsim_version``,
  ``build_info`` (JSON), ``report`` (build report, JSON).
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from .errors import BrainsimIOError, ConfigError

__all__ = ["NetworkResult"]


def _jsonable(x: Any) -> Any:
    if isinstance(x, dict):
        return {k: _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (np.floating,)):
        return float(x)
    if isinstance(x, float) and not np.isfinite(x):
        return str(x)
    return x


class NetworkResult:
    """What a :class:`~brainsim.network.Network` recorded. Returned by ``Network.run``; later runs of
    the same network append to it."""

    def __init__(self, net: Any, report: dict) -> None:
        self._net = net
        self.report = dict(report)
        self.dt = net.dt
        self.seed = net.seed
        self.timing: dict[str, float] = {}
        self.options: dict = {}
        self._recs = list(net._recorders)
        self._chunks: list[list[tuple]] = [[] for _ in self._recs]

    def _collect(self, sim: Any) -> None:
        for r, rec in enumerate(self._recs):
            if rec["kind"] == "spikes":
                t, ids = sim.take_spikes(r)
                if t.size:
                    self._chunks[r].append((t, ids))
            else:
                t, v, cols = sim.take_samples(r)
                if t.size:
                    self._chunks[r].append((t, v, cols))

    # -- access ------------------------------------------------------------------------------------
    @property
    def t_stop(self) -> float:
        return float(self._net.time)

    def _find(self, population: str, kind: tuple, variable: str | None = None) -> list[int]:
        idx = [i for i, r in enumerate(self._recs) if r["population"] == population and r["kind"] in kind
               and (variable is None or r["variable"] == variable)]
        if not idx:
            have = ", ".join(f"{r['population']}:{r['variable']}" for r in self._recs) or "nothing"
            raise ConfigError(f"nothing recorded for population {population!r}"
                              f"{'' if variable is None else f' variable {variable!r}'} (recorded: {have})")
        return idx

    def spikes(self, population: str) -> tuple[np.ndarray, np.ndarray]:
        """(times in ms, population-local ids), sorted by (time, id)."""
        ts, ids = [], []
        idx = self._find(population, ("spikes",))
        for r in idx:
            for t, i in self._chunks[r]:
                ts.append(t)
                ids.append(i)
        if not ts:
            return np.zeros(0), np.zeros(0, dtype=np.uint64)
        t = np.concatenate(ts)
        i = np.concatenate(ids)
        if len(idx) > 1:  # several recorders on one population: merge, drop duplicates
            tid = np.unique(np.stack([t, i.astype(float)], axis=1), axis=0)
            o = np.lexsort((tid[:, 1], tid[:, 0]))
            return tid[o, 0], tid[o, 1].astype(np.uint64)
        return t, i

    def state(self, population: str, variable: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(times in ms, values [time, neuron], population-local ids of the columns)."""
        r = self._find(population, ("state",), variable)[0]
        return self._samples(r)

    def population_sum(self, population: str, variable: str) -> tuple[np.ndarray, np.ndarray]:
        """(times in ms, sum of ``variable`` over the recorded neurons)."""
        r = self._find(population, ("population_sum",), variable)[0]
        t, v, _ = self._samples(r)
        return t, v[:, 0]

    def _samples(self, r: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        ch = self._chunks[r]
        rec = self._recs[r]
        if not ch:
            ncol = 1 if rec["kind"] == "population_sum" else (len(rec["indices"]) if rec["indices"] is not None else 0)
            return np.zeros(0), np.zeros((0, ncol)), np.zeros(0, dtype=np.uint64)
        t = np.concatenate([c[0] for c in ch])
        v = np.concatenate([c[1] for c in ch], axis=0)
        return t, v, ch[0][2]

    def rates(self, population: str, t_start: float = 0.0, t_stop: float | None = None) -> float:
        """Mean firing rate (Hz) of the whole population over [t_start, t_stop)."""
        t, _ = self.spikes(population)
        t_stop = self.t_stop if t_stop is None else t_stop
        n = self._net.population(population).size
        k = np.count_nonzero((t >= t_start) & (t < t_stop))
        return float(k / (n * (t_stop - t_start) / 1000.0)) if n and t_stop > t_start else 0.0

    # -- output ------------------------------------------------------------------------------------
    def save(self, path: str) -> None:
        """Write everything recorded to HDF5 (layout in the module docstring)."""
        try:
            import h5py
        except ImportError as exc:  # pragma: no cover - h5py is a dependency
            raise BrainsimIOError("saving needs h5py: pip install h5py") from exc
        from . import build_info

        try:
            f = h5py.File(path, "w")
        except OSError as exc:
            raise BrainsimIOError(f"cannot write {path!r}: {exc}") from exc
        with f:
            sp = f.create_group("spikes")
            sp.attrs["units"] = "ms"
            for name in sorted({r["population"] for r in self._recs if r["kind"] == "spikes"}):
                t, i = self.spikes(name)
                g = sp.create_group(name)
                g.attrs["sorting"] = "by_time"
                g.create_dataset("timestamps", data=t).attrs["units"] = "ms"
                g.create_dataset("node_ids", data=i.astype(np.uint64))
            st = f.create_group("states")
            for r, rec in enumerate(self._recs):
                if rec["kind"] == "spikes":
                    continue
                t, v, cols = self._samples(r)
                name = rec["variable"] + ("_sum" if rec["kind"] == "population_sum" else "")
                g = st.require_group(rec["population"]).create_group(name)
                g.create_dataset("data", data=v)
                g.create_dataset("times", data=t).attrs["units"] = "ms"
                g.create_dataset("node_ids", data=np.asarray(cols, dtype=np.uint64))
                g.attrs["sampling_interval_ms"] = float(t[1] - t[0]) if t.size > 1 else float(self.dt)
            f.attrs["config"] = json.dumps(_jsonable(self._net._spec))
            f.attrs["seed"] = np.uint64(self.seed)
            f.attrs["dt"] = float(self.dt)
            f.attrs["options"] = json.dumps(_jsonable(self.options))
            info = build_info()
            f.attrs["brainsim_version"] = info.get("version", "")
            f.attrs["build_info"] = json.dumps(_jsonable(info))
            f.attrs["report"] = json.dumps(_jsonable(self.report))
            f.attrs["t_stop_ms"] = self.t_stop
