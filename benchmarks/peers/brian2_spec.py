"""The SPEC.md benchmark networks on Brian2 2.9 (run with the peers' interpreter).

    /tmp/venv-peers/bin/python benchmarks/peers/brian2_spec.py coba --seed 1 --mode standalone --threads 1
    /tmp/venv-peers/bin/python benchmarks/peers/brian2_spec.py coba --seed 1 --mode runtime

Prints one JSON line: {"suite": "spiking", "case", "impl": "brian2-runtime" | "brian2-standalone", "threads",
"seed", "build_s", "sim_s", "total_s", "peak_rss_mb", "n_spikes", "rate_hz", "cv_isi", "n_synapses", ...}.

Timing. runtime (Cython code generation): build_s is object creation and synapse generation in Python;
sim_s is Brian2's own measurement of the time-stepping loop of ``run`` (``device._last_run_time``), which
excludes code generation/Cython compilation done in ``before_run``; ``run_call_s`` is the whole ``run``
call. standalone (C++, ``openmp_threads = threads`` or 0 for one thread): code generation and
compilation are timed apart (``codegen_s``: Python object creation and code generation; ``compile_s``:
make); sim_s is the binary's own run-loop time (``last_run_info.txt``); build_s is the binary's wall
time from its start to the network run (array allocation, synapse creation, initial state), timed
inside the binary (writing results afterwards is not counted); peak_rss_mb is max(Python process,
binary), as SPEC.md 0.2 asks, with the binary's ``binary_rss_mb`` measured alone (os.wait4 around it).
net_rss_mb / net_bytes_per_synapse: resident memory held for the network, i.e. after construction minus
before it (standalone: read by the binary at its start and right before the run; runtime: in this
process before the first object and after the synapses are created).
"""

from __future__ import annotations

import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import current_rss_mb, finish, network_memory, parse_args, peak_rss_mb, statistics  # noqa: E402

import brian2 as b2  # noqa: E402
from brian2 import (  # noqa: E402
    Hz, NeuronGroup, PoissonInput, SpikeGeneratorGroup, SpikeMonitor, Synapses, ms, mV, nS, pF)

HERE = os.path.dirname(os.path.abspath(__file__))


def _kick(P, n, rng):
    """SPEC A.5: independent 50 Hz Poisson trains (0 <= t < 50 ms) through 6 nS, pre-drawn on the
    0.1 ms grid (Bernoulli per step, p = 0.005) so they cost nothing after 50 ms."""
    hits = rng.random((500, n)) < 50.0 * 1e-4
    steps, idx = np.nonzero(hits)
    gen = SpikeGeneratorGroup(n, idx, steps * 0.1 * ms, name="kick")
    syn = Synapses(gen, P, on_pre="ge_post += 6*nS", name="kick_syn")
    syn.connect(j="i")
    return [gen, syn]


def build_coba_like(name, n, rng, fixed_indegree):
    ne = int(round(0.8 * n))
    ns = {"C": 200 * pF, "gl": 10 * nS, "El": -60 * mV, "Vt": -50 * mV, "Vr": -60 * mV, "Ee": 0 * mV,
          "Ei": -80 * mV, "taue": 5 * ms, "taui": 10 * ms}
    eqs = """
    dv/dt = (gl*(El - v) + ge*(Ee - v) + gi*(Ei - v))/C : volt (unless refractory)
    dge/dt = -ge/taue : siemens
    dgi/dt = -gi/taui : siemens
    """
    P = NeuronGroup(n, eqs, threshold="v > Vt", reset="v = Vr", refractory=5 * ms,
                    method="exponential_euler", namespace=ns, name="P")
    P.v = "El + (randn()*5 - 5)*mV"
    P.ge = "clip((randn()*15 + 40)*nS, 0*nS, 1e9*nS)"
    P.gi = "clip((randn()*120 + 200)*nS, 0*nS, 1e9*nS)"
    Ce = Synapses(P[:ne], P, on_pre="ge_post += 6*nS", name="Ce")
    Ci = Synapses(P[ne:], P, on_pre="gi_post += 67*nS", name="Ci")
    if fixed_indegree:  # SPEC E: distinct sources per target, autapses allowed
        Ce.connect(i="k for k in sample(N_pre, size=80)")
        Ci.connect(i="k for k in sample(N_pre, size=20)")
    else:               # SPEC A.3
        Ce.connect(p=0.02)
        Ci.connect(p=0.02)
    objs = [P, Ce, Ci, *_kick(P, n, rng)]
    return objs, {"E": (P, 0, ne), "I": (P, ne, n)}, [Ce, Ci], {"name": name, "T": 1000.0, "window": (0.0, 1000.0)}


