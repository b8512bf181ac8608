#pragma once
// The classic Hodgkin-Huxley squid axon (modern convention, rest near -65 mV) as an ODE problem,
// with a step current. Rates exactly as NEURON's hh.mod (PROCEDURE rates, FUNCTION vtrap),
// evaluated without hh.mod's TABLE; temperature by q10 = 3^((celsius - 6.3)/10).
// Absolute units for a 100 pF membrane (1 uF/cm2 on 1e-4 cm2): 10 uA/cm2 = 1000 pA.
//
//   C dV/dt = I(t) - g_Na m^3 h (V - E_Na) - g_K n^4 (V - E_K) - g_L (V - E_L)
//   dx/dt   = q10 (alpha_x(V) (1 - x) - beta_x(V) x),  x in {m, h, n}
//   I(t)    = amplitude for t_on <= t < t_off, else 0
//
// State (V [mV], m, h, n); t in ms, C in pF, g in nS, I in pA. This is the model definition of
// tests/data/hh/make_hh_reference.py.

#include <array>
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

    std::array<double, 2> bp_{10.0, 110.0};

    std::size_t n() const { return 4; }
    static double default_t_end() { return 150.0; }
    void update() { bp_ = {t_on, t_off}; }
    std::span<const double> breakpoints() const { return bp_; }

    double q10() const { return std::pow(3.0, (celsius - 6.3) / 10.0); }

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

    double current(double t) const { return (t >= t_on && t < t_off) ? amplitude : 0.0; }

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

    void jacobian(double, std::span<const double> y, std::span<double> J) const {
        const double v = y[0], m = y[1], h = y[2], nn = y[3];
        const auto r = rates_at(v);
        const auto d = drates_at(v);
        const double q = q10();
        for (auto& x: J) x = 0.0;
        J[0] = -(g_Na * m * m * m * h + g_K * nn * nn * nn * nn + g_L) / C_m;
        J[1] = -3.0 * g_Na * m * m * h * (v - E_Na) / C_m;
        J[2] = -g_Na * m * m * m * (v - E_Na) / C_m;
        J[3] = -4.0 * g_K * nn * nn * nn * (v - E_K) / C_m;
        J[4] = q * (d.am * (1.0 - m) - d.bm * m);
        J[5] = -q * (r.am + r.bm);
        J[8] = q * (d.ah * (1.0 - h) - d.bh * h);
        J[10] = -q * (r.ah + r.bh);
        J[12] = q * (d.an * (1.0 - nn) - d.bn * nn);
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
