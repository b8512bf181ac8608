#include <brainsim/errors.hpp>
#include <brainsim/observe/bold.hpp>
#include <brainsim/thread_pool.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <memory>
#include <string>

namespace brainsim::observe {
namespace {

struct bw_rhs {
    const balloon_params& p;
    double inv_alpha, ln1mrho, inv_tau, inv_rho;
    explicit bw_rhs(const balloon_params& bp):
        p(bp), inv_alpha(1.0 / bp.alpha), ln1mrho(std::log(1.0 - bp.rho)), inv_tau(1.0 / bp.tau), inv_rho(1.0 / bp.rho) {}
    // y = (s, ln f, ln v, ln q)
    void operator()(const double* y, double z, double* dy) const {
        const double f = std::exp(y[1]);
        const double v = std::exp(y[2]);
        const double q = std::exp(y[3]);
        const double v_out = std::exp(y[2] * inv_alpha);               // v^(1/alpha)
        const double extraction = 1.0 - std::exp(ln1mrho / f);           // 1 - (1-rho)^(1/f)
        dy[0] = z - p.kappa * y[0] - p.gamma * (f - 1.0);
        dy[1] = y[0] / f;
        dy[2] = (f - v_out) * inv_tau / v;
        dy[3] = (f * extraction * inv_rho - v_out * q / v) * inv_tau / q;
    }
};

}  // namespace

bold_result balloon_windkessel(const double* drive, std::int64_t n_times, std::int64_t n_regions, double dt_ms,
                               double tr_ms, const balloon_params& p, unsigned threads, const double* initial_state,
                               std::int64_t phase) {
    require_positive("dt_ms", dt_ms);
    require_positive("tr", tr_ms);
    for (auto [name, v]: {std::pair{"kappa", p.kappa}, {"gamma", p.gamma}, {"tau", p.tau}, {"alpha", p.alpha},
                          {"max_step_s", p.max_step_s}})
        require_positive(name, v);
    if (!(p.rho > 0.0 && p.rho < 1.0)) throw config_error("rho", detail::repr(p.rho), "0 < rho < 1");
    for (auto [name, v]: {std::pair{"V0", p.V0}, {"k1", p.k1}, {"k2", p.k2}, {"k3", p.k3}}) require_finite(name, v);
    if (!(n_times >= 1)) throw config_error("drive", std::to_string(n_times) + " samples", ">= 1 time sample");
    if (!(n_regions >= 1)) throw config_error("drive", std::to_string(n_regions) + " regions", ">= 1 region");
    const double ratio = tr_ms / dt_ms;
    const auto every = static_cast<std::int64_t>(std::llround(ratio));
    if (!(every >= 1) || std::abs(ratio - static_cast<double>(every)) > 1e-9 * ratio)
        throw config_error("tr", detail::repr(tr_ms) + " ms",
                           "a positive multiple of the drive sampling interval " + detail::repr(dt_ms) + " ms");
    for (std::int64_t k = 0; k < n_times * n_regions; ++k)
        if (!std::isfinite(drive[k]))
            throw config_error("drive", detail::repr(drive[k]),
                               "finite values (sample " + std::to_string(k / n_regions) + ", region " +
                                   std::to_string(k % n_regions) + ")");

    if (!(phase >= 0 && phase < every))
        throw config_error("phase", std::to_string(phase), "in [0, " + std::to_string(every) + ") drive intervals");
    if (initial_state) {
        for (std::int64_t k = 0; k < n_regions * 4; ++k)
            if (!std::isfinite(initial_state[k]))
                throw config_error("initial_state", detail::repr(initial_state[k]),
                                   "finite values (region " + std::to_string(k / 4) + ")");
    }

    bold_result res;
    res.n_regions = n_regions;
    res.n_samples = (n_times - 1 + phase) / every;
    res.final_phase = (n_times - 1 + phase) % every;
    res.final_state.assign(static_cast<std::size_t>(n_regions * 4), 0.0);
    res.bold.assign(static_cast<std::size_t>(res.n_samples * n_regions), 0.0);
    res.states.assign(static_cast<std::size_t>(res.n_samples * n_regions * 4), 0.0);

    const double h_total = dt_ms * 1e-3;  // seconds
    const auto n_sub = static_cast<std::int64_t>(std::ceil(h_total / p.max_step_s - 1e-12));
    const double h = h_total / static_cast<double>(n_sub);
    const bw_rhs f(p);
    std::atomic<std::int64_t> bad_region{-1};

    auto region = [&](std::int64_t r) {
        double y[4] = {0.0, 0.0, 0.0, 0.0}, k1[4], k2[4], k3[4], k4[4], yt[4];
        if (initial_state)
            for (int i = 0; i < 4; ++i) y[i] = initial_state[r * 4 + i];
        for (std::int64_t n = 0; n + 1 < n_times; ++n) {
            const double z0 = drive[n * n_regions + r], z1 = drive[(n + 1) * n_regions + r];
            for (std::int64_t m = 0; m < n_sub; ++m) {
                const double a0 = static_cast<double>(m) / static_cast<double>(n_sub);
                const double a1 = static_cast<double>(m + 1) / static_cast<double>(n_sub);
                const double za = z0 + a0 * (z1 - z0), zb = z0 + a1 * (z1 - z0), zm = 0.5 * (za + zb);
                f(y, za, k1);
                for (int i = 0; i < 4; ++i) yt[i] = y[i] + 0.5 * h * k1[i];
                f(yt, zm, k2);
                for (int i = 0; i < 4; ++i) yt[i] = y[i] + 0.5 * h * k2[i];
                f(yt, zm, k3);
                for (int i = 0; i < 4; ++i) yt[i] = y[i] + h * k3[i];
                f(yt, zb, k4);
                for (int i = 0; i < 4; ++i) y[i] += h / 6.0 * (k1[i] + 2.0 * (k2[i] + k3[i]) + k4[i]);
            }
            if ((n + 1 + phase) % every == 0) {
                const auto k = (n + 1 + phase) / every - 1;
                const double fv = std::exp(y[1]), v = std::exp(y[2]), q = std::exp(y[3]);
                const double b = p.V0 * (p.k1 * (1.0 - q) + p.k2 * (1.0 - q / v) + p.k3 * (1.0 - v));
                // f -> 0 means the model itself breaks down (df/dt = s drives inflow through zero)
                if (!std::isfinite(b) || !std::isfinite(y[0]) || !(y[1] > -700.0) || !(y[2] > -700.0) ||
                    !(y[3] > -700.0)) {
                    bad_region = r;
                    return;
                }
                res.bold[static_cast<std::size_t>(k * n_regions + r)] = b;
                double* st = res.states.data() + (k * n_regions + r) * 4;
                st[0] = y[0];
                st[1] = fv;
                st[2] = v;
                st[3] = q;
            }
        }
        for (int i = 0; i < 4; ++i) res.final_state[static_cast<std::size_t>(r * 4 + i)] = y[i];
    };
    const std::size_t n_parts = static_cast<std::size_t>(std::min<std::int64_t>(n_regions, 64));
    auto part = [&](std::size_t pi) {
        const auto lo = static_cast<std::int64_t>(pi) * n_regions / static_cast<std::int64_t>(n_parts);
        const auto hi = static_cast<std::int64_t>(pi + 1) * n_regions / static_cast<std::int64_t>(n_parts);
        for (auto r = lo; r < hi; ++r) region(r);
    };
    if (threads > 1) {
        thread_pool pool(threads);
        pool.parallel_for(n_parts, part);
    }
    else {
        for (std::size_t pi = 0; pi < n_parts; ++pi) part(pi);
    }
    if (bad_region >= 0)
        throw numerical_error("Balloon-Windkessel state became non-finite in region " + std::to_string(bad_region.load()) +
                              "; the neural drive is too large or too negative for the haemodynamic model (rescale it)");
    return res;
}

}  // namespace brainsim::observe
