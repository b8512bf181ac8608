"""Accumulation modes of the spiking engine against independent references (issue 4).

One lif_delta target with E_L = V = 0 and no current receives, in one step, one event from each of
600 sources; its membrane potential after that step is then exactly the summed input
(V = E_L + P22 (V - E_L) + ... + input = 0 + 0 + input). So:

* ``exact``: V equals ``math.fsum`` of the weights (the exact sum, correctly rounded), whatever the
  thread and partition counts, for weight sets that take each accumulator path (int64 and __int128
  fixed point, superaccumulator fallback);
* ``ordered``: V equals the left-to-right float sum in source-gid order (the documented canonical
  order), again for every thread and partition count;
* the weights are chosen so that the two references differ, so the test tells the modes apart.

Population sums are checked the same way against the recorded per-neuron values.
"""

import functools
import math

import numpy as np
import pytest

from brainsim.network import AllToAll, Network, SpikeTimes, Uniform

N_SRC = 600


def weight_set(kind):
    # the first seed whose weights have a sequential float sum different from the exact one
    for seed in range(100):
        rng = np.random.default_rng(seed)
        if kind == "fixed64":      # decimal weights in +-[1, 2): 53 bits + 10 for 600 terms, int64
            w = np.round(rng.uniform(1.0, 1.99, N_SRC), 3) * rng.choice([-1.0, 1.0], N_SRC)
        elif kind == "fixed128":   # +-[0.1, 10): single weights in 61 bits, sums of 600 need 71
            w = rng.choice([-1.0, 1.0], N_SRC) * 10.0 ** rng.uniform(-1, 1, N_SRC)
        else:                      # 1e-200 .. 1e50: no 127-bit format, superaccumulators
            w = rng.standard_normal(N_SRC) * 10.0 ** rng.uniform(-200, 50, N_SRC)
            w[-1] = -w[0]          # the largest terms cancel late: the small ones decide
        if math.fsum(w) != functools.reduce(lambda a, b: a + b, w.tolist(), 0.0):
            return w
    raise AssertionError("no weight set tells the modes apart")


def target_voltage(weights, accumulation, threads, partitions=0):
    net = Network(dt=0.1, seed=3)
    src = net.add_population("S", N_SRC, "lif_delta", {"E_L": 0.0, "V_reset": 0.0, "V_th": 1.0, "tau_m": 20.0},
                             {"V_m": 0.0})
    tgt = net.add_population("T", 1, "lif_delta", {"E_L": 0.0, "V_reset": 0.0, "V_th": 1e300, "tau_m": 20.0,
                                                   "t_ref": 0.0}, {"V_m": 0.0})
    # every source spikes in step 10 (input arrives at the end of step 10), the target gets all
    # events at the end of step 11
    net.add_stimulus(SpikeTimes([1.0], weight=5.0, delay=0.1), src)
    net.connect(src, tgt, AllToAll(), weight=np.asarray(weights).reshape(1, N_SRC), delay=0.1, receptor="exc")
    net.record(src, "spikes")
    net.record(tgt, "V_m")
    res = net.run(1.5, threads=threads, accumulation=accumulation, partitions=partitions)
    t, ids = res.spikes("S")
    assert t.size == N_SRC and np.all(t == t[0])
    ts, v, _ = res.state("T", "V_m")
    k = int(np.argmax(v[:, 0] != 0.0))
    assert np.all(v[:k, 0] == 0.0)
    return v[k, 0], res.report


@pytest.mark.parametrize("kind", ["fixed64", "fixed128", "superaccumulator"])
def test_exact_input_is_the_correctly_rounded_sum(kind):
    w = weight_set(kind)
    exact = math.fsum(w)
    sequential = functools.reduce(lambda a, b: a + b, w.tolist(), 0.0)
    assert exact != sequential  # the weights tell the two modes apart
    for threads, parts in ((1, 0), (2, 0), (4, 0), (1, 3), (2, 7)):
        v, report = target_voltage(w, "exact", threads, parts)
        assert report["accumulators"][1] == kind
        assert v == exact, (threads, parts, v, exact)