def build_cuba(rng):
    n, ne = 4000, 3200
    ns = {"taum": 20 * ms, "taue": 5 * ms, "taui": 10 * ms, "Vt": -50 * mV, "Vr": -60 * mV, "El": -49 * mV}
    eqs = """
    dv/dt = (ge + gi - (v - El))/taum : volt (unless refractory)
    dge/dt = -ge/taue : volt
    dgi/dt = -gi/taui : volt
    """
    P = NeuronGroup(n, eqs, threshold="v > Vt", reset="v = Vr", refractory=5 * ms, method="exact",
                    namespace=ns, name="P")
    P.v = "Vr + rand()*(Vt - Vr)"
    Ce = Synapses(P[:ne], P, on_pre="ge_post += 1.62*mV", name="Ce")
    Ci = Synapses(P[ne:], P, on_pre="gi_post += -9*mV", name="Ci")
    Ce.connect(p=0.02)
    Ci.connect(p=0.02)
    return [P, Ce, Ci], {"E": (P, 0, ne), "I": (P, ne, n)}, [Ce, Ci], {"name": "cuba", "T": 1000.0,
                                                                        "window": (0.0, 1000.0)}


def build_cobahh(rng):
    n, ne = 4000, 3200
    ns = {"Cm": 200 * pF, "gl": 10 * nS, "El": -60 * mV, "EK": -90 * mV, "ENa": 50 * mV, "g_na": 20000 * nS,
          "g_kd": 6000 * nS, "VT": -63 * mV, "taue": 5 * ms, "taui": 10 * ms, "Ee": 0 * mV, "Ei": -80 * mV}
    eqs = """
    dv/dt = (gl*(El - v) + ge*(Ee - v) + gi*(Ei - v) - g_na*(m*m*m)*h*(v - ENa) - g_kd*(n*n*n*n)*(v - EK))/Cm : volt
    dm/dt = alpha_m*(1 - m) - beta_m*m : 1
    dn/dt = alpha_n*(1 - n) - beta_n*n : 1
    dh/dt = alpha_h*(1 - h) - beta_h*h : 1
    dge/dt = -ge*(1./taue) : siemens
    dgi/dt = -gi*(1./taui) : siemens
    alpha_m = 0.32*(mV**-1)*4*mV/exprel((13*mV - v + VT)/(4*mV))/ms : Hz
    beta_m = 0.28*(mV**-1)*5*mV/exprel((v - VT - 40*mV)/(5*mV))/ms : Hz
    alpha_h = 0.128*exp((17*mV - v + VT)/(18*mV))/ms : Hz
    beta_h = 4./(1 + exp((40*mV - v + VT)/(5*mV)))/ms : Hz
    alpha_n = 0.032*(mV**-1)*5*mV/exprel((15*mV - v + VT)/(5*mV))/ms : Hz
    beta_n = .5*exp((10*mV - v + VT)/(40*mV))/ms : Hz
    """
    # Brian2 examples/COBAHH.py: threshold v > -20 mV with a 3 ms refractory (detection block), no reset
    P = NeuronGroup(n, eqs, threshold="v > -20*mV", refractory=3 * ms, method="exponential_euler",
                    namespace=ns, name="P")
    P.v = "El + (randn()*5 - 5)*mV"
    P.ge = "clip((randn()*15 + 40)*nS, 0*nS, 1e9*nS)"
    P.gi = "clip((randn()*120 + 200)*nS, 0*nS, 1e9*nS)"
    Ce = Synapses(P[:ne], P, on_pre="ge_post += 6*nS", name="Ce")
    Ci = Synapses(P[ne:], P, on_pre="gi_post += 67*nS", name="Ci")
    Ce.connect(p=0.02)
    Ci.connect(p=0.02)
    return [P, Ce, Ci], {"E": (P, 0, ne), "I": (P, ne, n)}, [Ce, Ci], {"name": "cobahh", "T": 1000.0,
                                                                        "window": (0.0, 1000.0)}


