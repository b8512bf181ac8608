// engine::simulation: validation, partitioned build, min-delay epochs, spike exchange, recording.
#include "engine_detail.hpp"

#include <brainsim/engine/simulation.hpp>
#include <brainsim/errors.hpp>
#include <brainsim/models/registry.hpp>
#include <brainsim/network/connect.hpp>
#include <brainsim/network/random.hpp>
#include <brainsim/thread_pool.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <limits>
#include <mutex>
#include <numeric>
#include <string>

namespace brainsim::engine {

scheme parse_scheme(const std::string& name) {
    if (name == "time_stepped" || name == "grid") return scheme::time_stepped;
    if (name == "hybrid") return scheme::hybrid;
    if (name == "event_driven") return scheme::event_driven;
    throw config_error("integration", "'" + name + "'", "one of: time_stepped, hybrid, event_driven");
}
std::string to_string(scheme s) {
    switch (s) {
        case scheme::time_stepped: return "time_stepped";
        case scheme::hybrid: return "hybrid";
        case scheme::event_driven: return "event_driven";
    }
    return "?";
}

std::vector<model_description> neuron_models() {
    std::vector<model_description> out;
    models::for_each_model(models::neuron_model_list{}, [&]<typename M>() {
        model_description d;
        d.name = M::name;
        d.doc = M::doc;
        for (const auto& p: M::parameters)
            d.parameters.push_back({std::string(p.name), std::string(p.unit), std::string(p.doc), p.default_value});
        for (const auto& v: M::state_vars) d.state_vars.emplace_back(v.name, v.unit);
        if constexpr (models::has_observables<M>)
            for (const auto& v: M::observables) d.observables.emplace_back(v.name, v.unit);
        for (const auto& r: M::receptors) d.receptors.emplace_back(r.name, r.weight_unit);
        d.precise = models::supports_precise_timing<M>;
        out.push_back(std::move(d));
    });
    return out;
}

namespace {

using namespace detail;
using network::rule_spec;
using network::value_spec;

std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x: v) s += (s.empty() ? "" : ", ") + x;
    return s;
}

// Convert a delay in ms to whole steps; delay_error unless it is a positive multiple of dt.
std::int64_t delay_steps(double d, double dt, const std::string& what, bool allow_zero = false) {
    if (!std::isfinite(d) || !(d >= 0.0))
        throw delay_error(what, brainsim::detail::repr(d), allow_zero ? ">= 0 ms, finite, a multiple of dt" : ">= dt, finite, a multiple of dt");
    double x = d / dt;
    double r = std::round(x);
    if (!(std::fabs(x - r) <= 1e-9 * std::max(1.0, x)))
        throw delay_error(what, brainsim::detail::repr(d), "a multiple of dt = " + brainsim::detail::repr(dt) + " ms");
    if (!allow_zero && !(r >= 1.0))
        throw delay_error(what, brainsim::detail::repr(d), ">= dt = " + brainsim::detail::repr(dt) + " ms (at least one step)");
    return static_cast<std::int64_t>(r);
}

std::uint64_t part_begin(std::uint64_t n, unsigned p, unsigned P) { return n * p / P; }

// ---------------------------------------------------------------------------------------------
// Delivery kernels: a range of spikes of one source population into one ring buffer of one
// partition. The inner loop walks one CSR row (contiguous targets, weights, delays) with no
// per-synapse branch: the weight storage, target width and delay width are template parameters.

struct ring_view {
    std::size_t n = 0, R = 0, L = 0;
};

// The loads of one spike's delivery form a dependent chain: its CSR row entry, then its target
// segment, then the ring accumulators. Once the synapses outgrow the caches (scaled COBA at 64 000
// neurons: 4 MB of row offsets and 13 MB of targets) the first two links miss (interleave_partitions
// makes that once per spike and projection rather than once per partition too), and the
// unpredictable end of each short segment keeps the core from running ahead to the next spike's
// loads: delivery waited on those misses one after the other. The kernel therefore prefetches
// ahead in the spike list: the row entry pf_row spikes ahead and, once that has arrived, the target
// segment (with per-synapse weights and delays) pf_seg spikes ahead. Prefetches only move data into
// the cache; the additions happen in exactly the same order as before (spikes in list order,
// synapses in CSR order), so float64 sums round as before. (Prefetching the ring accumulators as
// well was measured slower.)
inline constexpr std::size_t pf_row = 16, pf_seg = 8;

template <typename Acc, typename W, typename Tgt, bool SharedW, int DW>
void deliver_kernel(const proj_rt& pr, const syn_part& sp, std::size_t lane, Acc* ring, ring_view rv,
                    const event::spike* sb, const event::spike* se, std::uint64_t pre_first_gid, const Tgt* tgt,
                    const W* wv, W w0) {
    const std::size_t nR = rv.n * rv.R, L = rv.L;
    Acc* base = ring + static_cast<std::size_t>(pr.receptor) * rv.n;
    const auto L64 = static_cast<std::int64_t>(L);
    // this partition's entry of pre row r is row[r * lanes + lane] (lanes == 1: the plain CSR)
    const std::uint32_t* row = sp.row.data() + lane;
    const auto lanes = static_cast<std::int64_t>(pr.lanes);
    const std::uint8_t* d8 = sp.d8.data();
    const std::uint16_t* d16 = sp.d16.data();
    const std::int64_t* row_of = pr.pre_row_of.empty() ? nullptr : pr.pre_row_of.data();
    const std::size_t S = static_cast<std::size_t>(se - sb);
    auto row_index = [&](std::size_t i) {
        const std::uint64_t src = sb[i].gid - pre_first_gid;
        const std::int64_t r = row_of ? row_of[src] : static_cast<std::int64_t>(src);
        return r < 0 ? r : r * lanes;
    };
    // always_inline: GCC takes a function that only prefetches for pure and deletes its calls
    auto prefetch_row = [&](std::size_t i) __attribute__((always_inline)) {
        const std::int64_t r = row_index(i);
        if (r >= 0) __builtin_prefetch(row + r, 0, 3);
    };
    auto prefetch_segment = [&](std::size_t i) __attribute__((always_inline)) {
        const std::int64_t r = row_index(i);
        if (r < 0) return;
        const std::uint32_t beg = row[r], end = row[r + 1];
        if (beg == end) return;
        __builtin_prefetch(tgt + beg, 0, 3);
        __builtin_prefetch(tgt + end - 1, 0, 3);
        if constexpr (!SharedW) __builtin_prefetch(wv + beg, 0, 3);
        if constexpr (DW == 8) __builtin_prefetch(d8 + beg, 0, 3);
        if constexpr (DW == 16) __builtin_prefetch(d16 + beg, 0, 3);
    };
    for (std::size_t i = 0; i < std::min(S, pf_row); ++i) prefetch_row(i);
    for (std::size_t i = 0; i < std::min(S, pf_seg); ++i) prefetch_segment(i);
    for (std::size_t i = 0; i < S; ++i) {
        if (i + pf_row < S) prefetch_row(i + pf_row);
        if (i + pf_seg < S) prefetch_segment(i + pf_seg);
        const event::spike* s = sb + i;
        const std::int64_t r = row_index(i);
        if (r < 0) continue;
        const std::uint32_t beg = row[r], end = row[r + 1];
        if (beg == end) continue;
        const std::size_t s0 = static_cast<std::size_t>(s->step % L64);
        if constexpr (DW == 0) {
            std::size_t slot = (s0 + static_cast<std::size_t>(pr.d0)) % L;
            Acc* dst = base + slot * nR;
            for (std::uint32_t k = beg; k < end; ++k) {
                if constexpr (SharedW) acc_add(dst[tgt[k]], w0);
                else acc_add(dst[tgt[k]], wv[k]);
            }
        }
        else {
            for (std::uint32_t k = beg; k < end; ++k) {
                std::size_t slot;
                if constexpr (DW == 8) slot = s0 + d8[k];
                else slot = s0 + d16[k];
                if (slot >= L) slot -= L;
                Acc& dst = base[slot * nR + tgt[k]];
                if constexpr (SharedW) acc_add(dst, w0);
                else acc_add(dst, wv[k]);
            }
        }
    }
}

