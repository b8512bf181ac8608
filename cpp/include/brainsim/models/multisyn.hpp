#pragma once
// lif_multisyn: a leaky integrate-and-fire membrane with six receptor ports of different kinds and
// time scales in one neuron:
//
//   port           kind          kernel                                   default tau
//   ampa           conductance   exponential                              2 ms   (E = 0 mV)
//   gaba_a         conductance   exponential                              10 ms  (E = -70 mV)
//   gaba_b         conductance   alpha (peak at tau)                      50 ms  (E = -90 mV)
//   nmda           conductance   difference of exponentials (peak = w)    2 / 100 ms (E = 0 mV)
//                                x Mg2+ block B(V) = 1/(1 + [Mg]/3.57 exp(-0.062 V))  (Jahr & Stevens 1990)
//   current_exp    current       exponential                              2 ms
//   current_alpha  current       alpha (peak at tau)                      2 ms
//
//   C dV/dt = -g_L (V - E_L) + sum_cond g_r(t) (E_r - V) + g_nmda(t) B(V) (E_nmda - V)
//             + I_exp(t) + I_alpha(t) + I_e + I_ext
//
// Weights are peak conductances (nS) or peak currents (pA) of one event. Every kernel is
// propagated exactly (closed form) whatever its time constant relative to dt, so 0.1 ms and
// 100 ms receptors are both exact; only V is integrated numerically (adaptive DOPRI5 sub-steps at
// rtol, with the kernels evaluated in closed form at each stage time). Threshold V_th: the crossing
// is located inside the step, V is reset to V_reset and clamped for t_ref, and integration resumes.

#include <brainsim/models/detail/dopri5.hpp>
#include <brainsim/models/neuron_model.hpp>
#include <brainsim/models/synapses.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <string_view>

namespace brainsim::models {

struct lif_multisyn {
    static constexpr std::string_view name = "lif_multisyn";
    static constexpr std::string_view doc =
        "leaky IF with AMPA, GABA_A (exp), GABA_B (alpha), NMDA (biexp, Mg2+ block) conductance and "
        "exp/alpha current ports; exact kernels, adaptive membrane sub-steps";

    enum p_index { C_m, g_L, E_L, V_th, V_reset, t_ref, E_ampa, tau_ampa, E_gaba_a, tau_gaba_a, E_gaba_b,
                   tau_gaba_b, E_nmda, tau_nmda_rise, tau_nmda_decay, Mg, tau_current_exp,
                   tau_current_alpha, I_e, rtol, NP };
    static constexpr std::array<param_info, NP> parameters{{
        {"C_m", "pF", 250.0, constraint::positive, "membrane capacitance"},
        {"g_L", "nS", 16.7, constraint::positive, "leak conductance"},
        {"E_L", "mV", -70.0, constraint::any, "leak reversal potential"},
        {"V_th", "mV", -55.0, constraint::any, "spike threshold"},
        {"V_reset", "mV", -70.0, constraint::any, "reset potential"},
        {"t_ref", "ms", 2.0, constraint::nonnegative, "refractory period (V clamped at V_reset)"},
        {"E_ampa", "mV", 0.0, constraint::any, "AMPA reversal potential"},
        {"tau_ampa", "ms", 2.0, constraint::positive, "AMPA decay time"},
        {"E_gaba_a", "mV", -70.0, constraint::any, "GABA_A reversal potential"},
        {"tau_gaba_a", "ms", 10.0, constraint::positive, "GABA_A decay time"},
        {"E_gaba_b", "mV", -90.0, constraint::any, "GABA_B reversal potential"},
        {"tau_gaba_b", "ms", 50.0, constraint::positive, "GABA_B alpha time constant (time to peak)"},
        {"E_nmda", "mV", 0.0, constraint::any, "NMDA reversal potential"},
        {"tau_nmda_rise", "ms", 2.0, constraint::positive, "NMDA rise time (< tau_nmda_decay)"},
        {"tau_nmda_decay", "ms", 100.0, constraint::positive, "NMDA decay time"},
        {"Mg", "mM", 1.0, constraint::nonnegative, "extracellular Mg2+ concentration"},
        {"tau_current_exp", "ms", 2.0, constraint::positive, "decay time of port 'current_exp'"},
        {"tau_current_alpha", "ms", 2.0, constraint::positive, "time to peak of port 'current_alpha'"},
        {"I_e", "pA", 0.0, constraint::any, "constant bias current"},
        {"rtol", "1", 1e-6, constraint::positive, "relative tolerance of the adaptive integrator"},
    }};
    enum s_index { V_m, G_AMPA, G_GABA_A, G_GABA_B, G_GABA_B_RATE, NMDA_DECAY, NMDA_RISE, I_EXP, I_ALPHA,
                   I_ALPHA_RATE, REFR, H_STEP, NS };
    static constexpr std::array<var_info, NS> state_vars{{{"V_m", "mV"},
                                                          {"g_ampa", "nS"},
                                                          {"g_gaba_a", "nS"},
                                                          {"g_gaba_b", "nS"},
                                                          {"g_gaba_b_rate", "nS/ms"},
                                                          {"g_nmda_decay", "nS"},  // g_nmda = decay - rise
                                                          {"g_nmda_rise", "nS"},
                                                          {"I_exp", "pA"},
                                                          {"I_alpha", "pA"},
                                                          {"I_alpha_rate", "pA/ms"},
                                                          {"t_ref_left", "ms"},
                                                          {"h_step", "ms"}}};
    enum r_index { AMPA, GABA_A, GABA_B, NMDA, CURRENT_EXP, CURRENT_ALPHA, NR };
    static constexpr std::array<receptor_info, NR> receptors{{
        {"ampa", receptor_kind::conductance, "nS"},
        {"gaba_a", receptor_kind::conductance, "nS"},
        {"gaba_b", receptor_kind::conductance, "nS"},
        {"nmda", receptor_kind::conductance, "nS"},
        {"current_exp", receptor_kind::current, "pA"},
        {"current_alpha", receptor_kind::current, "pA"},
    }};
    static constexpr std::array<std::string_view, 1> methods{"adaptive"};

