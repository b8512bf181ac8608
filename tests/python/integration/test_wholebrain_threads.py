"""Whole-brain results are bitwise identical for any thread count (counter-based noise, per-node work)."""

from __future__ import annotations

import numpy as np
import pytest

from brainsim.connectome import Connectome
from brainsim.wholebrain import Coupling, Noise, WholeBrain, default_model


@pytest.mark.parametrize("threads", [2, 3, 4])
def test_default_model_threads_bitwise(threads):
    a = default_model(seed=11).run(500.0, threads=1)
    b = default_model(seed=11).run(500.0, threads=threads)
    assert np.array_equal(a.output, b.output)
    assert np.array_equal(a["eeg"].data, b["eeg"].data)
    assert np.array_equal(a["bold"].data, b["bold"].data)


@pytest.mark.parametrize("method,noise", [("rk4", Noise("ou", sigma=0.05)), ("euler", Noise("additive", 0.02)),
                                          ("heun", None)])
def test_wilson_cowan_threads_bitwise(method, noise):
    def run(threads):
        wb = WholeBrain(Connectome.default(), "wilson_cowan", params={"exc_ext": 0.8}, coupling=0.3,
                        velocity=5.0, noise=noise, integrator=method, seed=4, record_interval=0.5,
                        record_states=True)
        return wb.run(300.0, threads=threads)
    a, b = run(1), run(2)
    assert np.array_equal(a.states, b.states)
    assert np.array_equal(a.final_state, b.final_state)


def test_seed_changes_noise_and_same_seed_repeats():
    def run(seed):
        wb = WholeBrain(Connectome.default(), "hopf", params={"a": -0.01, "omega": 0.0628},
                        coupling=Coupling("difference", a=0.05), noise=0.01, velocity=10.0, seed=seed)
        return wb.run(200.0).output
    assert np.array_equal(run(1), run(1))
    assert not np.array_equal(run(1), run(2))
