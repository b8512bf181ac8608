"""The bundled Python examples run as documented (short versions where they take arguments)."""

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "python"


@pytest.mark.skipif(not EXAMPLES.is_dir(), reason="source tree not available")
@pytest.mark.parametrize(("script", "args", "expect"), [
    ("hh_neuron.py", [], "solve(rodas4): spikes at"),
    ("coba.py", [], "wrote coba.h5"),
    ("lesion_compare.py", ["--duration", "8000"], "lesioned"),
])
def test_example_runs(script, args, expect, tmp_path):
    proc = subprocess.run([sys.executable, str(EXAMPLES / script), *args], cwd=tmp_path,
                          capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr
    assert expect in proc.stdout


README = Path(__file__).resolve().parents[3] / "README.md"


@pytest.mark.skipif(not README.is_file(), reason="source tree not available")
def test_readme_python_snippet_runs(tmp_path, monkeypatch):
    text = README.read_text()
    start = text.index("```python\n", text.index("### Python")) + len("```python\n")
    code = text[start:text.index("```", start)]
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    assert namespace["eeg"].shape[1] == 64
    assert (tmp_path / "run.h5").is_file()
