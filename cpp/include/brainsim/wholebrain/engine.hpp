#pragma once
// The templated whole-brain engine behind wholebrain::simulate(). A C++ user can run any model type
// that has the trait interface of brainsim/mass/*.hpp (n_state, params, rhs, output, noise_gain,
// noisy) with engine<Model>(cfg).run(n_steps, pool). See simulation.hpp for the equations.

#include <brainsim/errors.hpp>
#include <brainsim/numeric/counter_rng.hpp>
#include <brainsim/solver/dense_lu.hpp>
#include <brainsim/solver/rosenbrock_tableau.hpp>
#include <brainsim/thread_pool.hpp>
#include <brainsim/wholebrain/kernels.hpp>
#include <brainsim/wholebrain/simulation.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

namespace brainsim::wholebrain {

template <class Model>
class engine {
public:
    static constexpr std::size_t S = Model::n_state;
    static constexpr std::size_t P = Model::n_params;

    explicit engine(const config& cfg): cfg_(cfg), n_(cfg.n_nodes) { validate_and_setup(); }

    // Runs n_steps steps from the initial state with a constant history, or from cfg.resume; call once
    // per engine. result::end holds what a later run needs to continue.
    result run(std::int64_t n_steps, thread_pool* pool) {
        if (ran_) throw internal_error("wholebrain::engine::run() called twice; construct a new engine");
        ran_ = true;
        if (!(n_steps >= 0)) throw config_error("n_steps", std::to_string(n_steps), ">= 0");
        result res;
        res.n_nodes = static_cast<std::int64_t>(n_);
        res.n_state = static_cast<std::int64_t>(S);
        // samples at absolute steps that are multiples of record_every; a fresh run includes t = 0
        first_sample_ = fresh_ ? 0 : step0_ / cfg_.record_every + 1;
        res.n_samples = (step0_ + n_steps) / cfg_.record_every + 1 - first_sample_;
        res.epoch_steps = K_;
        res.output.assign(static_cast<std::size_t>(res.n_samples) * n_, 0.0);
        if (cfg_.record_states) res.states.assign(static_cast<std::size_t>(res.n_samples) * n_ * S, 0.0);
        out_ = &res;

        if (fresh_) {
            // t = 0: coupling from the constant history, first derivative, first sample.
            for (std::size_t i = 0; i < n_; ++i) start_node(i);
            for (std::size_t i = 0; i < n_; ++i) record(i, 0, x_.data() + i * S);
        }

        // Each node's arithmetic is independent of how nodes are grouped (no cross-node reductions), so
        // the grouping only affects speed: one group per thread x 4 for load balance, one group serially
        // (time-major over all nodes lets their independent update chains overlap in the CPU).
        const bool parallel = pool && pool->size() > 1;
        const std::size_t n_parts = parallel ? std::min<std::size_t>(n_, 4 * pool->size()) : 1;
        if (scratch_.size() < n_parts) scratch_.resize(n_parts);
        for (auto& sc: scratch_)
            if (tab_ && sc.lu.size() != S) sc.lu.resize(S);
        const std::int64_t end = step0_ + n_steps;
        for (std::int64_t n0 = step0_; n0 < end; n0 += K_) {
            const std::int64_t k_here = std::min<std::int64_t>(K_, end - n0);
            auto body = [&](std::size_t part) {
                const std::size_t lo = part * n_ / n_parts, hi = (part + 1) * n_ / n_parts;
                advance_part(lo, hi, n0, k_here, scratch_[part]);
            };
            if (parallel) pool->parallel_for(n_parts, body);
            else for (std::size_t p = 0; p < n_parts; ++p) body(p);
            if (failed_node_ >= 0) {
                throw numerical_error("whole-brain state became non-finite at node " + std::to_string(failed_node_.load()) +
                                      " (t = " + brainsim::detail::repr(static_cast<double>(failed_step_.load()) * dt_) +
                                      " ms); reduce dt, the coupling or the noise" +
                                      (tab_ ? "" : ", or use a Rosenbrock integrator for stiff nodes"));
            }
        }
        res.final_state = x_;
        export_carry(end, res.end);
        out_ = nullptr;
        return res;
    }

private:
    // ----------------------------------------------------------------------------------------------
    void validate_and_setup() {
        if (!(n_ >= 1)) throw config_error("n_nodes", std::to_string(n_), ">= 1");
        dt_ = require_positive("dt", cfg_.dt);
        if (!(cfg_.record_every >= 1)) throw config_error("record_every", std::to_string(cfg_.record_every), ">= 1 step");
        // parameters
        if (cfg_.params.empty()) {
            p_.resize(n_ * P);
            for (std::size_t i = 0; i < n_; ++i)
                for (std::size_t k = 0; k < P; ++k) p_[i * P + k] = Model::params[k].default_value;
        }
        else {
            if (cfg_.params.size() != n_ * P)
                throw config_error("params", "array of size " + std::to_string(cfg_.params.size()),
                                   "n_nodes x " + std::to_string(P) + " = " + std::to_string(n_ * P) + " values");
            p_ = cfg_.params;
            for (std::size_t i = 0; i < p_.size(); ++i)
                if (!std::isfinite(p_[i]))
                    throw config_error(std::string(Model::params[i % P].name), brainsim::detail::repr(p_[i]),
                                       "a finite number", "node " + std::to_string(i / P));
        }
        // initial state
        if (cfg_.initial_state.empty()) {
            x_.resize(n_ * S);
            for (std::size_t i = 0; i < n_; ++i)
                for (std::size_t k = 0; k < S; ++k) x_[i * S + k] = Model::default_initial[k];
        }
        else {
            if (cfg_.initial_state.size() != n_ * S)
                throw config_error("initial_state", "array of size " + std::to_string(cfg_.initial_state.size()),
                                   "n_nodes x n_state = " + std::to_string(n_ * S) + " values");
            x_ = cfg_.initial_state;
            for (double v: x_)
                if (!std::isfinite(v)) throw config_error("initial_state", brainsim::detail::repr(v), "finite values");
        }
        // edges
        const auto& rp = cfg_.row_ptr;
        if (rp.size() != n_ + 1 || rp[0] != 0)
            throw config_error("row_ptr", "size " + std::to_string(rp.size()), "n_nodes + 1 entries starting at 0");
        for (std::size_t i = 0; i < n_; ++i)
            if (!(rp[i + 1] >= rp[i])) throw config_error("row_ptr", std::to_string(rp[i + 1]), "non-decreasing");
        const auto n_edges = static_cast<std::size_t>(rp[n_]);
        if (cfg_.source.size() != n_edges || cfg_.delay_steps.size() != n_edges || cfg_.weight.size() != n_edges)
            throw config_error("edges", "source/delay/weight sizes " + std::to_string(cfg_.source.size()) + "/" +
                               std::to_string(cfg_.delay_steps.size()) + "/" + std::to_string(cfg_.weight.size()),
                               std::to_string(n_edges) + " each (row_ptr[n_nodes])");
        std::int64_t dmin = 0, dmax = 0;
        for (std::size_t i = 0; i < n_; ++i) {
            for (auto e = rp[i]; e < rp[i + 1]; ++e) {
                const auto j = cfg_.source[e];
                const auto d = cfg_.delay_steps[e];
                if (!(j >= 0 && static_cast<std::size_t>(j) < n_))
                    throw config_error("source", std::to_string(j), "a node index in [0, " + std::to_string(n_) + ")");
                if (!std::isfinite(cfg_.weight[e]))
                    throw config_error("weights", brainsim::detail::repr(cfg_.weight[e]), "finite",
                                       "edge " + std::to_string(j) + " -> " + std::to_string(i));
                if (!(d >= 1))
                    throw delay_error("delay", std::to_string(d) + " steps",
                                      ">= 1 step (edge " + std::to_string(j) + " -> " + std::to_string(i) +
                                      "): every delay must round to at least one step of dt; use a smaller dt, "
                                      "a lower velocity or longer tracts");
                dmin = dmin == 0 ? d : std::min<std::int64_t>(dmin, d);
                dmax = std::max<std::int64_t>(dmax, d);
            }
        }
        // Epoch length K <= min delay. The windows have K + 1 points, summed in blocks of 8 (see
        // window_sums), so K + 1 is rounded down to a multiple of 8 when the min delay allows.
        K_ = dmin == 0 ? 63 : std::min<std::int64_t>(dmin, 255);  // no edges: any epoch length works
        if (K_ >= 7) K_ = (K_ + 1) / 8 * 8 - 1;
        L_ = std::max<std::int64_t>(dmax + K_ + 2, K_ + 16);  // window_sums may read 7 past a window
        max_delay_ = dmax;
        // coupling
        const auto& c = cfg_.coupling;
        require_finite("coupling.a", c.a);
        require_finite("coupling.b", c.b);
        if (c.kind == coupling_kind::sigmoidal) {
            require_finite("coupling.cmin", c.cmin);
            require_finite("coupling.cmax", c.cmax);
            require_finite("coupling.midpoint", c.midpoint);
            require_finite("coupling.r", c.r);
        }
        // noise
        const auto& nz = cfg_.noise;
        if (nz.kind != noise_kind::none) {
            require_nonnegative("noise.sigma", nz.sigma);
            if (nz.kind == noise_kind::ou) require_positive("noise.tau_ou", nz.tau_ou);
            if (nz.kind == noise_kind::additive && cfg_.method != integrator::euler && cfg_.method != integrator::heun)
                throw config_error("integrator", quoted(integrator_name(cfg_.method)),
                                   "'heun' or 'euler' with additive (white) noise",
                                   "rk4 and the Rosenbrock methods are deterministic schemes");
        }
        noise_on_ = nz.kind != noise_kind::none && nz.sigma > 0.0;
        ou_ = noise_on_ && nz.kind == noise_kind::ou;
        if (ou_) {
            ou_decay_ = std::exp(-dt_ / nz.tau_ou);
            ou_scale_ = nz.sigma * std::sqrt(0.5 * nz.tau_ou * (1.0 - ou_decay_ * ou_decay_));
        }
        additive_scale_ = nz.sigma * std::sqrt(dt_);
        for (std::size_t k = 0; k < S; ++k)
            if (Model::noisy[k]) noisy_idx_[n_noisy_++] = k;
        switch (cfg_.method) {
        case integrator::ros2: tab_ = &solver::ros2_tableau; break;
        case integrator::ros3p: tab_ = &solver::ros3p_tableau; break;
        case integrator::rodas3: tab_ = &solver::rodas3_tableau; break;
        case integrator::rodas4: tab_ = &solver::rodas4_tableau; break;
        default: tab_ = nullptr;
        }
        for (std::size_t k = 0; k < S; ++k) {  // gradient of the (linear) output, for difference coupling
            std::array<double, S> e{};
            e[k] = 1.0;
            grad_o_[k] = Model::output(e.data());
        }
        gain_.resize(n_ * S);
        for (std::size_t i = 0; i < n_; ++i) Model::noise_gain(p_.data() + i * P, gain_.data() + i * S);
        eta_.assign(n_ * S, 0.0);
        // stimuli grouped by node
        stim_ptr_.assign(n_ + 1, 0);
        for (const auto& s: cfg_.stimuli) {
            if (!(s.node >= 0 && static_cast<std::size_t>(s.node) < n_))
                throw config_error("stimulus.node", std::to_string(s.node), "a node index in [0, " + std::to_string(n_) + ")");
            require_finite("stimulus.amplitude", s.amplitude);
            if (!(s.stop_step >= s.start_step))
                throw config_error("stimulus.stop", std::to_string(s.stop_step), ">= start");
            ++stim_ptr_[static_cast<std::size_t>(s.node) + 1];
        }
        for (std::size_t i = 0; i < n_; ++i) stim_ptr_[i + 1] += stim_ptr_[i];
        stim_.resize(cfg_.stimuli.size());
        {
            auto fill = stim_ptr_;
            for (const auto& s: cfg_.stimuli) stim_[static_cast<std::size_t>(fill[static_cast<std::size_t>(s.node)]++)] = s;
        }
        // difference coupling needs each target's row sum
        rowsum_.assign(n_, 0.0);
        for (std::size_t i = 0; i < n_; ++i)
            for (auto e = rp[i]; e < rp[i + 1]; ++e) rowsum_[i] += cfg_.weight[e];
        // history buffers: value h = pre(o) and (rk4, Rosenbrock) its right derivative, each node 2L slots
        need_deriv_ = cfg_.method != integrator::euler && cfg_.method != integrator::heun;
        h_.assign(n_ * 2 * static_cast<std::size_t>(L_), 0.0);
        if (need_deriv_) hd_.assign(h_.size(), 0.0);
        k1_.assign(n_ * S, 0.0);
        if (cfg_.resume_set) {
            import_carry(cfg_.resume);
            return;
        }
        for (std::size_t i = 0; i < n_; ++i) {
            const double h0 = pre(Model::output(x_.data() + i * S));
            double* hb = h_.data() + i * 2 * static_cast<std::size_t>(L_);
            std::fill(hb, hb + 2 * L_, h0);
        }
    }

