#pragma once
// The classic Hodgkin-Huxley squid axon (modern convention, rest near -65 mV) as an ODE problem,
// with a step current. Rates exactly as NEURON's hh.mod (PROCEDURE rates, FUNCTION vtrap),
// evaluated without hh.mod's TABLE; temperature by q10 = 3^((celsius - 6.3)/10).
// Absolute units for a 100 pF membrane (1 uF/cm2 on 1e-4 cm2): 10 uA/cm2 = 1000 pA.
//
//   C dV/dt = I(t) - g_Na m^3 h (V - E_Na) - g_K n^4 (V - E_K) - g_L (V - E_L)
//   dx/dt   = q10 (alpha_x(V) (1 - x) - beta_x(V) x),  x in {m, h, n}
//   I(t)    = amplitude for t_on <= t < t_off, else 0                    (pulse_period = 0)
//   I(t)    = amplitude in [t_on + k P, t_on + k P + pulse_width) inside [t_on, t_off), else 0
//             (a pulse train: P = pulse_period > 0, 0 < pulse_width < P)
//
// State (V [mV], m, h, n); t in ms, C in pF, g in nS, I in pA. This is the model definition of
// tests/data/hh/make_hh_reference.py.

#include <algorithm>
#include <cmath>
#include <span>
#include <vector>

namespace brainsim::problems {

struct hh_rates {
    double am, bm, ah, bh, an, bn;
};

// hh.mod: vtrap(x, y) = y (1 - x/y/2) if |x/y| < 1e-6 else x / (exp(x/y) - 1)
inline double hh_vtrap(double x, double y) {
    if (std::abs(x / y) < 1e-6) return y * (1.0 - x / y / 2.0);
    return x / (std::exp(x / y) - 1.0);
}
inline double hh_dvtrap_dx(double x, double y) {
    if (std::abs(x / y) < 1e-6) return -0.5;
    const double e = std::exp(x / y);
    return 1.0 / (e - 1.0) - x * e / (y * (e - 1.0) * (e - 1.0));
}

struct hh {
    double C_m = 100.0;      // pF
    double g_Na = 12000.0;   // nS
    double g_K = 3600.0;     // nS
    double g_L = 30.0;       // nS
    double E_Na = 50.0;      // mV
    double E_K = -77.0;      // mV
    double E_L = -54.3;      // mV
    double celsius = 6.3;    // degC
    double amplitude = 0.0;  // pA
    double t_on = 10.0;      // ms
    double t_off = 110.0;    // ms
    double V_init = -65.0;   // mV; gates start at their steady state there
    double pulse_period = 0.0;  // ms; 0 = one step current over [t_on, t_off)
    double pulse_width = 0.0;   // ms; length of each pulse when pulse_period > 0

    // Derived by update() (call it after changing parameters): the current's switching times
    // (alternately on, off) and the temperature factor.
    std::vector<double> bp_{10.0, 110.0};
    double q10_ = 1.0;

    std::size_t n() const { return 4; }
    static double default_t_end() { return 150.0; }
    void update() {
        q10_ = std::pow(3.0, (celsius - 6.3) / 10.0);
        bp_.clear();
        if (pulse_period > 0.0) {
            for (double s = t_on; s < t_off; s = t_on + double(bp_.size() / 2) * pulse_period) {
                bp_.push_back(s);
                bp_.push_back(std::min(s + pulse_width, t_off));
                if (bp_.size() > 2'000'000) break;
            }
        }
        else {
            bp_ = {t_on, t_off};
        }
    }
    std::span<const double> breakpoints() const { return bp_; }

    double q10() const { return q10_; }

    static hh_rates rates_at(double v) {
        return {0.1 * hh_vtrap(-(v + 40.0), 10.0),     4.0 * std::exp(-(v + 65.0) / 18.0),
                0.07 * std::exp(-(v + 65.0) / 20.0),   1.0 / (std::exp(-(v + 35.0) / 10.0) + 1.0),
                0.01 * hh_vtrap(-(v + 55.0), 10.0),    0.125 * std::exp(-(v + 65.0) / 80.0)};
    }
    static hh_rates drates_at(double v) {
        const double e = std::exp(-(v + 35.0) / 10.0);
        return {-0.1 * hh_dvtrap_dx(-(v + 40.0), 10.0), -4.0 / 18.0 * std::exp(-(v + 65.0) / 18.0),
                -0.07 / 20.0 * std::exp(-(v + 65.0) / 20.0), e / 10.0 / ((e + 1.0) * (e + 1.0)),
                -0.01 * hh_dvtrap_dx(-(v + 55.0), 10.0), -0.125 / 80.0 * std::exp(-(v + 65.0) / 80.0)};
    }

    std::vector<double> y0() const {
        const auto r = rates_at(V_init);
        return {V_init, r.am / (r.am + r.bm), r.ah / (r.ah + r.bh), r.an / (r.an + r.bn)};
    }

