#pragma once
// Private machinery of engine::simulation: partition blocks (one population's neurons inside one
// partition, templated on the model), synapse storage and the delivery kernels.

#include <brainsim/engine/simulation.hpp>
#include <brainsim/events/ring_buffer.hpp>
#include <brainsim/events/spike.hpp>
#include <brainsim/models/neuron_model.hpp>
#include <brainsim/network/random.hpp>
#include <brainsim/network/spec.hpp>
#include <brainsim/numeric/exact_accumulator.hpp>
#include <brainsim/numeric/superaccumulator.hpp>

#include <cmath>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace brainsim::engine::detail {

struct pop_rt {
    std::string name, model;
    std::uint64_t first_gid = 0, n = 0;
    std::vector<std::string> receptors, state_vars;
    std::vector<models::receptor_kind> receptor_kinds;
    std::vector<double> params;
    bool precise = false;
};

// Current-injecting devices, evaluated per step.
struct current_device {
    network::stimulus_spec::kind k;
    std::int64_t start = 0, stop = 0;  // active for start <= step < stop
    double amplitude = 0, period_steps = 0, width_steps = 0, omega = 0, phase = 0, offset = 0, mean = 0, sd = 0;
    std::vector<std::int64_t> change_steps;
    std::vector<double> amplitudes;
    std::uint64_t stream = 0;
    double dt = 0.1;
    // value for all targets (not noise)
    double value(std::int64_t step) const;
};

struct local_current {
    const current_device* dev;
    std::vector<std::uint32_t> targets;  // block-local
    std::vector<std::uint64_t> gids;     // for noise keys
};

// Poisson counts per step are drawn by inversion in pieces of expected count <= 30 and truncated at
// poisson_cap events per piece (P(Poisson(30) > 200) < 1e-80: never observed, but it gives the exact
// accumulation a hard bound on the number of additions per step).
inline constexpr std::uint32_t poisson_cap = 200;
inline constexpr double poisson_piece = 30.0;
struct poisson_sampler;  // tabulated inversion (blocks.cpp)

struct local_poisson {
    double lambda = 0;  // expected events per step
    std::uint32_t receptor = 0;
    double weight = 0;
    std::int64_t wq = 0;  // exact: the weight in the receptor's fixed-point format
    std::shared_ptr<const poisson_sampler> sampler;  // set by allocate_buffers
    std::int64_t start = 0, stop = 0;  // window in arrival steps
    std::uint64_t stream = 0;
    std::vector<std::uint32_t> targets;
    std::vector<std::uint64_t> gids;
    bool contiguous = false;  // targets[m] == m and gids[m] == gids[0] + m
};

struct local_spikegen {
    std::vector<std::int64_t> steps;  // arrival steps, sorted
    std::vector<double> offsets;      // arrival offsets in (0, dt]
    std::uint32_t receptor = 0;
    double weight = 0;
    std::int64_t wq = 0;
    std::size_t next = 0;
    std::vector<std::uint32_t> targets;
};

struct local_sampler {
    std::size_t recorder;
    int var;
    std::int64_t interval;
    std::vector<std::uint32_t> locals;  // block-local neuron
    std::vector<std::uint32_t> cols;    // column in the recorder's rows
};

struct sampler_sink {
    // rows for the current epoch: row q holds sample number first_q + q
    std::int64_t first_q = 0;
    std::size_t ncols = 0;
    double* rows = nullptr;
};

struct run_env {
    std::uint64_t seed = 0;
    double dt = 0.1;
    std::vector<sampler_sink>* sinks = nullptr;
};

using i128 = numeric::detail::i128;

// How a block's ring buffers hold synaptic input (see simulation.hpp, "Determinism").
enum class acc_kind : std::uint8_t {
    float64,   // ordered / fast: double
    fixed32,   // exact, every per-slot sum of every receptor fits int32 (format sum_bits <= 31): the
               // same integers as fixed64 in half the ring memory, read back bitwise identically
    fixed64,   // exact, every per-slot sum fits int64 (numeric::fixed_point_format::fits_int64)
    fixed128,  // exact, sums need __int128; every single weight fits int64
    super      // exact fallback: one superaccumulator per accumulator (weights too wide for 127 bits)
};

// Keep, of all weights seen, the one with the lowest set bit (low) and the largest magnitude (high);
// 0 means none yet. These two determine a numeric::fixed_point_format.
void keep_extremes(double& low, double& high, double w);

inline void acc_add(double& a, double w) { a += w; }
inline void acc_add(std::int64_t& a, std::int64_t w) { a += w; }
// fixed32: w and every partial sum lie within +-2^31 (format bound), so the narrowing is exact
inline void acc_add(std::int32_t& a, std::int64_t w) { a += static_cast<std::int32_t>(w); }
inline void acc_add(i128& a, std::int64_t w) { a += w; }
inline void acc_add(numeric::superaccumulator& a, double w) { a.add(w); }

class block_base {
public:
    virtual ~block_base() = default;

