"""The SPEC.md benchmark networks on NEST 3.10 (run with the peers' interpreter).

    /tmp/venv-peers/bin/python benchmarks/peers/nest_spec.py coba --seed 1 --threads 1

Prints one JSON line: {"suite": "spiking", "case", "impl": "nest", "threads", "seed", "build_s", "sim_s",
"total_s", "peak_rss_mb", "n_spikes", "rate_hz", "cv_isi", "n_synapses", ...}. build_s runs from
ResetKernel to the last Connect; sim_s is the wall time of nest.Simulate (which includes NEST's own
preparation of the connection infrastructure); peak_rss_mb is this process's ru_maxrss; net_rss_mb and
net_bytes_per_synapse are the resident memory after nest.Prepare (connection tables built) minus before
the first nest.Create, i.e. what NEST holds for the network.
Networks follow shared/benchmarks/SPEC.md; the models are NEST's own (iaf_cond_exp, iaf_psc_exp,
hh_cond_exp_traub, iaf_psc_delta), the way NEST's examples use them.
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import current_rss_mb, finish, microcircuit_parameters, network_memory, parse_args  # noqa: E402
from _common import peak_rss_mb, statistics  # noqa: E402
from _common import MC_POPS, MC_V_MEAN, MC_V_SD  # noqa: E402

import nest  # noqa: E402

COBA = {"C_m": 200.0, "g_L": 10.0, "E_L": -60.0, "V_th": -50.0, "V_reset": -60.0, "t_ref": 5.0,
        "E_ex": 0.0, "E_in": -80.0, "tau_syn_ex": 5.0, "tau_syn_in": 10.0, "I_e": 0.0}


def _clipped_normal(rng, mean, sd, n):
    return np.maximum(0.0, rng.normal(mean, sd, n))


def _ei(n_total):
    ne = int(round(0.8 * n_total))
    return ne, n_total - ne


def _connect_ei(E, I, neurons, rule_e, rule_i, w_e, w_i, delay=0.1):
    nest.Connect(E, neurons, rule_e, {"synapse_model": "static_synapse", "weight": w_e, "delay": delay})
    nest.Connect(I, neurons, rule_i, {"synapse_model": "static_synapse", "weight": w_i, "delay": delay})


def build_coba_like(name, n_total, rng, fixed_indegree):
    ne, ni = _ei(n_total)
    neurons = nest.Create("iaf_cond_exp", n_total, params=COBA)
    neurons.set(V_m=rng.normal(-65.0, 5.0, n_total), g_ex=_clipped_normal(rng, 40.0, 15.0, n_total),
                g_in=_clipped_normal(rng, 200.0, 120.0, n_total))
    E, I = neurons[:ne], neurons[ne:]
    if fixed_indegree:  # SPEC E: K_E = 80, K_I = 20 distinct sources, autapses allowed
        re = {"rule": "fixed_indegree", "indegree": 80, "allow_autapses": True, "allow_multapses": False}
        ri = {"rule": "fixed_indegree", "indegree": 20, "allow_autapses": True, "allow_multapses": False}
    else:               # SPEC A.3: Bernoulli p = 0.02 per ordered pair
        re = ri = {"rule": "pairwise_bernoulli", "p": 0.02, "allow_autapses": True}
    _connect_ei(E, I, neurons, re, ri, 6.0, -67.0)
    n_syn = nest.GetKernelStatus("num_connections")
    kick = nest.Create("poisson_generator", params={"rate": 50.0, "start": 0.0, "stop": 50.0})
    nest.Connect(kick, neurons, "all_to_all", {"weight": 6.0, "delay": 0.1})
    return neurons, {"E": (E, ne), "I": (I, ni)}, n_syn, {"name": name, "T": 1000.0, "window": (0.0, 1000.0)}


def build_cuba(rng):
    ne, ni = _ei(4000)
    neurons = nest.Create("iaf_psc_exp", 4000, params={
        "C_m": 200.0, "tau_m": 20.0, "E_L": -49.0, "V_th": -50.0, "V_reset": -60.0, "t_ref": 5.0,
        "tau_syn_ex": 5.0, "tau_syn_in": 10.0, "I_e": 0.0})
    neurons.set(V_m=rng.uniform(-60.0, -50.0, 4000))
    E, I = neurons[:ne], neurons[ne:]
    p = {"rule": "pairwise_bernoulli", "p": 0.02, "allow_autapses": True}
    _connect_ei(E, I, neurons, p, p, 16.2, -90.0)
    n_syn = nest.GetKernelStatus("num_connections")
    return neurons, {"E": (E, ne), "I": (I, ni)}, n_syn, {"name": "cuba", "T": 1000.0, "window": (0.0, 1000.0)}


def build_cobahh(rng):
    n = 4000
    ne, ni = _ei(n)
    neurons = nest.Create("hh_cond_exp_traub", n, params={
        "C_m": 200.0, "g_L": 10.0, "E_L": -60.0, "g_Na": 20000.0, "E_Na": 50.0, "g_K": 6000.0, "E_K": -90.0,
        "V_T": -63.0, "E_ex": 0.0, "E_in": -80.0, "tau_syn_ex": 5.0, "tau_syn_in": 10.0, "t_ref": 3.0,
        "I_e": 0.0})
    neurons.set(V_m=rng.normal(-65.0, 5.0, n), Act_m=0.0, Inact_h=0.0, Act_n=0.0)
    E, I = neurons[:ne], neurons[ne:]
    p = {"rule": "pairwise_bernoulli", "p": 0.02, "allow_autapses": True}
    _connect_ei(E, I, neurons, p, p, 6.0, -67.0)
    n_syn = nest.GetKernelStatus("num_connections")
    # SPEC C.4: g_ex/g_in are not settable state here; deliver them as one spike at 0.1 ms through
    # per-neuron weights (present from 0.2 ms on)
    ge0, gi0 = _clipped_normal(rng, 40.0, 15.0, n), _clipped_normal(rng, 200.0, 120.0, n)
    sg = nest.Create("spike_generator", params={"spike_times": [0.1]})
    pe, pi = nest.Create("parrot_neuron", n), nest.Create("parrot_neuron", n)
    nest.Connect(sg, pe, "all_to_all", {"delay": 0.1})
    nest.Connect(sg, pi, "all_to_all", {"delay": 0.1})
    nest.Connect(pe, neurons, "one_to_one", {"weight": ge0, "delay": 0.1})
    nest.Connect(pi, neurons, "one_to_one", {"weight": -gi0, "delay": 0.1})
    return neurons, {"E": (E, ne), "I": (I, ni)}, n_syn, {"name": "cobahh", "T": 1000.0, "window": (0.0, 1000.0)}


def build_brunel(rng):
    # NEST pynest/examples/brunel_delta_nest.py with order = 2500, all neurons recorded
    ne, ni, ce, ci = 10000, 2500, 1000, 250
    J, g, eta, tau_m, theta, delay = 0.1, 5.0, 2.0, 20.0, 20.0, 1.5
    nu_th = theta / (J * ce * tau_m)
    p_rate = 1000.0 * eta * nu_th * ce
    params = {"C_m": 1.0, "tau_m": tau_m, "t_ref": 2.0, "E_L": 0.0, "V_reset": 0.0, "V_m": 0.0, "V_th": theta}
    neurons = nest.Create("iaf_psc_delta", ne + ni, params=params)
    E, I = neurons[:ne], neurons[ne:]
    nest.CopyModel("static_synapse", "excitatory", {"weight": J, "delay": delay})
    nest.CopyModel("static_synapse", "inhibitory", {"weight": -g * J, "delay": delay})
    nest.Connect(E, neurons, {"rule": "fixed_indegree", "indegree": ce}, "excitatory")
    nest.Connect(I, neurons, {"rule": "fixed_indegree", "indegree": ci}, "inhibitory")
    n_syn = nest.GetKernelStatus("num_connections")
    noise = nest.Create("poisson_generator", params={"rate": p_rate})
    nest.Connect(noise, neurons, "all_to_all", "excitatory")
    return neurons, {"E": (E, ne), "I": (I, ni)}, n_syn, {"name": "brunel", "T": 1000.0, "window": (0.0, 1000.0)}


def build_microcircuit(rng):
    mp = microcircuit_parameters(0.1)
    params = {"C_m": 250.0, "tau_m": 10.0, "E_L": -65.0, "V_th": -50.0, "V_reset": -65.0, "t_ref": 2.0,
              "tau_syn_ex": 0.5, "tau_syn_in": 0.5}
    pops = []
    for i in range(8):
        p = nest.Create("iaf_psc_exp", int(mp["n"][i]), params={**params, "I_e": float(mp["i_dc"][i])})
        p.set(V_m=rng.normal(MC_V_MEAN[i], MC_V_SD[i], len(p)))
        pops.append(p)
    for i in range(8):
        for j in range(8):
            k = int(mp["syn"][i, j])
            if k == 0:
                continue
            w = float(mp["psc"][i, j])
            if j % 2 == 0:
                weight = nest.math.redraw(nest.random.normal(mean=w, std=0.1 * abs(w)), min=0.0, max=np.inf)
                delay = nest.math.redraw(nest.random.normal(mean=1.5, std=0.75), min=0.05, max=np.inf)
            else:
                weight = nest.math.redraw(nest.random.normal(mean=w, std=0.1 * abs(w)), min=-np.inf, max=0.0)
                delay = nest.math.redraw(nest.random.normal(mean=0.75, std=0.375), min=0.05, max=np.inf)
            nest.Connect(pops[j], pops[i], {"rule": "fixed_total_number", "N": k},
                         {"synapse_model": "static_synapse", "weight": weight, "delay": delay})
    n_syn = nest.GetKernelStatus("num_connections")
    for i in range(8):
        pg = nest.Create("poisson_generator", params={"rate": 8.0 * int(mp["k_ext"][i])})
        nest.Connect(pg, pops[i], "all_to_all", {"weight": float(mp["psc_ext"]), "delay": 1.5})
    everything = pops[0]
    for p in pops[1:]:
        everything = everything + p
    return (everything, {name: (p, len(p)) for name, p in zip(MC_POPS, pops)}, n_syn,
            {"name": "microcircuit", "T": 1500.0, "window": (500.0, 1500.0), "presim": 500.0})


def main() -> None:
    args = parse_args(__doc__)
    rng = np.random.default_rng(args.seed)
    t0 = time.perf_counter()
    nest.ResetKernel()
    nest.verbosity = nest.VerbosityLevel.ERROR
    nest.SetKernelStatus({"resolution": 0.1, "local_num_threads": args.threads, "rng_seed": args.seed,
                          "print_time": False})
    rss0 = current_rss_mb()
    name = args.network
    if name == "coba":
        neurons, pops, n_syn, meta = build_coba_like("coba", 4000, rng, fixed_indegree=False)
    elif name.startswith("scaled_coba_"):
        neurons, pops, n_syn, meta = build_coba_like(name, int(name.rsplit("_", 1)[1]), rng, fixed_indegree=True)
    else:
        neurons, pops, n_syn, meta = {"cuba": build_cuba, "cobahh": build_cobahh, "brunel": build_brunel,
                                      "microcircuit": build_microcircuit}[name](rng)
    recorders = {}
    for pname, (p, _) in pops.items():
        recorders[pname] = nest.Create("spike_recorder")
        nest.Connect(p, recorders[pname])
    t1 = time.perf_counter()
    c1 = time.process_time()
    # nest.Simulate(T) is Prepare, Run(T), Cleanup; written out so that the memory can be read after
    # Prepare, which builds NEST's connection tables (reading /proc/self/statm takes microseconds)
    nest.Prepare()
    memory = network_memory(rss0, current_rss_mb(), n_syn)
    if "presim" in meta:   # microcircuit: pre-simulation then simulation, both timed
        nest.Run(meta["presim"])
        nest.Run(meta["T"] - meta["presim"])
    else:
        nest.Run(meta["T"])
    nest.Cleanup()
    t2 = time.perf_counter()
    c2 = time.process_time()
    rss = peak_rss_mb()
    spikes = {}
    for pname, (p, n) in pops.items():
        ev = recorders[pname].get("events")
        spikes[pname] = (np.asarray(ev["times"]), np.asarray(ev["senders"]) - p[0].global_id, n)
    stats = statistics(spikes, meta["T"], meta["window"])
    ks = nest.GetKernelStatus()
    meta["pops"] = spikes
    finish("nest", args, meta, stats, t1 - t0, t2 - t1, t2 - t0, n_syn, rss,
           sim_cpu_s=c2 - c1, nest_version=nest.__version__, **memory,
           **{f"nest_{k}": float(np.max(ks[k])) for k in ("time_construction_connect",
                                                         "time_communicate_prepare", "time_simulate")})


if __name__ == "__main__":
    main()