    static std::string quoted(const char* s) {
        std::string v(1, '\'');
        v.append(s);
        v.push_back('\'');
        return v;
    }
    static const char* integrator_name(integrator m) {
        switch (m) {
        case integrator::euler: return "euler";
        case integrator::heun: return "heun";
        case integrator::rk4: return "rk4";
        case integrator::ros2: return "ros2";
        case integrator::ros3p: return "ros3p";
        case integrator::rodas3: return "rodas3";
        case integrator::rodas4: return "rodas4";
        }
        return "?";
    }

    // ----------------------------------------------------------------------------------------------
    // Continuation: the carry holds the last H = max delay + 1 history points of every node in time order.
    void import_carry(const carry_state& c) {
        const auto nS = n_ * S;
        if (!(c.step >= 0)) throw config_error("resume.step", std::to_string(c.step), ">= 0");
        if (c.step % cfg_.record_every != 0)
            throw config_error("resume.step", std::to_string(c.step),
                               "a multiple of record_every = " + std::to_string(cfg_.record_every));
        if (c.x.size() != nS || c.eta.size() != nS)
            throw config_error("resume.x", "arrays of size " + std::to_string(c.x.size()) + "/" + std::to_string(c.eta.size()),
                               "n_nodes x n_state = " + std::to_string(nS) + " values (same network and model)");
        const std::int64_t need = max_delay_ + 1;
        if (!(c.hist_len >= need))
            throw config_error("resume.hist_len", std::to_string(c.hist_len) + " steps",
                               ">= max delay + 1 = " + std::to_string(need) +
                                   " steps (delays grew since the previous run; start afresh)");
        const auto H = static_cast<std::size_t>(c.hist_len);
        if (c.h.size() != n_ * H || (need_deriv_ && (c.hd.size() != n_ * H || c.k1.size() != nS)))
            throw config_error("resume.h", "history arrays of size " + std::to_string(c.h.size()) + "/" +
                                   std::to_string(c.hd.size()) + "/" + std::to_string(c.k1.size()),
                               "n_nodes x hist_len each (and hd, k1 from an rk4/Rosenbrock run for rk4/Rosenbrock)");
        for (double v: c.x)
            if (!std::isfinite(v)) throw config_error("resume.x", brainsim::detail::repr(v), "finite values");
        x_ = c.x;
        eta_ = c.eta;
        if (need_deriv_) k1_ = c.k1;
        step0_ = c.step;
        fresh_ = false;
        const auto L = static_cast<std::size_t>(L_);
        const std::size_t keep = std::min(H, L - 1);
        for (std::size_t i = 0; i < n_; ++i) {
            // slots never read are set to the oldest kept value (finite) first
            std::fill(h_.begin() + static_cast<std::ptrdiff_t>(i * 2 * L), h_.begin() + static_cast<std::ptrdiff_t>((i + 1) * 2 * L),
                      c.h[i * H + H - keep]);
            if (need_deriv_)
                std::fill(hd_.begin() + static_cast<std::ptrdiff_t>(i * 2 * L),
                          hd_.begin() + static_cast<std::ptrdiff_t>((i + 1) * 2 * L), c.hd[i * H + H - keep]);
            for (std::size_t q = H - keep; q < H; ++q) {
                const std::int64_t m = c.step - static_cast<std::int64_t>(H - 1 - q);
                write_hist(h_, i, m, c.h[i * H + q]);
                if (need_deriv_) write_hist(hd_, i, m, c.hd[i * H + q]);
            }
        }
    }

