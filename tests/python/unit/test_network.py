"""Network API: shapes and dtypes of results, the bad-input catalogue, HDF5 output."""

import json

import numpy as np
import pytest

import brainsim as bs
from brainsim.errors import ConfigError, DelayError, UnknownModelError
from brainsim.network import (
    AllToAll,
    DCCurrent,
    Explicit,
    FixedInDegree,
    FixedProbability,
    Network,
    NoiseCurrent,
    Normal,
    OneToOne,
    PiecewiseCurrent,
    PoissonInput,
    PulseTrain,
    SinusoidalCurrent,
    SpikeTimes,
    neuron_models,
)


def small_net(seed=1):
    net = Network(dt=0.1, seed=seed)
    E = net.add_population("E", 20, model="lif_delta", params={"E_L": 0.0, "V_reset": 0.0, "V_th": 20.0, "tau_m": 20.0})
    return net, E


def test_models_listing_has_the_lif_family_with_units():
    models = {m["name"]: m for m in neuron_models()}
    for name in ("lif_delta", "lif_curr_exp", "lif_cond_exp"):
        m = models[name]
        assert m["precise"] == (name != "lif_cond_exp")
        units = {p["name"]: p["unit"] for p in m["parameters"]}
        assert units["tau_m" if name != "lif_cond_exp" else "g_L"] in ("ms", "nS")
        assert [r for r, _ in m["receptors"]] == ["exc", "inh"]
        assert m["state_vars"][0] == ("V_m", "mV")


def test_result_shapes_and_dtypes():
    net, E = small_net()
    net.add_stimulus(DCCurrent(1000.0), E)
    net.record(E, "spikes")
    net.record(E[:3], "V_m", interval=1.0)
    net.record(E, "V_m", interval=0.5, reduce="sum")
    res = net.run(20.0)
    t, ids = res.spikes("E")
    assert t.dtype == np.float64 and ids.dtype == np.uint64 and t.shape == ids.shape
    assert np.all(np.diff(t) >= 0)
    tv, v, cols = res.state("E", "V_m")
    assert v.shape == (20, 3) and np.allclose(tv, np.arange(1, 21) * 1.0)
    assert list(cols) == [0, 1, 2]
    ts, s = res.population_sum("E", "V_m")
    assert s.shape == (40,)
    # identical neurons: the sum is 20 x one neuron's trace at the common sample times
    np.testing.assert_allclose(s[1::2], 20 * v[:, 0], rtol=1e-12)
    # runs continue and append
    res2 = net.run(10.0)
    assert res2 is res and res.state("E", "V_m")[1].shape == (30, 3)


def test_every_stimulus_kind_runs_and_drives():
    # lif_delta with R = 0.08 GOhm, threshold 20 mV above rest: 250 pA is the rheobase
    for stim in (DCCurrent(1500.0, start=2.0, stop=8.0), PiecewiseCurrent([1.0, 8.0], [1500.0, 0.0]),
                 PulseTrain(3000.0, period=5.0, width=2.0), SinusoidalCurrent(1500.0, frequency=100.0, offset=800.0),
                 NoiseCurrent(1000.0, 200.0), PoissonInput(20000.0, 1.0), SpikeTimes([1.0, 1.5, 2.0], 25.0)):
        net, E = small_net()
        net.add_stimulus(stim, E)
        net.record(E, "spikes")
        t, _ = net.run(20.0).spikes("E")
        assert t.size > 0, stim


def test_noise_is_independent_per_neuron_and_reproducible():
    def run(seed):
        net, E = small_net(seed)
        net.add_stimulus(NoiseCurrent(0.0, 500.0), E)
        net.record(E, "V_m")
        return net.run(5.0).state("E", "V_m")[1]

    a, b, c = run(1), run(1), run(2)
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    assert len({a[-1, i] for i in range(20)}) == 20


def test_connection_counts_and_receptors():
    net, E = small_net()
    I = net.add_population("I", 10, model="lif_delta")
    net.connect(E, I, rule=FixedInDegree(4), weight=0.5)
    net.connect(I, E, rule=AllToAll(), weight=-0.5)
    net.connect(E, E, rule=OneToOne(), weight=0.1)
    net.connect(E[:3], I[[1, 2]], rule=Explicit([0, 2], [1, 1]), weight=np.array([0.1, 0.2]), delay=np.array([0.1, 0.3]))
    rep = net.build()
    assert rep["n_synapses"] == 10 * 4 + 20 * 10 + 20 + 2
    assert rep["min_delay_steps"] == 1 and rep["max_delay_steps"] == 3


# -- the bad-input catalogue ---------------------------------------------------------------------


def test_unknown_model_lists_allowed_names():
    net = Network()
    with pytest.raises(UnknownModelError, match="lif_cond_exp"):
        net.add_population("E", 3, model="iaf_nope")


