// Receptor kernels (models/synapses.hpp): exact propagation, normalisation, the Mg2+ block.
#include <brainsim/models/synapses.hpp>

#include <gtest/gtest.h>

#include <cmath>

using namespace brainsim::models;

TEST(model_synapses, exp_kernel_is_exact_for_any_tau_and_step) {
    for (double tau : {0.1, 2.0, 100.0}) {
        const auto c = exp_kernel::make(tau, 0.1);
        double s = 0.0;
        exp_kernel::add(&s, c, 3.0);
        for (int k = 0; k < 37; ++k) exp_kernel::propagate_dt(&s, c);
        EXPECT_NEAR(s, 3.0 * std::exp(-3.7 / tau), 1e-14 * 3.0);
        double s2 = 3.0;
        exp_kernel::propagate(&s2, c, 1.3);
        exp_kernel::propagate(&s2, c, 2.4);
        EXPECT_NEAR(s2, 3.0 * std::exp(-3.7 / tau), 1e-14 * 3.0);
        double s3 = 3.0;
        EXPECT_NEAR(exp_kernel::value_at(&s3, c, 3.7), 3.0 * std::exp(-3.7 / tau), 1e-14 * 3.0);
    }
}

TEST(model_synapses, alpha_kernel_peaks_at_tau_with_the_weight) {
    const double tau = 2.0, w = 5.0;
    const auto c = alpha_kernel::make(tau, 0.01);
    double s[2] = {0.0, 0.0};
    alpha_kernel::add(s, c, w);
    double best = 0.0, t_best = 0.0;
    for (int k = 1; k <= 1000; ++k) {
        alpha_kernel::propagate_dt(s, c);
        if (alpha_kernel::value(s) > best) {
            best = alpha_kernel::value(s);
            t_best = 0.01 * k;
        }
        const double t = 0.01 * k;
        ASSERT_NEAR(alpha_kernel::value(s), w * t / tau * std::exp(1.0 - t / tau), 1e-12);
    }
    EXPECT_NEAR(t_best, tau, 1e-9);
    EXPECT_NEAR(best, w, 1e-12);
}

TEST(model_synapses, biexp_kernel_peak_and_shape) {
    const double tr = 2.0, td = 100.0, w = 1.5;
    const auto c = biexp_kernel::make(tr, td, 0.1);
    double s[2] = {0.0, 0.0};
    biexp_kernel::add(s, c, w);
    const double tp = td * tr / (td - tr) * std::log(td / tr);  // 7.98 ms
    double at_peak[2] = {s[0], s[1]};
    biexp_kernel::propagate(at_peak, c, tp);
    EXPECT_NEAR(biexp_kernel::value(at_peak), w, 1e-12);
    for (double t : {1.0, 50.0, 300.0}) {
        const double g = biexp_kernel::value_at(s, c, t);
        EXPECT_LT(g, w);
        EXPECT_NEAR(g / (std::exp(-t / td) - std::exp(-t / tr)), biexp_kernel::value_at(s, c, 20.0) /
                                                                      (std::exp(-20.0 / td) - std::exp(-20.0 / tr)),
                    1e-12);
    }
}

TEST(model_synapses, jahr_stevens_block) {
    // 1 / (1 + [Mg]/3.57 exp(-0.062 V)): no block without Mg, half block at -ln(3.57)/0.062 mV.
    EXPECT_DOUBLE_EQ(mg_block(-80.0, 0.0), 1.0);
    EXPECT_NEAR(mg_block(-std::log(3.57) / 0.062, 1.0), 0.5, 1e-15);
    EXPECT_NEAR(mg_block(-std::log(3.57 / 2.0) / 0.062, 2.0), 0.5, 1e-15);
    // values published in Jahr & Stevens's form for 1 mM: B(-60) = 0.0955..., B(0) = 0.781...
    EXPECT_NEAR(mg_block(-60.0, 1.0), 1.0 / (1.0 + std::exp(3.72) / 3.57), 1e-15);
    EXPECT_NEAR(mg_block(0.0, 1.0), 3.57 / 4.57, 1e-15);
    // monotone in V and the derivative matches a central difference
    for (double V = -100.0; V < 40.0; V += 7.0) {
        EXPECT_LT(mg_block(V, 1.0), mg_block(V + 1.0, 1.0));
        const double fd = (mg_block(V + 1e-5, 1.2) - mg_block(V - 1e-5, 1.2)) / 2e-5;
        EXPECT_NEAR(mg_block_derivative(V, 1.2), fd, 1e-8);
    }
}
