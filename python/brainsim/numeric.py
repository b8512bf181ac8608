"""Exact (order-independent, correctly rounded) summation.

``exact_sum(a)`` returns the exact sum of the values of ``a`` rounded once to the nearest float64
(ties to even), whatever the order of the values, and ``exact_dot(a, b)`` the exact dot product
likewise. Both are computed with an integer superaccumulator (see
``cpp/include/brainsim/numeric/superaccumulator.hpp``) and agree bitwise with ``math.fsum`` wherever
``math.fsum`` returns a value. IEEE semantics for specials: NaN propagates, ``inf - inf`` is NaN,
a finite exact result beyond the float64 range is ``+-inf``; intermediate overflow that cancels
gives the exact finite answer. An exact zero is ``+0.0``.

With ``comm`` (a brainsim communicator, e.g. ``brainsim.mpi_communicator()``), each rank passes its
own part and every rank receives the exact total over all ranks: bitwise the same for any number
of ranks and any split of the data.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _core
from .errors import ConfigError

__all__ = ["Superaccumulator", "exact_dot", "exact_sum"]

Superaccumulator = _core.Superaccumulator
Superaccumulator.__doc__ = (
    "Exact accumulator of float64 values and products: add / add_array / add_product / "
    "add_products, merge, value() (correctly rounded), to_bytes / from_bytes, digest() "
    "(sha256 of the canonical state) and all_reduce(comm)."
)


def _config_error(parameter: str, value: str, allowed: str) -> ConfigError:
    exc = ConfigError(f"invalid value {value} for '{parameter}' (allowed: {allowed})")
    exc.parameter, exc.value, exc.allowed = parameter, value, allowed
    return exc


def _as_float64(a: Any, name: str) -> np.ndarray:
    """``a`` as a C-contiguous float64 array: the array itself when it already is one (no copy),
    else a converted copy. Shapes are checked by the core."""
    arr = np.asarray(a)
    if arr.dtype.kind not in "fiub":
        raise _config_error(name, f"an array of dtype {arr.dtype}", "real numbers (float64 preferred)")
    if arr.dtype != np.float64 or not arr.flags.c_contiguous:
        arr = np.ascontiguousarray(arr, dtype=np.float64)
    return arr


def exact_sum(a: Any, *, comm: Any = None) -> float:
    """Exact sum of a 1-d array, correctly rounded to float64.

    ``a`` is read in place (no copy) when it is a contiguous 1-d float64 array. Other inputs are
    first converted to a contiguous float64 array (a copy): lists, non-contiguous views, and other
    real dtypes -- note that int64 values beyond 2**53 and longdouble values round in that
    conversion, before the exact summation. Arrays that are not 1-d raise ``ConfigError``
    (parameter ``a``).

    ``comm``: a brainsim communicator; every rank then gets the exact sum over all ranks' arrays.
    """
    arr = _as_float64(a, "a")
    return _core.exact_sum(arr, comm)


def exact_dot(a: Any, b: Any, *, comm: Any = None) -> float:
    """Exact dot product ``sum(a[i] * b[i])`` of two 1-d arrays of equal length, correctly rounded.

    Every product is formed exactly (no rounding, no underflow; ``inf * 0`` is NaN). Inputs are
    read in place when contiguous 1-d float64, else converted as in :func:`exact_sum`. Wrong shapes
    raise ``ConfigError`` naming ``a`` or ``b``. ``comm`` as in :func:`exact_sum`.
    """
    x = _as_float64(a, "a")
    y = _as_float64(b, "b")
    return _core.exact_dot(x, y, comm)
