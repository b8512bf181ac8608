#pragma once
// Adaptive sub-stepping of a small fixed-size ODE inside one network step: the explicit embedded
// Dormand-Prince 5(4) pair (Dormand & Prince 1980; coefficients as in Hairer, Norsett & Wanner,
// "Solving ODEs I", Table II.5.2) with FSAL, an elementary step-size controller, the pair's own
// 4th-order continuous extension (Hairer & Wanner's dopri5 dense output, HNW I Sect. II.6) and
// location of an upward threshold crossing of component 0 (the membrane potential) on it.
//
// Used by the point-neuron models (hh, hh_traub, adex, lif_multisyn) for their membrane and gate
// equations; synaptic kernels are exact closed-form functions of time inside the step and are not
// part of the integrated state. The state is a std::array so everything inlines; no allocation.
//
// Error norm: max_i |err_i| / (rtol (1 + max(|y_i|, |y1_i|))), i.e. atol = rtol in the state's own
// units (mV, dimensionless gates, pA). The step size of the last accepted step is kept by the
// caller (one double per neuron) so the next network step starts with a good guess.

#include <brainsim/errors.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <string>
#include <string_view>

namespace brainsim::models::internal {

struct crossing_spec {
    double threshold = 0.0;  // upward crossing of y[0] through this value
    double detect_from = 0.0;  // crossings before this time are ignored (+inf: detection off)
    bool terminal = false;     // stop the integration at the crossing (reset models)
};

struct advance_result {
    double t_end = 0.0;    // time reached (t1, or the crossing time for a terminal crossing)
    bool crossed = false;  // a crossing at or after detect_from was found
    double t_cross = 0.0;
};

// Upward root of p(s) - level on s in [0, 1], given p(0) < level <= p(1).
template <typename P>
double upward_root(P&& p, double y0, double y1, double level) {
    double a = 0.0, b = 1.0, fa = y0 - level, fb = y1 - level;  // fa < 0 <= fb
    // Illinois regula falsi, with a bisection fallback; converges to machine precision in s.
    int side = 0;
    for (int it = 0; it < 100 && (b - a) > 1e-15; ++it) {
        double s = (fb - fa) != 0.0 ? b - fb * (b - a) / (fb - fa) : 0.5 * (a + b);
        if (!(s > a && s < b)) s = 0.5 * (a + b);
        const double fs = p(s) - level;
        if (fs == 0.0) return s;
        if (fs < 0.0) {
            a = s;
            fa = fs;
            if (side == -1) fb *= 0.5;
            side = -1;
        }
        else {
            b = s;
            fb = fs;
            if (side == +1) fa *= 0.5;
            side = +1;
        }
    }
    return b;  // the first point at or above the level
}

// Integrate y' = f(t, y) from t0 to t1 (f(double t, const double* y, double* dydt)).
// h_memory: in = suggested first step (<= 0: use t1 - t0), out = suggested next step.
template <std::size_t N, typename F>
advance_result dopri5_advance(F&& f, std::array<double, N>& y, double t0, double t1, double& h_memory,
                              double rtol, const crossing_spec& cross, std::string_view model) {
    // Butcher tableau of DOPRI5.
    constexpr double c2 = 1.0 / 5, c3 = 3.0 / 10, c4 = 4.0 / 5, c5 = 8.0 / 9;
    constexpr double a21 = 1.0 / 5;
    constexpr double a31 = 3.0 / 40, a32 = 9.0 / 40;
    constexpr double a41 = 44.0 / 45, a42 = -56.0 / 15, a43 = 32.0 / 9;
    constexpr double a51 = 19372.0 / 6561, a52 = -25360.0 / 2187, a53 = 64448.0 / 6561, a54 = -212.0 / 729;
    constexpr double a61 = 9017.0 / 3168, a62 = -355.0 / 33, a63 = 46732.0 / 5247, a64 = 49.0 / 176,
                     a65 = -5103.0 / 18656;
    constexpr double a71 = 35.0 / 384, a73 = 500.0 / 1113, a74 = 125.0 / 192, a75 = -2187.0 / 6784,
                     a76 = 11.0 / 84;
    constexpr double e1 = 71.0 / 57600, e3 = -71.0 / 16695, e4 = 71.0 / 1920, e5 = -17253.0 / 339200,
                     e6 = 22.0 / 525, e7 = -1.0 / 40;
    // dense output (dopri5.f, Hairer & Wanner)
    constexpr double d1 = -12715105075.0 / 11282082432.0, d3 = 87487479700.0 / 32700410799.0,
                     d4 = -10690763975.0 / 1880347072.0, d5 = 701980252875.0 / 199316789632.0,
                     d6 = -1453857185.0 / 822651844.0, d7 = 69997945.0 / 29380423.0;

    using vec = std::array<double, N>;
    vec k1, k2, k3, k4, k5, k6, k7, yt, y1;
    advance_result res{t1, false, 0.0};
    const double span = t1 - t0;
    if (!(span > 0.0)) return res;
    const double h_min = 1e-15 + 8 * std::numeric_limits<double>::epsilon() * std::abs(t1);

    double t = t0;
    double h = (h_memory > 0.0 && std::isfinite(h_memory)) ? h_memory : span;
    f(t, y.data(), k1.data());
    int rejects_in_row = 0;
    while (t < t1) {
        const double h_planned = h;
        bool last = false;
        if (t + h >= t1 - 1e-12 * span) {
            h = t1 - t;
            last = true;
        }
        for (std::size_t i = 0; i < N; ++i) yt[i] = y[i] + h * a21 * k1[i];
        f(t + c2 * h, yt.data(), k2.data());
        for (std::size_t i = 0; i < N; ++i) yt[i] = y[i] + h * (a31 * k1[i] + a32 * k2[i]);
        f(t + c3 * h, yt.data(), k3.data());
        for (std::size_t i = 0; i < N; ++i) yt[i] = y[i] + h * (a41 * k1[i] + a42 * k2[i] + a43 * k3[i]);
        f(t + c4 * h, yt.data(), k4.data());
        for (std::size_t i = 0; i < N; ++i)
            yt[i] = y[i] + h * (a51 * k1[i] + a52 * k2[i] + a53 * k3[i] + a54 * k4[i]);
        f(t + c5 * h, yt.data(), k5.data());
        for (std::size_t i = 0; i < N; ++i)
            yt[i] = y[i] + h * (a61 * k1[i] + a62 * k2[i] + a63 * k3[i] + a64 * k4[i] + a65 * k5[i]);
        f(t + h, yt.data(), k6.data());
        for (std::size_t i = 0; i < N; ++i)
            y1[i] = y[i] + h * (a71 * k1[i] + a73 * k3[i] + a74 * k4[i] + a75 * k5[i] + a76 * k6[i]);
        const double t_new = last ? t1 : t + h;
        f(t_new, y1.data(), k7.data());

        double err = 0.0;
        for (std::size_t i = 0; i < N; ++i) {
            const double e = h * (e1 * k1[i] + e3 * k3[i] + e4 * k4[i] + e5 * k5[i] + e6 * k6[i] + e7 * k7[i]);
            const double sc = rtol * (1.0 + std::max(std::abs(y[i]), std::abs(y1[i])));
            const double q = std::abs(e) / sc;
            if (std::isnan(q) || q > err) err = q;  // NaN sticks (std::max would drop it)
        }
        if (!(err <= 1.0)) {  // rejected (NaN/inf included)
            const double fac = std::isfinite(err) ? std::max(0.2, 0.9 * std::pow(err, -0.2)) : 0.25;
            h *= fac;
            if (!(h >= h_min) || ++rejects_in_row > 200)
                throw numerical_error("model '" + std::string(model) +
                                      "': step size underflow in the adaptive integrator at t = " +
                                      brainsim::detail::repr(t) + " ms into the step, V = " +
                                      brainsim::detail::repr(y[0]) + " mV");
            continue;
        }
        rejects_in_row = 0;

        // Threshold crossing of y[0] inside [t, t_new], located on the dense output
        // y(t + s h) = r1 + s (r2 + (1-s) (r3 + s (r4 + (1-s) r5))).
        if (!res.crossed && y[0] < cross.threshold && y1[0] >= cross.threshold && t_new >= cross.detect_from) {
            const double hh = t_new - t;
            auto dense = [&](std::size_t i, double s) {
                const double r2 = y1[i] - y[i];
                const double r3 = hh * k1[i] - r2;
                const double r4 = r2 - hh * k7[i] - r3;
                const double r5 = hh * (d1 * k1[i] + d3 * k3[i] + d4 * k4[i] + d5 * k5[i] + d6 * k6[i] + d7 * k7[i]);
                return y[i] + s * (r2 + (1.0 - s) * (r3 + s * (r4 + (1.0 - s) * r5)));
            };
            const double s = upward_root([&](double x) { return dense(0, x); }, y[0], y1[0], cross.threshold);
            const double tc = t + s * hh;
            if (tc >= cross.detect_from) {
                res.crossed = true;
                res.t_cross = tc;
                if (cross.terminal) {
                    vec yc;
                    for (std::size_t i = 0; i < N; ++i) yc[i] = dense(i, s);
                    y = yc;
                    y[0] = cross.threshold;
                    h_memory = std::max(h_planned, hh);
                    res.t_end = tc;
                    return res;
                }
            }
        }

        y = y1;
        k1 = k7;
        t = t_new;
        const double fac = err > 0.0 ? std::clamp(0.9 * std::pow(err, -0.2), 0.2, 5.0) : 5.0;
        const double h_next = h * fac;
        h_memory = last ? std::max(h_next, h_planned) : h_next;
        h = h_next;
    }
    return res;
}

}  // namespace brainsim::models::internal
