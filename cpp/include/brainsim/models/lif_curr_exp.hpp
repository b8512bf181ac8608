#pragma once
// lif_curr_exp: leaky integrate-and-fire neuron with exponentially decaying synaptic currents
// (NEST iaf_psc_exp; Brette et al. 2007 CUBA; Potjans & Diesmann 2014).
//
//   C_m dV/dt = -g_L (V - E_L) + I_syn_ex + I_syn_in + I_e + I_ext,   g_L = C_m / tau_m
//   dI_syn_x/dt = -I_syn_x / tau_syn_x;  an event of weight w (pA) makes I_syn_x jump by w.
//
// Integration is exact (the linear system is propagated with its matrix exponential, NEST
// "exact integration", Rotter & Diesmann 1999). Events handed to step j arrive at the end of the
// step (time (j+1) dt), as in NEST: the currents jump after V has been propagated. While refractory
// V is clamped to V_reset and the currents keep decaying and keep receiving input.
// Exact propagation supports the hybrid and event-driven schemes; the threshold crossing between
// two events is located by safeguarded Newton iteration on the closed-form V(t) (to ~1e-14 ms).

#include <brainsim/models/neuron_model.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <brainsim/numeric/simd.hpp>
#if defined(__SSE2__) && !defined(BRAINSIM_SIMD_PACKS)
#include <emmintrin.h>
#endif

namespace brainsim::models {

namespace lif_detail {
// (e^{-h/tau_s} - e^{-h/tau_m}) * tau_m tau_s / (tau_s - tau_m), stable for tau_s -> tau_m
// (then h e^{-h/tau_m}).
inline double psc_kernel(double h, double tau_m, double tau_s) {
    double x = h * (1.0 / tau_s - 1.0 / tau_m);  // e^{-h/tau_s} = e^{-h/tau_m} e^{-x}
    double phi = x == 0.0 ? 1.0 : -std::expm1(-x) / x;
    return h * std::exp(-h / tau_m) * phi;
}
}  // namespace lif_detail

struct lif_curr_exp {
    static constexpr std::string_view name = "lif_curr_exp";
    static constexpr std::string_view doc =
        "LIF with exponential current synapses, exact integration (NEST iaf_psc_exp; CUBA, microcircuit)";

    enum p_index { C_m, tau_m, tau_syn_ex, tau_syn_in, t_ref, E_L, V_reset, V_th, I_e };
    static constexpr std::array<param_info, 9> parameters{{
        {"C_m", "pF", 250.0, constraint::positive, "membrane capacitance"},
        {"tau_m", "ms", 10.0, constraint::positive, "membrane time constant"},
        {"tau_syn_ex", "ms", 2.0, constraint::positive, "excitatory synaptic current time constant"},
        {"tau_syn_in", "ms", 2.0, constraint::positive, "inhibitory synaptic current time constant"},
        {"t_ref", "ms", 2.0, constraint::nonnegative, "refractory period (V clamped at V_reset)"},
        {"E_L", "mV", -70.0, constraint::any, "resting potential"},
        {"V_reset", "mV", -70.0, constraint::any, "reset potential"},
        {"V_th", "mV", -55.0, constraint::any, "spike threshold"},
        {"I_e", "pA", 0.0, constraint::any, "constant external current"},
    }};
    enum s_index { V_m, I_syn_ex, I_syn_in, t_ref_left };
    static constexpr std::array<var_info, 4> state_vars{{
        {"V_m", "mV"},
        {"I_syn_ex", "pA"},
        {"I_syn_in", "pA"},
        {"t_ref_left", "ms"},
    }};
    static constexpr std::array<receptor_info, 2> receptors{{
        {"exc", receptor_kind::current, "pA"},
        {"inh", receptor_kind::current, "pA"},
    }};
    using state = std::array<double, 4>;

    struct constants {
        double C, tau_m, tau_ex, tau_in, t_ref, E_L, V_reset, V_th, I_e, dt;
        double P22, P11ex, P11in, P21ex, P21in, mP20;
        // the PSC kernel's maximum (for threshold_crossing's bound): at u_pk_x, value k_pk_x (/C)
        double u_pk_ex = 0.0, u_pk_in = 0.0, k_pk_ex = 0.0, k_pk_in = 0.0;
    };

