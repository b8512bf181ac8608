#pragma once
// Adaptive Rosenbrock (linearly implicit) integrator with embedded error estimate, Gustafsson's
// predictive PI step-size controller, step rejection, dense output and threshold location.
//
// Per step: one Jacobian at (t, y) (analytic or finite differences), one LU of I/(h gamma) - J
// reused for all stages (and, after a rejection, the Jacobian is kept and only the LU redone).
// Error norm: sqrt(mean_i (err_i / (atol_i + rtol_i max(|y0_i|, |y1_i|)))^2) (HW IV.8).
// Step control (HW IV.8, eq. (8.21), the predictive controller of Gustafsson 1994 as in rodas.f):
//   fac   = clamp(err^(1/q) / safety, 1/fac_max, 1/fac_min),   q = embedded order + 1
//   after two accepted steps: fac = max(fac, clamp((h_acc/h) (err^2/err_acc)^(1/q) / safety))
//   h_new = h / fac; no increase right after a rejection.
// A non-finite trial solution or a singular matrix counts as a rejection with h /= 4.
// h < h_min (default 10 eps max(1, |t|)) raises numerical_error naming t and h.
// After note_discontinuity() (a breakpoint: f jumps) the first step is capped by the starting-step
// estimate and the controller history is dropped. A problem with linear_invariant() c has each
// step projected onto c^T y = c^T y(start of integrate()) (see problem.hpp).

#include <brainsim/errors.hpp>
#include <brainsim/solver/dense_lu.hpp>
#include <brainsim/solver/dense_output.hpp>
#include <brainsim/solver/jacobian.hpp>
#include <brainsim/solver/problem.hpp>
#include <brainsim/solver/rosenbrock_tableau.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace brainsim::solver {

// Tolerances: scalar (size 1) or one per component.
struct tolerances {
    std::vector<double> rtol{1e-6};
    std::vector<double> atol{1e-9};

    void validate(std::size_t n) const {
        auto check = [n](const char* name, const std::vector<double>& v, bool allow_zero) {
            if (v.size() != 1 && v.size() != n) {
                throw config_error(name, "a vector of length " + std::to_string(v.size()),
                                   "a scalar or a vector of length n = " + std::to_string(n));
            }
            for (double x: v) {
                if (!std::isfinite(x) || !(allow_zero ? x >= 0.0 : x > 0.0)) {
                    throw config_error(name, detail::repr(x), allow_zero ? ">= 0 and finite" : "> 0 and finite");
                }
            }
        };
        check("rtol", rtol, false);
        check("atol", atol, true);
        for (double r: rtol) {
            if (!(r >= 1e-14 && r < 1.0)) throw config_error("rtol", detail::repr(r), "in [1e-14, 1)");
        }
    }
    double r(std::size_t i) const { return rtol.size() == 1 ? rtol[0] : rtol[i]; }
    double a(std::size_t i) const { return atol.size() == 1 ? atol[0] : atol[i]; }
};

// Step-size state that survives between calls (one per neuron for per-neuron stepping).
struct step_controller_state {
    double h = 0.0;            // next step to try; 0 = choose an initial step
    double h_acc = 0.0;        // last accepted step (for the predictive controller)
    double err_acc = 0.0;      // its error norm
    bool have_history = false;
    bool last_rejected = false;
};

struct rosenbrock_options {
    tolerances tol;
    double h_min = 0.0;  // 0 = 10 eps max(1, |t|)
    double h_max = std::numeric_limits<double>::infinity();
    double safety = 0.9;
    double fac_min = 0.2;  // h_new / h >= fac_min
    double fac_max = 6.0;  // h_new / h <= fac_max
    bool predictive = true;
    std::size_t max_steps = 50'000'000;
    double fixed_h = 0.0;  // > 0: no error control, constant steps of this size (for order tests)
};

