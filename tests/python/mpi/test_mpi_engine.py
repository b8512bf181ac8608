"""The spiking engine under mpiexec (issue 5, MPI design contract): ``net.run(T, comm=...)`` on
1, 2, 3 and 4 ranks gives bitwise identical sorted (step, gid) spikes, traces, population sums and
final state on every rank, for exact and ordered accumulation. The control: a plain floating-point
sum of per-rank partial sums of the same final state changes with the rank count."""

from pathlib import Path

import numpy as np
import pytest

from .mpirun import requires_mpi, run_ranks

HERE = Path(__file__).parent


def collect(tmp_path, accumulation):
    runs = {}
    for n in (1, 2, 3, 4):
        out = run_ranks(HERE / "script_engine.py", n, tmp_path / accumulation, accumulation)
        files = sorted(out.glob("rank*.npz"))
        assert len(files) == n
        runs[n] = [dict(np.load(f)) for f in files]
        for d in runs[n]:
            assert int(d["size"]) == n
    return runs


@requires_mpi
@pytest.mark.mpi
@pytest.mark.timeout(600)
@pytest.mark.parametrize("accumulation", ["exact", "ordered"])
def test_engine_is_bitwise_identical_for_1_to_4_ranks(tmp_path, accumulation):
    runs = collect(tmp_path, accumulation)
    ref = runs[1][0]
    assert ref["steps"].size > 1000  # an active network
    assert np.all(np.isfinite(ref["state"])) and np.all(np.isfinite(ref["v"]))
    naive = set()
    for n, ranks in runs.items():
        for d in ranks:  # every rank of every run holds the full, identical result
            assert np.array_equal(d["steps"], ref["steps"]), n
            assert np.array_equal(d["gids"], ref["gids"]), n
            assert d["v"].tobytes() == ref["v"].tobytes(), n
            assert d["s"].tobytes() == ref["s"].tobytes(), n
            assert d["state"].tobytes() == ref["state"].tobytes(), n
            assert str(d["digest"]) == str(ref["digest"]), n
            naive.add(d["naive"].tobytes())
    assert len(naive) > 1  # the control differs