    static constants prepare(const double* p, double dt) {
        check_parameters<lif_curr_exp>(p);
        if (!(p[V_reset] < p[V_th]))
            throw config_error("V_reset", brainsim::detail::repr(p[V_reset]),
                               "< V_th = " + brainsim::detail::repr(p[V_th]), "model 'lif_curr_exp'");
        constants c{p[C_m], p[tau_m], p[tau_syn_ex], p[tau_syn_in], p[t_ref], p[E_L], p[V_reset],
                    p[V_th], p[I_e], dt, 0, 0, 0, 0, 0, 0};
        c.P22 = std::exp(-dt / c.tau_m);
        c.P11ex = std::exp(-dt / c.tau_ex);
        c.P11in = std::exp(-dt / c.tau_in);
        c.P21ex = lif_detail::psc_kernel(dt, c.tau_m, c.tau_ex) / c.C;
        c.P21in = lif_detail::psc_kernel(dt, c.tau_m, c.tau_in) / c.C;
        c.mP20 = -std::expm1(-dt / c.tau_m) * c.tau_m / c.C;
        auto peak = [&](double tau_s, double& u, double& k) {
            u = tau_s == c.tau_m ? c.tau_m : std::log(tau_s / c.tau_m) * c.tau_m * tau_s / (tau_s - c.tau_m);
            k = lif_detail::psc_kernel(u, c.tau_m, tau_s) / c.C;
        };
        peak(c.tau_ex, c.u_pk_ex, c.k_pk_ex);
        peak(c.tau_in, c.u_pk_in, c.k_pk_in);
        return c;
    }

    static state initial_state(const double* p) { return {p[E_L], 0.0, 0.0, 0.0}; }

    static step_result step(const constants& c, state& s, const double* in, double I_ext) {
        step_result r;
        if (s[t_ref_left] > 0.5 * c.dt) {
            s[t_ref_left] -= c.dt;
        }
        else {
            s[t_ref_left] = 0.0;
            s[V_m] = c.E_L + c.P22 * (s[V_m] - c.E_L) + c.P21ex * s[I_syn_ex] + c.P21in * s[I_syn_in] +
                     c.mP20 * (c.I_e + I_ext);
            if (s[V_m] >= c.V_th) {
                s[V_m] = c.V_reset;
                s[t_ref_left] = c.t_ref;
                r = {true, c.dt};
            }
        }
        s[I_syn_ex] = s[I_syn_ex] * c.P11ex + in[0];
        s[I_syn_in] = s[I_syn_in] * c.P11in + in[1];
        return r;
    }

    // The engine's time-stepped loop uses step_batch in AVX builds (numeric::simd packs; 2x faster
    // than step() per neuron-step with AVX-512) and step() otherwise: with SSE2 callgrind gave 48 Ir
    // per neuron-step for the scalar loop (ring read fused) and 53 batched.
    static constexpr bool prefer_batch = numeric::simd::available;