template <ode_problem P>
class rosenbrock {
public:
    rosenbrock(const P& p, const rosenbrock_tableau& tab, rosenbrock_options opt = {}):
        p_(p), tab_(tab), opt_(std::move(opt)), n_(p.n()) {
        opt_.tol.validate(n_);
        if (!(opt_.fac_min > 0.0 && opt_.fac_min < 1.0)) throw config_error("fac_min", detail::repr(opt_.fac_min), "in (0, 1)");
        if (!(opt_.fac_max > 1.0)) throw config_error("fac_max", detail::repr(opt_.fac_max), "> 1");
        if (!(opt_.safety > 0.0 && opt_.safety <= 1.0)) throw config_error("safety", detail::repr(opt_.safety), "in (0, 1]");
        if (!(opt_.fixed_h >= 0.0)) throw config_error("h", detail::repr(opt_.fixed_h), "> 0 and finite");
        const std::size_t n = n_;
        J_.assign(n * n, 0.0);
        lu_.resize(n);
        u_.assign(std::size_t(tab_.stages) * n, 0.0);
        for (auto* v: {&f0_, &f1_, &fs_, &ytmp_, &ftmp_, &ynew_, &err_, &ft_, &dy_, &comp_}) v->assign(n, 0.0);
        dense_.resize(n);
        // Stage i reuses f of stage i-1 when it is evaluated at the same point (ROS3P, RODAS3).
        for (int i = 1; i < tab_.stages; ++i) {
            bool same = tab_.alpha[i] == tab_.alpha[i - 1] && tab_.a[i][i - 1] == 0.0;
            for (int j = 0; j < i - 1 && same; ++j) same = tab_.a[i][j] == tab_.a[i - 1][j];
            reuse_f_[i] = same;
        }
        q_exp_ = 1.0 / double(tab_.embedded_order + 1);
    }

    const rosenbrock_tableau& tableau() const { return tab_; }
    const work_stats& stats() const { return ws_; }
    work_stats& stats() { return ws_; }
    const dense_step& dense() const { return dense_; }
    const rosenbrock_options& options() const { return opt_; }

    // The state y was changed from outside (or f jumped): drop cached f and Jacobian.
    void invalidate() {
        f_valid_ = false;
        jac_valid_ = false;
    }

    // f jumps at the start of the next integrate() (a breakpoint): the step size the controller
    // carried over was chosen for the old right-hand side. The next step is then capped by the
    // starting-step estimate for the new one (one extra rhs call) and the predictive controller
    // forgets its history, which saves the repeated rejections of an oversized first step.
    void note_discontinuity(step_controller_state& cs) {
        restart_ = true;
        cs.have_history = false;
    }

