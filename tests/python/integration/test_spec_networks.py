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


def is_sustained(st):
    """SPEC G: no 100 ms bin after the first 50 ms below 1 Hz."""
    return min(st["bin_rates_hz"][1:]) >= 1.0


def assert_self_sustained(stats):
    for st in stats:
        assert is_sustained(st), st["bin_rates_hz"]


def test_coba_in_band_over_three_seeds():
    stats = run_stats("coba")
    assert_in_band("coba", stats)
    assert_self_sustained(stats)
    for st in stats:  # Binomial(16e6, 0.02) = 320 000 +- 1 700 (3 s.d.)
        assert abs(st["n_synapses"] - 320_000) <= 1_700


def test_cuba_in_band_over_three_seeds():
    assert_in_band("cuba", run_stats("cuba"))


# Scaled COBA N=4000 does not always sustain its activity: for some seeds it falls silent a few
# hundred ms after the kick. That is a property of the network, not of brainsim: over seeds 1-30
# (python -m benchmarks ignition --seeds 1-30 --peer-python ...; benchmarks/results/
# ignition_2026-12-05.md) brainsim sustained 20, NEST 24 and Brian2 runtime 25 of 30 (Fisher's exact
# test against the pooled peers p = 0.12), and the sustained runs agree: brainsim 12.09 +- 0.38 Hz,
# CV 1.371; NEST 12.08 +- 0.39, 1.373; Brian2 12.57 +- 0.41, 1.401. SPEC G says a run below 1 Hz "is
# a failed ignition, not a fast run", so its bands are checked on the first three seeds that sustain
# activity, and the survival fraction separately: at least 10 of seeds 1-20 (the peers' pooled
# 49/60 = 0.82 gives P(X <= 9) = 0.03 %).
SCALED_COBA_SEEDS = range(1, 21)


def test_scaled_coba_4000_has_exactly_100_synapses_per_neuron():
    for s in SEEDS:
        net, meta = sn.BUILDERS["scaled_coba_4000"](seed=s, T=10.0)
        res = net.run(10.0)
        assert res.report["n_synapses"] == 100 * 4000


def test_scaled_coba_4000_in_band_over_sustained_seeds():
    stats = run_stats("scaled_coba_4000", seeds=SCALED_COBA_SEEDS)
    sustained = [st for st in stats if is_sustained(st)]
    failed = [st for st in stats if not is_sustained(st)]
    assert len(sustained) >= 10, f"only {len(sustained)} of {len(stats)} seeds sustain activity"
    for st in failed:  # a failed ignition dies out; it does not settle at a low rate
        assert st["bin_rates_hz"][-1] < 0.1, st["bin_rates_hz"]
    assert_in_band("scaled_coba_4000", sustained[:3])


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
def test_scaled_coba_rate_nearly_independent_of_n():
    s4 = [st for st in run_stats("scaled_coba_4000", seeds=SCALED_COBA_SEEDS)
          if is_sustained(st)][:3]
    s16 = run_stats("scaled_coba_16000")
    assert_self_sustained(s16)
    assert_in_band("scaled_coba_16000", s16)
    assert all(st["n_synapses"] == 100 * 16000 for st in s16)
    drift = abs(np.mean([s["rate_hz"] for s in s16]) - np.mean([s["rate_hz"] for s in s4]))
    assert drift <= 0.8
