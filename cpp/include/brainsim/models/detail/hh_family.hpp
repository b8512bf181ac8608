#pragma once
// Shared machinery of the single-compartment Hodgkin-Huxley type models (hh, hh_traub):
//
//   C dV/dt = -g_Na m^3 h (V - E_Na) - g_K n^4 (V - E_K) - g_L (V - E_L)
//             + g_ex(t) (E_ex - V) + g_in(t) (E_in - V) + I_ext
//   dx/dt   = alpha_x(V) (1 - x) - beta_x(V) x,   x in {m, h, n}
//   g_ex, g_in: exponential conductance kernels (exact).
//
// Integration over one network step dt (selected per population by `prepare(p, dt, method)`; the
// order of the names in Model::methods, index 0 = default, is mapped by Model::method_ids):
//  - "adaptive": embedded Dormand-Prince 5(4) sub-steps (dopri5.hpp) with error control at the
//    model parameter rtol; synaptic conductances are evaluated exactly at every stage time; the
//    spike time is the upward crossing of V_spike located on the pair's 4th-order continuous
//    extension (an offset inside the network step, independent of dt).
//  - "rk23": embedded Bogacki-Shampine 3(2) sub-steps (rk23.hpp) at the same rtol, three rate
//    evaluations per step instead of six; synaptic conductances exact at the stage times through
//    decay factors that are precomputed for a full network step (the usual case for a quiet
//    neuron) and otherwise computed once per attempted sub-step; spike time on the cubic Hermite
//    interpolant of the sub-step. The cheap accurate scheme for networks (hh_traub's default).
//  - "exp_euler": one exponential-Euler step per dt (the Brian2 scheme: each gate and V advanced
//    by the exact solution of its own linear equation with the other variables frozen at the
//    start of the step); spike time by linear interpolation. First order; fast.
//
// A Model supplies: static void rates(const constants&, double V, double* ab) filling
// ab = {alpha_m, beta_m, alpha_h, beta_h, alpha_n, beta_n} in 1/ms.

#include <brainsim/models/detail/dopri5.hpp>
#include <brainsim/models/detail/rk23.hpp>
#include <brainsim/models/neuron_model.hpp>
#include <brainsim/models/synapses.hpp>

#include <array>
#include <cmath>
#include <limits>

namespace brainsim::models::internal {

enum class hh_method : int { adaptive = 0, exp_euler = 1, rk23 = 2 };

struct hh_constants {
    double C = 1, g_Na = 0, g_K = 0, g_L = 0, E_Na = 0, E_K = 0, E_L = 0, E_ex = 0, E_in = 0;
    double V_spike = 0, t_block = 0, rtol = 1e-6, dt = 0.1, I_e = 0;
    double q10 = 1.0;  // hh: temperature factor of all rates
    double V_T = 0.0;  // hh_traub: threshold shift of the rate functions
    exp_kernel::constants syn_ex, syn_in;
    // exp(-c_i dt / tau) at the rk23 stage offsets c_i = rk23_c (exact decay over a full step)
    std::array<double, 4> rk23_decay_ex{1, 1, 1, 1}, rk23_decay_in{1, 1, 1, 1};
    hh_method method = hh_method::adaptive;
};

// State layout shared by the family.
enum hh_var : int { V_M = 0, M_GATE, H_GATE, N_GATE, G_EX, G_IN, BLOCK, H_INT, HH_NVARS };

template <class Model>
struct hh_family {
    using constants = hh_constants;
    using state = std::array<double, HH_NVARS>;

    // Common tail of Model::prepare: synaptic kernels, the method and the rk23 decay factors.
    static void prepare_common(constants& c, double tau_ex, double tau_in, double dt, int method) {
        if (!(method >= 0 && std::size_t(method) < Model::methods.size()))
            throw config_error("method", std::to_string(method),
                               "an index below " + std::to_string(Model::methods.size()),
                               "model '" + std::string(Model::name) + "'");
        c.dt = dt;
        c.syn_ex = exp_kernel::make(tau_ex, dt);
        c.syn_in = exp_kernel::make(tau_in, dt);
        for (std::size_t i = 0; i < 4; ++i) {
            c.rk23_decay_ex[i] = std::exp(-rk23_c[i] * dt / tau_ex);
            c.rk23_decay_in[i] = std::exp(-rk23_c[i] * dt / tau_in);
        }
        c.method = Model::method_ids[std::size_t(method)];
    }