    void export_carry(std::int64_t step, carry_state& c) const {
        c.step = step;
        c.hist_len = max_delay_ + 1;
        const auto H = static_cast<std::size_t>(c.hist_len);
        c.x = x_;
        c.eta = eta_;
        c.k1.clear();
        c.hd.clear();
        if (need_deriv_) {
            c.k1 = k1_;
            c.hd.resize(n_ * H);
        }
        c.h.resize(n_ * H);
        const auto L = static_cast<std::size_t>(L_);
        for (std::size_t i = 0; i < n_; ++i)
            for (std::size_t q = 0; q < H; ++q) {
                const std::size_t sl = slot(step - static_cast<std::int64_t>(H - 1 - q));
                c.h[i * H + q] = h_[i * 2 * L + sl];
                if (need_deriv_) c.hd[i * H + q] = hd_[i * 2 * L + sl];
            }
    }

    // ----------------------------------------------------------------------------------------------
    double pre(double o) const {
        const auto& c = cfg_.coupling;
        if (c.kind != coupling_kind::sigmoidal) return o;
        return c.cmin + (c.cmax - c.cmin) / (1.0 + std::exp(-c.r * (o - c.midpoint)));
    }
    double pre_deriv(double o) const {
        const auto& c = cfg_.coupling;
        if (c.kind != coupling_kind::sigmoidal) return 1.0;
        const double s = 1.0 / (1.0 + std::exp(-c.r * (o - c.midpoint)));
        return (c.cmax - c.cmin) * c.r * s * (1.0 - s);
    }
    // coupling input from the delayed sum cs and the node's own (stage) state
    double u_coupling(std::size_t i, double cs, const double* x) const {
        const auto& c = cfg_.coupling;
        if (c.kind == coupling_kind::difference) return c.a * (cs - rowsum_[i] * Model::output(x)) + c.b;
        return c.a * cs + c.b;
    }
    double ext(std::size_t i, std::int64_t n) const {
        double u = 0.0;
        for (auto s = stim_ptr_[i]; s < stim_ptr_[i + 1]; ++s) {
            const auto& st = stim_[static_cast<std::size_t>(s)];
            if (n >= st.start_step && n < st.stop_step) u += st.amplitude;
        }
        return u;
    }
    std::size_t slot(std::int64_t m) const {
        std::int64_t s = m % L_;
        if (s < 0) s += L_;
        return static_cast<std::size_t>(s);
    }
    void write_hist(std::vector<double>& buf, std::size_t i, std::int64_t m, double v) {
        const std::size_t s = slot(m);
        double* b = buf.data() + i * 2 * static_cast<std::size_t>(L_);
        b[s] = v;
        b[s + static_cast<std::size_t>(L_)] = v;
    }
    // Delayed sums over node i's incoming edges at steps n0 .. n0+nk: c[k] = sum w h_j(n0+k-d).
    // With derivatives also dd[k] (right derivatives) and corr[k] = the part of dd[k] that comes from
    // h'_j(0) (the derivative jumps at t = 0; the history side of it is 0).
    void delayed_sums(std::size_t i, std::int64_t n0, std::int64_t nk, double* c, double* dd, double* corr) const {
        const auto& rp = cfg_.row_ptr;
        const auto L = static_cast<std::size_t>(L_);
        const std::size_t p0 = slot(n0);
        const std::size_t m = static_cast<std::size_t>(nk) + 1;
        if (need_deriv_) std::fill(corr, corr + m, 0.0);
        window_sums(h_.data(), i, p0, m, c);
        if (!need_deriv_) return;
        window_sums(hd_.data(), i, p0, m, dd);
        if (n0 > max_delay_) return;
        const double* hd = hd_.data();
        for (auto e = rp[i]; e < rp[i + 1]; ++e) {
            const auto d = static_cast<std::size_t>(cfg_.delay_steps[e]);
            const auto k0 = static_cast<std::int64_t>(d) - n0;  // index where step n0+k-d == 0
            if (k0 >= 0 && k0 < static_cast<std::int64_t>(m)) {
                const auto j = static_cast<std::size_t>(cfg_.source[e]);
                const std::size_t s = p0 >= d ? p0 - d : p0 + L - d;
                corr[k0] += cfg_.weight[e] * hd[j * 2 * L + s + static_cast<std::size_t>(k0)];
            }
        }
    }

