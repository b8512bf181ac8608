"""brainsim: a multi-scale brain simulator (templated C++ engine, thin Python layer).

Units throughout: ms, mV, pA, nS, pF, Hz, mm, mm/ms. Submodules hold more than is exported here:
brainsim.solve (problems(), methods()), brainsim.neuron, brainsim.numeric, brainsim.network,
brainsim.wholebrain, brainsim.connectome, brainsim.observe, brainsim.analysis.
"""

from __future__ import annotations

from . import errors
from ._loader import load_core

_core = load_core()

from .comm import local_communicator, mpi_communicator  # noqa: E402
from .errors import (  # noqa: E402
    BrainsimError,
    BrainsimIOError,
    CommunicationError,
    ConfigError,
    DelayError,
    InternalError,
    NumericalError,
    UnknownModelError,
)
from .solve import SolveResult, solve  # noqa: E402
from .neuron import NeuronResult, StepCurrent, simulate_neuron  # noqa: E402
from .numeric import Superaccumulator, exact_dot, exact_sum  # noqa: E402
from .network import AllToAll, DCCurrent, Explicit, FixedInDegree, FixedOutDegree, FixedProbability, FixedTotalNumber, Network, NoiseCurrent, Normal, OneToOne, PiecewiseCurrent, PoissonInput, Population, PulseTrain, SinusoidalCurrent, SpikeTimes, Uniform  # noqa: E402
from .results import NetworkResult  # noqa: E402
from .connectome import Connectome  # noqa: E402
from .wholebrain import Coupling, Lesion, Noise, Stimulus, WholeBrain, WholeBrainResult  # noqa: E402
from .observe import BOLD, EEG, Signal, lfp_proxy  # noqa: E402
from .models import models  # noqa: E402

__version__ = _core.build_info()["version"]


def build_info() -> dict:
    """What this build contains: version, git hash, compiler, flags, and whether MPI and threads
    are available (``{"mpi": bool, "threads": bool, ...}``)."""
    return dict(_core.build_info())


__all__ = [
    "AllToAll",
    "BOLD",
    "BrainsimError",
    "BrainsimIOError",
    "CommunicationError",
    "ConfigError",
    "Connectome",
    "Coupling",
    "DCCurrent",
    "DelayError",
    "EEG",
    "Explicit",
    "FixedInDegree",
    "FixedOutDegree",
    "FixedProbability",
    "FixedTotalNumber",
    "InternalError",
    "Lesion",
    "Network",
    "NetworkResult",
    "NeuronResult",
    "Noise",
    "NoiseCurrent",
    "Normal",
    "NumericalError",
    "OneToOne",
    "PiecewiseCurrent",
    "PoissonInput",
    "Population",
    "PulseTrain",
    "Signal",
    "SinusoidalCurrent",
    "SolveResult",
    "SpikeTimes",
    "StepCurrent",
    "Stimulus",
    "Superaccumulator",
    "Uniform",
    "UnknownModelError",
    "WholeBrain",
    "WholeBrainResult",
    "build_info",
    "errors",
    "exact_dot",
    "exact_sum",
    "lfp_proxy",
    "local_communicator",
    "models",
    "mpi_communicator",
    "simulate_neuron",
    "solve",
]
