"""Intervene and compare: lesion the tracts of one region of the default whole-brain model and
compare EEG alpha power and BOLD functional connectivity with the intact brain.

    python examples/python/lesion_compare.py [--duration 30000]
"""

import argparse

import numpy as np

import brainsim as bs
from brainsim.wholebrain import Lesion, default_model, peak_frequency


def alpha_power_and_fc(res, transient_ms=5000.0):
    eeg = res["eeg"]
    skip = int(transient_ms / (eeg.t[1] - eeg.t[0]))
    fs = 1000.0 / (eeg.t[1] - eeg.t[0])
    peak, f, psd = peak_frequency(eeg.data[skip:], fs)
    alpha = psd[(f >= 8) & (f <= 12)].sum() / psd[(f >= 1) & (f <= 40)].sum()
    bold = res["bold"].data[res["bold"].t > transient_ms]
    fc = np.corrcoef(bold.T) if bold.shape[0] >= 3 else None
    return peak, alpha, fc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=float, default=30000.0)
    ap.add_argument("--region", type=int, default=0, help="index of the region whose tracts are cut")
    args = ap.parse_args()

    intact = default_model(seed=7).run(args.duration)
    lesioned = default_model(seed=7).intervene(Lesion(nodes=[args.region])).run(args.duration)
    for name, res in (("intact", intact), ("lesioned", lesioned)):
        peak, alpha, _ = alpha_power_and_fc(res)
        print(f"{name:9s} EEG peak {peak:5.2f} Hz, relative alpha power {alpha:.3f}")
    _, _, fc0 = alpha_power_and_fc(intact)
    _, _, fc1 = alpha_power_and_fc(lesioned)
    if fc0 is not None and fc1 is not None:
        r = args.region
        print(f"mean |FC| of region {r} with the rest: intact {np.nanmean(np.abs(np.delete(fc0[r], r))):.3f}, "
              f"lesioned {np.nanmean(np.abs(np.delete(fc1[r], r))):.3f}")


if __name__ == "__main__":
    main()
