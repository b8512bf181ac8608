// The models' adaptive sub-stepper (models/detail/dopri5.hpp): order, tolerance proportionality,
// crossing location, terminal stop and step-size memory.
#include <brainsim/models/detail/dopri5.hpp>

#include <gtest/gtest.h>

#include <array>
#include <cmath>

using namespace brainsim::models::internal;

namespace {
const crossing_spec no_crossing{1e300, 0.0, false};
}

TEST(model_dopri5, global_error_scales_with_rtol) {
    // y' = -y + sin(t), y(0) = 1: exact y = 1.5 e^-t + (sin t - cos t)/2
    auto f = [](double t, const double* y, double* dy) { dy[0] = -y[0] + std::sin(t); };
    auto exact = [](double t) { return 1.5 * std::exp(-t) + 0.5 * (std::sin(t) - std::cos(t)); };
    double prev = 0.0;
    for (double rtol : {1e-3, 1e-5, 1e-7, 1e-9}) {
        std::array<double, 1> y{1.0};
        double h = 0.0;
        for (int k = 0; k < 5; ++k) dopri5_advance(f, y, 1.0 * k, 1.0 * (k + 1), h, rtol, no_crossing, "test");
        const double err = std::abs(y[0] - exact(5.0));
        EXPECT_LT(err, 10 * rtol);
        if (prev > 0.0) {
            EXPECT_LT(err, prev);
        }
        prev = err;
    }
}

TEST(model_dopri5, fifth_order_with_fixed_steps) {
    // Force constant steps through a huge rtol cap-free run: compare h and h/2 with the step
    // accepted every time (rtol large), error ratio ~ 2^5.
    auto f = [](double, const double* y, double* dy) { dy[0] = y[0] * std::cos(y[0]); };
    auto run = [&](int n) {
        std::array<double, 1> y{1.0};
        for (int k = 0; k < n; ++k) {
            double h = 1.0 / n;
            dopri5_advance(f, y, double(k) / n, double(k + 1) / n, h, 1e-1, no_crossing, "test");
        }
        return y[0];
    };
    const double ref = run(4096);
    const double e1 = std::abs(run(16) - ref), e2 = std::abs(run(32) - ref);
    EXPECT_NEAR(std::log2(e1 / e2), 5.0, 0.3);
}

TEST(model_dopri5, locates_a_crossing_inside_a_step) {
    // y' = 1 + 0.5 cos(t): y = t + 0.5 sin t crosses 1.0 at t* with t* + 0.5 sin t* = 1.
    auto f = [](double t, const double*, double* dy) { dy[0] = 1.0 + 0.5 * std::cos(t); };
    double ts = 0.6;
    for (int i = 0; i < 50; ++i) ts -= (ts + 0.5 * std::sin(ts) - 1.0) / (1.0 + 0.5 * std::cos(ts));
    std::array<double, 1> y{0.0};
    double h = 0.0;
    const auto r = dopri5_advance(f, y, 0.0, 2.0, h, 1e-10, crossing_spec{1.0, 0.0, false}, "test");
    ASSERT_TRUE(r.crossed);
    EXPECT_NEAR(r.t_cross, ts, 1e-9);
    EXPECT_NEAR(y[0], 2.0 + 0.5 * std::sin(2.0), 1e-9);  // non-terminal: integrates to the end
    // terminal: stops there with y = threshold
    std::array<double, 1> y2{0.0};
    double h2 = 0.0;
    const auto r2 = dopri5_advance(f, y2, 0.0, 2.0, h2, 1e-10, crossing_spec{1.0, 0.0, true}, "test");
    ASSERT_TRUE(r2.crossed);
    EXPECT_DOUBLE_EQ(r2.t_end, r2.t_cross);
    EXPECT_DOUBLE_EQ(y2[0], 1.0);
    // a crossing before detect_from is ignored
    std::array<double, 1> y3{0.0};
    double h3 = 0.0;
    const auto r3 = dopri5_advance(f, y3, 0.0, 2.0, h3, 1e-10, crossing_spec{1.0, 1.5, false}, "test");
    EXPECT_FALSE(r3.crossed);
}

TEST(model_dopri5, remembers_the_step_size) {
    auto f = [](double, const double* y, double* dy) { dy[0] = -50.0 * y[0]; };
    std::array<double, 1> y{1.0};
    double h = 0.0;
    dopri5_advance(f, y, 0.0, 1.0, h, 1e-8, no_crossing, "test");
    EXPECT_GT(h, 0.0);
    EXPECT_LT(h, 1.0);
    EXPECT_NEAR(y[0], std::exp(-50.0), 1e-8);
}

TEST(model_dopri5, non_finite_field_gives_numerical_error) {
    auto f = [](double, const double* y, double* dy) { dy[0] = y[0] > 0.5 ? NAN : 1.0; };
    std::array<double, 1> y{0.0};
    double h = 0.0;
    EXPECT_THROW(dopri5_advance(f, y, 0.0, 1.0, h, 1e-6, no_crossing, "test"), brainsim::numerical_error);
}
