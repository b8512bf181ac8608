#pragma once
// Connection rules: generate the synapses of one projection whose targets a partition owns.
//
// Keying (what makes connectivity independent of threads, partitions and ranks):
//   all_to_all, one_to_one, fixed_probability, fixed_indegree: per target, stream keyed by the
//       target's index; every partition generates only its own targets.
//   fixed_outdegree: per source, stream keyed by the source's index; every generator walks all
//       sources and keeps the synapses whose target it owns.
//   fixed_total_number: synapse i draws (target, source) from counter i; every generator walks all
//       i and keeps its targets.
//   explicit_pairs: as given.
// Output order is canonical: by target, then in generation order. `key` identifies each synapse
// canonically (used to key its random weight and delay).

#include <brainsim/network/spec.hpp>

#include <cstdint>
#include <vector>

namespace brainsim::network {

struct generated_synapses {
    std::vector<std::uint32_t> pre;   // index into the pre set (pre_subset or population)
    std::vector<std::uint32_t> post;  // index into the post set
    std::vector<std::uint64_t> key;   // canonical synapse key for random weights/delays
    void clear() { pre.clear(); post.clear(); key.clear(); }
    std::size_t size() const { return pre.size(); }
};

struct connect_request {
    const rule_spec* rule = nullptr;
    std::uint64_t n_pre = 0, n_post = 0;          // sizes of the pre and post sets
    const std::vector<std::uint64_t>* pre_ids = nullptr;   // set index -> population index (null: identity)
    const std::vector<std::uint64_t>* post_ids = nullptr;
    // same_population and autapses forbidden: population index -> pre set index (-1: not in it)
    const std::vector<std::int64_t>* pre_pos_of = nullptr;
    bool same_population = false;                 // pre and post sets are in the same population
    std::uint64_t seed = 0, stream = 0;
    std::uint64_t post_begin = 0, post_end = 0;   // keep targets (post set indices) in this range
};

// Validate a rule against the set sizes (config_error naming the parameter).
void validate_rule(const rule_spec& rule, std::uint64_t n_pre, std::uint64_t n_post, bool same_population);

// Append the synapses with targets in [post_begin, post_end) to `out`, in canonical order.
void generate(const connect_request& req, generated_synapses& out);

}  // namespace brainsim::network
