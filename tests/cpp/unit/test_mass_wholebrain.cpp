// Neural-mass models and the whole-brain engine from C++: model equations against hand-written
// formulas, the Jansen-Rit resting fixed point, delay errors, thread invariance, exact linear decay.
#include <brainsim/errors.hpp>
#include <brainsim/mass/hopf.hpp>
#include <brainsim/mass/jansen_rit.hpp>
#include <brainsim/mass/wilson_cowan.hpp>
#include <brainsim/wholebrain/simulation.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace wb = brainsim::wholebrain;
namespace mass = brainsim::mass;

namespace {
template <class M>
std::vector<double> defaults() {
    std::vector<double> p;
    for (const auto& pi: M::params) p.push_back(pi.default_value);
    return p;
}

wb::config ring(const std::string& model, std::size_t n, std::int32_t delay) {
    wb::config c;
    c.model = model;
    c.n_nodes = n;
    c.row_ptr.push_back(0);
    for (std::size_t i = 0; i < n; ++i) {
        c.source.push_back(static_cast<std::int32_t>((i + n - 1) % n));
        c.delay_steps.push_back(delay + static_cast<std::int32_t>(i % 3));
        c.weight.push_back(0.3 + 0.1 * static_cast<double>(i % 4));
        c.row_ptr.push_back(static_cast<std::int64_t>(c.source.size()));
    }
    return c;
}
}  // namespace

TEST(WilsonCowan, RhsMatchesFormula) {
    const auto p = defaults<mass::wilson_cowan>();
    const double x[2] = {0.3, 0.2};
    double dx[2];
    mass::wilson_cowan::rhs(p.data(), x, 0.4, 0.1, dx);
    auto S = [](double v) { return 1.0 / (1.0 + std::exp(-1.5 * (v - 3.0))); };
    EXPECT_DOUBLE_EQ(dx[0], (-0.3 + 0.7 * S(16 * 0.3 - 12 * 0.2 + 0.5)) / 2.5);
    EXPECT_DOUBLE_EQ(dx[1], (-0.2 + 0.8 * S(15 * 0.3 - 3 * 0.2)) / 3.75);
}

TEST(JansenRit, LinearPartAndSigmoid) {
    const auto p = defaults<mass::jansen_rit>();
    // at y = 0 the PSP equations see only the sigmoid terms: S(0) = 2 e0 / (1 + exp(r v0))
    const double y[6] = {0, 0, 0, 0, 0, 0};
    double dy[6];
    mass::jansen_rit::rhs(p.data(), y, 0.0, 0.0, dy);
    const double s0 = 2 * 0.0025 / (1 + std::exp(0.56 * 6.0));
    EXPECT_DOUBLE_EQ(dy[3], 3.25 * 0.1 * s0);
    EXPECT_DOUBLE_EQ(dy[4], 3.25 * 0.1 * (0.22 + 0.8 * 135 * s0));
    EXPECT_DOUBLE_EQ(dy[5], 22.0 * 0.05 * 0.25 * 135 * s0);
    EXPECT_EQ(dy[0], 0.0);
}

TEST(Hopf, LimitCycleRadius) {
    // deterministic single Hopf node settles on the circle of radius sqrt(a)
    wb::config c;
    c.model = "hopf";
    c.n_nodes = 1;
    c.row_ptr = {0, 0};
    c.params = {0.25, 0.3};
    c.dt = 0.01;
    c.record_every = 100;
    c.record_states = true;
    auto r = wb::simulate(c, 20000);
    const double x = r.final_state[0], y = r.final_state[1];
    EXPECT_NEAR(std::hypot(x, y), 0.5, 1e-10);
}

TEST(WholeBrain, ZeroDelayIsDelayError) {
    auto c = ring("wilson_cowan", 4, 1);
    c.delay_steps[2] = 0;
    EXPECT_THROW(wb::simulate(c, 10), brainsim::delay_error);
    c.model = "nope";
    EXPECT_THROW(wb::simulate(c, 10), brainsim::unknown_model_error);
}

TEST(WholeBrain, BadInputIsConfigError) {
    auto c = ring("wilson_cowan", 4, 2);
    c.source[1] = 9;
    EXPECT_THROW(wb::simulate(c, 10), brainsim::config_error);
    c = ring("wilson_cowan", 4, 2);
    c.weight[0] = std::nan("");
    EXPECT_THROW(wb::simulate(c, 10), brainsim::config_error);
    c = ring("wilson_cowan", 4, 2);
    c.noise = {wb::noise_kind::additive, 0.1, 5.0};
    c.method = wb::integrator::rk4;
    EXPECT_THROW(wb::simulate(c, 10), brainsim::config_error);
}

TEST(WholeBrain, ThreadCountDoesNotChangeBits) {
    for (auto method: {wb::integrator::euler, wb::integrator::heun, wb::integrator::rk4}) {
        auto c = ring("jansen_rit", 13, 2);
        c.method = method;
        c.noise = {method == wb::integrator::rk4 ? wb::noise_kind::ou : wb::noise_kind::additive, 0.05, 5.0};
        c.coupling = {wb::coupling_kind::sigmoidal, 1.0, 0.0, 0.0, 0.005, 6.0, 0.56};
        c.record_every = 7;
        const auto a = wb::simulate(c, 3000, 1);
        for (unsigned t: {2u, 3u, 5u}) {
            const auto b = wb::simulate(c, 3000, t);
            ASSERT_EQ(a.output, b.output);
            ASSERT_EQ(a.final_state, b.final_state);
        }
    }
}

TEST(WholeBrain, EpochLengthFromMinDelay) {
    // K <= min delay; K + 1 a multiple of 8 once the min delay allows it
    EXPECT_EQ(wb::simulate(ring("hopf", 5, 3), 10).epoch_steps, 3);
    EXPECT_EQ(wb::simulate(ring("hopf", 5, 7), 10).epoch_steps, 7);
    EXPECT_EQ(wb::simulate(ring("hopf", 5, 14), 10).epoch_steps, 7);
    EXPECT_EQ(wb::simulate(ring("hopf", 5, 40), 10).epoch_steps, 39);
}
