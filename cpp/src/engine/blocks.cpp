// Partition blocks: the per-model update loops (time-stepped and precise) and the stimulus inputs.
#include "engine_detail.hpp"
#include "event_driven.hpp"

#include <brainsim/errors.hpp>
#include <brainsim/models/registry.hpp>
#include <brainsim/numeric/counter_rng.hpp>
#include <brainsim/numeric/exact_accumulator.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <numbers>

namespace brainsim::engine::detail {

double current_device::value(std::int64_t step) const {
    using K = network::stimulus_spec::kind;
    if (step < start || step >= stop) return 0.0;
    switch (k) {
        case K::dc: return amplitude;
        case K::step: {
            auto it = std::upper_bound(change_steps.begin(), change_steps.end(), step);
            if (it == change_steps.begin()) return 0.0;
            return amplitudes[static_cast<std::size_t>(it - change_steps.begin()) - 1];
        }
        case K::pulse_train: {
            double ph = std::fmod(static_cast<double>(step - start), period_steps);
            return ph < width_steps - 1e-9 ? amplitude : 0.0;
        }
        case K::sinusoid: {
            double t = static_cast<double>(step) * dt;  // ms, at the start of the step
            return offset + amplitude * std::sin(omega * t + phase);
        }
        default: return 0.0;
    }
}

void block_base::allocate_buffers(std::size_t slots) {
    L = slots;
    if (precise) ev_ring.assign(L, {});
    else {
        switch (acc) {
            case acc_kind::float64:
                if (fast_parts > 1)
                    ring_fast.assign(fast_parts, event::delay_ring<double>(L, n, R));
                else ring_d = event::delay_ring<double>(L, n, R);
                break;
            case acc_kind::fixed32: ring_q32 = event::delay_ring<std::int32_t>(L, n, R); break;
            case acc_kind::fixed64: ring_q = event::delay_ring<std::int64_t>(L, n, R); break;
            case acc_kind::fixed128: ring_w = event::delay_ring<i128>(L, n, R); break;
            case acc_kind::super: ring_s = event::delay_ring<numeric::superaccumulator>(L, n, R); break;
        }
    }
    I_ext.assign(n, 0.0);
    stim_in.assign(n * R, 0.0);
    in_buf.assign(n * R, 0.0);
    for (auto& ps: poissons) ps.sampler = std::make_shared<const poisson_sampler>(ps.lambda);
}

std::size_t block_base::ring_bytes() const {
    std::size_t b = ring_d.bytes() + ring_q32.bytes() + ring_q.bytes() + ring_w.bytes() + ring_s.bytes();
    for (const auto& r: ring_fast) b += r.bytes();
    return b;
}

void block_base::note_weight(std::uint32_t r, double w) { keep_extremes(w_low[r], w_high[r], w); }

void keep_extremes(double& low, double& high, double w) {
    if (w == 0.0) return;
    if (low == 0.0 || numeric::lowest_bit_exponent(w) < numeric::lowest_bit_exponent(low)) low = w;
    if (std::fabs(w) > std::fabs(high)) high = w;
}

// Poisson(lambda) by inversion of one 32-bit uniform word x (lambda <= 30; larger rates are split
// into pieces): the number of k with x >= T_k, T_k = floor(F(k) 2^32), F the CDF, at most
// poisson_cap. P(k) = (T_k - T_{k-1}) 2^-32 differs from the Poisson probability by < 2^-32 per
// value. The table is built once per device (p_k = p_{k-1} lambda / k, F_k = F_{k-1} + p_k) and
// stops where T_k reaches 2^32 (no word reaches it), so a draw is a short integer search.
struct poisson_sampler {
    double lam_piece = 0.0;
    int pieces = 1;
    std::vector<std::uint64_t> thr;
    explicit poisson_sampler(double lam) {
        pieces = std::max(1, static_cast<int>(std::ceil(lam / poisson_piece)));
        lam_piece = lam / pieces;
        double p = std::exp(-lam_piece), F = p;
        const auto to_thr = [](double f) {
            return static_cast<std::uint64_t>(std::min(std::floor(std::ldexp(f, 32)), 0x1.0p32));
        };
        thr.push_back(to_thr(F));
        for (std::uint32_t k = 1; k < poisson_cap && thr.back() < (std::uint64_t{1} << 32); ++k) {
            p *= lam_piece / k;
            F += p;
            thr.push_back(to_thr(F));
        }
    }
    std::uint32_t draw(std::uint32_t x) const {
        std::uint32_t k = 0;
        const auto K = static_cast<std::uint32_t>(thr.size());
        while (k < K && x >= thr[k]) ++k;
        return k;  // == K only when K == poisson_cap
    }
};

// The Poisson counts of one device in step j, piece `piece`: f(m, k) for every target m with k > 0.
// Random stream (changed in the performance round; earlier: one 64-bit lane per gid, 4 per block):
// one Philox4x64-10 block per 8 consecutive global
// ids, counter (j, gid / 8, piece, 0), key (seed, device stream); gid uses 32-bit lane gid % 8 of the
// 256 output bits (word lane / 2, low half for even lanes). Keyed by gid only, so the counts do not
// depend on partitions, threads or ranks.
template <typename F>
inline void poisson_counts(const local_poisson& ps, const poisson_sampler& smp, int piece, std::int64_t j,
                           std::uint64_t seed, F&& f) {
    const numeric::philox4x64_10::key_type key{seed, ps.stream};
    const auto block_of = [&](std::uint64_t blk) {
        return numeric::philox4x64_10::generate(
            {static_cast<std::uint64_t>(j), blk, static_cast<std::uint64_t>(piece), 0}, key);
    };
    const auto lane = [](const std::array<std::uint64_t, 4>& w, std::uint64_t g) {
        return static_cast<std::uint32_t>(w[(g & 7) >> 1] >> ((g & 1) * 32));
    };
    const std::size_t M = ps.targets.size();
    if (ps.contiguous) {
        // targets m = 0..M-1 with gids g0 + m: whole blocks of 8 without per-target checks
        const std::uint64_t g0 = ps.gids[0];
        std::size_t m = 0;
        while (m < M) {
            const std::uint64_t g = g0 + m;
            const auto w = block_of(g >> 3);
            const std::size_t stop = std::min<std::size_t>(M, m + (8 - (g & 7)));
            for (; m < stop; ++m) {
                const std::uint32_t k = smp.draw(lane(w, g0 + m));
                if (k) f(m, k);
            }
        }
        return;
    }
    std::uint64_t cached = ~std::uint64_t{0};
    std::array<std::uint64_t, 4> w{};
    for (std::size_t m = 0; m < M; ++m) {
        const std::uint64_t g = ps.gids[m];
        if ((g >> 3) != cached) {
            cached = g >> 3;
            w = block_of(cached);
        }
        const std::uint32_t k = smp.draw(lane(w, g));
        if (k) f(m, k);
    }
}

bool block_base::prepare_inputs(std::int64_t j, const run_env& env, bool events) {
    if (!currents.empty()) {
        std::copy(I_dc.begin(), I_dc.end(), I_ext.begin());
        for (const auto& c: currents) {
            if (c.dev->k == network::stimulus_spec::kind::noise) {
                if (j < c.dev->start || j >= c.dev->stop) continue;
                std::uint64_t cached = ~std::uint64_t{0};
                std::array<double, 4> z{};
                for (std::size_t m = 0; m < c.targets.size(); ++m) {
                    std::uint64_t g = c.gids[m];
                    if ((g >> 2) != cached) {
                        cached = g >> 2;
                        z = numeric::normals4(env.seed, c.dev->stream, static_cast<std::uint64_t>(j), cached);
                    }
                    I_ext[c.targets[m]] += c.dev->mean + c.dev->sd * z[g & 3];
                }
            }
            else {
                double v = c.dev->value(j);
                if (v != 0.0)
                    for (auto t: c.targets) I_ext[t] += v;
            }
        }
    }
    if (!events || (poissons.empty() && spikegens.empty())) return false;
    // sink(target, receptor, count, weight, fixed weight)
    auto run = [&](auto&& sink) {
        for (auto& ps: poissons) {
            if (j < ps.start || j >= ps.stop || ps.lambda <= 0.0) continue;
            const poisson_sampler& smp = *ps.sampler;
            const std::uint32_t* tg = ps.targets.data();
            for (int piece = 0; piece < smp.pieces; ++piece)
                poisson_counts(ps, smp, piece, j, env.seed, [&](std::size_t m, std::uint32_t k) {
                    sink(tg[m], ps.receptor, k, ps.weight, ps.wq);
                });
        }
        for (auto& sg: spikegens) {
            while (sg.next < sg.steps.size() && sg.steps[sg.next] < j) ++sg.next;
            for (std::size_t e = sg.next; e < sg.steps.size() && sg.steps[e] == j; ++e)
                for (auto t: sg.targets) sink(t, sg.receptor, 1u, sg.weight, sg.wq);
        }
    };
    switch (acc) {
        case acc_kind::float64:
            std::fill(stim_in.begin(), stim_in.end(), 0.0);
            run([&](std::uint32_t t, std::uint32_t r, std::uint32_t k, double w, std::int64_t) {
                stim_in[r * n + t] += k * w;
            });
            return true;
        case acc_kind::fixed32: {
            std::int32_t* slot = ring_q32.row(j);
            run([&](std::uint32_t t, std::uint32_t r, std::uint32_t k, double, std::int64_t wq) {
                // exact: k * wq and the sum stay within the format's 31-bit bound
                slot[r * n + t] += static_cast<std::int32_t>(static_cast<std::int64_t>(k) * wq);
            });
            return false;
        }
        case acc_kind::fixed64: {
            std::int64_t* slot = ring_q.row(j);
            run([&](std::uint32_t t, std::uint32_t r, std::uint32_t k, double, std::int64_t wq) {
                slot[r * n + t] += static_cast<std::int64_t>(k) * wq;  // exact: k * wq within the format bound
            });
            return false;
        }
        case acc_kind::fixed128: {
            i128* slot = ring_w.row(j);
            run([&](std::uint32_t t, std::uint32_t r, std::uint32_t k, double, std::int64_t wq) {
                slot[r * n + t] += static_cast<i128>(k) * wq;
            });
            return false;
        }
        case acc_kind::super: {
            numeric::superaccumulator* slot = ring_s.row(j);
            run([&](std::uint32_t t, std::uint32_t r, std::uint32_t k, double w, std::int64_t) {
                slot[r * n + t].add_product(static_cast<double>(k), w);  // the exact product
            });
            return false;
        }
    }
    return false;
}

void block_base::collect_input(std::int64_t j, bool stim) {
    double* in = in_buf.data();
    const std::size_t nn = n;
    switch (acc) {
        case acc_kind::float64:
            if (fast_parts > 1) {
                // fast: the private partial sums of the delivering threads, added in thread order
                for (std::size_t r = 0; r < R; ++r) {
                    double* o = in + r * nn;
                    double* p0 = ring_fast[0].row(j, r);
                    for (std::size_t i = 0; i < nn; ++i) { o[i] = p0[i]; p0[i] = 0.0; }
                    for (std::size_t t = 1; t < ring_fast.size(); ++t) {
                        double* p = ring_fast[t].row(j, r);
                        for (std::size_t i = 0; i < nn; ++i) { o[i] += p[i]; p[i] = 0.0; }
                    }
                }
            }
            else {
                double* row = ring_d.row(j);
                for (std::size_t k = 0; k < nn * R; ++k) {
                    in[k] = row[k];
                    row[k] = 0.0;
                }
            }
            if (stim)
                for (std::size_t k = 0; k < nn * R; ++k) in[k] += stim_in[k];
            return;
        case acc_kind::fixed32:
            // chosen only with unscale[r] != 0 for every receptor (setup_accumulation)
            for (std::size_t r = 0; r < R; ++r) {
                std::int32_t* row = ring_q32.row(j, r);
                double* o = in + r * nn;
                const double u = unscale[r];
                for (std::size_t i = 0; i < nn; ++i) {
                    o[i] = static_cast<double>(row[i]) * u;
                    row[i] = 0;
                }
            }
            return;
        case acc_kind::fixed64:
            for (std::size_t r = 0; r < R; ++r) {
                std::int64_t* row = ring_q.row(j, r);
                double* o = in + r * nn;
                const double u = unscale[r];
                if (u != 0.0) {
                    // int64 -> double rounds once (to nearest even); the power-of-two scaling is exact
                    // because the result stays in the normal range (checked when u was set)
                    for (std::size_t i = 0; i < nn; ++i) {
                        o[i] = static_cast<double>(row[i]) * u;
                        row[i] = 0;
                    }
                }
                else {
                    for (std::size_t i = 0; i < nn; ++i) {
                        o[i] = fmt[r].from_fixed(row[i]);
                        row[i] = 0;
                    }
                }
            }
            return;
        case acc_kind::fixed128:
            for (std::size_t r = 0; r < R; ++r) {
                i128* row = ring_w.row(j, r);
                double* o = in + r * nn;
                for (std::size_t i = 0; i < nn; ++i) {
                    o[i] = fmt[r].from_fixed(row[i]);
                    row[i] = 0;
                }
            }
            return;
        case acc_kind::super:
            for (std::size_t r = 0; r < R; ++r) {
                numeric::superaccumulator* row = ring_s.row(j, r);
                double* o = in + r * nn;
                for (std::size_t i = 0; i < nn; ++i) {
                    o[i] = row[i].round();
                    row[i].clear();
                }
            }
            return;
    }
}

void block_base::stimulus_events(std::int64_t j, const run_env& env, std::vector<event::timed_input>& evs) {
    // Poisson events arrive on the grid (offset dt); spike generator events at their offsets.
    for (auto& ps: poissons) {
        if (j < ps.start || j >= ps.stop || ps.lambda <= 0.0) continue;
        const poisson_sampler& smp = *ps.sampler;
        for (int piece = 0; piece < smp.pieces; ++piece)
            poisson_counts(ps, smp, piece, j, env.seed, [&](std::size_t m, std::uint32_t k) {
                evs.push_back({ps.targets[m], ps.receptor, env.dt, k * ps.weight});
            });
    }
    for (auto& sg: spikegens) {
        while (sg.next < sg.steps.size() && sg.steps[sg.next] < j) ++sg.next;
        for (std::size_t e = sg.next; e < sg.steps.size() && sg.steps[e] == j; ++e)
            for (auto t: sg.targets) evs.push_back({t, sg.receptor, sg.offsets[e], sg.weight});
    }
}

void block_base::sample(std::int64_t j, const run_env& env) {
    for (const auto& s: samplers) {
        if ((j + 1) % s.interval != 0) continue;
        auto& sink = (*env.sinks)[s.recorder];
        std::int64_t q = (j + 1) / s.interval - sink.first_q;
        double* row = sink.rows + static_cast<std::size_t>(q) * sink.ncols;
        for (std::size_t m = 0; m < s.locals.size(); ++m) row[s.cols[m]] = get(s.locals[m], s.var);
    }
}

namespace {

template <typename M>
class block final: public block_base {
public:
    static constexpr std::size_t NR = M::receptors.size();
    static constexpr std::size_t NS = M::state_vars.size();
    // Models with a branch-free step_batch that prefer it (M::prefer_batch) keep their state as one
    // array per variable (sa) and are updated in chunks; the others keep an array of per-neuron
    // states (s) and run step() per neuron.
    static constexpr bool batched =
        requires(const typename M::constants& k, double* const* x, const double* const* in, const double* I,
                 std::uint8_t* f) {
            M::step_batch(k, x, in, I, std::size_t{}, f);
            requires M::prefer_batch;
        };
    static constexpr std::size_t chunk = 256;
    typename M::constants c{};
    std::vector<typename M::state> s;
    std::array<std::vector<double>, NS> sa;
    std::vector<event::timed_input> evs;
    ed_data ed;  // event-driven scheme (event_driven.hpp)

