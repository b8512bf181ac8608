"""Shared measurement conventions for every benchmark suite.

Each measurement is one JSON line on stdout:
    {"suite": ..., "case": ..., "impl": ..., "median_s": ..., "min_s": ..., "max_s": ...,
     "repeats": N, "peak_rss_mb": ..., ...extra fields}
Times are medians of repeated runs; memory is the peak resident set size of a fresh child process
(so one measurement does not inherit another's high-water mark).
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import resource
import statistics
import sys
import time
from typing import Any, Callable


def emit(record: dict[str, Any]) -> None:
    print(json.dumps(record, sort_keys=False), flush=True)


def time_repeats(fn: Callable[[], Any], repeats: int = 5, warmup: int = 1) -> dict[str, float]:
    """Median/min/max wall time of fn() over `repeats` calls after `warmup` calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return {
        "median_s": statistics.median(times),
        "min_s": min(times),
        "max_s": max(times),
        "repeats": repeats,
    }


def _child(target, args, queue):
    try:
        result = target(*args)
        rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        queue.put(("ok", result, rss_kb / 1024.0))
    except BaseException as exc:  # report any failure to the parent
        queue.put(("error", repr(exc), 0.0))


def in_fresh_process(target: Callable[..., Any], *args: Any) -> tuple[Any, float]:
    """Run target(*args) in a fresh process; return (result, peak RSS in MB of that process)."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    p = ctx.Process(target=_child, args=(target, args, queue))
    p.start()
    status, result, rss = queue.get()
    p.join()
    if status != "ok":
        raise RuntimeError(f"benchmark child failed: {result}")
    return result, rss


def machine() -> dict[str, Any]:
    import platform

    info = {"python": sys.version.split()[0], "machine": platform.machine(), "cpus": os.cpu_count()}
    try:
        import brainsim

        info["brainsim"] = brainsim.build_info()["version"]
    except Exception:  # the suite may run peers only
        pass
    return info
