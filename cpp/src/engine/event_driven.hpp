#pragma once
// The event-driven scheme (integration = "event_driven") for models with closed-form propagators.
//
// Every neuron keeps its state at its own last-update time (k, o): step k, offset o in [0, dt) (the
// time k dt + o). A neuron is touched only when something happens to it:
//   - an input event arrives (recurrent spikes through the delay ring, Poisson or spike-generator
//     events of the step): it is propagated exactly to the event, the event is applied;
//   - its predicted threshold crossing is due: a binary min-heap per block holds (due step, neuron,
//     version) entries; an entry is stale when the neuron has been re-predicted since (lazy
//     invalidation, the heap is compacted when stale entries dominate);
//   - its external current changes (step, pulse, sinusoid and noise currents are piecewise constant
//     per step, as in the hybrid scheme): it is propagated to the step start with the old current
//     and re-predicted with the new one;
//   - its state is read (recorders, get_state): the state is propagated on a copy to the current
//     time, so reading never changes the trajectory.
// A neuron with no input and no predicted crossing costs nothing.
//
// Semantics are those of the hybrid scheme (block<M>::update_precise): within the step in which a
// crossing is due, between events, the crossing is located with the model's threshold_crossing on
// the same intervals (step start or last event .. next event or step end), so spike times agree
// with hybrid to rounding (the state at the step start comes from one long propagation instead of
// one per step). The prediction finds the first such interval without visiting the ones before:
// an upper bound of V over a window of intervals (ed_bound<M>, each term of the closed-form V(t) is
// monotone or unimodal) skips windows that stay below threshold, doubling the window while it does;
// candidate intervals are tested exactly with propagate + threshold_crossing (the test hybrid
// makes). The bound is compared with V_th - 1e-9 mV, so rounding never makes it skip an interval
// that hybrid would report. Communication stays on the dt grid: spikes go out with their offsets
// at the end of the min-delay epoch exactly as in hybrid.
//
// Work: block_base::neuron_updates counts the state advances (per neuron touched in a step: events,
// due crossings, current changes, samples; plus one per neuron at the start). The hybrid and
// time-stepped schemes advance every neuron every step (n per step).

#include "engine_detail.hpp"

#include <brainsim/models/lif_curr_exp.hpp>
#include <brainsim/models/lif_delta.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace brainsim::engine::detail {

// Upper bound of V_m over [s1, s2] (ms from now, s2 may be +inf) for a neuron without further
// input: ed_bound<M>::trajectory(c, state, I).vmax(s1, s2). `available` says whether a model has
// one; without it the scheme checks the neuron every step (as hybrid).
template <typename M>
struct ed_bound {
    static constexpr bool available = false;
};

template <>
struct ed_bound<models::lif_delta> {
    using M = models::lif_delta;
    static constexpr bool available = true;
    // V = V_reset while refractory (t < t0), then v_inf + (v0 - v_inf) e^{-(t - t0)/tau_m}: monotone
    struct trajectory {
        double t0, A, vinf, tau_m, V_reset, V_th;
        trajectory(const M::constants& c, const M::state& s, double I):
            t0(s[M::t_ref_left] > 0.0 ? s[M::t_ref_left] : 0.0), vinf(c.E_L + c.R * (c.I_e + I)), tau_m(c.tau_m),
            V_reset(c.V_reset), V_th(c.V_th) {
            A = (t0 > 0.0 ? c.V_reset : s[M::V_m]) - vinf;
        }
        double vmax(double s1, double s2) const {
            double best = -std::numeric_limits<double>::infinity();
            if (s1 < t0) {
                best = V_reset;
                if (s2 <= t0) return best;
                s1 = t0;
            }
            double v = vinf;
            if (A >= 0.0) v += A * std::exp(-(s1 - t0) / tau_m);
            else if (!std::isinf(s2)) v += A * std::exp(-(s2 - t0) / tau_m);
            return std::max(best, v);
        }
    };
};

