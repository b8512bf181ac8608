"""brainsim: a multi-scale brain simulator (templated C++ engine, thin Python layer).

Units throughout: ms, mV, pA, nS, pF, Hz, mm, mm/ms.
"""

from __future__ import annotations

from . import errors
from ._loader import load_core

_core = load_core()

from .errors import (  # noqa: E402
    BrainsimError,
    CommunicationError,
    ConfigError,
    DelayError,
    InternalError,
    NumericalError,
    UnknownModelError,
)
from .comm import mpi_communicator, local_communicator  # noqa: E402

__version__ = _core.build_info()["version"]


def build_info() -> dict:
    """What this build contains: version, git hash, compiler, flags, and whether MPI and threads
    are available (``{"mpi": bool, "threads": bool, ...}``)."""
    info = dict(_core.build_info())
    return info


__all__ = [
    "BrainsimError",
    "CommunicationError",
    "ConfigError",
    "DelayError",
    "InternalError",
    "NumericalError",
    "UnknownModelError",
    "build_info",
    "errors",
    "local_communicator",
    "mpi_communicator",
]
