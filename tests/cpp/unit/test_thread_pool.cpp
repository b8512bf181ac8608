#include <brainsim/errors.hpp>
#include <brainsim/thread_pool.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <numeric>
#include <stdexcept>
#include <vector>

using namespace brainsim;

TEST(thread_pool, runs_every_index_once) {
    for (unsigned threads: {1u, 2u, 3u, 4u}) {
        thread_pool pool(threads);
        for (std::size_t n: {0u, 1u, 7u, 1000u}) {
            std::vector<std::atomic<int>> hits(n);
            pool.parallel_for(n, [&](std::size_t i) { hits[i]++; });
            for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(hits[i].load(), 1) << threads << " " << i;
        }
    }
}

TEST(thread_pool, rethrows_first_error_and_stays_usable) {
    thread_pool pool(3);
    EXPECT_THROW(pool.parallel_for(50, [](std::size_t i) {
        if (i == 17) throw numerical_error("boom");
    }),
                 numerical_error);
    std::atomic<int> count{0};
    pool.parallel_for(10, [&](std::size_t) { count++; });
    EXPECT_EQ(count.load(), 10);
}

TEST(thread_pool, rejects_zero_threads) {
    EXPECT_THROW(thread_pool(0), config_error);
}

TEST(thread_pool, env_thread_count_is_validated) {
    setenv("BRAINSIM_NUM_THREADS", "3", 1);
    EXPECT_EQ(default_thread_count(1), 3u);
    setenv("BRAINSIM_NUM_THREADS", "three", 1);
    EXPECT_THROW(default_thread_count(1), config_error);
    setenv("BRAINSIM_NUM_THREADS", "0", 1);
    EXPECT_THROW(default_thread_count(1), config_error);
    unsetenv("BRAINSIM_NUM_THREADS");
    EXPECT_EQ(default_thread_count(2), 2u);
}
