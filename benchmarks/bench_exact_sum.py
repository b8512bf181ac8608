"""Exact summation throughput: brainsim.numeric.exact_sum beside numpy.sum, math.fsum and xsum.

    python -m benchmarks exact_sum [--sizes 1e3,1e4,1e5,1e6,1e7] [--with-1e8] [--dist normal,wide]
                                   [--repeats 7] [--fsum-max 1e7] [--dot]

One JSON line per measurement (see common.py): median/min/max over the repeats, ns per element,
the ratio to numpy.sum of the same array, and which vectorised kernel brainsim runs. xsum (Neal's
small/large superaccumulators, PyPI `xsum`) is measured when importable (large accumulator, the
faster of the two for long arrays). Data sets: normal (standard normal), uniform ([0, 1)), wide
(normal times 10^U{-30..30}: exercises the exponent-bin path).
"""

from __future__ import annotations

import argparse
import math
import resource
from typing import Any, Callable

import numpy as np

from .common import emit, machine, time_repeats


def _data(dist: str, n: int) -> np.ndarray:
    rng = np.random.default_rng(12345)
    if dist == "normal":
        return rng.standard_normal(n)
    if dist == "uniform":
        return rng.random(n)
    if dist == "wide":
        return rng.standard_normal(n) * 10.0 ** rng.integers(-30, 30, n)
    raise SystemExit(f"unknown --dist {dist!r} (normal, uniform, wide)")


def _impls(with_dot: bool) -> dict[str, Callable[[np.ndarray], Any]]:
    from brainsim import numeric

    impls: dict[str, Callable[[np.ndarray], Any]] = {
        "numpy.sum": np.sum,
        "brainsim.exact_sum": numeric.exact_sum,
        "math.fsum": math.fsum,
    }
    try:
        import xsum  # type: ignore[import-not-found]

        def xsum_large(a: np.ndarray) -> float:
            acc = xsum.xsum_large()
            acc.add(a)
            return acc.round()

        def xsum_small(a: np.ndarray) -> float:
            acc = xsum.xsum_small()
            acc.add(a)
            return acc.round()

        impls["xsum.large"] = xsum_large
        impls["xsum.small"] = xsum_small
    except ImportError:
        pass
    if with_dot:
        impls["numpy.dot"] = lambda a: np.dot(a, a)
        impls["brainsim.exact_dot"] = lambda a: numeric.exact_dot(a, a)
    return impls


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks exact_sum", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="1e3,1e4,1e5,1e6,1e7")
    p.add_argument("--with-1e8", action="store_true", help="also n = 1e8 (800 MB)")
    p.add_argument("--dist", default="normal,uniform,wide")
    p.add_argument("--repeats", type=int, default=7)
    p.add_argument("--fsum-max", type=float, default=1e7, help="skip math.fsum above this n")
    p.add_argument("--dot", action="store_true", help="also exact_dot(a, a) beside numpy.dot")
    args = p.parse_args(argv)
    if args.repeats < 5:
        raise SystemExit("--repeats must be >= 5 (medians of at least five runs)")
    sizes = [int(float(s)) for s in args.sizes.split(",")]
    if args.with_1e8:
        sizes.append(10**8)
    from brainsim import _core, numeric

    info = machine()
    kernel = _core.exact_sum_kernel()
    impls = _impls(args.dot)
    for dist in args.dist.split(","):
        for n in sizes:
            a = _data(dist, n)
            reference = numeric.exact_sum(a)
            numpy_median = None
            for name, fn in impls.items():
                if name == "math.fsum" and n > args.fsum_max:
                    continue
                t = time_repeats(lambda fn=fn: fn(a), repeats=args.repeats, warmup=1)
                if name == "numpy.sum":
                    numpy_median = t["median_s"]
                rec: dict[str, Any] = {"suite": "exact_sum", "case": f"{dist}_n{n}", "impl": name, **t,
                                       "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
                                       "n": n, "dist": dist, "ns_per_element": t["median_s"] / n * 1e9}
                if numpy_median:
                    rec["ratio_to_numpy_sum"] = t["median_s"] / numpy_median
                if name.startswith(("xsum", "math.fsum", "brainsim.exact_sum")):
                    value = fn(a)
                    rec["bitwise_equal_to_exact"] = bool(np.float64(value).tobytes() == np.float64(reference).tobytes())
                if name.startswith("brainsim"):
                    rec["kernel"] = kernel
                rec.update(info)
                emit(rec)
            del a
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
