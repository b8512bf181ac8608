"""MPI worker: a global array split over ranks in contiguous blocks; every rank gathers all blocks
and writes what it received, plus a collective sum. Run by test_mpi_collectives.py."""

import sys
from pathlib import Path

import numpy as np

import brainsim as bs

out = Path(sys.argv[1])
comm = bs.mpi_communicator()
rng = np.random.default_rng(12345)
data = rng.standard_normal(1001) * 10.0 ** rng.integers(-20, 20, 1001)
bounds = np.linspace(0, data.size, comm.size + 1).astype(int)
mine = data[bounds[comm.rank] : bounds[comm.rank + 1]]
gathered, offsets = comm.all_gather(mine)
total_count = comm.sum(int(mine.size))
np.savez(out / f"rank{comm.rank}.npz", gathered=gathered, offsets=np.array(offsets),
         total_count=total_count, size=comm.size)