    // Stage-indexed right-hand side for rk23_advance: gates and V integrated, synaptic
    // conductances exact at the stage times, g(t + c_i h) = g(t) exp(-c_i h / tau).
    struct rk23_rhs {
        const constants& c;
        double I_ext;
        double gex0, gin0;   // at the start of the network step (t = 0)
        double t = 0.0, h = -1.0;
        double gex_t, gin_t;  // at t
        std::array<double, 4> fex{1, 1, 1, 1}, fin{1, 1, 1, 1};  // exp(-c_i h / tau)

        rk23_rhs(const constants& cc, double I, double ge, double gi):
            c(cc), I_ext(I), gex0(ge), gin0(gi), gex_t(ge), gin_t(gi) {}

        void begin(double tn, double hn) {
            if (tn != t) {
                if (tn == t + h) {  // the step [t, t + h] was accepted
                    gex_t *= fex[3];
                    gin_t *= fin[3];
                }
                else {
                    gex_t = gex0 * std::exp(-tn * c.syn_ex.inv_tau);
                    gin_t = gin0 * std::exp(-tn * c.syn_in.inv_tau);
                }
                t = tn;
            }
            if (hn != h) {
                h = hn;
                if (hn == c.dt) {
                    fex = c.rk23_decay_ex;
                    fin = c.rk23_decay_in;
                }
                else {  // c = {0, 1/2, 3/4, 1}: powers of exp(-h / (4 tau))
                    const double qe = std::exp(-0.25 * hn * c.syn_ex.inv_tau);
                    const double qi = std::exp(-0.25 * hn * c.syn_in.inv_tau);
                    fex[1] = qe * qe;
                    fex[2] = fex[1] * qe;
                    fex[3] = fex[1] * fex[1];
                    fin[1] = qi * qi;
                    fin[2] = fin[1] * qi;
                    fin[3] = fin[1] * fin[1];
                }
            }
        }
        void operator()(int stage, const double* y, double* dy) const {
            const double gex = gex_t * fex[std::size_t(stage)], gin = gin_t * fin[std::size_t(stage)];
            double ab[6];
            Model::rates(c, y[0], ab);
            dy[0] = membrane_current(c, y[0], y[1], y[2], y[3], gex, gin, I_ext) / c.C;
            dy[1] = ab[0] * (1.0 - y[1]) - ab[1] * y[1];
            dy[2] = ab[2] * (1.0 - y[2]) - ab[3] * y[2];
            dy[3] = ab[4] * (1.0 - y[3]) - ab[5] * y[3];
        }
    };

    // Total membrane current (pA, positive = depolarising) with all gates given.
    static double membrane_current(const constants& c, double V, double m, double h, double n, double gex,
                                   double gin, double I_ext) {
        const double m3h = m * m * m * h;
        const double n2 = n * n;
        return -c.g_Na * m3h * (V - c.E_Na) - c.g_K * n2 * n2 * (V - c.E_K) - c.g_L * (V - c.E_L) +
               gex * (c.E_ex - V) + gin * (c.E_in - V) + I_ext + c.I_e;
    }

    // Resting state: the lowest V in [-120, 0] mV where the steady-state current vanishes.
    static state resting_state(const constants& c) {
        auto inf = [&](double V, double* x) {
            double ab[6];
            Model::rates(c, V, ab);
            for (int k = 0; k < 3; ++k) x[k] = ab[2 * k] / (ab[2 * k] + ab[2 * k + 1]);
        };
        auto current = [&](double V) {
            double x[3];
            inf(V, x);
            return membrane_current(c, V, x[0], x[1], x[2], 0.0, 0.0, 0.0);
        };
        double lo = -120.0, flo = current(lo);
        double V = c.E_L;
        for (double v = -120.0 + 0.25; v <= 0.0; v += 0.25) {
            const double fv = current(v);
            if (flo > 0.0 && fv <= 0.0) {  // net inward -> outward: stable rest between lo and v
                double a = lo, b = v;
                for (int it = 0; it < 200 && b - a > 1e-14; ++it) {
                    const double mid = 0.5 * (a + b);
                    if (current(mid) > 0.0) a = mid;
                    else b = mid;
                }
                V = 0.5 * (a + b);
                break;
            }
            lo = v;
            flo = fv;
        }
        state s{};
        s[V_M] = V;
        inf(V, &s[M_GATE]);
        s[H_INT] = 0.0;
        return s;
    }

