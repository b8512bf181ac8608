#pragma once
// The description of a spiking network: plain data, no behaviour. Python (bindings) and C++ users
// fill a network_spec; engine::simulation validates it and builds only what its partitions own.
//
// Global ids (gids): populations are numbered in the order they were added, neurons of population
// k get gids first_gid(k) .. first_gid(k)+n_k-1. All randomness is keyed by (seed, stream, gid), so
// the network is identical whatever the number of threads, partitions or ranks.

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace brainsim::network {

// A value per neuron or per synapse: a constant, an explicit array, or a random distribution.
struct value_spec {
    enum class kind { constant, array, normal, uniform };
    enum class bounds { clip, redraw };
    kind k = kind::constant;
    double a = 0.0;   // constant value | normal mean | uniform low
    double b = 0.0;   // normal s.d.    | uniform high
    double low = -std::numeric_limits<double>::infinity();   // normal: truncation bounds
    double high = std::numeric_limits<double>::infinity();
    bounds mode = bounds::redraw;  // redraw outside [low, high] (sign-preserving redraw: low = 0) or clip
    std::vector<double> values;    // kind::array

    static value_spec constant(double v) { value_spec s; s.a = v; return s; }
    static value_spec array(std::vector<double> v) {
        value_spec s; s.k = kind::array; s.values = std::move(v); return s;
    }
    static value_spec normal(double mean, double sd, double lo = -std::numeric_limits<double>::infinity(),
                             double hi = std::numeric_limits<double>::infinity(), bounds m = bounds::redraw) {
        value_spec s; s.k = kind::normal; s.a = mean; s.b = sd; s.low = lo; s.high = hi; s.mode = m; return s;
    }
    static value_spec uniform(double lo, double hi) {
        value_spec s; s.k = kind::uniform; s.a = lo; s.b = hi; return s;
    }
    bool is_random() const { return k == kind::normal || k == kind::uniform; }
};

struct population_spec {
    std::string name;
    std::string model;
    std::uint64_t n = 0;
    std::vector<std::pair<std::string, double>> params;        // overrides of model defaults
    std::vector<std::pair<std::string, value_spec>> initial;   // per-neuron initial state values
};

struct rule_spec {
    enum class kind { all_to_all, one_to_one, fixed_probability, fixed_indegree, fixed_outdegree,
                      fixed_total_number, explicit_pairs };
    kind k = kind::all_to_all;
    double p = 0.0;            // fixed_probability
    std::uint64_t n = 0;       // in/out-degree or total number
    bool replace = true;       // in/out-degree, total: sources/targets drawn with replacement
    bool autapses = true;      // allow a neuron to connect to itself (same population only)
    std::vector<std::uint64_t> pre, post;  // explicit_pairs: population-local indices
};

struct projection_spec {
    std::uint32_t pre = 0, post = 0;                // population indices
    std::vector<std::uint64_t> pre_subset, post_subset;  // population-local indices; empty = all
    rule_spec rule;
    value_spec weight = value_spec::constant(1.0);
    value_spec delay = value_spec::constant(1.0);   // ms
    std::string receptor;                           // empty: "exc" if weight >= 0 else "inh"
};

struct stimulus_spec {
    enum class kind { dc, step, pulse_train, sinusoid, noise, poisson, spike_times };
    kind k = kind::dc;
    // dc: amplitude [pA], start, stop
    // step: times [ms], amplitudes [pA] (piecewise constant from each time on)
    // pulse_train: amplitude, start, stop, period, width
    // sinusoid: amplitude, frequency [Hz], phase [deg], offset [pA], start, stop
    // noise: mean, std [pA], start, stop (new independent value per step and neuron)
    // poisson: rate [Hz], weight, delay, receptor, start, stop (an independent train per target)
    // spike_times: times [ms], weight, delay, receptor (the same train to every target)
    double amplitude = 0.0, start = 0.0, stop = std::numeric_limits<double>::infinity();
    double period = 0.0, width = 0.0, frequency = 0.0, phase = 0.0, offset = 0.0;
    double mean = 0.0, std = 0.0, rate = 0.0, weight = 0.0, delay = 0.0;
    std::string receptor;
    std::vector<double> times, amplitudes;
    std::uint32_t population = 0;
    std::vector<std::uint64_t> targets;  // population-local indices; empty = all
};

struct recorder_spec {
    enum class kind { spikes, state, population_sum };
    kind k = kind::spikes;
    std::uint32_t population = 0;
    std::vector<std::uint64_t> indices;  // population-local; empty = all
    std::string variable;                // state / population_sum
    double interval = 0.0;               // ms (0: every step)
};

struct network_spec {
    double dt = 0.1;
    std::uint64_t seed = 0;
    std::vector<population_spec> populations;
    std::vector<projection_spec> projections;
    std::vector<stimulus_spec> stimuli;
    std::vector<recorder_spec> recorders;
};

}  // namespace brainsim::network
