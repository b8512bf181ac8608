#pragma once
// brainsim::context: everything a simulation needs from its environment, passed explicitly.
// No global kernel: two simulations with two contexts can live in one process.

#include <brainsim/comm/communicator.hpp>
#include <brainsim/thread_pool.hpp>

#include <cstdint>
#include <memory>

namespace brainsim {

struct context {
    comm::communicator comm = comm::make_local_communicator();
    std::shared_ptr<thread_pool> pool = std::make_shared<thread_pool>(1);
    std::uint64_t seed = 0;
};

inline context make_context(unsigned threads = 1, std::uint64_t seed = 0,
                            comm::communicator comm = comm::make_local_communicator()) {
    return context{std::move(comm), std::make_shared<thread_pool>(threads), seed};
}

}  // namespace brainsim