def build_brunel(rng):
    ne, ni, ce, ci = 10000, 2500, 1000, 250
    ns = {"tau": 20 * ms, "theta": 20 * mV, "Vr": 0 * mV, "J": 0.1 * mV, "g": 5.0}
    G = NeuronGroup(ne + ni, "dv/dt = -v/tau : volt (unless refractory)", threshold="v > theta",
                    reset="v = Vr", refractory=2 * ms, method="exact", namespace=ns, name="G")
    G.v = 0 * mV
    # SPEC D.2: input arriving during the refractory period is discarded (NEST iaf_psc_delta)
    Se = Synapses(G[:ne], G, on_pre="v_post += J*int(not_refractory_post)", delay=1.5 * ms, namespace=ns,
                  name="Se")
    Si = Synapses(G[ne:], G, on_pre="v_post += -g*J*int(not_refractory_post)", delay=1.5 * ms, namespace=ns,
                  name="Si")
    # SPEC D.3: fixed in-degree, sources uniform with replacement
    Se.connect(i=f"int(rand()*N_pre) for _ in range({ce})")
    Si.connect(i=f"int(rand()*N_pre) for _ in range({ci})")
    # SPEC D.4: C_E inputs at eta*nu_thr = 20 Hz each (binomial count per step)
    ext = PoissonInput(G, "v", ce, 20 * Hz, weight="J*int(not_refractory)")
    return [G, Se, Si, ext], {"E": (G, 0, ne), "I": (G, ne, ne + ni)}, [Se, Si], {
        "name": "brunel", "T": 1000.0, "window": (0.0, 1000.0)}