    // Integrate from t to t_end (> t) in one piece, f continuous in t on [t, t_end). Stages that
    // would land at or beyond `t_cap` are evaluated at t_cap (pass nextafter(breakpoint, -inf)).
    // After each accepted step: on_step(dense()) where dense() spans the step. With want_dense,
    // dense() carries a full interpolant (Hermite steps then cost f(t1, y1), reused next step).
    // t is advanced to t_end exactly.
    template <class OnStep>
    void integrate(double& t, double t_end, std::span<double> y, step_controller_state& cs, OnStep&& on_step,
                   bool want_dense = false, double t_cap = std::numeric_limits<double>::infinity()) {
        t_cap_ = t_cap;
        t_lo_ = t;
        invalidate();  // y may have been changed by the caller since the last call
        std::fill(comp_.begin(), comp_.end(), 0.0);
        if constexpr (has_linear_invariant<P>) invariant0_ = invariant_value(y);
        const bool fixed = opt_.fixed_h > 0.0;
        std::size_t steps = 0;
        if (fixed) cs.h = opt_.fixed_h;
        while (t < t_end) {
            if (++steps > opt_.max_steps) {
                throw numerical_error("rosenbrock(" + std::string(tab_.name) + "): more than max_steps = " +
                                      std::to_string(opt_.max_steps) + " steps; stopped at t=" + detail::repr(t) +
                                      " with h=" + detail::repr(cs.h));
            }
            ensure_f0(t, y);
            if (!(cs.h > 0.0)) cs.h = initial_step(t, t_end, y);
            else if (restart_ && !fixed) cs.h = std::min(cs.h, initial_step(t, t_end, y));
            restart_ = false;
            double h = std::min(cs.h, opt_.h_max);
            bool last = false;
            if (t + h * (fixed ? 1.0 + 1e-12 : 1.0001) >= t_end) {
                h = t_end - t;
                last = true;
            }
            if (!jac_valid_) {
                evaluate_jacobian(p_, tc(t), y, f0_, J_, ytmp_, ftmp_, ws_);
                evaluate_time_derivative(p_, tc(t), y, f0_, t_lo_, t_cap_, ft_, ftmp_, ws_);
                jac_valid_ = true;
            }
            bool rejected_here = false;
            for (;;) {  // until accepted
                const double h_min = opt_.h_min > 0.0 ? opt_.h_min
                                                      : 10.0 * std::numeric_limits<double>::epsilon() *
                                                            std::max(1.0, std::abs(t));
                if (!(h >= h_min) && !last) {
                    throw numerical_error("rosenbrock(" + std::string(tab_.name) + "): step size h=" + detail::repr(h) +
                                          " fell below the minimum " + detail::repr(h_min) + " at t=" +
                                          detail::repr(t) + " (stiff blow-up, singular Jacobian or non-finite rhs)");
                }
                const bool ok = attempt(t, h, y);
                double err = ok ? error_norm(y) : std::numeric_limits<double>::infinity();
                if (fixed && ok && std::isfinite(err)) err = 0.0;
                if (!ok || !std::isfinite(err)) {
                    if (fixed) {
                        throw numerical_error("rosenbrock(" + std::string(tab_.name) + ", fixed step): non-finite state or singular matrix at t=" +
                                              detail::repr(t) + " with h=" + detail::repr(h));
                    }
                    ++ws_.rejected;
                    cs.last_rejected = true;
                    rejected_here = true;
                    h *= 0.25;
                    last = false;
                    continue;
                }
                if (err <= 1.0) {
                    // Accept.
                    ++ws_.accepted;
                    double h_new = h;
                    if (!fixed) {
                        const double lo = 1.0 / opt_.fac_max, hi = 1.0 / opt_.fac_min;
                        double fac = std::clamp(std::pow(err, q_exp_) / opt_.safety, lo, hi);
                        if (opt_.predictive && cs.have_history) {
                            const double fg = std::clamp(
                                (cs.h_acc / h) * std::pow(err * err / cs.err_acc, q_exp_) / opt_.safety, lo, hi);
                            fac = std::max(fac, fg);
                        }
                        cs.h_acc = h;
                        cs.err_acc = std::max(1e-2, err);
                        cs.have_history = true;
                        h_new = h / fac;
                        if (cs.last_rejected) h_new = std::min(h_new, h);
                        cs.last_rejected = false;
                    }
                    const double t1 = last ? t_end : t + h;
                    finish_dense(t, t1, h, y, want_dense);
                    // Compensated (Kahan) update of y: the rounding of y + dy is carried to the next
                    // step, so many small increments to a large component do not accumulate
                    // round-off (matters at tight tolerances over many steps).
                    for (std::size_t k = 0; k < n_; ++k) {
                        const double yk = y[k];
                        const double d = dy_[k] - comp_[k];
                        const double sum = yk + d;
                        comp_[k] = (sum - yk) - d;
                        y[k] = sum;
                    }
                    if constexpr (has_linear_invariant<P>) project_state(y);
                    t = t1;
                    f_valid_ = f1_valid_;
                    if (f1_valid_) std::copy(dense_.q().begin(), dense_.q().end(), f0_.begin());
                    jac_valid_ = false;
                    // A last step shortened to hit t_end does not shrink the proposal for the next
                    // call (per-neuron stepping resumes with the step the controller wanted).
                    if (fixed) cs.h = opt_.fixed_h;
                    else if (last && !rejected_here) cs.h = std::max(cs.h, h_new);
                    else cs.h = h_new;
                    on_step(std::as_const(dense_));
                    break;
                }
                // Reject.
                ++ws_.rejected;
                const double fac = std::clamp(std::pow(err, q_exp_) / opt_.safety, 1.0, 1.0 / opt_.fac_min);
                h /= fac;
                cs.last_rejected = true;
                rejected_here = true;
                last = false;
            }
        }
    }

private:
    double tc(double t) const { return t < t_cap_ ? t : t_cap_; }

    void ensure_f0(double t, std::span<const double> y) {
        if (f_valid_) return;
        p_.rhs(tc(t), y, f0_);
        ++ws_.rhs_evals;
        f_valid_ = true;
    }

