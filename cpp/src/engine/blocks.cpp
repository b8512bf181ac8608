// Partition blocks: the per-model update loops (time-stepped and precise) and the stimulus inputs.
#include "engine_detail.hpp"

#include <brainsim/errors.hpp>
#include <brainsim/models/registry.hpp>
#include <brainsim/numeric/counter_rng.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
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
    std::size_t b = ring_d.bytes() + ring_q.bytes() + ring_w.bytes() + ring_s.bytes();
    for (const auto& r: ring_fast) b += r.bytes();
    return b;
}

void block_base::note_weight(std::uint32_t r, double w) { keep_extremes(w_low[r], w_high[r], w); }

void keep_extremes(double& low, double& high, double w) {
    if (w == 0.0) return;
    const auto low_exp = [](double x) {  // exponent of the lowest set bit of x != 0
        const auto bits = std::bit_cast<std::uint64_t>(x);
        const auto biased = static_cast<int>((bits >> 52) & 0x7ff);
        std::uint64_t m = bits & ((std::uint64_t{1} << 52) - 1);
        int e = -1074;
        if (biased != 0) {
            m |= std::uint64_t{1} << 52;
            e = biased - 1075;
        }
        return e + std::countr_zero(m);
    };
    if (low == 0.0 || low_exp(w) < low_exp(low)) low = w;
    if (std::fabs(w) > std::fabs(high)) high = w;
}

// Poisson(lambda) by inversion of one uniform (lambda <= 30; larger rates are split into pieces):
// the smallest k with u <= F(k), F the CDF, at most poisson_cap. The CDF is tabulated once per
// device (the recurrence p_k = p_{k-1} lambda / k, F_k = F_{k-1} + p_k), so a draw is a short
// linear search without divisions; the table stops where F reaches 1 (u < 1 always stops there).
struct poisson_sampler {
    double lam_piece = 0.0;
    int pieces = 1;
    std::vector<double> cdf;
    explicit poisson_sampler(double lam) {
        pieces = std::max(1, static_cast<int>(std::ceil(lam / poisson_piece)));
        lam_piece = lam / pieces;
        double p = std::exp(-lam_piece), F = p;
        cdf.push_back(F);
        for (std::uint32_t k = 1; k < poisson_cap && F < 1.0; ++k) {
            p *= lam_piece / k;
            F += p;
            cdf.push_back(F);
        }
    }
    std::uint32_t draw(double u) const {
        std::uint32_t k = 0;
        const auto K = static_cast<std::uint32_t>(cdf.size());
        while (k < K && u > cdf[k]) ++k;
        return k;  // == K only when K == poisson_cap
    }
};

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
            for (int piece = 0; piece < smp.pieces; ++piece) {
                std::uint64_t cached = ~std::uint64_t{0};
                std::array<std::uint64_t, 4> w{};
                for (std::size_t m = 0; m < ps.targets.size(); ++m) {
                    std::uint64_t g = ps.gids[m];
                    if ((g >> 2) != cached) {
                        cached = g >> 2;
                        w = numeric::philox4x64_10::generate({static_cast<std::uint64_t>(j), cached,
                                                              static_cast<std::uint64_t>(piece), 0},
                                                             {env.seed, ps.stream});
                    }
                    std::uint32_t k = smp.draw(numeric::u01_open(w[g & 3]));
                    if (k) sink(ps.targets[m], ps.receptor, k, ps.weight, ps.wq);
                }
            }
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
        case acc_kind::fixed64:
            run([&](std::uint32_t t, std::uint32_t r, std::uint32_t k, double, std::int64_t wq) {
                ring_q.row(j, r)[t] += static_cast<std::int64_t>(k) * wq;  // exact: k * wq within the format bound
            });
            return false;
        case acc_kind::fixed128:
            run([&](std::uint32_t t, std::uint32_t r, std::uint32_t k, double, std::int64_t wq) {
                ring_w.row(j, r)[t] += static_cast<i128>(k) * wq;
            });
            return false;
        case acc_kind::super:
            run([&](std::uint32_t t, std::uint32_t r, std::uint32_t k, double w, std::int64_t) {
                ring_s.row(j, r)[t].add_product(static_cast<double>(k), w);  // the exact product
            });
            return false;
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
        for (int piece = 0; piece < smp.pieces; ++piece) {
            for (std::size_t m = 0; m < ps.targets.size(); ++m) {
                std::uint64_t g = ps.gids[m];
                auto w = numeric::philox4x64_10::generate(
                    {static_cast<std::uint64_t>(j), g >> 2, static_cast<std::uint64_t>(piece), 0}, {env.seed, ps.stream});
                std::uint32_t k = smp.draw(numeric::u01_open(w[g & 3]));
                if (k) evs.push_back({ps.targets[m], ps.receptor, env.dt, k * ps.weight});
            }
        }
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
    typename M::constants c{};
    std::vector<typename M::state> s;
    std::vector<event::timed_input> evs;

    void init_states(const pop_rt& p, const network::population_spec& ps, std::uint64_t seed,
                     std::uint32_t pop_index) override {
        c = M::prepare(p.params.data(), dt);
        s.assign(n, M::initial_state(p.params.data()));
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
                s[i][static_cast<std::size_t>(vi)] = x;
            }
        }
    }

    double get(std::size_t i, int var) const override { return s[i][static_cast<std::size_t>(var)]; }
    std::size_t state_bytes() const override { return s.capacity() * sizeof(typename M::state); }

    void update(std::int64_t j, std::vector<event::spike>& out, const run_env& env) override {
        if (precise) {
            if constexpr (models::supports_precise_timing<M>) update_precise(j, out, env);
            return;
        }
        const bool stim = prepare_inputs(j, env);
        collect_input(j, stim);
        const double* I = current_input();
        const double* in0 = in_buf.data();
        const std::uint64_t g0 = first_gid;
        const std::size_t nn = n;
        for (std::size_t i = 0; i < nn; ++i) {
            std::array<double, NR> in;
            for (std::size_t r = 0; r < NR; ++r) in[r] = in0[r * nn + i];
            models::step_result res = M::step(c, s[i], in.data(), I[i]);
            if (res.spiked) out.push_back({j, g0 + i, res.offset});
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
        for (std::size_t i = 0; i < n; ++i) {
            auto& st = s[i];
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
            while (e < evs.size() && evs[e].target == i) {
                advance(evs[e].offset);
                M::receive(c, st, static_cast<int>(evs[e].receptor), evs[e].weight);
                if (M::at_threshold(c, st)) {
                    M::emit(c, st);
                    out.push_back({j, first_gid + i, evs[e].offset});
                }
                ++e;
            }
            advance(dt);
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
