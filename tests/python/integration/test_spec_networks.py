"""SPEC.md section G: the benchmark networks built from Python fall in the pass bands.

Fast set: COBA and CUBA over 3 seeds, scaled COBA N=4000 over 3 seeds, and a reduced Brunel check
(full network, 300 ms, one seed). The full Brunel, COBAHH, microcircuit and scaled COBA 16k runs over
3 seeds are marked slow.
"""

import numpy as np
import pytest

from benchmarks import spec_networks as sn

SEEDS = (1, 2, 3)


def run_stats(name, seeds=SEEDS, **kw):
    stats = []
    for s in seeds:
        net, meta = sn.BUILDERS[name](seed=s, **kw)
        res = net.run(meta["T"])
        st = sn.statistics(res, meta)
        st["n_synapses"] = res.report["n_synapses"]
        stats.append(st)
    return stats


def assert_in_band(name, stats):
    bands = sn.check_bands(name, stats)
    bad = {k: v for k, v in bands.items() if not v[-1]}
    assert not bad, f"{name}: outside the SPEC G band (value, low, high, ok): {bad}"


def assert_self_sustained(stats):
    for st in stats:  # no 100 ms bin after the first 50 ms below 1 Hz
        assert min(st["bin_rates_hz"][1:]) >= 1.0, st["bin_rates_hz"]


def test_coba_in_band_over_three_seeds():
    stats = run_stats("coba")
    assert_in_band("coba", stats)
    assert_self_sustained(stats)
    for st in stats:  # Binomial(16e6, 0.02) = 320 000 +- 1 700 (3 s.d.)
        assert abs(st["n_synapses"] - 320_000) <= 1_700


def test_cuba_in_band_over_three_seeds():
    assert_in_band("cuba", run_stats("cuba"))


# Known issue (issue 5): scaled COBA N=4000 does not always sustain its activity. A few hundred ms
# after the kick it falls silent for some seeds: 3 of seeds 1-11 with the first Poisson stream
# (5, 8, 10), 5 of 11 with the current 8-lane stream (2, 6, 8, 10, 11). Brian2 standalone does the
# same on 2 of 8 extra seeds (benchmarks/results/spiking_2026-12-04.md), so it is a property of the
# network that SPEC G's 3-seed peer range did not sample; SPEC G needs a rule for it (survival
# fraction, or bands over surviving runs). Until then the 3-seed band check is a strict xfail.
SCALED_COBA_IGNITION = pytest.mark.xfail(
    reason="scaled COBA dies out after the kick for some seeds (seed 2 at ~200 ms); see comment",
    strict=True)


def test_scaled_coba_4000_has_exactly_100_synapses_per_neuron():
    for s in SEEDS:
        net, meta = sn.BUILDERS["scaled_coba_4000"](seed=s, T=10.0)
        res = net.run(10.0)
        assert res.report["n_synapses"] == 100 * 4000


@SCALED_COBA_IGNITION
def test_scaled_coba_4000_in_band_over_three_seeds():
    stats = run_stats("scaled_coba_4000")
    assert_in_band("scaled_coba_4000", stats)
    assert_self_sustained(stats)


def test_brunel_reduced_check():
    # full size, 300 ms, one seed: after the onset transient the rate is in the band, E and I agree
    net, meta = sn.build_brunel(seed=1, T=300.0)
    res = net.run(300.0)
    assert res.report["n_synapses"] == 15_625_000
    rates = {p: res.rates(p, 50.0, 300.0) for p in ("E", "I")}
    assert 31.4 <= np.mean(list(rates.values())) <= 32.4, rates
    assert abs(rates["E"] - rates["I"]) < 0.5, rates


@pytest.mark.slow
def test_brunel_in_band_over_three_seeds():
    stats = run_stats("brunel")
    assert_in_band("brunel", stats)
    for st in stats:
        assert abs(st["per_pop_rate_hz"]["E"] - st["per_pop_rate_hz"]["I"]) < 0.3


@pytest.mark.slow
def test_microcircuit_in_band_with_population_ordering():
    stats = run_stats("microcircuit")
    assert_in_band("microcircuit", stats)
    r = {p: np.mean([s["per_pop_rate_hz"][p] for s in stats]) for p in sn.MC_POPS}
    assert r["L23E"] < r["L6E"] < r["L23I"] < r["L4E"] < r["L4I"] < min(r["L5E"], r["L6I"], r["L5I"])
    for st in stats:
        assert abs(st["n_synapses"] - 2.99e6) < 0.01e6


@pytest.mark.slow
def test_cobahh_in_band_over_three_seeds():
    stats = run_stats("cobahh")
    assert_in_band("cobahh", stats)
    assert_self_sustained(stats)


@pytest.mark.slow
@SCALED_COBA_IGNITION
def test_scaled_coba_rate_nearly_independent_of_n():
    s4 = run_stats("scaled_coba_4000")
    s16 = run_stats("scaled_coba_16000")
    assert_in_band("scaled_coba_16000", s16)
    assert all(st["n_synapses"] == 100 * 16000 for st in s16)
    drift = abs(np.mean([s["rate_hz"] for s in s16]) - np.mean([s["rate_hz"] for s in s4]))
    assert drift <= 0.8