    // HW I, Sect. II.4 starting step, with the embedded order; one extra rhs call.
    double initial_step(double t, double t_end, std::span<const double> y) {
        const std::size_t n = n_;
        double d0 = 0.0, d1 = 0.0;
        for (std::size_t i = 0; i < n; ++i) {
            const double sc = opt_.tol.a(i) + opt_.tol.r(i) * std::abs(y[i]);
            d0 += (y[i] / sc) * (y[i] / sc);
            d1 += (f0_[i] / sc) * (f0_[i] / sc);
        }
        d0 = std::sqrt(d0 / double(n));
        d1 = std::sqrt(d1 / double(n));
        double h0 = (d0 < 1e-5 || d1 < 1e-5) ? 1e-6 : 0.01 * d0 / d1;
        h0 = std::min(h0, t_end - t);
        for (std::size_t i = 0; i < n; ++i) ytmp_[i] = y[i] + h0 * f0_[i];
        p_.rhs(tc(t + h0), ytmp_, ftmp_);
        ++ws_.rhs_evals;
        double d2 = 0.0;
        for (std::size_t i = 0; i < n; ++i) {
            const double sc = opt_.tol.a(i) + opt_.tol.r(i) * std::abs(y[i]);
            const double v = (ftmp_[i] - f0_[i]) / sc;
            d2 += v * v;
        }
        d2 = std::sqrt(d2 / double(n)) / h0;
        const double p1 = double(tab_.embedded_order + 1);
        const double h1 = (std::max(d1, d2) <= 1e-15) ? std::max(1e-6, h0 * 1e-3)
                                                       : std::pow(0.01 / std::max(d1, d2), 1.0 / p1);
        double h = std::min(100.0 * h0, h1);
        if (!(h > 0.0) || !std::isfinite(h)) h = 1e-6 * std::max(1.0, t_end - t);
        return std::min(h, opt_.h_max);
    }

    // One trial step of size h; writes ynew_ and err_. False if the matrix was singular or a
    // stage went non-finite.
    bool attempt(double t, double h, std::span<const double> y) {
        const std::size_t n = n_;
        const int s = tab_.stages;
        {
            auto M = lu_.matrix();
            const double d = 1.0 / (h * tab_.gamma);
            for (std::size_t k = 0; k < n * n; ++k) M[k] = -J_[k];
            for (std::size_t i = 0; i < n; ++i) M[i * n + i] += d;
            ++ws_.lu_decomps;
            if (!lu_.factor()) return false;
        }
        const bool nonauto = !is_autonomous<P>();
        const double* fi = f0_.data();  // f at the latest stage point (stage 0: f(t, y))
        for (int i = 0; i < s; ++i) {
            double* ui = u_.data() + std::size_t(i) * n;
            if (i > 0) {
                if (!reuse_f_[i]) {
                    for (std::size_t k = 0; k < n; ++k) {
                        double v = y[k];
                        for (int j = 0; j < i; ++j) v += tab_.a[i][j] * u_[std::size_t(j) * n + k];
                        ytmp_[k] = v;
                    }
                    p_.rhs(tc(t + tab_.alpha[i] * h), ytmp_, fs_);
                    ++ws_.rhs_evals;
                    fi = fs_.data();
                }
            }
            for (std::size_t k = 0; k < n; ++k) {
                double v = fi[k];
                for (int j = 0; j < i; ++j) v += (tab_.c[i][j] / h) * u_[std::size_t(j) * n + k];
                if (nonauto) v += h * tab_.gamma_sum[i] * ft_[k];
                ui[k] = v;
            }
            lu_.solve(std::span<double>(ui, n));
            ++ws_.lin_solves;
        }
        bool finite = true;
        const bool embedded = !tab_.error_stage;  // else err_ is the error stage's, below
        for (std::size_t k = 0; k < n; ++k) {
            double d = 0.0, e = 0.0;
            for (int j = 0; j < s; ++j) {
                const double uj = u_[std::size_t(j) * n + k];
                d += tab_.m[j] * uj;
                if (embedded) e += tab_.e[j] * uj;
            }
            dy_[k] = d;
            err_[k] = e;
        }
        if constexpr (has_linear_invariant<P>) project_increment();
        for (std::size_t k = 0; k < n; ++k) {
            const double v = y[k] + dy_[k];
            ynew_[k] = v;
            finite = finite && std::isfinite(v) && std::isfinite(err_[k]);
        }
        f1_ready_ = false;
        if (tab_.error_stage && finite) {
            // err = u_e, (I/(h gamma) - J) u_e = f(t + h, y1) + sum_j (c_err_j / h) u_j
            p_.rhs(tc(t + h), ynew_, f1_);
            ++ws_.rhs_evals;
            for (std::size_t k = 0; k < n; ++k) {
                double v = f1_[k];
                for (int j = 0; j < s; ++j) v += (tab_.c_err[j] / h) * u_[std::size_t(j) * n + k];
                err_[k] = v;
            }
            lu_.solve(std::span<double>(err_.data(), n));
            ++ws_.lin_solves;
            for (std::size_t k = 0; k < n; ++k) finite = finite && std::isfinite(err_[k]);
            f1_ready_ = finite;
        }
        return finite;
    }