def test_unknown_parameter_state_and_receptor():
    net = Network()
    with pytest.raises(ConfigError, match="tau_m"):
        net.add_population("E", 3, model="lif_delta", params={"tau": 3.0})
    with pytest.raises(ConfigError, match="V_m"):
        net.add_population("E", 3, model="lif_delta", initial={"V": 3.0})
    E = net.add_population("E", 3, model="lif_cond_exp")
    with pytest.raises(ConfigError, match="exc, inh"):
        net.connect(E, E, receptor="ampa")
    with pytest.raises(ConfigError, match="'spikes' or one of"):
        net.record(E, "voltage")


def test_wrong_shapes_name_parameter_and_shape():
    net = Network()
    with pytest.raises(ConfigError, match=r"initial\['V_m'\].*\(4,\).*\(3,\)"):
        net.add_population("E", 3, model="lif_delta", initial={"V_m": np.zeros(4)})
    E = net.add_population("E", 3, model="lif_delta")
    net.connect(E, E, rule=OneToOne(), weight=np.ones(5))
    with pytest.raises(ConfigError, match="5 values.*weight.*exactly 3"):
        net.build()


def test_non_finite_and_negative_values():
    net = Network()
    with pytest.raises(ConfigError, match="tau_m"):
        net.add_population("E", 3, model="lif_delta", params={"tau_m": float("nan")})
        net.build()
    with pytest.raises(ConfigError):
        Network(dt=0.0)
    with pytest.raises(ConfigError):
        Normal(0.0, -1.0)
    net = Network()
    E = net.add_population("E", 3, model="lif_delta", params={"tau_m": -1.0})
    with pytest.raises(ConfigError, match="tau_m"):
        net.build()


def test_conductance_weights_must_be_non_negative():
    net = Network()
    E = net.add_population("E", 3, model="lif_cond_exp")
    net.connect(E, E, weight=-1.0, receptor="inh")
    with pytest.raises(ConfigError, match="conductance"):
        net.build()


@pytest.mark.parametrize("delay", [-0.1, 0.0, 0.05, 0.25000001, float("nan")])
def test_bad_delays_raise_delay_error(delay):
    net, E = small_net()
    net_delay = delay
    try:
        net.connect(E, E, rule=FixedProbability(0.5), weight=0.1, delay=net_delay)
    except ConfigError as exc:  # NaN is caught by the Python layer already
        assert "delay" in str(exc)
        return
    with pytest.raises(DelayError, match="delay"):
        net.build()


def test_random_delays_round_to_grid_and_must_reach_one_step():
    net, E = small_net()
    net.connect(E, E, rule=FixedProbability(0.5), weight=0.1, delay=bs.network.Uniform(0.0, 0.04))
    with pytest.raises(DelayError, match="at least one step"):
        net.build()


def test_network_is_frozen_after_build_and_options_are_checked():
    net, E = small_net()
    net.run(1.0)
    with pytest.raises(ConfigError, match="already built"):
        net.add_population("X", 1, model="lif_delta")
    with pytest.raises(ConfigError, match="cannot continue"):
        net.run(1.0, threads=2)
    with pytest.raises(ConfigError, match="accumulation"):
        Network().run(1.0, accumulation="sloppy")
    with pytest.raises(ConfigError, match="integration"):
        Network().run(1.0, integration="magic")
    net2 = Network()
    net2.add_population("C", 2, model="lif_cond_exp")
    with pytest.raises(ConfigError, match="exact propagator"):
        net2.run(1.0, integration="hybrid")


def test_duration_must_be_a_multiple_of_dt():
    net, _ = small_net()
    with pytest.raises(ConfigError, match="duration"):
        net.run(1.05)


def test_save_writes_sonata_spikes_and_provenance(tmp_path):
    h5py = pytest.importorskip("h5py")
    net, E = small_net(seed=7)
    net.add_stimulus(DCCurrent(1000.0), E)
    net.record(E, "spikes")
    net.record(E[:2], "V_m")
    res = net.run(30.0, threads=2)
    path = tmp_path / "run.h5"
    res.save(str(path))
    t, ids = res.spikes("E")
    with h5py.File(path, "r") as f:
        np.testing.assert_array_equal(f["/spikes/E/timestamps"][()], t)
        np.testing.assert_array_equal(f["/spikes/E/node_ids"][()], ids)
        assert f["/spikes/E"].attrs["sorting"] == "by_time"
        assert f["/states/E/V_m/data"].shape == (300, 2)
        assert int(f.attrs["seed"]) == 7
        cfg = json.loads(f.attrs["config"])
        assert cfg["populations"][0]["model"] == "lif_delta"
        assert json.loads(f.attrs["options"])["threads"] == 2
        assert "version" in json.loads(f.attrs["build_info"])