def main() -> None:
    args = parse_args(__doc__, modes=("standalone", "runtime"))
    standalone = args.mode == "standalone"
    impl = f"brian2-{args.mode}"
    if args.network == "microcircuit":
        raise SystemExit("brian2_spec.py: the microcircuit is not implemented for Brian2 (SPEC G: NEST only)")
    if standalone:
        directory = f"/tmp/brian2_spec_{os.getuid()}/{args.network}_t{args.threads}"
        os.makedirs(directory, exist_ok=True)
        measure = os.path.join(directory, "binary_usage.json")
        b2.set_device("cpp_standalone", directory=directory, build_on_run=False)
        b2.prefs.codegen.cpp.headers += ["<chrono>", "<fstream>", "<unistd.h>"]
        b2.prefs.devices.cpp_standalone.openmp_threads = args.threads if args.threads > 1 else 0
        b2.prefs.devices.cpp_standalone.run_cmd_unix = [sys.executable, os.path.join(HERE, "_run_measured.py"),
                                                         measure, "./main"]
    else:
        b2.prefs.codegen.target = "cython"
    b2.BrianLogger.log_level_error()
    b2.defaultclock.dt = 0.1 * ms
    rng = np.random.default_rng(args.seed)
    rss0 = current_rss_mb()
    t0 = time.perf_counter()
    b2.seed(args.seed)
    name = args.network
    if name == "coba":
        objs, pops, syns, meta = build_coba_like("coba", 4000, rng, fixed_indegree=False)
    elif name.startswith("scaled_coba_"):
        objs, pops, syns, meta = build_coba_like(name, int(name.rsplit("_", 1)[1]), rng, fixed_indegree=True)
    else:
        objs, pops, syns, meta = {"cuba": build_cuba, "cobahh": build_cobahh, "brunel": build_brunel}[name](rng)
    mon = SpikeMonitor(objs[0], name="spikes")
    net = b2.Network(*objs, mon)
    if standalone:  # the binary times its own construction phase (start-up to the network run)
        times_file = os.path.join(directory, "bench_times.txt")
        # and its resident memory before the arrays are allocated and right before the run (the
        # synapses and spike queues built), from /proc/self/statm, in bytes
        rss_code = ("[]{ long _p = 0, _r = 0; std::ifstream _f(\"/proc/self/statm\"); _f >> _p >> _r; "
                    "return double(_r) * double(sysconf(_SC_PAGESIZE)); }()")
        b2.device.insert_code("before_start", "auto _bench_t0 = std::chrono::steady_clock::now(); "
                                              f"double _bench_m0 = {rss_code};")
        b2.device.insert_code("before_network_run", "auto _bench_t1 = std::chrono::steady_clock::now(); "
                                                    f"double _bench_m1 = {rss_code};")
    t1 = time.perf_counter()
    rss1 = current_rss_mb()  # runtime: the objects and synapses exist now
    c1 = time.process_time()
    net.run(meta["T"] * ms)
    t2 = time.perf_counter()
    c2 = time.process_time()
    if standalone:
        b2.device.insert_code("main", (
            "{ std::ofstream _f(\"%s\"); _f << std::chrono::duration<double>(_bench_t1 - _bench_t0).count()"
            " << ' ' << _bench_m0 << ' ' << _bench_m1 << std::endl; }" % times_file))
    extra = {"brian2_version": b2.__version__, "mode": args.mode}
    if standalone:
        b2.device.build(directory=directory, compile=True, run=False, with_output=False)
        t3 = time.perf_counter()
        b2.device.run(directory=directory, with_output=False)
        t4 = time.perf_counter()
        sim_s = float(b2.device._last_run_time)
        with open(measure) as f:
            usage = json.load(f)
        with open(times_file) as f:
            build_s, m0, m1 = (float(x) for x in f.read().split())
        n_syn = sum(len(s) for s in syns)
        extra.update(network_memory(m0 / 2.0**20, m1 / 2.0**20, n_syn))
        extra.update(codegen_s=t2 - t0, compile_s=t3 - t2, binary_wall_s=usage["wall_s"],
                     binary_rss_mb=usage["maxrss_mb"],
                     python_rss_mb=peak_rss_mb(), run_binary_s=t4 - t3)
        rss = max(usage["maxrss_mb"], peak_rss_mb())
        total_s = build_s + sim_s
    else:
        sim_s = float(b2.device._last_run_time)
        build_s = t1 - t0
        extra.update(run_call_s=t2 - t1, run_call_cpu_s=c2 - c1,
                     **network_memory(rss0, rss1, sum(len(s) for s in syns)))
        rss = peak_rss_mb()
        total_s = build_s + sim_s
    t = np.asarray(mon.t_[:]) * 1000.0
    i = np.asarray(mon.i[:])
    spikes = {}
    for pname, (_, lo, hi) in pops.items():
        sel = (i >= lo) & (i < hi)
        spikes[pname] = (t[sel], i[sel] - lo, hi - lo)
    stats = statistics(spikes, meta["T"], meta["window"])
    n_syn = sum(len(s) for s in syns)
    meta["pops"] = spikes
    finish(impl, args, meta, stats, build_s, sim_s, total_s, n_syn, rss, **extra)


if __name__ == "__main__":
    main()
