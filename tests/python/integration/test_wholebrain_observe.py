"""EEG lead field of a dipole in a homogeneous sphere against the Legendre series solution, file
loading, and observation noise."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import eval_legendre

from brainsim.errors import BrainsimIOError, ConfigError
from brainsim.observe import EEG, add_observation_noise, sphere_leadfield, sphere_sensors


def series_radial(b, R, theta, sigma, n_terms=400):
    """Surface potential of a radial unit dipole at distance b from the centre of a homogeneous sphere:
    V = q / (4 pi sigma R^2) sum_n (2n + 1) (b/R)^(n-1) P_n(cos theta) (Laplace's equation with a
    no-flux boundary)."""
    n = np.arange(1, n_terms + 1)
    terms = (2 * n + 1)[:, None] * (b / R) ** (n - 1)[:, None] * eval_legendre(n[:, None], np.cos(theta)[None])
    return terms.sum(axis=0) / (4 * np.pi * sigma * R**2)


@pytest.mark.parametrize("b_mm", [0.0, 30.0, 60.0, 80.0])
def test_radial_dipole_matches_series(b_mm):
    R, sigma = 90.0, 0.33
    theta = np.linspace(0.05, np.pi - 0.05, 25)
    sensors = R * np.stack([np.sin(theta), np.zeros_like(theta), np.cos(theta)], axis=1)
    g = sphere_leadfield(np.array([[0.0, 0.0, b_mm]]), sensors, np.array([[0.0, 0.0, 1.0]]),
                         radius=R, conductivity=sigma)[:, 0]
    ref = series_radial(b_mm * 1e-3, R * 1e-3, theta, sigma) * 1e-9 * 1e6  # 1 nA m -> uV
    np.testing.assert_allclose(g, ref, rtol=1e-9, atol=1e-12 * np.abs(ref).max())


def test_centre_dipole_closed_form_any_orientation():
    R, sigma = 0.09, 0.33
    rng = np.random.default_rng(0)
    q = rng.normal(size=3)
    q /= np.linalg.norm(q)
    sen = sphere_sensors(40, 90.0)
    g = sphere_leadfield(np.zeros((1, 3)), sen, q[None], radius=90.0, conductivity=sigma)[:, 0]
    rhat = sen / np.linalg.norm(sen, axis=1, keepdims=True)
    ref = 3 * (rhat @ q) / (4 * np.pi * sigma * R**2) * 1e-3  # V per A m -> uV per nA m
    np.testing.assert_allclose(g, ref, rtol=1e-12)


def test_leadfield_validation_and_files(tmp_path):
    with pytest.raises(ConfigError, match="inside the sphere"):
        sphere_leadfield(np.array([[0.0, 0.0, 95.0]]), sphere_sensors(4), radius=95.0)
    g = np.arange(6.0).reshape(2, 3)
    np.save(tmp_path / "g.npy", g)
    sig = EEG(leadfield=tmp_path / "g.npy", reference=None).transform(np.eye(3), 1.0)
    np.testing.assert_array_equal(sig.data, g.T)
    avg = EEG(leadfield=g, reference="average").transform(np.eye(3), 1.0)
    np.testing.assert_allclose(avg.data.sum(axis=1), 0.0, atol=1e-12)
    with pytest.raises(BrainsimIOError, match="nothere.npy"):
        EEG(leadfield=tmp_path / "nothere.npy").transform(np.eye(3), 1.0)
    (tmp_path / "bad.npy").write_bytes(b"nope")
    with pytest.raises(BrainsimIOError, match="bad.npy"):
        EEG(leadfield=tmp_path / "bad.npy").transform(np.eye(3), 1.0)


def test_observation_noise_snr_and_seed():
    t = np.arange(20000) * 1e-3
    x = np.stack([np.sin(2 * np.pi * 10 * t), 3 * np.cos(2 * np.pi * 4 * t)], axis=1)
    y = add_observation_noise(x, 10.0, seed=7)
    snr = 10 * np.log10(x.var(axis=0) / (y - x).var(axis=0))
    np.testing.assert_allclose(snr, 10.0, atol=0.1)
    np.testing.assert_array_equal(y, add_observation_noise(x, 10.0, seed=7))
    assert not np.array_equal(y, add_observation_noise(x, 10.0, seed=8))
    assert add_observation_noise(x, None, seed=1) is x
    with pytest.raises(ConfigError, match="snr_db"):
        add_observation_noise(x, float("nan"), seed=1)