    double& state_ref(std::size_t i, std::size_t v) {
        if constexpr (batched) return sa[v][i];
        else return s[i][v];
    }
    typename M::state load(std::size_t i) const {
        if constexpr (batched) {
            typename M::state st;
            for (std::size_t v = 0; v < NS; ++v) st[v] = sa[v][i];
            return st;
        }
        else return s[i];
    }
    void store(std::size_t i, const typename M::state& st) {
        if constexpr (batched)
            for (std::size_t v = 0; v < NS; ++v) sa[v][i] = st[v];
        else s[i] = st;
    }

    void init_states(const pop_rt& p, const network::population_spec& ps, std::uint64_t seed,
                     std::uint32_t pop_index) override {
        c = M::prepare(p.params.data(), dt);
        const typename M::state init = M::initial_state(p.params.data());
        if constexpr (batched)
            for (std::size_t v = 0; v < NS; ++v) sa[v].assign(n, init[v]);
        else s.assign(n, init);
        for (const auto& [var, vs]: ps.initial) {
            int vi = models::index_of(M::state_vars, var);
            for (std::uint64_t i = 0; i < n; ++i) {
                std::uint64_t li = begin + i;
                double x;
                if (vs.k == network::value_spec::kind::constant) x = vs.a;
                else if (vs.k == network::value_spec::kind::array) x = vs.values[li];
                else {
                    network::keyed_stream rng(seed, network::stream::initial | (std::uint64_t{pop_index} << 16) |
                                                        static_cast<std::uint64_t>(vi), li);
                    x = network::draw_value(vs, rng, ("initial['" + var + "']").c_str());
                }
                state_ref(i, static_cast<std::size_t>(vi)) = x;
            }
        }
    }

