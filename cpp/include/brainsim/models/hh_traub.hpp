#pragma once
// Hodgkin-Huxley neuron of the Traub & Miles (1991) type as used by the COBAHH benchmark (Brette
// et al. 2007, benchmark 3; shared/benchmarks/SPEC.md section C), membrane area 20000 um^2:
//
//   C dV/dt = g_L (E_L - V) - g_Na m^3 h (V - E_Na) - g_K n^4 (V - E_K)
//             + g_ex (E_ex - V) + g_in (E_in - V) + I_ext
//   with u = V - V_T (mV), rates in 1/ms:
//   alpha_m = 0.32 (13 - u) / (exp((13 - u)/4) - 1)    beta_m = 0.28 (u - 40) / (exp((u - 40)/5) - 1)
//   alpha_h = 0.128 exp((17 - u)/18)                   beta_h = 4 / (1 + exp((40 - u)/5))
//   alpha_n = 0.032 (15 - u) / (exp((15 - u)/5) - 1)   beta_n = 0.5 exp((10 - u)/40)
//
// (the removable singularities of alpha_m, beta_m, alpha_n are evaluated by their series near
// the pole; the six rates share four exponentials). Exponential conductance ports "exc" (E_ex = 0 mV, tau 5 ms) and "inh" (E_in = -80 mV,
// tau 10 ms). No reset: a spike is the upward crossing of V_spike = -20 mV, after which detection
// is blocked for t_block = 3 ms. Integration: see detail/hh_family.hpp (default "rk23": adaptive
// Bogacki-Shampine 3(2) sub-steps at rtol; "adaptive": Dormand-Prince 5(4) sub-steps at rtol;
// "exp_euler": one exponential-Euler step per dt as Brian2's COBAHH example).

#include <brainsim/models/detail/hh_family.hpp>
#include <brainsim/models/neuron_model.hpp>

#include <array>
#include <cmath>
#include <string_view>

namespace brainsim::models {

struct hh_traub: internal::hh_family<hh_traub> {
    static constexpr std::string_view name = "hh_traub";
    static constexpr std::string_view doc =
        "Traub & Miles Hodgkin-Huxley neuron of the COBAHH benchmark (Brette et al. 2007), "
        "conductance-exponential synapses; spike = upward crossing of V_spike, then t_block";

    static constexpr std::array<param_info, 16> parameters{{
        {"C_m", "pF", 200.0, constraint::positive, "membrane capacitance"},
        {"g_Na", "nS", 20000.0, constraint::nonnegative, "peak sodium conductance"},
        {"g_K", "nS", 6000.0, constraint::nonnegative, "peak potassium conductance"},
        {"g_L", "nS", 10.0, constraint::nonnegative, "leak conductance"},
        {"E_Na", "mV", 50.0, constraint::any, "sodium reversal potential"},
        {"E_K", "mV", -90.0, constraint::any, "potassium reversal potential"},
        {"E_L", "mV", -60.0, constraint::any, "leak reversal potential"},
        {"V_T", "mV", -63.0, constraint::any, "offset of the rate functions (u = V - V_T)"},
        {"V_spike", "mV", -20.0, constraint::any, "spike = upward crossing of this potential"},
        {"E_ex", "mV", 0.0, constraint::any, "reversal potential of port 'exc'"},
        {"E_in", "mV", -80.0, constraint::any, "reversal potential of port 'inh'"},
        {"tau_syn_ex", "ms", 5.0, constraint::positive, "decay time of the 'exc' conductance"},
        {"tau_syn_in", "ms", 10.0, constraint::positive, "decay time of the 'inh' conductance"},
        {"t_block", "ms", 3.0, constraint::nonnegative, "spike detection blocked this long after a spike"},
        {"rtol", "1", 1e-4, constraint::positive, "relative tolerance of the adaptive integrator"},
        {"I_e", "pA", 0.0, constraint::any, "constant bias current"},
    }};
    static constexpr std::array<var_info, internal::HH_NVARS> state_vars{{{"V_m", "mV"},
                                                                        {"m", "1"},
                                                                        {"h", "1"},
                                                                        {"n", "1"},
                                                                        {"g_ex", "nS"},
                                                                        {"g_in", "nS"},
                                                                        {"t_block", "ms"},
                                                                        {"h_step", "ms"}}};
    static constexpr std::array<receptor_info, 2> receptors{{
        {"exc", receptor_kind::conductance, "nS"},
        {"inh", receptor_kind::conductance, "nS"},
    }};
    // Integration schemes (prepare(p, dt, method) takes the index; index 0 is the default).
    // Measured on the SciPy reference case at dt = 0.1 ms and the default rtol 1e-4 (see
    // tests/python/integration/test_hh_model_traub.py): rk23 spike times within ~2e-3 ms,
    // adaptive within ~2e-5 ms, exp_euler off by ~0.5 ms.
    static constexpr std::array<std::string_view, 3> methods{"rk23", "adaptive", "exp_euler"};
    static constexpr std::array<internal::hh_method, 3> method_ids{
        internal::hh_method::rk23, internal::hh_method::adaptive, internal::hh_method::exp_euler};

