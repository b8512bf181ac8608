"""MPI worker for test_mpi_engine.py: a 400-neuron E/I network (random weights and delays, Poisson
drive) run for 100 ms with ``comm=bs.mpi_communicator()``; every rank writes the spikes as sorted
(step, gid) pairs, the sampled traces, a population sum and the final state it received.

    mpiexec -n N python script_engine.py OUTDIR ACCUMULATION
"""

import hashlib
import sys
from pathlib import Path

import numpy as np

import brainsim as bs
from brainsim.network import FixedInDegree, FixedProbability, Network, Normal, PoissonInput, Uniform

out = Path(sys.argv[1])
accumulation = sys.argv[2]
comm = bs.mpi_communicator()

net = Network(dt=0.1, seed=23)
p = {"C_m": 250.0, "tau_m": 10.0, "tau_syn_ex": 0.5, "tau_syn_in": 1.0, "E_L": -65.0, "V_reset": -65.0,
     "V_th": -50.0, "t_ref": 2.0}
E = net.add_population("E", 320, "lif_curr_exp", p, {"V_m": Uniform(-65.0, -52.0)})
I = net.add_population("I", 80, "lif_curr_exp", p, {"V_m": Uniform(-65.0, -52.0)})
for post in (E, I):
    net.connect(E, post, FixedInDegree(40), weight=Normal(80.0, 15.0, low=0.0), delay=Uniform(0.5, 2.5),
                receptor="exc")
    net.connect(I, post, FixedProbability(0.2), weight=Normal(-300.0, 40.0, high=0.0), delay=0.5, receptor="inh")
    net.add_stimulus(PoissonInput(rate=15000.0, weight=80.0, delay=0.1, receptor="exc"), post)
    net.record(post, "spikes")
net.record(E[::40], "V_m", interval=0.5)
net.record(I, "I_syn_ex", interval=1.0, reduce="sum")
res = net.run(60.0, accumulation=accumulation, comm=comm)
res = net.run(40.0, accumulation=accumulation, comm=comm)  # continue: recorders append

steps, gids = [], []
for pop, first in (("E", 0), ("I", 320)):
    t, i = res.spikes(pop)
    steps.append(np.rint(t / 0.1).astype(np.int64) - 1)  # grid spikes are stamped at the step's end
    gids.append(i.astype(np.int64) + first)
steps, gids = np.concatenate(steps), np.concatenate(gids)
order = np.lexsort((gids, steps))
_, v, _ = res.state("E", "V_m")
_, s = res.population_sum("I", "I_syn_ex")
state = np.concatenate([net.get_state("E", "V_m"), net.get_state("I", "I_syn_in")])
digest = hashlib.sha256(v.tobytes() + s.tobytes() + state.tobytes()).hexdigest()
# the control: a plain float sum of the final E potentials, each rank summing the neurons it owns
# (partition k of max(8, size) contiguous ranges lives on rank k mod size), partial sums added in
# rank order -- this depends on the rank count, the engine's recorded results must not
P = max(8, comm.size)
vE = net.get_state("E", "V_m")
own = np.zeros(vE.size, dtype=bool)
for k in range(comm.rank, P, comm.size):
    own[vE.size * k // P: vE.size * (k + 1) // P] = True
partial = 0.0
for x in vE[own]:
    partial += x
naive = 0.0
for x in np.asarray(comm.all_gather(np.array([partial]))[0]):
    naive += x
np.savez(out / f"rank{comm.rank}.npz", steps=steps[order], gids=gids[order], v=v, s=s, state=state, digest=digest,
         size=comm.size, naive=naive)