    // out[k] = sum_e w_e buf_j(e)[n0 + k - d_e] for k < m, summed in edge order. Blocks of 8 time points
    // keep the partial sums in registers; a block may read up to 7 slots past the window (still inside
    // the node's 2L buffer, see L_), whose sums are discarded.
    void window_sums(const double* buf, std::size_t i, std::size_t p0, std::size_t m, double* out) const {
        detail::window_sums(buf, static_cast<std::size_t>(L_), p0, cfg_.source.data(), cfg_.delay_steps.data(),
                            cfg_.weight.data(), cfg_.row_ptr[i], cfg_.row_ptr[i + 1], m, out);
    }

    void record(std::size_t i, std::int64_t sample, const double* x) {
        const auto idx = static_cast<std::size_t>(sample - first_sample_);
        out_->output[idx * n_ + i] = Model::output(x);
        if (cfg_.record_states)
            for (std::size_t k = 0; k < S; ++k) out_->states[(idx * n_ + i) * S + k] = x[k];
    }

    // The normals of node i form one sequence: normal number g = n * n_noisy + q (step n, noisy state q)
    // is normal g mod 4 of numeric::ziggurat4(seed, stream, g / 4, node). One Philox block serves 4 normals,
    // e.g. two steps of a Wilson-Cowan node. Per epoch, all blocks a node needs are drawn up front into
    // z (z[g - 4 * first block]).
    void draw_normals(std::size_t i, std::int64_t n0, std::int64_t nk, double* z) const {
        const auto g0 = static_cast<std::uint64_t>(n0) * n_noisy_;
        const auto g1 = static_cast<std::uint64_t>(n0 + nk) * n_noisy_;
        const std::uint64_t b0 = g0 >> 2, b1 = (g1 + 3) >> 2;
        numeric::ziggurat4_run(cfg_.seed, numeric::stream::wholebrain_noise, b0, b1, i, z);
    }