    double get(std::size_t i, int v) const override {
        if constexpr (models::supports_precise_timing<M>) {
            if (event_driven) {  // lazy state: propagated (on a copy) to the end of the last step
                const typename M::state st = ed_state_now<M>(*this, i);
                if (static_cast<std::size_t>(v) < NS) return st[static_cast<std::size_t>(v)];
                if constexpr (models::has_observables<M>) return M::observe(c, st, v - static_cast<int>(NS));
                else throw internal_error("observable index on a model without observables");
            }
        }
        if (static_cast<std::size_t>(v) >= NS) {  // an observable (validated when recording)
            if constexpr (models::has_observables<M>) {
                typename M::state st;
                for (std::size_t k = 0; k < NS; ++k) st[k] = get(i, static_cast<int>(k));
                return M::observe(c, st, v - static_cast<int>(NS));
            }
            else throw internal_error("observable index on a model without observables");
        }
        if constexpr (batched) return sa[static_cast<std::size_t>(v)][i];
        else return s[i][static_cast<std::size_t>(v)];
    }
    std::size_t state_bytes() const override {
        std::size_t b = s.capacity() * sizeof(typename M::state);
        for (const auto& a: sa) b += a.capacity() * sizeof(double);
        return b;
    }

    // Batched time-stepped update: per chunk, the input (read and cleared from the ring slot in the
    // common cases, else from in_buf after collect_input), M::step_batch, then the spikes in order.
    void update_batched(std::int64_t j, std::vector<event::spike>& out, bool stim) {
        const double* I = current_input();
        const std::size_t nn = n;
        const bool fixed = (acc == acc_kind::fixed64 || acc == acc_kind::fixed32) && !stim &&
                           std::all_of(unscale.begin(), unscale.end(), [](double u) { return u != 0.0; });
        const bool flt = acc == acc_kind::float64 && fast_parts <= 1;
        if (!fixed && !flt) collect_input(j, stim);
        std::array<double, NR * chunk> inb;
        std::array<std::uint8_t, chunk> spk;
        for (std::size_t i0 = 0; i0 < nn; i0 += chunk) {
            const std::size_t cnt = std::min(chunk, nn - i0);
            std::array<const double*, NR> inp;
            for (std::size_t r = 0; r < NR; ++r) {
                double* dst = inb.data() + r * chunk;
                if (fixed) {
                    // int32 and int64 slots hold the same integer; either converts to double exactly
                    // when it has <= 53 bits (always for int32), else rounds once: the same double
                    double* __restrict d = dst;
                    const double u = unscale[r];
                    if (acc == acc_kind::fixed32) {
                        std::int32_t* __restrict row = ring_q32.row(j, r) + i0;
                        for (std::size_t k = 0; k < cnt; ++k) {
                            d[k] = static_cast<double>(row[k]) * u;
                            row[k] = 0;
                        }
                    }
                    else {
                        std::int64_t* __restrict row = ring_q.row(j, r) + i0;
                        for (std::size_t k = 0; k < cnt; ++k) {
                            d[k] = static_cast<double>(row[k]) * u;
                            row[k] = 0;
                        }
                    }
                    inp[r] = dst;
                }
                else if (flt) {
                    double* row = ring_d.row(j, r) + i0;
                    if (stim) {
                        const double* st = stim_in.data() + r * nn + i0;
                        for (std::size_t k = 0; k < cnt; ++k) dst[k] = row[k] + st[k];
                    }
                    else std::copy(row, row + cnt, dst);
                    std::fill(row, row + cnt, 0.0);
                    inp[r] = dst;
                }
                else inp[r] = in_buf.data() + r * nn + i0;
            }
            std::array<double*, NS> xp;
            for (std::size_t v = 0; v < NS; ++v) xp[v] = sa[v].data() + i0;
            M::step_batch(c, xp.data(), inp.data(), I + i0, cnt, spk.data());
            // the spikes in neuron order; eight flags at a time (most steps have none)
            std::size_t k = 0;
            for (; k + 8 <= cnt; k += 8) {
                std::uint64_t w;
                std::memcpy(&w, spk.data() + k, 8);
                if (w == 0) continue;
                for (std::size_t q = k; q < k + 8; ++q)
                    if (spk[q]) out.push_back({j, first_gid + i0 + q, dt});
            }
            for (; k < cnt; ++k)
                if (spk[k]) out.push_back({j, first_gid + i0 + k, dt});
        }
    }

