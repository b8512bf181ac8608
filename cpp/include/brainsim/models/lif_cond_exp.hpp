#pragma once
// lif_cond_exp: leaky integrate-and-fire neuron with exponentially decaying synaptic conductances
// (NEST iaf_cond_exp; Brette et al. 2007 COBA, Vogels & Abbott 2005).
//
//   C_m dV/dt = g_L (E_L - V) + g_ex (E_ex - V) + g_in (E_in - V) + I_e + I_ext
//   dg_x/dt = -g_x / tau_syn_x;  an event of weight w (nS) makes g_x jump by w (w >= 0).
//
// Integration scheme ("exponential midpoint"): the conductances are propagated exactly
// (g <- g e^{-dt/tau}). Over a step V obeys a linear ODE whose coefficients vary only through
// g_ex(t), g_in(t); we freeze them at their exact mid-step values g(dt/2) = g e^{-dt/(2 tau)} and
// solve the frozen linear ODE exactly:
//   G = g_L + g_ex(dt/2) + g_in(dt/2),   V_inf = (g_L E_L + g_ex E_ex + g_in E_in + I) / G,
//   V(dt) = V_inf + (V - V_inf) e^{-G dt / C_m}.
// This is exponential Euler with a midpoint freeze: unconditionally stable for any conductance
// (the stiff case of large g_in), exact when the conductances are constant, and second order in dt
// for decaying conductances (Brian2's exponential Euler freezes at the step start: first order).
// Events handed to step j arrive at the end of the step (time (j+1) dt), as in NEST: the
// conductances jump after V has been propagated. While refractory V is clamped to V_reset and the
// conductances keep decaying.
// The exponential is cond_detail::det_exp (1-2 ulp of libm's exp, with a vector twin giving bitwise
// the same values), so the engine's batched update (step_batch) equals step() bit for bit.

#include <brainsim/models/neuron_model.hpp>

#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <brainsim/numeric/simd.hpp>
#if defined(__SSE2__) && !defined(BRAINSIM_SIMD_PACKS)
#include <emmintrin.h>
#endif

namespace brainsim::models {

namespace cond_detail {
// e^x by range reduction x = k ln2 + r (|r| <= ln2/2, Cody-Waite split of ln2), a degree-13 Taylor
// polynomial for e^r (truncation < 1e-17 relative) and the exponent bits of 2^k; about 1-2 ulp.
// x is clamped to [-700, 700] (e^-700 ~ 1e-304 stands for anything smaller); NaN propagates.
// Written for scalars, for packs of doubles (numeric::simd: AVX or AVX-512 builds) and for SSE2
// pairs (other x86-64 builds) with the same IEEE operations in the same order, so all give
// bitwise the same results (unlike libm's exp, which has no vector twin).
inline constexpr double exp_lo = -700.0, exp_hi = 700.0, log2e = 0x1.71547652b82fep0,
                        ln2_hi = 0x1.62e42feep-1, ln2_lo = 0x1.a39ef35793c76p-33, magic = 0x1.8p52;
inline constexpr double exp_c[14] = {1.0, 1.0, 1.0 / 2, 1.0 / 6, 1.0 / 24, 1.0 / 120, 1.0 / 720, 1.0 / 5040,
                                     1.0 / 40320, 1.0 / 362880, 1.0 / 3628800, 1.0 / 39916800,
                                     1.0 / 479001600, 1.0 / 6227020800.0};
inline double det_exp(double x) {
    double xc = exp_lo > x ? exp_lo : x;
    xc = exp_hi < xc ? exp_hi : xc;
    const double t = xc * log2e + magic;
    const double k = t - magic;
    const double r = (xc - k * ln2_hi) - k * ln2_lo;
    double p = exp_c[13];
    for (int q = 12; q >= 0; --q) p = p * r + exp_c[q];
    const std::uint64_t bits = (std::bit_cast<std::uint64_t>(t) + 1023) << 52;
    return p * std::bit_cast<double>(bits);
}
#if defined(BRAINSIM_SIMD_PACKS)
// The same operations on a pack of doubles (numeric::simd), lane by lane.
inline numeric::simd::pd det_exp(numeric::simd::pd x) {
    namespace sv = numeric::simd;
    const sv::pd lo = sv::broadcast(exp_lo), hi = sv::broadcast(exp_hi);
    sv::pd xc = sv::select(lo > x, lo, x);
    xc = sv::select(hi < xc, hi, xc);
    const sv::pd t = xc * log2e + magic;
    const sv::pd k = t - magic;
    const sv::pd r = (xc - k * ln2_hi) - k * ln2_lo;
    sv::pd p = sv::broadcast(exp_c[13]);
    for (int q = 12; q >= 0; --q) p = p * r + exp_c[q];
    const sv::pi bits = (sv::as_int(t) + 1023) << 52;
    return p * sv::as_double(bits);
}
#elif defined(__SSE2__)
// The same operations on SSE2 pairs (builds without AVX).
inline __m128d det_exp(__m128d x) {
    const __m128d xc = _mm_min_pd(_mm_set1_pd(exp_hi), _mm_max_pd(_mm_set1_pd(exp_lo), x));
    const __m128d t = _mm_add_pd(_mm_mul_pd(xc, _mm_set1_pd(log2e)), _mm_set1_pd(magic));
    const __m128d k = _mm_sub_pd(t, _mm_set1_pd(magic));
    const __m128d r = _mm_sub_pd(_mm_sub_pd(xc, _mm_mul_pd(k, _mm_set1_pd(ln2_hi))), _mm_mul_pd(k, _mm_set1_pd(ln2_lo)));
    __m128d p = _mm_set1_pd(exp_c[13]);
    for (int q = 12; q >= 0; --q) p = _mm_add_pd(_mm_mul_pd(p, r), _mm_set1_pd(exp_c[q]));
    const __m128i bits = _mm_slli_epi64(_mm_add_epi64(_mm_castpd_si128(t), _mm_set1_epi64x(1023)), 52);
    return _mm_mul_pd(p, _mm_castsi128_pd(bits));
}
#endif
}  // namespace cond_detail

struct lif_cond_exp {
    static constexpr std::string_view name = "lif_cond_exp";
    static constexpr std::string_view doc =
        "LIF with exponential conductance synapses, exponential-midpoint integration (NEST iaf_cond_exp; COBA)";