template <>
struct ed_bound<models::lif_curr_exp> {
    using M = models::lif_curr_exp;
    static constexpr bool available = true;
    // After the refractory time t0 (V = V_reset before), with u = t - t0:
    //   V = v_inf + (v0 - v_inf) e^{-u/tau_m} + sum_x I_x(t0) / C k_x(u),
    //   k_x(u) = (e^{-u/tau_x} - e^{-u/tau_m}) tau_m tau_x / (tau_x - tau_m) >= 0,
    // k_x rises to one maximum at u*_x = ln(tau_x/tau_m) tau_m tau_x / (tau_x - tau_m) (tau_m if
    // equal) and decays to 0. Each term is bounded separately over [u1, u2]: the exponential at the
    // endpoint where it is largest, a positive current's kernel at u* clamped into [u1, u2], a
    // negative current's kernel at the endpoint where the kernel is smallest.
    struct trajectory {
        double t0, A, vinf, tau_m, V_reset, V_th;
        struct syn {
            double i = 0.0, a = 0.0, tau = 1.0, peak = 0.0, at_peak = 0.0;  // a = I_x(t0) / C
        } ex, in;
        static double kernel(double u, double tm, double tx) {
            return std::isinf(u) ? 0.0 : models::lif_detail::psc_kernel(u, tm, tx);
        }
        // the kernel's peak time and value (/C) come from prepare() (lif_curr_exp::constants)
        static void set(syn& y, double i, double C, double tx, double u_pk, double k_pk) {
            y.i = i;
            y.a = i / C;
            y.tau = tx;
            y.peak = u_pk;
            y.at_peak = k_pk;
        }
        trajectory(const M::constants& c, const M::state& s, double I):
            t0(s[M::t_ref_left] > 0.0 ? s[M::t_ref_left] : 0.0), vinf(c.E_L + c.tau_m / c.C * (c.I_e + I)),
            tau_m(c.tau_m), V_reset(c.V_reset), V_th(c.V_th) {
            A = (t0 > 0.0 ? c.V_reset : s[M::V_m]) - vinf;
            const double iex = t0 > 0.0 ? s[M::I_syn_ex] * std::exp(-t0 / c.tau_ex) : s[M::I_syn_ex];
            const double iin = t0 > 0.0 ? s[M::I_syn_in] * std::exp(-t0 / c.tau_in) : s[M::I_syn_in];
            set(ex, iex, c.C, c.tau_ex, c.u_pk_ex, c.k_pk_ex);
            set(in, iin, c.C, c.tau_in, c.u_pk_in, c.k_pk_in);
        }
        double syn_max(const syn& y, double u1, double u2) const {
            if (y.a == 0.0) return 0.0;
            if (y.a > 0.0) {
                if (y.peak >= u1 && y.peak <= u2) return y.i * y.at_peak;
                return y.a * kernel(y.peak < u1 ? u1 : u2, tau_m, y.tau);
            }
            return y.a * std::min(kernel(u1, tau_m, y.tau), kernel(u2, tau_m, y.tau));
        }
        double vmax(double s1, double s2) const {
            double best = -std::numeric_limits<double>::infinity();
            if (s1 < t0) {
                best = V_reset;
                if (s2 <= t0) return best;
                s1 = t0;
            }
            const double u1 = s1 - t0, u2 = s2 - t0;
            double v = vinf;
            if (A >= 0.0) v += A * std::exp(-u1 / tau_m);
            else if (!std::isinf(u2)) v += A * std::exp(-u2 / tau_m);
            v += syn_max(ex, u1, u2) + syn_max(in, u1, u2);
            return std::max(best, v);
        }
    };
};

inline constexpr double ed_margin = 1e-9;  // mV: the bound must stay this far below V_th to skip
inline constexpr int ed_budget = 6;       // bound evaluations per prediction call

