"""One Hodgkin–Huxley neuron (NEURON hh.mod rates) under a step current, and the same step through
the stiff-solver entry point with RODAS4, with work counts.

    python examples/python/hh_neuron.py
"""

import brainsim as bs

r = bs.simulate_neuron("hh", current=bs.StepCurrent(amplitude=1000.0, start=10.0, stop=110.0),
                       t_end=150.0, dt=0.025, record=["V_m"])
print("simulate_neuron: spikes at", [round(t, 4) for t in r.spike_times])

sol = bs.solve("hh", "rodas4", t_end=150.0, rtol=1e-8, atol=1e-10, params={"amplitude": 1000.0})
print("solve(rodas4): spikes at", [round(t, 4) for t in sol.spikes])
print("work:", sol.stats)
