#pragma once
// Single-neuron simulation driver: run one point neuron of any model M (the concept in
// <brainsim/models/neuron_model.hpp>) with a piecewise-constant current and timed synaptic inputs,
// stepping it exactly as the network engine does (M::step once per step dt), and record traces and
// spike times.
//
//   auto res = brainsim::neuron::simulate<models::hh>(params, stim, opts);
//
// Time grid: steps k = 0 .. n-1 cover [k dt, (k+1) dt), n = t_end / dt. All stimulus times must lie
// on this grid (|t/dt - round(t/dt)| <= 1e-6): an input at time t arrives at the start of step
// t/dt (as a network event would), and the current changes at step boundaries.

#include <brainsim/errors.hpp>
#include <brainsim/models/neuron_model.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace brainsim::neuron {

struct spike_input {
    double time = 0.0;   // ms, on the dt grid
    int receptor = 0;    // index into M::receptors
    double weight = 0.0; // receptor weight unit (nS, pA or mV)
};

struct stimulus {
    // Piecewise-constant current (pA): current_values[i] from current_times[i] on (0 before the
    // first time). Times non-decreasing, on the dt grid.
    std::vector<double> current_times;
    std::vector<double> current_values;
    std::vector<spike_input> inputs;
};

struct options {
    double t_end = 100.0;                 // ms, a multiple of dt
    double dt = 0.1;                      // ms
    std::string method;                   // integration scheme of the model ("" = its default)
    std::vector<std::string> record;      // state variables to record (empty: V_m if present)
    std::vector<std::pair<std::string, double>> initial;  // state overrides at t = 0
    std::int64_t record_every = 1;        // record every this many steps
};

struct result {
    std::vector<double> times;          // recording times (0 and every record_every steps)
    std::vector<std::string> names;     // recorded variables
    std::vector<double> traces;         // names.size() x times.size(), row-major
    std::vector<double> spike_times;    // ms
    std::int64_t steps = 0;
};

namespace detail {

template <typename Table>
std::string names_of(const Table& t) {
    std::string s;
    for (const auto& x : t) s += (s.empty() ? "" : ", ") + std::string(x.name);
    return s;
}

template <typename M>
std::string method_names() {
    if constexpr (requires { M::methods; }) {
        std::string s;
        for (auto m : M::methods) s += (s.empty() ? "" : ", ") + std::string(m);
        return s;
    }
    else {
        return "default";
    }
}

// Index of a scheme in M::methods ("" = 0); throws config_error listing the allowed ones.
template <typename M>
int method_index(std::string_view method) {
    if (method.empty() || method == "default") return 0;
    if constexpr (requires { M::methods; }) {
        for (std::size_t i = 0; i < M::methods.size(); ++i)
            if (M::methods[i] == method) return static_cast<int>(i);
    }
    throw config_error("method", "'" + std::string(method) + "'", "one of: " + method_names<M>(),
                       "model '" + std::string(M::name) + "'");
}

template <typename M>
typename M::constants prepare(const double* p, double dt, int method) {
    if constexpr (requires { M::prepare(p, dt, method); }) return M::prepare(p, dt, method);
    else return M::prepare(p, dt);
}

// Step index of a time on the dt grid; throws config_error if it is off the grid or outside.
inline std::int64_t grid_index(const std::string& what, double t, double dt, std::int64_t n_max,
                               bool n_max_is_last_step = false) {
    if (!std::isfinite(t) || !(t >= 0.0))
        throw config_error(what, brainsim::detail::repr(t), ">= 0 and finite [ms]");
    const double k = std::round(t / dt);
    if (!(std::abs(t / dt - k) <= 1e-6))
        throw config_error(what, brainsim::detail::repr(t),
                           "a multiple of dt = " + brainsim::detail::repr(dt) + " ms");
    if (k > double(n_max))
        throw config_error(what, brainsim::detail::repr(t),
                           n_max_is_last_step ? "< t_end (an input at t arrives at the start of step t/dt)" : "<= t_end");
    return static_cast<std::int64_t>(k);
}

}  // namespace detail

// Default parameter vector of model M.
template <typename M>
std::vector<double> default_parameters() {
    std::vector<double> p;
    for (const auto& info : M::parameters) p.push_back(info.default_value);
    return p;
}

