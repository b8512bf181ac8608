#pragma once
// The point-neuron model concept: what a model provides so the network engine, the single-neuron
// simulator and the Python registry can all use it without knowing the model.
//
// A model is a small trait struct M (no virtual functions, no data members) with:
//
//   static constexpr std::string_view name;         // registry name, e.g. "lif_cond_exp"
//   static constexpr std::string_view doc;          // one-line description with the reference
//   static constexpr std::array<param_info, NP> parameters;   // order = layout of M::params::values
//   static constexpr std::array<var_info, NS> state_vars;     // order = layout of M::state
//   static constexpr std::array<receptor_info, NR> receptors; // input ports
//   using state = std::array<double, NS>;
//
//   // Per-population constants derived from the parameter values and dt (propagators, etc.).
//   struct constants { ... };
//   static constants prepare(const double* p, double dt);      // p has NP values; validates
//                                                              // cross-parameter relations and
//                                                              // throws config_error
//   static state initial_state(const double* p);               // resting state
//
//   // Advance one neuron by one step of length dt. `in[r]` is the summed weight of the events that
//   // arrive on receptor r at the start of this step (units: receptor_info::weight_unit);
//   // `I_ext` is an external current in pA, constant over the step. Returns whether the neuron
//   // spiked in this step and, for models that locate it, the spike time as an offset in [0, dt]
//   // from the start of the step (time-stepped models return offset = dt).
//   static step_result step(const constants& c, state& s, const double* in, double I_ext);
//
// Optional (detected with the traits below):
//   // exact (closed-form) subthreshold propagation over any h <= dt, for event-driven and hybrid
//   static void propagate(const constants& c, state& s, double h, double I_ext);
//   static double threshold_crossing(const constants& c, const state& s, double h, double I_ext);
//                     // time in (0, h] at which V first reaches threshold, or +inf if it does not
//
// Added by the engine (backwards compatible; all optional):
//   // Timing convention of the network engine: a spike found in step k is stamped at the end of the
//   // step, t = (k+1) dt (NEST convention; hybrid/event-driven: k dt + offset). With a delay of d
//   // steps it arrives at t + d dt, i.e. at the end of step k+d, and is handed to step(k+d) in `in`.
//   // A model applies `in` where its semantics say (the LIF family applies it after propagating V,
//   // as NEST does; applying it at the step start gives one step less latency, as Brian2 does).
//   // Precise (hybrid / event-driven) schemes need, besides propagate and threshold_crossing:
//   static void receive(const constants& c, state& s, int receptor, double w); // event arrives now
//   static bool at_threshold(const constants& c, const state& s);              // spike now?
//   static void emit(const constants& c, state& s);                            // reset after spike
//   // propagate/threshold_crossing then also account for the refractory time left in the state.
//
// Observables (optional): quantities derived from the state, recordable like state variables (for
// example the synaptic currents that an LFP proxy sums):
//   static constexpr std::array<var_info, K> observables;
//   static double observe(const constants& c, const state& s, int k);   // k indexes observables
//
// Parameters are plain doubles in the units listed (ms, mV, pA, nS, pF). Checks are written in
// positive form so NaN fails, and every failure is a config_error naming model, parameter, value
// and the allowed range.

#include <brainsim/errors.hpp>

#include <array>
#include <cmath>
#include <span>
#include <string>
#include <string_view>

namespace brainsim::models {

enum class constraint { any, positive, nonnegative };

struct param_info {
    std::string_view name;
    std::string_view unit;
    double default_value;
    constraint check;
    std::string_view doc;
};

struct var_info {
    std::string_view name;
    std::string_view unit;
};

enum class receptor_kind { conductance, current, voltage_jump };

struct receptor_info {
    std::string_view name;        // e.g. "exc", "inh", "nmda"
    receptor_kind kind;
    std::string_view weight_unit; // "nS", "pA" or "mV"
};

struct step_result {
    bool spiked = false;
    double offset = 0.0;  // spike time within the step, in [0, dt]
};

// Check one parameter value against its declared constraint.
inline void check_parameter(std::string_view model, const param_info& info, double value) {
    bool ok = std::isfinite(value);
    if (info.check == constraint::positive) ok = ok && value > 0.0;
    if (info.check == constraint::nonnegative) ok = ok && value >= 0.0;
    if (!ok) {
        const char* allowed = info.check == constraint::positive      ? "> 0 and finite"
                              : info.check == constraint::nonnegative ? ">= 0 and finite"
                                                                      : "a finite number";
        throw config_error(std::string(info.name), brainsim::detail::repr(value),
                           std::string(allowed) + " [" + std::string(info.unit) + "]",
                           "model '" + std::string(model) + "'");
    }
}

// Check all parameter values of model M (p holds M::parameters.size() values).
template <typename M>
void check_parameters(const double* p) {
    for (std::size_t i = 0; i < M::parameters.size(); ++i) check_parameter(M::name, M::parameters[i], p[i]);
}

// Index of a parameter, state variable or receptor by name; -1 if absent.
template <typename Table>
constexpr int index_of(const Table& table, std::string_view name) {
    for (std::size_t i = 0; i < table.size(); ++i)
        if (table[i].name == name) return static_cast<int>(i);
    return -1;
}

template <typename M>
concept has_exact_propagation = requires(const typename M::constants& c, typename M::state& s, double h) {
    M::propagate(c, s, h, 0.0);
    { M::threshold_crossing(c, s, h, 0.0) } -> std::convertible_to<double>;
};

template <typename M>
concept has_observables = requires(const typename M::constants& c, const typename M::state& s) {
    M::observables.size();
    { M::observe(c, s, 0) } -> std::convertible_to<double>;
};

// Models that the hybrid and event-driven schemes can run (engine).
template <typename M>
concept supports_precise_timing =
    has_exact_propagation<M> &&
    requires(const typename M::constants& c, typename M::state& s, const typename M::state& cs) {
        M::receive(c, s, 0, 0.0);
        { M::at_threshold(c, cs) } -> std::convertible_to<bool>;
        M::emit(c, s);
    };

}  // namespace brainsim::models
