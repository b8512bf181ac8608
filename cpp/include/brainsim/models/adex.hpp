#pragma once
// Adaptive exponential integrate-and-fire neuron (Brette & Gerstner 2005, J. Neurophysiol.
// 94:3637) with exponential conductance synapses; parameters and defaults as NEST aeif_cond_exp:
//
//   C dV/dt = -g_L (V - E_L) + g_L Delta_T exp((V - V_th)/Delta_T) - w
//             + g_ex(t) (E_ex - V) + g_in(t) (E_in - V) + I_e + I_ext
//   tau_w dw/dt = a (V - E_L) - w
//   V reaches V_peak  ->  spike; V = V_reset, w += b, V clamped at V_reset for t_ref.
//
// The exponential blow-up: V diverges in finite time, so the spike is where V crosses V_peak.
// (1) The adaptive DOPRI5 sub-stepper stops exactly there: the crossing is located on the cubic
//     Hermite interpolant of the accepted sub-step (terminal event), the reset is applied at that
//     time and integration resumes for the rest of the network step (several spikes per step are
//     possible; the step reports the first).
// (2) In the right-hand side the exponential is evaluated at min(V, V_peak), so trial stages that
//     overshoot V_peak see a bounded, continuous field instead of exp overflow (as NEST does).
// (3) Near the singularity dV/dt grows like exp((V - V_th)/Delta_T) (1e12 mV/ms at V_peak = 10 mV),
//     so no time step can meet a tight tolerance there. Above V_switch = V_th + 10 Delta_T (where
//     the exponential current exceeds g_L Delta_T e^10, ~1.3 uA with the defaults, and dominates
//     every other current) the model changes the independent variable to V: it integrates
//     d(t, w)/dV = (1, dw/dt) / (dV/dt) from V to V_peak, which is smooth, and reads the spike time
//     off t(V_peak). If t reaches the end of the network step first, that crossing is located on
//     the interpolant and the step ends there (V is then between V_switch and V_peak).
// (4) After a reset the step-size memory is cleared so the next interval starts from the span.
// Delta_T = 0 gives the leaky IF limit with threshold V_th (V_peak unused).
// Between events the conductances are exact exponentials evaluated at every stage time.

#include <brainsim/models/detail/dopri5.hpp>
#include <brainsim/models/neuron_model.hpp>
#include <brainsim/models/synapses.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <string_view>

namespace brainsim::models {

struct adex {
    static constexpr std::string_view name = "adex";
    static constexpr std::string_view doc =
        "adaptive exponential integrate-and-fire (Brette & Gerstner 2005), NEST aeif_cond_exp "
        "parameters, exponential conductance synapses; adaptive sub-steps stop at V_peak";

    enum p_index { C_m, g_L, E_L, V_th, Delta_T, tau_w, a, b, V_reset, t_ref, V_peak, E_ex, E_in,
                   tau_syn_ex, tau_syn_in, I_e, rtol, NP };
    static constexpr std::array<param_info, NP> parameters{{
        {"C_m", "pF", 281.0, constraint::positive, "membrane capacitance"},
        {"g_L", "nS", 30.0, constraint::positive, "leak conductance"},
        {"E_L", "mV", -70.6, constraint::any, "leak reversal potential"},
        {"V_th", "mV", -50.4, constraint::any, "threshold of the exponential term (V_T)"},
        {"Delta_T", "mV", 2.0, constraint::nonnegative, "slope factor (0: leaky IF with threshold V_th)"},
        {"tau_w", "ms", 144.0, constraint::positive, "adaptation time constant"},
        {"a", "nS", 4.0, constraint::any, "subthreshold adaptation"},
        {"b", "pA", 80.5, constraint::any, "spike-triggered adaptation increment"},
        {"V_reset", "mV", -60.0, constraint::any, "reset potential"},
        {"t_ref", "ms", 0.0, constraint::nonnegative, "refractory period (V clamped at V_reset)"},
        {"V_peak", "mV", 0.0, constraint::any, "spike detection potential (Delta_T > 0)"},
        {"E_ex", "mV", 0.0, constraint::any, "reversal potential of port 'exc'"},
        {"E_in", "mV", -85.0, constraint::any, "reversal potential of port 'inh'"},
        {"tau_syn_ex", "ms", 0.2, constraint::positive, "decay time of the 'exc' conductance"},
        {"tau_syn_in", "ms", 2.0, constraint::positive, "decay time of the 'inh' conductance"},
        {"I_e", "pA", 0.0, constraint::any, "constant bias current"},
        {"rtol", "1", 1e-6, constraint::positive, "relative tolerance of the adaptive integrator"},
    }};
    enum s_index { V_m, W, G_EX, G_IN, REFR, H_STEP, NS };
    static constexpr std::array<var_info, NS> state_vars{{{"V_m", "mV"},
                                                          {"w", "pA"},
                                                          {"g_ex", "nS"},
                                                          {"g_in", "nS"},
                                                          {"t_ref_left", "ms"},
                                                          {"h_step", "ms"}}};
    static constexpr std::array<receptor_info, 2> receptors{{
        {"exc", receptor_kind::conductance, "nS"},
        {"inh", receptor_kind::conductance, "nS"},
    }};
    static constexpr std::array<std::string_view, 1> methods{"adaptive"};

