#pragma once
// Classic Hodgkin & Huxley (1952) squid giant axon, in the modern sign convention (rest near
// -65 mV), with the rate functions of NEURON's built-in hh.mod:
//
//   alpha_m = 0.1 vtrap(-(V+40), 10)      beta_m = 4 exp(-(V+65)/18)
//   alpha_h = 0.07 exp(-(V+65)/20)        beta_h = 1 / (exp(-(V+35)/10) + 1)
//   alpha_n = 0.01 vtrap(-(V+55), 10)     beta_n = 0.125 exp(-(V+65)/80)
//   vtrap(x, y) = x / (exp(x/y) - 1), and y (1 - x/y/2) for |x/y| < 1e-6
//
// all multiplied by q10 = 3^((celsius - 6.3)/10). Absolute units for a membrane patch of
// 1e-4 cm^2 (so 1 uF/cm^2 -> C_m = 100 pF, 120 mS/cm^2 -> g_Na = 12000 nS, 36 -> 3600, 0.3 -> 30,
// and 10 uA/cm^2 -> 1000 pA). A spike is the upward crossing of V_spike (default 0 mV), located
// inside the step; there is no reset. Two exponential conductance ports, "exc" and "inh".

#include <brainsim/models/detail/hh_family.hpp>
#include <brainsim/models/neuron_model.hpp>

#include <array>
#include <cmath>
#include <string_view>

namespace brainsim::models {

struct hh: internal::hh_family<hh> {
    static constexpr std::string_view name = "hh";
    static constexpr std::string_view doc =
        "Hodgkin & Huxley (1952) squid axon, rates as NEURON hh.mod (q10 = 3), 100 pF patch; "
        "spike = upward crossing of V_spike";

    static constexpr std::array<param_info, 16> parameters{{
        {"C_m", "pF", 100.0, constraint::positive, "membrane capacitance"},
        {"g_Na", "nS", 12000.0, constraint::nonnegative, "peak sodium conductance"},
        {"g_K", "nS", 3600.0, constraint::nonnegative, "peak potassium conductance"},
        {"g_L", "nS", 30.0, constraint::nonnegative, "leak conductance"},
        {"E_Na", "mV", 50.0, constraint::any, "sodium reversal potential"},
        {"E_K", "mV", -77.0, constraint::any, "potassium reversal potential"},
        {"E_L", "mV", -54.3, constraint::any, "leak reversal potential"},
        {"celsius", "degC", 6.3, constraint::any, "temperature; rates scale with 3^((celsius-6.3)/10)"},
        {"V_spike", "mV", 0.0, constraint::any, "spike = upward crossing of this potential"},
        {"E_ex", "mV", 0.0, constraint::any, "reversal potential of port 'exc'"},
        {"E_in", "mV", -80.0, constraint::any, "reversal potential of port 'inh'"},
        {"tau_syn_ex", "ms", 0.2, constraint::positive, "decay time of the 'exc' conductance"},
        {"tau_syn_in", "ms", 2.0, constraint::positive, "decay time of the 'inh' conductance"},
        {"t_block", "ms", 0.0, constraint::nonnegative, "spike detection blocked this long after a spike"},
        {"rtol", "1", 1e-6, constraint::positive, "relative tolerance of the adaptive integrator"},
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
    // Integration schemes selectable with prepare(p, dt, method); index 0 is the default.
    static constexpr std::array<std::string_view, 3> methods{"adaptive", "exp_euler", "rk23"};
    static constexpr std::array<internal::hh_method, 3> method_ids{
        internal::hh_method::adaptive, internal::hh_method::exp_euler, internal::hh_method::rk23};

    using constants = internal::hh_constants;
    using state = std::array<double, internal::HH_NVARS>;

    static double vtrap(double x, double y) {
        return std::abs(x / y) < 1e-6 ? y * (1.0 - x / y / 2.0) : x / (std::exp(x / y) - 1.0);
    }

    // x / (e^(x/y) - 1) given ex = e^(x/y) (hh.mod's vtrap with the exponential passed in).
    static double vtrap_e(double x, double y, double ex) {
        return std::abs(x / y) < 1e-6 ? y * (1.0 - x / y / 2.0) : x / (ex - 1.0);
    }

    // The three exponentials with scale 10 mV share E = exp(-(V + 40)/10):
    // exp(-(V + 35)/10) = E e^0.5 and exp(-(V + 55)/10) = E e^-1.5 (four exponentials, not six).
    static void rates(const constants& c, double V, double* ab) {
        const double q = c.q10;
        const double E = std::exp(-(V + 40.0) * 0.1);
        ab[0] = q * 0.1 * vtrap_e(-(V + 40.0), 10.0, E);
        ab[1] = q * 4.0 * std::exp(-(V + 65.0) * (1.0 / 18.0));
        ab[2] = q * 0.07 * std::exp(-(V + 65.0) * 0.05);
        ab[3] = q * 1.0 / (E * 1.6487212707001281468 + 1.0);            // e^0.5
        ab[4] = q * 0.01 * vtrap_e(-(V + 55.0), 10.0, E * 0.22313016014842982893);  // e^-1.5
        ab[5] = q * 0.125 * std::exp(-(V + 65.0) * 0.0125);
    }

    static constants prepare(const double* p, double dt, int method = 0) {
        check_parameters<hh>(p);
        if (!(dt > 0.0) || !std::isfinite(dt))
            throw config_error("dt", brainsim::detail::repr(dt), "> 0 and finite [ms]", "model 'hh'");
        if (!(p[14] < 0.1))
            throw config_error("rtol", brainsim::detail::repr(p[14]), "> 0 and < 0.1", "model 'hh'");
        constants c;
        c.C = p[0];
        c.g_Na = p[1];
        c.g_K = p[2];
        c.g_L = p[3];
        c.E_Na = p[4];
        c.E_K = p[5];
        c.E_L = p[6];
        c.q10 = std::pow(3.0, (p[7] - 6.3) / 10.0);
        c.V_spike = p[8];
        c.E_ex = p[9];
        c.E_in = p[10];
        c.t_block = p[13];
        c.rtol = p[14];
        c.I_e = p[15];
        prepare_common(c, p[11], p[12], dt, method);
        return c;
    }

    static state initial_state(const double* p) { return resting_state(prepare(p, 0.1)); }
};

}  // namespace brainsim::models