    enum p_index { C_m, g_L, E_L, V_th, V_reset, t_ref, E_ex, E_in, tau_syn_ex, tau_syn_in, I_e };
    static constexpr std::array<param_info, 11> parameters{{
        {"C_m", "pF", 250.0, constraint::positive, "membrane capacitance"},
        {"g_L", "nS", 16.6667, constraint::positive, "leak conductance"},
        {"E_L", "mV", -70.0, constraint::any, "leak reversal potential"},
        {"V_th", "mV", -55.0, constraint::any, "spike threshold"},
        {"V_reset", "mV", -60.0, constraint::any, "reset potential"},
        {"t_ref", "ms", 2.0, constraint::nonnegative, "refractory period (V clamped at V_reset)"},
        {"E_ex", "mV", 0.0, constraint::any, "excitatory reversal potential"},
        {"E_in", "mV", -85.0, constraint::any, "inhibitory reversal potential"},
        {"tau_syn_ex", "ms", 0.2, constraint::positive, "excitatory conductance time constant"},
        {"tau_syn_in", "ms", 2.0, constraint::positive, "inhibitory conductance time constant"},
        {"I_e", "pA", 0.0, constraint::any, "constant external current"},
    }};
    enum s_index { V_m, g_ex, g_in, t_ref_left };
    static constexpr std::array<var_info, 4> state_vars{{
        {"V_m", "mV"},
        {"g_ex", "nS"},
        {"g_in", "nS"},
        {"t_ref_left", "ms"},
    }};
    // Synaptic currents into the cell (pA), for LFP proxies: I = g (E_rev - V).
    static constexpr std::array<var_info, 2> observables{{
        {"I_syn_ex", "pA"},
        {"I_syn_in", "pA"},
    }};
    static constexpr std::array<receptor_info, 2> receptors{{
        {"exc", receptor_kind::conductance, "nS"},
        {"inh", receptor_kind::conductance, "nS"},
    }};
    using state = std::array<double, 4>;

    struct constants {
        double C, g_L, E_L, V_th, V_reset, t_ref, E_ex, E_in, I_e, dt;
        double dt_over_C, half_ex, half_in, P_ex, P_in;
    };