    void update(std::int64_t j, std::vector<event::spike>& out, const run_env& env) override {
        if (precise) {
            if constexpr (models::supports_precise_timing<M>) {
                if (event_driven) ed_update<M>(*this, j, out, env);
                else update_precise(j, out, env);
            }
            return;
        }
        const bool stim = prepare_inputs(j, env);
        if constexpr (batched) {
            update_batched(j, out, stim);
            if (!samplers.empty()) sample(j, env);
            return;
        }
        const double* I = current_input();
        const std::uint64_t g0 = first_gid;
        const std::size_t nn = n;
        // The common cases read and clear the ring slot inside the neuron loop (one pass over the
        // slot instead of two); the conversion is the same as collect_input's, so results agree.
        bool fused = acc == acc_kind::fixed64 && !stim;
        for (std::size_t r = 0; r < NR && fused; ++r) fused = unscale[r] != 0.0;
        if (fused) {
            std::array<std::int64_t*, NR> row;
            std::array<double, NR> u;
            for (std::size_t r = 0; r < NR; ++r) {
                row[r] = ring_q.row(j, r);
                u[r] = unscale[r];
            }
            for (std::size_t i = 0; i < nn; ++i) {
                std::array<double, NR> in;
                for (std::size_t r = 0; r < NR; ++r) {
                    in[r] = static_cast<double>(row[r][i]) * u[r];
                    row[r][i] = 0;
                }
                models::step_result res = M::step(c, s[i], in.data(), I[i]);
                if (res.spiked) out.push_back({j, g0 + i, res.offset});
            }
        }
        else if (acc == acc_kind::float64 && fast_parts <= 1) {
            std::array<double*, NR> row;
            std::array<const double*, NR> st;
            for (std::size_t r = 0; r < NR; ++r) {
                row[r] = ring_d.row(j, r);
                st[r] = stim_in.data() + r * nn;
            }
            for (std::size_t i = 0; i < nn; ++i) {
                std::array<double, NR> in;
                for (std::size_t r = 0; r < NR; ++r) {
                    in[r] = stim ? row[r][i] + st[r][i] : row[r][i];
                    row[r][i] = 0.0;
                }
                models::step_result res = M::step(c, s[i], in.data(), I[i]);
                if (res.spiked) out.push_back({j, g0 + i, res.offset});
            }
        }
        else {
            collect_input(j, stim);
            const double* in0 = in_buf.data();
            for (std::size_t i = 0; i < nn; ++i) {
                std::array<double, NR> in;
                for (std::size_t r = 0; r < NR; ++r) in[r] = in0[r * nn + i];
                models::step_result res = M::step(c, s[i], in.data(), I[i]);
                if (res.spiked) out.push_back({j, g0 + i, res.offset});
            }
        }
        if (!samplers.empty()) sample(j, env);
    }