    // On iff an odd number of switching times are <= t (so a stage evaluated just before a switching
    // time sees the left limit).
    double current(double t) const {
        const auto k = std::upper_bound(bp_.begin(), bp_.end(), t) - bp_.begin();
        return (k & 1) ? amplitude : 0.0;
    }

    void rhs(double t, std::span<const double> y, std::span<double> f) const {
        const double v = y[0], m = y[1], h = y[2], nn = y[3];
        const auto r = rates_at(v);
        const double q = q10();
        const double i_ion = g_Na * m * m * m * h * (v - E_Na) + g_K * nn * nn * nn * nn * (v - E_K) + g_L * (v - E_L);
        f[0] = (current(t) - i_ion) / C_m;
        f[1] = q * (r.am * (1.0 - m) - r.bm * m);
        f[2] = q * (r.ah * (1.0 - h) - r.bh * h);
        f[3] = q * (r.an * (1.0 - nn) - r.bn * nn);
    }

    // Rates and their V-derivatives from one set of exponentials (the Jacobian costs about one
    // rhs evaluation; benchmarks/hh_kernel_cost.cpp measures it).
    static void rates_and_derivatives(double v, hh_rates& r, hh_rates& d) {
        const double em = std::exp(-(v + 65.0) / 18.0), eh = std::exp(-(v + 65.0) / 20.0);
        const double eb = std::exp(-(v + 35.0) / 10.0), en = std::exp(-(v + 65.0) / 80.0);
        // alpha_m = 0.1 vtrap(x, 10), x = -(v + 40); alpha_n = 0.01 vtrap(x, 10), x = -(v + 55)
        auto trap = [](double x, double& val, double& dval) {
            if (std::abs(x / 10.0) < 1e-6) {
                val = 10.0 * (1.0 - x / 20.0);
                dval = -0.5;
                return;
            }
            const double e = std::exp(x / 10.0), den = e - 1.0;
            val = x / den;
            dval = 1.0 / den - x * e / (10.0 * den * den);
        };
        double vm, dvm, vn, dvn;
        trap(-(v + 40.0), vm, dvm);
        trap(-(v + 55.0), vn, dvn);
        r = {0.1 * vm, 4.0 * em, 0.07 * eh, 1.0 / (eb + 1.0), 0.01 * vn, 0.125 * en};
        d = {-0.1 * dvm, -4.0 / 18.0 * em, -0.07 / 20.0 * eh, eb / 10.0 / ((eb + 1.0) * (eb + 1.0)), -0.01 * dvn,
             -0.125 / 80.0 * en};
    }

    void jacobian(double, std::span<const double> y, std::span<double> J) const {
        const double v = y[0], m = y[1], h = y[2], nn = y[3];
        hh_rates r, d;
        rates_and_derivatives(v, r, d);
        const double q = q10_;
        const double m2 = m * m, n3 = nn * nn * nn;
        const double inv_c = 1.0 / C_m;
        J[0] = -(g_Na * m2 * m * h + g_K * n3 * nn + g_L) * inv_c;
        J[1] = -3.0 * g_Na * m2 * h * (v - E_Na) * inv_c;
        J[2] = -g_Na * m2 * m * (v - E_Na) * inv_c;
        J[3] = -4.0 * g_K * n3 * (v - E_K) * inv_c;
        J[4] = q * (d.am * (1.0 - m) - d.bm * m);
        J[5] = -q * (r.am + r.bm);
        J[6] = 0.0;
        J[7] = 0.0;
        J[8] = q * (d.ah * (1.0 - h) - d.bh * h);
        J[9] = 0.0;
        J[10] = -q * (r.ah + r.bh);
        J[11] = 0.0;
        J[12] = q * (d.an * (1.0 - nn) - d.bn * nn);
        J[13] = 0.0;
        J[14] = 0.0;
        J[15] = -q * (r.an + r.bn);
    }

    // f is piecewise constant in t (the step current): df/dt = 0 between breakpoints.
    void time_derivative(double, std::span<const double>, std::span<double> ft) const {
        for (auto& x: ft) x = 0.0;
    }

    // Linear-diagonal split for exponential Euler: V is linear in V given the gates, each gate
    // linear in itself given V.
    void linear_split(double t, std::span<const double> y, std::span<double> a, std::span<double> b) const {
        const double v = y[0], m = y[1], h = y[2], nn = y[3];
        const auto r = rates_at(v);
        const double q = q10();
        const double gna = g_Na * m * m * m * h, gk = g_K * nn * nn * nn * nn;
        a[0] = -(gna + gk + g_L) / C_m;
        b[0] = (gna * E_Na + gk * E_K + g_L * E_L + current(t)) / C_m;
        a[1] = -q * (r.am + r.bm);
        b[1] = q * r.am;
        a[2] = -q * (r.ah + r.bh);
        b[2] = q * r.ah;
        a[3] = -q * (r.an + r.bn);
        b[3] = q * r.an;
    }
};

}  // namespace brainsim::problems

