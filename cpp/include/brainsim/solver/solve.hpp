#pragma once
// Solve a built-in ODE problem by name with any method: the C++ twin of brainsim.solve().
//
//   brainsim::solver::solve_options o;
//   o.method = "rodas4"; o.t_end = 1e11; o.rtol = {1e-8}; o.atol = {1e-14};
//   auto r = brainsim::solver::solve("rober", o);      // r.y_end, r.stats, r.t, r.y
//
// Problems: see problem_names() (rober, hires, vdpol [mu = 1000], vdpol_scaled [eps = 1e-6],
// orego, e5, hh, hh_synapses, and the analytic linear_rotation, prothero_robinson, coupled_decay, log_decay).
// Methods: euler, rk4, exp_euler (fixed step h), ros2, ros3p, rodas3, rodas4 (adaptive with
// rtol/atol, or fixed step h with fixed_step = true).
// Errors: unknown_model_error (problem), config_error (method, tolerances, h, params, y0, t_eval,
// events), numerical_error (step size underflow, non-finite state; message has t and h).

#include <brainsim/solver/problem.hpp>

#include <cstddef>
#include <limits>
#include <map>
#include <string>
#include <vector>

namespace brainsim::solver {

struct solve_options {
    std::string method = "rodas4";
    double t0 = 0.0;
    double t_end = std::numeric_limits<double>::quiet_NaN();  // NaN: the problem's default
    std::vector<double> rtol{1e-6};
    std::vector<double> atol{1e-9};
    double h = 0.0;            // step size of fixed-step methods (or of Rosenbrock with fixed_step)
    bool fixed_step = false;   // Rosenbrock without error control, constant h
    double h_max = std::numeric_limits<double>::infinity();
    // Step-size controller of the adaptive Rosenbrock methods (see rosenbrock.hpp).
    std::string controller = "gustafsson";  // or "standard" (I controller, no prediction)
    double safety = 0.9;
    double fac_min = 0.2;
    double fac_max = 6.0;
    bool restart_at_breakpoints = true;  // cap the first step after a jump of f (see rosenbrock.hpp)
    std::map<std::string, double> params;
    std::vector<double> y0;       // empty: the problem's default initial value
    std::vector<double> t_eval;   // empty: every step is recorded
    std::vector<threshold_event> events;
    std::string jacobian = "analytic";  // "analytic" or "fd" (finite differences)
    std::size_t max_steps = 50'000'000;
    bool record = true;  // record t, y (at t_eval or every step); false: only y_end
};

struct solve_result {
    std::string problem;
    std::string method;
    std::size_t n = 0;
    std::vector<std::string> components;
    std::vector<double> t;
    std::vector<double> y;  // row-major, t.size() x n
    double t_end = 0.0;
    std::vector<double> y_end;
    work_stats stats;
    std::vector<std::vector<double>> event_times;  // one list per event
};

struct parameter_info {
    std::string name;
    double value;
    std::string unit;
    std::string doc;
};

struct problem_info {
    std::string name;
    std::string description;
    std::size_t n = 0;
    std::vector<std::string> components;
    std::vector<double> y0;
    double t_end = 0.0;
    std::vector<parameter_info> params;
    std::vector<double> breakpoints;
};

std::vector<std::string> problem_names();
std::vector<std::string> method_names();
problem_info describe_problem(const std::string& name, const std::map<std::string, double>& params = {});
solve_result solve(const std::string& problem, const solve_options& options);

}  // namespace brainsim::solver
