"""Communicators: local (one process) and MPI (from an mpi4py communicator)."""

from __future__ import annotations

from . import _core
from .errors import CommunicationError

__all__ = ["local_communicator", "mpi_communicator", "running_under_mpiexec"]


def local_communicator():
    """A communicator of size 1."""
    return _core.local_communicator()


def mpi_communicator(comm=None):
    """Wrap an mpi4py communicator (default ``MPI.COMM_WORLD``) for brainsim.

    Raises CommunicationError if this build has no MPI, saying how to get one.
    """
    if not _core.have_mpi():
        # Let the core produce its one message about how to get an MPI build.
        return _core.mpi_communicator(0)
    try:
        from mpi4py import MPI
    except ImportError as exc:  # pragma: no cover - mpi4py is a dependency of MPI builds
        raise CommunicationError("mpi4py is needed for MPI runs: pip install mpi4py mpich") from exc
    if comm is None:
        comm = MPI.COMM_WORLD
    if not isinstance(comm, MPI.Comm):
        raise CommunicationError(f"expected an mpi4py communicator, got {type(comm).__name__}")
    return _core.mpi_communicator(MPI._addressof(comm))


def running_under_mpiexec() -> bool:
    """True when this process was started by mpiexec/mpirun/srun (by their environment)."""
    import os

    keys = ("PMI_RANK", "PMI_SIZE", "OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "MPI_LOCALNRANKS")
    return any(k in os.environ for k in keys)
