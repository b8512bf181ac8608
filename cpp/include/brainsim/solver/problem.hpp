#pragma once
// What the solvers need from an ODE problem, and the work counters they report.
//
// A problem is any type P with
//     std::size_t n() const;                                         // number of state variables
//     void rhs(double t, std::span<const double> y, std::span<double> dydt) const;
// and optionally
//     void jacobian(double t, std::span<const double> y, std::span<double> J) const;
//                                   // row-major n x n, J[i*n + j] = d f_i / d y_j
//     void time_derivative(double t, std::span<const double> y, std::span<double> ft) const;
//                                   // d f / d t (only used by Rosenbrock for non-autonomous P)
//     static constexpr bool autonomous = true;                       // f does not depend on t
//     void linear_split(double t, std::span<const double> y, std::span<double> a,
//                       std::span<double> b) const;
//                                   // f_i = a_i(y) y_i + b_i(y); needed by exponential Euler
//     std::span<const double> breakpoints() const;                   // sorted times where f jumps in t
//     std::span<const double> linear_invariant() const;              // c with c^T f(t, y) = 0 for all y
//
// Without jacobian() the solvers use forward finite differences (n extra rhs calls per Jacobian);
// without time_derivative() a non-autonomous problem gets a finite difference in t.
// A problem with breakpoints is integrated piecewise: no step straddles a breakpoint and stages
// that would land on the breakpoint itself see the left limit (nextafter towards the start).

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>

namespace brainsim::solver {

template <class P>
concept ode_problem = requires(const P& p, double t, std::span<const double> y, std::span<double> dy) {
    { p.n() } -> std::convertible_to<std::size_t>;
    p.rhs(t, y, dy);
};

template <class P>
concept has_jacobian = ode_problem<P> &&
    requires(const P& p, double t, std::span<const double> y, std::span<double> J) { p.jacobian(t, y, J); };

template <class P>
concept has_time_derivative = ode_problem<P> &&
    requires(const P& p, double t, std::span<const double> y, std::span<double> ft) { p.time_derivative(t, y, ft); };

template <class P>
concept has_linear_split = ode_problem<P> &&
    requires(const P& p, double t, std::span<const double> y, std::span<double> a, std::span<double> b) {
        p.linear_split(t, y, a, b);
    };

template <class P>
concept has_breakpoints = ode_problem<P> && requires(const P& p) {
    { p.breakpoints() } -> std::convertible_to<std::span<const double>>;
};

// A linear first integral c^T y = const (c^T f == 0), e.g. a mass balance. The Rosenbrock solver
// keeps it to round-off by projecting each step's increment onto c^T dy = 0 (HW "Geometric
// Numerical Integration" IV.4, orthogonal projection); needed because a Rosenbrock step preserves
// it only if c^T J = 0 holds exactly, which a Jacobian rounded to double does not (E5).
template <class P>
concept has_linear_invariant = ode_problem<P> && requires(const P& p) {
    { p.linear_invariant() } -> std::convertible_to<std::span<const double>>;
};

template <class P>
constexpr bool is_autonomous() {
    if constexpr (requires { P::autonomous; }) return P::autonomous;
    else return false;
}

// Work done by a solver. rhs_evals counts every call of rhs() (or linear_split()), including the
// ones spent on finite-difference Jacobians, which are also counted in jac_rhs_evals.
struct work_stats {
    std::uint64_t rhs_evals = 0;
    std::uint64_t jac_evals = 0;
    std::uint64_t jac_rhs_evals = 0;
    std::uint64_t lu_decomps = 0;
    std::uint64_t lin_solves = 0;
    std::uint64_t accepted = 0;
    std::uint64_t rejected = 0;

    work_stats& operator+=(const work_stats& o) {
        rhs_evals += o.rhs_evals;
        jac_evals += o.jac_evals;
        jac_rhs_evals += o.jac_rhs_evals;
        lu_decomps += o.lu_decomps;
        lin_solves += o.lin_solves;
        accepted += o.accepted;
        rejected += o.rejected;
        return *this;
    }

    // Work in units of one rhs evaluation: every rhs call, plus n per analytic Jacobian (what a
    // finite-difference Jacobian would have cost). LU work is reported separately (lu_decomps).
    double rhs_equivalent(std::size_t n) const {
        const std::uint64_t analytic_jacs = (jac_rhs_evals == 0) ? jac_evals : 0;
        return double(rhs_evals) + double(n) * double(analytic_jacs);
    }
};

// A threshold crossing to locate: component `component` crossing `threshold` in `direction`
// (+1 upward, -1 downward, 0 either way).
struct threshold_event {
    std::size_t component = 0;
    double threshold = 0.0;
    int direction = +1;
};

}  // namespace brainsim::solver
