#pragma once
// Jansen-Rit cortical column (Jansen & Rit 1995, Biol. Cybern. 73:357), in ms units as in TVB
// (tvb/simulator/models/jansen_rit.py), standard 1995 parameters:
//
//   y0' = y3,  y3' = A a S(y1 - y2)                        - 2 a y3 - a^2 y0
//   y1' = y4,  y4' = A a (mu + u_ext + u_c + a_2 J S(a_1 J y0)) - 2 a y4 - a^2 y1
//   y2' = y5,  y5' = B b a_4 J S(a_3 J y0)                 - 2 b y5 - b^2 y2
//   S(v) = 2 e0 / (1 + exp(r (v0 - v)))
//
// y0: pyramidal, y1: excitatory-interneuron, y2: inhibitory-interneuron PSPs (mV). The observed
// signal (EEG source) is y1 - y2. Input p(t) = mu + noise; noise (additive or OU) enters y4 with
// gain A a, i.e. as a fluctuating firing rate in 1/ms (the 1995 paper used p uniform in 120-320 Hz).

#include <brainsim/mass/param_info.hpp>

#include <cmath>

namespace brainsim::mass {

struct jansen_rit {
    static constexpr const char* name = "jansen_rit";
    static constexpr std::size_t n_state = 6;
    static constexpr std::array<const char*, n_state> state_names{"y0", "y1", "y2", "y3", "y4", "y5"};
    static constexpr const char* output_doc = "y1 - y2 (pyramidal membrane potential, mV)";

    enum : std::size_t { A, B, a, b, v0, e0, r, J, a_1, a_2, a_3, a_4, mu, n_params };
    static constexpr std::array<param_info, n_params> params{{
        {"A", "mV", 3.25, "maximum excitatory PSP amplitude"},
        {"B", "mV", 22.0, "maximum inhibitory PSP amplitude"},
        {"a", "1/ms", 0.1, "excitatory rate constant (100 1/s)"},
        {"b", "1/ms", 0.05, "inhibitory rate constant (50 1/s)"},
        {"v0", "mV", 6.0, "sigmoid midpoint"},
        {"e0", "1/ms", 0.0025, "half the maximum firing rate (2.5 1/s)"},
        {"r", "1/mV", 0.56, "sigmoid steepness"},
        {"J", "1", 135.0, "average number of synapses (C)"},
        {"a_1", "1", 1.0, "pyramidal -> excitatory interneuron fraction"},
        {"a_2", "1", 0.8, "excitatory interneuron -> pyramidal fraction"},
        {"a_3", "1", 0.25, "pyramidal -> inhibitory interneuron fraction"},
        {"a_4", "1", 0.25, "inhibitory interneuron -> pyramidal fraction"},
        {"mu", "1/ms", 0.22, "mean external input rate p (220 1/s)"},
    }};
    static constexpr std::array<double, n_state> default_initial{0.0, 0.0, 0.0, 0.0, 0.0, 0.0};
    static constexpr std::array<bool, n_state> noisy{false, false, false, false, true, false};

    static inline double sigm(const double* p, double v) {
        return 2.0 * p[e0] / (1.0 + std::exp(p[r] * (p[v0] - v)));
    }
    static inline void rhs(const double* p, const double* x, double u_c, double u_ext, double* dx) {
        const double aa = p[a], bb = p[b], jj = p[J];
        dx[0] = x[3];
        dx[1] = x[4];
        dx[2] = x[5];
        dx[3] = p[A] * aa * sigm(p, x[1] - x[2]) - 2.0 * aa * x[3] - aa * aa * x[0];
        dx[4] = p[A] * aa * (p[mu] + u_ext + u_c + p[a_2] * jj * sigm(p, p[a_1] * jj * x[0])) -
                2.0 * aa * x[4] - aa * aa * x[1];
        dx[5] = p[B] * bb * (p[a_4] * jj * sigm(p, p[a_3] * jj * x[0])) - 2.0 * bb * x[5] - bb * bb * x[2];
    }
    // J = df/dx (row-major) and dfdu = df/du_c, for the Rosenbrock integrators. S'(v) = r S (1 - S / (2 e0)).
    static inline void jacobian(const double* p, const double* x, double, double, double* jac, double* dfdu) {
        const double aa = p[a], bb = p[b], jj = p[J];
        auto dsig = [&](double v) {
            const double s = sigm(p, v);
            return p[r] * s * (1.0 - s / (2.0 * p[e0]));
        };
        for (std::size_t k = 0; k < n_state * n_state; ++k) jac[k] = 0.0;
        jac[0 * 6 + 3] = jac[1 * 6 + 4] = jac[2 * 6 + 5] = 1.0;
        const double d12 = p[A] * aa * dsig(x[1] - x[2]);
        jac[3 * 6 + 0] = -aa * aa;
        jac[3 * 6 + 1] = d12;
        jac[3 * 6 + 2] = -d12;
        jac[3 * 6 + 3] = -2.0 * aa;
        jac[4 * 6 + 0] = p[A] * aa * p[a_2] * jj * dsig(p[a_1] * jj * x[0]) * p[a_1] * jj;
        jac[4 * 6 + 1] = -aa * aa;
        jac[4 * 6 + 4] = -2.0 * aa;
        jac[5 * 6 + 0] = p[B] * bb * p[a_4] * jj * dsig(p[a_3] * jj * x[0]) * p[a_3] * jj;
        jac[5 * 6 + 2] = -bb * bb;
        jac[5 * 6 + 5] = -2.0 * bb;
        for (std::size_t k = 0; k < n_state; ++k) dfdu[k] = 0.0;
        dfdu[4] = p[A] * aa;
    }
    static inline double output(const double* x) { return x[1] - x[2]; }
    static inline void noise_gain(const double* p, double* g) {
        for (std::size_t k = 0; k < n_state; ++k) g[k] = 0.0;
        g[4] = p[A] * p[a];
    }
};

}  // namespace brainsim::mass
