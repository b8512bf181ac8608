#pragma once
// engine::simulation: builds a spiking network from a network_spec and advances it in min-delay
// epochs. Public surface is a pimpl (stable ABI); the templated machinery is in cpp/src/engine.
//
// Work split. Neurons of each population are divided into a fixed number of logical partitions
// (contiguous index ranges). A partition owns its neurons, their state, their incoming synapses
// (stored by source: CSR per projection and partition) and their delay ring buffers, so delivering a
// spike writes only into the partition's own memory. Threads run partitions; ranks own disjoint
// sets of partitions (partition p lives on rank p mod size) and build only those. Spikes of an epoch
// are all-gathered through comm::communicator and every partition delivers the whole list.
//
// Determinism. Connectivity, initial states and stimulus noise are keyed by (seed, stream, index),
// never by partition, thread or rank. The summation of synaptic input into a ring-buffer slot is
//   exact    integer fixed point with numeric::fixed_point_format, one format per (population,
//            receptor) built from every weight that can reach the receptor and a bound on the
//            additions per slot (see setup_accumulation in cpp/src/engine/simulation.cpp): the
//            integer sum is exact, so the input is the exact sum of the weights correctly rounded
//            once, in any order. int64 accumulators when the bound allows, __int128 otherwise, and
//            numeric::superaccumulator when no 127-bit format holds the weights. Stimulus events
//            (Poisson, spike generators) are added into the same exact sums. Population sums are
//            exact too.
//   ordered  float64 in a canonical order: projection, then (step, source gid), then the synapse
//            order inside the source's row (by target, multapses in generation order); stimulus
//            events are added after the recurrent sum. Population sums in index order.
//   fast     float64, spikes unsorted; with T > 1 threads the spikes of each population are split
//            into T contiguous shares, thread t adds its share into a private partial buffer, and
//            the T partial sums are added in thread order when the slot is read. The rounding (and
//            so, eventually, the spikes) depends on T.
// With exact or ordered, spikes and traces are bitwise identical for any thread/rank count.
//
// Ranks. Partition p lives on rank p mod size; each rank builds only its partitions' neurons,
// synapses and ring buffers. Spikes are all-gathered every min-delay epoch, so every rank records
// every spike; sampled state and population sums are all-gathered too, so take_spikes and
// take_samples return the full recording on every rank.

#include <brainsim/comm/communicator.hpp>
#include <brainsim/network/spec.hpp>
#include <brainsim/numeric/accumulation.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace brainsim::engine {

enum class scheme { time_stepped, hybrid, event_driven };

scheme parse_scheme(const std::string& name);
std::string to_string(scheme s);

struct run_options {
    unsigned threads = 1;
    numeric::accumulation accumulation = numeric::accumulation::exact;
    // Logical partitions; 0 = automatic: max(8, threads x ranks) for exact/ordered (their results do
    // not depend on it), threads x ranks for fast.
    unsigned partitions = 0;
    scheme integration = scheme::time_stepped;
};

// Spikes of one spike recorder: times in ms (sorted by (time, id)) and population-local ids.
struct spike_data {
    std::vector<double> times;
    std::vector<std::uint64_t> ids;
};

// Samples of one state or population-sum recorder: times (ms) and rows of values (row-major,
// n_columns per row). For state recorders columns are the recorded neurons (population-local ids in
// `columns`); for population sums there is one column.
struct sample_data {
    std::vector<double> times;
    std::vector<double> values;
    std::vector<std::uint64_t> columns;
};

struct build_report {
    double build_seconds = 0.0;
    std::uint64_t n_synapses = 0;        // on this rank
    std::uint64_t synapse_bytes = 0;     // connectivity storage on this rank
    std::uint64_t ring_bytes = 0;
    std::int64_t min_delay_steps = 0, max_delay_steps = 0;
    unsigned partitions = 0;
    // per population: how its synaptic input is accumulated: "float64" (ordered / fast), "fixed32",
    // "fixed64", "fixed128" or "superaccumulator" (exact)
    std::vector<std::string> accumulators;
    std::vector<std::string> notes;      // e.g. exact-accumulation fallbacks
    // Neuron state advances so far on this rank (updated after each run): n per step for time_stepped
    // and hybrid; for event_driven only the neurons touched by an input, a due threshold crossing, a
    // current change or a sample (see cpp/src/engine/event_driven.hpp).
    std::uint64_t neuron_updates = 0;
};

class simulation {
public:
    simulation(network::network_spec spec, run_options options,
               comm::communicator comm = comm::make_local_communicator());
    ~simulation();
    simulation(const simulation&) = delete;
    simulation& operator=(const simulation&) = delete;

    // Advance by `duration` ms (rounded to whole steps; must be a multiple of dt within 1e-9 ms).
    void run(double duration_ms);
    void run_steps(std::int64_t steps);

    std::int64_t current_step() const;
    double time() const;  // ms
    const build_report& report() const;
    const run_options& options() const;

    // Recorded data since the last take (the buffers are handed over and cleared: bounded memory).
    // Every rank holds the data of all neurons (gathered each epoch).
    spike_data take_spikes(std::size_t recorder);
    sample_data take_samples(std::size_t recorder);
    std::size_t n_recorders() const;

    // Current state variable of a population, all neurons. With more than one rank this is a
    // collective call (every rank must call it) that gathers the other ranks' neurons.
    std::vector<double> get_state(std::uint32_t population, const std::string& variable) const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

// One entry of the model registry, for bs.models().
struct model_description {
    std::string name, doc;
    struct parameter { std::string name, unit, doc; double default_value; };
    std::vector<parameter> parameters;
    std::vector<std::pair<std::string, std::string>> state_vars;       // name, unit
    std::vector<std::pair<std::string, std::string>> receptors;        // name, weight unit
    std::vector<std::pair<std::string, std::string>> observables;      // name, unit (recordable)
    bool precise = false;  // supports the hybrid and event-driven schemes
};
std::vector<model_description> neuron_models();

}  // namespace brainsim::engine
