"""brainsim: a multi-scale brain simulator (templated C++ engine, thin Python layer).

Units throughout: ms, mV, pA, nS, pF, Hz, mm, mm/ms.
"""

from __future__ import annotations

from . import errors
from ._loader import load_core

_core = load_core()

# The public API is the union of the area modules' __all__ lists. Modules are bound first, because a
# star import may rebind a module's name to a function of the same name (brainsim.solve).
from . import comm as _comm_mod, errors as _errors_mod  # noqa: E402
from . import solve as _solve_mod  # noqa: E402
from . import neuron as _neuron_mod  # noqa: E402
from . import numeric as _numeric_mod  # noqa: E402

from .errors import *  # noqa: E402,F403
from .comm import *  # noqa: E402,F403
from .solve import *  # noqa: E402,F403
from .neuron import *  # noqa: E402,F403
from .numeric import *  # noqa: E402,F403

__version__ = _core.build_info()["version"]


def build_info() -> dict:
    """What this build contains: version, git hash, compiler, flags, and whether MPI and threads
    are available (``{"mpi": bool, "threads": bool, ...}``)."""
    return dict(_core.build_info())


__all__ = ["build_info", "errors", *_errors_mod.__all__, *_comm_mod.__all__, *_solve_mod.__all__, *_neuron_mod.__all__, *_numeric_mod.__all__]
