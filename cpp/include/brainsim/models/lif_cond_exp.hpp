#pragma once
// lif_cond_exp: leaky integrate-and-fire neuron with exponentially decaying synaptic conductances
// (NEST iaf_cond_exp; Brette et al. 2007 COBA, Vogels & Abbott 2005).
//
//   C_m dV/dt = g_L (E_L - V) + g_ex (E_ex - V) + g_in (E_in - V) + I_e + I_ext
//   dg_x/dt = -g_x / tau_syn_x;  an event of weight w (nS) makes g_x jump by w (w >= 0).
//
// Integration scheme ("exponential midpoint"): the conductances are propagated exactly
// (g <- g e^{-dt/tau}). Over a step V obeys a linear ODE whose coefficients vary only through
// g_ex(t), g_in(t); we freeze them at their exact mid-step values g(dt/2) = g e^{-dt/(2 tau)} and
// solve the frozen linear ODE exactly:
//   G = g_L + g_ex(dt/2) + g_in(dt/2),   V_inf = (g_L E_L + g_ex E_ex + g_in E_in + I) / G,
//   V(dt) = V_inf + (V - V_inf) e^{-G dt / C_m}.
// This is exponential Euler with a midpoint freeze: unconditionally stable for any conductance
// (the stiff case of large g_in), exact when the conductances are constant, and second order in dt
// for decaying conductances (Brian2's exponential Euler freezes at the step start: first order).
// Events handed to step j arrive at the end of the step (time (j+1) dt), as in NEST: the
// conductances jump after V has been propagated. While refractory V is clamped to V_reset and the
// conductances keep decaying.

#include <brainsim/models/neuron_model.hpp>

#include <array>
#include <cmath>

namespace brainsim::models {

struct lif_cond_exp {
    static constexpr std::string_view name = "lif_cond_exp";
    static constexpr std::string_view doc =
        "LIF with exponential conductance synapses, exponential-midpoint integration (NEST iaf_cond_exp; COBA)";

    enum p_index { C_m, g_L, E_L, V_th, V_reset, t_ref, E_ex, E_in, tau_syn_ex, tau_syn_in, I_e };
    static constexpr std::array<param_info, 11> parameters{{
        {"C_m", "pF", 250.0, constraint::positive, "membrane capacitance"},
        {"g_L", "nS", 16.6667, constraint::positive, "leak conductance"},
        {"E_L", "mV", -70.0, constraint::any, "leak reversal potential"},
        {"V_th", "mV", -55.0, constraint::any, "spike threshold"},
        {"V_reset", "mV", -60.0, constraint::any, "reset potential"},
        {"t_ref", "ms", 2.0, constraint::nonnegative, "refractory period (V clamped at V_reset)"},
        {"E_ex", "mV", 0.0, constraint::any, "excitatory reversal potential"},
        {"E_in", "mV", -85.0, constraint::any, "inhibitory reversal potential"},
        {"tau_syn_ex", "ms", 0.2, constraint::positive, "excitatory conductance time constant"},
        {"tau_syn_in", "ms", 2.0, constraint::positive, "inhibitory conductance time constant"},
        {"I_e", "pA", 0.0, constraint::any, "constant external current"},
    }};
    enum s_index { V_m, g_ex, g_in, t_ref_left };
    static constexpr std::array<var_info, 4> state_vars{{
        {"V_m", "mV"},
        {"g_ex", "nS"},
        {"g_in", "nS"},
        {"t_ref_left", "ms"},
    }};
    static constexpr std::array<receptor_info, 2> receptors{{
        {"exc", receptor_kind::conductance, "nS"},
        {"inh", receptor_kind::conductance, "nS"},
    }};
    using state = std::array<double, 4>;

    struct constants {
        double C, g_L, E_L, V_th, V_reset, t_ref, E_ex, E_in, I_e, dt;
        double dt_over_C, half_ex, half_in, P_ex, P_in;
    };

    static constants prepare(const double* p, double dt) {
        check_parameters<lif_cond_exp>(p);
        if (!(p[V_reset] < p[V_th]))
            throw config_error("V_reset", brainsim::detail::repr(p[V_reset]),
                               "< V_th = " + brainsim::detail::repr(p[V_th]), "model 'lif_cond_exp'");
        constants c{p[C_m], p[g_L], p[E_L], p[V_th], p[V_reset], p[t_ref], p[E_ex], p[E_in], p[I_e], dt,
                    0, 0, 0, 0, 0};
        c.dt_over_C = dt / c.C;
        c.half_ex = std::exp(-0.5 * dt / p[tau_syn_ex]);
        c.half_in = std::exp(-0.5 * dt / p[tau_syn_in]);
        c.P_ex = std::exp(-dt / p[tau_syn_ex]);
        c.P_in = std::exp(-dt / p[tau_syn_in]);
        return c;
    }

    static state initial_state(const double* p) { return {p[E_L], 0.0, 0.0, 0.0}; }

    static step_result step(const constants& c, state& s, const double* in, double I_ext) {
        step_result r;
        if (s[t_ref_left] > 0.5 * c.dt) {
            s[t_ref_left] -= c.dt;
        }
        else {
            s[t_ref_left] = 0.0;
            double ge = s[g_ex] * c.half_ex, gi = s[g_in] * c.half_in;
            double G = c.g_L + ge + gi;
            double vinf = (c.g_L * c.E_L + ge * c.E_ex + gi * c.E_in + c.I_e + I_ext) / G;
            double v = vinf + (s[V_m] - vinf) * std::exp(-G * c.dt_over_C);
            if (v >= c.V_th) {
                v = c.V_reset;
                s[t_ref_left] = c.t_ref;
                r = {true, c.dt};
            }
            s[V_m] = v;
        }
        s[g_ex] = s[g_ex] * c.P_ex + in[0];
        s[g_in] = s[g_in] * c.P_in + in[1];
        return r;
    }
};

}  // namespace brainsim::models
