"""LFP proxy for spiking networks: model observables (synaptic currents) recorded as exact population
sums, combined by brainsim.lfp_proxy (issue 6)."""

import math

import numpy as np
import pytest

import brainsim as bs

NEURON = {"C_m": 200.0, "g_L": 10.0, "E_L": -60.0, "V_th": -50.0, "V_reset": -60.0, "t_ref": 5.0,
          "E_ex": 0.0, "E_in": -80.0, "tau_syn_ex": 5.0, "tau_syn_in": 10.0}


def small_coba(seed=3):
    net = bs.Network(dt=0.1, seed=seed)
    init = {"V_m": bs.Normal(-60.0, 5.0), "g_ex": bs.Uniform(0.0, 30.0), "g_in": bs.Uniform(0.0, 100.0)}
    E = net.add_population("E", 320, model="lif_cond_exp", params=NEURON, initial=init)
    I = net.add_population("I", 80, model="lif_cond_exp", params=NEURON, initial=init)
    for post in (E, I):
        net.connect(E, post, rule=bs.FixedProbability(0.1), weight=6.0, delay=0.1, receptor="exc")
        net.connect(I, post, rule=bs.FixedProbability(0.1), weight=67.0, delay=0.1, receptor="inh")
        net.add_stimulus(bs.PoissonInput(rate=800.0, weight=3.0, receptor="exc"), post)
    for var in ("V_m", "g_ex", "g_in"):
        net.record(E, var, interval=1.0)
    net.record(E, "I_syn_ex", interval=1.0, reduce="sum")
    net.record(E, "I_syn_in", interval=1.0, reduce="sum")
    net.record(E, "spikes")
    return net


@pytest.mark.parametrize("threads", [1, 2])
def test_population_current_sums_are_exact_sums_of_g_times_driving_force(threads):
    res = small_coba().run(100.0, threads=threads)
    assert res.spikes("E")[0].size > 0  # the network is active, the currents vary
    t, V, _ = res.state("E", "V_m")
    _, ge, _ = res.state("E", "g_ex")
    _, gi, _ = res.state("E", "g_in")
    ts, s_ex = res.population_sum("E", "I_syn_ex")
    _, s_in = res.population_sum("E", "I_syn_in")
    assert np.array_equal(t, ts)
    # independent reference: per-neuron currents from the recorded state, summed exactly by fsum
    ref_ex = [math.fsum(row) for row in ge * (NEURON["E_ex"] - V)]
    ref_in = [math.fsum(row) for row in gi * (NEURON["E_in"] - V)]
    assert s_ex.tolist() == ref_ex and s_in.tolist() == ref_in
    assert np.all(s_ex >= 0) and np.all(s_in <= 0)


def test_lfp_proxy_is_the_weighted_sum_and_thread_independent():
    sig = {}
    for threads in (1, 2):
        res = small_coba().run(100.0, threads=threads)
        lfp = bs.lfp_proxy(res, [("E", "I_syn_ex", 1.0), ("E", "I_syn_in", -1.0)], delay_ms=6.0)
        t, s_ex = res.population_sum("E", "I_syn_ex")
        _, s_in = res.population_sum("E", "I_syn_in")
        assert lfp.data.shape == (t.size, 1) and lfp.unit == "pA"
        np.testing.assert_array_equal(lfp.data[:, 0], s_ex - s_in)
        np.testing.assert_array_equal(lfp.t, t + 6.0)
        sig[threads] = lfp.data.tobytes()
    assert sig[1] == sig[2]


def test_bad_inputs_name_the_parameter():
    net = bs.Network(dt=0.1, seed=1)
    E = net.add_population("E", 4, model="lif_cond_exp", params=NEURON)
    with pytest.raises(bs.ConfigError, match="I_syn_ex"):  # the allowed list names the observables
        net.record(E, "I_syn_exc")
    res = small_coba().run(10.0)
    with pytest.raises(bs.ConfigError, match="terms"):
        bs.lfp_proxy(res, [])
    with pytest.raises(bs.ConfigError, match="delay_ms"):
        bs.lfp_proxy(res, [("E", "I_syn_ex", 1.0)], delay_ms=float("nan"))
    with pytest.raises(bs.ConfigError, match="weight"):
        bs.lfp_proxy(res, [("E", "I_syn_ex", float("inf"))])


def test_models_listing_shows_observables():
    cond = next(m for m in bs.network.neuron_models() if m["name"] == "lif_cond_exp")
    assert [o for o, _ in cond["observables"]] == ["I_syn_ex", "I_syn_in"]


def test_spiking_signal_feeds_the_bold_observer():
    # Measurement operators attach to spiking networks too: the LFP proxy (normalised to O(1)) drives
    # the Balloon-Windkessel observer like a neural-mass output does.
    res = small_coba().run(100.0)
    lfp = bs.lfp_proxy(res, [("E", "I_syn_ex", 1.0), ("E", "I_syn_in", -1.0)])
    drive = lfp.data / np.abs(lfp.data).max()
    bold = bs.BOLD(tr=20.0).transform(drive, dt_ms=1.0, channels=("E",))
    assert bold.data.shape[1] == 1 and bold.data.shape[0] >= 4 and np.all(np.isfinite(bold.data))
    assert np.abs(bold.data).max() > 0  # the haemodynamics left rest
