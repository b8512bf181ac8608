// Cost of the pieces of one Rosenbrock step for the HH neuron (brainsim::problems::hh), relative
// to one rhs evaluation: the analytic Jacobian, the LU of I/(h gamma) - J (4 x 4), and one
// forward/backward substitution. Used to weight the work counts of the Rosenbrock methods in
// tests/python/integration/test_stiff_hh.py (RHS_PER_JAC, RHS_PER_LU, RHS_PER_SOLVE).
//
// Build and run (instruction counts are exact and load-independent; wall times are medians):
//   g++ -O3 -DNDEBUG -std=c++20 -Icpp/include benchmarks/hh_kernel_cost.cpp -o /tmp/hh_kernel_cost
//   /tmp/hh_kernel_cost                                  # wall time per call, JSON lines
//   valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.out /tmp/hh_kernel_cost 20000
//   callgrind_annotate --inclusive=yes /tmp/cg.out | grep kernel_
// Per call = inclusive count / calls: kernel_rhs 5 x N, kernel_jacobian 10 x N (+1), kernel_lu and
// kernel_solve 5 x N, with N = the argument (20000). Measured 2026-12-04 (g++ 12, -O3, x86-64):
// rhs 500, jacobian 559, LU 336 (incl. forming I/(h gamma) - J), solve 73 instructions.
// The states are 400 points along a 10 uA/cm2 spike train (V from -75 to +40 mV), so the vtrap
// branches and exp arguments are the ones met in practice.
#include <brainsim/problems/hh.hpp>
#include <brainsim/solver/dense_lu.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

using brainsim::problems::hh;

__attribute__((noinline)) void kernel_rhs(const hh& p, const double* y, double* f) {
    p.rhs(20.0, std::span<const double>(y, 4), std::span<double>(f, 4));
}
__attribute__((noinline)) void kernel_jacobian(const hh& p, const double* y, double* J) {
    p.jacobian(20.0, std::span<const double>(y, 4), std::span<double>(J, 16));
}
__attribute__((noinline)) bool kernel_lu(brainsim::solver::dense_lu& lu, const double* J, double d) {
    auto M = lu.matrix();
    for (int k = 0; k < 16; ++k) M[k] = -J[k];
    for (int i = 0; i < 4; ++i) M[i * 4 + i] += d;
    return lu.factor();
}
__attribute__((noinline)) void kernel_solve(const brainsim::solver::dense_lu& lu, double* b) {
    lu.solve(std::span<double>(b, 4));
}

int main(int argc, char** argv) {
    const long reps = argc > 1 ? std::atol(argv[1]) : 2'000'000;
    hh p;
    p.amplitude = 1000.0;
    p.update();
    // States along a trajectory: RK4 with h = 0.01 ms from rest under 10 uA/cm2.
    std::vector<double> states;
    {
        std::vector<double> y = p.y0(), k1(4), k2(4), k3(4), k4(4), yt(4);
        const double h = 0.01;
        for (int s = 0; s < 4000; ++s) {
            const double t = 10.0 + s * h;
            p.rhs(t, y, k1);
            for (int i = 0; i < 4; ++i) yt[i] = y[i] + 0.5 * h * k1[i];
            p.rhs(t, yt, k2);
            for (int i = 0; i < 4; ++i) yt[i] = y[i] + 0.5 * h * k2[i];
            p.rhs(t, yt, k3);
            for (int i = 0; i < 4; ++i) yt[i] = y[i] + h * k3[i];
            p.rhs(t, yt, k4);
            for (int i = 0; i < 4; ++i) y[i] += h / 6.0 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
            if (s % 10 == 0) states.insert(states.end(), y.begin(), y.end());
        }
    }
    const std::size_t ns = states.size() / 4;
    brainsim::solver::dense_lu lu(4);
    double f[4], J[16], b[4], sink = 0.0;
    using clock = std::chrono::steady_clock;
    auto time_it = [&](const char* name, auto&& body) {
        std::vector<double> per_call;
        for (int r = 0; r < 5; ++r) {
            const auto t0 = clock::now();
            for (long i = 0; i < reps; ++i) body(&states[(std::size_t(i) % ns) * 4]);
            per_call.push_back(std::chrono::duration<double>(clock::now() - t0).count() / double(reps));
        }
        std::sort(per_call.begin(), per_call.end());
        std::printf("{\"suite\":\"hh_kernel_cost\",\"case\":\"%s\",\"impl\":\"brainsim\",\"median_s\":%.4g,"
                    "\"min_s\":%.4g,\"max_s\":%.4g,\"repeats\":5,\"calls_per_repeat\":%ld}\n",
                    name, per_call[2], per_call[0], per_call[4], reps);
    };
    time_it("rhs", [&](const double* y) {
        kernel_rhs(p, y, f);
        sink += f[0];
    });
    time_it("jacobian", [&](const double* y) {
        kernel_jacobian(p, y, J);
        sink += J[0];
    });
    kernel_jacobian(p, &states[0], J);
    // The LU is timed together with a Jacobian at a varying state (a realistic matrix each call):
    // its own wall time is this minus the "jacobian" line; callgrind reports kernel_lu separately.
    time_it("jacobian_plus_lu_4x4", [&](const double* y) {
        kernel_jacobian(p, y, J);
        sink += kernel_lu(lu, J, 40.0);
    });
    time_it("solve_4x4", [&](const double* y) {
        std::copy(y, y + 4, b);
        kernel_solve(lu, b);
        sink += b[0];
    });
    std::printf("# sink %g (ignore)\n", sink);
    return 0;
}
