// Measured convergence order of every method (fixed steps) on problems with known solutions;
// must match the nominal order within +-0.2.
#include <brainsim/problems/analytic.hpp>
#include <brainsim/solver/solve.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

using namespace brainsim;

namespace {

double exact_error(const std::string& problem, const std::string& method, double h, double t_end) {
    solver::solve_options o;
    o.method = method;
    o.t_end = t_end;
    o.h = h;
    o.fixed_step = (method != "euler" && method != "rk4" && method != "exp_euler");
    o.record = false;
    auto r = solver::solve(problem, o);
    std::vector<double> ex(r.n);
    if (problem == "log_decay") problems::log_decay{}.exact(t_end, ex);
    else if (problem == "coupled_decay") problems::coupled_decay{}.exact(t_end, ex);
    else if (problem == "prothero_robinson") problems::prothero_robinson{}.exact(t_end, ex);
    else if (problem == "linear_rotation") problems::linear_rotation{}.exact(t_end, ex);
    double e = 0.0;
    for (std::size_t i = 0; i < r.n; ++i) e = std::max(e, std::abs(r.y_end[i] - ex[i]));
    return e;
}

// Least-squares slope of log(err) against log(h) over h0, h0/2, h0/4, h0/8.
double measured_order(const std::string& problem, const std::string& method, double h0, double t_end) {
    std::vector<double> lx, ly;
    for (int k = 0; k < 4; ++k) {
        const double h = h0 / std::pow(2.0, k);
        lx.push_back(std::log(h));
        ly.push_back(std::log(exact_error(problem, method, h, t_end)));
    }
    double mx = 0, my = 0;
    for (std::size_t i = 0; i < lx.size(); ++i) {
        mx += lx[i] / lx.size();
        my += ly[i] / ly.size();
    }
    double sxy = 0, sxx = 0;
    for (std::size_t i = 0; i < lx.size(); ++i) {
        sxy += (lx[i] - mx) * (ly[i] - my);
        sxx += (lx[i] - mx) * (lx[i] - mx);
    }
    return sxy / sxx;
}

struct order_case {
    const char* method;
    double nominal;
    double h0;
};

void check_all(const std::string& problem, double t_end, const std::vector<order_case>& cases) {
    for (const auto& c: cases) {
        const double p = measured_order(problem, c.method, c.h0, t_end);
        EXPECT_NEAR(p, c.nominal, 0.2) << problem << " " << c.method;
    }
}

const std::vector<order_case> explicit_cases{{"euler", 1.0, 0.02}, {"rk4", 4.0, 0.1}};

}  // namespace

TEST(solver_convergence, explicit_methods_log_decay) { check_all("log_decay", 1.0, explicit_cases); }
TEST(solver_convergence, explicit_methods_coupled_decay) { check_all("coupled_decay", 2.0, explicit_cases); }
TEST(solver_convergence, explicit_methods_linear_rotation) {
    check_all("linear_rotation", 1.0, {{"euler", 1.0, 0.002}, {"rk4", 4.0, 0.02}});
}
TEST(solver_convergence, exponential_euler) {
    check_all("coupled_decay", 2.0, {{"exp_euler", 1.0, 0.02}});
    check_all("prothero_robinson", 1.0, {{"exp_euler", 1.0, 0.02}});
    check_all("linear_rotation", 1.0, {{"exp_euler", 1.0, 0.002}});
}
// Step ranges are chosen in the asymptotic regime and above round-off (errors 1e-12 ... 1e-5).
TEST(solver_convergence, rosenbrock_log_decay) {
    check_all("log_decay", 10.0, {{"ros2", 2.0, 0.05}, {"ros3p", 3.0, 0.05}, {"rodas3", 3.0, 0.05}, {"rodas4", 4.0, 0.2}});
}
TEST(solver_convergence, rosenbrock_coupled_decay) {
    check_all("coupled_decay", 2.0, {{"ros2", 2.0, 0.05}, {"ros3p", 3.0, 0.05}, {"rodas3", 3.0, 0.05}, {"rodas4", 4.0, 0.05}});
}
TEST(solver_convergence, rosenbrock_linear_rotation) {
    check_all("linear_rotation", 1.0,
              {{"ros2", 2.0, 0.01}, {"ros3p", 3.0, 0.01}, {"rodas3", 3.0, 0.01}, {"rodas4", 4.0, 0.02}});
}
// Non-autonomous: exercises the gamma_i h df/dt terms (analytic df/dt).
TEST(solver_convergence, rosenbrock_prothero_robinson) {
    check_all("prothero_robinson", 1.0, {{"ros2", 2.0, 0.01}, {"ros3p", 3.0, 0.05}, {"rodas3", 3.0, 0.05}, {"rodas4", 4.0, 0.1}});
}

// Exponential Euler is exact for a linear problem with constant diagonal and no coupling
// (Prothero-Robinson with the forcing frozen is not; y' = -k y is): y2 of coupled_decay.
TEST(solver_convergence, exponential_euler_exact_for_linear_decay) {
    solver::solve_options o;
    o.method = "exp_euler";
    o.t_end = 2.0;
    o.h = 0.5;
    o.record = false;
    auto r = solver::solve("coupled_decay", o);
    EXPECT_NEAR(r.y_end[1], std::exp(-2.0), 1e-15);
}
