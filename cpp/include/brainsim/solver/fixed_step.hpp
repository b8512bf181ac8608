#pragma once
// Fixed-step explicit methods: explicit Euler (order 1), classical Runge-Kutta (order 4) and
// exponential Euler (order 1; exact for linear-diagonal parts, for problems with linear_split():
// y_i <- y_i + h phi1(a_i h) (a_i y_i + b_i), phi1(z) = (e^z - 1)/z, with a, b taken at the start
// of the step). Each step can be followed by dense output (cubic Hermite) for event location;
// f at the end of a step is reused as the first stage of the next, so this costs no extra rhs call
// for Euler and RK4.

#include <brainsim/errors.hpp>
#include <brainsim/solver/dense_output.hpp>
#include <brainsim/solver/problem.hpp>

#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <string>
#include <vector>

namespace brainsim::solver {

enum class fixed_method { euler, rk4, exp_euler };

inline const char* to_string(fixed_method m) {
    switch (m) {
    case fixed_method::euler: return "euler";
    case fixed_method::rk4: return "rk4";
    case fixed_method::exp_euler: return "exp_euler";
    }
    return "?";
}

inline constexpr int order_of(fixed_method m) { return m == fixed_method::rk4 ? 4 : 1; }

template <ode_problem P>
class fixed_stepper {
public:
    fixed_stepper(const P& p, fixed_method m): p_(p), m_(m), n_(p.n()) {
        if (m == fixed_method::exp_euler && !has_linear_split<P>) {
            throw config_error("method", "'exp_euler'",
                               "a method other than exp_euler: this problem has no linear-diagonal split");
        }
        for (auto* v: {&k1_, &k2_, &k3_, &k4_, &tmp_, &a_, &b_}) v->assign(n_, 0.0);
        dense_.resize(n_);
    }

    const work_stats& stats() const { return ws_; }
    work_stats& stats() { return ws_; }
    const dense_step& dense() const { return dense_; }

    // Stage times are clamped to at most `cap` (the left limit of the next breakpoint).
    void set_time_cap(double cap) { t_cap_ = cap; }

    // Forget the cached f(t, y) (call when y was changed from outside or f jumped in t).
    void invalidate() { f_valid_ = false; }

    // One step of size h from (t, y); y is overwritten. With want_dense, dense() afterwards
    // interpolates over [t, t+h] (costs f(t+h, y_new), reused by the next step).
    void step(double t, double h, std::span<double> y, bool want_dense = false) {
        const std::size_t n = n_;
        if (want_dense) std::copy(y.begin(), y.end(), dense_.y0().begin());
        ensure_f(t, y);
        if (want_dense) std::copy(k1_.begin(), k1_.end(), dense_.p().begin());
        switch (m_) {
        case fixed_method::euler:
            for (std::size_t i = 0; i < n; ++i) y[i] += h * k1_[i];
            break;
        case fixed_method::rk4: {
            for (std::size_t i = 0; i < n; ++i) tmp_[i] = y[i] + 0.5 * h * k1_[i];
            p_.rhs(tc(t + 0.5 * h), tmp_, k2_);
            for (std::size_t i = 0; i < n; ++i) tmp_[i] = y[i] + 0.5 * h * k2_[i];
            p_.rhs(tc(t + 0.5 * h), tmp_, k3_);
            for (std::size_t i = 0; i < n; ++i) tmp_[i] = y[i] + h * k3_[i];
            p_.rhs(tc(t + h), tmp_, k4_);
            ws_.rhs_evals += 3;
            for (std::size_t i = 0; i < n; ++i)
                y[i] += h / 6.0 * (k1_[i] + 2.0 * k2_[i] + 2.0 * k3_[i] + k4_[i]);
            break;
        }
        case fixed_method::exp_euler:
            for (std::size_t i = 0; i < n; ++i) {
                const double z = a_[i] * h;
                const double phi1 = (std::abs(z) < 1e-12) ? 1.0 + 0.5 * z : std::expm1(z) / z;
                y[i] += h * phi1 * k1_[i];
            }
            break;
        }
        f_valid_ = false;
        ++ws_.accepted;
        for (std::size_t i = 0; i < n; ++i) {
            if (!std::isfinite(y[i])) {
                throw numerical_error(std::string("fixed-step ") + to_string(m_) + ": non-finite state (component " +
                                      std::to_string(i) + ") after the step from t=" + detail::repr(t) +
                                      " with h=" + detail::repr(h) +
                                      "; the step is too large for the stability of this explicit method");
            }
        }
        if (want_dense) {
            std::copy(y.begin(), y.end(), dense_.y1().begin());
            ensure_f(t + h, y);
            std::copy(k1_.begin(), k1_.end(), dense_.q().begin());
            dense_.set(t, t + h, dense_step::kind::hermite);
        }
    }

private:
    // k1 = f(t, y) (and a, b for exponential Euler), reusing the cached value when valid.
    void ensure_f(double t, std::span<const double> y) {
        if (f_valid_ && f_t_ == t) return;
        if constexpr (has_linear_split<P>) {
            if (m_ == fixed_method::exp_euler) {
                p_.linear_split(tc(t), y, a_, b_);
                for (std::size_t i = 0; i < n_; ++i) k1_[i] = a_[i] * y[i] + b_[i];
                ++ws_.rhs_evals;
                f_valid_ = true;
                f_t_ = t;
                return;
            }
        }
        p_.rhs(tc(t), y, k1_);
        ++ws_.rhs_evals;
        f_valid_ = true;
        f_t_ = t;
    }

    double tc(double t) const { return t < t_cap_ ? t : t_cap_; }

    const P& p_;
    double t_cap_ = std::numeric_limits<double>::infinity();
    fixed_method m_;
    std::size_t n_;
    std::vector<double> k1_, k2_, k3_, k4_, tmp_, a_, b_;
    bool f_valid_ = false;
    double f_t_ = 0.0;
    dense_step dense_;
    work_stats ws_;
};

}  // namespace brainsim::solver
