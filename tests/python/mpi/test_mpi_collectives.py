"""The MPI layer: the same computation on 1..4 ranks gives bitwise identical results."""

from pathlib import Path

import numpy as np
import pytest

from .mpirun import requires_mpi, run_ranks

HERE = Path(__file__).parent


@requires_mpi
@pytest.mark.mpi
@pytest.mark.timeout(300)
def test_all_gather_is_identical_for_any_rank_count(tmp_path):
    reference = None
    for n in (1, 2, 3, 4):
        out = run_ranks(HERE / "script_gather.py", n, tmp_path)
        files = sorted(out.glob("rank*.npz"))
        assert len(files) == n
        for f in files:
            d = np.load(f)
            assert int(d["size"]) == n
            assert int(d["total_count"]) == 1001
            assert d["offsets"].size == n + 1 and d["offsets"][-1] == 1001
            if reference is None:
                reference = d["gathered"]
            # bitwise: the reassembled global array is the same on every rank of every run
            assert d["gathered"].tobytes() == reference.tobytes()
