"""`brainsim run`: the main job runs the bundled model and writes its results."""

import json

import h5py
import pytest

from brainsim.cli import main


def test_run_default_writes_results(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["run", "--duration", "8000", "--out", str(out), "--seed", "3", "--quiet"]) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["duration_ms"] == 8000.0 and summary["seed"] == 3
    # the bundled model is an alpha generator (issue 6); 8 s is enough to resolve the peak to 0.25 Hz
    assert 8.0 <= summary["eeg_peak_hz"] <= 12.0
    with h5py.File(out / "wholebrain.h5") as f:
        assert len(f.keys()) > 0


@pytest.mark.parametrize(("argv", "fragment"), [
    (["run", "no_such_model"], "model"),
    (["run", "--duration", "-5"], "duration"),
])
def test_run_rejects_bad_arguments(argv, fragment, capsys, tmp_path):
    assert main([*argv, "--out", str(tmp_path / "x")]) == 2
    assert fragment in capsys.readouterr().err
