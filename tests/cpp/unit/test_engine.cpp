// engine::simulation end to end in C++: analytic spike times, latency, delay validation, thread
// and partition independence.
#include <brainsim/engine/simulation.hpp>
#include <brainsim/errors.hpp>
#include <brainsim/network/spec.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using namespace brainsim;
using network::value_spec;

namespace {

network::population_spec pop(const std::string& name, std::uint64_t n, const std::string& model,
                             std::vector<std::pair<std::string, double>> params = {}) {
    network::population_spec p;
    p.name = name;
    p.n = n;
    p.model = model;
    p.params = std::move(params);
    return p;
}

network::recorder_spec spikes_of(std::uint32_t p) {
    network::recorder_spec r;
    r.population = p;
    return r;
}

}  // namespace

TEST(engine, lif_delta_dc_spikes_at_the_first_grid_step_above_threshold) {
    // tau = 10, R = tau / C = 0.04, I = 500 pA: V_inf = E_L + 20 = -50; V_th = -55.
    network::network_spec s;
    s.dt = 0.1;
    s.populations.push_back(pop("P", 1, "lif_delta", {{"tau_m", 10.0}, {"C_m", 250.0}, {"t_ref", 2.0}}));
    network::stimulus_spec dc;
    dc.amplitude = 500.0;
    s.stimuli.push_back(dc);
    s.recorders.push_back(spikes_of(0));
    engine::simulation sim(s, {});
    sim.run(60.0);
    auto d = sim.take_spikes(0);
    // independent reference: V after k steps from rest is -70 + 20 (1 - e^{-k dt / tau});
    // the first k with V >= -55, and after a spike 20 refractory steps then again the same k
    int k = 1;
    while (-70.0 + 20.0 * (1.0 - std::exp(-k * 0.1 / 10.0)) < -55.0) ++k;
    ASSERT_GE(d.times.size(), 3u);
    for (std::size_t i = 0; i < d.times.size(); ++i)
        EXPECT_NEAR(d.times[i], (k + i * (k + 20)) * 0.1, 1e-9) << "spike " << i;
}

TEST(engine, spike_arrives_after_exactly_the_delay) {
    network::network_spec s;
    s.dt = 0.1;
    auto p = pop("S", 1, "lif_delta", {{"E_L", 0.0}, {"V_reset", 0.0}, {"V_th", 20.0}, {"tau_m", 20.0}});
    s.populations.push_back(p);
    p.name = "T";
    s.populations.push_back(p);
    network::stimulus_spec gen;  // one input spike at 5 ms into S, large enough to fire it
    gen.k = network::stimulus_spec::kind::spike_times;
    gen.times = {4.9};
    gen.delay = 0.1;
    gen.weight = 25.0;
    s.stimuli.push_back(gen);
    network::projection_spec pr;
    pr.pre = 0;
    pr.post = 1;
    pr.rule.k = network::rule_spec::kind::one_to_one;
    pr.weight = value_spec::constant(30.0);
    pr.delay = value_spec::constant(1.5);
    s.projections.push_back(pr);
    s.recorders.push_back(spikes_of(0));
    s.recorders.push_back(spikes_of(1));
    engine::simulation sim(s, {});
    sim.run(20.0);
    auto a = sim.take_spikes(0), b = sim.take_spikes(1);
    ASSERT_EQ(a.times.size(), 1u);
    ASSERT_EQ(b.times.size(), 1u);
    EXPECT_NEAR(a.times[0], 5.0, 1e-12);
    EXPECT_NEAR(b.times[0], 6.5, 1e-12);
    EXPECT_EQ(sim.report().min_delay_steps, 15);
}

TEST(engine, invalid_delays_raise_delay_error) {
    for (double d: {-1.0, 0.0, 0.05, 0.15, std::nan(""), std::numeric_limits<double>::infinity()}) {
        network::network_spec s;
        s.populations.push_back(pop("P", 2, "lif_delta"));
        network::projection_spec pr;
        pr.delay = value_spec::constant(d);
        s.projections.push_back(pr);
        EXPECT_THROW(engine::simulation(s, {}), delay_error) << d;
    }
}

TEST(engine, unknown_model_and_parameter) {
    network::network_spec s;
    s.populations.push_back(pop("P", 2, "no_such_model"));
    try {
        engine::simulation sim(s, {});
        FAIL();
    }
    catch (const unknown_model_error& e) {
        EXPECT_NE(std::string(e.what()).find("lif_delta"), std::string::npos);
    }
    s.populations[0] = pop("P", 2, "lif_delta", {{"tau_x", 1.0}});
    try {
        engine::simulation sim(s, {});
        FAIL();
    }
    catch (const config_error& e) {
        EXPECT_NE(std::string(e.what()).find("tau_m"), std::string::npos);
    }
}

namespace {
std::vector<double> run_random_net(unsigned threads, numeric::accumulation acc, unsigned partitions = 0) {
    network::network_spec s;
    s.seed = 11;
    auto p = pop("E", 300, "lif_curr_exp", {{"tau_syn_ex", 0.5}, {"tau_syn_in", 0.5}});
    network::population_spec pe = p;
    pe.initial.emplace_back("V_m", value_spec::uniform(-70.0, -55.0));
    s.populations.push_back(pe);
    network::projection_spec pr;
    pr.rule.k = network::rule_spec::kind::fixed_indegree;
    pr.rule.n = 40;
    pr.weight = value_spec::normal(60.0, 30.0, -std::numeric_limits<double>::infinity(),
                                   std::numeric_limits<double>::infinity());
    pr.delay = value_spec::uniform(1.0, 3.0);
    s.projections.push_back(pr);
    network::stimulus_spec po;
    po.k = network::stimulus_spec::kind::poisson;
    po.rate = 9000.0;
    po.weight = 60.0;
    po.delay = 0.1;
    s.stimuli.push_back(po);
    s.recorders.push_back(spikes_of(0));
    network::recorder_spec v;
    v.k = network::recorder_spec::kind::state;
    v.variable = "V_m";
    v.indices = {0, 150, 299};
    s.recorders.push_back(v);
    engine::run_options o;
    o.threads = threads;
    o.accumulation = acc;
    o.partitions = partitions;
    engine::simulation sim(s, o);
    sim.run(100.0);
    auto sp = sim.take_spikes(0);
    auto tr = sim.take_samples(1);
    std::vector<double> out = sp.times;
    for (auto i: sp.ids) out.push_back(static_cast<double>(i));
    out.insert(out.end(), tr.values.begin(), tr.values.end());
    return out;
}
}  // namespace

TEST(engine, exact_and_ordered_are_bitwise_independent_of_threads_and_partitions) {
    for (auto acc: {numeric::accumulation::exact, numeric::accumulation::ordered}) {
        auto ref = run_random_net(1, acc);
        ASSERT_GT(ref.size(), 1000u);
        for (unsigned th: {2u, 4u}) EXPECT_EQ(run_random_net(th, acc), ref);
        for (unsigned parts: {1u, 3u, 16u}) EXPECT_EQ(run_random_net(2, acc, parts), ref);
    }
}