    // derivative including the OU input eta
    void f(std::size_t i, const double* x, double u_c, double u_e, const double* eta, double* dx) const {
        Model::rhs(p_.data() + i * P, x, u_c, u_e, dx);
        if (ou_) {
            const double* g = gain_.data() + i * S;
            for (std::size_t c = 0; c < n_noisy_; ++c) dx[noisy_idx_[c]] += g[noisy_idx_[c]] * eta[c];
        }
    }

    void start_node(std::size_t i) {
        if (!need_deriv_) return;
        double c[2], dd[2], corr[2];
        delayed_sums(i, 0, 0, c, dd, corr);
        const double* x = x_.data() + i * S;
        f(i, x, u_coupling(i, c[0], x), ext(i, 0), eta_.data() + i * S, k1_.data() + i * S);
        write_hist(hd_, i, 0, pre_deriv(Model::output(x)) * Model::output(k1_.data() + i * S));
    }

    struct part_scratch {
        std::vector<double> win;   // per node: delayed sums c, dd, corr (3 (K + 1))
        std::vector<double> z;     // per node: the epoch's normals
        solver::dense_lu lu;       // Rosenbrock: I/(dt gamma) - J
    };

    // Advance nodes [lo, hi) over steps n0 .. n0+nk-1: first every node's delayed-input windows (and
    // normals), then time-major over the nodes, so that the independent per-node update chains overlap.
    void advance_part(std::size_t lo, std::size_t hi, std::int64_t n0, std::int64_t nk, part_scratch& sc) {
        const std::size_t m = static_cast<std::size_t>(nk) + 1;
        const std::size_t per = 3 * m;
        if (sc.win.size() < per * (hi - lo)) sc.win.resize(per * (hi - lo));
        for (std::size_t i = lo; i < hi; ++i) {
            double* c = sc.win.data() + (i - lo) * per;
            delayed_sums(i, n0, nk, c, c + m, c + 2 * m);
        }
        // normals: node block of zper values; step n, state q of node i at z[(n - n0) * n_noisy + q + zoff]
        std::size_t zper = 0, zoff = 0;
        if (noise_on_) {
            const auto g0 = static_cast<std::uint64_t>(n0) * n_noisy_;
            zoff = static_cast<std::size_t>(g0 - 4 * (g0 >> 2));
            zper = static_cast<std::size_t>(4 * (((g0 + static_cast<std::uint64_t>(nk) * n_noisy_ + 3) >> 2) - (g0 >> 2)));
            if (sc.z.size() < zper * (hi - lo)) sc.z.resize(zper * (hi - lo));
            for (std::size_t i = lo; i < hi; ++i) draw_normals(i, n0, nk, sc.z.data() + (i - lo) * zper);
        }
        for (std::int64_t k = 0; k < nk; ++k) {
            const std::int64_t n = n0 + k;
            const std::size_t slot_next = slot(n + 1);
            const bool rec = (n + 1) % cfg_.record_every == 0;
            for (std::size_t i = lo; i < hi; ++i) {
                const double* c = sc.win.data() + (i - lo) * per;
                const double* z = noise_on_ ? sc.z.data() + (i - lo) * zper + zoff + static_cast<std::size_t>(k) * n_noisy_ : nullptr;
                step_node(i, n, static_cast<std::size_t>(k), c, c + m, c + 2 * m, z, slot_next, rec, sc.lu);
            }
        }
        for (std::size_t i = lo; i < hi; ++i)
            for (std::size_t s = 0; s < S; ++s)
                if (!std::isfinite(x_[i * S + s])) fail(i, n0 + nk);
    }

