// Delay ring buffers and the canonical event orders.
#include <brainsim/events/ring_buffer.hpp>
#include <brainsim/events/spike.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

using namespace brainsim;

TEST(ring, slots_wrap_and_receptor_rows_are_contiguous) {
    event::delay_ring<double> r(5, 3, 2);  // 5 slots, 3 neurons, 2 receptors
    r.add(7, 1, 0, 2.5);   // slot 2
    r.add(12, 1, 0, 1.0);  // slot 2 again (7 + 5)
    r.add(8, 2, 1, -1.0);  // slot 3, receptor 1
    EXPECT_EQ(r.slot_of(7), 2u);
    EXPECT_DOUBLE_EQ(r.row(7, 0)[1], 3.5);
    EXPECT_DOUBLE_EQ(r.row(8)[1 * 3 + 2], -1.0);  // receptor-major: r * n + i
    EXPECT_EQ(r.row(8, 1), r.row(8) + 3);
    EXPECT_EQ(r.row(13) - r.row(7), static_cast<std::ptrdiff_t>(3 * 2));
    EXPECT_DOUBLE_EQ(r.row(9, 0)[0], 0.0);
}

TEST(ring, fixed_point_ring_sums_are_order_independent) {
    // exact fixed-point slots: the same integer total for every order of the additions
    const std::vector<std::int64_t> w{INT64_MAX / 4, -(INT64_MAX / 4) + 7, 3, -11, 1 << 20};
    std::vector<std::int64_t> order(w);
    std::sort(order.begin(), order.end());
    std::int64_t expect = 0;
    for (auto x: w) expect += x;
    do {
        event::delay_ring<std::int64_t> r(2, 1, 1);
        for (auto x: order) r.add(1, 0, 0, x);
        EXPECT_EQ(r.row(1, 0)[0], expect);
    } while (std::next_permutation(order.begin(), order.end()));
}

TEST(events, spike_order_is_total_and_canonical) {
    std::vector<event::spike> s{{3, 2, 0.1}, {1, 9, 0.1}, {3, 1, 0.1}, {1, 9, 0.05}, {0, 100, 0.1}};
    auto a = s;
    std::sort(a.begin(), a.end(), event::spike_less);
    std::mt19937 g(1);
    for (int k = 0; k < 20; ++k) {
        auto b = s;
        std::shuffle(b.begin(), b.end(), g);
        std::sort(b.begin(), b.end(), event::spike_less);
        for (std::size_t i = 0; i < a.size(); ++i) {
            EXPECT_EQ(a[i].step, b[i].step);
            EXPECT_EQ(a[i].gid, b[i].gid);
            EXPECT_EQ(a[i].offset, b[i].offset);
        }
    }
    EXPECT_EQ(a.front().gid, 100u);
    EXPECT_EQ(a[1].offset, 0.05);
}

TEST(events, timed_inputs_sort_by_target_then_time) {
    std::vector<event::timed_input> v{{2, 0, 0.05, 1.0}, {1, 1, 0.07, 2.0}, {1, 0, 0.02, 3.0}, {1, 0, 0.07, -1.0}};
    std::sort(v.begin(), v.end(), event::timed_input_less);
    EXPECT_EQ(v[0].target, 1u);
    EXPECT_DOUBLE_EQ(v[0].offset, 0.02);
    EXPECT_EQ(v[1].receptor, 0u);  // same time: receptor 0 before 1
    EXPECT_EQ(v[3].target, 2u);
}