    static double observe(const constants& c, const state& s, int k) {
        return k == 0 ? s[g_ex] * (c.E_ex - s[V_m]) : s[g_in] * (c.E_in - s[V_m]);
    }

    static constants prepare(const double* p, double dt) {
        check_parameters<lif_cond_exp>(p);
        if (!(p[V_reset] < p[V_th]))
            throw config_error("V_reset", brainsim::detail::repr(p[V_reset]),
                               "< V_th = " + brainsim::detail::repr(p[V_th]), "model 'lif_cond_exp'");
        constants c{p[C_m], p[g_L], p[E_L], p[V_th], p[V_reset], p[t_ref], p[E_ex], p[E_in], p[I_e], dt,
                    0, 0, 0, 0, 0};
        c.dt_over_C = dt / c.C;
        c.half_ex = std::exp(-0.5 * dt / p[tau_syn_ex]);
        c.half_in = std::exp(-0.5 * dt / p[tau_syn_in]);
        c.P_ex = std::exp(-dt / p[tau_syn_ex]);
        c.P_in = std::exp(-dt / p[tau_syn_in]);
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
            double ge = s[g_ex] * c.half_ex, gi = s[g_in] * c.half_in;
            double G = c.g_L + ge + gi;
            double vinf = (c.g_L * c.E_L + ge * c.E_ex + gi * c.E_in + c.I_e + I_ext) / G;
            double v = vinf + (s[V_m] - vinf) * cond_detail::det_exp(-G * c.dt_over_C);
            if (v >= c.V_th) {
                v = c.V_reset;
                s[t_ref_left] = c.t_ref;
                r = {true, c.dt};
            }
            s[V_m] = v;
        }
        s[g_ex] = s[g_ex] * c.P_ex + in[0];
        s[g_in] = s[g_in] * c.P_in + in[1];
        return r;
    }

    // The engine's time-stepped loop uses step_batch: the vectorised exponential makes it cheaper
    // per neuron-step than step() (callgrind, COBA).
    static constexpr bool prefer_batch = true;