// Search for the first interval in which the hybrid scheme would find a threshold crossing of a
// neuron with state `st`, constant current I and no further input. Interval 0 is [0, g1] (g1 in
// (0, dt] is the time to the next grid point), m > 0 is [g1 + (m-1) dt, g1 + m dt]. The search
// starts at interval m0 (the intervals before are known to hold none). Returns {m, true} for the
// crossing interval, {-1, true} for never, and after ed_budget bound evaluations {m, false}: no
// crossing before interval m, search again from m when its step comes (the neuron's state is not
// touched for that). So the answer is never later than the true one.
struct ed_prediction {
    std::int64_t m;
    bool found;
    int log2w = 0;  // not found: the window size (log2) to resume with
};
template <typename M>
ed_prediction ed_predict(const typename M::constants& c, const typename M::state& st, double I, double g1, double dt,
                         std::int64_t m0 = 0, int log2w0 = 0) {
    if constexpr (!ed_bound<M>::available) {
        return {m0, true};
    }
    else {
        constexpr double inf = std::numeric_limits<double>::infinity();
        const typename ed_bound<M>::trajectory tr(c, st, I);
        const double thr = tr.V_th - ed_margin;
        auto start = [&](std::int64_t m) { return m == 0 ? 0.0 : g1 + static_cast<double>(m - 1) * dt; };
        auto end = [&](std::int64_t m) { return g1 + static_cast<double>(m) * dt; };
        auto crosses = [&](std::int64_t m) {
            typename M::state x = st;
            const double a = start(m), h = end(m) - a;
            if (a > 0.0) M::propagate(c, x, a, I);
            return M::threshold_crossing(c, x, h, I) <= h;
        };
        constexpr std::int64_t wmax = std::int64_t{1} << 40;
        std::int64_t m = m0, w = std::int64_t{1} << log2w0;
        if (tr.vmax(start(m), inf) < thr) return {-1, true};
        for (int it = 0; it < ed_budget; ++it) {
            if (tr.vmax(start(m), end(m + w - 1)) < thr) {
                m += w;
                w = std::min(2 * w, wmax);
                if (w >= 8 && tr.vmax(start(m), inf) < thr) return {-1, true};
                continue;
            }
            if (w > 1) {
                w /= 2;
                continue;
            }
            if (crosses(m)) return {m, true};
            ++m;
            w = 2;
        }
        return {m, false, static_cast<int>(std::bit_width(static_cast<std::uint64_t>(w))) - 1};
    }
}

struct ed_entry {
    std::int64_t due;  // step in which the crossing is located
    std::uint32_t i, ver;
};
inline bool ed_later(const ed_entry& a, const ed_entry& b) { return a.due > b.due; }

// Per-block state of the scheme (block-local neuron index).
struct ed_data {
    std::vector<std::int64_t> k;      // last update: step
    std::vector<double> o;            // and offset in [0, dt)
    std::vector<std::uint32_t> ver;   // prediction version (heap entries with another are stale)
    std::vector<std::uint8_t> searching;  // > 0: the live entry resumes the search with window 2^(searching-1)
    std::vector<double> I;            // external current in effect since the last update
    std::vector<ed_entry> heap;       // min-heap by due step
    std::int64_t now = 0;             // steps completed
    bool ready = false;
};

// The state of neuron i at the end of the last completed step (on a copy).
template <typename M, typename Blk>
typename M::state ed_state_now(const Blk& b, std::size_t i) {
    typename M::state st = b.load(i);
    const ed_data& d = b.ed;
    if (d.ready) {
        const double h = static_cast<double>(d.now - d.k[i]) * b.dt - d.o[i];
        if (h > 0.0) M::propagate(b.c, st, h, d.I[i]);
    }
    return st;
}