template <typename M>
result simulate(std::span<const double> params, const stimulus& stim, const options& opt) {
    const std::string ctx = "simulate_neuron('" + std::string(M::name) + "')";
    if (params.size() != M::parameters.size())
        throw config_error("params", std::to_string(params.size()) + " values",
                           std::to_string(M::parameters.size()) + " values (" + detail::names_of(M::parameters) + ")",
                           ctx);
    if (!(opt.dt > 0.0) || !std::isfinite(opt.dt))
        throw config_error("dt", brainsim::detail::repr(opt.dt), "> 0 and finite [ms]", ctx);
    if (!(opt.t_end >= 0.0) || !std::isfinite(opt.t_end))
        throw config_error("t_end", brainsim::detail::repr(opt.t_end), ">= 0 and finite [ms]", ctx);
    const double nd = std::round(opt.t_end / opt.dt);
    if (!(std::abs(opt.t_end / opt.dt - nd) <= 1e-6))
        throw config_error("t_end", brainsim::detail::repr(opt.t_end),
                           "a multiple of dt = " + brainsim::detail::repr(opt.dt) + " ms", ctx);
    if (!(nd <= 1e9)) throw config_error("t_end", brainsim::detail::repr(opt.t_end), "<= 1e9 steps of dt", ctx);
    const auto n = static_cast<std::int64_t>(nd);
    if (!(opt.record_every >= 1))
        throw config_error("record_every", std::to_string(opt.record_every), ">= 1", ctx);

    const int method = detail::method_index<M>(opt.method);
    const typename M::constants c = detail::prepare<M>(params.data(), opt.dt, method);
    typename M::state s = M::initial_state(params.data());
    for (const auto& [name, value] : opt.initial) {
        const int i = models::index_of(M::state_vars, name);
        if (i < 0)
            throw config_error("initial", "'" + name + "'", "a state variable: " + detail::names_of(M::state_vars), ctx);
        if (!std::isfinite(value)) throw config_error("initial." + name, brainsim::detail::repr(value), "finite", ctx);
        s[static_cast<std::size_t>(i)] = value;
    }

    // Recorded variables.
    result res;
    std::vector<int> rec;
    if (opt.record.empty()) {
        if (models::index_of(M::state_vars, "V_m") >= 0) res.names.push_back("V_m");
    }
    else {
        res.names = opt.record;
    }
    for (const auto& name : res.names) {
        const int i = models::index_of(M::state_vars, name);
        if (i < 0)
            throw config_error("record", "'" + name + "'", "state variables of '" + std::string(M::name) +
                                                               "': " + detail::names_of(M::state_vars), ctx);
        rec.push_back(i);
    }

    // Current per step.
    if (stim.current_times.size() != stim.current_values.size())
        throw config_error("current", std::to_string(stim.current_times.size()) + " times and " +
                                          std::to_string(stim.current_values.size()) + " values",
                           "equal lengths", ctx);
    std::vector<std::int64_t> change_step;
    for (std::size_t i = 0; i < stim.current_times.size(); ++i) {
        change_step.push_back(detail::grid_index("current.times", stim.current_times[i], opt.dt, n));
        if (i > 0 && !(stim.current_times[i] >= stim.current_times[i - 1]))
            throw config_error("current.times", brainsim::detail::repr(stim.current_times[i]),
                               "non-decreasing times", ctx);
        if (!std::isfinite(stim.current_values[i]))
            throw config_error("current.values", brainsim::detail::repr(stim.current_values[i]), "finite [pA]", ctx);
    }

    // Inputs sorted by step.
    constexpr std::size_t NR = M::receptors.size();
    std::vector<std::pair<std::int64_t, spike_input>> inputs;
    for (const auto& in : stim.inputs) {
        if (!(in.receptor >= 0 && static_cast<std::size_t>(in.receptor) < NR))
            throw config_error("inputs.receptor", std::to_string(in.receptor),
                               "a receptor of '" + std::string(M::name) + "': " + detail::names_of(M::receptors), ctx);
        if (!std::isfinite(in.weight)) throw config_error("inputs.weight", brainsim::detail::repr(in.weight), "finite", ctx);
        if (M::receptors[static_cast<std::size_t>(in.receptor)].kind == models::receptor_kind::conductance &&
            !(in.weight >= 0.0))
            throw config_error("inputs.weight", brainsim::detail::repr(in.weight),
                               ">= 0 [nS] on conductance receptor '" +
                                   std::string(M::receptors[static_cast<std::size_t>(in.receptor)].name) +
                                   "' (inhibition comes from the reversal potential)",
                               ctx);
        inputs.emplace_back(detail::grid_index("inputs.time", in.time, opt.dt, n - 1, true), in);
    }
    std::stable_sort(inputs.begin(), inputs.end(), [](const auto& a, const auto& b) { return a.first < b.first; });

    const std::int64_t n_rec = n / opt.record_every + 1;
    res.times.reserve(static_cast<std::size_t>(n_rec));
    std::vector<std::vector<double>> tr(rec.size());
    for (auto& v : tr) v.reserve(static_cast<std::size_t>(n_rec));
    auto record = [&](std::int64_t k) {
        res.times.push_back(double(k) * opt.dt);
        for (std::size_t j = 0; j < rec.size(); ++j) tr[j].push_back(s[static_cast<std::size_t>(rec[j])]);
    };
    record(0);

    std::array<double, NR == 0 ? 1 : NR> in_buf{};
    std::size_t next_in = 0, next_cur = 0;
    double I = 0.0;
    for (std::int64_t k = 0; k < n; ++k) {
        while (next_cur < change_step.size() && change_step[next_cur] <= k) I = stim.current_values[next_cur++];
        in_buf.fill(0.0);
        while (next_in < inputs.size() && inputs[next_in].first == k) {
            in_buf[static_cast<std::size_t>(inputs[next_in].second.receptor)] += inputs[next_in].second.weight;
            ++next_in;
        }
        const models::step_result r = M::step(c, s, in_buf.data(), I);
        if (r.spiked) res.spike_times.push_back(double(k) * opt.dt + r.offset);
        if ((k + 1) % opt.record_every == 0) record(k + 1);
    }
    res.steps = n;
    res.traces.reserve(rec.size() * res.times.size());
    for (const auto& v : tr) res.traces.insert(res.traces.end(), v.begin(), v.end());
    return res;
}

}  // namespace brainsim::neuron