    using state = std::array<double, NS>;
    struct constants {
        double C, g_L, E_L, V_th, Delta_T, inv_tau_w, a, b, V_reset, t_ref, V_peak, E_ex, E_in, I_e, rtol, dt;
        double theta;     // spike detection level: V_peak (Delta_T > 0) or V_th (Delta_T = 0)
        double V_switch;  // above: V is the independent variable (min(V_th + 10 Delta_T, theta))
        exp_kernel::constants syn_ex, syn_in;
    };

    static constants prepare(const double* p, double dt, int /*method*/ = 0) {
        check_parameters<adex>(p);
        const std::string ctx = "model 'adex'";
        if (!(dt > 0.0) || !std::isfinite(dt))
            throw config_error("dt", brainsim::detail::repr(dt), "> 0 and finite [ms]", ctx);
        if (!(p[rtol] < 0.1)) throw config_error("rtol", brainsim::detail::repr(p[rtol]), "> 0 and < 0.1", ctx);
        constants c{};
        c.C = p[C_m];
        c.g_L = p[g_L];
        c.E_L = p[E_L];
        c.V_th = p[V_th];
        c.Delta_T = p[Delta_T];
        c.inv_tau_w = 1.0 / p[tau_w];
        c.a = p[a];
        c.b = p[b];
        c.V_reset = p[V_reset];
        c.t_ref = p[t_ref];
        c.V_peak = p[V_peak];
        c.E_ex = p[E_ex];
        c.E_in = p[E_in];
        c.I_e = p[I_e];
        c.rtol = p[rtol];
        c.dt = dt;
        c.theta = c.Delta_T > 0.0 ? c.V_peak : c.V_th;
        c.V_switch = c.Delta_T > 0.0 ? std::min(c.V_th + 10.0 * c.Delta_T, c.theta) : c.theta;
        if (c.Delta_T > 0.0 && !(c.V_peak > c.V_th))
            throw config_error("V_peak", brainsim::detail::repr(c.V_peak),
                               "> V_th = " + brainsim::detail::repr(c.V_th) + " mV when Delta_T > 0", ctx);
        if (!(c.V_reset < c.theta))
            throw config_error("V_reset", brainsim::detail::repr(c.V_reset),
                               "< " + brainsim::detail::repr(c.theta) + " mV (the spike level)", ctx);
        // exp((V_peak - V_th)/Delta_T) must be representable.
        if (c.Delta_T > 0.0 && !((c.V_peak - c.V_th) / c.Delta_T < 600.0))
            throw config_error("Delta_T", brainsim::detail::repr(c.Delta_T),
                               "> (V_peak - V_th)/600 (exp((V_peak - V_th)/Delta_T) overflows)", ctx);
        c.syn_ex = exp_kernel::make(p[tau_syn_ex], dt);
        c.syn_in = exp_kernel::make(p[tau_syn_in], dt);
        return c;
    }

    static state initial_state(const double* p) {
        state s{};
        s[V_m] = p[E_L];
        return s;
    }

