// The spiking network engine: model registry, network specification (from plain Python dicts built
// by brainsim.network), and the simulation object.
#include "bindings.hpp"

#include <brainsim/engine/simulation.hpp>
#include <brainsim/errors.hpp>
#include <brainsim/network/spec.hpp>

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <string>

namespace brainsim::py {

namespace {

namespace pb = pybind11;
using network::value_spec;

template <typename T>
T get_or(const pb::dict& d, const char* key, T fallback) {
    if (!d.contains(key) || d[key].is_none()) return fallback;
    return d[key].cast<T>();
}

value_spec to_value(const pb::handle& h, const std::string& what) {
    if (pb::isinstance<pb::dict>(h)) {
        auto d = h.cast<pb::dict>();
        auto dist = get_or<std::string>(d, "dist", "");
        if (dist == "normal") {
            auto v = value_spec::normal(d["mean"].cast<double>(), d["sd"].cast<double>(),
                                        get_or<double>(d, "low", -std::numeric_limits<double>::infinity()),
                                        get_or<double>(d, "high", std::numeric_limits<double>::infinity()),
                                        get_or<std::string>(d, "bounds", "redraw") == "clip" ? value_spec::bounds::clip
                                                                                            : value_spec::bounds::redraw);
            return v;
        }
        if (dist == "uniform") return value_spec::uniform(d["low"].cast<double>(), d["high"].cast<double>());
        throw config_error(what, "a distribution '" + dist + "'", "normal or uniform");
    }
    if (pb::isinstance<pb::float_>(h) || pb::isinstance<pb::int_>(h)) return value_spec::constant(h.cast<double>());
    auto a = pb::array_t<double, pb::array::c_style | pb::array::forcecast>::ensure(h);
    if (!a) throw config_error(what, std::string(pb::str(h)), "a number, an array or a distribution");
    if (a.ndim() == 0) return value_spec::constant(*a.data());
    return value_spec::array(std::vector<double>(a.data(), a.data() + a.size()));
}

std::vector<std::uint64_t> to_indices(const pb::handle& h) {
    if (h.is_none()) return {};
    auto a = pb::array_t<std::uint64_t, pb::array::c_style | pb::array::forcecast>::ensure(h);
    return std::vector<std::uint64_t>(a.data(), a.data() + a.size());
}

network::network_spec to_spec(const pb::dict& d) {
    network::network_spec s;
    s.dt = d["dt"].cast<double>();
    s.seed = d["seed"].cast<std::uint64_t>();
    for (auto ph: d["populations"].cast<pb::list>()) {
        auto p = ph.cast<pb::dict>();
        network::population_spec ps;
        ps.name = p["name"].cast<std::string>();
        ps.model = p["model"].cast<std::string>();
        ps.n = p["n"].cast<std::uint64_t>();
        for (auto [k, v]: p["params"].cast<pb::dict>()) ps.params.emplace_back(k.cast<std::string>(), v.cast<double>());
        for (auto [k, v]: p["initial"].cast<pb::dict>()) {
            auto name = k.cast<std::string>();
            ps.initial.emplace_back(name, to_value(v, "initial['" + name + "']"));
        }
        s.populations.push_back(std::move(ps));
    }
    using RK = network::rule_spec::kind;
    for (auto jh: d["projections"].cast<pb::list>()) {
        auto j = jh.cast<pb::dict>();
        network::projection_spec pr;
        pr.pre = j["pre"].cast<std::uint32_t>();
        pr.post = j["post"].cast<std::uint32_t>();
        pr.pre_subset = to_indices(j["pre_subset"]);
        pr.post_subset = to_indices(j["post_subset"]);
        auto r = j["rule"].cast<pb::dict>();
        auto kind = r["kind"].cast<std::string>();
        if (kind == "all_to_all") pr.rule.k = RK::all_to_all;
        else if (kind == "one_to_one") pr.rule.k = RK::one_to_one;
        else if (kind == "fixed_probability") pr.rule.k = RK::fixed_probability;
        else if (kind == "fixed_indegree") pr.rule.k = RK::fixed_indegree;
        else if (kind == "fixed_outdegree") pr.rule.k = RK::fixed_outdegree;
        else if (kind == "fixed_total_number") pr.rule.k = RK::fixed_total_number;
        else if (kind == "explicit") pr.rule.k = RK::explicit_pairs;
        else throw config_error("rule", "'" + kind + "'", "one of: all_to_all, one_to_one, fixed_probability, fixed_indegree, fixed_outdegree, fixed_total_number, explicit");
        pr.rule.p = get_or<double>(r, "p", 0.0);
        pr.rule.n = get_or<std::uint64_t>(r, "n", 0);
        pr.rule.replace = get_or<bool>(r, "replace", true);
        pr.rule.autapses = get_or<bool>(r, "autapses", true);
        if (r.contains("pre")) pr.rule.pre = to_indices(r["pre"]);
        if (r.contains("post")) pr.rule.post = to_indices(r["post"]);
        pr.weight = to_value(j["weight"], "weight");
        pr.delay = to_value(j["delay"], "delay");
        pr.receptor = get_or<std::string>(j, "receptor", "");
        s.projections.push_back(std::move(pr));
    }
    using SK = network::stimulus_spec::kind;
    for (auto th: d["stimuli"].cast<pb::list>()) {
        auto t = th.cast<pb::dict>();
        network::stimulus_spec st;
        auto kind = t["kind"].cast<std::string>();
        if (kind == "dc") st.k = SK::dc;
        else if (kind == "step") st.k = SK::step;
        else if (kind == "pulse_train") st.k = SK::pulse_train;
        else if (kind == "sinusoid") st.k = SK::sinusoid;
        else if (kind == "noise") st.k = SK::noise;
        else if (kind == "poisson") st.k = SK::poisson;
        else if (kind == "spike_times") st.k = SK::spike_times;
        else throw config_error("stimulus", "'" + kind + "'", "dc, step, pulse_train, sinusoid, noise, poisson, spike_times");
        st.amplitude = get_or<double>(t, "amplitude", 0.0);
        st.start = get_or<double>(t, "start", 0.0);
        st.stop = get_or<double>(t, "stop", std::numeric_limits<double>::infinity());
        st.period = get_or<double>(t, "period", 0.0);
        st.width = get_or<double>(t, "width", 0.0);
        st.frequency = get_or<double>(t, "frequency", 0.0);
        st.phase = get_or<double>(t, "phase", 0.0);
        st.offset = get_or<double>(t, "offset", 0.0);
        st.mean = get_or<double>(t, "mean", 0.0);
        st.std = get_or<double>(t, "std", 0.0);
        st.rate = get_or<double>(t, "rate", 0.0);
        st.weight = get_or<double>(t, "weight", 0.0);
        st.delay = get_or<double>(t, "delay", s.dt);
        st.receptor = get_or<std::string>(t, "receptor", "");
        if (t.contains("times")) {
            auto a = pb::array_t<double, pb::array::c_style | pb::array::forcecast>::ensure(t["times"]);
            st.times.assign(a.data(), a.data() + a.size());
        }
        if (t.contains("amplitudes")) {
            auto a = pb::array_t<double, pb::array::c_style | pb::array::forcecast>::ensure(t["amplitudes"]);
            st.amplitudes.assign(a.data(), a.data() + a.size());
        }
        st.population = t["population"].cast<std::uint32_t>();
        st.targets = to_indices(t["targets"]);
        s.stimuli.push_back(std::move(st));
    }
    using QK = network::recorder_spec::kind;
    for (auto rh: d["recorders"].cast<pb::list>()) {
        auto r = rh.cast<pb::dict>();
        network::recorder_spec rs;
        auto kind = r["kind"].cast<std::string>();
        rs.k = kind == "spikes" ? QK::spikes : kind == "population_sum" ? QK::population_sum : QK::state;
        rs.population = r["population"].cast<std::uint32_t>();
        rs.indices = to_indices(r["indices"]);
        rs.variable = get_or<std::string>(r, "variable", "");
        rs.interval = get_or<double>(r, "interval", 0.0);
        s.recorders.push_back(std::move(rs));
    }
    return s;
}

template <typename T>
pb::array_t<T> to_numpy(std::vector<T>&& v) {
    auto* heap = new std::vector<T>(std::move(v));
    pb::capsule owner(heap, [](void* p) { delete static_cast<std::vector<T>*>(p); });
    return pb::array_t<T>({heap->size()}, {sizeof(T)}, heap->data(), owner);
}

}  // namespace

void register_network(pybind11::module_& m) {
    m.def("neuron_models", [] {
        pb::list out;
        for (const auto& md: engine::neuron_models()) {
            pb::dict d;
            d["name"] = md.name;
            d["doc"] = md.doc;
            pb::list ps;
            for (const auto& p: md.parameters) {
                pb::dict x;
                x["name"] = p.name;
                x["unit"] = p.unit;
                x["default"] = p.default_value;
                x["doc"] = p.doc;
                ps.append(x);
            }
            d["parameters"] = ps;
            pb::list sv, rc;
            for (const auto& [n, u]: md.state_vars) sv.append(pb::make_tuple(n, u));
            for (const auto& [n, u]: md.receptors) rc.append(pb::make_tuple(n, u));
            d["state_vars"] = sv;
            d["receptors"] = rc;
            pb::list ob;
            for (const auto& [n, u]: md.observables) ob.append(pb::make_tuple(n, u));
            d["observables"] = ob;
            d["precise"] = md.precise;
            out.append(d);
        }
        return out;
    }, "All point-neuron models: list of dicts (name, doc, parameters [name, unit, default, doc], "
       "state_vars [(name, unit)], receptors [(name, weight unit)], precise)");

    pb::class_<engine::simulation>(m, "Simulation")
        .def(pb::init([](const pb::dict& spec, unsigned threads, const std::string& accumulation, unsigned partitions,
                         const std::string& integration, pb::object comm) {
                 engine::run_options o;
                 o.threads = threads;
                 o.accumulation = numeric::parse_accumulation(accumulation);
                 o.partitions = partitions;
                 o.integration = engine::parse_scheme(integration);
                 auto s = to_spec(spec);
                 comm::communicator c = comm.is_none() ? comm::make_local_communicator() : comm.cast<comm::communicator>();
                 pb::gil_scoped_release release;
                 return std::make_unique<engine::simulation>(std::move(s), o, c);
             }),
             pb::arg("spec"), pb::arg("threads") = 1, pb::arg("accumulation") = "exact", pb::arg("partitions") = 0,
             pb::arg("integration") = "time_stepped", pb::arg("comm") = pb::none())
        .def("run", &engine::simulation::run, pb::arg("duration"), pb::call_guard<pb::gil_scoped_release>())
        .def("run_steps", &engine::simulation::run_steps, pb::arg("steps"), pb::call_guard<pb::gil_scoped_release>())
        .def_property_readonly("time", &engine::simulation::time)
        .def_property_readonly("step", &engine::simulation::current_step)
        .def("take_spikes", [](engine::simulation& s, std::size_t r) {
            auto d = s.take_spikes(r);
            return pb::make_tuple(to_numpy(std::move(d.times)), to_numpy(std::move(d.ids)));
        })
        .def("take_samples", [](engine::simulation& s, std::size_t r) {
            auto d = s.take_samples(r);
            std::size_t nc = d.columns.empty() ? 1 : d.columns.size();
            std::size_t nr = d.times.size();
            auto vals = to_numpy(std::move(d.values));
            return pb::make_tuple(to_numpy(std::move(d.times)), vals.reshape({nr, nc}), to_numpy(std::move(d.columns)));
        })
        .def("get_state", &engine::simulation::get_state)
        .def("report", [](const engine::simulation& s) {
            const auto& r = s.report();
            pb::dict d;
            d["build_s"] = r.build_seconds;
            d["n_synapses"] = r.n_synapses;
            d["synapse_bytes"] = r.synapse_bytes;
            d["ring_bytes"] = r.ring_bytes;
            d["min_delay_steps"] = r.min_delay_steps;
            d["max_delay_steps"] = r.max_delay_steps;
            d["partitions"] = r.partitions;
            d["accumulators"] = r.accumulators;
            d["notes"] = r.notes;
            d["neuron_updates"] = r.neuron_updates;
            return d;
        });
}

}  // namespace brainsim::py
