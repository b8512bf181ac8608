// The models' cheap adaptive sub-stepper (models/detail/rk23.hpp, Bogacki-Shampine 3(2)): order,
// tolerance proportionality, crossing location, step-size memory; the stage-indexed right-hand side
// of the HH family (exact synaptic decay at the stage times) and the shared-exponential rate
// functions of hh and hh_traub against the textbook formulas.
#include <brainsim/models/detail/rk23.hpp>
#include <brainsim/models/hh.hpp>
#include <brainsim/models/hh_traub.hpp>
#include <brainsim/neuron/simulate.hpp>

#include <gtest/gtest.h>

#include <array>
#include <cmath>

using namespace brainsim;
using namespace brainsim::models::internal;

namespace {
const crossing_spec no_crossing{1e300, 0.0, false};
}

TEST(model_rk23, global_error_scales_with_rtol) {
    // y' = -y + sin(t), y(0) = 1: exact y = 1.5 e^-t + (sin t - cos t)/2
    timed_rhs f{[](double t, const double* y, double* dy) { dy[0] = -y[0] + std::sin(t); }};
    auto exact = [](double t) { return 1.5 * std::exp(-t) + 0.5 * (std::sin(t) - std::cos(t)); };
    double prev = 0.0;
    for (double rtol : {1e-3, 1e-5, 1e-7, 1e-9}) {
        std::array<double, 1> y{1.0};
        double h = 0.0;
        for (int k = 0; k < 5; ++k) rk23_advance(f, y, 1.0 * k, 1.0 * (k + 1), h, rtol, no_crossing, "test");
        const double err = std::abs(y[0] - exact(5.0));
        EXPECT_LT(err, 10 * rtol) << rtol;
        if (prev > 0.0) {
            EXPECT_LT(err, prev);
        }
        prev = err;
    }
}

TEST(model_rk23, third_order_with_fixed_steps) {
    // One step per interval (loose rtol, every step accepted): error ratio for h and h/2 ~ 2^3.
    timed_rhs f{[](double, const double* y, double* dy) { dy[0] = y[0] * std::cos(y[0]); }};
    auto run = [&](int n) {
        std::array<double, 1> y{1.0};
        for (int k = 0; k < n; ++k) {
            double h = 1.0 / n;
            rk23_advance(f, y, double(k) / n, double(k + 1) / n, h, 1e-1, no_crossing, "test");
        }
        return y[0];
    };
    // reference: the exact solution of y' = y cos y through y(0) = 1 at t = 1 by a fine run
    const double ref = run(1 << 14);
    const double e1 = std::abs(run(16) - ref), e2 = std::abs(run(32) - ref);
    EXPECT_NEAR(std::log2(e1 / e2), 3.0, 0.2);
}

TEST(model_rk23, locates_a_crossing_inside_a_step) {
    // y' = 1 + 0.5 cos(t): y = t + 0.5 sin t crosses 1.0 at t* with t* + 0.5 sin t* = 1.
    timed_rhs f{[](double t, const double*, double* dy) { dy[0] = 1.0 + 0.5 * std::cos(t); }};
    double ts = 0.6;
    for (int i = 0; i < 50; ++i) ts -= (ts + 0.5 * std::sin(ts) - 1.0) / (1.0 + 0.5 * std::cos(ts));
    for (double rtol : {1e-4, 1e-10}) {
        std::array<double, 1> y{0.0};
        double h = 0.0;
        const auto r = rk23_advance(f, y, 0.0, 2.0, h, rtol, crossing_spec{1.0, 0.0, false}, "test");
        ASSERT_TRUE(r.crossed);
        EXPECT_NEAR(r.t_cross, ts, 30 * rtol);
        EXPECT_NEAR(y[0], 2.0 + 0.5 * std::sin(2.0), 30 * rtol);
    }
    // a crossing before detect_from is ignored
    std::array<double, 1> y3{0.0};
    double h3 = 0.0;
    const auto r3 = rk23_advance(f, y3, 0.0, 2.0, h3, 1e-10, crossing_spec{1.0, 1.5, false}, "test");
    EXPECT_FALSE(r3.crossed);
}

TEST(model_rk23, remembers_the_step_size_and_reports_blow_up) {
    timed_rhs f{[](double, const double* u, double* du) { du[0] = -50.0 * u[0]; }};
    std::array<double, 1> y{1.0};
    double h = 0.0;
    rk23_advance(f, y, 0.0, 0.1, h, 1e-8, no_crossing, "test");
    EXPECT_GT(h, 0.0);
    EXPECT_LT(h, 0.1);
    EXPECT_NEAR(y[0], std::exp(-5.0), 1e-7);
    // h lambda = -1, where the pair's own estimate vanishes: lambda = -10 with a first step of 0.1,
    // and lambda = -50 where the first step of 0.1 is rejected and shrunk by 0.2 to exactly 0.02
    // (the pair alone accepts 1/3 for exp(-1) there); the combined estimate controls the error.
    for (double lam : {10.0, 50.0}) {
        timed_rhs fl{[lam](double, const double* u, double* du) { du[0] = -lam * u[0]; }};
        for (double rtol : {1e-4, 1e-8}) {
            std::array<double, 1> y1{1.0};
            double h1 = 0.1;
            rk23_advance(fl, y1, 0.0, 0.1, h1, rtol, no_crossing, "test");
            EXPECT_NEAR(y1[0], std::exp(-lam * 0.1), 20 * rtol) << lam << " " << rtol;
        }
    }
    // y' = y^2 from y = 1 blows up at t = 1
    timed_rhs g{[](double, const double* u, double* du) { du[0] = u[0] * u[0]; }};
    std::array<double, 1> z{1.0};
    double hz = 0.0;
    EXPECT_THROW(rk23_advance(g, z, 0.0, 2.0, hz, 1e-6, no_crossing, "test"), numerical_error);
}

