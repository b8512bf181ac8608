"""run() continues from the previous run's end state, delay history, OU state and noise clock:
splitting a simulation into several run() calls gives bitwise the same samples as one call."""

from __future__ import annotations

import numpy as np
import pytest

from brainsim.connectome import Connectome
from brainsim.errors import ConfigError
from brainsim.wholebrain import Coupling, Lesion, Noise, Stimulus, WholeBrain


def net(**kw):
    base = dict(params={"exc_ext": 0.65}, coupling=0.3, velocity=20.0, seed=7, record_states=True)
    base.update(kw)
    return WholeBrain(Connectome.default(), "wilson_cowan", **base)


@pytest.mark.parametrize("integrator,noise", [
    ("euler", Noise("ou", sigma=0.14)), ("heun", Noise("additive", sigma=0.05)), ("rk4", Noise("ou", sigma=0.1)),
    ("rk4", None), ("rodas4", Noise("ou", sigma=0.1)), ("ros2", None)])
def test_split_run_equals_one_run(integrator, noise):
    one = net(integrator=integrator, noise=noise).intervene(Stimulus(nodes=[3], amplitude=0.5, start=80.0, stop=130.0))
    whole = one.run(260.0)
    wb = net(integrator=integrator, noise=noise).intervene(Stimulus(nodes=[3], amplitude=0.5, start=80.0, stop=130.0))
    parts = [wb.run(d) for d in (100.0, 3.0, 0.0, 57.0, 100.0)]
    assert wb.time_ms == pytest.approx(260.0)
    for name in ("states", "output", "t"):
        got = np.concatenate([getattr(p, name) for p in parts])
        np.testing.assert_array_equal(got, getattr(whole, name), err_msg=name)
    np.testing.assert_array_equal(parts[-1].final_state, whole.final_state)


def test_1000_plus_1000_equals_2000_jansen_rit_threads():
    mk = lambda: WholeBrain(Connectome.default(), "jansen_rit", noise=Noise("additive", 0.05), velocity=10.0,
                            coupling=Coupling("sigmoidal", a=10.0, cmax=0.005, midpoint=6.0, r=0.56), seed=3)
    wb = mk()
    a, b = wb.run(1000.0, threads=2), wb.run(1000.0, threads=1)
    c = mk().run(2000.0)
    np.testing.assert_array_equal(np.concatenate([a.output, b.output]), c.output)
    assert b.t[0] == 1001.0 and c.t[-1] == 2000.0


def test_changes_between_runs():
    # a lesion between runs applies from then on; the first part is unaffected
    wb = net()
    first = wb.run(50.0)
    wb.intervene(Lesion(nodes=[0]))
    second = wb.run(50.0)
    ref = net().run(100.0)
    np.testing.assert_array_equal(first.output, ref.output[:51])
    assert not np.array_equal(second.output, ref.output[51:])
    # the integrator cannot change without a reset
    wb.integrator = "euler"
    with pytest.raises(ConfigError, match="reset"):
        wb.run(10.0)
    wb.reset()
    assert wb.time_ms == 0.0
    assert wb.run(10.0).t[0] == 0.0


def test_delays_that_grow_need_a_reset():
    wb = net()
    wb.run(20.0)
    wb.velocity = 5.0  # 4x longer delays than the carried history
    with pytest.raises(ConfigError, match="hist_len"):
        wb.run(10.0)


def test_bold_continues_across_runs():
    # The BOLD observer carries its haemodynamic state and TR phase: run boundaries that do not
    # fall on TR multiples (TR = 40 ms, parts of 100, 3, 0, 57 and 100 ms) give bitwise the BOLD of
    # one run, at the same times.
    from brainsim.observe import BOLD

    whole = net().observe(BOLD(tr=40.0)).run(260.0)
    wb = net().observe(BOLD(tr=40.0))
    parts = [wb.run(d) for d in (100.0, 3.0, 0.0, 57.0, 100.0)]
    got = np.concatenate([p.observed["bold"].data for p in parts])
    np.testing.assert_array_equal(got, whole.observed["bold"].data)
    np.testing.assert_array_equal(np.concatenate([p.observed["bold"].t for p in parts]), whole.observed["bold"].t)
    assert whole.observed["bold"].t[-1] == 240.0 and len(got) == 6
    # reset() forgets the haemodynamic state with the rest
    wb.reset()
    again = wb.run(260.0)
    np.testing.assert_array_equal(again.observed["bold"].data, whole.observed["bold"].data)


def test_bold_carry_checks_region_count():
    from brainsim.observe import BOLD

    sig = BOLD(tr=10.0).transform(np.zeros((21, 3)), 1.0)
    with pytest.raises(ConfigError, match="regions"):
        BOLD(tr=10.0).transform(np.zeros((10, 2)), 1.0, carry=sig.meta["carry"])