namespace brainsim::problems {

// The same HH membrane with two kinetic (Destexhe, Mainen & Sejnowski 1994) receptor synapses of
// very different speed, driven by transmitter pulses T(t) = transmitter [mM] during
// [t_on + k P, t_on + k P + width) inside [t_on, t_off) (P = release_period), else 0:
//
//   C dV/dt = -I_ion(V, m, h, n) - g_fast s_f (V - E_fast) - g_nmda s_n B(V) (V - E_nmda)
//   ds_f/dt = alpha_fast T(t) (1 - s_f) - s_f / tau_fast        (tau_fast = 0.1 ms)
//   ds_n/dt = alpha_nmda T(t) (1 - s_n) - s_n / tau_nmda        (tau_nmda = 100 ms)
//   B(V)    = 1 / (1 + mg / 3.57 exp(-0.062 V))                  (Jahr & Stevens 1990, mg in mM)
//
// State (V, m, h, n, s_fast, s_nmda). Time constants from 0.1 ms to 100 ms in one neuron: the
// stiffness story of the models issue (explicit methods are held to h < 2.8 tau_fast everywhere).
struct hh_synapses {
    hh mem;                      // membrane and gates (its step current is not used)
    double celsius = 6.3;        // degC, copied to mem by update()
    double g_fast = 5.0;         // nS
    double tau_fast = 0.1;       // ms
    double alpha_fast = 10.0;    // 1/(mM ms)
    double E_fast = 0.0;         // mV
    double g_nmda = 300.0;       // nS
    double tau_nmda = 100.0;     // ms
    double alpha_nmda = 0.072;   // 1/(mM ms)
    double E_nmda = 0.0;         // mV
    double mg = 1.0;             // mM
    double transmitter = 1.0;    // mM during a release pulse
    double release_period = 100.0;  // ms (sparse input: 10 releases per second)
    double release_width = 1.0;    // ms
    double t_on = 10.0;          // ms, first release
    double t_off = 1000.0;       // ms, no release starts at or after t_off

    std::vector<double> bp_;

    std::size_t n() const { return 6; }
    static double default_t_end() { return 1000.0; }
    void update() {
        mem.celsius = celsius;
        mem.amplitude = 0.0;
        mem.update();
        bp_.clear();
        for (double s = t_on; s < t_off; s = t_on + double(bp_.size() / 2) * release_period) {
            bp_.push_back(s);
            bp_.push_back(std::min(s + release_width, t_off));
            if (bp_.size() > 2'000'000) break;
        }
    }
    std::span<const double> breakpoints() const { return bp_; }

    std::vector<double> y0() const {
        auto y = mem.y0();
        y.push_back(0.0);
        y.push_back(0.0);
        return y;
    }
    double transmitter_at(double t) const {
        const auto k = std::upper_bound(bp_.begin(), bp_.end(), t) - bp_.begin();
        return (k & 1) ? transmitter : 0.0;
    }
    double mg_block(double v) const { return 1.0 / (1.0 + mg / 3.57 * std::exp(-0.062 * v)); }

    void rhs(double t, std::span<const double> y, std::span<double> f) const {
        mem.rhs(-1.0, y.first(4), f.first(4));  // t = -1: before any step current (none is used)
        const double v = y[0], sf = y[4], sn = y[5], T = transmitter_at(t);
        f[0] -= (g_fast * sf * (v - E_fast) + g_nmda * sn * mg_block(v) * (v - E_nmda)) / mem.C_m;
        f[4] = alpha_fast * T * (1.0 - sf) - sf / tau_fast;
        f[5] = alpha_nmda * T * (1.0 - sn) - sn / tau_nmda;
    }

    void jacobian(double t, std::span<const double> y, std::span<double> J) const {
        double j4[16];
        mem.jacobian(-1.0, y.first(4), j4);
        for (auto& x: J) x = 0.0;
        for (int r = 0; r < 4; ++r)
            for (int c = 0; c < 4; ++c) J[r * 6 + c] = j4[r * 4 + c];
        const double v = y[0], sf = y[4], sn = y[5], T = transmitter_at(t);
        const double B = mg_block(v);
        const double dB = 0.062 * B * (1.0 - B);  // d/dV of 1/(1 + a exp(-0.062 V))
        J[0] -= (g_fast * sf + g_nmda * sn * (dB * (v - E_nmda) + B)) / mem.C_m;
        J[4] = -g_fast * (v - E_fast) / mem.C_m;
        J[5] = -g_nmda * B * (v - E_nmda) / mem.C_m;
        J[4 * 6 + 4] = -alpha_fast * T - 1.0 / tau_fast;
        J[5 * 6 + 5] = -alpha_nmda * T - 1.0 / tau_nmda;
    }

    void time_derivative(double, std::span<const double>, std::span<double> ft) const {
        for (auto& x: ft) x = 0.0;  // piecewise constant in t between breakpoints
    }
};

}  // namespace brainsim::problems