    // Time-stepped update of n neurons held as separate arrays x[v] (v an s_index); in[r] holds
    // receptor r's input, I the external current. numeric::simd::lanes neurons at a time in AVX
    // builds, pairs (SSE2) otherwise (branch-free selects), the rest one by one; the same IEEE
    // operations in the same order as step(), hence bitwise the same results at any vector width.
    // spiked[i] is set to 0 or 1.
    static void step_batch(const constants& c, double* const* x, const double* const* in, const double* I,
                           std::size_t n, std::uint8_t* spiked) {
        double* __restrict V = x[V_m];
        double* __restrict ie = x[I_syn_ex];
        double* __restrict ii = x[I_syn_in];
        double* __restrict tl = x[t_ref_left];
        const double* __restrict i0 = in[0];
        const double* __restrict i1 = in[1];
        const double half = 0.5 * c.dt;
        std::size_t i = 0;
#if defined(BRAINSIM_SIMD_PACKS)
        {
            namespace sv = numeric::simd;
            constexpr std::size_t W = sv::lanes;
            // the constants as packs, outside the loop (the stores could alias c otherwise)
            const sv::pd hv = sv::broadcast(half), dt = sv::broadcast(c.dt), EL = sv::broadcast(c.E_L),
                         P22 = sv::broadcast(c.P22), P21e = sv::broadcast(c.P21ex), P21i = sv::broadcast(c.P21in),
                         mP20 = sv::broadcast(c.mP20), Ie = sv::broadcast(c.I_e), P11e = sv::broadcast(c.P11ex),
                         P11i = sv::broadcast(c.P11in), Vth = sv::broadcast(c.V_th), Vr = sv::broadcast(c.V_reset),
                         tref = sv::broadcast(c.t_ref), zero{};
            for (; i + W <= n; i += W) {
                const sv::pd Vv = sv::load(V + i), tv = sv::load(tl + i);
                const sv::pd e = sv::load(ie + i), f = sv::load(ii + i);
                const sv::pi ref = tv > hv;
                const sv::pd v = (((EL + P22 * (Vv - EL)) + P21e * e) + P21i * f) + mP20 * (Ie + sv::load(I + i));
                const sv::pi cross = v >= Vth;  // a spike unless refractory
                sv::store(V + i, sv::select(ref, Vv, sv::select(cross, Vr, v)));
                sv::store(tl + i, sv::select(ref, tv - dt, sv::select(cross, tref, zero)));
                sv::store(ie + i, e * P11e + sv::load(i0 + i));
                sv::store(ii + i, f * P11i + sv::load(i1 + i));
                sv::spike_bytes(ref, cross, spiked + i);
            }
        }
#elif defined(__SSE2__)
        // two neurons per iteration; selects by bit masks (the same IEEE operations as below)
        const __m128d EL = _mm_set1_pd(c.E_L), P22 = _mm_set1_pd(c.P22), P21e = _mm_set1_pd(c.P21ex),
                      P21i = _mm_set1_pd(c.P21in), mP20 = _mm_set1_pd(c.mP20), Ie = _mm_set1_pd(c.I_e),
                      P11e = _mm_set1_pd(c.P11ex), P11i = _mm_set1_pd(c.P11in), Vth = _mm_set1_pd(c.V_th),
                      Vr = _mm_set1_pd(c.V_reset), tref = _mm_set1_pd(c.t_ref), hv = _mm_set1_pd(half),
                      dtv = _mm_set1_pd(c.dt);
        for (; i + 2 <= n; i += 2) {
            const __m128d Vv = _mm_loadu_pd(V + i), tv = _mm_loadu_pd(tl + i);
            const __m128d e = _mm_loadu_pd(ie + i), f = _mm_loadu_pd(ii + i);
            const __m128d ref = _mm_cmpgt_pd(tv, hv);
            const __m128d v = _mm_add_pd(
                _mm_add_pd(_mm_add_pd(_mm_add_pd(EL, _mm_mul_pd(P22, _mm_sub_pd(Vv, EL))), _mm_mul_pd(P21e, e)),
                           _mm_mul_pd(P21i, f)),
                _mm_mul_pd(mP20, _mm_add_pd(Ie, _mm_loadu_pd(I + i))));
            const __m128d spk = _mm_andnot_pd(ref, _mm_cmpge_pd(v, Vth));
            const __m128d vfree = _mm_or_pd(_mm_and_pd(spk, Vr), _mm_andnot_pd(spk, v));
            _mm_storeu_pd(V + i, _mm_or_pd(_mm_and_pd(ref, Vv), _mm_andnot_pd(ref, vfree)));
            _mm_storeu_pd(tl + i, _mm_or_pd(_mm_and_pd(ref, _mm_sub_pd(tv, dtv)), _mm_andnot_pd(ref, _mm_and_pd(spk, tref))));
            _mm_storeu_pd(ie + i, _mm_add_pd(_mm_mul_pd(e, P11e), _mm_loadu_pd(i0 + i)));
            _mm_storeu_pd(ii + i, _mm_add_pd(_mm_mul_pd(f, P11i), _mm_loadu_pd(i1 + i)));
            const int m = _mm_movemask_pd(spk);
            spiked[i] = static_cast<std::uint8_t>(m & 1);
            spiked[i + 1] = static_cast<std::uint8_t>(m >> 1);
        }
#endif
        for (; i < n; ++i) {
            const bool ref = tl[i] > half;
            const double v = c.E_L + c.P22 * (V[i] - c.E_L) + c.P21ex * ie[i] + c.P21in * ii[i] +
                             c.mP20 * (c.I_e + I[i]);
            const bool spk = !ref && v >= c.V_th;
            V[i] = ref ? V[i] : (spk ? c.V_reset : v);
            tl[i] = ref ? tl[i] - c.dt : (spk ? c.t_ref : 0.0);
            ie[i] = ie[i] * c.P11ex + i0[i];
            ii[i] = ii[i] * c.P11in + i1[i];
            spiked[i] = spk;
        }
    }

