"""Load the compiled extension.

A build linked against an MPI from the PyPI ``mpich`` package needs libmpi loaded before the
extension: ``import mpi4py.MPI`` does that (and initialises MPI). We try the plain import first, and
only on a missing-libmpi error load mpi4py and retry, so the user never sets LD_LIBRARY_PATH.
"""

from __future__ import annotations

import importlib


def load_core():
    try:
        return importlib.import_module("brainsim._core")
    except ImportError as exc:
        if "libmpi" not in str(exc):
            raise
        try:
            importlib.import_module("mpi4py.MPI")
        except ImportError as exc2:
            raise ImportError(
                "this brainsim was built with MPI and needs mpi4py to load libmpi: "
                "pip install mpi4py mpich (or rebuild without MPI: "
                "-Ccmake.define.BRAINSIM_WITH_MPI=OFF)"
            ) from exc2
        return importlib.import_module("brainsim._core")
