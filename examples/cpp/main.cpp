// Embedding brainsim from C++ (no Python): a small sparse balanced network of LIF neurons with
// delta synapses (Brunel 2000 model A at 1/10 size) run on two threads with exact input summation,
// and a stiff ODE (ROBER) solved with RODAS4.
#include <brainsim/build_info.hpp>
#include <brainsim/engine/simulation.hpp>
#include <brainsim/solver/solve.hpp>

#include <cmath>
#include <iostream>

namespace bn = brainsim::network;

int main() {
    auto info = brainsim::build_info();
    std::cout << "brainsim " << info.version << " (" << info.compiler << ", mpi=" << info.mpi << ")\n";

    // --- network: 1000 E + 250 I lif_delta neurons, fixed in-degree 100 / 25, 20 mV threshold
    bn::network_spec spec;
    spec.dt = 0.1;
    spec.seed = 42;
    const std::vector<std::pair<std::string, double>> neuron{
        {"tau_m", 20.0}, {"V_th", 20.0}, {"V_reset", 0.0}, {"E_L", 0.0}, {"t_ref", 2.0}};
    spec.populations.push_back({"E", "lif_delta", 1000, neuron, {}});
    spec.populations.push_back({"I", "lif_delta", 250, neuron, {}});
    for (std::uint32_t post: {0u, 1u}) {
        bn::projection_spec e, i;
        e.pre = 0; e.post = post;
        e.rule.k = bn::rule_spec::kind::fixed_indegree; e.rule.n = 100;
        e.weight = bn::value_spec::constant(0.1 * 10); e.delay = bn::value_spec::constant(1.5);
        i.pre = 1; i.post = post;
        i.rule.k = bn::rule_spec::kind::fixed_indegree; i.rule.n = 25;
        i.weight = bn::value_spec::constant(-0.5 * 10); i.delay = bn::value_spec::constant(1.5);
        spec.projections.push_back(e);
        spec.projections.push_back(i);
        bn::stimulus_spec drive;  // 2 x threshold rate: nu_ext = 20 Hz x 100 inputs x 1 mV
        drive.k = bn::stimulus_spec::kind::poisson;
        drive.rate = 2000.0; drive.weight = 1.0; drive.delay = 1.5; drive.population = post;
        spec.stimuli.push_back(drive);
        bn::recorder_spec rec;
        rec.k = bn::recorder_spec::kind::spikes; rec.population = post;
        spec.recorders.push_back(rec);
    }
    brainsim::engine::run_options opt;
    opt.threads = 2;
    brainsim::engine::simulation sim(spec, opt);
    sim.run(200.0);
    auto e = sim.take_spikes(0), i = sim.take_spikes(1);
    const double rate = (e.times.size() + i.times.size()) / (1250 * 0.2);
    std::cout << "network: " << sim.report().n_synapses << " synapses, " << e.times.size() + i.times.size()
              << " spikes in 200 ms (" << rate << " Hz)\n";

    // --- stiff ODE: ROBER to t = 40 with RODAS4 against the published value of y1(40)
    brainsim::solver::solve_options o;
    o.method = "rodas4"; o.t_end = 40.0; o.rtol = {1e-8}; o.atol = {1e-12}; o.record = false;
    auto r = brainsim::solver::solve("rober", o);
    const double y1_ref = 0.7158270687193941;  // Enright & Pryce, stiff DETEST D2 (tests/data/stiff)
    const double rel = std::abs(r.y_end[0] - y1_ref) / y1_ref;
    std::cout << "rober: y1(40) = " << r.y_end[0] << " (rel. error " << rel << "), " << r.stats.accepted
              << " steps\n";

    if (rate > 1.0 && rate < 200.0 && rel < 1e-6) std::cout << "consumer ok\n";
    return 0;
}
