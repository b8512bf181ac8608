#pragma once
// Adaptive sub-stepping with the explicit embedded Bogacki-Shampine 3(2) pair (Bogacki & Shampine
// 1989, Appl. Math. Lett. 2:321; the pair of MATLAB's ode23 and SciPy's RK23): three new right-hand
// side evaluations per step (first-same-as-last), local extrapolation with the 3rd-order solution,
// an elementary controller with exponent 1/3, the cubic Hermite interpolant of the step (3rd order,
// matching the method) for locating an upward threshold crossing of component 0.
//
// It is the cheap scheme of the HH-type network models: at the tolerances that matter for a
// network (spike times to ~1e-3 ms) a quiet neuron takes a single step per network step, so the
// cost is three evaluations of the rates instead of DOPRI5's six.
//
// The right-hand side is stage-indexed, so a model can precompute anything that depends only on
// the stage times (e.g. exact synaptic decay factors, see hh_family.hpp):
//
//   f.begin(t, h)          the step [t, t + h] is attempted next; its stage times are t + c_i h,
//                          c = {0, 1/2, 3/4, 1} (rk23_c)
//   f(i, y, dydt)          derivative at stage time t + c_i h (i = 0..3; i = 0 is only used for the
//                          very first evaluation, later steps reuse stage 3 of the previous one)
//
// timed_rhs wraps a plain f(double t, const double* y, double* dydt) into this interface.
// Error estimate: the pair's own estimate (3rd- minus 2nd-order solution, using the FSAL stage) is
// blind on y' = lambda y at h lambda = -1 (it is h^4 lambda^3 (1 + h lambda) y / 48 there, while the
// true local error is -0.035 y): a fast gate relaxing with h lambda near -1 -- the m gate of HH at
// rest at dt = 0.1 ms -- or a step shrunk to exactly that after a rejection is then accepted with
// a 10 % error. So the estimate used per component is max(|BS estimate|, |(y_3 - y_mid)| / 8) with
// y_mid = y + h k2 the midpoint rule, which is h^3 lambda^3 y / 48 on the same problem: the same
// leading term where the BS estimate is sharp (|h lambda| small), never zero in the stability
// interval. On COBAHH-like drive this costs nothing at rtol 1e-3...1e-4.
// Error norm and step-size memory as dopri5.hpp: max_i |err_i| / (rtol (1 + max(|y_i|, |y1_i|))).

#include <brainsim/errors.hpp>
#include <brainsim/models/detail/dopri5.hpp>  // crossing_spec, advance_result, upward_root

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <string>
#include <string_view>

