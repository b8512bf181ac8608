import json
import shutil
import subprocess
import sys

import brainsim as bs
from brainsim.cli import main


def test_info_prints_build_info_as_json(capsys):
    assert main(["info"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["version"] == bs.__version__


def test_console_script_is_installed():
    exe = shutil.which("brainsim") or shutil.which("brainsim", path=str(__import__("pathlib").Path(sys.executable).parent))
    assert exe, "the `brainsim` console command is not on PATH"
    out = subprocess.run([exe, "info"], capture_output=True, text=True, check=True).stdout
    assert json.loads(out)["version"] == bs.__version__


def test_module_entry_point():
    out = subprocess.run([sys.executable, "-m", "brainsim", "info"], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout)["mpi"] == bs.build_info()["mpi"]