    // Time-stepped update of n neurons held as separate arrays x[v] (v an s_index); in[r] holds
    // receptor r's input, I the external current. numeric::simd::lanes neurons at a time in AVX
    // builds, pairs (SSE2) otherwise (branch-free; the exponential is computed for refractory
    // neurons too and discarded), the rest by step(); the same IEEE operations in the same order
    // as step(), hence bitwise the same results at any vector width. spiked[i] is set to 0 or 1.
    static void step_batch(const constants& c, double* const* x, const double* const* in, const double* I,
                           std::size_t n, std::uint8_t* spiked) {
        double* __restrict V = x[V_m];
        double* __restrict ge_ = x[g_ex];
        double* __restrict gi_ = x[g_in];
        double* __restrict tl = x[t_ref_left];
        const double* __restrict i0 = in[0];
        const double* __restrict i1 = in[1];
        std::size_t i = 0;
#if defined(BRAINSIM_SIMD_PACKS)
        {
            namespace sv = numeric::simd;
            constexpr std::size_t W = sv::lanes;
            // the constants as packs, outside the loop (the stores could alias c otherwise)
            const sv::pd half = sv::broadcast(0.5 * c.dt), dt = sv::broadcast(c.dt),
                         hex = sv::broadcast(c.half_ex), hin = sv::broadcast(c.half_in), gL = sv::broadcast(c.g_L),
                         gLEL = sv::broadcast(c.g_L * c.E_L), Eex = sv::broadcast(c.E_ex),
                         Ein = sv::broadcast(c.E_in), Ie = sv::broadcast(c.I_e), mdtC = sv::broadcast(c.dt_over_C),
                         Vth = sv::broadcast(c.V_th), Vr = sv::broadcast(c.V_reset), tref = sv::broadcast(c.t_ref),
                         Pex = sv::broadcast(c.P_ex), Pin = sv::broadcast(c.P_in), zero{};
            for (; i + W <= n; i += W) {
                const sv::pd Vv = sv::load(V + i), tv = sv::load(tl + i);
                const sv::pd a = sv::load(ge_ + i), b = sv::load(gi_ + i);
                const sv::pi ref = tv > half;
                const sv::pd ge = a * hex, gi = b * hin;
                const sv::pd G = (gL + ge) + gi;
                const sv::pd vinf = ((((gLEL + ge * Eex) + gi * Ein) + Ie) + sv::load(I + i)) / G;
                const sv::pd P = cond_detail::det_exp(-G * mdtC);
                const sv::pd v = vinf + (Vv - vinf) * P;
                const sv::pi cross = v >= Vth;  // a spike unless refractory
                sv::store(V + i, sv::select(ref, Vv, sv::select(cross, Vr, v)));
                sv::store(tl + i, sv::select(ref, tv - dt, sv::select(cross, tref, zero)));
                sv::store(ge_ + i, a * Pex + sv::load(i0 + i));
                sv::store(gi_ + i, b * Pin + sv::load(i1 + i));
                sv::spike_bytes(ref, cross, spiked + i);
            }
        }
#elif defined(__SSE2__)
        const __m128d hv = _mm_set1_pd(0.5 * c.dt), dtv = _mm_set1_pd(c.dt), hex = _mm_set1_pd(c.half_ex),
                      hin = _mm_set1_pd(c.half_in), gL = _mm_set1_pd(c.g_L), gLEL = _mm_set1_pd(c.g_L * c.E_L),
                      Eex = _mm_set1_pd(c.E_ex), Ein = _mm_set1_pd(c.E_in), Ie = _mm_set1_pd(c.I_e),
                      mdtC = _mm_set1_pd(c.dt_over_C), Vth = _mm_set1_pd(c.V_th), Vr = _mm_set1_pd(c.V_reset),
                      tref = _mm_set1_pd(c.t_ref), Pex = _mm_set1_pd(c.P_ex), Pin = _mm_set1_pd(c.P_in),
                      sign = _mm_set1_pd(-0.0);
        for (; i + 2 <= n; i += 2) {
            const __m128d Vv = _mm_loadu_pd(V + i), tv = _mm_loadu_pd(tl + i);
            const __m128d a = _mm_loadu_pd(ge_ + i), b = _mm_loadu_pd(gi_ + i);
            const __m128d ref = _mm_cmpgt_pd(tv, hv);
            const __m128d ge = _mm_mul_pd(a, hex), gi = _mm_mul_pd(b, hin);
            const __m128d G = _mm_add_pd(_mm_add_pd(gL, ge), gi);
            const __m128d num = _mm_add_pd(
                _mm_add_pd(_mm_add_pd(_mm_add_pd(gLEL, _mm_mul_pd(ge, Eex)), _mm_mul_pd(gi, Ein)), Ie),
                _mm_loadu_pd(I + i));
            const __m128d vinf = _mm_div_pd(num, G);
            const __m128d P = cond_detail::det_exp(_mm_mul_pd(_mm_xor_pd(G, sign), mdtC));
            const __m128d v = _mm_add_pd(vinf, _mm_mul_pd(_mm_sub_pd(Vv, vinf), P));
            const __m128d spk = _mm_andnot_pd(ref, _mm_cmpge_pd(v, Vth));
            const __m128d vfree = _mm_or_pd(_mm_and_pd(spk, Vr), _mm_andnot_pd(spk, v));
            _mm_storeu_pd(V + i, _mm_or_pd(_mm_and_pd(ref, Vv), _mm_andnot_pd(ref, vfree)));
            _mm_storeu_pd(tl + i, _mm_or_pd(_mm_and_pd(ref, _mm_sub_pd(tv, dtv)), _mm_andnot_pd(ref, _mm_and_pd(spk, tref))));
            _mm_storeu_pd(ge_ + i, _mm_add_pd(_mm_mul_pd(a, Pex), _mm_loadu_pd(i0 + i)));
            _mm_storeu_pd(gi_ + i, _mm_add_pd(_mm_mul_pd(b, Pin), _mm_loadu_pd(i1 + i)));
            const int m = _mm_movemask_pd(spk);
            spiked[i] = static_cast<std::uint8_t>(m & 1);
            spiked[i + 1] = static_cast<std::uint8_t>(m >> 1);
        }
#endif
        for (; i < n; ++i) {
            state st{V[i], ge_[i], gi_[i], tl[i]};
            const double inp[2] = {i0[i], i1[i]};
            spiked[i] = step(c, st, inp, I[i]).spiked;
            V[i] = st[V_m];
            ge_[i] = st[g_ex];
            gi_[i] = st[g_in];
            tl[i] = st[t_ref_left];
        }
    }
};

}  // namespace brainsim::models