    std::uint32_t pop = 0;
    std::uint64_t begin = 0, end = 0, n = 0, first_gid = 0;  // pop-local range; gid of local 0
    std::size_t R = 0, L = 0;
    bool precise = false;
    bool event_driven = false;        // precise and integration = "event_driven" (event_driven.hpp)
    std::uint64_t neuron_updates = 0; // event_driven: state advances performed (work counter)
    acc_kind acc = acc_kind::float64;
    unsigned fast_parts = 0;  // fast accumulation: number of private partial rings (0: ring_d only)
    double dt = 0.1;
    std::vector<numeric::fixed_point_format> fmt;  // exact: per receptor
    std::vector<double> unscale;  // fixed64: 2^-shift per receptor (0: use fmt.from_fixed)

    event::delay_ring<double> ring_d;
    event::delay_ring<std::int64_t> ring_q;
    event::delay_ring<std::int32_t> ring_q32;
    event::delay_ring<i128> ring_w;
    event::delay_ring<numeric::superaccumulator> ring_s;
    std::vector<event::delay_ring<double>> ring_fast;     // fast: one per delivering thread
    std::vector<std::vector<event::timed_input>> ev_ring;  // precise schemes: L slots

    std::vector<double> in_buf;  // input of the current step, receptor-major (r * n + i)
    std::vector<double> I_dc, I_ext, stim_in;
    std::vector<local_current> currents;
    std::vector<local_poisson> poissons;
    std::vector<local_spikegen> spikegens;
    std::vector<local_sampler> samplers;
    // Build-time statistics for the exact format: incoming synapses per (receptor, neuron), and per
    // receptor the weight with the lowest set bit and the largest magnitude (0: none yet).
    std::vector<std::uint32_t> syn_count;
    std::vector<double> w_low, w_high;
    void note_weight(std::uint32_t r, double w);

    virtual void init_states(const pop_rt& p, const network::population_spec& ps, std::uint64_t seed,
                             std::uint32_t pop_index) = 0;
    virtual void update(std::int64_t step, std::vector<event::spike>& out, const run_env& env) = 0;
    virtual double get(std::size_t i, int var) const = 0;
    virtual std::size_t state_bytes() const = 0;

    void allocate_buffers(std::size_t slots);
    std::size_t ring_bytes() const;
    // Fill I_ext (if time varying) and add the stimulus events of step j: exact kinds add them into
    // ring slot j (fixed point or superaccumulator), float kinds into stim_in. Returns whether
    // stim_in holds anything.
    bool prepare_inputs(std::int64_t j, const run_env& env, bool events = true);
    // Read and clear ring slot j into in_buf (r * n + i), adding stim_in when `stim`.
    void collect_input(std::int64_t j, bool stim);
    // For precise schemes: the stimulus events of step j as timed inputs.
    void stimulus_events(std::int64_t j, const run_env& env, std::vector<event::timed_input>& evs);
    const double* current_input() const { return (currents.empty() ? I_dc : I_ext).data(); }
    void sample(std::int64_t j, const run_env& env);
};

std::unique_ptr<block_base> make_block(const std::string& model, std::size_t* R_out);

// Synapses of one projection whose targets lie in one partition: CSR by pre-set index. After the
// build, the local partitions' CSRs of a projection are interleaved into one syn_part (see
// proj_rt::lanes): row r of partition ("lane") lp is then [row[r * lanes + lp], row[r * lanes + lp + 1]).
struct syn_part {
    std::vector<std::uint32_t> row;   // size n_pre_set * lanes + 1
    std::vector<std::uint16_t> t16;   // block-local target (if the block has < 65536 neurons)
    std::vector<std::uint32_t> t32;
    std::vector<double> w;            // per-synapse weights (if not shared; float64 and super)
    std::vector<std::int64_t> wq;     // fixed64/fixed128: per-synapse weights in fixed point
    std::vector<std::uint8_t> d8;     // per-synapse delays in steps (if not shared)
    std::vector<std::uint16_t> d16;
    std::size_t bytes() const {
        return row.capacity() * 4 + t16.capacity() * 2 + t32.capacity() * 4 + w.capacity() * 8 +
               wq.capacity() * 8 + d8.capacity() + d16.capacity() * 2;
    }
    std::size_t size() const { return row.empty() ? 0 : row.back(); }
};

struct proj_rt {
    std::uint32_t pre = 0, post = 0, receptor = 0;
    std::vector<std::int64_t> pre_row_of;  // pop-local pre index -> row; empty = identity
    bool shared_w = true, shared_d = true;
    double w0 = 0;
    std::int64_t wq0 = 0;
    std::int64_t d0 = 1;
    int delay_width = 0;  // 0 shared, 8, 16
    // lanes == 1: parts[lp] holds local partition lp's synapses. lanes == NL > 1: parts[0] holds all
    // of them, the NL partitions' segments of each pre row next to each other, so one spike's row
    // entries share a cache line and its targets are contiguous across partitions.
    std::vector<syn_part> parts;
    std::size_t lanes = 1;
    std::vector<std::uint64_t> lane_size;  // synapses per local partition
    const syn_part& part(std::size_t lp) const { return lanes > 1 ? parts[0] : parts[lp]; }
    std::size_t lane(std::size_t lp) const { return lanes > 1 ? lp : 0; }
};

}  // namespace brainsim::engine::detail