    using state = std::array<double, NS>;
    struct constants {
        double C, g_L, E_L, V_th, V_reset, t_ref, E_ampa, E_gaba_a, E_gaba_b, E_nmda, Mg, I_e, rtol, dt;
        exp_kernel::constants ampa, gaba_a, current_exp;
        alpha_kernel::constants gaba_b, current_alpha;
        biexp_kernel::constants nmda;
    };

    static constants prepare(const double* p, double dt, int /*method*/ = 0) {
        check_parameters<lif_multisyn>(p);
        const std::string ctx = "model 'lif_multisyn'";
        if (!(dt > 0.0) || !std::isfinite(dt))
            throw config_error("dt", brainsim::detail::repr(dt), "> 0 and finite [ms]", ctx);
        if (!(p[rtol] < 0.1)) throw config_error("rtol", brainsim::detail::repr(p[rtol]), "> 0 and < 0.1", ctx);
        if (!(p[tau_nmda_rise] < p[tau_nmda_decay]))
            throw config_error("tau_nmda_rise", brainsim::detail::repr(p[tau_nmda_rise]),
                               "< tau_nmda_decay = " + brainsim::detail::repr(p[tau_nmda_decay]) + " ms", ctx);
        if (!(p[V_reset] < p[V_th]))
            throw config_error("V_reset", brainsim::detail::repr(p[V_reset]),
                               "< V_th = " + brainsim::detail::repr(p[V_th]) + " mV", ctx);
        constants c{};
        c.C = p[C_m];
        c.g_L = p[g_L];
        c.E_L = p[E_L];
        c.V_th = p[V_th];
        c.V_reset = p[V_reset];
        c.t_ref = p[t_ref];
        c.E_ampa = p[E_ampa];
        c.E_gaba_a = p[E_gaba_a];
        c.E_gaba_b = p[E_gaba_b];
        c.E_nmda = p[E_nmda];
        c.Mg = p[Mg];
        c.I_e = p[I_e];
        c.rtol = p[rtol];
        c.dt = dt;
        c.ampa = exp_kernel::make(p[tau_ampa], dt);
        c.gaba_a = exp_kernel::make(p[tau_gaba_a], dt);
        c.current_exp = exp_kernel::make(p[tau_current_exp], dt);
        c.gaba_b = alpha_kernel::make(p[tau_gaba_b], dt);
        c.current_alpha = alpha_kernel::make(p[tau_current_alpha], dt);
        c.nmda = biexp_kernel::make(p[tau_nmda_rise], p[tau_nmda_decay], dt);
        return c;
    }

