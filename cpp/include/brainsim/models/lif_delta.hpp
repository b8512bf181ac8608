#pragma once
// lif_delta: leaky integrate-and-fire neuron with delta-pulse synapses (NEST iaf_psc_delta).
//
//   tau_m dV/dt = -(V - E_L) + R (I_e + I_ext),   R = tau_m / C_m
//   an event of weight w (mV) makes V jump by w.
//
// Semantics as NEST iaf_psc_delta: the subthreshold dynamics are integrated exactly over each step;
// the events handed to step j arrive at the end of step j (time (j+1) dt, see neuron_model.hpp), so
// V(j+1) = E_L + P22 (V(j) - E_L) + P20 I + sum(w); if then V >= V_th the neuron spikes, V is set to
// V_reset and held there for t_ref; events arriving while refractory are discarded.
// Exact propagation (propagate / threshold_crossing) supports the hybrid and event-driven schemes.

#include <brainsim/models/neuron_model.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace brainsim::models {

struct lif_delta {
    static constexpr std::string_view name = "lif_delta";
    static constexpr std::string_view doc =
        "LIF with delta synapses, input discarded while refractory (NEST iaf_psc_delta; Brunel 2000)";

    enum p_index { tau_m, C_m, t_ref, E_L, V_reset, V_th, I_e };
    static constexpr std::array<param_info, 7> parameters{{
        {"tau_m", "ms", 10.0, constraint::positive, "membrane time constant"},
        {"C_m", "pF", 250.0, constraint::positive, "membrane capacitance (scales currents only)"},
        {"t_ref", "ms", 2.0, constraint::nonnegative, "refractory period (V clamped, input discarded)"},
        {"E_L", "mV", -70.0, constraint::any, "resting potential"},
        {"V_reset", "mV", -70.0, constraint::any, "reset potential"},
        {"V_th", "mV", -55.0, constraint::any, "spike threshold"},
        {"I_e", "pA", 0.0, constraint::any, "constant external current"},
    }};
    enum s_index { V_m, t_ref_left };
    static constexpr std::array<var_info, 2> state_vars{{
        {"V_m", "mV"},
        {"t_ref_left", "ms"},
    }};
    static constexpr std::array<receptor_info, 2> receptors{{
        {"exc", receptor_kind::voltage_jump, "mV"},
        {"inh", receptor_kind::voltage_jump, "mV"},
    }};
    using state = std::array<double, 2>;

    struct constants {
        double tau_m, R, t_ref, E_L, V_reset, V_th, I_e, dt;
        double P22, mP20;  // e^{-dt/tau}, -expm1(-dt/tau) * R
    };

    static constants prepare(const double* p, double dt) {
        check_parameters<lif_delta>(p);
        if (!(p[V_reset] < p[V_th]))
            throw config_error("V_reset", brainsim::detail::repr(p[V_reset]), "< V_th = " + brainsim::detail::repr(p[V_th]),
                               "model 'lif_delta'");
        constants c{p[tau_m], p[tau_m] / p[C_m], p[t_ref], p[E_L], p[V_reset], p[V_th], p[I_e], dt, 0, 0};
        c.P22 = std::exp(-dt / c.tau_m);
        c.mP20 = -std::expm1(-dt / c.tau_m) * c.R;
        return c;
    }

    static state initial_state(const double* p) { return {p[E_L], 0.0}; }

    static step_result step(const constants& c, state& s, const double* in, double I_ext) {
        if (s[t_ref_left] > 0.5 * c.dt) {  // refractory: V clamped, arriving input discarded
            s[t_ref_left] -= c.dt;
            return {};
        }
        s[t_ref_left] = 0.0;
        double v = c.E_L + c.P22 * (s[V_m] - c.E_L) + c.mP20 * (c.I_e + I_ext) + (in[0] + in[1]);
        if (v >= c.V_th) {
            s[V_m] = c.V_reset;
            s[t_ref_left] = c.t_ref;
            return {true, c.dt};
        }
        s[V_m] = v;
        return {};
    }

    // The engine's time-stepped loop uses step(), not step_batch: on Brunel the scalar loop (ring read
    // fused) costs fewer instructions (callgrind, -7 %). step_batch is kept and tested.
    static constexpr bool prefer_batch = false;