    // dy -= c (c^T dy) / (c^T c): the step keeps the problem's linear invariant c^T y.
    void project_increment() {
        const auto c = p_.linear_invariant();
        double cd = 0.0, cc = 0.0;
        for (std::size_t k = 0; k < n_; ++k) {
            cd += c[k] * dy_[k];
            cc += c[k] * c[k];
        }
        if (!(cc > 0.0)) return;
        const double s = cd / cc;
        for (std::size_t k = 0; k < n_; ++k) dy_[k] -= s * c[k];
    }

    double invariant_value(std::span<const double> y) const {
        const auto c = p_.linear_invariant();
        double v = 0.0;
        for (std::size_t k = 0; k < n_; ++k) v += c[k] * y[k];
        return v;
    }

    // y -= c (c^T y - I0) / (c^T c), I0 = the invariant at the start of integrate(). While the
    // components are large this only removes rounding; once they are small (E5: y2 ~ 1e-22 after
    // a transient at 1e-10) it removes the offset the transient left at the ulp level of 1e-10.
    void project_state(std::span<double> y) {
        const auto c = p_.linear_invariant();
        double cc = 0.0;
        for (std::size_t k = 0; k < n_; ++k) cc += c[k] * c[k];
        if (!(cc > 0.0)) return;
        const double s = (invariant_value(y) - invariant0_) / cc;
        for (std::size_t k = 0; k < n_; ++k) y[k] -= s * c[k];
    }

    double error_norm(std::span<const double> y) const {
        double sum = 0.0;
        for (std::size_t i = 0; i < n_; ++i) {
            const double sc = opt_.tol.a(i) + opt_.tol.r(i) * std::max(std::abs(y[i]), std::abs(ynew_[i]));
            const double v = err_[i] / sc;
            sum += v * v;
        }
        return std::sqrt(sum / double(n_));
    }

    void finish_dense(double t0, double t1, double h, std::span<const double> y, bool want_dense) {
        const std::size_t n = n_;
        std::copy(y.begin(), y.end(), dense_.y0().begin());
        std::copy(ynew_.begin(), ynew_.end(), dense_.y1().begin());
        f1_valid_ = false;
        if (tab_.has_dense) {
            auto c2 = dense_.p();
            auto c3 = dense_.q();
            for (std::size_t k = 0; k < n; ++k) {
                double a = 0.0, b = 0.0;
                for (int j = 0; j < tab_.stages; ++j) {
                    const double uj = u_[std::size_t(j) * n + k];
                    a += tab_.d2[j] * uj;
                    b += tab_.d3[j] * uj;
                }
                c2[k] = a;
                c3[k] = b;
            }
            dense_.set(t0, t1, dense_step::kind::rodas);
            return;
        }
        std::copy(f0_.begin(), f0_.end(), dense_.p().begin());
        if (f1_ready_) {  // f(t1, y1) from the error stage
            std::copy(f1_.begin(), f1_.end(), dense_.q().begin());
            f1_valid_ = true;
        }
        else if (want_dense) {
            p_.rhs(tc(t1), ynew_, dense_.q());
            ++ws_.rhs_evals;
            f1_valid_ = true;
        }
        else {
            // Without f1 the Hermite form degrades to linear interpolation between the end points.
            const double hh = (h > 0.0) ? h : 1.0;
            for (std::size_t k = 0; k < n; ++k) {
                dense_.p()[k] = (ynew_[k] - y[k]) / hh;
                dense_.q()[k] = (ynew_[k] - y[k]) / hh;
            }
        }
        dense_.set(t0, t1, dense_step::kind::hermite);
    }

    const P& p_;
    const rosenbrock_tableau& tab_;
    rosenbrock_options opt_;
    std::size_t n_;
    std::vector<double> J_, u_, f0_, f1_, fs_, ytmp_, ftmp_, ynew_, err_, ft_, dy_, comp_;
    dense_lu lu_;
    dense_step dense_;
    bool reuse_f_[rosenbrock_max_stages] = {};
    double q_exp_ = 0.5;
    bool f_valid_ = false, jac_valid_ = false, f1_valid_ = false, f1_ready_ = false, restart_ = false;
    double t_cap_ = std::numeric_limits<double>::infinity();
    double t_lo_ = 0.0;
    double invariant0_ = 0.0;
    work_stats ws_;
};

}  // namespace brainsim::solver
