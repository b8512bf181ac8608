"""The dependency direction of DESIGN.md: the core includes neither Python nor MPI headers, except
cpp/src/mpi/, and the bindings never include <mpi.h>."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
FORBIDDEN = re.compile(r'#\s*include\s*[<"](pybind11/|Python\.h|mpi\.h)')


def sources(*dirs):
    for d in dirs:
        for p in (ROOT / d).rglob("*"):
            if p.suffix in {".hpp", ".cpp", ".h", ".in"}:
                yield p


@pytest.mark.skipif(not (ROOT / "cpp").is_dir(), reason="source tree not available")
def test_core_is_free_of_python_and_mpi_headers():
    bad = [
        str(p.relative_to(ROOT))
        for p in sources("cpp/include", "cpp/src")
        if "cpp/src/mpi/" not in p.as_posix() and FORBIDDEN.search(p.read_text())
    ]
    assert bad == []


@pytest.mark.skipif(not (ROOT / "bindings").is_dir(), reason="source tree not available")
def test_bindings_do_not_include_mpi():
    bad = [str(p) for p in sources("bindings") if re.search(r'#\s*include\s*[<"]mpi\.h', p.read_text())]
    assert bad == []
