// Neural-mass models and the whole-brain engine from C++: model equations against hand-written
// formulas, the Jansen-Rit resting fixed point, delay errors, thread invariance, exact linear decay.
#include <brainsim/errors.hpp>
#include <brainsim/mass/hopf.hpp>
#include <brainsim/mass/jansen_rit.hpp>
#include <brainsim/mass/wilson_cowan.hpp>
#include <brainsim/wholebrain/simulation.hpp>

#include <gtest/gtest.h>

#include <algorithm>
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
    c.method = wb::integrator::rodas4;
    EXPECT_THROW(wb::simulate(c, 10), brainsim::config_error);
}

// Analytic Jacobians (used by the Rosenbrock integrators) against central differences of rhs.
template <class M>
void check_jacobian(std::vector<double> p, const std::vector<double>& x, double uc, double ue) {
    constexpr std::size_t S = M::n_state;
    double J[S * S], fu[S], fp[S], fm[S];
    M::jacobian(p.data(), x.data(), uc, ue, J, fu);
    for (std::size_t c = 0; c < S; ++c) {
        auto xp = x, xm = x;
        const double h = 1e-6 * std::max(1.0, std::abs(x[c]));
        xp[c] += h;
        xm[c] -= h;
        M::rhs(p.data(), xp.data(), uc, ue, fp);
        M::rhs(p.data(), xm.data(), uc, ue, fm);
        for (std::size_t r = 0; r < S; ++r)
            EXPECT_NEAR(J[r * S + c], (fp[r] - fm[r]) / (2 * h), 1e-6 * std::max(1.0, std::abs(J[r * S + c])))
                << M::name << " d f" << r << " / d x" << c;
    }
    const double h = 1e-6;
    M::rhs(p.data(), x.data(), uc + h, ue, fp);
    M::rhs(p.data(), x.data(), uc - h, ue, fm);
    for (std::size_t r = 0; r < S; ++r)
        EXPECT_NEAR(fu[r], (fp[r] - fm[r]) / (2 * h), 1e-6 * std::max(1.0, std::abs(fu[r]))) << M::name << " df/du " << r;
}

TEST(MassJacobian, MatchesCentralDifferences) {
    auto wc = defaults<mass::wilson_cowan>();
    wc[mass::wilson_cowan::r_exc] = 0.7;
    wc[mass::wilson_cowan::tau_inh] = 0.01;
    check_jacobian<mass::wilson_cowan>(wc, {0.31, 0.22}, 0.4, 0.1);
    check_jacobian<mass::jansen_rit>(defaults<mass::jansen_rit>(), {0.02, 7.0, 12.0, 0.1, -0.3, 0.2}, 0.05, 0.0);
    check_jacobian<mass::hopf>(defaults<mass::hopf>(), {0.4, -0.7}, 0.2, 0.1);
}

TEST(WholeBrain, ResumeEqualsOneRun) {
    for (auto method: {wb::integrator::euler, wb::integrator::rk4, wb::integrator::rodas4}) {
        auto c = ring("jansen_rit", 7, 3);
        c.method = method;
        c.noise = {method == wb::integrator::euler ? wb::noise_kind::additive : wb::noise_kind::ou, 0.05, 5.0};
        c.record_every = 5;
        c.record_states = true;
        const auto whole = wb::simulate(c, 400, 1);
        const auto a = wb::simulate(c, 150, 1);
        auto c2 = c;
        c2.resume_set = true;
        c2.resume = a.end;
        const auto b = wb::simulate(c2, 250, 2);
        ASSERT_EQ(a.n_samples + b.n_samples, whole.n_samples);
        std::vector<double> joined = a.states;
        joined.insert(joined.end(), b.states.begin(), b.states.end());
        ASSERT_EQ(joined, whole.states);
        ASSERT_EQ(b.final_state, whole.final_state);
        c2.resume.step = 151;  // not a multiple of record_every
        EXPECT_THROW(wb::simulate(c2, 10), brainsim::config_error);
    }
}

TEST(WholeBrain, ThreadCountDoesNotChangeBits) {
    for (auto method: {wb::integrator::euler, wb::integrator::heun, wb::integrator::rk4, wb::integrator::rodas4}) {
        auto c = ring("jansen_rit", 13, 2);
        c.method = method;
        const bool white_ok = method == wb::integrator::euler || method == wb::integrator::heun;
        c.noise = {white_ok ? wb::noise_kind::additive : wb::noise_kind::ou, 0.05, 5.0};
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
