// The batched (SSE2, structure-of-arrays) time-stepped updates of lif_delta, lif_curr_exp and
// lif_cond_exp against their scalar step(): bitwise equal for random states, inputs and refractory
// phases; and lif_cond_exp's deterministic exponential against std::exp (libm) within 2 ulp.
#include <brainsim/models/lif_cond_exp.hpp>
#include <brainsim/models/lif_curr_exp.hpp>
#include <brainsim/models/lif_delta.hpp>

#include <gtest/gtest.h>

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

using namespace brainsim::models;

namespace {

template <typename M>
void check_batch_equals_scalar(const std::vector<double>& params, std::uint64_t seed, std::size_t n,
                               const std::array<std::pair<double, double>, M::state_vars.size()>& ranges,
                               double in_scale) {
    constexpr std::size_t NS = M::state_vars.size();
    const auto c = M::prepare(params.data(), 0.1);
    std::mt19937_64 rng(seed);
    std::vector<typename M::state> aos(n);
    std::array<std::vector<double>, NS> soa;
    for (auto& a: soa) a.resize(n);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t v = 0; v < NS; ++v) {
            std::uniform_real_distribution<double> u(ranges[v].first, ranges[v].second);
            double x = u(rng);
            aos[i][v] = x;
            soa[v][i] = x;
        }
    std::uniform_real_distribution<double> uin(0.0, in_scale), uI(-100.0, 600.0);
    std::vector<double> in0(n), in1(n), I(n);
    std::vector<std::uint8_t> spk(n);
    std::size_t spikes = 0;
    for (int step = 0; step < 200; ++step) {
        for (std::size_t i = 0; i < n; ++i) {
            in0[i] = (i + step) % 3 == 0 ? uin(rng) : 0.0;
            in1[i] = (i + step) % 5 == 0 ? (M::receptors[1].kind == receptor_kind::conductance ? 1.0 : -1.0) * uin(rng) : 0.0;
            I[i] = uI(rng);
        }
        std::array<double*, NS> xp;
        for (std::size_t v = 0; v < NS; ++v) xp[v] = soa[v].data();
        const std::array<const double*, 2> inp{in0.data(), in1.data()};
        M::step_batch(c, xp.data(), inp.data(), I.data(), n, spk.data());
        for (std::size_t i = 0; i < n; ++i) {
            const double in[2] = {in0[i], in1[i]};
            const bool s = M::step(c, aos[i], in, I[i]).spiked;
            ASSERT_EQ(s, spk[i] != 0) << "neuron " << i << " step " << step;
            spikes += s;
            for (std::size_t v = 0; v < NS; ++v)
                ASSERT_EQ(std::bit_cast<std::uint64_t>(aos[i][v]), std::bit_cast<std::uint64_t>(soa[v][i]))
                    << M::state_vars[v].name << " neuron " << i << " step " << step;
        }
    }
    EXPECT_GT(spikes, n);  // resets and refractory periods were exercised
}

}  // namespace

TEST(LifBatch, DeltaBitwiseEqualToScalar) {
    // tau_m, C_m, t_ref, E_L, V_reset, V_th, I_e
    check_batch_equals_scalar<lif_delta>({20.0, 250.0, 2.0, 0.0, 0.0, 20.0, 0.0}, 1, 257,
                                         {{{-5.0, 20.5}, {0.0, 2.0}}}, 3.0);
}

TEST(LifBatch, CurrExpBitwiseEqualToScalar) {
    // C_m, tau_m, tau_syn_ex, tau_syn_in, t_ref, E_L, V_reset, V_th, I_e
    check_batch_equals_scalar<lif_curr_exp>({250.0, 10.0, 2.0, 3.0, 2.0, -70.0, -70.0, -55.0, 200.0}, 2, 301,
                                            {{{-75.0, -54.0}, {0.0, 800.0}, {-800.0, 0.0}, {0.0, 2.0}}}, 400.0);
}

TEST(LifBatch, CondExpBitwiseEqualToScalar) {
    // C_m, g_L, E_L, V_th, V_reset, t_ref, E_ex, E_in, tau_syn_ex, tau_syn_in, I_e
    check_batch_equals_scalar<lif_cond_exp>({200.0, 10.0, -60.0, -50.0, -60.0, 5.0, 0.0, -80.0, 5.0, 10.0, 0.0}, 3,
                                            263, {{{-70.0, -49.0}, {0.0, 80.0}, {0.0, 500.0}, {0.0, 5.0}}}, 70.0);
}

TEST(LifBatch, DeterministicExpWithinTwoUlpOfLibm) {
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> u(-700.0, 700.0), small(-1.0, 1.0);
    for (int k = 0; k < 200000; ++k) {
        const double x = k % 2 ? u(rng) : small(rng);
        const double ref = std::exp(x), got = cond_detail::det_exp(x);
        ASSERT_LE(std::fabs(got - ref), 2.0 * (std::nextafter(ref, INFINITY) - ref)) << "x = " << x;
    }
    EXPECT_EQ(cond_detail::det_exp(0.0), 1.0);
    EXPECT_TRUE(std::isnan(cond_detail::det_exp(NAN)));
    EXPECT_EQ(cond_detail::det_exp(-1e6), cond_detail::det_exp(-700.0));  // clamped, documented
}