template <typename Acc, typename W>
void deliver_into(const proj_rt& pr, const syn_part& sp, std::size_t lane, Acc* ring, ring_view rv,
                  const event::spike* sb, const event::spike* se, std::uint64_t g0, const W* wv, W w0) {
    auto go = [&]<typename Tgt, bool SW>(const Tgt* tgt) {
        if (pr.delay_width == 0) deliver_kernel<Acc, W, Tgt, SW, 0>(pr, sp, lane, ring, rv, sb, se, g0, tgt, wv, w0);
        else if (pr.delay_width == 8) deliver_kernel<Acc, W, Tgt, SW, 8>(pr, sp, lane, ring, rv, sb, se, g0, tgt, wv, w0);
        else deliver_kernel<Acc, W, Tgt, SW, 16>(pr, sp, lane, ring, rv, sb, se, g0, tgt, wv, w0);
    };
    if (!sp.t16.empty()) {
        if (pr.shared_w) go.template operator()<std::uint16_t, true>(sp.t16.data());
        else go.template operator()<std::uint16_t, false>(sp.t16.data());
    }
    else {
        if (pr.shared_w) go.template operator()<std::uint32_t, true>(sp.t32.data());
        else go.template operator()<std::uint32_t, false>(sp.t32.data());
    }
}

// All of one projection's spikes [sb, se) into block b (local partition lp)'s ring (or, for fast,
// its partial ring t).
void deliver_block(const proj_rt& pr, std::size_t lp, block_base& b, const event::spike* sb,
                   const event::spike* se, std::uint64_t g0, int fast_part = -1) {
    const syn_part& sp = pr.part(lp);
    const std::size_t lane = pr.lane(lp);
    const ring_view rv{b.n, b.R, b.L};
    switch (b.acc) {
        case acc_kind::float64: {
            double* ring = fast_part >= 0 ? b.ring_fast[static_cast<std::size_t>(fast_part)].data() : b.ring_d.data();
            deliver_into<double, double>(pr, sp, lane, ring, rv, sb, se, g0, sp.w.data(), pr.w0);
            break;
        }
        case acc_kind::fixed32:
            deliver_into<std::int32_t, std::int64_t>(pr, sp, lane, b.ring_q32.data(), rv, sb, se, g0, sp.wq.data(), pr.wq0);
            break;
        case acc_kind::fixed64:
            deliver_into<std::int64_t, std::int64_t>(pr, sp, lane, b.ring_q.data(), rv, sb, se, g0, sp.wq.data(), pr.wq0);
            break;
        case acc_kind::fixed128:
            deliver_into<i128, std::int64_t>(pr, sp, lane, b.ring_w.data(), rv, sb, se, g0, sp.wq.data(), pr.wq0);
            break;
        case acc_kind::super:
            deliver_into<numeric::superaccumulator, double>(pr, sp, lane, b.ring_s.data(), rv, sb, se, g0, sp.w.data(), pr.w0);
            break;
    }
}

void deliver_precise(const proj_rt& pr, std::size_t lp, block_base& b, const std::vector<event::spike>& spikes,
                     std::uint64_t g0) {
    const syn_part& sp = pr.part(lp);
    const std::uint32_t* row = sp.row.data() + pr.lane(lp);
    const auto lanes = static_cast<std::int64_t>(pr.lanes);
    const auto L64 = static_cast<std::int64_t>(b.L);
    for (const auto& s: spikes) {
        std::uint64_t src = s.gid - g0;
        std::int64_t r = pr.pre_row_of.empty() ? static_cast<std::int64_t>(src) : pr.pre_row_of[src];
        if (r < 0) continue;
        r *= lanes;
        for (std::uint32_t k = row[r]; k < row[r + 1]; ++k) {
            std::int64_t d = pr.delay_width == 0 ? pr.d0 : pr.delay_width == 8 ? sp.d8[k] : sp.d16[k];
            double w = pr.shared_w ? pr.w0 : sp.w[k];
            std::uint32_t t = sp.t16.empty() ? sp.t32[k] : sp.t16[k];
            b.ev_ring[static_cast<std::size_t>((s.step + d) % L64)].push_back({t, pr.receptor, s.offset, w});
        }
    }
}

}  // namespace

// =============================================================================================
struct simulation::impl {
    network::network_spec spec;
    run_options opt;
    comm::communicator comm;
    std::unique_ptr<thread_pool> pool;
    build_report rep;
    double dt = 0.1;
    std::int64_t step = 0;

    std::vector<pop_rt> pops;
    std::vector<model_description> model_info;
    unsigned P = 1;
    std::vector<unsigned> local_parts;
    std::vector<std::vector<std::unique_ptr<block_base>>> blocks;  // [local partition][population]
    std::vector<proj_rt> projs;
    std::deque<current_device> devices;
    std::int64_t D = 1, dmax = 1;

    std::vector<std::vector<event::spike>> part_out;
    std::vector<event::spike> pending, gathered, sorted_copy;
    std::vector<std::vector<event::spike>> pending_by_pop;

    struct spike_rec {
        std::uint32_t pop;
        std::vector<char> mask;
        spike_data data;
    };
    struct sample_rec {
        std::uint32_t pop;
        int var;
        std::int64_t interval;
        bool sum;
        std::vector<std::uint64_t> columns;
        sample_data data;
        std::vector<double> scratch;
        std::int64_t nrows = 0;
        std::vector<std::vector<std::uint32_t>> cols_of_rank;  // columns sampled by each rank
    };
    std::vector<int> rec_kind;   // 0 spikes, 1 samples
    std::vector<std::size_t> rec_slot;
    std::vector<spike_rec> spike_recs;
    std::vector<sample_rec> sample_recs;
    std::vector<sampler_sink> sinks;

    impl(network::network_spec s, run_options o, comm::communicator c):
        spec(std::move(s)), opt(o), comm(std::move(c)) {
        auto t0 = std::chrono::steady_clock::now();
        build();
        rep.build_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }

    const model_description& model_of(const std::string& name) const {
        for (const auto& m: model_info)
            if (m.name == name) return m;
        std::vector<std::string> names;
        for (const auto& m: model_info) names.push_back(m.name);
        throw unknown_model_error(name, join(names));
    }

    std::uint32_t receptor_index(const pop_rt& p, const std::string& name, double sign_hint, const std::string& ctx) const {
        std::string nm = name;
        if (nm.empty()) {
            if (p.receptors.size() == 1) return 0;
            nm = sign_hint >= 0.0 ? "exc" : "inh";
        }
        for (std::size_t r = 0; r < p.receptors.size(); ++r)
            if (p.receptors[r] == nm) return static_cast<std::uint32_t>(r);
        throw config_error("receptor", "'" + nm + "'", "one of: " + join(p.receptors),
                           ctx + " (model '" + p.model + "' of population '" + p.name + "')");
    }