    // ---- exact propagation (hybrid / event-driven) -------------------------------------------
    // Propagator of an interval h:
    //   free (not refractory):  V(h) = E_L + em (v - E_L) + pex iex + pin iin + mp20 (I_e + I),
    //   currents:               I_x(h) = I_x dx,
    // em = e^{-h/tau_m}, px = psc_kernel(h, tau_m, tau_x) / C, mp20 = -expm1(-h/tau_m) tau_m / C,
    // dx = e^{-h/tau_x}. A + mp20 J is bitwise A - expm1(-h/tau_m) tau_m / C J (IEEE negation is
    // exact, rounding sign-symmetric).
    //
    // Every coefficient is always the same expression of the same values, so results do not depend
    // on where it comes from: for h == dt the constants of prepare(); otherwise a small per-thread
    // cache keyed by (h, tau_m, tau_syn_ex, tau_syn_in, C) — within a step the input events of one
    // source spike reach all its targets at the same offset, so few distinct h occur — else
    // computed, e^{-h/tau_m} once for the three terms that use it (psc_kernel's own e^{-h/tau_m}).
    // Without input and refractory time, propagate and threshold_crossing take an inline path for
    // h == dt that uses only the constants (no exp): most neuron-steps of the hybrid scheme.
    struct interval {
        double em, pex, pin, mp20;
        double dex, din;
    };
    static interval make_interval(const constants& c, double h, bool decay) {
        interval k;
        k.em = std::exp(-h / c.tau_m);
        auto kernel = [&](double tau_s) {  // lif_detail::psc_kernel(h, tau_m, tau_s) with e^{-h/tau_m} = em
            double x = h * (1.0 / tau_s - 1.0 / c.tau_m);
            double phi = x == 0.0 ? 1.0 : -std::expm1(-x) / x;
            return h * k.em * phi;
        };
        k.pex = kernel(c.tau_ex) / c.C;
        k.pin = c.tau_in == c.tau_ex ? k.pex : kernel(c.tau_in) / c.C;
        k.mp20 = -std::expm1(-h / c.tau_m) * c.tau_m / c.C;
        k.dex = k.din = 0.0;
        if (decay) set_decay(c, h, k);
        return k;
    }
    static void set_decay(const constants& c, double h, interval& k) {
        k.dex = std::exp(-h / c.tau_ex);
        k.din = c.tau_in == c.tau_ex ? k.dex : std::exp(-h / c.tau_in);
    }
    // The coefficients for interval h (decay: dex, din needed as well).
    static interval coeffs(const constants& c, double h, bool decay) {
        if (h == c.dt) return {c.P22, c.P21ex, c.P21in, c.mP20, c.P11ex, c.P11in};
        struct entry {
            std::uint64_t h;
            double tau_m, tau_ex, tau_in, C;  // all 0 when empty: never equal to valid constants
            bool decay;
            interval k;
        };
        static thread_local std::array<entry, 16> cache{};
        const auto hb = std::bit_cast<std::uint64_t>(h);
        entry& e = *(cache.data() + ((hb * 0x9E3779B97F4A7C15ull) >> 60));  // the thread's cache looked up once
        if (e.h == hb && e.tau_m == c.tau_m && e.tau_ex == c.tau_ex && e.tau_in == c.tau_in && e.C == c.C) {
            if (decay && !e.decay) {
                set_decay(c, h, e.k);
                e.decay = true;
            }
            return e.k;
        }
        e = {hb, c.tau_m, c.tau_ex, c.tau_in, c.C, decay, make_interval(c, h, decay)};
        return e.k;
    }
    static double v_free(const constants& c, const interval& k, double v, double iex, double iin, double I) {
        return c.E_L + k.em * (v - c.E_L) + k.pex * iex + k.pin * iin + k.mp20 * (c.I_e + I);
    }
    // V after a full step dt without refractory time (the constants only; = v_free(c, coeffs(c, dt), ...))
    static double v_step(const constants& c, double v, double iex, double iin, double I) {
        return c.E_L + c.P22 * (v - c.E_L) + c.P21ex * iex + c.P21in * iin + c.mP20 * (c.I_e + I);
    }
    [[gnu::always_inline]] static void propagate(const constants& c, state& s, double h, double I_ext) {
        if (h == c.dt && !(s[t_ref_left] > 0.0)) {  // the common case, as below with free = h = dt
            s[V_m] = v_step(c, s[V_m], s[I_syn_ex], s[I_syn_in], I_ext);
            s[I_syn_ex] *= c.P11ex;
            s[I_syn_in] *= c.P11in;
            return;
        }
        propagate_general(c, s, h, I_ext);
    }
    [[gnu::noinline]] static void propagate_general(const constants& c, state& s, double h, double I_ext) {
        double free = h;
        if (s[t_ref_left] > 0.0) {
            double r = std::min(s[t_ref_left], h);
            s[t_ref_left] -= r;
            if (s[t_ref_left] <= 1e-12) s[t_ref_left] = 0.0;
            free = h - r;
        }
        if (free > 0.0 && free == h) {  // no refractory time: one set of coefficients for h
            const interval k = coeffs(c, h, true);
            s[V_m] = v_free(c, k, s[V_m], s[I_syn_ex], s[I_syn_in], I_ext);
            s[I_syn_ex] *= k.dex;
            s[I_syn_in] *= k.din;
            return;
        }
        if (free > 0.0) {  // the currents decay over the refractory part u = h - free first
            const double u = h - free;
            s[V_m] = v_free(c, coeffs(c, free, false), s[V_m], s[I_syn_ex] * std::exp(-u / c.tau_ex),
                            s[I_syn_in] * std::exp(-u / c.tau_in), I_ext);
        }
        s[I_syn_ex] *= h == c.dt ? c.P11ex : std::exp(-h / c.tau_ex);
        s[I_syn_in] *= h == c.dt ? c.P11in : std::exp(-h / c.tau_in);
    }
    // First time in [0, h] at which V reaches V_th, +inf if none. When V(h) < V_th an excursion
    // above threshold inside the interval (a fast EPSC whose peak grazes V_th) is still found:
    // upper_bound() over the interval rules it out in the common case (a few flops); otherwise
    // grazing() halves the interval until a midpoint is above threshold or every piece's bound is
    // below it. (NEST's *_ps models only test the interval's end and miss such spikes.)
    [[gnu::always_inline]] static double threshold_crossing(const constants& c, const state& s, double h, double I_ext) {
        if (h == c.dt && !(s[t_ref_left] > 0.0)) {  // the common case: t0 = 0, H = h = dt
            if (s[V_m] >= c.V_th) return 0.0;
            if (v_step(c, s[V_m], s[I_syn_ex], s[I_syn_in], I_ext) < c.V_th) {
                const interval k{c.P22, c.P21ex, c.P21in, c.mP20, c.P11ex, c.P11in};
                if (!(upper_bound(c, k, h, s[V_m], s[I_syn_ex], s[I_syn_in], I_ext) >= c.V_th - graze_margin))
                    return std::numeric_limits<double>::infinity();
                return grazing(c, s[V_m], s[I_syn_ex], s[I_syn_in], h, I_ext, 0);
            }
        }
        return crossing_general(c, s, h, I_ext);
    }
    static constexpr double graze_margin = 1e-9;  // mV: rounding of the bound never hides a crossing
    // Upper bound of V over [0, H] from (v, iex, iin), k = coeffs(H): V = v_inf + A e^{-t/tau_m} +
    // sum_x i_x kernel_x(t)/C; the exponential is largest at an end, a kernel term <= 0 for i_x <= 0
    // and <= i_x kernel_x(min(H, u_pk_x))/C otherwise (the kernel rises to its peak at u_pk_x).
    static double upper_bound(const constants& c, const interval& k, double H, double v, double iex, double iin,
                              double I) {
        const double vinf = c.E_L + c.tau_m / c.C * (c.I_e + I);
        const double A = v - vinf;
        const double bex = iex > 0.0 ? iex * (H <= c.u_pk_ex ? k.pex : c.k_pk_ex) : 0.0;
        const double bin = iin > 0.0 ? iin * (H <= c.u_pk_in ? k.pin : c.k_pk_in) : 0.0;
        return vinf + std::max(A, A * k.em) + bex + bin;
    }
    // First crossing in (0, H) given V(0) < V_th and V(H) < V_th, +inf if V stays below.
    [[gnu::noinline]] static double grazing(const constants& c, double v, double iex, double iin, double H, double I,
                                            int depth) {
        constexpr double inf = std::numeric_limits<double>::infinity();
        if (depth > 0 && !(upper_bound(c, coeffs(c, H, false), H, v, iex, iin, I) >= c.V_th - graze_margin)) return inf;
        if (depth >= 48) return inf;  // H / 2^48: below any spike-time resolution
        const double h1 = 0.5 * H;
        const interval k1 = coeffs(c, h1, true);
        const double vm = v_free(c, k1, v, iex, iin, I);
        if (vm >= c.V_th) return root_in(c, v, iex, iin, h1, I);
        const double left = grazing(c, v, iex, iin, h1, I, depth + 1);
        if (left < inf) return left;
        const double right = grazing(c, vm, iex * k1.dex, iin * k1.din, H - h1, I, depth + 1);
        return right < inf ? h1 + right : inf;
    }
    [[gnu::noinline]] static double crossing_general(const constants& c, const state& s, double h, double I_ext) {
        constexpr double inf = std::numeric_limits<double>::infinity();
        double t0 = s[t_ref_left] > 0.0 ? s[t_ref_left] : 0.0;
        if (t0 >= h) return inf;
        double v0, iex, iin;
        if (t0 > 0.0) {
            v0 = c.V_reset;
            iex = s[I_syn_ex] * std::exp(-t0 / c.tau_ex);
            iin = s[I_syn_in] * std::exp(-t0 / c.tau_in);
        }
        else {  // t0 == 0: the factors e^{-t0/tau} are 1 exactly
            v0 = s[V_m];
            iex = s[I_syn_ex];
            iin = s[I_syn_in];
        }
        double H = h - t0;
        if (v0 >= c.V_th) return t0;
        const interval kH = coeffs(c, H, false);
        if (v_free(c, kH, v0, iex, iin, I_ext) < c.V_th) {
            if (!(upper_bound(c, kH, H, v0, iex, iin, I_ext) >= c.V_th - graze_margin)) return inf;
            const double tg = grazing(c, v0, iex, iin, H, I_ext, 0);
            return tg < inf ? t0 + tg : inf;
        }
        return t0 + root_in(c, v0, iex, iin, H, I_ext);
    }
    // The crossing in (0, H] from (v0, iex, iin) given V(0) < V_th <= V(H).
    static double root_in(const constants& c, double v0, double iex, double iin, double H, double I_ext) {
        // bracket [a, b] with f(a) < 0 <= f(b); Newton steps kept inside the bracket, else bisection
        double a = 0.0, b = H, t = H;
        for (int it = 0; it < 200; ++it) {
            const interval k = coeffs(c, t, true);
            double vt = v_free(c, k, v0, iex, iin, I_ext);
            double f = vt - c.V_th;
            if (f < 0.0) a = t; else b = t;
            if (b - a <= 1e-15 * (1.0 + b)) break;
            double d = (-(vt - c.E_L) / c.tau_m) + (iex * k.dex + iin * k.din + c.I_e + I_ext) / c.C;
            double tn = d > 0.0 ? t - f / d : 0.5 * (a + b);
            if (!(tn > a && tn < b)) tn = 0.5 * (a + b);
            if (tn == t) break;
            t = tn;
        }
        return b;
    }
    static void receive(const constants&, state& s, int receptor, double w) {
        s[receptor == 0 ? I_syn_ex : I_syn_in] += w;
    }
    static bool at_threshold(const constants& c, const state& s) {
        return s[t_ref_left] <= 0.0 && s[V_m] >= c.V_th;
    }
    static void emit(const constants& c, state& s) {
        s[V_m] = c.V_reset;
        s[t_ref_left] = c.t_ref;
    }
};

}  // namespace brainsim::models
