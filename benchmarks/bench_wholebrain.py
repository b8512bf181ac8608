"""Whole-brain benchmark: the same 80-node Wilson-Cowan network with delays in brainsim and neurolib.

Network: brainsim's default connectome (80 regions, 3508 directed edges, tract lengths 17-196 mm),
conduction velocity 20 mm/ms (neurolib's default signalV), Wilson-Cowan nodes with neurolib's default
parameters and exc_ext = 0.65, global coupling K = 0.3 (brainsim linear coupling a = K), dt = 0.1 ms,
60 s simulated. Cases: deterministic (neurolib's sigma_ou = 0) and with OU noise (sigma_ou = 0.14,
tau_ou = 5 ms). neurolib integrates with Euler; brainsim is timed with Euler (same scheme) and with
Heun and RK4 (and, deterministic case, the Rosenbrock RODAS4). Throughput = nodes x steps / wall time
of run(), one thread, median of repeats after a warm-up (JIT) run; the CPU time of the process
(time.process_time) is reported beside the wall time (cpu_median_s), and the 1-minute load average
before each measurement (load_avg_1m), since the machine may be shared. One JSON line per measurement.
Every brainsim repeat starts from t = 0 (reset()); run() would otherwise continue the previous run.

neurolib must be importable here, or give --neurolib-python /path/to/venv/bin/python (it is then run
in a child process with NUMBA_NUM_THREADS=1; its peak RSS is that child's).

    python benchmarks/bench_wholebrain.py [--duration-ms 60000] [--repeats 3] [--neurolib-python PY]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time

import numpy as np

N_STEPS_PER_MS = 10
PARAMS = {"exc_ext": 0.65}
K_GL = 0.3
VELOCITY = 20.0
SIGMA_OU = 0.14


def peak_rss_mb(who=resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024.0


def emit(case, impl, times, n_nodes, n_steps, peak, cpu=None, load=None, **extra):
    med = statistics.median(times)
    if cpu is not None:
        cmed = statistics.median(cpu)
        extra = {"cpu_median_s": cmed, "cpu_node_steps_per_s": n_nodes * n_steps / cmed, **extra}
    if load is not None:
        extra = {"load_avg_1m": load, **extra}
    print(json.dumps({"suite": "wholebrain", "case": case, "impl": impl, "median_s": med, "min_s": min(times),
                      "max_s": max(times), "repeats": len(times), "peak_rss_mb": round(peak, 1),
                      "node_steps_per_s": n_nodes * n_steps / med, **extra}), flush=True)
    return n_nodes * n_steps / med


def bench_brainsim(duration_ms, repeats, method, noisy):
    from brainsim.connectome import Connectome
    from brainsim.wholebrain import Noise, WholeBrain

    noise = Noise("ou", sigma=SIGMA_OU, tau_ou=5.0) if noisy else None
    wb = WholeBrain(Connectome.default(), "wilson_cowan", params=PARAMS, coupling=K_GL, velocity=VELOCITY,
                    noise=noise, dt=0.1, integrator=method, seed=1, record_interval=1.0)
    wb.run(100.0)
    times, cpu = [], []
    for _ in range(repeats):
        wb.reset()
        t0, c0 = time.perf_counter(), time.process_time()
        out = wb.run(duration_ms, threads=1)
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return times, cpu, out.output


NEUROLIB_CHILD = textwrap.dedent("""
    import json, sys, time, resource
    import numpy as np
    from neurolib.models.wc import WCModel
    d = np.load(sys.argv[1]); duration = float(sys.argv[2]); repeats = int(sys.argv[3]); sigma = float(sys.argv[4])
    m = WCModel(Cmat=d["weights"], Dmat=d["tract_lengths"])
    m.params["dt"] = 0.1; m.params["signalV"] = float(d["velocity"]); m.params["K_gl"] = float(d["K"])
    m.params["exc_ext"] = float(d["exc_ext"]); m.params["sigma_ou"] = sigma; m.params["tau_ou"] = 5.0
    m.params["duration"] = 100.0; m.run()          # JIT warm-up
    m.params["duration"] = duration
    times, cpu = [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time(); m.run()
        times.append(time.perf_counter() - t0); cpu.append(time.process_time() - c0)
    exc = m.exc
    print(json.dumps({"times": times, "cpu": cpu, "std": float(np.std(exc[:, exc.shape[1] // 2:])),
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0}))
""")


def bench_neurolib(duration_ms, repeats, noisy, python):
    from brainsim.connectome import Connectome

    c = Connectome.default()
    with tempfile.TemporaryDirectory() as tmp:
        f = os.path.join(tmp, "net.npz")
        np.savez(f, weights=c.weights, tract_lengths=c.tract_lengths, velocity=VELOCITY, K=K_GL,
                 exc_ext=PARAMS["exc_ext"])
        script = os.path.join(tmp, "child.py")
        with open(script, "w") as fh:
            fh.write(NEUROLIB_CHILD)
        env = dict(os.environ, NUMBA_NUM_THREADS="1", OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
        r = subprocess.run([python, script, f, str(duration_ms), str(repeats), str(SIGMA_OU if noisy else 0.0)],
                           capture_output=True, text=True, env=env, check=True)
    return json.loads(r.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--duration-ms", type=float, default=60_000.0)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--neurolib-python", default=None, help="python of an environment with neurolib")
    ap.add_argument("--skip-neurolib", action="store_true")
    a = ap.parse_args()
    n_steps = int(a.duration_ms * N_STEPS_PER_MS)
    n = 80
    nl_python = a.neurolib_python
    if nl_python is None and not a.skip_neurolib:
        try:
            import neurolib  # noqa: F401
            nl_python = sys.executable
        except ImportError:
            print(json.dumps({"suite": "wholebrain", "note": "neurolib not importable; pass --neurolib-python"}))
    for noisy in (False, True):
        case = f"wc80_delays_{'ou' if noisy else 'det'}_{int(a.duration_ms / 1000)}s"
        rates, cpu_rates = {}, {}
        for method in ("euler", "heun", "rk4") + (() if noisy else ("rodas4",)):
            load = os.getloadavg()[0]
            times, cpu, out = bench_brainsim(a.duration_ms, a.repeats, method, noisy)
            rates[method] = emit(case, f"brainsim-{method}", times, n, n_steps, peak_rss_mb(), cpu=cpu, load=load,
                                 activity_std=float(out[out.shape[0] // 2:].std()))
            cpu_rates[method] = n * n_steps / statistics.median(cpu)
        if nl_python and not a.skip_neurolib:
            load = os.getloadavg()[0]
            r = bench_neurolib(a.duration_ms, a.repeats, noisy, nl_python)
            nl = emit(case, "neurolib-0.6.2-euler", r["times"], n, n_steps, r["peak_rss_mb"], cpu=r["cpu"], load=load,
                      activity_std=r["std"])
            nl_cpu = n * n_steps / statistics.median(r["cpu"])
            for method, rate in rates.items():
                print(json.dumps({"suite": "wholebrain", "case": case, "ratio": f"brainsim-{method}/neurolib",
                                  "speedup": rate / nl, "speedup_cpu_time": cpu_rates[method] / nl_cpu}), flush=True)


if __name__ == "__main__":
    main()
