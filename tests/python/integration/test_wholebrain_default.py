"""The bundled default whole-brain model: alpha-band EEG, BOLD FC reported against SC, files written."""

from __future__ import annotations

import json

import h5py
import numpy as np

from brainsim.wholebrain import default_model, peak_frequency, run_default


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
        assert f["output"].shape == (10_001, 80)
        assert f["output"].attrs["sampling_rate_hz"] == 1000.0
        assert f["observed/eeg/data"].shape == (10_001, 64)
        assert f["observed/bold/data"].shape == (13, 80)
        assert f["observed/bold/data"].attrs["sampling_rate_hz"] == 1000.0 / 720.0
        cfg = json.loads(f.attrs["config"])
        assert cfg["seed"] == 3 and cfg["node"] == "jansen_rit"
        assert f.attrs["brainsim_version"]


def test_alpha_comes_from_the_model_not_the_observer():
    # source activity (before the lead field) already peaks in the alpha band
    res = default_model(seed=5).run(6_000.0)
    assert 8.0 <= peak_frequency(res.output[1000:], res.rate_hz)[0] <= 12.0
