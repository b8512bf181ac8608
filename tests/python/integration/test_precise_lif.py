"""Precise spike timing: hybrid and event-driven schemes give the analytic spike times of a LIF
neuron with known input within 1e-9 ms for dt = 0.1 and 0.01 ms; the grid scheme's error is
reported beside it (and is of the order of dt)."""

import numpy as np
import pytest
from scipy.optimize import brentq

from brainsim.network import DCCurrent, Network, SpikeTimes

PARAMS = {"tau_m": 10.0, "C_m": 250.0, "t_ref": 2.0, "E_L": -70.0, "V_reset": -70.0, "V_th": -55.0}


def run(model, dt, integration, stimuli, T=100.0, extra=None):
    net = Network(dt=dt, seed=1)
    P = net.add_population("P", 1, model, {**PARAMS, **(extra or {})})
    for s in stimuli:
        net.add_stimulus(s, P)
    net.record(P, "spikes")
    return net.run(T, integration=integration).spikes("P")[0]


def dc_reference(I, T):
    # V(t) = E_L + R I (1 - e^{-t/tau}) from reset: first crossing at -tau ln(1 - (V_th - E_L)/(R I))
    R = PARAMS["tau_m"] / PARAMS["C_m"]
    isi = -PARAMS["tau_m"] * np.log(1.0 - (PARAMS["V_th"] - PARAMS["E_L"]) / (R * I))
    k = np.arange(int(T / (isi + PARAMS["t_ref"])) + 1)
    t = isi + k * (isi + PARAMS["t_ref"])
    return t[t < T]


@pytest.mark.parametrize("model", ["lif_delta", "lif_curr_exp"])
@pytest.mark.parametrize("dt", [0.1, 0.01])
def test_dc_driven_spike_times_are_analytic(model, dt, capsys):
    ref = dc_reference(500.0, 100.0)
    for integration in ("hybrid", "event_driven"):
        t = run(model, dt, integration, [DCCurrent(500.0)])
        assert t.size == ref.size
        assert np.max(np.abs(t - ref)) < 1e-9, integration
    grid = run(model, dt, "time_stepped", [DCCurrent(500.0)])
    err = np.abs(grid[: ref.size] - ref)
    with capsys.disabled():
        print(f"\n{model} dt={dt}: grid-mode spike-time error first {err[0]:.3g} ms, max {err.max():.3g} ms "
              f"over {ref.size} spikes (precise < 1e-9 ms)")
    # on the grid each interval is rounded up to the next step: the error grows by < dt per spike
    assert 0.0 < err[0] < dt and err.max() < ref.size * dt


def curr_exp_v(t, t_in, w, I, tau_s=2.0):
    """Closed-form V(t) of lif_curr_exp from rest with DC I and one current jump w at t_in."""
    tm, C, EL = PARAMS["tau_m"], PARAMS["C_m"], PARAMS["E_L"]
    v = EL + I * tm / C * (1 - np.exp(-t / tm))
    if t > t_in:
        s = t - t_in
        v += w / C * tm * tau_s / (tm - tau_s) * (np.exp(-s / tm) - np.exp(-s / tau_s))
    return v


@pytest.mark.parametrize("dt", [0.1, 0.01])
def test_off_grid_input_spike_times_are_analytic(dt):
    # subthreshold DC plus one off-grid synaptic input at 20.0337 ms that makes the neuron fire once
    I, w, t_spk, delay = 300.0, 1500.0, 20.0337, 1.0
    t_in = t_spk + delay
    f = lambda t: curr_exp_v(t, t_in, w, I) - PARAMS["V_th"]  # noqa: E731
    grid = t_in + np.linspace(0.0, 10.0, 10001)
    k = np.argmax(np.array([f(t) for t in grid]) >= 0)
    assert k > 0  # the input makes the neuron cross
    ref = brentq(f, grid[k - 1], grid[k], xtol=1e-14, rtol=1e-15)
    for integration in ("hybrid", "event_driven"):
        t = run("lif_curr_exp", dt, integration, [DCCurrent(I), SpikeTimes([t_spk], w, delay=delay)], T=60.0)
        assert t.size == 1
        assert abs(t[0] - ref) < 1e-9, (integration, t[0] - ref)
    # lif_delta: the jump itself crosses threshold at the arrival time
    for integration in ("hybrid", "event_driven"):
        t = run("lif_delta", dt, integration, [DCCurrent(I), SpikeTimes([t_spk], 10.0, delay=delay)], T=60.0)
        assert t.size == 1 and abs(t[0] - t_in) < 1e-9, integration
