"""Run a script under ``mpiexec -n N`` for several N and collect what each run writes.

Used like NEST's MPITestAssertEqual: the test itself runs without mpiexec and spawns the MPI runs.
Each run writes per-rank ``.npz`` files into its own folder; the caller merges and compares them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

import brainsim as bs


def mpiexec() -> str:
    exe = shutil.which("mpiexec", path=sysconfig.get_path("scripts") + os.pathsep + os.environ.get("PATH", ""))
    if exe is None:
        pytest.fail("mpiexec not found although brainsim was built with MPI (pip install mpich)")
    return exe


requires_mpi = pytest.mark.skipif(not bs.build_info()["mpi"], reason="brainsim built without MPI")


def run_ranks(script: Path, n: int, outdir: Path, *args: str, timeout: float = 120) -> Path:
    """Run `script` on n ranks; it gets the output folder as its first argument."""
    out = outdir / f"n{n}"
    out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.setdefault("OMP_NUM_THREADS", "1")
    cmd = [mpiexec(), "-n", str(n), sys.executable, str(script), str(out), *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    if proc.returncode != 0:
        pytest.fail(f"{' '.join(cmd)} exited {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")
    return out
