"""MPI worker: one global array (wide exponent range, cancellations, subnormals) split over the
ranks in uneven contiguous blocks; every rank computes the exact all-reduced sum and dot product
and the digest of the all-reduced superaccumulator, and writes them. Run by test_mpi_exact_sum.py."""

import sys
from pathlib import Path

import numpy as np

import brainsim as bs
from brainsim import numeric

out = Path(sys.argv[1])
comm = bs.mpi_communicator()
rng = np.random.default_rng(2024)
n = 100_003
data = rng.standard_normal(n) * 10.0 ** rng.integers(-40, 40, n)
data[::101] = -data[1::101][: data[::101].size]  # exact cancellations across blocks
data[7] = 3e-320
weights = rng.standard_normal(n)
# uneven blocks: rank r gets a share proportional to r + 1
shares = np.arange(1, comm.size + 1, dtype=float)
bounds = np.concatenate([[0], np.round(np.cumsum(shares) / shares.sum() * n)]).astype(int)
lo, hi = bounds[comm.rank], bounds[comm.rank + 1]
mine = data[lo:hi]
total = numeric.exact_sum(mine, comm=comm)
dot = numeric.exact_dot(mine, weights[lo:hi], comm=comm)
acc = numeric.Superaccumulator()
acc.add_array(mine)
acc.all_reduce(comm)
naive = np.array(comm.all_gather(np.array([mine.sum()]))[0]).sum()  # rank-order partial sums
np.savez(out / f"rank{comm.rank}.npz", total=total, dot=dot, digest=acc.digest(), naive=naive, size=comm.size)