    // One step of node i from t_n to t_{n+1}; c, dd, corr: its windows (index k = n - n0); z: its normals.
    [[gnu::always_inline]] inline void step_node(std::size_t i, std::int64_t n, std::size_t k, const double* c, const double* dd,
                   const double* corr, const double* z, std::size_t slot_next, bool rec, solver::dense_lu& lu) {
        double* x = x_.data() + i * S;
        double* eta = eta_.data() + i * S;
        const double* g = gain_.data() + i * S;
        const double dt = dt_;
        std::array<double, S> xs, ka, kb, kc, kd;
        std::array<double, S> eta_next{}, eta_mid{}, dw{};

        const double ue = stim_ptr_[i] == stim_ptr_[i + 1] ? 0.0 : ext(i, n);
        if (noise_on_) {
            for (std::size_t q = 0; q < n_noisy_; ++q) {
                const double zq = z[q];
                if (ou_) {
                    eta_next[q] = eta[q] * ou_decay_ + ou_scale_ * zq;
                    eta_mid[q] = 0.5 * (eta[q] + eta_next[q]);
                }
                else {
                    dw[noisy_idx_[q]] = g[noisy_idx_[q]] * additive_scale_ * zq;
                }
            }
        }
        const double c0 = c[k], c1 = c[k + 1];
        switch (cfg_.method) {
        case integrator::euler: {
            f(i, x, u_coupling(i, c0, x), ue, eta, ka.data());
            for (std::size_t s = 0; s < S; ++s) x[s] += dt * ka[s] + dw[s];
            break;
        }
        case integrator::heun: {
            f(i, x, u_coupling(i, c0, x), ue, eta, ka.data());
            for (std::size_t s = 0; s < S; ++s) xs[s] = x[s] + dt * ka[s] + dw[s];
            f(i, xs.data(), u_coupling(i, c1, xs.data()), ue, ou_ ? eta_next.data() : eta, kb.data());
            for (std::size_t s = 0; s < S; ++s) x[s] += 0.5 * dt * (ka[s] + kb[s]) + dw[s];
            break;
        }
        case integrator::rk4: {
            const double cm = 0.5 * (c0 + c1) + 0.125 * dt * (dd[k] - (dd[k + 1] - corr[k + 1]));
            double* k1 = k1_.data() + i * S;
            for (std::size_t s = 0; s < S; ++s) xs[s] = x[s] + 0.5 * dt * k1[s];
            f(i, xs.data(), u_coupling(i, cm, xs.data()), ue, ou_ ? eta_mid.data() : eta, kb.data());
            for (std::size_t s = 0; s < S; ++s) xs[s] = x[s] + 0.5 * dt * kb[s];
            f(i, xs.data(), u_coupling(i, cm, xs.data()), ue, ou_ ? eta_mid.data() : eta, kc.data());
            for (std::size_t s = 0; s < S; ++s) xs[s] = x[s] + dt * kc[s];
            f(i, xs.data(), u_coupling(i, c1, xs.data()), ue, ou_ ? eta_next.data() : eta, kd.data());
            for (std::size_t s = 0; s < S; ++s) x[s] += dt / 6.0 * (k1[s] + 2.0 * (kb[s] + kc[s]) + kd[s]);
            break;
        }
        default:
            rosenbrock_step(i, x, eta, eta_next.data(), ue, c0, c1, dd[k], dd[k + 1] - corr[k + 1], lu);
            break;
        }
        if (ou_)
            for (std::size_t q = 0; q < n_noisy_; ++q) eta[q] = eta_next[q];
        const double o = Model::output(x);
        const auto L = static_cast<std::size_t>(L_);
        double* hb = h_.data() + i * 2 * L;
        hb[slot_next] = hb[slot_next + L] = pre(o);
        if (need_deriv_) {
            // right derivative at t_{n+1}: the next step's first stage
            double* k1 = k1_.data() + i * S;
            const double ue1 = stim_ptr_[i] == stim_ptr_[i + 1] ? 0.0 : ext(i, n + 1);
            f(i, x, u_coupling(i, c1, x), ue1, eta, k1);
            double* hdb = hd_.data() + i * 2 * L;
            hdb[slot_next] = hdb[slot_next + L] = pre_deriv(o) * Model::output(k1);
        }
        if (rec) record(i, (n + 1) / cfg_.record_every, x);
    }

