"""Run a benchmark suite: python -m benchmarks <suite> [suite options]

Suites are the modules benchmarks/bench_<suite>.py; each has main(argv) and prints one JSON line per
measurement (see benchmarks/common.py). `python -m benchmarks list` shows what is available.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def suites() -> list[str]:
    here = Path(__file__).parent
    return sorted(m.name[len("bench_"):] for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_"))


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help", "list"):
        print(__doc__)
        print("suites:", ", ".join(suites()))
        return 0
    name, rest = argv[0], argv[1:]
    if name not in suites():
        print(f"unknown suite {name!r}; available: {', '.join(suites())}", file=sys.stderr)
        return 2
    mod = importlib.import_module(f"benchmarks.bench_{name}")
    return int(mod.main(rest) or 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
