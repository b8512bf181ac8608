#!/usr/bin/env bash
# The one test command (README and .ci/run): installs what the tests need on a fresh machine,
# builds brainsim with its C++ tests, and runs every layer: C++ unit (GoogleTest via ctest),
# C++ distributed (loopback and MPI ranks), the installed-package consumer, Python tests (including
# the MPI layer, which spawns mpiexec -n 1..4 itself). Exits non-zero if any layer fails or pytest
# collects no tests.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY=${PYTHON:-python3}
BUILD_DIR=${BRAINSIM_TEST_BUILD_DIR:-build/test}

# 1. System packages: GoogleTest from Debian (only if missing).
if [ ! -f /usr/include/gtest/gtest.h ] || ! command -v ccache >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libgtest-dev libgmock-dev ccache >/dev/null
fi

# 2. Python packages. MPI (mpich + mpi4py) first, so the build below finds mpicxx.
$PY -m pip install -q --disable-pip-version-check "mpich" "mpi4py>=3.1" "scikit-build-core>=0.10" "pybind11>=2.12"
# Make sure mpicxx/mpiexec from the mpich wheel are on PATH (they live in the interpreter's bin).
PATH="$($PY -c 'import sysconfig; print(sysconfig.get_path("scripts"))'):$PATH"
export PATH
export CCACHE_BASEDIR="$ROOT" CCACHE_NOHASHDIR=1

# 3. Build and install brainsim with the C++ tests in the same build tree.
$PY -m pip install -q --disable-pip-version-check --no-build-isolation \
    -Cbuild-dir="$BUILD_DIR" \
    -Ccmake.define.BRAINSIM_BUILD_TESTS=ON \
    -Ccmake.define.BRAINSIM_WITH_MPI=ON \
    -Cbuild.verbose=false \
    ".[test]"

# 4. C++ layers.
ctest --test-dir "$BUILD_DIR" --output-on-failure -j2 --timeout 600

# 5. Python layers (unit, integration, regression, mpi). Run outside the source tree's python/
#    folder so the installed package is what gets tested.
set +e
$PY -m pytest tests/python -m "not slow" -p no:cacheprovider "$@"
rc=$?
set -e
if [ $rc -eq 5 ]; then
    echo "pytest collected no tests: failing" >&2
    exit 1
fi
exit $rc
