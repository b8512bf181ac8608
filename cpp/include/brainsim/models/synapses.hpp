#pragma once
// Synaptic receptor kernels for point-neuron models: the time course of a synaptic current or
// conductance after an input event of weight w arriving at t = 0.
//
//   exp_kernel     s(t) = w exp(-t/tau)                                     1 state variable
//   alpha_kernel   s(t) = w (t/tau) exp(1 - t/tau)      (peak w at t = tau)  2 state variables
//   biexp_kernel   s(t) = w N (exp(-t/tau_d) - exp(-t/tau_r)), tau_r < tau_d (peak w)   2 states
//
// Every kernel is a linear ODE with constant coefficients, so it is propagated exactly over any
// interval h (no integration error, whatever tau: 0.1 ms AMPA and 100 ms NMDA in one neuron are
// both exact), and its value at any time inside a step is known in closed form. Models therefore
// integrate only the membrane (and gates) numerically, with the synaptic drive evaluated exactly at
// each internal stage time.
//
// A receptor port combines a kernel with a kind: a current port adds s(t) (pA) to the membrane
// current; a conductance port adds s(t) (E_rev - V) (nS * mV = pA); the NMDA port multiplies that
// by the Jahr & Stevens (1990) magnesium block B(V) = 1 / (1 + [Mg]/3.57 mM * exp(-0.062 V/mV)).

#include <brainsim/errors.hpp>

#include <cmath>
#include <string>

namespace brainsim::models {

// Jahr & Stevens (1990) J. Neurosci. 10:3178, eq. for the NMDA conductance fraction not blocked by
// extracellular Mg2+: B(V) = 1 / (1 + [Mg]_o / 3.57 mM * exp(-0.062 V)), V in mV, [Mg] in mM.
inline double mg_block(double V, double mg_mM) {
    return 1.0 / (1.0 + mg_mM * (1.0 / 3.57) * std::exp(-0.062 * V));
}
// dB/dV (for Jacobians and tests).
inline double mg_block_derivative(double V, double mg_mM) {
    const double e = mg_mM * (1.0 / 3.57) * std::exp(-0.062 * V);
    const double d = 1.0 + e;
    return 0.062 * e / (d * d);
}

// s' = -s/tau.
struct exp_kernel {
    static constexpr int size = 1;
    struct constants {
        double tau = 1.0;
        double decay_dt = 0.0;  // exp(-dt/tau)
        double inv_tau = 1.0;
    };
    static constants make(double tau, double dt) { return {tau, std::exp(-dt / tau), 1.0 / tau}; }
    static void add(double* s, const constants&, double w) { s[0] += w; }
    static double value(const double* s) { return s[0]; }
    // Value a time t after the state s (exact).
    static double value_at(const double* s, const constants& c, double t) {
        return s[0] * std::exp(-t * c.inv_tau);
    }
    static void propagate_dt(double* s, const constants& c) { s[0] *= c.decay_dt; }
    static void propagate(double* s, const constants& c, double h) { s[0] *= std::exp(-h * c.inv_tau); }
};

// Alpha function as two states: y' = -y/tau, x' = -x/tau + y, s = x; an event adds w e/tau to y.
struct alpha_kernel {
    static constexpr int size = 2;  // s[0] = x (the kernel value), s[1] = y
    struct constants {
        double tau = 1.0;
        double decay_dt = 0.0;
        double inv_tau = 1.0;
        double dt = 0.0;
        double jump = 0.0;  // e / tau
    };
    static constants make(double tau, double dt) {
        return {tau, std::exp(-dt / tau), 1.0 / tau, dt, std::exp(1.0) / tau};
    }
    static void add(double* s, const constants& c, double w) { s[1] += w * c.jump; }
    static double value(const double* s) { return s[0]; }
    static double value_at(const double* s, const constants& c, double t) {
        return (s[0] + t * s[1]) * std::exp(-t * c.inv_tau);
    }
    static void propagate_dt(double* s, const constants& c) {
        s[0] = (s[0] + c.dt * s[1]) * c.decay_dt;
        s[1] *= c.decay_dt;
    }
    static void propagate(double* s, const constants& c, double h) {
        const double e = std::exp(-h * c.inv_tau);
        s[0] = (s[0] + h * s[1]) * e;
        s[1] *= e;
    }
};

// Difference of exponentials: s = a - b with a' = -a/tau_d, b' = -b/tau_r; an event adds w N to
// both, N chosen so that the peak of one event's response is w.
struct biexp_kernel {
    static constexpr int size = 2;  // s[0] = a (decay), s[1] = b (rise)
    struct constants {
        double tau_rise = 1.0, tau_decay = 2.0;
        double decay_a_dt = 0.0, decay_b_dt = 0.0;
        double inv_tau_a = 1.0, inv_tau_b = 1.0;
        double norm = 1.0;
    };
    // Requires 0 < tau_rise < tau_decay (checked by the model with the parameter names).
    static constants make(double tau_rise, double tau_decay, double dt) {
        constants c;
        c.tau_rise = tau_rise;
        c.tau_decay = tau_decay;
        c.inv_tau_a = 1.0 / tau_decay;
        c.inv_tau_b = 1.0 / tau_rise;
        c.decay_a_dt = std::exp(-dt / tau_decay);
        c.decay_b_dt = std::exp(-dt / tau_rise);
        const double t_peak = tau_decay * tau_rise / (tau_decay - tau_rise) * std::log(tau_decay / tau_rise);
        c.norm = 1.0 / (std::exp(-t_peak / tau_decay) - std::exp(-t_peak / tau_rise));
        return c;
    }
    static void add(double* s, const constants& c, double w) {
        s[0] += w * c.norm;
        s[1] += w * c.norm;
    }
    static double value(const double* s) { return s[0] - s[1]; }
    static double value_at(const double* s, const constants& c, double t) {
        return s[0] * std::exp(-t * c.inv_tau_a) - s[1] * std::exp(-t * c.inv_tau_b);
    }
    static void propagate_dt(double* s, const constants& c) {
        s[0] *= c.decay_a_dt;
        s[1] *= c.decay_b_dt;
    }
    static void propagate(double* s, const constants& c, double h) {
        s[0] *= std::exp(-h * c.inv_tau_a);
        s[1] *= std::exp(-h * c.inv_tau_b);
    }
};

}  // namespace brainsim::models