    static state initial_state(const double* p) {
        state s{};
        s[V_m] = p[E_L];
        return s;
    }

    // Synaptic drive at local time t after the kernel states s0: I = A - B V (+ NMDA term).
    struct drive {
        double g_sum;   // total linear conductance, leak included (nS)
        double gE_sum;  // sum of g E (pA), leak included, plus currents
        double g_nmda;  // NMDA conductance before the Mg block (nS)
    };
    static drive drive_at(const constants& c, const state& s0, double t, double I_ext) {
        const double ga = exp_kernel::value_at(&s0[G_AMPA], c.ampa, t);
        const double gga = exp_kernel::value_at(&s0[G_GABA_A], c.gaba_a, t);
        const double ggb = alpha_kernel::value_at(&s0[G_GABA_B], c.gaba_b, t);
        const double gn = biexp_kernel::value_at(&s0[NMDA_DECAY], c.nmda, t);
        const double ie = exp_kernel::value_at(&s0[I_EXP], c.current_exp, t);
        const double ia = alpha_kernel::value_at(&s0[I_ALPHA], c.current_alpha, t);
        drive d;
        d.g_sum = c.g_L + ga + gga + ggb;
        d.gE_sum = c.g_L * c.E_L + ga * c.E_ampa + gga * c.E_gaba_a + ggb * c.E_gaba_b + ie + ia + c.I_e + I_ext;
        d.g_nmda = gn;
        return d;
    }

    static step_result step(const constants& c, state& s, const double* in, double I_ext) {
        exp_kernel::add(&s[G_AMPA], c.ampa, in[AMPA]);
        exp_kernel::add(&s[G_GABA_A], c.gaba_a, in[GABA_A]);
        alpha_kernel::add(&s[G_GABA_B], c.gaba_b, in[GABA_B]);
        biexp_kernel::add(&s[NMDA_DECAY], c.nmda, in[NMDA]);
        exp_kernel::add(&s[I_EXP], c.current_exp, in[CURRENT_EXP]);
        alpha_kernel::add(&s[I_ALPHA], c.current_alpha, in[CURRENT_ALPHA]);
        const state s0 = s;  // kernel states at the start of the step
        step_result r;
        auto f = [&](double t, const double* y, double* dy) {
            const drive d = drive_at(c, s0, t, I_ext);
            const double V = y[0];
            dy[0] = (d.gE_sum - d.g_sum * V + d.g_nmda * mg_block(V, c.Mg) * (c.E_nmda - V)) / c.C;
        };
        double t = 0.0;
        for (int guard = 0; t < c.dt; ++guard) {
            if (guard > 100000)
                throw numerical_error("model 'lif_multisyn': more than 100000 spikes in one step");
            if (s[REFR] > 0.0) {
                const double tr = std::min(s[REFR], c.dt - t);
                s[V_m] = c.V_reset;
                s[REFR] = (s[REFR] - tr > 1e-12 * c.dt) ? s[REFR] - tr : 0.0;
                t += tr;
                continue;
            }
            if (s[V_m] >= c.V_th) {
                if (!r.spiked) r = {true, t};
                s[V_m] = c.V_reset;
                s[REFR] = c.t_ref;
                s[H_STEP] = 0.0;
                continue;
            }
            std::array<double, 1> y{s[V_m]};
            const internal::crossing_spec cs{c.V_th, 0.0, true};
            const internal::advance_result ar = internal::dopri5_advance(f, y, t, c.dt, s[H_STEP], c.rtol, cs, name);
            s[V_m] = y[0];
            t = ar.crossed ? ar.t_cross : c.dt;
        }
        exp_kernel::propagate_dt(&s[G_AMPA], c.ampa);
        exp_kernel::propagate_dt(&s[G_GABA_A], c.gaba_a);
        alpha_kernel::propagate_dt(&s[G_GABA_B], c.gaba_b);
        biexp_kernel::propagate_dt(&s[NMDA_DECAY], c.nmda);
        exp_kernel::propagate_dt(&s[I_EXP], c.current_exp);
        alpha_kernel::propagate_dt(&s[I_ALPHA], c.current_alpha);
        return r;
    }
};

}  // namespace brainsim::models
