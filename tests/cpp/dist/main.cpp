// brainsim_dist --loopback N   runs the distributed tests on N loopback ranks (threads)
// brainsim_dist --mpi          runs them on MPI_COMM_WORLD (start with mpiexec -n N)
#include "dist_test.hpp"

#include <brainsim/errors.hpp>

#include <cstdlib>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>

namespace dist_test {

int run_all(const brainsim::comm::communicator& comm, std::ostream& log) {
    std::vector<failure> failures;
    for (auto& [name, fn]: registry::get().tests) {
        try {
            fn(comm, failures);
        }
        catch (const std::exception& e) {
            failures.push_back({name, "rank " + std::to_string(comm.rank()) + ": exception: " + e.what()});
        }
    }
    for (auto& f: failures) log << "FAILED " << f.test << ": " << f.message << "\n";
    return static_cast<int>(comm.sum(static_cast<std::int64_t>(failures.size())));
}

}  // namespace dist_test

#ifdef BRAINSIM_DIST_WITH_MPI
int run_mpi(int argc, char** argv);  // mpi_main/mpi_entry.cpp
#endif

int main(int argc, char** argv) {
    std::string mode = argc > 1 ? argv[1] : "--loopback";
    if (mode == "--loopback") {
        int n = argc > 2 ? std::atoi(argv[2]) : 2;
        auto comms = brainsim::comm::make_loopback_communicators(n);
        std::vector<int> results(n);
        std::mutex log_mutex;
        std::vector<std::thread> threads;
        for (int r = 0; r < n; ++r) {
            threads.emplace_back([&, r] {
                std::ostringstream log;
                results[r] = dist_test::run_all(comms[r], log);
                std::lock_guard lock(log_mutex);
                std::cerr << log.str();
            });
        }
        for (auto& t: threads) t.join();
        std::cout << "loopback " << n << " ranks: " << dist_test::registry::get().tests.size()
                  << " tests, " << results[0] << " failures\n";
        return results[0] == 0 ? 0 : 1;
    }
#ifdef BRAINSIM_DIST_WITH_MPI
    if (mode == "--mpi") return run_mpi(argc, argv);
#endif
    std::cerr << "usage: brainsim_dist --loopback N | --mpi\n";
    return 2;
}
