"""The model registry: every compiled model, with its parameters, units and defaults."""

from __future__ import annotations

from . import _core
from .errors import ConfigError

__all__ = ["models"]


def _neuron_entries() -> list[dict]:
    out = []
    for m in _core.neuron_models():
        out.append({
            "name": m["name"],
            "kind": "neuron",
            "doc": m["doc"],
            "parameters": [dict(p) for p in m["parameters"]],
            "state_vars": [{"name": n, "unit": u} for n, u in m["state_vars"]],
            "receptors": [{"name": n, "weight_unit": u} for n, u in m["receptors"]],
            "precise_timing": bool(m["precise"]),
        })
    return out


def _mass_entries() -> list[dict]:
    out = []
    for m in _core.wb_node_models():
        out.append({
            "name": m["name"],
            "kind": "mass",
            "doc": m["output"],
            "parameters": [{"name": p[0], "unit": p[1], "default": p[2], "doc": p[3]} for p in m["params"]],
            "state_vars": [{"name": s, "unit": ""} for s in m["state_names"]],
            "receptors": [],
            "precise_timing": False,
        })
    return out


def models(kind: str | None = None) -> list[dict]:
    """All registered models: point neurons (``kind="neuron"``) usable in :class:`brainsim.Network`
    and neural masses (``kind="mass"``) usable as nodes of :class:`brainsim.WholeBrain`.

    Each entry: ``{"name", "kind", "doc", "parameters": [{"name", "unit", "default", "doc"}],
    "state_vars": [{"name", "unit"}], "receptors": [{"name", "weight_unit"}], "precise_timing"}``.
    """
    kinds = {"neuron": _neuron_entries, "mass": _mass_entries}
    if kind is not None and kind not in kinds:
        raise ConfigError(f"invalid value {kind!r} for 'kind' (allowed: None, 'neuron', 'mass')")
    selected = kinds if kind is None else {kind: kinds[kind]}
    return [entry for fn in selected.values() for entry in fn()]