    // ------------------------------------------------------------------------------------------
    void build() {
        dt = spec.dt;
        if (!(dt > 0.0) || !std::isfinite(dt)) throw config_error("dt", brainsim::detail::repr(dt), "> 0 and finite [ms]");
        if (opt.threads < 1) throw config_error("threads", std::to_string(opt.threads), ">= 1");
        pool = std::make_unique<thread_pool>(opt.threads);
        model_info = neuron_models();
        const bool precise = opt.integration != scheme::time_stepped;
        if (opt.integration == scheme::event_driven)
            rep.notes.push_back("event_driven: each neuron is advanced only at its input events, its predicted "
                                "threshold crossings (priority queue) and its current changes; crossings "
                                "located as in hybrid; communication on the dt grid (as hybrid)");

        // populations
        std::uint64_t gid = 0;
        for (std::size_t k = 0; k < spec.populations.size(); ++k) {
            const auto& ps = spec.populations[k];
            const auto& md = model_of(ps.model);
            const std::string ctx = "population '" + ps.name + "' (model '" + ps.model + "')";
            pop_rt p;
            p.name = ps.name;
            p.model = ps.model;
            p.n = ps.n;
            p.first_gid = gid;
            gid += ps.n;
            p.precise = md.precise;
            if (precise && !md.precise)
                throw config_error("integration", to_string(opt.integration),
                                   "time_stepped (model '" + ps.model + "' has no exact propagator)", ctx);
            std::vector<std::string> pnames;
            for (const auto& q: md.parameters) {
                p.params.push_back(q.default_value);
                pnames.push_back(q.name);
            }
            for (const auto& [name, v]: ps.params) {
                auto it = std::find(pnames.begin(), pnames.end(), name);
                if (it == pnames.end())
                    throw config_error("params['" + name + "']", brainsim::detail::repr(v), "a parameter of the model: " + join(pnames), ctx);
                p.params[static_cast<std::size_t>(it - pnames.begin())] = v;
            }
            for (const auto& [r, u]: md.receptors) p.receptors.push_back(r);
            std::vector<std::string> snames;
            for (const auto& [s, u]: md.state_vars) {
                p.state_vars.push_back(s);
                snames.push_back(s);
            }
            // Observables are recordable after the state variables (index >= number of states).
            for (const auto& [o, u]: md.observables) p.state_vars.push_back(o);
            for (const auto& [name, vs]: ps.initial) {
                if (std::find(snames.begin(), snames.end(), name) == snames.end())
                    throw config_error("initial['" + name + "']", "...", "a state variable of the model: " + join(snames), ctx);
                if (vs.k == value_spec::kind::array && vs.values.size() != ps.n)
                    throw config_error("initial['" + name + "']", "an array of shape (" + std::to_string(vs.values.size()) + ",)",
                                       "a scalar or shape (" + std::to_string(ps.n) + ",)", ctx);
            }
            pops.push_back(std::move(p));
        }
        if (gid >= (std::uint64_t{1} << 40)) throw config_error("n", std::to_string(gid), "< 2^40 neurons in total");

        // partitions
        // automatic: fast uses one partition per thread and rank; exact and ordered (whose results do
        // not depend on the partitioning) at least 8, and at least one per thread and rank
        const unsigned workers = opt.threads * static_cast<unsigned>(comm.size());
        P = opt.partitions ? opt.partitions
                           : (opt.accumulation == numeric::accumulation::fast ? workers : std::max(8u, workers));
        rep.partitions = P;
        for (unsigned p = 0; p < P; ++p)
            if (static_cast<int>(p % static_cast<unsigned>(comm.size())) == comm.rank()) local_parts.push_back(p);
        const std::size_t NL = local_parts.size();
        blocks.resize(NL);
        part_out.resize(NL);
        for (std::size_t lp = 0; lp < NL; ++lp) {
            for (std::uint32_t k = 0; k < pops.size(); ++k) {
                std::size_t R = 0;
                auto b = make_block(pops[k].model, &R);
                b->pop = k;
                b->begin = part_begin(pops[k].n, local_parts[lp], P);
                b->end = part_begin(pops[k].n, local_parts[lp] + 1, P);
                b->n = b->end - b->begin;
                b->first_gid = pops[k].first_gid + b->begin;
                b->R = R;
                b->dt = dt;
                b->precise = precise;
                b->event_driven = opt.integration == scheme::event_driven;
                b->I_dc.assign(b->n, 0.0);
                b->syn_count.assign(b->n * R, 0);
                b->w_low.assign(R, 0.0);
                b->w_high.assign(R, 0.0);
                blocks[lp].push_back(std::move(b));
            }
        }
        // model constants are validated once, on the calling thread, so errors carry no thread noise
        for (std::uint32_t k = 0; k < pops.size(); ++k) {
            std::size_t R = 0;
            auto probe = make_block(pops[k].model, &R);
            probe->dt = dt;
            probe->n = 0;
            probe->init_states(pops[k], spec.populations[k], spec.seed, k);
        }
        pool->parallel_for(NL, [&](std::size_t lp) {
            for (std::uint32_t k = 0; k < pops.size(); ++k)
                blocks[lp][k]->init_states(pops[k], spec.populations[k], spec.seed, k);
        });

        build_projections();
        build_stimuli();
        setup_accumulation();
        build_recorders();

        // ring buffers
        for (auto& row: blocks)
            for (auto& b: row) {
                b->allocate_buffers(static_cast<std::size_t>(dmax + 1));
                rep.ring_bytes += b->ring_bytes();
            }
        pending_by_pop.resize(pops.size());
    }

