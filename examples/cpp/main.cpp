// Embedding brainsim from C++: no Python involved.
#include <brainsim/build_info.hpp>
#include <brainsim/context.hpp>

#include <iostream>

int main() {
    auto info = brainsim::build_info();
    std::cout << "brainsim " << info.version << " (" << info.compiler << ", mpi=" << info.mpi << ")\n";
    auto ctx = brainsim::make_context(/*threads=*/2, /*seed=*/42);
    std::cout << "communicator " << ctx.comm.name() << " rank " << ctx.comm.rank() << "/" << ctx.comm.size()
              << ", threads " << ctx.pool->size() << "\n";
    std::cout << "consumer ok\n";
    return 0;
}