@pytest.mark.parametrize("top, kind", [(2**21 - 1, "fixed32"), (2**21, "fixed64")])
def test_exact_int32_slots_at_their_bound(top, kind):
    # integer weights below 2^21 (21 bits) with 600 addends (10 bits) need 31 bits: int32 ring slots;
    # 2^21 itself needs 32 bits: int64. Both sums (about 1.2e9, over half the int32 limit 2^31) must
    # equal the exact sum, for every thread and partition count.
    rng = np.random.default_rng(7)
    w = rng.integers(top - top // 8, top, N_SRC, endpoint=True).astype(float)
    w[:3] = top
    exact = math.fsum(w)
    assert exact == float(int(w.astype(np.int64).sum()))
    for threads, parts in ((1, 0), (2, 0), (2, 7)):
        v, report = target_voltage(w, "exact", threads, parts)
        assert report["accumulators"][1] == kind
        assert v == exact, (threads, parts, v, exact)


def test_ordered_input_is_the_sum_in_source_order():
    w = weight_set("fixed128")
    sequential = functools.reduce(lambda a, b: a + b, w.tolist(), 0.0)
    for threads, parts in ((1, 0), (2, 0), (4, 0), (3, 5)):
        v, report = target_voltage(w, "ordered", threads, parts)
        assert report["accumulators"] == ["float64", "float64"]
        assert v == sequential, (threads, parts)


def test_fast_partial_sums_follow_the_documented_thread_split():
    # fast with T threads: the spike list is split into T contiguous shares, each summed on its
    # own, and the partial sums are added in thread order (simulation.hpp)
    w = weight_set("fixed128")
    for threads in (1, 2, 3):
        shares = [w[N_SRC * t // threads: N_SRC * (t + 1) // threads] for t in range(threads)]
        partial = [functools.reduce(lambda a, b: a + b, s.tolist(), 0.0) for s in shares]
        expect = functools.reduce(lambda a, b: a + b, partial)
        v, _ = target_voltage(w, "fast", threads)
        assert v == expect, threads


def population_net():
    net = Network(dt=0.1, seed=11)
    rng = np.random.default_rng(5)
    v0 = rng.standard_normal(500) * 10.0 ** rng.uniform(-8, 3, 500)
    P = net.add_population("P", 500, "lif_delta", {"E_L": 0.0, "V_th": 1e300, "V_reset": 0.0, "tau_m": 10.0},
                           {"V_m": v0})
    net.add_stimulus(SpikeTimes([0.2, 0.5], weight=1e-3, delay=0.1), P[::3])
    net.record(P, "V_m", interval=0.2)
    net.record(P, "V_m", interval=0.2, reduce="sum")
    return net


@pytest.mark.parametrize("accumulation", ["exact", "ordered"])
def test_population_sum_is_exact_or_in_index_order(accumulation):
    sums = {}
    for threads in (1, 2, 4):
        res = population_net().run(1.0, threads=threads, accumulation=accumulation)
        t, rows, _ = res.state("P", "V_m")
        ts, s = res.population_sum("P", "V_m")
        assert np.array_equal(t, ts) and rows.shape == (5, 500)
        for row, total in zip(rows, s):
            ref = math.fsum(row) if accumulation == "exact" else functools.reduce(lambda a, b: a + b, row.tolist())
            assert total == ref
        sums[threads] = s.tobytes()
    assert len(set(sums.values())) == 1
    # the reference sums differ between the modes for these values
    assert math.fsum(rows[0]) != functools.reduce(lambda a, b: a + b, rows[0].tolist())


def test_exact_stimulus_events_are_part_of_the_exact_sum():
    # a Poisson input and recurrent events into one receptor: exact input is the exact sum of all
    # of them, independent of the partitioning (compare 1 and 8 partitions bit for bit)
    def run(parts):
        net = Network(dt=0.1, seed=2)
        p = {"E_L": 0.0, "V_reset": 0.0, "V_th": 15.0, "tau_m": 20.0}
        E = net.add_population("E", 300, "lif_delta", p, {"V_m": Uniform(0.0, 15.0)})
        net.connect(E, E, AllToAll(), weight=0.1, delay=0.3)
        from brainsim.network import PoissonInput

        net.add_stimulus(PoissonInput(rate=8000.0, weight=0.1, delay=0.1), E)
        net.record(E, "spikes")
        net.record(E[::17], "V_m")
        res = net.run(50.0, accumulation="exact", partitions=parts)
        t, i = res.spikes("E")
        return t.tobytes() + i.tobytes() + res.state("E", "V_m")[1].tobytes(), t.size

    a, n = run(1)
    assert n > 100
    assert run(8)[0] == a
