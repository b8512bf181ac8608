"""brainsim's exceptions.

Every error raised by the C++ core arrives as exactly one of these classes. Each also derives from
the matching builtin, so ``except ValueError`` keeps working for code that does not know brainsim.
Configuration errors carry ``parameter``, ``value`` and ``allowed`` attributes.
"""

from __future__ import annotations

__all__ = [
    "BrainsimError",
    "ConfigError",
    "UnknownModelError",
    "DelayError",
    "NumericalError",
    "CommunicationError",
    "BrainsimIOError",
    "InternalError",
]


class BrainsimError(Exception):
    """Root of all brainsim errors."""


class ConfigError(BrainsimError, ValueError):
    """Invalid configuration: unknown key, wrong type or shape, value out of range, non-finite."""

    parameter: str | None = None
    value: str | None = None
    allowed: str | None = None


class UnknownModelError(ConfigError, KeyError):
    """A model name that is not in the registry (see ``brainsim.models()``)."""

    def __str__(self) -> str:  # KeyError would quote the message
        return Exception.__str__(self)


class DelayError(ConfigError):
    """A delay that is negative, non-finite, shorter than one step or not a multiple of dt."""


class NumericalError(BrainsimError, ArithmeticError):
    """A solver failed: step size underflow, singular matrix, non-finite state."""


class CommunicationError(BrainsimError, RuntimeError):
    """A collective operation failed, or MPI was requested from a build without it."""


class BrainsimIOError(BrainsimError, OSError):
    """A file is missing, unreadable or corrupt."""


class InternalError(BrainsimError, RuntimeError):
    """A broken internal invariant: a brainsim bug. Please report it."""