// One step j of one block. Blk is block<M> (blocks.cpp): load/store, c, evs and the block_base members.
template <typename M, typename Blk>
void ed_update(Blk& b, std::int64_t j, std::vector<event::spike>& out, const run_env& env) {
    ed_data& d = b.ed;
    const double dt = env.dt;
    const std::size_t n = b.n;
    const auto& c = b.c;

    // (Re-)predict neuron i from its stored time; m0 > 0 resumes a search (same state and version).
    auto predict = [&](std::size_t i, const typename M::state& st, std::int64_t m0 = 0, int log2w = 0) {
        if (m0 == 0) ++d.ver[i];
        const ed_prediction p = ed_predict<M>(c, st, d.I[i], dt - d.o[i], dt, m0, log2w);
        if (p.m < 0) return;
        d.searching[i] = p.found ? 0 : static_cast<std::uint8_t>(p.log2w + 1);
        d.heap.push_back({d.k[i] + p.m, static_cast<std::uint32_t>(i), d.ver[i]});
        std::push_heap(d.heap.begin(), d.heap.end(), ed_later);
    };
    // Neuron i to the start of step j (no crossing lies before: its due step is >= j).
    auto to_step = [&](std::size_t i, typename M::state& st) {
        if (d.k[i] < j) {
            const double h = static_cast<double>(j - d.k[i]) * dt - d.o[i];
            if (h > 0.0) M::propagate(c, st, h, d.I[i]);
            d.k[i] = j;
            d.o[i] = 0.0;
        }
    };
    // As update_precise: from offset t to `until` in step j, spikes located by threshold_crossing.
    auto advance = [&](std::size_t i, typename M::state& st, double& t, double until) {
        const double I = d.I[i];
        for (int guard = 0; guard < 1000000; ++guard) {
            const double h = until - t;
            if (!(h > 0.0)) return;
            const double tc = M::threshold_crossing(c, st, h, I);
            if (tc <= h) {
                M::propagate(c, st, tc, I);
                t += tc;
                M::emit(c, st);
                out.push_back({j, b.first_gid + i, t});
                if (tc <= 0.0) {  // zero refractory time and reset at threshold: avoid a loop
                    M::propagate(c, st, until - t, I);
                    t = until;
                    return;
                }
            }
            else {
                M::propagate(c, st, h, I);
                t = until;
                return;
            }
        }
    };
    auto set_time = [&](std::size_t i, double t) {
        if (t >= dt) {
            d.k[i] = j + 1;
            d.o[i] = 0.0;
        }
        else d.o[i] = t;
    };

    if (!d.ready) {
        d.k.assign(n, j);
        d.o.assign(n, 0.0);
        d.ver.assign(n, 0);
        d.searching.assign(n, 0);
        d.I.assign(b.I_dc.begin(), b.I_dc.end());
        d.heap.clear();
        for (std::size_t i = 0; i < n; ++i) predict(i, b.load(i));
        d.now = j;
        d.ready = true;
        b.neuron_updates += n;
    }

    // time-varying currents: the neurons whose current changes at this step start
    if (!b.currents.empty()) {
        b.prepare_inputs(j, env, false);
        for (std::size_t i = 0; i < n; ++i) {
            if (b.I_ext[i] == d.I[i]) continue;
            typename M::state st = b.load(i);
            to_step(i, st);
            d.I[i] = b.I_ext[i];
            b.store(i, st);
            predict(i, st);
            ++b.neuron_updates;
        }
    }

    // input events of the step, per target in time order
    auto& evs = b.evs;
    auto& slot = b.ev_ring[static_cast<std::size_t>(j % static_cast<std::int64_t>(b.L))];
    evs.clear();
    evs.swap(slot);
    b.stimulus_events(j, env, evs);
    std::sort(evs.begin(), evs.end(), event::timed_input_less);
    for (std::size_t e = 0; e < evs.size();) {
        const std::size_t i = evs[e].target;
        typename M::state st = b.load(i);
        to_step(i, st);
        double t = d.o[i];
        for (; e < evs.size() && evs[e].target == i; ++e) {
            advance(i, st, t, evs[e].offset);
            M::receive(c, st, static_cast<int>(evs[e].receptor), evs[e].weight);
            if (M::at_threshold(c, st)) {
                M::emit(c, st);
                out.push_back({j, b.first_gid + i, evs[e].offset});
            }
        }
        set_time(i, t);
        b.store(i, st);
        predict(i, st);
        ++b.neuron_updates;
    }
    evs.clear();

    // crossings due in this step
    while (!d.heap.empty() && d.heap.front().due <= j) {
        std::pop_heap(d.heap.begin(), d.heap.end(), ed_later);
        const ed_entry en = d.heap.back();
        d.heap.pop_back();
        if (en.ver != d.ver[en.i]) continue;
        const std::size_t i = en.i;
        typename M::state st = b.load(i);
        if (d.searching[i]) {  // no crossing before this step: continue the search, state untouched
            predict(i, st, en.due - d.k[i], d.searching[i] - 1);
            ++b.neuron_updates;
            continue;
        }
        to_step(i, st);
        double t = d.o[i];
        advance(i, st, t, dt);
        set_time(i, dt);
        b.store(i, st);
        predict(i, st);
        ++b.neuron_updates;
    }
    // stale entries: rebuild from the live ones when they dominate
    if (d.heap.size() > 2 * n + 1024) {
        std::erase_if(d.heap, [&](const ed_entry& en) { return en.ver != d.ver[en.i]; });
        std::make_heap(d.heap.begin(), d.heap.end(), ed_later);
    }

    d.now = j + 1;
    if (!b.samplers.empty()) {
        for (const auto& s: b.samplers)
            if ((j + 1) % s.interval == 0) b.neuron_updates += s.locals.size();
        b.sample(j, env);
    }
}

}  // namespace brainsim::engine::detail
