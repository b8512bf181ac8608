// The communicator contract, for every implementation and rank count.
#include "dist_test.hpp"

#include <numeric>

using brainsim::comm::communicator;

DIST_TEST(rank_and_size) {
    DIST_CHECK(comm.size() >= 1);
    DIST_CHECK(comm.rank() >= 0 && comm.rank() < comm.size());
    // Every rank sees the same size, and the ranks are a permutation of 0..size-1.
    DIST_CHECK(comm.max(comm.size()) == comm.size());
    DIST_CHECK(comm.sum(comm.rank()) == std::int64_t(comm.size()) * (comm.size() - 1) / 2);
}

DIST_TEST(reductions) {
    DIST_CHECK(comm.min(100 - comm.rank()) == 100 - (comm.size() - 1));
    DIST_CHECK(comm.max(-comm.rank()) == 0);
    DIST_CHECK(comm.sum(1) == comm.size());
}

DIST_TEST(all_gather_uneven_and_empty_parts) {
    // Rank r contributes r values r*100 + i: rank 0 contributes nothing.
    std::vector<double> mine;
    for (int i = 0; i < comm.rank(); ++i) mine.push_back(comm.rank() * 100.0 + i);
    auto g = comm.all_gather(std::span<const double>(mine));
    DIST_CHECK(int(g.offsets.size()) == comm.size() + 1);
    std::size_t expected_total = std::size_t(comm.size()) * (comm.size() - 1) / 2;
    DIST_CHECK(g.values.size() == expected_total);
    for (int r = 0; r < comm.size(); ++r) {
        auto part = g.part(r);
        DIST_CHECK(int(part.size()) == r);
        for (int i = 0; i < int(part.size()); ++i) DIST_CHECK(part[i] == r * 100.0 + i);
    }
}

DIST_TEST(all_gather_all_empty) {
    std::vector<std::int64_t> none;
    auto g = comm.all_gather(std::span<const std::int64_t>(none));
    DIST_CHECK(g.values.empty());
    DIST_CHECK(g.offsets.back() == 0);
}

DIST_TEST(repeated_collectives_do_not_mix_generations) {
    for (int k = 0; k < 50; ++k) {
        std::int64_t v = k * 1000 + comm.rank();
        auto g = comm.all_gather(std::span<const std::int64_t>(&v, 1));
        for (int r = 0; r < comm.size(); ++r) DIST_CHECK(g.values[r] == k * 1000 + r);
        comm.barrier();
    }
}
