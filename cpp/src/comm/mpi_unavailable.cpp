// Compiled instead of cpp/src/mpi/mpi_communicator.cpp when brainsim is built without MPI.
#include <brainsim/comm/communicator.hpp>
#include <brainsim/errors.hpp>

namespace brainsim::comm {

communicator make_mpi_communicator(std::uintptr_t) {
    throw communication_error(
        "this brainsim was built without MPI. To get an MPI build: `pip install mpich mpi4py` (or "
        "load a system MPI so that `mpicxx` is on PATH), then reinstall brainsim from source with "
        "`pip install --no-binary brainsim --force-reinstall .` (or pass "
        "-Ccmake.define.BRAINSIM_WITH_MPI=ON to make a missing MPI an error)");
}

bool have_mpi() { return false; }

}  // namespace brainsim::comm
