// Model dispatch for wholebrain::simulate() and the model registry.
#include <brainsim/wholebrain/engine.hpp>
#include <brainsim/wholebrain/simulation.hpp>

#include <brainsim/mass/hopf.hpp>
#include <brainsim/mass/jansen_rit.hpp>
#include <brainsim/mass/wilson_cowan.hpp>

#include <memory>

namespace brainsim::wholebrain {
namespace {

template <class Model>
model_description describe() {
    model_description d;
    d.name = std::string(Model::name);
    d.params.assign(Model::params.begin(), Model::params.end());
    for (const char* s: Model::state_names) d.state_names.emplace_back(s);
    d.default_initial.assign(Model::default_initial.begin(), Model::default_initial.end());
    d.output_doc = std::string(Model::output_doc);  // (operator=(const char*) trips a GCC 12 -Wrestrict false positive)
    return d;
}

template <class Model>
result run(const config& cfg, std::int64_t n_steps, unsigned threads) {
    engine<Model> eng(cfg);
    std::unique_ptr<thread_pool> pool;
    if (threads > 1) pool = std::make_unique<thread_pool>(threads);
    return eng.run(n_steps, pool.get());
}

std::string known_names() {
    std::string s;
    for (const auto& m: node_models()) s += (s.empty() ? "" : ", ") + m.name;
    return s;
}

}  // namespace

std::vector<model_description> node_models() {
    return {describe<mass::wilson_cowan>(), describe<mass::jansen_rit>(), describe<mass::hopf>()};
}

const model_description& node_model(const std::string& name) {
    static const std::vector<model_description> all = node_models();
    for (const auto& m: all)
        if (m.name == name) return m;
    throw unknown_model_error(name, known_names());
}

result simulate(const config& cfg, std::int64_t n_steps, unsigned threads) {
    if (!(threads >= 1)) throw config_error("threads", std::to_string(threads), ">= 1");
    if (cfg.model == mass::wilson_cowan::name) return run<mass::wilson_cowan>(cfg, n_steps, threads);
    if (cfg.model == mass::jansen_rit::name) return run<mass::jansen_rit>(cfg, n_steps, threads);
    if (cfg.model == mass::hopf::name) return run<mass::hopf>(cfg, n_steps, threads);
    throw unknown_model_error(cfg.model, known_names());
}

}  // namespace brainsim::wholebrain