    static step_result step(const constants& c, state& s, const double* in, double I_ext) {
        s[G_EX] += in[0];
        s[G_IN] += in[1];
        const double detect_from = s[BLOCK];  // detection blocked until this offset into the step
        step_result r;
        if (c.method == hh_method::exp_euler) {
            const double V = s[V_M], m = s[M_GATE], h = s[H_GATE], n = s[N_GATE];
            double ab[6];
            Model::rates(c, V, ab);
            for (int k = 0; k < 3; ++k) {
                const double sum = ab[2 * k] + ab[2 * k + 1];
                const double xinf = ab[2 * k] / sum;
                s[M_GATE + k] = xinf + (s[M_GATE + k] - xinf) * std::exp(-c.dt * sum);
            }
            const double n2 = n * n;
            const double g_tot = c.g_Na * m * m * m * h + c.g_K * n2 * n2 + c.g_L + s[G_EX] + s[G_IN];
            const double I_tot = c.g_Na * m * m * m * h * c.E_Na + c.g_K * n2 * n2 * c.E_K + c.g_L * c.E_L +
                                 s[G_EX] * c.E_ex + s[G_IN] * c.E_in + I_ext + c.I_e;
            const double V_inf = I_tot / g_tot;
            const double V1 = V_inf + (V - V_inf) * std::exp(-c.dt * g_tot / c.C);
            if (V < c.V_spike && V1 >= c.V_spike) {
                const double off = c.dt * (c.V_spike - V) / (V1 - V);
                if (off >= detect_from) {
                    r.spiked = true;
                    r.offset = off;
                }
            }
            s[V_M] = V1;
        }
        else if (c.method == hh_method::rk23) {
            std::array<double, 4> y{s[V_M], s[M_GATE], s[H_GATE], s[N_GATE]};
            const crossing_spec cs{c.V_spike, detect_from, false};
            rk23_rhs rhs(c, I_ext, s[G_EX], s[G_IN]);
            const advance_result a = rk23_advance(rhs, y, 0.0, c.dt, s[H_INT], c.rtol, cs, Model::name);
            for (int k = 0; k < 4; ++k) s[V_M + k] = y[k];
            if (a.crossed) {
                r.spiked = true;
                r.offset = a.t_cross;
            }
        }
        else {
            const double gex0 = s[G_EX], gin0 = s[G_IN];
            auto rhs = [&](double t, const double* y, double* dy) {
                const double gex = exp_kernel::value_at(&gex0, c.syn_ex, t);
                const double gin = exp_kernel::value_at(&gin0, c.syn_in, t);
                double ab[6];
                Model::rates(c, y[0], ab);
                dy[0] = membrane_current(c, y[0], y[1], y[2], y[3], gex, gin, I_ext) / c.C;
                dy[1] = ab[0] * (1.0 - y[1]) - ab[1] * y[1];
                dy[2] = ab[2] * (1.0 - y[2]) - ab[3] * y[2];
                dy[3] = ab[4] * (1.0 - y[3]) - ab[5] * y[3];
            };
            std::array<double, 4> y{s[V_M], s[M_GATE], s[H_GATE], s[N_GATE]};
            const crossing_spec cs{c.V_spike, detect_from, false};
            const advance_result a = dopri5_advance(rhs, y, 0.0, c.dt, s[H_INT], c.rtol, cs, Model::name);
            for (int k = 0; k < 4; ++k) s[V_M + k] = y[k];
            if (a.crossed) {
                r.spiked = true;
                r.offset = a.t_cross;
            }
        }
        exp_kernel::propagate_dt(&s[G_EX], c.syn_ex);
        exp_kernel::propagate_dt(&s[G_IN], c.syn_in);
        if (!std::isfinite(s[V_M]))
            throw numerical_error("model '" + std::string(Model::name) + "': membrane potential became " +
                                  brainsim::detail::repr(s[V_M]) + " (use method 'adaptive' or a smaller dt)");
        s[BLOCK] = r.spiked ? std::max(0.0, r.offset + c.t_block - c.dt) : std::max(0.0, detect_from - c.dt);
        return r;
    }
};

}  // namespace brainsim::models::internal