    // dV/dt (mV/ms) and dw/dt (pA/ms) at local time t with the conductances gex, gin.
    static void rhs(const constants& c, const double* y, double gex, double gin, double I, double* dy) {
        const double V = y[0];
        double I_spike = 0.0;
        if (c.Delta_T > 0.0) I_spike = c.g_L * c.Delta_T * std::exp((std::min(V, c.V_peak) - c.V_th) / c.Delta_T);
        dy[0] = (-c.g_L * (V - c.E_L) + I_spike - y[1] + gex * (c.E_ex - V) + gin * (c.E_in - V) + c.I_e + I) / c.C;
        dy[1] = (c.a * (V - c.E_L) - y[1]) * c.inv_tau_w;
    }

    static step_result step(const constants& c, state& s, const double* in, double I_ext) {
        s[G_EX] += in[0];
        s[G_IN] += in[1];
        const double gex0 = s[G_EX], gin0 = s[G_IN];
        step_result r;
        auto f = [&](double t, const double* y, double* dy) {
            rhs(c, y, exp_kernel::value_at(&gex0, c.syn_ex, t), exp_kernel::value_at(&gin0, c.syn_in, t), I_ext, dy);
        };
        auto spike_at = [&](double t) {
            if (!r.spiked) {
                r.spiked = true;
                r.offset = t;
            }
            s[V_m] = c.V_reset;
            s[W] += c.b;
            s[REFR] = c.t_ref;
            s[H_STEP] = 0.0;
        };
        double t = 0.0;
        for (int guard = 0; t < c.dt; ++guard) {
            if (guard > 100000)
                throw numerical_error("model 'adex': more than 100000 spikes in one step (V_reset, t_ref?)");
            if (s[REFR] > 0.0) {
                // Clamped: V = V_reset, w relaxes exactly towards a (V_reset - E_L).
                const double tr = std::min(s[REFR], c.dt - t);
                const double w_inf = c.a * (c.V_reset - c.E_L);
                s[V_m] = c.V_reset;
                s[W] = w_inf + (s[W] - w_inf) * std::exp(-tr * c.inv_tau_w);
                s[REFR] = (s[REFR] - tr > 1e-12 * c.dt) ? s[REFR] - tr : 0.0;
                t += tr;
                continue;
            }
            if (s[V_m] >= c.theta) {  // already at/above the spike level (e.g. set by the user)
                spike_at(t);
                continue;
            }
            if (s[V_m] >= c.V_switch && c.V_switch < c.theta) {
                double dy[2];
                const double y0[2] = {s[V_m], s[W]};
                f(t, y0, dy);
                if (dy[0] > 0.0) {
                    // V as the independent variable; z = (t, w), stop if t reaches dt first.
                    auto g = [&](double V, const double* z, double* dz) {
                        const double yy[2] = {V, z[1]};
                        double d[2];
                        f(z[0], yy, d);
                        const double inv = d[0] > 0.0 ? 1.0 / d[0] : std::numeric_limits<double>::infinity();
                        dz[0] = inv;
                        dz[1] = d[1] * inv;
                    };
                    std::array<double, 2> z{t, s[W]};
                    double hv = 0.0;
                    const internal::crossing_spec cs{c.dt, 0.0, true};
                    const internal::advance_result ar =
                        internal::dopri5_advance(g, z, s[V_m], c.theta, hv, c.rtol, cs, name);
                    s[W] = z[1];
                    if (ar.crossed) {  // end of the network step before V_peak
                        s[V_m] = ar.t_cross;
                        t = c.dt;
                    }
                    else {
                        s[V_m] = c.theta;
                        t = std::min(z[0], c.dt);
                        spike_at(t);
                    }
                    continue;
                }
            }
            std::array<double, 2> y{s[V_m], s[W]};
            const double level = (s[V_m] < c.V_switch) ? c.V_switch : c.theta;
            const internal::crossing_spec cs{level, 0.0, true};
            const internal::advance_result ar = internal::dopri5_advance(f, y, t, c.dt, s[H_STEP], c.rtol, cs, name);
            s[V_m] = y[0];
            s[W] = y[1];
            if (ar.crossed) {
                t = ar.t_cross;
                if (level >= c.theta) spike_at(t);
            }
            else {
                t = c.dt;
            }
        }
        exp_kernel::propagate_dt(&s[G_EX], c.syn_ex);
        exp_kernel::propagate_dt(&s[G_IN], c.syn_in);
        return r;
    }
};

}  // namespace brainsim::models