    // Hybrid scheme: exact propagation between the inputs of the step, spike times located inside
    // the step by the model's threshold_crossing.
    void update_precise(std::int64_t j, std::vector<event::spike>& out, const run_env& env)
        requires models::supports_precise_timing<M>
    {
        prepare_inputs(j, env, false);
        const double* I = current_input();
        auto& slot = ev_ring[static_cast<std::size_t>(j % static_cast<std::int64_t>(L))];
        evs.clear();
        evs.swap(slot);
        stimulus_events(j, env, evs);
        std::sort(evs.begin(), evs.end(), event::timed_input_less);
        const double dt = env.dt;
        std::size_t e = 0;
        const std::size_t ne = evs.size();
        for (std::size_t i = 0; i < n; ++i) {
            if (!(e < ne && evs[e].target == i)) {  // no input: the step is one interval (as advance(dt) below)
                if constexpr (batched) {
                    typename M::state x = load(i);
                    if (!(M::threshold_crossing(c, x, dt, I[i]) <= dt)) {
                        M::propagate(c, x, dt, I[i]);
                        store(i, x);
                        continue;
                    }
                }
                else {  // in place (a copy written element-wise and read back whole stalls store forwarding)
                    typename M::state& x = s[i];
                    if (!(M::threshold_crossing(c, x, dt, I[i]) <= dt)) {
                        M::propagate(c, x, dt, I[i]);
                        continue;
                    }
                }
            }
            typename M::state st = load(i);
            double t = 0.0;
            auto advance = [&](double until) {
                for (int guard = 0; guard < 1000000; ++guard) {
                    double h = until - t;
                    if (!(h > 0.0)) return;
                    double tc = M::threshold_crossing(c, st, h, I[i]);
                    if (tc <= h) {
                        M::propagate(c, st, tc, I[i]);
                        t += tc;
                        M::emit(c, st);
                        out.push_back({j, first_gid + i, t});
                        if (tc <= 0.0) {  // zero refractory time and reset at threshold: avoid a loop
                            return;
                        }
                    }
                    else {
                        M::propagate(c, st, h, I[i]);
                        t = until;
                        return;
                    }
                }
            };
            while (e < ne && evs[e].target == i) {
                advance(evs[e].offset);
                M::receive(c, st, static_cast<int>(evs[e].receptor), evs[e].weight);
                if (M::at_threshold(c, st)) {
                    M::emit(c, st);
                    out.push_back({j, first_gid + i, evs[e].offset});
                }
                ++e;
            }
            advance(dt);
            store(i, st);
        }
        evs.clear();
        if (!samplers.empty()) sample(j, env);
    }

};

}  // namespace

std::unique_ptr<block_base> make_block(const std::string& model, std::size_t* R_out) {
    std::unique_ptr<block_base> b;
    models::for_each_model(models::neuron_model_list{}, [&]<typename M>() {
        if (!b && M::name == model) {
            b = std::make_unique<block<M>>();
            *R_out = M::receptors.size();
        }
    });
    return b;
}

}  // namespace brainsim::engine::detail
