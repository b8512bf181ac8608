#pragma once
// Spike events exchanged between partitions and ranks.

#include <cstdint>
#include <tuple>

namespace brainsim::event {

// A spike of neuron `gid` found in step `step`; `offset` in (0, dt] is its time inside the step
// (time-stepped scheme: offset = dt, i.e. the spike is stamped at the end of the step, (step+1) dt).
struct spike {
    std::int64_t step = 0;
    std::uint64_t gid = 0;
    double offset = 0.0;
};

// The canonical total order of spikes: (step, gid, offset).
inline bool spike_less(const spike& a, const spike& b) {
    return std::tie(a.step, a.gid, a.offset) < std::tie(b.step, b.gid, b.offset);
}

// An input event inside a step, for the precise (hybrid / event-driven) schemes.
struct timed_input {
    std::uint32_t target = 0;   // index inside the receiving block
    std::uint32_t receptor = 0;
    double offset = 0.0;        // arrival time inside the step, in (0, dt]
    double weight = 0.0;
};

// Canonical order of timed inputs: (target, offset, receptor, weight) — a total order on values, so
// the processing order never depends on the order in which inputs were delivered.
inline bool timed_input_less(const timed_input& a, const timed_input& b) {
    return std::tie(a.target, a.offset, a.receptor, a.weight) < std::tie(b.target, b.offset, b.receptor, b.weight);
}

}  // namespace brainsim::event