    // One fixed step of the Rosenbrock method tab_ (transformed form, see rosenbrock_tableau.hpp):
    //   (I/(dt gamma) - J) U_s = f(t_n + alpha_s dt, x + sum_j a_sj U_j) + sum_j (c_sj/dt) U_j + dt gamma_s f_t
    // J = df/dx at (t_n, x_n) including the node's own output in difference coupling; the delayed sum is a
    // known function of time in the step: cubic Hermite through (c0, d0) at t_n and (c1, d1) at t_{n+1}
    // (d1 the left derivative), the OU input linear from eta to eta_next; f_t is their time derivative at t_n.
    // Stage 0 reuses k1 = f(t_n, x_n).
    void rosenbrock_step(std::size_t i, double* x, const double* eta, const double* eta_next, double ue, double c0,
                         double c1, double d0, double d1, solver::dense_lu& lu) const {
        const auto& tb = *tab_;
        const double dt = dt_;
        const double* p = p_.data() + i * P;
        const double* g = gain_.data() + i * S;
        const double* k1 = k1_.data() + i * S;
        const double a_c = cfg_.coupling.a;
        std::array<double, S * S> jac;
        std::array<double, S> fu, ft, y, fs;
        std::array<double, S> eta_s{};
        std::array<std::array<double, S>, solver::rosenbrock_max_stages> U;
        Model::jacobian(p, x, u_coupling(i, c0, x), ue, jac.data(), fu.data());
        if (cfg_.coupling.kind == coupling_kind::difference)
            for (std::size_t r = 0; r < S; ++r)
                for (std::size_t q = 0; q < S; ++q) jac[r * S + q] -= a_c * rowsum_[i] * fu[r] * grad_o_[q];
        {
            auto M = lu.matrix();
            const double dg = 1.0 / (dt * tb.gamma);
            for (std::size_t q = 0; q < S * S; ++q) M[q] = -jac[q];
            for (std::size_t r = 0; r < S; ++r) M[r * S + r] += dg;
            if (!lu.factor()) {
                x[0] = std::numeric_limits<double>::quiet_NaN();  // reported as non-finite after the epoch
                return;
            }
        }
        for (std::size_t s = 0; s < S; ++s) ft[s] = fu[s] * a_c * d0;
        if (ou_)
            for (std::size_t q = 0; q < n_noisy_; ++q)
                ft[noisy_idx_[q]] += g[noisy_idx_[q]] * (eta_next[q] - eta[q]) / dt;
        for (int st = 0; st < tb.stages; ++st) {
            const double* fi = k1;
            if (st > 0) {
                for (std::size_t s = 0; s < S; ++s) {
                    double v = x[s];
                    for (int j = 0; j < st; ++j) v += tb.a[st][j] * U[static_cast<std::size_t>(j)][s];
                    y[s] = v;
                }
                const double al = tb.alpha[st], om = 1.0 - al;
                const double cs = (1.0 + 2.0 * al) * om * om * c0 + al * al * (3.0 - 2.0 * al) * c1 +
                                  dt * (al * om * om * d0 - al * al * om * d1);
                if (ou_)
                    for (std::size_t q = 0; q < n_noisy_; ++q) eta_s[q] = eta[q] + al * (eta_next[q] - eta[q]);
                f(i, y.data(), u_coupling(i, cs, y.data()), ue, eta_s.data(), fs.data());
                fi = fs.data();
            }
            auto& u = U[static_cast<std::size_t>(st)];
            for (std::size_t s = 0; s < S; ++s) {
                double v = fi[s];
                for (int j = 0; j < st; ++j) v += (tb.c[st][j] / dt) * U[static_cast<std::size_t>(j)][s];
                u[s] = v + dt * tb.gamma_sum[st] * ft[s];
            }
            lu.solve(std::span<double>(u.data(), S));
        }
        for (std::size_t s = 0; s < S; ++s) {
            double v = 0.0;
            for (int j = 0; j < tb.stages; ++j) v += tb.m[j] * U[static_cast<std::size_t>(j)][s];
            x[s] += v;
        }
    }