    // Time-stepped update of n neurons held as separate arrays (x[V_m], x[t_ref_left]); in[r] holds
    // receptor r's input, I the external current. SSE2 for pairs of neurons (branch-free); the same
    // IEEE operations in the same order as step(), hence bitwise the same results. spiked[i] is set to 0 or 1.
    static void step_batch(const constants& c, double* const* x, const double* const* in, const double* I,
                           std::size_t n, std::uint8_t* spiked) {
        double* __restrict V = x[V_m];
        double* __restrict tl = x[t_ref_left];
        const double* __restrict i0 = in[0];
        const double* __restrict i1 = in[1];
        const double half = 0.5 * c.dt;
        std::size_t i = 0;
#if defined(__SSE2__)
        // two neurons per iteration; selects by bit masks (the same IEEE operations as below)
        const __m128d EL = _mm_set1_pd(c.E_L), P22 = _mm_set1_pd(c.P22), mP20 = _mm_set1_pd(c.mP20),
                      Ie = _mm_set1_pd(c.I_e), Vth = _mm_set1_pd(c.V_th), Vr = _mm_set1_pd(c.V_reset),
                      tref = _mm_set1_pd(c.t_ref), hv = _mm_set1_pd(half), dtv = _mm_set1_pd(c.dt);
        for (; i + 2 <= n; i += 2) {
            const __m128d Vv = _mm_loadu_pd(V + i), tv = _mm_loadu_pd(tl + i);
            const __m128d ref = _mm_cmpgt_pd(tv, hv);
            const __m128d v = _mm_add_pd(
                _mm_add_pd(_mm_add_pd(EL, _mm_mul_pd(P22, _mm_sub_pd(Vv, EL))), _mm_mul_pd(mP20, _mm_add_pd(Ie, _mm_loadu_pd(I + i)))),
                _mm_add_pd(_mm_loadu_pd(i0 + i), _mm_loadu_pd(i1 + i)));
            const __m128d spk = _mm_andnot_pd(ref, _mm_cmpge_pd(v, Vth));
            const __m128d vfree = _mm_or_pd(_mm_and_pd(spk, Vr), _mm_andnot_pd(spk, v));
            _mm_storeu_pd(V + i, _mm_or_pd(_mm_and_pd(ref, Vv), _mm_andnot_pd(ref, vfree)));
            _mm_storeu_pd(tl + i, _mm_or_pd(_mm_and_pd(ref, _mm_sub_pd(tv, dtv)), _mm_andnot_pd(ref, _mm_and_pd(spk, tref))));
            const int m = _mm_movemask_pd(spk);
            spiked[i] = static_cast<std::uint8_t>(m & 1);
            spiked[i + 1] = static_cast<std::uint8_t>(m >> 1);
        }
#endif
        for (; i < n; ++i) {
            const bool ref = tl[i] > half;
            const double v = c.E_L + c.P22 * (V[i] - c.E_L) + c.mP20 * (c.I_e + I[i]) + (i0[i] + i1[i]);
            const bool spk = !ref && v >= c.V_th;
            V[i] = ref ? V[i] : (spk ? c.V_reset : v);
            tl[i] = ref ? tl[i] - c.dt : (spk ? c.t_ref : 0.0);
            spiked[i] = spk;
        }
    }

    // ---- exact propagation (hybrid / event-driven) -------------------------------------------
    [[gnu::always_inline]] static void propagate(const constants& c, state& s, double h, double I_ext) {
        if (h == c.dt && !(s[t_ref_left] > 0.0)) {  // the common case: free = h = dt, e^{-dt/tau_m} = P22
            double vinf = c.E_L + c.R * (c.I_e + I_ext);
            s[V_m] = vinf + (s[V_m] - vinf) * c.P22;
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
        if (free > 0.0) {
            double vinf = c.E_L + c.R * (c.I_e + I_ext);
            // e^{-free/tau_m}: for a full step the constant P22 (the same expression, the same bits)
            s[V_m] = vinf + (s[V_m] - vinf) * (free == c.dt ? c.P22 : std::exp(-free / c.tau_m));
        }
    }
    static double threshold_crossing(const constants& c, const state& s, double h, double I_ext) {
        double t0 = s[t_ref_left] > 0.0 ? s[t_ref_left] : 0.0;
        double v0 = s[t_ref_left] > 0.0 ? c.V_reset : s[V_m];
        if (v0 >= c.V_th) return t0 > 0.0 ? t0 : std::numeric_limits<double>::infinity();
        double vinf = c.E_L + c.R * (c.I_e + I_ext);
        if (!(vinf > c.V_th)) return std::numeric_limits<double>::infinity();
        double t = t0 + c.tau_m * std::log((v0 - vinf) / (c.V_th - vinf));
        return t <= h ? t : std::numeric_limits<double>::infinity();
    }
    static void receive(const constants& c, state& s, int receptor, double w) {
        if (s[t_ref_left] > 0.0) return;  // discarded while refractory
        s[V_m] += w;
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
