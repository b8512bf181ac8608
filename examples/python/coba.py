"""The COBA benchmark network (Vogels & Abbott 2005; SPEC.md A) built from Python, run on two
threads with exact (order-independent) input summation, spikes saved in the SONATA layout.

    python examples/python/coba.py
"""

import numpy as np

import brainsim as bs

net = bs.Network(dt=0.1, seed=1)
neuron = {"C_m": 200.0, "g_L": 10.0, "E_L": -60.0, "V_th": -50.0, "V_reset": -60.0, "t_ref": 5.0,
          "E_ex": 0.0, "E_in": -80.0, "tau_syn_ex": 5.0, "tau_syn_in": 10.0}
initial = {"V_m": bs.Normal(-65.0, 5.0),
           "g_ex": bs.Normal(40.0, 15.0, low=0.0, bounds="clip"),
           "g_in": bs.Normal(200.0, 120.0, low=0.0, bounds="clip")}
E = net.add_population("E", 3200, model="lif_cond_exp", params=neuron, initial=initial)
I = net.add_population("I", 800, model="lif_cond_exp", params=neuron, initial=initial)
for post in (E, I):
    net.connect(E, post, rule=bs.FixedProbability(0.02), weight=6.0, delay=0.1, receptor="exc")
    net.connect(I, post, rule=bs.FixedProbability(0.02), weight=67.0, delay=0.1, receptor="inh")
    net.add_stimulus(bs.PoissonInput(rate=50.0, weight=6.0, receptor="exc", stop=50.0, delay=0.1), post)
    net.record(post, "spikes")
net.record(E[:5], "V_m", interval=0.1)

res = net.run(1000.0, threads=2, accumulation="exact")
t, ids = res.spikes("E")
print(f"E: {t.size} spikes, {t.size / (3200 * 1.0):.1f} Hz")
res.save("coba.h5")
print("wrote coba.h5 (SONATA spikes + resolved configuration)")
