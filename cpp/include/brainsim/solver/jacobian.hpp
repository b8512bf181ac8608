#pragma once
// Jacobian and df/dt of a problem: analytic when the problem provides them, else forward
// finite differences (column j perturbed by sqrt(eps * max(1e-5, |y_j|)), as in rodas.f).

#include <brainsim/solver/problem.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <span>
#include <vector>

namespace brainsim::solver {

// Wraps a problem and hides its analytic Jacobian, to force (and test) finite differences.
template <ode_problem P>
struct fd_jacobian_view {
    const P& p;
    static constexpr bool autonomous = is_autonomous<P>();
    std::size_t n() const { return p.n(); }
    void rhs(double t, std::span<const double> y, std::span<double> dy) const { p.rhs(t, y, dy); }
    std::span<const double> breakpoints() const
        requires has_breakpoints<P>
    {
        return p.breakpoints();
    }
    std::span<const double> linear_invariant() const
        requires has_linear_invariant<P>
    {
        return p.linear_invariant();
    }
    void linear_split(double t, std::span<const double> y, std::span<double> a, std::span<double> b) const
        requires has_linear_split<P>
    {
        p.linear_split(t, y, a, b);
    }
};

// J = df/dy at (t, y); f0 = f(t, y) must be given (used by finite differences). ytmp, ftmp are
// scratch of size n.
template <ode_problem P>
void evaluate_jacobian(const P& p, double t, std::span<const double> y, std::span<const double> f0,
                       std::span<double> J, std::span<double> ytmp, std::span<double> ftmp, work_stats& ws) {
    const std::size_t n = p.n();
    ++ws.jac_evals;
    if constexpr (has_jacobian<P>) {
        p.jacobian(t, y, J);
    }
    else {
        const double eps = std::numeric_limits<double>::epsilon();
        std::copy(y.begin(), y.end(), ytmp.begin());
        for (std::size_t j = 0; j < n; ++j) {
            const double yj = y[j];
            const double delta = std::sqrt(eps * std::max(1e-5, std::abs(yj)));
            ytmp[j] = yj + delta;
            const double d = ytmp[j] - yj;  // the step actually taken
            p.rhs(t, std::span<const double>(ytmp.data(), n), ftmp);
            for (std::size_t i = 0; i < n; ++i) J[i * n + j] = (ftmp[i] - f0[i]) / d;
            ytmp[j] = yj;
        }
        ws.rhs_evals += n;
        ws.jac_rhs_evals += n;
    }
}

// df/dt at (t, y): analytic, zero for autonomous problems, else a one-sided difference that
// stays inside [t_lo, t_hi] (so it never crosses a breakpoint).
template <ode_problem P>
void evaluate_time_derivative(const P& p, double t, std::span<const double> y, std::span<const double> f0,
                              double t_lo, double t_hi, std::span<double> ft, std::span<double> ftmp,
                              work_stats& ws) {
    if constexpr (is_autonomous<P>()) {
        std::fill(ft.begin(), ft.end(), 0.0);
    }
    else if constexpr (has_time_derivative<P>) {
        p.time_derivative(t, y, ft);
    }
    else {
        const double eps = std::numeric_limits<double>::epsilon();
        double delta = std::sqrt(eps * std::max(1e-5, std::abs(t)));
        if (t + delta > t_hi && t - delta >= t_lo) delta = -delta;
        const double t2 = t + delta;
        const double d = t2 - t;
        p.rhs(t2, y, ftmp);
        ++ws.rhs_evals;
        for (std::size_t i = 0; i < ft.size(); ++i) ft[i] = (ftmp[i] - f0[i]) / d;
    }
}

}  // namespace brainsim::solver
