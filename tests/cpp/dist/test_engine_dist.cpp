// The spiking engine over ranks: each rank builds only its partitions, spikes are all-gathered every
// min-delay epoch, recordings are gathered; spikes, sampled traces, population sums and the final
// state are bitwise identical to a one-rank run (built on each rank with a local communicator), for
// exact and ordered accumulation, with one and two threads per rank.
#include "dist_test.hpp"

#include <brainsim/engine/simulation.hpp>
#include <brainsim/network/spec.hpp>

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

namespace {

using namespace brainsim;
using network::value_spec;

// E/I network of lif_curr_exp neurons: random (normal) weights, random delays, Poisson drive, a
// spike generator; 240 neurons, 80 ms.
network::network_spec random_net() {
    network::network_spec s;
    s.seed = 17;
    auto pop = [](const char* name, std::uint64_t n) {
        network::population_spec p;
        p.name = name;
        p.n = n;
        p.model = "lif_curr_exp";
        p.params = {{"tau_syn_ex", 0.5}, {"tau_syn_in", 1.0}, {"t_ref", 2.0}};
        p.initial.emplace_back("V_m", value_spec::uniform(-70.0, -55.0));
        return p;
    };
    s.populations.push_back(pop("E", 190));
    s.populations.push_back(pop("I", 50));
    const double inf = std::numeric_limits<double>::infinity();
    for (std::uint32_t post = 0; post < 2; ++post) {
        network::projection_spec e;
        e.pre = 0;
        e.post = post;
        e.rule.k = network::rule_spec::kind::fixed_indegree;
        e.rule.n = 30;
        e.weight = value_spec::normal(70.0, 20.0, 0.0, inf);
        e.delay = value_spec::uniform(1.0, 3.0);
        e.receptor = "exc";
        s.projections.push_back(e);
        network::projection_spec i;
        i.pre = 1;
        i.post = post;
        i.rule.k = network::rule_spec::kind::fixed_probability;
        i.rule.p = 0.2;
        i.weight = value_spec::normal(-250.0, 50.0, -inf, 0.0);
        i.delay = value_spec::constant(1.0);
        i.receptor = "inh";
        s.projections.push_back(i);
        network::stimulus_spec po;
        po.k = network::stimulus_spec::kind::poisson;
        po.population = post;
        po.rate = 16000.0;
        po.weight = 60.0;
        po.delay = 0.1;
        po.receptor = "exc";
        s.stimuli.push_back(po);
    }
    network::stimulus_spec gen;
    gen.k = network::stimulus_spec::kind::spike_times;
    gen.times = {5.0, 5.0, 20.3};
    gen.weight = 400.0;
    gen.delay = 0.1;
    gen.receptor = "exc";
    gen.targets = {0, 7, 100, 189};
    s.stimuli.push_back(gen);
    for (std::uint32_t p = 0; p < 2; ++p) {
        network::recorder_spec r;
        r.population = p;
        s.recorders.push_back(r);
    }
    network::recorder_spec v;
    v.k = network::recorder_spec::kind::state;
    v.population = 0;
    v.variable = "V_m";
    v.indices = {0, 31, 95, 150, 189};
    v.interval = 0.5;
    s.recorders.push_back(v);
    network::recorder_spec sum;
    sum.k = network::recorder_spec::kind::population_sum;
    sum.population = 1;
    sum.variable = "I_syn_ex";
    s.recorders.push_back(sum);
    return s;
}

// Everything the run produced, as raw bits.
std::vector<std::uint64_t> run_digest(const comm::communicator& c, numeric::accumulation acc, unsigned threads,
                                      std::size_t* n_spikes = nullptr) {
    engine::run_options o;
    o.accumulation = acc;
    o.threads = threads;
    engine::simulation sim(random_net(), o, c);
    std::vector<std::uint64_t> out;
    auto put = [&](const std::vector<double>& v) {
        out.push_back(v.size());
        for (double x: v) out.push_back(std::bit_cast<std::uint64_t>(x));
    };
    std::size_t spikes = 0;
    for (int part = 0; part < 2; ++part) {  // two runs: recorders continue across run() calls
        sim.run(40.0);
        for (std::size_t r = 0; r < 2; ++r) {
            auto d = sim.take_spikes(r);
            spikes += d.times.size();
            put(d.times);
            out.insert(out.end(), d.ids.begin(), d.ids.end());
        }
        for (std::size_t r = 2; r < 4; ++r) {
            auto d = sim.take_samples(r);
            put(d.times);
            put(d.values);
        }
    }
    put(sim.get_state(0, "V_m"));
    put(sim.get_state(1, "I_syn_in"));
    if (n_spikes) *n_spikes = spikes;
    return out;
}

}  // namespace

DIST_TEST(engine_ranks_give_the_one_rank_result_bitwise) {
    for (auto acc: {numeric::accumulation::exact, numeric::accumulation::ordered}) {
        for (unsigned threads: {1u, 2u}) {
            std::size_t n = 0;
            const auto reference = run_digest(comm::make_local_communicator(), acc, 1, &n);
            DIST_CHECK(n > 500);  // a network that does something
            const auto mine = run_digest(comm, acc, threads);
            DIST_CHECK(mine == reference);
        }
    }
}

DIST_TEST(engine_every_rank_holds_the_full_recording) {
    // more ranks than some populations have partitions' worth of neurons: ranks without neurons
    // of a population still return its full spike list and traces
    engine::run_options o;
    o.partitions = 3;  // uneven: with 2 or 4 ranks some ranks own 1 partition, some 2 or none
    engine::simulation sim(random_net(), o, comm);
    sim.run(30.0);
    auto d = sim.take_spikes(0);
    engine::simulation ref(random_net(), o, comm::make_local_communicator());
    ref.run(30.0);
    auto e = ref.take_spikes(0);
    DIST_CHECK(d.times == e.times);
    DIST_CHECK(d.ids == e.ids);
    auto v = sim.get_state(0, "V_m");
    bool all_finite = true;
    for (double x: v) all_finite = all_finite && std::isfinite(x);
    DIST_CHECK(all_finite);
}
