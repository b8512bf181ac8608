#include <brainsim/build_config.hpp>
#include <brainsim/build_info.hpp>
#include <brainsim/comm/communicator.hpp>

#include <thread>

namespace brainsim {

build_info_t build_info() {
    build_info_t b;
    b.version = BRAINSIM_VERSION;
    b.git_hash = BRAINSIM_GIT_HASH;
    b.compiler = BRAINSIM_CXX_COMPILER;
    b.flags = BRAINSIM_CXX_FLAGS;
    b.build_type = BRAINSIM_BUILD_TYPE;
    b.mpi = comm::have_mpi();
    b.threads = true;
    b.hardware_threads = std::thread::hardware_concurrency();
    return b;
}

}  // namespace brainsim
