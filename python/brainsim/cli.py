"""The ``brainsim`` command.

    brainsim info                 build information (version, compiler, MPI, threads)
    brainsim models [--kind K]    list the compiled models with parameters, units and defaults
    brainsim run [options]        run the bundled default model and write results to disk
"""

from __future__ import annotations

import argparse
import json
import sys


def _cmd_info(args: argparse.Namespace) -> int:
    from . import build_info

    print(json.dumps(build_info(), indent=2))
    return 0


def _cmd_models(args: argparse.Namespace) -> int:
    from .models import models

    for m in models(args.kind):
        print(f"{m['name']}  [{m['kind']}]  {m['doc']}")
        for p in m["parameters"]:
            print(f"    {p['name']:<14} {p['default']:>12g} {p['unit']:<8} {p['doc']}")
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    from .runner import run_default

    return run_default(args)


def make_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="brainsim", description="multi-scale brain simulator")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("info", help="print build information as JSON").set_defaults(fn=_cmd_info)
    mo = sub.add_parser("models", help="list the compiled models with parameters, units, defaults")
    mo.add_argument("--kind", choices=["neuron", "mass"], default=None)
    mo.set_defaults(fn=_cmd_models)
    r = sub.add_parser("run", help="run a bundled model and write its results")
    r.add_argument("model", nargs="?", default="default", help="bundled model name (default: %(default)s)")
    r.add_argument("--duration", "-T", type=float, default=None, help="simulated time in ms")
    r.add_argument("--out", "-o", default="brainsim_out", help="output folder (default: %(default)s)")
    r.add_argument("--seed", type=int, default=1)
    r.add_argument("--threads", type=int, default=None)
    r.add_argument("--quiet", "-q", action="store_true")
    r.set_defaults(fn=_cmd_run)
    return p


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    from .errors import BrainsimError

    try:
        return int(args.fn(args) or 0)
    except BrainsimError as exc:
        print(f"brainsim: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
