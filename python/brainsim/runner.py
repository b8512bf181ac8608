"""`brainsim run`: run a bundled model and write its results to disk.

Bundled models:
    default      whole-brain Jansen–Rit network on the bundled 80-region connectome, observed as
                 64-channel EEG (spherical head) and BOLD (TR 720 ms); reports the EEG peak
                 frequency (alpha band expected) and the BOLD FC–SC correlation.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from .errors import ConfigError

BUNDLED = {
    "default": "whole-brain Jansen-Rit on the bundled connectome: EEG + BOLD (60 s simulated)",
}


def _progress(msg: str, quiet: bool) -> None:
    if not quiet:
        print(msg, file=sys.stderr, flush=True)


def run_default(args: argparse.Namespace) -> int:
    if args.model not in BUNDLED:
        raise ConfigError(f"invalid value '{args.model}' for 'model' (allowed: {', '.join(BUNDLED)})")
    out = Path(args.out)
    duration = 60_000.0 if args.duration is None else float(args.duration)
    if not (duration > 0):
        raise ConfigError(f"invalid value {args.duration} for 'duration' (allowed: > 0 ms)")
    threads = args.threads or 1
    from . import wholebrain

    _progress(f"brainsim: running '{args.model}' ({BUNDLED[args.model]}), {duration:g} ms simulated, "
              f"{threads} thread(s) -> {out}/", args.quiet)
    t0 = time.perf_counter()
    transient = min(5_000.0, 0.25 * duration)
    summary = wholebrain.run_default(duration_ms=duration, out_dir=out, seed=args.seed, threads=threads,
                                     transient_ms=transient)
    summary["total_wall_s"] = time.perf_counter() - t0
    if not args.quiet:
        print(json.dumps(summary, indent=2))
    return 0
