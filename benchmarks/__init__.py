"""brainsim benchmarks: `python -m benchmarks <suite> [options]` (see benchmarks/README.md)."""
