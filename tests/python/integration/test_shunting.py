"""Shunting inhibition emerges from conductance synapses (`lif_multisyn`).

An inhibitory conductance g_sh whose reversal equals the resting potential carries no current at
rest, so alone it changes nothing; but it adds to the membrane conductance, so it divides a
depolarisation. For a sustained (slow) input the membrane reaches steady state, where a current
I gives dV = I/(g_L + g_sh) instead of I/g_L: the ratio is g_L/(g_L + g_sh) exactly. An
excitatory *conductance* g_e reversing at E_e gives dV = g_e (E_e - E_L)/(g_L + g_sh + g_e), so
the ratio is (g_L + g_e)/(g_L + g_sh + g_e), within g_e/g_L of the same value (0.2 nS vs 16.7 nS
here: < 1.2 %). We therefore use a tonic shunt (GABA_A port with tau = 1e6 ms: one event at t = 0
gives an essentially constant g_sh; its 0.04 % decay over the run is accounted for exactly) and
slow inputs, and read the EPSP after 20 membrane time constants. A current-based inhibitory
synapse instead shifts the rest and leaves the EPSP unchanged (linear superposition).
"""

import math

import numpy as np
import pytest

import brainsim as bs

G_L, E_L, C = 16.7, -70.0, 250.0
T_ON, T_END = 100.0, 500.0  # EPSP from 100 ms, read at 500 ms (> 20 tau_m = 300 ms later)
TAU_TONIC = 1e6
BASE = {"C_m": C, "g_L": G_L, "E_L": E_L, "V_th": 100.0, "V_reset": -80.0, "E_gaba_a": E_L,
        "tau_gaba_a": TAU_TONIC, "tau_ampa": TAU_TONIC, "tau_current_exp": TAU_TONIC}


def _run(shunt=0.0, inh_current=0.0, epsp_current=0.0, epsp_conductance=0.0):
    inputs = []
    if shunt:
        inputs.append((0.0, "gaba_a", shunt))
    if inh_current:
        inputs.append((0.0, "current_exp", -inh_current))
    if epsp_conductance:
        inputs.append((T_ON, "ampa", epsp_conductance))
    current = bs.StepCurrent(epsp_current, T_ON) if epsp_current else None
    return bs.simulate_neuron("lif_multisyn", BASE, inputs=inputs, current=current, t_end=T_END, dt=0.1)


def _epsp(r):
    k_on = int(round(T_ON / 0.1))
    return r["V_m"][-1] - r["V_m"][k_on]


@pytest.mark.parametrize("g_sh", [16.7, 50.0])
def test_shunt_changes_nothing_at_rest(g_sh):
    r = _run(shunt=g_sh)
    assert np.max(np.abs(r["V_m"] - E_L)) < 1e-12


@pytest.mark.parametrize("g_sh", [16.7, 50.0])
def test_shunt_divides_a_current_epsp_by_the_steady_state_ratio(g_sh):
    I = 3.34  # pA: a 0.2 mV depolarisation without the shunt
    a0 = _epsp(_run(epsp_current=I))
    a1 = _epsp(_run(shunt=g_sh, epsp_current=I))
    assert a0 == pytest.approx(I / G_L, rel=1e-6)
    analytic = G_L / (G_L + g_sh)
    assert a1 / a0 == pytest.approx(analytic, rel=0.02)
    g_now = g_sh * math.exp(-T_END / TAU_TONIC)  # exact steady state with the tonic shunt at t_end
    assert a1 / a0 == pytest.approx(G_L / (G_L + g_now), rel=1e-5)


@pytest.mark.parametrize("g_sh", [16.7, 50.0])
def test_shunt_divides_a_conductance_epsp(g_sh):
    g_e = 0.2
    a0 = _epsp(_run(epsp_conductance=g_e))
    a1 = _epsp(_run(shunt=g_sh, epsp_conductance=g_e))
    assert a1 / a0 == pytest.approx(G_L / (G_L + g_sh), rel=0.02)


def test_current_based_inhibition_does_not_shunt():
    I_inh = 100.0  # pA, a current-based "inhibitory synapse" (tonic)
    I = 3.34
    r_inh = _run(inh_current=I_inh)
    # it changes the membrane at rest ...
    tau_m = C / G_L
    expected = E_L - I_inh / G_L * (1.0 - math.exp(-T_ON / tau_m))  # charging towards E_L - I/g_L
    assert r_inh["V_m"][int(round(T_ON / 0.1))] == pytest.approx(expected, abs=1e-3)
    assert expected < E_L - 5.0
    # ... but does not divide the EPSP: superposition, ratio 1 (the EPSP is measured against the
    # same run without it, since the baseline is still relaxing)
    a0 = _run(epsp_current=I)["V_m"][-1] - E_L
    a1 = _run(inh_current=I_inh, epsp_current=I)["V_m"][-1] - r_inh["V_m"][-1]
    assert a1 / a0 == pytest.approx(1.0, abs=1e-6)
