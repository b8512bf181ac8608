// MPI entry of the distributed test driver (test code, so it may include <mpi.h>).
#include "../dist_test.hpp"

#include <mpi.h>

#include <iostream>

int run_mpi(int argc, char** argv) {
    MPI_Init(&argc, &argv);
    int failures = 0;
    {
        MPI_Comm world = MPI_COMM_WORLD;
        auto comm = brainsim::comm::make_mpi_communicator(reinterpret_cast<std::uintptr_t>(&world));
        failures = dist_test::run_all(comm, std::cerr);
        if (comm.rank() == 0)
            std::cout << "mpi " << comm.size() << " ranks: " << dist_test::registry::get().tests.size()
                      << " tests, " << failures << " failures\n";
    }
    MPI_Finalize();
    return failures == 0 ? 0 : 1;
}