TEST(model_rk23, hh_stage_rhs_uses_exact_synaptic_decay) {
    // At every stage the conductances equal g0 exp(-t/tau) for the stage time t, both for a full
    // network step (precomputed factors) and for other sub-steps (computed per step).
    using traub = models::hh_traub;
    auto p = neuron::default_parameters<traub>();
    const auto c = traub::prepare(p.data(), 0.1);
    traub::rk23_rhs rhs(c, 0.0, 40.0, 200.0);
    const std::array<double, 4> y{-65.0, 0.05, 0.6, 0.3};
    auto dV = [&](double gex, double gin) {
        return traub::membrane_current(c, y[0], y[1], y[2], y[3], gex, gin, 0.0) / c.C;
    };
    auto check = [&](double t, double h) {
        rhs.begin(t, h);
        for (int i = 0; i < 4; ++i) {
            const double ts = t + rk23_c[std::size_t(i)] * h;
            std::array<double, 4> dy{};
            rhs(i, y.data(), dy.data());
            EXPECT_NEAR(dy[0], dV(40.0 * std::exp(-ts / 5.0), 200.0 * std::exp(-ts / 10.0)), 1e-12) << t << " " << h;
        }
    };
    check(0.0, 0.1);     // full step
    check(0.0, 0.03);    // rejected and retried smaller
    check(0.03, 0.05);   // next sub-step after an accepted one
    check(0.08, 0.02);
    check(0.01, 0.09);   // arbitrary restart
}

TEST(model_rk23, traub_rates_equal_the_textbook_formulas) {
    // SPEC.md C.2 with u = V - V_T, each rate with its own exponential (expm1 near the poles).
    using traub = models::hh_traub;
    auto p = neuron::default_parameters<traub>();
    const auto c = traub::prepare(p.data(), 0.1);
    auto efun = [](double x, double y) { return x == 0.0 ? y : x / std::expm1(x / y); };
    for (double V = -150.0; V <= 80.0; V += 0.0137) {
        for (double dv : {0.0, 1e-9, -1e-9, 3e-5, -3e-5, 6e-4, -6e-4}) {  // also right at the poles u = 13, 15, 40
            double Vt = V + dv;
            if (dv != 0.0) Vt = c.V_T + std::round(V - c.V_T) + dv;
            const double u = Vt - c.V_T;
            const double ref[6] = {0.32 * efun(13.0 - u, 4.0), 0.28 * efun(u - 40.0, 5.0),
                                   0.128 * std::exp((17.0 - u) / 18.0), 4.0 / (1.0 + std::exp((40.0 - u) / 5.0)),
                                   0.032 * efun(15.0 - u, 5.0), 0.5 * std::exp((10.0 - u) / 40.0)};
            double ab[6];
            traub::rates(c, Vt, ab);
            for (int k = 0; k < 6; ++k) EXPECT_NEAR(ab[k], ref[k], 1e-11 * std::abs(ref[k])) << Vt << " " << k;
        }
    }
}

TEST(model_rk23, hh_rates_equal_the_hh_mod_formulas) {
    // hh.mod computes each exponential separately; near the poles of vtrap (|x/y| ~ 1e-6...1e-5)
    // both forms carry a rounding error ~1e-16 / |x/y| of their own, hence 1e-9 relative.
    using models::hh;
    auto p = neuron::default_parameters<hh>();
    p[std::size_t(models::index_of(hh::parameters, "celsius"))] = 16.3;
    const auto c = hh::prepare(p.data(), 0.1);
    auto vtrap = [](double x, double y) { return std::abs(x / y) < 1e-6 ? y * (1 - x / y / 2) : x / (std::exp(x / y) - 1); };
    for (double V = -150.0; V <= 80.0; V += 0.0137) {
        for (double Vt : {V, -40.0 + (V - std::round(V)) * 1e-4, -55.0 + (V - std::round(V)) * 1e-4}) {
            const double q = 3.0;
            const double ref[6] = {q * 0.1 * vtrap(-(Vt + 40), 10), q * 4 * std::exp(-(Vt + 65) / 18),
                                   q * 0.07 * std::exp(-(Vt + 65) / 20), q / (std::exp(-(Vt + 35) / 10) + 1),
                                   q * 0.01 * vtrap(-(Vt + 55), 10), q * 0.125 * std::exp(-(Vt + 65) / 80)};
            double ab[6];
            hh::rates(c, Vt, ab);
            for (int k = 0; k < 6; ++k) EXPECT_NEAR(ab[k], ref[k], 1e-9 * std::abs(ref[k])) << Vt << " " << k;
        }
    }
}