    // ------------------------------------------------------------------------------------------
    void build_projections() {
        const std::size_t NL = local_parts.size();
        std::int64_t dmin_all = std::numeric_limits<std::int64_t>::max(), dmax_all = 0;

        for (std::size_t j = 0; j < spec.projections.size(); ++j) {
            const auto& ps = spec.projections[j];
            const std::string ctx = "connection " + std::to_string(j);
            if (!(ps.pre < pops.size())) throw config_error("pre", std::to_string(ps.pre), "a population index", ctx);
            if (!(ps.post < pops.size())) throw config_error("post", std::to_string(ps.post), "a population index", ctx);
            const pop_rt &pre = pops[ps.pre], &post = pops[ps.post];
            const std::string pctx = ctx + " " + pre.name + " -> " + post.name;
            for (auto i: ps.pre_subset)
                if (!(i < pre.n)) throw config_error("pre index", std::to_string(i), "< " + std::to_string(pre.n), pctx);
            for (auto i: ps.post_subset)
                if (!(i < post.n)) throw config_error("post index", std::to_string(i), "< " + std::to_string(post.n), pctx);
            const std::uint64_t n_pre = ps.pre_subset.empty() ? pre.n : ps.pre_subset.size();
            const std::uint64_t n_post = ps.post_subset.empty() ? post.n : ps.post_subset.size();
            const bool same = ps.pre == ps.post;
            network::validate_rule(ps.rule, n_pre, n_post, same);

            proj_rt pr;
            pr.pre = ps.pre;
            pr.post = ps.post;
            // weights
            const auto& W = ps.weight;
            double sign_hint = W.k == value_spec::kind::constant ? W.a
                               : W.k == value_spec::kind::normal ? W.a
                               : W.k == value_spec::kind::uniform ? W.a + W.b
                                                                   : 0.0;
            if (W.k == value_spec::kind::array) {
                for (double x: W.values)
                    if (x != 0.0) { sign_hint = x; break; }
                if (ps.receptor.empty())
                    for (double x: W.values)
                        if (x * sign_hint < 0.0)
                            throw config_error("receptor", "None", "a receptor name (weights of both signs)", pctx);
            }
            pr.receptor = receptor_index(post, ps.receptor, sign_hint, pctx);
            const bool conductance = is_conductance(post, pr.receptor);
            auto check_w = [&](double w) {
                if (!std::isfinite(w)) throw config_error("weight", brainsim::detail::repr(w), "a finite number", pctx);
                if (conductance && !(w >= 0.0))
                    throw config_error("weight", brainsim::detail::repr(w), ">= 0 (receptor '" + post.receptors[pr.receptor] + "' is a conductance; for random weights set low=0)", pctx);
            };
            std::uint64_t expected_len = 0;
            auto array_len = [&](const value_spec& v, const char* what) {
                using K = rule_spec::kind;
                switch (ps.rule.k) {
                    case K::explicit_pairs: expected_len = ps.rule.pre.size(); break;
                    case K::one_to_one: expected_len = n_post; break;
                    case K::all_to_all: expected_len = n_post * n_pre; break;
                    case K::fixed_indegree: expected_len = n_post * ps.rule.n; break;
                    default:
                        throw config_error(what, "an array", "a scalar or distribution for this rule (arrays are "
                                                             "allowed for explicit, one_to_one, all_to_all [n_post, n_pre] "
                                                             "and fixed_indegree [n_post, k])", pctx);
                }
                if (v.values.size() != expected_len)
                    throw config_error(what, "an array of " + std::to_string(v.values.size()) + " values",
                                       "exactly " + std::to_string(expected_len) + " values for this rule", pctx);
            };
            if (W.k == value_spec::kind::array) {
                array_len(W, "weight");
                for (double x: W.values) check_w(x);
            }
            else if (W.k == value_spec::kind::constant) check_w(W.a);
            else if (W.k == value_spec::kind::normal && !(W.b >= 0.0 && std::isfinite(W.b) && std::isfinite(W.a)))
                throw config_error("weight sd", brainsim::detail::repr(W.b), ">= 0 and finite", pctx);
            pr.shared_w = W.k == value_spec::kind::constant;
            pr.w0 = W.a;
            // delays
            const auto& Dl = ps.delay;
            std::int64_t dmin_p = 0, dmax_p = 0;
            if (Dl.k == value_spec::kind::constant) {
                pr.d0 = delay_steps(Dl.a, dt, "delay");
                dmin_p = dmax_p = pr.d0;
            }
            else if (Dl.k == value_spec::kind::array) {
                array_len(Dl, "delay");
                dmin_p = std::numeric_limits<std::int64_t>::max();
                for (double x: Dl.values) {
                    auto d = delay_steps(x, dt, "delay");
                    dmin_p = std::min(dmin_p, d);
                    dmax_p = std::max(dmax_p, d);
                }
            }
            pr.shared_d = Dl.k == value_spec::kind::constant;

            // reverse map for subsets
            if (!ps.pre_subset.empty()) {
                pr.pre_row_of.assign(pre.n, -1);
                for (std::size_t a = 0; a < ps.pre_subset.size(); ++a) {
                    if (pr.pre_row_of[ps.pre_subset[a]] != -1)
                        throw config_error("pre index", std::to_string(ps.pre_subset[a]), "each neuron at most once in a subset", pctx);
                    pr.pre_row_of[ps.pre_subset[a]] = static_cast<std::int64_t>(a);
                }
            }
            std::vector<std::int64_t> post_row_of;
            if (!ps.post_subset.empty()) {
                post_row_of.assign(post.n, -1);
                for (std::size_t b = 0; b < ps.post_subset.size(); ++b) {
                    if (post_row_of[ps.post_subset[b]] != -1)
                        throw config_error("post index", std::to_string(ps.post_subset[b]), "each neuron at most once in a subset", pctx);
                    post_row_of[ps.post_subset[b]] = static_cast<std::int64_t>(b);
                }
            }
            const bool post_sorted = std::is_sorted(ps.post_subset.begin(), ps.post_subset.end());
            const std::uint64_t stream = network::stream::connect | j;

            pr.parts.resize(NL);
            std::vector<std::int64_t> pmin(NL, std::numeric_limits<std::int64_t>::max()), pmax(NL, 0);
            pool->parallel_for(NL, [&](std::size_t lp) {
                block_base& b = *blocks[lp][ps.post];
                network::connect_request q;
                q.rule = &ps.rule;
                q.n_pre = n_pre;
                q.n_post = n_post;
                q.pre_ids = ps.pre_subset.empty() ? nullptr : &ps.pre_subset;
                q.post_ids = ps.post_subset.empty() ? nullptr : &ps.post_subset;
                q.pre_pos_of = pr.pre_row_of.empty() ? nullptr : &pr.pre_row_of;
                q.same_population = same;
                q.seed = spec.seed;
                q.stream = stream;
                bool filter = false;
                if (ps.post_subset.empty()) {
                    q.post_begin = b.begin;
                    q.post_end = b.end;
                }
                else if (post_sorted) {
                    q.post_begin = static_cast<std::uint64_t>(std::lower_bound(ps.post_subset.begin(), ps.post_subset.end(), b.begin) - ps.post_subset.begin());
                    q.post_end = static_cast<std::uint64_t>(std::lower_bound(ps.post_subset.begin(), ps.post_subset.end(), b.end) - ps.post_subset.begin());
                }
                else {
                    q.post_begin = 0;
                    q.post_end = n_post;
                    filter = true;
                }
                network::generated_synapses g;
                network::generate(q, g);
                const std::size_t m = g.size();
                // block-local targets, weights, delays in generation order
                std::vector<std::uint32_t> tl(m);
                std::vector<double> w(pr.shared_w ? 0 : m);
                std::vector<std::int64_t> d(pr.shared_d ? 0 : m);
                std::vector<char> keep(filter ? m : 0, 1);
                const std::uint64_t mask32 = 0xffffffffULL;
                auto array_index = [&](std::uint64_t key) -> std::size_t {
                    using K = rule_spec::kind;
                    switch (ps.rule.k) {
                        case K::explicit_pairs: return key;
                        case K::one_to_one: return key >> 32;
                        case K::all_to_all: return (key >> 32) * n_pre + (key & mask32);
                        case K::fixed_indegree: return (key >> 32) * ps.rule.n + (key & mask32);
                        default: return 0;
                    }
                };
                {
                    for (std::size_t s = 0; s < m; ++s) {
                        std::uint64_t pp = ps.post_subset.empty() ? g.post[s] : ps.post_subset[g.post[s]];
                        if (filter) {
                            if (pp < b.begin || pp >= b.end) { keep[s] = 0; continue; }
                        }
                        tl[s] = static_cast<std::uint32_t>(pp - b.begin);
                        double ws = W.a;
                        if (!pr.shared_w) {
                            if (W.k == value_spec::kind::array) ws = W.values[array_index(g.key[s])];
                            else {
                                network::keyed_stream rng(spec.seed, network::stream::weight | j, g.key[s]);
                                ws = network::draw_value(W, rng, "weight");
                                check_w(ws);
                            }
                            w[s] = ws;
                        }
                        ++b.syn_count[pr.receptor * b.n + tl[s]];
                        if (!pr.shared_w) b.note_weight(pr.receptor, ws);
                        if (!pr.shared_d) {
                            std::int64_t ds;
                            if (Dl.k == value_spec::kind::array) ds = delay_steps(Dl.values[array_index(g.key[s])], dt, "delay");
                            else {
                                network::keyed_stream rng(spec.seed, network::stream::delay | j, g.key[s]);
                                double x = network::draw_value(Dl, rng, "delay");
                                if (!std::isfinite(x) || !(x >= 0.0)) throw delay_error("delay", brainsim::detail::repr(x), ">= dt (set low= on the distribution)");
                                ds = static_cast<std::int64_t>(std::llround(x / dt));
                                if (ds < 1)
                                    throw delay_error("delay", brainsim::detail::repr(x), ">= dt/2 (random delays are rounded to the "
                                                                                "nearest step and must give at least one step; set low=)");
                            }
                            d[s] = ds;
                            pmin[lp] = std::min(pmin[lp], ds);
                            pmax[lp] = std::max(pmax[lp], ds);
                        }
                    }
                }
                // CSR by pre row, stable (keeps the canonical target order within a row)
                if (pr.shared_w && m > 0) b.note_weight(pr.receptor, pr.w0);
                syn_part& sp = pr.parts[lp];
                sp.row.assign(n_pre + 1, 0);
                std::size_t kept = 0;
                for (std::size_t s = 0; s < m; ++s)
                    if (!filter || keep[s]) {
                        ++sp.row[g.pre[s] + 1];
                        ++kept;
                    }
                if (kept > std::numeric_limits<std::uint32_t>::max())
                    throw config_error("synapses per partition", std::to_string(kept), "< 2^32 (use more partitions)", pctx);
                for (std::uint64_t a = 0; a < n_pre; ++a) sp.row[a + 1] += sp.row[a];
                std::vector<std::uint32_t> pos(sp.row.begin(), sp.row.end() - 1);
                const bool narrow = b.n <= 65536;
                if (narrow) sp.t16.resize(kept);
                else sp.t32.resize(kept);
                if (!pr.shared_w) sp.w.resize(kept);
                std::vector<std::int64_t> dd(pr.shared_d ? 0 : kept);
                for (std::size_t s = 0; s < m; ++s) {
                    if (filter && !keep[s]) continue;
                    std::uint32_t k = pos[g.pre[s]]++;
                    if (narrow) sp.t16[k] = static_cast<std::uint16_t>(tl[s]);
                    else sp.t32[k] = tl[s];
                    if (!pr.shared_w) sp.w[k] = w[s];
                    if (!pr.shared_d) dd[k] = d[s];
                }
                if (!pr.shared_d) {
                    // width decided after the global maximum is known; keep 16-bit for now
                    sp.d16.resize(kept);
                    for (std::size_t k = 0; k < kept; ++k) {
                        if (dd[k] > 65535) throw delay_error("delay", brainsim::detail::repr(static_cast<double>(dd[k]) * dt), "< 65536 steps");
                        sp.d16[k] = static_cast<std::uint16_t>(dd[k]);
                    }
                }
            });
            if (!pr.shared_d && Dl.k != value_spec::kind::array) {
                // (a rank may own no partition: pmin/pmax are then empty)
                dmin_p = pmin.empty() ? std::numeric_limits<std::int64_t>::max() : *std::min_element(pmin.begin(), pmin.end());
                dmax_p = pmax.empty() ? 0 : *std::max_element(pmax.begin(), pmax.end());
                dmin_p = comm.min(dmin_p);
                dmax_p = comm.max(dmax_p);
            }
            if (!pr.shared_d) {
                if (dmax_p < 256) {
                    pr.delay_width = 8;
                    for (auto& sp: pr.parts) {
                        sp.d8.assign(sp.d16.begin(), sp.d16.end());
                        std::vector<std::uint16_t>().swap(sp.d16);
                    }
                }
                else pr.delay_width = 16;
            }
            if (dmax_p >= dmin_p) {
                dmin_all = std::min(dmin_all, dmin_p);
                dmax_all = std::max(dmax_all, dmax_p);
            }
            interleave_partitions(pr, n_pre);
            for (auto& sp: pr.parts) {
                rep.n_synapses += sp.size();
                rep.synapse_bytes += sp.bytes();
            }
            projs.push_back(std::move(pr));
        }
        if (dmin_all == std::numeric_limits<std::int64_t>::max()) {
            D = 10;
            dmax = 1;
        }
        else {
            D = dmin_all;
            dmax = dmax_all;
        }
        rep.min_delay_steps = D;
        rep.max_delay_steps = dmax;

        rep.synapse_bytes = 0;
        for (auto& pr: projs)
            for (auto& sp: pr.parts) rep.synapse_bytes += sp.bytes();
    }