namespace brainsim::models::internal {

inline constexpr std::array<double, 4> rk23_c{0.0, 0.5, 0.75, 1.0};

template <typename F>
struct timed_rhs {
    F f;
    double t = 0.0, h = 0.0;
    void begin(double t0, double h0) {
        t = t0;
        h = h0;
    }
    void operator()(int stage, const double* y, double* dy) { f(t + rk23_c[std::size_t(stage)] * h, y, dy); }
};
template <typename F>
timed_rhs(F) -> timed_rhs<F>;

// Integrate y from t0 to t1 with the stage-indexed right-hand side f (see above).
// h_memory: in = suggested first step (<= 0: t1 - t0), out = suggested next step.
template <std::size_t N, typename F>
advance_result rk23_advance(F& f, std::array<double, N>& y, double t0, double t1, double& h_memory, double rtol,
                            const crossing_spec& cross, std::string_view model) {
    // Bogacki-Shampine tableau: a21 = 1/2; a32 = 3/4; b = (2/9, 1/3, 4/9, 0); 2nd-order weights
    // (7/24, 1/4, 1/3, 1/8); e = b - b_hat.
    constexpr double b1 = 2.0 / 9, b2 = 1.0 / 3, b3 = 4.0 / 9;
    constexpr double e1 = 2.0 / 9 - 7.0 / 24, e2 = 1.0 / 3 - 1.0 / 4, e3 = 4.0 / 9 - 1.0 / 3, e4 = -1.0 / 8;
    // second estimate against the midpoint rule y + h k2, scaled by 1/8 (see the header comment)
    constexpr double m1 = (2.0 / 9) / 8, m2 = (1.0 / 3 - 1.0) / 8, m3 = (4.0 / 9) / 8;

    using vec = std::array<double, N>;
    vec k1, k2, k3, k4, yt, y1;
    advance_result res{t1, false, 0.0};
    const double span = t1 - t0;
    if (!(span > 0.0)) return res;
    const double h_min = 1e-15 + 8 * std::numeric_limits<double>::epsilon() * std::abs(t1);

    double t = t0;
    double h = (h_memory > 0.0 && std::isfinite(h_memory)) ? h_memory : span;
    if (t + h >= t1 - 1e-12 * span) h = span;
    f.begin(t, h);
    f(0, y.data(), k1.data());
    int rejects_in_row = 0;
    while (t < t1) {
        const double h_planned = h;
        bool last = false;
        if (t + h >= t1 - 1e-12 * span) {
            h = t1 - t;
            last = true;
        }
        f.begin(t, h);
        for (std::size_t i = 0; i < N; ++i) yt[i] = y[i] + (0.5 * h) * k1[i];
        f(1, yt.data(), k2.data());
        for (std::size_t i = 0; i < N; ++i) yt[i] = y[i] + (0.75 * h) * k2[i];
        f(2, yt.data(), k3.data());
        for (std::size_t i = 0; i < N; ++i) y1[i] = y[i] + h * (b1 * k1[i] + b2 * k2[i] + b3 * k3[i]);
        f(3, y1.data(), k4.data());

        double err = 0.0;
        for (std::size_t i = 0; i < N; ++i) {
const double e_bs = e1 * k1[i] + e2 * k2[i] + e3 * k3[i] + e4 * k4[i];
            const double e_mid = m1 * k1[i] + m2 * k2[i] + m3 * k3[i];
            const double e = h * std::max(std::abs(e_bs), std::abs(e_mid));
            const double sc = rtol * (1.0 + std::max(std::abs(y[i]), std::abs(y1[i])));
            const double q = std::abs(e) / sc;
            if (std::isnan(q) || q > err) err = q;  // NaN sticks
        }
        if (!(err <= 1.0)) {  // rejected (NaN/inf included)
            h *= std::isfinite(err) ? std::max(0.2, 0.9 / std::cbrt(err)) : 0.25;
            if (!(h >= h_min) || ++rejects_in_row > 200)
                throw numerical_error("model '" + std::string(model) +
                                      "': step size underflow in the adaptive integrator (rk23) at t = " +
                                      brainsim::detail::repr(t) + " ms into the step, V = " +
                                      brainsim::detail::repr(y[0]) + " mV");
            continue;
        }
        rejects_in_row = 0;
        const double t_new = last ? t1 : t + h;

        // Upward crossing of y[0] on the cubic Hermite interpolant of the step.
        if (!res.crossed && y[0] < cross.threshold && y1[0] >= cross.threshold && t_new >= cross.detect_from) {
            const double hh = t_new - t;
            const double p0 = y[0], p1 = y1[0], d0 = hh * k1[0], d1 = hh * k4[0];
            auto dense = [&](double s) {
                const double u = 1.0 - s;
                return u * u * ((1.0 + 2.0 * s) * p0 + s * d0) + s * s * ((3.0 - 2.0 * s) * p1 - u * d1);
            };
            const double s = upward_root(dense, p0, p1, cross.threshold);
            const double tc = t + s * hh;
            if (tc >= cross.detect_from) {
                res.crossed = true;
                res.t_cross = tc;
            }
        }

        y = y1;
        k1 = k4;
        t = t_new;
        // 0.9 err^(-1/3) clamped to [0.2, 5]; err < (0.9/5)^3 gives the maximum (skips the cbrt)
        const double fac = err > 0.005832 ? std::min(5.0, 0.9 / std::cbrt(err)) : 5.0;
        const double h_next = h * fac;
        h_memory = last ? std::max(h_next, h_planned) : h_next;
        h = h_next;
    }
    return res;
}

}  // namespace brainsim::models::internal
