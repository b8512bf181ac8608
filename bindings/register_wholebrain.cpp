// Whole-brain simulation (neural masses on a connectome) and measurement operators (BOLD).
#include "bindings.hpp"

#include <brainsim/errors.hpp>
#include <brainsim/numeric/counter_rng.hpp>
#include <brainsim/observe/bold.hpp>
#include <brainsim/wholebrain/simulation.hpp>

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <cstring>
#include <optional>

namespace brainsim::py {
namespace {

namespace pyb = pybind11;
template <class T>
using carray = pyb::array_t<T, pyb::array::c_style | pyb::array::forcecast>;

template <class T>
std::vector<T> to_vec(const carray<T>& a) {
    return std::vector<T>(a.data(), a.data() + a.size());
}

pyb::array_t<double> to_array(std::vector<double>&& v, std::vector<pyb::ssize_t> shape) {
    auto* heap = new std::vector<double>(std::move(v));
    pyb::capsule owner(heap, [](void* p) { delete static_cast<std::vector<double>*>(p); });
    return pyb::array_t<double>(shape, heap->data(), owner);
}

std::string shape_str(const carray<double>& a) {
    std::string out = "(";
    for (pyb::ssize_t k = 0; k < a.ndim(); ++k) out += (k ? ", " : "") + std::to_string(a.shape(k));
    return out + (a.ndim() == 1 ? ",)" : ")");
}

wholebrain::coupling_kind coupling_kind_of(const std::string& s) {
    if (s == "linear") return wholebrain::coupling_kind::linear;
    if (s == "sigmoidal") return wholebrain::coupling_kind::sigmoidal;
    if (s == "difference") return wholebrain::coupling_kind::difference;
    throw config_error("coupling", "'" + s + "'", "'linear', 'sigmoidal' or 'difference'");
}
wholebrain::noise_kind noise_kind_of(const std::string& s) {
    if (s == "none") return wholebrain::noise_kind::none;
    if (s == "additive") return wholebrain::noise_kind::additive;
    if (s == "ou") return wholebrain::noise_kind::ou;
    throw config_error("noise", "'" + s + "'", "'none', 'additive' or 'ou'");
}
wholebrain::integrator integrator_of(const std::string& s) {
    if (s == "euler") return wholebrain::integrator::euler;
    if (s == "heun") return wholebrain::integrator::heun;
    if (s == "rk4") return wholebrain::integrator::rk4;
    if (s == "ros2") return wholebrain::integrator::ros2;
    if (s == "ros3p") return wholebrain::integrator::ros3p;
    if (s == "rodas3") return wholebrain::integrator::rodas3;
    if (s == "rodas4") return wholebrain::integrator::rodas4;
    throw config_error("integrator", "'" + s + "'", "'euler', 'heun', 'rk4', 'ros2', 'ros3p', 'rodas3' or 'rodas4'");
}

}  // namespace

void register_wholebrain(pybind11::module_& m) {
    m.def("wb_node_models", [] {
        pyb::list out;
        for (const auto& d: wholebrain::node_models()) {
            pyb::dict md;
            md["name"] = d.name;
            pyb::list ps;
            for (const auto& p: d.params)
                ps.append(pyb::make_tuple(std::string(p.name), std::string(p.unit), p.default_value, std::string(p.doc)));
            md["params"] = ps;
            md["state_names"] = d.state_names;
            md["default_initial"] = d.default_initial;
            md["output"] = d.output_doc;
            out.append(md);
        }
        return out;
    });

    m.def(
        "wb_simulate",
        [](const std::string& model, carray<double> params, carray<std::int64_t> row_ptr, carray<std::int32_t> source,
           carray<std::int32_t> delay_steps, carray<double> weight, const std::string& coupling, double a, double b,
           double cmin, double cmax, double midpoint, double r, const std::string& noise, double sigma, double tau_ou,
           const std::string& method, double dt, std::uint64_t seed, carray<double> initial_state,
           carray<double> stimuli, std::int64_t record_every, bool record_states, std::int64_t n_steps,
           unsigned threads, const pyb::object& resume) {
            wholebrain::config cfg;
            cfg.model = model;
            cfg.n_nodes = row_ptr.size() > 0 ? static_cast<std::size_t>(row_ptr.size() - 1) : 0;
            cfg.params = to_vec(params);
            cfg.row_ptr = to_vec(row_ptr);
            cfg.source = to_vec(source);
            cfg.delay_steps = to_vec(delay_steps);
            cfg.weight = to_vec(weight);
            cfg.coupling = {coupling_kind_of(coupling), a, b, cmin, cmax, midpoint, r};
            cfg.noise = {noise_kind_of(noise), sigma, tau_ou};
            cfg.method = integrator_of(method);
            cfg.dt = dt;
            cfg.seed = seed;
            cfg.initial_state = to_vec(initial_state);
            if (stimuli.size() % 4 != 0) throw config_error("stimuli", "array", "rows (node, start_step, stop_step, amplitude)");
            for (pyb::ssize_t k = 0; k + 3 < stimuli.size(); k += 4) {
                const double* s = stimuli.data() + k;
                cfg.stimuli.push_back({static_cast<std::int64_t>(s[0]), static_cast<std::int64_t>(s[1]),
                                       static_cast<std::int64_t>(s[2]), s[3]});
            }
            cfg.record_every = record_every;
            cfg.record_states = record_states;
            if (!resume.is_none()) {
                const auto d = resume.cast<pyb::dict>();
                auto& c = cfg.resume;
                cfg.resume_set = true;
                c.step = d["step"].cast<std::int64_t>();
                c.hist_len = d["hist_len"].cast<std::int64_t>();
                c.x = to_vec(d["x"].cast<carray<double>>());
                c.eta = to_vec(d["eta"].cast<carray<double>>());
                c.k1 = to_vec(d["k1"].cast<carray<double>>());
                c.h = to_vec(d["h"].cast<carray<double>>());
                c.hd = to_vec(d["hd"].cast<carray<double>>());
            }
            wholebrain::result res;
            {
                pyb::gil_scoped_release release;
                res = wholebrain::simulate(cfg, n_steps, threads);
            }
            pyb::dict out;
            const auto ns = static_cast<pyb::ssize_t>(res.n_samples), nn = static_cast<pyb::ssize_t>(res.n_nodes),
                       nst = static_cast<pyb::ssize_t>(res.n_state);
            out["output"] = to_array(std::move(res.output), {ns, nn});
            if (record_states) out["states"] = to_array(std::move(res.states), {ns, nn, nst});
            out["final_state"] = to_array(std::move(res.final_state), {nn, nst});
            out["epoch_steps"] = res.epoch_steps;
            pyb::dict carry;
            auto& e = res.end;
            const auto hl = static_cast<pyb::ssize_t>(e.hist_len);
            const pyb::ssize_t nk1 = e.k1.empty() ? 0 : nn, nhd = e.hd.empty() ? 0 : nn;
            carry["step"] = e.step;
            carry["hist_len"] = e.hist_len;
            carry["x"] = to_array(std::move(e.x), {nn, nst});
            carry["eta"] = to_array(std::move(e.eta), {nn, nst});
            carry["k1"] = to_array(std::move(e.k1), {nk1, nst});
            carry["h"] = to_array(std::move(e.h), {nn, hl});
            carry["hd"] = to_array(std::move(e.hd), {nhd, hl});
            out["carry"] = carry;
            return out;
        },
        pyb::arg("model"), pyb::arg("params"), pyb::arg("row_ptr"), pyb::arg("source"), pyb::arg("delay_steps"),
        pyb::arg("weight"), pyb::arg("coupling"), pyb::arg("a"), pyb::arg("b"), pyb::arg("cmin"), pyb::arg("cmax"),
        pyb::arg("midpoint"), pyb::arg("r"), pyb::arg("noise"), pyb::arg("sigma"), pyb::arg("tau_ou"),
        pyb::arg("method"), pyb::arg("dt"), pyb::arg("seed"), pyb::arg("initial_state"), pyb::arg("stimuli"),
        pyb::arg("record_every"), pyb::arg("record_states"), pyb::arg("n_steps"), pyb::arg("threads"),
        pyb::arg("resume") = pyb::none(), "Run a whole-brain network (see brainsim.wholebrain.WholeBrain for the public API)");

    m.def(
        "balloon_windkessel",
        [](carray<double> drive, double dt_ms, double tr_ms, const pyb::dict& kw, unsigned threads,
           std::optional<carray<double>> initial_state, std::int64_t phase) {
            if (drive.ndim() != 2) throw config_error("drive", std::to_string(drive.ndim()) + "-d array", "a 2-d array (time, region)");
            if (initial_state && (initial_state->ndim() != 2 || initial_state->shape(0) != drive.shape(1) ||
                                  initial_state->shape(1) != 4))
                throw config_error("initial_state", "an array of shape " + shape_str(*initial_state),
                                   "shape (" + std::to_string(drive.shape(1)) + ", 4): s, ln f, ln v, ln q per region");
            observe::balloon_params p;
            for (auto item: kw) {
                const auto key = item.first.cast<std::string>();
                const double v = item.second.cast<double>();
                if (key == "kappa") p.kappa = v;
                else if (key == "gamma") p.gamma = v;
                else if (key == "tau") p.tau = v;
                else if (key == "alpha") p.alpha = v;
                else if (key == "rho") p.rho = v;
                else if (key == "V0") p.V0 = v;
                else if (key == "k1") p.k1 = v;
                else if (key == "k2") p.k2 = v;
                else if (key == "k3") p.k3 = v;
                else if (key == "max_step_s") p.max_step_s = v;
                else throw config_error(key, detail::repr(v), "one of kappa, gamma, tau, alpha, rho, V0, k1, k2, k3, max_step_s", "BOLD");
            }
            observe::bold_result res;
            {
                pyb::gil_scoped_release release;
                res = observe::balloon_windkessel(drive.data(), drive.shape(0), drive.shape(1), dt_ms, tr_ms, p, threads,
                                                  initial_state ? initial_state->data() : nullptr, phase);
            }
            const auto ns = static_cast<pyb::ssize_t>(res.n_samples), nr = static_cast<pyb::ssize_t>(res.n_regions);
            return pyb::make_tuple(to_array(std::move(res.bold), {ns, nr}), to_array(std::move(res.states), {ns, nr, 4}),
                                   to_array(std::move(res.final_state), {nr, 4}), res.final_phase);
        },
        pyb::arg("drive"), pyb::arg("dt_ms"), pyb::arg("tr_ms"), pyb::arg("params"), pyb::arg("threads") = 1,
        pyb::arg("initial_state") = pyb::none(), pyb::arg("phase") = 0);

    m.def(
        "philox4x64_10",
        [](std::array<std::uint64_t, 4> ctr, std::array<std::uint64_t, 2> key) {
            return numeric::philox4x64_10::generate(ctr, key);
        },
        pyb::arg("counter"), pyb::arg("key"), "Philox4x64-10 block (for known-answer tests)");
    m.def(
        "counter_normals",
        [](std::uint64_t seed, std::uint64_t stream, std::uint64_t step, std::uint64_t n_entities) {
            std::vector<double> v(static_cast<std::size_t>(n_entities) * 4);
            for (std::uint64_t e = 0; e < n_entities; ++e) {
                const auto z = numeric::normals4(seed, stream, step, e);
                std::copy(z.begin(), z.end(), v.begin() + static_cast<std::ptrdiff_t>(4 * e));
            }
            return to_array(std::move(v), {static_cast<pyb::ssize_t>(n_entities), 4});
        },
        pyb::arg("seed"), pyb::arg("stream"), pyb::arg("step"), pyb::arg("n_entities"));
    m.attr("OBSERVATION_NOISE_STREAM") = numeric::stream::observation_noise;
}

}  // namespace brainsim::py
