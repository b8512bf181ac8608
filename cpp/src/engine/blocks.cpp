// Partition blocks: the per-model update loops (time-stepped and precise) and the stimulus inputs.
#include "engine_detail.hpp"

#include <brainsim/errors.hpp>
#include <brainsim/models/registry.hpp>
#include <brainsim/numeric/counter_rng.hpp>

#include <algorithm>
#include <array>
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
    else if (exact) ring_q = event::delay_ring<std::uint64_t>(L, n, R);
    else ring_d = event::delay_ring<double>(L, n, R);
    I_ext.assign(n, 0.0);
    stim_in.assign(n * R, 0.0);
}

namespace {

// Poisson(lambda) by inversion of one uniform (lambda <= 30; larger rates are split into pieces).
inline std::uint32_t poisson_inversion(double lam, double emlam, double u) {
    std::uint32_t k = 0;
    double p = emlam, F = p;
    while (u > F && k < 2000) {
        ++k;
        p *= lam / k;
        F += p;
    }
    return k;
}

struct poisson_sampler {
    double lam_piece, em_piece;
    int pieces;
    explicit poisson_sampler(double lam) {
        pieces = std::max(1, static_cast<int>(std::ceil(lam / 30.0)));
        lam_piece = lam / pieces;
        em_piece = std::exp(-lam_piece);
    }
};

}  // namespace

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
    std::fill(stim_in.begin(), stim_in.end(), 0.0);
    for (auto& ps: poissons) {
        if (j < ps.start || j >= ps.stop || ps.lambda <= 0.0) continue;
        poisson_sampler smp(ps.lambda);
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
                std::uint32_t k = poisson_inversion(smp.lam_piece, smp.em_piece, numeric::u01_open(w[g & 3]));
                if (k) stim_in[ps.targets[m] * R + ps.receptor] += k * ps.weight;
            }
        }
    }
    for (auto& sg: spikegens) {
        while (sg.next < sg.steps.size() && sg.steps[sg.next] < j) ++sg.next;
        for (std::size_t e = sg.next; e < sg.steps.size() && sg.steps[e] == j; ++e)
            for (auto t: sg.targets) stim_in[t * R + sg.receptor] += sg.weight;
    }
    return true;
}

void block_base::stimulus_events(std::int64_t j, const run_env& env, std::vector<event::timed_input>& evs) {
    // Poisson events arrive on the grid (offset dt); spike generator events at their offsets.
    for (auto& ps: poissons) {
        if (j < ps.start || j >= ps.stop || ps.lambda <= 0.0) continue;
        poisson_sampler smp(ps.lambda);
        for (int piece = 0; piece < smp.pieces; ++piece) {
            for (std::size_t m = 0; m < ps.targets.size(); ++m) {
                std::uint64_t g = ps.gids[m];
                auto w = numeric::philox4x64_10::generate(
                    {static_cast<std::uint64_t>(j), g >> 2, static_cast<std::uint64_t>(piece), 0}, {env.seed, ps.stream});
                std::uint32_t k = poisson_inversion(smp.lam_piece, smp.em_piece, numeric::u01_open(w[g & 3]));
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
        const double* I = current_input();
        if (exact) update_grid<true>(j, out, stim, I);
        else update_grid<false>(j, out, stim, I);
        if (!samplers.empty()) sample(j, env);
    }

    template <bool Exact>
    void update_grid(std::int64_t j, std::vector<event::spike>& out, bool stim, const double* I) {
        auto* row = [&] {
            if constexpr (Exact) return ring_q.row(j);
            else return ring_d.row(j);
        }();
        std::array<double, NR> inv{};
        if constexpr (Exact)
            for (std::size_t r = 0; r < NR; ++r) inv[r] = inv_scale[r];
        const std::uint64_t g0 = first_gid;
        for (std::size_t i = 0; i < n; ++i) {
            std::array<double, NR> in;
            for (std::size_t r = 0; r < NR; ++r) {
                if constexpr (Exact) in[r] = static_cast<double>(static_cast<std::int64_t>(row[i * NR + r])) * inv[r];
                else in[r] = row[i * NR + r];
                row[i * NR + r] = 0;
            }
            if (stim)
                for (std::size_t r = 0; r < NR; ++r) in[r] += stim_in[i * NR + r];
            models::step_result res = M::step(c, s[i], in.data(), I[i]);
            if (res.spiked) out.push_back({j, g0 + i, res.offset});
        }
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
