"""The benchmark networks of shared/benchmarks/SPEC.md, built with brainsim's Python API.

Each ``build_<name>(seed, ...)`` returns ``(net, meta)``: an unbuilt :class:`brainsim.network.Network`
with spikes of every neuron recorded, and a dict with the population sizes, T (ms) and the statistics
window. :func:`statistics` computes the SPEC section 0.1 quantities from a result, and
:func:`check_bands` compares them with the pass bands of SPEC section G.

    python -m benchmarks.spec_networks coba --seed 1 --threads 2
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

import numpy as np

import brainsim  # noqa: F401  (loads the extension)
from brainsim.network import (
    FixedInDegree,
    FixedProbability,
    FixedTotalNumber,
    Network,
    Normal,
    PoissonInput,
    DCCurrent,
    Uniform,
)

# ------------------------------------------------------------------------------------------------
# A. COBA and E. scaled COBA (shared neuron, synapses, initial state and kick)

COBA_NEURON = {"C_m": 200.0, "g_L": 10.0, "E_L": -60.0, "V_th": -50.0, "V_reset": -60.0, "t_ref": 5.0,
               "E_ex": 0.0, "E_in": -80.0, "tau_syn_ex": 5.0, "tau_syn_in": 10.0}
COBA_INITIAL = {
    "V_m": Normal(-65.0, 5.0),
    "g_ex": Normal(40.0, 15.0, low=0.0, bounds="clip"),   # A.4 deviation: clipped at 0
    "g_in": Normal(200.0, 120.0, low=0.0, bounds="clip"),
}
W_E_COBA, W_I_COBA = 6.0, 67.0  # nS


def _coba_populations(net: Network, n: int, model: str = "lif_cond_exp", params: dict | None = None,
                      initial: dict | None = None):
    ne = int(round(0.8 * n))
    E = net.add_population("E", ne, model=model, params=params or COBA_NEURON, initial=initial or COBA_INITIAL)
    I = net.add_population("I", n - ne, model=model, params=params or COBA_NEURON, initial=initial or COBA_INITIAL)
    return E, I


def build_coba(seed: int = 1, n: int = 4000, T: float = 1000.0) -> tuple[Network, dict]:
    net = Network(dt=0.1, seed=seed)
    E, I = _coba_populations(net, n)
    for post in (E, I):
        net.connect(E, post, rule=FixedProbability(0.02), weight=W_E_COBA, delay=0.1, receptor="exc")
        net.connect(I, post, rule=FixedProbability(0.02), weight=W_I_COBA, delay=0.1, receptor="inh")
    for pop in (E, I):  # A.5 ignition kick: 50 Hz Poisson, 6 nS, 0 <= t < 50 ms
        net.add_stimulus(PoissonInput(rate=50.0, weight=W_E_COBA, receptor="exc", stop=50.0, delay=0.1), pop)
        net.record(pop, "spikes")
    return net, {"name": "coba", "pops": {"E": E.size, "I": I.size}, "T": T, "window": (0.0, T)}


def build_scaled_coba(seed: int = 1, n: int = 4000, T: float = 1000.0) -> tuple[Network, dict]:
    net = Network(dt=0.1, seed=seed)
    E, I = _coba_populations(net, n)
    for post in (E, I):
        net.connect(E, post, rule=FixedInDegree(80, replace=False), weight=W_E_COBA, delay=0.1, receptor="exc")
        net.connect(I, post, rule=FixedInDegree(20, replace=False), weight=W_I_COBA, delay=0.1, receptor="inh")
    for pop in (E, I):
        net.add_stimulus(PoissonInput(rate=50.0, weight=W_E_COBA, receptor="exc", stop=50.0, delay=0.1), pop)
        net.record(pop, "spikes")
    return net, {"name": f"scaled_coba_{n}", "pops": {"E": E.size, "I": I.size}, "T": T, "window": (0.0, T)}


# ------------------------------------------------------------------------------------------------
# B. CUBA


def build_cuba(seed: int = 1, n: int = 4000, T: float = 1000.0) -> tuple[Network, dict]:
    # tau_m dV/dt = (E_L - V) + x_e + x_i with x = R I: lif_curr_exp with C = 200 pF, tau_m = 20 ms
    # (R = 100 MOhm); 1.62 mV = 16.2 pA x R, -9 mV = -90 pA x R.
    params = {"C_m": 200.0, "tau_m": 20.0, "E_L": -49.0, "V_th": -50.0, "V_reset": -60.0, "t_ref": 5.0,
              "tau_syn_ex": 5.0, "tau_syn_in": 10.0}
    net = Network(dt=0.1, seed=seed)
    ne = int(round(0.8 * n))
    E = net.add_population("E", ne, model="lif_curr_exp", params=params, initial={"V_m": Uniform(-60.0, -50.0)})
    I = net.add_population("I", n - ne, model="lif_curr_exp", params=params, initial={"V_m": Uniform(-60.0, -50.0)})
    for post in (E, I):
        net.connect(E, post, rule=FixedProbability(0.02), weight=16.2, delay=0.1, receptor="exc")
        net.connect(I, post, rule=FixedProbability(0.02), weight=-90.0, delay=0.1, receptor="inh")
    net.record(E, "spikes")
    net.record(I, "spikes")
    return net, {"name": "cuba", "pops": {"E": E.size, "I": I.size}, "T": T, "window": (0.0, T)}


# ------------------------------------------------------------------------------------------------
# C. COBAHH


def build_cobahh(seed: int = 1, n: int = 4000, T: float = 1000.0) -> tuple[Network, dict]:
    params = {"C_m": 200.0, "g_L": 10.0, "E_L": -60.0, "g_Na": 20000.0, "E_Na": 50.0, "g_K": 6000.0,
              "E_K": -90.0, "V_T": -63.0, "E_ex": 0.0, "E_in": -80.0, "tau_syn_ex": 5.0, "tau_syn_in": 10.0,
              "V_spike": -20.0, "t_block": 3.0}
    initial = {"V_m": Normal(-65.0, 5.0), "m": 0.0, "h": 0.0, "n": 0.0,
               "g_ex": Normal(40.0, 15.0, low=0.0, bounds="clip"), "g_in": Normal(200.0, 120.0, low=0.0, bounds="clip")}
    net = Network(dt=0.1, seed=seed)
    E, I = _coba_populations(net, n, model="hh_traub", params=params, initial=initial)
    for post in (E, I):
        net.connect(E, post, rule=FixedProbability(0.02), weight=W_E_COBA, delay=0.1, receptor="exc")
        net.connect(I, post, rule=FixedProbability(0.02), weight=W_I_COBA, delay=0.1, receptor="inh")
    net.record(E, "spikes")
    net.record(I, "spikes")
    return net, {"name": "cobahh", "pops": {"E": E.size, "I": I.size}, "T": T, "window": (0.0, T)}


# ------------------------------------------------------------------------------------------------
# D. Brunel 2000 model A (NEST brunel_delta_nest.py)


def build_brunel(seed: int = 1, scale: float = 1.0, T: float = 1000.0) -> tuple[Network, dict]:
    ne, ni = int(round(10000 * scale)), int(round(2500 * scale))
    ce, ci = int(round(1000 * scale)), int(round(250 * scale))
    J, g, eta, tau_m, theta = 0.1, 5.0, 2.0, 20.0, 20.0
    params = {"tau_m": tau_m, "C_m": 250.0, "t_ref": 2.0, "E_L": 0.0, "V_reset": 0.0, "V_th": theta}
    # the external rate follows the full-size in-degree: nu_ext C_E with C_E = 1000 (D.4); a reduced
    # network keeps the same external drive per neuron but fewer recurrent synapses
    nu_thr = theta / (J * 1000 * tau_m)       # kHz per synapse
    rate_ext = eta * nu_thr * 1000 * 1000.0   # Hz, total per neuron (20 000 Hz)
    net = Network(dt=0.1, seed=seed)
    E = net.add_population("E", ne, model="lif_delta", params=params, initial={"V_m": 0.0})
    I = net.add_population("I", ni, model="lif_delta", params=params, initial={"V_m": 0.0})
    for post in (E, I):
        net.connect(E, post, rule=FixedInDegree(ce, replace=True), weight=J, delay=1.5, receptor="exc")
        net.connect(I, post, rule=FixedInDegree(ci, replace=True), weight=-g * J, delay=1.5, receptor="inh")
        net.add_stimulus(PoissonInput(rate=rate_ext, weight=J, delay=1.5, receptor="exc"), post)
        net.record(post, "spikes")
    return net, {"name": "brunel" if scale == 1.0 else f"brunel_{scale}", "pops": {"E": ne, "I": ni}, "T": T,
                 "window": (0.0, T)}


# ------------------------------------------------------------------------------------------------
# F. Potjans & Diesmann 2014 microcircuit
# SPEC F parameters and derived sizes/weights: one definition, shared with the peer scripts
# (benchmarks/peers/_common.py has no brainsim import, so the peers' interpreter can load it).
from benchmarks.peers._common import MC_POPS, MC_V_MEAN, MC_V_SD, microcircuit_parameters  # noqa: E402
from benchmarks.peers._common import statistics as _spec_statistics  # noqa: E402
from benchmarks.peers._common import current_rss_mb, network_memory  # noqa: E402


def build_microcircuit(seed: int = 1, scale: float = 0.1, T: float = 1500.0) -> tuple[Network, dict]:
    mp = microcircuit_parameters(scale)
    params = {"C_m": 250.0, "tau_m": 10.0, "E_L": -65.0, "V_th": -50.0, "V_reset": -65.0, "t_ref": 2.0,
              "tau_syn_ex": 0.5, "tau_syn_in": 0.5}
    net = Network(dt=0.1, seed=seed)
    pops = []
    for i, name in enumerate(MC_POPS):
        pops.append(net.add_population(name, int(mp["n"][i]), model="lif_curr_exp", params=params,
                                       initial={"V_m": Normal(MC_V_MEAN[i], MC_V_SD[i])}))
    for i in range(8):        # target
        for j in range(8):    # source
            k = int(mp["syn"][i, j])
            if k == 0:
                continue
            w = float(mp["psc"][i, j])
            exc = j % 2 == 0
            weight = Normal(w, 0.1 * abs(w), low=0.0) if exc else Normal(w, 0.1 * abs(w), high=0.0)
            delay = Normal(1.5, 0.75, low=0.05) if exc else Normal(0.75, 0.375, low=0.05)
            net.connect(pops[j], pops[i], rule=FixedTotalNumber(k), weight=weight, delay=delay,
                        receptor="exc" if exc else "inh")
    for i, pop in enumerate(pops):
        net.add_stimulus(PoissonInput(rate=8.0 * int(mp["k_ext"][i]), weight=float(mp["psc_ext"]), delay=1.5,
                                      receptor="exc"), pop)
        net.add_stimulus(DCCurrent(float(mp["i_dc"][i])), pop)
        net.record(pop, "spikes")
    return net, {"name": "microcircuit", "pops": {p.name: p.size for p in pops}, "T": T, "window": (500.0, 1500.0)}


BUILDERS = {
    "coba": build_coba,
    "cuba": build_cuba,
    "cobahh": build_cobahh,
    "brunel": build_brunel,
    "scaled_coba_4000": lambda seed=1, **kw: build_scaled_coba(seed, n=4000, **kw),
    "scaled_coba_16000": lambda seed=1, **kw: build_scaled_coba(seed, n=16000, **kw),
    "scaled_coba_64000": lambda seed=1, **kw: build_scaled_coba(seed, n=64000, **kw),
    "microcircuit": build_microcircuit,
}


# ------------------------------------------------------------------------------------------------
# Statistics (SPEC 0.1) and pass bands (SPEC G)


def statistics(res: Any, meta: dict) -> dict:
    """SPEC section 0.1 statistics of a brainsim result: the very function the peer scripts use."""
    pops = {name: (*res.spikes(name), n) for name, n in meta["pops"].items()}
    return _spec_statistics(pops, meta["T"], meta["window"])


BANDS = {
    "coba": {"rate": (16.0, 22.0), "cv": (1.40, 1.65)},
    "cuba": {"rate": (5.0, 6.3), "cv": (0.50, 0.55)},
    "cobahh": {"rate": (31.0, 42.0), "cv": (1.85, 2.10)},
    "brunel": {"rate": (31.4, 32.4), "cv": (0.165, 0.185)},
    "scaled_coba_4000": {"rate": (11.5, 13.8), "cv": (1.33, 1.48)},
    "scaled_coba_16000": {"rate": (11.5, 13.8), "cv": (1.33, 1.48)},
    "scaled_coba_64000": {"rate": (11.5, 13.8), "cv": (1.33, 1.48)},
    "microcircuit": {"rate": (2.5, 3.0), "cv": (0.54, 0.62)},
}
MC_POP_BANDS = {  # NEST range +-20 % (SPEC G)
    "L23E": (0.46, 0.54), "L23I": (2.15, 2.17), "L4E": (4.00, 4.08), "L4I": (5.01, 5.07),
    "L5E": (6.52, 6.94), "L5I": (7.78, 7.88), "L6E": (0.83, 0.87), "L6I": (7.03, 7.10),
}


def check_bands(name: str, stats_per_seed: list[dict]) -> dict:
    """Mean over seeds against the SPEC G band; returns {"rate": (value, lo, hi, ok), ...}."""
    band = BANDS[name]
    rate = float(np.mean([s["rate_hz"] for s in stats_per_seed]))
    cv = float(np.mean([s["cv_isi"] for s in stats_per_seed]))
    out = {"rate": (rate, *band["rate"], band["rate"][0] <= rate <= band["rate"][1]),
           "cv": (cv, *band["cv"], band["cv"][0] <= cv <= band["cv"][1])}
    if name == "microcircuit":
        for p, (lo, hi) in MC_POP_BANDS.items():
            r = float(np.mean([s["per_pop_rate_hz"][p] for s in stats_per_seed]))
            out[p] = (r, 0.8 * lo, 1.2 * hi, 0.8 * lo <= r <= 1.2 * hi)
    return out


def run_once(name: str, seed: int = 1, threads: int = 1, accumulation: str = "exact", **kw: Any) -> dict:
    rss0 = current_rss_mb()
    t0 = time.perf_counter()
    net, meta = BUILDERS[name](seed=seed, **kw)
    report = net.build(threads=threads, accumulation=accumulation)
    t1 = time.perf_counter()
    memory = network_memory(rss0, current_rss_mb(), report["n_synapses"])
    res = net.run(meta["T"], threads=threads, accumulation=accumulation)
    t2 = time.perf_counter()
    st = statistics(res, meta)
    n = sum(meta["pops"].values())
    return {"case": meta["name"], "seed": seed, "threads": threads, "accumulation": accumulation,
            "build_s": t1 - t0, "sim_s": res.timing["sim_s"], "total_s": t2 - t0, "n": n,
            "n_synapses": report["n_synapses"], "synapse_bytes": report["synapse_bytes"],
            "bytes_per_synapse": report["synapse_bytes"] / max(1, report["n_synapses"]),
            "events_per_s": st["n_spikes"] * (report["n_synapses"] / n) / max(res.timing["sim_s"], 1e-12),
            **memory, "build_flags": brainsim.build_info()["flags"], **st}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("network", choices=sorted(BUILDERS))
    ap.add_argument("--seed", type=int, nargs="+", default=[1])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--accumulation", default="exact")
    args = ap.parse_args(argv)
    stats = []
    for s in args.seed:
        r = run_once(args.network, s, args.threads, args.accumulation)
        r.pop("bin_rates_hz", None)
        print(json.dumps(r), flush=True)
        stats.append(r)
    print(json.dumps({"bands": check_bands(args.network, stats)}))


if __name__ == "__main__":
    main()