    using constants = internal::hh_constants;
    using state = std::array<double, internal::HH_NVARS>;

    // r / (e^r - 1) given er = e^r, continuous at r = 0 (value 1 there): for |r| < 1e-4 the series
    // 1 - r/2 + r^2/12 (truncation ~r^4/720 < 1e-18), above it the quotient (rounding of er - 1
    // relative to r at most ~1e-12).
    static double rel(double r, double er) {
        return std::abs(r) < 1e-4 ? 1.0 - r * (0.5 - r * (1.0 / 12.0)) : r / (er - 1.0);
    }

    // With E = exp((40 - u)/5): beta_m needs exp((u - 40)/5) = 1/E, beta_h 1 + E and alpha_n
    // exp((15 - u)/5) = E exp(-5), so the six rates take four exponentials.
    static void rates(const constants& c, double V, double* ab) {
        const double u = V - c.V_T;
        const double ra = (13.0 - u) * 0.25, rb = (u - 40.0) * 0.2, rn = (15.0 - u) * 0.2;
        const double E = std::exp(-rb);
        ab[0] = 0.32 * 4.0 * rel(ra, std::exp(ra));                     // 0.32 (13-u)/(e^((13-u)/4) - 1)
        ab[1] = 0.28 * 5.0 * rel(rb, 1.0 / E);                          // 0.28 (u-40)/(e^((u-40)/5) - 1)
        ab[2] = 0.128 * std::exp((17.0 - u) * (1.0 / 18.0));
        ab[3] = 4.0 / (1.0 + E);
        ab[4] = 0.032 * 5.0 * rel(rn, E * 6.7379469990854670966e-3);    // e^-5
        ab[5] = 0.5 * std::exp((10.0 - u) * (1.0 / 40.0));
    }

    static constants prepare(const double* p, double dt, int method = 0) {
        check_parameters<hh_traub>(p);
        if (!(dt > 0.0) || !std::isfinite(dt))
            throw config_error("dt", brainsim::detail::repr(dt), "> 0 and finite [ms]", "model 'hh_traub'");
        if (!(p[14] < 0.1))
            throw config_error("rtol", brainsim::detail::repr(p[14]), "> 0 and < 0.1", "model 'hh_traub'");
        constants c;
        c.C = p[0];
        c.g_Na = p[1];
        c.g_K = p[2];
        c.g_L = p[3];
        c.E_Na = p[4];
        c.E_K = p[5];
        c.E_L = p[6];
        c.V_T = p[7];
        c.V_spike = p[8];
        c.E_ex = p[9];
        c.E_in = p[10];
        c.t_block = p[13];
        c.rtol = p[14];
        c.I_e = p[15];
        prepare_common(c, p[11], p[12], dt, method);
        return c;
    }

    // With the benchmark parameters this neuron has no stable rest (alone it fires at ~14 Hz from
    // any start), so the initial state is the benchmark's mean start: V = E_L - 5 mV (-65 mV, as
    // Brian2's COBAHH example, SPEC.md C.4) with m = h = n = 0.
    static state initial_state(const double* p) {
        state s{};
        s[internal::V_M] = p[6] - 5.0;
        return s;
    }
};

}  // namespace brainsim::models
