"""BOLD (Balloon-Windkessel) against an independent SciPy integration of the same equations
(tests/data/wholebrain/make_bold_reference.py)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from brainsim.errors import ConfigError, NumericalError
from brainsim.observe import BOLD, balloon_windkessel

REF = json.loads((Path(__file__).parents[2] / "data" / "wholebrain" / "bold_reference.json").read_text())


def test_bold_matches_scipy():
    z = np.array(REF["drive"])
    b, st = balloon_windkessel(z, REF["dt_ms"], REF["tr_ms"], **REF["params"])
    ref = np.array(REF["bold"])
    assert b.shape == ref.shape
    scale = np.abs(ref).max()
    assert np.abs(b - ref).max() < 1e-6 * scale
    np.testing.assert_allclose(st, np.array(REF["states"]), rtol=0, atol=1e-8)


def test_bold_observer_defaults_are_the_reference_constants():
    z = np.array(REF["drive"])
    sig = BOLD(tr=REF["tr_ms"]).transform(z, REF["dt_ms"])
    ref = np.array(REF["bold"])
    assert np.abs(sig.data - ref).max() < 1e-6 * np.abs(ref).max()
    assert sig.t[0] == REF["tr_ms"] and sig.rate_hz == pytest.approx(1000.0 / REF["tr_ms"])


def test_rest_stays_at_rest():
    b, st = balloon_windkessel(np.zeros((1001, 2)), 1.0, 100.0)
    assert np.abs(b).max() < 1e-15  # rounding of (1 - rho)^(1/f) at f = 1 only
    np.testing.assert_allclose(st[-1, 0], [0.0, 1.0, 1.0, 1.0], rtol=0, atol=1e-14)


def test_negative_drive_keeps_flow_volume_positive():
    # a dip that takes the inflow f close to 0, where v^(1/alpha) and (1-rho)^(1/f) are delicate
    t = np.arange(0, 20001) / 1000.0
    z = np.where((t > 1.0) & (t < 2.0), -0.9, 0.0)[:, None]
    b, st = balloon_windkessel(z, 1.0, 10.0)
    assert np.isfinite(b).all() and (st[..., 1:] > 0).all()
    assert st[:, 0, 1].min() < 0.3


def test_sustained_negative_drive_is_a_numerical_error():
    # df/dt = s < 0 forever: the inflow reaches 0 in finite time and the model breaks down
    with pytest.raises(NumericalError, match="too negative"):
        balloon_windkessel(np.full((20001, 1), -0.5), 1.0, 1000.0)


def test_bad_input():
    with pytest.raises(ConfigError, match="tr"):
        balloon_windkessel(np.zeros((10, 1)), 1.0, 2.5)
    with pytest.raises(ConfigError, match="kappa"):
        balloon_windkessel(np.zeros((10, 1)), 1.0, 2.0, kappa=-1.0)
    with pytest.raises(ConfigError, match="nope"):
        balloon_windkessel(np.zeros((10, 1)), 1.0, 2.0, nope=1.0)
    z = np.zeros((10, 2))
    z[3, 1] = np.nan
    with pytest.raises(ConfigError, match="region 1"):
        balloon_windkessel(z, 1.0, 2.0)
    with pytest.raises(NumericalError, match="region 0"):
        balloon_windkessel(np.full((200001, 1), 1e6), 1.0, 1000.0)
