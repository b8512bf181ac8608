"""Time-stepped LIF updates (the engine's batched, branch-free step for lif_curr_exp and lif_delta)
against an independent NumPy implementation of the exact-integration recurrences (NEST
iaf_psc_exp / iaf_psc_delta semantics: input of step j arrives at the end of the step; refractory V
clamped). 600 neurons, so several 256-neuron chunks and a partial one; spikes, refractoriness and
input during refractoriness all occur."""

import math

import numpy as np

from brainsim.network import DCCurrent, Network, SpikeTimes

DT = 0.1
T = 30.0
N = 600
STEPS = int(round(T / DT))


def _arrival_steps(times, delay):
    # events at t + delay arrive in the step j with (j dt, (j+1) dt] containing the arrival
    return [int(math.ceil((t + delay) / DT - 1e-9)) - 1 for t in times]


def _run(model, params, initial_v, stims):
    net = Network(dt=DT, seed=3)
    P = net.add_population("P", N, model=model, params=params, initial={"V_m": initial_v})
    for s in stims:
        net.add_stimulus(s, P)
    net.record(P, "V_m", interval=DT)
    net.record(P, "spikes")
    res = net.run(T, threads=2)
    return res.state("P", "V_m")[1], res.spikes("P")


def test_lif_curr_exp_matches_numpy_exact_integration():
    p = {"C_m": 250.0, "tau_m": 10.0, "tau_syn_ex": 2.0, "tau_syn_in": 3.0, "t_ref": 2.0, "E_L": -70.0,
         "V_reset": -70.0, "V_th": -55.0, "I_e": 0.0}
    v0 = np.linspace(-70.0, -55.5, N)
    exc_t, inh_t = [1.0, 2.0, 2.05, 7.3, 15.0, 15.1], [4.0, 12.0]
    stims = [DCCurrent(390.0), SpikeTimes(exc_t, 300.0, delay=0.1, receptor="exc"),
             SpikeTimes(inh_t, -200.0, delay=0.1, receptor="inh")]
    V, (st, si) = _run("lif_curr_exp", p, v0, stims)

    tm, C = p["tau_m"], p["C_m"]
    P22 = math.exp(-DT / tm)
    mP20 = -math.expm1(-DT / tm) * tm / C

    def p21(ts):
        return (math.exp(-DT / ts) - math.exp(-DT / tm)) * tm * ts / (ts - tm) / C

    P11e, P11i = math.exp(-DT / p["tau_syn_ex"]), math.exp(-DT / p["tau_syn_in"])
    P21e, P21i = p21(p["tau_syn_ex"]), p21(p["tau_syn_in"])
    in_e, in_i = np.zeros(STEPS), np.zeros(STEPS)
    for j in _arrival_steps(exc_t, 0.1):
        in_e[j] += 300.0
    for j in _arrival_steps(inh_t, 0.1):
        in_i[j] += -200.0
    v, ie, ii, tl = v0.copy(), np.zeros(N), np.zeros(N), np.zeros(N)
    ref_V = np.empty((STEPS, N))
    n_spk = 0
    for j in range(STEPS):
        ref = tl > 0.5 * DT
        vn = p["E_L"] + P22 * (v - p["E_L"]) + P21e * ie + P21i * ii + mP20 * 390.0
        spk = ~ref & (vn >= p["V_th"])
        n_spk += int(spk.sum())
        v = np.where(ref, v, np.where(spk, p["V_reset"], vn))
        tl = np.where(ref, tl - DT, np.where(spk, p["t_ref"], 0.0))
        ie = ie * P11e + in_e[j]
        ii = ii * P11i + in_i[j]
        ref_V[j] = v
    assert n_spk > N  # several spikes per neuron: the reset and refractory paths are exercised
    assert st.size == n_spk
    np.testing.assert_allclose(V, ref_V, rtol=0, atol=1e-10)


def test_lif_delta_matches_numpy_and_discards_refractory_input():
    p = {"tau_m": 20.0, "C_m": 250.0, "t_ref": 2.0, "E_L": 0.0, "V_reset": 0.0, "V_th": 20.0, "I_e": 0.0}
    v0 = np.linspace(0.0, 19.9, N)
    exc_t = [0.5, 1.0, 1.05, 3.3, 9.0, 9.1, 20.0]
    stims = [DCCurrent(500.0), SpikeTimes(exc_t, 1.5, delay=0.1, receptor="exc"),
             SpikeTimes([6.0, 17.0], -2.0, delay=0.1, receptor="inh")]
    V, (st, si) = _run("lif_delta", p, v0, stims)

    P22 = math.exp(-DT / p["tau_m"])
    mP20 = -math.expm1(-DT / p["tau_m"]) * p["tau_m"] / p["C_m"]
    inp = np.zeros(STEPS)
    for j in _arrival_steps(exc_t, 0.1):
        inp[j] += 1.5
    for j in _arrival_steps([6.0, 17.0], 0.1):
        inp[j] += -2.0
    v, tl = v0.copy(), np.zeros(N)
    ref_V = np.empty((STEPS, N))
    n_spk = 0
    for j in range(STEPS):
        ref = tl > 0.5 * DT
        vn = p["E_L"] + P22 * (v - p["E_L"]) + mP20 * 500.0 + inp[j]
        spk = ~ref & (vn >= p["V_th"])
        n_spk += int(spk.sum())
        v = np.where(ref, v, np.where(spk, p["V_reset"], vn))
        tl = np.where(ref, tl - DT, np.where(spk, p["t_ref"], 0.0))
        ref_V[j] = v
    assert n_spk > N
    assert st.size == n_spk
    np.testing.assert_allclose(V, ref_V, rtol=0, atol=1e-10)
