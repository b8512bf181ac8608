#pragma once
#include <string>

namespace brainsim {

// What this build contains: used by brainsim.build_info() and written into every result file.
struct build_info_t {
    std::string version;
    std::string git_hash;
    std::string compiler;
    std::string flags;
    std::string build_type;
    bool mpi = false;       // the MPI communicator is compiled in
    bool threads = false;   // the thread pool is available (always true on supported platforms)
    unsigned hardware_threads = 0;
};

build_info_t build_info();

}  // namespace brainsim