    // One CSR for all local partitions of a projection (proj_rt::lanes): the NL segments of each pre
    // row next to each other, each in its original synapse order, so every partition delivers the
    // same additions in the same order as from its own CSR; a spike's NL row entries now share one
    // or two cache lines and its targets are contiguous. The partitions' arrays are moved over one
    // at a time, so the build holds at most one partition's synapses twice. The offsets stay 32-bit:
    // with more than 2^32 - 1 local synapses in one projection the partitions keep their own CSRs.
    void interleave_partitions(proj_rt& pr, std::uint64_t n_pre) {
        const std::size_t NL = pr.parts.size();
        pr.lane_size.assign(NL, 0);
        std::uint64_t total = 0;
        bool wide = false;
        for (std::size_t lp = 0; lp < NL; ++lp) {
            pr.lane_size[lp] = pr.parts[lp].size();
            total += pr.lane_size[lp];
            wide = wide || !pr.parts[lp].t32.empty();
        }
        pr.lanes = 1;
        if (NL < 2 || total > std::numeric_limits<std::uint32_t>::max()) return;
        syn_part m;
        m.row.resize(static_cast<std::size_t>(n_pre) * NL + 1);
        std::uint32_t pos = 0;
        for (std::uint64_t r = 0; r < n_pre; ++r)
            for (std::size_t lp = 0; lp < NL; ++lp) {
                const syn_part& sp = pr.parts[lp];
                m.row[r * NL + lp] = pos;
                if (!sp.row.empty()) pos += sp.row[r + 1] - sp.row[r];
            }
        m.row.back() = pos;
        const auto t = static_cast<std::size_t>(total);
        if (wide) m.t32.resize(t);
        else m.t16.resize(t);
        if (!pr.shared_w) m.w.resize(t);
        if (pr.delay_width == 8) m.d8.resize(t);
        if (pr.delay_width == 16) m.d16.resize(t);
        for (std::size_t lp = 0; lp < NL; ++lp) {
            syn_part sp = std::move(pr.parts[lp]);
            if (sp.size() == 0) continue;
            for (std::uint64_t r = 0; r < n_pre; ++r) {
                const std::uint32_t b = sp.row[r], e = sp.row[r + 1];
                std::uint32_t d = m.row[r * NL + lp];
                for (std::uint32_t k = b; k < e; ++k, ++d) {
                    const std::uint32_t tg = sp.t16.empty() ? sp.t32[k] : sp.t16[k];
                    if (wide) m.t32[d] = tg;
                    else m.t16[d] = static_cast<std::uint16_t>(tg);
                    if (!pr.shared_w) m.w[d] = sp.w[k];
                    if (pr.delay_width == 8) m.d8[d] = sp.d8[k];
                    if (pr.delay_width == 16) m.d16[d] = sp.d16[k];
                }
            }
        }
        pr.parts.assign(1, std::move(m));
        pr.lanes = NL;
    }

    // ------------------------------------------------------------------------------------------
    // Accumulation of synaptic input per population (see simulation.hpp, "Determinism").
    // exact: one numeric::fixed_point_format per (population, receptor), built from the weights that
    // can reach that receptor (synapses and stimulus events, over all ranks) and a bound N on the
    // additions one accumulator receives per step: each synapse adds at most once to a given slot
    // (its source spikes at most once per step and its delay is fixed), a Poisson stimulus at most
    // pieces * poisson_cap times, a spike generator at most its largest number of events in one
    // step. N is the largest per-neuron total. The format's proof (exact_accumulator.hpp) then gives
    // exact integer sums; int64 when every sum fits, __int128 otherwise, and superaccumulators when no
    // 127-bit format holds the weights.
    void setup_accumulation() {
        const bool exact = opt.accumulation == numeric::accumulation::exact && opt.integration == scheme::time_stepped;
        const bool fast = opt.accumulation == numeric::accumulation::fast && opt.integration == scheme::time_stepped;
        if (!exact) {
            for (auto& row: blocks)
                for (auto& b: row) {
                    b->acc = acc_kind::float64;
                    b->fast_parts = fast && opt.threads > 1 ? opt.threads : 0;
                    std::vector<std::uint32_t>().swap(b->syn_count);
                }
            rep.accumulators.assign(pops.size(), "float64");
            return;
        }
        // every rank contributes (w_low, w_high) per (population, receptor) and its local bound N
        std::vector<double> ext;
        std::vector<std::uint64_t> nmax;
        for (std::uint32_t k = 0; k < pops.size(); ++k) {
            const std::size_t R = pops[k].receptors.size();
            for (std::size_t r = 0; r < R; ++r) {
                std::vector<double> cand;
                std::uint64_t N = 0;
                for (auto& row: blocks) {
                    const block_base& b = *row[k];
                    cand.push_back(b.w_low[r]);
                    cand.push_back(b.w_high[r]);
                    for (std::size_t i = 0; i < b.n; ++i) N = std::max<std::uint64_t>(N, b.syn_count[r * b.n + i]);
                }
                double lo = 0.0, hi = 0.0;
                for (double w: cand) keep_extremes(lo, hi, w);
                ext.push_back(lo);
                ext.push_back(hi);
                nmax.push_back(N);
            }
        }
        const auto all_ext = comm.all_gather(std::span<const double>(ext));
        std::size_t idx = 0;
        for (std::uint32_t k = 0; k < pops.size(); ++k) {
            const std::size_t R = pops[k].receptors.size();
            std::vector<numeric::fixed_point_format> fmts;
            std::vector<double> unscale(R, 0.0);
            acc_kind kind = acc_kind::fixed64;
            bool narrow = true;
            for (std::size_t r = 0; r < R; ++r, ++idx) {
                std::vector<double> ws;
                for (int q = 0; q < comm.size(); ++q) {
                    auto part = all_ext.part(q);
                    ws.push_back(part[2 * idx]);
                    ws.push_back(part[2 * idx + 1]);
                }
                const auto N = static_cast<std::size_t>(comm.max(static_cast<std::int64_t>(nmax[idx])));
                auto f = numeric::make_fixed_point_format(ws, std::max<std::size_t>(N, 1));
                if (!f.exact || f.max_exponent + f.shift > 63) {
                    kind = acc_kind::super;
                    rep.notes.push_back("exact accumulation for population '" + pops[k].name + "', receptor '" +
                                        pops[k].receptors[r] + "' uses superaccumulators (" +
                                        (f.exact ? std::string("single weights exceed 63 fixed-point bits") : f.reason) +
                                        "): exact but slower and ~1 KB per accumulator");
                }
                else if (!f.fits_int64 && kind == acc_kind::fixed64) kind = acc_kind::fixed128;
                if (f.exact && f.fits_int64 && f.shift <= 1022) unscale[r] = std::ldexp(1.0, -f.shift);
                // int32 slots when every partial sum of this receptor stays below 2^31 (the format's
                // own bound with 31 instead of 63 bits) and reads back with the power-of-two scale
                if (!(f.exact && f.sum_bits <= 31 && unscale[r] != 0.0)) narrow = false;
                fmts.push_back(std::move(f));
            }
            if (kind == acc_kind::fixed64 && narrow) kind = acc_kind::fixed32;
            rep.accumulators.push_back(kind == acc_kind::fixed32   ? "fixed32"
                                       : kind == acc_kind::fixed64  ? "fixed64"
                                       : kind == acc_kind::fixed128 ? "fixed128"
                                                                    : "superaccumulator");
            for (auto& row: blocks) {
                block_base& b = *row[k];
                b.acc = kind;
                b.fmt = fmts;
                b.unscale = unscale;
                std::vector<std::uint32_t>().swap(b.syn_count);
                if (kind == acc_kind::super) continue;
                for (auto& ps: b.poissons) ps.wq = static_cast<std::int64_t>(fmts[ps.receptor].to_fixed(ps.weight));
                for (auto& sg: b.spikegens) sg.wq = static_cast<std::int64_t>(fmts[sg.receptor].to_fixed(sg.weight));
            }
            if (kind == acc_kind::super) continue;
            for (auto& pr: projs) {
                if (pr.post != k) continue;
                const auto& f = fmts[pr.receptor];
                pr.wq0 = f.representable(pr.w0) ? static_cast<std::int64_t>(f.to_fixed(pr.w0)) : 0;  // else no synapses
                if (pr.shared_w) continue;
                for (auto& sp: pr.parts) {
                    sp.wq.resize(sp.w.size());
                    for (std::size_t q = 0; q < sp.w.size(); ++q) sp.wq[q] = static_cast<std::int64_t>(f.to_fixed(sp.w[q]));
                    std::vector<double>().swap(sp.w);
                }
            }
        }
        rep.synapse_bytes = 0;
        for (auto& pr: projs)
            for (auto& sp: pr.parts) rep.synapse_bytes += sp.bytes();
    }

