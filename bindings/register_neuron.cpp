// Single-neuron simulation (brainsim::neuron::simulate) for every model in the registry, and the
// per-model description (parameters with units and defaults, state variables, receptors, methods).
#include "bindings.hpp"

#include <brainsim/errors.hpp>
#include <brainsim/models/registry.hpp>
#include <brainsim/neuron/simulate.hpp>

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <map>
#include <string>
#include <vector>

namespace pyb = pybind11;

namespace brainsim::py {
namespace {

using model_list = models::neuron_model_list;

template <typename M>
pyb::dict model_info() {
    pyb::dict d;
    d["name"] = std::string(M::name);
    d["doc"] = std::string(M::doc);
    pyb::list params;
    for (const auto& p : M::parameters) {
        const char* check = p.check == models::constraint::positive      ? "positive"
                            : p.check == models::constraint::nonnegative ? "nonnegative"
                                                                         : "any";
        params.append(pyb::make_tuple(std::string(p.name), std::string(p.unit), p.default_value, check,
                                      std::string(p.doc)));
    }
    d["parameters"] = params;
    pyb::list vars;
    for (const auto& v : M::state_vars) vars.append(pyb::make_tuple(std::string(v.name), std::string(v.unit)));
    d["state_vars"] = vars;
    pyb::list recs;
    for (const auto& r : M::receptors) {
        const char* kind = r.kind == models::receptor_kind::conductance ? "conductance"
                           : r.kind == models::receptor_kind::current   ? "current"
                                                                        : "voltage_jump";
        recs.append(pyb::make_tuple(std::string(r.name), kind, std::string(r.weight_unit)));
    }
    d["receptors"] = recs;
    pyb::list methods;
    if constexpr (requires { M::methods; }) {
        for (auto m : M::methods) methods.append(std::string(m));
    }
    else {
        methods.append("default");
    }
    d["methods"] = methods;
    return d;
}

// Call f.template operator()<M>() for the model called `name`; unknown_model_error otherwise.
template <typename F>
void dispatch(const std::string& name, F&& f) {
    bool found = false;
    models::for_each_model(model_list{}, [&]<typename M>() {
        if (!found && M::name == name) {
            found = true;
            f.template operator()<M>();
        }
    });
    if (!found) throw unknown_model_error(name, models::model_names(model_list{}));
}

template <typename M>
std::vector<double> resolve_params(const std::map<std::string, double>& given) {
    std::vector<double> p = neuron::default_parameters<M>();
    for (const auto& [key, value] : given) {
        const int i = models::index_of(M::parameters, key);
        if (i < 0)
            throw config_error("params", "'" + key + "'",
                               "parameters of '" + std::string(M::name) + "': " + neuron::detail::names_of(M::parameters),
                               "unknown parameter");
        p[static_cast<std::size_t>(i)] = value;
    }
    return p;
}

using farray = pyb::array_t<double, pyb::array::c_style | pyb::array::forcecast>;

std::vector<double> to_vector(const farray& a, const char* what) {
    if (a.ndim() != 1) throw config_error(what, std::to_string(a.ndim()) + "-d array", "a 1-d sequence");
    return std::vector<double>(a.data(), a.data() + a.size());
}

}  // namespace

void register_neuron(pyb::module_& m) {
    m.def("neuron_model_names", [] {
        std::vector<std::string> names;
        models::for_each_model(model_list{}, [&]<typename M>() { names.emplace_back(M::name); });
        return names;
    });
    m.def(
        "neuron_model_info",
        [](const std::string& name) {
            pyb::dict d;
            dispatch(name, [&]<typename M>() { d = model_info<M>(); });
            return d;
        },
        pyb::arg("name"), "Parameters (name, unit, default, constraint, doc), state variables, receptors, methods");

    m.def(
        "simulate_neuron",
        [](const std::string& model, const std::map<std::string, double>& params, const farray& current_times,
           const farray& current_values, const farray& input_times, const std::vector<std::string>& input_receptors,
           const farray& input_weights, double t_end, double dt, const std::vector<std::string>& record,
           const std::string& method, const std::map<std::string, double>& initial, std::int64_t record_every) {
            neuron::stimulus stim;
            stim.current_times = to_vector(current_times, "current.times");
            stim.current_values = to_vector(current_values, "current.values");
            const std::vector<double> it = to_vector(input_times, "inputs.time");
            const std::vector<double> iw = to_vector(input_weights, "inputs.weight");
            if (it.size() != iw.size() || it.size() != input_receptors.size())
                throw config_error("inputs", std::to_string(it.size()) + " times, " +
                                                 std::to_string(input_receptors.size()) + " receptors, " +
                                                 std::to_string(iw.size()) + " weights",
                                   "equal lengths");
            neuron::options opt;
            opt.t_end = t_end;
            opt.dt = dt;
            opt.method = method;
            opt.record = record;
            opt.record_every = record_every;
            for (const auto& kv : initial) opt.initial.emplace_back(kv.first, kv.second);
            neuron::result res;
            dispatch(model, [&]<typename M>() {
                const std::vector<double> p = resolve_params<M>(params);
                for (std::size_t i = 0; i < it.size(); ++i) {
                    const int r = models::index_of(M::receptors, input_receptors[i]);
                    if (r < 0)
                        throw config_error("inputs.receptor", "'" + input_receptors[i] + "'",
                                           "receptors of '" + std::string(M::name) +
                                               "': " + neuron::detail::names_of(M::receptors));
                    stim.inputs.push_back({it[i], r, iw[i]});
                }
                pyb::gil_scoped_release release;
                res = neuron::simulate<M>(p, stim, opt);
            });
            pyb::dict out;
            pyb::array_t<double> t(static_cast<pyb::ssize_t>(res.times.size()));
            std::copy(res.times.begin(), res.times.end(), t.mutable_data());
            const auto nt = static_cast<pyb::ssize_t>(res.times.size());
            const auto nv = static_cast<pyb::ssize_t>(res.names.size());
            pyb::array_t<double> traces({nv, nt});
            std::copy(res.traces.begin(), res.traces.end(), traces.mutable_data());
            pyb::array_t<double> spikes(static_cast<pyb::ssize_t>(res.spike_times.size()));
            std::copy(res.spike_times.begin(), res.spike_times.end(), spikes.mutable_data());
            out["t"] = t;
            out["names"] = res.names;
            out["traces"] = traces;
            out["spike_times"] = spikes;
            out["steps"] = res.steps;
            return out;
        },
        pyb::arg("model"), pyb::arg("params"), pyb::arg("current_times"), pyb::arg("current_values"),
        pyb::arg("input_times"), pyb::arg("input_receptors"), pyb::arg("input_weights"), pyb::arg("t_end"),
        pyb::arg("dt"), pyb::arg("record"), pyb::arg("method"), pyb::arg("initial"), pyb::arg("record_every"));
}

}  // namespace brainsim::py
