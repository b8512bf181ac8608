"""Shared by the peer scripts (run in the peers' own interpreter: no brainsim import here).

The statistics are SPEC.md section 0.1, computed exactly as benchmarks/spec_networks.statistics does
for brainsim: rate over the window, CV of ISIs per neuron with >= 3 spikes in the window (ddof = 0),
unweighted mean over neurons, population rate in 100 ms bins over the whole run.
"""

from __future__ import annotations

import argparse
import os
import json
import math
import resource
import sys
from typing import Any

import numpy as np

NETWORKS = ("coba", "cuba", "cobahh", "brunel", "scaled_coba_4000", "scaled_coba_16000",
            "scaled_coba_64000", "microcircuit")

# SPEC F (Potjans & Diesmann 2014, NEST 3.8 example defaults)
MC_POPS = ["L23E", "L23I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I"]
MC_N_FULL = np.array([20683, 5834, 21915, 5479, 4850, 1065, 14395, 2948])
MC_P = np.array([
    [0.1009, 0.1689, 0.0437, 0.0818, 0.0323, 0.0, 0.0076, 0.0],
    [0.1346, 0.1371, 0.0316, 0.0515, 0.0755, 0.0, 0.0042, 0.0],
    [0.0077, 0.0059, 0.0497, 0.135, 0.0067, 0.0003, 0.0453, 0.0],
    [0.0691, 0.0029, 0.0794, 0.1597, 0.0033, 0.0, 0.1057, 0.0],
    [0.1004, 0.0622, 0.0505, 0.0057, 0.0831, 0.3726, 0.0204, 0.0],
    [0.0548, 0.0269, 0.0257, 0.0022, 0.06, 0.3158, 0.0086, 0.0],
    [0.0156, 0.0066, 0.0211, 0.0166, 0.0572, 0.0197, 0.0396, 0.2252],
    [0.0364, 0.001, 0.0034, 0.0005, 0.0277, 0.008, 0.0658, 0.1443],
])
MC_K_EXT = np.array([1600, 1500, 2100, 1900, 2000, 1900, 2900, 2100])
MC_V_MEAN = [-68.28, -63.16, -63.33, -63.45, -63.11, -61.66, -66.72, -61.43]
MC_V_SD = [5.36, 4.57, 4.74, 4.94, 4.94, 4.55, 5.46, 4.48]
MC_RATES_FULL = np.array([0.903, 2.965, 4.414, 5.876, 7.569, 8.633, 1.105, 7.829])


def microcircuit_parameters(scale: float = 0.1, k_scaling: float = 0.1) -> dict:
    """Sizes, synapse counts, PSC amplitudes (pA) and DC currents of SPEC F."""
    C, tau_m, tau_s = 250.0, 10.0, 0.5
    a = tau_m * tau_s / (C * (tau_s - tau_m))
    f = (tau_m / tau_s) ** (1.0 / (tau_s - tau_m))
    mv_to_pa = 1.0 / (a * (f ** tau_m - f ** tau_s))
    psc_e = 0.15 * mv_to_pa
    psc_full = np.where(np.arange(8)[None, :] % 2 == 0, psc_e, -4.0 * psc_e) * np.ones((8, 1))
    psc_full[0, 2] = 2.0 * psc_e
    s_full = np.log(1.0 - MC_P) / np.log(1.0 - 1.0 / np.outer(MC_N_FULL, MC_N_FULL))
    k_full = s_full / MC_N_FULL[:, None]
    i_dc = 0.001 * tau_s * (1 - math.sqrt(k_scaling)) * (
        (psc_full * k_full * MC_RATES_FULL[None, :]).sum(axis=1) + psc_e * MC_K_EXT * 8.0)
    return {"n": np.round(scale * MC_N_FULL).astype(int),
            "syn": np.round(scale * k_scaling * s_full).astype(int),
            "psc": psc_full / math.sqrt(k_scaling), "psc_ext": psc_e / math.sqrt(k_scaling),
            "k_ext": np.round(k_scaling * MC_K_EXT).astype(int), "i_dc": i_dc}


def statistics(pops: dict[str, tuple[np.ndarray, np.ndarray, int]], T: float,
               window: tuple[float, float]) -> dict[str, Any]:
    """pops: name -> (spike times in ms, neuron index within the population, population size)."""
    t0, t1 = window
    n_total = sum(n for _, _, n in pops.values())
    out: dict[str, Any] = {"n_spikes": 0, "per_pop_rate_hz": {}}
    cvs, in_window = [], 0
    bins = np.zeros(int(math.ceil(T / 100.0)))
    for name, (t, ids, n) in pops.items():
        t = np.asarray(t, dtype=float)
        ids = np.asarray(ids, dtype=np.int64)
        out["n_spikes"] += int(t.size)
        sel = (t >= t0) & (t < t1)
        in_window += int(sel.sum())
        out["per_pop_rate_hz"][name] = float(sel.sum() / (n * (t1 - t0) / 1000.0))
        tw, iw = t[sel], ids[sel]
        order = np.lexsort((tw, iw))
        tw, iw = tw[order], iw[order]
        bounds = np.searchsorted(iw, np.arange(n + 1))
        for k in range(n):
            tt = tw[bounds[k]:bounds[k + 1]]
            if tt.size >= 3:
                isi = np.diff(tt)
                cvs.append(isi.std() / isi.mean())
        np.add.at(bins, np.minimum((t / 100.0).astype(int), bins.size - 1), 1)
    out["rate_hz"] = in_window / (n_total * (t1 - t0) / 1000.0)
    out["cv_isi"] = float(np.mean(cvs)) if cvs else float("nan")
    out["bin_rates_hz"] = (bins / (n_total * 0.1)).tolist()
    return out


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def current_rss_mb() -> float:
    """Resident set size of this process now (Linux /proc/self/statm; NaN elsewhere)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2.0**20
    except (OSError, ValueError, IndexError):
        return float("nan")


def network_memory(rss_before_mb: float, rss_after_mb: float, n_synapses: int) -> dict:
    """The memory a simulator holds for the network: resident set after its construction minus before
    it (so the interpreter and libraries are not counted), in MB and in bytes per synapse."""
    d = rss_after_mb - rss_before_mb
    return {"net_rss_mb": d, "net_bytes_per_synapse": d * 2.0**20 / max(1, n_synapses)}


def parse_args(doc: str, modes: tuple[str, ...] = ()) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("network", choices=NETWORKS)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1)
    if modes:
        ap.add_argument("--mode", choices=modes, default=modes[0])
    return ap.parse_args()


def emit(record: dict[str, Any]) -> None:
    print(json.dumps(record), flush=True)
    sys.stdout.flush()


def finish(impl: str, args: argparse.Namespace, meta: dict, stats: dict, build_s: float, sim_s: float,
           total_s: float, n_synapses: int, rss_mb: float, **extra: Any) -> dict:
    n = sum(n for _, _, n in meta["pops"].values()) if "pops" in meta else meta["n"]
    bins = stats.pop("bin_rates_hz")
    rec = {"suite": "spiking", "case": meta["name"], "impl": impl, "threads": args.threads, "seed": args.seed,
           "build_s": build_s, "sim_s": sim_s, "total_s": total_s, "peak_rss_mb": rss_mb, "n": n,
           "n_synapses": int(n_synapses), "t_bio_s": meta["T"] / 1000.0,
           "events_per_s": stats["n_spikes"] * (n_synapses / n) / max(sim_s, 1e-12),
           **stats, "min_bin_rate_hz": min(bins[1:]) if len(bins) > 1 else bins[0], **extra}
    emit(rec)
    return rec