    bool is_conductance(const pop_rt& p, std::uint32_t r) const {
        bool c = false;
        models::for_each_model(models::neuron_model_list{}, [&]<typename M>() {
            if (M::name == p.model) c = M::receptors[r].kind == models::receptor_kind::conductance;
        });
        return c;
    }

    // ------------------------------------------------------------------------------------------
    void build_stimuli() {
        using K = network::stimulus_spec::kind;
        for (std::size_t si = 0; si < spec.stimuli.size(); ++si) {
            const auto& st = spec.stimuli[si];
            const std::string ctx = "stimulus " + std::to_string(si);
            if (!(st.population < pops.size())) throw config_error("population", std::to_string(st.population), "a population index", ctx);
            const pop_rt& p = pops[st.population];
            for (auto t: st.targets)
                if (!(t < p.n)) throw config_error("target index", std::to_string(t), "< " + std::to_string(p.n), ctx);
            auto to_step = [&](double t, const char* what) -> std::int64_t {
                if (std::isinf(t) && t > 0) return std::numeric_limits<std::int64_t>::max() / 4;
                if (!std::isfinite(t) || !(t >= 0.0)) throw config_error(what, brainsim::detail::repr(t), ">= 0 ms", ctx);
                return static_cast<std::int64_t>(std::llround(t / dt));
            };
            const std::int64_t s0 = to_step(st.start, "start"), s1 = to_step(st.stop, "stop");
            if (!(s1 >= s0)) throw config_error("stop", brainsim::detail::repr(st.stop), ">= start = " + brainsim::detail::repr(st.start), ctx);
            const std::uint64_t stream = network::stream::stimulus | si;
            // targets per local partition
            auto for_local_targets = [&](auto&& f) {
                for (std::size_t lp = 0; lp < blocks.size(); ++lp) {
                    block_base& b = *blocks[lp][st.population];
                    std::vector<std::uint32_t> loc;
                    std::vector<std::uint64_t> gids;
                    if (st.targets.empty()) {
                        for (std::uint64_t i = 0; i < b.n; ++i) { loc.push_back(static_cast<std::uint32_t>(i)); gids.push_back(b.first_gid + i); }
                    }
                    else {
                        std::vector<std::uint64_t> ts(st.targets);
                        std::sort(ts.begin(), ts.end());
                        for (auto t: ts)
                            if (t >= b.begin && t < b.end) { loc.push_back(static_cast<std::uint32_t>(t - b.begin)); gids.push_back(b.first_gid + (t - b.begin)); }
                    }
                    f(b, std::move(loc), std::move(gids));
                }
            };
            switch (st.k) {
                case K::dc: case K::step: case K::pulse_train: case K::sinusoid: case K::noise: {
                    current_device dev;
                    dev.k = st.k;
                    dev.start = s0;
                    dev.stop = s1;
                    dev.amplitude = require_finite("amplitude", st.amplitude);
                    dev.dt = dt;
                    dev.stream = stream;
                    if (st.k == K::step) {
                        if (st.times.size() != st.amplitudes.size() || st.times.empty())
                            throw config_error("amplitude_times/amplitude_values", std::to_string(st.times.size()) + " and " + std::to_string(st.amplitudes.size()) + " values",
                                               "two non-empty arrays of equal length", ctx);
                        std::int64_t prev = -1;
                        for (std::size_t i = 0; i < st.times.size(); ++i) {
                            auto s = to_step(st.times[i], "amplitude_times");
                            if (!(s > prev)) throw config_error("amplitude_times", brainsim::detail::repr(st.times[i]), "strictly increasing (after rounding to dt)", ctx);
                            prev = s;
                            dev.change_steps.push_back(s);
                            dev.amplitudes.push_back(require_finite("amplitude_values", st.amplitudes[i]));
                        }
                    }
                    if (st.k == K::pulse_train) {
                        if (!(st.period > 0.0) || !std::isfinite(st.period)) throw config_error("period", brainsim::detail::repr(st.period), "> 0 ms", ctx);
                        if (!(st.width > 0.0 && st.width <= st.period)) throw config_error("width", brainsim::detail::repr(st.width), "in (0, period]", ctx);
                        dev.period_steps = st.period / dt;
                        dev.width_steps = st.width / dt;
                    }
                    if (st.k == K::sinusoid) {
                        dev.omega = 2.0 * std::numbers::pi * require_finite("frequency", st.frequency) / 1000.0;
                        dev.phase = require_finite("phase", st.phase) * std::numbers::pi / 180.0;
                        dev.offset = require_finite("offset", st.offset);
                    }
                    if (st.k == K::noise) {
                        dev.mean = require_finite("mean", st.mean);
                        dev.sd = require_nonnegative("std", st.std);
                    }
                    devices.push_back(std::move(dev));
                    const current_device* dp = &devices.back();
                    for_local_targets([&](block_base& b, std::vector<std::uint32_t> loc, std::vector<std::uint64_t> gids) {
                        if (dp->k == K::dc && s0 == 0 && s1 >= std::numeric_limits<std::int64_t>::max() / 4) {
                            for (auto t: loc) b.I_dc[t] += dp->amplitude;  // constant: folded in
                            return;
                        }
                        if (!loc.empty()) b.currents.push_back({dp, std::move(loc), std::move(gids)});
                    });
                    if (opt.integration == scheme::event_driven && st.k != K::dc)
                        rep.notes.push_back("event_driven with time-varying currents: currents are piecewise constant per "
                                            "step; the targets are advanced at every step where their current changes");
                    break;
                }
                case K::poisson: {
                    if (!(st.rate >= 0.0) || !std::isfinite(st.rate)) throw config_error("rate", brainsim::detail::repr(st.rate), ">= 0 Hz and finite", ctx);
                    auto d = delay_steps(st.delay, dt, "delay", true);
                    local_poisson lp;
                    lp.lambda = st.rate * dt / 1000.0;
                    lp.weight = require_finite("weight", st.weight);
                    lp.receptor = receptor_index(p, st.receptor, st.weight, ctx);
                    if (is_conductance(p, lp.receptor) && !(lp.weight >= 0.0))
                        throw config_error("weight", brainsim::detail::repr(lp.weight), ">= 0 (conductance receptor)", ctx);
                    lp.start = s0 + d;
                    lp.stop = s1 >= std::numeric_limits<std::int64_t>::max() / 4 ? s1 : s1 + d;
                    lp.stream = stream;
                    for_local_targets([&](block_base& b, std::vector<std::uint32_t> loc, std::vector<std::uint64_t> gids) {
                        if (loc.empty()) return;
                        local_poisson x = lp;
                        x.targets = std::move(loc);
                        x.gids = std::move(gids);
                        x.contiguous = true;
                        for (std::size_t m = 0; m < x.targets.size(); ++m)
                            if (x.targets[m] != m || x.gids[m] != x.gids[0] + m) { x.contiguous = false; break; }
                        // exact format: the weight, and at most pieces * poisson_cap events per step
                        b.note_weight(x.receptor, x.weight);
                        const auto pieces = static_cast<std::uint32_t>(std::max(1.0, std::ceil(x.lambda / poisson_piece)));
                        for (auto t: x.targets) b.syn_count[x.receptor * b.n + t] += pieces * poisson_cap;
                        b.poissons.push_back(std::move(x));
                    });
                    break;
                }
                case K::spike_times: {
                    double d = st.delay;
                    if (!std::isfinite(d) || !(d >= 0.0)) throw delay_error("delay", brainsim::detail::repr(d), ">= 0 ms and finite", ctx);
                    local_spikegen sg;
                    sg.weight = require_finite("weight", st.weight);
                    sg.receptor = receptor_index(p, st.receptor, st.weight, ctx);
                    if (is_conductance(p, sg.receptor) && !(sg.weight >= 0.0))
                        throw config_error("weight", brainsim::detail::repr(sg.weight), ">= 0 (conductance receptor)", ctx);
                    std::vector<double> ts(st.times);
                    for (double t: ts)
                        if (!std::isfinite(t) || !(t >= 0.0)) throw config_error("spike_times", brainsim::detail::repr(t), ">= 0 ms and finite", ctx);
                    std::sort(ts.begin(), ts.end());
                    for (double t: ts) {
                        double arrival = t + d;
                        // step j holds arrivals in (j dt, (j+1) dt]
                        std::int64_t j = static_cast<std::int64_t>(std::ceil(arrival / dt - 1e-9)) - 1;
                        if (j < 0) throw config_error("spike_times", brainsim::detail::repr(t), "> 0 ms after adding the delay", ctx);
                        double off = arrival - static_cast<double>(j) * dt;
                        if (opt.integration == scheme::time_stepped) off = dt;
                        sg.steps.push_back(j);
                        sg.offsets.push_back(std::min(std::max(off, 0.0), dt));
                    }
                    for_local_targets([&](block_base& b, std::vector<std::uint32_t> loc, std::vector<std::uint64_t>) {
                        if (loc.empty()) return;
                        local_spikegen x = sg;
                        x.targets = std::move(loc);
                        b.note_weight(x.receptor, x.weight);
                        std::uint32_t most = 0;  // most events in one step
                        for (std::size_t e = 0, f = 0; e < x.steps.size(); e = f) {
                            for (f = e; f < x.steps.size() && x.steps[f] == x.steps[e]; ++f) {}
                            most = std::max(most, static_cast<std::uint32_t>(f - e));
                        }
                        for (auto t: x.targets) b.syn_count[x.receptor * b.n + t] += most;
                        b.spikegens.push_back(std::move(x));
                    });
                    break;
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    void build_recorders() {
        using K = network::recorder_spec::kind;
        for (std::size_t ri = 0; ri < spec.recorders.size(); ++ri) {
            const auto& rs = spec.recorders[ri];
            const std::string ctx = "recorder " + std::to_string(ri);
            if (!(rs.population < pops.size())) throw config_error("population", std::to_string(rs.population), "a population index", ctx);
            const pop_rt& p = pops[rs.population];
            for (auto t: rs.indices)
                if (!(t < p.n)) throw config_error("index", std::to_string(t), "< " + std::to_string(p.n), ctx);
            if (rs.k == K::spikes) {
                spike_rec sr;
                sr.pop = rs.population;
                if (!rs.indices.empty()) {
                    sr.mask.assign(p.n, 0);
                    for (auto t: rs.indices) sr.mask[t] = 1;
                }
                rec_kind.push_back(0);
                rec_slot.push_back(spike_recs.size());
                spike_recs.push_back(std::move(sr));
                continue;
            }
            auto it = std::find(p.state_vars.begin(), p.state_vars.end(), rs.variable);
            if (it == p.state_vars.end())
                throw config_error("variable", "'" + rs.variable + "'", "'spikes' or a state variable of model '" + p.model + "': " + join(p.state_vars), ctx);
            sample_rec sr;
            sr.pop = rs.population;
            sr.var = static_cast<int>(it - p.state_vars.begin());
            double iv = rs.interval <= 0.0 ? dt : rs.interval;
            if (!std::isfinite(iv)) throw config_error("interval", brainsim::detail::repr(rs.interval), "a positive multiple of dt", ctx);
            double x = iv / dt;
            if (!(std::fabs(x - std::round(x)) <= 1e-9 * x) || std::round(x) < 1)
                throw config_error("interval", brainsim::detail::repr(rs.interval), "a positive multiple of dt = " + brainsim::detail::repr(dt) + " ms", ctx);
            sr.interval = static_cast<std::int64_t>(std::round(x));
            sr.sum = rs.k == K::population_sum;
            if (rs.indices.empty())
                for (std::uint64_t i = 0; i < p.n; ++i) sr.columns.push_back(i);
            else sr.columns = rs.indices;
            const std::size_t slot = sample_recs.size();
            for (auto& row: blocks) {
                block_base& b = *row[rs.population];
                local_sampler ls{slot, sr.var, sr.interval, {}, {}};
                for (std::size_t c = 0; c < sr.columns.size(); ++c)
                    if (sr.columns[c] >= b.begin && sr.columns[c] < b.end) {
                        ls.locals.push_back(static_cast<std::uint32_t>(sr.columns[c] - b.begin));
                        ls.cols.push_back(static_cast<std::uint32_t>(c));
                    }
                if (!ls.locals.empty()) b.samplers.push_back(std::move(ls));
            }
            sr.data.columns = sr.sum ? std::vector<std::uint64_t>{} : sr.columns;
            sr.cols_of_rank.assign(static_cast<std::size_t>(comm.size()), {});
            for (std::size_t c = 0; c < sr.columns.size(); ++c)
                sr.cols_of_rank[static_cast<std::size_t>(rank_of(rs.population, sr.columns[c]))].push_back(static_cast<std::uint32_t>(c));
            rec_kind.push_back(1);
            rec_slot.push_back(slot);
            sample_recs.push_back(std::move(sr));
        }
        sinks.resize(sample_recs.size());
    }

    // ------------------------------------------------------------------------------------------
    // Partition lp delivers every spike of the epoch into its own ring buffers (exact, ordered, and
    // fast with one thread).
    void deliver(std::size_t lp) {
        auto& row = blocks[lp];
        for (const auto& pr: projs) {
            const auto& spikes = pending_by_pop[pr.pre];
            if (spikes.empty()) continue;
            if (pr.lane_size[lp] == 0) continue;
            block_base& b = *row[pr.post];
            const std::uint64_t g0 = pops[pr.pre].first_gid;
            if (b.precise) deliver_precise(pr, lp, b, spikes, g0);
            else deliver_block(pr, lp, b, spikes.data(), spikes.data() + spikes.size(), g0);
        }
    }

    // fast with T > 1 threads: thread t delivers the t-th contiguous share of each population's
    // (unsorted) spike list into its private partial ring of every partition; collect_input adds
    // the T partial sums in thread order. The rounding therefore depends on T (documented in
    // simulation.hpp); no sorting and no write sharing.
    void deliver_fast(std::size_t t, std::size_t T) {
        for (const auto& pr: projs) {
            const auto& spikes = pending_by_pop[pr.pre];
            const std::size_t S = spikes.size();
            const std::size_t lo = S * t / T, hi = S * (t + 1) / T;
            if (lo == hi) continue;
            const std::uint64_t g0 = pops[pr.pre].first_gid;
            for (std::size_t lp = 0; lp < blocks.size(); ++lp) {
                if (pr.lane_size[lp] == 0) continue;
                deliver_block(pr, lp, *blocks[lp][pr.post], spikes.data() + lo, spikes.data() + hi, g0,
                              static_cast<int>(t));
            }
        }
    }

    // Partition of population-local index i (contiguous ranges part_begin(n, p, P)).
    unsigned partition_of(std::uint64_t n, std::uint64_t i) const {
        unsigned p = static_cast<unsigned>((i * P) / std::max<std::uint64_t>(n, 1));
        while (p + 1 < P && part_begin(n, p + 1, P) <= i) ++p;
        while (p > 0 && part_begin(n, p, P) > i) --p;
        return p;
    }
    int rank_of(std::uint32_t pop, std::uint64_t i) const {
        return static_cast<int>(partition_of(pops[pop].n, i) % static_cast<unsigned>(comm.size()));
    }

    std::uint32_t pop_of_gid(std::uint64_t g) const {
        std::uint32_t lo = 0, hi = static_cast<std::uint32_t>(pops.size());
        while (hi - lo > 1) {
            std::uint32_t mid = (lo + hi) / 2;
            if (pops[mid].first_gid <= g) lo = mid;
            else hi = mid;
        }
        return lo;
    }
    void epoch(std::int64_t t0, std::int64_t De) {
        // sample rows for this epoch
        for (std::size_t r = 0; r < sample_recs.size(); ++r) {
            auto& sr = sample_recs[r];
            std::int64_t qlo = (t0 + 1 + sr.interval - 1) / sr.interval, qhi = (t0 + De) / sr.interval;
            sr.nrows = std::max<std::int64_t>(0, qhi - qlo + 1);
            sr.scratch.assign(static_cast<std::size_t>(sr.nrows) * sr.columns.size(), std::numeric_limits<double>::quiet_NaN());
            sinks[r] = {qlo, sr.columns.size(), sr.scratch.data()};
        }
        run_env env{spec.seed, dt, &sinks};
        const bool fast_split = !blocks.empty() && !blocks[0].empty() && blocks[0][0]->fast_parts > 1;
        if (fast_split) {
            const std::size_t T = blocks[0][0]->fast_parts;
            pool->parallel_for(T, [&](std::size_t t) { deliver_fast(t, T); });
        }
        pool->parallel_for(blocks.size(), [&](std::size_t lp) {
            if (!fast_split) deliver(lp);
            auto& out = part_out[lp];
            for (std::int64_t j = t0; j < t0 + De; ++j)
                for (auto& b: blocks[lp]) b->update(j, out, env);
        });
        // exchange
        pending.clear();
        for (auto& o: part_out) {
            pending.insert(pending.end(), o.begin(), o.end());
            o.clear();
        }
        if (comm.size() > 1) {
            auto g = comm.all_gather(std::span<const event::spike>(pending));
            pending.swap(g.values);
        }
        const bool sorted = opt.accumulation != numeric::accumulation::fast;
        if (sorted) std::sort(pending.begin(), pending.end(), event::spike_less);
        for (auto& v: pending_by_pop) v.clear();
        for (const auto& s: pending) pending_by_pop[pop_of_gid(s.gid)].push_back(s);
        // record spikes (time-sorted by (step, gid)); every rank holds every spike of the epoch
        if (!spike_recs.empty()) {
            const std::vector<event::spike>* src = &pending;
            if (!sorted) {
                sorted_copy = pending;
                std::sort(sorted_copy.begin(), sorted_copy.end(), event::spike_less);
                src = &sorted_copy;
            }
            for (auto& sr: spike_recs) {
                const std::uint64_t g0 = pops[sr.pop].first_gid, n = pops[sr.pop].n;
                for (const auto& s: *src) {
                    if (s.gid < g0 || s.gid >= g0 + n) continue;
                    std::uint64_t i = s.gid - g0;
                    if (!sr.mask.empty() && !sr.mask[i]) continue;
                    sr.data.times.push_back(static_cast<double>(s.step) * dt + s.offset);
                    sr.data.ids.push_back(i);
                }
            }
        }
        if (comm.size() > 1) gather_samples();
        // samples
        for (auto& sr: sample_recs) {
            if (sr.nrows == 0) continue;
            const std::int64_t qlo = (t0 + 1 + sr.interval - 1) / sr.interval;
            const std::size_t nc = sr.columns.size();
            for (std::int64_t q = 0; q < sr.nrows; ++q) {
                sr.data.times.push_back(static_cast<double>((qlo + q) * sr.interval) * dt);
                const double* rowp = sr.scratch.data() + static_cast<std::size_t>(q) * nc;
                if (sr.sum) sr.data.values.push_back(population_sum(rowp, nc));
                else sr.data.values.insert(sr.data.values.end(), rowp, rowp + nc);
            }
        }
    }

    // A population sum feeds results, so it follows the accumulation mode: exact sums every value
    // exactly and rounds once (superaccumulator); ordered and fast add in population index order.
    // Either way the result does not depend on threads, ranks or partitions.
    double population_sum(const double* v, std::size_t nc) const {
        if (opt.accumulation == numeric::accumulation::exact) return numeric::exact_sum(std::span<const double>(v, nc));
        double acc = 0.0;
        for (std::size_t c = 0; c < nc; ++c) acc += v[c];
        return acc;
    }

    // Ranks: every rank samples only its own neurons; all-gather the epoch's rows so that every rank
    // holds (and returns) the full recording. Which rank owns which column is known everywhere.
    void gather_samples() {
        if (sample_recs.empty()) return;
        const int me = comm.rank();
        std::vector<double> mine;
        for (auto& sr: sample_recs) {
            const std::size_t nc = sr.columns.size();
            for (std::int64_t q = 0; q < sr.nrows; ++q)
                for (auto c: sr.cols_of_rank[static_cast<std::size_t>(me)])
                    mine.push_back(sr.scratch[static_cast<std::size_t>(q) * nc + c]);
        }
        auto g = comm.all_gather(std::span<const double>(mine));
        for (int q = 0; q < comm.size(); ++q) {
            if (q == me) continue;
            auto part = g.part(q);
            std::size_t k = 0;
            for (auto& sr: sample_recs) {
                const std::size_t nc = sr.columns.size();
                for (std::int64_t row = 0; row < sr.nrows; ++row)
                    for (auto c: sr.cols_of_rank[static_cast<std::size_t>(q)])
                        sr.scratch[static_cast<std::size_t>(row) * nc + c] = part[k++];
            }
        }
    }

    void run_steps(std::int64_t n) {
        if (n < 0) throw config_error("duration", std::to_string(n), ">= 0 steps");
        const std::int64_t end = step + n;
        while (step < end) {
            std::int64_t De = std::min(D, end - step);
            epoch(step, De);
            step += De;
        }
        // work counter: event_driven counts its state advances, the other schemes advance every
        // neuron every step
        std::uint64_t work = 0;
        for (const auto& row: blocks)
            for (const auto& b: row)
                work += b->event_driven ? b->neuron_updates : b->n * static_cast<std::uint64_t>(step);
        rep.neuron_updates = work;
    }
};

simulation::simulation(network::network_spec spec, run_options options, comm::communicator comm):
    impl_(std::make_unique<impl>(std::move(spec), options, std::move(comm))) {}
simulation::~simulation() = default;

void simulation::run(double duration_ms) {
    if (!std::isfinite(duration_ms) || !(duration_ms >= 0.0))
        throw config_error("duration", brainsim::detail::repr(duration_ms), ">= 0 ms and finite");
    double x = duration_ms / impl_->dt;
    double r = std::round(x);
    if (!(std::fabs(x - r) <= 1e-9 * std::max(1.0, x)))
        throw config_error("duration", brainsim::detail::repr(duration_ms), "a multiple of dt = " + brainsim::detail::repr(impl_->dt) + " ms");
    impl_->run_steps(static_cast<std::int64_t>(r));
}
void simulation::run_steps(std::int64_t steps) { impl_->run_steps(steps); }
std::int64_t simulation::current_step() const { return impl_->step; }
double simulation::time() const { return static_cast<double>(impl_->step) * impl_->dt; }
const build_report& simulation::report() const { return impl_->rep; }
const run_options& simulation::options() const { return impl_->opt; }
std::size_t simulation::n_recorders() const { return impl_->rec_kind.size(); }

spike_data simulation::take_spikes(std::size_t r) {
    if (!(r < impl_->rec_kind.size()) || impl_->rec_kind[r] != 0)
        throw config_error("recorder", std::to_string(r), "the index of a spike recorder");
    spike_data out;
    std::swap(out, impl_->spike_recs[impl_->rec_slot[r]].data);
    return out;
}
sample_data simulation::take_samples(std::size_t r) {
    if (!(r < impl_->rec_kind.size()) || impl_->rec_kind[r] != 1)
        throw config_error("recorder", std::to_string(r), "the index of a state or population-sum recorder");
    auto& d = impl_->sample_recs[impl_->rec_slot[r]].data;
    sample_data out;
    out.columns = d.columns;
    std::swap(out.times, d.times);
    std::swap(out.values, d.values);
    return out;
}

std::vector<double> simulation::get_state(std::uint32_t population, const std::string& variable) const {
    auto& I = *impl_;
    if (!(population < I.pops.size())) throw config_error("population", std::to_string(population), "a population index");
    const auto& p = I.pops[population];
    auto it = std::find(p.state_vars.begin(), p.state_vars.end(), variable);
    if (it == p.state_vars.end()) throw config_error("variable", "'" + variable + "'", "one of: " + join(p.state_vars));
    int v = static_cast<int>(it - p.state_vars.begin());
    std::vector<double> out(p.n, std::numeric_limits<double>::quiet_NaN());
    std::vector<double> mine;
    for (auto& row: I.blocks) {
        auto& b = *row[population];
        for (std::uint64_t i = 0; i < b.n; ++i) {
            out[b.begin + i] = b.get(i, v);
            mine.push_back(out[b.begin + i]);
        }
    }
    if (I.comm.size() > 1) {
        // collective: rank q sent its blocks' values in partition order (partitions q, q + size, ...)
        auto g = I.comm.all_gather(std::span<const double>(mine));
        for (int q = 0; q < I.comm.size(); ++q) {
            auto part = g.part(q);
            std::size_t k = 0;
            for (unsigned pp = static_cast<unsigned>(q); pp < I.P; pp += static_cast<unsigned>(I.comm.size()))
                for (std::uint64_t i = part_begin(p.n, pp, I.P); i < part_begin(p.n, pp + 1, I.P); ++i) out[i] = part[k++];
        }
    }
    return out;
}

}  // namespace brainsim::engine
