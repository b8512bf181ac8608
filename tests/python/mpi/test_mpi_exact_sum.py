"""Exact reductions over MPI: the all-reduced exact sum, exact dot product and superaccumulator
digest are bitwise identical for 1, 2, 3 and 4 ranks and equal to the serial result, while a plain
floating-point reduction of the same partial sums changes with the rank count."""

from pathlib import Path

import numpy as np
import pytest

from .mpirun import requires_mpi, run_ranks

HERE = Path(__file__).parent


def serial_reference():
    # the same data as the script, summed in one process
    from brainsim import numeric

    rng = np.random.default_rng(2024)
    n = 100_003
    data = rng.standard_normal(n) * 10.0 ** rng.integers(-40, 40, n)
    data[::101] = -data[1::101][: data[::101].size]
    data[7] = 3e-320
    weights = rng.standard_normal(n)
    import math

    assert numeric.exact_sum(data) == math.fsum(data)
    acc = numeric.Superaccumulator()
    acc.add_array(data)
    return numeric.exact_sum(data), numeric.exact_dot(data, weights), acc.digest()


@requires_mpi
@pytest.mark.mpi
@pytest.mark.timeout(300)
def test_exact_all_reduce_is_bitwise_identical_for_any_rank_count(tmp_path):
    serial_sum, serial_dot, serial_digest = serial_reference()
    naive = set()
    for n in (1, 2, 3, 4):
        out = run_ranks(HERE / "script_exact_sum.py", n, tmp_path)
        files = sorted(out.glob("rank*.npz"))
        assert len(files) == n
        for f in files:
            d = np.load(f)
            assert int(d["size"]) == n
            assert d["total"].tobytes() == np.float64(serial_sum).tobytes()
            assert d["dot"].tobytes() == np.float64(serial_dot).tobytes()
            assert str(d["digest"]) == serial_digest  # same canonical state on every rank and run
            naive.add(d["naive"].tobytes())
    # the control: plain summation of per-rank partial sums depends on the split
    assert len(naive) > 1
