"""Generate brainsim's bundled default connectome (80 regions) from the exponential distance rule.

Everything here is synthetic and produced by this script, so the output is covered by brainsim's
BSD-3-Clause licence. Re-run with ``python make_default_connectome.py`` (deterministic: the seed is
fixed, output written next to this file).

1. Region centres: 40 per hemisphere, on the outer half of an ellipsoid per hemisphere (a crude
   cortical shell; semi-axes 60 (lateral) x 80 (anterior-posterior) x 55 (vertical) mm, hemisphere
   centres at x = +/-8 mm), placed with a Fibonacci lattice so regions are evenly spread, mirrored
   between hemispheres.
2. Weights: the exponential distance rule (EDR) of Ercsey-Ravasz et al. (2013, Neuron 80:184) and
   Markov et al. (2013): each of M = 400,000 axons leaves a source region chosen uniformly and lands
   in target j with probability proportional to exp(-lambda d_ij), d the Euclidean distance between
   centres. lambda = 0.188/mm was measured in macaque; we use 0.188 / 2 = 0.094/mm for a brain about
   twice as large. Interhemispheric axons are further thinned by a factor 0.3 (callosal projections
   are sparser than the EDR predicts from distance alone). Counts are symmetrised (DTI tractography
   gives undirected streamlines) and scaled so the largest weight is 1; the diagonal is 0.
3. Tract lengths: Euclidean distance between centres times 1.25 (fibres are curved), in mm.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

N_PER_HEMI = 40
SEMI_AXES = np.array([60.0, 80.0, 55.0])
HEMI_OFFSET = 8.0
LAMBDA = 0.188 / 2.0
N_AXONS = 400_000
INTERHEMI = 0.3
TORTUOSITY = 1.25
SEED = 2013


def centres() -> tuple[np.ndarray, list[str]]:
    # Fibonacci lattice on the unit sphere restricted to the lateral half (x > 0.15), first 40 points
    pts = []
    k = 0
    golden = np.pi * (3.0 - np.sqrt(5.0))
    n_total = 200
    while len(pts) < N_PER_HEMI:
        z = 1.0 - 2.0 * (k + 0.5) / n_total
        r = np.sqrt(1.0 - z * z)
        th = golden * k
        p = np.array([r * np.cos(th), r * np.sin(th), z])
        # lateral half and not too ventral
        if p[0] > 0.15 and p[2] > -0.6:
            pts.append(p)
        k += 1
        if k >= n_total:
            raise RuntimeError("lattice too coarse")
    right = np.array(pts) * SEMI_AXES
    right[:, 0] += HEMI_OFFSET
    left = right.copy()
    left[:, 0] *= -1.0
    c = np.vstack([right, left])
    labels = [f"R.{i:02d}" for i in range(N_PER_HEMI)] + [f"L.{i:02d}" for i in range(N_PER_HEMI)]
    return c, labels


def edr_weights(c: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    n = len(c)
    d = np.linalg.norm(c[:, None, :] - c[None, :, :], axis=-1)
    p = np.exp(-LAMBDA * d)
    hemi = np.where(c[:, 0] > 0, 0, 1)
    p[hemi[:, None] != hemi[None, :]] *= INTERHEMI
    np.fill_diagonal(p, 0.0)
    p /= p.sum(axis=1, keepdims=True)
    counts = np.zeros((n, n))
    sources = rng.integers(0, n, size=N_AXONS)
    for i in range(n):
        m = int((sources == i).sum())
        counts[i] += rng.multinomial(m, p[i])
    w = counts + counts.T
    w /= w.max()
    np.fill_diagonal(w, 0.0)
    return w, d


def main() -> None:
    rng = np.random.default_rng(SEED)
    c, labels = centres()
    w, d = edr_weights(c, rng)
    lengths = d * TORTUOSITY
    out = Path(__file__).with_name("default_connectome_80.npz")
    np.savez_compressed(out, weights=w, tract_lengths=lengths, centres=c, labels=np.array(labels))
    nz = w[w > 0]
    print(f"wrote {out}: density {np.mean(w > 0):.3f}, weights {nz.min():.2e}..{nz.max():.2f}, "
          f"lengths {lengths[lengths > 0].min():.1f}..{lengths.max():.1f} mm")


if __name__ == "__main__":
    main()