    void fail(std::size_t i, std::int64_t n) {
        // any failing node is reported (which one may depend on scheduling; the error does not)
        failed_step_ = n;
        failed_node_ = static_cast<std::int64_t>(i);
    }

    const config& cfg_;
    std::size_t n_;
    double dt_ = 0.1;
    std::int64_t K_ = 1, L_ = 2, max_delay_ = 0;
    std::vector<double> p_, x_, gain_, eta_, rowsum_, h_, hd_, k1_;
    std::vector<std::int64_t> stim_ptr_;
    std::vector<stimulus> stim_;
    std::vector<part_scratch> scratch_;
    std::int64_t step0_ = 0, first_sample_ = 0;
    bool fresh_ = true;
    const solver::rosenbrock_tableau* tab_ = nullptr;
    std::array<double, S> grad_o_{};
    std::array<std::size_t, S> noisy_idx_{};
    std::size_t n_noisy_ = 0;
    bool noise_on_ = false, ou_ = false, need_deriv_ = false, ran_ = false;
    double ou_decay_ = 0.0, ou_scale_ = 0.0, additive_scale_ = 0.0;
    result* out_ = nullptr;
    std::atomic<std::int64_t> failed_node_{-1}, failed_step_{0};
};

}  // namespace brainsim::wholebrain
