"""The bundled default whole-brain model: alpha-band EEG, BOLD FC reported against SC, files written."""

from __future__ import annotations

import json

import h5py
import numpy as np

from brainsim.wholebrain import decimate_signal, default_model, peak_frequency, run_default


def test_peak_frequency_of_a_known_sine():
    fs = 1000.0
    t = np.arange(0, 8.0, 1 / fs)
    x = np.sin(2 * np.pi * 10.25 * t)[:, None] + 0.1 * np.sin(2 * np.pi * 3 * t)[:, None]
    assert peak_frequency(x, fs)[0] == 10.25


def test_default_model_alpha_eeg_and_fc_sc(tmp_path):
    summary = run_default(duration_ms=10_000.0, out_dir=tmp_path, seed=3, threads=1, transient_ms=2_000.0)
    assert 8.0 <= summary["eeg_peak_hz"] <= 12.0
    assert summary["eeg_alpha_peak"] is True
    assert summary["fc_sc_correlation"] is not None and -1.0 <= summary["fc_sc_correlation"] <= 1.0
    on_disk = json.loads((tmp_path / "summary.json").read_text())
    assert on_disk == summary
    with h5py.File(tmp_path / "wholebrain.h5") as f:
        # compact default file: region output every 10 ms, EEG at 250 Hz, float32, gzip
        assert f["output"].shape == (1_001, 80)
        assert f["output"].attrs["sampling_rate_hz"] == 100.0
        np.testing.assert_array_equal(f["t_ms"][:3], [0.0, 10.0, 20.0])
        assert f["output"].dtype == np.float32 and f["output"].compression == "gzip"
        assert f["observed/eeg/data"].shape == (2_501, 64)
        assert f["observed/eeg/data"].attrs["sampling_rate_hz"] == 250.0
        assert f["observed/bold/data"].shape == (13, 80)
        assert f["final_state"].dtype == np.float64
        assert f["observed/bold/data"].attrs["sampling_rate_hz"] == 1000.0 / 720.0
        cfg = json.loads(f.attrs["config"])
        assert cfg["seed"] == 3 and cfg["node"] == "jansen_rit"
        assert f.attrs["brainsim_version"]
    # ~0.8 MB per simulated 10 s (was 11 MB with everything at 1 kHz in float64)
    assert summary["file"]["bytes"] == (tmp_path / "wholebrain.h5").stat().st_size < 1.5e6


def test_decimate_signal_keeps_the_band_and_removes_aliases():
    fs, q = 1000.0, 4  # to 250 Hz: passband up to 100 Hz, Nyquist 125 Hz
    t = np.arange(0, 4.0, 1 / fs)
    inband = np.sin(2 * np.pi * 10.0 * t)
    alias = np.sin(2 * np.pi * 240.0 * t)  # would fold onto 10 Hz when subsampled to 250 Hz
    y = decimate_signal(np.stack([inband, alias], axis=1), q)
    core = slice(100, -100)  # away from the edges
    np.testing.assert_allclose(y[core, 0], inband[::q][core], atol=1e-3)
    assert np.abs(y[core, 1]).max() < 1e-3  # > 60 dB attenuation; plain subsampling keeps amplitude 1
    assert np.abs(alias[::q][core]).max() > 0.5


def test_alpha_comes_from_the_model_not_the_observer():
    # source activity (before the lead field) already peaks in the alpha band
    res = default_model(seed=5).run(6_000.0)
    assert 8.0 <= peak_frequency(res.output[1000:], res.rate_hz)[0] <= 12.0
